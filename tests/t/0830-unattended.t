#!/bin/sh
# Unattended runs (cron, systemd): an infrastructure fault never fails a problem,
# signals end a run cleanly and quickly, and the exit code says what happened.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0830-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
REPL=$CS_LEAN_REPL
statuses() { sql "SELECT status, count(*) FROM problems GROUP BY status ORDER BY status"; }
# wait_for "SHELL CODE": until it succeeds (evaluated each time), at most 10 s.
wait_for() { i=0; while ! eval "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; eval "$1"; }
# signal SIG PID: to a process group with a negative PID (procps kill).
signal() { /bin/kill -s "$1" -- "$2"; }
elapsed_since() { echo "$(date +%s.%N) - $1" | bc; }

test_expect_success 'a Lean checker that cannot start: exit 3 at once, one line naming it, nothing failed' '
	export CS_DB=$TRASH/nolean.db &&
	t0=$(date +%s.%N) &&
	CS_LEAN_REPL=/nonexistent/repl test_exit 3 coldstart run "$DEMO" 2>err &&
	test "$(echo "$(elapsed_since $t0) < 30" | bc)" = 1 &&
	test_eq "$(grep -v "^cs-run: run [0-9]* stopped (exit 3): " err | grep -c "checks in a row could not run")" 1 &&
	tail -n 1 err | grep -q "^cs-run: run [0-9]* stopped (exit 3): .*checks in a row could not run" &&
	test_grep "Lean checker (/nonexistent/repl)" err &&
	echo "new|5" > want && statuses > got && test_cmp want got &&
	test_eq "$(sql "SELECT status FROM runs")" stopped &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\''")" 5
'

test_expect_success 'the same corpus with the checker fixed: the next run completes it, asking nothing twice' '
	export CS_DB=$TRASH/nolean.db &&
	asked=$(sql "SELECT count(*) FROM attempts") &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE run_id = 2 AND stage = '\''prove_e2e'\''")" 0 &&
	test "$(sql "SELECT count(*) FROM attempts")" -gt "$asked"
'

test_expect_success 'an endpoint that refuses connections: exit 3 quickly, the work pending, the next run completes' '
	export CS_DB=$TRASH/noprover.db &&
	t0=$(date +%s.%N) &&
	CS_PROVER_URL=http://127.0.0.1:9/v1 CS_LLM_RETRIES=2 test_exit 3 coldstart run "$DEMO" 2>err &&
	test "$(echo "$(elapsed_since $t0) < 30" | bc)" = 1 &&
	test_eq "$(grep -v "^cs-run: run [0-9]* stopped (exit 3): " err | grep -c "requests in a row could not be delivered")" 1 &&
	test_grep "prover endpoint http://127.0.0.1:9/v1" err &&
	test "$(grep -c "Couldn.t connect" err)" -le 6 &&
	echo "new|5" > want && statuses > got && test_cmp want got &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'

test_expect_success 'CS_LLM_RETRIES=0 against it: the same clear stop, not "changed nothing"' '
	export CS_DB=$TRASH/noretry.db &&
	CS_PROVER_URL=http://127.0.0.1:9/v1 CS_LLM_RETRIES=0 test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "requests in a row could not be delivered" err &&
	test_no_grep "changed nothing" err
'

# A run whose Lean checks take 3 s each, in a session of its own: its process group
# is what Ctrl-C, systemctl stop and a cron timeout signal. (A background job of a
# script starts with SIGINT ignored, which coldstart respects, as nohup's SIGHUP:
# env gives it the default back, as a terminal or systemd would.)
slow_run() {
	CS_LEAN_REPL="$REPL --check-delay 3" env --default-signal=INT,TERM,HUP setsid coldstart run "$DEMO" 2>err &
	pid=$!
	wait_for "sql \"SELECT count(*) FROM attempts\" 2>/dev/null | grep -qv \"^0\$\""
	sleep 0.5
}
# ended_within SECONDS: the run of $pid ended by then; its status in rc.
ended_within() {
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt $(($1 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	! kill -0 $pid 2>/dev/null || { echo "still running after $1 s"; signal KILL -$pid; return 1; }
	wait $pid; rc=$?
}
sound() {
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status = 'running'")" 0 &&
	! pgrep -f -- "$TAG.*--check-delay 3"
}

test_expect_success 'SIGINT to the process group mid-run: ends within 2 s, exit 130, recorded interrupted' '
	export CS_DB=$TRASH/int.db &&
	slow_run &&
	signal INT -$pid &&
	ended_within 2 && test_eq "$rc" 130 &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" interrupted &&
	sound
'

test_expect_success 'SIGTERM to the driver alone (a cron timeout): exit 143, nothing left running' '
	export CS_DB=$TRASH/term.db &&
	slow_run &&
	kill -TERM $pid &&
	ended_within 2 && test_eq "$rc" 143 &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" interrupted &&
	sound
'

test_expect_success 'SIGHUP: exit 129; then a run with a working checker completes the corpus' '
	export CS_DB=$TRASH/term.db &&
	slow_run &&
	kill -HUP $pid &&
	ended_within 2 && test_eq "$rc" 129 && sound &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'

test_expect_success 'exit codes of inputs: a missing file is 2 before anything is created; an empty directory is 1' '
	export CS_DB=$TRASH/inputs.db &&
	mkdir -p empty &&
	test_exit 2 coldstart run nonexistent.jsonl "$DEMO" 2>err &&
	test_grep "nonexistent.jsonl: no such file or directory (nothing was created)" err &&
	test ! -e "$CS_DB" && test ! -e "$CS_DB.lock" &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_exit 1 coldstart run empty 2>err && test_grep "no .lean file below it" err
'

test_expect_success 'six bad lines of eleven: exit 1, the five good ones loaded and run' '
	export CS_DB=$TRASH/mixed.db &&
	{ cat "$DEMO"; for i in 1 2 3 4 5 6; do echo "{\"name\": \"bad$i\"}"; done; } > mixed.jsonl &&
	test_exit 1 coldstart run mixed.jsonl 2>err &&
	test_eq "$(grep -c "mixed.jsonl:[0-9]*:" err)" 6 &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'

test_expect_success '- reads problems from stdin; no file and no corpus says what to do (exit 2)' '
	export CS_DB=$TRASH/stdin.db &&
	head -n 1 "$DEMO" | coldstart run - 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 1 &&
	CS_DB=$TRASH/none.db test_exit 2 coldstart run 2>err &&
	test_grep "no problems to work on" err && test ! -e "$TRASH/none.db"
'

test_expect_success 'a run under nohup keeps ignoring SIGHUP' '
	export CS_DB=$TRASH/nohup.db
	CS_LEAN_REPL="$REPL --check-delay 1" nohup coldstart run "$DEMO" > /dev/null 2>err &
	pid=$! &&
	{ wait_for "sql \"SELECT count(*) FROM attempts\" 2>/dev/null | grep -qv \"^0\$\"" || { echo no attempts; cat err; false; }; } &&
	kill -HUP $pid && sleep 1 &&
	{ kill -0 $pid || { cat err; false; }; } &&
	kill -TERM $pid && ended_within 5 && { test_eq "$rc" 143 || { cat err; false; }; }
'

stop_double
test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
