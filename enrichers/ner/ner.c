/* ner — the statistical NER tagger: features, model file, Viterbi.
 *
 * Layout of this file:
 *   hashing and small string helpers
 *   lookup tables (lexicon and gazetteer, open addressing on 64-bit keys)
 *   the model (sparse int16 weight rows behind a bitmap with rank index)
 *   the workspace and per-document preparation (token attributes, document
 *     capitalisation counts, gazetteer matches, tag history)
 *   feature extraction for one sentence (hashed into weight rows)
 *   scoring and Viterbi decoding: the reference path (sent_features,
 *     score_sentence, viterbi), which the trainer shares, and the tagger's
 *     cached path (type cache and row memo, score_cached, viterbi_bilou),
 *     which gives the same scores and tags
 *   the model file (load; write, used by tools/ner_train.c)
 *   spans and IOB conversion
 *
 * tools/ner_train.c compiles this file into itself (#include) so training
 * and tagging share one feature extractor without a wider public API;
 * functions only the trainer needs are marked NER_TRAINER_ONLY.
 */
#include "enrichers/ner/ner.h"

#include "common/nebuf.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NER_TRAINER_ONLY __attribute__((unused))

#define NT NE_NER_NTAGS
#define GAZ_MAXLEN 8
#define MAX_FEATS 96          /* per token; the extractor emits fewer */
#define NFOLDS 10             /* gazetteer jackknife folds (training only) */

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
    FF_CASED_FIRST = 1 << 9, /* decode cased sentences before capitals ones (see doc_begin) */
    FF_ALL     = (1 << 10) - 1
};

/* ---- hashing ---------------------------------------------------------- */

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Hash of a feature template id and one or two values. */
static inline uint64_t fh1(uint64_t tid, uint64_t a)
{
    return mix64(a ^ (tid * 0x9e3779b97f4a7c15ULL));
}
static inline uint64_t fh2(uint64_t tid, uint64_t a, uint64_t b)
{
    return mix64(fh1(tid, a) + b * 0xc2b2ae3d27d4eb4fULL);
}

/* FNV-1a over the bytes, finished with mix64. When `fold` is set, ASCII is
 * lower-cased and digits become '0', so "1996" and "2017" share a key. */
static uint64_t hash_word(const char *s, size_t n, int fold)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold) {
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            else if (c >= '0' && c <= '9') c = '0';
        }
        h = (h ^ c) * 0x100000001b3ULL;
    }
    h = mix64(h);
    return h ? h : 1;   /* 0 marks an empty table slot */
}

/* Extends a gazetteer phrase key by one word (its folded hash). A one-word
 * phrase's key is the word's folded hash itself. */
static inline uint64_t phrase_step(uint64_t ph, uint64_t hl)
{
    uint64_t h = mix64(ph * 0x100000001b3ULL + hl);
    return h ? h : 1;
}

/* ---- characters ------------------------------------------------------- */

/* Character class of the UTF-8 character at s[0]: 'X' upper, 'x' lower,
 * 'd' digit, or the byte itself for ASCII punctuation; Latin-1 letters are
 * classed by case, other non-ASCII characters count as lower-case letters.
 * *adv receives the character's byte length. */
static char char_class(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned c = s[0];
    *adv = 1;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return 'X';
        if (c >= 'a' && c <= 'z') return 'x';
        if (c >= '0' && c <= '9') return 'd';
        return (char)c;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len > n) len = n;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) { len = i; break; }
    *adv = len;
    if (c == 0xc3 && len == 2) {            /* U+00C0..U+00FF */
        unsigned cp = 0xc0 + (s[1] & 0x3f);
        if (cp == 0xd7 || cp == 0xf7) return '*';
        return cp < 0xdf ? 'X' : 'x';
    }
    if (c == 0xe2) return '*';              /* general punctuation, dashes, quotes */
    return 'x';
}

size_t ne_ner_shape(const char *s, size_t len, char *out, size_t cap, int brief)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0, run = 0;
    char last = 0;
    if (cap == 0) return 0;
    while (i < len) {
        size_t adv;
        char c = char_class(p + i, len - i, &adv);
        i += adv;
        run = c == last ? run + 1 : 1;
        last = c;
        if (run > (brief ? 1u : 4u)) continue;
        if (o + 1 < cap) out[o++] = c;
    }
    out[o] = '\0';
    return o;
}

size_t ne_ner_affix_len(const char *s, size_t len, int n, int suffix)
{
    const unsigned char *p = (const unsigned char *)s;
    int seen = 0;
    if (n <= 0) return 0;
    if (!suffix) {
        for (size_t i = 0; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80 && seen++ == n) return i;
        }
        return seen == n ? len : 0;
    }
    for (size_t i = len; i-- > 0;) {
        if ((p[i] & 0xc0) != 0x80 && ++seen == n) return len - i;
    }
    return 0;
}

/* Capitalisation classes of a token. */
enum { CAP_LOWER, CAP_INIT, CAP_ALL, CAP_ONE, CAP_MIXED, CAP_NONE, CAP_N };
static const char *const cap_names[CAP_N] = { "lower", "init", "all", "one", "mixed", "none" };

/* Token flags. */
enum { TF_DIGIT = 1, TF_HYPHEN = 2, TF_PERIOD = 4, TF_APOS = 8, TF_LETTER = 16, TF_LOWER = 32 };

/* ---- lookup tables ---------------------------------------------------- */

/* Open addressing, linear probing, 64-bit keys (0 = empty), 64-bit values.
 * Owned by whoever built it; htab_free releases the arrays. */
typedef struct htab {
    uint64_t *keys, *vals;
    size_t mask, n;
} htab;

static void htab_free(htab *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* Empties t and sizes it for at least n keys at load factor <= 1/2. */
static int htab_init(htab *t, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    htab_free(t);
    t->keys = calloc(cap, sizeof *t->keys);
    t->vals = calloc(cap, sizeof *t->vals);
    if (!t->keys || !t->vals) { htab_free(t); return -1; }
    t->mask = cap - 1;
    return 0;
}

static inline const uint64_t *htab_get(const htab *t, uint64_t key)
{
    if (!t->keys) return NULL;
    for (size_t i = key & t->mask;; i = (i + 1) & t->mask) {
        if (t->keys[i] == key) return &t->vals[i];
        if (t->keys[i] == 0) return NULL;
    }
}

/* The value slot of key, inserted with value 0 if absent; NULL on OOM. */
static uint64_t *htab_put(htab *t, uint64_t key)
{
    if (!t->keys || 2 * (t->n + 1) > t->mask + 1) {
        htab old = *t;
        memset(t, 0, sizeof *t);
        if (htab_init(t, old.n * 2 + 8) < 0) { *t = old; return NULL; }
        for (size_t i = 0; old.keys && i <= old.mask; i++)
            if (old.keys[i]) *htab_put(t, old.keys[i]) = old.vals[i];
        htab_free(&old);
    }
    size_t i = key & t->mask;
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & t->mask;
    if (!t->keys[i]) { t->keys[i] = key; t->n++; }
    return &t->vals[i];
}

/* Lexicon value: bits 0-3 capitalisation bucket (0 = unknown), then three
 * cluster ids of growing granularity, each stored +1 so 0 = none. */
#define LEX_CAPB(v)   ((unsigned)((v) & 15))
#define LEX_CL(v, k)  ((unsigned)(((v) >> (8 + 16 * (k))) & 0xffff))
#define LEX_NCL 3

/* Gazetteer value: bit 4*f+t: type t seen in training fold f; bits 40-43:
 * type t in a bundled list; bit 63: the key is a proper prefix of a
 * longer phrase (so matching goes on). */
#define GAZ_BUNDLED(t)  (1ULL << (40 + (t)))
#define GAZ_PREFIX      (1ULL << 63)

typedef struct ner_tables {
    htab lex;   /* folded word hash → LEX value */
    htab gaz;   /* phrase key → GAZ value */
} ner_tables;

/* Entity types of a gazetteer value, leaving out fold `fold` (-1: none). */
static unsigned gaz_types(uint64_t v, int fold)
{
    unsigned m = 0;
    for (int f = 0; f < NFOLDS; f++)
        if (f != fold) m |= (unsigned)(v >> (4 * f)) & 15;
    return m;
}

/* ---- the model -------------------------------------------------------- */

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
static int tag_allowed(int prev, int cur)
{
    int inside_prev = prev > 0 && prev < NT &&
        (NE_NER_TAG_POS(prev) == NE_NER_B || NE_NER_TAG_POS(prev) == NE_NER_I);
    int cont_cur = cur > 0 && (NE_NER_TAG_POS(cur) == NE_NER_I || NE_NER_TAG_POS(cur) == NE_NER_L);
    if (inside_prev) return cont_cur && NE_NER_TAG_TYPE(prev) == NE_NER_TAG_TYPE(cur);
    return !cont_cur;
}
static int tag_end_allowed(int t)
{
    return t == 0 || NE_NER_TAG_POS(t) == NE_NER_L || NE_NER_TAG_POS(t) == NE_NER_U;
}

/* For each tag, the tags allowed before it (NT = sentence start is not
 * listed; tag_allowed(NT, t) covers it). Built on first use from
 * tag_allowed, so the two cannot disagree. */
typedef struct prev_lists { uint8_t n[NT]; uint8_t p[NT][NT]; } prev_lists;

/* Tags that share one list of allowed previous tags, for Viterbi: the
 * scores of those previous tags are gathered once per token for all of
 * them (with BILU, O/B/U share one list and I/L of a type another). */
/* Four int32 lanes (GCC/Clang vector extension: SSE2 on x86-64, NEON on
 * arm64, plain code elsewhere). */
typedef int32_t v4i __attribute__((vector_size(16)));
typedef int16_t v8s __attribute__((vector_size(16)));

/* Lanes 0-3 and 4-7 of eight int16, sign-extended to int32: each int16
 * is paired with itself into one int32 (high half = the value), then
 * shifted right arithmetically. */
static inline v4i widen_lo(v8s x)
{
    v8s d = __builtin_shufflevector(x, x, 0, 0, 1, 1, 2, 2, 3, 3);
    return (v4i)d >> 16;
}
static inline v4i widen_hi(v8s x)
{
    v8s d = __builtin_shufflevector(x, x, 4, 4, 5, 5, 6, 6, 7, 7);
    return (v4i)d >> 16;
}

typedef struct prev_group {
    uint8_t np, nc;
    uint8_t p[NT];   /* the previous tags, in prev_lists order */
    uint8_t c[NT];   /* the tags that have exactly this list */
} prev_group;

static prev_lists make_prev_lists(void)
{
    prev_lists pl;
    memset(&pl, 0, sizeof pl);
    for (int c = 0; c < NT; c++)
        for (int p = 0; p < NT; p++)
            if (tag_allowed(p, c)) pl.p[c][pl.n[c]++] = (uint8_t)p;
    return pl;
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

/* Builds the rank index over m->bitmap; sets m->nrows. */
static int model_build_rank(ne_ner_model *m)
{
    size_t nw = ((size_t)1 << m->row_bits) / 64;
    uint32_t acc = 0;
    m->rank = malloc(nw * sizeof *m->rank);
    if (!m->rank) return -1;
    for (size_t i = 0; i < nw; i++) {
        m->rank[i] = acc;
        acc += popcount64(m->bitmap[i]);
    }
    m->nrows = acc;
    return 0;
}

void ne_ner_free(ne_ner_model *m)
{
    if (!m) return;
    free(m->rank);
    free(m->blob);
    free(m->owned_rows);
    if (!m->borrowed_tables) {
        htab_free(&m->tab.lex);
        htab_free(&m->tab.gaz);
    }
    free(m);
}

double ne_ner_model_score(const ne_ner_model *m, double per_type[4])
{
    if (per_type)
        for (int t = 0; t < 4; t++) per_type[t] = m ? m->score_type[t] : 0;
    return m ? m->score : 0;
}

/* ---- workspace and document preparation ------------------------------ */

/* Attributes of one token, computed once per document. */
typedef struct tokattr {
    uint64_t hw, hl;          /* exact and folded word hashes */
    uint64_t hshape, hbrief;  /* shape hashes */
    uint64_t lex;             /* lexicon value (0: unknown word) */
    uint32_t de;              /* document entry of the folded word */
    uint8_t cap, flags;
    uint8_t gaz[4];           /* per type: 0, or 1 + BILU position of the longest match */
    uint8_t gazlen[4];
    uint64_t stamp;           /* the token's type cache entry (see typeent); 0: none */
    uint64_t gaz1;            /* with the type cache: its one-word gazetteer value, 0: none */
} tokattr;

/* What the tagger keeps about one token type (its exact bytes) across
 * documents, so that a word seen before costs one lookup instead of some
 * thirty hashed features: the attributes doc_begin derives from the bytes,
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
    size_t *order;                        /* sentences in decoding order */
    uint8_t *uncased;                     /* per sentence: no lower-case letter */
    docent *de;        size_t nde, cap_de;
    htab docmap;                          /* folded hash → index + 1 into de */
    uint32_t *feats;   size_t cap_feats;   /* rows of the current sentence */
    uint32_t *foff;    size_t cap_foff;    /* feats of token i: foff[i]..foff[i+1] */
    uint32_t *fend;                       /* after scoring: stored rows of token i end here */
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
    int32_t *vbp;      size_t cap_vbp;     /* back-pointers of viterbi_bilou */
};

/* log2 of the type cache entries: 16384 × 320 bytes (5 MiB). News text
 * has some 15,000 distinct tokens in 200 articles; 4096 entries missed
 * 2.5 times as often as 16384. */
#define TC_BITS_DEFAULT 14

ne_ner_ws *ne_ner_ws_new(void)
{
    ne_ner_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return NULL;
    ws->tc_bits = TC_BITS_DEFAULT;
    ws->prev = make_prev_lists();
    for (int c = 0; c < NT; c++) {
        size_t g = 0;
        for (; g < ws->npg; g++)
            if (ws->pg[g].np == ws->prev.n[c] && !memcmp(ws->pg[g].p, ws->prev.p[c], ws->prev.n[c])) break;
        if (g == ws->npg) {
            ws->npg++;
            ws->pg[g].np = ws->prev.n[c];
            memcpy(ws->pg[g].p, ws->prev.p[c], ws->prev.n[c]);
        }
        ws->pg[g].c[ws->pg[g].nc++] = (uint8_t)c;
    }
    return ws;
}

void ne_ner_ws_free(ne_ner_ws *ws)
{
    if (!ws) return;
    free(ws->ta); free(ws->soff); free(ws->order); free(ws->uncased); free(ws->de);
    htab_free(&ws->docmap);
    free(ws->feats); free(ws->foff); free(ws->fend); free(ws->emit); free(ws->bp);
    free(ws->tc); free(ws->vbp); free(ws->memo);
    free(ws);
}

/* Grows *p to hold at least n elements of size sz; keeps contents. */
static int grow(void *pp, size_t *cap, size_t n, size_t sz)
{
    void **p = pp;
    if (n <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < n) c *= 2;
    void *np = realloc(*p, c * sz);
    if (!np) return -1;
    *p = np;
    *cap = c;
    return 0;
}

/* Sets the shape hashes (equal to hash_word of ne_ner_shape's strings,
 * full and brief), capitalisation class and flags of a token in one scan
 * of its bytes. */
static void word_shapes(const char *s, size_t len, tokattr *a)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t hf = 0xcbf29ce484222325ULL, hb = hf;
    size_t run = 0, nf = 0, nb = 0;
    int first = 0, nup = 0, nlow = 0;
    char last = 0;
    uint8_t f = 0;
    for (size_t i = 0; i < len;) {
        size_t adv;
        char c = char_class(p + i, len - i, &adv);
        i += adv;
        run = c == last ? run + 1 : 1;
        last = c;
        if (run <= 4 && nf < 63) { hf = (hf ^ (unsigned char)c) * 0x100000001b3ULL; nf++; }
        if (run == 1 && nb < 63) { hb = (hb ^ (unsigned char)c) * 0x100000001b3ULL; nb++; }
        if (c == 'X' || c == 'x') {
            if (!first) first = c;
            if (c == 'X') nup++; else nlow++;
        } else if (c == 'd') f |= TF_DIGIT;
        else if (c == '-') f |= TF_HYPHEN;
        else if (c == '.') f |= TF_PERIOD;
        else if (c == '\'') f |= TF_APOS;
    }
    hf = mix64(hf);
    hb = mix64(hb);
    a->hshape = hf ? hf : 1;
    a->hbrief = hb ? hb : 1;
    if (nup + nlow) f |= TF_LETTER;
    if (nlow) f |= TF_LOWER;
    a->flags = f;
    a->cap = (uint8_t)(!first ? CAP_NONE : first == 'x' ? (nup ? CAP_MIXED : CAP_LOWER)
                       : nlow == 0 ? (nup == 1 ? CAP_ONE : CAP_ALL) : CAP_INIT);
}

