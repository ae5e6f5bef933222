/* entities_repeat — a body line that repeats the title (entities_int.h).
 *
 * Many sites print the headline again as the body's first line
 * ("Stealth Over Health: Hillary Clinton Was Headed to ER But Diverted to
 * Avoid Bad Optics." above the story). Read twice, the same words gave
 * the same names twice (every count one too high) and, in a title-case
 * line, guesses of their own. The line is read once, as the title: the
 * candidates of the body inside it are dropped before clustering, and
 * each name mention of the title is listed again at the same words of
 * the body line, flagged `repeat` (ne_mention.repeat), and not counted.
 * A line repeats the title when its bytes, trailing punctuation and
 * white space aside, equal the title's, ASCII case aside, so offsets map
 * one to one. Only the body's first two paragraphs are looked at (a site
 * name may come first). O(title bytes).
 */
#include "enrichers/entities/entities_int.h"

#include <string.h>

/* [*a, *b): s without leading white space, trailing white space and
 * trailing sentence punctuation. */
static void trim(const char *s, uint32_t *a, uint32_t *b)
{
    while (*a < *b && (s[*a] == ' ' || s[*a] == '\t' || s[*a] == '\n' || s[*a] == '\r')) (*a)++;
    while (*b > *a && strchr(" \t\r\n.!?", s[*b - 1])) (*b)--;
}

static int same_fold(const char *x, const char *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower_ascii((unsigned char)x[i]) != lower_ascii((unsigned char)y[i])) return 0;
    return 1;
}

void ent_find_title_repeat(ent_state *st, const ne_doc *doc)
{
    st->rep_start = st->rep_end = 0;
    st->rep_delta = 0;
    const ne_text *tt = &doc->title_text, *bt = &doc->body_text;
    if (!doc->title || tt->ntoks == 0 || bt->nparas == 0) return;
    uint32_t ta = 0, tb = (uint32_t)doc->title_len;
    trim(doc->title, &ta, &tb);
    if (tb <= ta) return;
    for (size_t p = 0; p < bt->nparas && p < 2; p++) {
        uint32_t ba = bt->paras[p].start, bb = bt->paras[p].end;
        trim(doc->body, &ba, &bb);
        if (bb - ba != tb - ta || !same_fold(doc->body + ba, doc->title + ta, tb - ta)) continue;
        st->rep_start = ba;
        st->rep_end = bb;
        st->rep_delta = (int64_t)ba - (int64_t)ta;
        return;
    }
}

void ent_drop_repeat_cands(ent_state *st, const ne_doc *doc)
{
    if (st->rep_end <= st->rep_start) return;
    const ne_text *bt = &doc->body_text;
    size_t w = 0;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->field == NE_FIELD_BODY && bt->toks[c->a].start >= st->rep_start && bt->toks[c->a].start < st->rep_end)
            continue;
        st->c[w++] = *c;
    }
    st->nc = w;
}

int ent_repeat_mention(const ent_state *st, const ne_mention *title, ne_mention *out)
{
    if (st->rep_end <= st->rep_start || title->field != NE_FIELD_TITLE) return 0;
    int64_t s = (int64_t)title->start + st->rep_delta, e = (int64_t)title->end + st->rep_delta;
    if (s < (int64_t)st->rep_start || e > (int64_t)st->rep_end) return 0;   /* past the trimmed line */
    *out = *title;
    out->field = NE_FIELD_BODY;
    out->start = (uint32_t)s;
    out->end = (uint32_t)e;
    out->title_start = (uint32_t)((int64_t)title->title_start + st->rep_delta);
    out->title_end = (uint32_t)((int64_t)title->title_end + st->rep_delta);
    if (title->title_end <= title->title_start) out->title_start = out->title_end = out->start;
    out->repeat = 1;
    return 1;
}
