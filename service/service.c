#include "service/service.h"
#include "service/outgate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "consumer/changelog.h"
#include "consumer/consumer.h"
#include "consumer/subs.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/pipeline/workers.h"
#include "notifier/notifier.h"
#include "producer/producer.h"
#include "producer/transaction.h"

/* How long a full in-flight window may last before partitions are paused. */
#define STALL_BEFORE_PAUSE_S 1.0
/* Exactly once: a transaction is committed at least this often. */
#define TXN_MAX_MS 100
/* How long start-up waits for the output topics' size limits. */
#define TOPIC_LIMITS_TIMEOUT_MS 5000
/* At least once, while outputs wait for the changelog (outgate.h): the
 * longest wait in the consumer's poll, so that their delivery reports are
 * served soon. */
#define GATE_POLL_MS 2

typedef struct service {
    const ne_config *cfg;
    ne_consumer *consumer;
    ne_producer *producer;
    ne_pipeline *pipeline;
    ne_workers *workers;  /* NULL: the chain runs on this thread (processing.threads 1) */
    ne_outbox outbox;
    ne_txn *txn;          /* exactly_once only */
    int txn_failed;       /* the producer was fenced or broke */

    ne_metrics *metrics;  /* may be NULL: every update is then a no-op */
    ne_series *m_consumed, *m_outcome[NE_OUTCOME__COUNT], *m_events[NE_TOPIC__COUNT], *m_dead[NE_REJECT__COUNT];
    ne_series *m_delivery_failed, *m_txn_commits, *m_txn_aborts, *m_in_flight;
    ne_series *m_stage[8], *m_record_us;
    ne_series *m_state_entries[2], *m_state_bytes[3];  /* the dedup state's size; NULL without dedup */
    ne_pipeline_stats last_stats;
    ne_changelog *changelog;  /* the dedup state's changelog; NULL with dedup disabled */
    ne_outgate *gate;         /* at least once with a changelog: outputs wait for it (outgate.h) */
    ne_subs *subs;            /* follows topics.subscriptions; NULL when it cannot be read */
    ne_config *live;          /* the file's config with the topic's entries: what the pipeline
                                 reads (NULL: s->cfg); owned, freed once no stage reads it */
    ne_config **retired;      /* configs a failed reconfigure may have left stages reading */
    size_t nretired, cap_retired;

    const ne_service_opts *opts;  /* may be NULL */
    ne_metrics *own_metrics;      /* made here when opts has none and metrics.enabled */
    ne_metrics_server *server;
    ne_notifier *notifier;        /* NULL without subscriptions */
    long consumed, last_consumed;
    double last_t, full_since;    /* last progress line; since when the window is full */
    int interval;                 /* seconds between progress lines */
    int rc;                       /* the exit code so far */
} service;

/* Changelog records (this instance's own and the other instances') go
 * into the dedup state; ne_dedup_apply is idempotent. */
static int apply_changelog(void *ctx, const char *key, size_t key_len, const char *value, size_t len)
{
    return ne_dedup_apply(ctx, key, key_len, value, len);
}

/* An id of this process for its changelog records: unique across
 * instances and restarts (a restarted instance starts with an empty state
 * and must apply its predecessor's records). */
static void make_origin(char *out, size_t len)
{
    uint64_t r[2] = {0, 0};
    if (getentropy(r, sizeof r) != 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        r[1] = (uint64_t)getpid();
    }
    snprintf(out, len, "%016llx%016llx", (unsigned long long)r[0], (unsigned long long)r[1]);
}

static rd_kafka_resp_err_t gate_send(void *ctx, const ne_event *ev, void *opaque);
static void gate_fail(void *ctx, const ne_event *ev, void *opaque, rd_kafka_resp_err_t err);

/* Rebuilds the dedup state from the changelog before any article is
 * consumed, and makes the pipeline publish its inserts there. Returns 0,
 * or -1 with err filled when the changelog cannot be read. */
