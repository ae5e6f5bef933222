/* quotes_int.h — what the files of the quotes stage share (private to
 * enrichers/quotes/; the contract is quotes.h): the lexicon's word
 * classes, the per-token facts, quotations, statements, and the
 * workspace that holds them.
 *
 * One file per concern, in the order ne_quotes_extract (quotes.c) runs
 * them:
 *   quotes_cues.c      the lexicon: speech verbs and the function words
 *                      the frames need, and the word lookup
 *   quotes_spans.c     headline-like paragraphs, quotation spans from the
 *                      marks (step 1), clause bounds
 *   quotes_frames.c    attribution frames around quotations (step 2:
 *                      "…," X said; X said: "…"; was quoted as saying),
 *                      reported clauses (step 3), floating quotes (step 4)
 *   quotes_speakers.c  noun phrases that name a speaker, and resolving
 *                      them (step 5): mentions, he/she, it/they, roles
 *   quotes_rank.c      the learned speaker ranker: candidates near a
 *                      statement, their features, the model's choice
 *   quotes_filter.c    the learned statement filter: a reported
 *                      statement whose cue word is not speech is dropped
 *   quotes_describe.c  the learned resolver of a bare described speaker
 *                      ("the mayor" said): an entity of the article or none
 *   quotes_model.c     models/speakers.model, models/statements.model and
 *                      models/describe.model, built into the library
 *   quotes_about.c     the entities a statement is about
 *   quotes_claims.c    claim ids
 *   quotes.c           the workspace, the per-token facts, the output and
 *                      the stage
 *
 * Everything works on token indices of the body's text layer (ws->t).
 * Ownership: the workspace owns its arrays, which only grow (ne_grow), so
 * a document allocates nothing but the quotes handed to it. Out of memory
 * aborts (common/xalloc.h): nothing here returns an error for it.
 * Threads: a workspace is used by one thread at a time.
 */
#ifndef NE_QUOTES_INT_H
#define NE_QUOTES_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/hash.h"
#include "common/xalloc.h"
#include "enrichers/quotes/quotes.h"
#include "enrichers/text/text.h"

/* ---- word classes: the lexicon's bits (quotes_cues.c) -------------------- */

enum {
    L_CUE     = 1u << 0,   /* speech verb: frames quotes */
    L_IND     = 1u << 1,   /* also frames a reported clause without quote marks */
    L_OBJ     = 1u << 2,   /* takes the listener as object (told reporters …) */
    L_ING     = 1u << 3,   /* participle (saying, adding): subject is the clause's */
    L_AMB     = 1u << 4,   /* also a common noun (claims, notes): needs a named subject */
    L_PART    = 1u << 5,   /* names or labels (called it "…"): frames quoted words only */
    L_PASS    = 1u << 6,   /* passive frame: "was quoted as saying" */
    L_TRAIL   = 1u << 7,   /* frames only a preceding quote ("…," the sign read) */
    L_BELIEF  = 1u << 8,   /* belief and plan verbs: never a cue */
    L_HE      = 1u << 9,
    L_SHE     = 1u << 10,
    L_THEY    = 1u << 11,
    L_IT      = 1u << 12,
    L_SELF    = 1u << 13,  /* I, we, me, my … */
    L_YOU     = 1u << 14,
    L_SUBJ    = 1u << 15,  /* a pronoun in subject form */
    L_DET     = 1u << 16,
    L_PREP    = 1u << 17,
    L_SKIP    = 1u << 18,  /* adverbs and auxiliaries between a subject and its verb */
    L_BE      = 1u << 19,
    L_NEG     = 1u << 20,
    L_CONJ    = 1u << 21,
    L_THAT    = 1u << 22,
    L_REL     = 1u << 23,  /* who, which, when …: ends a noun phrase */
    L_ACCORD  = 1u << 24,  /* "according" (to) */
    L_MR      = 1u << 25,  /* male title */
    L_MRS     = 1u << 26,  /* female title */
    L_LISTEN  = 1u << 27,  /* usual listeners: reporters, journalists */
    L_POSS    = 1u << 28,  /* possessive determiner */
    L_TITLE   = 1u << 29,  /* other titles that may precede a name */
    L_TIME    = 1u << 30,  /* day and time words: "on Friday", "this week" */
    L_PUT_IT  = 1u << 31   /* "put": a cue only in "as X put it" */
};

