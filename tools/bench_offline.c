/* bench_offline — offline throughput of the whole chain, one pass, one core.
 *
 *   bench_offline [-c CONFIG] [--max-records N] [--max-seconds S] [--label L]
 *                 [--threads T] CORPUS.jsonl
 *
 * Loads up to N records of the corpus (one a line) into memory, then runs
 * them through the pipeline once, in order, until the records or S seconds
 * (default 60) run out. Unlike bench_chain it never runs a record twice:
 * a second pass would be all exact duplicates, which skip most of the
 * chain. Input reading is outside the timed loop; the events are rendered
 * (they are part of the chain) but not written anywhere.
 *
 * Prints a human summary, then one line "BENCH {json}" for scripts/bench.sh:
 * articles, bytes, tokens, wall and CPU seconds, per-stage seconds, the
 * outcomes. CPU seconds are the process's own (CLOCK_PROCESS_CPUTIME_ID):
 * on a shared machine the wall clock also counts the neighbours, so the
 * "single core" rate is articles / CPU seconds. Per-stage times are the
 * pipeline's wall-clock stage timers scaled by CPU/wall of the whole run
 * (preemption falls on every stage alike).
 *
 * --threads T (default 1) runs the per-article stages on a pool of T
 * threads (workers.h), as `newsenrich run` does with processing.threads:
 * the wall-clock rate then shows the scaling; the per-stage lines are left
 * out (stage timers add up over threads).
 *
 * --rebuild also renders the dedup changelog records (as `newsenrich run`
 * does), keeps them, and then times what a restarted instance does with
 * them before it consumes: ne_dedup_apply() of every record into an empty
 * state. Prints the records' bytes per stored article and the apply rate;
 * the rebuilt state must hold as many articles and claims as the original
 * (exit 1 otherwise). Reading the topic from the broker is not included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/nebuf.h"
#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/pipeline/workers.h"

typedef struct { char *p; size_t len; } record;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static record *load(const char *path, size_t max, size_t *n, size_t *bytes)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return NULL; }
    record *recs = NULL;
    size_t cap = 0, lcap = 0;
    char *line = NULL;
    ssize_t len;
    *n = *bytes = 0;
    while (*n < max && (len = getline(&line, &lcap, f)) > 0) {
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

/* The changelog records of a run, kept in one buffer: record i's key is
 * at rec[i].off, its value right after the key. */
typedef struct kept {
    nebuf buf;
    struct { size_t off, klen, vlen; } *rec;
    size_t n, cap;
} kept;

static void keep_changelog(kept *k, const ne_outbox *ob)
{
    for (size_t i = 0; i < ob->n; i++) {
        const ne_event *ev = &ob->ev[i];
        if (ev->topic != NE_TOPIC_CHANGELOG) continue;
        if (k->n == k->cap) {
            k->cap = k->cap ? 2 * k->cap : 4096;
            k->rec = realloc(k->rec, k->cap * sizeof *k->rec);
            if (!k->rec) abort();
        }
        k->rec[k->n].off = k->buf.len;
        k->rec[k->n].klen = ev->key_len;
        k->rec[k->n].vlen = ev->value_len;
        nebuf_append(&k->buf, ev->key, ev->key_len);
        nebuf_append(&k->buf, ev->value, ev->value_len);
        k->n++;
    }
}

static void kept_free(kept *k)
{
    nebuf_free(&k->buf);
    free(k->rec);
}

/* Applies the kept records to a new dedup state, as a restarted instance
 * does, and compares it with the state that wrote them (was: its stats).
 * 0 when they hold the same articles and claims. */
