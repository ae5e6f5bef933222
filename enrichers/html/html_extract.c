/* html_extract — boilerplate scoring over the page model: the main text.
 *
 * After Mozilla Readability's algorithm (Readability.js, Apache-2.0, read
 * for its ideas; nothing is copied), on our text blocks instead of a DOM:
 *  1. Elements whose class/id/role say navigation, comments, ads, … are
 *     dropped with their content (the "unlikely candidates"), as are the
 *     captions, credits, bylines, share and newsletter promos of the
 *     contract's furniture list — except a furniture-named box whose
 *     content is prose (a "read-more" wrapper around the article's second
 *     half: 2+ <p>, 400+ bytes, under 10 % links, no linked headline).
 *  2. Every text block of 25 bytes or more with a link density under 0.5,
 *     list items and definitions aside (Readability does not score them),
 *     scores 1 + its commas + min(len / 100, 3); the score goes to the
 *     paragraph's parent in full, the grandparent half, and further
 *     ancestors (up to 5 levels) a third of their level. Text that stands
 *     directly in a container (a <div> with text and <br>s) counts as a
 *     paragraph of that container. A candidate starts at its tag's weight
 *     (div 5, pre/td/blockquote 3, lists and forms -3, headings -5) plus
 *     its class/id weight (±25); its final score is scaled by
 *     (1 - link density).
 *  3. The best candidate climbs to an ancestor that scores higher, to
 *     its parent while it is an only child, and (up to 3 levels) to an
 *     ancestor whose other content is plain paragraphs (an article split
 *     over sibling boxes, a lead outside the body's box); its siblings
 *     join when they score at least a fifth of it (and 10), or are
 *     paragraphs of plain text (a <p>, or a box of them).
 *  4. Inside, containers are cleaned conditionally as Readability does
 *     (negative weight; few commas and too many links, images, inputs or
 *     list items for their paragraphs), and blocks that are mostly link
 *     text, or furniture lines ("Advertisement", "Read more", "Photo: …"),
 *     go. A first heading that repeats the title goes too.
 *  4b. The learned block filter (html_blocks.c) takes out the candidate
 *     blocks it is confident are not article text; embedded posts
 *     (Twitter, Instagram, Facebook blockquotes) stay as their words and
 *     account line, the embed's chrome ("View this post on Instagram")
 *     left out and Facebook's "Posted by Name on date" written as a
 *     tweet's account line with the account from the post's address.
 *     An author's bio among the last two blocks goes.
 *  5. When that leaves under 250 bytes, step 1 is undone and the page is
 *     scored again (Readability's retry); the longer text wins. Bylines
 *     ("By Jane Roe") go in any case.
 * A page whose best text has no block of 25 bytes with little link text,
 * or whose text is mostly teasers (a section front: summaries under
 * headline links), yields no text.
 *
 * Each rule was kept for its effect on the webextract training pages (the
 * four fifths the block filter trains on; BENCHMARKS.md has the figures).
 * Cost: a few passes over the elements and blocks, ~1.2 ms CPU per page
 * with the parse.
 */
#include "enrichers/html/html_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrichers/text/text.h"

static float link_density(const hx_elem *e)
{
    return e->a.text ? (float)e->a.link / (float)e->a.text : 0.0f;
}

static int tag_base(uint8_t tag)
{
    switch (tag) {
    case T_DIV: return 5;
    case T_PRE: case T_TD: case T_BLOCKQUOTE: return 3;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT: case T_LI:
    case T_FORM: return -3;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6: case T_TH: return -5;
    default: return 0;
    }
}

/* Tags whose text is a paragraph of their parent's (Readability scores p,
 * td, pre, headings; list items and definitions are alike here). */
static int paragraph_tag(uint8_t tag)
{
    switch (tag) {
    case T_P: case T_PRE: case T_TD: case T_H1: case T_H2: case T_H3: case T_H4:
    case T_H5: case T_H6: case T_LI: case T_DD: case T_DT: case T_TH: case T_ADDRESS:
        return 1;
    default:
        return 0;
    }
}

static void add_score(hx_elem *el, uint32_t i, float s)
{
    hx_elem *e = &el[i];
    if (!(e->flags & EF_CAND)) {
        e->flags |= EF_CAND;
        e->score = (float)(tag_base(e->tag) + e->weight);
    }
    e->score += s;
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int starts_i(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; lit[i]; i++)
        if (i >= n || ascii_lower((unsigned char)s[i]) != (unsigned char)lit[i]) return 0;
    return 1;
}

