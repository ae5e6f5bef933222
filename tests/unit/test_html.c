/* Tests for HTML article extraction (enrichers/html/). */
#include "tests/unit/test.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrichers/html/html.h"

static int extract(const char *html, ne_html_page *p)
{
    return ne_html_extract(html, strlen(html), p);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_author(const ne_html_page *p, const char *name)
{
    for (size_t i = 0; i < p->nauthors; i++)
        if (strcmp(p->authors[i], name) == 0) return 1;
    return 0;
}

/* A news page as sites serve it: head full of metadata, JSON-LD, scripts,
 * styles, a navigation bar, a share bar, a figure with caption and credit,
 * an aside of related links, a newsletter promo, a comment form, a footer. */
static const char news_page[] =
    "<!DOCTYPE html>\n<html lang=\"en-GB\" class=\"no-js\"><head>\n"
    "<meta charset=\"iso-8859-1\">\n"
    "<title>Putin and Trump agree on Syria statement | The Daily Planet</title>\n"
    "<meta property=\"og:title\" content=\"Putin and Trump agree on Syria statement\">\n"
    "<meta property=\"og:site_name\" content=\"The Daily Planet\">\n"
    "<meta property=\"article:published_time\" content=\"2017-11-11T08:15:00Z\">\n"
    "<link rel=\"canonical\" href=\"https://planet.example/world/putin-trump-syria\">\n"
    "<style>body { font-family: serif; } .x:before { content: \"said\"; }</style>\n"
    "<script>var ImageRendition = {\"quote\": \"not text\"}; dataLayer.push({});</script>\n"
    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
    "\"@type\":\"NewsArticle\",\"headline\":\"Putin and Trump agree on Syria statement\","
    "\"datePublished\":\"2017-11-11T08:15:00Z\",\"author\":[{\"@type\":\"Person\","
    "\"name\":\"Lois Lane\"},{\"@type\":\"Person\",\"name\":\"Clark Kent\"}],"
    "\"publisher\":{\"@type\":\"Organization\",\"name\":\"The Daily Planet\"}}</script>\n"
    "</head><body>\n"
    "<nav class=\"site-nav\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a>"
    "</li><li><a href=\"/politics\">Politics</a></li></ul></nav>\n"
    "<div id=\"page\"><div class=\"share-bar\"><a href=\"#\">Share on Facebook</a> "
    "<a href=\"#\">Share on Twitter</a></div>\n"
    "<article class=\"story\">\n"
    "<h1>Putin and Trump agree on Syria statement</h1>\n"
    "<p class=\"byline\">By <a rel=\"author\" href=\"/lois\">Lois Lane</a> and Clark Kent</p>\n"
    "<!-- a comment: \"this is not text\" -->\n"
    "<p>DA NANG, Vietnam &mdash; President Vladimir Putin of Russia and President Trump "
    "agreed on a joint statement on Syria on Saturday, the Kremlin said, after the two "
    "leaders spoke briefly on the sidelines of a summit.</p>\n"
    "<figure><img src=\"a.jpg\"><figcaption>Mr. Putin, left, and Mr. Trump in Da Nang. "
    "<span class=\"credit\">Photo: Jorge Silva/Reuters</span></figcaption></figure>\n"
    "<p>&ldquo;We had a very good conversation,&rdquo; Mr. Putin told reporters, adding that "
    "the statement had been prepared by the two countries&rsquo; foreign ministers, and that "
    "it would be published later in the day.</p>\n"
    "<h2>A statement, not a meeting</h2>\n"
    "<p>The White House had said earlier that a formal meeting was not possible because of "
    "scheduling conflicts on both sides, although the two men shook hands and chatted.</p>\n"
    "<div class=\"newsletter-promo\"><p>Sign up for our morning newsletter, delivered "
    "to your inbox every day, with the news you need to know.</p><form><input "
    "type=\"email\"><button>Sign up</button></form></div>\n"
    "<p>The statement said the two leaders agreed that there was no military solution to "
    "the conflict in Syria, and confirmed their commitment to its sovereignty, "
    "independence, unity and territorial integrity.</p>\n"
    "</article>\n"
    "<aside class=\"related\"><h3>Related</h3><ul><li><a href=\"/a\">Trump heads to "
    "Vietnam for the summit of Pacific leaders</a></li><li><a href=\"/b\">What to watch "
    "for at the APEC summit this weekend</a></li></ul></aside>\n"
    "<div id=\"comments\"><h3>Leave a comment</h3><form><textarea></textarea></form></div>\n"
    "</div>\n"
    "<footer><p>&copy; 2017 The Daily Planet. All rights reserved.</p></footer>\n"
    "<script>window.analytics && analytics.track(\"page\");</script>\n"
    "</body></html>\n";

TEST(html_news_page_text)
{
    ne_html_page p;
    CHECK_INT(extract(news_page, &p), 0);
    CHECK(p.text_len > 0);
    CHECK_INT(strlen(p.text), p.text_len);
    /* the article's paragraphs and its subheading, in order, as paragraphs */
    CHECK(starts_with(p.text, "DA NANG, Vietnam \xE2\x80\x94 President Vladimir Putin"));
    CHECK(strstr(p.text, "\xE2\x80\x9CWe had a very good conversation,\xE2\x80\x9D Mr. Putin") != NULL);
    CHECK(strstr(p.text, "later in the day.\n\nA statement, not a meeting\n\nThe White House") != NULL);
    CHECK(strstr(p.text, "territorial integrity.") != NULL);
    /* none of the furniture */
    CHECK(strstr(p.text, "Putin and Trump agree") == NULL);   /* the repeated headline */
    CHECK(strstr(p.text, "Home") == NULL);
    CHECK(strstr(p.text, "Share on") == NULL);
    CHECK(strstr(p.text, "Lois Lane") == NULL);
    CHECK(strstr(p.text, "Photo:") == NULL);
    CHECK(strstr(p.text, "Da Nang.") == NULL);                 /* the caption */
    CHECK(strstr(p.text, "newsletter") == NULL);
    CHECK(strstr(p.text, "Vietnam for the summit") == NULL);
    CHECK(strstr(p.text, "comment") == NULL);
    CHECK(strstr(p.text, "rights reserved") == NULL);
    CHECK(strstr(p.text, "ImageRendition") == NULL);
    CHECK(strstr(p.text, "font-family") == NULL);
    CHECK(strstr(p.text, "NewsArticle") == NULL);
    CHECK(strstr(p.text, "  ") == NULL);
    CHECK(!p.truncated);
    ne_html_page_reset(&p);
    CHECK(p.text == NULL && p.title == NULL);
}

TEST(html_news_page_metadata)
{
    ne_html_page p;
    CHECK_INT(extract(news_page, &p), 0);
    CHECK_STR(p.title, "Putin and Trump agree on Syria statement");
    CHECK_STR(p.url, "https://planet.example/world/putin-trump-syria");
    CHECK_STR(p.language, "en-GB");
    CHECK_STR(p.published_at, "2017-11-11T08:15:00Z");
    CHECK_STR(p.site_name, "The Daily Planet");
    CHECK(has_author(&p, "Lois Lane"));
    CHECK(has_author(&p, "Clark Kent"));
    CHECK_INT(p.nauthors, 2);   /* the byline repeats them: no duplicates */
    ne_html_page_reset(&p);
}

TEST(html_metadata_fallbacks)
{
    ne_html_page p;
    const char *page =
        "<html><head><title>Storm closes schools across the region - Valley Gazette</title>"
        "<meta name=\"author\" content=\"By Ann Smith and Bob Jones\">"
        "<meta http-equiv=\"Content-Language\" content=\"en_US\">"
        "<meta property=\"og:url\" content=\"https://gazette.example/storm\">"
        "</head><body><div class=\"content\"><h1>Storm closes schools across the region</h1>"
        "<time datetime=\"2020-02-03T07:00:00-05:00\">Feb. 3</time>"
        "<p>Heavy snow closed schools in six counties on Monday, officials said, and more "
        "was expected overnight, with drifts of up to two feet in the hills.</p>"
        "<p>Road crews worked through the night, but several highways remained closed "
        "into the afternoon, the state transport department said.</p></div></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK_STR(p.title, "Storm closes schools across the region");
    CHECK_STR(p.url, "https://gazette.example/storm");
    CHECK_STR(p.language, "en-US");
    CHECK_STR(p.published_at, "2020-02-03T07:00:00-05:00");
    CHECK(p.site_name == NULL);
    CHECK_INT(p.nauthors, 2);
    CHECK_STR(p.authors[0], "Ann Smith");
    CHECK_STR(p.authors[1], "Bob Jones");
    CHECK(starts_with(p.text, "Heavy snow closed"));
    CHECK(strstr(p.text, "said, and more was expected") != NULL);
    ne_html_page_reset(&p);

    /* No og:title, no h1: <title> without the site name; a bad lang is ignored. */
    CHECK_INT(extract("<html lang=\"en us!\"><head><title>The Site | Ten things to know "
                      "about the vote</title></head><body><p>x</p></body></html>", &p), 0);
    CHECK_STR(p.title, "Ten things to know about the vote");
    CHECK(p.language == NULL);
    ne_html_page_reset(&p);
}

TEST(html_no_article_text)
{
    ne_html_page p;
    /* A section front: only navigation and lists of headline links. */
    const char *page =
        "<!doctype html><html><head><title>World news - The Site</title>"
        "<meta property=\"og:site_name\" content=\"The Site\"></head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
        "<div class=\"stories\"><ul>"
        "<li><a href=\"/1\">Floods hit the north as rivers burst their banks overnight</a></li>"
        "<li><a href=\"/2\">Election results: the full list of winners in every seat</a></li>"
        "<li><a href=\"/3\">Markets fall for a third day on fears of a slowdown</a></li>"
        "</ul></div><footer>Contact us</footer></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK_INT(p.text_len, 0);
    CHECK_STR(p.text, "");
    CHECK_STR(p.title, "World news");
    ne_html_page_reset(&p);

    CHECK_INT(extract("", &p), 0);
    CHECK_INT(p.text_len, 0);
    ne_html_page_reset(&p);
    CHECK_INT(extract("<html><head><script>var a = 1;</script></head></html>", &p), 0);
    CHECK_INT(p.text_len, 0);
    ne_html_page_reset(&p);
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * times + tl + 1), *w = s;
    if (!s) return NULL;
    memcpy(w, head, hl); w += hl;
    for (size_t i = 0; i < times; i++) { memcpy(w, unit, ul); w += ul; }
    memcpy(w, tail, tl + 1);
    return s;
}

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 100,000 nested tags, unclosed everything, stray end tags (libxml2's
 * recovery alone is quadratic there), a 10 MB page: bounded. */
