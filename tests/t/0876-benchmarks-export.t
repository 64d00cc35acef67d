#!/bin/sh
# Benchmarks kept out (issue 20): cs-export leaves out the rows of a problem that
# reads as a benchmark statement and, in the curriculum, every subgoal lemma below
# it (a lemma shared with another problem too), says how many it left out, and
# --include-benchmarks keeps them; the dataset card names the benchmarks checked
# and the counts. The corpus is made by hand-made stage records (as in 0610).
. "$(dirname "$0")/lib.sh"

unset CS_BENCHMARKS
export CS_DB=$TRASH/c.db
# bench_48: miniF2F's mathd_algebra_48 under another name, hypotheses renamed
cat > problems.jsonl <<'EOT'
{"name":"bench_48","split":"valid","header":"import Mathlib\n","formal_statement":"theorem bench_48 (a b : ℂ) (ha : a = 9 - 4 * Complex.I) (hb : b = -3 - 4 * Complex.I) : a - b = 12 := by"}
{"name":"plain","split":"valid","header":"import Mathlib\n","formal_statement":"theorem plain (x : ℕ) (h : x = 1) : x * 2 = 2 := by"}
EOT

unproved() { printf '{"type":"prove","problem_id":%s,"stage":"prove_e2e","result":"unproved"}\n' "$1"; }
# sketch PID NAME KEY...: an accepted sketch whose subgoals have these stmt_keys
sketch() {
	pid=$1 name=$2; shift 2
	printf '{"type":"decompose","problem_id":%s,"result":"accepted","sketches":[{"reasoning":"r","code":"c","status":"accepted","model":"d","prompt_hash":"h","subgoals":[' "$pid"
	i=0
	for k; do
		[ $i = 0 ] || printf ','
		printf '{"idx":%s,"lemma_name":"%s_g%s","statement":"s","lemma_a":"theorem %s_g%s : %s = %s := by","lemma_b":"theorem %s_g%s : %s = %s := by","stmt_key":"%s"}' \
			$i "$name" $i "$name" $i "$k" "$k" "$name" $i "$k" "$k" "$k"
		i=$((i + 1))
	done
	printf ']}]}\n'
}
proved() { printf '{"type":"prove","problem_id":%s,"stage":"prove","result":"proved","proof":{"code":"c","body":"rfl","real_lean":true}}\n' "$1"; }
recombined() {
	printf '{"type":"recombine","problem_id":%s,"result":"proved","proof":{"code":"c","body":"b","real_lean":true},"corpus":{"name":"%s","formal_proof":"p","cot":"r","prompt":"p","completion":"c","checker":"repl","real_lean":true}}\n' "$1" "$2"
}

test_expect_success 'setup: a benchmark problem and another, decomposed, a lemma shared, both recombined' '
	cs-ingest problems.jsonl 2> err &&
	test_grep "1 benchmark statements" err &&
	{ unproved 1; unproved 2; sketch 1 bench_48 k1 k2; sketch 2 plain k2 k3; } | cs-store &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE depth = 1")" 3 &&
	for id in 3 4 5; do proved $id; done | cs-store &&
	cs-pending -c recombine > /dev/null &&
	{ recombined 1 bench_48; recombined 2 plain; } | cs-store &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 2 &&
	test_eq "$(sql "SELECT group_concat(problem_id) FROM (SELECT problem_id FROM v_benchmark_tree ORDER BY 1)")" "1,3,4"
'

test_expect_success 'sft and corpus: the benchmark row is left out and counted' '
	cs-export > sft 2> err &&
	test_eq "$(jget sft "r[\"name\"]")" plain &&
	test_grep "1 rows of benchmark problems left out (--include-benchmarks to export them)" err &&
	cs-export -f corpus > corpus 2> err &&
	test_eq "$(jget corpus "r[\"name\"]")" plain &&
	test_grep "1 rows of benchmark problems left out" err
'

test_expect_success '--include-benchmarks keeps them and says nothing' '
	cs-export --include-benchmarks > sft 2> err &&
	test_eq "$(jget sft "r[\"name\"]" | sort | tr "\n" " ")" "bench_48 plain " &&
	test_no_grep "benchmark" err &&
	cs-export -B -f corpus > corpus &&
	test_eq "$(wc -l < corpus)" 2
'

test_expect_success 'curriculum: the lemmas below a benchmark problem are left out, a shared one too' '
	cs-export -f curriculum > cur 2> err &&
	test_eq "$(jget cur "r[\"name\"] + \" \" + r[\"form\"]" | sort | tr "\n" " ")" "plain_g1 a plain_g1 b " &&
	test_grep "2 proved subgoal lemmas of benchmark problems left out" err &&
	cs-export -f curriculum --include-benchmarks > cur &&
	test_eq "$(wc -l < cur)" 8
'

test_expect_success 'the dataset card names the benchmarks checked and the counts' '
	cs-export -f hf -o ds 2> err &&
	test_eq "$(cat ds/data/*.jsonl | wc -l)" 1 &&
	test_grep "^## Benchmarks kept out$" ds/README.md &&
	test_grep "^| minif2f | test | 244 |$" ds/README.md &&
	test_grep "^| minif2f-harmonic | valid | 48 |$" ds/README.md &&
	test_grep "^| proofnet | valid | 185 |$" ds/README.md &&
	test_grep "^| putnambench | all | 672 |$" ds/README.md &&
	test_grep "^1 problems of the corpus read as one of them; their 1 rows (and their subgoal$" ds/README.md &&
	test_grep "^lemmas) were left out of this dataset.$" ds/README.md &&
	test_grep "^1 rows: 1 checked by Lean" ds/README.md &&
	cs-export -f hf -o ds2 --include-benchmarks &&
	test_eq "$(cat ds2/data/*.jsonl | wc -l)" 2 &&
	test_grep "are in this dataset\*\* (exported with .--include-benchmarks.)" ds2/README.md
'

test_expect_success 'a corpus loaded before the check: cs-ingest again marks the problem' '
	sql "UPDATE problems SET benchmark = NULL" &&
	cs-export > sft && test_eq "$(wc -l < sft)" 2 &&
	cs-ingest problems.jsonl 2> err &&
	test_grep "0 added, 2 already present, 0 bad; 1 benchmark statements" err &&
	cs-export > sft && test_eq "$(wc -l < sft)" 1
'

test_done
