/* overlay — the live watchlist and subscriptions: what the compacted topic
 * topics.subscriptions says, laid over the configuration file's.
 *
 * The topic's records (README.md, "Managing the watchlist live"):
 *   key   "person:<id>"        value: one watchlist.people element's JSON
 *         "subscription:<id>"  value: one webhooks.subscriptions element's
 *                              JSON, its secret only as "env:NAME" or
 *                              "file:PATH" (schemas/subscriptions.schema.json)
 *   a tombstone (no value) deletes the entry of that key.
 * The kind is in the key so that a person and a subscription may share an
 * id, and so that compaction keeps the last record of each entry; the
 * value's "id", when given, must equal the key's.
 *
 * Merging (ne_overlay_merge): the file's entries are the seed. An entry of
 * the topic replaces the file's entry of the same kind and id, in place
 * (the file's order is kept); a tombstone removes it, even when the file
 * has it (removing a person from the file later is then no change); the
 * topic's other entries follow the file's, in the order they first
 * appeared. A record that is refused (bad key, bad JSON, an invalid entry,
 * a clear secret, a reference that does not resolve) changes nothing: the
 * entry keeps its previous state.
 *
 * A subscription may name a person who is not (or no longer) on the
 * merged watchlist: the record is accepted, since the topic's records can
 * arrive in any order, and the subscription receives nothing about that
 * person until they are added (ne_overlay_unknown_person finds them to log).
 *
 * Pure: no Kafka, no threads; the caller serialises access.
 * Ownership: the overlay owns its entries; a merged config is the caller's
 * (ne_config_free) and holds no pointer into the overlay or the seed.
 */
#ifndef NE_OVERLAY_H
#define NE_OVERLAY_H

#include <stddef.h>

#include "config/config.h"

enum ne_entry_kind { NE_ENTRY_PERSON = 1, NE_ENTRY_SUBSCRIPTION = 2 };

/* The key of an entry: "person:<id>" or "subscription:<id>". Returns the
 * length, or -1 when it does not fit outlen (with the NUL). */
int ne_overlay_key(enum ne_entry_kind kind, const char *id, char *out, size_t outlen);

/* Parses a key. Returns the kind and copies the id into id (NUL
 * terminated), or 0 when the key is neither kind, has an empty id, holds
 * a NUL or does not fit idlen. */
enum ne_entry_kind ne_overlay_parse_key(const char *key, size_t len, char *id, size_t idlen);

typedef struct ne_overlay ne_overlay;

ne_overlay *ne_overlay_new(void);
void ne_overlay_free(ne_overlay *ov);   /* accepts NULL */

/* Applies one record of the topic (value NULL: a tombstone). Returns 1
 * when the overlay changed, 0 when the record changed nothing (the same
 * entry again), -1 when it was refused: err then says why, naming the
 * key and never a secret's value. */
int ne_overlay_apply(ne_overlay *ov, const char *key, size_t key_len, const char *value, size_t len, char *err,
                     size_t errlen);

/* Entries the topic holds (tombstones not counted), by kind. */
size_t ne_overlay_count(const ne_overlay *ov, enum ne_entry_kind kind);

/* Whether the topic's last word on (kind, id) is a tombstone, an entry,
 * or nothing: -1 deleted, 1 present, 0 never seen. */
int ne_overlay_state(const ne_overlay *ov, enum ne_entry_kind kind, const char *id);

/* A new configuration: `seed` with the overlay laid over its watchlist and
 * subscriptions (see above); everything else copied from seed. */
ne_config *ne_overlay_merge(const ne_overlay *ov, const ne_config *seed);

/* Calls fn for each person a subscription of cfg names who is not on
 * cfg's watchlist (to log them). Returns how many there were. */
size_t ne_overlay_unknown_people(const ne_config *cfg,
                                 void (*fn)(void *ctx, const char *subscription_id, const char *person_id),
                                 void *ctx);

#endif
