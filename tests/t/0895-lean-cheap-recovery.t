#!/bin/sh
# Issue 23: recovery costs what it must and no more. After a crash only the crashed
# slot restarts (the other process keeps its warm environment: no process imports its
# header twice) and the check goes on there from the lost command; a process retired
# while checks wait is replaced in advance, its header imported before a check asks
# (at most one replacement too many: the last one may find no check left).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'a crash restarts only its slot; each process imports once; the rest pass' '
	fresh &&
	for i in 1 2 3 4 5 6 7 8; do
		if [ $i = 3 ]; then rec $i "theorem t$i : True := by -- double: crash\n  trivial"
		else rec $i "theorem t$i : True := by\n  trivial"; fi
	done > in &&
	CS_LEAN_JOBS=2 CS_VERBOSE=1 cs-verify -j 8 in > out 2> err &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 7 &&
	test_eq "$(starts)" 6 &&
	test_eq "$(imports)" 6 &&
	test_eq "$(grep -c "theorem t3" double.log)" 4 &&
	for p in $(ls pids); do
		test_eq "$(grep "\"pid\": $p," double.log | grep -c "\"cmd\": \"import")" 1 || exit 1
	done
'

test_expect_success 'a process retired while checks wait is replaced in advance, header imported first' '
	fresh &&
	for i in 1 2 3 4 5 6 7 8; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_JOBS=2 CS_LEAN_MAX_USES=2 CS_VERBOSE=1 cs-verify -j 8 in > out 2> err &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 8 &&
	test_grep "pool: \([45]\) starts, \1 imports, 8 checks, 0 crashes, 0 timeouts, 3 recycled, .* [1-3] started in advance" err &&
	for p in $(ls pids); do
		test_eq "$(grep "\"pid\": $p," double.log | grep -c "\"cmd\": \"import")" 1 || exit 1
	done
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
