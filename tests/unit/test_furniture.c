/* Page furniture and embedded posts through the whole chain (issue 20):
 * a Reuters-style story whose byline, caption and credit block give no
 * PERSON entity and no quote (the byline's names become `authors`), site
 * names in titles that give no entity, and embedded tweets — in plain
 * text and in a web page — read as quotes of kind `post` spoken by their
 * account's person, whose watched status raises the alert. The texts are
 * written for these tests in the house styles of Reuters, AP, The Hill
 * and Twitter's embed code. Needs models/ (run from the repository root). */
#include "tests/unit/fixtures.h"
#include "tests/unit/test.h"

#include "config/config.h"
#include "enrichers/pipeline/pipeline.h"

#include <stdlib.h>

static const char CONFIG_JSON[] =
    "{\"watchlist\": {\"people\": [{\"id\": \"donald-trump\", \"name\": \"Donald Trump\","
    " \"aliases\": [\"Trump\", \"Donald J. Trump\"]}]},"
    " \"webhooks\": {\"subscriptions\": [{\"id\": \"trump\", \"url\": \"https://hooks.example/t\","
    " \"secret\": \"whsec_dGVzdA==\", \"people\": [\"donald-trump\"]}]}}";

static const char REUTERS_RECORD[] =
    "{\"id\": \"r1\", \"title\": \"Senate confirms Pompeo as secretary of state - Reuters\","
    " \"body\": \"By Jonathan Landay and Mark Hosenball, Reuters\\n\\n"
    "WASHINGTON (Reuters) - The U.S. Senate on Tuesday confirmed Mike Pompeo as secretary of "
    "state, a key victory for President Donald Trump.\\n\\n"
    "\\\"This is a great day for America,\\\" Senate Majority Leader Mitch McConnell told reporters.\\n\\n"
    "FILE PHOTO: CIA Director Mike Pompeo testifies before the Senate Intelligence Committee on "
    "Capitol Hill in Washington, U.S., February 13, 2018. REUTERS/Leah Millis/File Photo\\n\\n"
    "Democrats said Pompeo was too hawkish for the job.\\n\\n"
    "Related Coverage\\nPompeo heads to NATO talks\\nSenate panel backs Pompeo\\n\\n"
    "(Reporting by Patricia Zengerle and Richard Cowan; Additional reporting by Doina Chiacu; "
    "Writing by Susan Heavey; Editing by Bill Trott and Jonathan Oatis)\"}";

TEST(furniture_reuters_credit_block_gives_no_person_and_no_quote)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, REUTERS_RECORD, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    static const char *const credited[] = {
        "Jonathan Landay", "Mark Hosenball", "Patricia Zengerle", "Richard Cowan", "Doina Chiacu",
        "Susan Heavey", "Bill Trott", "Jonathan Oatis", "Leah Millis", "NATO",
        "Senate Intelligence Committee",
    };
    for (size_t i = 0; i < sizeof credited / sizeof credited[0]; i++) {
        char key[96];
        snprintf(key, sizeof key, "\"name\":\"%s\"", credited[i]);
        if (strstr(ev, key)) CHECK(!credited[i]);
    }
    /* the byline's people are the authors; the story's people stay */
    CHECK(strstr(ev, "\"authors\":[\"Jonathan Landay\",\"Mark Hosenball\"]"));
    CHECK(strstr(ev, "\"name\":\"Mitch McConnell\",\"type\":\"PERSON\""));
    CHECK(strstr(ev, "\"name\":\"Donald Trump\",\"type\":\"PERSON\""));
    /* the caption's "testifies before …" is no quote; the body is published whole */
    CHECK(!strstr(ev, "\"text\":\"before the Senate"));
    CHECK(strstr(ev, "\"text\":\"This is a great day for America\""));
    CHECK(strstr(ev, "Editing by Bill Trott"));
    ne_outbox_free(&ob);
}