/* Capitalisation class of s; sets its TF_ flags (trainer). */
NER_TRAINER_ONLY static int cap_class(const char *s, size_t len, uint8_t *flags)
{
    tokattr a;
    word_shapes(s, len, &a);
    *flags = a.flags;
    return a.cap;
}

/* Makes e the entry of token tk, whose attributes a holds; its sums are
 * computed when first needed (type_sums). */
static void type_store(ne_ner_ws *ws, typeent *e, const ne_ner_tok *tk, tokattr *a)
{
    e->stamp = a->stamp = ++ws->stamp;
    e->hw = a->hw;
    e->hl = a->hl;
    e->hshape = a->hshape;
    e->hbrief = a->hbrief;
    e->lex = a->lex;
    e->gaz1 = a->gaz1;
    e->cap = a->cap;
    e->flags = a->flags;
    e->len = (uint8_t)tk->len;
    e->summed = 0;
    memcpy(e->key, tk->ptr, tk->len);
}

/* Fills the byte-derived attributes of token tk (a->hw already set) from
 * its type cache entry; returns 0 when the type has none. */
static int type_lookup(const ne_ner_ws *ws, const ne_ner_tok *tk, tokattr *a)
{
    const typeent *e = &ws->tc[a->hw & ws->tc_mask];
    if (e->stamp <= ws->stamp_floor || e->hw != a->hw || e->len != tk->len ||
        memcmp(e->key, tk->ptr, tk->len) != 0)
        return 0;
    a->hl = e->hl;
    a->hshape = e->hshape;
    a->hbrief = e->hbrief;
    a->lex = e->lex;
    a->gaz1 = e->gaz1;
    a->cap = e->cap;
    a->flags = e->flags;
    a->stamp = e->stamp;
    return 1;
}

/* Marks gazetteer matches of sentence [a, b): for each type, each token
 * gets the BILU position within the longest phrase covering it. */
static void mark_gazetteer(ne_ner_ws *ws, const ner_tables *tab, size_t a, size_t b, int fold)
{
    tokattr *ta = ws->ta;
    for (size_t s = a; s < b; s++) {
        uint64_t ph = 0;
        for (size_t len = 1; len <= GAZ_MAXLEN && s + len <= b; len++) {
            ph = len == 1 ? ta[s].hl : phrase_step(ph, ta[s + len - 1].hl);
            const uint64_t *v = len > 1 || !ws->use_tc ? htab_get(&tab->gaz, ph)
                              : ta[s].gaz1 ? &ta[s].gaz1 : NULL;
            if (!v) break;
            unsigned types = gaz_types(*v, fold) | (unsigned)(*v >> 40 & 15);
            for (int t = 0; t < 4; t++) {
                if (!(types & (1u << t))) continue;
                for (size_t k = s; k < s + len; k++) {
                    if (ta[k].gazlen[t] >= len) continue;
                    ta[k].gazlen[t] = (uint8_t)len;
                    ta[k].gaz[t] = (uint8_t)(1 + (len == 1 ? NE_NER_U : k == s ? NE_NER_B
                                               : k + 1 == s + len ? NE_NER_L : NE_NER_I));
                }
            }
            if (!(*v & GAZ_PREFIX)) break;
        }
    }
}

/* Computes token attributes and document counts for a whole document,
 * empties the tag history and sets the decoding order. `fold` hides one
 * training fold of the gazetteer (-1 at run time). With `cased_first`,
 * sentences without lower-case letters (headlines in capitals) are
 * decoded after the others: they carry no case information, so they
 * gain most from how the body tagged the same words (tag history). */
static int doc_begin(ne_ner_ws *ws, const ner_tables *tab, const ne_ner_sent *sents,
                     size_t nsents, int fold, int cased_first)
{
    size_t n = 0;
    for (size_t s = 0; s < nsents; s++) n += sents[s].ntoks;
    if (grow(&ws->ta, &ws->cap_tok, n + 1, sizeof *ws->ta) < 0) return -1;
    size_t oldcap = ws->cap_sent;
    if (grow(&ws->soff, &ws->cap_sent, nsents + 1, sizeof *ws->soff) < 0) return -1;
    if (ws->cap_sent != oldcap) {
        uint8_t *u = realloc(ws->uncased, ws->cap_sent);
        if (!u) return -1;
        ws->uncased = u;
        size_t *o = realloc(ws->order, ws->cap_sent * sizeof *o);
        if (!o) return -1;
        ws->order = o;
    }
    if (htab_init(&ws->docmap, n + 1) < 0) return -1;
    if (grow(&ws->de, &ws->cap_de, n + 1, sizeof *ws->de) < 0) return -1;
    ws->nde = 0;
    ws->nsents = nsents;
    ws->ntoks = n;

    /* The exact-word hashes first, each token's type cache entry
     * prefetched: the entries are spread over megabytes, so the lookups
     * below would otherwise wait on memory one after another. */
    size_t g = 0;
    for (size_t s = 0; s < nsents; s++) {
        for (size_t i = 0; i < sents[s].ntoks; i++, g++) {
            const ne_ner_tok *tk = &sents[s].toks[i];
            tokattr *a = &ws->ta[g];
            memset(a, 0, sizeof *a);
            a->hw = hash_word(tk->ptr, tk->len, 0);
            if (ws->use_tc) __builtin_prefetch(&ws->tc[a->hw & ws->tc_mask]);
        }
    }
    g = 0;
    for (size_t s = 0; s < nsents; s++) {
        int lower_seen = 0;
        ws->soff[s] = g;
        for (size_t i = 0; i < sents[s].ntoks; i++, g++) {
            const ne_ner_tok *tk = &sents[s].toks[i];
            tokattr *a = &ws->ta[g];
            int cacheable = ws->use_tc && tk->len <= TE_KEYMAX;
            if (!cacheable || !type_lookup(ws, tk, a)) {
                a->hl = hash_word(tk->ptr, tk->len, 1);
                word_shapes(tk->ptr, tk->len, a);
                const uint64_t *lv = htab_get(&tab->lex, a->hl);
                a->lex = lv ? *lv : 0;
                if (ws->use_tc) {
                    const uint64_t *gv = htab_get(&tab->gaz, a->hl);
                    a->gaz1 = gv ? *gv : 0;
                }
                if (cacheable) type_store(ws, &ws->tc[a->hw & ws->tc_mask], tk, a);
            }
            if (a->flags & TF_LOWER) lower_seen = 1;
            uint64_t *slot = htab_put(&ws->docmap, a->hl);
            if (!slot) return -1;
            if (!*slot) {
                memset(&ws->de[ws->nde], 0, sizeof ws->de[0]);
                *slot = ++ws->nde;
            }
            a->de = (uint32_t)(*slot - 1);
        }
        ws->uncased[s] = !lower_seen;
        /* Capitalisation is evidence only in cased sentences and away from
         * the sentence start, where English capitalises everything. */
        for (size_t i = 1; !ws->uncased[s] && i < sents[s].ntoks; i++) {
            tokattr *a = &ws->ta[ws->soff[s] + i];
            if (a->cap == CAP_LOWER) ws->de[a->de].low++;
            else if (a->cap == CAP_INIT || a->cap == CAP_ALL || a->cap == CAP_ONE) ws->de[a->de].capmid++;
        }
        mark_gazetteer(ws, tab, ws->soff[s], g, fold);
    }
    ws->soff[nsents] = g;
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = 0; s < nsents; s++)
            if (!cased_first ? pass == 0 : ws->uncased[s] == pass) ws->order[k++] = s;
    return 0;
}

