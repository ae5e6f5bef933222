/* ner_model — the model: sparse int16 weight rows behind a bitmap with a
 * rank index (row r is stored when bit r is set; its index is the number
 * of set bits before it), transitions, and the lexicon and gazetteer; and
 * its file, loaded by the tagger and written by the trainer.
 */
#include "enrichers/ner/ner_int.h"

#include "common/nebuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Builds the rank index over m->bitmap; sets m->nrows. */
static void model_build_rank(ne_ner_model *m)
{
    size_t nw = ((size_t)1 << m->row_bits) / 64;
    uint32_t acc = 0;
    m->rank = ne_xmalloc(nw * sizeof *m->rank);
    for (size_t i = 0; i < nw; i++) {
        m->rank[i] = acc;
        acc += popcount64(m->bitmap[i]);
    }
    m->nrows = acc;
}

void ne_ner_free(ne_ner_model *m)
{
    if (!m) return;
    free(m->rank);
    free(m->blob);
    free(m->owned_rows);
    if (!m->borrowed_tables) {
        ne_map_free(&m->tab.lex);
        ne_map_free(&m->tab.gaz);
    }
    free(m);
}

double ne_ner_model_score(const ne_ner_model *m, double per_type[4])
{
    if (per_type)
        for (int t = 0; t < 4; t++) per_type[t] = m ? m->score_type[t] : 0;
    return m ? m->score : 0;
}

/* ---- the model file ---------------------------------------------------
 *
 * Little-endian, 8-byte aligned sections:
 *   header (struct file_header)
 *   int32 trans[(NT+1)*NT], int32 endw[NT]    (padded to 8)
 *   uint64 bitmap[2^row_bits / 64]
 *   int16 rows[nrows * NT]                    (padded to 8)
 *   uint64 lex keys[nlex], lex values[nlex]
 *   uint64 gaz keys[ngaz], gaz values[ngaz]
 *   uint64 checksum of everything before it
 */
#define NER_MAGIC "NENERv1\n"

struct file_header {
    char magic[8];
    uint32_t row_bits, ntags, nrows, nlex, ngaz, feat_set;
    float scale, score, score_type[4];
    uint32_t reserved[6];
};

static uint64_t checksum(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0x243f6a8885a308d3ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = ne_mix64(h ^ w);
    }
    for (; i < n; i++) h = ne_mix64(h ^ b[i]);
    return h;
}

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

ne_ner_model *ne_ner_load(const char *path, char *err, size_t errlen)
{
    ne_ner_model *m = NULL;
    unsigned char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    long sz;
#define FAIL(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)
    if (!fp) FAIL("%s: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        FAIL("%s: cannot size file", path);
    buf = ne_xmalloc((size_t)sz + 8);
    if (fread(buf, 1, (size_t)sz, fp) != (size_t)sz) FAIL("%s: read error", path);
    fclose(fp);
    fp = NULL;

    struct file_header h;
    size_t n = (size_t)sz;
    if (n < sizeof h + 8) FAIL("%s: too short for a model", path);
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, NER_MAGIC, 8) != 0) FAIL("%s: not an NER model (bad magic)", path);
    if (h.ntags != NT || h.row_bits < 10 || h.row_bits > 26)
        FAIL("%s: unsupported model layout", path);
    size_t off_trans = pad8(sizeof h);
    size_t off_bitmap = off_trans + pad8(((NT + 1) * NT + NT) * sizeof(int32_t));
    size_t off_rows = off_bitmap + ((size_t)1 << h.row_bits) / 8;
    size_t off_lex = off_rows + pad8((size_t)h.nrows * NT * sizeof(int16_t));
    size_t off_gaz = off_lex + (size_t)h.nlex * 16;
    size_t off_sum = off_gaz + (size_t)h.ngaz * 16;
    if (off_sum + 8 != n) FAIL("%s: size %zu does not match its header (%zu)", path, n, off_sum + 8);
    uint64_t want;
    memcpy(&want, buf + off_sum, 8);
    if (checksum(buf, off_sum) != want) FAIL("%s: checksum mismatch (corrupt file)", path);

    m = ne_xcalloc(1, sizeof *m);
    m->blob = buf;
    m->cache_id = want | 1;
    buf = NULL;
    unsigned char *blob = m->blob;
    m->row_bits = h.row_bits;
    m->row_mask = (uint32_t)(((uint64_t)1 << h.row_bits) - 1);
    m->feat_set = h.feat_set;
    m->scale = h.scale;
    m->score = h.score;
    memcpy(m->score_type, h.score_type, sizeof m->score_type);
    memcpy(m->trans, blob + off_trans, sizeof m->trans);
    memcpy(m->endw, blob + off_trans + sizeof m->trans, sizeof m->endw);
    m->bitmap = (const uint64_t *)(blob + off_bitmap);
    m->rows = (const int16_t *)(blob + off_rows);
    model_build_rank(m);
    if (m->nrows != h.nrows) FAIL("%s: bitmap does not match row count", path);
    ner_table_fill(&m->tab.lex, (const uint64_t *)(blob + off_lex),
                   (const uint64_t *)(blob + off_lex) + h.nlex, h.nlex);
    ner_table_fill(&m->tab.gaz, (const uint64_t *)(blob + off_gaz),
                   (const uint64_t *)(blob + off_gaz) + h.ngaz, h.ngaz);
    return m;
