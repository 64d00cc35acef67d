-- issue 20: benchmarks kept out, nothing proved twice. problems.fingerprint is the
-- statement's fingerprint (lean_io/lean_fingerprint.h: the statement as Lean reads
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
