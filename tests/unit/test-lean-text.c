/* test-lean-text: theorem parsing, code extraction, statement fidelity, forbidden
 * constructs, normalization and proof bodies (lean_text/lean_text.h), on hand-made
 * cases, on the real DeepSeek-Prover-V2 proofs of tests/fixtures/dsp2 and the real
 * miniF2F statements of data/minif2f.jsonl. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cs.h"
#include "lean_text.h"
#include "tap.h"

#define DSP2 "tests/fixtures/dsp2"
#define MINIF2F "data/minif2f.jsonl"

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
		src = cs_read_file(path, NULL);
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

static void extract_cases(void)
{
	char *why = NULL, *c;
	c = lean_extract_code("Sketch:\n```lean4\ntheorem a : True := by\n  trivial\n```\nthen\n"
			      "```python\nprint(1)\n```\n``` lean4  \ntheorem b : True := by trivial\n```\nend", &why);
	is_str(c, "theorem b : True := by trivial\n", "the last ```lean4 block (``` lean4 with spaces)");
	free(c);
	c = lean_extract_code("```lean\nx\n```\r\n", &why);
	is_str(c, "x\n", "```lean accepted");
	free(c);
	c = lean_extract_code("```lean4\nfirst\n```\n```lean4\ntheorem t : True := by\n  sim", &why);
	ok(c == NULL && why && !strcmp(why, "unclosed ```lean4 block (truncated answer?)"),
	   "an unclosed last block fails: %s", why ? why : "");
	free(why);
	why = NULL;
	c = lean_extract_code("no code here\n```python\nx\n```\n", &why);
	ok(c == NULL && why, "no lean block fails: %s", why ? why : "");
	free(why);
	why = NULL;
	c = lean_extract_code("```python\n```lean4\n```\n", &why);
	ok(c == NULL && why, "a ```lean4 line closing a python block opens nothing");
	free(why);
	why = NULL;
	c = lean_extract_code("```lean4\n```", &why);
	is_str(c, "", "an empty block is empty code");
	free(c);
}

static void forbidden_cases(void)
{
	struct lean_policy pol = { 0, 0, 400000 };
	struct lean_policy sk = { 1, 0, 400000 };
	char *why = NULL;
	/* {code, the construct named in why, or NULL for accepted} */
	static const char *const cases[][2] = {
		{ "theorem t : 1 = 1 := by\n  sorry", "`sorry` at 2:2" },
		{ "theorem t : 1 = 1 := by\n  admit", "`admit` at 2:2" },
		{ "theorem t : 1 = 1 := by\n  stop\n  rfl", "`stop` at 2:2" },
		{ "theorem t : 1 = 1 := by\n  exact sorryAx _ false", "`sorryAx` at 2:8" },
		{ "theorem t : 1 = 1 := by\n  exact @_root_.sorryAx _ false", "`_root_.sorryAx`" },
		{ "theorem t : x = 1 := by\n  h₀.trans (by\n    apply?)", "`apply?` at 3:4" },
		{ "example : 1 = 1 := by exact?", "`exact?` at 1:22" },
		{ "example : 1 = 1 := by rw?", "`rw?`" },
		{ "example : 1 = 1 := by simp?", "`simp?`" },
		{ "example : 1 = 1 := by simp_all?!", "`simp_all?!`" },
		{ "example : 1 = 1 := by aesop?", "`aesop?`" },
		{ "example : 1 = 1 := by decide?", "`decide?`" },
		{ "example : 1 = 1 := by hint", "`hint`" },
		{ "example : 1 = 1 := by library_search", "`library_search`" },
		{ "example : 1 = 1 := by rw_search", "`rw_search`" },
		{ "example : 1 = 1 := by polyrith", "`polyrith`" },
		{ "example : 1 = 1 := by simp? says simp", "`simp?`" },
		{ "example : 1 = 1 := by have? : 1 = 1", "`have?`" },
		{ "axiom bad : False\ntheorem t : 1 = 2 := bad.elim", "`axiom` at 1:0" },
		{ "#eval 1", "`#eval` command at 1:0" },
		{ "theorem t : True := trivial\n#exit\ntheorem u : False := by simp", "`#exit` command at 2:0" },
		{ "theorem t : True := by trivial #exit", "`#exit` command at 1:31" },
		{ "#print axioms t", "`#print` command" },
		{ "#check Nat", "`#check` command" },
		{ "#reduce 1", "`#reduce` command" },
		{ "#synth Inhabited Nat", "`#synth` command" },
		{ "#help tactic", "`#help` command" },
		{ "  #foo_bar x", "`#foo_bar` command at 1:2" },
		{ "run_cmd pure ()", "`run_cmd`" },
		{ "example : True := by run_tac pure ()", "`run_tac`" },
		{ "run_elab pure ()", "`run_elab`" },
		{ "run_meta pure ()", "`run_meta`" },
		{ "example : True := by_elab pure ()", "`by_elab`" },
		{ "elab \"t\" : tactic => pure ()", "`elab`" },
		{ "macro \"t\" : tactic => `(tactic| sorry)", "`macro`" },
		{ "macro_rules | `(tactic| trivial) => `(tactic| rfl)", "`macro_rules`" },
		{ "syntax \"t\" : tactic", "`syntax`" },
		{ "notation \"π\" => 3", "`notation`" },
		{ "local notation \"π\" => 3", "`notation`" },
		{ "infix:50 \" ~ \" => Eq", "`infix`" },
		{ "infixl:50 \" ~ \" => Eq", "`infixl`" },
		{ "infixr:50 \" ~ \" => Eq", "`infixr`" },
		{ "prefix:50 \"~\" => id", "`prefix`" },
		{ "postfix:50 \"~\" => id", "`postfix`" },
		{ "elab_rules : tactic | `(tactic| t) => pure ()", "`elab_rules`" },
		{ "declare_syntax_cat foo", "`declare_syntax_cat`" },
		{ "unsafe def f : Nat := 1", "`unsafe`" },
		{ "@[implemented_by g] def f : Bool := true", "`implemented_by`" },
		{ "@[extern \"f\"] def f : Bool := true", "`extern`" },
		{ "@[csimp] theorem c : @f = @g := rfl", "`csimp`" },
		{ "import Mathlib", "`import` at 1:0" },
		{ "initialize foo : IO.Ref Nat ← IO.mkRef 0", "`initialize`" },
		{ "builtin_initialize pure ()", "`builtin_initialize`" },
		{ "opaque f : Nat", "`opaque`" },
		{ "instance : LT ℝ := ⟨fun _ _ => True⟩", "`instance`" },
		{ "attribute [instance] bogus", "`instance`" },
		{ "variable (h : False)\ninclude h", "`variable`" },
		{ "namespace Foo\ntheorem t : True := trivial\nend Foo", "`namespace`" },
		{ "set_option debug.skipKernelTC true", "`debug.skipKernelTC` at 1:11" },
		{ "set_option maxHeartbeats 0 in\ntheorem t : True := trivial", "`set_option maxHeartbeats 0` at 1:0" },
		{ "set_option maxHeartbeats 400001", "`set_option maxHeartbeats 400001`" },
		{ "set_option synthInstance.maxHeartbeats 0", "`set_option synthInstance.maxHeartbeats 0`" },
		{ "set_option maxRecDepth 1000000", "`set_option maxRecDepth 1000000`" },
		{ "example : 2 + 2 = 4 := by native_decide", "`native_decide` at 1:26" },
		{ "example : 2 + 2 = 4 := by decide +native", "`native` at 1:34" },
		{ "example : 2 + 2 = 4 := by bv_decide", "`bv_decide`" },
		{ "example : True := Lean.ofReduceBool _ _ rfl ▸ trivial", "`Lean.ofReduceBool`" },
/* scanner: code the old scanner took for string (a char holding `"` in a
		 * hole, a char holding a raw newline), and code inside holes */
		{ "theorem t : True := by\n  let _ := s!\"{'\"'}\"\n  trivial\n#eval IO.FS.writeFile \"pwned\" \"x\"\n-- \"",
		  "`#eval` command at 4:0" },
		{ "theorem t : True := by\n  let _ := ('\n'\"' ++ \")\n  trivial\n#eval IO.FS.writeFile \"pwned\" \"x\"\n-- \"",
		  "`#eval` command at 5:0" },
		{ "axiom a : False\n-- \"", "`axiom` at 1:0" },
		{ "example : True := by\n  have := s!\"{sorry}\"\n  trivial", "`sorry` at 2:14" },
		{ "example : True := by\n  have := s!\"a{(by run_tac pure () : Nat)}\"\n  trivial", "`run_tac` at 2:19" },
		{ "example : True := by\n  have := s!\"{(by native_decide : 1 = 1)}\"\n  trivial", "`native_decide` at 2:18" },
		{ "example : True := by\n  let _ := \"{\" sorry \"}\" -- \"\n  trivial", "ambiguous string: read with `{` holes (as after s!) it ends elsewhere than read plain at 2:11" },
		{ "example : True := by\n  let _ := \"\\u{73}\"\n  trivial", "invalid escape (\\u takes four hex digits) at 2:14" },
		/* «»-quoted names are the names */
		{ "@[«instance»] def i : LT ℝ := ⟨fun _ _ => True⟩", "`«instance»` at 1:2" },
		{ "attribute [«instance»] x", "`«instance»` at 1:11" },
		{ "@[«implemented_by» g] def f : Bool := true", "`«implemented_by»`" },
		{ "example : True := Lean.«ofReduceBool» _ _ rfl ▸ trivial", "`Lean.«ofReduceBool»` at 1:18" },
		{ "example : False := «sorryAx» _ false", "`«sorryAx»`" },
		{ "example : False := `sorryAx |> fun _ => sorry", "``sorryAx` at 1:19" },
		{ "set_option «debug».skipKernelTC true", "`«debug».skipKernelTC` at 1:11" },
		{ "set_option «maxHeartbeats» 0", "`set_option maxHeartbeats 0` at 1:0" },
		{ "@[«macro» Lean.Parser.Tactic.skip] def m : Lean.Macro := fun _ => `(tactic| sorry)", "`«macro»`" },
		{ "example : 1 = 1 := by «exact?»", "`«exact?»`" },
		{ "theorem t : True := by\n  #«eval» 1", "`#«eval»` command" },
		/* attributes that register code with the elaborator, parser, a tactic */
		{ "open Lean Elab Tactic in\n@[tactic Lean.Parser.Tactic.skip] def evil : Tactic := fun _ => do\n"
		  "  IO.FS.writeFile \"pwned\" \"x\"\n  (← getMainGoal).admit\n"
		  "theorem t : False := by\n  skip", "`Lean` at 1:5: a name of a metaprogramming namespace" },
		{ "@[term_elab foo] def e : Lean.Elab.Term.TermElab := fun _ _ => default", "attribute `term_elab`" },
		{ "@[command_elab foo] def e : Lean.Elab.Command.CommandElab := fun _ => pure ()", "attribute `command_elab`" },
		{ "@[macro foo] def m : Lean.Macro := fun _ => default", "`macro` at 1:2" },
		{ "@[term_parser] def p := 1", "attribute `term_parser`" },
		{ "@[tactic_parser] def p := 1", "attribute `tactic_parser`" },
		{ "@[builtin_term_parser] def p := 1", "`builtin_term_parser`" },
		{ "@[run_builtin_parser_attribute_hooks] def p := 1", "attribute `run_builtin_parser_attribute_hooks`" },
		{ "@[delab app.f] def d : Lean.PrettyPrinter.Delaborator.Delab := default", "attribute `delab`" },
		{ "@[app_unexpander f] def u : Lean.PrettyPrinter.Unexpander := default", "attribute `app_unexpander`" },
		{ "@[init foo] def i : IO Unit := pure ()", "attribute `init`" },
		{ "@[norm_num _ + _] def e : Mathlib.Meta.NormNum.NormNumExt := default", "attribute `norm_num`" },
		{ "@[positivity _] def e : Mathlib.Meta.Positivity.PositivityExt := default", "attribute `positivity`" },
		{ "@[aesop safe tactic] def t : Lean.Elab.Tactic.TacticM Unit := pure ()", "attribute `aesop`" },
		{ "@[simp, local tactic foo] def t := 1", "attribute `tactic` at 1:14" },
		{ "@[to_additive (attr := tactic foo)] def t := 1", "attribute `tactic` at 1:23" },
		{ "attribute [tactic foo] bar", "attribute `tactic` at 1:11" },
		{ "attribute [-instance] Real.instLE", "`instance`" },
		{ "attribute [reducible] Real.sqrt", "attribute `reducible`" },
		{ "attribute [default_instance] foo", "attribute `default_instance`" },
		/* native evaluation through a configuration */
		{ "example : 2 + 2 = 4 := by decide +revert +native", "`native` at 1:42" },
		{ "example : 2 + 2 = 4 := by decide (config := { native := true })", "`decide (config := …)` at 1:26" },
		{ "example : 2 + 2 = 4 := by decide (config := ⟨false, true⟩)", "`decide (config := …)` at 1:26" },
		{ "example : 2 + 2 = 4 := by decide (config := { kernel := false, native := true })", "`decide (config" },
		/* syntax definers, registrations */
		{ "notation3 \"π\" => (3 : ℝ)", "`notation3` at 1:0" },
		{ "binder_predicate x \" > 0\" : term => `($x > 0)", "`binder_predicate` at 1:0" },
		{ "register_simp_attr foo", "`register_simp_attr`" },
		{ "register_option foo : Bool := {}", "`register_option`" },
		{ "declare_simp_like_tactic foo", "`declare_simp_like_tactic`" },
		{ "unif_hint (x : ℕ) where x =?= 0 ⊢ x + 0 =?= 0", "`unif_hint`" },
		{ "open Real renaming sqrt → root", "`renaming`" },
		{ "export Nat (succ)", "`export`" },
		{ "unseal Nat.add in\ntheorem t : True := trivial", "`unseal`" },
		{ "example : ∀ n : ℕ, n = n := by slim_check", "`slim_check`" },
		/* options that silence sorry or skip a check */
		{ "set_option warn.sorry false", "`warn.sorry` at 1:11" },
		{ "set_option allowUnsafeReducibility true", "`allowUnsafeReducibility`" },
		{ "set_option maxHeartbeats 0700000", "`set_option maxHeartbeats 0700000`" },
		{ "set_option maxHeartbeats 0x61A81", "`set_option maxHeartbeats 0x61A81`" },
		/* a «quoted» identifier is never the keyword: «sorry» names a constant */
		{ "def «sorry» := 1\ntheorem t : «sorry» = 1 := rfl", NULL },
		{ "theorem t : 1 = 1 := by\n  simp\r\n  exact?", "`exact?` at 3:2" },
		{ "theorem t : 1 = 1 := by\n\tsimp", "tab in white space" },
		{ "theorem t : 1 = 1 := by\r  simp", "isolated carriage return" },
		{ "example : ℝ := by\n  -- ℝ∀\n  /- é -/ exact?", "`exact?` at 3:10" },
		/* accepted */
		{ "theorem t : 1 = 1 := by\n  -- sorry apply? #eval axiom\n  /- sorry /- exact? -/ native_decide -/\n  rfl", NULL },
		{ "theorem t : \"sorry #eval\" = \"sorry #eval\" := by rfl", NULL },
		{ "theorem t : 'a' = 'a' := by\n  have h' : (1 : ℕ) = 1 := rfl\n  rfl", NULL },
		{ "theorem t (s : Finset ℕ) (h : #s = 2) : 1 = 1 := by\n  refine ?_\n  rfl", NULL },
		{ "theorem t (l : List ℕ) : l.get? 0 = l.head? := by\n  cases l <;> rfl", NULL },
		{ "set_option maxHeartbeats 400000 in\ntheorem t : 1 = 1 := by\n  nlinarith [sq_nonneg (1 : ℝ)]", NULL },
		{ "set_option maxRecDepth 10000\nopen Real in\n@[simp] lemma l : (1 : ℕ) = 1 := rfl", NULL },
		{ "theorem t : 2 + 2 = 4 := by decide", NULL },
		{ "theorem t : True := by\n  simp only [show (2 : ℕ) = 1 + 1 from rfl] -- exact?\n  trivial", NULL },
		{ "/-- doc: sorry, #eval -/\ntheorem t : True := trivial", NULL },
		{ "attribute [local simp] Nat.add_comm\nsection\ntheorem t : True := trivial\nend", NULL },
		{ "theorem t : r#\"sorry\"# = \"sorry\" := rfl", NULL },
		/* honest twins of the cases above */
		{ "theorem t : True := by\n  let _ := s!\"\\{{1}}\"\n  trivial", NULL },
		{ "theorem t : \"\\u0073\" = \"s\" := by rfl", NULL },
		{ "theorem t : '\"' = '\"' := by\n  let c := '\n'\n  rfl", NULL },
		{ "theorem t : s!\"{1 + 1}\" = \"2\" := by rfl", NULL },
		{ "theorem t : \"a{b}c\" = \"a{b}c\" := by rfl", NULL },
		{ "theorem t (x y : ℝ) (h : x ≤ y) : x ≤ y := by\n  bv_omega", NULL },
		{ "theorem t : 2 + 2 = 4 := by decide +kernel", NULL },
		{ "@[simp, norm_cast] lemma l : (1 : ℕ) = 1 := rfl\nattribute [local simp] l\n@[simp 1100, -simp, simp ←] lemma m : (1 : ℕ) = 1 := rfl", NULL },
		/* the allow-lists: every other attribute, option, column-0 command, meta name */
		{ "@[to_additive] lemma m : (1 : ℕ) = 1 := rfl", "attribute `to_additive` at 1:2: not an attribute" },
		{ "@[quot_precheck Foo] def m := 1", "attribute `quot_precheck` at 1:2: not an attribute" },
		{ "@[doc_role] def m := 1", "attribute `doc_role` at 1:2" },
		{ "@[doc_directive] def m := 1", "attribute `doc_directive` at 1:2" },
		{ "@[doc_code_block] def m := 1", "attribute `doc_code_block` at 1:2" },
		{ "@[doc_command] def m := 1", "attribute `doc_command` at 1:2" },
		{ "@[«instance»] def i : LT ℕ := ⟨fun _ _ => True⟩", "attribute `«instance»` at 1:2" },
		{ "@[simp foo] lemma m : (1 : ℕ) = 1 := rfl", "attribute argument `foo` at 1:7" },
		{ "attribute [local grind] m", "attribute `grind` at 1:17" },
		{ "set_option pp.all true in\ntheorem t : True := trivial", "option `pp.all` at 1:11" },
		{ "set_option doc.verso true\ntheorem t : True := trivial", "option `doc.verso` at 1:11" },
		{ "theorem t : True := by\n  set_option trace.Meta.synthInstance true in trivial", "option `trace.Meta.synthInstance`" },
		{ "deriving instance Repr for Nat\ntheorem t : True := trivial", "command `deriving` at 1:0" },
		{ "assert_not_exists Foo\ntheorem t : True := trivial", "command `assert_not_exists` at 1:0" },
		{ "theorem t : True := by\n  aesop (add safe tactic foo)", "`tactic` at 2:18: an extension clause" },
		{ "theorem t : True := by\n  exact (IO.println 1 |> fun _ => trivial)", "`IO.println` at 2:9" },
		{ "open Lean in\ntheorem t : True := trivial", "`Lean` at 1:5" },
		{ "theorem t : True := by\n  have := `(tactic| trivial)\n  trivial", "``` at 2:10: a syntax quotation" },
		{ "theorem t : True := by\n  have := `foo\n  trivial", "``foo` at 2:10" },
		{ "set_option maxHeartbeats 400_000 in\nset_option linter.unusedVariables false in\ntheorem t : True := trivial", NULL },
		{ "theorem «t» (f : ℕ → ℕ) : f = fun x ↦ f x := by\n  funext x; rfl", NULL },
		{ "theorem t : ∑' n : ℕ, (0 : ℝ) = 0 ∧ (Set.univ : Set ℕ) = id ⁻¹' Set.univ := by simp", NULL },
		{ "def f : ℕ → ℕ\n  | 0 => 1\n  | n + 1 => 2 * f n\ntheorem t : f 1 = 2 := by rfl", NULL },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		int rc = lean_check_forbidden(cases[i][0], &pol, &why);
		if (cases[i][1])
			ok(rc == -1 && why && strstr(why, cases[i][1]) &&
			   (!strncmp(why, "forbidden ", 10) || !strncmp(why, "unreadable code: ", 17)),
			   "rejects %s: %s", cases[i][1], why ? why : "(accepted)");
		else
			ok(rc == 0 && !why, "accepts case %zu: %s", i, why ? why : "ok");
		free(why);
		why = NULL;
	}
	ok(lean_check_forbidden("theorem t : 1 = 1 := by\n  sorry", &sk, &why) == 0,
	   "allow_sorry lets sorry through");
	ok(lean_check_forbidden("theorem t : 1 = 1 := by\n  exact sorryAx _ false", &sk, &why) == -1,
	   "allow_sorry still rejects sorryAx");
	free(why);
	why = NULL;
	sk.allow_native_decide = 1;
	ok(lean_check_forbidden("example : 2 + 2 = 4 := by native_decide", &sk, &why) == 0,
	   "allow_native_decide lets native_decide through");
	pol.max_heartbeats = 0;
	ok(lean_check_forbidden("set_option maxHeartbeats 1", &pol, &why) == -1,
	   "max_heartbeats 0: no maxHeartbeats at all");
	free(why);
	why = NULL;
	ok(lean_check_forbidden("theorem t : True := by\n  /- unclosed", &sk, &why) == -1 && why &&
	   strstr(why, "unterminated comment at 2:2"), "unreadable code rejected: %s", why ? why : "");
	free(why);
}

