/* config — the service configuration: one JSON file, environment overrides,
 * validated against a table of known keys.
 *
 * Every scalar key has a row in the key table (config.c): section, name,
 * type, default, description, and whether it is a secret. Loading applies
 * defaults, then the file, then NEWSENRICH_<SECTION>_<KEY> environment
 * variables (for the kafka section the rest of the name maps '_' to '.':
 * NEWSENRICH_KAFKA_BOOTSTRAP_SERVERS -> kafka."bootstrap.servers").
 * String values of the form "env:NAME" are replaced by that variable's
 * value; a missing variable is an error naming the key.
 *
 * Errors (unknown key, wrong type, bad value, librdkafka rejecting a kafka.*
 * property) fill `err` with a message that names the key, e.g.
 *   "processing.max_in_flight: expected an integer >= 1, got \"ten\"",
 * and loading returns NULL; the command line exits 2 on that.
 *
 * Ownership: ne_config_load() returns a config the caller frees with
 * ne_config_free() (which accepts NULL). All strings inside are owned by
 * the config.
 */
#ifndef NE_CONFIG_H
#define NE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>

enum ne_guarantee { NE_AT_LEAST_ONCE, NE_EXACTLY_ONCE };

/* One kafka.* property, passed to librdkafka as it is. */
typedef struct ne_kv {
    char *key;
    char *value;
} ne_kv;

/* One watched person. The aliases include role nouns ("the Russian
 * leader") that refer to this person only. */
typedef struct ne_person {
    char  *id;
    char  *name;
    char **aliases;
    size_t naliases;
} ne_person;

enum ne_role_filter { NE_ROLE_ANY = 0, NE_ROLE_SPEAKER = 1, NE_ROLE_SUBJECT = 2 };

typedef struct ne_subscription {
    char  *id;            /* defaults to "sub-<index>" */
    char  *url;
    char  *secret;        /* "whsec_<base64>", resolved from env: if given so */
    char **people;        /* watchlist ids */
    size_t npeople;
    int    roles;         /* bitmask of ne_role_filter; 0 = any */
    int    timeout_ms;
    int    max_attempts;      /* real requests; breaker refusals do not count */
    int    max_age_ms;        /* give up this long after the alert was taken up */
    int    backoff_initial_ms;
    int    backoff_max_ms;
} ne_subscription;

typedef struct ne_config {
    /* kafka: every property given, passed to librdkafka for both the
     * consumer and the producer (defaults: bootstrap.servers localhost:9092,
     * group.id newsenrich). */
    ne_kv  *kafka;
    size_t  nkafka;

    struct {
        char *raw, *enriched, *duplicates, *claims, *alerts, *dlq, *alerts_dlq, *changelog;
        char *deliveries;          /* the notifier's record of delivered webhook-ids */
        char *subscriptions;       /* the live watchlist and subscriptions (config/overlay.h) */
    } topics;

    struct {
        enum ne_guarantee guarantee;
        int    max_in_flight;      /* input records awaiting delivery before pausing */
        int    threads;            /* per-article stages' threads; 0 = one per core (workers.h) */
        long   max_record_bytes;   /* larger records are dead-lettered as too_large */
        long   max_page_bytes;     /* the same for a record that is a web page */
        int    poll_timeout_ms;
        int    shutdown_timeout_ms;/* how long to wait for deliveries on shutdown */
        int    commit_interval_ms; /* at_least_once: stored offsets committed this often */
        char  *transactional_id;   /* exactly_once only; default "newsenrich-<group.id>" */
    } processing;

    struct {
        int    enabled;
        double near_threshold;     /* shingle similarity for a near duplicate */
        int    retention_hours;
        long   max_entries;
        long   max_claims;         /* claims kept for novelty */
        int    rebuild_timeout_ms; /* start-up wait for the changelog rebuild */
    } dedup;

    struct {
        int   enabled;
        char *model;               /* path of the NER model file */
    } entities;

    struct {
        int enabled;
    } quotes;

    struct {
        ne_person *people;
        size_t     npeople;
    } watchlist;

    struct {
        ne_subscription *subscriptions;
        size_t           nsubscriptions;
        int   allow_private;       /* allow loopback/private/link-local targets */
        int   max_pending;         /* pending deliveries before the notifier pauses */
        int   per_endpoint_in_flight;
        int   delivered_ids;       /* webhook-ids remembered as delivered; 0: no record */
        char *user_agent;
    } webhooks;

    struct {
        int   enabled;
        char *listen;              /* "host:port" */
    } metrics;
} ne_config;

/* A config with every default and nothing from a file or the environment
 * (what the offline `enrich` command uses without -c). */
ne_config *ne_config_defaults(void);

/* Loads `path` (NULL: defaults only), then the environment. On error
 * returns NULL and writes a message naming the key into err. */
ne_config *ne_config_load(const char *path, char *err, size_t errlen);

