/* Unit tests of the live watchlist and subscriptions (config/overlay.h):
 * the key scheme, laying the topic's records over the file's entries,
 * tombstones, refused records, secrets only by reference, and the
 * pipeline taking a new watchlist between records. */
#include "tests/unit/test.h"

#include "config/config.h"
#include "config/overlay.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/pipeline/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SECRET_VAR "NE_TEST_SUBS_SECRET"

/* The file's side: two people, one subscription to the first. */
static const char *const SEED =
    "{\"watchlist\": {\"people\": ["
    "  {\"id\": \"vladimir-putin\", \"name\": \"Vladimir Putin\", \"aliases\": [\"the Russian president\"]},"
    "  {\"id\": \"angela-merkel\", \"name\": \"Angela Merkel\"}]},"
    " \"webhooks\": {\"subscriptions\": ["
    "  {\"id\": \"desk\", \"url\": \"https://hooks.example.com/desk\", \"secret\": \"" SECRET "\","
    "   \"people\": [\"vladimir-putin\"]}]}}";

static ne_config *seed(void)
{
    char err[512];
    ne_config *cfg = ne_config_load_string(SEED, strlen(SEED), err, sizeof err);
    if (!cfg) fprintf(stderr, "seed: %s\n", err);
    return cfg;
}

static int apply(ne_overlay *ov, const char *key, const char *value, char *err, size_t errlen)
{
    return ne_overlay_apply(ov, key, strlen(key), value, value ? strlen(value) : 0, err, errlen);
}

static const ne_person *person(const ne_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->watchlist.npeople; i++)
        if (!strcmp(cfg->watchlist.people[i].id, id)) return &cfg->watchlist.people[i];
    return NULL;
}

static const ne_subscription *subscription(const ne_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->webhooks.nsubscriptions; i++)
        if (!strcmp(cfg->webhooks.subscriptions[i].id, id)) return &cfg->webhooks.subscriptions[i];
    return NULL;
}

/* ---- the key scheme ----------------------------------------------------- */

TEST(subs_key_names_the_kind_and_the_id)
{
    char key[64], id[64];
    CHECK_INT(ne_overlay_key(NE_ENTRY_PERSON, "tim-cook", key, sizeof key), 15);
    CHECK_STR(key, "person:tim-cook");
    CHECK_INT(ne_overlay_key(NE_ENTRY_SUBSCRIPTION, "desk", key, sizeof key), 17);
    CHECK_STR(key, "subscription:desk");
    CHECK_INT(ne_overlay_parse_key("person:tim-cook", 15, id, sizeof id), NE_ENTRY_PERSON);
    CHECK_STR(id, "tim-cook");
    CHECK_INT(ne_overlay_parse_key("subscription:desk", 17, id, sizeof id), NE_ENTRY_SUBSCRIPTION);
    CHECK_STR(id, "desk");
    /* the same id under both kinds is two entries */
    CHECK_INT(ne_overlay_parse_key("subscription:tim-cook", 21, id, sizeof id), NE_ENTRY_SUBSCRIPTION);
}

TEST(subs_key_of_neither_kind_is_refused)
{
    char id[16];
    CHECK_INT(ne_overlay_parse_key("tim-cook", 8, id, sizeof id), 0);
    CHECK_INT(ne_overlay_parse_key("person:", 7, id, sizeof id), 0);          /* no id */
    CHECK_INT(ne_overlay_parse_key("Person:x", 8, id, sizeof id), 0);         /* case matters */
    CHECK_INT(ne_overlay_parse_key("person:a\0b", 10, id, sizeof id), 0);     /* a NUL inside */
    CHECK_INT(ne_overlay_parse_key("person:a-very-long-id-indeed", 28, id, sizeof id), 0); /* too long */
    CHECK_INT(ne_overlay_parse_key(NULL, 0, id, sizeof id), 0);
    char key[8];
    CHECK_INT(ne_overlay_key(NE_ENTRY_PERSON, "tim-cook", key, sizeof key), -1);
}

/* ---- the merge ---------------------------------------------------------- */

TEST(subs_topic_person_is_added_after_the_file_people)
{
    char err[512];
    ne_config *cfg = seed();
    CHECK(cfg);
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"Tim Cook\", \"aliases\": [\"Apple's chief\"]}",
                    err, sizeof err), 1);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_INT(m->watchlist.npeople, 3);
    CHECK_STR(m->watchlist.people[0].id, "vladimir-putin");
    CHECK_STR(m->watchlist.people[2].id, "tim-cook");
    CHECK_STR(m->watchlist.people[2].name, "Tim Cook");
    CHECK_INT(m->watchlist.people[2].naliases, 1);
    /* the rest of the configuration is the seed's */
    CHECK_STR(m->topics.raw, cfg->topics.raw);
    CHECK(m->topics.raw != cfg->topics.raw);   /* a copy: the seed may be freed */
    CHECK_INT(m->webhooks.nsubscriptions, 1);
    ne_config_free(cfg);
    CHECK_STR(m->watchlist.people[0].name, "Vladimir Putin");
    ne_config_free(m);
    ne_overlay_free(ov);
}

TEST(subs_topic_entry_replaces_the_file_entry_in_its_place)
{
    char err[512];
    ne_config *cfg = seed();
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "person:vladimir-putin", "{\"id\": \"vladimir-putin\", \"name\": \"V. V. Putin\"}", err,
                    sizeof err), 1);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_INT(m->watchlist.npeople, 2);
    CHECK_STR(m->watchlist.people[0].name, "V. V. Putin");
    CHECK_INT(m->watchlist.people[0].naliases, 0);   /* the whole entry, not a patch */
    ne_config_free(m);
    ne_overlay_free(ov);
    ne_config_free(cfg);
}

TEST(subs_tombstone_removes_an_entry_even_from_the_file)
{
    char err[512];
    ne_config *cfg = seed();
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "person:angela-merkel", NULL, err, sizeof err), 1);
    CHECK_INT(apply(ov, "subscription:desk", NULL, err, sizeof err), 1);
    CHECK_INT(apply(ov, "subscription:desk", NULL, err, sizeof err), 0);   /* again: no change */
    CHECK_INT(ne_overlay_state(ov, NE_ENTRY_PERSON, "angela-merkel"), -1);
    CHECK_INT(ne_overlay_state(ov, NE_ENTRY_PERSON, "vladimir-putin"), 0);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_INT(m->watchlist.npeople, 1);
    CHECK(!person(m, "angela-merkel"));
    CHECK_INT(m->webhooks.nsubscriptions, 0);
    ne_config_free(m);
    /* and a record after the tombstone brings it back */
    CHECK_INT(apply(ov, "person:angela-merkel", "{\"id\": \"angela-merkel\", \"name\": \"Angela Merkel\"}", err,
                    sizeof err), 1);
    m = ne_overlay_merge(ov, cfg);
    CHECK(person(m, "angela-merkel"));
    ne_config_free(m);
    ne_overlay_free(ov);
    ne_config_free(cfg);
}

TEST(subs_same_record_twice_is_no_change)
{
    char err[512];
    ne_overlay *ov = ne_overlay_new();
    const char *v = "{\"id\": \"tim-cook\", \"name\": \"Tim Cook\"}";
    CHECK_INT(apply(ov, "person:tim-cook", v, err, sizeof err), 1);
    CHECK_INT(apply(ov, "person:tim-cook", v, err, sizeof err), 0);
    CHECK_INT(ne_overlay_count(ov, NE_ENTRY_PERSON), 1);
    ne_overlay_free(ov);
}

