#!/bin/sh
# coldstart retry: failed problems go back into the queue, exactly those selected,
# with their history kept and cached answers reused by the next run.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0740-$$
. "$TEST_DIR/pipeline.sh"
# Every problem as "name status why", to compare before and after.
states() { sql "SELECT name || ' ' || status || ' ' || coalesce(why, '-') FROM problems ORDER BY name"; }
id_of() { sql "SELECT id FROM problems WHERE name = '$1'"; }

start_double --oracle "$FIXTURES/dsp2"

# At CS_MAX_DEPTH=1 two lemmas of mathd_algebra_37 need a deeper decomposition.
test_expect_success 'a corpus with failures (CS_MAX_DEPTH=1)' '
	CS_MAX_DEPTH=1 coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status = '\''failed'\''")" 3 &&
	cp "$CS_DB" fresh.db
'

test_expect_success 'retry -n: what would be re-queued, and nothing changes' '
	states > before &&
	cs-retry -n > out 2> err &&
	cat > want <<-\EOT &&
	new        mathd_algebra_37_h₂ (depth 1): not proved at CS_MAX_DEPTH
	new        mathd_algebra_37_h₅ (depth 1): not proved at CS_MAX_DEPTH
	decomposed mathd_algebra_37 (depth 0): a subgoal failed: mathd_algebra_37_h₂
	3 problems would be re-queued (2 new, 1 waiting for their subgoals); dry run: nothing changed
	EOT
	test_cmp want out && test ! -s err &&
	states > after && test_cmp before after
'

test_expect_success 'the filters select exactly: --name, --depth, --why, together' '
	cs-retry -n --name "*_h₅" > out &&
	printf "%s\n" "new        mathd_algebra_37_h₅ (depth 1): not proved at CS_MAX_DEPTH" \
		"1 problem would be re-queued (1 new, 0 waiting for their subgoals); dry run: nothing changed" > want &&
	test_cmp want out &&
	cs-retry -n --depth 0 > out &&
	test_grep "^new        mathd_algebra_37 (depth 0): a subgoal failed" out &&
	test_eq "$(wc -l < out)" 2 &&
	cs-retry -n --why "^not proved" > out &&
	test_eq "$(sed -n "\$p" out)" "3 problems would be re-queued (2 new, 1 waiting for their subgoals); dry run: nothing changed" &&
	cs-retry -n --why "CS_MAX_DEPTH" --depth 0 > out &&
	test_eq "$(cat out)" "0 problems would be re-queued (0 new, 0 waiting for their subgoals); dry run: nothing changed" &&
	cs-retry -n --failed --name "mathd_algebra_37*" --why "DEPTH|subgoal" > out &&
	test_eq "$(wc -l < out)" 4
'

test_expect_success 'bad filters: exit 2, named' '
	test_exit 2 cs-retry --why "(" 2> err && test_grep "cs-retry: --why .(.: missing closing parenthesis" err &&
	test_exit 2 cs-retry --depth x 2> err && test_grep "depth x" err &&
	test_exit 2 cs-retry extra 2> err && test_grep "^usage: cs-retry" err &&
	states > after && test_cmp before after
'

test_expect_success 'retry re-runs exactly the selected problems, reusing cached answers' '
	before_max=$(sql "SELECT max(id) FROM problems") &&
	sql "SELECT count(*) FROM attempts" > attempts.before &&
	sql "SELECT name, status, updated_at FROM problems WHERE status = '\''proved'\'' ORDER BY name" > untouched.before &&
	coldstart retry --why "CS_MAX_DEPTH" > out &&
	test_eq "$(sed -n "\$p" out)" "3 problems re-queued (2 new, 1 waiting for their subgoals); the next \`coldstart run\` does the work" &&
	test_eq "$(sql "SELECT group_concat(status, '\'' '\'') FROM (SELECT status FROM problems WHERE name LIKE '\''mathd_algebra_37%'\'' AND depth <= 1 AND status != '\''proved'\'' ORDER BY name)")" \
		"decomposed new new" &&
	CS_MAX_DEPTH=2 coldstart run 2> err &&
	run=$(sql "SELECT max(id) FROM runs") &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status != '\''proved'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	h2=$(id_of mathd_algebra_37_h₂) && h5=$(id_of mathd_algebra_37_h₅) &&
	sql "SELECT DISTINCT problem_id FROM attempts WHERE run_id = $run AND problem_id NOT IN ($h2, $h5)
		AND problem_id <= $before_max" > others && test ! -s others &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE run_id = $run AND problem_id IN ($h2, $h5) AND stage = '\''prove'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE run_id = $run AND stage = '\''decompose'\''")" 2 &&
	sql "SELECT name, status, updated_at FROM problems WHERE name IN (SELECT name FROM problems) AND id <= $before_max
		AND name NOT LIKE '\''mathd_algebra_37%'\'' AND status = '\''proved'\'' ORDER BY name" > untouched.after &&
	grep -v "^mathd_algebra_37" untouched.before > untouched.want &&
	test_cmp untouched.want untouched.after &&
	test_eq "$(sql "SELECT count(*) FROM sketches WHERE problem_id = $(id_of mathd_algebra_37)")" 1 &&
	sql "SELECT formal_proof FROM corpus WHERE name = '\''mathd_algebra_37'\''" > got.lean &&
	theorem_of got.lean > got && theorem_of "$FIXTURES/dsp2/mathd_algebra_37.lean" > want &&
	test_cmp want got
'

test_expect_success 'a re-decomposed problem is recombined from its new sketch only' '
	cp fresh.db "$CS_DB" && rm -f "$CS_DB-wal" "$CS_DB-shm" &&
	p=$(id_of mathd_algebra_37) &&
	cs-retry --depth 0 > out && test_grep "^new        mathd_algebra_37 (depth 0)" out &&
	test_eq "$(sql "SELECT status FROM sketches WHERE problem_id = $p")" superseded &&
	coldstart retry --depth 1 > out && test_eq "$(wc -l < out)" 3 &&
	e2e=$(sql "SELECT count(*) FROM attempts WHERE problem_id = $p") &&
	CS_MAX_DEPTH=2 coldstart run 2> err &&
	test_eq "$(sql "SELECT status || '\'' '\'' || how FROM problems WHERE id = $p")" "proved decomposition" &&
	test_eq "$(sql "SELECT group_concat(status, '\'' '\'') FROM (SELECT status FROM sketches WHERE problem_id = $p ORDER BY id)")" \
		"superseded accepted" &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE problem_id = $p")" "$e2e" &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE problem_id = $p AND kind = '\''recombined'\''")" 1 &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	sql "SELECT formal_proof FROM corpus WHERE name = '\''mathd_algebra_37'\''" > got.lean &&
	theorem_of got.lean > got && theorem_of "$FIXTURES/dsp2/mathd_algebra_37.lean" > want &&
	test_cmp want got &&
	cs-show mathd_algebra_37 > show && test_grep "^  sketch #[0-9]*: superseded" show
'

test_expect_success 'retry waits for no run: a run holding the lock makes it exit 3' '
	flock -o "$CS_DB.lock" sleep 60 & lpid=$! &&
	test_when_finished "pkill -P $lpid; kill $lpid" &&
	test_locked "$CS_DB.lock" &&
	test_exit 3 coldstart retry 2> err && test_grep "holds .*lock" err
'

test_expect_success 'no corpus: exit 3, and none is created' '
	CS_DB=$TRASH/none.db test_exit 3 coldstart retry 2> err &&
	test_grep "no corpus here" err && test ! -e none.db && test ! -e none.db.lock
'

stop_double
test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