/* Adds the tags of sentence s to the document's tag history. */
static void doc_record(ne_ner_ws *ws, size_t s, const uint8_t *tags)
{
    for (size_t g = ws->soff[s]; g < ws->soff[s + 1]; g++) {
        const tokattr *a = &ws->ta[g];
        if (!(a->flags & TF_LETTER) || a->cap == CAP_LOWER) continue;
        uint8_t t = tags[g - ws->soff[s]];
        docent *d = &ws->de[a->de];
        int k = t ? 1 + (int)NE_NER_TAG_TYPE(t) : 0;
        if (d->hist[k] < 0xffff) d->hist[k]++;
    }
}

/* Capitalisation bucket of a doc entry: 0 none, 1 only lower, 2 only
 * capitalised, 3 both. */
static unsigned doccap_bucket(const docent *d)
{
    return (d->low ? 1u : 0u) | (d->capmid ? 2u : 0u);
}

/* Majority earlier tag type of a doc entry (1..4), 0 for O, 5 for none. */
static unsigned hist_major(const docent *d)
{
    unsigned best = 5, bc = 0;
    for (unsigned k = 0; k < 5; k++)
        if (d->hist[k] > bc) { bc = d->hist[k]; best = k; }
    return best;
}

/* ---- feature extraction ----------------------------------------------- */

/* Template ids; values must stay fixed once a model is trained. */
enum {
    T_BIAS = 1, T_W, T_LW, T_PRE, T_SUF, T_SHAPE, T_BRIEF, T_CAP,
    T_LWM1, T_LWP1, T_LWM2, T_LWP2, T_BRM1, T_BRP1, T_BR3, T_BIM1, T_BIP1,
    T_CAP3, T_GAZ, T_GAZCAP, T_GAZM1, T_GAZP1, T_CAPLEX, T_CAPLEXP1, T_CAPLEXM1,
    T_CL, T_CLM1, T_CLP1, T_DOCCAP, T_HIST, T_HISTANY, T_POS, T_SLEN, T_WINIT,
    T_FLAGS, T_CLCAP
};

/* The prefix and suffix byte lengths of 1..4 characters of a token
 * (pl[j] == ne_ner_affix_len(s, len, j, 0), sl[j] == ne_ner_affix_len(s,
 * len, j, 1)) and the folded hashes of the prefixes (ph[j] ==
 * hash_word(s, pl[j], 1) where pl[j] is non-zero), in one scan each way:
 * the prefix hashes are snapshots of one running FNV state. */
static void affixes(const char *s, size_t len, size_t pl[5], size_t sl[5], uint64_t ph[5])
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0xcbf29ce484222325ULL;
    int seen = 0;
    for (int j = 0; j < 5; j++) pl[j] = sl[j] = 0, ph[j] = 0;
    size_t i = 0;
    for (; i < len; i++) {
        unsigned char c = p[i];
        if ((c & 0xc0) != 0x80) {
            /* a character starts at i: the prefix of `seen` characters ends here */
            if (seen >= 1 && seen <= 4) {
                uint64_t m = mix64(h);
                pl[seen] = i;
                ph[seen] = m ? m : 1;
            }
            if (seen++ == 4) break;
        }
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        else if (c >= '0' && c <= '9') c = '0';
        h = (h ^ c) * 0x100000001b3ULL;
    }
    if (i == len && seen >= 1 && seen <= 4) {   /* the whole token is `seen` characters */
        uint64_t m = mix64(h);
        pl[seen] = len;
        ph[seen] = m ? m : 1;
    }
    seen = 0;
    for (size_t k = len; k-- > 0;) {
        if ((p[k] & 0xc0) != 0x80) {
            sl[++seen] = len - k;
            if (seen == 4) break;
        }
    }
}

/* One function per feature template, shared by sent_features (the
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

/* The prefix and suffix features of a token (pl, sl, ph from affixes()),
 * written to f; returns how many. */
static size_t affix_feats(const ne_ner_tok *tk, uint32_t row_mask, uint32_t *f)
{
    uint64_t ph[5];
    size_t pl[5], sl[5], k = 0;
    affixes(tk->ptr, tk->len, pl, sl, ph);
    for (int j = 1; j <= 4; j++) {
        if (pl[j] && pl[j] < tk->len) f[k++] = (uint32_t)fh2(T_PRE, ph[j], (uint64_t)j) & row_mask;
        if (sl[j] && sl[j] < tk->len)
            f[k++] = (uint32_t)fh2(T_SUF, hash_word(tk->ptr + tk->len - sl[j], sl[j], 1), (uint64_t)j) & row_mask;
    }
    return k;
}

/* Sentence-edge placeholders for neighbour features. */
static const tokattr edge_attr = { .hw = 0x1111, .hl = 0x2222, .hshape = 0x3333,
                                   .hbrief = 0x4444, .cap = CAP_NONE };

/* Emits the weight rows of the tokens of sentence s into ws->feats. */
static int sent_features(ne_ner_ws *ws, const ner_tables *tab, uint32_t row_mask,
                         uint32_t fs, const ne_ner_sent *sent, size_t s)
{
    (void)tab;
    size_t n = sent->ntoks, base = ws->soff[s];
    if (grow(&ws->feats, &ws->cap_feats, n * MAX_FEATS + 1, sizeof *ws->feats) < 0) return -1;
    size_t oldf = ws->cap_foff;
    if (grow(&ws->foff, &ws->cap_foff, n + 1, sizeof *ws->foff) < 0) return -1;
    if (oldf != ws->cap_foff) {
        uint32_t *fe = realloc(ws->fend, ws->cap_foff * sizeof *fe);
        if (!fe) return -1;
        ws->fend = fe;
    }
    uint32_t *f = ws->feats;
    size_t k = 0;
    uint64_t unc = ws->uncased[s];
    uint64_t slen = n == 1 ? 1 : n == 2 ? 2 : n <= 4 ? 3 : n <= 8 ? 4 : 5;
#define EMIT(h) (f[k++] = (uint32_t)(h) & row_mask)
    for (size_t i = 0; i < n; i++) {
        const tokattr *a = &ws->ta[base + i];
        const tokattr *m1 = i >= 1 ? a - 1 : &edge_attr, *m2 = i >= 2 ? a - 2 : &edge_attr;
        const tokattr *p1 = i + 1 < n ? a + 1 : &edge_attr, *p2 = i + 2 < n ? a + 2 : &edge_attr;
        uint64_t init = i == 0, ctx = init | unc << 1;
        ws->foff[i] = (uint32_t)k;

        EMIT(f_bias());
        EMIT(f_w(a));
        EMIT(f_lw(a));
        EMIT(f_winit(a, ctx));
        if (fs & FF_AFFIX) k += affix_feats(&sent->toks[i], row_mask, f + k);
        if (fs & FF_SHAPE) {
            EMIT(f_shape(a));
            EMIT(f_brief(a, ctx));
            EMIT(f_cap(a, ctx));
            EMIT(f_flags(a));
            EMIT(f_cap3(m1, a, p1, ctx));
        }
        if (fs & FF_CTX) {
            EMIT(f_lwm1(m1));
            EMIT(f_lwp1(p1));
            EMIT(f_lwm2(m2));
            EMIT(f_lwp2(p2));
            EMIT(f_brm1(m1));
            EMIT(f_brp1(p1));
            EMIT(f_br3(m1, a, p1));
            EMIT(f_bim1(m1, a));
            EMIT(f_bip1(a, p1));
        }
        if (fs & FF_POS) {
            EMIT(f_pos(a, init, i + 1 == n));
            EMIT(f_slen(a, slen));
        }
        if (fs & FF_GAZ) {
            for (int t = 0; t < 4; t++) {
                if (a->gaz[t]) {
                    EMIT(f_gaz(a, t));
                    EMIT(f_gazcap(a, t));
                }
                if (m1->gaz[t]) EMIT(f_gazm1(m1, t));
                if (p1->gaz[t]) EMIT(f_gazp1(p1, t));
            }
        }
        if (fs & FF_CAPLEX) {
            EMIT(f_caplex(a, ctx));
            EMIT(f_caplexm1(m1, a, ctx));
            EMIT(f_caplexp1(p1, a, ctx));
        }
        if (fs & FF_CLUSTER) {
            for (int c = 0; c < LEX_NCL; c++) {
                if (LEX_CL(a->lex, c)) {
                    EMIT(f_cl(a, c));
                    EMIT(f_clcap(a, c));
                }
                if (LEX_CL(m1->lex, c)) EMIT(f_clm1(m1, c));
                if (LEX_CL(p1->lex, c)) EMIT(f_clp1(p1, c));
            }
        }
        if ((fs & FF_DOCCAP) && (a->flags & TF_LETTER))
            EMIT(f_doccap(&ws->de[a->de], a, ctx));
        if ((fs & FF_HIST) && (a->flags & TF_LETTER) && a->cap != CAP_LOWER) {
            const docent *d = &ws->de[a->de];
            EMIT(f_hist(d, ctx));
            for (unsigned t = 1; t < 5; t++)
                if (d->hist[t]) EMIT(f_histany(d, t));
        }
    }
#undef EMIT
    ws->foff[n] = (uint32_t)k;
    return 0;
}

/* ---- scoring and decoding --------------------------------------------- */

/* First pass of score_sentence: each feature of the sentence resolved to
 * its stored weight row (features without one are dropped) and the row
 * prefetched. */
#define RESOLVE_ROWS_BODY(POPCOUNT)                                              \
    uint32_t *f = ws->feats;                                                     \
    for (size_t i = 0; i < n; i++) {                                             \
        uint32_t kept = ws->foff[i];                                             \
        for (uint32_t k = ws->foff[i]; k < ws->foff[i + 1]; k++) {              \
            uint32_t r = f[k];                                                   \
            uint64_t w = m->bitmap[r >> 6], bit = 1ULL << (r & 63);             \
            if (!(w & bit)) continue;                                            \
            uint32_t idx = m->rank[r >> 6] + POPCOUNT(w & (bit - 1));           \
            __builtin_prefetch(m->rows + (size_t)idx * NT);                      \
            f[kept++] = idx;          /* feats now hold row indices; the span shrinks */ \
        }                                                                        \
        ws->fend[i] = kept;                                                      \
    }

