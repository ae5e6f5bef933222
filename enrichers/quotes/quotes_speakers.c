/* quotes_speakers — who speaks (quotes_int.h): the noun phrases that name
 * or describe a speaker (a mention, a pronoun, a description such as
 * "a spokesman for the campaign"), found by the frames, and resolving
 * them once every statement is known (step 5 of quotes.h): an entity
 * mention is that entity; he/she the nearest earlier compatible person
 * named outside quotations; it/they the last non-person speaker; a
 * definite role noun ("the spokesman") the person an apposition gave that
 * role; a floating quote inherits the previous speaker.
 */
#include "enrichers/quotes/quotes_int.h"

#include <string.h>

/* ---- noun phrases ------------------------------------------------------- */

int qt_is_possessive(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_token *k = tok(ws, i);
    const char *s = ws->t->s + k->start;
    size_t n = k->end - k->start;
    return (n > 2 && s[n - 1] == 's' && s[n - 2] == '\'') ||
           (n > 4 && s[n - 1] == 's' && memcmp(s + n - 4, "\xE2\x80\x99", 3) == 0);
}

/* True for a word that may be part of a describing noun phrase. */
int qt_np_word(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM) return 0;
    if (ws->ti[i].region == R_QUOTE) return 0;
    return !(ws->ti[i].cls & (L_NOT_NP | L_DET | L_POSS | L_PRON));
}

/* Steps *k back from a ")" over its parenthetical ("(D-Wis.)") to the
 * token before the "(". 0 when no "(" is found within 8 tokens. */
static int skip_paren(const ne_quotes_ws *ws, int64_t lo, int64_t *k)
{
    int64_t m = *k - 1;
    while (m >= lo && *k - m < 8 && !tok_is(ws, (size_t)m, "(")) m--;
    if (m < lo || !tok_is(ws, (size_t)m, "(")) return 0;
    *k = m - 1;
    return 1;
}

/* True when token i is in a place's name. */
static int is_place_tok(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_entity *e = ent_of(ws, ws->ti[i].ent);
    return e && e->type == NE_ENT_LOC;
}

/* A mention that is the object of "of", "at", "for" or "from" right
 * after a person's name is not the subject: in "Senator Ted Cruz of Texas
 * said" the head is Ted Cruz, not Texas. 5-fold CV of the speaker ranker
 * on PolNeAR train (speakers_train --cv-only): accuracy 0.8491 -> 0.8502,
 * resolved person 0.9440 -> 0.9453. Extending the same way over common
 * nouns ("officials at Planned Parenthood said", whose statement the
 * frames now miss) did no better on the CV (0.8498 / 0.9451) and lost two
 * indirect statements on train: not done. */
static void of_phrase_head(const ne_quotes_ws *ws, uint32_t lo, np *n)
{
    if (n->beg < lo + 2) return;
    uint32_t p = n->beg - 1;
    int in = tok_is(ws, p, "in") || tok_is(ws, p, "at") || tok_is(ws, p, "from");
    if (!tok_is(ws, p, "of") && !tok_is(ws, p, "for") && !in &&
        !tok_is(ws, p, "with"))   /* "The BBC's Steve Evans in Berlin says", "Novak with the Delmar Institute" */
        return;
    const tokinfo *pi = &ws->ti[p - 1];
    if (pi->region == R_QUOTE) return;
    /* "bookseller Plinth Books in Ravensworth said": the organisation,
     * not the place it is in */
    int org_in_place = in && pi->ent >= 0 && pi->mbeg >= lo && ent_of(ws, pi->ent) &&
                       ent_of(ws, pi->ent)->type == NE_ENT_ORG && is_place_tok(ws, n->head);
    /* "Iranians in the US have complained": the group, not the place
     * (round 7) */
    if (in && pi->ent >= 0 && pi->mbeg >= lo && ent_of(ws, pi->ent) && ent_of(ws, pi->ent)->type == NE_ENT_MISC &&
        is_place_tok(ws, n->head)) {
        n->kind = NP_DESC;
        n->beg = pi->mbeg;
        n->head = p - 1;
        n->end = pi->mend;
        return;
    }
    if (pi->ent >= 0 && (is_person(ws, pi->ent) || org_in_place) && pi->mbeg >= lo) {
        n->head = pi->mbeg;
        n->beg = pi->mbeg;
        n->end = pi->mend;
        while (n->beg > lo && n->head - n->beg < 6 && is_word(ws, n->beg - 1) && qt_np_word(ws, n->beg - 1) &&
               !is_person(ws, ws->ti[n->beg - 1].ent))
            n->beg--;
    }
}

/* A person named as the object of "to"/"for" after a lower-case role
 * noun, or after "close/linked/loyal to", is not the subject: "A policy
 * adviser to Republican presidential candidate Mitt Romney said", "a
 * spokesman for Russian President Vladimir Putin has denied", "One
 * Republican close to Bannon said" are the adviser's, the spokesman's
 * and the Republican's words (each gave a false alert for the person
 * named). n becomes the description, its head the role noun; the name
 * stays inside it, and a name after a description's head is no speaker
 * candidate (quotes_rank.c). "of" is left out: "Secretary of State John
 * Kerry" is a title. Organisations keep their reading ("a spokesman for
 * Microsoft" gives the company's statement). */
static void office_object(const ne_quotes_ws *ws, uint32_t lo, np *n)
{
    static const char *const adj[] = { "close", "linked", "loyal", "tied", "connected", "allied", "near" };
    if (n->kind != NP_MENTION || n->beg < lo + 2 || !is_person(ws, ws->ti[n->head].ent)) return;
    uint32_t p = n->beg - 1, h = p - 1;
    int of = tok_is(ws, p, "of");
    if (!of) {
        /* "of suspect Marko Velic": a lower-case word or two the
         * premodifiers did not take ("suspect" is also a verb) */
        uint32_t q = p;
        while (q > lo + 1 && n->beg - q <= 2 && is_word(ws, q) && ws->ti[q].region != R_QUOTE &&
               ws->t->s[tok(ws, q)->start] >= 'a' && ws->t->s[tok(ws, q)->start] <= 'z' &&
               !(ws->ti[q].cls & (L_DET | L_POSS | L_PRON | L_PREP)))
            q--;
        if (q < p && tok_is(ws, q, "of")) p = q, h = q - 1, of = 1;
    }
    if (!tok_is(ws, p, "to") && !tok_is(ws, p, "for") && !tok_is(ws, p, "with") && !of) return;
    if (ws->ti[h].region == R_QUOTE || !is_word(ws, h)) return;
    /* "Relatives and neighbours of suspect Marko Velic said", "a friend
     * of …", "supporters of Democrat Hillary Clinton": people of the
     * person's, never a title ("secretary of state John Kerry"); and only
     * people words or a party between "of" and the name: in "professor of
     * economics Kenneth Rogoff" and "owner of Himalayan Experience guiding
     * company Russel Brice" the name is the role's */
    if (of) {
        if (!qt_people_noun(ws, h)) return;
        for (uint32_t i = p + 1; i < ws->ti[n->head].mbeg; i++) {
            const ne_entity *e = ent_of(ws, ws->ti[i].ent);
            if (!(e && e->type == NE_ENT_MISC) && !qt_people_noun(ws, i)) return;
        }
    }
    int rel = 0;
    for (size_t i = 0; i < sizeof adj / sizeof adj[0]; i++) rel |= tok_is(ws, h, adj[i]);
    if (rel) {
        if (h <= lo) return;
        h--;   /* the noun before the adjective: "One Republican close to Bannon" */
        if (!is_word(ws, h) || (ws->ti[h].cls & (L_NOT_NP | L_PRON))) return;
    } else if (!of && (tok_is(ws, p, "with") || (tok(ws, h)->flags & NE_TF_CAP) || !qt_role_noun(ws, h))) {
        return;
    }
    uint32_t b = ws->ti[h].ent >= 0 ? ws->ti[h].mbeg : h;
    while (b > lo && h - b < 5 && is_word(ws, b - 1) && qt_np_word(ws, b - 1) && ws->ti[b - 1].ent < 0) b--;
    if (b > lo && (ws->ti[b - 1].cls & (L_DET | L_POSS))) b--;
    else if (b > lo && (tok_is(ws, b - 1, "one") || tok_is(ws, b - 1, "One"))) b--;
    n->kind = NP_DESC;
    n->beg = b;
    n->head = h;
}

