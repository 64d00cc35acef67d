#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "pipe.h"

struct ask {
	struct ask *next;          /* ready list */
	void *task;
	pipe_llm_cb cb;
	long long problem_id;
	char *stage, *prompt_name, *prompt_hash, *request;
	int n, nmissing;
	struct pipe_sample *samples;
	int *missing;              /* indexes into samples not served from the corpus */
	char *error;
};

struct check {
	void *task;
	pipe_lean_cb cb;
	long long problem_id;
	char *kind, *cache_key;
	char code_hash[65];
};

struct pipe {
	struct llm_endpoint ep;
	struct llm_client *llm;
	struct lean_pool_config cfg;
	struct lean_pool *pool;
	struct lean_policy pol;
	struct llm_sampling sampling;
	sqlite3 *db;
	struct ask *ready, **ready_tail;
	int active, failed, payment; /* payment: stop (402) */
	int refused; /* stop: the endpoint refuses our configuration (401, 403, 404) */
};

struct pipe *pipe_new(const char *role)
{
	struct pipe *p = xcalloc(1, sizeof *p);
	p->ready_tail = &p->ready;
	if (role) {
		if (llm_endpoint_from_env(&p->ep, role))
			exit(CS_ECONFIG);
		if (!(p->llm = llm_client_new(&p->ep)))
			exit(CS_ECONFIG);
		llm_sampling_from_env(&p->sampling, role);
	}
	if (lean_pool_config_from_env(&p->cfg))
		exit(CS_ECONFIG);
	if (!(p->pool = lean_pool_new(&p->cfg)))
		exit(CS_ECONFIG);
	lean_policy_from_env(&p->pol);
	if (access(db_path(), F_OK) == 0) {
		int code;
		if (!(p->db = db_open(db_path(), 1, &code)))
			exit(code);
	}
	return p;
}

const char *pipe_args(int argc, char **argv, const char *usage)
{
	int opt;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "h")) != -1)
		cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
	if (argc - optind > 1)
		cs_usage(usage, CS_EUSAGE);
	return optind < argc ? argv[optind] : "-";
}

void pipe_free(struct pipe *p)
{
	if (!p)
		return;
	if (p->llm)
		llm_client_free(p->llm);
	llm_endpoint_release(&p->ep);
	lean_pool_free(p->pool);
	lean_pool_config_release(&p->cfg);
	db_close(p->db);
	free(p);
}

const struct llm_endpoint *pipe_endpoint(const struct pipe *p) { return &p->ep; }
const struct lean_policy *pipe_policy(const struct pipe *p) { return &p->pol; }
void pipe_sampling(const struct pipe *p, struct llm_sampling *s) { *s = p->sampling; }

