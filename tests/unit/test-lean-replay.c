/* test-lean-replay: issue 11's replay without Lean or a model, over every real
 * DeepSeek-Prover-V2 proof of tests/fixtures/dsp2. As the oracle double answers
 * (tests/doubles/oracle.py): the decomposer writes a proof's `have` skeleton (each
 * have block of the level cut to `sorry`; a wrapper have restating the goal opened
 * one level), the prover answers a leaf with its original block and fails a block
 * with nested haves, which is then decomposed in turn, its sketch starting with
 * the lemma the parent stated. Each subgoal is stated as CS_EXTRACT=syntax does
 * (the faithful lemma, else the lemma read from the text), the proofs are spliced
 * back (lean_recombine) level by level, and the rebuilt theorem is compared with
 * the original. Excluded, and counted: proofs without a have block, and proofs
 * where two blocks ask for the same lemma with different proofs (a replay cannot
 * tell them apart: the pipeline proves one statement once). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_decl.h"
#include "lean_text.h"
#include "tap.h"
#include "sketch_cut.h"

#define MAX_ASKED 4096

/* One theorem's replay. */
struct replay {
	const struct htree *t;
	const char *file;
	char *miss;          /* first reason it cannot be rebuilt, malloc'd */
	int ambiguous;       /* two blocks asked for one lemma */
	struct { char *key; const struct hnode *node; } asked[MAX_ASKED];
	size_t nasked;
	int by_way[4];       /* subgoals stated by way 1, 3 */
	int kept_changed;    /* way 3 lemmas keeping a hypothesis changed in place as written */
	int unparsed;        /* stated lemmas lean_parse_theorem does not read back */
	int depth;           /* deepest decomposition */
};

static void missed(struct replay *r, char *why)
{
	if (!r->miss)
		r->miss = why;
	else
		free(why);
}

static int restates(const struct hnode *kid, const struct hnode *parent)
{
	char *a = lean_normalize(kid->type), *b = lean_normalize(parent->type);
	int same = !kid->has_binders && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/* Append to c the have blocks a sketch of goal's proof cuts in node's block: each
 * have, but one restating goal's type (a wrapper) opened, its own haves cut the
 * same way, and kept with its proof when it holds none (no sketch may ask for the
 * goal itself). */
static void add_cuts(const struct hnode *goal, struct hnode *node, struct hnode ***c, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < node->nkids; i++) {
		struct hnode *k = &node->kids[i];
		if (restates(k, goal)) {
			add_cuts(goal, k, c, n, cap);
			continue;
		}
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 8;
			*c = xrealloc(*c, *cap * sizeof **c);
		}
		(*c)[(*n)++] = k;
	}
}

/* The have blocks node's sketch cuts, in order: *n of them, malloc'd array. */
static struct hnode **sketch_cuts(struct hnode *node, size_t *n)
{
	size_t cap = 0;
	struct hnode **c = NULL;
	*n = 0;
	add_cuts(node, node, &c, n, &cap);
	return c;
}

/* Two blocks asking for one lemma statement with different proofs: ambiguous. */
static void asked(struct replay *r, const char *lemma, const struct hnode *node)
{
	char *key = lean_decl_key(lemma);
	for (size_t i = 0; i < r->nasked; i++)
		if (!strcmp(r->asked[i].key, key)) {
			const struct hnode *o = r->asked[i].node;
			if (o->end - o->start != node->end - node->start ||
			    memcmp(r->t->src + o->start, r->t->src + node->start, node->end - node->start))
				r->ambiguous = 1;
			free(key);
			return;
		}
	if (r->nasked == MAX_ASKED) {
		free(key);
		return;
	}
	r->asked[r->nasked].key = key;
	r->asked[r->nasked++].node = node;
}

/* The lemma CS_EXTRACT=syntax states for g (borrowed), or NULL with *way 0. */
static const char *syntax_lemma(const struct lean_subgoal *g, int *way)
{
	*way = 0;
	if (!g->needs_goal_state && g->lemma_b)
		*way = 1;
	else if (g->text_lemma_b)
		*way = 3;
	return *way == 1 ? g->lemma_b : *way == 3 ? g->text_lemma_b : NULL;
}

/* Rebuild the sketch code (theorem `name` stating stmt) whose sorries are cuts:
 * the recombined code, or NULL after noting why in r. */