/* True when token k is in a title or description mention that is the
 * object of "for"/"of" after a noun ("a spokesman for the prime
 * minister", "an aide to the governor" not included): the phrase's head is
 * the noun before, the office speaking, not the person the coreference
 * joined the title to. A person's name there ("a spokesman for Justin
 * Trudeau") is office_object's. */
static int described_office_of(const ne_quotes_ws *ws, int64_t lo, int64_t k)
{
    const tokinfo *ti = &ws->ti[k];
    int64_t b = ti->mbeg;
    if (b - 2 < lo || !(tok_is(ws, (size_t)b - 1, "for") || tok_is(ws, (size_t)b - 1, "of")) ||
        !qt_np_word(ws, (uint32_t)b - 2) || (tok(ws, (size_t)b - 2)->flags & NE_TF_CAP))
        return 0;
    const ne_entity *e = ent_of(ws, ti->ent);
    uint32_t start = tok(ws, (size_t)b)->start;
    for (size_t i = 0; e && i < e->nmentions; i++)
        if (e->mentions[i].field == NE_FIELD_BODY && e->mentions[i].start == start)
            return e->mentions[i].kind == NE_MENTION_TITLE || e->mentions[i].kind == NE_MENTION_DESC;
    return 0;
}

/* True when token k is in a place or other non-person, non-organisation
 * name that is the object of a preposition after a lower-case noun: "One
 * actor from Bangkok, who asked to remain anonymous, tells PEOPLE" — the
 * actor speaks, not Bangkok; the phrase is read as a description. */
static int place_after_noun(const ne_quotes_ws *ws, int64_t lo, int64_t k)
{
    const tokinfo *ti = &ws->ti[k];
    const ne_entity *e = ent_of(ws, ti->ent);
    int64_t b = ti->mbeg;
    if (!e || e->type == NE_ENT_PER || e->type == NE_ENT_ORG || b - 2 < lo) return 0;
    uint16_t f = tok(ws, (size_t)b - 2)->flags;
    if (!(ws->ti[b - 1].cls & L_PREP) || !qt_np_word(ws, (uint32_t)b - 2) ||
        ((f & NE_TF_CAP) && !(f & NE_TF_SENT_START)))
        return 0;
    return ws->ti[b - 2].ent < 0;
}

/* True when the name starting at token b opens its clause, [lo, b) being
 * nothing or only capitalised words and names (its titles and the
 * organisation before them: "European Parliament President"). */
static int opens_clause(const ne_quotes_ws *ws, uint32_t lo, uint32_t b)
{
    uint32_t s = qt_left_bound(ws, b, 0);
    if (s < lo) s = lo;
    for (uint32_t i = s; i < b; i++)
        if (!is_word(ws, i) || !(tok(ws, i)->flags & NE_TF_CAP) || ws->ti[i].region == R_QUOTE) return 0;
    return 1;
}

/* The determiner that makes the MISC name ending at token k a person
 * described by party or nationality ("the Wisconsin Republican", "a New
 * Hampshire Democrat", "the Spaniard"): a one-word MISC name, not plural,
 * after a determiner and at most three place words. Returns the
 * determiner's index, or -1 (the name itself, "Democrats said", stays
 * the group). */
static int64_t described_by_group(const ne_quotes_ws *ws, int64_t lo, int64_t k)
{
    const tokinfo *ti = &ws->ti[k];
    const ne_entity *e = ent_of(ws, ti->ent);
    if (!e || e->type != NE_ENT_MISC || ti->mbeg != (uint32_t)k) return -1;
    const ne_token *t = tok(ws, (size_t)k);
    if (ws->t->s[t->end - 1] == 's') return -1;   /* Democrats, Germans: a group */
    int64_t b = k - 1;
    while (b >= lo && k - b <= 3 && ws->ti[b].ent >= 0 && is_place_tok(ws, (uint32_t)b)) b--;
    return b >= lo && (ws->ti[b].cls & L_DET) ? b : -1;
}

/* True when tokens [a, b) name the state, province or country after a
 * place ("Wilmington, N.C.", "Kingston, Ont.", "Paris, France"): a place
 * name, or one or two capitalised abbreviations ("N.C.", "Ont."). */
static int place_qualifier(const ne_quotes_ws *ws, uint32_t a, uint32_t b)
{
    if (a >= b || b - a > 3) return 0;
    int place = 1, abbr = b - a <= 2;
    for (uint32_t i = a; i < b; i++) {
        const ne_token *k = tok(ws, i);
        place &= is_place_tok(ws, i);
        abbr &= k->kind == NE_TOK_WORD && (k->flags & NE_TF_CAP) && ws->t->s[k->end - 1] == '.';
    }
    return place || abbr;
}

/* True for a lower-case word in -ly that is an adverb, not one of the
 * nouns so spelt: "She regularly tells", "he constantly reminded",
 * "Clinton, exasperated, famously responded" (the adverb was read as the
 * subject), against "a Clinton ally said". */
static int ly_adverb(const ne_quotes_ws *ws, uint32_t i)
{
    static const char *const nouns[] = { "ally", "rally", "family", "assembly", "supply", "anomaly", "monopoly",
                                         "bully", "belly", "jelly", "folly", "lily", "reply", "daily", "weekly",
                                         "monthly", "quarterly", "fly", "butterfly", "homily", "melancholy",
                                         "underbelly", "panoply", "oligopoly" };
    const ne_token *k = tok(ws, i);
    size_t n = k->end - k->start;
    const char *w = ws->t->s + k->start;
    if (k->kind != NE_TOK_WORD || n < 5 || (k->flags & NE_TF_CAP) || ws->ti[i].ent >= 0 || w[n - 2] != 'l' ||
        w[n - 1] != 'y')
        return 0;
    for (size_t j = 0; j < sizeof nouns / sizeof nouns[0]; j++)
        if (tok_is(ws, i, nouns[j])) return 0;
    return 1;
}

/* An apposition with commas inside it: "Anne Richards, assistant
 * secretary for population, refugees, and migration, said". k is the last
 * token of the segment before the last comma-closed one ("refugees"); when
 * it is a lower-case word of no entity, the segments before it are walked
 * back, comma by comma (at most four, 30 tokens, no quotation, stop, cue,
 * pronoun or entity on the way), to a person's name that ends just before
 * a comma and opens its clause (the sentence's start or after a comma).
 * Returns the name's last token, or -1. Costs nothing unless the subject
 * would otherwise be a bare lower-case word after a comma. */
