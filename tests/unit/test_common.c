/* The basics in common/: the map, the growable array, the hash family,
 * the UTF-8 decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/map.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "tests/unit/test.h"

TEST(map_puts_gets_grows_and_resets)
{
    ne_map m = {0};
    CHECK(ne_map_get(&m, 42) == NULL);          /* empty, never allocated */
    for (uint64_t k = 1; k <= 5000; k++) *ne_map_put(&m, k * 7919) = k;   /* grows many times */
    CHECK_INT(m.n, 5000);
    CHECK(2 * m.n <= m.cap);                    /* under half load */
    for (uint64_t k = 1; k <= 5000; k++) {
        const uint64_t *v = ne_map_get(&m, k * 7919);
        CHECK(v && *v == k);
    }
    CHECK(ne_map_get(&m, 3) == NULL);
    uint64_t *v = ne_map_put(&m, 7919);         /* present: the same slot, value kept */
    CHECK_INT(*v, 1);
    CHECK_INT(m.n, 5000);
    size_t alloc = m.alloc;
    ne_map_reset(&m, 10);                       /* a small document after a big one */
    CHECK_INT(m.n, 0);
    CHECK(m.cap < alloc && m.alloc == alloc);   /* keeps the memory, clears only its use */
    CHECK(ne_map_get(&m, 7919) == NULL);
    *ne_map_put(&m, 7919) = 9;
    CHECK_INT(*ne_map_get(&m, 7919), 9);
    ne_map_free(&m);
    ne_map_free(NULL);
    CHECK(m.keys == NULL && m.cap == 0);
}

TEST(grow_keeps_contents_and_doubles)
{
    int *a = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        ne_grow(&a, &cap, (size_t)i + 1, sizeof *a);
        a[i] = i;
    }
    CHECK_INT(cap, 1024);
    for (int i = 0; i < 1000; i++) CHECK_INT(a[i], i);
    ne_grow(&a, &cap, 10, sizeof *a);           /* never shrinks */
    CHECK_INT(cap, 1024);
    free(a);
    char *s = ne_xstrndup("abcdef", 3);
    CHECK_STR(s, "abc");
    free(s);
    CHECK(ne_xstrdup(NULL) == NULL);
}

TEST(hash_family_matches_published_vectors)
{
    /* FNV-1a 64 of "a" and "foobar" (Fowler/Noll/Vo test vectors) */
    CHECK(ne_fnv1a(NE_FNV64_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL);
    CHECK(ne_fnv1a(NE_FNV64_OFFSET, "foobar", 6) == 0x85944171f73967e8ULL);
    CHECK(ne_fnv1a(NE_FNV64_OFFSET, "", 0) == NE_FNV64_OFFSET);
    /* the finalizers are bijections that move 0 nowhere and 1 far */
    CHECK(ne_mix64(0) == 0 && ne_fmix64(0) == 0);
    CHECK(ne_mix64(1) == 0x5692161d100b05e5ULL);
    CHECK(ne_fmix64(1) == 0xb456bcfc34c2cb2cULL);
}

TEST(utf8_decoder_reads_valid_text_and_resyncs_on_bad_bytes)
{
    const unsigned char s[] = "a\xC3\xA9\xE2\x80\x9C\xF0\x9F\x98\x80";
    uint32_t cp;
    size_t i = 0, n = sizeof s - 1;
    CHECK_INT(ne_utf8_decode(s, n, i, &cp), 1); CHECK_INT(cp, 'a'); i += 1;
    CHECK_INT(ne_utf8_decode(s, n, i, &cp), 2); CHECK_INT(cp, 0xE9); i += 2;
    CHECK_INT(ne_utf8_decode(s, n, i, &cp), 3); CHECK_INT(cp, 0x201C); i += 3;
    CHECK_INT(ne_utf8_decode(s, n, i, &cp), 4); CHECK_INT(cp, 0x1F600);
    const unsigned char bad[] = {0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x80};
    CHECK_INT(ne_utf8_decode(bad, 7, 0, &cp), 1); CHECK(cp == NE_CP_INVALID);   /* overlong */
    CHECK_INT(ne_utf8_decode(bad, 7, 2, &cp), 1); CHECK(cp == NE_CP_INVALID);   /* surrogate */
    CHECK_INT(ne_utf8_decode(bad, 7, 5, &cp), 1); CHECK(cp == NE_CP_INVALID);   /* truncated */
}
