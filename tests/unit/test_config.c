/* Unit tests of config/: defaults, the example file, environment overrides,
 * env: references, error messages, printing. */
#include "tests/unit/test.h"

#include "config/config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#define EXAMPLE "config/newsenrich.example.json"
#define README "config/README.md"
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* Sets NEWSENRICH_WEBHOOK_SECRET (value NULL: unsets it) and returns the
 * previous value, for secret_restore(): the runner's own environment may
 * hold it, and later tests in this process should see it unchanged. */
static char *secret_set(const char *value)
{
    const char *old = getenv("NEWSENRICH_WEBHOOK_SECRET");
    char *saved = old ? strdup(old) : NULL;
    if (value) setenv("NEWSENRICH_WEBHOOK_SECRET", value, 1);
    else unsetenv("NEWSENRICH_WEBHOOK_SECRET");
    return saved;
}

static void secret_restore(char *saved)
{
    if (saved) setenv("NEWSENRICH_WEBHOOK_SECRET", saved, 1);
    else unsetenv("NEWSENRICH_WEBHOOK_SECRET");
    free(saved);
}

/* Loads a JSON text given as a C string. */
static ne_config *load(const char *json, char *err, size_t errlen)
{
    return ne_config_load_string(json, strlen(json), err, errlen);
}

/* Prints cfg into a malloc'd string. */
static char *print_to_string(const ne_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    ne_config_print(cfg, f);
    fclose(f);
    return buf;
}

/* Writes text to a fresh file under /tmp; returns its path (static). */
static const char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/newsenrich-test-config-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    close(fd);
    return n == (ssize_t)len ? path : NULL;
}

/* Expects loading `json` to fail with a message containing each of the
 * NULL-terminated fragments. 0 if so; else reports and returns -1. */
static int expect_error(const char *json, const char *const *frags, int line)
{
    char err[512] = "";
    ne_config *cfg = load(json, err, sizeof err);
    if (cfg) {
        ne_config_free(cfg);
        test_fail(__FILE__, line, "loaded, expected an error: %s", json);
        return -1;
    }
    for (size_t i = 0; frags[i]; i++)
        if (!strstr(err, frags[i])) {
            test_fail(__FILE__, line, "error \"%s\" lacks \"%s\"", err, frags[i]);
            return -1;
        }
    return 0;
}

#define EXPECT_ERROR(json, ...)                                                   \
    do { if (expect_error(json, (const char *const[]){__VA_ARGS__, NULL}, __LINE__)) return; } while (0)

/* A minimal watchlist + subscription, for the webhook tests. */
#define PEOPLE "\"watchlist\": {\"people\": [{\"id\": \"a-b\", \"name\": \"A B\"}]}"

TEST(config_defaults)
{
    ne_config *cfg = ne_config_defaults();
    CHECK(cfg != NULL);
    CHECK_STR(ne_config_kafka_get(cfg, "bootstrap.servers"), "localhost:9092");
    CHECK_STR(ne_config_kafka_get(cfg, "group.id"), "newsenrich");
    CHECK(ne_config_kafka_get(cfg, "acks") == NULL);
    CHECK_STR(cfg->topics.raw, "articles.raw");
    CHECK_STR(cfg->topics.enriched, "articles.enriched");
    CHECK_STR(cfg->topics.duplicates, "articles.duplicates");
    CHECK_STR(cfg->topics.claims, "claims");
    CHECK_STR(cfg->topics.alerts, "alerts");
    CHECK_STR(cfg->topics.dlq, "articles.dlq");
    CHECK_STR(cfg->topics.alerts_dlq, "alerts.dlq");
    CHECK_STR(cfg->topics.changelog, "newsenrich.state");
    CHECK_INT(cfg->processing.guarantee, NE_AT_LEAST_ONCE);
    CHECK_INT(cfg->processing.max_in_flight, 1000);
    CHECK_INT(cfg->processing.max_record_bytes, 262144);
    CHECK_INT(cfg->processing.poll_timeout_ms, 100);
    CHECK_INT(cfg->processing.shutdown_timeout_ms, 30000);
    CHECK(!strncmp(cfg->processing.transactional_id, "newsenrich-newsenrich-", 22));
    CHECK_INT(cfg->dedup.enabled, 1);
    CHECK(cfg->dedup.near_threshold == 0.8);
    CHECK_INT(cfg->dedup.retention_hours, 168);
    CHECK_INT(cfg->dedup.rebuild_timeout_ms, 120000);
    CHECK_INT(cfg->dedup.max_claims, 1000000);
    CHECK_INT(cfg->dedup.max_entries, 1000000);
    CHECK_INT(cfg->entities.enabled, 1);
    CHECK_STR(cfg->entities.model, "models/ner.model");
    CHECK_INT(cfg->quotes.enabled, 1);
    CHECK_INT(cfg->watchlist.npeople, 0);
    CHECK_INT(cfg->webhooks.nsubscriptions, 0);
    CHECK_INT(cfg->webhooks.allow_private, 0);
    CHECK_INT(cfg->webhooks.max_pending, 10000);
    CHECK_INT(cfg->webhooks.per_endpoint_in_flight, 8);
    CHECK_STR(cfg->webhooks.user_agent, "newsenrich/0.1 (+webhooks)");
    CHECK_INT(cfg->metrics.enabled, 0);
    CHECK_STR(cfg->metrics.listen, "127.0.0.1:9464");
    ne_config_free(cfg);
    ne_config_free(NULL);
}