static int64_t appos_list_name(const ne_quotes_ws *ws, uint32_t lo, int64_t k)
{
    if (k < (int64_t)lo || ws->ti[k].ent >= 0 || !is_word(ws, (size_t)k) || (tok(ws, (size_t)k)->flags & NE_TF_CAP) ||
        (ws->ti[k].cls & L_PRON))
        return -1;
    int64_t m = k;
    for (int segs = 0; m >= (int64_t)lo && k - m < 30 && segs < 4; m--) {
        const tokinfo *ti = &ws->ti[m];
        if (ti->region == R_QUOTE || is_stop(ws, (size_t)m) || ((ti->cls & L_CUE) && !(ti->cls & L_BELIEF)) ||
            (ti->cls & L_PRON) || (ti->ent >= 0 && m != k && !tok_is(ws, (size_t)m + 1, ",")))
            return -1;
        if (!tok_is(ws, (size_t)m, ",")) continue;
        segs++;
        if (m - 1 < (int64_t)lo) return -1;
        const tokinfo *ai = &ws->ti[m - 1];
        if (ai->ent >= 0 && is_person(ws, ai->ent) && ai->mend == (uint32_t)m &&
            (ai->mbeg == lo || ai->mbeg == qt_left_bound(ws, ai->mbeg, 0) || tok_is(ws, ai->mbeg - 1, ",")))
            return m - 1;
    }
    return -1;
}

/* The comma that opens the comma segment closed by the comma at token
 * k: the nearest one before it, at most 29 tokens back and not before lo.
 * Returns its index, or -1 when there is none; *blocked is set when a
 * quotation or a sentence's end stands between (no segment at all). */
static int64_t comma_before(const ne_quotes_ws *ws, uint32_t lo, int64_t k, int *blocked)
{
    *blocked = 0;
    for (int64_t m = k - 1; m >= lo && k - m < 30; m--) {
        if (tok_is(ws, (size_t)m, ",")) return m;
        if (ws->ti[m].region == R_QUOTE || is_stop(ws, (size_t)m)) {
            *blocked = 1;
            return -1;
        }
    }
    return -1;
}

/* The noun phrase that ends just before token c (the subject of the verb
 * at c), not reaching before lo. Adverbs and auxiliaries between them are
 * skipped (and noted: a be-auxiliary makes the verb passive); an
 * apposition or participle phrase between commas is stepped over
 * ("Mr Trump, speaking in Beijing, said"). */
np qt_np_before(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    if (c <= lo) return n;
    int64_t k = (int64_t)c - 1;
    for (;;) {
        while (k >= lo && ((ws->ti[k].cls & (L_SKIP | L_BE | L_NEG)) || ly_adverb(ws, (uint32_t)k)) &&
               !(ws->ti[k].cls & L_SUBJ)) {
            if ((ws->ti[k].cls & L_BE) && !(ws->ti[c].cls & L_ING)) n.passive = 1;   /* "is telling" is active */
            if (ws->ti[k].cls & L_NEG) n.neg = 1;
            k--;
        }
        /* a time phrase: "on Saturday", "earlier this week" */
        if (k >= lo && (ws->ti[k].cls & L_TIME) && ws->ti[k].ent < 0) {
            k--;
            while (k >= lo && (ws->ti[k].cls & (L_TIME | L_DET | L_PREP)) && !tok_is(ws, (size_t)k, ",")) k--;
            continue;
        }
        break;
    }
    if (k < lo) return n;
    /* "Mike Lee, who declared": the relative pronoun stands for the name */
    if ((tok_is(ws, (size_t)k, "who") || tok_is(ws, (size_t)k, "which")) && k - 1 >= lo &&
        tok_is(ws, (size_t)k - 1, ","))
        k -= 2;
    if (k < lo) return n;
    /* "Kasich (R-OH), said": the comma only closes the parenthetical */
    if (tok_is(ws, (size_t)k, ",") && k - 1 >= lo && tok_is(ws, (size_t)k - 1, ")")) k--;
    if (tok_is(ws, (size_t)k, ")") && (!skip_paren(ws, lo, &k) || k < lo)) return n;
    /* "Steve Lee, from NASA's Jet Propulsion Laboratory (JPL) says": the
     * organisation a person's "from/of/at" segment names, closed by its
     * abbreviation instead of a comma, is not the subject; the person is */
    if (k > lo + 3 && ws->ti[k].ent >= 0) {   /* of any type: the tagger made "Propulsion Laboratory" a person */
        int64_t m = ws->ti[k].mbeg;   /* back over the rest of the name: "NASA's Jet" */
        while (m - 1 > lo && k - m < 8 && is_word(ws, (size_t)m - 1) && (tok(ws, (size_t)m - 1)->flags & NE_TF_CAP) &&
               ws->ti[m - 1].region != R_QUOTE)
            m--;
        if (m - 2 > lo && (tok_is(ws, (size_t)m - 1, "from") || tok_is(ws, (size_t)m - 1, "of") ||
                           tok_is(ws, (size_t)m - 1, "at")) && tok_is(ws, (size_t)m - 2, ",")) {
            const tokinfo *pi = &ws->ti[m - 3];
            if (pi->ent >= 0 && pi->ent != ws->ti[k].ent && is_person(ws, pi->ent) && pi->mend == (uint32_t)m - 2) {
                n.kind = NP_MENTION;
                n.head = pi->mbeg;
                n.beg = pi->mbeg < lo ? lo : pi->mbeg;
                n.end = pi->mend;
                return n;
            }
        }
    }
    if (tok_is(ws, (size_t)k, ",")) {
        /* "One of the authors of the report, Ari Fleischer, said": a
         * person's name alone between the commas is the subject */
        const tokinfo *ai = &ws->ti[k - 1 >= lo ? k - 1 : lo];
        if (k - 1 >= lo && ai->ent >= 0 && is_person(ws, ai->ent) && ai->mbeg > lo && ai->mend == (uint32_t)k &&
            tok_is(ws, ai->mbeg - 1, ",") && ws->ti[ai->mbeg - 1].region != R_QUOTE) {
            n.kind = NP_MENTION;
            n.beg = n.head = ai->mbeg;
            n.end = ai->mend;
            return n;
        }
        int blocked;
        int64_t m = comma_before(ws, lo, k, &blocked);
        if (blocked) return n;
        if (m < 0) {
            /* "European Parliament President Martin Schulz, said he was …":
             * a stray comma after a name that opens the clause */
            if (k - 1 >= lo && ai->ent >= 0 && is_person(ws, ai->ent) && ai->mend == (uint32_t)k &&
                opens_clause(ws, lo, ai->mbeg)) {
                n.kind = NP_MENTION;
                n.beg = n.head = ai->mbeg;
                n.end = ai->mend;
            }
            return n;
        }
        /* "Trump, speaking at a rally in Wilmington, N.C., warned": a
         * state or country after a place is part of the segment before */
        if (m - 1 >= lo && is_place_tok(ws, (uint32_t)m - 1) && place_qualifier(ws, (uint32_t)m + 1, (uint32_t)k)) {
            m = comma_before(ws, lo, m, &blocked);
            if (m < 0) return n;
        }
        k = m - 1;
        /* a second, short segment before it: an age or where the person is
         * from ("Yin Myint May, 60, a doctor, said"; "John Smith, 45, of
         * Toronto, said") */
        if (k > lo && !(ws->ti[k].ent >= 0 && is_person(ws, ws->ti[k].ent))) {
            int64_t p = k;
            while (p > lo && k - p < 6 && !tok_is(ws, (size_t)p, ",") && ws->ti[p].region != R_QUOTE &&
                   !is_stop(ws, (size_t)p))
                p--;
            if (p > lo && tok_is(ws, (size_t)p, ",") &&
                (tok(ws, (size_t)p + 1)->kind == NE_TOK_NUM || tok_is(ws, (size_t)p + 1, "of") ||
                 tok_is(ws, (size_t)p + 1, "from")))
                k = p - 1;
        }
        if (k >= lo && tok_is(ws, (size_t)k, ")")) skip_paren(ws, lo, &k);
        if (k < lo) return n;
        int64_t named = appos_list_name(ws, lo, k);
        if (named >= 0) {
            n.kind = NP_MENTION;
            n.beg = n.head = ws->ti[named].mbeg;
            n.end = ws->ti[named].mend;
            return n;
        }
    }
    uint32_t end = (uint32_t)k + 1;   /* one past the phrase */
    if (ws->ti[k].ent >= 0 && place_after_noun(ws, lo, k)) k = ws->ti[k].mbeg - 2;   /* its head noun */
    const tokinfo *ti = &ws->ti[k];
    if (ti->region == R_QUOTE || qt_is_possessive(ws, (uint32_t)k)) return n;
    int64_t gd = ti->ent >= 0 ? described_by_group(ws, lo, k) : -1;
    if (gd >= 0) {
        n.kind = NP_DESC;
        n.beg = (uint32_t)gd;
        n.head = (uint32_t)k;
        n.end = (uint32_t)k + 1;
        return n;
    }
    if (ti->ent >= 0 && !described_office_of(ws, lo, k)) {
        n.kind = NP_MENTION;
        n.head = ti->mbeg;
        n.beg = ti->mbeg < lo ? lo : ti->mbeg;
        n.end = ti->mend;
        /* over the premodifiers; a cue word inside a name counts too:
         * "State Department deputy spokesperson Vedant Patel said" */
        while (n.beg > lo && n.head - n.beg < 6 && is_word(ws, n.beg - 1) &&
               (qt_np_word(ws, n.beg - 1) || (ws->ti[n.beg - 1].ent >= 0 && ws->ti[n.beg - 1].region != R_QUOTE)) &&
               !is_person(ws, ws->ti[n.beg - 1].ent))
            n.beg--;
        if (n.beg > lo && (ws->ti[n.beg - 1].cls & (L_DET | L_POSS))) n.beg--;
        of_phrase_head(ws, lo, &n);
        office_object(ws, lo, &n);
        return n;
    }
    if ((ti->cls & L_SUBJ) && (ti->cls & L_PRON)) {
        n.kind = NP_PRON;
        n.beg = n.head = (uint32_t)k;
        n.end = (uint32_t)k + 1;
        return n;
    }
    if (!qt_np_word(ws, (uint32_t)k) || tok(ws, (size_t)k)->kind == NE_TOK_NUM) return n;
    int64_t m = k;
    while (m - 1 >= lo && k - m < 6) {
        int64_t p = m - 1;
        const tokinfo *pi = &ws->ti[p];
        if (pi->region == R_QUOTE) break;
        if (pi->cls & (L_DET | L_POSS)) { m = p; break; }
        if (pi->ent >= 0) { m = pi->mbeg < lo ? lo : pi->mbeg; continue; }
        /* "a joint Kremlin and White House statement": names joined by "and" */
        if (tok_is(ws, (size_t)p, "and") && p - 1 >= lo && (tok(ws, (size_t)m)->flags & NE_TF_CAP) &&
            (tok(ws, (size_t)p - 1)->flags & NE_TF_CAP) && qt_np_word(ws, (uint32_t)p - 1)) {
            m = p;
            continue;
        }
        if (!qt_np_word(ws, (uint32_t)p)) break;
        m = p;
    }
    n.head = (uint32_t)k;
    /* "a spokesman for the campaign": the phrase before for/of is the head */
    if (m - 2 >= lo && (tok_is(ws, (size_t)m - 1, "for") || tok_is(ws, (size_t)m - 1, "of"))) {
        int64_t q = m - 2, r = q;
        while (r >= lo && q - r < 4 && qt_np_word(ws, (uint32_t)r)) r--;
        if (r >= lo && (ws->ti[r].cls & (L_DET | L_POSS))) r--;
        if (r < q) { m = r + 1; n.head = (uint32_t)q; }
    }
    if (m > lo && (ws->ti[m - 1].cls & L_PREP) && !tok_is(ws, m - 1, "as") && !tok_is(ws, m - 1, "As"))
        return n;   /* object of a preposition; not "As the report says: “…”" */
    n.kind = NP_DESC;
    n.beg = (uint32_t)m;
    n.end = end > (uint32_t)k + 1 ? end : (uint32_t)k + 1;
    return n;
}

