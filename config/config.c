/* config — the key table and the loader behind config.h.
 *
 * The idea is Fluent Bit's config map: every key the service understands is
 * one row of a static const table (section, name, type, default as text,
 * description, offset of the field it fills, range or allowed values, and a
 * check for strings). Loading, environment overrides, validation, printing
 * and freeing all walk the same rows, so adding a key is adding a row (and a
 * line in README.md, which a unit test enforces).
 *
 * Arrays of objects (watchlist.people, webhooks.subscriptions) are rows of
 * type KT_OBJLIST whose elements are described by their own small tables.
 * The kafka section is the one open-ended object: any property librdkafka
 * accepts, kept as key/value pairs.
 *
 * Loading order: defaults -> file -> NEWSENRICH_* environment -> "env:NAME"
 * references -> derived defaults (subscription ids, transactional id) ->
 * validation. Every failure writes one message naming the key into `err`.
 *
 * Out-of-memory aborts, as nebuf does: the service cannot do anything useful
 * without memory, and it keeps every error path about bad input.
 */
#include "config/config.h"

#include "common/log.h"
#include "common/nebuf.h"
#include "common/redact.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

/* The key table writes enum ne_guarantee through an int. */
_Static_assert(sizeof(enum ne_guarantee) == sizeof(int), "enum ne_guarantee must be int-sized");

#define CONFIG_MAX_FILE_BYTES (16u << 20) /* a config larger than this is a mistake */
#define ENV_PREFIX "NEWSENRICH_"

/* ------------------------------------------------------------------ */
/* The key table                                                       */
/* ------------------------------------------------------------------ */

enum key_type {
    KT_STR,     /* char *                                                  */
    KT_SECRET,  /* char *, printed as "***" and never echoed in errors     */
    KT_INT,     /* int, within [min, max]                                  */
    KT_LONG,    /* long, within [min, max]                                 */
    KT_DOUBLE,  /* double, within [lo, hi] (lo exclusive with KF_EXCL_MIN)  */
    KT_BOOL,    /* int 0/1                                                 */
    KT_ENUM,    /* int, index into values[]                                */
    KT_STRLIST, /* char ** at off, size_t count at noff                    */
    KT_FLAGS,   /* int bitmask: an array of values[], values[i] = 1 << i   */
    KT_OBJLIST, /* array of elem_size structs at off, count at noff        */
};

#define KF_REQUIRED 1u /* an array element must give this key              */
#define KF_NULLABLE 2u /* a string that may be null (no value)             */
#define KF_EXCL_MIN 4u /* KT_DOUBLE: strictly greater than lo              */
#define KF_NONEMPTY 8u /* KT_STRLIST: at least one entry                   */
#define KF_URL     16u /* KT_STR: a URL, printed and echoed with its
                          credentials masked (common/redact.h)            */

/* A string check: 0 if `v` is acceptable, else -1 with the reason in `why`
 * (without echoing the value when it may be a secret). */
typedef int (*str_check_fn)(const char *v, char *why, size_t whylen);

struct ne_key {
    const char   *section;  /* NULL in element tables */
    const char   *name;
    enum key_type type;
    unsigned      flags;
    size_t        off;      /* the field this key fills */
    size_t        noff;     /* KT_STRLIST / KT_OBJLIST: the size_t count */
    const char   *def;      /* default as text (NULL: none / empty) */
    long long     min, max; /* KT_INT, KT_LONG */
    double        lo, hi;   /* KT_DOUBLE */
    const char *const *values; /* KT_ENUM, KT_FLAGS: NULL-terminated */
    str_check_fn  check;    /* KT_STR, KT_SECRET: after env: resolution */
    const struct ne_key *elems; /* KT_OBJLIST: the element table */
    size_t        nelems;
    size_t        elem_size;
    const char   *desc;     /* one line, for README.md */
};

static int check_nonempty(const char *v, char *why, size_t n);
static int check_topic(const char *v, char *why, size_t n);
static int check_slug(const char *v, char *why, size_t n);
static int check_url(const char *v, char *why, size_t n);
static int check_whsec(const char *v, char *why, size_t n);
static int check_header_value(const char *v, char *why, size_t n);
static int check_listen(const char *v, char *why, size_t n);

static const char *const guarantee_values[] = {"at_least_once", "exactly_once", NULL};
static const char *const role_values[] = {"speaker", "subject", NULL}; /* = NE_ROLE_* bits */
_Static_assert(NE_ROLE_SPEAKER == 1 << 0 && NE_ROLE_SUBJECT == 1 << 1, "role_values order");

/* Row helpers: K() for ne_config fields, P() for ne_person, S() for
 * ne_subscription. */
#define K(sec, nm, ty, field) .section = sec, .name = nm, .type = ty, .off = offsetof(ne_config, field)
#define P(nm, ty, field) .name = nm, .type = ty, .off = offsetof(ne_person, field)
#define S(nm, ty, field) .name = nm, .type = ty, .off = offsetof(ne_subscription, field)
#define INT_RANGE(a, b) .min = (a), .max = (b)

static const struct ne_key person_keys[] = {
    {P("id", KT_STR, id), .flags = KF_REQUIRED, .check = check_slug,
     .desc = "Stable id of the person, a slug of [a-z0-9-]; what subscriptions refer to."},
    {P("name", KT_STR, name), .flags = KF_REQUIRED, .check = check_nonempty,
     .desc = "Display name, also matched in text."},
    {P("aliases", KT_STRLIST, aliases), .noff = offsetof(ne_person, naliases),
     .desc = "Other names and role nouns that refer to this person only (\"the Russian president\")."},
};

