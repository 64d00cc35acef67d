#!/bin/sh
# Several kimina-lean-servers (issue 21): CS_LEAN_URL is a list; checks are spread over
# the servers; one killed part way is set aside and its checks go to the other, and the
# corpus is the one an undisturbed run makes; the run stops (exit 3) only when every
# server is down; doctor checks each server; v_runs and status give checks per server.
# The servers are the kimina double (tests/doubles/repl_double.py --kimina), not Lean.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0885-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"
unset CS_LEAN_REPL
KPIDS=
# kimina NAME [OPTIONS]: a kimina double in the background logging to NAME.log; sets
# URL_NAME and PID_NAME. Top level only.
kimina() {
	n=$1
	shift
	rm -f "$n.port" "$n.log"
	python3 "$DOUBLES/repl_double.py" --kimina --tag "$TAG" --max-seconds 300 --log "$TRASH/$n.log" "$@" > "$n.port" &
	eval "PID_$n=$!"
	KPIDS="$KPIDS $!"
	i=0
	while ! grep -q PORT "$n.port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	eval "URL_$n=http://127.0.0.1:$(sed -n 's/^PORT //p' "$n.port")"
}
trap 'for k in $KPIDS; do kill -9 $k 2>/dev/null; done; stop_double; test_cleanup' EXIT
# checks server NAME answered (the snippets it logged, its version query aside)
checks() { cat "$1.log" 2>/dev/null | grep '"kimina": true, "cmd"' | grep -vc versionString; }
corpus() { sql "SELECT name, formal_proof, real_lean, depth FROM corpus ORDER BY name"; }

kimina a --kimina-latency 0.1
kimina b --kimina-latency 0.1

test_expect_success 'two servers: one run, the checks spread over both, recorded per server' '
	CS_DB=$TRASH/calm.db CS_LEAN_URL="$URL_a, $URL_b" coldstart run "$DEMO" 2>err &&
	CS_DB=$TRASH/calm.db corpus > calm &&
	test_eq "$(CS_DB=$TRASH/calm.db sql "SELECT count(*) FROM corpus")" 5 &&
	test "$(checks a)" -gt 0 && test "$(checks b)" -gt 0 &&
	test_eq "$(CS_DB=$TRASH/calm.db sql "SELECT count(*) FROM verifications WHERE server = '\''$URL_a'\''")" "$(checks a)" &&
	test_eq "$(CS_DB=$TRASH/calm.db sql "SELECT count(*) FROM verifications WHERE server = '\''$URL_b'\''")" "$(checks b)" &&
	test_eq "$(CS_DB=$TRASH/calm.db sql "SELECT json_extract(checks_by_server, '\''$.\"$URL_b\"'\'') FROM v_runs")" "$(checks b)" &&
	CS_DB=$TRASH/calm.db coldstart status -r servers > st &&
	test_grep "$URL_a  *$(checks a) " st && test_grep "$URL_b  *$(checks b) " st
'

test_expect_success 'doctor checks each server' '
	CS_LEAN_URL="$URL_a $URL_b" cs-doctor > doc 2>&1 ; cat doc | grep lean &&
	test_grep "^ok   lean       $URL_a: kimina coldstart-test-double 0 checks 1 + 1 = 2" doc &&
	test_grep "^ok   lean       $URL_b: kimina" doc &&
	test_grep "2 kimina-lean-servers, every one answers" doc &&
	CS_LEAN_URL="$URL_a http://127.0.0.1:9" cs-doctor > doc 2>&1 ; grep lean doc &&
	test_grep "^FAIL lean       http://127.0.0.1:9: error" doc &&
	test_grep "^warn lean       1 of 2 kimina-lean-servers do not answer" doc &&
	CS_LEAN_URL="http://127.0.0.1:9#x" test_exit 3 cs-doctor --settings-only 2>err &&
	test_grep "#JOBS\|not an http" err
'

kimina c --kimina-latency 0.3
kimina d --kimina-latency 0.3

test_expect_success 'one of two servers killed part way: the same corpus, nothing failed or lost' '
	rm -f c.log d.log &&
	{ CS_LEAN_URL="$URL_c,$URL_d" coldstart run "$DEMO" 2>err; echo $? > rc; } &
	run=$! &&
	i=0 && while [ "$(checks d)" -lt 3 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done &&
	echo "killing d after $(checks d) checks" &&
	kill -9 $PID_d &&
	wait $run; cat err &&
	test_eq "$(cat rc)" 0 &&
	test_grep "kimina-lean-server at $URL_d failed .*set aside.*its checks go to the others" err &&
	corpus > got &&
	test_cmp calm got &&
	test "$(sql "SELECT count(*) FROM verifications WHERE server = '\''$URL_d'\''")" -ge 1 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE server = '\''$URL_c'\''")" -gt 0 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE verdict = '\''error'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status != '\''proved'\''")" \
		"$(CS_DB=$TRASH/calm.db sql "SELECT count(*) FROM problems WHERE status != '\''proved'\''")"
'

test_expect_success 'every server down: exit 3, the work pending; the next run with a server completes it' '
	export CS_DB=$TRASH/down.db &&
	CS_LEAN_URL="$URL_d http://127.0.0.1:9" CS_LLM_RETRIES=0 test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "no other server answers" err &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE status = '\''failed'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 0 &&
	CS_LEAN_URL="$URL_d $URL_a" coldstart run 2>err &&
	corpus > got && test_cmp calm got
'

kimina e
kimina f

test_expect_success 'header affinity: each header keeps going to the server where it is warm' '
	for i in 1 2 3 4 5 6 7 8; do
		if [ $((i % 2)) = 1 ]; then h="import Mathlib\\nopen Real"; else h="import Mathlib\\nopen Nat"; fi
		printf "{\"id\":%d,\"header\":\"%s\",\"code\":\"theorem t%d : True := by\\\\n  trivial\"}\n" $i "$h" $i
	done > in &&
	head -n 2 in &&
	CS_LEAN_URL="$URL_e#4 $URL_f#4" CS_LEAN_AXIOMS=0 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 8 &&
	test_eq "$(checks e)" 4 && test_eq "$(checks f)" 4 &&
	test_eq "$(grep "\"kimina\": true, \"cmd\"" e.log | grep -v versionString | grep -c "open Real")" 4 &&
	test_eq "$(grep "\"kimina\": true, \"cmd\"" f.log | grep -c "open Nat")" 4
'

test_done
