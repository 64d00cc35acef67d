#!/bin/sh
# The tool explains itself: --version everywhere, a man page per program, every
# setting documented, README's one-liners working on the demo's corpus, and the
# scheduling examples sharing one environment file.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0750-$$
. "$TEST_DIR/llm-double.sh" # jget
README=$SRC_DIR/README.md
progs="cs-ingest cs-list cs-pending cs-prove cs-decompose cs-recombine cs-store cs-verify cs-llm cs-export cs-stats cs-doctor cs-show cs-retry"

test_expect_success '--version: "PROG (coldstart) VERSION" from every program, one version' '
	v=$(coldstart --version | sed -n "s/^coldstart (coldstart) \([^ ][^ ]*\)$/\1/p") &&
	test -n "$v" &&
	for p in $progs; do
		test_eq "$($p --version)" "$p (coldstart) $v" || exit 1
	done &&
	case $v in @*) echo "not built by make: $v"; exit 1 ;; esac
'

test_expect_success 'a run records the version and every setting in effect, no key, nothing internal' '
	export CS_DB=$TRASH/v.db &&
	CS_SAMPLES=3 CS_PROVER_API_KEY=sk-planted-0750 cs-store -S > id &&
	test_eq "$(sql "SELECT version FROM runs WHERE id = $(cat id)")" "$(cs-store --version | sed "s/.* //")" &&
	sql "SELECT config FROM runs" > config &&
	test_eq "$(jget config "r[\"CS_SAMPLES\"], r[\"CS_MAX_DEPTH\"], r[\"CS_EXTRACT\"], r[\"CS_PROVER_API_KEY\"]")" \
		"(3, 3, '\''auto'\'', '\''(set)'\'')" &&
	test_no_grep "sk-planted-0750" config && test_no_grep "CS_RUN_ID\|CS_DRIVER_PID" config &&
	cs-store -S "{\"given\": 1}" > id2 &&
	test_eq "$(sql "SELECT config FROM runs WHERE id = $(cat id2)")" "{\"given\": 1}" &&
	test_exit 2 cs-store -S "not json" 2> err && test_grep "not a JSON object" err
'

test_expect_success 'a man page per program, made from its --help' '
	for p in $progs coldstart; do
		m=$SRC_DIR/build/man/$p.1
		test -s "$m" || { echo "no $m"; exit 1; }
		grep -q "^\.TH $(echo $p | tr a-z A-Z) 1 " "$m" || { echo "$m: no .TH"; exit 1; }
		grep -q "^\.SH SYNOPSIS" "$m" && grep -q "^\.SH EXIT STATUS" "$m" || { echo "$m: sections"; exit 1; }
	done &&
	grep -q "CS\\\\-SAMPLES\|CS_SAMPLES" "$SRC_DIR/build/man/coldstart.1" &&
	grep -q "dry\\\\-run" "$SRC_DIR/build/man/cs-retry.1" &&
	if command -v groff >/dev/null && command -v col >/dev/null; then
		for p in $progs coldstart; do
			groff -man -Tutf8 -ww -z "$SRC_DIR/build/man/$p.1" 2> warn
			test ! -s warn || { echo "$p.1:"; cat warn; exit 1; }
		done
		groff -man -Tutf8 "$SRC_DIR/build/man/cs-show.1" 2>/dev/null | col -b > page &&
		test_grep "cs-show \[-v | --json\] NAME|ID" page &&
		test_grep "everything in full" page
	fi
'