static const struct ne_key subscription_keys[] = {
    {S("id", KT_STR, id), .flags = KF_NULLABLE, .check = check_nonempty,
     .desc = "Subscription id used in logs and metrics; null = \"sub-N\", N its 0-based index."},
    {S("url", KT_STR, url), .flags = KF_REQUIRED | KF_URL, .check = check_url,
     .desc = "Endpoint to POST alerts to: http:// or https://."},
    {S("secret", KT_SECRET, secret), .flags = KF_REQUIRED, .check = check_whsec,
     .desc = "Signing secret: \"whsec_\" + base64 (Standard Webhooks); best given as \"env:NAME\"."},
    {S("people", KT_STRLIST, people), .noff = offsetof(ne_subscription, npeople),
     .flags = KF_REQUIRED | KF_NONEMPTY,
     .desc = "Watchlist ids this endpoint wants alerts about (each must be in watchlist.people)."},
    {S("roles", KT_FLAGS, roles), .values = role_values,
     .desc = "Only alerts where the person is the \"speaker\" and/or \"subject\"; empty or absent = any."},
    {S("timeout_ms", KT_INT, timeout_ms), .def = "10000", INT_RANGE(1, INT_MAX),
     .desc = "Timeout of one delivery attempt."},
    {S("max_attempts", KT_INT, max_attempts), .def = "8", INT_RANGE(1, INT_MAX),
     .desc = "Requests before the alert goes to topics.alerts_dlq as attempts_exhausted; a refusal by the open circuit breaker is no request and does not count."},
    {S("max_age_ms", KT_INT, max_age_ms), .def = "86400000", INT_RANGE(1, INT_MAX),
     .desc = "Deadline of an alert's retries, from when the notifier took it up (again after a restart): past it the alert goes to topics.alerts_dlq as max_age_exceeded. What bounds an alert that keeps meeting an open circuit breaker."},
    {S("backoff_initial_ms", KT_INT, backoff_initial_ms), .def = "30000", INT_RANGE(1, INT_MAX),
     .desc = "First retry delay; it doubles each attempt, with jitter; a Retry-After header takes precedence."},
    {S("backoff_max_ms", KT_INT, backoff_max_ms), .def = "3600000", INT_RANGE(1, INT_MAX),
     .desc = "Cap on the retry delay (>= backoff_initial_ms)."},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct ne_key config_keys[] = {
    {K("topics", "raw", KT_STR, topics.raw), .def = "articles.raw", .check = check_topic,
     .desc = "Input: raw articles."},
    {K("topics", "enriched", KT_STR, topics.enriched), .def = "articles.enriched", .check = check_topic,
     .desc = "Output: enriched articles."},
    {K("topics", "duplicates", KT_STR, topics.duplicates), .def = "articles.duplicates", .check = check_topic,
     .desc = "Output: exact and near duplicates."},
    {K("topics", "claims", KT_STR, topics.claims), .def = "claims", .check = check_topic,
     .desc = "Output: attributed quotes (claims)."},
    {K("topics", "alerts", KT_STR, topics.alerts), .def = "alerts", .check = check_topic,
     .desc = "Output of the enricher, input of the notifier: watchlist alerts."},
    {K("topics", "dlq", KT_STR, topics.dlq), .def = "articles.dlq", .check = check_topic,
     .desc = "Dead letters of the enricher (undecodable or too large input)."},
    {K("topics", "alerts_dlq", KT_STR, topics.alerts_dlq), .def = "alerts.dlq", .check = check_topic,
     .desc = "Dead letters of the notifier (deliveries that ran out of attempts)."},
    {K("topics", "changelog", KT_STR, topics.changelog), .def = "newsenrich.state", .check = check_topic,
     .desc = "Compacted changelog of the dedup state."},
    {K("topics", "subscriptions", KT_STR, topics.subscriptions), .def = "newsenrich.subscriptions",
     .check = check_topic,
     .desc = "Compacted topic of the live watchlist and subscriptions (key person:<id> or subscription:<id>, value the entry's JSON, a tombstone deletes), followed by every instance and overlaid on the file's; created if missing, with cleanup.policy=compact."},
    {K("topics", "deliveries", KT_STR, topics.deliveries), .def = "newsenrich.deliveries", .check = check_topic,
     .desc = "The notifier's record of delivered webhook-ids (key <subscription id>/<webhook-id>), read at its start so a restart does not deliver them again; created if missing, with cleanup.policy=compact,delete and a week's retention."},

    {K("processing", "guarantee", KT_ENUM, processing.guarantee), .def = "at_least_once",
     .values = guarantee_values,
     .desc = "Delivery guarantee: at_least_once or exactly_once (Kafka transactions)."},
    {K("processing", "max_in_flight", KT_INT, processing.max_in_flight), .def = "1000",
     INT_RANGE(1, INT_MAX),
     .desc = "Input records awaiting delivery of their outputs before consumption pauses."},
    {K("processing", "threads", KT_INT, processing.threads), .def = "0", INT_RANGE(0, 64),
     .desc = "Threads for the per-article stages (text, entities, quotes), beside the thread that runs dedup, claim novelty and Kafka I/O in input order; 1 = everything on that one thread, 0 = one per online core, at most 4."},
    {K("processing", "max_record_bytes", KT_LONG, processing.max_record_bytes), .def = "262144",
     INT_RANGE(1024, 1000000000), /* librdkafka's message.max.bytes ceiling */
     .desc = "Larger input records are dead-lettered as too_large. At most (message.max.bytes - 128) / 2 of the producer and of the output topics (checked at start-up): an enriched event carries the body with its annotations, about 3x the body for news; an event over the limit is dead-lettered as output_too_large. For a web page it bounds the extracted article text instead."},
    {K("processing", "max_page_bytes", KT_LONG, processing.max_page_bytes), .def = "10485760",
     INT_RANGE(1024, 1000000000),
     .desc = "Larger records that are web pages are dead-lettered as too_large: a page carries its markup, scripts and styles around the article (the extractor is bounded in time and memory for 10 MB); the article text extracted from it must fit max_record_bytes."},
    {K("processing", "poll_timeout_ms", KT_INT, processing.poll_timeout_ms), .def = "100",
     INT_RANGE(1, INT_MAX),
     .desc = "Consumer poll timeout."},
    {K("processing", "shutdown_timeout_ms", KT_INT, processing.shutdown_timeout_ms), .def = "30000",
     INT_RANGE(0, INT_MAX),
     .desc = "How long shutdown waits for outstanding deliveries."},
    {K("processing", "commit_interval_ms", KT_INT, processing.commit_interval_ms), .def = "5000",
     INT_RANGE(1, 86400000),
     .desc = "at_least_once: how often the service and the notifier commit their stored offsets (librdkafka's auto.commit.interval.ms, which wins when given in kafka). What a crash re-processes: up to this much of the input before it, besides unfinished records."},
    {K("processing", "transactional_id", KT_STR, processing.transactional_id), .flags = KF_NULLABLE,
     .check = check_nonempty,
     .desc = "exactly_once only: the producer's transactional.id, unique per instance and stable across its restarts; null = \"newsenrich-<group.id>-<host name>\" (set it when several instances share a host)."},

    {K("dedup", "enabled", KT_BOOL, dedup.enabled), .def = "true",
     .desc = "Detect exact and near-duplicate articles."},
    {K("dedup", "near_threshold", KT_DOUBLE, dedup.near_threshold), .def = "0.8",
     .lo = 0.0, .hi = 1.0, .flags = KF_EXCL_MIN,
     .desc = "Shingle similarity at or above which an article is a near duplicate, in (0, 1]."},
    {K("dedup", "retention_hours", KT_INT, dedup.retention_hours), .def = "168", INT_RANGE(1, INT_MAX),
     .desc = "How long an article stays in the dedup state."},
    {K("dedup", "max_entries", KT_LONG, dedup.max_entries), .def = "1000000", INT_RANGE(1, LONG_MAX),
     .desc = "Cap on the dedup state; the oldest entries go first."},
    {K("dedup", "max_claims", KT_LONG, dedup.max_claims), .def = "1000000", INT_RANGE(1, LONG_MAX),
     .desc = "Cap on the claims kept for novelty (about 10 per article; each costs about 270 bytes); the oldest go first, and a statement older than the oldest kept is new again."},
    {K("dedup", "rebuild_timeout_ms", KT_INT, dedup.rebuild_timeout_ms), .def = "120000", INT_RANGE(0, INT_MAX),
     .desc = "How long start-up waits for the dedup state to be rebuilt from the changelog before consuming anyway (the rebuild goes on meanwhile; until it ends, copies of older articles can be missed)."},

    {K("entities", "enabled", KT_BOOL, entities.enabled), .def = "true",
     .desc = "Extract named entities."},
    {K("entities", "model", KT_STR, entities.model), .def = "models/ner.model", .check = check_nonempty,
     .desc = "Path of the NER model file."},

    {K("quotes", "enabled", KT_BOOL, quotes.enabled), .def = "true",
     .desc = "Extract and attribute quotes (claims)."},

    {K("watchlist", "people", KT_OBJLIST, watchlist.people), .noff = offsetof(ne_config, watchlist.npeople),
     .elems = person_keys, .nelems = NELEMS(person_keys), .elem_size = sizeof(ne_person),
     .desc = "Watched people: objects with id, name, aliases; ids unique."},

    {K("webhooks", "allow_private", KT_BOOL, webhooks.allow_private), .def = "false",
     .desc = "Allow webhook targets on loopback, private and link-local addresses."},
    {K("webhooks", "max_pending", KT_INT, webhooks.max_pending), .def = "10000", INT_RANGE(1, INT_MAX),
     .desc = "Pending deliveries before the notifier pauses consumption."},
    {K("webhooks", "per_endpoint_in_flight", KT_INT, webhooks.per_endpoint_in_flight), .def = "8",
     INT_RANGE(1, INT_MAX),
     .desc = "Concurrent requests to one endpoint."},
    {K("webhooks", "delivered_ids", KT_INT, webhooks.delivered_ids), .def = "100000", INT_RANGE(0, INT_MAX),
     .desc = "Webhook-ids the notifier remembers as delivered (about 100 bytes each; the oldest are forgotten first), read back from topics.deliveries at its start: an alert already answered 2xx is not posted again after a restart or an enricher's re-run; 0 = no record (every restart re-posts what followed the last commit)."},
    {K("webhooks", "user_agent", KT_STR, webhooks.user_agent), .def = "newsenrich/0.1 (+webhooks)",
     .check = check_header_value,
     .desc = "User-Agent header of webhook requests."},
    {K("webhooks", "subscriptions", KT_OBJLIST, webhooks.subscriptions),
     .noff = offsetof(ne_config, webhooks.nsubscriptions),
     .elems = subscription_keys, .nelems = NELEMS(subscription_keys), .elem_size = sizeof(ne_subscription),
     .desc = "Webhook endpoints: objects with the keys below."},

    {K("metrics", "enabled", KT_BOOL, metrics.enabled), .def = "false",
     .desc = "Serve Prometheus metrics over HTTP."},
    {K("metrics", "listen", KT_STR, metrics.listen), .def = "127.0.0.1:9464", .check = check_listen,
     .desc = "host:port of the metrics endpoint ([v6addr]:port for IPv6)."},
};

/* Sections in file and print order; kafka is handled outside the table. */
static const char *const sections[] = {
    "kafka", "topics", "processing", "dedup", "entities", "quotes", "watchlist", "webhooks", "metrics",
};

/* Defaults of the open kafka section. */
static const struct { const char *key, *value; } kafka_defaults[] = {
    {"bootstrap.servers", "localhost:9092"},
    {"group.id", "newsenrich"},
};

#undef K
#undef P
#undef S
#undef INT_RANGE

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

struct cfg_err {
    char  *buf;
    size_t len;
};

/* Writes the message (if there is somewhere to write it) and returns -1,
 * so error paths read `return fail(e, ...)`. */
__attribute__((format(printf, 2, 3)))
static int fail(struct cfg_err *e, const char *fmt, ...)
{
    if (e->buf && e->len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->buf, e->len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Formats a key path ("webhooks.subscriptions[0].url"). Paths are built
 * from table names and indexes, so they fit; a cut one would still name
 * the key well enough. (A function, so the compiler does not warn about a
 * truncation that cannot happen.) */
__attribute__((format(printf, 3, 4)))
static void path_fmt(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
}

/* A copy of v with its credentials masked: fn is ne_url_redact for a URL,
 * ne_text_redact for text that may hold one. */
static char *xredact(size_t (*fn)(const char *, char *, size_t), const char *v)
{
    size_t n = fn(v, NULL, 0) + 1;
    char *p = ne_xcalloc(n, 1);
    fn(v, p, n);
    return p;
}

#define FIELD(base, k, T) ((T *)((char *)(base) + (k)->off))
#define COUNT(base, k) ((size_t *)((char *)(base) + (k)->noff))

/* Replaces the string in *slot with a copy of v (NULL allowed). */
static void set_str(char **slot, const char *v)
{
    char *copy = v ? ne_xstrdup(v) : NULL;
    free(*slot);
    *slot = copy;
}

static void free_strlist(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

/* 0 if s is well-formed UTF-8. File strings are checked by yajl; this is
 * for text from the environment, which goes into JSON and HTTP headers. */
static int utf8_invalid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, need;
        uint32_t cp;
        if (c < 0x80) { p++; continue; }
        if ((c & 0xE0) == 0xC0) { need = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { need = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { need = 3; cp = c & 0x07; }
        else return -1;
        for (unsigned i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80) return -1;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* overlong forms, surrogates and beyond U+10FFFF */
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return -1;
        p += need + 1;
    }
    return 0;
}

/* Renders s as a quoted JSON string for an error message, cut at about 60
 * bytes (on a UTF-8 boundary) so a huge value cannot drown the message. */
static void quote_for_msg(const char *s, char *out, size_t outlen)
{
    nebuf b = {0};
    size_t len = strlen(s), cut = len;
    if (cut > 60) {
        cut = 60;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    }
    nebuf_json_str(&b, s, cut);
    if (cut < len) nebuf_puts(&b, "...");
    snprintf(out, outlen, "%s", b.p);
    nebuf_free(&b);
}

/* Describes a JSON value for "got ..." in an error message. A secret's
 * value is never shown, only its JSON type. */
static void describe_json(yajl_val v, int secret, char *out, size_t outlen)
{
    if (YAJL_IS_STRING(v)) {
        if (secret) snprintf(out, outlen, "a string");
        else quote_for_msg(v->u.string, out, outlen);
    } else if (YAJL_IS_NUMBER(v)) {
        if (secret) snprintf(out, outlen, "a number");
        else snprintf(out, outlen, "%.60s", YAJL_GET_NUMBER(v));
    } else if (YAJL_IS_TRUE(v)) snprintf(out, outlen, "true");
    else if (YAJL_IS_FALSE(v)) snprintf(out, outlen, "false");
    else if (YAJL_IS_OBJECT(v)) snprintf(out, outlen, "an object");
    else if (YAJL_IS_ARRAY(v)) snprintf(out, outlen, "an array");
    else snprintf(out, outlen, "null");
}

/* "\"a\", \"b\"": the values of a KT_ENUM or KT_FLAGS row. */
static void describe_values(const struct ne_key *k, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; k->values[i] && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s\"%s\"", i ? ", " : "", k->values[i]);
}

/* What a key accepts, for "expected ...". */
static void describe_expected(const struct ne_key *k, char *out, size_t outlen)
{
    size_t used = 0;
    switch (k->type) {
    case KT_STR:
    case KT_SECRET:
        snprintf(out, outlen, (k->flags & KF_NULLABLE) ? "a string or null" : "a string");
        return;
    case KT_INT:
    case KT_LONG: {
        long long top = k->type == KT_INT ? INT_MAX : LONG_MAX;
        if (k->max >= top) snprintf(out, outlen, "an integer >= %lld", k->min);
        else snprintf(out, outlen, "an integer between %lld and %lld", k->min, k->max);
        return;
    }
    case KT_DOUBLE:
        snprintf(out, outlen, "a number %s %g and <= %g", (k->flags & KF_EXCL_MIN) ? ">" : ">=", k->lo, k->hi);
        return;
    case KT_BOOL:
        snprintf(out, outlen, "true or false");
        return;
    case KT_ENUM:
    case KT_FLAGS:
        used = (size_t)snprintf(out, outlen, k->type == KT_ENUM ? "one of " : "an array of values from ");
        if (used < outlen) describe_values(k, out + used, outlen - used);
        return;
    case KT_STRLIST:
        snprintf(out, outlen, (k->flags & KF_NONEMPTY) ? "a non-empty array of strings" : "an array of strings");
        return;
    case KT_OBJLIST:
        snprintf(out, outlen, "an array of objects");
        return;
    }
}

/* Distance between a and b counting insertions, deletions, substitutions
 * and swaps of neighbours (optimal string alignment); large for long words. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAXW = 64 };
    size_t la = strlen(a), lb = strlen(b);
    int d[MAXW + 1][MAXW + 1];
    if (la > MAXW || lb > MAXW) return INT_MAX;
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* A did-you-mean search: the candidate closest to `word` so far. */
struct suggest {
    const char *word;
    const char *best;
    int         dist;
};

/* Keeps cand if it is closer than the best so far and close enough to be a
 * typo: one edit for short names, two for names of six letters or more. */
static void suggest_try(struct suggest *s, const char *cand)
{
    size_t len = strlen(cand);
    int limit = len >= 6 ? 2 : 1;
    int d = edit_distance(s->word, cand);
    if (d <= limit && (!s->best || d < s->dist)) {
        s->best = cand;
        s->dist = d;
    }
}

/* " (did you mean X?)" or "". */
static void suggest_hint(const struct suggest *s, char *out, size_t outlen)
{
    if (s->best) snprintf(out, outlen, " (did you mean %s?)", s->best);
    else if (outlen) out[0] = '\0';
}

static int same_section(const struct ne_key *k, const char *section)
{
    return section ? (k->section && strcmp(k->section, section) == 0) : k->section == NULL;
}

static const struct ne_key *find_key(const struct ne_key *t, size_t n, const char *section, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (same_section(&t[i], section) && strcmp(t[i].name, name) == 0) return &t[i];
    return NULL;
}

static int section_known(const char *name)
{
    for (size_t i = 0; i < NELEMS(sections); i++)
        if (strcmp(sections[i], name) == 0) return 1;
    return 0;
}

/* Strict integer text: optional '-', digits, nothing else. */
static int parse_ll(const char *s, long long *out)
{
    char *end;
    const char *p = s[0] == '-' ? s + 1 : s;
    if (*p < '0' || *p > '9') return -1;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return (errno || *end) ? -1 : 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    if (!*s || isspace((unsigned char)*s)) return -1; /* strtod would skip it */
    errno = 0;
    *out = strtod(s, &end);
    return (errno || *end || !isfinite(*out)) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* String checks (run after env: resolution)                           */
/* ------------------------------------------------------------------ */

/* Contract for every check_*: 0 if acceptable, else -1 and a reason. */

static int check_nonempty(const char *v, char *why, size_t n)
{
    if (*v) return 0;
    snprintf(why, n, "must not be empty");
    return -1;
}

/* Kafka's rule: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
static int check_topic(const char *v, char *why, size_t n)
{
    size_t len = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
    char q[96];
    if (len == strlen(v) && len >= 1 && len <= 249 && strcmp(v, ".") != 0 && strcmp(v, "..") != 0)
        return 0;
    quote_for_msg(v, q, sizeof q);
    snprintf(why, n, "expected a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -), got %s", q);
    return -1;
}

static int check_slug(const char *v, char *why, size_t n)
{
    char q[96];
    if (*v && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(v)) return 0;
    quote_for_msg(v, q, sizeof q);
    snprintf(why, n, "expected a slug of a-z 0-9 -, got %s", q);
    return -1;
}

/* http(s)://host[...], no spaces or control characters: the notifier
 * parses it and puts it on a request line. */
static int check_url(const char *v, char *why, size_t n)
{
    const char *rest = NULL;
    char q[96];
    if (strncasecmp(v, "http://", 7) == 0) rest = v + 7;
    else if (strncasecmp(v, "https://", 8) == 0) rest = v + 8;
    for (const unsigned char *p = (const unsigned char *)v; rest && *p; p++)
        if (*p <= 0x20 || *p == 0x7f) rest = NULL;
    if (rest && *rest && !strchr("/?#", *rest)) return 0;
    /* masked before it is cut to fit: a bad URL may still hold a password */
    char *safe = xredact(ne_url_redact, v);
    quote_for_msg(safe, q, sizeof q);
    free(safe);
    snprintf(why, n, "expected an http:// or https:// URL with a host, got %s", q);
    return -1;
}

/* Standard base64 with padding, at least one byte (one group of four). */
static int base64_valid(const char *s)
{
    size_t len = strlen(s), pad = 0;
    if (len == 0 || len % 4) return 0;
    if (s[len - 1] == '=') pad++;
    if (len >= 2 && s[len - 2] == '=') pad++;
    size_t body = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    return body == len - pad;
}

/* "whsec_<base64>". The value is a secret: the reason never repeats it. */
static int check_whsec(const char *v, char *why, size_t n)
{
    if (strncmp(v, "whsec_", 6) == 0 && base64_valid(v + 6)) return 0;
    snprintf(why, n, "expected \"whsec_\" followed by base64 (value not shown)");
    return -1;
}

/* Goes into an HTTP header: printable, no CR/LF that would split it. */
static int check_header_value(const char *v, char *why, size_t n)
{
    if (!*v) return check_nonempty(v, why, n);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, n, "must not contain control characters");
            return -1;
        }
    return 0;
}

/* host:port or [v6]:port, port 1-65535. */
static int check_listen(const char *v, char *why, size_t n)
{
    const char *colon = strrchr(v, ':');
    char q[96];
    long long port;
    int ok = colon && colon > v && parse_ll(colon + 1, &port) == 0 && port >= 1 && port <= 65535;
    if (ok && v[0] == '[') ok = colon[-1] == ']' && colon - v > 2;
    else if (ok) ok = memchr(v, ':', (size_t)(colon - v)) == NULL; /* bare IPv6 needs brackets */
    if (ok) return 0;
    quote_for_msg(v, q, sizeof q);
    snprintf(why, n, "expected host:port (IPv6 as [addr]:port), got %s", q);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Field access by row                                                 */
/* ------------------------------------------------------------------ */

static void fields_free(const struct ne_key *t, size_t n, void *base);

/* Releases what the field of row k owns and zeroes it. */
static void key_free(const struct ne_key *k, void *base)
{
    switch (k->type) {
    case KT_STR:
    case KT_SECRET:
        set_str(FIELD(base, k, char *), NULL);
        break;
    case KT_STRLIST:
        free_strlist(*FIELD(base, k, char **), *COUNT(base, k));
        *FIELD(base, k, char **) = NULL;
        *COUNT(base, k) = 0;
        break;
    case KT_OBJLIST: {
        char *arr = *FIELD(base, k, char *);
        for (size_t i = 0; i < *COUNT(base, k); i++) fields_free(k->elems, k->nelems, arr + i * k->elem_size);
        free(arr);
        *FIELD(base, k, char *) = NULL;
        *COUNT(base, k) = 0;
        break;
    }
    default:
        break;
    }
}

static void fields_free(const struct ne_key *t, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++) key_free(&t[i], base);
}

/* Range check and store of an integer; `got` is how the value was written. */
static int store_int(const struct ne_key *k, void *base, long long v, const char *path, const char *got,
                     struct cfg_err *e)
{
    char want[128];
    if (v < k->min || v > k->max) {
        describe_expected(k, want, sizeof want);
        return fail(e, "%s: expected %s, got %s", path, want, got);
    }
    if (k->type == KT_INT) *FIELD(base, k, int) = (int)v;
    else *FIELD(base, k, long) = (long)v;
    return 0;
}

static int store_double(const struct ne_key *k, void *base, double v, const char *path, const char *got,
                        struct cfg_err *e)
{
    char want[128];
    int low_ok = (k->flags & KF_EXCL_MIN) ? v > k->lo : v >= k->lo;
    if (!low_ok || v > k->hi) {
        describe_expected(k, want, sizeof want);
        return fail(e, "%s: expected %s, got %s", path, want, got);
    }
    *FIELD(base, k, double) = v;
    return 0;
}

static int enum_index(const struct ne_key *k, const char *s)
{
    for (int i = 0; k->values[i]; i++)
        if (strcmp(k->values[i], s) == 0) return i;
    return -1;
}

/* Sets a scalar field from text: a default from the table or an
 * environment override. `path` names the key (and the variable). */
static int key_set_text(const struct ne_key *k, void *base, const char *text, const char *path,
                        struct cfg_err *e)
{
    char got[96], want[128];
    long long iv;
    double dv;
    int idx;

    if (k->type == KT_SECRET) snprintf(got, sizeof got, "a string");
    else quote_for_msg(text, got, sizeof got);
    switch (k->type) {
    case KT_STR:
    case KT_SECRET:
        set_str(FIELD(base, k, char *), text);
        return 0;
    case KT_INT:
    case KT_LONG:
        if (parse_ll(text, &iv) == 0) return store_int(k, base, iv, path, got, e);
        break;
    case KT_DOUBLE:
        if (parse_double(text, &dv) == 0) return store_double(k, base, dv, path, got, e);
        break;
    case KT_BOOL:
        if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0) { *FIELD(base, k, int) = 1; return 0; }
        if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0) { *FIELD(base, k, int) = 0; return 0; }
        break;
    case KT_ENUM:
        if ((idx = enum_index(k, text)) >= 0) { *FIELD(base, k, int) = idx; return 0; }
        break;
    default:
        return fail(e, "%s: cannot be set from text", path);
    }
    describe_expected(k, want, sizeof want);
    return fail(e, "%s: expected %s, got %s", path, want, got);
}

