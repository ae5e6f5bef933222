/* dedup_changelog — the changelog records of the dedup state: encoding
 * what an insert adds, and applying a record (ours or another instance's)
 * to the state. The format is documented in enrichers/DEDUP.md:
 *
 *   key "a/<article id>"  value {"v":1,"id":…,"story":…|null,"at":…,"pub":…,
 *                                "body":"<16 hex>","url":…,"nsh":…,
 *                                "sk":[4 x u32],"bands":[5 x u32],"feat":[u32…]}
 *   key "c/<16 hex statement hash>"
 *                         value {"v":1,"article":…,"claim_id":…,"at":…,"ts":…,
 *                                "norm":"<16 hex>","tri":[u32…]}
 *
 * JSON so that a person can read the topic with any consumer; numbers are
 * unsigned 32-bit integers (times in unix seconds). */
#include "enrichers/dedup_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

void dd_rec_clear(ne_dedup_state *s)
{
    s->npend = s->nrecs = 0;
    s->pend_nfeat = 0;
    s->encoded = 0;
    nebuf_reset(&s->pendstr);
    nebuf_reset(&s->recbuf);
}

void dd_rec_free(ne_dedup_state *s)
{
    free(s->pend);
    free(s->recs);
    nebuf_free(&s->pendstr);
    nebuf_free(&s->recbuf);
}

/* A copy of str in pendstr (NUL-terminated); its offset. */
static size_t pend_str(ne_dedup_state *s, const char *str)
{
    size_t off = s->pendstr.len;
    nebuf_append(&s->pendstr, str, strlen(str) + 1);
    return off;
}

static dd_pend *pend_new(ne_dedup_state *s)
{
    if (s->npend == s->cappend) {
        size_t nc = s->cappend ? s->cappend * 2 : 8;
        dd_pend *p = realloc(s->pend, nc * sizeof *p);
        if (!p) abort();   /* as nebuf: nothing useful can be done without memory */
        s->pend = p;
        s->cappend = nc;
    }
    dd_pend *p = &s->pend[s->npend++];
    memset(p, 0, sizeof *p);
    return p;
}

/* The article record uses s->fp, so one per finish() (the last one). */
void dd_pend_article(ne_dedup_state *s, uint32_t at, uint32_t pub, const char *id, const char *story,
                     const uint32_t *feats, size_t nfeat)
{
    dd_pend *p = pend_new(s);
    p->kind = 'a';
    p->at = at;
    p->t2 = pub;
    p->s1 = pend_str(s, id);
    p->s2 = story && strcmp(story, id) != 0 ? pend_str(s, story) : (size_t)-1;
    if (nfeat > DD_FEAT_MAX) nfeat = DD_FEAT_MAX;
    memcpy(s->pend_feats, feats, nfeat * sizeof *feats);
    s->pend_nfeat = nfeat;
}

void dd_pend_claim(ne_dedup_state *s, uint64_t norm, const uint32_t *tri, size_t ntri, uint32_t at, uint32_t ts,
                   const char *article_id, const char *claim_id)
{
    dd_pend *p = pend_new(s);
    p->kind = 'c';
    p->norm = norm;
    p->tri = tri;
    p->ntri = ntri;
    p->at = at;
    p->t2 = ts;
    p->s1 = pend_str(s, article_id);
    p->s2 = pend_str(s, claim_id);
}

/* ---- encoding ---------------------------------------------------------- */

/* Numbers are written straight into the buffer: a claim record is mostly
 * its trigram hashes, and formatting them through printf was most of the
 * claim half's cost. */
static char *put_u32_raw(char *o, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *o++ = tmp[--n];
    return o;
}

static void put_u32(nebuf *b, uint32_t v)
{
    nebuf_reserve(b, 10);
    char *o = put_u32_raw(b->p + b->len, v);
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

static void put_lit(nebuf *b, const char *lit) { nebuf_append(b, lit, strlen(lit)); }

static void put_hex64(nebuf *b, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    nebuf_reserve(b, 16);
    char *o = b->p + b->len;
    for (int i = 15; i >= 0; i--, v >>= 4) o[i] = hex[v & 15];
    b->len += 16;
    b->p[b->len] = '\0';
}

static void put_u32_array(nebuf *b, const uint32_t *a, size_t n)
{
    nebuf_reserve(b, 2 + 11 * n);
    char *o = b->p + b->len;
    *o++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i) *o++ = ',';
        o = put_u32_raw(o, a[i]);
    }
    *o++ = ']';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

