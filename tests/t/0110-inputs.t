#!/bin/sh
# cs-ingest on the public datasets as published (tests/fixtures/inputs, shapes in
# tests/fixtures/PROVENANCE.md): Lean Workbook, NuminaMath-LEAN, Goedel-Pset,
# ProofNet, ProverBench, ProofNet# through --field, PutnamBench directories; the
# statement normalised, the published one kept; bad records refused with
# path:line and reason, and counted in the corpus.
. "$(dirname "$0")/lib.sh"

export CS_DB=$TRASH/c.db
IN=$FIXTURES/inputs
EXP=$IN/expected
# The problems as stored, one block each: name [source key] split, informal, header,
# statement and (when normalised) the statement as published.
dump() {
	sqlite3 -json "$CS_DB" "SELECT name, source_key, split, informal, header, formal_statement,
		original_statement FROM problems ORDER BY id" | python3 -S -c '
import json, sys
text = sys.stdin.read()
for r in json.loads(text) if text.strip() else []:
    print("=== %s [%s] %s" % (r["name"], r["source_key"] or "", r["split"] or ""))
    for k in ("informal", "header", "formal_statement", "original_statement"):
        if r[k] is not None:
            print("--- %s\n%s" % (k, r[k]), end="" if r[k].endswith("\n") else "\n")'
}
# ingest ARGS: cs-ingest run in the fixture directory (paths in messages relative to it).
ingest() { (cd "$IN" && cs-ingest "$@"); }

test_expect_success 'every dataset shape loads as published; statements normalised, originals kept' '
	ingest lean_workbook.json numinamath_lean.jsonl goedel_pset.jsonl proofnet.jsonl \
		proverbench.jsonl 2>err &&
	ingest --field name=id --field informal=nl_statement --field header=lean4_src_header \
		--field formal_statement=lean4_formalization proofnetsharp.jsonl 2>>err &&
	test_grep "10 read, 10 added, 0 already present, 0 bad" err &&
	test_grep "1 read, 1 added, 0 already present, 0 bad" err &&
	dump > got && test_cmp "$EXP/shapes.out" got
'

test_expect_success 'the same theorem in each published proof form is one problem' '
	rm -f "$CS_DB" &&
	for p in ":= by" ":= by sorry" ":=  by sorry" ":= by\\n  sorry" ":= sorry" ":=\\nsorry" ":=" \
		":= by -- sorry\\n  sorry" ":= /- := by sorry -/ sorry"; do
		printf "{\"id\": \"t\", \"formal_statement\": \"theorem t (s : String) (h : s = \\\\\"sorry\\\\\") : True %s\"}\n" "$p"
	done > forms.jsonl &&
	cs-ingest forms.jsonl 2>err &&
	test_grep "9 read, 1 added, 8 already present, 0 bad" err &&
	test_eq "$(sql "SELECT formal_statement FROM problems")" "theorem t (s : String) (h : s = \"sorry\") : True := by"
'

test_expect_success 'a directory: its .lean files in sorted order, each a problem; an answer left as sorry refused' '
	rm -f "$CS_DB" &&
	test_exit 1 ingest putnambench 2>err &&
	cat > want <<-\EOT &&
	cs-ingest: putnambench/src/putnam_1990_a1.lean:4: depends on `putnam_1990_a1_solution`, a definition left as `sorry`: the answer is part of the problem; not supported
	cs-ingest: 3 read, 2 added, 0 already present, 1 bad; 0 benchmark statements (CS_BENCHMARKS=none: not checked)
	EOT
	test_cmp want err &&
	sql "SELECT name || '\'' '\'' || source FROM problems ORDER BY id" > got &&
	printf "%s\n" "putnam_2001_a1 putnambench/src/more/putnam_2001_a1.lean" \
		"putnam_1988_b1 putnambench/src/putnam_1988_b1.lean" > want && test_cmp want got &&
	test_eq "$(sql "SELECT source || '\'' '\'' || name || '\'' '\'' || line || '\'' '\'' || reason FROM ingest_refusals")" \
		"putnambench/src/putnam_1990_a1.lean putnam_1990_a1 4 answer-definition"
'

test_expect_success 'below a directory: hidden entries and links to directories are skipped, a broken link reported' '
	rm -f "$CS_DB" && mkdir -p tree/.lake/packages tree/sub &&
	cp "$IN/putnambench/src/putnam_1988_b1.lean" tree/sub/ &&
	cp "$IN/putnambench/src/more/putnam_2001_a1.lean" tree/.lake/packages/ &&
	ln -s "$IN/putnambench/src/more" tree/linked &&
	ln -s "$IN/putnambench/src/more/putnam_2001_a1.lean" tree/a_link.lean &&
	ln -s no-such-file.lean tree/broken.lean &&
	test_exit 1 cs-ingest tree 2>err &&
	test_grep "tree/broken.lean: No such file or directory" err &&
	test_grep "2 read, 2 added, 0 already present, 1 bad" err &&
	test_eq "$(sql "SELECT group_concat(source, '\'' '\'') FROM (SELECT source FROM problems ORDER BY id)")" \
		"tree/a_link.lean tree/sub/putnam_1988_b1.lean"
