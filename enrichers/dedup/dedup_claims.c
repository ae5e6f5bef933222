/* claims_index — claim novelty: has an earlier article carried this
 * statement?
 *
 * A statement is normalised to its words (dd_words: case, punctuation and
 * quote marks folded) without articles and filler words, so "a continuing
 * struggle" and "continuing struggle" are one statement. It matches an
 * earlier claim when
 *   - the normalised word sequences are equal, or
 *   - at least CONTAINMENT of its word trigrams occur in the earlier
 *     claim (it is a shortened excerpt, or a variant with a word changed)
 *     and each of its negations, numbers and names (is_negation(),
 *     is_number(), DD_WORD_NAME) stands there with a neighbour: one of
 *     the trigrams holding it occurs in the claim. "X did not" after "X
 *     did", "7 %" after "5 %", or the same words about someone else, is
 *     a new claim, which 80 % alone would not tell from a variant of a
 *     long quote. Digit groups are joined first ("1,000" and "1000" are
 *     one word, join_digit_group()).
 * Trigrams never span an ellipsis, so "A … B" matches a statement that had
 * more words between A and B. Statements too short for trigrams
 * (< MIN_TRIGRAMS) only match exactly: a short phrase inside a long quote
 * is not the same claim.
 *
 * Storage: dd_claim entries in two generations (dedup_tables.c); each
 * claim's trigrams, cut to their high 16 bits, and its article id (once
 * for the claims of one article) in the arena; the table maps the
 * statement hash and a sample of the trigrams (sampled_count(): the
 * smallest hashes) to the claims holding them. A lookup probes every
 * trigram of the query, so it finds a claim that shares any sampled
 * trigram with it, and verifies the candidates against their stored
 * trigrams. Why this is (nearly) the same decision as posting every
 * trigram with 32-bit verification:
 *   - sampling: a query that is >= 80 % contained in a claim shares most
 *     of the claim's trigrams when it is an excerpt of >= half the claim
 *     or a variant of it; the claim's k smallest hashes are a random
 *     k-subset of its trigrams (they are hashes), so all k miss the shared
 *     part with probability ~ (1 - shared share)^k: 0.4^8 = 0.0007 for a
 *     60 % excerpt. Claims of more than 16 trigrams post half of theirs
 *     (at most 128), so a third of one is missed with p ~ (2/3)^(n/2).
 *     A short fragment of a long claim (a sentence of a long quote) is the
 *     case that can be missed; make eval-claims counts it (kind
 *     "fragment", the filling's same-article finds, and "rule-only");
 *   - 16 bits: a query trigram not in the claim matches one of its ntri
 *     stored values by chance with p ~ ntri / 65536 (0.03 % for 18
 *     trigrams), and the 80 % test needs a fifth of the query to be such
 *     chance matches: negligible (eval-claims: "index-only").
 * A claim from the changelog (full u32 sorted trigrams) is stored through
 * dd_claim_insert() like a local one, so the sample is the same. */
#include "enrichers/dedup/dedup_int.h"

#include <stdlib.h>
#include <string.h>

#define CONTAINMENT DD_CLAIM_CONTAINMENT
#define MIN_TRIGRAMS DD_CLAIM_MIN_TRIGRAMS
#define MAX_POSTINGS 64
#define MAX_CLAIM_CANDIDATES 64
#define SALT_NORM 0x6000000000000000ULL
#define SALT_TRI  0x7000000000000000ULL

/* Articles and filler: "a", "an", "just", "really", "so", "that", "the",
 * "uh", "um", "very", "well". Called for every word of every quote, so the
 * list is a switch on the length (words arrive lower-cased and
 * NUL-terminated). */
static int is_filler(const char *w, size_t len)
{
    switch (len) {
    case 1: return w[0] == 'a';
    case 2:
        return (w[0] == 'a' && w[1] == 'n') || (w[0] == 's' && w[1] == 'o') ||
               (w[0] == 'u' && (w[1] == 'h' || w[1] == 'm'));
    case 3: return memcmp(w, "the", 3) == 0;
    case 4:
        return memcmp(w, "just", 4) == 0 || memcmp(w, "that", 4) == 0 || memcmp(w, "very", 4) == 0 ||
               memcmp(w, "well", 4) == 0;
    case 6: return memcmp(w, "really", 6) == 0;
    default: return 0;
    }
}

