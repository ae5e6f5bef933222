# fuzz.mk — libFuzzer targets (tests/fuzz/README.md).
#
#   make fuzz-build     clang + libFuzzer + ASan + UBSan build in build-fuzz/
#   make fuzz           installs clang (install-deps.sh --fuzz), builds, runs
#                       each target FUZZ_SECONDS (default 60) one after the
#                       other; new inputs go to build-fuzz/corpus/<target>,
#                       crashes to build-fuzz/artifacts/<target>/
#   make fuzz-regress   replays tests/fuzz/corpus/<target> and
#                       tests/fuzz/regressions/<target> through each target
#                       with a plain main() (no clang needed); part of
#                       `make test` through scripts/run-tests.sh
#
#   make fuzz FUZZ_TARGETS=fuzz_chain FUZZ_SECONDS=600
#   make fuzz FUZZ_ARGS='-jobs=2 -workers=2'      extra libFuzzer flags
#
# The regress drivers build with $(CC) into $(BUILD) like every other tool
# (so under SANITIZE=1 they run under ASan + UBSan). The libFuzzer build is
# a nested make with BUILD=build-fuzz, CC=clang and the fuzzer's OPT, which
# compiles LIB_SRC with -fsanitize=fuzzer-no-link,address,undefined; the
# targets link with -fsanitize=fuzzer,address,undefined.

FUZZ_TARGETS ?= fuzz_decode fuzz_config fuzz_chain fuzz_record fuzz_html
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 16384
FUZZ_TIMEOUT ?= 10
FUZZ_ARGS    ?=
FUZZ_BUILD   := build-fuzz
FUZZ_CC      ?= clang
FUZZ_CXX     ?= clang++
FUZZ_OPT     := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_LINK    := -fsanitize=fuzzer,address,undefined

FUZZ_ALL     := fuzz_decode fuzz_config fuzz_chain fuzz_record fuzz_html
FUZZ_REGRESS := $(FUZZ_ALL:%=$(BUILD)/fuzz/%-regress)

.PHONY: fuzz fuzz-build fuzz-regress fuzz-bins fuzz-clean

tools: $(FUZZ_REGRESS)

$(BUILD)/fuzz/%-regress: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/regress_main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/tests/fuzz/$*.o $(BUILD)/tests/fuzz/regress_main.o $(LIB) $(LDLIBS)

fuzz-regress: $(FUZZ_REGRESS)
	@BUILD=$(BUILD) tests/fuzz/regress.sh

# Called by fuzz-build with BUILD=build-fuzz CC=clang OPT=$(FUZZ_OPT).
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LINK) -o $@ $< $(LIB) $(LDLIBS)

fuzz-bins: $(FUZZ_ALL:%=$(BUILD)/fuzz/%)

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz-build: $(FUZZ_CC) not found (make fuzz installs it)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) OPT="$(FUZZ_OPT)" fuzz-bins

fuzz: DEPS_FLAGS = --fuzz
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
		dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
		echo "=== $$t: $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/fuzz/$$t $$dict -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
			-timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ $(FUZZ_ARGS) \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
	done

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

clean: fuzz-clean

-include $(BUILD)/tests/fuzz/regress_main.d $(FUZZ_ALL:%=$(BUILD)/tests/fuzz/%.d)

# Keep the objects: they are only reached through pattern rules.
.SECONDARY: $(FUZZ_ALL:%=$(BUILD)/tests/fuzz/%.o) $(BUILD)/tests/fuzz/regress_main.o
