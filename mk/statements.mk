# statements.mk — the quotes stage's learned statement filter
# (enrichers/quotes/quotes_filter.c).
#
#   make statements-train  retrain models/statements.model from PolNeAR
#                          train: its candidate statements (indirect and
#                          partial quotes with a speech verb, the filter
#                          off) labelled by overlap with the gold
#                          attributions; 5-fold cross-validation on train
#                          (document folds) picks the number of epochs and
#                          the threshold and prints the folds' figures,
#                          then the model is trained on all of train (dev
#                          is not read). Deterministic: same data, same
#                          model bytes. The model is built into the
#                          library (quotes_model.c).
#   make statements-cv     the cross-validation only (writes no model).

STMT_TRAIN := $(BUILD)/tools/statements_train

.PHONY: statements-train statements-cv

tools: $(STMT_TRAIN)

$(BUILD)/enrichers/quotes/quotes_model.o: models/statements.model

$(STMT_TRAIN): $(BUILD)/tools/statements_train.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

statements-train: $(STMT_TRAIN)
	@test -f $(QUOTES_DATA)/polnear/train.jsonl || { echo "$@: $(QUOTES_DATA)/polnear not found"; exit 1; }
	$(STMT_TRAIN) --train $(QUOTES_DATA)/polnear/train.jsonl --out models/statements.model

statements-cv: $(STMT_TRAIN)
	@test -f $(QUOTES_DATA)/polnear/train.jsonl || { echo "$@: $(QUOTES_DATA)/polnear not found"; exit 1; }
	$(STMT_TRAIN) --train $(QUOTES_DATA)/polnear/train.jsonl --cv-only

-include $(BUILD)/tools/statements_train.d

# Retrained 2026-12-07 (session 12) when the naming frames ("accused X of
# …", "described X as …", "blasted X for …", quotes_frames.c) added
# candidates the model had never seen: 5-fold CV on train, the filter
# held out, indirect speech F1 0.6820 -> 0.6889 and quoted 0.8808 ->
# 0.8791 (without the frames -> with them, each with its own retrained
# filter); the shipped filter kept, on the new chain, dropped "described
# Donald Trump as a fascist". Seeds alerts unchanged (P 1.000 R 0.958).
# Retrained again the same day for the demand frames ("called for …",
# "calls on X to …", with a named or pronoun subject): CV indirect F1
# 0.6889 -> 0.6968, quoted 0.8791 -> 0.8781. Seeds alerts P 1.000 ->
# 0.958: one new alert, "Trump called on China … and Russia to …", a
# demand by Trump that the seeds fixture leaves unannotated.
# Not retrained for the promise frames ("vowed to …", "pledged to …"):
# the CV went up (indirect 0.6968 -> 0.7028, quoted 0.8781 -> 0.8799),
# but the retrained model's thresholds (-7.13 against -5.52 for
# indirect) kept "declared victory" (unit test
# filter_declaring_victory_is_no_statement) and lowered in-sample
# precision; the model above, for which the new candidates are unseen,
# keeps 41 more right indirect statements on train for 9 wrong ones.
