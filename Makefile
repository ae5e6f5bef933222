# newsenrich — build, test, run.
#
#   make run        install what is missing, build, run the embedded demo
#   make test       build and run every test (unit + integration on a real broker)
#   make bench      offline throughput of the enrichment chain
#   make SANITIZE=1 test   the same under ASan + UBSan
#
# Sources are picked up by folder, so adding a module needs no edit here.
# Extra targets of a single feature live in mk/*.mk.

CC      ?= cc
.DEFAULT_GOAL := all
PKGS    := rdkafka yajl libcurl libcrypto libmicrohttpd libxml-2.0
ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
OPT     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
OPT     := -O2
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -I. $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(filter -fsanitize=%,$(OPT))
# CLD2 (language detection, enrichers/lang/) is C++ without a pkg-config
# file: its one shim (lang_cld2.cc) builds with $(CXX), and the C++
# runtime comes with it.
CXX     ?= g++
CXXFLAGS += -std=c++11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -I. -MMD -MP
LDLIBS  += $(PKG_LIBS) -lcld2 -lstdc++ -lm -lpthread

LIB_SRC  := $(wildcard common/*.c config/*.c enrichers/*/*.c consumer/*.c producer/*.c notifier/*.c service/*.c)
CMD_SRC  := $(wildcard cmd/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
LIB_CXX_SRC := $(wildcard enrichers/*/*.cc)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX_SRC:%.cc=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)

BIN      := $(BUILD)/newsenrich
UNIT     := $(BUILD)/unit_tests
LIB      := $(BUILD)/libnewsenrich.a

.PHONY: all deps run test unit tools bench clean

# Helper programs for the tests; mk/*.mk fragments add their prerequisites.
tools:
all: $(BIN) $(UNIT)

deps:
	@scripts/install-deps.sh $(DEPS_FLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIB) $(LDLIBS)

$(UNIT): $(UNIT_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) demo

test: DEPS_FLAGS = --test
test: deps
	@$(MAKE) --no-print-directory all tools
	@BUILD=$(BUILD) scripts/run-tests.sh

unit: $(UNIT)
	$(UNIT)

clean:
	rm -rf build build-asan

-include mk/*.mk
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
