/* The worker pool: the chain's per-article stages on threads, the dedup
 * state and the events in input order, the same events as on one thread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nebuf.h"
#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/pipeline/workers.h"
#include "tests/unit/test.h"

static const char *const PARAS[] = {
    "Russian President Vladimir Putin said on Saturday that his meeting with Donald Trump "
    "at the APEC summit in Da Nang was useful. \"We had a normal conversation,\" Putin told reporters.",
    "\"I think he is very insulted,\" Trump said of the Russian leader, adding that he believed "
    "Putin meant it when he denied meddling in the election.",
    "Senator John McCain of Arizona called the remarks naive. \"There's nothing America first about "
    "taking the word of a KGB colonel over that of the American intelligence community,\" he said.",
    "The White House press secretary, Sarah Huckabee Sanders, said the two leaders had agreed on a "
    "joint statement on Syria, which the Kremlin published later in the day.",
    "Dmitry Peskov, the Kremlin spokesman, told the Interfax news agency that no formal meeting had "
    "been planned. \"The schedules did not allow it,\" Peskov said.",
    "Economists at Goldman Sachs in New York expect growth to slow next year, according to a note "
    "sent to clients on Friday.",
    "Angela Merkel, the German chancellor, warned in Berlin that \"nobody wins a trade war\" and "
    "urged the European Union to stand together.",
    "Officials in Tokyo said the typhoon had left 12 people dead and thousands without power.",
};
#define NPARAS (sizeof PARAS / sizeof PARAS[0])

/* Record i of a stream with every kind of outcome: articles made of
 * different paragraphs (those with the same ones are near copies of each
 * other), exact copies of earlier ones under a new id, broken JSON and
 * invalid UTF-8. */
static char *make_record(size_t i, size_t *len)
{
    nebuf b = {0};
    if (i % 13 == 12) {
        nebuf_puts(&b, "{\"id\": \"broken-");
        nebuf_printf(&b, "%zu\", \"body\": \"unterminated", i);
    } else if (i % 17 == 16) {
        nebuf_printf(&b, "{\"id\": \"utf8-%zu\", \"body\": \"bad byte \xff here\"}", i);
    } else {
        /* an exact copy repeats the article 5 records back */
        size_t base = i % 7 == 6 ? i - 5 : i;
        size_t n = 3 + (base / NPARAS) % 4;
        nebuf_printf(&b, "{\"id\": \"a%zu\", \"title\": \"Story %zu\", \"published_at\": "
                     "\"2017-11-11T10:00:00Z\", \"body\": \"Filed as report %zu by the desk.", i,
                     base % 5, base);
        for (size_t k = 0; k < n; k++) {
            const char *p = PARAS[(base + k * 3) % NPARAS];
            nebuf_puts(&b, "\\n\\n");
            for (; *p; p++) {
                if (*p == '"') nebuf_puts(&b, "\\\"");
                else nebuf_putc(&b, *p);
            }
        }
        nebuf_puts(&b, "\"}");
    }
    return nebuf_detach(&b, len);
}

static int64_t fixed_clock(void *ctx)
{
    return *(int64_t *)ctx;
}

/* The events of one record as one line per event, with the time a record
 * took left out (it differs from run to run). */
static void append_events(nebuf *b, const ne_outbox *ob)
{
    for (size_t i = 0; i < ob->n; i++) {
        const ne_event *ev = &ob->ev[i];
        nebuf_printf(b, "%d %.*s %zu ", (int)ev->topic, (int)ev->key_len, ev->key, ev->nheaders);
        const char *v = ev->value, *end = v + ev->value_len;
        const char *e = ev->raw ? NULL : strstr(v, "\"elapsed_us\":");
        if (e && e < end) {
            nebuf_append(b, v, (size_t)(e - v));
            for (e += strlen("\"elapsed_us\":"); e < end && *e >= '0' && *e <= '9'; e++) {}
            nebuf_append(b, e, (size_t)(end - e));
        } else {
            nebuf_append(b, v, ev->value_len);
        }
        nebuf_putc(b, '\n');
    }
}

static ne_pipeline *new_pipeline(const ne_config *cfg, int64_t *now)
{
    char err[256];
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (p) ne_dedup_set_clock(ne_pipeline_stage_state(p, "dedup"), fixed_clock, now);
    return p;
}

