/* xalloc — the one out-of-memory policy of newsenrich: an allocation that
 * fails aborts the process, with a message on stderr (the Redis zmalloc
 * way). A service that cannot allocate a few hundred bytes cannot do
 * anything useful either, and a crash-and-restart loses nothing: offsets
 * are committed only after outputs are acknowledged. So functions return
 * -1 for bad input only, never for memory, and callers do not test the
 * pointers these return.
 *
 * Threads: all of it is thread-safe (it is malloc).
 */
#ifndef NE_XALLOC_H
#define NE_XALLOC_H

#include <stddef.h>

void *ne_xmalloc(size_t n);
void *ne_xcalloc(size_t count, size_t size);
void *ne_xrealloc(void *p, size_t n);
char *ne_xstrdup(const char *s);                /* NULL in, NULL out */
char *ne_xstrndup(const char *s, size_t n);     /* n bytes and a NUL */
void *ne_xmemdup(const void *p, size_t n);      /* n bytes (at least 1 allocated) */

/* Grows the array *arrp (of elements of `size` bytes, *cap of them) to
 * hold at least n, doubling from 16; the contents stay. The one growable
 * array helper: call it before writing element n - 1. Inline because it is
 * called once per element written (a word, a token, a shingle) and
 * nearly always has room: the call was 0.5 % of the chain's
 * instructions; ne_grow_to does the growing. */
void ne_grow_to(void *arrp, size_t *cap, size_t n, size_t size);
static inline void ne_grow(void *arrp, size_t *cap, size_t n, size_t size)
{
    if (n > *cap) ne_grow_to(arrp, cap, n, size);
}

/* What the policy does on failure (exported for nebuf and tests): prints
 * "newsenrich: out of memory (N bytes)" and aborts. */
void ne_oom(size_t n) __attribute__((noreturn));

#endif
