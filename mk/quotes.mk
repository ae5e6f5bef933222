# quotes.mk — the quotes stage's evaluation (enrichers/quotes/).
#
#   make eval-quotes   quote-span P/R/F1 (overlap >= 0.3 and >= 0.8) and
#                      speaker accuracy on PolNeAR dev, indirect speech
#                      separately: the lenient name match and the resolved
#                      person, each with the learned ranker and with the
#                      hand-ordered rules; the seed articles against
#                      tests/fixtures/seeds_quotes.json and their speaker
#                      alerts; then the ranker's 5-fold cross-validation
#                      on train. "skipped: …" when ../shared/data is
#                      absent. QUOTES_SPLIT=train scores the training split
#                      (used for tuning; the model is trained on it).
#                      QUOTES_WRAP=72 hard-wraps each PolNeAR text at 72
#                      columns first (wire layout; offsets do not move).

QUOTES_DATA  ?= ../shared/data
QUOTES_SPLIT ?= dev
QUOTES_WRAP  ?=
EVAL_QUOTES  := $(BUILD)/tools/eval_quotes

.PHONY: eval-quotes

tools: $(EVAL_QUOTES)

$(EVAL_QUOTES): $(BUILD)/tools/eval_quotes.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

eval-quotes: $(EVAL_QUOTES) $(BUILD)/tools/speakers_train
	@$(EVAL_QUOTES) --data $(QUOTES_DATA) --split $(QUOTES_SPLIT) $(if $(QUOTES_WRAP),--wrap $(QUOTES_WRAP)) --seeds tests/fixtures/seeds_quotes.json
	@if [ -f $(QUOTES_DATA)/polnear/train.jsonl ]; then \
		echo "speaker ranker, cross-validated on PolNeAR train (make speakers-train):"; \
		$(BUILD)/tools/speakers_train --train $(QUOTES_DATA)/polnear/train.jsonl --cv-only | grep -v "cv epochs"; \
	fi

-include $(BUILD)/tools/eval_quotes.d

# ---- the speaker ranker (enrichers/quotes/quotes_rank.c) --------------------
#
#   make speakers-train  retrain models/speakers.model from PolNeAR train's
#                        source spans: 5-fold cross-validation on train picks
#                        the number of epochs and prints the folds' figures,
#                        then the model is trained on all of train (dev is not
#                        read). Deterministic: same data, same model bytes.
#                        The model is built into the library (quotes_model.c).
#
# models/speakers.model was trained before the statement filter (mk/
# statements.mk) existed. Retrained with it (2026-12-07): the CV picks 4
# epochs, accuracy 0.8485, resolved person 0.9438 on train's folds; the
# whole chain on PolNeAR train (in sample) gains 0.003 resolved person; on
# PolNeAR dev, read once, quoted speaker 0.963 -> 0.957 and indirect 0.952
# -> 0.961, and one more seeds alert (24 predicted, 23 right). No evidence
# either way, so the model was not retrained.
#
# Tried and not kept (2026-12-07, issue 18): ranker features for the
# probes "Tesla chief executive Elon Musk weighed in on Twitter, saying …"
# (said Twitter), "Clinton spokesman Nick Merrill responded on Friday,
# saying …" (said Clinton), "Judge Amy Berman Jackson of the U.S. District
# Court said …" (said the court). In quotes_rank.c, not conjoined with the
# candidate's source (conjoined, they did worse): the candidate premodifies
# a following person's name over 1-3 office words (capitalised, titles, or
# lower-case words not ending in -ed, nor in -s before the name: "Carly
# Fiorina endorses Ted Cruz" and, with coreference's pronoun mentions,
# "Clinton attacked her" are not); it is such a premodified name; it heads
# the clause's subject; what preposition governs it (of/from after a
# person, of/from, by, another); it is the person the frame's subject only
# premodifies or is "of". Figures, 5-fold CV on PolNeAR train (the
# selection data; epochs chosen by it), speakers_train --cv-only:
#   today's features              0.8477 (7207 of 8502)  person 0.9431
#   the features                  0.8497 (7224)          person 0.9469
#   conjoined with source too     0.8472-0.8493          person 0.9435-0.9465
#   without the subject relation  0.848                  person 0.945
# Nine variants were run; the one shown is the best of them, and adding or
# dropping one template moves the CV by 0.001-0.0015, so its +0.002 is
# partly selection. Against it: the seeds alerts drop from P
# 1.000 R 0.958 to P 0.958 R 0.958 (24 predicted, 23 right), and the unit
# tests cue_described_by_x_as_names_the_speaker and
# quote_across_wrapped_lines fail; the Musk and Merrill probes come right,
# the judge does not. But retraining today's features alone (no change)
# gives the same seeds P 0.958 R 0.958 and fails quote_across_wrapped_lines
# too: the shipped model no longer matches what the trainer makes from
# today's chain (CV 0.8477/0.9431 now against 0.8485/0.9438 when it was
# trained), so no retrain can pass the seeds rule until that is settled.
# PolNeAR train through the product (in sample), quoted / indirect:
# resolved person 0.959 / 0.957 shipped, 0.963 / 0.970 retrained as is,
# 0.960 / 0.966 with the features. Chain 1,302 articles/s CPU with them.

