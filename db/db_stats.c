/* db_stats: the reports of cs-stats, as named queries over the corpus views. */
#include <string.h>

#include "cs.h"
#include "db.h"

struct report {
	struct db_report r;
	const char *sql;
};

static const struct report reports[] = {
	{ { "progress", "Problems by depth and status:" },
	  "SELECT depth, status, problems FROM v_progress ORDER BY depth, status" },
	{ { "failures", "Why problems failed:" },
	  "SELECT depth, coalesce(why, '?') AS why, count(*) AS problems FROM problems"
	  " WHERE status = 'failed' GROUP BY 1, 2 ORDER BY 1, 3 DESC LIMIT 20" },
	/* A policy reason names where it struck ("forbidden `sorry` at 3:5"): grouped without it. */
	{ { "refusals", "Refused before Lean (policy), by reason:" },
	  "SELECT kind, CASE WHEN instr(why, ' at ') > 0 THEN substr(why, 1, instr(why, ' at ') - 1)"
	  " ELSE coalesce(why, '?') END AS reason, count(*) AS refusals FROM verifications"
	  " WHERE checker = 'policy' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20" },
	{ { "ingest", "Refused at ingest (cs-ingest), by reason:" },
	  "SELECT reason, count(*) AS refused, min(name) AS example FROM ingest_refusals"
	  " GROUP BY reason ORDER BY refused DESC, reason" },
	{ { "subgoals", "Subgoals per way they were stated (extracted_by):" },
	  "SELECT way, stated, proved, spliced, by_lemma FROM v_subgoals ORDER BY way" },
	{ { "cost", "Samples, tokens and time per model and stage:" },
	  "SELECT role, model, stage, samples, failed, prompt_tokens, completion_tokens,"
	  " cache_hit_tokens, seconds FROM v_cost ORDER BY role, stage" },
	{ { "verdicts", "Verdicts per kind of check:" },
	  "SELECT kind, verdict, CASE real_lean WHEN 1 THEN 'lean' ELSE checker || ' (not Lean)' END"
	  " AS checked_by, count(*) AS checks, round(sum(elapsed), 1) AS seconds"
	  " FROM verifications GROUP BY 1, 2, 3 ORDER BY 1, 2" },
	{ { "corpus", "Corpus:" }, "SELECT * FROM v_corpus_summary" },
	/* issue 20: a row is valid under a toolchain when its latest check there passed */
	{ { "toolchains", "Corpus rows valid under each toolchain (coldstart reverify re-checks them):" },
	  "SELECT id AS toolchain, checker, coalesce(nullif(lean_version, ''), '?') AS lean,"
	  " coalesce(nullif(substr(mathlib_rev, 1, 12), ''), '?') AS mathlib,"
	  " coalesce(nullif(substr(repl_rev, 1, 12), ''), '?') AS repl, valid, broken, unchecked"
	  " FROM v_toolchains WHERE valid + broken > 0 ORDER BY id" },
	/* cost is NULL when no role had a price (CS_PROVER_PRICE, CS_DECOMPOSER_PRICE) */
	{ { "money", "Spending (at CS_PROVER_PRICE and CS_DECOMPOSER_PRICE):" },
	  "SELECT round(sum(cost), 6) AS cost, (SELECT count(*) FROM corpus) AS rows,"
	  " round(sum(cost) / nullif((SELECT count(*) FROM corpus), 0), 6) AS cost_per_row,"
	  " (SELECT round(cost, 6) FROM v_runs ORDER BY id DESC LIMIT 1) AS last_run"
	  " FROM attempts WHERE cost IS NOT NULL HAVING count(*) > 0" },
	{ { "servers", "Lean checks per kimina-lean-server (the last 5 runs):" },
	  "SELECT run_id AS run, server, checks, errors, seconds FROM v_run_servers"
	  " WHERE server IS NOT NULL AND run_id IN (SELECT id FROM runs ORDER BY id DESC LIMIT 5)"
	  " ORDER BY run_id DESC, server" },
	{ { "runs", "Runs (the last 5; v_runs has them all):" },
	  "SELECT id, status, version, started_at, seconds, requests, failed_requests AS failed,"
	  " prompt_tokens, completion_tokens, cache_hit_tokens AS cache_hits, answers_reused,"
	  " rows_added, problems_proved AS proved, round(cost, 6) AS cost FROM v_runs ORDER BY id DESC LIMIT 5" },
	{ { "lean", "Lean restarts by cause and faults told apart (the last 5 runs; v_run_lean):" },
	  "SELECT id, restarts_uses, restarts_memory, restarts_crash, restarts_timeout, code_faults,"
	  " canaries, canary_failures FROM v_run_lean ORDER BY id DESC LIMIT 5" },
};

const struct db_report *db_reports(size_t *n)
{
	static struct db_report list[CS_ARRAY_SIZE(reports)];
	for (size_t i = 0; i < CS_ARRAY_SIZE(reports); i++)
		list[i] = reports[i].r;
	*n = CS_ARRAY_SIZE(reports);
	return list;
}

long db_report(sqlite3 *db, const char *name, int (*emit)(json_t *row, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	for (size_t i = 0; i < CS_ARRAY_SIZE(reports); i++)
		if (!strcmp(reports[i].r.name, name))
			return (st = db_prepare(db, reports[i].sql)) ? db_rows(db, st, emit, ctx) : -1;
	return error("no report '%s'", name);
}
