#include "enrichers/pipeline/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "common/nebuf.h"
#include "common/xalloc.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/entities/entities.h"
#include "enrichers/lang/lang.h"
#include "enrichers/pipeline/events.h"
#include "enrichers/quotes/quotes.h"
#include "enrichers/text/text.h"

/* ---- stages ----------------------------------------------------------- */

/* text: tokens, sentences and paragraphs of the body and the title. */
static void *text_create(const ne_config *cfg, char *err, size_t errlen)
{
    (void)cfg; (void)err; (void)errlen;
    return (void *)1; /* stateless; non-NULL means "started" */
}

static int text_process(void *state, ne_doc *doc)
{
    (void)state;
    /* page furniture (bylines, credits, captions, promos, posts, a repeated
     * headline, a title's site name) gets no tokens: text.h */
    if (ne_text_analyze_body(&doc->body_text, doc->body, doc->body_len, doc->title, doc->title_len) != 0)
        return -1;
    if (doc->title && ne_text_analyze_title(&doc->title_text, doc->title, doc->title_len) != 0) return -1;
    if (!doc->nauthors) doc->authors = ne_text_byline_authors(doc->body, doc->body_len, &doc->nauthors);
    doc->stats.tokens = doc->body_text.ntoks;
    doc->stats.sentences = doc->body_text.nsents;
    return 0;
}

static void text_destroy(void *state) { (void)state; }

/* dedup (dedup.h) runs at two points: "dedup" right after the text layer
 * decides exact and near duplicates, so an exact duplicate skips the rest
 * of the chain; "dedup.claims", last, needs the entities and quotes for
 * claim novelty and the story id. A stage without create() works on the
 * state of the stage named by its name up to the '.' and leaves its
 * destruction to that stage. */
static const ne_stage builtin_stages[] = {
    {.name = "text", .ran = NE_RAN_TEXT, .create = text_create, .process = text_process,
     .destroy = text_destroy},
    /* before entities and quotes: they skip the English models on text
     * known to be in another language */
    {.name = "lang", .ran = NE_RAN_LANG, .create = ne_lang_create, .process = ne_lang_process,
     .destroy = ne_lang_destroy},
    {.name = "dedup", .ran = NE_RAN_DEDUP, .ordered = 1, .create = ne_dedup_create, .process = ne_dedup_process,
     .destroy = ne_dedup_destroy, .hint = ne_dedup_probably_exact},
    {.name = "entities", .ran = NE_RAN_ENTITIES, .create = ne_entities_create, .process = ne_entities_process,
     .destroy = ne_entities_destroy, .reconfigure = ne_entities_reconfigure},
    {.name = "quotes", .ran = NE_RAN_QUOTES, .create = ne_quotes_create, .process = ne_quotes_process,
     .destroy = ne_quotes_destroy},
    /* Keep last: claim novelty needs the quotes, and works on the state
     * the dedup stage owns. */
    {.name = "dedup.claims", .ran = NE_RAN_CLAIMS, .ordered = 1, .shares = "dedup", .process = ne_dedup_finish},
};

#define MAX_STAGES 8

struct ne_pipeline {
    const ne_config *cfg;
    const ne_stage *stages[MAX_STAGES];
    void *state[MAX_STAGES];
    size_t nstages;
    char *changelog;     /* origin header of the dedup state's changelog records; NULL = none */
    ne_doc doc;          /* reused for every record */
    nebuf buf;           /* reused for rendering */
    ne_pipeline_stats stats;
};

/* A record between the two halves (pipeline.h, "on several threads"). */
struct ne_prepared {
    ne_doc doc;
    const char *bytes;  size_t len;   /* the record, not owned */
    ne_origin src;                    /* its strings not owned */
    int has_src;
    enum ne_reject why;               /* NE_REJECT_NONE: decoded */
    char detail[256];                 /* why it was rejected */
    uint64_t stage_us[MAX_STAGES];    /* unordered stages' times, by pipeline index */
    uint64_t elapsed_us;              /* the first half's time */
    size_t   left_from;               /* unordered stages from this index on are left to the second half */
};

