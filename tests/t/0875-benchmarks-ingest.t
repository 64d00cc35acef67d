#!/bin/sh
# Benchmarks kept out (issue 20): cs-ingest marks a problem whose statement reads,
# as Lean reads it, like a statement of the bundled benchmark splits
# (data/benchmarks/fingerprints.tsv): the theorem renamed, its hypotheses renamed,
# comments and spacing changed still match; another numeral or another hypothesis
# does not. cs-fingerprint makes fingerprint files; CS_BENCHMARKS adds one, or
# turns the check off.
. "$(dirname "$0")/lib.sh"

unset CS_BENCHMARKS # lib.sh turns the check off for the other tests
export CS_DB=$TRASH/c.db

# mathd_algebra_48 (miniF2F valid) and amc12a_2002_p6 (miniF2F test) restated, and
# statements that differ from them as propositions.
cat > restated.jsonl <<'EOT'
{"name":"mathd_algebra_48","formal_statement":"theorem mathd_algebra_48 (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) :\n  q - e = 12 := by\n"}
{"name":"renamed_theorem","formal_statement":"theorem renamed_theorem (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) :\n  q - e = 12 := by\n"}
{"name":"renamed_hyps","formal_statement":"theorem renamed_hyps (a b : ℂ) (ha : a = 9 - 4 * Complex.I) (hb : b = -3 - 4 * Complex.I) : a - b = 12 := by sorry"}
{"name":"comments_spacing","formal_statement":"/- a comment -/ theorem comments_spacing\n    (q : ℂ)   (e : ℂ) -- split group\n    (h₀ : q = 9 - 4 * Complex.I)\n    (h₁ : e = -3 - /- here -/ 4 * Complex.I) :\n        q - e = 12 :=\n  by\n  sorry"}
{"name":"other_numeral","formal_statement":"theorem other_numeral (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) :\n  q - e = 13 := by\n"}
{"name":"other_hypothesis","formal_statement":"theorem other_hypothesis (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) (h₁ : e = -3 - 4 * Complex.I) (h₂ : q ≠ 0) :\n  q - e = 12 := by\n"}
{"name":"fewer_hypotheses","formal_statement":"theorem fewer_hypotheses (q e : ℂ) (h₀ : q = 9 - 4 * Complex.I) :\n  q - e = 12 := by\n"}
{"name":"p6_renamed","formal_statement":"theorem p6_renamed (k : ℕ) (hk : 0 < k) : ∃ m, m > k ∧ ∃ p, m * p ≤ m + p := by\n"}
{"name":"p6_bound_renamed","formal_statement":"theorem p6_bound_renamed (n : ℕ) (h₀ : 0 < n) : ∃ x, x > n ∧ ∃ y, x * y ≤ x + y := by\n"}
{"name":"p6_other_relation","formal_statement":"theorem p6_other_relation (n : ℕ) (h₀ : 0 < n) : ∃ m, m > n ∧ ∃ p, m * p < m + p := by\n"}
{"name":"not_a_benchmark","formal_statement":"theorem not_a_benchmark (x : ℕ) (h : x = 2) : x + x = 4 := by\n"}
EOT

test_expect_success 'restated benchmark statements are marked; other propositions are not' '
	cs-ingest restated.jsonl 2> err &&
	test_grep "11 read, 11 added, 0 already present, 0 bad; 6 benchmark statements$" err &&
	sql "SELECT name || \" \" || coalesce(benchmark, \"-\") FROM problems ORDER BY id" > got &&
	cat > want <<-\EOT &&
	mathd_algebra_48 minif2f/valid/mathd_algebra_48
	renamed_theorem minif2f/valid/mathd_algebra_48
	renamed_hyps minif2f/valid/mathd_algebra_48
	comments_spacing minif2f/valid/mathd_algebra_48
	other_numeral -
	other_hypothesis -
	fewer_hypotheses -
	p6_renamed minif2f/test/amc12a_2002_p6
	p6_bound_renamed minif2f/test/amc12a_2002_p6
	p6_other_relation -
	not_a_benchmark -
	EOT
	test_cmp want got &&
	test_eq "$(sql "SELECT count(DISTINCT fingerprint) FROM problems WHERE benchmark LIKE \"%mathd_algebra_48\"")" 1
