#include "consumer/consumer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "producer/producer.h"

/* librdkafka statistics every 2 s unless kafka.statistics.interval.ms says
 * otherwise: they carry the lag and the broker state behind /readyz, which
 * must turn 503 within a few seconds of an outage. Parsing a consumer's
 * statistics (a few kB) every 2 s costs nothing measurable. */
#define STATS_INTERVAL_DEFAULT "2000"

/* One consumed record awaiting acknowledgement of its events. Entries of
 * a partition form a FIFO in offset order. */
struct ne_inflight {
    struct ne_inflight *next;
    struct part *part;
    int64_t  offset;
    int      pending;      /* events not yet acknowledged */
    int      failed;
    unsigned generation;   /* the assignment it was consumed under */
};

/* Tracking state of one partition of the input topic. Kept for the life
 * of the consumer (revoked partitions are only marked), because delivery
 * reports for their records may still arrive after a revoke. */
struct part {
    int32_t  partition;
    int      assigned;
    unsigned generation;
    ne_inflight *head, *tail;
    int64_t  done_offset;  /* next offset to store, -1 if none new */
    int      dirty;        /* done_offset not yet stored */
    int      pinned;       /* an event failed: stop storing */
};

struct ne_consumer {
    rd_kafka_t *rk;
    const ne_config *cfg;
    ne_drain_fn drain;
    void *drain_ctx;
    struct part *parts;    /* indexed by partition number */
    int32_t nparts;
    long in_flight;
    int paused;
    int failed;
    int closed;
    int assigned;
    ne_metrics *metrics;
    ne_series *m_rebalances, *m_assigned;
    long long lag;         /* total over the assignment, -1 until known */
    long stats_interval_ms;  /* librdkafka's statistics.interval.ms */
};

static struct part *part_get(ne_consumer *c, int32_t partition)
{
    if (partition < 0) return NULL;
    if (partition >= c->nparts) {
        int32_t n = partition + 1;
        struct part *np = ne_xrealloc(c->parts, (size_t)n * sizeof *np);
        memset(np + c->nparts, 0, (size_t)(n - c->nparts) * sizeof *np);
        for (int32_t i = c->nparts; i < n; i++) np[i].partition = i, np[i].done_offset = -1;
        /* Entries point at their part: re-point them after the move. */
        for (int32_t i = 0; i < c->nparts; i++)
            for (ne_inflight *f = np[i].head; f; f = f->next) f->part = &np[i];
        c->parts = np;
        c->nparts = n;
    }
    return &c->parts[partition];
}

/* Pops completed records from the head of the partition's FIFO and
 * remembers the offset to store: the one after the last completed. */
static void part_advance(ne_consumer *c, struct part *p)
{
    while (p->head && p->head->pending == 0 && !p->head->failed) {
        ne_inflight *f = p->head;
        p->head = f->next;
        if (!p->head) p->tail = NULL;
        if (p->assigned && f->generation == p->generation && !p->pinned) {
            p->done_offset = f->offset + 1;
            p->dirty = 1;
        }
        c->in_flight--;
        free(f);
    }
}

/* Stores the done offsets of every dirty assigned partition. */
static void store_dirty(ne_consumer *c)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    for (int32_t i = 0; i < c->nparts; i++) {
        struct part *p = &c->parts[i];
        if (!p->dirty || !p->assigned) continue;
        if (!l) l = rd_kafka_topic_partition_list_new(4);
        rd_kafka_topic_partition_list_add(l, c->cfg->topics.raw, p->partition)->offset = p->done_offset;
        p->dirty = 0;
    }
    if (!l) return;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(c->rk, l);
    if (err) ne_log(NE_LOG_WARN, "consumer", "storing offsets failed: %s", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(l);
}

static void commit_sync(ne_consumer *c)
{
    rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, NULL, 0);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        ne_log(NE_LOG_WARN, "consumer", "offset commit failed: %s", rd_kafka_err2str(err));
}

