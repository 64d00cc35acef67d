-- Schema version 3 (from 2). Applied by db_open in one transaction, to old corpora
-- and, after schema.sql and migrate-2.sql, to new ones. Each part says which change
-- it belongs to.

-- issue 20: toolchain identity on every check, re-verification (coldstart reverify).
-- A toolchain is what a check ran under: the checker (repl | kimina), Lean's own
-- answer to `#eval Lean.versionString`, what CS_LEAN_DIR's lean-toolchain and
-- lake-manifest.json name (the Mathlib and REPL revisions; a kimina server reports
-- none of them), and the header the code was checked under. '' is unknown (a corpus
-- made before version 3 knows only the checker, its version and the header).
-- env_key names the toolchain without its header: the same Lean, Mathlib and REPL.
CREATE TABLE IF NOT EXISTS toolchains (
	id INTEGER PRIMARY KEY,
	checker TEXT NOT NULL,                    -- repl | kimina
	lean_version TEXT NOT NULL DEFAULT '',    -- Lean.versionString as the checker answered it
	lean_toolchain TEXT NOT NULL DEFAULT '',  -- CS_LEAN_DIR/lean-toolchain (leanprover/lean4:v4.9.0)
	mathlib_rev TEXT NOT NULL DEFAULT '',     -- lake-manifest.json: rev of package mathlib
	repl_rev TEXT NOT NULL DEFAULT '',        -- lake-manifest.json: rev of package REPL
	header TEXT NOT NULL DEFAULT '',          -- imports, options, opens
	real_lean INTEGER NOT NULL DEFAULT 0,     -- lean_version is a Lean version string
	env_key TEXT NOT NULL,                    -- checker, lean_version, lean_toolchain, mathlib_rev, repl_rev
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	UNIQUE (env_key, header)
);
ALTER TABLE verifications ADD COLUMN toolchain_id INTEGER REFERENCES toolchains(id);
ALTER TABLE corpus ADD COLUMN toolchain_id INTEGER REFERENCES toolchains(id);

-- Every verdict on a stored proof, per toolchain, side by side and never overwritten:
-- origin 'run' is the check that made the corpus row, 'migrated' that check as a
-- corpus made before version 3 recorded it, 'reverify' a re-check by cs-reverify.
-- corpus_id is the corpus row; NULL for a lemma's proof (proofs.problem_id =
-- problem_id, cs-reverify --lemmas). verdict: pass, or what Lean said otherwise
-- (fail, sorry, timeout; rejected: refused by the policy before Lean). A check that
-- could not run leaves no row. A row's verdict under a toolchain is its latest.
CREATE TABLE IF NOT EXISTS rechecks (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES problems(id),
	corpus_id INTEGER REFERENCES corpus(id),
	toolchain_id INTEGER NOT NULL REFERENCES toolchains(id),
	origin TEXT NOT NULL CHECK (origin IN ('run','migrated','reverify')),
	verdict TEXT NOT NULL CHECK (verdict IN ('pass','fail','sorry','timeout','rejected')),
	why TEXT,                                 -- Lean's first error, or the cause
	code_hash TEXT,                           -- sha256 of the source checked
	elapsed REAL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS rechecks_problem ON rechecks(problem_id, toolchain_id, id);
CREATE INDEX IF NOT EXISTS rechecks_corpus ON rechecks(corpus_id, toolchain_id, id);

-- The toolchains of a version 2 corpus, from what it recorded: the checker and its
-- version, with each problem's header; its corpus rows passed under theirs.
INSERT OR IGNORE INTO toolchains (checker, lean_version, header, real_lean, env_key)
	SELECT DISTINCT c.checker, coalesce(c.checker_version, ''), p.header, c.real_lean,
	       c.checker || char(31) || coalesce(c.checker_version, '') || char(31) || char(31) || char(31)
	FROM corpus c JOIN problems p ON p.id = c.problem_id;
INSERT OR IGNORE INTO toolchains (checker, lean_version, header, real_lean, env_key)
	SELECT DISTINCT v.checker, coalesce(v.version, ''), p.header, v.real_lean,
	       v.checker || char(31) || coalesce(v.version, '') || char(31) || char(31) || char(31)
	FROM verifications v JOIN problems p ON p.id = v.problem_id
	WHERE v.checker != 'policy' AND v.toolchain_id IS NULL;
UPDATE corpus SET toolchain_id = (SELECT t.id FROM toolchains t JOIN problems p ON p.id = corpus.problem_id
	WHERE t.header = p.header AND t.env_key = corpus.checker || char(31) ||
	      coalesce(corpus.checker_version, '') || char(31) || char(31) || char(31))
	WHERE toolchain_id IS NULL;
UPDATE verifications SET toolchain_id = (SELECT t.id FROM toolchains t JOIN problems p ON p.id = verifications.problem_id
	WHERE t.header = p.header AND t.env_key = verifications.checker || char(31) ||
	      coalesce(verifications.version, '') || char(31) || char(31) || char(31))
	WHERE toolchain_id IS NULL AND checker != 'policy';
INSERT INTO rechecks (problem_id, corpus_id, toolchain_id, origin, verdict, created_at)
	SELECT c.problem_id, c.id, c.toolchain_id, 'migrated', 'pass', c.created_at FROM corpus c
	WHERE c.toolchain_id IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM rechecks r WHERE r.corpus_id = c.id);

