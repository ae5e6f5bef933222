/* eval_quotes — scores the quotes stage (make eval-quotes).
 *
 *   eval_quotes [--data DIR] [--split dev|train] [--seeds FIXTURE] [--show fn|fp|spk|desc|ifn|ifp]
 *               [--wrap COLS]
 *   eval_quotes --text TEXT      (one text's entities and quotes, for debugging)
 *
 * 1. PolNeAR (DIR/polnear/SPLIT.jsonl, default ../shared/data, dev). Each
 *    article's text goes through the text and entities stages and the
 *    quotes extractor directly (not through decode, which may strip page
 *    furniture and so move offsets). Gold relations are split three ways:
 *     - quoted speech: content_has_quote_marks (or the content holds the
 *       NYT archive's '' marks, which that flag never counts: 1,286 such
 *       relations in train + dev are flagged false) and a speech cue;
 *     - indirect speech: no quote marks and a speech cue;
 *     - neither (beliefs, plans, perceptions: "thinks", "wants", "seeks").
 *    A cue is speech when one of its words is a speech verb of the quotes
 *    lexicon (ne_quotes_cue_class: say, tell, add, write, tweet, ask, claim,
 *    deny, insist, warn, explain, argue, note, reply, call, describe,
 *    according to, … with inflections) or the cue is only punctuation (the
 *    colon or dash of a tag: `Trump: "…"`).
 *    Predicted direct and partial quotes are scored against quoted speech,
 *    predicted indirect ones against indirect speech.
 *    Spans: gold = first content span's start to last content span's end
 *    (a split quote is one relation), predicted = quote start to end; both
 *    in code points, trimmed of spaces, quote marks and punctuation at both
 *    ends. overlap(p, g) = |p ∩ g| / max(|p|, |g|). Pairs with overlap ≥ τ
 *    are matched one-to-one, best overlap first (τ = 0.3 and 0.8). An
 *    unmatched prediction that overlaps (≥ τ) a gold relation of the third
 *    kind is not counted as a false positive (the gold has no speech cue
 *    for it, it is not wrong).
 *    Speaker accuracy, over the pairs matched at τ = 0.3 whose gold source
 *    is a name (it has a capitalised word that is not a determiner,
 *    pronoun or title: "Trump", "The New York Post", not "he", "the
 *    President", "sources"): right when the predicted speaker entity has a
 *    body mention overlapping the gold source span, or the last word of its
 *    canonical name is one of the source's capitalised words, or — for a
 *    described speaker — its words share a capitalised word with the
 *    source. Possessives ("Trump’s campaign manager X") do not count.
 *    Resolved person (issue 18), over the same pairs whose gold source
 *    names an entity (tools/polnear_gold.h: the entity of the source's head
 *    mention; "Carter's press secretary, Peter Cook" is Peter Cook, "a Trump
 *    campaign spokesman" names none): right when the predicted speaker is
 *    that entity. Described sources (issue 18): the matched pairs whose
 *    gold source is "the"/"this"/"that" and up to five lower-case words
 *    ("the rookie defenceman", "the senator"), counted by what the speaker
 *    is: an entity with a mention on the source (the coreference joined
 *    the description to it), another entity, the bare description, none;
 *    --show desc lists them (PolNeAR train: its gold names no person for
 *    them, so whether the entity is right is judged by reading). Both speaker figures are printed for the learned ranker
 *    and, on the same statements, for the hand-ordered rules
 *    (ne_quotes_ws_set_rules). Gold relations are classified with the
 *    speech verbs frozen below (the hand lexicon before the learned forms),
 *    so the gold does not move with the lexicon under test.
 * 2. The seed articles (DIR/seeds/seeds.jsonl) through the whole pipeline,
 *    twice: with the default configuration (as `newsenrich enrich` runs)
 *    and with the example configuration's watchlist, against the
 *    hand annotation in FIXTURE (tests/fixtures/seeds_quotes.json): each
 *    annotated quote is found when a predicted quote's text contains its
 *    snippet; then its kind and speaker (surname of the entity, or the
 *    words of a described speaker) are compared. With the watchlist, the
 *    speaker alerts: annotated quotes by Putin or Trump (expected), quotes
 *    whose predicted speaker is one of them (predicted), and those right,
 *    as precision and recall (before claim novelty, which the seeds' two
 *    versions of one story would otherwise decide).
 * --wrap COLS hard-wraps each PolNeAR article's lines at COLS columns
 * first, as wire archives deliver text (greedy, a space before the word
 * that does not fit becomes a line break; the blank lines between
 * paragraphs stay), so offsets and gold do not move: the quotes found in
 * wrapped text against those of the text as given.
 * Prints "skipped: …" and exits 0 when the data is absent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_tree.h>

#include "common/nebuf.h"
#include "config/config.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/entities/entities.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/quotes/quotes.h"
#include "enrichers/text/text.h"
#include "tools/polnear_gold.h"

/* ---- small helpers ---------------------------------------------------- */

static const char *jstr(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    return YAJL_GET_STRING(yajl_tree_get(v, path, yajl_t_string));
}

