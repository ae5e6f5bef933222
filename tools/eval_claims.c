/* eval_claims — claim novelty on real quotes: is a quote's statement found
 * as "not new" when an earlier article carried it (or a variant, or a
 * longer version of it), and only then?
 *
 *   eval_claims POLNEAR_DIR [--synthetic N] [--seed S] [--no-sentences] [--show K] [--trace-fill]
 *
 * Quotes: PolNeAR's annotated attributions with content_has_quote_marks
 * (the content spans, joined by a space when a quote is interrupted), not
 * the pipeline's own quote extraction. Why: this measures the claim index,
 * and the annotated spans are the same quotes whatever the extractor does
 * (eval-quotes measures the extractor); they are also real, punctuated,
 * quote-marked text, which is what dd_claim_lookup() is given.
 *
 * The articles (train + dev, 924) are split at random (fixed seed) into
 * stored ones (70 %) and held-out ones. The state (default configuration,
 * so dedup.max_claims = 1,000,000, generations of 500,000) is filled
 * through the stage's own code path — dd_claim_lookup() then, when new,
 * dd_claim_insert(), as decide_claims() does — with, in this order:
 *   - N synthetic claims (default 400,000; random trigram lists drawn as
 *     bench_dedup --state draws them, 16-hex claim ids): the table at a
 *     realistic load, so fingerprint collisions happen as in service;
 *   - for every stored article, every attribution content (quoted or not)
 *     and, unless --no-sentences, every sentence of its text: real text,
 *     so frequent trigrams ("i do not") have the long posting lists that
 *     the 64-posting cut-offs act on;
 *   - for every held-out quote of >= 16 words, its first half, as a claim
 *     of its own earlier article (for the "other half" negatives).
 * Then only lookups (nothing more is inserted, so the order of queries
 * does not matter), each judged against
 *   - its label by construction, and
 *   - the rule itself decided exhaustively: the same normalised statement
 *     or >= 80 % of the query's trigrams in one stored real claim that
 *     holds each of its negations, numbers and names with a neighbour
 *     (dedup_claims.c), over an inverted list of every stored real claim's full 32-bit trigrams (no
 *     posting cut-off, no candidate cap, no sampling). Index and rule
 *     disagreeing is what the index's shortcuts cost.
 * Queries, from the stored articles' quotes with >= 8 words (positives):
 *   exact     the quote as it was
 *   repunct   curly quotes straightened, commas and semicolons dropped,
 *             the first word upper-cased, the whole in « »
 *   fillers   articles and filler words dropped, "really" inserted
 *   excerpt   a contiguous 60-80 % of the words
 *   ellipsis  a middle 20-30 % of the words replaced by " … "
 *   fragment  a contiguous 30-50 % (>= 5 words) of a quote of >= 16 words
 * and negatives:
 *   other     every held-out quote (another article's words); when the
 *             rule finds it anyway (the same words quoted by two outlets)
 *             it is a positive, counted apart as "other-repeat"
 *   negation  "not" inserted after the first auxiliary verb
 *   swap      a number changed, or a capitalised name replaced by another
 *   half      the second half of a held-out quote whose first half is
 *             stored
 * negation and swap are one-word changes: the rule (80 % of trigrams)
 * calls long quotes so changed "not new" by design; the rule column shows
 * how many of their false positives are the rule's, not the index's.
 *
 * Prints per kind: queries, found not new by the index and by the rule,
 * and disagreements; precision / recall of "not new" over the
 * construction labels, the false positive rate on the negatives, and CPU
 * time per lookup. Deterministic. Exit 0, or 2 on bad usage or missing
 * data (make eval-claims checks for the data first and skips). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "config/config.h"
#include "enrichers/dedup/dedup.h"
#include "enrichers/dedup/dedup_int.h"

typedef struct rng { uint64_t s; } rng;
static uint64_t rnd(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static size_t rnd_below(rng *r, size_t n) { return n ? (size_t)(rnd(r) % n) : 0; }

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) { fprintf(stderr, "eval_claims: out of memory\n"); exit(2); }
    return p;
}
static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) { fprintf(stderr, "eval_claims: out of memory\n"); exit(2); }
    return p;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- corpus ------------------------------------------------------------ */

