/* delivered — the notifier's bounded memory of delivered webhooks: a set
 * of keys "<subscription id>/<webhook-id>" with a fixed capacity, the
 * oldest forgotten first. No I/O: notifier.c fills it from
 * topics.deliveries at start-up and from its own 2xx answers, and asks it
 * before posting an alert.
 *
 * Why a set that forgets: what it must cover is what a restart re-reads,
 * the alerts after a partition's last committed offset (a commit interval's
 * worth, or more behind an alert a failing endpoint holds back) and the
 * alerts an enricher re-produces after its own crash. Both are recent, so
 * the newest N ids are enough, and N bounds both the memory and the
 * start-up read (the last N records of the topic, not all of it).
 *
 * Ownership: the set owns copies of its keys; callers keep their buffers.
 * Threads: none of its own; one thread at a time (the notifier's).
 */
#ifndef NE_DELIVERED_H
#define NE_DELIVERED_H

#include <stddef.h>

typedef struct ne_delivered ne_delivered;

/* A set that holds at most `capacity` (>= 1) keys. */
ne_delivered *ne_delivered_new(size_t capacity);

/* Adds a key (bytes; may hold any byte). Returns 1 when added (forgetting
 * the oldest key if the set was full), 0 when it was there already (its
 * age is not renewed: the first delivery is what it records). */
int ne_delivered_add(ne_delivered *s, const char *key, size_t len);

/* 1 when the key is in the set, else 0. */
int ne_delivered_has(const ne_delivered *s, const char *key, size_t len);

size_t ne_delivered_count(const ne_delivered *s);

/* Keys forgotten to make room, since ne_delivered_new(). */
long ne_delivered_forgotten(const ne_delivered *s);

/* Accepts NULL. */
void ne_delivered_free(ne_delivered *s);

/* Writes the key of a delivery, "<subscription id>/<webhook-id>", into out
 * (NUL-terminated) and returns its length, or -1 when it does not fit.
 * '%' and '/' in the subscription id are written %25 and %2F, so no two
 * (subscription, webhook-id) pairs share a key; webhook-ids are printable
 * ASCII and go as they are. */
int ne_delivered_key(char *out, size_t outlen, const char *subscription_id, const char *webhook_id);

#endif
