#!/bin/sh
# One set of flags (doc/flags.md): a short letter means one thing in every program,
# each has a long form, the letters that used to mean other things are refused; the
# driver names an unknown command and shows each command's own help.
. "$(dirname "$0")/lib.sh"

progs="cs-ingest cs-list cs-pending cs-prove cs-decompose cs-recombine cs-run cs-store cs-verify cs-llm cs-export cs-stats cs-doctor cs-audit cs-show cs-retry"
FLAGS=$SRC_DIR/doc/flags.md

# "-X, --long" pairs of every program's --help, as "PROG -X --long".
pairs() {
	for p in $progs; do
		$p --help | grep -o -E '^ +-[A-Za-z], --[a-z][a-z-]*' | sed -E "s/^ +/$p /; s/,//"
	done
}

test_expect_success 'a short letter has one long form across programs, and doc/flags.md says so' '
	pairs > pairs && test "$(wc -l < pairs)" -ge 15 &&
	awk "{ print \$2, \$3 }" pairs | sort -u > letters &&
	awk "{ print \$1 }" letters | uniq -d > twice &&
	test ! -s twice || { echo "letters with two meanings:"; grep -F -f twice letters; exit 1; } &&
	while read -r l long; do
		grep -q "^| \`$l\` | \`$long" "$FLAGS" || { echo "doc/flags.md lacks $l $long"; exit 1; }
	done < letters
'

test_expect_success 'every letter of doc/flags.md is taken by a program that lists it' '
	sed -n "s/^| \`\(-[A-Za-z]\)\` | \`\(--[a-z-]*\).*/\1 \2/p" "$FLAGS" > documented &&
	test "$(wc -l < documented)" -ge 15 &&
	while read -r l long; do
		case $l in -h) continue ;; esac
		grep -q " $l $long$" pairs || { echo "no program lists $l, $long"; exit 1; }
	done < documented
'

test_expect_success 'the old meanings are refused (exit 2), their long forms work' '
	export CS_DB=$TRASH/c.db &&
	cs-ingest -q "$FIXTURES/inputs/proofnet.jsonl" &&
	test_exit 2 cs-show -j x 2> err && test_grep "^usage: cs-show" err &&
	test_exit 2 cs-ingest -f name=id x.jsonl 2> err && test_grep "^usage: cs-ingest" err &&
	test_exit 2 cs-doctor -s 2> err && test_grep "^usage: cs-doctor" err &&
	test_exit 2 cs-audit -n 1 2> err && test_grep "^usage: cs-audit" err &&
	test_exit 2 cs-pending -n 1 prove 2> err && test_grep "^usage: cs-pending" err &&
	test_exit 2 cs-llm -r prover 2> err && test_grep "^usage: cs-llm" err &&
	cs-pending --limit 1 prove > one && test_eq "$(wc -l < one)" 1 &&
	cs-pending --count prove > n && test "$(cat n)" -ge 2 &&
	cs-pending --summary > s && test -s s &&
	cs-stats --report progress > st && test_grep "^Problems by depth" st &&
	cs-list --status pending > l && test "$(wc -l < l)" -ge 2 &&
	cs-ingest --quiet --source again "$FIXTURES/inputs/proofnet.jsonl" 2> err && test ! -s err &&
	cs-doctor --list --format text > t && test_grep "^CS_SAMPLES=8 (integer" t &&
	cs-retry --dry-run > r && test_grep "would be re-queued" r
'

test_expect_success 'coldstart --bogus and coldstart bogus: the unknown command named, a hint, exit 2' '
	for c in --bogus bogus; do
		test_exit 2 coldstart $c > out 2> err && test ! -s out &&
		test_grep "^coldstart: unknown command .$c.$" err &&
		test_grep "coldstart help" err &&
		test "$(wc -l < err)" -eq 2 || exit 1
	done
'

test_expect_success 'COMMAND --help, COMMAND -h and help COMMAND: that command'\''s usage, exit 0' '
	for c in run demo status list show retry export audit doctor; do
		for how in "$c --help" "$c -h" "help $c"; do
			coldstart $how > out 2> err || { echo "coldstart $how: exit $?"; exit 1; }
			grep -q "^usage: coldstart $c" out || { echo "coldstart $how:"; cat out; exit 1; }
			test ! -s err || { echo "coldstart $how wrote on stderr:"; cat err; exit 1; }
		done
	done &&
	coldstart run --help > out && test_grep "^  -q, --quiet" out && test_no_grep "^  status" out &&
	test_exit 2 coldstart help nosuch 2> err && test_grep "unknown command .nosuch." err &&
	test ! -e coldstart.db
'

test_done
