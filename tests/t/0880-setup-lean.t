#!/bin/sh
# coldstart setup-lean: the Lean project a real run needs, with stand-ins of elan,
# lake, lean, git, curl and wget on PATH that log their arguments (no network, no
# Lean here): the files it writes, the tools it runs and in what order, a second run
# that changes nothing, a failed download that names what could not be fetched and a
# run after it that resumes, elan installed when missing, the coldstart.env lines.
. "$(dirname "$0")/lib.sh"

# Stand-ins: each logs "NAME ARGS" to $TOOLS_LOG and succeeds, unless $FAIL_ON (a
# pattern) matches "NAME ARGS": then it says it could not connect and exits 1.
mkdir fake home
for t in elan lake lean git curl wget; do
	cat > fake/$t <<-\EOT
	#!/bin/sh
	me=$(basename "$0")
	echo "$me $*" >> "$TOOLS_LOG"
	case "$me $*" in $FAIL_ON) echo "$me: could not resolve host (stand-in offline)" >&2; exit 1 ;; esac
	case "$me $*" in
	"lake update") echo '{"version": 7, "packages": []}' > lake-manifest.json ;;
	"lake build repl") mkdir -p .lake/packages/REPL/.lake/build/bin &&
		printf '#!/bin/sh\necho stand-in repl\n' > .lake/packages/REPL/.lake/build/bin/repl &&
		chmod +x .lake/packages/REPL/.lake/build/bin/repl ;;
	"lake env lean --version") echo "Lean (version 4.9.0-rc2, x86_64-unknown-linux-gnu, commit stand-in, Release)" ;;
	"lake env "*) shift; exec "$@" ;;
	curl\ *-o*|wget\ *-O*) # the elan installer: puts the elan stand-in in $HOME/.elan/bin
		out=$(echo "$*" | sed 's/.*-[oO] \([^ ]*\).*/\1/')
		printf '#!/bin/sh\necho "elan-init.sh $*" >> "$TOOLS_LOG"\nmkdir -p "$HOME/.elan/bin" && cp "%s" "$HOME/.elan/bin/elan"\n' "$STANDINS/elan.real" > "$out" ;;
	esac
	exit 0
	EOT
	chmod +x fake/$t
done
cp fake/elan fake/elan.real
STANDINS=$TRASH/fake TOOLS_LOG=$TRASH/tools.log FAIL_ON='no such tool' HOME=$TRASH/home
export STANDINS TOOLS_LOG FAIL_ON HOME
PATH=$TRASH/fake:$PATH
# The state of a project: every file with its checksum and mtime.
state() { (cd "$1" && find . -type f -exec stat -c '%n %Y %s' {} + | sort && find . -type f -exec md5sum {} + | sort); }

test_expect_success 'the default set: lean-toolchain, lakefile, the tools in order, the coldstart.env lines' '
	coldstart setup-lean lean > env 2> err &&
	test_eq "$(cat lean/lean-toolchain)" "leanprover/lean4:v4.9.0-rc2" &&
	test_grep "^require mathlib from git$" lean/lakefile.lean &&
	test_grep "\"https://github.com/leanprover-community/mathlib4\" @ \"5ef3a830c97744118453efe44e7ddde3d4632385\"" lean/lakefile.lean &&
	test_grep "^require REPL from git$" lean/lakefile.lean &&
	test_grep "\"https://github.com/leanprover-community/repl\" @ \"7df77c0a1c9188ab58c76d4138a06ae5e0c32282\"" lean/lakefile.lean &&
	cat > want <<-\EOT &&
	elan toolchain install leanprover/lean4:v4.9.0-rc2
	lake update
	lake exe cache get
	lake build repl
	lake env lean --version
	EOT
	test_cmp want tools.log &&
	cat > want <<-EOT &&
	# coldstart.env: the Lean project made by coldstart setup-lean --toolchain deepseek
	CS_LEAN_DIR=$TRASH/lean
	CS_LEAN_REPL="$TRASH/fake/lake env .lake/packages/REPL/.lake/build/bin/repl"
	CS_LEAN_EXPECTED_VERSION=4.9.0-rc2
	EOT
	test_cmp want env &&
	test_grep "ready: Lean (version 4.9.0-rc2" err
'

test_expect_success 'the printed CS_LEAN_REPL runs the REPL the build made, in CS_LEAN_DIR' '
	(set -a; . ./env; set +a; cd "$CS_LEAN_DIR" && sh -c "$CS_LEAN_REPL") > out &&
	test_grep "^stand-in repl$" out
'

test_expect_success 'a second run fetches nothing and changes nothing' '
	state lean > before && sleep 1.1 && : > tools.log &&
	coldstart setup-lean lean > env2 2> err &&
	state lean > after && test_cmp before after &&
	test_cmp env env2 &&
	echo "lake env lean --version" > want && test_cmp want tools.log
'

test_expect_success 'offline: the failed download is named, exit 3; the next run resumes where it failed' '
	: > tools.log &&
	FAIL_ON="lake exe cache get" test_exit 3 coldstart setup-lean fresh > out 2> err &&
	test_grep "could not fetch Mathlib.s build cache for 5ef3a830c97744118453efe44e7ddde3d4632385 (lake exe cache get failed; offline?)" err &&
	test_grep "could not resolve host" err &&
	test ! -s out && test ! -e fresh/.lake/packages/REPL/.lake/build/bin/repl &&
	: > tools.log &&
	coldstart setup-lean fresh > out 2> err &&
	printf "lake exe cache get\nlake build repl\nlake env lean --version\n" > want &&
	test_cmp want tools.log && test_grep "^CS_LEAN_DIR=$TRASH/fresh$" out
