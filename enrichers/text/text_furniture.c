/* text_furniture — page furniture among the lines of a plain-text body
 * (see text.h, ne_text_analyze_body).
 *
 * Crawled and wire bodies carry lines that are not the article: bylines
 * and credit blocks, photo captions and credits, "Related"/"Read more"
 * headline lists, newsletter and app promos, embedded posts with their
 * account lines, the headline repeated as the first line. Each test here
 * looks at one paragraph (a line, or a run of wrapped lines) and decides
 * from its own words: a prefix ("Reporting by", "FILE PHOTO:"), a credit
 * marker inside it ("(AP Photo/", "REUTERS/Name", "/Getty Images"), or
 * its shape (a byline is "By" and capitalised words without a final
 * stop). The tests are cheap: they run once per paragraph and read at
 * most its first few hundred bytes; ordinary article paragraphs fail them
 * on their length or their first bytes.
 *
 * There is no labelled plain-text furniture to learn these from (the
 * webextract gold labels page blocks, not wire lines); the patterns are
 * the ones the issue's examples and Reuters/AP/AFP house styles use, and
 * each is pinned by a test on a real line.
 */
#include "enrichers/text/text.h"

#include <string.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int upper_at(const char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') return 1;
    /* Latin-1 supplement and Latin Extended capitals (Á, Ž, …): 0xC3 0x80-0x9E,
     * and 0xC4-0xC5 (upper and lower alternate; take them as capitals) */
    return (c == 0xC3 && i + 1 < n && (unsigned char)s[i + 1] < 0x9F) || c == 0xC4 || c == 0xC5;
}

/* Case-insensitive ASCII prefix test. */
static int prefix_i(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; lit[i]; i++)
        if (i >= n || lower((unsigned char)s[i]) != (unsigned char)lit[i]) return 0;
    return 1;
}

/* Case-sensitive substring. */
static int has(const char *s, size_t n, const char *lit)
{
    return memmem(s, n, lit, strlen(lit)) != NULL;
}

/* s[0..n) without the spaces, tabs and \r around it. */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t' || **s == '\r')) { (*s)++; (*n)--; }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r')) (*n)--;
}

static int ends_sentence(const char *s, size_t n)
{
    if (!n) return 0;
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == '"' || c == '\'') return 1;
    /* ” ’ … */
    return n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
           (c == 0x9D || c == 0x99 || c == 0xA6);
}

/* ---- bylines ------------------------------------------------------------- */

static const char *const byline_prefixes[] = {
    "by ", "written by ", "story by ", "words by ", "posted by ", "reported by ",
};

/* Words a byline may hold besides capitalised names. */
static int byline_connector(const char *w, size_t n)
{
    static const char *const words[] = { "and", "&", "of", "the", "in", "at", "for", "de",
                                         "van", "von", "la", "le", "da", "del", "bin", "al",
                                         "y", "with" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n)) return 1;
    return 0;
}

size_t ne_text_byline_prefix(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof byline_prefixes / sizeof byline_prefixes[0]; i++)
        if (prefix_i(s, n, byline_prefixes[i])) return strlen(byline_prefixes[i]);
    return 0;
}

/* "By Jane Doe", "By Jane Doe and John Roe, Reuters", "BY JANE DOE,
 * Associated Press Writer": a prefix, then two to fourteen words that are
 * capitalised names, initials or connectors, commas between them, no
 * final stop (initials and "Jr." aside), no quotation, no digit. "By
 * Tuesday, the firm had …" fails on its lower-case words and its stop. */
int ne_text_byline(const char *s, size_t n)
{
    size_t p, words = 0, caps = 0;
    trim(&s, &n);
    if (n > 120 || !(p = ne_text_byline_prefix(s, n)) || !upper_at(s, n, p)) return 0;
    for (size_t i = p; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == ','  || s[i] == ';')) i++;
        if (i >= n) break;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != ';') i++;
        size_t len = i - a;
        const char *w = s + a;
        for (size_t k = 0; k < len; k++)
            if ((w[k] >= '0' && w[k] <= '9') || w[k] == '"' || w[k] == ':' || w[k] == '(') return 0;
        if (upper_at(w, len, 0)) caps++;
        else if (!byline_connector(w, len)) return 0;
        /* a stop only after an initial or an abbreviation ("J.", "Jr.", "St.") */
        if (len && w[len - 1] == '.' && len > 3) return 0;
        if (++words > 14) return 0;
    }
    return caps >= 1 && words >= 1;
}

/* ---- credits, captions, promos, related lists ----------------------------- */

static const char *const credit_prefixes[] = {
    "reporting by", "additional reporting by", "additional reporting from",
    "reporting and writing by", "writing by", "editing by", "edited by", "compiled by",
    "research by", "graphics by", "graphic by", "with reporting by", "reported by",
    "translated by", "production by", "our standards:", "contributing:",
};

