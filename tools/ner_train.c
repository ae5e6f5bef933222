/* ner_train — trains the NER tagger (enrichers/ner/) and writes its model.
 *
 *   ner_train --train eng.train --dev eng.testa [--text polnear.jsonl]...
 *             [--out models/ner.model] [--score models/ner.score]
 *             [--bits 20] [--epochs 30] [--patience 4] [--mincount 2]
 *             [--features all,-gaz,...] [--seed N] [--caplex-conll 0|1]
 *             [--augment PCT] [--cluster-text FILE]... [--xgaz FILE [--xgaz-dropout PCT]]
 *
 * An averaged structured perceptron over the tagger's own feature extractor
 * and Viterbi decoder. Documents are shuffled each epoch with a fixed seed
 * and everything runs on one thread in a fixed order, so the same inputs
 * give a byte-identical model. After each epoch the averaged weights are
 * quantised into a real run-time model and scored on the dev set; the best
 * epoch is kept (early stopping after --patience epochs without gain).
 *
 * Built from the training data, stored in the model:
 *   - a gazetteer of the training entities' strings per type. While
 *     training, a document sees only the entries from the other nine folds
 *     (jackknife), so the model learns how far a gazetteer hit can be
 *     trusted for a name it has not seen;
 *   - a capitalisation lexicon: for each word, how often unlabelled text
 *     (PolNeAR news, the training text) capitalises it mid-sentence;
 *   - word clusters from the same text (see cluster_words);
 *   - with --xgaz, external name lists (tools/ner_gazetteers.py: GeoNames,
 *     WordNet, models/gazetteer.tsv), one gazetteer bit per list: not
 *     from the training data, so no jackknife.
 *
 * It links the tagger's own objects and reaches their internals through
 * enrichers/ner/ner_int.h: the feature extractor it learns with is the one
 * the tagger runs.
 */
#include "enrichers/ner/ner_int.h"

#include "common/nebuf.h"
#include "common/xalloc.h"
#include "tools/ner_score.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small utilities -------------------------------------------------- */

/* Deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x853c49e6748fea9bULL;
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* ---- unlabelled text --------------------------------------------------- */

/* A word sequence of unlabelled text: folded hashes plus, per word, its
 * capitalisation class and whether it starts a sentence. */
typedef struct textcorp {
    uint64_t *hl;
    uint8_t *cap, *initial;
    size_t n, cap_hl, cap_cap, cap_initial;
} textcorp;

static void text_push(textcorp *tc, const char *s, size_t len, int initial)
{
    uint8_t flags;
    ne_grow(&tc->hl, &tc->cap_hl, tc->n + 1, sizeof *tc->hl);
    ne_grow(&tc->cap, &tc->cap_cap, tc->n + 1, sizeof *tc->cap);
    ne_grow(&tc->initial, &tc->cap_initial, tc->n + 1, sizeof *tc->initial);
    tc->hl[tc->n] = hash_word(s, len, 1);
    tc->cap[tc->n] = (uint8_t)ner_cap_class(s, len, &flags);
    tc->initial[tc->n] = (uint8_t)initial;
    tc->n++;
}

/* Punctuation split off a word's edges (ASCII and common UTF-8 quotes,
 * dashes); returns its byte length at s, 0 if s does not start with one. */
static size_t edge_punct(const char *s, size_t n)
{
    static const char *const multi[] = { "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe2\x80\x94", "\xe2\x80\x93", "\xe2\x80\xa6" };
    if (n == 0) return 0;
    if (strchr("\"'()[]{},;:!?.*", s[0])) return 1;
    for (size_t i = 0; i < sizeof multi / sizeof *multi; i++)
        if (n >= 3 && memcmp(s, multi[i], 3) == 0) return 3;
    return 0;
}

/* Splits a paragraph into tokens roughly as our tokenizer does and adds
 * them to tc, marking sentence starts after . ! ? */
static void tokenize_para(textcorp *tc, const char *p, size_t n)
{
    int start = 1;
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) i++;
        size_t j = i;
        while (j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\r') j++;
        /* chunk [i, j): peel punctuation off both ends */
        size_t a = i, b = j, k;
        while (a < b && (k = edge_punct(p + a, b - a)) > 0) {
            if (p[a] == '.' || p[a] == '!' || p[a] == '?') start = 1;
            a += k;
        }
        size_t tail = b;
        for (;;) {
            size_t back = 0;
            for (size_t m = 1; m <= 3 && m <= tail - a; m++)
                if (edge_punct(p + tail - m, m) == m) { back = m; break; }
            if (!back) break;
            /* keep the period of abbreviations and initials ("U.S.", "J.") */
            if (back == 1 && p[tail - 1] == '.' && (memchr(p + a, '.', tail - 1 - a) || tail - 1 - a == 1)) break;
            tail -= back;
        }
        if (tail > a) {
            text_push(tc, p + a, tail - a, start);
            start = 0;
        }
        for (size_t m = tail; m < b; m++)
            if (p[m] == '.' || p[m] == '!' || p[m] == '?') start = 1;
        i = j;
    }
}

/* Appends the UTF-8 encoding of code point cp. */
static void put_utf8(nebuf *b, unsigned cp)
{
    char o[4];
    if (cp < 0x80) { nebuf_putc(b, (char)cp); return; }
    if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); nebuf_append(b, o, 2); return; }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63)); o[2] = (char)(0x80 | (cp & 63));
        nebuf_append(b, o, 3); return;
    }
    o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
    o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
    nebuf_append(b, o, 4);
}