TEST(furniture_site_names_in_titles_are_no_entities)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    static const char *const records[] = {
        "{\"title\": \"Pelosi says House will vote on the bill next week - TheHill\", \"body\": "
        "\"House Speaker Nancy Pelosi said on Thursday that the House would vote on the bill next "
        "week.\\n\\nRepublicans said they would oppose it.\"}",
        "{\"title\": \"Newsom signs housing bill into law - SFGate\", \"body\": \"Governor Gavin "
        "Newsom signed the housing bill on Friday.\\n\\nCritics said it went too far.\"}",
        "{\"title\": \"Biden meets Xi in Bali | CNN Politics\", \"body\": \"Biden meets Xi in Bali\\n\\n"
        "President Joe Biden met Chinese leader Xi Jinping in Bali on Monday.\"}",
    };
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        ne_outbox ob = {0};
        ne_test_enrich(CONFIG_JSON, records[i], &ob);
        const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
        CHECK(ev);
        CHECK(!strstr(ev, "\"name\":\"TheHill\""));
        CHECK(!strstr(ev, "\"name\":\"SFGate\""));
        CHECK(!strstr(ev, "\"name\":\"CNN Politics\""));
        CHECK(!strstr(ev, "\"name\":\"CNN\""));
        /* the repeated headline is not counted twice: Bali once in the title, once in the body */
        if (i == 2) CHECK(strstr(ev, "\"name\":\"Bali\",\"type\":\"LOC\",\"watched\":false,\"count\":2"));
        ne_outbox_free(&ob);
    }
}

TEST(furniture_plain_text_tweet_is_a_post_quote_of_its_account)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, "{\"id\": \"t1\", \"title\": \"Trump attacks the press\", \"body\": "
           "\"President Donald Trump lashed out at the press on Saturday.\\n\\n"
           "The FAKE NEWS media is not my enemy, it is the enemy of the American People! "
           "pic.twitter.com/abc123\\n"
           "\\u2014 Donald J. Trump (@realDonaldTrump) February 17, 2017\\n\\n"
           "Critics said the remarks were dangerous.\"}", &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"kind\":\"post\",\"text\":\"The FAKE NEWS media is not my enemy, it is the "
                     "enemy of the American People!\""));
    CHECK(strstr(ev, "\"speaker\":{\"entity_id\":\"donald-trump\",\"name\":\"Donald Trump\","
                     "\"text\":\"Donald J. Trump\""));
    /* the post's words and account line give no entity of their own */
    CHECK(!strstr(ev, "\"name\":\"American People"));
    CHECK(!strstr(ev, "realDonaldTrump\",\"type\""));
    /* a watched person's post is a claim and an alert */
    CHECK_INT(ne_test_count_on(&ob, NE_TOPIC_ALERTS), 1);
    CHECK(strstr(ne_test_event_on(&ob, NE_TOPIC_ALERTS), "\"kind\":\"post\""));
    ne_outbox_free(&ob);
}

