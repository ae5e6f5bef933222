/* coref_train — trains the coreference model (enrichers/coref/) and
 * writes models/coref.model.
 *
 *   coref_train [--data ../shared/data] [--ner models/ner.model]
 *               [--out models/coref.model] [--folds 5] [--epochs 8]
 *               [--windows 10,20,40] [--fold-models DIR] [--syntax MODEL|none]
 *               [--news JSONL] [--seed 12345] [--runs 5] [--news-pronouns 0|1]
 *
 * Training data: the GUM documents of the official train split (GUM_*,
 * neither dev nor test nor GENTLE; the news and Reddit documents are not in
 * ../shared/data) and GAP development (2,000 rows). GAP validation and the
 * GUM dev/test documents are left for tools/eval_coref.c.
 * --news: news texts, one JSON line each with a "text" (PolNeAR train's,
 * whose annotation is not read), as distant supervision for described
 * speakers (coref_data.h, ne_coref_inst_news): trained on in every fold,
 * scored in none; first in each epoch, in file order, the shuffle running
 * over GUM and GAP alone. --news-pronouns 1: also the he/she subjects of
 * a cue whose antecedent the genders make certain, genders hidden
 * (coref_data.h NE_COREF_NEWS_PRON; off: tried, not kept, mk/coref.mk).
 * --seed: the shuffle's seed (12345), to see how
 * much a figure moves by chance.
 *
 * Runtime features only: every text is tokenized by the text stage, tagged
 * by the NER model, and its mentions found by ne_coref_detect; a detected
 * mention takes the gold entity of the smallest GUM person/organisation
 * mention that contains it and shares its start or end (else it is a
 * singleton; other entity types are trained on too, "the statement" as
 * much as "the mayor", but only people and organisations are scored); in GAP, the given pronoun and names replace what they
 * overlap, names that share a first or last word with only one of A and B
 * are that name, and the pronoun's antecedent is A's or B's cluster.
 *
 * Lexicons the model file carries, built here from the same training data:
 *  - given names with a gender: in GAP development, the first word of a
 *    two-or-more-word name A or B takes the gender of the row's pronoun
 *    (he/his/him: male, she/her/hers: female) — GAP chose both names of a
 *    row to agree in gender with its pronoun, coreferent or not;
 *    in GUM train, the first word of each two-or-more-word proper-name
 *    mention (UPOS PROPN, honorifics skipped) of a person entity takes the
 *    majority gender of the entity's he/she pronouns (UD Gender feature).
 *    A name is kept when it has at least one vote and at least 80 % of its
 *    votes agree; honorifics and title words are never names.
 *  - nouns: the head (last NOUN before a preposition, verb or punctuation)
 *    of GUM train mentions that start with a determiner or possessive; a
 *    noun heading >= 3 person mentions, 70 % of all its mentions, is a
 *    person description; the same for organisations. (Gold UPOS builds the
 *    lexicon only; it is never a runtime feature.)
 *  - word classes for the grammatical-role proxies: words of UD English
 *    EWT train and GUM train seen >= 3 times, >= 80 % of them as VERB/AUX
 *    (a verb), ADP (a preposition) or SCONJ/CCONJ (a clause opener). A
 *    lexicon lookup at run time, not a tagger.
 *
 * Model: mention ranking with an averaged perceptron (coref.c features);
 * a mention's gold options are the candidates already in its gold entity,
 * or "new" when it is the entity's first mention; mistakes update toward
 * the best-scoring gold option, and the gold option is followed (teacher
 * forcing). Epochs and window are chosen by k-fold cross-validation over
 * the training documents and GAP rows (objective: the mean of GAP F1 and
 * the GUM MUC/B³ average on the held-out fold); the final model is trained
 * on all of them. Deterministic: same data, same model bytes.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "common/hash.h"
#include "common/nebuf.h"
#include "common/xalloc.h"
#include "enrichers/coref/coref.h"
#include "enrichers/coref/coref_data.h"

#define BITS 18

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ---- lexicons ----------------------------------------------------------- */

typedef struct vote { char word[48]; int a, b, other; } vote;   /* male/female or person/org */
typedef struct votes { vote *v; size_t n, cap; } votes;

static vote *vote_get(votes *vs, const char *w, size_t l)
{
    char buf[48];
    if (l == 0 || l >= sizeof buf) return NULL;
    for (size_t i = 0; i < l; i++) buf[i] = (char)((w[i] >= 'A' && w[i] <= 'Z') ? w[i] + 32 : w[i]);
    buf[l] = '\0';
    for (size_t i = 0; i < vs->n; i++) if (!strcmp(vs->v[i].word, buf)) return &vs->v[i];
    ne_grow(&vs->v, &vs->cap, vs->n + 1, sizeof *vs->v);
    vote *v = &vs->v[vs->n++];
    memset(v, 0, sizeof *v);
    memcpy(v->word, buf, l + 1);
    return v;
}

static int is_alpha_word(const char *s, size_t l)
{
    if (l < 2) return 0;
    for (size_t i = 0; i < l; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-' || s[i] == '\''))
            return 0;
    return s[0] >= 'A' && s[0] <= 'Z';
}

