/* claims_index — claim novelty: has an earlier article carried this
 * statement?
 *
 * A statement is normalised to its words (dd_words: case, punctuation and
 * quote marks folded) without articles and filler words, so "a continuing
 * struggle" and "continuing struggle" are one statement. It matches an
 * earlier claim when
 *   - the normalised word sequences are equal, or
 *   - at least CONTAINMENT of its word trigrams occur in the earlier
 *     claim (it is a shortened excerpt, or a variant with a word changed).
 * Trigrams never span an ellipsis, so "A … B" matches a statement that had
 * more words between A and B. Statements too short for trigrams
 * (< MIN_TRIGRAMS) only match exactly: a short phrase inside a long quote
 * is not the same claim.
 *
 * Storage: dd_claim entries in two generations (dedup_gen.c); each
 * claim's sorted trigram hashes, article id and claim id in the arena; the
 * table maps the statement hash and every trigram to the claims holding
 * it, and candidates are verified exactly against the stored trigrams. */
#include "enrichers/dedup_impl.h"

#include <stdlib.h>
#include <string.h>

#define CONTAINMENT DD_CLAIM_CONTAINMENT
#define MIN_TRIGRAMS DD_CLAIM_MIN_TRIGRAMS
#define MAX_POSTINGS 64
#define MAX_CLAIM_CANDIDATES 64
#define SALT_NORM 0x6000000000000000ULL
#define SALT_TRI  0x7000000000000000ULL

static const char *const filler[] = {"a", "an", "just", "really", "so", "that", "the", "uh", "um", "very", "well"};

/* Called for every word of every quote: the length and first letter rule
 * out most words before any comparison. */
static int is_filler(const char *w, size_t len)
{
    if (len > 6 || !strchr("ajrstuvw", w[0])) return 0;
    for (size_t i = 0; i < sizeof filler / sizeof filler[0]; i++)
        if (filler[i][0] == w[0] && strlen(filler[i]) == len && memcmp(filler[i], w, len) == 0) return 1;
    return 0;
}

typedef struct stmt {
    uint64_t *w;  size_t n, cap;   /* word hashes */
    unsigned char *brk;            /* brk[i]: an ellipsis before word i */
    int oom;
} stmt;

static void stmt_word(void *ctx, const char *w, size_t len, int brk)
{
    stmt *st = ctx;
    if (st->oom) return;
    if (is_filler(w, len)) {
        /* the break survives a dropped word */
        if (brk && st->n) st->brk[st->n] = 1;
        return;
    }
    if (st->n + 2 > st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 64;
        uint64_t *nw = realloc(st->w, nc * sizeof *nw);
        if (!nw) { st->oom = 1; return; }
        st->w = nw;
        unsigned char *nb = realloc(st->brk, nc);
        if (!nb) { st->oom = 1; return; }
        st->brk = nb;
        st->cap = nc;
    }
    int pending = st->n ? st->brk[st->n] : 0;   /* left by a dropped filler word */
    st->brk[st->n] = (unsigned char)(brk || pending);
    st->w[st->n++] = dd_hash_bytes(w, len, 0x77);
    st->brk[st->n] = 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Normalised hash and sorted distinct trigram hashes of a statement.
 * *tri is malloc'd (caller frees; NULL when there are none). */
static int statement(const char *text, char *buf, size_t cap, uint64_t *norm, uint32_t **tri, size_t *ntri)
{
    stmt st = {0};
    dd_words(text, strlen(text), buf, cap, stmt_word, &st);
    *tri = NULL;
    *ntri = 0;
    *norm = 0;
    if (st.oom) { free(st.w); free(st.brk); return -1; }
    if (st.n == 0) { free(st.w); free(st.brk); return 0; }
    uint64_t h = 0x452821E638D01377ULL;
    for (size_t i = 0; i < st.n; i++) h = dd_mix64(h ^ st.w[i]) + i;
    *norm = h ? h : 1;
    if (st.n >= 3) {
        uint32_t *t = malloc((st.n - 2) * sizeof *t);
        if (!t) { free(st.w); free(st.brk); return -1; }
        size_t n = 0;
        for (size_t i = 0; i + 2 < st.n; i++) {
            if (st.brk[i + 1] || st.brk[i + 2]) continue;   /* spans an ellipsis */
            uint64_t x = dd_mix64(st.w[i] ^ dd_mix64(st.w[i + 1] + 0x9E37) ^ dd_mix64(st.w[i + 2] + 0x79B9));
            t[n++] = (uint32_t)(x >> 16) | 1u;
        }
        qsort(t, n, sizeof *t, cmp_u32);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
            if (u == 0 || t[i] != t[u - 1]) t[u++] = t[i];
        if (u) { *tri = t; *ntri = u; }
        else free(t);
    }
    free(st.w);
    free(st.brk);
    return 0;
}

/* ---- stored claims ---------------------------------------------------- */

typedef struct claimv {
    const uint32_t *tri_unaligned;   /* ntri u32, read with memcpy */
    const char *article, *claim_id;
} claimv;

static claimv claim_view(const dd_cgen *g, const dd_claim *c)
{
    claimv v;
    v.tri_unaligned = (const uint32_t *)(g->arena + c->blob);
    v.article = g->arena + c->blob + 4u * c->ntri;
    v.claim_id = v.article + strlen(v.article) + 1;
    return v;
}

static uint32_t tri_at(const claimv *v, size_t i)
{
    uint32_t x;
    memcpy(&x, (const char *)v->tri_unaligned + 4 * i, 4);
    return x;
}

/* |new ∩ stored|, both sorted and distinct, by one merge pass: the lists
 * are a few dozen each, so a merge reads each once where a binary search
 * per trigram read log n of the stored list for each. */
static size_t intersect(const uint32_t *tri, size_t ntri, const claimv *v, size_t vn)
{
    size_t i = 0, j = 0, hits = 0;
    while (i < ntri && j < vn) {
        uint32_t m = tri_at(v, j);
        if (tri[i] == m) { hits++; i++; j++; }
        else if (tri[i] < m) i++;
        else j++;
    }
    return hits;
}

static uint64_t key_norm(uint64_t norm) { return dd_mix64(norm ^ SALT_NORM); }
static uint64_t key_tri(uint32_t t) { return dd_mix64(t ^ SALT_TRI); }

typedef struct cmatch {
    int found, self;
    uint64_t serial;
    uint32_t idx;
    int gen;
} cmatch;

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

static int claim_live(const ne_dedup_state *s, const dd_claim *c, uint32_t now)
{
    return c->ts + s->retention_s >= now;
}

int dd_claim_lookup(ne_dedup_state *s, const char *text, const char *article_id, dd_seen *out,
                    uint64_t *norm, uint32_t **tri, size_t *ntri)
{
    if (statement(text, s->wordbuf, sizeof s->wordbuf, norm, tri, ntri)) return -1;
    if (!*norm) return 0;
    uint32_t now = dd_now(s);
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
            claimv v = claim_view(g, c);
            take(s, &m, gi, (uint32_t)i, strcmp(v.article, article_id) == 0);
        }
        if (*ntri < MIN_TRIGRAMS) continue;
        uint32_t seen[MAX_CLAIM_CANDIDATES];
        size_t nseen = 0;
        for (size_t t = 0; t < *ntri; t++) {
            dd_tab_find(&g->tab, key_tri((*tri)[t]), &it);
            size_t postings = 0;
            while ((i = dd_tab_next(&it)) >= 0 && postings++ < MAX_POSTINGS) {
                if ((uint32_t)i >= g->n) continue;
                size_t k;
                for (k = 0; k < nseen; k++)
                    if (seen[k] == (uint32_t)i) break;
                if (k < nseen) continue;
                if (nseen == MAX_CLAIM_CANDIDATES) break;
                seen[nseen++] = (uint32_t)i;
                const dd_claim *c = &g->c[i];
                if (!claim_live(s, c, now) || c->ntri == 0) continue;
                claimv v = claim_view(g, c);
                size_t hits = intersect(*tri, *ntri, &v, c->ntri);
                if ((double)hits >= CONTAINMENT * (double)*ntri)
                    take(s, &m, gi, (uint32_t)i, strcmp(v.article, article_id) == 0);
            }
        }
    }
    if (!m.found) return 0;
    const dd_cgen *g = &s->cgen[m.gen];
    const dd_claim *c = &g->c[m.idx];
    claimv v = claim_view(g, c);
    out->is_new = m.self;
    out->at = c->at;
    out->ts = c->ts;
    out->norm = c->norm;
    out->article = strdup(v.article);
    return out->article ? 0 : -1;
}

