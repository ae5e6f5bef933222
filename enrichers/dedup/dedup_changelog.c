/* dedup_changelog — the changelog records of the dedup state: encoding
 * what an insert adds, and applying a record (ours or another instance's)
 * to the state. The format is documented in enrichers/dedup/DEDUP.md:
 *
 *   key "a/<article id>"  value {"v":2,"id":…,
 *   (or "a/<article id>~<16 hex body hash>" for an update under its
 *   earlier version's id)
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
#include "enrichers/dedup/dedup_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

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
    ne_grow(&s->pend, &s->cappend, s->npend + 1, sizeof *s->pend);
    dd_pend *p = &s->pend[s->npend++];
    memset(p, 0, sizeof *p);
    return p;
}

/* The article record uses s->fp, so one per finish() (the last one). */
void dd_pend_article(ne_dedup_state *s, uint32_t at, uint32_t pub, const char *id, const char *story,
                     const uint32_t *feats, size_t nfeat, uint64_t body_bytes)
{
    dd_pend *p = pend_new(s);
    p->kind = 'a';
    p->norm = body_bytes;
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
                               const char *story, const uint32_t *feats, size_t nfeat, uint64_t body_bytes)
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
    put_lit(val, "\",\"bh\":\"");
    put_hex64(val, body_bytes);
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
    ne_grow(&s->recs, &s->caprecs, s->nrecs + 1, sizeof *s->recs);
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
    if (s->key_versioned) {
        /* an update under its earlier version's id: a key of its own, so
         * that compaction keeps the earlier record and the claims in it */
        put_lit(&key, "~");
        put_hex64(&key, s->fp.body);
    }
    put_lit(&val, "{\"v\":2,\"id\":");
    nebuf_json_str(&val, id, strlen(id));
    if (art)
        put_article_fields(&val, &s->fp, art->at, art->t2, id,
                           art->s2 == (size_t)-1 ? NULL : s->pendstr.p + art->s2, s->pend_feats,
                           s->pend_nfeat, art->norm);
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

/* A record is parsed with yajl's event API into the fields below, not
 * into a yajl_tree: the tree allocated a node per number and converted
 * every number with strtod() as well, and a restart applies one record
 * per stored article (bench_offline --rebuild). The semantics are the
 * tree's: a field seen twice keeps its first value; unknown fields, at any
 * depth, are passed over; a field of the wrong type counts as malformed
 * where the record needs it. */
enum rkey { K_V, K_ID, K_AT, K_PUB, K_STORY, K_BODY, K_BH, K_URL, K_NSH, K_SK, K_BANDS, K_FEAT, K_CLAIMS,
            K_ARTICLE, K_CLAIM_ID, K_TS, K_NORM, K_TRI, K__COUNT };
#define RKEY(s) {s, sizeof s - 1}
static const struct { const char *name; size_t len; } rkeys[K__COUNT] = {
    RKEY("v"), RKEY("id"), RKEY("at"), RKEY("pub"), RKEY("story"), RKEY("body"), RKEY("bh"),
    RKEY("url"), RKEY("nsh"), RKEY("sk"), RKEY("bands"), RKEY("feat"), RKEY("claims"),
    RKEY("article"), RKEY("claim_id"), RKEY("ts"), RKEY("norm"), RKEY("tri"),
};
#define K_NONE (-1)   /* a key we do not read, or one seen before */

enum rtype {
    R_ABSENT = 0,
    R_U32,            /* an integer in 0..UINT32_MAX */
    R_STR,
    R_U32S,           /* an array of R_U32 */
    R_OBJECTS,        /* an array of objects ("claims") */
    R_OTHER,          /* anything else: null, a boolean, a fraction, an object, a mixed array */
};

/* One object: the record, or an element of its "claims". */
typedef struct robj {
    unsigned char type[K__COUNT];
    uint32_t u[K__COUNT];       /* R_U32 */
    size_t   off[K__COUNT];     /* R_STR: offset in rparse.str; R_U32S: first element in rparse.u32 */
    size_t   n[K__COUNT];       /* R_U32S: elements */
} robj;

/* What the parser is inside of. */
enum rctx { C_RECORD, C_CLAIMS, C_CLAIM, C_U32S, C_SKIP };
#define RPARSE_MAX_DEPTH 32

