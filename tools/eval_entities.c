/* eval_entities — scores the entities stage (the product, not the tagger
 * alone) on raw text rebuilt from a CoNLL-2003 file.
 *
 *   eval_entities [--model models/ner.model] [--misses N] [--tokens] [--no-types] CONLL_FILE
 *   eval_entities --train-types OUT --fold-model M0 ... --fold-model M4 eng.train
 *
 * Each -DOCSTART- document becomes the body a user would send: tokens
 * joined with spaces, none before closing punctuation (". , ; : ! ? ) %",
 * "'s", "n't") or after opening brackets and "$", straight double quotes
 * attached inwards (alternating open, close), and every CoNLL sentence a
 * paragraph of its own (the headline and the dateline are sentences, so
 * they are their own paragraphs, as on the wire). The stage then runs as
 * in the service (text layers, ne_entities_process, no watchlist), and
 * each name mention of the body (kind "name": its title is not part of
 * it; nor are a possessive "'s" and a final period, see name_end, cut
 * from gold spans too) is a found span, typed
 * with its entity's type. Gold spans are the
 * file's entities, mapped to the byte offsets of their tokens in the
 * rebuilt text. Scoring is exact: start byte, end byte and type.
 *
 * Printed: P/R/F1 per type and overall; untyped span F1 (type errors
 * aside); the commonest type confusions on exactly found spans; recall on
 * the gold entities in all-caps lines (headlines, datelines, tables: a
 * sentence with at least three letters and none lower-case) and on the
 * rest. --misses N prints up to N errors first, for reading: entities
 * missed, found but not in the gold ("extra"), found with another type
 * ("typed"); --tokens prints each CoNLL token the text tokenizer cuts
 * otherwise ("1996-08-30" in three, "England's" in one), as the tagger
 * learnt from CoNLL's cuts.
 * --no-types: the stage without its type model (the tagger's majority,
 * the bundled list first), the figures before it. --train-types: the
 * type model's training (below; make types-train).
 * Exit status 0, or 1 on an error. Single thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "config/config.h"
#include "enrichers/entities/entities.h"
#include "enrichers/entities/entities_int.h"
#include "enrichers/ner/ner.h"
#include "enrichers/text/text.h"

typedef struct span { uint32_t start, end; int type; int caps; } span;

/* True when the token should stick to the one before it. */
static int closes(const ne_ner_tok *t)
{
    static const char *const glued[] = { ".", ",", ";", ":", "!", "?", ")", "]", "}", "%",
                                         "'s", "'S", "n't", "N'T", "'re", "'ve", "'ll", "'d",
                                         "'m", "'", "..." };
    for (size_t i = 0; i < sizeof glued / sizeof *glued; i++)
        if (t->len == strlen(glued[i]) && !memcmp(t->ptr, glued[i], t->len)) return 1;
    return 0;
}

/* True when the token after this one should stick to it. */
static int opens(const ne_ner_tok *t)
{
    return t->len == 1 && (t->ptr[0] == '(' || t->ptr[0] == '[' || t->ptr[0] == '{' || t->ptr[0] == '$');
}

/* Rebuilds document d of c as text into buf (grown as needed); off[i]
 * gets the byte start of the document's token i. Returns the length. */
static size_t rebuild(const ne_ner_corpus *c, size_t d, char **buf, size_t *cap, uint32_t *off)
{
    size_t len = 0, k = 0;
    for (size_t s = c->doc_sent[d]; s < c->doc_sent[d + 1]; s++) {
        const ne_ner_sent *st = &c->sents[s];
        int glue_next = 1, in_quote = 0;
        if (s > c->doc_sent[d]) {
            if (len + 2 >= *cap) { *cap = 2 * *cap + 64; *buf = ne_xrealloc(*buf, *cap); }
            (*buf)[len++] = '\n';
            (*buf)[len++] = '\n';
        }
        for (size_t i = 0; i < st->ntoks; i++, k++) {
            const ne_ner_tok *t = &st->toks[i];
            int quote = t->len == 1 && t->ptr[0] == '"';
            int glue = glue_next || closes(t) || (quote && in_quote);
            if (len + t->len + 2 >= *cap) { *cap = 2 * *cap + t->len + 64; *buf = ne_xrealloc(*buf, *cap); }
            if (!glue) (*buf)[len++] = ' ';
            off[k] = (uint32_t)len;
            memcpy(*buf + len, t->ptr, t->len);
            len += t->len;
            glue_next = opens(t) || (quote && !in_quote);
            if (quote) in_quote = !in_quote;
        }
    }
    (*buf)[len] = '\0';
    return len;
}

