/* test-lean-input: datasets' theorems split and normalised (lean_text/lean_input.h):
 * each published proof form, headers, doc comments, the refusals and the lines
 * they name, informal text as a doc comment; then every real miniF2F statement of
 * data/minif2f.jsonl, which must come out as it went in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cs.h"
#include "lean_input.h"
#include "tap.h"

#define MINIF2F "data/minif2f.jsonl"

static void forms(void)
{
	static const char *const proofs[] = {
		":= by", ":= by sorry", ":=  by sorry", ":= by\n  sorry", ":= sorry", ":=\nsorry", ":=",
		":= by -- sorry is a comment here\n  sorry", ":= /- := by sorry -/ by\n  sorry\n\n",
		":= by\n  sorry\n-- trailing comment\n",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(proofs); i++) {
		struct lean_input in;
		char *why, *text = xasprintf("theorem t (h : s = \"sorry := by\") :\n  P s %s", proofs[i]);
		int rc = lean_input_parse(text, &in, &why);
		is_int(rc, 0, "form %zu parses (%s)", i, why ? why : "");
		is_str(in.statement, "theorem t (h : s = \"sorry := by\") :\n  P s := by\n", "form %zu: `:= by` form", i);
		is_str(in.name, "t", "form %zu: name", i);
		is_str(in.header, "", "form %zu: no header", i);
		lean_input_release(&in);
		free(why);
		free(text);
	}
}

static void parts(void)
{
	struct lean_input in;
	char *why;
	const char *file =
		"import Mathlib\nopen BigOperators\n\n-- a note\n/--\nThe doc.\n-/\n"
		"@[simp] theorem p (x : ℕ)\n: x = x :=\nsorry\n";
	ok(!lean_input_parse(file, &in, &why), "a PutnamBench-shaped file parses");
	is_str(in.header, "import Mathlib\nopen BigOperators\n\n-- a note\n", "header: up to the doc comment");
	is_int(in.header_imports, 1, "the header imports");
	is_str(in.doc, "/--\nThe doc.\n-/", "the doc comment");
	is_str(in.statement, "@[simp] theorem p (x : ℕ)\n: x = x := by\n", "statement from the attribute on");
	is_str(in.decl, "@[simp] theorem p (x : ℕ)\n: x = x :=\nsorry", "the declaration as given");
	is_int(in.line, 8, "line of the keyword");
	lean_input_release(&in);

	ok(!lean_input_parse("open Real\n\ntheorem q : True := by", &in, &why), "a header without imports");
	is_int(in.header_imports, 0, "no import seen");
	is_str(in.header, "open Real\n\n", "its header");
	lean_input_release(&in);
}

static void refusal(const char *text, enum lean_input_refusal want, int line, const char *why_has)
{
	struct lean_input in;
	char *why = NULL;
	int rc = lean_input_parse(text, &in, &why);
	is_int(rc, -1, "refused: %s", lean_input_reason(want));
	is_str(lean_input_reason(in.refusal), lean_input_reason(want), "reason %s", lean_input_reason(want));
	is_int(in.why_line, line, "%s: line", lean_input_reason(want));
	ok(why && strstr(why, why_has), "%s: why names it: %s", lean_input_reason(want), why ? why : "(null)");
	lean_input_release(&in);
	free(why);
}

static void refusals(void)
{
	refusal("import Mathlib\n-- theorem t : True := by sorry\n", LEAN_INPUT_NO_THEOREM, 0, "no theorem");
	refusal("theorem a : True := by sorry\n\nlemma b : True := by\n  sorry\n", LEAN_INPUT_TWO_THEOREMS, 3,
		"`b` after `a`");
	refusal("theorem a : True := by sorry theorem b : True := by sorry", LEAN_INPUT_TWO_THEOREMS, 1, "`b`");
	refusal("theorem a : True := by\n  trivial\n", LEAN_INPUT_HAS_PROOF, 2, "`trivial`");
	refusal("theorem a : True := by sorry; sorry", LEAN_INPUT_HAS_PROOF, 1, "`; sorry`");
	refusal("theorem a : True := sorry sorry", LEAN_INPUT_HAS_PROOF, 1, "`sorry`");
	refusal("theorem a (h : sorry) : True := by", LEAN_INPUT_SORRY_STATEMENT, 1, "inside the statement");
	refusal("import Mathlib\n\ndef c : ℕ := sorry\n\ntheorem a : True := by sorry", LEAN_INPUT_SORRY_HEADER, 3,
		"in the header");
	refusal("import Mathlib\n\nnoncomputable abbrev ans : Set ℝ := sorry\n-- the answer\n/-- doc -/\n"
		"theorem a : ans.Nonempty :=\nsorry\n", LEAN_INPUT_ANSWER, 3, "depends on `ans`");
	refusal("abbrev putnam_x_solution : ℕ × ℕ := sorry\ntheorem a : putnam_x_solution.1 = 2 := sorry",
		LEAN_INPUT_ANSWER, 1, "`putnam_x_solution`");
	refusal("theorem a : True := by sorry\n\n#eval 1\n", LEAN_INPUT_TRAILING, 3, "`#eval 1`");
	refusal("/- unclosed\ntheorem a : True := by sorry", LEAN_INPUT_UNREADABLE, 1, "unterminated");
	refusal("theorem a : True", LEAN_INPUT_BAD_STATEMENT, 1, "no `:=`");
}

static void informal(void)
{
	char *s;
	is_str((s = lean_informal_doc("/-- Show that it is 2.-/\n")), "/-- Show that it is 2.-/\n",
	       "a doc comment is kept as it is");
	free(s);
	is_str((s = lean_informal_doc("  Prove that $a-/b$ /-nested-/ holds.\n")),
	       "/-- Prove that $a- /b$ / -nested- / holds. -/\n", "plain text: a doc comment, /- and -/ split");
	free(s);
	is_str((s = lean_informal_doc("-- a line comment")), "-- a line comment", "a line comment is kept");
	free(s);
	ok(!lean_informal_doc(" \n\t"), "a blank text is none");
}

/* Every miniF2F statement is in the pipeline's form already: it comes out as it went in. */
static void minif2f(void)
{
	FILE *fp = fopen(MINIF2F, "r");
	char line[65536];
	int n = 0, same = 0;
	if (!fp) {
		ok(0, "cannot open %s", MINIF2F);
		return;
	}
	while (fgets(line, sizeof line, fp)) {
		json_t *r = json_loads(line, 0, NULL);
		const char *stmt = json_string_value(json_object_get(r, "formal_statement"));
		const char *name = json_string_value(json_object_get(r, "name"));
		struct lean_input in;
		char *why;
		n++;
		if (stmt && !lean_input_parse(stmt, &in, &why) && !strcmp(in.statement, stmt) &&
		    !strcmp(in.name, name))
			same++;
		else if (stmt)
			printf("# %s: %s\n", name, why ? why : in.statement);
		lean_input_release(&in);
		free(why);
		json_decref(r);
	}
	fclose(fp);
	is_int(n, 488, "488 miniF2F statements read");
	is_int(same, n, "each is its own normal form, under its own name");
}

int main(void)
{
	forms();
	parts();
	refusals();
	informal();
	minif2f();
	return done_testing();
}
