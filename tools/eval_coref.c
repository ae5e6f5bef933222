/* eval_coref — figures of the coreference model (enrichers/coref/).
 *
 *   eval_coref [--model models/coref.model] [--ner models/ner.model]
 *              [--data ../shared/data] [--bench CORPUS.jsonl] [--articles 200]
 *              [--gap-split validation|development] [--gap-diag] [--gap-cv DIR]
 *              [--cue-pronouns]
 *   eval_coref --show TEXT     the mentions and clusters of one text
 *
 * (a) GAP validation (454 rows, 908 pairs; held out: the trainer reads GAP
 *     development only): the GAP paper's F1 over pairs (is the pronoun
 *     coreferent with the name?), for masculine and feminine pronouns and
 *     the bias ratio F/M. The given names and the pronoun are the
 *     mentions; the rest of each text goes through the detector.
 * (a') the same rows through the product: each text is a document's body
 *     run through the entities stage (tagger, clustering, coreference,
 *     output) with the models beside --ner; the pronoun and A (B) are
 *     coreferent when the published entity holding a mention at the
 *     pronoun's offset also holds a mention overlapping A's (B's) span.
 *     This is the figure the GAP target is about.
 *     --gap-split development scores the trainer's split instead (for
 *     diagnosis only: the model and the given names were built from it);
 *     --gap-diag prints a line per row the product gets wrong and the
 *     model's own answer per row. --gap-cv DIR scores GAP development
 *     through the stage cross-validated: row r with the models in
 *     DIR/(r % K)/, which coref_train --fold-models DIR trained without
 *     row r's fold (the figure to select on; validation stays held out).
 * (b) GUM held out: the official dev and test documents (splits.md; the
 *     news and Reddit ones are not in ../shared/data), which the trainer
 *     leaves out. Mentions: what the detector finds (NER names, pronouns,
 *     titles, descriptions) on the tokenizer's view of the text; scored:
 *     those matching a gold person or organisation mention (the smallest
 *     containing one with the same start or end), against their gold
 *     entities — MUC and B³ F1 and their mean. Also how many gold
 *     person/organisation mentions the detector produces.
 * (d) GUM train (in sample) and dev (held out): the he/she/they subjects of
 *     a speech verb whose gold entity was named before — right, another
 *     person's name, or no name in the pronoun's cluster (the speaker a
 *     quote would get through the pronoun). --cue-pronouns prints (d) alone.
 * (c) speed: the first N articles of the bench corpus (JSON lines with
 *     "body"/"text"), tokenized and NER-tagged outside the timing as the
 *     entities stage does; then detection + resolution, best of 5 passes:
 *     mentions resolved per second, ms per article, and the share of
 *     text + NER time; and the model's load time. Times are the thread's
 *     CPU time (CLOCK_THREAD_CPUTIME_ID): the machine is shared.
 * The cross-validation figures the trainer recorded are printed first.
 * Each part says "skipped: …" when its data is absent.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/nebuf.h"
#include "common/xalloc.h"
#include "config/config.h"
#include "enrichers/entities/entities.h"
#include "enrichers/coref/coref.h"
#include "enrichers/coref/coref_data.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/text/text.h"

/* Thread CPU time: the machine is shared, and waiting for a core is not
 * the code's cost. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --gap-split: which GAP file (a) and (a') read; "validation" unless told
 * ("development" is the trainer's: for diagnosis, not a held-out figure). */
static const char *gap_split = "validation";
static int gap_diag;   /* --gap-diag: one line per product-level miss */
static const char *gap_cv;   /* --gap-cv DIR: fold models of coref_train --fold-models */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int32_t last_pron_ante;   /* the GAP pronoun's antecedent, for --gap-diag */

static void resolve_inst(const ne_coref_model *m, ne_coref_ws *ws, ne_coref_inst *in, int32_t **cl, size_t *cap)
{
    if (*cap < in->n + 1) { *cap = in->n + 1; *cl = ne_xrealloc(*cl, *cap * sizeof **cl); }
    int32_t *ante = ne_xmalloc((in->n + 1) * sizeof *ante);
    ne_coref_resolve(m, ws, &in->t, in->ms, in->n, ante, *cl);
    last_pron_ante = in->pron >= 0 ? ante[in->pron] : -2;
    free(ante);
}

