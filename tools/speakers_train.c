/* speakers_train — trains the quotes stage's speaker ranker
 * (enrichers/quotes/quotes_rank.c) on PolNeAR train (make speakers-train).
 *
 *   speakers_train --train FILE [--out models/speakers.model] [--folds 5] [--epochs 15]
 *                  [--show-unreachable]   (statements no candidate gets right)
 *                  [--cv-only]            (print the cross-validation, write no model)
 *
 * Examples. Each article goes through the text and entities stages and the
 * quotes extractor with the hand-ordered speaker rules (ws->rules), so the
 * statements, their frames and the previous speakers are those of the
 * rules. Each statement is matched to a gold attribution (any kind:
 * overlap of content bytes >= 0.3 of the longer, one to one, best first).
 * Its candidates (qt_speaker_candidates) are labelled: a candidate is
 * right when the gold source names an entity (tools/polnear_gold.h) and
 * the candidate resolves to it, or, when it names none, when the
 * candidate's words overlap the source span; "nobody" is right when the
 * attribution has no source. A statement without a right candidate is
 * kept for the figures (every choice is wrong) but not learned from.
 *
 * Learning. A ranking averaged perceptron over the hashed features
 * (qt_cand_features): when the highest-scoring candidate is wrong, the
 * highest-scoring right one gains its features and the chosen one loses
 * them. Examples are visited in a fixed pseudo-random order per epoch.
 *
 * Model selection. K-fold cross-validation over the articles (article i
 * in fold i mod K): for each number of epochs 1..E the mean accuracy over
 * the held-out folds; the best number of epochs is then used on all of
 * train. Printed per fold: accuracy of the rules and of the ranker (all
 * matched statements; and "resolved person": those whose source names an
 * entity, right when the chosen speaker is that entity). PolNeAR dev is
 * never read.
 *
 * Model file: "# comment" lines, then one "index weight" line per nonzero
 * averaged weight (index < 2^QT_SPK_BITS), weights with 6 significant
 * digits. Deterministic.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "common/nebuf.h"
#include "common/xalloc.h"
#include "config/config.h"
#include "enrichers/entities/entities.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/quotes/quotes_int.h"
#include "enrichers/text/text.h"
#include "tools/polnear_gold.h"

#define NW (1u << QT_SPK_BITS)

typedef struct cand_ex {
    uint32_t f0, nf;      /* features feats[f0, f0 + nf) */
    uint8_t right;
    uint8_t src;
    int32_t ent;
} cand_ex;

typedef struct example {
    uint32_t article;
    uint32_t c0, nc;      /* candidates cands[c0, c0 + nc) */
    uint8_t rules_right;  /* the hand-ordered rules' speaker is right */
    uint8_t reachable;    /* some candidate is right */
    uint8_t named;        /* the source names an entity */
    uint8_t kind;         /* quote kind */
    uint8_t rules_person; /* named: the rules' speaker is that entity */
} example;

static int show_unreachable, cv_only;
static example *ex;  static size_t nex, ex_cap;
static cand_ex *cands; static size_t ncands, cands_cap;
static uint32_t *feats; static size_t nfeats, feats_cap;

typedef struct gold {
    uint32_t b, e;        /* content bytes */
    uint32_t sb, se;      /* source bytes (sb == se: none) */
    int no_source;
    long ent;
} gold;

/* Whether a speaker (has, ent, words [ss, se)) is right for gold g; a
 * name mention is never right for a source that names nobody (it is a
 * modifier of the description: "a Trump campaign spokesman"). */
static int right_for(const gold *g, int has, long ent, uint32_t ss, uint32_t se, int mention)
{
    if (g->no_source || g->se <= g->sb) return !has;
    if (!has) return 0;
    if (g->ent >= 0) return ent == g->ent;
    return !mention && ss < g->se && se > g->sb;
}

