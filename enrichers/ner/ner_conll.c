/* ner_conll — evaluation support: CoNLL-2003 files in memory and exact-
 * span entity counts (conlleval). Used by the tools (ner_train, ner_eval)
 * and the unit tests, not by the service; it stays in the library because
 * tests/unit/test_ner.c, which links only the library, reads CoNLL files
 * and checks the counting.
 */
#include "enrichers/ner/ner.h"

#include "common/nebuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ne_ner_corpus_free(ne_ner_corpus *c)
{
    if (!c) return;
    free(c->buf); free(c->toks); free(c->gold); free(c->sents); free(c->doc_sent);
    memset(c, 0, sizeof *c);
}

/* Ends the sentence of tokens [first, c->ntoks), if any: converts its
 * labels and records it; -1 on an unknown label. Sentences store token
 * offsets until the token array stops moving; ne_ner_corpus_read turns
 * them into pointers. */
static int corpus_end_sentence(ne_ner_corpus *c, size_t *cap_s, size_t first,
                               const char **labels)
{
    if (c->ntoks == first) return 0;
    ne_grow(&c->sents, cap_s, c->nsents + 1, sizeof *c->sents);
    if (ne_ner_iob_to_tags(labels + first, c->ntoks - first, c->gold + first) < 0) return -1;
    c->sents[c->nsents].toks = (const ne_ner_tok *)(uintptr_t)first;
    c->sents[c->nsents].ntoks = c->ntoks - first;
    c->nsents++;
    return 0;
}

int ne_ner_corpus_read(const char *path, ne_ner_corpus *c, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    size_t cap_t = 0, cap_s = 0, cap_d = 0, cap_l = 0, cap_lab = 0, len = 0, first = 0, lineno = 0;
    const char **labels = NULL;
    nebuf b = {0};
    char chunk[65536];
    size_t r;
    memset(c, 0, sizeof *c);
    if (!fp) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0) nebuf_append(&b, chunk, r);
    fclose(fp);
    c->buf = nebuf_detach(&b, &len);
#define CFAIL(...) do { snprintf(err, errlen, __VA_ARGS__); free(labels); ne_ner_corpus_free(c); return -1; } while (0)
    ne_grow(&c->doc_sent, &cap_d, 1, sizeof *c->doc_sent);
    c->doc_sent[0] = 0;
    for (char *line = c->buf, *next; line < c->buf + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(c->buf + len - line));
        next = nl ? nl + 1 : c->buf + len;
        if (nl) *nl = '\0';
        lineno++;
        size_t ll = strlen(line);
        while (ll && (line[ll - 1] == '\r' || line[ll - 1] == ' ')) line[--ll] = '\0';
        int docstart = strncmp(line, "-DOCSTART-", 10) == 0;
        if (ll == 0 || docstart) {
            if (corpus_end_sentence(c, &cap_s, first, labels) < 0)
                CFAIL("%s:%zu: unknown label in the sentence ending here", path, lineno);
            first = c->ntoks;
            if (docstart && c->nsents > c->doc_sent[c->ndocs]) {
                ne_grow(&c->doc_sent, &cap_d, c->ndocs + 2, sizeof *c->doc_sent);
                c->doc_sent[++c->ndocs] = c->nsents;
            }
            continue;
        }
        char *sp = strchr(line, ' '), *last = strrchr(line, ' ');
        if (!sp) CFAIL("%s:%zu: expected `token ... label`", path, lineno);
        *sp = '\0';
        ne_grow(&c->toks, &cap_t, c->ntoks + 1, sizeof *c->toks);
        ne_grow(&c->gold, &cap_l, c->ntoks + 1, 1);
        ne_grow(&labels, &cap_lab, c->ntoks + 1, sizeof *labels);
        c->toks[c->ntoks] = (ne_ner_tok){ line, (size_t)(sp - line) };
        labels[c->ntoks] = last + 1;
        c->ntoks++;
    }
    if (corpus_end_sentence(c, &cap_s, first, labels) < 0)
        CFAIL("%s: unknown label in the last sentence", path);
    if (c->nsents > c->doc_sent[c->ndocs]) {
        ne_grow(&c->doc_sent, &cap_d, c->ndocs + 2, sizeof *c->doc_sent);
        c->doc_sent[++c->ndocs] = c->nsents;
    }
#undef CFAIL
    free(labels);
    for (size_t s = 0; s < c->nsents; s++)
        c->sents[s].toks = c->toks + (uintptr_t)c->sents[s].toks;
    return 0;
}

/* Lower-case words a title-cased headline leaves lower past its first word. */
static int title_small_word(const char *p, size_t n)
{
    static const char *const w[] = { "a", "an", "the", "and", "or", "of", "to", "in", "on",
                                     "at", "by", "for", "as", "vs", "but", "nor" };
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        if (strlen(w[i]) == n && !strncasecmp(w[i], p, n)) return 1;
    return 0;
}

/* Upper- (up) or lower-cases one character at p (ASCII or Latin-1 in
 * UTF-8) in place; returns its byte length. */
