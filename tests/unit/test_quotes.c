/* Unit tests of the quotes stage (enrichers/quotes/) on real news
 * sentences. The documents are built by hand: the text layer from the
 * tokenizer, the entities given by each test (name, type, gender and the
 * surface forms whose every occurrence is a mention), so that these tests
 * pin down the quote rules independently of the entity tagger. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "enrichers/entities/entities.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/quotes/quotes.h"
#include "enrichers/text/text.h"
#include "tests/unit/fixtures.h"
#include "tests/unit/test.h"

typedef struct ent_spec {
    const char *name;
    enum ne_ent_type type;
    enum ne_gender gender;
    const char *forms[4];
} ent_spec;

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int mention_cmp(const void *a, const void *b)
{
    const ne_mention *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Builds doc from text and the entities, then runs the extractor.
 * Returns 0, or -1 when something could not be built. */
static int extract(ne_doc *doc, const char *text, const ent_spec *ents, size_t nents)
{
    memset(doc, 0, sizeof *doc);
    doc->id = strdup("art1");
    doc->body = strdup(text);
    doc->body_len = strlen(text);
    if (ne_text_analyze(&doc->body_text, doc->body, doc->body_len)) return -1;
    doc->entities = calloc(nents + 1, sizeof *doc->entities);
    for (size_t e = 0; e < nents; e++) {
        ne_entity *en = &doc->entities[doc->nentities++];
        en->name = strdup(ents[e].name);
        en->id = strdup(ents[e].name);
        for (char *p = en->id; *p; p++) if (*p == ' ') *p = '-';
        en->type = ents[e].type;
        en->gender = ents[e].gender;
        en->mentions = calloc(64, sizeof *en->mentions);
        for (int f = 0; f < 4 && ents[e].forms[f]; f++) {
            const char *form = ents[e].forms[f];
            size_t fl = strlen(form);
            for (const char *p = strstr(doc->body, form); p && en->nmentions < 64; p = strstr(p + 1, form)) {
                if ((p > doc->body && word_char(p[-1])) || word_char(p[fl])) continue;
                uint32_t s = (uint32_t)(p - doc->body);
                int dup = 0;   /* a longer form already covers it */
                for (size_t m = 0; m < en->nmentions; m++)
                    dup |= s >= en->mentions[m].start && s < en->mentions[m].end;
                if (dup) continue;
                en->mentions[en->nmentions].start = s;
                en->mentions[en->nmentions].end = s + (uint32_t)fl;
                en->nmentions++;
            }
        }
        qsort(en->mentions, en->nmentions, sizeof *en->mentions, mention_cmp);
    }
    ne_quotes_ws *ws = ne_quotes_ws_new();
    int rc = ws ? ne_quotes_extract(ws, doc) : -1;
    ne_quotes_ws_free(ws);
    return rc;
}

/* The first quote whose text contains `sub`, or NULL. */
static const ne_quote *find(const ne_doc *doc, const char *sub)
{
    for (size_t i = 0; i < doc->nquotes; i++)
        if (strstr(doc->quotes[i].text, sub)) return &doc->quotes[i];
    return NULL;
}

/* The speaker as a string: the entity's name, "described:<words>" or "null". */
static const char *speaker(const ne_doc *doc, const ne_quote *q)
{
    static char buf[256];
    if (!q->has_speaker) return "null";
    if (q->speaker_entity >= 0) return doc->entities[q->speaker_entity].name;
    snprintf(buf, sizeof buf, "described:%s", q->speaker_text ? q->speaker_text : "");
    return buf;
}

static int about_has(const ne_doc *doc, const ne_quote *q, const char *name)
{
    for (size_t i = 0; i < q->nabout; i++)
        if (strcmp(doc->entities[q->about[i]].name, name) == 0) return 1;
    return 0;
}

#define PER(n, g, ...) {n, NE_ENT_PER, g, {__VA_ARGS__}}
#define ORG(n, ...) {n, NE_ENT_ORG, NE_GENDER_UNKNOWN, {__VA_ARGS__}}
#define LOC(n, ...) {n, NE_ENT_LOC, NE_GENDER_UNKNOWN, {__VA_ARGS__}}
#define MISC(n, ...) {n, NE_ENT_MISC, NE_GENDER_UNKNOWN, {__VA_ARGS__}}
#define NENTS(a) (sizeof (a) / sizeof (a)[0])

static const ent_spec trump_putin[] = {
    PER("Donald Trump", NE_GENDER_MALE, "US President Donald Trump", "Donald Trump", "Mr Trump", "Trump"),
    PER("Vladimir Putin", NE_GENDER_MALE, "President Vladimir Putin", "Vladimir Putin", "Mr Putin", "Putin"),
};

/* ---- frames ------------------------------------------------------------ */

TEST(quote_trailing_subject_verb)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CHe said he didn\xE2\x80\x99t meddle. He said he didn\xE2\x80\x99t meddle,\xE2\x80\x9D "
                            "Trump told reporters aboard Air Force One.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_INT(q->kind, NE_QUOTE_DIRECT);
    CHECK_STR(q->text, "He said he didn\xE2\x80\x99t meddle. He said he didn\xE2\x80\x99t meddle");
    CHECK_SPAN(doc.body + q->start, q->end - q->start, q->text);
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    CHECK_STR(q->speaker_text, "Trump");
    CHECK_STR(q->cue, "told");
    CHECK_INT(q->is_new, 1);
    CHECK_STR(q->id, "art1-q0");
    ne_doc_reset(&doc);
}

TEST(quote_trailing_inverted)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9C""Everything about the so-called Russian dossier in the US is a manifestation of "
                            "continuing domestic political struggle,\xE2\x80\x9D said Mr Putin.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Vladimir Putin");
    CHECK_STR(doc.quotes[0].speaker_text, "Mr Putin");
    CHECK_STR(doc.quotes[0].cue, "said");
    ne_doc_reset(&doc);
}

TEST(quote_leading_colon)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Denying that Russia had tried to interfere last year, Putin told reporters in Vietnam: "
                            "\xE2\x80\x9C""Everything about the so-called Russian dossier in the US is a manifestation "
                            "of a continuing domestic political struggle.\xE2\x80\x9D",
                      trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *q = find(&doc, "so-called Russian dossier");
    CHECK(q != NULL);
    CHECK_INT(q->kind, NE_QUOTE_DIRECT);
    CHECK_STR(speaker(&doc, q), "Vladimir Putin");
    CHECK_STR(q->cue, "told");
    ne_doc_reset(&doc);
}

TEST(quote_leading_straight_marks_no_colon)
{
    static const ent_spec e[] = {PER("Ted Cruz", NE_GENDER_MALE, "Ted Cruz", "Cruz")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Cruz said \"we will win this race in November.\"", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_DIRECT);
    CHECK_STR(doc.quotes[0].text, "we will win this race in November.");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Ted Cruz");
    ne_doc_reset(&doc);
}

TEST(quote_apposition_after_name)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CWe are ready to turn the page,\xE2\x80\x9D Putin, the Russian leader, "
                            "told reporters on Friday.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Vladimir Putin");
    CHECK_STR(doc.quotes[0].cue, "told");
    ne_doc_reset(&doc);
}

TEST(quote_said_name_role_after)
{
    static const ent_spec e[] = {PER("Dmitry Peskov", NE_GENDER_MALE, "Dmitry Peskov", "Peskov"),
                                 ORG("Kremlin", "Kremlin")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CThe talks were useful and we will continue them,\xE2\x80\x9D said Dmitry Peskov, "
                            "a spokesman for the Kremlin.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Dmitry Peskov");
    ne_doc_reset(&doc);
}

TEST(quote_colon_tag_and_dash_tag)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump: \xE2\x80\x9CI never asked him about the election.\xE2\x80\x9D\n\n"
                            "\xE2\x80\x9CThe dossier is a manifestation of domestic struggle.\xE2\x80\x9D \xE2\x80\x94 Vladimir Putin",
                      trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *a = find(&doc, "never asked him"), *b = find(&doc, "dossier is a manifestation");
    CHECK(a != NULL && b != NULL);
    CHECK_STR(speaker(&doc, a), "Donald Trump");
    CHECK(a->cue == NULL);
    CHECK_STR(speaker(&doc, b), "Vladimir Putin");
    ne_doc_reset(&doc);
}

TEST(quote_according_to)
{
    static const ent_spec e[] = {PER("Steven Mnuchin", NE_GENDER_MALE, "Steven Mnuchin", "Mnuchin")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CThe economy has never been stronger,\xE2\x80\x9D according to Treasury "
                            "Secretary Steven Mnuchin.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Steven Mnuchin");
    CHECK_STR(doc.quotes[0].cue, "according to");
    ne_doc_reset(&doc);
}

TEST(quote_in_a_statement_and_tweeted)
{
    static const ent_spec e[] = {ORG("Kremlin", "Kremlin"), trump_putin[0]};
    ne_doc doc;
    CHECK_INT(extract(&doc, "In a statement, the Kremlin said: \xE2\x80\x9CThe meeting in Danang was constructive.\xE2\x80\x9D\n"
                            "Trump tweeted: \xE2\x80\x9CThe Russia hoax is finally over!\xE2\x80\x9D", e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "constructive"), *b = find(&doc, "hoax");
    CHECK(a != NULL && b != NULL);
    CHECK_STR(speaker(&doc, a), "Kremlin");
    CHECK_STR(speaker(&doc, b), "Donald Trump");
    CHECK_STR(b->cue, "tweeted");
    ne_doc_reset(&doc);
}

TEST(quote_told_reporters_that_is_indirect)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Mr Trump told reporters on Air Force One that he would meet Mr Putin again next year.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_INT(q->kind, NE_QUOTE_INDIRECT);
    CHECK_STR(q->text, "he would meet Mr Putin again next year");
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    CHECK(about_has(&doc, q, "Vladimir Putin"));
    /* "he" is the speaker himself, not named: never in his own about
     * (issue 18), or his watchers get the same words twice */
    CHECK(!about_has(&doc, q, "Donald Trump"));
    ne_doc_reset(&doc);
}

TEST(quote_indirect_said_denied_rejected)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Putin also said that there is an urgent need for formal meetings with Trump. "
                            "Putin denied any interference in the US presidential election. "
                            "Putin also rejected any Russian connection to the former campaign manager.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 3);
    const ne_quote *a = find(&doc, "urgent need"), *b = find(&doc, "any interference"), *c = find(&doc, "connection");
    CHECK(a && b && c);
    CHECK_INT(a->kind, NE_QUOTE_INDIRECT);
    CHECK_STR(a->text, "there is an urgent need for formal meetings with Trump");
    CHECK_STR(a->cue, "said");
    CHECK_STR(b->cue, "denied");
    CHECK_STR(c->cue, "rejected");
    CHECK_STR(speaker(&doc, c), "Vladimir Putin");
    CHECK(about_has(&doc, a, "Donald Trump"));
    CHECK(!about_has(&doc, a, "Vladimir Putin"));   /* the speaker is not its own subject here */
    ne_doc_reset(&doc);
}

TEST(quote_indirect_trailing_frame)
{
    static const ent_spec e[] = {ORG("Secret Service", "Secret Service")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Secret Service protocol called for the nominee to be taken to a trauma center, sources said.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "Secret Service protocol called for the nominee to be taken to a trauma center");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:sources");
    ne_doc_reset(&doc);
}

TEST(quote_apposition_subject_is_not_an_inverted_frame)
{
    /* ", said the club" closes a clause; ", said the club would …" opens
     * one: the club is the reported clause's subject */
    static const ent_spec e[] = {ORG("Calgary Flames", "Calgary Flames"), PER("Brad Treliving", NE_GENDER_MALE, "Brad Treliving")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The Calgary Flames lost again on Saturday. The team's general manager, Brad Treliving, "
                            "said the club would not make changes.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "the club would not make changes");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Brad Treliving");
    ne_doc_reset(&doc);
}

TEST(quote_told_after_an_apposition_is_not_an_inverted_frame)
{
    /* "X, the Y, told reporters …" read as an inverted frame gave the
     * reporters the words "X, the Y": a verb that takes its listener as
     * object never inverts */
    static const ent_spec e[] = {PER("Sarah Huckabee Sanders", NE_GENDER_FEMALE, "Sarah Huckabee Sanders"),
                                 ORG("White House", "White House")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Sarah Huckabee Sanders, the White House press secretary, told reporters the "
                            "president was not worried.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "the president was not worried");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Sarah Huckabee Sanders");
    ne_doc_reset(&doc);
}

TEST(quote_told_leaves_a_bare_listener_out_of_the_words)
{
    static const ent_spec e[] = {PER("Jamie Dimon", NE_GENDER_MALE, "Jamie Dimon")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Jamie Dimon told analysts the economy was strong.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "the economy was strong");
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Jamie Dimon told state lawmakers that the economy was strong.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "the economy was strong");
    ne_doc_reset(&doc);
}

TEST(quote_person_of_a_place_is_the_subject_not_the_place)
{
    /* "Senator Ted Cruz of Texas said": Texas was the subject the frame
     * found, and the speaker */
    static const ent_spec e[] = {PER("Ted Cruz", NE_GENDER_MALE, "Ted Cruz"), LOC("Texas", "Texas")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Senator Ted Cruz of Texas said on Tuesday that the bill would fail in the Senate.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "the bill would fail in the Senate");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Ted Cruz");
    ne_doc_reset(&doc);
}

