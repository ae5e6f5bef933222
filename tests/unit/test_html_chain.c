/* Web pages through the whole chain (issue 20): Instagram and Facebook
 * embeds read as quotes of kind `post` spoken by their account, as
 * Twitter's are (test_furniture.c), and `<html lang>` taken as a hint the
 * text's detected language can overrule. The embed markup is the sites'
 * own embed code (Instagram's v7 and v14 blockquotes, Facebook's
 * fb-post / fb-xfbml-parse-ignore), around text written for these tests.
 * Needs models/ (run from the repository root). */
#include "tests/unit/fixtures.h"
#include "tests/unit/test.h"

#include "config/config.h"
#include "enrichers/pipeline/pipeline.h"

#include <stdlib.h>

static const char CONFIG_JSON[] =
    "{\"watchlist\": {\"people\": [{\"id\": \"jane-roe\", \"name\": \"Jane Roe\","
    " \"aliases\": [\"Roe\"]}]},"
    " \"webhooks\": {\"subscriptions\": [{\"id\": \"roe\", \"url\": \"https://hooks.example/r\","
    " \"secret\": \"whsec_dGVzdA==\", \"people\": [\"jane-roe\"]}]}}";

#define PAGE_HEAD "{\"id\": \"%s\", \"html\": \"<!doctype html><html lang=\\\"en\\\"><head>" \
    "<title>Senator Roe visits the flooded valley | Valley Herald</title></head><body><article>" \
    "<h1>Senator Roe visits the flooded valley</h1>" \
    "<p>Senator Jane Roe toured the flooded farms of the valley on Thursday, meeting families " \
    "who lost their homes and promising federal help before the winter.</p>"
#define PAGE_TAIL "<p>The river is expected to fall below flood level by the weekend, the " \
    "county's emergency office said, but several roads will stay closed for repairs.</p>" \
    "</article></body></html>\"}"

/* Instagram's classic embed (v7): the caption inside a link, then "A post
 * shared by <a>Name</a> (@handle) on <time>…</time>". */
TEST(html_chain_instagram_embed_is_a_post_quote_of_its_account)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    char rec[4096];
    snprintf(rec, sizeof rec, PAGE_HEAD
        "<blockquote class=\\\"instagram-media\\\" data-instgrm-captioned "
        "data-instgrm-permalink=\\\"https://www.instagram.com/p/BQxYz12AbCd/\\\" "
        "data-instgrm-version=\\\"7\\\" style=\\\"background:#FFF; border:0; margin: 1px;\\\">"
        "<div style=\\\"padding:8px;\\\"><div style=\\\"background:#F8F8F8; line-height:0;\\\">"
        "<div style=\\\"width:50.0%%;\\\"></div></div>"
        "<p style=\\\"margin:8px 0 0 0;\\\"><a href=\\\"https://www.instagram.com/p/BQxYz12AbCd/\\\" "
        "target=\\\"_blank\\\">Heartbroken by what I saw in the valley today. We will rebuild, "
        "together. #valleystrong</a></p>"
        "<p style=\\\"color:#c9c8cd;\\\">A post shared by <a href=\\\"https://www.instagram.com/janeroe/\\\" "
        "target=\\\"_blank\\\"> Jane Roe</a> (@janeroe) on <time style=\\\"font-size:14px;\\\" "
        "datetime=\\\"2017-03-02T23:15:07+00:00\\\">Mar 2, 2017 at 3:15pm PST</time></p></div>"
        "</blockquote><script async defer src=\\\"//platform.instagram.com/en_US/embeds.js\\\"></script>"
        PAGE_TAIL, "ig1");
    ne_test_enrich(CONFIG_JSON, rec, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && strstr(ev, "\"kind\":\"post\",\"text\":\"Heartbroken by what I saw in the valley "
                           "today. We will rebuild, together. #valleystrong\""));
    CHECK(ev && strstr(ev, "\"speaker\":{\"entity_id\":\"jane-roe\""));
    /* the post's date is not the article's */
    CHECK(ev && strstr(ev, "\"published_at\":null"));
    /* a watched person's post is a claim and an alert */
    CHECK(ne_test_count_on(&ob, NE_TOPIC_ALERTS) >= 1);
    ne_outbox_free(&ob);
}

/* Instagram's current embed (v14): "View this post on Instagram" is the
 * embed's chrome, not the post; the account line has no date. */
TEST(html_chain_instagram_v14_embed_drops_its_chrome)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    char rec[4096];
    snprintf(rec, sizeof rec, PAGE_HEAD
        "<blockquote class=\\\"instagram-media\\\" data-instgrm-captioned "
        "data-instgrm-permalink=\\\"https://www.instagram.com/p/CxAbCdEf/?utm_source=ig_embed\\\" "
        "data-instgrm-version=\\\"14\\\"><div style=\\\"padding:16px;\\\">"
        "<a href=\\\"https://www.instagram.com/p/CxAbCdEf/\\\" target=\\\"_blank\\\">"
        "<div style=\\\"padding: 19%% 0;\\\"></div>"
        "<div style=\\\"padding-top: 8px;\\\"><div style=\\\"color:#3897f0;\\\">View this post on Instagram</div></div></a>"
        "<p style=\\\"margin:8px 0 0 0;\\\"><a href=\\\"https://www.instagram.com/p/CxAbCdEf/\\\">"
        "A post shared by Jane Roe (@janeroe)</a></p></div></blockquote>"
        PAGE_TAIL, "ig2");
    ne_test_enrich(CONFIG_JSON, rec, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && !strstr(ev, "View this post"));
    /* no words: no post quote, and the account line is not running text */
    CHECK(ev && !strstr(ev, "\"kind\":\"post\""));
    CHECK(ev && !strstr(ev, "janeroe\",\"type\""));
    ne_outbox_free(&ob);
}

