/* statements_train — trains the quotes stage's statement filter
 * (enrichers/quotes/quotes_filter.c) on PolNeAR train (make statements-train).
 *
 *   statements_train --train FILE [--out models/statements.model] [--folds 5] [--epochs 15]
 *                    [--cv-only]   (print the cross-validation, write no model)
 *                    [--show]      (train's candidates with their held-out scores)
 *                    [--ablate]    (the cross-validated F1 without each feature template:
 *                                   how the templates of quotes_filter.c were selected)
 *                    [--without T1,T2]  (leave those templates out of the whole run)
 *                    [--reps R]    (repeat the cross-validation R times with other folds and
 *                                   example orders: the mean and spread of the two F1s)
 *                    [--labels polnear|clause]  (which gold speech is a true statement:
 *                                   all of it, as eval_quotes counts, or only quoted speech
 *                                   and contents that are clauses; see g_clause_syn)
 *                    [--trial]     (the filter's trial templates too, quotes_filter.c's
 *                                   trial_features; implies --cv-only: the stage never
 *                                   computes them, so no model may be trained with them)
 *   statements_train --text TEXT     (one text's candidates and their scores under
 *                                     the built-in model, for debugging)
 *
 * Examples. Each article goes through the text and entities stages and the
 * quotes extractor with the filter off (ws->no_filter), so the candidates
 * are every reported statement the frames find (qt_stmt_candidate:
 * indirect and partial quotes with a speech verb). All the article's
 * statements are matched to its gold attributions one to one, best
 * overlap first (overlap of content bytes >= 0.3 of the longer, as
 * eval_quotes scores them). A candidate matched to a gold attribution of
 * speech is a true statement (+1); one matched to an attribution that is
 * not speech (PolNeAR also annotates beliefs, plans, appointments and
 * acts: "named her to the court", "issued subpoenas", "wants to") or to
 * none is false (-1). Speech is decided as eval_quotes decides it: one of
 * the cue's words is in the frozen list of speech verbs below (a copy of
 * eval_quotes.c's, so that training and scoring agree on what speech is
 * and the label does not move with the lexicon under test), or the cue is
 * only punctuation (a colon or dash tag).
 *
 * Learning. A binary averaged perceptron over the hashed features
 * (qt_stmt_features); examples in a fixed pseudo-random order per epoch.
 *
 * Model selection. K-fold cross-validation over the articles (article i in
 * fold i mod K): for each number of epochs 1..E the held-out scores of all
 * folds are pooled, and for each kind (indirect, partial) the threshold t
 * (kept when score >= t) that maximises the F1 of its group as
 * eval_quotes counts it on train: indirect statements against indirect
 * speech; partial quotes, with the direct quotes the filter does not
 * judge, against quoted speech; gold speech no statement found counts as
 * missed (k_tp, k_fp, k_fn below). The number of epochs with the best sum
 * of the two F1s and its thresholds are then used on all of train, and
 * each kind's t is subtracted from its kind feature's weight so that the
 * stage keeps a statement when its score is >= 0. Printed: the candidates'
 * precision, recall and F1 when all are kept (the rules alone) and with
 * the filter, per fold and pooled, and the two groups' F1. --ablate
 * prints the cross-validated sum without each feature template, which is
 * how the templates were chosen. PolNeAR dev is never read.
 *
 * Noise. One run's F1s move with the folds and the example order alone:
 * over 10 repetitions (--reps 10) the standard deviation is about 0.001
 * for indirect speech and 0.0004 for quoted speech, so a feature's gain
 * below ~0.003 indirect F1 is not told from noise (mk/statements.mk).
 *
 * Model file: as the speaker ranker's (quotes_rank.c): "# comment" lines,
 * then one "index weight" line per nonzero averaged weight (index <
 * 2^QT_STMT_BITS), 6 significant digits. Deterministic.
 */
#include <math.h>
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
#include "enrichers/syntax/syntax.h"
#include "enrichers/text/text.h"
#include "tools/polnear_gold.h"

#define NW (1u << QT_STMT_BITS)

typedef struct example {
    uint32_t article;
    uint32_t f0, nf;      /* features feats[f0, f0 + nf) */
    int8_t y;             /* +1 true statement, -1 false */
    int8_t y_ref;         /* the same under PolNeAR's labels (differs with --labels clause) */
    uint8_t part;         /* 0 indirect, 1 partial quote: each has its threshold */
    char *show;           /* --show: cue and text */
} example;

