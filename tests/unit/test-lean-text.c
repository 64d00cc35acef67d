/* test-lean-text: theorem parsing, code extraction, statement fidelity, forbidden
 * constructs, normalization and proof bodies (lean_io/lean_text.h), on hand-made
 * cases, on the real DeepSeek-Prover-V2 proofs of tests/fixtures/dsp2 and the real
 * miniF2F statements of data/minif2f.jsonl. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cs.h"
#include "lean_text.h"
#include "tap.h"

#define DSP2 "tests/fixtures/dsp2"
#define MINIF2F "data/minif2f.jsonl"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&sb, buf, n);
	fclose(f);
	return sbuf_detach(&sb);
}

/* Substring of src at [a, b). */
static char *sub(const char *src, size_t a, size_t b)
{
	return b >= a ? xstrndup(src + a, b - a) : xstrdup("(negative range)");
}

static void parse_cases(void)
{
	struct lean_theorem t;
	char *why = NULL, *s;
	const char *src =
		"import Mathlib\n"
		"open Real\n\n"
		"/-- helper -/\n"
		"@[simp] private lemma helper (a : ℕ) : a + 0 = a := by simp\n\n"
		"-- main\n"
		"theorem mathd_algebra_10 (h : (1 : ℝ) ≠ 0) {f : ℕ → ℕ} [inst : Fact (1 < 2)]\n"
		"    (h' : ∀ x, f x = ⟨x, 0⟩.1) :\n"
		"  abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10 := by\n"
		"  norm_num [abs_of_nonneg]\n"
		"  -- trailing comment inside\n"
		"\n"
		"-- between\n"
		"theorem other : True :=\n"
		"  by\n"
		"    trivial\n";

	ok(lean_parse_theorem(src, "mathd_algebra_10", &t, &why) == 0, "finds mathd_algebra_10");
	is_str(t.keyword, "theorem", "keyword");
	is_str(t.name, "mathd_algebra_10", "name");
	is_str(t.binders, "(h : (1 : ℝ) ≠ 0) {f : ℕ → ℕ} [inst : Fact (1 < 2)]\n    (h' : ∀ x, f x = ⟨x, 0⟩.1)",
	       "binders verbatim, colons inside brackets skipped");
	is_str(t.conclusion, "abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10", "conclusion verbatim");
	s = sub(src, t.decl_start, t.decl_start + 16);
	is_str(s, "theorem mathd_al", "decl_start at the keyword (a line comment is no docstring)");
	free(s);
	s = sub(src, t.by_end - 5, t.by_end);
	is_str(s, ":= by", "by_end after := by");
	free(s);
	s = sub(src, t.by_end, t.end);
	is_str(s, "\n  norm_num [abs_of_nonneg]\n  -- trailing comment inside", "end: proof up to the next command");
	free(s);
	lean_theorem_release(&t);

	ok(lean_parse_theorem(src, "helper", &t, &why) == 0 && !strcmp(t.keyword, "lemma"), "finds a lemma");
	s = sub(src, t.decl_start, t.decl_start + 13);
	is_str(s, "/-- helper -/", "decl_start includes docstring and attributes");
	free(s);
	is_str(t.binders, "(a : ℕ)", "lemma binders");
	s = sub(src, t.by_end, t.end);
	is_str(s, " simp", "same-line proof");
	free(s);
	lean_theorem_release(&t);

	ok(lean_parse_theorem(src, NULL, &t, &why) == 0, "NULL name: the last theorem");
	is_str(t.name, "other", "last theorem is `other`");
	is_str(t.binders, "", "no binders");
	is_str(t.conclusion, "True", "conclusion");
	s = sub(src, t.by_end, t.end);
	is_str(s, "\n    trivial", ":=\\n  by handled");
	free(s);
	ok(t.end == strlen(src) - 1, "end before the final newline at EOF");
	lean_theorem_release(&t);

	ok(lean_parse_theorem(src, "missing", &t, &why) == -1 && why && strstr(why, "missing"),
	   "a missing name fails: %s", why ? why : "");
	free(why);
	why = NULL;
	ok(lean_parse_theorem("theorem t : True := trivial", NULL, &t, &why) == -1 && why &&
	   strstr(why, "tactic block"), "a term proof is no `:= by`: %s", why ? why : "");
	free(why);
	why = NULL;
	ok(lean_parse_theorem("theorem t (x : Nat) := by simp", NULL, &t, &why) == -1 && why,
	   "no colon at depth 0: %s", why ? why : "");
	free(why);
	why = NULL;
	ok(lean_parse_theorem("/- theorem t : True := by trivial -/ -- theorem u : True := by\n"
			      "def s := \"theorem v : True := by\"", NULL, &t, &why) == -1,
	   "theorems in comments and strings are not theorems");
	free(why);
	why = NULL;
	ok(lean_parse_theorem("theorem t : True := by\n  /- unterminated", NULL, &t, &why) == -1 && why,
	   "unterminated comment fails: %s", why ? why : "");
	free(why);
	why = NULL;

	{
		const char *crlf = "theorem t (a : ℕ) :\r\n  a = a := by\r\n  rfl\r\n\r\ndef x := 1\r\n";
		ok(lean_parse_theorem(crlf, "t", &t, &why) == 0, "CRLF source parses");
		is_str(t.conclusion, "a = a", "CRLF conclusion trimmed");
		s = sub(crlf, t.by_end, t.end);
		is_str(s, "\r\n  rfl", "CRLF proof ends before the def");
		free(s);
		lean_theorem_release(&t);
	}
	{
		const char *p = "theorem t : 1 = 1 := by\n  have h : 2 = 2 := by\n    rfl\n  rfl\n#eval 1\n";
		ok(lean_parse_theorem(p, NULL, &t, &why) == 0, "parses before #eval");
		s = sub(p, t.by_end, t.end);
		is_str(s, "\n  have h : 2 = 2 := by\n    rfl\n  rfl", "a # command at column 0 ends the proof");
		free(s);
		lean_theorem_release(&t);
	}
}

/* Every real DeepSeek-Prover-V2 proof parses; returns how many. */
static void dsp2_parse(void)
{
	DIR *d = opendir(DSP2);
	struct dirent *e;
	int files = 0, good = 0;
	ok(d != NULL, "%s readable", DSP2);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path, *src, *name, *why = NULL;
		struct lean_theorem t;
		if (n < 6 || strcmp(e->d_name + n - 5, ".lean"))
			continue;
		files++;
		path = xasprintf("%s/%s", DSP2, e->d_name);
		src = slurp(path);
		name = xstrndup(e->d_name, n - 5);
		if (src && lean_parse_theorem(src, name, &t, &why) == 0) {
			if (t.end <= strlen(src) && t.by_end <= t.end && t.decl_start < t.by_end &&
			    *t.conclusion && strcmp(t.name, name) == 0)
				good++;
			else
				printf("# %s: odd ranges\n", path);
			lean_theorem_release(&t);
		} else {
			printf("# %s: %s\n", path, why ? why : "unreadable");
		}
		free(why);
		free(name);
		free(src);
		free(path);
	}
	if (d)
		closedir(d);
	ok(files > 200 && good == files, "all %d dsp2 proofs parse (%d good)", files, good);
}

int main(void)
{
	parse_cases();
	dsp2_parse();
	return done_testing();
}