static int fields_parse(const struct ne_key *t, size_t n, const char *section, void *base, yajl_val obj,
                        const char *path, struct cfg_err *e);
static void fields_defaults(const struct ne_key *t, size_t n, const char *section, void *base);

/* Fills an array of strings (KT_STRLIST) from a JSON array. */
static int strlist_parse(const struct ne_key *k, void *base, yajl_val v, const char *path, struct cfg_err *e)
{
    char want[64], got[96];
    size_t len = v->u.array.len;
    key_free(k, base);
    if ((k->flags & KF_NONEMPTY) && len == 0) {
        describe_expected(k, want, sizeof want);
        return fail(e, "%s: expected %s, got []", path, want);
    }
    char **list = ne_xcalloc(len, sizeof *list);
    *FIELD(base, k, char **) = list;
    for (size_t i = 0; i < len; i++) {
        yajl_val s = v->u.array.values[i];
        if (!YAJL_IS_STRING(s) || !*s->u.string) {
            describe_json(s, 0, got, sizeof got);
            return fail(e, "%s[%zu]: expected a non-empty string, got %s", path, i, got);
        }
        list[i] = ne_xstrdup(s->u.string);
        *COUNT(base, k) = i + 1; /* count what is owned, for the error path */
    }
    return 0;
}