/* True when the sentence is written in capitals: three letters or more,
 * none lower-case. */
static int caps_line(const ne_ner_sent *s)
{
    size_t upper = 0;
    for (size_t i = 0; i < s->ntoks; i++)
        for (size_t j = 0; j < s->toks[i].len; j++) {
            unsigned char ch = (unsigned char)s->toks[i].ptr[j];
            if (ch >= 'a' && ch <= 'z') return 0;
            if (ch >= 'A' && ch <= 'Z') upper++;
        }
    return upper >= 3;
}

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->type - y->type;
}

/* The end of a name without its possessive ("England's" → "England",
 * "Eagles'" → "Eagles") and a final period ("Inc." → "Inc"): the stage's
 * mentions cover whole tokens, the tokenizer keeps "'s" in the word and an
 * abbreviation's period with it, where CoNLL splits "'s" off and, at a
 * sentence end, gives the period to the sentence ("Co" "."). Gold and
 * found spans alike are cut so; the name itself is what is scored. */
static uint32_t name_end(const char *s, uint32_t start, uint32_t end)
{
    if (end - start > 1 && s[end - 1] == '.') end--;
    if (end - start > 2 && s[end - 2] == '\'' && (s[end - 1] == 's' || s[end - 1] == 'S')) return end - 2;
    if (end - start > 4 && !memcmp(s + end - 4, "\xe2\x80\x99", 3) && (s[end - 1] == 's' || s[end - 1] == 'S'))
        return end - 4;
    if (end - start > 2 && s[end - 1] == '\'' && (s[end - 2] == 's' || s[end - 2] == 'S')) return end - 1;
    return end;
}

/* The document's gold spans, in byte offsets. */
static size_t gold_spans(const ne_ner_corpus *c, size_t d, const uint32_t *off, const char *text, span *out)
{
    size_t n = 0, base = (size_t)(c->sents[c->doc_sent[d]].toks - c->toks);
    for (size_t s = c->doc_sent[d]; s < c->doc_sent[d + 1]; s++) {
        const ne_ner_sent *st = &c->sents[s];
        size_t first = (size_t)(st->toks - c->toks);
        ne_ner_span sp[512];
        size_t ns = ne_ner_spans(c->gold + first, st->ntoks, sp, 512);
        int caps = caps_line(st);
        for (size_t i = 0; i < ns && i < 512; i++) {
            size_t a = first - base + sp[i].tok_start, b = first - base + sp[i].tok_end - 1;
            uint32_t start = off[a], end = off[b] + (uint32_t)c->toks[base + b].len;
            out[n++] = (span){ start, name_end(text, start, end), (int)sp[i].type, caps };
        }
    }
    return n;
}

/* The stage's body name mentions, deduplicated, sorted. */
static size_t found_spans(const ne_doc *doc, span **out, size_t *cap)
{
    size_t n = 0;
    for (size_t e = 0; e < doc->nentities; e++)
        for (size_t m = 0; m < doc->entities[e].nmentions; m++) {
            const ne_mention *mt = &doc->entities[e].mentions[m];
            if (mt->field != NE_FIELD_BODY || mt->kind != NE_MENTION_NAME) continue;
            if (n == *cap) { *cap = 2 * *cap + 64; *out = ne_xrealloc(*out, *cap * sizeof **out); }
            (*out)[n++] = (span){ mt->start, name_end(doc->body, mt->start, mt->end),
                                 (int)doc->entities[e].type, 0 };
        }
    qsort(*out, n, sizeof **out, span_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || span_cmp(&(*out)[w - 1], &(*out)[i])) (*out)[w++] = (*out)[i];
    return w;
}

/* ---- training the type model (--train-types) ------------------------------------------
 *
 * Each entity of each document the stage outputs is an example: the
 * features of its cluster (ent_type_features, as the stage computes them)
 * and the gold type most of its body name mentions carry (mentions that
 * match no gold span exactly say nothing; an entity without any is no
 * example), weighted by those mentions, which is what the scores count.
 * The features do not depend on the type model, so the stage runs
 * without one. Averaged perceptron; the number of epochs is chosen by
 * 5-fold cross-validation over the documents (fold = document mod 5),
 * then the model is trained on all of them and written. Deterministic:
 * the order of each epoch comes from a fixed generator. */