void pipe_emit(struct pipe *p, json_t *rec)
{
	(void)p;
	if (jsonl_write(stdout, rec) || fflush(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
}

void pipe_task_done(struct pipe *p, int failed)
{
	p->active--;
	if (failed)
		p->failed++;
}

static void ask_free(struct ask *a)
{
	for (int i = 0; i < a->n; i++) {
		free(a->samples[i].content);
		free(a->samples[i].reasoning);
		free(a->samples[i].finish_reason);
	}
	free(a->samples);
	free(a->missing);
	free(a->stage);
	free(a->prompt_name);
	free(a->prompt_hash);
	free(a->request);
	free(a->error);
	free(a);
}

static void ask_finish(struct pipe *p, struct ask *a)
{
	a->cb(p, a->task, a->error ? NULL : a->samples, a->error ? 0 : a->n, a->error);
	ask_free(a);
}

static json_t *attempt_record(const struct pipe *p, const struct ask *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("attempt"));
	json_object_set_new(o, "problem_id", json_integer(a->problem_id));
	json_object_set_new(o, "stage", json_string(a->stage));
	json_object_set_new(o, "role", json_string(p->ep.role));
	json_object_set_new(o, "model", json_string(p->ep.model));
	json_object_set_new(o, "endpoint", json_string(p->ep.url));
	json_object_set_new(o, "prompt_name", json_string(a->prompt_name));
	json_object_set_new(o, "prompt_hash", json_string(a->prompt_hash));
	json_object_set_new(o, "request", json_string(a->request));
	return o;
}

static void ask_done(struct pipe *p, struct ask *a, struct llm_result *r)
{
	if (r->status == LLM_OK && r->nchoices > 0) {
		for (int k = 0; k < a->nmissing; k++) {
			struct pipe_sample *s = &a->samples[a->missing[k]];
			json_t *o;
			if ((size_t)k >= r->nchoices) {
				a->error = xasprintf("endpoint returned %zu of %d samples", r->nchoices, a->nmissing);
				break;
			}
			s->content = xstrdup(r->choices[k].content ? r->choices[k].content : "");
			s->reasoning = r->choices[k].reasoning ? xstrdup(r->choices[k].reasoning) : NULL;
			s->finish_reason = r->choices[k].finish_reason ? xstrdup(r->choices[k].finish_reason) : NULL;
			o = attempt_record(p, a);
			json_object_set_new(o, "cache_key", json_string(s->cache_key));
			json_object_set_new(o, "sample_index", json_integer(s->index));
			json_object_set_new(o, "content", json_string(s->content));
			json_object_set_new(o, "reasoning", s->reasoning ? json_string(s->reasoning) : json_null());
			json_object_set_new(o, "finish_reason", s->finish_reason ? json_string(s->finish_reason) : json_null());
			json_object_set_new(o, "status", json_string("ok"));
			json_object_set_new(o, "http_status", json_integer(r->http_status));
			/* a request's usage is booked on its first sample */
			json_object_set_new(o, "prompt_tokens", json_integer(k ? 0 : r->prompt_tokens));
			json_object_set_new(o, "completion_tokens", json_integer(k ? 0 : r->completion_tokens));
			json_object_set_new(o, "cache_hit_tokens", json_integer(k ? 0 : r->cache_hit_tokens));
			json_object_set_new(o, "cache_miss_tokens", json_integer(k ? 0 : r->cache_miss_tokens));
			json_object_set_new(o, "elapsed", json_real(r->elapsed));
			pipe_emit(p, o);
			json_decref(o);
		}
	} else {
		struct timespec ts;
		json_t *o = attempt_record(p, a);
		char *key;
		clock_gettime(CLOCK_REALTIME, &ts);
		key = xasprintf("%s:failed:%lld.%09ld:%d", a->samples[a->missing[0]].cache_key,
				(long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
		a->error = xstrdup(r->error ? r->error : "request failed");
		json_object_set_new(o, "cache_key", json_string(key));
		json_object_set_new(o, "sample_index", json_integer(a->samples[a->missing[0]].index));
		json_object_set_new(o, "status", json_string("failed"));
		json_object_set_new(o, "http_status", json_integer(r->http_status));
		json_object_set_new(o, "error", json_string(a->error));
		json_object_set_new(o, "elapsed", json_real(r->elapsed));
		pipe_emit(p, o);
		json_decref(o);
		free(key);
		if (r->status == LLM_PAYMENT && !p->payment) {
			p->payment = 1;
			error("%s endpoint %s refused for lack of balance (HTTP 402): %s; stopping",
			      p->ep.role, p->ep.url, a->error);
		} else if ((r->http_status == 401 || r->http_status == 403 || r->http_status == 404) && !p->refused) {
			/* every request would fail alike: a configuration error, not a record's */
			const char *ROLE = strcmp(p->ep.role, "prover") ? "DECOMPOSER" : "PROVER";
			p->refused = 1;
			if (r->http_status == 404)
				error("%s; stopping: the endpoint does not serve model %s (see CS_%s_MODEL, CS_%s_URL)",
				      a->error, p->ep.model, ROLE, ROLE);
			else
				error("%s; stopping: the endpoint refuses the API key (see CS_%s_API_KEY)", a->error, ROLE);
		} else if (r->status != LLM_PAYMENT && !p->refused) {
			/* the record fails (it stays pending for the next run): say which and why */
			error("problem %lld (%s): %s", a->problem_id, a->stage, a->error);
		}
	}
	ask_finish(p, a);
}

int pipe_ask(struct pipe *p, void *task, long long problem_id, const char *stage,
	     const char *prompt_name, const char *prompt_hash, const char *prompt,
	     const struct llm_sampling *s, int first_index, int n, pipe_llm_cb cb)
{
	struct ask *a = xcalloc(1, sizeof *a);
	json_t *messages = json_pack("[{s:s, s:s}]", "role", "user", "content", prompt);
	struct llm_sampling part = *s;
	if (!messages)
		die(CS_EIO, "cannot build a request");
	a->task = task;
	a->cb = cb;
	a->problem_id = problem_id;
	a->stage = xstrdup(stage);
	a->prompt_name = xstrdup(prompt_name);
	a->prompt_hash = xstrdup(prompt_hash);
	a->n = n;
	a->samples = xcalloc((size_t)n, sizeof *a->samples);
	a->missing = xcalloc((size_t)n, sizeof *a->missing);
	part.n = 1;
	a->request = llm_request_json(&p->ep, messages, &part);
	for (int i = 0; i < n; i++) {
		struct pipe_sample *sm = &a->samples[i];
		json_t *hit;
		sm->index = first_index + i;
		llm_cache_key(&p->ep, messages, s, sm->index, sm->cache_key);
		if (p->db && (hit = db_attempt_cached(p->db, sm->cache_key))) {
			sm->content = xstrdup(jsonl_str(hit, "content") ? jsonl_str(hit, "content") : "");
			sm->reasoning = jsonl_str(hit, "reasoning") ? xstrdup(jsonl_str(hit, "reasoning")) : NULL;
			sm->finish_reason = jsonl_str(hit, "finish_reason") ? xstrdup(jsonl_str(hit, "finish_reason")) : NULL;
			sm->cached = 1;
			json_decref(hit);
		} else {
			a->missing[a->nmissing++] = i;
		}
	}
	if (a->nmissing == 0) {
		*p->ready_tail = a;
		p->ready_tail = &a->next;
	} else {
		part.n = a->nmissing;
		if (llm_submit(p->llm, messages, &part, a)) {
			json_decref(messages);
			ask_free(a);
			return -1;
		}
	}
	json_decref(messages);
	return 0;
}

static json_t *verification_record(long long problem_id, const char *kind, const char *cache_key,
				   const char *code_hash)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("verification"));
	json_object_set_new(o, "problem_id", json_integer(problem_id));
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "cache_key", cache_key ? json_string(cache_key) : json_null());
	json_object_set_new(o, "code_hash", json_string(code_hash));
	return o;
}

