/* html — the module's entry points (html.h): extract, reset, sniff. */
#include "enrichers/html/html.h"

#include <stdlib.h>
#include <string.h>

#include "enrichers/html/html_int.h"

/* Replaces each byte of an ill-formed UTF-8 sequence with '?', in place.
 * libxml2 passes valid input through and converts what it reads as Latin-1,
 * so this is a guard, not a path taken. */
static void fix_utf8(char *s, size_t len)
{
    unsigned char *p = (unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i], need, lo = 0x80, hi = 0xBF, k;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c == 0xED) { need = 2; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c == 0xF4) { need = 3; hi = 0x8F; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else { p[i++] = '?'; continue; }
        for (k = 1; k <= need; k++) {
            if (i + k >= len) break;
            if (p[i + k] < (k == 1 ? lo : 0x80) || p[i + k] > (k == 1 ? hi : 0xBF)) break;
        }
        if (k <= need) { p[i++] = '?'; continue; }
        i += need + 1;
    }
}

static void fix_str(char *s)
{
    if (s) fix_utf8(s, strlen(s));
}

int ne_html_extract(const char *html, size_t len, ne_html_page *page)
{
    hx_model m;
    memset(page, 0, sizeof *page);
    memset(&m, 0, sizeof m);
    if (hx_parse(html ? html : "", html ? len : 0, &m) != 0) {
        hx_model_free(&m);
        return -1;
    }
    hx_meta_choose(&m, page);
    page->text = hx_extract_text(&m, &page->text_len, page->title);
    page->truncated = m.truncated;
    page->nelems = m.nel;
    hx_model_free(&m);
    /* NULs cannot come out of libxml2's text, but the text's length must be
     * its strlen for the callers. */
    page->text_len = strlen(page->text);
    fix_utf8(page->text, page->text_len);
    fix_str(page->title);
    fix_str(page->url);
    fix_str(page->language);
    fix_str(page->published_at);
    fix_str(page->site_name);
    for (size_t i = 0; i < page->nauthors; i++) fix_str(page->authors[i]);
    return 0;
}

void ne_html_page_reset(ne_html_page *page)
{
    if (!page) return;
    free(page->text);
    free(page->title);
    free(page->url);
    free(page->language);
    free(page->published_at);
    free(page->site_name);
    for (size_t i = 0; i < page->nauthors; i++) free(page->authors[i]);
    free(page->authors);
    memset(page, 0, sizeof *page);
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* True when s[0..n) starts with the lower-case lit, ignoring ASCII case,
 * and the next byte (if any) ends a tag name. */
static int tag_at(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    unsigned char next;
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++)
        if (lower((unsigned char)s[i]) != lit[i]) return 0;
    if (n == m) return 1;
    next = (unsigned char)s[m];
    return next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' ||
           next == '\f' || next == '/';
}

int ne_html_sniff(const char *s, size_t len)
{
    size_t i = 0, lim;
    if (!s) return 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f'))
        i++;
    if (i >= len || s[i] != '<') return 0;
    if (tag_at(s + i, len - i, "<!doctype html") || tag_at(s + i, len - i, "<html")) return 1;
    /* "<?xml …?>", "<!-- … -->", "<meta …>" before <head> or <body> */
    lim = len - i < 1024 ? len : i + 1024;
    for (size_t j = i; j + 5 <= lim; j++) {
        if (s[j] != '<') continue;
        if (tag_at(s + j, lim - j, "<head") || tag_at(s + j, lim - j, "<body")) return 1;
    }
    return 0;
}
