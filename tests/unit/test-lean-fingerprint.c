/* test-lean-fingerprint: statement fingerprints (lean_text/lean_fingerprint.h): the
 * same statement restated (theorem renamed, hypotheses and variables renamed,
 * comments and spacing changed, groups split, ASCII spellings) matches; another
 * proposition (another numeral, hypothesis, order) does not; and on the real
 * miniF2F statements of data/minif2f.jsonl: 488 statements, and each one with its
 * hypotheses renamed matches itself and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cs.h"
#include "lean_fingerprint.h"
#include "tap.h"

#define MINIF2F "data/minif2f.jsonl"

static char *fp(const char *decl)
{
	char hex[65], *why = NULL;
	if (lean_fingerprint(decl, hex, &why)) {
		char *r = xasprintf("error: %s", why);
		free(why);
		return r;
	}
	return xstrdup(hex);
}

static int same(const char *a, const char *b)
{
	char *x = fp(a), *y = fp(b);
	int r = !strncmp(x, "error", 5) || !strncmp(y, "error", 5) ? -1 : !strcmp(x, y);
	free(x);
	free(y);
	return r;
}

static void text_is(const char *decl, const char *want, const char *what)
{
	char *why = NULL, *t = lean_fingerprint_text(decl, NULL, NULL, &why);
	is_str(t, want, "%s", what);
	free(t);
	free(why);
}

static const char base[] =
	"theorem mathd_algebra_48 (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) :\n"
	"    q - e = 12 := by\n";

static void restated(void)
{
	text_is(base, "( $1 : ℂ ) ( $2 : ℂ ) ( $3 : $1 = 9 - 4 * Complex.I ) ( $4 : $2 = - 3 - 4 * Complex.I ) : $1 - $2 = 12",
		"canonical text: names numbered, groups split, proof dropped");
	ok(same(base, "theorem foo (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) :\n"
		      "    q - e = 12 := by\n") == 1, "theorem renamed: matches");
	ok(same(base, "theorem mathd_algebra_48 (q e : ℂ) (ha : q = 9 - 4 * Complex.I) (hb : e = -3 - 4 * Complex.I) :\n"
		      "    q - e = 12 := by sorry\n") == 1, "hypotheses renamed, proof `by sorry`: matches");
	ok(same(base, "lemma x (a b : ℂ) (h0 : a = 9 - 4 * Complex.I) (h1 : b = -3 - 4 * Complex.I) : a - b = 12 :=\n"
		      "sorry") == 1, "variables renamed, lemma keyword, term sorry: matches");
	ok(same(base, "/-- The informal statement. -/\n"
		      "theorem renamed   -- a comment\n"
		      "  (q : ℂ) (e : ℂ)\n"
		      "  (h₀ : q = 9 - /- inline -/ 4 * Complex.I)\n\n"
		      "  (h₁ : e = -3 - 4 * Complex.I) : q - e = 12 := by\n  linarith\n") == 1,
	   "comments, spacing, a split group, a docstring, another proof: matches");
	ok(same(base, "theorem t (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) : q - e = 13 := by")
	   == 0, "another numeral: no match");
	ok(same(base, "theorem t (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) : q - e = 12 := by") == 0,
	   "a hypothesis fewer: no match");
	ok(same(base, "theorem t (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) (h₂ : q ≠ 0) :"
		      " q - e = 12 := by") == 0, "a hypothesis more: no match");
	ok(same(base, "theorem t (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) : e - q = 12 := by")
	   == 0, "variables swapped in the conclusion: no match");
	ok(same(base, "theorem t (q e : ℝ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) : q - e = 12 := by")
	   == 0, "another type: no match");
	ok(same(base, "theorem t (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) : q - e = 12 := by")
	   == 1, "control: the same with the name t matches");

	/* bound variables of the statement */
	ok(same("theorem a (f : ℕ → ℕ) (h : ∀ x, f x = 2 * x) : f 3 = 6 := by",
		"theorem b (g : ℕ → ℕ) (hg : ∀ (n : ℕ), g n = 2 * n) : g 3 = 6 := by") == 0,
	   "`∀ x,` vs `∀ (n : ℕ),` are written otherwise: no match (never a false one)");
	ok(same("theorem a (f : ℕ → ℕ) (h : ∀ x, f x = 2 * x) : f 3 = 6 := by",
		"theorem b (g : ℕ -> ℕ) (hg : forall y, g y = 2 * y) : g 3 = 6 := by") == 1,
	   "∀-bound names renamed, ASCII arrows and forall: matches");
	ok(same("theorem a : ∃ x : ℕ, x > 3 ∧ ∑ i in Finset.range x, i = 6 := by",
		"theorem b : ∃ n : ℕ, n > 3 ∧ ∑ k in Finset.range n, k = 6 := by") == 1,
	   "∃ and ∑ binders renamed: matches");
	ok(same("theorem a : ∃ x : ℕ, x > 3 ∧ ∑ i in Finset.range x, i = 6 := by",
		"theorem b : ∃ n : ℕ, n > 3 ∧ ∑ k in Finset.range n, n = 6 := by") == 0,
	   "a use bound to another binder: no match");
	ok(same("theorem a (S : Finset ℕ) (h : S = {x | 0 < x ∧ x < 5}) : S.card = 4 := by",
		"theorem b (T : Finset ℕ) (h : T = {n | 0 < n ∧ n < 5}) : T.card = 4 := by") == 1,
	   "set-builder binder and dotted use (S.card) renamed: matches");
	/* scopes: an inner binding ends with its bracket */
	ok(same("theorem a (x : ℝ) (h : ∀ x : ℝ, x ^ 2 ≥ 0) : x ^ 2 + 1 > 0 := by",
		"theorem b (y : ℝ) (h : ∀ x : ℝ, x ^ 2 ≥ 0) : y ^ 2 + 1 > 0 := by") == 1,
	   "a shadowing ∀ inside parentheses goes out of scope at `)`: matches");
	ok(same("theorem a (x : ℝ) (h : ∀ x : ℝ, x ^ 2 ≥ 0) : x ^ 2 + 1 > 0 := by",
		"theorem b (y : ℝ) (h : ∀ x : ℝ, y ^ 2 ≥ 0) : y ^ 2 + 1 > 0 := by") == 0,
	   "the outer variable used under the ∀: no match");
	ok(same("theorem a [inst : Fact (1 < 2)] (n : ℕ) : n = n := by",
		"theorem b [i : Fact (1 < 2)] (m : ℕ) : m = m := by") == 1, "instance binder renamed: matches");
	ok(same("theorem a (n : ℕ) (h : 0 < n) : 0 < n * n := by",
		"theorem a (n : ℕ) (h : 0 < n) : 0 < n * n := by\n  positivity\n\ntheorem b : True := trivial") == 1,
	   "only the first declaration's statement counts");
	ok(same("theorem a (n : ℕ) (h : 0 < n) : 0 < n * n := by", "(n : ℕ) (h : 0 < n) : 0 < n * n") == 1,
	   "a bare `binders : T` reads as a statement");
	ok(same("theorem a : «x» = 1 := by", "theorem b : x = 1 := by") == 1, "«» removed");
	ok(same("theorem a (h : x = 1) : x + 0 = 1 := by", "theorem b (h : y = 1) : y + 0 = 1 := by") == 0,
	   "auto-bound implicit names are not bound by the statement's text: no match (never a false one)");
	{
		char *why = NULL, hex[65];
		ok(lean_fingerprint("theorem a : \"unterminated = 1 := by", hex, &why) == -1 && why,
		   "unreadable text: an error with a reason (%s)", why ? why : "none");
		free(why);
	}
}