# Tried and not kept (2026-12-07, session 15; classes of the sixth web
# news error analysis, on a715aa9; PolNeAR train is tuned on, the 720
# MSV texts were read by eye):
#   a participle cue right after a noun or a time word as a reduced
#     relative ("signed legislation Tuesday adding human exploration of
#     Mars to …"): PolNeAR train quoted tp 5024 -> 5020 and indirect 3204
#     -> 3178 ("issued a statement saying" is a report); after a time
#     word only, indirect 3204 -> 3199 ("a statement Tuesday saying").
#   "can"/"could" before a cue as no report ("Siri can tell you the
#     weather"): indirect tp 3204 -> 3201; "I can tell you that E3 is
#     going to be …" asserts, and "could argue that" lost with it was
#     no claim either way.
#   the Census given names in the coreference model's name list too:
#     see mk/ner.mk (47 PolNeAR speakers moved, resolved person fell).
#   names between a named subject and its verb as no speaker candidates
#     ("The Green Party who have signed a deal with Labour revealed …"):
#     quoted speaker 3285 -> 3282, resolved person 3260 -> 3256, indirect
#     speaker 1869 -> 1866; 88 speakers moved on PolNeAR train and the MSV
#     texts, most to a wrong one (news agencies of a dateline).
#   a clause that opens with a plain noun and reaches a name only after a
#     lower-case word has the noun as subject ("Scientists and
#     environmentalists criticized the EPA's changes, saying …"): names
#     after premodifiers ("Presumptive Republican presidential nominee
#     Donald Trump … announcing") lost their statements.
#   a gerund after "of" as no report ("the consequences of rejecting the
#     outside world"): "took the last step of announcing that …" and "made
#     a point of saying …" are reports; 9 lost on PolNeAR train and MSV.
#   "…!" or "…?" closing a quotation before "X said …" as a new sentence
#     (as "." is): split "“You think I'm going to change?” Trump asked
#     rhetorically …. “I'm not changing.”" into pieces.
#   the eighth round's: a participle's subject inside a reported clause
#     (after "that": "… said that Moscow is trying … by saying"): quoted
#     tp 5024 -> 5015, indirect 3204 -> 3198, "said that …, saying"
#     lost; possessive names skipped as a clause's subject ("an inquiry
#     into Governor Mills's actions and says"): quoted tp 5024 -> 5007;
#     "and" joining two role nouns of a subject ("the Ohio congressman and
#     Republican vice presidential candidate told"): "the Florida senator
#     and … candidate said" lost its link to Rubio, and "Trina Paul, a …
#     senior and school newspaper editor told" lost Trina Paul.
#
# Tried and not kept (2026-12-07, session 14; classes of the fourth
# web-news error analysis; PolNeAR train is the tuned-on data, the 698
# unlabelled MSV texts were read by eye):
#   the author's own voice (a reported clause whose subject is I/we
#     outside quotation marks: "I say the characters are …") dropped:
#     quoted tp 5015 -> 5010, indirect 3188 -> 3168 on train, whose Q&A
#     transcripts and op-eds attribute the interviewee's "I said …".
#   a participle right after the object of a preposition has no subject
#     ("wrote to Obama asking him to …" gives Obama): "took to Twitter
#     saying …" and "in a statement to X saying" lost their speakers,
#     about 40 quotes on train.
#   a known-gender person before a nearer one of unknown gender for an
#     unresolved he/she: quoted speaker 3270 -> 3268; speakers with
#     uncommon given names lost to famous ones (Woodrow Benford ->
#     Bernie Sanders).
#   excluding names inside a description subject's apposition ("A
#     spokesman for Zardari, the widower of … Benazir Bhutto, described"):
#     20 right "DESC, NAME, said" speakers on the MSV texts lost.
#   the speaker ranker retrained on today's candidates (make
#     speakers-train; CV 0.8532, person 0.948): three unit tests failed,
#     seeds alerts P 0.958 R 0.958 -> P 0.923 R 1.000, and 601 quotes of
#     the MSV texts changed speaker (too many to read): not shipped.
#   a statement-filter template for an inverted frame whose speaker has
#     an apposition ("…, said Margaret Stewart, a spokeswoman for …", a
#     missed alert the filter drops): make statements-cv indirect 0.7154
#     -> 0.7140, quoted 0.8838 -> 0.8845.
#   in `about`, no he/she the coreference joined to someone of the other
#     gender: right for "her" -> Curt Levey, but an entity merge ("Mr
#     Gallear" into "Mandy Gallear") made three right "she" wrong.
#   the coreference model's 941 given names as gender votes in the
#     entities stage's clusters (beside the bundled 300): one "she" right
#     (Kate Moulene), one lost (Lee Rowland, "Lee" male in that list).
#   contracted subject pronouns in the lexicon ("I've", "they're",
#     "he'd", …: "As I've said before" gave the speaker "I’ve"): quoted
#     tp 5023 -> 5022, indirect fp 611 -> 616 on train.
#   "concluded" in the no-alert list: its clauses in the bare past or
#     present ("concluded Russian leaders orchestrated the release …")
#     read as objects.
#   "regardless" among the adverbs between a subject and its verb ("…
#     but regardless asked, “How many do you need?”" gave the speaker
#     "regardless"): with it the coordinated verb found no subject and
#     the quotation was lost to the "According to …" clause around it.
#   more organisation heads for the type model without retraining it
#     ("Laboratory", "Center", "Museum", …): "Propulsion Laboratory"
#     stayed a person, CoNLL testa unchanged.
#
# Tried and not kept (2026-12-07, session 13; the second webextract error
# analysis's classes; PolNeAR train is the tuned-on data, the 698
# unlabelled webextract texts were read by eye):
#   no C_NEXTM/C_NEXTP candidate from a sentence after the statement's
#     when its frame names a subject ("A law enforcement official said …
#     Another man, Sushil Bansal, was also arrested" gave Bansal):
#     quoted speaker 3269 -> 3271 but indirect 1836 -> 1835 and resolved
#     person unchanged; on the web texts it lost "he says" pronouns of
#     multi-sentence quotations (Rupkey -> Bank of Tokyo-Mitsubishi).
#   a participle after the object of a preposition takes the clause's
#     subject ("Jeff Kaplan addressed this in a Reddit AMA stating, …"
#     gave AMA): quoted speaker 3269 -> 3267 (Gorka -> Bolton, Lincoln ->
#     Trump).
#   a possessive name after an inverted cue read as a description ("said
#     Kantar Media's political ad tracker"): it broke naming frames
#     ("called Florida's standards “strong.”" lost); only the form with
#     a person named after a comma ("tweeted Martin Luther King's
#     daughter, Bernice") changed one speaker on train, and a test could
#     not be made to fail without it, so neither was kept.
#   title abbreviations read as their roles for role_person ("Indiana Gov.
#     Mike Pence" … "the governor said"): train changed one speaker, to
#     the wrong senator (McCain, whose "Sen." now counted, for Cruz, whose
#     did not), and the webextract texts none.

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

