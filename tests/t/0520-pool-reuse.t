#!/bin/sh
# The Lean pool reuses processes: one import per header, recycling, LRU eviction.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'a REPL is recycled after CS_LEAN_MAX_USES checks' '
	fresh &&
	for i in 1 2 3 4 5; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_MAX_USES=2 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 5 &&
	test_eq "$(starts)" 3 &&
	test_eq "$(imports)" 3
'

test_expect_success 'the header is imported once per process, however many bodies' '
	fresh &&
	i=0 && while [ $i -lt 20 ]; do i=$((i + 1)); rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	cs-verify -j 2 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 20 &&
	test_eq "$(starts)" 2 &&
	test_eq "$(imports)" 2 &&
	test_eq "$(bodies)" 20 &&
	test_eq "$(grep -c "\"env\": 1, \"cmd\": \"theorem" double.log)" 20
'

test_expect_success 'least recently used eviction across three headers with two processes' '
	fresh &&
	H1="import Mathlib\n-- one" H2="import Mathlib\n-- two" H3="import Mathlib\n-- three" &&
	{ rec 1 "theorem a : True := trivial" "" "$H1"
	  rec 2 "theorem b : True := trivial" "" "$H2"
	  rec 3 "theorem c : True := trivial" "" "$H1"
	  rec 4 "theorem d : True := trivial" "" "$H3"
	  rec 5 "theorem e : True := trivial" "" "$H1"
	  rec 6 "theorem f : True := trivial" "" "$H2"; } > in &&
	CS_LEAN_JOBS=2 cs-verify -j 1 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 6 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- one" double.log)" 1 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- two" double.log)" 2 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- three" double.log)" 1 &&
	test_eq "$(starts)" 4
'


test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