/* The noun phrase that starts at token i (the subject after an inverted
 * verb: `said the spokesman`), ending before hi. */
np qt_np_after(const ne_quotes_ws *ws, uint32_t i, uint32_t hi)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    if (i >= hi || ws->ti[i].region == R_QUOTE) return n;
    uint32_t j = i;
    if ((ws->ti[j].cls & (L_MR | L_MRS | L_TITLE)) && ws->ti[j].ent < 0 && j + 1 < hi && ws->ti[j + 1].ent >= 0) j++;
    const tokinfo *ti = &ws->ti[j];
    if (ti->ent >= 0 && ti->mbeg == j) {
        n.kind = NP_MENTION;
        n.beg = i;
        n.head = j;
        n.end = ti->mend < hi ? ti->mend : hi;
        /* an organisation or place modifying a role before a person's name
         * ("Kremlin spokesman Dmitry Peskov"): the person is the head */
        if (!is_person(ws, ti->ent)) {
            /* "state" before a title is no verb: "said Republican state Rep.
             * Dana Worrell" */
            uint32_t k = n.end;
            while (k < hi && k - n.end < 4 && ws->ti[k].ent < 0 && is_word(ws, k) &&
                   (qt_np_word(ws, k) || ((ws->ti[k].cls & L_CUE) && k + 1 < hi && is_word(ws, k + 1) &&
                                          (tok(ws, k + 1)->flags & NE_TF_CAP) && (ws->ti[k + 1].cls & L_TITLE))))
                k++;
            if (k > n.end && k < hi && ws->ti[k].ent >= 0 && ws->ti[k].mbeg == k && is_person(ws, ws->ti[k].ent)) {
                n.head = k;
                n.end = ws->ti[k].mend < hi ? ws->ti[k].mend : hi;
            }
        } else {
            /* a person's role before another person's name: "argues Trump
             * advisor and former Congressman Robert Walker" is Walker */
            uint32_t k = n.end;
            int role = 0;
            while (k < hi && k - n.end < 6 && ws->ti[k].ent < 0 && is_word(ws, k) &&
                   (qt_np_word(ws, k) || tok_is(ws, k, "and"))) {
                role |= qt_role_noun(ws, k) && !(tok(ws, k)->flags & NE_TF_CAP);
                k++;
            }
            if (role && k < hi && ws->ti[k].ent >= 0 && ws->ti[k].mbeg == k && is_person(ws, ws->ti[k].ent)) {
                n.head = k;
                n.end = ws->ti[k].mend < hi ? ws->ti[k].mend : hi;
            }
        }
        return n;
    }
    if ((ti->cls & L_SUBJ) && (ti->cls & (L_HE | L_SHE | L_THEY | L_IT))) {
        n.kind = NP_PRON;
        n.beg = n.head = j;
        n.end = j + 1;
        return n;
    }
    uint32_t k = j;
    if (ws->ti[k].cls & (L_DET | L_POSS)) k++;
    uint32_t w0 = k;
    while (k < hi && k - w0 < 7 && qt_np_word(ws, k)) k++;
    if (k == w0 && k > j && (tok_is(ws, j, "one") || tok_is(ws, j, "another")) &&
        (k >= hi || tok(ws, k)->kind != NE_TOK_WORD)) {
        /* a quantifier alone: "“Boring for adults …,” says one." */
        n.kind = NP_DESC;
        n.beg = i;
        n.head = j;
        n.end = j + 1;
        return n;
    }
    if (k == w0) return n;
    uint32_t head = k - 1;
    /* "a spokesman for the Foreign Ministry" */
    if (k + 1 < hi && (tok_is(ws, k, "for") || tok_is(ws, k, "of") || tok_is(ws, k, "at"))) {
        uint32_t m = k + 1;
        if (m < hi && (ws->ti[m].cls & (L_DET | L_POSS))) m++;
        uint32_t m0 = m;
        while (m < hi && m - m0 < 6 && qt_np_word(ws, m)) m++;
        if (m > m0) k = m;
    }
    const tokinfo *last = &ws->ti[k - 1];
    if (last->ent >= 0 && is_person(ws, last->ent) && last->mbeg >= w0 && !described_office_of(ws, w0, k - 1)) {
        /* head-final name: "Kremlin spokesman Dmitry Peskov" */
        n.kind = NP_MENTION;
        n.beg = i;
        n.head = last->mbeg;
        n.end = k;
        return n;
    }
    n.kind = NP_DESC;
    n.beg = i;
    n.end = k;
    n.head = head;
    return n;
}

