/* entities_coref — in-document coreference after clustering
 * (entities_int.h; the model: enrichers/coref/coref.h).
 *
 * The body's candidates that are people and organisations in a cluster
 * are the detector's names (so every name mention is one of the stage's,
 * its cluster known); the detector adds pronouns, titles alone ("the
 * mayor"), descriptions ("the 56-year-old", "the statement") and its
 * apposition links; the model resolves them. Each coreference cluster
 * then stands for the entity cluster most of its names belong to (on a
 * tie: a watched person, else the first named), and:
 *   - every title, description or pronoun of it becomes a mention of that
 *     entity (st->xm), when its type agrees (a person's "he" never an
 *     organisation's, "it" never a person's) and it overlaps no name;
 *   - an organisation or other cluster whose names the coreference joins
 *     to a person's becomes that person (one type per entity: "Trump's"
 *     tagged ORG);
 *   - a one-word name the tagger typed ORG, LOC or MISC is shown to the
 *     resolver as a person's (soft_cluster); a he/she it takes makes its
 *     cluster a person ("Uzelac was born … She has");
 *   - a one-word name the tagger left untagged ("Halvorsen returned …
 *     He scored") is offered to the resolver as a person's name too
 *     (guess_names: a lone capitalised word that news rarely writes
 *     mid-sentence, by the tagger's capitalisation lexicon, or a given
 *     name of the model's list); it is kept only when a he/she makes it
 *     a person or the coreference joins it to a person's names, so
 *     "Tuesday" or "Georgia" with no pronoun of theirs is no entity;
 *   - neither soft_cluster nor guess_names offers a word the tagger's
 *     gazetteer knows only as a place's or an organisation's ("helped
 *     Liverpool … His performance"): no pronoun makes it a person;
 *   - a he/his in a fronted phrase ("In her diary, Murasaki wrote",
 *     "Upon his return, Shumlin was") is the person named right after
 *     the phrase's comma (cataphora_target): the resolver links only
 *     backwards, so it had the previous sentence's person or none;
 *   - a short name ("Andrew") of an unwatched person that the coreference
 *     joins to a watched person's names ("Prince Andrew") becomes a mention
 *     of the watched person; a full name never moves, so an unwatched
 *     "Andrew Smith" never takes the watched person's id.
 */
#include "enrichers/entities/entities_int.h"
#include "enrichers/ner/ner_int.h"   /* the tagger's capitalisation lexicon, read only */

#include <string.h>

/* The candidate of span s of the detector's name mention m: the span
 * containing its tokens (spans are sorted and disjoint), or -1. */
static long span_of(const ent_state *st, size_t ns, const ne_coref_mention *m)
{
    size_t lo = 0, hi = ns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->cspans[mid].tok_end <= m->tok_start) lo = mid + 1;
        else hi = mid;
    }
    if (lo < ns && st->cspans[lo].tok_start <= m->tok_start && m->tok_end <= st->cspans[lo].tok_end) return (long)lo;
    return -1;
}

/* Does a mention of type mt (enum ne_ent_type, or -1) fit an entity of
 * type et? */
static int type_fits(int mt, int et)
{
    if (mt < 0) return et == NE_ENT_PER || et == NE_ENT_ORG;
    if (mt == NE_ENT_PER) return et == NE_ENT_PER;
    return et != NE_ENT_PER;
}

/* his, her, their, its */
static int is_possessive_pronoun(const ne_text *t, size_t i)
{
    return ent_tok_is_word(t, i, "his") || ent_tok_is_word(t, i, "her") || ent_tok_is_word(t, i, "their") ||
           ent_tok_is_word(t, i, "its");
}

/* True when pronoun token i attributes the words before it: after a
 * closing quotation mark or a comma, before a speech verb ("…,” he said",
 * "…, it said"). Who that is is the quotes stage's question (the speaker
 * of the quotation, the subject of the last statement), which the
 * coreference, reading the quotation's names as antecedents, answers
 * worse: such a pronoun is left out. */
static int attributing_pronoun(const ne_text *t, size_t i)
{
    if (i == 0 || i + 1 >= t->ntoks) return 0;
    const ne_token *p = &t->toks[i - 1];
    int after = p->kind == NE_TOK_QUOTE && (p->flags & NE_TF_CLOSE);
    /* "…,” he was quoted": was/is only right after a quotation; after a
     * comma "In 1990, he was appointed" is the sentence's own subject */
    if (!after && (ent_tok_is_wordn(t, i + 1, "was", 3, 0) || ent_tok_is_wordn(t, i + 1, "is", 2, 0))) return 0;
    if (!after && p->kind == NE_TOK_PUNCT && t->s[p->start] == ',') after = 1;
    if (!after) return 0;
    return ent_speech_verb_at(t, i + 1) || ent_tok_is_wordn(t, i + 1, "say", 3, 0) ||
           ent_tok_is_wordn(t, i + 1, "was", 3, 0) || ent_tok_is_wordn(t, i + 1, "is", 2, 0);
}

/* "they", "them", "their", "theirs", "themselves", "it" and "its":
 * "they" is often several entities ("the Kremlin and the White House …
 * they"), which one entity cannot stand for; "it" is only ever the
 * subject of a speech verb ("It said"), the quotes stage's question;
 * "its" goes to the nearest organisation, right about half the time on
 * the bench articles ("the coalition to increase its efforts against the
 * Islamic State"). Measured on the seed articles and the bench, all did
 * more harm than good as mentions. */
static int unused_pronoun(const ne_text *t, size_t i)
{
    return ent_tok_is_word(t, i, "they") || ent_tok_is_word(t, i, "them") || ent_tok_is_word(t, i, "their") ||
           ent_tok_is_word(t, i, "theirs") || ent_tok_is_word(t, i, "themselves") || ent_tok_is_word(t, i, "it") ||
           ent_tok_is_word(t, i, "its");
}

