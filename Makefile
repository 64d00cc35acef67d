# coldstart: plain Makefile, dependencies through pkg-config.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/coldstart
MANDIR ?= $(PREFIX)/share/man/man1
DOCDIR ?= $(PREFIX)/share/doc/coldstart
DESTDIR ?=
PKG_CONFIG ?= pkg-config
PKGS = sqlite3 libcurl jansson libpcre2-8

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wwrite-strings -Wno-unused-parameter -Wvla -Wimplicit-fallthrough
# A developer build adds -Werror: make DEVELOPER=1
ifdef DEVELOPER
WARN += -Werror
endif
# Quiet by default: make V=1 prints every command.
ifeq ($(V),1)
Q =
else
Q = @
MAKEFLAGS += --no-print-directory
endif
# The version every program prints (--version) and every run records: git describe
# in a git checkout of coldstart, else the file VERSION (a release tarball).
VERSION := $(shell if [ "$$(git -C '$(CURDIR)' rev-parse --show-toplevel 2>/dev/null)" = '$(CURDIR)' ]; \
	then git -C '$(CURDIR)' describe --always --dirty; else cat '$(CURDIR)/VERSION'; fi)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
# Layers point down only, and the include path of each layer says which headers it
# may use: lib/ is the floor; llm/, lean_text/ and db/ sit on lib/ alone; lean_io/
# (Lean processes and servers) on lean_text/ (Lean source as text); the runtime
# (run/) on all four; stages, tests and benchmarks on everything. An include of a
# higher layer does not compile; `make check-layers` also checks the symbols.
INC_lib = -Ilib -Ibuild
INC_build = $(INC_lib)
INC_db = $(INC_lib) -Idb
INC_llm = $(INC_lib) -Illm
INC_lean_text = $(INC_lib) -Ilean_text
INC_lean_io = $(INC_lean_text) -Ilean_io
INC_run = $(INC_lib) -Idb -Illm -Ilean_text -Ilean_io -Irun
INC_ALL = $(INC_run)
layer_inc = $(or $(INC_$(firstword $(subst /, ,$(1)))),$(INC_ALL))
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Werror=implicit-function-declaration $(PKG_CFLAGS) $(CFLAGS)
ALL_CFLAGS = $(BASE_CFLAGS) $(INC_ALL)
LIBS = $(PKG_LIBS) -lm
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

