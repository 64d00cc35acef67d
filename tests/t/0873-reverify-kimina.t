#!/bin/sh
# Issue 20 with a kimina-lean-server (CS_LEAN_URL): its toolchain is what its API
# reports, the Lean version its checks answer to `#eval Lean.versionString` (the
# server has no version endpoint: /health says {"status": "ok"}); the Mathlib and
# REPL revisions stay unknown. reverify re-checks through it, export --toolchain
# current with CS_LEAN_URL chooses it. The corpus: the schema 2 fixture.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

export CS_DB=$TRASH/c.db CS_QUIET=1
sqlite3 -batch "$CS_DB" < "$FIXTURES/corpus-v2/corpus-v2.sql"

test_expect_success 'reverify through a kimina server: its toolchain, the broken row named' '
	kimina_up kport --version "coldstart-test-double 4.20.0" --breaks mathd_algebra_109 &&
	CS_LEAN_URL=$KURL coldstart reverify > out 2> err; rc=$? &&
	test $rc -eq 1 || { echo "exit $rc"; cat err; exit 1; } &&
	test_eq "$(wc -l < out)" 3 &&
	test_grep "^cs-reverify: broke: mathd_algebra_109: fail: .*unknown identifier" err &&
	test_eq "$(sql "SELECT checker, lean_version, lean_toolchain, mathlib_rev, repl_rev FROM toolchains WHERE id = 2")" \
		"kimina|coldstart-test-double 4.20.0|||" &&
	test_eq "$(jget out "r[\"checker\"]" | sort -u)" kimina
'

test_expect_success 'export --toolchain current with CS_LEAN_URL: the rows that hold under the kimina server' '
	CS_LEAN_URL=http://127.0.0.1:9 cs-export -D --toolchain current > cur 2> err &&
	test_eq "$(jget cur "r[\"name\"]" | sort | tr "\n" " ")" "mathd_algebra_37 mathd_algebra_393 " &&
	test_grep "1 rows left out by --toolchain" err &&
	cs-export -D --toolchain current > repl_cur &&
	test_eq "$(wc -l < repl_cur)" 3 &&
	coldstart status -r toolchains > st &&
	test_grep "^  2 *kimina *coldstart-test-double 4.20.0 *? *? *2 *1 *0$" st
'

test_done