static void policy_env(void)
{
	struct lean_policy pol;
	unsetenv("CS_ALLOW_NATIVE_DECIDE");
	unsetenv("CS_MAX_HEARTBEATS");
	lean_policy_from_env(&pol);
	ok(!pol.allow_sorry && !pol.allow_native_decide && pol.max_heartbeats == 400000, "policy defaults");
	setenv("CS_ALLOW_NATIVE_DECIDE", "1", 1);
	setenv("CS_MAX_HEARTBEATS", "1000000", 1);
	lean_policy_from_env(&pol);
	ok(pol.allow_native_decide && pol.max_heartbeats == 1000000, "policy from the environment");
	unsetenv("CS_ALLOW_NATIVE_DECIDE");
	unsetenv("CS_MAX_HEARTBEATS");
}

static const char algebra_10[] =
	"theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10 := by\n";

static void statement_cases(void)
{
	char *why = NULL;
	const char *formal = "theorem mathd_algebra_478 (b h v : ℝ) (h₀ : 0 < b ∧ 0 < h ∧ 0 < v) (h₁ : v = 1 / 3 * (b * h))\n"
			     "    (h₂ : b = 30) (h₃ : h = 13 / 2) : v = 65 := by\n";
	ok(lean_check_statement("import Mathlib\n/-- doc -/\ntheorem mathd_algebra_10 :\n  abs ((120:ℝ)/100*30 - 130/100*20) = 10 := by\n  norm_num [abs_of_nonneg]",
				algebra_10, &why) == 0, "same statement, other whitespace: %s", why ? why : "ok");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 * 30 - /- c -/ 130 / 100 * 20) = 10 :=\n  by norm_num",
				algebra_10, &why) == 0, "comments aside");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 11 := by\n  norm_num",
				algebra_10, &why) == -1 && why && strstr(why, "statement changed: conclusions differ") &&
	   strstr(why, "`11` instead of `10`"), "changed conclusion: %s", why ? why : "(accepted)");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem mathd_algebra_10 (h : False) : abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10 := by\n  exact h.elim",
				algebra_10, &why) == -1 && why && strstr(why, "statement changed: binders differ"),
	   "an extra hypothesis: %s", why ? why : "(accepted)");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem other : abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10 := by\n  norm_num",
				algebra_10, &why) == -1 && why && strstr(why, "statement changed: theorem mathd_algebra_10 missing"),
	   "renamed theorem: %s", why ? why : "(accepted)");
	free(why);
	why = NULL;
	ok(lean_check_statement("-- theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 * 30 - 130 / 100 * 20) = 10 := by\n"
				"theorem x : True := trivial", algebra_10, &why) == -1 && why && strstr(why, "missing"),
	   "a statement in a comment does not count");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem mathd_algebra_478 (b h v : ℝ) (h₀ : 0 < b ∧ 0 < h ∧ 0 < v) (h₁ : v = 1 / 3 * (b * h))\n"
				"    (h₂ : b = 30) (h₃ : h = 13 / 2) (h₄ : v = 65) : v = 65 := by\n  exact h₄", formal, &why) == -1 &&
	   why && strstr(why, "binders differ") && strstr(why, "(h₄ : v = 65)") && strstr(why, "`:`") == NULL,
	   "an added hypothesis named: %s", why ? why : "(accepted)");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem mathd_algebra_478 (b h v : ℝ) (h₀ : 0 < b ∧ 0 < h ∧ 0 < v) (h₁ : v = 1 / 3 * (b * h))\n"
				"    (h₂ : b = 30) : v = 65 := by\n  sorry", formal, &why) == -1 && why && strstr(why, "binders differ"),
	   "a dropped hypothesis: %s", why ? why : "(accepted)");
	free(why);
	why = NULL;
	ok(lean_check_statement("lemma mathd_algebra_478 (b h v : ℝ) (h₀ : 0 < b ∧ 0 < h ∧ 0 < v) (h₁ : v = 1 / 3 * (b * h)) (h₂ : b = 30) (h₃ : h = 13 / 2) :\n"
				"v = 65 := by\n  subst h₂ h₃\n  linarith", formal, &why) == 0, "lemma, other line breaks accepted");
	free(why);
	why = NULL;
	ok(lean_check_statement("theorem t : True := trivial", "no theorem", &why) == -1 && why &&
	   strstr(why, "formal statement unusable"), "bad formal statement: %s", why ? why : "");
	free(why);
}

