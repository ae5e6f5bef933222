/* quotes_about — the entities a statement is about (quotes_int.h):
 * people and organisations named in its words, and the people its
 * third-person pronouns stand for; the speaker only when the words name
 * them (issue 18: "the speaker is never in their own about unless they
 * speak of themselves by name"), so "Trump said he would win" is about
 * nobody, and a watcher of Trump gets a speaker alert, not also an
 * about one.
 */
#include "enrichers/quotes/quotes_int.h"

static void add_about(ne_quotes_ws *ws, size_t *n, int32_t e)
{
    for (size_t i = 0; i < *n; i++)
        if (ws->about[i] == (size_t)e) return;
    ne_grow(&ws->about, &ws->about_cap, *n + 1, sizeof *ws->about);
    ws->about[(*n)++] = (size_t)e;
}

/* The entities statement s is about, into ws->about: people and
 * organisations named in its words, and people its third-person pronouns
 * refer to; the speaker only when named. Returns the count. */
size_t qt_collect_about(ne_quotes_ws *ws, const stmt *s)
{
    size_t n = 0;
    long spk = s->has_speaker ? s->ent : -1;
    uint32_t ranges[64][2];
    size_t nr = 0;
    if (s->kind == NE_QUOTE_DIRECT) {
        for (int32_t r = s->rq; r >= 0 && nr < 64; r = ws->rq[r].next) {
            ranges[nr][0] = ws->rq[r].open + 1;
            ranges[nr][1] = ws->rq[r].close;
            nr++;
        }
    } else {
        ranges[0][0] = s->cbeg;
        ranges[0][1] = s->cend;
        nr = 1;
    }
    for (size_t r = 0; r < nr; r++) {
        for (uint32_t i = ranges[r][0]; i < ranges[r][1]; i++) {
            const tokinfo *ti = &ws->ti[i];
            int32_t e = -1;
            if (ti->ent >= 0) {
                if (ti->mbeg != i && i != ranges[r][0]) continue;
                const ne_entity *en = ent_of(ws, ti->ent);
                if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
                e = ti->ent;
            } else if (ti->cls & (L_HE | L_SHE)) {
                int quoted = ti->region == R_QUOTE;
                if (!quoted && spk >= 0 && is_person(ws, (int32_t)spk) && qt_gender_ok(ws, (int32_t)spk, ti->cls))
                    e = (int32_t)spk;   /* "Trump said he …" */
                else
                    e = qt_recent_person(ws, i, ti->cls, quoted ? (int32_t)spk : -1);
            }
            if (e < 0) continue;
            if (e == spk && (ti->ent < 0 || (ti->cls & (L_PRON | L_POSS)))) continue;   /* by name only */
            add_about(ws, &n, e);
        }
    }
    return n;
}
