#!/bin/sh
# check-layers.sh OBJECT...: the layers point down only. No object of a layer has an
# undefined symbol of a layer above or beside it (by the subsystem prefix every name
# carries): lib/ uses none of db_, llm_, lean_, pipe_/stage_/sched_ (the runtime);
# llm/, lean_io/ and db/ use lib/ only; run/ uses all four. (The include path of
# each layer, set in the Makefile, already keeps their headers out.) Prints each
# offence; exits 1 if any.
above_lib='db_|llm_|lean_|pipe_|stage_|sched_'
bad=0
for o in "$@"; do
	case $o in
	*/lib/*) pat=$above_lib ;;
	*/db/*) pat='llm_|lean_|pipe_|stage_|sched_' ;;
	*/llm/*) pat='db_|lean_|pipe_|stage_|sched_' ;;
	*/lean_io/*) pat='db_|llm_|pipe_|stage_|sched_' ;;
	*) continue ;;
	esac
	for sym in $(nm -u "$o" | awk '{print $NF}' | grep -E "^($pat)"); do
		echo "check-layers: $o uses $sym, of a layer above or beside its own"
		bad=1
	done
done
[ $bad = 0 ] && echo "check-layers: $# objects, every layer points down"
exit $bad
