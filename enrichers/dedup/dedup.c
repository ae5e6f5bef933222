/* dedup — the stage: decisions over the article index, story grouping,
 * and the glue to claim novelty and the changelog. Design, record format
 * and the race window between instances: enrichers/dedup/DEDUP.md. */
#include "enrichers/dedup/dedup.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "enrichers/dedup/dedup_int.h"

/* Below this many shingles a text is too short for a similarity estimate:
 * only exact matches count. */
#define MIN_SHINGLES_NEAR 8
/* Articles more than this far apart in time are never one story. */
#define STORY_WINDOW_S (72u * 3600u)
/* A story feature carried by more stored articles than this says nothing
 * about which event an article is about ("Trump" in 2016): it is not used
 * to find candidates. */
#define STORY_MAX_POSTINGS 64
#define MAX_CANDIDATES 64
/* A key of the fingerprint table (a band, a URL, a body) takes at most
 * this many entries of a generation; a further article is not posted
 * under it. That bounds every lookup: a template ("Shares of X rose N
 * percent", the tests' synthetic articles) puts thousands of articles
 * under the same bands, and each new one walked them all (the offline
 * chain fell to 602 articles/s over 33,000 such articles, 86 % of it in
 * dedup). An article whose band 0 is full is posted under its body key
 * instead, so that exact copies and redeliveries are still found (see
 * body_postings()). */
#define FP_MAX_POSTINGS 64

/* Salts that keep the kinds of keys apart in the shared tables. */
#define SALT_URL   0x2000000000000000ULL
#define SALT_BAND  0x3000000000000000ULL
#define SALT_STORY 0x4000000000000000ULL
#define SALT_BODY  0x5000000000000000ULL
#define SALT_ID    0x6000000000000000ULL

enum { FEAT_ENTITY = 0, FEAT_WORD = 1, FEAT_CLAIM = 2 };

