#!/bin/sh
# bench/run.sh: run the bench/bench-*.sh pieces, print one table and write it to
# bench/RESULTS.md with the machine it ran on. Each piece prints table rows
# "| what | measured | limit | ratio to limit |" on stdout (details on stderr).
cd "$(dirname "$0")/.." || exit 4
out=bench/RESULTS.md.tmp
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
	echo "# coldstart benchmarks"
	echo
	echo "\`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')."
	echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, $(uname -srm), $(cc --version | head -n1)."
	echo
	echo "| what | measured | limit | ratio to limit |"
	echo "|---|---|---|---|"
} > "$out"
# The doubles are Python: call the interpreter itself, not a version manager's shim
# (pyenv's costs 0.25 s a start, which a REPL double's restarts would add to our figures).
py=$(python3 -S -c 'import sys; print(sys.executable)' 2>/dev/null)
pydir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-python.XXXXXX") || exit 4
trap 'rm -rf "$pydir"' EXIT
[ -x "$py" ] && ln -s "$py" "$pydir/python3" && PATH=$pydir:$PATH
rc=0
t0=$(date +%s)
# the rows in a fixed order, then any other piece
for b in bench/bench-ingest.sh bench/bench-lean-text.sh bench/bench-llm.sh bench/bench-lean-pool.sh \
	bench/bench-pipeline.sh bench/bench-lean-faults.sh bench/bench-*.sh; do
	[ -f "$b" ] || continue
	case " $done " in *" $b "*) continue ;; esac
	done="$done $b"
	echo "bench: $b" >&2
	sh "$b" >> "$out" || { echo "bench: $b failed" >&2; rc=1; }
done
cat bench/how-to-read.md >> "$out" 2>/dev/null
echo >> "$out"
echo "Total bench time: $(( $(date +%s) - t0 )) s." >> "$out"
mv "$out" bench/RESULTS.md
cat bench/RESULTS.md
exit $rc