static void eval_gap(const ne_coref_model *m, ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, const char *data)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/gap/gap-%s.tsv", data, gap_split);
    size_t n = 0;
    ne_gap_row *rows = ne_gap_read(path, &n, err, sizeof err);
    if (!rows) { printf("(a) GAP validation: skipped: %s\n", err); return; }
    ne_coref_scores sc;
    memset(&sc, 0, sizeof sc);
    int32_t *cl = NULL;
    size_t cap = 0;
    for (size_t r = 0; r < n; r++) {
        ne_coref_inst in;
        ne_coref_inst_gap(&in, &rows[r], m, ws, ner, nws);
        resolve_inst(m, ws, &in, &cl, &cap);
        ne_coref_score_gap(&sc, &in, cl);
        if (gap_diag && in.pron >= 0 && in.ma >= 0 && in.mb >= 0)
            printf("MODEL %s %d%d %s\n", rows[r].id, cl[in.pron] == cl[in.ma], cl[in.pron] == cl[in.mb],
                   last_pron_ante < 0 ? "new" : in.ms[last_pron_ante].kind == NE_COREF_PRONOUN ? "pron" : "ment");
        ne_coref_inst_free(&in);
    }
    double f = ne_coref_gap_f1(&sc, 0), fm = ne_coref_gap_f1(&sc, 1), ff = ne_coref_gap_f1(&sc, 2);
    double p = (double)sc.gap_tp / (double)(sc.gap_tp + sc.gap_fp ? sc.gap_tp + sc.gap_fp : 1);
    double rc = (double)sc.gap_tp / (double)(sc.gap_tp + sc.gap_fn ? sc.gap_tp + sc.gap_fn : 1);
    printf("(a) GAP %s, %zu rows, %zu pairs: F1 %.3f (P %.3f R %.3f)  masculine %.3f  feminine %.3f  bias F/M %.3f\n",
           gap_split, n, 2 * n, f, p, rc, fm, ff, fm > 0 ? ff / fm : 0);
    free(cl);
    ne_gap_free(rows, n);
}


/* The published entity holding a body mention that overlaps [s, e), or -1. */
static long entity_over(const ne_doc *d, uint32_t s, uint32_t e)
{
    for (size_t k = 0; k < d->nentities; k++)
        for (size_t j = 0; j < d->entities[k].nmentions; j++) {
            const ne_mention *mm = &d->entities[k].mentions[j];
            if (mm->field == NE_FIELD_BODY && mm->start < e && s < mm->end) return (long)k;
        }
    return -1;
}

/* "name/TYPE" of published entity k, for --gap-diag ("-" for none). */
static const char *ent_label(const ne_doc *d, long k)
{
    static char buf[4][160];
    static int next;
    static const char *const ty[] = { "PER", "ORG", "LOC", "MISC" };
    if (k < 0) return "-";
    char *b = buf[next++ % 4];
    const ne_entity *e = &d->entities[k];
    snprintf(b, sizeof buf[0], "%s/%s/%zu", e->name ? e->name : "?", e->type <= NE_ENT_MISC ? ty[e->type] : "?",
             e->nmentions);
    return b;
}

/* (a') GAP validation through the product: each text is a document's body
 * run through the entities stage (NER, clustering, coreference, output)
 * with the models beside --ner; the pronoun and name A (B) are coreferent
 * when the published entity holding a mention at the pronoun's offset also
 * holds a mention overlapping A's (B's) span. A pronoun the stage does not
 * publish corefers with neither. */
