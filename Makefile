# samsa - a pure-C Kafka client. GNU make; no configure step.
#
#   make                  libsamsa.a, libsamsa.so.$(SOVERSION), libsamsa-protocol.a
#   make test             unit + integration (real broker) + fuzz corpus replay,
#                         built with ASan+UBSan (SANITIZE=0 for a plain build)
#   make asan             the same, sanitizers forced on
#   make valgrind         unit tests and corpus replay under valgrind (plain build)
#   make fuzz             libFuzzer campaign, FUZZ_SECONDS per target (clang)
#   make protocol         libsamsa-protocol.a alone
#   make cross            protocol archive for Cortex-M4 (arm-none-eabi, newlib)
#   make install PREFIX=  headers, libraries, samsa.pc, the samsa tool
#   make demo             the main job: local broker, example producer and queue
#                         consumer, report (see README); make tools / examples
#
# Feature switches (1/0): WITH_ZLIB WITH_SNAPPY WITH_LZ4 WITH_ZSTD WITH_SSL
# WITH_SASL. Unset = on when the library's headers are found. docs/building.md
# lists what each needs.

VERSION   := 0.1.0
SOVERSION := 0
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
KAFKA_VERSION ?= 4.4.0
SANITIZE  ?= 1
WERROR    ?= 0
FUZZ_SECONDS ?= 60
export KAFKA_VERSION

# ---------------------------------------------------------------- deps
# Install missing Debian packages once per top-level make (fast when present).
ifeq ($(MAKELEVEL),0)
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
DEPS_GROUPS := build
DEPS_GROUPS += $(if $(filter test asan valgrind check demo examples,$(MAKECMDGOALS)),test)
DEPS_GROUPS += $(if $(filter fuzz%,$(MAKECMDGOALS)),fuzz)
DEPS_GROUPS += $(if $(filter bench%,$(MAKECMDGOALS)),bench)
DEPS_GROUPS += $(if $(filter cross,$(MAKECMDGOALS)),cross)
DEPS_STATUS := $(shell scripts/deps.sh $(DEPS_GROUPS) >&2 || echo failed)
ifeq ($(DEPS_STATUS),failed)
$(error scripts/deps.sh could not install the packages this target needs)
endif
endif
endif

# ---------------------------------------------------------------- features
have_header = $(shell printf '\043include <$(1)>\n' | $(CC) -E -x c - >/dev/null 2>&1 && echo 1 || echo 0)

define feature
ifeq ($$(origin WITH_$(1)),undefined)
WITH_$(1) := $$(call have_header,$(2))
else ifeq ($$(WITH_$(1)),1)
ifneq ($$(call have_header,$(2)),1)
$$(error WITH_$(1)=1 but <$(2)> was not found: install the Debian package $(3))
endif
else ifneq ($$(WITH_$(1)),0)
$$(error WITH_$(1) must be 1 or 0, not '$$(WITH_$(1))')
endif
export WITH_$(1)
endef
$(eval $(call feature,ZLIB,zlib.h,zlib1g-dev))
$(eval $(call feature,SNAPPY,snappy-c.h,libsnappy-dev))
$(eval $(call feature,LZ4,lz4frame.h,liblz4-dev))
$(eval $(call feature,ZSTD,zstd.h,libzstd-dev))
$(eval $(call feature,SSL,openssl/ssl.h,libssl-dev))
$(eval $(call feature,SASL,sasl/sasl.h,libsasl2-dev))

FEATURES := ZLIB SNAPPY LZ4 ZSTD SSL SASL
FEATURE_DEFS := $(foreach f,$(FEATURES),-DSAMSA_WITH_$(f)=$(WITH_$(f)))
FEATURE_LIBS := $(if $(filter 1,$(WITH_ZLIB)),-lz) \
                $(if $(filter 1,$(WITH_SNAPPY)),-lsnappy) \
                $(if $(filter 1,$(WITH_LZ4)),-llz4) \
                $(if $(filter 1,$(WITH_ZSTD)),-lzstd) \
                $(if $(filter 1,$(WITH_SASL)),-lsasl2) \
                $(if $(filter 1,$(WITH_SSL)),-lssl -lcrypto)
# libsnappy is C++ inside: a static link also needs its runtime
STATIC_EXTRA := $(if $(filter 1,$(WITH_SNAPPY)),-lstdc++ -lm)
SYS_LIBS := -lpthread

