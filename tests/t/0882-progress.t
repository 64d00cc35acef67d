#!/bin/sh
# Runs that report themselves: off a terminal (cron, systemd, nohup) a progress line
# every CS_PROGRESS_EVERY seconds (done and pending, rows, rate, ETA, spend); on a
# terminal the live line with totals and an ETA, which no message shares a line with.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0882-$$
. "$TEST_DIR/pipeline.sh"
start_double --oracle "$FIXTURES/dsp2"

# CS_PROGRESS_EVERY=0.001: a line at every turn of the scheduler (50 ms at most), so
# a run of a few seconds logs many without depending on the clock.
test_expect_success 'off a terminal: progress lines with totals, rows, rate, ETA and tokens' '
	CS_PROGRESS_EVERY=0.001 coldstart run -q "$DEMO" 2> err < /dev/null &&
	grep "^cs-run: progress after " err > lines &&
	test "$(wc -l < lines)" -ge 2 &&
	head -n 1 lines > first &&
	test_grep "^cs-run: progress after [0-9]*s: 5 problems: 0 proved, 0 failed, 5 pending; corpus 0 rows (+0); ETA unknown (nothing settled yet); in flight: prove [0-9]*, decompose [0-9]*, recombine [0-9]*; tokens [0-9]*$" first &&
	tail -n 1 lines > last &&
	test_grep "^cs-run: progress after [0-9hms]*: 5 problems: 5 proved, 0 failed, 0 pending; corpus 5 rows (+5); [0-9.]* problems/h; ETA 0s; in flight: prove 0, decompose 0, recombine 0; tokens [0-9]*$" last &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5
'

test_expect_success 'CS_PROGRESS_EVERY=0: none; the default (600 s): none in a short run' '
	rm -f "$CS_DB"* &&
	CS_PROGRESS_EVERY=0 coldstart run -q "$DEMO" 2> err < /dev/null &&
	test_no_grep "progress" err &&
	rm -f "$CS_DB"* &&
	coldstart run -q "$DEMO" 2> err < /dev/null &&
	test_no_grep "progress" err &&
	test_exit 3 env CS_PROGRESS_EVERY=-1 coldstart run "$DEMO" 2> err &&
	test_grep "CS_PROGRESS_EVERY=-1" err
'

# On a terminal (script(1) gives the run a pty): the live line, one row of the
# terminal, erased before each message (CS_VERBOSE=1: many during the run) and
# drawn again after it, so a message always starts its own line.
if command -v script >/dev/null; then
	test_expect_success 'on a terminal: the live line with totals and ETA; messages never share its line' '
		rm -f "$CS_DB"* &&
		CS_VERBOSE=1 CS_QUIET= script -qec "stty cols 100; coldstart run \"$DEMO\"" /dev/null > tty < /dev/null;
		test_grep "[0-9]/5 done ([0-9] failed), corpus [0-9] (+[0-9]), .*ETA [0-9hms?]*  [0-9hms]*  | prove" tty &&
		python3 -S - tty <<-\EOT
		import sys
		text = open(sys.argv[1], encoding="utf-8", newline="").read()
		messages = lives = 0
		for line in text.replace("\r\n", "\n").split("\n"):
		    # each drawing of the live line starts with an erase; what is left of the
		    # line after the last one is what the terminal shows
		    parts = line.split("\r\x1b[K")
		    for p in parts[1:-1]: # drawings erased later (the last: the final line, kept)
		        lives += " done (" in p
		        if len(p) > 99:
		            sys.exit("a live line wider than the terminal: %r" % p)
		    shown = parts[-1]
		    for prog in ("cs-run: ", "coldstart: ", "cs-ingest: "):
		        at = shown.find(prog)
		        if at > 0:
		            sys.exit("a message shares a line: %r" % shown)
		        messages += at == 0
		print("messages on their own line:", messages, "live lines:", lives)
		if messages < 1 or lives < 1:
		    sys.exit("too few messages or live lines to tell")
		EOT
	'
else
	test_skip 'on a terminal: no script(1) here'
fi

test_done
