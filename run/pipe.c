#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_text.h"
#include "pipe.h"

#define PIPE_CHAT_TOKENS 64 /* a chat template's tokens around one user message, at most */

/* What a task waits for, an answer or a check: the pipe keeps those in flight in one
 * list, so that dropping the work (a stop, a signal) frees their tasks too. */
struct op {
	struct op *prev, *next;
	struct pipe_task *task;
	void (*free)(struct op *o);
};

struct ask {
	struct op op;              /* first: an ask is an op */
	struct ask *next;          /* ready list */
	struct endpoint *ept;
	void *task;
	pipe_llm_cb cb;
	long long problem_id;
	char *stage, *prompt_name, *prompt_hash, *request;
	int n, nmissing;
	double worst;              /* CS_BUDGET: its worst-case cost */
	double reserved;           /* that worst case, held against CS_BUDGET while it is sent */
	json_t *messages;          /* while held back (CS_BUDGET): what to send, and how */
	struct llm_sampling part;
	struct pipe_sample *samples;
	int *missing;              /* indexes into samples not served from the corpus */
	char *error;
};

struct check {
	struct op op;              /* first: a check is an op */
	void *task;
	pipe_lean_cb cb;
	long long problem_id;
	char *kind, *cache_key;
	char code_hash[65];
};

/* One endpoint: its client, its sampling and its run of infrastructure faults. */
struct endpoint {
	struct llm_endpoint ep;
	struct llm_client *llm;
	struct llm_sampling sampling;
	int faults;
	int held;                  /* asks held back until the budget has room (CS_BUDGET) */
	double price[3];           /* CS_<ROLE>_PRICE: IN, OUT, CACHED per million tokens */
	int priced;
};

struct pipe {
	struct endpoint *ends[PIPE_NROLES];
	struct lean_pool_config cfg;
	struct lean_pool *pool;
	struct lean_policy pol;
	sqlite3 *db;
	int own_db;
	pipe_sink_fn sink;
	void *sink_ctx;
	pipe_done_fn on_done;
	void *done_ctx;
	struct ask *ready, **ready_tail;
	int active, failed, deferred;
	int stop;                  /* exit code the pipe stopped with, 0 while it runs */
	int lean_faults, max_faults;
	long cached;
	struct pollfd *pfd;        /* pipe_poll's */
	int npfd;
	struct op *ops;            /* in flight */
	/* money (CS_*_PRICE, CS_BUDGET): spent by answered requests, held by those in flight
	 * (their worst case), and the sum of every worst case admitted */
	double budget, spent, reserved, worst;
	int has_budget, budget_out;
	struct ask *held, **held_tail; /* asks waiting for requests in flight to end */
	int nheld;
};

static void op_link(struct pipe *p, struct op *o, struct pipe_task *task, void (*free_fn)(struct op *))
{
	o->task = task;
	o->free = free_fn;
	o->prev = NULL;
	o->next = p->ops;
	if (p->ops)
		p->ops->prev = o;
	p->ops = o;
}

static void op_unlink(struct pipe *p, struct op *o)
{
	if (o->prev)
		o->prev->next = o->next;
	else
		p->ops = o->next;
	if (o->next)
		o->next->prev = o->prev;
	o->prev = o->next = NULL;
}

static int stdout_sink(struct pipe *p, json_t *rec, void *ctx)
{
	(void)p;
	(void)ctx;
	if (jsonl_write(stdout, rec) || fflush(stdout))
		return error("write to standard output failed: %s", strerror(errno));
	return 0;
}

static const char *const role_names[PIPE_NROLES] = { "prover", "decomposer" };

struct pipe *pipe_new(unsigned roles)
{
	struct pipe *p = xcalloc(1, sizeof *p);
	p->ready_tail = &p->ready;
	p->held_tail = &p->held;
	p->sink = stdout_sink;
	p->max_faults = (int)cs_conf_long("CS_MAX_INFRA_FAULTS");
	for (int r = 0; r < PIPE_NROLES; r++) {
		struct endpoint *e;
		if (!(roles & PIPE_ROLE(r)))
			continue;
		e = p->ends[r] = xcalloc(1, sizeof *e);
		if (llm_endpoint_from_env(&e->ep, role_names[r]) || !(e->llm = llm_client_new(&e->ep)))
			exit(CS_ECONFIG);
		llm_sampling_from_env(&e->sampling, role_names[r]);
		e->priced = cs_conf_price(r == PIPE_PROVER ? "CS_PROVER_PRICE" : "CS_DECOMPOSER_PRICE", e->price);
	}
	if (cs_env("CS_BUDGET", NULL)) {
		p->has_budget = 1;
		p->budget = cs_conf_double("CS_BUDGET");
		for (int r = 0; r < PIPE_NROLES; r++)
			if (p->ends[r] && !p->ends[r]->priced)
				die(CS_ECONFIG, "CS_BUDGET is set but CS_%s_PRICE is not: set the price (IN OUT [CACHED]) "
				    "of every endpoint the budget covers", r == PIPE_PROVER ? "PROVER" : "DECOMPOSER");
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
		p->own_db = 1;
	}
	return p;
}

