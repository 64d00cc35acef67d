/* test-lean-sketch: sketch analysis, subgoal lemmas, goal states, recombination.
 * The key test turns every real DeepSeek-Prover-V2 proof of tests/fixtures/dsp2
 * into a sketch (each top-level `have … := by BLOCK` becomes `:= by sorry`),
 * analyzes it and splices the blocks back: the result must be the original. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_decl.h"
#include "lean_context.h"
#include "lean_text.h"
#include "tap.h"
#include "sketch_cut.h"

static void test_dsp2_roundtrip(void)
{
	DIR *dir = opendir("tests/fixtures/dsp2");
	struct dirent *de;
	int blanks = 0, files = 0, with_haves = 0, exact = 0, analyzed = 0, stmts_ok = 0, haves = 0, lemmas_ok = 0;
	ok(dir != NULL, "fixtures dir");
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char path[512], *src, *sk_code, *thname = NULL, *why = NULL, *back;
		struct cut cuts[512];
		size_t ncut;
		struct lean_sketch sk;
		const char *proofs[512];
		char *b1 = NULL, *b2 = NULL;
		if (!strstr(de->d_name, ".lean"))
			continue;
		snprintf(path, sizeof path, "tests/fixtures/dsp2/%s", de->d_name);
		src = cs_read_file(path, NULL);
		files++;
		sk_code = make_sketch(src, cuts, &ncut, 512, &thname);
		if (!sk_code || !ncut) {
			free(sk_code);
			free(thname);
			free(src);
			continue;
		}
		with_haves++;
		haves += (int)ncut;
		if (lean_sketch_analyze(sk_code, thname, &sk, &why)) {
			printf("# %s: analyze: %s\n", de->d_name, why);
			free(why);
		} else {
			int good = sk.n == ncut, lem = 1;
			analyzed += good;
			if (!good)
				printf("# %s: %zu subgoals for %zu haves\n", de->d_name, sk.n, ncut);
			for (size_t i = 0; i < sk.n && i < ncut; i++) {
				if (!strcmp(sk.goals[i].statement, cuts[i].statement) && sk.goals[i].have_name &&
				    !strcmp(sk.goals[i].have_name, cuts[i].name) && sk.goals[i].depth == 0 && !sk.goals[i].is_final)
					stmts_ok++;
				else
					printf("# %s: subgoal %zu: [%s] want [%s]\n", de->d_name, i, sk.goals[i].statement,
					       cuts[i].statement);
				proofs[i] = cuts[i].proof;
				/* the lemma is a theorem lean_parse_theorem reads back with the same type */
				if (!sk.goals[i].needs_goal_state || sk.goals[i].lemma_b) {
					struct lean_theorem th;
					char *w = NULL;
					if (!sk.goals[i].lemma_b || lean_parse_theorem(sk.goals[i].lemma_b, NULL, &th, &w)) {
						lem = 0;
						free(w);
					} else {
						lem &= !strcmp(th.name, sk.goals[i].lemma_name) &&
						       (strchr("({[", cuts[i].statement[0]) || !strcmp(th.conclusion, cuts[i].statement));
						lean_theorem_release(&th);
					}
				}
			}
			lemmas_ok += lem;
			if (good) {
				back = lean_recombine(sk_code, &sk, proofs, &why);
				if (back && !strcmp(back, src)) {
					exact++;
				} else if (back && (b1 = blank_lines(back)) && (b2 = blank_lines(src)) && !strcmp(b1, b2)) {
					blanks++;
					printf("# %s: equal but for spaces on blank lines inside a have block\n", de->d_name);
				} else {
					printf("# %s: recombined text differs%s%s\n", de->d_name, why ? ": " : "", why ? why : "");
					free(why);
				}
				free(back);
				free(b1);
				free(b2);
			}
			lean_sketch_release(&sk);
		}
		cuts_release(cuts, ncut);
		free(sk_code);
		free(thname);
		free(src);
	}
	closedir(dir);
	printf("# dsp2: %d files, %d with top-level `have := by`, %d haves; %d analyzed, %d statements ok, %d round-trip exactly, %d but for blank lines\n",
	       files, with_haves, haves, analyzed, stmts_ok, exact, blanks);
	ok(files > 200, "read the %d fixtures", files);
	is_int(analyzed, with_haves, "every sketch analyzes into one subgoal per have");
	is_int(stmts_ok, haves, "every statement is the have's text, verbatim");
	is_int(lemmas_ok, with_haves, "every lemma_b parses back as a theorem of that name");
	is_int(exact + blanks, with_haves, "every proof round-trips (spaces on blank lines inside a block aside)");
	ok(exact >= with_haves - 2, "%d of %d round-trip byte for byte", exact, with_haves);
}


static const char shapes[] =
	"theorem t (x y : ℝ) (h₀ : x ≠ 0) : x = y := by\n"
	"  have h₁ : x = 1 := by sorry\n"
	"  have : y = 1 := by\n"
	"    sorry\n"
	"  have h₂ (n : ℕ) (hn : 0 < n) : x ^ n = 1 := sorry\n"
	"  have : x = y := by\n"
	"    have h₃ : x + 0 = 1 := by sorry\n"
	"    sorry\n"
	"  sorry";