/* Negations ("not", "never", "didn't", which arrives as "didnt"), which
 * with numbers (is_number()) and names turn a statement into another one
 * when inserted or changed. Only the query's words are checked, so an
 * excerpt, which leaves words of the claim out, still matches; so does a
 * claim stored by any version, since nothing more is stored. */
static int is_negation(const char *w, size_t len)
{
    switch (len) {
    case 2: return memcmp(w, "no", 2) == 0;
    case 3: return memcmp(w, "not", 3) == 0 || memcmp(w, "nor", 3) == 0;
    case 4: return memcmp(w, "none", 4) == 0;
    case 5: return memcmp(w, "never", 5) == 0;
    case 6: return memcmp(w, "cannot", 6) == 0 || memcmp(w, "nobody", 6) == 0;
    case 7: return memcmp(w, "neither", 7) == 0 || memcmp(w, "nothing", 7) == 0 || memcmp(w, "nowhere", 7) == 0;
    default: break;
    }
    /* an auxiliary's contraction with n't, its apostrophe dropped */
    if (len < 4 || w[len - 2] != 'n' || w[len - 1] != 't') return 0;
    switch (len - 2) {
    case 2:
        return memcmp(w, "do", 2) == 0 || memcmp(w, "is", 2) == 0 || memcmp(w, "wo", 2) == 0 ||
               memcmp(w, "ca", 2) == 0 || memcmp(w, "ai", 2) == 0;
    case 3:
        return memcmp(w, "did", 3) == 0 || memcmp(w, "are", 3) == 0 || memcmp(w, "was", 3) == 0 ||
               memcmp(w, "has", 3) == 0 || memcmp(w, "had", 3) == 0;
    case 4:
        return memcmp(w, "does", 4) == 0 || memcmp(w, "were", 4) == 0 || memcmp(w, "have", 4) == 0 ||
               memcmp(w, "must", 4) == 0 || memcmp(w, "need", 4) == 0;
    case 5:
        return memcmp(w, "would", 5) == 0 || memcmp(w, "could", 5) == 0 || memcmp(w, "might", 5) == 0;
    case 6: return memcmp(w, "should", 6) == 0;
    default: return 0;
    }
}

/* The words of one statement, in the state's scratch (dd_stmt_scratch):
 * reused from quote to quote, so a quote costs no allocation but its
 * trigram list. */

static int is_digit(char c) { return (unsigned)(c - '0') < 10; }

/* A number: a word that starts or ends with a digit ("1990s", "5bn",
 * "covid19"); looking at its ends only keeps this cheap on every word. */
static int is_number(const char *w, size_t len) { return is_digit(w[0]) || is_digit(w[len - 1]); }

static int all_digits(const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_digit(w[i])) return 0;
    return 1;
}

/* dd_words() splits "1,000" and "1 000" into digit groups; one outlet
 * writes the comma and another does not. A group of three digits right
 * after a number of up to three digits (or one so joined) is joined to
 * it, so the statement holds one word, "1000", either way: otherwise the
 * number's trigrams, which must all be in a matching claim, would differ. */
static int join_digit_group(dd_stmt_scratch *sc, const char *w, size_t len, int brk)
{
    if (brk || !sc->numlen || len != 3 || !all_digits(w, len) || sc->numlen + 3 > sizeof sc->num) return 0;
    memcpy(sc->num + sc->numlen, w, 3);
    sc->numlen += 3;
    sc->w[sc->n - 1] = dd_hash_bytes(sc->num, sc->numlen, 0x77);
    return 1;
}