static void eval_gap_product(const char *nerp, const char *data)
{
    char path[1024], err[512];
    /* --gap-cv DIR: GAP development, row r scored with the stage whose
     * models are in DIR/(r % K)/ (coref_train --fold-models DIR): a
     * cross-validated figure of the product on the trainer's split */
    const char *split = gap_cv ? "development" : gap_split;
    snprintf(path, sizeof path, "%s/gap/gap-%s.tsv", data, split);
    size_t n = 0;
    ne_gap_row *rows = ne_gap_read(path, &n, err, sizeof err);
    if (!rows) { printf("(a') GAP %s through the entities stage: skipped: %s\n", split, err); return; }
    void *stage[16] = { 0 };
    ne_config *cfg[16] = { 0 };
    int nst = 0;
    for (int f = 0; f < 16; f++) {
        char json[2048], mp[1200];
        if (gap_cv) snprintf(mp, sizeof mp, "%s/%d/ner.model", gap_cv, f);
        else snprintf(mp, sizeof mp, "%s", nerp);
        if (gap_cv && access(mp, R_OK) != 0) break;
        snprintf(json, sizeof json, "{\"entities\": {\"model\": \"%s\"}}", mp);
        cfg[f] = ne_config_load_string(json, strlen(json), err, sizeof err);
        stage[f] = cfg[f] ? ne_entities_create(cfg[f], err, sizeof err) : NULL;
        if (!stage[f]) break;
        nst++;
        if (!gap_cv) break;
    }
    if (nst == 0) {
        printf("(a') GAP %s through the entities stage: skipped: %s\n", split, err);
        ne_config_free(cfg[0]);
        ne_gap_free(rows, n);
        return;
    }
    ne_coref_scores sc;
    memset(&sc, 0, sizeof sc);
    size_t published = 0;
    for (size_t r = 0; r < n; r++) {
        const ne_gap_row *g = &rows[r];
        ne_doc d;
        memset(&d, 0, sizeof d);
        d.body = ne_xstrdup(g->text);
        d.body_len = strlen(g->text);
        ne_text_analyze(&d.body_text, d.body, d.body_len);
        ne_entities_process(stage[r % (size_t)nst], &d);
        long pe = entity_over(&d, g->pron, g->pron + g->pron_len);
        published += pe >= 0;
        int pa = pe >= 0 && entity_over(&d, g->a, g->a + g->a_len) == pe;
        int pb = pe >= 0 && entity_over(&d, g->b, g->b + g->b_len) == pe;
        /* the same tallies as ne_coref_score_gap */
        int gi = g->gender == NE_GENDER_MALE ? 1 : 2;
        for (int k = 0; k < 2; k++) {
            int p = k ? pb : pa, gold = k ? g->b_coref : g->a_coref;
            if (p && gold) { sc.gap_tp++; sc.gap_g[gi][0]++; }
            else if (p) { sc.gap_fp++; sc.gap_g[gi][1]++; }
            else if (gold) { sc.gap_fn++; sc.gap_g[gi][2]++; }
            else sc.gap_tn++;
        }
        if (gap_diag && (pa != g->a_coref || pb != g->b_coref)) {
            long ea = entity_over(&d, g->a, g->a + g->a_len), eb = entity_over(&d, g->b, g->b + g->b_len);
            printf("MISS %s pron %s A %s B %s gold %d%d pred %d%d  [%.*s|%.*s|%.*s] {%s|%s|%s}\n", g->id,
                   pe >= 0 ? "pub" : "none", ea >= 0 ? "ent" : "none", eb >= 0 ? "ent" : "none", g->a_coref, g->b_coref,
                   pa, pb, (int)g->pron_len, g->text + g->pron, (int)g->a_len, g->text + g->a, (int)g->b_len,
                   g->text + g->b, ent_label(&d, pe), ent_label(&d, ea), ent_label(&d, eb));
        }
        ne_doc_reset(&d);
    }
    double f = ne_coref_gap_f1(&sc, 0), fm = ne_coref_gap_f1(&sc, 1), ff = ne_coref_gap_f1(&sc, 2);
    double p = (double)sc.gap_tp / (double)(sc.gap_tp + sc.gap_fp ? sc.gap_tp + sc.gap_fp : 1);
    double rc = (double)sc.gap_tp / (double)(sc.gap_tp + sc.gap_fn ? sc.gap_tp + sc.gap_fn : 1);
    char what[64] = "";
    if (gap_cv) snprintf(what, sizeof what, ", %d-fold cross-validated", nst);
    printf("(a') GAP %s through the entities stage (published mentions%s), %zu rows: F1 %.3f (P %.3f R %.3f)  "
           "masculine %.3f  feminine %.3f  bias F/M %.3f; pronoun published in %zu rows (%.0f%%)\n",
           split, what, n, f, p, rc, fm, ff, fm > 0 ? ff / fm : 0, published, 100.0 * (double)published / (double)(n ? n : 1));
    for (int k = 0; k < nst; k++) {
        ne_entities_destroy(stage[k]);
        ne_config_free(cfg[k]);
    }
    ne_gap_free(rows, n);
}

