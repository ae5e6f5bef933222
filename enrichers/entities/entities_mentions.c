/* entities_mentions — from a document's tokens to the mention candidates
 * the clustering joins (entities_int.h):
 *   tag      NER over body sentences then title sentences (one call, so
 *            the model's document features see the whole article); lines
 *            without case information are marked: the tagger's spans in
 *            title-case ones (headlines, captions) are "weak"
 *   merge    the NER spans and the gazetteer's phrase matches of a field
 *            into one list of candidates (cand)
 *   prepare  for people: titles set aside, surname and given-name keys;
 *            lists of names typed alike; words the tagger typed ORG/LOC/
 *            MISC that are a person's surname retyped; untagged surnames
 *            of the article's people added; titles before names taken in;
 *            keys of the other candidates
 * The candidates end sorted by field (body first) and token.
 */
#include "enrichers/entities/entities_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- tagging ----------------------------------------------------------------- */

/* True when NER sentence s (tokens of text t, tagged) carries no case
 * information: no lower-case letter at all, or every word of four letters
 * or more capitalised and, in the body, at least one of them past the
 * first word outside any entity ("Putin Says He Didn’t Meddle in the US
 * Election"; a sentence made of names, "Angela Merkel met Emmanuel Macron
 * in Berlin", is not one). In a title two such words are enough. A short
 * lower-case word that is not a function word ("met", "won", "new") says
 * the line is in sentence case: title case capitalises every word but
 * articles, short conjunctions and prepositions and name particles, so
 * "Donald Trump met Mitt Romney on Saturday." is cased text whose names
 * are found, not guesses kept only where the article confirms them.
 * Returns 2 for a line without lower-case letters, 1 for a title-case
 * one, 0 otherwise. The tagger, trained on capitals copies of its
 * data, reads an all-caps line as well as a cased one, so its spans
 * there found entities; in a title-case line the stage keeps its
 * guesses only where the rest of the article confirms them (weak). */
/* The words title case leaves in lower case: articles, short conjunctions
 * and prepositions (AP and Chicago styles), and name particles. */
static int title_case_lower(const char *p, size_t len)
{
    static const char *const words[] = {
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
        "off", "on", "out", "per", "to", "up", "via", "vs", "v", "en", "de", "da", "di", "du", "la", "le",
        "van", "von", "der", "den", "al", "bin", "ibn", "dos", "das", "del", "y", "e",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strlen(words[k]) == len && !memcmp(words[k], p, len)) return 1;
    return 0;
}

static int sentence_is_uncased(const ent_state *st, const ne_text *t, size_t s, int title)
{
    size_t g0 = (size_t)(st->nsent[s].toks - st->ntok), n = st->nsent[s].ntoks;
    size_t free_caps = 0, lower_any = 0, words = 0, long_words = 0;
    for (size_t g = g0; g < g0 + n; g++) {
        size_t i = st->tokmap[g];
        if (st->piece[g] || t->toks[i].kind != NE_TOK_WORD) continue;
        const char *p = tok_ptr(t, i);
        size_t len = tok_len(t, i), lower = 0;
        for (size_t k = 0; k < len; k++) lower += is_lower_ascii((unsigned char)p[k]);
        lower_any += lower;
        words++;
        if (count_letters(p, len) < 4) {
            if (lower == len && !title_case_lower(p, len)) return 0;   /* "met", "won": sentence case */
            continue;
        }
        if (!(t->toks[i].flags & NE_TF_CAP)) return 0;
        long_words++;
        free_caps += g > g0 && st->tags[g] == NE_NER_O;
    }
    if (words == 0) return 0;
    if (lower_any == 0) return 2;
    return title ? long_words >= 2 : free_caps >= 1;
}

/* Sets the uncased flag of the tokens of each uncased sentence of t, whose
 * first NER sentence is s0. */
static void mark_uncased(ent_state *st, const ne_text *t, int field, size_t s0, uint8_t *uncased)
{
    int u;
    for (size_t s = 0; s < t->nsents; s++)
        if ((u = sentence_is_uncased(st, t, s0 + s, field == NE_FIELD_TITLE)))
            memset(uncased + t->sents[s].tok_start, u, t->sents[s].tok_end - t->sents[s].tok_start);
}

/* The last token of a number written with hyphens that starts at token i
 * ("1996-08-30", "15-6", "2-0": number, hyphen, number, …, nothing
 * between them), or i. */