/* Fills a bitmask (KT_FLAGS) from a JSON array of value names. */
static int flags_parse(const struct ne_key *k, void *base, yajl_val v, const char *path, struct cfg_err *e)
{
    char want[128], got[96];
    int mask = 0;
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val s = v->u.array.values[i];
        int idx = YAJL_IS_STRING(s) ? enum_index(k, s->u.string) : -1;
        if (idx < 0) {
            describe_json(s, 0, got, sizeof got);
            describe_values(k, want, sizeof want);
            return fail(e, "%s[%zu]: expected one of %s, got %s", path, i, want, got);
        }
        mask |= 1 << idx;
    }
    *FIELD(base, k, int) = mask;
    return 0;
}

/* Fills an array of structs (KT_OBJLIST): each element starts from the
 * element table's defaults, then takes the JSON object's keys. */
static int objlist_parse(const struct ne_key *k, void *base, yajl_val v, const char *path, struct cfg_err *e)
{
    char epath[256];
    size_t len = v->u.array.len;
    key_free(k, base);
    char *arr = ne_xcalloc(len, k->elem_size);
    *FIELD(base, k, char *) = arr;
    *COUNT(base, k) = len; /* zeroed elements are safe to free */
    for (size_t i = 0; i < len; i++) {
        void *elem = arr + i * k->elem_size;
        path_fmt(epath, sizeof epath, "%s[%zu]", path, i);
        fields_defaults(k->elems, k->nelems, NULL, elem);
        if (fields_parse(k->elems, k->nelems, NULL, elem, v->u.array.values[i], epath, e)) return -1;
    }
    return 0;
}

/* Sets the field of row k from a JSON value, checking its type and range. */
static int key_set_json(const struct ne_key *k, void *base, yajl_val v, const char *path, struct cfg_err *e)
{
    char got[96], want[128];
    int idx;

    describe_json(v, k->type == KT_SECRET, got, sizeof got);
    switch (k->type) {
    case KT_STR:
    case KT_SECRET:
        if (YAJL_IS_NULL(v) && (k->flags & KF_NULLABLE)) { set_str(FIELD(base, k, char *), NULL); return 0; }
        if (YAJL_IS_STRING(v)) { set_str(FIELD(base, k, char *), v->u.string); return 0; }
        break;
    case KT_INT:
    case KT_LONG:
        /* (an integer too large for yajl is not INTEGER: same message) */
        if (YAJL_IS_INTEGER(v)) return store_int(k, base, YAJL_GET_INTEGER(v), path, got, e);
        break;
    case KT_DOUBLE:
        if (YAJL_IS_DOUBLE(v)) return store_double(k, base, YAJL_GET_DOUBLE(v), path, got, e);
        break;
    case KT_BOOL:
        if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) { *FIELD(base, k, int) = YAJL_IS_TRUE(v); return 0; }
        break;
    case KT_ENUM:
        if (YAJL_IS_STRING(v) && (idx = enum_index(k, v->u.string)) >= 0) { *FIELD(base, k, int) = idx; return 0; }
        break;
    case KT_STRLIST:
        if (YAJL_IS_ARRAY(v)) return strlist_parse(k, base, v, path, e);
        break;
    case KT_FLAGS:
        if (YAJL_IS_ARRAY(v)) return flags_parse(k, base, v, path, e);
        break;
    case KT_OBJLIST:
        if (YAJL_IS_ARRAY(v)) return objlist_parse(k, base, v, path, e);
        break;
    }
    describe_expected(k, want, sizeof want);
    return fail(e, "%s: expected %s, got %s", path, want, got);
}

/* Applies the table's defaults to the rows of `section` (NULL: element
 * tables). A default that does not parse is a bug in the table: abort. */
static void fields_defaults(const struct ne_key *t, size_t n, const char *section, void *base)
{
    char msg[256];
    struct cfg_err e = {msg, sizeof msg};
    for (size_t i = 0; i < n; i++) {
        if (!same_section(&t[i], section) || !t[i].def) continue;
        if (key_set_text(&t[i], base, t[i].def, t[i].name, &e)) {
            fprintf(stderr, "config: bad default in the key table: %s\n", msg);
            abort();
        }
    }
}

/* yajl_tree keeps repeated keys; a repeated key in a config is a mistake
 * (which one wins is not obvious), so it is an error. */
static int check_duplicate_keys(yajl_val obj, const char *path, struct cfg_err *e)
{
    for (size_t i = 1; i < obj->u.object.len; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(obj->u.object.keys[i], obj->u.object.keys[j]) == 0)
                return fail(e, "%s%s%s: duplicate key", path, *path ? "." : "", obj->u.object.keys[i]);
    return 0;
}

/* Names an unknown key, with a close match from the same section. */
static int unknown_key(const struct ne_key *t, size_t n, const char *section, const char *name,
                       const char *path, struct cfg_err *e)
{
    struct suggest s = {name, NULL, 0};
    char hint[128];
    for (size_t i = 0; i < n; i++)
        if (same_section(&t[i], section)) suggest_try(&s, t[i].name);
    suggest_hint(&s, hint, sizeof hint);
    return fail(e, "%s.%s: unknown key%s", path, name, hint);
}

/* Sets the fields described by the rows of `section` from a JSON object;
 * then checks the KF_REQUIRED rows were given. */
static int fields_parse(const struct ne_key *t, size_t n, const char *section, void *base, yajl_val obj,
                        const char *path, struct cfg_err *e)
{
    char kpath[320], got[96];
    if (!YAJL_IS_OBJECT(obj)) {
        describe_json(obj, 0, got, sizeof got);
        return fail(e, "%s: expected an object, got %s", path, got);
    }
    if (check_duplicate_keys(obj, path, e)) return -1;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const struct ne_key *k = find_key(t, n, section, obj->u.object.keys[i]);
        if (!k) return unknown_key(t, n, section, obj->u.object.keys[i], path, e);
        path_fmt(kpath, sizeof kpath, "%s.%s", path, k->name);
        if (key_set_json(k, base, obj->u.object.values[i], kpath, e)) return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!same_section(&t[i], section) || !(t[i].flags & KF_REQUIRED)) continue;
        const char *name = t[i].name;
        if (!yajl_tree_get(obj, (const char *[]){name, NULL}, yajl_t_any))
            return fail(e, "%s.%s: missing", path, name);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The kafka section                                                   */