-- The verdict of each corpus row under each toolchain it was checked under: the latest.
DROP VIEW IF EXISTS v_row_validity;
CREATE VIEW v_row_validity AS
	SELECT c.id AS corpus_id, c.name, r.toolchain_id, t.env_key, r.verdict, r.why, r.origin,
	       r.created_at AS checked_at
	FROM rechecks r JOIN corpus c ON c.id = r.corpus_id JOIN toolchains t ON t.id = r.toolchain_id
	WHERE r.id = (SELECT max(b.id) FROM rechecks b
	              WHERE b.corpus_id = r.corpus_id AND b.toolchain_id = r.toolchain_id);
-- Per toolchain: corpus rows valid (latest check passed), broken (latest did not),
-- not checked under it.
DROP VIEW IF EXISTS v_toolchains;
CREATE VIEW v_toolchains AS
	SELECT t.id, t.checker, t.lean_version, t.lean_toolchain, t.mathlib_rev, t.repl_rev,
	       t.real_lean, substr(replace(t.header, char(10), ' '), 1, 40) AS header,
	       coalesce(sum(v.verdict = 'pass'), 0) AS valid, coalesce(sum(v.verdict != 'pass'), 0) AS broken,
	       (SELECT count(*) FROM corpus) - count(v.corpus_id) AS unchecked
	FROM toolchains t LEFT JOIN v_row_validity v ON v.toolchain_id = t.id
	GROUP BY t.id;

-- issue 20 (items 3, 4): benchmarks kept out, nothing proved twice. problems.fingerprint is the
-- statement's fingerprint (lean_text/lean_fingerprint.h: the statement as Lean reads
-- it, names, comments and spacing aside); NULL for problems stored before this
-- version. problems.benchmark names the benchmark entries an original theorem reads
-- the same as ("minif2f/test/mathd_algebra_48", several comma-separated), set by
-- cs-ingest from data/benchmarks/fingerprints.tsv; cs-export leaves such problems,
-- and every problem below them, out. proofs.reused_from is the problem whose proof
-- a subgoal lemma's proof was carried over from (the same fingerprint), re-checked
-- in Lean in the lemma's own statement instead of asking the prover.
ALTER TABLE problems ADD COLUMN fingerprint TEXT;
ALTER TABLE problems ADD COLUMN benchmark TEXT;
CREATE INDEX IF NOT EXISTS problems_fingerprint ON problems(fingerprint);
ALTER TABLE proofs ADD COLUMN reused_from INTEGER REFERENCES problems(id);
-- The problems a benchmark problem stands on: itself and, through accepted sketches,
-- every subgoal lemma below it (benchmark: its root's entries).
DROP VIEW IF EXISTS v_benchmark_tree;
CREATE VIEW v_benchmark_tree AS
	WITH RECURSIVE tree(id, root, benchmark) AS (
		SELECT id, id, benchmark FROM problems WHERE benchmark IS NOT NULL
		UNION
		SELECT g.child_id, tree.root, tree.benchmark FROM tree
		JOIN sketches s ON s.problem_id = tree.id AND s.status = 'accepted'
		JOIN subgoals g ON g.sketch_id = s.id WHERE g.child_id IS NOT NULL)
	SELECT id AS problem_id, root, benchmark FROM tree;
-- Proofs carried over: per lemma, the proof it reused and where from.
DROP VIEW IF EXISTS v_reuse;
CREATE VIEW v_reuse AS
	SELECT pr.problem_id, p.name, pr.reused_from, f.name AS reused_from_name
	FROM proofs pr JOIN problems p ON p.id = pr.problem_id
	JOIN problems f ON f.id = pr.reused_from WHERE pr.reused_from IS NOT NULL;

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
		 WHERE s.run_id = r.id AND s.server IS NOT NULL) AS checks_by_server,
	       -- issue 23: the Lean processes restarted, by cause (runs.counts "lean"; v_run_lean)
	       CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.lean.restarts.uses') END AS restarts_uses,
	       CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.lean.restarts.memory') END AS restarts_memory,
	       CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.lean.restarts.crash') END AS restarts_crash,
	       CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.lean.restarts.timeout') END AS restarts_timeout
	FROM runs r;

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
