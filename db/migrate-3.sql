-- issue 23: Lean faults told apart. runs.counts gains "lean": the checker's restarts
-- by cause (uses: CS_LEAN_MAX_USES; memory: CS_LEAN_MAX_RSS; crash: the process died,
-- answered garbage or too much; timeout: CS_LEAN_TIMEOUT), code_faults (checks settled
-- fail/timeout because Lean died or hung on the same code on fresh processes while a
-- canary in the same slot passed), canaries run and canary_failures (the checker's
-- fault: error, work pending). One row per run; NULL for runs before this version.
DROP VIEW IF EXISTS v_run_lean;
CREATE VIEW v_run_lean AS
	SELECT r.id, r.status,
	       json_extract(r.counts, '$.lean.restarts.uses') AS restarts_uses,
	       json_extract(r.counts, '$.lean.restarts.memory') AS restarts_memory,
	       json_extract(r.counts, '$.lean.restarts.crash') AS restarts_crash,
	       json_extract(r.counts, '$.lean.restarts.timeout') AS restarts_timeout,
	       json_extract(r.counts, '$.lean.code_faults') AS code_faults,
	       json_extract(r.counts, '$.lean.canaries') AS canaries,
	       json_extract(r.counts, '$.lean.canary_failures') AS canary_failures,
	       json_extract(r.counts, '$.lean.started_in_advance') AS started_in_advance
	FROM runs r WHERE json_valid(r.counts);
