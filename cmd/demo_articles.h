/* The demo's sample articles: fictional, news-like, written for newsenrich.
 * Two of them are the same wire story as run by two outlets (a near
 * duplicate pair), the first is also syndicated word for word (an exact
 * duplicate, see demo.c), one comes as a web page, one as a hard-wrapped
 * wire story, one is sent again as an updated version, and three records
 * are broken on purpose to show the dead-letter path. */
#ifndef NE_DEMO_ARTICLES_H
#define NE_DEMO_ARTICLES_H

typedef struct demo_article {
    const char *id, *source, *url, *published_at, *title, *body;
} demo_article;

static const demo_article demo_articles[] = {
    {"demo-harbour-1", "Coastal Herald", "https://coastalherald.example/2026/11/harbour-deal",
     "2026-11-20T08:15:00Z",
     "Port authority agrees harbour expansion after months of talks",
     "The Marlow Port Authority on Thursday approved a 40-million-euro expansion of the northern "
     "harbour, ending months of negotiations with fishing cooperatives.\n\n"
     "\"This is a good day for the town and for the people who work the boats,\" said Ingrid Vass, "
     "the authority's chair. \"Nobody got everything they wanted, but everybody got something.\"\n\n"
     "The deal reserves two berths for small trawlers and caps night-time cargo traffic. "
     "Tomas Reyes, who speaks for the Northern Fishers' Cooperative, said the group would watch "
     "closely how the caps were enforced.\n\n"
     "\"We have heard promises before,\" Mr. Reyes told reporters. \"This time we want them in writing, "
     "and we have them in writing.\"\n\n"
     "Share this:\n"
     "Leave a comment"},
    {"demo-harbour-2", "Bay Times", "https://www.baytimes.example/news/harbour-expansion?utm_source=wire",
     "2026-11-20T09:02:00Z",
     "Marlow harbour expansion approved",
     "The Marlow Port Authority on Thursday approved a 40-million-euro expansion of the northern "
     "harbour, ending months of negotiations with fishing cooperatives.\n\n"
     "\"This is a good day for the town and for the people who work the boats,\" said Ingrid Vass, "
     "the authority's chair. \"Nobody got everything they wanted, but everybody got something.\"\n\n"
     "The deal reserves two berths for small trawlers and caps night-time cargo traffic. "
     "Tomas Reyes, who speaks for the Northern Fishers' Cooperative, said the group would watch "
     "closely how the caps were enforced.\n\n"
     "Construction is due to start in the spring. baytimes.example"},
    {"demo-summit-1", "Capital Wire", "https://capitalwire.example/summit",
     "2026-11-21T14:30:00Z",
     "Ministers fail to agree on river treaty",
     "Environment ministers from the three river states ended two days of talks in Vellmark "
     "without agreeing on water quotas for the coming decade.\n\n"
     "\"We are closer than we were a year ago, but closer is not the same as done,\" "
     "Minister Anika Solberg said at a news conference on Saturday. She added that officials "
     "would meet again in January.\n\n"
     "Her counterpart, Dr. Paul Okafor, was more cautious. \"Some of the proposals on the table "
     "would hurt farmers downstream,\" he said. \"I will not sign anything that does that.\"\n\n"
     "According to a draft seen by Capital Wire, the states remain divided over the dry-season "
     "minimum flow."},
    {"demo-science-1", "Science Desk", NULL, "2026-11-22T10:00:00Z",
     "Glacier retreat measured from orbit",
     "A team at the University of Nordhavn has mapped the retreat of 1,200 glaciers using "
     "15 years of satellite images.\n\n"
     "The glaciers lost on average 0.8 metres of thickness a year, the team reported in the "
     "journal Earth Surface on Wednesday.\n\n"
     "\"The numbers are not surprising, but the detail is,\" said Prof. Lena Markovic, who led "
     "the study. \"We can now see individual valleys changing season by season.\""},
    {NULL, NULL, NULL, NULL, NULL, NULL}
};

/* Raw records as they arrive on articles.raw: the articles above (one of
 * them twice, an exact duplicate), a plain-text article, and bad input. */
static const char demo_plain_text_article[] =
    "City council votes to keep night buses\n"
    "\n"
    "The city council voted 31 to 12 on Monday to keep the night bus network running for "
    "another two years.\n"
    "\n"
    "\"People who work late need to get home safely,\" said councillor Mara Fenwick.\n"
    "\n"
    "Your email address will not be published.\n";

