/* quotes_anylang — speakers of direct quotes in text that is not English.
 *
 * On text in another language (lang.h) the cues, frames and the speaker
 * ranker do not run: they are English models. What is left to say who
 * spoke is who is named: a direct quote whose sentence (the words outside
 * its quotation marks, in the sentences its marks are in) names exactly
 * one person the entities stage found — on such text only watchlist and
 * gazetteer names — takes that person as its speaker. „…“, sagte Scholz;
 * «…», — заявил Путин; « … », a déclaré Macron all have that shape in
 * any language. Two people named, or none, leave the speaker null: a
 * guess there would be the ranker's job. Cost: one pass over the person
 * mentions per quote (articles have a few dozen).
 */
#include "enrichers/quotes/quotes_int.h"

/* The sentence holding token i (sentences are in order and cover every
 * token of a paragraph): its index, or nsents. */
static size_t sentence_of(const ne_text *t, uint32_t i)
{
    size_t lo = 0, hi = t->nsents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->sents[mid].tok_end <= i) lo = mid + 1;
        else hi = mid;
    }
    return lo < t->nsents && t->sents[lo].tok_start <= i ? lo : t->nsents;
}

/* The one person named in bytes [from, to) outside [qa, qb): sets *ment to
 * its mention and returns its entity, -1 when none, -2 when several. */
static long only_person(const ne_doc *doc, uint32_t from, uint32_t to, uint32_t qa, uint32_t qb,
                        const ne_mention **ment)
{
    long found = -1;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type != NE_ENT_PER) continue;
        for (size_t k = 0; k < en->nmentions; k++) {
            const ne_mention *m = &en->mentions[k];
            if (m->field != NE_FIELD_BODY || m->kind != NE_MENTION_NAME) continue;
            if (m->start < from || m->end > to || (m->end > qa && m->start < qb)) continue;
            if (found >= 0 && found != (long)e) return -2;
            if (found < 0) *ment = m;
            found = (long)e;
        }
    }
    return found;
}

void qt_speakers_by_name(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    for (size_t i = 0; i < ws->nst; i++) {
        stmt *s = &ws->st[i];
        if (s->has_speaker || s->kind != NE_QUOTE_DIRECT || s->rq < 0) continue;
        const rawq *first = &ws->rq[s->rq], *last = first;
        while (last->next >= 0) last = &ws->rq[last->next];
        size_t sa = sentence_of(t, first->open), sb = sentence_of(t, last->close < t->ntoks ? last->close
                                                                                          : t->ntoks - 1);
        if (sa >= t->nsents || sb >= t->nsents) continue;
        uint32_t qa = tok(ws, first->open)->start;
        uint32_t qb = last->close < t->ntoks ? tok(ws, last->close)->end : t->sents[sb].end;
        const ne_mention *m = NULL;
        long e = only_person(ws->doc, t->sents[sa].start, t->sents[sb].end, qa, qb, &m);
        if (e < 0 || !m) continue;
        s->has_speaker = 1;
        s->ent = e;
        s->sp_start = m->start;
        s->sp_end = m->end;
    }
}