static void stmt_word(void *ctx, const char *w, size_t len, int flags)
{
    int brk = flags & DD_WORD_BRK;
    dd_stmt_scratch *sc = ctx;
    if (is_filler(w, len)) {
        /* the break survives a dropped word */
        if (brk && sc->n) sc->brk[sc->n] = 1;
        sc->numlen = 0;
        return;
    }
    int number = is_number(w, len);
    if (number && join_digit_group(sc, w, len, brk)) return;
    if (number && len <= 3 && all_digits(w, len)) {
        memcpy(sc->num, w, len);
        sc->numlen = len;
    } else {
        sc->numlen = 0;
    }
    if (sc->n + 2 > sc->cap) {
        size_t nc = sc->cap ? sc->cap * 2 : 64;
        sc->w = ne_xrealloc(sc->w, nc * sizeof *sc->w);
        sc->brk = ne_xrealloc(sc->brk, nc);
        sc->mark = ne_xrealloc(sc->mark, nc);
        sc->cap = nc;
    }
    int pending = sc->n ? sc->brk[sc->n] : 0;   /* left by a dropped filler word */
    sc->brk[sc->n] = (unsigned char)(brk || pending);
    sc->mark[sc->n] = (unsigned char)(number || (flags & DD_WORD_NAME) || is_negation(w, len));
    sc->w[sc->n++] = dd_hash_bytes(w, len, 0x77);
    sc->brk[sc->n] = 0;
}

/* Ascending order. A quote has a few dozen trigrams: insertion sort
 * beats qsort's calls through a comparator there; longer lists are
 * radix-sorted (four passes of 8 bits through tmp, n entries), where qsort
 * cost ~140 instructions a value. Either way the result is the one
 * ascending order. */
#define INSERTION_SORT_MAX 48
static void sort_u32(uint32_t *t, uint32_t *tmp, size_t n)
{
    if (n <= INSERTION_SORT_MAX) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = t[i];
            size_t j = i;
            while (j > 0 && t[j - 1] > x) {
                t[j] = t[j - 1];
                j--;
            }
            t[j] = x;
        }
        return;
    }
    size_t count[4][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 4; d++) count[d][(t[i] >> (8 * d)) & 0xFF]++;
    uint32_t *src = t, *dst = tmp;
    for (int d = 0; d < 4; d++) {
        size_t sum = 0;
        for (size_t b = 0; b < 256; b++) {
            size_t c = count[d][b];
            count[d][b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[d][(src[i] >> (8 * d)) & 0xFF]++] = src[i];
        uint32_t *x = src;
        src = dst;
        dst = x;
    }
    /* four passes: the sorted values are back in t */
}

/* Sorts t[0..n) and drops repeats; the count left. */
static size_t sort_unique(uint32_t *t, uint32_t *tmp, size_t n)
{
    sort_u32(t, tmp, n);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || t[i] != t[u - 1]) t[u++] = t[i];
    return u;
}

/* Normalised hash and sorted distinct trigram hashes of a statement,
 * followed in the same array by one group for each of its words that is
 * a negation, a number or a name (*nmark groups of DD_MARK_GROUP values):
 * the trigrams that hold the word, 0 where there is none (at the
 * statement's ends, across an ellipsis). A word in no trigram has no
 * group. *tri is malloc'd (caller frees; NULL when there are no
 * trigrams). */
