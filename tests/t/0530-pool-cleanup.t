#!/bin/sh
# The Lean pool leaves nothing behind: no zombie, no orphan, also when cs-verify is
# SIGKILLed mid-check; every REPL runs under its rlimits.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

test_expect_success 'no process is left after a run' '
	fresh &&
	{ rec 1 "theorem t1 : True := by\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: crash\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: hang\n  trivial"; } > in &&
	CS_LEAN_TIMEOUT=5 cs-verify in > out;
	test "$?" -le 1 &&
	test_eq "$(wc -l < out)" 3 &&
	no_leftovers
'

test_expect_success 'no zombie while running: dead REPLs are reaped at once' '
	fresh &&
	mkfifo fifo &&
	{ cs-verify -j 1 < fifo > out & } &&
	pid=$! &&
	exec 9> fifo &&
	test_when_finished "exec 9>&-; kill -9 $pid; kill_tagged" &&
	rec 1 "theorem t1 : True := by -- double: crash\n  trivial" >&9 &&
	rec 2 "theorem t2 : True := by -- double: hang\n  trivial" >&9 &&
	wait_for "grep -q \"theorem t2\" double.log" &&
	test_eq "$(verdict 1 out)" fail &&
	test_eq "$(ps -o stat= --ppid $pid | grep -c Z)" 0 &&
	for k in $(pgrep -P $pid); do test_eq "$(ps -o stat= --ppid $k | grep -c Z)" 0 || return 1; done &&
	test_eq "$(starts)" 5 &&
	test_eq "$(alive)" 1 &&
	exec 9>&- && kill $pid && { wait $pid; true; } &&
	no_leftovers
'

test_expect_success 'a SIGKILLed cs-verify leaves no REPL behind' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: hang\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: hang\n  trivial"; } > in &&
	{ cs-verify in > out & } &&
	pid=$! &&
	test_when_finished "kill -9 $pid; kill_tagged" &&
	wait_for "test \"\$(logged \"double: hang\")\" = 2" &&
	test_eq "$(starts)" 2 &&
	test_eq "$(alive)" 2 &&
	kill -9 $pid &&
	no_leftovers
'

test_expect_success 'a SIGKILLed cs-verify during the header import leaves no REPL behind' '
	fresh &&
	rec 1 "theorem t1 : True := by\n  trivial" > in &&
	{ CS_LEAN_REPL="$DOUBLE --log $TRASH/double.log --import-delay 30" cs-verify in > out & } &&
	pid=$! &&
	test_when_finished "kill -9 $pid; kill_tagged" &&
	wait_for "test \"\$(logged import)\" = 1" &&
	kill -9 $pid &&
	no_leftovers
'

test_expect_success 'rlimits: RLIMIT_AS is CS_LEAN_MEMORY, CPU and FSIZE bounded, no core' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: limits\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: alloc 1536\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: alloc 256\n  trivial"; } > in &&
	CS_LEAN_MEMORY=1024 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_eq "$(grep -c "\"verdict\":\"pass\"" out)" 3 &&
	test_grep "\"id\":1,.*limits: AS=1073741824/1073741824 CPU=24720/24750 FSIZE=1073741824/1073741824 CORE=0/0" out &&
	test_grep "\"id\":2,.*alloc 1536 MB: MemoryError" out &&
	test_grep "\"id\":3,.*alloc 256 MB: ok" out
'

test_expect_success 'rlimits: the default memory limit is 8 GiB' '
	fresh &&
	rec 1 "theorem t1 : True := by -- double: limits\n  trivial" > in &&
	cs-verify in > out &&
	test_grep "\"id\":1,.*limits: AS=8589934592/8589934592 " out
'

test_expect_success 'the REPL does not see API keys, tokens or passwords' '
	fresh &&
	{ rec 1 "theorem t1 : True := by -- double: env CS_PROVER_API_KEY\n  trivial"
	  rec 2 "theorem t2 : True := by -- double: env GITHUB_TOKEN\n  trivial"
	  rec 3 "theorem t3 : True := by -- double: env CS_LEAN_TIMEOUT\n  trivial"; } > in &&
	CS_PROVER_API_KEY=sk-t0530 GITHUB_TOKEN=gh-t0530 CS_LEAN_JOBS=1 cs-verify in > out &&
	test_grep "\"id\":1,.*env CS_PROVER_API_KEY unset" out &&
	test_grep "\"id\":2,.*env GITHUB_TOKEN unset" out &&
	test_grep "\"id\":3,.*env CS_LEAN_TIMEOUT=60" out &&
	test_no_grep "t0530" out
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