static void code_hash(const char *header, const char *body, char out[65])
{
	struct cs_sha256 c;
	cs_sha256_init(&c);
	cs_sha256_update(&c, header, strlen(header) + 1);
	cs_sha256_update(&c, body, strlen(body));
	cs_sha256_final_hex(&c, out);
}

void pipe_reject(struct pipe *p, long long problem_id, const char *kind, const char *cache_key,
		 const char *header, const char *body, const char *why)
{
	char hash[65];
	json_t *o;
	code_hash(header, body ? body : "", hash);
	o = verification_record(problem_id, kind, cache_key, hash);
	json_object_set_new(o, "checker", json_string("policy"));
	json_object_set_new(o, "real_lean", json_false());
	json_object_set_new(o, "verdict", json_string("rejected"));
	json_object_set_new(o, "why", json_string(why));
	json_object_set_new(o, "elapsed", json_real(0));
	pipe_emit(p, o);
	json_decref(o);
}

int pipe_check(struct pipe *p, void *task, long long problem_id, const char *kind,
	       const char *cache_key, const char *header, const char *body, const char *theorem,
	       const char *statement, pipe_lean_cb cb)
{
	struct check *c = xcalloc(1, sizeof *c);
	c->task = task;
	c->cb = cb;
	c->problem_id = problem_id;
	c->kind = xstrdup(kind);
	c->cache_key = cache_key ? xstrdup(cache_key) : NULL;
	code_hash(header, body, c->code_hash);
	if (lean_pool_submit(p->pool, &(struct lean_request){ header, body, theorem, statement }, c)) {
		free(c->kind);
		free(c->cache_key);
		free(c);
		return -1;
	}
	return 0;
}

static void check_done(struct pipe *p, struct lean_check *chk)
{
	struct check *c = chk->udata;
	json_t *o = verification_record(c->problem_id, c->kind, c->cache_key, c->code_hash);
	json_t *msgs = chk->messages_json ? json_loads(chk->messages_json, 0, NULL) : NULL;
	json_object_set_new(o, "checker", json_string(chk->checker ? chk->checker : "repl"));
	json_object_set_new(o, "version", chk->version ? json_string(chk->version) : json_null());
	json_object_set_new(o, "real_lean", json_boolean(chk->real_lean));
	json_object_set_new(o, "audited", json_boolean(chk->audited));
	json_object_set_new(o, "verdict", json_string(lean_verdict_name(chk->verdict)));
	json_object_set_new(o, "why", chk->why ? json_string(chk->why) : json_null());
	json_object_set_new(o, "messages", msgs ? msgs : json_array());
	json_object_set_new(o, "elapsed", json_real(chk->elapsed));
	pipe_emit(p, o);
	json_decref(o);
	c->cb(p, c->task, chk);
	free(c->kind);
	free(c->cache_key);
	free(c);
}

