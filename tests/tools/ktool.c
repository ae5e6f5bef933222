/* ktool — a small Kafka client for the integration tests.
 *
 *   ktool -b BROKERS create-topic TOPIC PARTITIONS [compact] [KEY=VALUE...]
 *   ktool -b BROKERS produce TOPIC [--raw | -k] [--transaction commit|abort|open]
 *                    < records
 *   ktool -b BROKERS consume TOPIC... [-g GROUP] [--timeout-ms N]
 *                    [--idle-ms N] [--read-committed] [--max N]
 *   ktool -b BROKERS offsets GROUP TOPIC
 *   ktool -b BROKERS wait-ready [--timeout-ms N]
 *   ktool mock-cluster [BROKERS_COUNT]
 *
 * -b defaults to $BOOTSTRAP (what scripts/kafka-broker.sh prints).
 * -X KEY=VALUE sets any librdkafka property (after ktool's own defaults).
 *
 * produce reads stdin, one record per line:
 *   (default)  the line is a JSON object, every member optional:
 *                {"key": "k", "key_b64": "..",
 *                 "value": "text" | null,   (null or no value: a tombstone)
 *                 "value_b64": "..",        (raw bytes, any content)
 *                 "value_json": <any JSON>, (sent as compact JSON text)
 *                 "partition": 2,
 *                 "headers": {"name": "text" | null | {"b64": ".."}}}
 *              blank lines are skipped
 *   --raw      the line is the value, no key
 *   -k         the line is KEY<TAB>VALUE (implies --raw)
 * It prints {"produced":N} and exits 1 if any record was not delivered.
 * --transaction sends every record in one transaction (give the id with
 * -X transactional.id=ID) and then commits it, aborts it, or leaves it
 * open: "open" exits at once without ending it, as a producer killed with
 * kill -9 mid-transaction would (the broker aborts it when a producer with
 * the same id calls init_transactions, or after transaction.timeout.ms).
 *
 * consume reads every topic from the beginning: without -g it assigns all
 * partitions itself and commits nothing; with -g it joins GROUP, starts at
 * the committed offsets (earliest when none) and commits what it printed
 * before leaving. It stops at the first of: --max messages; --idle-ms
 * (default 3000) with no new message after every assigned partition has
 * been read to its end (so --idle-ms 0 means "what is there now");
 * --timeout-ms (default 30000) in all. One JSON line per message:
 *   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,
 *    "key":"k" (or "key_b64", null when absent),"headers":{"h":"v"},
 *    "value_b64":"..","value":"text if valid UTF-8","json":<value if JSON>}
 * Header values that are not valid UTF-8 appear as {"b64":".."}.
 *
 * offsets prints, per partition of TOPIC,
 *   {"partition":0,"committed":42,"low":0,"high":42}
 * with "committed":null when GROUP has committed nothing there.
 *
 * mock-cluster starts librdkafka's in-process mock cluster (a fallback when
 * no real broker can run), prints BOOTSTRAP=HOST:PORT,... and serves until
 * SIGINT or SIGTERM. The mock has no controller, so topics are created
 * through its standard input instead: a line "create TOPIC PARTITIONS"
 * creates one and is answered with "ok" (or "error ...") on stdout.
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <openssl/evp.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define EXIT_USAGE 2
#define MAX_CONF 32

struct opts {
        const char *brokers;
        const char *group;
        bool keyed;             /* produce -k */
        bool raw;               /* produce --raw */
        bool read_committed;
        const char *transaction; /* produce --transaction: commit, abort, open */
        long timeout_ms;        /* -1: the subcommand's default */
        long idle_ms;
        long max;               /* 0: no limit */
        const char *conf[MAX_CONF]; /* -X KEY=VALUE */
        int conf_cnt;
};

static volatile sig_atomic_t run = 1;
static volatile sig_atomic_t fatal; /* a client hit a fatal error */

static void stop(int sig) {
        (void)sig;
        run = 0;
}

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void) {
        fprintf(stderr,
                "usage: ktool [-b BROKERS] [-X KEY=VALUE]... COMMAND ARGS\n"
                "  create-topic TOPIC PARTITIONS [compact] [KEY=VALUE...]\n"
                "  produce TOPIC [--raw | -k] [--transaction commit|abort|open]  (records on stdin)\n"
                "  consume TOPIC... [-g GROUP] [--timeout-ms N] [--idle-ms N]\n"
                "                   [--read-committed] [--max N]\n"
                "  offsets GROUP TOPIC\n"
                "  wait-ready [--timeout-ms N]\n"
                "  mock-cluster [BROKERS_COUNT]\n"
                "BROKERS defaults to $BOOTSTRAP.\n");
        exit(EXIT_USAGE);
}

/* Parse a non-negative decimal number, or exit with a usage error. */
static long parse_count(const char *what, const char *s) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < 0) {
                fprintf(stderr, "ktool: %s: not a count: '%s'\n", what, s);
                exit(EXIT_USAGE);
        }
        return v;
}