static int64_t wall_clock(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

uint32_t dd_now(const ne_dedup_state *s)
{
    int64_t t = s->clock(s->clock_ctx);
    return t > 0 ? (uint32_t)t : 0;
}

void ne_dedup_set_clock(ne_dedup_state *s, int64_t (*now)(void *ctx), void *ctx)
{
    s->clock = now ? now : wall_clock;
    s->clock_ctx = now ? ctx : NULL;
}

/* ---- create / destroy ------------------------------------------------- */

/* Entries per generation for a cap on the state: two generations of at
 * most DD_IDX_MAX entries each. */
static uint32_t gen_cap_for(long max)
{
    if (max > 2L * DD_IDX_MAX) max = 2L * DD_IDX_MAX;
    return (uint32_t)(max / 2 > 0 ? max / 2 : 1);
}

void *ne_dedup_create(const ne_config *cfg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    ne_dedup_state *s = ne_xcalloc(1, sizeof *s);
    s->enabled = cfg->dedup.enabled;
    s->threshold = cfg->dedup.near_threshold;
    s->retention_s = (uint32_t)cfg->dedup.retention_hours * 3600u;
    s->gen_cap = gen_cap_for(cfg->dedup.max_entries);
    s->claim_gen_cap = gen_cap_for(cfg->dedup.max_claims);
    s->story_window_s = STORY_WINDOW_S;
    s->next_serial = 1;
    s->clock = wall_clock;
    s->hint = ne_xcalloc(DD_HINT_SLOTS, sizeof *s->hint);
    return s;
}

static void seen_clear(ne_dedup_state *s)
{
    for (size_t i = 0; i < s->nseen; i++) {
        free(s->seen[i].article);
        free(s->seen[i].tri);
    }
    s->nseen = 0;
}

void ne_dedup_destroy(void *state)
{
    ne_dedup_state *s = state;
    if (!s) return;
    for (int i = 0; i < 2; i++) {
        dd_agen_free(&s->agen[i]);
        dd_cgen_free(&s->cgen[i]);
    }
    dd_scratch_free(&s->sc);
    dd_stmt_scratch_free(&s->stmt);
    seen_clear(s);
    free(s->seen);
    dd_rec_free(s);
    free(s->hint);
    free(s);
}

/* ---- article entries -------------------------------------------------- */

/* The story id is looked for only when it differs from the id (a joined
 * story): the record keeps no id length, strlen() finds it. */
dd_blobv dd_art_blob(const dd_agen *g, const dd_art *a)
{
    const unsigned char *p = (const unsigned char *)g->arena + a->blob;
    dd_blobv v;
    uint16_t counts;
    memcpy(&v.pub, p, 4);
    memcpy(&v.nsh, p + 4, 2);
    memcpy(&counts, p + 6, 2);
    v.nkind[0] = counts & 31;
    v.nkind[1] = counts >> 5 & 31;
    v.nkind[2] = counts >> 10 & 31;
    v.nfeat = (uint8_t)(v.nkind[0] + v.nkind[1] + v.nkind[2]);
    v.feats = p + DD_BLOB_HDR;
    v.id = (const char *)v.feats + (size_t)DD_FEAT_BYTES * v.nfeat;
    v.story = counts >> 15 ? v.id + strlen(v.id) + 1 : v.id;
    return v;
}

/* Grown by an eighth (a big block grows in place or by remapping, not by
 * copying): doubling left up to half of it unused, and it is counted. */
static int arena_reserve(char **arena, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap + *cap / 8 : 65536;
    while (nc < need) nc += nc / 8;
    if (nc > UINT32_MAX) return -1;   /* blob offsets are 32-bit */
    *arena = ne_xrealloc(*arena, nc);
    *cap = nc;
    return 0;
}

static uint64_t key_url(uint32_t url) { return ne_fmix64(url ^ SALT_URL); }
static uint64_t key_band(size_t b, uint32_t band) { return ne_fmix64((band ^ SALT_BAND) + (b << 40)); }
static uint64_t key_story(uint32_t feat) { return ne_fmix64(feat ^ SALT_STORY); }
static uint64_t key_body(uint64_t body) { return ne_fmix64(body ^ SALT_BODY); }
static uint64_t key_id(const char *id) { return ne_fmix64(dd_hash_str('d', id) ^ SALT_ID); }

/* The fingerprint-table keys of an article, hashed once per decision. */
typedef struct fp_keys {
    uint64_t band[DD_BANDS];
    uint64_t url, id;
} fp_keys;

static void keys_of(const dd_fp *fp, const char *id, fp_keys *k)
{
    for (size_t b = 0; b < DD_BANDS; b++) k->band[b] = key_band(b, fp->band[b]);
    k->url = fp->url ? key_url(fp->url) : 0;
    k->id = key_id(id);
}

/* The entries posted under key in the fingerprint table t, into out: the
 * first FP_MAX_POSTINGS the table yields. Those are all there are: the
 * table yields a key's entries in the order they were put (nothing is
 * deleted, a put takes the first free slot of the probe), and
 * dd_art_insert() posts no more once FP_MAX_POSTINGS are there
 * (dd_tab_put_max). A slot fingerprint shared with another key counts
 * too, at insert and here alike. Returns how many; FP_MAX_POSTINGS means
 * the key is full. */
static size_t fp_postings(const dd_tab *t, uint64_t key, uint32_t *out)
{
    dd_tab_it it;
    dd_tab_find(t, key, &it);
    size_t n = 0;
    long i;
    while (n < FP_MAX_POSTINGS && (i = dd_tab_next(&it)) >= 0) out[n++] = (uint32_t)i;
    return n;
}

/* The entries of generation g that can hold fp's body: those under band 0
 * (equal words, equal bands) and, when band 0 is full, those under the
 * body key, where an article goes whose band 0 was full when it was
 * stored. Returns how many went to out. */
static size_t body_postings(const dd_agen *g, const dd_fp *fp, const fp_keys *k,
                            uint32_t out[2 * FP_MAX_POSTINGS])
{
    size_t n = fp_postings(&g->fp, k->band[0], out);
    if (n == FP_MAX_POSTINGS) n += fp_postings(&g->fp, key_body(fp->body), out + n);
    return n;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* An exact copy shares every band with its original, so it is looked up
 * under band 0 (or the body key, body_postings()) and compared by the
 * entry's 32 bits of body hash and its sketch (DD_FP_KEYS). Features of a kind
 * this version does not make (none yet: a newer writer's, through the
 * changelog) are dropped: no query of ours could match them. */
int dd_art_insert(ne_dedup_state *s, const dd_fp *fp, uint32_t at, uint32_t pub,
                  const char *id, const char *story, const uint32_t *feats, size_t nfeat)
{
    dd_agen *g = dd_agen_for_insert(s);
    if (g->n >= g->cap || g->n > DD_IDX_MAX) return -1;
    if (g->n % 4096 == 0) {
        size_t want = (size_t)g->n + 4096;
        if (want > g->cap) want = g->cap;
        g->art = ne_xrealloc(g->art, want * sizeof *g->art);
    }
    uint32_t sorted[DD_FEAT_MAX];
    size_t ns = 0;
    for (size_t i = 0; i < nfeat && ns < DD_FEAT_MAX; i++)
        if ((feats[i] >> 30) < DD_FEAT_KINDS) sorted[ns++] = feats[i];
    qsort(sorted, ns, sizeof sorted[0], cmp_u32);
    size_t id_len = strlen(id);
    int has_story = story && strcmp(story, id) != 0;
    size_t story_len = has_story ? strlen(story) : 0;
    size_t off = g->alen, strs = id_len + 1 + (has_story ? story_len + 1 : 0);
    if (arena_reserve(&g->arena, &g->acap, off + DD_BLOB_HDR + ns * DD_FEAT_BYTES + strs)) return -1;
    uint32_t idx = g->n;

    /* Story features are posted first: the arena keeps only those the
     * table did not take, a feature already posted more than
     * STORY_MAX_POSTINGS times in this generation (or a full table).
     * find_story() counts a candidate's shared features from the postings
     * and from those, so every feature still counts in the overlap, and a
     * posted one costs its 4-byte slot only, not 3 more bytes here.
     * Not posting past STORY_MAX_POSTINGS: such a feature finds no
     * candidates (find_story() passes over it), so a further posting would
     * only be read for counting, which the arena does in 3 bytes. It also
     * bounds a common feature's run of full buckets ("Trump" in every
     * other article): a run that reached the table's end made it full, and
     * the generation rotated, after ~15,000 PolNeAR-like articles instead
     * of max_entries / 2. */
    uint32_t kept[DD_FEAT_MAX];
    size_t nk = 0;
    for (size_t i = 0; i < ns; i++)
        if (dd_segtab_put_max(&g->story, key_story(sorted[i]), idx, STORY_MAX_POSTINGS + 1) != 0)
            kept[nk++] = sorted[i];
    uint16_t counts = 0;
    for (size_t i = 0; i < nk; i++) counts = (uint16_t)(counts + (1u << (5 * (kept[i] >> 30))));
    counts |= (uint16_t)(has_story << 15);
    unsigned char *p = (unsigned char *)g->arena + off;
    uint16_t nsh = (uint16_t)fp->nsh;
    memcpy(p, &pub, 4);
    memcpy(p + 4, &nsh, 2);
    memcpy(p + 6, &counts, 2);
    for (size_t i = 0; i < nk; i++) dd_feat_put(p + DD_BLOB_HDR + DD_FEAT_BYTES * i, kept[i]);
    char *str = (char *)p + DD_BLOB_HDR + nk * DD_FEAT_BYTES;
    memcpy(str, id, id_len);
    str[id_len] = '\0';
    if (has_story) memcpy(str + id_len + 1, story, story_len + 1);
    g->alen = off + DD_BLOB_HDR + nk * DD_FEAT_BYTES + strs;

    dd_art *a = &g->art[idx];
    memcpy(a->sketch, fp->sketch, sizeof a->sketch);
    a->body = (uint32_t)fp->body;
    a->at = at;
    a->blob = (uint32_t)off;
    g->n++;
    if (at > g->newest_at) g->newest_at = at;

    /* a full table only costs recall: the generation rotates at the next
     * insert. A full key (FP_MAX_POSTINGS) is passed over; band 0's place
     * is then taken by the body key, so the table still holds at most
     * DD_FP_KEYS slots per article. */
    fp_keys k;
    keys_of(fp, id, &k);
    /* the id key finds this article's next version (an update); the id is
     * compared in full there, so the slot's fingerprint only narrows */
    dd_tab_put_max(&g->fp, k.id, idx, FP_MAX_POSTINGS);
    if (fp->url) dd_tab_put_max(&g->fp, k.url, idx, FP_MAX_POSTINGS);
    for (size_t i = 0; i < DD_BANDS; i++)
        if (dd_tab_put_max(&g->fp, k.band[i], idx, FP_MAX_POSTINGS) == 1 && i == 0)
            dd_tab_put_max(&g->fp, key_body(fp->body), idx, FP_MAX_POSTINGS);
    return 0;
}

/* ---- candidates ------------------------------------------------------- */

typedef struct cand {
    int gen;
    uint32_t idx;
} cand;

/* Entry (gi, idx) was stored before the self entry (a redelivery is
 * judged against what existed when it was first processed). */
static int before_self(const ne_dedup_state *s, int gi, uint32_t idx)
{
    if (!s->self_found) return 1;
    if (s->agen[gi].serial != s->agen[s->self_gen].serial)
        return s->agen[gi].serial < s->agen[s->self_gen].serial;
    return idx < s->self_idx;
}

/* The checks that need only the entry come first; the id comparison
 * reads the arena, another cache line. */
static int usable(const ne_dedup_state *s, int gi, uint32_t idx, const char *doc_id, uint32_t now)
{
    const dd_agen *g = &s->agen[gi];
    if (idx >= g->n) return 0;
    const dd_art *a = &g->art[idx];
    if (a->at + s->retention_s < now) return 0;
    if (!before_self(s, gi, idx)) return 0;
    return strcmp(dd_art_blob(g, a).id, doc_id) != 0;
}

/* Older first: generation serial, then position. */
static int older(const ne_dedup_state *s, cand a, cand b)
{
    if (s->agen[a.gen].serial != s->agen[b.gen].serial)
        return s->agen[a.gen].serial < s->agen[b.gen].serial;
    return a.idx < b.idx;
}

static int sketch_equal(const dd_agen *g, const dd_art *a, const dd_fp *fp)
{
    return memcmp(a->sketch, fp->sketch, sizeof a->sketch) == 0 &&
           dd_art_blob(g, a).nsh == (uint16_t)fp->nsh;
}

static double art_similarity(const dd_agen *g, const dd_art *a, const dd_fp *fp)
{
    uint16_t nsh = dd_art_blob(g, a).nsh;
    if (nsh < MIN_SHINGLES_NEAR) return 0;
    return dd_similarity(dd_sketch_jaccard(fp, a->sketch), fp->nsh, nsh);
}

/* Whether a stored sketch can reach the near threshold at all, from the
 * entry alone (the shingle counts are in the arena, another cache line):
 * dd_similarity() is at most max(J, 3J / (1 + J)) = 3J / (1 + J), the
 * containment of a text at least half the other's size. Unrelated
 * candidates (a fingerprint collision in the table, a shared band of a
 * different text) stop here. */
static int sketch_may_reach(const ne_dedup_state *s, const dd_fp *fp, const uint32_t *sketch)
{
    double j = dd_sketch_jaccard(fp, sketch);
    return 3.0 * j / (1.0 + j) + 1e-9 >= s->threshold;
}

typedef struct decision {
    int      status;
    cand     of;
    double   sim;
} decision;

/* Keeps `c` when it beats the current decision: an exact match over a
 * near one, then the higher similarity, then the older entry. */
static void consider(const ne_dedup_state *s, decision *d, int status, cand c, double sim)
{
    if (status == NE_DEDUP_UNIQUE) return;
    if (d->status == NE_DEDUP_UNIQUE || status > d->status ||
        (status == d->status && (sim > d->sim + 1e-9 || (fabs(sim - d->sim) <= 1e-9 && older(s, c, d->of))))) {
        d->status = status;
        d->of = c;
        d->sim = sim;
    }
}

/* The stored articles a lookup has already judged, by (generation,
 * index): an open-addressing set where a linear list was searched once
 * per posting. Judging an article again could not change the result (the
 * same score never beats the best strictly), so the cap only bounds work. */
#define CAND_SEEN_MAX (MAX_CANDIDATES * 2)
#define CAND_SEEN_SLOTS (2 * CAND_SEEN_MAX)
typedef struct cand_seen {
    uint32_t slot[CAND_SEEN_SLOTS];   /* (gen << 24 | idx) + 1; 0 = free */
    size_t n;
} cand_seen;

static uint32_t cand_seen_key(cand c) { return ((uint32_t)c.gen << 24 | c.idx) + 1; }
static size_t cand_seen_home(uint32_t k) { return (size_t)((k * 0x9E3779B1u) >> 24) % CAND_SEEN_SLOTS; }

/* Adds c; 0 when it was there already. Past CAND_SEEN_MAX entries
 * nothing is added (and 1 returned). */
static int cand_seen_add(cand_seen *ss, cand c)
{
    uint32_t k = cand_seen_key(c);
    size_t p = cand_seen_home(k);
    for (; ss->slot[p]; p = (p + 1) % CAND_SEEN_SLOTS)
        if (ss->slot[p] == k) return 0;
    if (ss->n < CAND_SEEN_MAX) {
        ss->slot[p] = k;
        ss->n++;
    }
    return 1;
}

/* The newest of two candidates (an update names the version it follows). */
static int newer(const ne_dedup_state *s, cand a, cand b) { return older(s, b, a); }

/* Entry (gi, idx) holds fp's normalised body (the exact test). */
static int same_body(const dd_agen *g, uint32_t idx, const dd_fp *fp)
{
    return g->art[idx].body == (uint32_t)fp->body && sketch_equal(g, &g->art[idx], fp);
}

/* An update: a stored earlier version of this article, by id or by
 * canonical URL, whose normalised body differs. By id the match is certain
 * (the id is compared in full), whatever the texts; by URL the entry keeps
 * only the table slot's 12-bit fingerprint of the key, so a text at least
 * dedup.near_threshold similar confirms it (a random entry sharing the
 * slot fingerprint is ~0 similar) and a URL reused for another text stays
 * unique. An identical body under another id was taken as exact before
 * this is asked; under the same id it is this article (a redelivery), so
 * the rule for redeliveries holds: only entries stored before it count.
 * The newest version wins. Returns 1 with *u and *sim set. */
static int find_update(const ne_dedup_state *s, const dd_fp *fp, const fp_keys *k, const char *id, uint32_t now,
                       cand *u, double *sim)
{
    int found = 0;
    for (int gi = 0; gi < 2; gi++) {
        const dd_agen *g = &s->agen[gi];
        if (!g->art) continue;
        uint32_t post[FP_MAX_POSTINGS];
        size_t np = fp_postings(&g->fp, k->id, post);
        for (size_t j = 0; j < np; j++) {
            cand c = {gi, post[j]};
            if (c.idx >= g->n || g->art[c.idx].at + s->retention_s < now || !before_self(s, gi, c.idx)) continue;
            if (same_body(g, c.idx, fp) || strcmp(dd_art_blob(g, &g->art[c.idx]).id, id) != 0) continue;
            if (!found || newer(s, c, *u)) {
                *u = c;
                *sim = art_similarity(g, &g->art[c.idx], fp);
                found = 1;
            }
        }
        if (!fp->url || fp->nsh < MIN_SHINGLES_NEAR) continue;
        np = fp_postings(&g->fp, k->url, post);
        for (size_t j = 0; j < np; j++) {
            cand c = {gi, post[j]};
            if (!usable(s, gi, c.idx, id, now) || same_body(g, c.idx, fp)) continue;
            double sm = art_similarity(g, &g->art[c.idx], fp);
            if (sm >= s->threshold && (!found || newer(s, c, *u))) {
                *u = c;
                *sim = sm;
                found = 1;
            }
        }
    }
    return found;
}

/* A template's articles share all their bands: once its bands are full,
 * a new article of it is compared with the first FP_MAX_POSTINGS of them
 * only. */
static void find_near(const ne_dedup_state *s, const dd_fp *fp, const fp_keys *k, const char *id, uint32_t now,
                      decision *d)
{
    if (fp->nsh < MIN_SHINGLES_NEAR) return;
    cand_seen seen;
    memset(&seen, 0, sizeof seen);
    for (int gi = 0; gi < 2; gi++) {
        const dd_agen *g = &s->agen[gi];
        if (!g->art) continue;
        for (size_t b = 0; b < DD_BANDS; b++) {
            uint32_t post[FP_MAX_POSTINGS];
            size_t np = fp_postings(&g->fp, k->band[b], post);
            for (size_t j = 0; j < np; j++) {
                cand c = {gi, post[j]};
                if (!cand_seen_add(&seen, c)) continue;
                if (c.idx >= g->n || !sketch_may_reach(s, fp, g->art[c.idx].sketch)) continue;
                if (!usable(s, gi, c.idx, id, now)) continue;
                double sim = art_similarity(g, &g->art[c.idx], fp);
                if (sim >= s->threshold) consider(s, d, NE_DEDUP_NEAR, c, sim);
            }
        }
    }
}

static const char *cand_id(const ne_dedup_state *s, cand c)
{
    const dd_agen *g = &s->agen[c.gen];
    return dd_art_blob(g, &g->art[c.idx]).id;
}

static const char *cand_story(const ne_dedup_state *s, cand c)
{
    const dd_agen *g = &s->agen[c.gen];
    return dd_art_blob(g, &g->art[c.idx]).story;
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = ne_xstrdup(src);
}

/* ---- the early half --------------------------------------------------- */

int ne_dedup_process(void *state, ne_doc *doc)
{
    ne_dedup_state *s = state;
    dd_rec_clear(s);
    seen_clear(s);
    s->have_fp = 0;
    s->self_found = 0;
    s->claim_self_from = 0;
    s->min_proc_at = 0;
    s->key_versioned = 0;
    doc->dedup.status = NE_DEDUP_UNIQUE;
    doc->dedup.similarity = 0.0;
    set_str(&doc->dedup.duplicate_of, NULL);
    set_str(&doc->dedup.story_id, doc->id);
    if (!s->enabled) return 0;
    dd_fingerprint(&s->sc, doc->body, doc->body_len, doc->url, &s->fp);
    s->have_fp = 1;
    if (s->fp.nsh == 0) return 0;

    dd_result r;
    dd_decide(s, &s->fp, doc->id, &r);
    if (r.status == NE_DEDUP_UNIQUE) return 0;
    if (r.status == NE_DEDUP_UPDATE && strcmp(r.duplicate_of, doc->id) == 0) {
        /* a new version under the same id: the earlier version's claims
         * carry this id too, and are not this article's own (see
         * claim_self_from); its record keeps its own key */
        s->key_versioned = 1;
        s->claim_self_from = s->self_found ? s->agen[s->self_gen].art[s->self_idx].at : UINT32_MAX;
        s->min_proc_at = r.of_at + 1;
    }
    doc->dedup.status = (enum ne_dedup_status)r.status;
    doc->dedup.similarity = r.similarity;
    set_str(&doc->dedup.duplicate_of, r.duplicate_of);
    set_str(&doc->dedup.story_id, r.story);
    return 0;
}

/* The hint slot of a body's bytes (body_bytes = dd_hash_block() of them),
 * and what it holds for the article `id`: the hash's top 32 bits above the
 * id's hash. The bytes, not the words: a
 * pass over the words (dd_fingerprint's body hash) cost the workers ~9 %
 * of the chain; a copy with other punctuation is not hinted and costs
 * them the whole chain, as before hints. */
static size_t hint_slot(uint64_t body_bytes, const char *id, uint64_t *value)
{
    *value = (body_bytes & 0xFFFFFFFF00000000ULL) | (uint32_t)dd_hash_str('i', id);
    return (size_t)(body_bytes % DD_HINT_SLOTS);
}

void dd_hint_store(ne_dedup_state *s, uint64_t body_bytes, const char *id)
{
    uint64_t hint;
    size_t slot = hint_slot(body_bytes, id, &hint);
    atomic_store_explicit(&s->hint[slot], hint, memory_order_relaxed);
}

int ne_dedup_probably_exact(const void *state, const ne_doc *doc)
{
    const ne_dedup_state *s = state;
    if (!s->enabled || !doc->body || !doc->id) return 0;
    uint64_t want;
    size_t slot = hint_slot(dd_hash_block(doc->body, doc->body_len), doc->id, &want);
    uint64_t v = atomic_load_explicit(&s->hint[slot], memory_order_relaxed);
    return v >> 32 == want >> 32 && (uint32_t)v != (uint32_t)want;
}

static void prefetch_keys(const ne_dedup_state *s, const dd_fp *fp, const fp_keys *k)
{
    for (int gi = 0; gi < 2; gi++) {
        const dd_tab *t = &s->agen[gi].fp;
        if (k->id) dd_tab_prefetch(t, k->id);
        if (fp->url) dd_tab_prefetch(t, k->url);
        for (size_t b = 0; b < DD_BANDS; b++) dd_tab_prefetch(t, k->band[b]);
    }
}

void dd_prefetch(const ne_dedup_state *s, const dd_fp *fp, const char *id)
{
    fp_keys k;
    keys_of(fp, id, &k);
    prefetch_keys(s, fp, &k);
}

/* The entries of both generations with fp's body hash, old generation
 * first, in table order. Returns how many. */
static size_t body_matches(const ne_dedup_state *s, const dd_fp *fp, const fp_keys *k,
                           cand out[4 * FP_MAX_POSTINGS])
{
    size_t n = 0;
    for (int gi = 0; gi < 2; gi++) {
        const dd_agen *g = &s->agen[gi];
        if (!g->art) continue;
        uint32_t post[2 * FP_MAX_POSTINGS];
        size_t np = body_postings(g, fp, k, post);
        for (size_t j = 0; j < np; j++)
            if (post[j] < g->n && g->art[post[j]].body == (uint32_t)fp->body) out[n++] = (cand){gi, post[j]};
    }
    return n;
}

/* The copy among the n body matches bm that is this article (same id):
 * the earliest of the first generation holding one, the copy its first
 * decision was made against. 1 when found, into *self. */
static int self_among(const ne_dedup_state *s, const cand *bm, size_t n, const char *id, cand *self)
{
    int found = 0;
    for (size_t j = 0; j < n; j++) {
        if (found && bm[j].gen != self->gen) break;
        const dd_agen *g = &s->agen[bm[j].gen];
        if (strcmp(dd_art_blob(g, &g->art[bm[j].idx]).id, id) != 0) continue;
        if (!found || bm[j].idx < self->idx) *self = bm[j];
        found = 1;
    }
    return found;
}

const dd_art *dd_art_find_self(const ne_dedup_state *s, const char *id, const dd_fp *fp,
                               int *gen, uint32_t *idx)
{
    fp_keys k;
    keys_of(fp, id, &k);
    cand bm[4 * FP_MAX_POSTINGS], self;
    if (!self_among(s, bm, body_matches(s, fp, &k, bm), id, &self)) return NULL;
    *gen = self.gen;
    *idx = self.idx;
    return &s->agen[self.gen].art[self.idx];
}

int dd_decide(ne_dedup_state *s, const dd_fp *fp, const char *id, dd_result *r)
{
    s->self_found = 0;
    fp_keys k;
    keys_of(fp, id, &k);
    prefetch_keys(s, fp, &k);
    /* the redelivery check and the exact lookup look at the same entries */
    cand bm[4 * FP_MAX_POSTINGS], self;
    size_t nbm = body_matches(s, fp, &k, bm);
    if (self_among(s, bm, nbm, id, &self)) {
        s->self_found = 1;
        s->self_gen = self.gen;
        s->self_idx = self.idx;
        s->st.redelivered++;
    }
    uint32_t now = dd_now(s);
    decision d = {NE_DEDUP_UNIQUE, {0, 0}, 0};
    for (size_t j = 0; j < nbm; j++) {
        const dd_agen *g = &s->agen[bm[j].gen];
        if (!usable(s, bm[j].gen, bm[j].idx, id, now) || !sketch_equal(g, &g->art[bm[j].idx], fp)) continue;
        consider(s, &d, NE_DEDUP_EXACT, bm[j], 1.0);
    }
    /* exact over update over near: an update is a version of the same
     * article, closer than any other outlet's near copy */
    cand u;
    double usim = 0;
    if (d.status != NE_DEDUP_EXACT && find_update(s, fp, &k, id, now, &u, &usim))
        d = (decision){NE_DEDUP_UPDATE, u, usim};
    if (d.status == NE_DEDUP_UNIQUE) find_near(s, fp, &k, id, now, &d);
    r->status = d.status;
    r->similarity = d.sim > 1 ? 1 : d.sim;
    r->duplicate_of = r->story = NULL;
    r->of_at = 0;
    if (d.status == NE_DEDUP_UNIQUE) return 0;
    r->duplicate_of = cand_id(s, d.of);
    r->story = cand_story(s, d.of);
    r->of_at = s->agen[d.of.gen].art[d.of.idx].at;
    if (d.status == NE_DEDUP_EXACT) s->st.exact++;
    else if (d.status == NE_DEDUP_UPDATE) s->st.updates++;
    else s->st.near++;
    return 0;
}

/* ---- story grouping --------------------------------------------------- */

static const char *const title_stopwords[] = {
    "about", "after", "again", "against", "also", "amid", "announce", "announces", "back", "been",
    "before", "being", "between", "claims", "could", "does", "down", "during", "from", "have",
    "here", "into", "just", "latest", "live", "more", "most", "much", "news", "over", "report",
    "reports", "said", "says", "should", "some", "than", "that", "their", "them", "then", "there",
    "these", "they", "this", "those", "update", "updated", "very", "watch", "were", "what", "when",
    "where", "which", "while", "will", "with", "would", "your",
};

static int is_title_stopword(const char *w)
{
    size_t lo = 0, hi = sizeof title_stopwords / sizeof title_stopwords[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(w, title_stopwords[mid]);
        if (c == 0) return 1;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return 0;
}

static uint32_t feat(int kind, uint64_t h)
{
    return ((uint32_t)kind << 30) | ((uint32_t)h & 0x3FFFFFFFu);
}

typedef struct feats {
    uint32_t f[DD_FEAT_MAX];
    size_t n;
} feats;

static void feats_add(feats *fs, uint32_t f)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i] == f) return;
    if (fs->n < DD_FEAT_MAX) fs->f[fs->n++] = f;
}