static void statement(dd_stmt_scratch *sc, const char *text, char *buf, size_t cap, uint64_t *norm,
                     uint32_t **tri, size_t *ntri, size_t *nmark)
{
    sc->n = 0;
    sc->numlen = 0;
    dd_words_names(text, strlen(text), buf, cap, stmt_word, sc);
    *tri = NULL;
    *ntri = 0;
    *nmark = 0;
    *norm = 0;
    if (sc->n == 0) return;
    const uint64_t *w = sc->w;
    const unsigned char *brk = sc->brk, *mark = sc->mark;
    size_t nw = sc->n;
    uint64_t h = 0x452821E638D01377ULL;
    for (size_t i = 0; i < nw; i++) h = ne_fmix64(h ^ w[i]) + i;
    *norm = h ? h : 1;
    if (nw < 3) return;
    size_t nt = nw - 2, marked = 0;
    for (size_t i = 0; i < nw; i++) marked += mark[i];
    /* t[k] = the trigram starting at word k (0: it spans an ellipsis),
     * the groups after them */
    uint32_t *t = ne_xmalloc((nt + DD_MARK_GROUP * marked) * sizeof *t), *g = t + nt;
    if (nt > INSERTION_SORT_MAX) ne_grow(&sc->tmp, &sc->captmp, nt, sizeof *sc->tmp);
    for (size_t k = 0; k < nt; k++) {
        uint64_t x = ne_fmix64(w[k] ^ ne_fmix64(w[k + 1] + 0x9E37) ^ ne_fmix64(w[k + 2] + 0x79B9));
        t[k] = brk[k + 1] || brk[k + 2] ? 0 : (uint32_t)(x >> 16) | 1u;
    }
    size_t ng = 0;
    for (size_t i = 0; i < nw; i++) {
        if (!mark[i]) continue;
        uint32_t *grp = g + DD_MARK_GROUP * ng;
        int any = 0;
        for (size_t j = 0; j < DD_MARK_GROUP; j++) {
            size_t k = i + j;   /* the trigram starting at word i + j - 2 */
            grp[j] = k >= 2 && k - 2 < nt ? t[k - 2] : 0;
            any |= grp[j] != 0;
        }
        ng += any;
    }
    size_t n = 0;
    for (size_t k = 0; k < nt; k++)
        if (t[k]) t[n++] = t[k];
    size_t u = sort_unique(t, sc->tmp, n);
    memmove(t + u, g, DD_MARK_GROUP * ng * sizeof *t);
    if (u) { *tri = t; *ntri = u; *nmark = ng; }
    else free(t);
}

void dd_stmt_scratch_free(dd_stmt_scratch *sc)
{
    free(sc->w);
    free(sc->brk);
    free(sc->mark);
    free(sc->tmp);
    memset(sc, 0, sizeof *sc);
}

/* ---- stored claims ---------------------------------------------------- */

/* The article id of claim idx: after its trigrams, or the one of the
 * claim `back` entries earlier that holds it. */
static const char *claim_article(const dd_cgen *g, uint32_t idx)
{
    const dd_claim *c = &g->c[idx];
    if (c->back) c = &g->c[idx - c->back];
    return g->arena + c->blob + 2u * c->ntri;
}

/* The fewest hits that make `hits >= CONTAINMENT * n` true (the lookup's
 * test) / `hits / n >= CONTAINMENT` (the same-article test), found by
 * evaluating the very expressions: both are monotone in hits, so
 * `hits >= need` decides exactly as they do, without their rounding
 * questions. */
static size_t need_mul(size_t n)
{
    size_t h = (size_t)(CONTAINMENT * (double)n);
    while (h > 0 && (double)(h - 1) >= CONTAINMENT * (double)n) h--;
    while ((double)h < CONTAINMENT * (double)n) h++;
    return h;
}

static size_t need_div(size_t n)
{
    size_t h = (size_t)(CONTAINMENT * (double)n);
    while (h > 0 && (double)(h - 1) / (double)n >= CONTAINMENT) h--;
    while ((double)h / (double)n < CONTAINMENT) h++;
    return h;
}

static uint32_t u32_at(const unsigned char *b, size_t j)
{
    uint32_t x;
    memcpy(&x, b + 4 * j, 4);
    return x;
}

static uint32_t u16_at(const unsigned char *b, size_t j)
{
    uint16_t x;
    memcpy(&x, b + 2 * j, 2);
    return x;
}

/* Whether at least `need` of a's values occur in b (both sorted; as a
 * multiset intersection, which for distinct values is what a full merge
 * would count), one value of a at a time, stopping as soon as the answer
 * is known: hits + what is left of either side bounds the final count, so
 * an unrelated candidate (a shared trigram or two) is given up after a few
 * misses. Each value is looked for by galloping from where the last one
 * ended, so a long stored claim is not read through. b is read unaligned
 * (arena) through at(): u32 values (lists the caller holds) or u16 ones
 * (stored claims). */
static inline int hits_at_least(const uint32_t *a, size_t na, const unsigned char *b, size_t nb, size_t need,
                                uint32_t (*at)(const unsigned char *, size_t))
{
    size_t j = 0, hits = 0;
    for (size_t i = 0; i < na; i++) {
        if (hits >= need) return 1;
        if (hits + (na - i) < need || hits + (nb - j) < need) return 0;
        uint32_t x = a[i];
        /* the first k >= j with b[k] >= x: gallop to a bound, then bisect */
        size_t lo = j, step = 1, hi = j;
        while (hi < nb && at(b, hi) < x) {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        if (hi > nb) hi = nb;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (at(b, mid) < x) lo = mid + 1;
            else hi = mid;
        }
        j = lo;
        if (j < nb && at(b, j) == x) {
            hits++;
            j++;
        }
    }
    return hits >= need;
}

