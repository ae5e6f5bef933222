/* coref_detect.c — candidate mentions from tokens, lexicons and NER spans
 * (ne_coref_detect, coref.h).
 *
 *  - names: PER and ORG spans; a title word at the start of a person span
 *    or right before it ("Surrey Mayor Doug McCallum") is left out of the
 *    span and recorded as the name's role;
 *  - pronouns: he, him, his, himself, she, her, hers, herself, they, them,
 *    their, themselves; "it" only before a speech cue ("it said"), "its"
 *    only when an organisation is named in the sentence or the one before;
 *  - titles and descriptions: a determiner ("the", a possessive pronoun or
 *    a possessive name, "the Kremlin's") followed within five words by a
 *    noun of the lexicons (titles, person nouns, organisation nouns,
 *    statements), and "the 56-year-old"; "a"/"an" only in an apposition or
 *    "in a statement";
 *  - links: "NAME, the mayor," and "the mayor, NAME" (apposition), "NAME,
 *    56," (age), "X said in a statement" (the statement is X's), "his
 *    office" (the office is his).
 */
#include "enrichers/coref/coref_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static int is_word(const ne_text *t, size_t i) { return i < t->ntoks && t->toks[i].kind == NE_TOK_WORD; }
static int is_punct(const ne_text *t, size_t i, char c)
{
    return i < t->ntoks && t->toks[i].kind == NE_TOK_PUNCT && tok_len(t, i) == 1 && tok_ptr(t, i)[0] == c;
}
static int is_cap(const ne_text *t, size_t i) { return (t->toks[i].flags & NE_TF_CAP) != 0; }

static int possessive(const ne_text *t, size_t i)
{
    const char *p = tok_ptr(t, i);
    size_t l = tok_len(t, i);
    return (l > 2 && p[l - 2] == '\'' && p[l - 1] == 's') ||
           (l > 4 && (unsigned char)p[l - 4] == 0xe2 && (unsigned char)p[l - 3] == 0x80 &&
            (unsigned char)p[l - 2] == 0x99 && p[l - 1] == 's');
}

/* "56-year-old" -> 56; 0 if the token is not an age. */
static int age_of(const ne_text *t, size_t i)
{
    const char *p = tok_ptr(t, i);
    size_t l = tok_len(t, i), k = 0;
    int v = 0;
    while (k < l && k < 3 && p[k] >= '0' && p[k] <= '9') v = v * 10 + (p[k++] - '0');
    if (k == 0) return 0;
    if (l - k >= 9 && memcmp(p + k, "-year-old", 9) == 0) return v;
    return 0;
}

/* The token's lexicon bits (filled once per document by ne_coref_detect). */
#define lex_word(m, t, i) ((i) < (t)->ntoks ? (int)tokbits_of(ws, (i)) : 0)
static inline uint32_t tokbits_of(const ne_coref_ws *ws, size_t i) { return ws->tokbits[i]; }

static ne_coref_mention *push(ne_coref_ws *ws, size_t *n, uint32_t ts, uint32_t te, int kind, int type)
{
    ne_grow(&ws->det, &ws->capdet, *n + 1, sizeof *ws->det);
    ne_coref_mention *mm = &ws->det[(*n)++];
    memset(mm, 0, sizeof *mm);
    mm->start = ws->t->toks[ts].start;
    mm->end = ws->t->toks[te - 1].end;
    mm->tok_start = ts;
    mm->tok_end = te;
    mm->kind = (uint8_t)kind;
    mm->type = (int8_t)type;
    mm->entity = -1;
    mm->appos = -1;
    return mm;
}

static int cmp_mention(const void *x, const void *y)
{
    const ne_coref_mention *a = x, *b = y;
    if (a->tok_start != b->tok_start) return a->tok_start < b->tok_start ? -1 : 1;
    if (a->tok_end != b->tok_end) return a->tok_end < b->tok_end ? -1 : 1;
    return 0;
}

/* A noun phrase starting at determiner i ("the", "his", "the Kremlin's"):
 * its end (exclusive) and lexicon bits of its head, or 0. */
