#include "notifier/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common/xalloc.h"
#include "config/config.h"

/* ------------------------------------------------------------------ */
/* Key and signature                                                   */
/* ------------------------------------------------------------------ */

static int is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int ne_webhook_key_from_secret(const char *secret, ne_webhook_key *key)
{
    const char *b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
    size_t n = strlen(b64);
    unsigned char tmp[sizeof key->bytes + 3];
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof tmp) return -1;
    /* EVP_DecodeBlock is lenient about '=': allow it only as padding. */
    for (size_t i = 0; i < n; i++)
        if (b64[i] == '=' ? i < n - 2 || (i == n - 2 && b64[n - 1] != '=') : !is_b64_char(b64[i])) return -1;
    /* EVP_DecodeBlock counts padding as output bytes: subtract it. */
    int len = EVP_DecodeBlock(tmp, (const unsigned char *)b64, (int)n);
    if (len < 0) return -1;
    int pad = (b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
    len -= pad;
    if (len <= 0 || (size_t)len > sizeof key->bytes) return -1;
    memcpy(key->bytes, tmp, (size_t)len);
    key->len = (size_t)len;
    OPENSSL_cleanse(tmp, sizeof tmp);
    return 0;
}

/* The raw HMAC-SHA256 of "id.timestamp.body", streamed so the body is
 * never copied. */
static int hmac_signed_content(const ne_webhook_key *key, const char *id, const char *timestamp,
                               const char *body, size_t body_len, unsigned char mac[32])
{
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t outl = 0;
    int rc = -1;
    if (!ctx || !EVP_MAC_init(ctx, key->bytes, key->len, params)) goto out;
    if (!EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id)) ||
        !EVP_MAC_update(ctx, (const unsigned char *)".", 1) ||
        !EVP_MAC_update(ctx, (const unsigned char *)timestamp, strlen(timestamp)) ||
        !EVP_MAC_update(ctx, (const unsigned char *)".", 1) ||
        !EVP_MAC_update(ctx, (const unsigned char *)body, body_len) ||
        !EVP_MAC_final(ctx, mac, &outl, 32) || outl != 32)
        goto out;
    rc = 0;
out:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(alg);
    return rc;
}

int ne_webhook_sign(const ne_webhook_key *key, const char *id, const char *timestamp,
                    const char *body, size_t body_len, char *out)
{
    unsigned char mac[32];
    if (hmac_signed_content(key, id, timestamp, body, body_len, mac)) return -1;
    memcpy(out, "v1,", 3);
    EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)sizeof mac); /* 44 chars + NUL */
    return 0;
}

int ne_webhook_verify(const ne_webhook_key *key, const char *id, const char *timestamp,
                      const char *body, size_t body_len, const char *header)
{
    char want[NE_WEBHOOK_SIG_MAX];
    size_t wlen;
    int ok = 0;
    if (!header || ne_webhook_sign(key, id, timestamp, body, body_len, want)) return 0;
    wlen = strlen(want);
    /* Check every entry (no early exit) so timing does not reveal which. */
    for (const char *p = header; *p;) {
        while (*p == ' ') p++;
        const char *end = p;
        while (*end && *end != ' ') end++;
        if ((size_t)(end - p) == wlen && CRYPTO_memcmp(p, want, wlen) == 0) ok = 1;
        p = end;
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Alert -> webhook body                                               */
/* ------------------------------------------------------------------ */

static yajl_val get(yajl_val obj, const char *a, const char *b)
{
    const char *path[] = {a, b, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

/* Re-emits a parsed JSON value as it was (numbers keep their text). */
static int emit_value(yajl_gen g, yajl_val v)
{
    if (!v || YAJL_IS_NULL(v)) return yajl_gen_null(g) != yajl_gen_status_ok;
    if (YAJL_IS_TRUE(v)) return yajl_gen_bool(g, 1) != yajl_gen_status_ok;
    if (YAJL_IS_FALSE(v)) return yajl_gen_bool(g, 0) != yajl_gen_status_ok;
    if (YAJL_IS_STRING(v))
        return yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string)) != yajl_gen_status_ok;
    if (YAJL_IS_NUMBER(v))
        return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r)) != yajl_gen_status_ok;
    if (YAJL_IS_ARRAY(v)) {
        if (yajl_gen_array_open(g) != yajl_gen_status_ok) return -1;
        for (size_t i = 0; i < v->u.array.len; i++)
            if (emit_value(g, v->u.array.values[i])) return -1;
        return yajl_gen_array_close(g) != yajl_gen_status_ok;
    }
    if (yajl_gen_map_open(g) != yajl_gen_status_ok) return -1;
    for (size_t i = 0; i < v->u.object.len; i++) {
        const char *k = v->u.object.keys[i];
        if (yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok ||
            emit_value(g, v->u.object.values[i]))
            return -1;
    }
    return yajl_gen_map_close(g) != yajl_gen_status_ok;
}

static int emit_key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok;
}

static int emit_member(yajl_gen g, const char *k, yajl_val v)
{
    return emit_key(g, k) || emit_value(g, v);
}

/* The id goes into an HTTP header: printable ASCII only, bounded. */
static int header_safe(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NE_WEBHOOK_ID_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) return 0;
    return 1;
}

