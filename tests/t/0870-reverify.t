#!/bin/sh
# Issue 20: a corpus built under one toolchain, re-checked under another where some
# proofs break (a REPL double answering another Lean version, beside another
# lake-manifest.json, failing the proofs it is told to with a "renamed lemma"
# error). The broken rows are named with Lean's first error; every verdict is kept
# per toolchain, the old ones untouched; export --toolchain current leaves exactly
# the broken rows out, and export without the option is what it was.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0870-$$
. "$TEST_DIR/pipeline.sh"

# manifest DIR MATHLIB REPL LEAN: a Lean project's lean-toolchain and lake-manifest.json
# as Lake writes them (leanprover-community/mathlib4's lake-manifest.json).
manifest() {
	mkdir -p "$1" &&
	echo "leanprover/lean4:$4" > "$1/lean-toolchain" &&
	cat > "$1/lake-manifest.json" <<-EOT
	{"version": "1.1.0",
	 "packagesDir": ".lake/packages",
	 "packages":
	 [{"url": "https://github.com/leanprover-community/mathlib4", "type": "git", "subDir": null,
	   "scope": "", "rev": "$2", "name": "mathlib", "manifestFile": "lake-manifest.json",
	   "inputRev": "$4", "inherited": false, "configFile": "lakefile.lean"},
	  {"url": "https://github.com/leanprover-community/repl", "type": "git", "subDir": null,
	   "scope": "", "rev": "$3", "name": "REPL", "manifestFile": "lake-manifest.json",
	   "inputRev": "$4", "inherited": false, "configFile": "lakefile.lean"}],
	 "name": "coldstart_lean",
	 "lakeDir": ".lake"}
	EOT
}
OLD_MATHLIB=0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
NEW_MATHLIB=fedcba9876543210fedcba9876543210fedcba98
manifest "$TRASH/lean" $OLD_MATHLIB 1111111111111111111111111111111111111111 v4.9.0
manifest "$TRASH/lean2" $NEW_MATHLIB 2222222222222222222222222222222222222222 v4.15.0
OLD_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --version 'coldstart-test-double 4.9.0'"
NEW_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --version 'coldstart-test-double 4.15.0'"
export CS_LEAN_REPL="$OLD_REPL"
BROKEN="mathd_algebra_37 mathd_algebra_10"
names() { jget "$1" "r[\"name\"]" | sort; }

start_double --oracle "$FIXTURES/dsp2"
test_expect_success 'setup: a corpus made under the old toolchain; each check records it' '
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM toolchains")" 1 &&
	test_eq "$(sql "SELECT checker, lean_version, lean_toolchain, mathlib_rev, repl_rev, real_lean FROM toolchains" | tr "|" " ")" \
		"repl coldstart-test-double 4.9.0 leanprover/lean4:v4.9.0 $OLD_MATHLIB 1111111111111111111111111111111111111111 0" &&
	test_eq "$(sql "SELECT count(*) FROM toolchains t JOIN problems p ON p.header = t.header WHERE p.depth = 0")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE checker != '\''policy'\'' AND verdict != '\''error'\'' AND toolchain_id IS NULL")" 0 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE toolchain_id IS NOT NULL")" -gt 10 &&
	test_eq "$(sql "SELECT count(*) FROM corpus WHERE toolchain_id = 1")" 5 &&
	test_eq "$(sql "SELECT origin, verdict, count(*) FROM rechecks GROUP BY 1, 2")" "run|pass|5" &&
	cs-export -D > sft.before && cs-export -D -f corpus > corpus.before &&
	test_eq "$(jget sft.before "r[\"toolchain\"][\"mathlib_rev\"]" | sort -u)" $OLD_MATHLIB
'
stop_double

