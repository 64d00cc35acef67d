/* lean_reply.c: replies of the leanprover-community/repl: parsing, verdicts,
 * the axiom audit and finding where one reply ends in the output stream. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cs.h"
#include "lean_internal.h"
#include "lean_scan.h"
#include "lean_text.h"

const char *lean_verdict_name(enum lean_verdict v)
{
	switch (v) {
	case LEAN_PASS: return "pass";
	case LEAN_SORRY: return "sorry";
	case LEAN_FAIL: return "fail";
	case LEAN_TIMEOUT: return "timeout";
	case LEAN_ERROR: return "error";
	}
	return "error";
}

void lean_reply_release(struct lean_reply *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmsg; i++) {
		free(r->msgs[i].severity);
		free(r->msgs[i].data);
	}
	free(r->msgs);
	for (size_t i = 0; i < r->nsorry; i++)
		free(r->sorries[i].goal);
	free(r->sorries);
	for (size_t i = 0; i < r->ngoals; i++)
		free(r->goals[i]);
	free(r->goals);
	free(r->error);
	memset(r, 0, sizeof *r);
	r->env = -1;
	r->proof_state = -1;
}

static int get_long(const json_t *o, const char *key, long *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -1;
	*out = (long)json_integer_value(v);
	return 1;
}

/* pos {"line": L, "column": C}: absent or null leaves -1; 0 or -1 when malformed. */
static int get_pos(const json_t *o, const char *key, int *line, int *col)
{
	json_t *p = json_object_get(o, key);
	long l = -1, c = -1;
	*line = *col = -1;
	if (!p || json_is_null(p))
		return 0;
	if (!json_is_object(p) || get_long(p, "line", &l) < 0 || get_long(p, "column", &c) < 0)
		return -1;
	*line = (int)l;
	*col = (int)c;
	return 0;
}

/* -1 with *why = "KEY[i]: what" (i < 0: "KEY what"), for the parse functions. */
static int bad_entry(char **why, const char *key, long i, const char *what)
{
	if (i < 0)
		*why = xasprintf("\"%s\" %s", key, what);
	else
		*why = xasprintf("%s[%ld]: %s", key, i, what);
	return -1;
}

static int parse_messages(const json_t *arr, struct lean_reply *r, char **why)
{
	size_t i;
	json_t *m;
	if (!json_is_array(arr))
		return bad_entry(why, "messages", -1, "is not an array");
	r->msgs = xcalloc(json_array_size(arr) + 1, sizeof *r->msgs);
	json_array_foreach(arr, i, m) {
		struct lean_message *lm = &r->msgs[r->nmsg];
		const char *sev = json_string_value(json_object_get(m, "severity"));
		json_t *data = json_object_get(m, "data");
		if (!json_is_object(m) || !sev)
			return bad_entry(why, "messages", (long)i, "no severity");
		if (data && !json_is_string(data))
			return bad_entry(why, "messages", (long)i, "data is not a string");
		if (get_pos(m, "pos", &lm->line, &lm->col) || get_pos(m, "endPos", &lm->end_line, &lm->end_col))
			return bad_entry(why, "messages", (long)i, "bad pos or endPos");
		lm->severity = xstrdup(sev);
		lm->data = data ? xstrndup(json_string_value(data), json_string_length(data)) : xstrdup("");
		r->nmsg++;
	}
	return 0;
}

static int parse_sorries(const json_t *arr, struct lean_reply *r, char **why)
{
	size_t i;
	json_t *s;
	if (!json_is_array(arr))
		return bad_entry(why, "sorries", -1, "is not an array");
	r->sorries = xcalloc(json_array_size(arr) + 1, sizeof *r->sorries);
	json_array_foreach(arr, i, s) {
		struct lean_sorry *ls = &r->sorries[r->nsorry];
		json_t *goal = json_object_get(s, "goal");
		if (!json_is_object(s) || (goal && !json_is_string(goal)))
			return bad_entry(why, "sorries", (long)i, "not an object with a goal string");
		if (get_pos(s, "pos", &ls->line, &ls->col) || get_pos(s, "endPos", &ls->end_line, &ls->end_col))
			return bad_entry(why, "sorries", (long)i, "bad pos or endPos");
		ls->proof_state = -1;
		if (get_long(s, "proofState", &ls->proof_state) < 0)
			return bad_entry(why, "sorries", (long)i, "proofState is not a number");
		ls->goal = goal ? xstrndup(json_string_value(goal), json_string_length(goal)) : xstrdup("");
		r->nsorry++;
	}
	return 0;
}

