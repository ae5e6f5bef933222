/* describe_train — trains the quotes stage's resolver of described
 * speakers (enrichers/quotes/quotes_describe.c) on PolNeAR train's
 * annotated described sources (make describe-train).
 *
 *   describe_train --train polnear/train.jsonl --gold tests/data/described_speakers.jsonl
 *                  [--out models/describe.model] [--folds 5] [--epochs 15]
 *                  [--cv-only] [--show] [--linked-too]
 *   describe_train --gold GOLD --eval TEXTS [--show]
 *       (the built-in model on another corpus: TEXTS holds {"id" or
 *       "doc_id", "text"} lines, GOLD rows of the same form whose offsets
 *       index those texts, as code points or UTF-8 bytes (whichever
 *       finds the row's source words there, code points first); the speakers of
 *       the statements whose speaker words overlap a row's source, without
 *       and with the resolver; and how many statements of all the texts
 *       the resolver gave an entity)
 *
 * Gold. One JSON line per described source of PolNeAR train ("the judge
 * said"): doc_id, src_start/src_end (code points into the article's
 * "text"), the referent's name or "none", ref_mention_start (code point
 * of a mention of the referent) and kind. Hand-annotated for issue 18.
 *
 * Examples. Each article goes through the text, entities and quotes
 * stages with the resolver off (ws->no_describe). A gold row is matched to
 * the first statement, not yet matched, whose chosen speaker phrase is a
 * definite description (qt_desc_eligible) overlapping the row's source.
 * A statement whose description an earlier rule already linked
 * (coreference, a role, the one organisation) is "linked": the resolver
 * never sees it at run time; with --linked-too such statements are
 * training examples too, never test ones. The referent's entity is the
 * person or organisation with a body mention holding ref_mention_start,
 * else one whose canonical name shares the referent's last word (PER) or
 * contains it or is contained in it (ORG). A candidate is right when it
 * is that entity; NONE is right when the referent is "none", not an
 * entity of the article, or not among the candidates (the resolver
 * should then leave the description bare).
 *
 * Learning and selection. A ranking averaged perceptron over the
 * candidates' features (qt_desc_features), visited in a fixed
 * pseudo-random order. K-fold cross-validation by article (article i in
 * fold i mod K) chooses the number of epochs and a margin NONE gets on top
 * of its learned score (index 0 of the weights), by the utility
 * right links − 2 × wrong links (a wrong entity fires a false alert; a
 * bare description only misses one), ties to the fewer epochs and the
 * larger margin. Printed: per fold and overall, accuracy (NONE right when
 * there is no reachable referent), the linked decisions and their
 * precision, the share left NONE, and the baselines (always NONE, i.e.
 * today's system on these statements; the nearest compatible person or
 * organisation). Then the model is trained on all examples with the chosen
 * epochs and margin. Deterministic. PolNeAR dev is not read.
 *
 * Model file as models/speakers.model: "# comment" lines, then "index
 * weight" lines for the nonzero averaged weights.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_tree.h>

#include "common/nebuf.h"
#include "common/xalloc.h"
#include "config/config.h"
#include "enrichers/entities/entities.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/quotes/quotes_int.h"
#include "enrichers/text/text.h"
#include "tools/polnear_gold.h"

#define NW (1u << QT_DESC_BITS)

typedef struct grow {
    char *doc, *src, *ref;
    long sb, se, rm;          /* code points; rm -1 when none */
    int used;
} grow;

typedef struct cand_ex {
    uint32_t f0, nf;
    uint8_t right, nearest;
    char *name;               /* --show: the entity's name */
} cand_ex;

typedef struct example {
    uint32_t article, c0, nc;
    uint8_t linked;           /* an earlier rule linked it: training only */
    uint8_t linked_right;     /* linked: that entity is the referent */
    uint8_t named;            /* the referent is an entity of the article among the candidates */
    uint8_t ref_entity;       /* the referent is an entity of the article */
    uint8_t silver;           /* not annotated: labelled from PolNeAR's attributions, training only */
    char *label;              /* for --show */
} example;

static grow *gold; static size_t ngold, gold_cap;
static example *ex; static size_t nex, ex_cap;
static cand_ex *cands; static size_t ncands, cands_cap;
static uint32_t *feats; static size_t nfeats, feats_cap;
static int show, linked_too, use_silver;
static size_t nsilver_unlabelled, ncoord;

/* ---- gold --------------------------------------------------------------- */

static char *jstr_dup(yajl_val v, const char *k)
{
    const char *s = YAJL_GET_STRING(pg_jget(v, k));
    return ne_xstrdup(s ? s : "");
}

