#!/bin/sh
# cs-export: sft rows carry name, source, split, source_key, depth, checked_by and toolchain;
# -f hf -o DIR writes a Hugging Face dataset folder (one JSONL per split and a
# dataset card with the counts and the models), refusing double-checked rows
# unless --include-doubles. The corpus: the run of tests/t/0111-inputs-run.t.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0650-$$
. "$TEST_DIR/inputs-run.sh"
# The card as the test compares it: dates and this checkout's path replaced.
# The card with its dates and this coldstart's version (never "unknown") replaced.
card() {
	v=$(cs-export --version | sed "s/.* //") && test -n "$v" && test "$v" != unknown &&
	sed -E "s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/DATE/g; s|$FIXTURES|FIXTURES|g; s|^Written by coldstart $v on|Written by coldstart VERSION on|" "$1"
}

start_double --oracle "$FIXTURES/dsp2"
test_expect_success 'setup: a corpus from every dataset shape' '
	run_shapes &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 6
'
stop_double

test_expect_success 'sft rows: name, source, split, source key, depth, messages, checked_by, toolchain' '
	cs-export -f sft --include-doubles > sft &&
	test_eq "$(wc -l < sft)" 6 &&
	jget sft "sorted(r)" | sort -u > keys &&
	echo "['\''checked_by'\'', '\''depth'\'', '\''messages'\'', '\''name'\'', '\''source'\'', '\''source_key'\'', '\''split'\'', '\''toolchain'\'']" > want &&
	test_cmp want keys &&
	jget sft "(r[\"name\"], r[\"split\"], r[\"source_key\"], r[\"checked_by\"], r[\"source\"].replace(\"$RUN/\", \"\"))" |
		sort > got &&
	cat > want <<-\EOT &&
	('\''algebra_2varlineareq_xpeeq7_2xpeeq3_eeq11_xeqn4'\'', '\''valid'\'', None, '\''test-double'\'', '\''proofnet.jsonl'\'')
	('\''mathd_algebra_10'\'', '\''lean_workbook'\'', '\''lean_workbook_90010'\'', '\''test-double'\'', '\''lean_workbook.json'\'')
	('\''mathd_algebra_10'\'', None, None, '\''test-double'\'', '\''putnambench/mathd_algebra_10.lean'\'')
	('\''mathd_algebra_109'\'', None, '\''goedel_pset_109'\'', '\''test-double'\'', '\''goedel_pset.jsonl'\'')
	('\''mathd_algebra_37'\'', None, '\''37a1b2c3-d4e5-5f60-8172-93a4b5c6d7e8'\'', '\''test-double'\'', '\''numinamath_lean.jsonl'\'')
	('\''mathd_algebra_393'\'', None, '\''algebra__p393'\'', '\''test-double'\'', '\''proverbench.jsonl'\'')
	EOT
	test_cmp want got &&
	test_eq "$(jget sft "r[\"depth\"]" | sort | tr "\n" " ")" "$(sql "SELECT depth FROM corpus ORDER BY depth" | tr "\n" " ")"
'

test_expect_success 'hf: the double-checked rows are left out unless asked for; an empty folder is still a dataset' '
	cs-export -f hf -o empty 2>err &&
	test_grep "6 rows checked by a test double or an unrecognised checker, not by Lean, left out" err &&
	test_eq "$(ls empty/data)" train.jsonl && test ! -s empty/data/train.jsonl &&
	test_grep "^0 rows: 0 checked by Lean, 0 by a test double." empty/README.md
'

test_expect_success 'hf --include-doubles: one file per split, the dataset card with counts and models' '
	cs-export -f hf -o ds --include-doubles 2>err &&
	ls ds ds/data > files &&
	printf "%s\n" "ds:" README.md data "" "ds/data:" lean_workbook.jsonl train.jsonl valid.jsonl > want &&
	test_cmp want files &&
	test_eq "$(wc -l < ds/data/train.jsonl) $(wc -l < ds/data/valid.jsonl) $(wc -l < ds/data/lean_workbook.jsonl)" "4 1 1" &&
	cat ds/data/lean_workbook.jsonl ds/data/train.jsonl ds/data/valid.jsonl | sort > all &&
	sort sft > sft.sorted && test_cmp sft.sorted all &&
	card ds/README.md > got && test_cmp "$FIXTURES/inputs/expected/card.md" got
'

test_expect_success 'hf: a second export replaces the folder files' '
	cs-export -f hf -o ds --include-doubles &&
	test_eq "$(wc -l < ds/data/train.jsonl)" 4 && test ! -e ds/data/train.jsonl.tmp
'

test_expect_success 'usage: hf needs -o, -o needs hf; a folder that cannot be made is exit 4' '
	test_exit 2 cs-export -f hf 2>err && test_grep "needs -o DIR" err &&
	test_exit 2 cs-export -o x 2>err && test_grep "goes with -f hf" err &&
	touch file && test_exit 4 cs-export -f hf -o file/ds 2>err && test_grep "file/ds" err
'

test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