/* Facebook's embed: "Posted by <a>Name</a> on <a>date</a>" after the
 * words; the account comes from the post's address. */
TEST(html_chain_facebook_embed_is_a_post_quote_of_its_account)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    char rec[4096];
    snprintf(rec, sizeof rec, PAGE_HEAD
        "<div id=\\\"fb-root\\\"></div><div class=\\\"fb-post\\\" "
        "data-href=\\\"https://www.facebook.com/SenatorJaneRoe/posts/10154009990506729\\\" data-width=\\\"500\\\">"
        "<blockquote cite=\\\"https://www.facebook.com/SenatorJaneRoe/posts/10154009990506729\\\" "
        "class=\\\"fb-xfbml-parse-ignore\\\"><p>Federal disaster aid for the valley is on its way. "
        "No family will be left behind.</p>Posted by <a href=\\\"https://www.facebook.com/SenatorJaneRoe/\\\">"
        "Jane Roe</a> on&nbsp;<a href=\\\"https://www.facebook.com/SenatorJaneRoe/posts/10154009990506729\\\">"
        "Thursday, March 2, 2017</a></blockquote></div>"
        PAGE_TAIL, "fb1");
    ne_test_enrich(CONFIG_JSON, rec, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && strstr(ev, "\"kind\":\"post\",\"text\":\"Federal disaster aid for the valley is on "
                           "its way. No family will be left behind.\""));
    CHECK(ev && strstr(ev, "\"speaker\":{\"entity_id\":\"jane-roe\""));
    CHECK(ev && !strstr(ev, "Posted by"));
    CHECK(ne_test_count_on(&ob, NE_TOPIC_ALERTS) >= 1);
    ne_outbox_free(&ob);
}

/* A French article on a site whose template labels every page "en": the
 * label is a hint, the text is detected, and French wins — so the English
 * NER finds no PERSON in it (the capitalised French words would give some). */
#define FRENCH_PAGE(lang_field) "{\"id\": \"fr1\"" lang_field ", \"html\": \"<!doctype html>" \
    "<html lang=\\\"en\\\" class=\\\"no-js\\\"><head><meta charset=\\\"utf-8\\\">" \
    "<title>La mairie ferme le pont Wilson pour travaux | Le Courrier de Tours</title></head>" \
    "<body><header><nav><a href=\\\"/\\\">Accueil</a></nav></header><article>" \
    "<h1>La mairie ferme le pont Wilson pour travaux</h1>" \
    "<p>La Ville de Tours a annonc\\u00e9 mardi la fermeture du pont Wilson \\u00e0 la circulation " \
    "automobile pendant six mois, le temps de r\\u00e9parer les piles endommag\\u00e9es par les crues " \
    "de l'hiver dernier.</p>" \
    "<p>\\u00ab Nous n'avons pas le choix, la s\\u00e9curit\\u00e9 des usagers passe avant tout \\u00bb, " \
    "a d\\u00e9clar\\u00e9 l'adjoint au maire charg\\u00e9 des mobilit\\u00e9s lors d'une conf\\u00e9rence " \
    "de presse.</p>" \
    "<p>Les commer\\u00e7ants du quartier craignent une baisse de leur chiffre d'affaires et " \
    "demandent des navettes gratuites entre les deux rives de la Loire pendant toute la dur\\u00e9e " \
    "du chantier.</p></article><footer>Tous droits r\\u00e9serv\\u00e9s</footer></body></html>\"}"

TEST(html_chain_html_lang_is_a_hint_the_detected_language_overrules)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, FRENCH_PAGE(""), &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && strstr(ev, "\"language\":\"fr\",\"language_confidence\":0."));
    CHECK(ev && !strstr(ev, "\"type\":\"PERSON\""));
    ne_outbox_free(&ob);
}

/* The record's own `language` is an input's: it still overrides. */
TEST(html_chain_record_language_still_overrides)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, FRENCH_PAGE(", \"language\": \"en-GB\""), &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && strstr(ev, "\"language\":\"en-GB\",\"language_confidence\":null"));
    ne_outbox_free(&ob);
}

/* An English page labelled "en" keeps its label (published as given). */
TEST(html_chain_html_lang_stands_when_the_text_agrees)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    char rec[4096];
    snprintf(rec, sizeof rec, PAGE_HEAD PAGE_TAIL, "en1");
    ne_test_enrich(CONFIG_JSON, rec, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(ev && strstr(ev, "\"language\":\"en\",\"language_confidence\":null"));
    CHECK(ev && strstr(ev, "\"type\":\"PERSON\""));
    ne_outbox_free(&ob);
}
