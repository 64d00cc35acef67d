/* pipe.h: the event loop shared by the model-driven stages (cs-prove,
 * cs-decompose, cs-recombine): JSONL records in, tasks that ask an endpoint
 * (answers served from the corpus when asked before) and check code with the
 * Lean pool, JSONL result records out for cs-store. */
#ifndef PIPE_H
#define PIPE_H

#include <jansson.h>
#include <sqlite3.h>

#include "lean_repl.h"
#include "lean_text.h"
#include "llm.h"

struct pipe;

struct pipe_sample {
	int index;
	char cache_key[65];
	char *content, *reasoning, *finish_reason; /* owned by the pipe until the callback returns */
	int cached;                                /* served from the corpus */
};

/* Called once per pipe_ask: n samples in order of index, or error (then n == 0). */
typedef void (*pipe_llm_cb)(struct pipe *p, void *task, struct pipe_sample *samples, int n,
			    const char *error);
/* Called once per pipe_check with the finished check (owned by the pipe). */
typedef void (*pipe_lean_cb)(struct pipe *p, void *task, struct lean_check *chk);
/* Start a task for one input record (borrowed: json_incref to keep it). Returns
 * 0 when started (the task calls pipe_task_done when it ends), -1 for a bad record
 * (reported by the callee). */
typedef int (*pipe_start_fn)(struct pipe *p, json_t *rec, const char *where);

/* A pipe for role ("prover", "decomposer" or NULL for no endpoint) with a Lean
 * pool. Dies with CS_ECONFIG when the configuration is unusable. The corpus (CS_DB)
 * is opened read-only for the answer cache when it exists. */
struct pipe *pipe_new(const char *role);
/* The command line of a stage: cs_init, -h/--help (usage on stdout, exit 0), at most
 * one FILE. Returns FILE or "-" (stdin); exits CS_EUSAGE on anything else. */
const char *pipe_args(int argc, char **argv, const char *usage);
void pipe_free(struct pipe *p);
/* Read JSONL from path ("-": stdin), keep up to max_active tasks alive, drive
 * endpoint and Lean until every task is done. Returns the exit code: CS_EPAYMENT
 * after an HTTP 402, CS_ECONFIG after a 401, 403 or 404 (bad key, model not
 * served): then no further record is started. */
int pipe_run(struct pipe *p, const char *path, int max_active, pipe_start_fn start);
/* Mark a task finished; failed counts toward exit code 1. */
void pipe_task_done(struct pipe *p, int failed);

/* Ask the endpoint for samples first_index .. first_index+n-1 of prompt. */
int pipe_ask(struct pipe *p, void *task, long long problem_id, const char *stage,
	     const char *prompt_name, const char *prompt_hash, const char *prompt,
	     const struct llm_sampling *s, int first_index, int n, pipe_llm_cb cb);
/* Check body under header with the Lean pool; a verification record (kind: proof,
 * sketch, recombined, fallback) is written when it ends, tied to cache_key. theorem
 * (or NULL) is audited when it passes, against statement (its formal statement, or
 * NULL) as struct lean_request says. */
int pipe_check(struct pipe *p, void *task, long long problem_id, const char *kind,
	       const char *cache_key, const char *header, const char *body, const char *theorem,
	       const char *statement, pipe_lean_cb cb);
/* Write a verification record for code refused before Lean (checker "policy"). */
void pipe_reject(struct pipe *p, long long problem_id, const char *kind, const char *cache_key,
		 const char *header, const char *body, const char *why);
/* Write a record on stdout for cs-store; dies CS_EIO on a write error. */
void pipe_emit(struct pipe *p, json_t *rec);

/* The endpoint, the sampling values and the policy this pipe uses. */
const struct llm_endpoint *pipe_endpoint(const struct pipe *p);
const struct lean_policy *pipe_policy(const struct pipe *p);
void pipe_sampling(const struct pipe *p, struct llm_sampling *s);

/* From a model answer: the Lean code of its last ```lean4 block with the model's
 * own imports and options dropped (the problem's header is used instead), and the
 * reasoning before the block. 0 with *body and *cot malloc'd, or -1 with *why. */
int pipe_answer_code(const char *content, const char *reasoning, char **body, char **cot, char **why);
/* Policy checks before Lean: forbidden constructs, and the statement kept when
 * formal_statement is not NULL. 0, or -1 with *why. */
int pipe_policy_check(const struct pipe *p, const char *body, const char *formal_statement,
		      int allow_sorry, char **why);
/* "theorem NAME ... := by" followed by body indented two spaces, malloc'd. */
char *pipe_with_body(const char *statement, const char *body);

#endif