/* Code points of a UTF-8 text and the two offset maps. */
typedef struct cpmap {
    uint32_t *cp;        /* code point values */
    uint32_t *cp2b;      /* code point index -> byte offset (ncp + 1) */
    uint32_t *b2cp;      /* byte offset -> code point index (nbytes + 1) */
    size_t ncp;
} cpmap;

static void cpmap_build(cpmap *m, const char *s, size_t n)
{
    m->cp = malloc((n + 1) * sizeof *m->cp);
    m->cp2b = malloc((n + 1) * sizeof *m->cp2b);
    m->b2cp = malloc((n + 1) * sizeof *m->b2cp);
    if (!m->cp || !m->cp2b || !m->b2cp) abort();
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + len > n) len = n - i;
        uint32_t v = len == 1 ? c : (uint32_t)(c & (0xFF >> (len + 1)));
        for (size_t j = 1; j < len; j++) v = (v << 6) | ((unsigned char)s[i + j] & 0x3F);
        m->cp[k] = v;
        m->cp2b[k] = (uint32_t)i;
        for (size_t j = 0; j < len; j++) m->b2cp[i + j] = (uint32_t)k;
        k++;
        i += len;
    }
    m->cp2b[k] = (uint32_t)n;
    m->b2cp[n] = (uint32_t)k;
    m->ncp = k;
}

static void cpmap_free(cpmap *m)
{
    free(m->cp);
    free(m->cp2b);
    free(m->b2cp);
}

/* Space, quotation mark or punctuation: trimmed from span ends. */
static int trim_cp(uint32_t c)
{
    if (c <= ' ' || c == 0xA0) return 1;
    if (c < 0x80) return strchr("\"',.;:!?-()[]", (int)c) != NULL;
    return (c >= 0x2010 && c <= 0x206F) || c == 0xAB || c == 0xBB;
}

static void trim_span(const cpmap *m, uint32_t *b, uint32_t *e)
{
    while (*b < *e && trim_cp(m->cp[*b])) (*b)++;
    while (*e > *b && trim_cp(m->cp[*e - 1])) (*e)--;
}

/* ---- gold ---------------------------------------------------------------- */

enum gold_kind { G_QUOTED, G_INDIRECT, G_OTHER };

typedef struct gold {
    enum gold_kind kind;
    uint32_t b, e;             /* code points, trimmed */
    uint32_t sb, se;           /* source span (code points), or sb == se */
    char src[256];             /* source text */
    char cue[64];
} gold;

/* True when one of the cue's words is a speech verb, or the cue is only
 * punctuation (a colon or dash tag). */
static int speech_cue(const char *cue)
{
    int letters = 0;
    if (pg_speech_words(cue, &letters)) return 1;
    return !letters && cue[0];
}

static const char *const not_name[] = {
    "The", "A", "An", "He", "She", "They", "It", "We", "I", "His", "Her", "Its", "Their", "Our",
    "This", "That", "These", "Those", "One", "Some", "Another", "Many", "Most", "Other", "Both",
    "President", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sen.", "Rep.", "Gov.",
    "Secretary", "Senator", "Governor", "Former", "Vice", "You", "Officials", "Sources", "Critics",
    "Democrats", "Republicans", "Democratic", "Republican", NULL};

/* Copies the capitalised name words of s (no possessives, no
 * determiners/pronouns/titles) into words[], returns how many. */
static int name_words(const char *s, char words[][48], int max)
{
    int n = 0;
    const char *p = s;
    while (*p && n < max) {
        while (*p == ' ' || *p == ',' || *p == '(' || *p == ')' || *p == '"') p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != ',' && *p != ')') p++;
        size_t len = (size_t)(p - w);
        if (!len || len >= 48 || !(w[0] >= 'A' && w[0] <= 'Z')) continue;
        if ((len > 2 && w[len - 2] == '\'' && w[len - 1] == 's') ||
            (len > 4 && memcmp(w + len - 4, "\xE2\x80\x99s", 4) == 0))
            continue;   /* possessive */
        char buf[48];
        memcpy(buf, w, len);
        buf[len] = '\0';
        while (len && (buf[len - 1] == '.' || buf[len - 1] == ':')) buf[--len] = '\0';
        int skip = 0;
        for (int i = 0; not_name[i]; i++) skip |= strcmp(not_name[i], buf) == 0;
        if (skip || len < 2) continue;
        memcpy(words[n++], buf, len + 1);
    }
    return n;
}

