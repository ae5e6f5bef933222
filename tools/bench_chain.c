/* bench_chain — offline throughput of the enrichment chain.
 *
 *   bench_chain CORPUS.jsonl [MIN_SECONDS]
 *
 * Loads the corpus (one record a line) into memory, then runs every record
 * through the pipeline, pass after pass, until MIN_SECONDS (default 5) have
 * gone by. Prints articles/s, MB/s and tokens/s for the whole chain, and the
 * share of time of each stage. Input reading and output writing are outside
 * the timed loop: this measures the chain, not I/O. Single thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "enrichers/pipeline.h"

typedef struct { char *p; size_t len; } record;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static record *load_corpus(const char *path, size_t *n, size_t *bytes)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return NULL; }
    record *recs = NULL;
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    *n = *bytes = 0;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (line[len - 1] == '\n') len--;
        if (len == 0) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            recs = realloc(recs, cap * sizeof *recs);
            if (!recs) abort();
        }
        recs[*n].p = malloc((size_t)len);
        if (!recs[*n].p) abort();
        memcpy(recs[*n].p, line, (size_t)len);
        recs[*n].len = (size_t)len;
        *bytes += (size_t)len;
        (*n)++;
    }
    free(line);
    fclose(f);
    return recs;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_chain CORPUS.jsonl [MIN_SECONDS]\n");
        return 2;
    }
    double min_s = argc > 2 ? atof(argv[2]) : 5.0;
    size_t n, bytes;
    record *recs = load_corpus(argv[1], &n, &bytes);
    if (!recs || n == 0) { fprintf(stderr, "bench_chain: empty corpus\n"); return 1; }

    char err[512];
    ne_config *cfg = ne_config_defaults();
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (!p) { fprintf(stderr, "bench_chain: %s\n", err); return 1; }

    ne_outbox ob = {0};
    size_t done = 0, passes = 0;
    double t0 = now_s(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            ne_origin src = {"bench", 0, (int64_t)i, NULL, 0};
            ne_pipeline_process(p, recs[i].p, recs[i].len, &src, &ob);
        }
        done += n;
        passes++;
        t = now_s() - t0;
    } while (t < min_s);

    ne_pipeline_stats st;
    ne_pipeline_get_stats(p, &st);
    double mb = (double)bytes * (double)passes / 1e6;
    printf("offline chain: %zu articles (%zu passes over %zu, %.1f MB), %.2f s\n",
           done, passes, n, mb, t);
    printf("  %-22s %12.0f articles/s %8.1f MB/s %12.0f tokens/s\n", "whole chain",
           (double)done / t, mb / t, (double)st.tokens / t);
    uint64_t stage_total = 0;
    for (size_t i = 0; i < st.nstages; i++) stage_total += st.stage_us[i];
    for (size_t i = 0; i < st.nstages; i++) {
        double s = (double)st.stage_us[i] / 1e6;
        printf("  stage %-16s %12.0f articles/s %8.1f MB/s %5.1f%% of stage time\n",
               st.stage_names[i], s > 0 ? (double)done / s : 0, s > 0 ? mb / s : 0,
               stage_total ? 100.0 * (double)st.stage_us[i] / (double)stage_total : 0);
    }
    printf("  decode + render (rest) %11.1f%% of the chain's time\n",
           100.0 * (t - (double)stage_total / 1e6) / t);
    printf("  outcomes: %llu enriched, %llu duplicates, %llu dead-lettered\n",
           (unsigned long long)st.enriched, (unsigned long long)st.duplicates,
           (unsigned long long)st.rejected);

    ne_outbox_free(&ob);
    ne_pipeline_free(p);
    ne_config_free(cfg);
    for (size_t i = 0; i < n; i++) free(recs[i].p);
    free(recs);
    return 0;
}