static int load_gold(const char *path)
{
    char *all = nebuf_read_file(path, NULL);
    if (!all) return -1;
    char err[256];
    for (char *line = all, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        yajl_val v = *line ? yajl_tree_parse(line, err, sizeof err) : NULL;
        if (!v) continue;
        ne_grow(&gold, &gold_cap, ngold + 1, sizeof *gold);
        grow *g = &gold[ngold++];
        g->doc = jstr_dup(v, "doc_id");
        g->src = jstr_dup(v, "src_text");
        g->ref = jstr_dup(v, "referent");
        g->sb = pg_jint(v, "src_start");
        g->se = pg_jint(v, "src_end");
        g->rm = pg_jint(v, "ref_mention_start");
        g->used = 0;
        yajl_tree_free(v);
    }
    free(all);
    return 0;
}

/* The last word of s into w (folded ASCII), or "". */
static void last_word(const char *s, char *w, size_t cap)
{
    const char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '.' || e[-1] == ',')) e--;
    const char *b = e;
    while (b > s && b[-1] != ' ') b--;
    size_t n = (size_t)(e - b) < cap - 1 ? (size_t)(e - b) : cap - 1;
    for (size_t i = 0; i < n; i++) w[i] = (char)(b[i] >= 'A' && b[i] <= 'Z' ? b[i] - 'A' + 'a' : b[i]);
    w[n] = '\0';
}

/* The referent's entity in doc, or -1. */
static long referent_entity(const ne_doc *doc, const grow *g, const uint32_t *c2b, size_t ncp)
{
    if (!strcasecmp(g->ref, "none") || !*g->ref) return -1;
    if (g->rm >= 0 && (size_t)g->rm < ncp) {
        uint32_t rb = c2b[g->rm];
        for (size_t e = 0; e < doc->nentities; e++) {
            const ne_entity *en = &doc->entities[e];
            if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
            for (size_t m = 0; m < en->nmentions; m++)
                if (en->mentions[m].field == NE_FIELD_BODY && en->mentions[m].start <= rb && en->mentions[m].end > rb)
                    return (long)e;
        }
    }
    char rw[64], nw[64];
    last_word(g->ref, rw, sizeof rw);
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type == NE_ENT_PER) {
            last_word(en->name, nw, sizeof nw);
            if (*rw && !strcmp(rw, nw)) return (long)e;
        } else if (en->type == NE_ENT_ORG) {
            if (strcasestr(g->ref, en->name) || strcasestr(en->name, g->ref)) return (long)e;
        }
    }
    return -1;
}

/* ---- examples ------------------------------------------------------------ */

/* Adds statement si's description as an example whose referent is
 * entity re (-1: none). */
static example *add_example(ne_quotes_ws *ws, ne_doc *doc, size_t si, long re, uint32_t aidx)
{
    const stmt *s = &ws->st[si];
    qt_dcand c[QT_DESC_MAXC];
    size_t nc = qt_desc_candidates(ws, si, &s->sp_np, c);
    ne_grow(&ex, &ex_cap, nex + 1, sizeof *ex);
    example *e = &ex[nex++];
    memset(e, 0, sizeof *e);
    e->article = aidx;
    e->c0 = (uint32_t)ncands;
    e->nc = (uint32_t)nc;
    e->linked = s->ent >= 0;
    e->linked_right = s->ent >= 0 && s->ent == re;
    e->ref_entity = re >= 0;
    int reach = 0;
    for (size_t ci = 1; ci < nc; ci++) reach |= c[ci].ent == re && re >= 0;
    e->named = (uint8_t)reach;
    ne_grow(&cands, &cands_cap, ncands + nc, sizeof *cands);
    int seen_nearest = 0;
    for (size_t ci = 0; ci < nc; ci++) {
        ne_grow(&feats, &feats_cap, nfeats + QT_DESC_MAXF, sizeof *feats);
        cand_ex *ce = &cands[ncands++];
        ce->f0 = (uint32_t)nfeats;
        ce->nf = (uint32_t)qt_desc_features(ws, si, &s->sp_np, c, nc, ci, feats + nfeats);
        nfeats += ce->nf;
        ce->right = ci == 0 ? !reach : c[ci].ent == re;
        ce->name = show && ci > 0 ? ne_xstrdup(doc->entities[c[ci].ent].name) : NULL;
        ce->nearest = !seen_nearest && ci > 0 && (c[ci].flags & QD_NEAREST);
        ncoord += ci > 0 && (c[ci].flags & QD_COORD);
        seen_nearest |= ce->nearest;
    }
    return e;
}

