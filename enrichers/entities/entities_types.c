/* entities_types — one type per entity, decided from all its mentions
 * and the document by a learnt linear model (entities_int.h).
 *
 * Before, a cluster took the majority of the tagger's per-mention types,
 * the bundled list's type overriding it: "Chicago" stayed a place in a
 * results table where CoNLL (and a reader) calls the team an
 * organisation, and "Dick Clark Productions" a person because the tagger
 * said so. Now the type is the argmax over PER/ORG/LOC/MISC of a sum of
 * weights of hashed features, every rule of old one feature among many:
 *   - per mention: the tagger's type, the stage's type, the bundled
 *     list's type, the words right before and after ("in", "said", a
 *     number), whether its line is written in capitals
 *   - the name (its longest mention): its words, first and last word,
 *     length, an acronym, a known given name first, organisation and
 *     place head words (Inc, Clinic, Productions, University; River,
 *     County, Island)
 *   - the tagger's tables for the name (ner_int.h, read only): keyword
 *     class of each word, the last word's capitalisation bucket and
 *     word clusters, the types its training data gave the phrase
 *   - the document: a table of results (many numbers), crossed with the
 *     list's and the tagger's types
 * The weights come from CoNLL-2003 train documents run through this very
 * stage (eval_entities --train-types; make types-train), each tagged by a
 * tagger that did not see it (jackknife over five folds), so the model
 * learns how far the tagger is right on unseen text; averaged perceptron,
 * epochs and the margin a person needs to change type chosen by 5-fold
 * cross-validation on train. A person that something beside the tagger
 * vouches for keeps its type (ent_person_vouched); the bundled list's
 * organisations keep theirs (entities_output.c).
 *
 * Cost: one pass over the candidates per cluster (O(candidates x
 * clusters), a few thousand steps an article) and a table of 4 x 2^16
 * floats (1 MB) per process state.
 */
#include "enrichers/entities/entities_int.h"
#include "enrichers/ner/ner_int.h"   /* the tagger's lexicon and gazetteer tables, read only */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKET (1u << ENT_TYPE_BITS)

/* ---- the model file ------------------------------------------------------------ */

void ent_types_free(ent_types *m)
{
    if (!m) return;
    free(m->w);
    m->w = NULL;
}

/* Format: a line "newsenrich-types 1 BITS MARGIN", then "INDEX W0 W1 W2 W3" per
 * bucket with a weight (PER ORG LOC MISC). */
int ent_types_load(ent_types *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    m->w = NULL;
    if (!f) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "entities: cannot read the type model %s: %s", path, strerror(errno));
        return -1;
    }
    unsigned version = 0, bits = 0;
    m->margin = 0;
    char head[128];
    if (!fgets(head, sizeof head, f) ||
        sscanf(head, "newsenrich-types %u %u %f", &version, &bits, &m->margin) != 3 || version != 1 ||
        bits != ENT_TYPE_BITS) {
        snprintf(err, errlen, "entities: %s: not a type model of version 1 with %d bits", path, ENT_TYPE_BITS);
        fclose(f);
        return -1;
    }
    m->w = ne_xcalloc((size_t)NBUCKET * 4, sizeof *m->w);
    char *line = NULL;
    size_t cap = 0;
    int bad = 0;
    while (!bad && getline(&line, &cap, f) > 0) {
        char *p = line, *q;
        unsigned long idx = strtoul(p, &q, 10);
        bad = q == p || idx >= NBUCKET;
        for (int t = 0; t < 4 && !bad; t++) {
            p = q;
            m->w[idx * 4 + (size_t)t] = strtof(p, &q);
            bad = q == p;
        }
    }
    free(line);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "entities: %s: malformed weight line", path);
        ent_types_free(m);
        return -1;
    }
    return 0;
}

/* ---- features -------------------------------------------------------------------- */

/* Head words of organisations' names and of places' names. */
static const char *const org_heads[] = {
    "Inc", "Corp", "Corporation", "Co", "Ltd", "Plc", "PLC", "LLC", "Group", "Holdings", "Bank",
    "Productions", "Pictures", "Studios", "Records", "Entertainment", "Media", "Network", "News",
    "Clinic", "Hospital", "Foundation", "Fund", "Institute", "University", "College", "School",
    "Parenthood", "Party", "Committee", "Council", "Commission", "Department", "Ministry", "Agency",
    "Association", "Union", "League", "Federation", "Society", "Club", "Court", "Congress",
    "Senate", "Assembly", "Parliament", "Army", "Navy", "Police", "Airlines", "Airways", "Motors",
    "Systems", "Technologies", "Partners", "Capital", "Securities", "Exchange", "Service", "Services",
    "Administration", "Authority", "Office", "Bureau", "Board", "Times", "Post", "Journal", "Chase",
    "United", "City", "Rovers", "Wanderers", "Athletic",
};
static const char *const loc_heads[] = {
    "River", "Mountain", "Mountains", "Mount", "Lake", "Sea", "Ocean", "Island", "Islands", "Bay",
    "Valley", "County", "Province", "State", "Street", "Avenue", "Square", "Road", "Airport",
    "Park", "Peninsula", "Coast", "Gulf", "Strait", "Desert", "Canyon", "Beach", "Harbor", "Harbour",
};

/* The first letter decides before strlen: each name word meets the ~100
 * heads of both lists, and a strlen for every one of them cost 2.5 M
 * instructions on 300 articles. */
static int word_in(const char *s, size_t n, const char *const *list, size_t nlist)
{
    if (n == 0) return 0;   /* no head is empty */
    for (size_t i = 0; i < nlist; i++)
        if (list[i][0] == s[0] && strlen(list[i]) == n && !memcmp(list[i], s, n)) return 1;
    return 0;
}

/* A feature: the hash of a name and a string, folded to ASCII lower case. */
static uint32_t feat(const char *name, const char *s, size_t n)
{
    uint64_t h = NE_FNV64_OFFSET;
    for (const char *p = name; *p; p++) h = ne_fnv1a_step(h, (unsigned char)*p);
    h = ne_fnv1a_step(h, 0);
    for (size_t i = 0; i < n; i++) h = ne_fnv1a_step(h, lower_ascii((unsigned char)s[i]));
    h ^= h >> 29;
    return (uint32_t)(h & (NBUCKET - 1));
}

/* The decimal digits of v, as "%d" writes them: snprintf cost ~600
 * instructions a call and the stage makes ~500 of these calls an article
 * (6 % of the chain's instructions before this loop replaced it). */
static uint32_t feat_int(const char *name, int v)
{
    char b[16];
    size_t n = sizeof b;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do b[--n] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) b[--n] = '-';
    return feat(name, b + n, sizeof b - n);
}

typedef struct fbuf { uint32_t *f; size_t n, cap; } fbuf;

static void add(fbuf *b, uint32_t f)
{
    if (b->n < b->cap) b->f[b->n++] = f;
}

/* The word of token i as a feature value: a number is "#", punctuation
 * itself, a word without its possessive. */
static void add_token(fbuf *b, const char *name, const ne_text *t, size_t i)
{
    if (t->toks[i].kind == NE_TOK_NUM) { add(b, feat(name, "#", 1)); return; }
    const char *s = tok_ptr(t, i);
    add(b, feat(name, s, possessive_base(s, tok_len(t, i))));
}

/* True when the document reads as a table of results: numbers are an
 * eighth of its tokens or more (sports pages, where a city names its
 * team). */
static int numeric_document(const ne_doc *doc)
{
    const ne_text *t = &doc->body_text;
    size_t nums = 0;
    for (size_t i = 0; i < t->ntoks; i++) nums += t->toks[i].kind == NE_TOK_NUM;
    return t->ntoks > 0 && nums * 8 >= t->ntoks;
}

/* What the tagger's tables know of the name [a, b) of t: per word its
 * keyword class (company, institution, place… from the tagger's word
 * lists), the last word's capitalisation bucket (how often running text
 * writes it in lower case: "clinic", "productions" often, surnames
 * never) and word clusters (learnt from unlabelled news), and the types
 * the training data gave the whole phrase. These generalise the name's
 * words to names the type model never saw. */
static void lexicon_features(fbuf *b, const ne_ner_model *m, const ne_text *t, size_t a, size_t e)
{
    if (!m) return;
    uint64_t ph = 0;
    size_t words = 0;
    for (size_t i = a; i < e; i++) {
        if (t->toks[i].kind != NE_TOK_WORD && t->toks[i].kind != NE_TOK_NUM) continue;
        const char *s = tok_ptr(t, i);
        size_t n = possessive_base(s, tok_len(t, i));
        uint64_t hl = hash_word(s, n, 1);
        ph = words++ ? phrase_step(ph, hl) : hl;
        const uint64_t *v = ne_map_get(&m->tab.lex, hl);
        uint64_t lex = v ? *v : 0;
        if (LEX_KW(lex)) add(b, feat_int("kw", (int)LEX_KW(lex)));
        if (i + 1 == e) {
            add(b, feat_int("lkw", (int)LEX_KW(lex)));
            add(b, feat_int("lcapb", (int)LEX_CAPB(lex)));
            for (int k = 0; k < 2; k++) add(b, feat_int(k ? "lcl1" : "lcl0", (int)LEX_CL(lex, k)));
        }
    }
    const uint64_t *g = words ? ne_map_get(&m->tab.gaz, ph) : NULL;
    for (int ty = 0; g && ty < 4; ty++) {
        int seen = 0;
        for (int f = 0; f < 10; f++) seen |= (*g >> (4 * f + ty)) & 1;
        if (seen) add(b, feat_int("ngaz", ty));
    }
}

/* Sorts f[0..n) and drops repeats; returns the count left. A cluster of
 * many mentions brings a hundred features or more, where an insertion
 * sort's quadratic steps were 1 % of the chain: past 16 they go through a
 * bitmap of the 2^ENT_TYPE_BITS buckets (8 KB) with a summary word per 64
 * of its words, so the scan visits only words holding a feature. Either
 * way the same list. */
static size_t sort_unique(uint32_t *f, size_t n)
{
    if (n > 16) {
        uint64_t seen[NBUCKET / 64], summary[NBUCKET / 64 / 64] = { 0 };
        for (size_t i = 0; i < n; i++) seen[f[i] >> 6] = 0;   /* only the words in use need clearing */
        for (size_t i = 0; i < n; i++) {
            seen[f[i] >> 6] |= (uint64_t)1 << (f[i] & 63);
            summary[f[i] >> 12] |= (uint64_t)1 << ((f[i] >> 6) & 63);
        }
        size_t w = 0;
        for (size_t s = 0; s < NBUCKET / 64 / 64; s++)
            for (uint64_t ms = summary[s]; ms; ms &= ms - 1) {
                size_t k = s * 64 + (size_t)__builtin_ctzll(ms);
                for (uint64_t m = seen[k]; m; m &= m - 1)
                    f[w++] = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(m));
            }
        return w;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = f[i];
        size_t k = i;
        for (; k > 0 && f[k - 1] > x; k--) f[k] = f[k - 1];
        f[k] = x;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || f[w - 1] != f[i]) f[w++] = f[i];
    return w;
}

