/* decode — one consumed record into a document, or a rejection (decode.h).
 *
 * Decisions this file makes beyond decode.h:
 *  - Whitespace ("blank") is ASCII space, \t, \n, \v, \f, \r and U+00A0
 *    (no-break space, common at paragraph ends in scraped text). A leading
 *    UTF-8 byte-order mark is skipped before looking for '{'.
 *  - max_bytes is taken literally: a non-empty record longer than it is
 *    too_large, so max_bytes 0 rejects every non-empty record.
 *  - JSON is parsed with yajl's event API, strictly (no comments, one value,
 *    strings validated), because yajl_tree accepts comments and silently
 *    truncates a string at "\u0000". Only top-level keys are read, matched
 *    exactly and case-sensitively; for a repeated key the last one wins.
 *  - "body" wins over "text" whenever it is present: {"body": null,
 *    "text": "…"} is missing_body, not a fallback to text.
 *  - "id" may be a string or a number; a number is kept as written
 *    ("12345", "1e3"). Every other optional field is kept only when it is a
 *    string; other JSON types are ignored as if absent. Empty strings count
 *    as absent (so an empty id is derived). Metadata strings are carried
 *    through untouched; only the title is trimmed.
 *  - A "\u0000" escape is invalid_json (the contract's "holds a NUL"); a
 *    lone or mis-paired surrogate escape ("\ud800") is invalid_utf8,
 *    because the text it stands for is not UTF-8 (yajl would otherwise
 *    write "?" or a wrong character). The whole record is checked, unknown
 *    fields included.
 *  - A plain-text record holding a NUL byte is invalid_utf8 (it is not text,
 *    and every document string is NUL-terminated).
 *  - Plain text: the first non-empty line (trimmed) is the title and the body
 *    starts at the next non-blank line. A record with a single non-empty
 *    line is all body and has no title.
 *  - Bodies (either input form) lose their leading blank lines and trailing
 *    whitespace; indentation and everything inside is kept.
 *  - Furniture: whole lines only, compared trimmed and ASCII
 *    case-insensitively. The share/subscribe/advertisement family goes
 *    wherever it stands as a line; comment prompts, "Comments", "Related:",
 *    "Click here to …", "Follow us on …" and a bare domain line go only from
 *    the end, since such lines earlier on may be content. A domain glued to
 *    the last line ("… programme. news.sky.com") goes only after . ! ? or …
 *    (optionally followed by closing quotes). Domains must end in a common
 *    TLD from a short list, to keep "Node.js" and the like.
 */
#include "enrichers/pipeline/decode.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <yajl/yajl_parse.h>

#include "common/xalloc.h"
#include "enrichers/html/html.h"

#define NOT_FOUND ((size_t)-1)

const char *ne_reject_reason(enum ne_reject r)
{
    switch (r) {
    case NE_REJECT_NONE:         return "";
    case NE_REJECT_INVALID_UTF8: return "invalid_utf8";
    case NE_REJECT_INVALID_JSON: return "invalid_json";
    case NE_REJECT_MISSING_BODY: return "missing_body";
    case NE_REJECT_TOO_LARGE:    return "too_large";
    case NE_REJECT_EMPTY:        return "empty";
    case NE_REJECT_OUTPUT_TOO_LARGE: return "output_too_large";
    case NE_REJECT_NO_ARTICLE_TEXT: return "no_article_text";
    case NE_REJECT__COUNT:       break;
    }
    return "unknown";
}

/* ---- small helpers ------------------------------------------------------ */

/* Formats the rejection detail; a NULL or zero-length buffer is allowed. */
__attribute__((format(printf, 3, 4)))
static void set_detail(char *detail, size_t detail_len, const char *fmt, ...)
{
    va_list ap;
    if (!detail || !detail_len) return;
    va_start(ap, fmt);
    vsnprintf(detail, detail_len, fmt, ap);
    va_end(ap);
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* True when the n bytes at s equal the lower-case ASCII string lit,
 * ignoring ASCII case. */
static int span_ieq(const char *s, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!lit[i] || ascii_lower((unsigned char)s[i]) != lit[i]) return 0;
    return lit[i] == '\0';
}

