/* quotes_anylang — direct quotes in text that is not English.
 *
 * On text in another language (lang.h) the cues, frames and the speaker
 * ranker do not run: they are English models. Every quotation long enough
 * to be speech (three words; four characters in scripts without spaces)
 * is a direct quote wherever it stands in its sentence, since no frame
 * can vouch for one that does not open a sentence. What is left to say
 * who spoke is who is named: a direct quote whose sentence (the words outside
 * its quotation marks, in the sentences its marks are in) names exactly
 * one person the entities stage found — on such text only watchlist and
 * gazetteer names — takes that person as its speaker. „…“, sagte Scholz;
 * «…», — заявил Путин; « … », a déclaré Macron all have that shape in
 * any language. Two people named, or none, leave the speaker null: a
 * guess there would be the ranker's job. Cost: one pass over the person
 * mentions per quote (articles have a few dozen).
 */
#include "enrichers/quotes/quotes_int.h"

#include <string.h>

/* A new direct statement (as quotes_frames.c's add_stmt). */
static int32_t new_statement(ne_quotes_ws *ws)
{
    ne_grow(&ws->st, &ws->st_cap, ws->nst + 1, sizeof *ws->st);
    stmt *s = &ws->st[ws->nst];
    memset(s, 0, sizeof *s);
    s->kind = NE_QUOTE_DIRECT;
    s->rq = -1;
    s->cue = s->cue_end = -1;
    s->ent = -1;
    return (int32_t)ws->nst++;
}

/* Whether quotation r (with its continuations) is long enough to be
 * speech rather than a scare quote or a term: three words, or, in a script
 * written without spaces (Chinese, Japanese), four characters or more. */
static int long_enough(const ne_quotes_ws *ws, size_t r)
{
    uint32_t words = 0, bytes = 0;
    int spaced = 0;
    for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) {
        const rawq *q = &ws->rq[x];
        words += q->nwords;
        bytes += q->end - q->start;
        spaced |= memchr(ws->t->s + q->start, ' ', q->end - q->start) != NULL;
    }
    return words >= 3 || (!spaced && bytes >= 4 * 3);
}

void qt_find_spans_anylang(ne_quotes_ws *ws)
{
    for (size_t r = 0; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->owner >= 0 || q->prev >= 0 || (q->title && q->next < 0) || !long_enough(ws, r)) continue;
        int32_t si = new_statement(ws);
        ws->st[si].rq = (int32_t)r;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
    }
}

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