/* True when every word of s[0..n) but at most one is a date or time word
 * or holds a digit, and one holds a digit: "March 25, 2009", "Updated
 * 8:40 PM EST, Fri February 24, 2012", "12/28/2005 5:35:18 PM". */
static int date_line(const char *s, size_t n)
{
    static const char *const words[] = {
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
        "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
        "nov", "november", "dec", "december", "mon", "monday", "tue", "tues", "tuesday",
        "wed", "wednesday", "thu", "thur", "thurs", "thursday", "fri", "friday", "sat",
        "saturday", "sun", "sunday", "am", "pm", "a", "p", "m", "est", "edt", "et", "gmt",
        "bst", "utc", "pst", "pdt", "cst", "cdt", "cet", "updated", "update", "published",
        "posted", "last", "at", "on", "date", "time", "modified", "created", "ago", "min",
        "mins", "minutes", "hour", "hours", "day", "days", "read", "first", "th", "st", "nd",
        "rd", "and",
    };
    size_t tokens = 0, other = 0, digits = 0, i = 0;
    if (n > 100) return 0;
    while (i < n) {
        size_t a, len;
        int digit = 0;
        while (i < n && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                          (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0x80))
            i++;
        if (i >= n) break;
        a = i;
        while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                         (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0x80)) {
            if (s[i] >= '0' && s[i] <= '9') digit = 1;
            i++;
        }
        len = i - a;
        tokens++;
        if (digit) { digits++; continue; }
        {
            int known = 0;
            for (size_t w = 0; w < sizeof words / sizeof words[0] && !known; w++) {
                size_t k = 0;
                while (k < len && words[w][k] && ascii_lower((unsigned char)s[a + k]) == words[w][k]) k++;
                known = k == len && !words[w][k];
            }
            if (!known) other++;
        }
    }
    return digits > 0 && tokens >= 2 && other <= (tokens >= 5 ? 1u : 0u);
}

/* Short lines that are page furniture, not article text. */
static int furniture_block(const char *s, size_t n)
{
    static const char *const starts[] = {
        "advertisement", "read more", "read next", "related:", "related stories",
        "related articles", "more:", "see also", "photo:", "photos:", "image:",
        "credit:", "photo credit", "image credit", "(photo", "(image", "sign up",
        "subscribe", "follow us", "share this", "share on", "click here", "copyright",
        "\xC2\xA9", "all rights reserved", "getty images", "(getty", "ap photo",
        "(ap photo", "reuters/", "recommended", "most popular", "most read",
        "you may also like", "watch:", "video:", "listen:", "download the",
        "get the app", "this article was", "comments", "loading", "[featured image",
        "featured image", "image copyright", "image caption", "media playback",
        "published on", "posted on", "posted by", "last updated", "updated:", "follow @",
        "follow us", "got a tip", "trending stories", "more about:", "end quote",
        "start quote", "1 of ", "click to", "tap to", "continue reading", "view comments",
        "skip to", "print this", "email this", "filed under", "tags:", "topics:",
        "related topics", "(reuters)", "reporting by", "editing by",
        "additional reporting", "(reporting by", "(additional reporting", "(editing by",
        "(writing by", "writing by", "compiled by", "on the net:", "online:",
        "last 5 posts by", "buy featured book", "we pay for your stories",
    };
    /* an embedded post's text as pasted ("… pic.twitter.com/…") */
    if (memmem(s, n, "pic.twitter.com/", 16)) return 1;
    /* the reporter's contact line */
    if (n <= 200 && memchr(s, '@', n) &&
        (memmem(s, n, "can be reached", 14) || memmem(s, n, "Follow ", 7) ||
         memmem(s, n, "follow ", 7) || memmem(s, n, "Email ", 6) || memmem(s, n, "email ", 6) ||
         memmem(s, n, "Contact ", 8) || memmem(s, n, "contact ", 8)))
        return 1;
    if (n > 160) return 0;
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (starts_i(s, n, starts[i])) return 1;
    if (date_line(s, n)) return 1;
    /* no letter or digit at all ("___", "* * *") */
    {
        size_t i = 0;
        while (i < n && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                          (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0xC3))
            i++;
        if (i == n) return 1;
    }
    /* an embedded post's account line: "— Jane Roe (@jroe) March 3, 2017" */
    if ((starts_i(s, n, "\xE2\x80\x94") || starts_i(s, n, "- ")) && memmem(s, n, "(@", 2))
        return 1;
    if (memmem(s, n, "contributed to this report", 26) || memmem(s, n, "contributed reporting", 21))
        return 1;
    /* a byline: "By Jane Roe", "By Jane Roe and John Doe, Reuters" */
    if (n <= 80 && starts_i(s, n, "by ") && n > 3 && s[3] >= 'A' && s[3] <= 'Z' &&
        s[n - 1] != '.' && !memchr(s, '"', n))
        return 1;
    return 0;
}