/* Word classes for the role proxies, from treebank UPOS (a lexicon, not
 * a tagger): a word seen >= 3 times, 80 % of them as VERB or AUX is a
 * verb; as ADP a preposition; as SCONJ or CCONJ a clause opener. */
typedef struct wclass { char word[32]; int verb, adp, conj, other; } wclass;

static void wc_add(wclass **wc, size_t *n, size_t *cap, const char *w, size_t l, const char *upos)
{
    if (l == 0 || l >= 32) return;
    char buf[32];
    for (size_t i = 0; i < l; i++) {
        char c = w[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == '-')) return;
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[l] = '\0';
    /* linear probing over a power-of-two table kept in *wc */
    if (*cap == 0 || *n * 2 >= *cap) {
        size_t nc = *cap ? *cap * 2 : 16384;
        wclass *t = ne_xcalloc(nc, sizeof *t);
        for (size_t i = 0; i < *cap; i++) {
            if (!(*wc)[i].word[0]) continue;
            uint64_t h = NE_FNV64_OFFSET;
            for (const char *p = (*wc)[i].word; *p; p++) h = ne_fnv1a_step(h, (unsigned char)*p);
            size_t j = (size_t)h & (nc - 1);
            while (t[j].word[0]) j = (j + 1) & (nc - 1);
            t[j] = (*wc)[i];
        }
        free(*wc);
        *wc = t;
        *cap = nc;
    }
    uint64_t h = NE_FNV64_OFFSET;
    for (size_t i = 0; i < l; i++) h = ne_fnv1a_step(h, (unsigned char)buf[i]);
    size_t j = (size_t)h & (*cap - 1);
    while ((*wc)[j].word[0] && strcmp((*wc)[j].word, buf)) j = (j + 1) & (*cap - 1);
    wclass *e = &(*wc)[j];
    if (!e->word[0]) { memcpy(e->word, buf, l + 1); (*n)++; }
    if (!strcmp(upos, "VERB") || !strcmp(upos, "AUX")) e->verb++;
    else if (!strcmp(upos, "ADP")) e->adp++;
    else if (!strcmp(upos, "SCONJ") || !strcmp(upos, "CCONJ")) e->conj++;
    else e->other++;
}

static size_t build_word_classes(ne_coref_model *m, const char *ewt_path, ne_gum_doc *docs, size_t ndocs)
{
    wclass *wc = NULL;
    size_t n = 0, cap = 0;
    FILE *f = fopen(ewt_path, "r");
    if (!f) fprintf(stderr, "coref_train: %s not found: word classes from GUM alone\n", ewt_path);
    if (f) {
        char *line = NULL;
        size_t lcap = 0;
        while (getline(&line, &lcap, f) > 0) {
            if (line[0] == '#' || line[0] == '\n') continue;
            char *c1 = strchr(line, '\t'), *c2 = c1 ? strchr(c1 + 1, '\t') : NULL;
            char *c3 = c2 ? strchr(c2 + 1, '\t') : NULL, *c4 = c3 ? strchr(c3 + 1, '\t') : NULL;
            if (!c4 || memchr(line, '-', (size_t)(c1 - line)) || memchr(line, '.', (size_t)(c1 - line))) continue;
            *c4 = '\0';
            wc_add(&wc, &n, &cap, c1 + 1, (size_t)(c2 - c1 - 1), c3 + 1);
        }
        free(line);
        fclose(f);
    }
    for (size_t d = 0; d < ndocs; d++)
        for (size_t i = 0; i < docs[d].ntoks; i++) {
            const ne_gum_tok *t = &docs[d].toks[i];
            wc_add(&wc, &n, &cap, docs[d].text + t->start, t->end - t->start, t->upos);
        }
    char **keep = ne_xmalloc((n + 1) * sizeof *keep);
    size_t nk = 0, added = 0;
    for (size_t i = 0; i < cap; i++) {
        wclass *e = &wc[i];
        if (!e->word[0]) continue;
        int tot = e->verb + e->adp + e->conj + e->other;
        int kind = tot < 3 ? 0 : e->verb * 5 >= tot * 4 ? 5 : e->adp * 5 >= tot * 4 ? 6 : e->conj * 5 >= tot * 4 ? 7 : 0;
        if (!kind) continue;
        keep[nk] = ne_xmalloc(48);
        snprintf(keep[nk++], 48, "%s\t%d", e->word, kind);
    }
    qsort(keep, nk, sizeof *keep, cmp_str);
    for (size_t i = 0; i < nk; i++) {
        char *tab = strchr(keep[i], '\t');
        ne_coref_add_noun(m, keep[i], (size_t)(tab - keep[i]), atoi(tab + 1));
        added++;
        free(keep[i]);
    }
    free(keep);
    free(wc);
    return added;
}

