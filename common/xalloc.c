#include "common/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ne_oom(size_t n)
{
    fprintf(stderr, "newsenrich: out of memory (%zu bytes)\n", n);
    abort();
}

void *ne_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) ne_oom(n);
    return p;
}

void *ne_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) ne_oom(count * size);
    return p;
}

void *ne_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) ne_oom(n);
    return q;
}

char *ne_xstrdup(const char *s)
{
    return s ? ne_xstrndup(s, strlen(s)) : NULL;
}

char *ne_xstrndup(const char *s, size_t n)
{
    char *p = ne_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *ne_xmemdup(const void *p, size_t n)
{
    void *q = ne_xmalloc(n);
    if (n) memcpy(q, p, n);
    return q;
}

void ne_grow_to(void *arrp, size_t *cap, size_t n, size_t size)
{
    void **arr = arrp;
    if (n <= *cap) return;
    size_t c = *cap ? *cap : 16;
    while (c < n) {
        if (c > SIZE_MAX / 2 / size) ne_oom(SIZE_MAX);
        c *= 2;
    }
    *arr = ne_xrealloc(*arr, c * size);
    *cap = c;
}
