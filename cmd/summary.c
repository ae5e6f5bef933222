/* summary — see summary.h. Moved from the demo so that `enrich --summary`
 * prints the same account. */
#include "cmd/summary.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "common/xalloc.h"

static const char *jstr(yajl_val v, const char *k1, const char *k2)
{
    const char *path[] = {k1, k2, NULL};
    yajl_val s = yajl_tree_get(v, path, yajl_t_string);
    return s ? YAJL_GET_STRING(s) : NULL;
}

static long long jint(yajl_val v, const char *k1, const char *k2)
{
    const char *path[] = {k1, k2, NULL};
    yajl_val n = yajl_tree_get(v, path, yajl_t_number);
    return n && YAJL_IS_INTEGER(n) ? YAJL_GET_INTEGER(n) : 0;
}

/* Prints at most max characters of s with each run of whitespace as one
 * space: a hard-wrapped quote on one line. */
static void put_flat(FILE *out, const char *s, size_t max)
{
    size_t n = 0;
    int space = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') { space = 1; continue; }
        if ((c & 0xC0) != 0x80) {          /* a character starts */
            if (n + space >= max) break;
            if (space && n) { fputc(' ', out); n++; }
            space = 0;
            n++;
        }
        fputc(*s, out);
    }
    if (*s) fputs("…", out);
}

/* The widest line of a body whose paragraphs are hard-wrapped (several
 * lines, none wider than 80 columns, no blank line between them), or 0. */
static size_t wrapped_width(const char *body)
{
    size_t lines = 0, widest = 0, w = 0;
    if (!body || strstr(body, "\n\n")) return 0;
    for (const char *p = body;; p++) {
        if (*p == '\n' || !*p) {
            if (w > widest) widest = w;
            lines += w > 0;
            w = 0;
            if (!*p) break;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return lines >= 4 && widest <= 80 ? widest : 0;
}

/* An enriched article: its dedup decision, people and quotes. */
static void describe_enriched(FILE *out, yajl_val v)
{
    const char *title = jstr(v, "title", NULL), *format = jstr(v, "format", NULL);
    const char *status = jstr(v, "dedup", "status");
    fprintf(out, "    %-16s %s\n", jstr(v, "id", NULL), title ? title : "(no title)");
    if (format && !strcmp(format, "html")) {
        const char *key[] = {"authors", NULL};
        yajl_val au = yajl_tree_get(v, key, yajl_t_array);
        fprintf(out, "      format html, a web page: its article text, %zu bytes, extracted; by %s; %s\n",
                strlen(jstr(v, "body", NULL) ? jstr(v, "body", NULL) : ""),
                au && au->u.array.len && YAJL_IS_STRING(au->u.array.values[0])
                    ? au->u.array.values[0]->u.string : "(no author named)",
                jstr(v, "url", NULL) ? jstr(v, "url", NULL) : "(no url)");
    }
    size_t wrap = wrapped_width(jstr(v, "body", NULL));
    if (wrap)
        fprintf(out, "      format %s, hard-wrapped at up to %zu columns: a line break inside a paragraph reads "
                "as a space\n", format ? format : "text", wrap);
    const char *of = status && !strcmp(status, "update") ? jstr(v, "dedup", "update_of")
                                                         : jstr(v, "dedup", "duplicate_of");
    const char *simp[] = {"dedup", "similarity", NULL};
    yajl_val sim = yajl_tree_get(v, simp, yajl_t_number);
    char simtxt[48] = "";
    if (of && sim) snprintf(simtxt, sizeof simtxt, " (similarity %.2f)", YAJL_GET_DOUBLE(sim));
    fprintf(out, "      %lld tokens, %lld sentences; dedup: %s%s%s%s, story %s\n",
            jint(v, "stats", "tokens"), jint(v, "stats", "sentences"), status,
            of ? " of " : "", of ? of : "", simtxt, jstr(v, "dedup", "story_id"));
    if (status && !strcmp(status, "update"))
        fprintf(out, "      a new version of %s: enriched again; its earlier quotes are claims already seen\n", of);
    yajl_val ents = yajl_tree_get(v, (const char *[]){"entities", NULL}, yajl_t_array);
    fprintf(out, "      entities:");
    for (size_t i = 0; ents && i < YAJL_GET_ARRAY(ents)->len; i++) {
        yajl_val e = YAJL_GET_ARRAY(ents)->values[i];
        fprintf(out, "%s %s (%s%s)", i ? "," : "", jstr(e, "name", NULL), jstr(e, "type", NULL),
                YAJL_IS_TRUE(yajl_tree_get(e, (const char *[]){"watched", NULL}, yajl_t_any)) ? ", watched" : "");
    }
    fputc('\n', out);
    yajl_val quotes = yajl_tree_get(v, (const char *[]){"quotes", NULL}, yajl_t_array);
    for (size_t i = 0; quotes && i < YAJL_GET_ARRAY(quotes)->len; i++) {
        yajl_val q = YAJL_GET_ARRAY(quotes)->values[i];
        const char *who = jstr(q, "speaker", "name") ? jstr(q, "speaker", "name") : jstr(q, "speaker", "text");
        fprintf(out, "      %-8s %-18s \"", jstr(q, "kind", NULL), who ? who : "(nobody)");
        put_flat(out, jstr(q, "text", NULL), 60);
        fputs("\"\n", out);
    }
}

int ne_summary_shows(enum ne_topic t)
{
    return t == NE_TOPIC_ENRICHED || t == NE_TOPIC_DUPLICATES || t == NE_TOPIC_CLAIMS || t == NE_TOPIC_ALERTS ||
           t == NE_TOPIC_DLQ;
}

void ne_summary_event(FILE *out, enum ne_topic t, const char *value, size_t len, const char *reason,
                      const char *detail)
{
    if (t == NE_TOPIC_DLQ) {
        fprintf(out, "    %-13s %s\n", reason ? reason : "", detail ? detail : "");
        return;
    }
    if (!ne_summary_shows(t)) return;
    char *json = ne_xstrndup(value ? value : "", value ? len : 0);
    yajl_val v = yajl_tree_parse(json, NULL, 0);
    if (!v) { fprintf(out, "    (unparsable value)\n"); free(json); return; }
    if (t == NE_TOPIC_ENRICHED)
        describe_enriched(out, v);
    else if (t == NE_TOPIC_DUPLICATES)
        fprintf(out, jstr(v, "kind", NULL) && !strcmp(jstr(v, "kind", NULL), "update")
                         ? "    %-16s %s of %s (a new version, enriched)\n"
                         : "    %-16s %s duplicate of %s\n",
                jstr(v, "id", NULL), jstr(v, "kind", NULL), jstr(v, "duplicate_of", NULL));
    else if (t == NE_TOPIC_CLAIMS) {
        fprintf(out, "    %-16s %-5s ", jstr(v, "article_id", NULL),
                YAJL_IS_TRUE(yajl_tree_get(v, (const char *[]){"new", NULL}, yajl_t_any)) ? "new" : "seen");
        put_flat(out, jstr(v, "quote", "text"), 70);
        fputc('\n', out);
    }
    else if (t == NE_TOPIC_ALERTS)
        fprintf(out, "    %-16s for %s: %s (%s)\n", jstr(v, "subscription_id", NULL),
                jstr(v, "person", "name"), jstr(v, "claim_id", NULL), jstr(v, "role", NULL));
    yajl_tree_free(v);
    free(json);
}
