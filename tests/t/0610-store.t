#!/bin/sh
# cs-store and cs-pending: the state machine of problems, driven by hand-made records.
. "$(dirname "$0")/lib.sh"

export CS_DB=$TRASH/c.db
H='import Mathlib\n'
cat > problems.jsonl <<'EOT'
{"name":"t_one","split":"valid","header":"import Mathlib\n","informal_prefix":"/-- one -/\n","formal_statement":"theorem t_one (x : ℕ) (h : x = 1) : x + 1 = 2 := by","goal":""}
{"name":"t_two","split":"valid","header":"import Mathlib\n","informal_prefix":"","formal_statement":"theorem t_two (x : ℕ) (h : x = 1) : x * 2 = 2 := by","goal":""}
EOT

attempt() { # attempt PID KEY CONTENT
	printf '{"type":"attempt","problem_id":%s,"stage":"prove","role":"prover","model":"m","endpoint":"http://e/v1","cache_key":"%s","prompt_name":"prover-noncot","prompt_hash":"ph","request":"{}","sample_index":0,"content":"%s","status":"ok","prompt_tokens":10,"completion_tokens":5}\n' "$1" "$2" "$3"
}

test_expect_success 'setup: two problems' '
	cs-ingest -q problems.jsonl &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status = '\''new'\''")" 2
'

test_expect_success 'pending prove lists both, end-to-end first at depth 0' '
	cs-pending prove > pending &&
	test_eq "$(wc -l < pending)" 2 &&
	test_grep "\"stage\":\"prove_e2e\"" pending &&
	test_eq "$(cs-pending -c prove)" 2
'

test_expect_success 'an attempt is stored once, however often it is sent' '
	{ attempt 1 k1 "answer"; attempt 1 k1 "answer"; } | cs-store &&
	test_eq "$(sql "SELECT count(*) FROM attempts")" 1
'

test_expect_success 'proved end to end: status, how and proof' '
	printf "{\"type\":\"prove\",\"problem_id\":1,\"stage\":\"prove_e2e\",\"result\":\"proved\",\"proof\":{\"code\":\"theorem t_one ...\",\"body\":\"omega\",\"cache_key\":\"k1\",\"real_lean\":false}}\n" | cs-store &&
	test_eq "$(sql "SELECT status || '\'' '\'' || how FROM problems WHERE id = 1")" "proved e2e" &&
	test_eq "$(sql "SELECT body FROM proofs WHERE problem_id = 1")" omega &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 0
'

test_expect_success 'unproved end to end: goes to decompose' '
	printf "{\"type\":\"prove\",\"problem_id\":2,\"stage\":\"prove_e2e\",\"result\":\"unproved\",\"why\":\"sample 0: fail\"}\n" | cs-store &&
	test_eq "$(cs-pending -c decompose)" 1 &&
	test_eq "$(cs-pending -c prove)" 0
'

sketch_record() {
	cat <<'EOT'
{"type":"decompose","problem_id":2,"result":"accepted","sketches":[
 {"cache_key":null,"reasoning":"bad","code":"x","status":"rejected","why":"statement changed","model":"d","prompt_hash":"h"},
 {"cache_key":null,"reasoning":"Double it.","code":"theorem t_two (x : ℕ) (h : x = 1) : x * 2 = 2 := by\n  have h1 : x = 1 := by sorry\n  have h2 : x * 2 = 2 := by sorry\n  exact h2","status":"accepted","model":"d","prompt_hash":"h","subgoals":[
  {"idx":0,"have_name":"h1","lemma_name":"t_two_h1","statement":"x = 1","lemma_a":"theorem t_two_h1 (x : ℕ) (h : x = 1) :\n  x = 1 := by","lemma_b":"theorem t_two_h1 (x : ℕ) (h : x = 1) :\n  x = 1 := by","is_final":false,"stmt_key":"key-1"},
  {"idx":1,"have_name":"h2","lemma_name":"t_two_h2","statement":"x * 2 = 2","lemma_a":"theorem t_two_h2 (x : ℕ) (h : x = 1) :\n  x * 2 = 2 := by","lemma_b":"theorem t_two_h2 (x : ℕ) (h : x = 1) (h1 : x = 1) :\n  x * 2 = 2 := by","is_final":false,"stmt_key":"key-2"}]}]}
EOT
}

test_expect_success 'accepted sketch: subgoals become depth-1 problems' '
	sketch_record | tr -d "\n" | sed "s/\$/\n/" | cs-store &&
	test_eq "$(sql "SELECT status FROM problems WHERE id = 2")" decomposed &&
	test_eq "$(sql "SELECT count(*) FROM sketches WHERE problem_id = 2")" 2 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE depth = 1 AND status = '\''new'\''")" 2 &&
	test_eq "$(sql "SELECT count(*) FROM subgoals WHERE child_id IS NOT NULL")" 2 &&
	test_eq "$(cs-pending -c prove)" 2