static void add_title_word(void *ctx, const char *w, size_t len, int flags)
{
    (void)flags;
    feats *fs = ctx;
    if (len < 4 || is_title_stopword(w)) return;
    size_t words = 0;
    for (size_t i = 0; i < fs->n; i++) words += (fs->f[i] >> 30) == FEAT_WORD;
    if (words < 8) feats_add(fs, feat(FEAT_WORD, dd_hash_bytes(w, len, 'w')));
}

/* An entity as story grouping ranks it: by the times it is named, not
 * counting the titles, descriptions and pronouns coreference adds (an
 * article that says "he" more often is not more about him, and the rank
 * must not move with the coreference model). */
typedef struct ranked_entity {
    const ne_entity *e;
    size_t names;
} ranked_entity;

static size_t name_mentions(const ne_entity *e)
{
    size_t n = 0;
    for (size_t m = 0; m < e->nmentions; m++) n += e->mentions[m].kind == NE_MENTION_NAME;
    return n;
}

static int entity_rank_cmp(const void *a, const void *b)
{
    const ranked_entity *x = a, *y = b;
    if (x->e->watched != y->e->watched) return y->e->watched - x->e->watched;
    return (x->names < y->names) - (x->names > y->names);
}

/* What an article is about, for story grouping: the statements it
 * carries (strongest: two outlets quoting the same words report the same
 * event), its main entities (mentioned twice, in the title, or watched),
 * and the content words of its title. */
