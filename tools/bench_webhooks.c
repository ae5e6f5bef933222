/* bench_webhooks — webhook deliveries per second and the latency the
 * notifier adds, end to end: alerts produced to Kafka -> the notifier
 * (ne_notifier_start: consumer, signing, libcurl multi) -> a local
 * receiver that verifies every signature (notifier/receiver.c).
 *
 *   bench_webhooks [--alerts N] [--latency-alerts M] [--rate R] [--subs S]
 *                  [--in-flight K] [--bootstrap HOST:PORT]
 *
 * Kafka is librdkafka's in-process mock cluster unless --bootstrap names a
 * real broker (topics are then created by the broker's auto-creation or
 * must exist: bench.<pid>.alerts, bench.<pid>.alerts.dlq).
 *
 * Phase 1, throughput: N alerts are produced first, then the notifier
 * starts; deliveries/s is measured from the first to the last delivery.
 * Phase 2, latency: with the notifier idle and caught up, M alerts are
 * produced at R per second; each one's latency is the receiver's clock
 * at delivery minus the producer's clock when it was handed to Kafka.
 * It includes the Kafka hop (linger.ms 5 on the producer side), i.e. it is
 * the added latency from claim (alert produced) to delivery.
 *
 * Exit status 0, or 1 when a delivery is missing or has a bad signature.
 */
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "config/config.h"
#include "notifier/notifier.h"
#include "notifier/receiver.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

struct bench {
    long n;                   /* alerts of both phases */
    int64_t *produced_us;     /* per alert index: when produced (phase 2) */
    int64_t *received_us;     /* per alert index: first valid delivery */
    atomic_long received, duplicates, invalid;
};

static int64_t realtime_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Webhook ids are "bench-<index>-<sub>"; record the first valid one. */
static int on_delivery(void *ctx, const ne_received *r)
{
    struct bench *b = ctx;
    long i;
    if (!r->valid) { atomic_fetch_add(&b->invalid, 1); return 0; }
    if (sscanf(r->webhook_id, "bench-%ld-", &i) != 1 || i < 0 || i >= b->n) return 400;
    if (b->received_us[i]) { atomic_fetch_add(&b->duplicates, 1); return 0; }
    b->received_us[i] = r->at_us;
    atomic_fetch_add(&b->received, 1);
    return 0;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_webhooks: %s: %s\n", what, err);
    exit(2);
}

/* One alert, shaped per schemas/alerts.schema.json. */
static int alert_json(char *out, size_t n, long i, int sub)
{
    return snprintf(out, n,
        "{\"alert_id\":\"bench-%ld-%d\",\"subscription_id\":\"sub-%d\","
        "\"person\":{\"id\":\"vladimir-putin\",\"name\":\"Vladimir Putin\"},\"role\":\"speaker\","
        "\"claim_id\":\"claim-%ld\",\"quote\":{\"id\":\"q-%ld\",\"kind\":\"direct\","
        "\"text\":\"We will respond to this in due course, and the response will be measured.\","
        "\"start\":120,\"end\":196,\"speaker\":{\"entity_id\":\"vladimir-putin\",\"name\":\"Vladimir Putin\","
        "\"text\":\"Mr Putin\"},\"cue\":\"said\",\"about\":[],\"claim_id\":\"claim-%ld\",\"new\":true},"
        "\"article\":{\"id\":\"article-%ld\",\"title\":\"Kremlin answers\",\"url\":\"https://news.example/%ld\","
        "\"source\":\"wire\",\"published_at\":\"2026-11-20T10:00:00Z\"},\"created_at\":\"2026-11-20T10:00:01Z\"}",
        i, sub, sub, i, i, i, i, i);
}