/* Decodes the JSON string value of "text" in one JSON line into out. */
static int json_text_field(const char *line, nebuf *out)
{
    const char *p = strstr(line, "\"text\":");
    if (!p) return -1;
    p += 7;
    while (*p == ' ') p++;
    if (*p++ != '"') return -1;
    nebuf_reset(out);
    while (*p && *p != '"') {
        if (*p != '\\') { nebuf_putc(out, *p++); continue; }
        p++;
        switch (*p) {
        case 'n': nebuf_putc(out, '\n'); p++; break;
        case 't': case 'r': nebuf_putc(out, ' '); p++; break;
        case 'u': {
            unsigned cp = 0;
            if (sscanf(p + 1, "%4x", &cp) != 1) return -1;
            p += 5;
            if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u') {
                unsigned lo = 0;
                if (sscanf(p + 2, "%4x", &lo) == 1 && lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                }
            }
            put_utf8(out, cp);
            break;
        }
        case '\0': return -1;
        default: nebuf_putc(out, *p++); break;
        }
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Adds the sentences of a CoNLL-U file (UD EWT, GUM): its "# text ="
 * lines, each a paragraph of its own. */
static void read_conllu_text(FILE *fp, textcorp *tc)
{
    char *line = NULL;
    size_t lcap = 0;
    ssize_t ll;
    while ((ll = getline(&line, &lcap, fp)) > 0) {
        if (strncmp(line, "# text = ", 9)) continue;
        while (ll > 9 && (line[ll - 1] == '\n' || line[ll - 1] == '\r')) ll--;
        if (ll > 9) tokenize_para(tc, line + 9, (size_t)ll - 9);
    }
    free(line);
}

/* Adds the unlabelled text of one file: a CoNLL-U file's sentences, or
 * the "text" of each line of a JSON-lines file (.jsonl.gz read through
 * gzip -dc). Of a JSON line's text the first paragraph (a title,
 * title-cased) is left out as it would blur the capitalisation counts. */
static int read_jsonl_text(const char *path, textcorp *tc)
{
    int piped = ends_with(path, ".gz");
    FILE *fp;
    if (piped) {
        char cmd[1200];
        if (strchr(path, '\'')) { fprintf(stderr, "ner_train: %s: quote in path\n", path); return -1; }
        snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
        fp = popen(cmd, "r");
    } else {
        fp = fopen(path, "rb");
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t ll;
    nebuf txt = {0};
    if (!fp) { fprintf(stderr, "ner_train: %s: %s\n", path, strerror(errno)); return -1; }
    if (ends_with(path, ".conllu")) {
        read_conllu_text(fp, tc);
        fclose(fp);
        return 0;
    }
    while ((ll = getline(&line, &lcap, fp)) > 0) {
        if (json_text_field(line, &txt) < 0 || !txt.p) continue;
        int para = 0;
        for (char *s = txt.p, *e; s < txt.p + txt.len; s = e + 1) {
            e = memchr(s, '\n', (size_t)(txt.p + txt.len - s));
            if (!e) e = txt.p + txt.len;
            if (e > s && para++ > 0) tokenize_para(tc, s, (size_t)(e - s));
        }
    }
    free(line);
    nebuf_free(&txt);
    if (piped ? pclose(fp) != 0 : fclose(fp) != 0) {
        fprintf(stderr, "ner_train: %s: read failed\n", path);
        return -1;
    }
    return 0;
}

/* Adds the cased sentences of a CoNLL corpus (its words only). */
static void add_corpus_text(textcorp *tc, const ne_ner_corpus *c)
{
    for (size_t s = 0; s < c->nsents; s++) {
        const ne_ner_sent *st = &c->sents[s];
        int lower = 0;
        for (size_t i = 0; i < st->ntoks; i++) {
            uint8_t f;
            ner_cap_class(st->toks[i].ptr, st->toks[i].len, &f);
            if (f & TF_LOWER) lower = 1;
        }
        if (!lower) continue;   /* headlines in capitals say nothing about case */
        for (size_t i = 0; i < st->ntoks; i++) text_push(tc, st->toks[i].ptr, st->toks[i].len, i == 0);
    }
}

/* ---- lexicon: capitalisation buckets ---------------------------------- */

/* Bucket of a word from its mid-sentence counts: 1 rare, then by the share
 * of capitalised occurrences (2: never … 7: always). */
static unsigned capitalisation_bucket(uint32_t low, uint32_t cap)
{
    uint32_t tot = low + cap;
    if (tot < 3) return 1;
    double f = (double)cap / tot;
    return f < 0.02 ? 2 : f < 0.2 ? 3 : f < 0.5 ? 4 : f < 0.8 ? 5 : f < 0.98 ? 6 : 7;
}

static void build_caplex(ne_map *lex, const textcorp *tc)
{
    ne_map cnt = {0};
    ne_map_reset(&cnt, 1 << 16);
    for (size_t i = 0; i < tc->n; i++) {
        if (tc->initial[i]) continue;
        uint8_t c = tc->cap[i];
        if (c == CAP_NONE) continue;
        uint64_t *v = ne_map_put(&cnt, tc->hl[i]);
        if (c == CAP_LOWER) *v += 1;
        else if (c == CAP_INIT || c == CAP_ALL || c == CAP_ONE) *v += 1ULL << 32;
    }
    for (size_t i = 0; i < cnt.cap; i++) {
        if (!cnt.keys[i]) continue;
        uint64_t *v = ne_map_put(lex, cnt.keys[i]);
        *v = (*v & ~15ULL) | capitalisation_bucket((uint32_t)cnt.vals[i], (uint32_t)(cnt.vals[i] >> 32));
    }
    ne_map_free(&cnt);
}

/* ---- lexicon: word clusters ------------------------------------------- */

/* Distributional clusters by spherical k-means. Each word seen at least
 * `minc` times is described by the counts of its left and right neighbours
 * among the most frequent context words (sparse, length-normalised);
 * k-means with k = 64, 256, 1024 gives three granularities, like prefixes
 * of a Brown-cluster path. Initial centres are words chosen by the fixed
 * generator, so the result is deterministic. */
#define CL_CTX 600          /* context vocabulary: most frequent words */
#define CL_MINC 5

typedef struct cvec { uint32_t *idx; float *val; uint32_t n; } cvec;

static int cmp_count_desc(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;     /* [count, key] pairs */
    if (x[0] != y[0]) return x[0] > y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void cluster_words(ne_map *lex, const textcorp *tc)
{
    double t0 = ner_score_now();
    ne_map freq = {0};
    ne_map_reset(&freq, 1 << 16);
    for (size_t i = 0; i < tc->n; i++) (*ne_map_put(&freq, tc->hl[i]))++;
    size_t nv = 0;
    uint64_t *pairs = ne_xcalloc(freq.n * 2, sizeof *pairs);
    for (size_t i = 0; i < freq.cap; i++)
        if (freq.keys[i]) { pairs[2 * nv] = freq.vals[i]; pairs[2 * nv + 1] = freq.keys[i]; nv++; }
    qsort(pairs, nv, 16, cmp_count_desc);
    /* word ids by frequency; context ids for the top CL_CTX */
    ne_map wid = {0};
    ne_map_reset(&wid, nv);
    size_t nw = 0;
    while (nw < nv && pairs[2 * nw] >= CL_MINC) { *ne_map_put(&wid, pairs[2 * nw + 1]) = nw + 1; nw++; }
    size_t dim = 2 * CL_CTX;
    /* co-occurrence counts, dense per word would be nw*dim floats: fine */
    float *co = ne_xcalloc(nw * dim, sizeof *co);
    for (size_t i = 0; i < tc->n; i++) {
        const uint64_t *w = ne_map_get(&wid, tc->hl[i]);
        if (!w) continue;
        size_t r = (size_t)*w - 1;
        if (i > 0 && !tc->initial[i]) {
            const uint64_t *l = ne_map_get(&wid, tc->hl[i - 1]);
            if (l && *l <= CL_CTX) co[r * dim + (*l - 1)] += 1;
        }
        if (i + 1 < tc->n && !tc->initial[i + 1]) {
            const uint64_t *rr = ne_map_get(&wid, tc->hl[i + 1]);
            if (rr && *rr <= CL_CTX) co[r * dim + CL_CTX + (*rr - 1)] += 1;
        }
    }
    /* sqrt damping then L2 normalisation, stored sparse */
    cvec *vec = ne_xcalloc(nw, sizeof *vec);
    for (size_t r = 0; r < nw; r++) {
        uint32_t nz = 0;
        double norm = 0;
        for (size_t d = 0; d < dim; d++)
            if (co[r * dim + d] > 0) { nz++; co[r * dim + d] = sqrtf(co[r * dim + d]); norm += co[r * dim + d] * co[r * dim + d]; }
        vec[r].idx = ne_xcalloc(nz, sizeof(uint32_t));
        vec[r].val = ne_xcalloc(nz, sizeof(float));
        norm = norm > 0 ? 1 / sqrt(norm) : 0;
        for (size_t d = 0; d < dim; d++)
            if (co[r * dim + d] > 0) { vec[r].idx[vec[r].n] = (uint32_t)d; vec[r].val[vec[r].n++] = (float)(co[r * dim + d] * norm); }
    }
    free(co);
    static const size_t ks[LEX_NCL] = { 64, 256, 1024 };
    uint32_t *assign = ne_xcalloc(nw, sizeof *assign);
    for (int level = 0; level < LEX_NCL; level++) {
        size_t k = ks[level];
        if (k > nw) k = nw;
        float *cen = ne_xcalloc(k * dim, sizeof *cen);
        for (size_t c = 0; c < k; c++) {           /* init: random words among the frequent half */
            size_t r = (size_t)(rng_next() % (nw / 2 + 1));
            for (uint32_t j = 0; j < vec[r].n; j++) cen[c * dim + vec[r].idx[j]] = vec[r].val[j];
        }
        for (int it = 0; it < 12; it++) {
            size_t moved = 0;
            for (size_t r = 0; r < nw; r++) {
                float best = -1;
                uint32_t bc = 0;
                for (size_t c = 0; c < k; c++) {
                    float dot = 0;
                    const float *cc = cen + c * dim;
                    for (uint32_t j = 0; j < vec[r].n; j++) dot += cc[vec[r].idx[j]] * vec[r].val[j];
                    if (dot > best) { best = dot; bc = (uint32_t)c; }
                }
                if (it == 0 || assign[r] != bc) moved++;
                assign[r] = bc;
            }
            memset(cen, 0, k * dim * sizeof *cen);
            for (size_t r = 0; r < nw; r++)
                for (uint32_t j = 0; j < vec[r].n; j++) cen[assign[r] * dim + vec[r].idx[j]] += vec[r].val[j];
            for (size_t c = 0; c < k; c++) {
                double norm = 0;
                for (size_t d = 0; d < dim; d++) norm += cen[c * dim + d] * cen[c * dim + d];
                norm = norm > 0 ? 1 / sqrt(norm) : 0;
                for (size_t d = 0; d < dim; d++) cen[c * dim + d] = (float)(cen[c * dim + d] * norm);
            }
            if (moved < nw / 500) break;
        }
        for (size_t r = 0; r < nw; r++) {
            uint64_t *v = ne_map_put(lex, pairs[2 * r + 1]);
            *v |= (uint64_t)(assign[r] + 1) << (8 + 16 * level);
        }
        free(cen);
        fprintf(stderr, "ner_train: clusters k=%zu over %zu words (%.1fs)\n", k, nw, ner_score_now() - t0);
    }
    for (size_t r = 0; r < nw; r++) { free(vec[r].idx); free(vec[r].val); }
    free(vec);
    free(assign);
    free(pairs);
    ne_map_free(&wid);
    ne_map_free(&freq);
}

/* ---- lexicon: keyword classes ----------------------------------------- */

/* Words that say what kind of name they end or begin (FF_NAMEPAT; LEX_KW
 * in the lexicon value). Features, not rules: the model learns how far
 * "Productions" at the end of a run makes it an organisation, and that
 * "Open" ends a tournament more often than a company. */
static const struct { int cls; const char *words; } keywords[] = {
    { KW_COMPANY, "Inc Inc. Corp Corp. Co Co. Ltd Ltd. LLC Plc PLC AG SA NV GmbH Group Holdings "
                  "Partners Productions Entertainment Studios Pictures Records Media Capital "
                  "Securities Bank Bancorp Bancshares Airlines Airways Motors Systems Technologies "
                  "Pharmaceuticals Energy Industries Enterprises Communications Networks Brands "
                  "Foods Stores Insurance Investments Financial Chase Company Corporation" },
    { KW_INSTITUTION, "University College Institute School Academy Clinic Hospital Foundation "
                      "Fund Trust Association Society Council Commission Committee Department "
                      "Ministry Agency Bureau Office Administration Authority Board Court Party "
                      "Union League Federation Club Church Parliament Congress Senate Assembly Army "
                      "Navy Police Service Center Centre Parenthood Times Post Journal News Herald "
                      "Tribune Press Review Magazine Organisation Organization Coalition Alliance "
                      "Caucus Medicaid Medicare Reserve Cabinet Government" },
    { KW_GEO, "River Mountains Mountain Mount Mt Mt. Lake Island Islands Sea Ocean Bay Gulf Strait "
              "Valley Peninsula Desert Coast Canyon Falls Beach Hills Forest Heights" },
    { KW_CIVIC, "Street St. Avenue Ave. Road Boulevard Square Park County Province District City "
                "Town Village Region State Republic Kingdom Airport Station Bridge Stadium Prison "
                "Motel Hotel Palace" },
    { KW_EVENT, "Act Rule Law Amendment Treaty Accord Cup Open Championship Championships Games "
                "Olympics Prize Award Awards Festival War Day Series Tour Trophy Classic Doctrine "
                "Grand Prix Masters Marathon Election" },
    { KW_TITLE, "President Prime Minister Senator Sen. Rep. Gov. Governor Mayor Judge Justice "
                "General Gen. Secretary Chancellor King Queen Prince Princess Pope Mr Mrs Ms Dr "
                "Mr. Mrs. Ms. Dr. Sir Lord Chairman Chief Director Coach Captain Leader Speaker "
                "Ambassador Commissioner Vice Sheikh Cardinal Archbishop Bishop Rev. Colonel Col." },
};

/* Writes the keyword classes into the lexicon (bits 4-7 of the value). */
static void add_keywords(ne_map *lex)
{
    for (size_t c = 0; c < sizeof keywords / sizeof *keywords; c++)
        for (const char *w = keywords[c].words; *w;) {
            size_t n = strcspn(w, " ");
            uint64_t *v = ne_map_put(lex, hash_word(w, n, 1));
            *v = (*v & ~0xf0ULL) | (uint64_t)keywords[c].cls << 4;
            w += n;
            while (*w == ' ') w++;
        }
}

/* ---- gazetteer ---------------------------------------------------------- */

/* Adds each training entity string to the gazetteer under its document's
 * fold; every proper prefix of a phrase is marked so matching continues. */
static void build_gazetteer(ne_map *gaz, const ne_ner_corpus *c)
{
    for (size_t d = 0; d < c->ndocs; d++) {
        int fold = (int)(d % NFOLDS);
        for (size_t s = c->doc_sent[d]; s < c->doc_sent[d + 1]; s++) {
            const ne_ner_sent *st = &c->sents[s];
            const uint8_t *gold = c->gold + (st->toks - c->toks);
            ne_ner_span sp[256];
            size_t ns = ne_ner_spans(gold, st->ntoks, sp, 256);
            for (size_t e = 0; e < ns && e < 256; e++) {
                size_t len = sp[e].tok_end - sp[e].tok_start;
                if (len > GAZ_MAXLEN) continue;
                uint64_t ph = 0;
                for (size_t k = 0; k < len; k++) {
                    const ne_ner_tok *t = &st->toks[sp[e].tok_start + k];
                    uint64_t hl = hash_word(t->ptr, t->len, 1);
                    ph = k == 0 ? hl : phrase_step(ph, hl);
                    uint64_t *v = ne_map_put(gaz, ph);
                    if (k + 1 < len) *v |= GAZ_PREFIX;
                    else *v |= 1ULL << (4 * fold + (int)sp[e].type);
                }
            }
        }
    }
}

/* Reads the external name lists (tools/ner_gazetteers.py: LIST<TAB>phrase
 * a line) into the gazetteer, numbering the lists in the order they first
 * appear (at most NXL). Returns 0, or -1 after saying why. */
static int read_name_lists(ne_map *gaz, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) { fprintf(stderr, "ner_train: %s: %s\n", path, strerror(errno)); return -1; }
    char names[NXL][32], line[1024];
    size_t counts[NXL] = {0};
    int nl = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab || line[0] == '#') continue;
        *tab = '\0';
        int l = 0;
        while (l < nl && strcmp(names[l], line) != 0) l++;
        if (l == nl) {
            if (nl == NXL || strlen(line) >= sizeof names[0]) {
                fprintf(stderr, "ner_train: %s: more than %d lists or a long list name: %s\n", path, NXL, line);
                fclose(fp);
                return -1;
            }
            memcpy(names[nl++], line, strlen(line) + 1);   /* fits: checked above */
        }
        ner_gaz_add_listed(gaz, tab + 1, l);
        counts[l]++;
    }
    fclose(fp);
    for (int l = 0; l < nl; l++) fprintf(stderr, "ner_train: name list %d %s: %zu phrases\n", l, names[l], counts[l]);
    return 0;
}