/* ------------------------------------------------------------ encoding */

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
static bool is_utf8(const unsigned char *s, size_t n) {
        size_t i = 0;
        while (i < n) {
                unsigned c = s[i];
                size_t len;
                uint32_t cp, min;
                if (c < 0x80) {
                        i++;
                        continue;
                } else if ((c & 0xe0) == 0xc0) {
                        len = 2, cp = c & 0x1f, min = 0x80;
                } else if ((c & 0xf0) == 0xe0) {
                        len = 3, cp = c & 0x0f, min = 0x800;
                } else if ((c & 0xf8) == 0xf0) {
                        len = 4, cp = c & 0x07, min = 0x10000;
                } else {
                        return false;
                }
                if (n - i < len)
                        return false;
                for (size_t k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += len;
        }
        return true;
}

/* Base64 of buf[0..n) as a malloc'ed NUL-terminated string. */
static char *b64_encode(const void *buf, size_t n) {
        char *out = malloc(4 * ((n + 2) / 3) + 1);
        if (!out)
                abort();
        EVP_EncodeBlock((unsigned char *)out, buf, (int)n);
        return out;
}

/* Decode base64 text s (padding optional) into a malloc'ed buffer.
 * Returns NULL if s is not base64. */
static void *b64_decode(const char *s, size_t *lenp) {
        size_t n = strlen(s);
        size_t padded = (n + 3) / 4 * 4;
        char *in = malloc(padded + 1);
        unsigned char *out = malloc(padded / 4 * 3 + 1);
        if (!in || !out)
                abort();
        memcpy(in, s, n);
        memset(in + n, '=', padded - n);
        in[padded] = '\0';
        int len = padded ? EVP_DecodeBlock(out, (unsigned char *)in, (int)padded)
                         : 0;
        /* EVP_DecodeBlock counts the bytes that padding stands for. */
        for (size_t i = padded; len > 0 && i > 0 && in[i - 1] == '='; i--)
                len--;
        free(in);
        if (len < 0) {
                free(out);
                return NULL;
        }
        *lenp = (size_t)len;
        return out;
}

/* ------------------------------------------------------------ JSON */

/* Write the parsed JSON value v to g, compactly. */
static yajl_gen_status gen_tree(yajl_gen g, yajl_val v) {
        yajl_gen_status st = yajl_gen_status_ok;
        if (YAJL_IS_STRING(v)) {
                const char *s = v->u.string;
                return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
        } else if (YAJL_IS_NUMBER(v)) {
                const char *r = v->u.number.r;
                return yajl_gen_number(g, r, strlen(r));
        } else if (YAJL_IS_TRUE(v)) {
                return yajl_gen_bool(g, 1);
        } else if (YAJL_IS_FALSE(v)) {
                return yajl_gen_bool(g, 0);
        } else if (YAJL_IS_NULL(v)) {
                return yajl_gen_null(g);
        } else if (YAJL_IS_OBJECT(v)) {
                yajl_gen_map_open(g);
                for (size_t i = 0; st == yajl_gen_status_ok &&
                                   i < v->u.object.len; i++) {
                        const char *k = v->u.object.keys[i];
                        st = yajl_gen_string(g, (const unsigned char *)k,
                                             strlen(k));
                        if (st == yajl_gen_status_ok)
                                st = gen_tree(g, v->u.object.values[i]);
                }
                return st != yajl_gen_status_ok ? st : yajl_gen_map_close(g);
        } else if (YAJL_IS_ARRAY(v)) {
                yajl_gen_array_open(g);
                for (size_t i = 0; st == yajl_gen_status_ok &&
                                   i < v->u.array.len; i++)
                        st = gen_tree(g, v->u.array.values[i]);
                return st != yajl_gen_status_ok ? st : yajl_gen_array_close(g);
        }
        return yajl_gen_invalid_string;
}

static void gen_cstr(yajl_gen g, const char *s) {
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* Write buf[0..n) as a JSON string if it is UTF-8, else as {"b64": ".."};
 * NULL is written as null. */
static void gen_bytes(yajl_gen g, const void *buf, size_t n) {
        if (!buf) {
                yajl_gen_null(g);
        } else if (is_utf8(buf, n)) {
                yajl_gen_string(g, buf, n);
        } else {
                char *b64 = b64_encode(buf, n);
                yajl_gen_map_open(g);
                gen_cstr(g, "b64");
                gen_cstr(g, b64);
                yajl_gen_map_close(g);
                free(b64);
        }
}

/* Write "json": <value> if buf[0..n) parses as JSON. */
static void gen_json_member(yajl_gen g, const void *buf, size_t n) {
        if (!buf || n == 0 || memchr(buf, '\0', n))
                return;
        char *text = malloc(n + 1);
        if (!text)
                abort();
        memcpy(text, buf, n);
        text[n] = '\0';
        yajl_val v = yajl_tree_parse(text, NULL, 0);
        free(text);
        if (!v)
                return;
        gen_cstr(g, "json");
        gen_tree(g, v);
        yajl_tree_free(v);
}

/* Print the finished top-level value in g as one line and reset g. */
static void gen_flush_line(yajl_gen g) {
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        fwrite(buf, 1, len, stdout);
        fputc('\n', stdout);
        yajl_gen_clear(g);
        yajl_gen_reset(g, NULL);
}

static yajl_gen new_gen(void) {
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                abort();
        yajl_gen_config(g, yajl_gen_beautify, 0);
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
        return g;
}

/* ------------------------------------------------------------ clients */

/* Log only what matters for a test tool: errors and worse (the warnings
 * are mostly librdkafka retrying, e.g. while the broker loads a
 * coordinator). */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf) {
        (void)rk;
        if (level <= 3)
                fprintf(stderr, "ktool: rdkafka %s: %s\n", fac, buf);
}

/* A fatal error stops the run; others are librdkafka retrying. */
static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
        (void)opaque;
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
                char why[512];
                rd_kafka_fatal_error(rk, why, sizeof(why));
                fprintf(stderr, "ktool: fatal: %s\n", why);
                fatal = 1;
                run = 0;
        } else {
                fprintf(stderr, "ktool: %s\n", reason);
        }
}

