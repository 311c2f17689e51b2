# rbc — the runbook compiler.  `make` installs missing Debian packages,
# builds rbc and compiles content/ into out/; `make check` runs every test.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/rbc
DESTDIR	?=

CC	?= cc
BUILD	?= build
SAN	?= $(BUILD)/san
PKGS	 = libcmark-gfm yaml-0.1 libpcre2-8 pangocairo cairo-pdf libqrencode \
	   fontconfig zlib
OPT	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	   -Wwrite-strings -Wshadow -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
WERROR	?= -Werror
DEFS	 = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread
PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))
# The card's libraries are loaded when a card is made (src/cardlib.c):
# their headers at build time, not their link.
LINKPKGS = libcmark-gfm yaml-0.1 libpcre2-8
PKG_LIBS   = $$(pkg-config --libs $(LINKPKGS)) -lcmark-gfm-extensions -pthread
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -DRBC_FREE_AT_EXIT

SRCS	 = $(sort $(wildcard src/*.c))
LIBSRCS	 = $(filter-out src/main.c,$(SRCS))
HDRS	 = $(wildcard src/*.h)
ASSETS	 = $(sort $(wildcard templates/*.mustache themes/*/* themes/*/*/* schemas/*.json))
UNITS	 = $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/t_*.c)))

OBJS	 = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/embed.o
LIBOBJS	 = $(filter-out $(BUILD)/obj/main.o,$(OBJS))
SOBJS	 = $(patsubst src/%.c,$(SAN)/obj/%.o,$(SRCS)) $(SAN)/obj/embed.o
SLIBOBJS = $(filter-out $(SAN)/obj/main.o,$(SOBJS))

.PHONY: all deps site check test install uninstall clean bench fuzz
.SUFFIXES:

all: deps rbc site

deps: $(BUILD)/.deps
$(BUILD)/.deps: tools/deps.sh
	@sh tools/deps.sh build
	@mkdir -p $(BUILD) && touch $@

rbc: $(BUILD)/rbc
	cp $(BUILD)/rbc rbc

site: rbc
	./rbc build --content content --out out

$(BUILD)/rbc: $(OBJS)
	$(CC) $(OPT) -o $@ $(OBJS) $(PKG_LIBS) -lm

$(BUILD)/obj/%.o: src/%.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(OPT) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/embed.c: $(ASSETS) tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) -O1 -o $(BUILD)/embed-gen tools/embed.c
	$(BUILD)/embed-gen $(ASSETS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/embed.o: $(BUILD)/embed.c
	@mkdir -p $(@D)
	$(CC) $(OPT) -I$(CURDIR)/src -c -o $@ $<

# The sanitized build that `make check` tests.
$(SAN)/rbc: $(SOBJS)
	$(CC) $(SANFLAGS) -g -o $@ $(SOBJS) $(PKG_LIBS) -lm

# (Makefile too: RBC_FREE_AT_EXIT is in SANFLAGS.)
$(SAN)/obj/%.o: src/%.c $(HDRS) Makefile | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SANFLAGS) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(SAN)/obj/embed.o: $(BUILD)/embed.c
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SANFLAGS) -I$(CURDIR)/src -c -o $@ $<

$(SAN)/%: tests/unit/%.c $(SLIBOBJS) $(HDRS)
	$(CC) -O1 -g $(SANFLAGS) $(WARN) $(WERROR) $(DEFS) $(PKG_CFLAGS) -Isrc -o $@ $< $(SLIBOBJS) $(PKG_LIBS) -lm

check: deps $(SAN)/rbc $(addprefix $(SAN)/,$(UNITS))
	@sh tools/deps.sh check
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
fuzz: $(BUILD)/embed.c
	@mkdir -p $(BUILD)/fuzz $(BUILD)/fuzz/corpus
	clang $(FUZZFLAGS) -std=c11 $(DEFS) $(PKG_CFLAGS) -Isrc -o $(BUILD)/fuzz/fuzz_runbook \
	    tests/fuzz/fuzz_runbook.c $(LIBSRCS) $(BUILD)/embed.c $(PKG_LIBS) -lm
