/* dedup — exact and near duplicates, story grouping and claim novelty,
 * over state that is bounded, rebuilt from a compacted changelog on start
 * and shared between instances (design and race window: enrichers/dedup/DEDUP.md).
 *
 * The stage runs at two points of the chain:
 *   "dedup"         right after "text": exact and near duplicates. An exact
 *                   duplicate ends the chain (it is not enriched again);
 *   "dedup.claims"  after entities and quotes: claim novelty (new,
 *                   first_seen), the story id, then the article and its new
 *                   claims are stored and their changelog records queued.
 * Both halves share one state (ne_dedup_state); the pipeline hands the
 * second half the first half's state.
 *
 * Decisions (all deterministic for a given state and article):
 *  - exact: the normalised body (case, whitespace, punctuation, quote-mark
 *    style folded) hashes equal and the shingle sketches agree; only
 *    identical normalised bodies are exact;
 *  - update: a new version of a stored article: the same id with another
 *    body, or the same canonical URL with another body at least
 *    dedup.near_threshold similar (the URL is kept as a 12-bit slot
 *    fingerprint only, so the texts confirm it). Enriched in full; its
 *    duplicate_of is the version it updates (published as update_of), and
 *    claim novelty counts that version's claims as seen;
 *  - near: a MinHash LSH candidate (4-word shingles, 5 bands of 2 rows)
 *    whose estimated shingle similarity (Jaccard, or containment of a
 *    trimmed copy) reaches dedup.near_threshold;
 *  - a stored entry with the same article id and body is the same article
 *    (a redelivery): never a duplicate of itself, and only entries stored
 *    before it are considered, so a redelivery repeats its first decision.
 *
 * Ownership: the state owns everything in it; strings it puts into a
 * document are malloc'd and owned by the document.
 * Memory: allocations abort when memory runs out (common/xalloc.h), so no
 * function here fails for memory; -1 means bad input only.
 * Threads: one thread at a time (the pipeline's).
 */
#ifndef NE_DEDUP_H
#define NE_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "enrichers/pipeline/doc.h"

typedef struct ne_dedup_state ne_dedup_state;

/* Stage hooks. create() returns an ne_dedup_state, never NULL (err is
 * not written); process() is the early half, finish() the late half, and
 * both return 0 (the int is the stage hook's signature: they cannot
 * fail); destroy() accepts NULL. With dedup.enabled false every article
 * is unique, its own story, and every claim new (first seen in it). */
void *ne_dedup_create(const ne_config *cfg, char *err, size_t errlen);
int   ne_dedup_process(void *state, ne_doc *doc);
int   ne_dedup_finish(void *state, ne_doc *doc);
void  ne_dedup_destroy(void *state);

/* Whether doc is probably an exact copy, by its body's bytes, of an
 * article the state stored under another id: a hint for a worker thread,
 * which may then leave the stages an exact duplicate does not need to the
 * pipeline's own thread (pipeline.h, ne_stage.hint). process() decides;
 * the hint only says where the work is likely wasted. Safe to call from
 * any thread while the state's own thread works on it: it reads nothing
 * but the state's table of recently stored bodies, whose slots are
 * atomic. 0 with dedup off. */
int   ne_dedup_probably_exact(const void *state, const ne_doc *doc);

/* The changelog records queued by the last finish() (one per stored
 * article and per new claim). The array and its bytes belong to the state
 * and stay valid until the next process()/finish()/apply(). Key and value
 * format: enrichers/dedup/DEDUP.md. */
typedef struct ne_dedup_record {
    const char *key;   size_t key_len;
    const char *value; size_t value_len;
} ne_dedup_record;
size_t ne_dedup_records(ne_dedup_state *s, ne_dedup_record *out, size_t max);

/* Applies one changelog record (from this instance or another). Idempotent:
 * a record already reflected in the state changes nothing. A tombstone
 * (value NULL) or an unknown key prefix is ignored. Returns 0, or -1 when
 * the value is malformed (the record is skipped; the caller logs), or
 * when its generation cannot take it (an arena past 32-bit offsets). */
int ne_dedup_apply(ne_dedup_state *s, const char *key, size_t key_len,
                   const char *value, size_t len);

/* When alerts of the last finish() were created (RFC 3339): the time the
 * quote's claim was first processed, so a redelivery repeats it. Writes
 * into out[32]; falls back to now. */
void ne_dedup_claim_created_at(const ne_dedup_state *s, size_t quote_index, char out[32]);

/* Replaces the clock (unix seconds) for tests and benchmarks; NULL
 * restores the wall clock. */
void ne_dedup_set_clock(ne_dedup_state *s, int64_t (*now)(void *ctx), void *ctx);

typedef struct ne_dedup_stats {
    uint64_t articles, claims;          /* entries stored now */
    uint64_t exact, near, unique, redelivered, updates;
    uint64_t claims_new, claims_seen;
    uint64_t applied, apply_known, apply_bad;
    uint64_t story_joined;
    size_t   bytes_index;               /* article entries, fingerprint tables, ids */
    size_t   bytes_story;               /* story features and their table */
    size_t   bytes_story_records;       /* of bytes_story: features kept in article records
                                           (those the table did not take) */
    size_t   bytes_claims;              /* claim entries, trigrams, table */
} ne_dedup_stats;

void ne_dedup_get_stats(const ne_dedup_state *s, ne_dedup_stats *st);

/* ---- alerts (dedup_alerts.c) ------------------------------------------ */

/* Renders the alerts of doc's new claims that involve a watched person,
 * one per subscription asking for that person (role filter applied), and
 * calls emit(ctx, key, value, len) for each (key = alert_id; value is a
 * NUL-terminated JSON object the callee copies). It reads the document
 * alone: the claims stage wrote each quote's is_new, claim_id and
 * created_at (the time the claim was first processed, so a redelivery
 * repeats it; now when absent). Returns the number of alerts. */
typedef void (*ne_alert_emit_fn)(void *ctx, const char *key, const char *value, size_t len);
size_t ne_alerts_emit(const ne_config *cfg, const ne_doc *doc, ne_alert_emit_fn emit, void *ctx);

/* The deterministic alert id: 32 hex digits of a hash of (subscription
 * id, claim id, person id). */
void ne_alert_id(const char *sub_id, const char *claim_id, const char *person_id, char out[33]);

#endif