/* True when the n bytes at s start with lower-case lit, ignoring case. */
static int span_istarts(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && span_ieq(s, m, lit);
}

/* ---- whitespace --------------------------------------------------------- */

/* Length of the blank character starting at s[i] (1 for ASCII whitespace,
 * 2 for U+00A0), or 0 when s[i] is not blank. Never reads at or past len. */
static size_t blank_at(const char *s, size_t i, size_t len)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) return 2;
    return 0;
}

/* Length of the blank character ending just before s[end] (never looking
 * below s[lo]), or 0. */
static size_t blank_before(const char *s, size_t end, size_t lo)
{
    unsigned char c;
    if (end <= lo) return 0;
    c = (unsigned char)s[end - 1];
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xA0 && end - lo >= 2 && (unsigned char)s[end - 2] == 0xC2) return 2;
    return 0;
}

/* Offset of the first non-blank byte at or after i, or len. */
static size_t skip_blank(const char *s, size_t i, size_t len)
{
    size_t b;
    while (i < len && (b = blank_at(s, i, len)) != 0) i += b;
    return i;
}

/* End of [lo, end) with trailing blanks removed. */
static size_t trim_end(const char *s, size_t lo, size_t end)
{
    size_t b;
    while ((b = blank_before(s, end, lo)) != 0) end -= b;
    return end;
}

/* Offset of the start of the first line holding a non-blank character,
 * or len when there is none. */
static size_t skip_blank_lines(const char *s, size_t len)
{
    size_t first = skip_blank(s, 0, len), ls;
    if (first == len) return len;
    for (ls = first; ls > 0 && s[ls - 1] != '\n'; ls--) {}
    return ls;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Offset of the first byte of the first ill-formed sequence, or NOT_FOUND;
 * *why names the fault. Follows Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequences. */
static size_t utf8_check(const char *s, size_t len, const char **why)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        unsigned lo = 0x80, hi = 0xBF;
        size_t need, k;
        const char *lead_fault = NULL;  /* what a bad second byte means */
        /* Article text is mostly ASCII: skip 8 bytes at a time. */
        if (c < 0x80) {
            uint64_t w;
            while (len - i >= 8) {
                memcpy(&w, p + i, 8);
                if (w & UINT64_C(0x8080808080808080)) break;
                i += 8;
            }
            while (i < len && p[i] < 0x80) i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; lead_fault = "overlong encoding"; }
        else if (c == 0xED) { need = 2; hi = 0x9F; lead_fault = "UTF-16 surrogate"; }
        else if (c >= 0xE1 && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; lead_fault = "overlong encoding"; }
        else if (c == 0xF4) { need = 3; hi = 0x8F; lead_fault = "code point above U+10FFFF"; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else {
            *why = c <= 0xBF ? "stray continuation byte"
                 : c <= 0xC1 ? "overlong encoding"
                 : "byte that never occurs in UTF-8";
            return i;
        }
        for (k = 1; k <= need; k++) {
            unsigned b;
            if (i + k >= len) { *why = "sequence truncated at end of input"; return i; }
            b = p[i + k];
            if (k == 1 && (b < lo || b > hi) && b >= 0x80 && b <= 0xBF && lead_fault) {
                *why = lead_fault;
                return i;
            }
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
                *why = "incomplete sequence";
                return i;
            }
        }
        i += need + 1;
    }
    *why = NULL;
    return NOT_FOUND;
}

size_t ne_utf8_invalid_at(const char *s, size_t len)
{
    const char *why;
    return utf8_check(s, len, &why);
}

/* ---- page furniture ----------------------------------------------------- */

enum match_kind { MATCH_EXACT, MATCH_PREFIX };

struct furniture {
    const char     *text;   /* lower case */
    enum match_kind how;
};

/* Lines removed wherever they stand. Prefix matches only apply to short
 * lines (ANYWHERE_PREFIX_MAX) so that a paragraph opening with the same
 * words survives. */