static int arena_reserve(dd_cgen *g, size_t need)
{
    if (need <= g->acap) return 0;
    size_t nc = g->acap ? g->acap * 2 : 65536;
    while (nc < need) nc *= 2;
    if (nc > UINT32_MAX) return -1;
    char *p = realloc(g->arena, nc);
    if (!p) return -1;
    g->arena = p;
    g->acap = nc;
    return 0;
}

int dd_claim_insert(ne_dedup_state *s, uint64_t norm, const uint32_t *tri, size_t ntri,
                    uint32_t at, uint32_t ts, const char *article_id, const char *claim_id)
{
    dd_cgen *g = dd_cgen_for_insert(s);
    if (!g || g->n >= g->cap || g->n > DD_IDX_MAX) return -1;
    if (g->n % 1024 == 0) {
        size_t want = (size_t)g->n + 1024;
        if (want > g->cap) want = g->cap;
        dd_claim *nc = realloc(g->c, want * sizeof *nc);
        if (!nc) return -1;
        g->c = nc;
    }
    if (ntri > 65535) ntri = 65535;
    size_t al = strlen(article_id), cl = strlen(claim_id);
    size_t off = g->alen;
    size_t need = off + 4 * ntri + al + 1 + cl + 1;
    if (arena_reserve(g, need)) return -1;
    if (ntri) memcpy(g->arena + off, tri, 4 * ntri); /* tri may be NULL when empty */
    memcpy(g->arena + off + 4 * ntri, article_id, al + 1);
    memcpy(g->arena + off + 4 * ntri + al + 1, claim_id, cl + 1);
    g->alen = need;
    uint32_t idx = g->n++;
    dd_claim *c = &g->c[idx];
    memset(c, 0, sizeof *c);
    c->norm = norm;
    c->at = at;
    c->ts = ts;
    c->blob = (uint32_t)off;
    c->ntri = (uint16_t)ntri;
    if (ts > g->newest_at) g->newest_at = ts;
    dd_tab_put(&g->tab, key_norm(norm), idx);
    for (size_t i = 0; i < ntri; i++) dd_tab_put(&g->tab, key_tri(tri[i]), idx);
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
            if (strcmp(claim_view(g, &g->c[i]).article, article_id) == 0) return 1;
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
