/* eval_html — article extraction (enrichers/html/) on the webextract pages.
 *
 *   eval_html [--data DIR] [--worst N] [--dump ID] [--title] [--train OUT.inc]
 *
 * Reads DIR/webextract/{readability.jsonl.gz,cleanportaleval.jsonl,
 * msv_big9.jsonl.gz,msv_chaos.jsonl.gz} (zlib's gzopen reads both forms),
 * one {"id","dataset","url","html","text"} a line, runs ne_html_extract()
 * on each page and scores the text against the gold `text` with the
 * article-extraction benchmark's measure: \w+ tokens, lower-cased, word
 * 4-grams counted as a multiset, precision and recall per page (a page
 * whose gold and output both have no 4-gram scores 1, one side empty 0),
 * F1 per page; reported per dataset and overall as the mean of the
 * per-page P, R and F1. Also: CPU time of ne_html_extract() alone
 * (CLOCK_PROCESS_CPUTIME_ID), ms per page, pages/s per core, and the mean
 * for the pages of 150-250 KB (the "~190 KB page").
 *
 * \w: ASCII letters, digits and '_', and every non-ASCII code point but
 * the Latin-1 and general punctuation and symbol blocks; lower-casing is
 * ASCII and Latin-1 (close to Python's re \w and str.lower on this data).
 *
 * --title scores title + "\n\n" + text (the MSV gold texts start with the
 * headline; the published body leaves a repeated headline out).
 * --worst N lists the N lowest-F1 training pages (folds 1-4: the held-out
 * fifth is looked at only as a whole); --dump ID prints one page's text.
 * Prints "skipped: …" and exits 0 when the data is absent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_tree.h>
#include <zlib.h>

#include "enrichers/html/html.h"
#include "enrichers/html/html_int.h"

static const char *const files[] = { "readability.jsonl.gz", "cleanportaleval.jsonl",
                                     "msv_big9.jsonl.gz", "msv_chaos.jsonl.gz" };
#define NFILES (sizeof files / sizeof files[0])

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- tokens and shingles ------------------------------------------------ */

static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    uint32_t cp;
    size_t need;
    if (c < 0x80) { (*i)++; return c; }
    if (c >= 0xF0) { need = 3; cp = c & 7; }
    else if (c >= 0xE0) { need = 2; cp = c & 15; }
    else if (c >= 0xC0) { need = 1; cp = c & 31; }
    else { (*i)++; return 0xFFFD; }
    if (*i + need >= n) { *i = n; return 0xFFFD; }
    for (size_t k = 1; k <= need; k++) cp = (cp << 6) | (s[*i + k] & 63);
    *i += need + 1;
    return cp;
}

static int word_cp(uint32_t c)
{
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                         (c >= 'A' && c <= 'Z') || c == '_';
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA || c == 0xB2 || c == 0xB3 || c == 0xB9;
    if (c == 0xD7 || c == 0xF7) return 0;
    if (c >= 0x2000 && c <= 0x2BFF) return 0;
    if (c >= 0x3000 && c <= 0x303F) return 0;
    if (c >= 0xFE30 && c <= 0xFE4F) return 0;
    if (c >= 0xFF00 && c <= 0xFF0F) return 0;
    if (c >= 0xFF1A && c <= 0xFF20) return 0;
    if (c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF)) return 0;
    if (c >= 0x1F000 && c <= 0x1FAFF) return 0;
    return 1;
}

static uint32_t lower_cp(uint32_t c)
{
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    return c;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDull;
}

/* Hashes of the word k-grams of s (unsorted); returns the count. */
static size_t kgrams(const char *s, size_t n, size_t k, uint64_t **out)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t *tok = NULL, *sh = NULL;
    size_t nt = 0, ct = 0, i = 0, ns = 0;
    uint64_t h = 0;
    int in = 0;
    while (i <= n) {
        uint32_t c = i < n ? next_cp(u, n, &i) : (i++, 0);
        if (c && word_cp(c)) {
            if (!in) { h = 1469598103934665603ull; in = 1; }
            h = (h ^ lower_cp(c)) * 1099511628211ull;
        } else if (in) {
            if (nt == ct) { ct = ct ? ct * 2 : 1024; tok = realloc(tok, ct * sizeof *tok); if (!tok) abort(); }
            tok[nt++] = h;
            in = 0;
        }
    }
    if (nt >= k) {
        sh = malloc((nt - k + 1) * sizeof *sh);
        if (!sh) abort();
        for (size_t a = 0; a + k <= nt; a++) {
            uint64_t x = mix(0, k);
            for (size_t b = 0; b < k; b++) x = mix(x, tok[a + b]);
            sh[ns++] = x;
        }
    }
    free(tok);
    *out = sh;
    return ns;
}

