#!/bin/sh
# The Lean pool under faults: timeouts, crashes, garbage, huge replies.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

# Issue 23 changed these: a hang or a crash is tried again on a fresh REPL, and only
# when it follows the code (2 timeouts, 4 deaths on one command) and a canary passes is it the code's
# (timeout, fail); a fault that does not follow the code costs a restart, no verdict.
# CS_LEAN_TIMEOUT=5: the replacement and the canary must import in time under load.
test_expect_success 'a check that hangs on fresh REPLs too times out, the REPL is killed, the next check passes' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: hang\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial"; } > in &&
	CS_LEAN_TIMEOUT=5 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" timeout &&
	test_eq "$(verdict 2 out)" pass &&
	test_grep "\"id\":1,.*Lean missed the deadline on the code 2 times.*passed a canary.*no answer within 5 s" out &&
	test_eq "$(starts)" 3 &&
	test_eq "$(imports)" 3 &&
	test_eq "$(logged "example : True := trivial")" 1 &&
	test_eq "$(grep -c "\"env\": 0, \"cmd\": \"theorem t2" double.log)" 1 &&
	test_eq "$(leftovers)" ""
'

test_expect_success 'a crash that follows the code on fresh REPLs is a failure of the code once a canary passes' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: crash\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial"; } > in &&
	cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" fail &&
	test_eq "$(verdict 2 out)" pass &&
	test_grep "\"id\":1,.*\"why\":\"Lean died on the code 4 times, each on a fresh REPL after the first, while a fresh REPL in the same slot then passed a canary.*Lean exited with status 3 during the check" out &&
	test_eq "$(grep -c "theorem t1" double.log)" 4 &&
	test_eq "$(grep "theorem t1" double.log | sed "s/,.*//" | sort -u | wc -l)" 4 &&
	test_eq "$(logged "example : True := trivial")" 1 &&
	test_eq "$(starts)" 5
'

test_expect_success 'a crash that does not repeat costs nothing but a restart' '
	fresh &&
	for i in 1 2 3 4; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log --crash-every 3" CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 4 &&
	test_eq "$(starts)" 2
'

test_expect_success 'hang-every: a hang that does not follow the code costs a restart, every check passes' '
	fresh &&
	for i in 1 2 3 4; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log --hang-every 2" CS_LEAN_JOBS=1 CS_LEAN_TIMEOUT=5 \
		cs-verify -j 1 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 4 &&
	test_eq "$(logged "example : True := trivial")" 0 &&
	test_eq "$(starts)" 4 &&
	test_eq "$(imports)" 4 &&
	test_eq "$(alive)" 0
'

test_expect_success 'garbage on stdout is a crash' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: garbage\n  trivial" > in &&
	test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "printed what is not JSON" out
'

test_expect_success 'a 50 MB reply is read whole; its messages are cut in the record' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: big\n  trivial" > in &&
	cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_grep "more bytes cut by coldstart" out &&
	test "$(wc -c < out)" -lt 200000
'

test_expect_success 'a reply larger than CS_LEAN_MAX_REPLY is a crash' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: big\n  trivial" > in &&
	CS_LEAN_MAX_REPLY=1000000 test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "answered more than 1000000 bytes" out
'


test_expect_success 'a reply over CS_LEAN_MAX_REPLY is a crash even when it arrives in one piece' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: big\n  trivial" > in &&
	CS_LEAN_REPL="$DOUBLE --big-mb 0.02" CS_LEAN_MAX_REPLY=4096 test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "answered more than 4096 bytes" out &&
	CS_LEAN_REPL="$DOUBLE --big-mb 0.02" CS_LEAN_MAX_REPLY=100000 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
