/* coref_int.h — what coref.c (model, features, resolver) and
 * coref_detect.c (mention detection) share. Not a public interface. */
#ifndef NE_COREF_INT_H
#define NE_COREF_INT_H

#include "common/hash.h"
#include "common/map.h"
#include "enrichers/coref/coref.h"
#include "enrichers/syntax/syntax.h"

#include <string.h>
#include <strings.h>

/* Lexicon bits of a word (value in ne_coref_model.lex). */
enum {
    LEX_MALE     = 1 << 0,   /* a male given name, title or noun */
    LEX_FEMALE   = 1 << 1,
    LEX_TITLE    = 1 << 2,   /* a person's title or role: mayor, president */
    LEX_PERSON   = 1 << 3,   /* a person description: defenceman, woman */
    LEX_ORG      = 1 << 4,   /* an organisation noun: company, department */
    LEX_STMT     = 1 << 5,   /* a statement noun: statement, office */
    LEX_HONORIF  = 1 << 6,   /* Mr, Mrs, Dr, Sir: before a name, not a role */
    LEX_PRON     = 1 << 7,   /* a third-person pronoun */
    LEX_CUE      = 1 << 8,   /* a speech cue: said, says, told */
    LEX_VERB     = 1 << 9,   /* a frequent verb form: is, was, has, will */
    LEX_DET      = 1 << 10,  /* the, a, an */
    LEX_STOP     = 1 << 11,  /* a function word that ends a noun phrase */
    LEX_IT       = 1 << 12,  /* it, its */
    LEX_POSSPRON = 1 << 13,  /* his, her, their, its */
    LEX_ADP      = 1 << 14,  /* a preposition (from treebank data) */
    LEX_FROMDATA = 1 << 15,  /* entry saved in the model file */
    LEX_CLAUSE   = 1 << 16   /* a conjunction opening a clause (from treebank data) */
};

typedef struct lex_entry { char *word; uint32_t bits; } lex_entry;

struct ne_coref_model {
    float   *w;
    size_t   nw;          /* power of two */
    /* a loaded model's nonzero weights in an open-addressing table that
     * stays in cache (the dense table is mostly zeros): keys are weight
     * indices + 1 (0: empty), cmask + 1 slots; NULL for a trainer's model */
    uint32_t *ck;
    float    *cv;
    size_t    cmask;
    int      window;
    char     info[512];
    ne_map   lex;         /* word hash -> LEX_* bits */
    lex_entry *saved;     size_t nsaved, capsaved;   /* entries from data, for ne_coref_save */
    ne_syntax_model *syn; /* the role tagger (syntax.model beside the file), or NULL: roles unknown */
};

/* What the resolver knows about a mention (computed by ne_coref_begin). */
typedef struct mattr {
    uint64_t head;        /* head word hash */
    uint64_t str;         /* the mention's words, determiners and titles left out */
    uint64_t first, last; /* first and last name word (names) */
    uint32_t sent, para;
    uint32_t flags;       /* MF_* */
    int32_t  cluster;     /* index of the cluster (its first mention) */
    uint64_t words[4];    /* the first four words (names) */
    uint8_t  nwords;      /* name words */
    int8_t   type;        /* inferred ne_ent_type or -1 */
    /* syntax (sentences near a pronoun only, see tag_roles): the role
     * class of the mention's head (ROLE_*), the token that bears it, and
     * for a pronoun the nearest subject-labelled token before it in its
     * sentence (its clause's subject, as far as a tagger can tell) */
    uint8_t  role;
    uint8_t  main_subj;   /* its head is its sentence's first subject */
    uint32_t rtok;
    uint32_t subj_tok;    /* UINT32_MAX: none */
} mattr;

/* Role classes of a mention's head (from enum ne_syn_label). */
enum { ROLE_NONE = 0,   /* not tagged: no pronoun near, or no syntax model */
       ROLE_SUBJ, ROLE_OBJ, ROLE_OBL, ROLE_NMOD, ROLE_POSS, ROLE_APPOS, ROLE_CONJ, ROLE_OTHER };

enum { MF_SENT_START = 1, MF_BEFORE_VERB = 2, MF_AFTER_CUE = 4, MF_IN_QUOTE = 8,
       MF_POSS = 16, MF_INDEF = 32, MF_BEFORE_CUE = 64, MF_FIRST_IN_SENT = 128,
       MF_AFTER_PREP = 256, MF_AFTER_VERB = 512,
       MF_CATA = 1024,     /* a pronoun of a fronted clause, a name after its comma
                              ("In her tenure as president, Adele …") */
       MF_CUE_SUBJ = 2048 };  /* the subject of a speech cue (see ne_coref_begin) */