static void test_shapes(void)
{
	struct lean_sketch sk;
	char *why = NULL;
	ok(lean_sketch_analyze(shapes, "t", &sk, &why) == 0, "shapes analyze (%s)", why ? why : "");
	free(why);
	is_int(sk.n, 6, "six sorries, six subgoals");
	if (sk.n != 6)
		return;
	is_str(sk.goals[0].have_name, "h₁", "have h₁");
	is_str(sk.goals[0].lemma_name, "t_h₁", "lemma name from theorem and have");
	is_str(sk.goals[0].statement, "x = 1", "statement verbatim");
	is_str(sk.goals[0].lemma_a, "theorem t_h₁ (x y : ℝ) (h₀ : x ≠ 0) :\n  x = 1 := by", "form (a)");
	is_int(sk.goals[0].line, 2, "line");
	is_int(sk.goals[0].col, 24, "column in code points");
	ok(!strncmp(shapes + sk.goals[0].sorry_start, "sorry", 5), "sorry range");
	is_str(sk.goals[1].have_name, "this", "anonymous have is this");
	is_str(sk.goals[1].lemma_name, "t_this", "t_this");
	is_int(sk.goals[1].line, 4, "sorry on the line after := by");
	is_str(sk.goals[1].lemma_b, "theorem t_this (x y : ℝ) (h₀ : x ≠ 0) (h₁ : x = 1) :\n  y = 1 := by",
	       "form (b) with the earlier have");
	is_str(sk.goals[2].statement, "(n : ℕ) (hn : 0 < n) : x ^ n = 1", "binders kept in the statement");
	is_str(sk.goals[2].lemma_a, "theorem t_h₂ (x y : ℝ) (h₀ : x ≠ 0) (n : ℕ) (hn : 0 < n) :\n  x ^ n = 1 := by",
	       "have binders after the theorem's");
	is_str(sk.goals[2].lemma_b, "theorem t_h₂ (x y : ℝ) (h₀ : x ≠ 0) (h₁ : x = 1) (this : y = 1) (n : ℕ) (hn : 0 < n) :\n  x ^ n = 1 := by",
	       "term-mode := sorry, premises before own binders");
	is_str(sk.goals[3].have_name, "h₃", "nested have");
	is_int(sk.goals[3].depth, 1, "nested depth");
	is_str(sk.goals[3].lemma_b, "theorem t_h₃ (x y : ℝ) (h₀ : x ≠ 0) (h₁ : x = 1) (this : y = 1) (h₂ : ∀ (n : ℕ) (hn : 0 < n), x ^ n = 1) :\n  x + 0 = 1 := by",
	       "nested lemma sees the enclosing haves; binder have as ∀");
	is_str(sk.goals[4].lemma_name, "t_this_2", "second this is unique");
	is_int(sk.goals[4].depth, 0, "the sorry closing a top-level have");
	ok(strstr(sk.goals[4].lemma_b, "(h₃ : x + 0 = 1) :") != NULL, "its nested have is a premise");
	ok(sk.goals[5].is_final && !sk.goals[5].have_name, "final sorry");
	is_str(sk.goals[5].lemma_name, "t_final", "final lemma name");
	is_str(sk.goals[5].statement, "x = y", "final statement is the conclusion");
	ok(strstr(sk.goals[5].lemma_b, "(this : y = 1) (h₂ : ∀ (n : ℕ) (hn : 0 < n), x ^ n = 1) (this : x = y) :") &&
	   !strstr(sk.goals[5].lemma_b, "h₃"), "final: every top-level have, not the nested one");
	for (size_t i = 0; i < sk.n; i++)
		ok(!sk.goals[i].needs_goal_state && sk.goals[i].index == (int)i, "goal %zu faithful from syntax", i);
	{
		const char *proofs[6] = { "norm_num", "linarith\nnlinarith [h₀]", "intro n hn\nsimp", "ring", "exact this", "linarith" };
		char *r = lean_recombine(shapes, &sk, proofs, &why);
		is_str(r, "theorem t (x y : ℝ) (h₀ : x ≠ 0) : x = y := by\n"
			  "  have h₁ : x = 1 := by norm_num\n"
			  "  have : y = 1 := by\n"
			  "    linarith\n"
			  "    nlinarith [h₀]\n"
			  "  have h₂ (n : ℕ) (hn : 0 < n) : x ^ n = 1 := by\n"
			  "    intro n hn\n"
			  "    simp\n"
			  "  have : x = y := by\n"
			  "    have h₃ : x + 0 = 1 := by ring\n"
			  "    exact this\n"
			  "  linarith", "recombine every shape");
		free(r);
		proofs[1] = NULL;
		proofs[0] = "nlinarith [sq_nonneg x,\n  sq_nonneg y]";
		r = lean_recombine(shapes, &sk, proofs, &why);
		ok(r && strstr(r, "  have h₁ : x = 1 := by\n    nlinarith [sq_nonneg x,\n      sq_nonneg y]\n  have : y = 1 := by\n    sorry\n"),
		   "multi-line proof after an inline by; NULL leaves the sorry");
		free(r);
	}
	{
		const char *lemmas[6] = {
			"theorem t_h₁ (x y : ℝ) (h₀ : x ≠ 0) :\n  x = 1 := by\n  sorry", NULL,
			"theorem t_h₂ (x y : ℝ) (h₀ : x ≠ 0) (h₁ : x = 1) (this : y = 1) (n : ℕ) (hn : 0 < n) :\n  x ^ n = 1 := by\n  simp",
			NULL, NULL,
			"theorem t_final {z : ℕ} (x y : ℝ) [Fact (1 < 2)] (h₀ : x ≠ 0) (this : y = 1) (this : x = y) :\n  x = y := by\n  exact this" };
		char *r = lean_recombine_fallback(shapes, &sk, lemmas, &why);
		ok(r && !strncmp(r, "theorem t_h₁ (x y : ℝ) (h₀ : x ≠ 0) :\n  x = 1 := by\n  sorry\n\ntheorem t_h₂", 60),
		   "fallback: lemmas first, in order");
		ok(r && strstr(r, "\n\ntheorem t (x y : ℝ)"), "then the theorem");
		ok(r && strstr(r, "have h₁ : x = 1 := by exact t_h₁ x y h₀\n"), "exact with the explicit binder names");
		ok(r && strstr(r, ":= by exact t_h₂ x y h₀ h₁ this n hn\n"), "term sorry closed by exact");
		ok(r && strstr(r, "\n  exact t_final x y h₀ (by assumption) this") && !strstr(r, "t_final z"),
		   "implicit and instance binders left out, shadowed this by assumption");
		ok(r && strstr(r, "have : y = 1 := by\n    sorry"), "no lemma: sorry left");
		free(r);
	}
	lean_sketch_release(&sk);
}

static const struct {
	const char *code, *want_reason; /* reason of the last subgoal (NULL: faithful) */
} goal_cases[] = {
	{ "theorem t (x : ℝ) : x = x := by\n  intro y\n  have h : x = x := by sorry\n  sorry", "`intro` at line 2" },
	{ "theorem t (x : ℝ) (h : 0 < x) : x = x := by\n  norm_num at h\n  have h2 : x = x := by sorry", "`norm_num` at line 2" },
	{ "theorem t (x : ℝ) (h : 0 < x) : x = x := by\n  norm_num at ⊢\n  have h2 : x = x := by sorry", NULL },
	{ "theorem t (x : ℝ) (h : 0 < x) : x = x := by\n  rw [foo] at h ⊢\n  have h2 : x = x := by sorry", "`rw` at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  rw [foo]\n  have h2 : x = x := by sorry", NULL },
	{ "theorem t (x : ℝ) : x = x := by\n  rw [foo]\n  sorry", "`rw` at line 2 may change the goal" },
	{ "theorem t (x : ℝ) : x = x := by\n  rcases foo with ⟨a, b⟩\n  sorry", "`rcases` at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  constructor <;> intro h\n  have h2 : x = x := by sorry", "`constructor` at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  by_cases hx : x = 0\n  · have h2 : x = x := by sorry\n    sorry\n  · sorry", "`·` at line 5 opens" },
	{ "theorem t (x : ℝ) : x = x := by\n  have h := foo x\n  have h2 : x = x := by sorry", "`have` at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  obtain ⟨y, hy⟩ : ∃ y, y = x := by sorry\n  have h : y = x := by sorry", "`obtain` at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  have h : x = x := by\n    intro z\n    sorry\n  have h2 : x = x := by sorry", NULL },
	{ "theorem t (x : ℝ) : x = x := by\n  have h : x = x := by\n    intro z\n    sorry", "`intro` at line 3" },
	{ "theorem t (x : ℝ) : x = x := by\n  show x + 0 = x\n  sorry", NULL },
	{ "theorem t (x : ℝ) : x = x := by\n  nlinarith [sq_nonneg x, sorry]", "sorry inside a term at line 2" },
	{ "theorem t (x : ℝ) : x = x := by\n  cases x with\n  | zero => sorry\n  | succ n => sorry", "`=>` at line 4" },
};

static void test_goal_states(void)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(goal_cases); i++) {
		struct lean_sketch sk;
		char *why = NULL;
		if (lean_sketch_analyze(goal_cases[i].code, "t", &sk, &why) || !sk.n) {
			ok(0, "goal case %zu analyzes: %s", i, why ? why : "no subgoal");
			free(why);
			continue;
		}
		const struct lean_subgoal *g = &sk.goals[sk.n - 1];
		if (goal_cases[i].want_reason)
			ok(g->needs_goal_state && g->goal_reason && strstr(g->goal_reason, goal_cases[i].want_reason),
			   "goal case %zu: needs goal state (%s)", i, g->goal_reason ? g->goal_reason : "none");
		else
			ok(!g->needs_goal_state, "goal case %zu: faithful from syntax (%s)", i, g->goal_reason ? g->goal_reason : "");
		lean_sketch_release(&sk);
	}
}

