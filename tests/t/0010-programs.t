#!/bin/sh
# Every program: -h/--help on stdout with exit 0, a bad option exits 2 with the
# usage on stderr prefixed by its name; the one exit-code table.
. "$(dirname "$0")/lib.sh"

progs="cs-ingest cs-list cs-pending cs-prove cs-decompose cs-recombine cs-run cs-store cs-verify cs-llm cs-export cs-stats cs-doctor cs-audit cs-show cs-retry cs-reverify cs-fingerprint cs-setup-lean"

test_expect_success 'every program is built' '
	for p in $progs; do command -v $p >/dev/null || { echo "missing $p"; exit 1; }; done
'

test_expect_success '-h and --help print a usage on stdout and exit 0' '
	for p in $progs; do
		for o in -h --help; do
			$p $o >out 2>err || { echo "$p $o: exit $?"; exit 1; }
			grep -q "^usage: $p" out || { echo "$p $o: no usage line"; cat out; exit 1; }
			test -s err && { echo "$p $o wrote on stderr"; cat err; exit 1; }
			test "$(wc -l <out)" -le 30 || { echo "$p $o: more than one screen"; exit 1; }
		done
	done; true
'

test_expect_success 'a bad option exits 2 with the usage on stderr, named' '
	for p in $progs; do
		test_exit 2 $p --no-such-option >out 2>err || exit 1
		grep -q "^usage: $p" err || { echo "$p: no usage on stderr"; cat err; exit 1; }
		test -s out && { echo "$p wrote on stdout"; exit 1; }
	done; true
'

test_expect_success 'the driver: help, unknown command' '
	coldstart help >out && test_grep "^usage: coldstart" out &&
	test_exit 2 coldstart frobnicate 2>err && test_grep "^coldstart: unknown command .frobnicate.$" err &&
	test "$(wc -l < err)" -le 2
'

test_expect_success 'doc/operations.md documents the exit codes the programs use' '
	for c in 0 1 2 3 4 5; do grep -q "^| $c |" "$SRC_DIR/doc/operations.md" || { echo "doc/operations.md lacks code $c"; exit 1; }; done
'

test_done
