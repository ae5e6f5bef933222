/* dedup_gen — the storage under the dedup indexes: insert-only multimap
 * tables and two generations of entries.
 *
 * Why generations: the tables keep 4 bytes per key (8 bits of key
 * fingerprint + 24 bits of entry index) and never store the keys, which
 * is what keeps the index under 100 bytes per article. Without the keys
 * an entry cannot be deleted from a table, so eviction drops a whole
 * generation: inserts go to the current generation; when it holds
 * gen_cap = max_entries / 2 entries, the old one is freed and the current
 * one becomes old. The state therefore holds between max_entries / 2 and
 * max_entries articles, the oldest going first, and an old generation
 * whose newest entry is past the retention window is freed early. Lookups
 * also skip single entries past retention. */
#include "enrichers/dedup_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- tables ----------------------------------------------------------- */

/* Linear probing without wrap-around: the table has DD_TAB_PAD spare slots
 * after `size`, and a probe run that would leave them makes the table
 * full. Lookups scan 16 slots (one cache line) at a time as two bit masks
 * (empty slots, fingerprint matches) that the compiler vectorises, so a
 * run costs a cache line or two rather than a branch per slot. */
#define DD_TAB_PAD 1024
#define CHUNK 16

/* Big tables are mapped, not malloc'd, so they can use transparent huge
 * pages: a lookup touches random lines of a table of tens of MB, and 4 KB
 * pages would add a TLB miss to most of them. */
static uint32_t *table_alloc(size_t slots, size_t *bytes)
{
    *bytes = slots * sizeof(uint32_t);
    if (*bytes < (4u << 20)) return calloc(slots, sizeof(uint32_t));
    void *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
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
 * bytes. Inserts stop at 0.9. */
int dd_tab_init(dd_tab *t, size_t expected)
{
    size_t size = expected + expected / 4 + 64;
    if (size > UINT32_MAX / 2) size = UINT32_MAX / 2;
    size_t bytes;
    t->slot = table_alloc(size + DD_TAB_PAD, &bytes);
    if (!t->slot) return -1;
    t->size = (uint32_t)size;
    t->used = 0;
    t->limit = (uint32_t)(size - size / 10);
    return 0;
}

void dd_tab_free(dd_tab *t)
{
    table_release(t->slot, ((size_t)t->size + DD_TAB_PAD) * sizeof(uint32_t));
    memset(t, 0, sizeof *t);
}

/* Home slot from the low 32 bits (multiply-shift: no power-of-two size
 * needed), fingerprint from the top 8 bits: independent parts of the key. */
static uint32_t tab_home(const dd_tab *t, uint64_t key)
{
    return (uint32_t)(((key & 0xFFFFFFFFu) * (uint64_t)t->size) >> 32);
}

static uint32_t tab_fp(uint64_t key) { return (uint32_t)(key >> 56); }

int dd_tab_put(dd_tab *t, uint64_t key, uint32_t idx)
{
    if (!t->slot || t->used >= t->limit || idx > DD_IDX_MAX) return -1;
    uint32_t pos = tab_home(t, key), end = t->size + DD_TAB_PAD - 2 * CHUNK;
    while (pos < end && t->slot[pos]) pos++;
    if (pos == end) { t->limit = t->used; return -1; }
    t->slot[pos] = (tab_fp(key) << 24) | (idx + 1);
    t->used++;
    return 0;
}

void dd_tab_prefetch(const dd_tab *t, uint64_t key)
{
    if (t->slot) __builtin_prefetch(&t->slot[tab_home(t, key)]);
}

void dd_tab_find(const dd_tab *t, uint64_t key, dd_tab_it *it)
{
    it->t = t;
    it->fp = tab_fp(key);
    it->pos = t->slot ? tab_home(t, key) : 0;
    it->left = t->slot ? 1 : 0;
    it->mask = 0;
}

/* Bit k set where slot k of the 16 at sl is empty / holds fingerprint fp. */
static void chunk_masks(const uint32_t *sl, uint32_t fp, uint32_t *empty, uint32_t *match)
{
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128(), want = _mm_set1_epi32((int)fp);
    uint32_t e = 0, m = 0;
    for (int q = 0; q < 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(sl + 4 * q));
        __m128i is_empty = _mm_cmpeq_epi32(v, zero);
        __m128i is_fp = _mm_andnot_si128(is_empty, _mm_cmpeq_epi32(_mm_srli_epi32(v, 24), want));
        e |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(is_empty)) << (4 * q);
        m |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(is_fp)) << (4 * q);
    }
    *empty = e;
    *match = m;