'

test_expect_success 'an identical lemma (whitespace and name aside) is one problem' '
	sql "SELECT stmt_key FROM problems WHERE name = '\''t_two_h1'\''" > key1 &&
	test -s key1
'

test_expect_success 'a bad record is reported with its line; the next one is stored' '
	{ echo "{\"type\":\"prove\"}"; echo "not json"; attempt 3 k3 "fine"; } > mixed &&
	test_exit 1 cs-store mixed 2> err &&
	test_grep "mixed:1: prove.*: prove record without problem_id" err &&
	test_grep "mixed:2: not JSON" err &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE cache_key = '\''k3'\''")" 1
'

test_expect_success 'both subgoals proved: the parent is ready to recombine' '
	for id in 3 4; do
		printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove\",\"result\":\"proved\",\"proof\":{\"code\":\"c\",\"body\":\"omega\",\"real_lean\":false}}\n" $id
	done | cs-store &&
	cs-pending recombine > rec &&
	test_eq "$(wc -l < rec)" 1 &&
	test_grep "\"body\":\"omega\"" rec &&
	test_eq "$(sql "SELECT status FROM problems WHERE id = 2")" recombine
'

test_expect_success 'recombined: a corpus row with tokens summed over the tree' '
	printf "{\"type\":\"recombine\",\"problem_id\":2,\"result\":\"proved\",\"proof\":{\"code\":\"theorem t_two\",\"body\":\"b\",\"real_lean\":false},\"corpus\":{\"name\":\"t_two\",\"formal_proof\":\"import Mathlib\\\\ntheorem t_two\",\"cot\":\"Double it.\",\"prompt\":\"p\",\"completion\":\"c\",\"checker\":\"repl\",\"real_lean\":false}}\n" | cs-store &&
	test_eq "$(sql "SELECT name || '\'' '\'' || depth || '\'' '\'' || real_lean FROM corpus")" "t_two 1 0" &&
	test_eq "$(sql "SELECT status || '\'' '\'' || how FROM problems WHERE id = 2")" "proved decomposition"
'

test_expect_success 'a corpus row is never duplicated' '
	printf "{\"type\":\"recombine\",\"problem_id\":2,\"result\":\"proved\",\"proof\":{\"code\":\"x\",\"body\":\"b\",\"real_lean\":false},\"corpus\":{\"name\":\"t_two\",\"formal_proof\":\"y\",\"cot\":\"c\",\"prompt\":\"p\",\"completion\":\"c\",\"checker\":\"repl\",\"real_lean\":false}}\n" | cs-store &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 1
'

test_expect_success 'a failed subgoal fails its parent' '
	printf "{\"name\":\"t_three\",\"header\":\"import Mathlib\\\\n\",\"formal_statement\":\"theorem t_three : 1 = 1 := by\"}\n" | cs-ingest -q &&
	id=$(sql "SELECT id FROM problems WHERE name = '\''t_three'\''") &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove_e2e\",\"result\":\"unproved\"}\n" $id | cs-store &&
	printf "{\"type\":\"decompose\",\"problem_id\":%s,\"result\":\"accepted\",\"sketches\":[{\"reasoning\":\"r\",\"code\":\"c\",\"status\":\"accepted\",\"model\":\"d\",\"prompt_hash\":\"h\",\"subgoals\":[{\"lemma_name\":\"t_three_a\",\"statement\":\"1 = 1\",\"lemma_a\":\"theorem t_three_a :\\\\n  1 = 1 := by\",\"lemma_b\":\"theorem t_three_a :\\\\n  1 = 1 := by\",\"stmt_key\":\"key-three\"}]}]}\n" $id | cs-store &&
	child=$(sql "SELECT max(id) FROM problems") &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove\",\"result\":\"unproved\"}\n" $child | cs-store &&
	CS_MAX_DEPTH=1 cs-pending -c decompose >/dev/null &&
	test_eq "$(sql "SELECT status FROM problems WHERE id = $child")" failed &&
	test_eq "$(sql "SELECT status FROM problems WHERE id = $id")" failed &&
	test_grep "a subgoal failed: t_three_a" "$(sql "SELECT why FROM problems WHERE id = $id" > why; echo why)"
'

test_expect_success 'exports: sft refuses double-checked rows unless asked' '
	cs-export > sft 2> err &&
	test_eq "$(wc -l < sft)" 0 &&
	test_grep "left out" err &&
	cs-export --include-doubles > sft &&
	test_eq "$(wc -l < sft)" 1 &&
	test_grep "\"messages\"" sft &&
	test_grep "\"checked_by\":\"test-double\"" sft
