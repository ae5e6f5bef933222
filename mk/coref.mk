# coref.mk — the coreference model's tools (enrichers/coref/).
#
#   make coref-train   retrain models/coref.model from ../shared/data: GUM
#                      train split + GAP development; epochs and window by
#                      5-fold cross-validation; deterministic
#   make eval-coref    GAP validation F1 (overall, M, F, bias) of the model
#                      (the given pronoun and names as mentions) and through
#                      the product (each text through the entities stage,
#                      scored on the published entity mentions), GUM dev/test
#                      MUC and B3 on person/organisation mentions, speed on
#                      COREF_BENCH, load time; "skipped: …" without the data.
#                      EVAL_COREF_FLAGS="--gap-split development --gap-diag"
#                      diagnoses on the trainer's split instead
#
# Both tools link the library.

COREF_DATA  ?= ../shared/data
COREF_BENCH ?= .cache/bench/polnear-varied.jsonl
COREF_TRAIN := $(BUILD)/tools/coref_train
COREF_EVAL  := $(BUILD)/tools/eval_coref

.PHONY: coref-train eval-coref

tools: $(COREF_TRAIN) $(COREF_EVAL)

$(COREF_TRAIN): $(BUILD)/tools/coref_train.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(COREF_EVAL): $(BUILD)/tools/eval_coref.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

coref-train: $(COREF_TRAIN)
	@test -d $(COREF_DATA)/gum -a -f $(COREF_DATA)/gap/gap-development.tsv || \
		{ echo "coref-train: $(COREF_DATA)/gum or gap not found"; exit 1; }
	$(COREF_TRAIN) --data $(COREF_DATA) --ner models/ner.model --out models/coref.model

eval-coref: $(COREF_EVAL)
	@$(COREF_EVAL) --model models/coref.model --ner models/ner.model --data $(COREF_DATA) --bench $(COREF_BENCH) $(EVAL_COREF_FLAGS)

-include $(BUILD)/tools/coref_train.d $(BUILD)/tools/eval_coref.d
