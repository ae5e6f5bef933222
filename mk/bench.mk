# make bench — offline throughput of the chain on the PolNeAR articles
# (../shared/data/polnear, joined into one JSON-lines corpus).
BENCH_CHAIN := $(BUILD)/bench_chain

$(BENCH_CHAIN): $(BUILD)/tools/bench_chain.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

tools: $(BENCH_CHAIN)

bench: all $(BENCH_CHAIN)
	@BUILD=$(BUILD) scripts/bench.sh
