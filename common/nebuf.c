#include "common/nebuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void nebuf_reserve(nebuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->p = ne_xrealloc(b->p, cap);
    b->cap = cap;
}

char *nebuf_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    nebuf b = {0};
    size_t r;
    do {
        nebuf_reserve(&b, 1 << 16);
        r = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
        b.len += r;
    } while (r > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        nebuf_free(&b);
        return NULL;
    }
    b.p[b.len] = '\0';   /* callers parse it as a C string; reserve kept the byte */
    return nebuf_detach(&b, len);
}

void nebuf_append(nebuf *b, const void *data, size_t len)
{
    nebuf_reserve(b, len);
    if (len) memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void nebuf_puts(nebuf *b, const char *s) { nebuf_append(b, s, strlen(s)); }

void nebuf_putc(nebuf *b, char c)
{
    nebuf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void nebuf_vprintf(nebuf *b, const char *fmt, va_list ap)
{
    va_list cp;
    if (!fmt) return;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) return;
    nebuf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void nebuf_printf(nebuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nebuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void nebuf_reset(nebuf *b)
{
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

char *nebuf_detach(nebuf *b, size_t *len)
{
    if (!b->p) nebuf_reserve(b, 0), b->p[0] = '\0';
    char *p = b->p;
    if (len) *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void nebuf_free(nebuf *b)
{
    if (!b) return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Non-zero when one of the 8 bytes of w is a control character, '"' or
 * '\\' (bit 7 of that byte set): the classic "has a zero / has a byte
 * less than n" tricks. Bytes >= 0x80 never match, so UTF-8 passes. */
static inline uint64_t needs_escape8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t ctl = (w - ones * 0x20) & ~w;
    uint64_t zq = (q - ones) & ~q, zb = (bs - ones) & ~bs;
    return (ctl | zq | zb) & high;
}

void nebuf_json_str(nebuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    /* room for the clean case; each escape reserves what it adds */
    nebuf_reserve(b, len + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    size_t i = 0;
    while (i < len) {
        /* text rarely needs escapes: copy clean 8-byte words at once */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (needs_escape8(w)) break;
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        if (i >= len) break;
        unsigned char c = (unsigned char)s[i++];
        if (c >= 0x20 && c != '"' && c != '\\') { *o++ = (char)c; continue; }
        b->len = (size_t)(o - b->p);
        nebuf_reserve(b, 6 + (len - i) + 1);
        o = b->p + b->len;
        *o++ = '\\';
        switch (c) {
        case '"':  *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}
