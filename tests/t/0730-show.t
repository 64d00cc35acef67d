#!/bin/sh
# coldstart show: a problem's whole tree, on a depth-2 problem of the demo corpus
# (built as 0700 builds it: the endpoint double in oracle mode, the REPL double).
# The expected text is tests/t/expect/0730-show.txt; after a deliberate change of
# the output, UPDATE_EXPECT=1 rewrites it (then read the diff before committing).
. "$(dirname "$0")/lib.sh"

TAG=cs-t0730-$$
. "$TEST_DIR/pipeline.sh"
EXPECT=$TEST_DIR/expect/0730-show.txt
# Ids, elapsed times and timestamps vary from run to run.
normalise() { sed -E 's/#[0-9]+/#N/g; s/[0-9]+\.[0-9]{2} s\b/T s/g; s/updated [0-9T:-]+Z/updated DATE/g'; }

start_double --oracle "$FIXTURES/dsp2"

test_expect_success 'the demo corpus' '
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT depth FROM problems WHERE name GLOB '\''mathd_algebra_37_h₂_h₁?'\''")" 2
'

test_expect_success 'show NAME: the whole tree of a depth-2 problem, readably' '
	coldstart show mathd_algebra_37 > out 2> err &&
	test ! -s err &&
	normalise < out > got &&
	if [ -n "${UPDATE_EXPECT:-}" ]; then cp got "$EXPECT"; fi &&
	test_cmp "$EXPECT" got
'

test_expect_success 'show ID is the same tree; an unknown name exits 1, named' '
	id=$(sql "SELECT id FROM problems WHERE name = '\''mathd_algebra_37'\''") &&
	cs-show "$id" > by-id && cs-show mathd_algebra_37 > by-name && test_cmp by-name by-id &&
	test_exit 1 cs-show no_such_theorem > out 2> err &&
	test_grep "no_such_theorem: no problem of that name or id" err && test ! -s out
'

test_expect_success '-v: every lemma statement and every proof in full' '
	cs-show -v mathd_algebra_37 > v &&
	test "$(wc -l < v)" -gt "$(wc -l < out)" &&
	test_grep "^ *| theorem mathd_algebra_37_h₂_h₁. " v &&
	test_no_grep "spliced into the proof that uses it" v
'

test_expect_success '-j: the same tree as JSON, down to depth 2' '
	cs-show --json mathd_algebra_37 > j &&
	test_eq "$(wc -l < j)" 1 &&
	test_eq "$(jget j "r[\"name\"], r[\"status\"], r[\"how\"], r[\"proof\"][\"how\"]")" \
		"('\''mathd_algebra_37'\'', '\''proved'\'', '\''decomposition'\'', '\''decomposition'\'')" &&
	test_eq "$(jget j "max(g[\"child\"][\"sketches\"][0][\"subgoals\"][0][\"child\"][\"depth\"]
		for g in r[\"sketches\"][0][\"subgoals\"] if g[\"child\"][\"sketches\"])")" 2 &&
	test_eq "$(jget j "sorted(set(a[\"verdict\"] for a in r[\"attempts\"]))")" "['\''fail'\'', '\''sorry'\'']" &&
	sql "SELECT formal_proof FROM corpus WHERE name = '\''mathd_algebra_37'\''" > corpus.lean &&
	jget j "r[\"proof\"][\"code\"]" > proof.lean &&
	tail -c "$(wc -c < proof.lean)" corpus.lean > tail.lean && test_cmp proof.lean tail.lean
'

test_expect_success 'a failed problem shows why, down to the subgoal that failed' '
	CS_DB=$TRASH/d1.db CS_MAX_DEPTH=1 coldstart run "$DEMO" 2>err &&
	CS_DB=$TRASH/d1.db coldstart show mathd_algebra_37 > f &&
	test_grep "^mathd_algebra_37 #[0-9]*: failed: a subgoal failed: mathd_algebra_37_h" f &&
	test_grep "^      mathd_algebra_37_h₂ #[0-9]*: failed: not proved at CS_MAX_DEPTH (depth 1" f
'

stop_double
test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
