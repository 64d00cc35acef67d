#!/bin/sh
# coldstart doctor: every setting validated with the programs' own parsers, a line as
# each check starts and ends, the Lean check bounded, nothing created on disk, the
# configuration in effect at the end; and run refusing a bad setting up front.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0720-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2" --models prover-double,decomposer-double
# The check lines (not the configuration), ports and this test's directory replaced.
checks() { sed -n '/^Configuration in effect/q; /^$/d; p' "$1" | sed "s/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/; s#$TRASH#TRASH#g; s/^\(ok   settings   \)[0-9]*/\1N/"; }

test_expect_success 'bad settings: one FAIL line each, naming it, exit 3 before anything is contacted' '
	env -u CS_DECOMPOSER_URL CS_SAMPLES=x CS_EXTRACT=foo CS_MAX_DEPTH=banana CS_WORKERS=abc \
		CS_LEAN_SANDBOX=bogus CS_LEAN_TIMEOUT=0 CS_PROVER_URL=ftp://example.invalid/v1 CS_JOBS=0 \
		CS_LEAN_AXIOMS=2 CS_DOCTOR_TIMEOUT=-1 CS_FOO=1 CS_SAMPLEZ=3 \
		cs-doctor > out 2> err; echo $? > rc &&
	test_eq "$(cat rc)" 3 &&
	cat > want <<-\EOT &&
	checking settings ...
	FAIL settings   CS_PROVER_URL=ftp://example.invalid/v1: not an http:// or https:// URL
	FAIL settings   CS_JOBS=0: out of range [1, 4096]
	FAIL settings   CS_SAMPLES=x: not an integer
	FAIL settings   CS_MAX_DEPTH=banana: not an integer
	FAIL settings   CS_EXTRACT=foo: not one of syntax,goals,auto
	FAIL settings   CS_LEAN_TIMEOUT=0: not a number in [1e-06, 1e+09]
	FAIL settings   CS_LEAN_SANDBOX=bogus: not one of auto,bwrap,none
	FAIL settings   CS_LEAN_AXIOMS=2: out of range [0, 1]
	FAIL settings   CS_WORKERS=abc: not an integer
	FAIL settings   CS_DOCTOR_TIMEOUT=-1: not a number in [0.001, 86400]
	warn settings   no decomposer API key for DeepSeek'\''s API (set CS_DECOMPOSER_API_KEY or DEEPSEEK_API_KEY)
	warn settings   unknown setting CS_FOO (typo?)
	warn settings   unknown setting CS_SAMPLEZ (typo?)
	EOT
	test_cmp want out &&
	test ! -s err && test ! -e "$CS_DB" && test_eq "$(grep -c '"method"' dlog)" 0
'

test_expect_success 'a line as each check starts and ends, then the configuration in effect' '
	CS_PROVER_API_KEY=sk-planted-0720 cs-doctor > out 2> err &&
	checks out > got &&
	cat > want <<-\EOT &&
	checking settings ...
	ok   settings   N set, all valid
	checking decomposer ...
	ok   decomposer http://127.0.0.1:PORT/v1 serves decomposer-double
	checking prover ...
	ok   prover     http://127.0.0.1:PORT/v1 serves prover-double
	checking lean ...
	ok   lean       repl coldstart-test-double 0 checks 1 + 1 = 2 (a test double, not Lean)
	checking corpus ...
	ok   corpus     TRASH/c.db does not exist yet: the first run creates it (TRASH is writable)
	EOT
	test_cmp want got &&
	test_grep "^CS_SAMPLES=2$" out && test_grep "^CS_MAX_DEPTH=3$" out &&
	test_grep "^CS_LEAN_JOBS=2$" out && test_grep "^CS_LEAN_MAX_HEADERS=2$" out && test_grep "^CS_LLM_TIMEOUT=600$" out &&
	test_grep "^CS_PROVER_API_KEY=(set)$" out && test_grep "^CS_DECOMPOSER_API_KEY=(unset)$" out &&
	test_no_grep "sk-planted-0720" out &&
	test_grep "^Sandbox: off (CS_LEAN_SANDBOX=none)" out &&
	test_grep "^Axiom audit (CS_LEAN_AXIOMS): on$" out &&
	test_grep "^Kernel audit (CS_LEAN_AUDIT_CMD): off$" out &&
	test_no_grep "CS_DRIVER_PID\|CS_RUN_ID" out &&
	test ! -e "$CS_DB" && test ! -e "$CS_DB.lock"
