# aftermath: a static site generator for a postmortem knowledge base.
#
#   make            build/aftermath (runs scripts/install-deps first)
#   make site       build the sample knowledge base in content/ into public/
#   make test       unit, end-to-end and browser tests; last line "N passed, N failed"
#   make asan       the same binary with AddressSanitizer (build/asan/aftermath)
#   make ubsan      the same binary with UndefinedBehaviorSanitizer (build/ubsan/aftermath)
#   make bench      the benchmarks behind BENCHMARKS.md
#   make mutate     mutation testing (scripts/mutate; MODULES="stats slug" MUTANTS=40
#                   JOBS=2 SEED=1 OUT=dir RESUME=report.json): report in build/mutate/report.md;
#                   not part of make test
#   make format     clang-format (.clang-format) over generator/ and the C tests
#   make install    PREFIX=/usr/local (DESTDIR honoured): the binary, the theme, the
#                   lint rules, the init templates, the man page and bash completion
#   make deb        build/aftermath_VERSION_ARCH.deb (scripts/make-deb)

PREFIX ?= /usr/local
CC ?= cc
PKGS := libcmark-gfm yaml-0.1 lua5.4 libpcre2-8 libmicrohttpd gumbo
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions

WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral
# Warnings are errors in aftermath's own CI only (.ci/run sets WERROR=1): a
# knowledge base's pipeline that builds aftermath with CI=true in its
# environment must not fail on a newer compiler's new warning.
ifeq ($(WERROR),1)
WARN += -Werror
endif

# The version --version prints and `init` pins (scripts/version: git describe
# in a clone, the VERSION file in a release tarball), and where init's CI
# files fetch aftermath's source from.
VERSION := $(shell scripts/version 2>/dev/null || cat VERSION)
UPSTREAM ?= https://github.com/aftermath-kb/aftermath

# -O3 rather than -O2: a 10k build's user time 6% lower, output the same
# (alternating runs, BENCHMARKS.md); no -march, so the binary runs on any x86-64.
OPT ?= -O3 -g
SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build/$(subst $(comma),-,$(SANITIZE))
OPT := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=undefined
endif
comma := ,
BUILD ?= build

# The allocator: jemalloc makes a 10k build about 20% faster than glibc's
# malloc, with less memory (BENCHMARKS.md).  `make MALLOC=` links glibc's; the
# sanitizer builds always do (they bring their own).
MALLOC ?= -ljemalloc
ifneq ($(SANITIZE),)
MALLOC :=
endif

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Igenerator $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) \
	-DAFTERMATH_THEME_DIR='"$(PREFIX)/share/aftermath/layouts"' \
	-DAFTERMATH_UPSTREAM='"$(UPSTREAM)"' $(CFLAGS)
# Lua, cmark-gfm, libyaml and gumbo are linked statically (their Debian -dev packages
# ship the .a files): calls into them then skip the PLT and position-independent
# code, 4% of a 10k build (BENCHMARKS.md).  `make STATIC_DEPS=` links them as
# shared libraries; the sanitizer builds always do.
STATIC_DEPS ?= 1
ifneq ($(SANITIZE),)
STATIC_DEPS :=
endif
ifneq ($(STATIC_DEPS),)
DEP_LIBS = -Wl,-Bstatic -llua5.4 -lcmark-gfm-extensions -lcmark-gfm -lyaml -lgumbo -Wl,-Bdynamic \
	$(shell pkg-config --libs libpcre2-8 libmicrohttpd 2>/dev/null) -ldl
else
DEP_LIBS = $(PKG_LIBS)
endif
LDLIBS_ALL = $(SANFLAGS) $(DEP_LIBS) $(MALLOC) -lpthread -lm $(LDFLAGS)

