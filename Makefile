# authsweep - non-recursive Makefile.
#
#   make                      release build (jemalloc) -> ./authsweep
#   make SAN=address,undefined sanitizer build, libc malloc -> build/san-*/
#   make SAN=thread           ThreadSanitizer build
#   make CC=clang             the same with clang (objects kept apart)
#   make check                build and run every test (cmocka units,
#                             conformance vectors, end-to-end, differential)
#   make demo                 generate a sample corpus, verify it, summarize
#   make fuzz                 libFuzzer targets (clang) -> build/fuzz/
#   make fuzz-smoke           run each fuzz target briefly (FUZZ_SECONDS)
#   make bench                benchmark on a 100k-message corpus (bench/README.md)
#   make bench-smoke          the same benchmark, tiny, to check that it runs
#   make bench-dns            verify with keys from NSD behind 20 ms of latency,
#                             cold cache against warm (bench/README.md)
#   make bench-dns-smoke      the same, tiny, to check that it runs
#   make bench-peers          authsweep beside OpenDKIM, dkimpy, Mail::DKIM and
#                             mailauth on one corpus (bench/README.md)
#   make bench-peers-smoke    the same, tiny, to check that it runs
#   make bench-canon          the canonicalizers alone, GB/s per core
#   make bench-canon-smoke    the same, tiny, to check that it runs
#   make bench-callgrind      OpenSSL calls and instructions per message
#   make conformance          the DKIM canonicalization corpus against authsweep
#                             and the peers (corpus/conformance/README.md)
#   make deps                 install the Debian packages build and tests need
#   make check-layers         enforce the folder layering and banned calls
#   make format / format-check
#
# Objects live in build/<mode>-<compiler>/ so that modes never mix.

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SAN ?=
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

CC_VERSION := $(shell $(CC) --version 2>/dev/null | head -n 1)
CC_IS_CLANG := $(if $(findstring clang,$(CC_VERSION)),1,0)
CC_NAME := $(if $(filter 1,$(CC_IS_CLANG)),clang,gcc)

ifeq ($(SAN),)
MODE := release
else ifeq ($(SAN),address,undefined)
MODE := san-asan-ubsan
else ifeq ($(SAN),address)
MODE := san-asan
else ifeq ($(SAN),undefined)
MODE := san-ubsan
else ifeq ($(SAN),thread)
MODE := san-tsan
else
$(error unknown SAN=$(SAN); use address,undefined | address | undefined | thread)
endif

BUILD := build/$(MODE)-$(CC_NAME)

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wvla -Wwrite-strings \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wimplicit-fallthrough -Wsign-compare -Wtype-limits \
	-Wmissing-field-initializers
ifeq ($(CC_IS_CLANG),0)
WARN += -Wlogical-op -Wformat-signedness
endif

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -g -I.
ifeq ($(MODE),release)
OPT := -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
MALLOC_LIBS := -ljemalloc
else
OPT := -O1 -fsanitize=$(SAN) -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DAUTHSWEEP_ARENA_MALLOC
MALLOC_LIBS :=
LDSAN := -fsanitize=$(SAN)
endif

CFLAGS_ALL := $(BASE_CFLAGS) $(OPT) $(WARN) $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) $(LDFLAGS)
LIBS := -luring -lcares -lzstd -lz -lcrypto -lm -lpthread

