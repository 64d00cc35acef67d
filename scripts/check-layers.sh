#!/bin/sh
# check-layers.sh OBJECT...: the layers point down only, and no files call each other
# in a circle. By the subsystem prefix every name carries, no object has an undefined
# symbol of a layer above or beside it: lib/ uses none of db_, llm_, lean_,
# pipe_/stage_/sched_ (the runtime); llm/, lean_text/ and db/ use lib/ only; lean_io/
# uses lib/ and lean_text/; run/ uses all of them. lean_text/ and lean_io/ share the
# prefix lean_, so a lean_text/ object also must not use a symbol that a lean_io/
# object given here defines. Then the calls between the objects given (an object
# using a symbol another defines) must have an order: tsort finds any circle, and each
# file of it is named. (The include path of each layer, set in the Makefile, already
# keeps their headers out.) Prints each offence; exits 1 if any.
above_lib='db_|llm_|lean_|pipe_|stage_|sched_'
bad=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/io_defs"
for o in "$@"; do
	nm --defined-only "$o" | awk -v o="$o" 'NF == 3 && $2 ~ /[TDBR]/ { print $3, o }' >> "$tmp/defs"
	case $o in */lean_io/*) nm --defined-only "$o" | awk 'NF == 3 { print $3 }' >> "$tmp/io_defs" ;; esac
done
sort -u "$tmp/io_defs" -o "$tmp/io_defs"
sort -k1,1 "$tmp/defs" -o "$tmp/defs"
for o in "$@"; do
	case $o in
	*/lib/*) pat=$above_lib ;;
	*/db/*) pat='llm_|lean_|pipe_|stage_|sched_' ;;
	*/llm/*) pat='db_|lean_|pipe_|stage_|sched_' ;;
	*/lean_text/*|*/lean_io/*) pat='db_|llm_|pipe_|stage_|sched_' ;;
	*) pat= ;;
	esac
	nm -u "$o" | awk '{ print $NF }' | sort -u > "$tmp/undef"
	if [ -n "$pat" ]; then
		for sym in $(grep -E "^($pat)" "$tmp/undef"); do
			echo "check-layers: $o uses $sym, of a layer above or beside its own"
			bad=1
		done
	fi
	case $o in
	*/lean_text/*)
		for sym in $(comm -12 "$tmp/undef" "$tmp/io_defs"); do
			echo "check-layers: $o uses $sym, of lean_io/ (Lean processes), above lean_text/"
			bad=1
		done ;;
	esac
	# The calls of this object to the others: "user definer" pairs for tsort.
	join "$tmp/undef" "$tmp/defs" | awk -v o="$o" '$2 != o { print o, $2 }' >> "$tmp/edges"
done
sort -u "$tmp/edges" -o "$tmp/edges" 2>/dev/null || : > "$tmp/edges"
if ! tsort "$tmp/edges" > /dev/null 2> "$tmp/loops"; then
	files=$(grep -v 'input contains a loop' "$tmp/loops" | sed 's/^tsort: //' | sort -u | tr '\n' ' ')
	echo "check-layers: files that call each other in a circle: $files"
	bad=1
fi
[ $bad = 0 ] && echo "check-layers: $# objects, every layer points down, no circle of files"
exit $bad
