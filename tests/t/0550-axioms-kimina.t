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
	test_grep "\"env\": 2, \"cmd\": \"#print axioms t1\"" double.log &&
	CS_LEAN_AXIOMS=0 cs-verify in > out2 &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out2)" 4 &&
	test_eq "$(grep -c "\"audited\":false" out2)" 4 &&
	test_eq "$(grep -c "#print axioms" double.log)" 4
'

test_expect_success 'kimina-lean-server backend: same verdicts, positions in body lines' '
	fresh &&
	{ python3 "$DOUBLES/repl_double.py" --kimina --tag $TAG --log "$TRASH/kimina.log" --max-seconds 120 > kport & } &&
	kpid=$! &&
	test_when_finished "kill $kpid" &&
	wait_for "grep -q PORT kport" &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry" "\"allow_sorry\":true"
	  rec 3 "theorem t3 : True := by\n  simp -- double: fail"
	  rec 4 "theorem t4 : True := by -- double: hang\n  trivial"
	  rec 5 "theorem t5 : True := by -- double: crash\n  trivial"; } > in &&
	CS_LEAN_URL=http://127.0.0.1:$(sed -n "s/^PORT //p" kport) CS_LEAN_TIMEOUT=1 \
		test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" sorry &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(verdict 4 out)" timeout &&
	test_eq "$(verdict 5 out)" error &&
	test_eq "$(field 1 checker out)" kimina &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_grep "\"id\":2,.*\"sorries\":\[{\"line\":2,\"col\":2," out &&
	test_grep "\"id\":3,.*\"why\":\"2:7: linarith" out &&
	test_grep "import Mathlib\\\\nopen Real\\\\ntheorem t1" kimina.log
'

test_expect_success 'kimina-lean-server backend: axiom audit in the same snippet' '
	fresh &&
	{ python3 "$DOUBLES/repl_double.py" --kimina --tag $TAG --log "$TRASH/kimina.log" --max-seconds 60 > kport & } &&
	kpid=$! &&
	test_when_finished "kill $kpid" &&
	wait_for "grep -q PORT kport" &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: axioms propext, sorryAx\n  trivial"; } > in &&
	CS_LEAN_URL=http://127.0.0.1:$(sed -n "s/^PORT //p" kport) CS_LEAN_AXIOMS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*\"why\":\"axiom audit: t2 depends on axiom sorryAx\"" out &&
	test_grep "theorem t1 : True := by\\\\n  trivial\\\\n\\\\n#print axioms t1" kimina.log
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
