/* metrics — counters, gauges and histograms in the Prometheus text format.
 *
 * A registry holds metric families (one name, help text and type) and
 * their series (one per label set). Callers resolve a series once
 * (ne_metrics_counter() etc. return a stable handle) and then update it
 * cheaply from any thread: updates are atomic, registration and rendering
 * take the registry's lock. Registering the same name and labels twice
 * returns the same handle.
 *
 * Labels are given pre-rendered, e.g. "reason=\"invalid_json\"" or "" for
 * none; the caller escapes label values (only letters, digits and _-. are
 * used by the service).
 *
 * Ownership: the registry owns every handle; ne_metrics_free() (accepts
 * NULL) releases them all. A NULL registry is allowed everywhere and turns
 * every call into a no-op, so code can update metrics unconditionally.
 */
#ifndef NE_METRICS_H
#define NE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "common/nebuf.h"

typedef struct ne_metrics ne_metrics;
typedef struct ne_series ne_series;

ne_metrics *ne_metrics_new(void);
void ne_metrics_free(ne_metrics *m);

ne_series *ne_metrics_counter(ne_metrics *m, const char *name, const char *help, const char *labels);
ne_series *ne_metrics_gauge(ne_metrics *m, const char *name, const char *help, const char *labels);
/* `bounds` are the upper bounds of the buckets, ascending, nbounds <= 16;
 * +Inf is implicit. */
ne_series *ne_metrics_histogram(ne_metrics *m, const char *name, const char *help,
                                const char *labels, const double *bounds, size_t nbounds);

void ne_metric_add(ne_series *s, uint64_t n);        /* counters */
void ne_metric_set(ne_series *s, double v);          /* gauges */
void ne_metric_observe(ne_series *s, double v);      /* histograms */
double ne_metric_value(const ne_series *s);          /* counter or gauge value, for tests */

/* Appends the whole registry in the Prometheus text exposition format,
 * then the readiness of /readyz as gauges: newsenrich_ready (1 when
 * /readyz would answer 200) and newsenrich_ready_condition{condition=
 * "assigned"|"broker"|"state"}, so that Prometheus can alert on it. */
void ne_metrics_render(ne_metrics *m, nebuf *out);

/* ---- the HTTP endpoint ------------------------------------------------ */

/* Readiness as the service reports it; /readyz answers 200 only when all
 * three hold. Set from any thread. */
enum ne_ready_cond { NE_READY_ASSIGNED = 0, NE_READY_BROKER, NE_READY_STATE, NE_READY__COUNT };
void ne_metrics_set_ready(ne_metrics *m, enum ne_ready_cond c, int ok);

/* The same for a condition that is only known while it is reported: it
 * holds for valid_ms after this call, then reads as "no" until the next
 * report. The broker's state comes from librdkafka's statistics, which
 * arrive only while the main thread polls; a thread blocked on the broker
 * (a transaction commit retrying through an outage) stops reporting, and
 * a state that is not refreshed must not stay "reachable". */
void ne_metrics_set_ready_for(ne_metrics *m, enum ne_ready_cond c, int ok, long valid_ms);

/* Whether a reported condition holds at now_ms: ok, and not expired
 * (until_ms 0: no expiry). Pure; the /readyz rule. */
int ne_ready_holds(int ok, long long until_ms, long long now_ms);

typedef struct ne_metrics_server ne_metrics_server;

/* Serves /metrics (Prometheus text), /healthz (alive) and /readyz on
 * `listen` ("host:port", "[v6]:port"). NULL with err when it cannot bind. */
ne_metrics_server *ne_metrics_serve(ne_metrics *m, const char *listen, char *err, size_t errlen);
void ne_metrics_server_stop(ne_metrics_server *s);   /* accepts NULL */

#endif