static size_t hyphenated_number_end(const ne_text *t, size_t i, size_t end)
{
    size_t j = i;
    if (t->toks[i].kind != NE_TOK_NUM) return i;
    while (j + 2 < end && t->toks[j + 1].kind == NE_TOK_PUNCT && tok_len(t, j + 1) == 1 &&
           tok_ptr(t, j + 1)[0] == '-' && t->toks[j + 2].kind == NE_TOK_NUM &&
           t->toks[j + 1].start == t->toks[j].end && t->toks[j + 2].start == t->toks[j + 1].end)
        j += 2;
    return j;
}

/* Appends the sentences of t to the NER input. A possessive becomes a
 * token of its own ("Obama" "’s"): the model learnt from text split that
 * way, and without the split "Obama’s Affordable Care Act" reads as one
 * long name. A number written with hyphens is one token, as the model
 * learnt it: split into "1996 - 08 - 30", a dateline's "SEOUL 1996-08-30"
 * lost its place name (eng.testa through the stage: all-caps recall
 * 0.75 -> 0.8). */
static void add_ner_sentences(ent_state *st, const ne_text *t, size_t *ns, size_t *nt)
{
    for (size_t s = 0; s < t->nsents; s++) {
        const ne_sentence *se = &t->sents[s];
        size_t first = *nt;
        for (size_t i = se->tok_start; i < se->tok_end; i++) {
            size_t last = hyphenated_number_end(t, i, se->tok_end);
            if (last > i) {
                st->ntok[*nt] = (ne_ner_tok){ tok_ptr(t, i), t->toks[last].end - t->toks[i].start };
                st->tokmap[*nt] = (uint32_t)i;
                st->piece[(*nt)++] = 0;
                i = last;
                continue;
            }
            const char *p = tok_ptr(t, i);
            size_t n = tok_len(t, i), base = n;
            if (t->toks[i].kind == NE_TOK_WORD) base = possessive_base(p, n);
            st->ntok[*nt] = (ne_ner_tok){ p, base };
            st->tokmap[*nt] = (uint32_t)i;
            st->piece[(*nt)++] = 0;
            if (base < n) {
                st->ntok[*nt] = (ne_ner_tok){ p + base, n - base };
                st->tokmap[*nt] = (uint32_t)i;
                st->piece[(*nt)++] = 1;
            }
        }
        st->nsent[*ns] = (ne_ner_sent){ st->ntok + first, *nt - first };
        (*ns)++;
    }
}

/* True when tk is a word of lower-case ASCII letters only. */
static int all_lower_word(const ne_ner_tok *tk)
{
    for (size_t i = 0; i < tk->len; i++)
        if (!is_lower_ascii((unsigned char)tk->ptr[i])) return 0;
    return tk->len > 0;
}

static int word_is(const ne_ner_tok *tk, const char *w)
{
    return strlen(w) == tk->len && !memcmp(tk->ptr, w, tk->len);
}

/* The end of organisation span k (ending at NER token `end`), extended
 * over "to/of/for" and the capitalised words after it when its last word
 * heads such names: "the Committee" + "to Protect Journalists", where the
 * tagger stopped at the connective. Not over another span or past `to`. */
static uint32_t extend_org_name(const ent_state *st, const ne_ner_span *sp, size_t n, size_t k,
                                uint32_t end, size_t to)
{
    static const char *const heads[] = { "Committee", "Department", "Ministry", "University", "Institute",
                                         "Council", "Commission", "Bank", "Federation", "Association",
                                         "Union", "Office", "Bureau", "Board", "Agency", "Foundation",
                                         "Center", "Centre", "League", "Society", "Academy", "Court" };
    if (sp[k].type != NE_ENT_ORG || end + 1 >= to) return end;
    int head = 0;
    for (size_t h = 0; h < sizeof heads / sizeof *heads; h++) head |= word_is(&st->ntok[end - 1], heads[h]);
    const ne_ner_tok *c = &st->ntok[end];
    if (!head || !(word_is(c, "to") || word_is(c, "of") || word_is(c, "for"))) return end;
    uint32_t e = end + 1, limit = k + 1 < n ? sp[k + 1].tok_start : (uint32_t)to;
    while (e < limit && e < to && st->ntok[e].len > 0 && st->ntok[e].ptr[0] >= 'A' && st->ntok[e].ptr[0] <= 'Z' &&
           !st->piece[e])
        e++;
    return e > end + 1 ? e : end;
}

/* Maps the NER spans of NER tokens [from, to) to spans over the tokens of
 * their field, appending to st->spans; a span that is only a possessive
 * piece is dropped. */
static void map_spans(ent_state *st, const ne_text *t, size_t from, size_t to, const ne_ner_span *sp, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (sp[k].tok_start < from || sp[k].tok_start >= to) continue;
        if (sp[k].tok_end - sp[k].tok_start == 1 && st->piece[sp[k].tok_start]) continue;
        /* a name does not end in a lower-case word: "the Asia-Pacific
         * Economic Cooperation summit" is the organisation's summit */
        uint32_t end = sp[k].tok_end;
        while (end - sp[k].tok_start > 1 && all_lower_word(&st->ntok[end - 1])) end--;
        end = extend_org_name(st, sp, n, k, end, to);
        uint32_t start = sp[k].tok_start;   /* "The Committee to …": the article is no part of it */
        if (sp[k].type == NE_ENT_ORG && end - start > 1 && word_is(&st->ntok[start], "The")) start++;
        uint32_t a = st->tokmap[start], b = st->tokmap[end - 1] + 1;
        /* a hyphenated number is one NER token over several of the text */
        uint32_t stop = (uint32_t)(st->ntok[end - 1].ptr + st->ntok[end - 1].len - t->s);
        while (b < t->ntoks && t->toks[b].start < stop) b++;
        st->spans[st->nspans++] = (ne_ner_span){ a, b, sp[k].type };
    }
}

/* The entity spans of each field go to st->spans (body first,
 * st->nspans_body of them). */
void ent_tag_document(ent_state *st, const ne_doc *doc)
{
    const ne_text *bt = &doc->body_text, *tt = &doc->title_text;
    size_t ntoks = bt->ntoks + tt->ntoks, nsents = bt->nsents + tt->nsents, cap = 2 * ntoks + 1;
    ne_grow(&st->ntok, &st->cap_ntok, cap, sizeof *st->ntok);
    ne_grow(&st->tokmap, &st->cap_tokmap, cap, sizeof *st->tokmap);
    ne_grow(&st->piece, &st->cap_piece, cap, 1);
    ne_grow(&st->nsent, &st->cap_nsent, nsents + 1, sizeof *st->nsent);
    ne_grow(&st->tags, &st->cap_tags, cap, 1);
    ne_grow(&st->uncased, &st->cap_uncased, ntoks + 1, 1);
    ne_grow(&st->spans, &st->cap_spans, 2 * cap, sizeof *st->spans);
    size_t ns = 0, nt = 0;
    memset(st->uncased, 0, ntoks + 1);
    add_ner_sentences(st, bt, &ns, &nt);
    size_t body_nt = nt;
    add_ner_sentences(st, tt, &ns, &nt);
    st->nspans = st->nspans_body = 0;
    /* the tagger is an English model: no guesses on other languages (lang.h) */
    if (nt == 0 || doc->non_english) return;
    ne_ner_tag(st->model, st->ws, st->nsent, ns, st->tags);
    mark_uncased(st, bt, NE_FIELD_BODY, 0, st->uncased);
    mark_uncased(st, tt, NE_FIELD_TITLE, bt->nsents, st->uncased + bt->ntoks);
    /* raw spans go to the upper half of st->spans, mapped ones to the lower */
    ne_ner_span *raw = st->spans + cap;
    size_t nraw = ne_ner_spans(st->tags, nt, raw, cap);
    map_spans(st, bt, 0, body_nt, raw, nraw);
    st->nspans_body = st->nspans;
    map_spans(st, tt, body_nt, nt, raw, nraw);
}

/* ---- merging ------------------------------------------------------------------ */

void ent_push_cand(ent_state *st, const cand *c)
{
    ne_grow(&st->c, &st->cap_c, st->nc + 1, sizeof *st->c);
    st->c[st->nc] = *c;
    st->c[st->nc].cluster = -1;
    st->nc++;
}

/* True when token i of t is written again anywhere in the document, body
 * or title, outside its own paragraph. */
static int word_recurs(const ne_doc *doc, const ne_text *t, size_t i)
{
    const char *w = tok_ptr(t, i);
    size_t n = tok_len(t, i);
    for (int f = 0; f < 2; f++) {
        const ne_text *u = field_text(doc, f);
        for (size_t k = 0; k < u->ntoks; k++)
            if ((u != t || u->toks[k].para != t->toks[i].para) && tok_len(u, k) == n &&
                !memcmp(tok_ptr(u, k), w, n))
                return 1;
    }
    return 0;
}

/* True when the word has capitals inside as well as lower-case letters,
 * as site names run together do ("CNNPolitics", "TheHill"). */
static int camel_word(const char *p, size_t n)
{
    size_t upper = 0, lower = 0;
    for (size_t k = 0; k < n; k++) {
        upper += p[k] >= 'A' && p[k] <= 'Z';
        lower += is_lower_ascii((unsigned char)p[k]);
    }
    return upper >= 2 && lower >= 1;
}

/* True when NER span [a, b) of the body is page furniture: a line of its
 * own holding one word written like a site's name and nothing else, a word
 * the article does not use again ("CNNPolitics", "TheHill" above the
 * story, which the tagger, seeing a capitalised word alone, calls an
 * organisation or a person). A name that matters comes back in the story;
 * a one-word line in plain capitals or title case ("Leeds", "KOMPAS" over
 * a results table or a press digest) is a heading, and stays. O(tokens)
 * for such a span, and it is rare. */
static int furniture_line(const ne_doc *doc, const ne_text *t, uint32_t a, uint32_t b)
{
    if (b != a + 1 || t->nparas == 0 || !camel_word(tok_ptr(t, a), tok_len(t, a))) return 0;
    const ne_para *p = &t->paras[t->toks[a].para];
    for (size_t k = p->tok_start; k < p->tok_end; k++)
        if (k != a && t->toks[k].kind != NE_TOK_PUNCT) return 0;
    return !word_recurs(doc, t, a);
}

/* Merges the NER spans and the phrase matches of one field into st->c.
 * Where they overlap: the same span is one candidate with the phrase's
 * type (curated) and the tagger's type remembered; a span inside a longer
 * one loses to it ("Trump" in "Trump Tower", "Russian" in "the Russian
 * leader"); partial overlaps keep the longer, the tagger's on a tie. */
/* True when the tagger's span [a, b) is a person's name, "of", and an
 * organisation or place ("Aimee Drolet Rossi of UCLA", "Analyst Nathan
 * Brookwood of Insight 64"), which it reads as one organisation: before
 * "of", capitalised words whose first name word is a known given name,
 * two to four of them counting from it (the bundled list's given names
 * or the coreference model's, learnt from GAP and GUM); after it, a
 * capitalised word.
 * Sets *g to the given name, *o to "of". "Bank of America" and
 * "University of Chicago" start with no given name. */
static int person_of_org(const ent_state *st, const ne_text *t, uint32_t a, uint32_t b, uint32_t *g, uint32_t *o)
{
    uint32_t of = a + 1;
    while (of + 1 < b && !ent_tok_is_wordn(t, of, "of", 2, 0)) of++;
    if (of + 1 >= b || !(t->toks[of + 1].flags & NE_TF_CAP)) return 0;
    uint32_t k = a;
    while (k < of && map_get(&st->gz.given, hash_fold(tok_ptr(t, k), tok_len(t, k))) == NONE32 &&
           !(st->coref && ne_coref_given_name(st->coref, tok_ptr(t, k), tok_len(t, k)) != NE_GENDER_UNKNOWN)) {
        if (t->toks[k].kind != NE_TOK_WORD || !(t->toks[k].flags & NE_TF_CAP)) return 0;
        k++;
    }
    if (k >= of || of - k < 2 || of - k > 4 || k - a > 2) return 0;
    /* before the given name only a role or title ("Analyst", "Professor") */
    for (uint32_t i = a; i < k; i++)
        if (!st->coref || !(ne_coref_word_class(st->coref, tok_ptr(t, i), tok_len_nodot(t, i)) & NE_COREF_WORD_NOUN))
            return 0;
    /* the name: capitalised words, none a possessive or a head of a
     * place's or body's name ("Jefferson Parish's Department of …", "New
     * York Academy of Art") */
    static const char *const heads[] = { "Academy", "Department", "Parish", "County", "City", "University",
                                         "College", "Institute", "Center", "Centre", "School", "Foundation",
                                         "Bank", "Society", "Council", "Museum", "Hospital", "Board", "Office",
                                         "Ministry", "Agency", "Bureau", "Club", "House", "Church", "Court" };
    for (uint32_t i = k; i < of; i++) {
        if (t->toks[i].kind != NE_TOK_WORD || !(t->toks[i].flags & NE_TF_CAP)) return 0;
        const char *w = tok_ptr(t, i);
        size_t n = tok_len(t, i);
        if (possessive_base(w, n) < n) return 0;
        for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++)
            if (n == strlen(heads[h]) && !memcmp(w, heads[h], n)) return 0;
    }
    *g = k;
    *o = of;
    return 1;
}

/* True when person span i (ending at token `end`) and span i + 1 are one
 * name around a nickname in quotation marks: "John “Jay” Raymond",
 * "Robert “Beto” O'Rourke" (the tagger reads "John" and "Jay” Raymond",
 * or "John" and "Raymond"). The nickname is one to three capitalised
 * words between the marks, right after the first span; the second span
 * is a person's and starts inside the marks or right after them. */