/* The words of s[0..n) (letters, digits, bytes of non-ASCII letters),
 * ASCII lower-cased, as hashes into h[0..cap); returns how many. */
static size_t word_hashes(const char *s, size_t n, uint32_t *h, size_t cap)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        uint32_t x = 2166136261u;
        size_t a = i;
        while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                         (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0x80)) {
            x = (x ^ (uint32_t)ascii_lower((unsigned char)s[i])) * 16777619u;
            i++;
        }
        if (i > a) h[k++] = x;
        else i++;
    }
    return k;
}

/* Share of a's words found in b. */
static double covered(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t hit = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i] == b[j]) { hit++; break; }
    return na ? (double)hit / (double)na : 0;
}

/* A heading that repeats the title: the same words, give or take a
 * quarter of either ("This Seven-Layered Burger Sold …" for the og:title
 * "Seven-Layered Burger Sold …"; Readability's _headerDuplicatesTitle). */
static int same_text(const char *a, size_t na, const char *b, size_t nb)
{
    uint32_t wa[64], wb[64];
    size_t ka = word_hashes(a, na, wa, 64), kb = word_hashes(b, nb, wb, 64);
    if (!ka || !kb) return 0;
    return covered(wa, ka, wb, kb) >= 0.75 && covered(wb, kb, wa, ka) >= 0.75;
}

/* The outermost post element holding element i (EF_POST is on it and its
 * descendants). */
static uint32_t post_of(const hx_elem *el, uint32_t i)
{
    while (el[i].parent != HX_NONE && (el[el[i].parent].flags & EF_POST)) i = el[i].parent;
    return i;
}

/* A post's account line: "— Jane Roe (@jroe) March 3, 2017". */
static int post_account_line(const char *s, size_t n)
{
    size_t at, nm, ne;
    return ne_text_post_account(s, n, &at, &nm, &ne) && at == 0;
}

/* An embed's own chrome, not the post: Instagram's "View this post on
 * Instagram", Facebook's "See more" / "Watch on Facebook". */
static int post_chrome(const char *s, size_t n)
{
    return n <= 40 && (starts_i(s, n, "view this post on") || starts_i(s, n, "see more") ||
                       starts_i(s, n, "watch on facebook") || starts_i(s, n, "view on instagram"));
}

/* A Facebook post's account line, "Posted by Jane Roe on Thursday, March
 * 2, 2017", written as Twitter's ("— Jane Roe (@JaneRoe) Thursday, March
 * 2, 2017") with the account from the post's address, so the text stage
 * keeps the post out of the running text and the quotes stage reads its
 * speaker as for a tweet. Its length in out[], 0 when s is not one or the
 * post names no account. */
static size_t facebook_account(const hx_model *m, uint32_t post, const char *s, size_t n,
                               char *out, size_t cap)
{
    const char *handle = NULL, *on;
    size_t name, date;
    int w;
    for (size_t i = 0; i < m->npost_handles && !handle; i++)
        if (m->post_handles[i].el == post) handle = m->post_handles[i].handle;
    if (!handle || n > 200 || !starts_i(s, n, "posted by ")) return 0;
    on = memmem(s + 10, n - 10, " on ", 4);
    if (!on) return 0;
    name = (size_t)(on - s) - 10;
    date = n - (size_t)(on - s) - 4;
    if (!name || name > 80 || !date) return 0;
    w = snprintf(out, cap, "\xE2\x80\x94 %.*s (@%s) %.*s", (int)name, s + 10, handle, (int)date, on + 4);
    return w > 0 && (size_t)w < cap ? (size_t)w : 0;
}