TEST(quote_slogan_with_a_name_is_speech_not_a_title)
{
    /* two capitalised words of three read as the title of a work, and the
     * quote was lost; a title leaves only function words in lower case */
    static const ent_spec e[] = {PER("Boris Johnson", NE_GENDER_MALE, "Boris Johnson")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Boris Johnson arrived late. \"Let's get Brexit done,\" he said.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "Let's get Brexit done");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Boris Johnson");
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Boris Johnson said he watched \"Gone with the Wind\" on Sunday.", e, NENTS(e)), 0);
    for (size_t i = 0; i < doc.nquotes; i++) CHECK(strcmp(doc.quotes[i].text, "Gone with the Wind") != 0);
    ne_doc_reset(&doc);
}

TEST(quote_sentence_ending_in_an_abbreviation_ends_the_clause)
{
    /* "a.m." carries the sentence's period: the reported clause ran on
     * into the next sentence's quotation, which lost its own frame */
    static const ent_spec e[] = {PER("Elenore Sturko", NE_GENDER_FEMALE, "Elenore Sturko", "Sturko")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Cpl. Elenore Sturko said officers were called at 2 a.m. \"The victim was taken to "
                            "hospital,\" Sturko said.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 2);
    const ne_quote *q = find(&doc, "officers were called");
    CHECK(q != NULL);
    if (q) CHECK_STR(q->text, "officers were called at 2 a.m.");
    q = find(&doc, "The victim");
    CHECK(q != NULL);
    if (q) {
        CHECK_INT(q->kind, NE_QUOTE_DIRECT);
        CHECK_STR(q->text, "The victim was taken to hospital");
        CHECK_STR(speaker(&doc, q), "Elenore Sturko");
    }
    ne_doc_reset(&doc);
}

TEST(cue_accused_of_and_described_as_report_a_claim)
{
    /* issue 18 names "accused" and "described … as" as missing cues: with
     * quoted words they framed a partial quote, without them nothing */
    static const ent_spec e[] = {PER("Bernie Sanders", NE_GENDER_MALE, "Bernie Sanders"),
                                 PER("Martin O'Malley", NE_GENDER_MALE, "Martin O'Malley"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Donald Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Bernie Sanders accused Republicans of placing the interests of the gun lobby ahead "
                            "of children. Martin O'Malley described Donald Trump as a fascist.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 2);
    const ne_quote *q = find(&doc, "gun lobby");
    CHECK(q != NULL);
    if (q) {
        CHECK_INT(q->kind, NE_QUOTE_INDIRECT);
        CHECK_STR(q->text, "Republicans of placing the interests of the gun lobby ahead of children");
        CHECK_STR(speaker(&doc, q), "Bernie Sanders");
    }
    q = find(&doc, "fascist");
    CHECK(q != NULL);
    if (q) {
        CHECK_STR(q->text, "Donald Trump as a fascist");
        CHECK_STR(speaker(&doc, q), "Martin O'Malley");
    }
    ne_doc_reset(&doc);
    /* naming verbs without a charge name nothing */
    CHECK_INT(extract(&doc, "Bernie Sanders called the police on Monday.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(cue_called_for_and_called_on_report_a_demand)
{
    static const ent_spec e[] = {PER("Hillary Clinton", NE_GENDER_FEMALE, "Hillary Clinton"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Donald Trump"), ORG("Congress", "Congress")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Hillary Clinton is calling for the United States to take a stronger role in Syria. "
                            "Donald Trump called on Congress to pass the bill before Christmas.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 2);
    const ne_quote *q = find(&doc, "stronger role");
    CHECK(q != NULL);
    if (q) {
        CHECK_STR(q->text, "the United States to take a stronger role in Syria");
        CHECK_STR(speaker(&doc, q), "Hillary Clinton");
    }
    q = find(&doc, "pass the bill");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Donald Trump");
    ne_doc_reset(&doc);
}

TEST(cue_vowed_to_reports_a_promise)
{
    /* "is said to be" is hearsay and stays out; "vowed to" states what
     * the speaker will do */
    static const ent_spec e[] = {PER("Donald Trump", NE_GENDER_MALE, "Donald Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Donald Trump vowed to build a wall on the southern border. The wall is said to cost "
                            "billions.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "to build a wall on the southern border");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Donald Trump");
    }
    ne_doc_reset(&doc);
}

TEST(quote_inverted_frame_with_an_apposition_after_the_speaker)
{
    static const ent_spec e[] = {PER("David Autor", NE_GENDER_MALE, "David Autor"), ORG("MIT", "MIT")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Nor are tariffs likely to bring many of these jobs back, said David Autor, a professor "
                            "of economics at MIT.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "Nor are tariffs likely to bring many of these jobs back");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "David Autor");
    }
    ne_doc_reset(&doc);
}

TEST(quote_pronoun_clause_after_said_is_no_inverted_frame)
{
    /* "…, another incumbent, said he hadn't thought …" read as "…, said
     * he." gave the words before the verb to "he" */
    static const ent_spec e[] = {PER("Rob Portman", NE_GENDER_MALE, "Rob Portman"), PER("Ted Cruz", NE_GENDER_MALE, "Cruz")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Sen. Rob Portman (R-Ohio), another vulnerable incumbent, said he hadn't thought about "
                            "enlisting Cruz.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "he hadn't thought about enlisting Cruz");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Rob Portman");
    }
    ne_doc_reset(&doc);
}

TEST(quote_name_in_apposition_before_the_verb_is_the_subject)
{
    static const ent_spec e[] = {PER("Ari Fleischer", NE_GENDER_MALE, "Ari Fleischer"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Trump's")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "One of the authors of that 2013 report, Ari Fleischer, said Trump's nomination will "
                            "at least test their conclusions.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "Trump's nomination will at least test their conclusions");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Ari Fleischer");
    }
    ne_doc_reset(&doc);
}

TEST(quote_apposition_with_commas_inside_names_the_speaker)
{
    /* a title that lists things ("population, refugees, and migration")
     * puts commas inside the apposition: the speaker is the name before
     * it, not the list's last word, and the words are the clause after
     * "said" */
    static const ent_spec e[] = {PER("Anne Richards", NE_GENDER_FEMALE, "Anne Richards")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Anne Richards, assistant secretary for population, refugees, and migration, said the "
                            "program would continue next year.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "the program would continue next year");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Anne Richards");
    }
    ne_doc_reset(&doc);
}

TEST(quote_told_reporters_and_a_clause_after_a_full_stop_is_no_frame)
{
    /* a quotation that ends its sentence is not framed by the next one
     * when "told reporters" reports a clause of its own: the clause is the
     * statement, and the quotation keeps its own frame */
    static const ent_spec e[] = {PER("Kevin Beckett", NE_GENDER_MALE, "Kevin Beckett"),
                                 PER("Kevin Beckett", NE_GENDER_MALE, "Beckett")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Kevin Beckett lives in Ohio. He said \"it is fine.\" Beckett told reporters the police "
                            "were called.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 2);
    if (doc.nquotes == 2) {
        CHECK_STR(doc.quotes[0].text, "it is fine.");
        CHECK_STR(doc.quotes[1].text, "the police were called");
        CHECK_STR(speaker(&doc, &doc.quotes[1]), "Kevin Beckett");
    }
    ne_doc_reset(&doc);
}

TEST(quote_listener_after_told_is_never_the_speaker)
{
    /* "King" is a title word the tagger leaves alone; the man he told is
     * not who spoke */
    static const ent_spec e[] = {PER("John Catsimatidis", NE_GENDER_MALE, "John Catsimatidis")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"The conservative group was insisting on a total repeal,\" King told radio host John "
                            "Catsimatidis.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:King");
    ne_doc_reset(&doc);
}

TEST(quote_place_after_a_noun_is_no_speaker)
{
    /* "One actor from Bangkok": the actor speaks, not the city; the
     * speaker is the description. And a state after a city ("Wilmington,
     * N.C.,") stays inside the participle phrase the reader steps over */
    static const ent_spec e[] = {LOC("Bangkok", "Bangkok"), ORG("PEOPLE", "PEOPLE"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Trump"), LOC("Wilmington", "Wilmington"),
                                 LOC("N.C.", "N.C."), PER("Hillary Clinton", NE_GENDER_FEMALE, "Clinton")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "One actor from Bangkok, who asked to remain anonymous, tells PEOPLE exclusively, \"It "
                            "was a nightmare on set.\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:One actor from Bangkok");
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Trump, speaking at a rally in Wilmington, N.C., warned that Clinton opposes the Second "
                            "Amendment.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "Clinton opposes the Second Amendment");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Donald Trump");
    }
    ne_doc_reset(&doc);
}

TEST(quote_report_is_never_a_persons_role)
{
    /* "the report addresses Bentley's refusal" put "report" before his
     * name, and "the report says" became his statement: a false alert
     * for every finding of the report */
    static const ent_spec e[] = {PER("Robert Bentley", NE_GENDER_MALE, "Bentley's", "Bentley")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Time and again, the report addresses Bentley's refusal to cooperate. \"The governor "
                            "encouraged an atmosphere of intimidation,\" the report says.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:the report");
    ne_doc_reset(&doc);
}

TEST(quote_role_is_the_noun_before_the_name_not_its_modifier)
{
    /* "airline spokesman Tim Smith": "the spokesman" is Smith, "the
     * airline" is not */
    static const ent_spec e[] = {ORG("American Airlines", "American Airlines"),
                                 PER("Tim Smith", NE_GENDER_MALE, "Tim Smith")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "American Airlines grounded the jet, airline spokesman Tim Smith said on Monday.\n\n"
                            "\"There was nothing in our checks to indicate a problem,\" the airline said.\n\n"
                            "\"We will know more next week,\" the spokesman said.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "nothing in our checks"), *b = find(&doc, "know more");
    CHECK(a && b);
    if (a) CHECK(strcmp(speaker(&doc, a), "Tim Smith") != 0);
    if (b) CHECK_STR(speaker(&doc, b), "Tim Smith");
    ne_doc_reset(&doc);
}

TEST(quote_next_sentence_with_a_clause_is_no_frame)
{
    /* '… that "the investigation is ongoing." Police said the suspect
     * fled.': the second sentence reports its own clause; it was read as
     * the quotation's frame, and the quotation went to the police */
    static const ent_spec e[] = {ORG("Putnam County Sheriff", "Putnam County Sheriff's")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The Putnam County Sheriff's office said in August that \"the investigation is "
                            "ongoing.\" Police said the suspect fled.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "investigation is ongoing"), *b = find(&doc, "suspect fled");
    CHECK(a && b);
    if (a) CHECK_STR(speaker(&doc, a), "Putnam County Sheriff");
    if (a && b) CHECK(a != b);
    ne_doc_reset(&doc);
}

TEST(quote_according_to_over_a_framed_quotation_adds_nothing)
{
    /* the words are Manabe's and the direct quote has them; "according
     * to several people" made a second statement of the quotation and
     * its frame together, by "several people" */
    static const ent_spec e[] = {PER("Manabe", NE_GENDER_MALE, "Manabe")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"The Cell chip is as good as the Pentium, if not better,\" Manabe said, according to "
                            "several people who attended the meeting.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "The Cell chip is as good as the Pentium, if not better");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Manabe");
    }
    ne_doc_reset(&doc);
}

TEST(quote_likened_x_to_is_a_claim)
{
    /* "likened the spying to …" was no cue, and the quoted words were
     * lost with it */
    static const ent_spec e[] = {PER("Sabine Leutheusser-Schnarrenberger", NE_GENDER_FEMALE,
                                     "Sabine Leutheusser-Schnarrenberger")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Justice Minister Sabine Leutheusser-Schnarrenberger likened the spying to \"methods "
                            "used by enemies during the Cold War.\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK(strstr(doc.quotes[0].text, "methods used by enemies") != NULL);
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "Sabine Leutheusser-Schnarrenberger");
    }
    ne_doc_reset(&doc);
}

TEST(quote_stray_comma_after_the_subject_keeps_it)
{
    /* "President Martin Schulz, said he was …": a comma that closes no
     * apposition; the statement was lost */
    static const ent_spec e[] = {ORG("European Parliament", "European Parliament"),
                                 PER("Martin Schulz", NE_GENDER_MALE, "Martin Schulz")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "European Parliament President Martin Schulz, said he was \"deeply worried and "
                            "shocked\" by the reports.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Martin Schulz");
    ne_doc_reset(&doc);
}

TEST(quote_possessive_pronoun_is_no_speaker)
{
    /* "… Bentley's wife … and his staff came to find out: “…”": the
     * quotation is the report's; the coreference made "his" a mention of
     * Bentley, and the ranker took it for the speaker */
    static const ent_spec e[] = {PER("Robert Bentley", NE_GENDER_MALE, "Bentley's", "his")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The report details how Bentley's wife and his staff came to find out about the "
                            "relationship:\n\n\"By September 2013, the First Lady began to have concerns about the "
                            "relationship.\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK(strcmp(speaker(&doc, &doc.quotes[0]), "Robert Bentley") != 0);
    ne_doc_reset(&doc);
}

TEST(quote_party_or_nationality_after_a_determiner_is_a_description)
{
    /* "the Wisconsin Republican said" is a person the party names; the
     * speaker was the MISC entity "Republican", as for "a New Hampshire
     * Democrat". "Democrats said" stays the group */
    static const ent_spec e[] = {LOC("Wisconsin", "Wisconsin"), MISC("Republican", "Republican"),
                                 MISC("Democrat", "Democrats")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"It was a good night,\" the Wisconsin Republican said. Democrats said the vote was "
                            "fair.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "good night"), *b = find(&doc, "vote was fair");
    CHECK(a && b);
    if (a) CHECK_STR(speaker(&doc, a), "described:the Wisconsin Republican");
    if (b) CHECK_STR(speaker(&doc, b), "Democrat");
    ne_doc_reset(&doc);
}

TEST(quote_quoted_x_as_saying_is_x)
{
    /* "A statement from Fox quoted Keith Urban as saying …": Urban said
     * it; the participle's clause subject (Fox) only relayed it */
    static const ent_spec e[] = {ORG("Fox News", "Fox"), PER("Keith Urban", NE_GENDER_MALE, "Keith Urban", "he")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "A statement from Fox quoted Keith Urban as saying he was \"deeply saddened by the "
                            "news.\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Keith Urban");
    ne_doc_reset(&doc);
}

TEST(quote_participle_speaker_is_the_subject_not_the_object)
{
    /* "X criticized the Federal Reserve, saying …": the ranker gave the
     * words to the object right before the comma */
    static const ent_spec e[] = {PER("Elizabeth Warren", NE_GENDER_FEMALE, "Elizabeth Warren"),
                                 ORG("Federal Reserve", "Federal Reserve"), MISC("American", "American")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Elizabeth Warren criticized the Federal Reserve, saying the chairman had failed the "
                            "American people.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Elizabeth Warren");
    ne_doc_reset(&doc);
}

TEST(quote_participle_subject_is_the_person_an_organisation_premodifies)
{
    /* "Microsoft founder Bill Gates … disagree, saying": Gates, not the
     * company that opens his phrase; and a person after office words
     * ("Clinton campaign spokesman Brian Fallon") is the subject's head,
     * not an object of the clause */
    static const ent_spec e[] = {ORG("Microsoft", "Microsoft"), PER("Bill Gates", NE_GENDER_MALE, "Bill Gates"),
                                 ORG("Facebook", "Facebook"), PER("Mark Zuckerberg", NE_GENDER_MALE, "Mark Zuckerberg"),
                                 PER("Hillary Clinton", NE_GENDER_FEMALE, "Clinton"),
                                 PER("Brian Fallon", NE_GENDER_MALE, "Brian Fallon"), ORG("Twitter", "Twitter"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "But Microsoft founder Bill Gates and Facebook's Mark Zuckerberg disagree, saying the "
                            "technology is not nearly advanced enough for those worries to be realistic.\n\n"
                            "Clinton campaign spokesman Brian Fallon responded on Twitter, calling Trump's charge "
                            "\"pathetic\" and \"dangerous.\"",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "not nearly advanced"), *b = find(&doc, "pathetic");
    CHECK(a && b);
    if (a) CHECK_STR(speaker(&doc, a), "Bill Gates");
    if (b) CHECK_STR(speaker(&doc, b), "Brian Fallon");
    ne_doc_reset(&doc);
}

TEST(quote_short_clause_after_the_verb_is_the_words_not_the_phrase_before)
{
    /* "…, X said the city would appeal." was read as "…, X said." over
     * the phrase before the comma: the words were "The mayor of Chicago"
     * and "Speaking to reporters on Air Force One". "…, officials said
     * earlier." still closes the clause before it */
    static const ent_spec e[] = {LOC("Chicago", "Chicago"), PER("Rahm Emanuel", NE_GENDER_MALE, "Rahm Emanuel"),
                                 MISC("Air Force One", "Air Force One"), PER("Donald Trump", NE_GENDER_MALE, "Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The mayor of Chicago, Rahm Emanuel, said the city would appeal. Speaking to reporters "
                            "on Air Force One, Trump said the talks were going well. Ninety percent of the city "
                            "was evacuated, officials said earlier.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "the city would appeal"), *b = find(&doc, "the talks were going well"),
                   *c = find(&doc, "Ninety percent");
    CHECK(a && b && c);
    if (a) CHECK_STR(a->text, "the city would appeal");
    if (a) CHECK_STR(speaker(&doc, a), "Rahm Emanuel");
    if (b) CHECK_STR(b->text, "the talks were going well");
    if (c) CHECK_STR(c->text, "Ninety percent of the city was evacuated");
    ne_doc_reset(&doc);
}

TEST(quote_adviser_to_a_person_speaks_not_the_person)
{
    /* "A policy adviser to … Mitt Romney said", "a spokesman for …
     * Vladimir Putin has denied", "One Republican close to Bannon said":
     * each gave the words (and an alert) to the person named; a title
     * with "of" ("Secretary of State John Kerry") is still the person */
    static const ent_spec e[] = {MISC("Republican", "Republican"), PER("Mitt Romney", NE_GENDER_MALE, "Mitt Romney"),
                                 LOC("United States", "United States"), MISC("Russian", "Russian"),
                                 PER("Vladimir Putin", NE_GENDER_MALE, "Vladimir Putin"), LOC("Moscow", "Moscow"),
                                 PER("Stephen Bannon", NE_GENDER_MALE, "Bannon"),
                                 PER("John Kerry", NE_GENDER_MALE, "John Kerry")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "A policy adviser to Republican presidential candidate Mitt Romney said Sunday that the "
                            "United States should arm the rebels. A spokesman for Russian President Vladimir Putin "
                            "has denied that Moscow interfered in the election. One Republican close to Bannon said "
                            "the strategist would fight back. Secretary of State John Kerry said the talks would "
                            "resume.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "arm the rebels"), *b = find(&doc, "Moscow interfered"),
                   *c = find(&doc, "fight back"), *d = find(&doc, "talks would resume");
    CHECK(a && b && c && d);
    if (a) CHECK_STR(speaker(&doc, a), "described:A policy adviser to Republican presidential candidate Mitt Romney");
    if (b) CHECK_STR(speaker(&doc, b), "described:A spokesman for Russian President Vladimir Putin");
    if (c) CHECK_STR(speaker(&doc, c), "described:One Republican close to Bannon");
    if (d) CHECK_STR(speaker(&doc, d), "John Kerry");
    ne_doc_reset(&doc);
}

TEST(quote_she_is_not_a_person_the_coreference_joined_he_to)
{
    /* The coreference joined "He" to Trump and "She" to Boxer; neither
     * has a gender from a title or given name, so the later "she said"
     * went to Trump, the nearer of the two */
    static const ent_spec e[] = {PER("Barbara Boxer", NE_GENDER_UNKNOWN, "Boxer", "She"), MISC("American", "Americans"),
                                 PER("Donald Trump", NE_GENDER_UNKNOWN, "Trump", "He")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "There is a symmetry to Boxer's political involvement. She started in politics as "
                            "Americans were taking to the streets to protest the Vietnam War. The current protests "
                            "are against Trump. He calls them paid protesters.\n\n\"We are going to build on the "
                            "outpouring of ordinary people after the election,\" she said.",
                      e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "outpouring");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Barbara Boxer");
    ne_doc_reset(&doc);
}

TEST(quote_conditional_after_said_is_a_claim_and_asked_if_is_not)
{
    /* "said that if …, this would be …" was taken for an indirect
     * question and dropped: Rajoy's alert was missed */
    static const ent_spec e[] = {MISC("Spanish", "Spanish"), PER("Mariano Rajoy", NE_GENDER_MALE, "Mariano Rajoy", "He"),
                                 LOC("Spain", "Spain"), ORG("NSA", "NSA")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Spanish Prime Minister Mariano Rajoy said that if Spain had been a target of the NSA, "
                            "this would be \"inappropriate and unacceptable between partners\". He asked if the talks "
                            "would resume.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = find(&doc, "target of the NSA");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Mariano Rajoy");
    ne_doc_reset(&doc);
}

TEST(quote_name_and_apposition_before_said_is_the_subject_not_inverted)
{
    /* "…, X, the top Democrat …, said the visit … showed …" was read as
     * an inverted "…, said the visit": the words were Schiff's own name
     * and apposition, the speaker "the White House visit". A clause in
     * the segment ("…, Samir Nima Ghaidan, was shot …, said Capt. Hakim")
     * keeps the inverted reading */
    static const ent_spec e[] = {PER("Adam Schiff", NE_GENDER_MALE, "Adam Schiff"), ORG("White House", "White House"),
                                 PER("Samir Nima Ghaidan", NE_GENDER_MALE, "Samir Nima Ghaidan"),
                                 PER("Hussein Hakim", NE_GENDER_MALE, "Hussein Hakim"), LOC("Baghdad", "Baghdad")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "However, Adam Schiff, the top Democrat on the intelligence committee, said the White "
                            "House visit, which came days after the hearing, showed the chairman could not be "
                            "trusted. A top Industry Ministry official, Samir Nima Ghaidan, was shot to death by "
                            "gunmen while leaving his office in northern Baghdad, said army Capt. Hussein Hakim.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "could not be trusted"), *b = find(&doc, "shot to death");
    CHECK(a && b);
    if (a) CHECK(strstr(a->text, "Democrat") == NULL);
    if (a) CHECK_STR(speaker(&doc, a), "Adam Schiff");
    if (b) CHECK_STR(speaker(&doc, b), "Hussein Hakim");
    ne_doc_reset(&doc);
}

TEST(quote_as_x_told_y_reports_the_clause_before)
{
    /* "…, as budget minister Cristóbal Montoro told a radio station in
     * Madrid on Tuesday.": the words were "in Madrid on Tuesday" */
    static const ent_spec e[] = {LOC("Spain", "Spain"), PER("Cristobal Montoro", NE_GENDER_MALE, "Cristobal Montoro"),
                                 LOC("Madrid", "Madrid")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Spain is talking more openly about the deficit, as budget minister Cristobal Montoro "
                            "told a radio station in Madrid on Tuesday.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(doc.quotes[0].text, "Spain is talking more openly about the deficit");
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Cristobal Montoro");
    ne_doc_reset(&doc);
}

TEST(quote_he_after_a_description_is_not_the_woman_named_before)
{
    /* The resolver gave "The victim" to Ms Swaraj, named before, and the
     * next "He said" followed: a woman given a man's words. The listener
     * "Indian reporters" was part of the words */
    static const ent_spec e[] = {PER("Sushma Swaraj", NE_GENDER_FEMALE, "Ms Swaraj", "she"),
                                 PER("Yogi Adityanath", NE_GENDER_MALE, "Yogi Adityanath"), LOC("Noida", "Noida"),
                                 MISC("Indian", "Indian")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Ms Swaraj said she had spoken to Chief Minister Yogi Adityanath about the case.\n\n"
                            "The attack on the student inside a shopping mall in Noida was recorded on mobile phone "
                            "cameras by other shoppers.\n\n"
                            "The victim told Indian reporters he had been beaten with rods, bricks and knives. He said "
                            "that no one had helped or even called the police.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "beaten with rods"), *b = find(&doc, "no one had helped");
    CHECK(a && b);
    if (a) CHECK_STR(a->text, "he had been beaten with rods, bricks and knives");
    if (a) CHECK_STR(speaker(&doc, a), "described:The victim");
    if (b) CHECK(a && b && strcmp(speaker(&doc, b), "Sushma Swaraj") != 0);
    ne_doc_reset(&doc);
}

TEST(quote_he_after_a_speaker_is_that_speaker_not_the_fronted_name)
{
    /* "In an interview with the BBC's editor, Justin Webb, Gen Jones said
     * …" then "“…,” he added": the pronoun went to the sentence's first
     * person, the interviewer */
    static const ent_spec e[] = {ORG("BBC", "BBC"), PER("Justin Webb", NE_GENDER_MALE, "Justin Webb"),
                                 PER("James Jones", NE_GENDER_MALE, "Jones"), LOC("United States", "United States")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "In an interview with the BBC's North America editor, Justin Webb, Gen Jones said that "
                            "\"the United States will not abandon its allies\".\n\n"
                            "\"We will stay the course,\" he added.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "abandon its allies"), *b = find(&doc, "stay the course");
    CHECK(a && b);
    if (a) CHECK_STR(speaker(&doc, a), "James Jones");
    if (b) CHECK_STR(speaker(&doc, b), "James Jones");
    ne_doc_reset(&doc);
}

TEST(quote_all_told_is_no_cue)
{
    /* "all told Sony sold …" gave a statement by "all" */
    static const ent_spec e[] = {ORG("Sony", "Sony")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Those are solid numbers, and all told Sony sold a good amount of each of its hardware "
                            "in the family. The company told investors it expects more growth.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(doc.quotes[0].text, "it expects more growth");
    ne_doc_reset(&doc);
}

TEST(quote_speech_verb_object_that_states_nothing_raises_no_alert)
{
    /* "announced its own ARM port", "remembered the seagull", "reported
     * from Seoul" were alerts for their speakers; a denial's object and a
     * directive are claims and keep theirs */
    static const ent_spec e[] = {ORG("Canonical", "Canonical"), ORG("Digital Foundry", "Digital Foundry"),
                                 ORG("Apple", "Apple"), ORG("Google", "Google"), PER("Steve Murray", NE_GENDER_MALE, "Steve Murray"),
                                 PER("Ellen Fetter", NE_GENDER_FEMALE, "Ellen Fetter"),
                                 PER("Stella Kim", NE_GENDER_FEMALE, "Stella Kim"), LOC("Seoul", "Seoul"),
                                 PER("Vladimir Putin", NE_GENDER_MALE, "Vladimir Putin"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Donald Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Canonical recently announced its own official ARM port which will be made available in "
                            "April. Digital Foundry revealed the full specs of the Xbox Scorpio. Apple revealed it is "
                            "working on a car. Google revealed what it is doing with GrandCentral, a company it bought. "
                            "Steve Murray said what matters is whether customers respond. Ellen Fetter "
                            "remembered the seagull on the pier. Stella Kim reported from Seoul, and Jennifer Jett from Hong "
                            "Kong. Vladimir Putin "
                            "denied any interference in the election. Donald Trump warned Putin not to underestimate "
                            "the United States.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "ARM port"), *b = find(&doc, "seagull"), *c = find(&doc, "from Seoul"),
                   *d = find(&doc, "any interference"), *f = find(&doc, "not to underestimate"),
                   *g = find(&doc, "full specs"), *h = find(&doc, "working on a car");
    CHECK(a && b && c && d && f && g && h);
    if (g) CHECK_INT(g->no_alert, 1);
    if (h) CHECK_INT(h->no_alert, 0);
    const ne_quote *i = find(&doc, "GrandCentral"), *j = find(&doc, "what matters");
    CHECK(i && j);
    if (i) CHECK_INT(i->no_alert, 1);   /* an indirect question after a verb that asks nothing */
    if (j) CHECK_INT(j->no_alert, 0);   /* "said what matters is …": a claim */
    if (a) CHECK_INT(a->no_alert, 1);
    if (b) CHECK_INT(b->no_alert, 1);
    if (c) CHECK_INT(c->no_alert, 1);
    if (d) CHECK_INT(d->no_alert, 0);
    if (f) CHECK_INT(f->no_alert, 0);
    ne_doc_reset(&doc);
}

TEST(quote_name_in_a_persons_apposition_is_no_speaker)
{
    /* "Steve Lee, from NASA's Jet Propulsion Laboratory, says …" went to
     * the laboratory, the mention right before the verb */
    static const ent_spec e[] = {PER("Steve Lee", NE_GENDER_MALE, "Steve Lee"), ORG("NASA", "NASA"),
                                 ORG("Jet Propulsion Laboratory", "Jet Propulsion Laboratory")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Steve Lee, from NASA's Jet Propulsion Laboratory, says the probe is healthy.", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Steve Lee");
    ne_doc_reset(&doc);
}

TEST(quote_cue_word_inside_a_name_before_the_speaker_is_part_of_the_subject)
{
    /* "State" (a speech verb) in "State Department deputy spokesperson
     * Vedant Patel said" cut the subject's phrase short, so the frame
     * after a mid-sentence quotation failed: Patel's alert was missed */
    static const ent_spec e[] = {LOC("United States", "U.S."), LOC("South Korea", "South Korea"),
                                 ORG("State Department", "State Department"),
                                 PER("Vedant Patel", NE_GENDER_MALE, "Vedant Patel")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The U.S. relationship with South Korea \"transcends any particular president or any "
                            "particular political party,\" State Department deputy spokesperson Vedant Patel said "
                            "Thursday.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Vedant Patel");
    ne_doc_reset(&doc);
}

TEST(quote_reported_clause_ends_before_another_speakers_report)
{
    /* "He vowed to keep trying, but the BBC's … Jon Sopel said the
     * president …": Sopel's words were part of Trump's */
    static const ent_spec e[] = {PER("Donald Trump", NE_GENDER_MALE, "Trump"), ORG("BBC", "BBC"),
                                 PER("Jon Sopel", NE_GENDER_MALE, "Jon Sopel")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump vowed to keep trying, but the BBC's North America editor Jon Sopel said the "
                            "president did not sound very confident.",
                      e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "keep trying"), *b = find(&doc, "very confident");
    CHECK(a && b);
    if (a) CHECK_STR(a->text, "to keep trying");
    if (b) CHECK_STR(speaker(&doc, b), "Jon Sopel");
    ne_doc_reset(&doc);
}

TEST(quote_place_closing_a_long_apposition_is_no_speaker)
{
    /* "Paul Porter, a truck driver from Ava, Mo., who is … a supporter of
     * Mr. Trump, said …": the subject reader stopped at "Mo." */
    static const ent_spec e[] = {PER("Paul Porter", NE_GENDER_MALE, "Paul Porter"), LOC("Ava", "Ava"),
                                 LOC("Missouri", "Mo."), MISC("Teamsters", "Teamsters"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Paul Porter, a truck driver from Ava, Mo., who is a member of the Teamsters union and a "
                            "supporter of Mr. Trump, said he already received time and a half after eight hours of "
                            "work.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Paul Porter");
    ne_doc_reset(&doc);
}

TEST(quote_nickname_inside_a_name_is_no_quotation)
{
    /* "“…,” Gen. John “Jay” Raymond told reporters …": the nickname's
     * marks broke the frame; the words had no cue and "told" reported
     * "at the symposium" */
    static const ent_spec e[] = {PER("John Raymond", NE_GENDER_MALE, "John \xe2\x80\x9cJay\xe2\x80\x9d Raymond")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"I would be comfortable with flying with a reused booster,\" Gen. John "
                            "\xe2\x80\x9cJay\xe2\x80\x9d Raymond told reporters at the symposium.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "I would be comfortable with flying with a reused booster");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "John Raymond");
        CHECK(doc.quotes[0].cue != NULL && strcmp(doc.quotes[0].cue, "told") == 0);
    }
    ne_doc_reset(&doc);
}

TEST(quote_organisation_of_a_persons_from_segment_is_no_subject)
{
    /* "Steve Lee, from NASA's Jet Propulsion Laboratory (JPL) says, “…”":
     * the parenthetical closed the segment, so the laboratory (tagged a
     * person) was read as the subject */
    static const ent_spec e[] = {PER("Steve Lee", NE_GENDER_MALE, "Steve Lee"), ORG("NASA", "NASA"),
                                 PER("Propulsion Laboratory", NE_GENDER_UNKNOWN, "Propulsion Laboratory"),
                                 ORG("JPL", "JPL")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Deputy Project Manager Steve Lee, from NASA's Jet Propulsion Laboratory (JPL) says, "
                            "\"The development work and testing here at JPL has been promising.\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Steve Lee");
    ne_doc_reset(&doc);
}

TEST(quote_as_the_report_says_is_a_frame)
{
    /* "As the report says: “…”" gave the quotation no speaker: "As" was
     * read as a preposition whose object cannot speak */
    ne_doc doc;
    CHECK_INT(extract(&doc, "As the report says: \"No agency was prepared for the storm.\"", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:the report");
    ne_doc_reset(&doc);
}

TEST(quote_says_one_is_an_unnamed_speaker)
{
    /* "“…,” says one." had no frame (a quantifier alone was no noun
     * phrase), so the quotation took the film named before */
    static const ent_spec e[] = {PER("Mario Bros.", NE_GENDER_UNKNOWN, "Mario Bros.")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The new Mario Bros. film opened on Friday. Parents were divided. \"Boring for adults, "
                            "but my kids loved it,\" says one.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:one");
    ne_doc_reset(&doc);
}

TEST(quote_say_as_a_noun_is_no_cue)
{
    /* "the final say on whether …" gave a statement by "the final" */
    static const ent_spec e[] = {MISC("Swiss", "Swiss")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Swiss courts will have the final say on whether the warrant is valid. Voters want a "
                            "say in how the money is spent. Critics say the plan will fail.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(doc.quotes[0].text, "the plan will fail");
    ne_doc_reset(&doc);
}

TEST(quote_naming_verb_before_a_preposition_is_no_claim)
{
    /* "slammed into the coast of Louisiana": a storm moving, no charge */
    static const ent_spec e[] = {LOC("Louisiana", "Louisiana"), PER("Hillary Clinton", NE_GENDER_FEMALE, "Clinton"),
                                 PER("Donald Trump", NE_GENDER_MALE, "Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The storm's center slammed into the extreme southwest coast of Louisiana early "
                            "Saturday. Clinton slammed Trump for his remarks about women.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Hillary Clinton");
    ne_doc_reset(&doc);
}

TEST(quote_pronoun_speaker_is_not_the_one_named_in_the_quote)
{
    /* the nearest person before "he" is Trump, whom the words name: the
     * speaker is the other man (a false alert for Trump's watchers) */
    static const ent_spec e[] = {PER("Donald Trump", NE_GENDER_MALE, "Donald Trump", "Mr. Trump's"),
                                 PER("Paul Manafort", NE_GENDER_MALE, "Paul Manafort")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Donald Trump hired Paul Manafort in March to run the convention effort. \"As part of "
                            "the campaign team, my job is to secure and protect Mr. Trump's delegates,\" he said.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Paul Manafort");
    ne_doc_reset(&doc);
}

TEST(quote_correspondent_in_a_city_is_the_speaker)
{
    /* "The BBC's John Sudworth in Seoul says …": the city was the speaker */
    static const ent_spec e[] = {ORG("IMO", "IMO"), PER("Lee Adamson", NE_GENDER_MALE, "Lee Adamson"),
                                 ORG("BBC", "BBC's"), PER("John Sudworth", NE_GENDER_MALE, "John Sudworth"),
                                 LOC("Seoul", "Seoul")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"We have received a letter,\" said IMO spokesman Lee Adamson.\n\nThe BBC's John "
                            "Sudworth in Seoul says guidelines state that the world transport authorities should be "
                            "informed in advance.",
                      e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "informed in advance");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "John Sudworth");
    ne_doc_reset(&doc);
}

TEST(quote_canadian_police_rank_before_the_name)
{
    /* "said Const. Jennifer Tremblay": "Const." ended the sentence and the
     * speaker was "Const" */
    static const ent_spec e[] = {PER("Jennifer Tremblay", NE_GENDER_FEMALE, "Jennifer Tremblay"),
                                 ORG("RCMP", "RCMP")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"Our priority is safety,\" said Const. Jennifer Tremblay, a spokesperson for the RCMP.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Jennifer Tremblay");
    ne_doc_reset(&doc);
}

TEST(quote_gonna_and_helps_are_no_speakers)
{
    /* "The paper also helps explain …" gave the speaker "helps", "I'm
     * not gonna tell you … I can tell you that …" the speaker "gonna" */
    ne_doc doc;
    CHECK_INT(extract(&doc, "The paper also helps explain that the number will rise because robots are expected "
                            "to quadruple.",
                      NULL, 0), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:The paper");
    ne_doc_reset(&doc);
}

TEST(quote_sentence_adverb_or_aspect_verb_is_no_speaker)
{
    /* "MetMalaysia however said …" gave the speaker "however" (the third
     * webextract error analysis); "started chanting" made "started" one */
    static const ent_spec e[] = {ORG("MetMalaysia", "MetMalaysia")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "MetMalaysia however said the storm would weaken before it reached the coast.", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "MetMalaysia");
    ne_doc_reset(&doc);
}

TEST(quote_without_announcing_is_no_statement)
{
    /* "left the meeting without announcing whether …": nothing was said
     * (a false alert for Dent in the third webextract error analysis) */
    static const ent_spec e[] = {PER("Charlie Dent", NE_GENDER_MALE, "Charlie Dent", "he"),
                                 ORG("Tuesday Group", "Tuesday Group")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Rep. Charlie Dent, a leader of the moderate Tuesday Group, left the meeting without "
                            "announcing who he would vote for, despite changes made in the Republican bill designed "
                            "to win over moderates.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(quote_quote_x_as_saying_is_x)
{
    static const ent_spec e[] = {PER("Lawrence Summers", NE_GENDER_MALE, "Lawrence Summers"),
                                 PER("Ernesto Zedillo", NE_GENDER_MALE, "Ernesto Zedillo")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Lawrence Summers likes to quote Ernesto Zedillo as saying: \"Markets overshoot.\"", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Ernesto Zedillo");
    ne_doc_reset(&doc);
}

TEST(quote_unresolved_pronoun_speaker_keeps_its_words)
{
    /* "A woman in the crowd …" names no one: "she said" has a speaker
     * the text points at, published as the pronoun without an entity
     * (it was no speaker at all) */
    ne_doc doc;
    CHECK_INT(extract(&doc, "A woman in the crowd shouted at the police. \"We want justice,\" she said.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:she");
    ne_doc_reset(&doc);
}

TEST(quote_age_and_hometown_between_commas_before_said)
{
    /* two comma segments between the name and the verb; and a clause
     * after "said" whose verb the noun phrase reader took in ("the fire
     * started at night") is no inverted frame */
    static const ent_spec e[] = {PER("John Smith", NE_GENDER_MALE, "John Smith"), LOC("Toronto", "Toronto")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "John Smith, 45, of Toronto, said the fire started at night.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "the fire started at night");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "John Smith");
    }
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Local resident John Smith, 45, said the fire started at night.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "the fire started at night");
        CHECK_STR(speaker(&doc, &doc.quotes[0]), "John Smith");
    }
    ne_doc_reset(&doc);
}

TEST(quote_inverted_description_then_name_is_the_named_speaker)
{
    static const ent_spec e[] = {PER("Oleg Voloshyn", NE_GENDER_MALE, "Oleg Voloshyn"),
                                 ORG("Foreign Ministry", "Foreign Ministry"), LOC("Ukraine", "Ukraine")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "He had a voice in decisions about major American investments in Ukraine, said a former "
                            "spokesman for the Foreign Ministry, Oleg Voloshyn, who also worked with him.",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Oleg Voloshyn");
    ne_doc_reset(&doc);
}

TEST(quote_listener_of_told_is_never_the_speaker)
{
    /* with a subject that names no entity, the ranker took the listener,
     * the nearest name before the words */
    static const ent_spec e[] = {PER("Jake Tapper", NE_GENDER_MALE, "Jake Tapper"), ORG("CNN", "CNN's")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The senator told CNN's Jake Tapper on Sunday that the race was far from over.", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) {
        CHECK_STR(doc.quotes[0].text, "the race was far from over");
        CHECK(strcmp(speaker(&doc, &doc.quotes[0]), "Jake Tapper") != 0);
        CHECK(strcmp(speaker(&doc, &doc.quotes[0]), "CNN") != 0);
    }
    ne_doc_reset(&doc);
}

TEST(quote_adverb_between_subject_and_verb_is_no_speaker)
{
    /* "Clinton, exasperated, famously responded": the adverb was read as
     * the subject, a described speaker with no entity */
    static const ent_spec e[] = {PER("Hillary Clinton", NE_GENDER_FEMALE, "Clinton")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Clinton, exasperated, famously responded: \"What difference, at this point, does it "
                            "make?\"",
                      e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    if (doc.nquotes == 1) CHECK_STR(speaker(&doc, &doc.quotes[0]), "Hillary Clinton");
    ne_doc_reset(&doc);
    /* an -ly noun stays the subject's head */
    static const ent_spec e2[] = {PER("Hillary Clinton", NE_GENDER_FEMALE, "Hillary Clinton", "Clinton")};
    CHECK_INT(extract(&doc, "Hillary Clinton spoke on Monday. \"We will win,\" a Clinton ally said.", e2, NENTS(e2)),
              0);
    const ne_quote *q = find(&doc, "We will win");
    CHECK(q != NULL);
    if (q) CHECK(strcmp(speaker(&doc, q), "Hillary Clinton") != 0);
    ne_doc_reset(&doc);
}

/* ---- spans ------------------------------------------------------------- */

TEST(quote_split_is_one_quote)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CI asked him again,\xE2\x80\x9D Trump said, \xE2\x80\x9C""and he said he "
                            "absolutely did not meddle.\xE2\x80\x9D", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_STR(q->text, "I asked him again \xE2\x80\xA6 and he said he absolutely did not meddle.");
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    CHECK_SPAN(doc.body + q->start, 3, "I a");
    CHECK_INT(q->end, strlen(doc.body) - 3);   /* up to the last part's end, before ” */
    /* each part is exactly its words; the claim id is that of the words alone */
    CHECK_INT(q->nparts, 2);
    CHECK_SPAN(doc.body + q->parts[0].start, q->parts[0].end - q->parts[0].start, "I asked him again");
    CHECK_SPAN(doc.body + q->parts[1].start, q->parts[1].end - q->parts[1].start,
               "and he said he absolutely did not meddle.");
    CHECK_INT(q->speaker_end - q->speaker_start, 5);
    CHECK_SPAN(doc.body + q->speaker_start, 5, "Trump");
    char id[17];
    const char *words = "I asked him again and he said he absolutely did not meddle.";
    ne_quotes_claim_id(words, strlen(words), id);
    CHECK_STR(q->claim_id, id);
    ne_doc_reset(&doc);
}

TEST(quote_second_sentence_after_frame_joins)
{
    static const ent_spec e[] = {PER("Gowdy", NE_GENDER_MALE, "Gowdy"),
                                 PER("Bernie Sanders", NE_GENDER_MALE, "Bernie Sanders", "Sanders")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"These breakthroughs are big wins for the committee,\" Gowdy said in a statement. "
                            "\"We will finish the report soon.\"\n\n"
                            "The deal \xE2\x80\x9Clooks out for the needs of Wall Street vulture funds first,\xE2\x80\x9D "
                            "Sanders wrote. \xE2\x80\x9CThat is unacceptable.\xE2\x80\x9D", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 3);
    const ne_quote *a = &doc.quotes[0], *b = &doc.quotes[1], *c = &doc.quotes[2];
    CHECK_STR(a->text, "These breakthroughs are big wins for the committee \xE2\x80\xA6 We will finish the report soon.");
    CHECK_STR(speaker(&doc, a), "Gowdy");
    /* a partial quote keeps its clause; the quoted sentence after it floats with the same speaker */
    CHECK_INT(b->kind, NE_QUOTE_PARTIAL);
    CHECK_STR(speaker(&doc, b), "Bernie Sanders");
    CHECK_INT(c->kind, NE_QUOTE_DIRECT);
    CHECK_STR(c->text, "That is unacceptable.");
    CHECK_STR(speaker(&doc, c), "Bernie Sanders");
    ne_doc_reset(&doc);
}

TEST(quote_over_three_paragraphs)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Mr Trump, speaking at a business event in Beijing, said: \xE2\x80\x9CTime is quickly running out.\n"
                            "\xE2\x80\x9CWe must act fast and hopefully China will act faster.\n"
                            "\xE2\x80\x9CI\xE2\x80\x99m also calling on Russia to help rein in this situation.\xE2\x80\x9D\n"
                            "While in South Korea, Mr Trump offered a path.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_INT(q->kind, NE_QUOTE_DIRECT);
    CHECK_STR(q->text, "Time is quickly running out. \xE2\x80\xA6 We must act fast and hopefully China will act faster. "
                       "\xE2\x80\xA6 I\xE2\x80\x99m also calling on Russia to help rein in this situation.");
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    CHECK_STR(q->speaker_text, "Mr Trump");
    ne_doc_reset(&doc);
}

TEST(quote_guillemets_and_low_marks)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Putin said: \xC2\xABWe are ready to work with the new administration.\xC2\xBB\n"
                            "Trump said: \xE2\x80\x9EWe will see what happens with Russia.\xE2\x80\x9C",
                      trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *a = find(&doc, "ready to work"), *b = find(&doc, "what happens");
    CHECK(a && b);
    CHECK_STR(speaker(&doc, a), "Vladimir Putin");
    CHECK_STR(speaker(&doc, b), "Donald Trump");
    ne_doc_reset(&doc);
}

TEST(quote_nested_single_marks_stay_inside)
{
    static const ent_spec e[] = {PER("Gutin", NE_GENDER_UNKNOWN, "Gutin")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"Some people referred to her as 'the personnel director' because she always had his back,\" "
                            "Gutin says.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "Some people referred to her as 'the personnel director' because she always had his back");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Gutin");
    ne_doc_reset(&doc);
}

TEST(quote_nyt_double_single_marks)
{
    static const ent_spec e[] = {PER("Mr. Autor", NE_GENDER_MALE, "Mr. Autor")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "''China represented a shock that was way larger,'' Mr. Autor said.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].text, "China represented a shock that was way larger");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Mr. Autor");
    ne_doc_reset(&doc);
}

/* ---- partial quotes ------------------------------------------------------ */

TEST(quote_partial_with_frame_and_coordinated_cue)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "That sentiment seems to be on Trump\xE2\x80\x99s side. He also called the Russia investigation an "
                            "\xE2\x80\x9C""artificial obstacle\xE2\x80\x9D and added \xE2\x80\x9Cpeople will die because of it, "
                            "and it\xE2\x80\x99s a pure hit job\xE2\x80\x9D.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 2);
    const ne_quote *a = find(&doc, "artificial obstacle"), *b = find(&doc, "people will die");
    CHECK(a && b);
    CHECK_INT(a->kind, NE_QUOTE_PARTIAL);
    CHECK_STR(a->text, "the Russia investigation an \xE2\x80\x9C""artificial obstacle\xE2\x80\x9D");
    CHECK_STR(a->cue, "called");
    CHECK_STR(speaker(&doc, a), "Donald Trump");
    CHECK_INT(b->kind, NE_QUOTE_DIRECT);
    CHECK_STR(b->cue, "added");
    CHECK_STR(speaker(&doc, b), "Donald Trump");
    ne_doc_reset(&doc);
}

TEST(quote_partial_in_reported_clause)
{
    static const ent_spec e[] = {ORG("North Korea", "North Korea"), trump_putin[0]};
    ne_doc doc;
    CHECK_INT(extract(&doc, "North Korea said on Saturday that Mr Trump had \xE2\x80\x9C""begged for a nuclear war\xE2\x80\x9D "
                            "during his trip.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_INT(q->kind, NE_QUOTE_PARTIAL);
    CHECK_STR(q->text, "Mr Trump had \xE2\x80\x9C""begged for a nuclear war\xE2\x80\x9D during his trip");
    CHECK_STR(speaker(&doc, q), "North Korea");
    CHECK(about_has(&doc, q, "Donald Trump"));
    ne_doc_reset(&doc);
}

/* ---- speakers -------------------------------------------------------------- */

TEST(quote_he_claims_after_putin_is_named)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Putin also said that there is an urgent need for formal meetings with Trump.\n\n"
                            "\xE2\x80\x9CIt\xE2\x80\x99s important that we find an opportunity to sit down at the level of "
                            "presidents. Russia is ready to turn the page,\xE2\x80\x9D he claims.",
                      trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *q = find(&doc, "turn the page");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Vladimir Putin");
    CHECK_STR(q->speaker_text, "he");
    CHECK_STR(q->cue, "claims");
    ne_doc_reset(&doc);
}

TEST(quote_pronoun_respects_gender)
{
    static const ent_spec e[] = {PER("Hillary Clinton", NE_GENDER_FEMALE, "Hillary Clinton", "Clinton"),
                                 PER("Bernie Sanders", NE_GENDER_MALE, "Bernie Sanders", "Sanders")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Hillary Clinton met Bernie Sanders in Philadelphia on Monday.\n\n"
                            "\xE2\x80\x9CWe agree on much more than we disagree,\xE2\x80\x9D he said.\n\n"
                            "\xE2\x80\x9CThe party is united now,\xE2\x80\x9D she said.", e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "agree on"), *b = find(&doc, "united");
    CHECK(a && b);
    CHECK_STR(speaker(&doc, a), "Bernie Sanders");
    CHECK_STR(speaker(&doc, b), "Hillary Clinton");
    ne_doc_reset(&doc);
}

TEST(quote_described_speaker_and_role_noun)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "US President Donald Trump says he again asked Vladimir Putin about the election.\n"
                            "\xE2\x80\x9CYou can only ask so many times,\xE2\x80\x9D said the President.\n"
                            "\xE2\x80\x9CHis current trip is a warmonger\xE2\x80\x99s visit for confrontation,\xE2\x80\x9D "
                            "said a foreign ministry spokesman.\n"
                            "\xE2\x80\x9C""A dotard like Trump can never frighten us,\xE2\x80\x9D said the spokesman, "
                            "whose statement was released via KCNA.", trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *a = find(&doc, "so many times"), *b = find(&doc, "warmonger"), *c = find(&doc, "dotard");
    CHECK(a && b && c);
    CHECK_STR(speaker(&doc, a), "Donald Trump");
    CHECK_STR(a->speaker_text, "the President");
    CHECK_STR(speaker(&doc, b), "described:a foreign ministry spokesman");
    CHECK_STR(speaker(&doc, c), "described:the spokesman");
    CHECK(about_has(&doc, c, "Donald Trump"));
    ne_doc_reset(&doc);
}

TEST(quote_role_noun_through_earlier_apposition)
{
    static const ent_spec e[] = {PER("Dmitry Peskov", NE_GENDER_MALE, "Dmitry Peskov", "Peskov"), trump_putin[1]};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The Kremlin\xE2\x80\x99s spokesman Dmitry Peskov says the talks went well.\n\n"
                            "\xE2\x80\x9CPutin categorically rejected the hypothetical possibility,\xE2\x80\x9D the spokesman "
                            "told reporters.", e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "categorically");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Dmitry Peskov");
    CHECK(about_has(&doc, q, "Vladimir Putin"));
    ne_doc_reset(&doc);
}

TEST(quote_floating_inherits_until_another_speaker)
{
    static const ent_spec e[] = {PER("Dan Murphy", NE_GENDER_MALE, "Dan Murphy", "Murphy"),
                                 PER("Jane Kim", NE_GENDER_FEMALE, "Jane Kim", "Kim")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CYou are not going to win this election with incremental changes,\xE2\x80\x9D "
                            "Murphy said.\n\n"
                            "\xE2\x80\x9CVoters want something bigger than that.\xE2\x80\x9D\n\n"
                            "Kim said she disagreed with the approach.\n\n"
                            "\xE2\x80\x9CWe need results, not slogans.\xE2\x80\x9D", e, NENTS(e)), 0);
    const ne_quote *a = find(&doc, "something bigger"), *b = find(&doc, "not slogans");
    CHECK(a && b);
    CHECK_INT(a->kind, NE_QUOTE_DIRECT);
    CHECK(a->cue == NULL);
    CHECK_STR(speaker(&doc, a), "Dan Murphy");
    CHECK_STR(speaker(&doc, b), "Jane Kim");
    ne_doc_reset(&doc);
}

TEST(quote_about_resolves_pronouns_inside_quote)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump and Putin talked on the sidelines of the summit.\n\n"
                            "\xE2\x80\x9CI asked him again. He said he absolutely did not meddle in our election,\xE2\x80\x9D "
                            "Trump said.", trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *q = find(&doc, "did not meddle");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    CHECK(about_has(&doc, q, "Vladimir Putin"));
    CHECK(!about_has(&doc, q, "Donald Trump"));   /* "I" is the speaker, not a subject */
    ne_doc_reset(&doc);
}

/* ---- what is not a quote ------------------------------------------------- */

TEST(quote_scare_quotes_and_titles_are_not_quotes)
{
    static const ent_spec e[] = {PER("Bernie Sanders", NE_GENDER_MALE, "Bernie Sanders", "Sanders")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The talks, the so-called \xE2\x80\x9CGeneva process\xE2\x80\x9D, resumed in the spring.\n\n"
                            "She has read \xE2\x80\x9CThe Art of the Deal\xE2\x80\x9D twice.\n\n"
                            "On Sunday, Sanders appeared on \"Meet the Press\" for an hour.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(quote_title_next_to_a_frame_is_not_a_quote)
{
    static const ent_spec e[] = {PER("Bernie Sanders", NE_GENDER_MALE, "Bernie Sanders", "Sanders")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Asked why during an appearance on \"CBS This Morning,\" Sanders said he had not "
                            "\"heard her say the things that need to be said.\"", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK(find(&doc, "CBS") == NULL);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_PARTIAL);
    CHECK(strstr(doc.quotes[0].text, "heard her say") != NULL);
    ne_doc_reset(&doc);
}

TEST(quote_headlines_are_not_quotes)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump calls intelligence agencies heads \xE2\x80\x9Cpolitical hacks\xE2\x80\x9D\n\n"
                            "President Trump has refused to acknowledge a reported assessment by the CIA.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(quote_apostrophes_are_not_quotes)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump\xE2\x80\x99s aides remember the \xE2\x80\x99""90s and the Clintons\xE2\x80\x99 "
                            "rock \xE2\x80\x99n\xE2\x80\x99 roll years, but they don\xE2\x80\x99t care.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(quote_belief_verbs_are_not_cues)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump thinks that Putin is sincere about the election. "
                            "Putin wants \xE2\x80\x9C""a fresh start\xE2\x80\x9D with Washington. "
                            "Trump expects that the talks will go well.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 0);
    CHECK_INT(ne_quotes_cue_class("thinks", 6), NE_CUE_BELIEF);
    CHECK_INT(ne_quotes_cue_class("Said", 4), NE_CUE_SPEECH);
    CHECK_INT(ne_quotes_cue_class("tweeted", 7), NE_CUE_SPEECH);
    CHECK_INT(ne_quotes_cue_class("table", 5), NE_CUE_NONE);
    ne_doc_reset(&doc);
}

TEST(quote_noun_forms_of_cues_are_not_cues)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "He is very insulted by claims he interfered in the election. "
                            "Media reports about the meeting were brief.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

/* ---- claim ids and the stage ---------------------------------------------- */

TEST(quote_claim_id_normalises_text)
{
    char a[17], b[17], c[17];
    const char *t1 = "\xE2\x80\x9CHe said he didn\xE2\x80\x99t meddle.\xE2\x80\x9D";
    const char *t2 = "he said  he didn't MEDDLE";
    const char *t3 = "He said he did meddle.";
    ne_quotes_claim_id(t1, strlen(t1), a);
    ne_quotes_claim_id(t2, strlen(t2), b);
    ne_quotes_claim_id(t3, strlen(t3), c);
    CHECK_INT(strlen(a), 16);
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0);
}

TEST(quote_claim_id_is_stable_across_articles)
{
    ne_doc d1, d2;
    CHECK_INT(extract(&d1, "\xE2\x80\x9CWe must act fast,\xE2\x80\x9D Trump said.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(extract(&d2, "Trump said: \"We must act fast.\"", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(d1.nquotes, 1);
    CHECK_INT(d2.nquotes, 1);
    CHECK_STR(d1.quotes[0].claim_id, d2.quotes[0].claim_id);
    ne_doc_reset(&d1);
    ne_doc_reset(&d2);
}

TEST(quote_stage_honours_enabled_flag)
{
    char err[256];
    ne_config *cfg = ne_config_defaults();
    CHECK(cfg != NULL);
    cfg->quotes.enabled = 0;
    void *st = ne_quotes_create(cfg, err, sizeof err);
    CHECK(st != NULL);
    ne_doc doc;
    CHECK_INT(extract(&doc, "\xE2\x80\x9CWe must act fast,\xE2\x80\x9D Trump said.", trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 1);
    ne_doc_reset(&doc);   /* a fresh document: the disabled stage leaves it without quotes */
    memset(&doc, 0, sizeof doc);
    CHECK_INT(ne_quotes_process(st, &doc), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_quotes_destroy(st);
    ne_config_free(cfg);
}

TEST(quote_empty_and_quote_free_texts)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "\"\n\"\"\n\xE2\x80\x9C", NULL, 0), 0);
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "The summit ended on Saturday without a joint statement.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

/* ---- issue 18: speakers and cues (each failed before the learned ranker
 * and cue forms) ------------------------------------------------------------ */

TEST(speaker_continues_across_paragraphs)
{
    static const ent_spec e[] = {PER("Doug McCallum", NE_GENDER_MALE, "Surrey Mayor Doug McCallum", "McCallum"),
                                 ORG("RCMP", "RCMP"), ORG("Surrey", "Surrey")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Surrey Mayor Doug McCallum defended the switch to a municipal police force on Monday.\n\n"
                            "\"We are not going back to the RCMP, and the province knows it,\" McCallum said.\n\n"
                            "Council voted 5-4 to proceed with the transition.\n\n"
                            "The vote came after a long debate.\n\n"
                            "\"This is what the people of Surrey voted for. Nobody gets to overturn an election.\"",
                      e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "Nobody gets to overturn");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Doug McCallum");
    /* the speaker's span is the mention that names him */
    CHECK_SPAN(doc.body + q->speaker_start, q->speaker_end - q->speaker_start, q->speaker_text);
    ne_doc_reset(&doc);
}

TEST(speaker_named_after_the_quote)
{
    static const ent_spec e[] = {PER("Lindsey Graham", NE_GENDER_MALE, "Senator Lindsey Graham", "Graham")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"The deal is dead and everyone in this building knows it.\" That was the verdict of "
                            "Senator Lindsey Graham on Tuesday.", e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "The deal is dead");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Lindsey Graham");
    ne_doc_reset(&doc);
}

TEST(cue_remembered_frames_a_quote)
{
    static const ent_spec e[] = {PER("Jane Smith", NE_GENDER_FEMALE, "Jane Smith", "Smith")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"We were all very close to him in those years,\" Jane Smith remembered.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].cue, "remembered");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Jane Smith");
    ne_doc_reset(&doc);
}

TEST(cue_weighed_in_frames_a_quote)
{
    static const ent_spec e[] = {PER("Jane Doe", NE_GENDER_FEMALE, "Senator Jane Doe", "Doe")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Senator Jane Doe weighed in: \"This bill is a disaster for working families.\"", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].cue, "weighed in");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Jane Doe");
    ne_doc_reset(&doc);
}

TEST(cue_according_to_reports_the_clause_before_it)
{
    static const ent_spec e[] = {PER("Janet Yellen", NE_GENDER_FEMALE, "Janet Yellen", "Yellen")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The economy is slowing faster than anyone expected, according to Janet Yellen.", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "The economy is slowing faster than anyone expected");
    CHECK_STR(doc.quotes[0].cue, "according to");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Janet Yellen");
    ne_doc_reset(&doc);
}

TEST(cue_as_she_put_it_frames_a_quote)
{
    static const ent_spec e[] = {PER("Jane Doe", NE_GENDER_FEMALE, "Jane Doe", "Doe")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"We have a lot of work to do before November,\" as Jane Doe put it.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(doc.quotes[0].cue, "put it");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Jane Doe");
    ne_doc_reset(&doc);
}

TEST(cue_word_used_as_a_noun_is_no_cue)
{
    static const ent_spec e[] = {PER("Donald Trump", NE_GENDER_MALE, "President Trump", "Trump")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "A newly reported phone call with President Trump: \"We are almost ready to buy more "
                            "Javelins.\"", e, NENTS(e)), 0);
    for (size_t i = 0; i < doc.nquotes; i++) {
        const ne_quote *q = &doc.quotes[i];
        CHECK(!q->cue || (strcmp(q->cue, "reported") != 0 && strcmp(q->cue, "call") != 0));
        CHECK(!q->speaker_text || (strcmp(q->speaker_text, "A newly") != 0 && strcmp(q->speaker_text, "phone") != 0));
    }
    ne_doc_reset(&doc);
    /* "a Trump tweet" does not make Trump the speaker */
    CHECK_INT(extract(&doc, "A Trump tweet on Friday said: \"The fake news media is the enemy of the people.\"", e,
                      NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:A Trump tweet");
    ne_doc_reset(&doc);
}

TEST(split_quote_keeps_its_parts_and_never_glues_sentences)
{
    static const ent_spec e[] = {PER("Jane Doe", NE_GENDER_FEMALE, "Jane Doe", "Doe")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "\"We saved the boats,\" Jane Doe said. \"Nobody got hurt.\"", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    const ne_quote *q = &doc.quotes[0];
    CHECK_STR(q->text, "We saved the boats \xE2\x80\xA6 Nobody got hurt.");
    CHECK_INT(q->nparts, 2);
    CHECK_SPAN(doc.body + q->parts[0].start, q->parts[0].end - q->parts[0].start, "We saved the boats");
    CHECK_SPAN(doc.body + q->parts[1].start, q->parts[1].end - q->parts[1].start, "Nobody got hurt.");
    CHECK_STR(speaker(&doc, q), "Jane Doe");
    CHECK_SPAN(doc.body + q->speaker_start, q->speaker_end - q->speaker_start, "Jane Doe");
    ne_doc_reset(&doc);
}

TEST(cue_described_by_x_as_names_the_speaker)
{
    static const ent_spec e[] = {PER("Dmitry Peskov", NE_GENDER_MALE, "Dmitry Peskov", "Peskov"),
                                 ORG("Kremlin", "Kremlin")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "The meeting was described by Kremlin spokesman Dmitry Peskov as \"constructive and "
                            "businesslike.\"", e, NENTS(e)), 0);
    const ne_quote *q = find(&doc, "constructive and businesslike");
    CHECK(q != NULL);
    CHECK_INT(q->kind, NE_QUOTE_PARTIAL);
    CHECK_STR(q->cue, "described");
    CHECK_STR(speaker(&doc, q), "Dmitry Peskov");
    ne_doc_reset(&doc);
}

TEST(indirect_question_is_no_claim)
{
    static const ent_spec e[] = {PER("Donald Trump", NE_GENDER_MALE, "Donald Trump", "Trump"),
                                 PER("Vladimir Putin", NE_GENDER_MALE, "Vladimir Putin", "Putin")};
    ne_doc doc;
    /* a question reports what someone wanted to know: no statement */
    CHECK_INT(extract(&doc, "Trump said he asked Putin if he had interfered in the US election.", e, NENTS(e)), 0);
    for (size_t i = 0; i < doc.nquotes; i++)
        CHECK(strstr(doc.quotes[i].text, "interfered in the US election") == NULL ||
              strncmp(doc.quotes[i].text, "he asked", 8) == 0);
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Reporters asked Trump why the talks had failed.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "Trump asked whether Putin would visit Washington next year.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    /* the statement beside it still is one */
    CHECK_INT(extract(&doc, "Trump said that Putin had denied interfering in the election.", e, NENTS(e)), 0);
    size_t said = 0;
    for (size_t i = 0; i < doc.nquotes; i++)
        if (doc.quotes[i].cue && !strcmp(doc.quotes[i].cue, "said")) {
            CHECK_INT(doc.quotes[i].kind, NE_QUOTE_INDIRECT);
            CHECK_STR(speaker(&doc, &doc.quotes[i]), "Donald Trump");
            said++;
        }
    CHECK_INT(said, 1);
    ne_doc_reset(&doc);
}


TEST(quote_across_wrapped_lines)
{
    static const ent_spec tower[] = {
        PER("John Tower", NE_GENDER_MALE, "John\nTower", "Tower"),
        ORG("White House", "White House"),
    };
    ne_doc doc;
    CHECK_INT(extract(&doc, NE_TEST_WIRE_STORY, tower, NENTS(tower)), 0);
    const ne_quote *q = find(&doc, "We have asked");
    CHECK(q != NULL);
    CHECK_INT(q->kind, NE_QUOTE_DIRECT);
    CHECK_STR(q->text, "We have asked the White House for the documents three times and we\n"
                       "have received nothing that would let us judge the decision");
    CHECK_SPAN(doc.body + q->start, q->end - q->start, q->text);
    CHECK_STR(speaker(&doc, q), "John Tower");
    CHECK_STR(q->cue, "told");
    /* the reported clause that runs over three lines, with its speaker */
    q = find(&doc, "the administration had failed");
    CHECK(q != NULL);
    CHECK_INT(q->kind, NE_QUOTE_INDIRECT);
    CHECK(strstr(q->text, "hold\nhearings next week") != NULL);
    CHECK_STR(speaker(&doc, q), "John Tower");
    CHECK_STR(q->speaker_text, "John\nTower");
    ne_doc_reset(&doc);
}

/* ---- issue 18: speakers through the coreference, end to end ---------------
 * The text goes through the entities stage (tagger, clustering,
 * coreference) and then the quotes stage, as the service runs them; the
 * speaker is read off the published quote: the entity's canonical name.
 * Skipped without models/ner.model and models/coref.model. */

static void *chain_entities;
static ne_config *chain_cfg;

static int chain(ne_doc *doc, const char *text)
{
    char err[512];
    memset(doc, 0, sizeof *doc);
    if (!chain_entities) {
        static const char json[] = "{\"entities\": {\"model\": \"models/ner.model\"}}";
        if (!chain_cfg) chain_cfg = ne_config_load_string(json, strlen(json), err, sizeof err);
        if (chain_cfg) chain_entities = ne_entities_create(chain_cfg, err, sizeof err);
        if (!chain_entities) return -1;
    }
    doc->id = strdup("art1");
    doc->body = strdup(text);
    doc->body_len = strlen(text);
    if (ne_text_analyze(&doc->body_text, doc->body, doc->body_len)) return -1;
    ne_entities_process(chain_entities, doc);
    ne_quotes_ws *ws = ne_quotes_ws_new();
    ne_quotes_extract(ws, doc);
    ne_quotes_ws_free(ws);
    return 0;
}

#define NEED_CHAIN(doc, text) do { if (chain(doc, text) < 0) { ne_doc_reset(doc); SKIP("models not found"); } } while (0)

TEST(chain_the_mayor_speaks_for_the_named_mayor)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Surrey Mayor Doug McCallum defended the switch to a municipal police force on Monday. "
                     "Council voted 5-4 to proceed with the transition.\n\n"
                     "\"We are not going back to the RCMP,\" the mayor said.");
    const ne_quote *q = find(&doc, "not going back");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Doug McCallum");
    CHECK_STR(q->speaker_text, "the mayor");
    ne_doc_reset(&doc);
}

TEST(chain_he_is_the_man_not_the_woman_named_before)
{
    /* neither given name is in the bundled gazetteer; the Census names
     * (models/given_names.tsv) say who is a man */
    ne_doc doc;
    NEED_CHAIN(&doc, "Monique Laurent was travelling to Cairo to visit her daughter, the church said. Dwayne "
                     "Porter, a pastor with the church in Ohio, told reporters that she was a regular at "
                     "services. \"She is a very kind woman, devoted to her faith,\" he added.");
    const ne_quote *q = find(&doc, "very kind woman");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Dwayne Porter");
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Mandy Hollins, 45, had run the bakery for a decade. Her husband was arrested on Friday. "
                     "In interview Mr Hollins told detectives: \"I do not know why I did it.\"");
    q = find(&doc, "why I did it");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Hollins");
    ne_doc_reset(&doc);
}

TEST(chain_long_apposition_with_two_relative_clauses_keeps_its_subject)
{
    /* the phrase reader walks back from ", said" to "a scandal" and finds
     * no subject; the name that opens the clause is it */
    ne_doc doc;
    NEED_CHAIN(&doc, "Martin Keller, the former state governor who resigned in 2011 after a bribery scandal, and "
                     "who now runs a consulting firm, said he was \"not interested\" in returning to politics.");
    const ne_quote *q = find(&doc, "not interested");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Martin Keller");
    ne_doc_reset(&doc);
}

TEST(chain_reported_clause_starts_after_a_time_or_medium_without_that)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Northfield Mills said on Monday it would close two plants in Ohio. Jane Porter, its chief "
                     "executive, said in a statement last week the company had no other choice. She said in a "
                     "way nobody expected.");
    const ne_quote *q = find(&doc, "close two plants");
    CHECK(q != NULL);
    if (q) CHECK_STR(q->text, "it would close two plants in Ohio");
    q = find(&doc, "no other choice");
    CHECK(q != NULL);
    if (q) CHECK_STR(q->text, "the company had no other choice");
    CHECK(find(&doc, "nobody expected") == NULL || strncmp(find(&doc, "nobody expected")->text, "nobody", 6));
    ne_doc_reset(&doc);
}

TEST(chain_the_vice_president_is_never_the_president)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Vice President Tom Ashby spoke to reporters on Monday. President Carl Dunn wants a deal "
                     "before the summer. The Vice President said talks were going well. The President said he "
                     "was hopeful.");
    const ne_quote *q = find(&doc, "talks were going well");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Tom Ashby");
    q = find(&doc, "hopeful");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Carl Dunn");
    ne_doc_reset(&doc);
}

TEST(chain_subject_is_the_head_not_a_name_in_its_complement)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Relatives and neighbours of suspect Marko Velic said he loved football and music.");
    const ne_quote *q = find(&doc, "loved football");
    CHECK(q != NULL);
    if (q) CHECK(strcmp(speaker(&doc, q), "Marko Velic") != 0);   /* his relatives' words */
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Jane Novak with the Delmar Institute said that the rankings have always measured both "
                     "factors.");
    q = find(&doc, "rankings");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Jane Novak");
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "A branch of bookseller Plinth Books in Ravensworth said it had sold out of the novel.");
    q = find(&doc, "sold out");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Plinth Books");
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Tom Reyes, an official at the Hopi Housing Authority in Arizona, which has a long waiting "
                     "list, said the rule would hurt families.");
    q = find(&doc, "hurt families");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Tom Reyes");
    ne_doc_reset(&doc);
}

TEST(chain_inverted_speaker_after_another_persons_role_is_the_later_name)
{
    /* Holt is named before, so the tagger knows him; the words are his
     * adviser's (a false alert for Holt's watchers) */
    ne_doc doc;
    NEED_CHAIN(&doc, "President Dan Holt signed the bill on Friday. Holt wants to cut the budget.\n\n"
                     "\"The real work is being done outside the agency,\" argues Holt adviser and former "
                     "Congressman Peter Quill.");
    const ne_quote *q = find(&doc, "real work");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Peter Quill");
    ne_doc_reset(&doc);
}

TEST(chain_party_and_state_before_a_title_are_not_the_speaker)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "\"If you block a road, you should go to jail,\" said Republican state Rep. Dana Worrell, "
                     "who wrote two of the bills. \"And you should pay for it.\"");
    const ne_quote *q = find(&doc, "block a road");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Dana Worrell");
    ne_doc_reset(&doc);
}

TEST(chain_words_reported_twice_are_one_quote_of_the_named_speaker)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Dr Ana Coll said the results suggested that teachers \"are real engines for social "
                     "mobility\".");
    size_t n = 0;
    for (size_t i = 0; i < doc.nquotes; i++) n += strstr(doc.quotes[i].text, "real engines") != NULL;
    CHECK_INT(n, 1);
    const ne_quote *q = find(&doc, "real engines");
    if (q) CHECK_STR(speaker(&doc, q), "Ana Coll");
    ne_doc_reset(&doc);
}

TEST(chain_a_shows_title_after_its_network_is_no_quote)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Mayor Tom Reed warned on NBC's \"Today\" that \"it would not be unreasonable to have 500\" "
                     "dead.");
    CHECK(find(&doc, "Today") == NULL);
    const ne_quote *q = find(&doc, "unreasonable");
    CHECK(q != NULL);
    if (q) {
        CHECK_STR(speaker(&doc, q), "Tom Reed");
        CHECK(strstr(q->text, "NBC") == NULL);
    }
    ne_doc_reset(&doc);
}

TEST(chain_he_said_chains_to_a_name_paragraphs_back)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Mr Vafai suggested a new rule for the browser.\n\n"
                     "If the browser spots this, it would stop the page.\n\n"
                     "The change would help users. Blocking it any other way would be hard, he said.\n\n"
                     "\"I am suggesting we add a permission,\" he wrote.");
    const ne_quote *q = find(&doc, "add a permission");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Vafai");
    ne_doc_reset(&doc);
}

TEST(chain_quotation_after_an_opening_connective_continues_the_speaker)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "\"They have less time to adapt,\" biologist Ross Reed said. Plus, \"there were no big walls "
                     "to stop them. So we may see more losses.\"");
    const ne_quote *q = find(&doc, "no big walls");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Ross Reed");
    ne_doc_reset(&doc);
}

TEST(chain_the_former_president_is_not_the_sitting_one)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Former President Carl Mendez spoke in Ohio on Thursday, in a rebuke of President Dan Holt. "
                     "\"We need to recall our identity,\" Mendez said. \"Bullying sets a national tone,\" the "
                     "former president said.");
    const ne_quote *q = find(&doc, "Bullying");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Carl Mendez");
    ne_doc_reset(&doc);
}

TEST(chain_the_writers_i_said_is_never_a_person_named_nearby)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "My friend Julia Marsh told me she phoned me just after my operation and I said: \"The sun is "
                     "shining and I have a fantastic view.\"");
    const ne_quote *q = find(&doc, "sun is shining");
    CHECK(q != NULL);
    if (q) CHECK(q->speaker_entity < 0);
    q = find(&doc, "phoned me");
    CHECK(q != NULL);
    if (q) CHECK(strstr(q->text, "sun is shining") == NULL);   /* her report ends before "and I said" */
    ne_doc_reset(&doc);
}

TEST(chain_bragged_and_hinted_report_claims)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "In his annual letter to shareholders, Warren Bloom bragged that his company's credit was "
                     "\"pristine.\" Mayor Ellen Drake hinted that her water tax plan had softened.");
    const ne_quote *q = find(&doc, "pristine");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Warren Bloom");
    q = find(&doc, "water tax");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Ellen Drake");
    ne_doc_reset(&doc);
}