/* Adds the examples of one article. */
static void article_examples(ne_quotes_ws *ws, ne_doc *doc, yajl_val art, uint32_t aidx)
{
    size_t ncp;
    uint32_t *c2b = pg_cp_to_byte(doc->body, doc->body_len, &ncp);
    yajl_val attrs = pg_jget(art, "attributions");
    size_t na = YAJL_IS_ARRAY(attrs) ? attrs->u.array.len : 0, ng = 0;
    gold *g = calloc(na + 1, sizeof *g);
    for (size_t i = 0; i < na; i++) {
        yajl_val a = attrs->u.array.values[i], content = pg_jget(a, "content"), src = pg_jget(a, "source");
        long b, e;
        if (!pg_span_bounds(content, ncp, &b, &e)) continue;
        gold *x = &g[ng++];
        x->b = c2b[b];
        x->e = c2b[e];
        x->no_source = YAJL_IS_TRUE(pg_jget(a, "no_source"));
        if (YAJL_IS_ARRAY(src) && src->u.array.len) {
            long sb = pg_jint(src->u.array.values[0], "start"), se = pg_jint(src->u.array.values[0], "end");
            if (sb >= 0 && se > sb && (size_t)se <= ncp) { x->sb = c2b[sb]; x->se = c2b[se]; }
        }
        x->ent = pg_gold_entity(doc, x->sb, x->se);
    }
    size_t np = doc->nquotes;
    pg_pair *pv = malloc((np * ng + 1) * sizeof *pv);
    size_t npv = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < ng; j++) {
            double o = pg_overlap(doc->quotes[i].start, doc->quotes[i].end, g[j].b, g[j].e);
            if (o >= 0.3) pv[npv++] = (pg_pair){o, (uint32_t)i, (uint32_t)j};
        }
    qsort(pv, npv, sizeof *pv, pg_pair_cmp);
    char *pu = calloc(np + 1, 1), *gu = calloc(ng + 1, 1);
    for (size_t k = 0; k < npv; k++) {
        if (pu[pv[k].p] || gu[pv[k].g]) continue;
        pu[pv[k].p] = gu[pv[k].g] = 1;
        size_t si = pv[k].p;
        const gold *gg = &g[pv[k].g];
        const ne_quote *q = &doc->quotes[si];
        qt_cand c[QT_MAXC];
        size_t nc = qt_speaker_candidates(ws, si, c);
        ne_grow(&ex, &ex_cap, nex + 1, sizeof *ex);
        example *e = &ex[nex++];
        memset(e, 0, sizeof *e);
        e->article = aidx;
        e->c0 = (uint32_t)ncands;
        e->nc = (uint32_t)nc;
        e->kind = (uint8_t)q->kind;
        e->named = gg->ent >= 0;
        e->rules_right = (uint8_t)right_for(gg, q->has_speaker, q->speaker_entity, q->speaker_start, q->speaker_end,
                                             q->speaker_entity >= 0 && ws->st[si].subj.kind == NP_MENTION);
        e->rules_person = e->named && q->has_speaker && q->speaker_entity == gg->ent;
        ne_grow(&cands, &cands_cap, ncands + nc, sizeof *cands);
        for (size_t ci = 0; ci < nc; ci++) {
            ne_grow(&feats, &feats_cap, nfeats + QT_MAXF, sizeof *feats);
            cand_ex *ce = &cands[ncands++];
            ce->f0 = (uint32_t)nfeats;
            ce->nf = (uint32_t)qt_cand_features(ws, si, c, nc, ci, feats + nfeats);
            nfeats += ce->nf;
            ce->src = c[ci].src;
            ce->ent = c[ci].ent;
            ce->right = (uint8_t)right_for(gg, c[ci].has_speaker, c[ci].ent, c[ci].sp_start, c[ci].sp_end,
                                           c[ci].kind == NP_MENTION);
            e->reachable |= ce->right;
        }
        if (show_unreachable && !e->reachable) {
            printf("UNREACHABLE %s gold=[%.*s] ent=%s cands:", doc->id, (int)(gg->se - gg->sb), doc->body + gg->sb,
                   gg->ent >= 0 ? doc->entities[gg->ent].name : "-");
            for (size_t ci = 0; ci < nc; ci++)
                printf(" %d:[%.*s]%s", c[ci].src, c[ci].has_speaker ? (int)(c[ci].sp_end - c[ci].sp_start) : 0,
                       doc->body + c[ci].sp_start, c[ci].ent >= 0 ? doc->entities[c[ci].ent].name : "-");
            printf("\n   q=[%.100s]\n", q->text);
        }
    }
    free(pv);
    free(pu);
    free(gu);
    free(g);
    free(c2b);
}

/* ---- the perceptron --------------------------------------------------------- */

static float score(const float *w, const cand_ex *c)
{
    float s = 0;
    for (uint32_t j = 0; j < c->nf; j++) s += w[feats[c->f0 + j]];
    return s;
}