TEST(config_empty_object_and_null_path_are_defaults)
{
    char err[256];
    ne_config *a = load("{}", err, sizeof err);
    CHECK(a != NULL);
    ne_config *b = ne_config_load(NULL, err, sizeof err);
    ne_config *d = ne_config_defaults();
    char *pa = print_to_string(a), *pb = b ? print_to_string(b) : NULL, *pd = print_to_string(d);
    int same = pa && pb && pd && strcmp(pa, pd) == 0 && strcmp(pb, pd) == 0;
    free(pa), free(pb), free(pd);
    ne_config_free(a), ne_config_free(b), ne_config_free(d);
    CHECK(same);
}

TEST(config_example_file_loads)
{
    char err[512] = "";
    char *saved = secret_set(SECRET);
    ne_config *cfg = ne_config_load(EXAMPLE, err, sizeof err);
    secret_restore(saved);
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    CHECK_INT(cfg->watchlist.npeople, 2);
    CHECK_STR(cfg->watchlist.people[0].id, "vladimir-putin");
    CHECK_INT(cfg->watchlist.people[0].naliases, 3);
    CHECK_STR(cfg->watchlist.people[0].aliases[2], "the Russian president");
    CHECK_STR(cfg->watchlist.people[1].id, "donald-trump");
    CHECK_INT(cfg->watchlist.people[1].naliases, 5);
    CHECK_STR(cfg->watchlist.people[1].aliases[3], "POTUS");
    CHECK_INT(cfg->webhooks.nsubscriptions, 1);
    const ne_subscription *s = &cfg->webhooks.subscriptions[0];
    CHECK_STR(s->url, "http://127.0.0.1:8080/hooks");
    CHECK_STR(s->secret, SECRET);
    CHECK_INT(s->npeople, 2);
    CHECK_INT(s->roles, NE_ROLE_SPEAKER | NE_ROLE_SUBJECT);
    CHECK_INT(s->timeout_ms, 10000);
    CHECK_INT(s->max_attempts, 8);
    CHECK_INT(s->backoff_initial_ms, 30000);
    CHECK_INT(s->backoff_max_ms, 3600000);

    /* every scalar in the example is at its default */
    ne_config *d = ne_config_defaults();
    CHECK_INT(cfg->processing.max_in_flight, d->processing.max_in_flight);
    CHECK_STR(cfg->processing.transactional_id, d->processing.transactional_id);
    CHECK(cfg->dedup.near_threshold == d->dedup.near_threshold);
    CHECK_STR(cfg->metrics.listen, d->metrics.listen);
    ne_config_free(d);
    ne_config_free(cfg);
}

TEST(config_example_needs_its_secret_variable)
{
    char err[512] = "";
    char *saved = secret_set(NULL);
    ne_config *cfg = ne_config_load(EXAMPLE, err, sizeof err);
    secret_restore(saved);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "webhooks.subscriptions[0].secret") != NULL);
    CHECK(strstr(err, "NEWSENRICH_WEBHOOK_SECRET") != NULL);
}

/* Walks a printed config and checks each key path is in the README as
 * `path` (array elements as `a[].b`; kafka's open keys are not walked). */
static int readme_covers(yajl_val v, const char *path, const char *readme, char *missing, size_t mlen)
{
    char quoted[256];
    if (*path) {
        snprintf(quoted, sizeof quoted, "`%s`", path);
        if (!strstr(readme, quoted)) {
            snprintf(missing, mlen, "%s", path);
            return -1;
        }
    }
    if (YAJL_IS_OBJECT(v) && strcmp(path, "kafka") != 0) {
        for (size_t i = 0; i < v->u.object.len; i++) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", v->u.object.keys[i]);
            if (readme_covers(v->u.object.values[i], sub, readme, missing, mlen)) return -1;
        }
    } else if (YAJL_IS_ARRAY(v) && v->u.array.len && YAJL_IS_OBJECT(v->u.array.values[0])) {
        yajl_val el = v->u.array.values[0];
        for (size_t i = 0; i < el->u.object.len; i++) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s[].%s", path, el->u.object.keys[i]);
            if (readme_covers(el->u.object.values[i], sub, readme, missing, mlen)) return -1;
        }
    }
    return 0;
}