/* Moves candidate i to cluster k, as a person's name when k is a person. */
static void move_cand(ent_state *st, const ne_doc *doc, size_t i, int32_t k)
{
    cand *c = &st->c[i];
    cluster *from = &st->cl[c->cluster], *to = &st->cl[k];
    from->nment--;
    if (c->type < 4) from->votes[c->type]--;
    if (to->type == NE_ENT_PER && c->type != NE_ENT_PER) ent_make_person(doc, c);
    c->cluster = k;
    to->nment++;
    if (c->type < 4) to->votes[c->type]++;
}

/* st->cfit[k]: for a cluster that is no person, the person cluster whose
 * full name one of its names spells ("Muhammad Ali" tagged ORG next to
 * the person "Muhammad Ali": same surname, a compatible given name), or
 * -1. Gazetteer entries never count ("Clinton Foundation" is no person's
 * name anyway). */
static void fit_people(ent_state *st, const ne_doc *doc)
{
    ne_grow(&st->cfit, &st->cap_cfit, st->ncl + 1, sizeof *st->cfit);
    for (size_t k = 0; k < st->ncl; k++) st->cfit[k] = -1;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster < 0 || c->gaz >= 0 || c->type == NE_ENT_PER || st->cl[c->cluster].type == NE_ENT_PER ||
            st->cl[c->cluster].person >= 0 || st->cfit[c->cluster] == -2)
            continue;
        /* most are no person's name: the last word must be the surname of a
         * full name of the article (st->m_first, ent_cluster) */
        const ne_text *ft = field_text(doc, c->field);
        if (c->b < c->a + 2 || map_get(&st->m_first, ent_surname_key(tok_ptr(ft, c->b - 1), tok_len(ft, c->b - 1))) == NONE32)
            continue;
        cand probe = *c;
        if (!ent_person_names(doc, &probe) || !probe.full) continue;
        long fit = -1;
        for (size_t k = 0; k < st->ncl && fit < 0; k++) {
            const cluster *p = &st->cl[k];
            if (p->type == NE_ENT_PER && p->full && p->nment && p->key == probe.key && p->suffix == probe.suffix &&
                ent_given_compatible(p->given, p->initial, p->first_letter, probe.given, probe.initial, probe.first))
                fit = (long)k;
        }
        if (fit < 0) continue;
        int32_t *f = &st->cfit[c->cluster];
        *f = *f == -1 || *f == (int32_t)fit ? (int32_t)fit : -2;
    }
    for (size_t k = 0; k < st->ncl; k++)
        if (st->cfit[k] < -1) st->cfit[k] = -1;
}

/* Makes cluster k a person's: its candidates become person names. */
static void retype_person(ent_state *st, const ne_doc *doc, int32_t k)
{
    st->cl[k].type = NE_ENT_PER;
    for (size_t i = 0; i < st->nc; i++)
        if (st->c[i].cluster == k) move_cand(st, doc, i, k);
}

/* True when a pronoun of gender g follows token i of text t within the
 * rest of its sentence and the next one. */
static int gendered_pronoun_after(const ne_text *t, size_t i, int g)
{
    static const char *const male[] = { "he", "him", "his", "himself" };
    static const char *const female[] = { "she", "her", "hers", "herself" };
    const char *const *w = g == NE_GENDER_MALE ? male : female;
    size_t sents = 0;
    for (size_t k = i + 1; k < t->ntoks && k < i + 80; k++) {
        if ((t->toks[k].flags & NE_TF_SENT_START) && ++sents > 1) break;
        for (int q = 0; q < 4; q++)
            if (ent_tok_is_word(t, k, w[q])) return 1;
    }
    return 0;
}

/* A given name the tagger typed as an organisation, place or other
 * ("Victor arrives, and Jacques allows him", "encountered Rachel and
 * captured her") is a person when a pronoun of its gender follows one of
 * its mentions within a sentence: every name of the cluster one body
 * word, in the coreference model's given-name list (built from GAP
 * development and GUM train, tools/coref_train.c), not in the gazetteer,
 * not in capitals or abbreviated ("Miss.", "La."), not a town before its
 * state ("Sharon, Connecticut"), and nobody watched. Then its pronouns
 * can be its. */
static void given_names_are_people(ent_state *st, const ne_doc *doc)
{
    if (!st->coref) return;
    const ne_text *t = &doc->body_text;
    ne_grow(&st->cfit, &st->cap_cfit, st->ncl + 1, sizeof *st->cfit);   /* reused: 0 no, 1 maybe, 2 yes */
    int32_t *ok = st->cfit;
    for (size_t k = 0; k < st->ncl; k++) ok[k] = st->cl[k].type != NE_ENT_PER && st->cl[k].person < 0 &&
                                                  st->cl[k].named < 0 && st->cl[k].nment > 0;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster < 0 || !ok[c->cluster]) continue;
        if (c->guess) {   /* a guess needs a pronoun the model links to it */
            ok[c->cluster] = 0;
            continue;
        }
        size_t l = c->field == NE_FIELD_BODY && c->b == c->a + 1 ? tok_len(t, c->a) : 0;
        int g = l ? ne_coref_given_name(st->coref, tok_ptr(t, c->a), l) : NE_GENDER_UNKNOWN;
        if (c->gaz >= 0 || g == NE_GENDER_UNKNOWN || (t->toks[c->a].flags & NE_TF_ALLCAPS) ||
            tok_ptr(t, c->a)[l - 1] == '.' ||
            (c->b + 1 < t->ntoks && t->s[t->toks[c->b].start] == ',' && (t->toks[c->b + 1].flags & NE_TF_CAP) &&
             t->toks[c->b].kind == NE_TOK_PUNCT)) {
            ok[c->cluster] = 0;
            continue;
        }
        if (gendered_pronoun_after(t, c->b - 1, g)) ok[c->cluster] = 2;
    }
    for (size_t k = 0; k < st->ncl; k++)
        if (ok[k] == 2) retype_person(st, doc, (int32_t)k);
}

