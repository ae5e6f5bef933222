/* syntax — a grammatical-role tagger: for each token of a sentence, the
 * coarse Universal Dependencies relation to its head (subject, object,
 * oblique, possessor, apposition, clause marker, …), as a sequence label.
 *
 * Why a tagger and not a parser: what coreference needs from syntax is the
 * role of a mention's head (is it its clause's subject? inside a
 * prepositional phrase? a possessor?) and where clauses begin (a marker, a
 * relative pronoun, a clause head), and those are per-token labels. A
 * greedy left-to-right averaged perceptron over hashed word, suffix,
 * shape and previous-label features learns them from UD English EWT
 * (tools/syntax_train.c, `make syntax-train`) at a fraction of a parser's
 * cost: one weight row per feature, NE_SYN_NLABELS labels a row.
 * `make eval-syntax` prints its label accuracy on EWT dev and test.
 *
 * Tokens are the text stage's (ne_text): "don't" and "Trump's" are one
 * token each, and take the label of their first part ("do", "Trump"); the
 * trainer merges EWT's split forms the same way.
 *
 * Model file: "newsenrich-syntax 2", bits, then 2^bits rows of a float
 * scale and NE_SYN_NLABELS int8 weights (quantised per row; 24 bytes a
 * row, the machine's byte order): 2^16 rows are 1.5 MB and load in a few
 * milliseconds; quantising costs no dev accuracy worth naming (syntax.mk).
 *
 * Ownership: the model belongs to the caller (ne_syntax_free). Words and
 * labels are arrays of the caller; nothing is kept after a call returns.
 * ne_syntax_tag allocates nothing. Out of memory aborts (common/xalloc.h).
 *
 * Threads: a loaded model is read-only and may be shared by any number of
 * threads.
 */
#ifndef NE_SYNTAX_H
#define NE_SYNTAX_H

#include <stddef.h>
#include <stdint.h>

enum ne_syn_label {
    NE_SYN_OTHER = 0,   /* dep, discourse, vocative, list, … */
    NE_SYN_NSUBJ,       /* nsubj, nsubj:pass, csubj, expl */
    NE_SYN_OBJ,         /* obj */
    NE_SYN_IOBJ,        /* iobj */
    NE_SYN_OBL,         /* obl, obl:* (inside a prepositional phrase of a verb) */
    NE_SYN_NMOD,        /* nmod, nmod:* but poss (inside one of a noun) */
    NE_SYN_POSS,        /* nmod:poss: "Trump's", "his" */
    NE_SYN_APPOS,       /* appos */
    NE_SYN_COMPOUND,    /* compound, flat, fixed: the inner words of a name */
    NE_SYN_CONJ,        /* conj */
    NE_SYN_ROOT,        /* root */
    NE_SYN_CLAUSE,      /* ccomp, xcomp, advcl, acl, parataxis, csubj's head */
    NE_SYN_RELCL,       /* acl:relcl */
    NE_SYN_MARK,        /* mark: "that", "because" */
    NE_SYN_CC,          /* cc */
    NE_SYN_CASE,        /* case: prepositions */
    NE_SYN_DET,         /* det */
    NE_SYN_MOD,         /* amod, advmod, nummod */
    NE_SYN_AUX,         /* aux, cop */
    NE_SYN_PUNCT,       /* punct */
    NE_SYN_NLABELS
};

/* The label of a UD relation ("nsubj:pass" -> NE_SYN_NSUBJ). */
int ne_syntax_label_of(const char *deprel);
/* Its short name ("nsubj"). */
const char *ne_syntax_label_name(int label);

/* A token's text. */
typedef struct ne_syn_word { const char *s; uint32_t len; } ne_syn_word;

typedef struct ne_syntax_model ne_syntax_model;

ne_syntax_model *ne_syntax_load(const char *path, char *err, size_t errlen);
void ne_syntax_free(ne_syntax_model *m);             /* accepts NULL */

/* Labels words[0..n) of one sentence into labels[0..n). */
void ne_syntax_tag(const ne_syntax_model *m, const ne_syn_word *words, size_t n, uint8_t *labels);

/* ---- for the trainer ------------------------------------------------------ */

#define NE_SYNTAX_MAXF 32
/* Per-sentence feature context: the words' hashes, filled by
 * ne_syntax_prepare (n <= NE_SYNTAX_MAXTOK; longer sentences are tagged
 * in pieces). */
#define NE_SYNTAX_MAXTOK 256
typedef struct ne_syn_ctx {
    size_t n;
    size_t hi;                  /* the clause state below covers labels [0, hi) */
    uint8_t head, subj, mark;
    uint64_t w[NE_SYNTAX_MAXTOK], suf[NE_SYNTAX_MAXTOK], shape[NE_SYNTAX_MAXTOK];
} ne_syn_ctx;
void ne_syntax_prepare(ne_syn_ctx *c, const ne_syn_word *words, size_t n);
/* The weight rows (of 2^bits) the features of token i read, given the
 * labels already chosen for tokens < i (asked in order i = 0, 1, …, as a
 * left-to-right decoder does; c caches what it read). Returns how many. */
size_t ne_syntax_feats(ne_syn_ctx *c, size_t i, const uint8_t *labels, unsigned bits, uint32_t *rows);
/* Writes float weights (2^bits rows of NE_SYN_NLABELS) as a model file
 * (quantised). Returns 0, or -1 with errno. */
int ne_syntax_save(const float *w, unsigned bits, const char *info, const char *path);

#endif
