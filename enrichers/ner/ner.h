/* ner — the statistical named-entity tagger (PER, ORG, LOC, MISC).
 *
 * A linear-chain model over BILOU tags, decoded with Viterbi per sentence.
 * Emission scores come from hashed features (word, affixes, shapes,
 * capitalisation in context, neighbours, gazetteers, a capitalisation
 * lexicon, word clusters, and document context: how a word is capitalised
 * elsewhere in the article and how it was tagged in the sentences decoded
 * before — body sentences first, headlines in capitals last).
 * The model is trained by tools/ner_train.c (`make ner-train`) and shipped
 * as models/ner.model. The files of enrichers/ner/ and what they share:
 * ner_int.h.
 *
 * Threads: a loaded model is read-only and may be shared by any number of
 * threads; each thread brings its own workspace (ne_ner_ws), which holds
 * all scratch memory and grows to the largest document seen, plus about
 * 5.3 MiB of what it learnt about the words it has tagged with one model
 * (their feature sums), which makes a word seen before cheap to tag.
 *
 * Tokens are byte spans of UTF-8 text; the tagger never writes them and
 * keeps no pointer to them after ne_ner_tag() returns.
 *
 * Out of memory aborts (common/xalloc.h): -1 and NULL below mean bad input.
 */
#ifndef NE_NER_H
#define NE_NER_H

#include <stddef.h>
#include <stdint.h>

#include "enrichers/pipeline/doc.h"

/* A tag is O (0) or 1 + 4*type + position, type an enum ne_ent_type. */
enum ne_ner_pos { NE_NER_B = 0, NE_NER_I, NE_NER_L, NE_NER_U };
#define NE_NER_O 0
#define NE_NER_NTAGS 17
#define NE_NER_TAG(type, pos)  ((uint8_t)(1 + 4 * (int)(type) + (int)(pos)))
#define NE_NER_TAG_TYPE(tag)   ((enum ne_ent_type)(((tag) - 1) / 4))
#define NE_NER_TAG_POS(tag)    ((enum ne_ner_pos)(((tag) - 1) % 4))

typedef struct ne_ner_tok  { const char *ptr; size_t len; } ne_ner_tok;
typedef struct ne_ner_sent { const ne_ner_tok *toks; size_t ntoks; } ne_ner_sent;
/* Tokens [tok_start, tok_end) of the document, counted across sentences. */
typedef struct ne_ner_span { uint32_t tok_start, tok_end; enum ne_ent_type type; } ne_ner_span;

typedef struct ne_ner_model ne_ner_model;
typedef struct ne_ner_ws ne_ner_ws;

/* Loads a model file. Returns NULL and a message in err on failure. The
 * caller owns the model and releases it with ne_ner_free (NULL is fine). */
ne_ner_model *ne_ner_load(const char *path, char *err, size_t errlen);
void ne_ner_free(ne_ner_model *m);

/* Entity F1 (0..1) overall and per type (ne_ent_type order) recorded by the
 * trainer for its tuning set; per_type may be NULL. */
double ne_ner_model_score(const ne_ner_model *m, double per_type[4]);

/* A workspace (never NULL). Owned by the caller. */
ne_ner_ws *ne_ner_ws_new(void);
void ne_ner_ws_free(ne_ner_ws *ws);

/* Tags a document (its sentences in order): writes one tag per token to
 * tags, sentence after sentence. Returns 0 (it cannot fail; the int is
 * kept for callers written when it reported out-of-memory). */
int ne_ner_tag(const ne_ner_model *m, ne_ner_ws *ws,
               const ne_ner_sent *sents, size_t nsents, uint8_t *tags);

/* Turns tags into entity spans, document token indices. Tolerates
 * inconsistent sequences (an I or L without B opens a span; a type change
 * closes one). Writes at most cap spans; returns how many there are. */
size_t ne_ner_spans(const uint8_t *tags, size_t ntoks, ne_ner_span *out, size_t cap);

/* Converts the labels of one sentence ("O", "I-PER", "B-LOC"; IOB1 or IOB2:
 * B- opens a new entity, I- continues one of the same type or opens one)
 * to BILOU tags. Returns 0, or -1 on an unknown label. */