/* The word 4-grams of s. */
static size_t shingles(const char *s, size_t n, uint64_t **out)
{
    return kgrams(s, n, 4, out);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void score(const char *gold, size_t gn, const char *got, size_t tn,
                  double *p, double *r, double *f)
{
    uint64_t *a, *b;
    size_t na = shingles(gold, gn, &a), nb = shingles(got, tn, &b), i = 0, j = 0, tp = 0;
    if (!na && !nb) { *p = *r = *f = 1; return; }
    if (!na || !nb) { *p = nb ? 0 : 1; *r = na ? 0 : 1; *f = 0; free(a); free(b); return; }
    qsort(a, na, sizeof *a, cmp_u64);
    qsort(b, nb, sizeof *b, cmp_u64);
    while (i < na && j < nb) {
        if (a[i] == b[j]) { tp++; i++; j++; }
        else if (a[i] < b[j]) i++;
        else j++;
    }
    *p = (double)tp / (double)nb;
    *r = (double)tp / (double)na;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
    free(a);
    free(b);
}

/* ---- reading ------------------------------------------------------------ */

/* One line of a (possibly gzipped) file into *buf; returns its length or -1. */
static long read_line(gzFile g, char **buf, size_t *cap)
{
    size_t len = 0;
    for (;;) {
        if (*cap - len < 65536) {
            *cap = *cap ? *cap * 2 : 1 << 20;
            *buf = realloc(*buf, *cap);
            if (!*buf) abort();
        }
        if (!gzgets(g, *buf + len, (int)(*cap - len))) return len ? (long)len : -1;
        len += strlen(*buf + len);
        if (len && (*buf)[len - 1] == '\n') return (long)len;
    }
}

static const char *jstr(yajl_val o, const char *key)
{
    const char *path[] = { key, NULL };
    yajl_val v = yajl_tree_get(o, path, yajl_t_string);
    return v ? v->u.string : NULL;
}

struct res { char *id; double f, p, r, ms; size_t kb; };

struct agg { double p, r, f, ms, ms_mid; size_t n, n_mid, bytes; };

static void print_agg(const char *name, const struct agg *a)
{
    if (!a->n) return;
    printf("%-16s %5zu pages  P %.4f  R %.4f  F1 %.4f  %6.3f ms/page  %6.0f pages/s  "
           "%4.0f KB/page",
           name, a->n, a->p / a->n, a->r / a->n, a->f / a->n, a->ms / a->n,
           a->ms > 0 ? 1000.0 * a->n / a->ms : 0, a->bytes / 1024.0 / a->n);
    if (a->n_mid) printf("  150-250 KB: %.3f ms (%zu)", a->ms_mid / a->n_mid, a->n_mid);
    printf("\n");
}

static int cmp_res(const void *a, const void *b)
{
    double x = ((const struct res *)a)->f, y = ((const struct res *)b)->f;
    return x < y ? -1 : x > y;
}


/* ---- the block filter's training (--train) ------------------------------ */

/* A page is held out of training when the FNV-1a hash of its id is 0 mod
 * 5; the other pages fall in folds 1-4 (hash mod 5) for cross-validation. */
static unsigned page_fold(const char *id)
{
    uint32_t h = 2166136261u;
    for (const char *p = id; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    return h % 5;
}

struct sample { uint32_t f[HX_BLOCK_MAXF]; uint8_t nf, fold; int8_t y; float w; uint32_t ns; };
struct samples { struct sample *v; size_t n, cap; const uint64_t *gold[4]; size_t ngold[4]; unsigned fold; };

static int has_u64(const uint64_t *a, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && a[lo] == x;
}

/* The trace: a candidate block, labelled article text when most of its
 * word 4-grams (its words' k-grams, k = its word count, when it has fewer
 * than four words) are in the gold text. */
static void on_block(void *ctx, const char *s, size_t n, const uint32_t *f, size_t nf)
{
    struct samples *S = ctx;
    uint64_t *g = NULL;
    size_t k = 4, ng = kgrams(s, n, 4, &g), hit = 0;
    while (!ng) {
        free(g);
        g = NULL;
        if (--k == 0) return;
        ng = kgrams(s, n, k, &g);
    }
    for (size_t i = 0; i < ng; i++) hit += has_u64(S->gold[k - 1], S->ngold[k - 1], g[i]);
    free(g);
    if (S->n == S->cap) {
        S->cap = S->cap ? S->cap * 2 : 4096;
        S->v = realloc(S->v, S->cap * sizeof *S->v);
        if (!S->v) abort();
    }
    struct sample *x = &S->v[S->n++];
    memcpy(x->f, f, nf * sizeof *f);
    x->nf = (uint8_t)nf;
    x->fold = (uint8_t)S->fold;
    x->y = hit * 2 > ng ? 1 : -1;
    x->ns = (uint32_t)(k == 4 ? ng : 1);
    x->w = 1.0f;
    for (uint32_t q = x->ns; q > 1; q >>= 1) x->w += 0.5f;   /* 1 + log2(4-grams)/2 */
}

/* Averaged perceptron over the samples whose fold is not `skip`, `epochs`
 * passes in a fixed shuffled order; writes the averaged weights to w. */
static void perceptron(const struct samples *S, unsigned skip, int epochs, float *w)
{
    float *u = calloc(HX_BLOCK_DIM, sizeof *u), *wt = calloc(HX_BLOCK_DIM, sizeof *wt);
    size_t *order = malloc(S->n * sizeof *order), m = 0;
    double c = 1;
    uint64_t rng = 88172645463325252ull;
    if (!u || !wt || !order) abort();
    for (size_t i = 0; i < S->n; i++)
        if (S->v[i].fold != skip) order[m++] = i;
    for (int e = 0; e < epochs; e++) {
        for (size_t i = m; i > 1; i--) {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            size_t j = rng % i, t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t i = 0; i < m; i++, c++) {
            const struct sample *x = &S->v[order[i]];
            float sc = 0;
            for (size_t k = 0; k < x->nf; k++) sc += wt[x->f[k] & (HX_BLOCK_DIM - 1)];
            if (sc * x->y > 0) continue;
            for (size_t k = 0; k < x->nf; k++) {
                wt[x->f[k] & (HX_BLOCK_DIM - 1)] += x->y * x->w;
                u[x->f[k] & (HX_BLOCK_DIM - 1)] += (float)(x->y * x->w * c);
            }
        }
    }
    for (size_t i = 0; i < HX_BLOCK_DIM; i++) w[i] = wt[i] - u[i] / (float)c;
    free(u);
    free(wt);
    free(order);
}

static const float margins[] = { -32, -24, -20, -16, -12, -8, -6, -4, -3, -2, -1, 0 };
#define NMARGINS (sizeof margins / sizeof margins[0])

/* The 4-grams the filter would take out at each margin, article (lost)
 * and not (saved), over the samples of `fold` scored with w. */
static void assess(const struct samples *S, unsigned fold, const float *w, double *lost, double *saved)
{
    for (size_t i = 0; i < S->n; i++) {
        const struct sample *x = &S->v[i];
        float sc = 0;
        if (x->fold != fold) continue;
        for (size_t k = 0; k < x->nf; k++) sc += w[x->f[k] & (HX_BLOCK_DIM - 1)];
        for (size_t g = 0; g < NMARGINS; g++)
            if (sc < margins[g]) {
                if (x->y > 0) lost[g] += x->ns;
                else saved[g] += x->ns;
            }
    }
}

static int write_model(const char *path, const float *w, float margin, const char *note)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "/* html_blocks.inc — weights of the learned block filter (html_blocks.c).\n"
               " * Generated by `eval_html --train %s` (tools/eval_html.c): %s */\n"
               "#define HX_BLOCK_TRAINED 1\n#define HX_BLOCK_MARGIN %.2ff\n"
               "static const float hx_block_w[HX_BLOCK_DIM] = {\n", path, note, margin);
    for (size_t i = 0; i < HX_BLOCK_DIM; i++)
        fprintf(f, "%s%.4g%s", i % 8 == 0 ? "    " : "", w[i] == 0 ? 0.0 : (double)w[i],
                i + 1 == HX_BLOCK_DIM ? "\n" : i % 8 == 7 ? ",\n" : ", ");
    fprintf(f, "};\n");
    return fclose(f);
}