TEST(config_readme_documents_every_key)
{
    char err[512] = "", missing[256] = "";
    size_t len;
    char *readme = test_read_file(README, &len);
    CHECK(readme != NULL);
    char *saved = secret_set(SECRET);
    ne_config *cfg = ne_config_load(EXAMPLE, err, sizeof err);
    secret_restore(saved);
    CHECK(cfg != NULL);
    char *printed = print_to_string(cfg);
    yajl_val root = yajl_tree_parse(printed, err, sizeof err);
    int rc = root ? readme_covers(root, "", readme, missing, sizeof missing) : -1;
    int nsections = YAJL_IS_OBJECT(root) ? (int)root->u.object.len : 0;
    yajl_tree_free(root);
    free(printed);
    free(readme);
    ne_config_free(cfg);
    if (rc) test_fail(__FILE__, __LINE__, "README.md lacks `%s` (%s)", missing, root ? "" : err);
    CHECK(rc == 0);
    CHECK_INT(nsections, 9);
}

TEST(config_file_path)
{
    char err[512] = "";
    const char *path = write_temp("{\"dedup\": {\"near_threshold\": 0.5}, \"kafka\": {\"linger.ms\": 5}}");
    CHECK(path != NULL);
    ne_config *cfg = ne_config_load(path, err, sizeof err);
    unlink(path);
    CHECK(cfg != NULL);
    CHECK(cfg->dedup.near_threshold == 0.5);
    CHECK_STR(ne_config_kafka_get(cfg, "linger.ms"), "5");
    ne_config_free(cfg);

    cfg = ne_config_load("/tmp/newsenrich-no-such-config.json", err, sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "cannot open") != NULL);

    /* a syntax error names the line and column (the caller adds the file) */
    path = write_temp("{\n  \"dedup\": {\n    \"enabled\": tru\n  }\n}\n");
    CHECK(path != NULL);
    cfg = ne_config_load(path, err, sizeof err);
    unlink(path);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "invalid JSON at line 3, column") != NULL);
}

TEST(config_file_values)
{
    char err[512] = "";
    ne_config *cfg = load("{\"processing\": {\"guarantee\": \"exactly_once\", \"max_record_bytes\": 2048,"
                          " \"transactional_id\": \"tx-1\"},"
                          " \"kafka\": {\"group.id\": \"g2\", \"enable.idempotence\": true},"
                          " \"dedup\": {\"enabled\": false, \"near_threshold\": 1},"
                          " \"metrics\": {\"listen\": \"[::1]:9000\"}}",
                          err, sizeof err);
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    CHECK_INT(cfg->processing.guarantee, NE_EXACTLY_ONCE);
    CHECK_INT(cfg->processing.max_record_bytes, 2048);
    CHECK_STR(cfg->processing.transactional_id, "tx-1");
    CHECK_STR(ne_config_kafka_get(cfg, "group.id"), "g2");
    CHECK_STR(ne_config_kafka_get(cfg, "bootstrap.servers"), "localhost:9092");
    CHECK_STR(ne_config_kafka_get(cfg, "enable.idempotence"), "true");
    CHECK_INT(cfg->dedup.enabled, 0);
    CHECK(cfg->dedup.near_threshold == 1.0);
    CHECK_STR(cfg->metrics.listen, "[::1]:9000");
    ne_config_free(cfg);

    /* the transactional id follows group.id and the host when not given */
    cfg = load("{\"kafka\": {\"group.id\": \"g3\"}}", err, sizeof err);
    CHECK(cfg != NULL);
    char host[256] = "", want[300];
    gethostname(host, sizeof host - 1);
    snprintf(want, sizeof want, "newsenrich-g3-%s", host);
    CHECK_STR(cfg->processing.transactional_id, want);
    ne_config_free(cfg);
}

