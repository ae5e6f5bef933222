/* Tests of the language stage (enrichers/lang/) and of its gate on the
 * English models: detection on real sentences in eight languages and on
 * PolNeAR dev articles, an input `language` overriding detection, German
 * text without NER guesses but with its watched person, a Cyrillic
 * watchlist alias that matches, names the speaker and raises an alert.
 * The pipeline tests need models/ (run from the repository root); the
 * PolNeAR test skips without ../shared/data. */
#include "tests/unit/fixtures.h"
#include "tests/unit/test.h"

#include "config/config.h"
#include "enrichers/lang/lang.h"
#include "enrichers/pipeline/pipeline.h"

#include <stdlib.h>

#include <yajl/yajl_tree.h>

/* ---- helpers ------------------------------------------------------------ */

/* A watchlist naming Putin in Latin, German and Cyrillic spellings, and a
 * subscription for him as speaker or subject. */
static const char CONFIG_JSON[] =
    "{\"watchlist\": {\"people\": [{\"id\": \"vladimir-putin\", \"name\": \"Vladimir Putin\","
    " \"aliases\": [\"Putin\", \"Wladimir Putin\", \"Владимир Путин\", \"Путин\"]}]},"
    " \"webhooks\": {\"subscriptions\": [{\"id\": \"putin\", \"url\": \"https://hooks.example/p\","
    " \"secret\": \"whsec_dGVzdA==\", \"people\": [\"vladimir-putin\"]}]}}";

/* A German report (written for this test, in the style of a news agency):
 * capitalised nouns the English tagger takes for names ("Zusage",
 * "Interne Dokumente", "Lücke") and the watched person in German spelling. */
#define GERMAN_BODY                                                                               \
    "Die Bundesregierung hält trotz der Haushaltskrise an ihrer Zusage für die Ukraine fest. "    \
    "Interne Dokumente aus dem Finanzministerium zeigen jedoch, dass die Beamten schon im "       \
    "Frühjahr mit einer Lücke von zehn Milliarden Euro gerechnet hatten.\\n\\n"                   \
    "„Wir werden die Zusage einhalten“, sagte Regierungssprecher Steffen Hebestreit am Mittwoch " \
    "in Berlin. Kremlchef Wladimir Putin hatte zuvor vor weiteren Waffenlieferungen gewarnt.\\n\\n" \
    "Die Opposition kritisierte das Vorgehen scharf. Unionsfraktionschef Friedrich Merz sprach "  \
    "von einem „Offenbarungseid“ der Ampel-Koalition."

static const char GERMAN_RECORD[] =
    "{\"title\": \"Regierung hält an Zusage fest\", \"body\": \"" GERMAN_BODY "\"}";
static const char GERMAN_RECORD_SAID_EN[] =
    "{\"language\": \"en\", \"title\": \"Regierung hält an Zusage fest\", \"body\": \"" GERMAN_BODY "\"}";

static const char RUSSIAN_RECORD[] =
    "{\"title\": \"Путин провёл переговоры\", \"body\": \"Президент России Владимир Путин провёл в "
    "среду переговоры с главой правительства Китая. Стороны обсудили торговлю и поставки "
    "энергоносителей.\\n\\n«Мы не допустим повторения подобных событий», — заявил Путин на "
    "пресс-конференции в Москве.\"}";

/* ---- detection ---------------------------------------------------------- */

/* Sentences of news in eight languages (written for these tests, not used
 * to tune anything: the detector is CLD2 as Debian ships it). */
static const struct { const char *lang, *text; } SAMPLES[] = {
    {"en", "The Senate voted on Tuesday to extend the program for another year, officials said, "
           "after weeks of talks between the two parties."},
    {"de", "Nach dem Unwetter sind in Bayern mehrere Straßen gesperrt. Die Polizei bittet "
           "Autofahrer, die betroffenen Gebiete weiträumig zu umfahren."},
    {"fr", "Les pompiers sont intervenus toute la nuit pour maîtriser l'incendie qui a ravagé "
           "plusieurs hectares de forêt dans le sud du pays."},
    {"es", "La policía detuvo a tres personas en relación con el robo de obras de arte en un "
           "museo de Sevilla, informaron fuentes de la investigación."},
    {"ru", "В Санкт-Петербурге из-за сильного ветра отменены десятки рейсов, сообщила "
           "пресс-служба аэропорта Пулково."},
    {"it", "Le forti piogge hanno provocato frane e allagamenti in diverse regioni del nord, dove "
           "la protezione civile ha diramato l'allerta rossa."},
    {"pt", "As fortes chuvas causaram deslizamentos de terra em várias cidades do litoral, e a "
           "Defesa Civil pediu que os moradores deixassem as áreas de risco."},
    {"nl", "Door de storm zijn op Schiphol tientallen vluchten geannuleerd, meldt de luchthaven "
           "op haar website."},
};

