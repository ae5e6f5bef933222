/* bench_dedup — speed and memory of the dedup article index.
 *
 *   bench_dedup [STORED]      (default 1000000)
 *
 * Fills the index with STORED articles (max_entries = 1.2 x STORED, so
 * both generations are in use and no rotation happens while measuring),
 * then times lookup-and-insert of 20 % more: dd_decide() (the redelivery
 * check, the exact lookup, the URL lookup, the five LSH band lookups in
 * both generations with verification of every candidate) and, unless the
 * article is an exact copy, dd_art_insert() — what the stage does per
 * article apart from shingling the text and the story features.
 *
 * The fingerprints are precomputed (text shingling is measured by
 * eval_dedup and bench_offline): unique articles get random ones (the
 * band keys, body and URL hashes of real texts are hash outputs, so they
 * are uniformly spread like these); one in ten new articles is an exact
 * copy (other URL) and one in ten a near copy (a few sketch bits changed,
 * two bands shared) of a random stored article, so hits are verified too.
 * Ids are 8 characters ("b1234567"), formatted before the timed loop as
 * the stage gets them from the document. The rate is per CPU second of
 * the process (CLOCK_PROCESS_CPUTIME_ID); the wall-clock rate is printed
 * beside it. The headline is one article at a time, as the stage runs;
 * the batched figure (lines of the article 8 ahead requested early) is
 * what a batch-at-a-time caller could get.
 *
 * Memory is the state's own accounting of what it allocated for the
 * article index (entries, the fingerprint table, the arena of ids) divided
 * by the articles stored; story features and claims are reported apart.
 *
 *   bench_dedup --state [--all-claims] [--id-len L] [STORED]
 *
 * Memory of the whole state against its size: STORED articles, each with
 * its story features and its new claims, stored as finish() stores them
 * (dd_art_insert, dd_claim_insert), nothing precomputed or kept beside
 * the state. Per article, drawn to match the PolNeAR chain
 * (`newsenrich enrich` on the 924 PolNeAR originals, counted in the state
 * afterwards): 19.6 story features (their histogram below), 10.8 new
 * claims, 17.4 distinct trigrams per claim (buckets below), 16-hex claim
 * ids (passed, not stored); article ids of L characters (default 16;
 * PolNeAR's own are 54; the claims of one article store its id once). Prints the state's bytes per
 * stored article by part (own accounting: allocated capacity, tables
 * whole), peak RSS of the process (getrusage) and peak RSS above what the
 * process had before the state was filled.
 * The claim state holds at most dedup.max_claims claims (default
 * 1,000,000: the claims of the newest ~100,000 articles), as the service
 * runs by default; --all-claims sets it for every stored article's claims
 * (what claim novelty over the whole article window would cost). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/dedup/dedup_int.h"

static uint64_t rng = 42;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared machine the wall clock measures
 * the neighbours too. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void random_fp(dd_fp *fp)
{
    fp->body = rnd() | 1;
    fp->url = (uint32_t)rnd() | 1;
    fp->nsh = 300 + (uint32_t)(rnd() % 900);
    for (int i = 0; i < DD_SKETCH_WORDS; i++) fp->sketch[i] = (uint32_t)rnd();
    for (int i = 0; i < DD_BANDS; i++) fp->band[i] = (uint32_t)rnd() | 1;
}

/* A near copy: a few sketch bits differ, two bands agree. */
static void near_of(dd_fp *fp, const dd_fp *orig)
{
    *fp = *orig;
    fp->body = rnd() | 1;
    fp->url = (uint32_t)rnd() | 1;
    for (int k = 0; k < 5; k++) fp->sketch[rnd() % DD_SKETCH_WORDS] ^= 1u << (rnd() % 32);
    for (int i = 2; i < DD_BANDS; i++) fp->band[i] = (uint32_t)rnd() | 1;
}

static int64_t clock_fn(void *ctx) { return *(int64_t *)ctx; }


/* ---- --state: memory of the whole state ------------------------------ */

/* Story features per article on PolNeAR: count of articles with
 * 0..DD_FEAT_MAX features (mean 19.6). */