int pipe_run(struct pipe *p, const char *path, int max_active, pipe_start_fn start)
{
	struct jsonl_reader r;
	int eof = 0;
	if (jsonl_open(&r, path))
		return CS_EIO;
	for (;;) {
		while (!eof && !p->payment && !p->refused && p->active < max_active) {
			json_t *rec;
			int rc = jsonl_next(&r, &rec);
			if (rc == 0 || rc == -1) {
				eof = 1;
				if (rc == -1)
					p->failed++;
				break;
			}
			if (rc == -2) {
				p->failed++;
				continue;
			}
			char *where = xasprintf("%s:%ld", r.path, r.lineno);
			p->active++;
			if (start(p, rec, where)) {
				p->active--;
				p->failed++;
			}
			free(where);
			json_decref(rec);
		}
		while (p->ready) {
			struct ask *a = p->ready;
			p->ready = a->next;
			if (!p->ready)
				p->ready_tail = &p->ready;
			ask_finish(p, a);
		}
		if (p->active == 0 && (eof || p->payment || p->refused))
			break;
		int lp = p->llm ? llm_pending(p->llm) : 0, cp = lean_pool_pending(p->pool);
		if (!lp && !cp && !p->ready) {
			if (p->active > 0 && (eof || p->payment || p->refused || p->active >= max_active)) {
				error("internal error: %d tasks wait for nothing", p->active);
				p->failed += p->active;
				break;
			}
			continue;
		}
		if (lp) {
			struct llm_result *res;
			llm_poll(p->llm, cp ? 2 : 50);
			while ((res = llm_next_result(p->llm))) {
				ask_done(p, res->udata, res);
				llm_result_free(res);
			}
		}
		if (cp) {
			struct lean_check *chk;
			lean_pool_poll(p->pool, lp ? 2 : 50);
			while ((chk = lean_pool_next(p->pool))) {
				check_done(p, chk);
				lean_check_free(chk);
			}
		}
	}
	jsonl_close(&r);
	if (p->payment)
		return CS_EPAYMENT;
	if (p->refused)
		return CS_ECONFIG;
	return p->failed ? CS_EPARTIAL : CS_OK;
}

/* Lines of a model's own header that the problem's header replaces. */
static int header_line(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && strchr(" \t\r", s[n - 1]))
		n--;
	if (n == 0)
		return 1;
	if (n >= 7 && !memcmp(s, "import ", 7))
		return 1;
	if (n >= 11 && !memcmp(s, "set_option ", 11))
		return !(n >= 3 && !memcmp(s + n - 3, " in", 3));
	if (n >= 5 && !memcmp(s, "open ", 5))
		return !(n >= 3 && !memcmp(s + n - 3, " in", 3));
	return 0;
}

int pipe_answer_code(const char *content, const char *reasoning, char **body, char **cot, char **why)
{
	char *code = lean_extract_code(content, why);
	const char *p, *fence = NULL, *q;
	size_t n;
	*body = *cot = NULL;
	if (!code)
		return -1;
	for (q = content; (q = strstr(q, "```lean")); q++)
		fence = q;
	n = fence ? (size_t)(fence - content) : 0;
	while (n && strchr(" \t\r\n", content[n - 1]))
		n--;
	if (n == 0 && reasoning && *reasoning) {
		*cot = xstrdup(reasoning);
	} else {
		*cot = xstrndup(content, n);
	}
	for (p = code; *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!header_line(p, len))
			break;
		p += len + (nl ? 1 : 0);
	}
	*body = xstrdup(p);
	free(code);
	return 0;
}

int pipe_policy_check(const struct pipe *p, const char *body, const char *formal_statement,
		      int allow_sorry, char **why)
{
	struct lean_policy pol = p->pol;
	pol.allow_sorry = allow_sorry;
	*why = NULL;
	if (lean_check_forbidden(body, &pol, why))
		return -1;
	if (formal_statement && lean_check_statement(body, formal_statement, why))
		return -1;
	return 0;
}

char *pipe_with_body(const char *statement, const char *body)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = body;
	sbuf_adds(&sb, statement);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		sbuf_addch(&sb, '\n');
		if (n)
			sbuf_adds(&sb, "  ");
		sbuf_add(&sb, p, n);
		p += n + (nl ? 1 : 0);
	}
	return sbuf_detach(&sb);
}