/* Conclusions holding let/have, names in «» or _root_., ASCII spellings. */
static void statement_forms(void)
{
	static const char *const cases[][3] = {
		/* {formal, code, NULL: kept, else the difference named} */
		{ "theorem t (x : ℕ) : let y := x + 1; y > x := by",
		  "theorem t (x : ℕ) : let y := x + 1; y > 0 := by\n  intro y; omega", "`0` instead of `x`" },
		{ "theorem t (x : ℕ) : let y := x + 1; y > x := by",
		  "theorem t (x : ℕ) :\n    let y := x + 1\n    y > x := by\n  intro y; omega", "`y > x` instead of `; y > x`" },
		{ "theorem t (x : ℕ) : let y := x + 1; y > x := by",
		  "theorem t (x : ℕ) : let y := x + 1; y > x := by\n  intro y; omega", NULL },
		{ "theorem t (p : Prop) (hp : p) : have h : p := hp; p := by",
		  "theorem t (p : Prop) (hp : p) : have h : p := hp; True := by\n  trivial", "`True` instead of `p`" },
		{ "theorem t : let a := 1; let b := 2; a + b = 3 := by",
		  "theorem t : let a := 1; let b := 2; a + b = 3 := by\n  simp", NULL },
		{ "theorem t (f : ℕ → ℕ) : ∀ x, f x = x -> f (f x) = x := by",
		  "theorem t (f : ℕ → ℕ) : forall x, f x = x → f (f x) = x := by\n  intro x h; rw [h, h]", NULL },
		{ "theorem t : (fun x : ℕ => x) = id := by",
		  "theorem t : (λ x : ℕ ↦ x) = id := by\n  rfl", NULL },
		{ "theorem foo : True := by", "theorem «foo» : True := by\n  trivial", NULL },
		{ "theorem foo : True := by", "theorem _root_.foo : True := by\n  trivial", NULL },
		{ "theorem foo (x : ℕ) : x = x := by", "theorem foo («x» : ℕ) : x = «x» := by\n  rfl", NULL },
		{ "theorem foo (x : ℕ) : x = x := by", "theorem foo (x : ℕ) : x = _root_.x := by\n  rfl", "`_root_.x` instead of `x`" },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		char *why = NULL;
		int rc = lean_check_statement(cases[i][1], cases[i][0], &why);
		if (cases[i][2])
			ok(rc == -1 && why && strstr(why, "statement changed") && strstr(why, cases[i][2]),
			   "statement form %zu changed: %s", i, why ? why : "(kept)");
		else
			ok(rc == 0 && !why, "statement form %zu kept: %s", i, why ? why : "ok");
		free(why);
	}
}