TEST(config_env_override_scalar)
{
    char err[512] = "";
    setenv("NEWSENRICH_PROCESSING_MAX_IN_FLIGHT", "42", 1);
    setenv("NEWSENRICH_DEDUP_ENABLED", "false", 1);
    setenv("NEWSENRICH_DEDUP_NEAR_THRESHOLD", "0.9", 1);
    setenv("NEWSENRICH_PROCESSING_GUARANTEE", "exactly_once", 1);
    setenv("NEWSENRICH_TOPICS_RAW", "in.raw", 1);
    /* the environment wins over the file */
    ne_config *cfg = load("{\"processing\": {\"max_in_flight\": 7}, \"topics\": {\"raw\": \"x\"}}", err, sizeof err);
    unsetenv("NEWSENRICH_PROCESSING_MAX_IN_FLIGHT");
    unsetenv("NEWSENRICH_DEDUP_ENABLED");
    unsetenv("NEWSENRICH_DEDUP_NEAR_THRESHOLD");
    unsetenv("NEWSENRICH_PROCESSING_GUARANTEE");
    unsetenv("NEWSENRICH_TOPICS_RAW");
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    CHECK_INT(cfg->processing.max_in_flight, 42);
    CHECK_INT(cfg->dedup.enabled, 0);
    CHECK(cfg->dedup.near_threshold == 0.9);
    CHECK_INT(cfg->processing.guarantee, NE_EXACTLY_ONCE);
    CHECK_STR(cfg->topics.raw, "in.raw");
    ne_config_free(cfg);

    /* a bad value names the key and the variable */
    setenv("NEWSENRICH_PROCESSING_MAX_IN_FLIGHT", "ten", 1);
    cfg = ne_config_load(NULL, err, sizeof err);
    unsetenv("NEWSENRICH_PROCESSING_MAX_IN_FLIGHT");
    CHECK(cfg == NULL);
    CHECK(strstr(err, "processing.max_in_flight") != NULL);
    CHECK(strstr(err, "NEWSENRICH_PROCESSING_MAX_IN_FLIGHT") != NULL);
    CHECK(strstr(err, "expected an integer >= 1, got \"ten\"") != NULL);

    setenv("NEWSENRICH_METRICS_ENABLED", "yes", 1);
    cfg = ne_config_load(NULL, err, sizeof err);
    unsetenv("NEWSENRICH_METRICS_ENABLED");
    CHECK(cfg == NULL);
    CHECK(strstr(err, "metrics.enabled") != NULL);

    setenv("NEWSENRICH_METRICS_ENABLED", "1", 1);
    cfg = ne_config_load(NULL, err, sizeof err);
    unsetenv("NEWSENRICH_METRICS_ENABLED");
    CHECK(cfg != NULL);
    CHECK_INT(cfg->metrics.enabled, 1);
    ne_config_free(cfg);
}

TEST(config_env_override_kafka)
{
    char err[512] = "";
    setenv("NEWSENRICH_KAFKA_BOOTSTRAP_SERVERS", "broker1:9093,broker2:9093", 1);
    setenv("NEWSENRICH_KAFKA_STATISTICS_INTERVAL_MS", "5000", 1);
    ne_config *cfg = load("{\"kafka\": {\"bootstrap.servers\": \"file:9092\"}}", err, sizeof err);
    unsetenv("NEWSENRICH_KAFKA_BOOTSTRAP_SERVERS");
    unsetenv("NEWSENRICH_KAFKA_STATISTICS_INTERVAL_MS");
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    CHECK_STR(ne_config_kafka_get(cfg, "bootstrap.servers"), "broker1:9093,broker2:9093");
    CHECK_STR(ne_config_kafka_get(cfg, "statistics.interval.ms"), "5000");
    ne_config_free(cfg);

    /* an environment value is validated like a file value */
    setenv("NEWSENRICH_KAFKA_ACKS", "banana", 1);
    cfg = ne_config_load(NULL, err, sizeof err);
    unsetenv("NEWSENRICH_KAFKA_ACKS");
    CHECK(cfg == NULL);
    CHECK(strstr(err, "kafka.acks") != NULL);
}

