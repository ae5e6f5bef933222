/* eval_dedup — precision and recall of exact and near duplicate detection
 * on a set built from real text.
 *
 *   eval_dedup POLNEAR_DIR [SEED]
 *
 * The set: every PolNeAR article (train + dev, 924 US political news
 * articles of 2015-16) as an original, plus for each original one copy of
 * each kind below, with its own id and url:
 *   exact       the same text
 *   repunct     quote marks straightened, dashes and spacing changed,
 *               paragraphs joined by single line breaks, some words
 *               upper-cased (a copy through another CMS)
 *   trimmed     the last 15-30 % of the paragraphs dropped (at least one)
 *   inserted    one paragraph of an unrelated article inserted
 *   deleted     one paragraph from the middle deleted
 *   combo       repunct + deleted + inserted
 * The originals go first in random order, then the copies in random order.
 * Every article runs through the dedup stage (both halves) as in the
 * service. Negatives are the originals themselves: different articles,
 * many on the same story (the same day's campaign events by seven
 * outlets); two originals with the same text are a true exact pair.
 *
 * A copy flagged as a duplicate of its original or of another copy of it
 * is a true positive; any other flag is a false positive; an unflagged
 * copy is a false negative. Prints precision, recall, per-kind recall, how
 * many exact/repunct copies were called exact, the similarity reported
 * for near copies, and lookups/s. Exit 0 when precision >= 0.99 and
 * recall >= 0.97, 1 otherwise, 2 on bad usage or missing data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/dedup/dedup_int.h"

enum kind { K_ORIGINAL = 0, K_EXACT, K_REPUNCT, K_TRIMMED, K_INSERTED, K_DELETED, K_COMBO, K__COUNT };
static const char *const kind_names[K__COUNT] = {"original", "exact", "repunct", "trimmed",
                                                 "inserted", "deleted", "combo"};

typedef struct article {
    char *id, *text, *date;
    int family;        /* index of the original it derives from */
    enum kind kind;
} article;

typedef struct corpus {
    article *a;
    size_t n, cap;
} corpus;

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static size_t rnd_below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static article *add(corpus *c)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->a = realloc(c->a, c->cap * sizeof *c->a);
        if (!c->a) abort();
    }
    article *a = &c->a[c->n++];
    memset(a, 0, sizeof *a);
    return a;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) abort();
    return p;
}

static int load(corpus *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    char err[128];
    while (getline(&line, &cap, f) > 0) {
        yajl_val o = yajl_tree_parse(line, err, sizeof err);
        const char *id_path[] = {"doc_id", NULL}, *text_path[] = {"text", NULL}, *date_path[] = {"date", NULL};
        const char *id = YAJL_GET_STRING(yajl_tree_get(o, id_path, yajl_t_string));
        const char *text = YAJL_GET_STRING(yajl_tree_get(o, text_path, yajl_t_string));
        const char *date = YAJL_GET_STRING(yajl_tree_get(o, date_path, yajl_t_string));
        if (id && text) {
            article *a = add(c);
            a->id = xstrdup(id);
            a->text = xstrdup(text);
            a->date = date ? xstrdup(date) : NULL;
            a->family = (int)(c->n - 1);
            a->kind = K_ORIGINAL;
        }
        yajl_tree_free(o);
    }
    free(line);
    fclose(f);
    return 0;
}

/* ---- paragraphs and variants -------------------------------------------- */

typedef struct paras {
    char **p;
    size_t n;
} paras;

static paras split(const char *text)
{
    paras ps = {0};
    ps.p = malloc((strlen(text) / 2 + 2) * sizeof *ps.p);
    const char *s = text;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len) ps.p[ps.n++] = strndup(s, len);
        s += len + (e ? 1 : 0);
    }
    return ps;
}

static void paras_free(paras *ps)
{
    for (size_t i = 0; i < ps->n; i++) free(ps->p[i]);
    free(ps->p);
}

static char *join(char **p, size_t n, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(p[i]) + strlen(sep);
    char *s = malloc(len);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(s, sep);
        strcat(s, p[i]);
    }
    return s;
}