static int time_rebuild(const ne_config *cfg, const ne_dedup_stats *was, const kept *k)
{
    char err[256];
    ne_dedup_state *fresh = ne_dedup_create(cfg, err, sizeof err);
    if (!fresh) { fprintf(stderr, "bench_offline: %s\n", err); return 1; }
    size_t bad = 0;
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < k->n; i++) {
        const char *key = k->buf.p + k->rec[i].off;
        bad += ne_dedup_apply(fresh, key, k->rec[i].klen, key + k->rec[i].klen, k->rec[i].vlen) != 0;
    }
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    ne_dedup_stats now;
    ne_dedup_get_stats(fresh, &now);
    double mb = (double)k->buf.len / 1e6;
    printf("rebuild: %zu changelog records (%.1f MB, %.0f bytes per stored article), applied in %.2f s CPU: "
           "%.0f records/s, %.0f articles/s, %.1f MB/s; %zu malformed\n",
           k->n, mb, was->articles ? (double)k->buf.len / (double)was->articles : 0, cpu, k->n / cpu,
           (double)now.articles / cpu, mb / cpu, bad);
    printf("  state: %llu articles, %llu claims rebuilt (the run stored %llu and %llu)\n",
           (unsigned long long)now.articles, (unsigned long long)now.claims,
           (unsigned long long)was->articles, (unsigned long long)was->claims);
    ne_dedup_destroy(fresh);
    return bad || now.articles != was->articles || now.claims != was->claims;
}