static int nickname_join(const ne_text *t, const ne_ner_span *sp, size_t n, size_t i, uint32_t end)
{
    if (i + 1 >= n || sp[i + 1].type != NE_ENT_PER || end + 2 >= t->ntoks || t->toks[end].kind != NE_TOK_QUOTE)
        return 0;
    uint32_t k = end + 1, words = 0;
    while (k < t->ntoks && words < 4 && t->toks[k].kind == NE_TOK_WORD && (t->toks[k].flags & NE_TF_CAP)) k++, words++;
    if (words == 0 || words > 3 || k >= t->ntoks || t->toks[k].kind != NE_TOK_QUOTE) return 0;
    uint32_t b = sp[i + 1].tok_start;
    return (b == end + 1 || b == k + 1) && sp[i + 1].tok_end > k + 1;
}

void ent_merge_field(ent_state *st, const ne_doc *doc, int field)
{
    const ne_text *t = field_text(doc, field);
    if (t->ntoks == 0) return;
    const ne_ner_span *spans = st->spans + (field == NE_FIELD_TITLE ? st->nspans_body : 0);
    size_t nn = field == NE_FIELD_TITLE ? st->nspans - st->nspans_body : st->nspans_body;
    const uint8_t *uncased = st->uncased + (field == NE_FIELD_TITLE ? doc->body_text.ntoks : 0);
    size_t ng = ent_match_phrases(st, t, field);
    ne_grow(&st->keep, &st->cap_keep, nn + 1, 1);
    uint8_t *nkeep = st->keep;
    memset(nkeep, 1, nn);
    size_t p = 0;
    for (size_t j = 0; j < ng; j++) {
        cand *g = &st->gzc[j];
        int gkeep = 1;
        while (p < nn && spans[p].tok_end <= g->a) p++;
        for (size_t k = p; k < nn && spans[k].tok_start < g->b; k++) {
            const ne_ner_span *sp = &spans[k];
            uint32_t glen = g->b - g->a, nlen = sp->tok_end - sp->tok_start;
            if (sp->tok_start == g->a && sp->tok_end == g->b) {
                g->ner_type = (uint8_t)sp->type;
                nkeep[k] = 0;
            } else if (uncased[sp->tok_start]) {
                nkeep[k] = 0;   /* "US" in a headline's "US Election" */
            } else if (sp->tok_start <= g->a && sp->tok_end >= g->b) {
                gkeep = 0;
            } else if (g->a <= sp->tok_start && g->b >= sp->tok_end) {
                nkeep[k] = 0;
            } else if (glen > nlen) {
                nkeep[k] = 0;
            } else {
                gkeep = 0;
            }
        }
        if (!gkeep) g->b = g->a;   /* emptied: skipped below */
    }
    /* both lists are sorted and now disjoint: merge them in order */
    size_t i = 0, j = 0;
    while (i < nn || j < ng) {
        int take_ner = j >= ng || (i < nn && spans[i].tok_start < st->gzc[j].a);
        if (take_ner) {
            /* a closing quotation mark is never part of a name: "I.”" */
            uint32_t end = spans[i].tok_end;
            while (end > spans[i].tok_start + 1 && t->toks[end - 1].kind == NE_TOK_QUOTE) end--;
            /* "I’m" typed ORG or PER: never an entity */
            if (end - spans[i].tok_start == 1 && ent_is_first_person(t, spans[i].tok_start))
                nkeep[i] = 0;
            if (field == NE_FIELD_BODY && furniture_line(doc, t, spans[i].tok_start, spans[i].tok_end))
                nkeep[i] = 0;
            uint32_t nick = nkeep[i] && spans[i].type == NE_ENT_PER ? nickname_join(t, spans, nn, i, end) : 0;
            if (nick) {
                end = spans[i + 1].tok_end;   /* "John “Jay” Raymond": one person */
                while (end > spans[i + 1].tok_start + 1 && t->toks[end - 1].kind == NE_TOK_QUOTE) end--;
                nkeep[i + 1] = 0;
            }
            if (nkeep[i]) {
                cand c = { .a = spans[i].tok_start, .b = end, .gaz = -1, .person = -1,
                           .type = (uint8_t)spans[i].type, .ner_type = (uint8_t)spans[i].type,
                           .kind = GZ_PLACE, .field = (uint8_t)field, .weak = uncased[spans[i].tok_start] == 1 };
                uint32_t g, o;
                if (person_of_org(st, t, c.a, c.b, &g, &o)) {
                    /* "Aimee Drolet Rossi of UCLA": the person and the
                     * organisation are two names */
                    cand pc = c;
                    pc.a = g;
                    pc.b = o;
                    pc.type = NE_ENT_PER;
                    ent_push_cand(st, &pc);
                    c.a = o + 1;
                    if (c.type == NE_ENT_PER) c.type = NE_ENT_ORG;
                }
                ent_push_cand(st, &c);
            }
            i++;
        } else {
            if (st->gzc[j].b > st->gzc[j].a) ent_push_cand(st, &st->gzc[j]);
            j++;
        }
    }
}

