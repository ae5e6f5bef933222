/* html — main article text and metadata from a web page.
 *
 * ne_html_extract() parses a page with libxml2's HTML parser in SAX mode
 * (no DOM is built: the callbacks fill a compact model of elements and
 * text blocks, see html_int.h), scores the blocks for boilerplate in the
 * spirit of Mozilla Readability (text length, commas, link density, class
 * and id names, tag weights, siblings of the best container) and writes the
 * article text: paragraphs and headings as paragraphs separated by a blank
 * line, whitespace runs collapsed to one space. Navigation, asides,
 * footers, forms, scripts, styles, JSON-LD, comments, captions and credits,
 * share/newsletter promos and related-link lists are left out, and a
 * learned filter (html_blocks.c) takes out the kept blocks it is sure are
 * not article text. An embedded tweet stays: its words one paragraph, its
 * account line ("— Name (@handle) Month D, YYYY") the next (the text stage
 * keeps both out of the running text; the quotes stage reads a `post`). The
 * metadata (title, authors, published time, canonical URL, language, site
 * name) comes from <meta>, JSON-LD, <link rel=canonical>, <time>, <h1>,
 * <title> and <html lang>.
 *
 * Bounds: a page is parsed in one pass; elements nested deeper than
 * NE_HTML_MAX_DEPTH, more than NE_HTML_MAX_ELEMS elements or text blocks
 * stop the parse there (what was read is still used, and `truncated` is
 * set), so time and memory are linear in the page size whatever its markup
 * (libxml2's own recovery is quadratic in the depth of unclosed elements,
 * hence the depth bound). A 10 MB page of any markup tried is extracted in
 * under 0.7 s and 44 MB; the largest real page seen has 590 elements.
 *
 * Input: any bytes. Valid UTF-8 is read as UTF-8 whatever the page's
 * <meta charset> says (records are decoded text); libxml2 reads bytes that
 * are not UTF-8 as Latin-1. Output strings are valid UTF-8 without NULs.
 *
 * Ownership: the caller owns the ne_html_page and frees its contents with
 * ne_html_page_reset() (which leaves it zeroed; NULL is accepted).
 *
 * Threads: safe to call from several threads at once. libxml2 is
 * initialised once (pthread_once) and its error reporting is silenced per
 * thread, as is the block filter's training trace (html_int.h); no other
 * global state is touched.
 */
#ifndef NE_HTML_H
#define NE_HTML_H

#include <stddef.h>

#define NE_HTML_MAX_DEPTH 512
#define NE_HTML_MAX_ELEMS 100000u

typedef struct ne_html_page {
    char  *text;         /* main text, NUL-terminated; "" when none was found */
    size_t text_len;
    /* metadata, NULL when the page does not give it */
    char  *title;        /* og:title, JSON-LD headline, <h1>, <title> minus the site name */
    char  *url;          /* <link rel=canonical>, og:url */
    char  *language;     /* <html lang>, content-language, og:locale ("en", "en-US") */
    char  *published_at; /* article:published_time, JSON-LD datePublished, <time> (ISO 8601) */
    char  *site_name;    /* og:site_name, JSON-LD publisher name */
    char **authors;      /* meta author, JSON-LD author names, bylines; deduplicated */
    size_t nauthors;
    int    truncated;    /* a bound stopped the parse early */
    size_t nelems;       /* elements read (for tests and the eval tool) */
} ne_html_page;

/* Extracts the page in html[0..len). Returns 0, or -1 when libxml2 could
 * not start (out of memory); the page is then left reset. An empty
 * `text` (text_len 0) means the page holds no article text. */
int ne_html_extract(const char *html, size_t len, ne_html_page *page);

void ne_html_page_reset(ne_html_page *page);

/* True when s[0..len) is an HTML document by its content: after an optional
 * UTF-8 byte-order mark and whitespace it starts with "<!doctype html",
 * "<html" or (after comments or an XML declaration) "<head"/"<body" within
 * its first 1,024 bytes. Reads at most that prefix: cheap for plain text. */
int ne_html_sniff(const char *s, size_t len);

#endif