#define ANYWHERE_PREFIX_MAX 120
static const struct furniture anywhere_lines[] = {
    { "advertisement", MATCH_EXACT },
    { "share", MATCH_EXACT },
    { "share this", MATCH_EXACT },
    { "share this article", MATCH_EXACT },
    { "share this story", MATCH_EXACT },
    { "share on ", MATCH_PREFIX },          /* Facebook, Twitter, … */
    { "subscribe", MATCH_EXACT },
    { "subscribe now", MATCH_PREFIX },
    { "subscribe to ", MATCH_PREFIX },
    { "subscribe for ", MATCH_PREFIX },
    { "sign up for our newsletter", MATCH_PREFIX },
    { "sign up to our newsletter", MATCH_PREFIX },
    { "sign up for the newsletter", MATCH_PREFIX },
};

/* Lines removed only from the end of the body. */
#define TAIL_PREFIX_MAX 300
static const struct furniture tail_lines[] = {
    { "leave a comment", MATCH_PREFIX },
    { "leave a reply", MATCH_PREFIX },
    { "be the first to comment", MATCH_PREFIX },
    { "your email address will not be published", MATCH_PREFIX },
    { "required fields are marked", MATCH_PREFIX },
    { "comments", MATCH_EXACT },
    { "related", MATCH_EXACT },
    { "click here to ", MATCH_PREFIX },
    { "follow us on ", MATCH_PREFIX },
    { "like this", MATCH_EXACT },
};

/* True when the trimmed line s[0..n) matches an entry of tab. An exact
 * entry tolerates one trailing '.', ':' or '!' ("Share this:"). */
static int line_matches(const char *s, size_t n, const struct furniture *tab,
                        size_t ntab, size_t prefix_max)
{
    size_t core = n;
    if (core && (s[core - 1] == '.' || s[core - 1] == ':' || s[core - 1] == '!'))
        core = trim_end(s, 0, core - 1);
    for (size_t i = 0; i < ntab; i++) {
        if (tab[i].how == MATCH_EXACT ? span_ieq(s, core, tab[i].text)
                                      : n <= prefix_max && span_istarts(s, n, tab[i].text))
            return 1;
    }
    return 0;
}

static int is_anywhere_furniture(const char *s, size_t n)
{
    return line_matches(s, n, anywhere_lines,
                        sizeof anywhere_lines / sizeof anywhere_lines[0],
                        ANYWHERE_PREFIX_MAX);
}

/* Top-level domains a bare site name may end in. */
static const char *const site_tlds[] = {
    "com", "net", "org", "info", "biz", "news", "tv", "io", "co", "uk", "us",
    "ca", "au", "nz", "ie", "in", "eu", "de", "fr", "es", "it", "nl", "ru",
    "ch", "at", "be", "se", "no", "dk", "fi", "pl", "jp", "cn", "hk", "sg",
    "za", "br", "mx", "ar", "gov", "edu", "me", "online", "media", "press",
};

/* True when s[0..n) is only a site address: an optional http(s)://, two or
 * more dot-separated labels ending in a known TLD, an optional '/'. */
static int is_domain(const char *s, size_t n)
{
    size_t i = 0, label = 0, labels = 0, tld_at = 0;
    if (span_istarts(s, n, "https://")) i = 8;
    else if (span_istarts(s, n, "http://")) i = 7;
    if (n > i && s[n - 1] == '/') n--;
    if (n < i + 4 || n - i > 253) return 0;
    for (size_t j = i; j <= n; j++) {
        unsigned char c = j < n ? (unsigned char)s[j] : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || s[j - 1] == '-' || s[j - label] == '-') return 0;
            labels++;
            tld_at = j - label;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-') {
            label++;
        } else {
            return 0;
        }
    }
    if (labels < 2) return 0;
    for (size_t t = 0; t < sizeof site_tlds / sizeof site_tlds[0]; t++)
        if (span_ieq(s + tld_at, n - tld_at, site_tlds[t])) return 1;
    return 0;
}

/* True when the trimmed last line s[0..n) is furniture. */
static int is_tail_furniture(const char *s, size_t n)
{
    return is_anywhere_furniture(s, n) || is_domain(s, n) ||
           line_matches(s, n, tail_lines, sizeof tail_lines / sizeof tail_lines[0],
                        TAIL_PREFIX_MAX);
}

/* Length of the closing quote or bracket ending just before s[end] (not
 * looking below s[lo]), or 0. */
