/* ner_int — what the files of the NER tagger share (private to
 * enrichers/ner/ and tools/ner_train.c; the other stages use ner.h).
 *
 * The files, one concern each:
 *   ner_tables.c    the lexicon and gazetteer tables: keys, gazetteer
 *                   matching
 *   ner_features.c  the workspace, per-document preparation (token
 *                   attributes, document counts, tag history) and the
 *                   reference feature extractor (ner_sent_features)
 *   ner_tag.c       tagging: emission scores by the reference path,
 *                   which the trainer shares, or by the tagger's cached
 *                   path (type cache and row memo), which gives the same
 *                   scores; spans and IOB labels
 *   ner_viterbi.c   decoding: the generic Viterbi and the one specialised
 *                   to the BILOU layout, which give the same tags
 *   ner_model.c     the model: sparse int16 weight rows behind a bitmap with
 *                   a rank index, and its file (load; write for the trainer)
 *   ner_conll.c     CoNLL files and entity counts, for the tools and tests
 *
 * The trainer (tools/ner_train.c) links the same objects and prepares
 * documents, extracts features and records tag history with the very
 * functions the tagger uses (ner_doc_begin, ner_sent_features,
 * ner_doc_record), without a wider public API; the functions marked
 * "trainer" below only it calls.
 *
 * What is static inline here sits on the per-token paths of more than one
 * file (the feature hashes, the word keys): defined once, inlined in each
 * file that calls it.
 *
 * Ownership and threads: as ner.h. A model is read-only once built; a
 * workspace belongs to one thread. Out of memory aborts (common/xalloc.h);
 * -1 and NULL mean bad input.
 */
#ifndef NE_NER_INT_H
#define NE_NER_INT_H

#include "enrichers/ner/ner.h"

#include "common/hash.h"
#include "common/map.h"

#define NT NE_NER_NTAGS
#define GAZ_MAXLEN 8
#define MAX_FEATS 96          /* per token; the extractor emits fewer */
#define NFOLDS 10             /* gazetteer jackknife folds (training only) */
#define NXL 12                /* external name lists (FF_XGAZ) */

/* Feature families, switchable for ablations. The model records which
 * families it was trained with, so the tagger computes the same ones. */
enum {
    FF_AFFIX   = 1 << 0,   /* prefixes and suffixes */
    FF_SHAPE   = 1 << 1,   /* word shapes, capitalisation class */
    FF_CTX     = 1 << 2,   /* neighbouring words and shapes */
    FF_GAZ     = 1 << 3,   /* gazetteer membership */
    FF_CAPLEX  = 1 << 4,   /* capitalisation lexicon from unlabelled text */
    FF_CLUSTER = 1 << 5,   /* distributional word clusters */
    FF_DOCCAP  = 1 << 6,   /* capitalisation of the word elsewhere in the document */
    FF_HIST    = 1 << 7,   /* tags given to the word in earlier sentences */
    FF_POS     = 1 << 8,   /* sentence position and length */
    FF_CASED_FIRST = 1 << 9, /* decode cased sentences before capitals ones (see ner_doc_begin) */
    FF_TITLECASE = 1 << 10, /* title-case lines count as uncased (see ner_doc_begin) */
    FF_NAMEPAT = 1 << 11,  /* the name run a token is in: its first and last words' keyword
                            * classes ("Mayo Clinic", "Ministry of Defence"; see name_runs) */
    FF_XGAZ    = 1 << 12,  /* external name lists (tools/ner_gazetteers.py): the token's
                            * place in the longest phrase of each list covering it */
    FF_ALL     = (1 << 13) - 1
};

/* ---- hashing ---------------------------------------------------------- */

/* Hash of a feature template id and one or two values. */
static inline uint64_t fh1(uint64_t tid, uint64_t a)
{
    return ne_mix64(a ^ (tid * 0x9e3779b97f4a7c15ULL));
}
static inline uint64_t fh2(uint64_t tid, uint64_t a, uint64_t b)
{
    return ne_mix64(fh1(tid, a) + b * 0xc2b2ae3d27d4eb4fULL);
}

