# html.mk — HTML article extraction (enrichers/html/).
#
#   make eval-html   word-4-shingle P/R/F1 of the extracted text against the
#                    gold text of ../shared/data/webextract (per dataset and
#                    overall), CPU ms per page and pages/s per core;
#                    "skipped: …" when the data is absent.
#                    EVAL_HTML_ARGS='--worst 20' lists the worst training
#                    pages (never the held-out fifth),
#                    '--dump ID' prints one page's extraction. It also
#                    prints the training pages (folds 1-4) and the held-out
#                    fifth (fold 0: FNV-1a of the id mod 5) apart, and
#                    each dataset's training pages.
#   make html-blocks-train
#                    retrains the learned block filter on the training
#                    pages (4-fold CV picks epochs and margin) and rewrites
#                    enrichers/html/html_blocks.inc (deterministic).

HTML_DATA      ?= ../shared/data
EVAL_HTML_ARGS ?=
EVAL_HTML      := $(BUILD)/tools/eval_html
ZLIB_LIBS      := $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)

.PHONY: eval-html html-blocks-train

tools: $(EVAL_HTML)

$(EVAL_HTML): $(BUILD)/tools/eval_html.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(ZLIB_LIBS)

eval-html: $(EVAL_HTML)
	@$(EVAL_HTML) --data $(HTML_DATA) $(EVAL_HTML_ARGS)

html-blocks-train: $(EVAL_HTML)
	@$(EVAL_HTML) --data $(HTML_DATA) --train enrichers/html/html_blocks.inc

-include $(BUILD)/tools/eval_html.d

# `make bench` measures the extraction too (the issue's speed target is
# per page of webextract, next to trafilatura's 22 ms).
.PHONY: bench-html
bench-html: eval-html
bench: bench-html