/* Words before a name that make it a place or a thing ("in Macau", "the
 * House"): soft_cluster's and guess_names'. */
static const char *const place_before[] = { "the", "The", "in", "at", "from", "to", "near", "of", "into", "across",
                                            "outside", "on", "a", "an" };

static int after_place_word(const ne_text *t, size_t i)
{
    for (size_t q = 0; i > 0 && q < sizeof place_before / sizeof place_before[0]; q++)
        if (ent_tok_is_word(t, i - 1, place_before[q])) return 1;
    return 0;
}

/* The tagger's capitalisation bucket of a word (ner_int.h, LEX_CAPB): 0
 * unknown, 1 rare, 2 never … 7 always capitalised mid-sentence in the
 * unlabelled news its lexicon was counted on. */
static unsigned caplex_bucket(const ent_state *st, const char *s, size_t n)
{
    const uint64_t *v = st->model ? ne_map_get(&st->model->tab.lex, hash_word(s, n, 1)) : NULL;
    return v ? LEX_CAPB(*v) : 0;
}

/* The entity types (bit 1 << enum ne_ent_type) the tagger's gazetteer
 * gives the one-word name w: the types it had in the tagger's training
 * data, all folds, and its bundled lists. 0 when unknown. */
static unsigned gaz_word_types(const ent_state *st, const char *w, size_t n)
{
    const uint64_t *v = st->model ? ne_map_get(&st->model->tab.gaz, hash_word(w, n, 1)) : NULL;
    if (!v) return 0;
    unsigned m = (unsigned)(*v >> 40) & 15;
    for (int f = 0; f < NFOLDS; f++) m |= (unsigned)(*v >> (4 * f)) & 15;
    return m;
}

/* True when the tagger's gazetteer knows w as a place's, an
 * organisation's or another name, never a person's ("helped Liverpool",
 * "occupied Aachen"): no he/she makes it a person. */
static int never_a_person(const ent_state *st, const char *w, size_t n)
{
    unsigned m = gaz_word_types(st, w, n);
    return m && !(m & 1u << NE_ENT_PER);
}

/* True when the word w (n bytes, a possessive aside) is written again in
 * t, as a word of its own, outside token i. */
static int word_elsewhere(const ne_text *t, size_t i, const char *w, size_t n)
{
    for (size_t k = 0; k < t->ntoks; k++)
        if (k != i && t->toks[k].kind == NE_TOK_WORD && possessive_base(tok_ptr(t, k), tok_len(t, k)) == n &&
            !memcmp(tok_ptr(t, k), w, n))
            return 1;
    return 0;
}

/* True when token i follows a year that ends an opening phrase ("In 2007
 * Derval went", "In 1905 and 1906 Skipworth toured"): four digits after
 * a preposition or "and", not a date's day ("1 February 2017"). */
static int year_before(const ne_text *t, size_t i)
{
    if (i < 2 || tok_len(t, i - 1) != 4) return 0;
    return ent_tok_is_word(t, i - 2, "In") || ent_tok_is_word(t, i - 2, "in") || ent_tok_is_word(t, i - 2, "and") ||
           ent_tok_is_word(t, i - 2, "By") || ent_tok_is_word(t, i - 2, "by");
}

/* True when token i follows an opening quotation mark or bracket written
 * against it ("``Reinventing the Steel''", "(Streep …"): it starts
 * something, as a sentence's first word does. */
static int after_open_mark(const ne_text *t, size_t i)
{
    if (i == 0 || t->toks[i - 1].end != t->toks[i].start || t->toks[i - 1].kind == NE_TOK_WORD) return 0;
    unsigned char c = (unsigned char)t->s[t->toks[i].start - 1];
    return c == '`' || c == '"' || c == '(' || c == '[' || c == 0x9c /* the last byte of U+201C */;
}

/* True when token i ends in the letters sfx (a past tense's "ed"). */
static int ends_with(const ne_text *t, size_t i, const char *sfx)
{
    size_t l = tok_len(t, i), k = strlen(sfx);
    return l > k + 1 && !memcmp(tok_ptr(t, i) + l - k, sfx, k);
}

/* The length of a surname's prefix that a capital follows ("Mc" of
 * "McKay", "Mac" of "MacKenzie", "De" of "DeRogatis"), or 0. */
static size_t name_prefix(const char *w, size_t n)
{
    static const char *const pre[] = { "Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le" };
    for (size_t q = 0; q < sizeof pre / sizeof pre[0]; q++) {
        size_t l = strlen(pre[q]);
        if (n > l + 1 && !memcmp(w, pre[q], l) && is_upper_ascii((unsigned char)w[l])) return l;
    }
    return 0;
}

/* True when token i of the body may be a one-word name the tagger left
 * untagged ("Geller played in 23 championships", "awarded Neeson the
 * prize"): a capitalised word of letters, no capitals inside, alone (no
 * capitalised word next to it in its clause), not after a place's
 * preposition or an article, not before "of" or next to a number, no
 * word the coreference lexicons know (titles, function words, verbs);
 * and, by the tagger's capitalisation lexicon (counted on unlabelled
 * news), a given name of the model's list that news does not mostly
 * write in lower case, or a word news rarely writes mid-sentence at all.
 * At a sentence start that rarity is also an adverb's or a participle's
 * ("Additionally, …", "Freeing her husband, …"): there the word must
 * stand before a verb of the lexicon or recur in the text. Measured: the
 * frequent capitalised words (days, months: "promised Monday to … his")
 * were 88 % of the words a pronoun took on 2,000 bench articles and 6 %
 * on GAP, where the missed names are rare surnames. */