/* True when tokens [b, e) are one to three lower-case words between two
 * names that end in a role noun ("Clinton campaign spokesman Brian
 * Fallon"), not a verb ("Fiorina threw her support", "O'Reilly paid back
 * Donald"). */
static int office_words(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    if (e <= b || e - b > 3 || !qt_role_noun(ws, e - 1)) return 0;
    for (uint32_t i = b; i < e; i++) {
        const ne_token *t = tok(ws, i);
        const char *w = ws->t->s + t->start;
        if (t->kind != NE_TOK_WORD || !qt_np_word(ws, i) || (ws->ti[i].cls & (L_DET | L_POSS)) || w[0] < 'a' ||
            w[0] > 'z')
            return 0;
    }
    return 1;
}

/* The subject of a clause: its first mention or subject pronoun outside
 * quotations in [lo, c). Used for participles and coordinated verbs
 * ("Trump attacked her, saying …", "He called it … and added …"). */
static np clause_subject(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    for (uint32_t i = lo; i < c; i++) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->region == R_QUOTE) continue;
        if (ti->ent >= 0 && ti->mbeg == i) {
            const ne_entity *e = ent_of(ws, ti->ent);
            if (e && (e->type == NE_ENT_PER || e->type == NE_ENT_ORG)) {
                n.kind = NP_MENTION;
                n.beg = n.head = i;
                n.end = ti->mend;
                /* "Senate Republican leader Mitch McConnell of Kentucky
                 * released a letter to Obama, saying …": the person the
                 * organisation premodifies */
                np full = qt_np_after(ws, i, c);
                if (full.kind == NP_MENTION && full.head > i) return full;
                /* and the person a person's office words lead to:
                 * "Clinton campaign spokesman Brian Fallon" */
                uint32_t k = ti->mend;
                while (k < c && k - ti->mend < 3 && ws->ti[k].ent < 0) k++;
                if (k > ti->mend && k < c && office_words(ws, ti->mend, k) && ws->ti[k].ent >= 0 && ws->ti[k].mbeg == k &&
                    is_person(ws, ws->ti[k].ent) && is_person(ws, ti->ent)) {
                    n.head = k;
                    n.end = ws->ti[k].mend < c ? ws->ti[k].mend : c;
                }
                return n;
            }
        }
        if ((ti->cls & L_SUBJ) && (ti->cls & (L_HE | L_SHE | L_THEY | L_IT))) {
            n.kind = NP_PRON;
            n.beg = n.head = i;
            n.end = i + 1;
            return n;
        }
    }
    return n;
}

/* The subject of the verb at c: the phrase before it, or for a participle
 * or a verb coordinated with "and", the clause's subject. */
np qt_subject_of(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    uint32_t ss = qt_left_bound(ws, c, 0);
    int after_comma = c > lo && (tok_is(ws, c - 1, ",") ||
                                 (c > lo + 1 && tok(ws, c - 1)->kind == NE_TOK_QUOTE && tok_is(ws, c - 2, ",")));
    int participle = (ws->ti[c].cls & L_ING) &&
                     (c == lo || after_comma || (ws->ti[c - 1].cls & (L_CONJ | L_PREP)));
    if (participle && c >= lo + 3 && tok_is(ws, c - 1, "as")) {
        /* "a statement quoted Keith Urban as saying …", "cited him as
         * saying": the one quoted said it, not the clause's subject */
        uint32_t e = c - 1, b = ws->ti[e - 1].ent >= 0 ? ws->ti[e - 1].mbeg : e - 1;
        if (b > lo && (ws->ti[e - 1].ent >= 0 || (ws->ti[e - 1].cls & L_PRON)) &&
            (tok_is(ws, b - 1, "quoted") || tok_is(ws, b - 1, "quoting") || tok_is(ws, b - 1, "quotes") ||
             tok_is(ws, b - 1, "quote") ||
             tok_is(ws, b - 1, "cited") || tok_is(ws, b - 1, "citing"))) {
            np n = {b, e, ws->ti[e - 1].ent >= 0 ? b : e - 1, ws->ti[e - 1].ent >= 0 ? NP_MENTION : NP_PRON, 0, 0};
            return n;
        }
    }
    if (!participle && c > lo && (ws->ti[c - 1].cls & L_CONJ)) {
        /* "…, though Drake hinted that … and said …": the subject of the
         * speech verb the "and" coordinates with, not the clause's first
         * name (round 6 gave the words to the party named before) */
        for (uint32_t j = c - 1; j-- > ss;) {
            const tokinfo *tj = &ws->ti[j];
            if (tj->region != R_QUOTE && tok_is(ws, j, ",")) break;   /* another clause: "when I asked X …, he … and said" */
            if (tj->region == R_QUOTE || !(tj->cls & L_CUE) || (tj->cls & (L_BELIEF | L_ING)) || tj->ent >= 0) continue;
            np v = qt_np_before(ws, ss, j);
            if ((v.kind == NP_MENTION && is_person(ws, ws->ti[v.head].ent)) ||
                (v.kind == NP_PRON && !(ws->ti[v.head].cls & L_SELF)))
                return v;
            break;
        }
    }
    if (participle || (c > lo && (ws->ti[c - 1].cls & L_CONJ))) return clause_subject(ws, ss, c);
    np n = qt_np_before(ws, lo, c);
    /* a long apposition before ", said" is the person whose name opens the
     * clause, a comma after it: "Paul Porter, a truck driver from Ava,
     * Mo., who is a member of the Teamsters union …, said" (a place or
     * organisation closing the apposition is no speaker: "Elward Edd, an
     * official at the Hopi Tribal Housing Authority in Arizona, which …,
     * said"), and "Eliot Spitzer, the former governor who resigned …, and
     * who now runs a firm, said", where the phrase reader finds no subject
     * at all */
    if ((n.kind == NP_NONE || (n.kind == NP_MENTION && !is_person(ws, ws->ti[n.head].ent))) && c > lo &&
        tok_is(ws, c - 1, ",")) {
        uint32_t b = ss > lo ? ss : lo;
        while (b < c && (tok(ws, b)->kind == NE_TOK_QUOTE || !is_word(ws, b))) b++;
        const tokinfo *bi = &ws->ti[b];
        int quoted = 0;   /* no subject found past a quotation: no frame */
        for (uint32_t i = b; n.kind == NP_NONE && i < c && !quoted; i++) quoted = ws->ti[i].region == R_QUOTE;
        if ((n.kind == NP_NONE || b < n.beg) && !quoted && bi->ent >= 0 && bi->mbeg == b &&
            is_person(ws, bi->ent) && bi->mend < c && tok_is(ws, bi->mend, ",")) {
            np p = {b, bi->mend, b, NP_MENTION, 0, 0};
            return p;
        }
    }
    if (n.kind == NP_NONE && c > lo && (ws->ti[c - 1].cls & L_SKIP)) {
        uint32_t k = c - 1;
        while (k > lo && (ws->ti[k].cls & L_SKIP)) k--;
        if (ws->ti[k].cls & L_CONJ) return clause_subject(ws, ss, c);
    }
    return n;
}