static bool conf_set(rd_kafka_conf_t *conf, const char *name,
                     const char *value) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
                fprintf(stderr, "ktool: %s\n", errstr);
                return false;
        }
        return true;
}

/* A configuration with the brokers and the callbacks. */
static rd_kafka_conf_t *new_conf(const struct opts *o) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        if (!conf_set(conf, "bootstrap.servers", o->brokers) ||
            !conf_set(conf, "client.id", "ktool"))
                exit(EXIT_USAGE);
        rd_kafka_conf_set_log_cb(conf, log_cb);
        rd_kafka_conf_set_error_cb(conf, error_cb);
        return conf;
}

/* Apply -X last, so that it overrides a subcommand's own settings. */
static rd_kafka_conf_t *finish_conf(rd_kafka_conf_t *conf,
                                    const struct opts *o) {
        for (int i = 0; i < o->conf_cnt; i++) {
                char name[256];
                const char *eq = strchr(o->conf[i], '=');
                size_t n = eq ? (size_t)(eq - o->conf[i]) : 0;
                if (n == 0 || n >= sizeof(name)) {
                        fprintf(stderr, "ktool: -X wants KEY=VALUE: %s\n",
                                o->conf[i]);
                        exit(EXIT_USAGE);
                }
                memcpy(name, o->conf[i], n);
                name[n] = '\0';
                if (!conf_set(conf, name, eq + 1))
                        exit(EXIT_USAGE);
        }
        return conf;
}

/* Create a client; takes ownership of conf. Exits on failure. */
static rd_kafka_t *new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
        char errstr[512];
        rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "ktool: cannot create client: %s\n", errstr);
                exit(1);
        }
        return rk;
}

static void sleep_ms(long ms) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
}

/* Partition count of t if every partition has a leader, else -1 with
 * *err saying why not. */
static int led_partitions(const struct rd_kafka_metadata_topic *t,
                          rd_kafka_resp_err_t *err) {
        if (t->err) {
                *err = t->err;
                return -1;
        }
        if (t->partition_cnt == 0) {
                *err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
                return -1;
        }
        for (int i = 0; i < t->partition_cnt; i++) {
                if (t->partitions[i].err || t->partitions[i].leader < 0) {
                        *err = t->partitions[i].err
                                   ? t->partitions[i].err
                                   : RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
                        return -1;
                }
        }
        return t->partition_cnt;
}

/* Number of partitions of topic once every one of them has a leader,
 * waiting up to timeout_ms for a topic that was just created.
 * Returns -1 with a message printed when the topic never gets there. */
static int topic_partitions(rd_kafka_t *rk, const char *topic,
                            int timeout_ms) {
        int64_t deadline = now_ms() + timeout_ms;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
        int cnt = -1;
        while (run) {
                const struct rd_kafka_metadata *md;
                err = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
                if (!err) {
                        cnt = led_partitions(&md->topics[0], &err);
                        rd_kafka_metadata_destroy(md);
                }
                if (cnt >= 0 || now_ms() >= deadline)
                        break;
                sleep_ms(200);
        }
        rd_kafka_topic_destroy(rkt);
        if (cnt < 0)
                fprintf(stderr, "ktool: topic %s not available: %s\n", topic,
                        rd_kafka_err2str(err));
        return cnt;
}

/* ------------------------------------------------------------ create-topic */

/* The fallback for a cluster without a controller (librdkafka's mock
 * cluster, which cannot CreateTopics): have the producer's metadata request
 * auto-create the topic, with the cluster's default partition count. */
static int auto_create(rd_kafka_t *rk, const char *topic, int partitions) {
        int n = topic_partitions(rk, topic, 5000);
        if (n < 0) {
                fprintf(stderr, "ktool: CreateTopics timed out, and %s was "
                                "not auto-created either\n", topic);
                return 1;
        }
        fprintf(stderr,
                "ktool: no controller answered CreateTopics; %s was "
                "auto-created with %d partition(s) (asked for %d)\n",
                topic, n, partitions);
        return 0;
}