BASE_SRC := $(sort $(wildcard lib/*.c db/*.c llm/*.c lean_text/*.c lean_io/*.c))
RUN_SRC := $(sort $(wildcard run/*.c))
LIB_SRC := $(BASE_SRC) $(RUN_SRC)
STAGE_SRC := $(sort $(wildcard stages/cs-*.c))
PROGS := $(patsubst stages/%.c,bin/%,$(STAGE_SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
EMBED_SRC := $(sort $(wildcard db/*.sql prompts/*.txt data/benchmarks/*.tsv))
HDRS := $(wildcard lib/*.h db/*.h llm/*.h lean_text/*.h lean_io/*.h run/*.h) build/embed.h

LIB_OBJ := $(patsubst %.c,build/%.o,$(LIB_SRC)) build/embed.o
SAN_LIB_OBJ := $(patsubst %.c,build/san/%.o,$(LIB_SRC)) build/san/embed.o
SAN_PROGS := $(patsubst stages/%.c,build/san/bin/%,$(STAGE_SRC))
UNIT_BINS := $(patsubst tests/unit/%.c,build/san/tests/%.t,$(UNIT_SRC))

# One man page per program, made from its --help (scripts/mkman.sh).
MANPAGES := $(patsubst bin/%,build/man/%.1,$(PROGS)) build/man/coldstart.1 build/man/cs-setup-lean.1
EXAMPLES := scripts/coldstart.cron scripts/coldstart.service scripts/coldstart.timer scripts/coldstart.env scripts/coldstart.logrotate scripts/coldstart-notify@.service

all: $(PROGS) bin/coldstart bin/cs-setup-lean $(MANPAGES) doc/configuration.md

# The configuration reference is generated from lib/conf.c's table, as the man
# page's ENVIRONMENT is (cs-doctor --list --format markdown|man): a build rewrites it
# when the table changes, and tests/t/0023-generated-docs.t checks that the committed
# copy is the generated one.
doc/configuration.md: bin/cs-doctor
	@mkdir -p doc
	$(Q)bin/cs-doctor --list --format markdown > $@.tmp && \
	  if cmp -s $@.tmp $@; then rm -f $@.tmp && touch $@; else mv $@.tmp $@; fi

bin/coldstart: scripts/coldstart build/version.h
	@mkdir -p bin
	$(Q)sed 's/@VERSION@/$(VERSION)/' scripts/coldstart > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
# The Lean project maker (coldstart setup-lean): a script, beside the driver.
bin/cs-setup-lean: scripts/setup-lean build/version.h
	@mkdir -p bin
	$(Q)sed 's/@VERSION@/$(VERSION)/' scripts/setup-lean > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
build/san/bin/cs-setup-lean: bin/cs-setup-lean
	@mkdir -p $(dir $@)
	$(Q)cp bin/cs-setup-lean $@
# The driver beside the sanitized programs runs those (the shell tests run it); its
# bundled data are the source tree's.
build/san/bin/coldstart: bin/coldstart
	@mkdir -p $(dir $@)
	$(Q)sed 's|^here=.*|&\nCS_SHARE=$${CS_SHARE:-$(CURDIR)}|' bin/coldstart > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Rewritten only when the version changes: only util.o and the driver depend on it.
build/version.h: FORCE
	@mkdir -p build
	@printf '#define CS_VERSION "%s"\n' '$(VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
build/lib/util.o build/san/lib/util.o build/fuzz/obj/lib/util.o: build/version.h

build/man/coldstart.1: bin/coldstart bin/cs-doctor scripts/mkman.sh
	@mkdir -p build/man
	$(Q)sh scripts/mkman.sh bin/coldstart '$(VERSION)' > $@.tmp && mv $@.tmp $@
build/man/%.1: bin/% scripts/mkman.sh
	@mkdir -p build/man
	$(Q)sh scripts/mkman.sh bin/$* '$(VERSION)' > $@.tmp && mv $@.tmp $@

build/embed.c: $(EMBED_SRC) scripts/embed.sh
	@mkdir -p build
	$(Q)sh scripts/embed.sh build/embed $(EMBED_SRC)
build/embed.h: build/embed.c

build/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(call layer_inc,$<) -c $< -o $@
build/embed.o: build/embed.c build/embed.h
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_lib) -c $< -o $@
build/libcs.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
bin/%: stages/%.c build/libcs.a $(HDRS)
	@mkdir -p bin
	$(Q)$(CC) $(ALL_CFLAGS) $< build/libcs.a $(LIBS) -o $@

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(call layer_inc,$<) $(SAN) -c $< -o $@
build/san/embed.o: build/embed.c build/embed.h
	@mkdir -p build/san
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_lib) $(SAN) -c $< -o $@
build/san/libcs.a: $(SAN_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build/san/bin/%: stages/%.c build/san/libcs.a $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) $< build/san/libcs.a $(LIBS) -o $@
build/san/tests/%.t: tests/unit/%.c tests/unit/tap.h build/san/libcs.a $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(SAN) $< build/san/libcs.a $(LIBS) -o $@

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(patsubst bench/%.c,build/bench/%,$(BENCH_SRC))
build/bench/%: bench/%.c build/libcs.a $(HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< build/libcs.a $(LIBS) -o $@

sanitize: $(SAN_PROGS) build/san/bin/coldstart build/san/bin/cs-setup-lean $(UNIT_BINS)

# Unit tests under ASan+UBSan (leaks too); shell tests drive the sanitized programs.
# With clang's libFuzzer at hand, each fuzz target also runs briefly (seeded: the
# same runs every time); without it that step says so and is skipped.
# The layers point down only (scripts/check-layers.sh reads the objects' symbols).
check-layers: $(LIB_OBJ)
	$(Q)sh scripts/check-layers.sh $(LIB_OBJ)

# Shell test files run TEST_JOBS at a time: most of a file's time is spent waiting on
# doubles, deadlines and latencies, so two at once take little more than half as long.
# CS_TEST_PYTHON: the interpreter itself, not a version manager's shim (tests/t/lib.sh).
TEST_JOBS ?= 2
SHELL_TESTS = CS_TEST_PYTHON=$$(python3 -S -c 'import sys; print(sys.executable)' 2>/dev/null) \
	  prove -j$(TEST_JOBS) -f $(sort $(wildcard tests/t/*.t))
test: all sanitize fuzz-replay check-layers
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 prove -f $(UNIT_BINS)
	@if printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    clang -fsanitize=fuzzer -x c - -o build/fuzz-probe 2>/dev/null; then \
	  $(MAKE) --no-print-directory fuzz-smoke; \
	else echo "# fuzz-smoke skipped: no clang with libFuzzer (apt-get install clang libclang-rt-14-dev)"; fi
	$(Q)CS_TEST_BIN=$(CURDIR)/build/san/bin ASAN_OPTIONS=detect_leaks=0 $(SHELL_TESTS)

# Shell tests against the optimised programs only.
test-fast: all
	$(Q)CS_TEST_BIN=$(CURDIR)/bin $(SHELL_TESTS)

bench: all $(BENCH_BINS)
	$(Q)sh bench/run.sh

# libFuzzer targets (clang) and their replay under ASan: tests/fuzz/Makefile, which
# includes this file.
ifndef FUZZ_MAKEFILE
fuzz fuzz-smoke:
	$(Q)$(MAKE) -f tests/fuzz/Makefile $@
fuzz-replay: build/san/libcs.a
	$(Q)$(MAKE) -f tests/fuzz/Makefile $@
endif

# Programs, man pages, the documentation and the scheduling examples (cron, systemd,
# the environment file both read), prompts, data and the test doubles of the demo.
install: all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/prompts $(DESTDIR)$(SHAREDIR)/data \
	  $(DESTDIR)$(SHAREDIR)/doubles/dsp2 $(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)/doc
	$(Q)install -m 755 $(PROGS) bin/coldstart bin/cs-setup-lean $(DESTDIR)$(BINDIR)
	$(Q)install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)
	$(Q)install -m 644 README.md lean_io/SANDBOX.md $(DESTDIR)$(DOCDIR)
	$(Q)install -m 644 doc/*.md $(DESTDIR)$(DOCDIR)/doc
	$(Q)install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples
	$(Q)install -m 644 prompts/*.txt $(DESTDIR)$(SHAREDIR)/prompts
	$(Q)install -m 644 data/*.jsonl data/PROVENANCE.md $(DESTDIR)$(SHAREDIR)/data
	$(Q)install -m 644 tests/doubles/*.py $(DESTDIR)$(SHAREDIR)/doubles
	$(Q)install -m 644 tests/fixtures/dsp2/*.lean $(DESTDIR)$(SHAREDIR)/doubles/dsp2

clean:
	rm -rf build bin

FORCE:
.PHONY: check-layers all test test-fast bench fuzz fuzz-smoke fuzz-replay install clean sanitize FORCE
.SECONDARY:
