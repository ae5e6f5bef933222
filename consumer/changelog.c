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

/* Partition count of the topic; -1 with err when it does not exist. */
static int partition_count(rd_kafka_t *rk, const char *topic, char *err, size_t errlen)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    int n = -1;
    if (!rkt) { snprintf(err, errlen, "changelog: cannot use topic %s", topic); return -1; }
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (e) {
        snprintf(err, errlen, "changelog: metadata of %s: %s", topic, rd_kafka_err2str(e));
    } else if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0) {
        snprintf(err, errlen, "changelog: topic %s not found (create it with cleanup.policy=compact)%s%s",
                 topic, md->topic_cnt == 1 && md->topics[0].err ? ": " : "",
                 md->topic_cnt == 1 && md->topics[0].err ? rd_kafka_err2str(md->topics[0].err) : "");
    } else {
        n = md->topics[0].partition_cnt;
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return n;
}

ne_changelog *ne_changelog_new(const ne_config *cfg, ne_changelog_apply_fn apply, void *ctx,
                               char *err, size_t errlen)
{
    ne_changelog *cl = ne_xcalloc(1, sizeof *cl);
    cl->apply = apply;
    cl->ctx = ctx;
    cl->topic = ne_xstrdup(cfg->topics.changelog);
    rd_kafka_conf_t *conf = ne_config_kafka_conf_except(cfg, not_for_reader, err, errlen);
    if (!conf) goto fail;
    /* librdkafka's assign() needs a group id; this one never joins (no
     * subscribe) and never commits, so any name does */
    char gid[256];
    snprintf(gid, sizeof gid, "%s.changelog-reader",
             ne_config_kafka_get(cfg, "group.id") ? ne_config_kafka_get(cfg, "group.id") : "newsenrich");
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
    if (!cl->rk) { snprintf(err, errlen, "changelog: %s", kerr); goto fail_conf; }
    conf = NULL;   /* owned by rk now */

    cl->nparts = partition_count(cl->rk, cl->topic, err, errlen);
    if (cl->nparts <= 0) goto fail;
    cl->target = ne_xcalloc((size_t)cl->nparts, sizeof *cl->target);
    cl->next = ne_xcalloc((size_t)cl->nparts, sizeof *cl->next);
    cl->at_end = ne_xcalloc((size_t)cl->nparts, 1);

    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(cl->nparts);
    for (int p = 0; p < cl->nparts; p++) {
        int64_t lo = 0, hi = 0;
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(cl->rk, cl->topic, p, &lo, &hi, 10000);
        if (e) {
            snprintf(err, errlen, "changelog: watermarks of %s [%d]: %s", cl->topic, p, rd_kafka_err2str(e));
            rd_kafka_topic_partition_list_destroy(parts);
            goto fail;
        }
        cl->target[p] = hi;
        cl->next[p] = lo;
        rd_kafka_topic_partition_list_add(parts, cl->topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(cl->rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e) { snprintf(err, errlen, "changelog: assign: %s", rd_kafka_err2str(e)); goto fail; }
    ne_log(NE_LOG_INFO, "changelog", "reading %s from the beginning (%d partition(s))", cl->topic, cl->nparts);
    if (cl->nparts > 1)
        ne_log(NE_LOG_WARN, "changelog", "%s has %d partitions: the rebuild reads them interleaved, "
               "so a re-delivered article may be judged against articles stored after its first "
               "attempt (enrichers/dedup/DEDUP.md, \"Redelivery: the guarantee\"); create it with one",
               cl->topic, cl->nparts);
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
        ne_log(NE_LOG_WARN, "changelog", "%s", rd_kafka_message_errstr(m));
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
            ne_log_rec(NE_LOG_WARN, "changelog", cl->topic, p, m->offset, "malformed record skipped");
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
            ne_log(NE_LOG_WARN, "changelog", "not caught up with %s after %d ms (%ld records applied)",
                   cl->topic, timeout_ms, cl->st.records);
            return -1;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(cl->rk, 100);
        if (!m) continue;
        handle(cl, m);
        rd_kafka_message_destroy(m);
    }
    cl->caught_up = 1;
    ne_log(NE_LOG_INFO, "changelog", "caught up with %s: %ld records applied in %.1f s", cl->topic,
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
    free(cl->target);
    free(cl->next);
    free(cl->at_end);
    free(cl->origin);
    free(cl);
}
