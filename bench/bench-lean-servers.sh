#!/bin/sh
# bench-lean-servers.sh: checks through several kimina-lean-servers (CS_LEAN_URL as a
# list). Each server is the kimina double with S REPL slots and a fixed check time C
# (--kimina-slots S --kimina-latency C: one server checks at most S/C per second).
# N checks under one header through one server, then through two (P = S checks in
# flight per server): the ratio two/one (target >= 1.8). Raw lines on stderr, table
# rows on stdout. Environment: SERVERS_BENCH_SLOTS (4), SERVERS_BENCH_LATENCY (0.2),
# SERVERS_BENCH_N (200).
cd "$(dirname "$0")/.." || exit 4
bin=build/bench/lean_pool_bench
[ -x "$bin" ] || { echo "bench-lean-servers: $bin not built (make bench)" >&2; exit 1; }
S=${SERVERS_BENCH_SLOTS:-4} C=${SERVERS_BENCH_LATENCY:-0.2} N=${SERVERS_BENCH_N:-200}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-servers.XXXXXX")
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
# server NAME: start a kimina double; url NAME: its URL once it listens
server() {
	python3 -S tests/doubles/repl_double.py --kimina --kimina-slots "$S" --kimina-latency "$C" \
		--max-seconds 900 > "$dir/$1.port" &
	pids="$pids $!"
}
url() {
	i=0
	while ! grep -q PORT "$dir/$1.port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo "http://127.0.0.1:$(sed -n 's/^PORT //p' "$dir/$1.port")"
}
server a
server b
ua=$(url a) ub=$(url b)
one=$("$bin" -P "$S" -n "$N" -u "$ua" tests/doubles/repl_double.py) || exit 1
two=$("$bin" -P "$S" -n "$N" -u "$ua $ub" tests/doubles/repl_double.py) || exit 1
echo "$one" >&2
echo "$two" >&2
r1=$(echo "$one" | sed -n 's/.*checks\/s=\([0-9.]*\).*/\1/p')
r2=$(echo "$two" | sed -n 's/.*checks\/s=\([0-9.]*\).*/\1/p')
awk -v r1="$r1" -v r2="$r2" -v s="$S" -v c="$C" -v n="$N" 'BEGIN {
	printf "| one kimina server (double: %s slots, check %s s), %s checks | %s checks/s | ideal %.1f checks/s | %.3f |\n", s, c, n, r1, s / c, r1 / (s / c)
	printf "| two kimina servers (CS_LEAN_URL list), same checks | %s checks/s | 1.8 x one server = %.1f | %.2f x one server (target >= 1.8) |\n", r2, 1.8 * r1, r2 / r1 }'