static int has_hits(const uint32_t *a, size_t na, const unsigned char *b, size_t nb, size_t need)
{
    return hits_at_least(a, na, b, nb, need, u32_at);
}

/* a: the query's trigrams cut to 16 bits (t >> 16, still sorted); b: a
 * stored claim's. */
static int has_hits16(const uint32_t *a, size_t na, const unsigned char *b, size_t nb, size_t need)
{
    return hits_at_least(a, na, b, nb, need, u16_at);
}

/* Whether x is among b's nb sorted values. */
static inline int holds(const unsigned char *b, size_t nb, uint32_t x, uint32_t (*at)(const unsigned char *, size_t))
{
    size_t lo = 0, hi = nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at(b, mid) < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < nb && at(b, lo) == x;
}

/* Every group (statement()) has one of its trigrams in b: each negation,
 * number and name of the query stands, with a neighbour, where it stood
 * in the claim. b holds u32 values (shift 0) or their high halves (16). */
static int groups_held(const uint32_t *grp, size_t ng, const unsigned char *b, size_t nb, int shift,
                       uint32_t (*at)(const unsigned char *, size_t))
{
    for (size_t i = 0; i < ng; i++, grp += DD_MARK_GROUP) {
        int held = 0;
        for (size_t j = 0; j < DD_MARK_GROUP && !held; j++) held = grp[j] && holds(b, nb, grp[j] >> shift, at);
        if (!held) return 0;
    }
    return 1;
}

/* Trigrams a claim of ntri posts in the table: its sampled_count()
 * smallest (the list is sorted, so the first ones). */
static size_t sampled_count(size_t ntri)
{
    size_t k = (ntri + DD_CLAIM_SAMPLE_DIV - 1) / DD_CLAIM_SAMPLE_DIV;
    if (k < DD_CLAIM_SAMPLE_K) k = DD_CLAIM_SAMPLE_K;
    if (k > DD_CLAIM_SAMPLE_MAX) k = DD_CLAIM_SAMPLE_MAX;
    return k < ntri ? k : ntri;
}

static uint64_t key_norm(uint64_t norm) { return ne_fmix64(norm ^ SALT_NORM); }
static uint64_t key_tri(uint32_t t) { return ne_fmix64(t ^ SALT_TRI); }

typedef struct cmatch {
    int found, self;
    uint64_t serial;
    uint32_t idx;
    int gen;
} cmatch;

/* Claim idx of generation g was stored from this very article: its id,
 * processed no earlier than s->claim_self_from (an update under its
 * earlier version's id sets it: that version's claims are not its own). */
static int own_claim(const ne_dedup_state *s, const dd_cgen *g, uint32_t idx, const char *article_id)
{
    return g->c[idx].ts >= s->claim_self_from && strcmp(claim_article(g, idx), article_id) == 0;
}

/* Keeps the match that decides: one from this very article wins (a
 * redelivery), else the earliest. */
static void take(const ne_dedup_state *s, cmatch *m, int gi, uint32_t idx, int self)
{
    uint64_t serial = s->cgen[gi].serial;
    if (m->self && !self) return;
    if (!m->found || (self && !m->self) || serial < m->serial || (serial == m->serial && idx < m->idx)) {
        m->found = 1;
        m->self = self;
        m->serial = serial;
        m->idx = idx;
        m->gen = gi;
    }
}

/* The claims already verified for one statement in one generation: a
 * set of entry indexes (open addressing, twice the candidate cap), where a
 * linear list was searched once per posting. */
#define CAND_SLOTS (2 * MAX_CLAIM_CANDIDATES)
typedef struct cand_set {
    uint32_t slot[CAND_SLOTS];    /* index + 1; 0 = free */
    size_t n;
} cand_set;

