-- Schema version 2 (from 1). Applied by db_open in one transaction, to old corpora
-- and, after schema.sql, to new ones. Each part says which change it belongs to.

-- Pending work is read in this order by every stage and by the streaming scheduler.
CREATE INDEX IF NOT EXISTS problems_pending ON problems(status, depth DESC, id);

-- Operations (issue 13: --version, runs, inspection, retry): the coldstart version of
-- each run; the run that proved each problem; per-run cost and yield in v_runs.
ALTER TABLE runs ADD COLUMN version TEXT;
ALTER TABLE proofs ADD COLUMN run_id INTEGER REFERENCES runs(id);
CREATE INDEX IF NOT EXISTS attempts_run ON attempts(run_id);
-- seconds: wall clock of the run (so far, while it runs); requests: samples asked of
-- an endpoint in the run (answers served from the corpus are not asked again);
-- answers_reused: the runtime's count of such cached answers ("cached_answers" in
-- runs.counts); rows_added: corpus rows; problems_proved: proofs found in the run.
CREATE VIEW IF NOT EXISTS v_runs AS
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
	       (SELECT count(*) FROM proofs p WHERE p.run_id = r.id) AS problems_proved
	FROM runs r;