TEST(html_budget_deep_and_unclosed)
{
    static const char *const units[] = { "<div>", "<div></span>", "<div><p><b><i><table><tr><td>x",
                                         "<span>", "<p>" };
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        ne_html_page p;
        char *page = repeat("<html><body><p>Start of the page, with enough words to count as "
                            "a paragraph of text.</p>", units[u], 100000, "deep text</body></html>");
        double t0;
        CHECK(page != NULL);
        t0 = cpu_s();
        CHECK_INT(extract(page, &p), 0);
        CHECK(cpu_s() - t0 < 5.0);
        if (u < 3) CHECK(p.truncated);
        CHECK(p.nelems <= NE_HTML_MAX_ELEMS);
        CHECK(strstr(p.text, "Start of the page") != NULL);
        ne_html_page_reset(&p);
        free(page);
    }
}

TEST(html_budget_big_page)
{
    ne_html_page p;
    char *page = repeat("<html><body><div class=\"article-body\">",
                        "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
                        "eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>\n",
                        80000, "</div></body></html>");
    double t0;
    CHECK(page != NULL);
    CHECK(strlen(page) > 10 * 1000 * 1000);
    t0 = cpu_s();
    CHECK_INT(extract(page, &p), 0);
    CHECK(cpu_s() - t0 < 5.0);
    CHECK(p.text_len > 1000000);
    CHECK(!p.truncated);
    ne_html_page_reset(&p);
    free(page);
}

