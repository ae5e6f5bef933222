/* `newsenrich enrich`: the pipeline without a broker. The input is JSON
 * lines when its first non-blank byte is '{' (one record a line; blank
 * lines are not records), otherwise one plain-text article. Each event is
 * printed as {"topic","key","headers","value"} (dead letters: "value_b64",
 * the original bytes) in input order. Dead letters name the source as
 * topic "stdin", partition 0 and offset = the 0-based line number.
 * With --summary (NE_ENRICH_SUMMARY), the same events as the demo's
 * account for a person instead (cmd/summary.h), then the totals; the two
 * outputs exclude each other: the JSON lines are for programs, and a
 * reader of both would have to tell them apart line by line.
 * When stderr is a terminal, a progress line is redrawn there (never when
 * it is a pipe or a file, so logs and scripts see no control bytes); a log
 * line or a summary line first clears it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cmd/commands.h"
#include "cmd/summary.h"
#include "common/log.h"
#include "common/nebuf.h"
#include "common/xalloc.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/pipeline/workers.h"

static void put_base64(nebuf *b, const char *data, size_t len)
{
    nebuf_putc(b, '"');
    nebuf_reserve(b, 4 * ((len + 2) / 3) + 1);
    int n = EVP_EncodeBlock((unsigned char *)b->p + b->len, (const unsigned char *)data, (int)len);
    b->len += (size_t)n;
    b->p[b->len] = '\0';
    nebuf_putc(b, '"');
}

/* Renders one event as an output line into b. */
static void render_event(nebuf *b, const ne_config *cfg, const ne_event *ev)
{
    const char *topic = ne_topic_name(cfg, ev->topic);
    nebuf_puts(b, "{\"topic\":");
    nebuf_json_str(b, topic, strlen(topic));
    nebuf_puts(b, ",\"key\":");
    nebuf_json_str(b, ev->key, ev->key_len);
    nebuf_puts(b, ",\"headers\":{");
    for (size_t i = 0; i < ev->nheaders; i++) {
        if (i) nebuf_putc(b, ',');
        nebuf_json_str(b, ev->headers[i].name, strlen(ev->headers[i].name));
        nebuf_putc(b, ':');
        nebuf_json_str(b, ev->headers[i].value, strlen(ev->headers[i].value));
    }
    nebuf_putc(b, '}');
    if (ev->raw) {
        nebuf_puts(b, ",\"value_b64\":");
        put_base64(b, ev->value, ev->value_len);
    } else {
        nebuf_puts(b, ",\"value\":");
        nebuf_append(b, ev->value, ev->value_len);
    }
    nebuf_puts(b, "}\n");
}

/* Enriches records on the pool's threads (pool non-NULL) or on this one,
 * and writes their events in input order. */
typedef struct enricher {
    const ne_config *cfg;
    ne_pipeline *p;
    ne_workers *pool;
    ne_outbox ob;
    nebuf line_buf;
    FILE *out;
    enum ne_enrich_output output;
    int progress_on;            /* a progress line may be on the terminal */
    int last_topic;             /* the summary's current section; -1 none */
    long claims, alerts;        /* events of the summary */
} enricher;

static const char *header_value(const ne_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->nheaders; i++)
        if (!strcmp(ev->headers[i].name, name)) return ev->headers[i].value;
    return NULL;
}

/* The events of one record in the account for a person: a topic's name
 * heads each run of its events. */
static int write_summary(enricher *e)
{
    if (e->progress_on) fputs("\r\033[K", stderr);   /* stdout may be the same terminal */
    for (size_t i = 0; i < e->ob.n; i++) {
        const ne_event *ev = &e->ob.ev[i];
        if (!ne_summary_shows(ev->topic)) continue;
        if ((int)ev->topic != e->last_topic) {
            fprintf(e->out, "%s  %s\n", e->last_topic < 0 ? "" : "\n", ne_topic_name(e->cfg, ev->topic));
            e->last_topic = (int)ev->topic;
        }
        ne_summary_event(e->out, ev->topic, ev->value, ev->value_len, header_value(ev, "error.reason"),
                         header_value(ev, "error.detail"));
        e->claims += ev->topic == NE_TOPIC_CLAIMS;
        e->alerts += ev->topic == NE_TOPIC_ALERTS;
    }
    return ferror(e->out) ? -1 : 0;
}