/* The fields the body needs, checked for type; the first one missing or of
 * the wrong type is named in err. */
struct alert_fields {
    yajl_val alert_id, subscription_id, person, person_id, role, claim_id, quote_text, quote_kind,
             speaker, article, created_at;
};

static int pick_fields(yajl_val root, struct alert_fields *f, char *err, size_t errlen)
{
    struct { yajl_val *dst; const char *a, *b; int type; } want[] = {
        {&f->alert_id, "alert_id", NULL, yajl_t_string},
        {&f->subscription_id, "subscription_id", NULL, yajl_t_string},
        {&f->person, "person", NULL, yajl_t_object},
        {&f->person_id, "person", "id", yajl_t_string},
        {&f->role, "role", NULL, yajl_t_string},
        {&f->claim_id, "claim_id", NULL, yajl_t_string},
        {&f->quote_text, "quote", "text", yajl_t_string},
        {&f->quote_kind, "quote", "kind", yajl_t_string},
        {&f->article, "article", NULL, yajl_t_object},
        {&f->created_at, "created_at", NULL, yajl_t_string},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        yajl_val v = get(root, want[i].a, want[i].b);
        if (!v || v->type != (yajl_type)want[i].type) {
            snprintf(err, errlen, "%s%s%s: %s", want[i].a, want[i].b ? "." : "", want[i].b ? want[i].b : "",
                     v ? "wrong type" : "missing");
            return -1;
        }
        *want[i].dst = v;
    }
    /* speaker may be null but must be present. */
    f->speaker = get(root, "quote", "speaker");
    if (!f->speaker || !(YAJL_IS_NULL(f->speaker) || YAJL_IS_OBJECT(f->speaker))) {
        snprintf(err, errlen, "quote.speaker: %s", f->speaker ? "wrong type" : "missing");
        return -1;
    }
    if (!header_safe(f->alert_id->u.string)) {
        snprintf(err, errlen, "alert_id: must be 1-%d printable ASCII characters", NE_WEBHOOK_ID_MAX);
        return -1;
    }
    if (strcmp(f->role->u.string, "speaker") && strcmp(f->role->u.string, "subject")) {
        snprintf(err, errlen, "role: expected \"speaker\" or \"subject\"");
        return -1;
    }
    return 0;
}

static int render_body(yajl_gen g, const struct alert_fields *f)
{
    yajl_val type = &(struct yajl_val_s){.type = yajl_t_string, .u.string = (char *)"claim.new"};
    return yajl_gen_map_open(g) != yajl_gen_status_ok ||
           emit_member(g, "type", type) || emit_member(g, "timestamp", f->created_at) ||
           emit_key(g, "data") || yajl_gen_map_open(g) != yajl_gen_status_ok ||
           emit_member(g, "person", f->person) || emit_member(g, "role", f->role) ||
           emit_member(g, "claim_id", f->claim_id) || emit_member(g, "quote", f->quote_text) ||
           emit_member(g, "kind", f->quote_kind) || emit_member(g, "speaker", f->speaker) ||
           emit_member(g, "article", f->article) ||
           yajl_gen_map_close(g) != yajl_gen_status_ok || yajl_gen_map_close(g) != yajl_gen_status_ok;
}

int ne_alert_parse(const char *value, size_t len, ne_alert *out, char *err, size_t errlen)
{
    char *text = ne_xstrndup(value, len);
    yajl_val root = NULL;
    yajl_gen g = NULL;
    struct alert_fields f;
    char perr[256];
    const unsigned char *buf;
    size_t blen;

    memset(out, 0, sizeof *out);
    if (memchr(value, '\0', len)) { snprintf(err, errlen, "value contains a NUL byte"); goto error; }
    root = yajl_tree_parse(text, perr, sizeof perr);
    if (!root) {
        perr[strcspn(perr, "\r\n")] = '\0';
        snprintf(err, errlen, "invalid JSON: %s", perr);
        goto error;
    }
    if (!YAJL_IS_OBJECT(root)) { snprintf(err, errlen, "not a JSON object"); goto error; }
    if (pick_fields(root, &f, err, errlen)) goto error;

    g = yajl_gen_alloc(NULL);
    if (!g || render_body(g, &f) || yajl_gen_get_buf(g, &buf, &blen) != yajl_gen_status_ok) {
        snprintf(err, errlen, "cannot render the webhook body");
        goto error;
    }
    out->body = ne_xstrndup((const char *)buf, blen);
    out->alert_id = ne_xstrdup(f.alert_id->u.string);
    out->subscription_id = ne_xstrdup(f.subscription_id->u.string);
    out->person_id = ne_xstrdup(f.person_id->u.string);
    out->body_len = blen;
    out->role = strcmp(f.role->u.string, "speaker") == 0 ? NE_ROLE_SPEAKER : NE_ROLE_SUBJECT;
    yajl_gen_free(g);
    yajl_tree_free(root);
    free(text);
    return 0;
error:
    ne_alert_clear(out);
    if (g) yajl_gen_free(g);
    yajl_tree_free(root);
    free(text);
    return -1;
}

void ne_alert_clear(ne_alert *a)
{
    free(a->alert_id);
    free(a->subscription_id);
    free(a->person_id);
    free(a->body);
    memset(a, 0, sizeof *a);
}