TEST(html_not_utf8_and_nul)
{
    ne_html_page p;
    static const char bytes[] = "<html><body><p>Caf\xE9 cr\xE8me, na\xEF" "ve fa\xE7" "ade and a longer "
                                "sentence so it counts.</p>\0<p>after</p></body></html>";
    CHECK_INT(ne_html_extract(bytes, sizeof bytes - 1, &p), 0);
    CHECK_INT(strlen(p.text), p.text_len);
    ne_html_page_reset(&p);
}

TEST(html_sniff)
{
    CHECK(ne_html_sniff("<!DOCTYPE html><html>", 21));
    CHECK(ne_html_sniff("\xEF\xBB\xBF \n<!doctype HTML>", 20));
    CHECK(ne_html_sniff("<html lang=\"en\" class=\"no-js\"><head>", 37));
    CHECK(ne_html_sniff("<HTML>", 6));
    CHECK(ne_html_sniff("<?xml version=\"1.0\"?>\n<!-- x -->\n<head><title>t</title>", 54));
    CHECK(ne_html_sniff("<meta charset=utf-8><body>hello", 31));
    CHECK(!ne_html_sniff("Headline\n\nBody text with <b>bold</b>.", 37));
    CHECK(!ne_html_sniff("<p>A fragment</p>", 17));
    CHECK(!ne_html_sniff("<htmlx>", 7));
    CHECK(!ne_html_sniff("{\"body\":\"<html>\"}", 17));
    CHECK(!ne_html_sniff("", 0));
    CHECK(!ne_html_sniff("   ", 3));
}

