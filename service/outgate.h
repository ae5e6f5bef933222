/* outgate — at least once, an input record's events become visible only
 * after the dedup changelog records produced before them are acknowledged.
 *
 * Why: a re-delivered article is judged again against the state rebuilt
 * from the changelog (enrichers/dedup/DEDUP.md, "Redelivery"). When its first
 * attempt's outputs were acknowledged but its changelog record was not
 * (the process killed between the two acknowledgements: the record goes
 * to another partition, in another batch or request), the restart knows
 * nothing of the first attempt, and articles of other partitions that it
 * processes first can change the decision (another duplicate_of, a quote
 * new again). The same holds for an article whose decision depends on an
 * earlier article's record (an exact copy has no record of its own).
 * So every record's changelog events are produced at once, and its other
 * events are held until every changelog event produced so far, its own
 * and the earlier records', is acknowledged: an output that can be seen
 * implies that the state it was decided against is durable.
 *
 * Cost: the outputs of a record leave one changelog acknowledgement later
 * (linger.ms + the broker's answer: p50 21 -> 42 ms at 100 articles/s),
 * and the service's loop must serve delivery reports soon while events
 * are held (it polls the consumer for at most GATE_POLL_MS then). Exactly
 * once needs no gate (the transaction makes the outputs and the changelog
 * visible together).
 *
 * Threads: the service's polling thread only (delivery reports are served
 * there). Ownership: held events belong to the gate.
 */
#ifndef NE_OUTGATE_H
#define NE_OUTGATE_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "enrichers/pipeline/pipeline.h"

typedef struct ne_outgate ne_outgate;

/* Produces one event with an opaque (ne_producer_send). */
typedef rd_kafka_resp_err_t (*ne_outgate_send_fn)(void *ctx, const ne_event *ev, void *opaque);
/* An event of the record `opaque` could not be enqueued when it was
 * released: the caller acknowledges it as failed (as for any event). */
typedef void (*ne_outgate_fail_fn)(void *ctx, const ne_event *ev, void *opaque, rd_kafka_resp_err_t err);

ne_outgate *ne_outgate_new(ne_outgate_send_fn send, ne_outgate_fail_fn fail, void *ctx);

/* Publishes one record's events (the outbox is emptied; its events are
 * sent or held): the changelog events at once, each with a ticket as its
 * opaque (hand the ticket back to ne_outgate_changelog_done()), the others
 * with `record` as their opaque, at once when no changelog event is
 * outstanding, else when ne_outgate_release() finds the ones before them
 * acknowledged. Returns 0, or -1 when an event could not be enqueued
 * (fail was called for it). */
int ne_outgate_publish(ne_outgate *g, ne_outbox *ob, void *record);

/* A changelog event's delivery report: records the acknowledgement (a
 * failed one is never counted, so nothing after it is released) and
 * returns the record's opaque, which the caller acknowledges as usual. */
void *ne_outgate_changelog_done(ne_outgate *g, void *ticket, rd_kafka_resp_err_t err);

/* Sends the held events whose changelog events are all acknowledged.
 * Safe to call from a delivery report (a nested call returns at once).
 * Returns the number of events sent. */
size_t ne_outgate_release(ne_outgate *g);

/* Events held now. */
size_t ne_outgate_held(const ne_outgate *g);

/* Frees the gate and the events it still holds, unsent (their records are
 * not acknowledged, so not committed: they are consumed again). Accepts
 * NULL. */
void ne_outgate_free(ne_outgate *g);

#endif
