#!/bin/sh
# cs-audit: kernel replay of corpus rows by an external checker (the checker double,
# tests/doubles/checker_double.py, which never says it is Lean), its verdicts and
# versions in the audits table, checker faults, the run lock, the sandbox, and
# cs-export --require-audit / --include-unverified.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0620-$$
. "$TEST_DIR/pipeline.sh"
unset CS_LEAN_AUDIT_CMD CS_LEAN_AUDIT_TIMEOUT
CHECKER="python3 $DOUBLES/checker_double.py --tag $TAG --log $TRASH/checker.log"
DV="coldstart-test-double checker 0"
# The fields of cs-audit's records but elapsed, one line each, sorted.
records() { jget "$1" "r[\"name\"], r[\"verdict\"], r[\"checker\"], r[\"version\"], r[\"why\"]" | sort; }
# mark DB ID MARKER: append a double marker line to the proof of corpus row ID.
mark() { sqlite3 "$1" "UPDATE corpus SET formal_proof = formal_proof || char(10) || '-- double: $3' WHERE id = $2"; }
ids() { sql "SELECT id FROM corpus ORDER BY id" | tr '\n' ' '; }
leftovers() { pgrep -f -- "$TAG" | sed 's/^/tagged /'; }
trap 'for k in $(pgrep -f -- "$TAG"); do kill -9 $k 2>/dev/null; done; test_cleanup' EXIT

start_double --oracle "$FIXTURES/dsp2"

test_expect_success 'setup: the demo pipeline makes a corpus of 5 rows, none audited' '
	coldstart run "$SRC_DIR/data/demo.jsonl" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 0 &&
	sql "SELECT name FROM corpus ORDER BY id" > names
'
stop_double
set -- $(ids)
R1=$1 R2=$2 R3=$3 R4=$4 R5=$5
# From here on every scratch directory is made in tmp/: the last test sees it empty.
mkdir tmp && export TMPDIR=$TRASH/tmp

test_expect_success 'CS_LEAN_AUDIT_CMD unset: exit 3 before anything runs' '
	test_exit 3 cs-audit > out 2> err &&
	test_grep "CS_LEAN_AUDIT_CMD is not set" err &&
	test_eq "$(wc -l < out)" 0 &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 0
'

test_expect_success 'a command that cannot run: exit 3 naming it, before any row is audited' '
	CS_LEAN_AUDIT_CMD=/nonexistent/checker test_exit 3 cs-audit > out 2> err &&
	test_grep "CS_LEAN_AUDIT_CMD (/nonexistent/checker) does not run: exited with status 127: .*/nonexistent/checker" err &&
	test_eq "$(wc -l < out)" 0 &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 0
'

test_expect_success 'checker faults leave rows unaudited; three in a row stop the audit (exit 3)' '
	: one audit at a time here: "in a row" is in the order audits end &&
	sql ".backup faults.db" &&
	mark faults.db $R1 audit-hang && mark faults.db $R2 audit-crash && mark faults.db $R3 "audit-exit 2" &&
	CS_DB=$TRASH/faults.db CS_LEAN_JOBS=1 CS_LEAN_AUDIT_TIMEOUT=5 CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 3 cs-audit > out 2> err &&
	jget out "r[\"verdict\"], r[\"why\"].split(\":\")[0]" > got &&
	cat > want <<-EOF &&
	('\''error'\'', '\''timed out after 5 s (CS_LEAN_AUDIT_TIMEOUT)'\'')
	('\''error'\'', '\''killed by signal 11 (Segmentation fault)'\'')
	('\''error'\'', '\''exited with status 2'\'')
	EOF
	test_cmp want got &&
	test_grep "exiting with status 2 as asked" out &&
	test_grep "3 audits in a row could not run CS_LEAN_AUDIT_CMD (python3 .*checker_double.py.*); stopping; the last: exited with status 2" err &&
	test_eq "$(sqlite3 faults.db "SELECT count(*) FROM v_corpus_audit")" 0 &&
	test_eq "$(sqlite3 faults.db "SELECT group_concat(verdict) FROM audits")" "error,error,error" &&
	test -z "$(leftovers)"
'