static int name_like_word(const ent_state *st, const ne_text *t, size_t i)
{
    const ne_token *tk = &t->toks[i];
    if (tk->kind != NE_TOK_WORD || !(tk->flags & NE_TF_CAP) || (tk->flags & NE_TF_ALLCAPS)) return 0;
    const char *w = tok_ptr(t, i);
    size_t n = possessive_base(w, tok_len(t, i));
    if (n < 2 || ent_is_first_person(t, i)) return 0;
    int start = ent_clause_initial(t, i) || after_open_mark(t, i);
    if (!is_upper_ascii((unsigned char)w[0]) || !is_lower_ascii((unsigned char)w[n - 1])) return 0;
    size_t pre = name_prefix(w, n);   /* "McKay", "MacKenzie", "DeRogatis" */
    for (size_t q = 1; q < n; q++)
        if (!is_lower_ascii((unsigned char)w[q]) && q != pre) return 0;
    if (!start && (t->toks[i - 1].flags & NE_TF_CAP)) return 0;
    if (i + 1 < t->ntoks && (t->toks[i + 1].flags & NE_TF_CAP) && !(t->toks[i + 1].flags & NE_TF_SENT_START))
        return 0;
    if (after_place_word(t, i)) return 0;
    /* "madame d'Ivry": the rest of a word */
    if (i > 0 && t->toks[i - 1].end == tk->start &&
        (t->toks[i - 1].kind == NE_TOK_WORD || strchr("'*-", t->s[t->toks[i - 1].start])))
        return 0;
    /* "the downtown Oncenter", "a young Quinn" */
    if (i > 1 && !(t->toks[i - 1].flags & NE_TF_CAP) && t->toks[i - 1].kind == NE_TOK_WORD &&
        (ent_tok_is_word(t, i - 2, "the") || ent_tok_is_word(t, i - 2, "a") || ent_tok_is_word(t, i - 2, "an")))
        return 0;
    /* "Friedrichs v. California": a case's */
    if (i + 1 < t->ntoks && (ent_tok_is_word(t, i + 1, "v") || ent_tok_is_word(t, i + 1, "vs"))) return 0;
    /* "Durability carries …": an abstract noun's ending, no name's */
    if (n > 6 && (!memcmp(w + n - 3, "ity", 3) || !memcmp(w + n - 4, "ness", 4) || !memcmp(w + n - 4, "ment", 4) ||
                  !memcmp(w + n - 4, "tion", 4) || !memcmp(w + n - 3, "ism", 3)))
        return 0;
    /* "Maid of Honour", "Marquess of Bath": a title's */
    if (i + 1 < t->ntoks && ent_tok_is_wordn(t, i + 1, "of", 2, 0)) return 0;
    /* "1 February 2017", "May 5": a date's */
    if ((i > 0 && t->toks[i - 1].kind == NE_TOK_NUM && !year_before(t, i)) ||
        (i + 1 < t->ntoks && t->toks[i + 1].kind == NE_TOK_NUM))
        return 0;
    if (ne_coref_word_class(st->coref, w, n) || never_a_person(st, w, n)) return 0;
    /* never a word running text mostly writes in lower case ("Some",
     * which the trainer's given-name list holds too) */
    unsigned b = caplex_bucket(st, w, n);
    if (b >= 2 && b <= 4) return 0;
    /* a given name of the trainer's list, however often news capitalises it */
    if (ne_coref_given_name(st->coref, w, n) != NE_GENDER_UNKNOWN) return 1;
    /* else a word running text rarely writes mid-sentence at all: on the
     * bench articles the frequent capitalised words are days, months and
     * the like ("Tuesday"), on GAP the missed names are rare surnames */
    if (b > 1) return 0;
    if (!start) return 1;
    /* at a sentence start "rare mid-sentence" is also an adverb or a
     * participle ("Moreover, …", "Additionally, …", "Freeing her husband"):
     * a name there is the subject, before its verb */
    if (n > 4 && w[n - 2] == 'l' && w[n - 1] == 'y') return 0;
    if (i + 1 >= t->ntoks) return 0;
    const ne_token *nx = &t->toks[i + 1];
    if (nx->kind == NE_TOK_PUNCT && tok_len(t, i + 1) == 1 && strchr(",.;:", t->s[nx->start])) return 0;
    unsigned nc = nx->kind == NE_TOK_WORD ? ne_coref_word_class(st->coref, tok_ptr(t, i + 1), tok_len(t, i + 1)) : 0;
    if (nc & (NE_COREF_WORD_FUNCTION | NE_COREF_WORD_NOUN)) return 0;
    if (nc & NE_COREF_WORD_VERB) return 1;
    /* "Parol toured …", "Dhavernas portrayed …": a past tense after it;
     * "Mauboy's exclusive interview": someone's */
    if (nx->kind == NE_TOK_WORD && !(nx->flags & NE_TF_CAP) && ends_with(t, i + 1, "ed")) return 1;
    if (tok_len(t, i) > n) return 1;
    return word_elsewhere(t, i, w, n);
}

/* Offers the body's name-like words no candidate covers (name_like_word)
 * to the coreference as names: each word one cluster, typed MISC, its
 * candidates flagged guess. The resolver sees them as people's names
 * (soft_cluster); drop_guesses keeps only those a he/she it links makes
 * a person, or that it joins to a person's name. A word some entity of
 * the article already holds (a surname, a place) is left alone. */
