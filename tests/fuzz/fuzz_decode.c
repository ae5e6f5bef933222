/* fuzz_decode — the record decoder (enrichers/pipeline/decode.c) on arbitrary bytes.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what
 * decode.h promises:
 *  - a decoded document has a non-empty, NUL-free, valid UTF-8 body without
 *    trailing blanks, an id, and NUL-free valid UTF-8 metadata; a title is
 *    trimmed;
 *  - rejections come in the documented order: the same bytes with a limit
 *    one byte too small are too_large unless they were empty;
 *  - bytes that are not UTF-8 (by an independent checker written here from
 *    Unicode table 3-7) are rejected as invalid_utf8, and
 *    ne_utf8_invalid_at() agrees with that checker;
 *  - the detail is a NUL-terminated string, non-empty on rejection;
 *  - ne_strip_furniture() never grows a body and is idempotent.
 */
#include <string.h>

#include "enrichers/pipeline/decode.h"
#include "enrichers/pipeline/doc.h"
#include "tests/fuzz/fuzz.h"

#define MAX_BYTES 1048576u /* processing.max_record_bytes default */

/* Offset of the first ill-formed UTF-8 sequence, or (size_t)-1: a plain
 * transcription of Unicode table 3-7, to compare decode.c's fast one with. */
static size_t ref_utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], lo = 0x80, hi = 0xBF, need;
        if (c <= 0x7F) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) { need = 2; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) { need = 3; hi = 0x8F; }
        else return i;
        if (need >= n - i) return i; /* truncated */
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (unsigned k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
        i += need + 1;
    }
    return (size_t)-1;
}

static int is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* A document string: NUL-terminated where its length says, valid UTF-8. */
static void check_string(const char *what, const char *s, size_t len)
{
    FUZZ_CHECK(strlen(s) == len, "%s: strlen %zu, length %zu", what, strlen(s), len);
    FUZZ_CHECK(ref_utf8_invalid_at((const unsigned char *)s, len) == (size_t)-1,
               "%s is not valid UTF-8", what);
}

static void check_optional(const char *what, const char *s)
{
    if (!s) return;
    FUZZ_CHECK(*s, "%s is present but empty (absent expected)", what);
    check_string(what, s, strlen(s));
}

static void check_doc(const ne_doc *d, size_t size)
{
    FUZZ_CHECK(d->body != NULL, "decoded without a body");
    FUZZ_CHECK(d->body_len > 0 && d->body_len <= size, "body_len %zu of %zu bytes", d->body_len, size);
    check_string("body", d->body, d->body_len);
    FUZZ_CHECK(!is_ascii_space((unsigned char)d->body[d->body_len - 1]), "body ends in whitespace");
    FUZZ_CHECK(!(d->body_len >= 2 && memcmp(d->body + d->body_len - 2, "\xC2\xA0", 2) == 0),
               "body ends in a no-break space");
    FUZZ_CHECK(d->id && *d->id, "no id");
    check_optional("id", d->id);
    if (d->title) {
        check_string("title", d->title, d->title_len);
        FUZZ_CHECK(d->title_len > 0, "empty title kept");
        FUZZ_CHECK(!is_ascii_space((unsigned char)d->title[0]) &&
                   !is_ascii_space((unsigned char)d->title[d->title_len - 1]),
                   "title not trimmed");
    }
    check_optional("url", d->url);
    check_optional("source", d->source);
    check_optional("published_at", d->published_at);
    check_optional("language", d->language);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    char detail[256];
    ne_doc doc;
    enum ne_reject r, r2;
    size_t bad = ref_utf8_invalid_at(data, size);

    FUZZ_CHECK(ne_utf8_invalid_at(bytes, size) == bad, "ne_utf8_invalid_at %zu, reference %zu",
               ne_utf8_invalid_at(bytes, size), bad);

    memset(&doc, 0, sizeof doc);
    memset(detail, 'x', sizeof detail);
    r = ne_decode(bytes, size, MAX_BYTES, &doc, detail, sizeof detail);
    FUZZ_CHECK(memchr(detail, '\0', sizeof detail) != NULL, "detail not NUL-terminated");
    FUZZ_CHECK((r >= NE_REJECT_NONE && r <= NE_REJECT_EMPTY) || r == NE_REJECT_NO_ARTICLE_TEXT,
               "reason %d", (int)r);
    FUZZ_CHECK(*ne_reject_reason(r) || r == NE_REJECT_NONE, "no reason string for %d", (int)r);
    if (r == NE_REJECT_NONE) {
        FUZZ_CHECK(bad == (size_t)-1, "invalid UTF-8 at %zu accepted", bad);
        FUZZ_CHECK(detail[0] == '\0', "detail on success: %s", detail);
        check_doc(&doc, size);
    } else {
        FUZZ_CHECK(detail[0] != '\0', "rejected (%s) without a detail", ne_reject_reason(r));
        if (bad != (size_t)-1 && size <= MAX_BYTES)
            FUZZ_CHECK(r == NE_REJECT_INVALID_UTF8 || r == NE_REJECT_EMPTY,
                       "invalid UTF-8 at %zu rejected as %s", bad, ne_reject_reason(r));
    }
    ne_doc_reset(&doc);

    /* The same bytes one byte over the limit: too_large, unless empty comes first. */
    if (size > 0) {
        memset(&doc, 0, sizeof doc);
        r2 = ne_decode(bytes, size, size - 1, &doc, detail, sizeof detail);
        FUZZ_CHECK(r2 == NE_REJECT_TOO_LARGE || (r2 == NE_REJECT_EMPTY && r == NE_REJECT_EMPTY),
                   "limit %zu: %s (unlimited: %s)", size - 1, ne_reject_reason(r2),
                   ne_reject_reason(r));
        ne_doc_reset(&doc);
    }

    /* Furniture removal on the raw bytes (it is exposed, so any bytes). */
    {
        char *copy = malloc(size + 1), *again;
        size_t n1, n2;
        if (!copy) abort();
        if (size) memcpy(copy, data, size);
        copy[size] = '\0';
        n1 = ne_strip_furniture(copy, size);
        FUZZ_CHECK(n1 <= size, "furniture grew %zu -> %zu", size, n1);
        again = malloc(n1 + 1);
        if (!again) abort();
        if (n1) memcpy(again, copy, n1);
        again[n1] = '\0';
        n2 = ne_strip_furniture(again, n1);
        FUZZ_CHECK(n2 == n1 && memcmp(again, copy, n1) == 0,
                   "furniture removal not idempotent: %zu -> %zu bytes", n1, n2);
        free(again);
        free(copy);
    }
    return 0;
}
