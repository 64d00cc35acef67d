/* decompose.c: the decomposer writes a proof sketch; its sorries become subgoal lemmas. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"
#include "lean_fingerprint.h"
#include "lean_text.h"
#include "prompt.h"
#include "stage.h"

enum { EXTRACT_SYNTAX, EXTRACT_GOALS, EXTRACT_AUTO }; /* the order of CS_EXTRACT's choices */

/* The ways to state a subgoal (subgoals.extracted_by), and the order each
 * CS_EXTRACT tries them in: the first that gives a lemma that elaborates wins. */
enum { WAY_NONE, WAY_SYNTAX, WAY_GOALS, WAY_TEXT };
static const char *const way_names[] = { "none", "syntax", "goals", "text" };
static const int chains[][4] = {
	[EXTRACT_SYNTAX] = { WAY_SYNTAX, WAY_TEXT, WAY_NONE },
	[EXTRACT_GOALS] = { WAY_GOALS, WAY_NONE },
	[EXTRACT_AUTO] = { WAY_SYNTAX, WAY_GOALS, WAY_TEXT, WAY_NONE },
};

/* How one subgoal is stated so far. */
struct stated {
	int step;             /* the next way of the chain to try */
	int way;              /* the way of lemma_a, lemma_b */
	char *lemma_a, *lemma_b;
	char *goal;           /* Lean's goal state at its sorry, or NULL */
	int elaborated;       /* lemma_b elaborated in the header's environment */
	struct sbuf whys;     /* why the ways before did not do */
};

struct task {
	struct pipe_task base;     /* first */
	char hash[65], *prompt;
	int attempt, max_sketches, extract_mode;
	json_t *sketches;  /* rejected ones so far, then the accepted one */
	/* the sketch under check */
	char *body, *cot, *cache_key;
	struct lean_sketch sk;
	int have_sk;
	struct stated *st;         /* sk.n of them, once the sketch checked */
	struct lean_spot *spots;   /* lines of each lemma in the elaboration command */
};

static void ask_next(struct pipe *p, struct task *t);

static void stated_free(struct task *t)
{
	for (size_t i = 0; t->st && i < t->sk.n; i++) {
		free(t->st[i].lemma_a);
		free(t->st[i].lemma_b);
		free(t->st[i].goal);
		sbuf_release(&t->st[i].whys);
	}
	free(t->st);
	free(t->spots);
	t->st = NULL;
	t->spots = NULL;
}

static void task_free(struct pipe_task *pt)
{
	struct task *t = (struct task *)pt;
	json_decref(t->sketches);
	pipe_task_release(&t->base);
	stated_free(t);
	if (t->have_sk)
		lean_sketch_release(&t->sk);
	free(t->body);
	free(t->cot);
	free(t->cache_key);
	free(t->prompt);
	free(t);
}

/* result: accepted, rejected (no acceptable sketch) or deferred (an infrastructure
 * fault: the problem stays pending). */
static void task_end(struct pipe *p, struct task *t, const char *result)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:O}", "type", "decompose", "problem_id",
			      (json_int_t)t->base.pid, "name", t->base.name, "result", result, "sketches", t->sketches);
	pipe_task_end(p, &t->base, o, result);
}

static json_t *sketch_record(struct pipe *p, struct task *t, const char *status, const char *why)
{
	return json_pack("{s:s?, s:s, s:s, s:s, s:s?, s:s, s:s}", "cache_key", t->cache_key,
			 "reasoning", t->cot ? t->cot : "", "code", t->body ? t->body : "", "status", status,
			 "why", why, "model", pipe_endpoint(p, PIPE_DECOMPOSER)->model, "prompt_hash", t->hash);
}

