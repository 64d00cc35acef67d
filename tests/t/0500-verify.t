#!/bin/sh
# cs-verify and the Lean pool, driven against the REPL test double.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0500-$$
mkdir -p pids lean
export CS_LEAN_DIR=$TRASH/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 CS_LEAN_TIMEOUT=60
DOUBLE="python3 $DOUBLES/repl_double.py --tag $TAG --pid-dir $TRASH/pids"
export CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log"
H='import Mathlib\nopen Real'

# rec ID CODE [EXTRA-JSON [HEADER]]: one input record (CODE and HEADER JSON-escaped).
rec() { printf '{"id":%s,"header":"%s","code":"%s"%s}\n' "$1" "${4-$H}" "$2" "${3:+,$3}"; }
# field ID NAME FILE: a string or scalar field of the output record ID.
field() { grep "^{\"id\":$1," "$3" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",]*\).*/\1/p" | head -n 1; }
verdict() { field "$1" verdict "$2"; }
# Processes of this test still alive: pids the double recorded, and any command line
# holding the tag (sh -c wrappers, bwrap).
leftovers() {
	for f in pids/*; do
		[ -e "$f" ] || continue
		kill -0 "${f#pids/}" 2>/dev/null && echo "pid ${f#pids/}"
	done
	pgrep -f -- "$TAG" | sed 's/^/tagged /'
}
# Wait (at most 10 s) until nothing of this test runs any more; print what is left.
no_leftovers() {
	i=0
	while [ -n "$(leftovers)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	left=$(leftovers)
	[ -z "$left" ] || { echo "left behind: $left"; ps -o pid,ppid,stat,args -p "$(pgrep -d, -f -- "$TAG" || echo 1)"; return 1; }
}
imports() { grep -c '"cmd": "import' double.log; }
bodies() { grep -c '"cmd": "theorem' double.log; }
starts() { ls pids | wc -l; }
fresh() { rm -f pids/* double.log; }

test_expect_success 'pass, sorry and fail, with version and goals' '
	fresh &&
	{ rec 1 "theorem t1 (x : ℝ) : x = x := by\n  rfl"
	  rec 2 "theorem t2 (x y : ℝ) (h₀ : x = y) : y = x := by\n  have h : x = y := by sorry\n  linarith" "\"allow_sorry\":true"
	  rec 3 "theorem t3 (x : ℝ) : x = x + 1 := by\n  linarith -- double: fail"; } > in &&
	cs-verify in > out &&
	test_eq "$(wc -l < out)" 3 &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" sorry &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(field 1 checker out)" repl &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_eq "$(field 1 real_lean out)" false &&
	test_grep "\"sorries\":\[{\"line\":2,\"col\":23,\"end_line\":2,\"end_col\":28,\"goal\":\"x y : ℝ\\\\nh₀ : x = y\\\\n⊢ x = y\"}\]" out &&
	test_grep "\"why\":\"2:11: linarith failed to find a contradiction …\"" out &&
	test_grep "\"severity\":\"error\",\"pos\":{\"line\":2,\"column\":11}" out &&
	test_grep "\"id\":2,.*\"declaration uses \`sorry\`\"" out
'

test_expect_success 'the input record comes back whole, plus the results' '
	grep "^{\"id\":1," out > one &&
	test_grep "\"header\":\"import Mathlib\\\\nopen Real\",\"code\":\"theorem t1" one &&
	test_grep "\"elapsed\":[0-9]" one &&
	test_grep "\"messages\":\[\]" one
'

test_expect_success 'rejected code never reaches the REPL' '
	fresh &&
	{ rec 1 "#eval IO.FS.writeFile \\\"pwned\\\" \\\"x\\\"\ntheorem t : True := trivial"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry"
	  rec 3 "theorem t3 (x : ℝ) : x = 2 := by\n  rfl" "\"formal_statement\":\"theorem t3 (x : ℝ) : x = x := by\""
	  rec 4 "theorem t4 (x : ℝ) : x = x := by\n  rfl" "\"formal_statement\":\"theorem t4 (x : ℝ) : x = x := by\""; } > in &&
	cs-verify in > out &&
	test_eq "$(verdict 1 out)" rejected &&
	test_eq "$(verdict 2 out)" rejected &&
	test_eq "$(verdict 3 out)" rejected &&
	test_eq "$(verdict 4 out)" pass &&
	test_eq "$(field 1 checker out)" policy &&
	test_grep "\"id\":1,.*\"why\":\"[^\"]*eval" out &&
	test_no_grep writeFile double.log &&
	test_no_grep "theorem t2" double.log &&
	test_no_grep "theorem t3" double.log &&
	test_grep "theorem t4" double.log &&
	! test -e lean/pwned
'

test_expect_success 'a check that hangs times out, the REPL is killed, the next check passes' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: hang\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial"; } > in &&
	CS_LEAN_TIMEOUT=1 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" timeout &&
	test_eq "$(verdict 2 out)" pass &&
	test_grep "\"id\":1,.*no answer within 1 s" out &&
	test_eq "$(starts)" 2 &&
	test_eq "$(leftovers)" ""
'

test_expect_success 'a crash is retried once on a fresh REPL, then the verdict is error' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: crash\n  trivial"
	  rec 2 "theorem t2 : True := by\n  trivial"; } > in &&
	test_exit 1 cs-verify -j 1 in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_eq "$(verdict 2 out)" pass &&
	test_grep "\"id\":1,.*exited with status 3.*crashing as asked.*crashed once before" out &&
	test_eq "$(grep -c "theorem t1" double.log)" 2 &&
	test_eq "$(grep "theorem t1" double.log | sed "s/,.*//" | sort -u | wc -l)" 2 &&
	test_eq "$(starts)" 3
'

test_expect_success 'a crash that does not repeat costs nothing but a restart' '
	fresh &&
	for i in 1 2 3 4; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log --crash-every 3" CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 4 &&
	test_eq "$(starts)" 2
'

test_expect_success 'garbage on stdout is a crash' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: garbage\n  trivial" > in &&
	test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "printed what is not JSON" out
'

test_expect_success 'a 50 MB reply is read whole; its messages are cut in the record' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: big\n  trivial" > in &&
	cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_grep "more bytes cut by coldstart" out &&
	test "$(wc -c < out)" -lt 200000
'

test_expect_success 'a reply larger than CS_LEAN_MAX_REPLY is a crash' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: big\n  trivial" > in &&
	CS_LEAN_MAX_REPLY=1000000 test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" error &&
	test_grep "answered more than 1000000 bytes" out
'

test_expect_success 'a REPL is recycled after CS_LEAN_MAX_USES checks' '
	fresh &&
	for i in 1 2 3 4 5; do rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	CS_LEAN_MAX_USES=2 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 5 &&
	test_eq "$(starts)" 3 &&
	test_eq "$(imports)" 3
'

test_expect_success 'the header is imported once per process, however many bodies' '
	fresh &&
	i=0 && while [ $i -lt 20 ]; do i=$((i + 1)); rec $i "theorem t$i : True := by\n  trivial"; done > in &&
	cs-verify -j 2 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 20 &&
	test_eq "$(starts)" 2 &&
	test_eq "$(imports)" 2 &&
	test_eq "$(bodies)" 20 &&
	test_eq "$(grep -c "\"env\": 1, \"cmd\": \"theorem" double.log)" 20