static void resolve_rows(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    RESOLVE_ROWS_BODY(popcount64)
}

/* Without -mpopcnt the count is a dozen instructions; x86-64 CPUs of the
 * last fifteen years have the POPCNT instruction, so use it when the CPU
 * says so (same result either way). */
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__POPCNT__) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 6))
#define NER_POPCNT_DISPATCH 1
__attribute__((target("popcnt")))
static void resolve_rows_popcnt(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    RESOLVE_ROWS_BODY((unsigned)__builtin_popcountll)
}
#else
#define NER_POPCNT_DISPATCH 0
#endif

/* Features f[0..k) (hashes masked to rows) turned into stored row
 * indices in place, those without a row dropped; returns how many are
 * left. */
#define RESOLVE_LIST_BODY(POPCOUNT)                                              \
    size_t kept = 0;                                                             \
    for (size_t j = 0; j < k; j++) {                                             \
        uint32_t r = f[j];                                                       \
        uint64_t w = m->bitmap[r >> 6], bit = 1ULL << (r & 63);                 \
        if (!(w & bit)) continue;                                                \
        f[kept++] = m->rank[r >> 6] + POPCOUNT(w & (bit - 1));                   \
    }                                                                            \
    return kept;

static size_t resolve_list_plain(const ne_ner_model *m, uint32_t *f, size_t k)
{
    RESOLVE_LIST_BODY(popcount64)
}
#if NER_POPCNT_DISPATCH
__attribute__((target("popcnt")))
static size_t resolve_list_popcnt(const ne_ner_model *m, uint32_t *f, size_t k)
{
    RESOLVE_LIST_BODY((unsigned)__builtin_popcountll)
}
#endif

/* Whether the CPU has POPCNT (always 0 without the dispatch). The check
 * runs once; racing worker threads store the same value, atomically. */
static int cpu_popcnt(void)
{
#if NER_POPCNT_DISPATCH
    static _Atomic int have = -1;
    int h = atomic_load_explicit(&have, memory_order_relaxed);
    if (h < 0) {
        __builtin_cpu_init();
        h = __builtin_cpu_supports("popcnt") ? 1 : 0;
        atomic_store_explicit(&have, h, memory_order_relaxed);
    }
    return h;
#else
    return 0;
#endif
}

static size_t resolve_list(const ne_ner_model *m, uint32_t *f, size_t k)
{
#if NER_POPCNT_DISPATCH
    if (cpu_popcnt()) return resolve_list_popcnt(m, f, k);
#endif
    return resolve_list_plain(m, f, k);
}

/* Adds the weight row w (int16) to the int32 sums a0..a3 (tags 0-15) and
 * *last (tag 16): the int16 widened by unpacking with itself and shifting
 * right, two operations per four lanes. */
static inline void row_add(const int16_t *w, v4i *a0, v4i *a1, v4i *a2, v4i *a3, int32_t *last)
{
    v8s lo, hi;
    memcpy(&lo, w, sizeof lo);
    memcpy(&hi, w + 8, sizeof hi);
    *a0 += widen_lo(lo);
    *a1 += widen_hi(lo);
    *a2 += widen_lo(hi);
    *a3 += widen_hi(hi);
    *last += w[16];
}

/* sum[0..NT) += add[0..NT). */
static inline void sum_add(int32_t *sum, const int32_t *add)
{
    v4i s, a;
    for (int q = 0; q < 4; q++) {
        memcpy(&s, sum + 4 * q, sizeof s);
        memcpy(&a, add + 4 * q, sizeof a);
        s += a;
        memcpy(sum + 4 * q, &s, sizeof s);
    }
    sum[16] += add[16];
}

/* sum[0..NT) -= sub[0..NT). */
static inline void sum_sub(int32_t *sum, const int32_t *sub)
{
    v4i s, a;
    for (int q = 0; q < 4; q++) {
        memcpy(&s, sum + 4 * q, sizeof s);
        memcpy(&a, sub + 4 * q, sizeof a);
        s -= a;
        memcpy(sum + 4 * q, &s, sizeof s);
    }
    sum[16] -= sub[16];
}

/* sum[0..NT) += weight row `row` of m (TE_NOROW: nothing). */
static inline void row_add_to(const ne_ner_model *m, int32_t *sum, uint32_t row)
{
    if (row == UINT32_MAX) return;
    v4i a0, a1, a2, a3;
    memcpy(&a0, sum, sizeof a0);
    memcpy(&a1, sum + 4, sizeof a1);
    memcpy(&a2, sum + 8, sizeof a2);
    memcpy(&a3, sum + 12, sizeof a3);
    int32_t last = sum[16];
    row_add(m->rows + (size_t)row * NT, &a0, &a1, &a2, &a3, &last);
    memcpy(sum, &a0, sizeof a0);
    memcpy(sum + 4, &a1, sizeof a1);
    memcpy(sum + 8, &a2, sizeof a2);
    memcpy(sum + 12, &a3, sizeof a3);
    sum[16] = last;
}

/* Adds to ws->emit the weight rows of the features in ws->feats (token i:
 * foff[i]..foff[i+1]). Two passes: the first resolves every feature to
 * its weight row (or drops it) and prefetches the row, so the second
 * pass's loads overlap instead of waiting on each other; tagging is bound
 * by these memory accesses. */
static void add_feature_rows(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    const uint32_t *f = ws->feats;
#if NER_POPCNT_DISPATCH
    if (cpu_popcnt()) resolve_rows_popcnt(m, ws, n);
    else resolve_rows(m, ws, n);
#else
    resolve_rows(m, ws, n);
#endif
    for (size_t i = 0; i < n; i++) {
        int32_t *e = ws->emit + i * NT;
        v4i a0, a1, a2, a3;
        memcpy(&a0, e, sizeof a0);
        memcpy(&a1, e + 4, sizeof a1);
        memcpy(&a2, e + 8, sizeof a2);
        memcpy(&a3, e + 12, sizeof a3);
        int32_t last = e[16];
        for (uint32_t k = ws->foff[i]; k < ws->fend[i]; k++)
            row_add(m->rows + (size_t)f[k] * NT, &a0, &a1, &a2, &a3, &last);
        memcpy(e, &a0, sizeof a0);
        memcpy(e + 4, &a1, sizeof a1);
        memcpy(e + 8, &a2, sizeof a2);
        memcpy(e + 12, &a3, sizeof a3);
        e[16] = last;
    }
}

/* Emission scores of the current sentence, ws->emit[i*NT + t], from the
 * features sent_features put in ws->feats: the reference path. */
static int score_sentence(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    if (grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit) < 0) return -1;
    memset(ws->emit, 0, n * NT * sizeof *ws->emit);
    add_feature_rows(m, ws, n);
    return 0;
}

/* ---- the cached path: type sums plus the remaining features ----------- */

/* sum = the weight rows of features f[0..k) (hashes masked to rows;
 * overwritten), added one by one; features without a stored row add
 * nothing. */
static void rows_sum(const ne_ner_model *m, uint32_t *f, size_t k, int32_t sum[NT])
{
    v4i a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0;
    int32_t last = 0;
    k = resolve_list(m, f, k);
    for (size_t j = 0; j < k; j++)
        row_add(m->rows + (size_t)f[j] * NT, &a0, &a1, &a2, &a3, &last);
    memcpy(sum, &a0, sizeof a0);
    memcpy(sum + 4, &a1, sizeof a1);
    memcpy(sum + 8, &a2, sizeof a2);
    memcpy(sum + 12, &a3, sizeof a3);
    sum[16] = last;
}

/* The row of one feature (hash masked to a row), or TE_NOROW. */
static uint32_t row_of(const ne_ner_model *m, uint64_t h)
{
    uint32_t f = (uint32_t)h & m->row_mask;
    return resolve_list(m, &f, 1) ? f : TE_NOROW;
}

/* What token x adds to its neighbours' scores (sent_features' LWM1, BRM1,
 * CLM1 and so on) into e: sums for the previous and next token, rows for
 * the second previous and next. */
static void neighbour_sums(const ne_ner_model *m, const tokattr *x, typeent *e)
{
    uint32_t f[8], fs = m->feat_set, mask = m->row_mask;
    size_t k;
#define PUT(h) (f[k++] = (uint32_t)(h) & mask)
    k = 0;
    if (fs & FF_CTX) { PUT(f_lwm1(x)); PUT(f_brm1(x)); }
    for (int c = 0; (fs & FF_CLUSTER) && c < LEX_NCL; c++)
        if (LEX_CL(x->lex, c)) PUT(f_clm1(x, c));
    rows_sum(m, f, k, e->sum[TS_M1]);
    k = 0;
    if (fs & FF_CTX) { PUT(f_lwp1(x)); PUT(f_brp1(x)); }
    for (int c = 0; (fs & FF_CLUSTER) && c < LEX_NCL; c++)
        if (LEX_CL(x->lex, c)) PUT(f_clp1(x, c));
    rows_sum(m, f, k, e->sum[TS_P1]);
#undef PUT
    e->row_m2 = fs & FF_CTX ? row_of(m, f_lwm2(x)) : TE_NOROW;
    e->row_p2 = fs & FF_CTX ? row_of(m, f_lwp2(x)) : TE_NOROW;
}

/* The features of a token of sentence context ctx that depend on ctx and
 * nothing else but its type (sent_features' WINIT, BRIEF, CAP, CAPLEX),
 * written to f; returns how many. */
static size_t ctx_feats(const tokattr *a, uint64_t ctx, uint32_t fs, uint32_t mask, uint32_t *f)
{
    size_t k = 0;
#define PUT(h) (f[k++] = (uint32_t)(h) & mask)
    PUT(f_winit(a, ctx));
    if (fs & FF_SHAPE) { PUT(f_brief(a, ctx)); PUT(f_cap(a, ctx)); }
    if (fs & FF_CAPLEX) PUT(f_caplex(a, ctx));
#undef PUT
    return k;
}

/* Computes the sums of entry e from its token tk and attributes a. */
static void type_fill(const ne_ner_model *m, typeent *e, const ne_ner_tok *tk, const tokattr *a)
{
    uint32_t f[MAX_FEATS], fs = m->feat_set, mask = m->row_mask;
    size_t k = 0;
#define PUT(h) (f[k++] = (uint32_t)(h) & mask)
    PUT(f_bias());
    PUT(f_w(a));
    PUT(f_lw(a));
    if (fs & FF_AFFIX) k += affix_feats(tk, mask, f + k);
    if (fs & FF_SHAPE) { PUT(f_shape(a)); PUT(f_flags(a)); }
    for (int c = 0; (fs & FF_CLUSTER) && c < LEX_NCL; c++)
        if (LEX_CL(a->lex, c)) { PUT(f_cl(a, c)); PUT(f_clcap(a, c)); }
    k += ctx_feats(a, 0, fs, mask, f + k);
#undef PUT
    rows_sum(m, f, k, e->sum[TS_SELF]);
    neighbour_sums(m, a, e);
    e->summed = 1;
}

/* The type cache entry of token tk (attributes a), its sums computed.
 * The pointer is valid until the next call: a later token may evict the
 * entry. */