/* Paragraph text with next to no links and no images or inputs. */
#define PLAIN_MIN_TEXT 150
static int plain_paragraphs(const hx_elem *e)
{
    return e->a.n_p >= 1 && e->a.text >= PLAIN_MIN_TEXT && e->a.link * 10 < e->a.text &&
           e->a.n_img == 0 && e->a.n_input == 0 && e->a.n_embed == 0 && e->a.commas >= 1;
}

/* A block that is a headline link: a short block all but a tenth link. */
static int linked_headline(const hx_block *k)
{
    return k->len >= 10 && k->len <= 150 && k->link * 10 >= k->len * 9;
}

/* An author's bio at the article's end: "Laurel Kornfeld is an amateur
 * astronomer and freelance writer from Highland Park, NJ, who …", "Jane
 * Roe is a reporter for …" — " is a(n) " within the first 60 bytes and a
 * writer's word, in a block of at most 400 bytes among the last BIO_TAIL
 * candidates. */
#define BIO_TAIL 2
static int author_bio(const char *s, size_t n)
{
    static const char *const roles[] = {
        "writer", "reporter", "journalist", "correspondent", "editor", "columnist",
        "contributor", "author of", "freelance", "blogger",
    };
    const char *is;
    size_t head = n < 60 ? n : 60;
    if (n > 400 || !(s[0] >= 'A' && s[0] <= 'Z')) return 0;
    if (!(is = memmem(s, head, " is a ", 6)) && !(is = memmem(s, head, " is an ", 7))) return 0;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (memmem(is, n - (size_t)(is - s), roles[i], strlen(roles[i]))) return 1;
    return 0;
}

/* Readability's _cleanConditionally, on aggregates. */
static int clean_conditionally(const hx_elem *e)
{
    int is_list = e->tag == T_UL || e->tag == T_OL;
    float ld;
    long li;
    if (!(e->tag == T_DIV || e->tag == T_SECTION || e->tag == T_UL || e->tag == T_OL ||
          e->tag == T_TABLE || e->tag == T_FORM || e->tag == T_DL || e->tag == T_HEADER ||
          e->tag == T_FIGURE))
        return 0;
    /* a negative name ("el__leafmedia--sourced-paragraph") on a box of
     * plain paragraphs is not enough: the text decides (the learned
     * filter sees its blocks) */
    if (e->weight + ((e->flags & EF_CAND) ? e->score : 0) < 0 && !plain_paragraphs(e)) return 1;
    if (e->a.commas >= 10) return 0;
    ld = link_density(e);
    li = (long)e->a.n_li - 100;
    /* paragraphs: <p>s and text standing in <div>s (CNN's) */
    if (e->a.n_img > 1 && (float)(e->a.n_p + e->a.n_divp) / (float)e->a.n_img < 0.5f) return 1;
    if (!is_list && li > (long)e->a.n_p) return 1;
    if (e->a.n_input > e->a.n_p / 3) return 1;
    if (!is_list && e->a.text < 25 && (e->a.n_img == 0 || e->a.n_img > 2)) return 1;
    if (!is_list && e->weight < 25 && ld > 0.2f) return 1;
    if (e->weight >= 25 && ld > 0.5f) return 1;
    if ((e->a.n_embed == 1 && e->a.text < 75) || e->a.n_embed > 1) return 1;
    return 0;
}

struct attempt {
    char  *text;
    size_t len;
    size_t good;     /* blocks of 25+ bytes with little link text */
    size_t teasers;  /* of which right after a linked headline */
    size_t teaser_bytes;
    uint32_t *cand;  /* the candidate blocks (step 4), for the filter and its trace */
    size_t ncand, capcand;
};

/* e->a for every element: its own counts plus its children's, leaving out
 * the elements drop[] marks 1 (children follow their parents: one
 * backward pass). */
static void aggregate(hx_model *m, const uint8_t *drop)
{
    for (size_t i = 0; i < m->nel; i++) m->el[i].a = m->el[i].own;
    for (size_t i = m->nel; i-- > 0;) {
        hx_elem *e = &m->el[i];
        hx_agg *p;
        if (e->parent == HX_NONE || drop[i] == 1) continue;
        p = &m->el[e->parent].a;
        p->text += e->a.text;
        p->link += e->a.link;
        p->commas += e->a.commas;
        p->n_p += e->a.n_p;
        p->n_li += e->a.n_li;
        p->n_img += e->a.n_img;
        p->n_input += e->a.n_input;
        p->n_embed += e->a.n_embed;
        p->n_divp += e->a.n_divp;
        p->n_hlink += e->a.n_hlink;
    }
}

