/* syntax.c — the grammatical-role tagger (syntax.h). */
#include "enrichers/syntax/syntax.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/hash.h"
#include "common/xalloc.h"

#define MAGIC "newsenrich-syntax 2"

/* A weight row: NE_SYN_NLABELS weights quantised to int8 against the row's
 * own scale (24 bytes: 2^16 rows are 1.5 MB and stay in a core's L2, where
 * int16 rows, 2.6 MB, did not and cost a cache miss a feature). */
typedef struct syn_row { float scale; int8_t v[NE_SYN_NLABELS]; } syn_row;

struct ne_syntax_model {
    unsigned bits;
    syn_row *w;      /* 2^bits rows */
};

/* ---- labels ------------------------------------------------------------- */

static const char *const label_names[NE_SYN_NLABELS] = {
    "other", "nsubj", "obj", "iobj", "obl", "nmod", "poss", "appos", "compound", "conj",
    "root", "clause", "relcl", "mark", "cc", "case", "det", "mod", "aux", "punct"
};

const char *ne_syntax_label_name(int label)
{
    return label >= 0 && label < NE_SYN_NLABELS ? label_names[label] : "?";
}

int ne_syntax_label_of(const char *d)
{
    static const struct { const char *rel; int label; } map[] = {
        { "nsubj", NE_SYN_NSUBJ }, { "csubj", NE_SYN_NSUBJ }, { "expl", NE_SYN_NSUBJ },
        { "obj", NE_SYN_OBJ }, { "iobj", NE_SYN_IOBJ }, { "obl", NE_SYN_OBL },
        { "nmod", NE_SYN_NMOD }, { "appos", NE_SYN_APPOS }, { "compound", NE_SYN_COMPOUND },
        { "flat", NE_SYN_COMPOUND }, { "fixed", NE_SYN_COMPOUND }, { "conj", NE_SYN_CONJ },
        { "root", NE_SYN_ROOT }, { "ccomp", NE_SYN_CLAUSE }, { "xcomp", NE_SYN_CLAUSE },
        { "advcl", NE_SYN_CLAUSE }, { "acl", NE_SYN_CLAUSE }, { "parataxis", NE_SYN_CLAUSE },
        { "mark", NE_SYN_MARK }, { "cc", NE_SYN_CC }, { "case", NE_SYN_CASE },
        { "det", NE_SYN_DET }, { "amod", NE_SYN_MOD }, { "advmod", NE_SYN_MOD },
        { "nummod", NE_SYN_MOD }, { "aux", NE_SYN_AUX }, { "cop", NE_SYN_AUX },
        { "punct", NE_SYN_PUNCT },
    };
    if (!strcmp(d, "nmod:poss")) return NE_SYN_POSS;
    if (!strcmp(d, "acl:relcl")) return NE_SYN_RELCL;
    size_t l = strcspn(d, ":");
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strlen(map[i].rel) == l && !strncmp(map[i].rel, d, l)) return map[i].label;
    return NE_SYN_OTHER;
}

/* ---- features ------------------------------------------------------------ */

/* Byte-level normalisation: lower case, digits to '0', every quotation
 * mark (ASCII or UTF-8 curly) to '"' — EWT and news spell them apart. */
static uint64_t word_hashes(const char *s, size_t len, uint64_t *suf, uint64_t *shape)
{
    char buf[64];
    size_t n = 0;
    int caps = 0, lower = 0, digit = 0, alpha = 0;
    for (size_t i = 0; i < len && n < sizeof buf; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] >= 0x98 && (unsigned char)s[i + 2] <= 0x9f) {
            buf[n++] = (unsigned char)s[i + 2] <= 0x9b ? '\'' : '"';
            i += 2;
            continue;
        }
        if (c == '`') c = '\'';
        if (c >= 'A' && c <= 'Z') { caps++; alpha++; c = (unsigned char)(c + 32); }
        else if (c >= 'a' && c <= 'z') { lower++; alpha++; }
        else if (c >= '0' && c <= '9') { digit++; c = '0'; }
        buf[n++] = (char)c;
    }
    if (n == 2 && buf[0] == '\'' && buf[1] == '\'') n = 1, buf[0] = '"';
    if (n == 1 && buf[0] == '\'') buf[0] = '"';
    uint64_t h = ne_mix64(ne_fnv1a(NE_FNV64_OFFSET, buf, n));
    size_t k = n < 3 ? n : 3;
    *suf = ne_mix64(ne_fnv1a(0x5ffULL, buf + n - k, k));
    int first_cap = len && s[0] >= 'A' && s[0] <= 'Z';
    uint64_t sh = !alpha ? (digit ? 1 : 2) : caps > 1 && !lower ? 3 : first_cap ? 4 : 5;
    *shape = sh * 4 + (n <= 2 ? 0 : n <= 4 ? 1 : n <= 7 ? 2 : 3);
    return h;
}