static int cmd_create_topic(const struct opts *o, int argc, char **argv) {
        if (argc < 2)
                usage();
        const char *topic = argv[0];
        int partitions = (int)parse_count("PARTITIONS", argv[1]);
        if (partitions < 1)
                usage();

        char errstr[512];
        rd_kafka_NewTopic_t *nt =
            rd_kafka_NewTopic_new(topic, partitions, 1, errstr, sizeof(errstr));
        if (!nt) {
                fprintf(stderr, "ktool: %s\n", errstr);
                return 1;
        }
        for (int i = 2; i < argc; i++) {
                char name[256];
                const char *eq = strchr(argv[i], '=');
                size_t n = eq ? (size_t)(eq - argv[i]) : 0;
                if (!strcmp(argv[i], "compact")) {
                        rd_kafka_NewTopic_set_config(nt, "cleanup.policy",
                                                     "compact");
                        continue;
                }
                if (!eq || n == 0 || n >= sizeof(name))
                        usage();
                memcpy(name, argv[i], n);
                name[n] = '\0';
                rd_kafka_NewTopic_set_config(nt, name, eq + 1);
        }

        rd_kafka_t *rk =
            new_client(RD_KAFKA_PRODUCER, finish_conf(new_conf(o), o));
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_AdminOptions_t *ao =
            rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        /* Also how long to look for a controller: the mock cluster has none. */
        rd_kafka_AdminOptions_set_request_timeout(ao, 10000, errstr,
                                                  sizeof(errstr));
        rd_kafka_AdminOptions_set_operation_timeout(ao, 10000, errstr,
                                                    sizeof(errstr));
        rd_kafka_CreateTopics(rk, &nt, 1, ao, q);

        int rc = 1;
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
        rd_kafka_resp_err_t everr =
            ev ? rd_kafka_event_error(ev) : RD_KAFKA_RESP_ERR__TIMED_OUT;
        if (everr == RD_KAFKA_RESP_ERR__TIMED_OUT) {
                rc = auto_create(rk, topic, partitions);
        } else if (everr) {
                fprintf(stderr, "ktool: CreateTopics: %s\n",
                        rd_kafka_event_error_string(ev));
        } else {
                size_t cnt;
                const rd_kafka_CreateTopics_result_t *res =
                    rd_kafka_event_CreateTopics_result(ev);
                const rd_kafka_topic_result_t **tr =
                    rd_kafka_CreateTopics_result_topics(res, &cnt);
                rd_kafka_resp_err_t err =
                    cnt == 1 ? rd_kafka_topic_result_error(tr[0])
                             : RD_KAFKA_RESP_ERR__FAIL;
                if (err == RD_KAFKA_RESP_ERR_NO_ERROR ||
                    err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                        rc = 0;
                else
                        fprintf(stderr, "ktool: create %s: %s\n", topic,
                                rd_kafka_err2str(err));
        }
        if (ev)
                rd_kafka_event_destroy(ev);
        /* Return only once clients can use every partition. */
        if (rc == 0 && topic_partitions(rk, topic, 20000) < 0)
                rc = 1;

        rd_kafka_AdminOptions_destroy(ao);
        rd_kafka_NewTopic_destroy(nt);
        rd_kafka_queue_destroy(q);
        rd_kafka_destroy(rk);
        return rc;
}

/* ------------------------------------------------------------ produce */

struct delivery {
        long ok;
        long failed;
};

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m,
                      void *opaque) {
        struct delivery *d = opaque;
        (void)rk;
        if (m->err) {
                d->failed++;
                fprintf(stderr, "ktool: delivery to %s [%d] failed: %s\n",
                        rd_kafka_topic_name(m->rkt), (int)m->partition,
                        rd_kafka_err2str(m->err));
        } else {
                d->ok++;
        }
}

/* One record to send; buffers are owned by whoever filled it in. */
struct record {
        void *key;
        size_t key_len;
        void *value;            /* NULL: a tombstone */
        size_t value_len;
        int32_t partition;
        rd_kafka_headers_t *headers;
};

static void record_clear(struct record *r) {
        free(r->key);
        free(r->value);
        if (r->headers)
                rd_kafka_headers_destroy(r->headers);
        memset(r, 0, sizeof(*r));
        r->partition = RD_KAFKA_PARTITION_UA;
}

static void *memdup(const void *buf, size_t n) {
        void *p = malloc(n ? n : 1);
        if (!p)
                abort();
        memcpy(p, buf, n);
        return p;
}

/* Add header name with value v: a string, null, or {"b64": ".."}. */
static bool add_header(rd_kafka_headers_t *hdrs, const char *name, yajl_val v,
                       char *why, size_t why_size) {
        static const char *b64_path[] = {"b64", NULL};
        yajl_val b64 = YAJL_IS_OBJECT(v) ? yajl_tree_get(v, b64_path, yajl_t_string)
                                         : NULL;
        if (YAJL_IS_STRING(v)) {
                rd_kafka_header_add(hdrs, name, -1, v->u.string, -1);
        } else if (YAJL_IS_NULL(v)) {
                rd_kafka_header_add(hdrs, name, -1, NULL, 0);
        } else if (b64) {
                size_t n;
                void *bytes = b64_decode(b64->u.string, &n);
                if (!bytes) {
                        snprintf(why, why_size, "header %s: bad base64", name);
                        return false;
                }
                rd_kafka_header_add(hdrs, name, -1, bytes, (ssize_t)n);
                free(bytes);
        } else {
                snprintf(why, why_size,
                         "header %s: want a string, null or {\"b64\": ..}", name);
                return false;
        }
        return true;
}

