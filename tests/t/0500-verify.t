#!/bin/sh
# cs-verify against the REPL test double: verdicts, records, policy, usage.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'pass, sorry and fail, with version and goals' '
	fresh &&
	{ rec 1 "theorem t1 (x : ℝ) : x = x := by\n  rfl"
	  rec 2 "theorem t2 (x y : ℝ) (h₀ : x = y) : y = x := by\n  have h : x = y := by sorry\n  linarith" "\"allow_sorry\":true"
	  rec 3 "theorem t3 (x : ℝ) : x = x + 1 := by\n  linarith -- double: fail"; } > in &&
	cs-verify in > out &&
	test_eq "$(wc -l < out)" 3 &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" sorry &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(field 1 checker out)" repl &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_eq "$(field 1 real_lean out)" false &&
	test_grep "\"sorries\":\[{\"line\":2,\"col\":23,\"end_line\":2,\"end_col\":28,\"goal\":\"x y : ℝ\\\\nh₀ : x = y\\\\n⊢ x = y\"}\]" out &&
	test_grep "\"why\":\"2:11: linarith failed to find a contradiction …\"" out &&
	test_grep "\"severity\":\"error\",\"pos\":{\"line\":2,\"column\":11}" out &&
	test_grep "\"id\":2,.*\"declaration uses \`sorry\`\"" out
'

test_expect_success 'the input record comes back whole, plus the results' '
	grep "^{\"id\":1," out > one &&
	test_grep "\"header\":\"import Mathlib\\\\nopen Real\",\"code\":\"theorem t1" one &&
	test_grep "\"elapsed\":[0-9]" one &&
	test_grep "\"messages\":\[\]" one
'

test_expect_success 'declaration uses '"'"'sorry'"'"' in either quote style is a sorry' '
	fresh &&
	{ rec 1 "theorem t1 (x : ℝ) : x = x := by\n  sorry" "\"allow_sorry\":true"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry" "\"allow_sorry\":true"; } > in &&
	CS_LEAN_REPL="$DOUBLE --sorry-quote single" cs-verify in > out1 &&
	test_eq "$(verdict 1 out1)" sorry &&
	test_grep "\"id\":1,.*declaration uses '"'"'sorry'"'"'" out1 &&
	CS_LEAN_REPL="$DOUBLE --sorry-quote backtick" cs-verify in > out2 &&
	test_eq "$(verdict 2 out2)" sorry &&
	test_grep "\"id\":2,.*declaration uses \`sorry\`" out2
'

test_expect_success 'rejected code never reaches the REPL' '
	fresh &&
	{ rec 1 "#eval IO.FS.writeFile \\\"pwned\\\" \\\"x\\\"\ntheorem t : True := trivial"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry"
	  rec 3 "theorem t3 (x : ℝ) : x = 2 := by\n  rfl" "\"formal_statement\":\"theorem t3 (x : ℝ) : x = x := by\""
	  rec 4 "theorem t4 (x : ℝ) : x = x := by\n  rfl" "\"formal_statement\":\"theorem t4 (x : ℝ) : x = x := by\""; } > in &&
	cs-verify in > out &&
	test_eq "$(verdict 1 out)" rejected &&
	test_eq "$(verdict 2 out)" rejected &&
	test_eq "$(verdict 3 out)" rejected &&
	test_eq "$(verdict 4 out)" pass &&
	test_eq "$(field 1 checker out)" policy &&
	test_grep "\"id\":1,.*\"why\":\"[^\"]*eval" out &&
	test_no_grep writeFile double.log &&
	test_no_grep "theorem t2" double.log &&
	test_no_grep "theorem t3" double.log &&
	test_grep "theorem t4" double.log &&
	! test -e lean/pwned
'

test_expect_success 'real Lean replies (transcript mode) are judged right' '
	fresh &&
	{ rec 1 "def f (x : Unit) : Nat := by sorry" "\"allow_sorry\":true" ""
	  rec 2 "def f (x : Bool) : Nat := by\n  by_cases x\n  { apply Nat.succ }" "" ""; } > in &&
	CS_LEAN_REPL="$DOUBLE --transcript $FIXTURES/repl/readme.in" test_exit 1 cs-verify -j 1 in > out1 &&
	test_eq "$(verdict 1 out1)" sorry &&
	test_grep "\"goal\":\"x : Unit\\\\n⊢ Nat\"" out1 &&
	CS_LEAN_REPL="$DOUBLE --transcript $FIXTURES/repl/incomplete.in" test_exit 1 cs-verify -j 1 in > out2 &&
	test_eq "$(verdict 2 out2)" fail &&
	test_grep "\"id\":2,.*\"why\":\"3:19: unsolved goals …\"" out2
'

test_expect_success 'a command the REPL refuses is an error of the checker, not a failure of the code' '
	test_eq "$(verdict 2 out1)" error &&
	test_grep "\"id\":2,.*\"why\":\"the REPL (CS_LEAN_REPL=python3 [^\"]*) refused our command (coldstart-test-double: no reply in the transcript" out1 &&
	test_grep "\"id\":2,.*crashed 2 times before" out1 &&
	test_eq "$(verdict 1 out2)" error
'

test_expect_success 'bad records are reported and skipped; exit 1' '
	fresh &&
	{ echo "{\"id\":1}"; echo "not json"; rec 3 "theorem t3 : True := trivial"; } > in &&
	test_exit 1 cs-verify in > out 2> err &&
	test_grep "in:1: record without a \"code\" string" err &&
	test_eq "$(wc -l < out)" 1 &&
	test_eq "$(verdict 3 out)" pass
'

test_expect_success 'no checker configured: configuration error' '
	(unset CS_LEAN_REPL; test_exit 3 cs-verify in > out 2> err) &&
	test_grep "no Lean checker" err
'

test_expect_success 'usage' '
	cs-verify -h > out &&
	test_grep "usage: cs-verify" out &&
	test_exit 2 cs-verify -x 2> err
'


test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
