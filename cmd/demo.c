/* `newsenrich demo`: the real service loop against librdkafka's in-process
 * mock cluster, with the bundled sample articles, then a readable account
 * of what came out on every topic. No broker, no network beyond loopback. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "cmd/commands.h"
#include "cmd/demo_articles.h"
#include "cmd/summary.h"
#include "service/service.h"
#include "common/log.h"
#include "common/nebuf.h"
#include "common/xalloc.h"
#include "enrichers/pipeline/pipeline.h"
#include "notifier/notifier.h"
#include "notifier/receiver.h"
#include "producer/producer.h"

#define DEMO_RAW_PARTITIONS 2
/* The demo subscription's secret (Standard Webhooks' example key). */
#define DEMO_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* What the local webhook receiver saw; written on its thread. */
typedef struct demo_inbox {
    pthread_mutex_t lock;
    long valid, invalid;
    char first[2048];    /* the first body, for the printout */
} demo_inbox;

static int on_webhook(void *ctx, const ne_received *r)
{
    demo_inbox *in = ctx;
    pthread_mutex_lock(&in->lock);
    if (r->valid) in->valid++; else in->invalid++;
    if (!in->first[0]) snprintf(in->first, sizeof in->first, "%.*s", (int)r->body_len, r->body);
    pthread_mutex_unlock(&in->lock);
    return 0;
}

/* The demo's own configuration when none was given: two watched people of
 * the sample articles and one subscription to the local receiver. */
static ne_config *demo_config(int port, char *err, size_t errlen)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"watchlist\": {\"people\": ["
             "{\"id\": \"ingrid-vass\", \"name\": \"Ingrid Vass\", \"aliases\": [\"the authority's chair\"]},"
             "{\"id\": \"anika-solberg\", \"name\": \"Anika Solberg\"}]},"
             " \"webhooks\": {\"allow_private\": true, \"subscriptions\": [{\"id\": \"demo\","
             " \"url\": \"http://127.0.0.1:%d/hooks\", \"secret\": \"%s\","
             " \"people\": [\"ingrid-vass\", \"anika-solberg\"]}]}}",
             port, DEMO_SECRET);
    return ne_config_load_string(text, strlen(text), err, errlen);
}

/* Renders a sample article as the JSON record a news crawler would send. */
static void article_json(nebuf *b, const demo_article *a)
{
    const char *keys[] = {"id", "source", "url", "published_at", "title", "body"};
    const char *vals[] = {a->id, a->source, a->url, a->published_at, a->title, a->body};
    int first = 1;
    nebuf_putc(b, '{');
    for (size_t i = 0; i < 6; i++) {
        if (!vals[i]) continue;
        if (!first) nebuf_putc(b, ',');
        nebuf_json_str(b, keys[i], strlen(keys[i]));
        nebuf_putc(b, ':');
        nebuf_json_str(b, vals[i], strlen(vals[i]));
        first = 0;
    }
    nebuf_putc(b, '}');
}

static int produce_raw(rd_kafka_t *rk, const char *topic, const char *key, const char *v, size_t len)
{
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
        RD_KAFKA_V_VALUE((void *)v, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) fprintf(stderr, "demo: produce failed: %s\n", rd_kafka_err2str(err));
    return err ? -1 : 0;
}