size_t ent_type_features(const ent_state *st, const ne_doc *doc, size_t j, uint32_t *f, size_t cap)
{
    fbuf b = { f, 0, cap };
    int votes[5] = { 0 }, gzt = -1, n = 0;
    const cand *longest = NULL;
    int sport = st->numeric_doc;
    add(&b, feat("bias", "", 0));
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster != (int32_t)j) continue;
        const ne_text *t = field_text(doc, c->field);
        const uint8_t *unc = st->uncased + (c->field == NE_FIELD_TITLE ? doc->body_text.ntoks : 0);
        n++;
        votes[c->ner_type < 4 ? c->ner_type : 4]++;
        add(&b, feat_int("nt", c->ner_type < 4 ? c->ner_type : 9));
        add(&b, feat_int("ct", c->type));
        if (c->gaz >= 0 && st->gz.ents[c->gaz].kind == GZ_PLACE) gzt = st->gz.ents[c->gaz].type;
        if (c->kind != GZ_PLACE) add(&b, feat_int("kind", c->kind));
        if (c->na > c->a) add(&b, feat("titled", "", 0));
        add(&b, feat_int("case", unc[c->a]));
        size_t s = c->a;
        if (s > 0 && !(t->toks[s].flags & NE_TF_SENT_START)) {
            add_token(&b, "prev", t, s - 1);
            if (s > 1 && !(t->toks[s - 1].flags & NE_TF_SENT_START)) add_token(&b, "prev2", t, s - 2);
        } else {
            add(&b, feat("prev", "<s>", 3));
        }
        int nx = c->b < t->ntoks && !(t->toks[c->b].flags & NE_TF_SENT_START);
        if (nx) add_token(&b, "next", t, c->b);
        else add(&b, feat("next", "</s>", 4));
        /* a dateline ("CHICAGO 1996-08-28"), a score ("Chicago 5 Boston 3") */
        int pk = s == 0 || (t->toks[s].flags & NE_TF_SENT_START) ? 0 : t->toks[s - 1].kind;
        add(&b, feat_int("pk*nk*case*sport", ((pk * 8 + (nx ? t->toks[c->b].kind : 0)) * 4 + unc[c->a]) * 2 + sport));
        /* "England's" and "the Eagles'": a possessive of the name */
        const char *ls = tok_ptr(t, c->b - 1);
        if (possessive_base(ls, tok_len(t, c->b - 1)) < tok_len(t, c->b - 1)) add(&b, feat("poss", "", 0));
        if (!longest || c->b - c->a > longest->b - longest->a) longest = c;
    }
    if (n == 0) return 0;
    int maj = 0;
    for (int k = 1; k < 5; k++) if (votes[k] > votes[maj]) maj = k;
    for (int k = 0; k < 4; k++)
        if (votes[k]) add(&b, feat_int(votes[k] == n ? "vall" : "vsome", k));
    add(&b, feat_int("vmaj", maj));
    add(&b, feat_int("gz", gzt));
    add(&b, feat_int("gz*vmaj", gzt * 8 + maj));
    add(&b, feat_int("nm", n < 3 ? n : 3));
    add(&b, feat_int("sport", sport));
    add(&b, feat_int("sport*gz", sport * 8 + gzt + 1));
    add(&b, feat_int("sport*vmaj", sport * 8 + maj));
    /* the name */
    const ne_text *t = field_text(doc, longest->field);
    size_t a = longest->na > longest->a && longest->na < longest->b ? longest->na : longest->a;
    size_t words = 0;
    int org = 0, loc = 0;
    for (size_t i = a; i < longest->b; i++) {
        if (t->toks[i].kind != NE_TOK_WORD) continue;
        const char *s = tok_ptr(t, i);
        size_t len = possessive_base(s, tok_len(t, i)), nd = len > 1 && s[len - 1] == '.' ? len - 1 : len;
        add(&b, feat("w", s, len));
        org |= word_in(s, nd, org_heads, sizeof org_heads / sizeof *org_heads);
        loc |= word_in(s, nd, loc_heads, sizeof loc_heads / sizeof *loc_heads);
        if (words == 0) {
            add(&b, feat("first", s, len));
            if (map_get(&st->gz.given, hash_fold(s, len)) != NONE32) add(&b, feat("given", "", 0));
        }
        if (i + 1 == longest->b) {
            add(&b, feat(words ? "last" : "only", s, len));
            if (len > 3) add(&b, feat("suf3", s + len - 3, 3));
        }
        words++;
    }
    lexicon_features(&b, st->model, t, a, longest->b);
    size_t li = longest->b - 1;
    add(&b, feat_int("nw", words < 3 ? (int)words : 3));
    add(&b, feat_int("orghead", org));
    add(&b, feat_int("lochead", loc));
    add(&b, feat_int("orghead*vmaj", org * 8 + maj));
    const uint8_t *lu = st->uncased + (longest->field == NE_FIELD_TITLE ? doc->body_text.ntoks : 0);
    if (words == 1 && (t->toks[li].flags & NE_TF_ALLCAPS) && tok_len(t, li) <= 5 && !lu[li])
        add(&b, feat("acronym", "", 0));
    return sort_unique(f, b.n);
}

/* ---- the decision ------------------------------------------------------------------ */

int ent_person_vouched(const ent_state *st, const cluster *k, size_t j)
{
    if (k->person >= 0 || k->named >= 0) return 1;
    for (size_t x = 0; x < st->nxm; x++)
        if (st->xm[x].cluster == (int32_t)j) return 1;   /* "he", "the senator" */
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster != (int32_t)j) continue;
        /* the stage's own person rules (a list of names, a surname of the
         * article's people) made it one where the tagger did not */
        if (c->kind != GZ_PLACE || c->na > c->a || c->gender || c->ner_type != NE_ENT_PER) return 1;
    }
    return 0;
}

