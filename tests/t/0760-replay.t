#!/bin/sh
# Issue 11's end-to-end replay: every fixture proof through `coldstart run` against
# the oracle double (the decomposer answers with each proof's have skeleton, the
# prover with the original blocks, failing the theorem itself and every block the
# skeleton cuts, so recursion is used) and the REPL double, CS_EXTRACT=syntax. The
# rate of theorems rebuilt equal to the original must stay at least 95%, and the
# report (rate, every miss with its reason, subgoals per way) is compared whole.
. "$(dirname "$0")/lib.sh"

EXPECT=$TEST_DIR/expect/0760-replay.txt

test_expect_success 'all fixture proofs rebuilt by the whole pipeline: at least 95%, each miss named' '
	REPLAY_COLDSTART=coldstart REPLAY_DIR=$TRASH/replay CS_EXTRACT=syntax sh "$SRC_DIR/bench/replay-e2e.sh" > got 2> err &&
	rate=$(sed -n "s/.*equal=[0-9]* (\([0-9.]*\)%).*/\1/p" got) &&
	echo "rate $rate%" &&
	awk -v r="$rate" "BEGIN { exit !(r >= 95) }" &&
	if [ -n "${UPDATE_EXPECT:-}" ]; then cp got "$EXPECT"; fi &&
	test_cmp "$EXPECT" got
'

test_expect_success 'the replay corpus: sound, every way stated and spliced, nothing left running' '
	CS_DB=$TRASH/replay/c.db sql "PRAGMA integrity_check" > ic && echo ok > want && test_cmp want ic &&
	test "$(CS_DB=$TRASH/replay/c.db sql "SELECT count(*) FROM subgoals WHERE extracted_by = '\''text'\'' AND recombined_as = '\''splice'\''")" -gt 0 &&
	test_eq "$(CS_DB=$TRASH/replay/c.db sql "SELECT status FROM runs")" done
'

test_done