static int cv_only, show, ablate, trial;
/* --labels clause: a gold attribution of speech without quote marks is a
 * statement only when its content is a clause (the syntax tagger finds a
 * subject, a clause head or the root among its tokens): "denied that it
 * had interfered", not "denied the accusation", "asked for quick
 * action". PolNeAR annotates both; the default (--labels polnear) counts
 * both, as eval_quotes does. */
static ne_syntax_model *g_clause_syn;
static uint8_t *g_roles; static size_t g_roles_cap;
static ne_syn_word *g_words; static size_t g_words_cap;
/* What the filter does not decide, per group (0: indirect statements
 * against indirect speech, 1: direct and partial quotes against quoted
 * speech, as eval_quotes scores them): statements not judged that match
 * speech of their group (k_tp) or nothing (k_fp), and gold speech no
 * statement of its group matched (k_fn). They enter the F1 the
 * thresholds maximise, so that a true statement dropped costs what it
 * costs in the evaluation. */
static size_t k_tp[2], k_fp[2], k_fn[2];
static size_t r_tp[2], r_fp[2], r_fn[2];   /* the same under PolNeAR's labels */
static double g_ref_f[2];                  /* held-out F1s under PolNeAR's labels (--labels clause) */
static example *ex;  static size_t nex, ex_cap;
static uint32_t *feats; static size_t nfeats, feats_cap;
static uint8_t *ftmpl; static size_t ftmpl_cap;   /* each feature's template */
static uint64_t g_mask;                            /* templates left out (--ablate) */
static uint64_t g_fold_salt;                       /* 0: article i in fold i mod K; else a hash of i */

/* The fold of an article: i mod K, or, for the repetitions of --reps, a
 * hash of i salted by the repetition (other folds, same sizes roughly). */
static int fold_of(uint32_t article, int folds)
{
    if (!g_fold_salt) return (int)(article % (uint32_t)folds);
    return (int)(ne_mix64((uint64_t)article * 0x9E3779B97F4A7C15ULL ^ g_fold_salt) % (uint64_t)folds);
}

/* True when one of the words of the attribution's cue spans is a speech
 * verb, or the cue is only punctuation (a colon or dash tag). */
static int speech_cue(yajl_val cue)
{
    int letters = 0, any = 0;
    for (size_t j = 0; YAJL_IS_ARRAY(cue) && j < cue->u.array.len; j++) {
        const char *path[] = {"text", NULL};
        const char *p = YAJL_GET_STRING(yajl_tree_get(cue->u.array.values[j], path, yajl_t_string));
        if (p && *p) any = 1;
        if (p && pg_speech_words(p, &letters)) return 1;
    }
    return !letters && any;
}