int ent_types_decide(const ent_types *m, const float s[4], int person)
{
    /* an organisation, place or other never turns into a person: its
     * mentions were never read as names of one */
    int best = person ? 0 : 1;
    for (int t = best + 1; t < 4; t++) if (s[t] > s[best]) best = t;
    if (person && best != 0 && s[best] - s[0] <= m->margin) best = 0;
    return best;
}

/* True when a mention of cluster j that the tagger did not read as a
 * person is two capitalised words, a given name of the bundled lists and
 * a word that is no organisation or place keyword of the tagger's
 * lexicon: "Ivanka Trump", "Ted Cruz", "Laura Ingraham", which a tagger
 * trained on 1996 news (Trump a casino company) read as organisations.
 * Such a cluster may become a person if the type model says so; no other
 * non-person may. Three words let in "George Washington University" and
 * "Rachel Maddow Show" (PolNeAR train); the head lists keep out "Scott
 * County" and "Charlotte Observer". */
/* More last words of names that are no surnames ("Charlotte Observer",
 * "Sharon Statement"); not among the type model's heads, whose weights
 * were learnt with the lists above. */
static const char *const paper_heads[] = {
    "Observer", "Herald", "Tribune", "Gazette", "Chronicle", "Statement", "Show", "Hotel", "Center",
    "Centre", "Bridge", "Tower", "Award", "Awards", "Prize", "Act", "Day",
};

static int given_name_first(const ent_state *st, const ne_doc *doc, size_t j)
{
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster != (int32_t)j || c->b - c->a != 2) continue;
        const ne_text *t = field_text(doc, c->field);
        if (t->toks[c->a].kind != NE_TOK_WORD || t->toks[c->a + 1].kind != NE_TOK_WORD ||
            !(t->toks[c->a].flags & NE_TF_CAP) || !(t->toks[c->a + 1].flags & NE_TF_CAP))
            continue;
        if (map_get(&st->gz.given, hash_fold(tok_ptr(t, c->a), tok_len(t, c->a))) == NONE32) continue;
        const char *w = tok_ptr(t, c->a + 1);
        size_t wn = possessive_base(w, tok_len(t, c->a + 1));
        if (word_in(w, wn, org_heads, sizeof org_heads / sizeof *org_heads) ||
            word_in(w, wn, loc_heads, sizeof loc_heads / sizeof *loc_heads) ||
            word_in(w, wn, paper_heads, sizeof paper_heads / sizeof *paper_heads))
            continue;
        if (st->model) {
            const uint64_t *v = ne_map_get(&st->model->tab.lex, hash_word(w, wn, 1));
            if (v && LEX_KW(*v)) continue;
        }
        return 1;
    }
    return 0;
}

/* Cluster j, not a person, becomes one: its mentions get a person's name
 * fields (the canonical name is built from them). */
static void become_person(ent_state *st, const ne_doc *doc, size_t j)
{
    cluster *k = &st->cl[j];
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->cluster != (int32_t)j || c->type == NE_ENT_PER) continue;
        if (ent_make_person(doc, c) && c->full) {
            k->full = 1;
            k->given = c->given;
            k->initial = c->initial;
            k->first_letter = c->first;
        }
    }
}

void ent_decide_types(ent_state *st, const ne_doc *doc)
{
    const float *w = st->gz.types.w;
    st->numeric_doc = (uint8_t)numeric_document(doc);   /* before the model check: the trainer reads it */
    if (!w) return;
    uint32_t f[512];
    for (size_t j = 0; j < st->ncl; j++) {
        cluster *k = &st->cl[j];
        if (k->nment == 0) continue;
        if (k->type == NE_ENT_PER && ent_person_vouched(st, k, j)) continue;
        size_t n = ent_type_features(st, doc, j, f, sizeof f / sizeof *f);
        if (n == 0) continue;
        float s[4] = { 0 };
        for (size_t i = 0; i < n; i++)
            for (int t = 0; t < 4; t++) s[t] += w[(size_t)f[i] * 4 + t];
        int was = k->type;
        int best = ent_types_decide(&st->gz.types, s, was == NE_ENT_PER || given_name_first(st, doc, j));
        if (best == NE_ENT_PER && was != NE_ENT_PER) become_person(st, doc, j);
        k->type = (uint8_t)best;
        k->typed = 1;
    }
}