static void log_partitions(const char *what, const rd_kafka_topic_partition_list_t *parts)
{
    char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < parts->cnt && n < sizeof buf - 16; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s[%d]", i ? " " : "",
                              parts->elems[i].topic, (int)parts->elems[i].partition);
    ne_log(NE_LOG_INFO, "consumer", "%s %d partition(s): %s", what, parts->cnt, buf);
}

static void on_assign(ne_consumer *c, rd_kafka_topic_partition_list_t *parts)
{
    log_partitions("assigned", parts);
    for (int i = 0; i < parts->cnt; i++) {
        struct part *p = part_get(c, parts->elems[i].partition);
        if (!p) continue;
        p->assigned = 1;
        p->generation++;
        p->dirty = 0;
        p->pinned = 0;
        p->done_offset = -1;
        c->assigned++;
    }
    rd_kafka_error_t *e = rd_kafka_incremental_assign(c->rk, parts);
    if (e) {
        ne_log(NE_LOG_ERROR, "consumer", "incremental assign failed: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
    /* librdkafka keeps a partition's pause flag across unassign and
     * assign: a partition lost while paused would come back paused even
     * after the window drained. Set the flag from the current state. */
    if (c->paused) rd_kafka_pause_partitions(c->rk, parts);
    else rd_kafka_resume_partitions(c->rk, parts);
}

/* Finishes in-flight work of revoked partitions, stores and commits their
 * offsets, then gives them up. */
static void on_revoke(ne_consumer *c, rd_kafka_topic_partition_list_t *parts, int lost)
{
    log_partitions(lost ? "lost" : "revoking", parts);
    if (!lost) {
        if (c->drain) c->drain(c->drain_ctx);
        for (int i = 0; i < parts->cnt; i++) {
            struct part *p = part_get(c, parts->elems[i].partition);
            if (p) part_advance(c, p);
        }
        store_dirty(c);
        commit_sync(c);
    }
    for (int i = 0; i < parts->cnt; i++) {
        struct part *p = part_get(c, parts->elems[i].partition);
        if (!p || !p->assigned) continue;
        p->assigned = 0;
        p->dirty = 0;
        c->assigned--;
    }
    rd_kafka_error_t *e = rd_kafka_incremental_unassign(c->rk, parts);
    if (e) {
        ne_log(NE_LOG_ERROR, "consumer", "incremental unassign failed: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    ne_consumer *c = opaque;
    (void)rk;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
        on_assign(c, parts);
    else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
        on_revoke(c, parts, rd_kafka_assignment_lost(c->rk));
    else
        ne_log(NE_LOG_ERROR, "consumer", "rebalance error: %s", rd_kafka_err2str(err));
    ne_metric_add(c->m_rebalances, 1);
    ne_metric_set(c->m_assigned, c->assigned);
    ne_metrics_set_ready(c->metrics, NE_READY_ASSIGNED, c->assigned > 0);
}

/* librdkafka's statistics (JSON, every statistics.interval.ms): consumer
 * lag per partition of the input topic, and whether a broker is up. */
static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    ne_consumer *c = opaque;
    (void)rk; (void)len;
    yajl_val root = yajl_tree_parse(json, NULL, 0);
    if (!root) return 0;
    const char *brokers_path[] = {"brokers", NULL};
    yajl_val brokers = yajl_tree_get(root, brokers_path, yajl_t_object);
    int up = 0;
    for (size_t i = 0; brokers && i < YAJL_GET_OBJECT(brokers)->len; i++) {
        const char *state_path[] = {"state", NULL};
        yajl_val st = yajl_tree_get(YAJL_GET_OBJECT(brokers)->values[i], state_path, yajl_t_string);
        const char *state = st ? YAJL_GET_STRING(st) : NULL;
        if (state && !strcmp(state, "UP")) up = 1;
    }
    /* Valid for two intervals and a second: when the main thread is held
     * up (a transaction commit retrying through an outage) no statistics
     * arrive, and the last "UP" must not outlive them. */
    ne_metrics_set_ready_for(c->metrics, NE_READY_BROKER, up, 2 * c->stats_interval_ms + 1000);

    const char *parts_path[] = {"topics", c->cfg->topics.raw, "partitions", NULL};
    yajl_val parts = yajl_tree_get(root, parts_path, yajl_t_object);
    long long total = parts ? 0 : -1;
    for (size_t i = 0; parts && i < YAJL_GET_OBJECT(parts)->len; i++) {
        const char *key = YAJL_GET_OBJECT(parts)->keys[i];
        const char *lag_path[] = {"consumer_lag", NULL};
        yajl_val lag = yajl_tree_get(YAJL_GET_OBJECT(parts)->values[i], lag_path, yajl_t_number);
        if (!lag || !strcmp(key, "-1") || YAJL_GET_INTEGER(lag) < 0) continue;
        total += YAJL_GET_INTEGER(lag);
        char labels[96];
        snprintf(labels, sizeof labels, "partition=\"%s\"", key);
        ne_metric_set(ne_metrics_gauge(c->metrics, "newsenrich_consumer_lag",
                                       "Records of the input topic not yet consumed, per partition.",
                                       labels),
                      (double)YAJL_GET_INTEGER(lag));
    }
    c->lag = total;
    yajl_tree_free(root);
    return 0; /* librdkafka frees json */
}

ne_consumer *ne_consumer_new(const ne_config *cfg, ne_drain_fn drain, void *drain_ctx,
                             ne_metrics *metrics, char *err, size_t errlen)
{
    ne_consumer *c = ne_xcalloc(1, sizeof *c);
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_topic_partition_list_t *topics = NULL;
    c->cfg = cfg;
    c->drain = drain;
    c->drain_ctx = drain_ctx;
    c->metrics = metrics;
    c->lag = -1;
    c->m_rebalances = ne_metrics_counter(metrics, "newsenrich_rebalances_total",
                                         "Consumer group rebalance events (assign or revoke).", "");
    c->m_assigned = ne_metrics_gauge(metrics, "newsenrich_assigned_partitions",
                                     "Input partitions assigned to this instance.", "");

    conf = ne_config_kafka_conf(cfg, err, errlen);
    if (!conf) goto fail;
    if (ne_kafka_conf_default(conf, cfg, "partition.assignment.strategy", "cooperative-sticky", err, errlen) ||
        ne_config_set_commit_interval(conf, cfg, err, errlen) ||
        ne_kafka_conf_default(conf, cfg, "auto.offset.reset", "earliest", err, errlen) ||
        ne_kafka_conf_default(conf, cfg, "client.id", "newsenrich-consumer", err, errlen))
        goto fail;
    /* Not a default but the core of the delivery guarantee: never let
     * librdkafka store an offset the service has not finished. */
    if (rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", err, errlen) != RD_KAFKA_CONF_OK)
        goto fail;
    /* At least once: stored offsets are committed periodically and on
     * revoke/close. Exactly once: offsets are committed in the producer's
     * transactions instead, and only committed input is read. */
    if (cfg->processing.guarantee == NE_EXACTLY_ONCE
            ? (rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, errlen) != RD_KAFKA_CONF_OK ||
               rd_kafka_conf_set(conf, "isolation.level", "read_committed", err, errlen) != RD_KAFKA_CONF_OK)
            : rd_kafka_conf_set(conf, "enable.auto.commit", "true", err, errlen) != RD_KAFKA_CONF_OK)
        goto fail;
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    /* Statistics feed the lag of the progress line and the metrics. */
    if (ne_kafka_conf_default(conf, cfg, "statistics.interval.ms", STATS_INTERVAL_DEFAULT, err, errlen))
        goto fail;
    const char *si = ne_config_kafka_get(cfg, "statistics.interval.ms");
    c->stats_interval_ms = atol(si ? si : STATS_INTERVAL_DEFAULT);
    rd_kafka_conf_set_stats_cb(conf, stats_cb);
    rd_kafka_conf_set_opaque(conf, c);

    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (!c->rk) goto fail;
    conf = NULL; /* now owned by the handle */
    rd_kafka_poll_set_consumer(c->rk);

    topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, cfg->topics.raw, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(c->rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) {
        snprintf(err, errlen, "subscribe to %s: %s", cfg->topics.raw, rd_kafka_err2str(e));
        goto fail;
    }
    return c;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    if (c->rk) { c->closed = 1; rd_kafka_destroy(c->rk); c->rk = NULL; }
    free(c);
    return NULL;
}

rd_kafka_message_t *ne_consumer_poll(ne_consumer *c, int timeout_ms)
{
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c->rk, timeout_ms);
    if (!m) return NULL;
    if (!m->err) return m;
    if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[256];
        rd_kafka_fatal_error(c->rk, buf, sizeof buf);
        ne_log(NE_LOG_ERROR, "consumer", "fatal consumer error: %s", buf);
        c->failed = 1;
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        ne_log(NE_LOG_WARN, "consumer", "consume error: %s", rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
    return NULL;
}

ne_inflight *ne_consumer_track(ne_consumer *c, const rd_kafka_message_t *m, int nevents)
{
    struct part *p = part_get(c, m->partition);
    if (!p) abort();   /* a consumed record has a partition */
    ne_inflight *f = ne_xcalloc(1, sizeof *f);
    f->part = p;
    f->offset = m->offset;
    f->pending = nevents;
    f->generation = p->generation;
    if (p->tail) p->tail->next = f; else p->head = f;
    p->tail = f;
    c->in_flight++;
    return f;
}

void ne_consumer_ack(ne_consumer *c, ne_inflight *f, rd_kafka_resp_err_t err)
{
    if (!f) return;
    if (err) {
        if (!f->failed)
            ne_log_rec(NE_LOG_ERROR, "consumer", c->cfg->topics.raw, f->part->partition, f->offset,
                       "an output of this record was not delivered (%s); its offset will not be "
                       "committed and the service stops so that it is re-processed",
                       rd_kafka_err2str(err));
        f->failed = 1;
        f->part->pinned = 1;
        c->failed = 1;
    }
    if (f->pending > 0) f->pending--;
    if (f->pending == 0) part_advance(c, f->part);
}

void ne_consumer_store(ne_consumer *c) { store_dirty(c); }

void ne_consumer_set_paused(ne_consumer *c, int paused)
{
    paused = !!paused;
    if (paused == c->paused) return;
    rd_kafka_topic_partition_list_t *a = NULL;
    if (rd_kafka_assignment(c->rk, &a) != RD_KAFKA_RESP_ERR_NO_ERROR || !a) return;
    if (paused) rd_kafka_pause_partitions(c->rk, a);
    else rd_kafka_resume_partitions(c->rk, a);
    c->paused = paused;
    ne_log(NE_LOG_INFO, "consumer", "%s %d partition(s) with %ld record(s) in flight",
           paused ? "paused" : "resumed", a->cnt, c->in_flight);
    rd_kafka_topic_partition_list_destroy(a);
}

int ne_consumer_paused(const ne_consumer *c) { return c->paused; }

long ne_consumer_in_flight(const ne_consumer *c) { return c->in_flight; }
int ne_consumer_assigned(const ne_consumer *c) { return c->assigned; }
long long ne_consumer_lag(const ne_consumer *c) { return c->lag; }
int ne_consumer_failed(const ne_consumer *c) { return c->failed; }
rd_kafka_t *ne_consumer_handle(ne_consumer *c) { return c->rk; }

int ne_consumer_close(ne_consumer *c)
{
    if (c->closed) return 0;
    store_dirty(c);
    rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, NULL, 0);
    int rc = (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) ? -1 : 0;
    if (rc) ne_log(NE_LOG_WARN, "consumer", "final commit failed: %s", rd_kafka_err2str(err));
    /* Close leaves the group; the revoke it triggers commits again, which
     * is harmless. */
    rd_kafka_consumer_close(c->rk);
    c->closed = 1;
    return rc;
}

void ne_consumer_free(ne_consumer *c)
{
    if (!c) return;
    if (!c->closed) ne_consumer_close(c);
    rd_kafka_destroy(c->rk);
    for (int32_t i = 0; i < c->nparts; i++) {
        ne_inflight *f = c->parts[i].head;
        while (f) { ne_inflight *n = f->next; free(f); f = n; }
    }
    free(c->parts);
    free(c);
}