TEST(config_env_references)
{
    char err[512] = "";
    setenv("NE_TEST_SECRET", SECRET, 1);
    setenv("NE_TEST_PASSWORD", "hunter2", 1);
    ne_config *cfg = load("{" PEOPLE ", \"kafka\": {\"sasl.password\": \"env:NE_TEST_PASSWORD\"},"
                          " \"webhooks\": {\"subscriptions\": [{\"url\": \"https://example.com/h\","
                          " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"], \"roles\": [\"subject\"]}]}}",
                          err, sizeof err);
    unsetenv("NE_TEST_SECRET");
    unsetenv("NE_TEST_PASSWORD");
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    CHECK_STR(cfg->webhooks.subscriptions[0].secret, SECRET);
    CHECK_STR(cfg->webhooks.subscriptions[0].id, "sub-0");
    CHECK_INT(cfg->webhooks.subscriptions[0].roles, NE_ROLE_SUBJECT);
    CHECK_STR(ne_config_kafka_get(cfg, "sasl.password"), "hunter2");
    ne_config_free(cfg);

    /* a missing variable names the key and the variable */
    unsetenv("NE_TEST_MISSING");
    EXPECT_ERROR("{" PEOPLE ", \"webhooks\": {\"subscriptions\": [{\"url\": \"https://example.com/h\","
                 " \"secret\": \"env:NE_TEST_MISSING\", \"people\": [\"a-b\"]}]}}",
                 "webhooks.subscriptions[0].secret", "NE_TEST_MISSING", "not set");
    EXPECT_ERROR("{\"kafka\": {\"sasl.username\": \"env:NE_TEST_MISSING\"}}", "kafka.sasl.username",
                 "NE_TEST_MISSING");
    EXPECT_ERROR("{\"entities\": {\"model\": \"env:\"}}", "entities.model");

    /* a resolved value is validated after resolution */
    setenv("NE_TEST_SECRET", "not-a-whsec", 1);
    EXPECT_ERROR("{" PEOPLE ", \"webhooks\": {\"subscriptions\": [{\"url\": \"https://example.com/h\","
                 " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]}]}}",
                 "webhooks.subscriptions[0].secret", "whsec_");
    unsetenv("NE_TEST_SECRET");
}

TEST(config_error_unknown_keys)
{
    EXPECT_ERROR("{\"dedup\": {\"near_treshold\": 0.5}}", "dedup.near_treshold: unknown key",
                 "did you mean near_threshold?");
    EXPECT_ERROR("{\"dedupe\": {}}", "dedupe: unknown section", "did you mean dedup?");
    EXPECT_ERROR("{\"nothing_like_it\": {}}", "nothing_like_it: unknown section");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"x\", \"name\": \"X\", \"alias\": []}]}}",
                 "watchlist.people[0].alias: unknown key", "did you mean aliases?");
    EXPECT_ERROR("{\"dedup\": {\"enabled\": true, \"enabled\": false}}", "dedup.enabled: duplicate key");
}

TEST(config_error_types_and_ranges)
{
    EXPECT_ERROR("{\"processing\": {\"max_in_flight\": \"ten\"}}",
                 "processing.max_in_flight: expected an integer >= 1, got \"ten\"");
    EXPECT_ERROR("{\"processing\": {\"max_in_flight\": 0}}", "processing.max_in_flight: expected an integer >= 1, got 0");
    EXPECT_ERROR("{\"processing\": {\"max_in_flight\": 1.5}}", "processing.max_in_flight", "got 1.5");
    EXPECT_ERROR("{\"processing\": {\"max_in_flight\": 99999999999}}", "processing.max_in_flight", "99999999999");
    EXPECT_ERROR("{\"processing\": {\"max_in_flight\": 123456789012345678901234567890}}",
                 "processing.max_in_flight");
    EXPECT_ERROR("{\"processing\": {\"max_record_bytes\": 1000}}", "processing.max_record_bytes", "1024");
    EXPECT_ERROR("{\"processing\": {\"guarantee\": \"exactly-once\"}}", "processing.guarantee",
                 "\"at_least_once\", \"exactly_once\"");
    EXPECT_ERROR("{\"dedup\": {\"near_threshold\": 0}}", "dedup.near_threshold", "> 0");
    EXPECT_ERROR("{\"dedup\": {\"near_threshold\": 1.01}}", "dedup.near_threshold");
    EXPECT_ERROR("{\"dedup\": {\"enabled\": \"yes\"}}", "dedup.enabled: expected true or false");
    EXPECT_ERROR("{\"dedup\": 5}", "dedup: expected an object, got 5");
    EXPECT_ERROR("{\"topics\": {\"raw\": \"\"}}", "topics.raw");
    EXPECT_ERROR("{\"topics\": {\"raw\": \"bad topic\"}}", "topics.raw", "Kafka topic name");
    EXPECT_ERROR("{\"topics\": {\"enriched\": \"articles.raw\"}}", "topics.enriched: same topic as topics.raw");
    EXPECT_ERROR("{\"metrics\": {\"listen\": \"9464\"}}", "metrics.listen");
    EXPECT_ERROR("{\"metrics\": {\"listen\": \"localhost:99999\"}}", "metrics.listen");
    EXPECT_ERROR("{\"webhooks\": {\"user_agent\": \"a\\r\\nX-Evil: 1\"}}", "webhooks.user_agent");
    EXPECT_ERROR("{\"kafka\": {\"group.id\": \"\"}}", "kafka.group.id");
    EXPECT_ERROR("{\"kafka\": {\"acks\": null}}", "kafka.acks", "expected a string, number or boolean");
}

