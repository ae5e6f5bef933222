/* notifier — consumes the `alerts` topic and delivers each alert as a
 * signed webhook (notifier/delivery.h), never losing one.
 *
 * The notifier is its own consumer group, "<kafka group.id>-notifier", so
 * it can run as a thread of `newsenrich run` or alone as `newsenrich
 * notify -c CONFIG` (and be scaled separately). librdkafka's automatic
 * offset store is off: an alert's offset is stored only once the alert is
 * finished — delivered (a 2xx), filtered out by its subscription, or
 * dead-lettered to topics.alerts_dlq and acknowledged by the broker — and
 * only up to the first unfinished alert of its partition. A crash or kill
 * -9 therefore re-reads unfinished alerts and loses none.
 *
 * Delivered once, mostly: after each 2xx the key "<subscription
 * id>/<webhook-id>" goes into a bounded set (notifier/delivered.h, capacity
 * webhooks.delivered_ids) and to topics.deliveries (created if missing).
 * At start-up, before the first alert, the last delivered_ids records of
 * that topic are read back, and the topic is followed while running; an
 * alert whose key is known is skipped (already_delivered) and its offset
 * advances. The record is not waited for: one lost in a crash costs one
 * more post, never an alert. Without the topic (no permission, the mock
 * cluster) the set covers the current run only (logged).
 *
 * Offsets are committed every processing.commit_interval_ms
 * (ne_config_set_commit_interval), and on revoke and close.
 *
 * A dead letter carries the alert's original key and bytes, and headers:
 *   error.reason     attempts_exhausted | max_age_exceeded | rejected | gone |
 *                    forbidden_address | unsubscribed | unknown_subscription |
 *                    subscription_disabled | shed | invalid_alert
 *   error.detail     the last error, readable ("HTTP 503: …", "Timeout was reached")
 *   error.status     the last HTTP status, "0" when none came
 *   error.attempts   real requests made (refusals by an open breaker are not
 *                    attempts); max_attempts when the reason is attempts_exhausted
 *   webhook.id, subscription.id (when known), source.topic, source.partition,
 *   source.offset
 *
 * Flow control: when more than webhooks.max_pending alerts are unfinished
 * the notifier pauses its own consumption (never the enricher's) and
 * resumes at half. Polling goes on, so the group membership holds.
 *
 * Live subscriptions: before the first alert the notifier reads
 * topics.subscriptions to its end (consumer/subs.h) and lays its entries
 * over the file's (config/overlay.h); then it follows the topic from its
 * loop and applies each change as SIGHUP does, no signal needed. Without
 * the topic it logs an error and keeps the file's subscriptions.
 *
 * SIGHUP: the owner sets *opts->reload; the notifier re-reads
 * opts->config_path and applies its webhooks section (subscriptions, with
 * the topic's laid over them, allow_private, limits, user agent) without a
 * restart. kafka and topics changes need a restart. A file that does not
 * load is logged and ignored.
 *
 * Shutdown (*opts->stop, or ne_notifier_stop_join): consumption stops,
 * requests in flight get up to processing.shutdown_timeout_ms to finish,
 * dead letters are flushed, finished offsets committed; alerts waiting for
 * a retry are left to the next run.
 */
#ifndef NE_NOTIFIER_H
#define NE_NOTIFIER_H

#include <signal.h>

#include "common/metrics.h"
#include "config/config.h"

typedef struct ne_notifier_opts {
    volatile sig_atomic_t *stop;    /* process-wide stop flag; may be NULL */
    volatile sig_atomic_t *reload;  /* set by SIGHUP; cleared when handled; may be NULL */
    const char *config_path;        /* re-read on reload; NULL: reload is ignored */
    int status_interval_s;          /* per-subscription status log period; 0: 60 s */
    ne_metrics *metrics;            /* webhook metrics go here; may be NULL */
} ne_notifier_opts;

typedef struct ne_notifier_stats {
    long consumed;                  /* alert records read */
    long delivered;                 /* alerts a subscriber answered 2xx to */
    long dead_lettered;             /* alerts written to topics.alerts_dlq */
    long filtered;                  /* alerts the subscription no longer wants */
    long already_delivered;         /* alerts skipped: their webhook-id was answered 2xx before */
    long attempts, failed_attempts; /* real HTTP requests, and those that failed */
    long reloads;
} ne_notifier_stats;

/* Runs the notifier on the calling thread until stopped or a fatal
 * error. `cfg` is borrowed for the whole run. Returns the exit code: 0
 * after a clean stop, 1 on a runtime failure (logged), 2 when the
 * configuration is rejected. `st` (may be NULL) receives the counters. */
int ne_notifier_run(const ne_config *cfg, const ne_notifier_opts *opts, ne_notifier_stats *st);

/* The same on a thread of its own (`newsenrich run`, demo). `cfg` and the
 * flags in opts must outlive the thread. NULL with err on failure to
 * start the thread; errors of the run itself come from stop_join. */
typedef struct ne_notifier ne_notifier;
ne_notifier *ne_notifier_start(const ne_config *cfg, const ne_notifier_opts *opts, char *err, size_t errlen);

/* Asks the thread to stop (whatever *opts->stop says), joins it and
 * frees the handle. Returns the run's exit code; `st` (may be NULL)
 * receives its counters. Accepts NULL (returns 0). */
int ne_notifier_stop_join(ne_notifier *n, ne_notifier_stats *st);

/* Non-zero once the thread has returned with a failure: a non-zero exit
 * code, or a return nobody asked for. An orderly stop (*opts->stop, stop_join) is not a failure: the
 * thread may finish on SIGTERM before the caller's own loop has seen the
 * flag, and that stop must still end the process with 0. */
int ne_notifier_failed(const ne_notifier *n);

/* `newsenrich notify -c CONFIG`: ne_notifier_run() with the process's
 * signal flags, and a summary line at the end. */
int ne_cmd_notify(const ne_config *cfg, const char *config_path, volatile sig_atomic_t *stop,
                  volatile sig_atomic_t *reload);

#endif
