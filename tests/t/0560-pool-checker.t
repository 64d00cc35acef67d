#!/bin/sh
# Who checks: a checker is Lean only when it answers the version query with a Lean
# version string; the pool is sized to memory by default; a check that could not
# run (no REPL, no server, a project without the header's modules) is an error of
# the checker, never a failure of the code.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'a Lean version string makes real_lean; the double is a double; anything else is unknown' '
	fresh &&
	rec 1 "theorem t1 : True := by\n  trivial" > in &&
	CS_LEAN_REPL="$DOUBLE --version 4.9.0-rc2" cs-verify in > out 2> err &&
	test_eq "$(field 1 real_lean out)" true &&
	test_eq "$(field 1 version out)" 4.9.0-rc2 &&
	test_no_grep warning err &&
	CS_LEAN_REPL="$DOUBLE --version 4.22.0-nightly-2025-07-01" cs-verify in > out 2> err &&
	test_eq "$(field 1 real_lean out)" true &&
	cs-verify in > out 2> err &&
	test_eq "$(field 1 real_lean out)" false &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_no_grep warning err &&
	{ rec 1 "theorem t1 : True := by\n  trivial"; rec 2 "theorem t2 : True := by\n  trivial"; } > in2 &&
	CS_LEAN_REPL="$DOUBLE --version \"Lean (version 4.9.0)\"" cs-verify in2 > out 2> err &&
	test_eq "$(field 1 real_lean out)" false &&
	test_eq "$(field 2 real_lean out)" false &&
	test_grep "\"id\":1,.*\"version\":\"Lean (version 4.9.0)\"" out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(grep -c "warning: the REPL (CS_LEAN_REPL=python3 .*) did not answer .#eval Lean.versionString. with a Lean version (it said \"Lean (version 4.9.0)\"): its checks are recorded as not Lean (real_lean 0)" err)" 1
'

test_expect_success 'a version query answered with nothing understood: real_lean false, version null' '
	fresh &&
	rec 1 "theorem t1 : True := by\n  trivial" > in &&
	CS_LEAN_REPL="$DOUBLE --version-refused" cs-verify in > out 2> err &&
	test_grep "\"id\":1,.*\"version\":null,\"real_lean\":false" out &&
	test_grep "did not answer .#eval Lean.versionString. with a Lean version (it said nothing understood)" err
'

test_expect_success 'kimina: the server version decides real_lean too' '
	fresh &&
	kimina_up kport --version 4.15.0 &&
	rec 1 "theorem t1 : True := by\n  trivial" > in &&
	CS_LEAN_URL=$KURL cs-verify in > out 2> err &&
	test_eq "$(field 1 real_lean out)" true &&
	test_eq "$(field 1 version out)" 4.15.0 &&
	test_no_grep "Lean pool" err
'

# Parse "Lean pool: N REPL(s) (cores C, M MiB available / CS_LEAN_MEMORY L MiB)" and
# check N = max(1, min(C, M / L)).
pool_line_ok() {
	line=$(grep "Lean pool: " "$1") || { echo "no Lean pool line in $1"; cat "$1"; return 1; }
	set -- $(echo "$line" | sed -n "s/.*Lean pool: \([0-9]*\) REPLs\{0,1\} (cores \([0-9]*\), \([0-9]*\) MiB available \/ CS_LEAN_MEMORY \([0-9]*\) MiB)$/\1 \2 \3 \4/p")
	[ $# -eq 4 ] || { echo "not the expected shape: $line"; return 1; }
	want=$(( $3 / $4 )); [ "$want" -gt "$2" ] && want=$2; [ "$want" -lt 1 ] && want=1
	[ "$1" -eq "$want" ] || { echo "N=$1, wanted min(cores, mem/limit)=$want: $line"; return 1; }
	echo "$1"
}

test_expect_success 'default CS_LEAN_JOBS: the smaller of cores and available memory / CS_LEAN_MEMORY, said once' '
	fresh &&
	for i in 1 2 3; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	(unset CS_LEAN_JOBS; cs-verify in > out 2> err) &&
	n=$(pool_line_ok err) &&
	test_eq "$(grep -c "Lean pool: " err)" 1 &&
	test "$(starts)" -le "$n" &&
	(unset CS_LEAN_JOBS; CS_LEAN_MEMORY=1073741824 cs-verify in > out 2> err) &&
	test_eq "$(pool_line_ok err)" 1 &&
	test_grep "Lean pool: 1 REPL (cores" err &&
	(unset CS_LEAN_JOBS; CS_QUIET=1 cs-verify in > out 2> err) &&
	test_no_grep "Lean pool" err &&
	cs-verify in > out 2> err &&
	test_no_grep "Lean pool" err
'

test_expect_success 'a REPL command that does not exist: verdict error naming the checker and the cause, exit 1' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"; rec 2 "theorem t2 : True := by\n  trivial"; } > in &&
	CS_LEAN_REPL=/nonexistent/repl test_exit 1 cs-verify in > out 2> err &&
	test_eq "$(verdict 1 out)" error &&
	test_eq "$(verdict 2 out)" error &&
	test_grep "\"id\":1,.*\"why\":\"the REPL (CS_LEAN_REPL=/nonexistent/repl) [^\"]* during the version query (exited with status 127: the command was not found or could not be run); its stderr ends: [^\"]*/nonexistent/repl: not found; it had crashed 2 times before" out &&
	test_no_grep "\"verdict\":\"fail\"" out
'

test_expect_success 'no answer to the version query or no import within the deadline: error, not timeout' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"; rec 2 "theorem t2 : True := by -- double: hang\n  trivial"; } > in &&
	CS_LEAN_REPL="sleep 600 # $TAG" CS_LEAN_TIMEOUT=1 CS_LEAN_JOBS=1 test_exit 1 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "\"id\":1,.*\"why\":\"the REPL (CS_LEAN_REPL=sleep 600 # [^\"]*) gave no answer within 1 s (CS_LEAN_TIMEOUT) during the version query and was killed\"" out &&
	CS_LEAN_REPL="$DOUBLE --import-delay 30" CS_LEAN_TIMEOUT=1 CS_LEAN_JOBS=1 test_exit 1 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "\"id\":1,.*during the header import and was killed (importing a large header can take minutes)" out &&
	CS_LEAN_TIMEOUT=5 CS_LEAN_JOBS=1 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" timeout
'

test_expect_success 'an unreachable kimina-lean-server: verdict error, not fail' '
	fresh &&
	rec 1 "theorem t1 : True := by\n  trivial" > in &&
	CS_LEAN_URL=http://127.0.0.1:9 test_exit 1 cs-verify in > out 2> err &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "\"id\":1,.*\"why\":\"the kimina-lean-server at http://127.0.0.1:9: [^\"]*connect[^\"]*; the retry too" out
'

test_expect_success 'a header the Lean project cannot import is an error of the checker; a bad header line is a failure' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial" "" "import Mathlib\nopen Real -- double: fail"; } > in &&
	CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log --missing-modules Mathlib" test_exit 1 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "\"id\":1,.*\"why\":\"the REPL ([^\"]*) could not import the header (is it the Lean project the problems need? CS_LEAN_DIR=$TRASH/lean): 1:0: unknown module prefix .Mathlib." out &&
	cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*\"why\":\"header: 2:10: linarith failed" out
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