TEST(chain_a_group_in_a_place_is_not_the_place)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Iranians in the US have complained Apple stores had refused to sell them phones.");
    const ne_quote *q = find(&doc, "refused to sell");
    CHECK(q != NULL);
    if (q) CHECK(q->speaker_entity < 0);
    ne_doc_reset(&doc);
}

TEST(chain_her_father_is_the_man_named_as_her_father)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Amanda Bailly made her first film last year. Her father, John Bailly, is a retired lawyer. "
                     "\"We are very proud of Amanda,\" her father said.");
    const ne_quote *q = find(&doc, "very proud");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "John Bailly");
    ne_doc_reset(&doc);
}

TEST(chain_citing_a_source_say_for_example_and_quoted_headings_are_no_quotes)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Fueling of the rocket appears nearly complete, South Korea's Yonhap news agency reported, "
                     "citing an unidentified government official.");
    CHECK(find(&doc, "unidentified government official") == NULL);
    CHECK(find(&doc, "Fueling of the rocket") != NULL);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Part of this is standard political treacle, a way for, say, a wealthy graduate like Ann "
                     "Romney to seem relatable.");
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "\"There is a voice in the back of our head,\" says John Petersik.\n\n"
                     "'Don't burn out'\n\n"
                     "But cutting back comes at a price for the couple.");
    CHECK(find(&doc, "burn out") == NULL);
    CHECK(find(&doc, "voice in the back") != NULL);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Quorra has confirmed it no longer supports the old chips.\n\n"
                     "\"Old tablets will still get security patches\"\n\n"
                     "Quorra says the change affects few users.");
    CHECK(find(&doc, "security patches") == NULL);
    ne_doc_reset(&doc);
}

