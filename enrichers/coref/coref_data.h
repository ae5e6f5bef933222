/* coref_data — the coreference data sets, for the trainer and the
 * evaluation tool (not used by the service): GUM CoNLL-U documents with
 * their Entity= layer, GAP TSV rows, their conversion into resolver input
 * (text layers from the tokenizer, NER spans from the tagger, mentions
 * from the detector, each labelled with its gold entity), and the scores
 * (MUC, B³, GAP F1).
 *
 * Ownership: every struct owns its arrays; the *_free functions release
 * them. Out of memory aborts (common/xalloc.h).
 * Threads: none shared; one caller at a time per struct.
 */
#ifndef NE_COREF_DATA_H
#define NE_COREF_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "enrichers/coref/coref.h"
#include "enrichers/ner/ner.h"

/* A gold mention of a GUM document: bytes of the rebuilt text. */
typedef struct ne_gum_mention {
    uint32_t start, end;
    uint32_t tok_start, tok_end;   /* GUM tokens (ne_gum_doc.toks) */
    int32_t  entity;               /* the document's entity id */
    char     etype[16];            /* person, organization, place, … */
} ne_gum_mention;

typedef struct ne_gum_tok {
    uint32_t start, end;           /* bytes of the rebuilt text */
    char upos[8];
    char feats_gender;             /* 'M', 'F' or 0 (Gender= of pronouns) */
} ne_gum_tok;

typedef struct ne_gum_doc {
    char name[96];
    char *text;  size_t len;       /* tokens joined as written; '\n' between paragraphs */
    ne_gum_tok *toks;  size_t ntoks;
    ne_gum_mention *ments; size_t nments;
} ne_gum_doc;

/* Reads one GUM CoNLL-U file. Returns 0, or -1 with a message in err. */
int  ne_gum_read(const char *path, ne_gum_doc *d, char *err, size_t errlen);
void ne_gum_free(ne_gum_doc *d);

/* The split of a document by name in splits.md (read from path):
 * 'd' dev, 't' test, 'g' test2 (GENTLE), 'r' train. */
char ne_gum_split(const char *splits_md, const char *name);

typedef struct ne_gap_row {
    char id[40];
    char *text;
    uint32_t pron, pron_len, a, a_len, b, b_len;   /* byte offsets */
    int a_coref, b_coref;
    int gender;                                    /* of the pronoun: enum ne_gender */
} ne_gap_row;

/* Reads a GAP TSV file (header row first). Returns the rows (caller frees
 * with ne_gap_free) and their number in *n, or NULL with a message. */
ne_gap_row *ne_gap_read(const char *path, size_t *n, char *err, size_t errlen);
void ne_gap_free(ne_gap_row *rows, size_t n);

/* A document turned into resolver input. gold[i] is the gold entity of
 * mention i: >= 0 an entity (GUM: a person or organisation; GAP: 0 = name
 * A, 1 = name B), NE_COREF_OTHER + id a GUM entity of another type
 * (trained on, not scored), -1 a mention of no gold mention (a singleton
 * to learn "new" from), -2 unknown (no supervision). For GAP,
 * pron/ma/mb are the mentions of the pronoun and the two names. */
#define NE_COREF_OTHER 1000000
typedef struct ne_coref_inst {
    char *text;  size_t len;
    ne_text t;
    ne_coref_mention *ms;  size_t n;
    int32_t *gold;
    int gap;  int32_t pron, ma, mb;  int a_coref, b_coref, gender;
    int news;            /* a news text of ne_coref_inst_news */
    size_t gold_total;   /* GUM: gold person/org mentions, detectable or not */
} ne_coref_inst;

/* Tags t with the NER model; writes the spans into *spans (grown). */
size_t ne_coref_ner(const ne_ner_model *ner, ne_ner_ws *nws, const ne_text *t,
                    ne_ner_span **spans, size_t *cap);

/* Builds the instance of a GUM document / a GAP row. */
void ne_coref_inst_gum(ne_coref_inst *in, const ne_gum_doc *d, const ne_coref_model *m,
                       ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws);
void ne_coref_inst_gap(ne_coref_inst *in, const ne_gap_row *r, const ne_coref_model *m,
                       ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws);
void ne_coref_inst_free(ne_coref_inst *in);

/* A news text as distant supervision for described speakers (issue 18),
 * which GUM has few of: no gold but what the text itself says. A
 * description the detector joins to a person's name by a role or age
 * the name was given earlier ("Surrey Mayor Doug McCallum" … "the mayor
 * said", "Mourinho, 56," … "the 56-year-old") is labelled with that
 * person, and the evidence is hidden (the link, the names' roles, the
 * ages), so the model learns what else tells who a description is:
 * salience, the cue, the distance. A person description whose head
 * ended an indefinite noun phrase earlier ("a young woman asked …" …
 * "the woman said") is labelled new (-1): the detector drops the
 * indefinite one, so nobody named is it. Names carry a label, the group
 * of names sharing their last word, without supervision of their own
 * (gold NE_COREF_NEWS + group); a description labelled with a name has
 * gold NE_COREF_NEWS_SUP + group; everything else is unknown (-2).
 * Returns the number of labelled descriptions, both kinds (also in
 * in->gold_total). */
#define NE_COREF_NEWS     2000000
#define NE_COREF_NEWS_SUP 3000000
/* what: NE_COREF_NEWS_DESC the descriptions above; NE_COREF_NEWS_PRON
 * also a he/she that is the subject of a speech cue when the genders of
 * the people named and described before it leave one it can be (the one
 * person of its gender within five sentences, none of unknown gender
 * within two or the window): labelled with that person, its gender hidden
 * from the features (ne_coref_mention.hide_gender), so that the model
 * learns from news the structure that tells a speaker when the genders
 * do not (issue 18: "Correa said … He said"; GUM and GAP have few).
 * coref_train --news-pronouns 1; off by default: tried, not kept
 * (mk/coref.mk: 138 such pronouns in PolNeAR train, too few that tell
 * the previous speaker from the previous subject). */
#define NE_COREF_NEWS_DESC 1u
#define NE_COREF_NEWS_PRON 2u
size_t ne_coref_inst_news(ne_coref_inst *in, const char *text, size_t len, const ne_coref_model *m,
                          ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, unsigned what);

/* Scores accumulated over documents. */
typedef struct ne_coref_scores {
    double muc_pn, muc_pd, muc_rn, muc_rd;   /* numerators and denominators */
    double b3_p, b3_r;  size_t b3_n;         /* sums over scored mentions */
    size_t gap_tp, gap_fp, gap_fn, gap_tn;
    size_t gap_g[3][3];                      /* per gender: tp, fp, fn */
} ne_coref_scores;

/* Adds one GUM instance: the predicted clusters (cluster[i], any ids) of
 * the mentions with gold >= 0 against their gold entities. */
void ne_coref_score_gum(ne_coref_scores *s, const ne_coref_inst *in, const int32_t *cluster);
/* Adds one GAP instance: the two pairs. */
void ne_coref_score_gap(ne_coref_scores *s, const ne_coref_inst *in, const int32_t *cluster);

double ne_coref_muc_f1(const ne_coref_scores *s);
double ne_coref_b3_f1(const ne_coref_scores *s);
/* GAP F1 overall (gender 0) or for NE_GENDER_MALE / NE_GENDER_FEMALE. */
double ne_coref_gap_f1(const ne_coref_scores *s, int gender);

#endif