/* ---- the perceptron ----------------------------------------------------- */

typedef struct trainer {
    uint32_t bits, fs;
    size_t R;
    float *w, *u;                 /* weights and averaging sums, R × NT */
    uint8_t *cnt;                 /* feature occurrences (saturating) */
    float tw[NT + 1][NT], tu[NT + 1][NT], ew[NT], eu[NT];
    double c;                     /* update clock for averaging */
    int mincount;
    int xgaz_dropout;             /* --xgaz-dropout PCT (see drop_word) */
    ner_tables tab;
} trainer;

/* The gazetteer fold of training document d: that of the document it is
 * a case variant of (doc_src), so a copy never sees its own entities. */
static const size_t *doc_src;
static size_t doc_src_n;
static int doc_fold(size_t d)
{
    return (int)((d < doc_src_n ? doc_src[d] : d) % NFOLDS);
}

/* Case augmentation: the training documents as written, then an
 * upper-cased copy of `pct` % of them and a title-cased copy of another
 * `pct` % (picked by a hash of the index: deterministic), so the
 * uncased-context weights learn from names in capitals and in headline
 * case, not only from CoNLL's few capitals lines. */
static void augment_cases(const ne_ner_corpus *train, int pct, ne_ner_corpus *out, size_t **src)
{
    size_t n = 0, cap = 3 * train->ndocs + 1;
    size_t *docs = ne_xmalloc(cap * sizeof *docs);
    uint8_t *modes = ne_xmalloc(cap);
    for (int mode = NE_NER_CASE_ASIS; mode <= NE_NER_CASE_TITLE; mode++)
        for (size_t d = 0; d < train->ndocs; d++) {
            uint64_t h = ne_mix64((uint64_t)d * 2 + (uint64_t)(mode == NE_NER_CASE_TITLE) + 0x5eed);
            if (mode != NE_NER_CASE_ASIS && (int)(h % 100) >= pct) continue;
            docs[n] = d;
            modes[n++] = (uint8_t)mode;
        }
    ne_ner_corpus_recase(train, docs, modes, n, out);
    free(modes);
    *src = docs;
}

