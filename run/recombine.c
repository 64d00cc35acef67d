/* recombine.c: splice proven subgoals into their sketch and verify the whole proof. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "jsonl.h"
#include "lean_text.h"
#include "prompt.h"
#include "stage.h"

/* A splice first; where a spliced proof does not fit (Lean's errors fall in its
 * lines), its sorry is closed by its lemma (mixed), until nothing new is hit or an
 * error falls outside every spot: then every sorry is (fallback). */
enum { FORM_SPLICE, FORM_MIXED, FORM_FALLBACK };
static const char *const form_names[] = { "splice", "mixed", "fallback" };
static const char *const form_kinds[] = { "recombined", "mixed", "fallback" };

struct task {
	struct pipe_task base;   /* first */
	const char *sketch;
	struct lean_sketch sk;
	const char **proofs;
	char **lemmas;
	char *code;
	int form;                /* FORM_SPLICE, FORM_MIXED, FORM_FALLBACK */
	unsigned char *by_lemma; /* per subgoal: closed by its lemma */
	struct lean_spot *spots; /* where each went in code */
	int children_real;       /* every subgoal proof checked by a real Lean */
};

static void task_free(struct pipe_task *pt)
{
	struct task *t = (struct task *)pt;
	for (size_t i = 0; i < t->sk.n; i++)
		free(t->lemmas ? t->lemmas[i] : NULL);
	free(t->lemmas);
	free(t->proofs);
	free(t->by_lemma);
	free(t->spots);
	lean_sketch_release(&t->sk);
	free(t->code);
	pipe_task_release(&t->base);
	free(t);
}

/* result: proved, failed or deferred (an infrastructure fault: it stays pending). */
static void task_end(struct pipe *p, struct task *t, const char *result, json_t *proof, json_t *corpus)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "type", "recombine", "problem_id", (json_int_t)t->base.pid,
			      "name", t->base.name, "result", result);
	if (proof)
		json_object_set_new(o, "proof", proof);
	if (corpus)
		json_object_set_new(o, "corpus", corpus);
	pipe_task_end(p, &t->base, o, result);
}

static json_t *corpus_record(struct pipe *p, struct task *t, const struct lean_check *chk, int real)
{
	char h_cot[65], h_dec[65];
	char *prompt = prompt_problem("prover-cot", t->base.header, jsonl_str(t->base.rec, "informal"), t->base.stmt, h_cot);
	char *tmpl = prompt_template("decompose", h_dec);
	const char *cot = jsonl_str(t->base.rec, "reasoning") ? jsonl_str(t->base.rec, "reasoning") : "";
	const char *dec_hash = jsonl_str(t->base.rec, "decompose_prompt_hash");
	char *full = xasprintf("%s%s", t->base.header, t->code);
	char *completion = xasprintf("%s%s```lean4\n%s\n```", cot, *cot ? "\n\n" : "", full);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:{s:s, s:s}, s:s, s:s?, s:b, s:b}",
		"name", t->base.name, "formal_proof", full, "cot", cot, "prompt", prompt ? prompt : "",
		"completion", completion, "decomposer_model", jsonl_str(t->base.rec, "decomposer_model"),
		"prover_model", jsonl_str(t->base.rec, "prover_model"), "prompt_hashes", "prover-cot", h_cot,
		"decompose", dec_hash ? dec_hash : h_dec,
		"checker", chk->checker ? chk->checker : "repl", "checker_version", chk->version, "real_lean", real,
		"audited", chk->audited);
	json_object_set_new(o, "toolchain", pipe_toolchain_json(p));
	free(prompt);
	free(tmpl);
	free(full);
	free(completion);
	return o;
}

static void try_form(struct pipe *p, struct task *t);

/* The subgoals closed by their lemma, as a JSON array of indices. */
static json_t *by_lemma_json(const struct task *t)
{
	json_t *a = json_array();
	for (size_t i = 0; i < t->sk.n; i++)
		if (t->by_lemma[i])
			json_array_append_new(a, json_integer((json_int_t)i));
	return a;
}

/* After a failed check: the spots Lean's errors fall in are closed by their lemma
 * (FORM_MIXED) when every error falls in a spliced spot; else every one is. */
