/* dedup_gen — the storage under the dedup indexes: insert-only multimap
 * tables and two generations of entries.
 *
 * Why generations: the tables keep 4 bytes per key (a key fingerprint
 * and the entry index) and never store the keys, which
 * is what keeps the index under 100 bytes per article. Without the keys
 * an entry cannot be deleted from a table, so eviction drops a whole
 * generation: inserts go to the current generation; when it holds
 * gen_cap = max_entries / 2 entries, the old one is freed and the current
 * one becomes old. The state therefore holds between max_entries / 2 and
 * max_entries articles, the oldest going first, and an old generation
 * whose newest entry is past the retention window is freed early. Lookups
 * also skip single entries past retention. */
#include "enrichers/dedup/dedup_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- tables ----------------------------------------------------------- */

/* Bucketed linear probing: the slots form buckets of 16 (one 64-byte
 * line, aligned); a key's home is a bucket, and it goes to the first free
 * slot of its home bucket or, when that is full, of the next bucket with
 * room. The tables are insert-only, so the used slots of a bucket are a
 * prefix of it, and a lookup can stop at the first bucket that is not
 * full: one line per lookup for all but the keys of overflowed buckets
 * (at load 0.8, most lookups). A bucket is scanned as two bit masks
 * (empty slots, fingerprint matches) with SSE2. There is no wrap-around:
 * DD_TAB_PAD spare buckets follow the last home bucket, and an insert
 * that would run past them makes the table full. */
#define DD_TAB_PAD 8
#define CHUNK 16

/* Big tables are mapped, not malloc'd, so they can use transparent huge
 * pages: a lookup touches random lines of a table of tens of MB, and 4 KB
 * pages would add a TLB miss to most of them. Small ones are aligned to a
 * line so that a bucket is one line. Either way a failure aborts, as
 * common/xalloc.h does (the one out-of-memory policy). */
static uint32_t *table_alloc(size_t slots, size_t *bytes)
{
    *bytes = slots * sizeof(uint32_t);
    if (*bytes < (4u << 20)) {
        uint32_t *p = aligned_alloc(64, *bytes);
        if (!p) ne_oom(*bytes);
        memset(p, 0, *bytes);
        return p;
    }
    void *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) ne_oom(*bytes);
    madvise(p, *bytes, MADV_HUGEPAGE);
    return p;
}

static void table_release(uint32_t *p, size_t bytes)
{
    if (!p) return;
    if (bytes < (4u << 20)) free(p);
    else munmap(p, bytes);
}

/* Sized for a load of 0.8 at the expected number of keys: a key costs 5
 * bytes. Inserts stop at 0.9. A slot keeps just enough bits for indexes
 * up to max_idx and the rest for the key fingerprint: every fingerprint
 * bit halves the false candidates a lookup has to fetch an entry for. */
void dd_tab_init(dd_tab *t, size_t expected, uint32_t max_idx)
{
    uint32_t ibits = 1;
    while (ibits < 24 && (1u << ibits) - 1 < max_idx + 1) ibits++;
    size_t homes = (expected + expected / 4) / CHUNK + 1;
    if (homes > UINT32_MAX / (2 * CHUNK)) homes = UINT32_MAX / (2 * CHUNK);
    size_t bytes;
    t->slot = table_alloc((homes + DD_TAB_PAD) * CHUNK, &bytes);
    t->homes = (uint32_t)homes;
    t->size = (uint32_t)((homes + DD_TAB_PAD) * CHUNK);
    t->used = 0;
    t->limit = (uint32_t)(homes * CHUNK - homes * CHUNK / 10);
    t->ibits = ibits;
    t->imask = (1u << ibits) - 1;
}

void dd_tab_free(dd_tab *t)
{
    table_release(t->slot, (size_t)t->size * sizeof(uint32_t));
    memset(t, 0, sizeof *t);
}

/* Home bucket from the low 32 bits (multiply-shift: no power-of-two size
 * needed), fingerprint from the top 32 - ibits bits: independent parts of
 * the key. */
static uint32_t tab_home(const dd_tab *t, uint64_t key)
{
    return (uint32_t)(((key & 0xFFFFFFFFu) * (uint64_t)t->homes) >> 32);
}

static uint32_t tab_fp(const dd_tab *t, uint64_t key) { return (uint32_t)(key >> (32 + t->ibits)); }