static void drop_sketch(struct task *t)
{
	stated_free(t);
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
		pipe_reject(p, t->base.pid, "sketch", t->cache_key, t->base.header, t->body, why);
	json_array_append_new(t->sketches, sketch_record(p, t, "rejected", why));
	cs_set_str(&t->base.last_why, xasprintf("sketch %d: %s", t->attempt, why));
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
	char *a = lean_decl_key(lemma), *b = lean_decl_key(t->base.stmt);
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

static void add_why(struct stated *s, int way, const char *why)
{
	sbuf_addf(&s->whys, "%s%s: %s", s->whys.len ? "; " : "", way_names[way], why ? why : "?");
}

/* State subgoal i the next way of its chain that gives a lemma. 0, or -1 when
 * the chain is exhausted (s->whys says why each way failed). */
static int next_way(struct task *t, size_t i)
{
	const struct lean_subgoal *g = &t->sk.goals[i];
	struct stated *s = &t->st[i];
	int way;
	free(s->lemma_a);
	free(s->lemma_b);
	s->lemma_a = s->lemma_b = NULL;
	s->elaborated = 0;
	while ((way = chains[t->extract_mode][s->step]) != WAY_NONE) {
		char *why = NULL;
		s->step++;
		if (way == WAY_SYNTAX && !g->needs_goal_state && g->lemma_b) {
			s->lemma_a = xstrdup(g->lemma_a);
			s->lemma_b = xstrdup(g->lemma_b);
		} else if (way == WAY_GOALS && s->goal && (s->lemma_b = lean_lemma_from_goal(g->lemma_name, s->goal, &why))) {
			s->lemma_a = xstrdup(s->lemma_b); /* a goal state knows no "theorem hypotheses only" form */
		} else if (way == WAY_TEXT && g->text_lemma_b) {
			s->lemma_a = xstrdup(g->text_lemma_a);
			s->lemma_b = xstrdup(g->text_lemma_b);
		} else {
			add_why(s, way, way == WAY_SYNTAX ? g->goal_reason : way == WAY_TEXT ? g->text_reason
					: why ? why : "Lean gave no goal state at its sorry");
			free(why);
			continue;
		}
		s->way = way;
		return 0;
	}
	return -1;
}

/* Subgoal i cannot be stated any way: the sketch is refused, naming the step. */
static void cannot_state(struct pipe *p, struct task *t, size_t i)
{
	char *where = lean_subgoal_where(&t->sk.goals[i]);
	char *msg = xasprintf("subgoal %s (%s) cannot be stated with CS_EXTRACT=%s: %s", t->sk.goals[i].lemma_name,
			      where, cs_conf_str("CS_EXTRACT"), sbuf_str(&t->st[i].whys));
	free(where);
	reject(p, t, msg, 0);
	free(msg);
}

/* One stated subgoal identical to the problem refuses the sketch, naming the step. */
static int refuse_restating(struct pipe *p, struct task *t)
{
	for (size_t i = 0; i < t->sk.n; i++)
		if (restates(t, t->st[i].lemma_b)) {
			char *where = lean_subgoal_where(&t->sk.goals[i]);
			char *msg = xasprintf("subgoal %s (%s) restates the goal it should help prove",
					      t->sk.goals[i].lemma_name, where);
			free(where);
			reject(p, t, msg, 0);
			free(msg);
			return 1;
		}
	return 0;
}

static void accept(struct pipe *p, struct task *t)
{
	json_t *goals = json_array(), *sketch;
	for (size_t i = 0; i < t->sk.n; i++) {
		const struct lean_subgoal *g = &t->sk.goals[i];
		char key[65], fp[65], *why = NULL;
		lemma_key(t->base.header, t->st[i].lemma_b, key);
		/* the lemma's statement as Lean reads it, names aside: a proof of one of the
		 * same fingerprint is tried first (CS_REUSE, prove.c) */
		if (lean_fingerprint(t->st[i].lemma_b, fp, &why)) {
			free(why);
			*fp = 0;
		}
		json_array_append_new(goals, json_pack("{s:i, s:s?, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s?}", "idx", (int)i,
			"have_name", g->have_name, "lemma_name", g->lemma_name, "statement", g->statement,
			"lemma_a", t->st[i].lemma_a, "lemma_b", t->st[i].lemma_b, "is_final", g->is_final,
			"extracted_by", way_names[t->st[i].way], "stmt_key", key, "fingerprint", *fp ? fp : NULL));
	}
	sketch = sketch_record(p, t, "accepted", NULL);
	json_object_set_new(sketch, "subgoals", goals);
	json_array_append_new(t->sketches, sketch);
	cs_set_str(&t->base.last_why, NULL);
	task_end(p, t, "accepted");
}

static void lemmas_checked(struct pipe *p, void *task, struct lean_check *chk);

/* Elaborate the lemmas not elaborated yet, as one command in the header's environment. */
static void check_lemmas(struct pipe *p, struct task *t)
{
	const char **lemmas = xcalloc(t->sk.n, sizeof *lemmas);
	char *body;
	for (size_t i = 0; i < t->sk.n; i++)
		lemmas[i] = t->st[i].elaborated ? NULL : t->st[i].lemma_b;
	free(t->spots);
	t->spots = xcalloc(t->sk.n, sizeof *t->spots);
	body = lean_lemmas_command(lemmas, t->sk.n, t->spots);
	free(lemmas);
	if (pipe_check(p, &t->base, t->base.pid, "lemmas", NULL, t->base.header, body, NULL, NULL, lemmas_checked)) {
		cs_set_str(&t->base.last_why, xstrdup("cannot submit a check to the Lean pool"));
		task_end(p, t, "deferred");
	}
	free(body);
}

/* Lemmas whose lines hold an error go to their next way; then again, or accept. */
static void lemmas_checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	unsigned char *bad;
	int again = 0, outside = 0;
	const char *first = NULL;
	if (chk->verdict == LEAN_ERROR) {
		cs_set_str(&t->base.last_why, xasprintf("sketch %d: the lemma check could not run: %s", t->attempt, chk->why ? chk->why : "?"));
		task_end(p, t, "deferred");
		return;
	}
	if (chk->verdict == LEAN_TIMEOUT) {
		char *why = xasprintf("Lean: timeout checking the subgoal lemmas%s%s", chk->why ? ": " : "",
				      chk->why ? chk->why : "");
		reject(p, t, why, 0);
		free(why);
		return;
	}
	bad = xcalloc(t->sk.n, 1);
	for (size_t k = 0; k < chk->reply.nmsg; k++) {
		const struct lean_message *m = &chk->reply.msgs[k];
		if (strcmp(m->severity, "error"))
			continue;
		if (!first)
			first = m->data;
		if (!lean_spots_at(t->spots, t->sk.n, m->line, bad))
			outside = 1;
	}
	if (chk->verdict == LEAN_FAIL && !first)
		outside = 1;
	for (size_t i = 0; i < t->sk.n; i++) {
		struct stated *s = &t->st[i];
		char *why;
		if (s->elaborated)
			continue;
		if (!bad[i] && !outside) {
			s->elaborated = 1;
			continue;
		}
		why = xasprintf("the lemma does not elaborate (%.200s)", first ? first : "Lean failed");
		for (char *q = why; *q; q++)
			if (*q == '\n')
				*q = ' ';
		add_why(s, s->way, why);
		free(why);
		if (next_way(t, i)) {
			free(bad);
			cannot_state(p, t, i);
			return;
		}
		again = 1;
	}
	free(bad);
	if (again && !refuse_restating(p, t))
		check_lemmas(p, t);
	else if (!again)
		accept(p, t);
}