/* A pipeline on a fixed clock and a pool of threads on it. */
typedef struct pool_fx {
    ne_config *cfg;
    int64_t now;
    ne_pipeline *p;
    ne_workers *w;
} pool_fx;

/* Non-zero when everything started. */
static int pool_init(pool_fx *f, int threads)
{
    char err[256];
    f->cfg = ne_config_defaults();
    f->now = 1700000000;
    f->p = new_pipeline(f->cfg, &f->now);
    f->w = f->p ? ne_workers_new(f->p, threads, err, sizeof err) : NULL;
    return f->w != NULL;
}

static void pool_free(pool_fx *f)
{
    ne_workers_free(f->w);
    ne_pipeline_free(f->p);
    ne_config_free(f->cfg);
}

#define NRECORDS 120

TEST(workers_publish_the_events_of_the_one_thread_chain_in_input_order)
{
    pool_fx f;
    int started = pool_init(&f, 3);
    ne_pipeline *one = new_pipeline(f.cfg, &f.now), *many = f.p;
    ne_workers *w = f.w;
    nebuf want = {0}, got = {0};
    ne_outbox ob = {0};
    char *recs[NRECORDS];
    size_t lens[NRECORDS];
    for (size_t i = 0; i < NRECORDS; i++) recs[i] = make_record(i, &lens[i]);
    CHECK(one && started);

    for (size_t i = 0; i < NRECORDS; i++) {
        ne_pipeline_process(one, recs[i], lens[i], NULL, &ob);
        append_events(&want, &ob);
    }
    /* Submit while there is room, take back what is ready: records finish
     * on the threads out of order, and must come back in order. */
    size_t next = 0, taken = 0;
    while (taken < NRECORDS) {
        while (next < NRECORDS && !ne_workers_full(w)) {
            ne_workers_submit(w, recs[next], lens[next], NULL, recs[next]);
            next++;
        }
        enum ne_outcome o;
        char *ctx = ne_workers_finish(w, -1, &ob, &o);
        CHECK(ctx == recs[taken]);
        taken++;
        append_events(&got, &ob);
    }
    CHECK(ne_workers_finish(w, 0, &ob, NULL) == NULL);

    ne_pipeline_stats s1, s2;
    ne_pipeline_get_stats(one, &s1);
    ne_pipeline_get_stats(many, &s2);
    CHECK_INT(s2.records, NRECORDS);
    CHECK_INT(s2.enriched, s1.enriched);
    CHECK_INT(s2.duplicates, s1.duplicates);
    CHECK_INT(s2.rejected, s1.rejected);
    /* every kind of outcome is in the stream */
    CHECK(s1.duplicates > 5 && s1.rejected > 5 && s1.enriched > 50);
    CHECK(strstr(want.p, "\"near\"") != NULL);
    CHECK_INT(got.len, want.len);
    CHECK(memcmp(got.p, want.p, want.len) == 0);

    for (size_t i = 0; i < NRECORDS; i++) free(recs[i]);
    nebuf_free(&want);
    nebuf_free(&got);
    ne_outbox_free(&ob);
    ne_pipeline_free(one);
    pool_free(&f);
}

/* A worker leaves entities and quotes to the ordered half when the dedup
 * state already holds the record's words under another id: an exact copy
 * then costs the worker the text layer only. When the copy turns out not
 * to be a duplicate after all (here: its original has passed the
 * retention window), the ordered half runs them. Either way the events
 * are the one-thread chain's. */
