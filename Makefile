# aftermath: a static site generator for a postmortem knowledge base.
#
#   make            build/aftermath (runs scripts/install-deps first)
#   make site       build the sample knowledge base in content/ into public/
#   make test       unit, end-to-end and browser tests; last line "N passed, N failed"
#   make asan       the same binary with AddressSanitizer (build/asan/aftermath)
#   make ubsan      the same binary with UndefinedBehaviorSanitizer (build/ubsan/aftermath)
#   make bench      the benchmarks behind BENCHMARKS.md
#   make mutate     mutation testing (scripts/mutate; MODULES="stats slug" MUTANTS=40
#                   JOBS=2 SEED=1): report in build/mutate/report.md; not part of make test
#   make install    PREFIX=/usr/local: the binary and the default theme

PREFIX ?= /usr/local
CC ?= cc
PKGS := libcmark-gfm yaml-0.1 lua5.4 libpcre2-8 libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions

WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral
ifeq ($(CI),true)
WARN += -Werror
endif

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

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) \
	-DAFTERMATH_THEME_DIR='"$(PREFIX)/share/aftermath/layouts"' $(CFLAGS)
# Lua, cmark-gfm and libyaml are linked statically (their Debian -dev packages
# ship the .a files): calls into them then skip the PLT and position-independent
# code, 4% of a 10k build (BENCHMARKS.md).  `make STATIC_DEPS=` links them as
# shared libraries; the sanitizer builds always do.
STATIC_DEPS ?= 1
ifneq ($(SANITIZE),)
STATIC_DEPS :=
endif
ifneq ($(STATIC_DEPS),)
DEP_LIBS = -Wl,-Bstatic -llua5.4 -lcmark-gfm-extensions -lcmark-gfm -lyaml -Wl,-Bdynamic \
	$(shell pkg-config --libs libpcre2-8 libmicrohttpd 2>/dev/null) -ldl
else
DEP_LIBS = $(PKG_LIBS)
endif
LDLIBS_ALL = $(SANFLAGS) $(DEP_LIBS) $(MALLOC) -lpthread -lm $(LDFLAGS)

SRCS := $(sort $(wildcard generator/*.c))
LIB_OBJS := $(patsubst generator/%.c,$(BUILD)/obj/%.o,$(filter-out generator/main.c,$(SRCS)))
MAIN_OBJ := $(BUILD)/obj/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps site test check unit e2e browser asan ubsan sanitize-unit bench bench-search \
	install clean fuzz mutate
.DEFAULT_GOAL := all

all: deps $(BUILD)/aftermath $(BUILD)/gen-corpus

# Installs what is missing; quiet and quick when everything is there.
deps:
	@scripts/install-deps

$(BUILD)/aftermath: $(MAIN_OBJ) $(LIB_OBJS)
	$(CC) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/obj/%.o: generator/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/gen-corpus: scripts/gen-corpus.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/obj
	$(CC) $(CFLAGS_ALL) -Igenerator -MMD -MP -MF $(BUILD)/obj/$(notdir $@).d -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

-include $(wildcard $(BUILD)/obj/*.d)

site: all
	$(BUILD)/aftermath build content -o public
	@echo "site written to public/: open public/index.html, or run: $(BUILD)/aftermath serve content"

unit: deps $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS)

test: all $(UNIT_BINS)
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
		$(if $(JOBS),--jobs $(JOBS)) $(if $(SEED),--seed $(SEED))

bench: all
	scripts/run-bench

bench-search: all
	scripts/bench-search

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/aftermath
	install -m 755 $(BUILD)/aftermath $(DESTDIR)$(PREFIX)/bin/aftermath
	cp -R layouts $(DESTDIR)$(PREFIX)/share/aftermath/
	cp -R scripts/lint $(DESTDIR)$(PREFIX)/share/aftermath/

# libFuzzer targets (clang): build/fuzz/fuzz_frontmatter, fuzz_yamlfast, fuzz_markdown, fuzz_template.
# `make fuzz` builds them and runs each for FUZZ_SECONDS (default 20) on its seed corpus.
FUZZ_SECONDS ?= 20
FUZZ_SRCS := $(filter-out generator/main.c,$(SRCS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS)
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator $(PKG_CFLAGS) \
		-DAFTERMATH_THEME_DIR='"/nonexistent"' -o $@ $< $(FUZZ_SRCS) $(PKG_LIBS) -lpthread -lm

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