/* Sends the sample records; returns how many, or -1. */
static long produce_samples(const ne_config *cfg, const char *bootstraps)
{
    char err[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, err, sizeof err);
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) { fprintf(stderr, "demo: %s\n", err); return -1; }

    const char *topic = cfg->topics.raw;
    long n = 0;
    int rc = 0;
    nebuf b = {0};
    for (const demo_article *a = demo_articles; a->id; a++) {
        nebuf_reset(&b);
        article_json(&b, a);
        rc |= produce_raw(rk, topic, a->id, b.p, b.len), n++;
        if (a == demo_articles) {
            /* The wire story again, word for word, as another outlet's
             * article (its own id): an exact duplicate. The same id would
             * be a re-delivery, which is processed again, not a copy. */
            demo_article copy = *a;
            copy.id = "demo-harbour-1-syndicated";
            copy.url = "https://syndicate.example/harbour";
            nebuf_reset(&b);
            article_json(&b, &copy);
            rc |= produce_raw(rk, topic, copy.id, b.p, b.len), n++;
        }
    }
    /* A story's updated version: the same id, so the same key and
     * partition, after the first version */
    for (const demo_article *a = demo_articles; a->id; a++) {
        if (strcmp(a->id, "demo-summit-1") != 0) continue;
        demo_article upd = *a;
        char *body = ne_xmalloc(strlen(a->body) + sizeof demo_summit_update_paragraph);
        strcpy(body, a->body);
        strcat(body, demo_summit_update_paragraph);
        upd.body = body;
        upd.published_at = "2026-11-22T09:00:00Z";
        nebuf_reset(&b);
        article_json(&b, &upd);
        rc |= produce_raw(rk, topic, upd.id, b.p, b.len), n++;
        free(body);
    }
    nebuf_reset(&b);
    article_json(&b, &demo_wire_story);
    rc |= produce_raw(rk, topic, demo_wire_story.id, b.p, b.len), n++;
    rc |= produce_raw(rk, topic, NULL, demo_plain_text_article, strlen(demo_plain_text_article)), n++;
    rc |= produce_raw(rk, topic, "demo-page-1", demo_web_page_record, strlen(demo_web_page_record)), n++;
    rc |= produce_raw(rk, topic, NULL, demo_broken_json, strlen(demo_broken_json)), n++;
    rc |= produce_raw(rk, topic, NULL, demo_invalid_utf8, strlen(demo_invalid_utf8)), n++;
    rc |= produce_raw(rk, topic, NULL, demo_missing_body, strlen(demo_missing_body)), n++;
    if (rd_kafka_flush(rk, 10000)) rc = -1;
    nebuf_free(&b);
    rd_kafka_destroy(rk);
    return rc ? -1 : n;
}

static const char *header(const rd_kafka_message_t *m, const char *name, char *buf, size_t len)
{
    rd_kafka_headers_t *h = NULL;
    const void *val;
    size_t vlen;
    buf[0] = '\0';
    if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, name, &val, &vlen)) return buf;
    snprintf(buf, len, "%.*s", (int)vlen, (const char *)val);
    return buf;
}

/* Prints one record of an output topic through the shared account. */
static void describe(FILE *out, enum ne_topic t, const rd_kafka_message_t *m)
{
    char reason[300] = "", detail[300] = "";
    if (t == NE_TOPIC_DLQ) {
        header(m, "error.reason", reason, sizeof reason);
        header(m, "error.detail", detail, sizeof detail);
    }
    ne_summary_event(out, t, m->payload, m->payload ? m->len : 0, reason, detail);
}

/* Reads every output topic from the beginning and prints it. Returns the
 * number of records per topic in counts. */
static int report_outputs(const ne_config *cfg, const char *bootstraps, FILE *out, long counts[])
{
    static const enum ne_topic shown[] = {NE_TOPIC_ENRICHED, NE_TOPIC_DUPLICATES, NE_TOPIC_CLAIMS,
                                          NE_TOPIC_ALERTS, NE_TOPIC_DLQ};
    char err[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", "newsenrich-demo-report", err, sizeof err);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) { fprintf(stderr, "demo: %s\n", err); return -1; }

    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        enum ne_topic t = shown[i];
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, ne_topic_name(cfg, t), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(rk, l);
        rd_kafka_topic_partition_list_destroy(l);
        fprintf(out, "\n  %s\n", ne_topic_name(cfg, t));
        counts[t] = 0;
        for (int idle = 0; idle < 30;) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
            if (!m) { idle++; continue; }
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) { rd_kafka_message_destroy(m); break; }
            if (!m->err) { counts[t]++; describe(out, t, m); }
            rd_kafka_message_destroy(m);
        }
        if (!counts[t]) fprintf(out, "    (none)\n");
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return 0;
}

/* Delivers the alerts to the local receiver with the real notifier and
 * waits (up to 20 s) until `expected` have arrived. */
static void deliver_alerts(const ne_config *cfg, long expected, demo_inbox *inbox, FILE *out)
{
    char err[256];
    ne_notifier_opts nopts = {.status_interval_s = 3600};
    ne_notifier *n = ne_notifier_start(cfg, &nopts, err, sizeof err);
    if (!n) { fprintf(out, "  notifier: %s\n", err); return; }
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&inbox->lock);
        long got = inbox->valid + inbox->invalid;
        pthread_mutex_unlock(&inbox->lock);
        if (got >= expected) break;
        usleep(100 * 1000);
    }
    ne_notifier_stop_join(n, NULL);
    pthread_mutex_lock(&inbox->lock);
    fprintf(out, "\nWebhooks: %ld delivered to the local receiver, signatures verified: %ld valid, "
            "%ld invalid.\n", inbox->valid + inbox->invalid, inbox->valid, inbox->invalid);
    if (inbox->first[0]) fprintf(out, "  the first one:\n    %s\n", inbox->first);
    pthread_mutex_unlock(&inbox->lock);
}