typedef struct rparse {
    robj rec;
    robj *claims;  size_t nclaims, capclaims;
    nebuf str;                          /* string values, each NUL-terminated */
    uint32_t *u32; size_t nu32, capu32;
    struct {
        unsigned char ctx;
        int key;                        /* C_RECORD, C_CLAIM: the key whose value comes next */
        long obj;                       /* C_U32S: its object (-1 = the record, else a claim) */
        int field;                      /* C_U32S: its key */
    } st[RPARSE_MAX_DEPTH];
    int depth;                          /* entries in st */
    int not_object;                     /* the record is not a JSON object */
} rparse;

static robj *robj_at(rparse *p, long obj) { return obj < 0 ? &p->rec : &p->claims[obj]; }

/* The object of the innermost C_RECORD / C_CLAIM context, for robj_at(). */
static long cur_idx(const rparse *p)
{
    return p->st[p->depth - 1].ctx == C_RECORD ? -1 : (long)p->nclaims - 1;
}

/* Gives the pending key of the current object a value of type t. */
static robj *set_value(rparse *p, enum rtype t, int *key)
{
    *key = K_NONE;
    if (p->depth == 0) {   /* the record itself is not an object */
        p->not_object = 1;
        return NULL;
    }
    unsigned char ctx = p->st[p->depth - 1].ctx;
    if (ctx == C_CLAIMS && t != R_OBJECTS) {   /* a claim that is not an object */
        p->rec.type[K_CLAIMS] = R_OTHER;
        return NULL;
    }
    if (ctx == C_U32S) {
        robj *o = robj_at(p, p->st[p->depth - 1].obj);
        o->type[p->st[p->depth - 1].field] = R_OTHER;
        return NULL;
    }
    if (ctx != C_RECORD && ctx != C_CLAIM) return NULL;
    robj *o = robj_at(p, cur_idx(p));
    *key = p->st[p->depth - 1].key;
    p->st[p->depth - 1].key = K_NONE;
    if (*key == K_NONE) return NULL;
    o->type[*key] = (unsigned char)t;
    return o;
}

static int push(rparse *p, enum rctx ctx, long obj, int field)
{
    if (p->depth == RPARSE_MAX_DEPTH) return 0;   /* deeper than any record of ours: malformed */
    p->st[p->depth].ctx = (unsigned char)ctx;
    p->st[p->depth].key = K_NONE;
    p->st[p->depth].obj = obj;
    p->st[p->depth].field = field;
    p->depth++;
    return 1;
}

static int on_rnull(void *ctx) { int k; set_value(ctx, R_OTHER, &k); return 1; }
static int on_rbool(void *ctx, int b) { int k; (void)b; set_value(ctx, R_OTHER, &k); return 1; }
static int on_rdouble(void *ctx, double d) { int k; (void)d; set_value(ctx, R_OTHER, &k); return 1; }

static int on_rinteger(void *ctx, long long v)
{
    rparse *p = ctx;
    int in_range = v >= 0 && v <= (long long)UINT32_MAX;
    if (p->depth > 0 && p->st[p->depth - 1].ctx == C_U32S) {
        if (!in_range) {
            robj_at(p, p->st[p->depth - 1].obj)->type[p->st[p->depth - 1].field] = R_OTHER;
            return 1;
        }
        ne_grow(&p->u32, &p->capu32, p->nu32 + 1, sizeof *p->u32);
        p->u32[p->nu32++] = (uint32_t)v;
        return 1;
    }
    int k;
    robj *o = set_value(p, in_range ? R_U32 : R_OTHER, &k);
    if (o && in_range) o->u[k] = (uint32_t)v;
    return 1;
}

static int on_rstring(void *ctx, const unsigned char *s, size_t len)
{
    rparse *p = ctx;
    int k;
    robj *o = set_value(p, R_STR, &k);
    if (!o) return 1;
    o->off[k] = p->str.len;
    nebuf_append(&p->str, s ? (const char *)s : "", s ? len : 0);
    nebuf_putc(&p->str, '\0');
    return 1;
}

