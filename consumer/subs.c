#include "consumer/subs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "consumer/changelog.h"

/* ne_subs_poll reads the broker's queue at most this often. */
#define POLL_EVERY_NS (100 * 1000000LL)

struct ne_subs {
    ne_changelog *reader;
    ne_overlay *ov;
    char *who;
    char *topic;
    int changed;
    long refused;
    long long next_poll_ns;
    ne_series *m_applied, *m_unchanged, *m_refused, *m_people, *m_subs;
};

/* The changelog reader's apply function: one record into the overlay. */
static int apply_record(void *ctx, const char *key, size_t key_len, const char *value, size_t len)
{
    ne_subs *s = ctx;
    char why[512];
    int rc = ne_overlay_apply(s->ov, key, key_len, value, len, why, sizeof why);
    if (rc < 0) {
        s->refused++;
        ne_metric_add(s->m_refused, 1);
        ne_log(NE_LOG_WARN, "subscriptions", "%s: record of %s refused and skipped: %s", s->who, s->topic, why);
        return -1;
    }
    ne_metric_add(rc ? s->m_applied : s->m_unchanged, 1);
    if (rc) s->changed = 1;
    return 0;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void register_metrics(ne_subs *s, ne_metrics *m)
{
    char labels[160];
    const char *help = "Records of topics.subscriptions read, by result (refused: logged and skipped).";
    snprintf(labels, sizeof labels, "reader=\"%s\",result=\"applied\"", s->who);
    s->m_applied = ne_metrics_counter(m, "newsenrich_subscription_records_total", help, labels);
    snprintf(labels, sizeof labels, "reader=\"%s\",result=\"unchanged\"", s->who);
    s->m_unchanged = ne_metrics_counter(m, "newsenrich_subscription_records_total", help, labels);
    snprintf(labels, sizeof labels, "reader=\"%s\",result=\"refused\"", s->who);
    s->m_refused = ne_metrics_counter(m, "newsenrich_subscription_records_total", help, labels);
    snprintf(labels, sizeof labels, "reader=\"%s\"", s->who);
    s->m_people = ne_metrics_gauge(m, "newsenrich_watchlist_people",
                                   "People on the watchlist in force (file and topic merged).", labels);
    s->m_subs = ne_metrics_gauge(m, "newsenrich_webhook_subscriptions",
                                 "Webhook subscriptions in force (file and topic merged).", labels);
}

ne_subs *ne_subs_open(const ne_config *cfg, const char *who, ne_metrics *metrics, int timeout_ms, char *err,
                      size_t errlen)
{
    ne_subs *s = ne_xcalloc(1, sizeof *s);
    s->who = ne_xstrdup(who);
    s->topic = ne_xstrdup(cfg->topics.subscriptions);
    s->ov = ne_overlay_new();
    register_metrics(s, metrics);
    ne_changelog_opts o = {.topic = cfg->topics.subscriptions, .what = "subscriptions", .create = 1};
    s->reader = ne_changelog_new(cfg, &o, apply_record, s, err, errlen);
    if (!s->reader) {
        ne_subs_free(s);
        return NULL;
    }
    ne_changelog_catch_up(s->reader, timeout_ms);
    s->changed = 1;
    return s;
}

int ne_subs_poll(ne_subs *s)
{
    long long now = mono_ns();
    if (now >= s->next_poll_ns) {
        s->next_poll_ns = now + POLL_EVERY_NS;
        ne_changelog_poll(s->reader);
    }
    return s->changed;
}

static void log_unknown(void *ctx, const char *sub, const char *person)
{
    ne_log(NE_LOG_WARN, "subscriptions", "%s: subscription %s names %s, who is not on the watchlist: it receives "
           "nothing about them until they are added", (const char *)ctx, sub, person);
}

ne_config *ne_subs_merge(ne_subs *s, const ne_config *seed)
{
    ne_config *m = ne_overlay_merge(s->ov, seed);
    s->changed = 0;
    ne_overlay_unknown_people(m, log_unknown, s->who);
    ne_metric_set(s->m_people, (double)m->watchlist.npeople);
    ne_metric_set(s->m_subs, (double)m->webhooks.nsubscriptions);
    ne_log(NE_LOG_INFO, "subscriptions", "%s: watchlist and subscriptions in force: %zu people, %zu subscription(s) "
           "(of them from the topic: %zu and %zu; %ld record(s) refused so far)", s->who, m->watchlist.npeople,
           m->webhooks.nsubscriptions, ne_overlay_count(s->ov, NE_ENTRY_PERSON),
           ne_overlay_count(s->ov, NE_ENTRY_SUBSCRIPTION), s->refused);
    return m;
}

const ne_overlay *ne_subs_overlay(const ne_subs *s)
{
    return s->ov;
}

long ne_subs_refused(const ne_subs *s)
{
    return s->refused;
}

void ne_subs_free(ne_subs *s)
{
    if (!s) return;
    ne_changelog_free(s->reader);
    ne_overlay_free(s->ov);
    free(s->who);
    free(s->topic);
    free(s);
}
