/* The output buffer and its JSON string escaping (common/nebuf.c). The
 * escaper skips clean text eight bytes at a time, so these tests put the
 * characters that need escaping at every offset of such a word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/nebuf.h"
#include "tests/unit/test.h"

/* The escaping RFC 8259 asks for, one byte at a time: the reference the
 * word-at-a-time escaper must agree with. */
static void escape_slowly(nebuf *b, const char *s, size_t len)
{
    nebuf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  nebuf_puts(b, "\\\""); break;
        case '\\': nebuf_puts(b, "\\\\"); break;
        case '\n': nebuf_puts(b, "\\n"); break;
        case '\r': nebuf_puts(b, "\\r"); break;
        case '\t': nebuf_puts(b, "\\t"); break;
        case '\b': nebuf_puts(b, "\\b"); break;
        case '\f': nebuf_puts(b, "\\f"); break;
        default:
            if (c < 0x20) nebuf_printf(b, "\\u%04x", c);
            else nebuf_putc(b, (char)c);
        }
    }
    nebuf_putc(b, '"');
}

TEST(json_str_escapes_quotes_backslashes_and_controls)
{
    nebuf b = {0};
    const char *s = "He said \"no\"\tC:\\path\n\x01 end";
    nebuf_json_str(&b, s, strlen(s));
    CHECK_STR(b.p, "\"He said \\\"no\\\"\\tC:\\\\path\\n\\u0001 end\"");
    nebuf_free(&b);
}

TEST(json_str_passes_utf8_through_unchanged)
{
    nebuf b = {0};
    const char *s = "\xe2\x80\x9cThe Russian leader\xe2\x80\x9d \xc2\xab"
                    "Nous verrons\xc2\xbb \xe2\x80\x94 Stra\xc3\x9f" "e";
    nebuf_json_str(&b, s, strlen(s));
    CHECK_INT(b.len, strlen(s) + 2);
    CHECK(memcmp(b.p + 1, s, strlen(s)) == 0);
    nebuf_free(&b);
}

TEST(json_str_finds_every_escape_at_every_offset_of_a_word)
{
    static const char special[] = {'"', '\\', '\n', 0x1f, 0x01, '\t'};
    char text[40];
    nebuf got = {0}, want = {0};
    for (size_t k = 0; k < sizeof special; k++) {
        for (size_t len = 0; len <= 24; len++) {
            for (size_t at = 0; at < len; at++) {
                /* clean bytes around the special one, including bytes
                 * just above and below the ones that need escaping */
                for (size_t i = 0; i < len; i++) text[i] = "a !#[]~\x7f\xc3\xa9 Zz09"[i % 14];
                text[at] = special[k];
                nebuf_reset(&got);
                nebuf_reset(&want);
                nebuf_json_str(&got, text, len);
                escape_slowly(&want, text, len);
                if (strcmp(got.p, want.p) != 0) {
                    test_fail(__FILE__, __LINE__, "byte 0x%02x at %zu of %zu: %s, expected %s",
                              (unsigned char)special[k], at, len, got.p, want.p);
                    nebuf_free(&got);
                    nebuf_free(&want);
                    return;
                }
            }
        }
    }
    nebuf_free(&got);
    nebuf_free(&want);
}

/* Readers of model and fixture files parse what nebuf_read_file returns
 * as a C string; without the terminator a JSON fixture read into a reused
 * heap block ended in "trailing garbage" (make eval-quotes' seeds). The
 * heap block is dirtied first so that a missing terminator shows. */
TEST(read_file_ends_the_text_with_a_terminator)
{
    char *dirty = malloc(1 << 17);
    CHECK(dirty != NULL);
    memset(dirty, 'x', 1 << 17);
    free(dirty);
    char path[] = "/tmp/nebuf-read-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *text = "{\"id\": \"a1\", \"body\": \"Trade talks resumed in Geneva.\"}\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    size_t len = 0;
    char *got = nebuf_read_file(path, &len);
    unlink(path);
    CHECK(got != NULL);
    CHECK(len == strlen(text));
    CHECK(got[len] == '\0');
    CHECK(strcmp(got, text) == 0);
    free(got);
}