struct ne_pipeline_worker {
    const ne_pipeline *p;
    void *state[MAX_STAGES];          /* the unordered stages' own states; NULL for ordered ones */
};

/* ---- outbox ----------------------------------------------------------- */

void ne_event_free(ne_event *ev)
{
    free(ev->key);
    free(ev->value);
    for (size_t i = 0; i < ev->nheaders; i++) free(ev->headers[i].value);
}

void ne_outbox_clear(ne_outbox *ob)
{
    for (size_t i = 0; i < ob->n; i++) ne_event_free(&ob->ev[i]);
    ob->n = 0;
}

void ne_outbox_free(ne_outbox *ob)
{
    if (!ob) return;
    ne_outbox_clear(ob);
    free(ob->ev);
    ob->ev = NULL;
    ob->cap = 0;
}

/* Appends an event that takes ownership of `value` (value_len bytes); the
 * key (key_len bytes, may hold any bytes) is copied. */
static ne_event *outbox_add_keyed(ne_outbox *ob, enum ne_topic topic, const char *key,
                                  size_t key_len, char *value, size_t value_len)
{
    ne_grow(&ob->ev, &ob->cap, ob->n + 1, sizeof *ob->ev);
    ne_event *ev = &ob->ev[ob->n++];
    memset(ev, 0, sizeof *ev);
    ev->topic = topic;
    ev->key = ne_xmalloc(key_len + 1);
    if (key_len) memcpy(ev->key, key, key_len);
    ev->key[key_len] = '\0';
    ev->key_len = key_len;
    ev->value = value;
    ev->value_len = value_len;
    return ev;
}

static ne_event *outbox_add(ne_outbox *ob, enum ne_topic topic, const char *key,
                            char *value, size_t value_len)
{
    return outbox_add_keyed(ob, topic, key, key ? strlen(key) : 0, value, value_len);
}

static void event_add_header(ne_event *ev, const char *name, const char *value)
{
    if (ev->nheaders == NE_EVENT_MAX_HEADERS) return;
    ev->headers[ev->nheaders].name = name;
    ev->headers[ev->nheaders].value = ne_xstrdup(value);
    ev->nheaders++;
}

/* ---- topics ----------------------------------------------------------- */

const char *ne_topic_name(const ne_config *cfg, enum ne_topic t)
{
    switch (t) {
    case NE_TOPIC_ENRICHED:   return cfg->topics.enriched;
    case NE_TOPIC_DUPLICATES: return cfg->topics.duplicates;
    case NE_TOPIC_CLAIMS:     return cfg->topics.claims;
    case NE_TOPIC_ALERTS:     return cfg->topics.alerts;
    case NE_TOPIC_DLQ:        return cfg->topics.dlq;
    case NE_TOPIC_ALERTS_DLQ: return cfg->topics.alerts_dlq;
    case NE_TOPIC_CHANGELOG:  return cfg->topics.changelog;
    case NE_TOPIC__COUNT:     break;
    }
    return "";
}

/* ---- pipeline --------------------------------------------------------- */

ne_pipeline *ne_pipeline_new(const ne_config *cfg, char *err, size_t errlen)
{
    ne_pipeline *p = ne_xcalloc(1, sizeof *p);
    p->cfg = cfg;
    for (size_t i = 0; i < sizeof builtin_stages / sizeof builtin_stages[0]; i++) {
        const ne_stage *st = &builtin_stages[i];
        void *state;
        if (st->shares) {
            state = ne_pipeline_stage_state(p, st->shares);
            if (!state) snprintf(err, errlen, "stage %s: no stage %s before it", st->name, st->shares);
        } else {
            state = st->create(cfg, err, errlen);
        }
        if (!state) goto fail;
        p->stages[p->nstages] = st;
        p->state[p->nstages] = state;
        p->stats.stage_names[p->nstages] = st->name;
        p->nstages++;
    }
    p->stats.nstages = p->nstages;
    return p;
fail:
    ne_pipeline_free(p);
    return NULL;
}

