/* Outputs too large for Kafka: a dead letter cut to fit, and a record
 * whose enriched event is over its topic's limit turned into one. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nebuf.h"
#include "config/config.h"
#include "enrichers/pipeline/pipeline.h"
#include "tests/unit/test.h"

static const char *header(const ne_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->nheaders; i++)
        if (!strcmp(ev->headers[i].name, name)) return ev->headers[i].value;
    return NULL;
}

/* A record of n bytes: a JSON article padded with real sentences. */
static char *article_of(size_t n)
{
    static const char s[] = "The mayor said on Monday that the bridge would reopen in May. ";
    nebuf b = {0};
    nebuf_puts(&b, "{\"id\": \"big-1\", \"body\": \"");
    while (b.len + sizeof s + 2 < n) nebuf_puts(&b, s);
    nebuf_puts(&b, "\"}");
    return nebuf_detach(&b, NULL);
}

TEST(dead_letter_over_the_limit_is_cut_to_fit_with_its_length_and_sha256)
{
    char err[256];
    ne_config *cfg = ne_config_load_string("{}", 2, err, sizeof err);   /* max_record_bytes 262144 */
    CHECK(cfg != NULL);
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    CHECK(p != NULL);
    char *rec = article_of(1200000);   /* too_large: dead-lettered whole */
    size_t len = strlen(rec);
    ne_origin src = {"articles.raw", 2, 41, "big-1", 5};
    ne_outbox out = {0};
    CHECK_INT(ne_pipeline_process(p, rec, len, &src, &out), NE_OUTCOME_REJECTED);
    CHECK_INT(out.n, 1);
    ne_event *ev = &out.ev[0];
    CHECK_STR(header(ev, "error.reason"), "too_large");
    CHECK(ne_event_record_bytes(ev) > 1000000);

    CHECK_INT(ne_dead_letter_fit(ev, 1000000), 1);
    CHECK(ne_event_record_bytes(ev) <= 1000000);
    CHECK(ev->value_len > 990000);                       /* cut to fit, not emptied */
    CHECK(memcmp(ev->value, rec, ev->value_len) == 0);   /* the original's first bytes */
    CHECK_STR(header(ev, "error.truncated"), "true");
    char num[32];
    snprintf(num, sizeof num, "%zu", len);
    CHECK_STR(header(ev, "error.original_bytes"), num);
    unsigned char md[32];
    unsigned mdlen = 0;
    CHECK(EVP_Digest(rec, len, md, &mdlen, EVP_sha256(), NULL));
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    CHECK_STR(header(ev, "error.sha256"), hex);
    CHECK_STR(header(ev, "source.offset"), "41");

    /* a dead letter that fits is left alone */
    ne_outbox_clear(&out);
    CHECK_INT(ne_pipeline_process(p, "{\"id\": \"x\"}", 11, &src, &out), NE_OUTCOME_REJECTED);
    CHECK_INT(ne_dead_letter_fit(&out.ev[0], 1000000), 0);
    CHECK(header(&out.ev[0], "error.truncated") == NULL);
    CHECK_INT(out.ev[0].value_len, 11);

    ne_outbox_free(&out);
    free(rec);
    ne_pipeline_free(p);
    ne_config_free(cfg);
}

TEST(record_whose_output_is_too_large_becomes_one_dead_letter_output_too_large)
{
    char err[256];
    ne_config *cfg = ne_config_load_string("{}", 2, err, sizeof err);
    CHECK(cfg != NULL);
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    CHECK(p != NULL);
    char *rec = article_of(200000);
    size_t len = strlen(rec);
    ne_origin src = {"articles.raw", 0, 7, "big-1", 5};
    ne_outbox out = {0};
    CHECK_INT(ne_pipeline_process(p, rec, len, &src, &out), NE_OUTCOME_ENRICHED);
    CHECK(out.n >= 2);   /* the enriched event, its claims, its changelog record */
    ne_pipeline_stats before;
    ne_pipeline_get_stats(p, &before);

    enum ne_outcome o = ne_pipeline_reject_output(p, NE_OUTCOME_ENRICHED, rec, len, &src,
                                                  "its articles.enriched event is over the limit", &out);
    CHECK_INT(o, NE_OUTCOME_REJECTED);
    CHECK_INT(out.n, 1);
    CHECK_INT(out.ev[0].topic, NE_TOPIC_DLQ);
    CHECK(out.ev[0].raw);
    CHECK_INT(out.ev[0].value_len, len);
    CHECK(memcmp(out.ev[0].value, rec, len) == 0);
    CHECK_STR(header(&out.ev[0], "error.reason"), "output_too_large");
    CHECK_STR(header(&out.ev[0], "error.detail"), "its articles.enriched event is over the limit");
    CHECK_STR(header(&out.ev[0], "source.offset"), "7");
    ne_pipeline_stats after;
    ne_pipeline_get_stats(p, &after);
    CHECK_INT(after.enriched, before.enriched - 1);
    CHECK_INT(after.rejected, before.rejected + 1);
    CHECK_INT(after.rejected_by_reason[NE_REJECT_OUTPUT_TOO_LARGE], 1);

    ne_outbox_free(&out);
    free(rec);
    ne_pipeline_free(p);
    ne_config_free(cfg);
}