static int start_changelog(service *s, char *err, size_t errlen)
{
    ne_dedup_state *dd = ne_pipeline_stage_state(s->pipeline, "dedup");
    if (!dd || !s->cfg->dedup.enabled) return 0;
    ne_changelog_opts o = {.topic = s->cfg->topics.changelog, .what = "changelog"};
    s->changelog = ne_changelog_new(s->cfg, &o, apply_changelog, dd, err, errlen);
    if (!s->changelog) return -1;
    if (ne_changelog_partitions(s->changelog) > 1)
        ne_log(NE_LOG_WARN, "changelog", "%s has %d partitions: the rebuild reads them interleaved, "
               "so a re-delivered article may be judged against articles stored after its first "
               "attempt (enrichers/dedup/DEDUP.md, \"Redelivery: the guarantee\"); create it with one",
               s->cfg->topics.changelog, ne_changelog_partitions(s->changelog));
    char origin[40];
    make_origin(origin, sizeof origin);
    ne_changelog_skip_origin(s->changelog, origin);
    ne_pipeline_set_changelog(s->pipeline, origin);
    /* After the timeout the reader goes on catching up in the main loop. */
    ne_changelog_catch_up(s->changelog, s->cfg->dedup.rebuild_timeout_ms);
    /* at least once, an output is visible only once the state it was
     * decided against is durable (exactly once: the transaction) */
    if (s->cfg->processing.guarantee != NE_EXACTLY_ONCE) {
        s->gate = ne_outgate_new(gate_send, gate_fail, s);
        /* The outputs are produced one changelog acknowledgement later:
         * learn their topics' leaders now, or the first of them wait for
         * a metadata refresh (~1 s) after the first acknowledgement. */
        rd_kafka_t *rk = ne_producer_handle(s->producer);
        for (int t = 0; t < NE_TOPIC__COUNT; t++) {
            rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, ne_topic_name(s->cfg, t), NULL);
            const struct rd_kafka_metadata *md = NULL;
            if (rkt && rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
                rd_kafka_metadata_destroy(md);
            if (rkt) rd_kafka_topic_destroy(rkt);
        }
    }
    return 0;
}

/* Reads the output topics' max.message.bytes and checks that an accepted
 * record's outputs have room under them (the producer's own limit was
 * checked with the configuration). Returns 0, or -1 with err filled. */
static int check_topic_limits(service *s, char *err, size_t errlen)
{
    if (ne_producer_read_topic_limits(s->producer, TOPIC_LIMITS_TIMEOUT_MS) <= 0) return 0;
    char enriched[300], dlq[300];
    snprintf(enriched, sizeof enriched, "topic %s's max.message.bytes", s->cfg->topics.enriched);
    snprintf(dlq, sizeof dlq, "topic %s's max.message.bytes", s->cfg->topics.dlq);
    return ne_config_check_output_room(s->cfg->processing.max_record_bytes,
                                       ne_producer_max_record(s->producer, NE_TOPIC_ENRICHED), enriched,
                                       ne_producer_max_record(s->producer, NE_TOPIC_DLQ), dlq, err, errlen);
}

/* Latency buckets, microseconds: 10 µs to 1 s. */
static const double latency_bounds_us[] = {10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
                                           10000, 25000, 100000, 1000000};
#define NBOUNDS (sizeof latency_bounds_us / sizeof latency_bounds_us[0])

/* Resolves every series the service updates, so that the hot path does no
 * lookups. */
static void register_metrics(service *s)
{
    static const char *const outcomes[NE_OUTCOME__COUNT] = {"enriched", "duplicate", "rejected"};
    char labels[128];
    ne_metrics *m = s->metrics;
    s->m_consumed = ne_metrics_counter(m, "newsenrich_records_consumed_total",
                                       "Input records consumed.", "");
    for (int i = 0; i < NE_OUTCOME__COUNT; i++) {
        snprintf(labels, sizeof labels, "outcome=\"%s\"", outcomes[i]);
        s->m_outcome[i] = ne_metrics_counter(m, "newsenrich_records_total",
                                             "Input records by outcome.", labels);
    }
    for (int t = 0; t < NE_TOPIC__COUNT; t++) {
        snprintf(labels, sizeof labels, "topic=\"%s\"", ne_topic_name(s->cfg, t));
        s->m_events[t] = ne_metrics_counter(m, "newsenrich_events_produced_total",
                                            "Events handed to the producer, by topic.", labels);
    }
    for (int r = 1; r < NE_REJECT__COUNT; r++) {
        snprintf(labels, sizeof labels, "reason=\"%s\"", ne_reject_reason(r));
        s->m_dead[r] = ne_metrics_counter(m, "newsenrich_dead_lettered_total",
                                          "Input records dead-lettered, by reason.", labels);
    }
    s->m_delivery_failed = ne_metrics_counter(m, "newsenrich_delivery_failures_total",
                                              "Events the broker finally refused.", "");
    s->m_txn_commits = ne_metrics_counter(m, "newsenrich_transactions_total",
                                          "Transactions by result (exactly_once).", "result=\"committed\"");
    s->m_txn_aborts = ne_metrics_counter(m, "newsenrich_transactions_total",
                                         "Transactions by result (exactly_once).", "result=\"aborted\"");
    s->m_in_flight = ne_metrics_gauge(m, "newsenrich_records_in_flight",
                                      "Input records awaiting acknowledgement of their events.", "");
    s->m_record_us = ne_metrics_histogram(m, "newsenrich_record_duration_us",
                                          "Time to process one record through the chain, microseconds.",
                                          "", latency_bounds_us, NBOUNDS);
    if (ne_pipeline_stage_state(s->pipeline, "dedup")) {
        static const char *const entries[2] = {"articles", "claims"};
        static const char *const parts[3] = {"index", "story", "claims"};
        for (int i = 0; i < 2; i++) {
            snprintf(labels, sizeof labels, "kind=\"%s\"", entries[i]);
            s->m_state_entries[i] = ne_metrics_gauge(m, "newsenrich_state_entries",
                                                     "Entries in the dedup state, by kind.", labels);
        }
        for (int i = 0; i < 3; i++) {
            snprintf(labels, sizeof labels, "part=\"%s\"", parts[i]);
            s->m_state_bytes[i] = ne_metrics_gauge(m, "newsenrich_state_bytes",
                                                   "Memory of the dedup state, bytes, by part.", labels);
        }
    }
    ne_pipeline_get_stats(s->pipeline, &s->last_stats);
    for (size_t i = 0; i < s->last_stats.nstages && i < 8; i++) {
        snprintf(labels, sizeof labels, "stage=\"%s\"", s->last_stats.stage_names[i]);
        s->m_stage[i] = ne_metrics_histogram(m, "newsenrich_stage_duration_us",
                                             "Time per record in each enrichment stage, microseconds.",
                                             labels, latency_bounds_us, NBOUNDS);
    }
}

