#!/bin/sh
# The REPL under bwrap: no network, nothing writable outside its scratch directory,
# a private /tmp, rlimits as without it; a bwrap that does not work.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

# Inside the sandbox the double cannot write to pids/ (read-only, and its pid is
# another namespace's): find its processes by the tag only.
SBDOUBLE="python3 $DOUBLES/repl_double.py --tag $TAG"
if why=$(bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --dev /dev --proc /proc \
		--tmpfs /tmp /bin/sh -c true 2>&1); then
test_expect_success 'sandbox: no write outside the scratch directory, private /tmp, no network' '
	fresh &&
	{ python3 "$DOUBLES/repl_double.py" --tag $TAG --listen --log "$TRASH/listen.log" --max-seconds 60 > port & } &&
	lpid=$! &&
	test_when_finished "kill $lpid" &&
	wait_for "grep -q PORT port" &&
	port=$(sed -n "s/^PORT //p" port) &&
	ptmp=/tmp/cs-t0540-$$ &&
	{ rec 1 "theorem t1 : True := by -- double: escape $TRASH/lean/escaped $port\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: escape $ptmp\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: limits\n  trivial"; } > in &&
	CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="$SBDOUBLE" CS_LEAN_MEMORY=2048 CS_VERBOSE=1 cs-verify -j 1 in > out 2> err &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 3 &&
	test_grep "\"id\":1,.*write $TRASH/lean/escaped: Read-only file system" out &&
	test_grep "\"id\":1,.*connect 127.0.0.1:$port: " out &&
	test_no_grep "connect 127.0.0.1:$port: ok" out &&
	test_grep "\"id\":2,.*write $ptmp: ok" out &&
	! test -e $ptmp &&
	test_grep "\"id\":3,.*limits: AS=2147483648/2147483648 " out &&
	! test -e lean/escaped &&
	! test -e listen.log &&
	test_grep ", sandboxed" err &&
	test_no_grep "warning" err &&
	CS_LEAN_SANDBOX=none CS_LEAN_REPL="$SBDOUBLE" cs-verify -j 1 in > out &&
	test_grep "write $TRASH/lean/escaped: ok; connect 127.0.0.1:$port: ok" out &&
	test -e lean/escaped &&
	test_grep connected listen.log &&
	rm -f $ptmp
'

test_expect_success 'sandbox: only the system, the toolchain, the project and the named paths are visible' '
	fresh &&
	mkdir -p outside home extra tools &&
	echo "secret outside" > outside/secret &&
	echo "secret at home" > home/secret &&
	echo "extra data" > extra/data &&
	echo "theorem project : True := trivial" > lean/Project.lean &&
	cp "$DOUBLES/repl_double.py" tools/ &&
	{ rec 1 "theorem t1 : True := by -- double: read $TRASH/outside/secret\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: read /etc/passwd\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: read $TRASH/lean/Project.lean\n  trivial"
	  rec 4 "theorem t4 : True := by -- double: list $TRASH/home\n  trivial"
	  rec 5 "theorem t5 : True := by -- double: read $TRASH/home/secret\n  trivial"
	  rec 6 "theorem t6 : True := by -- double: env HOME\n  trivial"
	  rec 7 "theorem t7 : True := by -- double: escape /etc/cs-t0540\n  trivial"
	  rec 8 "theorem t8 : True := by -- double: escape $TRASH/home/cs-t0540\n  trivial"
	  rec 9 "theorem t9 : True := by -- double: read $TRASH/extra/data\n  trivial"
	  rec 10 "theorem t10 : True := by -- double: list /etc\n  trivial"; } > in &&
	test -r /etc/passwd &&
	HOME=$TRASH/home CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="python3 ../tools/repl_double.py --tag $TAG" \
		cs-verify -j 1 in > out 2> err &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 10 &&
	test_grep "\"id\":1,.*read $TRASH/outside/secret: No such file or directory" out &&
	test_grep "\"id\":2,.*read /etc/passwd: No such file or directory" out &&
	test_grep "\"id\":3,.*read $TRASH/lean/Project.lean: ok: theorem project" out &&
	test_grep "\"id\":4,.*list $TRASH/home: \"" out &&
	test_grep "\"id\":5,.*read $TRASH/home/secret: No such file or directory" out &&
	test_grep "\"id\":6,.*env HOME=$TRASH/home\"" out &&
	test_grep "\"id\":7,.*write /etc/cs-t0540: Read-only file system" out &&
	test_grep "\"id\":8,.*write $TRASH/home/cs-t0540: Read-only file system" out &&
	test_grep "\"id\":9,.*read $TRASH/extra/data: No such file or directory" out &&
	test_grep "\"id\":10,.*list /etc: ld.so.cache" out &&
	test_no_grep "\"id\":10,.*passwd" out &&
	if test -e /etc/shadow; then
		rec 11 "theorem t11 : True := by -- double: read /etc/shadow\n  trivial" > in2 &&
		HOME=$TRASH/home CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="python3 ../tools/repl_double.py --tag $TAG" \
			cs-verify in2 > out2 &&
		test_grep "read /etc/shadow: No such file or directory" out2
	fi &&
	rec 9 "theorem t9 : True := by -- double: read $TRASH/extra/data\n  trivial" > in3 &&
	HOME=$TRASH/home CS_LEAN_SANDBOX=bwrap CS_LEAN_SANDBOX_BIND="$TRASH/nonexistent:$TRASH/extra" \
		CS_LEAN_REPL="python3 ../tools/repl_double.py --tag $TAG" cs-verify in3 > out3 &&
	test_grep "read $TRASH/extra/data: ok: extra data" out3 &&
	CS_LEAN_SANDBOX=none CS_LEAN_REPL="$SBDOUBLE" cs-verify -j 1 in > out &&
	test_grep "\"id\":1,.*read $TRASH/outside/secret: ok: secret outside" out &&
	test_grep "\"id\":5,.*read $TRASH/home/secret: ok: secret at home" out
