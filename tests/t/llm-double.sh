# llm-double.sh: start and stop the chat-completions test double
# (tests/doubles/llm_double.py) from a shell test. Source after lib.sh.
DPID=

# start_double ARGS: (re)start the double; sets DPORT and points both endpoints at it.
# Top level only (DPID must survive).
start_double() {
	stop_double
	rm -f port dlog
	python3 -S "$DOUBLES/llm_double.py" --port-file port --log dlog --tag "${TAG:-cs-test}" \
		--max-seconds "${DOUBLE_MAX_SECONDS:-300}" "$@" >double.out 2>double.err &
	DPID=$!
	i=0
	while [ ! -s port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	DPORT=$(cat port)
	CS_PROVER_URL=http://127.0.0.1:$DPORT/v1
	CS_DECOMPOSER_URL=$CS_PROVER_URL
	export CS_PROVER_URL CS_DECOMPOSER_URL
}
stop_double() {
	[ -n "$DPID" ] || return 0
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}
test_when_finished 'stop_double'

# Requests the double answered so far, and what it saw at most at once.
posts() { grep -c '"method": "POST"' dlog; }
stats() { curl -s "http://127.0.0.1:$DPORT/stats"; }
# ctl JSON: change the running double (faults, retry_after, stall, latency, reset)
# and empty its log.
ctl() { : > dlog && curl -s -f -d "$1" "http://127.0.0.1:$DPORT/control" > /dev/null; }
