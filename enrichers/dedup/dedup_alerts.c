/* claims_alerts — the `alerts` events: one per new claim that involves a
 * watched person (as speaker, or as a subject listed in `about`), for each
 * subscription that asks for that person and role (schemas/alerts.schema.json,
 * schemas/README.md "The alerts event"). */
#include "enrichers/dedup/dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/nebuf.h"
#include "enrichers/pipeline/events.h"

void ne_alert_id(const char *sub_id, const char *claim_id, const char *person_id, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    nebuf b = {0};
    /* NUL separators: ("ab","c") and ("a","bc") must not collide */
    nebuf_append(&b, sub_id, strlen(sub_id) + 1);
    nebuf_append(&b, claim_id, strlen(claim_id) + 1);
    nebuf_append(&b, person_id, strlen(person_id));
    if (!EVP_Digest(b.p, b.len, md, &mdlen, EVP_sha256(), NULL) || mdlen < 16) abort();
    nebuf_free(&b);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const ne_person *watched_person(const ne_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->watchlist.npeople; i++)
        if (strcmp(cfg->watchlist.people[i].id, id) == 0) return &cfg->watchlist.people[i];
    return NULL;
}

static int wants(const ne_subscription *sub, const char *person_id, int role)
{
    if (sub->roles && !(sub->roles & role)) return 0;
    for (size_t i = 0; i < sub->npeople; i++)
        if (strcmp(sub->people[i], person_id) == 0) return 1;
    return 0;
}

static void put_nullable(nebuf *b, const char *s)
{
    if (s) nebuf_json_str(b, s, strlen(s));
    else nebuf_puts(b, "null");
}

static void render_alert(nebuf *b, const ne_doc *doc, const ne_quote *q, const char *alert_id,
                         const ne_subscription *sub, const ne_person *p, int role, const char *created_at)
{
    nebuf_puts(b, "{\"alert_id\":");
    nebuf_json_str(b, alert_id, strlen(alert_id));
    nebuf_puts(b, ",\"subscription_id\":");
    nebuf_json_str(b, sub->id, strlen(sub->id));
    nebuf_puts(b, ",\"person\":{\"id\":");
    nebuf_json_str(b, p->id, strlen(p->id));
    nebuf_puts(b, ",\"name\":");
    nebuf_json_str(b, p->name, strlen(p->name));
    nebuf_printf(b, "},\"role\":\"%s\",\"claim_id\":", role == NE_ROLE_SPEAKER ? "speaker" : "subject");
    nebuf_json_str(b, q->claim_id, strlen(q->claim_id));
    nebuf_puts(b, ",\"quote\":");
    ne_events_quote(b, doc, q);
    nebuf_puts(b, ",\"article\":{\"id\":");
    put_nullable(b, doc->id);
    nebuf_puts(b, ",\"title\":");
    put_nullable(b, doc->title);
    nebuf_puts(b, ",\"url\":");
    put_nullable(b, doc->url);
    nebuf_puts(b, ",\"source\":");
    put_nullable(b, doc->source);
    nebuf_puts(b, ",\"published_at\":");
    put_nullable(b, doc->published_at);
    nebuf_puts(b, "},\"created_at\":");
    nebuf_json_str(b, created_at, strlen(created_at));
    nebuf_putc(b, '}');
}

/* The watched people of quote q with their role, speaker first; a person
 * who is both speaker and subject is the speaker. Returns the count. */
static size_t involved(const ne_config *cfg, const ne_doc *doc, const ne_quote *q,
                       const ne_person **who, int *role, size_t max)
{
    size_t n = 0;
    if (q->has_speaker && q->speaker_entity >= 0 && (size_t)q->speaker_entity < doc->nentities) {
        const ne_entity *e = &doc->entities[q->speaker_entity];
        const ne_person *p = e->watched && e->id ? watched_person(cfg, e->id) : NULL;
        if (p && n < max) { who[n] = p; role[n++] = NE_ROLE_SPEAKER; }
    }
    for (size_t i = 0; i < q->nabout; i++) {
        if (q->about[i] >= doc->nentities) continue;
        const ne_entity *e = &doc->entities[q->about[i]];
        const ne_person *p = e->watched && e->id ? watched_person(cfg, e->id) : NULL;
        if (!p) continue;
        size_t k;
        for (k = 0; k < n; k++)
            if (who[k] == p) break;
        if (k == n && n < max) { who[n] = p; role[n++] = NE_ROLE_SUBJECT; }
    }
    return n;
}

/* RFC 3339 UTC, seconds: the created_at of a quote the claims stage did
 * not see (a document built by hand). */
static void format_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

size_t ne_alerts_emit(const ne_config *cfg, const ne_doc *doc, ne_alert_emit_fn emit, void *ctx)
{
    size_t count = 0;
    nebuf b = {0};
    for (size_t i = 0; i < doc->nquotes; i++) {
        const ne_quote *q = &doc->quotes[i];
        if (!q->is_new || !q->claim_id || !*q->claim_id || q->no_alert) continue;
        const ne_person *who[32];
        int role[32];
        size_t n = involved(cfg, doc, q, who, role, 32);
        if (!n) continue;
        char created_at[32];
        if (q->created_at) snprintf(created_at, sizeof created_at, "%s", q->created_at);
        else format_now(created_at);
        for (size_t k = 0; k < n; k++)
            for (size_t si = 0; si < cfg->webhooks.nsubscriptions; si++) {
                const ne_subscription *sub = &cfg->webhooks.subscriptions[si];
                if (!wants(sub, who[k]->id, role[k])) continue;
                char id[33];
                ne_alert_id(sub->id, q->claim_id, who[k]->id, id);
                nebuf_reset(&b);
                render_alert(&b, doc, q, id, sub, who[k], role[k], created_at);
                emit(ctx, id, b.p, b.len);
                count++;
            }
    }
    nebuf_free(&b);
    return count;
}
