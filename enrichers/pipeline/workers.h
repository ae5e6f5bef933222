/* workers — the chain's first half on worker threads, records back in order.
 *
 * Most of an article's cost is in stages that depend on the article alone
 * (text, entities, quotes: about three quarters of the chain). A pool of
 * threads prepares records with them (ne_pipeline_prepare, each thread
 * with a worker of its own), while the thread that owns the pipeline
 * finishes them (ne_pipeline_finish: dedup, claim novelty, rendering) in
 * the order they were submitted. So the dedup state has one writer, and
 * the events and offsets come out in the order of the input, exactly as
 * with ne_pipeline_process.
 *
 *     ne_workers *w = ne_workers_new(p, 2, err, sizeof err);
 *     while (record) {
 *         if (!ne_workers_full(w)) ne_workers_submit(w, bytes, len, &src, msg);
 *         while ((msg = ne_workers_finish(w, 0, &out, &outcome))) publish(out), free(msg);
 *     }
 *
 * Only the owning thread calls these functions.
 */
#ifndef NE_WORKERS_H
#define NE_WORKERS_H

#include "enrichers/pipeline/pipeline.h"

typedef struct ne_workers ne_workers;

/* The number of threads processing.threads asks for: itself, or one per
 * online core for 0 (at most 4). 1 means no pool: ne_pipeline_process on the caller's
 * thread. */
int ne_workers_count(const ne_config *cfg);

/* Starts nthreads (>= 1) threads, each with its own states of the
 * unordered stages, and room for a few records per thread. The pipeline
 * must outlive the pool. NULL with err when a stage or a thread cannot
 * start. */
ne_workers *ne_workers_new(ne_pipeline *p, int nthreads, char *err, size_t errlen);

/* Stops the threads and frees the pool. Records still pending are
 * dropped: take them back first (ne_workers_finish or ne_workers_drop)
 * when their ctx owns something. Accepts NULL. */
void ne_workers_free(ne_workers *w);

/* ne_pipeline_reconfigure for every thread's states (pipeline.h): only
 * with nothing pending, so that every thread waits for work meanwhile (the
 * next submit, under the pool's lock, publishes the change to it). 0, or
 * -1 with err: pending records, or a stage that failed (threads reconfigured
 * before it keep the new config: the caller keeps both alive). */
int ne_workers_reconfigure(ne_workers *w, const ne_config *cfg, char *err, size_t errlen);

/* Non-zero when no more records can be submitted until one is taken back. */
int ne_workers_full(const ne_workers *w);

/* Records submitted and not yet taken back. */
size_t ne_workers_pending(const ne_workers *w);

/* Queues a record for preparation; the pool must not be full. bytes and
 * src (its strings too) are not copied: they stay valid until the record
 * is taken back, which is what ctx (returned then, never NULL) is for. */
void ne_workers_submit(ne_workers *w, const char *bytes, size_t len, const ne_origin *src, void *ctx);

/* Takes back the oldest record once it is prepared, waiting up to
 * timeout_ms for that (0: not at all; -1: as long as it takes), finishes it into `out` and sets
 * *outcome. Returns its ctx; NULL when nothing is pending or the oldest is
 * not ready in time. */
void *ne_workers_finish(ne_workers *w, int timeout_ms, ne_outbox *out, enum ne_outcome *outcome);

/* Takes back the oldest record without finishing it (a service that
 * stops after a failure, whose records are consumed again on restart):
 * waits for its worker if one holds it. Returns its ctx, NULL when none is
 * pending. */
void *ne_workers_drop(ne_workers *w);

#endif
