# eval_real.mk — quotes, speakers and speaker alerts on real news articles
# the project never tuned on (tools/eval_real_quotes.py).
#
#   make eval-real   quote P/R/F1, resolved-speaker accuracy and speaker
#                    alerts P/R on 20 MSV Big9 articles (9 sites, 2005-2017)
#                    hand-annotated in tests/data/real_quotes.jsonl (ids,
#                    offsets, kinds and speaker names only; the text is read
#                    from ../shared/data/webextract/msv_big9.jsonl.gz). A DEV
#                    set: look at it rarely, never iterate on it.
#                    "eval-real: skipped: …" when the shared data is absent.
#                    REAL_ERRORS=1 lists every error; REAL_HTML=1 also runs
#                    the pages' html (format html) and scores the extracted
#                    body. About 1 s (3 s with html); not part of
#                    `make test`.

REAL_DATA   ?= ../shared/data
REAL_ERRORS ?=
REAL_HTML   ?=

.PHONY: eval-real

eval-real: $(BIN)
	@/usr/bin/python3 tools/eval_real_quotes.py --bin $(BIN) --data $(REAL_DATA) $(if $(REAL_ERRORS),--errors) $(if $(REAL_HTML),--html)