int main(int argc, char **argv)
{
    const char *cfg_path = NULL, *corpus = NULL, *label = "chain";
    size_t max_records = (size_t)-1;
    int threads = 1, rebuild = 0;
    double max_s = 60;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) cfg_path = argv[++i];
        else if (!strcmp(argv[i], "--max-records") && i + 1 < argc) max_records = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc) max_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rebuild")) rebuild = 1;
        else if (argv[i][0] != '-' && !corpus) corpus = argv[i];
        else {
            fprintf(stderr, "usage: bench_offline [-c CONFIG] [--max-records N] [--max-seconds S] "
                            "[--label L] [--threads T] [--rebuild] CORPUS.jsonl\n");
            return 2;
        }
    }
    if (!corpus) { fprintf(stderr, "bench_offline: no corpus\n"); return 2; }
    setenv("NEWSENRICH_LOG_LEVEL", "error", 0);

    size_t n, bytes;
    record *recs = load(corpus, max_records, &n, &bytes);
    if (!recs || n == 0) { fprintf(stderr, "bench_offline: empty corpus\n"); return 1; }

    char err[512];
    ne_config *cfg = cfg_path ? ne_config_load(cfg_path, err, sizeof err) : ne_config_defaults();
    if (!cfg) { fprintf(stderr, "bench_offline: %s\n", err); return 1; }
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (!p) { fprintf(stderr, "bench_offline: %s\n", err); return 1; }
    kept k = {0};
    if (rebuild) ne_pipeline_set_changelog(p, "bench");

    ne_workers *pool = NULL;
    if (threads > 1 && !(pool = ne_workers_new(p, threads, err, sizeof err))) {
        fprintf(stderr, "bench_offline: %s\n", err);
        return 1;
    }

    ne_outbox ob = {0};
    size_t done = 0, done_bytes = 0, events = 0, submitted = 0;
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), wall = 0;
    if (!pool) {
        for (; done < n; done++) {
            ne_origin src = {"bench", 0, (int64_t)done, NULL, 0};
            ne_pipeline_process(p, recs[done].p, recs[done].len, &src, &ob);
            if (rebuild) keep_changelog(&k, &ob);
            events += ob.n;
            done_bytes += recs[done].len;
            if ((done & 63) == 63 && (wall = clock_s(CLOCK_MONOTONIC) - w0) >= max_s) { done++; break; }
        }
    } else {
        int stop = 0;
        while (done < submitted || (!stop && submitted < n)) {
            while (!stop && submitted < n && !ne_workers_full(pool)) {
                /* literal topic, no key: the origin needs nothing kept */
                ne_origin src = {"bench", 0, (int64_t)submitted, NULL, 0};
                ne_workers_submit(pool, recs[submitted].p, recs[submitted].len, &src, &recs[submitted]);
                submitted++;
            }
            record *r = ne_workers_finish(pool, -1, &ob, NULL);
            if (rebuild) keep_changelog(&k, &ob);
            events += ob.n;
            done_bytes += r->len;
            if ((++done & 63) == 0 && clock_s(CLOCK_MONOTONIC) - w0 >= max_s) stop = 1;
        }
    }
    wall = clock_s(CLOCK_MONOTONIC) - w0;
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;

    ne_pipeline_stats st;
    ne_pipeline_get_stats(p, &st);
    double share = wall > 0 ? cpu / wall : 1, mb = (double)done_bytes / 1e6;
    printf("offline %s: %zu of %zu articles (%.1f MB), %.2f s wall, %.2f s CPU (%.0f%% of a core: "
           "the machine is shared)\n", label, done, n, mb, wall, cpu, 100 * share);
    printf("  %-22s %9.0f articles/s CPU %7.1f MB/s %10.0f tokens/s | %7.0f articles/s wall\n",
           "whole chain", done / cpu, mb / cpu, (double)st.tokens / cpu, done / wall);
    double stage_total = 0;
    for (size_t i = 0; i < st.nstages; i++) stage_total += (double)st.stage_us[i] / 1e6;
    for (size_t i = 0; i < st.nstages && !pool; i++) {
        double s = (double)st.stage_us[i] / 1e6 * share;
        printf("  stage %-16s %9.0f articles/s CPU %7.1f MB/s %5.1f%% of the chain\n", st.stage_names[i],
               s > 0 ? done / s : 0, s > 0 ? mb / s : 0, 100.0 * (double)st.stage_us[i] / 1e6 / wall);
    }
    double rest = (wall - stage_total) * share;
    if (!pool)
        printf("  %-22s %9.0f articles/s CPU %7.1f MB/s %5.1f%% of the chain\n", "decode + render",
               rest > 0 ? done / rest : 0, rest > 0 ? mb / rest : 0, 100.0 * (wall - stage_total) / wall);
    else
        printf("  %d threads for the per-article stages\n", threads);
    printf("  outcomes: %llu enriched, %llu duplicates, %llu dead-lettered; %zu events\n",
           (unsigned long long)st.enriched, (unsigned long long)st.duplicates,
           (unsigned long long)st.rejected, events);
    ne_dedup_stats ds;
    ne_dedup_get_stats(ne_pipeline_stage_state(p, "dedup"), &ds);
    if (ds.articles) {
        double a = (double)ds.articles;
        printf("  dedup state: %llu articles, %llu claims; story features kept in article records "
               "(the table took no more of them) %.1f B per article\n",
               (unsigned long long)ds.articles, (unsigned long long)ds.claims,
               (double)ds.bytes_story_records / a);
        /* capacity allocated, as bench_dedup --state counts it */
        printf("  dedup state, bytes per stored article: index %.1f | story features + table %.1f | "
               "claims %.1f\n",
               (double)ds.bytes_index / a, (double)ds.bytes_story / a, (double)ds.bytes_claims / a);
    }
    if (threads > 1)
        printf("  probable exact copies left to the ordered half: %llu (%llu of them not duplicates)\n",
               (unsigned long long)st.hinted, (unsigned long long)st.hinted_not_exact);

    printf("BENCH {\"label\":\"%s\",\"threads\":%d,\"articles\":%zu,\"bytes\":%zu,\"tokens\":%llu,\"wall_s\":%.4f,"
           "\"cpu_s\":%.4f,\"enriched\":%llu,\"duplicates\":%llu,\"rejected\":%llu,\"stages\":{",
           label, threads, done, done_bytes, (unsigned long long)st.tokens, wall, cpu,
           (unsigned long long)st.enriched, (unsigned long long)st.duplicates,
           (unsigned long long)st.rejected);
    for (size_t i = 0; i < st.nstages; i++)
        printf("%s\"%s\":%.4f", i ? "," : "", st.stage_names[i], (double)st.stage_us[i] / 1e6 * share);
    printf(",\"decode+render\":%.4f}}\n", rest);
    int rc = rebuild ? time_rebuild(cfg, &ds, &k) : 0;

    kept_free(&k);
    ne_outbox_free(&ob);
    ne_workers_free(pool);
    ne_pipeline_free(p);
    ne_config_free(cfg);
    for (size_t i = 0; i < n; i++) free(recs[i].p);
    free(recs);
    return rc;
}