TEST(chain_a_report_ends_before_but_x_accused)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Russia has denied the allegations and President Dan Holt has branded the story \"fake news\".");
    const ne_quote *q = find(&doc, "fake news");
    CHECK(q != NULL);
    if (q) {
        CHECK_STR(speaker(&doc, q), "Dan Holt");
        CHECK(strstr(q->text, "allegations") == NULL);
    }
    ne_doc_reset(&doc);
}

TEST(chain_the_company_opening_a_sentence_is_the_one_that_opened_the_last)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Acme Motors managed to print record highs after beating Globex Corp and Initech Inc in the "
                     "quarter. The company said it delivered more than 25,000 electric vehicles.");
    const ne_quote *q = find(&doc, "25,000");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Acme Motors");
    ne_doc_reset(&doc);
}

TEST(chain_round_eight_frames_as_x_said_neither_nor_and_things_continued)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Robots are not a distant scenario, as Donald Trump's treasury secretary Steve Manton said in "
                     "an interview last week.");
    const ne_quote *q = find(&doc, "distant scenario");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Steve Manton");
    CHECK(find(&doc, "in an interview") == NULL);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Neither Mason nor her attorney immediately responded Saturday to requests for comment.");
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "The Bank of Norland said the limit of 2% would remain out of reach if the central bank "
                     "continued its incremental steps. Mayor Tom Vale has happily claimed credit for the falling "
                     "crime rate.");
    q = find(&doc, "incremental steps");
    if (q && strncmp(q->text, "its", 3) == 0) CHECK(q->no_alert);
    q = find(&doc, "falling crime rate");
    CHECK(q == NULL || q->no_alert);
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "The numbers changed over the summer, as Senator Ann Ruiz has sometimes acknowledged.");
    q = find(&doc, "numbers changed");
    CHECK(q != NULL);
    if (q) CHECK_STR(speaker(&doc, q), "Ann Ruiz");
    ne_doc_reset(&doc);
}