static void test_obtain_suffices(void)
{
	struct lean_sketch sk;
	char *why = NULL;
	const char *code = "theorem t (x : ℝ) : x = x := by\n  obtain ⟨y, hy⟩ : ∃ y, y = x := by sorry\n  sorry";
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 2, "obtain sketch");
	if (sk.n == 2) {
		is_str(sk.goals[0].statement, "∃ y, y = x", "obtain: the type is the statement");
		is_str(sk.goals[0].have_name, "⟨y, hy⟩", "obtain: the pattern as have_name");
		is_str(sk.goals[0].lemma_name, "t_obtain", "obtain lemma name");
		ok(!sk.goals[0].needs_goal_state, "the obtain's own statement is faithful");
		ok(sk.goals[1].needs_goal_state, "after it, y and hy need the goal state");
	}
	lean_sketch_release(&sk);
	code = "theorem t (x : ℝ) : x = x := by\n  suffices h : x + 0 = x by sorry\n  sorry";
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 2, "suffices sketch");
	if (sk.n == 2) {
		is_str(sk.goals[0].lemma_b, "theorem t_h (x : ℝ) (h : x + 0 = x) :\n  x = x := by", "suffices by: old goal, h a premise");
		is_str(sk.goals[1].statement, "x + 0 = x", "then the goal is the suffices type");
		ok(!sk.goals[0].needs_goal_state && !sk.goals[1].needs_goal_state, "both faithful");
	}
	lean_sketch_release(&sk);
	code = "theorem t (x : ℝ) : x = x := by\n  suffices h : x + 0 = x from by simpa using h\n  sorry";
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 1 && !strcmp(sk.goals[0].statement, "x + 0 = x"),
	   "suffices from");
	lean_sketch_release(&sk);
}

static void test_text_forms(void)
{
	struct lean_sketch sk;
	char *why = NULL, *r;
	const char *crlf = "theorem t (x : ℝ) : x = x := by\r\n  have h : x = x := by\r\n    sorry\r\n  sorry\r\n";
	const char *proofs[2] = { "simp\nring", "exact h" };
	ok(lean_sketch_analyze(crlf, "t", &sk, &why) == 0 && sk.n == 2, "CRLF sketch");
	if (sk.n == 2) {
		is_str(sk.goals[0].statement, "x = x", "CRLF: no \\r in the statement");
		is_int(sk.goals[0].line, 3, "CRLF line");
		is_int(sk.goals[0].col, 4, "CRLF col");
		r = lean_recombine(crlf, &sk, proofs, &why);
		is_str(r, "theorem t (x : ℝ) : x = x := by\r\n  have h : x = x := by\r\n    simp\r\n    ring\r\n  exact h\r\n",
		       "CRLF kept in inserted lines");
		free(r);
	}
	lean_sketch_release(&sk);
	const char *tab = "theorem t (x : ℝ) : x = x := by\n\thave h : x = x := by\n\t\tsorry\n\tsorry";
	/* Lean's whitespace refuses a tab ("tabs are not allowed"): so does the scanner */
	ok(lean_sketch_analyze(tab, "t", &sk, &why) == -1 && why && strstr(why, "tab"),
	   "tab-indented sketch refused as Lean refuses it (%s)", why ? why : "accepted");
	free(why);
	why = NULL;
	lean_sketch_release(&sk);
	const char *uni = "theorem «my thm» (α : ℝ) : α = α := by\n  have hα₁' : α = α := by /- sorry -/ sorry -- sorry\n  have «h x» : \"sorry\" = \"sorry\" := by sorry\n  sorry";
	ok(lean_sketch_analyze(uni, "«my thm»", &sk, &why) == 0 && sk.n == 3, "unicode sketch (%s)", why ? why : "");
	free(why);
	why = NULL;
	if (sk.n == 3) {
		is_str(sk.goals[0].lemma_name, "«my thm_hα₁'»", "quoted theorem name");
		is_int(sk.goals[0].col, 38, "column counts code points");
		is_str(sk.goals[1].lemma_name, "«my thm_h x»", "quoted have name");
		is_str(sk.goals[1].statement, "\"sorry\" = \"sorry\"", "sorry in strings is not a sorry");
	}
	lean_sketch_release(&sk);
	const char *term = "theorem t (x : ℝ) : x = x := by\n  have h : x = x := by\n    exact foo sorry\n  exact h";
	ok(lean_sketch_analyze(term, "t", &sk, &why) == 0 && sk.n == 1, "term sorry");
	if (sk.n == 1) {
		const char *p1[1] = { "simp" };
		ok(sk.goals[0].needs_goal_state && !sk.goals[0].lemma_a && !*sk.goals[0].statement, "unstated goal: no lemma");
		r = lean_recombine(term, &sk, p1, &why);
		ok(r && strstr(r, "exact foo (by simp)\n"), "term sorry spliced as (by …)");
		free(r);
	}
	lean_sketch_release(&sk);
	const char *own = "theorem t (y : ℝ) (h : y = 1) : y = 1 := by\n  have h2 : y = 1 :=\n    sorry\n  exact h2";
	ok(lean_sketch_analyze(own, "t", &sk, &why) == 0 && sk.n == 1, "term sorry on a line of its own");
	if (sk.n == 1) {
		const char *p1[1] = { "simp" }, *p2[1] = { "rw [h]\nsimp" };
		r = lean_recombine(own, &sk, p1, &why);
		is_str(r, "theorem t (y : ℝ) (h : y = 1) : y = 1 := by\n  have h2 : y = 1 :=\n    by simp\n  exact h2",
		       "after `:=` on the line before: `by` and the proof");
		free(r);
		r = lean_recombine(own, &sk, p2, &why);
		is_str(r, "theorem t (y : ℝ) (h : y = 1) : y = 1 := by\n  have h2 : y = 1 :=\n    by\n      rw [h]\n      simp\n  exact h2",
		       "several lines: `by`, then the lines indented under it");
		free(r);
	}
	lean_sketch_release(&sk);
	ok(lean_sketch_analyze("theorem u : True := sorry\ntheorem t : True := by\n  sorry", "t", &sk, &why) == -1 &&
	   why && strstr(why, "outside"), "a sorry outside the theorem is refused (%s)", why ? why : "");
	free(why);
	why = NULL;
	ok(lean_sketch_analyze("theorem t : True := by\n  sorry", "nope", &sk, &why) == -1 && why, "unknown theorem");
	free(why);
}

/* Goals laid out as Lean.Meta.ppGoal prints them at width 120 (src/Lean/Meta/PPGoal.lean):
 * a group too long for one line as "h :" and its type on the next line indented 2,
 * broken further after infix operators (indented 4); grouped names, instances too;
 * shadowed names h✝; a case tag; let-values "x : T := v", "x : T :=\n  v", ":= ⋯". */