TEST(config_error_documents)
{
    EXPECT_ERROR("{\"dedup\": {\"enabled\": tru}}", "invalid JSON");
    EXPECT_ERROR("{\"dedup\": ", "invalid JSON");
    EXPECT_ERROR("", "invalid JSON");
    EXPECT_ERROR("[1, 2]", "top level must be an object");
    EXPECT_ERROR("\"x\"", "top level must be an object");
    EXPECT_ERROR("{\"entities\": {\"model\": \"a\\u0000b\"}}", "\\u0000");

    /* an embedded NUL byte in the text itself */
    char err[256] = "";
    static const char text[] = "{\"dedup\": {}}\0{\"x\": 1}";
    ne_config *cfg = ne_config_load_string(text, sizeof text - 1, err, sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "NUL") != NULL);

    /* a NULL or zero-size err buffer is fine */
    cfg = load("{\"dedup\": 1}", NULL, 0);
    CHECK(cfg == NULL);
}

TEST(config_error_kafka_properties)
{
    EXPECT_ERROR("{\"kafka\": {\"no.such.prop\": \"1\"}}", "kafka.no.such.prop:", "No such configuration property");
    EXPECT_ERROR("{\"kafka\": {\"acks\": \"banana\"}}", "kafka.acks:", "Invalid value", "got \"banana\"");
    EXPECT_ERROR("{\"kafka\": {\"linger.ms\": -5}}", "kafka.linger.ms:", "-5");
    EXPECT_ERROR("{\"kafka\": []}", "kafka: expected an object");
}

TEST(config_error_watchlist)
{
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"b\", \"name\": \"B\"},"
                 " {\"name\": \"C\"}]}}",
                 "watchlist.people[2].id: missing");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"a\"}]}}", "watchlist.people[0].name: missing");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"Bad Id\", \"name\": \"A\"}]}}", "watchlist.people[0].id",
                 "slug");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"a\", \"name\": \"B\"}]}}",
                 "watchlist.people[1].id: duplicate id");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [{\"id\": \"a\", \"name\": \"A\", \"aliases\": [\"x\", 3]}]}}",
                 "watchlist.people[0].aliases[1]");
    EXPECT_ERROR("{\"watchlist\": {\"people\": {}}}", "watchlist.people: expected an array of objects");
    EXPECT_ERROR("{\"watchlist\": {\"people\": [7]}}", "watchlist.people[0]: expected an object");
}

TEST(config_error_subscriptions)
{
    setenv("NE_TEST_SECRET", SECRET, 1);
#define SUB(fields) "{" PEOPLE ", \"webhooks\": {\"subscriptions\": [{" fields "}]}}"
#define OK_SUB "\"url\": \"https://example.com/h\", \"secret\": \"env:NE_TEST_SECRET\""
    EXPECT_ERROR(SUB(OK_SUB ", \"people\": [\"a-b\", \"joe-biden\"]"),
                 "webhooks.subscriptions[0].people[1]: unknown person \"joe-biden\"");
    EXPECT_ERROR(SUB(OK_SUB ", \"people\": []"), "webhooks.subscriptions[0].people");
    EXPECT_ERROR(SUB(OK_SUB), "webhooks.subscriptions[0].people: missing");
    EXPECT_ERROR(SUB("\"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]"), "webhooks.subscriptions[0].url: missing");
    EXPECT_ERROR(SUB("\"url\": \"ftp://x/\", \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]"),
                 "webhooks.subscriptions[0].url");
    EXPECT_ERROR(SUB("\"url\": \"https://x/\", \"secret\": \"whsec_!!!!\", \"people\": [\"a-b\"]"),
                 "webhooks.subscriptions[0].secret");
    EXPECT_ERROR(SUB(OK_SUB ", \"people\": [\"a-b\"], \"roles\": [\"speaker\", \"author\"]"),
                 "webhooks.subscriptions[0].roles[1]", "\"author\"");
    EXPECT_ERROR(SUB(OK_SUB ", \"people\": [\"a-b\"], \"timeout_ms\": 0"), "webhooks.subscriptions[0].timeout_ms");
    EXPECT_ERROR(SUB(OK_SUB ", \"people\": [\"a-b\"], \"backoff_initial_ms\": 5000, \"backoff_max_ms\": 1000"),
                 "webhooks.subscriptions[0].backoff_max_ms");
    EXPECT_ERROR("{" PEOPLE ", \"webhooks\": {\"subscriptions\": [{" OK_SUB ", \"people\": [\"a-b\"], \"id\": \"s\"},"
                 " {" OK_SUB ", \"people\": [\"a-b\"], \"id\": \"s\"}]}}",
                 "webhooks.subscriptions[1].id: duplicate id");
    /* a secret's value never appears in an error */
    char err[512] = "";
    ne_config *cfg = load(SUB("\"url\": \"https://x/\", \"secret\": \"whsec_sekrit!\", \"people\": [\"a-b\"]"), err,
                          sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "sekrit") == NULL);
    cfg = load(SUB("\"url\": \"https://x/\", \"secret\": 12345, \"people\": [\"a-b\"]"), err, sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "12345") == NULL);
