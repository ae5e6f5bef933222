/* fuzz_html — web page extraction (enrichers/html/) on arbitrary bytes.
 *
 * Besides "no crash, no leak, no undefined behaviour, no stall" it checks
 * what html.h promises:
 *  - the text is NUL-free valid UTF-8 of text_len bytes, without leading or
 *    trailing whitespace, double spaces or more than one blank line between
 *    paragraphs;
 *  - every metadata string present is non-empty, NUL-free valid UTF-8; at
 *    most 8 authors, none empty; no more elements than the bound;
 *  - extraction is deterministic (the same bytes twice give the same text
 *    and title: no state leaks between calls);
 *  - ne_html_sniff() never reads past its input (ASan) and agrees with
 *    itself on a copy with trailing bytes removed beyond 1 KB.
 */
#include <string.h>

#include "enrichers/html/html.h"
#include "tests/fuzz/fuzz.h"

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], lo = 0x80, hi = 0xBF, need;
        if (c == 0) return 0;
        if (c <= 0x7F) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) { need = 2; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) { need = 3; hi = 0x8F; }
        else return 0;
        if (need >= n - i) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (unsigned k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += need + 1;
    }
    return 1;
}

static void check_str(const char *what, const char *s)
{
    if (!s) return;
    FUZZ_CHECK(*s, "%s present but empty", what);
    FUZZ_CHECK(valid_utf8((const unsigned char *)s, strlen(s)), "%s is not valid UTF-8", what);
}

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    ne_html_page p, q;

    FUZZ_CHECK(ne_html_extract(bytes, size, &p) == 0, "extract failed");
    FUZZ_CHECK(p.text != NULL, "no text buffer");
    FUZZ_CHECK(strlen(p.text) == p.text_len, "strlen %zu, text_len %zu", strlen(p.text), p.text_len);
    FUZZ_CHECK(valid_utf8((const unsigned char *)p.text, p.text_len), "text is not valid UTF-8");
    if (p.text_len) {
        FUZZ_CHECK(!is_space(p.text[0]) && !is_space(p.text[p.text_len - 1]),
                   "text not trimmed");
        FUZZ_CHECK(!strstr(p.text, "  "), "double space in the text");
        FUZZ_CHECK(!strstr(p.text, "\n\n\n"), "more than one blank line");
        FUZZ_CHECK(!strstr(p.text, " \n") && !strstr(p.text, "\n "), "paragraph not trimmed");
    }
    check_str("title", p.title);
    check_str("url", p.url);
    check_str("language", p.language);
    check_str("published_at", p.published_at);
    check_str("site_name", p.site_name);
    FUZZ_CHECK(p.nauthors <= 8, "%zu authors", p.nauthors);
    for (size_t i = 0; i < p.nauthors; i++) check_str("author", p.authors[i]);
    FUZZ_CHECK(p.nelems <= NE_HTML_MAX_ELEMS, "%zu elements", p.nelems);

    FUZZ_CHECK(ne_html_extract(bytes, size, &q) == 0, "second extract failed");
    FUZZ_CHECK(q.text_len == p.text_len && memcmp(q.text, p.text, p.text_len) == 0,
               "not deterministic: %zu then %zu bytes", p.text_len, q.text_len);
    FUZZ_CHECK((!p.title && !q.title) || (p.title && q.title && !strcmp(p.title, q.title)),
               "title not deterministic");
    ne_html_page_reset(&q);
    ne_html_page_reset(&p);
    FUZZ_CHECK(p.text == NULL && p.nauthors == 0, "reset left data");

    /* the sniffer reads a bounded prefix: the same answer on a copy cut
     * 2 KB in (exactly sized, so ASan sees any read past it) */
    {
        size_t n = size < 2048 ? size : 2048;
        char *copy = malloc(n ? n : 1);
        if (!copy) abort();
        if (n) memcpy(copy, data, n);
        FUZZ_CHECK(ne_html_sniff(copy, n) == ne_html_sniff(bytes, size),
                   "sniff depends on bytes past 2 KB");
        free(copy);
    }
    return 0;
}