/* The silver label of statement si, a definite description no gold row
 * covers, from PolNeAR's own attributions: the entity its source names
 * when the attribution whose content best overlaps the statement (>= 0.3)
 * has a source elsewhere than the description (the chain chose the wrong
 * phrase); none when no attribution overlaps it (the statement is
 * spurious: nobody may be alerted). *ok = 0 when there is no label (the
 * source is the description itself, or names no entity). */
static long silver_label(const ne_doc *doc, yajl_val art, size_t si, const uint32_t *c2b, size_t ncp, int *ok)
{
    const ne_quote *q = &doc->quotes[si];
    yajl_val attrs = pg_jget(art, "attributions");
    size_t na = YAJL_IS_ARRAY(attrs) ? attrs->u.array.len : 0;
    double best = 0.3;
    long bsb = -1, bse = -1;
    int found = 0;
    for (size_t i = 0; i < na; i++) {
        yajl_val a = attrs->u.array.values[i], content = pg_jget(a, "content"), src = pg_jget(a, "source");
        long b, e;
        if (!pg_span_bounds(content, ncp, &b, &e)) continue;
        double o = pg_overlap(q->start, q->end, c2b[b], c2b[e]);
        if (o < best) continue;
        best = o;
        found = 1;
        bsb = bse = -1;
        if (YAJL_IS_ARRAY(src) && src->u.array.len) {
            long sb = pg_jint(src->u.array.values[0], "start"), se = pg_jint(src->u.array.values[0], "end");
            if (sb >= 0 && se > sb && (size_t)se <= ncp) { bsb = c2b[sb]; bse = c2b[se]; }
        }
    }
    *ok = 0;
    if (!found) { *ok = 1; return -1; }
    if (bsb < 0 || ((uint32_t)bsb < q->speaker_end && (uint32_t)bse > q->speaker_start)) return -1;
    long re = pg_gold_entity(doc, (uint32_t)bsb, (uint32_t)bse);
    *ok = re >= 0;
    return re;
}

static void article_examples(ne_quotes_ws *ws, ne_doc *doc, yajl_val art, uint32_t aidx)
{
    size_t ncp;
    uint32_t *c2b = pg_cp_to_byte(doc->body, doc->body_len, &ncp);
    char *taken = ne_xcalloc(ws->nst + 1, 1);
    for (size_t gi = 0; gi < ngold; gi++) {
        grow *g = &gold[gi];
        if (strcmp(g->doc, doc->id)) continue;
        if (g->sb < 0 || g->se <= g->sb || (size_t)g->se > ncp) continue;
        uint32_t sb = c2b[g->sb], se = c2b[g->se];
        size_t si = ws->nst;
        for (size_t i = 0; i < ws->nst && si == ws->nst; i++) {
            const stmt *s = &ws->st[i];
            if (!taken[i] && s->has_speaker && qt_desc_eligible(ws, &s->sp_np) && s->sp_start < se && s->sp_end > sb)
                si = i;
        }
        if (si == ws->nst) continue;
        taken[si] = 1;
        g->used = 1;
        const stmt *s = &ws->st[si];
        long re = referent_entity(doc, g, c2b, ncp);
        example *e = add_example(ws, doc, si, re, aidx);
        if (show) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s [%.*s] gold=%s%s%s", doc->id, (int)(s->sp_end - s->sp_start),
                     doc->body + s->sp_start, g->ref, re < 0 && strcasecmp(g->ref, "none") ? " (no entity)" : "",
                     re >= 0 && !e->named ? " (not a candidate)" : "");
            e->label = ne_xstrdup(buf);
        }
    }
    /* the other bare definite descriptions the chain chose as a speaker:
     * silver examples (training only, with --silver) */
    for (size_t si = 0; si < ws->nst && si < doc->nquotes; si++) {
        const stmt *s = &ws->st[si];
        if (taken[si] || !s->has_speaker || s->ent >= 0 || !qt_desc_eligible(ws, &s->sp_np)) continue;
        int ok;
        long re = silver_label(doc, art, si, c2b, ncp, &ok);
        if (!ok) { nsilver_unlabelled++; continue; }
        add_example(ws, doc, si, re, aidx)->silver = 1;
    }
    free(taken);
    free(c2b);
}

/* ---- the conditional logistic model ------------------------------------------ */

static double score(const float *w, const cand_ex *c)
{
    double s = 0;
    for (uint32_t j = 0; j < c->nf; j++) s += w[feats[c->f0 + j]];
    return s;
}

