/* prove.c: the prover on theorems and subgoal lemmas, until a sample verifies. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "lean_fingerprint.h"
#include "lean_text.h"
#include "prompt.h"
#include "stage.h"

struct task {
	struct pipe_task base;      /* first */
	const char *stage, *prompt_name;
	char hash[65], *prompt;
	int total, batch;           /* samples to ask at most, and at once */
	int asked;                  /* index of the next sample to ask */
	struct pipe_sample *samples;/* the current batch */
	int n, next, errors;        /* its size, the next to check; checks that could not run */
	char *body;                 /* the code being checked */
	long long reuse_id;         /* the problem whose proof is being checked here (0: none) */
};

static void task_free(struct pipe_task *pt)
{
	struct task *t = (struct task *)pt;
	pipe_samples_free(t->samples, t->n);
	free(t->body);
	free(t->prompt);
	pipe_task_release(&t->base);
	free(t);
}

/* result: proved, unproved or deferred (no verdict: an infrastructure fault). */
static void task_end(struct pipe *p, struct task *t, const char *result, json_t *proof)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:i}", "type", "prove", "problem_id",
			      (json_int_t)t->base.pid, "name", t->base.name, "stage", t->stage, "result", result,
			      "samples", t->asked);
	if (proof)
		json_object_set_new(o, "proof", proof);
	pipe_task_end(p, &t->base, o, result);
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err);
static void checked(struct pipe *p, void *task, struct lean_check *chk);

/* Ask the next batch, or end the task when every sample was asked. */
static void ask_batch(struct pipe *p, struct task *t)
{
	int k = t->total - t->asked < t->batch ? t->total - t->asked : t->batch;
	if (k <= 0) {
		if (t->errors)
			task_end(p, t, "deferred", NULL);
		else
			task_end(p, t, "unproved", NULL);
		return;
	}
	if (pipe_ask(p, PIPE_PROVER, &t->base, t->base.pid, t->stage, t->prompt_name, t->hash, t->prompt, t->asked, k,
		     answered)) {
		cs_set_str(&t->base.last_why, xstrdup("cannot submit the request"));
		task_end(p, t, "deferred", NULL);
		return;
	}
	t->asked += k;
}

/* Check the next sample of the batch, or ask the next batch. */
static void next_sample(struct pipe *p, struct task *t)
{
	while (t->next < t->n) {
		struct pipe_sample *s = &t->samples[t->next++];
		char *body = NULL, *cot = NULL, *why = NULL, *code = NULL;
		if (s->finish_reason && !strcmp(s->finish_reason, "length") &&
		    lean_extract_code(s->content, &why) == NULL) {
			free(why);
			why = xstrdup("answer truncated (finish_reason length) before its code block closed");
		} else if (pipe_answer_code(s->content, s->reasoning, &body, &cot, &why) == 0) {
			free(why);
			why = NULL;
			pipe_policy_check(p, body, t->base.stmt, 0, &code, &why);
		}
		free(cot);
		if (why) {
			pipe_reject(p, t->base.pid, "proof", s->cache_key, t->base.header, body, why);
			cs_set_str(&t->base.last_why, xasprintf("sample %d: %s", s->index, why));
			free(why);
			free(body);
			continue;
		}
		free(body);
		free(t->body);
		t->body = code;
		if (pipe_check(p, &t->base, t->base.pid, "proof", s->cache_key, t->base.header, t->body, t->base.name, t->base.stmt, checked) == 0)
			return;
		t->errors++;
		cs_set_str(&t->base.last_why, xstrdup("cannot submit a check to the Lean pool"));
	}
	pipe_samples_free(t->samples, t->n);
	t->samples = NULL;
	t->n = t->next = 0;
	ask_batch(p, t);
}

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	struct pipe_sample *s = &t->samples[t->next - 1];
	char *why = NULL, *proof_body;
	json_t *proof;
	if (chk->verdict != LEAN_PASS) {
		t->errors += chk->verdict == LEAN_ERROR;
		cs_set_str(&t->base.last_why, xasprintf("sample %d: %s%s%s", s->index, lean_verdict_name(chk->verdict),
				     chk->why ? ": " : "", chk->why ? chk->why : ""));
		next_sample(p, t);
		return;
	}
	if (!(proof_body = lean_proof_body(t->body, t->base.name, &why))) {
		cs_set_str(&t->base.last_why, xasprintf("sample %d: verified, but its proof body cannot be cut out: %s", s->index,
				     why ? why : "?"));
		free(why);
		next_sample(p, t);
		return;
	}
	proof = json_pack("{s:s, s:s, s:s, s:i, s:b, s:s?, s:s?}", "code", t->body, "body", proof_body,
			  "cache_key", s->cache_key, "sample_index", s->index, "real_lean", chk->real_lean,
			  "checker", chk->checker, "version", chk->version);
	free(proof_body);
	cs_set_str(&t->base.last_why, NULL);
	task_end(p, t, "proved", proof);
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err)
{
	struct task *t = task;
	if (err) {
		cs_set_str(&t->base.last_why, xasprintf("prover request failed: %s", err));
		task_end(p, t, "deferred", NULL);
		return;
	}
	t->samples = samples;
	t->n = n;
	t->next = 0;
	next_sample(p, t);
}