void ne_syntax_prepare(ne_syn_ctx *c, const ne_syn_word *words, size_t n)
{
    if (n > NE_SYNTAX_MAXTOK) n = NE_SYNTAX_MAXTOK;
    c->n = n;
    c->hi = 0; c->head = c->subj = c->mark = 0;
    for (size_t i = 0; i < n; i++)
        c->w[i] = word_hashes(words[i].s, words[i].len, &c->suf[i], &c->shape[i]);
}

static inline uint32_t fhash(unsigned bits, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    h = (h ^ a) * 0xff51afd7ed558ccdULL; h ^= h >> 29;
    h = (h ^ b) * 0xff51afd7ed558ccdULL; h ^= h >> 29;
    h = (h ^ c) * 0xff51afd7ed558ccdULL; h ^= h >> 29;
    h = (h ^ d) * 0xc4ceb9fe1a85ec53ULL; h ^= h >> 32;
    return (uint32_t)(h & (((uint64_t)1 << bits) - 1));
}

/* The features that read only words (most of them): computed for a
 * whole sentence first, so their rows can be fetched ahead (see tag_piece). */
#define NSTATIC 19
static size_t static_feats(const ne_syn_ctx *c, size_t i, unsigned bits, uint32_t *rows)
{
    size_t n = c->n, nf = 0;
    const uint64_t BOS = 0xb05, EOS = 0xe05;
    uint64_t wm1 = i >= 1 ? c->w[i - 1] : BOS, wm2 = i >= 2 ? c->w[i - 2] : BOS, wm3 = i >= 3 ? c->w[i - 3] : BOS;
    uint64_t wp1 = i + 1 < n ? c->w[i + 1] : EOS, wp2 = i + 2 < n ? c->w[i + 2] : EOS;
    uint64_t wp3 = i + 3 < n ? c->w[i + 3] : EOS;
    uint64_t sm1 = i >= 1 ? c->suf[i - 1] : BOS, sp1 = i + 1 < n ? c->suf[i + 1] : EOS;
    uint64_t hm1 = i >= 1 ? c->shape[i - 1] : 99, hp1 = i + 1 < n ? c->shape[i + 1] : 99;
    uint64_t w0 = c->w[i], s0 = c->suf[i], h0 = c->shape[i];
#define FF(k, a, b, d) rows[nf++] = fhash(bits, (k), (a), (b), (d))
    FF(1, 0, 0, 0);
    FF(2, w0, 0, 0);
    FF(3, wm1, 0, 0);
    FF(4, wp1, 0, 0);
    FF(5, wm2, 0, 0);
    FF(6, wp2, 0, 0);
    FF(7, s0, 0, 0);
    FF(8, h0, 0, 0);
    FF(12, wm1, w0, 0);
    FF(13, w0, wp1, 0);
    FF(14, sm1, s0, 0);
    FF(15, hm1, h0, hp1);
    FF(16, sp1, 0, 0);
    FF(17, i == 0, i + 1 == n, h0);
    FF(18, wp3, 0, 0);
    FF(19, wm3, 0, 0);
    FF(25, s0, sp1, 0);
    FF(26, w0, wp1, wp2);
    FF(27, wm1, w0, wp1);
    return nf;
}