/* The candidates' probabilities (softmax of the scores) into p. */
static void probs(const float *w, const example *e, double *p)
{
    double mx = -1e300;
    for (uint32_t i = 0; i < e->nc; i++) { p[i] = score(w, &cands[e->c0 + i]); if (p[i] > mx) mx = p[i]; }
    double z = 0;
    for (uint32_t i = 0; i < e->nc; i++) { p[i] = exp(p[i] - mx); z += p[i]; }
    for (uint32_t i = 0; i < e->nc; i++) p[i] /= z;
}

/* The choice: the most probable entity when its probability reaches
 * theta, else NONE (0) — as qt_desc_choose decides. */
static uint32_t choose(const float *w, const example *e, double theta)
{
    double p[QT_DESC_MAXC];
    probs(w, e, p);
    uint32_t best = 0;
    for (uint32_t i = 1; i < e->nc; i++)
        if (best == 0 || p[i] > p[best]) best = i;
    return best && p[best] >= theta ? best : 0;
}

static int trains_on(const example *e) { return (!e->linked || linked_too) && (!e->silver || use_silver); }

/* One epoch of stochastic gradient ascent on the log-likelihood of the
 * right candidates, with L2 decay, over the examples not in fold `hold`. */
static void epoch(float *w, const uint32_t *perm, int folds, int hold, double lr, double l2)
{
    for (size_t k = 0; k < nex; k++) {
        const example *e = &ex[perm[k]];
        if ((hold >= 0 && (int)(e->article % (uint32_t)folds) == hold) || !trains_on(e)) continue;
        double p[QT_DESC_MAXC];
        probs(w, e, p);
        int nright = 0;
        for (uint32_t i = 0; i < e->nc; i++) nright += cands[e->c0 + i].right;
        if (!nright) continue;
        float decay = (float)(1.0 - lr * l2);
        for (size_t i = 0; i < NW; i++) w[i] *= decay;
        for (uint32_t i = 0; i < e->nc; i++) {
            const cand_ex *c = &cands[e->c0 + i];
            double g = (c->right ? 1.0 / nright : 0.0) - p[i];
            for (uint32_t j = 0; j < c->nf; j++) w[feats[c->f0 + j]] += (float)(lr * g);
        }
    }
}

typedef struct tally { size_t n, ok, links, links_ok, named, none_ok, near_links, near_ok, near_acc, rank_ok; } tally;

static const double thetas[] = { 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9 };
#define NTH (sizeof thetas / sizeof thetas[0])
static const double l2s[] = { 0.001, 0.01, 0.03, 0.1 };
#define NL2 (sizeof l2s / sizeof l2s[0])

static void evaluate(const float *w, double theta, int folds, int hold, tally *tl, int print)
{
    for (size_t k = 0; k < nex; k++) {
        const example *e = &ex[k];
        if (e->linked || e->silver || (hold >= 0 && (int)(e->article % (uint32_t)folds) != hold)) continue;
        uint32_t p = choose(w, e, theta);
        const cand_ex *c = &cands[e->c0];
        tl->n++;
        tl->ok += c[p].right;
        tl->named += e->named;
        if (e->named) {   /* ranking alone: the most probable entity */
            double pr[QT_DESC_MAXC];
            probs(w, e, pr);
            uint32_t b = 0;
            for (uint32_t i = 1; i < e->nc; i++)
                if (b == 0 || pr[i] > pr[b]) b = i;
            tl->rank_ok += b > 0 && c[b].right;
            if (print && e->label && !(b > 0 && c[b].right))
                printf("  RANK  %s -> top %s (p %.2f), %u candidates\n", e->label, b ? c[b].name : "-", pr[b], e->nc);
        }
        tl->none_ok += c[0].right;
        if (p > 0) { tl->links++; tl->links_ok += c[p].right; }
        int near_any = 0, near_right = 0;
        for (uint32_t i = 1; i < e->nc; i++)
            if (c[i].nearest) { near_any = 1; near_right = c[i].right; }
        tl->near_links += near_any;
        tl->near_ok += near_any && near_right;
        tl->near_acc += near_any ? near_right : c[0].right;
        if (print && e->label)
            printf("  %s %s -> %s\n", c[p].right ? "ok   " : "WRONG", e->label, p == 0 ? "NONE" : c[p].name);
    }
}

static long utility(const tally *t) { return (long)t->links_ok - 2 * (long)(t->links - t->links_ok); }