/* Adds the candidates of one article (its quotes are ws->st, in order). */
static void article_examples(ne_quotes_ws *ws, ne_doc *doc, yajl_val art, uint32_t aidx)
{
    size_t ncp;
    uint32_t *c2b = pg_cp_to_byte(doc->body, doc->body_len, &ncp);
    yajl_val attrs = pg_jget(art, "attributions");
    size_t na = YAJL_IS_ARRAY(attrs) ? attrs->u.array.len : 0, ng = 0;
    uint32_t *gb = ne_xcalloc(na + 1, sizeof *gb), *ge = ne_xcalloc(na + 1, sizeof *ge);
    char *gspeech = ne_xcalloc(na + 1, 1), *gquoted = ne_xcalloc(na + 1, 1), *gref = ne_xcalloc(na + 1, 1);
    for (size_t i = 0; i < na; i++) {
        yajl_val content = pg_jget(attrs->u.array.values[i], "content");
        long b, e;
        if (!pg_span_bounds(content, ncp, &b, &e)) continue;
        gspeech[ng] = (char)speech_cue(pg_jget(attrs->u.array.values[i], "cue"));
        /* quoted as eval_quotes reads it: the flag, or the NYT archive's '' marks */
        int quoted = YAJL_IS_TRUE(pg_jget(attrs->u.array.values[i], "content_has_quote_marks"));
        for (size_t j = 0; !quoted && j < content->u.array.len; j++) {
            const char *path[] = {"text", NULL};
            const char *t = YAJL_GET_STRING(yajl_tree_get(content->u.array.values[j], path, yajl_t_string));
            quoted = t && strstr(t, "''") != NULL;
        }
        gquoted[ng] = (char)quoted;
        gref[ng] = gspeech[ng];
        gb[ng] = c2b[b];
        ge[ng++] = c2b[e];
    }
    if (g_clause_syn) {   /* the body's grammatical roles, then which gold contents are clauses */
        const ne_text *t = &doc->body_text;
        ne_grow(&g_roles, &g_roles_cap, t->ntoks + 1, 1);
        memset(g_roles, 0, t->ntoks + 1);
        for (size_t si = 0; si < t->nsents; si++) {
            size_t a = t->sents[si].tok_start, b = t->sents[si].tok_end < t->ntoks ? t->sents[si].tok_end : t->ntoks;
            if (a >= b) continue;
            ne_grow(&g_words, &g_words_cap, b - a, sizeof *g_words);
            for (size_t i = a; i < b; i++)
                g_words[i - a] = (ne_syn_word){t->s + t->toks[i].start, t->toks[i].end - t->toks[i].start};
            ne_syntax_tag(g_clause_syn, g_words, b - a, g_roles + a);
        }
        for (size_t j = 0; j < ng; j++) {
            if (!gspeech[j] || gquoted[j]) continue;
            int clause = 0;
            for (size_t i = 0; i < t->ntoks && !clause; i++) {
                if (t->toks[i].start < gb[j] || t->toks[i].end > ge[j]) continue;
                uint8_t r = g_roles[i];
                clause = r == NE_SYN_NSUBJ || r == NE_SYN_CLAUSE || r == NE_SYN_ROOT;
            }
            gspeech[j] = (char)clause;
        }
    }
    size_t np = doc->nquotes;
    pg_pair *pv = ne_xmalloc((np * ng + 1) * sizeof *pv);
    size_t npv = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < ng; j++) {
            double o = pg_overlap(doc->quotes[i].start, doc->quotes[i].end, gb[j], ge[j]);
            if (o >= 0.3) pv[npv++] = (pg_pair){o, (uint32_t)i, (uint32_t)j};
        }
    qsort(pv, npv, sizeof *pv, pg_pair_cmp);
    char *pu = ne_xcalloc(np + 1, 1), *gu = ne_xcalloc(ng + 1, 1), *pr = ne_xcalloc(np + 1, 1);
    uint32_t *pg = ne_xcalloc(np + 1, sizeof *pg);
    for (size_t k = 0; k < npv; k++) {
        if (pu[pv[k].p] || gu[pv[k].g]) continue;
        gu[pv[k].g] = 1;
        pu[pv[k].p] = (char)(1 + gspeech[pv[k].g]);   /* 1: matched, not speech; 2: speech */
        pr[pv[k].p] = (char)(1 + gref[pv[k].g]);
        pg[pv[k].p] = pv[k].g;
    }
    for (int ref = 0; ref < 2; ref++) {   /* the active labels, then PolNeAR's */
        const char *gs = ref ? gref : gspeech, *ps = ref ? pr : pu;
        size_t *ktp = ref ? r_tp : k_tp, *kfp = ref ? r_fp : k_fp, *kfn = ref ? r_fn : k_fn;
        for (size_t j = 0; j < ng; j++) {   /* gold speech no statement of its group matched */
            if (!gs[j]) continue;
            int found = 0;
            for (size_t i = 0; i < np && !found; i++)
                found = ps[i] == 2 && pg[i] == j && (doc->quotes[i].kind != NE_QUOTE_INDIRECT) == gquoted[j];
            if (!found) kfn[(int)gquoted[j]]++;
        }
        for (size_t i = 0; i < np && i < ws->nst; i++) {   /* statements the filter does not judge */
            int grp = doc->quotes[i].kind != NE_QUOTE_INDIRECT;
            if (qt_stmt_candidate(ws, &ws->st[i])) continue;
            if (ps[i] == 2 && gquoted[pg[i]] == grp) ktp[grp]++;
            else if (ps[i] != 1) kfp[grp]++;
        }
    }
    for (size_t i = 0; i < np && i < ws->nst; i++) {
        const stmt *s = &ws->st[i];
        if (!qt_stmt_candidate(ws, s)) continue;
        ne_grow(&ex, &ex_cap, nex + 1, sizeof *ex);
        ne_grow(&feats, &feats_cap, nfeats + QT_STMT_MAXF, sizeof *feats);
        ne_grow(&ftmpl, &ftmpl_cap, nfeats + QT_STMT_MAXF, sizeof *ftmpl);
        example *e = &ex[nex++];
        e->article = aidx;
        e->f0 = (uint32_t)nfeats;
        e->nf = (uint32_t)qt_stmt_features(ws, s, feats + nfeats, ftmpl + nfeats);
        nfeats += e->nf;
        e->y = pu[i] == 2 ? 1 : -1;
        e->y_ref = pr[i] == 2 ? 1 : -1;
        e->part = s->kind == NE_QUOTE_PARTIAL;
        e->show = NULL;
        if (show) {
            const ne_quote *q = &doc->quotes[i];
            size_t len = strlen(q->text) + 256;
            e->show = ne_xmalloc(len);
            const ne_token *ck = &doc->body_text.toks[s->cue];
            size_t cb = ck->start > 40 ? ck->start - 40 : 0, ctx_end = ck->end + 40 < doc->body_len ? ck->end + 40 : doc->body_len;
            snprintf(e->show, len, "%s %s%s cue=%s ctx=[%.*s] spk=[%s] [%.150s]", doc->id,
                     ne_quote_kind_name(q->kind), s->cend <= (uint32_t)s->cue ? " (before)" : "", q->cue ? q->cue : "-",
                     (int)(ctx_end - cb), doc->body + cb, q->speaker_text ? q->speaker_text : "-", q->text);
            for (char *x = e->show; *x; x++)   /* one line per candidate */
                if (*x == '\n' || *x == '\r' || *x == '\t') *x = ' ';
        }
    }
    free(pv); free(pu); free(pr); free(pg); free(gu); free(gb); free(ge); free(gspeech); free(gquoted); free(gref);
    free(c2b);
}

