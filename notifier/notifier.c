#include "notifier/notifier.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "common/hash.h"
#include "common/log.h"
#include "common/map.h"
#include "common/redact.h"
#include "common/xalloc.h"
#include "consumer/subs.h"
#include "notifier/delivered.h"
#include "notifier/delivery.h"
#include "notifier/webhook.h"
#include "producer/producer.h"

/* Records taken from the consumer per loop round before serving HTTP. */
#define CONSUME_BATCH 1000
/* Longest sleep of the loop when idle; Kafka and curl wake it earlier. */
#define IDLE_WAIT_MS 100
/* How long start-up waits to read back topics.deliveries before consuming
 * alerts anyway. It reads at most webhooks.delivered_ids records a
 * partition (100,000 by default; 1,800 took 3 ms in the integration test);
 * past this, reading goes on beside the consumption, and alerts delivered
 * before the restart may be posted again until it is done. */
#define DELIVERED_CATCH_UP_MS 30000
/* Retention of topics.deliveries when the notifier creates it: a week is
 * far longer than a restart can reach back (the commit interval, an alert
 * held back up to its max_age_ms, an enricher's re-run), and bounds the
 * topic's size (one record per delivery) where compaction alone would not:
 * every key is new. */
#define DELIVERIES_RETENTION_MS "604800000"
/* Longest key "<subscription id>/<webhook-id>" recorded; longer ones (a
 * subscription id of hundreds of bytes) are delivered without a record. */
#define DELIVERED_KEY_MAX 1024

struct part;

/* One consumed alert until it is finished. Lives in its partition's list
 * (offset order) while its partition is assigned, else in the orphan list
 * (stale: revoked while unfinished; freed when its job or dead letter
 * ends, its offset no longer ours to store). */
struct entry {
    struct entry *prev, *next;
    struct part *part;
    int     stale;
    int64_t offset;
    void   *key;
    size_t  key_len;
    char   *value;
    size_t  value_len;
    char   *webhook_id, *subscription_id;
    uint64_t inflight;  /* its key's hash in notif.inflight while queued, else 0 */
};

struct entry_list {
    struct entry *head, *tail;
};

/* Offset state of one partition of the alerts topic. Allocated once and
 * never moved: entries point at it. */
struct part {
    int32_t partition;
    int     assigned;
    struct entry_list live;     /* unfinished alerts, offset order */
    int64_t next_offset;        /* after the last consumed; -1 none yet */
    int64_t stored;             /* last stored; -1 none */
    int     dirty;
    int     pinned;             /* a dead letter failed: store nothing more */
};

struct notif {
    const ne_config *cfg;
    /* The live subscriptions: topics.subscriptions laid over the seed,
     * the file's config (cfg, or the file re-read on SIGHUP: seed_owned).
     * subs is NULL when the topic cannot be read. */
    ne_subs *subs;
    const ne_config *seed;
    ne_config *seed_owned;
    const ne_notifier_opts *opts;
    atomic_int *own_stop;
    rd_kafka_t *consumer, *producer;
    rd_kafka_queue_t *cq, *pq;
    int wake[2];                /* Kafka queues write here when non-empty */
    ne_delivery *d;
    struct part **parts;
    int32_t nparts;
    struct entry_list orphans;
    long unfinished;            /* entries alive, stale ones included */
    int max_pending;
    int paused;
    int failed;
    char group[256];
    ne_notifier_stats st;
    /* The record of delivered webhook-ids: the set (NULL when
     * webhooks.delivered_ids is 0) and the reader that fills it from
     * topics.deliveries (NULL when the topic cannot be used: the set then
     * covers this run only). */
    ne_delivered *delivered;
    /* Alerts queued and not yet ended, by the hash of their delivered key
     * (value: how many entries hold it; 0 = none, the slot is dead). An
     * enricher's re-run puts the same alert twice on the topic, and both
     * copies can be read before the first is answered: the second then
     * waits on the first instead of being posted again. */
    ne_map inflight;
    long ninflight;             /* keys with a non-zero count */
    rd_kafka_t *dreader;
    int dr_nparts;
    int64_t *dr_target;         /* per partition: its end when start-up began */
    int64_t *dr_next;           /* per partition: next offset to read */
    long record_failures;       /* delivery records not written */
    ne_series *m_already;
};

/* ------------------------------------------------------------------ */
/* Entries and offsets                                                 */
/* ------------------------------------------------------------------ */

static void list_append(struct entry_list *l, struct entry *e)
{
    e->next = NULL;
    e->prev = l->tail;
    if (l->tail) l->tail->next = e; else l->head = e;
    l->tail = e;
}

static void list_remove(struct entry_list *l, struct entry *e)
{
    if (e->prev) e->prev->next = e->next; else l->head = e->next;
    if (e->next) e->next->prev = e->prev; else l->tail = e->prev;
    e->prev = e->next = NULL;
}

static struct entry_list *list_of(struct notif *n, struct entry *e)
{
    return e->stale ? &n->orphans : &e->part->live;
}

/* Keeps only the live keys once dead ones outnumber them: under a steady
 * flow the count never reaches zero, and without this the table would
 * hold every alert ever queued. O(slots), amortised over the insertions
 * that made them. */
static void inflight_compact(struct notif *n)
{
    ne_map *m = &n->inflight;
    if (m->n < 4096 || (long)m->n < 4 * n->ninflight) return;
    ne_map live = {0};
    ne_map_reset(&live, (size_t)n->ninflight);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->vals[i]) *ne_map_put(&live, m->keys[i]) = m->vals[i];
    ne_map_free(m);
    *m = live;
}

static uint64_t inflight_key(const char *subscription_id, const char *webhook_id)
{
    uint64_t h = ne_fnv1a(0xcbf29ce484222325ULL, subscription_id, strlen(subscription_id));
    h = ne_fnv1a(ne_fnv1a_step(h, '/'), webhook_id, strlen(webhook_id));
    return h ? h : 1;
}

/* Whether an entry with this alert's key is queued now. */
static int inflight_has(const struct notif *n, const ne_alert *a)
{
    const uint64_t *v = ne_map_get(&n->inflight, inflight_key(a->subscription_id, a->alert_id));
    return v && *v;
}