/* Bit k set where slot k of the bucket at sl is empty. */
static inline uint32_t chunk_empty(const uint32_t *sl)
{
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    __m128i v0 = _mm_load_si128((const __m128i *)sl), v1 = _mm_load_si128((const __m128i *)(sl + 4));
    __m128i v2 = _mm_load_si128((const __m128i *)(sl + 8)), v3 = _mm_load_si128((const __m128i *)(sl + 12));
    __m128i e = _mm_packs_epi16(_mm_packs_epi32(_mm_cmpeq_epi32(v0, zero), _mm_cmpeq_epi32(v1, zero)),
                                _mm_packs_epi32(_mm_cmpeq_epi32(v2, zero), _mm_cmpeq_epi32(v3, zero)));
    return (uint32_t)_mm_movemask_epi8(e);
#else
    uint32_t e = 0;
    for (uint32_t k = 0; k < CHUNK; k++) e |= (uint32_t)(sl[k] == 0) << k;
    return e;
#endif
}

/* Bit k set where slot k of the bucket at sl is empty / holds fingerprint
 * fp. */
static inline __attribute__((always_inline)) void chunk_masks(const uint32_t *sl, uint32_t fp, uint32_t ibits, uint32_t *empty, uint32_t *match)
{
#ifdef __SSE2__
    /* compared in place (slot & ~imask == fp << ibits); the four 32-bit
     * lane masks are narrowed to bytes so one movemask yields 16 bits */
    const __m128i zero = _mm_setzero_si128();
    const __m128i hi = _mm_set1_epi32((int)~((1u << ibits) - 1));
    const __m128i want = _mm_set1_epi32((int)(fp << ibits));
    __m128i v0 = _mm_load_si128((const __m128i *)sl), v1 = _mm_load_si128((const __m128i *)(sl + 4));
    __m128i v2 = _mm_load_si128((const __m128i *)(sl + 8)), v3 = _mm_load_si128((const __m128i *)(sl + 12));
    __m128i e = _mm_packs_epi16(_mm_packs_epi32(_mm_cmpeq_epi32(v0, zero), _mm_cmpeq_epi32(v1, zero)),
                                _mm_packs_epi32(_mm_cmpeq_epi32(v2, zero), _mm_cmpeq_epi32(v3, zero)));
    __m128i m = _mm_packs_epi16(
        _mm_packs_epi32(_mm_cmpeq_epi32(_mm_and_si128(v0, hi), want), _mm_cmpeq_epi32(_mm_and_si128(v1, hi), want)),
        _mm_packs_epi32(_mm_cmpeq_epi32(_mm_and_si128(v2, hi), want), _mm_cmpeq_epi32(_mm_and_si128(v3, hi), want)));
    *empty = (uint32_t)_mm_movemask_epi8(e);
    *match = (uint32_t)_mm_movemask_epi8(m) & ~*empty;   /* fingerprint 0 matches empty slots */
#else
    uint32_t e = 0, m = 0;
    for (uint32_t k = 0; k < CHUNK; k++) {
        e |= (uint32_t)(sl[k] == 0) << k;
        m |= (uint32_t)((sl[k] >> ibits) == fp && sl[k] != 0) << k;
    }
    *empty = e;
    *match = m;
#endif
}

/* The slots of buckets [from, to] matching key's fingerprint, counted up
 * to max. */
static uint32_t count_matches(const dd_tab *t, uint64_t key, uint32_t from, uint32_t to, uint32_t max)
{
    uint32_t fp = tab_fp(t, key), n = 0;
    for (uint32_t b = from; b <= to; b++) {
        uint32_t empty, match;
        chunk_masks(t->slot + (size_t)b * CHUNK, fp, t->ibits, &empty, &match);
        for (; match; match &= match - 1)
            if (++n >= max) return n;
    }
    return n;
}

int dd_tab_put(dd_tab *t, uint64_t key, uint32_t idx)
{
    return dd_tab_put_max(t, key, idx, UINT32_MAX);
}

/* The buckets the put passes (full ones, then the first with room) are
 * the ones a lookup of the key scans, so their matches are what
 * dd_tab_next() would yield. They are counted only when there are enough
 * of them to hold max (a key's home bucket has room, as a rule). */
int dd_tab_put_max(dd_tab *t, uint64_t key, uint32_t idx, uint32_t max)
{
    if (!t->slot || t->used >= t->limit || idx >= t->imask) return -1;
    uint32_t nb = t->size / CHUNK, home = tab_home(t, key), b = home;
    while (b < nb && t->slot[(size_t)b * CHUNK + CHUNK - 1]) b++;   /* full: the key overflows */
    if (b == nb) {
        t->limit = t->used;
        return -1;
    }
    if (b - home + 1 >= max / CHUNK && count_matches(t, key, home, b, max) >= max) return 1;
    uint32_t *sl = t->slot + (size_t)b * CHUNK;
    sl[__builtin_ctz(chunk_empty(sl))] = (tab_fp(t, key) << t->ibits) | (idx + 1);
    t->used++;
    return 0;
}