static const struct {
	const char *goal, *want, *what;
} layout_cases[] = {
	{ "x y : ℝ\n"
	  "h₀ :\n"
	  "  x ^ 2 + y ^ 2 + 2 * x * y + 3 * x + 3 * y + 100 * x * y * x * y + 1000 * x * y * x * y * x * y * x * y * x * y = 10\n"
	  "⊢ x + y = 1",
	  "theorem g (x y : ℝ) (h₀ : x ^ 2 + y ^ 2 + 2 * x * y + 3 * x + 3 * y + 100 * x * y * x * y + 1000 * x * y * x * y * x * y * x * y * x * y = 10) :\n"
	  "  x + y = 1 := by",
	  "a long hypothesis: \"h₀ :\" and its type on the next line" },
	{ "a b c : ℕ\n"
	  "h₁ :\n"
	  "  a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a +\n"
	  "      b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b =\n"
	  "    c\n"
	  "⊢ a ≤\n"
	  "    c",
	  "theorem g (a b c : ℕ) (h₁ : a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a * a +\n"
	  "      b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b =\n"
	  "    c) :\n"
	  "  a ≤\n    c := by",
	  "its type broken again after infix operators, indented further; a broken target" },
	{ "case h.right\n"
	  "p : ℕ\n"
	  "inst✝¹ inst✝ : Fact (1 < p)\n"
	  "h : p ∣ 6\n"
	  "h✝ : p = 2\n"
	  "⊢ p ≤ 6",
	  "theorem g (p : ℕ) [Fact (1 < p)] [Fact (1 < p)] (h : p ∣ 6) (h_1 : p = 2) :\n  p ≤ 6 := by",
	  "case tag; grouped instances, each its own binder; a shadowed h✝" },
	{ "α : Type u_1\n"
	  "inst✝ : Fintype α\n"
	  "h : Fintype.card α = @Fintype.card α inst✝\n"
	  "⊢ True",
	  "theorem g (α : Type u_1) [inst_1 : Fintype α] (h : Fintype.card α = @Fintype.card α inst_1) :\n  True := by",
	  "an instance named elsewhere keeps a name, still an instance binder" },
	{ "x : ℕ := 5\n"
	  "h : x > 2\n"
	  "⊢ x = 5",
	  "theorem g (x : ℕ) (x_def : x = 5 := by rfl) (h : x > 2) :\n  x = 5 := by",
	  "a let-value: the variable and its definition, an auto-param" },
	{ "n : ℕ\n"
	  "s : ℕ :=\n"
	  "  n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n + 1\n"
	  "⊢ 0 < s",
	  "theorem g (n : ℕ) (s : ℕ) (s_def : s = n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n + 1 := by rfl) :\n"
	  "  0 < s := by",
	  "a long let-value on its own line" },
	{ "f : ℕ → ℕ := ⋯\n"
	  "⊢ f 0 = f 0",
	  "theorem g (f : ℕ → ℕ) :\n  f 0 = f 0 := by",
	  "an elided let-value: the lemma is more general" },
	{ "x_def : ℕ\n"
	  "x : ℕ := x_def + 1\n"
	  "⊢ x = x_def + 1",
	  "theorem g (x_def : ℕ) (x : ℕ) (x_def_1 : x = x_def + 1 := by rfl) :\n  x = x_def + 1 := by",
	  "the definition's name avoids the goal's names" },
};

static void test_goal_layout(void)
{
	char *why = NULL, *l;
	for (size_t i = 0; i < CS_ARRAY_SIZE(layout_cases); i++) {
		struct lean_theorem th;
		l = lean_lemma_from_goal("g", layout_cases[i].goal, &why);
		is_str(l, layout_cases[i].want, "%s", layout_cases[i].what);
		if (!l)
			printf("#   refused: %s\n", why ? why : "?");
		ok(l && lean_parse_theorem(l, "g", &th, &why) == 0, "  and it parses as a theorem");
		if (l && !why)
			lean_theorem_release(&th);
		free(why);
		why = NULL;
		free(l);
	}
	ok(!lean_lemma_from_goal("g", "h :\n⊢ True", &why) && why && strstr(why, "no type"), "\"h :\" without a type refused");
	free(why);
	why = NULL;
	ok(!lean_lemma_from_goal("g", "h : ⟨1, ⋯⟩ = x\n⊢ True", &why) && why && strstr(why, "elided"),
	   "an elided proof outside a let-value refused");
	free(why);
	why = NULL;
	{
		/* the exact call leaves the auto-param to its default */
		const char *code = "theorem t (a : ℕ) : a + 0 = a := by\n  let x : ℕ := a\n  have h : x = a := by sorry\n  exact h ▸ rfl";
		const char *lemmas[1] = { "theorem t_h (a : ℕ) (x : ℕ) (x_def : x = a := by rfl) :\n  x = a := by\n  exact x_def" };
		struct lean_sketch sk;
		ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n >= 1, "let sketch");
		if (sk.n >= 1) {
			l = lean_recombine_fallback(code, &sk, lemmas, &why);
			ok(l && strstr(l, "exact t_h a x\n"), "exact call without the auto-param: %s", l ? l : why);
			free(l);
		}
		lean_sketch_release(&sk);
		free(why);
		why = NULL;
	}
}

static void test_goal_lemmas(void)
{
	const char *dirs[] = { "tests/fixtures/repl", "tests/fixtures/repl/Mathlib" };
	int n = 0, built = 0, refused = 0;
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;
		while (dir && (de = readdir(dir))) {
			char path[512], *text;
			const char *p;
			if (!strstr(de->d_name, ".expected.out"))
				continue;
			snprintf(path, sizeof path, "%s/%s", dirs[d], de->d_name);
			if (!(text = cs_read_file(path, NULL)))
				continue;
			for (p = text; *p;) {
				json_error_t err;
				json_t *o = json_loadb(p, strlen(p), JSON_DISABLE_EOF_CHECK, &err), *s;
				size_t i;
				if (!o)
					break;
				p += err.position;
				json_array_foreach(json_object_get(o, "sorries"), i, s) {
					const char *goal = json_string_value(json_object_get(s, "goal"));
					char *why = NULL, *lemma;
					struct lean_theorem th;
					if (!goal)
						continue;
					n++;
					lemma = lean_lemma_from_goal("g", goal, &why);
					if (!lemma) {
						refused++;
						printf("# refused %s: %s\n", de->d_name, why);
						ok(why != NULL, "refusal says why");
						free(why);
						continue;
					}
					if (lean_parse_theorem(lemma, "g", &th, &why) == 0) {
						const char *t = strstr(goal, "⊢ ");
						built += t && !strcmp(th.conclusion, t + 4) && !strstr(lemma, "✝");
						lean_theorem_release(&th);
					} else {
						printf("# %s: [%s] does not parse: %s\n", de->d_name, lemma, why);
						free(why);
					}
					free(lemma);
				}
				json_decref(o);
			}
			free(text);
		}
		if (dir)
			closedir(dir);
	}
	printf("# repl goals: %d, %d lemmas, %d refused\n", n, built, refused);
	ok(n > 40, "goal strings of the REPL fixtures");
	is_int(built + refused, n, "every real goal gives a lemma with its target, or a reason");
	ok(refused <= 3, "only elided goals refused (%d)", refused);

	char *why = NULL, *l;
	l = lean_lemma_from_goal("g", "case succ\nx : ℕ\na✝ : x = x\n⊢ x + 1 = x + 1", &why);
	is_str(l, "theorem g (x : ℕ) (a_1 : x = x) :\n  x + 1 = x + 1 := by", "case tag skipped, a✝ renamed");
	free(l);
	l = lean_lemma_from_goal("g", "x y : ℝ\nn✝¹ n✝ : ℕ\ninst✝ : Fact (1 < 2)\nh : n✝ < n✝¹ ∧\n    x = y\n⊢ ¬n✝ = x", &why);
	is_str(l, "theorem g (x y : ℝ) (n_1 n_2 : ℕ) [Fact (1 < 2)] (h : n_2 < n_1 ∧\n    x = y) :\n  ¬n_2 = x := by",
	       "shared type, inaccessible names everywhere, instance, continued type");
	free(l);
	l = lean_lemma_from_goal("g", "a_1 a✝ : ℕ\n⊢ a✝ = a_1", &why);
	is_str(l, "theorem g (a_1 a_2 : ℕ) :\n  a_2 = a_1 := by", "fresh names avoid existing ones");
	free(l);
	test_goal_layout();
	ok(!lean_lemma_from_goal("g", "⊢ 1 = 1\n\n⊢ 2 = 2", &why) && why, "several goals refused");
	free(why);
	why = NULL;
	ok(!lean_lemma_from_goal("g", "x : ℕ\n⊢ ?m.5 = x", &why) && why, "metavariable refused");
	free(why);
	{
		const char *lemmas[3] = { "theorem a (x : ℕ) :\n  x = x := by", NULL, "theorem c :\n  True := by\n" };
		struct lean_spot sp[3];
		unsigned char hit[3] = { 0, 0, 0 };
		l = lean_lemmas_command(lemmas, 3, sp);
		is_str(l, "theorem a (x : ℕ) :\n  x = x := by sorry\n\ntheorem c :\n  True := by sorry\n\n",
		       "lemma check: one command of `… := by sorry`");
		ok(sp[0].first_line == 1 && sp[0].last_line == 2 && !sp[1].first_line && sp[2].first_line == 4 &&
		   sp[2].last_line == 5, "each lemma's lines");
		ok(lean_spots_at(sp, 3, 5, hit) == 1 && hit[2] && !hit[0], "an error at line 5 is the third lemma's");
		free(l);
	}
}

