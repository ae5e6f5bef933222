/* dedup_changelog — the changelog records of the dedup state: encoding
 * what an insert adds, and applying a record (ours or another instance's)
 * to the state. The format is documented in enrichers/DEDUP.md:
 *
 *   key "a/<article id>"  value {"v":2,"id":…,
 *                                "at":…,"pub":…,"story":…|null,"body":"<16 hex>","url":…,
 *                                "nsh":…,"sk":[4 x u32],"bands":[5 x u32],"feat":[u32…],
 *                                "claims":[{"claim_id":…,"at":…,"ts":…,"norm":"<16 hex>",
 *                                           "tri":[u32…]}, …]}
 *
 * One record per article: the fields from "at" to "feat" when the article
 * itself was stored (they go together), "claims" when it brought new
 * claims. An article fans out to ~11 claims, and a record apiece was half
 * of everything the service produced; the broker's and every reader's cost
 * is per record. Claims that would take the value past DD_RECORD_BUDGET go
 * in records of their own, the format this instance wrote before (v1):
 *
 *   key "c/<16 hex statement hash>"
 *                         value {"v":1,"article":…,"claim_id":…,"at":…,"ts":…,
 *                                "norm":"<16 hex>","tri":[u32…]}
 *
 * v1 article records (the fields above without "claims") are still read.
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

/* The article's own fields: from ",\"at\"" to the feature array. */
static void put_article_fields(nebuf *val, const dd_fp *fp, uint32_t at, uint32_t pub, const char *id,
                               const char *story, const uint32_t *feats, size_t nfeat)
{
    put_lit(val, ",\"at\":");
    put_u32(val, at);
    put_lit(val, ",\"pub\":");
    put_u32(val, pub);
    put_lit(val, ",\"story\":");
    if (story && strcmp(story, id) != 0) nebuf_json_str(val, story, strlen(story));
    else put_lit(val, "null");
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
}

/* A claim's fields after its opening brace (and, in v1, its article). */
static void put_claim_fields(nebuf *val, const dd_pend *p, const char *claim_id)
{
    put_lit(val, "\"claim_id\":");
    nebuf_json_str(val, claim_id, strlen(claim_id));
    put_lit(val, ",\"at\":");
    put_u32(val, p->at);
    put_lit(val, ",\"ts\":");
    put_u32(val, p->t2);
    put_lit(val, ",\"norm\":\"");
    put_hex64(val, p->norm);
    put_lit(val, "\",\"tri\":");
    put_u32_array(val, p->tri, p->ntri);
    nebuf_putc(val, '}');
}

/* A v1 claim record, for a claim that did not fit its article's record. */
static void encode_claim_v1(nebuf *key, nebuf *val, const dd_pend *p, const char *article_id,
                            const char *claim_id)
{
    put_lit(key, "c/");
    put_hex64(key, p->norm);
    put_lit(val, "{\"v\":1,\"article\":");
    nebuf_json_str(val, article_id, strlen(article_id));
    nebuf_putc(val, ',');
    put_claim_fields(val, p, claim_id);
}

/* Appends key and value to recbuf as the next record. */
static void add_record(ne_dedup_state *s, const nebuf *key, const nebuf *val)
{
    if (s->nrecs == s->caprecs) {
        size_t nc = s->caprecs ? s->caprecs * 2 : 4;
        dd_rec *r = realloc(s->recs, nc * sizeof *r);
        if (!r) abort();
        s->recs = r;
        s->caprecs = nc;
    }
    dd_rec *r = &s->recs[s->nrecs++];
    r->key_off = s->recbuf.len;
    r->key_len = key->len;
    nebuf_append(&s->recbuf, key->p, key->len);
    r->value_off = s->recbuf.len;
    r->value_len = val->len;
    nebuf_append(&s->recbuf, val->p, val->len);
}

/* Encodes the pending inserts of the last finish() into recbuf: the
 * article's record, carrying its claims while the value stays within
 * DD_RECORD_BUDGET, then a v1 record for each claim after the first that
 * did not fit (the first claim always goes in: an article record exists
 * whenever anything was stored). Offsets, not pointers, as recbuf moves
 * when it grows. */
