#!/bin/sh
# bench/run.sh: run every bench/bench-*.sh, print one table and write it to
# bench/RESULTS.md with the machine it ran on. Each piece prints table rows
# "| what | measured | limit | ratio |".
cd "$(dirname "$0")/.." || exit 4
out=bench/RESULTS.md.tmp
{
	echo "# coldstart benchmarks"
	echo
	echo "Run: \`make bench\` on $(date -u +%Y-%m-%d), $(uname -srm), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(cc --version | head -n1)."
	echo
	echo "| what | measured | limit | ratio to limit |"
	echo "|---|---|---|---|"
} > "$out"
rc=0
for b in bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "bench: $b" >&2
	sh "$b" >> "$out" || { echo "bench: $b failed" >&2; rc=1; }
done
mv "$out" bench/RESULTS.md
cat bench/RESULTS.md
exit $rc