/* ------------------------------------------------------------------ */

const char *ne_config_kafka_get(const ne_config *cfg, const char *key)
{
    for (size_t i = 0; cfg && i < cfg->nkafka; i++)
        if (strcmp(cfg->kafka[i].key, key) == 0) return cfg->kafka[i].value;
    return NULL;
}

void ne_config_kafka_set(ne_config *cfg, const char *key, const char *value)
{
    for (size_t i = 0; i < cfg->nkafka; i++)
        if (strcmp(cfg->kafka[i].key, key) == 0) {
            set_str(&cfg->kafka[i].value, value);
            return;
        }
    cfg->kafka = ne_xrealloc(cfg->kafka, (cfg->nkafka + 1) * sizeof *cfg->kafka);
    cfg->kafka[cfg->nkafka].key = ne_xstrdup(key);
    cfg->kafka[cfg->nkafka].value = ne_xstrdup(value);
    cfg->nkafka++;
}

/* Property names whose values must not be printed: anything with
 * "password", "passphrase" or "secret" in it, keys (ssl.key.pem, *.key),
 * and sasl.oauthbearer.config, which librdkafka also treats as sensitive.
 * Any case: "SASL.PASSWORD" is refused by librdkafka, and its error
 * message must not show the value either. The other values are printed
 * with the credentials of any URL in them masked (ne_config_print). */
static int kafka_key_sensitive(const char *key)
{
    size_t len = strlen(key);
    return strcasestr(key, "password") || strcasestr(key, "passphrase") || strcasestr(key, "secret") ||
           strcasestr(key, "key.pem") || (len >= 4 && strcasecmp(key + len - 4, ".key") == 0) ||
           strcasecmp(key, "sasl.oauthbearer.config") == 0;
}

/* kafka: {"prop": "value" | number | bool}. Numbers keep their JSON text. */
static int kafka_parse(ne_config *cfg, yajl_val obj, struct cfg_err *e)
{
    char got[96];
    if (!YAJL_IS_OBJECT(obj)) {
        describe_json(obj, 0, got, sizeof got);
        return fail(e, "kafka: expected an object, got %s", got);
    }
    if (check_duplicate_keys(obj, "kafka", e)) return -1;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *key = obj->u.object.keys[i];
        yajl_val v = obj->u.object.values[i];
        const char *text;
        if (!*key) return fail(e, "kafka: empty property name");
        if (YAJL_IS_STRING(v)) text = v->u.string;
        else if (YAJL_IS_NUMBER(v)) text = YAJL_GET_NUMBER(v);
        else if (YAJL_IS_TRUE(v)) text = "true";
        else if (YAJL_IS_FALSE(v)) text = "false";
        else {
            describe_json(v, 0, got, sizeof got);
            return fail(e, "kafka.%s: expected a string, number or boolean, got %s", key, got);
        }
        ne_config_kafka_set(cfg, key, text);
    }
    return 0;
}

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

rd_kafka_conf_t *ne_config_kafka_conf(const ne_config *cfg, char *err, size_t errlen)
{
    return ne_config_kafka_conf_except(cfg, NULL, err, errlen);
}

int ne_config_set_commit_interval(rd_kafka_conf_t *conf, const ne_config *cfg, char *err, size_t errlen)
{
    char v[16];
    if (ne_config_kafka_get(cfg, "auto.commit.interval.ms")) return 0;
    snprintf(v, sizeof v, "%d", cfg->processing.commit_interval_ms);
    return rd_kafka_conf_set(conf, "auto.commit.interval.ms", v, err, errlen) == RD_KAFKA_CONF_OK ? 0 : -1;
}

rd_kafka_conf_t *ne_config_kafka_conf_except(const ne_config *cfg, const char *const *skip,
                                             char *err, size_t errlen)
{
    struct cfg_err e = {err, errlen};
    char errstr[512];
    char got[112];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (size_t i = 0; i < cfg->nkafka; i++) {
        const char *key = cfg->kafka[i].key, *value = cfg->kafka[i].value;
        size_t len;
        if (in_list(skip, key)) continue;
        if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) == RD_KAFKA_CONF_OK) continue;
        len = strlen(errstr);
        while (len && (errstr[len - 1] == '\n' || errstr[len - 1] == ' ')) errstr[--len] = '\0';
        /* librdkafka's message does not always show the value; add it
         * unless it is a secret */
        got[0] = '\0';
        if (!kafka_key_sensitive(key) && !strstr(errstr, value)) {
            char q[96], *safe = xredact(ne_text_redact, value);
            quote_for_msg(safe, q, sizeof q);
            free(safe);
            snprintf(got, sizeof got, ", got %s", q);
        }
        /* librdkafka's message may quote the value: mask a URL in it */
        ne_text_redact_inplace(errstr, sizeof errstr);
        fail(&e, "kafka.%s: %s%s", key, errstr, got);
        goto error;
    }
    return conf;

error:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Environment                                                         */
/* ------------------------------------------------------------------ */

/* NEWSENRICH_<SECTION>_<KEY>, upper-cased. */
static void env_name(const struct ne_key *k, char *out, size_t outlen)
{
    path_fmt(out, outlen, ENV_PREFIX "%s_%s", k->section, k->name);
    for (char *p = out; *p; p++) *p = (char)toupper((unsigned char)*p);
}

static int is_scalar(enum key_type t)
{
    return t != KT_STRLIST && t != KT_FLAGS && t != KT_OBJLIST;
}

/* Warns about NEWSENRICH_<SECTION>_<KEY> variables that set nothing (a
 * typo, or an array key): they would otherwise be silently ignored. Not an
 * error, since the environment is shared with everything else. */
static void env_warn_unknown(void)
{
    for (char **ep = environ; *ep; ep++) {
        const char *var = *ep, *eq = strchr(var, '='), *rest;
        if (!eq || strncmp(var, ENV_PREFIX, strlen(ENV_PREFIX)) != 0) continue;
        rest = var + strlen(ENV_PREFIX);
        for (size_t s = 1; s < NELEMS(sections); s++) { /* [0] is kafka: open-ended */
            char upper[32], key[96], hint[128];
            size_t slen = strlen(sections[s]), klen;
            struct suggest sg = {key, NULL, 0};
            const struct ne_key *k;
            for (size_t i = 0; i <= slen; i++) upper[i] = (char)toupper((unsigned char)sections[s][i]);
            if (strncmp(rest, upper, slen) != 0 || rest[slen] != '_') continue;
            klen = (size_t)(eq - (rest + slen + 1));
            if (klen >= sizeof key) break;
            for (size_t i = 0; i < klen; i++) key[i] = (char)tolower((unsigned char)rest[slen + 1 + i]);
            key[klen] = '\0';
            k = find_key(config_keys, NELEMS(config_keys), sections[s], key);
            if (k && is_scalar(k->type)) break;
            if (k) {
                ne_log(NE_LOG_WARN, "config", "%.*s: %s.%s cannot be set from the environment; ignored",
                       (int)(eq - var), var, sections[s], key);
                break;
            }
            for (size_t i = 0; i < NELEMS(config_keys); i++)
                if (same_section(&config_keys[i], sections[s]) && is_scalar(config_keys[i].type))
                    suggest_try(&sg, config_keys[i].name);
            suggest_hint(&sg, hint, sizeof hint);
            ne_log(NE_LOG_WARN, "config", "%.*s: no key %s.%s%s; ignored", (int)(eq - var), var, sections[s], key,
                   hint);
            break;
        }
    }
}

/* Applies NEWSENRICH_<SECTION>_<KEY> to every scalar key, then
 * NEWSENRICH_KAFKA_<PROP> (PROP lower-cased, '_' -> '.') to kafka. */
static int env_apply(ne_config *cfg, struct cfg_err *e)
{
    char name[128], path[256];
    const char *kprefix = ENV_PREFIX "KAFKA_";
    size_t kplen = strlen(kprefix);

    for (size_t i = 0; i < NELEMS(config_keys); i++) {
        const struct ne_key *k = &config_keys[i];
        const char *v;
        if (!is_scalar(k->type)) continue;
        env_name(k, name, sizeof name);
        if (!(v = getenv(name))) continue;
        path_fmt(path, sizeof path, "%s.%s (from %s)", k->section, k->name, name);
        if (utf8_invalid(v)) return fail(e, "%s: not valid UTF-8", path);
        if (key_set_text(k, cfg, v, path, e)) return -1;
    }

    for (char **ep = environ; *ep; ep++) {
        const char *var = *ep, *eq = strchr(var, '=');
        char prop[128];
        size_t plen;
        if (!eq || strncmp(var, kprefix, kplen) != 0) continue;
        plen = (size_t)(eq - var) - kplen;
        if (plen == 0 || plen >= sizeof prop) continue;
        for (size_t j = 0; j < plen; j++) {
            char c = var[kplen + j];
            prop[j] = c == '_' ? '.' : (char)tolower((unsigned char)c);
        }
        prop[plen] = '\0';
        if (utf8_invalid(eq + 1)) return fail(e, "kafka.%s (from %.*s): not valid UTF-8", prop, (int)(eq - var), var);
        ne_config_kafka_set(cfg, prop, eq + 1);
    }

    env_warn_unknown();
    return 0;
}

