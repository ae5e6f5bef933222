/* ner — the statistical NER tagger: features, model file, Viterbi.
 *
 * Layout of this file:
 *   hashing and small string helpers
 *   lookup tables (lexicon and gazetteer, open addressing on 64-bit keys)
 *   the model (sparse int16 weight rows behind a bitmap with rank index)
 *   the workspace and per-document preparation (token attributes, document
 *     capitalisation counts, gazetteer matches, tag history)
 *   feature extraction for one sentence (hashed into weight rows)
 *   scoring and Viterbi decoding
 *   the model file (load; write, used by tools/ner_train.c)
 *   spans and IOB conversion
 *
 * tools/ner_train.c compiles this file into itself (#include) so training
 * and tagging share one feature extractor without a wider public API;
 * functions only the trainer needs are marked NER_TRAINER_ONLY.
 */
#include "enrichers/ner.h"

#include "common/nebuf.h"

#include <errno.h>
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
} tokattr;

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
};

ne_ner_ws *ne_ner_ws_new(void)
{
    ne_ner_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return NULL;
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

/* Marks gazetteer matches of sentence [a, b): for each type, each token
 * gets the BILU position within the longest phrase covering it. */
static void mark_gazetteer(ne_ner_ws *ws, const ner_tables *tab, size_t a, size_t b, int fold)
{
    tokattr *ta = ws->ta;
    for (size_t s = a; s < b; s++) {
        uint64_t ph = 0;
        for (size_t len = 1; len <= GAZ_MAXLEN && s + len <= b; len++) {
            ph = len == 1 ? ta[s].hl : phrase_step(ph, ta[s + len - 1].hl);
            const uint64_t *v = htab_get(&tab->gaz, ph);
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

    size_t g = 0;
    for (size_t s = 0; s < nsents; s++) {
        int lower_seen = 0;
        ws->soff[s] = g;
        for (size_t i = 0; i < sents[s].ntoks; i++, g++) {
            const ne_ner_tok *tk = &sents[s].toks[i];
            tokattr *a = &ws->ta[g];
            memset(a, 0, sizeof *a);
            a->hw = hash_word(tk->ptr, tk->len, 0);
            a->hl = hash_word(tk->ptr, tk->len, 1);
            word_shapes(tk->ptr, tk->len, a);
            if (a->flags & TF_LOWER) lower_seen = 1;
            const uint64_t *lv = htab_get(&tab->lex, a->hl);
            a->lex = lv ? *lv : 0;
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
        const ne_ner_tok *tk = &sent->toks[i];
        uint64_t init = i == 0, ctx = init | unc << 1;
        ws->foff[i] = (uint32_t)k;

        EMIT(fh1(T_BIAS, 0));
        EMIT(fh1(T_W, a->hw));
        EMIT(fh1(T_LW, a->hl));
        EMIT(fh2(T_WINIT, a->hw, ctx));
        if (fs & FF_AFFIX) {
            uint64_t ph[5];
            size_t pl[5], sl[5];
            affixes(tk->ptr, tk->len, pl, sl, ph);
            for (int j = 1; j <= 4; j++) {
                if (pl[j] && pl[j] < tk->len) EMIT(fh2(T_PRE, ph[j], (uint64_t)j));
                if (sl[j] && sl[j] < tk->len) EMIT(fh2(T_SUF, hash_word(tk->ptr + tk->len - sl[j], sl[j], 1), (uint64_t)j));
            }
        }
        if (fs & FF_SHAPE) {
            EMIT(fh1(T_SHAPE, a->hshape));
            EMIT(fh2(T_BRIEF, a->hbrief, ctx));
            EMIT(fh2(T_CAP, a->cap, ctx));
            EMIT(fh2(T_FLAGS, a->flags, a->cap));
            EMIT(fh2(T_CAP3, (uint64_t)m1->cap << 8 | a->cap, (uint64_t)p1->cap << 2 | ctx));
        }
        if (fs & FF_CTX) {
            EMIT(fh1(T_LWM1, m1->hl));
            EMIT(fh1(T_LWP1, p1->hl));
            EMIT(fh1(T_LWM2, m2->hl));
            EMIT(fh1(T_LWP2, p2->hl));
            EMIT(fh1(T_BRM1, m1->hbrief));
            EMIT(fh1(T_BRP1, p1->hbrief));
            EMIT(fh2(T_BR3, m1->hbrief * 31 + a->hbrief, p1->hbrief));
            EMIT(fh2(T_BIM1, m1->hl, a->hl));
            EMIT(fh2(T_BIP1, a->hl, p1->hl));
        }
        if (fs & FF_POS) {
            EMIT(fh2(T_POS, (uint64_t)(init | (i + 1 == n) << 1), a->cap));
            EMIT(fh2(T_SLEN, slen, a->cap));
        }
        if (fs & FF_GAZ) {
            for (int t = 0; t < 4; t++) {
                if (a->gaz[t]) {
                    EMIT(fh2(T_GAZ, (uint64_t)t, a->gaz[t] | (uint64_t)(a->gazlen[t] > 1) << 4));
                    EMIT(fh2(T_GAZCAP, (uint64_t)t << 4 | a->gaz[t], a->cap));
                }
                if (m1->gaz[t]) EMIT(fh2(T_GAZM1, (uint64_t)t, m1->gaz[t]));
                if (p1->gaz[t]) EMIT(fh2(T_GAZP1, (uint64_t)t, p1->gaz[t]));
            }
        }
        if (fs & FF_CAPLEX) {
            EMIT(fh2(T_CAPLEX, LEX_CAPB(a->lex), (uint64_t)a->cap << 2 | ctx));
            EMIT(fh2(T_CAPLEXM1, LEX_CAPB(m1->lex) << 4 | LEX_CAPB(a->lex), (uint64_t)m1->cap << 8 | (uint64_t)a->cap << 2 | ctx));
            EMIT(fh2(T_CAPLEXP1, LEX_CAPB(p1->lex) << 4 | LEX_CAPB(a->lex), (uint64_t)p1->cap << 8 | (uint64_t)a->cap << 2 | ctx));
        }
        if (fs & FF_CLUSTER) {
            for (int c = 0; c < LEX_NCL; c++) {
                if (LEX_CL(a->lex, c)) {
                    EMIT(fh2(T_CL, (uint64_t)c, LEX_CL(a->lex, c)));
                    EMIT(fh2(T_CLCAP, (uint64_t)c << 16 | LEX_CL(a->lex, c), a->cap));
                }
                if (LEX_CL(m1->lex, c)) EMIT(fh2(T_CLM1, (uint64_t)c, LEX_CL(m1->lex, c)));
                if (LEX_CL(p1->lex, c)) EMIT(fh2(T_CLP1, (uint64_t)c, LEX_CL(p1->lex, c)));
            }
        }
        if ((fs & FF_DOCCAP) && (a->flags & TF_LETTER)) {
            const docent *d = &ws->de[a->de];
            EMIT(fh2(T_DOCCAP, doccap_bucket(d), (uint64_t)a->cap << 2 | ctx));
        }
        if ((fs & FF_HIST) && (a->flags & TF_LETTER) && a->cap != CAP_LOWER) {
            const docent *d = &ws->de[a->de];
            EMIT(fh2(T_HIST, hist_major(d), ctx));
            for (unsigned t = 1; t < 5; t++)
                if (d->hist[t]) EMIT(fh2(T_HISTANY, t, d->hist[t] > 1));
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

/* Emission scores of the current sentence: ws->emit[i*NT + t]. Two
 * passes: the first resolves every feature to its weight row (or drops
 * it) and prefetches the row, so the second pass's loads overlap instead
 * of waiting on each other; tagging is bound by these memory accesses. */
static int score_sentence(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    if (grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit) < 0) return -1;
    uint32_t *f = ws->feats;
#if NER_POPCNT_DISPATCH
    static int have_popcnt = -1;
    if (have_popcnt < 0) {
        __builtin_cpu_init();
        have_popcnt = __builtin_cpu_supports("popcnt") ? 1 : 0;
    }
    if (have_popcnt) resolve_rows_popcnt(m, ws, n);
    else resolve_rows(m, ws, n);
#else
    resolve_rows(m, ws, n);
#endif
    for (size_t i = 0; i < n; i++) {
        /* 16 + 1: the 16 in vector lanes (int16 widened to int32 by
         * unpacking with itself and shifting right, two operations per
         * four lanes), the last one apart */
        v4i a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0;
        int32_t last = 0;
        for (uint32_t k = ws->foff[i]; k < ws->fend[i]; k++) {
            const int16_t *w = m->rows + (size_t)f[k] * NT;
            v8s lo, hi;
            memcpy(&lo, w, sizeof lo);
            memcpy(&hi, w + 8, sizeof hi);
            a0 += widen_lo(lo);
            a1 += widen_hi(lo);
            a2 += widen_lo(hi);
            a3 += widen_hi(hi);
            last += w[16];
        }
        int32_t *e = ws->emit + i * NT;
        memcpy(e, &a0, sizeof a0);
        memcpy(e + 4, &a1, sizeof a1);
        memcpy(e + 8, &a2, sizeof a2);
        memcpy(e + 12, &a3, sizeof a3);
        e[16] = last;
    }
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
        if (sent_features(ws, &m->tab, m->row_mask, m->feat_set, &sents[s], s) < 0) return -1;
        if (score_sentence(m, ws, n) < 0) return -1;
        if (viterbi(m, ws, n, out) < 0) return -1;
        doc_record(ws, s, out);
    }
    return 0;
}

int ne_ner_tag(const ne_ner_model *m, ne_ner_ws *ws,
               const ne_ner_sent *sents, size_t nsents, uint8_t *tags)
{
    if (doc_begin(ws, &m->tab, sents, nsents, -1, !!(m->feat_set & FF_CASED_FIRST)) < 0) return -1;
    return tag_prepared(m, ws, sents, nsents, tags);
}

int ne_ner_explain(const ne_ner_model *m, ne_ner_ws *ws,
                   const ne_ner_sent *sents, size_t nsents,
                   size_t sent, size_t tok, char *out, size_t cap)
{
    static const char *const types[4] = { "PER", "ORG", "LOC", "MISC" };
    static const char *const hist[6] = { "O", "PER", "ORG", "LOC", "MISC", "none" };
    static const char bilu[] = "BILU";
    if (sent >= nsents || tok >= sents[sent].ntoks || cap == 0) return -1;
    if (doc_begin(ws, &m->tab, sents, nsents, -1, !!(m->feat_set & FF_CASED_FIRST)) < 0) return -1;
    uint8_t *tags = malloc(ws->ntoks + 1);
    if (!tags) return -1;
    int rc = tag_prepared(m, ws, sents, sent, tags);   /* history of the sentences decoded before */
    free(tags);
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
