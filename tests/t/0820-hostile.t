#!/bin/sh
# Hostile input through the real stages: huge, deep, many-`have`, invalid UTF-8, NUL,
# metacharacter names, in cs-verify, cs-ingest and in model answers through the whole
# pipeline: bounded memory and time, a clear per-record error, nothing executed. And API
# keys never reach the corpus, a log or a message, even when an endpoint echoes them.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0820-$$
. "$TEST_DIR/llm-double.sh"
mkdir -p lean
export CS_DB=$TRASH/c.db CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
	CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG" CS_SAMPLES=1 CS_SKETCHES=1 CS_QUIET=1 \
	CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_LLM_BACKOFF=0.01 CS_LLM_BACKOFF_MAX=0.2 CS_LLM_RETRIES=1
DEMO=$SRC_DIR/data/demo.jsonl
# maxrss FILE: the maximum resident set size (KiB) /usr/bin/time -v wrote to FILE.
maxrss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
MB=1024
nothing_ran() { test ! -e pwned && test ! -e lean/pwned && test ! -e "$SRC_DIR/pwned"; }

python3 -S - <<'EOF'
import json
H = "import Mathlib\n"
thm = "theorem mathd_algebra_393 (σ : Equiv ℝ ℝ) (h₀ : ∀ x, σ.1 x = 4 * x ^ 3 + 1) : σ.2 33 = 2 := by\n"
# cs-verify records
recs = [
    {"id": 1, "header": H, "code": "theorem big : True := by\n  trivial\n-- " + "x" * (20 << 20) + "\n"},
    {"id": 2, "header": H, "code": "theorem many : True := by\n" +
     "".join("  have h%d : True := by trivial\n" % i for i in range(100000)) + "  trivial\n"},
    {"id": 3, "header": H, "code": "theorem deep : True := by\n  exact " + "(" * 10000 + "trivial" + ")" * 10000 + "\n"},
    {"id": 4, "header": H, "code": "theorem nul : True := by\n  trivial\u0000\n  sorry\n"},
    {"id": 5, "header": H, "code": "theorem $(touch pwned) : True := by\n  trivial\n"},
    {"id": 6, "header": H, "code": "theorem x'); DROP TABLE problems; -- : True := by\n  trivial\n"},
]
with open("verify.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
with open("verify.jsonl", "ab") as f:
    f.write(b'{"id":7,"header":"import Mathlib\\n","code":"theorem bad : True := by\\n  trivial -- \xff\xfe\\n"}\n')
    f.write(b'{"id":8,"header":"import Mathlib\\n","code":"theorem ok8 : True := by\\n  trivial\\n"}\n')
# cs-ingest problems
L = [json.dumps({"name": "$(touch pwned)", "header": H, "formal_statement": "theorem x : True := by\n"}),
     json.dumps({"name": "x'); DROP TABLE problems; --", "header": H, "formal_statement": "theorem y : True := by\n"}),
     json.dumps({"name": "nul\u0000name", "header": H, "formal_statement": "theorem z : True := by\n"}),
     '{"name": "deep", "x": ' + "[" * 10000 + "]" * 10000 + ', "header": "h", "formal_statement": "theorem d : True := by\\n"}',
     json.dumps({"name": "huge", "header": H, "formal_statement": "theorem huge : True := by\n-- " + "z" * (20 << 20)}),
     json.dumps({"name": "sqlx", "header": H, "informal_prefix": "/-- '); DROP TABLE problems; -- $(touch pwned) -/\n",
                 "formal_statement": "theorem sqlx : True := by\n"})]
open("ingest.jsonl", "w").write("\n".join(L) + "\n")
open("ingest.jsonl", "ab").write(b'{"name": "bad", "header": "h\xff", "formal_statement": "theorem b : True := by\\n"}\n')
# model answers (each served for every request by the endpoint double)
B = "```lean4\nimport Mathlib\nimport Aesop\n\nset_option maxHeartbeats 0\n\nopen BigOperators Real Nat Topology Rat\n\n"
open("r-big", "w").write(B + thm + "  norm_num\n  -- " + "y" * (20 << 20) + "\n```\n")
open("r-haves", "w").write(B + thm + "".join("  have h%d : (1:ℝ) = 1 := by sorry\n" % i for i in range(100000)) + "  norm_num\n```\n")
open("r-deep", "w").write(B + thm + "  exact " + "(" * 10000 + "by norm_num" + ")" * 10000 + "\n```\n")
open("r-nul", "w").write(B + thm + "  norm_num\u0000\n  sorry\n```\n")
open("r-name", "w").write(B + thm.replace("mathd_algebra_393", "$(touch pwned)'); DROP TABLE problems; --") + "  norm_num\n```\n")
open("r-utf8", "wb").write((B + thm).encode() + b"  norm_num -- \xff\xfe\xc0\x80\n```\n")
EOF
head -n 1 "$DEMO" > one.jsonl

test_expect_success 'cs-verify: hostile records each get a verdict or a clear error, in bounded memory and time' '
	/usr/bin/time -v -o time.out timeout 600 cs-verify < verify.jsonl > out 2> err
	test_eq $? 1 &&
	echo "max RSS $(maxrss time.out) KiB" &&
	test "$(maxrss time.out)" -lt $((1024 * MB)) &&
	test_grep "<stdin>:4: not JSON: .u0000 is not allowed" err &&
	test_grep "<stdin>:7: not UTF-8" err &&
	test_eq "$(jget out "r[\"id\"]" | sort -n | tr "\n" " ")" "1 2 3 5 6 8 " &&
	test_eq "$(jget out "r[\"verdict\"]" | sort -u)" pass &&
	nothing_ran
'

test_expect_success 'cs-ingest: metacharacter ids kept as text, NUL, deep nesting, huge lines, bad UTF-8 refused and named' '
	/usr/bin/time -v -o time.out cs-ingest ingest.jsonl 2> err
	test_eq $? 1 &&
	test "$(maxrss time.out)" -lt $((256 * MB)) &&
	test_grep "ingest.jsonl:3: not JSON" err &&
	test_grep "ingest.jsonl:4: not JSON: maximum parsing depth" err &&
	test_grep "ingest.jsonl:5: line longer than" err &&
	test_grep "ingest.jsonl:7: not UTF-8" err &&
	test_eq "$(sql "SELECT group_concat(name, '\'' '\'') FROM (SELECT name FROM problems ORDER BY id)")" "x y sqlx" &&
	sql "SELECT source_key FROM problems WHERE source_key IS NOT NULL ORDER BY id" > keys &&
	test_eq "$(sed -n 1p keys)" "\$(touch pwned)" &&
	test_eq "$(sed -n 2p keys)" "x'\''); DROP TABLE problems; --" &&
	sql "SELECT informal FROM problems" > stmt &&
	test_grep "DROP TABLE problems; -- \$(touch pwned)" stmt &&
	test_eq "$(sql "PRAGMA integrity_check")" ok &&
	nothing_ran
'

# serve R: a run of one problem whose every model answer is the file r-R.
serve() {
	export CS_DB=$TRASH/$1.db
	start_double --reply-file "r-$1"
	/usr/bin/time -v -o "time.$1" timeout 600 coldstart run one.jsonl > "out.$1" 2> "err.$1"
	echo $? > "rc.$1"
	stop_double
	echo "max RSS $(maxrss "time.$1") KiB"
	test "$(maxrss "time.$1")" -lt $((1024 * MB)) && test "$(cat "rc.$1")" -le 1 && nothing_ran &&
	test_eq "$(sql "PRAGMA integrity_check")" ok
}

test_expect_success 'a 20 MB answer: handled in bounded memory (a valid proof stays valid)' '
	serve big &&
	test_eq "$(sql "SELECT status || '\'' '\'' || how FROM problems")" "proved e2e" &&
	test "$(sql "SELECT length(content) FROM attempts")" -gt $((20 << 20))
'

test_expect_success 'an answer of 100 000 haves: refused with a clear reason' '
	serve haves &&
	test_eq "$(sql "SELECT status FROM problems")" failed &&
	sql "SELECT why FROM problems" > why && test_grep "more than 256 subgoals" why &&
	test_eq "$(sql "SELECT count(*) FROM subgoals")" 0
'

test_expect_success 'an answer nested 10 000 deep: a verdict, no crash' '
	serve deep &&
	test "$(sql "SELECT count(*) FROM verifications")" -ge 1 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\''")" 0
'

test_expect_success 'an answer with a NUL (\u0000): the text after it is still seen (its sorry refused)' '
	serve nul &&
	test_eq "$(sql "SELECT count(*) FROM proofs")" 0 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''rejected'\'' AND why LIKE '\''%sorry%'\''")" -ge 1
'

test_expect_success 'an answer naming its theorem with SQL and shell metacharacters: refused, nothing run, stored as text' '
	serve name &&
	test_eq "$(sql "SELECT count(*) FROM proofs")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM problems")" 1 &&
	test "$(sql "SELECT count(*) FROM attempts WHERE content LIKE '\''%DROP TABLE problems%'\''")" -ge 1
