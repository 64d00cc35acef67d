#!/bin/sh
# A run that stops early says why in its last line and records itself `stopped` with
# the cause (runs.counts.cause), a full disk included (it used to stay 'running' and
# be relabelled 'killed' by the next run); cs-ingest takes the run lock.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0883-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
cause() { sql "SELECT json_extract(counts, '\$.cause') FROM runs WHERE id = $1"; }

test_expect_success 'cs-ingest waits for no run: exit 3 while the lock is held, nothing added' '
	( flock -n 9 && test_exit 3 cs-ingest "$DEMO" 2> err ) 9>> "$CS_DB.lock" &&
	test_grep "holds $CS_DB.lock" err &&
	{ test ! -s "$CS_DB" || test_eq "$(sql "SELECT count(*) FROM problems")" 0; }
'

test_expect_success 'an endpoint down: exit 3, stopped with its cause, the last line says why' '
	CS_PROVER_URL=http://127.0.0.1:9/v1 CS_LLM_RETRIES=0 CS_MAX_INFRA_FAULTS=2 CS_QUIET= \
		test_exit 3 coldstart run "$DEMO" 2> err &&
	id=$(sql "SELECT max(id) FROM runs") &&
	test_eq "$(sql "SELECT status FROM runs WHERE id = $id")" stopped &&
	cause $id > c && test_grep "prover endpoint http://127.0.0.1:9/v1" c &&
	tail -n 1 err > last &&
	test_grep "^cs-run: run $id stopped (exit 3): prover endpoint http://127.0.0.1:9/v1.*; the work stays pending: run again once that is fixed$" last &&
	coldstart run 2> err2 &&
	test_eq "$(sql "SELECT status FROM runs WHERE id = $id")" stopped &&
	test_eq "$(sql "SELECT count(*) FROM runs WHERE status = '\''killed'\''")" 0
'

mkdir -p full
if mount -t tmpfs -o size=4m tmpfs full 2>/dev/null; then
	test_when_finished "umount $TRASH/full"
	trap 'umount "$TRASH/full" 2>/dev/null; kill_tagged 2>/dev/null; test_cleanup' EXIT
	test_expect_success 'a full disk: exit 4, recorded stopped with the cause, not relabelled killed' '
		export CS_DB=$TRASH/full/c.db &&
		cs-ingest "$DEMO" 2> /dev/null &&
		{ dd if=/dev/zero of=full/pad bs=4k 2> /dev/null; true; } &&
		truncate -s -320K full/pad &&
		test_exit 4 coldstart run 2> err &&
		test_grep "disk is full" err &&
		id=$(sql "SELECT max(id) FROM runs") &&
		test_eq "$(sql "SELECT status FROM runs WHERE id = $id")" stopped &&
		cause $id > c && test_grep "disk is full" c &&
		tail -n 1 err > last && test_grep "^cs-run: run $id stopped (exit 4): .*disk is full" last &&
		test ! -e "$CS_DB.reserve" &&
		rm full/pad && coldstart run 2> err2 &&
		test_eq "$(sql "SELECT status FROM runs WHERE id = $id")" stopped &&
		test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" done &&
		test_eq "$(sql "SELECT count(*) FROM corpus")" 5
	'
else
	test_skip 'a full disk: cannot mount a small tmpfs here (not root?)'
fi

test_done
