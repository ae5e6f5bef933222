/* ner_tag — tagging: emission scores from the model's weight rows, decoded
 * by ner_viterbi.c, then spans and labels.
 *
 * Two paths give the same scores and tags (tests/unit/test_ner.c checks):
 *   - the reference path (ner_sent_features, score_sentence,
 *     ner_viterbi), the one the trainer learns with, hashes every feature
 *     of every token;
 *   - the tagger's cached path (score_cached, ner_viterbi_bilou) keeps, per
 *     token type, the summed rows of the features that depend on its bytes
 *     alone (the type cache of the workspace) and memoises the rows of
 *     features with few values, so a word seen before costs one lookup
 *     instead of some thirty hashed features. Tagging is bound by memory
 *     accesses to the weight rows, which is why rows are prefetched.
 */
#include "enrichers/ner/ner_int.h"

#include "common/nebuf.h"
#include "common/xalloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scoring: the reference path ---------------------------------------- */

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
 * features ner_sent_features put in ws->feats: the reference path. */
static void score_sentence(const ne_ner_model *m, ne_ner_ws *ws, size_t n)
{
    ne_grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit);
    memset(ws->emit, 0, n * NT * sizeof *ws->emit);
    add_feature_rows(m, ws, n);
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

/* What token x adds to its neighbours' scores (ner_sent_features' LWM1, BRM1,
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
 * nothing else but its type (ner_sent_features' WINIT, BRIEF, CAP, CAPLEX),
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
    if (fs & FF_AFFIX) k += ner_affix_feats(tk, mask, f + k);
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
        if (e->stamp != a->stamp) ner_type_store(ws, e, tk, a);   /* evicted since ner_doc_begin */
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
    MEMO_NAMEPAT  = MEMO_CAPLEXP1 + 16 * 16 * 6 * 6 * 4,   /* (classes, place, uncased) */
    MEMO_XGAZ     = MEMO_NAMEPAT + 256 * 5 * 2,   /* (list, position) */
    MEMO_XGAZCAP  = MEMO_XGAZ + NXL * 5,      /* (list, position, cap, uncased) */
    MEMO_N        = MEMO_XGAZCAP + NXL * 5 * 6 * 2
};

/* The memo slot value of a feature (its hash). */
static uint32_t memo_row(const ne_ner_model *m, uint64_t h)
{
    uint32_t r = row_of(m, h);
    return r == TE_NOROW ? 1 : r + 2;
}

/* Emission scores of sentence s into ws->emit, as score_sentence computes
 * them from ner_sent_features, in two parts: the type sums of each token and
 * of its neighbours (sentence edges included), then the features that
 * depend on more than one token's type or on the document, hashed and
 * looked up as ner_sent_features does. */
