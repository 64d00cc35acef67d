#!/bin/sh
# Issue 23: the reason a code's fault is given (out of memory, killed by signal N,
# exceeded N s), a REPL that grows past CS_LEAN_MAX_RSS retired after its check, and
# the statement elaborated once per process for all samples of a problem.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'out of memory and a signal on every try: fail with the reason once the canary passes' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: oom\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: signal 9\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: signal 24\n  trivial"
	  rec 4 "theorem t4 : True := by\n  trivial"; } > in &&
	CS_LEAN_MEMORY=4096 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" fail &&
	test_grep "\"id\":1,.*\"why\":\"Lean died on the code 4 times.*passed a canary.*Lean ran out of memory (CS_LEAN_MEMORY=4096 MiB, RLIMIT_AS; exited with status 1) during the check" out &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*Lean was killed by signal 9 (Killed) (the kernel.s out-of-memory killer, or RLIMIT_CPU.s hard limit) during the check" out &&
	test_eq "$(verdict 3 out)" fail &&
	test_grep "\"id\":3,.*Lean exceeded its CPU time limit (RLIMIT_CPU; killed by signal 24" out &&
	test_eq "$(verdict 4 out)" pass
'

test_expect_success 'CS_LEAN_MAX_RSS: a REPL that grew past it is restarted after its check, the check passes' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: grow 120\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial"
	  rec 3 "theorem t3 : True := by\n  trivial"; } > in &&
	CS_LEAN_MAX_RSS=100 CS_LEAN_JOBS=1 CS_VERBOSE=1 cs-verify in > out 2> err &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 3 &&
	test_grep "REPL in slot 0 holds 1[2-9][0-9] MiB (CS_LEAN_MAX_RSS=100): restarting it" err &&
	test_grep "pool: 2 starts, .* 1 retired for memory" err &&
	test_eq "$(starts)" 2 &&
	CS_LEAN_JOBS=1 CS_VERBOSE=1 cs-verify in > out 2> err &&
	test_grep "0 retired for memory" err
'

test_expect_success 'the statement is elaborated once per process for all the samples of a problem' '
	fresh &&
	S="theorem p (x : ℕ) (h : x = 1) : x + 1 = 2 := by" &&
	for i in 1 2 3 4; do rec $i "theorem p (x : ℕ) (h : x = 1) : x + 1 = 2 := by\n  omega -- sample $i" "\"theorem\":\"p\",\"formal_statement\":\"$S\""; done > in &&
	CS_LEAN_JOBS=1 cs-verify -j 1 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 4 &&
	test_eq "$(logged "\"cmd\": \"theorem coldstart_expected_")" 1 &&
	test_eq "$(logged "omega -- sample")" 4
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
