#!/bin/sh
# The demo as a user meets it: no warning about a key it does not need, a whole
# exported row, the export it prints works on its rows (they are a test double's:
# export takes --include-unverified for them); coldstart list names the problems;
# export --name gives one problem's rows and says on stderr how many it wrote and
# why the others were left out; a failed demo says so, without the "inspect it"
# epilogue, and exits non-zero.
. "$(dirname "$0")/lib.sh"

. "$TEST_DIR/llm-double.sh" # jget
DB=$TRASH/coldstart-demo/demo.db

test_expect_success 'the demo: no DeepSeek key warning, one whole row, its export command' '
	coldstart demo > out 2> err &&
	test_no_grep -i "api key\|deepseek" err &&
	test "$(wc -l < out)" -eq 1 &&
	jget out "r[\"name\"], r[\"checked_by\"], len(r[\"messages\"])" > row &&
	test_grep "test-double.*2)$" row &&
	test "$(wc -c < out)" -gt 600 || { echo "the row is short: $(wc -c < out) bytes"; exit 1; } &&
	test_grep "coldstart export --include-unverified --include-benchmarks --name mathd_algebra_37$" err &&
	test_grep "coldstart list$" err
'

test_expect_success 'coldstart list: names and status, one a line; --status; -a adds the subgoals' '
	export CS_DB=$DB &&
	coldstart list > l &&
	test "$(wc -l < l)" -eq "$(sql "SELECT count(*) FROM problems WHERE depth = 0")" &&
	test_grep "^mathd_algebra_37	proved$" l &&
	coldstart list --status proved > p &&
	test_eq "$(cut -f 2 p | sort -u)" proved &&
	test "$(wc -l < p)" -eq "$(sql "SELECT count(*) FROM problems WHERE depth = 0 AND status = '\''proved'\''")" &&
	coldstart list --status failed > f &&
	{ test ! -s f || test_grep "	failed	." f; } &&
	coldstart list -a > a && test "$(wc -l < a)" -eq "$(sql "SELECT count(*) FROM problems")" &&
	test_exit 2 coldstart list --status done 2> err && test_grep "not a status" err
'

test_expect_success 'export after the demo: the rows with --include-unverified; without, why none' '
	export CS_DB=$DB &&
	n=$(sql "SELECT count(*) FROM corpus") && test "$n" -gt 0 &&
	coldstart export --include-unverified > all 2> err &&
	test "$(wc -l < all)" -eq "$n" &&
	test_grep "^cs-export: $n rows written (-f sft)$" err &&
	coldstart export > none 2> err && test ! -s none &&
	test_grep "^cs-export: 0 rows written (-f sft)$" err &&
	test_grep "$n rows checked by a test double .*left out (--include-unverified" err
'

test_expect_success 'export --name: one problem'\''s rows, the count on stderr, not in the data' '
	export CS_DB=$DB &&
	coldstart export -D --name mathd_algebra_37 > one 2> err &&
	test_eq "$(jget one "r[\"name\"]" | sort -u)" mathd_algebra_37 &&
	test_eq "$(wc -l < one)" "$(sql "SELECT count(*) FROM corpus WHERE name = '\''mathd_algebra_37'\''")" &&
	test_grep "^cs-export: [0-9]* rows* written (-f sft); problems matching .mathd_algebra_37.$" err &&
	coldstart export -D -f corpus --name "mathd_*" > c 2> err &&
	test_eq "$(wc -l < c)" "$(sql "SELECT count(*) FROM corpus WHERE name GLOB '\''mathd_*'\''")" &&
	coldstart export -D --name nosuch > none 2> err && test ! -s none &&
	test_grep "^cs-export: 0 rows written" err &&
	coldstart export -D -q --name mathd_algebra_37 > q 2> err && test ! -s err && test_cmp one q &&
	test_exit 2 coldstart export -f hf -o ds --name x 2> err && test_grep "goes with" err
'

test_expect_success 'a failed demo says so: no example, no "inspect it", its exit status' '
	mkdir broken && printf "%0512d" 0 > broken/demo.db &&
	coldstart demo broken > out 2> err; rc=$? &&
	test "$rc" -ge 2 || { echo "exit $rc"; cat err; exit 1; } &&
	test ! -s out &&
	test_grep "^coldstart demo: the run failed (exit $rc, see above)" err &&
	test_no_grep "inspect it\|one example" err
'

test_expect_success 'an interrupted demo says so: no example, no "inspect it", exit 128 + 15' '
	: the signal goes to the demo and all it runs, its own process group, as soon as
	: the corpus exists: the demo has hardly begun. TERM, not INT: a background job
	: of a script starts with INT ignored &&
	setsid coldstart demo intr > out 2> err & pid=$! &&
	for i in $(seq 600); do [ -e intr/demo.db ] && break; sleep 0.1; done &&
	kill -TERM -$pid && { wait $pid; echo $? > rc; } &&
	test_eq "$(cat rc)" 143 &&
	test ! -s out &&
	test_grep "^coldstart demo: interrupted (exit 143); what was done so far is in $TRASH/intr/demo.db$" err &&
	test_no_grep "inspect it\\|one example" err
'

test_done