static void story_features(const ne_dedup_state *s, const ne_doc *doc, feats *fs)
{
    fs->n = 0;
    for (size_t i = 0; i < s->nseen && i < 8; i++)
        if (s->seen[i].norm) feats_add(fs, feat(FEAT_CLAIM, s->seen[i].norm));
    ranked_entity ents[64];
    size_t ne = 0;
    for (size_t i = 0; i < doc->nentities && ne < 64; i++) {
        const ne_entity *e = &doc->entities[i];
        int in_title = 0;
        for (size_t m = 0; m < e->nmentions; m++) in_title |= e->mentions[m].field == NE_FIELD_TITLE;
        size_t names = name_mentions(e);
        if (e->id && (names >= 2 || e->watched || in_title)) ents[ne++] = (ranked_entity){e, names};
    }
    qsort(ents, ne, sizeof ents[0], entity_rank_cmp);
    for (size_t i = 0; i < ne && i < 10; i++) feats_add(fs, feat(FEAT_ENTITY, dd_hash_str('e', ents[i].e->id)));
    if (doc->title) {
        char buf[256];
        dd_words(doc->title, doc->title_len ? doc->title_len : strlen(doc->title), buf, sizeof buf,
                 add_title_word, fs);
    }
}

typedef struct overlap {
    int claims, entities, words;
} overlap;