void dd_tab_prefetch(const dd_tab *t, uint64_t key)
{
    if (t->slot) __builtin_prefetch(&t->slot[(size_t)tab_home(t, key) * CHUNK]);
}

void dd_tab_find(const dd_tab *t, uint64_t key, dd_tab_it *it)
{
    it->t = t;
    it->fp = t->slot ? tab_fp(t, key) : 0;
    it->pos = t->slot ? tab_home(t, key) * CHUNK : 0;
    it->left = t->slot ? 1 : 0;
    it->mask = 0;
}

/* Scans the bucket at it->pos: its candidates go to it->mask; the probe
 * ends with it unless it is full (and not the table's last). */
static void scan_chunk(dd_tab_it *it)
{
    const dd_tab *t = it->t;
    uint32_t empty, match;
    chunk_masks(t->slot + it->pos, it->fp, t->ibits, &empty, &match);
    it->left = !empty && it->pos + CHUNK < t->size;
    it->mask = match;
    it->base = it->pos;
    it->pos += CHUNK;
}

long dd_tab_next(dd_tab_it *it)
{
    for (;;) {
        if (it->mask) {
            int k = __builtin_ctz(it->mask);
            it->mask &= it->mask - 1;
            return (long)(it->t->slot[it->base + (uint32_t)k] & it->t->imask) - 1;
        }
        if (!it->left) return -1;
        scan_chunk(it);
    }
}

/* ---- segmented tables ------------------------------------------------- */

void dd_segtab_init(dd_segtab *t, size_t expected, uint32_t max_idx)
{
    memset(t, 0, sizeof *t);
    t->max_idx = max_idx;
    dd_segtab_grow(t, expected);   /* the first of DD_SEGTAB_MAX: it cannot refuse */
}

void dd_segtab_free(dd_segtab *t)
{
    for (uint32_t i = 0; i < t->nseg; i++) dd_tab_free(&t->seg[i]);
    memset(t, 0, sizeof *t);
}

int dd_segtab_grow(dd_segtab *t, size_t expected)
{
    if (t->nseg >= DD_SEGTAB_MAX) return -1;
    dd_tab_init(&t->seg[t->nseg], expected, t->max_idx);
    t->nseg++;
    return 0;
}

int dd_segtab_has_room(const dd_segtab *t, uint32_t n)
{
    if (!t->nseg) return 0;
    const dd_tab *last = &t->seg[t->nseg - 1];
    return last->used + n < last->limit;
}

/* What a lookup of key in t yields, counted up to max. */
static uint32_t tab_count(const dd_tab *t, uint64_t key, uint32_t max)
{
    dd_tab_it it;
    dd_tab_find(t, key, &it);
    uint32_t n = 0;
    while (n < max && dd_tab_next(&it) >= 0) n++;
    return n;
}

/* The earlier segments' postings are counted by a lookup (one line each,
 * as a rule); the last segment counts its own as dd_tab_put_max does. */
int dd_segtab_put_max(dd_segtab *t, uint64_t key, uint32_t idx, uint32_t max)
{
    if (!t->nseg) return -1;
    uint32_t n = 0;
    for (uint32_t i = 0; i + 1 < t->nseg && n < max; i++) n += tab_count(&t->seg[i], key, max - n);
    if (n >= max) return 1;
    return dd_tab_put_max(&t->seg[t->nseg - 1], key, idx, max - n);
}

size_t dd_segtab_used(const dd_segtab *t)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->nseg; i++) n += t->seg[i].used;
    return n;
}

size_t dd_segtab_slots(const dd_segtab *t)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->nseg; i++) n += t->seg[i].size;
    return n;
}

void dd_segtab_find(const dd_segtab *t, uint64_t key, dd_segtab_it *it)
{
    it->t = t;
    it->key = key;
    it->seg = 0;
    if (t->nseg) dd_tab_find(&t->seg[0], key, &it->it);
    else it->it.left = it->it.mask = 0;
}