static size_t closer_before(const char *s, size_t end, size_t lo)
{
    static const char *const closers[] = { "\"", "'", ")", "]",
        "\xE2\x80\x9D" /* ” */, "\xE2\x80\x99" /* ’ */, "\xC2\xBB" /* » */ };
    for (size_t i = 0; i < sizeof closers / sizeof closers[0]; i++) {
        size_t m = strlen(closers[i]);
        if (end - lo >= m && memcmp(s + end - m, closers[i], m) == 0) return m;
    }
    return 0;
}

/* True when s[lo..end) ends a sentence: . ! ? or …, then closers. */
static int ends_sentence(const char *s, size_t lo, size_t end)
{
    size_t m;
    while ((m = closer_before(s, end, lo)) != 0) end -= m;
    if (end <= lo) return 0;
    if (s[end - 1] == '.' || s[end - 1] == '!' || s[end - 1] == '?') return 1;
    return end - lo >= 3 && memcmp(s + end - 3, "\xE2\x80\xA6", 3) == 0;
}

/* For the trimmed last line s[ls..end): when it ends in a sentence, blanks
 * and a site address, the offset where the sentence ends (to cut there);
 * else NOT_FOUND. */
static size_t glued_domain_at(const char *s, size_t ls, size_t end)
{
    size_t tok = end, cut;
    while (tok > ls && !blank_before(s, tok, ls)) tok--;
    if (tok == ls || !is_domain(s + tok, end - tok)) return NOT_FOUND;
    cut = trim_end(s, ls, tok);
    return ends_sentence(s, ls, cut) ? cut : NOT_FOUND;
}

/* Removes anywhere-furniture lines by compacting in place; returns the new
 * length. When the removed line followed a blank line (or opened the
 * text), the blank lines after it go too, so "P1\n\nAd\n\nP2" keeps a
 * single paragraph break. */
static size_t remove_furniture_lines(char *s, size_t len)
{
    size_t r = 0, w = 0;
    int prev_blank = 1, dropping_blanks = 0;
    while (r < len) {
        const char *nl = memchr(s + r, '\n', len - r);
        size_t next = nl ? (size_t)(nl - s) + 1 : len;
        size_t a = skip_blank(s, r, next);
        size_t e = trim_end(s, a, next);
        int blank = a == next;
        if (blank && dropping_blanks) { r = next; continue; }
        dropping_blanks = 0;
        if (!blank && is_anywhere_furniture(s + a, e - a)) {
            dropping_blanks = prev_blank;
            r = next;
            continue;
        }
        if (w != r) memmove(s + w, s + r, next - r);
        w += next - r;
        prev_blank = blank;
        r = next;
    }
    return w;
}

/* Removes furniture from the end, one line (or glued site name) at a time,
 * and trailing blanks; returns the new length. */
static size_t strip_tail(const char *s, size_t len)
{
    size_t end = trim_end(s, 0, len);
    for (;;) {
        size_t ls = end, a, cut;
        while (ls > 0 && s[ls - 1] != '\n') ls--;
        a = skip_blank(s, ls, end);
        if (a < end && is_tail_furniture(s + a, end - a)) {
            end = trim_end(s, 0, ls);
            continue;
        }
        if (a < end && (cut = glued_domain_at(s, a, end)) != NOT_FOUND) {
            end = trim_end(s, 0, cut);
            continue;
        }
        return end;
    }
}

size_t ne_strip_furniture(char *body, size_t len)
{
    if (!body || !len) return 0;
    len = remove_furniture_lines(body, len);
    return strip_tail(body, len);
}

/* ---- JSON --------------------------------------------------------------- */

enum jtype { JT_ABSENT = 0, JT_STRING, JT_NUMBER, JT_NULL, JT_BOOL, JT_OBJECT, JT_ARRAY };

static const char *jtype_name(enum jtype t)
{
    switch (t) {
    case JT_ABSENT: return "absent";
    case JT_STRING: return "a string";
    case JT_NUMBER: return "a number";
    case JT_NULL:   return "null";
    case JT_BOOL:   return "a boolean";
    case JT_OBJECT: return "an object";
    case JT_ARRAY:  return "an array";
    }
    return "unknown";
}