/* The theorem Lean checks: the problem's statement, the model's proof. */
static void graft_cases(void)
{
	static const char *const cases[][4] = {
		/* {formal, code, grafted or NULL, why refused} */
		{ "theorem t (x : ℝ) (h : 0 < x) : 0 < x ^ 2 := by",
		  "/-- helper -/\nlemma aux (x : ℝ) (h : 0 < x) : 0 < x * x := by positivity\n\n"
		  "/-- the theorem -/ @[simp] theorem t (x : ℝ) (h : 0 < x) :\n    0 < x^2 := by\n  have := aux x h\n  nlinarith\n"
		  "\ntheorem after : False := by\n  sorry\n",
		  "/-- helper -/\nlemma aux (x : ℝ) (h : 0 < x) : 0 < x * x := by positivity\n\n"
		  "theorem t (x : ℝ) (h : 0 < x) : 0 < x ^ 2 := by\n  have := aux x h\n  nlinarith\n", NULL },
		/* a changed statement is never compiled: the fake theorem NAME : True */
		{ "theorem t (x : ℕ) : x + 0 = x := by\n",
		  "theorem t : True := by\n  trivial", "theorem t (x : ℕ) : x + 0 = x := by\n  trivial\n", NULL },
		{ "theorem t : 1 = 1 := by", "theorem t : 1 = 1 := rfl", "theorem t : 1 = 1 := rfl\n", NULL },
		{ "theorem t : 1 = 1 :=", "theorem t : 1 = 1 := by simp", "theorem t : 1 = 1 := by simp\n", NULL },
		{ "theorem t : 1 = 1 := by sorry", "theorem t : 1 = 1 := by\n  simp", "theorem t : 1 = 1 := by\n  simp\n", NULL },
		{ "theorem t : True := by", "set_option maxHeartbeats 400000 in\ntheorem t : True := by\n  trivial",
		  "set_option maxHeartbeats 400000 in\ntheorem t : True := by\n  trivial\n", NULL },
		{ "theorem t : True := by", "lemma a : True := trivial theorem t : True := by trivial",
		  "lemma a : True := trivial \ntheorem t : True := by trivial\n", NULL },
		{ "theorem t : True := by", "theorem «t» : True := by trivial", "theorem t : True := by trivial\n", NULL },
		/* a command after the proof ends it at any column: cut, never compiled */
		{ "theorem t : True := by", "theorem t : True := by\n  trivial\n  def Evil.t : True := trivial\n  open Evil\n",
		  "theorem t : True := by\n  trivial\n", NULL },
		{ "theorem t : True := by", "theorem t : True := by\n  open Nat in\n  set_option maxRecDepth 100 in\n  trivial\n",
		  "theorem t : True := by\n  open Nat in\n  set_option maxRecDepth 100 in\n  trivial\n", NULL },
		{ "theorem t : True := by", "theorem t : True := by\n  have := #[1, 2].size\n  have := #v[1].size\n  trivial\n",
		  "theorem t : True := by\n  have := #[1, 2].size\n  have := #v[1].size\n  trivial\n", NULL },
		/* the problem's own definitions first; the answer's verbatim copy blanked */
		{ "def s : ℕ := 1\ntheorem t : s = 1 := by",
		  "def s : ℕ := 1\nlemma a : s = 1 := rfl\ntheorem t : s = 1 := by rfl",
		  "def s : ℕ := 1\n                \nlemma a : s = 1 := rfl\ntheorem t : s = 1 := by rfl\n", NULL },
		/* refused */
		{ "def s : ℕ := 1\ntheorem t : s = 1 := by", "def s : ℕ := 2\ntheorem t : s = 1 := by rfl", NULL,
		  "`s` declared at 1:4 before the theorem is a name the statement uses" },
		{ "theorem t : True := by", "structure S where\n  t : Nat\ntheorem t : True := by trivial", NULL,
		  "`t` at 2:2 bears the audited theorem's name before it is declared" },
		{ "theorem t : True := by", "theorem t : True := by\n  let rec t : Nat := 0\n  trivial", NULL,
		  "`t` at 2:10 declares or names another constant with the audited theorem's name" },
		{ "theorem t : True := by", "theorem t : True := by\n  exact coldstart_expected_x", NULL,
		  "names the audit's expected constant" },
		{ "theorem t : f 2 = 4 := by", "def f (x : ℕ) : ℕ := 2 * x\ntheorem t : f 2 = 4 := by rfl", NULL,
		  "`f` declared at 1:4 before the theorem is a name the statement uses" },
		{ "theorem t : sqrt 4 = 2 := by", "noncomputable def Foo.sqrt (x : ℝ) : ℝ := 2\nopen Foo\ntheorem t : sqrt 4 = 2 := by rfl", NULL,
		  "`Foo.sqrt` declared at 1:18" },
		{ "theorem t (n : ℕ) : g n = n := by", "inductive T | g | h\ntheorem t (n : ℕ) : g n = n := by rfl", NULL,
		  "`g` declared at 1:14" },
		{ "theorem t : b := by", "alias ⟨a, b⟩ := Iff.rfl\ntheorem t : b := by trivial", NULL, "`b` declared at 1:10" },
		{ "theorem t : True := by", "theorem t : False := sorry\ntheorem t : True := by trivial", "theorem t : True := sorry\n", NULL },
		{ "theorem t : True := by", "lemma t : False := sorry\n", "theorem t : True := sorry\n", NULL },
		{ "theorem t : True := by", "section\ntheorem t : True := by trivial", "section\ntheorem t : True := by trivial\n", NULL },
		{ "theorem t : True := by", "noncomputable section\ntheorem t : True := by trivial\nend",
		  "noncomputable section\ntheorem t : True := by trivial\n", NULL },
		{ "theorem t : True := by", "namespace N\ntheorem t : True := by trivial", NULL, "`namespace` at 1:0 is still open" },
		{ "theorem t : True := by", "section\nend\nmutual\ntheorem t : True := by trivial", NULL, "`mutual` at 3:0" },
		{ "theorem t : True := by", "def x := (1\ntheorem t : True := by trivial", NULL, "`(` at 1:9 is still open" },
		{ "theorem t : True := by", "open Real in\ntheorem t : True := by trivial", "open Real in\ntheorem t : True := by trivial\n", NULL },
		{ "theorem t : True := by", "open scoped Real in\ntheorem t : True := by trivial", "open scoped Real in\ntheorem t : True := by trivial\n", NULL },
		{ "theorem t : True := by", "attribute [local simp] mul_comm in\ntheorem t : True := by trivial", NULL, "`in` at 1:32 would apply to the statement" },
		{ "theorem t (x : ℝ) : 0 ≤ Real.sqrt x := by", "theorem Aux.sqrt (x : ℝ) : 0 ≤ Real.sqrt x := Real.sqrt_nonneg x\ntheorem t (x : ℝ) : 0 ≤ Real.sqrt x := Aux.sqrt x",
		  "theorem Aux.sqrt (x : ℝ) : 0 ≤ Real.sqrt x := Real.sqrt_nonneg x\ntheorem t (x : ℝ) : 0 ≤ Real.sqrt x := Aux.sqrt x\n", NULL },
		{ "theorem t (x : ℝ) : 0 ≤ x.sqrt := by", "def Real.sqrt (x : ℝ) : ℝ := 0\ntheorem t (x : ℝ) : 0 ≤ x.sqrt := le_refl 0", NULL, "`Real.sqrt` declared at 1:4" },
		{ "theorem t : True := by", "theorem u : True := by trivial", NULL, "theorem t missing" },
		{ "no theorem here", "theorem t : True := by trivial", NULL, "formal statement unusable" },
		{ "theorem t : True := by", "theorem t : True := by\n  /- open", NULL, "unreadable code: unterminated comment at 2:2" },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		char *why = NULL, *g = lean_graft_statement(cases[i][1], cases[i][0], &why);
		if (cases[i][2]) {
			is_str(g, cases[i][2], "graft %zu%s%s", i, why ? ": " : "", why ? why : "");
			if (g) {
				char *w2 = NULL;
				ok(lean_check_statement(g, cases[i][0], &w2) == 0, "graft %zu states the problem's theorem: %s",
				   i, w2 ? w2 : "ok");
				free(w2);
			}
		} else {
			ok(!g && why && strstr(why, cases[i][3]), "graft %zu refused: %s", i, why ? why : "(grafted)");
		}
		free(g);
		free(why);
	}
}