void pipe_set_sink(struct pipe *p, pipe_sink_fn fn, void *ctx)
{
	p->sink = fn;
	p->sink_ctx = ctx;
}

void pipe_set_db(struct pipe *p, sqlite3 *db)
{
	if (p->own_db)
		db_close(p->db);
	p->db = db;
	p->own_db = 0;
}

void pipe_on_done(struct pipe *p, pipe_done_fn fn, void *ctx)
{
	p->on_done = fn;
	p->done_ctx = ctx;
}

const char *pipe_args(int argc, char **argv, const char *usage)
{
	int opt;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "h")) != -1)
		cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
	return cs_arg_file(argc, argv, usage);
}

static void ask_free(struct ask *a);

void pipe_free(struct pipe *p)
{
	if (!p)
		return;
	/* work still in flight is dropped: its answers are stored already */
	while (p->ops) {
		struct op *o = p->ops;
		op_unlink(p, o);
		o->task->drop(o->task);
		o->free(o);
	}
	for (int r = 0; r < PIPE_NROLES; r++) {
		struct endpoint *e = p->ends[r];
		if (!e)
			continue;
		llm_client_free(e->llm);
		llm_endpoint_release(&e->ep);
		free(e);
	}
	lean_pool_free(p->pool);
	lean_pool_config_release(&p->cfg);
	free(p->pfd);
	if (p->own_db)
		db_close(p->db);
	free(p);
}

const struct llm_endpoint *pipe_endpoint(const struct pipe *p, int role)
{
	return role >= 0 && role < PIPE_NROLES && p->ends[role] ? &p->ends[role]->ep : NULL;
}

const struct lean_policy *pipe_policy(const struct pipe *p) { return &p->pol; }
int pipe_active(const struct pipe *p) { return p->active; }
int pipe_failed(const struct pipe *p) { return p->failed; }
int pipe_deferred(const struct pipe *p) { return p->deferred; }
int pipe_stopped(const struct pipe *p) { return p->stop; }
long pipe_cached_answers(const struct pipe *p) { return p->cached; }

json_t *pipe_lean_counts(const struct pipe *p)
{
	struct lean_pool_stats st;
	lean_pool_get_stats(p->pool, &st);
	return json_pack("{s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I}", "restarts", "uses", (json_int_t)st.recycled,
			 "memory", (json_int_t)st.retired_memory, "crash", (json_int_t)st.crashes, "timeout",
			 (json_int_t)st.timeouts, "code_faults", (json_int_t)st.code_faults, "canaries",
			 (json_int_t)st.canaries, "canary_failures", (json_int_t)st.canary_failures,
			 "started_in_advance", (json_int_t)st.prewarmed);
}
int pipe_lean_pending(const struct pipe *p) { return lean_pool_pending(p->pool); }
int pipe_lean_jobs(const struct pipe *p) { return lean_pool_size(p->pool); }

int pipe_llm_pending(const struct pipe *p, int role)
{
	return role >= 0 && role < PIPE_NROLES && p->ends[role] ?
		llm_pending(p->ends[role]->llm) + p->ends[role]->held : 0;
}

void pipe_stop(struct pipe *p, int code)
{
	if (!p->stop)
		p->stop = code;
}

void pipe_emit(struct pipe *p, json_t *rec)
{
	if (p->sink(p, rec, p->sink_ctx))
		pipe_stop(p, CS_EIO);
}

void pipe_task_done(struct pipe *p, long long problem_id, enum pipe_outcome o)
{
	p->active--;
	if (o == PIPE_FAILED)
		p->failed++;
	else if (o == PIPE_DEFERRED)
		p->deferred++;
	if (p->on_done)
		p->on_done(p, problem_id, o, p->done_ctx);
}

