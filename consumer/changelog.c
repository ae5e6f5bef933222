#include "consumer/changelog.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "enrichers/pipeline/pipeline.h"
#include "producer/producer.h"

struct ne_changelog {
    rd_kafka_t *rk;
    char *topic;
    char *what;           /* the log component */
    ne_changelog_apply_fn apply;
    void *ctx;
    int nparts;
    int64_t *target;      /* end offset per partition when created */
    int64_t *next;        /* next offset to read per partition */
    char *at_end;         /* per partition: end of partition reported */
    char *origin;         /* this process's origin header value; NULL = none */
    int caught_up;
    ne_changelog_stats st;
};

/* Group and producer properties of the shared kafka section: this reader
 * is no member of the service's group and must never commit for it. */
static const char *const not_for_reader[] = {
    "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms",
    "heartbeat.interval.ms", "enable.auto.commit", "auto.commit.interval.ms",
    "enable.auto.offset.store", "max.poll.interval.ms", "transactional.id", "enable.idempotence",
    "acks", "linger.ms", "compression.type", "queue.buffering.max.messages",
    "queue.buffering.max.kbytes", "message.timeout.ms", "batch.num.messages", "retries",
    "delivery.timeout.ms", NULL,
};

static int set_prop(rd_kafka_conf_t *conf, const char *k, const char *v, char *err, size_t errlen)
{
    if (rd_kafka_conf_set(conf, k, v, err, errlen) != RD_KAFKA_CONF_OK) return -1;
    return 0;
}

/* Partition count of the topic; -1 with err when it does not exist, 0
 * (err filled too) when the broker says it does not. */
static int partition_count(rd_kafka_t *rk, const char *what, const char *topic, char *err, size_t errlen)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    int n = -1;
    if (!rkt) { snprintf(err, errlen, "%s: cannot use topic %s", what, topic); return -1; }
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (e) {
        snprintf(err, errlen, "%s: metadata of %s: %s", what, topic, rd_kafka_err2str(e));
    } else if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0) {
        snprintf(err, errlen, "%s: topic %s not found (create it with cleanup.policy=compact)%s%s",
                 what, topic, md->topic_cnt == 1 && md->topics[0].err ? ": " : "",
                 md->topic_cnt == 1 && md->topics[0].err ? rd_kafka_err2str(md->topics[0].err) : "");
        n = 0;
    } else {
        n = md->topics[0].partition_cnt;
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return n;
}

/* Creates the topic with one partition and cleanup.policy=compact. 0 when
 * it exists now (created, or by someone else meanwhile). */
