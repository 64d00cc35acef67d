#!/bin/sh
# Issue 20 item 5: a corpus made by the release before schema version 3 (the dump in
# tests/fixtures/corpus-v2, made by af2a4f9) upgrades in place when a writing
# program opens it, and nothing is lost: every table keeps its rows and columns;
# its checks get the toolchain they recorded (checker and version, with the header);
# each corpus row has its first verdict; readers refuse it until then.
. "$(dirname "$0")/lib.sh"

export CS_DB=$TRASH/c.db CS_QUIET=1
sqlite3 -batch "$CS_DB" < "$FIXTURES/corpus-v2/corpus-v2.sql"
V2_TABLES="runs problems attempts verifications sketches subgoals proofs corpus audits ingest_refusals"
# snapshot FILE: every row of every version 2 table, in its version 2 columns
snapshot() {
	for t in $V2_TABLES; do
		cols=$(sqlite3 -batch "$TRASH/v2.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')")
		echo "== $t" && sql "SELECT $cols FROM $t ORDER BY 1" || return 1
	done > "$1"
}

test_expect_success 'the fixture is a version 2 corpus; readers refuse it until it is migrated' '
	cp "$CS_DB" "$TRASH/v2.db" &&
	test_eq "$(sql "PRAGMA user_version")" 2 &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 3 &&
	snapshot before &&
	test_exit 3 cs-export -D > out 2> err && test_grep "run any writing stage to migrate it" err
'

test_expect_success 'a writing program migrates it in place to version 3; nothing is lost' '
	cs-store < /dev/null &&
	test_eq "$(sql "PRAGMA user_version")" 3 &&
	snapshot after && test_cmp before after &&
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	test_eq "$(sql "PRAGMA foreign_key_check")" ""
'

test_expect_success 'its checks have the toolchain they recorded: checker, version, header' '
	test_eq "$(sql "SELECT count(*) FROM toolchains")" 1 &&
	test_eq "$(sql "SELECT checker, lean_version, lean_toolchain, mathlib_rev, repl_rev, real_lean FROM toolchains")" \
		"repl|coldstart-test-double 0||||0" &&
	test_eq "$(sql "SELECT count(*) FROM toolchains t JOIN problems p ON p.header = t.header WHERE p.depth = 0")" 3 &&
	test_eq "$(sql "SELECT count(*) FROM corpus WHERE toolchain_id IS NULL")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE checker != '\''policy'\'' AND toolchain_id IS NULL")" 0 &&
	test_eq "$(sql "SELECT origin, verdict, count(*) FROM rechecks GROUP BY 1, 2")" "migrated|pass|3" &&
	test_eq "$(sql "SELECT count(*) FROM rechecks r JOIN corpus c ON c.id = r.corpus_id WHERE r.created_at = c.created_at")" 3
'

test_expect_success 'the migrated corpus reads as before: export, status, and its rows hold under their toolchain' '
	cs-export -D > sft && test_eq "$(wc -l < sft)" 3 &&
	jget sft "r[\"name\"], r[\"toolchain\"][\"lean_version\"], r[\"toolchain\"][\"mathlib_rev\"]" | sort > got &&
	cat > want <<-\EOT &&
	('\''mathd_algebra_109'\'', '\''coldstart-test-double 0'\'', None)
	('\''mathd_algebra_37'\'', '\''coldstart-test-double 0'\'', None)
	('\''mathd_algebra_393'\'', '\''coldstart-test-double 0'\'', None)
	EOT
	test_cmp want got &&
	jget sft "r[\"messages\"][1][\"content\"]" > completions &&
	sql "SELECT completion FROM corpus ORDER BY id" > want && test_cmp want completions &&
	cs-export -D --toolchain 1 > by1 && test_cmp sft by1 &&
	coldstart status -r toolchains > st &&
	test_grep "^  1 *repl *coldstart-test-double 0 *? *? *3 *0 *0$" st
'

test_expect_success 'opening it again changes nothing (the migration ran once)' '
	sql ".dump" > dump1 && cs-store < /dev/null && sql ".dump" > dump2 && test_cmp dump1 dump2
'

test_expect_success 'a new corpus is made at version 3 with the new tables' '
	CS_DB=$TRASH/new.db cs-store < /dev/null &&
	test_eq "$(sqlite3 -batch "$TRASH/new.db" "PRAGMA user_version")" 3 &&
	test_eq "$(sqlite3 -batch "$TRASH/new.db" "SELECT count(*) FROM toolchains, rechecks")" 0 &&
	sqlite3 -batch "$TRASH/new.db" "SELECT * FROM v_toolchains; SELECT * FROM v_row_validity" > /dev/null
'

test_done