/* libxml2's parser is HTML 4's: </nav> is ignored while a <div> opened in
 * the nav is still open, so the nav holds the rest of the page. The
 * article must survive it (and the menu still go). */
TEST(html_unclosed_nav_swallowing_the_article)
{
    ne_html_page p;
    const char *page =
        "<!doctype html><html><body><nav class=\"menu\"><div class=\"menu-items\">"
        "<a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
        "<article><h1>Harbour bridge approved</h1>"
        "<p>The city council approved the new harbour bridge on Monday by a vote of seven "
        "to two, ending a debate that had lasted for more than a decade.</p>"
        "<p>Construction is to start next spring, the council said, and should take three "
        "years, with the old bridge staying open until then.</p></article>"
        "<footer><div>Contact us</footer></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(starts_with(p.text, "The city council approved"));
    CHECK(strstr(p.text, "staying open until then.") != NULL);
    CHECK(strstr(p.text, "Home") == NULL);
    CHECK(strstr(p.text, "Contact") == NULL);
    ne_html_page_reset(&p);
}

/* Furniture lines inside the article's container: dates, credits, the
 * reporting line, promos. An embedded tweet stays, its words one
 * paragraph and its account line the next (the text stage keeps both out
 * of the running text; the quotes stage makes them a `post` quote). */
TEST(html_furniture_lines)
{
    ne_html_page p;
    const char *page =
        "<html><body><div class=\"story-body\">"
        "<p>Updated 8:40 PM EST, Fri February 24, 2012</p>"
        "<p>The council met on Monday to vote on the bridge, and the motion passed by seven "
        "votes to two after a long debate about its cost.</p>"
        "<blockquote class=\"twitter-tweet\"><p>Great day for the harbour! #bridge</p>"
        "\xE2\x80\x94 Tom Baker (@tombaker) February 24, 2012</blockquote>"
        "<p>[Featured Image by Jane Roe/Getty Images]</p>"
        "<p>Work is to start next spring, the council said, and should take three years, "
        "with the old bridge open until then.</p>"
        "<p>Reporting by Ann Smith; Editing by Bob Jones</p>"
        "<p>Jane Roe contributed to this report.</p>"
        "<p>Follow @harbourpost on Twitter for more.</p>"
        "<p>Bridge day! pic.twitter.com/AbCdEf123</p>"
        "<p>Ann Smith can be reached at ann@post.example or (555) 010-2030.</p>"
        "<p>___</p>"
        "</div></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(starts_with(p.text, "The council met on Monday"));
    CHECK(strstr(p.text, "\n\nGreat day for the harbour! #bridge\n\n"
                         "\xE2\x80\x94 Tom Baker (@tombaker) February 24, 2012\n\n") != NULL);
    CHECK(strstr(p.text, "Updated") == NULL);
    CHECK(strstr(p.text, "Featured") == NULL);
    CHECK(strstr(p.text, "Editing") == NULL);
    CHECK(strstr(p.text, "contributed") == NULL);
    CHECK(strstr(p.text, "Follow") == NULL);
    CHECK(strstr(p.text, "open until then.") != NULL);
    CHECK(strstr(p.text, "pic.twitter") == NULL);
    CHECK(strstr(p.text, "reached") == NULL);
    CHECK(strstr(p.text, "___") == NULL);
    ne_html_page_reset(&p);
}