/* ---- gender hints -------------------------------------------------------- */

/* Per entity: its gender hint, or one read off a title before a mention
 * ("Mr Trump", "Ms Clinton") when the entity stage gave none. */
void qt_prepare_genders(ne_quotes_ws *ws)
{
    const ne_doc *doc = ws->doc;
    ne_grow(&ws->gender, &ws->gender_cap, doc->nentities + 1, 1);
    for (size_t e = 0; e < doc->nentities; e++) ws->gender[e] = (uint8_t)doc->entities[e].gender;
    for (size_t i = 0; i < ws->t->ntoks; i++) {
        int32_t e = ws->ti[i].ent;
        if (e < 0 || ws->ti[i].mbeg != i || ws->gender[e] != NE_GENDER_UNKNOWN) continue;
        for (size_t j = i; j <= i + 1 && j < ws->ti[i].mend; j++) {   /* title inside the mention */
            if (ws->ti[j].cls & L_MR) ws->gender[e] = NE_GENDER_MALE;
            if (ws->ti[j].cls & L_MRS) ws->gender[e] = NE_GENDER_FEMALE;
        }
        if (i > 0 && (ws->ti[i - 1].cls & L_MR)) ws->gender[e] = NE_GENDER_MALE;
        if (i > 0 && (ws->ti[i - 1].cls & L_MRS)) ws->gender[e] = NE_GENDER_FEMALE;
    }
    /* then the pronouns the coreference joined to a person still without
     * one, when they agree: a "she said" the coreference left alone went
     * to the nearer Trump though a "He" was joined to him, not to Boxer
     * ("Boxer's political involvement. She started …"). Two bits an
     * entity: he seen, she seen. */
    ne_grow(&ws->pron_seen, &ws->pron_seen_cap, doc->nentities + 1, 1);
    memset(ws->pron_seen, 0, doc->nentities + 1);
    for (size_t i = 0; i < ws->t->ntoks; i++) {
        int32_t e = ws->ti[i].ent;
        if (e < 0 || ws->gender[e] != NE_GENDER_UNKNOWN || ws->ti[i].mend != i + 1 || !is_person(ws, e) ||
            ws->ti[i].region == R_QUOTE)   /* a quotation's he is mostly someone else */
            continue;
        if (ws->ti[i].cls & L_HE) ws->pron_seen[e] |= 1;
        if (ws->ti[i].cls & L_SHE) ws->pron_seen[e] |= 2;
    }
    for (size_t e = 0; e < doc->nentities; e++) {
        if (ws->pron_seen[e] == 1) ws->gender[e] = NE_GENDER_MALE;
        if (ws->pron_seen[e] == 2) ws->gender[e] = NE_GENDER_FEMALE;
    }
}

/* ---- step 5: speakers --------------------------------------------------- */

int qt_gender_ok(const ne_quotes_ws *ws, int32_t e, uint32_t pron_cls)
{
    uint8_t g = ws->gender[e];
    if (pron_cls & L_HE) return g != NE_GENDER_FEMALE;
    if (pron_cls & L_SHE) return g != NE_GENDER_MALE;
    return 1;
}

/* The person a he/she at token p stands for: the first compatible person
 * named outside quotations and reported clauses in the nearest sentence
 * before it (the current one up to p first), at most five sentences and
 * two paragraphs back; `not` is excluded. -1 when there is none. */
static int32_t antecedent(const ne_quotes_ws *ws, uint32_t p, uint32_t pron_cls, int32_t not)
{
    const ne_text *t = ws->t;
    uint32_t sp = ws->ti[p].sent, para = tok(ws, p)->para;
    for (uint32_t s = sp + 1; s-- > 0 && sp - s <= 5;) {
        const ne_sentence *se = &t->sents[s];
        if (para - se->para > 2) break;
        uint32_t end = s == sp ? p : se->tok_end;
        /* the sentence's speaker first: in "In an interview with the BBC's
         * editor, Justin Webb, Gen Jones said …" the next "he added" is
         * Jones's, not the first name of the fronted phrase; a "he said"
         * resolved before counts too, so a chain of them reaches a name
         * more than two paragraphs back */
        for (size_t j = 0; j < ws->nst; j++) {
            const stmt *st = &ws->st[j];
            if (!st->has_speaker || st->ent < 0 || st->cue < 0 || (uint32_t)st->cue >= end ||
                ws->ti[st->cue].sent != s || (st->sp_np.kind != NP_MENTION && st->sp_np.kind != NP_PRON))
                continue;
            int32_t e = (int32_t)st->ent;
            if (is_person(ws, e) && e != not && qt_gender_ok(ws, e, pron_cls)) return e;
        }
        for (uint32_t i = se->tok_start; i < end; i++) {
            const tokinfo *ti = &ws->ti[i];
            if (ti->ent < 0 || ti->mbeg != i || ti->region != R_OUT) continue;
            if (!is_person(ws, ti->ent) || ti->ent == not || !qt_gender_ok(ws, ti->ent, pron_cls)) continue;
            return ti->ent;
        }
    }
    return -1;
}

/* The most recent compatible person mentioned anywhere (quotations too)
 * before token p, within 400 tokens; for pronouns inside a quotation. */
int32_t qt_recent_person(const ne_quotes_ws *ws, uint32_t p, uint32_t pron_cls, int32_t not)
{
    for (uint32_t i = p; i-- > 0 && p - i < 400;) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->ent < 0 || ti->region == R_HEAD) continue;
        if (!is_person(ws, ti->ent) || ti->ent == not || !qt_gender_ok(ws, ti->ent, pron_cls)) continue;
        return ti->ent;
    }
    return -1;
}

/* True when token k is no role word of entity e's mention: not a word,
 * or a capitalised word of the name that is no title. */
static int name_word(const ne_quotes_ws *ws, uint32_t k, int32_t e)
{
    return !is_word(ws, k) ||
           ((tok(ws, k)->flags & NE_TF_CAP) && ws->ti[k].ent == e && !(ws->ti[k].cls & L_TITLE));
}

/* True when the role word k stands right before the name of entity e's
 * mention (which ends at mend), titles aside: "spokesman" in "airline
 * spokesman Tim Smith", "businessman" in "Lagos businessman Dr. Emmanuel
 * Fijabi Adebo"; not "airline". */
static int role_head(const ne_quotes_ws *ws, uint32_t k, uint32_t mend, int32_t e)
{
    uint32_t j = k + 1;
    while (j < mend && is_word(ws, j) && (ws->ti[j].cls & L_TITLE)) j++;
    return j < mend && name_word(ws, j, e);
}

/* Records the apposition roles of people ("Kremlin spokesman Dmitry
 * Peskov", "Viktor Yanukovych, the Ukrainian president,") so that a later
 * "the spokesman" finds its person. */