'

test_expect_success 'least recently used eviction across three headers with two processes' '
	fresh &&
	H1="import Mathlib\n-- one" H2="import Mathlib\n-- two" H3="import Mathlib\n-- three" &&
	{ rec 1 "theorem a : True := trivial" "" "$H1"
	  rec 2 "theorem b : True := trivial" "" "$H2"
	  rec 3 "theorem c : True := trivial" "" "$H1"
	  rec 4 "theorem d : True := trivial" "" "$H3"
	  rec 5 "theorem e : True := trivial" "" "$H1"
	  rec 6 "theorem f : True := trivial" "" "$H2"; } > in &&
	CS_LEAN_JOBS=2 cs-verify -j 1 in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 6 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- one" double.log)" 1 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- two" double.log)" 2 &&
	test_eq "$(grep -c "import Mathlib\\\\n-- three" double.log)" 1 &&
	test_eq "$(starts)" 4
'

test_expect_success 'no process is left after a run' '
	test_eq "$(leftovers)" ""
'

test_expect_success 'no zombie while running: dead REPLs are reaped at once' '
	fresh &&
	mkfifo fifo &&
	{ cs-verify -j 1 < fifo > out & } &&
	pid=$! &&
	exec 9> fifo &&
	test_when_finished "exec 9>&-; kill -9 $pid 2>/dev/null" &&
	rec 1 "theorem t1 : True := by -- double: crash\n  trivial" >&9 &&
	rec 2 "theorem t2 : True := by -- double: hang\n  trivial" >&9 &&
	i=0 && while ! grep -q "theorem t2" double.log 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	test_grep "theorem t2" double.log &&
	test_eq "$(ps -o stat= --ppid $pid | grep -c Z)" 0 &&
	for k in $(pgrep -P $pid); do test_eq "$(ps -o stat= --ppid $k | grep -c Z)" 0 || return 1; done &&
	test_eq "$(ls pids | wc -l)" 3 &&
	test_eq "$(leftovers | wc -l)" 2 &&
	exec 9>&- && kill $pid && wait $pid;
	no_leftovers