test_expect_success 'reverify under the new toolchain: the broken rows are named with Lean'\''s first error, exit 1' '
	CS_LEAN_DIR="$TRASH/lean2" CS_LEAN_REPL="$NEW_REPL --breaks mathd_algebra_37,mathd_algebra_10" \
		coldstart reverify > out 2> err;
	test $? -eq 1 || { echo "exit $?"; cat err; exit 1; } &&
	test_eq "$(wc -l < out)" 5 &&
	jget out "r[\"name\"], r[\"kind\"], r[\"verdict\"], r[\"version\"]" | sort > got &&
	cat > want <<-\EOT &&
	('\''algebra_2varlineareq_xpeeq7_2xpeeq3_eeq11_xeqn4'\'', '\''row'\'', '\''pass'\'', '\''coldstart-test-double 4.15.0'\'')
	('\''mathd_algebra_10'\'', '\''row'\'', '\''fail'\'', '\''coldstart-test-double 4.15.0'\'')
	('\''mathd_algebra_109'\'', '\''row'\'', '\''pass'\'', '\''coldstart-test-double 4.15.0'\'')
	('\''mathd_algebra_37'\'', '\''row'\'', '\''fail'\'', '\''coldstart-test-double 4.15.0'\'')
	('\''mathd_algebra_393'\'', '\''row'\'', '\''pass'\'', '\''coldstart-test-double 4.15.0'\'')
	EOT
	test_cmp want got &&
	for n in $BROKEN; do
		test_grep "^cs-reverify: broke: $n: fail: [0-9]*:[0-9]*: unknown identifier '\''Nat.lt_of_lt_of_le_renamed'\''" err || exit 1
	done &&
	test_eq "$(grep -c "broke:" err)" 2 &&
	test_grep "2 proofs do not hold under repl coldstart-test-double 4.15.0" err
'

test_expect_success 'each verdict is kept per toolchain, side by side; the old ones are untouched' '
	test_eq "$(sql "SELECT count(*) FROM toolchains")" 2 &&
	test_eq "$(sql "SELECT lean_version, lean_toolchain, mathlib_rev FROM toolchains WHERE id = 2" | tr "|" " ")" \
		"coldstart-test-double 4.15.0 leanprover/lean4:v4.15.0 $NEW_MATHLIB" &&
	test_eq "$(sql "SELECT origin, toolchain_id, verdict, count(*) FROM rechecks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3" | tr "\n" " ")" \
		"reverify|2|fail|2 reverify|2|pass|3 run|1|pass|5 " &&
	sql "SELECT name FROM v_row_validity WHERE toolchain_id = 2 AND verdict != '\''pass'\'' ORDER BY name" > got &&
	printf "%s\n" mathd_algebra_10 mathd_algebra_37 > want && test_cmp want got &&
	test_eq "$(sql "SELECT count(*) FROM v_row_validity WHERE toolchain_id = 1 AND verdict = '\''pass'\''")" 5
'

test_expect_success 'status: the rows valid under each toolchain' '
	coldstart status -r toolchains > st &&
	test_grep "^  1 *repl *coldstart-test-double 4.9.0 *0a1b2c3d4e5f *111111111111 *5 *0 *0$" st &&
	test_grep "^  2 *repl *coldstart-test-double 4.15.0 *fedcba987654 *222222222222 *3 *2 *0$" st
'

test_expect_success 'export --toolchain current leaves exactly the broken rows out; without it, export is unchanged' '
	CS_LEAN_DIR="$TRASH/lean2" cs-export -D --toolchain current > cur 2> err &&
	names sft.before > all && names cur > kept &&
	printf "%s\n" $BROKEN | sort > broken &&
	comm -23 all broken > want && test_cmp want kept &&
	test_grep "2 rows left out by --toolchain: their latest check under it did not pass" err &&
	cs-export -D > sft.after && test_cmp sft.before sft.after &&
	cs-export -D -f corpus > corpus.after && test_cmp corpus.before corpus.after &&
	cs-export -D --toolchain 2 > by_id && test_cmp cur by_id &&
	cs-export -D --toolchain 1 > old && test_cmp sft.before old &&
	CS_LEAN_DIR="$TRASH/lean" cs-export -D --toolchain current > old_cur && test_cmp sft.before old_cur
'

test_expect_success 'export --toolchain --name: only the named rows are counted as left out' '
	CS_LEAN_DIR="$TRASH/lean2" cs-export -D -T current --name mathd_algebra_10 > one 2> err &&
	test_eq "$(wc -l < one)" 0 &&
	test_grep "^cs-export: warning: 1 rows left out by --toolchain: their latest check" err &&
	CS_LEAN_DIR="$TRASH/lean2" cs-export -D -T current --name "mathd_algebra_4*" > some 2> err &&
	test_no_grep "left out by --toolchain" err
'