/* Collects the candidate blocks of the training pages, picks the epochs
 * and margin by 4-fold cross-validation (most 4-grams of non-article
 * text taken out less those of article text lost), trains on all the
 * training pages and writes the model to out. */
static int train(const char *data, const char *out)
{
    struct samples S = {0};
    char *line = NULL;
    size_t cap = 0, pages = 0;
    hx_set_trace(on_block, &S);
    for (size_t fi = 0; fi < NFILES; fi++) {
        char path[4096];
        gzFile g;
        long n;
        snprintf(path, sizeof path, "%s/webextract/%s", data, files[fi]);
        if (!(g = gzopen(path, "rb"))) continue;
        while ((n = read_line(g, &line, &cap)) > 0) {
            yajl_val o = yajl_tree_parse(line, NULL, 0);
            const char *html = o ? jstr(o, "html") : NULL, *gold = o ? jstr(o, "text") : NULL;
            const char *id = o ? jstr(o, "id") : NULL;
            ne_html_page page;
            uint64_t *gs[4];
            if (!html || !gold || !id || page_fold(id) == 0) { yajl_tree_free(o); continue; }
            for (size_t k = 0; k < 4; k++) {
                S.ngold[k] = kgrams(gold, strlen(gold), k + 1, &gs[k]);
                if (S.ngold[k]) qsort(gs[k], S.ngold[k], sizeof *gs[k], cmp_u64);
                S.gold[k] = gs[k];
            }
            S.fold = page_fold(id);
            if (ne_html_extract(html, strlen(html), &page) == 0) ne_html_page_reset(&page);
            for (size_t k = 0; k < 4; k++) free(gs[k]);
            pages++;
            yajl_tree_free(o);
        }
        gzclose(g);
    }
    hx_set_trace(NULL, NULL);
    free(line);
    if (!pages) { printf("skipped: no webextract data under %s/webextract\n", data); return 0; }
    size_t pos = 0;
    for (size_t i = 0; i < S.n; i++) pos += S.v[i].y > 0;
    printf("training pages %zu (folds 1-4; fold 0 held out), candidate blocks %zu, article %zu\n",
           pages, S.n, pos);
    static const int epoch_grid[] = { 2, 5, 10 };
    float *w = malloc(HX_BLOCK_DIM * sizeof *w);
    if (!w) abort();
    int best_e = 0;
    size_t best_g = 0;
    double best = -1e18;
    for (size_t ei = 0; ei < sizeof epoch_grid / sizeof epoch_grid[0]; ei++) {
        double lost[NMARGINS] = {0}, saved[NMARGINS] = {0};
        for (unsigned fold = 1; fold <= 4; fold++) {
            perceptron(&S, fold, epoch_grid[ei], w);
            assess(&S, fold, w, lost, saved);
        }
        for (size_t g = 0; g < NMARGINS; g++) {
            printf("  cv epochs %2d margin %5.1f: non-article 4-grams out %8.0f, article 4-grams lost %8.0f, net %8.0f\n",
                   epoch_grid[ei], margins[g], saved[g], lost[g], saved[g] - lost[g]);
            if (saved[g] - lost[g] > best) { best = saved[g] - lost[g]; best_e = epoch_grid[ei]; best_g = g; }
        }
    }
    printf("chosen: epochs %d, margin %.1f (cv net %.0f 4-grams)\n", best_e, margins[best_g], best);
    int rc = 0;
    if (best > 0) {
        char note[256];
        perceptron(&S, 99, best_e, w);
        snprintf(note, sizeof note, "%zu training pages, %zu blocks; epochs %d and margin %.1f by 4-fold CV.",
                 pages, S.n, best_e, margins[best_g]);
        rc = write_model(out, w, margins[best_g], note);
        printf("wrote %s\n", out);
    } else {
        printf("the filter takes out no more non-article than article text: no model written\n");
    }
    free(w);
    free(S.v);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data", *dump = NULL;
    const char *train_out = NULL;
    int worst = 0, with_title = 0;
    struct agg split[2] = {{0}};   /* training pages, held-out pages */
    struct agg total = {0};
    struct res *res = NULL;
    size_t nres = 0, capres = 0;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--worst") && i + 1 < argc) worst = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--title")) with_title = 1;
        else if (!strcmp(argv[i], "--train") && i + 1 < argc) train_out = argv[++i];
        else { fprintf(stderr, "usage: eval_html [--data DIR] [--worst N] [--dump ID] [--title] [--train OUT.inc]\n"); return 2; }
    }
    if (train_out) return train(data, train_out);
    for (size_t fi = 0; fi < NFILES; fi++) {
        char path[4096];
        gzFile g;
        struct agg a = {0}, atr = {0};   /* all pages, training pages */
        long n;
        const char *dsname = files[fi];
        char dsbuf[64] = "";
        snprintf(path, sizeof path, "%s/webextract/%s", data, files[fi]);
        if (!(g = gzopen(path, "rb"))) continue;
        found++;
        while ((n = read_line(g, &line, &cap)) > 0) {
            char err[256];
            yajl_val o = yajl_tree_parse(line, err, sizeof err);
            const char *html, *gold, *id, *ds;
            ne_html_page page;
            double t0, ms, p, r, f;
            char *got;
            size_t gotn;
            if (!o) { fprintf(stderr, "%s: bad line: %s\n", path, err); continue; }
            html = jstr(o, "html");
            gold = jstr(o, "text");
            id = jstr(o, "id");
            ds = jstr(o, "dataset");
            if (!html || !gold || !id) { yajl_tree_free(o); continue; }
            if (ds && !dsbuf[0]) snprintf(dsbuf, sizeof dsbuf, "%s", ds);
            if (dump && strcmp(dump, id) != 0) { yajl_tree_free(o); continue; }
            t0 = cpu_ms();
            if (ne_html_extract(html, strlen(html), &page) != 0) { yajl_tree_free(o); continue; }
            ms = cpu_ms() - t0;
            got = page.text;
            gotn = page.text_len;
            if (with_title && page.title) {
                size_t tl = strlen(page.title);
                got = malloc(tl + 2 + gotn + 1);
                if (!got) abort();
                memcpy(got, page.title, tl);
                memcpy(got + tl, "\n\n", 2);
                memcpy(got + tl + 2, page.text, gotn + 1);
                gotn += tl + 2;
            }
            score(gold, strlen(gold), got, gotn, &p, &r, &f);
            if (dump) {
                printf("id %s\ntitle %s\nurl %s\nlanguage %s\npublished_at %s\nsite %s\n",
                       id, page.title ? page.title : "-", page.url ? page.url : "-",
                       page.language ? page.language : "-",
                       page.published_at ? page.published_at : "-",
                       page.site_name ? page.site_name : "-");
                for (size_t k = 0; k < page.nauthors; k++) printf("author %s\n", page.authors[k]);
                printf("P %.3f R %.3f F1 %.3f  %.3f ms  elements %zu%s\n---\n%s\n", p, r, f, ms,
                       page.nelems, page.truncated ? " (truncated)" : "", got);
            }
            a.p += p; a.r += r; a.f += f; a.ms += ms; a.n++; a.bytes += strlen(html);
            {
                struct agg *sp = &split[page_fold(id) == 0];
                sp->p += p; sp->r += r; sp->f += f; sp->ms += ms; sp->n++; sp->bytes += strlen(html);
                if (page_fold(id) != 0) {
                    atr.p += p; atr.r += r; atr.f += f; atr.ms += ms; atr.n++; atr.bytes += strlen(html);
                }
            }
            if (strlen(html) >= 150 * 1024 && strlen(html) <= 250 * 1024) { a.ms_mid += ms; a.n_mid++; }
            if (worst && page_fold(id) != 0) {   /* held-out pages are not listed */
                if (nres == capres) {
                    capres = capres ? capres * 2 : 256;
                    res = realloc(res, capres * sizeof *res);
                    if (!res) abort();
                }
                res[nres].id = strdup(id);
                res[nres].f = f; res[nres].p = p; res[nres].r = r; res[nres].ms = ms;
                res[nres].kb = strlen(html) / 1024;
                nres++;
            }
            if (got != page.text) free(got);
            ne_html_page_reset(&page);
            yajl_tree_free(o);
        }
        gzclose(g);
        if (dsbuf[0]) dsname = dsbuf;
        if (!dump) {
            char trname[80];
            print_agg(dsname, &a);
            snprintf(trname, sizeof trname, "  %s train", dsname);
            print_agg(trname, &atr);
        }
        total.p += a.p; total.r += a.r; total.f += a.f; total.ms += a.ms; total.n += a.n;
        total.bytes += a.bytes; total.ms_mid += a.ms_mid; total.n_mid += a.n_mid;
    }
    free(line);
    if (!found) {
        printf("skipped: no webextract data under %s/webextract\n", data);
        return 0;
    }
    if (!dump) {
        print_agg("all", &total);
        print_agg("train (folds 1-4)", &split[0]);
        print_agg("held-out (fold 0)", &split[1]);
    }
    if (worst && nres) {
        qsort(res, nres, sizeof *res, cmp_res);
        for (size_t i = 0; i < nres && (int)i < worst; i++)
            printf("  F1 %.3f  P %.3f  R %.3f  %6.2f ms %5zu KB  %s\n", res[i].f, res[i].p,
                   res[i].r, res[i].ms, res[i].kb, res[i].id);
    }
    for (size_t i = 0; i < nres; i++) free(res[i].id);
    free(res);
    return 0;
}