#undef SUB
#undef OK_SUB
    unsetenv("NE_TEST_SECRET");
}

TEST(config_print_masks_secrets)
{
    char err[512] = "";
    setenv("NE_TEST_SECRET", SECRET, 1);
    ne_config *cfg = load("{" PEOPLE ", \"kafka\": {\"sasl.username\": \"svc-news\", \"sasl.password\": \"hunter2\","
                          " \"ssl.key.password\": \"pw2\", \"ssl.key.pem\": \"cs3\", \"sasl.oauthbearer.config\": \"cs4\"},"
                          " \"topics\": {\"raw\": \"in.\\\"quoted\\\"\"},"
                          " \"webhooks\": {\"subscriptions\": [{\"url\": \"https://example.com/h\","
                          " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]}]}}",
                          err, sizeof err);
    unsetenv("NE_TEST_SECRET");
    /* '"' is not a valid topic character: the load fails, naming it */
    CHECK(cfg == NULL);
    CHECK(strstr(err, "topics.raw") != NULL);

    setenv("NE_TEST_SECRET", SECRET, 1);
    cfg = load("{" PEOPLE ", \"kafka\": {\"sasl.username\": \"svc-news\", \"sasl.password\": \"hunter2\","
               " \"ssl.key.password\": \"pw2\", \"ssl.key.pem\": \"cs3\", \"sasl.oauthbearer.config\": \"cs4\"},"
               " \"entities\": {\"model\": \"/m/\\\"ner\\\".model\"},"
               " \"webhooks\": {\"subscriptions\": [{\"url\": \"https://example.com/h\","
               " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]}]}}",
               err, sizeof err);
    unsetenv("NE_TEST_SECRET");
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    char *out = print_to_string(cfg);
    ne_config_free(cfg);
    CHECK(out != NULL);
    int ok = !strstr(out, "hunter2") && !strstr(out, "pw2") && !strstr(out, "cs3") && !strstr(out, "cs4") &&
             !strstr(out, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") && strstr(out, "\"sasl.password\": \"***\"") &&
             strstr(out, "\"secret\": \"***\"") && strstr(out, "\"sasl.username\": \"svc-news\"") &&
             strstr(out, "\"raw\": \"articles.raw\"") && strstr(out, "\"url\": \"https://example.com/h\"") &&
             strstr(out, "\"model\": \"/m/\\\"ner\\\".model\"") && strstr(out, "\"near_threshold\": 0.8") &&
             strstr(out, "\"transactional_id\": \"newsenrich-newsenrich-") && strstr(out, "\"id\": \"sub-0\"");
    if (!ok) test_fail(__FILE__, __LINE__, "printed:\n%s", out);

    /* the output is valid JSON */
    yajl_val root = yajl_tree_parse(out, err, sizeof err);
    free(out);
    CHECK(ok);
    CHECK(root != NULL);
    yajl_tree_free(root);
}

TEST(config_print_masks_url_credentials)
{
    char err[512] = "";
    setenv("NE_TEST_SECRET", SECRET, 1);
    ne_config *cfg = load("{" PEOPLE ", \"kafka\": {\"client.id\": \"https://cid:PLANTED-k@idp.example/t\"},"
                          " \"webhooks\": {\"subscriptions\": [{\"url\":"
                          " \"https://user:PLANTED-pw-4711@hooks.example/hook?token=PLANTED-tok-4711&v=2\","
                          " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]}]}}",
                          err, sizeof err);
    unsetenv("NE_TEST_SECRET");
    if (!cfg) test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(cfg != NULL);
    /* the loaded value is untouched: only printing masks */
    CHECK(strstr(cfg->webhooks.subscriptions[0].url, "PLANTED-pw-4711") != NULL);
    char *out = print_to_string(cfg);
    ne_config_free(cfg);
    CHECK(out != NULL);
    int ok = !strstr(out, "PLANTED") &&
             strstr(out, "\"url\": \"https://user:***@hooks.example/hook?token=***&v=2\"") &&
             strstr(out, "\"client.id\": \"https://cid:***@idp.example/t\"");
    if (!ok) test_fail(__FILE__, __LINE__, "printed:\n%s", out);
    free(out);
    CHECK(ok);
}

