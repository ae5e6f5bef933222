/* webhook — the Standard Webhooks message: signing key, signature, and the
 * claim.new body rendered from an alert record (schemas/README.md, "The
 * alerts event"). Pure functions, no I/O: what the unit tests pin down.
 *
 *   webhook-id         the alert's alert_id (stable across retries and
 *                      redeliveries, so receivers can deduplicate)
 *   webhook-timestamp  Unix seconds of the attempt
 *   webhook-signature  "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body))
 *                      key = base64-decode(secret without "whsec_")
 */
#ifndef NE_WEBHOOK_H
#define NE_WEBHOOK_H

#include <stddef.h>

/* "v1," + 44 base64 characters + NUL, rounded up. */
#define NE_WEBHOOK_SIG_MAX 64
/* Longest webhook-id accepted from an alert (it becomes a header). */
#define NE_WEBHOOK_ID_MAX 256

/* A decoded signing key. Standard Webhooks secrets carry 24–64 bytes; the
 * buffer takes more so a long one is not truncated silently. */
typedef struct ne_webhook_key {
    unsigned char bytes[256];
    size_t len;
} ne_webhook_key;

/* Decodes "whsec_<base64>" (the prefix is optional, as in the reference
 * libraries) into key. Returns 0, or -1 when the text is not base64 or the
 * key would be empty or longer than the buffer. Never logs the secret. */
int ne_webhook_key_from_secret(const char *secret, ne_webhook_key *key);

/* Writes "v1,<base64 HMAC-SHA256 of id.timestamp.body>" into out (at least
 * NE_WEBHOOK_SIG_MAX bytes). `timestamp` is the exact text sent in the
 * webhook-timestamp header. Returns 0, or -1 if OpenSSL fails. */
int ne_webhook_sign(const ne_webhook_key *key, const char *id, const char *timestamp,
                    const char *body, size_t body_len, char *out);

/* Checks a webhook-signature header value, which may hold several
 * space-separated "v1,<sig>" entries (key rotation): 1 when one of them
 * matches, 0 otherwise. Compares in constant time. */
int ne_webhook_verify(const ne_webhook_key *key, const char *id, const char *timestamp,
                      const char *body, size_t body_len, const char *header);

/* What the notifier needs from one alert record. Every string is owned by
 * the struct; release with ne_alert_clear(). */
typedef struct ne_alert {
    char  *alert_id;          /* the webhook-id */
    char  *subscription_id;
    char  *person_id;
    int    role;              /* NE_ROLE_SPEAKER or NE_ROLE_SUBJECT (config.h) */
    char  *body;              /* the rendered webhook body, compact JSON */
    size_t body_len;
} ne_alert;

/* Parses an alert value (schemas/alerts.schema.json) and renders its
 * webhook body (schemas/webhook.schema.json):
 *   {"type":"claim.new","timestamp":created_at,
 *    "data":{"person","role","claim_id","quote":quote.text,"kind":quote.kind,
 *            "speaker":quote.speaker,"article"}}
 * Returns 0 and fills `out`; on a malformed alert returns -1 with a
 * message naming the field in err (out is left cleared). The alert_id must
 * be 1..NE_WEBHOOK_ID_MAX printable ASCII bytes: it is sent as a header. */
int ne_alert_parse(const char *value, size_t len, ne_alert *out, char *err, size_t errlen);

void ne_alert_clear(ne_alert *a);

#endif