int pipe_task_init(struct pipe_task *t, json_t *rec, const char *where, void (*drop)(struct pipe_task *))
{
	t->pid = jsonl_int(rec, "problem_id", 0);
	t->name = jsonl_str(rec, "name");
	t->header = jsonl_str(rec, "header");
	t->stmt = jsonl_str(rec, "formal_statement");
	if (t->pid <= 0 || !t->name || !t->header || !t->stmt)
		return error("%s: record needs problem_id, name, header and formal_statement", where);
	t->drop = drop;
	t->rec = json_incref(rec);
	t->last_why = NULL;
	return 0;
}

void pipe_task_release(struct pipe_task *t)
{
	json_decref(t->rec);
	t->rec = NULL;
	free(t->last_why);
	t->last_why = NULL;
}

void pipe_task_end(struct pipe *p, struct pipe_task *t, json_t *o, const char *result)
{
	long long pid = t->pid;
	enum pipe_outcome out = strcmp(result, "deferred") ? PIPE_DONE : PIPE_DEFERRED;
	if (t->last_why)
		json_object_set_new(o, "why", json_string(t->last_why));
	pipe_emit(p, o);
	json_decref(o);
	t->drop(t);
	pipe_task_done(p, pid, out);
}

void pipe_samples_free(struct pipe_sample *samples, int n)
{
	for (int i = 0; samples && i < n; i++) {
		free(samples[i].content);
		free(samples[i].reasoning);
		free(samples[i].finish_reason);
	}
	free(samples);
}

static void ask_free(struct ask *a)
{
	pipe_samples_free(a->samples, a->n);
	free(a->missing);
	free(a->stage);
	free(a->prompt_name);
	free(a->prompt_hash);
	free(a->request);
	free(a->error);
	json_decref(a->messages);
	free(a);
}

static void ask_op_free(struct op *o)
{
	ask_free((struct ask *)o);
}

static void ask_finish(struct pipe *p, struct ask *a)
{
	struct pipe_sample *s = a->error ? NULL : a->samples;
	int n = a->error ? 0 : a->n;
	if (!a->error)
		a->samples = NULL; /* handed over */
	op_unlink(p, &a->op);
	a->cb(p, a->task, s, n, a->error);
	ask_free(a);
}

static json_t *attempt_record(const struct ask *a)
{
	const struct llm_endpoint *ep = &a->ept->ep;
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "attempt",
			 "problem_id", (json_int_t)a->problem_id, "stage", a->stage, "role", ep->role,
			 "model", ep->model, "endpoint", ep->url, "prompt_name", a->prompt_name,
			 "prompt_hash", a->prompt_hash, "request", a->request);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A request that failed for good: the endpoint refusing our configuration stops the
 * pipe at once; an infrastructure fault (no answer, 5xx, 429) counts toward the
 * breaker; anything else is the record's. */
static void ask_failed(struct pipe *p, struct ask *a, const struct llm_result *r)
{
	struct endpoint *e = a->ept;
	const char *ROLE = strcmp(e->ep.role, "prover") ? "DECOMPOSER" : "PROVER";
	int infra = r->http_status == 0 || r->http_status >= 500 || r->http_status == 429;
	if (p->stop)
		return;
	if (r->status == LLM_PAYMENT) {
		error("%s endpoint %s refused for lack of balance (HTTP 402): %s; stopping",
		      e->ep.role, e->ep.url, a->error);
		pipe_stop(p, CS_EPAYMENT);
	} else if (r->http_status == 401 || r->http_status == 403) {
		error("%s; stopping: the endpoint refuses the API key (see CS_%s_API_KEY)", a->error, ROLE);
		pipe_stop(p, CS_ECONFIG);
	} else if (r->http_status == 404) {
		error("%s; stopping: the endpoint does not serve model %s (see CS_%s_MODEL, CS_%s_URL)",
		      a->error, e->ep.model, ROLE, ROLE);
		pipe_stop(p, CS_ECONFIG);
	} else if (infra && ++e->faults >= p->max_faults) {
		error("%s endpoint %s: %d requests in a row could not be delivered (last: %s); stopping: "
		      "the work stays pending for the next run (CS_MAX_INFRA_FAULTS=%d)",
		      e->ep.role, e->ep.url, e->faults, a->error, p->max_faults);
		pipe_stop(p, CS_ECONFIG);
	} else {
		/* the problem stays pending for the next run: say which and why */
		error("problem %lld (%s): %s", a->problem_id, a->stage, a->error);
	}
}

