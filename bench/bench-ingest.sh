#!/bin/sh
# bench-ingest.sh: cs-ingest of data/minif2f.jsonl (488 problems) into a new corpus,
# and of a synthetic N-problem file (miniF2F problems renamed NAME_k, the theorem
# renamed in formal_statement too, so every statement is distinct); peak RSS
# (/usr/bin/time -v) of cs-ingest and of `cs-export -f unsolved` at 1 000, 10 000
# and 100 000 problems: streaming keeps it flat. Table rows on stdout.
cd "$(dirname "$0")/.." || exit 4
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-ingest: $TIME missing (apt-get install time)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-ingest.XXXXXX")
trap 'rm -rf "$dir"' EXIT
now() { date +%s.%N; }
# rss_of FILE: maximum resident set size (KiB) from /usr/bin/time -v output.
rss_of() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
synth() {
	python3 -S -c 'import json, sys
n = int(sys.argv[1])
src = [json.loads(l) for l in open("data/minif2f.jsonl")]
out = sys.stdout
for k in range(n):
    r = dict(src[k % len(src)])
    old, new = r["name"], "%s_%d" % (r["name"], k)
    r["name"] = new
    r["formal_statement"] = r["formal_statement"].replace("theorem " + old, "theorem " + new, 1)
    out.write(json.dumps(r, ensure_ascii=False) + "\n")' "$1"
}
rc=0

np=$(wc -l < data/minif2f.jsonl)
t0=$(now)
CS_DB=$dir/m.db bin/cs-ingest -q data/minif2f.jsonl || rc=1
t1=$(now)
got=$(sqlite3 "$dir/m.db" 'SELECT count(*) FROM problems')
awk -v t0="$t0" -v t1="$t1" -v n="$np" -v got="$got" 'BEGIN {
	s = t1 - t0
	printf "| ingest data/minif2f.jsonl (%d problems, %d stored) into a new corpus | %.3f s, %.0f problems/s | 1 s (\"well under a second\") | %.2f of the limit |\n", n, got, s, n / s, s }'

for n in 1000 10000 100000; do
	synth $n > "$dir/p$n.jsonl"
	t0=$(now)
	CS_DB=$dir/s$n.db $TIME -v -o "$dir/ti$n" bin/cs-ingest -q "$dir/p$n.jsonl" || rc=1
	t1=$(now)
	CS_DB=$dir/s$n.db $TIME -v -o "$dir/te$n" bin/cs-export -f unsolved > "$dir/e$n.jsonl" || rc=1
	got=$(sqlite3 "$dir/s$n.db" 'SELECT count(*) FROM problems')
	exp=$(wc -l < "$dir/e$n.jsonl")
	echo "ingest n=$n stored=$got exported=$exp seconds=$(echo "$t1 - $t0" | bc) ingest_rss_kb=$(rss_of "$dir/ti$n") export_rss_kb=$(rss_of "$dir/te$n") export_s=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$dir/te$n")" >&2
	[ "$got" = "$n" ] && [ "$exp" = "$n" ] || { echo "bench-ingest: $n problems: $got stored, $exp exported" >&2; rc=1; }
	eval "ti_$n=\$(rss_of \"\$dir/ti\$n\") te_$n=\$(rss_of \"\$dir/te\$n\") secs_$n=\$(echo \"\$t1 - \$t0\" | bc)"
	rm -f "$dir/p$n.jsonl" "$dir/e$n.jsonl" "$dir/s$n.db"
done
awk -v a="$secs_1000" -v b="$secs_10000" -v s="$secs_100000" 'BEGIN { printf "| ingest 100 000 synthetic problems (distinct statements) into a new corpus (1 000: %.0f/s, 10 000: %.0f/s) | %.1f s, %.0f problems/s | — | — |\n", 1000 / a, 10000 / b, s, 100000 / s }'
awk -v a="$ti_1000" -v b="$ti_10000" -v c="$ti_100000" 'BEGIN {
	printf "| peak RSS of cs-ingest at 1 000 / 10 000 / 100 000 problems | %.1f / %.1f / %.1f MiB | flat (streaming) | %.2f (100 000 vs 1 000) |\n", a / 1024, b / 1024, c / 1024, c / a }'
awk -v a="$te_1000" -v b="$te_10000" -v c="$te_100000" 'BEGIN {
	printf "| peak RSS of cs-export -f unsolved at 1 000 / 10 000 / 100 000 problems | %.1f / %.1f / %.1f MiB | flat (streaming) | %.2f (100 000 vs 1 000) |\n", a / 1024, b / 1024, c / 1024, c / a }'
exit $rc
