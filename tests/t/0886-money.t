#!/bin/sh
# Money (issue 21): CS_PROVER_PRICE and CS_DECOMPOSER_PRICE price each request from the
# usage the endpoint reports (the endpoint double reports DeepSeek's
# prompt_cache_hit_tokens: prompt_tokens rounded down to 64); CS_BUDGET stops a run
# before a request whose worst case could pass it (exit 5), and the next run with room
# resumes the work.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0886-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
export CS_PROVER_PRICE="0.5 2 0.1" CS_DECOMPOSER_PRICE="0.27 1.1"
# cost of the attempts of role at IN OUT CACHED, from their tokens, in micro-units
want_cost() {
	sql "SELECT CAST(round(sum((prompt_tokens - cache_hit_tokens) * $2 + completion_tokens * $3
		+ cache_hit_tokens * $4)) AS INTEGER) FROM attempts WHERE role = '$1' AND run_id = $5"
}
got_cost() {
	sql "SELECT CAST(round(sum(cost) * 1000000) AS INTEGER) FROM attempts WHERE role = '$1' AND run_id = $2"
}

test_expect_success 'prices: each request costs its tokens at IN, OUT and CACHED (CACHED defaults to IN)' '
	CS_QUIET= coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test "$(sql "SELECT sum(cache_hit_tokens) FROM attempts WHERE role = '\''prover'\''")" -gt 0 &&
	test_eq "$(got_cost prover 1)" "$(want_cost prover 0.5 2 0.1 1)" &&
	test_eq "$(got_cost decomposer 1)" "$(want_cost decomposer 0.27 1.1 0.27 1)" &&
	test "$(got_cost prover 1)" -gt 0 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE sample_index > 0 AND cost IS NOT NULL")" 0
'

test_expect_success 'v_runs.cost is the run'"'"'s, cost_per_row over its rows; status and the summary show them' '
	test_eq "$(sql "SELECT round(cost, 9) = round((SELECT sum(cost) FROM attempts WHERE run_id = 1), 9) FROM v_runs WHERE id = 1")" 1 &&
	test_eq "$(sql "SELECT round(cost_per_row * 5 - cost, 9) FROM v_runs WHERE id = 1")" 0.0 &&
	test_grep "^Spending" err &&
	coldstart status > st &&
	sed -n "/^Spending/,/^\$/p" st > money &&
	test_grep "cost_per_row" money &&
	total=$(sql "SELECT round(sum(cost), 6) FROM attempts") &&
	test_grep "$total" money
'

test_expect_success 'no price: cost NULL, no Spending rows' '
	CS_DB=$TRASH/free.db CS_PROVER_PRICE= CS_DECOMPOSER_PRICE= coldstart run "$DEMO" 2>err &&
	test_eq "$(CS_DB=$TRASH/free.db sql "SELECT count(*) FROM attempts WHERE cost IS NOT NULL")" 0 &&
	test_eq "$(CS_DB=$TRASH/free.db sql "SELECT coalesce(cost, '\''null'\'') FROM v_runs")" null
'

test_expect_success 'bad settings: a price of one number, CS_BUDGET without prices: exit 3 before anything' '
	CS_PROVER_PRICE=0.5 test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "CS_PROVER_PRICE=0.5: 1 number" err &&
	CS_PROVER_PRICE="1 x" test_exit 3 coldstart run "$DEMO" 2>err &&
	CS_BUDGET=1 CS_DECOMPOSER_PRICE= test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "CS_BUDGET is set but CS_DECOMPOSER_PRICE is not" err
'

export CS_DB=$TRASH/b.db
# max_tokens near what the double answers (prover up to ~1000 completion tokens), so
# that the worst case of one request is a small part of a run's spending
export CS_PROVER_MAX_TOKENS=1100 CS_DECOMPOSER_MAX_TOKENS=512
# A full run's spending, measured: the budget of the next tests is a part of it.
test_expect_success 'a budget large enough changes nothing: the estimate is in the run'"'"'s counts' '
	CS_DB=$TRASH/full.db CS_BUDGET=1000 coldstart run "$DEMO" 2>err &&
	test_eq "$(CS_DB=$TRASH/full.db sql "SELECT count(*) FROM corpus")" 5 &&
	CS_DB=$TRASH/full.db sql "SELECT json_extract(counts, '\''$.worst_case'\'') >= json_extract(counts, '\''$.spent'\''),
		json_extract(counts, '\''$.budget_reached'\''), round(json_extract(counts, '\''$.spent'\'') - cost, 9) FROM runs JOIN v_runs USING (id)" > est &&
	test_eq "$(cat est)" "1|0|0.0"
'

test_expect_success 'CS_BUDGET: the run stops before passing it (exit 5), spends no more, work stays pending' '
	total=$(CS_DB=$TRASH/full.db sql "SELECT sum(cost) FROM attempts") &&
	budget=$(awk "BEGIN { print $total / 2 }") && echo "$budget" > budget &&
	CS_BUDGET=$budget test_exit 5 coldstart run "$DEMO" 2>err &&
	test_grep "budget: .* not sent" err &&
	test_grep "CS_BUDGET=$budget) is reached" err &&
	test_eq "$(sql "SELECT status FROM runs")" stopped &&
	test "$(sql "SELECT count(*) FROM corpus")" -lt 5 &&
	test_eq "$(sql "SELECT cost <= $budget FROM v_runs")" 1 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status = '\''failed'\''")" 0 &&
	test "$(sql "SELECT count(*) FROM problems WHERE status IN ('\''new'\'', '\''unproved'\'', '\''recombine'\'')")" -gt 0
'

test_expect_success 'the budget is per run: the next runs with the same budget resume, until the corpus is whole' '
	budget=$(cat budget) &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		[ "$(sql "SELECT count(*) FROM corpus")" = 5 ] && break
		rc=0
		CS_BUDGET=$budget coldstart run 2>err || rc=$?
		case $rc in 0|5) ;; *) echo "run $i exited $rc"; cat err; exit 1 ;; esac
	done
	sql "SELECT id, status, cost, rows_added FROM v_runs" &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM v_runs WHERE cost > $budget")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE status = '\''ok'\''")" \
		"$(CS_DB=$TRASH/full.db sql "SELECT count(*) FROM attempts WHERE status = '\''ok'\''")"
'

test_done