static void print_row(const char *name, const tally *x)
{
    printf("  %-6s %5zu %8.3f %8.3f %8.3f | %6zu %9.3f %7.3f | %6zu %9.3f\n", name, x->n,
           (double)x->none_ok / (double)(x->n ? x->n : 1), (double)x->near_acc / (double)(x->n ? x->n : 1),
           (double)x->ok / (double)(x->n ? x->n : 1), x->links,
           (double)x->links_ok / (double)(x->links ? x->links : 1),
           1.0 - (double)x->links / (double)(x->n ? x->n : 1), x->near_links,
           (double)x->near_ok / (double)(x->near_links ? x->near_links : 1));
}


/* ---- --eval: another corpus through the product ------------------------------ */

typedef struct evtally { size_t n, ok, links, links_ok, bare, named; } evtally;

static void ev_count(evtally *t, long ent, long re)
{
    t->n++;
    t->named += re >= 0;
    if (ent >= 0) { t->links++; t->links_ok += ent == re; t->ok += ent == re; }
    else { t->bare++; t->ok += re < 0; }
}

static void ev_print(const char *name, const evtally *t)
{
    printf("  %-22s %4zu matched: accuracy %.3f; %zu linked to an entity, %zu right (precision %.3f); %zu left "
           "bare (%.3f)\n", name, t->n, (double)t->ok / (double)(t->n ? t->n : 1), t->links, t->links_ok,
           (double)t->links_ok / (double)(t->links ? t->links : 1), t->bare, (double)t->bare / (double)(t->n ? t->n : 1));
}

/* Runs each record of TEXTS ({"id", "text"} lines: webextract's) that the
 * gold names through the chain, without and with the resolver, and
 * scores the speakers of the statements whose speaker words overlap a
 * gold row's source (offsets: UTF-8 bytes when the bytes there are the
 * row's src_text, else code points). */
static int eval_corpus(const char *texts, void *ent, ne_quotes_ws *ws)
{
    char *all = nebuf_read_file(texts, NULL);
    if (!all) { printf("describe-eval: skipped: %s not found\n", texts); return 0; }
    evtally today = {0}, resolver = {0}, own = {0};
    size_t bytes_off = 0, cp_off = 0, unmatched = 0, docs = 0, stmts = 0, fired = 0;
    char err[512];
    for (char *line = all, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        yajl_val v = *line ? yajl_tree_parse(line, err, sizeof err) : NULL;
        const char *id = v ? YAJL_GET_STRING(pg_jget(v, "id")) : NULL, *text = v ? YAJL_GET_STRING(pg_jget(v, "text")) : NULL;
        if (v && !id) id = YAJL_GET_STRING(pg_jget(v, "doc_id"));   /* PolNeAR's records */
        if (!id || !text) { if (v) yajl_tree_free(v); continue; }
        docs++;
        ne_doc d[2];
        for (int mode = 0; mode < 2; mode++) {
            ws->no_describe = mode == 0;
            if (pg_enrich_text(ent, ws, &d[mode], id, text) < 0) { fprintf(stderr, "describe_train: out of memory\n"); return 1; }
        }
        size_t ncp;
        uint32_t *c2b = pg_cp_to_byte(d[0].body, d[0].body_len, &ncp);
        /* every statement the resolver gave an entity, annotated or not */
        for (size_t i = 0; i < d[0].nquotes && i < d[1].nquotes; i++) {
            stmts++;
            int f = d[0].quotes[i].speaker_entity < 0 && d[1].quotes[i].speaker_entity >= 0;
            fired += f;
            if (f && show)
                printf("  FIRED %s [%s] -> %s: %.80s\n", id, d[1].quotes[i].speaker_text ? d[1].quotes[i].speaker_text : "",
                       d[1].entities[d[1].quotes[i].speaker_entity].name, d[1].quotes[i].text);
        }
        for (size_t g = 0; g < ngold; g++) {
            grow *r = &gold[g];
            if (strcmp(r->doc, id) || r->sb < 0 || r->se <= r->sb) continue;
            size_t sl = strlen(r->src);
            int is_cp = (size_t)r->se <= ncp && c2b[r->se] - c2b[r->sb] == sl &&
                        !memcmp(d[0].body + c2b[r->sb], r->src, sl);
            int is_bytes = !is_cp && (size_t)r->se <= d[0].body_len && (size_t)(r->se - r->sb) == sl &&
                           !memcmp(d[0].body + r->sb, r->src, sl);
            uint32_t sb, se;
            if (is_cp) { sb = c2b[r->sb]; se = c2b[r->se]; cp_off++; }
            else if (is_bytes) { sb = (uint32_t)r->sb; se = (uint32_t)r->se; bytes_off++; }
            else { unmatched++; continue; }
            grow rr = *r;   /* the mention offset in the same unit, as code points for referent_entity */
            if (is_bytes && r->rm >= 0) {
                long cp = 0;
                for (long b = 0; b < r->rm && (size_t)b < d[0].body_len; b++) cp += ((unsigned char)d[0].body[b] & 0xC0) != 0x80;
                rr.rm = cp;
            }
            long q[2] = {-2, -2}, re = referent_entity(&d[0], &rr, c2b, ncp);
            for (int mode = 0; mode < 2; mode++)
                for (size_t i = 0; i < d[mode].nquotes && q[mode] == -2; i++) {
                    const ne_quote *qq = &d[mode].quotes[i];
                    if (qq->has_speaker && qq->speaker_start < se && qq->speaker_end > sb) q[mode] = qq->speaker_entity;
                }
            if (q[0] == -2 || q[1] == -2) { unmatched++; continue; }
            ev_count(&today, q[0], re);
            ev_count(&resolver, q[1], re);
            if (q[0] < 0 && q[1] >= 0) { own.n++; own.links++; own.links_ok += q[1] == re; }
            if (show && q[0] != q[1])
                printf("  %s %s [%s] gold=%s -> %s\n", q[1] == re ? "ok   " : "WRONG", id, r->src, r->ref,
                       q[1] >= 0 ? d[1].entities[q[1]].name : "bare");
        }
        free(c2b);
        ne_doc_reset(&d[0]);
        ne_doc_reset(&d[1]);
        yajl_tree_free(v);
    }
    printf("describe-eval: %zu gold rows, %zu texts in %s; offsets: %zu code points (the source's words there), "
           "%zu UTF-8 bytes; %zu not found as a statement's speaker\n", ngold, docs, texts, cp_off, bytes_off, unmatched);
    ev_print("today (no resolver)", &today);
    ev_print("with the resolver", &resolver);
    printf("  the resolver's own links (bare today): %zu, %zu right\n", own.links, own.links_ok);
    printf("  all statements of the %zu texts: %zu; the resolver gave %zu of them an entity (annotated or not)\n", docs,
           stmts, fired);
    free(all);
    return 0;
}

