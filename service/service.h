/* service — `newsenrich run`: consume articles.raw, enrich, produce.
 *
 * One thread polls the consumer, runs the pipeline on each record, hands
 * the events to the producer with the record's in-flight handle as opaque,
 * and serves delivery reports, which advance the stored offsets. The loop
 * ends when *stop becomes non-zero (SIGINT/SIGTERM), when a delivery or
 * the consumer fails for good, or, for the demo and tests, after
 * `stop_after` records have been consumed and acknowledged.
 *
 * Shutdown: stop polling, flush the producer (processing.shutdown_timeout_ms),
 * store what is complete, commit synchronously, close the consumer.
 *
 * When webhook subscriptions are configured, the notifier (notifier.h)
 * runs beside the loop on its own thread, consuming `alerts` in its own
 * consumer group; it is stopped and joined after the loop's shutdown.
 *
 * The live watchlist and subscriptions: before consuming, the service
 * reads topics.subscriptions to its end (consumer/subs.h) and builds the
 * pipeline on the file's config with the topic's entries laid over it
 * (config/overlay.h). The loop polls the topic (non-blocking, at most
 * every 100 ms); on a change it stops handing records to the workers until
 * they hold none, then gives the pipeline and the workers the new config
 * (ne_pipeline_reconfigure) and frees the old. The notifier thread is
 * started when the first subscription appears. The service owns each
 * merged config; `cfg` stays the caller's and is never changed.
 */
#ifndef NE_SERVICE_H
#define NE_SERVICE_H

#include <signal.h>

#include "common/metrics.h"
#include "config/config.h"
#include "enrichers/pipeline/pipeline.h"

typedef struct ne_service_opts {
    volatile sig_atomic_t *stop;   /* set by the signal handler; may be NULL */
    long stop_after;               /* 0: run until stopped */
    int  progress_interval_s;      /* progress log period; 0: 10 s */
    ne_metrics *metrics;           /* NULL: the service makes its own when
                                      metrics.enabled, and serves it */
    volatile sig_atomic_t *reload; /* SIGHUP: the notifier reloads its subscriptions */
    const char *config_path;       /* what it reloads them from */
    int  no_notifier;              /* do not start the webhook notifier thread */
    int  no_topic_limits;          /* do not ask the broker for the topics' size limits
                                      (the mock cluster cannot answer: the demo) */
} ne_service_opts;

typedef struct ne_service_result {
    ne_pipeline_stats pipeline;
    long consumed;
} ne_service_result;

/* Runs the service. Returns the process exit code: 0 after a clean stop,
 * 1 on a runtime failure (logged), 2 when the configuration is rejected
 * (kafka.* property, say). `res` (may be NULL) receives the counters. */
int ne_service_run(const ne_config *cfg, const ne_service_opts *opts, ne_service_result *res);

#endif
