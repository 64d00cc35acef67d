# lib.sh: shell test library in the style of git's t/test-lib.sh, printing TAP.
# Source it from tests/t/NNNN-name.t; then test_expect_success 'desc' 'cmds'.
set -u
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$TEST_DIR/../.." && pwd)
CS_BIN=${CS_TEST_BIN:-$SRC_DIR/bin}
FIXTURES=$SRC_DIR/tests/fixtures
DOUBLES=$SRC_DIR/tests/doubles
PATH=$CS_BIN:$SRC_DIR/bin:$PATH
export PATH SRC_DIR FIXTURES DOUBLES
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/cs-test.XXXXXX")
trap 'test_cleanup' EXIT
cd "$TRASH" || exit 1
# The doubles are Python, started hundreds of times. A version manager's python3 is a
# shim (pyenv's costs a quarter second a start, ten times the interpreter): put the
# interpreter itself first in PATH. Found once per `make test` (CS_TEST_PYTHON).
if [ -z "${CS_TEST_PYTHON:-}" ]; then
	CS_TEST_PYTHON=$(python3 -S -c 'import sys; print(sys.executable)' 2>/dev/null) || CS_TEST_PYTHON=
fi
if [ -n "$CS_TEST_PYTHON" ] && [ -x "$CS_TEST_PYTHON" ]; then
	mkdir "$TRASH/.python" && ln -s "$CS_TEST_PYTHON" "$TRASH/.python/python3" &&
		PATH=$TRASH/.python:$PATH
fi
# Never let a user's configuration leak into tests: no CS_* variable (CS_TEST_BIN, read
# above, included: doctor would warn about it as an unknown setting).
for v in $(env | sed -n 's/^\(CS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset DEEPSEEK_API_KEY
# The tests' problems are miniF2F's, which cs-ingest would mark as benchmark
# statements and cs-export leave out: only the tests about that (0875-0879) check them.
CS_BENCHMARKS=none
export CS_BENCHMARKS
test_count=0
test_failed=0
test_cleanup_cmds=

test_when_finished() { test_cleanup_cmds="$1; $test_cleanup_cmds"; }
test_cleanup() {
	eval "$test_cleanup_cmds" 2>/dev/null
	cd / && rm -rf "$TRASH"
}

test_expect_success() {
	test_count=$((test_count + 1))
	# The body runs in a subshell: what it registers with test_when_finished runs
	# when that subshell ends, whether the body failed or not.
	if (test_cleanup_cmds=; trap 'eval "$test_cleanup_cmds" >/dev/null 2>&1' EXIT; eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		# What it saw goes to stderr, which prove shows (as Test::More's diag does),
		# named, since parallel tests interleave there.
		{ echo "# ${0##*/} $test_count ($1) saw:"; sed 's/^/#   /' "$TRASH/.out"; } >&2
		test_failed=$((test_failed + 1))
	fi
}

test_skip() { test_count=$((test_count + 1)); echo "ok $test_count # skip $1"; }

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# Helpers for assertions inside test bodies; each prints why it failed.
test_cmp() { diff -u "$1" "$2"; }
test_exit() { # test_exit CODE cmd...: run cmd, require exit CODE
	want=$1; shift
	"$@"; got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, wanted $want: $*"; return 1; }
}
test_grep() { grep -q -e "$1" "$2" || { echo "no '$1' in $2:"; cat "$2"; return 1; }; }
test_no_grep() { ! grep -q -e "$1" "$2" || { echo "unexpected '$1' in $2:"; grep -e "$1" "$2"; return 1; }; }
test_eq() { [ "$1" = "$2" ] || { echo "got '$1', wanted '$2'"; return 1; }; }
sql() { sqlite3 -batch -bail "${CS_DB:-coldstart.db}" "$@"; }
# Waiting without a race a loaded machine can lose: poll, never sleep a fixed time.
# test_wait "SHELL CODE" [SECONDS]: until it succeeds (evaluated each time), at most
# SECONDS (30); the last try's status is the result.
test_wait() {
	_tw=0
	while ! eval "$1" && [ $_tw -lt $((${2:-30} * 10)) ]; do sleep 0.1; _tw=$((_tw + 1)); done
	eval "$1"
}
# test_gone PATTERN...: no process whose command line matches a PATTERN is left (the
# ones on their way out get 30 s); names those still there.
test_gone() {
	for _p in "$@"; do
		test_wait "! pgrep -f -- \"\$_p\" >/dev/null" || { echo "still running:"; pgrep -af -- "$_p"; return 1; }
	done
}
# test_locked FILE: until another process holds flock(1)'s lock on FILE (30 s at most).
test_locked() { test_wait "! flock -n \"$1\" true"; }
# jget FILE EXPR: EXPR (Python, r = the record) of each JSON line of FILE.
jget() {
	python3 -S -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(eval(sys.argv[2]))' "$1" "$2"
}