/* The features that read the labels chosen before i. */
static size_t dynamic_feats(ne_syn_ctx *c, size_t i, const uint8_t *labels, unsigned bits, uint32_t *rows)
{
    size_t n = c->n, nf = 0;
    const uint64_t EOS = 0xe05;
    uint64_t wp1 = i + 1 < n ? c->w[i + 1] : EOS;
    uint64_t p1 = i >= 1 ? labels[i - 1] : 99, p2 = i >= 2 ? labels[i - 2] : 99;
    /* what the labels so far say of the clause: a verbal head seen, and
     * subjects and markers since it; kept in c and brought up to i (a
     * left-to-right decoder asks for i = 0, 1, 2, …: constant time) */
    if (i < c->hi) c->hi = 0, c->head = c->subj = c->mark = 0;
    for (; c->hi < i; c->hi++) {
        int l = labels[c->hi];
        if (l == NE_SYN_ROOT || l == NE_SYN_CLAUSE || l == NE_SYN_RELCL) c->head = 1, c->mark = 0;
        else if (l == NE_SYN_NSUBJ) c->subj = c->subj < 2 ? c->subj + 1 : 2;
        else if (l == NE_SYN_MARK || l == NE_SYN_CC) c->mark = 1, c->head = 0;
    }
    uint64_t head = c->head, subj = c->subj, mark = c->mark;
    uint64_t w0 = c->w[i], s0 = c->suf[i];
    FF(9, p1, 0, 0);
    FF(10, p1, p2, 0);
    FF(11, p1, w0, 0);
    FF(20, p1, wp1, 0);
    FF(21, head, subj, mark);
    FF(22, head, mark, s0);
    FF(23, head, subj, p1);
    FF(24, head, w0, 0);
    FF(28, p1, s0, head);
#undef FF
    return nf;
}

size_t ne_syntax_feats(ne_syn_ctx *c, size_t i, const uint8_t *labels, unsigned bits, uint32_t *rows)
{
    size_t nf = static_feats(c, i, bits, rows);
    return nf + dynamic_feats(c, i, labels, bits, rows + nf);
}

/* ---- tagging ------------------------------------------------------------- */

/* The weight rows are scattered over megabytes and, in the chain, out of
 * cache: fetched one feature after another they cost a memory latency
 * each. So the word features' rows of the whole sentence are computed and
 * prefetched first, and the misses overlap. */
/* Summing a row is 20 multiply-adds: vectorised (the build's -O2 leaves
 * this loop scalar, and then it is most of the tagger's time). */
#ifndef __SSE2__
__attribute__((optimize("tree-vectorize")))
static void add_row(float *restrict s, const syn_row *restrict r)
{
    float sc = r->scale;
    for (int l = 0; l < NE_SYN_NLABELS; l++) s[l] += sc * (float)r->v[l];
}
#endif

/* The scores of one token: s[l] = the sum over rows a[], then b[], of
 * scale * v[l], added in that order. With SSE2 (every x86-64) the 20
 * labels are five vectors kept in registers across all the rows, and the
 * int8 weights widen by unpacking; each lane does the same float multiply
 * and add, in the same order, as add_row, so the scores are bit for bit
 * the same. The compiler's own vectorisation of add_row did 16 labels
 * and a scalar tail and stored the sums after every row: 72 instructions
 * a row against about 35 here (callgrind, bench corpus). */
static void sum_rows(const syn_row *w, const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                     float s[NE_SYN_NLABELS])
{
#ifdef __SSE2__
    _Static_assert(NE_SYN_NLABELS == 20, "sum_rows: five vectors of four labels");
    __m128 s0 = _mm_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0;
    for (size_t k = 0; k < na + nb; k++) {
        const syn_row *r = &w[k < na ? a[k] : b[k - na]];
        int32_t tail;
        memcpy(&tail, r->v + 16, sizeof tail);
        __m128i raw = _mm_loadu_si128((const __m128i *)(const void *)r->v);
        __m128i lo = _mm_unpacklo_epi8(raw, raw), hi = _mm_unpackhi_epi8(raw, raw);
        __m128i tl = _mm_unpacklo_epi8(_mm_cvtsi32_si128(tail), _mm_cvtsi32_si128(tail));
        __m128 sc = _mm_set1_ps(r->scale);
        /* each byte repeated four times in a 32-bit lane, shifted down
         * with its sign: the int8 as an int32 */
        s0 = _mm_add_ps(s0, _mm_mul_ps(sc, _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(lo, lo), 24))));
        s1 = _mm_add_ps(s1, _mm_mul_ps(sc, _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(lo, lo), 24))));
        s2 = _mm_add_ps(s2, _mm_mul_ps(sc, _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(hi, hi), 24))));
        s3 = _mm_add_ps(s3, _mm_mul_ps(sc, _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(hi, hi), 24))));
        s4 = _mm_add_ps(s4, _mm_mul_ps(sc, _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(tl, tl), 24))));
    }
    _mm_storeu_ps(s, s0); _mm_storeu_ps(s + 4, s1); _mm_storeu_ps(s + 8, s2);
    _mm_storeu_ps(s + 12, s3); _mm_storeu_ps(s + 16, s4);
#else
    memset(s, 0, NE_SYN_NLABELS * sizeof *s);
    for (size_t k = 0; k < na; k++) add_row(s, &w[a[k]]);
    for (size_t k = 0; k < nb; k++) add_row(s, &w[b[k]]);
