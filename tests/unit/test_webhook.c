/* Standard Webhooks signing and the claim.new body (notifier/webhook.c). */
#include <stdlib.h>

#include <yajl/yajl_tree.h>

#include "config/config.h"
#include "notifier/webhook.h"
#include "tests/unit/test.h"

/* The test vector of the Standard Webhooks specification. */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS "1614265330"
#define SPEC_BODY "{\"test\": 2432232314}"
#define SPEC_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

TEST(webhook_signature_matches_the_spec_vector)
{
    ne_webhook_key key;
    char sig[NE_WEBHOOK_SIG_MAX];
    CHECK_INT(ne_webhook_key_from_secret(SPEC_SECRET, &key), 0);
    CHECK_INT(key.len, 24);
    CHECK_INT(ne_webhook_sign(&key, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), sig), 0);
    CHECK_STR(sig, SPEC_SIG);
}

TEST(webhook_secret_without_prefix_gives_the_same_key)
{
    ne_webhook_key a, b;
    CHECK_INT(ne_webhook_key_from_secret(SPEC_SECRET, &a), 0);
    CHECK_INT(ne_webhook_key_from_secret(SPEC_SECRET + 6, &b), 0);
    CHECK_INT(a.len, b.len);
    CHECK(memcmp(a.bytes, b.bytes, a.len) == 0);
}

TEST(webhook_secret_padding_is_not_part_of_the_key)
{
    ne_webhook_key k;
    /* "newsenrich-dev-webhook-secret!!!" (32 bytes) and "abcd" with padding. */
    CHECK_INT(ne_webhook_key_from_secret("whsec_bmV3c2VucmljaC1kZXYtd2ViaG9vay1zZWNyZXQhISE=", &k), 0);
    CHECK_INT(k.len, 32);
    CHECK(memcmp(k.bytes, "newsenrich-dev-webhook-secret!!!", 32) == 0);
    CHECK_INT(ne_webhook_key_from_secret("whsec_YWJjZA==", &k), 0);
    CHECK_INT(k.len, 4);
    CHECK(memcmp(k.bytes, "abcd", 4) == 0);
}

TEST(webhook_secret_rejects_what_is_not_base64)
{
    ne_webhook_key k;
    CHECK_INT(ne_webhook_key_from_secret("whsec_", &k), -1);
    CHECK_INT(ne_webhook_key_from_secret("whsec_abc", &k), -1);      /* not a multiple of 4 */
    CHECK_INT(ne_webhook_key_from_secret("whsec_ab!d", &k), -1);     /* bad character */
    CHECK_INT(ne_webhook_key_from_secret("whsec_====", &k), -1);     /* empty key */
}

TEST(webhook_verify_accepts_any_matching_entry_only)
{
    ne_webhook_key key;
    CHECK_INT(ne_webhook_key_from_secret(SPEC_SECRET, &key), 0);
    const char *b = SPEC_BODY;
    CHECK(ne_webhook_verify(&key, SPEC_ID, SPEC_TS, b, strlen(b), SPEC_SIG));
    CHECK(ne_webhook_verify(&key, SPEC_ID, SPEC_TS, b, strlen(b), "v1,bm9wZQ== " SPEC_SIG));
    CHECK(!ne_webhook_verify(&key, SPEC_ID, SPEC_TS, b, strlen(b), "v1,bm9wZQ=="));
    CHECK(!ne_webhook_verify(&key, SPEC_ID, "1614265331", b, strlen(b), SPEC_SIG));
    CHECK(!ne_webhook_verify(&key, SPEC_ID, SPEC_TS, "{\"test\": 2432232315}", strlen(b), SPEC_SIG));
    CHECK(!ne_webhook_verify(&key, SPEC_ID, SPEC_TS, b, strlen(b), NULL));
    CHECK(!ne_webhook_verify(&key, SPEC_ID, SPEC_TS, b, strlen(b), ""));
}

static const char ALERT[] =
    "{\"alert_id\":\"al_0123456789abcdef\",\"subscription_id\":\"sub-0\","
    "\"person\":{\"id\":\"vladimir-putin\",\"name\":\"Vladimir Putin\"},\"role\":\"subject\","
    "\"claim_id\":\"cl_42\","
    "\"quote\":{\"id\":\"q1\",\"kind\":\"direct\",\"text\":\"We will \\\"respond\\\" \\u00e0 la carte\","
    "\"start\":10,\"end\":52,\"speaker\":{\"entity_id\":\"sergei-lavrov\",\"name\":\"Sergei Lavrov\","
    "\"text\":\"Mr Lavrov\"},\"cue\":\"said\",\"about\":[\"vladimir-putin\"],\"claim_id\":\"cl_42\",\"new\":true},"
    "\"article\":{\"id\":\"a1\",\"title\":\"T\",\"url\":null,\"source\":\"wire\",\"published_at\":null},"
    "\"created_at\":\"2026-11-20T10:00:01Z\"}";