long dd_segtab_next(dd_segtab_it *it)
{
    for (;;) {
        if (it->seg >= it->t->nseg) return -1;
        long i = dd_tab_next(&it->it);
        if (i >= 0) return i;
        if (++it->seg < it->t->nseg) dd_tab_find(&it->t->seg[it->seg], it->key, &it->it);
    }
}

/* ---- generations ------------------------------------------------------ */

void dd_agen_free(dd_agen *g)
{
    free(g->art);
    free(g->arena);
    dd_tab_free(&g->fp);
    dd_segtab_free(&g->story);
    memset(g, 0, sizeof *g);
}

void dd_cgen_free(dd_cgen *g)
{
    free(g->c);
    free(g->arena);
    dd_tab_free(&g->tab);
    memset(g, 0, sizeof *g);
}

/* Story features per article the story table's first segment is sized
 * for. PolNeAR articles have 19.6 on average (at most DD_FEAT_MAX), but a
 * feature past its STORY_MAX_POSTINGS in a generation is not posted
 * (dedup.c), so a PolNeAR-like stream, whose articles share their common
 * features, posts ~11-13 an article. A stream that posts more fills the
 * segment and gets another (story_make_room). */
#define STORY_KEYS_FIRST 12

/* Makes room in g's story table for one more article's features. When
 * the last segment is full, adds one sized for the generation's remaining
 * entries at the mean rate posted so far, an eighth more and some spare.
 * -1 when the table may not grow: the generation then rotates, as it does
 * when the fingerprint table fills, since an article whose features were
 * refused could never be found as a story candidate. */
static int story_make_room(dd_agen *g)
{
    if (dd_segtab_has_room(&g->story, DD_FEAT_MAX)) return 0;
    size_t left = g->cap > g->n ? g->cap - g->n : 0;
    size_t used = dd_segtab_used(&g->story);
    size_t keys = g->n ? (left * used + g->n - 1) / g->n : left * STORY_KEYS_FIRST;
    return dd_segtab_grow(&g->story, keys + keys / 8 + 16 * (size_t)DD_FEAT_MAX);
}

static void agen_init(dd_agen *g, uint32_t cap, uint64_t serial)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->serial = serial;
    /* Entries grow on demand; the fingerprint table is allocated whole
     * (every article posts the same keys) because it cannot be rehashed
     * without its keys; the story table grows by segments. */
    dd_tab_init(&g->fp, (size_t)cap * DD_FP_KEYS, cap - 1);
    dd_segtab_init(&g->story, (size_t)cap * STORY_KEYS_FIRST, cap - 1);
}

static void cgen_init(dd_cgen *g, uint32_t cap, uint64_t serial)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->serial = serial;
    /* sized for the mean keys a claim posts; a generation whose table
     * cannot take the most one claim posts rotates (dd_cgen_for_insert) */
    dd_tab_init(&g->tab, (size_t)cap * DD_CLAIM_KEYS_MEAN, cap - 1);
}

/* A generation whose newest entry is older than the retention window
 * holds nothing a lookup may use. */
static int expired(const ne_dedup_state *s, uint32_t newest_at, uint32_t now)
{
    return newest_at + s->retention_s < now;
}

dd_agen *dd_agen_for_insert(ne_dedup_state *s)
{
    dd_agen *old = &s->agen[0], *cur = &s->agen[1];
    uint32_t now = dd_now(s);
    if (old->fp.slot && expired(s, old->newest_at, now)) dd_agen_free(old);
    if (cur->fp.slot && (cur->n >= cur->cap || cur->fp.used + DD_FP_KEYS > cur->fp.limit ||
                         expired(s, cur->newest_at, now) || story_make_room(cur) != 0)) {
        dd_agen_free(old);
        *old = *cur;
        memset(cur, 0, sizeof *cur);
    }
    if (!cur->fp.slot) agen_init(cur, s->gen_cap, s->next_serial++);
    return cur;
}

dd_cgen *dd_cgen_for_insert(ne_dedup_state *s)
{
    dd_cgen *old = &s->cgen[0], *cur = &s->cgen[1];
    uint32_t now = dd_now(s);
    if (old->tab.slot && expired(s, old->newest_at, now)) dd_cgen_free(old);
    if (cur->tab.slot && (cur->n >= cur->cap || cur->tab.used + DD_CLAIM_KEYS_MAX >= cur->tab.limit ||
                          expired(s, cur->newest_at, now))) {
        dd_cgen_free(old);
        *old = *cur;
        memset(cur, 0, sizeof *cur);
    }
    if (!cur->tab.slot) cgen_init(cur, s->claim_gen_cap, s->next_serial++);
    return cur;
}