static void build_lexicons(ne_coref_model *m, ne_gum_doc *docs, size_t ndocs, const ne_gap_row *gap, size_t ngap,
                           size_t *nnames, size_t *nnouns)
{
    votes names = { 0 }, nouns = { 0 };
    for (size_t r = 0; r < ngap; r++) {
        for (int k = 0; k < 2; k++) {
            const ne_gap_row *g = &gap[r];   /* GAP's names agree in gender with the pronoun by design */
            const char *s = g->text + (k ? g->b : g->a);
            size_t l = k ? g->b_len : g->a_len, fl = 0;
            while (fl < l && s[fl] != ' ') fl++;
            if (fl == l || !is_alpha_word(s, fl)) continue;      /* one word: no given name */
            vote *v = vote_get(&names, s, fl);
            if (v) { if (g->gender == 1) v->a++; else v->b++; }
        }
    }
    for (size_t d = 0; d < ndocs; d++) {
        ne_gum_doc *doc = &docs[d];
        /* entity gender by its pronouns */
        int32_t maxe = 0;
        for (size_t i = 0; i < doc->nments; i++) if (doc->ments[i].entity > maxe) maxe = doc->ments[i].entity;
        int *male = ne_xcalloc((size_t)maxe + 1, sizeof *male), *fem = ne_xcalloc((size_t)maxe + 1, sizeof *fem);
        for (size_t i = 0; i < doc->nments; i++) {
            const ne_gum_mention *gm = &doc->ments[i];
            if (gm->tok_end != gm->tok_start + 1 || strcmp(gm->etype, "person")) continue;
            const ne_gum_tok *t = &doc->toks[gm->tok_start];
            if (strcmp(t->upos, "PRON")) continue;
            if (t->feats_gender == 'M') male[gm->entity]++;
            if (t->feats_gender == 'F') fem[gm->entity]++;
        }
        for (size_t i = 0; i < doc->nments; i++) {
            const ne_gum_mention *gm = &doc->ments[i];
            const ne_gum_tok *t = &doc->toks[gm->tok_start];
            /* nouns */
            if (!strcmp(t->upos, "DET") || !strcmp(t->upos, "PRON")) {
                long head = -1;
                for (uint32_t k = gm->tok_start + 1; k < gm->tok_end && k < gm->tok_start + 6; k++) {
                    const char *u = doc->toks[k].upos;
                    if (!strcmp(u, "NOUN")) head = k;
                    else if (!strcmp(u, "ADP") || !strcmp(u, "VERB") || !strcmp(u, "PUNCT") || !strcmp(u, "PRON") ||
                             !strcmp(u, "AUX") || !strcmp(u, "SCONJ") || !strcmp(u, "CCONJ")) break;
                }
                if (head >= 0) {
                    const ne_gum_tok *h = &doc->toks[head];
                    vote *v = vote_get(&nouns, doc->text + h->start, h->end - h->start);
                    if (v) {
                        if (!strcmp(gm->etype, "person")) v->a++;
                        else if (!strcmp(gm->etype, "organization")) v->b++;
                        else v->other++;
                    }
                }
            }
            /* given names */
            if (strcmp(gm->etype, "person") || male[gm->entity] + fem[gm->entity] == 0) continue;
            if (gm->tok_end - gm->tok_start < 2) continue;
            int allprop = 1;
            for (uint32_t k = gm->tok_start; k < gm->tok_end; k++)
                if (strcmp(doc->toks[k].upos, "PROPN")) allprop = 0;
            if (!allprop) continue;
            uint32_t k = gm->tok_start;
            while (k + 1 < gm->tok_end) {
                const ne_gum_tok *f = &doc->toks[k];
                /* honorifics and titles are not given names */
                const char *w = doc->text + f->start;
                size_t l = f->end - f->start;
                if (l && w[l - 1] == '.') break;
                static const char *const skip[] = { "Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Lady", "Lord",
                    "King", "Queen", "Prince", "Princess", "President", "Saint", "St", "General", "Captain",
                    "Professor", "Judge", "Senator", "Governor", "Mayor", "Emperor", "Pope", NULL };
                int sk = 0;
                for (int q = 0; skip[q]; q++) if (strlen(skip[q]) == l && !strncmp(skip[q], w, l)) sk = 1;
                if (!sk) break;
                k++;
            }
            if (k + 1 >= gm->tok_end) continue;
            const ne_gum_tok *f = &doc->toks[k];
            if (!is_alpha_word(doc->text + f->start, f->end - f->start)) continue;
            vote *v = vote_get(&names, doc->text + f->start, f->end - f->start);
            if (!v) continue;
            if (male[gm->entity] > fem[gm->entity]) v->a++;
            else if (fem[gm->entity] > male[gm->entity]) v->b++;
        }
        free(male); free(fem);
    }
    /* keep, in a fixed order (sorted) so the model bytes do not depend on
     * the order files were listed in */
    char **keep = ne_xmalloc((names.n + nouns.n + 1) * sizeof *keep);
    size_t nk = 0;
    for (size_t i = 0; i < names.n; i++) {
        vote *v = &names.v[i];
        int tot = v->a + v->b;
        if (tot < 1) continue;
        int g = v->a * 5 >= tot * 4 ? 1 : v->b * 5 >= tot * 4 ? 2 : 0;
        if (!g) continue;
        keep[nk] = ne_xmalloc(64);
        snprintf(keep[nk++], 64, "%s\t%d", v->word, g);
    }
    qsort(keep, nk, sizeof *keep, cmp_str);
    *nnames = 0;
    for (size_t i = 0; i < nk; i++) {
        char *tab = strchr(keep[i], '\t');
        *nnames += (size_t)ne_coref_add_name(m, keep[i], (size_t)(tab - keep[i]), atoi(tab + 1));
        free(keep[i]);
    }
    nk = 0;
    for (size_t i = 0; i < nouns.n; i++) {
        vote *v = &nouns.v[i];
        int tot = v->a + v->b + v->other;
        int kind = v->a >= 2 && v->a * 10 >= tot * 6 ? 2 : v->b >= 2 && v->b * 10 >= tot * 6 ? 3 : 0;
        if (!kind || v->word[0] < 'a' || v->word[0] > 'z') continue;
        keep[nk] = ne_xmalloc(64);
        snprintf(keep[nk++], 64, "%s\t%d", v->word, kind);
    }
    qsort(keep, nk, sizeof *keep, cmp_str);
    for (size_t i = 0; i < nk; i++) {
        char *tab = strchr(keep[i], '\t');
        ne_coref_add_noun(m, keep[i], (size_t)(tab - keep[i]), atoi(tab + 1));
        free(keep[i]);
    }
    *nnouns = nk;
    free(keep);
    free(names.v);
    free(nouns.v);
}

