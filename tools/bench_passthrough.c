/* bench_passthrough — the Kafka I/O ceiling for bench-e2e: consume every
 * record of a topic in a consumer group and produce it unchanged (key and
 * value) to another topic, with the service's client settings and nothing
 * else: no decoding, no enrichment.
 *
 *   bench_passthrough -b BROKERS -g GROUP --in TOPIC --out TOPIC --count N
 *                     [--timeout-s S]
 *
 * Like `newsenrich run` at_least_once: a cooperative-sticky consumer,
 * offsets stored only after the produced record is acknowledged, auto
 * commit; an idempotent producer with linger.ms=20 and lz4 (producer.c's
 * defaults). Stops once N records are consumed and acknowledged (or after
 * S seconds, default 300) and prints {"passed":N,"seconds":S}. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static long acked, failed;
static rd_kafka_t *consumer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set(rd_kafka_conf_t *c, const char *k, const char *v)
{
    char err[256];
    if (rd_kafka_conf_set(c, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bench_passthrough: %s=%s: %s\n", k, v, err);
        exit(2);
    }
}

/* The opaque says which input record an output is; records of one
 * partition are acknowledged in order (idempotent producer), so storing
 * its offset on acknowledgement is what the service's tracker amounts to. */
typedef struct { int32_t partition; int64_t offset; } src_rec;
static const char *in_topic;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk; (void)opaque;
    src_rec *sr = m->_private;
    if (m->err) { failed++; free(sr); return; }
    acked++;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, in_topic, sr->partition)->offset = sr->offset + 1;
    rd_kafka_offsets_store(consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
    free(sr);
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    (void)opaque;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) rd_kafka_incremental_assign(rk, parts);
    else rd_kafka_incremental_unassign(rk, parts);
}

int main(int argc, char **argv)
{
    const char *brokers = NULL, *group = NULL, *in = NULL, *out = NULL;
    long count = 0;
    double timeout_s = 300;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-b")) brokers = argv[i + 1];
        else if (!strcmp(argv[i], "-g")) group = argv[i + 1];
        else if (!strcmp(argv[i], "--in")) in = argv[i + 1];
        else if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else if (!strcmp(argv[i], "--count")) count = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout-s")) timeout_s = atof(argv[i + 1]);
    }
    in_topic = in;
    if (!brokers || !group || !in || !out || count <= 0) {
        fprintf(stderr, "usage: bench_passthrough -b BROKERS -g GROUP --in TOPIC --out TOPIC "
                        "--count N [--timeout-s S]\n");
        return 2;
    }
    char err[512];
    rd_kafka_conf_t *pc = rd_kafka_conf_new();
    set(pc, "bootstrap.servers", brokers);
    set(pc, "enable.idempotence", "true");
    set(pc, "linger.ms", "20");
    set(pc, "compression.type", "lz4");
    set(pc, "client.id", "bench-passthrough-producer");
    rd_kafka_conf_set_dr_msg_cb(pc, on_delivery);
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof err);
    if (!producer) { fprintf(stderr, "bench_passthrough: %s\n", err); return 1; }

    rd_kafka_conf_t *cc = rd_kafka_conf_new();
    set(cc, "bootstrap.servers", brokers);
    set(cc, "group.id", group);
    set(cc, "partition.assignment.strategy", "cooperative-sticky");
    set(cc, "auto.offset.reset", "earliest");
    set(cc, "enable.auto.offset.store", "false");
    set(cc, "enable.auto.commit", "true");
    set(cc, "client.id", "bench-passthrough-consumer");
    rd_kafka_conf_set_rebalance_cb(cc, on_rebalance);
    consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    if (!consumer) { fprintf(stderr, "bench_passthrough: %s\n", err); return 1; }
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(t, in, RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer, t);
    rd_kafka_topic_partition_list_destroy(t);

    long consumed = 0;
    double t0 = now_s(), first = 0;
    while (acked + failed < count && now_s() - t0 < timeout_s) {
        if (consumed < count) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
            if (m && !m->err) {
                if (!first) first = now_s();
                consumed++;
                rd_kafka_resp_err_t e;
                src_rec *sr = malloc(sizeof *sr);
                if (!sr) abort();
                sr->partition = m->partition;
                sr->offset = m->offset;
                while ((e = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(out),
                                              RD_KAFKA_V_KEY(m->key, m->key_len),
                                              RD_KAFKA_V_VALUE(m->payload, m->len),
                                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                              RD_KAFKA_V_OPAQUE(sr), RD_KAFKA_V_END)) ==
                       RD_KAFKA_RESP_ERR__QUEUE_FULL)
                    rd_kafka_poll(producer, 10);
                if (e) {
                    fprintf(stderr, "bench_passthrough: produce: %s\n", rd_kafka_err2str(e));
                    free(sr);
                    failed++;
                }
            }
            if (m) rd_kafka_message_destroy(m);
        } else {
            rd_kafka_poll(producer, 50);
        }
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 30000);
    double secs = now_s() - (first ? first : t0);
    rd_kafka_commit(consumer, NULL, 0);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_destroy(producer);
    printf("{\"passed\":%ld,\"failed\":%ld,\"seconds\":%.3f}\n", acked, failed, secs);
    return failed ? 1 : 0;
}