/* full[i]: the element's text without links (FULL_TEXT), whether it holds
 * an <article>, <main> or <h1> (FULL_MARKER), and whether its content,
 * nothing dropped, is prose (FULL_PROSE: PROSE_MIN_P paragraphs or more,
 * PROSE_MIN_TEXT bytes, under PROSE_MAX_LINK link text). */
#define FULL_MARKER 0x80000000u
#define FULL_PROSE  0x40000000u
#define FULL_TEXT   0x3FFFFFFFu
#define PROSE_MIN_P 2
#define PROSE_MIN_TEXT 400
#define PROSE_MAX_LINK 0.1f

/* A flagged element kept in step 1 for its prose: a "read-more" or
 * "story-extra" wrapper around the rest of the article (herald-sun: the
 * article's second half sits in <div id="read-more-content">). Comments
 * and sidebars are prose too: only the furniture names (EF_BOILER), not
 * the unlikely ones. */
static int spare_prose(const hx_elem *e, uint8_t mask)
{
    return (e->flags & mask & ~EF_BOILER) == 0;
}

/* A sibling of the best candidate that is paragraphs of plain text: the
 * article's other half in a container of its own (engadget's "post
 * contents" and "continued contents" blocks), too short to score a fifth
 * of the best. Readability keeps such siblings only when they are a <p>. */
#define SIB_PROSE_TEXT 200
#define SIB_PROSE_LINK 0.2f
static int prose_sibling(const hx_elem *e)
{
    return e->a.n_p >= 1 && e->a.text >= SIB_PROSE_TEXT && e->weight >= 0 &&
           (float)e->a.link < SIB_PROSE_LINK * (float)e->a.text &&
           e->a.n_li * 2 <= e->a.n_p && e->a.n_input == 0 && e->a.n_hlink == 0;
}

/* What an ancestor holds beyond the best candidate (outer minus inner) is
 * plain paragraphs: at least one <p>, at most as much text as the
 * candidate, little link text, no more list items than paragraphs. */
#define CLIMB_PROSE_LEVELS 3
#define CLIMB_PROSE_LINK 0.15f
static int prose_extra(const hx_agg *outer, const hx_agg *inner)
{
    uint32_t text = outer->text - inner->text, link = outer->link - inner->link;
    uint32_t n_p = outer->n_p - inner->n_p, n_li = outer->n_li - inner->n_li;
    if (!text) return 1;
    return n_p >= 1 && text*2<=inner->text && (float)link < CLIMB_PROSE_LINK * (float)text &&
           n_li <= n_p && outer->n_input == inner->n_input && outer->n_hlink == inner->n_hlink;
}