#else
    uint32_t e = 0, m = 0;
    for (uint32_t k = 0; k < CHUNK; k++) {
        e |= (uint32_t)(sl[k] == 0) << k;
        m |= (uint32_t)((sl[k] >> 24) == fp && sl[k] != 0) << k;
    }
    *empty = e;
    *match = m;
#endif
}

/* Scans the chunk at it->pos: candidates before the first empty slot go
 * to it->mask; the run ends in this chunk when it has an empty slot.
 * (The padding after `size` keeps a whole chunk readable: a run never
 * starts within the last CHUNK slots of the padding, see dd_tab_put.) */
static void scan_chunk(dd_tab_it *it)
{
    const dd_tab *t = it->t;
    uint32_t empty, match;
    chunk_masks(t->slot + it->pos, it->fp, &empty, &match);
    if (it->pos + CHUNK >= t->size + DD_TAB_PAD - CHUNK) empty |= 1u << 15;   /* the table ends */
    if (empty) {
        match &= (1u << __builtin_ctz(empty)) - 1;
        it->left = 0;
    }
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
            return (long)(it->t->slot[it->base + (uint32_t)k] & 0xFFFFFFu) - 1;
        }
        if (!it->left) return -1;
        scan_chunk(it);
    }
}

/* ---- generations ------------------------------------------------------ */

void dd_agen_free(dd_agen *g)
{
    free(g->art);
    free(g->arena);
    dd_tab_free(&g->fp);
    dd_tab_free(&g->story);
    memset(g, 0, sizeof *g);
}

void dd_cgen_free(dd_cgen *g)
{
    free(g->c);
    free(g->arena);
    dd_tab_free(&g->tab);
    memset(g, 0, sizeof *g);
}

/* Expected story features per article when sizing the story table; an
 * article with more simply fills it sooner (the table refuses inserts
 * when full and stories then group on fewer features). */
#define STORY_KEYS_PER_ART 12
#define CLAIM_KEYS_PER_CLAIM 24

static int agen_init(dd_agen *g, uint32_t cap, uint64_t serial)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->serial = serial;
    /* Entries grow on demand; the tables are allocated whole (calloc: the
     * pages are only touched as they fill) because they cannot be rehashed
     * without their keys. */
    if (dd_tab_init(&g->fp, (size_t)cap * (2 + DD_BANDS)) ||
        dd_tab_init(&g->story, (size_t)cap * STORY_KEYS_PER_ART)) {
        dd_agen_free(g);
        return -1;
    }
    return 0;
}

static int cgen_init(dd_cgen *g, uint32_t cap, uint64_t serial)
{
    memset(g, 0, sizeof *g);
    g->cap = cap;
    g->serial = serial;
    if (dd_tab_init(&g->tab, (size_t)cap * CLAIM_KEYS_PER_CLAIM)) return -1;
    return 0;
}

/* A generation whose newest entry is older than the retention window
 * holds nothing a lookup may use. */
static int expired(const ne_dedup_state *s, uint32_t newest_at)
{
    uint32_t now = dd_now(s);
    return newest_at + s->retention_s < now;
}

dd_agen *dd_agen_for_insert(ne_dedup_state *s)
{
    dd_agen *old = &s->agen[0], *cur = &s->agen[1];
    if (old->fp.slot && expired(s, old->newest_at)) dd_agen_free(old);
    if (cur->fp.slot && (cur->n >= cur->cap || cur->fp.used >= cur->fp.limit ||
                         expired(s, cur->newest_at))) {
        dd_agen_free(old);
        *old = *cur;
        memset(cur, 0, sizeof *cur);
    }
    if (!cur->fp.slot && agen_init(cur, s->gen_cap, s->next_serial++)) return NULL;
    return cur;
}

dd_cgen *dd_cgen_for_insert(ne_dedup_state *s)
{
    dd_cgen *old = &s->cgen[0], *cur = &s->cgen[1];
    if (old->tab.slot && expired(s, old->newest_at)) dd_cgen_free(old);
    if (cur->tab.slot && (cur->n >= cur->cap || cur->tab.used + CLAIM_KEYS_PER_CLAIM * 4 >= cur->tab.limit ||
                          expired(s, cur->newest_at))) {
        dd_cgen_free(old);
        *old = *cur;
        memset(cur, 0, sizeof *cur);
    }
    if (!cur->tab.slot && cgen_init(cur, s->claim_gen_cap, s->next_serial++)) return NULL;
    return cur;
}