TEST(chain_the_rookie_defenceman_is_the_player_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Quinn Hughes, the rookie defenceman, scored twice as Vancouver beat Chicago 5-2 on Saturday.\n\n"
                     "\"I just tried to keep it simple out there,\" the rookie defenceman said.");
    const ne_quote *q = find(&doc, "keep it simple");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Quinn Hughes");
    ne_doc_reset(&doc);
}

TEST(chain_the_56_year_old_is_the_man_of_that_age)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Jose Mourinho, 56, was appointed Tottenham manager on Wednesday. "
                     "The club said the contract runs until 2023.\n\n"
                     "\"I am delighted to join a club with such a magnificent squad,\" the 56-year-old said.");
    const ne_quote *q = find(&doc, "delighted to join");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Jose Mourinho");
    ne_doc_reset(&doc);
}

TEST(chain_the_statement_is_the_company_that_issued_it)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Volkswagen said in a statement on Monday that it would cooperate with investigators.\n\n"
                     "\"No customer has been hurt and the affected cars will be repaired free of charge,\" "
                     "the statement said.");
    const ne_quote *q = find(&doc, "No customer has been hurt");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Volkswagen");
    ne_doc_reset(&doc);
}

TEST(chain_the_department_is_the_named_department)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "The Justice Department opened an inquiry into the bank on Tuesday. "
                     "Lawyers for the bank objected.\n\n"
                     "\"The review will take several months,\" the department said.");
    const ne_quote *q = find(&doc, "several months");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Justice Department");
    ne_doc_reset(&doc);
}