/* Authors: the metadata's when it names some; else the first byline
 * element's names, not the other authors a sidebar links to. */
TEST(html_authors_from_the_byline_not_the_sidebar)
{
    ne_html_page p;
    const char *page =
        "<html><body><div class=\"post\"><p class=\"byline\">By Traci Oshiro</p>"
        "<p>This past week I have been racking my brain trying to figure out an interesting, "
        "clever topic to write about, and here it is.</p></div>"
        "<div class=\"contributors\"><a rel=\"author\" href=\"/a\">Martin Bashir</a>"
        "<a rel=\"author\" href=\"/b\">Chloe Angyal</a></div></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK_INT(p.nauthors, 1);
    CHECK_STR(p.authors[0], "Traci Oshiro");
    ne_html_page_reset(&p);
}

static char *title_of(const char *head_and_body)
{
    ne_html_page p;
    char *t;
    if (extract(head_and_body, &p) != 0) return NULL;
    t = p.title ? strdup(p.title) : NULL;
    ne_html_page_reset(&p);
    return t;
}

#define CHECK_TITLE(page, want)                                          \
    do { char *t_ = title_of(page); int ok_ = t_ && !strcmp(t_, want);   \
         if (!ok_) test_fail(__FILE__, __LINE__, "title \"%s\", expected \"%s\"", t_ ? t_ : "(null)", want); \
         free(t_); if (!ok_) return; } while (0)

/* Site and section names out of <title>; a colon only after an address. */
TEST(html_title_without_site_and_section)
{
    CHECK_TITLE("<title>Forbes.com: Many Cores On Many Chips</title>", "Many Cores On Many Chips");
    CHECK_TITLE("<title>BBC NEWS | Technology | Apple iPod sets sights on video</title>",
                "Apple iPod sets sights on video");
    CHECK_TITLE("<title>FOXNews.com - Wilma Churns Waves Into Cuba</title>", "Wilma Churns Waves Into Cuba");
    CHECK_TITLE("<title>Trump: Putin Says He Didn't Meddle in the Election</title>",
                "Trump: Putin Says He Didn't Meddle in the Election");
    CHECK_TITLE("<title>Storm closes schools early - Valley Gazette</title>", "Storm closes schools early");
    /* a section's name in <title>, the headline in <h1> */
    CHECK_TITLE("<html><head><title>Entertainment</title></head><body><h1>Paula Abdul Breaks "
                "Nose in Dog Mishap</h1><p>x</p></body></html>", "Paula Abdul Breaks Nose in Dog Mishap");
}

/* The repeated headline goes even when it is worded a little apart from
 * og:title; a subheading does not. */
TEST(html_repeated_headline_fuzzy)
{
    ne_html_page p;
    const char *page =
        "<html><head><meta property=\"og:title\" content=\"Seven-Layered Burger Sold For "
        "Rs 6.53 Lakhs In Dubai\"></head><body><article>"
        "<h1>This Seven-Layered Burger Sold For Rs 6.53 Lakhs In Dubai</h1>"
        "<p>Dubai is no stranger to extravagance, from the tallest buildings to luxury cars, and "
        "of course, food is no exception.</p><h2>A burger for charity</h2>"
        "<p>The money raised goes to breast cancer awareness, the organisers said on Sunday, "
        "after the auction closed.</p></article></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(starts_with(p.text, "Dubai is no stranger"));
    CHECK(strstr(p.text, "\n\nA burger for charity\n\n") != NULL);
    ne_html_page_reset(&p);
}