static void eval_gum(const ne_coref_model *m, ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, const char *data)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/gum/splits.md", data);
    char *splits = nebuf_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/gum", data);
    DIR *dir = splits ? opendir(path) : NULL;
    if (!dir) { printf("(b) GUM held out: skipped: %s/gum not found\n", data); free(splits); return; }
    char **files = NULL;
    size_t nf = 0, capf = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 7, ".conllu") || strncmp(de->d_name, "GUM_", 4)) continue;
        ne_grow(&files, &capf, nf + 1, sizeof *files);
        files[nf++] = ne_xstrdup(de->d_name);
    }
    closedir(dir);
    qsort(files, nf, sizeof *files, cmp_str);
    ne_coref_scores sc[3];
    memset(sc, 0, sizeof sc);
    size_t docs[3] = { 0 }, gold_all[3] = { 0 }, gold_det[3] = { 0 }, det[3] = { 0 };
    int32_t *cl = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < nf; i++) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(files[i]) - 7), files[i]);
        char s = ne_gum_split(splits, name);
        int k = s == 'd' ? 0 : s == 't' ? 1 : -1;
        if (k < 0) { free(files[i]); continue; }
        snprintf(path, sizeof path, "%s/gum/%s", data, files[i]);
        free(files[i]);
        ne_gum_doc d;
        if (ne_gum_read(path, &d, err, sizeof err) < 0) { printf("(b) %s\n", err); continue; }
        ne_coref_inst in;
        ne_coref_inst_gum(&in, &d, m, ws, ner, nws);
        resolve_inst(m, ws, &in, &cl, &cap);
        for (int q = 0; q < 2; q++) {
            int t = q == 0 ? k : 2;
            ne_coref_score_gum(&sc[t], &in, cl);
            docs[t]++; gold_all[t] += in.gold_total; det[t] += in.n;
            for (size_t j = 0; j < in.n; j++) gold_det[t] += in.gold[j] >= 0 && in.gold[j] < NE_COREF_OTHER;
        }
        ne_coref_inst_free(&in);
        ne_gum_free(&d);
    }
    free(files);
    free(cl);
    free(splits);
    static const char *const names[3] = { "dev", "test", "dev+test" };
    printf("(b) GUM held out (official dev and test documents present in the data; person and organisation entities;\n"
           "    mentions the detector produces that match a gold mention; MUC, B3 F1 and their mean):\n");
    for (int t = 0; t < 3; t++) {
        double mu = ne_coref_muc_f1(&sc[t]), b3 = ne_coref_b3_f1(&sc[t]);
        printf("    %-8s %3zu docs: MUC %.3f  B3 %.3f  mean %.3f   (%zu of %zu gold person/org mentions detected, %.0f%%; %zu mentions detected in all)\n",
               names[t], docs[t], mu, b3, (mu + b3) / 2, gold_det[t], gold_all[t],
               100.0 * (double)gold_det[t] / (double)(gold_all[t] ? gold_all[t] : 1), det[t]);
    }
}

/* (d) cue-subject pronouns: is the speaker right when the text says
 * "he"? A he/she/they a speech verb follows (an adverb or auxiliary
 * between: "he later said", "she has told") whose gold entity (a person
 * or organisation) has a proper-name mention before it; the pronoun's
 * cluster is right when it holds a detected name of that entity and none
 * of another, another when it holds another's name, none when no name.
 * The verb list is this tool's, not the model's cue lexicon, so that the
 * figure does not follow the detector's own notion of a cue. */
static int speech_verb(const char *p, size_t l)
{
    static const char *const v[] = { "said", "says", "say", "told", "tells", "tell", "asked", "asks", "added", "adds",
                                     "explained", "explains", "noted", "notes", "wrote", "writes", "replied", "answered",
                                     "argued", "argues", "insisted", "claimed", "claims", "warned", "warns", "stated",
                                     "announced", "continued", "continues", "recalled", "recalls", "remarked",
                                     "admitted", "acknowledged", "suggested", "suggests", NULL };
    for (int i = 0; v[i]; i++)
        if (strlen(v[i]) == l && !strncasecmp(p, v[i], l)) return 1;
    return 0;
}