/* ---- the perceptron --------------------------------------------------------- */

static float score(const float *w, const example *e)
{
    float s = 0;
    for (uint32_t j = 0; j < e->nf; j++)
        if (!(g_mask >> ftmpl[e->f0 + j] & 1)) s += w[feats[e->f0 + j]];
    return s;
}

typedef struct trainer {
    float *w, *u, *avg;   /* weights; sum of c * updates, for averaging; the average */
    long c;
} trainer;

static void trainer_reset(trainer *t)
{
    memset(t->w, 0, NW * sizeof *t->w);
    memset(t->u, 0, NW * sizeof *t->u);
    t->c = 0;
}

/* One epoch over the examples whose article is not in fold `hold`
 * (hold < 0: all), in the order perm. */
static void epoch(trainer *t, const uint32_t *perm, int folds, int hold)
{
    for (size_t k = 0; k < nex; k++) {
        const example *e = &ex[perm[k]];
        if (hold >= 0 && fold_of(e->article, folds) == hold) continue;
        t->c++;
        if ((float)e->y * score(t->w, e) > 0) continue;
        for (uint32_t j = 0; j < e->nf; j++) {
            if (g_mask >> ftmpl[e->f0 + j] & 1) continue;
            t->w[feats[e->f0 + j]] += e->y;
            t->u[feats[e->f0 + j]] += (float)e->y * (float)t->c;
        }
    }
}

static void averaged(trainer *t)
{
    for (size_t i = 0; i < NW; i++) t->avg[i] = t->w[i] - t->u[i] / (float)(t->c ? t->c : 1);
}

typedef struct prf { size_t tp, fp, fn, tn; } prf;

static double f1(const prf *x)
{
    return x->tp ? 2.0 * (double)x->tp / (double)(2 * x->tp + x->fp + x->fn) : 0;
}

static void tally(prf *x, int y, int keep)
{
    if (keep) { if (y > 0) x->tp++; else x->fp++; }
    else { if (y > 0) x->fn++; else x->tn++; }
}

typedef struct scored { float s; int8_t y; } scored;

static int scored_cmp(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return x->s < y->s ? 1 : x->s > y->s ? -1 : (x->y > y->y ? -1 : x->y < y->y);
}

/* The group's F1 as the evaluation counts it, when the filter keeps tp
 * true and fp false statements of the group's pos true ones. */
static double group_f1(int grp, size_t tp, size_t fp, size_t pos)
{
    double t = (double)(tp + k_tp[grp]);
    return t > 0 ? 2 * t / (2 * t + (double)(fp + k_fp[grp]) + (double)(pos - tp + k_fn[grp])) : 0;
}

/* The two groups' F1s under PolNeAR's labels (y_ref) of the held-out
 * scores hs with thresholds th: what eval_quotes would count of a filter
 * trained with --labels clause. */