static void encode_pending(ne_dedup_state *s)
{
    nebuf_reset(&s->recbuf);
    s->nrecs = 0;
    s->encoded = 1;
    if (!s->npend) return;
    const dd_pend *art = NULL;
    for (size_t i = 0; i < s->npend; i++)
        if (s->pend[i].kind == 'a') art = &s->pend[i];
    /* every pending insert is of the same article */
    const char *id = s->pendstr.p + s->pend[0].s1;
    nebuf key = {0}, val = {0};
    put_lit(&key, "a/");
    put_lit(&key, id);
    put_lit(&val, "{\"v\":2,\"id\":");
    nebuf_json_str(&val, id, strlen(id));
    if (art)
        put_article_fields(&val, &s->fp, art->at, art->t2, id,
                           art->s2 == (size_t)-1 ? NULL : s->pendstr.p + art->s2, s->pend_feats,
                           s->pend_nfeat);
    size_t i = 0, nclaims = 0;
    for (; i < s->npend; i++) {
        const dd_pend *p = &s->pend[i];
        if (p->kind != 'c') continue;
        size_t mark = val.len;
        put_lit(&val, nclaims ? ",{" : ",\"claims\":[{");
        put_claim_fields(&val, p, s->pendstr.p + p->s2);
        if (nclaims && val.len + 2 > DD_RECORD_BUDGET) {
            val.len = mark;
            val.p[mark] = '\0';
            break;
        }
        nclaims++;
    }
    if (nclaims) nebuf_putc(&val, ']');
    nebuf_putc(&val, '}');
    add_record(s, &key, &val);
    for (; i < s->npend; i++) {
        const dd_pend *p = &s->pend[i];
        if (p->kind != 'c') continue;
        nebuf_reset(&key);
        nebuf_reset(&val);
        encode_claim_v1(&key, &val, p, id, s->pendstr.p + p->s2);
        add_record(s, &key, &val);
    }
    nebuf_free(&key);
    nebuf_free(&val);
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

/* Applies one claim of `article` (o: a v1 claim record or an element of
 * a v2 record's "claims"). */
static int apply_claim(ne_dedup_state *s, yajl_val o, const char *article)
{
    uint32_t at, ts;
    uint64_t norm;
    const char *claim_id = YAJL_GET_STRING(field(o, "claim_id"));
    yajl_val tv = field(o, "tri");
    if (!article || !*article || !claim_id || get_u32(o, "at", &at) || get_u32(o, "ts", &ts) ||
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

/* An article record: the article when it carries its fields (v1 always
 * does), then its claims (v2). The claims are checked before anything is
 * applied, so a malformed record changes nothing. */
static int apply_article_record(ne_dedup_state *s, yajl_val o, uint32_t version)
{
    const char *id = YAJL_GET_STRING(field(o, "id"));
    yajl_val claims = version >= 2 ? field(o, "claims") : NULL;
    if (!id || !*id || (claims && !YAJL_IS_ARRAY(claims))) return -1;
    size_t nclaims = claims ? claims->u.array.len : 0;
    for (size_t i = 0; i < nclaims; i++)
        if (!YAJL_IS_OBJECT(claims->u.array.values[i])) return -1;
    if ((version == 1 || field(o, "body")) && apply_article(s, o)) return -1;
    if (version >= 2 && !field(o, "body") && !nclaims) return -1;   /* says nothing */
    int rc = 0;
    for (size_t i = 0; i < nclaims; i++) rc |= apply_claim(s, claims->u.array.values[i], id);
    return rc ? -1 : 0;
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
    if (YAJL_IS_OBJECT(o) && get_u32(o, "v", &v) == 0) {
        if (key[0] == 'a' && (v == 1 || v == 2)) rc = apply_article_record(s, o, v);
        else if (key[0] == 'c' && v == 1) rc = apply_claim(s, o, YAJL_GET_STRING(field(o, "article")));
    }
    yajl_tree_free(o);
    if (rc) s->st.apply_bad++;
    return rc;
}