static void next_form(struct task *t, const struct lean_check *chk)
{
	unsigned char *hit = xcalloc(t->sk.n ? t->sk.n : 1, 1);
	int outside = chk->verdict != LEAN_FAIL, fresh = 0, all = 1, errors = 0;
	for (size_t k = 0; k < chk->reply.nmsg; k++)
		if (!strcmp(chk->reply.msgs[k].severity, "error")) {
			errors++;
			if (!lean_spots_at(t->spots, t->sk.n, chk->reply.msgs[k].line, hit))
				outside = 1;
		}
	for (size_t i = 0; i < t->sk.n; i++) {
		fresh |= hit[i] && !t->by_lemma[i];
		t->by_lemma[i] |= hit[i];
		all &= t->by_lemma[i];
	}
	if (outside || !errors || !fresh || all) {
		memset(t->by_lemma, 1, t->sk.n);
		t->form = FORM_FALLBACK;
	} else {
		t->form = FORM_MIXED;
	}
	free(hit);
}

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	char *why = NULL, *body;
	if (chk->verdict == LEAN_ERROR) {
		cs_set_str(&t->base.last_why, xasprintf("%s: the check could not run: %s", form_names[t->form], chk->why ? chk->why : "?"));
		task_end(p, t, "deferred", NULL, NULL);
		return;
	}
	if (chk->verdict == LEAN_PASS && (body = lean_proof_body(t->code, t->base.name, &why))) {
		int real = chk->real_lean && t->children_real;
		json_t *proof = json_pack("{s:s, s:s, s:s, s:o, s:b, s:s?, s:s?}", "code", t->code, "body", body,
					  "form", form_names[t->form], "by_lemma", by_lemma_json(t), "real_lean", real,
					  "checker", chk->checker, "version", chk->version);
		json_t *corpus = jsonl_int(t->base.rec, "depth", 0) == 0 ? corpus_record(p, t, chk, real) : NULL;
		free(body);
		cs_set_str(&t->base.last_why, NULL);
		task_end(p, t, "proved", proof, corpus);
		return;
	}
	cs_set_str(&t->base.last_why, xasprintf("%s: %s%s%s", form_names[t->form],
			     chk->verdict == LEAN_PASS ? "proof body" : lean_verdict_name(chk->verdict),
			     (why || chk->why) ? ": " : "", why ? why : chk->why ? chk->why : ""));
	free(why);
	if (t->form == FORM_FALLBACK) {
		task_end(p, t, "failed", NULL, NULL);
		return;
	}
	next_form(t, chk);
	try_form(p, t);
}

static void try_form(struct pipe *p, struct task *t)
{
	char *why = NULL, *code = NULL;
	free(t->code);
	t->code = lean_recombine_mixed(t->sketch, &t->sk, t->proofs, (const char *const *)t->lemmas, t->by_lemma,
				       t->spots, &why);
	if (t->code && pipe_policy_check(p, t->code, t->base.stmt, 0, &code, &why)) {
		pipe_reject(p, t->base.pid, form_kinds[t->form], NULL, t->base.header, t->code, why);
		free(t->code);
		t->code = NULL;
	} else if (t->code) {
		/* the sketch holds the problem's statement already: the graft keeps every line */
		free(t->code);
		t->code = code;
	}
	if (!t->code) {
		cs_set_str(&t->base.last_why, xasprintf("%s: %s", form_names[t->form], why ? why : "?"));
		free(why);
		if (t->form == FORM_FALLBACK) {
			task_end(p, t, "failed", NULL, NULL);
			return;
		}
		memset(t->by_lemma, 1, t->sk.n);
		t->form = FORM_FALLBACK;
		try_form(p, t);
		return;
	}
	if (pipe_check(p, &t->base, t->base.pid, form_kinds[t->form], NULL, t->base.header, t->code, t->base.name, t->base.stmt, checked)) {
		cs_set_str(&t->base.last_why, xstrdup("cannot submit a check to the Lean pool"));
		task_end(p, t, "deferred", NULL, NULL);
	}
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	json_t *goals = json_object_get(rec, "subgoals"), *g;
	char *why = NULL;
	size_t i;
	if (!jsonl_str(rec, "sketch") || !json_is_array(goals))
		return error("%s: record needs a sketch and its subgoals", where);
	t = xcalloc(1, sizeof *t);
	if (pipe_task_init(&t->base, rec, where, task_free)) {
		free(t);
		return -1;
	}
	t->sketch = jsonl_str(rec, "sketch");
	t->children_real = 1;
	if (lean_sketch_analyze(t->sketch, t->base.name, &t->sk, &why)) {
		error("%s: %s: the stored sketch no longer analyzes: %s", where, t->base.name, why ? why : "?");
		free(why);
		task_free(&t->base);
		return -1;
	}
	if (t->sk.n != json_array_size(goals)) {
		cs_set_str(&t->base.last_why, xasprintf("sketch has %zu sorries but %zu proven subgoals", t->sk.n, json_array_size(goals)));
		task_end(p, t, "failed", NULL, NULL);
		return 0;
	}
	t->proofs = xcalloc(t->sk.n, sizeof *t->proofs);
	t->lemmas = xcalloc(t->sk.n, sizeof *t->lemmas);
	t->by_lemma = xcalloc(t->sk.n ? t->sk.n : 1, 1);
	t->spots = xcalloc(t->sk.n ? t->sk.n : 1, sizeof *t->spots);
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

const struct pipe_stage stage_recombine = { "recombine", -1, start };