TEST(lang_detects_news_sentences_in_eight_languages_reliably)
{
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        ne_lang_guess g;
        ne_lang_detect(SAMPLES[i].text, strlen(SAMPLES[i].text), &g);
        CHECK_STR(g.code, SAMPLES[i].lang);
        CHECK(g.confidence >= NE_LANG_GATE && g.confidence <= 1.0);
    }
}

/* Undetermined text keeps the English models (lang.h): the stage's gate
 * is tested below; here, that such text is not forced into a language. */
TEST(lang_leaves_text_without_language_undetermined)
{
    static const char *const junk[] = {
        "============================================================",
        "2024-03-01 12:00 UTC +0.5% 1,234 (-3.2)",
        "Kristen Quinn, Sarah Mulholland, Samuel Pak, Daniel Kang",   /* names only */
        "",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        ne_lang_guess g;
        ne_lang_detect(junk[i], strlen(junk[i]), &g);
        CHECK_STR(g.code, "");
        CHECK(g.confidence == 0);
    }
}

TEST(lang_reads_english_tags_in_any_case_and_form)
{
    CHECK(ne_lang_is_english("en"));
    CHECK(ne_lang_is_english("en-US"));
    CHECK(ne_lang_is_english("EN_gb"));
    CHECK(ne_lang_is_english("eng"));
    CHECK(!ne_lang_is_english("de"));
    CHECK(!ne_lang_is_english("ena"));
    CHECK(!ne_lang_is_english("e"));
    CHECK(!ne_lang_is_english(NULL));
}

/* The first 40 PolNeAR dev articles (US political news) are English, with
 * high confidence, from the stage's 1 KB prefix. */
TEST(lang_finds_polnear_dev_articles_english)
{
    const char *path = test_data_path("polnear/dev.jsonl");
    if (!path) SKIP("../shared/data/polnear/dev.jsonl absent");
    FILE *f = fopen(path, "r");
    CHECK(f);
    char *line = NULL;
    size_t cap = 0, n = 0;
    int bad = 0;
    while (n < 40 && getline(&line, &cap, f) > 0) {
        yajl_val o = yajl_tree_parse(line, NULL, 0);
        const char *text_path[] = {"text", NULL};
        yajl_val t = o ? yajl_tree_get(o, text_path, yajl_t_string) : NULL;
        if (t) {
            ne_doc doc = {0};
            doc.body = YAJL_GET_STRING(t);
            doc.body_len = strlen(doc.body);
            ne_lang_process(ne_lang_create(NULL, NULL, 0), &doc);
            if (!doc.language || strcmp(doc.language, "en") != 0 || doc.language_confidence < 0.9 ||
                doc.non_english)
                bad++;
            free(doc.language);
            n++;
        }
        yajl_tree_free(o);
    }
    free(line);
    fclose(f);
    CHECK_INT(n, 40);
    CHECK_INT(bad, 0);
}

/* ---- the gate on the English models, through the pipeline ---------------- */

TEST(lang_german_article_gets_no_tagger_guesses_but_its_watched_person)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, GERMAN_RECORD, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"language\":\"de\",\"language_confidence\":0.9"));
    CHECK(strstr(ev, "\"id\":\"vladimir-putin\",\"name\":\"Wladimir Putin\",\"type\":\"PERSON\",\"watched\":true"));
    CHECK(!strstr(ev, "\"name\":\"Zusage\""));
    CHECK(!strstr(ev, "\"name\":\"Interne Dokumente\""));
    CHECK(!strstr(ev, "\"name\":\"Lücke\""));
    /* the quote span is still found, without an English guess at its speaker */
    CHECK(strstr(ev, "\"text\":\"Wir werden die Zusage einhalten\""));
    CHECK(strstr(ev, "\"speaker\":null"));
    CHECK(strstr(ev, "\"stages\":[\"text\",\"lang\",\"dedup\",\"entities\",\"quotes\",\"dedup.claims\"]"));
    ne_outbox_free(&ob);
}

/* The same German text said to be English: the input's language wins, the
 * English models run (and guess, which is why the gate exists). */
TEST(lang_input_language_overrides_detection)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, GERMAN_RECORD_SAID_EN, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"language\":\"en\",\"language_confidence\":null"));
    CHECK(strstr(ev, "\"entities.ner\",\"entities.coref\""));
    CHECK(strstr(ev, "\"quotes.speakers\""));
    CHECK(strstr(ev, "\"name\":\"Interne Dokumente\",\"type\":\"PERSON\""));
    ne_outbox_free(&ob);
}