/* Counts feature occurrences over the training set, with gold tags as the
 * history, so that rare features can be left out (cutoff). */
static void count_features(trainer *tr, ne_ner_ws *ws, const ne_ner_corpus *c)
{
    for (size_t d = 0; d < c->ndocs; d++) {
        const ne_ner_sent *sents = &c->sents[c->doc_sent[d]];
        size_t ns = c->doc_sent[d + 1] - c->doc_sent[d];
        ner_doc_begin(ws, &tr->tab, sents, ns, doc_fold(d), tr->fs);
        for (size_t k = 0; k < ns; k++) {
            size_t s = ws->order[k];
            ner_sent_features(ws, (uint32_t)(tr->R - 1), tr->fs, &sents[s], s);
            for (uint32_t k = 0; k < ws->foff[sents[s].ntoks]; k++)
                if (tr->cnt[ws->feats[k]] < 255) tr->cnt[ws->feats[k]]++;
            ner_doc_record(ws, s, c->gold + (sents[s].toks - c->toks));
        }
    }
}

static void viterbi_f(const trainer *tr, const float *em, size_t n, uint8_t *bp, uint8_t *out)
{
    const float NEG = -1e30f;
    float cur[NT], nxt[NT];
    for (int t = 0; t < NT; t++) cur[t] = tag_allowed(NT, t) ? tr->tw[NT][t] + em[t] : NEG;
    for (size_t i = 1; i < n; i++) {
        for (int c = 0; c < NT; c++) {
            float best = NEG;
            int bi = 0;
            for (int p = 0; p < NT; p++) {
                if (cur[p] <= NEG || !tag_allowed(p, c)) continue;
                float v = cur[p] + tr->tw[p][c];
                if (v > best) { best = v; bi = p; }
            }
            bp[i * NT + c] = (uint8_t)bi;
            nxt[c] = best <= NEG ? NEG : best + em[i * NT + c];
        }
        memcpy(cur, nxt, sizeof cur);
    }
    int bt = 0;
    float best = NEG;
    for (int t = 0; t < NT; t++)
        if (cur[t] > NEG && tag_end_allowed(t) && cur[t] + tr->ew[t] > best) { best = cur[t] + tr->ew[t]; bt = t; }
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)bt;
        if (i) bt = bp[i * NT + bt];
    }
}

