/* cs-decompose: the decomposer writes a proof sketch; its sorries become subgoal lemmas. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "pipe.h"
#include "prompt.h"

static const char usage[] =
	"[FILE]\n"
	"Decompose the problems of JSONL records from cs-pending decompose: ask the\n"
	"decomposer (CS_DECOMPOSER_URL, CS_DECOMPOSER_MODEL) for a natural-language\n"
	"analysis and a Lean 4 sketch of `have ... := by sorry` steps, up to CS_SKETCHES\n"
	"(2) times, until a sketch keeps the statement, holds at least one step, passes\n"
	"the policy and elaborates in Lean with nothing but sorries. Its subgoals become\n"
	"lemmas (forms (a) and (b)); CS_EXTRACT=syntax|goals|auto says whether they are\n"
	"cut from the text or built from Lean's goal states (auto: text where faithful).\n"
	"Writes attempt, verification and decompose records for cs-store on stdout.\n";

enum { EXTRACT_SYNTAX, EXTRACT_GOALS, EXTRACT_AUTO };
static int extract_mode;
static int max_sketches;

struct task {
	json_t *rec;
	long long pid;
	const char *name, *header, *stmt;
	char hash[65], *prompt;
	int attempt;
	json_t *sketches;  /* rejected ones so far, then the accepted one */
	/* the sketch under check */
	char *body, *cot, *cache_key;
	struct lean_sketch sk;
	int have_sk;
	char *last_why;
};

static void ask_next(struct pipe *p, struct task *t);

static void task_end(struct pipe *p, struct task *t, const char *result, int failed)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("decompose"));
	json_object_set_new(o, "problem_id", json_integer(t->pid));
	json_object_set_new(o, "name", json_string(t->name));
	json_object_set_new(o, "result", json_string(result));
	if (t->last_why)
		json_object_set_new(o, "why", json_string(t->last_why));
	json_object_set(o, "sketches", t->sketches);
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
	pipe_task_done(p, failed);
}

static json_t *sketch_record(struct pipe *p, struct task *t, const char *status, const char *why)
{
	return json_pack("{s:s?, s:s, s:s, s:s, s:s?, s:s, s:s}", "cache_key", t->cache_key,
			 "reasoning", t->cot ? t->cot : "", "code", t->body ? t->body : "", "status", status,
			 "why", why, "model", pipe_endpoint(p)->model, "prompt_hash", t->hash);
}