static void guess_names(ent_state *st, const ne_doc *doc)
{
    const ne_text *t = &doc->body_text;
    size_t nc = st->nc, ci = 0, first = st->ncl;
    for (size_t i = 0; i < t->ntoks; i++) {
        while (ci < nc && st->c[ci].field == NE_FIELD_BODY && st->c[ci].b <= i) ci++;
        if (ci < nc && st->c[ci].field == NE_FIELD_BODY && st->c[ci].a <= i) continue;   /* covered */
        if (!name_like_word(st, t, i)) continue;
        const char *w = tok_ptr(t, i);
        size_t n = possessive_base(w, tok_len(t, i));
        uint64_t key = hash_fold(w, n);
        if (map_get(&st->m_recent, ent_surname_key(w, n)) != NONE32) continue;
        uint32_t k = map_get(&st->m_keys, key);
        if (k != NONE32 && k < first) continue;
        if (k == NONE32) {
            ne_grow(&st->cl, &st->cap_cl, st->ncl + 1, sizeof *st->cl);
            cluster *cl = &st->cl[st->ncl];
            memset(cl, 0, sizeof *cl);
            cl->type = NE_ENT_MISC;
            cl->key = key;
            cl->person = cl->named = cl->best = -1;
            k = (uint32_t)st->ncl++;
            map_set(&st->m_keys, key, k);
        }
        cand c = { .a = (uint32_t)i, .b = (uint32_t)i + 1, .gaz = -1, .person = -1, .type = NE_ENT_MISC,
                   .ner_type = 0xff, .kind = GZ_PLACE, .field = NE_FIELD_BODY, .key = key, .guess = 1 };
        ent_push_cand(st, &c);
        st->c[st->nc - 1].cluster = (int32_t)k;
        st->cl[k].nment++;
        st->cl[k].votes[NE_ENT_MISC]++;
    }
    if (st->nc > nc) ent_sort_cands(st);
}

/* Drops the guessed names (guess_names) that did not become a person's,
 * and the mentions the coreference gave their clusters. */
static void drop_guesses(ent_state *st)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (!c->guess || c->cluster < 0 || st->cl[c->cluster].type == NE_ENT_PER) continue;
        st->cl[c->cluster].nment--;
        c->cluster = -1;
    }
    size_t w = 0;
    for (size_t x = 0; x < st->nxm; x++)
        if (st->cl[st->xm[x].cluster].nment) st->xm[w++] = st->xm[x];
    st->nxm = w;
}

/* True when non-person cluster k may be a person the tagger typed ORG,
 * LOC or MISC ("Uzelac was born …", "Caruso joined Godoy Cruz, where he
 * spent …"): watched by no one, its names all one word, none from the
 * gazetteer, in capitals, abbreviated ("Fla."), with inner capitals
 * ("EgyptAir"), after "the" ("the House", "the Fed") or after a
 * preposition of place ("in Macau"). The resolver sees its names as a
 * person's; only a he/she it links to one makes the cluster a person
 * (ent_coref), so a place no pronoun names stays a place. On GAP
 * development through the product (make coref-cv, 5-fold): 0.611 ->
 * 0.655; before, a verb after one of the names was required ("Alleway
 * played") and MISC never passed: the largest class of the product's
 * misses where the model decides right (111 of 319 rows). The seed
 * alerts do not move (P 0.920 R 0.958). */
static int soft_cluster(const ent_state *st, const ne_doc *doc, int32_t k)
{
    const cluster *c = &st->cl[k];
    if (c->type == NE_ENT_PER || c->person >= 0 || c->named >= 0) return 0;
    int any = 0;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *d = &st->c[i];
        if (d->cluster != k) continue;
        any = 1;
        const ne_text *ft = field_text(doc, d->field);
        if (d->gaz >= 0 || d->b != d->a + 1 || (ft->toks[d->a].flags & NE_TF_ALLCAPS)) return 0;
        const char *w = tok_ptr(ft, d->a);
        size_t l = tok_len(ft, d->a);
        if (w[l - 1] == '.' || never_a_person(st, w, possessive_base(w, l))) return 0;
        size_t pre = name_prefix(w, l);   /* "McHale", "MacPhee" */
        for (size_t q = 1; q < l; q++)
            if (w[q] >= 'A' && w[q] <= 'Z' && q != pre) return 0;
        if (after_place_word(ft, d->a)) return 0;
    }
    return any;
}

/* Moves the candidates of every cluster with a st->cfit person into it. */
static void merge_fits(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->cluster >= 0 && st->cfit[c->cluster] >= 0) move_cand(st, doc, i, st->cfit[c->cluster]);
    }
}

/* True when token i is a word that opens a fronted phrase or clause
 * (any case): a preposition or a subordinating conjunction. */
static int fronted_opener(const ne_text *t, size_t i)
{
    static const char *const w[] = { "in", "after", "upon", "on", "when", "although", "though", "while", "during",
                                     "at", "as", "like", "despite", "following", "before", "since", "with", "along",
                                     "unlike", "throughout", "until", "once", "because", "if", "for", "from", "by",
                                     "through", "within", "without", "between", "among", "whilst", "toward",
                                     "towards", "over", "under", "beside", "besides", "whenever", "prior" };
    if (t->toks[i].kind != NE_TOK_WORD) return 0;
    for (size_t q = 0; q < sizeof w / sizeof w[0]; q++)
        if (ent_tok_is_wordn(t, i, w[q], strlen(w[q]), 1)) return 1;
    return 0;
}

/* The gender of the given name of cluster k's first full name in the
 * body, by the model's list, or NE_GENDER_UNKNOWN. */
static int cluster_gender(const ent_state *st, const ne_text *t, int32_t k)
{
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster != k || c->field != NE_FIELD_BODY || c->b < c->a + 2) continue;
        int g = ne_coref_given_name(st->coref, tok_ptr(t, c->a), tok_len(t, c->a));
        if (g != NE_GENDER_UNKNOWN) return g;
    }
    return NE_GENDER_UNKNOWN;
}