enum jfield { F_BODY, F_TEXT, F_ID, F_TITLE, F_URL, F_SOURCE, F_PUBLISHED_AT, F_LANGUAGE, F_HTML,
              F_COUNT };

static const char *const jfield_names[F_COUNT] = {
    "body", "text", "id", "title", "url", "source", "published_at", "language", "html"
};

struct jvalue {
    enum jtype type;
    char      *s;     /* owned copy for strings and numbers, else NULL */
    size_t     len;
};

/* Parser state: nesting depth (1 = inside the top-level object) and the
 * field whose value comes next (-1: not one we keep). */
struct jctx {
    size_t        depth;
    int           cur;
    struct jvalue f[F_COUNT];
};

/* Records a value for the pending top-level field, if any. */
static void jset(struct jctx *c, enum jtype t, const unsigned char *s, size_t len)
{
    struct jvalue *v;
    if (c->depth != 1 || c->cur < 0) return;
    v = &c->f[c->cur];
    free(v->s);
    v->type = t;
    /* yajl may pass NULL for an empty string; keep "" then. */
    v->s = t == JT_STRING || t == JT_NUMBER ? ne_xstrndup(s ? (const char *)s : "", s ? len : 0)
                                           : NULL;
    v->len = s ? len : 0;
    c->cur = -1;
}

static int on_null(void *ctx) { jset(ctx, JT_NULL, NULL, 0); return 1; }
static int on_bool(void *ctx, int b) { (void)b; jset(ctx, JT_BOOL, NULL, 0); return 1; }

static int on_number(void *ctx, const char *s, size_t len)
{
    jset(ctx, JT_NUMBER, (const unsigned char *)s, len);
    return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    jset(ctx, JT_STRING, s, len);
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct jctx *c = ctx;
    if (c->depth != 1) return 1;
    c->cur = -1;
    for (int i = 0; i < F_COUNT; i++)
        if (strlen(jfield_names[i]) == len && memcmp(jfield_names[i], key, len) == 0)
            c->cur = i;
    return 1;
}

static int on_start(struct jctx *c, enum jtype t)
{
    jset(c, t, NULL, 0);
    c->depth++;
    c->cur = -1;
    return 1;
}

static int on_start_map(void *ctx) { return on_start(ctx, JT_OBJECT); }
static int on_start_array(void *ctx) { return on_start(ctx, JT_ARRAY); }
static int on_end(void *ctx) { ((struct jctx *)ctx)->depth--; return 1; }

static const yajl_callbacks json_callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

static void jctx_free(struct jctx *c)
{
    for (int i = 0; i < F_COUNT; i++) free(c->f[i].s);
}

/* The value of 4 hex digits at s, or -1. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = ascii_lower((unsigned char)s[i]);
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else return -1;
    }
    return v;
}

/* Checks the \u escapes of a record that parsed as JSON: "\u0000" is
 * invalid_json, a surrogate escape without its partner invalid_utf8. In
 * valid JSON every backslash opens an escape inside a string, so no string
 * tracking is needed. `base` is s's offset in the record, for the detail. */
static enum ne_reject check_escapes(const char *s, size_t len, size_t base,
                                    char *detail, size_t detail_len)
{
    const char *p = s, *end = s + len;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        size_t at = (size_t)(p - s) + base;
        long cp, lo;
        if (end - p < 2) break;
        if (p[1] != 'u') { p += 2; continue; }
        if (end - p < 6) break;
        cp = hex4(p + 2);
        if (cp == 0) {
            set_detail(detail, detail_len,
                       "JSON string holds \\u0000 (a NUL character) at byte %zu", at);
            return NE_REJECT_INVALID_JSON;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                set_detail(detail, detail_len,
                           "invalid UTF-8 at byte %zu (JSON escape \\u%.4s is a high "
                           "surrogate without its low half)", at, p + 2);
                return NE_REJECT_INVALID_UTF8;
            }
            p += 12;
            continue;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            set_detail(detail, detail_len,
                       "invalid UTF-8 at byte %zu (JSON escape \\u%.4s is a lone low "
                       "surrogate)", at, p + 2);
            return NE_REJECT_INVALID_UTF8;
        }
        p += 6;
    }
    return NE_REJECT_NONE;
}

