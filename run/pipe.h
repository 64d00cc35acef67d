/* pipe.h: the runtime layer, which ties the endpoints (llm/), the Lean pool
 * (lean_io/, on lean_text/) and the corpus (db/) together; it sits above them and below
 * the stage programs. A pipe drives tasks: a task asks an endpoint (answers served
 * from the corpus when asked before), checks code with the Lean pool and writes
 * records. Records go to a sink: JSONL on stdout for cs-store (the stage programs),
 * or straight into the corpus (the streaming scheduler, stage.h).
 * Infrastructure faults (a request that could not be delivered, a check that could
 * not run) are counted per endpoint and for the checker: CS_MAX_INFRA_FAULTS of them
 * in a row stop the pipe (pipe_stopped), as an endpoint refusing the key or the
 * model (401, 403, 404) or asking for payment (402) does at once. */
#ifndef PIPE_H
#define PIPE_H

#include <jansson.h>
#include <sqlite3.h>

#include "lean_repl.h"
#include "llm.h"

struct pipe;

/* Every task begins with this: its problem as the input record gave it, and how the
 * pipe frees a task whose work it drops (a stop, a signal: pipe_free with work in
 * flight). A task waits for one answer or check at a time. */
struct pipe_task {
	void (*drop)(struct pipe_task *t);
	json_t *rec;                      /* the input record, held */
	long long pid;                    /* its problem_id */
	const char *name, *header, *stmt; /* its fields (formal_statement), owned by rec */
	char *last_why;                   /* why its last try failed, owned (or NULL) */
};
/* Fill t from rec (held, json_incref): 0, or -1 after printing, naming where, that
 * the record lacks problem_id, name, header or formal_statement. */
int pipe_task_init(struct pipe_task *t, json_t *rec, const char *where, void (*drop)(struct pipe_task *));
/* Let go of what pipe_task_init took, and last_why. */
void pipe_task_release(struct pipe_task *t);
/* End t with its stage's record o (taken): add t->last_why to o as "why", emit it,
 * free t (t->drop), then pipe_task_done, deferred when result is "deferred". */
void pipe_task_end(struct pipe *p, struct pipe_task *t, json_t *o, const char *result);

enum pipe_role { PIPE_PROVER, PIPE_DECOMPOSER, PIPE_NROLES };
#define PIPE_ROLE(r) (1u << (r))

struct pipe_sample {
	int index;
	char cache_key[65];
	char *content, *reasoning, *finish_reason; /* owned by whoever holds the sample */
	int cached;                                /* served from the corpus */
};
/* Free the strings of samples[0..n) and the array. */
void pipe_samples_free(struct pipe_sample *samples, int n);

/* Called once per pipe_ask: n samples in order of index, handed over (the callee
 * frees them with pipe_samples_free), or error (then samples NULL, n 0). */
typedef void (*pipe_llm_cb)(struct pipe *p, void *task, struct pipe_sample *samples, int n,
			    const char *error);
/* Called once per pipe_check with the finished check (owned by the pipe). */
typedef void (*pipe_lean_cb)(struct pipe *p, void *task, struct lean_check *chk);
/* Start a task for one input record (borrowed: json_incref to keep it). Returns
 * 0 when started (the task calls pipe_task_done when it ends), -1 for a bad record
 * (reported by the callee). */
typedef int (*pipe_start_fn)(struct pipe *p, json_t *rec, const char *where);
/* Where records go: 0, or -1 when the record could not be kept (the pipe stops,
 * CS_EIO). rec is borrowed. */
typedef int (*pipe_sink_fn)(struct pipe *p, json_t *rec, void *ctx);

/* A stage: its name (the `stage` of cs-pending's records), the endpoint it asks
 * (or -1) and how a task starts. */
struct pipe_stage {
	const char *name;
	int role;
	pipe_start_fn start;
};

/* A pipe with the endpoints of roles (a mask of PIPE_ROLE bits) and a Lean pool.
 * Dies with CS_ECONFIG when the configuration is unusable. The corpus (CS_DB) is
 * opened read-only for the answer cache when it exists (pipe_set_db replaces it). */
struct pipe *pipe_new(unsigned roles);
/* Free the pipe; work still in flight is dropped (its tasks' drop). */
void pipe_free(struct pipe *p);
/* Records go to fn(ctx) instead of stdout. */
void pipe_set_sink(struct pipe *p, pipe_sink_fn fn, void *ctx);
/* Serve cached answers from db (borrowed; the caller's read-write handle). */
void pipe_set_db(struct pipe *p, sqlite3 *db);

/* The command line of a stage: cs_init, -h/--help (usage on stdout, exit 0), at most
 * one FILE. Returns FILE or "-" (stdin); exits CS_EUSAGE on anything else. */
const char *pipe_args(int argc, char **argv, const char *usage);
/* Read JSONL from path ("-": stdin), keep up to max_active tasks of stage alive,
 * drive endpoints and Lean until every task is done or the pipe stops. Returns the
 * exit code (pipe_stopped's, else 1 when a record failed, else 0). */
int pipe_run(struct pipe *p, const char *path, int max_active, const struct pipe_stage *stage);
/* Start a task of stage for rec: 0, or -1 for a bad record (reported; counted as
 * failed; no pipe_task_done follows). */
int pipe_start(struct pipe *p, const struct pipe_stage *stage, json_t *rec, const char *where);
/* Drive endpoints and Lean for at most timeout_ms and run the callbacks of what
 * finished. Returns the number of requests and checks still outstanding. */