/* Reads the gold relations of one article. */
static size_t read_gold(yajl_val art, const cpmap *m, const char *text, gold **out)
{
    yajl_val attrs = pg_jget(art, "attributions");
    size_t n = YAJL_IS_ARRAY(attrs) ? attrs->u.array.len : 0, k = 0;
    gold *g = calloc(n + 1, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        yajl_val a = attrs->u.array.values[i];
        yajl_val content = pg_jget(a, "content"), cue = pg_jget(a, "cue"), src = pg_jget(a, "source");
        gold *x = &g[k];
        long b, e;
        if (!pg_span_bounds(content, m->ncp, &b, &e)) continue;
        x->b = (uint32_t)b;
        x->e = (uint32_t)e;
        trim_span(m, &x->b, &x->e);
        x->cue[0] = '\0';
        if (YAJL_IS_ARRAY(cue))
            for (size_t j = 0; j < cue->u.array.len; j++) {
                const char *t = jstr(cue->u.array.values[j], "text");
                if (t && strlen(x->cue) + strlen(t) + 2 < sizeof x->cue) {
                    if (x->cue[0]) strcat(x->cue, " ");
                    strcat(x->cue, t);
                }
            }
        x->src[0] = '\0';
        x->sb = x->se = 0;
        if (YAJL_IS_ARRAY(src) && src->u.array.len) {
            yajl_val s0 = src->u.array.values[0];
            long sb = pg_jint(s0, "start"), se = pg_jint(s0, "end");
            if (sb >= 0 && se >= sb && (size_t)se <= m->ncp) {
                x->sb = (uint32_t)sb;
                x->se = (uint32_t)se;
                size_t bb = m->cp2b[sb], be = m->cp2b[se];
                snprintf(x->src, sizeof x->src, "%.*s", (int)(be - bb), text + bb);
            }
        }
        /* the flag misses the NYT archive's '' marks: count them too */
        int quoted = YAJL_IS_TRUE(pg_jget(a, "content_has_quote_marks"));
        for (size_t j = 0; !quoted && j < content->u.array.len; j++) {
            const char *t = jstr(content->u.array.values[j], "text");
            quoted = t && strstr(t, "''") != NULL;
        }
        x->kind = !speech_cue(x->cue) ? G_OTHER : quoted ? G_QUOTED : G_INDIRECT;
        k++;
    }
    *out = g;
    return k;
}

/* ---- scoring ------------------------------------------------------------- */

typedef struct counts {
    size_t tp, fp, fn;
    size_t spk_n, spk_ok;      /* name sources among the pairs matched */
    size_t per_n, per_ok, per_null;   /* sources that name an entity: the speaker is it; no speaker */
    /* described sources ("the rookie defenceman", "the cardinal"; see
     * described_source): the speaker an entity that has a mention on the
     * source (coreference linked it), another entity, a bare description,
     * none */
    size_t desc_n, desc_linked, desc_other, desc_bare, desc_null;
} counts;

typedef struct pred {
    uint32_t b, e;             /* code points, trimmed */
    const ne_quote *q;
} pred;

typedef struct pairv { double ov; size_t p, g; } pairv;

static int pair_cmp(const void *a, const void *b)
{
    const pairv *x = a, *y = b;
    return x->ov < y->ov ? 1 : x->ov > y->ov ? -1 : 0;
}

/* True when predicted speaker of q is right for gold source g. */
static int speaker_right(const ne_doc *doc, const cpmap *m, const ne_quote *q, const gold *g)
{
    if (!q->has_speaker) return 0;
    char gw[16][48];
    int ng = name_words(g->src, gw, 16);
    if (q->speaker_entity >= 0) {
        const ne_entity *e = &doc->entities[q->speaker_entity];
        for (size_t i = 0; i < e->nmentions; i++) {
            const ne_mention *mn = &e->mentions[i];
            if (mn->field != NE_FIELD_BODY) continue;
            uint32_t b = m->b2cp[mn->start], en = m->b2cp[mn->end];
            if (b < g->se && en > g->sb) return 1;
        }
        const char *last = strrchr(e->name, ' ');
        last = last ? last + 1 : e->name;
        for (int i = 0; i < ng; i++)
            if (strcasecmp(gw[i], last) == 0) return 1;
        return 0;
    }
    char pw[16][48];
    int np = name_words(q->speaker_text ? q->speaker_text : "", pw, 16);
    for (int i = 0; i < np; i++)
        for (int j = 0; j < ng; j++)
            if (strcasecmp(pw[i], gw[j]) == 0) return 1;
    return 0;
}

static int show_fn, show_fp, show_spk, show_ind, show_desc;

/* True when a gold source is a definite description alone: "the", "this"
 * or "that" and up to five lower-case words ("the rookie defenceman",
 * "the 56-year-old"), no name. */
static int described_source(const char *s)
{
    while (*s == ' ') s++;
    size_t dl = !strncasecmp(s, "the ", 4) ? 4 : (!strncasecmp(s, "this ", 5) || !strncasecmp(s, "that ", 5)) ? 5 : 0;
    if (!dl) return 0;
    int words = 0, inword = 0;
    for (const char *p = s + dl; *p; p++) {
        if (*p == ' ') { inword = 0; continue; }
        if (!inword) { words++; inword = 1; if (*p >= 'A' && *p <= 'Z') return 0; }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '\'')) return 0;
    }
    return words >= 1 && words <= 5;
}

static void show_span(const char *label, const char *text, const cpmap *m, uint32_t b, uint32_t e)
{
    uint32_t bb = m->cp2b[b], be = m->cp2b[e];
    printf("  %s [%.*s]\n", label, (int)(be - bb > 300 ? 300 : be - bb), text + bb);
}