/* Straight quotes, "--" for dashes, double spaces after sentences, and
 * every seventh word upper-cased: what another CMS makes of a text. */
static char *repunctuate(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(2 * n + 1), *o = out;
    int words = 0, in_word = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)text + i;
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9D)) { *o++ = '"'; i += 3; continue; }
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x98 || u[2] == 0x99)) { *o++ = '\''; i += 3; continue; }
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94)) { *o++ = '-'; *o++ = '-'; i += 3; continue; }
        char ch = text[i++];
        int alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (alpha && !in_word) words++;
        in_word = alpha;
        if (alpha && words % 7 == 0 && ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
        *o++ = ch;
        if (ch == '.' && i < n && text[i] == ' ') *o++ = ' ';
    }
    *o = '\0';
    return out;
}

/* Copy of kind k of original `orig`; unrelated paragraphs come from the
 * first norig articles (the originals). */
static char *make_variant(const corpus *c, size_t norig, size_t orig, enum kind k)
{
    const char *text = c->a[orig].text;
    paras ps = split(text);
    char *out = NULL;
    switch (k) {
    case K_EXACT:
        out = xstrdup(text);
        break;
    case K_REPUNCT: {
        char *j = join(ps.p, ps.n, "\n");
        out = repunctuate(j);
        free(j);
        break;
    }
    case K_TRIMMED: {
        size_t drop = ps.n * (15 + rnd_below(16)) / 100;
        if (drop < 1) drop = 1;
        if (drop >= ps.n) drop = ps.n - 1;
        out = join(ps.p, ps.n - drop, "\n\n");
        break;
    }
    case K_INSERTED:
    case K_DELETED:
    case K_COMBO: {
        char **p = malloc((ps.n + 1) * sizeof *p);
        size_t n = 0;
        size_t del = ps.n > 2 ? 1 + rnd_below(ps.n - 2) : (size_t)-1;
        for (size_t i = 0; i < ps.n; i++)
            if (!(k != K_INSERTED && i == del)) p[n++] = ps.p[i];
        char *extra = NULL;
        if (k != K_DELETED) {
            size_t other = rnd_below(norig);
            while (c->a[other].family == c->a[orig].family) other = rnd_below(norig);
            paras op = split(c->a[other].text);
            extra = xstrdup(op.p[op.n > 1 ? 1 + rnd_below(op.n - 1) : 0]);
            paras_free(&op);
            size_t at = 1 + rnd_below(n);
            memmove(p + at + 1, p + at, (n - at) * sizeof *p);
            p[at] = extra;
            n++;
        }
        char *j = join(p, n, "\n\n");
        out = k == K_COMBO ? repunctuate(j) : j;
        if (k == K_COMBO) free(j);
        free(extra);
        free(p);
        break;
    }
    default:
        break;
    }
    paras_free(&ps);
    return out;
}

/* ---- evaluation ----------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The real shingle similarity of two texts (all shingles, no sketch):
 * the stage's definition, max(Jaccard, containment of the smaller when it
 * is at least half the larger). To tell a miscall from a real near
 * duplicate among the originals. */
static double true_similarity(const char *a, const char *b)
{
    dd_scratch sa = {0}, sb = {0};
    dd_fp fa, fb;
    dd_fingerprint(&sa, a, strlen(a), NULL, &fa);
    dd_fingerprint(&sb, b, strlen(b), NULL, &fb);
    /* the stage keeps its shingles in first-occurrence order */
    qsort(sa.sh, sa.nsh, sizeof *sa.sh, cmp_u64);
    qsort(sb.sh, sb.nsh, sizeof *sb.sh, cmp_u64);
    size_t i = 0, j = 0, inter = 0;
    while (i < sa.nsh && j < sb.nsh) {
        if (sa.sh[i] == sb.sh[j]) { inter++; i++; j++; }
        else if (sa.sh[i] < sb.sh[j]) i++;
        else j++;
    }
    double uni = (double)(sa.nsh + sb.nsh - inter);
    double jac = uni > 0 ? (double)inter / uni : 0;
    size_t lo = sa.nsh < sb.nsh ? sa.nsh : sb.nsh, hi = sa.nsh < sb.nsh ? sb.nsh : sa.nsh;
    double sim = jac;
    if (lo && 2 * lo >= hi && (double)inter / (double)lo > sim) sim = (double)inter / (double)lo;
    dd_scratch_free(&sa);
    dd_scratch_free(&sb);
    return sim;
}