# Library code: everything but the program's main().
CANON_SRCS := $(wildcard canon/*.c)
CRYPTO_SRCS := $(wildcard crypto/*.c)
DNS_SRCS := $(wildcard dns/*.c)
AUTH_SRCS := $(wildcard auth/*.c)
ENGINE_SRCS := $(filter-out engine/main.c,$(wildcard engine/*.c))
LIB_SRCS := $(CANON_SRCS) $(CRYPTO_SRCS) $(DNS_SRCS) $(AUTH_SRCS) \
	$(ENGINE_SRCS)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A := $(BUILD)/libauthsweep.a

PROG := $(BUILD)/authsweep
GEN := $(BUILD)/corpusgen
GEN_SRCS := $(wildcard corpus/gen/*.c)
GEN_OBJS := $(GEN_SRCS:%.c=$(BUILD)/%.o)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
VECTOR_SRCS := $(wildcard tests/vectors/*.c)
VECTOR_BIN := $(BUILD)/tests/run_vectors
# dnsdelay.c is a program of its own (below), not linked into the tests.
TEST_SUPPORT_SRCS := $(filter-out tests/support/dnsdelay.c,\
	$(wildcard tests/support/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/%.o)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN := $(BUILD)/tests/fuzz_replay
DNSDELAY := $(BUILD)/tests/dnsdelay

.SECONDARY:

.PHONY: all check unit vectors e2e dns-test diff demo fuzz fuzz-smoke deps \
	check-layers check-headers format format-check bench bench-smoke \
	bench-dns bench-dns-smoke bench-arc bench-arc-smoke bench-fanout \
	bench-fanout-smoke bench-canon bench-canon-smoke bench-callgrind \
	bench-peers bench-peers-smoke conformance clean

all: $(PROG) $(GEN) $(DNSDELAY)
ifeq ($(MODE)-$(CC_NAME),release-gcc)
	$(Q)ln -sfn $(PROG) authsweep
else ifeq ($(MODE),release)
	$(Q)[ -e authsweep ] || ln -sfn $(PROG) authsweep
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROG): $(BUILD)/engine/main.o $(LIB_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)

$(GEN): $(GEN_OBJS) $(LIB_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)

# arcseal: an ARC-heavy copy of a corpus, for bench/arc.sh.
ARCSEAL := $(BUILD)/arcseal
$(ARCSEAL): $(BUILD)/bench/arcseal.o $(LIB_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(TEST_SUPPORT_OBJS) \
		$(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS) $(MALLOC_LIBS)

$(VECTOR_BIN): $(VECTOR_SRCS:%.c=$(BUILD)/%.o) $(TEST_SUPPORT_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS) $(MALLOC_LIBS)

$(REPLAY_BIN): $(BUILD)/tests/fuzz/replay.o \
		$(FUZZ_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)

# The replay driver links every target; each fuzz_*.c defines its entry
# point under a unique name when FUZZ_REPLAY is set.
$(BUILD)/tests/fuzz/%.o: CFLAGS_ALL += -DFUZZ_REPLAY

# ---- tests ---------------------------------------------------------------

check: unit vectors e2e dns-test diff fuzz-replay conformance

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
		echo "  TEST    $$t"; $$t; done

# The ARC suites: ValiMail's YAML, turned into a plain file first.
ARC_VECTOR_BIN := $(BUILD)/tests/run_arc
ARC_VALIMAIL := $(BUILD)/tests/arc-valimail.txt

# The RFC 8601 parser as a filter, for the python-authres vectors.
AUTHRES_DUMP := $(BUILD)/tests/dump_authres

vectors: $(VECTOR_BIN) $(ARC_VECTOR_BIN) $(ARC_VALIMAIL) $(AUTHRES_DUMP)
	@echo "  TEST    conformance vectors"
	$(Q)$(VECTOR_BIN)
	$(Q)ARC_VALIMAIL=$(ARC_VALIMAIL) $(ARC_VECTOR_BIN)
	$(Q)/usr/bin/python3 tests/vectors/authres/check_authres.py \
		$(AUTHRES_DUMP) \
		tests/vectors/conformance/authres-python/authres-vectors.json

$(AUTHRES_DUMP): $(BUILD)/tests/vectors/authres/dump_authres.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)


$(ARC_VECTOR_BIN): $(BUILD)/tests/vectors/arc/run_arc.o \
		$(BUILD)/tests/vectors/vectors.o $(TEST_SUPPORT_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS) $(MALLOC_LIBS)

$(ARC_VALIMAIL): tests/vectors/arc_valimail.py \
		tests/vectors/conformance/arc-valimail/arc-draft-validation-tests.yml
	@mkdir -p $(dir $@)
	$(Q)/usr/bin/python3 $^ >$@.tmp && mv $@.tmp $@

NO_URING := $(BUILD)/tests/no_uring

$(NO_URING): tests/e2e/no_uring.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -O1 $(WARN) -o $@ $<

# The UDP delay relay bench/dns.sh puts in front of NSD when the kernel
# has no netem qdisc.
$(DNSDELAY): tests/support/dnsdelay.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(OPT) $(WARN) $(LDSAN) -o $@ $<

e2e: $(PROG) $(GEN) $(NO_URING)
	@echo "  TEST    end to end"
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) tests/e2e/run.sh
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) NO_URING=$(NO_URING) \
		tests/e2e/engine.sh
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) tests/e2e/diagnose.sh

RESOLVER_TEST := $(BUILD)/tests/test_resolver
LIVE_TEST := $(BUILD)/tests/test_live

$(BUILD)/tests/test_%: $(BUILD)/tests/dns/test_%.o $(TEST_SUPPORT_OBJS) \
		$(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS) $(MALLOC_LIBS)

dns-test: $(RESOLVER_TEST) $(LIVE_TEST) $(PROG) $(GEN) $(DNSDELAY)
	@echo "  TEST    live DNS (NSD on loopback)"
	$(Q)RESOLVER_TEST=$(RESOLVER_TEST) LIVE_TEST=$(LIVE_TEST) \
		AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) DNSDELAY=$(DNSDELAY) \
		tests/dns/run.sh

diff: $(PROG) $(GEN)
	@echo "  TEST    differential (python3-dkim)"
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) tests/diff/run.sh

.PHONY: fuzz-replay
fuzz-replay: $(REPLAY_BIN)
	@echo "  TEST    fuzz corpora replay"
	$(Q)$(REPLAY_BIN) tests/fuzz

# ---- demo ----------------------------------------------------------------

DEMO_DIR := build/demo
DEMO_N ?= 5000

demo: $(PROG) $(GEN)
	$(Q)rm -rf $(DEMO_DIR)
	$(Q)$(GEN) --out $(DEMO_DIR) --count $(DEMO_N) --seed 1 >/dev/null
	$(Q)$(PROG) verify --keys $(DEMO_DIR)/keys.zone -o $(DEMO_DIR)/results \
		$(DEMO_DIR)/maildir
	@echo "results: $(DEMO_DIR)/results (format: README.md, 'Output')"

# ---- fuzzing -------------------------------------------------------------

FUZZ_BUILD := build/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -g -O1 -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DAUTHSWEEP_ARENA_MALLOC \
	$(filter-out -Wlogical-op -Wformat-signedness,$(WARN))
FUZZ_LIB_SRCS := $(CANON_SRCS) $(CRYPTO_SRCS) $(DNS_SRCS) $(AUTH_SRCS)
FUZZ_SECONDS ?= 20

fuzz: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRCS) -lcares -lcrypto -lm -lpthread

fuzz-smoke: fuzz
	@set -e; for n in $(FUZZ_NAMES); do \
		echo "  FUZZ    $$n ($(FUZZ_SECONDS)s)"; \
		mkdir -p build/fuzz/work/$$n; \
		$(FUZZ_BUILD)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=0 \
			-max_len=$$(awk -v t=$$n '$$1==t {print $$2}' \
				tests/fuzz/max_len.txt) \
			build/fuzz/work/$$n tests/fuzz/$${n}_corpus \
			2>build/fuzz/work/$$n.log || \
			{ tail -n 40 build/fuzz/work/$$n.log; exit 1; }; \
	done

# ---- housekeeping --------------------------------------------------------

DEPS := $(shell grep -v '^\#' .ci/packages)

deps:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y \
		--no-install-recommends $(DEPS)

# Layering (STYLE.md H2): canon/ depends on libc only; crypto/ on canon/;
# auth/ never on engine/, threads, io_uring or the clock; OpenSSL only in
# crypto/.  Banned string functions (H3) in canon/, crypto/, auth/, dns/.
check-layers:
	@fail=0; \
	if grep -nE '#include "(crypto|auth|engine|dns)/' canon/*.[ch]; then \
		echo "canon/ must not include crypto/, auth/, dns/ or engine/"; \
		fail=1; fi; \
	if grep -nE '#include "(auth|engine|dns)/' crypto/*.[ch]; then \
		echo "crypto/ must not include auth/, dns/ or engine/"; \
		fail=1; fi; \
	if grep -nE '#include "(auth|engine)/' dns/*.[ch]; then \
		echo "dns/ must not include auth/ or engine/"; fail=1; fi; \
	if grep -nE '#include ("engine/|"dns/(zone|cache|live)|<liburing.h>|<pthread.h>)' \
		auth/*.[ch] 2>/dev/null; then \
		echo "auth/ may include only dns/view.h of dns/, and no engine/, pthread or liburing"; \
		fail=1; fi; \
	if grep -nE '\b(time|clock_gettime|gettimeofday)\(' auth/*.[ch] \
		canon/*.[ch] 2>/dev/null; then \
		echo "protocol code must not read the clock"; fail=1; fi; \
	if grep -lE '#include <openssl/' $$(ls */*.[ch] | grep -v '^crypto/') \
		2>/dev/null; then \
		echo "only crypto/ may include OpenSSL headers"; fail=1; fi; \
	if grep -nE '\b(strlen|strcpy|strlcpy|strcat|sprintf|strtok|strtok_r|sscanf|atoi|strtol|strtoul|strtoull|strtoll|strchr)\(' \
		canon/*.c crypto/*.c auth/*.c dns/*.c 2>/dev/null; then \
		echo "banned string function in canon/, crypto/, auth/ or dns/"; \
		fail=1; fi; \
	exit $$fail

# Every header compiles on its own.
check-headers:
	@set -e; for h in $$(ls canon/*.h crypto/*.h dns/*.h auth/*.h \
		engine/*.h 2>/dev/null); do \
		printf '#include "%s"\n' $$h | \
			$(CC) $(BASE_CFLAGS) $(WARN) -fsyntax-only -x c - || \
			{ echo "header not self-contained: $$h"; exit 1; }; \
	done

FORMAT_FILES = $(shell ls canon/*.[ch] crypto/*.[ch] dns/*.[ch] \
	auth/*.[ch] engine/*.[ch] corpus/gen/*.[ch] tests/unit/*.[ch] \
	tests/vectors/*.[ch] tests/fuzz/*.[ch] tests/support/*.[ch] tests/e2e/*.c tests/dns/*.c \
	tests/*.h 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

# ---- benchmarks ----------------------------------------------------------

# Knobs (BENCH_COUNT, BENCH_RUNS, BENCH_ENFORCE, ...): bench/README.md.
bench: $(PROG) $(GEN)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) bench/run.sh

# Checks that the harness works end to end; its numbers mean little.
bench-smoke: $(PROG) $(GEN)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) BENCH_DIR=build/bench-smoke \
		BENCH_COUNT=2000 BENCH_SMALL=500 BENCH_RUNS=1 BENCH_ROUNDS=1 BENCH_WARMUP=0 \
		OPENSSL_SECONDS=1 BENCH_ENFORCE=0 bench/run.sh

# Cold against warm DNS cache, keys from NSD behind 20 ms of latency each
# way (knobs DNSBENCH_*: bench/README.md).
bench-dns: $(PROG) $(GEN) $(DNSDELAY)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) DNSDELAY=$(DNSDELAY) bench/dns.sh

bench-arc: $(PROG) $(GEN) $(ARCSEAL)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) ARCSEAL=$(ARCSEAL) bench/arc.sh

bench-fanout: $(PROG) $(GEN)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) bench/fanout.sh

bench-fanout-smoke: $(PROG) $(GEN)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) FANOUT_DIR=build/bench-fanout-smoke \
		FANOUT_SOURCE=500 FANOUT_COUNT=100 FANOUT_COPIES=5 FANOUT_RUNS=1 \
		bench/fanout.sh

bench-arc-smoke: $(PROG) $(GEN) $(ARCSEAL)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) ARCSEAL=$(ARCSEAL) \
		ARCBENCH_DIR=build/bench-arc-smoke ARCBENCH_COUNT=500 \
		ARCBENCH_RUNS=1 bench/arc.sh

# bench-dns-smoke: the same, small, to keep the harness working (CI).
bench-dns-smoke: $(PROG) $(GEN) $(DNSDELAY)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) DNSDELAY=$(DNSDELAY) \
		DNSBENCH_DIR=build/bench-dns-smoke DNSBENCH_COUNT=2000 \
		DNSBENCH_SELECTORS=1000 DNSBENCH_RUNS=1 DNSBENCH_ENFORCE=0 \
		bench/dns.sh

# canonbench: the canonicalizers alone, in GB/s per core, beside SHA-256
# (bench/README.md, "Canonicalizers alone"; flags: CANONBENCH_FLAGS).
CANONBENCH := $(BUILD)/bench/canonbench
CANONBENCH_FLAGS ?=
$(CANONBENCH): $(BUILD)/bench/canon.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(MALLOC_LIBS)

bench-canon: $(CANONBENCH)
	$(Q)$(CANONBENCH) $(CANONBENCH_FLAGS)

# Checks that it runs and that every level matches the reference.
bench-canon-smoke: $(CANONBENCH)
	$(Q)$(CANONBENCH) --size 64k --reps 1 --min-time 0.005

# OpenSSL 3 calls, mallocs and instructions per message under callgrind
# (bench/README.md, "OpenSSL on the hot path"; knobs CALLGRIND_*).
bench-callgrind: $(PROG) $(GEN)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) bench/callgrind.sh

# bench/peers/: authsweep beside OpenDKIM (libopendkim through a harness of
# ours), python3-dkim, Mail::DKIM and mailauth, one thread each, on one
# corpus (bench/README.md, "Peers, side by side"; knobs PEERS_*).
OPENDKIM_VERIFY := $(BUILD)/bench/peers/opendkim_verify
$(OPENDKIM_VERIFY): bench/peers/opendkim_verify.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_ALL) -I/usr/include/opendkim $(LDFLAGS_ALL) \
		-o $@ $< -lopendkim

bench-peers: $(PROG) $(GEN) $(OPENDKIM_VERIFY)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) OPENDKIM_VERIFY=$(OPENDKIM_VERIFY) \
		bench/peers/run.sh

# 200 messages, to keep the harnesses working (CI); mailauth is skipped,
# with a line that says why, when npm cannot install it.
bench-peers-smoke: $(PROG) $(GEN) $(OPENDKIM_VERIFY)
	$(Q)AUTHSWEEP=$(PROG) CORPUSGEN=$(GEN) OPENDKIM_VERIFY=$(OPENDKIM_VERIFY) \
		PEERS_DIR=build/bench-peers-smoke PEERS_COUNT=200 \
		PEERS_SLOW_COUNT=200 PEERS_ENFORCE=0 bench/peers/run.sh

# corpus/conformance/: the DKIM canonicalization conformance corpus against
# authsweep and the peers (corpus/conformance/README.md); authsweep must get
# every case right, the peers are reported.
conformance: $(PROG) $(OPENDKIM_VERIFY)
	$(Q)/usr/bin/python3 corpus/conformance/make_cases.py --check
	$(Q)AUTHSWEEP=$(PROG) OPENDKIM_VERIFY=$(OPENDKIM_VERIFY) \
		CONFORMANCE_ENFORCE=1 bench/conformance/run.sh

clean:
	rm -rf build authsweep

-include $(shell find build -name '*.d' 2>/dev/null)
