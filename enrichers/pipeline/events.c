#include "enrichers/pipeline/events.h"

#include <string.h>
#include <time.h>

/* An unsigned integer in decimal, as printf's %llu would write it (the
 * renderer writes many of them; vsnprintf costs ~1,500 instructions a
 * call, this a few dozen). */
static void put_u64(nebuf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do { tmp[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    nebuf_append(b, tmp + i, sizeof tmp - i);
}

/* A string known to need no JSON escaping, quoted. */
static void put_plain_str(nebuf *b, const char *s)
{
    nebuf_putc(b, '"');
    nebuf_puts(b, s);
    nebuf_putc(b, '"');
}

/* Appends "key": as the start of a member; `first` says whether a comma is
 * needed before it. */
static void put_key(nebuf *b, const char *key, int first)
{
    if (!first) nebuf_putc(b, ',');
    nebuf_json_str(b, key, strlen(key));
    nebuf_putc(b, ':');
}

static void put_str_or_null(nebuf *b, const char *s)
{
    if (s) nebuf_json_str(b, s, strlen(s));
    else nebuf_puts(b, "null");
}

/* A double as JSON: finite, compact, never in exponent form for [0,1]. */
static void put_double(nebuf *b, double v)
{
    if (!(v == v) || v > 1e300 || v < -1e300) v = 0; /* NaN/inf are not JSON */
    nebuf_printf(b, "%.4f", v);
}

static void put_article_meta(nebuf *b, const ne_doc *doc)
{
    put_key(b, "id", 1);            put_str_or_null(b, doc->id);
    put_key(b, "title", 0);         put_str_or_null(b, doc->title);
    put_key(b, "url", 0);           put_str_or_null(b, doc->url);
    put_key(b, "source", 0);        put_str_or_null(b, doc->source);
    put_key(b, "published_at", 0);  put_str_or_null(b, doc->published_at);
}

/* The enriched event carries the input's language through, or the one the
 * lang stage detected with its confidence (null when the language came
 * from the input or could not be told); the alerts' article reference
 * does not. */
static void put_language(nebuf *b, const ne_doc *doc)
{
    put_key(b, "language", 0);      put_str_or_null(b, doc->language);
    put_key(b, "language_confidence", 0);
    if (doc->language && doc->language_detected) put_double(b, doc->language_confidence);
    else nebuf_puts(b, "null");
}

/* stats.stages: what ran on the document, in the chain's order. */
static void put_stages(nebuf *b, const ne_doc *doc)
{
    nebuf_puts(b, ",\"stages\":[");
    int first = 1;
    for (int r = 0; r < NE_RAN__COUNT; r++) {
        if (!(doc->stats.ran & (1u << r))) continue;
        if (!first) nebuf_putc(b, ',');
        put_plain_str(b, ne_ran_name((enum ne_ran)r));
        first = 0;
    }
    nebuf_putc(b, ']');
}

/* What the input was ("text", or "html" for a web page) and, when the page
 * named them, its authors: enriched event only. */
static void put_format(nebuf *b, const ne_doc *doc)
{
    put_key(b, "format", 0);
    put_plain_str(b, doc->format == NE_FORMAT_HTML ? "html" : "text");
    if (doc->nauthors) {
        put_key(b, "authors", 0);
        nebuf_putc(b, '[');
        for (size_t i = 0; i < doc->nauthors; i++) {
            if (i) nebuf_putc(b, ',');
            put_str_or_null(b, doc->authors[i]);
        }
        nebuf_putc(b, ']');
    }
}

static const char *dedup_status_name(enum ne_dedup_status s)
{
    return s == NE_DEDUP_NEAR ? "near_duplicate" : s == NE_DEDUP_UPDATE ? "update" : "unique";
}

static void put_mention(nebuf *b, const ne_doc *doc, const ne_mention *m)
{
    const char *text = m->field == NE_FIELD_TITLE ? doc->title : doc->body;
    nebuf_puts(b, "{\"start\":");
    put_u64(b, m->start);
    nebuf_puts(b, ",\"end\":");
    put_u64(b, m->end);
    nebuf_puts(b, ",\"text\":");
    nebuf_json_str(b, text ? text + m->start : "", text ? m->end - m->start : 0);
    if (m->field == NE_FIELD_TITLE) nebuf_puts(b, ",\"field\":\"title\"");
    nebuf_puts(b, ",\"kind\":");
    put_plain_str(b, ne_mention_kind_name(m->kind));
    if (text && m->title_end > m->title_start) {
        nebuf_puts(b, ",\"title\":");
        nebuf_json_str(b, text + m->title_start, m->title_end - m->title_start);
    }
    if (m->repeat) nebuf_puts(b, ",\"repeat\":true");
    nebuf_putc(b, '}');
}

static void put_entity(nebuf *b, const ne_doc *doc, const ne_entity *e)
{
    nebuf_putc(b, '{');
    put_key(b, "id", 1);      put_str_or_null(b, e->id);
    put_key(b, "name", 0);    put_str_or_null(b, e->name);
    put_key(b, "type", 0);    put_plain_str(b, ne_ent_type_name(e->type));
    put_key(b, "watched", 0); nebuf_puts(b, e->watched ? "true" : "false");
    size_t count = 0;   /* a repeated headline's mentions are the title's: counted once */
    for (size_t i = 0; i < e->nmentions; i++) count += !e->mentions[i].repeat;
    put_key(b, "count", 0);   put_u64(b, count);
    if (e->ntitles) {
        put_key(b, "titles", 0);
        nebuf_putc(b, '[');
        for (size_t i = 0; i < e->ntitles; i++) {
            if (i) nebuf_putc(b, ',');
            put_str_or_null(b, e->titles[i]);
        }
        nebuf_putc(b, ']');
    }
    put_key(b, "mentions", 0);
    nebuf_putc(b, '[');
    for (size_t i = 0; i < e->nmentions; i++) {
        if (i) nebuf_putc(b, ',');
        put_mention(b, doc, &e->mentions[i]);
    }
    nebuf_puts(b, "]}");
}

static const ne_entity *entity_at(const ne_doc *doc, long i)
{
    return i >= 0 && (size_t)i < doc->nentities ? &doc->entities[i] : NULL;
}

void ne_events_quote(nebuf *b, const ne_doc *doc, const ne_quote *q)
{
    nebuf_putc(b, '{');
    put_key(b, "id", 1);     put_str_or_null(b, q->id);
    put_key(b, "kind", 0);   put_plain_str(b, ne_quote_kind_name(q->kind));
    put_key(b, "text", 0);   put_str_or_null(b, q->text);
    put_key(b, "start", 0);  put_u64(b, q->start);
    put_key(b, "end", 0);    put_u64(b, q->end);
    if (q->nparts) {
        put_key(b, "parts", 0);
        nebuf_putc(b, '[');
        for (size_t i = 0; i < q->nparts; i++) {
            if (i) nebuf_putc(b, ',');
            nebuf_putc(b, '{');
            put_key(b, "start", 1); put_u64(b, q->parts[i].start);
            put_key(b, "end", 0);   put_u64(b, q->parts[i].end);
            nebuf_putc(b, '}');
        }
        nebuf_putc(b, ']');
    }
    put_key(b, "speaker", 0);
    if (!q->has_speaker) {
        nebuf_puts(b, "null");
    } else {
        const ne_entity *e = entity_at(doc, q->speaker_entity);
        nebuf_putc(b, '{');
        put_key(b, "entity_id", 1); put_str_or_null(b, e ? e->id : NULL);
        put_key(b, "name", 0);      put_str_or_null(b, e ? e->name : NULL);
        put_key(b, "text", 0);      put_str_or_null(b, q->speaker_text);
        if (q->speaker_text && q->speaker_end > q->speaker_start) {
            put_key(b, "start", 0); put_u64(b, q->speaker_start);
            put_key(b, "end", 0);   put_u64(b, q->speaker_end);
        }
        nebuf_putc(b, '}');
    }
    put_key(b, "cue", 0);    put_str_or_null(b, q->cue);
    put_key(b, "about", 0);
    nebuf_putc(b, '[');
    int first = 1;
    for (size_t i = 0; i < q->nabout; i++) {
        const ne_entity *e = entity_at(doc, (long)q->about[i]);
        if (!e) continue;
        if (!first) nebuf_putc(b, ',');
        put_str_or_null(b, e->id);
        first = 0;
    }
    nebuf_putc(b, ']');
    put_key(b, "claim_id", 0); put_str_or_null(b, q->claim_id);
    put_key(b, "new", 0);      nebuf_puts(b, q->is_new ? "true" : "false");
    if (q->no_alert) { put_key(b, "alerts", 0); nebuf_puts(b, "false"); }
    nebuf_putc(b, '}');
}

void ne_events_enriched(nebuf *b, const ne_doc *doc)
{
    nebuf_putc(b, '{');
    put_article_meta(b, doc);
    put_language(b, doc);
    put_format(b, doc);
    put_key(b, "body", 0);
    nebuf_json_str(b, doc->body ? doc->body : "", doc->body_len);

    put_key(b, "dedup", 0);
    nebuf_putc(b, '{');
    put_key(b, "status", 1);       put_plain_str(b, dedup_status_name(doc->dedup.status));
    /* an update is not a duplicate: it names the version it updates */
    int update = doc->dedup.status == NE_DEDUP_UPDATE;
    put_key(b, "duplicate_of", 0); put_str_or_null(b, update ? NULL : doc->dedup.duplicate_of);
    if (update) { put_key(b, "update_of", 0); put_str_or_null(b, doc->dedup.duplicate_of); }
    put_key(b, "similarity", 0);   put_double(b, doc->dedup.similarity);
    put_key(b, "story_id", 0);     put_str_or_null(b, doc->dedup.story_id);
    nebuf_putc(b, '}');

    put_key(b, "entities", 0);
    nebuf_putc(b, '[');
    for (size_t i = 0; i < doc->nentities; i++) {
        if (i) nebuf_putc(b, ',');
        put_entity(b, doc, &doc->entities[i]);
    }
    nebuf_putc(b, ']');

    put_key(b, "quotes", 0);
    nebuf_putc(b, '[');
    for (size_t i = 0; i < doc->nquotes; i++) {
        if (i) nebuf_putc(b, ',');
        ne_events_quote(b, doc, &doc->quotes[i]);
    }
    nebuf_putc(b, ']');

    put_key(b, "stats", 0);
    nebuf_puts(b, "{\"bytes\":");
    put_u64(b, doc->stats.bytes);
    nebuf_puts(b, ",\"tokens\":");
    put_u64(b, doc->stats.tokens);
    nebuf_puts(b, ",\"sentences\":");
    put_u64(b, doc->stats.sentences);
    nebuf_puts(b, ",\"elapsed_us\":");
    put_u64(b, doc->stats.elapsed_us);
    put_stages(b, doc);
    nebuf_putc(b, '}');
    nebuf_putc(b, '}');
}

void ne_events_duplicate(nebuf *b, const char *id, const char *duplicate_of,
                         const char *kind, double similarity)
{
    nebuf_putc(b, '{');
    put_key(b, "id", 1);           put_str_or_null(b, id);
    put_key(b, "duplicate_of", 0); put_str_or_null(b, duplicate_of);
    put_key(b, "kind", 0);         put_str_or_null(b, kind);
    put_key(b, "similarity", 0);   put_double(b, similarity);
    nebuf_putc(b, '}');
}

void ne_events_claim(nebuf *b, const ne_doc *doc, const ne_quote *q)
{
    nebuf_putc(b, '{');
    put_key(b, "claim_id", 1);   put_str_or_null(b, q->claim_id);
    put_key(b, "article_id", 0); put_str_or_null(b, doc->id);
    put_key(b, "quote", 0);      ne_events_quote(b, doc, q);
    put_key(b, "new", 0);        nebuf_puts(b, q->is_new ? "true" : "false");
    put_key(b, "first_seen", 0);
    nebuf_putc(b, '{');
    put_key(b, "article_id", 1);
    put_str_or_null(b, q->first_seen_article ? q->first_seen_article : doc->id);
    put_key(b, "at", 0);
    if (q->first_seen_at) {
        put_str_or_null(b, q->first_seen_at);
    } else if (doc->published_at) {
        put_str_or_null(b, doc->published_at);
    } else {
        /* No publication time: the claim was first seen now. */
        char now[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        put_str_or_null(b, now);
    }
    nebuf_puts(b, "}}");
}