/* s (after an optional "(" or "[") starts a credit block. */
int ne_text_credit_prefix(const char *s, size_t n)
{
    if (n && (*s == '(' || *s == '[')) { s++; n--; }
    while (n && *s == ' ') { s++; n--; }
    for (size_t i = 0; i < sizeof credit_prefixes / sizeof credit_prefixes[0]; i++)
        if (prefix_i(s, n, credit_prefixes[i])) return 1;
    return 0;
}

static int credit_block(const char *s, size_t n)
{
    if (n <= 400 && ne_text_credit_prefix(s, n)) return 1;
    return n <= 300 && has(s, n, "contributed") &&
           (has(s, n, "contributed to this report") || has(s, n, "contributed reporting") ||
            has(s, n, "contributed to this story"));
}

static const char *const caption_prefixes[] = {
    "photo:", "photos:", "file photo:", "file photo -", "photograph:", "picture:",
    "image:", "credit:", "photo credit:", "image credit:", "caption:", "(photo",
    "photo by ", "image by ", "file - ", "file \xE2\x80\x93 ", "image copyright",
    "image caption", "media caption", "pictured:", "above:", "top:",
};

/* A photo caption or credit: a caption prefix, or a credit marker in a
 * paragraph of caption length ("… in Washington, U.S., May 1, 2018.
 * REUTERS/Kevin Lamarque/File Photo", "(AP Photo/Evan Vucci)", "Photo:
 * Chip Somodevilla/Getty Images"). */
static int caption_block(const char *s, size_t n)
{
    if (n > 600) return 0;
    for (size_t i = 0; i < sizeof caption_prefixes / sizeof caption_prefixes[0]; i++)
        if (prefix_i(s, n, caption_prefixes[i])) return 1;
    /* ends on "Getty Images" as a credit does */
    if (n >= 12 && n <= 200 && !memcmp(s + n - 12, "Getty Images", 12)) return 1;
    /* every marker below holds a '/' or a '(': most paragraphs have
     * neither, and one memchr each spares them the searches */
    int slash = memchr(s, '/', n) != NULL, paren = memchr(s, '(', n) != NULL;
    if (paren && (has(s, n, "(AP Photo") || has(s, n, "(Getty Images") || has(s, n, "(Photo by ") ||
                  has(s, n, "(Photo: ") || has(s, n, "(File photo") || has(s, n, "via Getty Images)")))
        return 1;
    if (!slash) return 0;
    if (has(s, n, "/Getty Images") || has(s, n, "/AFP") || has(s, n, "/File Photo") ||
        has(s, n, "pic.twitter.com/"))
        return 1;
    /* REUTERS/Name: a capital after the slash */
    for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "REUTERS/", 8)) != NULL; p += 8)
        if (upper_at(p + 8, n - (size_t)(p + 8 - s), 0)) return 1;
    return 0;
}

static const char *const promo_prefixes[] = {
    "sign up for", "sign up to", "sign up here", "subscribe to our", "subscribe to the",
    "subscribe now", "subscribe here", "subscribe for", "get the app", "follow us on",
    "follow us:", "click here", "like us on facebook", "get our ", "download our",
    "to get the latest", "never miss", "want more", "want to read more", "listen to",
    "watch the full", "advertisement", "support our journalism", "get breaking news",
};

static int promo_block(const char *s, size_t n)
{
    if (n > 250) return 0;
    for (size_t i = 0; i < sizeof promo_prefixes / sizeof promo_prefixes[0]; i++)
        if (prefix_i(s, n, promo_prefixes[i])) return 1;
    /* "Download the Fox News app", "Download the free app …" */
    if (prefix_i(s, n, "download the") && (has(s, n, " app") || has(s, n, " App"))) return 1;
    return has(s, n, "newsletter") && (prefix_i(s, n, "sign up") || prefix_i(s, n, "get the") ||
                                        has(s, n, "inbox"));
}

static const char *const related_heads[] = {
    "related", "related coverage", "related stories", "related articles", "related content",
    "related news", "related links", "related topics", "read more", "read next", "more from",
    "see also", "more on this story", "more on this", "also read", "recommended",
    "you may also like", "more", "trending", "most read", "most popular", "also on",
    "what to read next", "further reading",
};

/* A heading of a related-links list standing alone ("Related Coverage",
 * "READ MORE:"): the list's headlines follow it. */
int ne_text_related_heading(const char *s, size_t n)
{
    trim(&s, &n);
    while (n && (s[n - 1] == ':' || s[n - 1] == ' ')) n--;
    if (!n || n > 40) return 0;
    for (size_t i = 0; i < sizeof related_heads / sizeof related_heads[0]; i++) {
        size_t k = strlen(related_heads[i]);
        if (k == n && prefix_i(s, n, related_heads[i])) return 1;
    }
    return 0;
}