/* Fill r from a JSON object line. Returns false with why set on bad input. */
static bool record_from_json(struct record *r, char *line, char *why,
                             size_t why_size) {
        yajl_val obj = yajl_tree_parse(line, why, why_size);
        if (!obj)
                return false;
        bool ok = YAJL_IS_OBJECT(obj);
        if (!ok)
                snprintf(why, why_size, "not a JSON object");
        for (size_t i = 0; ok && i < obj->u.object.len; i++) {
                const char *k = obj->u.object.keys[i];
                yajl_val v = obj->u.object.values[i];
                if (!strcmp(k, "key") && YAJL_IS_STRING(v)) {
                        free(r->key);
                        r->key_len = strlen(v->u.string);
                        r->key = memdup(v->u.string, r->key_len);
                } else if ((!strcmp(k, "key_b64") || !strcmp(k, "value_b64")) &&
                           YAJL_IS_STRING(v)) {
                        bool is_key = k[0] == 'k';
                        size_t n;
                        void *bytes = b64_decode(v->u.string, &n);
                        if (!bytes) {
                                snprintf(why, why_size, "%s: bad base64", k);
                                ok = false;
                        } else if (is_key) {
                                free(r->key);
                                r->key = bytes, r->key_len = n;
                        } else {
                                free(r->value);
                                r->value = bytes, r->value_len = n;
                        }
                } else if (!strcmp(k, "value") &&
                           (YAJL_IS_STRING(v) || YAJL_IS_NULL(v))) {
                        free(r->value);
                        r->value = NULL, r->value_len = 0;
                        if (YAJL_IS_STRING(v)) {
                                r->value_len = strlen(v->u.string);
                                r->value = memdup(v->u.string,
                                                  r->value_len);
                        }
                } else if (!strcmp(k, "value_json")) {
                        yajl_gen g = new_gen();
                        const unsigned char *buf;
                        size_t n;
                        gen_tree(g, v);
                        yajl_gen_get_buf(g, &buf, &n);
                        free(r->value);
                        r->value = memdup(buf, n), r->value_len = n;
                        yajl_gen_free(g);
                } else if (!strcmp(k, "partition") && YAJL_IS_INTEGER(v) &&
                           YAJL_GET_INTEGER(v) >= 0 &&
                           YAJL_GET_INTEGER(v) <= INT32_MAX) {
                        r->partition = (int32_t)YAJL_GET_INTEGER(v);
                } else if (!strcmp(k, "headers") && YAJL_IS_OBJECT(v)) {
                        if (!r->headers)
                                r->headers = rd_kafka_headers_new(v->u.object.len);
                        for (size_t h = 0; ok && h < v->u.object.len; h++)
                                ok = add_header(r->headers, v->u.object.keys[h],
                                                v->u.object.values[h], why,
                                                why_size);
                } else {
                        snprintf(why, why_size, "unexpected member \"%s\"", k);
                        ok = false;
                }
        }
        yajl_tree_free(obj);
        return ok;
}

/* Fill r from a plain line (already without its newline). */
static bool record_from_line(struct record *r, const char *line, size_t n,
                             bool keyed, char *why, size_t why_size) {
        const char *val = line;
        if (keyed) {
                const char *tab = memchr(line, '\t', n);
                if (!tab) {
                        snprintf(why, why_size, "-k wants KEY<TAB>VALUE");
                        return false;
                }
                r->key_len = (size_t)(tab - line);
                r->key = memdup(line, r->key_len);
                val = tab + 1;
        }
        r->value_len = n - (size_t)(val - line);
        r->value = memdup(val, r->value_len);
        return true;
}

/* Hand r to librdkafka, waiting while the local queue is full.
 * The headers pass to librdkafka on success. */
static rd_kafka_resp_err_t send_record(rd_kafka_t *rk, const char *topic,
                                       struct record *r) {
        rd_kafka_resp_err_t err;
        do {
                if (r->headers)
                        err = rd_kafka_producev(
                            rk, RD_KAFKA_V_TOPIC(topic),
                            RD_KAFKA_V_PARTITION(r->partition),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_KEY(r->key, r->key_len),
                            RD_KAFKA_V_VALUE(r->value, r->value_len),
                            RD_KAFKA_V_HEADERS(r->headers), RD_KAFKA_V_END);
                else
                        err = rd_kafka_producev(
                            rk, RD_KAFKA_V_TOPIC(topic),
                            RD_KAFKA_V_PARTITION(r->partition),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_KEY(r->key, r->key_len),
                            RD_KAFKA_V_VALUE(r->value, r->value_len),
                            RD_KAFKA_V_END);
                if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        rd_kafka_poll(rk, 100);
        } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && run);
        if (!err)
                r->headers = NULL;
        return err;
}

/* Reports a failed transactional call; true when it succeeded. */
static bool txn_call(rd_kafka_error_t *error, const char *what) {
        if (!error)
                return true;
        fprintf(stderr, "ktool: %s: %s\n", what, rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return false;
}

static int cmd_produce(const struct opts *o, int argc, char **argv) {
        if (argc != 1)
                usage();
        const char *topic = argv[0];
        struct delivery d = {0, 0};
        rd_kafka_conf_t *conf = new_conf(o);
        if (!conf_set(conf, "enable.idempotence", "true") ||
            !conf_set(conf, "linger.ms", "5") ||
            !conf_set(conf, "message.timeout.ms", "30000"))
                exit(1);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
        rd_kafka_conf_set_opaque(conf, &d);
        rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, finish_conf(conf, o));
        if (o->transaction && !(txn_call(rd_kafka_init_transactions(rk, 30000), "init_transactions") &&
                                txn_call(rd_kafka_begin_transaction(rk), "begin_transaction")))
                exit(1);

        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        long lineno = 0, sent = 0;
        bool bad_input = false;
        struct record r;
        memset(&r, 0, sizeof(r));
        record_clear(&r);
        while (run && (n = getline(&line, &cap, stdin)) != -1) {
                char why[256] = "";
                bool ok;
                lineno++;
                if (n > 0 && line[n - 1] == '\n')
                        line[--n] = '\0';
                if (o->raw || o->keyed) {
                        ok = record_from_line(&r, line, (size_t)n, o->keyed, why,
                                              sizeof(why));
                } else {
                        if (strspn(line, " \t\r") == (size_t)n)
                                continue;
                        ok = record_from_json(&r, line, why, sizeof(why));
                }
                if (!ok) {
                        fprintf(stderr, "ktool: stdin line %ld: %s\n", lineno,
                                why);
                        bad_input = true;
                        record_clear(&r);
                        break;
                }
                rd_kafka_resp_err_t err = send_record(rk, topic, &r);
                record_clear(&r);
                if (err) {
                        fprintf(stderr, "ktool: produce to %s: %s\n", topic,
                                rd_kafka_err2str(err));
                        break;
                }
                sent++;
                rd_kafka_poll(rk, 0);
        }
        free(line);

        /* Every record ends in a delivery report, at the latest after
         * message.timeout.ms. */
        while (run && rd_kafka_outq_len(rk) > 0)
                rd_kafka_flush(rk, 500);
        long undelivered = sent - d.ok - d.failed;
        if (o->transaction && !strcmp(o->transaction, "open")) {
                /* the records are in the log; leave like a killed process */
                printf("{\"produced\":%ld}\n", d.ok);
                fflush(stdout);
                _exit(d.failed || undelivered ? 1 : 0);
        }
        if (o->transaction &&
            !txn_call(!strcmp(o->transaction, "commit") ? rd_kafka_commit_transaction(rk, 30000)
                                                       : rd_kafka_abort_transaction(rk, 30000),
                      o->transaction))
                d.failed++;
        rd_kafka_destroy(rk);

        printf("{\"produced\":%ld}\n", d.ok);
        if (undelivered > 0)
                fprintf(stderr, "ktool: %ld records not confirmed\n",
                        undelivered);
        return bad_input || d.failed || undelivered || sent != d.ok ? 1 : 0;
}