/* Way 3: the lemma read from the text, per tactic kind; the last subgoal's forms. */
static const struct {
	const char *code;
	const char *want_b;   /* text_lemma_b, NULL: refused */
	const char *want;     /* a part of text_lemma_a (want_b) or of text_reason (refused) */
	int changed;          /* text_changed */
} text_cases[] = {
	/* intro on ∀ with a written type, several names sharing it, then a hypothesis */
	{ "theorem t : ∀ x y : ℝ, x < y → x ≤ y := by\n  intro x y h\n  have h2 : x ≤ y := by sorry\n  exact h2",
	  "theorem t_h2 (x : ℝ) (y : ℝ) (h : x < y) :\n  x ≤ y := by", "t_h2 (x : ℝ) (y : ℝ) (h : x < y) :", 0 },
	/* ∀ x ∈ s: the type is not written, Lean infers it from x ∈ s */
	{ "theorem t (s : Finset ℕ) : ∀ x ∈ s, x ≥ 0 := by\n  intro x hx\n  have h : x ≥ 0 := by sorry\n  exact h",
	  "theorem t_h (s : Finset ℕ) (x) (hx : x ∈ s) :\n  x ≥ 0 := by", "(x) (hx : x ∈ s)", 0 },
	/* A → B */
	{ "theorem t (p q : Prop) (hq : q) : p → q := by\n  intro hp\n  have h : q := by sorry\n  exact h",
	  "theorem t_h (p q : Prop) (hq : q) (hp : p) :\n  q := by", NULL, 0 },
	/* a bound name renamed, the closing sorry states the goal left */
	{ "theorem t : ∀ n : ℕ, n + 0 = n := by\n  intro m\n  sorry",
	  "theorem t_final (m : ℕ) :\n  m + 0 = m := by", NULL, 0 },
	/* intros on arrows: anonymous hypotheses */
	{ "theorem t (p q : Prop) : p → q → p := by\n  intros\n  sorry", "theorem t_final (p q : Prop) (_ : p) (_ : q) :\n  p := by", NULL, 0 },
	/* ¬ and ≠ */
	{ "theorem t (b : ℝ) : 1 - b ≠ 0 := by\n  intro h\n  have : b = 1 := by sorry\n  sorry",
	  "theorem t_final (b : ℝ) (h : 1 - b = 0) (this : b = 1) :\n  False := by", "(h : 1 - b = 0) :", 0 },
	/* by_contra: ¬goal, the goal is False */
	{ "theorem t (x : ℝ) (h₀ : x > 0) : x ≥ 0 := by\n  by_contra h\n  have h1 : x < 0 := by sorry\n  sorry",
	  "theorem t_final (x : ℝ) (h₀ : x > 0) (h : ¬(x ≥ 0)) (h1 : x < 0) :\n  False := by", NULL, 0 },
	/* by_contra on ¬q introduces q */
	{ "theorem t (x : ℝ) : ¬ (x = x + 1) := by\n  by_contra h\n  have h1 : (0 : ℝ) = 1 := by sorry\n  norm_num at h1",
	  "theorem t_h1 (x : ℝ) (h : x = x + 1) :\n  (0 : ℝ) = 1 := by", NULL, 0 },
	/* by_contra h : T, unnamed by_contra is `this` */
	{ "theorem t (x : ℝ) : x ≥ 0 := by\n  by_contra h : x < 0\n  have h1 : x < 0 := by sorry\n  linarith",
	  "theorem t_h1 (x : ℝ) (h : x < 0) :\n  x < 0 := by", NULL, 0 },
	{ "theorem t (x : ℝ) : x ≥ 0 := by\n  by_contra\n  have h1 : x < 0 := by sorry\n  linarith",
	  "theorem t_h1 (x : ℝ) (this : ¬(x ≥ 0)) :\n  x < 0 := by", NULL, 0 },
	/* by_contra! is by_contra then push_neg at h: kept as written, changed in place */
	{ "theorem t (x : ℝ) : x ≥ 0 := by\n  by_contra! h\n  have h1 : x < 0 := by sorry\n  linarith",
	  "theorem t_h1 (x : ℝ) (h : ¬(x ≥ 0)) :\n  x < 0 := by", NULL, 1 },
	/* obtain on ∃ with a written type, and on ∧ */
	{ "theorem t (h : ∃ x : ℕ, x > 0 ∧ x < 5) : True := by\n  obtain ⟨y, hy, hy'⟩ := h\n  have h1 : y < 6 := by sorry\n  trivial",
	  "theorem t_h1 (h : ∃ x : ℕ, x > 0 ∧ x < 5) (y : ℕ) (hy : y > 0) (hy' : y < 5) :\n  y < 6 := by", NULL, 0 },
	/* rcases of a projection; cases' one level */
	{ "theorem t (n : ℕ) (h₀ : 0 < n ∧ ∃ k : ℕ, n = 2 * k) : True := by\n  rcases h₀.2 with ⟨k, hk⟩\n  have h1 : n % 2 = 0 := by sorry\n  trivial",
	  "theorem t_h1 (n : ℕ) (h₀ : 0 < n ∧ ∃ k : ℕ, n = 2 * k) (k : ℕ) (hk : n = 2 * k) :\n  n % 2 = 0 := by", NULL, 0 },
	{ "theorem t (p q r : Prop) (h : p ∧ q ∧ r) : q := by\n  cases' h with hp hqr\n  have h1 : q := by sorry\n  exact h1",
	  "theorem t_h1 (p q r : Prop) (h : p ∧ q ∧ r) (hp : p) (hqr : q ∧ r) :\n  q := by", NULL, 0 },
	/* obtain with a stated type: the obtain is a subgoal, its names enter after it */
	{ "theorem t (x : ℝ) : x = x := by\n  obtain ⟨y, hy⟩ : ∃ y : ℝ, y = x := by sorry\n  have h : y = x := by sorry\n  rfl",
	  "theorem t_h (x : ℝ) (y : ℝ) (hy : y = x) :\n  y = x := by", NULL, 0 },
	/* have h := e of an application: a premise, form (b) only */
	{ "theorem t (u : ℕ → ℝ) (h₀ : ∀ k, u k = 2 * k) : u 1 = 2 := by\n  have h₁ := h₀ 1\n  have h₂ : u 1 = 2 * 1 := by sorry\n  simpa using h₂",
	  "theorem t_h₂ (u : ℕ → ℝ) (h₀ : ∀ k, u k = 2 * k) (h₁ : u 1 = 2 * 1) :\n  u 1 = 2 * 1 := by", "t_h₂ (u : ℕ → ℝ) (h₀ : ∀ k, u k = 2 * k) :\n", 0 },
	/* specialize: the instance as a premise h */
	{ "theorem t (f : ℕ → ℕ) (h : ∀ n, f n = n) : f 2 = 2 := by\n  specialize h 2\n  have h2 : f 2 = 2 := by sorry\n  exact h2",
	  "theorem t_h2 (f : ℕ → ℕ) (h : ∀ n, f n = n) (h : f 2 = 2) :\n  f 2 = 2 := by", NULL, 0 },
	/* set with a type and `with` */
	{ "theorem t (a b : ℝ) : a + b = b + a := by\n  set x : ℝ := a + b with hx\n  have h : x = b + a := by sorry\n  linarith",
	  "theorem t_h (a b : ℝ) (x : ℝ) (hx : x = a + b) :\n  x = b + a := by", NULL, 0 },
	/* in-place changes keep hypotheses as written */
	{ "theorem t (x : ℝ) (h₀ : x + 0 = 1) : x = 1 := by\n  rw [add_zero] at h₀\n  norm_num at h₀\n  have h : x = 1 := by sorry\n  exact h",
	  "theorem t_h (x : ℝ) (h₀ : x + 0 = 1) :\n  x = 1 := by", NULL, 2 },
	/* a term in a rewriting tactic binds nothing */
	{ "theorem t (u : ℕ → ℝ) : True := by\n  rw [show (fun n ↦ u n) = u by rfl]\n  have h : u = u := by sorry\n  trivial",
	  "theorem t_h (u : ℕ → ℝ) :\n  u = u := by", NULL, 0 },
	/* refused: the text cannot say */
	{ "theorem t (x : ℝ) (h₀ : 0 < x) : x ≥ 0 := by\n  simp at h₀ ⊢\n  sorry", NULL, "`simp` at line 2: the text does not say what goal it leaves", 0 },
	{ "theorem t (f : ℕ → ℕ) : Function.Injective f := by\n  apply foo\n  intro x\n  have h : x = x := by sorry\n  sorry",
	  NULL, "`intro` at line 3: the text no longer states the goal", 0 },
	{ "theorem t (n : ℕ) : n = n := by\n  induction n with\n  | zero => rfl\n  | succ k ih =>\n    have h : k = k := by sorry\n    rfl",
	  NULL, "`induction` at line 2", 0 },
	{ "theorem t (n : ℕ) : n = n := by\n  cases n\n  have h : n = n := by sorry\n  rfl", NULL, "`cases` at line 2", 0 },
	{ "theorem t (a b : ℝ) : a = a := by\n  set x := a + b with hx\n  have h : x = x := by sorry\n  rfl", NULL, "`set` at line 2: the type of the name it binds is not written", 0 },
	{ "theorem t (p q : Prop) (h : p ∨ q) : True := by\n  rcases h with hp | hq\n  have h1 : True := by sorry\n  trivial", NULL, "`rcases` at line 2", 0 },
	{ "theorem t (h : ∃ x : ℕ, x > 0) : True := by\n  simp at h\n  obtain ⟨x, hx⟩ := h\n  have h1 : x > 0 := by sorry\n  trivial",
	  NULL, "`obtain` at line 3: it takes apart a hypothesis changed in place", 0 },
	{ "theorem t (x : ℝ) : x = x := by\n  have h := foo x\n  have h2 : x = x := by sorry\n  rfl", NULL, "`have` at line 2: the text does not say what `foo x` proves", 0 },
	{ "theorem t (x : ℕ) (h : x < 3) : x < 5 := by\n  interval_cases x\n  have h1 : True := by sorry\n  all_goals omega", NULL, "`interval_cases` at line 2", 0 },
	{ "theorem t (x : ℝ) : x ≥ 0 := by\n  by_contra! ⟨h1, h2⟩\n  have h3 : x < 0 := by sorry\n  linarith", NULL, "`by_contra!` at line 2", 0 },
	{ "theorem t (x : ℝ) : x = x := by\n  constructor <;> intro h\n  have h2 : x = x := by sorry", NULL, "`constructor` at line 2", 0 },
};

