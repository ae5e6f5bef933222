/* ner_eval — scores the NER tagger on a CoNLL-2003 file.
 *
 *   ner_eval [--model models/ner.model] [--repeat N] [--cases] [--dump]
 *            [--no-cache] FILE
 *
 * Prints exact-span entity precision, recall and F1 per type and overall
 * (the conlleval convention: an entity counts only when its first token,
 * last token and type all match the gold entity; IOB1 gold is converted
 * by ne_ner_iob_to_tags), the model load time, and tagging speed in
 * tokens per second on one thread. Speed counts ne_ner_tag() alone, not
 * reading or scoring; the corpus is tagged N times (default 5) and the
 * median pass is reported (with the fastest and slowest), so one lucky
 * pass on a warm cache does not stand for the rate. With --cases, the same figures follow for the file
 * fully upper-cased and title-cased (ne_ner_corpus_recase), as wire
 * headlines and datelines write text. --dump prints each token with its
 * gold and found tags (BILOU) first, for reading; --no-cache tags by the
 * reference path (ne_ner_ws_set_cache 0), which must give the same tags. Exit status 0, or 1 on
 * an error.
 */
#include "enrichers/ner/ner.h"

#include "common/xalloc.h"
#include "tools/ner_score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the P/R/F1 table of tags against c's gold. */
static void print_table(const char *title, const ne_ner_corpus *c, const uint8_t *tags)
{
    static const char *const names[4] = { "PER", "ORG", "LOC", "MISC" };
    ne_ner_counts k = ner_score_count(c, tags);
    if (*title) printf("%s\n", title);
    printf("%-8s %9s %9s %9s %7s %7s %7s\n", "type", "precision", "recall", "F1", "found", "gold", "correct");
    for (int t = -1; t < 4; t++) {
        double p, r, f;
        size_t tp = 0, fp = 0, fn = 0;
        for (int u = 0; u < 4; u++)
            if (t < 0 || u == t) { tp += k.tp[u]; fp += k.fp[u]; fn += k.fn[u]; }
        ne_ner_prf(&k, t, &p, &r, &f);
        printf("%-8s %9.4f %9.4f %9.4f %7zu %7zu %7zu\n", t < 0 ? "overall" : names[t], p, r, f,
               tp + fp, tp + fn, tp);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *model_path = "models/ner.model", *path = NULL;
    int repeat = 5, cases = 0, dump = 0, nocache = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model_path = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cases")) cases = 1;
        else if (!strcmp(argv[i], "--dump")) dump = 1;
        else if (!strcmp(argv[i], "--no-cache")) nocache = 1;
        else if (argv[i][0] != '-' && !path) path = argv[i];
        else {
            fprintf(stderr, "usage: ner_eval [--model FILE] [--repeat N] [--cases] [--dump] [--no-cache] CONLL_FILE\n");
            return 1;
        }
    }
    if (!path || repeat < 1) {
        fprintf(stderr, "usage: ner_eval [--model FILE] [--repeat N] [--cases] [--dump] [--no-cache] CONLL_FILE\n");
        return 1;
    }
    char err[512];
    double t0 = ner_score_now();
    ne_ner_model *m = ne_ner_load(model_path, err, sizeof err);
    double load_ms = (ner_score_now() - t0) * 1e3;
    if (!m) { fprintf(stderr, "ner_eval: %s\n", err); return 1; }
    ne_ner_corpus c;
    if (ne_ner_corpus_read(path, &c, err, sizeof err) < 0) {
        fprintf(stderr, "ner_eval: %s\n", err);
        ne_ner_free(m);
        return 1;
    }
    ne_ner_ws *ws = ne_ner_ws_new();
    if (nocache) ne_ner_ws_set_cache(ws, 0);
    uint8_t *tags = ne_xmalloc(c.ntoks + 1);

    double *pass = ne_xmalloc((size_t)repeat * sizeof *pass);
    for (int r = 0; r < repeat; r++) pass[r] = ner_score_tag(m, ws, &c, tags);
    qsort(pass, (size_t)repeat, sizeof *pass, cmp_double);
    double median = pass[repeat / 2], fastest = pass[0], slowest = pass[repeat - 1];
    free(pass);
    if (dump)
        for (size_t s = 0; s < c.nsents; s++) {
            size_t off = (size_t)(c.sents[s].toks - c.toks);
            for (size_t i = off; i < off + c.sents[s].ntoks; i++)
                printf("%.*s %s %s\n", (int)c.toks[i].len, c.toks[i].ptr, ne_ner_tag_name(c.gold[i]),
                       ne_ner_tag_name(tags[i]));
            printf("\n");
        }
    printf("%s: %zu documents, %zu sentences, %zu tokens\n", path, c.ndocs, c.nsents, c.ntoks);
    print_table(cases ? "as written:" : "", &c, tags);
    if (cases) {
        static const char *const titles[] = { NULL, "fully upper-cased:", "title-cased:" };
        size_t *docs = ne_xmalloc((c.ndocs + 1) * sizeof *docs);
        uint8_t *modes = ne_xmalloc(c.ndocs + 1);
        for (int mode = NE_NER_CASE_UPPER; mode <= NE_NER_CASE_TITLE; mode++) {
            for (size_t d = 0; d < c.ndocs; d++) docs[d] = d, modes[d] = (uint8_t)mode;
            ne_ner_corpus v;
            ne_ner_corpus_recase(&c, docs, modes, c.ndocs, &v);
            ner_score_tag(m, ws, &v, tags);
            print_table(titles[mode], &v, tags);
            ne_ner_corpus_free(&v);
        }
        free(docs);
        free(modes);
    }
    double rec = ne_ner_model_score(m, NULL);
    printf("model %s: load %.1f ms, recorded dev F1 %.4f\n", model_path, load_ms, rec);
    printf("tagging: %.0f tokens/s (one thread, median of %d passes; fastest %.0f, slowest %.0f)\n",
           (double)c.ntoks / median, repeat, (double)c.ntoks / fastest, (double)c.ntoks / slowest);

    free(tags);
    ne_ner_ws_free(ws);
    ne_ner_corpus_free(&c);
    ne_ner_free(m);
    return 0;
}