/* Normalised equality of two originals (whitespace-insensitive): the
 * ground truth for duplicates inside PolNeAR itself. */
static int same_text(const char *a, const char *b)
{
    while (*a && *b) {
        while (*a == ' ' || *a == '\n') a++;
        while (*b == ' ' || *b == '\n') b++;
        if (*a != *b) return 0;
        if (*a) { a++; b++; }
    }
    while (*a == ' ' || *a == '\n') a++;
    while (*b == ' ' || *b == '\n') b++;
    return *a == *b;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: eval_dedup POLNEAR_DIR [SEED]\n");
        return 2;
    }
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20161108;
    corpus c = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/train.jsonl", argv[1]);
    if (load(&c, path)) { fprintf(stderr, "eval_dedup: %s: not found\n", path); return 2; }
    snprintf(path, sizeof path, "%s/dev.jsonl", argv[1]);
    load(&c, path);
    size_t norig = c.n;

    /* the same text twice in PolNeAR: its later copy belongs to the first */
    for (size_t i = 0; i < norig; i++)
        for (size_t j = 0; j < i; j++)
            if (c.a[j].family == (int)j && same_text(c.a[i].text, c.a[j].text)) { c.a[i].family = (int)j; break; }

    for (size_t i = 0; i < norig; i++)
        for (int k = K_EXACT; k < K__COUNT; k++) {
            article *a = add(&c);
            char id[512];
            snprintf(id, sizeof id, "%s~%s", c.a[i].id, kind_names[k]);
            a->id = xstrdup(id);
            a->text = make_variant(&c, norig, i, (enum kind)k);
            a->date = c.a[i].date ? xstrdup(c.a[i].date) : NULL;
            a->family = c.a[i].family;
            a->kind = (enum kind)k;
        }

    size_t *order = malloc(c.n * sizeof *order);
    for (size_t i = 0; i < c.n; i++) order[i] = i;
    for (size_t i = norig; i > 1; i--) { size_t j = rnd_below(i); size_t t = order[i - 1]; order[i - 1] = order[j]; order[j] = t; }
    for (size_t i = c.n - norig; i > 1; i--) {
        size_t j = norig + rnd_below(i), a = norig + i - 1;
        size_t t = order[a]; order[a] = order[j]; order[j] = t;
    }

    ne_config *cfg = ne_config_defaults();
    char err[256];
    ne_dedup_state *s = ne_dedup_create(cfg, err, sizeof err);
    if (!s) { fprintf(stderr, "eval_dedup: %s\n", err); return 2; }

    /* article id -> family, for judging duplicate_of */
    long tp = 0, fp = 0, fn = 0, flagged = 0, real_fp = 0;
    unsigned char *family_seen = calloc(c.n, 1);
    long kind_total[K__COUNT] = {0}, kind_hit[K__COUNT] = {0}, kind_exact[K__COUNT] = {0};
    double sim_sum[K__COUNT] = {0}, sim_min[K__COUNT];
    for (int k = 0; k < K__COUNT; k++) sim_min[k] = 1;
    double t_stage = 0;
    ne_doc doc = {0};
    for (size_t oi = 0; oi < c.n; oi++) {
        article *a = &c.a[order[oi]];
        ne_doc_reset(&doc);
        doc.id = xstrdup(a->id);
        doc.body = xstrdup(a->text);
        doc.body_len = strlen(doc.body);
        char url[600];
        snprintf(url, sizeof url, "https://%s.example/%s?utm_source=eval", kind_names[a->kind], a->id);
        doc.url = xstrdup(url);
        if (a->date) {
            char pub[40];
            snprintf(pub, sizeof pub, "%sT12:00:00Z", a->date);
            doc.published_at = xstrdup(pub);
        }
        double t0 = now_s();
        ne_dedup_process(s, &doc);
        if (doc.dedup.status != NE_DEDUP_EXACT) ne_dedup_finish(s, &doc);
        t_stage += now_s() - t0;

        /* a copy always; an original when an article of its family came first */
        int expect = a->kind != K_ORIGINAL || family_seen[a->family];
        family_seen[a->family] = 1;
        int got = doc.dedup.status != NE_DEDUP_UNIQUE;
        kind_total[a->kind]++;
        if (got) {
            flagged++;
            /* find the family of duplicate_of */
            int fam = -1;
            for (size_t j = 0; j < c.n && fam < 0; j++)
                if (strcmp(c.a[j].id, doc.dedup.duplicate_of) == 0) fam = c.a[j].family;
            if (expect && fam == a->family) {
                tp++;
                kind_hit[a->kind]++;
                if (doc.dedup.status == NE_DEDUP_EXACT) kind_exact[a->kind]++;
                sim_sum[a->kind] += doc.dedup.similarity;
                if (doc.dedup.similarity < sim_min[a->kind]) sim_min[a->kind] = doc.dedup.similarity;
            } else {
                fp++;
                const char *other = NULL;
                for (size_t j = 0; j < c.n && !other; j++)
                    if (strcmp(c.a[j].id, doc.dedup.duplicate_of) == 0) other = c.a[j].text;
                double real = other ? true_similarity(a->text, other) : 0;
                real_fp += real < cfg->dedup.near_threshold;
                printf("  false positive: %s (%s) -> %s (estimated %.3f, real shingle similarity %.3f)\n",
                       a->id, kind_names[a->kind], doc.dedup.duplicate_of, doc.dedup.similarity, real);
                if (expect) fn++;
            }
        } else if (expect) {
            fn++;
        }
    }
    ne_doc_reset(&doc);

    long positives = tp + fn;
    double precision = flagged ? (double)tp / (double)flagged : 1.0;
    double recall = positives ? (double)tp / (double)positives : 1.0;
    printf("dedup eval: %zu originals (PolNeAR train+dev) + %zu generated copies, seed %llu\n", norig,
           c.n - norig, (unsigned long long)(argc > 2 ? strtoull(argv[2], NULL, 10) : 20161108));
    printf("  threshold %.2f; %ld flagged, %ld true positives, %ld false positives, %ld missed\n",
           cfg->dedup.near_threshold, flagged, tp, fp, fn);
    printf("  precision %.4f   recall %.4f\n", precision, recall);
    printf("  of the %ld false positives, %ld are below the threshold in real shingle similarity (the "
           "rest are near duplicates already in PolNeAR, counted as errors anyway)\n", fp, real_fp);
    for (int k = K_EXACT; k < K__COUNT; k++)
        printf("  %-9s recall %.4f (%ld/%ld), called exact %ld, similarity mean %.3f min %.3f\n",
               kind_names[k], kind_total[k] ? (double)kind_hit[k] / kind_total[k] : 0, kind_hit[k],
               kind_total[k], kind_exact[k], kind_hit[k] ? sim_sum[k] / kind_hit[k] : 0, sim_min[k]);
    long natural = 0;
    for (size_t i = 0; i < norig; i++) natural += c.a[i].family != (int)i;
    printf("  identical texts among the originals themselves: %ld in PolNeAR, %ld found\n", natural,
           kind_hit[K_ORIGINAL]);
    ne_dedup_stats st;
    ne_dedup_get_stats(s, &st);
    printf("  stage time %.1f us/article (fingerprint + lookups + claims/story + insert), %llu stored, "
           "%zu B index\n", 1e6 * t_stage / (double)c.n, (unsigned long long)st.articles, st.bytes_index);
    int ok = precision >= 0.99 && recall >= 0.97;
    printf("  %s: precision >= 0.99 and recall >= 0.97\n", ok ? "PASS" : "FAIL");

    ne_dedup_destroy(s);
    ne_config_free(cfg);
    for (size_t i = 0; i < c.n; i++) {
        free(c.a[i].id);
        free(c.a[i].text);
        free(c.a[i].date);
    }
    free(c.a);
    free(order);
    free(family_seen);
    return ok ? 0 : 1;
}
