/* fuzz-lean-sketch.c: sketch analysis and recombination (lean_text/lean_sketch.c,
 * lean_recombine.c) and lemmas from REPL goal strings (lean_goal.c).
 * Invariants: subgoals are the sketch's `sorry` tokens in source order; way 3's
 * lemma is there or its reason is, never both, and is way 1's when way 1 is
 * faithful; splicing nothing (NULL proofs or lemmas) or `sorry` back gives the
 * sketch byte for byte; splicing real proofs gives code whose theorem still parses. */
#include <string.h>

#include "cs.h"
#include "fuzz.h"
#include "lean_text.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* What recombining `sorry` into every sorry should give: the sketch, where a
 * term-mode `:= sorry` becomes `:= by sorry`. NULL when a sorry is neither after
 * `by` or `:=` nor first on its line (a term-mode sorry in some other place). */
static char *sorry_for_sorry(const char *code, const struct lean_sketch *sk)
{
	struct sbuf sb = SBUF_INIT;
	size_t at = 0;
	for (size_t i = 0; i < sk->n; i++) {
		size_t p = sk->goals[i].sorry_start, q = p;
		int term = 0;
		while (q > 0 && is_space(code[q - 1]) && code[q - 1] != '\n')
			q--;
		while (q > 0 && is_space(code[q - 1]))
			q--;
		if (q < p && memchr(code + q, '\n', p - q)) {
			/* the sorry opens its line: a line comment before it hides what precedes */
			size_t b = q;
			while (b > 0 && code[b - 1] != '\n')
				b--;
			for (size_t c = b; c + 1 < q; c++)
				if (code[c] == '-' && code[c + 1] == '-') {
					sbuf_release(&sb);
					return NULL;
				}
		}
		if (q >= 2 && !memcmp(code + q - 2, ":=", 2) && !(q >= 3 && code[q - 3] == ':'))
			term = 1;
		else if (!(q >= 2 && !memcmp(code + q - 2, "by", 2) && (q == 2 || is_space(code[q - 3])))) {
			size_t b = p;
			while (b > 0 && (code[b - 1] == ' ' || code[b - 1] == '\t'))
				b--;
			if (b > 0 && code[b - 1] != '\n') {
				sbuf_release(&sb);
				return NULL;
			}
		}
		sbuf_add(&sb, code + at, p - at);
		if (term)
			sbuf_adds(&sb, "by ");
		at = p;
	}
	sbuf_adds(&sb, code + at);
	return sbuf_detach(&sb);
}