static size_t recase_char(char *p, size_t n, int up)
{
    unsigned char c = (unsigned char)p[0];
    if (c < 0x80) {
        if (up && c >= 'a' && c <= 'z') p[0] = (char)(c - 32);
        if (!up && c >= 'A' && c <= 'Z') p[0] = (char)(c + 32);
        return 1;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len > n) len = n;
    if (c == 0xc3 && len == 2) {           /* U+00C0..U+00FF: case pairs 0x20 apart */
        unsigned char d = (unsigned char)p[1];
        if (up && d >= 0xa0 && d <= 0xbe && d != 0xb7) p[1] = (char)(d - 0x20);
        if (!up && d >= 0x80 && d <= 0x9e && d != 0x97) p[1] = (char)(d + 0x20);
    }
    return len;
}

void ne_ner_corpus_recase(const ne_ner_corpus *src, const size_t *docs, const uint8_t *modes,
                          size_t n, ne_ner_corpus *dst)
{
    size_t ns = 0, nt = 0, bytes = 0;
    memset(dst, 0, sizeof *dst);
    for (size_t k = 0; k < n; k++) {
        size_t s0 = src->doc_sent[docs[k]], s1 = src->doc_sent[docs[k] + 1];
        ns += s1 - s0;
        for (size_t s = s0; s < s1; s++)
            for (size_t i = 0; i < src->sents[s].ntoks; i++) bytes += src->sents[s].toks[i].len + 1, nt++;
    }
    dst->buf = ne_xmalloc(bytes + 1);
    dst->toks = ne_xmalloc((nt + 1) * sizeof *dst->toks);
    dst->gold = ne_xmalloc(nt + 1);
    dst->sents = ne_xmalloc((ns + 1) * sizeof *dst->sents);
    dst->doc_sent = ne_xmalloc((n + 1) * sizeof *dst->doc_sent);
    size_t bo = 0;
    for (size_t k = 0; k < n; k++) {
        size_t s0 = src->doc_sent[docs[k]], s1 = src->doc_sent[docs[k] + 1];
        dst->doc_sent[dst->ndocs++] = dst->nsents;
        for (size_t s = s0; s < s1; s++) {
            const ne_ner_sent *se = &src->sents[s];
            int lower_seen = 0;
            for (size_t i = 0; i < se->ntoks; i++)
                for (size_t b = 0; b < se->toks[i].len; b++)
                    lower_seen |= se->toks[i].ptr[b] >= 'a' && se->toks[i].ptr[b] <= 'z';
            size_t first = dst->ntoks;
            for (size_t i = 0; i < se->ntoks; i++) {
                const ne_ner_tok *tk = &se->toks[i];
                char *p = dst->buf + bo;
                memcpy(p, tk->ptr, tk->len);
                p[tk->len] = '\0';
                if (modes[k] == NE_NER_CASE_UPPER) {
                    for (size_t b = 0; b < tk->len;) b += recase_char(p + b, tk->len - b, 1);
                } else if (modes[k] == NE_NER_CASE_TITLE) {
                    if (!lower_seen)
                        for (size_t b = 0; b < tk->len;) b += recase_char(p + b, tk->len - b, 0);
                    if (i == 0 || !title_small_word(p, tk->len))
                        recase_char(p, tk->len, 1);
                    else
                        for (size_t b = 0; b < tk->len;) b += recase_char(p + b, tk->len - b, 0);
                }
                dst->toks[dst->ntoks] = (ne_ner_tok){ p, tk->len };
                dst->gold[dst->ntoks] = src->gold[tk - src->toks];
                dst->ntoks++;
                bo += tk->len + 1;
            }
            dst->sents[dst->nsents++] = (ne_ner_sent){ dst->toks + first, se->ntoks };
        }
    }
    dst->doc_sent[dst->ndocs] = dst->nsents;
}

void ne_ner_counts_add(ne_ner_counts *c, const uint8_t *gold, const uint8_t *pred, size_t n)
{
    ne_ner_span gs[256], ps[256], *g = gs, *p = ps;
    size_t ng = ne_ner_spans(gold, n, NULL, 0), np = ne_ner_spans(pred, n, NULL, 0);
    if (ng > 256) g = ne_xmalloc(ng * sizeof *g);
    if (np > 256) p = ne_xmalloc(np * sizeof *p);
    ne_ner_spans(gold, n, g, ng);
    ne_ner_spans(pred, n, p, np);
    size_t i = 0, j = 0;
    /* Both lists are ordered by start and do not overlap: merge. */
    while (i < ng || j < np) {
        if (i < ng && j < np && g[i].tok_start == p[j].tok_start) {
            if (g[i].tok_end == p[j].tok_end && g[i].type == p[j].type) c->tp[g[i].type]++;
            else { c->fn[g[i].type]++; c->fp[p[j].type]++; }
            i++; j++;
        } else if (j >= np || (i < ng && g[i].tok_start < p[j].tok_start)) {
            c->fn[g[i++].type]++;
        } else {
            c->fp[p[j++].type]++;
        }
    }
    if (g != gs) free(g);
    if (p != ps) free(p);
}

void ne_ner_prf(const ne_ner_counts *c, int type, double *p, double *r, double *f1)
{
    size_t tp = 0, fp = 0, fn = 0;
    for (int t = 0; t < 4; t++) {
        if (type >= 0 && t != type) continue;
        tp += c->tp[t]; fp += c->fp[t]; fn += c->fn[t];
    }
    double pp = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double rr = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    if (p) *p = pp;
    if (r) *r = rr;
    if (f1) *f1 = pp + rr > 0 ? 2 * pp * rr / (pp + rr) : 0;
}