typedef struct article {
    char *id, *text;
    char **quotes;  size_t nq;     /* content_has_quote_marks */
    char **attrs;   size_t na;     /* every attribution content */
    int stored;
} article;

typedef struct corpus { article *a; size_t n, cap; } corpus;

static char *join_spans(yajl_val content)
{
    if (!YAJL_IS_ARRAY(content)) return NULL;
    size_t len = 0;
    char *out = NULL;
    for (size_t i = 0; i < content->u.array.len; i++) {
        const char *tp[] = {"text", NULL};
        const char *t = YAJL_GET_STRING(yajl_tree_get(content->u.array.values[i], tp, yajl_t_string));
        if (!t) continue;
        size_t tl = strlen(t);
        out = xrealloc(out, len + tl + 2);
        if (len) out[len++] = ' ';
        memcpy(out + len, t, tl + 1);
        len += tl;
    }
    return out;
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
        const char *idp[] = {"doc_id", NULL}, *textp[] = {"text", NULL}, *attp[] = {"attributions", NULL};
        const char *id = YAJL_GET_STRING(yajl_tree_get(o, idp, yajl_t_string));
        const char *text = YAJL_GET_STRING(yajl_tree_get(o, textp, yajl_t_string));
        yajl_val atts = yajl_tree_get(o, attp, yajl_t_array);
        if (id && text) {
            if (c->n == c->cap) {
                c->cap = c->cap ? 2 * c->cap : 1024;
                c->a = xrealloc(c->a, c->cap * sizeof *c->a);
            }
            article *a = &c->a[c->n++];
            memset(a, 0, sizeof *a);
            a->id = xstrdup(id);
            a->text = xstrdup(text);
            for (size_t i = 0; atts && i < atts->u.array.len; i++) {
                yajl_val at = atts->u.array.values[i];
                const char *cp[] = {"content", NULL}, *qp[] = {"content_has_quote_marks", NULL};
                char *t = join_spans(yajl_tree_get(at, cp, yajl_t_array));
                if (!t) continue;
                a->attrs = xrealloc(a->attrs, (a->na + 1) * sizeof *a->attrs);
                a->attrs[a->na++] = t;
                if (YAJL_IS_TRUE(yajl_tree_get(at, qp, yajl_t_true))) {
                    a->quotes = xrealloc(a->quotes, (a->nq + 1) * sizeof *a->quotes);
                    a->quotes[a->nq++] = t;   /* shared with attrs */
                }
            }
        }
        yajl_tree_free(o);
    }
    free(line);
    fclose(f);
    return 0;
}

/* ---- words and variants -------------------------------------------------- */

/* Space-separated tokens of a text (copies). */
typedef struct toks { char **t; size_t n; } toks;

static toks split_ws(const char *s)
{
    toks k = {0};
    while (*s) {
        while (*s == ' ' || *s == '\n' || *s == '\t') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\n' && *e != '\t') e++;
        k.t = xrealloc(k.t, (k.n + 1) * sizeof *k.t);
        char *w = xrealloc(NULL, (size_t)(e - s) + 1);
        memcpy(w, s, (size_t)(e - s));
        w[e - s] = '\0';
        k.t[k.n++] = w;
        s = e;
    }
    return k;
}

static void toks_free(toks *k)
{
    for (size_t i = 0; i < k->n; i++) free(k->t[i]);
    free(k->t);
    memset(k, 0, sizeof *k);
}

/* Tokens [from, to) joined by spaces, with optional prefix/suffix. */
static char *join_range(const toks *k, size_t from, size_t to, const char *pre, const char *post)
{
    size_t len = strlen(pre) + strlen(post) + 1;
    for (size_t i = from; i < to; i++) len += strlen(k->t[i]) + 1;
    char *out = xrealloc(NULL, len);
    strcpy(out, pre);
    for (size_t i = from; i < to; i++) {
        if (i > from) strcat(out, " ");
        strcat(out, k->t[i]);
    }
    strcat(out, post);
    return out;
}

/* The token's letters, lower-cased (punctuation around it dropped). */
static void bare(const char *w, char *out, size_t cap)
{
    size_t n = 0;
    for (; *w && n + 1 < cap; w++)
        if ((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || (*w >= '0' && *w <= '9') || *w == '\'')
            out[n++] = (char)(*w >= 'A' && *w <= 'Z' ? *w - 'A' + 'a' : *w);
    out[n] = '\0';
}

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0) return 1;
    return 0;
}

