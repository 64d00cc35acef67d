/* decompose.c: the decomposer writes a proof sketch; its sorries become subgoal lemmas. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "lean_text.h"
#include "prompt.h"
#include "stage.h"

enum { EXTRACT_SYNTAX, EXTRACT_GOALS, EXTRACT_AUTO }; /* the order of CS_EXTRACT's choices */

struct task {
	json_t *rec;
	long long pid;
	const char *name, *header, *stmt;
	char hash[65], *prompt;
	int attempt, max_sketches, extract_mode;
	json_t *sketches;  /* rejected ones so far, then the accepted one */
	/* the sketch under check */
	char *body, *cot, *cache_key;
	struct lean_sketch sk;
	int have_sk;
	char *last_why;
};

static void ask_next(struct pipe *p, struct task *t);

static void set_why(struct task *t, char *why)
{
	free(t->last_why);
	t->last_why = why;
}

/* result: accepted, rejected (no acceptable sketch) or deferred (an infrastructure
 * fault: the problem stays pending). */
static void task_end(struct pipe *p, struct task *t, const char *result)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:O}", "type", "decompose", "problem_id",
			      (json_int_t)t->pid, "name", t->name, "result", result, "sketches", t->sketches);
	long long pid = t->pid;
	if (t->last_why)
		json_object_set_new(o, "why", json_string(t->last_why));
	pipe_emit(p, o);
	json_decref(o);
	json_decref(t->sketches);
	json_decref(t->rec);
	if (t->have_sk)
		lean_sketch_release(&t->sk);
	free(t->body);
	free(t->cot);
	free(t->cache_key);
	free(t->prompt);
	free(t->last_why);
	free(t);
	pipe_task_done(p, pid, strcmp(result, "deferred") ? PIPE_DONE : PIPE_DEFERRED);
}

static json_t *sketch_record(struct pipe *p, struct task *t, const char *status, const char *why)
{
	return json_pack("{s:s?, s:s, s:s, s:s, s:s?, s:s, s:s}", "cache_key", t->cache_key,
			 "reasoning", t->cot ? t->cot : "", "code", t->body ? t->body : "", "status", status,
			 "why", why, "model", pipe_endpoint(p, PIPE_DECOMPOSER)->model, "prompt_hash", t->hash);
}

static void drop_sketch(struct task *t)
{
	if (t->have_sk) {
		lean_sketch_release(&t->sk);
		t->have_sk = 0;
	}
	free(t->body);
	free(t->cot);
	free(t->cache_key);
	t->body = t->cot = t->cache_key = NULL;
}

/* The current sketch failed for why: record it and try the next attempt. */
static void reject(struct pipe *p, struct task *t, const char *why, int policy)
{
	if (policy)
		pipe_reject(p, t->pid, "sketch", t->cache_key, t->header, t->body, why);
	json_array_append_new(t->sketches, sketch_record(p, t, "rejected", why));
	set_why(t, xasprintf("sketch %d: %s", t->attempt, why));
	drop_sketch(t);
	ask_next(p, t);
}

static const struct lean_sorry *sorry_at(const struct lean_check *chk, int line, int col)
{
	for (size_t i = 0; i < chk->reply.nsorry; i++)
		if (chk->reply.sorries[i].line == line && chk->reply.sorries[i].col == col)
			return &chk->reply.sorries[i];
	return NULL;
}