#define TB (1u << ENT_TYPE_BITS)

typedef struct example {
    size_t f0, nf;     /* in the feature pool */
    int label, weight, doc, lo, fixed, before;
} example;

typedef struct trainset {
    uint32_t *feat; size_t nfeat, capfeat;
    example *ex;    size_t nex, capex;
} trainset;

/* Appends the examples of one processed document. */
static void collect_examples(trainset *ts, const ent_state *st, const ne_doc *doc, const span *gold, size_t ng,
                             int d)
{
    uint32_t f[512];
    for (size_t j = 0; j < st->ncl; j++) {
        const cluster *k = &st->cl[j];
        if (k->nment == 0) continue;
        int votes[4] = { 0 }, n = 0;
        for (size_t i = 0; i < st->nc; i++) {
            const cand *c = &st->c[i];
            if (c->cluster != (int32_t)j || c->field != NE_FIELD_BODY || c->kind == GZ_DIRECT || c->kind == GZ_ROLE)
                continue;
            const ne_text *t = &doc->body_text;
            size_t a = c->type == NE_ENT_PER && c->na > c->a && c->na < c->b ? c->na : c->a;
            uint32_t start = t->toks[a].start, end = name_end(doc->body, start, t->toks[c->b - 1].end);
            for (size_t g = 0; g < ng; g++)
                if (gold[g].start == start && gold[g].end == end) { votes[gold[g].type]++; n++; break; }
        }
        if (n == 0) continue;
        int label = 0;
        for (int t = 1; t < 4; t++) if (votes[t] > votes[label]) label = t;
        size_t nf = ent_type_features(st, doc, j, f, 512);
        if (ts->nfeat + nf > ts->capfeat) {
            ts->capfeat = 2 * ts->capfeat + nf + 1024;
            ts->feat = ne_xrealloc(ts->feat, ts->capfeat * sizeof *ts->feat);
        }
        memcpy(ts->feat + ts->nfeat, f, nf * sizeof *f);
        if (ts->nex == ts->capex) {
            ts->capex = 2 * ts->capex + 256;
            ts->ex = ne_xrealloc(ts->ex, ts->capex * sizeof *ts->ex);
        }
        ts->ex[ts->nex++] = (example){ ts->nfeat, nf, label, n, d, k->type == NE_ENT_PER ? 0 : 1,
                                       k->type == NE_ENT_PER && ent_person_vouched(st, k, j), k->type };
        ts->nfeat += nf;
    }
}

/* The type the model gives example e, as the stage decides it; margin
 * < 0: the best type, any. */
static int predict_m(const float *w, const trainset *ts, const example *e, float margin)
{
    if (e->fixed) return NE_ENT_PER;
    float sc[4] = { 0 };
    for (size_t i = 0; i < e->nf; i++)
        for (int t = 0; t < 4; t++) sc[t] += w[(size_t)ts->feat[e->f0 + i] * 4 + t];
    if (margin < 0) {
        int best = e->lo;
        for (int t = best + 1; t < 4; t++) if (sc[t] > sc[best]) best = t;
        return best;
    }
    ent_types m = { .w = NULL, .margin = margin };
    return ent_types_decide(&m, sc, e->lo == 0);
}

static int predict(const float *w, const trainset *ts, const example *e) { return predict_m(w, ts, e, -1); }

/* Averaged perceptron over the examples with in_train(doc), `epochs`
 * passes; after each pass, if acc is not NULL, acc[pass] += the weighted
 * correct count on the other examples. The averaged weights go to avg. */
