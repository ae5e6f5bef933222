/* changelog — reads a compacted topic from the beginning and hands every
 * record to an apply function, then follows it: state shared by every
 * instance like a Kafka Streams GlobalKTable. Two topics are read so:
 * topics.changelog, from which a service instance rebuilds its dedup state
 * on start and then follows the inserts of every other instance, and
 * topics.subscriptions, the live watchlist and subscriptions
 * (consumer/subs.h).
 *
 * It is its own librdkafka consumer, outside the consumer group: it
 * assigns every partition of the topic at OFFSET_BEGINNING and never
 * commits (the kafka.* group properties are left out of its config).
 * Records the instance itself produced come back too: those carrying the
 * origin given to ne_changelog_skip_origin() are passed over unparsed
 * (the state holds them already); apply must still be idempotent
 * (ne_dedup_apply is), for records of an earlier run of this instance.
 *
 * Typical use in the service (single-threaded: apply runs inside the
 * calls below, on the caller's thread):
 *   cl = ne_changelog_new(cfg, apply, state, err, sizeof err);
 *   ne_changelog_catch_up(cl, timeout_ms);   before consuming articles
 *   loop: ne_changelog_poll(cl);             every iteration, non-blocking
 *   ne_changelog_free(cl);
 *
 * Ownership: the reader belongs to the caller; ctx is not owned.
 */
#ifndef NE_CHANGELOG_H
#define NE_CHANGELOG_H

#include <stddef.h>

#include "config/config.h"

typedef struct ne_changelog ne_changelog;

/* Applies one record (value NULL for a tombstone). A non-zero return is
 * counted as a bad record and skipped (a malformed record must not stop
 * the service). */
typedef int (*ne_changelog_apply_fn)(void *ctx, const char *key, size_t key_len,
                                     const char *value, size_t len);

typedef struct ne_changelog_opts {
    const char *topic;   /* the compacted topic to read */
    const char *what;    /* names the reader in logs ("changelog", "subscriptions") */
    int create;          /* create the topic when missing: one partition,
                            cleanup.policy=compact (the cluster's replication) */
} ne_changelog_opts;

/* Creates the reader and assigns every partition of opts->topic from the
 * beginning. NULL with a message in err when the topic does not exist (and
 * is not to be, or cannot be, created) or the client cannot be created. */
ne_changelog *ne_changelog_new(const ne_config *cfg, const ne_changelog_opts *opts,
                               ne_changelog_apply_fn apply, void *ctx, char *err, size_t errlen);

/* The topic's partition count. */
int ne_changelog_partitions(const ne_changelog *cl);

/* Records whose NE_CHANGELOG_ORIGIN_HEADER equals origin (copied) are
 * counted and not applied: this process wrote them from its own state.
 * NULL applies everything. */
void ne_changelog_skip_origin(ne_changelog *cl, const char *origin);

/* Applies records until every partition reached the high watermark it
 * had when the reader was created. Returns 0 when caught up, -1 when
 * timeout_ms passed first (the state is then partial; the caller decides
 * whether to go on). */
int ne_changelog_catch_up(ne_changelog *cl, int timeout_ms);

/* Applies whatever has arrived, without blocking. Returns the number of
 * records applied. */
long ne_changelog_poll(ne_changelog *cl);

typedef struct ne_changelog_stats {
    long records, bad, tombstones;
    long own;   /* records of this process, passed over (not in records) */
    int  caught_up;
} ne_changelog_stats;

void ne_changelog_get_stats(const ne_changelog *cl, ne_changelog_stats *st);

/* Closes the consumer. Accepts NULL. */
void ne_changelog_free(ne_changelog *cl);

#endif
