/* `newsenrich enrich`: the pipeline without a broker. The input is JSON
 * lines when its first non-blank byte is '{' (one record a line; blank
 * lines are not records), otherwise one plain-text article. Each event is
 * printed as {"topic","key","headers","value"} (dead letters: "value_b64",
 * the original bytes) in input order. Dead letters name the source as
 * topic "stdin", partition 0 and offset = the 0-based line number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cmd/commands.h"
#include "common/log.h"
#include "common/nebuf.h"
#include "enrichers/pipeline.h"

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

static int process_one(ne_pipeline *p, const ne_config *cfg, const char *rec, size_t len,
                       long line, ne_outbox *ob, nebuf *line_buf, FILE *out)
{
    ne_origin src = {"stdin", 0, line, NULL, 0};
    ne_pipeline_process(p, rec, len, &src, ob);
    nebuf_reset(line_buf);
    for (size_t i = 0; i < ob->n; i++) render_event(line_buf, cfg, &ob->ev[i]);
    return fwrite(line_buf->p, 1, line_buf->len, out) == line_buf->len ? 0 : -1;
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

int ne_cmd_enrich(const ne_config *cfg, FILE *in, FILE *out)
{
    char err[512];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0, mode = 0; /* 0 undecided, 'j' JSON lines, 't' plain text */
    nebuf pending = {0}, outbuf = {0};
    ne_outbox ob = {0};

    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (!p) {
        fprintf(stderr, "newsenrich enrich: %s\n", err);
        return 1;
    }

    while ((n = getline(&line, &cap, in)) >= 0) {
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
            if (!is_blank(line, len) && process_one(p, cfg, line, len, lineno, &ob, &outbuf, out)) {
                rc = 1;
                break;
            }
        }
        lineno++;
    }
    if (rc == 0 && mode == 't' && process_one(p, cfg, pending.p, pending.len, 0, &ob, &outbuf, out))
        rc = 1;
    if (rc == 0 && mode == 0 && pending.len) /* only blank input: still an answer */
        if (process_one(p, cfg, pending.p, pending.len, 0, &ob, &outbuf, out)) rc = 1;
    if (ferror(in)) {
        fprintf(stderr, "newsenrich enrich: reading stdin failed\n");
        rc = 1;
    }
    if (fflush(out) != 0) rc = 1;

    ne_pipeline_stats st;
    ne_pipeline_get_stats(p, &st);
    ne_log(NE_LOG_INFO, "enrich", "%llu records: %llu enriched, %llu duplicates, %llu dead-lettered",
           (unsigned long long)st.records, (unsigned long long)st.enriched,
           (unsigned long long)st.duplicates, (unsigned long long)st.rejected);

    free(line);
    nebuf_free(&pending);
    nebuf_free(&outbuf);
    ne_outbox_free(&ob);
    ne_pipeline_free(p);
    return rc;
}
