/* syntax_train — trains and evaluates the grammatical-role tagger
 * (enrichers/syntax/syntax.h) on UD English EWT.
 *
 *   syntax_train --data DIR --out models/syntax.model [--bits B] [--epochs N]
 *       trains on DIR/en_ewt-ud-train.conllu, an averaged perceptron with
 *       greedy left-to-right decoding; after each epoch the averaged model
 *       is scored on EWT dev and the best epoch kept (dev selects; test is
 *       never looked at while training); deterministic (fixed order).
 *   syntax_train --data DIR --eval models/syntax.model
 *       label accuracy of a model file on EWT dev and test, overall and for
 *       the labels coreference reads (nsubj, obj, obl, nmod, poss), and
 *       tagging speed.
 *
 * Tokens are merged as the text stage tokenises: a multiword token
 * ("don't") is one token, and a word followed without a space by "'s",
 * "'" or "n't" ("Trump 's") is one, labelled as its first part.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"
#include "enrichers/syntax/syntax.h"

typedef struct sent {
    size_t n;
    ne_syn_word *w;
    uint8_t *gold;
} sent;

typedef struct corpus { sent *s; size_t n, cap; char *buf; } corpus;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long l = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = ne_xmalloc((size_t)l + 1);
    size_t r = fread(b, 1, (size_t)l, f);
    fclose(f);
    b[r] = '\0';
    *len = r;
    return b;
}

/* column k (0-based) of a tab-separated line, NUL-terminated in place */
static char *col(char **cols, char *line, int ncols)
{
    int k = 0;
    cols[k++] = line;
    for (char *p = line; *p && k < ncols; p++)
        if (*p == '\t') { *p = '\0'; cols[k++] = p + 1; }
    return k == ncols ? cols[0] : NULL;
}

typedef struct rawtok { char *form; char *deprel; int space_after; int mwt_end; } rawtok;

static void flush(corpus *c, rawtok *rt, size_t nrt)
{
    if (!nrt) return;
    ne_syn_word *w = ne_xmalloc(nrt * sizeof *w);
    uint8_t *g = ne_xmalloc(nrt);
    size_t n = 0;
    for (size_t i = 0; i < nrt; i++) {
        const char *f = rt[i].form;
        int joins = n > 0 && !rt[i - 1].space_after && strcmp(rt[i].deprel, "punct") != 0 &&
                    (f[0] == '\'' || !strncmp(f, "\xe2\x80\x99", 3) || !strcasecmp(f, "n't"));
        if (joins) {
            /* one token spanning both: the forms are adjacent in no buffer,
             * so the merged form is copied */
            size_t l1 = w[n - 1].len, l2 = strlen(f);
            char *m = ne_xmalloc(l1 + l2 + 1);
            memcpy(m, w[n - 1].s, l1);
            memcpy(m + l1, f, l2 + 1);
            w[n - 1].s = m;
            w[n - 1].len = (uint32_t)(l1 + l2);
            continue;
        }
        w[n].s = f;
        w[n].len = (uint32_t)strlen(f);
        g[n] = (uint8_t)ne_syntax_label_of(rt[i].deprel);
        n++;
    }
    if (c->n == c->cap) { c->cap = c->cap ? 2 * c->cap : 1024; c->s = ne_xrealloc(c->s, c->cap * sizeof *c->s); }
    c->s[c->n++] = (sent){ n, w, g };
}

static int load_conllu(corpus *c, const char *path)
{
    size_t len;
    memset(c, 0, sizeof *c);
    c->buf = slurp(path, &len);
    if (!c->buf) return -1;
    rawtok *rt = NULL;
    size_t nrt = 0, cap = 0;
    int mwt_to = 0;          /* a multiword token covers ids up to this */
    char *mwt_form = NULL;
    int mwt_space = 1;
    char *p = c->buf;
    while (*p) {
        char *e = strchr(p, '\n');
        if (e) *e = '\0';
        char *line = p;
        p = e ? e + 1 : p + strlen(p);
        if (line[0] == '\0') { flush(c, rt, nrt); nrt = 0; continue; }
        if (line[0] == '#') continue;
        char *cols[10];
        if (!col(cols, line, 10)) continue;
        if (strchr(cols[0], '.')) continue;             /* empty node */
        char *dash = strchr(cols[0], '-');
        if (dash) {
            mwt_to = atoi(dash + 1);
            mwt_form = cols[1];
            mwt_space = strstr(cols[9], "SpaceAfter=No") == NULL;
            continue;
        }
        int id = atoi(cols[0]);
        if (mwt_form && id <= mwt_to) {
            if (id == mwt_to) mwt_form = NULL;
            if (nrt && rt[nrt - 1].mwt_end) {           /* a later part: the form is taken */
                if (id == mwt_to) rt[nrt - 1].space_after = mwt_space;
                continue;
            }
            ne_grow(&rt, &cap, nrt + 1, sizeof *rt);
            rt[nrt++] = (rawtok){ mwt_form, cols[7], mwt_space, id != mwt_to };
            continue;
        }
        ne_grow(&rt, &cap, nrt + 1, sizeof *rt);
        rt[nrt++] = (rawtok){ cols[1], cols[7], strstr(cols[9], "SpaceAfter=No") == NULL, 0 };
    }
    flush(c, rt, nrt);
    free(rt);
    return 0;
}