/* A web page as a crawler sends it, in the record's "html" field: the
 * article text and its metadata are extracted (enrichers/html/); the
 * navigation, script, JSON-LD, caption, share bar, newsletter promo and
 * related links are not. */
static const char demo_web_page_record[] =
    "{\"id\": \"demo-page-1\", \"html\": \"<!DOCTYPE html><html lang=\\\"en\\\"><head>"
    "<title>Ferry service to resume in spring | Marlow Gazette</title>"
    "<meta property=\\\"og:site_name\\\" content=\\\"Marlow Gazette\\\">"
    "<meta property=\\\"article:published_time\\\" content=\\\"2026-11-21T07:30:00Z\\\">"
    "<link rel=\\\"canonical\\\" href=\\\"https://gazette.example/ferry-spring\\\">"
    "<script type=\\\"application/ld+json\\\">{\\\"@type\\\": \\\"NewsArticle\\\", "
    "\\\"author\\\": {\\\"name\\\": \\\"Petra Lind\\\"}}</script>"
    "<script>var promo = \\\"Subscribe today\\\";</script></head><body>"
    "<nav class=\\\"menu\\\"><a href=\\\"/\\\">Home</a> <a href=\\\"/news\\\">News</a></nav>"
    "<article><h1>Ferry service to resume in spring</h1>"
    "<p class=\\\"byline\\\">By Petra Lind</p>"
    "<p>The ferry between Marlow and the northern islands will run again from April, the port "
    "authority said on Friday, after the new harbour berths are finished.</p>"
    "<figure><img src=\\\"ferry.jpg\\\"><figcaption>The old ferry in 2019. Photo: Gazette"
    "</figcaption></figure>"
    "<p>\\\"The islanders have waited long enough,\\\" said Ingrid Vass, the authority's chair. "
    "\\\"We will have boats in the water before Easter.\\\"</p>"
    "<div class=\\\"share-bar\\\"><a href=\\\"#\\\">Share on Facebook</a></div>"
    "<div class=\\\"newsletter-promo\\\"><p>Sign up for our morning newsletter.</p></div>"
    "</article><aside class=\\\"related\\\"><a href=\\\"/x\\\">Harbour deal approved after "
    "months of talks</a></aside><footer>Contact us</footer></body></html>\"}";

/* A wire story as news agencies' archives and many feeds deliver it:
 * lines hard-wrapped near 65 columns, paragraphs marked by indentation,
 * the watched minister's name and both her quotations broken across line
 * ends. The line breaks are read as spaces (enrichers/text); the body is
 * published as it came. */
static const demo_article demo_wire_story = {
    "demo-wire-1", "Capital Wire", NULL, "2026-11-22T16:05:00Z",
    "Flood barrier funds released after months of delay",
    "    VELLMARK, Nov 22 - Environment Minister Anika\n"
    "Solberg on Sunday set aside 12 million crowns to repair the river\n"
    "flood barriers damaged in the spring storms, ending a dispute with\n"
    "the regional councils over who should pay for the work.\n"
    "    \"The barriers protect forty thousand homes, and we cannot wait\n"
    "for the lawyers to finish arguing before we repair them,\" Solberg\n"
    "told reporters in Vellmark after meeting the council leaders.\n"
    "    She said the work would start in December. \"Every week we lose\n"
    "now is a week of risk for the people who live along the river,\"\n"
    "she said.\n"
    "    Council leader Henrik Dahl welcomed the decision but said the\n"
    "sum covered only half of the damage.\n"};

/* demo-summit-1 again, as the outlet updated it a day later: the same id
 * and URL, one paragraph more with a new quote by the watched minister. An
 * update, not a duplicate: enriched again, and only the new quote is a new
 * claim (one alert). Its body is demo-summit-1's with this appended. */
static const char demo_summit_update_paragraph[] =
    "\n\n\"If the other states want a treaty by the spring, they know where to find me,\" "
    "Solberg said in a radio interview on Sunday.";

static const char demo_broken_json[] = "{\"id\": \"demo-broken\", \"body\": \"unterminated";
static const char demo_invalid_utf8[] = "Headline\n\nA body with a stray byte \xff in it.";
static const char demo_missing_body[] = "{\"id\": \"demo-nobody\", \"title\": \"No body here\"}";

#endif
