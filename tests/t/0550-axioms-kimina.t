#!/bin/sh
# The axiom audit (CS_LEAN_AXIOMS=1) and the kimina-lean-server backend (CS_LEAN_URL).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'axiom audit (on by default): only propext, Classical.choice and Quot.sound' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: axioms propext, sorryAx\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: axioms none\n  trivial"
	  rec 4 "theorem t4 : True := by\n  trivial" "\"theorem\":\"not_t4\""; } > in &&
	CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(field 1 audited out)" true &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*\"why\":\"axiom audit: t2 depends on axiom sorryAx\"" out &&
	test_eq "$(verdict 3 out)" pass &&
	test_eq "$(verdict 4 out)" fail &&
	test_grep "\"id\":4,.*unknown constant" out &&
	test_grep "\"env\": 2, \"cmd\": \"set_option pp.fullNames true in set_option pp.privateNames true in #print axioms _root_.t1\"" double.log &&
	CS_LEAN_AXIOMS=0 cs-verify in > out2 &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out2)" 4 &&
	test_eq "$(grep -c "\"audited\":false" out2)" 4 &&
	test_eq "$(grep -c "#print axioms" double.log)" 4
'

S5='"formal_statement":"theorem t5 (x : ℕ) (h : x = 1) : x + 1 = 2 := by"'
S6='"formal_statement":"theorem t6 (x : ℕ) (h : x = 1) : x + 1 = 2 := by"'
S7='"formal_statement":"theorem t7 : π > 3 := by"'
typed() {
	rec 5 "theorem t5 (x : ℕ) (h : x = 1) : x + 1 = 2 := by\n  omega" "$S5"
	rec 6 "-- double: means + *\ntheorem t6 (x : ℕ) (h : x = 1) : x + 1 = 2 := by\n  omega" "$S6"
	rec 7 "open Real\ntheorem t7 : π > 3 := by\n  linarith [Real.pi_gt_three]" "$S7" "" "import Mathlib"
}
# The verdicts of typed in FILE: t5 passes audited, t6 (meaning changed) and t7 (its
# statement needs the body's open) fail the type check, each with Lean's reason.
typed_verdicts() {
	test_eq "$(verdict 5 "$1")" pass &&
	test_eq "$(field 5 audited "$1")" true &&
	test_eq "$(verdict 6 "$1")" fail &&
	test_eq "$(field 6 audited "$1")" true &&
	test_grep "\"id\":6,.*\"why\":\"type check: t6 does not prove the problem's statement: type mismatch\\\\n  @t6\\\\nhas type\\\\n  [^\"]*x \\* 1 = 2 : Prop\\\\nbut is expected to have type\\\\n  [^\"]*x + 1 = 2 : Prop\"" "$1" &&
	test_eq "$(verdict 7 "$1")" fail &&
	test_grep "\"id\":7,.*\"why\":\"type check: the problem's statement does not elaborate in the header's environment: 2:4: unknown identifier .π." "$1"
}

test_expect_success 'type check: the theorem must have the type of the statement elaborated without the model'"'"'s code' '
	fresh &&
	typed > in &&
	CS_LEAN_JOBS=1 cs-verify in > out &&
	typed_verdicts out &&
	test_no_grep "theorem t7" double.log &&
	grep "\"cmd\": \"theorem coldstart_expected_\|\"cmd\": \"theorem t5\|\"cmd\": \"example" double.log | head -n 3 > order &&
	sed -n "s/.*\"env\": \([0-9]*\), \"cmd\": \"\([a-z]*\) \([a-z_0-9]*\).*/\1 \2 \3/p" order |
		sed "s/coldstart_expected_[0-9a-f]*/coldstart_expected_H/" > got &&
	printf "1 theorem coldstart_expected_H\n2 theorem t5\n3 example \n" > want &&
	test_cmp want got &&
	test_grep "\"cmd\": \"theorem coldstart_expected_[0-9a-f]\{8\} (x : ℕ) (h : x = 1) :\\\\n    x + 1 = 2\\\\n    := by\\\\n  sorry\"" double.log &&
	test_grep "\"cmd\": \"example : type_of% @_root_.coldstart_expected_[0-9a-f]\{8\} := @_root_.t5\\\\nset_option pp.fullNames true in set_option pp.privateNames true in #print axioms _root_.t5\"" double.log