static void cand_set_clear(cand_set *cs)
{
    memset(cs->slot, 0, sizeof cs->slot);
    cs->n = 0;
}

static size_t cand_home(uint32_t idx) { return (size_t)((idx * 0x9E3779B1u) >> 24) % CAND_SLOTS; }

static int cand_set_has(const cand_set *cs, uint32_t idx)
{
    for (size_t p = cand_home(idx);; p = (p + 1) % CAND_SLOTS) {
        if (cs->slot[p] == idx + 1) return 1;
        if (!cs->slot[p]) return 0;
    }
}

/* At most MAX_CLAIM_CANDIDATES entries, so the set is never full. */
static void cand_set_add(cand_set *cs, uint32_t idx)
{
    size_t p = cand_home(idx);
    while (cs->slot[p]) p = (p + 1) % CAND_SLOTS;
    cs->slot[p] = idx + 1;
    cs->n++;
}

static int claim_live(const ne_dedup_state *s, const dd_claim *c, uint32_t now)
{
    return c->ts + s->retention_s >= now;
}

void dd_claim_lookup(ne_dedup_state *s, const char *text, const char *article_id, dd_seen *out,
                     uint64_t *norm, uint32_t **tri, size_t *ntri, size_t *nmark)
{
    statement(&s->stmt, text, s->wordbuf, sizeof s->wordbuf, norm, tri, ntri, nmark);
    if (!*norm) return;
    uint32_t now = dd_now(s);
    size_t need = need_mul(*ntri);
    /* the query's trigrams as the stored claims keep them (16 bits) */
    ne_grow(&s->stmt.tmp, &s->stmt.captmp, *ntri, sizeof *s->stmt.tmp);
    uint32_t *q16 = s->stmt.tmp;
    const uint32_t *groups = *tri ? *tri + *ntri : NULL;   /* none without trigrams */
    for (size_t t = 0; t < *ntri; t++) q16[t] = (*tri)[t] >> 16;
    cmatch m = {0};
    for (int gi = 0; gi < 2; gi++) {
        const dd_cgen *g = &s->cgen[gi];
        if (!g->c) continue;
        dd_tab_it it;
        long i;
        dd_tab_find(&g->tab, key_norm(*norm), &it);
        while ((i = dd_tab_next(&it)) >= 0) {
            if ((uint32_t)i >= g->n) continue;
            const dd_claim *c = &g->c[i];
            if (c->norm != *norm || !claim_live(s, c, now)) continue;
            take(s, &m, gi, (uint32_t)i, own_claim(s, g, (uint32_t)i, article_id));
        }
        if (*ntri < MIN_TRIGRAMS) continue;
        cand_set seen;
        cand_set_clear(&seen);
        for (size_t t = 0; t < *ntri; t++) {
            dd_tab_find(&g->tab, key_tri((*tri)[t]), &it);
            size_t postings = 0;
            while ((i = dd_tab_next(&it)) >= 0 && postings++ < MAX_POSTINGS) {
                if ((uint32_t)i >= g->n) continue;
                /* each claim is verified once; the first MAX_CLAIM_CANDIDATES
                 * distinct ones are all there are */
                if (cand_set_has(&seen, (uint32_t)i)) continue;
                if (seen.n == MAX_CLAIM_CANDIDATES) break;
                cand_set_add(&seen, (uint32_t)i);
                const dd_claim *c = &g->c[i];
                if (!claim_live(s, c, now) || c->ntri == 0) continue;
                const unsigned char *ctri = (const unsigned char *)g->arena + c->blob;
                if (has_hits16(q16, *ntri, ctri, c->ntri, need) &&
                    groups_held(groups, *nmark, ctri, c->ntri, 16, u16_at))
                    take(s, &m, gi, (uint32_t)i, own_claim(s, g, (uint32_t)i, article_id));
            }
        }
    }
    if (!m.found) return;
    const dd_cgen *g = &s->cgen[m.gen];
    const dd_claim *c = &g->c[m.idx];
    out->is_new = m.self;
    out->at = c->at;
    out->ts = c->ts;
    out->norm = c->norm;
    out->article = ne_xstrdup(claim_article(g, m.idx));
}