# ---- the learned cue lexicon (enrichers/quotes/quotes_cuelex.inc) -----------
#
#   make cues-learn      regenerate enrichers/quotes/quotes_cuelex.inc, the
#                        speech-verb forms of PolNeAR train's cue spans
#                        (tools/cues_learn.c says how they are chosen).

CUES_LEARN := $(BUILD)/tools/cues_learn

.PHONY: cues-learn

tools: $(CUES_LEARN)

$(CUES_LEARN): $(BUILD)/tools/cues_learn.o
	$(CC) $(LDFLAGS) -o $@ $< $(LDLIBS)

cues-learn: $(CUES_LEARN)
	@test -f $(QUOTES_DATA)/polnear/train.jsonl || { echo "cues-learn: $(QUOTES_DATA)/polnear not found"; exit 1; }
	$(CUES_LEARN) --train $(QUOTES_DATA)/polnear/train.jsonl --out enrichers/quotes/quotes_cuelex.inc

-include $(BUILD)/tools/cues_learn.d

# ---- the described-speaker resolver (enrichers/quotes/quotes_describe.c) ----
#
#   make describe-train  retrain models/describe.model from the hand-annotated
#                        referents of PolNeAR train's described sources
#                        ("the judge said" -> Judge Berman, or none):
#                        5-fold cross-validation by article chooses the
#                        epochs and NONE's margin and prints the folds and the
#                        baselines, then the model is trained on all of them.
#                        "skipped: …" without ../shared/data. DESC_SHOW=1
#                        lists each held-out choice. Deterministic.
#   make describe-eval DESC_EVAL_GOLD=FILE
#                        the built-in model on web news (webextract's MSV
#                        texts, ../shared/data): FILE's rows (same fields,
#                        offsets into those texts) scored through the
#                        product without and with the resolver.
#
# tests/data/described_speakers.jsonl is that annotation (issue 18): per
# described source its PolNeAR doc_id, code-point offsets, the source's
# words, the cue, and the referent's name and a mention offset. It holds
# only offsets, short spans and names, like tests/data/real_quotes.jsonl;
# the PolNeAR texts stay in ../shared/data.

