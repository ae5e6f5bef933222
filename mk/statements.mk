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
#   make statements-cv     the cross-validation only (writes no model),
#                          then repeated 10 times with other folds and
#                          orders (mean and spread of the two F1s: a gain
#                          is told from noise by these). STMT_CV_FLAGS adds
#                          trainer options ("--labels clause", "--without
#                          T1,T2").

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
	$(STMT_TRAIN) --train $(QUOTES_DATA)/polnear/train.jsonl --cv-only --reps 10 $(STMT_CV_FLAGS)

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
#
# Not changed (session 13, issue 18's error analysis of 698 web articles:
# 16 of 60 sampled indirect statements are no statements: "Moscow denied
# the accusation Friday.", "Updike told him a little story", "The hot
# water stresses corals", "require continued iPhone growth", "the levee
# system that protects"). The model and the filter stay as they are;
# what was tried, by 5-fold CV on PolNeAR train repeated 10 times
# (`make statements-cv`; sd 0.0009-0.0013 indirect, 0.0004 quoted), each
# variant with its own retrained filter:
#   today's features                      indirect 0.7097  quoted 0.8820
#   + 9 trial templates (below)           indirect 0.7105  quoted 0.8812
#     (make statements-cv STMT_CV_FLAGS=--trial; quotes_filter.c's
#     trial_features, which the stage never computes)
#   + one of them alone: obj 0.7093, cue*obj 0.7100, attr 0.7090,
#     thatpos 0.7100, subj_lex 0.7101, cue*subj_lex 0.7099, subj_prev
#     0.7108, finite 0.7099, qnear 0.7101 (quoted 0.8816-0.8819, qnear
#     0.8813): none reaches +0.003 indirect.
# The templates: the shape after the verb (a listener, a determiner, how
# many open-class words, a -ed/-s word among them, the class of the
# token that ends them: "the accusation Friday ." against "the plan
# would"), the same with the cue word; the tokens on both sides of the
# cue (attributive "total confirmed cases"; -ly adverbs apart); where the
# clause's "that" stands and what precedes it ("issued a directive that
# suspends"); the described subject's head noun kind (a person, an
# organisation, a document, a number, another word: "the hot water"),
# alone and with the cue; the token before the subject ("the reforms he
# promised", "which Mr. Ailes denies"); signs of a finite verb in the
# content; a quotation just before the subject or opening the next
# sentence ('"…," Manafort conceded in an interview').
# Why they cannot help: PolNeAR annotates a speech verb's noun-phrase or
# prepositional object as the content of an attribution ("acknowledged
# her backing on Monday", "claimed victory in a tweet", "asked for quick
# action"; so does this repository: quote_indirect_said_denied_rejected
# keeps "Putin denied any interference in the US presidential
# election"). Of the 202 candidates on train with a determiner, a noun
# or two, then a preposition, comma or stop after the verb and no sign
# of a finite verb, 45% are gold speech, and the F1-optimal threshold
# keeps anything above about 0.36: the filter keeps them because the
# labels say so, whatever features tell them apart. Retrained on today's
# code with PolNeAR's labels (no new features), the model breaks
# filter_declaring_victory_is_no_statement and
# filter_writing_about_an_event_is_no_statement, and the product on
# train goes from indirect P 0.833 R 0.627 (shipped) to P 0.817 R 0.632.
# What it would take: the statement's definition. `--labels clause`
# (STMT_CV_FLAGS="--labels clause", with --trial for the templates)
# counts a gold speech attribution without quote marks as a statement
# only when the syntax tagger finds a subject, a clause head or the root
# in its content (172 of 4680 true candidates become false). CV F1 of
# indirect clause statements 0.7323 (0.7339 with the 9 templates), but
# under PolNeAR's labels, as eval_quotes counts, 0.7097 -> 0.7029. Built
# into the product (PolNeAR train, eval_quotes, in-sample): indirect
# P 0.833 R 0.627 F1 0.715 (shipped) -> P 0.828 R 0.614 F1 0.705
# (clause labels) -> P 0.847 R 0.607 F1 0.707 (clause labels and the 9
# templates); quoted F1 0.906 -> 0.905 -> 0.906; seeds alerts unchanged
# (P 0.958 R 0.958); the clause-label models break
# quote_indirect_said_denied_rejected ("Putin denied any interference")
# and cue_accused_of_and_described_as_report_a_claim. Checked once, not
# tuned on: of the error analysis's 60 judged indirect statements (16 no
# statement, 44 real), the shipped model extracts 16 and 44 again, the
# clause-label model 14 and 44, clause labels with the 9 templates 12
# and 43. Whether "X denied the accusation" is a statement subscribers
# want is the product's call; if it is not, the labels change first
# (eval_quotes with them), then these features are worth trying again.
# And as a hard gate in the product (session 13, lead): an indirect
# statement of a speech verb (charges, demands, promises and "according
# to" aside) kept only when the role tagger (models/syntax.model) finds a
# subject, a clause head or the root in its words. PolNeAR train:
# indirect tp 3159 -> 3024, fp 608 -> 540; seeds alerts R 0.958 -> 0.917
# (the seeds fixture counts "Putin denied any interference in the US
# presidential election" as a claim, and so do subscribers: a denial of
# a named charge is news). Not kept; the code is not in the tree.

