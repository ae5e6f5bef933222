/* delivery — the HTTP side of the notifier: one libcurl multi handle that
 * delivers signed webhooks to every subscription concurrently, with
 * retries, a circuit breaker per endpoint and the address guard.
 *
 * A job is one alert for one subscription. It lives in exactly one place:
 * the timer heap (waiting for its first or next attempt), its endpoint's
 * ready queue (due, waiting for a free slot), or in flight. Each endpoint
 * has its own in-flight limit (webhooks.per_endpoint_in_flight) and ready
 * queue, so a slow or dead endpoint only ever uses its own slots and never
 * delays another's deliveries.
 *
 * Every job ends exactly once, reported through the done callback:
 * delivered (a 2xx), dead (give up: the owner dead-letters it; the result
 * says why and carries the last status and error) or cancelled (the owner
 * asked, or the engine is freed: the owner will see the alert again).
 *
 *   attempt result           next step
 *   2xx                      delivered
 *   network error, timeout,  retry after ne_retry_delay_ms() (Retry-After wins),
 *   408, 429, 5xx            dead "attempts_exhausted" after max_attempts requests
 *   410                      dead "gone"; the subscription is disabled (loud log)
 *                            and its other jobs die "gone" too
 *   other 3xx/4xx            dead "rejected"
 *   refused address          dead "forbidden_address" (ne_addr_refusal)
 *   breaker open             no request, no attempt: the job waits for the breaker
 *                            to let one through
 *   max_age_ms passed        dead "max_age_exceeded" (checked whenever the job
 *                            would wait again; its waits end at the deadline)
 *
 * The address guard runs in libcurl's open-socket callback, on the address
 * libcurl actually connects to: no second resolution, so DNS rebinding
 * cannot slip a private address past the check. Proxies from the
 * environment are ignored for the same reason. TLS peers are verified;
 * redirects are not followed.
 *
 * Not thread-safe: one thread owns the engine and calls everything,
 * including the done callback, which runs inside ne_delivery_run(),
 * ne_delivery_cancel_if() and ne_delivery_free().
 */
#ifndef NE_DELIVERY_H
#define NE_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "common/metrics.h"
#include "config/config.h"
#include "notifier/webhook.h"

typedef struct ne_delivery ne_delivery;

enum ne_job_end { NE_JOB_DELIVERED, NE_JOB_DEAD, NE_JOB_CANCELLED };

typedef struct ne_job_result {
    enum ne_job_end end;
    const char *subscription_id;
    const char *webhook_id;
    const char *reason;    /* DEAD: attempts_exhausted, max_age_exceeded, rejected, gone,
                            * forbidden_address, unsubscribed; NULL otherwise */
    const char *error;     /* human-readable last error ("" when delivered) */
    long status;           /* last HTTP status; 0 when no response ever came */
    int  attempts;         /* real requests made (breaker refusals are not attempts) */
    int64_t queued_ms;     /* time from submit to the end */
} ne_job_result;

/* The pointers in `r` are valid only during the call. */
typedef void (*ne_job_done_fn)(void *ctx, void *opaque, const ne_job_result *r);

enum ne_submit {
    NE_SUBMIT_QUEUED,      /* accepted: done will be called for it */
    NE_SUBMIT_UNKNOWN,     /* no subscription with that id */
    NE_SUBMIT_DISABLED,    /* the subscription answered 410 and is disabled */
    NE_SUBMIT_FILTERED,    /* the subscription does not want this person or role */
    NE_SUBMIT_SHED,        /* the endpoint's breaker is open and its backlog is at
                            * its share (max_pending / 4): dead-letter at once
                            * rather than let one dead endpoint fill the window */
};

const char *ne_submit_name(enum ne_submit s);

/* Counters, cumulative since ne_delivery_new(). */
typedef struct ne_delivery_stats {
    long delivered, dead, cancelled;
    long attempts, failed_attempts; /* real requests, and those that failed */
    long breaker_refusals;          /* tries held back by an open breaker */
    long pending, in_flight;
} ne_delivery_stats;

/* Creates the engine with the subscriptions of cfg->webhooks (copied: cfg
 * may be freed afterwards). NULL with err filled on failure (a secret that
 * does not decode, libcurl failing to start). */
ne_delivery *ne_delivery_new(const ne_config *cfg, ne_job_done_fn done, void *ctx,
                             char *err, size_t errlen);

/* Applies a new webhooks section (SIGHUP): subscriptions are matched by
 * id; changed settings apply to the next attempt; new ones start empty;
 * removed ones are disabled and their jobs end dead "unsubscribed". A
 * subscription disabled by a 410 comes back only if its url changed.
 * On error (a bad secret) nothing changes and -1 is returned. */
int ne_delivery_reconfigure(ne_delivery *d, const ne_config *cfg, char *err, size_t errlen);

/* Queues the first attempt of `a` to its subscription, now. Copies the id
 * and body. Anything but NE_SUBMIT_QUEUED means the job was not taken and
 * done will not be called. */
enum ne_submit ne_delivery_submit(ne_delivery *d, const ne_alert *a, void *opaque);

/* One round of work: starts due attempts, serves transfers, ends jobs.
 * Waits at most timeout_ms for network activity or the next due retry, or
 * until one of `wake_fds` (may be NULL) is readable — the owner's Kafka
 * queues signal through them. Returns the number of jobs ended. */
int ne_delivery_run(ne_delivery *d, int timeout_ms, const int *wake_fds, int nwake);

/* Stops (1) or allows (0) new attempts; transfers in flight go on. Used
 * on shutdown, to let in-flight requests finish without starting more. */
void ne_delivery_set_draining(ne_delivery *d, int draining);

/* Cancels every job not in flight whose opaque satisfies pred (done is
 * called with NE_JOB_CANCELLED). In-flight jobs end normally. */
void ne_delivery_cancel_if(ne_delivery *d, int (*pred)(void *opaque, void *arg), void *arg);

long ne_delivery_pending(const ne_delivery *d);
long ne_delivery_in_flight(const ne_delivery *d);
void ne_delivery_get_stats(const ne_delivery *d, ne_delivery_stats *st);

/* Reports attempts (by status class), retries and final outcomes to a
 * metrics registry (NULL: none). */
void ne_delivery_set_metrics(ne_delivery *d, ne_metrics *m);

/* Logs one line per subscription: state, breaker, counters. */
void ne_delivery_log_status(const ne_delivery *d);

/* Cancels every job (done is called for each, in-flight ones included),
 * then frees the engine. Accepts NULL. */
void ne_delivery_free(ne_delivery *d);

#endif