/* Counts one processed record: its outcome, its events, its time through
 * the chain and its stage times. */
static void record_metrics(service *s, enum ne_outcome outcome)
{
    if (!s->metrics) return;
    ne_pipeline_stats st;
    ne_pipeline_get_stats(s->pipeline, &st);
    ne_metric_add(s->m_consumed, 1);
    ne_metric_add(s->m_outcome[outcome], 1);
    ne_metric_observe(s->m_record_us, (double)(st.elapsed_us - s->last_stats.elapsed_us));
    for (size_t i = 0; i < s->outbox.n; i++) {
        const ne_event *ev = &s->outbox.ev[i];
        ne_metric_add(s->m_events[ev->topic], 1);
        if (ev->topic == NE_TOPIC_DLQ && ev->nheaders)
            for (int r = 1; r < NE_REJECT__COUNT; r++)
                if (!strcmp(ev->headers[0].value, ne_reject_reason(r))) ne_metric_add(s->m_dead[r], 1);
    }
    if (outcome != NE_OUTCOME_REJECTED) /* a rejected record never reaches the stages */
        for (size_t i = 0; i < st.nstages && i < 8; i++)
            ne_metric_observe(s->m_stage[i], (double)(st.stage_us[i] - s->last_stats.stage_us[i]));
    s->last_stats = st;
    ne_metric_set(s->m_in_flight, (double)ne_consumer_in_flight(s->consumer));
}

/* Delivery reports carry the in-flight handle of the input record. A
 * record the broker refused for its size lowers its topic's limit below
 * it, so that its input, consumed again (exactly once: after the abort;
 * at least once: after the restart this failure causes, which reads the
 * topics' limits again), is dead-lettered instead of produced again. */
static void on_delivery(void *ctx, void *opaque, rd_kafka_resp_err_t err,
                        const rd_kafka_message_t *msg)
{
    service *s = ctx;
    if (err && msg && ne_producer_size_error(err)) {
        const char *topic = rd_kafka_topic_name(msg->rkt);
        ne_producer_note_refused(s->producer, topic, msg->len);
        ne_log(NE_LOG_ERROR, "service", "the broker refused a record of %zu bytes for %s (%s): its "
               "limit is now below that, and the input will be dead-lettered as output_too_large when "
               "consumed again", msg->len, topic, rd_kafka_err2str(err));
    }
    if (err) ne_metric_add(s->m_delivery_failed, 1);
    int changelog = s->gate && msg && !strcmp(rd_kafka_topic_name(msg->rkt), s->cfg->topics.changelog);
    if (changelog) opaque = ne_outgate_changelog_done(s->gate, opaque, err);
    if (s->consumer) ne_consumer_ack(s->consumer, opaque, err);
    if (changelog && s->consumer) ne_outgate_release(s->gate);
}

/* outgate: produces one event of a record */
static rd_kafka_resp_err_t gate_send(void *ctx, const ne_event *ev, void *opaque)
{
    service *s = ctx;
    return ne_producer_send(s->producer, ev, opaque);
}