static void score_cached(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_sent *sent, size_t s)
{
    size_t n = sent->ntoks, base = ws->soff[s];
    ner_sent_buffers(ws, n);
    ne_grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit);
    int32_t *em = ws->emit;
    memset(em, 0, n * NT * sizeof *em);
    uint32_t fs = m->feat_set, mask = m->row_mask;
    uint64_t unc = ws->uncased[s];

    for (size_t i = 0; i < n; i++) {
        tokattr *a = &ws->ta[base + i];
        if (i + 4 < n) {    /* the sums of a token ahead (see ner_doc_begin) */
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
        const tokattr *m1 = i >= 1 ? a - 1 : &ner_edge_attr, *p1 = i + 1 < n ? a + 1 : &ner_edge_attr;
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
        if ((fs & FF_NAMEPAT) && a->pat)
            MEMO(MEMO_NAMEPAT + (a->patkw * 5u + a->pat) * 2u + unc, f_namepat(a, unc));
        if (fs & FF_XGAZ)
            for (int l = 0; l < NXL; l++)
                if (a->xgaz[l]) {
                    MEMO(MEMO_XGAZ + l * 5u + a->xgaz[l], f_xgaz(a, l));
                    MEMO(MEMO_XGAZCAP + ((l * 5u + a->xgaz[l]) * 6u + a->cap) * 2u + unc,
                         f_xgazcap(a, l, unc));
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
}

/* ---- tagging a document ------------------------------------------------ */

/* Readies the type cache for tagging a document with m, emptying it when
 * it holds another model's sums, and decides the path: ws->use_tc. */
static void cache_begin(const ne_ner_model *m, ne_ner_ws *ws)
{
    ws->use_tc = 0;
    if (!ws->tc_bits || !ner_bilou_layout_holds(&ws->prev)) return;
    if (!ws->memo) ws->memo = ne_xmalloc(MEMO_N * sizeof *ws->memo);
    if (!ws->tc) {
        ws->tc = ne_xcalloc((size_t)1 << ws->tc_bits, sizeof *ws->tc);
        ws->tc_mask = (uint32_t)(((size_t)1 << ws->tc_bits) - 1);
        ws->tc_model = NULL;
    }
    if (m != ws->tc_model || !m->cache_id || m->cache_id != ws->tc_model_id) {
        ws->stamp_floor = ws->stamp;
        memset(ws->memo, 0, MEMO_N * sizeof *ws->memo);
        ws->tc_model = m;
        ws->tc_model_id = m->cache_id;
        neighbour_sums(m, &ner_edge_attr, &ws->edge);
    }
    ner_bilou_transitions(m, ws);
    ws->use_tc = 1;
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
static void tag_prepared(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_sent *sents,
                         size_t stop, uint8_t *tags)
{
    for (size_t k = 0; k < ws->nsents; k++) {
        size_t s = ws->order[k], n = sents[s].ntoks;
        if (s == stop) break;
        uint8_t *out = tags + ws->soff[s];
        if (n == 0) continue;
        if (ws->use_tc) {
            score_cached(m, ws, &sents[s], s);
            ner_viterbi_bilou(m, ws, n, out);
        } else {
            ner_sent_features(ws, m->row_mask, m->feat_set, &sents[s], s);
            score_sentence(m, ws, n);
            ner_viterbi(m, ws, n, out);
        }
        ner_doc_record(ws, s, out);
    }
}

int ne_ner_tag(const ne_ner_model *m, ne_ner_ws *ws,
               const ne_ner_sent *sents, size_t nsents, uint8_t *tags)
{
    cache_begin(m, ws);
    ner_doc_begin(ws, &m->tab, sents, nsents, -1, m->feat_set);
    tag_prepared(m, ws, sents, nsents, tags);
    ws->use_tc = 0;     /* the trainer calls ner_doc_begin directly, with its own tables */
    return 0;
}

/* ---- explaining a token ---------------------------------------------- */

static const char *const cap_names[CAP_N] = { "lower", "init", "all", "one", "mixed", "none" };

int ne_ner_explain(const ne_ner_model *m, ne_ner_ws *ws,
                   const ne_ner_sent *sents, size_t nsents,
                   size_t sent, size_t tok, char *out, size_t cap)
{
    static const char *const types[4] = { "PER", "ORG", "LOC", "MISC" };
    static const char *const hist[6] = { "O", "PER", "ORG", "LOC", "MISC", "none" };
    static const char bilu[] = "BILU";
    if (sent >= nsents || tok >= sents[sent].ntoks || cap == 0) return -1;
    cache_begin(m, ws);
    ner_doc_begin(ws, &m->tab, sents, nsents, -1, m->feat_set);
    uint8_t *tags = ne_xmalloc(ws->ntoks + 1);
    tag_prepared(m, ws, sents, sent, tags);   /* history of the sentences decoded before */
    free(tags);
    ws->use_tc = 0;

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
    if (m->feat_set & FF_NAMEPAT)
        nebuf_printf(&b, " run=%u runkw=%u/%u", a->pat, a->patkw >> 4, a->patkw & 15u);
    if (m->feat_set & FF_XGAZ) {
        nebuf_puts(&b, " xgaz=");
        any = 0;
        for (int l = 0; l < NXL; l++)
            if (a->xgaz[l]) nebuf_printf(&b, "%s%d:%c", any++ ? "," : "", l, bilu[a->xgaz[l] - 1]);
        if (!any) nebuf_puts(&b, "-");
    }
    snprintf(out, cap, "%s", b.p);
    nebuf_free(&b);
    return 0;
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
    int *type = ne_xmalloc((n + 1) * sizeof *type), *start = ne_xmalloc((n + 1) * sizeof *start);
    int rc = 0;
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
