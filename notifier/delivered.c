#include "notifier/delivered.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/xalloc.h"

/* A chained hash table over the keys, and a ring of the same nodes in the
 * order they were added: the ring's head is the next to forget. At most
 * one node per bucket on average (the table has >= capacity buckets), so a
 * lookup is a hash and a short walk; forgetting unlinks the head's node
 * from its chain. Cost: two pointers a key besides the node. */
struct node {
    struct node *next;          /* chain */
    uint64_t hash;
    size_t len;
    char key[];
};

struct ne_delivered {
    struct node **buckets;
    size_t nbuckets;            /* a power of two */
    struct node **ring;
    size_t capacity, head, count;
    long forgotten;
};

/* FNV-1a, 64 bits: keys are short and not chosen by an adversary who
 * could gain anything from collisions (they come from our own alerts). */
static uint64_t hash_of(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    return h;
}

ne_delivered *ne_delivered_new(size_t capacity)
{
    ne_delivered *s = ne_xcalloc(1, sizeof *s);
    if (capacity < 1) capacity = 1;
    s->capacity = capacity;
    s->nbuckets = 16;
    while (s->nbuckets < capacity) s->nbuckets *= 2;
    s->buckets = ne_xcalloc(s->nbuckets, sizeof *s->buckets);
    s->ring = ne_xcalloc(capacity, sizeof *s->ring);
    return s;
}

static struct node **chain_of(const ne_delivered *s, uint64_t h)
{
    return &s->buckets[h & (s->nbuckets - 1)];
}

static struct node *find(const ne_delivered *s, uint64_t h, const char *key, size_t len)
{
    for (struct node *n = *chain_of(s, h); n; n = n->next)
        if (n->hash == h && n->len == len && memcmp(n->key, key, len) == 0) return n;
    return NULL;
}

/* Unlinks and frees the oldest key. */
static void forget_oldest(ne_delivered *s)
{
    struct node *old = s->ring[s->head];
    struct node **pp = chain_of(s, old->hash);
    while (*pp != old) pp = &(*pp)->next;
    *pp = old->next;
    free(old);
    s->ring[s->head] = NULL;
    s->head = (s->head + 1) % s->capacity;
    s->count--;
    s->forgotten++;
}

int ne_delivered_add(ne_delivered *s, const char *key, size_t len)
{
    uint64_t h = hash_of(key, len);
    if (find(s, h, key, len)) return 0;
    struct node *n = ne_xmalloc(sizeof *n + len);
    n->hash = h;
    n->len = len;
    if (len) memcpy(n->key, key, len);
    if (s->count == s->capacity) forget_oldest(s);
    struct node **chain = chain_of(s, h);
    n->next = *chain;
    *chain = n;
    s->ring[(s->head + s->count) % s->capacity] = n;
    s->count++;
    return 1;
}

int ne_delivered_has(const ne_delivered *s, const char *key, size_t len)
{
    return find(s, hash_of(key, len), key, len) != NULL;
}

size_t ne_delivered_count(const ne_delivered *s) { return s->count; }

long ne_delivered_forgotten(const ne_delivered *s) { return s->forgotten; }

void ne_delivered_free(ne_delivered *s)
{
    if (!s) return;
    if (s->ring)
        for (size_t i = 0; i < s->count; i++) free(s->ring[(s->head + i) % s->capacity]);
    free(s->ring);
    free(s->buckets);
    free(s);
}

int ne_delivered_key(char *out, size_t outlen, const char *subscription_id, const char *webhook_id)
{
    size_t o = 0;
    for (const char *p = subscription_id; *p; p++) {
        const char *put = *p == '%' ? "%25" : *p == '/' ? "%2F" : NULL;
        size_t n = put ? 3 : 1;
        if (o + n >= outlen) return -1;
        if (put) memcpy(out + o, put, 3);
        else out[o] = *p;
        o += n;
    }
    size_t idlen = strlen(webhook_id);
    if (o + 1 + idlen >= outlen) return -1;
    out[o++] = '/';
    memcpy(out + o, webhook_id, idlen + 1);
    return (int)(o + idlen);
}
