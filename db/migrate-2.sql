-- Schema version 2 (from 1). Applied by db_open in one transaction, to old corpora
-- and, after schema.sql, to new ones. Each part says which change it belongs to.

-- Pending work is read in this order by every stage and by the streaming scheduler.
CREATE INDEX IF NOT EXISTS problems_pending ON problems(status, depth DESC, id);

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