#define L_PRON (L_HE | L_SHE | L_THEY | L_IT | L_SELF | L_YOU)
/* Words that never belong to a noun phrase that names a speaker. */
#define L_NOT_NP (L_CUE | L_BELIEF | L_PREP | L_SKIP | L_BE | L_NEG | L_CONJ | L_THAT | L_REL | \
                  L_ACCORD | L_SUBJ)

#define LEX_SLOTS 2048          /* power of two, well above twice the lexicon */
#define WORD_MAX 24             /* longer words are in no class */

/* ---- the workspace -------------------------------------------------------- */

enum region { R_OUT = 0, R_QUOTE, R_CONTENT, R_HEAD };

typedef struct tokinfo {
    uint32_t cls;            /* lexicon bits */
    int32_t  ent;            /* entity of the body mention covering the token, or -1 */
    uint32_t mbeg, mend;     /* that mention's tokens */
    uint32_t sent;           /* sentence index */
    uint8_t  region;         /* enum region */
    uint8_t  used;           /* a cue already used by a frame */
} tokinfo;

/* One quotation: the text between a pair of marks within one paragraph. */
typedef struct rawq {
    uint32_t open, close;    /* mark tokens; close == paragraph end when left open */
    uint32_t start, end;     /* bytes of the quoted words, trimmed */
    uint32_t para, nwords;
    int32_t  next, prev;     /* further parts of the same quote, or -1 */
    int32_t  owner;          /* statement that took it, or -1 */
    uint8_t  closed;
    uint8_t  title;          /* a name or title of a work ("CBS This Morning"), not speech */
} rawq;

enum np_kind { NP_NONE = 0, NP_MENTION, NP_PRON, NP_DESC };

/* A noun phrase naming or describing a speaker: tokens [beg, end), the
 * token that carries its meaning (mention token, pronoun, head noun). */
typedef struct np {
    uint32_t beg, end, head;
    uint8_t  kind;
    uint8_t  passive, neg;   /* a be-auxiliary or negation stood between it and the verb */
} np;

typedef struct stmt {
    uint8_t  kind;           /* ne_quote_kind */
    int32_t  rq;             /* first part (quotes), or -1 */
    uint32_t cbeg, cend;     /* content tokens of a reported clause */
    uint32_t start, end;     /* bytes */
    int32_t  cue, cue_end;   /* speech verb tokens, or -1 */
    np       subj;
    int      floating;       /* no frame: inherits the previous speaker */
    uint8_t  np_object;      /* a reported "clause" with no sign of a finite verb, no quotation
                                and no naming, demand or promise frame: a speech verb's
                                object ("announced its own ARM port"); raises no alert */
    /* resolved speaker */
    int      has_speaker;
    long     ent;
    uint32_t sp_start, sp_end;   /* bytes of the speaker's words */
    np       sp_np;          /* the phrase chosen as the speaker (NP_NONE: inherited, none) */
} stmt;

typedef struct role {
    uint64_t hash;           /* of the lower-cased role word */
    int32_t  ent;
    int32_t  head;           /* 1: the role noun itself (the word right before the
                                name, the apposition's last word); 0: a modifier
                                ("airline" in "airline spokesman Tim Smith") */
} role;

