#!/bin/sh
# Every seed and every saved regression input of each fuzz target (tests/fuzz/)
# goes once through the target's entry point, built with the normal compiler under
# ASan+UBSan with leak detection and without libFuzzer (build/san/fuzz/replay-*).
. "$(dirname "$0")/lib.sh"

REPLAY=$SRC_DIR/build/san/fuzz
targets=$(cd "$SRC_DIR/tests/fuzz" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')

missing=
for t in $targets; do
	[ -x "$REPLAY/replay-$t" ] || missing=1
done
if [ -n "$missing" ]; then
	test_expect_success 'build the replay binaries' '
		make -s -C "$SRC_DIR" fuzz-replay >build.log 2>&1 || { cat build.log; false; }
	'
fi

for t in $targets; do
	test_expect_success "replay seeds and regressions of fuzz-$t" '
		dirs= &&
		for d in seeds regress; do
			[ ! -d "$SRC_DIR/tests/fuzz/$d/$t" ] || dirs="$dirs tests/fuzz/$d/$t"
		done &&
		test -n "$dirs" &&
		want=$(cd "$SRC_DIR" && find $dirs -type f ! -name ".*" | wc -l) &&
		test "$want" -gt 0 &&
		(cd "$SRC_DIR" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			"$REPLAY/replay-$t" $dirs) >out 2>err || { tail -n 20 err; false; } &&
		test_grep "replay-$t: $want inputs replayed" out
	'
done

test_expect_success 'a replay of an input that cannot be read fails' '
	t=$(echo $targets | cut -d" " -f1) &&
	test_exit 4 "$REPLAY/replay-$t" "$TRASH/no-such-input" 2>err &&
	test_grep "no-such-input" err
'

test_done