/* Scores the predictions of one category against the gold of one kind. */
static void score(const ne_doc *doc, const cpmap *m, const char *text, const gold *g, size_t ng,
                  const pred *p, size_t np, enum gold_kind kind, double tau, counts *c, int verbose)
{
    pairv *pv = malloc((np * ng + 1) * sizeof *pv);
    size_t npv = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < ng; j++) {
            if (g[j].kind != kind) continue;
            double ov = pg_overlap(p[i].b, p[i].e, g[j].b, g[j].e);
            if (ov >= tau) pv[npv++] = (pairv){ov, i, j};
        }
    qsort(pv, npv, sizeof *pv, pair_cmp);
    char *pused = calloc(np + 1, 1), *gused = calloc(ng + 1, 1);
    for (size_t k = 0; k < npv; k++) {
        if (pused[pv[k].p] || gused[pv[k].g]) continue;
        pused[pv[k].p] = gused[pv[k].g] = 1;
        c->tp++;
        const gold *gg = &g[pv[k].g];
        long ge = gg->se > gg->sb ? pg_gold_entity(doc, m->cp2b[gg->sb], m->cp2b[gg->se]) : -1;
        if (ge >= 0) {
            const ne_quote *q = p[pv[k].p].q;
            c->per_n++;
            c->per_ok += q->has_speaker && q->speaker_entity == ge;
            c->per_null += !q->has_speaker;
        }
        if (described_source(gg->src)) {
            const ne_quote *q = p[pv[k].p].q;
            int linked = 0;
            if (q->has_speaker && q->speaker_entity >= 0) {
                const ne_entity *en = &doc->entities[q->speaker_entity];
                for (size_t i = 0; i < en->nmentions && !linked; i++)
                    linked = en->mentions[i].field == NE_FIELD_BODY && m->b2cp[en->mentions[i].start] < gg->se &&
                             m->b2cp[en->mentions[i].end] > gg->sb;
            }
            c->desc_n++;
            const char *what = !q->has_speaker ? "none" : q->speaker_entity < 0 ? "bare" : linked ? "linked" : "other";
            c->desc_linked += what[0] == 'l';
            c->desc_other += what[0] == 'o';
            c->desc_bare += what[0] == 'b';
            c->desc_null += what[0] == 'n';
            if (verbose && show_desc)
                printf("DESC %-6s %s gold=[%s] cue=[%s] pred=[%s|%s]\n", what, doc->id, gg->src, gg->cue,
                       q->has_speaker && q->speaker_entity >= 0 ? doc->entities[q->speaker_entity].name : "-",
                       q->has_speaker && q->speaker_text ? q->speaker_text : "-");
        }
        char words[16][48];
        if (name_words(gg->src, words, 16) > 0) {
            c->spk_n++;
            int ok = speaker_right(doc, m, p[pv[k].p].q, gg);
            c->spk_ok += ok;
            if (!ok && verbose && show_spk) {
                const ne_quote *q = p[pv[k].p].q;
                printf("SPK %s gold=[%s] cue=[%s] pred=[%s|%s] cue=%s\n", doc->id, gg->src, gg->cue,
                       q->speaker_entity >= 0 ? doc->entities[q->speaker_entity].name : "-",
                       q->speaker_text ? q->speaker_text : "-", q->cue ? q->cue : "-");
                show_span("text", text, m, gg->b, gg->e);
            }
        }
    }
    for (size_t j = 0; j < ng; j++) {
        if (g[j].kind != kind || gused[j]) continue;
        c->fn++;
        if (verbose && ((kind == G_QUOTED && show_fn) || (kind == G_INDIRECT && show_ind == 1))) {
            double best = 0;
            for (size_t i = 0; i < np; i++) {
                double ov = pg_overlap(p[i].b, p[i].e, g[j].b, g[j].e);
                if (ov > best) best = ov;
            }
            printf("FN %s best=%.2f src=[%s] cue=[%s]\n", doc->id, best, g[j].src, g[j].cue);
            uint32_t b = g[j].b > 200 ? g[j].b - 200 : 0;
            show_span("ctx", text, m, b, g[j].e + 60 < m->ncp ? g[j].e + 60 : (uint32_t)m->ncp);
            show_span("gold", text, m, g[j].b, g[j].e);
        }
    }
    for (size_t i = 0; i < np; i++) {
        if (pused[i]) continue;
        int neutral = 0;
        for (size_t j = 0; j < ng && !neutral; j++)
            neutral = g[j].kind == G_OTHER && pg_overlap(p[i].b, p[i].e, g[j].b, g[j].e) >= tau;
        if (neutral) continue;
        c->fp++;
        if (verbose && ((kind == G_QUOTED && show_fp) || (kind == G_INDIRECT && show_ind == 2))) {
            const ne_quote *q = p[i].q;
            printf("FP %s %s spk=[%s] cue=%s\n", doc->id, ne_quote_kind_name(q->kind),
                   q->speaker_text ? q->speaker_text : "-", q->cue ? q->cue : "-");
            show_span("pred", text, m, p[i].b, p[i].e);
        }
    }
    free(pv);
    free(pused);
    free(gused);
}