test_expect_success 'README: read in one sitting (at most 16 KiB), every page it links to exists' '
	test "$(wc -c < "$README")" -le 16384 &&
	grep -o "](doc/[^)#]*" "$README" | sed "s/^](//" | sort -u > links &&
	test "$(wc -l < links)" -ge 6 &&
	while read -r f; do test -f "$SRC_DIR/$f" || { echo "README links to missing $f"; exit 1; }; done < links &&
	for f in "$SRC_DIR"/doc/*.md; do grep -q "](doc/$(basename "$f")" "$README" || { echo "README does not link $f"; exit 1; }; done
'

test_expect_success 'every setting is in the documentation (doc/)' '
	cs-doctor -l | sed -n "s/^\([A-Z][A-Z0-9_]*\)=.*/\1/p" > names &&
	test "$(wc -l < names)" -gt 40 &&
	for n in $(cat names); do cat "$SRC_DIR"/doc/*.md | grep -q "\`$n\`" || { echo "doc/ lacks $n"; exit 1; }; done
'

# The inspection one-liners: the first indented block after the heading (doc/corpus.md).
oneliners() {
	sed -n "/^## Inspecting the corpus/,/^## /p" "$SRC_DIR/doc/corpus.md" |
		awk "/^    / { inblock = 1; print; next } inblock { exit }" | sed "s/^    //"
}

test_expect_success 'README: the first commands, the one-liners and those the demo prints work on its corpus' '
	coldstart demo > demo.out 2> demo.err &&
	test -f coldstart-demo/demo.db &&
	sed -n "s#^    \(CS_DB=coldstart-demo/demo.db \)bin/\(coldstart .*\)#\1\2#p" "$README" > first &&
	test "$(wc -l < first)" -ge 2 &&
	{ echo "set -e"; cat first; } > first.sh && sh first.sh > got 2> err && test ! -s err &&
	test_grep "^Problems by depth and status:" got && test_grep "^mathd_algebra_37 #[0-9]*: proved" got &&
	oneliners | sed "s#^bin/coldstart#coldstart#" > lines && test "$(wc -l < lines)" -ge 6 &&
	test_grep "^export CS_DB=coldstart-demo/demo.db$" lines &&
	{ echo "set -e"; cat lines; } > lines.sh && sh lines.sh > got 2> err && test ! -s err &&
	grep "^sqlite3" lines | grep -v "status = '\''failed'\''" > headed &&
	while read -r cmd; do
		CS_DB=coldstart-demo/demo.db sh -c "$cmd" > got &&
		sed -n 2p got | grep -q "^--" || { echo "no header: $cmd"; cat got; exit 1; }
	done < headed &&
	sed -n "s/^  \(CS_DB=.*\|sqlite3 .*\)$/\1/p" demo.err > printed &&
	test "$(wc -l < printed)" -ge 4 &&
	test_grep "^CS_DB=$TRASH/coldstart-demo/demo.db coldstart status$" printed &&
	test_grep "sqlite3 -readonly -header -column .* WHERE status = '\''failed'\''" printed &&
	test_grep "^CS_DB=$TRASH/coldstart-demo/demo.db coldstart export --include-unverified --include-benchmarks --name mathd_algebra_37$" printed &&
	{ echo "set -e"; cat printed; } > printed.sh && sh printed.sh > got 2> err &&
	grep -v "^cs-export: [0-9]* rows* written (-f sft); problems matching" err > err.other;
	test ! -s err.other || { cat err.other; exit 1; } &&
	test_grep "^cs-export: 1 row written (-f sft); problems matching .mathd_algebra_37.$" err &&
	test_grep "\"name\":\"mathd_algebra_37\"" got &&
	test ! -e coldstart.db
'

test_expect_success 'demo --help: its usage, exit 0, nothing run' '
	mkdir h && cd h &&
	coldstart demo --help > out 2> err && test_grep "^usage: coldstart demo \[DIR\]" out && test ! -s err &&
	coldstart demo -h > out && test_grep "^usage: coldstart demo" out &&
	test_exit 2 coldstart demo --bogus 2> err && test_grep "^usage: coldstart demo" err &&
	test_eq "$(ls)" "err
out"
'

test_expect_success 'the scheduling examples share one env file of plain KEY=VALUE lines' '
	env=$SRC_DIR/scripts/coldstart.env &&
	grep -v "^#" "$env" | grep -v "^$" > lines &&
	grep -v -E "^[A-Z_][A-Z0-9_]*=(\"[^\"\$\`\\\\]*\"|[^\"'\''\$\` \\\\]*)$" lines > bad;
	test ! -s bad || { echo "not plain KEY=VALUE:"; cat bad; exit 1; } &&
	test_no_grep "^export" "$env" &&
	sh -c "set -a; . \"$env\"; set +a; exec env" > exported &&
	test_grep "^CS_LEAN_REPL=/var/lib/coldstart/.elan/bin/lake env .lake/packages/REPL/.lake/build/bin/repl$" exported &&
	test_grep "^CS_DB=/var/lib/coldstart/coldstart.db$" exported &&
	sh -c "set -a; . \"$env\"; set +a; exec cs-doctor --settings-only" > out 2> err;
	test ! -s out && test_no_grep "unknown setting\|: not " err &&
	test_grep "set -a && \. /etc/coldstart/coldstart.env && set +a && for try in .* /usr/local/bin/coldstart run" "$SRC_DIR/scripts/coldstart.cron" &&
	test_grep "^EnvironmentFile=/etc/coldstart/coldstart.env$" "$SRC_DIR/scripts/coldstart.service"
'

test_expect_success 'make install ships man pages, docs and examples; systemd accepts the units' '
	make -s -C "$SRC_DIR" install DESTDIR="$TRASH/inst" PREFIX=/usr/local > make.out 2>&1 &&
	i=$TRASH/inst/usr/local &&
	for p in $progs coldstart; do test -f "$i/share/man/man1/$p.1" || { echo "no man page $p"; exit 1; }; done &&
	test -f "$i/share/doc/coldstart/README.md" && test -f "$i/share/doc/coldstart/SANDBOX.md" &&
	test -f "$i/share/doc/coldstart/doc/trust.md" && test -f "$i/share/doc/coldstart/doc/operations.md" &&
	for f in coldstart.env coldstart.cron coldstart.service coldstart.timer coldstart.logrotate coldstart-notify@.service; do
		cmp "$SRC_DIR/scripts/$f" "$i/share/doc/coldstart/examples/$f" || exit 1
	done &&
	if command -v systemd-analyze >/dev/null; then
		# The units as installed, their ExecStart pointed at this installation.
		mkdir units &&
		sed "s#/usr/local/bin/coldstart#$i/bin/coldstart#" "$i/share/doc/coldstart/examples/coldstart.service" \
			> units/coldstart.service &&
		cp "$i/share/doc/coldstart/examples/coldstart.timer" "$i/share/doc/coldstart/examples/coldstart-notify@.service" units/ &&
		(cd units && systemd-analyze verify --man=no ./coldstart.service ./coldstart.timer ./coldstart-notify@.service) > verify 2>&1 &&
		test ! -s verify || { cat verify; exit 1; }
	fi
'

test_done