void qt_collect_roles(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ws->nroles = 0;
    for (uint32_t i = 0; i < t->ntoks; i++) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->ent < 0 || ti->mbeg != i || !is_person(ws, ti->ent)) continue;
        uint32_t ps = para_start(ws, i);
        /* words before the name, and the name's own leading lower-case words */
        uint32_t b = i;
        while (b > ps && i - b < 4 && is_word(ws, b - 1) && ws->ti[b - 1].ent < 0 &&
               !(ws->ti[b - 1].cls & (L_NOT_NP | L_DET | L_POSS | L_PRON)))
            b--;
        uint32_t ranges[2][2] = {{b, ti->mend}, {0, 0}};
        /* an apposition after it: ", the Russia-friendly Ukrainian president," */
        uint32_t a = ti->mend, pe = para_end(ws, i);
        if (a + 2 < pe && tok_is(ws, a, ",") && (ws->ti[a + 1].cls & (L_DET | L_POSS))) {
            uint32_t e = a + 2;
            while (e < pe && e - a < 10 && qt_np_word(ws, e)) e++;
            ranges[1][0] = a + 2;
            ranges[1][1] = e;
        }
        for (int r = 0; r < 2; r++) {
            for (uint32_t k = ranges[r][0]; k < ranges[r][1]; k++) {
                if (name_word(ws, k, ti->ent)) continue;
                char buf[WORD_MAX];
                size_t n = qt_fold_word(ws->t->s + tok(ws, k)->start, tok(ws, k)->end - tok(ws, k)->start, buf);
                if (!n) continue;
                ne_grow(&ws->roles, &ws->roles_cap, ws->nroles + 1, sizeof *ws->roles);
                ws->roles[ws->nroles].hash = qt_word_hash(buf, n);
                ws->roles[ws->nroles].ent = ti->ent;
                ws->roles[ws->nroles].head = r == 1 ? k + 1 == ranges[1][1] : role_head(ws, k, ti->mend, ti->ent);
                ws->nroles++;
            }
        }
    }
}

/* True when person e was given every modifier of the description n
 * ("the Ukrainian president" needs "ukrainian" among e's role words). */
static int has_modifiers(const ne_quotes_ws *ws, const np *n, int32_t e)
{
    for (uint32_t k = n->beg + 1; k < n->head; k++) {
        if (!is_word(ws, k)) continue;
        char buf[WORD_MAX];
        size_t len = qt_fold_word(ws->t->s + tok(ws, k)->start, tok(ws, k)->end - tok(ws, k)->start, buf);
        if (!len) return 0;
        uint64_t h = qt_word_hash(buf, len);
        int found = 0;
        for (size_t r = 0; r < ws->nroles && !found; r++) found = ws->roles[r].hash == h && ws->roles[r].ent == e;
        if (!found) return 0;
    }
    return 1;
}

/* The person a definite description names through an earlier role
 * ("the spokesman", "the President"): among the people given the head
 * noun's role, the most mentioned. -1 when none. */
static int32_t role_person(const ne_quotes_ws *ws, const np *n)
{
    /* a document is no one's role: "the report addresses Bentley's
     * refusal" made "report" a word before his name, and every "the
     * report says" of the article his statement */
    static const char *const documents[] = { "report", "study", "survey", "poll", "ruling", "decision", "lawsuit",
                                             "suit", "complaint", "indictment", "memo", "document", "filing",
                                             "book", "article", "editorial", "analysis", "paper", "review",
                                             "investigation", "audit", "probe", "findings", "data", "records",
                                             "transcript", "ad", "video", "order", "bill", "law", "verdict" };
    if (!tok_is(ws, n->beg, "the") && !tok_is(ws, n->beg, "The")) return -1;
    for (size_t k = 0; k < sizeof documents / sizeof documents[0]; k++)
        if (tok_is(ws, n->head, documents[k])) return -1;
    const ne_token *h = tok(ws, n->head);
    char buf[WORD_MAX];
    size_t len = qt_fold_word(ws->t->s + h->start, h->end - h->start, buf);
    if (!len) return -1;
    uint64_t hash = qt_word_hash(buf, len);
    int32_t best = -1;
    for (size_t r = 0; r < ws->nroles; r++) {
        if (ws->roles[r].hash != hash || !ws->roles[r].head) continue;
        int32_t e = ws->roles[r].ent;
        if (!has_modifiers(ws, n, e)) continue;
        if (best < 0 || ws->doc->entities[e].nmentions > ws->doc->entities[best].nmentions) best = e;
    }
    return best;
}

/* The entity the coreference gave a describing phrase, through the
 * entities stage's published mentions: a title or description mention
 * ("the mayor", "the statement", "the department") at its head, or, for
 * a possessive's office, statement or campaign ("his office", "its
 * statement"), the entity of the possessive ("his spokesman" is someone
 * else). -1 when none. */
static int32_t coref_entity(const ne_quotes_ws *ws, const np *n)
{
    if (n->head < ws->t->ntoks && ws->ti[n->head].ent >= 0) {
        const ne_entity *h = ent_of(ws, ws->ti[n->head].ent);
        /* "the Wisconsin Republican": the party names no one (a MISC name
         * of more words, "the Tax Policy Center", is kept) */
        const tokinfo *hi = &ws->ti[n->head];
        return h && h->type == NE_ENT_MISC && hi->mbeg == n->head && hi->mend == n->head + 1 ? -1 : hi->ent;
    }
    /* "his office", "the mayor's office", "Prime Minister Justin Trudeau's
     * office": the possessor right before the head */
    if (n->head > n->beg && n->head - n->beg <= 6 && ws->ti[n->head - 1].ent >= 0 &&
        ((ws->ti[n->head - 1].cls & L_POSS) || qt_is_possessive(ws, n->head - 1))) {
        static const char *const heads[] = { "office", "statement", "campaign" };
        for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
            if (tok_is(ws, n->head, heads[k])) return ws->ti[n->head - 1].ent;
    }
    return -1;
}

/* "the company", "the ministry" as a speaker the coreference left alone:
 * the organisation named outside quotations in this paragraph or the two
 * before, when it is the only one there (an ORG or MISC entity counts
 * as another) ("General Motors said on Monday
 * it would cut 12,000 jobs. … the company said in a statement"). GUM,
 * the coreference model's data, has few such company statements; -1
 * when none or several. */
static int32_t org_antecedent(const ne_quotes_ws *ws, const np *n)
{
    static const char *const nouns[] = { "company", "firm", "carmaker", "automaker", "bank", "airline", "retailer",
                                         "ministry", "department", "agency", "club", "team", "group", "union",
                                         "network", "broadcaster", "organization", "organisation", "party",
                                         "government", "council", "commission", "committee", "league", "board",
                                         "university", "school", "hospital", "regulator", "insurer", "lender",
                                         "manufacturer", "maker", "operator", "developer", "publisher" };
    if (!tok_is(ws, n->beg, "the") && !tok_is(ws, n->beg, "The")) return -1;
    int known = 0;
    for (size_t k = 0; k < sizeof nouns / sizeof nouns[0] && !known; k++) known = tok_is(ws, n->head, nouns[k]);
    if (!known) return -1;
    uint32_t para = tok(ws, n->beg)->para;
    int32_t found = -1;
    /* "Fitch downgraded Berkshire on Thursday. The agency also complained
     * that …": a description opening its sentence is the organisation
     * that opened the sentence before, whatever else that one names
     * (round 7) */
    uint32_t sn = ws->ti[n->beg].sent;
    if (sn > 0 && n->beg == ws->t->sents[sn].tok_start) {
        uint32_t f = ws->t->sents[sn - 1].tok_start;
        while (f < n->beg && (tok(ws, f)->kind == NE_TOK_QUOTE || !is_word(ws, f) || (ws->ti[f].cls & L_DET))) f++;
        const tokinfo *fi = &ws->ti[f];
        /* after "The", a lower-case word that is no verb we know makes the
         * name a modifier: "The Facebook post came …" */
        uint32_t after = fi->ent >= 0 ? fi->mend : f;
        int modifier = f > ws->t->sents[sn - 1].tok_start && (ws->ti[f - 1].cls & L_DET) && after < n->beg &&
                       is_word(ws, after) && !(tok(ws, after)->flags & NE_TF_CAP) &&
                       !(ws->ti[after].cls & (L_CUE | L_BE | L_SKIP | L_NEG));
        if (f < n->beg && fi->ent >= 0 && fi->mbeg == f && fi->region == R_OUT && ent_of(ws, fi->ent) &&
            ent_of(ws, fi->ent)->type == NE_ENT_ORG && para - tok(ws, f)->para <= 1 && !modifier)
            return fi->ent;
    }
    for (uint32_t i = n->beg; i-- > 0;) {
        if (para - tok(ws, i)->para > 2) break;
        const tokinfo *ti = &ws->ti[i];
        if (ti->ent < 0 || ti->region == R_QUOTE || ti->region == R_HEAD) continue;
        const ne_entity *e = ent_of(ws, ti->ent);
        if (!e || (e->type != NE_ENT_ORG && e->type != NE_ENT_MISC)) continue;   /* MISC: a company mistyped */
        if (found >= 0 && found != ti->ent) return -1;
        found = ti->ent;
    }
    return found >= 0 && ent_of(ws, found)->type == NE_ENT_ORG ? found : -1;
}