int lean_reply_parse(const char *json, size_t len, struct lean_reply *out, char **why)
{
	json_error_t jerr;
	json_t *o, *v;
	memset(out, 0, sizeof *out);
	out->env = out->proof_state = -1;
	*why = NULL;
	o = json_loadb(json, len, 0, &jerr);
	if (!o) {
		*why = xasprintf("reply is not JSON: %s (line %d)", jerr.text, jerr.line);
		return -1;
	}
	if (!json_is_object(o)) {
		*why = xstrdup("reply is not a JSON object");
		goto bad;
	}
	if (get_long(o, "env", &out->env) < 0 || get_long(o, "proofState", &out->proof_state) < 0) {
		*why = xstrdup("env or proofState is not a number");
		goto bad;
	}
	if ((v = json_object_get(o, "messages")) && parse_messages(v, out, why))
		goto bad;
	if ((v = json_object_get(o, "sorries")) && parse_sorries(v, out, why))
		goto bad;
	if ((v = json_object_get(o, "goals"))) {
		size_t i;
		json_t *g;
		if (!json_is_array(v)) {
			*why = xstrdup("\"goals\" is not an array");
			goto bad;
		}
		out->goals = xcalloc(json_array_size(v) + 1, sizeof *out->goals);
		json_array_foreach(v, i, g) {
			if (!json_is_string(g)) {
				*why = xasprintf("goals[%zu] is not a string", i);
				goto bad;
			}
			out->goals[out->ngoals++] = xstrndup(json_string_value(g), json_string_length(g));
		}
	}
	if ((v = json_object_get(o, "message"))) {
		if (!json_is_string(v)) {
			*why = xstrdup("\"message\" is not a string");
			goto bad;
		}
		out->error = xstrndup(json_string_value(v), json_string_length(v));
	}
	json_decref(o);
	return 0;
bad:
	json_decref(o);
	lean_reply_release(out);
	return -1;
}

static int is_sorry_warning(const struct lean_message *m)
{
	return !strcmp(m->severity, "warning") &&
	       (strstr(m->data, "declaration uses 'sorry'") || strstr(m->data, "declaration uses `sorry`"));
}

enum lean_verdict lean_reply_verdict(const struct lean_reply *r)
{
	int sorry = r->nsorry > 0;
	if (r->error)
		return LEAN_FAIL;
	for (size_t i = 0; i < r->nmsg; i++) {
		if (!strcmp(r->msgs[i].severity, "error"))
			return LEAN_FAIL;
		if (is_sorry_warning(&r->msgs[i]))
			sorry = 1;
	}
	return sorry ? LEAN_SORRY : LEAN_PASS;
}

/* First line of s, at most max bytes (cut at a UTF-8 boundary), with "…" when cut. */
static void add_excerpt(struct sbuf *sb, const char *s, size_t max)
{
	size_t n = strcspn(s, "\n");
	int cut = s[n] != '\0';
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = 1;
	}
	sbuf_add(sb, s, n);
	if (cut)
		sbuf_adds(sb, " …");
}

char *lean_reply_why(const struct lean_reply *r)
{
	struct sbuf sb = SBUF_INIT;
	size_t nwarn = 0;
	switch (lean_reply_verdict(r)) {
	case LEAN_PASS:
		return NULL;
	case LEAN_FAIL:
		if (r->error) {
			sbuf_adds(&sb, "REPL: ");
			add_excerpt(&sb, r->error, 300);
			return sbuf_detach(&sb);
		}
		for (size_t i = 0; i < r->nmsg; i++)
			if (!strcmp(r->msgs[i].severity, "error")) {
				const struct lean_message *m = &r->msgs[i];
				sbuf_addf(&sb, "%d:%d: ", m->line, m->col);
				add_excerpt(&sb, m->data, 300);
				return sbuf_detach(&sb);
			}
		return xstrdup("error");
	default:
		for (size_t i = 0; i < r->nmsg; i++)
			nwarn += is_sorry_warning(&r->msgs[i]);
		if (r->nsorry)
			return xasprintf("%zu sorr%s", r->nsorry, r->nsorry == 1 ? "y" : "ies");
		return xasprintf("declaration uses 'sorry' (%zu warning%s)", nwarn, nwarn == 1 ? "" : "s");
	}
}

static json_t *pos_json(int line, int col)
{
	if (line < 0)
		return json_null();
	return json_pack("{s:i,s:i}", "line", line, "column", col);
}