static void normalize_body_cases(void)
{
	char *s, *why = NULL;
	s = lean_normalize("  theorem  t\t(x : ℕ) -- c\n /- a /- b -/ -/ :\r\n  x = x  ");
	is_str(s, "theorem t (x : ℕ) : x = x", "normalize: comments out, whitespace one space, trimmed");
	free(s);
	s = lean_normalize("a/-c-/b \"x   y\"");
	is_str(s, "a b \"x   y\"", "normalize: a comment separates, strings kept");
	free(s);
	s = lean_normalize("");
	is_str(s, "", "normalize: empty");
	free(s);
	s = lean_normalize("a  \xff  b");
	is_str(s, "a \xff b", "normalize: invalid bytes survive");
	free(s);

	s = lean_proof_body("theorem t : 1 = 1 := by rfl\n\ntheorem u : True := by trivial", "t", &why);
	is_str(s, "rfl", "proof body on the same line");
	free(s);
	s = lean_proof_body("theorem t : 1 = 1 := by\n    have h : 2 = 2 := by\n      rfl\n\n    -- done\n    rfl\n\n-- after\n", "t", &why);
	is_str(s, "have h : 2 = 2 := by\n  rfl\n\n-- done\nrfl", "proof body dedented");
	free(s);
	s = lean_proof_body("theorem t : 1 = 1 :=\r\n  by\r\n  simp\r\n  <;> rfl\r\n", NULL, &why);
	is_str(s, "simp\n<;> rfl", "proof body after :=\\n by, CRLF");
	free(s);
	s = lean_proof_body("theorem t : 1 = 1 := by -- the proof\n  rfl", "t", &why);
	is_str(s, "rfl", "a comment after `by` is no tactic");
	free(s);
	s = lean_proof_body("theorem t : 1 = 1 := by simp\n  <;> rfl", "t", &why);
	is_str(s, "simp\n<;> rfl", "same line and more lines");
	free(s);
	s = lean_proof_body("theorem t : 1 = 1 := by\n\ndef x := 1", "t", &why);
	ok(s == NULL && why && strstr(why, "empty"), "empty proof fails: %s", why ? why : "");
	free(why);
	why = NULL;
	s = lean_proof_body("theorem t : 1 = 1 := rfl", "t", &why);
	ok(s == NULL && why, "term proof: no tactic block");
	free(why);
}