/* True when token i is a subordinating conjunction (any case). */
static int subordinator(const ne_text *t, size_t i)
{
    static const char *const w[] = { "when", "although", "though", "while", "whilst", "as", "after", "before",
                                     "since", "once", "because", "if", "until", "whenever" };
    for (size_t q = 0; q < sizeof w / sizeof w[0]; q++)
        if (ent_tok_is_wordn(t, i, w[q], strlen(w[q]), 1)) return 1;
    return 0;
}

/* The entity a fronted he/she announces ("In her diary, Murasaki wrote
 * …", "Upon his return, Shumlin was …", "When she returns to the café,
 * Dolores …"): pronoun i is its sentence's first mention, the sentence
 * reaches a comma within 25 tokens after it, and a person's name (as the
 * resolver saw it) starts right after that comma, of no other gender.
 * The resolver links only backwards, so such a pronoun had the previous
 * sentence's person or none. -1 when the pattern does not hold. */
static int32_t cataphora_target(const ent_state *st, const ne_text *t, const ne_coref_mention *ms, size_t n,
                                size_t i)
{
    size_t p = ms[i].tok_start, s0 = p;
    while (s0 > 0 && !(t->toks[s0].flags & NE_TF_SENT_START)) s0--;
    if (i > 0 && ms[i - 1].tok_end > s0 && ms[i - 1].tok_start >= s0) return -1;
    /* the sentence opens with a preposition or subordinator ("In", "Upon",
     * "When", "Soon after"): else the pronoun is the main clause's own
     * subject ("She has one younger brother, Donnie, and …") */
    size_t o = s0;
    if (o + 1 < p && (ent_tok_is_wordn(t, o, "Soon", 4, 0) || ent_tok_is_wordn(t, o, "Shortly", 7, 0) ||
                      ent_tok_is_wordn(t, o, "Even", 4, 0) || ent_tok_is_wordn(t, o, "Just", 4, 0)))
        o++;
    /* a participle's phrase too ("Recognised for his abilities, Buchan
     * was …", "Growing sharper as he spoke, Mr. Trump continued") */
    int participle = o == s0 && o + 1 < p && (ends_with(t, o, "ed") || ends_with(t, o, "ing") ||
                                              ent_tok_is_wordn(t, o, "Known", 5, 0));
    if (o >= p || !(fronted_opener(t, o) || participle)) return -1;
    /* "As a rookie, he was used …": after a comma it is the subject */
    for (size_t k = s0; k < p; k++)
        if (t->toks[k].kind == NE_TOK_PUNCT && t->s[t->toks[k].start] == ',') return -1;
    /* "In 1915 he was painted …": a he/she after a preposition is the
     * main clause's subject; only a subordinate clause's is fronted */
    if ((ent_tok_is_word(t, p, "he") || ent_tok_is_word(t, p, "she")) && !subordinator(t, o) &&
        !subordinator(t, p - 1))
        return -1;
    size_t c = 0;
    for (size_t k = ms[i].tok_end; k < t->ntoks && k < p + 25; k++) {
        if (t->toks[k].flags & NE_TF_SENT_START) return -1;
        if (t->toks[k].kind == NE_TOK_PUNCT && t->s[t->toks[k].start] == ',') { c = k; break; }
    }
    if (!c) return -1;
    /* "…, Mr. Trump continued": the name after its honorific or title */
    size_t at = c + 1;
    if (at + 1 < t->ntoks && t->toks[at].kind == NE_TOK_WORD && (t->toks[at].flags & NE_TF_CAP) &&
        (ne_coref_word_class(st->coref, tok_ptr(t, at), tok_len_nodot(t, at)) & NE_COREF_WORD_NOUN))
        at++;
    for (size_t j = i + 1; j < n && ms[j].tok_start <= at; j++) {
        if (ms[j].tok_start != c + 1 && ms[j].tok_start != at) continue;
        if (ms[j].kind != NE_COREF_NAME || ms[j].type != NE_ENT_PER || ms[j].entity < 0) return -1;
        /* "…, Fallon's Late Night" is not Fallon; "…, Thomas Freeborn, Ward"
         * names a thing in apposition */
        size_t e = ms[j].tok_end;
        if (ends_with(t, e - 1, "'s") || ends_with(t, e - 1, "\xe2\x80\x99s")) return -1;
        if (e < t->ntoks && t->toks[e].kind == NE_TOK_PUNCT && t->s[t->toks[e].start] == ',') return -1;
        /* "…, Karan and Murugan arrive": not one of them */
        if (e < t->ntoks && (ent_tok_is_word(t, e, "and") || ent_tok_is_word(t, e, "or"))) return -1;
        if (ms[j].gender && ms[j].gender != ms[i].gender) return -1;
        /* "her decision …, Fiorina": not the husband the stage gave the surname */
        int g = cluster_gender(st, t, ms[j].entity);
        if (g != NE_GENDER_UNKNOWN && g != ms[i].gender) return -1;
        return ms[j].entity;
    }
    return -1;
}