test_expect_success 'faults not in a row: the other rows are audited, exit 1' '
	sqlite3 faults.db "UPDATE corpus SET formal_proof = replace(formal_proof, char(10) || '\''-- double: audit-crash'\'', '\'''\'') WHERE id = $R2" &&
	CS_DB=$TRASH/faults.db CS_LEAN_JOBS=1 CS_LEAN_AUDIT_TIMEOUT=5 CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 1 cs-audit > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"]" | tr "\n" " ")" "error pass error pass pass " &&
	test_eq "$(sqlite3 faults.db "SELECT count(*) FROM v_corpus_audit WHERE verdict = '\''pass'\''")" 3 &&
	test_eq "$(sqlite3 faults.db "SELECT count(*) FROM corpus c WHERE NOT EXISTS (SELECT 1 FROM v_corpus_audit a WHERE a.corpus_id = c.id)")" 2 &&
	test_grep "not audited: timed out after 5 s" err
'

test_expect_success 'a stop kills the audits under way; their rows stay unaudited' '
	sql ".backup stop.db" &&
	mark stop.db $R1 audit-hang &&
	for r in $R2 $R3 $R4 $R5; do mark stop.db $r "audit-exit 2" || exit 1; done &&
	CS_DB=$TRASH/stop.db CS_LEAN_JOBS=2 CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 3 cs-audit > out 2> err &&
	test_eq "$(jget out "r[\"why\"].split(\":\")[0]" | sort | uniq -c | sed "s/^ *//")" "3 exited with status 2" &&
	test_eq "$(sqlite3 stop.db "SELECT count(*) FROM audits WHERE corpus_id = $R1")" 0 &&
	test_no_grep cancelled out &&
	test -z "$(leftovers)"
'

test_expect_success 'cs-audit audits every row; verdict, checker and version are stored' '
	: > checker.log &&
	CS_LEAN_AUDIT_CMD="$CHECKER" cs-audit > out 2> err &&
	records out > got &&
	while read n; do echo "('\''$n'\'', '\''pass'\'', '\''checker_double.py'\'', '\''$DV'\'', None)"; done < names | sort > want &&
	test_cmp want got &&
	test_eq "$(jget out "r[\"elapsed\"] >= 0" | sort -u)" True &&
	test_eq "$(sql "SELECT count(*) FROM v_corpus_audit WHERE verdict = '\''pass'\'' AND version = '\''$DV'\'' AND real_lean = 0 AND checker = '\''checker_double.py'\''")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM audits a JOIN corpus c ON c.id = a.corpus_id WHERE length(a.code_hash) = 64")" 5 &&
	test_eq "$(grep -c "\"query\": \"version\"" checker.log)" 1 &&
	test_eq "$(grep -c "\"file\": " checker.log)" 5 &&
	test_eq "$(grep -c "\"cwd\": \"$TRASH/lean\"" checker.log)" 6 &&
	test ! -s err
'

test_expect_success 'a second cs-audit does nothing, not even the version query' '
	: > checker.log &&
	CS_LEAN_AUDIT_CMD="$CHECKER" cs-audit > out 2> err &&
	test_eq "$(wc -l < out)" 0 &&
	test ! -s checker.log &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 5
'

test_expect_success 'CS_LEAN_JOBS audits run side by side, each row once' '
	: > checker.log &&
	CS_LEAN_JOBS=3 CS_LEAN_AUDIT_CMD="$CHECKER --sleep 1" cs-audit --all > out &&
	test_eq "$(jget out "r[\"name\"]" | sort)" "$(sort names)" &&
	python3 -S -c "import json, sys
ev = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if \"start\" in r: ev.append((r[\"start\"], 1))
    if \"end\" in r: ev.append((r[\"end\"], -1))
n = top = 0
for t, d in sorted(ev):
    n += d; top = max(top, n)
print(top)" checker.log > top &&
	test "$(cat top)" -ge 2 && test "$(cat top)" -le 3 &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 10
'

test_expect_success '--all, -n and --name choose the rows; every audit is kept' '
	CS_LEAN_AUDIT_CMD="$CHECKER" cs-audit --all --limit 2 > out &&
	test_eq "$(jget out "r[\"name\"]" | sort)" "$(head -n 2 names | sort)" &&
	CS_LEAN_AUDIT_CMD="$CHECKER" cs-audit -a --name "mathd_algebra_1*" > out &&
	test_eq "$(jget out "r[\"name\"]" | sort | tr "\n" " ")" "mathd_algebra_10 mathd_algebra_109 " &&
	test_eq "$(sql "SELECT count(*) FROM audits")" 14 &&
	test_exit 2 cs-audit --limit 0 2> err && test_grep "not a positive number" err