TEST(chain_his_office_speaks_for_him)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "The mayor, Doug McCallum, did not attend the meeting on Monday.\n\n"
                     "\"The report will be published on Friday,\" his office said.");
    const ne_quote *q = find(&doc, "published on Friday");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Doug McCallum");
    ne_doc_reset(&doc);
}

TEST(chain_a_long_titled_names_office_speaks_for_the_person)
{
    /* a two-word title before the possessor put the name too far from
     * "office": the speaker was null */
    ne_doc doc;
    NEED_CHAIN(&doc, "The trip to India was cancelled, Prime Minister Justin Trudeau's office said on Sunday.");
    const ne_quote *q = find(&doc, "trip to India");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Justin Trudeau");
    ne_doc_reset(&doc);
}

TEST(chain_the_mayors_office_speaks_for_the_mayor)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Surrey Mayor Doug McCallum met council members on Monday.\n\n"
                     "\"We will not back down,\" the mayor's office said in a statement.");
    const ne_quote *q = find(&doc, "not back down");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Doug McCallum");
    CHECK_STR(q->speaker_text, "the mayor's office");
    ne_doc_reset(&doc);
}

/* Described speakers no role or apposition ties to a name (issue 18):
 * the title is the cue's subject, the person the paragraph before is
 * about is named; the coreference model, trained with news texts as
 * distant supervision, joins them (before: the speaker stayed the bare
 * description, no alert for the named person). */
