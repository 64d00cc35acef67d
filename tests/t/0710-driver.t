#!/bin/sh
# The driver around the stages: doctor, the progress line on a terminal, quiet
# runs for cron, and an installed coldstart running its demo.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0710-$$
. "$TEST_DIR/llm-double.sh"
mkdir -p lean
export CS_DB=$TRASH/c.db CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=1 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG" CS_SAMPLES=2 \
	CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double
start_double --oracle "$FIXTURES/dsp2" --models prover-double,decomposer-double

test_expect_success 'doctor: one ok line per endpoint, the Lean REPL and the corpus' '
	coldstart doctor > out 2> err &&
	test_grep "^ok   decomposer .*serves decomposer-double" out &&
	test_grep "^ok   prover .*serves prover-double" out &&
	test_grep "^ok   lean .*1 + 1 = 2" out &&
	test_grep "^ok   corpus .*c.db does not exist yet: the first run creates it" out &&
	test ! -e "$CS_DB"
'

test_expect_success 'doctor: a model the endpoint does not serve, a REPL that does not start' '
	CS_PROVER_MODEL=nope CS_LEAN_REPL=/no/such/repl test_exit 3 coldstart doctor > out 2> err &&
	test_grep "^FAIL prover .*nope" out &&
	test_grep "^FAIL lean" out &&
	test_grep "^ok   decomposer" out
'

test_expect_success 'doctor: an endpoint that is down' '
	CS_DECOMPOSER_URL=http://127.0.0.1:9/v1 test_exit 3 coldstart doctor > out 2> err &&
	test_grep "^FAIL decomposer .*127.0.0.1:9" out
'

test_expect_success 'on a terminal: a live progress line of every stage at once' '
	command -v script >/dev/null || { echo "# script(1) missing"; exit 1; }
	script -qec "coldstart run $SRC_DIR/data/demo.jsonl" /dev/null > tty.out 2>&1 &&
	tr "\r" "\n" < tty.out | sed "s/^$(printf "\033")\[K//" > lines &&
	test_grep "^[0-9]/5 done ([0-9] failed), corpus [0-9] (+[0-9]), .*ETA [0-9hms?]*  [0-9]*s  | prove [0-9]*/[0-9]*  decompose [0-9]*/[0-9]*  recombine [0-9]*/[0-9]*  waiting: prover [0-9]* decomposer [0-9]* lean [0-9]*" lines &&
	test_grep "^5/5 done (0 failed), corpus 5 (+5), .*  tokens [1-9]" lines
'

test_expect_success '-q (cron): nothing on stderr for a run without trouble' '
	rm -f "$CS_DB" &&
	script -qec "coldstart run -q $SRC_DIR/data/demo.jsonl 2>err.q" /dev/null > tty.out 2>&1 &&
	test ! -s err.q &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'

test_expect_success 'the run records its configuration, never a key' '
	rm -f "$CS_DB" &&
	CS_PROVER_API_KEY=sk-planted-0710 CS_QUIET=1 coldstart run "$SRC_DIR/data/demo.jsonl" &&
	sql "SELECT config FROM runs" > config &&
	test_grep "CS_PROVER_MODEL" config &&
	test_no_grep "sk-planted-0710" config &&
	! grep -a -q "sk-planted-0710" "$CS_DB" "$CS_DB-wal" 2>/dev/null
'

stop_double
test_expect_success 'make install: the installed coldstart runs its demo offline' '
	make -s -C "$SRC_DIR" install DESTDIR="$TRASH/inst" PREFIX=/usr >make.out 2>&1 &&
	test -x inst/usr/bin/coldstart && test -x inst/usr/bin/cs-store &&
	test -f inst/usr/share/coldstart/data/minif2f.jsonl &&
	env -u CS_DB PATH=/usr/bin:/bin "$TRASH/inst/usr/bin/coldstart" demo "$TRASH/d" > out 2> err &&
	test_grep "\"messages\"" out &&
	test_eq "$(sqlite3 d/demo.db "SELECT count(*) FROM corpus")" 5
'

test_expect_success 'no process of this test is left running' '
	test_gone "$TAG" "$TRASH/d"
'

test_done
