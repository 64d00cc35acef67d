#!/bin/sh
# Issue 20: coldstart reverify is safe to kill and resumable. Killed (SIGKILL, then
# SIGTERM) in the middle, it leaves every verdict it printed stored, no REPL behind,
# a corpus that opens; run again it checks only what is left (and the first 2 x
# CS_LEAN_JOBS proofs again: they are under way when the first check tells the
# toolchain's Lean version). The corpus: the schema 2
# fixture (tests/fixtures/corpus-v2), 3 rows and 13 lemma proofs.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0871-$$
export CS_DB=$TRASH/c.db CS_LEAN_SANDBOX=none CS_LEAN_JOBS=1 CS_QUIET=1 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --check-delay 0.3 --version 'coldstart-test-double 4.15.0'"
sqlite3 -batch "$CS_DB" < "$FIXTURES/corpus-v2/corpus-v2.sql"
TOTAL=16
FIRST=2 # 2 x CS_LEAN_JOBS
reverified() { sql "SELECT count(*) FROM rechecks WHERE origin = 'reverify'"; }
# wait_lines FILE N: until FILE has N lines (at most 300 s: a loaded machine is slow)
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do # the file may not exist yet
		[ $i -lt 3000 ] || { echo "no $2 lines in $1 after 300 s"; return 1; }
		sleep 0.1; i=$((i + 1))
	done
}
# no_repl_left: the REPL doubles of this test are gone (at most 60 s)
no_repl_left() {
	i=0
	while pgrep -f "repl_double.py --tag $TAG" > /dev/null; do
		[ $i -lt 600 ] || { echo "REPLs left behind:"; pgrep -af "repl_double.py --tag $TAG"; return 1; }
		sleep 0.1; i=$((i + 1))
	done
}

test_expect_success 'killed with SIGKILL mid-way: every verdict printed is stored, no REPL left' '
	cs-reverify --lemmas > out1 2> err1 & pid=$! &&
	wait_lines out1 4 && kill -KILL $pid; wait $pid; test $? -eq 137 &&
	p=$(wc -l < out1) && x=$(reverified) &&
	test "$x" -ge "$p" && test "$x" -le $((p + 1)) && test "$x" -lt $TOTAL && test "$x" -ge $FIRST &&
	no_repl_left &&
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	echo $x > x1
'

test_expect_success 'resumed: only the proofs left (and the first ones again), all hold: exit 0' '
	x=$(cat x1) &&
	cs-reverify --lemmas > out2 2> err2 &&
	test_eq "$(wc -l < out2)" $((TOTAL - x + FIRST)) &&
	test_eq "$(reverified)" $((TOTAL + FIRST)) &&
	test_eq "$(sql "SELECT count(DISTINCT problem_id) FROM rechecks WHERE origin = '\''reverify'\''")" $TOTAL &&
	sql "SELECT problem_id FROM rechecks WHERE origin = '\''reverify'\'' GROUP BY problem_id ORDER BY problem_id LIMIT $FIRST" > want &&
	sql "SELECT problem_id FROM rechecks WHERE origin = '\''reverify'\'' GROUP BY problem_id HAVING count(*) > 1" > got &&
	test_cmp want got &&
	test_eq "$(jget out2 "r[\"verdict\"]" | sort -u)" pass
'

test_expect_success 'run again when all is done: only the first ones are checked; --all checks everything' '
	cs-reverify --lemmas > out3 && test_eq "$(wc -l < out3)" $FIRST &&
	cs-reverify --lemmas --all > out4 && test_eq "$(wc -l < out4)" $TOTAL
'

test_expect_success 'SIGTERM mid-way: the run ends, what it stored stays, the corpus opens' '
	CS_LEAN_REPL="$CS_LEAN_REPL --breaks mathd_algebra_37" cs-reverify --lemmas --all > out5 2> err5 & pid=$! &&
	before=$(reverified) &&
	wait_lines out5 3 && kill -TERM $pid; wait $pid; rc=$? &&
	test $rc -ne 0 && no_repl_left &&
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	test "$(reverified)" -ge $((before + 3))
'

test_expect_success 'a checker that cannot run: exit 3 after CS_MAX_INFRA_FAULTS checks in a row, nothing stored as a verdict' '
	before=$(reverified) &&
	test_exit 3 env CS_MAX_INFRA_FAULTS=2 CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --crash-every 1" \
		cs-reverify --lemmas --all > out6 2> err6 &&
	test_grep "2 checks in a row could not run" err6 &&
	test_eq "$(reverified)" "$before" && test ! -s out6 && no_repl_left
'

test_done
