/* utf8 — the one UTF-8 decoder.
 *
 * ne_utf8_decode reads the code point at s[i] (i < len) and returns its
 * length in bytes. Overlong forms, surrogates, values past U+10FFFF and
 * truncated sequences give NE_CP_INVALID and length 1, so the caller
 * resynchronises on the next byte and never reads past len. Records are
 * checked to be valid UTF-8 when decoded (enrichers/pipeline/decode.c), so
 * inside the chain NE_CP_INVALID does not occur. Static inline: the
 * tokenizer and the fingerprints call it per character.
 */
#ifndef NE_UTF8_H
#define NE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define NE_CP_INVALID 0xFFFFFFFFu

static inline size_t ne_utf8_decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned c = s[i];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF)      { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else goto invalid;
    if (len - i < n) goto invalid;
    for (size_t k = 1; k < n; k++) {
        unsigned b = s[i + k];
        if ((b & 0xC0) != 0x80) goto invalid;
        v = (v << 6) | (b & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) goto invalid;
    *cp = v;
    return n;
invalid:
    *cp = NE_CP_INVALID;
    return 1;
}

#endif