static int write_events(enricher *e)
{
    if (e->output == NE_ENRICH_SUMMARY) return write_summary(e);
    nebuf_reset(&e->line_buf);
    for (size_t i = 0; i < e->ob.n; i++) render_event(&e->line_buf, e->cfg, &e->ob.ev[i]);
    return fwrite(e->line_buf.p, 1, e->line_buf.len, e->out) == e->line_buf.len ? 0 : -1;
}

/* Writes the events of the pool's oldest record once it is ready (wait:
 * however long that takes). 1 when one was written, 0 when none was
 * ready, -1 on a write error. */
static int finish_one(enricher *e, int wait)
{
    char *copy = ne_workers_finish(e->pool, wait ? -1 : 0, &e->ob, NULL);
    if (!copy) return 0;
    free(copy);
    return write_events(e) ? -1 : 1;
}

static int process_one(enricher *e, const char *rec, size_t len, long line)
{
    ne_origin src = {"stdin", 0, line, NULL, 0};
    if (!e->pool) {
        ne_pipeline_process(e->p, rec, len, &src, &e->ob);
        return write_events(e);
    }
    int rc;
    while ((rc = finish_one(e, ne_workers_full(e->pool))) == 1) {}
    if (rc < 0) return -1;
    /* The record travels as its own copy (the line buffer is reused); src's
     * strings are literals and its key is NULL: nothing else to keep. */
    char *copy = ne_xmemdup(rec, len);
    ne_workers_submit(e->pool, copy, len, &src, copy);
    return 0;
}

/* ---- progress on a terminal ------------------------------------------ */

typedef struct progress {
    int on;                 /* stderr is a terminal */
    long long total;        /* input size when stdin is a regular file, else -1 */
    long long read;         /* bytes read so far */
    long records;
    double t0, next;        /* start; time of the next redraw */
} progress;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_init(progress *p, FILE *in)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    p->on = isatty(fileno(stderr));
    p->total = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    p->t0 = mono_s();
    p->next = p->t0 + 0.25;
}

/* Bytes as "12.3 MB". */
static void human_bytes(char *out, size_t len, double b)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1000 && u < 4) { b /= 1000; u++; }
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

/* Redraws the line at most four times a second, and once at the end
 * (final: with a newline). A clock read per record: about 20 ns. */
static void progress_show(progress *p, int final)
{
    if (!p->on) return;
    double now = mono_s();
    if (!final && now < p->next) return;
    p->next = now + 0.25;
    double el = now - p->t0 > 1e-6 ? now - p->t0 : 1e-6;
    char rd[32], tot[32], eta[48] = "";
    human_bytes(rd, sizeof rd, (double)p->read);
    if (p->total >= 0) {
        human_bytes(tot, sizeof tot, (double)p->total);
        if (!final && p->read > 0) {
            double left = (double)(p->total - p->read) / ((double)p->read / el);
            snprintf(eta, sizeof eta, ", ETA %.0fm%02.0fs", left > 0 ? (double)(long)(left / 60) : 0.0,
                     left > 0 ? left - 60.0 * (double)(long)(left / 60) : 0.0);
        }
        fprintf(stderr, "\r\033[K%ld records, %.0f/s, %s of %s read (%.0f%%)%s%s", p->records,
                (double)p->records / el, rd, tot, p->total ? 100.0 * (double)p->read / (double)p->total : 100.0,
                eta, final ? "\n" : "");
    } else {
        fprintf(stderr, "\r\033[K%ld records, %.0f/s, %s read%s", p->records, (double)p->records / el, rd,
                final ? "\n" : "");
    }
    fflush(stderr);
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

static const char *first_nonblank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return s + i;
    return NULL;
}

