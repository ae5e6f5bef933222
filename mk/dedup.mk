# dedup.mk — the dedup stage's tools (enrichers/dedup*.c, claims_*.c).
#
#   make eval-dedup    precision/recall of exact and near duplicates on
#                      PolNeAR articles + generated copies (skips without data)
#   make bench-dedup   lookup-and-insert rate and index bytes per article at
#                      1 million stored articles
#   make bench-dedup-state
#                      bytes per article of the whole state (index, story
#                      features, claims) and peak RSS at 10 k, 100 k, 1 M
#                      stored articles (one process each: peak RSS only grows)

DEDUP_DATA  ?= ../shared/data
EVAL_DEDUP  := $(BUILD)/tools/eval_dedup
BENCH_DEDUP := $(BUILD)/tools/bench_dedup

.PHONY: eval-dedup bench-dedup bench-dedup-state

tools: $(EVAL_DEDUP) $(BENCH_DEDUP)

$(EVAL_DEDUP): $(BUILD)/tools/eval_dedup.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BENCH_DEDUP): $(BUILD)/tools/bench_dedup.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

eval-dedup: $(EVAL_DEDUP)
	@if [ -f $(DEDUP_DATA)/polnear/train.jsonl ]; then \
		$(EVAL_DEDUP) $(DEDUP_DATA)/polnear; \
	else \
		echo "eval-dedup: skipped: $(DEDUP_DATA)/polnear not found (the shared data is not beside this checkout)"; \
	fi

bench-dedup: $(BENCH_DEDUP)
	$(BENCH_DEDUP) $${BENCH_DEDUP_ARTICLES:-1000000}

bench-dedup-state: $(BENCH_DEDUP)
	@for n in 10000 100000 1000000; do $(BENCH_DEDUP) --state $$n || true; done

-include $(BUILD)/tools/eval_dedup.d $(BUILD)/tools/bench_dedup.d