/* outgate: an event that could not be enqueued fails its record */
static void gate_fail(void *ctx, const ne_event *ev, void *opaque, rd_kafka_resp_err_t err)
{
    service *s = ctx;
    ne_log(NE_LOG_ERROR, "service", "cannot produce to %s: %s", ne_topic_name(s->cfg, ev->topic),
           rd_kafka_err2str(err));
    if (s->consumer) ne_consumer_ack(s->consumer, opaque, err);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where a consumed record came from; its strings point into m. */
static ne_origin origin_of(const rd_kafka_message_t *m)
{
    return (ne_origin){rd_kafka_topic_name(m->rkt), m->partition, m->offset, m->key, m->key_len};
}

/* Every event of the record must fit its topic's limit
 * (ne_producer_max_record): retrying an event the broker refuses for its
 * size can never succeed. An event over it makes the record a dead letter
 * (output_too_large); a dead letter over it is cut to fit and says so.
 * Returns the record's outcome after that. */
static enum ne_outcome fit_outputs(service *s, const rd_kafka_message_t *m, enum ne_outcome outcome)
{
    for (size_t i = 0; i < s->outbox.n; i++) {
        const ne_event *ev = &s->outbox.ev[i];
        size_t bytes = ne_event_record_bytes(ev), max = ne_producer_max_record(s->producer, ev->topic);
        if (ev->raw || bytes <= max) continue;
        char detail[320];
        snprintf(detail, sizeof detail, "its %s event of %zu bytes is over the topic's limit of %zu "
                 "bytes", ne_topic_name(s->cfg, ev->topic), bytes, max);
        ne_origin src = origin_of(m);
        outcome = ne_pipeline_reject_output(s->pipeline, outcome, m->payload, m->len, &src, detail,
                                            &s->outbox);
        break;
    }
    for (size_t i = 0; i < s->outbox.n; i++) {
        ne_event *ev = &s->outbox.ev[i];
        size_t bytes = ne_event_record_bytes(ev), max = ne_producer_max_record(s->producer, ev->topic);
        if (ev->raw && ne_dead_letter_fit(ev, max))
            ne_log_rec(NE_LOG_WARN, "service", rd_kafka_topic_name(m->rkt), m->partition, m->offset,
                       "dead letter of %zu bytes is over %s's limit of %zu bytes: its value is cut to "
                       "%zu bytes (error.truncated, error.original_bytes, error.sha256)",
                       bytes, ne_topic_name(s->cfg, ev->topic), max, ev->value_len);
    }
    return outcome;
}

/* Produces the events of a processed record (s->outbox) and tracks them
 * against its offset. Returns 0, or -1 when an event could not even be
 * enqueued (already logged and acknowledged as failed, which pins the
 * partition). */
static int publish_record(service *s, const rd_kafka_message_t *m, enum ne_outcome outcome)
{
    outcome = fit_outputs(s, m, outcome);
    record_metrics(s, outcome);

    /* Exactly once, offsets travel in the transaction, not via the tracker. */
    ne_inflight *f = NULL;
    if (s->txn) {
        if (ne_txn_begin(s->txn) != NE_TXN_OK) {
            s->txn_failed = 1;
            ne_outbox_clear(&s->outbox);
            return -1;
        }
        ne_txn_add_record(s->txn, rd_kafka_topic_name(m->rkt), m->partition, m->offset);
    } else {
        f = ne_consumer_track(s->consumer, m, (int)s->outbox.n);
        /* the outputs wait for the changelog records (outgate.h) */
        if (s->gate) return ne_outgate_publish(s->gate, &s->outbox, f);   /* empties the outbox */
    }
    int rc = 0;
    for (size_t i = 0; i < s->outbox.n; i++) {
        rd_kafka_resp_err_t err = ne_producer_send(s->producer, &s->outbox.ev[i], f);
        if (err) {
            ne_log_rec(NE_LOG_ERROR, "service", rd_kafka_topic_name(m->rkt), m->partition, m->offset,
                       "cannot produce to %s: %s", ne_topic_name(s->cfg, s->outbox.ev[i].topic),
                       rd_kafka_err2str(err));
            if (f) ne_consumer_ack(s->consumer, f, err);
            else s->txn_failed = 1;
            rc = -1;
        }
    }
    ne_outbox_clear(&s->outbox);
    return rc;
}

/* Runs one record through the whole chain on this thread and publishes
 * its events. */
static void handle_record(service *s, rd_kafka_message_t *m)
{
    ne_origin src = origin_of(m);
    enum ne_outcome outcome = ne_pipeline_process(s->pipeline, m->payload, m->len, &src, &s->outbox);
    publish_record(s, m, outcome);
    rd_kafka_message_destroy(m);
}

/* Publishes the worker pool's records that are ready, oldest first, in
 * consumption order; waits up to timeout_ms for the oldest (-1: until
 * every pending record is published). The message stays alive until
 * then: the prepared document and the dead letter point into it. */
static void publish_prepared(service *s, int timeout_ms)
{
    if (!s->workers) return;
    enum ne_outcome outcome;
    rd_kafka_message_t *m;
    for (;;) {
        m = ne_workers_finish(s->workers, timeout_ms, &s->outbox, &outcome);
        if (!m) break;
        publish_record(s, m, outcome);
        rd_kafka_message_destroy(m);
        if (timeout_ms > 0) timeout_ms = 0;  /* then only what is ready already */
    }
}

/* Hands a consumed record to the chain: to the worker pool when there is
 * one (the caller made room), else through the chain right here. */
static void consume_record(service *s, rd_kafka_message_t *m)
{
    if (!s->workers) {
        handle_record(s, m);
        return;
    }
    ne_origin src = origin_of(m);
    ne_workers_submit(s->workers, m->payload, m->len, &src, m);
}

/* Records the pool holds are dropped, not published: after a failure
 * they are consumed again on restart. */
static void drop_prepared(service *s)
{
    if (!s->workers) return;
    for (rd_kafka_message_t *m; (m = ne_workers_drop(s->workers));) rd_kafka_message_destroy(m);
}

/* Commits the open transaction (exactly once); a fenced or broken
 * producer stops the service. With drain, every record consumed so far is
 * published into it first (a revoke, the shutdown); without, the records
 * still on the worker threads stay there and go in the next transaction,
 * so that the workers go on while the commit waits for the broker (it
 * carries the offsets of its own records, not the consumer's positions).
 * An abort rewinds the consumer to its committed offsets: the records
 * still held are dropped, they will be consumed again. */
static void commit_transaction(service *s, int drain)
{
    if (drain) publish_prepared(s, -1);
    if (!ne_txn_open(s->txn)) return;
    enum ne_txn_result r = ne_txn_commit(s->txn);
    if (r == NE_TXN_FATAL) s->txn_failed = 1;
    if (r == NE_TXN_ABORTED) drop_prepared(s);
    ne_metric_add(r == NE_TXN_OK ? s->m_txn_commits : s->m_txn_aborts, 1);
}

/* Revoke: let every produced event be acknowledged before offsets of the
 * revoked partitions are stored and committed; exactly once, commit the
 * transaction, which holds those offsets. */
static void drain_producer(void *ctx)
{
    service *s = ctx;
    if (s->txn) {
        commit_transaction(s, 1);
        return;
    }
    publish_prepared(s, -1);
    if (ne_producer_flush(s->producer, s->cfg->processing.shutdown_timeout_ms))
        ne_log(NE_LOG_WARN, "service", "revoke: %d event(s) still unacknowledged; "
               "the partitions' next owner will re-process them", ne_producer_outstanding(s->producer));
}

/* Backpressure. While processing.max_in_flight records await their
 * acknowledgements the loop stops consuming and waits on delivery reports,
 * which normally arrive within milliseconds. Pausing the partitions is
 * kept for a stall (a slow broker): it lets polling go on for the group
 * session, but librdkafka drops its prefetched records on pause and
 * fetches again on resume, which would cost far more than a short wait.
 * Returns 1 when the caller should skip consuming this round. */
static int window_full(service *s, double *full_since)
{
    long in_flight = ne_consumer_in_flight(s->consumer);
    long max = s->cfg->processing.max_in_flight;
    if (ne_consumer_paused(s->consumer)) {
        if (in_flight <= max / 2) ne_consumer_set_paused(s->consumer, 0);
        return 0; /* paused partitions yield nothing; polling serves the group */
    }
    if (in_flight < max) {
        *full_since = 0;
        return 0;
    }
    if (*full_since == 0) *full_since = now_s();
    if (now_s() - *full_since < STALL_BEFORE_PAUSE_S) {
        ne_producer_poll(s->producer, 10);
        ne_consumer_store(s->consumer);
        return 1;
    }
    ne_consumer_set_paused(s->consumer, 1);
    return 0;
}

/* The dedup state's size into its gauges. Here, beside the progress line,
 * rather than per record: the byte count walks every stored article (a few
 * milliseconds for a million), and this thread owns the state (workers.h). */
static void state_metrics(service *s)
{
    ne_dedup_state *dd = s->m_state_entries[0] ? ne_pipeline_stage_state(s->pipeline, "dedup") : NULL;
    if (!dd) return;
    ne_dedup_stats st;
    ne_dedup_get_stats(dd, &st);
    ne_metric_set(s->m_state_entries[0], (double)st.articles);
    ne_metric_set(s->m_state_entries[1], (double)st.claims);
    ne_metric_set(s->m_state_bytes[0], (double)st.bytes_index);
    ne_metric_set(s->m_state_bytes[1], (double)st.bytes_story);
    ne_metric_set(s->m_state_bytes[2], (double)st.bytes_claims);
}

static void log_progress(service *s, long consumed, long *last_consumed, double *last_t)
{
    double t = now_s();
    state_metrics(s);
    ne_pipeline_stats st;
    ne_pipeline_get_stats(s->pipeline, &st);
    ne_log(NE_LOG_INFO, "service",
           "progress: %ld consumed (%.0f/s), %llu enriched, %llu duplicates, %llu dead-lettered, "
           "%ld in flight, %d partition(s), lag %lld",
           consumed, (double)(consumed - *last_consumed) / (t - *last_t),
           (unsigned long long)st.enriched, (unsigned long long)st.duplicates,
           (unsigned long long)st.rejected, ne_consumer_in_flight(s->consumer),
           ne_consumer_assigned(s->consumer), ne_consumer_lag(s->consumer));
    *last_consumed = consumed;
    *last_t = t;
}

/* ---- the live watchlist and subscriptions ------------------------------ */

/* Reads topics.subscriptions to its end before anything is consumed, so
 * that the first article already meets the watchlist in force. Without
 * the topic (no permission, a cluster that cannot create it) the service
 * goes on with the file's entries: logged, not fatal. */
static void start_subscriptions(service *s)
{
    char err[512];
    s->subs = ne_subs_open(s->cfg, "service", s->metrics, NE_SUBS_CATCH_UP_MS, err, sizeof err);
    if (!s->subs) {
        ne_log(NE_LOG_ERROR, "service", "%s: the watchlist and subscriptions are the configuration file's "
               "only, and will not follow changes", err);
        return;
    }
    s->live = ne_subs_merge(s->subs, s->cfg);
}

/* Starts the notifier thread when there are subscriptions (the file's or
 * the topic's) and none runs yet. The notifier follows the topic itself,
 * from the file's config. 0, or 1 (logged) when the thread cannot start. */
static int start_notifier(service *s)
{
    const ne_service_opts *opts = s->opts;
    const ne_config *cur = s->live ? s->live : s->cfg;
    char err[512];
    if (s->notifier || !cur->webhooks.nsubscriptions || (opts && opts->no_notifier)) return 0;
    ne_notifier_opts nopts = {.stop = opts ? opts->stop : NULL,
                              .reload = opts ? opts->reload : NULL,
                              .config_path = opts ? opts->config_path : NULL,
                              .metrics = s->metrics};
    s->notifier = ne_notifier_start(s->cfg, &nopts, err, sizeof err);
    if (!s->notifier) { ne_log(NE_LOG_ERROR, "service", "notifier: %s", err); return 1; }
    return 0;
}

static void free_retired(service *s)
{
    for (size_t i = 0; i < s->nretired; i++) ne_config_free(s->retired[i]);
    s->nretired = 0;
}

/* Lays the topic's change over the file's entries and hands the result to
 * the pipeline and its workers. Called between records with no record on
 * the workers (pipeline.h, ne_pipeline_reconfigure): the old config is
 * freed as soon as no stage reads it. A failure (the gazetteer file gone)
 * keeps every config a stage may read alive, and the next change tries
 * again. */
static void apply_live_config(service *s)
{
    char err[512];
    ne_config *next = ne_subs_merge(s->subs, s->cfg);
    int rc = ne_pipeline_reconfigure(s->pipeline, next, err, sizeof err);
    if (rc == 0 && s->workers) rc = ne_workers_reconfigure(s->workers, next, err, sizeof err);
    if (rc) {
        ne_log(NE_LOG_ERROR, "service", "cannot apply the new watchlist and subscriptions: %s", err);
        ne_grow(&s->retired, &s->cap_retired, s->nretired + 1, sizeof *s->retired);
        s->retired[s->nretired++] = next;
        return;
    }
    free_retired(s);
    ne_config_free(s->live);
    s->live = next;
    if (start_notifier(s)) s->rc = 1;
}

/* ---- open, step, close ------------------------------------------------ */

/* Starts everything in order: metrics, the chain and its workers, the
 * producer (and the output topics' size limits), exactly once its
 * transactions, the dedup state from the changelog, then the consumer,
 * which joins the group only now so that no partition waits assigned to
 * an instance still rebuilding its state, and the notifier thread.
 * Returns 0, or the exit code (1 runtime, 2 configuration), logged. */
static int service_open(service *s)
{
    const ne_config *cfg = s->cfg;
    const ne_service_opts *opts = s->opts;
    char err[512];
    s->metrics = opts ? opts->metrics : NULL;
    if (!s->metrics && cfg->metrics.enabled) {
        s->metrics = s->own_metrics = ne_metrics_new();
        s->server = ne_metrics_serve(s->metrics, cfg->metrics.listen, err, sizeof err);
        if (!s->server) { ne_log(NE_LOG_ERROR, "service", "%s", err); return 1; }
        ne_log(NE_LOG_INFO, "service", "metrics on http://%s/metrics", cfg->metrics.listen);
    }
    ne_metrics_set_ready(s->metrics, NE_READY_STATE, 0);

    start_subscriptions(s);
    s->pipeline = ne_pipeline_new(s->live ? s->live : cfg, err, sizeof err);
    if (!s->pipeline) { ne_log(NE_LOG_ERROR, "service", "pipeline: %s", err); return 1; }
    register_metrics(s);
    int threads = ne_workers_count(cfg);
    if (threads > 1 && !(s->workers = ne_workers_new(s->pipeline, threads, err, sizeof err))) {
        ne_log(NE_LOG_ERROR, "service", "workers: %s", err);
        return 1;
    }
    s->producer = ne_producer_new(cfg, on_delivery, s, err, sizeof err);
    if (!s->producer) { ne_log(NE_LOG_ERROR, "service", "producer: %s", err); return 2; }
    if (!(opts && opts->no_topic_limits) && check_topic_limits(s, err, sizeof err)) {
        ne_log(NE_LOG_ERROR, "service", "%s", err);
        return 2;
    }
    /* Exactly once: fence this instance's predecessor before reading the
     * changelog, so that the transaction a killed predecessor left open is
     * aborted and no longer holds back what a read_committed reader sees. */
    if (cfg->processing.guarantee == NE_EXACTLY_ONCE) {
        s->txn = ne_txn_new(ne_producer_handle(s->producer), cfg->processing.max_in_flight,
                            TXN_MAX_MS, err, sizeof err);
        if (!s->txn) { ne_log(NE_LOG_ERROR, "service", "exactly_once: %s", err); return 1; }
    }
    if (start_changelog(s, err, sizeof err)) { ne_log(NE_LOG_ERROR, "service", "%s", err); return 2; }
    ne_metrics_set_ready(s->metrics, NE_READY_STATE, 1);
    state_metrics(s);
    s->consumer = ne_consumer_new(cfg, drain_producer, s, s->metrics, err, sizeof err);
    if (!s->consumer) { ne_log(NE_LOG_ERROR, "service", "consumer: %s", err); return 2; }
    if (s->txn) ne_txn_attach_consumer(s->txn, ne_consumer_handle(s->consumer));

    if (start_notifier(s)) return 1;
    ne_log(NE_LOG_INFO, "service", "consuming %s as group %s (%s)", cfg->topics.raw,
           ne_config_kafka_get(cfg, "group.id") ? ne_config_kafka_get(cfg, "group.id") : "?",
           cfg->processing.guarantee == NE_EXACTLY_ONCE ? "exactly_once" : "at_least_once");
    return 0;
}

/* Whether opts->stop_after records are consumed and everything they
 * produced is published and acknowledged (the demo and tests). */
static int stop_after_reached(const service *s)
{
    const ne_service_opts *opts = s->opts;
    return opts && opts->stop_after > 0 && s->consumed >= opts->stop_after &&
           !(s->workers && ne_workers_pending(s->workers)) &&
           ne_consumer_in_flight(s->consumer) == 0 && !(s->txn && ne_txn_open(s->txn));
}

/* One round of the loop: publish what the workers finished, consume one
 * record (unless the window or the pool is full), serve delivery reports,
 * store offsets or commit the transaction. Returns 0 to go on, 1 to stop:
 * s->rc says whether after a failure (1) or because stop_after was reached. */
static int service_step(service *s)
{
    const ne_config *cfg = s->cfg;
    char err[512];
    if (s->changelog) ne_changelog_poll(s->changelog);
    publish_prepared(s, 0);
    /* A change of the watchlist waits for the workers to be empty: until
     * then nothing new is handed to them. */
    int hold = 0;
    if (s->subs && ne_subs_poll(s->subs)) {
        if (s->workers && ne_workers_pending(s->workers)) hold = 1;
        else apply_live_config(s);
        if (s->rc) return 1;
    }
    if (!s->txn && window_full(s, &s->full_since)) return 0;
    size_t pending = s->workers ? ne_workers_pending(s->workers) : 0;
    if (hold) {
        publish_prepared(s, 10);
    } else if (s->workers && ne_workers_full(s->workers)) {
        publish_prepared(s, 10);
    } else {
        /* With records on the workers, do not sit in the poll: their
         * events wait for this thread. */
        int wait = pending ? 0 : cfg->processing.poll_timeout_ms;
        /* held outputs go when a delivery report (served below) says the
         * changelog has them: do not sit in the poll meanwhile */
        if (wait > GATE_POLL_MS && ne_outgate_held(s->gate)) wait = GATE_POLL_MS;
        rd_kafka_message_t *m = ne_consumer_poll(s->consumer, wait);
        if (m) {
            s->consumed++;
            consume_record(s, m);
        } else if (pending) {
            publish_prepared(s, 1);
        }
    }
    ne_producer_poll(s->producer, 0);
    if (s->txn) {
        if (ne_txn_due(s->txn)) commit_transaction(s, 0);
    } else {
        ne_consumer_store(s->consumer);
    }

    if (s->txn_failed || ne_consumer_failed(s->consumer) ||
        ne_producer_fatal(s->producer, err, sizeof err)) {
        ne_log(NE_LOG_ERROR, "service", "stopping after a failure; unfinished records will be "
               "re-delivered on restart");
        s->rc = 1;
        return 1;
    }
    /* A notifier that finished on the stop flag ends the loop at its
     * next test; only a failed one stops the service with an error. */
    if (s->notifier && ne_notifier_failed(s->notifier)) {
        ne_log(NE_LOG_ERROR, "service", "the webhook notifier failed; stopping the service");
        s->rc = 1;
        return 1;
    }
    if (stop_after_reached(s)) return 1;
    if (now_s() - s->last_t >= s->interval) log_progress(s, s->consumed, &s->last_consumed, &s->last_t);
    return 0;
}

/* Ends the run in order: publish what was consumed (dropped after a
 * failure: it is consumed again on restart), commit or abort the open
 * transaction, flush the producer, commit the offsets and leave the group.
 * Updates s->rc. */
static void service_drain(service *s)
{
    ne_log(NE_LOG_INFO, "service", "shutting down: draining %ld record(s) in flight",
           ne_consumer_in_flight(s->consumer));
    if (s->rc) drop_prepared(s);
    else publish_prepared(s, -1);
    if (s->txn) {
        /* After a failure the open transaction is not trusted: abort it, its
         * records are consumed again on restart. */
        if (s->rc) ne_txn_abort(s->txn);
        else commit_transaction(s, 1);
        if (s->txn_failed) s->rc = 1;
    }
    if (ne_producer_flush(s->producer, s->cfg->processing.shutdown_timeout_ms)) {
        ne_log(NE_LOG_ERROR, "service", "%d event(s) unacknowledged at shutdown; their records "
               "are not committed and will be re-delivered", ne_producer_outstanding(s->producer));
        s->rc = 1;
    }
    if (ne_consumer_failed(s->consumer)) s->rc = 1;
    if (ne_consumer_close(s->consumer) != 0 && s->rc == 0) s->rc = 1;
    log_progress(s, s->consumed, &s->last_consumed, &s->last_t);
}

/* Frees everything service_open made, in the reverse order; fills res. */
static void service_close(service *s, ne_service_result *res)
{
    if (res) {
        memset(res, 0, sizeof *res);
        if (s->pipeline) ne_pipeline_get_stats(s->pipeline, &res->pipeline);
        res->consumed = s->consumed;
    }
    if (s->notifier) {
        int nrc = ne_notifier_stop_join(s->notifier, NULL);
        if (!s->rc) s->rc = nrc;
    }
    drop_prepared(s);   /* their messages belong to the consumer */
    ne_workers_free(s->workers);
    ne_txn_free(s->txn);
    ne_changelog_free(s->changelog);
    ne_consumer_free(s->consumer);
    s->consumer = NULL; /* late delivery reports during producer teardown must not touch it */
    ne_producer_free(s->producer);
    ne_outgate_free(s->gate);   /* after the producer: its last reports hand tickets back */
    ne_pipeline_free(s->pipeline);
    ne_subs_free(s->subs);
    ne_config_free(s->live);   /* after the pipeline and workers, which read it */
    free_retired(s);
    free(s->retired);
    ne_outbox_free(&s->outbox);
    ne_metrics_server_stop(s->server);
    ne_metrics_free(s->own_metrics);
}

int ne_service_run(const ne_config *cfg, const ne_service_opts *opts, ne_service_result *res)
{
    service s = {.cfg = cfg, .opts = opts, .last_t = now_s(),
                 .interval = opts && opts->progress_interval_s > 0 ? opts->progress_interval_s : 10};
    s.rc = service_open(&s);
    if (!s.rc) {
        while (!(opts && opts->stop && *opts->stop) && !service_step(&s)) {}
        service_drain(&s);
    }
    service_close(&s, res);
    return s.rc;
}