/* ------------------------------------------------------------ consume */

/* Print one message as a JSON line. */
static void print_message(yajl_gen g, const rd_kafka_message_t *m) {
        yajl_gen_map_open(g);
        gen_cstr(g, "topic");
        gen_cstr(g, rd_kafka_topic_name(m->rkt));
        gen_cstr(g, "partition");
        yajl_gen_integer(g, m->partition);
        gen_cstr(g, "offset");
        yajl_gen_integer(g, m->offset);
        gen_cstr(g, "timestamp");
        yajl_gen_integer(g, rd_kafka_message_timestamp(m, NULL));

        if (m->key && !is_utf8(m->key, m->key_len)) {
                char *b64 = b64_encode(m->key, m->key_len);
                gen_cstr(g, "key_b64");
                gen_cstr(g, b64);
                free(b64);
        } else {
                gen_cstr(g, "key");
                gen_bytes(g, m->key, m->key_len);
        }

        rd_kafka_headers_t *hdrs;
        gen_cstr(g, "headers");
        yajl_gen_map_open(g);
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const char *name;
                const void *val;
                size_t size;
                for (size_t i = 0;
                     !rd_kafka_header_get_all(hdrs, i, &name, &val, &size);
                     i++) {
                        gen_cstr(g, name);
                        gen_bytes(g, val, size);
                }
        }
        yajl_gen_map_close(g);

        gen_cstr(g, "value_b64");
        if (m->payload) {
                char *b64 = b64_encode(m->payload, m->len);
                gen_cstr(g, b64);
                free(b64);
        } else {
                yajl_gen_null(g);
        }
        if (!m->payload || is_utf8(m->payload, m->len)) {
                gen_cstr(g, "value");
                gen_bytes(g, m->payload, m->len);
        }
        gen_json_member(g, m->payload, m->len);
        yajl_gen_map_close(g);
        gen_flush_line(g);
}

/* Every partition of the given topics, at the beginning. */
static rd_kafka_topic_partition_list_t *
all_partitions(rd_kafka_t *rk, char **topics, int cnt, int timeout_ms) {
        rd_kafka_topic_partition_list_t *parts =
            rd_kafka_topic_partition_list_new(cnt);
        for (int t = 0; t < cnt; t++) {
                int n = topic_partitions(rk, topics[t], timeout_ms);
                if (n < 0) {
                        rd_kafka_topic_partition_list_destroy(parts);
                        return NULL;
                }
                for (int p = 0; p < n; p++)
                        rd_kafka_topic_partition_list_add(parts, topics[t], p)
                            ->offset = RD_KAFKA_OFFSET_BEGINNING;
        }
        return parts;
}

/* Whether every partition assigned to us has been read to its end at least
 * once (eofs holds the partitions that reported end of partition). */
static bool caught_up(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *eofs) {
        rd_kafka_topic_partition_list_t *parts;
        if (rd_kafka_assignment(rk, &parts))
                return false;
        bool all = parts->cnt > 0;
        for (int i = 0; all && i < parts->cnt; i++)
                all = rd_kafka_topic_partition_list_find(
                          eofs, parts->elems[i].topic,
                          parts->elems[i].partition) != NULL;
        rd_kafka_topic_partition_list_destroy(parts);
        return all;
}

static void mark_eof(rd_kafka_topic_partition_list_t *eofs,
                     const rd_kafka_message_t *m) {
        const char *topic = rd_kafka_topic_name(m->rkt);
        if (!rd_kafka_topic_partition_list_find(eofs, topic, m->partition))
                rd_kafka_topic_partition_list_add(eofs, topic, m->partition);
}