#endif
}

/* GCC vectorises the row sums at -O2 only when asked; clang (the fuzz
 * build) does it by itself and rejects the attribute. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize")))
#endif
static void tag_piece(const ne_syntax_model *m, const ne_syn_word *words, size_t n, uint8_t *labels)
{
    ne_syn_ctx c;
    ne_syntax_prepare(&c, words, n);
    uint32_t st[NE_SYNTAX_MAXTOK][NSTATIC];     /* 19 KB of stack */
    for (size_t i = 0; i < c.n; i++) {
        static_feats(&c, i, m->bits, st[i]);
        for (size_t k = 0; k < NSTATIC; k++) __builtin_prefetch(&m->w[st[i][k]]);
    }
    uint32_t rows[NE_SYNTAX_MAXF];
    for (size_t i = 0; i < c.n; i++) {
        size_t nd = dynamic_feats(&c, i, labels, m->bits, rows);
        float s[NE_SYN_NLABELS];
        sum_rows(m->w, st[i], NSTATIC, rows, nd, s);
        int best = 0;
        for (int l = 1; l < NE_SYN_NLABELS; l++)
            if (s[l] > s[best]) best = l;
        labels[i] = (uint8_t)best;
    }
}

void ne_syntax_tag(const ne_syntax_model *m, const ne_syn_word *words, size_t n, uint8_t *labels)
{
    for (size_t off = 0; off < n; off += NE_SYNTAX_MAXTOK) {
        size_t k = n - off < NE_SYNTAX_MAXTOK ? n - off : NE_SYNTAX_MAXTOK;
        tag_piece(m, words + off, k, labels + off);
    }
}

/* ---- model file ---------------------------------------------------------- */

int ne_syntax_save(const float *w, unsigned bits, const char *info, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fprintf(f, "%s\nbits %u labels %d\ninfo %s\n", MAGIC, bits, NE_SYN_NLABELS, info ? info : "");
    for (size_t r = 0; r < ((size_t)1 << bits); r++) {
        const float *x = w + r * NE_SYN_NLABELS;
        float mx = 0;
        for (int l = 0; l < NE_SYN_NLABELS; l++) if (fabsf(x[l]) > mx) mx = fabsf(x[l]);
        syn_row row;
        memset(&row, 0, sizeof row);
        row.scale = mx > 0 ? mx / 127.0f : 0.0f;
        for (int l = 0; l < NE_SYN_NLABELS && mx > 0; l++) row.v[l] = (int8_t)lrintf(x[l] / row.scale);
        fwrite(&row, sizeof row, 1, f);   /* the machine's byte order: little-endian x86/arm */
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return -1;
    return 0;
}

/* The rows are read at random: on 4 KB pages nearly every feature would
 * also miss the TLB, so the table asks for 2 MB pages (transparent huge
 * pages, where the kernel offers them with madvise). */
static syn_row *alloc_weights(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    size_t sz = (bytes + huge - 1) / huge * huge;
    void *p = NULL;
    if (posix_memalign(&p, huge, sz) != 0 || !p) return ne_xmalloc(bytes);
#ifdef MADV_HUGEPAGE
    (void)madvise(p, sz, MADV_HUGEPAGE);
#endif
    return p;
}

ne_syntax_model *ne_syntax_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    char line[1024];
    unsigned bits = 0;
    int labels = 0;
    ne_syntax_model *m = NULL;
    if (!fgets(line, sizeof line, f) || strncmp(line, MAGIC, strlen(MAGIC)) != 0) goto bad;
    if (!fgets(line, sizeof line, f) || sscanf(line, "bits %u labels %d", &bits, &labels) != 2 ||
        bits < 8 || bits > 22 || labels != NE_SYN_NLABELS) goto bad;
    if (!fgets(line, sizeof line, f) || strncmp(line, "info", 4) != 0) goto bad;
    m = ne_xcalloc(1, sizeof *m);
    m->bits = bits;
    size_t nw = (size_t)1 << bits;
    m->w = alloc_weights(nw * sizeof *m->w);
    if (fread(m->w, sizeof *m->w, nw, f) != nw) goto bad;
    fclose(f);
    return m;
bad:
    snprintf(err, errlen, "%s: not a syntax model (%s) or truncated", path, MAGIC);
    fclose(f);
    ne_syntax_free(m);
    return NULL;
}

void ne_syntax_free(ne_syntax_model *m)
{
    if (!m) return;
    free(m->w);
    free(m);
}