struct ne_quotes_ws {
    struct { const char *w; uint32_t bits; } lex[LEX_SLOTS];
    tokinfo *ti;   size_t ti_cap;
    rawq    *rq;   size_t nrq, rq_cap;
    stmt    *st;   size_t nst, st_cap;
    role    *roles; size_t nroles, roles_cap;
    uint8_t *gender; size_t gender_cap;   /* per entity: enum ne_gender */
    uint8_t *pron_seen; size_t pron_seen_cap;   /* per entity: 1 he, 2 she joined (qt_prepare_genders) */
    uint8_t *head_para; size_t hp_cap;    /* per paragraph: headline-like */
    size_t  *about; size_t about_cap;
    int      rules;   /* 1: the hand-ordered speaker rules instead of the ranker (training, comparison) */
    int      no_filter;   /* 1: keep every statement the frames find (training the filter) */
    int      stmt_trial;  /* 1: the filter's trial features too (statements_train --trial only) */
    int      no_describe; /* 1: leave bare descriptions bare (training the resolver) */
    /* the document being processed */
    const ne_doc *doc;
    const ne_text *t;
};

/* ---- token predicates, inline: every pass calls them per token ------------- */

static inline const ne_token *tok(const ne_quotes_ws *ws, size_t i) { return &ws->t->toks[i]; }

static inline int tok_is(const ne_quotes_ws *ws, size_t i, const char *s)
{
    const ne_token *k = tok(ws, i);
    size_t n = strlen(s);
    return k->end - k->start == n && memcmp(ws->t->s + k->start, s, n) == 0;
}

static inline int is_word(const ne_quotes_ws *ws, size_t i)
{
    return tok(ws, i)->kind == NE_TOK_WORD;
}

static inline int is_dash(const ne_quotes_ws *ws, size_t i)
{
    return tok(ws, i)->kind == NE_TOK_PUNCT &&
           (tok_is(ws, i, "-") || tok_is(ws, i, "--") || tok_is(ws, i, "\xE2\x80\x93") ||
            tok_is(ws, i, "\xE2\x80\x94") || tok_is(ws, i, "\xE2\x80\x95"));
}

/* A sentence stop (. ! ? …) that is not inside a quotation. */
static inline int is_stop(const ne_quotes_ws *ws, size_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_PUNCT || ws->ti[i].region == R_QUOTE) return 0;
    char c = ws->t->s[k->start];
    return c == '.' || c == '!' || c == '?' || tok_is(ws, i, "\xE2\x80\xA6");
}

/* Any . ! ? … token, inside quotations too. */
static inline int is_stop_any(const ne_quotes_ws *ws, size_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_PUNCT) return 0;
    char c = ws->t->s[k->start];
    return c == '.' || c == '!' || c == '?' || tok_is(ws, i, "\xE2\x80\xA6");
}

static inline int is_double_mark(uint8_t m)
{
    return m == NE_QM_STRAIGHT_DOUBLE || m == NE_QM_LEFT_DOUBLE || m == NE_QM_RIGHT_DOUBLE ||
           m == NE_QM_LOW_DOUBLE || m == NE_QM_GUILLEMET_LEFT || m == NE_QM_GUILLEMET_RIGHT ||
           m == NE_QM_CORNER_LEFT || m == NE_QM_CORNER_RIGHT;
}

static inline uint32_t para_start(const ne_quotes_ws *ws, size_t i) { return ws->t->paras[tok(ws, i)->para].tok_start; }
static inline uint32_t para_end(const ne_quotes_ws *ws, size_t i) { return ws->t->paras[tok(ws, i)->para].tok_end; }

static inline const ne_entity *ent_of(const ne_quotes_ws *ws, int32_t e)
{
    return e >= 0 && (size_t)e < ws->doc->nentities ? &ws->doc->entities[e] : NULL;
}

static inline int is_person(const ne_quotes_ws *ws, int32_t e)
{
    const ne_entity *en = ent_of(ws, e);
    return en && en->type == NE_ENT_PER;
}

/* ---- quotes_cues.c ------------------------------------------------------------ */

/* Lower-cases an ASCII word into buf (WORD_MAX bytes), reading the
 * typographic apostrophe ’ as '. Returns the length, or 0 when it does not
 * fit. */
size_t qt_fold_word(const char *s, size_t n, char *buf);

/* FNV-1a of a folded word: the lexicon's slots and the role words' keys. */
static inline uint64_t qt_word_hash(const char *s, size_t n) { return ne_fnv1a(NE_FNV64_OFFSET, s, n); }