fail:
#undef FAIL
    if (fp) fclose(fp);
    free(buf);
    ne_ner_free(m);
    return NULL;
}

/* Appends the key/value arrays of a table, keys ascending, so the file
 * depends on the keys alone: neither on insertion history nor on the slot
 * function of the map. */
static int cmp_u64pair(const void *a, const void *b)
{
    uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
    return x < y ? -1 : x > y;
}
static void write_table(nebuf *out, const ne_map *t)
{
    uint64_t *pairs = ne_xmalloc((t->n + 1) * 16);
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) { pairs[2 * k] = t->keys[i]; pairs[2 * k + 1] = t->vals[i]; k++; }
    qsort(pairs, k, 16, cmp_u64pair);
    for (size_t i = 0; i < k; i++) nebuf_append(out, &pairs[2 * i], 8);
    for (size_t i = 0; i < k; i++) nebuf_append(out, &pairs[2 * i + 1], 8);
    free(pairs);
}

int ner_model_write(const ne_ner_model *m, const char *path)
{
    struct file_header h;
    nebuf b = {0};
    memset(&h, 0, sizeof h);
    memcpy(h.magic, NER_MAGIC, 8);
    h.row_bits = m->row_bits;
    h.ntags = NT;
    h.nrows = (uint32_t)m->nrows;
    h.nlex = (uint32_t)m->tab.lex.n;
    h.ngaz = (uint32_t)m->tab.gaz.n;
    h.feat_set = m->feat_set;
    h.scale = m->scale;
    h.score = m->score;
    memcpy(h.score_type, m->score_type, sizeof h.score_type);
    static const char zeros[8];
    nebuf_append(&b, &h, sizeof h);
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    nebuf_append(&b, m->trans, sizeof m->trans);
    nebuf_append(&b, m->endw, sizeof m->endw);
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    nebuf_append(&b, m->bitmap, ((size_t)1 << m->row_bits) / 8);
    nebuf_append(&b, m->rows, m->nrows * NT * sizeof(int16_t));
    nebuf_append(&b, zeros, pad8(b.len) - b.len);
    write_table(&b, &m->tab.lex);
    write_table(&b, &m->tab.gaz);
    uint64_t sum = checksum(b.p, b.len);
    nebuf_append(&b, &sum, 8);
    FILE *fp = fopen(path, "wb");
    int rc = -1;
    if (fp) {
        rc = fwrite(b.p, 1, b.len, fp) == b.len ? 0 : -1;
        if (fclose(fp) != 0) rc = -1;
    }
    nebuf_free(&b);
    return rc;
}

ne_ner_model *ner_model_from_dense(const int16_t *dense, uint32_t row_bits,
                                   uint32_t feat_set, const ner_tables *tab)
{
    size_t R = (size_t)1 << row_bits, nz = 0;
    ne_ner_model *m = ne_xcalloc(1, sizeof *m);
    uint64_t *bm = ne_xcalloc(R / 64, 8);       /* bitmap first, rows after it, one block */
    for (size_t r = 0; r < R; r++) {
        for (int t = 0; t < NT; t++)
            if (dense[r * NT + t]) { bm[r >> 6] |= 1ULL << (r & 63); nz++; break; }
    }
    uint64_t *blk = ne_xrealloc(bm, R / 8 + nz * NT * sizeof(int16_t) + 8);
    m->owned_rows = blk;
    int16_t *rows = (int16_t *)(blk + R / 64);
    size_t k = 0;
    for (size_t r = 0; r < R; r++)
        if (blk[r >> 6] >> (r & 63) & 1) memcpy(rows + NT * k++, dense + r * NT, NT * sizeof(int16_t));
    m->bitmap = blk;
    m->rows = rows;
    m->row_bits = row_bits;
    m->row_mask = (uint32_t)(R - 1);
    m->feat_set = feat_set;
    m->tab = *tab;
    m->borrowed_tables = 1;
    model_build_rank(m);
    return m;
}
