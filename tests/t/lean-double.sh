# lean-double.sh: what the 05xx tests of cs-verify and the Lean pool share.
# Source after lib.sh. Each REPL is the test double (tests/doubles/repl_double.py),
# tagged so that every process of the test can be found, recording its pid in pids/.
TAG=cs-t05-$$
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
# holding the tag (sh -c wrappers, bwrap, the double itself).
leftovers() {
	for f in pids/*; do
		[ -e "$f" ] || continue
		kill -0 "${f#pids/}" 2>/dev/null && echo "pid ${f#pids/}"
	done
	pgrep -f -- "$TAG" | sed 's/^/tagged /'
}
# Doubles (recorded pids) still alive.
alive() { n=0; for f in pids/*; do [ -e "$f" ] && kill -0 "${f#pids/}" 2>/dev/null && n=$((n + 1)); done; echo $n; }
# Wait (at most 10 s) until nothing of this test runs any more; print what is left.
no_leftovers() {
	i=0
	while [ -n "$(leftovers)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	left=$(leftovers)
	[ -z "$left" ] || { echo "left behind: $left"; ps -o pid,ppid,stat,args -p "$(pgrep -d, -f -- "$TAG" || echo 1)"; return 1; }
}
# wait_for "SHELL CODE": until it succeeds (evaluated each time), at most 10 s.
wait_for() { i=0; while ! eval "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; eval "$1"; }
logged() { grep -c -e "$1" double.log 2>/dev/null; }
imports() { grep -c '"cmd": "import' double.log; }
bodies() { grep -c '"cmd": "theorem' double.log; }
starts() { ls pids | wc -l; }
fresh() { rm -f pids/* double.log; }
# kimina_up PORTFILE [DOUBLE-OPTIONS]: a kimina-lean-server double in the background,
# killed when the test ends; sets KURL to its URL. Inside a test body only.
kimina_up() {
	kf=$1
	shift
	rm -f "$kf"
	{ python3 "$DOUBLES/repl_double.py" --kimina --tag $TAG --max-seconds 120 "$@" > "$kf" & }
	kpid=$!
	test_when_finished "kill $kpid"
	wait_for "grep -q PORT $kf" || return 1
	KURL=http://127.0.0.1:$(sed -n "s/^PORT //p" "$kf")
}

# Kill what is left of this test (for test_when_finished and the end of the file).
kill_tagged() { for k in $(pgrep -f -- "$TAG"); do kill -9 "$k" 2>/dev/null; done; true; }
trap 'kill_tagged; test_cleanup' EXIT
