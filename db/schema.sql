-- coldstart corpus schema. Version 1 (PRAGMA user_version). db_open applies
-- forward migrations (db/migrate-N.sql, embedded) to older corpora.
-- Statuses of problems: new -> (prove) -> proved | unproved
--   unproved -> (decompose) -> decomposed | failed        (failed also at CS_MAX_DEPTH)
--   decomposed -> (all subgoals proved) -> recombine -> (recombine) -> proved | failed
-- A problem of depth > 0 is a subgoal lemma (form (b)) of its parent's accepted sketch.

CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY,
	started_at TEXT NOT NULL,
	ended_at TEXT,
	status TEXT NOT NULL DEFAULT 'running',   -- running | done | failed | killed
	config TEXT NOT NULL DEFAULT '{}',        -- JSON of the CS_* settings (never a key)
	counts TEXT                               -- JSON, filled at the end
);

CREATE TABLE IF NOT EXISTS problems (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	source TEXT NOT NULL,                     -- file the problem came from, or 'subgoal'
	split TEXT,
	header TEXT NOT NULL,                     -- imports, options, opens
	informal TEXT,                            -- informal statement (informal_prefix)
	formal_statement TEXT NOT NULL,           -- theorem ... := by
	goal TEXT,
	stmt_key TEXT NOT NULL UNIQUE,            -- sha256 of header + normalized statement (name aside for subgoals)
	depth INTEGER NOT NULL DEFAULT 0,
	parent_subgoal_id INTEGER REFERENCES subgoals(id),  -- the subgoal that first asked for it
	status TEXT NOT NULL DEFAULT 'new'
		CHECK (status IN ('new','unproved','decomposed','recombine','proved','failed')),
	how TEXT,                                 -- e2e | prover | decomposition, once proved
	why TEXT,                                 -- why it failed
	e2e_tried INTEGER NOT NULL DEFAULT 0,
	sketches_tried INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS problems_status ON problems(status, depth);
CREATE INDEX IF NOT EXISTS problems_name ON problems(name);

-- Every sample asked of an endpoint, one row per choice. cache_key makes a
-- re-run serve the same question from here instead of the network.
CREATE TABLE IF NOT EXISTS attempts (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES problems(id),
	run_id INTEGER REFERENCES runs(id),
	stage TEXT NOT NULL,                      -- prove | prove_e2e | decompose
	role TEXT NOT NULL,                       -- prover | decomposer
	model TEXT NOT NULL,
	endpoint TEXT NOT NULL,                   -- base URL (never a key)
	cache_key TEXT NOT NULL UNIQUE,
	prompt_name TEXT NOT NULL,
	prompt_hash TEXT NOT NULL,
	request TEXT NOT NULL,                    -- JSON body asked (messages, sampling)
	sample_index INTEGER NOT NULL,
	content TEXT,
	reasoning TEXT,
	finish_reason TEXT,
	status TEXT NOT NULL,                     -- ok | failed
	http_status INTEGER,
	error TEXT,
	prompt_tokens INTEGER NOT NULL DEFAULT 0,
	completion_tokens INTEGER NOT NULL DEFAULT 0,
	cache_hit_tokens INTEGER NOT NULL DEFAULT 0,
	cache_miss_tokens INTEGER NOT NULL DEFAULT 0,
	elapsed REAL,
	verdict TEXT,                             -- pass | sorry | fail | timeout | error | rejected | unchecked
	why TEXT,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS attempts_problem ON attempts(problem_id);

CREATE TABLE IF NOT EXISTS verifications (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES problems(id),
	attempt_id INTEGER REFERENCES attempts(id),
	kind TEXT NOT NULL,                       -- proof | sketch | recombined | fallback
	code_hash TEXT NOT NULL,
	checker TEXT NOT NULL,                    -- repl | kimina | policy
	version TEXT,
	real_lean INTEGER NOT NULL,               -- 0: checked by a test double, not by Lean
	verdict TEXT NOT NULL,
	why TEXT,
	messages TEXT,                            -- JSON array
	elapsed REAL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS verifications_problem ON verifications(problem_id);

CREATE TABLE IF NOT EXISTS sketches (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES problems(id),
	attempt_id INTEGER REFERENCES attempts(id),
	reasoning TEXT NOT NULL,                  -- the decomposer's natural-language analysis
	code TEXT NOT NULL,                       -- the Lean sketch (theorem only, no header)
	status TEXT NOT NULL,                     -- accepted | rejected
	why TEXT,
	model TEXT NOT NULL,
	prompt_hash TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS sketches_problem ON sketches(problem_id);

CREATE TABLE IF NOT EXISTS subgoals (
	id INTEGER PRIMARY KEY,
	sketch_id INTEGER NOT NULL REFERENCES sketches(id),
	idx INTEGER NOT NULL,
	have_name TEXT,
	lemma_name TEXT NOT NULL,
	statement TEXT NOT NULL,
	lemma_a TEXT NOT NULL,                    -- form (a): theorem hypotheses only
	lemma_b TEXT NOT NULL,                    -- form (b): plus every earlier have
	is_final INTEGER NOT NULL DEFAULT 0,
	extracted_by TEXT NOT NULL,               -- syntax | goals
	child_id INTEGER REFERENCES problems(id), -- the lemma as a problem (shared by identical statements)
	UNIQUE (sketch_id, idx)
);
CREATE INDEX IF NOT EXISTS subgoals_child ON subgoals(child_id);

-- The accepted proof of a problem.
CREATE TABLE IF NOT EXISTS proofs (
	problem_id INTEGER PRIMARY KEY REFERENCES problems(id),
	how TEXT NOT NULL,                        -- e2e | prover | decomposition
	body TEXT NOT NULL,                       -- tactic block after := by
	code TEXT NOT NULL,                       -- theorem source as verified (no header)
	attempt_id INTEGER REFERENCES attempts(id),
	verification_id INTEGER REFERENCES verifications(id),
	real_lean INTEGER NOT NULL
);

-- One row per finished cold-start example.
CREATE TABLE IF NOT EXISTS corpus (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL UNIQUE REFERENCES problems(id),
	name TEXT NOT NULL,
	formal_proof TEXT NOT NULL,               -- complete verified Lean source, header included
	cot TEXT NOT NULL,                        -- the decomposer's reasoning
	prompt TEXT NOT NULL,                     -- the prover's CoT prompt for the theorem
	completion TEXT NOT NULL,                 -- cot, then the proof in a ```lean4 block
	decomposer_model TEXT,
	prover_model TEXT,
	prompt_hashes TEXT,                       -- JSON {name: sha256}
	checker TEXT NOT NULL,
	checker_version TEXT,
	real_lean INTEGER NOT NULL,               -- 0: rows of a test double, refused by export
	depth INTEGER NOT NULL,                   -- deepest recursion used
	prompt_tokens INTEGER NOT NULL DEFAULT 0,
	completion_tokens INTEGER NOT NULL DEFAULT 0,
	run_id INTEGER REFERENCES runs(id),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

CREATE VIEW IF NOT EXISTS v_progress AS
	SELECT depth, status, count(*) AS problems FROM problems GROUP BY depth, status;

CREATE VIEW IF NOT EXISTS v_problem_status AS
	SELECT p.id, p.name, p.split, p.depth, p.status, p.how, p.why,
	       (SELECT count(*) FROM attempts a WHERE a.problem_id = p.id) AS attempts,
	       (SELECT count(*) FROM sketches s WHERE s.problem_id = p.id) AS sketches,
	       EXISTS (SELECT 1 FROM corpus c WHERE c.problem_id = p.id) AS in_corpus
	FROM problems p;

CREATE VIEW IF NOT EXISTS v_corpus_summary AS
	SELECT count(*) AS examples, sum(real_lean) AS checked_by_lean,
	       count(*) - sum(real_lean) AS checked_by_double, max(depth) AS max_depth,
	       sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
	       avg(length(formal_proof)) AS avg_proof_chars
	FROM corpus;

CREATE VIEW IF NOT EXISTS v_cost AS
	SELECT role, model, stage, count(*) AS samples,
	       sum(status = 'failed') AS failed,
	       sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
	       sum(cache_hit_tokens) AS cache_hit_tokens, round(sum(elapsed), 1) AS seconds
	FROM attempts GROUP BY role, model, stage;