/* If *slot is "env:NAME", replaces it with $NAME; unset is an error. */
static int resolve_env_ref(char **slot, const char *path, struct cfg_err *e)
{
    const char *name, *v;
    if (!*slot || strncmp(*slot, "env:", 4) != 0) return 0;
    name = *slot + 4;
    if (!*name) return fail(e, "%s: \"env:\" needs a variable name", path);
    if (!(v = getenv(name))) return fail(e, "%s: environment variable %s is not set", path, name);
    if (utf8_invalid(v)) return fail(e, "%s: environment variable %s is not valid UTF-8", path, name);
    set_str(slot, v);
    return 0;
}

/* Calls fn on every string field (KT_STR, KT_SECRET) of the rows of
 * `section`, descending into arrays of objects, with the field's path. */
typedef int (*string_fn)(const struct ne_key *k, char **slot, const char *path, struct cfg_err *e);

static int fields_each_string(const struct ne_key *t, size_t n, const char *section, void *base,
                              const char *path, string_fn fn, struct cfg_err *e)
{
    char kpath[320];
    for (size_t i = 0; i < n; i++) {
        const struct ne_key *k = &t[i];
        if (!same_section(k, section)) continue;
        path_fmt(kpath, sizeof kpath, "%s%s%s", path, *path ? "." : "", k->name);
        if (k->type == KT_STR || k->type == KT_SECRET) {
            if (fn(k, FIELD(base, k, char *), kpath, e)) return -1;
        } else if (k->type == KT_OBJLIST) {
            char *arr = *FIELD(base, k, char *), epath[352];
            for (size_t j = 0; j < *COUNT(base, k); j++) {
                path_fmt(epath, sizeof epath, "%s[%zu]", kpath, j);
                if (fields_each_string(k->elems, k->nelems, NULL, arr + j * k->elem_size, epath, fn, e))
                    return -1;
            }
        }
    }
    return 0;
}

static int config_each_string(ne_config *cfg, string_fn fn, struct cfg_err *e)
{
    for (size_t s = 1; s < NELEMS(sections); s++)
        if (fields_each_string(config_keys, NELEMS(config_keys), sections[s], cfg, sections[s], fn, e))
            return -1;
    return 0;
}

/* string_fn: resolves an env: reference. */
static int resolve_string(const struct ne_key *k, char **slot, const char *path, struct cfg_err *e)
{
    (void)k;
    return resolve_env_ref(slot, path, e);
}

/* string_fn: runs the row's check on a (resolved) value. */
static int check_string(const struct ne_key *k, char **slot, const char *path, struct cfg_err *e)
{
    char why[192];
    if (!*slot) {
        if (k->flags & (KF_NULLABLE | KF_REQUIRED)) return 0; /* required is checked by the parser */
        return fail(e, "%s: missing", path);
    }
    if (k->check && k->check(*slot, why, sizeof why)) return fail(e, "%s: %s", path, why);
    return 0;
}

/* Resolves env: in every string and in the kafka values. */
static int resolve_env_refs(ne_config *cfg, struct cfg_err *e)
{
    char path[192];
    for (size_t i = 0; i < cfg->nkafka; i++) {
        path_fmt(path, sizeof path, "kafka.%s", cfg->kafka[i].key);
        if (resolve_env_ref(&cfg->kafka[i].value, path, e)) return -1;
    }
    return config_each_string(cfg, resolve_string, e);
}

/* ------------------------------------------------------------------ */
/* Derived defaults and cross-key validation                           */
/* ------------------------------------------------------------------ */

/* Values whose default depends on other keys. */
static void derive_defaults(ne_config *cfg)
{
    char buf[64];
    for (size_t i = 0; i < cfg->webhooks.nsubscriptions; i++)
        if (!cfg->webhooks.subscriptions[i].id) {
            snprintf(buf, sizeof buf, "sub-%zu", i);
            cfg->webhooks.subscriptions[i].id = ne_xstrdup(buf);
        }
    if (!cfg->processing.transactional_id) {
        /* Unique per instance (two instances sharing one would fence each
         * other) and stable across its restarts (so a restarted instance
         * fences its own zombie): group and host name. */
        const char *group = ne_config_kafka_get(cfg, "group.id");
        char host[256] = "localhost";
        nebuf b = {0};
        gethostname(host, sizeof host - 1);
        nebuf_printf(&b, "newsenrich-%s-%s", group ? group : "", host);
        cfg->processing.transactional_id = nebuf_detach(&b, NULL);
    }
}

/* Kafka properties, through a throwaway librdkafka conf. */
static int validate_kafka(const ne_config *cfg, struct cfg_err *e)
{
    rd_kafka_conf_t *conf = ne_config_kafka_conf(cfg, e->buf, e->len);
    const char *group = ne_config_kafka_get(cfg, "group.id");
    if (!conf) return -1;
    rd_kafka_conf_destroy(conf);
    /* the service always consumes in a group (offsets, rebalances) */
    if (!group || !*group) return fail(e, "kafka.group.id: must not be empty");
    return 0;
}

/* A topic the service consumes (raw, alerts, changelog, deliveries,
 * subscriptions) must not also be one it writes, or it would read its own
 * output. */
static int validate_topics(const ne_config *cfg, struct cfg_err *e)
{
    static const char *const names[] = {"raw", "alerts", "changelog", "deliveries", "subscriptions", "enriched",
                                        "duplicates", "claims", "dlq", "alerts_dlq"};
    enum { NCONSUMED = 5 };
    const char *v[NELEMS(names)];
    for (size_t i = 0; i < NELEMS(names); i++)
        v[i] = *FIELD(cfg, find_key(config_keys, NELEMS(config_keys), "topics", names[i]), char *);
    for (size_t i = 0; i < NCONSUMED; i++)
        for (size_t j = 0; j < NELEMS(names); j++)
            if (j != i && strcmp(v[i], v[j]) == 0)
                return fail(e, "topics.%s: same topic as topics.%s (\"%s\")", names[j > i ? j : i],
                            names[j > i ? i : j], v[i]);
    return 0;
}

/* Person ids are what subscriptions and alerts refer to: unique. */
static int validate_watchlist(const ne_config *cfg, struct cfg_err *e)
{
    const ne_person *p = cfg->watchlist.people;
    for (size_t i = 0; i < cfg->watchlist.npeople; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(p[i].id, p[j].id) == 0)
                return fail(e, "watchlist.people[%zu].id: duplicate id \"%s\" (also watchlist.people[%zu])", i,
                            p[i].id, j);
    return 0;
}

static int person_exists(const ne_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->watchlist.npeople; i++)
        if (strcmp(cfg->watchlist.people[i].id, id) == 0) return 1;
    return 0;
}

/* Unique ids, people that exist in the watchlist, a sane backoff. */
static int validate_subscriptions(const ne_config *cfg, struct cfg_err *e)
{
    const ne_subscription *s = cfg->webhooks.subscriptions;
    char q[96];
    for (size_t i = 0; i < cfg->webhooks.nsubscriptions; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(s[i].id, s[j].id) == 0)
                return fail(e, "webhooks.subscriptions[%zu].id: duplicate id \"%s\" (also webhooks.subscriptions[%zu])",
                            i, s[i].id, j);
        for (size_t j = 0; j < s[i].npeople; j++)
            if (!person_exists(cfg, s[i].people[j])) {
                quote_for_msg(s[i].people[j], q, sizeof q);
                return fail(e, "webhooks.subscriptions[%zu].people[%zu]: unknown person %s (not in watchlist.people)",
                            i, j, q);
            }
        if (s[i].backoff_max_ms < s[i].backoff_initial_ms)
            return fail(e, "webhooks.subscriptions[%zu].backoff_max_ms: must be >= backoff_initial_ms (%d), got %d", i,
                        s[i].backoff_initial_ms, s[i].backoff_max_ms);
    }
    return 0;
}

int ne_config_check_output_room(long max_record_bytes, size_t enriched_max, const char *enriched_what,
                                size_t dlq_max, const char *dlq_what, char *err, size_t errlen)
{
    size_t max = (size_t)max_record_bytes;
    size_t need = NE_OUTPUT_ROOM_FACTOR * max + 128;
    if (need > enriched_max) {
        snprintf(err, errlen, "processing.max_record_bytes: %zu leaves no room for the enriched event's "
                 "annotations under %s (%zu): an article that size needs up to %zu bytes; set it to at "
                 "most %zu, or raise the limit", max, enriched_what, enriched_max, need,
                 enriched_max > 128 ? (enriched_max - 128) / NE_OUTPUT_ROOM_FACTOR : 0);
        return -1;
    }
    if (max + NE_DEAD_LETTER_ROOM > dlq_max) {
        snprintf(err, errlen, "processing.max_record_bytes: %zu does not fit a dead letter under %s (%zu); "
                 "set it to at most %zu, or raise the limit", max, dlq_what, dlq_max,
                 dlq_max > NE_DEAD_LETTER_ROOM ? dlq_max - NE_DEAD_LETTER_ROOM : 0);
        return -1;
    }
    return 0;
}

/* The producer's message.max.bytes (librdkafka's default 1000000 when
 * kafka.* does not set it) bounds every output. */
static int validate_record_room(const ne_config *cfg, struct cfg_err *e)
{
    const char *v = ne_config_kafka_get(cfg, "message.max.bytes");
    size_t producer_max = v ? (size_t)strtoull(v, NULL, 10) : 1000000;
    const char *what = v ? "kafka.message.max.bytes" : "the producer's message.max.bytes (librdkafka's default)";
    return ne_config_check_output_room(cfg->processing.max_record_bytes, producer_max, what, producer_max,
                                       what, e->buf, e->len);
}