static int on_rmap_key(void *ctx, const unsigned char *key, size_t len)
{
    rparse *p = ctx;
    unsigned char c = p->st[p->depth - 1].ctx;
    if (c != C_RECORD && c != C_CLAIM) return 1;
    const robj *o = robj_at(p, cur_idx(p));
    int k = K_NONE;
    for (int i = 0; i < K__COUNT && k == K_NONE; i++)
        if (rkeys[i].len == len && rkeys[i].name[0] == key[0] && memcmp(rkeys[i].name, key, len) == 0) k = i;
    if (k != K_NONE && o->type[k] != R_ABSENT) k = K_NONE;   /* the first one counts */
    p->st[p->depth - 1].key = k;
    return 1;
}

static int on_rstart_map(void *ctx)
{
    rparse *p = ctx;
    if (p->depth == 0) return push(p, C_RECORD, -1, K_NONE);
    if (p->st[p->depth - 1].ctx == C_CLAIMS) {
        ne_grow(&p->claims, &p->capclaims, p->nclaims + 1, sizeof *p->claims);
        memset(&p->claims[p->nclaims++], 0, sizeof *p->claims);
        return push(p, C_CLAIM, (long)p->nclaims - 1, K_NONE);
    }
    int k;
    set_value(p, R_OTHER, &k);
    return push(p, C_SKIP, -1, K_NONE);
}

static int on_rstart_array(void *ctx)
{
    rparse *p = ctx;
    unsigned char c = p->depth ? p->st[p->depth - 1].ctx : C_SKIP;
    int k;
    if (p->depth && c == C_RECORD && p->st[p->depth - 1].key == K_CLAIMS) {
        set_value(p, R_OBJECTS, &k);
        return push(p, C_CLAIMS, -1, K_NONE);
    }
    if (p->depth && (c == C_RECORD || c == C_CLAIM)) {
        long idx = cur_idx(p);
        robj *o = set_value(p, R_U32S, &k);
        if (!o) return push(p, C_SKIP, -1, K_NONE);
        o->off[k] = p->nu32;
        return push(p, C_U32S, idx, k);
    }
    set_value(p, R_OTHER, &k);
    return push(p, C_SKIP, -1, K_NONE);
}

static int on_rend(void *ctx)
{
    rparse *p = ctx;
    p->depth--;
    if (p->st[p->depth].ctx == C_U32S) {
        robj *o = robj_at(p, p->st[p->depth].obj);
        int f = p->st[p->depth].field;
        if (o->type[f] == R_U32S) o->n[f] = p->nu32 - o->off[f];
    }
    return 1;
}

static const yajl_callbacks record_callbacks = {
    .yajl_null = on_rnull,
    .yajl_boolean = on_rbool,
    .yajl_integer = on_rinteger,
    .yajl_double = on_rdouble,
    .yajl_string = on_rstring,
    .yajl_start_map = on_rstart_map,
    .yajl_map_key = on_rmap_key,
    .yajl_end_map = on_rend,
    .yajl_start_array = on_rstart_array,
    .yajl_end_array = on_rend,
};

static void rparse_free(rparse *p)
{
    free(p->claims);
    nebuf_free(&p->str);
    free(p->u32);
}

/* ---- the scanner of our own records ----------------------------------- */

/* yajl's lexer took ~71 % of a restart's rebuild (~50 instructions a
 * byte). The records are written by encode_pending(): no whitespace,
 * strings of printable ASCII without escapes, unsigned integers, null.
 * The scanner reads that subset of JSON and calls the callbacks above in
 * the order yajl would, with the values yajl would, so it reads what yajl
 * reads. Anything outside the subset (an escape or a byte outside
 * 0x20-0x7E in a string, whitespace, a sign, a fraction or an exponent, a
 * leading zero, 19 digits or more, trailing data, a truncated record)
 * makes it give up: the record is then parsed again by yajl, which
 * decides. So a record of another writer is read the same, only slower. */
enum { SCAN_OK = 0, SCAN_CANCELED = -1, SCAN_GIVE_UP = 1 };

typedef struct scanner {
    const unsigned char *p, *end;
    rparse *r;
} scanner;

static int scan_value(scanner *sc, int depth);