TEST(subs_refused_record_keeps_the_entry_as_it_was)
{
    char err[512];
    ne_config *cfg = seed();
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"Tim Cook\"}", err, sizeof err), 1);
    /* a missing name, bad JSON, an unknown key, an id differing from the key's */
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\"}", err, sizeof err), -1);
    CHECK(strstr(err, "person:tim-cook.name: missing"));
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", ", err, sizeof err), -1);
    CHECK(strstr(err, "invalid JSON"));
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"T\", \"nick\": \"x\"}", err,
                    sizeof err), -1);
    CHECK(strstr(err, "person:tim-cook.nick: unknown key"));
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"steve-jobs\", \"name\": \"Steve Jobs\"}", err, sizeof err),
              -1);
    CHECK(strstr(err, "differs from the key"));
    CHECK_INT(apply(ov, "people:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"T\"}", err, sizeof err), -1);
    CHECK(strstr(err, "expected person:<id> or subscription:<id>"));
    /* an id the file would refuse */
    CHECK_INT(apply(ov, "person:Tim Cook", "{\"id\": \"Tim Cook\", \"name\": \"T\"}", err, sizeof err), -1);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_STR(person(m, "tim-cook")->name, "Tim Cook");
    CHECK_INT(m->watchlist.npeople, 3);
    ne_config_free(m);
    ne_overlay_free(ov);
    ne_config_free(cfg);
}

/* ---- secrets: references only --------------------------------------------- */

static const char *sub_json(const char *secret, char *buf, size_t len)
{
    snprintf(buf, len, "{\"url\": \"https://hooks.example.com/x\", \"secret\": \"%s\", \"people\": [\"tim-cook\"]}",
             secret);
    return buf;
}

TEST(subs_clear_secret_on_the_topic_is_refused_without_echoing_it)
{
    char err[512], v[512];
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "subscription:x", sub_json(SECRET, v, sizeof v), err, sizeof err), -1);
    CHECK(strstr(err, "subscription:x.secret: only a reference"));
    CHECK(!strstr(err, "MfKQ9r8"));
    CHECK_INT(ne_overlay_count(ov, NE_ENTRY_SUBSCRIPTION), 0);
    ne_overlay_free(ov);
}

TEST(subs_secret_reference_that_does_not_resolve_is_refused)
{
    char err[512], v[512];
    ne_overlay *ov = ne_overlay_new();
    unsetenv(SECRET_VAR);
    CHECK_INT(apply(ov, "subscription:x", sub_json("env:" SECRET_VAR, v, sizeof v), err, sizeof err), -1);
    CHECK(strstr(err, "environment variable " SECRET_VAR " is not set"));
    CHECK_INT(apply(ov, "subscription:x", sub_json("file:/nonexistent/secret", v, sizeof v), err, sizeof err), -1);
    CHECK(strstr(err, "subscription:x.secret: file"));
    /* a reference that resolves to something that is no whsec_ secret */
    setenv(SECRET_VAR, "hunter2", 1);
    CHECK_INT(apply(ov, "subscription:x", sub_json("env:" SECRET_VAR, v, sizeof v), err, sizeof err), -1);
    CHECK(strstr(err, "subscription:x.secret"));
    CHECK(!strstr(err, "hunter2"));
    unsetenv(SECRET_VAR);
    CHECK_INT(ne_overlay_count(ov, NE_ENTRY_SUBSCRIPTION), 0);
    ne_overlay_free(ov);
}