static void test_text_lemmas(void)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(text_cases); i++) {
		struct lean_sketch sk;
		const struct lean_subgoal *g;
		char *why = NULL;
		if (lean_sketch_analyze(text_cases[i].code, "t", &sk, &why) || !sk.n) {
			ok(0, "text case %zu analyzes: %s", i, why ? why : "no subgoal");
			free(why);
			continue;
		}
		g = &sk.goals[sk.n - 1];
		if (text_cases[i].want_b) {
			is_str(g->text_lemma_b, text_cases[i].want_b, "text case %zu: way 3's form (b)", i);
			ok(!g->text_reason, "text case %zu: no reason (%s)", i, g->text_reason ? g->text_reason : "");
			if (text_cases[i].want)
				ok(g->text_lemma_a && strstr(g->text_lemma_a, text_cases[i].want), "text case %zu: form (a) %s", i,
				   g->text_lemma_a ? g->text_lemma_a : "(null)");
			is_int(g->text_changed, text_cases[i].changed, "text case %zu: hypotheses changed in place", i);
		} else {
			ok(!g->text_lemma_a && !g->text_lemma_b, "text case %zu: refused", i);
			ok(g->text_reason && strstr(g->text_reason, text_cases[i].want), "text case %zu: %s", i,
			   g->text_reason ? g->text_reason : "(no reason)");
		}
		lean_sketch_release(&sk);
	}
}

/* Steps inside a wrapper have: premises are the theorem's binders and every
 * earlier have in scope, outer first; the wrapper is not a subgoal. */
