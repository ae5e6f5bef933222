# syntax.mk — the grammatical-role tagger (enrichers/syntax/).
#
#   make syntax-train  retrain models/syntax.model from UD English EWT
#                      train ($(SYNTAX_DATA)); epochs chosen on EWT dev;
#                      deterministic
#   make eval-syntax   label accuracy on EWT dev (selected on) and test
#                      (held out), load time, tagging speed; "skipped: …"
#                      without the data. 2^16 rows: dev 0.831, test 0.833
#                      (2^17: dev 0.842 at twice the file and a slower
#                      tagger in the chain; 2^15: dev 0.820; a tagger of 19
#                      features instead of 28: dev 0.827, no faster in the
#                      chain, where the rows' cache misses dominate)

SYNTAX_DATA  ?= ../shared/data/ud_ewt
SYNTAX_BITS  ?= 16
SYNTAX_TRAIN := $(BUILD)/tools/syntax_train

.PHONY: syntax-train eval-syntax

tools: $(SYNTAX_TRAIN)

$(SYNTAX_TRAIN): $(BUILD)/tools/syntax_train.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

syntax-train: $(SYNTAX_TRAIN)
	$(SYNTAX_TRAIN) --data $(SYNTAX_DATA) --bits $(SYNTAX_BITS) --out models/syntax.model

eval-syntax: $(SYNTAX_TRAIN)
	@$(SYNTAX_TRAIN) --data $(SYNTAX_DATA) --eval models/syntax.model

-include $(BUILD)/tools/syntax_train.d