TEST(chain_the_senator_said_is_the_senator_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Bernie Sanders defended his call to raise the federal minimum wage to $15 an hour on "
                     "Saturday.\n\n"
                     "\"I apologize to nobody for that,\" the senator said.");
    const ne_quote *q = find(&doc, "apologize to nobody");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Bernie Sanders");
    CHECK_STR(q->speaker_text, "the senator");
    ne_doc_reset(&doc);
}

TEST(chain_the_coach_said_is_the_coach_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Mike Babcock was not happy after Saturday's 4-1 loss in Montreal.\n\n"
                     "\"We didn't compete for 60 minutes,\" the coach said.");
    const ne_quote *q = find(&doc, "compete for 60 minutes");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Mike Babcock");
    ne_doc_reset(&doc);
}

TEST(chain_the_prime_minister_said_is_the_prime_minister_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Justin Trudeau spoke to reporters in Ottawa on Friday about the pipeline.\n\n"
                     "\"We will not back down,\" the prime minister said.");
    const ne_quote *q = find(&doc, "not back down");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Justin Trudeau");
    ne_doc_reset(&doc);
}

/* The other way: a spokesman is someone else than the person named, and
 * "the prime minister" that the coreference now joins to Trudeau does
 * not make "a spokesman for the prime minister" Trudeau
 * (quotes_speakers.c, described_office_of), before the subject or after
 * an inverted cue. */