TEST(config_errors_never_echo_url_credentials_or_kafka_secrets)
{
    char err[512] = "";
    setenv("NE_TEST_SECRET", SECRET, 1);
    ne_config *cfg = load("{" PEOPLE ", \"webhooks\": {\"subscriptions\": [{\"url\": \"ftp://user:PLANTED-pw@h/x\","
                          " \"secret\": \"env:NE_TEST_SECRET\", \"people\": [\"a-b\"]}]}}", err, sizeof err);
    unsetenv("NE_TEST_SECRET");
    CHECK(cfg == NULL);
    CHECK(strstr(err, "webhooks.subscriptions[0].url") != NULL);
    CHECK(strstr(err, "\"ftp://user:***@h/x\"") != NULL);
    CHECK(strstr(err, "PLANTED") == NULL);
    /* librdkafka names are lower case; a secret in upper case is refused
     * without its value */
    cfg = load("{\"kafka\": {\"SASL.PASSWORD\": \"PLANTED-x\"}}", err, sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "kafka.SASL.PASSWORD") != NULL);
    CHECK(strstr(err, "PLANTED") == NULL);
    cfg = load("{\"kafka\": {\"acks\": \"https://u:PLANTED@h/\"}}", err, sizeof err);
    CHECK(cfg == NULL);
    CHECK(strstr(err, "kafka.acks") != NULL);
    CHECK(strstr(err, "PLANTED") == NULL);
}

TEST(config_kafka_set_get_conf)
{
    char err[512] = "", val[64];
    size_t vlen = sizeof val;
    ne_config *cfg = ne_config_defaults();
    ne_config_kafka_set(cfg, "test.mock.num.brokers", "3");
    ne_config_kafka_set(cfg, "bootstrap.servers", "mock:1");
    CHECK_STR(ne_config_kafka_get(cfg, "test.mock.num.brokers"), "3");
    CHECK_STR(ne_config_kafka_get(cfg, "bootstrap.servers"), "mock:1");
    rd_kafka_conf_t *conf = ne_config_kafka_conf(cfg, err, sizeof err);
    CHECK(conf != NULL);
    CHECK(rd_kafka_conf_get(conf, "group.id", val, &vlen) == RD_KAFKA_CONF_OK);
    rd_kafka_conf_destroy(conf);
    CHECK_STR(val, "newsenrich");

    ne_config_kafka_set(cfg, "acks", "banana");
    conf = ne_config_kafka_conf(cfg, err, sizeof err);
    ne_config_free(cfg);
    CHECK(conf == NULL);
    CHECK(strstr(err, "kafka.acks") != NULL);
}

TEST(config_record_size_must_leave_room_for_outputs_under_the_producer_limit)
{
    /* 600000 twice over is more than librdkafka's default 1000000 */
    EXPECT_ERROR("{\"processing\": {\"max_record_bytes\": 600000}}", "processing.max_record_bytes",
                 "message.max.bytes", "499936");
    /* raising the producer's limit makes room */
    char err[512] = "";
    ne_config *cfg = load("{\"processing\": {\"max_record_bytes\": 600000},"
                          " \"kafka\": {\"message.max.bytes\": \"2000000\"}}", err, sizeof err);
    CHECK(cfg != NULL);
    ne_config_free(cfg);
    EXPECT_ERROR("{\"kafka\": {\"message.max.bytes\": \"300000\"}}", "processing.max_record_bytes",
                 "kafka.message.max.bytes (300000)");
}

TEST(config_output_room_rule_names_the_limit_and_the_largest_record_that_fits)
{
    char err[512];
    CHECK_INT(ne_config_check_output_room(262144, 1000000, "p", 1000000, "p", err, sizeof err), 0);
    CHECK_INT(ne_config_check_output_room(499936, 1000000, "p", 1000000, "p", err, sizeof err), 0);
    CHECK_INT(ne_config_check_output_room(499937, 1000000, "p", 1000000, "p", err, sizeof err), -1);
    /* a dead-letter topic smaller than the record and its headers */
    CHECK_INT(ne_config_check_output_room(262144, 10485760, "enriched", 264000, "topic d's max.message.bytes",
                                          err, sizeof err), -1);
    CHECK(strstr(err, "topic d's max.message.bytes (264000)") != NULL);
    CHECK(strstr(err, "at most 259904") != NULL);
}