/* ---- preparing the candidates ------------------------------------------------------- */

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->field != b->field) return a->field < b->field ? -1 : 1;
    return a->a < b->a ? -1 : a->a > b->a;
}

/* True when a gap token can sit between two names of a list: a comma, or
 * a lower-case word ("and", "you have"). */
static int list_gap_token(const ne_text *t, size_t i)
{
    if (t->toks[i].kind == NE_TOK_PUNCT) return tok_len(t, i) == 1 && tok_ptr(t, i)[0] == ',';
    return t->toks[i].kind == NE_TOK_WORD && !(t->toks[i].flags & NE_TF_CAP);
}

/* True when tokens [a, b) of t can separate two names of a list: one to
 * four gap tokens, a comma, "and" or "or" among them, no sentence start. */
static int list_gap(const ne_text *t, size_t a, size_t b)
{
    int sep = 0;
    if (b <= a || b - a > 4) return 0;
    for (size_t g = a; g < b; g++) {
        if (!list_gap_token(t, g) || (t->toks[g].flags & NE_TF_SENT_START)) return 0;
        sep |= tok_len(t, g) == 1 ? tok_ptr(t, g)[0] == ','
                                  : ent_tok_is_word(t, g, "and") || ent_tok_is_word(t, g, "or");
    }
    return sep && !(t->toks[b].flags & NE_TF_SENT_START);
}

/* A list of names whose middle name the tagger left out ("you have
 * Brennan, you have Clapper, and you have Comey", with only Comey a
 * person): the capitalised word at a list position between two
 * one-word names, one of them a person, becomes a person candidate.
 * The candidates stay sorted. */
static void fill_name_lists(ent_state *st, const ne_doc *doc)
{
    size_t nc = st->nc;
    for (size_t j = 0; j + 1 < nc; j++) {
        const cand *c = &st->c[j], *d = &st->c[j + 1];
        if (c->field != d->field || c->b - c->a != 1 || d->b - d->a != 1 || d->a <= c->b + 2) continue;
        if (c->type != NE_ENT_PER && d->type != NE_ENT_PER) continue;
        if ((c->type != NE_ENT_PER && c->type != NE_ENT_MISC) || (d->type != NE_ENT_PER && d->type != NE_ENT_MISC))
            continue;
        const ne_text *t = field_text(doc, c->field);
        if (t->toks[d->a].para != t->toks[c->a].para) continue;
        for (size_t w = c->b + 1; w + 1 < d->a; w++) {
            const ne_token *tk = &t->toks[w];
            if (tk->kind != NE_TOK_WORD || !(tk->flags & NE_TF_CAP) || (tk->flags & NE_TF_SENT_START) ||
                ent_is_first_person(t, w) || !list_gap(t, c->b, w) || !list_gap(t, w + 1, d->a))
                continue;
            cand m = { .a = (uint32_t)w, .b = (uint32_t)w + 1, .gaz = -1, .person = -1, .type = NE_ENT_PER,
                       .ner_type = 0xff, .kind = GZ_PLACE, .field = c->field };
            ent_person_names(doc, &m);
            ent_push_cand(st, &m);
            break;
        }
    }
    if (st->nc > nc) ent_sort_cands(st);
}

/* Lists of names: single capitalised words of one sentence, a few
 * lower-case words or commas apart, with a comma or "and" between them
 * ("you have Brennan, you have Clapper, and you have Comey"). When the
 * tagger made one of them a person, the ones it typed MISC without a
 * gazetteer entry are people too. */
static void type_name_lists(ent_state *st, const ne_doc *doc)
{
    size_t i = 0;
    while (i < st->nc) {
        size_t j = i, per = 0;
        const ne_text *t = field_text(doc, st->c[i].field);
        for (;; j++) {
            const cand *c = &st->c[j];
            if (c->b - c->a != 1) break;
            per += c->type == NE_ENT_PER && c->kind != GZ_ROLE && c->kind != GZ_DIRECT;
            if (j + 1 >= st->nc) break;
            const cand *d = &st->c[j + 1];
            if (d->field != c->field || d->a <= c->b || d->a - c->b > 4 ||
                t->toks[d->a].para != t->toks[c->a].para)
                break;
            int sep = 0, ok = 1;
            for (size_t g = c->b; g < d->a && ok; g++) {
                ok = list_gap_token(t, g) && !(t->toks[g].flags & NE_TF_SENT_START);
                sep |= tok_len(t, g) == 1 ? tok_ptr(t, g)[0] == ','
                                          : ent_tok_is_word(t, g, "and") || ent_tok_is_word(t, g, "or");
            }
            if (!ok || !sep || (t->toks[d->a].flags & NE_TF_SENT_START)) break;
        }
        if (per && j > i) {
            for (size_t k = i; k <= j; k++) {
                cand *c = &st->c[k];
                /* "Bush and Democratic presidential candidates": an adjective */
                int adjective = c->b < t->ntoks && t->toks[c->b].kind == NE_TOK_WORD &&
                                !(t->toks[c->b].flags & NE_TF_CAP) && !ent_tok_is_word(t, c->b, "and") &&
                                !ent_tok_is_word(t, c->b, "or");
                if (c->type == NE_ENT_MISC && c->gaz < 0 && !adjective && (t->toks[c->a].flags & NE_TF_CAP))
                    ent_make_person(doc, c);
            }
        }
        i = j + 1;
    }
}