static void print_prf(const char *label, const counts *c)
{
    double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
    double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("  %-30s P %.3f  R %.3f  F1 %.3f   (tp %zu, fp %zu, fn %zu)\n", label, p, r, f, c->tp, c->fp, c->fn);
}

/* ---- PolNeAR ------------------------------------------------------------- */

static int compare_rules = 1;
static size_t wrap_cols;   /* --wrap */

/* Hard-wraps s in place at `cols` columns (code points): greedy, a single
 * space before a word that would pass the width becomes a line break. */
static void wrap_text(char *s, size_t len, size_t cols)
{
    size_t col = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '\n') { col = 0; i++; continue; }
        if (s[i] == ' ') { col++; i++; continue; }
        size_t j = i, w = 0;
        for (; j < len && s[j] != ' ' && s[j] != '\n'; j++) w += ((unsigned char)s[j] & 0xC0) != 0x80;
        if (col > 0 && col + w > cols && s[i - 1] == ' ' && (i < 2 || s[i - 2] != ' ')) {
            s[i - 1] = '\n';
            col = 0;
        }
        col += w;
        i = j;
    }
}

/* Scores doc's quotes against the gold: direct and partial ones against
 * quoted speech, indirect ones against indirect speech, at ntau
 * thresholds (0.3, 0.8). */
static void score_quotes(const ne_doc *doc, const cpmap *m, const gold *g, size_t ng, counts *cq, counts *ci,
                         int ntau, int verbose, size_t *nkind)
{
    pred *pq = calloc(doc->nquotes + 1, sizeof *pq), *pi = calloc(doc->nquotes + 1, sizeof *pi);
    size_t npq = 0, npi = 0;
    for (size_t i = 0; i < doc->nquotes; i++) {
        const ne_quote *q = &doc->quotes[i];
        pred x = {m->b2cp[q->start], m->b2cp[q->end], q};
        trim_span(m, &x.b, &x.e);
        if (nkind) nkind[q->kind]++;
        if (q->kind == NE_QUOTE_INDIRECT) pi[npi++] = x; else pq[npq++] = x;
    }
    for (int t = 0; t < ntau; t++) {
        double tau = t == 0 ? 0.3 : 0.8;
        score(doc, m, doc->body, g, ng, pq, npq, G_QUOTED, tau, &cq[t], verbose && t == 0);
        score(doc, m, doc->body, g, ng, pi, npi, G_INDIRECT, tau, &ci[t], verbose && t == 0);
    }
    free(pq);
    free(pi);
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0; }

/* The speaker lines of one kind: the lenient name match and the resolved
 * person, rules before the ranker. */
static void print_speakers(const counts *c, const counts *r)
{
    printf("  speaker accuracy (name sources, pairs at 0.3):    %s%.3f (%zu of %zu)\n",
           compare_rules ? "" : "", ratio(c->spk_ok, c->spk_n), c->spk_ok, c->spk_n);
    if (compare_rules)
        printf("      with the hand-ordered speaker rules instead:    %.3f (%zu of %zu)\n",
               ratio(r->spk_ok, r->spk_n), r->spk_ok, r->spk_n);
    printf("  resolved person (source names an entity; the speaker is it): %.3f (%zu of %zu; %zu without speaker)\n",
           ratio(c->per_ok, c->per_n), c->per_ok, c->per_n, c->per_null);
    printf("  described sources (\"the rookie defenceman said\"): %zu; speaker an entity coreference linked "
           "to it %zu, another entity %zu, a bare description %zu, none %zu\n",
           c->desc_n, c->desc_linked, c->desc_other, c->desc_bare, c->desc_null);
    if (compare_rules)
        printf("      with the hand-ordered speaker rules instead:    %.3f (%zu of %zu; %zu without speaker)\n",
               ratio(r->per_ok, r->per_n), r->per_ok, r->per_n, r->per_null);
}

