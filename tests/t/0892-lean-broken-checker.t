#!/bin/sh
# Issue 23: a checker that is truly broken (the REPL starts, answers the version query
# and imports the header, then dies on every check, the canary's known-good one too)
# is the checker's fault (told by the canary, or at once when it fails on too many
# other commands for a code's deaths to mean anything): errors, the work pending, and the run stops with exit 3
# after CS_MAX_INFRA_FAULTS of them in a row; nothing is failed.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0892-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
GOOD=$CS_LEAN_REPL
export CS_LEAN_TIMEOUT=60 CS_MAX_INFRA_FAULTS=3

test_expect_success 'a REPL that dies on every check, canaries included: exit 3, work pending, nothing failed' '
	CS_LEAN_REPL="$GOOD --crash-every 1" test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "checks in a row could not run" err &&
	test_grep "failed a canary too\|too often to tell whose fault it is; the checker.s" err &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status = '\''failed'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''fail'\''")" 0 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\''")" -ge 3 &&
	test_eq "$(sql "SELECT status FROM runs WHERE id = 1")" stopped &&
	test "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\'' AND (why LIKE '\''%failed a canary too%'\''
		OR why LIKE '\''%too often to tell whose fault it is; the checker%'\'')")" -ge 3 &&
	test_eq "$(sql "SELECT code_faults FROM v_run_lean WHERE id = 1")" 0
'

test_expect_success 'the checker mended: the next run makes the whole corpus' '
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'
stop_double

test_expect_success 'no process of this test is left running' '
	sleep 0.2; ! pgrep -f -- "$TAG"
'

test_done