static char *rebuild(struct replay *r, const char *code, const char *name, const char *stmt,
		     struct hnode **cuts, size_t ncut, int depth)
{
	struct lean_sketch sk;
	char *why = NULL, *out = NULL, *stmt_key;
	char **proofs;
	if (depth > r->depth)
		r->depth = depth;
	if (!ncut) {
		missed(r, xasprintf("%s: the sketch has no `have` step to prove (its one have restates the goal)", name));
		return NULL;
	}
	if (lean_sketch_analyze(code, name, &sk, &why)) {
		missed(r, xasprintf("%s: sketch does not analyze: %s", name, why));
		free(why);
		return NULL;
	}
	if (sk.n != ncut) {
		missed(r, xasprintf("%s: %zu subgoals for %zu cut blocks", name, sk.n, ncut));
		lean_sketch_release(&sk);
		return NULL;
	}
	stmt_key = lean_decl_key(stmt);
	proofs = xcalloc(ncut + 1, sizeof *proofs);
	for (size_t i = 0; i < ncut && !r->miss; i++) {
		const struct lean_subgoal *g = &sk.goals[i];
		struct hnode *c = cuts[i];
		int way;
		const char *lemma = syntax_lemma(g, &way);
		char *key;
		if (!lemma) {
			missed(r, xasprintf("subgoal %s needs Lean's goal state (%s; way 3: %s)", g->lemma_name,
					    g->goal_reason ? g->goal_reason : "?", g->text_reason ? g->text_reason : "?"));
			break;
		}
		r->by_way[way]++;
		{
			struct lean_theorem th;
			char *w = NULL;
			if (lean_parse_theorem(lemma, NULL, &th, &w) || strcmp(th.name, g->lemma_name))
				r->unparsed++;
			else
				lean_theorem_release(&th);
			free(w);
		}
		r->kept_changed += way == 3 && g->text_changed > 0;
		key = lean_decl_key(lemma);
		if (!strcmp(key, stmt_key)) {
			free(key);
			missed(r, xasprintf("subgoal %s restates the goal it should help prove", g->lemma_name));
			break;
		}
		free(key);
		asked(r, lemma, c);
		{
			size_t nsub;
			struct hnode **sub = sketch_cuts(c, &nsub);
			free(sub);
			if (!nsub) {
				proofs[i] = hnode_proof(r->t, c);
				continue;
			}
		}
		/* the prover fails a block with nested haves: decompose it */
		{
			size_t nsub;
			struct hnode **sub = sketch_cuts(c, &nsub);
			struct sbuf sb = SBUF_INIT;
			char *block, *back;
			sbuf_addf(&sb, "%s\n", lemma);
			{
				struct sbuf cb = SBUF_INIT;
				add_cut_text(&cb, r->t->src, c->start, c->end, sub, nsub);
				block = dedent(sbuf_str(&cb), 0, cb.len, c->col);
				sbuf_release(&cb);
			}
			for (const char *p = block; *p;) {
				size_t len = strcspn(p, "\n");
				if (len)
					sbuf_adds(&sb, "  ");
				sbuf_add(&sb, p, len);
				p += len;
				if (*p)
					sbuf_addch(&sb, *p++);
			}
			free(block);
			back = rebuild(r, sbuf_str(&sb), g->lemma_name, lemma, sub, nsub, depth + 1);
			if (back && !(proofs[i] = lean_proof_body(back, g->lemma_name, &why))) {
				missed(r, xasprintf("%s: no proof body: %s", g->lemma_name, why));
				free(why);
				why = NULL;
			}
			free(back);
			free(sub);
			sbuf_release(&sb);
		}
	}
	if (!r->miss && !(out = lean_recombine(code, &sk, (const char *const *)proofs, &why))) {
		missed(r, xasprintf("%s: recombine: %s", name, why));
		free(why);
	}
	for (size_t i = 0; i < ncut; i++)
		free(proofs[i]);
	free(proofs);
	free(stmt_key);
	lean_sketch_release(&sk);
	return out;
}

