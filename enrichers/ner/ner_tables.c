/* ner_tables — the tagger's lookup tables: the lexicon (a word's
 * capitalisation bucket and clusters) and the gazetteer (entity phrases
 * per type and training fold), both ne_maps keyed by word hashes
 * (hash_word, phrase_step in ner_int.h), and gazetteer matching. The
 * phrases of external name lists (FF_XGAZ) share the gazetteer, one value
 * bit per list (GAZ_XLIST), so they cost no second lookup.
 *
 * The tables are built by the trainer and stored in the model file sorted
 * by key (ner_model.c), so neither the file nor the tags depend on where a
 * key sits in a table.
 */
#include "enrichers/ner/ner_int.h"

#include <string.h>

void ner_table_fill(ne_map *t, const uint64_t *keys, const uint64_t *vals, size_t n)
{
    ne_map_reset(t, n);
    for (size_t i = 0; i < n; i++) *ne_map_put(t, keys[i]) = vals[i];
}

/* Entity types of a gazetteer value, leaving out fold `fold` (-1: none). */
static unsigned gaz_types(uint64_t v, int fold)
{
    unsigned m = 0;
    for (int f = 0; f < NFOLDS; f++)
        if (f != fold) m |= (unsigned)(v >> (4 * f)) & 15;
    return m;
}

/* 1 + the BILU position of token k in the phrase of len tokens at s. */
static uint8_t bilu_place(size_t k, size_t s, size_t len)
{
    return (uint8_t)(1 + (len == 1 ? NE_NER_U : k == s ? NE_NER_B : k + 1 == s + len ? NE_NER_L : NE_NER_I));
}

/* For each type, and for each external list, each token gets the BILU
 * position within the longest phrase covering it. A one-word phrase's
 * value comes from the type cache when the document takes the cached path
 * (tokattr.gaz1). */
void ner_mark_gazetteer(ne_ner_ws *ws, const ner_tables *tab, size_t a, size_t b, int fold)
{
    tokattr *ta = ws->ta;
    for (size_t s = a; s < b; s++) {
        uint64_t ph = 0;
        for (size_t len = 1; len <= GAZ_MAXLEN && s + len <= b; len++) {
            ph = len == 1 ? ta[s].hl : phrase_step(ph, ta[s + len - 1].hl);
            const uint64_t *v = len > 1 || !ws->use_tc ? ne_map_get(&tab->gaz, ph)
                              : ta[s].gaz1 ? &ta[s].gaz1 : NULL;
            if (!v) break;
            unsigned types = gaz_types(*v, fold) | (unsigned)(*v >> 40 & 15);
            for (int t = 0; t < 4; t++) {
                if (!(types & (1u << t))) continue;
                for (size_t k = s; k < s + len; k++) {
                    if (ta[k].gazlen[t] >= len) continue;
                    ta[k].gazlen[t] = (uint8_t)len;
                    ta[k].gaz[t] = bilu_place(k, s, len);
                }
            }
            for (unsigned xl = GAZ_XLISTS(*v); xl; xl &= xl - 1) {
                int l = __builtin_ctz(xl);
                for (size_t k = s; k < s + len; k++) {
                    if (ta[k].xglen[l] >= len) continue;
                    ta[k].xglen[l] = (uint8_t)len;
                    ta[k].xgaz[l] = bilu_place(k, s, len);
                }
            }
            if (!(*v & GAZ_PREFIX)) break;
        }
    }
}

/* The words are split at spaces, a final possessive "'s" a word of its
 * own as CoNLL and the entities stage tokenise it ("People 's Party");
 * a phrase of more than GAZ_MAXLEN words is left out. */
void ner_gaz_add_listed(ne_map *gaz, const char *p, int l)
{
    const char *w[2 * GAZ_MAXLEN];
    size_t wl[2 * GAZ_MAXLEN], n = 0;
    while (*p) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (!len) break;
        if (n + 2 > 2 * GAZ_MAXLEN) return;
        if (len > 2 && p[len - 2] == '\'' && p[len - 1] == 's') {
            w[n] = p; wl[n++] = len - 2;
            w[n] = p + len - 2; wl[n++] = 2;
        } else {
            w[n] = p; wl[n++] = len;
        }
        p += len;
    }
    if (n == 0 || n > GAZ_MAXLEN) return;
    uint64_t ph = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t hl = hash_word(w[k], wl[k], 1);
        ph = k == 0 ? hl : phrase_step(ph, hl);
        uint64_t *v = ne_map_put(gaz, ph);
        if (k + 1 < n) *v |= GAZ_PREFIX;
        else *v |= GAZ_XLIST(l);
    }
}
