#!/bin/sh
# cs-ingest and the corpus schema: miniF2F JSONL and .lean files in, idempotent,
# bad records named and skipped, schema versioned, views for sqlite3 users.
. "$(dirname "$0")/lib.sh"

export CS_DB=$TRASH/c.db
MINIF2F=$SRC_DIR/data/minif2f.jsonl

test_expect_success 'all 488 miniF2F problems load' '
	cs-ingest "$MINIF2F" 2>err &&
	test_grep "488 read, 488 added, 0 already present, 0 bad" err &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 488 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE split = '\''valid'\''")" 244 &&
	test_eq "$(sql "SELECT count(DISTINCT stmt_key) FROM problems")" 488
'

test_expect_success 'fields are stored verbatim' '
	sed -n 1p "$MINIF2F" > one.jsonl &&
	name=$(sed -n "s/^{\"name\": \"\([^\"]*\)\".*/\1/p" one.jsonl) &&
	python3 -c "import json,sys; r=json.load(open(\"one.jsonl\")); sys.stdout.write(r[\"formal_statement\"])" > want &&
	sql "SELECT formal_statement FROM problems WHERE name = '\''$name'\''" > got0 &&
	printf "%s" "$(cat got0)" > got && printf "%s" "$(cat want)" > want2 &&
	test_cmp want2 got
'

test_expect_success 'loading the same file again adds nothing' '
	cs-ingest "$MINIF2F" 2>err &&
	test_grep "488 read, 0 added, 488 already present, 0 bad" err &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 488
'

test_expect_success 'schema: versioned, WAL, foreign keys declared, views' '
	test_eq "$(sql "PRAGMA user_version")" 3 &&
	test_eq "$(sql "PRAGMA journal_mode")" wal &&
	for t in runs problems attempts verifications sketches subgoals proofs corpus; do
		test_eq "$(sql "SELECT count(*) FROM sqlite_master WHERE type = '\''table'\'' AND name = '\''$t'\''")" 1 || exit 1
	done &&
	for v in v_progress v_problem_status v_corpus_summary v_cost v_run_lean; do
		sql "SELECT * FROM $v LIMIT 1" >/dev/null || exit 1
	done &&
	test_eq "$(sql "SELECT problems FROM v_progress WHERE depth = 0 AND status = '\''new'\''")" 488
'

test_expect_success 'bad records are named by file:line and skipped; the rest loads' '
	# lines 5 to 7 load: an id that is not the theorem name is its source key,
	# `:= sorry` is normalised (tests/t/0110-inputs.t)
	rm -f "$CS_DB" &&
	{ sed -n 1p "$MINIF2F"
	  echo "{not json"
	  echo "[1,2]"
	  echo "{\"name\":\"x\"}"
	  echo "{\"name\":\"bad name!\",\"formal_statement\":\"theorem bad : True := by\"}"
	  echo "{\"name\":\"t2\",\"formal_statement\":\"theorem t2 : True := sorry\"}"
	  echo "{\"name\":\"t3\",\"formal_statement\":\"theorem t4 : True := by\"}"
	  printf "{\"name\":\"t5\",\"formal_statement\":\"theorem t5 : \377 := by\"}\n"
	  sed -n 2p "$MINIF2F"; } > mixed.jsonl &&
	test_exit 1 cs-ingest mixed.jsonl 2>err &&
	test_grep "mixed.jsonl:2:" err &&
	test_grep "mixed.jsonl:3:" err &&
	test_grep "mixed.jsonl:4: x: missing string field .formal_statement." err &&
	test_grep "mixed.jsonl:8:.*UTF-8" err &&
	test_grep "9 read, 5 added, 0 already present, 4 bad" err &&
	sql "SELECT name, source_key FROM problems WHERE source_key IS NOT NULL ORDER BY name" > keys &&
	printf "bad|bad name!\nt4|t3\n" > keys.want && test_cmp keys.want keys &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 5
'

test_expect_success 'a .lean file: header, docstring as informal statement, statement' '
	cat > t.lean <<-\EOT &&
	import Mathlib
	open Real

	/-- Show that 1 + 1 = 2. -/
	theorem one_plus_one (x : ℝ) (h₀ : x = 1) : x + x = 2 := by
	  sorry
	EOT
	cs-ingest -q t.lean &&
	test_eq "$(sql "SELECT informal FROM problems WHERE name = '\''one_plus_one'\''")" "/-- Show that 1 + 1 = 2. -/" &&
	test_eq "$(sql "SELECT formal_statement FROM problems WHERE name = '\''one_plus_one'\''")" "theorem one_plus_one (x : ℝ) (h₀ : x = 1) : x + x = 2 := by" &&
	sql "SELECT header FROM problems WHERE name = '\''one_plus_one'\''" > hdr &&
	test_grep "^import Mathlib" hdr && test_grep "^open Real" hdr
'

test_expect_success 'stdin, and a name with SQL and shell metacharacters stays data' '
	printf "{\"name\":\"x_1\",\"formal_statement\":\"theorem x_1 : True := by\",\"split\":\"'\''; DROP TABLE problems; --\$(touch pwned)\"}\n" | cs-ingest -q &&
	test ! -e pwned &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE name = '\''x_1'\''")" 1 &&
	sql "SELECT split FROM problems WHERE name = '\''x_1'\''" > split && test_grep "DROP TABLE" split
'

test_expect_success 'a corpus newer than this coldstart is refused (exit 3)' '
	cp "$CS_DB" newer.db && sqlite3 newer.db "PRAGMA user_version = 99" &&
	CS_DB=newer.db test_exit 3 cs-ingest "$MINIF2F" 2>err &&
	test_grep "newer than this coldstart" err
'

test_expect_success 'a corpus in a directory that does not exist: named, exit 3 (the environment is unusable)' '
	CS_DB=no/such/dir/c.db test_exit 3 cs-ingest -q one.jsonl 2>err &&
	test_grep "no/such/dir/c.db: cannot open the corpus: directory no/such/dir does not exist" err
'

test_expect_success 'a file that is not a corpus is refused, not overwritten' '
	echo "just text, not SQLite" > notdb && cp notdb notdb.orig &&
	CS_DB=notdb cs-ingest -q one.jsonl 2>err; rc=$? &&
	test "$rc" -ge 3 && test_grep "notdb" err && test_cmp notdb.orig notdb
'

test_expect_success 'a missing file is named; the others load' '
	rm -f "$CS_DB" &&
	test_exit 1 cs-ingest no-such.jsonl one.jsonl 2>err &&
	test_grep "no-such.jsonl" err &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 1
'

test_done