/* ---- the perceptron ----------------------------------------------------- */

typedef struct trainer {
    ne_coref_model *m;
    float *w;  size_t nw;      /* the model's weights: the current ones while training */
    double *u;                 /* sum of c * update, for the average */
    double c;
    ne_coref_ws *ws;
    int32_t *root, *label;  size_t cap;
    int32_t *cands;  size_t capc;
    uint32_t (*f)[NE_COREF_MAXF];  size_t *nf;  size_t capf;
} trainer;

static float score(const float *w, const uint32_t *f, size_t n)
{
    float s = 0;
    for (size_t k = 0; k < n; k++) s += w[f[k]];
    return s;
}

static void update(trainer *tr, const uint32_t *f, size_t n, float d)
{
    for (size_t k = 0; k < n; k++) { tr->w[f[k]] += d; tr->u[f[k]] += tr->c * d; }
}

/* Slot of a gold id in the seen table: person/org ids below 4096, other
 * types (NE_COREF_OTHER + id) above. */
static size_t seen_slot(int32_t g)
{
    return g >= NE_COREF_OTHER ? 4096 + (size_t)(g - NE_COREF_OTHER) % 4096 : (size_t)g % 4096;
}

static void train_inst(trainer *tr, ne_coref_inst *in)
{
    size_t n = in->n;
    ne_grow(&tr->root, &tr->cap, n + 1, sizeof *tr->root);
    tr->label = ne_xrealloc(tr->label, tr->cap * sizeof *tr->label);
    ne_coref_begin(tr->m, tr->ws, &in->t, in->ms, n);
    size_t capc = (size_t)ne_coref_window(tr->m) + n + 1;
    ne_grow(&tr->cands, &tr->capc, capc, sizeof *tr->cands);
    if (tr->capf < capc + 1) {
        tr->capf = capc + 1;
        tr->f = ne_xrealloc(tr->f, tr->capf * sizeof *tr->f);
        tr->nf = ne_xrealloc(tr->nf, tr->capf * sizeof *tr->nf);
    }
    uint8_t seen[8192] = { 0 };   /* gold entity ids seen (ids are small in GUM and GAP) */
    for (size_t i = 0; i < n; i++) {
        int32_t g = in->gold[i];
        /* a news text's name: labelled, not supervised; its described
         * person: supervised with the name's label (coref_data.h) */
        int unsup = g >= NE_COREF_NEWS && g < NE_COREF_NEWS_SUP;
        if (g >= NE_COREF_NEWS_SUP) g -= NE_COREF_NEWS_SUP - NE_COREF_NEWS;
        long link = -1;
        if (in->ms[i].appos >= 0 && (size_t)in->ms[i].appos < i) {
            link = in->ms[i].appos;
        } else {
            size_t nc = ne_coref_cands(tr->m, tr->ws, i, tr->cands, capc);
            /* option 0: new; option k+1: cands[k] */
            tr->nf[0] = ne_coref_feats(tr->m, tr->ws, i, -1, tr->f[0]);
            size_t pred = 0;
            float best = score(tr->w, tr->f[0], tr->nf[0]);
            for (size_t k = 0; k < nc; k++) {
                tr->nf[k + 1] = ne_coref_feats(tr->m, tr->ws, i, tr->cands[k], tr->f[k + 1]);
                float s = score(tr->w, tr->f[k + 1], tr->nf[k + 1]);
                if (s > best) { best = s; pred = k + 1; }
            }
            long gopt = -2;    /* the best gold option, -2 none */
            if (g == -2 || unsup) {
                gopt = -2;
            } else if (g == -1) {
                gopt = 0;
            } else {
                float gb = -1e30f;
                for (size_t k = 0; k < nc; k++)
                    if (tr->label[tr->root[tr->cands[k]]] == g) {
                        float s = score(tr->w, tr->f[k + 1], tr->nf[k + 1]);
                        if (gopt < 0 || s > gb) { gb = s; gopt = (long)k + 1; }
                    }
                if (gopt < 0 && !seen[seen_slot(g)]) gopt = 0;
            }
            if (gopt >= 0 && (size_t)gopt != pred) {
                int ok = pred > 0 && g >= 0 && tr->label[tr->root[tr->cands[pred - 1]]] == g;
                if (!ok) {
                    update(tr, tr->f[gopt], tr->nf[gopt], 1.0f);
                    update(tr, tr->f[pred], tr->nf[pred], -1.0f);
                }
            }
            /* the averaging clock runs on supervised mentions of a news
             * text only, so that its unlabelled thousands do not weigh
             * the average toward whatever the weights were meanwhile */
            if (!in->news || gopt >= 0) tr->c += 1;
            size_t take = gopt >= 0 ? (size_t)gopt : pred;
            link = take ? tr->cands[take - 1] : -1;
        }
        ne_coref_link(tr->ws, i, link);
        tr->root[i] = link >= 0 ? tr->root[link] : (int32_t)i;
        if (link < 0) tr->label[i] = -3;
        if (g >= 0) {
            if (tr->label[tr->root[i]] == -3) tr->label[tr->root[i]] = g;
            seen[seen_slot(g)] = 1;
        }
    }
}