'

test_expect_success 'offline: the toolchain and the packages named when they cannot be fetched' '
	FAIL_ON="elan toolchain*" test_exit 3 coldstart setup-lean off1 2> err &&
	test_grep "could not fetch the Lean toolchain leanprover/lean4:v4.9.0-rc2 with elan" err &&
	FAIL_ON="lake update" test_exit 3 coldstart setup-lean off1 2> err &&
	test_grep "could not fetch the packages: Mathlib 5ef3a830c97744118453efe44e7ddde3d4632385 from https://github.com/leanprover-community/mathlib4 and the REPL 7df77c0a1c9188ab58c76d4138a06ae5e0c32282" err
'

test_expect_success 'elan missing: its installer fetched by curl (wget without curl), then used' '
	mkdir nofake && for t in lake lean git wget; do cp fake/$t nofake/; done &&
	for t in bash sh cat awk grep sed mkdir mv rm head basename dirname readlink cp chmod; do
		ln -s "$(command -v $t)" nofake/$t || exit 1
	done &&
	: > tools.log &&
	PATH=$TRASH/nofake "$CS_BIN/coldstart" setup-lean noelan > out 2> err &&
	test -x home/.elan/bin/elan &&
	test_grep "^wget -q -O .*noelan/.coldstart-setup/elan-init.sh.part https://raw.githubusercontent.com/leanprover/elan/master/elan-init.sh$" tools.log &&
	test_grep "^elan-init.sh -y --default-toolchain none --no-modify-path$" tools.log &&
	test_grep "^elan toolchain install leanprover/lean4:v4.9.0-rc2$" tools.log &&
	rm -rf home/.elan && cp fake/curl nofake/ &&
	PATH=$TRASH/nofake FAIL_ON="curl*" test_exit 3 "$CS_BIN/coldstart" setup-lean noelan2 2> err &&
	test_grep "could not fetch elan.s installer https://raw.githubusercontent.com/leanprover/elan/master/elan-init.sh with curl (offline?)" err
'

test_expect_success '--toolchain: another named set rewrites the files; --list, a bad name' '
	: > tools.log &&
	coldstart setup-lean lean --toolchain v4.19.0 > env3 2> err &&
	test_eq "$(cat lean/lean-toolchain)" "leanprover/lean4:v4.19.0" &&
	test_grep "@ \"v4.19.0\"" lean/lakefile.lean &&
	test_grep "^elan toolchain install leanprover/lean4:v4.19.0$" tools.log &&
	test_grep "^lake update$" tools.log &&
	test_grep "^CS_LEAN_EXPECTED_VERSION=4.19.0$" env3 &&
	cs-setup-lean --list > list && test_grep "^deepseek .*v4.9.0-rc2" list && test_grep "^deepseek-rc1 " list &&
	test_exit 2 coldstart setup-lean x --toolchain nosuch 2> err &&
	test_grep "no such set; one of: deepseek deepseek-rc1" err && test ! -e x/lakefile.lean
'

test_expect_success 'a Lean project it did not write is left alone' '
	mkdir theirs && echo "leanprover/lean4:v4.3.0" > theirs/lean-toolchain &&
	test_exit 3 coldstart setup-lean theirs 2> err &&
	test_grep "setup-lean did not write" err &&
	test_eq "$(cat theirs/lean-toolchain)" "leanprover/lean4:v4.3.0" && test ! -e theirs/lakefile.lean
'

# doctor: the checker's Lean version against CS_LEAN_EXPECTED_VERSION (the REPL double
# answers `#eval Lean.versionString` with what --version says).
test_expect_success 'doctor warns when the checker runs another Lean than CS_LEAN_EXPECTED_VERSION' '
	mkdir -p dlean &&
	CS_DB=$TRASH/d.db CS_PROVER_URL=http://127.0.0.1:9/v1 CS_DECOMPOSER_URL=http://127.0.0.1:9/v1 CS_LEAN_DIR=$TRASH/dlean CS_LEAN_SANDBOX=none CS_DECOMPOSER_API_KEY=k \
		CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --version 4.15.0" cs-doctor > out 2> err;
	test_grep "^ok   lean       repl 4.15.0 checks 1 + 1 = 2$" out &&
	test_grep "^warn lean       the checker runs Lean 4.15.0, not 4.9.0-rc2 (CS_LEAN_EXPECTED_VERSION" out &&
	CS_DB=$TRASH/d.db CS_PROVER_URL=http://127.0.0.1:9/v1 CS_DECOMPOSER_URL=http://127.0.0.1:9/v1 CS_LEAN_DIR=$TRASH/dlean CS_LEAN_SANDBOX=none CS_DECOMPOSER_API_KEY=k CS_LEAN_EXPECTED_VERSION=4.15.0 \
		CS_LEAN_REPL="python3 $DOUBLES/repl_double.py --version 4.15.0" cs-doctor > out 2> err;
	test_grep "^ok   lean       repl 4.15.0" out && test_no_grep "^warn lean" out &&
	CS_DB=$TRASH/d.db CS_PROVER_URL=http://127.0.0.1:9/v1 CS_DECOMPOSER_URL=http://127.0.0.1:9/v1 CS_LEAN_DIR=$TRASH/dlean CS_LEAN_SANDBOX=none CS_DECOMPOSER_API_KEY=k \
		CS_LEAN_REPL="python3 $DOUBLES/repl_double.py" cs-doctor > out 2> err;
	test_grep "^ok   lean .*(a test double, not Lean)$" out && test_no_grep "^warn lean" out
'

test_done
