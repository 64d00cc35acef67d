-- Schema version 2 (from 1). Applied by db_open in one transaction, to old corpora
-- and, after schema.sql, to new ones. Each part says which change it belongs to.

-- Pending work is read in this order by every stage and by the streaming scheduler.
CREATE INDEX IF NOT EXISTS problems_pending ON problems(status, depth DESC, id);

-- Verifications belong to a run, so that a check that could not run (verdict error:
-- an infrastructure fault) keeps its problem out of the rest of that run only.
ALTER TABLE verifications ADD COLUMN run_id INTEGER REFERENCES runs(id);