/* This article's features as count_overlap() compares them with a stored
 * article's: per kind, the top 24 of the 30 hash bits, sorted (the arena's
 * form, dd_feat_value). Features are distinct (feats_add); two of one kind
 * sharing their 24 bits would both count on a match (p ~ 2^-24 per pair). */
typedef struct feat_set {
    uint32_t v[DD_FEAT_MAX];      /* runs of each kind, in kind order */
    uint8_t  nkind[DD_FEAT_KINDS];
} feat_set;

static void feat_set_of(const feats *fs, feat_set *q)
{
    uint32_t sorted[DD_FEAT_MAX];
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        uint32_t x = fs->f[i];
        size_t j = n++;
        while (j > 0 && sorted[j - 1] > x) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = x;
    }
    memset(q->nkind, 0, sizeof q->nkind);
    for (size_t i = 0; i < n; i++) {
        q->v[i] = dd_feat_value(sorted[i]);
        q->nkind[sorted[i] >> 30]++;   /* story_features() makes kinds 0..2 only */
    }
}

/* How many of ours in the sorted run a[0..na) have their value in the
 * sorted run b (the arena's form) of the stored article. */
static int run_shared(const uint32_t *a, size_t na, const unsigned char *b, size_t nb)
{
    int n = 0;
    size_t j = 0;
    uint32_t y = nb ? dd_feat_get(b) : 0;
    for (size_t i = 0; i < na && j < nb; i++) {
        while (y < a[i] && ++j < nb) y = dd_feat_get(b + DD_FEAT_BYTES * j);
        if (j < nb && y == a[i]) n++;
    }
    return n;
}