/* Parses s[0..len) (at offset base in the record) into c. Returns
 * NE_REJECT_NONE or NE_REJECT_INVALID_JSON with the detail written. */
static enum ne_reject parse_json(const char *s, size_t len, size_t base, struct jctx *c,
                                 char *detail, size_t detail_len)
{
    enum ne_reject r = NE_REJECT_NONE;
    yajl_handle h = yajl_alloc(&json_callbacks, NULL, c);
    yajl_status st;
    size_t at;
    unsigned char *msg;
    char *nl;
    if (!h) abort();
    st = yajl_parse(h, (const unsigned char *)s, len);
    at = st == yajl_status_ok ? len : yajl_get_bytes_consumed(h);
    if (st == yajl_status_ok) st = yajl_complete_parse(h);
    if (st == yajl_status_ok) goto done;

    r = NE_REJECT_INVALID_JSON;
    /* yajl stops just past the offending byte (or the token holding it),
     * hence "near". */
    at = at ? base + at - 1 : base;
    /* The terse message is one line plus a newline; keep the line. */
    msg = yajl_get_error(h, 0, (const unsigned char *)s, len);
    if (msg) {
        if ((nl = strchr((char *)msg, '\n')) != NULL) *nl = '\0';
        msg[trim_end((char *)msg, 0, strlen((char *)msg))] = '\0';
    }
    set_detail(detail, detail_len, "JSON parse error: %s (near byte %zu)",
               msg ? (const char *)msg : "unknown error", at);
    if (msg) yajl_free_error(h, msg);
done:
    yajl_free(h);
    return r;
}

/* Hands a kept string value over to *dst (NULL when absent or empty). */
static void take_string(struct jvalue *v, char **dst)
{
    if ((v->type == JT_STRING || v->type == JT_NUMBER) && v->len) {
        *dst = v->s;
        v->s = NULL;
    }
}

/* ---- web pages ---------------------------------------------------------- */

/* Moves *src into *dst when *dst is absent. */
static void fill(char **dst, char **src)
{
    if (!*dst && *src) {
        *dst = *src;
        *src = NULL;
    }
}

/* out->body holds a web page: replaces it with the page's article text and
 * fills the metadata the record lacks from the page. */
static enum ne_reject decode_page(ne_doc *out, char *detail, size_t detail_len)
{
    ne_html_page pg;
    out->format = NE_FORMAT_HTML;
    /* Only out of memory fails in libxml2: like xalloc, give up. */
    if (ne_html_extract(out->body, out->body_len, &pg) != 0) abort();
    if (!pg.text_len) {
        set_detail(detail, detail_len,
                   "no article text in the web page (%zu bytes, %zu elements%s)",
                   out->body_len, pg.nelems, pg.truncated ? ", cut at the parser's bounds" : "");
        ne_html_page_reset(&pg);
        return NE_REJECT_NO_ARTICLE_TEXT;
    }
    free(out->body);
    out->body = pg.text;
    out->body_len = pg.text_len;
    pg.text = NULL;
    fill(&out->title, &pg.title);
    fill(&out->url, &pg.url);
    if (!out->language && pg.language) out->language_hint = 1;
    fill(&out->language, &pg.language);
    fill(&out->published_at, &pg.published_at);
    if (pg.nauthors) {
        out->authors = pg.authors;
        out->nauthors = pg.nauthors;
        pg.authors = NULL;
        pg.nauthors = 0;
    }
    ne_html_page_reset(&pg);
    return NE_REJECT_NONE;
}

/* A non-JSON record that is a web page (s[start..len) past a byte-order
 * mark). */
static enum ne_reject decode_plain_page(const char *s, size_t len, size_t start, ne_doc *out,
                                        char *detail, size_t detail_len)
{
    const char *nul = memchr(s, '\0', len);
    if (nul) {
        set_detail(detail, detail_len,
                   "NUL byte at byte %zu: a plain-text record cannot hold NUL",
                   (size_t)(nul - s));
        return NE_REJECT_INVALID_UTF8;
    }
    out->body = ne_xstrndup(s + start, len - start);
    out->body_len = len - start;
    return decode_page(out, detail, detail_len);
}