static uint32_t choose(const float *w, const example *e)
{
    uint32_t best = 0;
    float bs = 0;
    for (uint32_t i = 0; i < e->nc; i++) {
        float s = score(w, &cands[e->c0 + i]);
        if (i == 0 || s > bs) { best = i; bs = s; }
    }
    return best;
}

typedef struct trainer {
    float *w, *u;     /* weights; sum of c * updates, for averaging */
    float *avg;
    long c;
} trainer;

static void update(trainer *t, const cand_ex *x, float d)
{
    for (uint32_t j = 0; j < x->nf; j++) {
        t->w[feats[x->f0 + j]] += d;
        t->u[feats[x->f0 + j]] += d * (float)t->c;
    }
}

/* One epoch over the examples whose article is not in fold `hold`
 * (hold < 0: all), in the order perm. */
static void epoch(trainer *t, const uint32_t *perm, int folds, int hold)
{
    for (size_t k = 0; k < nex; k++) {
        const example *e = &ex[perm[k]];
        if (hold >= 0 && (int)(e->article % (uint32_t)folds) == hold) continue;
        t->c++;
        if (!e->reachable) continue;
        uint32_t p = choose(t->w, e);
        if (cands[e->c0 + p].right) continue;
        uint32_t best = 0;
        float bs = 0;
        int any = 0;
        for (uint32_t i = 0; i < e->nc; i++) {
            if (!cands[e->c0 + i].right) continue;
            float s = score(t->w, &cands[e->c0 + i]);
            if (!any || s > bs) { best = i; bs = s; any = 1; }
        }
        update(t, &cands[e->c0 + best], 1);
        update(t, &cands[e->c0 + p], -1);
    }
}

static void averaged(trainer *t)
{
    for (size_t i = 0; i < NW; i++) t->avg[i] = t->w[i] - t->u[i] / (float)(t->c ? t->c : 1);
}

typedef struct tally { size_t n, ok, rules_ok, named, person_ok, rules_person, reach; } tally;

static void evaluate(const float *w, int folds, int hold, tally *tl)
{
    for (size_t k = 0; k < nex; k++) {
        const example *e = &ex[k];
        if (hold >= 0 && (int)(e->article % (uint32_t)folds) != hold) continue;
        uint32_t p = choose(w, e);
        tl->n++;
        tl->ok += cands[e->c0 + p].right;
        tl->rules_ok += e->rules_right;
        tl->reach += e->reachable;
        if (e->named) {
            tl->named++;
            tl->person_ok += cands[e->c0 + p].right;
            tl->rules_person += e->rules_person;
        }
    }
}