'

test_expect_success 'the expected name is fresh per run: a model cannot name it in advance' '
	n1=$(grep -o "coldstart_expected_[0-9a-f]*" double.log | head -n 1) &&
	fresh &&
	typed > in &&
	CS_LEAN_JOBS=1 cs-verify in > out &&
	n2=$(grep -o "coldstart_expected_[0-9a-f]*" double.log | head -n 1) &&
	test -n "$n1" && test -n "$n2" && test "$n1" != "$n2"
'

test_expect_success 'CS_LEAN_AXIOMS=0: neither audit runs, and the rows say so' '
	fresh &&
	typed > in &&
	CS_LEAN_AXIOMS=0 cs-verify in > out &&
	test_eq "$(verdict 5 out)" pass &&
	test_eq "$(verdict 6 out)" pass &&
	test_eq "$(field 5 audited out)" false &&
	test_eq "$(field 6 audited out)" false &&
	test_no_grep "coldstart_expected_\|#print axioms\|type_of%" double.log
'

test_expect_success 'kimina-lean-server backend: the type check and the axiom audit in one snippet' '
	fresh && kimina_up ktype --log "$TRASH/kimina.log" &&
	{ typed; rec 8 "theorem t8 (x : ℕ) : x = x := by -- double: axioms propext, sorryAx\n  rfl" "\"formal_statement\":\"theorem t8 (x : ℕ) : x = x := by\""; } > in &&
	CS_LEAN_URL=$KURL cs-verify in > out &&
	typed_verdicts out &&
	test_eq "$(verdict 8 out)" fail &&
	test_grep "\"id\":8,.*\"why\":\"axiom audit: t8 depends on axiom sorryAx\"" out &&
	test_grep "\"id\":8,.*\"messages\":\[\]" out &&
	test_grep "import Mathlib\\\\nopen Real\\\\ntheorem coldstart_expected_[0-9a-f]\{8\} (x : ℕ) (h : x = 1) :\\\\n    x + 1 = 2\\\\n    := by\\\\n  sorry\\\\ntheorem t5 (x : ℕ) (h : x = 1) : x + 1 = 2 := by\\\\n  omega\\\\n\\\\nexample : type_of% @_root_.coldstart_expected_[0-9a-f]\{8\} := @_root_.t5\\\\nset_option pp.fullNames true in set_option pp.privateNames true in #print axioms _root_.t5\\\\n\"" kimina.log
'

test_expect_success 'kimina-lean-server backend: same verdicts, positions in body lines' '
	fresh && kimina_up kport --log "$TRASH/kimina.log" &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry" "\"allow_sorry\":true"
	  rec 3 "theorem t3 : True := by\n  simp -- double: fail"
	  rec 4 "theorem t4 : True := by -- double: hang\n  trivial"
	  rec 5 "theorem t5 : True := by -- double: crash\n  trivial"; } > in &&
	CS_LEAN_URL=$KURL CS_LEAN_TIMEOUT=5 \
		cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" sorry &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(verdict 4 out)" timeout &&
	test_eq "$(verdict 5 out)" fail &&
	test_grep "\"id\":5,.*\"why\":\"Lean died on the code 4 times, while the server then passed a canary.*Lean REPL process crashed" out &&
	test_eq "$(grep -c "\"kimina\": true, .*example : True := trivial" kimina.log)" 1 &&
	test_eq "$(field 1 checker out)" kimina &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_grep "\"id\":2,.*\"sorries\":\[{\"line\":2,\"col\":2," out &&
	test_grep "\"id\":3,.*\"why\":\"2:7: linarith" out &&
	test_grep "import Mathlib\\\\nopen Real\\\\ntheorem t1" kimina.log
'

test_expect_success 'kimina-lean-server backend: axiom audit in the same snippet' '
	fresh && kimina_up kport --log "$TRASH/kimina.log" &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: axioms propext, sorryAx\n  trivial"; } > in &&
	CS_LEAN_URL=$KURL CS_LEAN_AXIOMS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*\"why\":\"axiom audit: t2 depends on axiom sorryAx\"" out &&
	test_grep "theorem t1 : True := by\\\\n  trivial\\\\n\\\\nset_option pp.fullNames true in set_option pp.privateNames true in #print axioms _root_.t1" kimina.log
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