/* True when the span [a, b) of t is a title and a name, or a name and
 * "Jr.": "Mr Trump", "Dr Fox", "Trump Jr." are people whatever the tagger
 * said; so is "President Trump" when `known` (a person of the article) has
 * that surname. */
static int titled_name(const ne_text *t, size_t a, size_t b, const ne_map *known)
{
    uint8_t g = G0;
    /* "Donald Trump Jr." (typed ORG, like "Inc."): Jr and Sr end only names */
    if (b - a >= 2 && (t->toks[b - 2].flags & NE_TF_CAP) && ent_name_suffix_code(t, b - 1) >= 1 &&
        ent_name_suffix_code(t, b - 1) <= 2)
        return 1;
    size_t n = ent_title_at(t, a, b - 1, &g);
    if (!n || !(t->toks[b - 1].flags & NE_TF_CAP)) return 0;
    if (g || ent_tok_is_word(t, a, "Dr") || ent_tok_is_word(t, a, "Prof")) return 1;
    return map_get(known, ent_surname_key(tok_ptr(t, b - 1), tok_len(t, b - 1))) != NONE32;
}

/* Single words typed ORG, LOC or MISC that are the surname (or lone name)
 * of a person of the article become mentions of people ("the Trump
 * campaign", a "Brennan" the tagger typed two ways); a word of the
 * bundled list only when the tagger also said person and the list says
 * place ("Jordan" the player, never "Muslims" the group), or when a
 * speech verb follows it: "Mark Cuban … Cuban said" is the man, where
 * "the Cuban government" stays the adjective. So do titled names ("Mr
 * Trump" typed ORG at a sentence start). st->m_recent holds the keys. */
static void retype_person_words(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        const ne_text *t = field_text(doc, c->field);
        if (c->type == NE_ENT_PER ||
            (c->gaz >= 0 && (c->ner_type != NE_ENT_PER || st->gz.ents[c->gaz].type != NE_ENT_LOC) &&
             !(c->b - c->a == 1 && c->b < t->ntoks &&
               (ent_speech_verb_at(t, c->b) || ent_tok_is_wordn(t, c->b, "tweeted", 7, 0)))))
            continue;
        int person = c->b - c->a > 1
                         ? titled_name(t, c->a, c->b, &st->m_recent)
                         : (t->toks[c->a].flags & NE_TF_CAP) &&
                           map_get(&st->m_recent, ent_surname_key(tok_ptr(t, c->a), tok_len(t, c->a))) != NONE32;
        if (!person) continue;
        ent_make_person(doc, c);
    }
}

/* True when token i is an honorific that only comes before a person's
 * name: Mr, Mrs, Ms, Miss, Dr (with or without the dot). */
static int honorific_at(const ne_text *t, size_t i)
{
    static const char *const h[] = { "Mr", "Mrs", "Ms", "Miss", "Dr" };
    for (size_t k = 0; k < sizeof h / sizeof h[0]; k++)
        if (ent_tok_is_wordn(t, i, h[k], strlen(h[k]), 0)) return 1;
    return 0;
}

/* Document-level consistency: a capitalised word the tagger left untagged
 * that is the surname of a person of the article is a mention of them
 * ("…and you have Comey. Comey is proven…"). Not at a sentence start in
 * the body unless a speech verb follows ("King told radio host John
 * Catsimatidis"), and not next to another capitalised word (part of a
 * name the tagger missed, which a lone surname would misrepresent). After
 * an honorific a capitalised word is a person's surname even when the
 * article gave no full name: "said Mr Jobs", where "Jobs" is too common a
 * word for the tagger. */