TEST(webhook_body_is_rendered_from_the_alert)
{
    ne_alert a;
    char err[256];
    CHECK_INT(ne_alert_parse(ALERT, strlen(ALERT), &a, err, sizeof err), 0);
    CHECK_STR(a.alert_id, "al_0123456789abcdef");
    CHECK_STR(a.subscription_id, "sub-0");
    CHECK_STR(a.person_id, "vladimir-putin");
    CHECK_INT(a.role, NE_ROLE_SUBJECT);
    CHECK_INT(strlen(a.body), a.body_len);
    CHECK_STR(a.body,
              "{\"type\":\"claim.new\",\"timestamp\":\"2026-11-20T10:00:01Z\",\"data\":{"
              "\"person\":{\"id\":\"vladimir-putin\",\"name\":\"Vladimir Putin\"},\"role\":\"subject\","
              "\"claim_id\":\"cl_42\",\"quote\":\"We will \\\"respond\\\" \xc3\xa0 la carte\",\"kind\":\"direct\","
              "\"speaker\":{\"entity_id\":\"sergei-lavrov\",\"name\":\"Sergei Lavrov\",\"text\":\"Mr Lavrov\"},"
              "\"article\":{\"id\":\"a1\",\"title\":\"T\",\"url\":null,\"source\":\"wire\",\"published_at\":null}}}");
    /* And it is valid JSON. */
    char perr[128];
    yajl_val v = yajl_tree_parse(a.body, perr, sizeof perr);
    CHECK(v != NULL);
    yajl_tree_free(v);
    ne_alert_clear(&a);
}

TEST(webhook_body_keeps_a_null_speaker)
{
    const char *alert =
        "{\"alert_id\":\"x\",\"subscription_id\":\"s\",\"person\":{\"id\":\"p\",\"name\":\"P\"},\"role\":\"speaker\","
        "\"claim_id\":\"c\",\"quote\":{\"kind\":\"indirect\",\"text\":\"t\",\"speaker\":null},"
        "\"article\":{\"id\":\"a\"},\"created_at\":\"2026-01-01T00:00:00Z\"}";
    ne_alert a;
    char err[256];
    CHECK_INT(ne_alert_parse(alert, strlen(alert), &a, err, sizeof err), 0);
    CHECK_INT(a.role, NE_ROLE_SPEAKER);
    CHECK(strstr(a.body, "\"speaker\":null") != NULL);
    ne_alert_clear(&a);
}

static int parse_error(const char *alert, const char *want)
{
    ne_alert a;
    char err[256] = "";
    if (ne_alert_parse(alert, strlen(alert), &a, err, sizeof err) == 0) {
        ne_alert_clear(&a);
        return 0;
    }
    return strstr(err, want) != NULL && a.body == NULL && a.alert_id == NULL;
}

TEST(webhook_malformed_alerts_are_named)
{
    CHECK(parse_error("{\"alert_id\":", "invalid JSON"));
    CHECK(parse_error("[1,2]", "not a JSON object"));
    CHECK(parse_error("{\"subscription_id\":\"s\"}", "alert_id: missing"));
    CHECK(parse_error("{\"alert_id\":7}", "alert_id: wrong type"));
    /* The id becomes a header: no control characters, no spaces. */
    char *bad = malloc(sizeof ALERT + 8);
    strcpy(bad, ALERT);
    memcpy(strstr(bad, "al_0123"), "al\\r\\n12", 8);
    CHECK(parse_error(bad, "alert_id: must be"));
    strcpy(bad, ALERT);
    memcpy(strstr(bad, "\"subject\""), "\"object\" ", 9);
    CHECK(parse_error(bad, "role"));
    free(bad);
    CHECK(parse_error("{\"alert_id\":\"x\",\"subscription_id\":\"s\",\"person\":{\"id\":\"p\"},\"role\":\"speaker\","
                      "\"claim_id\":\"c\",\"quote\":{\"kind\":\"direct\",\"text\":\"t\"},\"article\":{},"
                      "\"created_at\":\"t\"}", "quote.speaker: missing"));
}