TEST(subs_secret_references_resolve_on_the_reading_instance)
{
    char err[512], v[512], path[] = "/tmp/ne_subs_secret_XXXXXX";
    ne_config *cfg = seed();
    ne_overlay *ov = ne_overlay_new();
    setenv(SECRET_VAR, SECRET, 1);
    CHECK_INT(apply(ov, "subscription:by-env", sub_json("env:" SECRET_VAR, v, sizeof v), err, sizeof err), 1);
    unsetenv(SECRET_VAR);
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, SECRET "\n", strlen(SECRET) + 1) == (ssize_t)strlen(SECRET) + 1);
    close(fd);
    char ref[64];
    snprintf(ref, sizeof ref, "file:%s", path);
    CHECK_INT(apply(ov, "subscription:by-file", sub_json(ref, v, sizeof v), err, sizeof err), 1);
    unlink(path);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_INT(m->webhooks.nsubscriptions, 3);
    const ne_subscription *a = subscription(m, "by-env"), *b = subscription(m, "by-file");
    CHECK(a && b);
    CHECK_STR(a->secret, SECRET);
    CHECK_STR(b->secret, SECRET);   /* the file's newline cut */
    /* the id came from the key; the defaults are the file's */
    CHECK_INT(a->max_attempts, 8);
    /* tim-cook is on no watchlist yet: accepted, and found for the log */
    CHECK_INT(ne_overlay_unknown_people(m, NULL, NULL), 2);
    ne_config_free(m);
    ne_overlay_free(ov);
    ne_config_free(cfg);
}

TEST(subs_entry_parser_is_the_file_loader_s)
{
    char err[512];
    ne_subscription s;
    /* the file may give the secret in clear; the topic may not */
    const char *clear = "{\"id\": \"a\", \"url\": \"https://h.example.com/\", \"secret\": \"" SECRET "\", "
                        "\"people\": [\"p\"], \"backoff_initial_ms\": 5000, \"backoff_max_ms\": 100}";
    CHECK_INT(ne_config_parse_subscription(clear, strlen(clear), "x", 0, &s, err, sizeof err), -1);
    CHECK(strstr(err, "x.backoff_max_ms: must be >= backoff_initial_ms"));
    const char *bad_url = "{\"url\": \"ftp://h/\", \"secret\": \"" SECRET "\", \"people\": [\"p\"]}";
    CHECK_INT(ne_config_parse_subscription(bad_url, strlen(bad_url), "x", 0, &s, err, sizeof err), -1);
    CHECK(strstr(err, "x.url"));
    const char *ok = "{\"url\": \"https://user:pw@h.example.com/\", \"secret\": \"" SECRET "\", \"people\": [\"p\"], "
                     "\"roles\": [\"speaker\"]}";
    CHECK_INT(ne_config_parse_subscription(ok, strlen(ok), "x", 0, &s, err, sizeof err), 0);
    CHECK_INT(s.roles, NE_ROLE_SPEAKER);
    CHECK(s.id == NULL);
    char *json = ne_config_subscription_json(&s);
    CHECK(!strchr(json, '\n'));
    CHECK(strstr(json, "\"secret\": \"***\""));
    CHECK(!strstr(json, ":pw@"));
    free(json);
    ne_subscription_clear(&s);
    ne_subscription_clear(NULL);
}

/* ---- the pipeline takes a new watchlist ------------------------------------ */

static size_t count_alerts(ne_pipeline *p, const char *article, ne_outbox *out)
{
    ne_origin src = {"articles.raw", 0, 0, NULL, 0};
    ne_pipeline_process(p, article, strlen(article), &src, out);
    size_t n = 0;
    for (size_t i = 0; i < out->n; i++) n += out->ev[i].topic == NE_TOPIC_ALERTS;
    return n;
}

static int watched_in(const ne_outbox *out, const char *id)
{
    char needle[96];
    snprintf(needle, sizeof needle, "\"id\":\"%s\",\"name\":", id);
    for (size_t i = 0; i < out->n; i++)
        if (out->ev[i].topic == NE_TOPIC_ENRICHED && strstr(out->ev[i].value, needle) &&
            strstr(out->ev[i].value, "\"watched\":true"))
            return 1;
    return 0;
}