/* Loads from a JSON text in memory (tests, demo). Same rules as above. */
ne_config *ne_config_load_string(const char *json, size_t len, char *err, size_t errlen);

void ne_config_free(ne_config *cfg);

/* Room for a record's outputs. An accepted record (at most
 * processing.max_record_bytes) must be publishable: its enriched event,
 * which carries the body with its annotations, must fit `enriched_max`
 * bytes with the record counted twice over (NE_OUTPUT_ROOM_FACTOR), and its
 * dead letter, the record itself with its headers, must fit `dlq_max`
 * with NE_DEAD_LETTER_ROOM to spare. `what` names the limit in the message
 * ("kafka.message.max.bytes", "topic x's max.message.bytes"). Returns 0,
 * or -1 with a message naming processing.max_record_bytes in err. A record
 * whose event is larger still is dead-lettered output_too_large. Pure. */
#define NE_OUTPUT_ROOM_FACTOR 2
#define NE_DEAD_LETTER_ROOM 4096
int ne_config_check_output_room(long max_record_bytes, size_t enriched_max, const char *enriched_what,
                                size_t dlq_max, const char *dlq_what, char *err, size_t errlen);

/* Looks up a kafka.* property; NULL if not set. */
const char *ne_config_kafka_get(const ne_config *cfg, const char *key);

/* Sets (or replaces) a kafka.* property, e.g. to point the demo at the mock
 * cluster. Does not validate. */
void ne_config_kafka_set(ne_config *cfg, const char *key, const char *value);

/* Builds a librdkafka conf with every kafka.* property applied. Returns
 * NULL and fills err, naming the key, if librdkafka rejects one. */
rd_kafka_conf_t *ne_config_kafka_conf(const ne_config *cfg, char *err, size_t errlen);

/* The same, leaving out the properties named in `skip` (NULL-terminated):
 * the producer skips consumer-only properties of the shared kafka section,
 * which librdkafka would otherwise warn about at every start. */
rd_kafka_conf_t *ne_config_kafka_conf_except(const ne_config *cfg, const char *const *skip,
                                             char *err, size_t errlen);

/* Sets librdkafka's auto.commit.interval.ms to processing.commit_interval_ms
 * on a consumer conf, unless kafka.auto.commit.interval.ms is given (an
 * explicit librdkafka property wins, as everywhere else). Both consumers
 * that commit (the service's and the notifier's) call it. 0, or -1 with
 * err when librdkafka rejects the value. */
int ne_config_set_commit_interval(rd_kafka_conf_t *conf, const ne_config *cfg, char *err, size_t errlen);

/* A deep copy (what config/overlay.h builds a merged configuration on). */
ne_config *ne_config_dup(const ne_config *cfg);

/* ---- one entry --------------------------------------------------------
 *
 * One element of watchlist.people or webhooks.subscriptions, from its
 * JSON text, checked as the loader checks that element (types, ranges,
 * unknown and required keys, each string's check, backoff_max_ms >=
 * backoff_initial_ms). What needs the whole configuration (unique ids,
 * a subscription's people on the watchlist) is the caller's. `path`
 * prefixes the messages ("watchlist.people[2]", "subscription:acme").
 * The live topic (config/overlay.h) and `newsenrich watch|subscriptions
 * add` use them, so an entry is valid there exactly when it would be in
 * the file. On error: -1, a message naming the key in err, *out empty.
 * Ownership: *out owns its strings; release them with the _clear
 * functions (which accept NULL and leave the struct zeroed). */
int ne_config_parse_person(const char *json, size_t len, const char *path, ne_person *out, char *err,
                           size_t errlen);

/* secret_by_reference 0: the secret as in the file (clear, or "env:NAME"
 * resolved). 1: as on the topic, where only a reference may be written:
 * "env:NAME" or "file:PATH" (the file's text, trailing white space cut),
 * resolved by this process; a clear secret or a reference that does not
 * resolve is an error naming the key, without the value. A missing id
 * stays NULL (the file derives "sub-N"; the topic takes it from the key). */
int ne_config_parse_subscription(const char *json, size_t len, const char *path, int secret_by_reference,
                                 ne_subscription *out, char *err, size_t errlen);

void ne_person_clear(ne_person *p);
void ne_subscription_clear(ne_subscription *s);
void ne_person_copy(ne_person *dst, const ne_person *src);              /* deep; dst is overwritten */
void ne_subscription_copy(ne_subscription *dst, const ne_subscription *src);

/* The entry as one line of JSON, every key with its effective value,
 * secrets masked as ne_config_print masks them. The caller frees it. */
char *ne_config_person_json(const ne_person *p);
char *ne_config_subscription_json(const ne_subscription *s);

/* Prints the effective configuration as JSON with secrets masked ("***"):
 * webhook secrets and any kafka property whose name contains "password",
 * "secret" or ends in ".key". */
void ne_config_print(const ne_config *cfg, FILE *out);

#endif
