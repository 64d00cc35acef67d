-- Schema version 3 (from 2): applied by db_open in one transaction.

-- issue 21: several Lean servers (checks per server), money (cost per request and run)
-- The kimina-lean-server that made a check (its URL as in CS_LEAN_URL); NULL for the
-- local REPL pool and the policy.
ALTER TABLE verifications ADD COLUMN server TEXT;
-- What a request cost at the prices of its run (CS_PROVER_PRICE, CS_DECOMPOSER_PRICE),
-- booked on its first sample's row; NULL when its role had no price.
ALTER TABLE attempts ADD COLUMN cost REAL;
-- Checks per run and server (a run on local REPLs has one row, server NULL).
DROP VIEW IF EXISTS v_run_servers;
CREATE VIEW v_run_servers AS
	SELECT run_id, server, count(*) AS checks,
	       sum(verdict = 'error') AS errors, round(sum(elapsed), 1) AS seconds
	FROM verifications WHERE checker != 'policy' GROUP BY run_id, server;
-- v_runs of version 2 with cost (NULL when nothing was priced), cost_per_row (cost over
-- the rows the run added) and checks_by_server ({"URL": checks}, NULL without kimina).
DROP VIEW IF EXISTS v_runs;
CREATE VIEW v_runs AS
	SELECT r.id, r.status, r.version, r.started_at, r.ended_at,
	       CAST(round((julianday(coalesce(r.ended_at, 'now')) - julianday(r.started_at)) * 86400)
		    AS INTEGER) AS seconds,
	       (SELECT count(*) FROM attempts a WHERE a.run_id = r.id) AS requests,
	       (SELECT count(*) FROM attempts a WHERE a.run_id = r.id AND a.status = 'failed') AS failed_requests,
	       (SELECT coalesce(sum(prompt_tokens), 0) FROM attempts a WHERE a.run_id = r.id) AS prompt_tokens,
	       (SELECT coalesce(sum(completion_tokens), 0) FROM attempts a WHERE a.run_id = r.id) AS completion_tokens,
	       (SELECT coalesce(sum(cache_hit_tokens), 0) FROM attempts a WHERE a.run_id = r.id) AS cache_hit_tokens,
	       CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.cached_answers') END AS answers_reused,
	       (SELECT count(*) FROM corpus c WHERE c.run_id = r.id) AS rows_added,
	       (SELECT count(*) FROM proofs p WHERE p.run_id = r.id) AS problems_proved,
	       (SELECT sum(cost) FROM attempts a WHERE a.run_id = r.id) AS cost,
	       (SELECT sum(cost) FROM attempts a WHERE a.run_id = r.id) /
		 nullif((SELECT count(*) FROM corpus c WHERE c.run_id = r.id), 0) AS cost_per_row,
	       (SELECT json_group_object(server, checks) FROM v_run_servers s
		 WHERE s.run_id = r.id AND s.server IS NOT NULL) AS checks_by_server
	FROM runs r;