/* A byte of a folded word: ASCII lower-cased, digits '0'. */
static inline unsigned char fold_byte(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c + 32);
    if (c >= '0' && c <= '9') return '0';
    return c;
}

/* FNV-1a over the bytes, finished with ne_mix64: the key of a word in the
 * tables and its feature value. When `fold` is set, the bytes are folded
 * (fold_byte), so "1996" and "2017" share a key. Never 0: 0 marks an empty
 * table slot. */
static inline uint64_t hash_word(const char *s, size_t n, int fold)
{
    uint64_t h = NE_FNV64_OFFSET;
    if (!fold) h = ne_fnv1a(h, s, n);
    else
        for (size_t i = 0; i < n; i++) h = ne_fnv1a_step(h, fold_byte((unsigned char)s[i]));
    h = ne_mix64(h);
    return h ? h : 1;
}

/* Extends a gazetteer phrase key by one word (its folded hash). A one-word
 * phrase's key is the word's folded hash itself. */
static inline uint64_t phrase_step(uint64_t ph, uint64_t hl)
{
    uint64_t h = ne_mix64(ph * NE_FNV64_PRIME + hl);
    return h ? h : 1;
}

/* ---- token classes ---------------------------------------------------- */

/* Capitalisation classes of a token. */
enum { CAP_LOWER, CAP_INIT, CAP_ALL, CAP_ONE, CAP_MIXED, CAP_NONE, CAP_N };

/* Token flags. */
enum { TF_DIGIT = 1, TF_HYPHEN = 2, TF_PERIOD = 4, TF_APOS = 8, TF_LETTER = 16, TF_LOWER = 32 };

/* ---- lookup tables (ner_tables.c) ------------------------------------- */

/* Lexicon value: bits 0-3 capitalisation bucket (0 = unknown), bits 4-7
 * the word's keyword class (LEX_KW: 0 none, else a KW_ value, written by
 * the trainer from its word lists), then three cluster ids of growing
 * granularity, each stored +1 so 0 = none. */
#define LEX_CAPB(v)   ((unsigned)((v) & 15))
#define LEX_KW(v)     ((unsigned)(((v) >> 4) & 15))
enum { KW_NONE, KW_COMPANY, KW_INSTITUTION, KW_GEO, KW_CIVIC, KW_EVENT, KW_TITLE, KW_N };
#define LEX_CL(v, k)  ((unsigned)(((v) >> (8 + 16 * (k))) & 0xffff))
#define LEX_NCL 3

/* Gazetteer value: bit 4*f+t: type t seen in training fold f; bits 40-43:
 * type t in a bundled list; bits 44-55: in external list l (FF_XGAZ; the
 * trainer numbers the lists of its --xgaz file in order); bit 63: the
 * key is a proper prefix of a longer phrase (so matching goes on). */
#define GAZ_BUNDLED(t)  (1ULL << (40 + (t)))
#define GAZ_XLIST(l)    (1ULL << (44 + (l)))
#define GAZ_XLISTS(v)   ((unsigned)((v) >> 44) & ((1u << NXL) - 1))
#define GAZ_PREFIX      (1ULL << 63)

typedef struct ner_tables {
    ne_map lex;   /* folded word hash → LEX value */
    ne_map gaz;   /* phrase key → GAZ value */
} ner_tables;

/* Fills t (emptied first) from parallel key and value arrays. */
void ner_table_fill(ne_map *t, const uint64_t *keys, const uint64_t *vals, size_t n);

/* ---- the model (ner_model.c) ------------------------------------------ */