static void resolve(ent_state *st, const ne_doc *doc)
{
    const ne_text *t = &doc->body_text;
    if (st->ncl == 0) return;
    given_names_are_people(st, doc);
    fit_people(st, doc);
    if (!st->coref || t->ntoks == 0) {
        merge_fits(st, doc);
        return;
    }

    /* the body's people and organisations as the detector's names */
    size_t ns = 0;
    ne_grow(&st->cspans, &st->cap_cspans, st->nc + 1, sizeof *st->cspans);
    ne_grow(&st->cscand, &st->cap_cscand, st->nc + 1, sizeof *st->cscand);
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->field != NE_FIELD_BODY || c->cluster < 0 || c->b <= c->a) continue;
        int ty = st->cl[c->cluster].type;
        /* a one-word organisation, place or other of no gazetteer may be
         * a name the tagger mistyped ("Carney is against Kasich's plan"):
         * the resolver sees it as a person's, which a he/she may take */
        if (ty != NE_ENT_PER && soft_cluster(st, doc, c->cluster)) ty = NE_ENT_PER;
        if (ty != NE_ENT_PER && ty != NE_ENT_ORG) continue;
        if (ns && st->cspans[ns - 1].tok_end > c->a) continue;   /* overlapping: the first */
        st->cspans[ns] = (ne_ner_span){ c->a, c->b, (enum ne_ent_type)ty };
        st->cscand[ns++] = (int32_t)i;
    }
    ne_coref_mention *det;
    size_t n = ne_coref_detect(st->coref, st->cws, t, st->cspans, ns, &det);
    if (n == 0) {
        merge_fits(st, doc);
        return;
    }
    /* "they" and "it" never become mentions (below): not resolved at all,
     * which saves a third of the resolver's work; the detector's links to
     * them are dropped */
    ne_grow(&st->cm, &st->cap_cm, n, sizeof *st->cm);
    ne_grow(&st->cref, &st->cap_cref, 5 * n, sizeof *st->cref);
    ne_coref_mention *ms = st->cm;
    int32_t *newi = st->cref;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        newi[i] = -1;
        if (det[i].kind == NE_COREF_PRONOUN && unused_pronoun(t, det[i].tok_start)) continue;
        ms[kept] = det[i];
        if (ms[kept].appos >= 0) ms[kept].appos = newi[ms[kept].appos];
        newi[i] = (int32_t)kept++;
    }
    n = kept;
    if (n == 0) {
        merge_fits(st, doc);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (ms[i].kind != NE_COREF_NAME) continue;
        long s = span_of(st, ns, &ms[i]);
        if (s < 0) continue;
        const cand *c = &st->c[st->cscand[s]];
        ms[i].entity = c->cluster;   /* its type: the detector's (a surname typed ORG is a person's) */
    }
    /* A name the stage already joined to an earlier name needs no model: it
     * is linked to that name (as the detector links appositions), and only
     * each entity's first name is ranked, where a join across the stage's
     * entities can be found. Half the resolver's work on news. */
    ne_grow(&st->cmerge, &st->cap_cmerge, st->ncl + 1, sizeof *st->cmerge);
    for (size_t k = 0; k < st->ncl; k++) st->cmerge[k] = -1;
    for (size_t i = 0; i < n; i++) {
        int32_t e = ms[i].entity;
        if (ms[i].kind != NE_COREF_NAME || e < 0) continue;
        if (st->cmerge[e] >= 0 && ms[i].appos < 0) ms[i].appos = st->cmerge[e];
        st->cmerge[e] = (int32_t)i;
    }
    ne_grow(&st->cref, &st->cap_cref, 5 * n, sizeof *st->cref);
    int32_t *ante = st->cref, *root = ante + n, *best = root + n, *cnt = best + n, *src = cnt + n;
    ne_coref_resolve(st->coref, st->cws, t, ms, n, ante, root);

    /* each coreference cluster's entity: most names, then watched, then first */
    for (size_t i = 0; i < n; i++) best[i] = -1, cnt[i] = 0;
    ne_map_reset(&st->m_coref, n + 1);
    for (size_t i = 0; i < n; i++) {
        int32_t e = ms[i].entity, r = root[i];
        if (ms[i].kind != NE_COREF_NAME || e < 0 || r < 0 || (size_t)r >= n) continue;
        uint64_t key = ((uint64_t)(uint32_t)r << 32 | (uint32_t)e) + 1;
        uint64_t *v = ne_map_put(&st->m_coref, key);
        int32_t c = (int32_t)++*v;
        int32_t b = best[r];
        if (b < 0 || c > cnt[r] ||
            (c == cnt[r] && b != e && st->cl[e].person >= 0 && st->cl[b].person < 0)) {
            best[r] = e;
            cnt[r] = c;
        }
    }

    /* Each mention's entity: a name's own; for the rest, the entity of the
     * nearest name up its chain of antecedents (the cluster's majority only
     * when the chain reaches none, "Before he spoke, Smith…"). A name whose
     * antecedent is another entity's: an organisation joins that person,
     * a watched person takes an unwatched person's short name. */
    int32_t *ent = cnt;   /* reused: the counts are no longer needed */
    for (size_t k = 0; k < st->ncl; k++) st->cmerge[k] = -1;
    for (size_t i = 0; i < n; i++) {
        int32_t a = ante[i] >= 0 && (size_t)ante[i] < i ? ante[i] : -1;
        int32_t via = a >= 0 ? ent[a] : -1;
        int32_t e = ms[i].kind == NE_COREF_NAME ? ms[i].entity : -1;
        if (e < 0) {
            int32_t cat = ms[i].kind == NE_COREF_PRONOUN && ms[i].gender ? cataphora_target(st, t, ms, n, i) : -1;
            ent[i] = cat >= 0 ? cat : via;
            src[i] = cat >= 0 ? -1 : a >= 0 ? src[a] : -1;
            continue;
        }
        ent[i] = e;
        src[i] = (int32_t)i;
        if (via < 0 || via == e) continue;
        const cluster *ke = &st->cl[e], *kv = &st->cl[via];
        size_t ci = (size_t)st->cscand[span_of(st, ns, &ms[i])];
        /* an organisation that is a person ("Trump's", or a headline's
         * "Donald Trump", tagged ORG, which the detector typed PER by a
         * person's surname; never "Clinton Foundation") joins the person,
         * whichever comes first: the whole cluster, unless another of its
         * names is someone else's */
        int32_t org = -1, per = -1;
        if (kv->type == NE_ENT_PER && ke->type != NE_ENT_PER && ke->person < 0 && ms[i].type == NE_ENT_PER)
            org = e, per = via;
        else if (ke->type == NE_ENT_PER && kv->type != NE_ENT_PER && kv->person < 0 && src[a] >= 0 &&
                 ms[src[a]].type == NE_ENT_PER)
            org = via, per = e;
        if (org >= 0 && st->cfit[org] >= 0) per = st->cfit[org];   /* the person it spells */
        if (org >= 0) {
            if (st->cmerge[org] == -1) st->cmerge[org] = per;
            else if (st->cmerge[org] != per) st->cmerge[org] = -2;
        } else if (kv->type == NE_ENT_PER && ke->type == NE_ENT_PER && kv->person >= 0 && ke->person < 0 &&
                   !st->c[ci].full && st->c[ci].kind == GZ_PLACE && st->c[ci].key != ke->key &&
                   st->c[ci].key == kv->key && st->c[ci].suffix == kv->suffix) {
            /* "Andrew" joined to "Andrew Smith" by given name, which the
             * coreference gives to the watched "Prince Andrew" */
            move_cand(st, doc, ci, via);
            ent[i] = via;
        }
    }
    for (size_t k = 0; k < st->ncl; k++)
        if (st->cmerge[k] == -1 && st->cfit[k] >= 0) st->cmerge[k] = st->cfit[k];
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->cluster >= 0 && st->cmerge[c->cluster] >= 0) move_cand(st, doc, i, st->cmerge[c->cluster]);
    }

    /* titles, descriptions and pronouns of a named cluster */
    size_t ci = 0;
    for (size_t i = 0; i < n; i++) {
        const ne_coref_mention *m = &ms[i];
        if (m->kind == NE_COREF_NAME) continue;
        int32_t E = ent[i] >= 0 ? ent[i] : root[i] >= 0 ? best[root[i]] : -1;
        if (E < 0) continue;
        if (st->cmerge[E] >= 0) E = st->cmerge[E];
        /* a he/she the model gave a one-word "organisation": a person the
         * tagger typed ORG (one entity, one type) */
        if (m->kind == NE_COREF_PRONOUN && m->gender && st->cl[E].nment && st->cl[E].type != NE_ENT_PER &&
            soft_cluster(st, doc, E) &&
            !attributing_pronoun(t, m->tok_start))
            retype_person(st, doc, E);
        if (!st->cl[E].nment || !type_fits(m->type, st->cl[E].type)) continue;
        /* he/she never an organisation's (the resolver may link one to a
         * one-word organisation that did not pass as a person above) */
        if (m->kind == NE_COREF_PRONOUN && m->gender && st->cl[E].type != NE_ENT_PER) continue;
        /* nor a person's whose title or given name says the other sex: the
         * resolver's own name list is GAP's and GUM's ("Dwayne Porter …
         * she" was his), the stage's adds the Census names */
        if (m->kind == NE_COREF_PRONOUN && (m->gender == NE_GENDER_MALE || m->gender == NE_GENDER_FEMALE)) {
            int g = ent_cluster_gender(&st->cl[E]);
            if (g != G0 && g != m->gender) continue;
        }
        /* "X said in a statement": the statement is X's, not X (it still
         * leads "the statement said" to X) */
        if (m->kind == NE_COREF_DESC && m->type < 0 &&
            (ent_tok_is_word(t, m->tok_start, "a") || ent_tok_is_word(t, m->tok_start, "an")))
            continue;
        /* "her father" is not her; "his office" (the detector's link) is his */
        if (m->kind != NE_COREF_PRONOUN && m->appos < 0 && is_possessive_pronoun(t, m->tok_start)) continue;
        if (m->kind == NE_COREF_PRONOUN && attributing_pronoun(t, m->tok_start)) continue;
        /* "the president of the company": someone the phrase goes on to say */
        if (m->kind != NE_COREF_PRONOUN && m->appos < 0 && m->tok_end < t->ntoks &&
            ent_tok_is_wordn(t, m->tok_end, "of", 2, 0))
            continue;
        /* "their" and "their statement": the first; but "her father" that
         * detection tied to a name ("Her father, John Bailly, …") is his,
         * not "her" */
        if (m->kind == NE_COREF_PRONOUN && i + 1 < n && ms[i + 1].kind != NE_COREF_NAME &&
            ms[i + 1].tok_start == m->tok_start && ms[i + 1].appos >= 0 &&
            ms[i + 1].appos != (int32_t)i)   /* "his office" is linked to "his": stays his */
            continue;
        if (st->nxm && st->xm[st->nxm - 1].end > m->start) continue;
        /* never over a name: the candidates' spans (sorted, body first) */
        while (ci < st->nc && st->c[ci].field == NE_FIELD_BODY && st->c[ci].b <= m->tok_start) ci++;
        int over = 0;
        for (size_t q = ci; q < st->nc && st->c[q].field == NE_FIELD_BODY && st->c[q].a < m->tok_end && !over; q++)
            over = st->c[q].b > m->tok_start;
        if (over) continue;
        ne_grow(&st->xm, &st->cap_xm, st->nxm + 1, sizeof *st->xm);
        uint8_t kind = m->kind == NE_COREF_TITLE ? NE_MENTION_TITLE
                     : m->kind == NE_COREF_DESC ? NE_MENTION_DESC : NE_MENTION_PRONOUN;
        st->xm[st->nxm++] = (xmention){ m->start, m->end, E, kind };
    }
}

void ent_coref(ent_state *st, const ne_doc *doc)
{
    st->nxm = 0;
    int guessing = st->coref && doc->body_text.ntoks > 0;
    if (guessing) guess_names(st, doc);
    resolve(st, doc);
    if (guessing) drop_guesses(st);
}
