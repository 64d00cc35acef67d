/* cs-recombine: splice proven subgoals into their sketch and verify the whole proof. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "pipe.h"
#include "prompt.h"

static const char usage[] =
	"[FILE]\n"
	"Recombine the problems of JSONL records from cs-pending recombine: splice each\n"
	"proven subgoal's proof into its sorry (re-indented, everything else byte for\n"
	"byte), check the policy and the statement, verify with Lean; when the splice does\n"
	"not verify, try the fallback form (proven lemmas before the theorem, each sorry\n"
	"closed by its lemma). For an original theorem, the cold-start example is built:\n"
	"prompt = the prover's CoT prompt, completion = the decomposer's reasoning and\n"
	"the complete verified proof. Writes verification and recombine records.\n";

struct task {
	json_t *rec;
	long long pid;
	const char *name, *header, *stmt, *sketch;
	struct lean_sketch sk;
	const char **proofs;
	char **lemmas;
	char *code;
	int form;          /* 0 splice, 1 fallback */
	int children_real; /* every subgoal proof checked by a real Lean */
	char *last_why;
};

static void task_free(struct task *t)
{
	for (size_t i = 0; i < t->sk.n; i++)
		free(t->lemmas ? t->lemmas[i] : NULL);
	free(t->lemmas);
	free(t->proofs);
	lean_sketch_release(&t->sk);
	free(t->code);
	free(t->last_why);
	json_decref(t->rec);
	free(t);
}

static void finish(struct pipe *p, struct task *t, const char *result, json_t *proof, json_t *corpus)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "type", "recombine", "problem_id", (json_int_t)t->pid,
			      "name", t->name, "result", result);
	if (t->last_why)
		json_object_set_new(o, "why", json_string(t->last_why));
	if (proof)
		json_object_set_new(o, "proof", proof);
	if (corpus)
		json_object_set_new(o, "corpus", corpus);
	pipe_emit(p, o);
	json_decref(o);
	pipe_task_done(p, 0);
	task_free(t);
}

static json_t *corpus_record(struct task *t, const struct lean_check *chk, int real)
{
	char h_cot[65], h_dec[65];
	char *prompt = prompt_problem("prover-cot", t->header, jsonl_str(t->rec, "informal"), t->stmt, h_cot);
	char *tmpl = prompt_template("decompose", h_dec);
	const char *cot = jsonl_str(t->rec, "reasoning") ? jsonl_str(t->rec, "reasoning") : "";
	char *full = xasprintf("%s%s", t->header, t->code);
	char *completion = xasprintf("%s%s```lean4\n%s\n```", cot, *cot ? "\n\n" : "", full);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:{s:s, s:s}, s:s, s:s?, s:b}",
		"name", t->name, "formal_proof", full, "cot", cot, "prompt", prompt ? prompt : "",
		"completion", completion, "decomposer_model", jsonl_str(t->rec, "decomposer_model"),
		"prover_model", jsonl_str(t->rec, "prover_model"), "prompt_hashes", "prover-cot", h_cot,
		"decompose", jsonl_str(t->rec, "decompose_prompt_hash") ? jsonl_str(t->rec, "decompose_prompt_hash") : h_dec,
		"checker", chk->checker ? chk->checker : "repl", "checker_version", chk->version, "real_lean", real);
	free(prompt);
	free(tmpl);
	free(full);
	free(completion);
	return o;
}

static void try_form(struct pipe *p, struct task *t);

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	char *why = NULL, *body;
	if (chk->verdict == LEAN_PASS && (body = lean_proof_body(t->code, t->name, &why))) {
		int real = chk->real_lean && t->children_real;
		json_t *proof = json_pack("{s:s, s:s, s:s, s:b, s:s?, s:s?}", "code", t->code, "body", body,
					  "form", t->form ? "fallback" : "splice", "real_lean", real,
					  "checker", chk->checker, "version", chk->version);
		json_t *corpus = jsonl_int(t->rec, "depth", 0) == 0 ? corpus_record(t, chk, real) : NULL;
		free(body);
		free(t->last_why);
		t->last_why = NULL;
		finish(p, t, "proved", proof, corpus);
		return;
	}
	free(t->last_why);
	t->last_why = xasprintf("%s: %s%s%s", t->form ? "fallback" : "splice",
				chk->verdict == LEAN_PASS ? "proof body" : lean_verdict_name(chk->verdict),
				(why || chk->why) ? ": " : "", why ? why : chk->why ? chk->why : "");
	free(why);
	t->form++;
	try_form(p, t);
}