/* Lines a model's header holds (as pipe_answer_code drops them). */
static const char *skip_header(const char *p)
{
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (!(n == 0 || !strncmp(p, "import ", 7) || !strncmp(p, "set_option ", 11) ||
		      !strncmp(p, "open ", 5)))
			break;
		p += n + (nl ? 1 : 0);
	}
	return p;
}

/* formal up to its `:= by` (a static copy: one at a time). */
static const char *formal_head(const char *formal)
{
	static char buf[4096];
	const char *e = strstr(formal, ":= by");
	size_t n = e ? (size_t)(e - formal) + 5 : strlen(formal);
	snprintf(buf, sizeof(buf), "%.*s", (int)n, formal);
	return buf;
}

/* Every dsp2 proof, minus its header, passes the default policy and its own
 * miniF2F statement. */
static void dsp2_bulk(void)
{
	FILE *f = fopen(MINIF2F, "r");
	json_error_t err;
	json_t *rec;
	int files = 0, forbid_ok = 0, stmt = 0, stmt_ok = 0, header_caught = 0, own = 0, grafted = 0;
	struct lean_policy pol = { 0, 0, 400000 };
	ok(f != NULL, "%s readable", MINIF2F);
	while (f && (rec = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err))) {
		const char *name = json_string_value(json_object_get(rec, "name"));
		const char *formal = json_string_value(json_object_get(rec, "formal_statement"));
		char *path = xasprintf("%s/%s.lean", DSP2, name ? name : "");
		char *src = name && formal ? cs_read_file(path, NULL) : NULL, *why = NULL;
		if (src) {
			files++;
			if (lean_check_forbidden(src, &pol, &why) == -1 && strstr(why, "`import` at 1:0"))
				header_caught++;
			free(why);
			why = NULL;
			if (lean_check_forbidden(skip_header(src), &pol, &why) == 0)
				forbid_ok++;
			else
				printf("# %s: %s\n", path, why);
			free(why);
			why = NULL;
			/* DeepSeek corrected these two miniF2F statements (a false one, a
			 * stray binder); the check must see it */
			if (!strcmp(name, "induction_sum_odd") || !strcmp(name, "mathd_algebra_247")) {
				int rc = lean_check_statement(src, formal, &why);
				ok(rc == -1 && why &&
				   strstr(why, !strcmp(name, "induction_sum_odd") ? "conclusions differ" : "binders differ"),
				   "%s: DeepSeek's changed statement caught: %s", name, why ? why : "(accepted)");
			} else {
				stmt++;
				if (lean_check_statement(src, formal, &why) == 0)
					stmt_ok++;
				else
					printf("# %s: %s\n", path, why);
			}
			free(why);
			why = NULL;
			/* Grafted onto its own statement, the proof is the file (after its
			 * header, before its trailing blank lines) byte for byte; onto the miniF2F statement, it states that
			 * and still passes the policy. */
			{
				const char *body = skip_header(src);
				struct lean_theorem t;
				if (lean_parse_theorem(body, name, &t, &why) == 0) {
					char *stmt_text = xstrndup(body + t.decl_start, t.by_end - t.decl_start);
					char *want = xasprintf("%.*s\n", (int)t.end, body);
					char *g = lean_graft_statement(body, stmt_text, &why);
					if (g && !strcmp(g, want) && strspn(body + t.end, " \n") == strlen(body + t.end))
						own++;
					else
						printf("# %s: own graft differs: %s\n", path, why ? why : "");
					free(g);
					free(why);
					why = NULL;
					g = lean_graft_statement(body, formal, &why);
					if (g && lean_check_forbidden(g, &pol, &why) == 0 &&
					    lean_check_statement(g, formal, &why) == 0 &&
					    strstr(g, formal_head(formal)))
						grafted++;
					else
						printf("# %s: miniF2F graft: %s\n", path, why ? why : "");
					free(g);
					free(stmt_text);
					free(want);
					lean_theorem_release(&t);
				}
				free(why);
				why = NULL;
			}
			/* and a weakened copy is caught */
			if (files <= 20) {
				struct lean_theorem t;
				if (lean_parse_theorem(src, name, &t, &why) == 0) {
					struct sbuf sb = SBUF_INIT;
					size_t colon = strstr(src + t.decl_start, t.conclusion) - src;
					sbuf_add(&sb, src, colon);
					sbuf_adds(&sb, "True ∨ ");
					sbuf_adds(&sb, src + colon);
					ok(lean_check_statement(sbuf_str(&sb), formal, &why) == -1 && why &&
					   strstr(why, "conclusions differ"), "%s weakened conclusion caught", name);
					sbuf_release(&sb);
					lean_theorem_release(&t);
				}
				free(why);
				why = NULL;
			}
			free(src);
		}
		free(path);
		json_decref(rec);
	}
	if (f)
		fclose(f);
	ok(files > 200, "%d dsp2 proofs have a miniF2F statement", files);
	ok(header_caught == files, "their headers (import Mathlib) are caught when left in (%d)", header_caught);
	ok(forbid_ok == files, "%d/%d pass the default policy", forbid_ok, files);
	ok(stmt_ok == stmt, "%d/%d keep their miniF2F statement", stmt_ok, stmt);
	ok(own == files, "%d/%d grafted onto their own statement are themselves", own, files);
	ok(grafted == files, "%d/%d grafted onto the miniF2F statement state it and pass the policy", grafted, files);
}