static void checked(struct pipe *p, void *task, struct lean_check *chk)
{
	struct task *t = task;
	char *why;
	if (chk->verdict == LEAN_ERROR) {
		/* no verdict on the sketch: ask again (from the corpus) in a later run */
		cs_set_str(&t->base.last_why, xasprintf("sketch %d: the check could not run: %s", t->attempt, chk->why ? chk->why : "?"));
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
	t->st = xcalloc(t->sk.n, sizeof *t->st);
	for (size_t i = 0; i < t->sk.n; i++) {
		const struct lean_sorry *s = sorry_at(chk, t->sk.goals[i].line, t->sk.goals[i].col);
		t->st[i].goal = s && s->goal ? xstrdup(s->goal) : NULL;
		if (next_way(t, i)) {
			cannot_state(p, t, i);
			return;
		}
	}
	if (!refuse_restating(p, t))
		check_lemmas(p, t);
}

static void answered(struct pipe *p, void *task, struct pipe_sample *samples, int n, const char *err)
{
	struct task *t = task;
	char *why = NULL, *code = NULL;
	size_t steps = 0;
	if (err) {
		cs_set_str(&t->base.last_why, xasprintf("decomposer request failed: %s", err));
		task_end(p, t, "deferred");
		return;
	}
	t->cache_key = xstrdup(samples[0].cache_key);
	if (pipe_answer_code(samples[0].content, samples[0].reasoning, &t->body, &t->cot, &why) ||
	    pipe_policy_check(p, t->body, t->base.stmt, 1, &code, &why)) {
		pipe_samples_free(samples, n);
		reject(p, t, why, 1);
		free(why);
		return;
	}
	pipe_samples_free(samples, n);
	/* from here on, the sketch is what Lean checks: the problem's statement, the model's steps */
	free(t->body);
	t->body = code;
	if (lean_sketch_analyze(t->body, t->base.name, &t->sk, &why)) {
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
	if (pipe_check(p, &t->base, t->base.pid, "sketch", t->cache_key, t->base.header, t->body, NULL, NULL, checked)) {
		cs_set_str(&t->base.last_why, xstrdup("cannot submit a check to the Lean pool"));
		task_end(p, t, "deferred");
	}
}

static void ask_next(struct pipe *p, struct task *t)
{
	if (t->attempt >= t->max_sketches) {
		task_end(p, t, "rejected");
		return;
	}
	if (pipe_ask(p, PIPE_DECOMPOSER, &t->base, t->base.pid, "decompose", "decompose", t->hash, t->prompt, t->attempt++, 1,
		     answered)) {
		cs_set_str(&t->base.last_why, xstrdup("cannot submit the request"));
		task_end(p, t, "deferred");
	}
}

static int start(struct pipe *p, json_t *rec, const char *where)
{
	struct task *t;
	t = xcalloc(1, sizeof *t);
	if (pipe_task_init(&t->base, rec, where, task_free)) {
		free(t);
		return -1;
	}
	t->max_sketches = (int)cs_conf_long("CS_SKETCHES");
	t->extract_mode = cs_conf_choice("CS_EXTRACT");
	t->sketches = json_array();
	t->prompt = prompt_problem("decompose", t->base.header, jsonl_str(rec, "informal"), t->base.stmt, t->hash);
	if (!t->prompt) {
		task_free(&t->base);
		return -1;
	}
	ask_next(p, t);
	return 0;
}

const struct pipe_stage stage_decompose = { "decompose", PIPE_DECOMPOSER, start };