int main(int argc, char **argv)
{
    const char *train = NULL, *out = "models/speakers.model";
    int folds = 5, max_epochs = 15;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--train") && i + 1 < argc) train = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--show-unreachable")) show_unreachable = 1;
        else if (!strcmp(argv[i], "--cv-only")) cv_only = 1;
        else if (!strcmp(argv[i], "--folds") && i + 1 < argc) folds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) max_epochs = atoi(argv[++i]);
        else { fprintf(stderr, "usage: speakers_train --train FILE [--out MODEL] [--folds K] [--epochs E]\n"); return 2; }
    }
    if (!train || folds < 2 || max_epochs < 1 || max_epochs > 100) {
        fprintf(stderr, "usage: speakers_train --train FILE [--out MODEL] [--folds K] [--epochs E]\n");
        return 2;
    }
    char *all = nebuf_read_file(train, NULL);
    if (!all) { fprintf(stderr, "speakers_train: %s not found\n", train); return 1; }
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    if (!ent) { fprintf(stderr, "speakers_train: %s\n", err); return 1; }
    ne_quotes_ws *ws = ne_quotes_ws_new();
    ws->rules = 1;
    long nread = pg_each_article(all, ent, ws, article_examples, "speakers_train");
    if (nread < 0) return 1;
    uint32_t narticles = (uint32_t)nread;
    size_t reach = 0;
    for (size_t k = 0; k < nex; k++) reach += ex[k].reachable;
    printf("speakers-train: %s: %u articles, %zu statements matched to gold attributions, "
           "%zu with a right candidate (%.3f), %zu candidates, %zu features\n",
           train, narticles, nex, reach, nex ? (double)reach / (double)nex : 0, ncands, nfeats);
    uint32_t *perm = malloc((nex + 1) * sizeof *perm);
    for (size_t k = 0; k < nex; k++) perm[k] = (uint32_t)k;
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    for (size_t k = nex; k > 1; k--) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)((rng >> 33) % k);
        uint32_t tmp = perm[k - 1]; perm[k - 1] = perm[j]; perm[j] = tmp;
    }
    trainer t;
    t.w = calloc(NW, sizeof *t.w);
    t.u = calloc(NW, sizeof *t.u);
    t.avg = calloc(NW, sizeof *t.avg);
    /* cross-validation: accuracy per number of epochs */
    tally *cv = calloc((size_t)max_epochs + 1, sizeof *cv);
    tally *fold_best = calloc((size_t)folds * ((size_t)max_epochs + 1), sizeof *fold_best);
    for (int f = 0; f < folds; f++) {
        memset(t.w, 0, NW * sizeof *t.w);
        memset(t.u, 0, NW * sizeof *t.u);
        t.c = 0;
        for (int e = 1; e <= max_epochs; e++) {
            epoch(&t, perm, folds, f);
            averaged(&t);
            evaluate(t.avg, folds, f, &cv[e]);
            evaluate(t.avg, folds, f, &fold_best[(size_t)f * ((size_t)max_epochs + 1) + (size_t)e]);
        }
    }
    int best_e = 1;
    for (int e = 1; e <= max_epochs; e++) {
        printf("  cv epochs %2d: accuracy %.4f (%zu of %zu), resolved person %.4f\n", e,
               (double)cv[e].ok / (double)cv[e].n, cv[e].ok, cv[e].n,
               (double)cv[e].person_ok / (double)(cv[e].named ? cv[e].named : 1));
        if (cv[e].ok > cv[best_e].ok) best_e = e;
    }
    printf("%d-fold cross-validation on train, %d epochs (chosen by it):\n", folds, best_e);
    printf("  %-6s %9s %9s %9s | %14s %14s\n", "fold", "matched", "rules", "ranker", "person rules", "person ranker");
    for (int f = 0; f < folds; f++) {
        const tally *x = &fold_best[(size_t)f * ((size_t)max_epochs + 1) + (size_t)best_e];
        printf("  %-6d %9zu %9.3f %9.3f | %14.3f %14.3f\n", f, x->n, (double)x->rules_ok / (double)x->n,
               (double)x->ok / (double)x->n, (double)x->rules_person / (double)(x->named ? x->named : 1),
               (double)x->person_ok / (double)(x->named ? x->named : 1));
    }
    const tally *b = &cv[best_e];
    printf("  %-6s %9zu %9.3f %9.3f | %14.3f %14.3f   (person: %zu statements whose source names an entity)\n",
           "all", b->n, (double)b->rules_ok / (double)b->n, (double)b->ok / (double)b->n,
           (double)b->rules_person / (double)(b->named ? b->named : 1),
           (double)b->person_ok / (double)(b->named ? b->named : 1), b->named);
    int rc = 0;
    if (!cv_only) {
        /* the model: all of train */
        memset(t.w, 0, NW * sizeof *t.w);
        memset(t.u, 0, NW * sizeof *t.u);
        t.c = 0;
        for (int e = 1; e <= best_e; e++) epoch(&t, perm, folds, -1);
        averaged(&t);
        FILE *fo = fopen(out, "w");
        if (!fo) { fprintf(stderr, "speakers_train: cannot write %s\n", out); rc = 1; goto done; }
        size_t nz = 0;
        fprintf(fo, "# newsenrich speaker ranker (enrichers/quotes/quotes_rank.c): averaged perceptron, "
                    "%u hashed features, trained by tools/speakers_train.c on %s (%u articles, %zu statements), "
                    "%d epochs chosen by %d-fold cross-validation (accuracy %.4f; rules %.4f)\n",
                NW, "PolNeAR train", narticles, nex, best_e, folds, (double)b->ok / (double)b->n,
                (double)b->rules_ok / (double)b->n);
        for (size_t i = 0; i < NW; i++) {
            if (t.avg[i] == 0) continue;
            fprintf(fo, "%zu %.6g\n", i, (double)t.avg[i]);
            nz++;
        }
        fclose(fo);
        printf("wrote %s: %zu nonzero weights\n", out, nz);
    }
done:
    free(cv); free(fold_best); free(perm); free(t.w); free(t.u); free(t.avg);
    free(ex); free(cands); free(feats); free(all);
    ne_quotes_ws_free(ws);
    ne_entities_destroy(ent);
    ne_config_free(cfg);
    return rc;
}
