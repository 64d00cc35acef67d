#!/bin/sh
# Crash safety: `coldstart run` killed with SIGKILL at seeded random moments, then run
# again to completion, gives the corpus of an uninterrupted run: complete, no duplicate
# row, integrity and foreign keys intact; nothing of a killed run keeps running.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0800-$$
. "$TEST_DIR/llm-double.sh"
mkdir -p lean
RTAG=$TAG-repl
export CS_DB=$TRASH/c.db CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $RTAG --check-delay 0.02" CS_SAMPLES=2 CS_QUIET=1 \
	CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_LLM_BACKOFF=0.01 CS_LLM_BACKOFF_MAX=0.2
DEMO=$SRC_DIR/data/demo.jsonl
SEED=${CS_TEST_SEED:-800}
KILLS=5

# Processes of a run started with $marked: its environment holds CS_T0800=$TAG (the driver,
# the stages, GNU parallel, the REPL keepers), or its command line the REPL tag.
# Not a function: `$marked coldstart run &` must make $! the pid of the driver itself.
marked="env CS_T0800=$TAG"
# One grep reads every environment (a zombie's reads empty, so it is not counted).
run_procs() {
	{ for e in $(grep -lxzF "CS_T0800=$TAG" /proc/[0-9]*/environ); do
		p=${e#/proc/}; p=${p%/environ}
		echo "$p $(tr '\0' ' ' < "/proc/$p/cmdline")"
	done; } 2>/dev/null
	pgrep -af -- "$RTAG"
}
# gone SECONDS: wait until no process of a run is left; print what is.
gone() {
	i=0
	while [ -n "$(run_procs)" ] && [ $i -lt $(($1 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	left=$(run_procs)
	[ -z "$left" ] || { echo "left running:"; echo "$left"; return 1; }
}
# wait_for "SHELL CODE": until it succeeds (evaluated each time), at most 10 s.
wait_for() { i=0; while ! eval "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; eval "$1"; }
kill_runs() { for p in $(run_procs | cut -d" " -f1); do kill -9 "$p"; done 2>/dev/null; true; }
test_when_finished kill_runs
# kill_run_after SECONDS: start a run, SIGKILL the driver SECONDS after its engine
# started; counts in killed the runs that were still going.
kill_run_after() {
	$marked coldstart run "$DEMO" 2>>err &
	pid=$!
	# The moment counts from the engine's start (loading the inputs comes first and
	# takes long on a loaded machine); a kill before it leaves no run to mark.
	test_wait "pgrep -P $pid -x cs-run >/dev/null || ! kill -0 $pid 2>/dev/null"
	sleep "$1"
	kill -9 $pid 2>/dev/null
	wait $pid
	[ $? -ne 137 ] || echo "$1" >> killed
}
# No duplicated row in the tables with a natural key, integrity and foreign keys intact.
sound() {
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	test_eq "$(sql "PRAGMA foreign_key_check")" "" &&
	test_eq "$(sql "SELECT count(*) FROM (SELECT problem_id FROM corpus GROUP BY problem_id HAVING count(*) > 1)")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM (SELECT cache_key FROM attempts GROUP BY cache_key HAVING count(*) > 1)")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM (SELECT stmt_key FROM problems GROUP BY stmt_key HAVING count(*) > 1)")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM (SELECT sketch_id, idx FROM subgoals GROUP BY sketch_id, idx HAVING count(*) > 1)")" 0
}

start_double --oracle "$FIXTURES/dsp2" --latency 0.1

test_expect_success 'an uninterrupted run: the reference (5 corpus rows)' '
	t0=$(date +%s.%N) &&
	CS_DB=$TRASH/ref.db $marked coldstart run "$DEMO" 2>err &&
	echo "$(date +%s.%N) - $t0" | bc > ref.seconds &&
	test_eq "$(CS_DB=$TRASH/ref.db sql "SELECT count(*) FROM corpus")" 5 &&
	CS_DB=$TRASH/ref.db sql "SELECT name, formal_proof FROM corpus ORDER BY name" > ref.corpus
'

# Moments to kill at: seeded; each run resumes the work of the one before, so each gets
# a fraction of the length of an uninterrupted run.
awk -v seed="$SEED" -v n=$KILLS -v t="$(cat ref.seconds 2>/dev/null || echo 3)" \
	'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.2f\n", 0.2 + rand() * t / 4 }' > delays
echo "# seed $SEED: SIGKILL after $(tr '\n' ' ' < delays)s (reference run $(cat ref.seconds 2>/dev/null)s)"

test_expect_success "$KILLS runs killed by SIGKILL leave nothing running, each time" '
	for d in $(cat delays); do
		kill_run_after "$d"
		gone 15 || { echo "after SIGKILL at ${d}s"; exit 1; }
		sound || { echo "after SIGKILL at ${d}s"; exit 1; }
	done &&
	echo "killed mid-run after: $(cat killed | tr "\n" " ")" &&
	test "$(wc -l < killed)" -ge 3
'

# A SIGKILLed driver takes its engine down with SIGTERM (PR_SET_PDEATHSIG): the engine
# records the run interrupted, unless it was killed before it could.
test_expect_success 'the killed runs are marked killed or interrupted, none stays running' '
	{ $marked coldstart run "$DEMO" 2>err || { tail -5 err; exit 1; }; } &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status = '\''running'\''")" 0 &&
	test "$(sql "SELECT count(*) FROM runs WHERE status IN ('\''killed'\'', '\''interrupted'\'')")" -ge "$(wc -l < killed)" &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status NOT IN ('\''killed'\'', '\''interrupted'\'', '\''done'\'')")" 0 &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" done &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status = '\''killed'\'' AND ended_at IS NULL")" 0 ||
	{ echo "killed mid-run: $(cat killed | tr "\n" " ")"; sql -header "SELECT id, status, started_at, ended_at, counts FROM runs"; false; }
'

test_expect_success 'then the corpus is the one of the uninterrupted run: complete, no duplicates, sound' '
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	sql "SELECT name, formal_proof FROM corpus ORDER BY name" > got.corpus &&
	test_cmp ref.corpus got.corpus &&
	sound &&
	gone 15
'

# The engine itself (cs-run, the corpus's one writer) killed by SIGKILL mid-transaction:
# no SIGTERM reaches it first, nothing records the run's end.
kill_engine_after() {
	$marked coldstart run "$DEMO" 2>>err &
	pid=$!
	# The moment counts from the engine's start: a loaded machine may take long to get there.
	test_wait "pgrep -P $pid -x cs-run >/dev/null || ! kill -0 $pid 2>/dev/null"
	sleep "$1"
	eng=$(pgrep -P $pid -x cs-run)
	[ -n "$eng" ] && kill -9 $eng 2>/dev/null && echo "$1" >> killed.engine
	wait $pid
}
test_expect_success "the engine killed by SIGKILL at $KILLS seeded moments: the same corpus in the end" '
	export CS_DB=$TRASH/engine.db &&
	for d in $(cat delays); do
		kill_engine_after "$d"
		gone 15 || { echo "after SIGKILL of cs-run at ${d}s"; exit 1; }
		sound || { echo "after SIGKILL of cs-run at ${d}s"; exit 1; }
	done &&
	echo "engine killed mid-run after: $(cat killed.engine | tr "\n" " ")" &&
	test "$(wc -l < killed.engine)" -ge 3 &&
	$marked coldstart run "$DEMO" 2>err &&
	sql "SELECT name, formal_proof FROM corpus ORDER BY name" > got.corpus &&
	test_cmp ref.corpus got.corpus && sound &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status = '\''running'\''")" 0
'

test_expect_success 'a third run adds nothing' '
	sql "SELECT count(*) FROM attempts; SELECT count(*) FROM problems; SELECT count(*) FROM verifications" > before &&
	$marked coldstart run "$DEMO" 2>err &&
	sql "SELECT count(*) FROM attempts; SELECT count(*) FROM problems; SELECT count(*) FROM verifications" > after &&
	test_cmp before after
'

# A long check (each Lean check takes 60 s): without the driver, its engine and
# REPLs must stop at once (within seconds, even on a loaded machine), not finish their
# work (they would hold the lock meanwhile).
test_expect_success 'SIGKILL of the driver mid-run takes down its engine and REPLs at once' '
	export CS_DB=$TRASH/long.db &&
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $RTAG --check-delay 60" $marked coldstart run "$DEMO" 2>err &
	pid=$! &&
	wait_for "pgrep -f -- \"$RTAG\" >/dev/null" &&
	test_wait "run_procs | grep -q cs-run" &&
	kill -9 $pid && { wait $pid; true; } &&
	gone 15 &&
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $RTAG" $marked coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	sound
'

test_expect_success 'the same with GNU parallel workers (CS_WORKERS=2)' '
	command -v parallel >/dev/null || { echo "no GNU parallel"; exit 1; }
	export CS_DB=$TRASH/par.db CS_WORKERS=2 &&
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $RTAG --check-delay 60" $marked coldstart run "$DEMO" 2>err &
	pid=$! &&
	wait_for "pgrep -f -- \"$RTAG\" >/dev/null" &&
	test_wait "run_procs | grep -q parallel && run_procs | grep -q cs-prove" &&
	kill -9 $pid && { wait $pid; true; } &&
	gone 20 &&
	{ $marked coldstart run "$DEMO" 2>err || { cat err; false; }; } &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	sound
'

test_expect_success 'a stage started for a driver that is already gone does not run' '
	sh -c "exit 0" & dead=$! && wait $dead &&
	echo "{}" | CS_DRIVER_PID=$dead CS_DB=$TRASH/none.db cs-store; rc=$? &&
	test "$rc" -ne 0 && test ! -e "$TRASH/none.db"
'

# A pipeline in a shell killed once its cs-store runs; cs-store reports the bad line it
# reads a second later only if it survived its shell. Sets $store to cs-store's pid.
orphan() {
	rm -f orphan.err
	sh -c "$1 { sleep 1; echo not-json; } | CS_DB=$TRASH/orphan.db cs-store 2> orphan.err" &
	sp=$!
	test_wait "pgrep -P $sp -x cs-store > store" && store=$(cat store) &&
	kill -9 $sp; wait $sp
	test -n "$store"
}
test_expect_success 'a stage under a driver ends with it; run by hand, it outlives its shell' '
	orphan "export CS_DRIVER_PID=\$\$;" &&
	test_wait "! kill -0 $store 2>/dev/null" &&
	test_eq "$(cat orphan.err)" "" &&
	orphan "" &&
	test_wait "grep -q \"orphan.db\\|line 1\\|<stdin>:1\" orphan.err" ||
	{ cat orphan.err; false; }
'

test_done