static void big_inputs(void)
{
	struct sbuf sb = SBUF_INIT;
	struct lean_policy pol = { 0, 0, 400000 };
	int rc;
	char *why = NULL, *s;
	clock_t t0 = clock(); /* CPU time: a loaded machine does not stretch it */
	sbuf_adds(&sb, "theorem big (x : ℕ) : x = x := by\n");
	for (int i = 0; i < 25000; i++)
		sbuf_adds(&sb, "  simp [h₁]\n");   /* 4 tokens a line: 100 000 tokens */
	ok(lean_check_forbidden(sb.buf, &pol, &why) == 0, "100 000 tokens pass");
	ok(lean_check_statement(sb.buf, "theorem big (x : ℕ) : x = x := by", &why) == 0, "and keep the statement");
	s = lean_proof_body(sb.buf, "big", &why);
	ok(s && strlen(s) == 25000 * strlen("simp [h₁]\n") - 1, "proof body of 25 000 lines");
	free(s);
	s = lean_normalize(sb.buf);
	ok(s && strlen(s) < sb.len, "normalized");
	free(s);
	sbuf_reset(&sb);
	for (int i = 0; i < 10000; i++)
		sbuf_adds(&sb, "/- ");
	sbuf_adds(&sb, " sorry ");
	ok(lean_check_forbidden(sb.buf, &pol, &why) == -1, "10 000 unclosed /- rejected");
	free(why);
	why = NULL;
	for (int i = 0; i < 10000; i++)
		sbuf_adds(&sb, "-/");
	ok(lean_check_forbidden(sb.buf, &pol, &why) == 0, "10 000 nested /- -/ hide their sorry");
	/* without the space Lean nests nothing: `/-/-/` is one whole comment
	 * (whitespace steps over the third character), then `-`, then a comment
	 * glued to it: refused, never read as 10 000 nested comments */
	sbuf_reset(&sb);
	for (int i = 0; i < 10000; i++)
		sbuf_adds(&sb, "/-");
	sbuf_adds(&sb, " sorry ");
	for (int i = 0; i < 10000; i++)
		sbuf_adds(&sb, "-/");
	rc = lean_check_forbidden(sb.buf, &pol, &why);
	ok(rc == -1 && why && strstr(why, "1:6"), "10 000 /- glued: no nesting (%s)", why ? why : "accepted");
	free(why);
	why = NULL;
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 10, "fast: %.2f s of CPU", (double)(clock() - t0) / CLOCKS_PER_SEC);
	sbuf_release(&sb);
}