static size_t np_at(const ne_coref_ws *ws, const ne_text *t, size_t i, uint32_t *headbits, int *age)
{
    size_t end = 0, lim = i + 6;
    *headbits = 0;
    *age = 0;
    uint32_t s = t->toks[i].para;
    for (size_t k = i + 1; k < lim && k < t->ntoks && t->toks[k].para == s; k++) {
        if (t->toks[k].flags & NE_TF_SENT_START) break;
        if (t->toks[k].kind == NE_TOK_NUM) continue;
        if (!is_word(t, k)) {
            if (is_punct(t, k, '-')) continue;
            break;
        }
        uint32_t b = ws->tokbits[k];
        if (b & (LEX_STOP | LEX_DET | LEX_PRON | LEX_CUE)) break;
        int ag = age_of(t, k);
        if (ag) { *age = ag; end = k + 1; *headbits = LEX_PERSON; if (!possessive(t, k)) continue; break; }
        if (possessive(t, k) && is_cap(t, k) && !end) continue;   /* "the Kremlin's spokesman" */
        if (b & (LEX_TITLE | LEX_PERSON | LEX_ORG | LEX_STMT)) {
            end = k + 1;
            *headbits = b;
            if (possessive(t, k)) break;      /* "the mayor's office": the mayor */
            continue;                          /* "the rookie defenceman": keep the last */
        }
        if (end) break;                        /* a noun phrase ended */
        if (possessive(t, k) && k > i + 0) continue;   /* "the Kremlin's spokesman" */
        if ((b & LEX_VERB) && !is_cap(t, k)) break;
    }
    return end;
}