static const typeent *type_sums(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_tok *tk, tokattr *a)
{
    typeent *e;
    if (!a->stamp) {                    /* not a key (too long): computed every time */
        e = &ws->scratch;
        e->summed = 0;
    } else {
        e = &ws->tc[a->hw & ws->tc_mask];
        if (e->stamp != a->stamp) type_store(ws, e, tk, a);   /* evicted since doc_begin */
    }
    if (!e->summed) type_fill(m, e, tk, a);
    return e;
}

/* The row memo: for each feature template with few possible values (the
 * capitalisation classes of a token and its neighbours, sentence
 * position, gazetteer positions, document counts in buckets), its weight
 * row per value, so those features cost a table load instead of two
 * hashes and a bitmap rank. Slots hold 0 (not known yet), 1 (no stored
 * row) or 2 + the row. Offsets of the templates in ws->memo: */
enum {
    MEMO_CAP3     = 0,                         /* (cap m1, cap, cap p1, ctx) */
    MEMO_POS      = MEMO_CAP3 + 6 * 6 * 6 * 4,  /* (initial | final << 1, cap) */
    MEMO_SLEN     = MEMO_POS + 4 * 6,          /* (length bucket, cap) */
    MEMO_GAZ      = MEMO_SLEN + 5 * 6,         /* (type, position | long << 4) */
    MEMO_GAZCAP   = MEMO_GAZ + 4 * 32,         /* (type, position, cap) */
    MEMO_GAZM1    = MEMO_GAZCAP + 4 * 5 * 6,   /* (type, position of m1) */
    MEMO_GAZP1    = MEMO_GAZM1 + 4 * 5,
    MEMO_DOCCAP   = MEMO_GAZP1 + 4 * 5,        /* (bucket, cap, ctx) */
    MEMO_HIST     = MEMO_DOCCAP + 4 * 6 * 4,   /* (majority, ctx) */
    MEMO_HISTANY  = MEMO_HIST + 6 * 4,         /* (type, more than once) */
    MEMO_CAPLEXM1 = MEMO_HISTANY + 5 * 2,      /* (bucket m1, bucket, cap m1, cap, ctx) */
    MEMO_CAPLEXP1 = MEMO_CAPLEXM1 + 16 * 16 * 6 * 6 * 4,
    MEMO_N        = MEMO_CAPLEXP1 + 16 * 16 * 6 * 6 * 4
};

/* The memo slot value of a feature (its hash). */
static uint32_t memo_row(const ne_ner_model *m, uint64_t h)
{
    uint32_t r = row_of(m, h);
    return r == TE_NOROW ? 1 : r + 2;
}

/* Emission scores of sentence s into ws->emit, as score_sentence computes
 * them from sent_features, in two parts: the type sums of each token and
 * of its neighbours (sentence edges included), then the features that
 * depend on more than one token's type or on the document, hashed and
 * looked up as sent_features does. */
static int score_cached(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_sent *sent, size_t s)
{
    size_t n = sent->ntoks, base = ws->soff[s];
    if (grow(&ws->feats, &ws->cap_feats, n * MAX_FEATS + 1, sizeof *ws->feats) < 0) return -1;
    size_t oldf = ws->cap_foff;
    if (grow(&ws->foff, &ws->cap_foff, n + 1, sizeof *ws->foff) < 0) return -1;
    if (oldf != ws->cap_foff) {
        uint32_t *fe = realloc(ws->fend, ws->cap_foff * sizeof *fe);
        if (!fe) return -1;
        ws->fend = fe;
    }
    if (grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit) < 0) return -1;
    int32_t *em = ws->emit;
    memset(em, 0, n * NT * sizeof *em);
    uint32_t fs = m->feat_set, mask = m->row_mask;
    uint64_t unc = ws->uncased[s];

    for (size_t i = 0; i < n; i++) {
        tokattr *a = &ws->ta[base + i];
        if (i + 4 < n) {    /* the sums of a token ahead (see doc_begin) */
            const char *ahead = (const char *)ws->tc[a[4].hw & ws->tc_mask].sum;
            for (int l = 0; l < 4; l++) __builtin_prefetch(ahead + 64 * l);
        }
        const typeent *e = type_sums(m, ws, &sent->toks[i], a);
        sum_add(em + i * NT, e->sum[TS_SELF]);
        if (i + 1 < n) sum_add(em + (i + 1) * NT, e->sum[TS_M1]);
        if (i >= 1)    sum_add(em + (i - 1) * NT, e->sum[TS_P1]);
        if (i + 2 < n) row_add_to(m, em + (i + 2) * NT, e->row_m2);
        if (i >= 2)    row_add_to(m, em + (i - 2) * NT, e->row_p2);
        if (i == 0 || unc) {
            /* the sum is for ctx 0: take those features out again (the
             * ones of the real ctx come with the remaining features) */
            uint32_t f[8];
            int32_t ctx0[NT];
            rows_sum(m, f, ctx_feats(a, 0, fs, mask, f), ctx0);
            sum_sub(em + i * NT, ctx0);
        }
    }
    const typeent *edge = &ws->edge;
    sum_add(em, edge->sum[TS_M1]);
    row_add_to(m, em, edge->row_m2);
    if (n > 1) row_add_to(m, em + NT, edge->row_m2);
    sum_add(em + (n - 1) * NT, edge->sum[TS_P1]);
    row_add_to(m, em + (n - 1) * NT, edge->row_p2);
    if (n > 1) row_add_to(m, em + (n - 2) * NT, edge->row_p2);

    uint32_t *f = ws->feats, *memo = ws->memo;
    size_t k = 0;
    uint64_t slen = n == 1 ? 1 : n == 2 ? 2 : n <= 4 ? 3 : n <= 8 ? 4 : 5;
#define EMIT(h) (f[k++] = (uint32_t)(h) & mask)
    /* A feature of few possible values: its row from the memo (see
     * memo_row), added to the token's sums at once. */
#define MEMO(slot, h)                                                         \
    do {                                                                      \
        size_t sl_ = (slot);                                                  \
        uint32_t v_ = memo[sl_] ? memo[sl_] : (memo[sl_] = memo_row(m, (h))); \
        if (v_ > 1) row_add(m->rows + (size_t)(v_ - 2) * NT, &a0, &a1, &a2, &a3, &last); \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        const tokattr *a = &ws->ta[base + i];
        const tokattr *m1 = i >= 1 ? a - 1 : &edge_attr, *p1 = i + 1 < n ? a + 1 : &edge_attr;
        uint64_t init = i == 0, ctx = init | unc << 1;
        int32_t *e = em + i * NT;
        v4i a0, a1, a2, a3;
        memcpy(&a0, e, sizeof a0);
        memcpy(&a1, e + 4, sizeof a1);
        memcpy(&a2, e + 8, sizeof a2);
        memcpy(&a3, e + 12, sizeof a3);
        int32_t last = e[16];
        ws->foff[i] = (uint32_t)k;
        if (ctx) k += ctx_feats(a, ctx, fs, mask, f + k);
        if (fs & FF_SHAPE)
            MEMO(MEMO_CAP3 + ((m1->cap * 6u + a->cap) * 6u + p1->cap) * 4u + ctx, f_cap3(m1, a, p1, ctx));
        if (fs & FF_CTX) {
            EMIT(f_br3(m1, a, p1));
            EMIT(f_bim1(m1, a));
            EMIT(f_bip1(a, p1));
        }
        if (fs & FF_POS) {
            MEMO(MEMO_POS + (init | (uint64_t)(i + 1 == n) << 1) * 6u + a->cap, f_pos(a, init, i + 1 == n));
            MEMO(MEMO_SLEN + (slen - 1) * 6u + a->cap, f_slen(a, slen));
        }
        if (fs & FF_GAZ) {
            for (int t = 0; t < 4; t++) {
                if (a->gaz[t]) {
                    MEMO(MEMO_GAZ + t * 32u + (a->gaz[t] | (a->gazlen[t] > 1) << 4), f_gaz(a, t));
                    MEMO(MEMO_GAZCAP + (t * 5u + a->gaz[t]) * 6u + a->cap, f_gazcap(a, t));
                }
                if (m1->gaz[t]) MEMO(MEMO_GAZM1 + t * 5u + m1->gaz[t], f_gazm1(m1, t));
                if (p1->gaz[t]) MEMO(MEMO_GAZP1 + t * 5u + p1->gaz[t], f_gazp1(p1, t));
            }
        }
        if (fs & FF_CAPLEX) {
            unsigned cb = LEX_CAPB(a->lex);
            MEMO(MEMO_CAPLEXM1 + (((LEX_CAPB(m1->lex) * 16u + cb) * 6u + m1->cap) * 6u + a->cap) * 4u + ctx,
                 f_caplexm1(m1, a, ctx));
            MEMO(MEMO_CAPLEXP1 + (((LEX_CAPB(p1->lex) * 16u + cb) * 6u + p1->cap) * 6u + a->cap) * 4u + ctx,
                 f_caplexp1(p1, a, ctx));
        }
        if ((fs & FF_DOCCAP) && (a->flags & TF_LETTER)) {
            const docent *d = &ws->de[a->de];
            MEMO(MEMO_DOCCAP + (doccap_bucket(d) * 6u + a->cap) * 4u + ctx, f_doccap(d, a, ctx));
        }
        if ((fs & FF_HIST) && (a->flags & TF_LETTER) && a->cap != CAP_LOWER) {
            const docent *d = &ws->de[a->de];
            MEMO(MEMO_HIST + hist_major(d) * 4u + ctx, f_hist(d, ctx));
            for (unsigned t = 1; t < 5; t++)
                if (d->hist[t]) MEMO(MEMO_HISTANY + t * 2u + (d->hist[t] > 1), f_histany(d, t));
        }
        memcpy(e, &a0, sizeof a0);
        memcpy(e + 4, &a1, sizeof a1);
        memcpy(e + 8, &a2, sizeof a2);
        memcpy(e + 12, &a3, sizeof a3);
        e[16] = last;
    }
#undef MEMO
#undef EMIT
    ws->foff[n] = (uint32_t)k;
    add_feature_rows(m, ws, n);
    return 0;
}

/* Viterbi over allowed transitions; writes n tags. Path scores are
 * re-based on each step so long sentences cannot overflow; a start state
 * that is not allowed gets NEG, far below any real path yet far from
 * int32 overflow, and every state is reachable again after one step, so
 * the loop needs no special case (and the max compiles to conditional
 * moves, not branches the CPU mispredicts). */