/* A cluster, kept at the index of its first mention. */
#define CL_NAMES 8
#define CL_ROLES 6
typedef struct cstate {
    uint64_t names[CL_NAMES];  /* name word hashes */
    uint64_t roles[CL_ROLES];  /* title / description heads */
    uint64_t strs[CL_ROLES];   /* mention strings */
    uint8_t  nnames, nroles, nstrs;
    uint16_t size;
    uint16_t male, female, plur, sing;
    uint16_t per, org;         /* type votes of its mentions */
    uint16_t hard_org;         /* org votes of names that are surely no person's (two or more
                                  words, an organisation noun, capitals): a cluster with none
                                  may be a person the tagger typed ORG ("Alleway played …") */
    int8_t   type;
    int16_t  age;
    int32_t  entity;
    int32_t  last;             /* latest mention */
    uint64_t given;            /* first word of its first name of two or more words, 0 if none */
} cstate;

struct ne_coref_ws {
    const ne_text *t;
    ne_coref_mention *ms;  size_t n;
    mattr  *at;     size_t capat;
    cstate *cl;     size_t capcl;
    uint32_t *tok_sent;  size_t captoks;
    uint8_t  *tok_quote;
    uint16_t *pcomma, *pclause;
    int32_t *sent_first;  size_t capsf;   /* cluster of each sentence's first mention, -1 */
    int32_t *sent_speaker; size_t capss;  /* cluster of each sentence's cue subject ("X said",
                                             "…, said X"), -1 */
    int32_t topic;                        /* cluster of the first person mention, -1 */
    int32_t *cnext;  size_t capcnext;     /* MF_CATA pronouns: the name after the comma, else -1 */   /* commas and clause words before each token (prefix counts) */
    /* detection */
    ne_coref_mention *det; size_t capdet;
    uint32_t *tokbits; size_t captokbits;   /* LEX_* bits of each token */
    uint64_t *tokhash; size_t captokhash;   /* coref_word_hash of each token (same text): detection,
                                               attributes and clusters hash a token's word many
                                               times (2.2 % of the chain before it was kept) */
    const char *bits_s; size_t bits_n;      /* the text tokbits were computed for */
    float *scores; size_t capscores;
    int32_t *cands; size_t capcands;
    /* set by ne_coref_cands for mention cur, read by ne_coref_feats */
    size_t cur, ncomp, nname;
    uint8_t *comp;  uint16_t *rank;  size_t caprank;
    /* syntax: each token's ne_syn_label (0xff: not tagged), prefix counts
     * of clause markers, the words handed to the tagger */
    uint8_t *tok_role;  uint16_t *pmark;  size_t caprole;
    ne_syn_word *synw;  size_t capsynw;
    uint8_t *need;  size_t capneed;        /* sentences to tag */
};

/* Hash of a word, lower-cased (ASCII), without a possessive 's / ’s / ',
 * never 0. */
uint64_t coref_word_hash(const char *s, size_t len);
uint32_t coref_lex(const ne_coref_model *m, const char *s, size_t len);

/* Fills ws->tokbits and ws->tokhash for text t unless they already hold
 * them. */
void coref_tokbits(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t);

/* Token text helpers. */
static inline const char *tok_ptr(const ne_text *t, size_t i) { return t->s + t->toks[i].start; }
static inline size_t tok_len(const ne_text *t, size_t i) { return t->toks[i].end - t->toks[i].start; }
/* coref_word_hash of token i of the text coref_tokbits last ran on. */
static inline uint64_t tok_hash(const ne_coref_ws *ws, size_t i) { return ws->tokhash[i]; }

/* The hash of the title word at token i as a role: the word's own, or for
 * "Vice President", "deputy minister", "assistant secretary",
 * "Lieutenant Governor", "former president" the pair's, so that "the vice
 * president" is never the president's title and "the president" never the
 * vice president's, nor "the former president" the sitting one's.
 * The same for a name's role (coref_detect.c) and a title's head. */
enum { COREF_MOD_NONE = -1, COREF_MOD_FORMER = 5 };

/* The modifier word right before the title word at token i (index into
 * the list below: COREF_MOD_FORMER for "former"), or COREF_MOD_NONE. */
static inline int coref_title_mod(const ne_text *t, size_t i)
{
    static const char *const mods[] = { "vice", "deputy", "assistant", "associate", "lieutenant", "former" };
    if (i == 0 || t->toks[i - 1].kind != NE_TOK_WORD) return COREF_MOD_NONE;
    const char *p = t->s + t->toks[i - 1].start;
    size_t l = t->toks[i - 1].end - t->toks[i - 1].start;
    for (int k = 0; k < (int)(sizeof mods / sizeof *mods); k++)
        if (strlen(mods[k]) == l && strncasecmp(p, mods[k], l) == 0) return k;
    return COREF_MOD_NONE;
}

static inline uint64_t coref_title_hash(const ne_coref_ws *ws, const ne_text *t, size_t i)
{
    uint64_t h = tok_hash(ws, i);
    if (coref_title_mod(t, i) == COREF_MOD_NONE) return h;
    return ne_mix64(h * 0x9e3779b97f4a7c15ULL + tok_hash(ws, i - 1) + 1);
}

#endif