static int cmd_consume(const struct opts *o, int argc, char **argv) {
        if (argc < 1)
                usage();
        rd_kafka_conf_t *conf = new_conf(o);
        bool ok = conf_set(conf, "auto.offset.reset", "earliest") &&
                  conf_set(conf, "isolation.level", o->read_committed
                                                        ? "read_committed"
                                                        : "read_uncommitted") &&
                  conf_set(conf, "enable.auto.commit", "false") &&
                  conf_set(conf, "enable.partition.eof", "true");
        if (o->group) {
                ok = ok && conf_set(conf, "group.id", o->group);
        } else {
                /* librdkafka wants a group.id even to assign(); this one is
                 * never joined nor committed to. */
                char group[64];
                snprintf(group, sizeof(group), "ktool-%ld-%lld", (long)getpid(),
                         (long long)now_ms());
                ok = ok && conf_set(conf, "group.id", group) &&
                     conf_set(conf, "enable.auto.offset.store", "false");
        }
        if (!ok)
                exit(1);
        rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, finish_conf(conf, o));
        rd_kafka_poll_set_consumer(rk);
        long timeout = o->timeout_ms >= 0 ? o->timeout_ms : 30000;
        long idle = o->idle_ms >= 0 ? o->idle_ms : 3000;

        rd_kafka_resp_err_t err;
        rd_kafka_topic_partition_list_t *parts;
        if (o->group) {
                parts = rd_kafka_topic_partition_list_new(argc);
                for (int i = 0; i < argc; i++)
                        rd_kafka_topic_partition_list_add(parts, argv[i],
                                                          RD_KAFKA_PARTITION_UA);
                err = rd_kafka_subscribe(rk, parts);
        } else {
                parts = all_partitions(rk, argv, argc,
                                       timeout < 10000 ? (int)timeout : 10000);
                if (!parts) {
                        rd_kafka_destroy(rk);
                        return 1;
                }
                err = rd_kafka_assign(rk, parts);
        }
        rd_kafka_topic_partition_list_destroy(parts);
        if (err) {
                fprintf(stderr, "ktool: %s: %s\n",
                        o->group ? "subscribe" : "assign", rd_kafka_err2str(err));
                rd_kafka_destroy(rk);
                return 1;
        }

        int64_t deadline = now_ms() + timeout, last = now_ms();
        long cnt = 0;
        int rc = 0;
        rd_kafka_topic_partition_list_t *eofs =
            rd_kafka_topic_partition_list_new(8);
        yajl_gen g = new_gen();
        while (run && now_ms() < deadline && (!o->max || cnt < o->max)) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
                bool quiet = !m;
                if (!m) {
                        fflush(stdout);
                } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        mark_eof(eofs, m);
                        quiet = true;
                } else if (m->err) {
                        fprintf(stderr, "ktool: consume: %s\n",
                                rd_kafka_message_errstr(m));
                } else {
                        print_message(g, m);
                        cnt++;
                        last = now_ms();
                }
                if (m)
                        rd_kafka_message_destroy(m);
                /* Idle time counts only once all that was there is read. */
                if (quiet && !caught_up(rk, eofs))
                        last = now_ms();
                else if (quiet && now_ms() - last >= idle)
                        break;
        }
        rd_kafka_topic_partition_list_destroy(eofs);
        yajl_gen_free(g);
        fflush(stdout);

        if (o->group && cnt > 0) {
                err = rd_kafka_commit(rk, NULL, 0);
                if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
                        fprintf(stderr, "ktool: commit: %s\n",
                                rd_kafka_err2str(err));
                        rc = 1;
                }
        }
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        fprintf(stderr, "ktool: consumed %ld\n", cnt);
        return rc;
}

/* ------------------------------------------------------------ offsets */

static int cmd_offsets(const struct opts *o, int argc, char **argv) {
        if (argc != 2)
                usage();
        const char *group = argv[0], *topic = argv[1];
        rd_kafka_conf_t *conf = new_conf(o);
        /* read_uncommitted: the offsets committed so far, without waiting
         * for a transaction still holding offsets to end (a killed
         * exactly_once instance leaves one open until it is fenced or
         * times out; read_committed asks the broker for stable offsets
         * and waits for it) */
        if (!conf_set(conf, "group.id", group) ||
            !conf_set(conf, "enable.auto.commit", "false") ||
            !conf_set(conf, "isolation.level", "read_uncommitted"))
                exit(1);
        rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, finish_conf(conf, o));

        int n = topic_partitions(rk, topic, 10000);
        if (n < 0) {
                rd_kafka_destroy(rk);
                return 1;
        }
        rd_kafka_topic_partition_list_t *parts =
            rd_kafka_topic_partition_list_new(n);
        for (int p = 0; p < n; p++)
                rd_kafka_topic_partition_list_add(parts, topic, p);

        int rc = 0;
        rd_kafka_resp_err_t err = rd_kafka_committed(rk, parts, 10000);
        if (err) {
                fprintf(stderr, "ktool: committed offsets of %s: %s\n", group,
                        rd_kafka_err2str(err));
                rc = 1;
        }
        for (int i = 0; !rc && i < parts->cnt; i++) {
                const rd_kafka_topic_partition_t *tp = &parts->elems[i];
                int64_t lo, hi;
                err = rd_kafka_query_watermark_offsets(rk, topic, tp->partition,
                                                       &lo, &hi, 10000);
                if (err || tp->err) {
                        fprintf(stderr, "ktool: %s [%d]: %s\n", topic,
                                (int)tp->partition,
                                rd_kafka_err2str(err ? err : tp->err));
                        rc = 1;
                        break;
                }
                printf("{\"partition\":%d,\"committed\":", (int)tp->partition);
                if (tp->offset >= 0)
                        printf("%lld", (long long)tp->offset);
                else
                        printf("null");
                printf(",\"low\":%lld,\"high\":%lld}\n", (long long)lo,
                       (long long)hi);
        }
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_destroy(rk);
        return rc;
}

/* ------------------------------------------------------------ wait-ready */