static void perceptron(const trainset *ts, int fold, int epochs, double *acc, float *avg)
{
    float *w = ne_xcalloc((size_t)TB * 4, sizeof *w), *u = ne_xcalloc((size_t)TB * 4, sizeof *u);
    size_t *order = ne_xmalloc((ts->nex + 1) * sizeof *order), no = 0;
    for (size_t i = 0; i < ts->nex; i++)
        if (fold < 0 || ts->ex[i].doc % 5 != fold) order[no++] = i;
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    float cnt = 1;
    for (int ep = 0; ep < epochs; ep++) {
        for (size_t i = no; i > 1; i--) {   /* Fisher-Yates, fixed generator */
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t r = (size_t)((rng >> 33) % i), tmp = order[i - 1];
            order[i - 1] = order[r];
            order[r] = tmp;
        }
        for (size_t o = 0; o < no; o++, cnt++) {
            const example *e = &ts->ex[order[o]];
            /* a type the stage cannot give teaches nothing: a PERSON label of
             * an organisation's cluster would only grow without bound */
            if (e->fixed || e->label < e->lo) continue;
            int p = predict(w, ts, e);
            if (p == e->label) continue;
            for (size_t i = 0; i < e->nf; i++) {
                size_t b = (size_t)ts->feat[e->f0 + i] * 4;
                w[b + e->label] += 1; u[b + e->label] += cnt;
                w[b + p] -= 1;        u[b + p] -= cnt;
            }
        }
        for (size_t i = 0; i < (size_t)TB * 4; i++) avg[i] = w[i] - u[i] / cnt;
        if (acc)
            for (size_t i = 0; i < ts->nex; i++)
                if (ts->ex[i].doc % 5 == fold && predict(avg, ts, &ts->ex[i]) == ts->ex[i].label)
                    acc[ep] += ts->ex[i].weight;
    }
    free(w);
    free(u);
    free(order);
}