static int eval_polnear(const char *path)
{
    size_t len;
    char *all = nebuf_read_file(path, &len);
    if (!all) { printf("eval-quotes: skipped: %s not found\n", path); return 0; }
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    ne_quotes_ws *ws = ne_quotes_ws_new();
    if (!ent || !ws) { fprintf(stderr, "eval-quotes: %s\n", ent ? "out of memory" : err); return 1; }
    counts cq[2] = {{0}}, ci[2] = {{0}}, cq_rules[1] = {{0}}, ci_rules[1] = {{0}};
    size_t narticles = 0, ngq = 0, ngi = 0, ngo = 0, nkind[3] = {0};
    for (char *line = all, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        if (!*line) continue;
        yajl_val art = yajl_tree_parse(line, err, sizeof err);
        if (!art) continue;
        const char *text = jstr(art, "text"), *title = jstr(art, "title"), *id = jstr(art, "doc_id");
        if (!text) { yajl_tree_free(art); continue; }
        ne_doc doc = {0};
        doc.id = strdup(id ? id : "doc");
        doc.body = strdup(text);
        doc.body_len = strlen(text);
        if (wrap_cols) wrap_text(doc.body, doc.body_len, wrap_cols);
        if (title) { doc.title = strdup(title); doc.title_len = strlen(title); }
        if (ne_text_analyze(&doc.body_text, doc.body, doc.body_len) ||
            (doc.title && ne_text_analyze(&doc.title_text, doc.title, doc.title_len)) ||
            ne_entities_process(ent, &doc) || ne_quotes_extract(ws, &doc)) {
            fprintf(stderr, "eval-quotes: out of memory\n");
            return 1;
        }
        cpmap m;
        cpmap_build(&m, doc.body, doc.body_len);
        gold *g;
        size_t ng = read_gold(art, &m, doc.body, &g);
        for (size_t j = 0; j < ng; j++) {
            ngq += g[j].kind == G_QUOTED;
            ngi += g[j].kind == G_INDIRECT;
            ngo += g[j].kind == G_OTHER;
        }
        score_quotes(&doc, &m, g, ng, cq, ci, 2, 1, nkind);
        if (compare_rules) {   /* the same statements, speakers by the hand-ordered rules */
            ne_quotes_ws_set_rules(ws, 1);
            ne_quotes_extract(ws, &doc);
            score_quotes(&doc, &m, g, ng, cq_rules, ci_rules, 1, 0, NULL);
            ne_quotes_ws_set_rules(ws, 0);
        }
        free(g);
        cpmap_free(&m);
        ne_doc_reset(&doc);
        yajl_tree_free(art);
        narticles++;
    }
    printf("PolNeAR %s: %zu articles; gold relations: %zu quoted speech, %zu indirect speech, %zu other "
           "(beliefs, plans…)\n", path, narticles, ngq, ngi, ngo);
    printf("predicted: %zu direct, %zu partial, %zu indirect\n", nkind[0], nkind[1], nkind[2]);
    printf("quoted speech (direct + partial vs content_has_quote_marks):\n");
    print_prf("overlap >= 0.3", &cq[0]);
    print_prf("overlap >= 0.8", &cq[1]);
    print_speakers(&cq[0], &cq_rules[0]);
    printf("indirect speech (indirect vs no quote marks):\n");
    print_prf("overlap >= 0.3", &ci[0]);
    print_prf("overlap >= 0.8", &ci[1]);
    print_speakers(&ci[0], &ci_rules[0]);
    ne_entities_destroy(ent);
    ne_quotes_ws_free(ws);
    ne_config_free(cfg);
    free(all);
    return 0;
}

/* ---- seeds --------------------------------------------------------------- */

/* Lower-cased letters and digits of s, other runs as one space, into out. */
static void norm(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    int sp = 0;
    for (; *s && o + 2 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) { if (sp && o) out[o++] = ' '; sp = 0; out[o++] = (char)c; }
        else if (c >= 'A' && c <= 'Z') { if (sp && o) out[o++] = ' '; sp = 0; out[o++] = (char)(c - 'A' + 'a'); }
        else sp = 1;
    }
    out[o] = '\0';
}

/* False for a quote published with "alerts": false (a speech verb's
 * object: listed, never alerted). */
static int alerts_ok(yajl_val q)
{
    yajl_val a = pg_jget(q, "alerts");
    return !(a && YAJL_IS_FALSE(a));
}

/* The watchlist of config/newsenrich.example.json, for the second seeds run. */
static const char example_watchlist[] =
    "{\"watchlist\": {\"people\": ["
    "{\"id\": \"vladimir-putin\", \"name\": \"Vladimir Putin\", "
    "\"aliases\": [\"Putin\", \"the Russian leader\", \"the Russian president\"]},"
    "{\"id\": \"donald-trump\", \"name\": \"Donald Trump\", "
    "\"aliases\": [\"Trump\", \"Donald J. Trump\", \"President Trump\", \"POTUS\", \"the President\"]}]}}";