TEST(chain_a_spokesman_for_the_named_person_is_not_that_person)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Justin Trudeau announced the plan on Friday. "
                     "A spokesman for the prime minister said details would follow next week.");
    const ne_quote *q = find(&doc, "details would follow");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "described:A spokesman for the prime minister");
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Justin Trudeau announced the plan on Friday.\n\n"
                     "\"Details will follow next week,\" said a spokesman for the prime minister.");
    q = find(&doc, "Details will follow");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "described:a spokesman for the prime minister");
    ne_doc_reset(&doc);
    NEED_CHAIN(&doc, "Justin Trudeau announced the plan on Friday.\n\n"
                     "\"Details will follow next week,\" a spokesman said.");
    q = find(&doc, "Details will follow");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "described:a spokesman");
    ne_doc_reset(&doc);
}

TEST(chain_relayed_words_go_to_who_said_them_not_to_the_office)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Senator Susan Collins met the nominee on Tuesday.\n\n"
                     "Her office said the nominee told her: \"I will respect precedent.\"");
    const ne_quote *q = NULL;
    for (size_t i = 0; i < doc.nquotes; i++)
        if (doc.quotes[i].kind == NE_QUOTE_DIRECT) q = &doc.quotes[i];
    CHECK(q != NULL);
    CHECK_STR(q->text, "I will respect precedent.");
    CHECK_STR(speaker(&doc, q), "described:the nominee");
    /* the office's report of it is hers */
    const ne_quote *r = find(&doc, "the nominee told her");
    CHECK(r != NULL);
    CHECK_STR(speaker(&doc, r), "Susan Collins");
    ne_doc_reset(&doc);
}

TEST(chain_the_company_said_in_a_statement_is_the_company_named)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "Boeing said on Monday it would cut 12,000 jobs.\n\n"
                     "\"We regret the impact on our employees,\" the company said in a statement.");
    const ne_quote *q = find(&doc, "We regret the impact");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Boeing");
    ne_doc_reset(&doc);
    /* two companies named: the text does not say which */
    NEED_CHAIN(&doc, "Boeing and Airbus both reported weak orders on Monday.\n\n"
                     "\"We regret the impact on our employees,\" the company said in a statement.");
    q = find(&doc, "We regret the impact");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "described:the company");
    ne_doc_reset(&doc);
}

TEST(chain_the_departments_statement_is_the_department)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "The Justice Department opened an inquiry into the bank on Tuesday.\n\n"
                     "\"The review will take several months,\" the department's statement said.");
    const ne_quote *q = find(&doc, "several months");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Justice Department");
    ne_doc_reset(&doc);
}

/* ---- issue 18: the learned statement filter (quotes_filter.c): a cue word
 * in another sense than speech frames no statement. The negative tests
 * each failed before the filter (the frames reported the clause after the
 * verb); the positive ones guard true statements against it. --------------- */

TEST(filter_naming_an_official_is_no_statement)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "The mayor named his police commissioner on Tuesday.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
    CHECK_INT(extract(&doc, "The governor named a new police chief on Friday after a nationwide search.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(filter_declaring_victory_is_no_statement)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "Trump declared victory on Tuesday night after the results came in.",
                      trump_putin, NENTS(trump_putin)), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(filter_writing_about_an_event_is_no_statement)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "He wrote about the event in his weekly column for the newspaper.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 0);
    ne_doc_reset(&doc);
}

TEST(filter_keeps_a_said_that_clause)
{
    ne_doc doc;
    CHECK_INT(extract(&doc, "The mayor said that the city would close three schools next year.", NULL, 0), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "the city would close three schools next year");
    CHECK_STR(doc.quotes[0].cue, "said");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "described:The mayor");
    ne_doc_reset(&doc);
}

TEST(filter_keeps_a_report_closed_by_its_speaker)
{
    /* the seed article's first statement, a watched person's alert */
    ne_doc doc;
    CHECK_INT(extract(&doc, "President Vladimir Putin feels insulted by allegations of Russian interference in the "
                            "2016 US election, US President Donald Trump said after meeting him briefly at an "
                            "Asia-Pacific summit in Vietnam.", trump_putin, NENTS(trump_putin)), 0);
    const ne_quote *q = find(&doc, "feels insulted by allegations");
    CHECK(q != NULL);
    CHECK_INT(q->kind, NE_QUOTE_INDIRECT);
    CHECK_STR(speaker(&doc, q), "Donald Trump");
    ne_doc_reset(&doc);
}

TEST(filter_keeps_a_partial_quote_naming_a_plan)
{
    static const ent_spec e[] = {PER("Hillary Clinton", NE_GENDER_FEMALE, "Hillary Clinton", "Clinton")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Clinton called the proposal \xE2\x80\x9Creprehensible, prejudiced and "
                            "divisive.\xE2\x80\x9D", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_PARTIAL);
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Hillary Clinton");
    ne_doc_reset(&doc);
}

/* ---- the statement filter on clauses whose verb also takes a noun object ----
 * Issue 18's error analysis found speech verbs with a noun-phrase object
 * taken for statements in web news ("Moscow denied the accusation
 * Friday.", "Updike told him a little story", "Digital Foundry explained
 * more about …"). The filter keeps those, as PolNeAR's labels and
 * quote_indirect_said_denied_rejected ask (mk/statements.mk); whatever
 * changes that must keep the same verbs' reported clauses, pinned here. */

TEST(filter_keeps_a_denial_that_reports_a_clause)
{
    static const ent_spec e[] = {LOC("Moscow", "Moscow")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Moscow denied that it had interfered in the election.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "it had interfered in the election");
    CHECK_STR(doc.quotes[0].cue, "denied");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Moscow");
    ne_doc_reset(&doc);
}

TEST(filter_keeps_a_clause_told_to_a_listener)
{
    static const ent_spec e[] = {PER("John Updike", NE_GENDER_MALE, "John Updike", "Updike")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Updike told him that the story was true.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "the story was true");
    CHECK_STR(doc.quotes[0].cue, "told");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "John Updike");
    ne_doc_reset(&doc);
}

TEST(filter_keeps_an_explained_that_clause)
{
    static const ent_spec e[] = {ORG("Digital Foundry", "Digital Foundry")};
    ne_doc doc;
    CHECK_INT(extract(&doc, "Digital Foundry explained that the console would run games at 4K.", e, NENTS(e)), 0);
    CHECK_INT(doc.nquotes, 1);
    CHECK_INT(doc.quotes[0].kind, NE_QUOTE_INDIRECT);
    CHECK_STR(doc.quotes[0].text, "the console would run games at 4K");
    CHECK_STR(doc.quotes[0].cue, "explained");
    CHECK_STR(speaker(&doc, &doc.quotes[0]), "Digital Foundry");
    ne_doc_reset(&doc);
}

/* ---- issue 18: described speakers resolved by the learned resolver --------
 * (quotes_describe.c, models/describe.model): a definite description that
 * coreference, the roles and the one-organisation rule left bare is given
 * the entity the model ranks first when it is confident, else stays bare.
 * Real sentences (PolNeAR train, Reuters via Breitbart and HuffPost, on
 * which the model was trained). Through the whole chain, as above. */

TEST(chain_described_the_gambling_tycoon_is_the_donor_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "MACAU (Reuters) \xE2\x80\x93 Top Republican Party donor Sheldon Adelson said on Friday he met "
                     "presidential candidate Donald Trump earlier this week and that the two American billionaires "
                     "broached the issue at the heart of Adelson\xE2\x80\x99s political agenda: support for Israel.\n\n"
                     "While the mega donor didn\xE2\x80\x99t disclose his degree of backing for the front-runner in the "
                     "race for the Republican nomination, he did say he found Trump to be \xE2\x80\x9Cvery "
                     "charming\xE2\x80\x9D and called his standing in the crowded candidate field \xE2\x80\x9Cunheard "
                     "of.\xE2\x80\x9D\n\n"
                     "\xE2\x80\x9CIt was very nice,\xE2\x80\x9D the gambling tycoon told Reuters in a rare interview "
                     "in Macau when asked if he had met Trump, who leads in opinion polls of Republican voters. "
                     "\xE2\x80\x9CHe was very charming.\xE2\x80\x9D");
    const ne_quote *q = find(&doc, "It was very nice");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "Sheldon Adelson");
    CHECK_STR(q->speaker_text, "the gambling tycoon");
    ne_doc_reset(&doc);
}

TEST(chain_described_the_airline_is_the_airline_named_before)
{
    ne_doc doc;
    NEED_CHAIN(&doc, "EgyptAir has confirmed that there were 56 passengers and 10 crew members on board, among them "
                     "30 Egyptian citizens, 15 French nationals and citizens from Algeria, Belgium, Canada, Chad, "
                     "Iraq, Kuwait, Portugal, Saudi Arabia, Sudan and the U.K.\n\n"
                     "Mohamed Mamdouh Assem, the plane\xE2\x80\x99s co-pilot, had logged 2,766 flying hours. He had no "
                     "known political affiliations, the airline added, and had passed all background security "
                     "checks.");
    const ne_quote *q = find(&doc, "background security checks");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "EgyptAir");
    CHECK_STR(q->speaker_text, "the airline");
    ne_doc_reset(&doc);
}

TEST(chain_described_the_woman_after_nobody_named_stays_unnamed)
{
    /* a guard: nobody is named, so no entity may be given (a wrong one is a
     * false alert) */
    ne_doc doc;
    NEED_CHAIN(&doc, "Dozens of residents gathered outside the burned building on Sunday morning as firefighters "
                     "searched the upper floors.\n\n"
                     "\"We lost everything,\" the woman said, holding her two children.");
    const ne_quote *q = find(&doc, "We lost everything");
    CHECK(q != NULL);
    CHECK_STR(speaker(&doc, q), "described:the woman");
    ne_doc_reset(&doc);
}