TEST(furniture_web_page_tweet_is_a_post_quote)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, "{\"id\": \"h1\", \"html\": \"<!doctype html><html lang=\\\"en\\\"><head>"
           "<title>Trump attacks the press | CNN Politics</title></head><body><article>"
           "<h1>Trump attacks the press</h1><div class=\\\"byline\\\">By Jane Doe, CNN</div>"
           "<p>President Donald Trump lashed out at the press on Saturday, calling major news "
           "organizations the enemy of the people in a post on Twitter.</p>"
           "<blockquote class=\\\"twitter-tweet\\\" data-lang=\\\"en\\\"><p lang=\\\"en\\\" dir=\\\"ltr\\\">"
           "The FAKE NEWS media (failing <a href=\\\"https://twitter.com/nytimes\\\">@nytimes</a>) is "
           "not my enemy, it is the enemy of the American People! <a href=\\\"https://t.co/x\\\">"
           "pic.twitter.com/abc</a></p>&mdash; Donald J. Trump (@realDonaldTrump) "
           "<a href=\\\"https://twitter.com/realDonaldTrump/status/1\\\">February 17, 2017</a></blockquote>"
           "<script async src=\\\"https://platform.twitter.com/widgets.js\\\"></script>"
           "<p>Critics said the remarks were dangerous and could put reporters at risk, and several "
           "editors wrote to the White House to complain.</p></article></body></html>\"}", &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"format\":\"html\""));
    CHECK(strstr(ev, "\"kind\":\"post\",\"text\":\"The FAKE NEWS media (failing @nytimes) is not my "
                     "enemy, it is the enemy of the American People!\""));
    CHECK(strstr(ev, "\"speaker\":{\"entity_id\":\"donald-trump\""));
    CHECK_INT(ne_test_count_on(&ob, NE_TOPIC_ALERTS), 1);
    ne_outbox_free(&ob);
}

/* A post whose author the story never names in its running text: the
 * account line alone makes the author an entity, so a watched author's
 * post raises the alert (before: a speaker without an entity, no alert),
 * and an agency's account is an organisation, not a person. */
TEST(furniture_post_author_named_only_in_the_account_line_is_an_entity)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    static const char config[] =
        "{\"watchlist\": {\"people\": [{\"id\": \"colin-wyers\", \"name\": \"Colin Wyers\"}]},"
        " \"webhooks\": {\"subscriptions\": [{\"id\": \"cw\", \"url\": \"https://hooks.example/c\","
        " \"secret\": \"whsec_dGVzdA==\", \"people\": [\"colin-wyers\"]}]}}";
    ne_outbox ob = {0};
    ne_test_enrich(config, "{\"id\": \"p1\", \"body\": "
           "\"Baseball analysts were quick to weigh in on the trade on Tuesday night.\\n\\n"
           "This is the worst contract of the winter, and it is not close.\\n"
           "\\u2014 Colin Wyers (@cwyers) December 4, 2013\\n\\n"
           "The launch has been moved to Thursday because of high winds.\\n"
           "\\u2014 NASA (@NASA) December 4, 2013\\n\\n"
           "The team did not respond to a request for comment.\"}", &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "{\"id\":\"colin-wyers\",\"name\":\"Colin Wyers\",\"type\":\"PERSON\",\"watched\":true"));
    CHECK(strstr(ev, "\"speaker\":{\"entity_id\":\"colin-wyers\",\"name\":\"Colin Wyers\""));
    CHECK(strstr(ev, "\"name\":\"NASA\",\"type\":\"ORG\""));
    CHECK_INT(ne_test_count_on(&ob, NE_TOPIC_ALERTS), 1);
    ne_outbox_free(&ob);
}

/* Archives (PolNeAR's among them) wrap a pasted tweet in a tag of their
 * own: the tag is not the post's words. */
TEST(furniture_archived_tweet_markup_is_not_the_post_text)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, "{\"id\": \"t2\", \"body\": \"Mike Tyson will not speak at the convention.\\n\\n"
           "<tweet id=\\\"7479869\\\" author=\\\"@realDonaldTrump\\\" datetime=\\\"2016-06-29\\\">Iron Mike "
           "Tyson was not asked to speak at the Convention. The media makes everything up! "
           "\\u2014 Donald J. Trump (@realDonaldTrump) June 29, 2016</tweet>.\\n\\n"
           "Tyson did not comment.\"}", &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"kind\":\"post\",\"text\":\"Iron Mike Tyson was not asked to speak at the "
                     "Convention. The media makes everything up!\""));
    CHECK(strstr(ev, "\"speaker\":{\"entity_id\":null,\"name\":null,\"text\":\"Donald J. Trump\"") ||
          strstr(ev, "\"speaker\":{\"entity_id\":\"donald-trump\""));
    ne_outbox_free(&ob);
}