'

test_expect_success 'a row the kernel refuses fails with the checker message (exit 1)' '
	n=$(sql "SELECT name FROM corpus WHERE id = $R4") &&
	mark "$CS_DB" $R4 kernel-reject &&
	CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 1 cs-audit --all --name "$n" > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"]")" fail &&
	test_grep "\"why\":\"coldstart-test-double checker: (kernel) declaration type mismatch, '\''$n'\'' has type" out &&
	test_grep "^cs-audit: $n: the checker refused the proof: coldstart-test-double checker: (kernel) declaration type mismatch" err &&
	test_eq "$(sql "SELECT verdict FROM v_corpus_audit WHERE name = '\''$n'\''")" fail &&
	test_eq "$(sql "SELECT count(*) FROM v_corpus_audit WHERE verdict = '\''pass'\''")" 4
'

test_expect_success 'a proof of another statement fails too' '
	sql ".backup stmt.db" &&
	sqlite3 stmt.db "UPDATE corpus SET formal_proof = replace(formal_proof, '\'':'\'', '\'' : True ∧'\'') WHERE id = $R5" &&
	CS_DB=$TRASH/stmt.db CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 1 cs-audit --all --name "$(sql "SELECT name FROM corpus WHERE id = $R5")" > out &&
	test_grep "does not prove the statement of the challenge" out
'

test_expect_success 'cs-export --require-audit exports exactly the rows whose audit passed' '
	cs-export --require-audit --include-doubles > sft 2> err &&
	jget sft "r[\"name\"]" | sort > got &&
	sql "SELECT name FROM v_corpus_audit WHERE verdict = '\''pass'\''" | sort > want &&
	test_eq "$(wc -l < want)" 4 &&
	test_cmp want got &&
	test_grep "1 rows left out by --require-audit: the audit checker refused them" err &&
	cs-export -A --include-unverified -f corpus > corpus &&
	test_eq "$(jget corpus "r[\"audit_verdict\"], r[\"audit_version\"], r[\"audit_real_lean\"]" | sort -u)" "('\''pass'\'', '\''$DV'\'', 0)" &&
	test_eq "$(wc -l < corpus)" 4 &&
	cs-export -D > all && test_eq "$(wc -l < all)" 5 &&
	test_exit 2 cs-export --require-audit -f curriculum 2> err &&
	test_grep "applies to -f sft, hf and corpus" err
'

test_expect_success 'without --include-unverified: neither double-checked rows nor audits by a non-Lean checker' '
	cs-export --require-audit > sft 2> err &&
	test_eq "$(wc -l < sft)" 0 &&
	test_grep "5 rows checked by a test double or an unrecognised checker, not by Lean, left out (--include-unverified, alias --include-doubles" err &&
	sql ".backup lean.db" &&
	sqlite3 lean.db "UPDATE corpus SET real_lean = 1" &&
	CS_DB=$TRASH/lean.db cs-export --require-audit > sft 2> err &&
	test_eq "$(wc -l < sft)" 0 &&
	test_grep "4 rows left out by --require-audit: audited by a checker that is not Lean" err &&
	test_grep "1 rows left out by --require-audit: the audit checker refused them" err &&
	sqlite3 lean.db "DELETE FROM audits" &&
	CS_DB=$TRASH/lean.db cs-export --require-audit > sft 2> err &&
	test_grep "5 rows left out by --require-audit: not audited yet (cs-audit)" err &&
	CS_DB=$TRASH/lean.db cs-export > sft 2> err &&
	test_eq "$(wc -l < sft)" 5 && test ! -s err
'

test_expect_success 'a checker that does not answer the version query: recorded with an unknown version' '
	CS_LEAN_AUDIT_CMD="[ \"\$CS_AUDIT_VERSION\" = 1 ] && exit 5; $CHECKER" cs-audit --all --limit 1 > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"], r[\"version\"]")" "('\''pass'\'', None)" &&
	test_grep "did not answer the version query" err &&
	test_eq "$(sql "SELECT version IS NULL AND real_lean = 0 FROM audits ORDER BY id DESC LIMIT 1")" 1