static const char *const FILLERS[] = {"a", "an", "the", "that", "just", "really", "so", "very", "well", "um", "uh", NULL};
static const char *const AUX[] = {"is", "was", "are", "were", "will", "would", "can", "could", "should",
                                  "do", "does", "did", "have", "has", "had", "must", "might", NULL};
static const char *const NAMES[] = {"Obama", "Sanders", "Cruz", "Rubio", "Kasich", "Pence", "Kaine",
                                    "Biden", "Ryan", "McConnell", NULL};

/* Words of a statement as the index sees them (fillers dropped). */
static size_t content_words(const toks *k)
{
    size_t n = 0;
    char b[256];
    for (size_t i = 0; i < k->n; i++) {
        bare(k->t[i], b, sizeof b);
        if (*b && !in_list(b, FILLERS)) n++;
    }
    return n;
}

static char *v_repunct(const char *q)
{
    size_t n = strlen(q);
    char *out = xrealloc(NULL, 2 * n + 16);
    size_t o = 0;
    memcpy(out, "\xc2\xab", 2);   /* « */
    o = 2;
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)q[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)q[i + 1] == 0x80) {
            unsigned char d = (unsigned char)q[i + 2];
            if (d == 0x9C || d == 0x9D) { out[o++] = '"'; i += 2; continue; }
            if (d == 0x98 || d == 0x99) { out[o++] = '\''; i += 2; continue; }
        }
        if (c == ',' || c == ';') continue;
        if (first && c >= 'a' && c <= 'z') c = (unsigned char)(c - 'a' + 'A');
        if (c == ' ') first = 0;
        out[o++] = (char)c;
    }
    memcpy(out + o, "\xc2\xbb", 3);   /* » and NUL */
    return out;
}

static char *v_fillers(rng *r, const toks *k)
{
    toks m = {0};
    char b[256];
    size_t at = 1 + rnd_below(r, k->n - 1);
    for (size_t i = 0; i < k->n; i++) {
        if (i == at) {
            m.t = xrealloc(m.t, (m.n + 1) * sizeof *m.t);
            m.t[m.n++] = xstrdup("really");
        }
        bare(k->t[i], b, sizeof b);
        if (*b && in_list(b, FILLERS)) continue;
        m.t = xrealloc(m.t, (m.n + 1) * sizeof *m.t);
        m.t[m.n++] = xstrdup(k->t[i]);
    }
    char *out = join_range(&m, 0, m.n, "", "");
    toks_free(&m);
    return out;
}

/* a followed by b, in a new string; frees both. */
static char *concat_free(char *a, char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *out = xrealloc(NULL, la + lb + 1);
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
    free(a);
    free(b);
    return out;
}

/* A contiguous run of a share in [lo, lo + width) of the words (at least
 * min), marked as cut on both sides. */
static char *v_span(rng *r, const toks *k, double lo, double width, size_t min)
{
    double f = lo + width * (double)rnd_below(r, 1001) / 1000.0;
    size_t len = (size_t)(f * (double)k->n + 0.5);
    if (len < min) len = min;
    size_t from = rnd_below(r, k->n - len + 1);
    return join_range(k, from, from + len, "\xe2\x80\xa6", "\xe2\x80\xa6");
}

/* An excerpt: 60-80 % of the words (at least 3). */
static char *v_excerpt(rng *r, const toks *k) { return v_span(r, k, 0.6, 0.2, 3); }

/* A fragment of a long quote: 30-50 % of the words (at least 5), the
 * case that sampled postings find least surely. */
static char *v_fragment(rng *r, const toks *k) { return v_span(r, k, 0.3, 0.2, 5); }

static char *v_ellipsis(rng *r, const toks *k)
{
    double f = 0.2 + 0.1 * (double)rnd_below(r, 1001) / 1000.0;
    size_t cut = (size_t)(f * (double)k->n + 0.5);
    if (cut < 1) cut = 1;
    size_t from = 2 + rnd_below(r, k->n - cut - 3);   /* keeps >= 2 words either side */
    return concat_free(join_range(k, 0, from, "", " \xe2\x80\xa6 "), join_range(k, from + cut, k->n, "", ""));
}