int ne_ner_iob_to_tags(const char *const *labels, size_t n, uint8_t *tags);

/* "O", "B-PER", … "U-MISC"; "?" for an invalid tag. */
const char *ne_ner_tag_name(uint8_t tag);

/* ---- feature helpers, exposed for tests and the tools ---------------- */

/* Word shape: A-Z → X, a-z → x, digit → d, other characters kept; runs of
 * one class longer than 4 cut to 4, or to 1 when `brief` ("McDonald's" →
 * "XxXxxxx'x", brief "XxXx'x"). Writes a NUL-terminated string of at most
 * cap-1 bytes; returns its length. */
size_t ne_ner_shape(const char *s, size_t len, char *out, size_t cap, int brief);

/* Byte length of the first (suffix == 0) or last n UTF-8 characters of s,
 * or 0 when s has fewer than n characters. */
size_t ne_ner_affix_len(const char *s, size_t len, int n, int suffix);

/* Renders the feature attributes of token `tok` of sentence `sent` of the
 * document, as `name=value` pairs separated by spaces, into out
 * (NUL-terminated, truncated to cap). For tests and debugging. Returns 0,
 * or -1 on out-of-range indices. */
int ne_ner_explain(const ne_ner_model *m, ne_ner_ws *ws,
                   const ne_ner_sent *sents, size_t nsents,
                   size_t sent, size_t tok, char *out, size_t cap);

/* Sets the workspace's type cache to 2^bits entries (tests; the default
 * suits production), emptying it; 0 turns the cache off, and tagging then
 * takes the reference path, which gives the same tags. */
void ne_ner_ws_set_cache(ne_ner_ws *ws, unsigned bits);

/* ---- evaluation support (tools, tests): ner_conll.c -------------------- */

/* A CoNLL-2003 file in memory: one token per line with its label in the
 * last column (IOB1 or IOB2), blank lines between sentences, -DOCSTART-
 * lines between documents. Tokens point into buf. Owned by the struct;
 * ne_ner_corpus_free releases everything. */
typedef struct ne_ner_corpus {
    char *buf;
    ne_ner_tok *toks;   size_t ntoks;
    uint8_t *gold;                      /* BILOU tag per token */
    ne_ner_sent *sents; size_t nsents;
    size_t *doc_sent;   size_t ndocs;   /* document d: sentences [doc_sent[d], doc_sent[d+1]) */
} ne_ner_corpus;

/* Reads a CoNLL file. Returns 0, or -1 with a message in err. */
int ne_ner_corpus_read(const char *path, ne_ner_corpus *c, char *err, size_t errlen);
void ne_ner_corpus_free(ne_ner_corpus *c);

/* Case variants of a corpus, for case-augmented training and for scoring
 * text in capitals: NE_NER_CASE_UPPER upper-cases every letter (ASCII and
 * Latin-1), as wire headlines and datelines are written;
 * NE_NER_CASE_TITLE writes each word as a headline does ("Hillary Clinton
 * Was Headed to ER"): first letter upper, the rest as written, or lower
 * where the sentence was all capitals; a few short function words (to,
 * of, in, the, and...) stay lower-case past the first word. */
enum { NE_NER_CASE_ASIS, NE_NER_CASE_UPPER, NE_NER_CASE_TITLE };

/* Builds dst from the documents docs[0..n) of src, document docs[k] in
 * case modes[k], in that order; gold tags are kept. dst owns its text. */
void ne_ner_corpus_recase(const ne_ner_corpus *src, const size_t *docs, const uint8_t *modes,
                          size_t n, ne_ner_corpus *dst);

/* Exact-span entity counts (conlleval): an entity counts as found only
 * when start, end and type all match. Zero-initialise, then add. */
typedef struct ne_ner_counts { size_t tp[4], fp[4], fn[4]; } ne_ner_counts;

/* Adds the spans of one sentence's gold and predicted tags to c. */
void ne_ner_counts_add(ne_ner_counts *c, const uint8_t *gold, const uint8_t *pred, size_t n);

/* Precision, recall and F1 of one type (0..3) or of all (type -1). */
void ne_ner_prf(const ne_ner_counts *c, int type, double *p, double *r, double *f1);

#endif