/* Decodes a JSON record s[0..len) into out (body, title, id and metadata,
 * uncleaned). base is s's offset in the record. */
static enum ne_reject decode_json(const char *s, size_t len, size_t base, ne_doc *out,
                                  char *detail, size_t detail_len)
{
    struct jctx c;
    enum ne_reject r;
    const char *nul = memchr(s, '\0', len);
    struct jvalue *body;
    const char *body_name;

    memset(&c, 0, sizeof c);
    c.cur = -1;
    if (nul) {
        set_detail(detail, detail_len, "JSON record holds a NUL byte at byte %zu",
                   (size_t)(nul - s) + base);
        r = NE_REJECT_INVALID_JSON;
        goto out;
    }
    if ((r = parse_json(s, len, base, &c, detail, detail_len)) != NE_REJECT_NONE) goto out;
    if ((r = check_escapes(s, len, base, detail, detail_len)) != NE_REJECT_NONE) goto out;

    body = c.f[F_BODY].type != JT_ABSENT ? &c.f[F_BODY] : &c.f[F_TEXT];
    body_name = body == &c.f[F_BODY] ? "body" : "text";
    if (body->type == JT_ABSENT && c.f[F_HTML].type != JT_ABSENT) {
        body = &c.f[F_HTML];
        body_name = "html";
        out->format = NE_FORMAT_HTML;
    }
    if (body->type == JT_ABSENT) {
        set_detail(detail, detail_len, "no \"body\", \"text\" or \"html\" field");
        r = NE_REJECT_MISSING_BODY;
        goto out;
    }
    if (body->type != JT_STRING) {
        set_detail(detail, detail_len, "\"%s\" is %s, not a string", body_name,
                   jtype_name(body->type));
        r = NE_REJECT_MISSING_BODY;
        goto out;
    }
    out->body = body->s;
    out->body_len = body->len;
    body->s = NULL;

    take_string(&c.f[F_ID], &out->id);   /* a number id is kept as written */
    if (c.f[F_TITLE].type == JT_STRING) take_string(&c.f[F_TITLE], &out->title);
    if (c.f[F_URL].type == JT_STRING) take_string(&c.f[F_URL], &out->url);
    if (c.f[F_SOURCE].type == JT_STRING) take_string(&c.f[F_SOURCE], &out->source);
    if (c.f[F_PUBLISHED_AT].type == JT_STRING)
        take_string(&c.f[F_PUBLISHED_AT], &out->published_at);
    if (c.f[F_LANGUAGE].type == JT_STRING) take_string(&c.f[F_LANGUAGE], &out->language);
    if (out->format == NE_FORMAT_HTML || ne_html_sniff(out->body, out->body_len))
        r = decode_page(out, detail, detail_len);
out:
    jctx_free(&c);
    return r;
}

/* ---- plain text --------------------------------------------------------- */

/* Splits a plain-text record s[0..len), whose text starts at `start` (past
 * a byte-order mark) and first non-blank byte is at `first`, into title and
 * body (uncleaned). */
static enum ne_reject decode_plain(const char *s, size_t len, size_t start, size_t first,
                                   ne_doc *out, char *detail, size_t detail_len)
{
    const char *nul = memchr(s, '\0', len);
    const char *nl;
    size_t title_end, rest, body_at;

    if (nul) {
        set_detail(detail, detail_len,
                   "NUL byte at byte %zu: a plain-text record cannot hold NUL",
                   (size_t)(nul - s));
        return NE_REJECT_INVALID_UTF8;
    }
    nl = memchr(s + first, '\n', len - first);
    rest = nl ? (size_t)(nl - s) + 1 : len;
    body_at = rest + skip_blank_lines(s + rest, len - rest);
    if (body_at == len) {
        /* A single non-empty line: it is the body, there is no title. */
        body_at = start + skip_blank_lines(s + start, len - start);
    } else {
        title_end = trim_end(s, first, rest);
        out->title = ne_xstrndup(s + first, title_end - first);
    }
    out->body = ne_xstrndup(s + body_at, len - body_at);
    out->body_len = len - body_at;
    return NE_REJECT_NONE;
}

/* ---- finishing ---------------------------------------------------------- */