/* "not" after the first auxiliary verb; NULL when there is none. */
static char *v_negation(const toks *k)
{
    char b[256];
    for (size_t i = 0; i + 1 < k->n; i++) {
        bare(k->t[i], b, sizeof b);
        bare(k->t[i + 1], b + 128, 128);
        if (in_list(b, AUX) && strcmp(b + 128, "not") != 0) {
            return concat_free(join_range(k, 0, i + 1, "", " not "), join_range(k, i + 1, k->n, "", ""));
        }
    }
    return NULL;
}

/* A number changed, else a capitalised word (not the first) replaced by
 * a politician's name; NULL when there is neither. */
static char *v_swap(rng *r, const toks *k)
{
    long pick = -1;
    int number = 0;
    for (size_t i = 0; i < k->n && pick < 0; i++)
        for (const char *p = k->t[i]; *p; p++)
            if (*p >= '0' && *p <= '9') { pick = (long)i; number = 1; break; }
    for (size_t i = 1; i < k->n && pick < 0; i++) {
        const char *w = k->t[i];
        while (*w && !(*w >= 'A' && *w <= 'Z') && !(*w >= 'a' && *w <= 'z')) w++;
        if (*w >= 'A' && *w <= 'Z' && strlen(w) > 2 && strcmp(w, "I") != 0) pick = (long)i;
    }
    if (pick < 0) return NULL;
    toks m = {0};
    m.t = xrealloc(NULL, k->n * sizeof *m.t);
    for (size_t i = 0; i < k->n; i++) m.t[m.n++] = xstrdup(k->t[i]);
    char *w = m.t[pick];
    if (number) {
        for (char *p = w; *p; p++)
            if (*p >= '0' && *p <= '9') { *p = (char)('0' + (*p - '0' + 1 + (int)rnd_below(r, 8)) % 10); break; }
    } else {
        char b[256];
        bare(w, b, sizeof b);
        const char *name;
        do name = NAMES[rnd_below(r, 10)];
        while (strcasecmp(name, b) == 0);
        free(w);
        m.t[pick] = xstrdup(name);
    }
    char *out = join_range(&m, 0, m.n, "", "");
    toks_free(&m);
    return out;
}

/* ---- the exhaustive rule --------------------------------------------------- */

/* Every stored real claim's statement hash and full trigrams, and an
 * inverted list (trigram, claim) sorted, for deciding the rule without
 * the index's shortcuts. */
typedef struct truth {
    uint64_t *norm;   size_t n, cap;
    uint64_t *post;   size_t np, capp;     /* trigram << 32 | claim */
    uint64_t *norms_sorted;
    uint32_t *count;  uint32_t *touched;   /* per claim, scratch */
    uint32_t *gcount, *glast;              /* per claim: the query's groups it holds; the last one counted */
} truth;