/* How many of this article's features, by kind, a stored article shares:
 * each of ours counts once however often the stored list repeats it, run
 * against run. The stored features are 24 bits of hash (the arena's
 * form): a stored article matches one of ours by chance with p ~ 2^-24 per
 * pair of one kind, ~0.001 % of the candidates once in their ~170 pairs,
 * and only a candidate one feature short of same_story() can tip. */
static overlap count_overlap(const feat_set *q, const dd_blobv *b)
{
    int shared[DD_FEAT_KINDS];
    size_t qo = 0, bo = 0;
    for (int k = 0; k < DD_FEAT_KINDS; k++) {
        shared[k] = run_shared(q->v + qo, q->nkind[k], b->feats + DD_FEAT_BYTES * bo, b->nkind[k]);
        qo += q->nkind[k];
        bo += b->nkind[k];
    }
    return (overlap){shared[FEAT_CLAIM], shared[FEAT_ENTITY], shared[FEAT_WORD]};
}

/* Precision first (a wrong merge hides news): a shared statement with
 * two more shared features, or three shared main entities with two
 * shared title words. */
static int same_story(overlap o)
{
    return (o.claims >= 1 && o.entities + o.words >= 2) || o.claims >= 2 ||
           (o.entities >= 3 && o.words >= 2);
}