static int cmd_wait_ready(const struct opts *o, int argc, char **argv) {
        (void)argv;
        if (argc != 0)
                usage();
        rd_kafka_conf_t *conf = new_conf(o);
        /* Connection refused is the expected answer for a while: quiet. */
        if (!conf_set(conf, "log_level", "0"))
                exit(1);
        rd_kafka_conf_set_error_cb(conf, NULL);
        rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, finish_conf(conf, o));

        long timeout = o->timeout_ms >= 0 ? o->timeout_ms : 30000;
        int64_t deadline = now_ms() + timeout;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
        while (run && now_ms() < deadline) {
                const struct rd_kafka_metadata *md;
                err = rd_kafka_metadata(rk, 0, NULL, &md, 1000);
                if (!err) {
                        int brokers = md->broker_cnt;
                        rd_kafka_metadata_destroy(md);
                        if (brokers > 0)
                                break;
                        err = RD_KAFKA_RESP_ERR__TRANSPORT;
                }
                rd_kafka_poll(rk, 200);
        }
        rd_kafka_destroy(rk);
        if (err) {
                fprintf(stderr, "ktool: %s not ready after %ld ms: %s\n",
                        o->brokers, timeout, rd_kafka_err2str(err));
                return 1;
        }
        return 0;
}

/* ------------------------------------------------------------ mock-cluster */

/* Reads "create TOPIC PARTITIONS" lines from stdin until EOF or a signal
 * and creates each topic in the mock cluster. */
static void serve_mock_commands(rd_kafka_mock_cluster_t *mc) {
        char line[1024], topic[512];
        int partitions;
        while (run && fgets(line, sizeof line, stdin)) {
                if (sscanf(line, "create %511s %d", topic, &partitions) != 2 ||
                    partitions < 1) {
                        printf("error: expected \"create TOPIC PARTITIONS\"\n");
                } else {
                        rd_kafka_resp_err_t err =
                            rd_kafka_mock_topic_create(mc, topic, partitions, 1);
                        if (err)
                                printf("error %s\n", rd_kafka_err2str(err));
                        else
                                printf("ok\n");
                }
                fflush(stdout);
        }
}

static int cmd_mock_cluster(int argc, char **argv) {
        if (argc > 1)
                usage();
        int brokers = argc ? (int)parse_count("BROKERS_COUNT", argv[0]) : 1;
        if (brokers < 1)
                usage();
        /* The mock cluster lives inside a client instance. */
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, log_cb);
        rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf);
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "ktool: cannot start the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);
        serve_mock_commands(mc);
        while (run)
                sleep_ms(100);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv) {
        enum { OPT_TIMEOUT = 256, OPT_IDLE, OPT_RC, OPT_MAX, OPT_RAW, OPT_TXN };
        static const struct option longopts[] = {
            {"brokers", required_argument, NULL, 'b'},
            {"group", required_argument, NULL, 'g'},
            {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
            {"idle-ms", required_argument, NULL, OPT_IDLE},
            {"read-committed", no_argument, NULL, OPT_RC},
            {"max", required_argument, NULL, OPT_MAX},
            {"raw", no_argument, NULL, OPT_RAW},
            {"transaction", required_argument, NULL, OPT_TXN},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct opts o = {.brokers = getenv("BOOTSTRAP"),
                         .timeout_ms = -1,
                         .idle_ms = -1};
        int c;
        while ((c = getopt_long(argc, argv, "b:g:kX:h", longopts, NULL)) != -1) {
                switch (c) {
                case 'b': o.brokers = optarg; break;
                case 'g': o.group = optarg; break;
                case 'k': o.keyed = true; break;
                case OPT_RAW: o.raw = true; break;
                case OPT_TXN:
                        if (strcmp(optarg, "commit") && strcmp(optarg, "abort") &&
                            strcmp(optarg, "open"))
                                usage();
                        o.transaction = optarg;
                        break;
                case 'X':
                        if (o.conf_cnt == MAX_CONF)
                                usage();
                        o.conf[o.conf_cnt++] = optarg;
                        break;
                case OPT_TIMEOUT: o.timeout_ms = parse_count("--timeout-ms", optarg); break;
                case OPT_IDLE: o.idle_ms = parse_count("--idle-ms", optarg); break;
                case OPT_RC: o.read_committed = true; break;
                case OPT_MAX: o.max = parse_count("--max", optarg); break;
                default: usage();
                }
        }
        if (optind >= argc)
                usage();
        signal(SIGINT, stop);
        signal(SIGTERM, stop);
        if (!strcmp(argv[optind], "mock-cluster"))
                return cmd_mock_cluster(argc - optind - 1, argv + optind + 1);
        if (!o.brokers || !*o.brokers) {
                fprintf(stderr, "ktool: no brokers: pass -b or set BOOTSTRAP\n");
                return EXIT_USAGE;
        }

        const char *cmd = argv[optind];
        int rest = argc - optind - 1;
        char **args = argv + optind + 1;
        int rc;
        if (!strcmp(cmd, "create-topic"))
                rc = cmd_create_topic(&o, rest, args);
        else if (!strcmp(cmd, "produce"))
                rc = cmd_produce(&o, rest, args);
        else if (!strcmp(cmd, "consume"))
                rc = cmd_consume(&o, rest, args);
        else if (!strcmp(cmd, "offsets"))
                rc = cmd_offsets(&o, rest, args);
        else if (!strcmp(cmd, "wait-ready"))
                rc = cmd_wait_ready(&o, rest, args);
        else
                usage();
        return rc == 0 && fatal ? 1 : rc;
}