/* Fills ws->lex from the lexicon; the lexicon bits of a word, any case. */
void qt_lex_init(ne_quotes_ws *ws);
uint32_t qt_lex_lookup(const ne_quotes_ws *ws, const char *s, size_t n);

/* ---- quotes_spans.c ------------------------------------------------------------- */

/* Marks headline-like paragraphs (ws->head_para, region R_HEAD). */
void qt_prepare_headlines(ne_quotes_ws *ws);

/* Step 1: the quotations of the body into ws->rq, in order, with their
 * continuations into the next paragraph linked. */
void qt_find_quotes(ne_quotes_ws *ws);

/* The last part of quotation r's chain; the quotation whose opening mark
 * is token i, or -1; whether the quotation opened at `open` begins a
 * sentence. */
int32_t qt_chain_tail(const ne_quotes_ws *ws, int32_t r);
int32_t qt_quote_opening_at(const ne_quotes_ws *ws, uint32_t i);
int qt_starts_sentence(const ne_quotes_ws *ws, uint32_t open);

/* The clause that holds token i: its first token (qt_left_bound) and one
 * past its last (qt_right_bound), within the paragraph; with at_quote a
 * quotation bounds it too. */
uint32_t qt_left_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote);
uint32_t qt_right_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote);

/* ---- quotes_frames.c ---------------------------------------------------------------- */

/* Step 2: a frame for every quotation not yet taken. Step 3: the clauses
 * reported by the speech verbs no frame used. Step 4: quotations that are
 * sentences of their own, without a frame. Each appends to ws->st. */
void qt_attach_frames(ne_quotes_ws *ws);
void qt_find_reported(ne_quotes_ws *ws);
void qt_find_floating(ne_quotes_ws *ws);

/* ---- quotes_speakers.c ----------------------------------------------------------------- */

/* True for a word that may be part of a describing noun phrase. */
int qt_np_word(const ne_quotes_ws *ws, uint32_t i);
/* True for a word ending in a possessive 's (Trump’s, Manafort's). */
int qt_is_possessive(const ne_quotes_ws *ws, uint32_t i);

/* The speaker's noun phrase: the one ending before token c
 * (qt_np_before, not before lo), the one starting at i (qt_np_after, an
 * inverted "said the spokesman"), the subject of the verb at c
 * (qt_subject_of: also a participle's or coordinated verb's). */
np qt_np_before(const ne_quotes_ws *ws, uint32_t lo, uint32_t c);
np qt_np_after(const ne_quotes_ws *ws, uint32_t i, uint32_t hi);
np qt_subject_of(const ne_quotes_ws *ws, uint32_t lo, uint32_t c);

/* Per entity its gender hint (ws->gender); the apposition roles of people
 * (ws->roles); statement si's speaker (the statements sorted by position). */
void qt_prepare_genders(ne_quotes_ws *ws);
void qt_collect_roles(ne_quotes_ws *ws);
void qt_resolve_speaker(ne_quotes_ws *ws, size_t si);

/* Resolves the noun phrase n for statement si: whether it names a
 * speaker, its entity (-1: described) and its words' bytes. */
void qt_resolve_np(const ne_quotes_ws *ws, size_t si, const np *n, int *has, int32_t *ent, uint32_t *sp_start,
                   uint32_t *sp_end);

/* The last statement before si (position order) with a speaker, at most
 * `paras` paragraphs back (nonperson: skip people); -1 if none. */
int32_t qt_previous_speaker_stmt(const ne_quotes_ws *ws, size_t si, uint32_t paras, int nonperson);
/* The same, skipping speakers a he/she (pron_cls, 0: none) cannot be. */
int32_t qt_previous_speaker_agreeing(const ne_quotes_ws *ws, size_t si, uint32_t paras, int nonperson, uint32_t pron_cls);

/* ---- quotes_rank.c ----------------------------------------------------------------------- */

#define QT_SPK_BITS 14       /* hashed feature space of the speaker ranker (64 KiB of weights) */
#define QT_MAXC 10           /* candidates per statement */
#define QT_MAXF 24           /* features per candidate */