static void inflight_hold(struct notif *n, struct entry *e)
{
    e->inflight = inflight_key(e->subscription_id, e->webhook_id);
    uint64_t *v = ne_map_put(&n->inflight, e->inflight);
    if ((*v)++ == 0) n->ninflight++;
}

static void inflight_release(struct notif *n, struct entry *e)
{
    if (!e->inflight) return;
    uint64_t *v = ne_map_put(&n->inflight, e->inflight);
    if (*v && --*v == 0) n->ninflight--;
    e->inflight = 0;
    inflight_compact(n);
}

static void entry_free(struct notif *n, struct entry *e)
{
    inflight_release(n, e);
    list_remove(list_of(n, e), e);
    n->unfinished--;
    free(e->key);
    free(e->value);
    free(e->webhook_id);
    free(e->subscription_id);
    free(e);
}

/* The alert is done: it no longer holds back its partition's offset. */
static void entry_finish(struct notif *n, struct entry *e)
{
    if (!e->stale) e->part->dirty = 1;
    entry_free(n, e);
}

static struct part *part_get(struct notif *n, int32_t partition)
{
    if (partition < 0) return NULL;
    if (partition >= n->nparts) {
        struct part **np = ne_xrealloc(n->parts, (size_t)(partition + 1) * sizeof *np);
        for (int32_t i = n->nparts; i <= partition; i++) np[i] = NULL;
        n->parts = np;
        n->nparts = partition + 1;
    }
    if (!n->parts[partition]) {
        struct part *p = ne_xcalloc(1, sizeof *p);
        p->partition = partition;
        p->next_offset = p->stored = -1;
        n->parts[partition] = p;
    }
    return n->parts[partition];
}

/* Stores, per assigned partition, the offset of its first unfinished
 * alert (or the one after the last consumed when none is unfinished). */
static void store_offsets(struct notif *n)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    for (int32_t i = 0; i < n->nparts; i++) {
        struct part *p = n->parts[i];
        if (!p || !p->assigned || !p->dirty || p->pinned) continue;
        p->dirty = 0;
        int64_t off = p->live.head ? p->live.head->offset : p->next_offset;
        if (off < 0 || off <= p->stored) continue;
        if (!l) l = rd_kafka_topic_partition_list_new(4);
        rd_kafka_topic_partition_list_add(l, n->cfg->topics.alerts, p->partition)->offset = off;
        p->stored = off;
    }
    if (!l) return;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(n->consumer, l);
    if (err) ne_log(NE_LOG_WARN, "notifier", "storing offsets failed: %s", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(l);
}

static void commit_sync(struct notif *n)
{
    rd_kafka_resp_err_t err = rd_kafka_commit(n->consumer, NULL, 0);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        ne_log(NE_LOG_WARN, "notifier", "offset commit failed: %s", rd_kafka_err2str(err));
}

/* ------------------------------------------------------------------ */
/* Dead letters                                                        */
/* ------------------------------------------------------------------ */

static void add_header(rd_kafka_headers_t *h, const char *name, const char *value)
{
    if (value) rd_kafka_header_add(h, name, -1, value, -1);
}

/* Produces the alert's original record to topics.alerts_dlq; the entry is
 * finished when the broker acknowledges it (on_dlq_delivery). */
static void dead_letter(struct notif *n, struct entry *e, const char *reason, const char *detail,
                        long status, int attempts)
{
    char num[32], part[16], off[32], st[16];
    rd_kafka_headers_t *h = rd_kafka_headers_new(10);
    snprintf(num, sizeof num, "%d", attempts);
    snprintf(st, sizeof st, "%ld", status);
    snprintf(part, sizeof part, "%d", (int)e->part->partition);
    snprintf(off, sizeof off, "%lld", (long long)e->offset);
    add_header(h, "error.reason", reason);
    char safe[1024]; /* details are at most 300 bytes; masking adds a little */
    if (detail) ne_text_redact(detail, safe, sizeof safe);
    add_header(h, "error.detail", detail ? safe : NULL);
    add_header(h, "error.status", st);
    add_header(h, "error.attempts", num);
    add_header(h, "webhook.id", e->webhook_id);
    add_header(h, "subscription.id", e->subscription_id);
    add_header(h, "source.topic", n->cfg->topics.alerts);
    add_header(h, "source.partition", part);
    add_header(h, "source.offset", off);
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            n->producer, RD_KAFKA_V_TOPIC(n->cfg->topics.alerts_dlq),
            RD_KAFKA_V_KEY(e->key, e->key_len), RD_KAFKA_V_VALUE(e->value, e->value_len),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(e),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) { rd_kafka_poll(n->producer, 100); continue; }
        if (!err) return; /* the headers now belong to the message */
        rd_kafka_headers_destroy(h);
        ne_log_rec(NE_LOG_ERROR, "notifier", n->cfg->topics.alerts, e->part->partition, e->offset,
                   "cannot dead-letter the alert (%s); stopping so that it is re-processed",
                   rd_kafka_err2str(err));
        e->part->pinned = 1;
        n->failed = 1;
        return;
    }
}

/* A record of topics.deliveries was not written. Logged the 1st, 2nd,
 * 4th, 8th... time: a broker outage fails thousands, one line each would
 * bury the log. */
static void count_record_failure(struct notif *n, rd_kafka_resp_err_t err)
{
    long k = ++n->record_failures;
    if (k & (k - 1)) return;
    ne_log(NE_LOG_WARN, "notifier", "%ld delivery record(s) to %s failed so far (%s): those alerts may be "
           "posted again after a restart", k, n->cfg->topics.deliveries, rd_kafka_err2str(err));
}

static void on_dlq_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    struct notif *n = opaque;
    struct entry *e = msg->_private;
    (void)rk;
    if (!e) { /* a delivery record (record_delivery) */
        if (msg->err) count_record_failure(n, msg->err);
        return;
    }
    if (msg->err) {
        ne_log(NE_LOG_ERROR, "notifier", "dead letter to %s failed: %s; stopping so that the alert is "
               "re-processed", n->cfg->topics.alerts_dlq, rd_kafka_err2str(msg->err));
        if (!e->stale) e->part->pinned = 1;
        n->failed = 1;
        return; /* left unfinished: its offset is never stored */
    }
    n->st.dead_lettered++;
    entry_finish(n, e);
}

