# tuishui — plain Makefile.  `make run` and `make check` are the two entry
# points (README.md); everything else is a step they use.
#
# Layout of the build:
#   build/lib/libtuishui.a      every lib/*.c
#   build/bin/<module>.fcgi     one per cgi-bin/<module>.c
#   build/tools/<tool>          one per tools/<tool>.c (command-line helpers)
#   build/tests/unit/<test>     one per tests/unit/test_*.c (cmocka, TAP)
#   build-san/...               the same with ASan+UBSan, used by make check
#   build/fuzz/<target>         one per tests/fuzz/fuzz_*.c (clang libFuzzer)

CC      ?= cc
B       ?= build
PORT    ?= 8080
VAR     ?= $(CURDIR)/var

CS_CFLAGS := -I/usr/include/ClearSilver
CS_LIBS   := -lneo_cgi -lneo_cs -lneo_utl -lz
DB_CFLAGS := $(shell pkg-config --cflags libmariadb 2>/dev/null || echo -I/usr/include/mariadb)
DB_LIBS   := $(shell pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb)

WARN    := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) \
             -Ilib $(CS_CFLAGS) $(DB_CFLAGS)
LIBS    := -lfcgi $(DB_LIBS) $(CS_LIBS) -lcrypto -lqpdf -lhpdf -lzip -lexpat -lxlsxwriter -lpthread
LDFLAGS ?=

LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
PROG_SRC  := $(sort $(wildcard cgi-bin/*.c))
PROGS     := $(PROG_SRC:cgi-bin/%.c=$(B)/bin/%.fcgi)
TOOL_SRC  := $(sort $(wildcard tools/*.c))
TOOLS     := $(TOOL_SRC:tools/%.c=$(B)/tools/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNITS     := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS   := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all deps run stop status check check-valgrind lint fuzz unit \
        audit-verify bench clean format

all: $(B)/lib/libtuishui.a $(PROGS) $(TOOLS) $(B)/signer/signd

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/lib/libtuishui.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/bin/%.fcgi: cgi-bin/%.c $(B)/lib/libtuishui.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/lib/libtuishui.a $(LDFLAGS) $(LIBS)

$(B)/tools/%: tools/%.c $(B)/lib/libtuishui.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/lib/libtuishui.a $(LDFLAGS) $(LIBS)

# signer/signd: the one program that talks PC/SC (docs/signd.md); only it
# links libpcsclite.  Its protocol parser is fuzzed by tests/fuzz/fuzz_signd_proto.
PCSC_CFLAGS := $(shell pkg-config --cflags libpcsclite 2>/dev/null || echo -I/usr/include/PCSC -pthread)
PCSC_LIBS   := $(shell pkg-config --libs libpcsclite 2>/dev/null || echo -lpcsclite)
# lib/ts_crypto.c: the project's one hex decoder (and libcrypto with it);
# lib/ts_signwire.c: the error codes and rules it shares with lib/ts_sign.
SIGND_SRC   := signer/signd.c signer/signd_proto.c signer/signd_card.c lib/ts_crypto.c \
               lib/ts_signwire.c
$(B)/signer/signd: $(SIGND_SRC) $(wildcard signer/signd*.h) lib/ts_crypto.h lib/ts_signwire.h
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) $(PCSC_CFLAGS) -o $@ $(SIGND_SRC) $(LDFLAGS) $(PCSC_LIBS) -lcrypto -lpthread

# signer/vcard: the virtual e-port card (docs/card.md) for tests and
# `make run`; it talks vpcd's TCP protocol, not PC/SC, so it links only
# libcrypto.  tests/card/pcsc_apdu: the PC/SC client of tests/http/card.t.
VCARD_SRC := signer/vcard.c signer/vcard_apdu.c lib/ts_crypto.c
all: $(B)/signer/vcard $(B)/tests/card/pcsc_apdu
$(B)/signer/vcard: $(VCARD_SRC) signer/vcard_apdu.h lib/ts_crypto.h
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(VCARD_SRC) $(LDFLAGS) -lcrypto

$(B)/tests/card/pcsc_apdu: tests/card/pcsc_apdu.c
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) $(PCSC_CFLAGS) -o $@ $< $(LDFLAGS) $(PCSC_LIBS)

# tests/card/sign_client: signd through lib/ts_sign, for tests/http/signd.t.
all: $(B)/tests/card/sign_client
$(B)/tests/card/sign_client: tests/card/sign_client.c $(B)/lib/libtuishui.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/lib/libtuishui.a $(LDFLAGS) $(LIBS)

# tests/card/pkg_open: a data package read with a card through signd,
# for tests/http/decl_download.t.
all: $(B)/tests/card/pkg_open
$(B)/tests/card/pkg_open: tests/card/pkg_open.c $(B)/lib/libtuishui.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/lib/libtuishui.a $(LDFLAGS) $(LIBS)

$(B)/tests/unit/%: tests/unit/%.c $(B)/lib/libtuishui.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/lib/libtuishui.a $(LDFLAGS) $(LIBS) -lcmocka

# Unit tests run under ASan+UBSan in their own build tree; any sanitizer
# report fails the test (no recovery).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
unit:
	$(MAKE) B=build-san EXTRA_CFLAGS="$(SAN_FLAGS)" \
	        LDFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" $(UNIT_SRC:tests/unit/%.c=build-san/tests/unit/%)
	CMOCKA_MESSAGE_OUTPUT=TAP prove -e '' $(UNIT_SRC:tests/unit/%.c=build-san/tests/unit/%)

# libFuzzer targets: lib/ compiled once with the fuzzer's coverage and the
# sanitizers into build/fuzz/libtuishui.a (fuzzer-no-link: libFuzzer's main
# comes with the target), each target linked against it — not lib/ compiled
# again for every target, which was most of make check's fuzz time.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Ilib $(CS_CFLAGS) $(DB_CFLAGS)
FUZZ_FLAGS  := $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined
FUZZ_OBJ    := $(LIB_SRC:lib/%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/libtuishui.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/fuzz/libtuishui.a
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $< build/fuzz/libtuishui.a $(LIBS)

fuzz: $(FUZZERS)
	scripts/fuzz.sh long

deps:
	scripts/deps.sh

run: deps all
	scripts/stack.sh start

stop:
	scripts/stack.sh stop

status:
	scripts/stack.sh status

check: deps all lint
	scripts/check.sh

check-valgrind: deps all
	VALGRIND=1 scripts/check.sh http

lint:
	scripts/lint.sh

# Check the audit log's SM3 chain of the stack in $(VAR) (exit 1 names the
# first bad row).
audit-verify: all
	TUISHUI_CONF=$(VAR)/etc/tuishui.hdf $(B)/tools/ts-admin audit-verify

bench: all
	bench/run.sh

format:
	clang-format -i lib/*.c lib/*.h cgi-bin/*.c tools/*.c tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf build build-san