TEST(subs_pipeline_reconfigure_starts_matching_and_alerting_a_new_person)
{
    char err[512];
    ne_config *cfg = seed();
    CHECK(cfg);
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (!p) SKIP("the NER model is not built");
    ne_outbox out = {0};
    const char *a1 = "{\"id\": \"a1\", \"title\": \"Apple results\", \"body\": \"Apple chief executive Tim Cook "
                     "spoke to analysts on Thursday.\\n\\n\\\"We had a record quarter in every region,\\\" Cook said "
                     "in a statement.\"}";
    CHECK_INT(count_alerts(p, a1, &out), 0);
    CHECK(!watched_in(&out, "tim-cook"));

    ne_overlay *ov = ne_overlay_new();
    setenv(SECRET_VAR, SECRET, 1);
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"Tim Cook\"}", err, sizeof err), 1);
    CHECK_INT(apply(ov, "subscription:apple-desk", "{\"url\": \"https://hooks.example.com/apple\", \"secret\": "
                    "\"env:" SECRET_VAR "\", \"people\": [\"tim-cook\"]}", err, sizeof err), 1);
    unsetenv(SECRET_VAR);
    ne_config *m = ne_overlay_merge(ov, cfg);
    CHECK_INT(ne_pipeline_reconfigure(p, m, err, sizeof err), 0);
    ne_config_free(cfg);   /* nothing reads the old configuration any more */

    const char *a2 = "{\"id\": \"a2\", \"title\": \"Apple outlook\", \"body\": \"Apple chief executive Tim Cook "
                     "met suppliers in Shenzhen on Friday.\\n\\n\\\"Our supply chain has never been stronger than "
                     "it is this year,\\\" Cook said.\"}";
    size_t n = count_alerts(p, a2, &out);
    CHECK(watched_in(&out, "tim-cook"));
    CHECK_INT(n, 1);
    int found = 0;
    for (size_t i = 0; i < out.n; i++)
        if (out.ev[i].topic == NE_TOPIC_ALERTS) found = strstr(out.ev[i].value, "\"subscription_id\":\"apple-desk\"") != NULL;
    CHECK(found);
    ne_outbox_free(&out);
    ne_pipeline_free(p);
    ne_config_free(m);
    ne_overlay_free(ov);
}

/* The same through the worker pool: its threads' own entities states take
 * the new watchlist too, and only while they hold no record. */
TEST(subs_workers_reconfigure_only_when_empty_and_then_match_the_new_person)
{
    char err[512];
    ne_config *cfg = seed();
    CHECK(cfg);
    ne_pipeline *p = ne_pipeline_new(cfg, err, sizeof err);
    if (!p) SKIP("the NER model is not built");
    ne_workers *w = ne_workers_new(p, 2, err, sizeof err);
    CHECK(w);
    ne_overlay *ov = ne_overlay_new();
    CHECK_INT(apply(ov, "person:tim-cook", "{\"id\": \"tim-cook\", \"name\": \"Tim Cook\"}", err, sizeof err), 1);
    ne_config *m = ne_overlay_merge(ov, cfg);
    const char *a = "{\"id\": \"w1\", \"title\": \"Apple\", \"body\": \"Apple chief executive Tim Cook spoke "
                    "to analysts on Thursday about the quarter.\"}";
    ne_outbox out = {0};
    enum ne_outcome o;
    ne_workers_submit(w, a, strlen(a), NULL, (void *)a);
    CHECK_INT(ne_workers_reconfigure(w, m, err, sizeof err), -1);   /* a record is pending */
    CHECK(strstr(err, "pending"));
    CHECK(ne_workers_finish(w, -1, &out, &o) == a);
    CHECK(!watched_in(&out, "tim-cook"));
    CHECK_INT(ne_pipeline_reconfigure(p, m, err, sizeof err), 0);
    CHECK_INT(ne_workers_reconfigure(w, m, err, sizeof err), 0);
    ne_config_free(cfg);
    for (int i = 0; i < 4; i++) {   /* whichever thread takes it */
        ne_workers_submit(w, a, strlen(a), NULL, (void *)a);
        CHECK(ne_workers_finish(w, -1, &out, &o) == a);
        CHECK(watched_in(&out, "tim-cook"));
    }
    ne_outbox_free(&out);
    ne_workers_free(w);
    ne_pipeline_free(p);
    ne_config_free(m);
    ne_overlay_free(ov);
}