static int adverb_or_aux(const char *p, size_t l)
{
    static const char *const v[] = { "also", "later", "then", "again", "once", "has", "had", "have", "would", "will",
                                     "did", "does", "do", "just", "never", "often", "always", "further", NULL };
    if (l > 3 && p[l - 2] == 'l' && p[l - 1] == 'y') return 1;
    for (int i = 0; v[i]; i++)
        if (strlen(v[i]) == l && !strncasecmp(p, v[i], l)) return 1;
    return 0;
}

static int cue_subject_pronoun(const ne_coref_inst *in, size_t i)
{
    const ne_coref_mention *mm = &in->ms[i];
    if (mm->kind != NE_COREF_PRONOUN || mm->tok_end != mm->tok_start + 1) return 0;
    const ne_token *pt = &in->t.toks[mm->tok_start];
    const char *w = in->text + pt->start;
    size_t wl = pt->end - pt->start;
    if (!((wl == 2 && !strncasecmp(w, "he", 2)) || (wl == 3 && !strncasecmp(w, "she", 3)) ||
          (wl == 4 && !strncasecmp(w, "they", 4))))
        return 0;
    for (size_t j = mm->tok_end; j < in->t.ntoks && j < mm->tok_end + 3; j++) {
        const ne_token *tk = &in->t.toks[j];
        if (tk->kind != NE_TOK_WORD) return 0;
        if (speech_verb(in->text + tk->start, tk->end - tk->start)) return 1;
        if (!adverb_or_aux(in->text + tk->start, tk->end - tk->start)) return 0;
    }
    return 0;
}

/* Whether GUM entity e has a mention with a proper noun that ends before
 * byte pos. */
static int gum_named_before(const ne_gum_doc *d, int32_t e, uint32_t pos)
{
    for (size_t g = 0; g < d->nments; g++) {
        const ne_gum_mention *gm = &d->ments[g];
        if (gm->entity != e || gm->end > pos) continue;
        for (uint32_t k = gm->tok_start; k < gm->tok_end && k < d->ntoks; k++)
            if (!strcmp(d->toks[k].upos, "PROPN")) return 1;
    }
    return 0;
}

static void eval_cue_pronouns(const ne_coref_model *m, ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws,
                              const char *data)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/gum/splits.md", data);
    char *splits = nebuf_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/gum", data);
    DIR *dir = splits ? opendir(path) : NULL;
    if (!dir) { printf("(d) cue-subject pronouns: skipped: %s/gum not found\n", data); free(splits); return; }
    size_t n[2][3] = { { 0 } };   /* train, dev: right, another, none */
    int32_t *cl = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 7, ".conllu") || strncmp(de->d_name, "GUM_", 4)) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(l - 7), de->d_name);
        char s = ne_gum_split(splits, name);
        int k = s == 'r' ? 0 : s == 'd' ? 1 : -1;
        if (k < 0) continue;
        snprintf(path, sizeof path, "%s/gum/%s", data, de->d_name);
        ne_gum_doc d;
        if (ne_gum_read(path, &d, err, sizeof err) < 0) { printf("(d) %s\n", err); continue; }
        ne_coref_inst in;
        ne_coref_inst_gum(&in, &d, m, ws, ner, nws);
        resolve_inst(m, ws, &in, &cl, &cap);
        for (size_t i = 0; i < in.n; i++) {
            int32_t g = in.gold[i];
            if (g < 0 || g >= NE_COREF_OTHER || !cue_subject_pronoun(&in, i) ||
                !gum_named_before(&d, g, in.ms[i].start))
                continue;
            int right = 0, other = 0;
            for (size_t j = 0; j < i; j++) {
                if (cl[j] != cl[i] || in.ms[j].kind != NE_COREF_NAME || in.gold[j] < 0 || in.gold[j] >= NE_COREF_OTHER) continue;
                if (in.gold[j] == g) right = 1; else other = 1;
            }
            n[k][other ? 1 : right ? 0 : 2]++;
        }
        ne_coref_inst_free(&in);
        ne_gum_free(&d);
    }
    closedir(dir);
    free(cl);
    free(splits);
    static const char *const what[2] = { "train (in sample: the model was trained on it)", "dev (held out)" };
    printf("(d) GUM he/she/they subjects of a speech verb whose gold entity was named before (the speaker through a pronoun):\n");
    for (int k = 0; k < 2; k++) {
        size_t tot = n[k][0] + n[k][1] + n[k][2];
        printf("    %-48s %3zu: right %3zu (%.3f)  another %3zu  none %3zu\n", what[k], tot, n[k][0],
               (double)n[k][0] / (double)(tot ? tot : 1), n[k][1], n[k][2]);
    }
}