# Figures (2026-12-07). Selection: 5-fold CV by article on the 182
# annotated described sources the rules leave bare (77 name an entity of
# the article, all among the candidates), summed over 5 visiting orders;
# epochs, L2 and the link threshold (p >= 0.75) chosen by right links - 2 x
# wrong links: accuracy 0.648 against 0.577 always-nobody (today's
# system) and 0.264 for the nearest person/organisation of a fitting type;
# 8.9% linked (81 of 910), precision 0.901; ranking alone (referent a
# candidate) 0.642. The training set was chosen by the same CV: the
# annotated bare ones alone (utility 51), with the 24 the rules already
# linked (--linked-too, 57: kept), with 19 more bare descriptions labelled
# from PolNeAR's own attributions (--silver: 48; both 51). Not kept either:
# the head word itself as a feature (memorised: 75 of 79 ranked right in
# sample, CV no better); a perceptron ranker with a NONE margin (CV
# precision 0.68-0.75 at the best margin); one visiting order (the choice
# swung with the order: hence 5). PolNeAR train through the product (in
# sample: trained on it), eval_quotes --split train: described sources
# left bare 108 -> 101 of 159 quoted and 90 -> 80 of 132 indirect; speaker
# accuracy 0.966 / 0.944 and resolved person 0.963 / 0.963 unchanged; seeds
# alerts P 0.958 R 0.958 unchanged. describe_train --eval on train's texts:
# the resolver gives 16 of 9,762 statements an entity, 15 annotated (all
# right, in sample), 1 not ("The employee of nearly four years" -> Ivanka
# Trump, wrong). Read once at the end, not tuned on: described speakers
# the chain left bare in web news of 2005-2017 (webextract's MSV texts,
# 358 hand-annotated rows, /work/ea13/desc/msv.jsonl, outside the repo;
# its offsets are code points, not bytes), make describe-eval: accuracy
# 0.673 -> 0.698; the resolver links 20 (14 right, precision 0.70), 94.1%
# stay bare; it touches 24 of the 5,982 statements of the 720 texts.

DESC_TRAIN := $(BUILD)/tools/describe_train
DESC_GOLD  := tests/data/described_speakers.jsonl
DESC_SHOW  ?=

.PHONY: describe-train describe-eval

tools: $(DESC_TRAIN)

$(BUILD)/enrichers/quotes/quotes_model.o: models/describe.model

$(DESC_TRAIN): $(BUILD)/tools/describe_train.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

describe-train: $(DESC_TRAIN)
	$(DESC_TRAIN) --train $(QUOTES_DATA)/polnear/train.jsonl --gold $(DESC_GOLD) --linked-too --out models/describe.model $(if $(DESC_SHOW),--show)

describe-eval: $(DESC_TRAIN)
	@test -n "$(DESC_EVAL_GOLD)" || { echo "describe-eval: set DESC_EVAL_GOLD=FILE"; exit 1; }
	@if [ -f $(QUOTES_DATA)/webextract/msv_big9.jsonl.gz ]; then \
		zcat $(QUOTES_DATA)/webextract/msv_chaos.jsonl.gz $(QUOTES_DATA)/webextract/msv_big9.jsonl.gz > $(BUILD)/msv_texts.jsonl; \
		$(DESC_TRAIN) --gold $(DESC_EVAL_GOLD) --eval $(BUILD)/msv_texts.jsonl $(if $(DESC_SHOW),--show); \
	else echo "describe-eval: skipped: $(QUOTES_DATA)/webextract not found"; fi

-include $(BUILD)/tools/describe_train.d