static const unsigned feat_hist[DD_FEAT_MAX + 1] = {0,  0,  0,  0,  1,  3,  3,  6,  6,  14, 9,  20, 21,
                                                    27, 41, 39, 37, 41, 43, 68, 50, 69, 85, 107, 233};
/* Distinct trigrams per stored claim on PolNeAR: claims with 0-4, 5-9,
 * 10-19, 20-39, 40-79, 80-159 (mean 17.4). */
static const unsigned tri_lo[6] = {0, 5, 10, 20, 40, 80}, tri_hi[6] = {4, 9, 19, 39, 79, 159};
static const unsigned tri_hist[6] = {1277, 2075, 3360, 2536, 620, 65};

static unsigned draw(const unsigned *hist, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) total += hist[i];
    unsigned r = (unsigned)(rnd() % total);
    for (size_t i = 0; i < n; i++) {
        if (r < hist[i]) return (unsigned)i;
        r -= hist[i];
    }
    return (unsigned)(n - 1);
}

/* 10.76 new claims per article on PolNeAR: 0..21 uniformly, one more in
 * a quarter of the articles (mean 10.75). */
static unsigned draw_claims(void) { return (unsigned)(rnd() % 22) + (rnd() % 4 == 0); }

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int run_state(long stored, int all_claims, int id_len)
{
    ne_config *cfg = ne_config_defaults();
    cfg->dedup.max_entries = stored + stored / 5;
    /* the service's default cap on claims, or room for every stored
     * article's claims */
    if (all_claims) cfg->dedup.max_claims = (stored + stored / 5) * 11;
    char err[256];
    ne_dedup_state *s = ne_dedup_create(cfg, err, sizeof err);
    if (!s) { fprintf(stderr, "bench_dedup: %s\n", err); return 1; }
    int64_t now = 1700000000;
    ne_dedup_set_clock(s, clock_fn, &now);
    long rss0 = peak_rss_kb();

    char id[80], cid[17];
    uint32_t feats[DD_FEAT_MAX], tri[160];
    unsigned long nclaims = 0, ntri = 0, nfeat = 0;
    double t0 = now_s();
    for (long i = 0; i < stored; i++) {
        dd_fp fp;
        random_fp(&fp);
        snprintf(id, sizeof id, "b%0*ld", id_len - 1, i);
        unsigned nf = draw(feat_hist, DD_FEAT_MAX + 1);
        for (unsigned k = 0; k < nf; k++) feats[k] = (uint32_t)rnd() & 0xBFFFFFFFu;   /* kinds 0..2 */
        nfeat += nf;
        dd_art_insert(s, &fp, (uint32_t)now, 0, id, id, feats, nf);
        unsigned nc = draw_claims();
        for (unsigned c = 0; c < nc; c++) {
            unsigned b = draw(tri_hist, 6);
            unsigned nt = tri_lo[b] + (unsigned)(rnd() % (tri_hi[b] - tri_lo[b] + 1));
            for (unsigned k = 0; k < nt; k++) tri[k] = (uint32_t)rnd() | 1u;
            qsort(tri, nt, sizeof tri[0], cmp_u32);
            snprintf(cid, sizeof cid, "%016llx", (unsigned long long)rnd());
            dd_claim_insert(s, rnd() | 1, tri, nt, (uint32_t)now, (uint32_t)now, id, cid);
            nclaims++;
            ntri += nt;
        }
    }
    double t_fill = now_s() - t0;
    long rss1 = peak_rss_kb();

    ne_dedup_stats st;
    ne_dedup_get_stats(s, &st);
    /* the claim part in detail: entries, arena (16-bit trigrams + article
     * ids), table (statements + sampled trigrams) */
    size_t c_entries = 0, c_arena_used = 0, c_arena_cap = 0, c_table = 0, c_table_used = 0;
    for (int g = 0; g < 2; g++) {
        const dd_cgen *cg = &s->cgen[g];
        c_entries += (size_t)cg->n * sizeof(dd_claim);
        c_arena_used += cg->alen;
        c_arena_cap += cg->acap;
        c_table += (size_t)cg->tab.size * 4;
        c_table_used += (size_t)cg->tab.used * 4;
    }
    double a = (double)st.articles;
    /* sizeof *s is counted once in each part by ne_dedup_get_stats */
    size_t total = st.bytes_index + st.bytes_story + st.bytes_claims - 2 * sizeof *s;
    printf("bench-dedup --state%s: %ld articles inserted (%.1f s), %llu stored; %lu claims inserted, "
           "%llu stored (%.2f per stored article)\n",
           all_claims ? " --all-claims" : "", stored, t_fill, (unsigned long long)st.articles, nclaims,
           (unsigned long long)st.claims, (double)st.claims / a);
    printf("  per inserted article: %.2f story features, %.2f claims of %.2f trigrams; article ids %d chars, "
           "claim ids 16\n",
           (double)nfeat / (double)stored, (double)nclaims / (double)stored, (double)ntri / (double)nclaims,
           id_len);
    printf("  state, bytes per stored article (own accounting: capacity allocated, tables whole):\n");
    printf("    article index %.1f | story features + table %.1f | claims %.1f "
           "(entries %.1f, trigrams + ids %.1f of %.1f allocated, table %.1f of which %.1f used) | total %.1f\n",
           st.bytes_index / a, st.bytes_story / a, st.bytes_claims / a, c_entries / a, c_arena_used / a,
           c_arena_cap / a, c_table / a, c_table_used / a, (double)total / a);
    printf("  peak RSS %.1f MiB = %.1f B/article; above the process before filling (%.1f MiB): %.1f B/article\n",
           rss1 / 1024.0, rss1 * 1024.0 / a, rss0 / 1024.0, (rss1 - rss0) * 1024.0 / a);
    int ok = (double)total / a <= 200;
    printf("  %s: whole state <= 200 bytes/article (%.0f)\n", ok ? "PASS" : "FAIL", (double)total / a);
    ne_dedup_destroy(s);
    ne_config_free(cfg);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    int state = 0, all_claims = 0, id_len = 16;
    int ai = 1;
    for (; ai < argc && argv[ai][0] == '-'; ai++) {
        if (strcmp(argv[ai], "--state") == 0) state = 1;
        else if (strcmp(argv[ai], "--all-claims") == 0) all_claims = 1;
        else if (strcmp(argv[ai], "--id-len") == 0 && ai + 1 < argc) id_len = atoi(argv[++ai]);
        else { fprintf(stderr, "usage: bench_dedup [--state [--all-claims] [--id-len L]] [STORED]\n"); return 2; }
    }
    if (id_len < 2) id_len = 2;
    if (id_len > 64) id_len = 64;
    long stored = ai < argc ? atol(argv[ai]) : 1000000;
    if (state) return run_state(stored < 1000 ? 1000 : stored, all_claims, id_len);
    if (stored < 1000) stored = 1000;
    long extra = stored / 5;
    ne_config *cfg = ne_config_defaults();
    cfg->dedup.max_entries = stored + extra;
    char err[256];
    ne_dedup_state *s = ne_dedup_create(cfg, err, sizeof err);
    if (!s) { fprintf(stderr, "bench_dedup: %s\n", err); return 1; }
    int64_t now = 1700000000;
    ne_dedup_set_clock(s, clock_fn, &now);

    dd_fp *fps = malloc((size_t)(stored + extra) * sizeof *fps);
    if (!fps) { fprintf(stderr, "bench_dedup: out of memory\n"); return 1; }
    char id[16];
    double t0 = now_s();
    for (long i = 0; i < stored; i++) {
        random_fp(&fps[i]);
        snprintf(id, sizeof id, "b%07ld", i % 10000000);
        dd_art_insert(s, &fps[i], (uint32_t)now, 0, id, id, NULL, 0);
    }
    double t_fill = now_s() - t0;
    ne_dedup_stats st;
    ne_dedup_get_stats(s, &st);
    size_t bytes_at_fill = st.bytes_index;
    uint64_t stored_at_fill = st.articles;

    /* the new articles, prepared outside the timed loop */
    for (long i = 0; i < extra; i++) {
        dd_fp *fp = &fps[stored + i];
        long r = (long)(rnd() % 10);
        const dd_fp *orig = &fps[rnd() % (uint64_t)stored];
        if (r == 0) { *fp = *orig; fp->url = (uint32_t)rnd() | 1; }
        else if (r == 1) near_of(fp, orig);
        else random_fp(fp);
    }
    /* ids as the documents would carry them */
    char (*ids)[16] = malloc((size_t)extra * sizeof *ids);
    if (!ids) { fprintf(stderr, "bench_dedup: out of memory\n"); return 1; }
    for (long i = 0; i < extra; i++) snprintf(ids[i], sizeof ids[i], "n%07ld", i % 10000000);
    /* one at a time, as the stage does it; then the second half with the
     * lines of the article 8 ahead requested early (a batch) */
    long exact = 0, near = 0, half = extra / 2;
    double t_single = 0, t_batch = 0, c_single = 0, c_batch = 0;
    for (int pass = 0; pass < 2; pass++) {
        long from = pass ? half : 0, to = pass ? extra : half;
        t0 = now_s();
        double c0 = cpu_s();
        for (long i = from; i < to; i++) {
            dd_fp *fp = &fps[stored + i];
            if (pass && i + 8 < to) dd_prefetch(s, &fps[stored + i + 8], ids[i + 8]);
            const char *aid = ids[i];
            dd_result r;
            dd_decide(s, fp, aid, &r);
            exact += r.status == NE_DEDUP_EXACT;
            near += r.status == NE_DEDUP_NEAR;
            /* the story id points into the state, which the insert may
             * move: copied first, as the stage copies it into the doc */
            char story[16];
            const char *from = r.story ? r.story : aid;
            size_t sl = strlen(from);
            if (sl > sizeof story - 1) sl = sizeof story - 1;
            memcpy(story, from, sl);
            story[sl] = '\0';
            if (r.status != NE_DEDUP_EXACT) dd_art_insert(s, fp, (uint32_t)now, 0, aid, story, NULL, 0);
        }
        if (pass) { t_batch = now_s() - t0; c_batch = cpu_s() - c0; }
        else { t_single = now_s() - t0; c_single = cpu_s() - c0; }
    }
    double t = t_single;
    ne_dedup_get_stats(s, &st);

    printf("bench-dedup: %ld articles stored (filled in %.2f s, %.0f inserts/s)\n", stored, t_fill,
           (double)stored / t_fill);
    printf("  measured: dd_decide() + dd_art_insert() per new article (no insert for an exact copy), "
           "precomputed fingerprints and ids,\n  story features and claims not included; rates per CPU second "
           "of this process (wall in brackets)\n");
    printf("  lookup-and-insert, one at a time (as the stage): %ld: CPU %.0f /s (%.0f ns each) (wall %.0f /s)\n",
           half, (double)half / c_single, 1e9 * c_single / (double)half, (double)half / t);
    printf("  lookup-and-insert, batched (prefetch 8 ahead): %ld: CPU %.0f /s (%.0f ns each) (wall %.0f /s)\n",
           extra - half, (double)(extra - half) / c_batch, 1e9 * c_batch / (double)(extra - half),
           (double)(extra - half) / t_batch);
    printf("  at %llu..%llu stored; %ld exact and %ld near found of %ld planted\n",
           (unsigned long long)stored_at_fill, (unsigned long long)st.articles, exact, near, extra / 5);
    printf("  index memory: %.1f bytes/article at %llu stored, %.1f bytes/article at %llu "
           "(entries %zu B + fingerprint table + ids; tables are allocated per generation in full)\n",
           (double)bytes_at_fill / (double)stored_at_fill, (unsigned long long)stored_at_fill,
           (double)st.bytes_index / (double)st.articles, (unsigned long long)st.articles, sizeof(dd_art));
    printf("  story table %.1f MB, claims %.1f MB (empty in this benchmark)\n", st.bytes_story / 1e6,
           st.bytes_claims / 1e6);
    /* judged on the one-at-a-time rate (the stage's) and the memory at
     * STORED articles */
    double rate = (double)half / c_single;
    int ok = rate >= 1e6 && (double)bytes_at_fill / (double)stored_at_fill <= 100;
    printf("  %s: one-at-a-time >= 1,000,000 lookup-and-insert/s of CPU and <= 100 bytes/article at %ld stored\n",
           ok ? "PASS" : "FAIL", stored);
    free(fps);
    free(ids);
    ne_dedup_destroy(s);
    ne_config_free(cfg);
    return ok ? 0 : 1;
}
