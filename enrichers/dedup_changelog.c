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
    for (size_t i = 0; i < s->nrecs; i++) {
        free(s->recs[i].key);
        free(s->recs[i].value);
    }
    s->nrecs = 0;
}

/* Takes over the storage of both buffers. */
void dd_rec_push(ne_dedup_state *s, nebuf *key, nebuf *value)
{
    if (s->nrecs == s->caprecs) {
        size_t nc = s->caprecs ? s->caprecs * 2 : 8;
        dd_rec *r = realloc(s->recs, nc * sizeof *r);
        if (!r) abort();
        s->recs = r;
        s->caprecs = nc;
    }
    dd_rec *r = &s->recs[s->nrecs++];
    r->key = nebuf_detach(key, &r->key_len);
    r->value = nebuf_detach(value, &r->value_len);
}

static void put_u32_array(nebuf *b, const uint32_t *a, size_t n)
{
    nebuf_putc(b, '[');
    for (size_t i = 0; i < n; i++) nebuf_printf(b, i ? ",%" PRIu32 : "%" PRIu32, a[i]);
    nebuf_putc(b, ']');
}

void dd_encode_article(nebuf *key, nebuf *val, const dd_fp *fp, uint32_t at, uint32_t pub,
                       const char *id, const char *story, const uint32_t *feats, size_t nfeat)
{
    nebuf_puts(key, "a/");
    nebuf_puts(key, id);
    nebuf_puts(val, "{\"v\":1,\"id\":");
    nebuf_json_str(val, id, strlen(id));
    nebuf_puts(val, ",\"story\":");
    if (story && strcmp(story, id) != 0) nebuf_json_str(val, story, strlen(story));
    else nebuf_puts(val, "null");
    nebuf_printf(val, ",\"at\":%" PRIu32 ",\"pub\":%" PRIu32 ",\"body\":\"%016" PRIx64 "\",\"url\":%" PRIu32
                      ",\"nsh\":%" PRIu32 ",\"sk\":",
                 at, pub, fp->body, fp->url, fp->nsh);
    put_u32_array(val, fp->sketch, DD_SKETCH_WORDS);
    nebuf_puts(val, ",\"bands\":");
    put_u32_array(val, fp->band, DD_BANDS);
    nebuf_puts(val, ",\"feat\":");
    put_u32_array(val, feats, nfeat);
    nebuf_putc(val, '}');
}

void dd_encode_claim(nebuf *key, nebuf *val, uint64_t norm, const uint32_t *tri, size_t ntri,
                     uint32_t at, uint32_t ts, const char *article_id, const char *claim_id)
{
    nebuf_printf(key, "c/%016" PRIx64, norm);
    nebuf_puts(val, "{\"v\":1,\"article\":");
    nebuf_json_str(val, article_id, strlen(article_id));
    nebuf_puts(val, ",\"claim_id\":");
    nebuf_json_str(val, claim_id, strlen(claim_id));
    nebuf_printf(val, ",\"at\":%" PRIu32 ",\"ts\":%" PRIu32 ",\"norm\":\"%016" PRIx64 "\",\"tri\":", at, ts, norm);
    put_u32_array(val, tri, ntri);
    nebuf_putc(val, '}');
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
    if (dd_art_find_self(s, id, fp.body, &gi, &idx)) {
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
