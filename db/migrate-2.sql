-- Schema version 2 (from 1). Applied by db_open in one transaction, to old corpora
-- and, after schema.sql, to new ones. Each part says which change it belongs to.

-- Pending work is read in this order by every stage and by the streaming scheduler.
CREATE INDEX IF NOT EXISTS problems_pending ON problems(status, depth DESC, id);

-- Verifications belong to a run, so that a check that could not run (verdict error:
-- an infrastructure fault) keeps its problem out of the rest of that run only.
ALTER TABLE verifications ADD COLUMN run_id INTEGER REFERENCES runs(id);

-- Kernel replay (cs-audit, issue 10 item 6): every run of the external checker
-- CS_LEAN_AUDIT_CMD on a corpus row, kept as history. verdict 'error' is an attempt
-- that gave no verdict (the checker could not run, crashed, timed out): it leaves
-- the row unaudited. A row's audit is its latest 'pass' or 'fail' (v_corpus_audit).
CREATE TABLE IF NOT EXISTS audits (
	id INTEGER PRIMARY KEY,
	corpus_id INTEGER NOT NULL REFERENCES corpus(id),
	verdict TEXT NOT NULL CHECK (verdict IN ('pass','fail','error')),
	checker TEXT NOT NULL,                    -- base name of the command (lean_audit_checker_name)
	version TEXT,                             -- first line of its version query; NULL: unknown
	real_lean INTEGER NOT NULL,               -- 1 only when that version names Lean ("Lean (version 4.")
	why TEXT,                                 -- fail: the checker's last output; error: the cause
	code_hash TEXT NOT NULL,                  -- sha256 of the file checked (corpus.formal_proof)
	elapsed REAL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS audits_corpus ON audits(corpus_id, id);

CREATE VIEW IF NOT EXISTS v_corpus_audit AS
	SELECT c.id AS corpus_id, c.name, a.verdict, a.checker, a.version, a.real_lean, a.why,
	       a.created_at AS audited_at
	FROM corpus c JOIN audits a ON a.id = (SELECT b.id FROM audits b WHERE b.corpus_id = c.id
	                                       AND b.verdict != 'error' ORDER BY b.id DESC LIMIT 1);

-- cs-ingest of the public datasets as published (issue 14). A problem keeps the
-- statement as the dataset gave it when ingest normalised it (NULL: stored as given)
-- and the dataset's id when that is not the theorem's name. Every record cs-ingest
-- refuses is recorded with its reason, once per (source, name): the rows of a source
-- are replaced when it is ingested again, and a problem that loads under the same
-- id or theorem name removes its row. `coldstart status` counts them by reason.
ALTER TABLE problems ADD COLUMN original_statement TEXT;
ALTER TABLE problems ADD COLUMN source_key TEXT;
CREATE TABLE IF NOT EXISTS ingest_refusals (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,                     -- file (or -s SOURCE) the record came from
	name TEXT NOT NULL,                       -- the record's id, else its theorem's name, else 'line N'
	line INTEGER,                             -- line of the record (JSONL) or of the cause (.lean)
	reason TEXT NOT NULL,                     -- short class: answer-definition, has-proof, no-theorem, ...
	why TEXT NOT NULL,                        -- the message cs-ingest printed
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	UNIQUE (source, name)
);
CREATE INDEX IF NOT EXISTS ingest_refusals_name ON ingest_refusals(name);

-- Lean-level audit of a passing check (CS_LEAN_AXIOMS): 1 when #print axioms and the
-- type comparison with the problem's statement ran, 0 when they were off.
ALTER TABLE verifications ADD COLUMN audited INTEGER NOT NULL DEFAULT 0;

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

-- Subgoals that don't give up (issue 11): subgoals.extracted_by is syntax | goals |
-- text (the way that stated the lemma); recombined_as says how the subgoal's proof
-- went back into its sketch once the sketch's problem was proved: splice (spliced
-- into its sorry) | lemma (the sorry closed by its proven lemma).
ALTER TABLE subgoals ADD COLUMN recombined_as TEXT;
CREATE VIEW IF NOT EXISTS v_subgoals AS
	SELECT g.extracted_by AS way, count(*) AS stated,
	       sum(CASE WHEN c.status = 'proved' THEN 1 ELSE 0 END) AS proved,
	       sum(CASE WHEN g.recombined_as = 'splice' THEN 1 ELSE 0 END) AS spliced,
	       sum(CASE WHEN g.recombined_as = 'lemma' THEN 1 ELSE 0 END) AS by_lemma
	FROM subgoals g JOIN sketches s ON s.id = g.sketch_id AND s.status = 'accepted'
	LEFT JOIN problems c ON c.id = g.child_id
	GROUP BY g.extracted_by;

-- A corpus row whose proof was audited in Lean when it was checked (CS_LEAN_AXIOMS:
-- #print axioms, and its type against the problem's statement): 1; 0 when the audit
-- was off.
ALTER TABLE corpus ADD COLUMN audited INTEGER NOT NULL DEFAULT 0;