int pipe_poll(struct pipe *p, int timeout_ms);

/* How a task ended: done (whatever its result), failed (counts toward exit code 1),
 * deferred (an infrastructure fault: its problem stays pending for a later run). */
enum pipe_outcome { PIPE_DONE, PIPE_FAILED, PIPE_DEFERRED };
/* Mark the task of problem_id finished. */
void pipe_task_done(struct pipe *p, long long problem_id, enum pipe_outcome o);
/* Called by pipe_task_done (for the scheduler): set with pipe_on_done. */
typedef void (*pipe_done_fn)(struct pipe *p, long long problem_id, enum pipe_outcome o, void *ctx);
void pipe_on_done(struct pipe *p, pipe_done_fn fn, void *ctx);
/* Tasks started and not done. */
int pipe_active(const struct pipe *p);
/* Tasks that ended failed / deferred so far. */
int pipe_failed(const struct pipe *p);
int pipe_deferred(const struct pipe *p);

/* Why the pipe stopped: 0 (it did not), CS_ECONFIG (an endpoint refused the key or
 * the model, or CS_MAX_INFRA_FAULTS infrastructure faults in a row), CS_EPAYMENT
 * (HTTP 402), CS_EIO (the sink failed). The cause was printed once. */
int pipe_stopped(const struct pipe *p);
/* Stop the pipe with code (the caller printed why). */
void pipe_stop(struct pipe *p, int code);

/* Ask the endpoint of role for samples first_index .. first_index+n-1 of prompt. */
int pipe_ask(struct pipe *p, int role, struct pipe_task *task, long long problem_id, const char *stage,
	     const char *prompt_name, const char *prompt_hash, const char *prompt,
	     int first_index, int n, pipe_llm_cb cb);
/* Requests submitted to role's endpoint and not yet answered (0 without it). */
int pipe_llm_pending(const struct pipe *p, int role);
/* Check body under header with the Lean pool; a verification record (kind: proof,
 * sketch, recombined, fallback) is written when it ends, tied to cache_key.
 * theorem (may be NULL) is audited; statement (may be NULL) is the problem's own
 * formal statement, which theorem must prove. */
/* The toolchain of the pool's checks besides the checker, its version and the header
 * (issue 20): {lean_toolchain, mathlib_rev, repl_rev}, each absent when unknown. New
 * reference. */
json_t *pipe_toolchain_json(const struct pipe *p);
int pipe_check(struct pipe *p, struct pipe_task *task, long long problem_id, const char *kind,
	       const char *cache_key, const char *header, const char *body, const char *theorem,
	       const char *statement, pipe_lean_cb cb);
/* Checks submitted and not yet finished. */
int pipe_lean_pending(const struct pipe *p);
/* The Lean pool's size (CS_LEAN_JOBS as decided). */
int pipe_lean_jobs(const struct pipe *p);
/* Write a verification record for code refused before Lean (checker "policy"). */
void pipe_reject(struct pipe *p, long long problem_id, const char *kind, const char *cache_key,
		 const char *header, const char *body, const char *why);
/* Hand a record to the sink; a sink failure stops the pipe (CS_EIO). */
void pipe_emit(struct pipe *p, json_t *rec);

/* The endpoint of role (NULL when the pipe has none) and the policy this pipe uses. */
const struct llm_endpoint *pipe_endpoint(const struct pipe *p, int role);
const struct lean_policy *pipe_policy(const struct pipe *p);

/* Money (CS_PROVER_PRICE, CS_DECOMPOSER_PRICE, CS_BUDGET, per pipe, so per run):
 * a request is sent only when what was spent, the worst cases of the requests in
 * flight and its own worst case stay within CS_BUDGET; the first that would not
 * sets pipe_budget_out: no further request is sent (pipe_ask returns -1: the task
 * defers its problem), what is in flight ends, and the run exits CS_EPAYMENT.
 * pipe_spent: the cost of the answers received (attempt records carry "cost");
 * pipe_worst_case: the sum of the worst cases of every request sent. */
int pipe_budget_out(const struct pipe *p);
double pipe_spent(const struct pipe *p);
double pipe_worst_case(const struct pipe *p);

/* Answers served from the corpus instead of the network so far. */
long pipe_cached_answers(const struct pipe *p);
/* The Lean checker's restarts by cause and its faults, as a JSON object for runs.counts
 * ("lean": {"restarts": {"uses", "memory", "crash", "timeout"}, "code_faults",
 * "canaries", "canary_failures", "started_in_advance"}); new reference. */
json_t *pipe_lean_counts(const struct pipe *p);

/* From a model answer: the Lean code of its last ```lean4 block with the model's
 * own imports and options dropped (the problem's header is used instead), and the
 * reasoning before the block. 0 with *body and *cot malloc'd, or -1 with *why. */
int pipe_answer_code(const char *content, const char *reasoning, char **body, char **cot, char **why);
/* Policy checks before Lean: forbidden constructs, and, when formal_statement is not
 * NULL, the statement kept; then the code Lean is to check: the problem's own
 * statement grafted onto the model's proof (lean_graft_statement), or body itself
 * without formal_statement. 0 with *checked malloc'd, or -1 with *why. */
int pipe_policy_check(const struct pipe *p, const char *body, const char *formal_statement,
		      int allow_sorry, char **checked, char **why);
/* "theorem NAME ... := by" followed by body indented two spaces, malloc'd. */
char *pipe_with_body(const char *statement, const char *body);

#endif