char *lean_reply_messages_json(const struct lean_reply *r, size_t max_data)
{
	json_t *arr = json_array();
	char *s;
	for (size_t i = 0; i < r->nmsg; i++) {
		const struct lean_message *m = &r->msgs[i];
		size_t n = strlen(m->data);
		json_t *data;
		if (max_data && n > max_data) {
			struct sbuf sb = SBUF_INIT;
			size_t k = max_data;
			while (k > 0 && ((unsigned char)m->data[k] & 0xC0) == 0x80)
				k--;
			sbuf_add(&sb, m->data, k);
			sbuf_addf(&sb, "\n… [%zu more bytes cut by coldstart]", n - k);
			data = json_stringn(sb.buf, sb.len);
			sbuf_release(&sb);
		} else {
			data = json_stringn(m->data, n);
		}
		if (!data) /* not UTF-8: keep the record valid */
			data = json_string("(message data is not valid UTF-8)");
		json_array_append_new(arr, json_pack("{s:s,s:o,s:o,s:o}", "severity", m->severity,
						     "pos", pos_json(m->line, m->col),
						     "endPos", pos_json(m->end_line, m->end_col), "data", data));
	}
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s ? s : xstrdup("[]");
}

char *lean_reply_info_string(const struct lean_reply *r)
{
	for (size_t i = 0; i < r->nmsg; i++) {
		const char *d = r->msgs[i].data;
		size_t n;
		if (strcmp(r->msgs[i].severity, "info"))
			continue;
		while (*d == ' ' || *d == '\n' || *d == '\t')
			d++;
		n = strlen(d);
		while (n > 0 && strchr(" \n\t\r", d[n - 1]))
			n--;
		if (n >= 2 && d[0] == '"' && d[n - 1] == '"')
			d++, n -= 2;
		return xstrndup(d, n);
	}
	return NULL;
}

/* What a proof may rest on: Lean's three standard axioms (src/Init/Core.lean
 * propext, src/Init/Prelude.lean Quot.sound via quotients, Classical.choice in
 * src/Init/Classical.lean). */
static const char *const allowed_axioms[] = { "propext", "Classical.choice", "Quot.sound" };
/* What native computation rests on, src/Init/Core.lean: Lean.ofReduceBool,
 * Lean.ofReduceNat and Lean.trustCompiler; since lean4 PR #12217 one axiom per
 * computation, `<decl>._native.<kind>.ax_<n>_<m>` (Lean.Meta.nativeEqTrue, named
 * after the declaration being elaborated). */
static const char *const native_axioms[] = { "Lean.ofReduceBool", "Lean.ofReduceNat", "Lean.trustCompiler" };