TEST(lang_russian_article_matches_cyrillic_alias_and_alerts_on_its_speaker)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, RUSSIAN_RECORD, &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"language\":\"ru\""));
    CHECK(strstr(ev, "\"id\":\"vladimir-putin\",\"name\":\"Владимир Путин\",\"type\":\"PERSON\",\"watched\":true,\"count\":3"));
    /* «…», — заявил Путин: the one person named beside the quote speaks it */
    CHECK(strstr(ev, "\"speaker\":{\"entity_id\":\"vladimir-putin\""));
    CHECK_INT(ne_test_count_on(&ob, NE_TOPIC_CLAIMS), 1);
    CHECK_INT(ne_test_count_on(&ob, NE_TOPIC_ALERTS), 1);
    const char *alert = ne_test_event_on(&ob, NE_TOPIC_ALERTS);
    CHECK(strstr(alert, "\"role\":\"speaker\""));
    ne_outbox_free(&ob);
}

TEST(lang_english_article_runs_every_model_and_says_so)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, "{\"body\": \"Russian President Vladimir Putin said on Friday that talks with the "
           "United States would continue. \\\"We are ready,\\\" Putin told reporters in Moscow.\"}",
           &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"language\":\"en\",\"language_confidence\":"));
    CHECK(strstr(ev, "\"stages\":[\"text\",\"lang\",\"dedup\",\"entities\",\"entities.ner\","
                     "\"entities.coref\",\"quotes\",\"quotes.speakers\",\"dedup.claims\"]"));
    CHECK(strstr(ev, "\"name\":\"United States\""));
    ne_outbox_free(&ob);
}

/* Text the detector cannot place keeps the English models: this service
 * is fed English, and a wrong "off" would lose every name. */
TEST(lang_undetermined_article_keeps_the_english_models)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    ne_outbox ob = {0};
    ne_test_enrich(CONFIG_JSON, "{\"body\": \"Kristen Quinn, Sarah Mulholland, Samuel Pak, Daniel Kang\"}", &ob);
    const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
    CHECK(ev);
    CHECK(strstr(ev, "\"language\":null,\"language_confidence\":null"));
    CHECK(strstr(ev, "\"entities.ner\""));
    CHECK(strstr(ev, "\"name\":\"Kristen Quinn\",\"type\":\"PERSON\""));
    ne_outbox_free(&ob);
}

/* ---- quote spans in other languages -------------------------------------- */

/* The quotes of an enriched event, as "text|speaker-id;" (speaker "-" when
 * null), in order: enough to compare what was found. */
static void quotes_of(const char *ev, char *out, size_t cap)
{
    yajl_val o = yajl_tree_parse(ev, NULL, 0);
    const char *qp[] = {"quotes", NULL}, *tp[] = {"text", NULL}, *sp[] = {"speaker", "entity_id", NULL};
    yajl_val qs = o ? yajl_tree_get(o, qp, yajl_t_array) : NULL;
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; qs && i < YAJL_GET_ARRAY(qs)->len; i++) {
        yajl_val q = YAJL_GET_ARRAY(qs)->values[i];
        yajl_val t = yajl_tree_get(q, tp, yajl_t_string), s = yajl_tree_get(q, sp, yajl_t_string);
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s|%s;", t ? YAJL_GET_STRING(t) : "?",
                              s ? YAJL_GET_STRING(s) : "-");
    }
    yajl_tree_free(o);
}

TEST(lang_quote_spans_in_german_japanese_and_chinese_marks)
{
    if (!ne_test_have_models()) SKIP("models/ner.model absent (run from the repository root)");
    static const struct { const char *record, *want; } cases[] = {
        /* „…“ with ‚…‘ nested, a quote mid-sentence, the one person named speaks */
        {"{\"body\": \"„Das ist ein ‚historischer‘ Tag“, sagte Wladimir Putin am Abend in Moskau vor "
         "Journalisten. Er betonte, man sei „zu Gesprächen bereit, aber nicht um jeden Preis“.\"}",
         "Das ist ein ‚historischer‘ Tag|vladimir-putin;zu Gesprächen bereit, aber nicht um jeden Preis|-;"},
        /* ‚…‘ alone: ‘ closes after text */
        {"{\"body\": \"Der Minister sagte: ‚Wir bleiben bei unserer Linie.‘ Die Opposition widersprach "
         "sofort und kündigte Widerstand an.\"}",
         "Wir bleiben bei unserer Linie.|-;"},
        {"{\"body\": \"首相は記者会見で「経済対策を最優先に進める」と述べた。野党はこれに反発している。\"}",
         "経済対策を最優先に進める|-;"},
        {"{\"body\": \"普京在莫斯科对记者说：“我们愿意进行对话，但不是不惜任何代价。”他还表示，俄罗斯将继续推进合作。\"}",
         "我们愿意进行对话，但不是不惜任何代价。|-;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ne_outbox ob = {0};
        ne_test_enrich(CONFIG_JSON, cases[i].record, &ob);
        const char *ev = ne_test_event_on(&ob, NE_TOPIC_ENRICHED);
        CHECK(ev);
        CHECK(!strstr(ev, "\"quotes.speakers\""));
        char got[1024];
        quotes_of(ev, got, sizeof got);
        CHECK_STR(got, cases[i].want);
        ne_outbox_free(&ob);
    }
}