static void reference_f1(const float *hs, const float th[2], double f[2])
{
    for (int grp = 0; grp < 2; grp++) {
        size_t pos = 0, tp = 0, fp = 0;
        for (size_t k = 0; k < nex; k++) {
            if (ex[k].part != grp) continue;
            pos += ex[k].y_ref > 0;
            if (hs[k] >= th[grp]) { tp += ex[k].y_ref > 0; fp += ex[k].y_ref < 0; }
        }
        double t = (double)(tp + r_tp[grp]);
        f[grp] = t > 0 ? 2 * t / (2 * t + (double)(fp + r_fp[grp]) + (double)(pos - tp + r_fn[grp])) : 0;
    }
}

/* The threshold over the pooled held-out scores of group grp's candidates
 * that maximises the group's F1 (kept when score >= t): every cut between
 * two distinct sorted scores, and keeping all. */
static float best_threshold(scored *sc, size_t n, int grp, double *best_f1)
{
    qsort(sc, n, sizeof *sc, scored_cmp);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) pos += sc[i].y > 0;
    size_t tp = 0, fp = 0;
    double bf = group_f1(grp, pos, n - pos, pos);   /* keep all */
    float bt = n ? sc[n - 1].s - 1 : 0;
    for (size_t i = 0; i < n; i++) {
        if (sc[i].y > 0) tp++; else fp++;
        if (i + 1 < n && sc[i + 1].s == sc[i].s) continue;
        double f = group_f1(grp, tp, fp, pos);
        if (f > bf) {
            bf = f;
            bt = i + 1 < n ? (sc[i].s + sc[i + 1].s) / 2 : sc[i].s - 1;
        }
    }
    *best_f1 = bf;
    return bt;
}

/* Cross-validation over the articles (article i in fold i mod `folds`):
 * the held-out scores of every fold after each epoch 1..max_epochs into
 * held (max_epochs rows of nex); per number of epochs, each kind's
 * threshold that maximises its group's F1 over the pooled held-out
 * scores. Returns the best sum of the two F1s, its epochs and thresholds;
 * prints a line per epoch when verbose. */
static double cross_validate(trainer *t, const uint32_t *perm, int folds, int max_epochs, float *held, int verbose,
                             int *best_e, float best_t[2], double best_fk[2])
{
    for (int f = 0; f < folds; f++) {
        trainer_reset(t);
        for (int e = 1; e <= max_epochs; e++) {
            epoch(t, perm, folds, f);
            averaged(t);
            for (size_t k = 0; k < nex; k++)
                if (fold_of(ex[k].article, folds) == f) held[(size_t)(e - 1) * nex + k] = score(t->avg, &ex[k]);
        }
    }
    scored *sc = ne_xcalloc(nex + 1, sizeof *sc);
    double best_f = -1;
    for (int e = 1; e <= max_epochs; e++) {
        float te[2];
        double fk[2];
        for (int part = 0; part < 2; part++) {
            size_t n = 0;
            for (size_t k = 0; k < nex; k++)
                if (ex[k].part == part) sc[n++] = (scored){held[(size_t)(e - 1) * nex + k], ex[k].y};
            te[part] = best_threshold(sc, n, part, &fk[part]);
        }
        if (verbose)
            printf("  cv epochs %2d: indirect speech F1 %.4f at threshold %.3f, quoted speech F1 %.4f at %.3f\n", e,
                   fk[0], (double)te[0], fk[1], (double)te[1]);
        if (fk[0] + fk[1] > best_f) {
            best_f = fk[0] + fk[1];
            *best_e = e;
            best_t[0] = te[0]; best_t[1] = te[1];
            best_fk[0] = fk[0]; best_fk[1] = fk[1];
        }
    }
    free(sc);
    reference_f1(held + (size_t)(*best_e - 1) * nex, best_t, g_ref_f);
    return best_f;
}

/* The cross-validation repeated `reps` times, each with other folds
 * (fold_of) and another example order: the mean of the best sums of the
 * two F1s; with fk, the means of each F1, printed with their spread.
 * One run's F1s move by a few thousandths with the folds and the order
 * alone; --reps is how a feature's gain is told from that noise. */