static int viterbi(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out)
{
    enum { NEG = -(1 << 29) };
    int32_t cur[NT], nxt[NT];
    if (n == 0) return 0;
    if (grow(&ws->bp, &ws->cap_bp, n * NT, 1) < 0) return -1;
    for (int t = 0; t < NT; t++)
        cur[t] = tag_allowed(NT, t) ? m->trans[NT][t] + ws->emit[t] : NEG;
    /* Vectorised over the tags of a group (see prev_group), four lanes at
     * a time: tv[g][j][l] is the transition weight from the group's j-th
     * previous tag to its l-th tag. Each tag scans its previous tags in
     * prev_lists order and keeps the first best (strict >), as a scalar
     * loop over prev.p[c] does, so the paths are the same. */
    v4i tv[NT][NT][NT / 4 + 1];
    for (size_t g = 0; g < ws->npg; g++) {
        const prev_group *pg = &ws->pg[g];
        for (int j = 0; j < pg->np; j++)
            for (int l = 0; l < 4 * ((pg->nc + 3) / 4); l++)
                tv[g][j][l / 4][l % 4] = l < pg->nc ? m->trans[pg->p[j]][pg->c[l]] : 0;
    }
    for (size_t i = 1; i < n; i++) {
        int32_t best_all = INT32_MIN;
        const int32_t *emit = ws->emit + i * NT;
        uint8_t *bp = ws->bp + i * NT;
        for (size_t g = 0; g < ws->npg; g++) {
            const prev_group *pg = &ws->pg[g];
            int np = pg->np, nv = (pg->nc + 3) / 4;
            for (int q = 0; q < nv; q++) {
                v4i best = {INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN}, bj = {0, 0, 0, 0};
                for (int j = 0; j < np; j++) {
                    int32_t pc = cur[pg->p[j]];
                    v4i v = (v4i){pc, pc, pc, pc} + tv[g][j][q];
                    v4i take = v > best;
                    best = (v & take) | (best & ~take);
                    bj = ((v4i){j, j, j, j} & take) | (bj & ~take);
                }
                for (int l = 0; l < 4 && 4 * q + l < pg->nc; l++) {
                    int c = pg->c[4 * q + l];
                    bp[c] = np ? pg->p[bj[l]] : 0;
                    nxt[c] = best[l] + emit[c];
                    best_all = nxt[c] > best_all ? nxt[c] : best_all;
                }
            }
        }
        for (int c = 0; c < NT; c++) cur[c] = nxt[c] - best_all;
    }
    int bt = 0;
    int32_t best = INT32_MIN;
    for (int t = 0; t < NT; t++) {
        if (!tag_end_allowed(t)) continue;
        if (cur[t] + m->endw[t] > best) { best = cur[t] + m->endw[t]; bt = t; }
    }
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)bt;
        if (i) bt = ws->bp[i * NT + bt];
    }
    return 0;
}

/* ---- Viterbi for the BILOU tag set, four tags per vector ---------------
 *
 * tag_allowed gives two kinds of tag: O, B-x and U-x (9 tags) may follow
 * O, L-y and U-y (9 tags), and I-x and L-x may follow B-x and I-x only.
 * The state is kept in five vectors, tags grouped by kind:
 *   V0 O B-PER U-PER B-ORG   V1 U-ORG B-LOC U-LOC B-MISC   V2 U-MISC - - -
 *   V3 I-PER L-PER I-ORG L-ORG   V4 I-LOC L-LOC I-MISC L-MISC
 * so a step is nine broadcast-add-compare rounds over V0-V2 and one
 * over V3 and V4, against some 35 generic ones. The previous tags are
 * scanned in ascending order keeping the first best (strict >), as
 * viterbi() does, so the paths are the same. */
#define VL 20   /* lanes, V2's three unused included */
static const uint8_t vlane_tag[VL] = { 0, 1, 4, 5, 8, 9, 12, 13, 16, 0, 0, 0,
                                       2, 3, 6, 7, 10, 11, 14, 15 };
static const uint8_t vtag_lane[NT] = { 0, 1, 12, 13, 2, 3, 14, 15, 4, 5, 16, 17, 6, 7, 18, 19, 8 };
/* The predecessors of O, B and U, ascending. */
static const uint8_t vout_prev[9] = { 0, 3, 4, 7, 8, 11, 12, 15, 16 };

/* Whether tag_allowed is the BILOU rule this layout assumes. */
static int bilou_layout_holds(const prev_lists *pl)
{
    for (int c = 0; c < NT; c++) {
        int outside = c == 0 || NE_NER_TAG_POS(c) == NE_NER_B || NE_NER_TAG_POS(c) == NE_NER_U;
        if (outside) {
            if (pl->n[c] != 9 || memcmp(pl->p[c], vout_prev, 9) != 0) return 0;
        } else {
            int b = NE_NER_TAG(NE_NER_TAG_TYPE(c), NE_NER_B);
            if (pl->n[c] != 2 || pl->p[c][0] != b || pl->p[c][1] != b + 1) return 0;
        }
    }
    return 1;
}

/* The transition weights in lane order, for viterbi_bilou; unused lanes 0. */
static void bilou_transitions(const ne_ner_model *m, ne_ner_ws *ws)
{
    for (int j = 0; j < 9; j++)
        for (int l = 0; l < 12; l++)
            ws->vt_out[j][l / 4][l % 4] = l < 9 ? m->trans[vout_prev[j]][vlane_tag[l]] : 0;
    for (int l = 0; l < 8; l++) {
        int c = vlane_tag[12 + l], b = NE_NER_TAG(NE_NER_TAG_TYPE(c), NE_NER_B);
        ws->vt_in_b[l / 4][l % 4] = m->trans[b][c];
        ws->vt_in_i[l / 4][l % 4] = m->trans[b + 1][c];
    }
}

#define SPLAT(v, l) __builtin_shufflevector((v), (v), (l), (l), (l), (l))
static inline v4i vsel(v4i take, v4i a, v4i b) { return (a & take) | (b & ~take); }
static inline v4i vmax(v4i a, v4i b) { return vsel(a > b, a, b); }

/* The same tags as viterbi() for ws->emit (n tokens), which it writes to out. */
static int viterbi_bilou(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out)
{
    enum { NEG = -(1 << 29) };
    if (n == 0) return 0;
    if (grow(&ws->vbp, &ws->cap_vbp, n * VL, sizeof *ws->vbp) < 0) return -1;
    int32_t cl[VL];
    for (int l = 0; l < VL; l++) {
        int t = vlane_tag[l];
        cl[l] = l >= 9 && l < 12 ? 0 : tag_allowed(NT, t) ? m->trans[NT][t] + ws->emit[t] : NEG;
    }
    v4i c0, c1, c2, c3, c4;
    memcpy(&c0, cl, 16); memcpy(&c1, cl + 4, 16); memcpy(&c2, cl + 8, 16);
    memcpy(&c3, cl + 12, 16); memcpy(&c4, cl + 16, 16);
    const v4i (*to)[3] = ws->vt_out;
    const v4i zero = {0, 0, 0, 0};
    for (size_t i = 1; i < n; i++) {
        const int32_t *e = ws->emit + i * NT;
        v4i a0, a1, a2, a3;
        memcpy(&a0, e, 16); memcpy(&a1, e + 4, 16); memcpy(&a2, e + 8, 16); memcpy(&a3, e + 12, 16);
        v4i e0 = __builtin_shufflevector(a0, a1, 0, 1, 4, 5);
        v4i e1 = __builtin_shufflevector(a2, a3, 0, 1, 4, 5);
        v4i e2 = {e[16], 0, 0, 0};
        v4i e3 = __builtin_shufflevector(a0, a1, 2, 3, 6, 7);
        v4i e4 = __builtin_shufflevector(a2, a3, 2, 3, 6, 7);

        /* O, B, U: the first previous tag (O) sets the best, the others
         * replace it where strictly better */
        v4i p = SPLAT(c0, 0);
        v4i b0 = p + to[0][0], b1 = p + to[0][1], b2 = p + to[0][2];
        v4i g0 = zero, g1 = zero, g2 = zero;
#define OUT_PREV(j, vec, lane)                                               \
        do {                                                                 \
            v4i pj = SPLAT(vec, lane), tag = {vout_prev[j], vout_prev[j], vout_prev[j], vout_prev[j]}; \
            v4i v0 = pj + to[j][0], v1 = pj + to[j][1], v2 = pj + to[j][2];  \
            v4i t0 = v0 > b0, t1 = v1 > b1, t2 = v2 > b2;                    \
            b0 = vsel(t0, v0, b0); g0 = vsel(t0, tag, g0);                   \
            b1 = vsel(t1, v1, b1); g1 = vsel(t1, tag, g1);                   \
            b2 = vsel(t2, v2, b2); g2 = vsel(t2, tag, g2);                   \
        } while (0)
        OUT_PREV(1, c3, 1);   /* L-PER */
        OUT_PREV(2, c0, 2);   /* U-PER */
        OUT_PREV(3, c3, 3);   /* L-ORG */
        OUT_PREV(4, c1, 0);   /* U-ORG */
        OUT_PREV(5, c4, 1);   /* L-LOC */
        OUT_PREV(6, c1, 2);   /* U-LOC */
        OUT_PREV(7, c4, 3);   /* L-MISC */
        OUT_PREV(8, c2, 0);   /* U-MISC */
#undef OUT_PREV
        /* I, L: after B (first) or I of their type */
        v4i x3 = __builtin_shufflevector(c0, c0, 1, 1, 3, 3) + ws->vt_in_b[0];
        v4i y3 = __builtin_shufflevector(c3, c3, 0, 0, 2, 2) + ws->vt_in_i[0];
        v4i x4 = __builtin_shufflevector(c1, c1, 1, 1, 3, 3) + ws->vt_in_b[1];
        v4i y4 = __builtin_shufflevector(c4, c4, 0, 0, 2, 2) + ws->vt_in_i[1];
        v4i t3 = y3 > x3, t4 = y4 > x4;
        v4i b3 = vsel(t3, y3, x3), g3 = vsel(t3, (v4i){2, 2, 6, 6}, (v4i){1, 1, 5, 5});
        v4i b4 = vsel(t4, y4, x4), g4 = vsel(t4, (v4i){10, 10, 14, 14}, (v4i){9, 9, 13, 13});

        b0 += e0; b1 += e1; b2 += e2; b3 += e3; b4 += e4;
        v4i mx = vmax(vmax(b0, b1), vmax(b3, b4));
        mx = vmax(mx, __builtin_shufflevector(mx, mx, 2, 3, 0, 1));
        mx = vmax(mx, __builtin_shufflevector(mx, mx, 1, 0, 3, 2));
        int32_t best_all = mx[0] > b2[0] ? mx[0] : b2[0];
        v4i ba = {best_all, best_all, best_all, best_all};
        c0 = b0 - ba; c1 = b1 - ba; c2 = b2 - ba; c3 = b3 - ba; c4 = b4 - ba;
        int32_t *bp = ws->vbp + i * VL;
        memcpy(bp, &g0, 16); memcpy(bp + 4, &g1, 16); memcpy(bp + 8, &g2, 16);
        memcpy(bp + 12, &g3, 16); memcpy(bp + 16, &g4, 16);
    }
    memcpy(cl, &c0, 16); memcpy(cl + 4, &c1, 16); memcpy(cl + 8, &c2, 16);
    memcpy(cl + 12, &c3, 16); memcpy(cl + 16, &c4, 16);
    int bt = 0;
    int32_t best = INT32_MIN;
    for (int t = 0; t < NT; t++) {
        if (!tag_end_allowed(t)) continue;
        int32_t v = cl[vtag_lane[t]] + m->endw[t];
        if (v > best) { best = v; bt = t; }
    }
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)bt;
        if (i) bt = ws->vbp[i * VL + vtag_lane[bt]];
    }
    return 0;
}

/* Readies the type cache for tagging a document with m, emptying it when
 * it holds another model's sums, and decides the path: ws->use_tc. */
static int cache_begin(const ne_ner_model *m, ne_ner_ws *ws)
{
    ws->use_tc = 0;
    if (!ws->tc_bits || !bilou_layout_holds(&ws->prev)) return 0;
    if (!ws->memo && !(ws->memo = malloc(MEMO_N * sizeof *ws->memo))) return -1;
    if (!ws->tc) {
        ws->tc = calloc((size_t)1 << ws->tc_bits, sizeof *ws->tc);
        if (!ws->tc) return -1;
        ws->tc_mask = (uint32_t)(((size_t)1 << ws->tc_bits) - 1);
        ws->tc_model = NULL;
    }
    if (m != ws->tc_model || !m->cache_id || m->cache_id != ws->tc_model_id) {
        ws->stamp_floor = ws->stamp;
        memset(ws->memo, 0, MEMO_N * sizeof *ws->memo);
        ws->tc_model = m;
        ws->tc_model_id = m->cache_id;
        neighbour_sums(m, &edge_attr, &ws->edge);
    }
    bilou_transitions(m, ws);
    ws->use_tc = 1;
    return 0;
}