/* The proof of another problem of the same fingerprint (reuse_statement, reuse_body
 * of the pending record) as a proof of this one: its body with the other
 * statement's binder names written as this one's (the fingerprints match, so the
 * binders correspond in order), after this statement. NULL when it cannot be
 * carried over. malloc'd. */
static char *reused_code(const struct task *t, const char *old_stmt, const char *old_body)
{
	char **from = NULL, **to = NULL, *why = NULL, *a, *b, *body = NULL, *code = NULL;
	size_t nf = 0, nt = 0;
	a = lean_fingerprint_text(old_stmt, &from, &nf, &why);
	free(why);
	why = NULL;
	b = lean_fingerprint_text(t->base.stmt, &to, &nt, &why);
	free(why);
	why = NULL;
	if (a && b && !strcmp(a, b) && nf == nt &&
	    (body = lean_rename_idents(old_body, (const char *const *)from, (const char *const *)to, nf, &why)))
		code = pipe_with_body(t->base.stmt, body);
	free(why);
	free(body);
	free(a);
	free(b);
	lean_fingerprint_names_free(from, nf);
	lean_fingerprint_names_free(to, nt);
	return code;
}

static void reuse_checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	char *why = NULL, *proof_body;
	if (chk->verdict == LEAN_PASS && (proof_body = lean_proof_body(t->body, t->base.name, &why))) {
		json_t *proof = json_pack("{s:s, s:s, s:I, s:b, s:s?, s:s?}", "code", t->body, "body", proof_body,
					  "reused_from", (json_int_t)t->reuse_id, "real_lean", chk->real_lean,
					  "checker", chk->checker, "version", chk->version);
		free(proof_body);
		cs_set_str(&t->base.last_why, NULL);
		task_end(p, t, "proved", proof);
		return;
	}
	free(why);
	if (chk->verdict == LEAN_ERROR) {
		/* no verdict: the check is tried again by the next run, before any request */
		cs_set_str(&t->base.last_why, xasprintf("the proof of problem %lld could not be checked here: %s",
							t->reuse_id, chk->why ? chk->why : "?"));
		task_end(p, t, "deferred", NULL);
		return;
	}
	t->reuse_id = 0;
	ask_batch(p, t);
}

/* Try the proof of another problem stated alike (CS_REUSE): 1 when its check is
 * under way, 0 when there is none to try. */
static int try_reuse(struct pipe *p, struct task *t, json_t *rec)
{
	const char *old_stmt = jsonl_str(rec, "reuse_statement"), *old_body = jsonl_str(rec, "reuse_body");
	char *code, *checked = NULL, *why = NULL;
	t->reuse_id = jsonl_int(rec, "reuse_id", 0);
	if (t->reuse_id <= 0 || !old_stmt || !old_body || !(code = reused_code(t, old_stmt, old_body)))
		return t->reuse_id = 0;
	/* the same policy as a model's answer: the proof came from one */
	if (pipe_policy_check(p, code, t->base.stmt, 0, &checked, &why)) {
		pipe_reject(p, t->base.pid, "reuse", NULL, t->base.header, code, why);
		free(why);
		free(code);
		return t->reuse_id = 0;
	}
	free(code);
	free(t->body);
	t->body = checked;
	if (pipe_check(p, &t->base, t->base.pid, "reuse", NULL, t->base.header, t->body, t->base.name, t->base.stmt,
		       reuse_checked))
		return t->reuse_id = 0;
	return 1;
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	const char *stage = jsonl_str(rec, "stage");
	int e2e = stage && !strcmp(stage, "prove_e2e");

	t = xcalloc(1, sizeof *t);
	if (pipe_task_init(&t->base, rec, where, task_free)) {
		free(t);
		return -1;
	}
	t->stage = e2e ? "prove_e2e" : "prove";
	t->prompt_name = cs_conf_str("CS_PROVER_PROMPT");
	t->total = (int)cs_conf_long(e2e ? "CS_E2E_SAMPLES" : "CS_SAMPLES");
	t->batch = (int)cs_conf_long("CS_SAMPLE_BATCH");
	t->prompt = prompt_problem(t->prompt_name, t->base.header, e2e ? jsonl_str(rec, "informal") : NULL, t->base.stmt,
				   t->hash);
	if (!t->prompt) {
		task_free(&t->base);
		return -1;
	}
	if (t->total == 0)
		cs_set_str(&t->base.last_why, xstrdup("no samples asked (CS_E2E_SAMPLES=0)"));
	if (!try_reuse(p, t, rec))
		ask_batch(p, t);
	return 0;
}

const struct pipe_stage stage_prove = { "prove", PIPE_PROVER, start };
