/* coref — in-document coreference of people and organisations.
 *
 * Given a document's body text layers (ne_text after the text stage) and
 * its candidate mentions — names, titles alone ("the mayor"), descriptions
 * ("the 56-year-old", "the statement"), pronouns — ne_coref_resolve()
 * chooses for each mention its antecedent (an earlier mention) or none, and
 * so the clusters. The decision is a learned mention-ranking model: an
 * averaged perceptron scores every earlier mention within a window, plus a
 * "new entity" option, from hashed features that need no parser: distances
 * (sentences, mentions, tokens, paragraphs), string, head, surname and
 * given-name match, title/role word match, gender and number agreement,
 * entity-type compatibility, grammatical-role proxies (sentence start,
 * before a verb-like word, after "said"), salience (cluster size, recency),
 * quotation marks, appositions and the entities stage's grouping; the
 * continuation of a statement (a pronoun subject of "also said" and the
 * previous sentences' cue subject, "“…,” said X" and the inverted "…,
 * says analyst X of Y" among them); and, for a pronoun with two candidates
 * of its gender, grammatical roles from the role tagger
 * (enrichers/syntax/, models/syntax.model beside the coreference model):
 * the pronoun's and the candidate's role (subject, object, oblique,
 * possessor, …), whether the candidate is its sentence's first subject or
 * the subject of the pronoun's own clause, and clause markers between —
 * tagged only in the pronoun's sentence and the one before. A reflexive
 * (himself) is bound to its clause's subject outright.
 * The model is trained by tools/coref_train.c (`make coref-train`) on GUM
 * and GAP development and shipped as models/coref.model, which also holds
 * the given-name gender list and the role-noun lexicon the trainer built
 * from that data (see coref_train.c). `make eval-coref` prints its figures.
 *
 * Mention detection helpers (ne_coref_detect) add what the entities stage
 * does not produce: pronouns (he, she, him, her, his, hers, they, them,
 * their; "it"/"its" only next to a speech cue or an organisation), titles
 * alone, descriptions, organisations' statements ("the statement", "the
 * department", "his office") and appositions ("Doug McCallum, the mayor",
 * "the mayor, Doug McCallum", "Mourinho, 56,", premodifier titles "Surrey
 * Mayor Doug McCallum"), which become links or attributes the model reads.
 *
 * Wiring (the entities and quotes stages, after the split): the entities
 * stage tags the body with NER as today, calls ne_coref_detect with the
 * same spans, ne_coref_attach_entities to give each name mention the
 * entity it already grouped (and its type), then ne_coref_resolve; every
 * mention whose cluster holds a name mention of entity E is a mention of
 * E (kind: name / title / description / pronoun); a title attached to a
 * name (mention.role, the token before the name) goes to E's titles.
 * The quotes stage reads the same clusters: a speaker span that is a
 * pronoun, title or description resolves to the entity of its cluster.
 * One model per process, one workspace per worker thread, next to the
 * NER workspace.
 *
 * Ownership: the model belongs to the caller (ne_coref_free). A workspace
 * (ne_coref_ws) holds all scratch memory, grows to the largest document
 * seen and belongs to the caller. Mentions and results are arrays of the
 * caller. The text is read, never written, and no pointer to it is kept
 * after a call returns. Out of memory aborts (common/xalloc.h).
 *
 * Threads: a loaded model is read-only and may be shared by any number of
 * threads; each thread brings its own workspace.
 */
#ifndef NE_COREF_H
#define NE_COREF_H

#include <stddef.h>
#include <stdint.h>

#include "enrichers/pipeline/doc.h"
#include "enrichers/ner/ner.h"

enum ne_coref_kind {
    NE_COREF_NAME = 0,    /* "Doug McCallum", "McCallum", "Apple" */
    NE_COREF_TITLE,       /* a title or role alone: "the mayor", "the Kremlin's spokesman" */
    NE_COREF_DESC,        /* "the 56-year-old", "the company", "the statement", "his office" */
    NE_COREF_PRONOUN      /* he, she, they, his, … */
};

enum ne_coref_number { NE_NUM_UNKNOWN = 0, NE_NUM_SING, NE_NUM_PLUR };

/* A candidate mention. The caller fills the first block (or the detector
 * does); the resolver fills the second. Token indices are into the text's
 * token layer, half-open. Mentions must be in reading order (by start). */
typedef struct ne_coref_mention {
    uint32_t start, end;         /* bytes in the text */
    uint32_t tok_start, tok_end; /* tokens */
    uint8_t  kind;               /* ne_coref_kind */
    int8_t   type;               /* enum ne_ent_type when known (NER, entities), else -1 */
    int32_t  entity;             /* index of the entities stage's entity, or -1 */
    int32_t  appos;              /* an earlier mention this one is tied to by apposition,
                                    premodifier or "X said in a statement", or -1 */
    uint32_t role;               /* hash of a title attached to a name ("Mayor" in
                                    "Surrey Mayor Doug McCallum"), 0 if none (detector) */
    int16_t  age;                /* "Mourinho, 56," / "the 56-year-old": 56; 0 if none */
    /* filled by ne_coref_resolve */
    uint8_t  gender;             /* enum ne_gender, of the mention itself */
    uint8_t  number;             /* ne_coref_number */
    /* training only (coref_train --news-pronouns 1, coref_data.h
     * NE_COREF_NEWS_PRON; tried, not kept: mk/coref.mk): a he/she whose
     * gender the resolver is to treat as unknown, so that what decides its
     * antecedent is learned from the structure alone; 0 everywhere else */
    uint8_t  hide_gender;
} ne_coref_mention;