'

test_expect_success 'cs-audit takes the run lock: never beside a run' '
	exec 8>> "$CS_DB.lock" && flock -n 8 &&
	CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 3 cs-audit --all > out 2> err &&
	exec 8>&- &&
	test_grep "another run holds $CS_DB.lock" err &&
	test_eq "$(wc -l < out)" 0
'

test_expect_success 'a sandbox that does not work: an error when asked for (exit 3), a warning otherwise' '
	mkdir -p fakebwrap &&
	printf "#!/bin/sh\necho \"bwrap: No permissions to create a new namespace\" >&2\nexit 1\n" > fakebwrap/bwrap &&
	chmod +x fakebwrap/bwrap &&
	PATH=$TRASH/fakebwrap:$PATH CS_LEAN_SANDBOX=bwrap CS_LEAN_AUDIT_CMD="$CHECKER" test_exit 3 cs-audit --all > out 2> err &&
	test_grep "CS_LEAN_SANDBOX=bwrap, but the sandbox does not work here.*No permissions" err &&
	test_eq "$(wc -l < out)" 0 &&
	PATH=$TRASH/fakebwrap:$PATH CS_LEAN_SANDBOX=auto CS_LEAN_AUDIT_CMD="$CHECKER" cs-audit --all --limit 1 > out 2> err &&
	test_grep "warning: the audit checker runs without a sandbox" err &&
	test_eq "$(jget out "r[\"verdict\"]")" pass
'

if why=$(bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --dev /dev --proc /proc \
		--tmpfs /tmp /bin/sh -c true 2>&1); then