static void attempt(hx_model *m, uint8_t *drop, const uint32_t *full, uint8_t mask,
                    const char *title, struct attempt *out)
{
    hx_elem *el = m->el;
    size_t nel = m->nel;
    uint32_t top = HX_NONE, root_lo, root_hi, par;
    hx_buf text = {0};
    int first_heading = 1, last_account = 0;
    uint32_t last_post = HX_NONE;

    /* 1. what is dropped: flagged elements, and everything inside them,
     * unless they hold most of the page's text and the article's markers
     * (<article>, <main>, <h1>): a wrapper whose name matched, or an
     * element libxml2 left open over the rest of the page. full[i] is the
     * element's text without links, its top bit set when it holds a marker. */
    uint32_t total = 0;
    for (size_t i = 0; i < nel; i++)
        if (el[i].parent == HX_NONE) total += full[i] & FULL_TEXT;
    for (size_t i = 0; i < nel; i++) {
        hx_elem *e = &el[i];
        e->flags &= (uint8_t)~(EF_CAND | EF_DROP);
        e->score = 0;
        drop[i] = e->parent != HX_NONE && drop[e->parent];
        if (!drop[i] && (e->flags & mask) && e->tag != T_BODY && e->tag != T_HTML &&
            e->tag != T_ARTICLE && e->tag != T_MAIN &&
            (!(full[i] & FULL_MARKER) || (uint64_t)(full[i] & FULL_TEXT) * 2 <= total) &&
            !((full[i] & FULL_PROSE) && spare_prose(e, mask)))
            drop[i] = 1;
    }
    aggregate(m, drop);

    /* 2. scores */
    for (size_t b = 0; b < m->nbl; b++) {
        const hx_block *k = &m->bl[b];
        uint32_t o = k->owner, a;
        float s;
        if (o == HX_NONE || drop[o] || k->len < 25 || k->link * 2 > k->len) continue;
        if (el[o].tag == T_LI || el[o].tag == T_DD || el[o].tag == T_DT) continue;
        s = 1.0f + (float)k->commas + (float)(k->len / 100 > 3 ? 3 : k->len / 100);
        /* a <div> without block children is a paragraph (Readability's DIV_TO_P) */
        a = paragraph_tag(el[o].tag) ? el[o].parent : o;
        if (a == HX_NONE) a = o;
        for (int level = 0; a != HX_NONE && level < 5; level++, a = el[a].parent) {
            float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
            if (el[a].tag == T_HTML) break;
            add_score(el, a, s / div);
        }
    }
    uint32_t best[5];
    size_t nbest = 0;
    for (size_t i = 0; i < nel; i++) {
        size_t k;
        if (!(el[i].flags & EF_CAND) || drop[i]) continue;
        el[i].score *= 1.0f - link_density(&el[i]);
        /* the five best, best first */
        for (k = nbest; k > 0 && el[best[k - 1]].score < el[i].score; k--)
            if (k < 5) best[k] = best[k - 1];
        if (k < 5) {
            best[k] = (uint32_t)i;
            if (nbest < 5) nbest++;
        }
    }
    if (nbest) top = best[0];
    uint32_t core = top;   /* the best-scoring element, before the container grows */
    /* Readability: when three of the next best score at least 3/4 of the
     * best, the container is their closest common ancestor with it (an
     * article split into sections). */
    if (nbest >= 4) {
        uint32_t alt[4];
        size_t nalt = 0;
        for (size_t k = 1; k < nbest; k++)
            if (el[best[k]].score >= 0.75f * el[top].score) alt[nalt++] = best[k];
        if (nalt >= 3) {
            for (uint32_t p = el[top].parent; p != HX_NONE && el[p].tag != T_BODY &&
                                              el[p].tag != T_HTML; p = el[p].parent) {
                size_t inside = 0;
                for (size_t k = 0; k < nalt; k++)
                    if (alt[k] > p && alt[k] < el[p].end) inside++;
                if (inside >= 3) { top = p; break; }
            }
        }
    }

    /* 3. the container: climb, only children, siblings */
    if (top == HX_NONE) {
        root_lo = 0;
        root_hi = (uint32_t)nel;
        par = HX_NONE;
    } else {
        float last = el[top].score, threshold = last / 3;
        uint32_t p = el[top].parent;
        while (p != HX_NONE && el[p].tag != T_BODY && el[p].tag != T_HTML) {
            if (!(el[p].flags & EF_CAND)) { p = el[p].parent; continue; }
            if (el[p].score < threshold) break;
            if (el[p].score > last) { top = p; break; }
            last = el[p].score;
            p = el[p].parent;
        }
        for (;;) {
            uint32_t q = el[top].parent;
            if (q == HX_NONE || el[q].tag == T_BODY || el[q].tag == T_HTML) break;
            if (q + 1 != top || el[top].end != el[q].end) break;   /* not an only child */
            if (el[q].blk_first != el[top].blk_first || el[q].blk_end != el[top].blk_end) break;
            top = q;
        }
        /* and to an ancestor whose other content is plain paragraphs: the
         * article's first half in a container of its own, a lead outside
         * the body's box (the only-child rule's wider form) */
        for (int up = 0; up < CLIMB_PROSE_LEVELS; up++) {
            uint32_t q = el[top].parent;
            if (q == HX_NONE || el[q].tag == T_BODY || el[q].tag == T_HTML) break;
            if (!prose_extra(&el[q].a, &el[top].a)) break;
            top = q;
        }
        par = el[top].parent;
        root_lo = top;
        root_hi = el[top].end;
    }

    /* 4. the text, in document order */
    {
        uint32_t blo, bhi;
        float sib_threshold = top != HX_NONE ? el[top].score * 0.2f : 0;
        if (sib_threshold < 10) sib_threshold = 10;
        if (par != HX_NONE) { blo = el[par].blk_first; bhi = el[par].blk_end; }
        else if (top != HX_NONE) { blo = el[top].blk_first; bhi = el[top].blk_end; }
        else { blo = 0; bhi = (uint32_t)m->nbl; }

        /* Which children of par join: mark the kept subtrees in drop[] as 2. */
        if (par != HX_NONE) {
            for (uint32_t c = par + 1; c < el[par].end; c = el[c].end) {
                const hx_elem *e = &el[c];
                int keep = c == top;
                float bonus = e->cls && e->cls == el[top].cls ? el[top].score * 0.2f : 0;
                if (drop[c]) continue;
                if (!keep && (e->flags & EF_CAND) && e->score + bonus >= sib_threshold) keep = 1;
                if (!keep && prose_sibling(e)) keep = 1;
                if (!keep && e->tag == T_P) {
                    float ld = link_density(e);
                    if (e->a.text > 80 && ld < 0.25f) keep = 1;
                    else if (e->a.text > 0 && e->a.text <= 80 && ld == 0 && e->blk_end > e->blk_first) {
                        const hx_block *k = &m->bl[e->blk_end - 1];
                        const char *s = m->text.s + k->off;
                        if (k->len && s[k->len - 1] == '.') keep = 1;
                    }
                }
                if (keep) drop[c] = 2;
            }
        } else {
            if (top != HX_NONE) drop[top] = 2;
        }
        (void)root_lo;
        (void)root_hi;

        /* Conditional cleaning inside the kept subtrees (not the top itself). */
        for (size_t i = 0; i < nel; i++) {
            uint32_t p = el[i].parent;
            if (drop[i] == 1) continue;
            if (drop[i] == 2) continue;
            if (p == HX_NONE) continue;
            if (drop[p] == 1 || drop[p] == 3) { drop[i] = 3; continue; }
            if (drop[p] == 2 || drop[p] == 4) {
                /* an element holding most of the container is the content
                 * itself (nested wrappers), not a part to clean */
                int whole = top != HX_NONE && (uint64_t)el[i].a.text * 5 >= (uint64_t)el[top].a.text * 4;
                /* an embedded post's wrappers are its own, not the page's
                 * (Instagram's: the caption is a link) */
                drop[i] = (uint8_t)(!whole && !(el[i].flags & EF_POST) && clean_conditionally(&el[i]) ? 3 : 4);
                continue;
            }
        }

        /* 4a. the candidate blocks, in document order */
        for (uint32_t b = blo; b < bhi; b++) {
            const hx_block *k = &m->bl[b];
            const char *s = m->text.s + k->off;
            uint32_t o = k->owner;
            int in;
            if (o == HX_NONE) continue;
            if (par == HX_NONE && top == HX_NONE) in = drop[o] != 1 && drop[o] != 3;
            else in = drop[o] == 2 || drop[o] == 4;
            if (!in && par != HX_NONE && o == par && k->len > 80 && k->link * 4 < k->len)
                in = 1;   /* text standing directly in the container */
            if (!in) continue;
            if (!(el[o].flags & EF_POST)) {
                if (k->link * 10 > k->len * 6) continue;   /* 60 % link text */
                if (furniture_block(s, k->len)) continue;
                if (k->flags & BF_HEADING) {
                    if (first_heading && title && same_text(s, k->len, title, strlen(title))) {
                        first_heading = 0;
                        continue;
                    }
                    if (el[o].weight < 0) continue;
                }
            }
            first_heading = 0;
            m->bl[b].flags = (uint8_t)(m->bl[b].flags & ~BF_OUTSIDE);
            if (core != HX_NONE && (b < el[core].blk_first || b >= el[core].blk_end))
                m->bl[b].flags |= BF_OUTSIDE;
            ne_grow(&out->cand, &out->capcand, out->ncand + 1, sizeof *out->cand);
            out->cand[out->ncand++] = b;
        }
        /* 4b. the learned block filter (html_blocks.c), then the text */
        for (size_t c = 0; c < out->ncand; c++) {
            uint32_t b = out->cand[c];
            const hx_block *k = &m->bl[b];
            const char *s = m->text.s + k->off;
            uint32_t o = k->owner;
            if (el[o].flags & EF_POST) {
                /* a post's words as one paragraph, its account line another */
                size_t n = k->len;
                int account;
                char line[400];
                if (post_chrome(s, n)) continue;
                if ((n = facebook_account(m, post_of(el, o), s, n, line, sizeof line)) != 0) s = line;
                else n = k->len;
                account = post_account_line(s, n);
                /* an account line with no words of the post before it (an
                 * embed whose caption the page left out) would lend the
                 * account the paragraph before */
                if (account && (last_post != post_of(el, o) || last_account)) continue;
                if (text.len && last_post == post_of(el, o) && !account && !last_account)
                    hx_buf_add(&text, " ", 1);
                else if (text.len)
                    hx_buf_add(&text, "\n\n", 2);
                hx_buf_add(&text, s, n);
                last_post = post_of(el, o);
                last_account = account;
                continue;
            }
            last_post = HX_NONE;
            if (!hx_block_keep(m, out->cand, out->ncand, c)) continue;
            if (c + BIO_TAIL >= out->ncand && author_bio(s, k->len)) continue;
            if (text.len) hx_buf_add(&text, "\n\n", 2);
            hx_buf_add(&text, s, k->len);
            if (k->len >= 25 && k->link * 4 < k->len) {
                out->good++;
                if (b > 0 && linked_headline(&m->bl[b - 1])) {
                    out->teasers++;
                    out->teaser_bytes += k->len;
                }
            }
        }
    }
    out->text = text.s ? text.s : ne_xstrndup("", 0);
    out->len = text.len;
}