static void try_form(struct pipe *p, struct task *t)
{
	char *why = NULL;
	free(t->code);
	t->code = NULL;
	for (; t->form < 2; t->form++) {
		t->code = t->form == 0 ? lean_recombine(t->sketch, &t->sk, t->proofs, &why)
				       : lean_recombine_fallback(t->sketch, &t->sk, (const char *const *)t->lemmas, &why);
		if (t->code && pipe_policy_check(p, t->code, t->stmt, 0, &why) == 0)
			break;
		if (t->code)
			pipe_reject(p, t->pid, t->form ? "fallback" : "recombined", NULL, t->header, t->code, why);
		free(t->last_why);
		t->last_why = xasprintf("%s: %s", t->form ? "fallback" : "splice", why ? why : "?");
		free(why);
		why = NULL;
		free(t->code);
		t->code = NULL;
	}
	if (!t->code) {
		finish(p, t, "failed", NULL, NULL);
		return;
	}
	if (pipe_check(p, t, t->pid, t->form ? "fallback" : "recombined", NULL, t->header, t->code, t->name, t->stmt, checked)) {
		free(t->last_why);
		t->last_why = xstrdup("cannot submit a check to the Lean pool");
		finish(p, t, "failed", NULL, NULL);
	}
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	json_t *goals = json_object_get(rec, "subgoals"), *g;
	char *why = NULL;
	size_t i;
	long long pid = jsonl_int(rec, "problem_id", 0);
	if (pid <= 0 || !jsonl_str(rec, "name") || !jsonl_str(rec, "header") ||
	    !jsonl_str(rec, "formal_statement") || !jsonl_str(rec, "sketch") || !json_is_array(goals))
		return error("%s: record needs problem_id, name, header, formal_statement, sketch, subgoals", where);
	t = xcalloc(1, sizeof *t);
	t->rec = json_incref(rec);
	t->pid = pid;
	t->name = jsonl_str(rec, "name");
	t->header = jsonl_str(rec, "header");
	t->stmt = jsonl_str(rec, "formal_statement");
	t->sketch = jsonl_str(rec, "sketch");
	t->children_real = 1;
	if (lean_sketch_analyze(t->sketch, t->name, &t->sk, &why)) {
		error("%s: %s: the stored sketch no longer analyzes: %s", where, t->name, why ? why : "?");
		free(why);
		json_decref(t->rec);
		free(t);
		return -1;
	}
	if (t->sk.n != json_array_size(goals)) {
		t->last_why = xasprintf("sketch has %zu sorries but %zu proven subgoals", t->sk.n, json_array_size(goals));
		finish(p, t, "failed", NULL, NULL);
		return 0;
	}
	t->proofs = xcalloc(t->sk.n, sizeof *t->proofs);
	t->lemmas = xcalloc(t->sk.n, sizeof *t->lemmas);
	json_array_foreach(goals, i, g) {
		const char *body = jsonl_str(g, "body"), *lemma = jsonl_str(g, "lemma_b");
		t->proofs[i] = body ? body : "sorry";
		t->lemmas[i] = pipe_with_body(lemma ? lemma : "", body ? body : "sorry");
		if (!jsonl_int(g, "real_lean", 0))
			t->children_real = 0;
	}
	try_form(p, t);
	return 0;
}

int main(int argc, char **argv)
{
	struct pipe *p;
	const char *path;
	int rc;

	path = pipe_args(argc, argv, usage);
	p = pipe_new(NULL);
	rc = pipe_run(p, path,
		      (int)cs_conf_long_or("CS_LEAN_JOBS", 4) * 2, start);
	pipe_free(p);
	return rc;
}