# ---------------------------------------------------------------- flags
FEATURE_BITS := $(WITH_ZLIB)$(WITH_SNAPPY)$(WITH_LZ4)$(WITH_ZSTD)$(WITH_SSL)$(WITH_SASL)
FEATURE_TAG := $(if $(filter 111111,$(FEATURE_BITS)),,-f$(FEATURE_BITS))
SAN_TAG   := $(if $(filter 1,$(SANITIZE)),-asan)
BUILD     ?= build/$(notdir $(firstword $(CC)))$(FEATURE_TAG)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wformat=2 -Wundef -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT      ?= -O2 -g
CSTD     := -std=c11
CPPFLAGS += -Iinclude -Iprotocol $(FEATURE_DEFS) -DSAMSA_VERSION_STRING='"$(VERSION)"'
FPIC     ?= -fPIC
# one section per function and object: a static program linked with
# -Wl,--gc-sections drops the unused ones inside the objects it pulls
SECTIONS ?= -ffunction-sections -fdata-sections
LIB_CFLAGS := $(CSTD) $(OPT) $(WARN) $(FPIC) $(SECTIONS) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

V ?= 0
ifeq ($(V),1)
Q :=
say :=@true
else
Q := @
say = @printf '  %-6s %s\n'
endif

# ---------------------------------------------------------------- sources
PROTO_SRC := $(sort $(wildcard protocol/*.c))
LIB_SRC   := $(PROTO_SRC) $(sort $(wildcard net/*.c client/*.c queue/*.c))
PUB_HDR   := $(wildcard include/samsa/*.h)
PROTO_HDR := $(wildcard protocol/*.h)

obj = $(patsubst %.c,$(1)/obj/%.o,$(2))

# library objects: plain build (BUILD) and sanitized test build (BUILD-asan)
LIB_OBJ   := $(call obj,$(BUILD),$(LIB_SRC))
PROTO_OBJ := $(call obj,$(BUILD),$(PROTO_SRC))
TBUILD    := $(BUILD)$(SAN_TAG)
TLIB_OBJ  := $(call obj,$(TBUILD),$(LIB_SRC))

LIBA      := $(BUILD)/libsamsa.a
LIBPROTO  := $(BUILD)/libsamsa-protocol.a
LIBSO     := $(BUILD)/libsamsa.so.$(VERSION)
SONAME    := libsamsa.so.$(SOVERSION)
TLIBA     := $(TBUILD)/test-lib/libsamsa.a

# tests
TEST_SUPPORT_SRC := $(sort $(wildcard test/support/*.c))
UNIT_SRC  := $(sort $(wildcard test/unit/test_*.c))
INTEG_SRC := $(sort $(wildcard test/integration/test_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))
UNIT_BIN  := $(patsubst test/unit/%.c,$(TBUILD)/test/unit/%,$(UNIT_SRC))
INTEG_BIN := $(patsubst test/integration/%.c,$(TBUILD)/test/integration/%,$(INTEG_SRC))
REPLAY_BIN := $(patsubst fuzz/%.c,$(TBUILD)/fuzz/replay_%,$(FUZZ_SRC))
SCHEMA_DUMP := $(TBUILD)/test/conformance/schema_dump
CONF_DOC    := $(TBUILD)/test/conformance/conf_doc
TEST_FLAGS := $(if $(filter 1,$(SANITIZE)),$(SAN_FLAGS))
TSUPPORT_OBJ := $(call obj,$(TBUILD),$(TEST_SUPPORT_SRC))

.PHONY: all lib protocol test asan valgrind check unit fuzz fuzz-build cross docs \
        install uninstall clean demo examples bench bench-quick bench-profile help tests-build \
        valgrind-run valgrind-unit valgrind-unit-run tools \
        docs-check

all: lib
lib: $(LIBA) $(LIBSO) $(LIBPROTO)
protocol: $(LIBPROTO)

# Layering is enforced by include paths: protocol/ sees only itself,
# net/ sees protocol/, client/ sees net/ and protocol/, queue/ all below it.
$(BUILD)/obj/net/%.o $(TBUILD)/obj/net/%.o: LAYER_INC := -Inet
$(BUILD)/obj/client/%.o $(TBUILD)/obj/client/%.o: LAYER_INC := -Inet -Iclient
$(BUILD)/obj/queue/%.o $(TBUILD)/obj/queue/%.o: LAYER_INC := -Inet -Iclient -Iqueue

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(TBUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) $(LIB_CFLAGS) $(TEST_FLAGS) -MMD -MP -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBPROTO): $(PROTO_OBJ)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBSO): $(LIB_OBJ) scripts/libsamsa.map
	$(say) LD $@
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=scripts/libsamsa.map \
	    -o $@ $(LIB_OBJ) $(LDFLAGS) $(FEATURE_LIBS) $(SYS_LIBS)
	$(Q)ln -sf $(notdir $@) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILD)/libsamsa.so

ifneq ($(TBUILD),$(BUILD))
$(TLIBA): $(TLIB_OBJ)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^
else
$(TLIBA): $(LIBA)
	@mkdir -p $(@D)
	cp $< $@
endif

$(TBUILD)/libtestsupport.a: $(TSUPPORT_OBJ)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

TEST_LINK = $(TBUILD)/libtestsupport.a $(TLIBA) $(FEATURE_LIBS) $(SYS_LIBS) $(LDFLAGS)
TEST_CFLAGS = $(CPPFLAGS) -Inet -Iclient -Iqueue -Itest/support $(CSTD) $(OPT) $(WARN) $(TEST_FLAGS) $(CFLAGS)

$(TBUILD)/test/%: test/%.c $(TBUILD)/libtestsupport.a $(TLIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP $< -o $@ $(TEST_LINK) -lcmocka

# gcc-built corpus replayers: the fuzz entry point plus a main() that feeds
# every corpus file in an exact-size allocation
$(TBUILD)/fuzz/replay_%: fuzz/%.c fuzz/replay_main.c $(TLIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(TEST_CFLAGS) -Ifuzz $< fuzz/replay_main.c -o $@ $(TLIBA) $(FEATURE_LIBS) $(SYS_LIBS) $(LDFLAGS)

tests-build: $(UNIT_BIN) $(INTEG_BIN) $(REPLAY_BIN) $(SCHEMA_DUMP) $(CONF_DOC)

RUN_ARGS = --unit "$(UNIT_BIN)" --integration "$(INTEG_BIN)" \
           --replay "$(REPLAY_BIN)" --corpus fuzz/corpus --conformance $(SCHEMA_DUMP) \
           --docs $(dir $(SCHEMA_DUMP))

test check: lib tests-build
	@test/run.sh $(RUN_ARGS)

unit: tests-build
	@SAMSA_TEST_NO_BROKER=1 test/run.sh --unit "$(UNIT_BIN)" --replay "$(REPLAY_BIN)" --corpus fuzz/corpus

asan:
	@$(MAKE) --no-print-directory test SANITIZE=1

valgrind:
	@$(MAKE) --no-print-directory tests-build SANITIZE=0
	@$(MAKE) --no-print-directory SANITIZE=0 valgrind-run

valgrind-run:
	@SAMSA_TEST_VALGRIND=1 test/run.sh $(RUN_ARGS)

# unit tests and corpus replay only, under valgrind (no broker)
valgrind-unit:
	@$(MAKE) --no-print-directory SANITIZE=0 valgrind-unit-run

valgrind-unit-run: tests-build
	@SAMSA_TEST_VALGRIND=1 SAMSA_TEST_NO_BROKER=1 test/run.sh --unit "$(UNIT_BIN)" \
	    --replay "$(REPLAY_BIN)" --corpus fuzz/corpus

# ---------------------------------------------------------------- fuzz (clang + libFuzzer)
FUZZ_BUILD := build/fuzz
FUZZ_BIN   := $(patsubst fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

fuzz-build:
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) SANITIZE=0 \
	    OPT="-O1 -g" CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	    $(FUZZ_BUILD)/libsamsa.a $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libsamsa.a
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -Ifuzz $(CSTD) -O1 -g $(FUZZ_FLAGS) $< -o $@ \
	    $(FUZZ_BUILD)/libsamsa.a $(FEATURE_LIBS) $(SYS_LIBS)

fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# ---------------------------------------------------------------- cross
ARM_CC    := arm-none-eabi-gcc
ARM_FLAGS := -Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections
cross:
	@$(MAKE) --no-print-directory CC=$(ARM_CC) AR=arm-none-eabi-ar BUILD=build/cortex-m4 \
	    WITH_ZLIB=0 WITH_SNAPPY=0 WITH_LZ4=0 WITH_ZSTD=0 WITH_SSL=0 WITH_SASL=0 \
	    OPT="$(ARM_FLAGS)" FPIC= build/cortex-m4/libsamsa-protocol.a
	@arm-none-eabi-size -t build/cortex-m4/libsamsa-protocol.a | tail -1 | \
	    awk '{print "libsamsa-protocol.a (cortex-m4, -Os, no features): text " $$1 " bytes"}'

# ---------------------------------------------------------------- install
$(BUILD)/samsa.pc: Makefile
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
	    'Name: samsa' 'Description: pure-C Kafka client' 'Version: $(VERSION)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lsamsa' \
	    'Libs.private: $(strip $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS))' > $(BUILD)/samsa.pc

install: lib tools $(BUILD)/samsa.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/samsa/protocol $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/samsa $(DESTDIR)$(BINDIR)/
	install -m 644 include/samsa.h $(DESTDIR)$(INCDIR)/
	install -m 644 $(PUB_HDR) $(DESTDIR)$(INCDIR)/samsa/
	install -m 644 $(PROTO_HDR) $(DESTDIR)$(INCDIR)/samsa/protocol/
	install -m 644 $(LIBA) $(LIBPROTO) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIBSO) $(DESTDIR)$(LIBDIR)/
	ln -sf libsamsa.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsamsa.so
	install -m 644 $(BUILD)/samsa.pc $(DESTDIR)$(LIBDIR)/pkgconfig/

uninstall:
	rm -rf $(DESTDIR)$(INCDIR)/samsa $(DESTDIR)$(INCDIR)/samsa.h
	rm -f $(DESTDIR)$(LIBDIR)/libsamsa* $(DESTDIR)$(LIBDIR)/pkgconfig/samsa.pc
	rm -f $(DESTDIR)$(BINDIR)/samsa

# ---------------------------------------------------------------- docs
# Regenerate the generated parts of docs/ from the tables in the code.
docs: $(SCHEMA_DUMP) $(CONF_DOC)
	@scripts/gen-docs.sh $(dir $(SCHEMA_DUMP))

# ---------------------------------------------------------------- tools
# tools/samsa: the kcat-like command line tool (public API only, static
# link so it runs from the build tree); samsa-probe: ApiVersions check.
CLI_SRC := $(sort $(wildcard tools/samsa/*.c))
CLI_HDR := $(wildcard tools/samsa/*.h)
TOOLS := $(BUILD)/samsa-probe $(BUILD)/samsa
tools: $(TOOLS)

$(BUILD)/samsa: $(CLI_SRC) $(CLI_HDR) $(LIBA)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) -Itools/samsa $(CSTD) $(OPT) $(WARN) $(CFLAGS) $(CLI_SRC) -o $@ $(LIBA) $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS) $(LDFLAGS)

$(BUILD)/samsa-probe: tools/probe.c $(LIBA)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) $(OPT) $(WARN) $(CFLAGS) $< -o $@ $(LIBA) $(FEATURE_LIBS) $(SYS_LIBS) $(LDFLAGS)

# ---------------------------------------------------------------- examples
# Each examples/NAME.c is one program using only <samsa.h>.
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
EXAMPLE_BIN := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRC))
examples: $(EXAMPLE_BIN)

# test_cli drives the tool and the examples of the plain build
$(TBUILD)/test/integration/test_cli: $(BUILD)/samsa $(EXAMPLE_BIN)

$(BUILD)/examples/%: examples/%.c $(LIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) $(OPT) $(WARN) $(CFLAGS) $< -o $@ $(LIBA) $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS) $(LDFLAGS)

# ---------------------------------------------------------------- demo
demo: lib tools examples
	@scripts/demo.sh "$(BUILD)"

clean:
	rm -rf build

help:
	@sed -n '2,20p' Makefile

-include $(shell find build -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- bench-protocol
# Protocol layer throughput (CRC32C, batch encode/decode per codec); prints
# figures, not a test. docs/performance.md has the numbers from this machine.
.PHONY: bench-protocol
BENCH_PROTO := $(BUILD)/bench/bench_protocol
$(BENCH_PROTO): bench/bench_protocol.c $(LIBPROTO)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) -O2 -g $(WARN) $(CFLAGS) $< -o $@ $(LIBPROTO) $(FEATURE_LIBS)

bench-protocol: $(BENCH_PROTO)
	@$(BENCH_PROTO)

# ---------------------------------------------------------------- bench-idle
# CPU seconds of an idle loop holding a READY connection over 10 s, embedded
# and background (needs a broker: $SAMSA_TEST_BOOTSTRAP or BROKER=host:port).
.PHONY: bench-idle
BENCH_IDLE := $(BUILD)/bench/bench_idle
$(BENCH_IDLE): bench/bench_idle.c $(LIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) -Inet $(CSTD) -O2 -g $(WARN) $(CFLAGS) $< -o $@ $(LIBA) $(FEATURE_LIBS) $(SYS_LIBS)

bench-idle: $(BENCH_IDLE)
	@$(BENCH_IDLE) $(BROKER)

# ---------------------------------------------------------------- bench-produce
# Producer throughput and client CPU per million 100-byte messages, acks=all,
# no compression (needs a broker: $SAMSA_TEST_BOOTSTRAP or BROKER=host:port;
# BENCH_ARGS="messages bytes partitions embedded|background").
.PHONY: bench-produce
BENCH_PRODUCE := $(BUILD)/bench/bench_produce
$(BENCH_PRODUCE): bench/bench_produce.c $(LIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) -O2 -g $(WARN) $(CFLAGS) $< -o $@ $(LIBA) $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS)

bench-produce: $(BENCH_PRODUCE)
	@$(BENCH_PRODUCE) "$(BROKER)" $(BENCH_ARGS)

# ---------------------------------------------------------------- bench (issue 9)
# samsa side by side with librdkafka and the Java perf tools, one broker,
# alternating rounds, medians: bench/run.sh (its header lists the BENCH_*
# knobs). Writes build/bench/results.{json,md,png}. bench-quick: tiny sizes,
# one round, no Java or static builds; asserts nothing about speed. Both
# start their own broker unless SAMSA_BENCH_BOOTSTRAP=host:port is given.
BENCH_DIR   := $(BUILD)/bench
BENCH_SAMSA := $(BENCH_DIR)/bench_samsa
BENCH_RDK   := $(BENCH_DIR)/peer_rdkafka
BENCH_CC     = $(CC) $(CPPFLAGS) $(CSTD) -O2 -g $(WARN) $(CFLAGS)
# the consume workloads are compiled in once libsamsa.a has the calls
bench_has = $$(nm -g --defined-only $(LIBA) 2>/dev/null | grep -q ' T $(1)$$' && echo $(2))
$(BENCH_SAMSA): bench/bench_samsa.c bench/bench_util.h $(LIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(BENCH_CC) $(call bench_has,samsa_consume,-DBENCH_HAVE_CONSUMER=1) \
		$(call bench_has,samsa_subscribe,-DBENCH_HAVE_GROUP=1) \
		$< -o $@ $(LIBA) $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS)
$(BENCH_RDK): bench/peer_rdkafka.c bench/bench_util.h
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(BENCH_CC) $< -o $@ $$(pkg-config --libs rdkafka 2>/dev/null || echo -lrdkafka)

bench: $(BENCH_SAMSA) $(BENCH_RDK)
	BENCH_BIN=$(BENCH_DIR) BENCH_OUT=$(or $(BENCH_OUT),build/bench) bench/run.sh
bench-quick: $(BENCH_SAMSA) $(BENCH_RDK)
	BENCH_BIN=$(BENCH_DIR) BENCH_OUT=$(or $(BENCH_OUT),build/bench) bench/run.sh --quick
# instructions per message under callgrind (stable on a noisy machine)
bench-profile: $(BENCH_SAMSA) $(BENCH_RDK)
	BENCH_BIN=$(BENCH_DIR) BENCH_OUT=$(or $(BENCH_OUT),build/bench) bench/profile.sh

# ---------------------------------------------------------------- bench-queue
# The queue layer (no-op handler) next to the raw consumer in the same run,
# medians and the queue's cost; then a 1 ms handler with 1, 4, 16 workers
# (needs a broker: $SAMSA_TEST_BOOTSTRAP or BROKER=host:port;
# BENCH_ARGS="messages partitions rounds").
.PHONY: bench-queue
BENCH_QUEUE := $(BUILD)/bench/bench_queue
$(BENCH_QUEUE): bench/bench_queue.c $(LIBA)
	@mkdir -p $(@D)
	$(say) CCLD $@
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) -O2 -g $(WARN) $(CFLAGS) $< -o $@ $(LIBA) $(FEATURE_LIBS) $(STATIC_EXTRA) $(SYS_LIBS)

bench-queue: $(BENCH_QUEUE)
	@$(BENCH_QUEUE) "$(BROKER)" $(BENCH_ARGS)
