#!/bin/sh
# Issue 23: a proof on which Lean never answers (it hangs until CS_LEAN_TIMEOUT, on
# fresh REPLs too) is that proof's timeout, not the checker's fault: the lemma is
# settled (failed), the run ends 0 or 1 (never 3, the breaker), and the next run has
# nothing left to ask. CS_LEAN_TIMEOUT=8: generous for every other command (the
# double answers in milliseconds; a fresh REPL must start and import within it even
# on a loaded machine), and a hang costs two deadlines and a canary.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0891-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
# The lemma mathd_algebra_10_step2 (a subgoal of mathd_algebra_10's sketch, proved by
# the prover double in an undisturbed run): every command checking a proof of it
# (`theorem mathd_algebra_10_step2 ... := by` and a line break, which its statement's
# own checks, all `:= by sorry`, never have) never gets an answer.
LEMMA=mathd_algebra_10_step2
export CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --log $TRASH/repl.log --hang-on '(?s)theorem $LEMMA .*:= by\\n'" \
	CS_LEAN_TIMEOUT=8 CS_MAX_INFRA_FAULTS=2
pending() { sql "SELECT count(*) FROM problems WHERE status NOT IN ('proved', 'failed')"; }

test_expect_success 'a proof on which the REPL hangs every time: the lemma is settled, exit 0 or 1, never 3' '
	coldstart run "$DEMO" 2>err; rc=$? &&
	{ test $rc -eq 0 || test $rc -eq 1; } || { echo "exit $rc"; tail -5 err; exit 1; } &&
	test_eq "$(sql "SELECT status FROM problems WHERE name = '\''$LEMMA'\''")" failed ||
		{ sql "SELECT name, status, why FROM problems"; tail -5 err; exit 1; } &&
	test_eq "$(pending)" 0 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\''")" 0 &&
	n=$(sql "SELECT count(*) FROM verifications v JOIN problems p ON p.id = v.problem_id
		 WHERE p.name = '\''$LEMMA'\'' AND v.verdict = '\''timeout'\'' AND v.why LIKE '\''Lean missed the deadline on the code 2 times%passed a canary%exceeded 8 s%'\''") &&
	test "$n" -ge 1 || { sql "SELECT v.kind, v.verdict, v.why FROM verifications v JOIN problems p ON p.id = v.problem_id WHERE p.name = '\''$LEMMA'\''"; exit 1; }
'

test_expect_success 'the other problems are untouched; status and v_run_lean count the timeouts and code faults' '
	test "$(sql "SELECT count(*) FROM corpus")" -ge 4 &&
	test "$(sql "SELECT restarts_timeout FROM v_run_lean WHERE id = 1")" -ge 2 &&
	test "$(sql "SELECT code_faults FROM v_run_lean WHERE id = 1")" -ge 1 &&
	test_eq "$(sql "SELECT canary_failures FROM v_run_lean WHERE id = 1")" 0 &&
	coldstart status > st 2>&1 &&
	test_grep "Lean restarts by cause" st
'

test_expect_success 'a second run has nothing left: it asks nothing and checks nothing' '
	asked=$(sql "SELECT count(*) FROM attempts") &&
	checked=$(sql "SELECT count(*) FROM verifications") &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM attempts")" "$asked" &&
	test_eq "$(sql "SELECT count(*) FROM verifications")" "$checked" &&
	test_eq "$(pending)" 0
'
stop_double

test_expect_success 'no process of this test is left running' '
	sleep 0.2; ! pgrep -f -- "$TAG"
'

test_done