TEST(workers_leave_probable_exact_copies_to_the_ordered_half)
{
    pool_fx f;
    int started = pool_init(&f, 2);
    ne_pipeline *one = new_pipeline(f.cfg, &f.now);
    nebuf want = {0}, got = {0};
    ne_outbox ob = {0};
    /* record 6 is an exact copy of record 1 under another id; it comes
     * again once record 1 is past the retention window */
    const size_t order[] = {1, 6, 6};
    enum { N = sizeof order / sizeof order[0] };
    char *recs[N];
    size_t lens[N];
    for (size_t i = 0; i < N; i++) recs[i] = make_record(order[i], &lens[i]);
    CHECK(one && started);

    for (size_t i = 0; i < N; i++) {
        if (i == 2) f.now += (int64_t)f.cfg->dedup.retention_hours * 3600 + 60;
        ne_pipeline_process(one, recs[i], lens[i], NULL, &ob);
        append_events(&want, &ob);
        /* one at a time, so that each record's predecessor is stored */
        ne_workers_submit(f.w, recs[i], lens[i], NULL, recs[i]);
        enum ne_outcome o;
        CHECK(ne_workers_finish(f.w, -1, &ob, &o) == recs[i]);
        append_events(&got, &ob);
    }

    ne_pipeline_stats st;
    ne_pipeline_get_stats(f.p, &st);
    CHECK_INT(st.hinted, 2);             /* the copy, both times */
    CHECK_INT(st.hinted_not_exact, 1);   /* the second time its original had expired */
    CHECK_INT(st.duplicates, 1);
    CHECK_INT(st.enriched, 2);
    CHECK(strstr(want.p, "\"exact\"") != NULL);
    CHECK(strstr(want.p, "\"quotes\":[{") != NULL);
    CHECK_INT(got.len, want.len);
    CHECK(memcmp(got.p, want.p, want.len) == 0);

    for (size_t i = 0; i < N; i++) free(recs[i]);
    nebuf_free(&want);
    nebuf_free(&got);
    ne_outbox_free(&ob);
    ne_pipeline_free(one);
    pool_free(&f);
}

TEST(workers_drop_hands_back_pending_records_unpublished)
{
    pool_fx f;
    int started = pool_init(&f, 2);
    ne_workers *w = f.w;
    char *recs[8];
    size_t lens[8];
    CHECK(started);
    for (size_t i = 0; i < 8; i++) recs[i] = make_record(i, &lens[i]);

    size_t n = 0;
    while (!ne_workers_full(w) && n < 8) {
        ne_workers_submit(w, recs[n], lens[n], NULL, recs[n]);
        n++;
    }
    CHECK_INT(n, 8);                       /* 4 records a thread */
    CHECK(ne_workers_full(w));
    CHECK_INT(ne_workers_pending(w), 8);
    for (size_t i = 0; i < n; i++) CHECK(ne_workers_drop(w) == recs[i]);
    CHECK(ne_workers_drop(w) == NULL);
    CHECK_INT(ne_workers_pending(w), 0);

    /* nothing reached the ordered half: the dedup state did not see them */
    ne_pipeline_stats st;
    ne_pipeline_get_stats(f.p, &st);
    CHECK_INT(st.records, 0);
    ne_dedup_stats ds;
    ne_dedup_get_stats(ne_pipeline_stage_state(f.p, "dedup"), &ds);
    CHECK_INT(ds.articles, 0);

    for (size_t i = 0; i < 8; i++) free(recs[i]);
    pool_free(&f);
}

TEST(workers_count_follows_processing_threads)
{
    ne_config *cfg = ne_config_defaults();
    CHECK_INT(cfg->processing.threads, 0);
    CHECK(ne_workers_count(cfg) >= 1);     /* one per online core */
    cfg->processing.threads = 3;
    CHECK_INT(ne_workers_count(cfg), 3);
    ne_config_free(cfg);
}

TEST(workers_dead_letter_names_its_source_record)
{
    pool_fx f;
    int started = pool_init(&f, 2);
    ne_workers *w = f.w;
    ne_outbox ob = {0};
    char topic[] = "articles.raw", key[] = "k-7", rec[] = "{\"id\": \"x\", \"body\": ";
    CHECK(started);
    ne_origin src = {topic, 3, 42, key, 3};
    ne_workers_submit(w, rec, strlen(rec), &src, rec);
    src.partition = 9;   /* the pool keeps its own copy of the origin */
    src.offset = 99;
    enum ne_outcome o;
    CHECK(ne_workers_finish(w, -1, &ob, &o) == rec);
    CHECK_INT(o, NE_OUTCOME_REJECTED);
    CHECK_INT(ob.n, 1);
    CHECK_INT(ob.ev[0].topic, NE_TOPIC_DLQ);
    CHECK_SPAN(ob.ev[0].key, ob.ev[0].key_len, "k-7");
    CHECK_SPAN(ob.ev[0].value, ob.ev[0].value_len, rec);
    CHECK_STR(ob.ev[0].headers[0].value, "invalid_json");
    CHECK_STR(ob.ev[0].headers[2].value, "articles.raw");
    CHECK_STR(ob.ev[0].headers[3].value, "3");
    CHECK_STR(ob.ev[0].headers[4].value, "42");

    ne_outbox_free(&ob);
    pool_free(&f);
}