static double repeated_cv(trainer *t, uint32_t *perm, int folds, int max_epochs, float *held, int reps, double fk[2])
{
    double sum = 0, s[2] = {0, 0}, sq[2] = {0, 0}, ref[2] = {0, 0};
    uint32_t *p = ne_xmalloc((nex + 1) * sizeof *p);
    for (int r = 0; r < reps; r++) {
        memcpy(p, perm, nex * sizeof *p);
        uint64_t rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(r + 1);
        for (size_t k = nex; r > 0 && k > 1; k--) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t j = (size_t)((rng >> 33) % k);
            uint32_t tmp = p[k - 1]; p[k - 1] = p[j]; p[j] = tmp;
        }
        g_fold_salt = (uint64_t)r;
        int be;
        float bt[2];
        double f[2];
        sum += cross_validate(t, p, folds, max_epochs, held, 0, &be, bt, f);
        for (int g = 0; g < 2; g++) { s[g] += f[g]; sq[g] += f[g] * f[g]; ref[g] += g_ref_f[g]; }
    }
    g_fold_salt = 0;
    free(p);
    if (fk) {
        for (int g = 0; g < 2; g++) fk[g] = s[g] / reps;
        double sd[2];
        for (int g = 0; g < 2; g++) {
            double v = sq[g] / reps - fk[g] * fk[g];
            sd[g] = v > 0 ? sqrt(v) : 0;
        }
        printf("%d repetitions of the %d-fold cross-validation (other folds and orders): indirect speech F1 %.4f "
               "(sd %.4f), quoted speech F1 %.4f (sd %.4f)\n", reps, folds, fk[0], sd[0], fk[1], sd[1]);
        if (g_clause_syn)
            printf("  the same filters under PolNeAR's labels (as eval_quotes counts): indirect speech F1 %.4f, quoted "
                   "speech F1 %.4f\n", ref[0] / reps, ref[1] / reps);
    }
    return sum / reps;
}

/* --text: the candidates of one text and their scores under the built-in
 * model (>= 0: kept). */