/* Every check that needs the whole, resolved config. */
static int config_validate(ne_config *cfg, struct cfg_err *e)
{
    if (config_each_string(cfg, check_string, e) || validate_kafka(cfg, e) || validate_topics(cfg, e) ||
        validate_record_room(cfg, e) || validate_watchlist(cfg, e) || validate_subscriptions(cfg, e))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/* Every default, nothing derived yet. */
static ne_config *config_new(void)
{
    ne_config *cfg = ne_xcalloc(1, sizeof *cfg);
    for (size_t s = 1; s < NELEMS(sections); s++)
        fields_defaults(config_keys, NELEMS(config_keys), sections[s], cfg);
    for (size_t i = 0; i < NELEMS(kafka_defaults); i++)
        ne_config_kafka_set(cfg, kafka_defaults[i].key, kafka_defaults[i].value);
    return cfg;
}

/* Applies a parsed document: an object of known sections. */
static int config_apply_json(ne_config *cfg, yajl_val root, struct cfg_err *e)
{
    char got[96], hint[128];
    if (!YAJL_IS_OBJECT(root)) {
        describe_json(root, 0, got, sizeof got);
        return fail(e, "config: the top level must be an object, got %s", got);
    }
    if (check_duplicate_keys(root, "", e)) return -1;
    for (size_t i = 0; i < root->u.object.len; i++) {
        const char *name = root->u.object.keys[i];
        yajl_val v = root->u.object.values[i];
        if (strcmp(name, "kafka") == 0) {
            if (kafka_parse(cfg, v, e)) return -1;
        } else if (section_known(name)) {
            if (fields_parse(config_keys, NELEMS(config_keys), name, cfg, v, name, e)) return -1;
        } else {
            struct suggest s = {name, NULL, 0};
            for (size_t j = 0; j < NELEMS(sections); j++) suggest_try(&s, sections[j]);
            suggest_hint(&s, hint, sizeof hint);
            return fail(e, "%s: unknown section%s", name, hint);
        }
    }
    return 0;
}

/* yajl_tree gives a message but no position; a second, callback-free
 * pass with the same options finds the byte offset of the error. */
static void json_error_position(const char *text, size_t len, size_t *line, size_t *col)
{
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    size_t off = len;
    yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse does */
    if (yajl_parse(h, (const unsigned char *)text, len) != yajl_status_ok) off = yajl_get_bytes_consumed(h);
    else if (yajl_complete_parse(h) != yajl_status_ok) off = len;
    yajl_free(h);
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') { (*line)++; *col = 1; }
        else (*col)++;
    }
}

/* A JSON string escape \u0000 would reach yajl_tree as a NUL inside a C
 * string and silently cut the value; refuse it. Every backslash in valid
 * JSON starts a two-character escape, so pairs can be skipped blindly. */
static int has_escaped_nul(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] != '\\') continue;
        if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0) return 1;
        i++;
    }
    return 0;
}

/* The loader: defaults, the text (if any), the environment, env:
 * references, derived defaults, validation. Messages do not repeat the
 * file name: the caller prefixes it (cmd/main.c does). */
static ne_config *config_load(const char *json, size_t len, struct cfg_err *e)
{
    ne_config *cfg = config_new();
    yajl_val root = NULL;
    char *text = NULL;

    if (json) {
        char yerr[512];
        size_t line, col;
        if (memchr(json, '\0', len)) {
            fail(e, "invalid JSON: NUL byte at offset %zu", (size_t)((const char *)memchr(json, '\0', len) - json));
            goto error;
        }
        if (has_escaped_nul(json, len)) {
            fail(e, "invalid JSON: \\u0000 in a string is not allowed");
            goto error;
        }
        /* yajl_tree_parse wants a NUL-terminated text */
        text = ne_xcalloc(len + 1, 1);
        memcpy(text, json, len);
        root = yajl_tree_parse(text, yerr, sizeof yerr);
        if (!root) {
            yerr[strcspn(yerr, "\n")] = '\0'; /* the rest is a caret drawing */
            json_error_position(text, len, &line, &col);
            fail(e, "invalid JSON at line %zu, column %zu: %s", line, col, *yerr ? yerr : "empty document");
            goto error;
        }
        if (config_apply_json(cfg, root, e)) goto error;
    }
    if (env_apply(cfg, e) || resolve_env_refs(cfg, e)) goto error;
    derive_defaults(cfg);
    if (config_validate(cfg, e)) goto error;

    yajl_tree_free(root);
    free(text);
    return cfg;

error:
    yajl_tree_free(root);
    free(text);
    ne_config_free(cfg);
    return NULL;
}

ne_config *ne_config_defaults(void)
{
    ne_config *cfg = config_new();
    derive_defaults(cfg);
    return cfg;
}

ne_config *ne_config_load_string(const char *json, size_t len, char *err, size_t errlen)
{
    struct cfg_err e = {err, errlen};
    if (err && errlen) err[0] = '\0';
    return config_load(json, len, &e);
}

/* Reads a whole file; NULL with the reason in e (path is the caller's to
 * add). */
static char *read_file(const char *path, size_t *len, struct cfg_err *e)
{
    FILE *f = fopen(path, "rb");
    nebuf b = {0};
    char chunk[65536];
    size_t n;
    if (!f) {
        fail(e, "cannot open: %s", strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nebuf_append(&b, chunk, n);
        if (b.len > CONFIG_MAX_FILE_BYTES) {
            fail(e, "larger than %u bytes", CONFIG_MAX_FILE_BYTES);
            goto error;
        }
    }
    if (ferror(f)) {
        fail(e, "cannot read: %s", strerror(errno));
        goto error;
    }
    fclose(f);
    return nebuf_detach(&b, len);

error:
    fclose(f);
    nebuf_free(&b);
    return NULL;
}

ne_config *ne_config_load(const char *path, char *err, size_t errlen)
{
    struct cfg_err e = {err, errlen};
    ne_config *cfg;
    char *text;
    size_t len;

    if (err && errlen) err[0] = '\0';
    if (!path) return config_load(NULL, 0, &e);
    if (!(text = read_file(path, &len, &e))) return NULL;
    cfg = config_load(text, len, &e);
    free(text);
    return cfg;
}

void ne_config_free(ne_config *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < cfg->nkafka; i++) {
        free(cfg->kafka[i].key);
        free(cfg->kafka[i].value);
    }
    free(cfg->kafka);
    fields_free(config_keys, NELEMS(config_keys), cfg);
    free(cfg);
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */
/* ------------------------------------------------------------------ */

static void put_indent(nebuf *b, int depth)
{
    for (int i = 0; i < depth; i++) nebuf_puts(b, "  ");
}

static void put_str(nebuf *b, const char *s)
{
    if (s) nebuf_json_str(b, s, strlen(s));
    else nebuf_puts(b, "null");
}

/* The shortest text that reads back as the same double. */
static void put_double(nebuf *b, double d)
{
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, d);
        if (strtod(s, NULL) == d) break;
    }
    nebuf_puts(b, s);
}

static void fields_print(nebuf *b, const struct ne_key *t, size_t n, const char *section, const void *base,
                         int depth);

/* One row's value, at the current position. */
static void key_print(nebuf *b, const struct ne_key *k, const void *base, int depth)
{
    void *vb = (void *)base; /* FIELD() wants a non-const base; nothing is written */
    switch (k->type) {
    case KT_STR:
        if ((k->flags & KF_URL) && *FIELD(vb, k, char *)) {
            char *safe = xredact(ne_url_redact, *FIELD(vb, k, char *));
            put_str(b, safe);
            free(safe);
        } else {
            put_str(b, *FIELD(vb, k, char *));
        }
        break;
    case KT_SECRET: nebuf_puts(b, *FIELD(vb, k, char *) ? "\"***\"" : "null"); break;
    case KT_INT: nebuf_printf(b, "%d", *FIELD(vb, k, int)); break;
    case KT_LONG: nebuf_printf(b, "%ld", *FIELD(vb, k, long)); break;
    case KT_DOUBLE: put_double(b, *FIELD(vb, k, double)); break;
    case KT_BOOL: nebuf_puts(b, *FIELD(vb, k, int) ? "true" : "false"); break;
    case KT_ENUM: put_str(b, k->values[*FIELD(vb, k, int)]); break;
    case KT_STRLIST: {
        char **list = *FIELD(vb, k, char **);
        nebuf_putc(b, '[');
        for (size_t i = 0; i < *COUNT(vb, k); i++) {
            if (i) nebuf_puts(b, ", ");
            put_str(b, list[i]);
        }
        nebuf_putc(b, ']');
        break;
    }
    case KT_FLAGS: {
        int mask = *FIELD(vb, k, int), first = 1;
        nebuf_putc(b, '[');
        for (int i = 0; k->values[i]; i++)
            if (mask & (1 << i)) {
                if (!first) nebuf_puts(b, ", ");
                put_str(b, k->values[i]);
                first = 0;
            }
        nebuf_putc(b, ']');
        break;
    }
    case KT_OBJLIST: {
        const char *arr = *FIELD(vb, k, char *);
        size_t count = *COUNT(vb, k);
        if (!count) { nebuf_puts(b, "[]"); break; }
        nebuf_puts(b, "[\n");
        for (size_t i = 0; i < count; i++) {
            put_indent(b, depth + 1);
            fields_print(b, k->elems, k->nelems, NULL, arr + i * k->elem_size, depth + 1);
            nebuf_puts(b, i + 1 < count ? ",\n" : "\n");
        }
        put_indent(b, depth);
        nebuf_putc(b, ']');
        break;
    }
    }
}

