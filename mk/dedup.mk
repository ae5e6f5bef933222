# dedup.mk — the dedup stage's tools (enrichers/dedup/).
#
#   make eval-dedup    precision/recall of exact and near duplicates on
#                      PolNeAR articles + generated copies (skips without data)
#   make eval-claims   claim novelty on PolNeAR's quotes: exact repeats,
#                      variants and excerpts found, other quotes and
#                      one-word changes not, against the rule decided
#                      exhaustively (skips without data)
#   make bench-dedup   lookup-and-insert rate and index bytes per article at
#                      1 million stored articles
#   make bench-dedup-state
#                      bytes per article of the whole state (index, story
#                      features, claims) and peak RSS at 10 k, 100 k, 1 M
#                      stored articles (one process each: peak RSS only grows)

DEDUP_DATA  ?= ../shared/data
EVAL_DEDUP  := $(BUILD)/tools/eval_dedup
BENCH_DEDUP := $(BUILD)/tools/bench_dedup
EVAL_CLAIMS := $(BUILD)/tools/eval_claims

.PHONY: eval-dedup eval-claims bench-dedup bench-dedup-state

tools: $(EVAL_DEDUP) $(BENCH_DEDUP) $(EVAL_CLAIMS)

$(EVAL_CLAIMS): $(BUILD)/tools/eval_claims.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

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

eval-claims: $(EVAL_CLAIMS)
	@if [ -f $(DEDUP_DATA)/polnear/train.jsonl ]; then \
		$(EVAL_CLAIMS) $(DEDUP_DATA)/polnear $(EVAL_CLAIMS_ARGS); \
	else \
		echo "eval-claims: skipped: $(DEDUP_DATA)/polnear not found (the shared data is not beside this checkout)"; \
	fi

bench-dedup: $(BENCH_DEDUP)
	$(BENCH_DEDUP) $${BENCH_DEDUP_ARTICLES:-1000000}

bench-dedup-state: $(BENCH_DEDUP)
	@for n in 10000 100000 1000000; do $(BENCH_DEDUP) --state $$n || true; done

-include $(BUILD)/tools/eval_dedup.d $(BUILD)/tools/bench_dedup.d $(BUILD)/tools/eval_claims.d