/* A subgoal stating the problem itself would decompose it into itself, forever. */
static int restates(const struct task *t, const char *lemma)
{
	char *a = lean_decl_key(lemma), *b = lean_decl_key(t->stmt);
	int same = !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/* stmt_key of a subgoal lemma: identical statements (name and whitespace aside)
 * under the same header are one problem, proven once. */
static void lemma_key(const char *header, const char *lemma, char out[65])
{
	struct cs_sha256 c;
	char *norm = lean_decl_key(lemma);
	cs_sha256_init(&c);
	cs_sha256_update(&c, "lemma", 6);
	cs_sha256_update(&c, header, strlen(header) + 1);
	cs_sha256_update(&c, norm, strlen(norm));
	cs_sha256_final_hex(&c, out);
	free(norm);
}

/* The subgoals of the checked sketch, or NULL with *why. */
static json_t *subgoals(struct task *t, const struct lean_check *chk, char **why)
{
	json_t *goals = json_array();
	for (size_t i = 0; i < t->sk.n; i++) {
		struct lean_subgoal *g = &t->sk.goals[i];
		const char *by = "syntax";
		char *lemma_a = NULL, *lemma_b = NULL, key[65];
		if (t->extract_mode == EXTRACT_GOALS || (t->extract_mode == EXTRACT_AUTO && g->needs_goal_state)) {
			const struct lean_sorry *s = sorry_at(chk, g->line, g->col);
			char *w = NULL;
			if (!s || !s->goal || !(lemma_b = lean_lemma_from_goal(g->lemma_name, s->goal, &w))) {
				*why = xasprintf("subgoal %s: no goal state to build its lemma from%s%s",
						 g->lemma_name, w ? ": " : "", w ? w : "");
				free(w);
				json_decref(goals);
				return NULL;
			}
			lemma_a = xstrdup(lemma_b); /* a goal state knows no "theorem hypotheses only" form */
			by = "goals";
		} else if (g->needs_goal_state) {
			*why = xasprintf("subgoal %s needs Lean's goal state (%s) but CS_EXTRACT=syntax",
					 g->lemma_name, g->goal_reason ? g->goal_reason : "tactic before it");
			json_decref(goals);
			return NULL;
		}
		if (restates(t, lemma_b ? lemma_b : g->lemma_b)) {
			*why = xasprintf("subgoal %s restates the goal it should help prove", g->lemma_name);
			free(lemma_a);
			free(lemma_b);
			json_decref(goals);
			return NULL;
		}
		lemma_key(t->header, lemma_b ? lemma_b : g->lemma_b, key);
		json_array_append_new(goals, json_pack("{s:i, s:s?, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "idx", (int)i,
			"have_name", g->have_name, "lemma_name", g->lemma_name, "statement", g->statement,
			"lemma_a", lemma_a ? lemma_a : g->lemma_a, "lemma_b", lemma_b ? lemma_b : g->lemma_b,
			"is_final", g->is_final, "extracted_by", by, "stmt_key", key));
		free(lemma_a);
		free(lemma_b);
	}
	return goals;
}

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	json_t *goals, *sketch;
	char *why = NULL;
	if (chk->verdict == LEAN_ERROR) {
		/* no verdict on the sketch: ask again (from the corpus) in a later run */
		set_why(t, xasprintf("sketch %d: the check could not run: %s", t->attempt, chk->why ? chk->why : "?"));
		task_end(p, t, "deferred");
		return;
	}
	if (chk->verdict != LEAN_SORRY) {
		why = xasprintf("Lean: %s%s%s", chk->verdict == LEAN_PASS ? "no sorry left (not a sketch)"
				: lean_verdict_name(chk->verdict), chk->why ? ": " : "", chk->why ? chk->why : "");
		reject(p, t, why, 0);
		free(why);
		return;
	}
	if (!(goals = subgoals(t, chk, &why))) {
		reject(p, t, why, 0);
		free(why);
		return;
	}
	sketch = sketch_record(p, t, "accepted", NULL);
	json_object_set_new(sketch, "subgoals", goals);
	json_array_append_new(t->sketches, sketch);
	set_why(t, NULL);
	task_end(p, t, "accepted");
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err)
{
	struct task *t = task;
	char *why = NULL, *code = NULL;
	size_t steps = 0;
	if (err) {
		set_why(t, xasprintf("decomposer request failed: %s", err));
		task_end(p, t, "deferred");
		return;
	}
	t->cache_key = xstrdup(samples[0].cache_key);
	if (pipe_answer_code(samples[0].content, samples[0].reasoning, &t->body, &t->cot, &why) ||
	    pipe_policy_check(p, t->body, t->stmt, 1, &code, &why)) {
		pipe_samples_free(samples, n);
		reject(p, t, why, 1);
		free(why);
		return;
	}
	pipe_samples_free(samples, n);
	/* from here on, the sketch is what Lean checks: the problem's statement, the model's steps */
	free(t->body);
	t->body = code;
	if (lean_sketch_analyze(t->body, t->name, &t->sk, &why)) {
		reject(p, t, why ? why : "cannot analyze the sketch", 1);
		free(why);
		return;
	}
	t->have_sk = 1;
	for (size_t i = 0; i < t->sk.n; i++)
		steps += !t->sk.goals[i].is_final;
	if (steps == 0) {
		reject(p, t, "the sketch has no `have` step to prove", 1);
		return;
	}
	if (pipe_check(p, t, t->pid, "sketch", t->cache_key, t->header, t->body, NULL, NULL, checked)) {
		set_why(t, xstrdup("cannot submit a check to the Lean pool"));
		task_end(p, t, "deferred");
	}
}

static void ask_next(struct pipe *p, struct task *t)
{
	if (t->attempt >= t->max_sketches) {
		task_end(p, t, "rejected");
		return;
	}
	if (pipe_ask(p, PIPE_DECOMPOSER, t, t->pid, "decompose", "decompose", t->hash, t->prompt, t->attempt++, 1,
		     answered)) {
		set_why(t, xstrdup("cannot submit the request"));
		task_end(p, t, "deferred");
	}
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	long long pid = jsonl_int(rec, "problem_id", 0);
	if (pid <= 0 || !jsonl_str(rec, "name") || !jsonl_str(rec, "header") || !jsonl_str(rec, "formal_statement"))
		return error("%s: record needs problem_id, name, header and formal_statement", where);
	t = xcalloc(1, sizeof *t);
	t->rec = json_incref(rec);
	t->pid = pid;
	t->name = jsonl_str(rec, "name");
	t->header = jsonl_str(rec, "header");
	t->stmt = jsonl_str(rec, "formal_statement");
	t->max_sketches = (int)cs_conf_long("CS_SKETCHES");
	t->extract_mode = cs_conf_choice("CS_EXTRACT");
	t->sketches = json_array();
	t->prompt = prompt_problem("decompose", t->header, jsonl_str(rec, "informal"), t->stmt, t->hash);
	if (!t->prompt) {
		json_decref(t->rec);
		json_decref(t->sketches);
		free(t);
		return -1;
	}
	ask_next(p, t);
	return 0;
}

const struct pipe_stage stage_decompose = { "decompose", PIPE_DECOMPOSER, start };