/* Cross-validates the number of epochs, trains on everything, writes out. */
static int train_types(const trainset *ts, const char *out)
{
    enum { MAXEP = 20 };
    double acc[MAXEP] = { 0 }, total = 0, before = 0;
    float *avg = ne_xcalloc((size_t)TB * 4, sizeof *avg);
    for (size_t i = 0; i < ts->nex; i++) {
        total += ts->ex[i].weight;
        before += ts->ex[i].before == ts->ex[i].label ? ts->ex[i].weight : 0;
    }
    for (int fold = 0; fold < 5; fold++) perceptron(ts, fold, MAXEP, acc, avg);
    int best = 0;
    printf("types: %zu entities (%.0f gold-matched mentions); mentions typed right, 5-fold cross-validation:\n",
           ts->nex, total);
    printf("  without the model (majority, the list first): %.4f\n", before / total);
    for (int ep = 0; ep < MAXEP; ep++) {
        printf("  %2d epochs: %.4f\n", ep + 1, acc[ep] / total);
        if (acc[ep] > acc[best]) best = ep;
    }
    /* the margin a person cluster needs to change type, by the same folds */
    static const float margins[] = { 0, 0.5f, 1, 2, 4, 8, 16, 1e30f };
    enum { NM = sizeof margins / sizeof *margins };
    double macc[NM] = { 0 };
    for (int fold = 0; fold < 5; fold++) {
        perceptron(ts, fold, best + 1, NULL, avg);
        for (size_t i = 0; i < ts->nex; i++)
            for (int m = 0; m < NM; m++)
                if (ts->ex[i].doc % 5 == fold && predict_m(avg, ts, &ts->ex[i], margins[m]) == ts->ex[i].label)
                    macc[m] += ts->ex[i].weight;
    }
    int bm = 0;
    for (int m = 0; m < NM; m++) {
        printf("  margin %g for a person to change type: %.4f\n", (double)margins[m], macc[m] / total);
        if (macc[m] >= macc[bm]) bm = m;   /* a tie keeps more people: the larger margin */
    }
    printf("types: %d epochs, margin %g, trained on all, written to %s\n", best + 1, (double)margins[bm], out);
    perceptron(ts, -1, best + 1, NULL, avg);
    FILE *f = fopen(out, "w");
    if (!f) { perror(out); free(avg); return -1; }
    fprintf(f, "newsenrich-types 1 %d %g\n", ENT_TYPE_BITS, (double)margins[bm]);
    for (size_t b = 0; b < TB; b++) {
        const float *w = avg + b * 4;
        if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0) continue;
        fprintf(f, "%zu %.5g %.5g %.5g %.5g\n", b, (double)w[0], (double)w[1], (double)w[2], (double)w[3]);
    }
    free(avg);
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const char *const names[4] = { "PER", "ORG", "LOC", "MISC" };
    const char *model = "models/ner.model", *path = NULL, *train_out = NULL;
    const char *fold_model[5] = { NULL };
    int misses = 0, show_tokens = 0, no_types = 0, nfold = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(argv[i], "--misses") && i + 1 < argc) misses = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tokens")) show_tokens = 1;
        else if (!strcmp(argv[i], "--no-types")) no_types = 1;
        else if (!strcmp(argv[i], "--train-types") && i + 1 < argc) train_out = argv[++i];
        else if (!strcmp(argv[i], "--fold-model") && i + 1 < argc && nfold < 5) fold_model[nfold++] = argv[++i];
        else if (argv[i][0] != '-' && !path) path = argv[i];
        else path = NULL, argc = 0;
    }
    if (!path) {
        fprintf(stderr, "usage: eval_entities [--model FILE] [--misses N] [--tokens] [--no-types] "
                        "[--train-types OUT [--fold-model FILE]x5] CONLL_FILE\n");
        return 1;
    }
    char err[512], json[1024];
    ne_ner_corpus c;
    if (ne_ner_corpus_read(path, &c, err, sizeof err) < 0) {
        fprintf(stderr, "eval_entities: %s\n", err);
        return 1;
    }
    snprintf(json, sizeof json, "{\"entities\": {\"model\": \"%s\"}}", model);
    ne_config *cfg = ne_config_load_string(json, strlen(json), err, sizeof err);
    void *stage = cfg ? ne_entities_create(cfg, err, sizeof err) : NULL;
    if (!stage) {
        fprintf(stderr, "eval_entities: %s\n", err);
        ne_config_free(cfg);
        ne_ner_corpus_free(&c);
        return 1;
    }

    /* --fold-model: document d goes through a stage with model d mod 5,
     * a tagger trained without that fifth of the file (jackknife), so
     * the type model learns from the tagger's errors on unseen text */
    void *fstage[5] = { NULL };
    ne_config *fcfg[5] = { NULL };
    if (nfold && nfold != 5) path = NULL;
    for (int k = 0; k < nfold; k++) {
        snprintf(json, sizeof json, "{\"entities\": {\"model\": \"%s\"}}", fold_model[k]);
        fcfg[k] = ne_config_load_string(json, strlen(json), err, sizeof err);
        if (!fcfg[k] || !(fstage[k] = ne_entities_create(fcfg[k], err, sizeof err))) {
            fprintf(stderr, "eval_entities: %s\n", err);
            return 1;
        }
        ent_types_free(&((ent_state *)fstage[k])->gz.types);
    }
    if (!path) {
        fprintf(stderr, "eval_entities: --fold-model wants five models\n");
        return 1;
    }
    ent_state *est = stage;
    trainset ts = { 0 };
    if (no_types || train_out) ent_types_free(&est->gz.types);   /* the stage as without a model */
    size_t tp[4] = { 0 }, fp[4] = { 0 }, fn[4] = { 0 }, untyped = 0, nfound = 0, ngold = 0;
    size_t confusion[4][4] = { { 0 } }, caps_gold = 0, caps_hit = 0, rest_gold = 0, rest_hit = 0;
    size_t bufcap = 0, fcap = 0, wrapped = 0;
    char *buf = NULL;
    uint32_t *off = ne_xmalloc((c.ntoks + 1) * sizeof *off);
    span *gold = ne_xmalloc((c.ntoks + 1) * sizeof *gold), *found = NULL;
    for (size_t d = 0; d < c.ndocs; d++) {
        size_t len = rebuild(&c, d, &buf, &bufcap, off);
        size_t ng = gold_spans(&c, d, off, buf, gold);
        ne_doc doc;
        memset(&doc, 0, sizeof doc);
        doc.body = ne_xmalloc(len + 1);
        memcpy(doc.body, buf, len + 1);
        doc.body_len = len;
        void *dst = nfold ? fstage[d % 5] : stage;
        if (ne_text_analyze(&doc.body_text, doc.body, len) < 0 || ne_entities_process(dst, &doc) < 0) {
            fprintf(stderr, "eval_entities: document %zu failed\n", d);
            return 1;
        }
        if (doc.body_text.wrap_width) wrapped++;
        if (show_tokens) {   /* CoNLL tokens the text tokenizer cuts otherwise */
            size_t base = (size_t)(c.sents[c.doc_sent[d]].toks - c.toks), nt = 0, k = 0;
            for (size_t s2 = c.doc_sent[d]; s2 < c.doc_sent[d + 1]; s2++) nt += c.sents[s2].ntoks;
            for (size_t i2 = 0; i2 < nt; i2++) {
                uint32_t a = off[i2], b = off[i2] + (uint32_t)c.toks[base + i2].len;
                while (k < doc.body_text.ntoks && doc.body_text.toks[k].end <= a) k++;
                if (k >= doc.body_text.ntoks || doc.body_text.toks[k].start != a || doc.body_text.toks[k].end != b)
                    printf("token  %.*s\n", (int)(b - a), buf + a);
            }
        }
        size_t nf = found_spans(&doc, &found, &fcap);
        qsort(gold, ng, sizeof *gold, span_cmp);
        if (train_out) collect_examples(&ts, dst, &doc, gold, ng, (int)d);
        /* Two sorted lists: walk them together on (start, end). */
        size_t i = 0, j = 0;
        while (i < ng || j < nf) {
            int cmp = i == ng ? 1 : j == nf ? -1
                    : gold[i].start != found[j].start ? (gold[i].start < found[j].start ? -1 : 1)
                    : gold[i].end != found[j].end ? (gold[i].end < found[j].end ? -1 : 1) : 0;
            if (cmp == 0) {
                int g = gold[i].type, f = found[j].type;
                untyped++;
                if (g == f) tp[g]++;
                else { fn[g]++; fp[f]++; confusion[g][f]++; }
                if (g != f && misses > 0 && !gold[i].caps) {
                    misses--;
                    printf("typed  %-4s as %-4s %.*s\n", names[g], names[f],
                           (int)(gold[i].end - gold[i].start), buf + gold[i].start);
                }
                if (gold[i].caps) caps_gold++, caps_hit += g == f;
                else rest_gold++, rest_hit += g == f;
                i++, j++;
            } else if (cmp < 0) {
                fn[gold[i].type]++;
                if (gold[i].caps) {
                    caps_gold++;
                    if (misses > 0) {
                        misses--;
                        printf("missed %-4s %.*s\n", names[gold[i].type],
                               (int)(gold[i].end - gold[i].start), buf + gold[i].start);
                    }
                } else {
                    rest_gold++;
                    if (misses > 0) {
                        misses--;
                        printf("missed %-4s %.*s\n", names[gold[i].type],
                               (int)(gold[i].end - gold[i].start), buf + gold[i].start);
                    }
                }
                i++;
            } else {
                fp[found[j].type]++;
                if (misses > 0) {
                    misses--;
                    printf("extra  %-4s %.*s\n", names[found[j].type],
                           (int)(found[j].end - found[j].start), buf + found[j].start);
                }
                j++;
            }
        }
        nfound += nf;
        ngold += ng;
        ne_doc_reset(&doc);
    }

    printf("%s: %zu documents rebuilt as raw text (%zu read as hard-wrapped), the entities stage on each\n",
           path, c.ndocs, wrapped);
    printf("%-8s %9s %9s %9s %7s %7s %7s\n", "type", "precision", "recall", "F1", "found", "gold", "correct");
    for (int t = -1; t < 4; t++) {
        size_t a = 0, b = 0, k = 0;
        for (int u = 0; u < 4; u++)
            if (t < 0 || u == t) { a += tp[u]; b += fp[u]; k += fn[u]; }
        double p = a + b ? (double)a / (double)(a + b) : 0, r = a + k ? (double)a / (double)(a + k) : 0;
        printf("%-8s %9.4f %9.4f %9.4f %7zu %7zu %7zu\n", t < 0 ? "overall" : names[t], p, r,
               p + r > 0 ? 2 * p * r / (p + r) : 0, a + b, a + k, a);
    }
    double up = nfound ? (double)untyped / (double)nfound : 0, ur = ngold ? (double)untyped / (double)ngold : 0;
    printf("spans, type aside: P %.4f R %.4f F1 %.4f\n", up, ur, up + ur > 0 ? 2 * up * ur / (up + ur) : 0);
    printf("type confusions (gold -> found) on exact spans:");
    for (int g = 0; g < 4; g++)
        for (int f = 0; f < 4; f++)
            if (confusion[g][f]) printf(" %s->%s %zu", names[g], names[f], confusion[g][f]);
    printf("\nrecall, entities in all-caps lines: %.4f (%zu of %zu); elsewhere: %.4f (%zu of %zu)\n",
           caps_gold ? (double)caps_hit / (double)caps_gold : 0, caps_hit, caps_gold,
           rest_gold ? (double)rest_hit / (double)rest_gold : 0, rest_hit, rest_gold);

    int rc = 0;
    if (train_out) rc = train_types(&ts, train_out) < 0;
    free(ts.feat);
    free(ts.ex);
    free(buf);
    free(off);
    free(gold);
    free(found);
    ne_entities_destroy(stage);
    ne_config_free(cfg);
    for (int k = 0; k < nfold; k++) {
        ne_entities_destroy(fstage[k]);
        ne_config_free(fcfg[k]);
    }
    ne_ner_corpus_free(&c);
    return rc;
}