typedef struct ne_coref_model ne_coref_model;
typedef struct ne_coref_ws ne_coref_ws;

/* Loads a model file. Returns NULL and a message in err when the file is
 * missing or malformed. */
ne_coref_model *ne_coref_load(const char *path, char *err, size_t errlen);
void ne_coref_free(ne_coref_model *m);           /* accepts NULL */

ne_coref_ws *ne_coref_ws_new(void);
void ne_coref_ws_free(ne_coref_ws *ws);          /* accepts NULL */

/* Finds candidate mentions in text t. NER spans (document token indices
 * of t, in order; ne_ner_spans) give the names: PER and ORG spans become
 * NAME mentions (a title word before a person's name is left out of the
 * span and recorded as its role). Adds pronouns, titles, descriptions,
 * statements and apposition links. Writes the mentions, in reading order,
 * into an array owned by the workspace: *out is valid until the next call
 * with ws. Returns how many. */
size_t ne_coref_detect(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                       const ne_ner_span *spans, size_t nspans, ne_coref_mention **out);

/* Resolves mentions[0..n) of text t: writes antecedent[i] (an index < i,
 * or -1 for a new entity) and cluster[i] (the index of the first mention
 * of i's cluster; cluster may be NULL). Fills the mentions' gender and
 * number. */
void ne_coref_resolve(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                      ne_coref_mention *mentions, size_t n,
                      int32_t *antecedent, int32_t *cluster);

/* Loads the role tagger (enrichers/syntax/syntax.h) the syntax features
 * read. ne_coref_load does so itself from "syntax.model" in the model
 * file's directory; without one those features read "not tagged". The
 * trainer calls this on its new model. Returns 0, or -1 and a message. */
int ne_coref_load_syntax(ne_coref_model *m, const char *path, char *err, size_t errlen);
int ne_coref_has_syntax(const ne_coref_model *m);

/* Sets the entity (and, when unknown, the type) of each NAME mention from
 * the entities stage's output: the entity with a body mention that
 * overlaps the name. Other mentions keep theirs. */
void ne_coref_attach_entities(ne_coref_mention *mentions, size_t n, const ne_doc *doc);

/* The gender the model's given-name list gives a first name ("Mary"),
 * case-insensitive: enum ne_gender. */
int ne_coref_name_gender(const ne_coref_model *m, const char *s, size_t len);

/* The same for the given names the trainer found in its data only (never
 * a built-in word such as "Miss", "King" or "father"). */
int ne_coref_given_name(const ne_coref_model *m, const char *s, size_t len);

/* What the model's lexicons know of a word (any case), as bits:
 * NE_COREF_WORD_NOUN a title or role, a person, organisation or statement
 * noun, an honorific ("Countess", "Trustee", "Mr"); NE_COREF_WORD_FUNCTION
 * a pronoun, determiner, function word, preposition or clause conjunction
 * ("the", "her", "into"); NE_COREF_WORD_VERB a frequent verb form or a
 * speech cue ("was", "said", "May", "Will"). 0: none of these (a given
 * name the trainer found is none of these). */
enum { NE_COREF_WORD_NOUN = 1, NE_COREF_WORD_FUNCTION = 2, NE_COREF_WORD_VERB = 4 };
unsigned ne_coref_word_class(const ne_coref_model *m, const char *s, size_t len);

/* The model's cross-validation figures and hyper-parameters, recorded by
 * the trainer, as a line of text ("" when none). */
const char *ne_coref_model_info(const ne_coref_model *m);

/* ---- for the trainer and the evaluation tool ---------------------------- */

/* A model with empty weights (2^bits of them) and empty lexicons, for the
 * trainer to fill. */
ne_coref_model *ne_coref_model_new(unsigned bits);

/* The model's weight table and its size (a power of two). */
float *ne_coref_weights(ne_coref_model *m, size_t *n);

/* Lexicon entries: a given name's gender (enum ne_gender), a role noun
 * (kind 1: a person's title, 2: a person description, 3: an organisation
 * noun, 4: a statement noun) or a word class for the role proxies (5: a
 * verb or auxiliary, 6: a preposition, 7: a conjunction opening a clause). Words are lower-cased by the model. A word
 * the lexicons know as a title, noun or function word is refused as a
 * given name ("President"). */
int  ne_coref_add_name(ne_coref_model *m, const char *s, size_t len, int gender);  /* 1 added, 0 refused */
void ne_coref_add_noun(ne_coref_model *m, const char *s, size_t len, int kind);
void ne_coref_set_info(ne_coref_model *m, int window, const char *info);
int  ne_coref_window(const ne_coref_model *m);
void ne_coref_set_window(ne_coref_model *m, int window);

/* Writes the model. Returns 0, or -1 with errno when the file cannot be written. */
int ne_coref_save(const ne_coref_model *m, const char *path);

/* Step-by-step resolution, for training: begin() prepares mentions[0..n)
 * (attributes, gender, number); feats() writes the hashed feature ids
 * (already masked to the weight table) of linking mention i to candidate
 * a (a < i), or of starting a new entity (a == -1), returns how many (at
 * most NE_COREF_MAXF); link() records the decision for i (the cluster
 * state the next features read). cands() lists the candidates of i in the
 * window, nearest first. */
#define NE_COREF_MAXF 64
void   ne_coref_begin(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                      ne_coref_mention *mentions, size_t n);
size_t ne_coref_cands(const ne_coref_model *m, ne_coref_ws *ws, size_t i, int32_t *out, size_t cap);
size_t ne_coref_feats(const ne_coref_model *m, ne_coref_ws *ws, size_t i, long a, uint32_t *out);
void   ne_coref_link(ne_coref_ws *ws, size_t i, long a);

#endif