'

test_expect_success 'the audits and the sandbox as configured' '
	CS_LEAN_AXIOMS=0 CS_LEAN_AUDIT_CMD="lean4checker --fresh" cs-doctor > out 2> err &&
	test_grep "^Axiom audit (CS_LEAN_AXIOMS): off$" out &&
	test_grep "^Kernel audit (CS_LEAN_AUDIT_CMD): on: lean4checker --fresh$" out &&
	if bwrap --ro-bind / / true 2>/dev/null; then
		CS_LEAN_SANDBOX=bwrap cs-doctor > out 2> err &&
		test_grep "^Sandbox: on (the REPL ran under bubblewrap" out
	fi
'

test_expect_success 'with CS_DB unset, no ./coldstart.db is created' '
	mkdir fresh && (cd fresh && env -u CS_DB cs-doctor > ../out 2> ../err) &&
	test_grep "^ok   corpus     ./coldstart.db does not exist yet" out &&
	test_eq "$(ls -A fresh)" ""
'

test_expect_success 'an existing corpus is read, not changed' '
	cs-ingest -q "$DEMO" &&
	cp "$CS_DB" before.db &&
	cs-doctor > out 2> err &&
	test_grep "^ok   corpus     .*c.db is writable (schema 3): 5 problems, 0 corpus rows" out &&
	cmp before.db "$CS_DB" && rm -f "$CS_DB" "$CS_DB-wal" "$CS_DB-shm"
'

test_expect_success 'a REPL that never answers: FAIL within CS_DOCTOR_TIMEOUT, lines arrive as they happen' '
	start=$(date +%s)
	{ CS_DOCTOR_TIMEOUT=4 CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --tag $TAG --import-delay 600" \
		cs-doctor > out 2> err; echo $? > rc; } &
	i=0; while ! grep -q "^checking lean" out 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	test_grep "^checking lean ...$" out &&
	test_no_grep "^FAIL lean" out &&
	wait &&
	took=$(( $(date +%s) - start )) &&
	test_eq "$(cat rc)" 3 &&
	test_grep "^FAIL lean       no answer within 4 s (CS_DOCTOR_TIMEOUT)$" out &&
	test_grep "^ok   corpus" out &&
	test "$took" -lt 20 &&
	sleep 0.3 && ! pgrep -f -- "--tag $TAG --import-delay"
'

test_expect_success '-s: silent when the settings are valid; bad ones on stderr, exit 3' '
	cs-doctor -s > out 2> err && test ! -s out && test ! -s err &&
	CS_SKETCHES=many CS_TYPO=1 test_exit 3 cs-doctor -s > out 2> err &&
	test ! -s out &&
	test_grep "^cs-doctor: CS_SKETCHES=many: not an integer$" err &&
	test_grep "^cs-doctor: warning: unknown setting CS_TYPO (typo?)$" err
'

test_expect_success 'coldstart run: a bad setting stops it before anything is asked or stored' '
	for bad in CS_SAMPLES=x CS_WORKERS=abc CS_EXTRACT=foo CS_MAX_DEPTH=banana; do
		env "$bad" coldstart run "$DEMO" > out 2> err; rc=$?
		test "$rc" = 3 || { echo "$bad: exit $rc"; cat err; exit 1; }
		grep -q "^cs-doctor: ${bad%%=*}=" err || { echo "$bad: not named"; cat err; exit 1; }
		grep -q "syntax error\|integer expression" err && { echo "$bad: a shell error"; cat err; exit 1; }
		test ! -e "$CS_DB" || { echo "$bad: the corpus was created"; exit 1; }
	done &&
	test_eq "$(posts)" 0
'

test_expect_success '-l: every setting with its default and meaning, two lines each' '
	cs-doctor -l > list &&
	test_grep "^CS_SAMPLES=8 (integer 1..4096)$" list &&
	test_grep "^CS_EXTRACT=auto (one of syntax|goals|auto)$" list &&
	test_grep "^CS_PROVER_JOBS=\$CS_JOBS (integer 1..4096)$" list &&
	test_grep "^CS_DOCTOR_TIMEOUT=60 (number 0.001..86400)$" list &&
	test_no_grep "^CS_RUN_ID" list &&
	test_eq "$(grep -c "^    " list)" "$(grep -c "^[A-Z]" list)"
'

stop_double
test_expect_success 'no process of this test is left running' '
	sleep 0.2; ! pgrep -af -- "$TAG"
'

test_done