test_expect_success 'the dataset card names the toolchains, and the one chosen' '
	CS_LEAN_DIR="$TRASH/lean2" cs-export -D -T current -f hf -o ds 2> err &&
	test_eq "$(cat ds/data/*.jsonl | wc -l)" 3 &&
	test_grep "^3 rows: 0 checked by Lean, 3 by a test double.$" ds/README.md &&
	test_grep "^## Toolchains$" ds/README.md &&
	test_grep "^| repl | coldstart-test-double 4.9.0 | leanprover/lean4:v4.9.0 | $OLD_MATHLIB | 1111111111111111111111111111111111111111 | 3 |$" ds/README.md &&
	test_grep "^Only rows whose latest check under this toolchain passed" ds/README.md &&
	test_grep "^| repl | coldstart-test-double 4.15.0 | leanprover/lean4:v4.15.0 | $NEW_MATHLIB |" ds/README.md &&
	test_grep "^- .toolchain.: what its proof was checked with" ds/README.md
'

test_expect_success 'export --toolchain: bad uses' '
	test_exit 2 cs-export --toolchain 99 2> err && test_grep "no such toolchain" err &&
	test_exit 2 cs-export --toolchain nope 2> err && test_grep "not .current. nor the id" err &&
	test_exit 2 cs-export -f curriculum --toolchain 1 2> err &&
	mkdir lean3 && echo "leanprover/lean4:v4.20.0" > lean3/lean-toolchain &&
	test_exit 3 env CS_LEAN_DIR="$TRASH/lean3" cs-export --toolchain current 2> err &&
	test_grep "no check recorded under the configured checker.s toolchain (repl, lean-toolchain leanprover/lean4:v4.20.0" err
'

test_expect_success 'a fixed proof holds again: its latest verdict counts, the failed one stays recorded' '
	CS_LEAN_DIR="$TRASH/lean2" CS_LEAN_REPL="$NEW_REPL --breaks mathd_algebra_37" coldstart reverify --all > out 2> err;
	test $? -eq 1 &&
	test_eq "$(grep -c "broke:" err)" 1 && test_grep "broke: mathd_algebra_37:" err &&
	CS_LEAN_DIR="$TRASH/lean2" cs-export -D -T current > cur &&
	test_eq "$(names cur | tr "\n" " ")" "algebra_2varlineareq_xpeeq7_2xpeeq3_eeq11_xeqn4 mathd_algebra_10 mathd_algebra_109 mathd_algebra_393 " &&
	test_eq "$(sql "SELECT count(*) FROM rechecks r JOIN problems p ON p.id = r.problem_id WHERE p.name = '\''mathd_algebra_10'\'' AND r.toolchain_id = 2 AND verdict = '\''fail'\''")" 1
'

test_expect_success 'under the old toolchain every row holds: exit 0' '
	coldstart reverify --all > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"]" | sort -u)" pass && test_eq "$(wc -l < out)" 5 &&
	test_no_grep "broke" err
'

test_expect_success 'reverify --lemmas: the lemma proofs too, a broken lemma named as one' '
	lemma=$(sql "SELECT p.name FROM problems p JOIN proofs pr ON pr.problem_id = p.id WHERE p.depth > 0 ORDER BY p.id LIMIT 1") &&
	n=$(sql "SELECT count(*) FROM problems p JOIN proofs pr ON pr.problem_id = p.id WHERE p.depth > 0") &&
	test "$n" -gt 5 &&
	test_exit 1 env CS_LEAN_DIR="$TRASH/lean2" CS_LEAN_REPL="$NEW_REPL --breaks $lemma" coldstart reverify --lemmas --all > out 2> err &&
	test_eq "$(jget out "r[\"kind\"]" | sort | uniq -c | awk "{ printf \"%s %s \", \$1, \$2 }")" "$n lemma 5 row " &&
	test_grep "^cs-reverify: broke: lemma $lemma: fail: " err &&
	test_eq "$(grep -c "broke:" err)" 1 &&
	test_eq "$(sql "SELECT count(*) FROM rechecks WHERE corpus_id IS NULL")" "$n"
'

test_expect_success 'reverify sends no model request (the endpoint double is down) and needs a corpus' '
	CS_LEAN_DIR="$TRASH/lean" CS_PROVER_URL=http://127.0.0.1:9/v1 coldstart reverify > out 2> err &&
	CS_DB=$TRASH/none.db test_exit 3 coldstart reverify 2> err && test ! -e "$TRASH/none.db"
'

test_done