static inline void upd(float *w, float *u, float d, double c)
{
    *w += d;
    *u += (float)(c * d);
}

/* Word dropout for the name lists (--xgaz-dropout PCT): in training, a
 * token that an external list matches loses its word-identity features
 * (f_w, f_lw, f_winit: the second to fourth of ner_sent_features) in PCT %
 * of its sentences, picked by a hash of epoch, document, sentence and
 * token (deterministic). CoNLL train's names are mostly known words, so
 * without it the perceptron learns them by heart and leaves the list
 * features little weight; the names they are for are the unseen ones. */
static int drop_word(int pct, const tokattr *a, uint64_t epoch, size_t d, size_t s, size_t i)
{
    if (!pct) return 0;
    int any = 0;
    for (int l = 0; l < NXL; l++) any |= a->xgaz[l];
    if (!any) return 0;
    uint64_t h = ne_mix64(((epoch * 0x100000001b3ULL + d) * 0x100000001b3ULL + s) * 0x100000001b3ULL + i);
    return (int)(h % 100) < pct;
}
/* Whether feature k of a token whose features start at k0 is dropped. */
static inline int dropped(int drop, uint32_t k, uint32_t k0) { return drop && k - k0 - 1 < 3; }

/* Epoch `epoch` (from 1) over the documents in `order`. Returns the
 * number of sentences with an error. */