static int listed(const char *const *list, size_t n, const char *src, const struct lean_tok *t)
{
	for (size_t k = 0; k < n; k++)
		if (lean_ident_eq(src, t, list[k], 0))
			return 1;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Is identifier t of src `<decl>._native.<kind>.ax_<n>_<m>` with <kind> a plain
 * word, <n>, <m> numerals and <decl> the theorem or a declaration of body? */
static int native_computation(const char *src, const struct lean_tok *t, const char *theorem, const char *body)
{
	static const char mark[] = "._native.";
	const char *s = src + t->start, *end = src + t->end, *m = NULL, *k, *ax, *u;
	char *decl;
	int ok;
	for (const char *p = s; p + sizeof mark - 1 <= end; p++)
		if (!memcmp(p, mark, sizeof mark - 1))
			m = p;
	if (!m || m == s)
		return 0;
	k = m + sizeof mark - 1;
	for (ax = k; ax < end && (*ax == '_' || (*ax >= 'a' && *ax <= 'z') || (*ax >= 'A' && *ax <= 'Z') ||
				  (*ax >= '0' && *ax <= '9'));
	     ax++)
		;
	if (ax == k || ax + 4 > end || memcmp(ax, ".ax_", 4))
		return 0;
	ax += 4;
	u = memchr(ax, '_', (size_t)(end - ax));
	if (!u || !all_digits(ax, (size_t)(u - ax)) || !all_digits(u + 1, (size_t)(end - u - 1)))
		return 0;
	decl = xstrndup(s, (size_t)(m - s));
	{
		struct lean_tok *v = NULL;
		size_t n;
		char *why = NULL;
		/* <decl> must read as one name, the theorem's or one the answer declares */
		ok = !lean_tokenize(decl, strlen(decl), 1, &v, &n, &why) && n == 2 && v[0].kind == LEAN_TOK_IDENT &&
		     v[0].start == 0 && v[0].end == strlen(decl) &&
		     (lean_ident_eq(decl, &v[0], theorem, LEAN_ID_DECL) || (body && lean_code_declares(body, decl)));
		free(why);
		free(v);
	}
	free(decl);
	return ok;
}

/* The list of `#print axioms` read as Name.toString prints each name
 * (src/Init/Meta.lean: parts that are not identifiers in «»; an inaccessible name,
 * one with macro scopes or pseudo-syntax left unescaped) joined as a List's
 * format does (MessageData.ofList / Format.joinSep: ",", then a space or a line
 * break and indentation when the list is wider than the line). Read with Lean's
 * own lexer: identifiers separated by exactly that; anything else (a ✝, a
 * numeric part, `_@`, a comment) is a list that cannot be read one way only, and
 * fails. Each name is compared whole, part by part. */
static int axiom_list_ok(const char *list, size_t len, const char *name, int native, const char *body, char **why)
{
	struct lean_tok *v = NULL;
	size_t n;
	char *text = xstrndup(list, len), *w = NULL;
	int rc = -1;
	if (lean_tokenize(text, len, 1, &v, &n, &w)) {
		*why = xasprintf("axiom audit of %s: the axiom list cannot be read: %s", name, w);
		goto out;
	}
	for (size_t i = 0; i + 1 < n; i += 2) {
		const struct lean_tok *t = &v[i];
		size_t gap_from = i ? v[i - 1].end : 0;
		int sep_ok = i == 0 ? t->start == 0 : (text[gap_from] == ' ' && t->start == gap_from + 1) ||
							      (text[gap_from] == '\n' &&
							       strspn(text + gap_from + 1, " ") == t->start - gap_from - 1);
		if (t->kind != LEAN_TOK_IDENT || !sep_ok ||
		    !(v[i + 1].kind == LEAN_TOK_EOF ? t->end == len :
		      v[i + 1].kind == LEAN_TOK_SYMBOL && lean_tok_is(text, &v[i + 1], ",") && v[i + 1].start == t->end &&
		      i + 2 < n && v[i + 2].kind != LEAN_TOK_EOF)) {
			*why = xasprintf("axiom audit of %s: the axiom list cannot be read one way only: [%s]", name, text);
			goto out;
		}
		if (!listed(allowed_axioms, CS_ARRAY_SIZE(allowed_axioms), text, t) &&
		    !(native && (listed(native_axioms, CS_ARRAY_SIZE(native_axioms), text, t) ||
				 native_computation(text, t, name, body)))) {
			*why = xasprintf("axiom audit: %s depends on axiom %.*s", name, (int)(t->end - t->start),
					 text + t->start);
			goto out;
		}
		if (v[i + 1].kind == LEAN_TOK_EOF)
			break;
	}
	rc = n > 1 ? 0 : -1;
	if (rc)
		*why = xasprintf("axiom audit of %s: an empty axiom list", name);
out:
	free(w);
	free(v);
	free(text);
	return rc;
}

/* Is the text [s, s + n) the name `name` (both read as Lean reads an identifier)? */
static int same_name(const char *s, size_t n, const char *name)
{
	char *text = xstrndup(s, n), *w = NULL;
	struct lean_tok *v = NULL;
	size_t nt;
	int ok = !lean_tokenize(text, n, 1, &v, &nt, &w) && nt == 2 && v[0].kind == LEAN_TOK_IDENT && v[0].start == 0 &&
		 v[0].end == n && lean_ident_eq(text, &v[0], name, LEAN_ID_DECL);
	free(w);
	free(v);
	free(text);
	return ok;
}

int lean_reply_axioms_ok(const struct lean_reply *r, const char *name, int native, const char *body, int line,
			 int col, char **why)
{
	/* src/Lean/Elab/Print.lean printAxiomsOf: the whole message is one of */
	static const char none[] = "' does not depend on any axioms", some[] = "' depends on axioms: [";
	const struct lean_message *m;
	const char *d, *p;
	size_t n;
	*why = NULL;
	if (r->error) {
		*why = xasprintf("axiom audit of %s: REPL: %s", name, r->error);
		return -1;
	}
	for (size_t i = 0; i < r->nmsg; i++)
		if (!strcmp(r->msgs[i].severity, "error")) {
			*why = xasprintf("axiom audit of %s: %s", name, r->msgs[i].data);
			return -1;
		}
	if (r->nmsg != 1) {
		*why = r->nmsg ? xasprintf("axiom audit of %s: %zu answers to one #print axioms", name, r->nmsg)
			       : xasprintf("axiom audit of %s: no answer to #print axioms understood", name);
		return -1;
	}
	m = &r->msgs[0];
	d = m->data;
	n = strlen(d);
	if (strcmp(m->severity, "info") || m->line != line || m->col != col) {
		*why = xasprintf("axiom audit of %s: the answer is not #print axioms' (%s at %d:%d)", name, m->severity,
				 m->line, m->col);
		return -1;
	}
	if (d[0] == '\'' && n > sizeof none && !strcmp(d + n - (sizeof none - 1), none) &&
	    same_name(d + 1, n - sizeof none, name))
		return 0;
	if (d[0] == '\'' && (p = strstr(d, some)) && same_name(d + 1, (size_t)(p - d - 1), name) && d[n - 1] == ']')
		return axiom_list_ok(p + sizeof some - 1, (size_t)(d + n - 1 - (p + sizeof some - 1)), name, native,
				     body, why);
	*why = xasprintf("axiom audit of %s: no answer to #print axioms understood", name);
	return -1;
}

void lean_json_scan_reset(struct lean_json_scan *s)
{
	memset(s, 0, sizeof *s);
}

int lean_json_scan_feed(struct lean_json_scan *s, const char *buf, size_t len, size_t *end)
{
	size_t i = s->pos;
	for (; i < len; i++) {
		char c = buf[i];
		if (s->in_str) {
			/* Only '"' and '\\' matter inside strings: fast-forward to them. */
			const char *q;
			if (s->esc) {
				s->esc = 0;
				continue;
			}
			if (c == '\\') {
				s->esc = 1;
				continue;
			}
			if (c == '"') {
				s->in_str = 0;
				continue;
			}
			for (q = buf + i + 1; q < buf + len && *q != '"' && *q != '\\'; q++)
				;
			i = (size_t)(q - buf) - 1;
			continue;
		}
		if (!s->started) {
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c != '{')
				goto garbage;
			s->started = 1;
			s->depth = 1;
			continue;
		}
		switch (c) {
		case '"':
			s->in_str = 1;
			break;
		case '{':
		case '[':
			s->depth++;
			break;
		case '}':
		case ']':
			if (--s->depth == 0) {
				if (c != '}')
					goto garbage;
				s->pos = i + 1;
				*end = i + 1;
				return 1;
			}
			break;
		}
	}
	s->pos = len;
	return 0;
garbage:
	s->pos = i;
	return -1;
}