static void produce_alert(rd_kafka_t *p, const char *topic, long i, int subs, struct bench *b)
{
    char v[2048], k[64];
    int sub = (int)(i % subs);
    int len = alert_json(v, sizeof v, i, sub);
    snprintf(k, sizeof k, "bench-%ld-%d", i, sub);
    for (;;) {
        b->produced_us[i] = realtime_us();
        rd_kafka_resp_err_t e = rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(k, strlen(k)),
                                                  RD_KAFKA_V_VALUE(v, (size_t)len),
                                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) { rd_kafka_poll(p, 10); continue; }
        if (e) die("produce", rd_kafka_err2str(e));
        return;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int wait_received(struct bench *b, long want, int timeout_s)
{
    int64_t deadline = realtime_us() + (int64_t)timeout_s * 1000000;
    while (atomic_load(&b->received) < want) {
        if (realtime_us() > deadline) return -1;
        usleep(2000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n1 = 20000, n2 = 5000, rate = 1000;
    int subs = 2, in_flight = 8;
    const char *bootstrap = NULL;
    static const struct option opts[] = {
        {"alerts", required_argument, NULL, 'n'}, {"latency-alerts", required_argument, NULL, 'm'},
        {"rate", required_argument, NULL, 'r'}, {"subs", required_argument, NULL, 's'},
        {"in-flight", required_argument, NULL, 'k'}, {"bootstrap", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0}};
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': n1 = atol(optarg); break;
        case 'm': n2 = atol(optarg); break;
        case 'r': rate = atol(optarg); break;
        case 's': subs = atoi(optarg); break;
        case 'k': in_flight = atoi(optarg); break;
        case 'b': bootstrap = optarg; break;
        default:
            fprintf(stderr, "usage: bench_webhooks [--alerts N] [--latency-alerts M] [--rate R] [--subs S] "
                            "[--in-flight K] [--bootstrap HOST:PORT]\n");
            return 2;
        }
    }
    if (n1 < 1 || n2 < 0 || rate < 1 || subs < 1 || subs > 64 || in_flight < 1) die("arguments", "out of range");
    if (!getenv("NEWSENRICH_LOG_LEVEL")) setenv("NEWSENRICH_LOG_LEVEL", "warn", 1);

    struct bench b = {.n = n1 + n2};
    b.produced_us = calloc((size_t)b.n, sizeof *b.produced_us);
    b.received_us = calloc((size_t)b.n, sizeof *b.received_us);
    if (!b.produced_us || !b.received_us) die("memory", "out of memory");
    char err[1024], topic[64], dlq[64];
    snprintf(topic, sizeof topic, "bench.%d.alerts", (int)getpid());
    snprintf(dlq, sizeof dlq, "bench.%d.alerts.dlq", (int)getpid());

    ne_receiver *recv = ne_receiver_start("127.0.0.1", 0, SECRET, on_delivery, &b, err, sizeof err);
    if (!recv) die("receiver", err);

    /* Kafka: the mock cluster, or the broker given. */
    rd_kafka_t *mock_rk = NULL;
    rd_kafka_mock_cluster_t *mc = NULL;
    if (!bootstrap) {
        rd_kafka_conf_t *mconf = rd_kafka_conf_new();
        rd_kafka_conf_set(mconf, "log_level", "3", NULL, 0);
        mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, mconf, err, sizeof err);
        if (!mock_rk) die("mock cluster", err);
        mc = rd_kafka_mock_cluster_new(mock_rk, 1);
        if (!mc) die("mock cluster", "cannot create");
        bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
        rd_kafka_mock_topic_create(mc, topic, 3, 1);
        rd_kafka_mock_topic_create(mc, dlq, 1, 1);
    }

    /* The notifier's configuration. */
    char cfgtext[8192];
    size_t off = (size_t)snprintf(cfgtext, sizeof cfgtext,
        "{\"kafka\":{\"bootstrap.servers\":\"%s\",\"group.id\":\"bench-%d\",\"fetch.wait.max.ms\":\"10\"},"
        "\"topics\":{\"alerts\":\"%s\",\"alerts_dlq\":\"%s\"},"
        "\"watchlist\":{\"people\":[{\"id\":\"vladimir-putin\",\"name\":\"Vladimir Putin\"}]},"
        "\"webhooks\":{\"allow_private\":true,\"per_endpoint_in_flight\":%d,\"subscriptions\":[",
        bootstrap, (int)getpid(), topic, dlq, in_flight);
    for (int s = 0; s < subs; s++)
        off += (size_t)snprintf(cfgtext + off, sizeof cfgtext - off,
            "%s{\"url\":\"http://127.0.0.1:%d/hook/%d\",\"secret\":\"%s\",\"people\":[\"vladimir-putin\"]}",
            s ? "," : "", ne_receiver_port(recv), s, SECRET);
    snprintf(cfgtext + off, sizeof cfgtext - off, "]}}");
    ne_config *cfg = ne_config_load_string(cfgtext, strlen(cfgtext), err, sizeof err);
    if (!cfg) die("config", err);

    rd_kafka_conf_t *pconf = rd_kafka_conf_new();
    rd_kafka_conf_set(pconf, "bootstrap.servers", bootstrap, NULL, 0);
    rd_kafka_conf_set(pconf, "linger.ms", "5", NULL, 0);
    rd_kafka_t *prod = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, err, sizeof err);
    if (!prod) die("producer", err);

    /* Phase 1: a backlog, then the notifier. */
    for (long i = 0; i < n1; i++) produce_alert(prod, topic, i, subs, &b);
    if (rd_kafka_flush(prod, 60000)) die("produce", "flush timed out");
    printf("bench-webhooks: %ld alerts in Kafka (%s), %d subscription(s), %d in flight each, receiver :%d\n",
           n1, mc ? "mock cluster" : bootstrap, subs, in_flight, ne_receiver_port(recv));
    fflush(stdout);

    ne_notifier_opts nopts = {.status_interval_s = 3600};
    int64_t t_start = realtime_us();
    ne_notifier *nt = ne_notifier_start(cfg, &nopts, err, sizeof err);
    if (!nt) die("notifier", err);
    int rc = 0;
    if (wait_received(&b, n1, 300)) {
        fprintf(stderr, "bench_webhooks: only %ld of %ld delivered in 300 s\n", atomic_load(&b.received), n1);
        rc = 1;
    }
    int64_t first = INT64_MAX, last = 0;
    for (long i = 0; i < n1; i++)
        if (b.received_us[i]) {
            if (b.received_us[i] < first) first = b.received_us[i];
            if (b.received_us[i] > last) last = b.received_us[i];
        }
    double span = (double)(last - first) / 1e6;
    printf("throughput: %ld deliveries in %.2f s = %.0f deliveries/s (first delivery %.2f s after start, "
           "incl. group join; overall %.0f/s)\n", n1, span, span > 0 ? n1 / span : 0.0,
           (double)(first - t_start) / 1e6, n1 / ((double)(last - t_start) / 1e6));
    fflush(stdout);

    /* Phase 2: paced alerts to a caught-up notifier. */
    if (rc == 0 && n2 > 0) {
        int64_t t0 = realtime_us();
        for (long k = 0; k < n2; k++) {
            int64_t due = t0 + k * 1000000 / rate;
            int64_t now = realtime_us();
            if (due > now) usleep((useconds_t)(due - now));
            produce_alert(prod, topic, n1 + k, subs, &b);
            rd_kafka_poll(prod, 0);
        }
        rd_kafka_flush(prod, 60000);
        if (wait_received(&b, n1 + n2, 120)) {
            fprintf(stderr, "bench_webhooks: latency phase: only %ld of %ld delivered\n",
                    atomic_load(&b.received) - n1, n2);
            rc = 1;
        }
        int64_t *lat = calloc((size_t)n2, sizeof *lat);
        long m = 0;
        for (long k = 0; k < n2; k++)
            if (b.received_us[n1 + k]) lat[m++] = b.received_us[n1 + k] - b.produced_us[n1 + k];
        qsort(lat, (size_t)m, sizeof *lat, cmp_i64);
        if (m)
            printf("latency (alert produced -> webhook received, %ld alerts at %ld/s): p50 %.1f ms, "
                   "p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", m, rate, lat[m / 2] / 1e3, lat[m * 9 / 10] / 1e3,
                   lat[m * 99 / 100] / 1e3, lat[m - 1] / 1e3);
        free(lat);
    }

    ne_notifier_stats st;
    int nrc = ne_notifier_stop_join(nt, &st);
    long valid, invalid;
    ne_receiver_counts(recv, &valid, &invalid);
    printf("receiver: %ld valid signatures, %ld invalid, %ld duplicate deliveries; notifier: %ld delivered, "
           "%ld dead-lettered, exit %d\n", valid, invalid, atomic_load(&b.duplicates), st.delivered,
           st.dead_lettered, nrc);
    if (invalid || st.dead_lettered || nrc) rc = 1;

    rd_kafka_destroy(prod);
    ne_receiver_stop(recv);
    ne_config_free(cfg);
    if (mc) rd_kafka_mock_cluster_destroy(mc);
    if (mock_rk) rd_kafka_destroy(mock_rk);
    free(b.produced_us);
    free(b.received_us);
    return rc;
}
