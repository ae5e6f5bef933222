/* map — the one open-addressing map: 64-bit keys to 64-bit values.
 *
 * Linear probing at under half load; key 0 marks an empty slot (so keys
 * are hashes, never 0: callers map a 0 hash to 1). The slot of a key is a
 * multiplicative hash of it, so keys need not be well mixed. Reset empties
 * only the slots in use, so a table reused per document after a huge one
 * costs a small document its own size.
 *
 * Ownership: the caller owns the struct (zero-initialised = empty) and
 * frees the arrays with ne_map_free. Out of memory aborts (xalloc.h).
 * Threads: none; one owner at a time.
 */
#ifndef NE_MAP_H
#define NE_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ne_map {
    uint64_t *keys;
    uint64_t *vals;
    size_t cap;     /* slots in use: a power of two, or 0 */
    size_t alloc;   /* slots allocated (>= cap) */
    size_t n;       /* keys stored */
} ne_map;

/* Empties m and makes room for n keys without growing. */
void ne_map_reset(ne_map *m, size_t n);

/* Frees the arrays; m is empty afterwards. Accepts NULL. */
void ne_map_free(ne_map *m);

/* The value of key (non-zero), or NULL when absent. */
static inline const uint64_t *ne_map_get(const ne_map *m, uint64_t key)
{
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key) return &m->vals[i];
        if (m->keys[i] == 0) return NULL;
    }
}

/* The value slot of key (non-zero), inserted with value 0 when absent;
 * the table grows as needed, which moves every slot. */
uint64_t *ne_map_put(ne_map *m, uint64_t key);

#endif