static void lower(int *line, int shift)
{
	if (*line >= 0)
		*line -= shift;
}

void lean_reply_move_lines(struct lean_reply *from, int first, int last, int shift, struct lean_reply *to)
{
	size_t keep = 0;
	for (size_t i = 0; i < from->nmsg; i++) {
		struct lean_message m = from->msgs[i];
		if (m.line < first || m.line > last) {
			from->msgs[keep++] = m;
			continue;
		}
		lower(&m.line, shift);
		lower(&m.end_line, shift);
		if (!to) {
			free(m.severity);
			free(m.data);
			continue;
		}
		to->msgs = xrealloc(to->msgs, (to->nmsg + 1) * sizeof *to->msgs);
		to->msgs[to->nmsg++] = m;
	}
	from->nmsg = keep;
	keep = 0;
	for (size_t i = 0; i < from->nsorry; i++) {
		struct lean_sorry s = from->sorries[i];
		if (s.line < first || s.line > last) {
			from->sorries[keep++] = s;
			continue;
		}
		lower(&s.line, shift);
		lower(&s.end_line, shift);
		if (!to) {
			free(s.goal);
			continue;
		}
		to->sorries = xrealloc(to->sorries, (to->nsorry + 1) * sizeof *to->sorries);
		to->sorries[to->nsorry++] = s;
	}
	from->nsorry = keep;
}

/* Digits at *p (at least one), advancing past them. */
static int digits(const char **p)
{
	const char *s = *p;
	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > s;
}

int lean_is_lean_version(const char *s)
{
	const char *p = s;
	if (!s || !digits(&p) || *p++ != '.' || !digits(&p) || *p++ != '.' || !digits(&p))
		return 0;
	if (!*p)
		return 1;
	if (*p == '-') { /* version.specialDesc, e.g. "rc2", "nightly-2025-01-01" */
		if (!*++p)
			return 0;
		for (; *p; p++)
			if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_' || *p == '+'))
				return 0;
		return 1;
	}
	if (!strncmp(p, ", commit ", 9)) { /* a development build: githash */
		p += 9;
		if (!*p)
			return 0;
		for (; *p; p++)
			if (!strchr("0123456789abcdef", *p))
				return 0;
		return 1;
	}
	return 0;
}

char *lean_utf8_clean(const char *s, size_t n)
{
	char *out = xstrndup(s, n);
	size_t off = 0, bad;
	while (!cs_utf8_valid(out + off, n - off, &bad)) {
		out[off + bad] = '?';
		off += bad + 1;
	}
	return out;
}