'

test_expect_success 'sandbox: lake env with an elan toolchain and a REPL named relative to the project' '
	fresh &&
	mkdir -p home/.elan/bin repl/.lake/build/bin &&
	echo "secret at home" > home/secret &&
	printf "#!/bin/sh\n# a stand-in for elan'"'"'s lake proxy: lake env CMD... runs CMD\n[ \"\$1\" = env ] && shift && exec \"\$@\"\nexit 2\n" > home/.elan/bin/elan &&
	chmod +x home/.elan/bin/elan &&
	ln -s elan home/.elan/bin/lake && ln -s elan home/.elan/bin/lean &&
	{ echo "#!/usr/bin/env python3"; cat "$DOUBLES/repl_double.py"; } > repl/.lake/build/bin/repl &&
	chmod +x repl/.lake/build/bin/repl &&
	{ rec 1 "theorem t1 : True := by -- double: list $TRASH/home/.elan/bin\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: env ELAN_HOME\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: read $TRASH/home/secret\n  trivial"
	  rec 4 "theorem t4 : True := by -- double: list $TRASH/home\n  trivial"; } > in &&
	HOME=$TRASH/home PATH=$TRASH/home/.elan/bin:$PATH CS_LEAN_SANDBOX=bwrap \
		CS_LEAN_REPL="lake env ../repl/.lake/build/bin/repl --tag $TAG" cs-verify -j 1 in > out 2> err &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 4 &&
	test_grep "\"id\":1,.*list $TRASH/home/.elan/bin: elan lake lean\"" out &&
	test_grep "\"id\":2,.*env ELAN_HOME=$TRASH/home/.elan\"" out &&
	test_grep "\"id\":3,.*read $TRASH/home/secret: No such file or directory" out &&
	test_grep "\"id\":4,.*list $TRASH/home: .elan\"" out
'

test_expect_success 'sandbox: a SIGKILLed cs-verify leaves no sandboxed REPL behind' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: hang\n  trivial" > in &&
	{ CS_LEAN_SANDBOX=bwrap CS_LEAN_REPL="$SBDOUBLE" cs-verify in > out & } &&
	pid=$! &&
	test_when_finished "kill -9 $pid; kill_tagged" &&
	wait_for "test \$(pgrep -f -- python3.*$TAG | wc -l) -ge 1" &&
	test_wait "test \$(pgrep -f -- \"$TAG\" | wc -l) -ge 2" &&
	kill -9 $pid &&
	no_leftovers
'
else
test_skip "sandbox: bwrap does not work on this machine: $why"
test_skip "sandbox: bwrap does not work on this machine: $why"
test_skip "sandbox: bwrap does not work on this machine: $why"
test_skip "sandbox: bwrap does not work on this machine: $why"
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
	test_grep "warning: the Lean REPL runs without a sandbox.*No permissions" err &&
	test_eq "$(verdict 1 out)" pass &&
	CS_LEAN_SANDBOX=none PATH=$TRASH/fakebin:$PATH cs-verify in > out 2> err &&
	test_no_grep "warning" err &&
	test_eq "$(verdict 1 out)" pass
'

test_expect_success 'CS_LEAN_SANDBOX must be bwrap, none or auto' '
	rec 1 "theorem t1 : True := trivial" > in &&
	CS_LEAN_SANDBOX=yes test_exit 3 cs-verify in > out 2> err &&
	test_grep "CS_LEAN_SANDBOX=yes: not one of auto,bwrap,none" err
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