static int eval_seeds(const char *seeds, const char *fixture, int watchlist)
{
    size_t len;
    char *input = nebuf_read_file(seeds, &len);
    if (!input) { printf("seeds: skipped: %s not found\n", seeds); return 0; }
    char *fix = nebuf_read_file(fixture, NULL);
    char err[512];
    yajl_val ann = fix ? yajl_tree_parse(fix, err, sizeof err) : NULL;
    if (!ann) { printf("seeds: skipped: %s: %s\n", fixture, fix ? err : "not found"); free(input); free(fix); return 0; }
    ne_config *cfg = watchlist ? ne_config_load_string(example_watchlist, strlen(example_watchlist), err, sizeof err)
                               : ne_config_defaults();
    ne_pipeline *p = cfg ? ne_pipeline_new(cfg, err, sizeof err) : NULL;
    if (!p) { fprintf(stderr, "eval-quotes: %s\n", err); return 1; }
    ne_outbox ob = {0};
    printf("seeds, %s:\n", watchlist ? "with the example config's watchlist (Putin, Trump and their aliases)"
                                      : "default configuration (no watchlist)");
    yajl_val arts = pg_jget(ann, "articles");
    size_t n_ann = 0, n_found = 0, n_kind = 0, n_spk = 0, n_pred = 0, n_extra = 0;
    size_t a_exp = 0, a_pred = 0, a_tp = 0;   /* speaker alerts: annotated, predicted, right */
    for (char *line = input, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        if (!*line) continue;
        ne_pipeline_process(p, line, strlen(line), NULL, &ob);
        for (size_t e = 0; e < ob.n; e++) {
            if (ob.ev[e].topic != NE_TOPIC_ENRICHED) continue;
            yajl_val v = yajl_tree_parse(ob.ev[e].value, err, sizeof err);
            const char *id = v ? jstr(v, "id") : NULL;
            yajl_val quotes = v ? pg_jget(v, "quotes") : NULL;
            yajl_val entities = v ? pg_jget(v, "entities") : NULL;
            yajl_val mine = NULL;
            for (size_t a = 0; id && YAJL_IS_ARRAY(arts) && a < arts->u.array.len; a++) {
                const char *aid = jstr(arts->u.array.values[a], "id");
                if (aid && strcmp(aid, id) == 0) mine = pg_jget(arts->u.array.values[a], "quotes");
            }
            if (!YAJL_IS_ARRAY(quotes) || !YAJL_IS_ARRAY(mine)) { if (v) yajl_tree_free(v); continue; }
            size_t nq = quotes->u.array.len;
            char *used = calloc(nq + 1, 1);
            printf("seed %s: %zu annotated, %zu predicted\n", id, mine->u.array.len, nq);
            n_pred += nq;
            for (size_t k = 0; k < mine->u.array.len; k++) {
                yajl_val g = mine->u.array.values[k];
                const char *snip = jstr(g, "snippet"), *kind = jstr(g, "kind"), *also = jstr(g, "also");
                const char *spk = jstr(g, "speaker"), *desc = jstr(g, "speaker_text");
                char ns[512], na[512], nt[4096];
                norm(snip ? snip : "", ns, sizeof ns);
                norm(also ? also : "", na, sizeof na);
                n_ann++;
                /* an expected alert counts whether or not the quote is found:
                 * a missed quote is a missed alert */
                const char *want = !watchlist || !spk ? NULL : strstr(spk, "Trump") ? "donald-trump"
                                 : strstr(spk, "Putin") ? "vladimir-putin" : NULL;
                a_exp += want != NULL;
                long hit = -1;
                for (size_t i = 0; i < nq && hit < 0; i++) {
                    norm(jstr(quotes->u.array.values[i], "text") ? jstr(quotes->u.array.values[i], "text") : "",
                         nt, sizeof nt);
                    if (!used[i] && ns[0] && strstr(nt, ns) && strstr(nt, na)) hit = (long)i;
                }
                if (hit < 0) { printf("  MISSING  %s: \"%s\"%s%s\n", kind, snip, also ? " + " : "", also ? also : ""); continue; }
                used[hit] = 1;
                n_found++;
                yajl_val q = quotes->u.array.values[hit];
                int kind_ok = kind && jstr(q, "kind") && strcmp(kind, jstr(q, "kind")) == 0;
                n_kind += kind_ok;
                yajl_val sp = pg_jget(q, "speaker");
                const char *eid = YAJL_IS_OBJECT(sp) ? jstr(sp, "entity_id") : NULL;
                const char *stext = YAJL_IS_OBJECT(sp) ? jstr(sp, "text") : NULL;
                const char *ename = NULL;
                for (size_t x = 0; eid && YAJL_IS_ARRAY(entities) && x < entities->u.array.len; x++)
                    if (jstr(entities->u.array.values[x], "id") && strcmp(jstr(entities->u.array.values[x], "id"), eid) == 0)
                        ename = jstr(entities->u.array.values[x], "name");
                int spk_ok;
                if (spk) {   /* a named speaker: the canonical name, or its surname */
                    const char *last = ename ? strrchr(ename, ' ') : NULL, *glast = strrchr(spk, ' ');
                    last = last ? last + 1 : ename;
                    glast = glast ? glast + 1 : spk;
                    spk_ok = ename && (strcasecmp(ename, spk) == 0 || strcasecmp(last, glast) == 0);
                } else if (desc) {
                    spk_ok = !eid && stext && strcasecmp(stext, desc) == 0;
                } else {
                    spk_ok = !YAJL_IS_OBJECT(sp);
                }
                n_spk += spk_ok;
                a_tp += want && eid && !strcmp(want, eid) && alerts_ok(q);
                printf("  %s %-8s %-9s speaker %-28s \"%.60s\"\n", spk_ok && kind_ok ? "ok      " : "WRONG   ",
                       jstr(q, "kind"), kind_ok ? "" : "(kind!)", ename ? ename : stext ? stext : "null", snip);
            }
            /* speaker alerts: a quote whose speaker is a watched person
             * alerts that person's subscribers (when the claim is new) */
            for (size_t i = 0; watchlist && i < nq; i++) {
                yajl_val sp = pg_jget(quotes->u.array.values[i], "speaker");
                const char *eid = YAJL_IS_OBJECT(sp) ? jstr(sp, "entity_id") : NULL;
                a_pred += eid && (!strcmp(eid, "donald-trump") || !strcmp(eid, "vladimir-putin")) &&
                          alerts_ok(quotes->u.array.values[i]);
            }
            for (size_t i = 0; i < nq; i++)
                if (!used[i]) {
                    n_extra++;
                    yajl_val sp = pg_jget(quotes->u.array.values[i], "speaker");
                    const char *sn = YAJL_IS_OBJECT(sp) ? jstr(sp, "name") : NULL;
                    printf("  EXTRA    %-18s speaker %-28s \"%.60s\"\n", jstr(quotes->u.array.values[i], "kind"),
                           sn ? sn : "null", jstr(quotes->u.array.values[i], "text"));
                }
            free(used);
            yajl_tree_free(v);
        }
    }
    printf("seeds (%s): %zu annotated quotes: %zu found, %zu of the right kind, %zu attributed right; "
           "%zu predicted, %zu not annotated\n", watchlist ? "watchlist" : "default", n_ann, n_found, n_kind, n_spk, n_pred, n_extra);
    if (watchlist)
        printf("seeds alerts (speaker role, watched Putin and Trump; before claim novelty): %zu expected, "
               "%zu predicted, %zu right: P %.3f R %.3f\n", a_exp, a_pred, a_tp,
               a_pred ? (double)a_tp / (double)a_pred : 0, a_exp ? (double)a_tp / (double)a_exp : 0);
    ne_outbox_free(&ob);
    ne_pipeline_free(p);
    ne_config_free(cfg);
    yajl_tree_free(ann);
    free(fix);
    free(input);
    return 0;
}

