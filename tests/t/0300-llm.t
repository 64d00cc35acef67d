#!/bin/sh
# cs-llm and the chat-completions client, driven against the endpoint test double.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0300-$$
export CS_LLM_BACKOFF=0.05 CS_LLM_BACKOFF_MAX=2 CS_LLM_RETRIES=6 CS_LLM_TIMEOUT=20
. "$TEST_DIR/llm-double.sh"
prompt() { printf '{"id":%s,"prompt":"%s"%s}\n' "$1" "$2" "${3:+,$3}"; }

start_double
test_expect_success 'n choices in one request, all fields of the answer' '
	prompt 1 "prove it" "\"n\":5" > in &&
	cs-llm in > out 2> err &&
	test_eq "$(wc -l < out)" 1 &&
	test_eq "$(jget out "len(r[\"choices\"])")" 5 &&
	test_eq "$(jget out "[c[\"content\"].split()[1] for c in r[\"choices\"]]")" "['\''0'\'', '\''1'\'', '\''2'\'', '\''3'\'', '\''4'\'']" &&
	test_eq "$(jget out "r[\"choices\"][0][\"finish_reason\"]")" stop &&
	test_eq "$(jget out "(r[\"id\"], r[\"attempts\"], r[\"http_status\"], r[\"error\"])")" "(1, 1, 200, None)" &&
	test_eq "$(jget out "r[\"usage\"][\"prompt_tokens\"] > 0 and r[\"usage\"][\"completion_tokens\"] > 0")" True &&
	test_eq "$(jget out "sorted(r[\"usage\"])")" "['\''cache_hit_tokens'\'', '\''cache_miss_tokens'\'', '\''completion_tokens'\'', '\''prompt_tokens'\'']" &&
	test_eq "$(posts)" 1 &&
	test_eq "$(jget dlog "r[\"n\"]")" 5
'

test_expect_success 'n = 130 is split into 64 + 64 + 2 and merged in order' '
	ctl '\''{}'\'' &&
	prompt 7 "big" "\"n\":130" > in &&
	cs-llm in > out &&
	test_eq "$(jget out "len(r[\"choices\"])")" 130 &&
	test_eq "$(jget out "[int(c[\"content\"].split()[1]) for c in r[\"choices\"]] == list(range(64)) * 2 + [0, 1]")" True &&
	test_eq "$(posts)" 3 &&
	test_eq "$(jget dlog "r[\"n\"]" | sort -n | tr "\n" " ")" "2 64 64 " &&
	test_eq "$(jget out "r[\"attempts\"]")" 3
'

test_expect_success 'the body carries every sampling field explicitly and never best_of' '
	ctl '\''{}'\'' &&
	printf "%s\n" "{\"id\":\"s\",\"messages\":[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"u\"}],\"n\":2,\"temperature\":0.3,\"top_p\":0.8,\"max_tokens\":77,\"seed\":9,\"stop\":[\"END\"]}" > in &&
	prompt 2 "defaults" > in2 &&
	cs-llm in > out && cs-llm in2 >> out &&
	test_eq "$(jget dlog "(r[\"n\"], r[\"temperature\"], r[\"top_p\"], r[\"max_tokens\"], r[\"seed\"], r[\"stop\"], r[\"messages\"], r[\"model\"])" | head -n 1)" \
		"(2, 0.3, 0.8, 77, 9, ['\''END'\''], 2, '\''deepseek-ai/DeepSeek-Prover-V2-7B'\'')" &&
	test_eq "$(jget dlog "r[\"keys\"]" | head -n 1)" "['\''max_tokens'\'', '\''messages'\'', '\''model'\'', '\''n'\'', '\''seed'\'', '\''stop'\'', '\''stream'\'', '\''temperature'\'', '\''top_p'\'']" &&
	test_eq "$(jget dlog "(r[\"n\"], r[\"temperature\"], r[\"top_p\"], r[\"max_tokens\"])" | tail -n 1)" "(1, 1.0, 0.95, 8192)" &&
	test_no_grep best_of dlog
'

test_expect_success 'a bad record is reported with file:line and id, the others go on' '
	{ prompt 1 "fine"; echo "{\"id\":2,\"messages\":\"no\"}"; echo "{\"id\":3,\"prompt\":\"x\",\"n\":0}"; prompt 4 "fine too"; } > in &&
	test_exit 1 cs-llm in > out 2> err &&
	test_eq "$(wc -l < out)" 4 &&
	test_grep "in:2: id 2: \"messages\" must be a non-empty array" err &&
	test_grep "in:3: id 3: \"n\" must be an integer" err &&
	test_eq "$(jget out "len(r[\"choices\"])" | sort | tr "\n" " ")" "0 0 1 1 "
'

test_expect_success 'reasoning_content, finish_reason length and keep-alive lines' '
	ctl '\''{"faults":"reasoning,length,keepalive"}'\'' &&
	{ prompt 1 a; prompt 2 b; prompt 3 c; } > in &&
	cs-llm -j 1 in > out &&
	test_eq "$(jget out "(r[\"id\"], r[\"choices\"][0][\"reasoning\"], r[\"choices\"][0][\"truncated\"], r[\"attempts\"])" | sort)" \
"(1, '\''thinking about sample 0'\'', False, 1)
(2, None, True, 1)
(3, None, False, 1)" &&
	test_eq "$(jget out "r[\"choices\"][0][\"finish_reason\"]" | sed -n 2p)" length
'

test_expect_success '429 with Retry-After (seconds) is honoured' '
	ctl '\''{"faults":"429","retry_after":"1"}'\'' &&
	prompt 1 "rate" > in &&
	cs-llm in > out &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"http_status\"], r[\"elapsed\"] >= 1.0)")" "(2, 200, True)" &&
	test_eq "$(posts)" 2
'

test_expect_success '429 with Retry-After as an HTTP-date is honoured' '
	ctl '\''{"faults":"429date","retry_after":"1"}'\'' &&
	prompt 1 "rate" > in &&
	cs-llm in > out &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"elapsed\"] >= 1.0)")" "(2, True)"
'

test_expect_success 'Retry-After is clamped to CS_LLM_BACKOFF_MAX' '
	ctl '\''{"faults":"429","retry_after":"3600"}'\'' &&
	prompt 1 "rate" > in &&
	CS_LLM_BACKOFF_MAX=0.3 cs-llm in > out &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"elapsed\"] >= 0.3, r[\"elapsed\"] < 60)")" "(2, True, True)"
'

test_expect_success '500 and 503 are retried, then the answer comes' '
	ctl '\''{"faults":"500,503"}'\'' &&
	prompt 1 "x" > in &&
	cs-llm in > out 2> err &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"http_status\"], len(r[\"choices\"]))")" "(3, 200, 1)" &&
	test_eq "$(posts)" 3
'

test_expect_success 'truncated, non-JSON and missing answers are retried' '
	ctl '\''{"faults":"truncated,nonjson,close"}'\'' &&
	prompt 1 "x" > in &&
	CS_VERBOSE=1 cs-llm in > out 2> err &&
	test_eq "$(jget out "(r[\"http_status\"], len(r[\"choices\"]), r[\"error\"])")" "(200, 1, None)" &&
	test_grep "transfer closed with .* bytes remaining" err &&
	test_grep "answer is not JSON" err &&
	test_eq "$(posts)" 4
'

test_expect_success 'a stall hits the deadline; after CS_LLM_RETRIES the record fails by name' '
	ctl '\''{"faults":"stall,stall,stall","stall":1.5}'\'' &&
	prompt 42 "slow" > in &&
	test_exit 1 env CS_LLM_TIMEOUT=1 CS_LLM_RETRIES=1 cs-llm in > out 2> err &&
	test_grep "^cs-llm: in:1: id 42: prover endpoint http://127.0.0.1:[0-9]*/v1: .*[Tt]ime[d ]*out.*gave up after 2 attempts" err &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"elapsed\"] >= 2, r[\"elapsed\"] < 30, r[\"choices\"])")" "(2, True, True, [])" &&
	test_eq "$(posts)" 2
'

test_expect_success '400 is never retried; both error shapes are reported' '
	ctl '\''{"faults":"400,400flat"}'\'' &&
	{ prompt 1 "x"; prompt 2 "y"; } > in &&
	test_exit 1 cs-llm -j 1 in > out 2> err &&
	test_eq "$(posts)" 2 &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"http_status\"])" | sort -u)" "(1, 400)" &&
	test_grep "in:1: id 1: .*HTTP 400: Invalid request: the double refuses this one" err &&
	test_grep "in:2: id 2: .*HTTP 400: This model.s maximum context length is 4096 tokens." err
'

test_expect_success '402 stops the run with exit 5; nothing more is sent' '
	ctl '\''{"faults":"402"}'\'' &&
	for i in 1 2 3 4 5 6; do prompt $i "p$i"; done > in &&
	test_exit 5 cs-llm -j 1 in > out 2> err &&
	test_eq "$(posts)" 1 &&
	test_grep "id 1: .*HTTP 402: Insufficient Balance" err &&
	test_eq "$(jget out "r[\"id\"]" | sort -n | tr "\n" " ")" "1 2 " &&
	test_grep "id 2: .*not sent" err
'

port_gone=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
test_expect_success 'connection refused is retried, then fails with the cause' '
	prompt 9 "x" > in &&
	test_exit 1 env CS_PROVER_URL=http://127.0.0.1:$port_gone/v1 CS_LLM_RETRIES=2 cs-llm in > out 2> err &&
	test_grep "in:1: id 9: prover endpoint http://127.0.0.1:$port_gone/v1: .*onnect.*gave up after 3 attempts" err &&
	test_eq "$(jget out "(r[\"attempts\"], r[\"http_status\"])")" "(3, 0)"
'

test_expect_success 'a planted API key never appears in output, errors or the log' '
	ctl '\''{"faults":"401echo,500,400"}'\'' &&
	KEY=sk-planted-7f3a9c1e5b &&
	{ prompt 1 "a"; prompt 2 "b"; prompt 3 "c"; } > in &&
	CS_PROVER_API_KEY=$KEY CS_VERBOSE=1 cs-llm -j 1 in > out 2> err;
	test_eq $? 1 &&
	test_eq "$(jget dlog "r[\"auth\"]" | sort -u)" yes &&
	test_grep "Incorrect API key provided: \[key\]" err &&
	for f in out err dlog double.out double.err; do
		! grep -F -e "$KEY" -e "planted-7f3a" $f || { echo "key in $f"; exit 1; }
	done &&
	DEEPSEEK_API_KEY=$KEY CS_DECOMPOSER_URL=$CS_PROVER_URL cs-llm --role decomposer in > out2 2> err2 &&
	test_eq "$(jget dlog "(r[\"auth\"], r[\"model\"])" | tail -n 1)" "('\''yes'\'', '\''deepseek-chat'\'')" &&
	! grep -F "$KEY" out2 err2 dlog
'

test_expect_success 'concurrency is bounded by CS_JOBS and reaches it' '
	ctl '\''{"faults":"","latency":0.2,"reset":true}'\'' &&
	for i in $(seq 1 12); do prompt $i "c$i"; done > in &&
	CS_JOBS=4 cs-llm in > out &&
	test_eq "$(wc -l < out)" 12 &&
	stats > st &&
	test_eq "$(jget st "r[\"max_concurrent\"]")" 4 &&
	for i in $(seq 1 16); do prompt $i "d$i"; done > in &&
	cs-llm -j 8 in > out &&
	test_eq "$(wc -l < out)" 16 &&
	test_eq "$(jget dlog "r[\"concurrent\"]" | sort -n | tail -n 1)" 8
'

test_expect_success 'a random mix of faults: every record still answered' '
	ctl '\''{"faults":"","latency":0,"fault_rate":0.3,"seed":3,"fault_kinds":"429,500,503,truncated,nonjson,close,keepalive","retry_after":"0"}'\'' &&
	for i in $(seq 1 40); do prompt $i "r$i" "\"n\":2"; done > in &&
	CS_LLM_BACKOFF=0.01 CS_LLM_RETRIES=10 CS_JOBS=8 cs-llm in > out 2> err &&
	test_eq "$(wc -l < out)" 40 &&
	test_eq "$(jget out "len(r[\"choices\"])" | sort -u)" 2 &&
	test_eq "$(jget out "r[\"id\"]" | sort -n | tr "\n" " ")" "$(seq 1 40 | tr "\n" " ")" &&
	test "$(posts)" -gt 40 &&
	stats > st && test "$(jget st "sum(v for k, v in r[\"faults\"].items() if k != \"ok\")")" -gt 0
'

stop_double
test_expect_success 'no double outlives the test' '
	test_gone "$TAG"
'

test_done