void ne_ner_ws_set_cache(ne_ner_ws *ws, unsigned bits)
{
    if (bits > 24) bits = 24;
    free(ws->tc);
    ws->tc = NULL;
    ws->tc_bits = bits;
    ws->tc_model = NULL;
    ws->stamp_floor = ws->stamp;
}


/* Tags the sentences of a prepared document in decoding order, stopping
 * before sentence `stop` (nsents: all). */
static int tag_prepared(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_sent *sents,
                        size_t stop, uint8_t *tags)
{
    for (size_t k = 0; k < ws->nsents; k++) {
        size_t s = ws->order[k], n = sents[s].ntoks;
        if (s == stop) break;
        uint8_t *out = tags + ws->soff[s];
        if (n == 0) continue;
        if (ws->use_tc) {
            if (score_cached(m, ws, &sents[s], s) < 0) return -1;
            if (viterbi_bilou(m, ws, n, out) < 0) return -1;
        } else {
            if (sent_features(ws, &m->tab, m->row_mask, m->feat_set, &sents[s], s) < 0) return -1;
            if (score_sentence(m, ws, n) < 0) return -1;
            if (viterbi(m, ws, n, out) < 0) return -1;
        }
        doc_record(ws, s, out);
    }
    return 0;
}

int ne_ner_tag(const ne_ner_model *m, ne_ner_ws *ws,
               const ne_ner_sent *sents, size_t nsents, uint8_t *tags)
{
    int rc = -1;
    if (cache_begin(m, ws) == 0 &&
        doc_begin(ws, &m->tab, sents, nsents, -1, !!(m->feat_set & FF_CASED_FIRST)) == 0)
        rc = tag_prepared(m, ws, sents, nsents, tags);
    ws->use_tc = 0;     /* the trainer calls doc_begin directly, with its own tables */
    return rc;
}

int ne_ner_explain(const ne_ner_model *m, ne_ner_ws *ws,
                   const ne_ner_sent *sents, size_t nsents,
                   size_t sent, size_t tok, char *out, size_t cap)
{
    static const char *const types[4] = { "PER", "ORG", "LOC", "MISC" };
    static const char *const hist[6] = { "O", "PER", "ORG", "LOC", "MISC", "none" };
    static const char bilu[] = "BILU";
    if (sent >= nsents || tok >= sents[sent].ntoks || cap == 0) return -1;
    uint8_t *tags = NULL;
    int rc = -1;
    if (cache_begin(m, ws) == 0 &&
        doc_begin(ws, &m->tab, sents, nsents, -1, !!(m->feat_set & FF_CASED_FIRST)) == 0 &&
        (tags = malloc(ws->ntoks + 1)) != NULL)
        rc = tag_prepared(m, ws, sents, sent, tags);   /* history of the sentences decoded before */
    free(tags);
    ws->use_tc = 0;
    if (rc < 0) return -1;

    const ne_ner_tok *tk = &sents[sent].toks[tok];
    const tokattr *a = &ws->ta[ws->soff[sent] + tok];
    const docent *d = &ws->de[a->de];
    char shape[64], brief[64];
    nebuf b = {0};
    ne_ner_shape(tk->ptr, tk->len, shape, sizeof shape, 0);
    ne_ner_shape(tk->ptr, tk->len, brief, sizeof brief, 1);
    size_t p3 = ne_ner_affix_len(tk->ptr, tk->len, 3, 0), s3 = ne_ner_affix_len(tk->ptr, tk->len, 3, 1);
    nebuf_printf(&b, "shape=%s brief=%s cap=%s initial=%d uncased=%d prefix3=%.*s suffix3=%.*s",
                 shape, brief, cap_names[a->cap], tok == 0, ws->uncased[sent],
                 (int)p3, tk->ptr, (int)s3, tk->ptr + tk->len - s3);
    nebuf_printf(&b, " gaz=");
    int any = 0;
    for (int t = 0; t < 4; t++)
        if (a->gaz[t]) nebuf_printf(&b, "%s%s:%c", any++ ? "," : "", types[t], bilu[a->gaz[t] - 1]);
    if (!any) nebuf_puts(&b, "-");
    nebuf_printf(&b, " caplex=%u cluster=%u/%u/%u doccap=%u hist=%s",
                 LEX_CAPB(a->lex), LEX_CL(a->lex, 0), LEX_CL(a->lex, 1), LEX_CL(a->lex, 2),
                 doccap_bucket(d), hist[hist_major(d)]);
    snprintf(out, cap, "%s", b.p);
    nebuf_free(&b);
    return 0;
}

/* ---- the model file ---------------------------------------------------
 *
 * Little-endian, 8-byte aligned sections:
 *   header (struct file_header)
 *   int32 trans[(NT+1)*NT], int32 endw[NT]    (padded to 8)
 *   uint64 bitmap[2^row_bits / 64]
 *   int16 rows[nrows * NT]                    (padded to 8)
 *   uint64 lex keys[nlex], lex values[nlex]
 *   uint64 gaz keys[ngaz], gaz values[ngaz]
 *   uint64 checksum of everything before it
 */
#define NER_MAGIC "NENERv1\n"

struct file_header {
    char magic[8];
    uint32_t row_bits, ntags, nrows, nlex, ngaz, feat_set;
    float scale, score, score_type[4];
    uint32_t reserved[6];
};

static uint64_t checksum(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0x243f6a8885a308d3ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = mix64(h ^ w);
    }
    for (; i < n; i++) h = mix64(h ^ b[i]);
    return h;
}

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Fills a table from parallel key/value arrays. */
static int table_from_arrays(htab *t, const uint64_t *keys, const uint64_t *vals, size_t n)
{
    if (htab_init(t, n) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t *v = htab_put(t, keys[i]);
        if (!v) return -1;
        *v = vals[i];
    }
    return 0;
}

ne_ner_model *ne_ner_load(const char *path, char *err, size_t errlen)
{
    ne_ner_model *m = NULL;
    unsigned char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    long sz;
#define FAIL(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)
    if (!fp) FAIL("%s: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        FAIL("%s: cannot size file", path);
    buf = malloc((size_t)sz + 8);
    if (!buf) FAIL("out of memory");
    if (fread(buf, 1, (size_t)sz, fp) != (size_t)sz) FAIL("%s: read error", path);
    fclose(fp);
    fp = NULL;

    struct file_header h;
    size_t n = (size_t)sz;
    if (n < sizeof h + 8) FAIL("%s: too short for a model", path);
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, NER_MAGIC, 8) != 0) FAIL("%s: not an NER model (bad magic)", path);
    if (h.ntags != NT || h.row_bits < 10 || h.row_bits > 26)
        FAIL("%s: unsupported model layout", path);
    size_t off_trans = pad8(sizeof h);
    size_t off_bitmap = off_trans + pad8(((NT + 1) * NT + NT) * sizeof(int32_t));
    size_t off_rows = off_bitmap + ((size_t)1 << h.row_bits) / 8;
    size_t off_lex = off_rows + pad8((size_t)h.nrows * NT * sizeof(int16_t));
    size_t off_gaz = off_lex + (size_t)h.nlex * 16;
    size_t off_sum = off_gaz + (size_t)h.ngaz * 16;
    if (off_sum + 8 != n) FAIL("%s: size %zu does not match its header (%zu)", path, n, off_sum + 8);
    uint64_t want;
    memcpy(&want, buf + off_sum, 8);
    if (checksum(buf, off_sum) != want) FAIL("%s: checksum mismatch (corrupt file)", path);

    m = calloc(1, sizeof *m);
    if (!m) FAIL("out of memory");
    m->blob = buf;
    m->cache_id = want | 1;
    buf = NULL;
    unsigned char *blob = m->blob;
    m->row_bits = h.row_bits;
    m->row_mask = (uint32_t)(((uint64_t)1 << h.row_bits) - 1);
    m->feat_set = h.feat_set;
    m->scale = h.scale;
    m->score = h.score;
    memcpy(m->score_type, h.score_type, sizeof m->score_type);
    memcpy(m->trans, blob + off_trans, sizeof m->trans);
    memcpy(m->endw, blob + off_trans + sizeof m->trans, sizeof m->endw);
    m->bitmap = (const uint64_t *)(blob + off_bitmap);
    m->rows = (const int16_t *)(blob + off_rows);
    if (model_build_rank(m) < 0) FAIL("out of memory");
    if (m->nrows != h.nrows) FAIL("%s: bitmap does not match row count", path);
    if (table_from_arrays(&m->tab.lex, (const uint64_t *)(blob + off_lex),
                          (const uint64_t *)(blob + off_lex) + h.nlex, h.nlex) < 0 ||
        table_from_arrays(&m->tab.gaz, (const uint64_t *)(blob + off_gaz),
                          (const uint64_t *)(blob + off_gaz) + h.ngaz, h.ngaz) < 0)
        FAIL("out of memory");
    return m;
fail:
#undef FAIL
    if (fp) fclose(fp);
    free(buf);
    ne_ner_free(m);
    return NULL;
}

/* Appends the key/value arrays of a table, keys ascending so the file does
 * not depend on insertion history. */
NER_TRAINER_ONLY static int cmp_u64pair(const void *a, const void *b)
{
    uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
    return x < y ? -1 : x > y;
}
NER_TRAINER_ONLY static int write_table(nebuf *out, const htab *t)
{
    uint64_t *pairs = malloc((t->n + 1) * 16);
    size_t k = 0;
    if (!pairs) return -1;
    for (size_t i = 0; t->keys && i <= t->mask; i++)
        if (t->keys[i]) { pairs[2 * k] = t->keys[i]; pairs[2 * k + 1] = t->vals[i]; k++; }
    qsort(pairs, k, 16, cmp_u64pair);
    for (size_t i = 0; i < k; i++) nebuf_append(out, &pairs[2 * i], 8);
    for (size_t i = 0; i < k; i++) nebuf_append(out, &pairs[2 * i + 1], 8);
    free(pairs);
    return 0;
}

/* Writes m to path (trainer). Returns 0, or -1 with errno set. */
NER_TRAINER_ONLY static int model_write(const ne_ner_model *m, const char *path)
{
    struct file_header h;
    nebuf b = {0};
    memset(&h, 0, sizeof h);
    memcpy(h.magic, NER_MAGIC, 8);
    h.row_bits = m->row_bits;
    h.ntags = NT;
    h.nrows = (uint32_t)m->nrows;
    h.nlex = (uint32_t)m->tab.lex.n;
    h.ngaz = (uint32_t)m->tab.gaz.n;
    h.feat_set = m->feat_set;
    h.scale = m->scale;
    h.score = m->score;
    memcpy(h.score_type, m->score_type, sizeof h.score_type);
    static const char zeros[8];
    nebuf_append(&b, &h, sizeof h);
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    nebuf_append(&b, m->trans, sizeof m->trans);
    nebuf_append(&b, m->endw, sizeof m->endw);
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    nebuf_append(&b, m->bitmap, ((size_t)1 << m->row_bits) / 8);
    nebuf_append(&b, m->rows, m->nrows * NT * sizeof(int16_t));
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    if (write_table(&b, &m->tab.lex) < 0 || write_table(&b, &m->tab.gaz) < 0) {
        nebuf_free(&b);
        errno = ENOMEM;
        return -1;
    }
    uint64_t sum = checksum(b.p, b.len);
    nebuf_append(&b, &sum, 8);
    FILE *fp = fopen(path, "wb");
    int rc = -1;
    if (fp) {
        rc = fwrite(b.p, 1, b.len, fp) == b.len ? 0 : -1;
        if (fclose(fp) != 0) rc = -1;
    }
    nebuf_free(&b);
    return rc;
}