static int arena_reserve(dd_cgen *g, size_t need)
{
    if (need <= g->acap) return 0;
    /* grown by a quarter (a big block grows in place or by remapping, not
     * copying): doubling left up to half of it unused, and it is counted */
    size_t nc = g->acap ? g->acap + g->acap / 4 : 65536;
    while (nc < need) nc += nc / 4;
    if (nc > UINT32_MAX) return -1;   /* blob offsets are 32-bit */
    g->arena = ne_xrealloc(g->arena, nc);
    g->acap = nc;
    return 0;
}

int dd_claim_insert(ne_dedup_state *s, uint64_t norm, const uint32_t *tri, size_t ntri,
                    uint32_t at, uint32_t ts, const char *article_id, const char *claim_id)
{
    dd_cgen *g = dd_cgen_for_insert(s);
    if (g->n >= g->cap || g->n > DD_IDX_MAX) return -1;
    if (g->n % 1024 == 0) {
        size_t want = (size_t)g->n + 1024;
        if (want > g->cap) want = g->cap;
        g->c = ne_xrealloc(g->c, want * sizeof *g->c);
    }
    if (ntri > 65535) ntri = 65535;
    (void)claim_id;   /* not kept: nothing reads it back */
    /* the article id once for an article's claims (they come one after
     * another): a later one points back to the claim holding it */
    uint32_t idx = g->n;
    uint32_t back = 0;
    if (idx > 0 && strcmp(claim_article(g, idx - 1), article_id) == 0) {
        back = 1u + g->c[idx - 1].back;
        if (back > UINT16_MAX) back = 0;
    }
    size_t al = back ? 0 : strlen(article_id) + 1;
    size_t off = g->alen;
    size_t need = off + 2 * ntri + al;
    if (arena_reserve(g, need)) return -1;
    for (size_t i = 0; i < ntri; i++) {
        uint16_t h = (uint16_t)(tri[i] >> 16);
        memcpy(g->arena + off + 2 * i, &h, 2);
    }
    if (al) memcpy(g->arena + off + 2 * ntri, article_id, al);
    g->alen = need;
    g->n++;
    dd_claim *c = &g->c[idx];
    memset(c, 0, sizeof *c);
    c->norm = norm;
    c->at = at;
    c->ts = ts;
    c->blob = (uint32_t)off;
    c->ntri = (uint16_t)ntri;
    c->back = (uint16_t)back;
    if (ts > g->newest_at) g->newest_at = ts;
    dd_tab_put(&g->tab, key_norm(norm), idx);
    size_t k = sampled_count(ntri);
    /* a lookup reads a trigram's first MAX_POSTINGS entries: a further one
     * would never be read, and would lengthen the trigram's run of buckets */
    for (size_t i = 0; i < k; i++) dd_tab_put_max(&g->tab, key_tri(tri[i]), idx, MAX_POSTINGS);
    return 0;
}

int dd_claim_known(const ne_dedup_state *s, uint64_t norm, const char *article_id)
{
    for (int gi = 0; gi < 2; gi++) {
        const dd_cgen *g = &s->cgen[gi];
        if (!g->c) continue;
        dd_tab_it it;
        long i;
        dd_tab_find(&g->tab, key_norm(norm), &it);
        while ((i = dd_tab_next(&it)) >= 0) {
            if ((uint32_t)i >= g->n || g->c[i].norm != norm) continue;
            if (strcmp(claim_article(g, (uint32_t)i), article_id) == 0) return 1;
        }
    }
    return 0;
}

double dd_tri_containment(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (na == 0) return 0;
    size_t i = 0, j = 0, hits = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) { hits++; i++; j++; }
        else if (a[i] < b[j]) i++;
        else j++;
    }
    return (double)hits / (double)na;
}

size_t dd_tri_need(size_t na)
{
    return na ? need_div(na) : 1;
}

int dd_tri_contained(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t need)
{
    if (na == 0) return 0;
    return has_hits(a, na, (const unsigned char *)b, nb, need);
}

int dd_tri_groups_held(const uint32_t *groups, size_t ngroups, const uint32_t *b, size_t nb)
{
    return groups_held(groups, ngroups, (const unsigned char *)b, nb, 0, u32_at);
}
