/* polnear_gold — what the speaker trainer (speakers_train.c) and the quote
 * evaluation (eval_quotes.c) agree on about a PolNeAR source span: the
 * entity it names; and how both read a record's fields. Header-only
 * (static functions), for tools.
 *
 * The gold person of an attribution is the entity of the first body
 * mention (person or organisation) that overlaps its source span and is
 * not a possessive ("Carter's press secretary, Peter Cook" is Peter
 * Cook). Sources that name no entity (pronouns, "sources", "the
 * President" without coreference) have none: -1.
 */
#ifndef NE_POLNEAR_GOLD_H
#define NE_POLNEAR_GOLD_H

#include <stdint.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "enrichers/pipeline/doc.h"

/* A PolNeAR record's field `key` (any type), or NULL. */
static inline yajl_val pg_jget(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(v, path, yajl_t_any);
}

/* A PolNeAR record's integer field `key`, or -1. */
static inline long pg_jint(yajl_val v, const char *key)
{
    yajl_val n = pg_jget(v, key);
    return YAJL_IS_INTEGER(n) ? (long)YAJL_GET_INTEGER(n) : -1;
}

/* True when the bytes body[e-2, e) or body[e-4, e) are 's or ’s. */
static inline int pg_possessive_end(const char *body, uint32_t e)
{
    return (e >= 2 && body[e - 1] == 's' && body[e - 2] == '\'') ||
           (e >= 4 && body[e - 1] == 's' && memcmp(body + e - 4, "\xE2\x80\x99", 3) == 0);
}

/* The entity the source bytes [sb, se) name, or -1: the entity of a
 * person or organisation mention that is the phrase's head, i.e. that
 * ends where the source ends ("Carter's press secretary, Peter Cook",
 * "Republican pollster Daron Shaw"), or starts where it starts and ends it
 * or is followed by a comma ("Melanne Verveer, who served as …"). A name
 * that only modifies a description ("A joint Kremlin and White House
 * statement", "the Trump campaign") is not the source's person. */
static inline long pg_gold_entity(const ne_doc *doc, uint32_t sb, uint32_t se)
{
    const char *b = doc->body;
    while (se > sb && (b[se - 1] == ' ' || b[se - 1] == ',' || b[se - 1] == '.' || b[se - 1] == '\n' ||
                       b[se - 1] == ':'))
        se--;
    while (sb < se && (b[sb] == ' ' || b[sb] == '\n')) sb++;
    if (se <= sb) return -1;
    long best = -1;
    uint32_t best_start = UINT32_MAX;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            if (mn->field != NE_FIELD_BODY || mn->start >= se || mn->end <= sb) continue;
            int head = mn->end == se || (mn->start == sb && mn->end < se && b[mn->end] == ',');
            if (!head || pg_possessive_end(b, mn->end)) continue;
            if (mn->start < best_start) { best_start = mn->start; best = (long)e; }
        }
    }
    return best;
}

#endif