static void names_and_rename(void)
{
	char **names = NULL, *why = NULL, *t, *r;
	size_t n = 0;
	t = lean_fingerprint_text("theorem a (x y : ℝ) [inst : Fact (0 < 1)] (_ : x = 1) (h₀ : ∀ z, z = y) : x = y := by",
				  &names, &n, &why);
	is_int(n, 5, "five binders of the theorem");
	if (n == 5) {
		is_str(names[0], "x", "first x");
		is_str(names[1], "y", "then y");
		is_str(names[2], "inst", "then inst");
		is_str(names[3], "_", "an anonymous one as _");
		is_str(names[4], "h₀", "h₀ (the ∀'s z is not the theorem's)");
	}
	lean_fingerprint_names_free(names, n);
	free(t);
	{
		const char *from[] = { "h₀", "h₁", "x" }, *to[] = { "h₁", "h₀", "x" };
		r = lean_rename_idents("  nlinarith [h₀, h₁.le, sq_nonneg (x - 1), h₀.1] -- h₀ in a comment\n"
				       "  exact \"h₀\"", from, to, 3, &why);
		is_str(r, "  nlinarith [h₁, h₀.le, sq_nonneg (x - 1), h₁.1] -- h₀ in a comment\n  exact \"h₀\"",
		       "a swap stays a swap; dotted uses renamed; comments and strings kept");
		free(r);
	}
}

/* Every miniF2F statement with its hypotheses h₀ h₁ … renamed k₀ k₁ … (text
 * substitution) and the theorem renamed matches itself, and no other statement. */
static void minif2f(void)
{
	FILE *f = fopen(MINIF2F, "r");
	char line[1 << 16];
	size_t n = 0, matched = 0, clash = 0, err = 0;
	char **fps = NULL;
	size_t cap = 0;
	if (!f) {
		ok(0, "cannot open %s", MINIF2F);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *stmt = json_string_value(json_object_get(o, "formal_statement"));
		struct sbuf sb = SBUF_INIT;
		char *a, *b;
		if (!stmt) {
			json_decref(o);
			continue;
		}
		for (const char *p = stmt; *p; p++) {
			if (*p == 'h' && (p == stmt || !strchr("abcdefghijklmnopqrstuvwxyz_.", p[-1])) &&
			    !strncmp(p + 1, "\xe2\x82", 2)) {
				sbuf_addch(&sb, 'k');
				continue;
			}
			sbuf_addch(&sb, *p);
		}
		a = fp(stmt);
		b = fp(sbuf_str(&sb));
		if (!strncmp(a, "error", 5))
			err++;
		else if (!strcmp(a, b))
			matched++;
		fps = cs_grow(fps, &cap, n, sizeof *fps);
		fps[n++] = a;
		free(b);
		sbuf_release(&sb);
		json_decref(o);
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			clash += !strcmp(fps[i], fps[j]);
	is_int(n, 488, "488 miniF2F statements");
	is_int(err, 0, "every one readable");
	is_int(matched, n, "each restated with renamed hypotheses matches itself");
	/* miniF2F holds a few statements twice under two names; count them */
	ok(clash <= 4, "at most a few pairs of miniF2F statements share a fingerprint (%zu)", clash);
	for (size_t i = 0; i < n; i++)
		free(fps[i]);
	free(fps);
}

int main(void)
{
	restated();
	names_and_rename();
	minif2f();
	return done_testing();
}