#define LR 0.1
#define REPEATS 5

int main(int argc, char **argv)
{
    const char *train = NULL, *gpath = NULL, *out = "models/describe.model", *texts = NULL;
    int folds = 5, max_epochs = 20, cv_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--train") && i + 1 < argc) train = argv[++i];
        else if (!strcmp(argv[i], "--gold") && i + 1 < argc) gpath = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--folds") && i + 1 < argc) folds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) max_epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cv-only")) cv_only = 1;
        else if (!strcmp(argv[i], "--show")) show = 1;
        else if (!strcmp(argv[i], "--linked-too")) linked_too = 1;
        else if (!strcmp(argv[i], "--silver")) use_silver = 1;
        else if (!strcmp(argv[i], "--eval") && i + 1 < argc) texts = argv[++i];
        else { train = NULL; gpath = NULL; break; }
    }
    if (texts && gpath) {   /* evaluation only: the built-in model on another corpus */
        if (load_gold(gpath) < 0) { printf("describe-eval: skipped: %s not found\n", gpath); return 0; }
        char err0[512];
        ne_config *c0 = ne_config_defaults();
        void *e0 = ne_entities_create(c0, err0, sizeof err0);
        if (!e0) { fprintf(stderr, "describe_train: %s\n", err0); return 1; }
        ne_quotes_ws *w0 = ne_quotes_ws_new();
        int rc0 = eval_corpus(texts, e0, w0);
        for (size_t g = 0; g < ngold; g++) { free(gold[g].doc); free(gold[g].src); free(gold[g].ref); }
        free(gold);
        ne_quotes_ws_free(w0);
        ne_entities_destroy(e0);
        ne_config_free(c0);
        return rc0;
    }
    if (!train || !gpath || folds < 2 || max_epochs < 1 || max_epochs > 100) {
        fprintf(stderr, "usage: describe_train --train POLNEAR_TRAIN --gold GOLD [--out MODEL] [--folds K] "
                        "[--epochs E] [--cv-only] [--show] [--linked-too]\n"
                        "       describe_train --gold GOLD --eval TEXTS [--show]\n");
        return 2;
    }
    char *all = nebuf_read_file(train, NULL);
    if (!all) { printf("describe-train: skipped: %s not found\n", train); return 0; }
    if (load_gold(gpath) < 0) { fprintf(stderr, "describe_train: %s not found\n", gpath); return 1; }
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    if (!ent) { fprintf(stderr, "describe_train: %s\n", err); return 1; }
    ne_quotes_ws *ws = ne_quotes_ws_new();
    ws->no_describe = 1;
    long nread = pg_each_article(all, ent, ws, article_examples, "describe_train");
    if (nread < 0) return 1;
    size_t used = 0, nlinked = 0, named = 0, refent = 0, bare = 0, linked_ok = 0;
    for (size_t g = 0; g < ngold; g++) used += gold[g].used;
    size_t silver = 0, silver_named = 0;
    for (size_t k = 0; k < nex; k++) {
        if (ex[k].silver) { silver++; silver_named += ex[k].named; continue; }
        nlinked += ex[k].linked;
        linked_ok += ex[k].linked_right;
        if (!ex[k].linked) { bare++; named += ex[k].named; refent += ex[k].ref_entity; }
    }
    printf("describe-train: %s: %ld articles; %zu gold described sources, %zu found as a statement's described "
           "speaker: %zu already linked by the rules (%zu of them to the referent), %zu bare; of the bare, the "
           "referent is an entity of the article for %zu, a candidate for %zu; %zu candidates\n",
           gpath, nread, ngold, used, nlinked, linked_ok, bare, refent, named, ncands);
    printf("  other bare definite descriptions chosen as a speaker: %zu labelled from PolNeAR's attributions (%zu "
           "an entity among the candidates, the rest none)%s, %zu without a label\n", silver, silver_named,
           use_silver ? ", trained on" : ", not used", nsilver_unlabelled);
    printf("  candidates joined to another of their type (\"Boeing and Airbus\"): %zu\n", ncoord);
    /* REPEATS visiting orders: the cross-validation sums over them, so
     * that the choice of settings does not hang on one order (185
     * examples); the model is trained in the first */
    uint32_t *perms = malloc(REPEATS * (nex + 1) * sizeof *perms);
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    for (int r = 0; r < REPEATS; r++) {
        uint32_t *perm = perms + (size_t)r * (nex + 1);
        for (size_t k = 0; k < nex; k++) perm[k] = (uint32_t)k;
        for (size_t k = nex; k > 1; k--) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t j = (size_t)((rng >> 33) % k);
            uint32_t tmp = perm[k - 1]; perm[k - 1] = perm[j]; perm[j] = tmp;
        }
    }
    uint32_t *perm = perms;
    float *w = calloc(NW, sizeof *w);
    /* cross-validation over (L2, epochs, theta) */
    size_t cells = NL2 * (size_t)(max_epochs + 1) * NTH;