/* Builds an in-memory model from dense int16 rows (2^row_bits × NT),
 * storing only non-zero rows. The tables are borrowed from the caller. */
NER_TRAINER_ONLY static ne_ner_model *model_from_dense(const int16_t *dense, uint32_t row_bits,
                                                       uint32_t feat_set, const ner_tables *tab)
{
    size_t R = (size_t)1 << row_bits, nz = 0;
    ne_ner_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    uint64_t *bm = calloc(R / 64, 8);
    m->owned_rows = bm;           /* bitmap first, rows after it, one block */
    if (!bm) { free(m); return NULL; }
    for (size_t r = 0; r < R; r++) {
        for (int t = 0; t < NT; t++)
            if (dense[r * NT + t]) { bm[r >> 6] |= 1ULL << (r & 63); nz++; break; }
    }
    uint64_t *blk = realloc(bm, R / 8 + nz * NT * sizeof(int16_t) + 8);
    if (!blk) { free(bm); free(m); return NULL; }
    m->owned_rows = blk;
    int16_t *rows = (int16_t *)(blk + R / 64);
    size_t k = 0;
    for (size_t r = 0; r < R; r++)
        if (blk[r >> 6] >> (r & 63) & 1) memcpy(rows + NT * k++, dense + r * NT, NT * sizeof(int16_t));
    m->bitmap = blk;
    m->rows = rows;
    m->row_bits = row_bits;
    m->row_mask = (uint32_t)(R - 1);
    m->feat_set = feat_set;
    m->tab = *tab;
    m->borrowed_tables = 1;
    if (model_build_rank(m) < 0) { ne_ner_free(m); return NULL; }
    return m;
}

/* ---- spans and labels ------------------------------------------------- */

size_t ne_ner_spans(const uint8_t *tags, size_t ntoks, ne_ner_span *out, size_t cap)
{
    size_t ns = 0;
    long open = -1;
    int otype = 0;
    for (size_t i = 0; i <= ntoks; i++) {
        int t = i < ntoks ? tags[i] : 0;
        if (t >= NT) t = 0;
        int pos = t ? (int)NE_NER_TAG_POS(t) : -1, type = t ? (int)NE_NER_TAG_TYPE(t) : -1;
        int continues = open >= 0 && t && type == otype && (pos == NE_NER_I || pos == NE_NER_L);
        if (open >= 0 && !continues) {
            if (ns < cap) out[ns] = (ne_ner_span){ (uint32_t)open, (uint32_t)i, (enum ne_ent_type)otype };
            ns++;
            open = -1;
        }
        if (t && !continues) { open = (long)i; otype = type; }
        if (open >= 0 && (pos == NE_NER_L || pos == NE_NER_U)) {
            if (ns < cap) out[ns] = (ne_ner_span){ (uint32_t)open, (uint32_t)i + 1, (enum ne_ent_type)otype };
            ns++;
            open = -1;
        }
    }
    return ns;
}

/* Entity type of a label suffix ("PER"…), or -1. */
static int type_of(const char *s)
{
    static const char *const names[4] = { "PER", "ORG", "LOC", "MISC" };
    for (int t = 0; t < 4; t++)
        if (strcmp(s, names[t]) == 0) return t;
    return -1;
}

int ne_ner_iob_to_tags(const char *const *labels, size_t n, uint8_t *tags)
{
    int *type = malloc((n + 1) * sizeof *type), *start = malloc((n + 1) * sizeof *start);
    int rc = 0;
    if (!type || !start) { free(type); free(start); return -1; }
    /* First pass: each token's type and whether it opens an entity. */
    for (size_t i = 0; i < n; i++) {
        const char *l = labels[i];
        if (strcmp(l, "O") == 0) { type[i] = -1; start[i] = 0; continue; }
        if ((l[0] != 'B' && l[0] != 'I') || l[1] != '-' || (type[i] = type_of(l + 2)) < 0) {
            rc = -1;
            break;
        }
        start[i] = l[0] == 'B' || i == 0 || type[i - 1] != type[i];
    }
    /* Second pass: BILOU from starts and whether the next token continues. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (type[i] < 0) { tags[i] = NE_NER_O; continue; }
        int cont = i + 1 < n && type[i + 1] == type[i] && !start[i + 1];
        int pos = start[i] ? (cont ? NE_NER_B : NE_NER_U) : (cont ? NE_NER_I : NE_NER_L);
        tags[i] = NE_NER_TAG(type[i], pos);
    }
    free(type);
    free(start);
    return rc;
}

const char *ne_ner_tag_name(uint8_t tag)
{
    static const char *const names[NT] = {
        "O",
        "B-PER", "I-PER", "L-PER", "U-PER",
        "B-ORG", "I-ORG", "L-ORG", "U-ORG",
        "B-LOC", "I-LOC", "L-LOC", "U-LOC",
        "B-MISC", "I-MISC", "L-MISC", "U-MISC",
    };
    return tag < NT ? names[tag] : "?";
}

/* ---- evaluation support ----------------------------------------------- */

void ne_ner_corpus_free(ne_ner_corpus *c)
{
    if (!c) return;
    free(c->buf); free(c->toks); free(c->gold); free(c->sents); free(c->doc_sent);
    memset(c, 0, sizeof *c);
}

/* Ends the sentence of tokens [first, c->ntoks), if any: converts its
 * labels and records it. Sentences store token offsets until the token
 * array stops moving; ne_ner_corpus_read turns them into pointers. */
static int corpus_end_sentence(ne_ner_corpus *c, size_t *cap_s, size_t first,
                               const char **labels)
{
    if (c->ntoks == first) return 0;
    if (grow(&c->sents, cap_s, c->nsents + 1, sizeof *c->sents) < 0) return -1;
    if (ne_ner_iob_to_tags(labels + first, c->ntoks - first, c->gold + first) < 0) return -2;
    c->sents[c->nsents].toks = (const ne_ner_tok *)(uintptr_t)first;
    c->sents[c->nsents].ntoks = c->ntoks - first;
    c->nsents++;
    return 0;
}

int ne_ner_corpus_read(const char *path, ne_ner_corpus *c, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    size_t cap_t = 0, cap_s = 0, cap_d = 0, cap_l = 0, cap_lab = 0, len = 0, first = 0, lineno = 0;
    const char **labels = NULL;
    nebuf b = {0};
    char chunk[65536];
    size_t r;
    memset(c, 0, sizeof *c);
    if (!fp) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0) nebuf_append(&b, chunk, r);
    fclose(fp);
    c->buf = nebuf_detach(&b, &len);
#define CFAIL(...) do { snprintf(err, errlen, __VA_ARGS__); free(labels); ne_ner_corpus_free(c); return -1; } while (0)
    if (grow(&c->doc_sent, &cap_d, 1, sizeof *c->doc_sent) < 0) CFAIL("out of memory");
    c->doc_sent[0] = 0;
    for (char *line = c->buf, *next; line < c->buf + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(c->buf + len - line));
        next = nl ? nl + 1 : c->buf + len;
        if (nl) *nl = '\0';
        lineno++;
        size_t ll = strlen(line);
        while (ll && (line[ll - 1] == '\r' || line[ll - 1] == ' ')) line[--ll] = '\0';
        int docstart = strncmp(line, "-DOCSTART-", 10) == 0;
        if (ll == 0 || docstart) {
            int rc = corpus_end_sentence(c, &cap_s, first, labels);
            if (rc == -1) CFAIL("out of memory");
            if (rc == -2) CFAIL("%s:%zu: unknown label in the sentence ending here", path, lineno);
            first = c->ntoks;
            if (docstart && c->nsents > c->doc_sent[c->ndocs]) {
                if (grow(&c->doc_sent, &cap_d, c->ndocs + 2, sizeof *c->doc_sent) < 0) CFAIL("out of memory");
                c->doc_sent[++c->ndocs] = c->nsents;
            }
            continue;
        }
        char *sp = strchr(line, ' '), *last = strrchr(line, ' ');
        if (!sp) CFAIL("%s:%zu: expected `token ... label`", path, lineno);
        *sp = '\0';
        if (grow(&c->toks, &cap_t, c->ntoks + 1, sizeof *c->toks) < 0 ||
            grow(&c->gold, &cap_l, c->ntoks + 1, 1) < 0 ||
            grow(&labels, &cap_lab, c->ntoks + 1, sizeof *labels) < 0)
            CFAIL("out of memory");
        c->toks[c->ntoks] = (ne_ner_tok){ line, (size_t)(sp - line) };
        labels[c->ntoks] = last + 1;
        c->ntoks++;
    }
    int rc = corpus_end_sentence(c, &cap_s, first, labels);
    if (rc == -1) CFAIL("out of memory");
    if (rc == -2) CFAIL("%s: unknown label in the last sentence", path);
    if (c->nsents > c->doc_sent[c->ndocs]) {
        if (grow(&c->doc_sent, &cap_d, c->ndocs + 2, sizeof *c->doc_sent) < 0) CFAIL("out of memory");
        c->doc_sent[++c->ndocs] = c->nsents;
    }
#undef CFAIL
    free(labels);
    for (size_t s = 0; s < c->nsents; s++)
        c->sents[s].toks = c->toks + (uintptr_t)c->sents[s].toks;
    return 0;
}

void ne_ner_counts_add(ne_ner_counts *c, const uint8_t *gold, const uint8_t *pred, size_t n)
{
    ne_ner_span gs[256], ps[256], *g = gs, *p = ps;
    size_t ng = ne_ner_spans(gold, n, NULL, 0), np = ne_ner_spans(pred, n, NULL, 0);
    if (ng > 256) g = malloc(ng * sizeof *g);
    if (np > 256) p = malloc(np * sizeof *p);
    if (!g || !p) abort();
    ne_ner_spans(gold, n, g, ng);
    ne_ner_spans(pred, n, p, np);
    size_t i = 0, j = 0;
    /* Both lists are ordered by start and do not overlap: merge. */
    while (i < ng || j < np) {
        if (i < ng && j < np && g[i].tok_start == p[j].tok_start) {
            if (g[i].tok_end == p[j].tok_end && g[i].type == p[j].type) c->tp[g[i].type]++;
            else { c->fn[g[i].type]++; c->fp[p[j].type]++; }
            i++; j++;
        } else if (j >= np || (i < ng && g[i].tok_start < p[j].tok_start)) {
            c->fn[g[i++].type]++;
        } else {
            c->fp[p[j++].type]++;
        }
    }
    if (g != gs) free(g);
    if (p != ps) free(p);
}

void ne_ner_prf(const ne_ner_counts *c, int type, double *p, double *r, double *f1)
{
    size_t tp = 0, fp = 0, fn = 0;
    for (int t = 0; t < 4; t++) {
        if (type >= 0 && t != type) continue;
        tp += c->tp[t]; fp += c->fp[t]; fn += c->fn[t];
    }
    double pp = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double rr = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    if (p) *p = pp;
    if (r) *r = rr;
    if (f1) *f1 = pp + rr > 0 ? 2 * pp * rr / (pp + rr) : 0;
}