/* Authors are people: brands, places, job titles and agencies are not. */
TEST(html_authors_are_people)
{
    ne_html_page p;
    const char *page =
        "<html><head><meta name=\"author\" content=\"CNN\">"
        "<meta name=\"author\" content=\"Richard A. Serrano, Times Staff Writer\">"
        "<meta name=\"author\" content=\"ROD McGUIRK The Associated Press\">"
        "<meta name=\"author\" content=\"FoxNews.com\">"
        "<meta name=\"author\" content=\"Sara Williams, Amman\">"
        "<meta name=\"author\" content=\"\xE8\x82\x96\xE6\x98\xA5\xE8\x8A\xB3\"></head>"
        "<body><p>x</p></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK_INT(p.nauthors, 4);
    CHECK_STR(p.authors[0], "Richard A. Serrano");
    CHECK_STR(p.authors[1], "ROD McGUIRK");
    CHECK_STR(p.authors[2], "Sara Williams");
    CHECK_STR(p.authors[3], "\xE8\x82\x96\xE6\x98\xA5\xE8\x8A\xB3");   /* 肖春芳 */
    ne_html_page_reset(&p);
}

/* The article's second half in a box named as furniture (Herald Sun's
 * <div id="read-more-content">, after a "Read more" link and an ad): kept,
 * since its content is paragraphs of prose; the link and ad are not. */
TEST(html_read_more_box_of_prose_is_kept)
{
    ne_html_page p;
    const char *page =
        "<html><body><div class=\"story-body\">"
        "<p>The roadshow featured the Prime Minister's national security adviser and the "
        "police commissioner, who met executives from the networks and the newspapers.</p>"
        "<p>They held meetings with News Corporation and Fairfax, the ABC and the union, "
        "and promised changes to the bill before it goes to a vote.</p>"
        "<div id=\"read-more\"><div id=\"read-more-link\"><a href=\"\">Read more</a></div>"
        "<div id=\"middleAd\"><div class=\"ad-block\"></div></div>"
        "<div id=\"read-more-content\">"
        "<p>The Bill would require telecommunications providers to store so-called metadata, "
        "the who, where, when and how of a communication, for two years.</p>"
        "<p>The Press Council is concerned the laws would crush investigative journalism, "
        "and the media union wants journalists exempted from them.</p>"
        "<p>The Data Retention Bill will be debated in the House of Representatives this week, "
        "and media chief executives will appear before the committee on Friday.</p>"
        "</div></div></div></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(starts_with(p.text, "The roadshow featured"));
    CHECK(strstr(p.text, "store so-called metadata") != NULL);
    CHECK(strstr(p.text, "committee on Friday.") != NULL);
    CHECK(strstr(p.text, "Read more") == NULL);
    ne_html_page_reset(&p);
}

/* An article split over sibling boxes (Engadget's "post contents" with
 * the lead and "continued contents" with the rest, each deep in its own
 * grid cells): both are the text; the "From around the web" box is not. */
TEST(html_article_split_over_sibling_boxes_is_joined)
{
    ne_html_page p;
    const char *page =
        "<html><body><div id=\"page_body\"><div class=\"flush-top\">"
        "<div class=\"o-article_block\"><div class=\"grid\"><div class=\"grid__cell\">"
        "<div class=\"article-text\"><p>There's no question that the Great Barrier Reef and "
        "other coral fields <a href=\"/2016/11/28/reef\">are hurting as a result of rising</a> water "
        "temperatures. But is there a straightforward way to save "
        "them, or do they need more drastic action?</p>"
        "</div></div></div></div>"
        "<div class=\"js-notMobileReferredByFbTw\"><div class=\"o-article_block\"><div class=\"grid\">"
        "<div class=\"grid__cell\"><div class=\"article-text no-review\">"
        "<p>As such, the only surefire solution would be to take urgent and rapid action to "
        "slow global warming, the researchers said, since local fixes have not helped.</p>"
        "<p>While the faster-growing coral can usually recover between bleaching events, "
        "that is not an option for others, and long gaps between events are unlikely.</p>"
        "<p>The study, published in Nature, looked at three bleaching events over two decades "
        "along the whole length of the reef, from the Torres Strait to the south.</p>"
        "<p>Cleaner water, tighter fishing rules and other local measures made no difference, "
        "the authors found: clean and dirty reefs bleached alike, in every region.</p>"
        "<p>Only a cut in emissions, they wrote, would give the slower corals, which need a "
        "decade or more to recover, a chance to come back between the heat waves.</p>"
        "</div></div></div></div></div></div>"
        "<div class=\"around-the-web\"><h2>From around the web</h2><ul>"
        "<li><a href=\"/a\">Ten tricks for a cleaner kitchen</a></li>"
        "<li><a href=\"/b\">You will not believe these prices</a></li></ul></div>"
        "</div></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(starts_with(p.text, "There's no question"));
    CHECK(strstr(p.text, "urgent and rapid action") != NULL);
    CHECK(strstr(p.text, "Torres Strait") != NULL);
    CHECK(strstr(p.text, "kitchen") == NULL);
    ne_html_page_reset(&p);
}

