# rbc — the runbook compiler.  `make` installs missing Debian packages
# (the deps step, first), builds rbc and compiles content/ into out/;
# `make check` runs every test.  `make all` builds without the deps step.

VERSION	 = 0.1.0

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/rbc
DESTDIR	?=

CC	?= cc
BUILD	?= build
SAN	?= $(BUILD)/san
PKGS	 = libcmark-gfm yaml-0.1 libpcre2-8 libmicrohttpd pangocairo cairo-pdf \
	   libqrencode fontconfig zlib gumbo
OPT	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	   -Wwrite-strings -Wshadow -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
WERROR	?= -Werror
DEFS	 = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread \
	   -DRBC_VERSION='"$(VERSION)"' -I$(BUILD)
PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))
# The card's libraries are loaded when a card is made (src/cardlib.c):
# their headers at build time, not their link.
LINKPKGS = libcmark-gfm yaml-0.1 libpcre2-8 libmicrohttpd gumbo
PKG_LIBS   = $$(pkg-config --libs $(LINKPKGS)) -lcmark-gfm-extensions -pthread
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DRBC_FREE_AT_EXIT

SRCS	 = $(sort $(wildcard src/*.c))
LIBSRCS	 = $(filter-out src/main.c,$(SRCS))
HDRS	 = $(wildcard src/*.h)
ASSETS	 = $(sort $(wildcard templates/*.mustache themes/*/* themes/*/*/* schemas/*.json))
# The kept libraries pages load (diagrams, highlighting), fetched at a
# pinned version and hash by tools/vendor.sh and compiled in.
VENDOR	 = $(BUILD)/vendor/mermaid.min.js $(BUILD)/vendor/highlight.js
UNITS	 = $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/t_*.c)))

OBJS	 = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/embed.o
LIBOBJS	 = $(filter-out $(BUILD)/obj/main.o,$(OBJS))
SOBJS	 = $(patsubst src/%.c,$(SAN)/obj/%.o,$(SRCS)) $(SAN)/obj/embed.o
SLIBOBJS = $(filter-out $(SAN)/obj/main.o,$(SOBJS))

.PHONY: world all deps check-deps site check test install uninstall clean \
	bench fuzz
.SUFFIXES:

# The deps step runs first and on its own: it installs what is missing
# from Debian's packages (or names it, when it cannot); nothing built
# depends on it.
world: deps
	@$(MAKE) --no-print-directory all

all: rbc site

deps:
	@sh tools/deps.sh build
check-deps:
	@sh tools/deps.sh check

# The card libraries' names for dlopen, from the system built on.
$(BUILD)/cardlib_sonames.h: tools/sonames.sh
	@mkdir -p $(BUILD)
	sh tools/sonames.sh $(CC) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/cardlib.o $(SAN)/obj/cardlib.o: $(BUILD)/cardlib_sonames.h

rbc: $(BUILD)/rbc
	cp $(BUILD)/rbc rbc

site: rbc
	./rbc build --content content --out out

$(BUILD)/rbc: $(OBJS)
	$(CC) $(OPT) -o $@ $(OBJS) $(PKG_LIBS) -lm

$(BUILD)/obj/%.o: src/%.c $(HDRS) Makefile
	@mkdir -p $(@D)
	$(CC) $(OPT) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(VENDOR) &: tools/vendor.sh
	sh tools/vendor.sh $(BUILD)/vendor

$(BUILD)/embed.c: $(ASSETS) $(VENDOR) tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) -O1 -o $(BUILD)/embed-gen tools/embed.c
	$(BUILD)/embed-gen $(ASSETS) $(foreach f,$(VENDOR),vendor/$(notdir $(f))=$(f)) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/embed.o: $(BUILD)/embed.c src/util.h
	@mkdir -p $(@D)
	$(CC) $(OPT) $(DEFS) -I$(CURDIR)/src -c -o $@ $<

# The sanitized build that `make check` tests.
$(SAN)/rbc: $(SOBJS)
	$(CC) $(SANFLAGS) -g -o $@ $(SOBJS) $(PKG_LIBS) -lm

# (Makefile too: RBC_FREE_AT_EXIT is in SANFLAGS, the version in DEFS.)
$(SAN)/obj/%.o: src/%.c $(HDRS) Makefile
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SANFLAGS) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(SAN)/obj/embed.o: $(BUILD)/embed.c src/util.h
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SANFLAGS) $(DEFS) -I$(CURDIR)/src -c -o $@ $<

$(SAN)/%: tests/unit/%.c tests/unit/harness.h $(SLIBOBJS) $(HDRS)
	$(CC) -O1 -g $(SANFLAGS) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -o $@ $< $(SLIBOBJS) $(PKG_LIBS) -lm

check: check-deps
	@$(MAKE) --no-print-directory $(SAN)/rbc $(addprefix $(SAN)/,$(UNITS))
	@RBC=$(CURDIR)/$(SAN)/rbc UNITDIR=$(CURDIR)/$(SAN) sh tests/run.sh
test: check

install: $(BUILD)/rbc
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	cp $(BUILD)/rbc $(DESTDIR)$(BINDIR)/rbc
	chmod 755 $(DESTDIR)$(BINDIR)/rbc
	cp doc/rbc.1 $(DESTDIR)$(MANDIR)/man1/rbc.1
	cp doc/rbc-runbook.5 $(DESTDIR)$(MANDIR)/man5/rbc-runbook.5
	cp doc/rbc-rules.7 $(DESTDIR)$(MANDIR)/man7/rbc-rules.7
	rm -rf $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/themes
	cp -R templates themes $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rbc $(DESTDIR)$(MANDIR)/man1/rbc.1 \
	    $(DESTDIR)$(MANDIR)/man5/rbc-runbook.5 $(DESTDIR)$(MANDIR)/man7/rbc-rules.7
	rm -rf $(DESTDIR)$(DATADIR)

bench: $(BUILD)/rbc
	sh bench/run.sh

clean:
	rm -rf $(BUILD) rbc out

# A libFuzzer build of the pipeline (clang): make fuzz, then run
# build/fuzz/fuzz_runbook build/fuzz/corpus tests/fuzz/corpus (new
# inputs go to the first folder).
FUZZFLAGS = -fsanitize=fuzzer,address,undefined -g -O1
fuzz: $(BUILD)/embed.c $(BUILD)/cardlib_sonames.h
	@mkdir -p $(BUILD)/fuzz $(BUILD)/fuzz/corpus
	clang $(FUZZFLAGS) -std=c11 $(DEFS) $(PKG_CFLAGS) -Isrc -o $(BUILD)/fuzz/fuzz_runbook \
	    tests/fuzz/fuzz_runbook.c $(LIBSRCS) $(BUILD)/embed.c $(PKG_LIBS) -lm