/* A string at sc->p (its opening quote): its bytes. */
static int scan_string(scanner *sc, const unsigned char **s, size_t *len)
{
    const unsigned char *q = ++sc->p;
    while (q < sc->end && *q != '"') {
        if (*q < 0x20 || *q > 0x7E || *q == '\\') return SCAN_GIVE_UP;
        q++;
    }
    if (q == sc->end) return SCAN_GIVE_UP;
    *s = sc->p;
    *len = (size_t)(q - sc->p);
    sc->p = q + 1;
    return SCAN_OK;
}

static int scan_number(scanner *sc)
{
    const unsigned char *q = sc->p;
    if (*q == '0' && q + 1 < sc->end && q[1] >= '0' && q[1] <= '9') return SCAN_GIVE_UP;
    unsigned long long v = 0;   /* wraps past 19 digits, which are given up below */
    for (; q < sc->end && (unsigned)(*q - '0') < 10; q++) v = v * 10 + (unsigned)(*q - '0');
    if (q - sc->p > 18 || (q < sc->end && (*q == '.' || *q == 'e' || *q == 'E'))) return SCAN_GIVE_UP;
    sc->p = q;
    return on_rinteger(sc->r, (long long)v) ? SCAN_OK : SCAN_CANCELED;
}

static int scan_literal(scanner *sc, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, lit, n) != 0) return SCAN_GIVE_UP;
    sc->p += n;
    return SCAN_OK;
}

/* The members of an object or the elements of an array, after its
 * opening bracket, through its closing one. */
static int scan_members(scanner *sc, int depth, unsigned char close)
{
    int rc;
    if (sc->p < sc->end && *sc->p == close) {
        sc->p++;
        return on_rend(sc->r) ? SCAN_OK : SCAN_CANCELED;
    }
    for (;;) {
        if (close == '}') {
            const unsigned char *key;
            size_t len;
            if (sc->p == sc->end || *sc->p != '"') return SCAN_GIVE_UP;
            if ((rc = scan_string(sc, &key, &len)) != SCAN_OK) return rc;
            if (!on_rmap_key(sc->r, key, len)) return SCAN_CANCELED;
            if (sc->p == sc->end || *sc->p != ':') return SCAN_GIVE_UP;
            sc->p++;
        }
        if ((rc = scan_value(sc, depth + 1)) != SCAN_OK) return rc;
        if (sc->p == sc->end) return SCAN_GIVE_UP;
        if (*sc->p == ',') {
            sc->p++;
            continue;
        }
        if (*sc->p != close) return SCAN_GIVE_UP;
        sc->p++;
        return on_rend(sc->r) ? SCAN_OK : SCAN_CANCELED;
    }
}

static int scan_value(scanner *sc, int depth)
{
    if (sc->p == sc->end || depth > RPARSE_MAX_DEPTH + 1) return SCAN_GIVE_UP;
    int rc;
    switch (*sc->p) {
    case '{':
        sc->p++;
        return on_rstart_map(sc->r) ? scan_members(sc, depth, '}') : SCAN_CANCELED;
    case '[':
        sc->p++;
        return on_rstart_array(sc->r) ? scan_members(sc, depth, ']') : SCAN_CANCELED;
    case '"': {
        const unsigned char *str;
        size_t len;
        if ((rc = scan_string(sc, &str, &len)) != SCAN_OK) return rc;
        return on_rstring(sc->r, str, len) ? SCAN_OK : SCAN_CANCELED;
    }
    case 'n':
        if ((rc = scan_literal(sc, "null")) != SCAN_OK) return rc;
        return on_rnull(sc->r) ? SCAN_OK : SCAN_CANCELED;
    case 't':
    case 'f': {
        int b = *sc->p == 't';
        if ((rc = scan_literal(sc, b ? "true" : "false")) != SCAN_OK) return rc;
        return on_rbool(sc->r, b) ? SCAN_OK : SCAN_CANCELED;
    }
    default:
        if (*sc->p >= '0' && *sc->p <= '9') return scan_number(sc);
        return SCAN_GIVE_UP;
    }
}

/* Scans value into p (zeroed): SCAN_OK, SCAN_CANCELED (a callback said
 * stop, as yajl would have been told) or SCAN_GIVE_UP. */
static int scan_record(rparse *p, const char *value, size_t len)
{
    scanner sc = {(const unsigned char *)value, (const unsigned char *)value + len, p};
    int rc = scan_value(&sc, 0);
    if (rc == SCAN_OK && sc.p != sc.end) rc = SCAN_GIVE_UP;
    return rc;
}