#define CELL(l, e, t) (((size_t)(l) * (size_t)(max_epochs + 1) + (size_t)(e)) * NTH + (size_t)(t))
    tally *cv = calloc(cells, sizeof *cv), *fold = calloc(cells * (size_t)folds, sizeof *fold);
    for (size_t l = 0; l < NL2; l++)
        for (int f = 0; f < folds * REPEATS; f++) {
            memset(w, 0, NW * sizeof *w);
            for (int e = 1; e <= max_epochs; e++) {
                epoch(w, perms + (size_t)(f / folds) * (nex + 1), folds, f % folds, LR / (1 + 0.1 * e), l2s[l]);
                for (size_t th = 0; th < NTH; th++) {
                    evaluate(w, thetas[th], folds, f % folds, &cv[CELL(l, e, th)], 0);
                    evaluate(w, thetas[th], folds, f % folds, &fold[(size_t)(f % folds) * cells + CELL(l, e, th)], 0);
                }
            }
        }
    size_t bl = 0, bt = NTH - 1;
    int be = 1;
    for (size_t l = 0; l < NL2; l++)
        for (int e = 1; e <= max_epochs; e++)
            for (size_t th = 0; th < NTH; th++) {
                const tally *x = &cv[CELL(l, e, th)], *b = &cv[CELL(bl, be, bt)];
                if (utility(x) > utility(b) || (utility(x) == utility(b) && x->ok > b->ok)) { bl = l; be = e; bt = th; }
            }
    for (int e = 1; e <= max_epochs; e++) {
        const tally *x = &cv[CELL(bl, e, bt)];
        printf("  cv L2 %.3f epochs %2d theta %.2f: accuracy %.4f, %zu linked, %zu right, utility %ld\n", l2s[bl], e,
               thetas[bt], (double)x->ok / (double)(x->n ? x->n : 1), x->links, x->links_ok, utility(x));
    }
    for (size_t th = 0; th < NTH; th++) {
        const tally *x = &cv[CELL(bl, be, th)];
        printf("  cv L2 %.3f epochs %2d theta %.2f: accuracy %.4f, %zu linked, %zu right, utility %ld\n", l2s[bl], be,
               thetas[th], (double)x->ok / (double)(x->n ? x->n : 1), x->links, x->links_ok, utility(x));
    }
    printf("%d-fold cross-validation by article on the bare descriptions, counts summed over %d visiting orders%s; "
           "L2 %.3f, %d epochs, link when p >= %.2f (chosen by it: right links - 2 x wrong links):\n",
           folds, REPEATS, linked_too ? " (trained on the linked ones too)" : "", l2s[bl], be, thetas[bt]);
    printf("  %-6s %5s %8s %8s %8s | %6s %9s %7s | %6s %9s\n", "fold", "n", "acc.NONE", "acc.near", "acc", "links",
           "link prec", "NONE", "near", "near prec");
    for (int f = 0; f < folds; f++) {
        char nm[16];
        snprintf(nm, sizeof nm, "%d", f);
        print_row(nm, &fold[(size_t)f * cells + CELL(bl, be, bt)]);
    }
    print_row("all", &cv[CELL(bl, be, bt)]);
    printf("  ranking alone, where the referent is a candidate: %zu of %zu right (%.3f)\n", cv[CELL(bl, be, bt)].rank_ok,
           cv[CELL(bl, be, bt)].named,
           (double)cv[CELL(bl, be, bt)].rank_ok / (double)(cv[CELL(bl, be, bt)].named ? cv[CELL(bl, be, bt)].named : 1));
    printf("  (acc.NONE: always NONE, today's system on these statements; acc.near: the nearest person or "
           "organisation whose type fits the head; acc: the resolver; NONE is right when the referent is no "
           "candidate)\n");
    if (show) {   /* the held-out choices at the chosen setting */
        printf("cross-validated choices (bare descriptions):\n");
        for (int f = 0; f < folds; f++) {
            memset(w, 0, NW * sizeof *w);
            for (int e = 1; e <= be; e++) epoch(w, perm, folds, f, LR / (1 + 0.1 * e), l2s[bl]);
            tally dummy = {0};
            evaluate(w, thetas[bt], folds, f, &dummy, 1);
        }
    }
    int rc = 0;
    memset(w, 0, NW * sizeof *w);
    for (int e = 1; e <= be; e++) epoch(w, perm, folds, -1, LR / (1 + 0.1 * e), l2s[bl]);
    {
        tally ins = {0};
        evaluate(w, thetas[bt], folds, -1, &ins, 0);
        printf("  in sample (trained on all): accuracy %.3f, %zu linked, %zu right; ranking alone %zu of %zu\n",
               (double)ins.ok / (double)(ins.n ? ins.n : 1), ins.links, ins.links_ok, ins.rank_ok, ins.named);
    }
    if (!cv_only) {
        w[0] = (float)log(thetas[bt]);   /* index 0: the log-probability a link needs */
        FILE *fo = fopen(out, "w");
        if (!fo) { fprintf(stderr, "describe_train: cannot write %s\n", out); rc = 1; goto done; }
        const tally *b = &cv[CELL(bl, be, bt)];
        fprintf(fo, "# newsenrich described-speaker resolver (enrichers/quotes/quotes_describe.c): conditional "
                    "logistic ranker, %u hashed features, trained by tools/describe_train.c on %zu described "
                    "sources of PolNeAR train (tests/data/described_speakers.jsonl); L2 %.3f, %d epochs and link "
                    "threshold p >= %.2f (index 0, as a log) chosen by %d-fold cross-validation: accuracy %.4f, "
                    "%zu linked, %zu right; always NONE %.4f\n",
                NW, nex, l2s[bl], be, thetas[bt], folds, (double)b->ok / (double)(b->n ? b->n : 1), b->links,
                b->links_ok, (double)b->none_ok / (double)(b->n ? b->n : 1));
        size_t nz = 0;
        for (size_t i = 0; i < NW; i++) {
            if (fabsf(w[i]) < 1e-6f) continue;
            fprintf(fo, "%zu %.6g\n", i, (double)w[i]);
            nz++;
        }
        fclose(fo);
        printf("wrote %s: %zu nonzero weights\n", out, nz);
    }
done:
    for (size_t g = 0; g < ngold; g++) { free(gold[g].doc); free(gold[g].src); free(gold[g].ref); }
    for (size_t k = 0; k < nex; k++) free(ex[k].label);
    for (size_t k = 0; k < ncands; k++) free(cands[k].name);
    free(gold); free(cv); free(fold); free(perms); free(w);
    free(ex); free(cands); free(feats); free(all);
    ne_quotes_ws_free(ws);
    ne_entities_destroy(ent);
    ne_config_free(cfg);
    return rc;
}
