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

# ---- the speaker ranker (enrichers/quotes/quotes_rank.c) --------------------
#
#   make speakers-train  retrain models/speakers.model from PolNeAR train's
#                        source spans: 5-fold cross-validation on train picks
#                        the number of epochs and prints the folds' figures,
#                        then the model is trained on all of train (dev is not
#                        read). Deterministic: same data, same model bytes.
#                        The model is built into the library (quotes_model.c).

SPK_TRAIN := $(BUILD)/tools/speakers_train

.PHONY: speakers-train

tools: $(SPK_TRAIN)

$(BUILD)/enrichers/quotes/quotes_model.o: models/speakers.model

$(SPK_TRAIN): $(BUILD)/tools/speakers_train.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

speakers-train: $(SPK_TRAIN)
	@test -f $(QUOTES_DATA)/polnear/train.jsonl || { echo "speakers-train: $(QUOTES_DATA)/polnear not found"; exit 1; }
	$(SPK_TRAIN) --train $(QUOTES_DATA)/polnear/train.jsonl --out models/speakers.model

-include $(BUILD)/tools/speakers_train.d