/* Writes the averaged weights into the model; returns the current ones to
 * restore with restore(). */
static float *average(trainer *tr)
{
    float *cur = ne_xmemdup(tr->w, tr->nw * sizeof *tr->w);
    for (size_t k = 0; k < tr->nw; k++)
        tr->w[k] = tr->c > 0 ? (float)((double)cur[k] - tr->u[k] / tr->c) : cur[k];
    return cur;
}

static void restore(trainer *tr, float *cur)
{
    memcpy(tr->w, cur, tr->nw * sizeof *tr->w);
    free(cur);
}

typedef struct figures { double gap, gapm, gapf, muc, b3; } figures;


/* ---- news texts (--news): distant supervision for described speakers ---- */

/* --news-pronouns 1: also the cue-subject he/she whose antecedent the
 * genders make certain, genders hidden (coref_data.h NE_COREF_NEWS_PRON);
 * off by default: tried and not kept (mk/coref.mk, 2026-12-07, coref13) */
static unsigned news_what = NE_COREF_NEWS_DESC;

/* Instances of the PolNeAR-style JSON lines at path (their "text" only:
 * no annotation is read), appended to *ins; returns how many, and the
 * labelled descriptions in *nlab. Unreadable file: 0. */
static size_t news_instances(const char *path, ne_coref_inst **ins, size_t nins, const ne_coref_model *m,
                             ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, size_t *nlab)
{
    char *all = nebuf_read_file(path, NULL), err[256];
    size_t k = 0;
    *nlab = 0;
    if (!all) { fprintf(stderr, "coref_train: %s not found\n", path); return 0; }
    for (char *line = all, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        yajl_val v = yajl_tree_parse(line, err, sizeof err);
        const char *tp[] = { "text", NULL };
        const char *text = v ? YAJL_GET_STRING(yajl_tree_get(v, tp, yajl_t_string)) : NULL;
        if (text) {
            *ins = ne_xrealloc(*ins, (nins + k + 2) * sizeof **ins);
            *nlab += ne_coref_inst_news(&(*ins)[nins + k], text, strlen(text), m, ws, ner, nws, news_what);
            k++;
        }
        if (v) yajl_tree_free(v);
    }
    free(all);
    return k;
}

/* The cross-validation fold of instance i: GUM document i is i % K, GAP
 * row r is r % K; a news text (index >= nlab) is in no fold (it is always
 * trained on, never scored: it has no gold). */
static int fold_of(size_t i, size_t nfiles, size_t nlab, int folds)
{
    if (i >= nlab) return -1;
    return (int)(i < nfiles ? i % (size_t)folds : (i - nfiles) % (size_t)folds);
}

static figures evaluate(const ne_coref_model *m, ne_coref_ws *ws, ne_coref_inst *ins, const size_t *idx, size_t n)
{
    ne_coref_scores sc;
    memset(&sc, 0, sizeof sc);
    int32_t *ante = NULL, *cl = NULL;
    size_t cap = 0;
    for (size_t k = 0; k < n; k++) {
        ne_coref_inst *in = &ins[idx[k]];
        if (cap < in->n + 1) {
            cap = in->n + 1;
            ante = ne_xrealloc(ante, cap * sizeof *ante);
            cl = ne_xrealloc(cl, cap * sizeof *cl);
        }
        ne_coref_resolve(m, ws, &in->t, in->ms, in->n, ante, cl);
        if (in->gap) ne_coref_score_gap(&sc, in, cl);
        else ne_coref_score_gum(&sc, in, cl);
    }
    free(ante); free(cl);
    figures f = { ne_coref_gap_f1(&sc, 0), ne_coref_gap_f1(&sc, 1), ne_coref_gap_f1(&sc, 2),
                  ne_coref_muc_f1(&sc), ne_coref_b3_f1(&sc) };
    return f;
}

static double objective(figures f) { return (f.gap + (f.muc + f.b3) / 2) / 2; }

static uint64_t shuffle_seed = 12345;   /* --seed: the shuffling's start */
static int ensemble_runs = 5;            /* --runs: perceptrons averaged (see train) */

