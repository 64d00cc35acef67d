#!/bin/sh
# The configuration reference (doc/configuration.md) and the ENVIRONMENT of
# coldstart(1) are generated from lib/conf.c's table (cs-doctor --list --format
# markdown|man): the committed copy is the generated one, and both name every
# setting cs-doctor -l lists, with its default.
. "$(dirname "$0")/lib.sh"

DOC=$SRC_DIR/doc/configuration.md
MAN=$SRC_DIR/build/man/coldstart.1

test_expect_success 'the committed doc/configuration.md is the generated one' '
	cs-doctor --list --format markdown > generated &&
	test_cmp "$DOC" generated ||
	{ echo "doc/configuration.md is stale: make regenerates it (then commit it)"; exit 1; }
'

test_expect_success 'every setting of cs-doctor -l, with its default, in the reference and the man page' '
	cs-doctor -l | sed -n "s/^\([A-Z][A-Z0-9_]*\)=\([^ ]*\) (.*/\1 \2/p" > settings &&
	test "$(wc -l < settings)" -gt 40 &&
	while read -r name def; do
		grep -q "^| \`$name\` |" "$DOC" || { echo "doc/configuration.md lacks $name"; exit 1; }
		m=$(printf "%s" "$name" | sed "s/-/\\\\\\\\-/g")
		grep -q "^\.B $m$" "$MAN" || { echo "coldstart.1 lacks $name"; exit 1; }
		case $def in
		"") ;;
		\$*) grep -q "^| \`$name\` | .* | as \`${def#\$}\` |" "$DOC" || { echo "$name: default $def"; exit 1; } ;;
		*) grep -q -F "| \`$name\` |" "$DOC" && grep -F "| \`$name\` |" "$DOC" | grep -q -F "| \`$def\` |" ||
			{ echo "$name: default $def not in the reference"; exit 1; } ;;
		esac
	done < settings
'

test_expect_success 'the markdown table is well formed: four cells a row, no internal setting' '
	sed -n "/^| \`/p" "$DOC" > rows &&
	test "$(wc -l < rows)" -eq "$(cs-doctor -l | grep -c "^[A-Z]")" &&
	sed "s/\\\\|//g" rows | awk -F"|" "NF != 6 { print; bad = 1 } END { exit bad }" &&
	test_no_grep "CS_RUN_ID\|CS_LOCK_FD\|CS_DRIVER_PID" "$DOC"
'

test_expect_success 'the man format is roff groff reads without a warning' '
	if command -v groff >/dev/null; then
		{ printf ".TH X 1\n.SH ENVIRONMENT\n"; cs-doctor -l -f man; } > env.1 &&
		groff -man -Tutf8 -ww -z env.1 2> warn && test ! -s warn || { cat warn; exit 1; }
	fi &&
	test_exit 2 cs-doctor -l -f pdf 2> err && test_grep "unknown format .pdf." err
'

test_done