static void test_wrapper(void)
{
	const char *code =
		"theorem t (x : ℝ) (h₀ : x = 1) : x + 1 = 2 := by\n"
		"  have h1 : 0 < 1 := by sorry\n"
		"  have h_main : x + 1 = 2 := by\n"
		"    have a : x = 1 := by sorry\n"
		"    have b : x + 1 = 1 + 1 := by\n"
		"      sorry\n"
		"    linarith\n"
		"  exact h_main";
	struct lean_sketch sk;
	char *why = NULL, *w, *k1, *k2;
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 3, "wrapper sketch: three sorries, three subgoals");
	if (sk.n == 3) {
		is_str(sk.goals[1].have_name, "a", "the wrapper is no subgoal: its first step is");
		is_str(sk.goals[2].lemma_b, "theorem t_b (x : ℝ) (h₀ : x = 1) (h1 : 0 < 1) (a : x = 1) :\n  x + 1 = 1 + 1 := by",
		       "inner step: theorem binders, the outer have, then the inner one");
		is_str(sk.goals[2].lemma_a, "theorem t_b (x : ℝ) (h₀ : x = 1) :\n  x + 1 = 1 + 1 := by", "form (a): binders only");
		is_int(sk.goals[2].depth, 1, "inner depth");
		ok(!sk.goals[1].needs_goal_state && !sk.goals[2].needs_goal_state, "faithful");
		is_str(sk.goals[2].text_lemma_b, sk.goals[2].lemma_b, "way 3 equals way 1 when nothing changed the context");
		w = lean_subgoal_where(&sk.goals[2]);
		is_str(w, "`have b` at line 5", "where: the have's keyword line");
		free(w);
	}
	lean_sketch_release(&sk);
	/* a subgoal identical to the problem: the caller compares keys and names the step */
	code = "theorem t (x : ℝ) : x = x := by\n  have h : x = x := by sorry\n  exact h";
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 1, "restating sketch");
	if (sk.n == 1) {
		k1 = lean_decl_key(sk.goals[0].lemma_b);
		k2 = lean_decl_key("theorem t (x : ℝ) : x = x := by");
		is_str(k1, k2, "its lemma states the problem (decl keys equal)");
		w = lean_subgoal_where(&sk.goals[0]);
		is_str(w, "`have h` at line 2", "and the step is named");
		free(w);
		free(k1);
		free(k2);
	}
	lean_sketch_release(&sk);
	code = "theorem t (x : ℝ) : x = x := by\n  obtain ⟨y, hy⟩ : ∃ y, y = x := by sorry\n  sorry";
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 2, "obtain sketch");
	if (sk.n == 2) {
		w = lean_subgoal_where(&sk.goals[0]);
		is_str(w, "`obtain ⟨y, hy⟩` at line 2", "where: obtain");
		free(w);
		w = lean_subgoal_where(&sk.goals[1]);
		is_str(w, "the final `sorry` at line 3", "where: final");
		free(w);
		/* ∃ y untyped: y's binder is written as in the text */
		is_str(sk.goals[1].text_lemma_b, "theorem t_final (x : ℝ) (y) (hy : y = x) :\n  x = x := by", "final after obtain, way 3");
	}
	lean_sketch_release(&sk);
}

/* Per subgoal: splice some, close others by their lemma; where each went. */
static void test_mixed(void)
{
	const char *code = "open Real\n\n/-- doc -/\n"
			   "theorem t (x : ℝ) (h₀ : x = 1) : x + 1 = 2 := by\n"
			   "  have h₁ : x = 1 := by sorry\n"
			   "  have h₂ : x + 1 = 2 := by\n"
			   "    sorry\n"
			   "  exact h₂";
	const char *proofs[2] = { "exact h₀", "rw [h₁]\nnorm_num" };
	const char *lemmas[2] = { "theorem t_h₁ (x : ℝ) (h₀ : x = 1) :\n  x = 1 := by\n  exact h₀\n",
				  "theorem t_h₂ (x : ℝ) (h₀ : x = 1) (h₁ : x = 1) :\n  x + 1 = 2 := by\n  norm_num [h₁]" };
	unsigned char none[2] = { 0, 0 }, first[2] = { 1, 0 }, both[2] = { 1, 1 };
	struct lean_spot sp[2];
	struct lean_sketch sk;
	char *why = NULL, *r;
	ok(lean_sketch_analyze(code, "t", &sk, &why) == 0 && sk.n == 2, "mixed: sketch");
	if (sk.n != 2)
		return;
	r = lean_recombine_mixed(code, &sk, proofs, lemmas, none, sp, &why);
	is_str(r, "open Real\n\n/-- doc -/\ntheorem t (x : ℝ) (h₀ : x = 1) : x + 1 = 2 := by\n"
		  "  have h₁ : x = 1 := by exact h₀\n  have h₂ : x + 1 = 2 := by\n    rw [h₁]\n    norm_num\n  exact h₂",
	       "nothing by lemma: the splice");
	ok(sp[0].first_line == 5 && sp[0].last_line == 5 && !sp[0].lemma_first, "inline proof: its line (%d-%d)",
	   sp[0].first_line, sp[0].last_line);
	ok(sp[1].first_line == 6 && sp[1].last_line == 8, "block proof: from the `by` line to its last (%d-%d)",
	   sp[1].first_line, sp[1].last_line);
	{
		char *plain = lean_recombine(code, &sk, proofs, &why);
		is_str(plain, r, "lean_recombine is the mixed form with no lemma");
		free(plain);
	}
	free(r);
	r = lean_recombine_mixed(code, &sk, proofs, lemmas, first, sp, &why);
	is_str(r, "open Real\n\ntheorem t_h₁ (x : ℝ) (h₀ : x = 1) :\n  x = 1 := by\n  exact h₀\n\n/-- doc -/\n"
		  "theorem t (x : ℝ) (h₀ : x = 1) : x + 1 = 2 := by\n"
		  "  have h₁ : x = 1 := by exact t_h₁ x h₀\n  have h₂ : x + 1 = 2 := by\n    rw [h₁]\n    norm_num\n  exact h₂",
	       "first by its lemma (before the docstring), second spliced");
	ok(sp[0].lemma_first == 3 && sp[0].lemma_last == 5, "the lemma's lines (%d-%d)", sp[0].lemma_first, sp[0].lemma_last);
	ok(sp[0].first_line == 9 && sp[0].last_line == 9, "its exact call, shifted by the lemma (%d-%d)", sp[0].first_line,
	   sp[0].last_line);
	ok(sp[1].first_line == 10 && sp[1].last_line == 12 && !sp[1].lemma_first, "the splice after it shifted too (%d-%d)",
	   sp[1].first_line, sp[1].last_line);
	{
		static const struct { int line; size_t n; unsigned char hit0, hit1; const char *what; } at[] = {
			{ 11, 1, 0, 1, "an error at line 11 is the second spot's" },
			{ 4, 1, 1, 0, "an error in the lemma is the first's" },
			{ 9, 1, 1, 0, "and at its exact call" },
			{ 13, 0, 0, 0, "the sketch's own `exact h₂` is no spot" },
			{ 1, 0, 0, 0, "nor the header" },
		};
		for (size_t k = 0; k < CS_ARRAY_SIZE(at); k++) {
			unsigned char hit[2] = { 0, 0 };
			size_t n = lean_spots_at(sp, 2, at[k].line, hit);
			ok(n == at[k].n && hit[0] == at[k].hit0 && hit[1] == at[k].hit1, "%s", at[k].what);
		}
	}
	free(r);
	r = lean_recombine_mixed(code, &sk, proofs, lemmas, both, sp, &why);
	{
		char *fb = lean_recombine_fallback(code, &sk, lemmas, &why);
		is_str(r, fb, "every one by lemma: the fallback form");
		ok(r && strstr(r, "  have h₂ : x + 1 = 2 := by\n    exact t_h₂ x h₀ h₁\n"), "exact call in a block");
		ok(sp[1].lemma_first == 7 && sp[1].lemma_last == 9 && sp[1].first_line == 14 && sp[1].last_line == 15, "spots of the fallback (%d, %d-%d)",
		   sp[1].lemma_first, sp[1].first_line, sp[1].last_line);
		free(fb);
	}
	free(r);
	lemmas[1] = NULL;
	r = lean_recombine_mixed(code, &sk, proofs, lemmas, both, sp, &why);
	ok(r && strstr(r, "    sorry\n") && sp[1].first_line == 0, "by lemma without one: the sorry stays, no spot");
	free(r);
	lean_sketch_release(&sk);
}

static const char *ctx_lookup(void *ctx, const char *name, size_t len, int *stale)
{
	const char *const *kv = ctx;
	*stale = 0;
	for (; *kv; kv += 2)
		if (strlen(*kv) == len && !memcmp(*kv, name, len))
			return kv[1];
	return NULL;
}