'

test_expect_success 'a SIGKILLed cs-verify leaves no REPL behind' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: hang\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: hang\n  trivial"; } > in &&
	{ cs-verify in > out & } &&
	pid=$! &&
	i=0 && while [ "$(grep -c "double: hang" double.log 2>/dev/null)" != 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	test_eq "$(starts)" 2 &&
	kill -9 $pid &&
	no_leftovers
'

if bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc true 2>/dev/null; then
test_expect_success 'sandbox: no write outside the scratch directory, no network' '
	fresh &&
	{ python3 "$DOUBLES/repl_double.py" --listen --log "$TRASH/listen.log" --max-seconds 60 > port & } &&
	lpid=$! &&
	test_when_finished "kill $lpid" &&
	i=0 && while ! grep -q PORT port && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	port=$(sed -n "s/^PORT //p" port) &&
	rec 1 "theorem t1 : True := by -- double: escape $TRASH/lean/escaped $port\n  trivial" > in &&
	CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="$DOUBLE" CS_VERBOSE=1 cs-verify in > out 2> err &&
	test_eq "$(verdict 1 out)" pass &&
	test_grep "write $TRASH/lean/escaped: Read-only file system" out &&
	test_grep "connect 127.0.0.1:$port: " out &&
	test_no_grep "connect 127.0.0.1:$port: ok" out &&
	! test -e lean/escaped &&
	! test -e listen.log &&
	test_grep ", sandboxed" err &&
	CS_LEAN_SANDBOX=none CS_LEAN_REPL="$DOUBLE" cs-verify in > out &&
	test_grep "write $TRASH/lean/escaped: ok; connect 127.0.0.1:$port: ok" out &&
	test -e lean/escaped &&
	test_grep connected listen.log
'

test_expect_success 'sandbox: a SIGKILLed cs-verify leaves no sandboxed REPL behind' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: hang\n  trivial" > in &&
	{ CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="$DOUBLE" cs-verify in > out & } &&
	pid=$! &&
	i=0 && while [ "$(pgrep -f -- "$TAG" | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	sleep 0.5 &&
	test "$(pgrep -f -- "$TAG" | wc -l)" -ge 2 &&
	kill -9 $pid &&
	no_leftovers
'
else
test_skip 'sandbox: bwrap does not work on this machine'
test_skip 'sandbox: bwrap does not work on this machine'
fi

test_expect_success 'a bwrap that does not work: an error when asked for, a warning otherwise' '
	fresh &&
	mkdir -p fakebin &&
	printf "#!/bin/sh\necho \"bwrap: No permissions to create a new namespace\" >&2\nexit 1\n" > fakebin/bwrap &&
	chmod +x fakebin/bwrap &&
	rec 1 "theorem t1 : True := trivial" > in &&
	PATH=$TRASH/fakebin:$PATH CS_LEAN_SANDBOX=bwrap test_exit 3 cs-verify in > out 2> err &&
	test_grep "CS_LEAN_SANDBOX=bwrap, but the sandbox does not work here.*No permissions" err &&
	test_eq "$(wc -l < out)" 0 &&
	(unset CS_LEAN_SANDBOX; PATH=$TRASH/fakebin:$PATH cs-verify in > out 2> err) &&
	test_grep "warning: the Lean REPL runs without a sandbox" err &&
	test_eq "$(verdict 1 out)" pass
'

test_expect_success 'axiom audit: only propext, Classical.choice and Quot.sound' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: axioms propext, sorryAx\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: axioms none\n  trivial"
	  rec 4 "theorem t4 : True := by\n  trivial" "\"theorem\":\"not_t4\""; } > in &&
	CS_LEAN_AXIOMS=1 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" fail &&
	test_grep "\"id\":2,.*\"why\":\"axiom audit: t2 depends on axiom sorryAx\"" out &&
	test_eq "$(verdict 3 out)" pass &&
	test_eq "$(verdict 4 out)" fail &&
	test_grep "\"id\":4,.*unknown constant" out &&
	test_grep "\"env\": 2, \"cmd\": \"#print axioms t1\"" double.log &&
	cs-verify in > out2 &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out2)" 4 &&
	test_eq "$(grep -c "#print axioms" double.log)" 4