/* ------------------------------------------------------------------ */
/* The record of delivered webhook-ids                                  */
/* ------------------------------------------------------------------ */

static int set_conf(rd_kafka_conf_t *conf, const char *k, const char *v, char *err, size_t errlen);
static int stop_requested(const struct notif *n);
static int64_t mono_ms(void);

/* Group and producer properties of the shared kafka section: the reader
 * of topics.deliveries is no member of any group and never commits. */
static const char *const not_for_reader[] = {
    "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms",
    "heartbeat.interval.ms", "enable.auto.commit", "auto.commit.interval.ms",
    "enable.auto.offset.store", "max.poll.interval.ms", "transactional.id", "enable.idempotence",
    "acks", "linger.ms", "compression.type", "queue.buffering.max.messages",
    "queue.buffering.max.kbytes", "message.timeout.ms", "batch.num.messages", "retries",
    "delivery.timeout.ms", "client.id", NULL,
};

/* Creates topics.deliveries unless it exists. 0 when it exists now. */
static int create_deliveries_topic(struct notif *n, char *err, size_t errlen)
{
    const char *topic = n->cfg->topics.deliveries;
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, -1, err, errlen);
    if (!nt) return -1;
    if (rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact,delete") ||
        rd_kafka_NewTopic_set_config(nt, "retention.ms", DELIVERIES_RETENTION_MS)) {
        snprintf(err, errlen, "cannot describe topic %s", topic);
        rd_kafka_NewTopic_destroy(nt);
        return -1;
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(n->producer);
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(n->producer, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(o, 10000, NULL, 0);
    rd_kafka_CreateTopics(n->producer, &nt, 1, o, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
    int rc = -1;
    if (!ev) {
        snprintf(err, errlen, "creating topic %s: no answer in 15 s", topic);
    } else if (rd_kafka_event_error(ev)) {
        snprintf(err, errlen, "creating topic %s: %s", topic, rd_kafka_event_error_string(ev));
    } else {
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        rd_kafka_resp_err_t e = cnt ? rd_kafka_topic_result_error(tr[0]) : RD_KAFKA_RESP_ERR__FAIL;
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            ne_log(NE_LOG_INFO, "notifier", "created topic %s (cleanup.policy=compact,delete, retention.ms=%s)",
                   topic, DELIVERIES_RETENTION_MS);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) rc = 0;
        else snprintf(err, errlen, "creating topic %s: %s", topic, cnt && rd_kafka_topic_result_error_string(tr[0])
                      ? rd_kafka_topic_result_error_string(tr[0]) : rd_kafka_err2str(e));
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

/* Partition count of topics.deliveries as client `rk` sees it, asked up
 * to `tries` times 250 ms apart (a topic just created may not have its
 * leaders yet). -1 with err. */
static int deliveries_partitions(struct notif *n, rd_kafka_t *rk, int tries, char *err, size_t errlen)
{
    const char *topic = n->cfg->topics.deliveries;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    int count = -1;
    if (!rkt) { snprintf(err, errlen, "cannot use topic %s", topic); return -1; }
    for (int t = 0; t < tries && count < 0; t++) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
        if (e) snprintf(err, errlen, "metadata of %s: %s", topic, rd_kafka_err2str(e));
        else if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0)
            snprintf(err, errlen, "topic %s not found%s%s", topic, md->topic_cnt == 1 && md->topics[0].err ? ": " : "",
                     md->topic_cnt == 1 && md->topics[0].err ? rd_kafka_err2str(md->topics[0].err) : "");
        else count = md->topics[0].partition_cnt;
        if (md) rd_kafka_metadata_destroy(md);
        if (count < 0 && t + 1 < tries) usleep(250 * 1000);
    }
    rd_kafka_topic_destroy(rkt);
    return count;
}

/* Opens the reader of topics.deliveries (creating the topic if it is
 * missing) and assigns each partition from
 * its last webhooks.delivered_ids records: older ones would be forgotten
 * by the set anyway, so the start-up read is bounded by the set, not by
 * the topic's retention. */
static int open_delivered_reader(struct notif *n, char *err, size_t errlen)
{
    const char *topic = n->cfg->topics.deliveries;
    char gid[300];
    rd_kafka_conf_t *conf = ne_config_kafka_conf_except(n->cfg, not_for_reader, err, errlen);
    if (!conf) return -1;
    /* librdkafka's assign() needs a group id; this one never joins nor commits. */
    snprintf(gid, sizeof gid, "%s.deliveries-reader", n->group);
    if (set_conf(conf, "group.id", gid, err, errlen) || set_conf(conf, "enable.auto.commit", "false", err, errlen) ||
        set_conf(conf, "enable.auto.offset.store", "false", err, errlen) ||
        set_conf(conf, "enable.partition.eof", "true", err, errlen) ||
        set_conf(conf, "client.id", "newsenrich-notifier-deliveries", err, errlen)) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    n->dreader = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (!n->dreader) { rd_kafka_conf_destroy(conf); return -1; }
    n->dr_nparts = deliveries_partitions(n, n->dreader, 1, err, errlen);
    if (n->dr_nparts <= 0) {
        /* Missing: create it, unless the cluster has no controller to ask
         * (librdkafka's mock cluster, `newsenrich demo`: CreateTopics would
         * only time out after 15 s). */
        if (rd_kafka_controllerid(n->dreader, 0) < 0) return -1;
        if (create_deliveries_topic(n, err, errlen)) return -1;
        n->dr_nparts = deliveries_partitions(n, n->dreader, 40, err, errlen);
        /* The producer too must see the new topic before its first record:
         * one that asks too early takes it for missing and holds its
         * records back until a later metadata refresh, past a kill. */
        if (n->dr_nparts <= 0 || deliveries_partitions(n, n->producer, 40, err, errlen) <= 0) return -1;
    }
    n->dr_target = ne_xcalloc((size_t)n->dr_nparts, sizeof *n->dr_target);
    n->dr_next = ne_xcalloc((size_t)n->dr_nparts, sizeof *n->dr_next);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(n->dr_nparts);
    for (int p = 0; p < n->dr_nparts; p++) {
        int64_t lo = 0, hi = 0;
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(n->dreader, topic, p, &lo, &hi, 10000);
        if (e) {
            snprintf(err, errlen, "watermarks of %s [%d]: %s", topic, p, rd_kafka_err2str(e));
            rd_kafka_topic_partition_list_destroy(parts);
            return -1;
        }
        int64_t from = hi - n->cfg->webhooks.delivered_ids > lo ? hi - n->cfg->webhooks.delivered_ids : lo;
        n->dr_target[p] = hi;
        n->dr_next[p] = from;
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset = from;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(n->dreader, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e) { snprintf(err, errlen, "assign %s: %s", topic, rd_kafka_err2str(e)); return -1; }
    return 0;
}

static int delivered_caught_up(const struct notif *n)
{
    for (int p = 0; p < n->dr_nparts; p++)
        if (n->dr_next[p] < n->dr_target[p]) return 0;
    return 1;
}

/* Takes one message of the reader: a record's key goes into the set. */
static void delivered_take(struct notif *n, const rd_kafka_message_t *m)
{
    int p = m->partition;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        /* The end as this reader sees it: nothing more to wait for. */
        if (p >= 0 && p < n->dr_nparts && n->dr_next[p] < n->dr_target[p]) n->dr_target[p] = n->dr_next[p];
        return;
    }
    if (m->err) {
        ne_log(NE_LOG_WARN, "notifier", "reading %s: %s", n->cfg->topics.deliveries, rd_kafka_message_errstr(m));
        return;
    }
    if (p >= 0 && p < n->dr_nparts) n->dr_next[p] = m->offset + 1;
    if (m->key && m->key_len && m->payload) ne_delivered_add(n->delivered, m->key, m->key_len);
}

/* Takes what has arrived, without blocking (bounded, so a burst of other
 * instances' records cannot starve the loop). */
static void delivered_follow(struct notif *n)
{
    if (!n->dreader) return;
    for (int i = 0; i < CONSUME_BATCH; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(n->dreader, 0);
        if (!m) break;
        delivered_take(n, m);
        rd_kafka_message_destroy(m);
    }
}

/* Reads back the record before the first alert is consumed, bounded by
 * DELIVERED_CATCH_UP_MS. */
static void delivered_catch_up(struct notif *n)
{
    int64_t t0 = mono_ms(), deadline = t0 + DELIVERED_CATCH_UP_MS;
    while (!delivered_caught_up(n) && mono_ms() < deadline && !stop_requested(n)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(n->dreader, 100);
        if (!m) continue;
        delivered_take(n, m);
        rd_kafka_message_destroy(m);
    }
    int done = delivered_caught_up(n);
    ne_log(done ? NE_LOG_INFO : NE_LOG_WARN, "notifier", "%s %s: %zu delivered webhook-id(s) known after %lld ms%s",
           done ? "read back" : "NOT caught up with", n->cfg->topics.deliveries, ne_delivered_count(n->delivered),
           (long long)(mono_ms() - t0),
           done ? "" : "; consuming anyway, alerts delivered before the restart may be posted again");
}

/* Sets up the record: the set, the topic, the reader, and reads it back.
 * A topic that cannot be used is no reason to stop delivering: the
 * notifier goes on with the set of this run alone (logged). */
static int delivered_open(struct notif *n)
{
    char err[512];
    if (n->cfg->webhooks.delivered_ids <= 0) return 0;
    n->delivered = ne_delivered_new((size_t)n->cfg->webhooks.delivered_ids);
    if (open_delivered_reader(n, err, sizeof err)) {
        ne_log(NE_LOG_WARN, "notifier", "no record of delivered webhook-ids in %s (%s): a restart will post "
               "again the alerts delivered since the last commit", n->cfg->topics.deliveries, err);
        if (n->dreader) { rd_kafka_destroy(n->dreader); n->dreader = NULL; }
        return 0;
    }
    delivered_catch_up(n);
    return 0;
}

/* The key of an alert's delivery; -1 when too long to record. */
static int delivered_key_of(const char *subscription_id, const char *webhook_id, char key[DELIVERED_KEY_MAX])
{
    return ne_delivered_key(key, DELIVERED_KEY_MAX, subscription_id, webhook_id);
}

static int already_delivered(const struct notif *n, const ne_alert *a)
{
    char key[DELIVERED_KEY_MAX];
    int len;
    if (!n->delivered || (len = delivered_key_of(a->subscription_id, a->alert_id, key)) < 0) return 0;
    return ne_delivered_has(n->delivered, key, (size_t)len);
}

/* A subscriber answered 2xx: remember it, here and in topics.deliveries.
 * The record is not waited for (the alert's offset advances on the 2xx as
 * before): a record lost in a crash costs one more post, never an alert. */
static void record_delivery(struct notif *n, const char *subscription_id, const char *webhook_id)
{
    char key[DELIVERED_KEY_MAX], value[64], when[32];
    int len;
    if (!n->delivered || (len = delivered_key_of(subscription_id, webhook_id, key)) < 0) return;
    ne_delivered_add(n->delivered, key, (size_t)len);
    if (!n->dreader) return;
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    int vlen = snprintf(value, sizeof value, "{\"delivered_at\":\"%s.%03ldZ\"}", when, ts.tv_nsec / 1000000);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        n->producer, RD_KAFKA_V_TOPIC(n->cfg->topics.deliveries), RD_KAFKA_V_KEY(key, (size_t)len),
        RD_KAFKA_V_VALUE(value, (size_t)vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(NULL),
        RD_KAFKA_V_END);
    if (err) count_record_failure(n, err);
}

/* ------------------------------------------------------------------ */
/* Alerts in                                                           */
/* ------------------------------------------------------------------ */

static void on_job_done(void *ctx, void *opaque, const ne_job_result *r)
{
    struct notif *n = ctx;
    struct entry *e = opaque;
    switch (r->end) {
    case NE_JOB_DELIVERED:
        n->st.delivered++;
        record_delivery(n, r->subscription_id, r->webhook_id);
        entry_finish(n, e);
        break;
    case NE_JOB_DEAD:
        if (e->stale) { entry_free(n, e); break; } /* the next owner delivers it */
        dead_letter(n, e, r->reason, r->error, r->status, r->attempts);
        break;
    case NE_JOB_CANCELLED:
        /* A revoked partition's alert: the next owner delivers it. A live
         * one (shutdown) stays unfinished, so its offset is not stored. */
        if (e->stale) entry_free(n, e);
        break;
    }
}

static void handle_record(struct notif *n, const rd_kafka_message_t *m)
{
    struct part *p = part_get(n, m->partition);
    char err[256];
    ne_alert a;
    if (!p) {
        ne_log(NE_LOG_ERROR, "notifier", "record of partition %d; stopping", (int)m->partition);
        n->failed = 1;
        return;
    }
    struct entry *e = ne_xcalloc(1, sizeof *e);
    e->part = p;
    e->offset = m->offset;
    e->key_len = m->key_len;
    e->value_len = m->len;
    e->key = m->key ? ne_xstrndup(m->key, m->key_len) : NULL;
    e->value = ne_xstrndup(m->payload ? m->payload : "", m->len);
    if (!m->key) e->key_len = 0;
    list_append(&p->live, e);
    n->unfinished++;
    n->st.consumed++;
    p->next_offset = m->offset + 1;

    if (ne_alert_parse(e->value, e->value_len, &a, err, sizeof err)) {
        ne_log_rec(NE_LOG_WARN, "notifier", n->cfg->topics.alerts, m->partition, m->offset,
                   "invalid alert, dead-lettered: %s", err);
        dead_letter(n, e, "invalid_alert", err, 0, 0);
        return;
    }
    e->webhook_id = ne_xstrdup(a.alert_id);
    e->subscription_id = ne_xstrdup(a.subscription_id);
    if (already_delivered(n, &a)) {
        /* Re-read after a restart, or re-produced by an enricher's re-run:
         * the subscriber answered 2xx to this webhook-id already. */
        ne_log_rec(NE_LOG_DEBUG, "notifier", n->cfg->topics.alerts, m->partition, m->offset,
                   "alert %s: already delivered to subscription %s; skipped", a.alert_id, a.subscription_id);
        n->st.already_delivered++;
        ne_metric_add(n->m_already, 1);
        entry_finish(n, e);
        ne_alert_clear(&a);
        return;
    }
    if (inflight_has(n, &a)) {
        /* The same alert, read again while its first copy is queued (an
         * enricher re-ran its article). That copy decides for both: this
         * one is done now, and its offset cannot be committed past the
         * first copy's, which comes earlier in the same partition (same
         * key) and stays unfinished until it ends. */
        ne_log_rec(NE_LOG_DEBUG, "notifier", n->cfg->topics.alerts, m->partition, m->offset,
                   "alert %s: a copy is being delivered to subscription %s; skipped", a.alert_id,
                   a.subscription_id);
        n->st.already_delivered++;
        ne_metric_add(n->m_already, 1);
        entry_finish(n, e);
        ne_alert_clear(&a);
        return;
    }
    enum ne_submit s = ne_delivery_submit(n->d, &a, e);
    switch (s) {
    case NE_SUBMIT_QUEUED:
        inflight_hold(n, e);
        break;
    case NE_SUBMIT_FILTERED:
        ne_log(NE_LOG_INFO, "notifier", "alert %s: subscription %s no longer wants person %s in this role; "
               "not delivered", a.alert_id, a.subscription_id, a.person_id);
        n->st.filtered++;
        entry_finish(n, e);
        break;
    default: {
        char detail[300];
        snprintf(detail, sizeof detail, "%s: subscription %s", s == NE_SUBMIT_UNKNOWN ? "no such subscription"
                 : s == NE_SUBMIT_DISABLED ? "subscription disabled after a 410 Gone"
                 : "endpoint failing (circuit breaker open) and its backlog is full", a.subscription_id);
        dead_letter(n, e, ne_submit_name(s), detail, s == NE_SUBMIT_DISABLED ? 410 : 0, 0);
        break;
    }
    }
    ne_alert_clear(&a);
}

/* ------------------------------------------------------------------ */
/* Consumer group                                                      */
/* ------------------------------------------------------------------ */

static void set_paused(struct notif *n, int paused)
{
    rd_kafka_topic_partition_list_t *a = NULL;
    if (paused == n->paused) return;
    if (rd_kafka_assignment(n->consumer, &a) || !a) return;
    if (paused) rd_kafka_pause_partitions(n->consumer, a);
    else rd_kafka_resume_partitions(n->consumer, a);
    n->paused = paused;
    ne_log(NE_LOG_INFO, "notifier", "%s consumption of %d partition(s): %ld alert(s) unfinished (max_pending %d)",
           paused ? "paused" : "resumed", a->cnt, n->unfinished, n->max_pending);
    rd_kafka_topic_partition_list_destroy(a);
}

static void flow_control(struct notif *n)
{
    if (!n->paused && n->unfinished >= n->max_pending) set_paused(n, 1);
    else if (n->paused && n->unfinished <= n->max_pending / 2) set_paused(n, 0);
}

static int entry_is_stale(void *opaque, void *arg)
{
    (void)arg;
    return ((struct entry *)opaque)->stale;
}

/* Gives up a partition's unfinished alerts: the next owner re-reads them.
 * Queued jobs are cancelled now; those in flight end later, unheard. */
static void orphan_partition(struct notif *n, struct part *p)
{
    struct entry *e;
    while ((e = p->live.head)) {
        list_remove(&p->live, e);
        e->stale = 1;
        list_append(&n->orphans, e);
    }
    p->assigned = 0;
    p->dirty = 0;
}

static void on_assign(struct notif *n, rd_kafka_topic_partition_list_t *parts)
{
    for (int i = 0; i < parts->cnt; i++) {
        struct part *p = part_get(n, parts->elems[i].partition);
        if (!p) continue;
        p->assigned = 1;
        p->next_offset = p->stored = -1;
        p->dirty = p->pinned = 0;
    }
    ne_log(NE_LOG_INFO, "notifier", "assigned %d partition(s) of %s", parts->cnt, n->cfg->topics.alerts);
    rd_kafka_error_t *e = rd_kafka_incremental_assign(n->consumer, parts);
    if (e) {
        ne_log(NE_LOG_ERROR, "notifier", "incremental assign failed: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
    if (n->paused) rd_kafka_pause_partitions(n->consumer, parts);
}

static void on_revoke(struct notif *n, rd_kafka_topic_partition_list_t *parts, int lost)
{
    ne_log(NE_LOG_INFO, "notifier", "%s %d partition(s) of %s", lost ? "lost" : "revoking", parts->cnt,
           n->cfg->topics.alerts);
    if (!lost) {
        store_offsets(n);
        commit_sync(n);
    }
    for (int i = 0; i < parts->cnt; i++) {
        struct part *p = part_get(n, parts->elems[i].partition);
        if (p && p->assigned) orphan_partition(n, p);
    }
    if (n->d) ne_delivery_cancel_if(n->d, entry_is_stale, NULL);
    rd_kafka_error_t *e = rd_kafka_incremental_unassign(n->consumer, parts);
    if (e) {
        ne_log(NE_LOG_ERROR, "notifier", "incremental unassign failed: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
                         void *opaque)
{
    struct notif *n = opaque;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) on_assign(n, parts);
    else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) on_revoke(n, parts, rd_kafka_assignment_lost(rk));
    else ne_log(NE_LOG_ERROR, "notifier", "rebalance error: %s", rd_kafka_err2str(err));
}

static int set_conf(rd_kafka_conf_t *conf, const char *k, const char *v, char *err, size_t errlen)
{
    return rd_kafka_conf_set(conf, k, v, err, errlen) == RD_KAFKA_CONF_OK ? 0 : -1;
}

/* The notifier's own group: "<group.id>-notifier", offsets stored by hand. */
static int open_consumer(struct notif *n, char *err, size_t errlen)
{
    const char *base = ne_config_kafka_get(n->cfg, "group.id");
    rd_kafka_conf_t *conf = ne_config_kafka_conf(n->cfg, err, errlen);
    rd_kafka_topic_partition_list_t *topics = NULL;
    snprintf(n->group, sizeof n->group, "%s-notifier", base ? base : "newsenrich");
    if (!conf) return -1;
    if (set_conf(conf, "group.id", n->group, err, errlen) ||
        ne_kafka_conf_default(conf, n->cfg, "partition.assignment.strategy", "cooperative-sticky", err, errlen) ||
        ne_kafka_conf_default(conf, n->cfg, "auto.offset.reset", "earliest", err, errlen) ||
        ne_kafka_conf_default(conf, n->cfg, "client.id", "newsenrich-notifier", err, errlen) ||
        /* The delivery guarantee: only finished alerts are stored; stored
         * offsets are committed periodically and on revoke and close. */
        set_conf(conf, "enable.auto.offset.store", "false", err, errlen) ||
        set_conf(conf, "enable.auto.commit", "true", err, errlen) ||
        ne_config_set_commit_interval(conf, n->cfg, err, errlen) ||
        /* Alerts of aborted enricher transactions (exactly_once) are not alerts. */
        set_conf(conf, "isolation.level", "read_committed", err, errlen))
        goto error;
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_opaque(conf, n);
    n->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, errlen);
    if (!n->consumer) goto error;
    conf = NULL;
    rd_kafka_poll_set_consumer(n->consumer);
    n->cq = rd_kafka_queue_get_consumer(n->consumer);
    rd_kafka_queue_io_event_enable(n->cq, n->wake[1], "c", 1);

    topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, n->cfg->topics.alerts, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(n->consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) {
        snprintf(err, errlen, "subscribe to %s: %s", n->cfg->topics.alerts, rd_kafka_err2str(e));
        return -1;
    }
    return 0;
error:
    if (conf) rd_kafka_conf_destroy(conf);
    return -1;
}

static int open_producer(struct notif *n, char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = ne_config_kafka_conf_except(n->cfg, ne_kafka_consumer_only, err, errlen);
    if (!conf) return -1;
    /* Not transactional even under exactly_once: a dead letter is an
     * outcome of its own, and the enricher's transactional.id must not be
     * shared (the two producers would fence each other). */
    if (ne_kafka_conf_default(conf, n->cfg, "enable.idempotence", "true", err, errlen) ||
        ne_kafka_conf_default(conf, n->cfg, "linger.ms", "5", err, errlen) ||
        ne_kafka_conf_default(conf, n->cfg, "client.id", "newsenrich-notifier-dlq", err, errlen)) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_conf_set_dr_msg_cb(conf, on_dlq_delivery);
    rd_kafka_conf_set_opaque(conf, n);
    n->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
    if (!n->producer) { rd_kafka_conf_destroy(conf); return -1; }
    n->pq = rd_kafka_queue_get_main(n->producer);
    rd_kafka_queue_io_event_enable(n->pq, n->wake[1], "p", 1);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static int stop_requested(const struct notif *n)
{
    return (n->opts && n->opts->stop && *n->opts->stop) || (n->own_stop && atomic_load(n->own_stop));
}

static void drain_wake_pipe(struct notif *n)
{
    char buf[256];
    while (read(n->wake[0], buf, sizeof buf) > 0) {}
}

/* Hands the subscriptions of `seed` with the topic's laid over them to the
 * delivery engine (which copies them). 0, or -1 logged, nothing changed. */
static int apply_subscriptions(struct notif *n, const ne_config *seed, const char *why)
{
    char err[1024];
    ne_config *merged = n->subs ? ne_subs_merge(n->subs, seed) : NULL;
    const ne_config *use = merged ? merged : seed;
    int rc = ne_delivery_reconfigure(n->d, use, err, sizeof err);
    if (rc) {
        ne_log(NE_LOG_ERROR, "notifier", "%s: keeping the current subscriptions: %s", why, err);
    } else {
        n->max_pending = use->webhooks.max_pending;
        ne_log(NE_LOG_INFO, "notifier", "%s: %zu subscription(s)", why, use->webhooks.nsubscriptions);
        ne_delivery_log_status(n->d);
    }
    ne_config_free(merged);
    return rc;
}

/* SIGHUP: the file again, the topic's entries over it. */
static void reload(struct notif *n)
{
    char err[1024], why[1200];
    const char *path = n->opts ? n->opts->config_path : NULL;
    if (!path) {
        ne_log(NE_LOG_WARN, "notifier", "SIGHUP ignored: no configuration file to reload");
        return;
    }
    ne_config *fresh = ne_config_load(path, err, sizeof err);
    if (!fresh) {
        ne_log(NE_LOG_ERROR, "notifier", "reload of %s failed, keeping the current subscriptions: %s", path, err);
        return;
    }
    snprintf(why, sizeof why, "reloaded %s", path);
    if (apply_subscriptions(n, fresh, why)) {
        ne_config_free(fresh);
        return;
    }
    n->st.reloads++;
    ne_config_free(n->seed_owned);
    n->seed = n->seed_owned = fresh;
}

static void copy_delivery_stats(struct notif *n)
{
    ne_delivery_stats ds;
    ne_delivery_get_stats(n->d, &ds);
    n->st.attempts = ds.attempts;
    n->st.failed_attempts = ds.failed_attempts;
}

static void log_summary(struct notif *n, const char *what)
{
    copy_delivery_stats(n);
    ne_log(NE_LOG_INFO, "notifier", "%s: %ld consumed, %ld delivered, %ld dead-lettered, %ld filtered, "
           "%ld already delivered, %ld unfinished, %ld attempts (%ld failed)", what, n->st.consumed,
           n->st.delivered, n->st.dead_lettered, n->st.filtered, n->st.already_delivered, n->unfinished,
           n->st.attempts, n->st.failed_attempts);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void main_loop(struct notif *n)
{
    int interval = n->opts && n->opts->status_interval_s > 0 ? n->opts->status_interval_s : 60;
    int64_t next_status = mono_ms() + (int64_t)interval * 1000;
    while (!stop_requested(n) && !n->failed) {
        if (n->opts && n->opts->reload && *n->opts->reload) {
            *n->opts->reload = 0;
            reload(n);
        }
        if (n->subs && ne_subs_poll(n->subs)) apply_subscriptions(n, n->seed, "topics.subscriptions changed");
        drain_wake_pipe(n);
        int limit = n->paused ? 1 : CONSUME_BATCH, got = 0;
        rd_kafka_message_t *m;
        while (got < limit && !n->failed && (m = rd_kafka_consumer_poll(n->consumer, 0))) {
            got++;
            if (!m->err) handle_record(n, m);
            else if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
                char buf[256];
                rd_kafka_fatal_error(n->consumer, buf, sizeof buf);
                ne_log(NE_LOG_ERROR, "notifier", "fatal consumer error: %s", buf);
                n->failed = 1;
            } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                ne_log(NE_LOG_WARN, "notifier", "consume error: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            flow_control(n);
        }
        rd_kafka_poll(n->producer, 0);
        delivered_follow(n);
        ne_delivery_run(n->d, got >= limit && !n->paused ? 0 : IDLE_WAIT_MS, n->wake, 1);
        rd_kafka_poll(n->producer, 0);
        flow_control(n);
        store_offsets(n);
        if (mono_ms() >= next_status) {
            next_status = mono_ms() + (int64_t)interval * 1000;
            log_summary(n, "progress");
            ne_delivery_log_status(n->d);
        }
    }
}

/* Lets requests in flight finish (bounded), flushes dead letters, stores
 * and commits what is finished. Alerts waiting for a retry stay
 * unfinished: the next run re-reads them. */
static void drain(struct notif *n)
{
    int64_t deadline = mono_ms() + n->cfg->processing.shutdown_timeout_ms;
    ne_delivery_set_draining(n->d, 1);
    while (ne_delivery_in_flight(n->d) > 0 && mono_ms() < deadline) {
        drain_wake_pipe(n);
        ne_delivery_run(n->d, IDLE_WAIT_MS, n->wake, 1);
        rd_kafka_poll(n->producer, 0);
    }
    int64_t left = deadline - mono_ms();
    if (rd_kafka_flush(n->producer, left > 0 ? (int)left : 0) != RD_KAFKA_RESP_ERR_NO_ERROR)
        ne_log(NE_LOG_WARN, "notifier", "%d dead letter(s) or delivery record(s) not acknowledged at shutdown; "
               "those alerts will be re-processed", rd_kafka_outq_len(n->producer));
    store_offsets(n);
    commit_sync(n);
}

static void free_list(struct notif *n, struct entry_list *l)
{
    while (l->head) entry_free(n, l->head);
}

static int notifier_main(const ne_config *cfg, const ne_notifier_opts *opts, atomic_int *own_stop,
                         ne_notifier_stats *st)
{
    struct notif *n = ne_xcalloc(1, sizeof *n);
    char err[1024];
    int rc = 1;
    n->cfg = n->seed = cfg;
    n->opts = opts;
    n->own_stop = own_stop;
    n->max_pending = cfg->webhooks.max_pending > 0 ? cfg->webhooks.max_pending : 1;
    n->wake[0] = n->wake[1] = -1;

    if (pipe2(n->wake, O_NONBLOCK | O_CLOEXEC)) {
        ne_log(NE_LOG_ERROR, "notifier", "pipe: %s", strerror(errno));
        goto out;
    }
    n->d = ne_delivery_new(cfg, on_job_done, n, err, sizeof err);
    if (!n->d) { ne_log(NE_LOG_ERROR, "notifier", "%s", err); rc = 2; goto out; }
    if (opts) ne_delivery_set_metrics(n->d, opts->metrics);
    n->m_already = ne_metrics_counter(opts ? opts->metrics : NULL, "newsenrich_webhook_alerts_total",
                                      "Alerts by final outcome.", "result=\"already_delivered\"");
    if (open_producer(n, err, sizeof err)) {
        ne_log(NE_LOG_ERROR, "notifier", "%s", err);
        rc = 2;
        goto out;
    }
    /* Before the first alert: the subscriptions in force (without the
     * topic, the file's only: logged, not fatal) and what was delivered
     * before a restart. */
    n->subs = ne_subs_open(cfg, "notifier", opts ? opts->metrics : NULL, NE_SUBS_CATCH_UP_MS, err, sizeof err);
    if (!n->subs)
        ne_log(NE_LOG_ERROR, "notifier", "%s: the subscriptions are the configuration file's only, and will not "
               "follow changes", err);
    else
        apply_subscriptions(n, cfg, "subscriptions from topics.subscriptions");
    if (delivered_open(n)) goto out;
    if (open_consumer(n, err, sizeof err)) {
        ne_log(NE_LOG_ERROR, "notifier", "%s", err);
        rc = 2;
        goto out;
    }
    ne_log(NE_LOG_INFO, "notifier", "consuming %s as group %s; %zu subscription(s), dead letters to %s",
           cfg->topics.alerts, n->group, cfg->webhooks.nsubscriptions, cfg->topics.alerts_dlq);

    main_loop(n);
    drain(n);
    rc = n->failed ? 1 : 0;
    log_summary(n, n->failed ? "stopped after a failure" : "stopped");
    ne_delivery_log_status(n->d);
out:
    /* Closing revokes the partitions (orphaning what is unfinished) while
     * the engine still exists; then the engine cancels the rest. */
    if (n->consumer) rd_kafka_consumer_close(n->consumer);
    if (n->d) copy_delivery_stats(n);
    ne_delivery_free(n->d);
    n->d = NULL;
    ne_subs_free(n->subs);
    ne_config_free(n->seed_owned);
    if (n->dreader) {
        rd_kafka_consumer_close(n->dreader);
        rd_kafka_destroy(n->dreader);
    }
    free(n->dr_target);
    free(n->dr_next);
    ne_delivered_free(n->delivered);
    ne_map_free(&n->inflight);
    if (n->cq) rd_kafka_queue_destroy(n->cq);
    if (n->pq) rd_kafka_queue_destroy(n->pq);
    if (n->producer) rd_kafka_destroy(n->producer);
    if (n->consumer) rd_kafka_destroy(n->consumer);
    for (int32_t i = 0; i < n->nparts; i++)
        if (n->parts[i]) { free_list(n, &n->parts[i]->live); free(n->parts[i]); }
    free_list(n, &n->orphans);
    free(n->parts);
    if (n->wake[0] >= 0) close(n->wake[0]);
    if (n->wake[1] >= 0) close(n->wake[1]);
    if (st) *st = n->st;
    free(n);
    return rc;
}

int ne_notifier_run(const ne_config *cfg, const ne_notifier_opts *opts, ne_notifier_stats *st)
{
    return notifier_main(cfg, opts, NULL, st);
}

/* ------------------------------------------------------------------ */
/* Thread                                                              */
/* ------------------------------------------------------------------ */

struct ne_notifier {
    pthread_t thread;
    const ne_config *cfg;
    ne_notifier_opts opts;
    atomic_int stop;
    atomic_int finished;
    int rc;
    ne_notifier_stats st;
};

static void *notifier_thread(void *arg)
{
    ne_notifier *t = arg;
    t->rc = notifier_main(t->cfg, &t->opts, &t->stop, &t->st);
    atomic_store(&t->finished, 1);
    return NULL;
}

ne_notifier *ne_notifier_start(const ne_config *cfg, const ne_notifier_opts *opts, char *err, size_t errlen)
{
    ne_notifier *t = ne_xcalloc(1, sizeof *t);
    t->cfg = cfg;
    if (opts) t->opts = *opts;
    atomic_init(&t->stop, 0);
    atomic_init(&t->finished, 0);
    int e = pthread_create(&t->thread, NULL, notifier_thread, t);
    if (e) {
        snprintf(err, errlen, "cannot start the notifier thread: %s", strerror(e));
        free(t);
        return NULL;
    }
    return t;
}

/* rc is written before finished is set (sequentially consistent), so it
 * is read only once finished says the thread returned. A return without a
 * stop being asked for is a failure too, whatever its code. */
int ne_notifier_failed(const ne_notifier *n)
{
    ne_notifier *t = (ne_notifier *)n;
    if (!t || !atomic_load(&t->finished)) return 0;
    int asked = atomic_load(&t->stop) || (t->opts.stop && *t->opts.stop);
    return t->rc != 0 || !asked;
}

int ne_notifier_stop_join(ne_notifier *n, ne_notifier_stats *st)
{
    if (!n) return 0;
    atomic_store(&n->stop, 1);
    pthread_join(n->thread, NULL);
    int rc = n->rc;
    if (st) *st = n->st;
    free(n);
    return rc;
}

int ne_cmd_notify(const ne_config *cfg, const char *config_path, volatile sig_atomic_t *stop,
                  volatile sig_atomic_t *reload)
{
    ne_notifier_opts opts = {.stop = stop, .reload = reload, .config_path = config_path};
    ne_notifier_stats st;
    ne_metrics_server *server = NULL;
    char err[256];
    if (cfg->metrics.enabled) {
        opts.metrics = ne_metrics_new();
        /* Alone, the notifier has no partitions of articles.raw nor state:
         * ready is the notifier running. */
        for (int c = 0; c < NE_READY__COUNT; c++) ne_metrics_set_ready(opts.metrics, c, 1);
        server = ne_metrics_serve(opts.metrics, cfg->metrics.listen, err, sizeof err);
        if (!server) {
            ne_log(NE_LOG_ERROR, "notifier", "%s", err);
            ne_metrics_free(opts.metrics);
            return 1;
        }
    }
    if (cfg->webhooks.nsubscriptions == 0)
        ne_log(NE_LOG_WARN, "notifier", "no webhooks.subscriptions in the file: unless topics.subscriptions has "
               "some, every alert will be dead-lettered as unknown_subscription");
    int rc = ne_notifier_run(cfg, &opts, &st);
    fprintf(stderr, "newsenrich notify: %ld alerts consumed, %ld delivered, %ld dead-lettered, %ld filtered\n",
            st.consumed, st.delivered, st.dead_lettered, st.filtered);
    ne_metrics_server_stop(server);
    ne_metrics_free(opts.metrics);
    return rc;
}
