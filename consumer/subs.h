/* subs — follows topics.subscriptions, the live watchlist and webhook
 * subscriptions (config/overlay.h), for a process that applies them: the
 * service's main thread (its pipeline's watchlist and alerts) and the
 * notifier's thread (its subscriptions) each own one.
 *
 * It is the changelog reader (consumer/changelog.h) on another topic,
 * created if missing (one partition, cleanup.policy=compact), and read to
 * its end before the caller starts consuming; then ne_subs_poll, called on
 * every iteration of the caller's loop, reads what arrived without
 * blocking. A record that is refused (overlay.h) is logged with its reason
 * and offset, counted, and skipped: never fatal.
 *
 * Metrics (metrics may be NULL), labelled reader="<who>":
 *   newsenrich_subscription_records_total{result="applied|unchanged|refused"}
 *   newsenrich_watchlist_people, newsenrich_webhook_subscriptions (gauges,
 *   of the last merged view)
 *
 *   s = ne_subs_open(cfg, "service", metrics, NE_SUBS_CATCH_UP_MS, err, sizeof err);
 *   live = ne_subs_merge(s, cfg);          the configuration to run with
 *   loop: if (ne_subs_poll(s)) { next = ne_subs_merge(s, cfg); ...swap... }
 *   ne_subs_free(s);
 *
 * Threads: one at a time, the owner's. Ownership: the caller owns the
 * reader and every merged configuration; cfg is borrowed for the call only.
 */
#ifndef NE_SUBS_H
#define NE_SUBS_H

#include <stddef.h>

#include "common/metrics.h"
#include "config/config.h"
#include "config/overlay.h"

/* How long opening waits for the topic's end. */
#define NE_SUBS_CATCH_UP_MS 30000

typedef struct ne_subs ne_subs;

/* Opens the reader of cfg->topics.subscriptions and applies the topic up
 * to its end (waiting at most timeout_ms; then it goes on in ne_subs_poll).
 * NULL with err when the topic cannot be read or created. */
ne_subs *ne_subs_open(const ne_config *cfg, const char *who, ne_metrics *metrics, int timeout_ms, char *err,
                      size_t errlen);

/* Applies what arrived, without blocking; reads the broker's queue at
 * most every 100 ms, so it costs a clock read on other calls. Returns
 * non-zero when the view changed since the last ne_subs_merge. */
int ne_subs_poll(ne_subs *s);

/* The seed with the topic's entries laid over it (ne_overlay_merge),
 * logged with its counts, and any subscription naming a person off the
 * watchlist. Clears the changed flag. The caller frees the result. */
ne_config *ne_subs_merge(ne_subs *s, const ne_config *seed);

const ne_overlay *ne_subs_overlay(const ne_subs *s);

/* Records refused so far. */
long ne_subs_refused(const ne_subs *s);

void ne_subs_free(ne_subs *s);   /* accepts NULL */

#endif