int ne_cmd_enrich(const ne_config *cfg, FILE *in, FILE *out, enum ne_enrich_output output)
{
    char err[512];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0, mode = 0; /* 0 undecided, 'j' JSON lines, 't' plain text */
    nebuf pending = {0};
    enricher e = {.cfg = cfg, .out = out, .output = output, .last_topic = -1};
    progress prog;
    progress_init(&prog, in);
    /* Summary lines on the same terminal first clear the progress line. */
    e.progress_on = prog.on && isatty(fileno(out));
    ne_log_progress_line(prog.on);

    if (!(e.p = ne_pipeline_new(cfg, err, sizeof err))) {
        fprintf(stderr, "newsenrich enrich: %s\n", err);
        return 1;
    }
    int threads = ne_workers_count(cfg);
    if (threads > 1 && !(e.pool = ne_workers_new(e.p, threads, err, sizeof err))) {
        fprintf(stderr, "newsenrich enrich: %s\n", err);
        ne_pipeline_free(e.p);
        return 1;
    }

    while ((n = getline(&line, &cap, in)) >= 0) {
        prog.read += n;
        if (mode == 0) {
            /* Leading blank lines belong to a plain-text article, if it is one. */
            nebuf_append(&pending, line, (size_t)n);
            const char *c = first_nonblank(line, (size_t)n);
            if (!c) { lineno++; continue; }
            mode = *c == '{' ? 'j' : 't';
            if (mode == 'j') nebuf_reset(&pending); else { lineno++; continue; }
        }
        if (mode == 't') {
            nebuf_append(&pending, line, (size_t)n);
        } else {
            size_t len = (size_t)n;
            if (len && line[len - 1] == '\n') len--;
            if (len && line[len - 1] == '\r') len--;
            if (!is_blank(line, len)) {
                if (process_one(&e, line, len, lineno)) {
                    rc = 1;
                    break;
                }
                prog.records++;
                progress_show(&prog, 0);
            }
        }
        lineno++;
    }
    if (rc == 0 && mode == 't' && process_one(&e, pending.p, pending.len, 0))
        rc = 1;
    if (rc == 0 && mode == 0 && pending.len) /* only blank input: still an answer */
        if (process_one(&e, pending.p, pending.len, 0)) rc = 1;
    if (e.pool) {
        int more;
        while (rc == 0 && (more = finish_one(&e, 1)) != 0)
            if (more < 0) rc = 1;
        for (char *copy; (copy = ne_workers_drop(e.pool));) free(copy);   /* after a write error */
    }
    if (ferror(in)) {
        fprintf(stderr, "newsenrich enrich: reading stdin failed\n");
        rc = 1;
    }
    if (fflush(out) != 0) rc = 1;
    if (mode == 't' || (mode == 0 && pending.len)) prog.records = 1;
    progress_show(&prog, 1);
    ne_log_progress_line(0);

    ne_pipeline_stats st;
    ne_pipeline_get_stats(e.p, &st);
    if (output == NE_ENRICH_SUMMARY) {
        fprintf(out, "\n%llu record(s): %llu enriched, %llu exact duplicate(s), %llu dead-lettered; "
                "%ld claim(s), %ld alert(s).\n", (unsigned long long)st.records,
                (unsigned long long)st.enriched, (unsigned long long)st.duplicates,
                (unsigned long long)st.rejected, e.claims, e.alerts);
        if (fflush(out) != 0) rc = 1;
    }
    ne_log(NE_LOG_INFO, "enrich", "%llu records: %llu enriched, %llu duplicates, %llu dead-lettered",
           (unsigned long long)st.records, (unsigned long long)st.enriched,
           (unsigned long long)st.duplicates, (unsigned long long)st.rejected);

    free(line);
    nebuf_free(&pending);
    nebuf_free(&e.line_buf);
    ne_outbox_free(&e.ob);
    ne_workers_free(e.pool);
    ne_pipeline_free(e.p);
    return rc;
}