'

test_expect_success 'an answer that is not UTF-8: a clear per-record error naming the problem, exit 1' '
	serve utf8 &&
	test_eq "$(cat rc.utf8)" 1 &&
	test_grep "problem 1 (prove_e2e): .*not JSON" err.utf8 &&
	test_eq "$(sql "SELECT status FROM problems")" new
'

KEY=sk-planted-XYZ
test_expect_success 'API keys never reach the corpus (and its WAL if any), stdout, stderr or any log, even when echoed' '
	export CS_DB=$TRASH/keys.db CS_PROVER_API_KEY=$KEY CS_DECOMPOSER_API_KEY=$KEY CS_SAMPLES=2 &&
	start_double --oracle "$FIXTURES/dsp2" --faults 401echo,401echo &&
	test_exit 3 coldstart run "$DEMO" > keys.out1 2> keys.err1 &&
	test_grep "HTTP 401: Incorrect API key provided" keys.err1 &&
	test_grep "refuses the API key (see CS_PROVER_API_KEY)" keys.err1 &&
	CS_VERBOSE=1 coldstart run "$DEMO" > keys.out2 2> keys.err2 &&
	coldstart status > keys.status 2>&1 &&
	cs-export --include-doubles -f corpus > keys.export &&
	cs-doctor > keys.doctor 2>&1;
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test "$(sql "SELECT count(*) FROM attempts WHERE http_status = 401")" -ge 1 &&
	test_grep "\"auth\": \"yes\"" dlog &&
	stop_double &&
	if grep -rla -e "$KEY" "$TRASH" > leaks; then echo "the key is in:"; cat leaks; exit 1; fi
'

test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