void dd_encode_article(nebuf *key, nebuf *val, const dd_fp *fp, uint32_t at, uint32_t pub,
                       const char *id, const char *story, const uint32_t *feats, size_t nfeat)
{
    put_lit(key, "a/");
    put_lit(key, id);
    put_lit(val, "{\"v\":1,\"id\":");
    nebuf_json_str(val, id, strlen(id));
    put_lit(val, ",\"story\":");
    if (story && strcmp(story, id) != 0) nebuf_json_str(val, story, strlen(story));
    else put_lit(val, "null");
    put_lit(val, ",\"at\":");
    put_u32(val, at);
    put_lit(val, ",\"pub\":");
    put_u32(val, pub);
    put_lit(val, ",\"body\":\"");
    put_hex64(val, fp->body);
    put_lit(val, "\",\"url\":");
    put_u32(val, fp->url);
    put_lit(val, ",\"nsh\":");
    put_u32(val, fp->nsh);
    put_lit(val, ",\"sk\":");
    put_u32_array(val, fp->sketch, DD_SKETCH_WORDS);
    put_lit(val, ",\"bands\":");
    put_u32_array(val, fp->band, DD_BANDS);
    put_lit(val, ",\"feat\":");
    put_u32_array(val, feats, nfeat);
    nebuf_putc(val, '}');
}

void dd_encode_claim(nebuf *key, nebuf *val, uint64_t norm, const uint32_t *tri, size_t ntri,
                     uint32_t at, uint32_t ts, const char *article_id, const char *claim_id)
{
    put_lit(key, "c/");
    put_hex64(key, norm);
    put_lit(val, "{\"v\":1,\"article\":");
    nebuf_json_str(val, article_id, strlen(article_id));
    put_lit(val, ",\"claim_id\":");
    nebuf_json_str(val, claim_id, strlen(claim_id));
    put_lit(val, ",\"at\":");
    put_u32(val, at);
    put_lit(val, ",\"ts\":");
    put_u32(val, ts);
    put_lit(val, ",\"norm\":\"");
    put_hex64(val, norm);
    put_lit(val, "\",\"tri\":");
    put_u32_array(val, tri, ntri);
    nebuf_putc(val, '}');
}

/* Encodes the pending records into recbuf, key then value, one after the
 * other (through two scratch buffers reused for every record; offsets,
 * not pointers, as recbuf moves when it grows). */
static void encode_pending(ne_dedup_state *s)
{
    if (s->caprecs < s->npend) {
        dd_rec *r = realloc(s->recs, s->npend * sizeof *r);
        if (!r) abort();
        s->recs = r;
        s->caprecs = s->npend;
    }
    nebuf *b = &s->recbuf;
    nebuf_reset(b);
    nebuf key = {0}, val = {0};
    for (size_t i = 0; i < s->npend; i++) {
        const dd_pend *p = &s->pend[i];
        const char *s1 = s->pendstr.p + p->s1;
        nebuf_reset(&key);
        nebuf_reset(&val);
        if (p->kind == 'a')
            dd_encode_article(&key, &val, &s->fp, p->at, p->t2, s1,
                              p->s2 == (size_t)-1 ? NULL : s->pendstr.p + p->s2, s->pend_feats, s->pend_nfeat);
        else
            dd_encode_claim(&key, &val, p->norm, p->tri, p->ntri, p->at, p->t2, s1, s->pendstr.p + p->s2);
        dd_rec *r = &s->recs[i];
        r->key_off = b->len;
        r->key_len = key.len;
        nebuf_append(b, key.p, key.len);
        r->value_off = b->len;
        r->value_len = val.len;
        nebuf_append(b, val.p, val.len);
    }
    nebuf_free(&key);
    nebuf_free(&val);
    s->nrecs = s->npend;
    s->encoded = 1;
}

size_t ne_dedup_records(ne_dedup_state *s, ne_dedup_record *out, size_t max)
{
    if (!s->encoded) encode_pending(s);
    size_t n = s->nrecs < max ? s->nrecs : max;
    for (size_t i = 0; i < n; i++) {
        out[i].key = s->recbuf.p + s->recs[i].key_off;
        out[i].key_len = s->recs[i].key_len;
        out[i].value = s->recbuf.p + s->recs[i].value_off;
        out[i].value_len = s->recs[i].value_len;
    }
    return s->nrecs;
}

/* ---- apply ------------------------------------------------------------ */