enum qt_cand_src { C_SUBJ = 0, C_PREVM, C_NEXTM, C_PREVP, C_NEXTP, C_PREVS, C_NONE, C_PREVM2, C_NEXTM2, C_NSRC };

typedef struct qt_cand {
    uint8_t  src;            /* qt_cand_src */
    uint8_t  kind;           /* np_kind of the phrase (0 for C_PREVS, C_NONE) */
    uint32_t beg, end, head; /* the phrase's tokens */
    uint32_t dist;           /* C_PREVS: paragraphs back */
    int      has_speaker;    /* resolved: */
    int32_t  ent;
    uint32_t sp_start, sp_end;
    float    score;
} qt_cand;

/* The candidates of statement si (resolved), at most QT_MAXC; the hashed
 * features of candidate ci (at most QT_MAXF indices into the weights);
 * the index of the best candidate under weights w (scores kept in c). */
size_t qt_speaker_candidates(ne_quotes_ws *ws, size_t si, qt_cand *c);
size_t qt_cand_features(const ne_quotes_ws *ws, size_t si, const qt_cand *c, size_t nc, size_t ci, uint32_t *f);
size_t qt_rank_choose(ne_quotes_ws *ws, size_t si, const float *w, qt_cand *c, size_t nc);

/* The weights of models/speakers.model (parsed once), or NULL when the
 * built-in model is empty; the parser (returns weights read). */
const float *qt_spk_weights(void);
size_t qt_spk_model_parse(const char *text, float *w, size_t nw);
extern const char ne_speakers_model_text[];   /* quotes_model.c */

/* Whether entity e fits a pronoun of class pron_cls (he, she); the most
 * recent fitting person before token p, within 400 tokens, other than
 * `not`, or -1. */
int qt_gender_ok(const ne_quotes_ws *ws, int32_t e, uint32_t pron_cls);
int32_t qt_recent_person(const ne_quotes_ws *ws, uint32_t p, uint32_t pron_cls, int32_t not);

/* ---- quotes_filter.c ------------------------------------------------------------------ */

#define QT_STMT_BITS 14      /* hashed feature space of the statement filter (64 KiB of weights) */
#define QT_STMT_MAXF 48      /* features per statement */
#define QT_STMT_NTEMPL 38    /* feature templates (0 unused) */

/* Whether statement s is one the filter judges (a reported statement with
 * a speech verb, not a direct quote); its hashed features (at most
 * QT_STMT_MAXF indices into the weights; with tm, each one's template
 * into tm, for the trainer's ablation); a template's name; its score
 * under weights w (kept when >= 0). */
int qt_stmt_candidate(const ne_quotes_ws *ws, const stmt *s);
/* Signs of a finite verb among tokens [b, e)'s first words (bits: an
 * auxiliary, a subject pronoun, a likely verb); 0: a noun phrase. */
int qt_finite_signs(const ne_quotes_ws *ws, uint32_t b, uint32_t e);
size_t qt_stmt_features(const ne_quotes_ws *ws, const stmt *s, uint32_t *f, uint8_t *tm);
const char *qt_stmt_template_name(unsigned t);
float qt_stmt_score(const ne_quotes_ws *ws, const stmt *s, const float *w);

/* Drops the candidate statements the model scores below 0 (their
 * quotations become free again for step 4); nothing when ws->no_filter
 * or the built-in model is empty. The weights of models/statements.model
 * (parsed once), or NULL when it is empty. */
void qt_filter_statements(ne_quotes_ws *ws);
const float *qt_stmt_weights(void);
extern const char ne_statements_model_text[];   /* quotes_model.c */

/* ---- quotes_describe.c ----------------------------------------------------------------- */

#define QT_DESC_BITS 14      /* hashed feature space of the described-speaker resolver (64 KiB) */
#define QT_DESC_MAXC 16      /* candidates per description, NONE included */
#define QT_DESC_MAXF 64      /* features per candidate */

/* A candidate referent of a description: an entity, or NONE (ent -1,
 * always first). Its flags: */