size_t ne_coref_detect(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                       const ne_ner_span *spans, size_t nspans, ne_coref_mention **out)
{
    size_t n = 0;
    ws->t = t;
    ws->bits_s = NULL;           /* a new text may sit at the old address */
    coref_tokbits(m, ws, t);
    /* names */
    for (size_t s = 0; s < nspans; s++) {
        const ne_ner_span *sp = &spans[s];
        if (sp->type != NE_ENT_PER && sp->type != NE_ENT_ORG) continue;
        if (sp->tok_end > t->ntoks || sp->tok_start >= sp->tok_end) continue;
        uint32_t ts = sp->tok_start, te = sp->tok_end, role = 0;
        while (ts + 1 < te && (lex_word(m, t, ts) & LEX_DET)) ts++;     /* "The Justice Department" */
        if (sp->type == NE_ENT_PER) {
            while (ts + 1 < te && ((lex_word(m, t, ts) & (LEX_TITLE | LEX_HONORIF)) ||
                                   ((lex_word(m, t, ts) & LEX_PERSON) && ts + 2 < te))) {
                if (lex_word(m, t, ts) & (LEX_TITLE | LEX_PERSON))
                    role = (uint32_t)tok_hash(ws, ts);
                ts++;
            }
            /* a title right before the span: "Surrey Mayor Doug McCallum",
             * "Kremlin spokesman Dmitry Peskov" */
            if (!role && sp->tok_start > 0 && is_word(t, sp->tok_start - 1) &&
                (lex_word(m, t, sp->tok_start - 1) & (LEX_TITLE | LEX_PERSON)))
                role = (uint32_t)tok_hash(ws, sp->tok_start - 1);
        }
        ne_coref_mention *mm = push(ws, &n, ts, te, NE_COREF_NAME, sp->type);
        mm->role = role ? role : 0;
    }
    /* document consistency: a short organisation name whose last word is
     * a person's surname elsewhere ("Trump's" tagged ORG) is that person */
    for (size_t a = 0; a < n; a++) {
        ne_coref_mention *mm = &ws->det[a];
        if (mm->type != NE_ENT_ORG || mm->tok_end - mm->tok_start > 2) continue;
        uint64_t h = tok_hash(ws, mm->tok_end - 1);
        for (size_t b = 0; b < n; b++) {
            const ne_coref_mention *o = &ws->det[b];
            if (o->type != NE_ENT_PER) continue;
            if (tok_hash(ws, o->tok_end - 1) == h) {
                mm->type = NE_ENT_PER;
                break;
            }
        }
    }
    /* pronouns and noun phrases */
    size_t last_org_sent = (size_t)-2, sent = 0;
    size_t sp_i = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        if (t->toks[i].flags & NE_TF_SENT_START && i) sent++;
        while (sp_i < nspans && spans[sp_i].tok_start <= i) {
            if (spans[sp_i].type == NE_ENT_ORG) last_org_sent = sent;
            sp_i++;
        }
        if (!is_word(t, i)) continue;
        uint32_t b = ws->tokbits[i];
        const char *p = tok_ptr(t, i);
        size_t l = tok_len(t, i);
        if (b & LEX_PRON) {
            int it = (b & LEX_IT) != 0, its = it && (b & LEX_POSSPRON);
            if (it && !its && !(lex_word(m, t, i + 1) & LEX_CUE)) continue;
            if (its && !(last_org_sent == sent || last_org_sent + 1 == sent)) continue;
            push(ws, &n, (uint32_t)i, (uint32_t)i + 1, NE_COREF_PRONOUN, it ? NE_ENT_ORG : -1);
        }
        int det = (b & LEX_DET) && !(l == 1 || (l == 2 && (p[1] == 'n' || p[1] == 'N')));   /* "the" */
        int indef = (b & LEX_DET) && !det;
        int posspron = (b & LEX_POSSPRON) != 0;   /* his, her, their, its */
        if (!(det || indef || posspron)) continue;
        uint32_t hb;
        int age;
        size_t e = np_at(ws, t, i, &hb, &age);
        if (!e) continue;
        if (posspron && !(hb & (LEX_STMT | LEX_PERSON | LEX_TITLE))) continue;
        int kind = (hb & LEX_TITLE) ? NE_COREF_TITLE : NE_COREF_DESC;
        int type = (hb & (LEX_TITLE | LEX_PERSON)) ? NE_ENT_PER : (hb & LEX_ORG) ? NE_ENT_ORG : -1;
        if (hb & LEX_STMT) type = -1, kind = NE_COREF_DESC;
        /* inside a name ("The Justice Department"): the name is the mention */
        int inside = 0;
        for (size_t q = 0; q < nspans && !inside; q++)
            if (spans[q].tok_start <= i + 1 && spans[q].tok_end >= e && spans[q].tok_start >= i) inside = 1;
        if (inside) continue;
        ne_coref_mention *mm = push(ws, &n, (uint32_t)i, (uint32_t)e, kind, type);
        mm->age = (int16_t)age;
        /* "a" only in "in a statement" or after "NAME," (linked below) */
        mm->role = indef ? 1 : 0;
        if (posspron && (hb & LEX_STMT)) mm->role = 2;
    }
    if (n > 1) qsort(ws->det, n, sizeof *ws->det, cmp_mention);   /* det is NULL while empty */
    /* links */
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        ne_coref_mention *mm = &ws->det[j];
        int indef = mm->kind != NE_COREF_NAME && mm->role == 1;
        int posstmt = mm->kind != NE_COREF_NAME && mm->role == 2;
        if (mm->kind != NE_COREF_NAME) mm->role = 0;
        int keep = !indef;
        uint32_t ts = mm->tok_start;
        /* NAME , the mayor  /  NAME , a spokesman for … */
        if ((mm->kind == NE_COREF_TITLE || mm->kind == NE_COREF_DESC) && mm->type == NE_ENT_PER && ts >= 2 &&
            is_punct(t, ts - 1, ',') && k > 0) {
            ne_coref_mention *pv = &ws->det[k - 1];
            if (pv->kind == NE_COREF_NAME && pv->type == NE_ENT_PER && pv->tok_end == ts - 1) {
                mm->appos = (int32_t)(k - 1);
                keep = 1;
            }
        }
        /* the mayor , NAME */
        if (mm->kind == NE_COREF_NAME && mm->type == NE_ENT_PER && ts >= 2 && is_punct(t, ts - 1, ',') && k > 0) {
            ne_coref_mention *pv = &ws->det[k - 1];
            if ((pv->kind == NE_COREF_TITLE || pv->kind == NE_COREF_DESC) && pv->type == NE_ENT_PER &&
                pv->tok_end == ts - 1 && pv->appos < 0 &&
                (!(lex_word(m, t, pv->tok_start) & LEX_PRON) ||
                 /* "Her father, John Bailly, …" */
                 ((lex_word(m, t, pv->tok_start) & LEX_POSSPRON) && pv->tok_end == pv->tok_start + 2)))
                mm->appos = (int32_t)(k - 1);
        }
        /* X said in a statement */
        if (indef && mm->type < 0 && ts >= 2 && lex_word(m, t, ts - 1) && tok_len(t, ts - 1) == 2 &&
            memcmp(tok_ptr(t, ts - 1), "in", 2) == 0 && (lex_word(m, t, ts - 2) & LEX_CUE)) {
            for (size_t q = k; q-- > 0;) {
                if (ws->det[q].tok_end > ts - 2) continue;
                if (ws->det[q].kind == NE_COREF_PRONOUN && ws->det[q].type < 0 &&
                    !(ws->det[q].tok_end == ts - 2)) continue;
                int same = 1;
                for (size_t x = ws->det[q].tok_start + 1; x < ts; x++)
                    if (t->toks[x].flags & NE_TF_SENT_START) same = 0;
                if (same) mm->appos = (int32_t)q;
                break;
            }
            keep = 1;
        }
        /* his office: the pronoun right before */
        if (posstmt && k > 0 && ws->det[k - 1].kind == NE_COREF_PRONOUN && ws->det[k - 1].tok_start == ts)
            mm->appos = (int32_t)(k - 1);
        /* "the statement said" after "X said in a statement": the latest
         * attributed statement with the same noun */
        if (mm->kind == NE_COREF_DESC && !indef && !posstmt && (ws->tokbits[mm->tok_end - 1] & LEX_STMT) &&
            !(ws->tokbits[ts] & LEX_PRON)) {
            uint64_t h = tok_hash(ws, mm->tok_end - 1);
            for (size_t q = k; q-- > 0;) {
                const ne_coref_mention *o = &ws->det[q];
                if (o->kind == NE_COREF_DESC && o->appos >= 0 &&
                    tok_hash(ws, o->tok_end - 1) == h) {
                    mm->appos = (int32_t)q;
                    break;
                }
            }
        }
        /* "the department" after "the Justice Department": the latest
         * organisation name with that noun as a word */
        if (mm->kind == NE_COREF_DESC && mm->type == NE_ENT_ORG && mm->appos < 0 && !indef &&
            (ws->tokbits[ts] & LEX_DET)) {
            uint64_t h = tok_hash(ws, mm->tok_end - 1);
            for (size_t q = k; q-- > 0 && mm->appos < 0;) {
                const ne_coref_mention *o = &ws->det[q];
                if (o->kind != NE_COREF_NAME || o->type != NE_ENT_ORG) continue;
                for (uint32_t x = o->tok_start; x < o->tok_end; x++)
                    if (is_word(t, x) && tok_hash(ws, x) == h) { mm->appos = (int32_t)q; break; }
            }
        }
        /* "the mayor" after "Surrey Mayor Doug McCallum" or "Doug McCallum,
         * the mayor": the latest person with that role */
        if ((mm->kind == NE_COREF_TITLE || mm->kind == NE_COREF_DESC) && mm->appos < 0 && !indef && !posstmt &&
            mm->type == NE_ENT_PER && (ws->tokbits[ts] & LEX_DET)) {
            uint32_t h = (uint32_t)tok_hash(ws, mm->tok_end - 1);
            uint64_t hc = coref_title_hash(ws, t, mm->tok_end - 1);   /* "the vice president" */
            /* "the former president" is a former president's, else (named
             * without "former": "President Bill Clinton" in 1998) the
             * latest president's; "the president" never a former one's */
            int former = mm->tok_end - 1 > ts && coref_title_mod(t, mm->tok_end - 1) == COREF_MOD_FORMER;
            for (int pass = 0; pass < 1 + former && mm->appos < 0; pass++) {
                uint64_t want = pass ? h : hc;
                for (size_t q = k; q-- > 0 && mm->appos < 0;) {
                    const ne_coref_mention *o = &ws->det[q];
                    /* the name's title ends right before it (detection
                     * steps over the titles inside a span) */
                    if (o->kind == NE_COREF_NAME && o->type == NE_ENT_PER && o->role == h && o->tok_start > 0 &&
                        coref_title_hash(ws, t, o->tok_start - 1) == want)
                        mm->appos = (int32_t)q;
                    else if ((o->kind == NE_COREF_TITLE || o->kind == NE_COREF_DESC) && o->appos >= 0 &&
                             coref_title_hash(ws, t, o->tok_end - 1) == want)
                        mm->appos = (int32_t)q;
                }
            }
        }
        /* "her father said" after "Her father, John Bailly, is …": the
         * latest same possessive and noun linked to a name (round 7) */
        if ((mm->kind == NE_COREF_TITLE || mm->kind == NE_COREF_DESC) && mm->appos < 0 && !indef &&
            mm->type == NE_ENT_PER && (ws->tokbits[ts] & LEX_POSSPRON) && mm->tok_end == ts + 2) {
            uint64_t h = tok_hash(ws, mm->tok_end - 1), pp = tok_hash(ws, ts);
            for (size_t q = k; q-- > 0 && mm->appos < 0;) {
                const ne_coref_mention *o = &ws->det[q];
                if (o->kind == NE_COREF_NAME || o->tok_end != o->tok_start + 2 || tok_hash(ws, o->tok_start) != pp ||
                    tok_hash(ws, o->tok_end - 1) != h)
                    continue;
                if (o->appos >= 0) mm->appos = (int32_t)q;   /* "NAME, her father," */
                for (size_t r = q + 1; r < k && mm->appos < 0; r++)   /* "her father, NAME" */
                    if (ws->det[r].kind == NE_COREF_NAME && ws->det[r].appos == (int32_t)q) mm->appos = (int32_t)r;
                break;
            }
        }
        /* "the 56-year-old" after "Mourinho, 56," */
        if (mm->age && mm->kind != NE_COREF_NAME)
            for (size_t q = k; q-- > 0;)
                if (ws->det[q].kind == NE_COREF_NAME && ws->det[q].age == mm->age) { mm->appos = (int32_t)q; break; }
        /* "it said", "its": the nearest organisation in this sentence or the one before */
        if (mm->kind == NE_COREF_PRONOUN && mm->type == NE_ENT_ORG) {
            long org = -1;
            for (size_t q = k; q-- > 0 && org < 0;) {
                size_t sents = 0;
                for (size_t x = ws->det[q].tok_start + 1; x <= ts && x < t->ntoks; x++)
                    sents += (t->toks[x].flags & NE_TF_SENT_START) != 0;
                if (sents > 1) break;
                if (ws->det[q].type == NE_ENT_ORG && ws->det[q].kind != NE_COREF_PRONOUN) org = (long)q;
            }
            if (org < 0) continue;
            mm->appos = (int32_t)org;
        }
        if (!keep) continue;
        /* NAME , 56 , and NAME , 56 . ("…," said Lopez, 67.) */
        if (mm->kind == NE_COREF_NAME && mm->tok_end + 2 < t->ntoks && is_punct(t, mm->tok_end, ',') &&
            t->toks[mm->tok_end + 1].kind == NE_TOK_NUM &&
            (is_punct(t, mm->tok_end + 2, ',') || is_punct(t, mm->tok_end + 2, '.'))) {
            int v = atoi(tok_ptr(t, mm->tok_end + 1));
            if (v >= 10 && v <= 110 && tok_len(t, mm->tok_end + 1) <= 3) mm->age = (int16_t)v;
        }
        if (k != j) ws->det[k] = *mm;
        k++;
    }
    *out = ws->det;
    return k;
}
