#include "producer/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"

const char *const ne_kafka_consumer_only[] = {
    "group.id", "group.instance.id", "auto.offset.reset", "enable.auto.commit",
    "auto.commit.interval.ms", "enable.auto.offset.store", "session.timeout.ms",
    "heartbeat.interval.ms", "max.poll.interval.ms", "partition.assignment.strategy",
    "isolation.level", "enable.partition.eof", "fetch.min.bytes", "fetch.wait.max.ms",
    "fetch.max.bytes", "max.partition.fetch.bytes", "fetch.message.max.bytes",
    "queued.min.messages", "queued.max.messages.kbytes", "check.crcs", "group.protocol.type",
    NULL};

struct ne_producer {
    rd_kafka_t *rk;
    const ne_config *cfg;
    ne_delivery_cb cb;
    void *ctx;
    size_t max_record[NE_TOPIC__COUNT];  /* see ne_producer_max_record */
};

/* The producer's own message.max.bytes, as librdkafka holds it. */
static size_t producer_message_max(rd_kafka_t *rk)
{
    char v[32];
    size_t n = sizeof v;
    if (rd_kafka_conf_get(rd_kafka_conf(rk), "message.max.bytes", v, &n) != RD_KAFKA_CONF_OK)
        return 1000000;
    return (size_t)strtoull(v, NULL, 10);
}

void ne_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    enum ne_log_level lvl = level <= 3 ? NE_LOG_ERROR : level <= 4 ? NE_LOG_WARN
                          : level <= 6 ? NE_LOG_INFO : NE_LOG_DEBUG;
    ne_log(lvl, "librdkafka", "%s: %s: %s", rk ? rd_kafka_name(rk) : "-", fac, buf);
}

int ne_kafka_conf_default(rd_kafka_conf_t *conf, const ne_config *cfg, const char *key,
                          const char *value, char *err, size_t errlen)
{
    if (ne_config_kafka_get(cfg, key)) return 0;
    if (rd_kafka_conf_set(conf, key, value, err, errlen) != RD_KAFKA_CONF_OK) return -1;
    return 0;
}

/* Delivery report: hand the result to the owner, then log failures here
 * so none goes unseen even if the owner ignores it. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    ne_producer *p = opaque;
    (void)rk;
    if (msg->err)
        ne_log(NE_LOG_ERROR, "producer", "delivery to %s failed: %s",
               rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
    if (p->cb) p->cb(p->ctx, msg->_private, msg->err, msg);
}

ne_producer *ne_producer_new(const ne_config *cfg, ne_delivery_cb cb, void *ctx,
                             char *err, size_t errlen)
{
    ne_producer *p = ne_xcalloc(1, sizeof *p);
    rd_kafka_conf_t *conf = NULL;
    p->cfg = cfg;
    p->cb = cb;
    p->ctx = ctx;

    conf = ne_config_kafka_conf_except(cfg, ne_kafka_consumer_only, err, errlen);
    if (!conf) goto fail;
    if (ne_kafka_conf_default(conf, cfg, "enable.idempotence", "true", err, errlen) ||
        /* an article fans out to ~25 records over four topics: 20 ms
         * batches cut the broker's CPU per article by half or more
         * against 5 ms (BENCHMARKS.md), well inside the latency budget */
        ne_kafka_conf_default(conf, cfg, "linger.ms", "20", err, errlen) ||
        ne_kafka_conf_default(conf, cfg, "compression.type", "lz4", err, errlen) ||
        ne_kafka_conf_default(conf, cfg, "client.id", "newsenrich-producer", err, errlen))
        goto fail;
    if (cfg->processing.guarantee == NE_EXACTLY_ONCE &&
        rd_kafka_conf_set(conf, "transactional.id", cfg->processing.transactional_id,
                          err, errlen) != RD_KAFKA_CONF_OK)
        goto fail;
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, p);

    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
    if (!p->rk) goto fail;
    size_t max = producer_message_max(p->rk);
    for (int t = 0; t < NE_TOPIC__COUNT; t++) p->max_record[t] = max;
    return p;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    free(p);
    return NULL;
}

rd_kafka_resp_err_t ne_producer_send(ne_producer *p, const ne_event *ev, void *opaque)
{
    rd_kafka_headers_t *hdrs = NULL;
    if (ev->nheaders) {
        hdrs = rd_kafka_headers_new(ev->nheaders);
        for (size_t i = 0; i < ev->nheaders; i++)
            rd_kafka_header_add(hdrs, ev->headers[i].name, -1, ev->headers[i].value, -1);
    }
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p->rk,
            RD_KAFKA_V_TOPIC(ne_topic_name(p->cfg, ev->topic)),
            RD_KAFKA_V_KEY(ev->key, ev->key_len),
            RD_KAFKA_V_VALUE(ev->value, ev->value_len),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_HEADERS(hdrs),
            RD_KAFKA_V_OPAQUE(opaque),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* Back-pressure from librdkafka: serve delivery reports to make room. */
            rd_kafka_poll(p->rk, 100);
            continue;
        }
        /* On success the headers belong to the message; on failure to us. */
        if (err && hdrs) rd_kafka_headers_destroy(hdrs);
        return err;
    }
}

