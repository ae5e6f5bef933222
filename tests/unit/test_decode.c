/* Tests for the record decoder (enrichers/pipeline/decode.c). */
#include "tests/unit/test.h"

#include <stdlib.h>
#include <string.h>

#include "enrichers/pipeline/decode.h"

#define MAX_BYTES (1024 * 1024)

/* Decodes a NUL-terminated record with the default limit. */
static enum ne_reject decode_str(const char *rec, ne_doc *d, char *detail, size_t n)
{
    return ne_decode(rec, strlen(rec), MAX_BYTES, d, detail, n);
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int is_hex_id(const char *s)
{
    if (!s || strlen(s) != 16) return 0;
    for (int i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* Strips a NUL-terminated literal copy and returns the result in buf. */
static const char *strip(const char *in, char *buf, size_t cap)
{
    size_t n = strlen(in);
    if (n >= cap) return "(too long)";
    memcpy(buf, in, n);
    n = ne_strip_furniture(buf, n);
    buf[n] = '\0';
    return buf;
}

/* ---- JSON --------------------------------------------------------------- */

TEST(decode_json_all_fields)
{
    ne_doc d = {0};
    char detail[256];
    const char *rec =
        "{\"id\":\"a-1\",\"title\":\"  Headline here \\n\",\"body\":\"First para.\\n\\n"
        "Second \\u201cquoted\\u201d para.\",\"url\":\"https://example.com/a\","
        "\"source\":\"example.com\",\"published_at\":\"2017-11-11T08:00:00Z\","
        "\"language\":\"en\",\"extra\":{\"body\":5,\"id\":[1,2]},\"tags\":[\"x\"]}";
    CHECK_INT(decode_str(rec, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.id, "a-1");
    CHECK_STR(d.title, "Headline here");
    CHECK_INT(d.title_len, strlen("Headline here"));
    CHECK_STR(d.body, "First para.\n\nSecond \xE2\x80\x9Cquoted\xE2\x80\x9D para.");
    CHECK_INT(d.body_len, strlen(d.body));
    CHECK_STR(d.url, "https://example.com/a");
    CHECK_STR(d.source, "example.com");
    CHECK_STR(d.published_at, "2017-11-11T08:00:00Z");
    CHECK_STR(d.language, "en");
    ne_doc_reset(&d);
}

TEST(decode_json_text_alias)
{
    ne_doc d = {0};
    char detail[256];
    CHECK_INT(decode_str("{\"text\":\"Only text.\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.body, "Only text.");
    CHECK(d.title == NULL && d.url == NULL && d.source == NULL);
    ne_doc_reset(&d);
    /* body wins when both are present, in either order */
    CHECK_INT(decode_str("{\"text\":\"T\",\"body\":\"B\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.body, "B");
    ne_doc_reset(&d);
}

TEST(decode_json_optional_field_types)
{
    ne_doc d = {0};
    char detail[256];
    /* a number id is kept as written; non-string metadata is ignored */
    CHECK_INT(decode_str("{\"id\":12345,\"title\":7,\"url\":null,\"source\":true,"
                         "\"language\":[\"en\"],\"body\":\"B.\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.id, "12345");
    CHECK(d.title == NULL && d.url == NULL && d.source == NULL && d.language == NULL);
    ne_doc_reset(&d);
    /* an empty id is derived; the last of a repeated key wins */
    CHECK_INT(decode_str("{\"id\":\"\",\"body\":\"x\",\"body\":\"Hello world.\"}",
                         &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.id, "aa3ec16e6acc809d");
    CHECK_STR(d.body, "Hello world.");
    ne_doc_reset(&d);
    /* a whitespace-only title is no title */
    CHECK_INT(decode_str("{\"title\":\" \\t \",\"body\":\"B.\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK(d.title == NULL);
    CHECK_INT(d.title_len, 0);
    ne_doc_reset(&d);
}

TEST(decode_json_unicode_escapes)
{
    ne_doc d = {0};
    char detail[256];
    /* a surrogate pair decodes to one 4-byte character */
    CHECK_INT(decode_str("{\"body\":\"smile \\ud83d\\ude00 \\u00e9\"}", &d, detail,
                         sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.body, "smile \xF0\x9F\x98\x80 \xC3\xA9");
    ne_doc_reset(&d);
    /* an escaped backslash before 'u' is not an escape */
    CHECK_INT(decode_str("{\"body\":\"path C:\\\\ud800\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.body, "path C:\\ud800");
    ne_doc_reset(&d);
}

/* ---- ids ---------------------------------------------------------------- */

TEST(decode_id_derived_from_url)
{
    ne_doc d = {0}, e = {0};
    char detail[256];
    const char *rec = "{\"url\":\"https://example.com/news/1\",\"body\":\"Some text.\"}";
    CHECK_INT(decode_str(rec, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK(is_hex_id(d.id));
    /* sha256("https://example.com/news/1"), first 8 bytes */
    CHECK_STR(d.id, "3eaea8abd01c3643");
    /* stable: another body, same url, same id */
    CHECK_INT(decode_str("{\"url\":\"https://example.com/news/1\",\"body\":\"Other.\"}",
                         &e, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(e.id, d.id);
    ne_doc_reset(&d);
    ne_doc_reset(&e);
}

TEST(decode_id_derived_from_body)
{
    ne_doc d = {0}, e = {0};
    char detail[256];
    CHECK_INT(decode_str("{\"body\":\"Hello world.\"}", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.id, "aa3ec16e6acc809d");   /* sha256("Hello world.") */
    /* from the cleaned body: furniture and plain-text form do not change it */
    CHECK_INT(decode_str("{\"body\":\"Hello world.\\n\\nLeave a comment\\n\"}", &e, detail,
                         sizeof detail), NE_REJECT_NONE);
    CHECK_STR(e.id, d.id);
    ne_doc_reset(&e);
    CHECK_INT(decode_str("\nHello world.\n", &e, detail, sizeof detail), NE_REJECT_NONE);
    CHECK(e.title == NULL);
    CHECK_STR(e.id, d.id);
    ne_doc_reset(&d);
    ne_doc_reset(&e);
}

/* ---- plain text --------------------------------------------------------- */

TEST(decode_plain_title_and_body)
{
    ne_doc d = {0};
    char detail[256];
    CHECK_INT(decode_str("\n\n  The headline  \r\n\r\n\r\n  Indented first para.\r\nSecond.\r\n\n",
                         &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.title, "The headline");
    CHECK_INT(d.title_len, 12);
    CHECK_STR(d.body, "  Indented first para.\r\nSecond.");
    CHECK(is_hex_id(d.id));
    ne_doc_reset(&d);
}

TEST(decode_plain_single_line_is_body)
{
    ne_doc d = {0};
    char detail[256];
    CHECK_INT(decode_str("   \nJust one line of text.  \n\n", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK(d.title == NULL);
    CHECK_STR(d.body, "Just one line of text.");
    ne_doc_reset(&d);
    /* a byte-order mark is not part of the text */
    CHECK_INT(decode_str("\xEF\xBB\xBFOne line.", &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.body, "One line.");
    ne_doc_reset(&d);
}

TEST(decode_plain_starting_with_bracket_is_not_json)
{
    ne_doc d = {0};
    char detail[256];
    CHECK_INT(decode_str("[Updated] Title\nBody {not json}.", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_STR(d.title, "[Updated] Title");
    CHECK_STR(d.body, "Body {not json}.");
    ne_doc_reset(&d);
}

/* ---- seeds -------------------------------------------------------------- */

static const char *const seed_files[2] = {
    "seeds/000_5ef9211fc8905507.txt", "seeds/001_caa47b06f91fe0da.txt"
};
static const char *const seed_titles[2] = {
    "Trump: Putin Says He Didn\xE2\x80\x99t Meddle in the US Election",
    "Trump confronts Putin again over election claims"
};

/* Decodes seed txt file i into d; the raw text goes to *raw (caller frees).
 * Returns 0 when the data is absent. */
static int decode_seed_txt(int i, ne_doc *d, char **raw, size_t *raw_len)
{
    const char *path = test_data_path(seed_files[i]);
    char detail[256];
    if (!path || !(*raw = test_read_file(path, raw_len))) return 0;
    return ne_decode(*raw, *raw_len, MAX_BYTES, d, detail, sizeof detail) == NE_REJECT_NONE
           ? 1 : -1;
}

/* What is wrong with seed i's decoded txt file, or NULL; "absent" when the
 * data is not there. */
static const char *seed_txt_fault(int i)
{
    ne_doc d = {0};
    char *raw = NULL;
    size_t raw_len = 0;
    const char *fault = NULL;
    int ok = decode_seed_txt(i, &d, &raw, &raw_len);
    if (ok == 0) fault = "absent";
    else if (ok < 0) fault = "rejected";
    else if (!d.title || strcmp(d.title, seed_titles[i]) != 0) fault = "title differs from the headline";
    else if (strstr(d.body, "Leave a comment")) fault = "\"Leave a comment\" kept";
    else if (strstr(d.body, "Be the first to comment")) fault = "\"Be the first to comment\" kept";
    else if (strstr(d.body, "Your email address will not be published")) fault = "email notice kept";
    else if (strstr(d.body, "news.sky.com")) fault = "site name kept";
    else if (!ends_with(d.body, d.body_len, i == 0 ? "the Geneva political process, it said."
                                                    : "over its nuclear programme."))
        fault = "body ends elsewhere";
    else if (strncmp(d.body, i == 0 ? "Vladimir Putin and Donald J. Trump APEC Summit"
                                    : "US President Donald Trump says", 30) != 0)
        fault = "body starts elsewhere";
    /* Everything but the furniture is byte-identical: the body is one span
     * of the input, so its long middle stretch is there verbatim. */
    else if (d.body_len < 3000 || !memmem(raw, raw_len, d.body, d.body_len) ||
             !memmem(raw, raw_len, d.body + d.body_len / 4, d.body_len / 2))
        fault = "body is not a verbatim span of the input";
    else if (!is_hex_id(d.id)) fault = "no derived id";
    free(raw);
    ne_doc_reset(&d);
    return fault;
}

TEST(decode_seed_txt_files)
{
    for (int i = 0; i < 2; i++) {
        const char *fault = seed_txt_fault(i);
        if (fault && strcmp(fault, "absent") == 0) SKIP("../shared/data/seeds absent");
        if (fault) printf("    %s: %s\n", seed_files[i], fault);
        CHECK(fault == NULL);
    }
}

TEST(decode_seed_jsonl_matches_txt)
{
    static const char *const ids[2] = { "5ef9211fc8905507", "caa47b06f91fe0da" };
    const char *path;
    char *all, *line, *save = NULL;
    size_t len;
    int n = 0;
    /* test_data_path() returns a static buffer: ask for the jsonl last */
    if (!test_data_path(seed_files[0]) || !test_data_path(seed_files[1]) ||
        !(path = test_data_path("seeds/seeds.jsonl")))
        SKIP("../shared/data/seeds absent");
    all = test_read_file(path, &len);
    CHECK(all != NULL);
    for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
        ne_doc j = {0}, t = {0};
        char *raw = NULL, detail[256];
        size_t raw_len;
        int same;
        enum ne_reject r = ne_decode(line, strlen(line), MAX_BYTES, &j, detail, sizeof detail);
        int ok = n < 2 ? decode_seed_txt(n, &t, &raw, &raw_len) : -1;
        free(raw);
        same = r == NE_REJECT_NONE && ok == 1 && j.body_len == t.body_len &&
               memcmp(j.body, t.body, j.body_len) == 0 && j.title && t.title &&
               strcmp(j.title, t.title) == 0 && strcmp(j.id, ids[n]) == 0;
        ne_doc_reset(&j);
        ne_doc_reset(&t);
        if (!same) { free(all); CHECK(!"jsonl record differs from its txt version"); }
    }
    free(all);
    CHECK_INT(n, 2);
}

/* ---- rejections --------------------------------------------------------- */

/* Decodes rec[0..len) expecting rejection `want` with a detail starting
 * with `detail_prefix`; returns 1 when it matches (the doc stays clean). */
static int rejects(const char *rec, size_t len, size_t max, enum ne_reject want,
                   const char *detail_prefix)
{
    ne_doc d = {0};
    char detail[256];
    enum ne_reject r = ne_decode(rec, len, max, &d, detail, sizeof detail);
    int clean = !d.body && !d.title && !d.id && !d.url;
    ne_doc_reset(&d);
    if (r != want || !clean || strncmp(detail, detail_prefix, strlen(detail_prefix)) != 0) {
        printf("    got %s \"%s\", want %s \"%s…\"\n", ne_reject_reason(r), detail,
               ne_reject_reason(want), detail_prefix);
        return 0;
    }
    return 1;
}

#define REJECTS(lit, want, prefix) rejects(lit, sizeof lit - 1, MAX_BYTES, want, prefix)

TEST(decode_reject_empty)
{
    CHECK(rejects("", 0, MAX_BYTES, NE_REJECT_EMPTY, "record is empty (0 bytes)"));
    CHECK(REJECTS(" \t\r\n\n  ", NE_REJECT_EMPTY, "record is only whitespace (7 bytes)"));
    CHECK(REJECTS("\xC2\xA0\n", NE_REJECT_EMPTY, "record is only whitespace"));
    /* empty wins over too_large */
    CHECK(rejects("     ", 5, 2, NE_REJECT_EMPTY, "record is only whitespace"));
    CHECK(REJECTS("{\"body\":\"\"}", NE_REJECT_EMPTY, "body is empty"));
    CHECK(REJECTS("{\"body\":\" \\n\\t \"}", NE_REJECT_EMPTY, "body is only whitespace"));
}

TEST(decode_reject_too_large)
{
    size_t n = 3 * 1024 * 1024;
    char *big = malloc(n);
    int ok;
    CHECK(big != NULL);
    memset(big, 'a', n);
    ok = rejects(big, n, MAX_BYTES, NE_REJECT_TOO_LARGE, "record is 3145728 bytes, limit 1048576");
    free(big);
    CHECK(ok);
    /* too_large is checked before UTF-8 */
    CHECK(rejects("ab\xFF", 3, 2, NE_REJECT_TOO_LARGE, "record is 3 bytes, limit 2"));
}

TEST(decode_reject_invalid_utf8)
{
    CHECK(REJECTS("Title\nbody \xC0\xAF here", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 11 (overlong encoding)"));
    CHECK(REJECTS("ab\xE0\x80\x80", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 2 (overlong encoding)"));
    CHECK(REJECTS("abc\xED\xA0\x80xyz", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 3 (UTF-16 surrogate)"));
    CHECK(REJECTS("truncated \xE2\x80", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 10 (sequence truncated"));
    CHECK(REJECTS("stray \x80 byte", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 6 (stray continuation byte)"));
    CHECK(REJECTS("{\"body\":\"x\xF4\x90\x80\x80\"}", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 10 (code point above U+10FFFF)"));
    /* invalid UTF-8 comes before invalid JSON */
    CHECK(REJECTS("{\"body\": \xFF", NE_REJECT_INVALID_UTF8, "invalid UTF-8 at byte 9"));
    /* escapes that stand for no UTF-8 */
    CHECK(REJECTS("{\"body\":\"a\\ud800b\"}", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 10 (JSON escape \\ud800"));
    CHECK(REJECTS("{\"body\":\"a\\udc00\"}", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 10 (JSON escape \\udc00 is a lone low"));
    CHECK(REJECTS("{\"body\":\"a\\ud800\\u0041\"}", NE_REJECT_INVALID_UTF8,
                  "invalid UTF-8 at byte 10"));
    /* a NUL in plain text is not text */
    CHECK(REJECTS("Title\nbo\0dy", NE_REJECT_INVALID_UTF8, "NUL byte at byte 8"));
}

TEST(decode_reject_invalid_json)
{
    CHECK(REJECTS("{\"body\":\"a\",}", NE_REJECT_INVALID_JSON,
                  "JSON parse error: parse error: invalid object key (must be a string) (near byte 12)"));
    CHECK(REJECTS("{\"body\":\"a\"} trailing", NE_REJECT_INVALID_JSON,
                  "JSON parse error: parse error: trailing garbage (near byte 1"));
    CHECK(REJECTS("  {\"body\":\"unterminated", NE_REJECT_INVALID_JSON,
                  "JSON parse error: parse error: premature EOF"));
    CHECK(REJECTS("{/* c */\"body\":\"a\"}", NE_REJECT_INVALID_JSON, "JSON parse error: "));
    CHECK(REJECTS("{\"body\":\"a\"}\n{\"body\":\"b\"}", NE_REJECT_INVALID_JSON,
                  "JSON parse error: "));
    CHECK(REJECTS("{\"body\":\"a\0b\"}", NE_REJECT_INVALID_JSON,
                  "JSON record holds a NUL byte at byte 10"));
    CHECK(REJECTS("{\"body\":\"a\\u0000b\"}", NE_REJECT_INVALID_JSON,
                  "JSON string holds \\u0000 (a NUL character) at byte 10"));
    /* the message is one line */
    {
        ne_doc d = {0};
        char detail[256];
        CHECK_INT(decode_str("{\"a\" 1}", &d, detail, sizeof detail), NE_REJECT_INVALID_JSON);
        CHECK(!strchr(detail, '\n'));
    }
}

TEST(decode_reject_missing_body)
{
    CHECK(REJECTS("{\"title\":\"T\",\"url\":\"u\"}", NE_REJECT_MISSING_BODY,
                  "no \"body\", \"text\" or \"html\" field"));
    CHECK(REJECTS("{}", NE_REJECT_MISSING_BODY, "no \"body\", \"text\" or \"html\" field"));
    CHECK(REJECTS("{\"meta\":{\"body\":\"nested\"}}", NE_REJECT_MISSING_BODY, "no \"body\""));
    CHECK(REJECTS("{\"body\":42}", NE_REJECT_MISSING_BODY, "\"body\" is a number, not a string"));
    CHECK(REJECTS("{\"body\":null,\"text\":\"t\"}", NE_REJECT_MISSING_BODY,
                  "\"body\" is null, not a string"));
    CHECK(REJECTS("{\"text\":[\"a\"]}", NE_REJECT_MISSING_BODY,
                  "\"text\" is an array, not a string"));
    CHECK(REJECTS("{\"body\":{\"en\":\"x\"}}", NE_REJECT_MISSING_BODY, "\"body\" is an object"));
    CHECK(REJECTS("{\"body\":false}", NE_REJECT_MISSING_BODY, "\"body\" is a boolean"));
}

TEST(decode_reject_body_only_furniture)
{
    CHECK(REJECTS("{\"body\":\"Leave a comment\\n\\nYour email address will not be "
                  "published.\\nRequired fields are marked *\"}", NE_REJECT_EMPTY,
                  "body is empty after removing page furniture"));
    CHECK(REJECTS("The Headline\n\nShare this:\nAdvertisement\n\nnews.sky.com\n",
                  NE_REJECT_EMPTY, "body is empty after removing page furniture"));
}

TEST(decode_reject_reason_strings)
{
    CHECK_STR(ne_reject_reason(NE_REJECT_NONE), "");
    CHECK_STR(ne_reject_reason(NE_REJECT_INVALID_UTF8), "invalid_utf8");
    CHECK_STR(ne_reject_reason(NE_REJECT_INVALID_JSON), "invalid_json");
    CHECK_STR(ne_reject_reason(NE_REJECT_MISSING_BODY), "missing_body");
    CHECK_STR(ne_reject_reason(NE_REJECT_TOO_LARGE), "too_large");
    CHECK_STR(ne_reject_reason(NE_REJECT_EMPTY), "empty");
}

TEST(decode_detail_buffer_optional)
{
    ne_doc d = {0};
    char small[8];
    CHECK_INT(ne_decode("", 0, MAX_BYTES, &d, NULL, 0), NE_REJECT_EMPTY);
    CHECK_INT(ne_decode("{}", 2, MAX_BYTES, &d, small, sizeof small), NE_REJECT_MISSING_BODY);
    CHECK_STR(small, "no \"bod");
}

/* ---- furniture ---------------------------------------------------------- */

TEST(furniture_kept_inside_paragraphs)
{
    char buf[512];
    /* furniture words inside a sentence are content */
    CHECK_STR(strip("He said: Leave a comment if you disagree. Share this: the end.", buf, sizeof buf),
              "He said: Leave a comment if you disagree. Share this: the end.");
    CHECK_STR(strip("Para one.\n\nAdvertisement revenue fell 5%.", buf, sizeof buf),
              "Para one.\n\nAdvertisement revenue fell 5%.");
    /* comment prompts go only from the end */
    CHECK_STR(strip("Leave a comment\nReal text.", buf, sizeof buf), "Leave a comment\nReal text.");
    /* whitespace inside is never rewritten */
    CHECK_STR(strip("a  b\t c\n\n\n d  \n", buf, sizeof buf), "a  b\t c\n\n\n d");
    /* a domain without a sentence end before it is content */
    CHECK_STR(strip("He now works at news.sky.com", buf, sizeof buf), "He now works at news.sky.com");
    CHECK_STR(strip("The tool is written in Node.js", buf, sizeof buf),
              "The tool is written in Node.js");
    CHECK_STR(strip("Visit example.com.", buf, sizeof buf), "Visit example.com.");
}

TEST(furniture_removed_anywhere_and_at_end)
{
    char buf[512];
    CHECK_STR(strip("P1.\n\nAdvertisement\n\nP2.", buf, sizeof buf), "P1.\n\nP2.");
    CHECK_STR(strip("P1.\nShare on Facebook\nShare on Twitter\nP2.", buf, sizeof buf), "P1.\nP2.");
    CHECK_STR(strip("ADVERTISEMENT\n\nP1.\n  Subscribe to our newsletter for more  \nP2.",
                    buf, sizeof buf), "P1.\nP2.");
    CHECK_STR(strip("P1.\n\nRelated:\nComments\nClick here to read more\n"
                    "Follow us on Twitter\nLeave a Reply\n\n", buf, sizeof buf), "P1.");
    CHECK_STR(strip("Text.\n\nwww.rt.com\n", buf, sizeof buf), "Text.");
    CHECK_STR(strip("Text.\nhttps://news.sky.com/", buf, sizeof buf), "Text.");
    CHECK_STR(strip("He said “it is over.” news.sky.com", buf, sizeof buf),
              "He said “it is over.”");
    CHECK_STR(strip("Done! BBC.co.uk \xC2\xA0\n", buf, sizeof buf), "Done!");
    CHECK_INT(ne_strip_furniture(NULL, 0), 0);
}

/* ---- UTF-8 validator ---------------------------------------------------- */

TEST(utf8_validator)
{
    const size_t OK = (size_t)-1;
    char run[64];
    CHECK(ne_utf8_invalid_at("", 0) == OK);
    CHECK(ne_utf8_invalid_at("plain ascii", 11) == OK);
    CHECK(ne_utf8_invalid_at("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 10) == OK);
    CHECK(ne_utf8_invalid_at("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", 8) == OK);   /* U+10000, U+10FFFF */
    CHECK(ne_utf8_invalid_at("\xED\x9F\xBF\xEE\x80\x80", 6) == OK);            /* around surrogates */
    CHECK_INT(ne_utf8_invalid_at("a\xC1\xBF", 3), 1);        /* overlong 2-byte */
    CHECK_INT(ne_utf8_invalid_at("ab\xE0\x9F\xBF", 5), 2);   /* overlong 3-byte */
    CHECK_INT(ne_utf8_invalid_at("\xF0\x8F\xBF\xBF", 4), 0); /* overlong 4-byte */
    CHECK_INT(ne_utf8_invalid_at("\xED\xBF\xBF", 3), 0);     /* U+DFFF */
    CHECK_INT(ne_utf8_invalid_at("x\xF4\x90\x80\x80", 5), 1);/* U+110000 */
    CHECK_INT(ne_utf8_invalid_at("\xF5\x80\x80\x80", 4), 0);
    CHECK_INT(ne_utf8_invalid_at("\xFF", 1), 0);
    CHECK_INT(ne_utf8_invalid_at("abc\xE2\x82", 5), 3);      /* truncated at end */
    CHECK_INT(ne_utf8_invalid_at("abc\xE2\x82z", 6), 3);     /* cut short */
    CHECK_INT(ne_utf8_invalid_at("\xF0\x9F\x98", 3), 0);
    CHECK_INT(ne_utf8_invalid_at("\x80", 1), 0);
    /* the 8-byte fast path finds a bad byte at every position */
    for (size_t at = 0; at < 40; at++) {
        memset(run, 'a', sizeof run);
        run[at] = (char)0xBF;
        CHECK_INT(ne_utf8_invalid_at(run, sizeof run), at);
        /* and never reads past len */
        CHECK(ne_utf8_invalid_at(run, at) == OK);
    }
}

/* ---- robustness --------------------------------------------------------- */

/* Every prefix of a full record, and seeded random mutations of it, decode
 * or reject without crashing or leaking (meaningful under ASan). */
TEST(decode_survives_truncation_and_mutation)
{
    static const char rec[] =
        "{\"id\":7,\"title\":\"T \\u00e9\",\"body\":\"P1 \\ud83d\\ude00.\\n\\nShare this:\\n"
        "P2. news.sky.com\",\"x\":[1,{\"y\":null}],\"url\":\"https://a.com\"}";
    char buf[sizeof rec + 8], detail[128];
    unsigned long long seed = 42;
    for (size_t n = 0; n < sizeof rec; n++) {
        ne_doc d = {0};
        ne_decode(rec, n, MAX_BYTES, &d, detail, sizeof detail);
        ne_doc_reset(&d);
    }
    for (int iter = 0; iter < 20000; iter++) {
        ne_doc d = {0};
        size_t n = sizeof rec - 1;
        enum ne_reject r;
        memcpy(buf, rec, n);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[(seed >> 33) % n] = (char)(seed >> 17);
        }
        /* the plain-text path too: drop the leading '{' now and then */
        r = ne_decode(buf + (iter % 5 == 0), n - (iter % 5 == 0), MAX_BYTES, &d,
                      detail, sizeof detail);
        if (r == NE_REJECT_NONE && (!d.body || !d.id || strlen(d.body) != d.body_len ||
                                    ne_utf8_invalid_at(d.body, d.body_len) != (size_t)-1)) {
            ne_doc_reset(&d);
            CHECK(!"accepted a record without a valid body and id");
        }
        ne_doc_reset(&d);
    }
}

/* ---- web pages ---------------------------------------------------------- */

#define PAGE_HEAD                                                               \
    "<!DOCTYPE html><html lang=\"en\"><head><title>Mayor resigns over budget - " \
    "City Times</title><meta property=\"og:site_name\" content=\"City Times\">"   \
    "<meta name=\"author\" content=\"Jane Roe\">"                                 \
    "<meta property=\"article:published_time\" content=\"2021-05-04T10:00:00Z\">" \
    "<link rel=\"canonical\" href=\"https://times.example/mayor\">"              \
    "<script>var x = \"said\";</script></head><body><nav><a href=\"/\">Home</a></nav>" \
    "<article><h1>Mayor resigns over budget</h1>"
#define PAGE_TEXT                                                               \
    "<p>The mayor resigned on Tuesday, a week after the council rejected her "   \
    "budget for the third time, aides said.</p><p>\"I have done what I could,\" " \
    "she told reporters outside City Hall, before leaving by car.</p>"
#define PAGE_TAIL "</article><footer>Contact us</footer></body></html>"
#define PAGE_BODY "The mayor resigned on Tuesday, a week after the council rejected her " \
    "budget for the third time, aides said.\n\n\"I have done what I could,\" she told "    \
    "reporters outside City Hall, before leaving by car."

static void json_escape_into(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 3 < cap; s++) {
        if (*s == '"' || *s == '\\') out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
}

TEST(decode_html_field)
{
    ne_doc d = {0};
    char detail[256], esc[4096], rec[5000];
    json_escape_into(esc, sizeof esc, PAGE_HEAD PAGE_TEXT PAGE_TAIL);
    snprintf(rec, sizeof rec, "{\"id\":\"m1\",\"html\":\"%s\"}", esc);
    CHECK_INT(decode_str(rec, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_HTML);
    CHECK_STR(d.body, PAGE_BODY);
    CHECK_INT(d.body_len, strlen(PAGE_BODY));
    CHECK_STR(d.title, "Mayor resigns over budget");
    CHECK_STR(d.url, "https://times.example/mayor");
    CHECK_STR(d.language, "en");
    CHECK_STR(d.published_at, "2021-05-04T10:00:00Z");
    CHECK(d.source == NULL);
    CHECK_INT(d.nauthors, 1);
    CHECK_STR(d.authors[0], "Jane Roe");
    CHECK_STR(d.id, "m1");
    ne_doc_reset(&d);

    /* The record's own fields win over the page's. */
    snprintf(rec, sizeof rec, "{\"title\":\"Given\",\"url\":\"https://given.example/\","
             "\"language\":\"fr\",\"published_at\":\"2020-01-01T00:00:00Z\",\"html\":\"%s\"}", esc);
    CHECK_INT(decode_str(rec, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_STR(d.title, "Given");
    CHECK_STR(d.url, "https://given.example/");
    CHECK_STR(d.language, "fr");
    CHECK_STR(d.published_at, "2020-01-01T00:00:00Z");
    CHECK_STR(d.body, PAGE_BODY);
    ne_doc_reset(&d);

    /* A body that is a page by its content is read as one; "body" wins over "html". */
    snprintf(rec, sizeof rec, "{\"body\":\"\\n  %s\",\"html\":\"<p>ignored</p>\"}", esc);
    CHECK_INT(decode_str(rec, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_HTML);
    CHECK_STR(d.body, PAGE_BODY);
    ne_doc_reset(&d);

    /* A body with some markup in it is still text. */
    CHECK_INT(decode_str("{\"body\":\"Use <b>bold</b> and <html> tags.\"}", &d, detail,
                         sizeof detail), NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_TEXT);
    CHECK_STR(d.body, "Use <b>bold</b> and <html> tags.");
    ne_doc_reset(&d);

    CHECK(REJECTS("{\"html\":42}", NE_REJECT_MISSING_BODY, "\"html\" is a number, not a string"));
}

TEST(decode_html_plain_record)
{
    ne_doc d = {0};
    char detail[256];
    const char *page = "\xEF\xBB\xBF\n" PAGE_HEAD PAGE_TEXT PAGE_TAIL;
    CHECK_INT(decode_str(page, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_HTML);
    CHECK_STR(d.title, "Mayor resigns over budget");   /* not "<!DOCTYPE html>…" */
    CHECK_STR(d.body, PAGE_BODY);
    CHECK(d.id && strlen(d.id) == 16);                 /* derived from the page's url */
    ne_doc_reset(&d);

    /* plain text stays plain text */
    CHECK_INT(decode_str("Title line\n\nBody <html> text.", &d, detail, sizeof detail),
              NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_TEXT);
    CHECK_STR(d.title, "Title line");
    ne_doc_reset(&d);
}

TEST(decode_html_no_article_text)
{
    CHECK(REJECTS(PAGE_HEAD "<ul><li><a href=\"/a\">Another story about the budget</a></li>"
                  "<li><a href=\"/b\">And one more about the council vote</a></li></ul>" PAGE_TAIL,
                  NE_REJECT_NO_ARTICLE_TEXT, "no article text in the web page"));
    CHECK(REJECTS("{\"html\":\"<html><body></body></html>\"}", NE_REJECT_NO_ARTICLE_TEXT,
                  "no article text in the web page"));
    CHECK(REJECTS("{\"html\":\"  \"}", NE_REJECT_NO_ARTICLE_TEXT, "no article text"));
    CHECK_STR(ne_reject_reason(NE_REJECT_NO_ARTICLE_TEXT), "no_article_text");
}

/* A 10 MB page of unclosed markup through the decoder (a limit raised
 * for it): decoded or dead-lettered, never a crash or a stall. */
TEST(decode_html_ten_megabytes_unclosed)
{
    ne_doc d = {0};
    char detail[256];
    const char *head = "<!DOCTYPE html><html><body><p>The council met on Monday and voted, "
                       "after a long debate, to keep the night buses running.</p>";
    size_t hl = strlen(head), n = 10 * 1000 * 1000;
    char *page = malloc(n + 1);
    CHECK(page != NULL);
    memcpy(page, head, hl);
    for (size_t i = hl; i < n; i++) page[i] = "<div><span>x"[(i - hl) % 12];
    page[n] = '\0';
    CHECK_INT(ne_decode(page, n, 16 * 1000 * 1000, &d, detail, sizeof detail), NE_REJECT_NONE);
    CHECK_INT(d.format, NE_FORMAT_HTML);
    CHECK(strstr(d.body, "keep the night buses running.") != NULL);
    ne_doc_reset(&d);
    free(page);
}
