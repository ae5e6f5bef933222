/* ner_score — scoring the NER tagger on a CoNLL corpus, as ner_train (after
 * each epoch, on the dev set) and ner_eval (on any file) both do: tag every
 * document, time the tagger, count exact-span entities.
 *
 * The CoNLL reader and the counts themselves are ne_ner_corpus_read and
 * ne_ner_counts_add (enrichers/ner/ner.h, ner_conll.c), which the unit
 * tests use too.
 *
 * Threads: none of its own; ws belongs to the calling thread.
 */
#ifndef NE_TOOLS_NER_SCORE_H
#define NE_TOOLS_NER_SCORE_H

#include <stdint.h>

#include "enrichers/ner/ner.h"

/* A monotonic clock in seconds. */
double ner_score_now(void);

/* Tags every document of c (one ne_ner_tag call per document, so the tag
 * history spans a document) into tags (c->ntoks of them); returns the
 * seconds spent in the tagger alone. */
double ner_score_tag(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_corpus *c, uint8_t *tags);

/* The exact-span entity counts of tags against c's gold tags, sentence by
 * sentence. */
ne_ner_counts ner_score_count(const ne_ner_corpus *c, const uint8_t *tags);

#endif