/* Lines with their indentation and trailing blanks dropped, blank lines dropped. */
static char *trimmed_lines(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	while (*s) {
		size_t len = strcspn(s, "\n"), a = strspn(s, " \t\r");
		size_t b = len;
		while (b > a && strchr(" \t\r", s[b - 1]))
			b--;
		if (b > a) {
			sbuf_add(&sb, s + a, b - a);
			sbuf_addch(&sb, '\n');
		}
		s += len + (s[len] != 0);
	}
	return sbuf_detach(&sb);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	DIR *dir = opendir("tests/fixtures/dsp2");
	struct dirent *de;
	char **files = NULL;
	size_t nfiles = 0, cap = 0;
	int nohave = 0, ambiguous = 0, exact = 0, equal = 0, considered = 0, deep = 0;
	int by_way[4] = { 0 }, kept_changed = 0, unparsed = 0;
	clock_t c0 = clock();
	ok(dir != NULL, "fixtures dir");
	if (!dir)
		return done_testing();
	while ((de = readdir(dir)))
		if (strstr(de->d_name, ".lean")) {
			if (nfiles == cap) {
				cap = cap ? 2 * cap : 256;
				files = xrealloc(files, cap * sizeof *files);
			}
			files[nfiles++] = xstrdup(de->d_name);
		}
	closedir(dir);
	qsort(files, nfiles, sizeof *files, by_name);
	for (size_t f = 0; f < nfiles; f++) {
		char path[512], *src, *stmt, *back;
		struct htree t;
		struct replay *r;
		struct hnode **cuts;
		size_t ncut;
		snprintf(path, sizeof path, "tests/fixtures/dsp2/%s", files[f]);
		src = cs_read_file(path, NULL);
		if (!src || htree_build(src, &t)) {
			ok(0, "%s reads and parses", files[f]);
			free(src);
			continue;
		}
		if (!t.root.nkids) {
			nohave++;
			printf("# excluded (no have block): %s\n", files[f]);
			htree_release(&t);
			free(src);
			continue;
		}
		r = xcalloc(1, sizeof *r);
		r->t = &t;
		r->file = files[f];
		stmt = xstrndup(src + t.v[t.d.kw].start, t.v[t.d.by].end - t.v[t.d.kw].start);
		cuts = sketch_cuts(&t.root, &ncut);
		{
			struct sbuf sb = SBUF_INIT;
			add_cut_text(&sb, src, 0, strlen(src), cuts, ncut);
			back = rebuild(r, sbuf_str(&sb), t.root.name, stmt, cuts, ncut, 0);
			sbuf_release(&sb);
		}
		if (r->ambiguous) {
			ambiguous++;
			printf("# excluded (two blocks ask for one lemma): %s\n", files[f]);
		} else {
			considered++;
			if (back && !r->miss) {
				char *a = trimmed_lines(back), *b = trimmed_lines(src);
				exact += !strcmp(back, src);
				if (!strcmp(a, b)) {
					equal++;
					deep += r->depth > 0;
				} else {
					printf("# miss %s: the rebuilt proof differs from the original\n", files[f]);
				}
				free(a);
				free(b);
			} else {
				printf("# miss %s: %s\n", files[f], r->miss ? r->miss : "?");
			}
			for (int w = 0; w < 4; w++)
				by_way[w] += r->by_way[w];
			kept_changed += r->kept_changed;
			unparsed += r->unparsed;
		}
		free(back);
		free(cuts);
		free(stmt);
		free(r->miss);
		for (size_t i = 0; i < r->nasked; i++)
			free(r->asked[i].key);
		free(r);
		htree_release(&t);
		free(src);
	}
	printf("# replay: %zu proofs, %d without a have block, %d where two blocks ask for one lemma; "
	       "%d rebuilt of %d (%.1f%%), %d byte for byte, %d through nested decomposition; "
	       "subgoals stated by way 1: %d, way 3: %d (%d keeping a hypothesis changed in place as written)\n",
	       nfiles, nohave, ambiguous, equal, considered, considered ? 100.0 * equal / considered : 0.0, exact,
	       deep, by_way[1], by_way[3], kept_changed);
	ok(nfiles == 221, "all %zu fixtures read", nfiles);
	ok(considered > 0 && equal * 100 >= considered * 95, "at least 95%% rebuilt with CS_EXTRACT=syntax (%d of %d)",
	   equal, considered);
	ok(deep > 0, "nested decomposition is exercised (%d)", deep);
	is_int(unparsed, 0, "every stated lemma parses back as a theorem of its name");
	ok((double)(clock() - c0) / CLOCKS_PER_SEC < 20, "bounded time");
	for (size_t f = 0; f < nfiles; f++)
		free(files[f]);
	free(files);
	return done_testing();
}
