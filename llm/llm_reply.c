/* llm_reply.c: parsing chat-completions answers and error bodies. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "llm.h"

/* Skip whitespace and SSE comment lines (": keep-alive") before the JSON. */
static size_t skip_keepalive(const char *b, size_t len)
{
	size_t i = 0;
	for (;;) {
		while (i < len && strchr(" \t\r\n", b[i]) && b[i])
			i++;
		if (i < len && b[i] == ':') {
			while (i < len && b[i] != '\n')
				i++;
			continue;
		}
		return i;
	}
}

/* A copy of a JSON string without NUL bytes (JSON may encode \u0000). */
static char *str_dup(const json_t *s)
{
	const char *v = json_string_value(s);
	size_t n = json_string_length(s), k = 0;
	char *out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (v[i])
			out[k++] = v[i];
	out[k] = 0;
	return out;
}

/* Printable excerpt: control bytes and invalid UTF-8 become '?', at most max bytes. */
static char *excerpt(const char *s, size_t len, size_t max)
{
	struct sbuf sb = SBUF_INIT;
	size_t bad;
	int cut = 0;
	if (len > max) {
		len = max;
		cut = 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* do not split a UTF-8 sequence */
	}
	while (len) {
		size_t ok = len;
		if (!cs_utf8_valid(s, len, &bad))
			ok = bad;
		for (size_t i = 0; i < ok; i++) {
			unsigned char c = (unsigned char)s[i];
			sbuf_addch(&sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
		}
		if (ok == len)
			break;
		sbuf_addch(&sb, '?');
		s += ok + 1;
		len -= ok + 1;
	}
	if (cut)
		sbuf_adds(&sb, "…");
	return sbuf_detach(&sb);
}

/* The message of an error object in either shape, or NULL. */
/* An empty message says nothing: name its absence instead. */
static const char *said(const char *m)
{
	return m && *m ? m : "(no message)";
}

static const char *error_message(const json_t *j, const char **type)
{
	const json_t *e = json_object_get(j, "error");
	*type = NULL;
	if (json_is_object(e)) {
		*type = json_string_value(json_object_get(e, "type"));
		if (!*type)
			*type = json_string_value(json_object_get(e, "code"));
		return said(json_string_value(json_object_get(e, "message")));
	}
	if (json_is_string(e))
		return said(json_string_value(e));
	const char *obj = json_string_value(json_object_get(j, "object"));
	if (obj && !strcmp(obj, "error")) {
		*type = json_string_value(json_object_get(j, "type"));
		return said(json_string_value(json_object_get(j, "message")));
	}
	if (!json_object_get(j, "choices")) {
		const json_t *d = json_object_get(j, "detail");
		if (json_is_string(d)) /* FastAPI's {"detail": ...} */
			return said(json_string_value(d));
	}
	return NULL;
}

char *llm_reply_error(const char *body, size_t len, size_t max)
{
	size_t i = body ? skip_keepalive(body, len) : len;
	json_t *j;
	const char *m, *type;
	char *out;
	if (i >= len)
		return NULL;
	j = json_loadb(body + i, len - i, JSON_ALLOW_NUL, NULL);
	if (j && json_is_object(j) && (m = error_message(j, &type))) {
		char *e = excerpt(m, strlen(m), max);
		out = type ? xasprintf("%s (%.40s)", e, type) : xstrdup(e);
		if (type) {
			char *t = excerpt(out, strlen(out), max + 48);
			free(out);
			out = t;
		}
		free(e);
	} else {
		out = excerpt(body + i, len - i, max);
	}
	json_decref(j);
	return out;
}

void llm_choices_free(struct llm_result *r)
{
	for (size_t i = 0; i < r->nchoices; i++) {
		free(r->choices[i].content);
		free(r->choices[i].reasoning);
		free(r->choices[i].finish_reason);
	}
	free(r->choices);
	r->choices = NULL;
	r->nchoices = 0;
}

/* Add the count at key to *sum, saturating: a hostile server's huge counts must not
 * overflow the sum over the parts of a split request. */
static void add_usage(long *sum, const json_t *u, const char *key)
{
	const json_t *v = json_object_get(u, key);
	long n = json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= LONG_MAX
		 ? (long)json_integer_value(v) : 0;
	*sum = n > LONG_MAX - *sum ? LONG_MAX : *sum + n;
}

struct ichoice {
	long long index;
	size_t pos;
	const json_t *c;
};

static int by_index(const void *a, const void *b)
{
	const struct ichoice *x = a, *y = b;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int llm_reply_parse(const char *body, size_t len, struct llm_result *r, char **why)
{
	size_t i = body ? skip_keepalive(body, len) : len, n;
	json_error_t err;
	json_t *j, *choices;
	const char *m, *type;
	struct ichoice *ic;
	*why = NULL;
	if (i >= len) {
		*why = xstrdup("empty answer");
		return -1;
	}
	if (!(j = json_loadb(body + i, len - i, JSON_ALLOW_NUL, &err))) {
		char *e = excerpt(err.text, strlen(err.text), 120);
		*why = err.position >= (int)(len - i) ?
		       xasprintf("answer is truncated or not JSON (%s at byte %d of %zu)", e, err.position, len) :
		       xasprintf("answer is not JSON (%s at byte %d of %zu)", e, err.position, len);
		free(e);
		return -1;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		*why = xstrdup("answer is not a JSON object");
		return -1;
	}
	if ((m = error_message(j, &type))) {
		char *e = excerpt(m, strlen(m), 300);
		*why = type ? xasprintf("%s (%.40s)", e, type) : xstrdup(e);
		free(e);
		json_decref(j);
		return -2;
	}
	choices = json_object_get(j, "choices");
	if (!json_is_array(choices)) {
		json_decref(j);
		*why = xstrdup("answer has no \"choices\" array");
		return -1;
	}
	n = json_array_size(choices);
	ic = xcalloc(n ? n : 1, sizeof *ic);
	for (size_t k = 0; k < n; k++) {
		const json_t *c = json_array_get(choices, k), *msg, *content, *idx;
		if (!json_is_object(c) || !json_is_object(msg = json_object_get(c, "message"))) {
			*why = xasprintf("choice %zu of the answer has no \"message\" object", k);
			goto bad;
		}
		content = json_object_get(msg, "content");
		if (content && !json_is_string(content) && !json_is_null(content)) {
			*why = xasprintf("choice %zu: \"content\" is neither a string nor null", k);
			goto bad;
		}
		idx = json_object_get(c, "index");
		ic[k].index = json_is_integer(idx) ? json_integer_value(idx) : (long long)k;
		ic[k].pos = k;
		ic[k].c = c;
	}
	qsort(ic, n, sizeof *ic, by_index);
	r->choices = xrealloc(r->choices, (r->nchoices + n + 1) * sizeof *r->choices);
	for (size_t k = 0; k < n; k++) {
		const json_t *msg = json_object_get(ic[k].c, "message");
		const json_t *content = json_object_get(msg, "content");
		const json_t *reason = json_object_get(msg, "reasoning_content");
		const json_t *fin = json_object_get(ic[k].c, "finish_reason");
		struct llm_choice *ch = &r->choices[r->nchoices++];
		if (!json_is_string(reason))
			reason = json_object_get(msg, "reasoning"); /* newer vLLM */
		ch->content = json_is_string(content) ? str_dup(content) : xstrdup("");
		ch->reasoning = json_is_string(reason) ? str_dup(reason) : NULL;
		ch->finish_reason = json_is_string(fin) ? str_dup(fin) : NULL;
		ch->truncated = ch->finish_reason && !strcmp(ch->finish_reason, "length");
	}
	free(ic);
	{
		const json_t *u = json_object_get(j, "usage");
		const json_t *model = json_object_get(j, "model");
		if (json_is_object(u)) {
			add_usage(&r->prompt_tokens, u, "prompt_tokens");
			add_usage(&r->completion_tokens, u, "completion_tokens");
			add_usage(&r->cache_hit_tokens, u, "prompt_cache_hit_tokens");
			add_usage(&r->cache_miss_tokens, u, "prompt_cache_miss_tokens");
		}
		if (!r->model && json_is_string(model)) {
			const char *v = json_string_value(model);
			r->model = excerpt(v, strlen(v), 200);
		}
	}
	json_decref(j);
	return 0;
bad:
	free(ic);
	json_decref(j);
	return -1;
}

void llm_result_free(struct llm_result *r)
{
	if (!r)
		return;
	llm_choices_free(r);
	free(r->error);
	free(r->model);
	free(r);
}