static void truth_add(truth *t, uint64_t norm, const uint32_t *tri, size_t ntri)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->norm = xrealloc(t->norm, t->cap * sizeof *t->norm);
    }
    uint32_t id = (uint32_t)t->n;
    t->norm[t->n++] = norm;
    for (size_t i = 0; i < ntri; i++) {
        if (t->np == t->capp) {
            t->capp = t->capp ? 2 * t->capp : 65536;
            t->post = xrealloc(t->post, t->capp * sizeof *t->post);
        }
        t->post[t->np++] = (uint64_t)tri[i] << 32 | id;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void truth_ready(truth *t)
{
    qsort(t->post, t->np, sizeof *t->post, cmp_u64);
    t->norms_sorted = xrealloc(NULL, t->n * sizeof *t->norms_sorted);
    memcpy(t->norms_sorted, t->norm, t->n * sizeof *t->norm);
    qsort(t->norms_sorted, t->n, sizeof *t->norms_sorted, cmp_u64);
    t->count = calloc(t->n ? t->n : 1, sizeof *t->count);
    t->gcount = calloc(t->n ? t->n : 1, sizeof *t->gcount);
    t->glast = calloc(t->n ? t->n : 1, sizeof *t->glast);
    if (!t->count || !t->gcount || !t->glast) exit(2);
    t->touched = xrealloc(NULL, (t->n ? t->n : 1) * sizeof *t->touched);
}

/* The first posting of trigram x in t->post (sorted by trigram, then claim). */
static size_t first_posting(const truth *t, uint32_t x)
{
    uint64_t key = (uint64_t)x << 32;
    size_t lo = 0, hi = t->np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->post[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The rule: the same statement, or >= 80 % of the query's trigrams in one
 * stored claim that also holds a trigram of each of its groups (one per
 * negation, number or name of the query: tri[ntri..], DD_MARK_GROUP values
 * each, see dd_claim_lookup()). */
static int truth_match(const truth *t, uint64_t norm, const uint32_t *tri, size_t ntri, size_t ngroups)
{
    if (norm && bsearch(&norm, t->norms_sorted, t->n, sizeof norm, cmp_u64)) return 1;
    if (ntri < DD_CLAIM_MIN_TRIGRAMS) return 0;
    size_t nt = 0;
    for (size_t i = 0; i < ntri; i++) {
        uint32_t prev = UINT32_MAX;
        for (size_t j = first_posting(t, tri[i]); j < t->np && t->post[j] >> 32 == tri[i]; j++) {
            uint32_t c = (uint32_t)t->post[j];
            if (c == prev) continue;   /* a claim lists a trigram once */
            prev = c;
            if (t->count[c]++ == 0) t->touched[nt++] = c;
        }
    }
    const uint32_t *grp = tri + ntri;
    for (size_t g = 0; g < ngroups; g++, grp += DD_MARK_GROUP)
        for (size_t k = 0; k < DD_MARK_GROUP; k++) {
            if (!grp[k]) continue;
            for (size_t j = first_posting(t, grp[k]); j < t->np && t->post[j] >> 32 == grp[k]; j++) {
                uint32_t c = (uint32_t)t->post[j];
                if (t->glast[c] == g + 1) continue;
                t->glast[c] = (uint32_t)g + 1;
                t->gcount[c]++;
            }
        }
    int hit = 0;
    for (size_t i = 0; i < nt; i++) {
        uint32_t c = t->touched[i];
        if ((double)t->count[c] >= DD_CLAIM_CONTAINMENT * (double)ntri && t->gcount[c] == ngroups) hit = 1;
        t->count[c] = t->gcount[c] = t->glast[c] = 0;
    }
    return hit;
}

/* ---- queries ----------------------------------------------------------------- */

enum kind { K_EXACT, K_REPUNCT, K_FILLERS, K_EXCERPT, K_ELLIPSIS, K_FRAGMENT, K_OTHER, K_OTHER_REPEAT, K_NEGATION, K_SWAP,
            K_HALF, K__COUNT };
static const char *const KIND[K__COUNT] = {"exact", "repunct", "fillers", "excerpt", "ellipsis", "fragment", "other",
                                           "other-repeat", "negation", "swap", "half"};
/* label by construction: 1 = not new */
static int positive(int k) { return k <= K_FRAGMENT || k == K_OTHER_REPEAT; }

typedef struct query { char *text; int kind; char *src; } query;
typedef struct queries { query *q; size_t n, cap; } queries;

static void add_query(queries *qs, char *text, int kind, const char *src)
{
    if (!text) return;
    if (qs->n == qs->cap) {
        qs->cap = qs->cap ? 2 * qs->cap : 4096;
        qs->q = xrealloc(qs->q, qs->cap * sizeof *qs->q);
    }
    qs->q[qs->n++] = (query){text, kind, xstrdup(src)};
}

/* Sentences of a text: split after . ! ? followed by a space or a line
 * break, and at line breaks. Calls fn for each of >= 4 tokens. */
static void sentences(const char *text, void (*fn)(void *, const char *), void *ctx)
{
    size_t n = strlen(text);
    char *buf = xrealloc(NULL, n + 1);
    size_t from = 0;
    for (size_t i = 0; i <= n; i++) {
        int end = i == n || text[i] == '\n' ||
                  ((text[i] == '.' || text[i] == '!' || text[i] == '?') && (text[i + 1] == ' ' || text[i + 1] == '\n'));
        if (!end) continue;
        size_t len = i - from + (i < n && text[i] != '\n');
        memcpy(buf, text + from, len);
        buf[len] = '\0';
        toks k = split_ws(buf);
        if (k.n >= 4) fn(ctx, buf);
        toks_free(&k);
        from = i + 1;
    }
    free(buf);
}

typedef struct filler {
    ne_dedup_state *s;
    truth *t;
    const char *article;
    uint32_t now;
    size_t inserted, offered, found, self;
    FILE *trace;              /* --trace-fill: every fill decision */
} filler;

static char *claim_id_of(const char *text, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)dd_hash_bytes(text, strlen(text), 5));
    return out;
}

/* A claim of an earlier article, through the stage's path: looked up,
 * inserted when new. */
static void store_claim(void *ctx, const char *text)
{
    filler *f = ctx;
    dd_seen sn;
    memset(&sn, 0, sizeof sn);
    sn.is_new = 1;
    uint64_t norm = 0;
    uint32_t *tri = NULL;
    size_t ntri = 0, nmark = 0;
    f->offered++;
    dd_claim_lookup(f->s, text, f->article, &sn, &norm, &tri, &ntri, &nmark);
    if (norm) truth_add(f->t, norm, tri, ntri);   /* the rule knows every stored text, found or not */
    f->found += !sn.is_new;
    f->self += sn.is_new && sn.article;   /* in an earlier text of the same article */
    if (f->trace)
        fprintf(f->trace, "%zu %s %zu %s\t%s\n", f->offered, !sn.is_new ? "found" : sn.article ? "self" : "new", ntri,
                f->article, text);
    if (sn.is_new && norm && !sn.article) {
        char cid[17];
        if (dd_claim_insert(f->s, norm, tri, ntri, f->now, f->now, f->article, claim_id_of(text, cid)) == 0)
            f->inserted++;
    }
    free(sn.article);
    free(tri);
}

static int64_t clock_fn(void *ctx) { return *(int64_t *)ctx; }

/* Distinct trigrams per synthetic claim, as bench_dedup --state draws
 * them (PolNeAR's distribution: buckets 0-4 … 80-159, mean 17.4). */
static unsigned draw_ntri(rng *r)
{
    static const unsigned lo[6] = {0, 5, 10, 20, 40, 80}, hi[6] = {4, 9, 19, 39, 79, 159};
    static const unsigned hist[6] = {1277, 2075, 3360, 2536, 620, 65};
    unsigned x = (unsigned)rnd_below(r, 9933);
    for (int b = 0; b < 6; b++) {
        if (x < hist[b]) return lo[b] + (unsigned)rnd_below(r, hi[b] - lo[b] + 1);
        x -= hist[b];
    }
    return 10;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    long nsyn = 400000, show = 0;
    uint64_t seed = 20161108;
    int with_sentences = 1, trace_fill = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--synthetic") == 0 && i + 1 < argc) nsyn = atol(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc) show = atol(argv[++i]);
        else if (strcmp(argv[i], "--no-sentences") == 0) with_sentences = 0;
        else if (strcmp(argv[i], "--trace-fill") == 0) trace_fill = 1;
        else if (argv[i][0] != '-' && !dir) dir = argv[i];
        else {
            fprintf(stderr, "usage: eval_claims POLNEAR_DIR [--synthetic N] [--seed S] [--no-sentences] [--show K] [--trace-fill]\n");
            return 2;
        }
    }
    if (!dir) { fprintf(stderr, "usage: eval_claims POLNEAR_DIR [options]\n"); return 2; }
    corpus c = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/train.jsonl", dir);
    if (load(&c, path)) { printf("eval_claims: skipped: %s not found\n", path); return 2; }
    snprintf(path, sizeof path, "%s/dev.jsonl", dir);
    load(&c, path);

    rng r = {seed};
    for (size_t i = 0; i < c.n; i++) c.a[i].stored = rnd_below(&r, 10) < 7;

    ne_config *cfg = ne_config_defaults();
    char err[256];
    ne_dedup_state *s = ne_dedup_create(cfg, err, sizeof err);
    if (!s) { fprintf(stderr, "eval_claims: %s\n", err); return 2; }
    int64_t now = 1700000000;
    ne_dedup_set_clock(s, clock_fn, &now);

    /* synthetic background */
    double t0 = cpu_s();
    uint32_t tri[160];
    char cid[17], sid[32];
    for (long i = 0; i < nsyn; i++) {
        unsigned nt = draw_ntri(&r);
        for (unsigned k = 0; k < nt; k++) tri[k] = (uint32_t)rnd(&r) | 1u;
        qsort(tri, nt, sizeof tri[0], cmp_u32);
        size_t u = 0;
        for (unsigned k = 0; k < nt; k++)
            if (!u || tri[k] != tri[u - 1]) tri[u++] = tri[k];
        snprintf(sid, sizeof sid, "syn%07ld", i / 11);
        snprintf(cid, sizeof cid, "%016llx", (unsigned long long)rnd(&r));
        dd_claim_insert(s, rnd(&r) | 1, tri, u, (uint32_t)now, (uint32_t)now, sid, cid);
    }
    double t_syn = cpu_s() - t0;

    /* real claims of the stored articles */
    truth t = {0};
    filler f = {s, &t, NULL, (uint32_t)now, 0, 0, 0, 0, trace_fill ? stderr : NULL};
    size_t nquotes_stored = 0, nattr = 0, nsent_before;
    for (size_t i = 0; i < c.n; i++) {
        article *a = &c.a[i];
        if (!a->stored) continue;
        f.article = a->id;
        for (size_t k = 0; k < a->na; k++) store_claim(&f, a->attrs[k]);
        nattr += a->na;
        nquotes_stored += a->nq;
    }
    nsent_before = f.offered;
    if (with_sentences)
        for (size_t i = 0; i < c.n; i++)
            if (c.a[i].stored) {
                f.article = c.a[i].id;
                sentences(c.a[i].text, store_claim, &f);
            }
    size_t nsent = f.offered - nsent_before;

    /* queries */
    queries qs = {0};
    size_t halves = 0;
    for (size_t i = 0; i < c.n; i++) {
        article *a = &c.a[i];
        for (size_t k = 0; k < a->nq; k++) {
            const char *q = a->quotes[k];
            toks tk = split_ws(q);
            if (a->stored && tk.n >= 8 && content_words(&tk) >= 6) {
                add_query(&qs, xstrdup(q), K_EXACT, q);
                add_query(&qs, v_repunct(q), K_REPUNCT, q);
                add_query(&qs, v_fillers(&r, &tk), K_FILLERS, q);
                add_query(&qs, v_excerpt(&r, &tk), K_EXCERPT, q);
                add_query(&qs, v_ellipsis(&r, &tk), K_ELLIPSIS, q);
                if (tk.n >= 16) add_query(&qs, v_fragment(&r, &tk), K_FRAGMENT, q);
                add_query(&qs, v_negation(&tk), K_NEGATION, q);
                add_query(&qs, v_swap(&r, &tk), K_SWAP, q);
            } else if (!a->stored) {
                add_query(&qs, xstrdup(q), K_OTHER, q);
                if (tk.n >= 16) {
                    /* its first half stored as a claim of an article of its own */
                    char *first = join_range(&tk, 0, tk.n / 2, "", "");
                    char hid[600];
                    snprintf(hid, sizeof hid, "%s~half%zu", a->id, k);
                    f.article = hid;
                    store_claim(&f, first);
                    free(first);
                    add_query(&qs, join_range(&tk, tk.n / 2, tk.n, "", ""), K_HALF, q);
                    halves++;
                }
            }
            toks_free(&tk);
        }
    }
    truth_ready(&t);

    long n[K__COUNT] = {0}, idx_hit[K__COUNT] = {0}, rule_hit[K__COUNT] = {0}, idx_only[K__COUNT] = {0},
         rule_only[K__COUNT] = {0};
    double t_look = 0;
    long shown = 0;
    for (size_t i = 0; i < qs.n; i++) {
        query *q = &qs.q[i];
        dd_seen sn;
        memset(&sn, 0, sizeof sn);
        sn.is_new = 1;
        uint64_t norm = 0;
        uint32_t *qt = NULL;
        size_t nqt = 0, nmark = 0;
        double c0 = cpu_s();
        dd_claim_lookup(s, q->text, "eval-query", &sn, &norm, &qt, &nqt, &nmark);
        t_look += cpu_s() - c0;
        int got = !sn.is_new || sn.article != NULL;   /* found (never from "eval-query" itself) */
        int rule = norm ? truth_match(&t, norm, qt, nqt, nmark) : 0;
        int kind = q->kind;
        if (kind == K_OTHER && rule) kind = K_OTHER_REPEAT;
        n[kind]++;
        idx_hit[kind] += got;
        rule_hit[kind] += rule;
        idx_only[kind] += got && !rule;
        rule_only[kind] += rule && !got;
        if (got != rule && shown < show) {
            shown++;
            printf("  %s (%s, %zu trigrams): index %s, rule %s\n    query:  %s\n    source: %s\n", KIND[kind],
                   positive(kind) ? "positive" : "negative", nqt, got ? "not new" : "new", rule ? "not new" : "new",
                   q->text, q->src);
        }
        free(sn.article);
        free(qt);
    }

    ne_dedup_stats st;
    ne_dedup_get_stats(s, &st);
    size_t nstored_articles = 0;
    for (size_t i = 0; i < c.n; i++) nstored_articles += (size_t)c.a[i].stored;
    printf("claims eval: PolNeAR train+dev, %zu articles (%zu stored, seed %llu); background: %ld synthetic claims "
           "(%.1f s), %zu attribution contents (%zu quotes) and %zu sentences of the stored articles, %zu first "
           "halves; %llu claims held, %.1f MB\n",
           c.n, nstored_articles,
           (unsigned long long)seed, nsyn, t_syn, nattr, nquotes_stored, nsent, halves,
           (unsigned long long)st.claims, st.bytes_claims / 1e6);
    printf("  filling: %zu real texts looked up: %zu found in another article's earlier text, %zu in an earlier text "
           "of their own (nested attributions, a sentence of a long quote), %zu stored\n",
           f.offered, f.found, f.self, f.inserted);
    printf("  %-13s %6s %9s %9s %10s %10s\n", "kind", "n", "index", "rule", "index-only", "rule-only");
    long tp = 0, fp = 0, fn = 0, neg = 0, agree_miss = 0, agree_extra = 0, total = 0;
    for (int k = 0; k < K__COUNT; k++) {
        printf("  %-13s %6ld %9ld %9ld %10ld %10ld   %s %.4f\n", KIND[k], n[k], idx_hit[k], rule_hit[k], idx_only[k],
               rule_only[k], positive(k) ? "recall" : "false positive rate",
               n[k] ? (double)idx_hit[k] / (double)n[k] : 0.0);
        if (positive(k)) { tp += idx_hit[k]; fn += n[k] - idx_hit[k]; }
        else { fp += idx_hit[k]; neg += n[k]; }
        agree_miss += rule_only[k];
        agree_extra += idx_only[k];
        total += n[k];
    }
    long fp_plain = idx_hit[K_OTHER] + idx_hit[K_HALF], neg_plain = n[K_OTHER] + n[K_HALF];
    printf("  \"not new\" over the construction labels: precision %.4f, recall %.4f (%ld tp, %ld fp, %ld fn)\n",
           tp + fp ? (double)tp / (double)(tp + fp) : 1.0, tp + fn ? (double)tp / (double)(tp + fn) : 1.0, tp, fp, fn);
    printf("  false positive rate: all negatives %.4f (%ld/%ld); other quotes and other halves %.4f (%ld/%ld); "
           "one-word changes (negation, swap: the rule's own) %.4f\n",
           neg ? (double)fp / (double)neg : 0.0, fp, neg, neg_plain ? (double)fp_plain / (double)neg_plain : 0.0,
           fp_plain, neg_plain,
           n[K_NEGATION] + n[K_SWAP] ? (double)(idx_hit[K_NEGATION] + idx_hit[K_SWAP]) /
                                           (double)(n[K_NEGATION] + n[K_SWAP]) : 0.0);
    printf("  index against the exhaustive rule: %ld of %ld queries differ (%ld found only by the rule, %ld only by "
           "the index)\n", agree_miss + agree_extra, total, agree_miss, agree_extra);
    printf("  lookup %.2f us each (CPU, dd_claim_lookup with normalisation)\n", 1e6 * t_look / (double)(total ? total : 1));

    ne_dedup_destroy(s);
    ne_config_free(cfg);
    for (size_t i = 0; i < qs.n; i++) { free(qs.q[i].text); free(qs.q[i].src); }
    free(qs.q);
    free(t.norm); free(t.post); free(t.norms_sorted); free(t.count); free(t.touched);
    for (size_t i = 0; i < c.n; i++) {
        free(c.a[i].id);
        free(c.a[i].text);
        for (size_t k = 0; k < c.a[i].na; k++) free(c.a[i].attrs[k]);
        free(c.a[i].attrs);
        free(c.a[i].quotes);
    }
    free(c.a);
    return 0;
}