void ne_producer_poll(ne_producer *p, int timeout_ms) { rd_kafka_poll(p->rk, timeout_ms); }

rd_kafka_resp_err_t ne_producer_flush(ne_producer *p, int timeout_ms)
{
    return rd_kafka_flush(p->rk, timeout_ms);
}

int ne_producer_outstanding(ne_producer *p) { return rd_kafka_outq_len(p->rk); }

int ne_producer_fatal(ne_producer *p, char *err, size_t errlen)
{
    return rd_kafka_fatal_error(p->rk, err, errlen) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_t *ne_producer_handle(ne_producer *p) { return p->rk; }

size_t ne_producer_max_record(const ne_producer *p, enum ne_topic t)
{
    return t < NE_TOPIC__COUNT ? p->max_record[t] : 0;
}

/* Lowers every role whose topic is `name` to at most `max`. */
static void lower_limit(ne_producer *p, const char *name, size_t max)
{
    for (int t = 0; t < NE_TOPIC__COUNT; t++)
        if (!strcmp(ne_topic_name(p->cfg, t), name) && max < p->max_record[t]) p->max_record[t] = max;
}

/* The max.message.bytes of one DescribeConfigs result; 0 when absent. */
static size_t topic_max_message_bytes(const rd_kafka_ConfigResource_t *res)
{
    size_t n = 0;
    const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(res, &n);
    for (size_t i = 0; i < n; i++) {
        const char *value = rd_kafka_ConfigEntry_value(entries[i]);
        if (!strcmp(rd_kafka_ConfigEntry_name(entries[i]), "max.message.bytes") && value)
            return (size_t)strtoull(value, NULL, 10);
    }
    return 0;
}

int ne_producer_read_topic_limits(ne_producer *p, int timeout_ms)
{
    /* The service's outputs; the alerts' dead letters are the notifier's. */
    static const enum ne_topic roles[] = {NE_TOPIC_ENRICHED, NE_TOPIC_DUPLICATES, NE_TOPIC_CLAIMS,
                                          NE_TOPIC_ALERTS, NE_TOPIC_DLQ, NE_TOPIC_CHANGELOG};
    enum { NROLES = sizeof roles / sizeof roles[0] };
    rd_kafka_ConfigResource_t *res[NROLES];
    size_t nres = 0;
    for (size_t i = 0; i < NROLES; i++) {
        const char *name = ne_topic_name(p->cfg, roles[i]);
        int seen = 0;
        for (size_t j = 0; j < nres; j++) seen |= !strcmp(rd_kafka_ConfigResource_name(res[j]), name);
        if (name && *name && !seen) res[nres++] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name);
    }
    char errstr[256];
    int read = 0;
    rd_kafka_queue_t *q = rd_kafka_queue_new(p->rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(p->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, errstr, sizeof errstr);
    rd_kafka_DescribeConfigs(p->rk, res, nres, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
    if (!ev || rd_kafka_event_error(ev)) {
        ne_log(NE_LOG_WARN, "producer", "cannot read the output topics' max.message.bytes (%s); "
               "the producer's message.max.bytes (%zu) is the only size limit checked before producing",
               ev ? rd_kafka_event_error_string(ev) : "timed out", p->max_record[0]);
    } else {
        size_t n = 0;
        const rd_kafka_ConfigResource_t **rs =
            rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
        for (size_t i = 0; i < n; i++) {
            const char *name = rd_kafka_ConfigResource_name(rs[i]);
            size_t max = rd_kafka_ConfigResource_error(rs[i]) ? 0 : topic_max_message_bytes(rs[i]);
            if (!max) {
                ne_log(NE_LOG_WARN, "producer", "topic %s: max.message.bytes not readable (%s); "
                       "assuming the producer's limit", name,
                       rd_kafka_ConfigResource_error_string(rs[i]) ? rd_kafka_ConfigResource_error_string(rs[i])
                                                                   : "absent");
                continue;
            }
            lower_limit(p, name, max);
            read++;
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    for (size_t i = 0; i < nres; i++) rd_kafka_ConfigResource_destroy(res[i]);
    return read;
}

enum ne_topic ne_producer_note_refused(ne_producer *p, const char *topic, size_t record_bytes)
{
    enum ne_topic role = NE_TOPIC__COUNT;
    for (int t = 0; t < NE_TOPIC__COUNT; t++)
        if (!strcmp(ne_topic_name(p->cfg, t), topic)) role = t;
    if (role != NE_TOPIC__COUNT)
        lower_limit(p, topic, record_bytes > 1024 ? record_bytes - 1 : record_bytes / 2);
    return role;
}

int ne_producer_size_error(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_RECORD;
}

void ne_producer_free(ne_producer *p)
{
    if (!p) return;
    if (p->rk) rd_kafka_destroy(p->rk);
    free(p);
}
