# quotes.mk — the quotes stage's evaluation (enrichers/quotes/).
#
#   make eval-quotes   quote-span P/R/F1 (overlap >= 0.3 and >= 0.8) and
#                      speaker accuracy on PolNeAR dev, indirect speech
#                      separately, and the seed articles against
#                      tests/fixtures/seeds_quotes.json; "skipped: …" when
#                      ../shared/data is absent. QUOTES_SPLIT=train scores
#                      the training split (used for tuning).

QUOTES_DATA  ?= ../shared/data
QUOTES_SPLIT ?= dev
EVAL_QUOTES  := $(BUILD)/tools/eval_quotes

.PHONY: eval-quotes

tools: $(EVAL_QUOTES)

$(EVAL_QUOTES): $(BUILD)/tools/eval_quotes.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

eval-quotes: $(EVAL_QUOTES)
	@$(EVAL_QUOTES) --data $(QUOTES_DATA) --split $(QUOTES_SPLIT) --seeds tests/fixtures/seeds_quotes.json

-include $(BUILD)/tools/eval_quotes.d