/* "Read more: Headline", "RELATED: Headline", "See also: …". */
static int related_line(const char *s, size_t n)
{
    static const char *const p[] = { "related:", "read more:", "read more -", "see also:",
                                     "also read:", "more:", "read next:", "related coverage:",
                                     "related story:", "recommended:", "watch:", "video:",
                                     "listen:", "more on " };
    if (n > 250) return 0;
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (prefix_i(s, n, p[i])) return i < 13 || !ends_sentence(s, n);
    return 0;
}

/* A headline of a related list: short, no final stop, or a bullet. */
int ne_text_list_headline(const char *s, size_t n)
{
    trim(&s, &n);
    if (!n || n > 160) return 0;
    if (*s == '*' || *s == '-' || prefix_i(s, n, "\xE2\x80\xA2")) return 1;   /* • */
    return !ends_sentence(s, n);
}

/* ---- embedded posts ------------------------------------------------------- */

/* The account line of an embedded post: "— Jane Roe (@jroe) March 3,
 * 2017" (Twitter's embed text, also after the post's words on the same
 * line), "A post shared by Jane Roe (@jroe) on Mar 3, 2017 at 5:00pm PST"
 * (Instagram's). Finds the account line's start in s[0..n) (*at) and the
 * author's name [*name, *name_end); the words before *at, when any, are
 * the post's. Returns 0 when the paragraph has no account line. */
int ne_text_post_account(const char *s, size_t n, size_t *at, size_t *name, size_t *name_end)
{
    const char *h;
    size_t off = 0;
    if (n > 2000) return 0;
    while ((h = memmem(s + off, n - off, " (@", 3)) != NULL) {
        size_t hp = (size_t)(h - s), close = hp + 3, b;
        off = hp + 3;
        while (close < n && close - hp < 40 &&
               ((s[close] >= 'a' && s[close] <= 'z') || (s[close] >= 'A' && s[close] <= 'Z') ||
                (s[close] >= '0' && s[close] <= '9') || s[close] == '_' || s[close] == '.'))
            close++;
        if (close >= n || s[close] != ')' || close == hp + 3) continue;
        /* what follows the handle: nothing, or a date (a digit within 40 bytes) */
        {
            size_t k = close + 1, digit = 0;
            while (k < n && k - close < 48) digit |= s[k] >= '0' && s[k] <= '9', k++;
            if (k < n || (!digit && close + 1 < n)) continue;
        }
        /* the name before the handle: back to the dash or "shared by " */
        b = hp;
        while (b > 0 && hp - b < 80 && s[b - 1] != '\n') {
            if (b >= 2 && s[b - 1] == ' ' && (s[b - 2] == '-' ||
                (b >= 4 && (unsigned char)s[b - 4] == 0xE2 && (unsigned char)s[b - 3] == 0x80 &&
                 ((unsigned char)s[b - 2] == 0x94 || (unsigned char)s[b - 2] == 0x93))))
                break;
            if (b >= 10 && !memcmp(s + b - 10, "shared by ", 10)) break;
            b--;
        }
        if (b == 0 || s[b - 1] == '\n' || hp - b >= 80 || b == hp || !upper_at(s, n, b)) continue;
        *name = b;
        *name_end = hp;
        if (s[b - 1] == ' ' && b >= 10 && !memcmp(s + b - 10, "shared by ", 10)) {
            size_t a = b - 10;
            /* "A post shared by" */
            if (a >= 7 && !memcmp(s + a - 7, "A post ", 7)) a -= 7;
            *at = a;
        } else {
            size_t a = b - 1;                       /* the space */
            while (a > 0 && s[a - 1] != ' ' && hp - a < 90) a--;   /* the dash */
            *at = a;
        }
        return 1;
    }
    return 0;
}

/* ---- the paragraph decision ------------------------------------------------ */

int ne_text_furniture(const char *s, size_t n)
{
    size_t at, nb, ne;
    trim(&s, &n);
    if (!n) return 0;
    if (ne_text_byline(s, n) || credit_block(s, n) || caption_block(s, n) ||
        promo_block(s, n) || related_line(s, n) || ne_text_related_heading(s, n))
        return 1;
    /* (an embedded post's words as pasted, "… pic.twitter.com/xyz", are
     * caught with the captions' slash markers) */
    /* memchr for the '@' first: it is rare, and memchr skips a paragraph
     * several times faster than memmem searches it */
    return n <= 2000 && memchr(s, '@', n) && has(s, n, " (@") && ne_text_post_account(s, n, &at, &nb, &ne);
}