/* A section front, not an article: most of the text is teasers, each
 * a summary of a sentence or two right after its headline link (BBC's
 * index pages, whose gold texts are empty). A listicle's linked headings
 * stand over long paragraphs (yahoo's game reviews). */
#define TEASER_PAGE_MIN 3
#define TEASER_MAX_MEAN 250
static int teaser_page(const struct attempt *a)
{
    return a->good >= TEASER_PAGE_MIN && a->teasers * 3 >= a->good * 2 &&
           a->teaser_bytes < TEASER_MAX_MEAN * a->teasers;
}

char *hx_extract_text(hx_model *m, size_t *len, const char *title)
{
    struct attempt a = {0}, b = {0};
    uint8_t *drop;
    uint32_t *full;
    *len = 0;
    if (!m->nel || !m->nbl) return ne_xstrndup("", 0);
    /* The page's text per element, nothing dropped: for the size rule. */
    full = ne_xmalloc(m->nel * sizeof *full);
    drop = ne_xcalloc(m->nel, 1);
    aggregate(m, drop);
    for (size_t i = 0; i < m->nel; i++) {
        const hx_agg *a = &m->el[i].a;
        full[i] = (a->text - a->link) & FULL_TEXT;
        if (a->n_p >= PROSE_MIN_P && a->text - a->link >= PROSE_MIN_TEXT && a->n_hlink == 0 &&
            (float)a->link < PROSE_MAX_LINK * (float)a->text)
            full[i] |= FULL_PROSE;
    }
    /* drop[] doubles as "holds an <article>, <main> or <h1>" until the
     * first attempt marks it: bit 7 */
    for (size_t i = m->nel; i-- > 0;) {
        const hx_elem *e = &m->el[i];
        if (e->tag == T_ARTICLE || e->tag == T_MAIN || e->tag == T_H1) drop[i] |= 0x80;
        if ((drop[i] & 0x80) && e->parent != HX_NONE) drop[e->parent] |= 0x80;
    }
    for (size_t i = 0; i < m->nel; i++) {
        if (drop[i] & 0x80) full[i] |= FULL_MARKER;
        if (m->el[i].parent != HX_NONE && (m->el[m->el[i].parent].flags & EF_POST))
            m->el[i].flags |= EF_POST;
    }
    attempt(m, drop, full, EF_UNLIKELY | EF_BOILER | EF_HIDDEN | EF_SEMANTIC, title, &a);
    if (a.len < 250) {
        attempt(m, drop, full, EF_SEMANTIC, title, &b);
        if (b.len > a.len && b.good) {
            free(a.text);
            free(a.cand);
            a = b;
        } else {
            free(b.text);
            free(b.cand);
        }
    }
    hx_block_trace(m, a.cand, a.ncand);
    free(a.cand);
    free(drop);
    free(full);
    if (!a.good || teaser_page(&a)) {
        free(a.text);
        return ne_xstrndup("", 0);
    }
    *len = a.len;
    return a.text;
}