int ne_cmd_demo(ne_config *given, FILE *out, volatile sig_atomic_t *stop)
{
    char err[512];
    int rc = 1;
    long counts[NE_TOPIC__COUNT] = {0};
    demo_inbox inbox = {.lock = PTHREAD_MUTEX_INITIALIZER};
    ne_config *own = NULL, *cfg = given;
    ne_receiver *receiver = ne_receiver_start("127.0.0.1", 0, DEMO_SECRET, on_webhook, &inbox,
                                              err, sizeof err);
    if (!receiver) { fprintf(stderr, "demo: webhook receiver: %s\n", err); return 1; }
    if (!given->webhooks.nsubscriptions) {
        own = cfg = demo_config(ne_receiver_port(receiver), err, sizeof err);
        if (!own) { fprintf(stderr, "demo: %s\n", err); ne_receiver_stop(receiver); return 1; }
    }
    /* A person reads this output: only warnings and errors from the log. */
    setenv("NEWSENRICH_LOG_LEVEL", getenv("NEWSENRICH_LOG_LEVEL") ? getenv("NEWSENRICH_LOG_LEVEL") : "warn", 1);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, ne_kafka_log_cb);
    rd_kafka_t *mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    rd_kafka_mock_cluster_t *mc = NULL;
    if (!mock_rk) { fprintf(stderr, "demo: %s\n", err); goto out; }

    mc = rd_kafka_mock_cluster_new(mock_rk, 1);
    if (!mc) { fprintf(stderr, "demo: cannot start the mock cluster\n"); goto out; }
    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    rd_kafka_mock_topic_create(mc, cfg->topics.raw, DEMO_RAW_PARTITIONS, 1);
    for (int t = 0; t < NE_TOPIC__COUNT; t++) rd_kafka_mock_topic_create(mc, ne_topic_name(cfg, t), 1, 1);
    ne_config_kafka_set(cfg, "bootstrap.servers", bootstraps);
    ne_config_kafka_set(cfg, "group.id", "newsenrich-demo");

    fprintf(out, "newsenrich demo: an in-process mock Kafka cluster at %s (no broker, no network)\n",
            bootstraps);
    long n = produce_samples(cfg, bootstraps);
    if (n < 0) goto out;
    fprintf(out, "  produced %ld records to %s: %zu sample articles (one of them also syndicated word for "
            "word, one sent again as an updated version), a plain-text article, a web page, a hard-wrapped "
            "wire story, and 3 broken records\n", n, cfg->topics.raw,
            sizeof demo_articles / sizeof demo_articles[0] - 1);
    fprintf(out, "  running the service until every record is processed and acknowledged...\n");
    fflush(out);

    /* The notifier runs after the service here, so that the demo can wait
     * for every alert to arrive before it ends. */
    ne_service_opts opts = {.stop = stop, .stop_after = n, .progress_interval_s = 60, .no_notifier = 1,
                            .no_topic_limits = 1};
    ne_service_result res;
    rc = ne_service_run(cfg, &opts, &res);
    if (rc) { fprintf(out, "  the service failed (exit %d); see the log above\n", rc); goto out; }

    fprintf(out, "  consumed %ld, enriched %llu, exact duplicates %llu, dead-lettered %llu\n",
            res.consumed, (unsigned long long)res.pipeline.enriched,
            (unsigned long long)res.pipeline.duplicates, (unsigned long long)res.pipeline.rejected);
    fprintf(out, "\nWhat came out, topic by topic:\n");
    if (report_outputs(cfg, bootstraps, out, counts)) { rc = 1; goto out; }

    long outcomes = counts[NE_TOPIC_ENRICHED] + counts[NE_TOPIC_DLQ] +
                    (long)res.pipeline.duplicates;
    fprintf(out, "\nEvery record has exactly one outcome: %ld in, %ld enriched + %llu exact "
            "duplicates + %ld dead letters = %ld.\n", n, counts[NE_TOPIC_ENRICHED],
            (unsigned long long)res.pipeline.duplicates, counts[NE_TOPIC_DLQ], outcomes);
    rc = outcomes == n ? 0 : 1;
    if (counts[NE_TOPIC_ALERTS]) deliver_alerts(cfg, counts[NE_TOPIC_ALERTS], &inbox, out);
out:
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (mock_rk) rd_kafka_destroy(mock_rk);
    ne_receiver_stop(receiver);
    ne_config_free(own);
    return rc;
}