case $TRASH in
/tmp/*)
test_expect_success 'sandboxed: the checker reads nothing of /tmp but its own files, writes only its scratch' '
	echo secret > secret &&
	sql ".backup sb.db" &&
	mark sb.db $R1 "audit-read $TRASH/secret" && mark sb.db $R2 "audit-write $TRASH/lean/escaped" &&
	SB="python3 $DOUBLES/checker_double.py --tag $TAG" &&
	CS_DB=$TRASH/sb.db CS_LEAN_SANDBOX=bwrap CS_LEAN_AUDIT_CMD="$SB" test_exit 1 cs-audit --all --limit 3 > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"], r[\"why\"]" | sort)" "$(printf "%s\n" \
		"('\''fail'\'', '\''read $TRASH/secret: No such file or directory'\'')" \
		"('\''fail'\'', '\''write $TRASH/lean/escaped: Read-only file system'\'')" \
		"('\''pass'\'', None)")" &&
	! test -e lean/escaped &&
	CS_DB=$TRASH/sb.db CS_LEAN_SANDBOX=none CS_LEAN_AUDIT_CMD="$SB" test_exit 1 cs-audit --all --limit 2 > out &&
	test_grep "read $TRASH/secret: ok" out &&
	test_grep "write $TRASH/lean/escaped: ok" out && test -e lean/escaped
'
;;
*) test_skip "sandbox: the test directory $TRASH is not under /tmp, which the sandbox hides" ;;
esac
else
test_skip "sandbox: bwrap does not work on this machine: $why"
fi

test_expect_success 'coldstart run audits the new rows after the run when CS_LEAN_AUDIT_CMD is set' '
	sql ".backup drv.db" && sqlite3 drv.db "DELETE FROM audits" &&
	CS_DB=$TRASH/drv.db CS_LEAN_AUDIT_CMD="$CHECKER" coldstart run 2> err &&
	test_eq "$(sqlite3 drv.db "SELECT count(*) FROM v_corpus_audit")" 5 &&
	test_eq "$(sqlite3 drv.db "SELECT count(*) FROM v_corpus_audit WHERE verdict = '\''fail'\''")" 1
'

# Stand-ins for lake, lean and leanchecker that log how they are called: the
# plumbing of scripts/audit-lean4checker.sh, not Lean (its version says so).
fake_tools() {
	mkdir -p fakebin &&
	cat > fakebin/lake <<-\EOF &&
	#!/bin/sh
	[ "$1" = env ] || { echo "fake lake: only env" >&2; exit 2; }
	shift
	echo "lake env $*" >> "$FAKE_LOG"
	LEAN_PATH=/fake/mathlib/build${LEAN_PATH:+:$LEAN_PATH} exec "$@"
	EOF
	cat > fakebin/lean <<-\EOF &&
	#!/bin/sh
	echo "lean $*" >> "$FAKE_LOG"
	[ "$1" = --version ] && { echo "fake lean of the coldstart tests, not Lean"; exit 0; }
	[ "$1" = --run ] && exit 0 # the type check (tested in 0864)
	case $* in *CsAuditAxioms.lean) exit 0 ;; esac # the axioms (tested in 0864)
	out= root= file=
	while [ $# -gt 0 ]; do
		case $1 in -o) out=$2; shift ;; --root=*) root=${1#--root=} ;; *) file=$1 ;; esac
		shift
	done
	[ "$(dirname "$file")" = "$root" ] || { echo "fake lean: $file is not under --root $root" >&2; exit 1; }
	grep -q "fake: does not compile" "$file" && { echo "$file:3:2: error: unknown tactic" >&2; exit 1; }
	echo olean > "$out"
	EOF
	cat > fakebin/leanchecker <<-\EOF &&
	#!/bin/sh
	echo "leanchecker $* LEAN_PATH=$LEAN_PATH" >> "$FAKE_LOG"
	for m; do :; done
	if [ -f "${LEAN_PATH%%:*}/$m.olean" ]; then echo "checked $m"; exit 0; fi
	echo "uncaught exception: object file of module $m does not exist"; exit 1
	EOF
	chmod +x fakebin/*
}

test_expect_success 'scripts/audit-lean4checker.sh: compiles to the scratch directory, replays the module' '
	fake_tools &&
	sql ".backup wrap.db" && sqlite3 wrap.db "DELETE FROM audits" &&
	sqlite3 wrap.db "UPDATE corpus SET formal_proof = formal_proof || char(10) || '\''-- fake: does not compile'\'' WHERE id = $R2" &&
	PATH=$TRASH/fakebin:$PATH FAKE_LOG=$TRASH/fake.log CS_DB=$TRASH/wrap.db \
		CS_LEAN_AUDIT_CMD="$SRC_DIR/scripts/audit-lean4checker.sh" test_exit 1 cs-audit --limit 2 > out 2> err &&
	test_eq "$(jget out "r[\"verdict\"], r[\"checker\"], r[\"version\"]" | sort -u | tr "\n" " ")" \
		"('\''fail'\'', '\''audit-lean4checker.sh'\'', '\''fake lean of the coldstart tests, not Lean'\'') ('\''pass'\'', '\''audit-lean4checker.sh'\'', '\''fake lean of the coldstart tests, not Lean'\'') " &&
	test_grep "unknown tactic" out &&
	test_eq "$(sqlite3 wrap.db "SELECT count(*) FROM audits WHERE real_lean = 0")" 2 &&
	test_grep "^lake env lean --version$" fake.log &&
	test_grep "^lean --root=$TRASH/tmp/cs-audit\.[^/]*/CsAudit$R1\.[^ ]* -o $TRASH/tmp/cs-audit\.[^/]*/CsAudit$R1\.[^/]*/CsAudit$R1\.olean $TRASH/tmp/cs-audit.*/CsAudit$R1\.lean$" fake.log &&
	test_grep "^leanchecker CsAudit$R1 LEAN_PATH=$TRASH/tmp/cs-audit\.[^/]*/CsAudit$R1\.[^:]*:/fake/mathlib/build$" fake.log &&
	test_no_grep "leanchecker CsAudit$R2" fake.log &&
	: > fake.log &&
	PATH=$TRASH/fakebin:$PATH FAKE_LOG=$TRASH/fake.log CS_DB=$TRASH/wrap.db AUDIT_FRESH=1 \
		CS_LEAN_AUDIT_CMD="$SRC_DIR/scripts/audit-lean4checker.sh" cs-audit --all --limit 1 > out &&
	test_grep "^leanchecker --fresh CsAudit$R1 " fake.log
'

test_expect_success 'nothing of this test is left running, no scratch directory left behind' '
	i=0; while [ -n "$(leftovers)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	test -z "$(leftovers)" &&
	test_eq "$(ls tmp | grep -c cs-audit)" 0
'

test_done