/* --text: runs one text (paragraphs split at newlines) and prints its
 * entities and quotes; for debugging rules. */
static int show_text(const char *text)
{
    char err[512];
    ne_config *cfg = ne_config_defaults();
    void *ent = ne_entities_create(cfg, err, sizeof err);
    ne_quotes_ws *ws = ne_quotes_ws_new();
    if (!ent || !ws) { fprintf(stderr, "eval-quotes: %s\n", ent ? "out of memory" : err); return 1; }
    ne_doc doc = {0};
    doc.id = strdup("text");
    doc.body = strdup(text);
    doc.body_len = strlen(text);
    if (ne_text_analyze(&doc.body_text, doc.body, doc.body_len) || ne_entities_process(ent, &doc) ||
        ne_quotes_extract(ws, &doc))
        return 1;
    for (size_t i = 0; i < doc.nentities; i++) {
        const ne_entity *e = &doc.entities[i];
        printf("entity %s %s g=%d:", ne_ent_type_name(e->type), e->name, (int)e->gender);
        for (size_t m = 0; m < e->nmentions; m++)
            printf(" [%.*s]", (int)(e->mentions[m].end - e->mentions[m].start), doc.body + e->mentions[m].start);
        printf("\n");
    }
    for (size_t i = 0; i < doc.nquotes; i++) {
        const ne_quote *q = &doc.quotes[i];
        printf("%-8s speaker=%s (%s) cue=%s about=", ne_quote_kind_name(q->kind),
               q->has_speaker ? (q->speaker_entity >= 0 ? doc.entities[q->speaker_entity].name : "described") : "null",
               q->speaker_text ? q->speaker_text : "-", q->cue ? q->cue : "-");
        for (size_t a = 0; a < q->nabout; a++) printf("%s%s", a ? "," : "", doc.entities[q->about[a]].name);
        printf("\n    [%s]\n", q->text);
    }
    ne_doc_reset(&doc);
    ne_entities_destroy(ent);
    ne_quotes_ws_free(ws);
    ne_config_free(cfg);
    return 0;
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data", *split = "dev", *fixture = "tests/fixtures/seeds_quotes.json";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--split") && i + 1 < argc) split = argv[++i];
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc) fixture = argv[++i];
        else if (!strcmp(argv[i], "--text") && i + 1 < argc) return show_text(argv[++i]);
        else if (!strcmp(argv[i], "--wrap") && i + 1 < argc) wrap_cols = (size_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--show") && i + 1 < argc) {
            const char *w = argv[++i];
            show_fn |= !strcmp(w, "fn");
            show_fp |= !strcmp(w, "fp");
            show_spk |= !strcmp(w, "spk");
            show_desc |= !strcmp(w, "desc");
            if (!strcmp(w, "ifn")) show_ind = 1;
            if (!strcmp(w, "ifp")) show_ind = 2;
        } else {
            fprintf(stderr, "usage: eval_quotes [--data DIR] [--split dev|train] [--seeds FIXTURE] "
                            "[--show fn|fp|spk|ifn|ifp] [--wrap COLS] | --text TEXT\n");
            return 2;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/polnear/%s.jsonl", data, split);
    int rc = eval_polnear(path);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/seeds/seeds.jsonl", data);
    FILE *f = fopen(path, "r");
    if (!f) { printf("seeds: skipped: %s not found\n", path); return 0; }
    fclose(f);
    rc = eval_seeds(path, fixture, 0);
    return rc ? rc : eval_seeds(path, fixture, 1);
}