static void eval_speed(const ne_coref_model *m, ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws,
                       const char *bench, size_t want)
{
    FILE *f = fopen(bench, "r");
    if (!f) { printf("(c) speed: skipped: %s not found\n", bench); return; }
    ne_doc *docs = ne_xcalloc(want + 1, sizeof *docs);
    ne_ner_span **spans = ne_xcalloc(want + 1, sizeof *spans);
    size_t *nspans = ne_xcalloc(want + 1, sizeof *nspans);
    size_t n = 0, words = 0;
    char *line = NULL, detail[256];
    size_t lcap = 0;
    ssize_t len;
    double t_text = 0, t_ner = 0;
    while (n < want && (len = getline(&line, &lcap, f)) > 0) {
        ne_doc *d = &docs[n];
        if (ne_decode(line, (size_t)len, 1u << 20, d, detail, sizeof detail) != NE_REJECT_NONE) { ne_doc_reset(d); continue; }
        double t0 = now_s();
        ne_text_analyze(&d->body_text, d->body, d->body_len);
        double t1 = now_s();
        size_t cap = 0;
        nspans[n] = ne_coref_ner(ner, nws, &d->body_text, &spans[n], &cap);
        t_text += t1 - t0;
        t_ner += now_s() - t1;
        for (size_t i = 0; i < d->body_text.ntoks; i++) words += d->body_text.toks[i].kind == NE_TOK_WORD;
        n++;
    }
    free(line);
    fclose(f);
    if (!n) { printf("(c) speed: skipped: no articles in %s\n", bench); free(docs); free(spans); free(nspans); return; }
    /* text + NER again, best of 5 like the resolver, for scale */
    double best_tn = 1e30;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            ne_text tt;
            memset(&tt, 0, sizeof tt);
            ne_text_analyze(&tt, docs[i].body, docs[i].body_len);
            ne_ner_span *sp = NULL;
            size_t cap = 0;
            ne_coref_ner(ner, nws, &tt, &sp, &cap);
            free(sp);
            ne_text_clear(&tt);
        }
        double t = now_s() - t0;
        if (t < best_tn) best_tn = t;
    }
    (void)t_text; (void)t_ner;
    int32_t *ante = NULL, *cl = NULL;
    size_t cap = 0, nment = 0;
    double best = 1e30;
    for (int pass = 0; pass < 5; pass++) {
        nment = 0;
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            ne_coref_mention *ms;
            size_t k = ne_coref_detect(m, ws, &docs[i].body_text, spans[i], nspans[i], &ms);
            if (cap < k + 1) {
                cap = k + 1;
                ante = ne_xrealloc(ante, cap * sizeof *ante);
                cl = ne_xrealloc(cl, cap * sizeof *cl);
            }
            ne_coref_resolve(m, ws, &docs[i].body_text, ms, k, ante, cl);
            nment += k;
        }
        double t = now_s() - t0;
        if (t < best) best = t;
    }
    printf("(c) speed on the first %zu articles of %s (%.0f words/article), one thread, best of 5:\n", n, bench,
           (double)words / (double)n);
    printf("    detection + resolution: %.3f ms/article, %.0f mentions resolved/s (%.1f mentions/article)\n",
           1e3 * best / (double)n, (double)nment / best, (double)nment / (double)n);
    printf("    text + NER of the same articles (best of 5, for scale): %.3f ms/article; coreference adds %.1f%% to it\n",
           1e3 * best_tn / (double)n, 100.0 * best / best_tn);
    for (size_t i = 0; i < n; i++) { ne_doc_reset(&docs[i]); free(spans[i]); }
    free(docs); free(spans); free(nspans); free(ante); free(cl);
}