/* ---- averaged perceptron ----------------------------------------------- */

typedef struct trainer {
    unsigned bits;
    size_t nw;
    float *w, *tot;
    uint32_t *ts;
    uint32_t t;
} trainer;

static void upd(trainer *tr, uint32_t row, int l, float d)
{
    size_t k = (size_t)row * NE_SYN_NLABELS + (size_t)l;
    tr->tot[k] += (float)(tr->t - tr->ts[k]) * tr->w[k];
    tr->ts[k] = tr->t;
    tr->w[k] += d;
}

static int best_label(const float *w, const uint32_t *rows, size_t nf)
{
    float s[NE_SYN_NLABELS] = { 0 };
    for (size_t k = 0; k < nf; k++) {
        const float *r = w + (size_t)rows[k] * NE_SYN_NLABELS;
        for (int l = 0; l < NE_SYN_NLABELS; l++) s[l] += r[l];
    }
    int b = 0;
    for (int l = 1; l < NE_SYN_NLABELS; l++) if (s[l] > s[b]) b = l;
    return b;
}

static void train_sent(trainer *tr, const sent *s, uint8_t *pred)
{
    ne_syn_ctx c;
    uint32_t rows[NE_SYNTAX_MAXF];
    size_t n = s->n < NE_SYNTAX_MAXTOK ? s->n : NE_SYNTAX_MAXTOK;
    ne_syntax_prepare(&c, s->w, n);
    for (size_t i = 0; i < n; i++) {
        size_t nf = ne_syntax_feats(&c, i, pred, tr->bits, rows);
        int b = best_label(tr->w, rows, nf);
        tr->t++;
        if (b != s->gold[i])
            for (size_t k = 0; k < nf; k++) { upd(tr, rows[k], s->gold[i], 1); upd(tr, rows[k], b, -1); }
        pred[i] = (uint8_t)b;    /* greedy: train on the labels it will see */
    }
}

static float *averaged(const trainer *tr)
{
    size_t n = tr->nw;
    float *a = ne_xmalloc(n * sizeof *a);
    for (size_t k = 0; k < n; k++) {
        float tot = tr->tot[k] + (float)(tr->t - tr->ts[k]) * tr->w[k];
        a[k] = tr->t ? tot / (float)tr->t : 0;
    }
    return a;
}

typedef struct acc { size_t ok, n, lok[NE_SYN_NLABELS], ln[NE_SYN_NLABELS]; } acc;

static void tag_float(const float *w, unsigned bits, const sent *s, uint8_t *pred)
{
    ne_syn_ctx c;
    uint32_t rows[NE_SYNTAX_MAXF];
    size_t n = s->n < NE_SYNTAX_MAXTOK ? s->n : NE_SYNTAX_MAXTOK;
    ne_syntax_prepare(&c, s->w, n);
    for (size_t i = 0; i < n; i++) pred[i] = (uint8_t)best_label(w, rows, ne_syntax_feats(&c, i, pred, bits, rows));
    for (size_t i = n; i < s->n; i++) pred[i] = 0;
}

static void score_sent(acc *a, const sent *s, const uint8_t *pred)
{
    for (size_t i = 0; i < s->n; i++) {
        int g = s->gold[i];
        a->n++; a->ln[g]++;
        if (pred[i] == g) { a->ok++; a->lok[g]++; }
    }
}

static acc eval_float(const float *w, unsigned bits, const corpus *c)
{
    acc a;
    memset(&a, 0, sizeof a);
    uint8_t pred[4096];
    for (size_t k = 0; k < c->n; k++) {
        if (c->s[k].n > sizeof pred) continue;
        tag_float(w, bits, &c->s[k], pred);
        score_sent(&a, &c->s[k], pred);
    }
    return a;
}