/* lean_context on its own: types read at their top only. */
static void test_context(void)
{
	const char *kv[] = { "h₀", "0 < a ∧ 0 < b ∧ 0 < c", "h₂", "∀ n, a (n + 2) = a n + 1", "hi", "p ↔ q ∧ r",
			     "hf", "∀ x > 0, ∀ y : ℝ, f x y = 1", "hq", "∀ {x : ℕ}, x = x", NULL };
	struct lean_locals l = { 0 };
	char *why = NULL, *r, *rest;
	int stale = 0;
	static const struct { const char *term, *type; } infer[] = {
		{ "h₀.2.1", "0 < b" }, { "h₀.right.right", "0 < c" }, { "h₂ 1", "a (1 + 2) = a 1 + 1" },
		{ "h₂ (k + 1)", "a ((k + 1) + 2) = a (k + 1) + 1" }, { "hi.mp", "p → q ∧ r" }, { "hi.2", "q ∧ r → p" },
		{ "hf 2 two_pos 3", "f 2 3 = 1" }, { "(h₂ 0)", "a (0 + 2) = a 0 + 1" },
		{ "Finset.mem_Icc.mp hn", NULL }, { "h₀.le", NULL }, { "hq 1", NULL }, { "h₂ _", NULL }, { "h₀ ▸ h₂", NULL },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(infer); i++) {
		r = lean_ctx_infer(infer[i].term, ctx_lookup, (void *)kv, &stale, &why);
		if (infer[i].type)
			is_str(r, infer[i].type, "infer %s", infer[i].term);
		else
			ok(!r && why && *why, "infer %s refused: %s", infer[i].term, why ? why : "");
		free(r);
		free(why);
		why = NULL;
	}
	ok(lean_ctx_destruct("∃ x > 0, P x ∧ Q", "⟨x, hx, hp, hq⟩", &l, &why) == 0 && l.n == 4 && !l.v[0].type &&
	   !strcmp(l.v[1].type, "x > 0") && !strcmp(l.v[2].type, "P x") && !strcmp(l.v[3].type, "Q"),
	   "∃ with a binder predicate, then ∧");
	lean_locals_release(&l);
	ok(lean_ctx_destruct("∃ (m : ℕ) (k : ℤ), m = k", "⟨m, hm⟩", &l, &why) == 0 && l.n == 2 &&
	   !strcmp(l.v[1].type, "∃ (k : ℤ), m = k"), "fewer patterns than binders: the rest as one");
	lean_locals_release(&l);
	ok(lean_ctx_destruct("A ↔ B", "⟨h1, h2⟩", &l, &why) == 0 && l.n == 2 && !strcmp(l.v[0].type, "A → B") &&
	   !strcmp(l.v[1].type, "B → A"), "↔ into its two directions");
	lean_locals_release(&l);
	ok(lean_ctx_destruct("∃ x : ℕ, x = 1", "⟨y, (hy : y = 1)⟩", &l, &why) == 0 && l.n == 2 && !strcmp(l.v[1].type, "y = 1"),
	   "a typed pattern names the type");
	lean_locals_release(&l);
	ok(lean_ctx_destruct("A ∨ B", "⟨h1, h2⟩", &l, &why) == -1 && why, "∨ is not taken apart: %s", why ? why : "");
	lean_locals_release(&l);
	free(why);
	why = NULL;
	ok(lean_ctx_destruct("∃ k, n = 2 * k", "⟨k, rfl⟩", &l, &why) == -1 && why, "rfl refused: %s", why ? why : "");
	lean_locals_release(&l);
	free(why);
	why = NULL;
	ok(lean_ctx_intro("∀ x, ∃ y, y > x", (const char *const[]){ "y" }, 1, 0, &l, &rest, &why) == -1 &&
	   why && strstr(why, "capture"), "renaming x to y would be captured by ∃ y: %s", why ? why : "");
	lean_locals_release(&l);
	free(why);
	why = NULL;
	ok(lean_ctx_intro("P x", NULL, 0, 0, &l, &rest, &why) == -1 && why, "intro on a goal not written ∀/→: %s", why ? why : "");
	lean_locals_release(&l);
	free(why);
	why = NULL;
	ok(lean_ctx_intro("A ↔ B → C", NULL, 0, 0, &l, &rest, &why) == -1, "↔ binds looser than →: no intro");
	lean_locals_release(&l);
	free(why);
	why = NULL;
	ok(lean_ctx_intro("∀ x > 0, A ↔ B", (const char *const[]){ "x", "hx" }, 2, 0, &l, &rest, &why) == 0 &&
	   !strcmp(rest, "A ↔ B"), "a binder predicate's body keeps its ↔");
	free(rest);
	lean_locals_release(&l);
	r = lean_ctx_subst("x.den + f x = x", "x", "k + 1", &why);
	is_str(r, "(k + 1).den + f (k + 1) = (k + 1)", "subst: fields and applications");
	free(r);
	r = lean_ctx_negate("¬(a = b)");
	is_str(r, "a = b", "negate ¬q: q");
	free(r);
	r = lean_ctx_negate("a ≤ b");
	is_str(r, "¬(a ≤ b)", "negate: ¬(goal)");
	free(r);
}

static void test_bounds(void)
{
	struct sbuf sb = SBUF_INIT;
	struct lean_sketch sk;
	char *why = NULL;
	clock_t c0 = clock();
	sbuf_adds(&sb, "theorem t (x : ℕ) : x = x := by\n");
	for (int i = 0; i < 100000; i++)
		sbuf_addf(&sb, "  have h%d : x + %d = x + %d := by rfl\n", i, i, i);
	sbuf_adds(&sb, "  sorry\n");
	ok(lean_sketch_analyze(sbuf_str(&sb), "t", &sk, &why) == 0 && sk.n == 1, "100000 haves (%s)", why ? why : "");
	ok(sk.n == 1 && strstr(sk.goals[0].lemma_b, "(h99999 : x + 99999 = x + 99999) :"), "final sees them all");
	lean_sketch_release(&sk);
	sbuf_reset(&sb);
	sbuf_adds(&sb, "theorem t (x : ℕ) : x = x := by\n");
	for (int i = 0; i < 100000; i++)
		sbuf_addf(&sb, "  have h%d : x = x := by sorry\n", i);
	ok(lean_sketch_analyze(sbuf_str(&sb), "t", &sk, &why) == -1 && why && strstr(why, "more than"),
	   "100000 sorries refused: %s", why ? why : "");
	free(why);
	why = NULL;
	sbuf_reset(&sb);
	sbuf_adds(&sb, "theorem t (x : ℕ) : x = x := by\n");
	for (int i = 0; i < 10000; i++)
		sbuf_addf(&sb, "%*shave h%d : x = x := by\n", 2 + i, "", i);
	sbuf_addf(&sb, "%*ssorry\n", 2 + 10000, "");
	ok(lean_sketch_analyze(sbuf_str(&sb), "t", &sk, &why) == 0 && sk.n == 1, "nesting 10000 deep (%s)", why ? why : "");
	ok(sk.n == 1 && sk.goals[0].depth == 9999 && !strcmp(sk.goals[0].have_name, "h9999"), "deepest have");
	lean_sketch_release(&sk);
	sbuf_release(&sb);
	ok((double)(clock() - c0) / CLOCKS_PER_SEC < 10, "bounded time");
}

int main(void)
{
	test_shapes();
	test_goal_states();
	test_obtain_suffices();
	test_text_forms();
	test_goal_lemmas();
	test_context();
	test_text_lemmas();
	test_wrapper();
	test_mixed();
	test_bounds();
	test_dsp2_roundtrip();
	return done_testing();
}
