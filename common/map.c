#include "common/map.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void ne_map_reset(ne_map *m, size_t n)
{
    size_t want = 16;
    while (want < 2 * n + 2) want *= 2;
    if (want > m->alloc) {
        free(m->keys);
        free(m->vals);
        m->keys = ne_xmalloc(want * sizeof *m->keys);
        m->vals = ne_xmalloc(want * sizeof *m->vals);
        m->alloc = want;
    }
    m->cap = want;
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
}

void ne_map_free(ne_map *m)
{
    if (!m) return;
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static uint64_t *slot_of(ne_map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & mask;
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & mask;
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->vals[i] = 0;
        m->n++;
    }
    return &m->vals[i];
}

/* Rehashes into a table for twice the keys. */
static void grow(ne_map *m)
{
    ne_map old = *m;
    memset(m, 0, sizeof *m);
    ne_map_reset(m, old.n * 2 + 8);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) *slot_of(m, old.keys[i]) = old.vals[i];
    ne_map_free(&old);
}

uint64_t *ne_map_put(ne_map *m, uint64_t key)
{
    if (!m->cap || 2 * (m->n + 1) > m->cap) grow(m);
    return slot_of(m, key);
}