# The generator is one folder per stage of the pipeline (README, "How the code
# is laid out"); a file includes by stage, "base/util.h", and
# scripts/check-layers keeps each stage to the ones before it.
SRCS := $(sort $(wildcard generator/*/*.c))
LIB_OBJS := $(patsubst generator/%.c,$(BUILD)/obj/%.o,$(filter-out generator/cmd/main.c,$(SRCS)))
MAIN_OBJ := $(BUILD)/obj/cmd/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps site test check unit e2e browser asan ubsan sanitize-unit bench bench-search format format-check \
	install install-files deb clean fuzz mutate FORCE
.DEFAULT_GOAL := all

all: deps $(BUILD)/aftermath $(BUILD)/gen-corpus

# Installs what is missing; quiet and quick when everything is there.
deps:
	@scripts/install-deps

$(BUILD)/aftermath: $(MAIN_OBJ) $(LIB_OBJS) $(BUILD)/obj/version.o
	$(CC) -o $@ $^ $(LDLIBS_ALL)

# Rewritten only when the version changes, so a build relinks only then.
$(BUILD)/obj/version.c: FORCE
	@mkdir -p $(dir $@)
	@v='const char aftermath_version[] = "$(VERSION)";'; \
		[ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@
$(BUILD)/obj/version.o: $(BUILD)/obj/version.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/%.o: generator/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/gen-corpus: scripts/gen-corpus.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS) $(BUILD)/obj/version.o
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/obj
	$(CC) $(CFLAGS_ALL) -MMD -MP -MF $(BUILD)/obj/$(notdir $@).d -o $@ $< $(LIB_OBJS) $(BUILD)/obj/version.o $(LDLIBS_ALL)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d)

site: all
	$(BUILD)/aftermath build content -o public
	@echo "site written to public/: open public/index.html, or run: $(BUILD)/aftermath serve content"

unit: deps $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS)

# The binaries are built on every core (a plain `make test`, as CI runs it,
# built them one file at a time), after the dependencies are installed.
test: deps
	@$(MAKE) --no-print-directory -j"$$(nproc)" $(BUILD)/aftermath $(BUILD)/gen-corpus $(UNIT_BINS)
	@tests/run-all $(BUILD)

# Unit and end-to-end tests only (no browser, no sanitizer pass).
check: all $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS) && tests/e2e/run $(BUILD)/aftermath

asan:
	$(MAKE) SANITIZE=address BUILD=build/asan
ubsan:
	$(MAKE) SANITIZE=undefined BUILD=build/ubsan

# The unit-test binaries of the current BUILD (used by tests/run-all for the sanitizer pass).
sanitize-unit: $(UNIT_BINS)

# Mutation testing (docs/testing.md): each mutant is built and tested in a copy
# of the tree under build/mutate/, never in the checkout.
mutate: all $(UNIT_BINS)
	scripts/mutate --build $(BUILD) $(if $(MODULES),--modules "$(MODULES)") $(if $(MUTANTS),--mutants $(MUTANTS)) \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(SEED),--seed $(SEED)) $(if $(OUT),--out $(OUT)) $(if $(RESUME),--resume $(RESUME))

# The C sources in the house style (.clang-format); make test's first stage
# fails when a file is not (tests/run-all).  The generated table is left as written.
FORMAT_SRCS = $(filter-out generator/base/textfold_table.h,$(wildcard generator/*/*.[ch])) \
	$(wildcard tests/unit/*.[ch] tests/fuzz/*.c)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) 2>&1 | head -20; \
		n=$$(clang-format --dry-run $(FORMAT_SRCS) 2>&1 | grep -c 'warning:'); \
		if [ "$$n" = 0 ]; then echo "format: 1 passed, 0 failed"; else echo "format: 0 passed, 1 failed ($$n lines; run make format)"; fi

bench: all
	scripts/run-bench

bench-search: all
	scripts/bench-search

install: all
	@$(MAKE) -s install-files

# What install copies, without building first (scripts/make-deb stages the
# package with it from an existing build).
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/aftermath \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BUILD)/aftermath $(DESTDIR)$(PREFIX)/bin/aftermath
	cp -R layouts init lint $(DESTDIR)$(PREFIX)/share/aftermath/
	install -m 644 man/aftermath.1 $(DESTDIR)$(PREFIX)/share/man/man1/aftermath.1
	install -m 644 completions/aftermath.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/aftermath

# The Debian package of $(BUILD)/aftermath: what `make install PREFIX=/usr`
# installs, depending on the shared libraries the binary links by their
# Debian names (Lua, cmark-gfm and libyaml are linked in statically).
deb: all
	+scripts/make-deb $(BUILD) '$(VERSION)' $(BUILD) '$(UPSTREAM)'

# libFuzzer targets (clang): build/fuzz/fuzz_frontmatter, fuzz_yamlfast, fuzz_markdown, fuzz_template,
# fuzz_luapattern (the sandbox's pattern matcher against Lua's own).
# `make fuzz` builds them and runs each for FUZZ_SECONDS (default 20) on its seed corpus.
FUZZ_SECONDS ?= 20
FUZZ_SRCS := $(filter-out generator/cmd/main.c,$(SRCS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

# The generator's objects are compiled once for every target (instrumented for
# coverage, without libFuzzer's main), each target links them: make test's fuzz
# stage compiled all of them again for each of its nine targets, one file at a time.
FUZZ_OBJS := $(patsubst generator/%.c,build/fuzz/obj/%.o,$(FUZZ_SRCS))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Igenerator $(PKG_CFLAGS) -DAFTERMATH_THEME_DIR='"/nonexistent"'

build/fuzz/obj/%.o: generator/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

-include $(wildcard build/fuzz/obj/*/*.d)

build/fuzz/obj/version.c:
	@mkdir -p $(dir $@)
	echo 'const char aftermath_version[] = "fuzz";' >$@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) build/fuzz/obj/version.c
	@mkdir -p build/fuzz
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJS) build/fuzz/obj/version.c $(PKG_LIBS) -lpthread -lm

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		name=$$(basename $$t | sed 's/^fuzz_//'); mkdir -p build/fuzz/corpus-$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			build/fuzz/corpus-$$name tests/fuzz/corpus/$$name 2>build/fuzz/$$name.log \
			|| { tail -40 build/fuzz/$$name.log; exit 1; }; \
		grep -E '^#[0-9]+.*DONE' build/fuzz/$$name.log | tail -1; \
	done

clean:
	rm -rf build public