static int story_score(overlap o) { return 4 * o.claims + 2 * o.entities + o.words; }

static uint32_t art_time(const dd_art *a, const dd_blobv *b) { return b->pub ? b->pub : a->at; }

/* The entries posted under each of the query's features in each
 * generation: at most STORY_MAX_POSTINGS + 1 a list, and that many means
 * the feature is common there and finds no candidates. `walk` is the
 * table's order (the order candidates are judged in, so that ties go to
 * the one found first); `sorted` the same entries by index, for
 * has_posting(). */
typedef struct story_postings {
    uint32_t walk[DD_FEAT_MAX][2][STORY_MAX_POSTINGS + 1];
    uint32_t sorted[DD_FEAT_MAX][2][STORY_MAX_POSTINGS + 1];
    uint8_t  n[DD_FEAT_MAX][2];
} story_postings;

static void story_postings_of(const ne_dedup_state *s, const feats *fs, story_postings *sp)
{
    for (size_t fi = 0; fi < fs->n; fi++) {
        for (int gi = 0; gi < 2; gi++) {
            sp->n[fi][gi] = 0;
            const dd_agen *g = &s->agen[gi];
            if (!g->art) continue;
            dd_segtab_it it;
            dd_segtab_find(&g->story, key_story(fs->f[fi]), &it);
            uint32_t *w = sp->walk[fi][gi], *o = sp->sorted[fi][gi];
            size_t n = 0;
            long i;
            while (n <= STORY_MAX_POSTINGS && (i = dd_segtab_next(&it)) >= 0) {
                /* a key's own postings come in index order (puts append
                 * to its run); only another key's fingerprint match can
                 * be out of order, so this insertion sort moves little */
                size_t j = n;
                w[n++] = (uint32_t)i;
                while (j > 0 && o[j - 1] > (uint32_t)i) {
                    o[j] = o[j - 1];
                    j--;
                }
                o[j] = (uint32_t)i;
            }
            sp->n[fi][gi] = (uint8_t)n;
        }
    }
}

static int has_posting(const story_postings *sp, size_t fi, int gi, uint32_t idx)
{
    const uint32_t *o = sp->sorted[fi][gi];
    size_t lo = 0, hi = sp->n[fi][gi];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (o[mid] < idx) lo = mid + 1;
        else hi = mid;
    }
    return lo < sp->n[fi][gi] && o[lo] == idx;
}

/* How many of this article's features a stored one shares, by kind. A
 * stored article carries a feature either as a posting in its
 * generation's table (it was among the feature's first
 * STORY_MAX_POSTINGS + 1 there, which story_postings_of() read whole) or,
 * when the table did not take it, in its arena record (count_overlap()).
 * Never both, so each shared feature counts once. A posting found under
 * another key's matching slot fingerprint (p = 2^-12 a slot scanned) adds
 * a feature by chance, like a 24-bit arena value (count_overlap()): only a
 * candidate one feature short of same_story() can tip. */
static overlap shared_features(const feats *fs, const feat_set *q, const story_postings *sp, cand c,
                               const dd_blobv *b)
{
    overlap o = count_overlap(q, b);
    for (size_t fi = 0; fi < fs->n; fi++) {
        if (!has_posting(sp, fi, c.gen, c.idx)) continue;
        switch (fs->f[fi] >> 30) {
        case FEAT_CLAIM: o.claims++; break;
        case FEAT_ENTITY: o.entities++; break;
        case FEAT_WORD: o.words++; break;
        }
    }
    return o;
}

/* The story of the best-matching stored article within the window, or
 * NULL when none qualifies. Candidates are the articles posted under a
 * feature that is not common (STORY_MAX_POSTINGS or fewer postings in
 * their generation). */
static const char *find_story(const ne_dedup_state *s, const feats *fs, uint32_t t, const char *id,
                              uint32_t now)
{
    story_postings sp;
    story_postings_of(s, fs, &sp);
    cand_seen seen;
    memset(&seen, 0, sizeof seen);
    feat_set q;
    feat_set_of(fs, &q);
    int best_score = 0;
    const char *best = NULL;
    for (size_t fi = 0; fi < fs->n; fi++) {
        for (int gi = 0; gi < 2; gi++) {
            if (sp.n[fi][gi] > STORY_MAX_POSTINGS) continue;
            const dd_agen *g = &s->agen[gi];
            for (size_t k = 0; k < sp.n[fi][gi]; k++) {
                cand c = {gi, sp.walk[fi][gi][k]};
                if (!cand_seen_add(&seen, c)) continue;
                if (!usable(s, c.gen, c.idx, id, now)) continue;
                const dd_art *a = &g->art[c.idx];
                dd_blobv b = dd_art_blob(g, a);
                uint32_t ta = art_time(a, &b);
                if ((ta > t ? ta - t : t - ta) > s->story_window_s) continue;
                overlap o = shared_features(fs, &q, &sp, c, &b);
                if (!same_story(o)) continue;
                int sc = story_score(o);
                if (sc > best_score) {
                    best_score = sc;
                    best = b.story;
                }
            }
        }
    }
    return best;
}

/* ---- the late half ---------------------------------------------------- */

/* Sets the claim fields of quote q from a novelty decision. */
static void apply_seen(ne_quote *q, const dd_seen *sn, const char *doc_id)
{
    char at[32], created[32];
    dd_format_time(sn->at, at);
    dd_format_time(sn->ts ? sn->ts : (uint32_t)time(NULL), created);
    q->is_new = sn->is_new;
    set_str(&q->first_seen_article, sn->article ? sn->article : doc_id);
    set_str(&q->created_at, created);
    set_str(&q->first_seen_at, at);
}

/* The quote repeats an earlier quote of the same article (equal
 * statement, or an excerpt of it whose negations, numbers and names stand
 * where they stood there). */