static int rparse_yajl(rparse *p, const char *value, size_t len)
{
    yajl_handle h = yajl_alloc(&record_callbacks, NULL, p);
    if (!h) ne_oom(sizeof h);   /* yajl's allocation: the same policy */
    int ok = yajl_parse(h, (const unsigned char *)value, len) == yajl_status_ok &&
             yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok ? 0 : -1;
}

/* Parses value into p: by the scanner, or by yajl when the scanner gives
 * up. 0 when it is one JSON object. */
static int rparse_record(rparse *p, const char *value, size_t len)
{
    memset(p, 0, sizeof *p);
    int rc = scan_record(p, value, len);
    if (rc == SCAN_GIVE_UP) {
        rparse_free(p);
        memset(p, 0, sizeof *p);
        rc = rparse_yajl(p, value, len);
    }
    return rc == 0 && !p->not_object ? 0 : -1;
}

/* The same field of two parses holds the same value. */
static int robj_same(const rparse *a, const robj *x, const rparse *b, const robj *y)
{
    for (int k = 0; k < K__COUNT; k++) {
        if (x->type[k] != y->type[k]) return 0;
        if (x->type[k] == R_U32 && x->u[k] != y->u[k]) return 0;
        if (x->type[k] == R_STR && strcmp(a->str.p + x->off[k], b->str.p + y->off[k]) != 0) return 0;
        if (x->type[k] == R_U32S &&
            (x->n[k] != y->n[k] ||
             (x->n[k] && memcmp(a->u32 + x->off[k], b->u32 + y->off[k], x->n[k] * sizeof *a->u32) != 0)))
            return 0;
    }
    return 1;
}

int dd_record_parse_agree(const char *value, size_t len)
{
    rparse a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int ra = scan_record(&a, value, len);
    int rb = rparse_yajl(&b, value, len);
    int agree = 0;
    if (ra == SCAN_GIVE_UP) agree = 0;
    else if ((ra == 0 && !a.not_object) != (rb == 0 && !b.not_object)) agree = -1;
    else if (ra != 0 || a.not_object) agree = 1;   /* both refuse it */
    else {
        agree = robj_same(&a, &a.rec, &b, &b.rec) && a.nclaims == b.nclaims ? 1 : -1;
        for (size_t i = 0; agree == 1 && i < a.nclaims; i++)
            if (!robj_same(&a, &a.claims[i], &b, &b.claims[i])) agree = -1;
    }
    rparse_free(&a);
    rparse_free(&b);
    return agree;
}

static int get_u32(const robj *o, int k, uint32_t *out)
{
    if (o->type[k] != R_U32) return -1;
    *out = o->u[k];
    return 0;
}

static const char *get_str(const rparse *p, const robj *o, int k)
{
    return o->type[k] == R_STR ? p->str.p + o->off[k] : NULL;
}

static int get_hex64(const rparse *p, const robj *o, int k, uint64_t *out)
{
    const char *s = get_str(p, o, k);
    char *end;
    if (!s || strlen(s) != 16) return -1;
    *out = strtoull(s, &end, 16);
    return *end ? -1 : 0;
}

/* The array field k as u32s (a pointer into p; at most max, exactly
 * `exact` when exact > 0). Returns the count or -1. */
static long get_u32_array(const rparse *p, const robj *o, int k, const uint32_t **out, size_t max,
                          size_t exact)
{
    if (o->type[k] != R_U32S) return -1;
    size_t n = o->n[k];
    if ((exact && n != exact) || n > max) return -1;
    static const uint32_t none[1];
    *out = n ? p->u32 + o->off[k] : none;   /* p->u32 is NULL when no array had an element */
    return (long)n;
}