static void propagate_surnames(ent_state *st, const ne_doc *doc, int field)
{
    const ne_text *t = field_text(doc, field);
    size_t nc = st->nc, ci = 0;
    while (ci < nc && st->c[ci].field != field) ci++;
    for (size_t i = 0; i < t->ntoks; i++) {
        while (ci < nc && st->c[ci].field == field && st->c[ci].b <= i) ci++;
        if (ci < nc && st->c[ci].field == field && st->c[ci].a <= i) continue;   /* covered */
        const ne_token *tk = &t->toks[i];
        if (tk->kind != NE_TOK_WORD || !(tk->flags & NE_TF_CAP) || ent_is_first_person(t, i)) continue;
        int titled = field == NE_FIELD_BODY && i > 0 && honorific_at(t, i - 1) && !(tk->flags & NE_TF_ALLCAPS);
        /* the flags first, the surname lookup only for what they leave */
        if (field == NE_FIELD_BODY && ((i > 0 && !titled && (t->toks[i - 1].flags & NE_TF_CAP)) ||
                                       (i + 1 < t->ntoks && (t->toks[i + 1].flags & NE_TF_CAP))))
            continue;
        int known = map_get(&st->m_recent, ent_surname_key(tok_ptr(t, i), tok_len(t, i))) != NONE32;
        if (!known && !titled) continue;
        if (field == NE_FIELD_BODY && !titled && ent_clause_initial(t, i) && !(known && ent_speech_verb_at(t, i + 1)))
            continue;
        cand c = { .a = (uint32_t)i, .b = (uint32_t)i + 1, .gaz = -1, .person = -1, .type = NE_ENT_PER,
                   .ner_type = 0xff, .kind = GZ_PLACE, .field = (uint8_t)field };
        ent_person_names(doc, &c);
        ent_push_cand(st, &c);
    }
}

/* True for the name of a court case, which the tagger reads as a person:
 * "Roe v. Wade". */
static int is_case_name(const ne_text *t, size_t a, size_t b)
{
    for (size_t i = a + 1; i + 1 < b; i++)
        if (ent_tok_is_wordn(t, i, "v", 1, 0) || ent_tok_is_wordn(t, i, "vs", 2, 0)) return 1;   /* not "V." */
    return 0;
}

void ent_sort_cands(ent_state *st)
{
    if (st->nc > 1) qsort(st->c, st->nc, sizeof *st->c, cmp_cand);
}

/* st->m_recent: the keys of the person candidates' names. */
static void person_keys(ent_state *st)
{
    ne_map_reset(&st->m_recent, st->nc);
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->type == NE_ENT_PER && c->key && c->kind != GZ_DIRECT && c->kind != GZ_ROLE)
            map_set(&st->m_recent, c->key, 1);
    }
}

void ent_prepare_candidates(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type != NE_ENT_PER || c->kind == GZ_DIRECT || c->kind == GZ_ROLE) continue;
        const ne_text *t = field_text(doc, c->field);
        if (is_case_name(t, c->a, c->b)) c->type = NE_ENT_MISC;
        else if (!ent_person_names(doc, c) || (c->b - c->a == 1 && ent_is_first_person(t, c->a))) c->key = 0;
    }
    type_name_lists(st, doc);
    person_keys(st);
    retype_person_words(st, doc);
    propagate_surnames(st, doc, NE_FIELD_BODY);
    propagate_surnames(st, doc, NE_FIELD_TITLE);
    ent_sort_cands(st);
    /* With the surnames in, a list may now show a person ("you have
     * Brennan, you have Clapper, and you have Comey" where the tagger
     * made only the later "Comey" one): its names become people, and
     * their other mentions with them. */
    size_t before = st->nc;
    fill_name_lists(st, doc);
    if (st->nc > before) {
        type_name_lists(st, doc);
        person_keys(st);
        retype_person_words(st, doc);
    }
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type == NE_ENT_PER) {
            if (c->kind != GZ_DIRECT && c->kind != GZ_ROLE) {
                /* "Trump Jr." where the tagger stopped at "Trump": the
                 * suffix ends the name */
                const ne_text *t = field_text(doc, c->field);
                int next_at = i + 1 < st->nc && st->c[i + 1].field == c->field && st->c[i + 1].a <= c->b;
                if (c->b < t->ntoks && !next_at && ent_name_suffix_code(t, c->b) >= 1 &&
                    ent_name_suffix_code(t, c->b) <= 2 && !(t->toks[c->b].flags & NE_TF_SENT_START)) {
                    c->b++;
                    ent_person_names(doc, c);
                }
                uint32_t floor = i > 0 && st->c[i - 1].field == c->field ? st->c[i - 1].b : 0;
                ent_extend_over_title(doc, c, floor);
            }
            continue;
        }
        size_t n = ent_cand_name(st, doc, c);
        c->key = ent_name_key(st, st->buf, n);
    }
}