static int show_text(const char *text)
{
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    if (!ent) { fprintf(stderr, "statements_train: %s\n", err); return 1; }
    ne_quotes_ws *ws = ne_quotes_ws_new();
    ws->no_filter = 1;
    ne_doc doc;
    const float *w = qt_stmt_weights();
    if (pg_enrich_text(ent, ws, &doc, "text", text) < 0) return 1;
    for (size_t i = 0; i < ws->nst && i < doc.nquotes; i++) {
        const ne_quote *q = &doc.quotes[i];
        if (!qt_stmt_candidate(ws, &ws->st[i])) {
            printf("(not judged) %s [%s]\n", ne_quote_kind_name(q->kind), q->text);
            continue;
        }
        printf("%+.3f %s cue=%s [%s]\n", w ? (double)qt_stmt_score(ws, &ws->st[i], w) : 0.0,
               ne_quote_kind_name(q->kind), q->cue ? q->cue : "-", q->text);
        uint32_t f[QT_STMT_MAXF];
        uint8_t tm[QT_STMT_MAXF];
        size_t nf = qt_stmt_features(ws, &ws->st[i], f, tm);
        for (size_t j = 0; w && j < nf; j++) printf("    %-12s %+.3f\n", qt_stmt_template_name(tm[j]), (double)w[f[j]]);
    }
    ne_doc_reset(&doc);
    ne_quotes_ws_free(ws);
    ne_entities_destroy(ent);
    ne_config_free(cfg);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--text")) return show_text(argv[2]);
    const char *train = NULL, *out = "models/statements.model";
    int folds = 5, max_epochs = 15, reps = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--train") && i + 1 < argc) train = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--cv-only")) cv_only = 1;
        else if (!strcmp(argv[i], "--show")) show = 1;
        else if (!strcmp(argv[i], "--ablate")) ablate = 1;
        else if (!strcmp(argv[i], "--without") && i + 1 < argc) {   /* templates left out of the whole run */
            const char *list = argv[++i];
            for (unsigned tp = 1; tp < QT_STMT_NTEMPL; tp++) {
                const char *nm = qt_stmt_template_name(tp), *p = strstr(list, nm);
                size_t l = strlen(nm);
                if (p && (p == list || p[-1] == ',') && (p[l] == '\0' || p[l] == ',')) g_mask |= 1ull << tp;
            }
        }
        else if (!strcmp(argv[i], "--folds") && i + 1 < argc) folds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--trial")) trial = cv_only = 1;
        else if (!strcmp(argv[i], "--labels") && i + 1 < argc) {
            const char *l = argv[++i];
            if (!strcmp(l, "clause")) {
                char serr[256];
                g_clause_syn = ne_syntax_load("models/syntax.model", serr, sizeof serr);
                if (!g_clause_syn) { fprintf(stderr, "statements_train: %s\n", serr); return 1; }
            } else if (strcmp(l, "polnear") != 0) { train = NULL; break; }
        }
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) max_epochs = atoi(argv[++i]);
        else { train = NULL; break; }
    }
    if (!train || folds < 2 || max_epochs < 1 || max_epochs > 100 || reps < 1 || reps > 100) {
        fprintf(stderr, "usage: statements_train --train FILE [--out MODEL] [--folds K] [--epochs E] [--cv-only] "
                        "[--show] [--ablate] [--reps R] [--without T1,T2] [--labels polnear|clause] [--trial]\n");
        return 2;
    }
    char *all = nebuf_read_file(train, NULL);
    if (!all) { fprintf(stderr, "statements_train: %s not found\n", train); return 1; }
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    if (!ent) { fprintf(stderr, "statements_train: %s\n", err); return 1; }
    ne_quotes_ws *ws = ne_quotes_ws_new();
    ws->no_filter = 1;
    ws->stmt_trial = trial;
    long nread = pg_each_article(all, ent, ws, article_examples, "statements_train");
    if (nread < 0) return 1;
    uint32_t narticles = (uint32_t)nread;
    size_t npos = 0;
    for (size_t k = 0; k < nex; k++) npos += ex[k].y > 0;
    printf("statements-train: %s: %u articles, %zu candidate statements (indirect and partial, with a cue), "
           "%zu true (%.3f), %zu features\n", train, narticles, nex, npos, nex ? (double)npos / (double)nex : 0,
           nfeats);
    uint32_t *perm = ne_xmalloc((nex + 1) * sizeof *perm);
    for (size_t k = 0; k < nex; k++) perm[k] = (uint32_t)k;
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    for (size_t k = nex; k > 1; k--) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)((rng >> 33) % k);
        uint32_t tmp = perm[k - 1]; perm[k - 1] = perm[j]; perm[j] = tmp;
    }
    trainer t;
    t.w = ne_xcalloc(NW, sizeof *t.w);
    t.u = ne_xcalloc(NW, sizeof *t.u);
    t.avg = ne_xcalloc(NW, sizeof *t.avg);
    float *held = ne_xcalloc((size_t)max_epochs * (nex + 1), sizeof *held);
    int best_e = 1;
    float best_t[2] = {0, 0};
    if (ablate) {   /* feature selection: the cross-validated F1 without each template */
        uint64_t base = g_mask;
        double all_f = repeated_cv(&t, perm, folds, max_epochs, held, reps, NULL);
        printf("ablation (5-fold cross-validated indirect + quoted speech F1, without one feature template; "
               "all: %.4f):\n", all_f);
        for (unsigned tp = 1; tp < QT_STMT_NTEMPL; tp++) {
            if (base >> tp & 1) continue;
            g_mask = base | 1ull << tp;
            double fa = repeated_cv(&t, perm, folds, max_epochs, held, reps, NULL);
            printf("  without %-12s F1 %.4f (%+.4f)\n", qt_stmt_template_name(tp), fa, fa - all_f);
        }
        g_mask = base;
    }
    if (reps > 1) {
        double fk[2];
        repeated_cv(&t, perm, folds, max_epochs, held, reps, fk);
    }
    double best_fk[2];
    cross_validate(&t, perm, folds, max_epochs, held, 1, &best_e, best_t, best_fk);
    printf("%d-fold cross-validation on train, %d epochs, thresholds %.3f (indirect) and %.3f (partial), chosen "
           "by it:\n", folds, best_e, (double)best_t[0], (double)best_t[1]);
    printf("  %-8s %10s %8s | %24s | %24s\n", "fold", "candidates", "true", "keep all: P / R / F1",
           "filter: P / R / F1");
    prf tot_all = {0}, tot_f = {0};
    for (int f = 0; f <= folds + 2; f++) {   /* the folds, all, then all indirect and all partial */
        prf a = {0}, x = {0};
        for (size_t k = 0; k < nex; k++) {
            if (f < folds && fold_of(ex[k].article, folds) != f) continue;
            if (f > folds && ex[k].part != f - folds - 1) continue;
            float d = held[(size_t)(best_e - 1) * nex + k] - best_t[ex[k].part];
            int keep = d >= 0;
            tally(&a, ex[k].y, 1);
            tally(&x, ex[k].y, keep);
            if (f == folds && show && ex[k].show)
                printf("%s %+.2f %s\n", keep != (ex[k].y > 0) ? (keep ? "KEPT-FALSE" : "DROPPED-TRUE")
                                                              : (keep ? "KEPT-TRUE" : "DROPPED-FALSE"),
                       (double)d, ex[k].show);
        }
        if (f == folds) { tot_all = a; tot_f = x; }
        char label[16];
        snprintf(label, sizeof label, f < folds ? "%d" : f == folds ? "all" : f == folds + 1 ? "indirect" : "partial",
                 f);
        printf("  %-8s %10zu %8zu | %7.3f %7.3f %7.3f  | %7.3f %7.3f %7.3f\n", label,
               a.tp + a.fp + a.fn + a.tn, a.tp + a.fn, (double)a.tp / (double)(a.tp + a.fp ? a.tp + a.fp : 1),
               1.0, f1(&a), (double)x.tp / (double)(x.tp + x.fp ? x.tp + x.fp : 1),
               (double)x.tp / (double)(x.tp + x.fn ? x.tp + x.fn : 1), f1(&x));
    }
    printf("  dropped: %zu false and %zu true statements of %zu\n", tot_f.tn, tot_f.fn, nex);
    double gf_all[2] = {0, 0}, gf_filter[2] = {0, 0};
    for (int grp = 0; grp < 2; grp++) {   /* as eval_quotes would score train, the filter held out */
        size_t pos = 0, n = 0, tp = 0, fp = 0;
        for (size_t k = 0; k < nex; k++) {
            if (ex[k].part != grp) continue;
            n++;
            pos += ex[k].y > 0;
            if (held[(size_t)(best_e - 1) * nex + k] >= best_t[grp]) { tp += ex[k].y > 0; fp += ex[k].y < 0; }
        }
        gf_all[grp] = group_f1(grp, pos, n - pos, pos);
        gf_filter[grp] = group_f1(grp, tp, fp, pos);
        printf("  %s speech F1 on train (all statements, overlap >= 0.3; the filter held out): %.4f without the "
               "filter, %.4f with it\n", grp ? "quoted" : "indirect", gf_all[grp], gf_filter[grp]);
    }
    if (g_clause_syn)   /* set by the cross-validation above */
        printf("  the same filter under PolNeAR's labels (as eval_quotes counts): indirect speech F1 %.4f, quoted "
               "speech F1 %.4f\n", g_ref_f[0], g_ref_f[1]);
    int rc = 0;
    if (!cv_only) {
        trainer_reset(&t);
        for (int e = 1; e <= best_e; e++) epoch(&t, perm, folds, -1);
        averaged(&t);
        /* each kind's threshold folded into its kind feature (qt_stmt_features
         * puts it second): the stage keeps a statement when its score is >= 0 */
        int done_kind[2] = {0, 0};
        for (size_t k = 0; k < nex; k++)
            if (!done_kind[ex[k].part]) {
                t.avg[feats[ex[k].f0 + 1]] -= best_t[ex[k].part];
                done_kind[ex[k].part] = 1;
            }
        FILE *fo = fopen(out, "w");
        if (!fo) { fprintf(stderr, "statements_train: cannot write %s\n", out); rc = 1; goto done; }
        size_t nz = 0;
        fprintf(fo, "# newsenrich statement filter (enrichers/quotes/quotes_filter.c): averaged perceptron, "
                    "%u hashed features, trained by tools/statements_train.c on %s (%u articles, %zu candidate "
                    "statements, %zu true), %d epochs and thresholds %.4g (indirect) and %.4g (partial) chosen by "
                    "%d-fold cross-validation (held out: F1 of kept candidates %.4f, keeping all %.4f; indirect "
                    "speech F1 %.4f, without the filter %.4f; quoted speech F1 %.4f, without %.4f); the "
                    "thresholds are folded into the kind features\n",
                NW, "PolNeAR train", narticles, nex, npos, best_e, (double)best_t[0], (double)best_t[1], folds,
                f1(&tot_f), f1(&tot_all), gf_filter[0], gf_all[0], gf_filter[1], gf_all[1]);
        for (size_t i = 0; i < NW; i++) {
            if (t.avg[i] == 0) continue;
            fprintf(fo, "%zu %.6g\n", i, (double)t.avg[i]);
            nz++;
        }
        fclose(fo);
        printf("wrote %s: %zu nonzero weights\n", out, nz);
    }
done:
    for (size_t k = 0; k < nex; k++) free(ex[k].show);
    free(held); free(perm); free(t.w); free(t.u); free(t.avg);
    free(ex); free(feats); free(ftmpl); free(all);
    ne_quotes_ws_free(ws);
    ne_entities_destroy(ent);
    ne_config_free(cfg);
    ne_syntax_free(g_clause_syn);
    free(g_roles); free(g_words);
    return rc;
}