/* Trains on idx[0..n) for `epochs`; after each epoch, when held is given,
 * evaluates the weights on it into per_epoch[e]. Deterministic shuffling
 * by a fixed LCG. The weights are the mean of `runs` averaged perceptrons
 * that differ only in their shuffling (the first one's is --seed's): one
 * perceptron's figures move by a point or two with the order it sees the
 * data in (make coref-cv, GAP development: 0.686–0.701 over four seeds),
 * and the mean of several moves less and scores higher. Costs training
 * time only: the model keeps one weight table. Leaves the mean in the
 * model with no running sums, so average() returns it unchanged. */
static void train(trainer *tr, ne_coref_inst *ins, size_t *idx, size_t n, int epochs,
                  const size_t *held, size_t nheld, figures *per_epoch)
{
    float *acc = ne_xcalloc((size_t)(held && per_epoch ? epochs : 1) * tr->nw, sizeof *acc);
    uint64_t seed = shuffle_seed;
    /* news texts (--news) go first in each epoch, in file order, and the
     * shuffle runs over the others alone, which are so seen in the order
     * they are without news */
    size_t *news = ne_xmalloc((n + 1) * sizeof *news), nnews = 0, o = 0;
    for (size_t k = 0; k < n; k++) {
        if (ins[idx[k]].news) news[nnews++] = idx[k];
        else idx[o++] = idx[k];
    }
    n = o;
    for (int r = 0; r < ensemble_runs; r++) {
        memset(tr->w, 0, tr->nw * sizeof *tr->w);
        memset(tr->u, 0, tr->nw * sizeof *tr->u);
        tr->c = 0;
        for (int e = 0; e < epochs; e++) {
            for (size_t k = n; k > 1; k--) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                size_t j = (size_t)((seed >> 33) % k);
                size_t t = idx[k - 1]; idx[k - 1] = idx[j]; idx[j] = t;
            }
            for (size_t k = 0; k < nnews; k++) train_inst(tr, &ins[news[k]]);
            for (size_t k = 0; k < n; k++) train_inst(tr, &ins[idx[k]]);
            float *slot = held && per_epoch ? acc + (size_t)e * tr->nw : e + 1 == epochs ? acc : NULL;
            if (slot) {
                float *cur = average(tr);
                for (size_t q = 0; q < tr->nw; q++) slot[q] += tr->w[q] / (float)ensemble_runs;
                restore(tr, cur);
            }
        }
    }
    free(news);
    tr->c = 0;
    memset(tr->u, 0, tr->nw * sizeof *tr->u);
    if (held && per_epoch)
        for (int e = 0; e < epochs; e++) {
            memcpy(tr->w, acc + (size_t)e * tr->nw, tr->nw * sizeof *tr->w);
            per_epoch[e] = evaluate(tr->m, tr->ws, ins, held, nheld);
        }
    memcpy(tr->w, held && per_epoch ? acc + (size_t)(epochs - 1) * tr->nw : acc, tr->nw * sizeof *tr->w);
    free(acc);
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data", *nerp = "models/ner.model", *out = "models/coref.model";
    const char *windows_s = "10,20,40", *fold_dir = NULL, *synp = "models/syntax.model", *newsp = NULL;
    int folds = 5, max_epochs = 8;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--ner") && i + 1 < argc) nerp = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--folds") && i + 1 < argc) folds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) max_epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) shuffle_seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) ensemble_runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--news-pronouns") && i + 1 < argc)
            news_what = atoi(argv[++i]) ? NE_COREF_NEWS_DESC | NE_COREF_NEWS_PRON : NE_COREF_NEWS_DESC;
        else if (!strcmp(argv[i], "--windows") && i + 1 < argc) windows_s = argv[++i];
        else if (!strcmp(argv[i], "--fold-models") && i + 1 < argc) fold_dir = argv[++i];
        else if (!strcmp(argv[i], "--syntax") && i + 1 < argc) synp = argv[++i];
        else if (!strcmp(argv[i], "--news") && i + 1 < argc) newsp = argv[++i];
        else {
            fprintf(stderr, "usage: coref_train [--data DIR] [--ner MODEL] [--out MODEL] [--folds K] "
                            "[--epochs N] [--windows W1,W2,…] [--fold-models DIR] [--syntax MODEL|none] [--news JSONL] "
                            "[--seed N] [--runs R] [--news-pronouns 0|1]\n");
            return 2;
        }
    }
    if (max_epochs < 1 || max_epochs > 50 || folds < 2 || ensemble_runs < 1 || ensemble_runs > 64) { fprintf(stderr, "coref_train: bad --epochs/--folds/--runs\n"); return 2; }
    double t0 = now_s();
    char err[512], path[1024];
    ne_ner_model *ner = ne_ner_load(nerp, err, sizeof err);
    if (!ner) { fprintf(stderr, "coref_train: %s\n", err); return 1; }
    snprintf(path, sizeof path, "%s/gum/splits.md", data);
    char *splits = nebuf_read_file(path, NULL);
    if (!splits) { fprintf(stderr, "coref_train: %s not found\n", path); return 1; }
    snprintf(path, sizeof path, "%s/gum", data);
    DIR *dir = opendir(path);
    if (!dir) { fprintf(stderr, "coref_train: %s not found\n", path); return 1; }
    char **files = NULL;
    size_t nfiles = 0, capf = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 7, ".conllu") || strncmp(de->d_name, "GUM_", 4)) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(l - 7), de->d_name);
        if (ne_gum_split(splits, name) != 'r') continue;
        ne_grow(&files, &capf, nfiles + 1, sizeof *files);
        files[nfiles++] = ne_xstrdup(de->d_name);
    }
    closedir(dir);
    qsort(files, nfiles, sizeof *files, cmp_str);
    ne_gum_doc *docs = ne_xcalloc(nfiles + 1, sizeof *docs);
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/gum/%s", data, files[i]);
        if (ne_gum_read(path, &docs[i], err, sizeof err) < 0) { fprintf(stderr, "coref_train: %s\n", err); return 1; }
        free(files[i]);
    }
    free(files);
    snprintf(path, sizeof path, "%s/gap/gap-development.tsv", data);
    size_t ngap = 0;
    ne_gap_row *gap = ne_gap_read(path, &ngap, err, sizeof err);
    if (!gap) { fprintf(stderr, "coref_train: %s\n", err); return 1; }

    ne_coref_model *m = ne_coref_model_new(BITS);
    /* the role tagger the syntax features read; ne_coref_load finds it
     * beside the model file, so --out's directory must hold the same one */
    if (strcmp(synp, "none") != 0 && ne_coref_load_syntax(m, synp, err, sizeof err) < 0) {
        fprintf(stderr, "coref_train: %s\n", err);
        return 1;
    }
    size_t nnames, nnouns;
    build_lexicons(m, docs, nfiles, gap, ngap, &nnames, &nnouns);
    snprintf(path, sizeof path, "%s/ud_ewt/en_ewt-ud-train.conllu", data);
    size_t nclasses = build_word_classes(m, path, docs, nfiles);
    fprintf(stderr, "coref_train: %zu GUM train documents, %zu GAP development rows; lexicons: %zu given names, "
            "%zu nouns, %zu verbs/prepositions/conjunctions\n", nfiles, ngap, nnames, nnouns, nclasses);

    /* instances */
    size_t nins = nfiles + ngap;
    ne_coref_inst *ins = ne_xcalloc(nins + 1, sizeof *ins);
    ne_coref_ws *ws = ne_coref_ws_new();
    ne_ner_ws *nws = ne_ner_ws_new();
    size_t ment = 0, gold_ok = 0, gold_all = 0;
    for (size_t i = 0; i < nfiles; i++) {
        ne_coref_inst_gum(&ins[i], &docs[i], m, ws, ner, nws);
        ment += ins[i].n;
        gold_all += ins[i].gold_total;
        for (size_t k = 0; k < ins[i].n; k++) gold_ok += ins[i].gold[k] >= 0 && ins[i].gold[k] < NE_COREF_OTHER;
        ne_gum_free(&docs[i]);
    }
    for (size_t r = 0; r < ngap; r++) ne_coref_inst_gap(&ins[nfiles + r], &gap[r], m, ws, ner, nws);
    size_t nnews = 0;
    if (newsp) {
        size_t nlab = 0;
        nnews = news_instances(newsp, &ins, nins, m, ws, ner, nws, &nlab);
        size_t npos = 0, ndesc = 0, npron = 0;
        for (size_t i = nins; i < nins + nnews; i++)
            for (size_t k = 0; k < ins[i].n; k++) {
                int sup = ins[i].gold[k] >= NE_COREF_NEWS_SUP;
                npron += sup && ins[i].ms[k].kind == NE_COREF_PRONOUN;
                npos += sup && ins[i].ms[k].kind != NE_COREF_PRONOUN;
                ndesc += sup && ins[i].ms[k].kind == NE_COREF_DESC;
            }
        nins += nnews;
        fprintf(stderr, "coref_train: %zu news texts of %s: %zu descriptions labelled with a name by a role or age "
                "(%zu not titles), %zu new by an indefinite; %zu cue-subject he/she labelled by gender, gender "
                "hidden\n", nnews, newsp, npos, ndesc, nlab - npos - npron, npron);
    }
    fprintf(stderr, "coref_train: GUM train: %zu detected mentions, %zu of %zu gold person/org mentions detected (%.1f%%); %.1f s\n",
            ment, gold_ok, gold_all, 100.0 * (double)gold_ok / (double)(gold_all ? gold_all : 1), now_s() - t0);

    trainer tr;
    memset(&tr, 0, sizeof tr);
    tr.m = m;
    tr.w = ne_coref_weights(m, &tr.nw);
    tr.u = ne_xcalloc(tr.nw, sizeof *tr.u);
    tr.ws = ws;

    /* cross-validation: fold of GUM document i is i % K, of GAP row r is r % K */
    int windows[8] = { 20 }, nwin = 0;
    for (const char *p = windows_s; *p && nwin < 8;) {
        windows[nwin++] = atoi(p);
        p = strchr(p, ',');
        if (!p) break;
        p++;
    }
    size_t *idx = ne_xmalloc((nins + 1) * sizeof *idx), *held = ne_xmalloc((nins + 1) * sizeof *held);
    figures cv[8][51];
    memset(cv, 0, sizeof cv);
    int best_w = windows[0], best_e = 1;
    double best_obj = -1;
    for (int wi = 0; wi < nwin; wi++) {
        ne_coref_set_window(m, windows[wi]);
        figures sum[51];
        memset(sum, 0, sizeof sum);
        for (int f = 0; f < folds; f++) {
            size_t n = 0, nh = 0;
            for (size_t i = 0; i < nins; i++) {
                if (fold_of(i, nfiles, nfiles + ngap, folds) == f) held[nh++] = i; else idx[n++] = i;
            }
            figures pe[51];
            train(&tr, ins, idx, n, max_epochs, held, nh, pe);
            for (int e = 0; e < max_epochs; e++) {
                sum[e].gap += pe[e].gap / folds; sum[e].gapm += pe[e].gapm / folds; sum[e].gapf += pe[e].gapf / folds;
                sum[e].muc += pe[e].muc / folds; sum[e].b3 += pe[e].b3 / folds;
            }
        }
        for (int e = 0; e < max_epochs; e++) {
            cv[wi][e] = sum[e];
            fprintf(stderr, "cv window %2d epochs %d: GAP F1 %.3f (M %.3f F %.3f)  GUM MUC %.3f B3 %.3f  objective %.4f\n",
                    windows[wi], e + 1, sum[e].gap, sum[e].gapm, sum[e].gapf, sum[e].muc, sum[e].b3, objective(sum[e]));
            if (objective(sum[e]) > best_obj + 1e-9) { best_obj = objective(sum[e]); best_w = windows[wi]; best_e = e + 1; }
        }
        fprintf(stderr, "  (%.1f s)\n", now_s() - t0);
    }
    figures b = { 0 };
    for (int wi = 0; wi < nwin; wi++) if (windows[wi] == best_w) b = cv[wi][best_e - 1];
    /* --fold-models DIR: the chosen setting's model of each fold in DIR/F/
     * beside links to the NER model and the gazetteer, so that
     * tools/eval_coref.c --gap-cv DIR scores GAP development through the
     * entities stage with models that never saw the row */
    ne_coref_set_window(m, best_w);
    if (fold_dir) {
        char rn[4096], rg[4096], rs[4096], d[1024], l[1200];
        snprintf(path, sizeof path, "%s", nerp);
        char *sl = strrchr(path, '/');
        if (sl) snprintf(sl + 1, sizeof path - (size_t)(sl + 1 - path), "gazetteer.tsv");
        else snprintf(path, sizeof path, "gazetteer.tsv");
        if (!realpath(nerp, rn) || !realpath(path, rg)) { perror("coref_train: --fold-models"); return 1; }
        int have_syn = strcmp(synp, "none") != 0 && realpath(synp, rs) != NULL;
        mkdir(fold_dir, 0755);
        for (int f = 0; f < folds; f++) {
            size_t n = 0;
            for (size_t i = 0; i < nins; i++) {
                if (fold_of(i, nfiles, nfiles + ngap, folds) != f) idx[n++] = i;
            }
            train(&tr, ins, idx, n, best_e, NULL, 0, NULL);
            free(average(&tr));
            snprintf(d, sizeof d, "%s/%d", fold_dir, f);
            mkdir(d, 0755);
            snprintf(l, sizeof l, "%s/ner.model", d);
            unlink(l);
            if (symlink(rn, l) < 0) { perror(l); return 1; }
            snprintf(l, sizeof l, "%s/gazetteer.tsv", d);
            unlink(l);
            if (symlink(rg, l) < 0) { perror(l); return 1; }
            snprintf(l, sizeof l, "%s/syntax.model", d);
            unlink(l);
            if (have_syn && symlink(rs, l) < 0) { perror(l); return 1; }
            snprintf(l, sizeof l, "%s/coref.model", d);
            ne_coref_set_info(m, best_w, "a cross-validation fold (coref_train --fold-models)");
            if (ne_coref_save(m, l) < 0) { perror(l); return 1; }
        }
        fprintf(stderr, "coref_train: %d fold models in %s\n", folds, fold_dir);
    }
    /* final model on everything */
    size_t n = 0;
    for (size_t i = 0; i < nins; i++) idx[n++] = i;
    train(&tr, ins, idx, n, best_e, NULL, 0, NULL);
    free(average(&tr));
    char info[512];
    snprintf(info, sizeof info,
             "window %d epochs %d; %d-fold cv on %zu GUM train docs + %zu GAP dev rows: GAP F1 %.3f (M %.3f F %.3f) "
             "GUM MUC %.3f B3 %.3f; %zu given names, %zu nouns; %zu news texts",
             best_w, best_e, folds, nfiles, ngap, b.gap, b.gapm, b.gapf, b.muc, b.b3, nnames, nnouns, nnews);
    ne_coref_set_info(m, best_w, info);
    if (ne_coref_save(m, out) < 0) { perror(out); return 1; }
    printf("coref_train: wrote %s: %s (%.1f s)\n", out, info, now_s() - t0);

    for (size_t i = 0; i < nins; i++) ne_coref_inst_free(&ins[i]);
    free(ins); free(idx); free(held); free(docs); free(splits);
    free(tr.u); free(tr.root); free(tr.label); free(tr.cands); free(tr.f); free(tr.nf);
    ne_gap_free(gap, ngap);
    ne_coref_ws_free(ws);
    ne_ner_ws_free(nws);
    ne_ner_free(ner);
    ne_coref_free(m);
    return 0;
}