/* Random mixes of Lean fragments and bytes: no crash, no leak, no overread
 * (ASan watches); every answer is a clean 0 or -1 with a reason. */
static void fuzz(void)
{
	static const char *const frag[] = {
		"theorem ", "lemma ", "t", " : ", ":=", " by", "\n  ", "\r\n", "\t", "/-", "-/", "/--",
		"--", "\"", "\\", "'", "r#\"", "\"#", "«", "»", "(", ")", "⟨", "⟩", "sorry", "#eval",
		"set_option maxHeartbeats ", "0", "ℝ", "h₀", ".", "?", "\xff", "\xe2\x88", "```lean4\n",
		"```\n", "x'", "'a'", "@[", "]",
	};
	struct lean_policy pol = { 0, 0, 400000 };
	unsigned long r = 12345;
	int clean = 1;
	for (int k = 0; k < 3000; k++) {
		struct sbuf sb = SBUF_INIT;
		struct lean_theorem t;
		char *why = NULL, *s;
		int m = (int)(r % 40);
		for (int i = 0; i < m; i++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			sbuf_adds(&sb, frag[(r >> 33) % CS_ARRAY_SIZE(frag)]);
		}
		r = r * 6364136223846793005UL + 1442695040888963407UL;
		if (lean_check_forbidden(sbuf_str(&sb), &pol, &why) == -1 && !why)
			clean = 0;
		free(why);
		why = NULL;
		if (lean_check_statement(sbuf_str(&sb), "theorem t : T := by", &why) == -1 && !why)
			clean = 0;
		free(why);
		why = NULL;
		if (lean_parse_theorem(sbuf_str(&sb), NULL, &t, &why) == 0) {
			if (t.end > sb.len || t.by_end > t.end || t.decl_start > t.by_end)
				clean = 0;
			lean_theorem_release(&t);
		} else if (!why) {
			clean = 0;
		}
		free(why);
		why = NULL;
		s = lean_proof_body(sbuf_str(&sb), NULL, &why);
		if (!s && !why)
			clean = 0;
		free(s);
		free(why);
		why = NULL;
		s = lean_extract_code(sbuf_str(&sb), &why);
		if (!s && !why)
			clean = 0;
		free(s);
		free(why);
		free(lean_normalize(sbuf_str(&sb)));
		sbuf_release(&sb);
	}
	ok(clean, "3000 random inputs: every failure has a reason, every range is inside");
}

int main(void)
{
	parse_cases();
	dsp2_parse();
	extract_cases();
	forbidden_cases();
	policy_env();
	statement_cases();
	statement_forms();
	graft_cases();
	normalize_body_cases();
	dsp2_bulk();
	big_inputs();
	fuzz();
	return done_testing();
}