/* A section front (BBC News's index pages): linked headlines, each with a
 * one-sentence summary, is no article — no text, so the record is
 * dead-lettered as no_article_text. A listicle whose linked headings
 * stand over long paragraphs is an article. */
TEST(html_section_front_of_teasers_has_no_article_text)
{
    ne_html_page p;
    char page[8192];
    static const char *const teasers[][2] = {
        { "Film critic Roger Ebert dies at 70",
          "Hollywood actors and directors pay tribute to US film critic Roger Ebert, who has died." },
        { "Knopfler cancels Russia concerts",
          "Mark Knopfler cancels two concerts in Russia in protest over a crackdown on rights groups." },
        { "Queen receives honorary Bafta",
          "The Queen receives an honorary Bafta for her support for British film at a ceremony." },
        { "Museum reopens after refit",
          "The Natural History Museum reopens its main hall after a two-year refit costing millions." },
    };
    size_t n = (size_t)snprintf(page, sizeof page, "<html><body><div id=\"index\">");
    for (size_t i = 0; i < 4; i++)
        n += (size_t)snprintf(page + n, sizeof page - n,
                              "<div class=\"story\"><h3><a href=\"/news/%zu\">%s</a></h3><p>%s</p></div>",
                              i, teasers[i][0], teasers[i][1]);
    snprintf(page + n, sizeof page - n, "</div></body></html>");
    CHECK_INT(extract(page, &p), 0);
    CHECK_INT((long)p.text_len, 0);
    ne_html_page_reset(&p);

    /* the same layout with long paragraphs: a listicle, kept */
    n = (size_t)snprintf(page, sizeof page, "<html><body><div id=\"list\">");
    for (size_t i = 0; i < 4; i++)
        n += (size_t)snprintf(page + n, sizeof page - n,
                              "<div class=\"item\"><h3><a href=\"/game/%zu\">%s</a></h3><p>%s %s %s</p></div>",
                              i, teasers[i][0], teasers[i][1], teasers[(i + 1) % 4][1],
                              teasers[(i + 2) % 4][1]);
    snprintf(page + n, sizeof page - n, "</div></body></html>");
    CHECK_INT(extract(page, &p), 0);
    CHECK(p.text_len > 600);
    ne_html_page_reset(&p);
}

/* An author's bio closing the article is not article text; the same
 * sentence shape in the middle of the story is. */
TEST(html_author_bio_at_the_end_is_left_out)
{
    ne_html_page p;
    const char *page =
        "<html><body><article>"
        "<p>Ceres, the largest object in the asteroid belt, has a thin atmosphere that comes and "
        "goes with the activity of the Sun, scientists reported on Tuesday.</p>"
        "<p>Michael Villarreal is a planetary scientist at the University of California who led "
        "the study, and he said the finding surprised the team.</p>"
        "<p>The Dawn spacecraft, which has orbited Ceres since 2015, measured energetic particles "
        "striking the dwarf planet's surface during solar storms.</p>"
        "<p>Laurel Kornfeld is an amateur astronomer and freelance writer from Highland Park, NJ, "
        "who enjoys writing about astronomy and planetary science.</p>"
        "</article></body></html>";
    CHECK_INT(extract(page, &p), 0);
    CHECK(strstr(p.text, "Michael Villarreal is a planetary scientist") != NULL);
    CHECK(strstr(p.text, "solar storms.") != NULL);
    CHECK(strstr(p.text, "Kornfeld") == NULL);
    ne_html_page_reset(&p);
}
