# lang.mk — language detection (enrichers/lang/).
#
#   make eval-lang   accuracy per language and source, and CPU µs per text,
#                    of the lang stage on scripts/lang_eval_set.py's texts
#                    (../shared/data: PolNeAR dev, GUM, UD EWT dev,
#                    webextract, and written samples); says so and stops
#                    when the data is absent.

EVAL_LANG := $(BUILD)/tools/lang_eval

.PHONY: eval-lang

tools: $(EVAL_LANG)

$(EVAL_LANG): $(BUILD)/tools/lang_eval.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

eval-lang: $(EVAL_LANG)
	@/usr/bin/python3 scripts/lang_eval_set.py > $(BUILD)/lang-eval.tsv || { echo "eval-lang: skipped (no ../shared/data)"; exit 0; }
	@$(EVAL_LANG) < $(BUILD)/lang-eval.tsv

-include $(BUILD)/tools/lang_eval.d