static int apply_article(ne_dedup_state *s, const rparse *p)
{
    const robj *o = &p->rec;
    dd_fp fp;
    uint32_t at, pub, nsh;
    const uint32_t *sk, *bands, *feats;
    memset(&fp, 0, sizeof fp);
    const char *id = get_str(p, o, K_ID);
    const char *story = get_str(p, o, K_STORY);
    long nfeat;
    if (!id || !*id || get_u32(o, K_AT, &at) || get_u32(o, K_PUB, &pub) ||
        get_hex64(p, o, K_BODY, &fp.body) || get_u32(o, K_URL, &fp.url) || get_u32(o, K_NSH, &nsh) ||
        get_u32_array(p, o, K_SK, &sk, DD_SKETCH_WORDS, DD_SKETCH_WORDS) < 0 ||
        get_u32_array(p, o, K_BANDS, &bands, DD_BANDS, DD_BANDS) < 0 ||
        (nfeat = get_u32_array(p, o, K_FEAT, &feats, DD_FEAT_MAX, 0)) < 0)
        return -1;
    memcpy(fp.sketch, sk, sizeof fp.sketch);
    memcpy(fp.band, bands, sizeof fp.band);
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
    /* "bh" (written since the sixth session; optional): the worker threads
     * can then leave this article's exact copies to the ordered half, as
     * for an article stored here */
    uint64_t body_bytes;
    if (get_hex64(p, o, K_BH, &body_bytes) == 0) dd_hint_store(s, body_bytes, id);
    s->st.applied++;
    return 0;
}

/* Applies one claim of `article` (o: a v1 claim record or an element of
 * a v2 record's "claims"). */
static int apply_claim(ne_dedup_state *s, const rparse *p, const robj *o, const char *article)
{
    uint32_t at, ts;
    uint64_t norm;
    const uint32_t *tri;
    const char *claim_id = get_str(p, o, K_CLAIM_ID);
    long n;
    if (!article || !*article || !claim_id || get_u32(o, K_AT, &at) || get_u32(o, K_TS, &ts) ||
        get_hex64(p, o, K_NORM, &norm) || (n = get_u32_array(p, o, K_TRI, &tri, (size_t)-1, 0)) < 0)
        return -1;
    /* novelty intersects stored trigram lists as sorted sets; this
     * instance writes them so, anything else is not a valid record */
    for (long i = 1; i < n; i++)
        if (tri[i - 1] >= tri[i]) return -1;
    if (dd_claim_known(s, norm, article) || ts + s->retention_s < dd_now(s)) {
        s->st.apply_known++;
        return 0;
    }
    /* A different article may hold this statement already (two instances
     * raced): both are kept; lookups take the earliest. */
    if (dd_claim_insert(s, norm, tri, (size_t)n, at, ts, article, claim_id)) return -1;
    s->st.applied++;
    return 0;
}

/* An article record: the article when it carries its fields (v1 always
 * does), then its claims (v2). The claims are checked before anything is
 * applied, so a malformed record changes nothing. */
static int apply_article_record(ne_dedup_state *s, const rparse *p, uint32_t version)
{
    const robj *o = &p->rec;
    const char *id = get_str(p, o, K_ID);
    int has_claims = version >= 2 && o->type[K_CLAIMS] != R_ABSENT;
    if (!id || !*id || (has_claims && o->type[K_CLAIMS] != R_OBJECTS)) return -1;
    size_t nclaims = has_claims ? p->nclaims : 0;
    int has_body = o->type[K_BODY] != R_ABSENT;
    if ((version == 1 || has_body) && apply_article(s, p)) return -1;
    if (version >= 2 && !has_body && !nclaims) return -1;   /* says nothing */
    int rc = 0;
    for (size_t i = 0; i < nclaims; i++) rc |= apply_claim(s, p, &p->claims[i], id);
    return rc ? -1 : 0;
}

int ne_dedup_apply(ne_dedup_state *s, const char *key, size_t key_len, const char *value, size_t len)
{
    if (!value || key_len < 2 || key[1] != '/' || (key[0] != 'a' && key[0] != 'c')) return 0;
    rparse p;
    int rc = -1;
    uint32_t v;
    if (rparse_record(&p, value, len) == 0 && get_u32(&p.rec, K_V, &v) == 0) {
        if (key[0] == 'a' && (v == 1 || v == 2)) rc = apply_article_record(s, &p, v);
        else if (key[0] == 'c' && v == 1) rc = apply_claim(s, &p, &p.rec, get_str(&p, &p.rec, K_ARTICLE));
    }
    rparse_free(&p);
    if (rc) s->st.apply_bad++;
    return rc;
}