static int create_topic(rd_kafka_t *rk, const char *what, const char *topic, char *err, size_t errlen)
{
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, -1, err, errlen);
    if (!nt) return -1;
    if (rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact")) {
        snprintf(err, errlen, "%s: cannot describe topic %s", what, topic);
        rd_kafka_NewTopic_destroy(nt);
        return -1;
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(o, 10000, NULL, 0);
    rd_kafka_CreateTopics(rk, &nt, 1, o, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
    int rc = -1;
    if (!ev) {
        snprintf(err, errlen, "%s: creating topic %s: no answer in 15 s", what, topic);
    } else if (rd_kafka_event_error(ev)) {
        snprintf(err, errlen, "%s: creating topic %s: %s", what, topic, rd_kafka_event_error_string(ev));
    } else {
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        rd_kafka_resp_err_t e = cnt ? rd_kafka_topic_result_error(tr[0]) : RD_KAFKA_RESP_ERR__FAIL;
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            ne_log(NE_LOG_INFO, what, "created topic %s (cleanup.policy=compact)", topic);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) rc = 0;
        else snprintf(err, errlen, "%s: creating topic %s: %s", what, topic,
                      cnt && rd_kafka_topic_result_error_string(tr[0]) ? rd_kafka_topic_result_error_string(tr[0])
                                                                       : rd_kafka_err2str(e));
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

/* The partition count, creating the topic first when asked to and it is
 * missing; a topic just created may take a moment to have its leader. */
static int find_partitions(ne_changelog *cl, int create, char *err, size_t errlen)
{
    int n = partition_count(cl->rk, cl->what, cl->topic, err, errlen);
    if (n != 0 || !create) return n;
    if (create_topic(cl->rk, cl->what, cl->topic, err, errlen)) return -1;
    for (int t = 0; t < 40; t++) {
        if ((n = partition_count(cl->rk, cl->what, cl->topic, err, errlen)) > 0) return n;
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* Whether a watermark query failed only because the partition's leader is
 * not known yet: right after the topic was created (here or by another
 * instance a moment ago) or during a leader election. */
static int leader_not_ready(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
           e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
}

/* The partition's low and high watermarks. A leader that is not ready yet
 * is waited for (up to ~10 s, in 250 ms steps): the metadata may already
 * list a partition whose leader has not taken it up, which made a command
 * run just after the topic's creation fail with "Not leader for
 * partition". */
static rd_kafka_resp_err_t query_watermarks(ne_changelog *cl, int p, int64_t *lo, int64_t *hi)
{
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int t = 0; t < 40; t++) {
        e = rd_kafka_query_watermark_offsets(cl->rk, cl->topic, p, lo, hi, 10000);
        if (!leader_not_ready(e)) return e;
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return e;
}

ne_changelog *ne_changelog_new(const ne_config *cfg, const ne_changelog_opts *opts,
                               ne_changelog_apply_fn apply, void *ctx, char *err, size_t errlen)
{
    ne_changelog *cl = ne_xcalloc(1, sizeof *cl);
    cl->apply = apply;
    cl->ctx = ctx;
    cl->topic = ne_xstrdup(opts->topic);
    cl->what = ne_xstrdup(opts->what ? opts->what : "changelog");
    rd_kafka_conf_t *conf = ne_config_kafka_conf_except(cfg, not_for_reader, err, errlen);
    if (!conf) goto fail;
    /* librdkafka's assign() needs a group id; this one never joins (no
     * subscribe) and never commits, so any name does */
    char gid[256];
    snprintf(gid, sizeof gid, "%s.%s-reader",
             ne_config_kafka_get(cfg, "group.id") ? ne_config_kafka_get(cfg, "group.id") : "newsenrich", cl->what);
    if (set_prop(conf, "group.id", gid, err, errlen) ||
        set_prop(conf, "enable.auto.commit", "false", err, errlen) ||
        set_prop(conf, "enable.auto.offset.store", "false", err, errlen) ||
        set_prop(conf, "enable.partition.eof", "true", err, errlen) ||
        /* records of aborted transactions (an exactly_once instance
         * that failed) must not enter the state; whatever kafka.* says */
        set_prop(conf, "isolation.level", "read_committed", err, errlen))
        goto fail_conf;
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    char kerr[512];
    cl->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, kerr, sizeof kerr);
    if (!cl->rk) { snprintf(err, errlen, "%s: %s", cl->what, kerr); goto fail_conf; }
    conf = NULL;   /* owned by rk now */

    cl->nparts = find_partitions(cl, opts->create, err, errlen);
    if (cl->nparts <= 0) goto fail;
    cl->target = ne_xcalloc((size_t)cl->nparts, sizeof *cl->target);
    cl->next = ne_xcalloc((size_t)cl->nparts, sizeof *cl->next);
    cl->at_end = ne_xcalloc((size_t)cl->nparts, 1);

    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(cl->nparts);
    for (int p = 0; p < cl->nparts; p++) {
        int64_t lo = 0, hi = 0;
        rd_kafka_resp_err_t e = query_watermarks(cl, p, &lo, &hi);
        if (e) {
            snprintf(err, errlen, "%s: watermarks of %s [%d]: %s", cl->what, cl->topic, p, rd_kafka_err2str(e));
            rd_kafka_topic_partition_list_destroy(parts);
            goto fail;
        }
        cl->target[p] = hi;
        cl->next[p] = lo;
        rd_kafka_topic_partition_list_add(parts, cl->topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(cl->rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e) { snprintf(err, errlen, "%s: assign: %s", cl->what, rd_kafka_err2str(e)); goto fail; }
    ne_log(NE_LOG_INFO, cl->what, "reading %s from the beginning (%d partition(s))", cl->topic, cl->nparts);
    return cl;

fail_conf:
    if (conf) rd_kafka_conf_destroy(conf);
fail:
    ne_changelog_free(cl);
    return NULL;
}

/* Caught up: every partition read to the end offset it had when the
 * reader was created, or to its end as a read_committed reader sees it
 * (the last stable offset, which a transaction still open elsewhere holds
 * below the high watermark: waiting for the watermark would wait for that
 * transaction to end). */
static int reached_targets(const ne_changelog *cl)
{
    for (int p = 0; p < cl->nparts; p++)
        if (cl->next[p] < cl->target[p] && !cl->at_end[p]) return 0;
    return 1;
}

/* The record was written by this process (its origin header). */
static int is_own(const ne_changelog *cl, rd_kafka_message_t *m)
{
    rd_kafka_headers_t *hdrs = NULL;
    const void *v;
    size_t len;
    if (!cl->origin || rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    if (rd_kafka_header_get_last(hdrs, NE_CHANGELOG_ORIGIN_HEADER, &v, &len) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return 0;
    return v && len == strlen(cl->origin) && memcmp(v, cl->origin, len) == 0;
}

void ne_changelog_skip_origin(ne_changelog *cl, const char *origin)
{
    free(cl->origin);
    cl->origin = NULL;
    cl->origin = ne_xstrdup(origin);
}

/* Handles one polled message: applies a record, notes an end of
 * partition, logs an error. Returns 1 when a record was applied. */
static int handle(ne_changelog *cl, rd_kafka_message_t *m)
{
    int p = m->partition;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (p >= 0 && p < cl->nparts) {
            if (m->offset > cl->next[p]) cl->next[p] = m->offset;
            cl->at_end[p] = 1;
        }
        return 0;
    }
    if (m->err) {
        ne_log(NE_LOG_WARN, cl->what, "%s", rd_kafka_message_errstr(m));
        return 0;
    }
    if (p >= 0 && p < cl->nparts) cl->next[p] = m->offset + 1;
    if (is_own(cl, m)) {
        cl->st.own++;
        return 0;
    }
    cl->st.records++;
    if (!m->payload) cl->st.tombstones++;
    if (cl->apply(cl->ctx, m->key, m->key_len, m->payload, m->payload ? m->len : 0) != 0) {
        cl->st.bad++;
        if (ne_log_enabled(NE_LOG_WARN))
            ne_log_rec(NE_LOG_WARN, cl->what, cl->topic, p, m->offset, "malformed record skipped");
    }
    return 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ne_changelog_catch_up(ne_changelog *cl, int timeout_ms)
{
    double deadline = now_s() + timeout_ms / 1000.0;
    double t0 = now_s();
    while (!reached_targets(cl)) {
        if (now_s() >= deadline) {
            ne_log(NE_LOG_WARN, cl->what, "not caught up with %s after %d ms (%ld records applied)",
                   cl->topic, timeout_ms, cl->st.records);
            return -1;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(cl->rk, 100);
        if (!m) continue;
        handle(cl, m);
        rd_kafka_message_destroy(m);
    }
    cl->caught_up = 1;
    ne_log(NE_LOG_INFO, cl->what, "caught up with %s: %ld records applied in %.1f s", cl->topic,
           cl->st.records, now_s() - t0);
    return 0;
}

long ne_changelog_poll(ne_changelog *cl)
{
    long n = 0;
    /* bounded, so a flood of records cannot starve the article loop */
    for (int i = 0; i < 1000; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(cl->rk, 0);
        if (!m) break;
        n += handle(cl, m);
        rd_kafka_message_destroy(m);
    }
    if (!cl->caught_up && reached_targets(cl)) cl->caught_up = 1;
    return n;
}

int ne_changelog_partitions(const ne_changelog *cl)
{
    return cl->nparts;
}

void ne_changelog_get_stats(const ne_changelog *cl, ne_changelog_stats *st)
{
    *st = cl->st;
    st->caught_up = cl->caught_up;
}

void ne_changelog_free(ne_changelog *cl)
{
    if (!cl) return;
    if (cl->rk) {
        rd_kafka_consumer_close(cl->rk);
        rd_kafka_destroy(cl->rk);
    }
    free(cl->topic);
    free(cl->what);
    free(cl->target);
    free(cl->next);
    free(cl->at_end);
    free(cl->origin);
    free(cl);
}
