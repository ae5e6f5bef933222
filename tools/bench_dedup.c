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
 * by the articles stored; story features and claims are reported apart. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "enrichers/dedup.h"
#include "enrichers/dedup_impl.h"

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

int main(int argc, char **argv)
{
    long stored = argc > 1 ? atol(argv[1]) : 1000000;
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
            if (pass && i + 8 < to) dd_prefetch(s, &fps[stored + i + 8]);
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
