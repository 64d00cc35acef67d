/* cs-prove: the prover on theorems and subgoal lemmas, until a sample verifies. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "pipe.h"
#include "prompt.h"

static const char usage[] =
	"[FILE]\n"
	"Prove the problems of JSONL records from cs-pending prove: ask the prover\n"
	"(CS_PROVER_URL, CS_PROVER_MODEL) for CS_SAMPLES samples (CS_E2E_SAMPLES for the\n"
	"end-to-end attempt on an original theorem), check each with the policy and Lean\n"
	"in order, stop at the first that verifies. Writes attempt, verification and\n"
	"prove records for cs-store on stdout. Answers already in the corpus (CS_DB) are\n"
	"not asked again.\n"
	"Environment: CS_JOBS, CS_SAMPLES (8), CS_E2E_SAMPLES, CS_PROVER_PROMPT\n"
	"(prover-noncot or prover-cot), CS_PROVER_TEMPERATURE, CS_PROVER_TOP_P,\n"
	"CS_PROVER_MAX_TOKENS, and the CS_LEAN_* settings of the Lean pool.\n";

struct task {
	json_t *rec;
	long long pid;
	const char *name, *header, *stmt, *stage;
	struct pipe_sample *samples;
	int n, next, rejected, failed_checks;
	char *body;       /* the code being checked */
	char *last_why;
};

static const char *prompt_name;

static void task_end(struct pipe *p, struct task *t, const char *result, json_t *proof, int failed)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("prove"));
	json_object_set_new(o, "problem_id", json_integer(t->pid));
	json_object_set_new(o, "name", json_string(t->name));
	json_object_set_new(o, "stage", json_string(t->stage));
	json_object_set_new(o, "result", json_string(result));
	json_object_set_new(o, "samples", json_integer(t->n));
	if (t->last_why)
		json_object_set_new(o, "why", json_string(t->last_why));
	if (proof)
		json_object_set_new(o, "proof", proof);
	pipe_emit(p, o);
	json_decref(o);
	for (int i = 0; i < t->n && t->samples; i++) {
		free(t->samples[i].content);
		free(t->samples[i].reasoning);
		free(t->samples[i].finish_reason);
	}
	free(t->samples);
	free(t->body);
	free(t->last_why);
	json_decref(t->rec);
	free(t);
	pipe_task_done(p, failed);
}

static void set_why(struct task *t, char *why)
{
	free(t->last_why);
	t->last_why = why;
}

static void checked(struct pipe *p, void *task, struct lean_check *chk);

/* Check the next sample, or end the task when none is left. */
static void next_sample(struct pipe *p, struct task *t)
{
	while (t->next < t->n) {
		struct pipe_sample *s = &t->samples[t->next++];
		char *body = NULL, *cot = NULL, *why = NULL;
		if (s->finish_reason && !strcmp(s->finish_reason, "length") &&
		    lean_extract_code(s->content, &why) == NULL) {
			free(why);
			why = xstrdup("answer truncated (finish_reason length) before its code block closed");
		} else if (pipe_answer_code(s->content, s->reasoning, &body, &cot, &why) == 0) {
			free(why);
			why = NULL;
			pipe_policy_check(p, body, t->stmt, 0, &why);
		}
		free(cot);
		if (why) {
			pipe_reject(p, t->pid, "proof", s->cache_key, t->header, body, why);
			set_why(t, xasprintf("sample %d: %s", s->index, why));
			free(why);
			free(body);
			t->rejected++;
			continue;
		}
		free(t->body);
		t->body = body;
		if (pipe_check(p, t, t->pid, "proof", s->cache_key, t->header, body, t->name, t->stmt, checked) == 0)
			return;
		set_why(t, xstrdup("cannot submit a check to the Lean pool"));
	}
	task_end(p, t, "unproved", NULL, 0);
}

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	struct pipe_sample *s = &t->samples[t->next - 1];
	char *why = NULL, *proof_body;
	if (chk->verdict != LEAN_PASS) {
		set_why(t, xasprintf("sample %d: %s%s%s", s->index, lean_verdict_name(chk->verdict),
				     chk->why ? ": " : "", chk->why ? chk->why : ""));
		next_sample(p, t);
		return;
	}
	if (!(proof_body = lean_proof_body(t->body, t->name, &why))) {
		set_why(t, xasprintf("sample %d: verified, but its proof body cannot be cut out: %s", s->index,
				     why ? why : "?"));
		free(why);
		next_sample(p, t);
		return;
	}
	json_t *proof = json_pack("{s:s, s:s, s:s, s:i, s:b, s:s?, s:s?}", "code", t->body, "body", proof_body,
				  "cache_key", s->cache_key, "sample_index", s->index, "real_lean",
				  chk->real_lean, "checker", chk->checker, "version", chk->version);
	free(proof_body);
	free(t->last_why);
	t->last_why = NULL;
	task_end(p, t, "proved", proof, 0);
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err)
{
	struct task *t = task;
	if (err) {
		set_why(t, xasprintf("prover request failed: %s", err));
		task_end(p, t, "request_failed", NULL, 1);
		return;
	}
	t->samples = xcalloc((size_t)n, sizeof *t->samples);
	for (int i = 0; i < n; i++) {
		t->samples[i] = samples[i];
		samples[i].content = samples[i].reasoning = samples[i].finish_reason = NULL;
	}
	t->n = n;
	next_sample(p, t);
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	struct llm_sampling s;
	char hash[65], *prompt;
	const char *stage = jsonl_str(rec, "stage");
	int e2e = stage && !strcmp(stage, "prove_e2e"), n;
	long long pid = jsonl_int(rec, "problem_id", 0);

	if (pid <= 0 || !jsonl_str(rec, "name") || !jsonl_str(rec, "header") || !jsonl_str(rec, "formal_statement"))
		return error("%s: record needs problem_id, name, header and formal_statement", where);
	n = (int)cs_conf_long("CS_SAMPLES");
	if (e2e)
		n = (int)cs_conf_long("CS_E2E_SAMPLES");
	prompt = prompt_problem(prompt_name, jsonl_str(rec, "header"), e2e ? jsonl_str(rec, "informal") : NULL,
				jsonl_str(rec, "formal_statement"), hash);
	if (!prompt)
		return -1;
	t = xcalloc(1, sizeof *t);
	t->rec = json_incref(rec);
	t->pid = pid;
	t->name = jsonl_str(rec, "name");
	t->header = jsonl_str(rec, "header");
	t->stmt = jsonl_str(rec, "formal_statement");
	t->stage = e2e ? "prove_e2e" : "prove";
	pipe_sampling(p, &s);
	if (n == 0) {
		set_why(t, xstrdup("no samples asked (CS_E2E_SAMPLES=0)"));
		task_end(p, t, "unproved", NULL, 0);
	} else if (pipe_ask(p, t, pid, t->stage, prompt_name, hash, prompt, &s, 0, n, answered)) {
		json_decref(t->rec);
		free(t);
		free(prompt);
		return error("%s: %s: cannot submit the request", where, jsonl_str(rec, "name"));
	}
	free(prompt);
	return 0;
}

int main(int argc, char **argv)
{
	struct pipe *p;
	const char *path;
	int rc;

	path = pipe_args(argc, argv, usage);
	prompt_name = cs_conf_str("CS_PROVER_PROMPT");
	p = pipe_new("prover");
	rc = pipe_run(p, path, 2 * pipe_endpoint(p)->jobs, start);
	pipe_free(p);
	return rc;
}