static void print_acc(const char *name, const acc *a)
{
    printf("%s: label accuracy %.4f (%zu tokens)", name, a->n ? (double)a->ok / a->n : 0, a->n);
    static const int show[] = { NE_SYN_NSUBJ, NE_SYN_OBJ, NE_SYN_OBL, NE_SYN_NMOD, NE_SYN_POSS, NE_SYN_APPOS, NE_SYN_MARK };
    for (size_t i = 0; i < sizeof show / sizeof *show; i++) {
        int l = show[i];
        printf("  %s %.3f", ne_syntax_label_name(l), a->ln[l] ? (double)a->lok[l] / a->ln[l] : 0);
    }
    printf("\n");
}

static int eval_model(const char *path, const corpus *dev, const corpus *test)
{
    char err[512];
    double t0 = now_s();
    ne_syntax_model *m = ne_syntax_load(path, err, sizeof err);
    double tl = now_s() - t0;
    if (!m) { fprintf(stderr, "%s\n", err); return 1; }
    uint8_t pred[4096];
    const corpus *cs[2] = { dev, test };
    const char *names[2] = { "EWT dev (selected on)", "EWT test (held out)" };
    size_t ntok = 0;
    double tt = 0;
    for (int k = 0; k < 2; k++) {
        acc a;
        memset(&a, 0, sizeof a);
        double t1 = now_s();
        for (size_t i = 0; i < cs[k]->n; i++) {
            const sent *s = &cs[k]->s[i];
            if (s->n > sizeof pred) continue;
            ne_syntax_tag(m, s->w, s->n, pred);
            score_sent(&a, s, pred);
        }
        tt += now_s() - t1;
        ntok += a.n;
        print_acc(names[k], &a);
    }
    printf("load %.1f ms, tagging %.2f M tokens/s\n", tl * 1e3, tt > 0 ? ntok / tt / 1e6 : 0);
    ne_syntax_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data/ud_ewt", *out = NULL, *evalp = NULL;
    unsigned bits = 16;
    int max_epochs = 12;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--eval") && i + 1 < argc) evalp = argv[++i];
        else if (!strcmp(argv[i], "--bits") && i + 1 < argc) bits = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) max_epochs = atoi(argv[++i]);
        else { fprintf(stderr, "usage: syntax_train --data DIR (--out MODEL | --eval MODEL) [--bits B] [--epochs N]\n"); return 2; }
    }
    if ((!out && !evalp) || bits < 8 || bits > 22) { fprintf(stderr, "syntax_train: --out or --eval\n"); return 2; }
    char p[1024];
    corpus train, dev, test;
    snprintf(p, sizeof p, "%s/en_ewt-ud-dev.conllu", data);
    if (load_conllu(&dev, p) != 0) { printf("skipped: %s not found\n", p); return evalp ? 0 : 1; }
    if (evalp) {
        snprintf(p, sizeof p, "%s/en_ewt-ud-test.conllu", data);
        if (load_conllu(&test, p) != 0) { printf("skipped: %s not found\n", p); return 0; }
        return eval_model(evalp, &dev, &test);
    }
    snprintf(p, sizeof p, "%s/en_ewt-ud-train.conllu", data);
    if (load_conllu(&train, p) != 0) { fprintf(stderr, "syntax_train: %s not found\n", p); return 1; }
    trainer tr = { .bits = bits, .nw = ((size_t)1 << bits) * NE_SYN_NLABELS };
    tr.w = ne_xcalloc(tr.nw, sizeof *tr.w);
    tr.tot = ne_xcalloc(tr.nw, sizeof *tr.tot);
    tr.ts = ne_xcalloc(tr.nw, sizeof *tr.ts);
    uint8_t pred[NE_SYNTAX_MAXTOK];
    float *best = NULL;
    double best_acc = -1;
    int best_ep = 0;
    for (int ep = 1; ep <= max_epochs; ep++) {
        /* a fixed, epoch-dependent order: deterministic, and not the same
         * sentence sequence every epoch */
        for (size_t k = 0; k < train.n; k++) {
            size_t j = (k * 7919 + (size_t)ep * 104729) % train.n;
            train_sent(&tr, &train.s[j], pred);
        }
        float *a = averaged(&tr);
        acc d = eval_float(a, bits, &dev);
        double da = (double)d.ok / d.n;
        printf("epoch %d: dev %.4f\n", ep, da);
        fflush(stdout);
        if (da > best_acc) { free(best); best = a; best_acc = da; best_ep = ep; }
        else free(a);
        if (ep - best_ep >= 2) break;
    }
    char info[256];
    snprintf(info, sizeof info, "UD EWT train, bits %u, epochs %d by EWT dev, dev accuracy %.4f", bits, best_ep, best_acc);
    if (ne_syntax_save(best, bits, info, out) != 0) { perror(out); return 1; }
    printf("%s: %s\n", out, info);
    return 0;
}