/* The last statement before si (in position order) that has a speaker and
 * lies at most `paras` paragraphs back; -1 if none. */
int32_t qt_previous_speaker_stmt(const ne_quotes_ws *ws, size_t si, uint32_t paras, int nonperson)
{
    return qt_previous_speaker_agreeing(ws, si, paras, nonperson, 0);
}

int32_t qt_previous_speaker_agreeing(const ne_quotes_ws *ws, size_t si, uint32_t paras, int nonperson, uint32_t pron_cls)
{
    const stmt *s = &ws->st[si];
    uint32_t para = tok(ws, s->kind == NE_QUOTE_DIRECT ? ws->rq[s->rq].open : s->cbeg)->para;
    for (size_t j = si; j-- > 0;) {
        const stmt *p = &ws->st[j];
        uint32_t pp = tok(ws, p->kind == NE_QUOTE_DIRECT ? ws->rq[p->rq].open : p->cbeg)->para;
        if (para - pp > paras) break;
        if (!p->has_speaker) continue;
        if (nonperson && p->ent >= 0 && is_person(ws, (int32_t)p->ent)) continue;
        if (pron_cls && p->ent >= 0 && !qt_gender_ok(ws, (int32_t)p->ent, pron_cls)) continue;
        return (int32_t)j;
    }
    return -1;
}

/* True when entity e is named (not by a pronoun) inside the quotation of
 * direct statement si. */
static int named_in_own_quote(const ne_quotes_ws *ws, size_t si, int32_t e)
{
    const stmt *s = &ws->st[si];
    if (e < 0 || s->kind != NE_QUOTE_DIRECT || s->rq < 0) return 0;
    for (int32_t q = s->rq; q >= 0; q = ws->rq[q].next) {
        uint32_t end = ws->rq[q].closed ? ws->rq[q].close : para_end(ws, ws->rq[q].open);
        for (uint32_t i = ws->rq[q].open; i < end; i++)
            if (ws->ti[i].ent == e && ws->ti[i].region == R_QUOTE && !(ws->ti[i].cls & L_PRON)) return 1;
    }
    return 0;
}

void qt_resolve_np(const ne_quotes_ws *ws, size_t si, const np *n, int *has, int32_t *ent, uint32_t *sp_start,
                   uint32_t *sp_end)
{
    *has = 0;
    *ent = -1;
    if (n->kind == NP_NONE) return;
    *sp_start = tok(ws, n->beg)->start;
    *sp_end = tok(ws, n->end - 1)->end;
    switch (n->kind) {
    case NP_MENTION:
        *has = 1;
        *ent = ws->ti[n->head].ent;
        /* '“… the way Moore's Law worked …,” he says': a pronoun the
         * coreference gave to someone named inside the words themselves
         * goes to the nearest other person outside quotations, when there
         * is one (speakers seldom name themselves) */
        if ((ws->ti[n->head].cls & (L_HE | L_SHE)) && (ws->ti[n->head].cls & L_SUBJ) &&
            named_in_own_quote(ws, si, *ent)) {
            int32_t e = antecedent(ws, n->head, ws->ti[n->head].cls, *ent);
            if (e >= 0) *ent = e;
        }
        return;
    case NP_PRON: {
        uint32_t cls = ws->ti[n->head].cls;
        if (cls & (L_HE | L_SHE)) {
            int32_t e = antecedent(ws, n->head, cls, -1);
            if (e >= 0 && named_in_own_quote(ws, si, e)) {   /* as for a mention, above */
                int32_t o = antecedent(ws, n->head, cls, e);
                if (o >= 0) e = o;
            }
            if (e >= 0) { *has = 1; *ent = e; }
        } else if (cls & (L_IT | L_THEY)) {
            int32_t p = qt_previous_speaker_stmt(ws, si, 3, 1);
            if (p >= 0) {   /* the speaker's words are the earlier statement's */
                *has = 1;
                *ent = (int32_t)ws->st[p].ent;
                *sp_start = ws->st[p].sp_start;
                *sp_end = ws->st[p].sp_end;
            }
        }
        return;
    }
    case NP_DESC:
        *has = 1;
        *ent = role_person(ws, n);
        if (*ent < 0) *ent = coref_entity(ws, n);
        if (*ent < 0) *ent = org_antecedent(ws, n);
        return;
    default:
        return;
    }
}

/* Gives s the speaker of statement p (an index into ws->st, or -1 for
 * none: s keeps no speaker). The speaker's words are p's, so the quote
 * names who was quoted before, not the pronoun or the gap. */
static void inherit_speaker(ne_quotes_ws *ws, stmt *s, int32_t p)
{
    if (p < 0) return;
    s->has_speaker = 1;
    s->ent = ws->st[p].ent;
    s->sp_start = ws->st[p].sp_start;
    s->sp_end = ws->st[p].sp_end;
}

/* Resolves statement si's speaker: the ranker's choice among the
 * candidates near it (quotes_rank.c), or with ws->rules (and when the
 * built-in model is empty) the hand-ordered rules: the frame's subject,
 * and a floating quote the previous speaker. A definite description left
 * bare then goes to the resolver (quotes_describe.c). */
void qt_resolve_speaker(ne_quotes_ws *ws, size_t si)
{
    stmt *s = &ws->st[si];
    s->has_speaker = 0;
    s->ent = -1;
    const float *w = ws->rules ? NULL : qt_spk_weights();
    if (w) {
        qt_cand c[QT_MAXC];
        size_t nc = qt_speaker_candidates(ws, si, c);
        size_t b = qt_rank_choose(ws, si, w, c, nc);
        s->has_speaker = c[b].has_speaker;
        s->ent = c[b].ent;
        s->sp_start = c[b].sp_start;
        s->sp_end = c[b].sp_end;
        s->sp_np = (np){c[b].beg, c[b].end, c[b].head, c[b].kind, 0, 0};
        /* a he/she/they nothing resolved: the words still have a speaker
         * the text points at; publish the pronoun (no entity) rather than
         * no speaker at all ("…,” she said" about an unnamed woman) */
        if (!s->has_speaker && c[b].kind == NP_PRON && c[b].end > c[b].beg &&
            (ws->ti[c[b].head].cls & (L_HE | L_SHE | L_THEY | L_IT))) {
            s->has_speaker = 1;
            s->ent = -1;
            s->sp_start = tok(ws, c[b].beg)->start;
            s->sp_end = tok(ws, c[b].end - 1)->end;
        }
        qt_describe_speaker(ws, si);
        return;
    }
    s->sp_np = (np){0, 0, 0, NP_NONE, 0, 0};
    if (s->floating) {
        inherit_speaker(ws, s, qt_previous_speaker_stmt(ws, si, 2, 0));
        return;
    }
    int has;
    int32_t e;
    qt_resolve_np(ws, si, &s->subj, &has, &e, &s->sp_start, &s->sp_end);
    s->has_speaker = has;
    s->ent = e;
    s->sp_np = s->subj;
    qt_describe_speaker(ws, si);
}