struct ne_ner_model {
    uint32_t row_bits, row_mask, feat_set;
    const uint64_t *bitmap;     /* bit r: weight row r is stored */
    uint32_t *rank;             /* stored rows before bitmap word w */
    const int16_t *rows;        /* stored rows, NT weights each */
    size_t nrows;
    int32_t trans[NT + 1][NT];  /* [prev][cur]; prev NT = sentence start */
    int32_t endw[NT];           /* last tag of a sentence */
    float scale;                /* weight = int16 / scale */
    float score, score_type[4];
    uint64_t cache_id;          /* non-zero: identifies the contents (file checksum), so
                                 * a workspace may keep sums across documents; 0: the
                                 * model may change under the same address (trainer) */
    ner_tables tab;
    void *blob;                 /* file contents backing bitmap and rows */
    void *owned_rows;           /* rows built in memory (trainer) */
    int borrowed_tables;        /* tab belongs to someone else (trainer) */
};

/* Allowed tag transitions: inside an entity only I/L of its type may follow
 * B/I; elsewhere only O, B or U. Start may not be I/L, end may not be B/I. */
static inline int tag_allowed(int prev, int cur)
{
    int inside_prev = prev > 0 && prev < NT &&
        (NE_NER_TAG_POS(prev) == NE_NER_B || NE_NER_TAG_POS(prev) == NE_NER_I);
    int cont_cur = cur > 0 && (NE_NER_TAG_POS(cur) == NE_NER_I || NE_NER_TAG_POS(cur) == NE_NER_L);
    if (inside_prev) return cont_cur && NE_NER_TAG_TYPE(prev) == NE_NER_TAG_TYPE(cur);
    return !cont_cur;
}
static inline int tag_end_allowed(int t)
{
    return t == 0 || NE_NER_TAG_POS(t) == NE_NER_L || NE_NER_TAG_POS(t) == NE_NER_U;
}

/* Bits set in x. The builtin becomes a libgcc call unless the build
 * targets a CPU with POPCNT, so fall back to the SWAR count then. */