/* --show TEXT: the mentions the detector finds and the clusters. */
static void show(const ne_coref_model *m, ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, const char *text)
{
    static const char *const kinds[4] = { "name", "title", "desc", "pronoun" };
    ne_text t;
    memset(&t, 0, sizeof t);
    ne_text_analyze(&t, text, strlen(text));
    ne_ner_span *spans = NULL;
    size_t cap = 0, ns = ne_coref_ner(ner, nws, &t, &spans, &cap);
    ne_coref_mention *det;
    size_t n = ne_coref_detect(m, ws, &t, spans, ns, &det);
    ne_coref_mention *ms = ne_xmemdup(det, (n + 1) * sizeof *det);
    int32_t *ante = ne_xmalloc((n + 1) * sizeof *ante), *cl = ne_xmalloc((n + 1) * sizeof *cl);
    ne_coref_resolve(m, ws, &t, ms, n, ante, cl);
    for (size_t i = 0; i < n; i++)
        printf("%3zu %-8s type %2d g%d n%d appos %3d age %2d role %s  ->%3d cluster %3d  %.*s\n", i, kinds[ms[i].kind],
               ms[i].type, ms[i].gender, ms[i].number, ms[i].appos, ms[i].age, ms[i].role ? "y" : "-", ante[i], cl[i],
               (int)(ms[i].end - ms[i].start), text + ms[i].start);
    free(ms); free(ante); free(cl); free(spans);
    ne_text_clear(&t);
}

int main(int argc, char **argv)
{
    const char *show_text = NULL;
    int cue_only = 0;
    const char *model = "models/coref.model", *nerp = "models/ner.model", *data = "../shared/data";
    const char *bench = ".cache/bench/polnear-varied.jsonl";
    size_t articles = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(argv[i], "--ner") && i + 1 < argc) nerp = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--bench") && i + 1 < argc) bench = argv[++i];
        else if (!strcmp(argv[i], "--articles") && i + 1 < argc) articles = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--show") && i + 1 < argc) show_text = argv[++i];
        else if (!strcmp(argv[i], "--gap-split") && i + 1 < argc) gap_split = argv[++i];
        else if (!strcmp(argv[i], "--gap-diag")) gap_diag = 1;
        else if (!strcmp(argv[i], "--gap-cv") && i + 1 < argc) gap_cv = argv[++i];
        else if (!strcmp(argv[i], "--cue-pronouns")) cue_only = 1;
        else {
            fprintf(stderr, "usage: eval_coref [--model M] [--ner M] [--data DIR] [--bench CORPUS.jsonl] [--articles N]\n");
            return 2;
        }
    }
    char err[512];
    double t0 = now_s();
    ne_coref_model *m = ne_coref_load(model, err, sizeof err);
    double t_load = now_s() - t0;
    if (!m) { fprintf(stderr, "eval_coref: %s\n", err); return 1; }
    ne_ner_model *ner = ne_ner_load(nerp, err, sizeof err);
    if (!ner) { fprintf(stderr, "eval_coref: %s\n", err); return 1; }
    printf("model %s: loaded in %.1f ms\n", model, t_load * 1e3);
    printf("trainer's cross-validation: %s\n", ne_coref_model_info(m));
    ne_coref_ws *ws = ne_coref_ws_new();
    ne_ner_ws *nws = ne_ner_ws_new();
    if (cue_only) {
        eval_cue_pronouns(m, ws, ner, nws, data);
    } else if (show_text) {
        show(m, ws, ner, nws, show_text);
        articles = 0;
        data = "/nonexistent";
    } else
    eval_gap(m, ws, ner, nws, data);
    if (!show_text && !cue_only) {
        eval_gap_product(nerp, data);
        eval_gum(m, ws, ner, nws, data);
        eval_cue_pronouns(m, ws, ner, nws, data);
        eval_speed(m, ws, ner, nws, bench, articles);
    }
    ne_coref_ws_free(ws);
    ne_ner_ws_free(nws);
    ne_ner_free(ner);
    ne_coref_free(m);
    return 0;
}