static void check_sketch(const char *code, const char *name)
{
	struct lean_sketch sk;
	char *why = NULL, *out;
	const char **proofs;
	size_t len = strlen(code), prev = 0;

	if (lean_sketch_analyze(code, name, &sk, &why) < 0) {
		FUZZ_CHECK(why && *why);
		free(why);
		lean_sketch_release(&sk);
		return;
	}
	FUZZ_CHECK(!why);
	for (size_t i = 0; i < sk.n; i++) {
		const struct lean_subgoal *g = &sk.goals[i];
		FUZZ_CHECK(g->index == (int)i);
		FUZZ_CHECK(g->sorry_start >= prev && g->sorry_end <= len);
		FUZZ_CHECK(g->sorry_end - g->sorry_start == 5 && !memcmp(code + g->sorry_start, "sorry", 5));
		FUZZ_CHECK(g->lemma_name && *g->lemma_name && g->statement);
		FUZZ_CHECK(!*g->statement || (g->lemma_a && g->lemma_b));
		FUZZ_CHECK(!g->is_final || !g->have_name);
		FUZZ_CHECK(g->line >= 1 && g->col >= 0 && g->depth >= 0);
		FUZZ_CHECK(!g->text_lemma_a == !g->text_lemma_b && !g->text_lemma_b == !!g->text_reason);
		FUZZ_CHECK(!g->text_lemma_b || !strncmp(g->text_lemma_b, "theorem ", 8));
		FUZZ_CHECK(g->needs_goal_state || !g->lemma_b || (g->text_lemma_b && !strcmp(g->text_lemma_b, g->lemma_b)));
		FUZZ_CHECK(g->have_line >= 1 && g->have_line <= g->line);
		{
			char *w = lean_subgoal_where(g);
			FUZZ_CHECK(w && *w);
			free(w);
		}
		prev = g->sorry_end;
	}
	proofs = xcalloc(sk.n + 1, sizeof *proofs);
	/* Nothing spliced: the sketch itself. */
	out = lean_recombine(code, &sk, proofs, &why);
	FUZZ_CHECK(out && !why && !strcmp(out, code));
	free(out);
	/* (The fallback refuses a sketch without sorries: nothing to close.) */
	out = lean_recombine_fallback(code, &sk, proofs, &why);
	FUZZ_CHECK(sk.n ? out && !why && !strcmp(out, code) : !out && why);
	free(out);
	free(why);
	why = NULL;
	/* `sorry` for `sorry`: the sketch again, with `by` before a term-mode sorry. */
	for (size_t i = 0; i < sk.n; i++)
		proofs[i] = "sorry";
	out = lean_recombine(code, &sk, proofs, &why);
	FUZZ_CHECK(out && !why);
	{
		char *want = sorry_for_sorry(code, &sk);
		if (want && strcmp(out, want)) {
			fprintf(stderr, "sorry for sorry:\n%s\n---- wanted:\n%s\n", out, want);
			FUZZ_CHECK(0);
		}
		free(want);
	}
	free(out);
	/* Multi-line proofs, re-indented into place. */
	for (size_t i = 0; i < sk.n; i++)
		proofs[i] = i % 2 ? "nlinarith [sq_nonneg (a - b),\n  sq_nonneg (a + b)]" : "norm_num\nring_nf at h ⊢\n<;> linarith";
	out = lean_recombine(code, &sk, proofs, &why);
	FUZZ_CHECK((out == NULL) == (why != NULL));
	free(out);
	free(why);
	why = NULL;
	/* The fallback with proven lemmas in form (a). */
	{
		char **lemmas = xcalloc(sk.n + 1, sizeof *lemmas);
		for (size_t i = 0; i < sk.n; i++)
			if (sk.goals[i].lemma_a)
				lemmas[i] = xasprintf("%s\n  norm_num", sk.goals[i].lemma_a);
		out = lean_recombine_fallback(code, &sk, (const char *const *)lemmas, &why);
		FUZZ_CHECK((out == NULL) == (why != NULL));
		for (size_t i = 0; out && i < sk.n; i++)
			FUZZ_CHECK(!lemmas[i] || strstr(out, lemmas[i]));
		free(out);
		free(why);
		why = NULL;
		/* Every other one by lemma: spots in order, inside the text, found again. */
		{
			unsigned char *by = xcalloc(sk.n + 1, 1);
			struct lean_spot *sp = xcalloc(sk.n + 1, sizeof *sp);
			int last = 0, lines = 1;
			for (size_t i = 0; i < sk.n; i++)
				by[i] = i % 2;
			out = lean_recombine_mixed(code, &sk, proofs, (const char *const *)lemmas, by, sp, &why);
			/* by is reused below to collect hits */
			FUZZ_CHECK((out == NULL) == (why != NULL));
			for (const char *q = out; q && (q = strchr(q, '\n')); q++)
				lines++;
			for (size_t i = 0; out && i < sk.n; i++) {
				if (!sp[i].first_line)
					continue;
				FUZZ_CHECK(sp[i].first_line >= last && sp[i].first_line <= sp[i].last_line && sp[i].last_line <= lines);
				memset(by, 0, sk.n);
				FUZZ_CHECK(lean_spots_at(sp, sk.n, sp[i].last_line, by) >= 1 && by[i]);
				last = sp[i].last_line;
			}
			free(out);
			free(why);
			free(sp);
			free(by);
		}
		for (size_t i = 0; i < sk.n; i++)
			free(lemmas[i]);
		free(lemmas);
	}
	free(proofs);
	lean_sketch_release(&sk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *code = xstrndup((const char *)data, size), *why = NULL, *lemma;
	struct lean_theorem th;

	if (lean_parse_theorem(code, NULL, &th, &why) == 0) {
		check_sketch(code, th.name);
		lean_theorem_release(&th);
	} else {
		free(why);
		lean_theorem_release(&th);
	}
	/* The input as a REPL goal string. */
	why = NULL;
	lemma = lean_lemma_from_goal("fuzz_lemma", code, &why);
	FUZZ_CHECK((lemma == NULL) == (why != NULL));
	FUZZ_CHECK(!lemma || !strncmp(lemma, "theorem fuzz_lemma", 18));
	free(lemma);
	free(why);
	free(code);
	return 0;
}