enum {
    QD_PREVS   = 1u << 0,   /* the previous statement's speaker */
    QD_MOST    = 1u << 1,   /* the most-mentioned person */
    QD_FIRST   = 1u << 2,   /* the first person or organisation named */
    QD_QUOTED  = 1u << 3,   /* its nearest mention is in a quotation */
    QD_PSUBJ   = 1u << 4,   /* the first name of the previous sentence */
    QD_SPARA   = 1u << 5,   /* speaker of an earlier statement in this paragraph */
    QD_INSIDE  = 1u << 6,   /* named inside the description */
    QD_NEAREST = 1u << 7,   /* the nearest candidate of a compatible type */
    QD_HEADLINE = 1u << 8,  /* named in the article's title */
    QD_APPOS   = 1u << 9,   /* named right before it, with a comma ("EgyptAir, the airline") */
    QD_LATER   = 1u << 10,  /* named again after it in its sentence ("the nominee told her") */
    QD_COORD   = 1u << 11   /* joined to another candidate of its type ("Boeing and Airbus") */
};

typedef struct qt_dcand {
    int32_t  ent;
    uint32_t near_tok;       /* its nearest mention before the description, or UINT32_MAX */
    uint16_t nbefore;        /* its mentions before the description */
    uint16_t flags;          /* QD_* (quotes_describe.c) */
    uint8_t  rank;           /* candidates named more recently */
    uint8_t  crank;          /* of them, those of a type the head fits */
    float    score;
} qt_dcand;

/* Whether n is a definite description the resolver takes ("the …",
 * "this …", "our …"); the candidates for statement si's description n
 * (at most QT_DESC_MAXC, NONE first); candidate ci's hashed features (at
 * most QT_DESC_MAXF, never index 0, which holds the link threshold); the
 * choice under weights w (0: NONE; scores kept in c). */
int qt_desc_eligible(const ne_quotes_ws *ws, const np *n);
/* Whether token i is a person's role or title noun of the resolver's
 * lists ("spokesman", "founder", "senator"). */
int qt_role_noun(const ne_quotes_ws *ws, uint32_t i);
/* True when token i is a lower-case noun for people, singular or plural,
 * that is no title: "relatives", "friends", "the lawyer", "supporters"
 * (quotes_describe.c's lists), not "secretary". */
int qt_people_noun(const ne_quotes_ws *ws, uint32_t i);
size_t qt_desc_candidates(const ne_quotes_ws *ws, size_t si, const np *n, qt_dcand *c);
size_t qt_desc_features(const ne_quotes_ws *ws, size_t si, const np *n, const qt_dcand *c, size_t nc, size_t ci,
                        uint32_t *f);
size_t qt_desc_choose(const ne_quotes_ws *ws, size_t si, const np *n, const float *w, qt_dcand *c, size_t nc);

/* Gives statement si, whose speaker is a bare definite description, the
 * entity the model chooses (or leaves it bare); nothing with
 * ws->no_describe or an empty built-in model. The weights of
 * models/describe.model (parsed once), or NULL when it is empty. */
void qt_describe_speaker(ne_quotes_ws *ws, size_t si);
const float *qt_desc_weights(void);
extern const char ne_describe_model_text[];   /* quotes_model.c */

/* ---- quotes_about.c ------------------------------------------------------------------- */

/* The entities statement s is about, into ws->about; returns how many. */
size_t qt_collect_about(ne_quotes_ws *ws, const stmt *s);

/* ---- quotes_anylang.c ----------------------------------------------------------------- */

/* Text in another language than English (lang.h): every quotation long
 * enough to be speech is a direct quote (in place of steps 2-4); a direct
 * quote whose sentence names exactly one person takes that person as its
 * speaker (in place of step 5). */
void qt_find_spans_anylang(ne_quotes_ws *ws);
void qt_speakers_by_name(ne_quotes_ws *ws);

/* quotes_posts.c: embedded social posts, appended to doc->quotes as kind
 * `post` (the quotes then put in reading order and numbered again). */
void qt_add_posts(ne_doc *doc);

#endif
