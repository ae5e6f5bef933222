/* hash — the one hash family: FNV-1a over bytes, and two 64-bit
 * finalizers.
 *
 * Both finalizers stay, each where its outputs are already persisted: the
 * NER model's feature keys were trained with ne_mix64 (SplitMix64's
 * finalizer), and the dedup state's keys and fingerprints, which travel in
 * changelog records between versions, with ne_fmix64 (MurmurHash3's).
 * Changing either would change a model file or a stored state, so new code
 * picks one and keeps to it. All static inline: they sit on hot paths.
 */
#ifndef NE_HASH_H
#define NE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define NE_FNV64_OFFSET 0xcbf29ce484222325ULL
#define NE_FNV64_PRIME  0x100000001b3ULL

/* One FNV-1a step: h absorbs byte c. */
static inline uint64_t ne_fnv1a_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * NE_FNV64_PRIME;
}

/* FNV-1a of n bytes from `h` (NE_FNV64_OFFSET to start afresh). */
static inline uint64_t ne_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = ne_fnv1a_step(h, s[i]);
    return h;
}

/* SplitMix64's finalizer (the NER tagger's). */
static inline uint64_t ne_mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* MurmurHash3's fmix64 (the dedup state's). */
static inline uint64_t ne_fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