'

test_expect_success 'real Lean replies (transcript mode) are judged right' '
	fresh &&
	{ rec 1 "def f (x : Unit) : Nat := by sorry" "\"allow_sorry\":true" ""
	  rec 2 "def f (x : Bool) : Nat := by\n  by_cases x\n  { apply Nat.succ }" "" ""; } > in &&
	CS_LEAN_REPL="$DOUBLE --transcript $FIXTURES/repl/readme.in" cs-verify -j 1 in > out1 &&
	test_eq "$(verdict 1 out1)" sorry &&
	test_grep "\"goal\":\"x : Unit\\\\n⊢ Nat\"" out1 &&
	CS_LEAN_REPL="$DOUBLE --transcript $FIXTURES/repl/incomplete.in" cs-verify -j 1 in > out2 &&
	test_eq "$(verdict 2 out2)" fail &&
	test_grep "\"id\":2,.*\"why\":\"3:19: unsolved goals …\"" out2
'

test_expect_success 'kimina-lean-server backend: same verdicts, positions in body lines' '
	fresh &&
	{ python3 "$DOUBLES/repl_double.py" --kimina --log "$TRASH/kimina.log" --max-seconds 120 > kport & } &&
	kpid=$! &&
	test_when_finished "kill $kpid" &&
	i=0 && while ! grep -q PORT kport && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 (x : ℝ) : x = x := by\n  sorry" "\"allow_sorry\":true"
	  rec 3 "theorem t3 : True := by\n  simp -- double: fail"
	  rec 4 "theorem t4 : True := by -- double: hang\n  trivial"
	  rec 5 "theorem t5 : True := by -- double: crash\n  trivial"; } > in &&
	CS_LEAN_URL=http://127.0.0.1:$(sed -n "s/^PORT //p" kport) CS_LEAN_TIMEOUT=1 \
		test_exit 1 cs-verify in > out &&
	test_eq "$(verdict 1 out)" pass &&
	test_eq "$(verdict 2 out)" sorry &&
	test_eq "$(verdict 3 out)" fail &&
	test_eq "$(verdict 4 out)" timeout &&
	test_eq "$(verdict 5 out)" error &&
	test_eq "$(field 1 checker out)" kimina &&
	test_eq "$(field 1 version out)" "coldstart-test-double 0" &&
	test_grep "\"id\":2,.*\"sorries\":\[{\"line\":2,\"col\":2," out &&
	test_grep "\"id\":3,.*\"why\":\"2:7: linarith" out &&
	test_grep "import Mathlib\\\\nopen Real\\\\ntheorem t1" kimina.log
'

test_expect_success 'bad records are reported and skipped; exit 1' '
	fresh &&
	{ echo "{\"id\":1}"; echo "not json"; rec 3 "theorem t3 : True := trivial"; } > in &&
	test_exit 1 cs-verify in > out 2> err &&
	test_grep "in:1: record without a \"code\" string" err &&
	test_eq "$(wc -l < out)" 1 &&
	test_eq "$(verdict 3 out)" pass
'

test_expect_success 'no checker configured: configuration error' '
	(unset CS_LEAN_REPL; test_exit 3 cs-verify in > out 2> err) &&
	test_grep "no Lean checker" err
'

test_expect_success 'usage' '
	cs-verify -h > out &&
	test_grep "usage: cs-verify" out &&
	test_exit 2 cs-verify -x 2> err
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