/* The id derived from n bytes at s (caller frees): the first 8 bytes of their
 * SHA-256 as 16 lower-case hex digits. */
static char *derive_id(const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char *id = ne_xmalloc(17);
    /* SHA-256 from the default provider cannot fail short of a broken
     * OpenSSL install; there is no rejection reason for that. */
    if (!EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) || mdlen < 8) abort();
    for (int i = 0; i < 8; i++) {
        id[2 * i] = hex[md[i] >> 4];
        id[2 * i + 1] = hex[md[i] & 15];
    }
    id[16] = '\0';
    return id;
}

/* Trims the title in place; an all-blank title becomes NULL. */
static void clean_title(ne_doc *d)
{
    size_t n, a, e;
    if (!d->title) return;
    n = strlen(d->title);
    a = skip_blank(d->title, 0, n);
    e = trim_end(d->title, a, n);
    if (a == e) {
        free(d->title);
        d->title = NULL;
        d->title_len = 0;
        return;
    }
    memmove(d->title, d->title + a, e - a);
    d->title[e - a] = '\0';
    d->title_len = e - a;
}

/* Cleans the body (leading blank lines, furniture, trailing blanks) and
 * the title, and derives a missing id. */
static enum ne_reject finish_doc(ne_doc *d, char *detail, size_t detail_len)
{
    size_t off = skip_blank_lines(d->body, d->body_len);
    if (off == d->body_len) {
        set_detail(detail, detail_len, d->body_len ? "body is only whitespace"
                                                   : "body is empty");
        return NE_REJECT_EMPTY;
    }
    memmove(d->body, d->body + off, d->body_len - off);
    d->body_len = ne_strip_furniture(d->body, d->body_len - off);
    d->body[d->body_len] = '\0';
    if (d->body_len == 0) {
        set_detail(detail, detail_len, d->format == NE_FORMAT_HTML
                   ? "no article text in the web page once page furniture is removed"
                   : "body is empty after removing page furniture");
        return d->format == NE_FORMAT_HTML ? NE_REJECT_NO_ARTICLE_TEXT : NE_REJECT_EMPTY;
    }
    clean_title(d);
    if (!d->id)
        d->id = d->url ? derive_id(d->url, strlen(d->url))
                       : derive_id(d->body, d->body_len);
    return NE_REJECT_NONE;
}

enum ne_reject ne_decode(const char *bytes, size_t len, size_t max_bytes,
                         ne_doc *doc, char *detail, size_t detail_len)
{
    enum ne_reject r;
    ne_doc out;
    size_t start = 0, first, bad;
    const char *why;

    /* Built aside and moved into *doc only on success, so a rejection
     * leaves the caller's (reset) document untouched. */
    memset(&out, 0, sizeof out);
    set_detail(detail, detail_len, "%s", "");

    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) start = 3;
    first = len ? skip_blank(bytes, start, len) : 0;
    if (first == len) {
        if (len == 0) set_detail(detail, detail_len, "record is empty (0 bytes)");
        else set_detail(detail, detail_len, "record is only whitespace (%zu bytes)", len);
        r = NE_REJECT_EMPTY;
        goto error;
    }
    if (len > max_bytes) {
        set_detail(detail, detail_len, "record is %zu bytes, limit %zu", len, max_bytes);
        r = NE_REJECT_TOO_LARGE;
        goto error;
    }
    if ((bad = utf8_check(bytes, len, &why)) != NOT_FOUND) {
        set_detail(detail, detail_len, "invalid UTF-8 at byte %zu (%s)", bad, why);
        r = NE_REJECT_INVALID_UTF8;
        goto error;
    }
    if (bytes[first] == '{')
        r = decode_json(bytes + start, len - start, start, &out, detail, detail_len);
    else if (ne_html_sniff(bytes + start, len - start))
        r = decode_plain_page(bytes, len, start, &out, detail, detail_len);
    else
        r = decode_plain(bytes, len, start, first, &out, detail, detail_len);
    if (r != NE_REJECT_NONE) goto error;
    if ((r = finish_doc(&out, detail, detail_len)) != NE_REJECT_NONE) goto error;

    *doc = out;
    return NE_REJECT_NONE;

error:
    ne_doc_reset(&out);
    return r;
}