'

test_expect_success 'bad variants are refused with path:line and why; the rest loads' '
	rm -f "$CS_DB" &&
	test_exit 1 ingest bad/records.jsonl 2>err &&
	test_grep "11 read, 5 added, 0 already present, 6 bad" err &&
	test_exit 1 ingest bad/has_proof.lean bad/no_statement.lean bad/sorry_header.lean \
		bad/trailing.lean bad/two_theorems.lean bad/unterminated.lean 2>>err &&
	test_cmp "$EXP/bad.err" err &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 5
'

test_expect_success 'refusals are counted by reason, once per record; a record that loads later drops its row' '
	sql "SELECT reason, count(*) FROM ingest_refusals GROUP BY reason ORDER BY reason" > got &&
	test_cmp "$EXP/refusals.out" got &&
	test_exit 1 ingest bad/records.jsonl 2>/dev/null &&
	test_eq "$(sql "SELECT count(*) FROM ingest_refusals")" 12 &&
	printf "%s\n" "{\"problem_id\": \"goedel_pset_7\", \"formal_statement\": \"theorem seven_odd : Odd 7 := by\\n  sorry\"}" > fixed.jsonl &&
	cs-ingest -q fixed.jsonl &&
	test_eq "$(sql "SELECT count(*) FROM ingest_refusals WHERE name = '\''goedel_pset_7'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM ingest_refusals")" 11
'

test_expect_success 'stdin as "-" and as no argument' '
	rm -f "$CS_DB" &&
	cs-ingest - < "$IN/proofnet.jsonl" 2>err && test_grep "2 read, 2 added" err &&
	cs-ingest < "$IN/proverbench.jsonl" 2>err && test_grep "2 read, 2 added" err &&
	test_eq "$(sql "SELECT DISTINCT source FROM problems")" "<stdin>"
'

test_expect_success 'a missing path is named, exit 1, the rest loads' '
	rm -f "$CS_DB" &&
	test_exit 1 ingest no-such-dir proofnet.jsonl 2>err &&
	test_grep "no-such-dir: No such file or directory" err &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 2
'

test_expect_success 'a JSON array: a bad element is named by the line it starts on' '
	rm -f "$CS_DB" &&
	printf "[\n  {\"id\": \"a\", \"formal_statement\": \"theorem a : True := by sorry\"},\n  42,\n  {\"id\": \"b\",\n   \"formal_statement\": \"theorem b : True :=\"}\n]\n" > arr.json &&
	test_exit 1 cs-ingest arr.json 2>err &&
	test_grep "arr.json:3: not JSON" err &&
	test_grep "3 read, 2 added, 0 already present, 1 bad" err &&
	printf "[{\"id\": \"c\", \"formal_statement\": \"theorem c : True := by\"} {\"id\": \"d\"}]" > broken.json &&
	test_exit 1 cs-ingest broken.json 2>err &&
	test_grep "broken.json:1: not a JSON array of records (expected .,. or .]. between records)" err
'

test_expect_success 'CS_DEFAULT_HEADER is the header of records without one' '
	rm -f "$CS_DB" &&
	CS_DEFAULT_HEADER="import Mathlib" ingest goedel_pset.jsonl 2>/dev/null &&
	test_eq "$(sql "SELECT header FROM problems WHERE name = '\''min_value_trig'\''")" "import Mathlib" &&
	sql "SELECT header FROM problems WHERE name = '\''linear_system_complex'\''" > h &&
	test_grep "^set_option maxHeartbeats 400000" h
'

test_expect_success '--field: another key, an integer id, an explicit source key' '
	rm -f "$CS_DB" &&
	printf "%s\n" "{\"index\": 7, \"lean\": \"theorem seven : True := by sorry\", \"uuid\": \"u-1\"}" |
		cs-ingest -q --field name=index --field formal_statement=lean &&
	test_eq "$(sql "SELECT name || '\'' '\'' || source_key FROM problems")" "seven 7" &&
	rm -f "$CS_DB" &&
	printf "%s\n" "{\"name\": \"seven\", \"formal_statement\": \"theorem seven : True := by\", \"uuid\": \"u-1\"}" |
		cs-ingest -q --field source_key=uuid &&
	test_eq "$(sql "SELECT name || '\'' '\'' || source_key FROM problems")" "seven u-1"
'

test_expect_success 'a bad --field is a usage error' '
	test_exit 2 cs-ingest --field nosuch=x 2>err && test_grep "want NAME=KEY" err &&
	test_exit 2 cs-ingest --field name= 2>err && test_grep "want NAME=KEY" err
'

test_done