/* The current sketch failed for why: record it and try the next attempt. */
static void reject(struct pipe *p, struct task *t, const char *why, int policy)
{
	if (policy)
		pipe_reject(p, t->pid, "sketch", t->cache_key, t->header, t->body, why);
	json_array_append_new(t->sketches, sketch_record(p, t, "rejected", why));
	free(t->last_why);
	t->last_why = xasprintf("sketch %d: %s", t->attempt, why);
	if (t->have_sk) {
		lean_sketch_release(&t->sk);
		t->have_sk = 0;
	}
	free(t->body);
	free(t->cot);
	free(t->cache_key);
	t->body = t->cot = t->cache_key = NULL;
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

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	json_t *goals, *sketch;
	if (chk->verdict != LEAN_SORRY) {
		char *why = xasprintf("Lean: %s%s%s", chk->verdict == LEAN_PASS ? "no sorry left (not a sketch)"
					: lean_verdict_name(chk->verdict), chk->why ? ": " : "", chk->why ? chk->why : "");
		reject(p, t, why, 0);
		free(why);
		return;
	}
	goals = json_array();
	for (size_t i = 0; i < t->sk.n; i++) {
		struct lean_subgoal *g = &t->sk.goals[i];
		const char *by = "syntax";
		char *lemma_a = NULL, *lemma_b = NULL;
		if (extract_mode == EXTRACT_GOALS || (extract_mode == EXTRACT_AUTO && g->needs_goal_state)) {
			const struct lean_sorry *s = sorry_at(chk, g->line, g->col);
			char *why = NULL;
			if (!s || !s->goal || !(lemma_b = lean_lemma_from_goal(g->lemma_name, s->goal, &why))) {
				char *msg = xasprintf("subgoal %s: no goal state to build its lemma from%s%s",
						      g->lemma_name, why ? ": " : "", why ? why : "");
				free(why);
				json_decref(goals);
				reject(p, t, msg, 0);
				free(msg);
				return;
			}
			lemma_a = xstrdup(lemma_b); /* a goal state knows no "theorem hypotheses only" form */
			by = "goals";
		} else if (g->needs_goal_state) {
			char *msg = xasprintf("subgoal %s needs Lean's goal state (%s) but CS_EXTRACT=syntax",
					      g->lemma_name, g->goal_reason ? g->goal_reason : "tactic before it");
			json_decref(goals);
			reject(p, t, msg, 0);
			free(msg);
			return;
		}
		if (restates(t, lemma_b ? lemma_b : g->lemma_b)) {
			char *msg = xasprintf("subgoal %s restates the goal it should help prove", g->lemma_name);
			free(lemma_a);
			free(lemma_b);
			json_decref(goals);
			reject(p, t, msg, 0);
			free(msg);
			return;
		}
		json_array_append_new(goals, json_pack("{s:i, s:s?, s:s, s:s, s:s, s:s, s:b, s:s}", "idx", (int)i,
			"have_name", g->have_name, "lemma_name", g->lemma_name, "statement", g->statement,
			"lemma_a", lemma_a ? lemma_a : g->lemma_a, "lemma_b", lemma_b ? lemma_b : g->lemma_b,
			"is_final", g->is_final, "extracted_by", by));
		free(lemma_a);
		free(lemma_b);
	}
	sketch = sketch_record(p, t, "accepted", NULL);
	json_object_set_new(sketch, "subgoals", goals);
	json_array_append_new(t->sketches, sketch);
	free(t->last_why);
	t->last_why = NULL;
	task_end(p, t, "accepted", 0);
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err)
{
	struct task *t = task;
	char *why = NULL;
	size_t steps = 0;
	if (err) {
		free(t->last_why);
		t->last_why = xasprintf("decomposer request failed: %s", err);
		task_end(p, t, "request_failed", 1);
		return;
	}
	t->cache_key = xstrdup(samples[0].cache_key);
	if (pipe_answer_code(samples[0].content, samples[0].reasoning, &t->body, &t->cot, &why) ||
	    pipe_policy_check(p, t->body, t->stmt, 1, &why)) {
		reject(p, t, why, 1);
		free(why);
		return;
	}
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
	if (pipe_check(p, t, t->pid, "sketch", t->cache_key, t->header, t->body, NULL, NULL, checked))
		reject(p, t, "cannot submit a check to the Lean pool", 0);
	(void)n;
}

static void ask_next(struct pipe *p, struct task *t)
{
	struct llm_sampling s;
	if (t->attempt >= max_sketches) {
		task_end(p, t, "rejected", 0);
		return;
	}
	pipe_sampling(p, &s);
	if (pipe_ask(p, t, t->pid, "decompose", "decompose", t->hash, t->prompt, &s, t->attempt++, 1, answered)) {
		free(t->last_why);
		t->last_why = xstrdup("cannot submit the request");
		task_end(p, t, "request_failed", 1);
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

int main(int argc, char **argv)
{
	struct pipe *p;
	const char *path;
	int rc;

	path = pipe_args(argc, argv, usage);
	extract_mode = cs_conf_choice("CS_EXTRACT"); /* the order of the table's choices */
	max_sketches = (int)cs_conf_long("CS_SKETCHES");
	p = pipe_new("decomposer");
	rc = pipe_run(p, path, 2 * pipe_endpoint(p)->jobs, start);
	pipe_free(p);
	return rc;
}