static inline unsigned popcount64(uint64_t x)
{
#ifdef __POPCNT__
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

/* Builds an in-memory model from dense int16 rows (2^row_bits × NT),
 * storing only non-zero rows; the tables are borrowed from the caller
 * (trainer). */
ne_ner_model *ner_model_from_dense(const int16_t *dense, uint32_t row_bits,
                                   uint32_t feat_set, const ner_tables *tab);

/* Writes m to path (trainer). Returns 0, or -1 with errno set (I/O). */
int ner_model_write(const ne_ner_model *m, const char *path);

/* ---- decoding (ner_viterbi.c) ------------------------------------------ */

/* For each tag, the tags allowed before it (NT = sentence start is not
 * listed; tag_allowed(NT, t) covers it). Built with each workspace from
 * tag_allowed, so the two cannot disagree. */
typedef struct prev_lists { uint8_t n[NT]; uint8_t p[NT][NT]; } prev_lists;

/* Four int32 lanes (GCC/Clang vector extension: SSE2 on x86-64, NEON on
 * arm64, plain code elsewhere). */
typedef int32_t v4i __attribute__((vector_size(16)));
typedef int16_t v8s __attribute__((vector_size(16)));

/* Tags that share one list of allowed previous tags, for Viterbi: the
 * scores of those previous tags are gathered once per token for all of
 * them (with BILU, O/B/U share one list and I/L of a type another). */
typedef struct prev_group {
    uint8_t np, nc;
    uint8_t p[NT];   /* the previous tags, in prev_lists order */
    uint8_t c[NT];   /* the tags that have exactly this list */
} prev_group;

/* The best path of ws->emit (n tokens) into out: the generic decoder over
 * ws->pg (the reference path). */
void ner_viterbi(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out);

/* Whether tag_allowed is the BILOU rule the specialised decoder's layout
 * assumes (ws->prev); ner_bilou_transitions puts the model's transition
 * weights in that layout (ws->vt_*), then ner_viterbi_bilou gives the
 * same tags as ner_viterbi. */
int ner_bilou_layout_holds(const prev_lists *pl);
void ner_bilou_transitions(const ne_ner_model *m, ne_ner_ws *ws);
void ner_viterbi_bilou(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out);

/* ---- workspace and document preparation (ner_features.c) -------------- */

/* Attributes of one token, computed once per document. */
typedef struct tokattr {
    uint64_t hw, hl;          /* exact and folded word hashes */
    uint64_t hshape, hbrief;  /* shape hashes */
    uint64_t lex;             /* lexicon value (0: unknown word) */
    uint32_t de;              /* document entry of the folded word */
    uint8_t cap, flags;
    uint8_t pat;              /* FF_NAMEPAT: 0 outside a name run, else 1 + the
                                 token's place in its run (first, inner, last, alone) */
    uint8_t patkw;            /* the run's first word's class << 4 | its last word's */
    uint8_t gaz[4];           /* per type: 0, or 1 + BILU position of the longest match */
    uint8_t gazlen[4];
    uint8_t xgaz[NXL];        /* per external list: 0, or 1 + BILU position of the longest match */
    uint8_t xglen[NXL];
    uint64_t stamp;           /* the token's type cache entry (see typeent); 0: none */
    uint64_t gaz1;            /* with the type cache: its one-word gazetteer value, 0: none */
} tokattr;

/* What the tagger keeps about one token type (its exact bytes) across
 * documents, so that a word seen before costs one lookup instead of some
 * thirty hashed features: the attributes ner_doc_begin derives from the bytes,
 * and the summed weight rows of every feature that depends on nothing but
 * the bytes and the sentence context `ctx` (initial | uncased << 1) —
 * those of the token itself and those it contributes as a neighbour.
 * Integer sums, so adding a cached sum equals adding its rows one by one.
 * Entries live in a direct-mapped table in the workspace, indexed by the
 * exact-word hash and verified by the bytes; a colliding type replaces the
 * entry. 320 bytes, five cache lines. */
#define TE_KEYMAX 48
enum { TS_SELF,     /* the token's own cacheable features, at ctx 0 */
       TS_M1, TS_P1,   /* what it adds as the previous / next token */
       TS_N };
#define TE_NOROW UINT32_MAX
typedef struct typeent {
    uint64_t stamp;                   /* unique per insertion; empty when <= ws->stamp_floor */
    uint64_t hw, hl, hshape, hbrief, lex;
    uint64_t gaz1;                    /* its gazetteer value as a one-word phrase, 0: none */
    /* What it adds as the second previous / next token: one feature
     * each, so its row (index into the model's rows, or TE_NOROW). */
    uint32_t row_m2, row_p2;
    uint8_t cap, flags, len, summed;  /* summed: sum[] and row_m2/p2 are filled */
    char key[TE_KEYMAX];
    int32_t sum[TS_N][NT];
} typeent;
_Static_assert(sizeof(typeent) == 320, "typeent: a whole number of cache lines");

/* What the document says about one folded word. */
typedef struct docent {
    uint32_t capmid, low;     /* capitalised mid-sentence / lower-case occurrences */
    uint16_t hist[5];         /* earlier tags: O, PER, ORG, LOC, MISC */
} docent;

struct ne_ner_ws {
    tokattr *ta;       size_t cap_tok;
    size_t *soff;      size_t cap_sent;    /* first token of each sentence */
    size_t *order;     size_t cap_order;   /* sentences in decoding order */
    uint8_t *uncased;  size_t cap_unc;     /* per sentence: no lower-case letter */
    docent *de;        size_t nde, cap_de;
    ne_map docmap;                        /* folded hash → index + 1 into de */
    uint32_t *feats;   size_t cap_feats;   /* rows of the current sentence */
    uint32_t *foff;    size_t cap_foff;    /* feats of token i: foff[i]..foff[i+1] */
    uint32_t *fend;    size_t cap_fend;    /* after scoring: stored rows of token i end here */
    int32_t *emit;     size_t cap_emit;    /* n × NT scores */
    uint8_t *bp;       size_t cap_bp;      /* Viterbi back-pointers */
    size_t nsents, ntoks;
    prev_lists prev;                      /* allowed transitions, see tag_allowed */
    prev_group pg[NT];  size_t npg;       /* prev grouped by identical lists */

    /* Type cache (typeent), owned here; tc_bits 0 means tagging takes the
     * uncached reference path (tests). Valid for one model: tc_model and
     * tc_model_id; switching models empties it by raising stamp_floor. */
    typeent *tc;       unsigned tc_bits;  uint32_t tc_mask;
    uint64_t stamp, stamp_floor;
    const ne_ner_model *tc_model;  uint64_t tc_model_id;
    int use_tc;                           /* this document takes the cached path */
    typeent scratch;                      /* for tokens too long to be keys */
    typeent edge;                         /* neighbour sums of the sentence edges */
    uint32_t *memo;                       /* row memo (MEMO_N slots), same model as tc */
    v4i vt_out[9][3], vt_in_b[2], vt_in_i[2];   /* transitions in Viterbi lane order */
    int32_t *vbp;      size_t cap_vbp;     /* ner_viterbi_bilou: each step's state, for its back-trace */
};
/* Capitalisation bucket of a doc entry: 0 none, 1 only lower, 2 only
 * capitalised, 3 both. */
static inline unsigned doccap_bucket(const docent *d)
{
    return (d->low ? 1u : 0u) | (d->capmid ? 2u : 0u);
}

/* Majority earlier tag type of a doc entry (1..4), 0 for O, 5 for none. */
static inline unsigned hist_major(const docent *d)
{
    unsigned best = 5, bc = 0;
    for (unsigned k = 0; k < 5; k++)
        if (d->hist[k] > bc) { bc = d->hist[k]; best = k; }
    return best;
}

/* Sentence-edge placeholders for neighbour features. */
extern const tokattr ner_edge_attr;

/* Capitalisation class of s; sets its TF_ flags (trainer). */
int ner_cap_class(const char *s, size_t len, uint8_t *flags);

/* Makes e the type cache entry of token tk, whose attributes a holds; its
 * sums are computed when first needed (ner_tag.c, type_sums). */
void ner_type_store(ne_ner_ws *ws, typeent *e, const ne_ner_tok *tk, tokattr *a);

/* Marks the gazetteer matches of the document's tokens [a, b), one
 * sentence (ner_tables.c); `fold` as for ner_doc_begin. */
void ner_mark_gazetteer(ne_ner_ws *ws, const ner_tables *tab, size_t a, size_t b, int fold);

/* Adds phrase p (words separated by spaces) to gazetteer gaz as a member
 * of external list l (FF_XGAZ, l < NXL), marking its proper prefixes so
 * matching goes on. The trainer's --xgaz lists; tests. */
void ner_gaz_add_listed(ne_map *gaz, const char *p, int l);

/* Computes token attributes and document counts for a whole document,
 * empties the tag history and sets the decoding order. `fold` hides one
 * training fold of the gazetteer (-1 at run time); `fs` is the model's
 * feature set. A sentence is uncased (ws->uncased) when it has no
 * lower-case letter or, with FF_TITLECASE, when it is a title-case line:
 * every word of four letters or more capitalised, and at least one of
 * them past the first a word the lexicon knows as lower-case ("Hillary
 * Clinton Was Headed to ER"); its capitals say nothing, and the
 * features of its tokens take the uncased context. With
 * FF_CASED_FIRST, uncased sentences are decoded after the others, so
 * they gain most from how the body tagged the same words (tag history). */
void ner_doc_begin(ne_ner_ws *ws, const ner_tables *tab, const ne_ner_sent *sents,
                   size_t nsents, int fold, uint32_t fs);

/* Adds the tags of sentence s to the document's tag history. */
void ner_doc_record(ne_ner_ws *ws, size_t s, const uint8_t *tags);

/* Makes room in ws->feats, foff and fend for a sentence of n tokens. */
void ner_sent_buffers(ne_ner_ws *ws, size_t n);

/* ---- feature extraction (ner_features.c) ------------------------------- */

/* Template ids; values must stay fixed once a model is trained. */
enum {
    T_BIAS = 1, T_W, T_LW, T_PRE, T_SUF, T_SHAPE, T_BRIEF, T_CAP,
    T_LWM1, T_LWP1, T_LWM2, T_LWP2, T_BRM1, T_BRP1, T_BR3, T_BIM1, T_BIP1,
    T_CAP3, T_GAZ, T_GAZCAP, T_GAZM1, T_GAZP1, T_CAPLEX, T_CAPLEXP1, T_CAPLEXM1,
    T_CL, T_CLM1, T_CLP1, T_DOCCAP, T_HIST, T_HISTANY, T_POS, T_SLEN, T_WINIT,
    T_FLAGS, T_CLCAP, T_NAMEPAT, T_XGAZ, T_XGAZCAP
};

/* One function per feature template, shared by ner_sent_features (the
 * trainer's extractor, which fixes the order of the features) and the
 * tagger's cached path (score_cached), so both hash the same values. Each
 * returns the feature's hash; its weight row is the hash & row_mask. */
static inline uint64_t f_bias(void) { return fh1(T_BIAS, 0); }
static inline uint64_t f_w(const tokattr *a) { return fh1(T_W, a->hw); }
static inline uint64_t f_lw(const tokattr *a) { return fh1(T_LW, a->hl); }
static inline uint64_t f_winit(const tokattr *a, uint64_t ctx) { return fh2(T_WINIT, a->hw, ctx); }
static inline uint64_t f_shape(const tokattr *a) { return fh1(T_SHAPE, a->hshape); }
static inline uint64_t f_brief(const tokattr *a, uint64_t ctx) { return fh2(T_BRIEF, a->hbrief, ctx); }
static inline uint64_t f_cap(const tokattr *a, uint64_t ctx) { return fh2(T_CAP, a->cap, ctx); }
static inline uint64_t f_flags(const tokattr *a) { return fh2(T_FLAGS, a->flags, a->cap); }
static inline uint64_t f_cap3(const tokattr *m1, const tokattr *a, const tokattr *p1, uint64_t ctx)
{
    return fh2(T_CAP3, (uint64_t)m1->cap << 8 | a->cap, (uint64_t)p1->cap << 2 | ctx);
}
static inline uint64_t f_lwm1(const tokattr *m1) { return fh1(T_LWM1, m1->hl); }
static inline uint64_t f_lwp1(const tokattr *p1) { return fh1(T_LWP1, p1->hl); }
static inline uint64_t f_lwm2(const tokattr *m2) { return fh1(T_LWM2, m2->hl); }
static inline uint64_t f_lwp2(const tokattr *p2) { return fh1(T_LWP2, p2->hl); }
static inline uint64_t f_brm1(const tokattr *m1) { return fh1(T_BRM1, m1->hbrief); }
static inline uint64_t f_brp1(const tokattr *p1) { return fh1(T_BRP1, p1->hbrief); }
static inline uint64_t f_br3(const tokattr *m1, const tokattr *a, const tokattr *p1)
{
    return fh2(T_BR3, m1->hbrief * 31 + a->hbrief, p1->hbrief);
}
static inline uint64_t f_bim1(const tokattr *m1, const tokattr *a) { return fh2(T_BIM1, m1->hl, a->hl); }
static inline uint64_t f_bip1(const tokattr *a, const tokattr *p1) { return fh2(T_BIP1, a->hl, p1->hl); }
static inline uint64_t f_pos(const tokattr *a, uint64_t init, uint64_t last)
{
    return fh2(T_POS, init | last << 1, a->cap);
}
static inline uint64_t f_slen(const tokattr *a, uint64_t slen) { return fh2(T_SLEN, slen, a->cap); }
static inline uint64_t f_gaz(const tokattr *a, int t)
{
    return fh2(T_GAZ, (uint64_t)t, a->gaz[t] | (uint64_t)(a->gazlen[t] > 1) << 4);
}
static inline uint64_t f_gazcap(const tokattr *a, int t) { return fh2(T_GAZCAP, (uint64_t)t << 4 | a->gaz[t], a->cap); }
static inline uint64_t f_gazm1(const tokattr *m1, int t) { return fh2(T_GAZM1, (uint64_t)t, m1->gaz[t]); }
static inline uint64_t f_gazp1(const tokattr *p1, int t) { return fh2(T_GAZP1, (uint64_t)t, p1->gaz[t]); }
static inline uint64_t f_caplex(const tokattr *a, uint64_t ctx)
{
    return fh2(T_CAPLEX, LEX_CAPB(a->lex), (uint64_t)a->cap << 2 | ctx);
}
static inline uint64_t f_caplexm1(const tokattr *m1, const tokattr *a, uint64_t ctx)
{
    return fh2(T_CAPLEXM1, LEX_CAPB(m1->lex) << 4 | LEX_CAPB(a->lex),
               (uint64_t)m1->cap << 8 | (uint64_t)a->cap << 2 | ctx);
}
static inline uint64_t f_caplexp1(const tokattr *p1, const tokattr *a, uint64_t ctx)
{
    return fh2(T_CAPLEXP1, LEX_CAPB(p1->lex) << 4 | LEX_CAPB(a->lex),
               (uint64_t)p1->cap << 8 | (uint64_t)a->cap << 2 | ctx);
}
static inline uint64_t f_cl(const tokattr *a, int c) { return fh2(T_CL, (uint64_t)c, LEX_CL(a->lex, c)); }
static inline uint64_t f_clcap(const tokattr *a, int c)
{
    return fh2(T_CLCAP, (uint64_t)c << 16 | LEX_CL(a->lex, c), a->cap);
}
static inline uint64_t f_clm1(const tokattr *m1, int c) { return fh2(T_CLM1, (uint64_t)c, LEX_CL(m1->lex, c)); }
static inline uint64_t f_clp1(const tokattr *p1, int c) { return fh2(T_CLP1, (uint64_t)c, LEX_CL(p1->lex, c)); }
static inline uint64_t f_doccap(const docent *d, const tokattr *a, uint64_t ctx)
{
    return fh2(T_DOCCAP, doccap_bucket(d), (uint64_t)a->cap << 2 | ctx);
}
static inline uint64_t f_hist(const docent *d, uint64_t ctx) { return fh2(T_HIST, hist_major(d), ctx); }
static inline uint64_t f_histany(const docent *d, unsigned t) { return fh2(T_HISTANY, t, d->hist[t] > 1); }
/* FF_XGAZ: external list l matched (its BILU position), and the same with
 * the token's capitalisation and whether the line is uncased: a
 * case-insensitive match of a lower-case word ("split", "nice") or of an
 * all-caps one tells something else than one of a capitalised word. */
static inline uint64_t f_xgaz(const tokattr *a, int l) { return fh2(T_XGAZ, (uint64_t)l, a->xgaz[l]); }
static inline uint64_t f_xgazcap(const tokattr *a, int l, uint64_t unc)
{
    return fh2(T_XGAZCAP, (uint64_t)l << 4 | a->xgaz[l], (uint64_t)a->cap << 1 | unc);
}
static inline uint64_t f_namepat(const tokattr *a, uint64_t unc)
{
    return fh2(T_NAMEPAT, a->patkw, (uint64_t)a->pat << 1 | unc);
}

/* The prefix and suffix features of a token, written to f (hashes masked
 * with row_mask); returns how many. */
size_t ner_affix_feats(const ne_ner_tok *tk, uint32_t row_mask, uint32_t *f);

/* Emits the weight rows (hashes masked with row_mask) of the features of
 * the tokens of sentence s of the prepared document into ws->feats, token
 * i at ws->foff[i]..ws->foff[i+1]: the reference extractor, which fixes
 * the order of the features. */
void ner_sent_features(ne_ner_ws *ws, uint32_t row_mask, uint32_t fs,
                       const ne_ner_sent *sent, size_t s);

#endif