static void budget_release(struct pipe *p);

/* What r cost at e's prices (prompt tokens not served from the provider's cache at IN,
 * cache hits at CACHED, completion at OUT), 0 without a price. */
static double request_cost(const struct endpoint *e, const struct llm_result *r)
{
	long hit = r->cache_hit_tokens < r->prompt_tokens ? r->cache_hit_tokens : r->prompt_tokens;
	if (!e->priced)
		return 0;
	return ((double)(r->prompt_tokens - hit) * e->price[0] + (double)r->completion_tokens * e->price[1] +
		(double)hit * e->price[2]) / 1e6;
}

static void ask_done(struct pipe *p, struct ask *a, struct llm_result *r)
{
	double cost = request_cost(a->ept, r);
	p->reserved -= a->reserved;
	a->reserved = 0;
	p->spent += cost;
	if (p->nheld)
		budget_release(p);
	if (r->status == LLM_OK && r->nchoices > 0) {
		a->ept->faults = 0;
		for (int k = 0; k < a->nmissing; k++) {
			struct pipe_sample *s = &a->samples[a->missing[k]];
			json_t *o;
			if ((size_t)k >= r->nchoices) {
				a->error = xasprintf("endpoint returned %zu of %d samples", r->nchoices, a->nmissing);
				break;
			}
			s->content = xstrdup(r->choices[k].content ? r->choices[k].content : "");
			s->reasoning = xstrdup_or_null(r->choices[k].reasoning);
			s->finish_reason = xstrdup_or_null(r->choices[k].finish_reason);
			o = attempt_record(a);
			/* a request's usage is booked on its first sample */
			json_object_update_new(o, json_pack("{s:s, s:i, s:s, s:o, s:o, s:s, s:i, s:I, s:I, s:I, s:I, s:f}",
				"cache_key", s->cache_key, "sample_index", s->index, "content", s->content,
				"reasoning", str_or_null(s->reasoning), "finish_reason", str_or_null(s->finish_reason),
				"status", "ok", "http_status", r->http_status,
				"prompt_tokens", (json_int_t)(k ? 0 : r->prompt_tokens),
				"completion_tokens", (json_int_t)(k ? 0 : r->completion_tokens),
				"cache_hit_tokens", (json_int_t)(k ? 0 : r->cache_hit_tokens),
				"cache_miss_tokens", (json_int_t)(k ? 0 : r->cache_miss_tokens), "elapsed", r->elapsed));
			if (a->ept->priced && k == 0)
				json_object_set_new(o, "cost", json_real(cost));
			pipe_emit(p, o);
			json_decref(o);
		}
	} else {
		struct timespec ts;
		json_t *o = attempt_record(a);
		char *key;
		clock_gettime(CLOCK_REALTIME, &ts);
		key = xasprintf("%s:failed:%lld.%09ld:%d", a->samples[a->missing[0]].cache_key,
				(long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
		a->error = xstrdup(r->error ? r->error : "request failed");
		json_object_update_new(o, json_pack("{s:s, s:i, s:s, s:i, s:s, s:f}", "cache_key", key,
			"sample_index", a->samples[a->missing[0]].index, "status", "failed",
			"http_status", r->http_status, "error", a->error, "elapsed", r->elapsed));
		pipe_emit(p, o);
		json_decref(o);
		free(key);
		ask_failed(p, a, r);
	}
	ask_finish(p, a);
}

/* CS_BUDGET: the worst case of a request of n samples of prompt to e. It bounds the
 * prompt's tokens by its bytes (a token is at least one byte) plus a chat template's
 * few, for each sample (an endpoint may bill the prompt per sample), at the higher of
 * IN and CACHED, and max_tokens per sample at OUT. */
static double worst_case(const struct endpoint *e, const char *prompt, int n)
{
	double in = e->price[0] > e->price[2] ? e->price[0] : e->price[2];
	return n * (((double)strlen(prompt) + PIPE_CHAT_TOKENS) * in + (double)e->sampling.max_tokens * e->price[1]) / 1e6;
}

/* The first request the budget cannot pay even with nothing else in flight ends the
 * run's asking: say so once. */
static void budget_reached(struct pipe *p, const struct ask *a)
{
	if (!p->budget_out)
		error("budget: %.6g of CS_BUDGET=%.6g spent; the next %s request could cost up to %.6g (%d sample%s, "
		      "%zu prompt bytes, max_tokens %ld): not sent; the run stops when what is in flight has "
		      "ended, the work stays pending for the next run",
		      p->spent, p->budget, a->ept->ep.role, a->worst, a->nmissing, a->nmissing == 1 ? "" : "s",
		      strlen(json_string_value(json_object_get(json_array_get(a->messages, 0), "content"))),
		      a->ept->sampling.max_tokens);
	p->budget_out = 1;
}

/* Send a (its worst case held against the budget). 0, or -1 when the client refused it. */
static int ask_send(struct pipe *p, struct ask *a)
{
	a->reserved = a->worst;
	p->reserved += a->worst;
	p->worst += a->worst;
	if (llm_submit(a->ept->llm, a->messages, &a->part, a)) {
		p->reserved -= a->reserved;
		a->reserved = 0;
		return -1;
	}
	json_decref(a->messages);
	a->messages = NULL;
	return 0;
}

/* Held asks, oldest first: send those the budget has room for now (what was spent, the
 * worst cases in flight and their own), fail them all once one could not be paid even
 * alone (the task defers its problem). */
static void budget_release(struct pipe *p)
{
	struct ask *a;
	while ((a = p->held)) {
		const char *no = NULL;
		if (!p->budget_out && p->spent + a->worst > p->budget)
			budget_reached(p, a);
		if (p->budget_out)
			no = "not sent: the run's budget (CS_BUDGET) is reached";
		else if (p->spent + p->reserved + a->worst > p->budget)
			break; /* wait for what is in flight */
		p->held = a->next;
		if (!p->held)
			p->held_tail = &p->held;
		a->next = NULL;
		p->nheld--;
		a->ept->held--;
		if (!no && ask_send(p, a))
			no = "cannot submit the request";
		if (no) {
			a->error = xstrdup(no);
			*p->ready_tail = a;
			p->ready_tail = &a->next;
		}
	}
}

int pipe_budget_out(const struct pipe *p) { return p->budget_out; }
double pipe_spent(const struct pipe *p) { return p->spent; }
double pipe_worst_case(const struct pipe *p) { return p->worst; }

int pipe_ask(struct pipe *p, int role, struct pipe_task *task, long long problem_id, const char *stage,
	     const char *prompt_name, const char *prompt_hash, const char *prompt,
	     int first_index, int n, pipe_llm_cb cb)
{
	struct endpoint *e = role >= 0 && role < PIPE_NROLES ? p->ends[role] : NULL;
	struct ask *a;
	json_t *messages;
	struct llm_sampling part;
	if (!e)
		return error("internal error: no %s endpoint in this pipe", role >= 0 && role < PIPE_NROLES ? role_names[role] : "such");
	messages = json_pack("[{s:s, s:s}]", "role", "user", "content", prompt);
	if (!messages)
		die(CS_EIO, "cannot build a request");
	part = e->sampling;
	a = xcalloc(1, sizeof *a);
	a->ept = e;
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
	a->request = llm_request_json(&e->ep, messages, &part);
	for (int i = 0; i < n; i++) {
		struct pipe_sample *sm = &a->samples[i];
		json_t *hit;
		sm->index = first_index + i;
		llm_cache_key(&e->ep, messages, &e->sampling, sm->index, sm->cache_key);
		if (p->db && (hit = db_attempt_cached(p->db, sm->cache_key))) {
			sm->content = xstrdup(jsonl_str(hit, "content") ? jsonl_str(hit, "content") : "");
			sm->reasoning = xstrdup_or_null(jsonl_str(hit, "reasoning"));
			sm->finish_reason = xstrdup_or_null(jsonl_str(hit, "finish_reason"));
			sm->cached = 1;
			p->cached++;
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
		a->part = part;
		a->messages = json_incref(messages);
		if (p->has_budget) {
			a->worst = worst_case(e, prompt, a->nmissing);
			if (!p->budget_out && p->spent + a->worst > p->budget)
				budget_reached(p, a);
		}
		if (p->budget_out) {
			json_decref(messages);
			ask_free(a);
			return -1;
		}
		if (p->has_budget && (p->held || p->spent + p->reserved + a->worst > p->budget)) {
			/* held back until requests in flight end (budget_release) */
			*p->held_tail = a;
			p->held_tail = &a->next;
			p->nheld++;
			e->held++;
		} else if (ask_send(p, a)) {
			json_decref(messages);
			ask_free(a);
			return -1;
		}
	}
	op_link(p, &a->op, task, ask_op_free);
	json_decref(messages);
	return 0;
}

static json_t *verification_record(long long problem_id, const char *kind, const char *cache_key,
				   const char *code_hash)
{
	return json_pack("{s:s, s:I, s:s, s:o, s:s}", "type", "verification", "problem_id",
			 (json_int_t)problem_id, "kind", kind, "cache_key", str_or_null(cache_key),
			 "code_hash", code_hash);
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
	json_object_update_new(o, json_pack("{s:s, s:b, s:s, s:s, s:f}", "checker", "policy", "real_lean", 0,
					    "verdict", "rejected", "why", why, "elapsed", 0.0));
	pipe_emit(p, o);
	json_decref(o);
}

static void check_free(struct check *c)
{
	free(c->kind);
	free(c->cache_key);
	free(c);
}

static void check_op_free(struct op *o)
{
	check_free((struct check *)o);
}

int pipe_check(struct pipe *p, struct pipe_task *task, long long problem_id, const char *kind,
	       const char *cache_key, const char *header, const char *body, const char *theorem,
	       const char *statement, pipe_lean_cb cb)
{
	struct check *c = xcalloc(1, sizeof *c);
	c->task = task;
	c->cb = cb;
	c->problem_id = problem_id;
	c->kind = xstrdup(kind);
	c->cache_key = xstrdup_or_null(cache_key);
	code_hash(header, body, c->code_hash);
	if (lean_pool_submit(p->pool, &(struct lean_request){ header, body, theorem, statement }, c)) {
		check_free(c);
		return -1;
	}
	op_link(p, &c->op, task, check_op_free);
	return 0;
}

/* A check that could not run counts toward the checker's breaker. */
static void check_fault(struct pipe *p, const struct lean_check *chk)
{
	if (chk->verdict != LEAN_ERROR) {
		p->lean_faults = 0;
		return;
	}
	if (++p->lean_faults >= p->max_faults && !p->stop) {
		error("Lean checker (%s): %d checks in a row could not run (last: %s); stopping: the work "
		      "stays pending for the next run (CS_MAX_INFRA_FAULTS=%d)",
		      p->cfg.url ? p->cfg.url : p->cfg.repl_cmd, p->lean_faults, chk->why ? chk->why : "?",
		      p->max_faults);
		pipe_stop(p, CS_ECONFIG);
	}
}

json_t *pipe_toolchain_json(const struct pipe *p)
{
	const struct lean_toolchain *tc = lean_pool_toolchain(p->pool);
	return json_pack("{s:s?, s:s?, s:s?}", "lean_toolchain", tc->lean_toolchain, "mathlib_rev", tc->mathlib_rev,
			 "repl_rev", tc->repl_rev);
}

static void check_done(struct pipe *p, struct lean_check *chk)
{
	struct check *c = chk->udata;
	json_t *o = verification_record(c->problem_id, c->kind, c->cache_key, c->code_hash);
	json_t *msgs = chk->messages_json ? json_loads(chk->messages_json, 0, NULL) : NULL;
	json_object_update_new(o, json_pack("{s:s, s:o, s:b, s:b, s:s, s:o, s:o, s:f}",
		"checker", chk->checker ? chk->checker : "repl", "version", str_or_null(chk->version),
		"real_lean", chk->real_lean, "audited", chk->audited, "verdict", lean_verdict_name(chk->verdict),
		"why", str_or_null(chk->why), "messages", msgs ? msgs : json_array(), "elapsed", chk->elapsed));
	if (chk->verdict != LEAN_ERROR)
		json_object_set_new(o, "toolchain", pipe_toolchain_json(p));
	if (chk->server)
		json_object_set_new(o, "server", json_string(chk->server));
	pipe_emit(p, o);
	json_decref(o);
	check_fault(p, chk);
	op_unlink(p, &c->op);
	c->cb(p, c->task, chk);
	check_free(c);
}

/* Do what is ready without waiting: finished requests and checks, their callbacks.
 * Returns how many results were handed out. */
static int drive(struct pipe *p)
{
	struct lean_check *chk;
	int n = 0;
	while (p->ready && !p->stop) {
		struct ask *a = p->ready;
		p->ready = a->next;
		if (!p->ready)
			p->ready_tail = &p->ready;
		ask_finish(p, a);
		n++;
	}
	for (int r = 0; r < PIPE_NROLES && !p->stop; r++) {
		struct endpoint *e = p->ends[r];
		struct llm_result *res;
		if (!e || !llm_pending(e->llm))
			continue;
		llm_poll(e->llm, 0);
		while (!p->stop && (res = llm_next_result(e->llm))) {
			ask_done(p, res->udata, res);
			llm_result_free(res);
			n++;
		}
	}
	if (lean_pool_pending(p->pool) && !p->stop) {
		lean_pool_poll(p->pool, 0);
		while (!p->stop && (chk = lean_pool_next(p->pool))) {
			check_done(p, chk);
			lean_check_free(chk);
			n++;
		}
	}
	return n;
}

static int outstanding(const struct pipe *p)
{
	int n = lean_pool_pending(p->pool) + (p->ready != NULL) + p->nheld;
	for (int r = 0; r < PIPE_NROLES; r++)
		n += p->ends[r] ? llm_pending(p->ends[r]->llm) : 0;
	return n;
}

int pipe_poll(struct pipe *p, int timeout_ms)
{
	int n = 0, wait = timeout_ms;
	if (cs_driver_gone())
		raise(SIGTERM); /* as PR_SET_PDEATHSIG would have, had the driver been the parent */
	if (drive(p) || p->stop || !outstanding(p) || timeout_ms <= 0)
		return outstanding(p);
	/* one wait over every endpoint's sockets and every REPL's pipes at once */
	if (!p->pfd) {
		p->npfd = 3 * lean_pool_size(p->pool) + 8;
		for (int r = 0; r < PIPE_NROLES; r++)
			p->npfd += p->ends[r] ? p->ends[r]->ep.jobs + 8 : 0;
		p->pfd = xcalloc((size_t)p->npfd, sizeof *p->pfd);
	}
	for (int r = 0; r < PIPE_NROLES; r++)
		if (p->ends[r])
			n += llm_pollfds(p->ends[r]->llm, p->pfd + n, p->npfd - n, &wait);
	n += lean_pool_pollfds(p->pool, p->pfd + n, p->npfd - n, &wait);
	if (wait > 0 && poll(p->pfd, (nfds_t)n, wait) < 0 && errno != EINTR)
		error("poll: %s", strerror(errno));
	drive(p);
	return outstanding(p);
}

int pipe_start(struct pipe *p, const struct pipe_stage *stage, json_t *rec, const char *where)
{
	p->active++;
	if (stage->start(p, rec, where) == 0)
		return 0;
	p->active--;
	p->failed++;
	return -1;
}

int pipe_run(struct pipe *p, const char *path, int max_active, const struct pipe_stage *stage)
{
	struct jsonl_reader r;
	int eof = 0;
	if (jsonl_open(&r, path))
		return CS_EIO;
	while (!p->stop) {
		while (!eof && !p->stop && !p->budget_out && p->active < max_active) {
			json_t *rec;
			int rc = jsonl_next(&r, &rec);
			if (rc == CS_END || rc == CS_STOP) {
				eof = 1;
				if (rc == CS_STOP)
					p->failed++;
				break;
			}
			if (rc == CS_BAD_RECORD) {
				p->failed++;
				continue;
			}
			char *where = xasprintf("%s:%ld", r.path, r.lineno);
			pipe_start(p, stage, rec, where);
			free(where);
			json_decref(rec);
		}
		if (p->active == 0 && (eof || p->budget_out))
			break;
		if (!pipe_poll(p, 50) && p->active > 0 && !p->ready) {
			error("internal error: %d tasks wait for nothing", p->active);
			p->failed += p->active;
			break;
		}
	}
	jsonl_close(&r);
	if (p->stop)
		return p->stop;
	if (p->budget_out)
		return CS_EPAYMENT;
	return p->failed || p->deferred ? CS_EPARTIAL : CS_OK;
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
		      int allow_sorry, char **checked, char **why)
{
	struct lean_policy pol = p->pol;
	pol.allow_sorry = allow_sorry;
	*why = *checked = NULL;
	if (lean_check_forbidden(body, &pol, why))
		return -1;
	if (!formal_statement) {
		*checked = xstrdup(body);
		return 0;
	}
	/* the model's copy of the statement is compared, then replaced by the problem's own */
	if (lean_check_statement(body, formal_statement, why))
		return -1;
	if (!(*checked = lean_graft_statement(body, formal_statement, why)))
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
