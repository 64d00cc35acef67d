#!/bin/sh
# bench-llm.sh: the chat-completions client against the test double with a fixed
# latency L: requests/s against the ideal J/L, and client CPU per request.
# Prints bench/run.sh table rows; the raw "llm J=..." lines go to standard error.
cd "$(dirname "$0")/.." || exit 4
B=build/bench/llm_bench
[ -x "$B" ] || make -s "$B" >&2 || exit 4
L=${LLM_BENCH_LATENCY:-0.2}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-llm.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
rc=0
for J in ${LLM_BENCH_JOBS:-16 64}; do
	N=$((20 * J))
	rm -f "$dir/port"
	python3 tests/doubles/llm_double.py --port-file "$dir/port" --latency "$L" --max-seconds 300 \
		>/dev/null 2>"$dir/double.err" &
	pid=$!
	i=0
	while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$dir/port")
	line=$(CS_PROVER_URL=http://127.0.0.1:$port/v1 CS_LLM_BACKOFF=0.05 "$B" "$J" "$N" "$L") || rc=1
	seen=$(curl -s "http://127.0.0.1:$port/stats" | sed -n 's/.*"max_concurrent": \([0-9]*\).*/\1/p')
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	echo "$line double_max_concurrent=$seen" >&2
	v() { echo "$line" | sed -n "s|.* $1=\([^ ]*\).*|\1|p"; }
	echo "| llm client J=$J L=${L}s, $N requests: req/s (double saw $seen at once) | $(v req/s) | $(v ideal) (J/L) | $(v ratio) |"
	echo "| llm client J=$J: client CPU per request | $(v cpu_ms_per_req) ms | — | — |"
done
exit $rc