'

test_expect_success 'CS_VERBOSE names each; loading again marks nothing twice' '
	CS_VERBOSE=1 cs-ingest restated.jsonl 2> err &&
	test_grep "restated.jsonl:3: renamed_hyps reads as benchmark statement minif2f/valid/mathd_algebra_48" err &&
	test_grep "11 read, 0 added, 11 already present, 0 bad; 6 benchmark statements$" err &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE benchmark IS NOT NULL")" 6
'

test_expect_success 'the bundled miniF2F: all 488 are benchmark statements, some in Harmonic'\''s revision too' '
	CS_DB=m.db cs-ingest "$SRC_DIR/data/minif2f.jsonl" 2> err &&
	test_grep "488 read, 488 added, 0 already present, 0 bad; 488 benchmark statements$" err &&
	test_eq "$(CS_DB=m.db sql "SELECT count(*) FROM problems WHERE benchmark LIKE \"minif2f/\" || split || \"/\" || name || \"%\"")" 488 &&
	test "$(CS_DB=m.db sql "SELECT count(*) FROM problems WHERE benchmark LIKE \"%minif2f-harmonic/%\"")" -gt 0
'

test_expect_success 'cs-fingerprint: one line per statement; CS_BENCHMARKS adds a file' '
	printf "{\"name\":\"mine\",\"formal_statement\":\"theorem mine (x : ℕ) (h : x = 2) : x + x = 4 := by\"}\n" > mine.jsonl &&
	cs-fingerprint -b private -S heldout mine.jsonl > mine.tsv &&
	test_eq "$(cut -f1-3 mine.tsv)" "$(printf "private\theldout\tmine")" &&
	test_eq "$(cut -f4 mine.tsv)" "$(sql "SELECT fingerprint FROM problems WHERE name = \"not_a_benchmark\"")" &&
	CS_BENCHMARKS=$TRASH/mine.tsv cs-ingest restated.jsonl 2> err &&
	test_grep "7 benchmark statements$" err &&
	test_eq "$(sql "SELECT benchmark FROM problems WHERE name = \"not_a_benchmark\"")" "private/heldout/mine" &&
	test_eq "$(sql "SELECT benchmark FROM problems WHERE name = \"renamed_hyps\"")" "minif2f/valid/mathd_algebra_48"
'

test_expect_success 'CS_BENCHMARKS=none checks nothing and keeps the marks; a bad file is a configuration error' '
	CS_BENCHMARKS=none cs-ingest restated.jsonl 2> err &&
	test_grep "0 benchmark statements (CS_BENCHMARKS=none: not checked)" err &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE benchmark IS NOT NULL")" 7 &&
	printf "not\ta line\n" > bad.tsv &&
	CS_BENCHMARKS=$TRASH/bad.tsv test_exit 3 cs-ingest restated.jsonl 2> err &&
	test_grep "bad.tsv:1: not .benchmark<TAB>split<TAB>entry<TAB>fingerprint." err
'

test_expect_success 'the shipped file: every split with its entries, as PROVENANCE.md says' '
	tsv=$SRC_DIR/data/benchmarks/fingerprints.tsv &&
	grep -v "^#" "$tsv" | cut -f1,2 | sort | uniq -c | sed "s/^ *//" > got &&
	cat > want <<-\EOT &&
	244 minif2f	test
	244 minif2f	valid
	48 minif2f-harmonic	test
	48 minif2f-harmonic	valid
	186 proofnet	test
	185 proofnet	valid
	672 putnambench	all
	EOT
	test_cmp want got &&
	for b in minif2f minif2f-harmonic proofnet putnambench; do
		grep -q "^| \`$b\` |" "$SRC_DIR/data/benchmarks/PROVENANCE.md" || { echo "PROVENANCE.md lacks $b"; exit 1; }
	done &&
	cs-fingerprint -b minif2f "$SRC_DIR/data/minif2f.jsonl" > again &&
	grep "^minif2f	" "$tsv" | grep -v harmonic > shipped &&
	test_cmp shipped again
'

test_done
