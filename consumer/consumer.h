/* consumer — the group consumer of articles.raw and its offset tracker.
 *
 * At-least-once without loss: librdkafka's automatic offset store is off.
 * Each consumed record is tracked until every event it produced has been
 * acknowledged by the broker; only then, and only once every earlier record
 * of its partition is done too, is its offset stored (and committed by the
 * periodic auto-commit, or synchronously on revoke and close). A crash
 * therefore re-delivers unacknowledged records instead of losing them.
 *
 * Rebalances use the cooperative-sticky protocol. Before revoked partitions
 * are given up, the drain callback (the service flushes its producer) lets
 * in-flight work finish, their offsets are stored and committed, and only
 * then are they unassigned. Work still unacknowledged after the drain is
 * left to the next owner, which re-processes it.
 *
 * Backpressure: when more than processing.max_in_flight records await
 * acknowledgement every assigned partition is paused; they resume when the
 * window is half empty. Polling goes on meanwhile, so the group session
 * and rebalances are served.
 */
#ifndef NE_CONSUMER_H
#define NE_CONSUMER_H

#include <librdkafka/rdkafka.h>

#include "common/metrics.h"
#include "config/config.h"

typedef struct ne_consumer ne_consumer;
typedef struct ne_inflight ne_inflight;

/* Called during a revoke to let in-flight work finish (bounded wait). */
typedef void (*ne_drain_fn)(void *ctx);

/* Creates the consumer and subscribes to topics.raw. Defaults for unset
 * properties: partition.assignment.strategy=cooperative-sticky,
 * auto.offset.reset=earliest; enable.auto.offset.store is always false.
 * It reads librdkafka's statistics (every 2 s unless statistics.interval.ms
 * is set) for the lag; with a metrics registry (may be NULL) it reports
 * rebalances, assigned partitions, lag per partition and readiness.
 * NULL with err on failure. */
ne_consumer *ne_consumer_new(const ne_config *cfg, ne_drain_fn drain, void *drain_ctx,
                             ne_metrics *metrics, char *err, size_t errlen);

/* Polls for one record; NULL on timeout. Errors are logged here and
 * returned as NULL, except fatal ones, which make ne_consumer_failed()
 * true. The caller destroys the message. */
rd_kafka_message_t *ne_consumer_poll(ne_consumer *c, int timeout_ms);

/* Starts tracking a consumed record that will produce `nevents` (>= 1)
 * events. The returned handle is the opaque to produce them with. */
ne_inflight *ne_consumer_track(ne_consumer *c, const rd_kafka_message_t *m, int nevents);

/* One event of the record was acknowledged (err 0) or finally failed.
 * A failure pins the partition: no later offset of it is stored, and
 * ne_consumer_failed() becomes true so the service stops and restarts
 * from the last stored offset. */
void ne_consumer_ack(ne_consumer *c, ne_inflight *f, rd_kafka_resp_err_t err);

/* Stores the offsets that became complete since the last call. */
void ne_consumer_store(ne_consumer *c);

/* Pauses (1) or resumes (0) every assigned partition; partitions
 * assigned while paused start paused. No-op when already in that state. */
void ne_consumer_set_paused(ne_consumer *c, int paused);
int  ne_consumer_paused(const ne_consumer *c);

/* Records awaiting acknowledgement. */
long ne_consumer_in_flight(const ne_consumer *c);

/* Partitions currently assigned. */
int ne_consumer_assigned(const ne_consumer *c);

/* Records of the input topic not yet consumed, over the assignment, from
 * librdkafka's last statistics (every statistics.interval.ms, default
 * 2 s); -1 until the first. */
long long ne_consumer_lag(const ne_consumer *c);

/* Non-zero after a delivery failure or a fatal consumer error. */
int ne_consumer_failed(const ne_consumer *c);

/* Stores what is complete, commits synchronously and leaves the group.
 * Returns 0 when the commit succeeded (or there was nothing to commit). */
int ne_consumer_close(ne_consumer *c);

rd_kafka_t *ne_consumer_handle(ne_consumer *c);

/* Frees the consumer (closing it first if needed). Accepts NULL. */
void ne_consumer_free(ne_consumer *c);

#endif