static yajl_val field(yajl_val obj, const char *name)
{
    const char *path[] = {name, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

static int get_u32(yajl_val obj, const char *name, uint32_t *out)
{
    yajl_val v = field(obj, name);
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || YAJL_GET_INTEGER(v) > UINT32_MAX) return -1;
    *out = (uint32_t)YAJL_GET_INTEGER(v);
    return 0;
}

static int get_hex64(yajl_val obj, const char *name, uint64_t *out)
{
    const char *s = YAJL_GET_STRING(field(obj, name));
    char *end;
    if (!s || strlen(s) != 16) return -1;
    *out = strtoull(s, &end, 16);
    return *end ? -1 : 0;
}

/* Reads an array of u32 into out (at most max; exactly `exact` when
 * exact > 0). Returns the count or -1. */
static long get_u32_array(yajl_val obj, const char *name, uint32_t *out, size_t max, size_t exact)
{
    yajl_val v = field(obj, name);
    if (!YAJL_IS_ARRAY(v)) return -1;
    size_t n = v->u.array.len;
    if ((exact && n != exact) || n > max) return -1;
    for (size_t i = 0; i < n; i++) {
        yajl_val e = v->u.array.values[i];
        if (!YAJL_IS_INTEGER(e) || YAJL_GET_INTEGER(e) < 0 || YAJL_GET_INTEGER(e) > UINT32_MAX) return -1;
        out[i] = (uint32_t)YAJL_GET_INTEGER(e);
    }
    return (long)n;
}

static int apply_article(ne_dedup_state *s, yajl_val o)
{
    dd_fp fp;
    uint32_t at, pub, nsh, feats[DD_FEAT_MAX];
    memset(&fp, 0, sizeof fp);
    const char *id = YAJL_GET_STRING(field(o, "id"));
    yajl_val sv = field(o, "story");
    const char *story = YAJL_IS_STRING(sv) ? YAJL_GET_STRING(sv) : NULL;
    long nfeat;
    if (!id || !*id || get_u32(o, "at", &at) || get_u32(o, "pub", &pub) ||
        get_hex64(o, "body", &fp.body) || get_u32(o, "url", &fp.url) || get_u32(o, "nsh", &nsh) ||
        get_u32_array(o, "sk", fp.sketch, DD_SKETCH_WORDS, DD_SKETCH_WORDS) < 0 ||
        get_u32_array(o, "bands", fp.band, DD_BANDS, DD_BANDS) < 0 ||
        (nfeat = get_u32_array(o, "feat", feats, DD_FEAT_MAX, 0)) < 0)
        return -1;
    fp.nsh = nsh;
    int gi;
    uint32_t idx;
    if (dd_art_find_self(s, id, &fp, &gi, &idx)) {
        s->st.apply_known++;
        return 0;
    }
    /* past retention already: nothing a lookup could use */
    if (at + s->retention_s < dd_now(s)) {
        s->st.apply_known++;
        return 0;
    }
    if (dd_art_insert(s, &fp, at, pub, id, story ? story : id, feats, (size_t)nfeat)) return -1;
    s->st.applied++;
    return 0;
}

static int apply_claim(ne_dedup_state *s, yajl_val o)
{
    uint32_t at, ts;
    uint64_t norm;
    const char *article = YAJL_GET_STRING(field(o, "article"));
    const char *claim_id = YAJL_GET_STRING(field(o, "claim_id"));
    yajl_val tv = field(o, "tri");
    if (!article || !claim_id || get_u32(o, "at", &at) || get_u32(o, "ts", &ts) ||
        get_hex64(o, "norm", &norm) || !YAJL_IS_ARRAY(tv))
        return -1;
    size_t n = tv->u.array.len;
    uint32_t *tri = malloc((n ? n : 1) * sizeof *tri);
    if (!tri) return -1;
    if (get_u32_array(o, "tri", tri, n, 0) < 0) { free(tri); return -1; }
    /* novelty intersects stored trigram lists as sorted sets; this
     * instance writes them so, anything else is not a valid record */
    for (size_t i = 1; i < n; i++)
        if (tri[i - 1] >= tri[i]) { free(tri); return -1; }
    int rc = 0;
    if (dd_claim_known(s, norm, article) || ts + s->retention_s < dd_now(s)) {
        s->st.apply_known++;
    } else {
        /* A different article may hold this statement already (two
         * instances raced): both are kept; lookups take the earliest. */
        rc = dd_claim_insert(s, norm, tri, n, at, ts, article, claim_id);
        if (rc == 0) s->st.applied++;
    }
    free(tri);
    return rc;
}

int ne_dedup_apply(ne_dedup_state *s, const char *key, size_t key_len, const char *value, size_t len)
{
    if (!value || key_len < 2 || key[1] != '/' || (key[0] != 'a' && key[0] != 'c')) return 0;
    char *buf = malloc(len + 1);
    if (!buf) return -1;
    memcpy(buf, value, len);
    buf[len] = '\0';
    char errbuf[128];
    yajl_val o = yajl_tree_parse(buf, errbuf, sizeof errbuf);
    free(buf);
    int rc = -1;
    uint32_t v;
    if (YAJL_IS_OBJECT(o) && get_u32(o, "v", &v) == 0 && v == 1)
        rc = key[0] == 'a' ? apply_article(s, o) : apply_claim(s, o);
    yajl_tree_free(o);
    if (rc) s->st.apply_bad++;
    return rc;
}
