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