static int repeats_earlier_quote(const ne_dedup_state *s, size_t i)
{
    const dd_seen *q = &s->seen[i];
    size_t need = dd_tri_need(q->ntri);
    for (size_t j = 0; j < i; j++) {
        const dd_seen *p = &s->seen[j];
        if (q->own_norm && p->own_norm == q->own_norm) return 1;
        if (q->ntri >= DD_CLAIM_MIN_TRIGRAMS && dd_tri_contained(q->tri, q->ntri, p->tri, p->ntri, need) &&
            dd_tri_groups_held(q->tri + q->ntri, q->nmark, p->tri, p->ntri))
            return 1;
    }
    return 0;
}

/* Claim novelty for every quote, in order. A match in the index decides
 * first: an earlier article's claim makes the quote not new (first seen
 * there); a claim stored from this very article means it was seen before
 * (a redelivery) and stays new with the first time's first_seen. A quote
 * the index finds new but that repeats an earlier quote of this article is
 * not new (first seen here). */
static void decide_claims(ne_dedup_state *s, ne_doc *doc, uint32_t at, uint32_t ts, int store)
{
    ne_grow(&s->seen, &s->capseen, doc->nquotes, sizeof *s->seen);
    for (size_t i = 0; i < doc->nquotes; i++) {
        ne_quote *q = &doc->quotes[i];
        dd_seen *sn = &s->seen[s->nseen++];
        memset(sn, 0, sizeof *sn);
        sn->is_new = 1;
        sn->at = at;
        sn->ts = ts;
        if (!q->text || !store) {
            apply_seen(q, sn, doc->id);
            continue;
        }
        uint64_t norm = 0;
        dd_claim_lookup(s, q->text, doc->id, sn, &norm, &sn->tri, &sn->ntri, &sn->nmark);
        sn->own_norm = norm;
        if (!sn->norm) sn->norm = norm;
        int matched_self = sn->is_new && sn->article;
        if (sn->is_new && repeats_earlier_quote(s, i)) {
            sn->is_new = 0;
            free(sn->article);
            sn->article = NULL;
            sn->at = at;
            sn->ts = ts;
        }
        if (sn->is_new && norm) {
            if (!matched_self)
                dd_claim_insert(s, norm, sn->tri, sn->ntri, at, ts, doc->id, q->claim_id ? q->claim_id : "");
            dd_pend_claim(s, norm, sn->tri, sn->ntri, sn->at, sn->ts, doc->id, q->claim_id ? q->claim_id : "");
        }
        if (sn->is_new) s->st.claims_new++;
        else s->st.claims_seen++;
        apply_seen(q, sn, doc->id);
    }
}

int ne_dedup_finish(void *state, ne_doc *doc)
{
    ne_dedup_state *s = state;
    uint32_t now = dd_now(s);
    uint32_t pub = dd_parse_time(doc->published_at);
    /* an update under its earlier version's id is processed after it, by
     * the clock or by one second (min_proc_at) */
    uint32_t proc_at = now > s->min_proc_at ? now : s->min_proc_at;
    const char *self_story = NULL;
    if (s->self_found) {
        const dd_agen *g = &s->agen[s->self_gen];
        const dd_art *a = &g->art[s->self_idx];
        proc_at = a->at;
        self_story = dd_art_blob(g, a).story;
    }
    /* first_seen.at of a claim first seen here: the article's publication
     * time when it has one, else when it was processed */
    int active = s->enabled && s->have_fp;
    decide_claims(s, doc, pub ? pub : proc_at, proc_at, active);
    if (!active) return 0;
    if (s->fp.nsh == 0) return 0;

    feats fs;
    story_features(s, doc, &fs);
    /* in the record too, so that another instance, or this one restarted,
     * hints the article's copies as well (a redelivery writes it again) */
    uint64_t body_bytes = dd_hash_block(doc->body, doc->body_len);
    if (doc->dedup.status == NE_DEDUP_UNIQUE) {
        const char *story = self_story ? self_story
                                       : find_story(s, &fs, pub ? pub : proc_at, doc->id, now);
        if (story && strcmp(story, doc->id) != 0) s->st.story_joined += !self_story;
        if (story) set_str(&doc->dedup.story_id, story);
    }
    if (!s->self_found) {
        if (dd_art_insert(s, &s->fp, proc_at, pub, doc->id, doc->dedup.story_id, fs.f, fs.n))
            ne_log(NE_LOG_WARN, "dedup", "article %s not stored (generation full)", doc->id);
        dd_hint_store(s, body_bytes, doc->id);
        if (doc->dedup.status == NE_DEDUP_UNIQUE) s->st.unique++;
    }
    dd_pend_article(s, proc_at, pub, doc->id, doc->dedup.story_id, fs.f, fs.n, body_bytes);
    return 0;
}

/* ---- records, alerts, stats ------------------------------------------- */

void ne_dedup_claim_created_at(const ne_dedup_state *s, size_t i, char out[32])
{
    uint32_t t = s && i < s->nseen && s->seen[i].ts ? s->seen[i].ts : (uint32_t)time(NULL);
    dd_format_time(t, out);
}

void ne_dedup_get_stats(const ne_dedup_state *s, ne_dedup_stats *st)
{
    *st = s->st;
    st->articles = st->claims = 0;
    st->bytes_story_records = 0;
    st->bytes_index = st->bytes_story = st->bytes_claims = sizeof *s;
    for (int i = 0; i < 2; i++) {
        const dd_agen *g = &s->agen[i];
        st->articles += g->n;
        size_t story_arena = 0;
        for (uint32_t k = 0; k < g->n; k++) story_arena += (size_t)DD_FEAT_BYTES * dd_art_blob(g, &g->art[k]).nfeat;
        st->bytes_index += (size_t)g->n * sizeof(dd_art) + (size_t)g->fp.size * 4 + g->acap - story_arena;
        st->bytes_story += dd_segtab_slots(&g->story) * 4 + story_arena;
        st->bytes_story_records += story_arena;
        const dd_cgen *c = &s->cgen[i];
        st->claims += c->n;
        st->bytes_claims += (size_t)c->n * sizeof(dd_claim) + (size_t)c->tab.size * 4 + c->acap;
    }
}