static size_t train_epoch(trainer *tr, ne_ner_ws *ws, const ne_ner_corpus *c, const size_t *order,
                          uint64_t epoch)
{
    size_t errors = 0;
    float *em = NULL;
    uint8_t *bp = NULL, *pred = NULL, *drop = NULL;
    size_t cap = 0;
    for (size_t oi = 0; oi < c->ndocs; oi++) {
        size_t d = order[oi];
        const ne_ner_sent *sents = &c->sents[c->doc_sent[d]];
        size_t ns = c->doc_sent[d + 1] - c->doc_sent[d];
        ner_doc_begin(ws, &tr->tab, sents, ns, doc_fold(d), tr->fs);
        for (size_t k = 0; k < ns; k++) {
            size_t s = ws->order[k], n = sents[s].ntoks;
            const uint8_t *gold = c->gold + (sents[s].toks - c->toks);
            if (n > cap) {
                cap = n * 2;
                em = ne_xrealloc(em, cap * NT * sizeof *em);
                bp = ne_xrealloc(bp, cap * NT);
                pred = ne_xrealloc(pred, cap);
                drop = ne_xrealloc(drop, cap);
            }
            ner_sent_features(ws, (uint32_t)(tr->R - 1), tr->fs, &sents[s], s);
            for (size_t i = 0; i < n; i++) {
                float *e = em + i * NT;
                memset(e, 0, NT * sizeof *e);
                drop[i] = (uint8_t)drop_word(tr->xgaz_dropout, &ws->ta[ws->soff[s] + i], epoch, d, s, i);
                for (uint32_t k = ws->foff[i]; k < ws->foff[i + 1]; k++) {
                    uint32_t r = ws->feats[k];
                    if (tr->cnt[r] < tr->mincount || dropped(drop[i], k, ws->foff[i])) continue;
                    const float *w = tr->w + (size_t)r * NT;
                    for (int t = 0; t < NT; t++) e[t] += w[t];
                }
            }
            viterbi_f(tr, em, n, bp, pred);
            tr->c += 1;
            if (memcmp(pred, gold, n) != 0) {
                errors++;
                for (size_t i = 0; i < n; i++) {
                    int g = gold[i], p = pred[i];
                    int gp = i ? gold[i - 1] : NT, pp = i ? pred[i - 1] : NT;
                    if (g != p) {
                        for (uint32_t k = ws->foff[i]; k < ws->foff[i + 1]; k++) {
                            uint32_t r = ws->feats[k];
                            if (tr->cnt[r] < tr->mincount || dropped(drop[i], k, ws->foff[i])) continue;
                            size_t o = (size_t)r * NT;
                            upd(&tr->w[o + g], &tr->u[o + g], 1, tr->c);
                            upd(&tr->w[o + p], &tr->u[o + p], -1, tr->c);
                        }
                    }
                    if (g != p || gp != pp) {
                        upd(&tr->tw[gp][g], &tr->tu[gp][g], 1, tr->c);
                        upd(&tr->tw[pp][p], &tr->tu[pp][p], -1, tr->c);
                    }
                }
                int gl = gold[n - 1], pl = pred[n - 1];
                if (gl != pl) {
                    upd(&tr->ew[gl], &tr->eu[gl], 1, tr->c);
                    upd(&tr->ew[pl], &tr->eu[pl], -1, tr->c);
                }
            }
            ner_doc_record(ws, s, pred);
        }
    }
    free(em); free(bp); free(pred); free(drop);
    return errors;
}

/* The averaged weights, quantised to int16, as a run-time model. */
static ne_ner_model *snapshot(const trainer *tr, int16_t *dense)
{
    double maxabs = 1e-9, c = tr->c > 0 ? tr->c : 1;
#define AVG(w, u) ((double)(w) - (double)(u) / c)
    for (size_t i = 0; i < tr->R * NT; i++) {
        double a = fabs(AVG(tr->w[i], tr->u[i]));
        if (a > maxabs) maxabs = a;
    }
    for (int p = 0; p <= NT; p++)
        for (int t = 0; t < NT; t++) if (fabs(AVG(tr->tw[p][t], tr->tu[p][t])) > maxabs) maxabs = fabs(AVG(tr->tw[p][t], tr->tu[p][t]));
    double scale = 32000.0 / maxabs;
    for (size_t i = 0; i < tr->R * NT; i++)
        dense[i] = (int16_t)lrint(AVG(tr->w[i], tr->u[i]) * scale);
    ne_ner_model *m = ner_model_from_dense(dense, tr->bits, tr->fs, &tr->tab);
    for (int p = 0; p <= NT; p++)
        for (int t = 0; t < NT; t++) m->trans[p][t] = (int32_t)lrint(AVG(tr->tw[p][t], tr->tu[p][t]) * scale);
    for (int t = 0; t < NT; t++) m->endw[t] = (int32_t)lrint(AVG(tr->ew[t], tr->eu[t]) * scale);
#undef AVG
    m->scale = (float)scale;
    return m;
}

/* Tags a corpus with a model; returns the counts and the tagging time. */
static ne_ner_counts evaluate(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_corpus *c, double *secs)
{
    uint8_t *tags = ne_xcalloc(c->ntoks + 1, 1);
    double t = ner_score_tag(m, ws, c, tags);
    if (secs) *secs = t;
    ne_ner_counts k = ner_score_count(c, tags);
    free(tags);
    return k;
}

/* ---- command line -------------------------------------------------------- */