'

test_expect_success 'exports: unsolved lists depth-0 problems not proved, miniF2F format' '
	cs-export -f unsolved > uns &&
	test_eq "$(wc -l < uns)" 1 &&
	test_grep "\"name\":\"t_three\"" uns &&
	test_grep "\"formal_statement\"" uns
'

test_expect_success 'exports: curriculum has forms (a) and (b) of each subgoal' '
	cs-export -D -f curriculum > cur &&
	test_eq "$(grep -c "\"form\":\"a\"" cur)" 3 &&
	test_eq "$(grep -c "\"form\":\"b\"" cur)" 3 &&
	test_grep "omega" cur
'

test_expect_success 'the why names the first failed subgoal in sketch order, whichever failed first' '
	printf "{\"name\":\"t_four\",\"header\":\"import Mathlib\\\\n\",\"formal_statement\":\"theorem t_four : 2 = 2 := by\"}\n" | cs-ingest -q &&
	id=$(sql "SELECT id FROM problems WHERE name = '\''t_four'\''") &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove_e2e\",\"result\":\"unproved\"}\n" $id | cs-store &&
	g() { printf "{\"idx\":%s,\"lemma_name\":\"t_four_%s\",\"statement\":\"%s = %s\",\"lemma_a\":\"theorem t_four_%s :\\\\n  %s = %s := by\",\"lemma_b\":\"theorem t_four_%s :\\\\n  %s = %s := by\",\"stmt_key\":\"key-four-%s\"}" $1 $2 $1 $1 $2 $1 $1 $2 $1 $1 $2; } &&
	printf "{\"type\":\"decompose\",\"problem_id\":%s,\"result\":\"accepted\",\"sketches\":[{\"reasoning\":\"r\",\"code\":\"c\",\"status\":\"accepted\",\"model\":\"d\",\"prompt_hash\":\"h\",\"subgoals\":[%s,%s]}]}\n" $id "$(g 5 a)" "$(g 6 b)" | cs-store &&
	a=$(sql "SELECT id FROM problems WHERE name = '\''t_four_a'\''") &&
	b=$(sql "SELECT id FROM problems WHERE name = '\''t_four_b'\''") &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove\",\"result\":\"unproved\"}\n" $b | cs-store &&
	CS_MAX_DEPTH=1 cs-pending -c decompose >/dev/null &&
	test_eq "$(sql "SELECT status || '\'': '\'' || why FROM problems WHERE id = $id")" "failed: a subgoal failed: t_four_b" &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove\",\"result\":\"unproved\"}\n" $a | cs-store &&
	CS_MAX_DEPTH=1 cs-pending -c decompose >/dev/null &&
	test_eq "$(sql "SELECT status || '\'': '\'' || why FROM problems WHERE id = $id")" "failed: a subgoal failed: t_four_a"
'

test_expect_success 'a broken pipe ends an export quietly' '
	for i in $(seq 2000); do printf "{\"name\":\"p$i\",\"header\":\"import Mathlib\\\\n\",\"formal_statement\":\"theorem p$i : $i = $i := by\"}\n"; done | cs-ingest -q &&
	( cs-export -f unsolved 2> err; echo $? > rc ) | head -n 1 > /dev/null &&
	test_no_grep . err
'

test_expect_success 'a failed write to stdout fails loudly' '
	test_exit 4 cs-export -f unsolved > /dev/full 2> err &&
	test_grep "write" err
'

test_expect_success 'a database error while storing a record stops cs-store with exit 4; nothing of it kept' '
	cp "$CS_DB" dberr.db &&
	sqlite3 dberr.db "CREATE TRIGGER no_subgoals BEFORE INSERT ON subgoals BEGIN SELECT RAISE(ABORT, '\''disk on fire'\''); END;" &&
	sqlite3 dberr.db "UPDATE problems SET status = '\''unproved'\'' WHERE id = 1" &&
	before=$(sqlite3 dberr.db "SELECT count(*) FROM sketches") &&
	sketch_record | sed "s/\"problem_id\":2/\"problem_id\":1/" | tr -d "\n" | sed "s/\$/\n/" > rec.jsonl &&
	CS_DB=$TRASH/dberr.db test_exit 4 cs-store rec.jsonl 2> err &&
	test_grep "disk on fire" err &&
	test_grep "cannot store rec.jsonl:1; it was not stored and will be redone" err &&
	test_eq "$(sqlite3 dberr.db "SELECT count(*) FROM sketches")" "$before" &&
	test_eq "$(sqlite3 dberr.db "SELECT status FROM problems WHERE id = 1")" unproved
'

test_done
