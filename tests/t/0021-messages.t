#!/bin/sh
# Messages in the user's words: a missing directory is said to be missing (no shell
# line numbers, not "not writable"), SQLite's errors come with their meaning, a
# missing input stops `coldstart run` before anything is created, and a setting's
# typo is answered with the nearest setting's name.
. "$(dirname "$0")/lib.sh"

IN=$FIXTURES/inputs/proofnet.jsonl

test_expect_success 'run: CS_DB in a directory that does not exist: said so, exit 3, nothing created' '
	CS_DB=$TRASH/no/such/dir/x.db test_exit 3 coldstart run "$IN" > out 2> err &&
	test_grep "directory $TRASH/no/such/dir does not exist" err &&
	test_no_grep "line [0-9]" err && test_no_grep "No such file" err &&
	test ! -e "$TRASH/no"
'

test_expect_success 'run nosuch.jsonl: exit 2 before anything is created (no corpus, no lock)' '
	CS_DB=$TRASH/c.db test_exit 2 coldstart run nosuch.jsonl > out 2> err &&
	test_grep "^coldstart: run: nosuch.jsonl: no such file or directory" err &&
	test ! -e c.db && test ! -e c.db.lock &&
	CS_DB=$TRASH/c.db test_exit 2 coldstart run "$IN" nosuch.jsonl 2> err &&
	test ! -e c.db && test ! -e c.db.lock
'

test_expect_success 'the stages and commands: a missing directory is named, not an SQLite code' '
	CS_DB=$TRASH/gone/x.db test_exit 3 cs-ingest -q "$IN" 2> err &&
	test_grep "cannot open the corpus: directory $TRASH/gone does not exist" err &&
	test_no_grep "unable to open" err &&
	CS_DB=$TRASH/gone/x.db test_exit 3 coldstart export 2> err &&
	test_grep "no corpus here" err &&
	CS_DB=$TRASH/gone/x.db test_exit 3 coldstart list 2> err && test_grep "no corpus here" err &&
	CS_DB=$TRASH/gone/x.db test_exit 3 coldstart retry 2> err && test_grep "no corpus here" err &&
	test ! -e "$TRASH/gone"
'

test_expect_success 'doctor: a missing directory "does not exist", not "not writable"' '
	CS_DB=$TRASH/gone/x.db test_exit 3 cs-doctor > out 2> err;
	test_grep "^FAIL corpus     $TRASH/gone/x.db cannot be created: directory $TRASH/gone does not exist$" out &&
	test_no_grep "not writable" out
'

test_expect_success 'a file that is not a corpus: what SQLite said, with its meaning' '
	printf "%0512d" 0 > notdb.db &&
	CS_DB=$TRASH/notdb.db test_exit 4 cs-ingest -q "$IN" 2> err &&
	test_grep "not an SQLite database (another kind of file, or damaged) (SQLite: file is not a database)" err &&
	CS_DB=$TRASH/notdb.db cs-doctor > out 2> err;
	test_grep "FAIL corpus .*not an SQLite database" out
'

test_expect_success 'a typo in a setting: the nearest setting named' '
	CS_SAMPLE=3 cs-doctor --settings-only 2> err &&
	test_grep "^cs-doctor: warning: unknown setting CS_SAMPLE: did you mean CS_SAMPLES?$" err &&
	CS_LEAN_TIMOUT=3 CS_PROVR_URL=http://x cs-doctor --settings-only 2> err &&
	test_grep "unknown setting CS_LEAN_TIMOUT: did you mean CS_LEAN_TIMEOUT?" err &&
	test_grep "unknown setting CS_PROVR_URL: did you mean CS_PROVER_URL?" err &&
	CS_ZZZZZZ=1 cs-doctor --settings-only 2> err &&
	test_grep "unknown setting CS_ZZZZZZ (typo? cs-doctor -l lists them all)$" err &&
	test_no_grep "did you mean" err
'

test_done
