/* entities_lookup — who is mentioned where, for the quotes stage
 * (entities.h): read-only queries over doc->entities, the stage's output,
 * so they need no stage state.
 */
#include "enrichers/entities/entities.h"

/* A mention's bytes with the title before its name ("Mr Macron"): the
 * words that name the person. */
static uint32_t named_start(const ne_mention *m)
{
    return m->title_end > m->title_start && m->title_start < m->start ? m->title_start : m->start;
}


long ne_entities_person_at(const ne_doc *doc, size_t tok)
{
    if (tok >= doc->body_text.ntoks) return -1;
    uint32_t s = doc->body_text.toks[tok].start;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        for (size_t m = 0; m < e->nmentions; m++)
            if (e->mentions[m].field == NE_FIELD_BODY && named_start(&e->mentions[m]) <= s && s < e->mentions[m].end)
                return (long)i;
    }
    return -1;
}

/* First body token starting at or after byte `at` (binary search). */
static size_t token_at_or_after(const ne_text *t, uint32_t at)
{
    size_t lo = 0, hi = t->ntoks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->toks[mid].start < at) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void ne_entities_person_map(const ne_doc *doc, int32_t *map)
{
    const ne_text *t = &doc->body_text;
    for (size_t i = 0; i < t->ntoks; i++) map[i] = -1;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        for (size_t m = 0; m < e->nmentions; m++) {
            const ne_mention *mm = &e->mentions[m];
            if (mm->field != NE_FIELD_BODY) continue;
            for (size_t k = token_at_or_after(t, named_start(mm)); k < t->ntoks && t->toks[k].start < mm->end; k++)
                map[k] = (int32_t)i;
        }
    }
}

long ne_entities_last_person_before(const ne_doc *doc, uint32_t at, enum ne_gender want)
{
    long best = -1;
    uint32_t best_end = 0;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        if (want != NE_GENDER_UNKNOWN && e->gender != NE_GENDER_UNKNOWN && e->gender != want) continue;
        for (size_t m = 0; m < e->nmentions; m++) {
            const ne_mention *mm = &e->mentions[m];
            if (mm->field == NE_FIELD_BODY && mm->end <= at && (best < 0 || mm->end > best_end)) {
                best = (long)i;
                best_end = mm->end;
            }
        }
    }
    return best;
}

long ne_entities_mention_at(const ne_doc *doc, uint32_t at, const ne_mention **m)
{
    if (m) *m = NULL;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        for (size_t k = 0; k < e->nmentions; k++) {
            const ne_mention *mm = &e->mentions[k];
            if (mm->field != NE_FIELD_BODY || at < named_start(mm) || at >= mm->end) continue;
            if (m) *m = mm;
            return (long)i;
        }
    }
    return -1;
}