void ne_pipeline_free(ne_pipeline *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i]->destroy) p->stages[i]->destroy(p->state[i]);
    ne_doc_reset(&p->doc);
    nebuf_free(&p->buf);
    free(p->changelog);
    free(p);
}

/* The stage states of `state` (a pipeline's or a worker's, NULL where
 * the stage has none there) take cfg; shared states are the owner's. */
static int reconfigure_states(const ne_pipeline *p, void **state, const ne_config *cfg, char *err,
                              size_t errlen)
{
    for (size_t i = 0; i < p->nstages; i++) {
        const ne_stage *st = p->stages[i];
        if (st->shares || !st->reconfigure || !state[i]) continue;
        if (st->reconfigure(state[i], cfg, err, errlen)) return -1;
    }
    return 0;
}

int ne_pipeline_reconfigure(ne_pipeline *p, const ne_config *cfg, char *err, size_t errlen)
{
    int rc = reconfigure_states(p, p->state, cfg, err, errlen);
    /* alerts (ne_alerts_emit) read the watchlist and subscriptions from here */
    if (rc == 0) p->cfg = cfg;
    return rc;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Renders the dead letter for a rejected record: the original bytes, the
 * reason and where the record came from. */
static void emit_dead_letter(ne_outbox *out, const char *bytes, size_t len, const ne_origin *src,
                             enum ne_reject why, const char *detail)
{
    char *copy = ne_xmemdup(bytes, len);
    ne_event *ev = outbox_add_keyed(out, NE_TOPIC_DLQ, src ? src->key : NULL,
                                    src && src->key ? src->key_len : 0, copy, len);
    char num[32];
    ev->raw = 1;
    event_add_header(ev, "error.reason", ne_reject_reason(why));
    event_add_header(ev, "error.detail", detail);
    event_add_header(ev, "source.topic", src && src->topic ? src->topic : "");
    snprintf(num, sizeof num, "%d", src ? (int)src->partition : -1);
    event_add_header(ev, "source.partition", num);
    snprintf(num, sizeof num, "%lld", src ? (long long)src->offset : -1LL);
    event_add_header(ev, "source.offset", num);
}

/* Kafka's framing of one record in a batch of its own: the batch header
 * (61 bytes), the record's varints and attributes, a length pair per
 * header; rounded up. */
#define RECORD_FRAMING_BYTES 128
#define HEADER_FRAMING_BYTES 16

size_t ne_event_record_bytes(const ne_event *ev)
{
    size_t n = RECORD_FRAMING_BYTES + ev->key_len + ev->value_len;
    for (size_t i = 0; i < ev->nheaders; i++)
        n += HEADER_FRAMING_BYTES + strlen(ev->headers[i].name) + strlen(ev->headers[i].value);
    return n;
}

static void sha256_hex(const char *bytes, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(bytes, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) abort();
    for (unsigned i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int ne_dead_letter_fit(ne_event *ev, size_t max_bytes)
{
    if (ne_event_record_bytes(ev) <= max_bytes) return 0;
    char num[32], hex[65];
    snprintf(num, sizeof num, "%zu", ev->value_len);
    sha256_hex(ev->value, ev->value_len, hex);
    event_add_header(ev, "error.truncated", "true");
    event_add_header(ev, "error.original_bytes", num);
    event_add_header(ev, "error.sha256", hex);
    size_t other = ne_event_record_bytes(ev) - ev->value_len;
    size_t keep = max_bytes > other ? max_bytes - other : 0;
    if (keep < ev->value_len) ev->value_len = keep;   /* the buffer stays; its tail is not sent */
    return 1;
}

/* Publishes what was rendered into p->buf as an event of `topic`. */
static void emit_rendered(ne_pipeline *p, ne_outbox *out, enum ne_topic topic, const char *key)
{
    char *value = ne_xmemdup(p->buf.p, p->buf.len + 1);
    outbox_add(out, topic, key, value, p->buf.len);
}

typedef struct alert_sink {
    ne_outbox *out;
} alert_sink;

static void emit_alert(void *ctx, const char *key, const char *value, size_t len)
{
    alert_sink *sink = ctx;
    char *copy = ne_xstrndup(value, len);
    outbox_add(sink->out, NE_TOPIC_ALERTS, key, copy, len);
}

/* Alerts for the new claims about watched people, then (when enabled) the
 * changelog records of what the dedup stage stored for this article, so
 * the input offset is committed only once the state change is durable. */
static void emit_alerts_and_changelog(ne_pipeline *p, const ne_doc *doc, ne_outbox *out)
{
    ne_dedup_state *dd = ne_pipeline_stage_state(p, "dedup");
    alert_sink sink = {out};
    ne_alerts_emit(p->cfg, doc, emit_alert, &sink);
    if (!dd || !p->changelog) return;
    /* Every record: an article with many claims has many, and a record
     * left out would be state the other instances never learn. */
    size_t n = ne_dedup_records(dd, NULL, 0);
    if (!n) return;
    ne_dedup_record *recs = ne_xmalloc(n * sizeof *recs);
    ne_dedup_records(dd, recs, n);
    for (size_t i = 0; i < n; i++) {
        char *copy = ne_xstrndup(recs[i].value, recs[i].value_len);
        ne_event *ev = outbox_add_keyed(out, NE_TOPIC_CHANGELOG, recs[i].key, recs[i].key_len, copy,
                                        recs[i].value_len);
        event_add_header(ev, NE_CHANGELOG_ORIGIN_HEADER, p->changelog);
    }
    free(recs);
}

void *ne_pipeline_stage_state(ne_pipeline *p, const char *name)
{
    for (size_t i = 0; i < p->nstages; i++)
        if (strcmp(p->stages[i]->name, name) == 0) return p->state[i];
    return NULL;
}

void ne_pipeline_set_changelog(ne_pipeline *p, const char *origin)
{
    free(p->changelog);
    p->changelog = NULL;
    p->changelog = ne_xstrdup(origin);
}

/* A rejected record's one outcome: its dead letter. */
static enum ne_outcome reject_record(ne_pipeline *p, ne_outbox *out, const char *bytes, size_t len,
                                     const ne_origin *src, enum ne_reject why, const char *detail)
{
    emit_dead_letter(out, bytes, len, src, why, detail);
    p->stats.rejected++;
    if ((size_t)why < sizeof p->stats.rejected_by_reason / sizeof p->stats.rejected_by_reason[0])
        p->stats.rejected_by_reason[why]++;
    if (src && ne_log_enabled(NE_LOG_INFO))
        ne_log_rec(NE_LOG_INFO, "pipeline", src->topic, src->partition, src->offset,
                   "dead-lettered: %s: %s", ne_reject_reason(why), detail);
    return NE_OUTCOME_REJECTED;
}

enum ne_outcome ne_pipeline_reject_output(ne_pipeline *p, enum ne_outcome was, const char *bytes,
                                          size_t len, const ne_origin *src, const char *detail,
                                          ne_outbox *out)
{
    if (was == NE_OUTCOME_REJECTED) return was;   /* a dead letter is fitted, never rejected again */
    if (was == NE_OUTCOME_ENRICHED && p->stats.enriched) p->stats.enriched--;
    if (was == NE_OUTCOME_DUPLICATE && p->stats.duplicates) p->stats.duplicates--;
    ne_outbox_clear(out);
    return reject_record(p, out, bytes, len, src, NE_REJECT_OUTPUT_TOO_LARGE, detail);
}

/* Decodes a record into doc (reset first). On success the document's
 * byte count is set; on failure doc is left empty and detail says why. */
static enum ne_reject decode_record(const ne_pipeline *p, ne_doc *doc, const char *bytes, size_t len,
                                    char *detail, size_t detail_len)
{
    size_t max_record = (size_t)p->cfg->processing.max_record_bytes;
    size_t max_page = (size_t)p->cfg->processing.max_page_bytes;
    ne_doc_reset(doc);
    /* A web page is bounded by max_page_bytes and its article text by
     * max_record_bytes; any other record by max_record_bytes. The decoder
     * knows which it is only once it has read the record. */
    enum ne_reject why = ne_decode(bytes, len, max_record > max_page ? max_record : max_page, doc,
                                   detail, detail_len);
    if (why == NE_REJECT_NONE && doc->format != NE_FORMAT_HTML && len > max_record) {
        snprintf(detail, detail_len, "record is %zu bytes, limit %zu", len, max_record);
        why = NE_REJECT_TOO_LARGE;
    } else if (why == NE_REJECT_NONE && doc->format == NE_FORMAT_HTML && doc->body_len > max_record) {
        snprintf(detail, detail_len, "the page's article text is %zu bytes, limit %zu", doc->body_len,
                 max_record);
        why = NE_REJECT_TOO_LARGE;
    }
    if (why != NE_REJECT_NONE) ne_doc_reset(doc);
    else doc->stats.bytes = doc->body_len;
    return why;
}

/* Runs stage i of the chain with `state` on doc and returns its time, µs. */
static uint64_t run_stage(const ne_pipeline *p, size_t i, void *state, ne_doc *doc)
{
    uint64_t ts = now_us();
    doc->stats.ran |= 1u << p->stages[i]->ran;
    if (p->stages[i]->process(state, doc) != 0)
        ne_log(NE_LOG_WARN, "pipeline", "stage %s failed on article %s; its annotations are empty",
               p->stages[i]->name, doc->id);
    return now_us() - ts;
}

/* Renders the events of a document that went through the chain. */
static enum ne_outcome render_events(ne_pipeline *p, ne_doc *doc, ne_outbox *out)
{
    p->stats.tokens += doc->stats.tokens;
    if (doc->dedup.status == NE_DEDUP_EXACT) {
        nebuf_reset(&p->buf);
        ne_events_duplicate(&p->buf, doc->id, doc->dedup.duplicate_of, "exact", doc->dedup.similarity);
        emit_rendered(p, out, NE_TOPIC_DUPLICATES, doc->id);
        p->stats.duplicates++;
        return NE_OUTCOME_DUPLICATE;
    }

    nebuf_reset(&p->buf);
    ne_events_enriched(&p->buf, doc);
    emit_rendered(p, out, NE_TOPIC_ENRICHED, doc->id);
    if (doc->dedup.status == NE_DEDUP_NEAR || doc->dedup.status == NE_DEDUP_UPDATE) {
        nebuf_reset(&p->buf);
        ne_events_duplicate(&p->buf, doc->id, doc->dedup.duplicate_of,
                            doc->dedup.status == NE_DEDUP_NEAR ? "near" : "update", doc->dedup.similarity);
        emit_rendered(p, out, NE_TOPIC_DUPLICATES, doc->id);
    }
    for (size_t i = 0; i < doc->nquotes; i++) {
        nebuf_reset(&p->buf);
        ne_events_claim(&p->buf, doc, &doc->quotes[i]);
        emit_rendered(p, out, NE_TOPIC_CLAIMS, doc->quotes[i].claim_id);
    }
    emit_alerts_and_changelog(p, doc, out);
    p->stats.enriched++;
    return NE_OUTCOME_ENRICHED;
}

enum ne_outcome ne_pipeline_process(ne_pipeline *p, const char *bytes, size_t len,
                                    const ne_origin *src, ne_outbox *out)
{
    ne_doc *doc = &p->doc;
    char detail[256] = "";
    uint64_t t0 = now_us();

    ne_outbox_clear(out);
    p->stats.records++;
    p->stats.bytes += len;

    enum ne_reject why = decode_record(p, doc, bytes, len, detail, sizeof detail);
    if (why != NE_REJECT_NONE) {
        p->stats.elapsed_us += now_us() - t0;
        return reject_record(p, out, bytes, len, src, why, detail);
    }

    for (size_t i = 0; i < p->nstages; i++) {
        p->stats.stage_us[i] += run_stage(p, i, p->state[i], doc);
        /* an exact duplicate is not enriched again */
        if (doc->dedup.status == NE_DEDUP_EXACT) break;
    }
    doc->stats.elapsed_us = now_us() - t0;
    p->stats.elapsed_us += doc->stats.elapsed_us;
    return render_events(p, doc, out);
}

/* ---- on several threads ----------------------------------------------- */

ne_prepared *ne_prepared_new(void)
{
    return ne_xcalloc(1, sizeof(ne_prepared));
}

void ne_prepared_free(ne_prepared *r)
{
    if (!r) return;
    ne_doc_reset(&r->doc);
    free(r);
}

ne_pipeline_worker *ne_pipeline_worker_new(const ne_pipeline *p, char *err, size_t errlen)
{
    ne_pipeline_worker *w = ne_xcalloc(1, sizeof *w);
    w->p = p;
    for (size_t i = 0; i < p->nstages; i++) {
        if (p->stages[i]->ordered) continue;
        if (!(w->state[i] = p->stages[i]->create(p->cfg, err, errlen))) {
            ne_pipeline_worker_free(w);
            return NULL;
        }
    }
    return w;
}

int ne_pipeline_worker_reconfigure(ne_pipeline_worker *w, const ne_config *cfg, char *err, size_t errlen)
{
    return reconfigure_states(w->p, w->state, cfg, err, errlen);
}

void ne_pipeline_worker_free(ne_pipeline_worker *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->p->nstages; i++)
        if (w->state[i]) w->p->stages[i]->destroy(w->state[i]);
    free(w);
}

void ne_prepared_set(ne_prepared *r, const char *bytes, size_t len, const ne_origin *src)
{
    r->bytes = bytes;
    r->len = len;
    r->has_src = src != NULL;
    if (src) r->src = *src;
}

void ne_pipeline_prepare(ne_pipeline_worker *w, ne_prepared *r)
{
    const ne_pipeline *p = w->p;
    uint64_t t0 = now_us();
    memset(r->stage_us, 0, sizeof r->stage_us);
    r->detail[0] = '\0';
    r->left_from = p->nstages;
    r->why = decode_record(p, &r->doc, r->bytes, r->len, r->detail, sizeof r->detail);
    if (r->why == NE_REJECT_NONE)
        for (size_t i = 0; i < p->nstages; i++) {
            const ne_stage *st = p->stages[i];
            if (!st->ordered) {
                r->stage_us[i] = run_stage(p, i, w->state[i], &r->doc);
            } else if (st->hint && st->hint(p->state[i], &r->doc)) {
                r->left_from = i;
                break;
            }
        }
    r->elapsed_us = now_us() - t0;
}

enum ne_outcome ne_pipeline_finish(ne_pipeline *p, ne_prepared *r, ne_outbox *out)
{
    uint64_t t0 = now_us();
    ne_doc *doc = &r->doc;
    const ne_origin *src = r->has_src ? &r->src : NULL;

    ne_outbox_clear(out);
    p->stats.records++;
    p->stats.bytes += r->len;
    if (r->why != NE_REJECT_NONE) {
        p->stats.elapsed_us += r->elapsed_us;
        return reject_record(p, out, r->bytes, r->len, src, r->why, r->detail);
    }

    /* the unordered stages a worker left here run on this thread's states */
    for (size_t i = 0; i < p->nstages; i++) {
        p->stats.stage_us[i] += r->stage_us[i];
        if (!p->stages[i]->ordered && i < r->left_from) continue;   /* done on the worker */
        /* an exact duplicate's later stages are skipped, as in ne_pipeline_process */
        if (doc->dedup.status != NE_DEDUP_EXACT) p->stats.stage_us[i] += run_stage(p, i, p->state[i], doc);
    }
    if (r->left_from < p->nstages) {
        p->stats.hinted++;
        p->stats.hinted_not_exact += doc->dedup.status != NE_DEDUP_EXACT;
    }
    doc->stats.elapsed_us = r->elapsed_us + (now_us() - t0);
    p->stats.elapsed_us += doc->stats.elapsed_us;
    enum ne_outcome o = render_events(p, doc, out);
    ne_doc_reset(doc);   /* its memory goes back before the record is reused */
    return o;
}

void ne_pipeline_get_stats(const ne_pipeline *p, ne_pipeline_stats *st)
{
    *st = p->stats;
}