/* An object of the rows of `section`, opened at the current position. */
static void fields_print(nebuf *b, const struct ne_key *t, size_t n, const char *section, const void *base,
                         int depth)
{
    int first = 1;
    nebuf_puts(b, "{\n");
    for (size_t i = 0; i < n; i++) {
        if (!same_section(&t[i], section)) continue;
        if (!first) nebuf_puts(b, ",\n");
        first = 0;
        put_indent(b, depth + 1);
        put_str(b, t[i].name);
        nebuf_puts(b, ": ");
        key_print(b, &t[i], base, depth + 1);
    }
    nebuf_putc(b, '\n');
    put_indent(b, depth);
    nebuf_putc(b, '}');
}

void ne_config_print(const ne_config *cfg, FILE *out)
{
    nebuf b = {0};
    nebuf_puts(&b, "{\n  \"kafka\": {");
    for (size_t i = 0; i < cfg->nkafka; i++) {
        nebuf_puts(&b, i ? ",\n    " : "\n    ");
        put_str(&b, cfg->kafka[i].key);
        nebuf_puts(&b, ": ");
        if (kafka_key_sensitive(cfg->kafka[i].key)) {
            put_str(&b, NE_REDACTED);
        } else {
            char *safe = xredact(ne_text_redact, cfg->kafka[i].value);
            put_str(&b, safe);
            free(safe);
        }
    }
    nebuf_puts(&b, cfg->nkafka ? "\n  }" : "}");
    for (size_t s = 1; s < NELEMS(sections); s++) {
        nebuf_puts(&b, ",\n  ");
        put_str(&b, sections[s]);
        nebuf_puts(&b, ": ");
        fields_print(&b, config_keys, NELEMS(config_keys), sections[s], cfg, 1);
    }
    nebuf_puts(&b, "\n}\n");
    fwrite(b.p, 1, b.len, out);
    nebuf_free(&b);
}

/* ------------------------------------------------------------------ */
/* One entry: a watchlist person or a webhook subscription            */
/* ------------------------------------------------------------------ */

/* Replaces every pointer field of base (a shallow copy of another
 * struct of the same rows) with a copy of what it points to. */
static void fields_deepen(const struct ne_key *t, size_t n, const char *section, void *base)
{
    for (size_t i = 0; i < n; i++) {
        const struct ne_key *k = &t[i];
        if (!same_section(k, section)) continue;
        switch (k->type) {
        case KT_STR:
        case KT_SECRET: {
            char **slot = FIELD(base, k, char *);
            if (*slot) *slot = ne_xstrdup(*slot);
            break;
        }
        case KT_STRLIST: {
            char **from = *FIELD(base, k, char **), **to = NULL;
            size_t cnt = *COUNT(base, k);
            if (from) {
                to = ne_xcalloc(cnt ? cnt : 1, sizeof *to);
                for (size_t j = 0; j < cnt; j++) to[j] = ne_xstrdup(from[j]);
            }
            *FIELD(base, k, char **) = to;
            break;
        }
        case KT_OBJLIST: {
            const char *from = *FIELD(base, k, char *);
            size_t cnt = *COUNT(base, k);
            char *to = NULL;
            if (from) {
                to = ne_xcalloc(cnt ? cnt : 1, k->elem_size);
                memcpy(to, from, cnt * k->elem_size);
                for (size_t j = 0; j < cnt; j++) fields_deepen(k->elems, k->nelems, NULL, to + j * k->elem_size);
            }
            *FIELD(base, k, char *) = to;
            break;
        }
        default:
            break;
        }
    }
}

ne_config *ne_config_dup(const ne_config *cfg)
{
    ne_config *c = ne_xcalloc(1, sizeof *c);
    *c = *cfg;
    c->kafka = cfg->nkafka ? ne_xcalloc(cfg->nkafka, sizeof *c->kafka) : NULL;
    for (size_t i = 0; i < cfg->nkafka; i++) {
        c->kafka[i].key = ne_xstrdup(cfg->kafka[i].key);
        c->kafka[i].value = ne_xstrdup(cfg->kafka[i].value);
    }
    for (size_t s = 1; s < NELEMS(sections); s++) fields_deepen(config_keys, NELEMS(config_keys), sections[s], c);
    return c;
}

void ne_person_copy(ne_person *dst, const ne_person *src)
{
    *dst = *src;
    fields_deepen(person_keys, NELEMS(person_keys), NULL, dst);
}

void ne_subscription_copy(ne_subscription *dst, const ne_subscription *src)
{
    *dst = *src;
    fields_deepen(subscription_keys, NELEMS(subscription_keys), NULL, dst);
}

void ne_person_clear(ne_person *p)
{
    if (p) fields_free(person_keys, NELEMS(person_keys), p);
}

void ne_subscription_clear(ne_subscription *s)
{
    if (s) fields_free(subscription_keys, NELEMS(subscription_keys), s);
}

/* Parses one element's JSON text into base (zeroed, then the element
 * table's defaults) with the loader's checks of types, ranges, unknown
 * and required keys. */
static int entry_parse(const struct ne_key *t, size_t n, void *base, const char *json, size_t len,
                       const char *path, struct cfg_err *e)
{
    char yerr[512];
    if (!json || !len) return fail(e, "%s: empty", path);
    if (memchr(json, '\0', len)) return fail(e, "%s: invalid JSON: NUL byte", path);
    if (has_escaped_nul(json, len)) return fail(e, "%s: invalid JSON: \\u0000 in a string is not allowed", path);
    char *text = ne_xcalloc(len + 1, 1);
    memcpy(text, json, len);
    yajl_val root = yajl_tree_parse(text, yerr, sizeof yerr);
    int rc;
    if (!root) {
        yerr[strcspn(yerr, "\n")] = '\0';
        rc = fail(e, "%s: invalid JSON: %s", path, *yerr ? yerr : "empty document");
    } else {
        fields_defaults(t, n, NULL, base);
        rc = fields_parse(t, n, NULL, base, root, path, e);
    }
    yajl_tree_free(root);
    free(text);
    return rc;
}

int ne_config_parse_person(const char *json, size_t len, const char *path, ne_person *out, char *err,
                           size_t errlen)
{
    struct cfg_err e = {err, errlen};
    memset(out, 0, sizeof *out);
    if (entry_parse(person_keys, NELEMS(person_keys), out, json, len, path, &e) ||
        fields_each_string(person_keys, NELEMS(person_keys), NULL, out, path, check_string, &e)) {
        ne_person_clear(out);
        return -1;
    }
    return 0;
}

/* The secret of a record on the topic: "env:NAME" or "file:PATH", never
 * the secret itself (a topic is readable by everyone who may consume it,
 * and compaction keeps the record for good). The reference is resolved
 * here, by the instance that reads it. */
static int resolve_secret_ref(char **slot, const char *path, struct cfg_err *e)
{
    if (!*slot) return 0;
    if (strncmp(*slot, "env:", 4) == 0) return resolve_env_ref(slot, path, e);
    if (strncmp(*slot, "file:", 5) != 0)
        return fail(e, "%s: only a reference (\"env:NAME\" or \"file:PATH\") may be given here, never the secret itself",
                    path);
    const char *file = *slot + 5;
    char q[96], *text;
    size_t len;
    struct cfg_err fe = {NULL, 0};
    char why[160];
    if (!*file) return fail(e, "%s: \"file:\" needs a path", path);
    quote_for_msg(file, q, sizeof q);
    fe.buf = why;
    fe.len = sizeof why;
    if (!(text = read_file(file, &len, &fe))) return fail(e, "%s: file %s: %s", path, q, why);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    text[len] = '\0';
    if (memchr(text, '\0', len) || utf8_invalid(text)) {
        free(text);
        return fail(e, "%s: file %s does not hold a text secret", path, q);
    }
    free(*slot);
    *slot = text;
    return 0;
}

int ne_config_parse_subscription(const char *json, size_t len, const char *path, int secret_by_reference,
                                 ne_subscription *out, char *err, size_t errlen)
{
    struct cfg_err e = {err, errlen};
    char kpath[320];
    memset(out, 0, sizeof *out);
    if (entry_parse(subscription_keys, NELEMS(subscription_keys), out, json, len, path, &e)) goto fail;
    path_fmt(kpath, sizeof kpath, "%s.secret", path);
    if (secret_by_reference ? resolve_secret_ref(&out->secret, kpath, &e)
                            : fields_each_string(subscription_keys, NELEMS(subscription_keys), NULL, out, path,
                                                 resolve_string, &e))
        goto fail;
    if (fields_each_string(subscription_keys, NELEMS(subscription_keys), NULL, out, path, check_string, &e))
        goto fail;
    if (out->backoff_max_ms < out->backoff_initial_ms) {
        fail(&e, "%s.backoff_max_ms: must be >= backoff_initial_ms (%d), got %d", path, out->backoff_initial_ms,
             out->backoff_max_ms);
        goto fail;
    }
    return 0;
fail:
    ne_subscription_clear(out);
    return -1;
}

/* The pretty printer's text on one line: every newline in it is
 * structural (strings are escaped), and so is the indentation after it. */
static char *one_line(nebuf *b)
{
    size_t w = 0;
    for (size_t r = 0; r < b->len; r++) {
        if (b->p[r] == '\n') {
            while (r + 1 < b->len && b->p[r + 1] == ' ') r++;
            continue;
        }
        b->p[w++] = b->p[r];
    }
    b->len = w;
    b->p[w] = '\0';
    return nebuf_detach(b, NULL);
}

char *ne_config_person_json(const ne_person *p)
{
    nebuf b = {0};
    fields_print(&b, person_keys, NELEMS(person_keys), NULL, p, 0);
    return one_line(&b);
}

char *ne_config_subscription_json(const ne_subscription *s)
{
    nebuf b = {0};
    fields_print(&b, subscription_keys, NELEMS(subscription_keys), NULL, s, 0);
    return one_line(&b);
}