static uint32_t parse_features(const char *spec)
{
    static const struct { const char *name; uint32_t bit; } fams[] = {
        { "affix", FF_AFFIX }, { "shape", FF_SHAPE }, { "ctx", FF_CTX }, { "gaz", FF_GAZ },
        { "caplex", FF_CAPLEX }, { "cluster", FF_CLUSTER }, { "doccap", FF_DOCCAP },
        { "hist", FF_HIST }, { "pos", FF_POS }, { "casedfirst", FF_CASED_FIRST }, { "titlecase", FF_TITLECASE }, { "namepat", FF_NAMEPAT }, { "xgaz", FF_XGAZ }, { "all", FF_ALL },
    };
    uint32_t fs = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int neg = tok[0] == '-';
        size_t i;
        for (i = 0; i < sizeof fams / sizeof *fams; i++)
            if (strcmp(tok + neg, fams[i].name) == 0) break;
        if (i == sizeof fams / sizeof *fams) { fprintf(stderr, "ner_train: unknown feature family %s\n", tok); exit(2); }
        if (neg) fs &= ~fams[i].bit; else fs |= fams[i].bit;
    }
    return fs;
}

static void usage(void)
{
    fprintf(stderr, "usage: ner_train --train FILE --dev FILE [--text JSONL]... [--out FILE] [--score FILE]\n"
                    "                 [--bits N] [--epochs N] [--patience N] [--mincount N] [--features SPEC]\n"
                    "                 [--seed N] [--caplex-conll 0|1] [--augment PCT] [--xgaz FILE]\n"
                    "                 [--xgaz-dropout PCT]\n"
                    "  SPEC: all or a comma list of families, -name to drop one: affix shape ctx gaz\n"
                    "        caplex cluster doccap hist pos casedfirst titlecase namepat xgaz\n"
                    "        (default: all,-namepat; xgaz only with --xgaz)\n"
                    "  --xgaz FILE: external name lists (tools/ner_gazetteers.py), stored in the model\n"
                    "  --xgaz-dropout PCT: a listed word loses its word features in PCT %% of training\n"
                    "        sentences (default 0)\n"
                    "  --text FILE: unlabelled text for the capitalisation lexicon and the clusters\n"
                    "  --cluster-text FILE: for the clusters only; FILE .jsonl (\"text\" of each\n"
                    "        line), .jsonl.gz, or .conllu (its \"# text =\" lines)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *train_path = NULL, *dev_path = NULL, *out = "models/ner.model", *score_path = NULL;
    const char *texts[512], *ctexts[512];
    int nctexts = 0, ntexts = 0, epochs = 30, patience = 4;
    trainer tr;
    memset(&tr, 0, sizeof tr);
    tr.bits = 20;
    /* name-run keyword features (FF_NAMEPAT) measured level with the
     * model without them on eng.testa (mean of 3 seeds): off unless asked
     * for (--features all) */
    tr.fs = FF_ALL & ~FF_NAMEPAT;
    tr.mincount = 2;
    int caplex_conll = 0, augment = 25;
    const char *xgaz_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) usage();
        if (!strcmp(a, "--train")) train_path = v;
        else if (!strcmp(a, "--dev")) dev_path = v;
        else if (!strcmp(a, "--text") && ntexts < 512) texts[ntexts++] = v;
        else if (!strcmp(a, "--cluster-text") && nctexts < 512) ctexts[nctexts++] = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--score")) score_path = v;
        else if (!strcmp(a, "--bits")) tr.bits = (uint32_t)atoi(v);
        else if (!strcmp(a, "--epochs")) epochs = atoi(v);
        else if (!strcmp(a, "--patience")) patience = atoi(v);
        else if (!strcmp(a, "--mincount")) tr.mincount = atoi(v);
        else if (!strcmp(a, "--features")) tr.fs = parse_features(v);
        else if (!strcmp(a, "--seed")) rng_state = ne_mix64(strtoull(v, NULL, 0)) | 1;  /* never 0 */
        else if (!strcmp(a, "--caplex-conll")) caplex_conll = atoi(v);
        else if (!strcmp(a, "--augment")) augment = atoi(v);
        else if (!strcmp(a, "--xgaz")) xgaz_path = v;
        else if (!strcmp(a, "--xgaz-dropout")) tr.xgaz_dropout = atoi(v);
        else usage();
        i++;
    }
    if (!train_path || !dev_path || tr.bits < 12 || tr.bits > 24) usage();
    if (!xgaz_path) tr.fs &= ~(uint32_t)FF_XGAZ;   /* no lists, no list features */

    double t_start = ner_score_now();
    char err[512];
    ne_ner_corpus train, dev;
    if (ne_ner_corpus_read(train_path, &train, err, sizeof err) < 0 ||
        ne_ner_corpus_read(dev_path, &dev, err, sizeof err) < 0) {
        fprintf(stderr, "ner_train: %s\n", err);
        return 1;
    }
    fprintf(stderr, "ner_train: train %zu docs %zu sentences %zu tokens; dev %zu tokens\n",
            train.ndocs, train.nsents, train.ntoks, dev.ntoks);

    /* lexicon and gazetteer */
    textcorp tc = {0};
    for (int i = 0; i < ntexts; i++)
        if (read_jsonl_text(texts[i], &tc) < 0) return 1;
    /* The CoNLL training text joins the unlabelled text only on request:
     * its entities are the very words the model trains on, so their
     * counts would look more telling in training than on new text. */
    if (caplex_conll || ntexts == 0) add_corpus_text(&tc, &train);
    ne_map_reset(&tr.tab.lex, 1 << 16);
    ne_map_reset(&tr.tab.gaz, 1 << 14);
    build_caplex(&tr.tab.lex, &tc);
    if (!(caplex_conll || ntexts == 0)) add_corpus_text(&tc, &train);   /* clusters use it all */
    for (int i = 0; i < nctexts; i++)       /* text for the clusters only */
        if (read_jsonl_text(ctexts[i], &tc) < 0) return 1;
    if (tr.fs & FF_CLUSTER) cluster_words(&tr.tab.lex, &tc);
    if (tr.fs & FF_NAMEPAT) add_keywords(&tr.tab.lex);
    build_gazetteer(&tr.tab.gaz, &train);
    if (xgaz_path && read_name_lists(&tr.tab.gaz, xgaz_path) < 0) return 1;
    fprintf(stderr, "ner_train: %zu text words, lexicon %zu, gazetteer %zu keys (%.1fs)\n",
            tc.n, tr.tab.lex.n, tr.tab.gaz.n, ner_score_now() - t_start);
    free(tc.hl); free(tc.cap); free(tc.initial);

    /* case augmentation, after the lexicon and gazetteer (built from the
     * text as written) */
    ne_ner_corpus orig = train;
    size_t *src = NULL;
    augment_cases(&orig, augment, &train, &src);
    doc_src = src;
    doc_src_n = train.ndocs;
    fprintf(stderr, "ner_train: case augmentation %d %%: %zu documents, %zu tokens\n",
            augment, train.ndocs, train.ntoks);

    tr.R = (size_t)1 << tr.bits;
    tr.w = ne_xcalloc(tr.R * NT, sizeof *tr.w);
    tr.u = ne_xcalloc(tr.R * NT, sizeof *tr.u);
    tr.cnt = ne_xcalloc(tr.R, 1);
    int16_t *dense = ne_xcalloc(tr.R * NT, sizeof *dense);
    ne_ner_ws *ws = ne_ner_ws_new();
    count_features(&tr, ws, &train);

    size_t *order = ne_xcalloc(train.ndocs, sizeof *order);
    for (size_t d = 0; d < train.ndocs; d++) order[d] = d;
    ne_ner_model *best = NULL;
    ne_ner_counts best_k;
    double best_f = -1, best_secs = 0;
    int best_epoch = 0;
    memset(&best_k, 0, sizeof best_k);
    for (int ep = 1; ep <= epochs; ep++) {
        double t0 = ner_score_now();
        for (size_t d = train.ndocs; d > 1; d--) {      /* Fisher-Yates, fixed seed */
            size_t j = (size_t)(rng_next() % d), tmp = order[d - 1];
            order[d - 1] = order[j];
            order[j] = tmp;
        }
        size_t errs = train_epoch(&tr, ws, &train, order, (uint64_t)ep);
        ne_ner_model *m = snapshot(&tr, dense);
        double secs;
        ne_ner_counts k = evaluate(m, ws, &dev, &secs);
        double p, r, f;
        ne_ner_prf(&k, -1, &p, &r, &f);
        fprintf(stderr, "ner_train: epoch %2d: %zu sentence errors, dev P %.4f R %.4f F1 %.4f, %zu rows (%.1fs, tag %.0f tok/s)\n",
                ep, errs, p, r, f, m->nrows, ner_score_now() - t0, (double)dev.ntoks / secs);
        if (f > best_f) {
            ne_ner_free(best);
            best = m;
            best_f = f;
            best_k = k;
            best_epoch = ep;
            best_secs = secs;
        } else {
            ne_ner_free(m);
            if (ep - best_epoch >= patience) break;
        }
    }
    best->score = (float)best_f;
    for (int t = 0; t < 4; t++) {
        double f;
        ne_ner_prf(&best_k, t, NULL, NULL, &f);
        best->score_type[t] = (float)f;
    }
    /* The score recorded is what the written model scores through the
     * run-time path (it is that very model), not the float weights. */
    if (ner_model_write(best, out) < 0) {
        fprintf(stderr, "ner_train: %s: %s\n", out, strerror(errno));
        return 1;
    }
    double total = ner_score_now() - t_start;
    static const char *const names[4] = { "PER", "ORG", "LOC", "MISC" };
    nebuf rep = {0};
    nebuf_printf(&rep, "# models/ner.model: scores on %s (exact-span entity F1, conlleval)\n", dev_path);
    /* Only deterministic facts go into the report file, so retraining on
     * the same data reproduces it byte for byte; times go to stderr. */
    nebuf_printf(&rep, "epoch %d of %d, bits %u, features 0x%x, mincount %d, case augmentation %d %%, %zu weight rows\n",
                 best_epoch, epochs, tr.bits, tr.fs, tr.mincount, augment, best->nrows);
    for (int t = -1; t < 4; t++) {
        double p, r, f;
        ne_ner_prf(&best_k, t, &p, &r, &f);
        nebuf_printf(&rep, "%-7s P %.4f R %.4f F1 %.4f\n", t < 0 ? "overall" : names[t], p, r, f);
    }
    fputs(rep.p, stderr);
    fprintf(stderr, "ner_train: train time %.1fs, dev tagging %.0f tokens/s\n", total, (double)dev.ntoks / best_secs);
    if (score_path) {
        FILE *fp = fopen(score_path, "w");
        if (!fp || fputs(rep.p, fp) < 0 || fclose(fp) != 0) {
            fprintf(stderr, "ner_train: %s: cannot write\n", score_path);
            return 1;
        }
    }
    nebuf_free(&rep);
    ne_ner_free(best);
    ne_ner_ws_free(ws);
    free(order); free(dense); free(tr.w); free(tr.u); free(tr.cnt);
    ne_map_free(&tr.tab.lex);
    ne_map_free(&tr.tab.gaz);
    ne_ner_corpus_free(&train);
    ne_ner_corpus_free(&orig);
    free(src);
    ne_ner_corpus_free(&dev);
    return 0;
}
