/* bench_entities — throughput of the entities stage against the NER tagger
 * alone, on the same documents.
 *
 *   bench_entities [--model models/ner.model] [--passes N] CORPUS.jsonl
 *
 * Decodes and tokenizes every record once (outside the timing), then runs,
 * pass after pass, (a) the tagger alone over each document's body and title
 * sentences and (b) the whole entities stage (tagging, gazetteer, watchlist
 * of config/newsenrich.example.json, coreference, output). Each figure is
 * the median of N passes (the tagger's range of passes beside it), so one
 * lucky pass on a warm cache does not stand for the rate; the ratio is
 * the stage's own cost on top of tagging. Single thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/entities/entities.h"
#include "enrichers/ner/ner.h"
#include "enrichers/text/text.h"

static const char watchlist_json[] =
    "{\"entities\": {\"model\": \"%s\"}, \"watchlist\": {\"people\": ["
    "{\"id\": \"vladimir-putin\", \"name\": \"Vladimir Putin\","
    " \"aliases\": [\"Putin\", \"the Russian leader\", \"the Russian president\"]},"
    "{\"id\": \"donald-trump\", \"name\": \"Donald Trump\","
    " \"aliases\": [\"Trump\", \"Donald J. Trump\", \"President Trump\", \"POTUS\", \"the President\"]}]}}";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the corpus into decoded, tokenized documents; returns how many. */
static size_t load_docs(const char *path, ne_doc **out)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 0; }
    ne_doc *docs = NULL;
    size_t n = 0, cap = 0, lcap = 0;
    char *line = NULL, detail[256];
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            docs = realloc(docs, cap * sizeof *docs);
            if (!docs) abort();
        }
        ne_doc *d = &docs[n];
        memset(d, 0, sizeof *d);
        if (ne_decode(line, (size_t)len, 1u << 20, d, detail, sizeof detail) != NE_REJECT_NONE ||
            ne_text_analyze(&d->body_text, d->body, d->body_len) < 0 ||
            (d->title && ne_text_analyze(&d->title_text, d->title, d->title_len) < 0)) {
            ne_doc_reset(d);
            continue;
        }
        n++;
    }
    free(line);
    fclose(f);
    *out = docs;
    return n;
}

/* Tags one document with the tagger alone, the way the stage feeds it. */
static int tag_only(const ne_ner_model *m, ne_ner_ws *ws, const ne_doc *d, ne_ner_tok *toks,
                    ne_ner_sent *sents, uint8_t *tags)
{
    size_t nt = 0, ns = 0;
    for (int f = 0; f < 2; f++) {
        const ne_text *t = f ? &d->title_text : &d->body_text;
        for (size_t s = 0; s < t->nsents; s++) {
            sents[ns++] = (ne_ner_sent){ toks + nt, t->sents[s].tok_end - t->sents[s].tok_start };
            for (size_t i = t->sents[s].tok_start; i < t->sents[s].tok_end; i++)
                toks[nt++] = (ne_ner_tok){ t->s + t->toks[i].start, t->toks[i].end - t->toks[i].start };
        }
    }
    return ne_ner_tag(m, ws, sents, ns, tags);
}

static void clear_entities(ne_doc *d)
{
    for (size_t i = 0; i < d->nentities; i++) {
        free(d->entities[i].id);
        free(d->entities[i].name);
        free(d->entities[i].mentions);
        for (size_t k = 0; k < d->entities[i].ntitles; k++) free(d->entities[i].titles[k]);
        free(d->entities[i].titles);
    }
    free(d->entities);
    d->entities = NULL;
    d->nentities = 0;
}

int main(int argc, char **argv)
{
    const char *model = "models/ner.model", *path = NULL;
    int passes = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) model = argv[++i];
        else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc) passes = atoi(argv[++i]);
        else path = argv[i];
    }
    if (!path || passes < 1) {
        fprintf(stderr, "usage: bench_entities [--model PATH] [--passes N] CORPUS.jsonl\n");
        return 2;
    }
    ne_doc *docs;
    size_t n = load_docs(path, &docs), ntoks = 0, maxt = 0, maxs = 0;
    if (n == 0) { fprintf(stderr, "bench_entities: no documents in %s\n", path); return 1; }
    for (size_t i = 0; i < n; i++) {
        size_t t = docs[i].body_text.ntoks + docs[i].title_text.ntoks;
        size_t s = docs[i].body_text.nsents + docs[i].title_text.nsents;
        ntoks += t;
        if (t > maxt) maxt = t;
        if (s > maxs) maxs = s;
    }

    char err[512], json[2048];
    snprintf(json, sizeof json, watchlist_json, model);
    ne_config *cfg = ne_config_load_string(json, strlen(json), err, sizeof err);
    if (!cfg) { fprintf(stderr, "bench_entities: %s\n", err); return 1; }
    double t0 = now_s();
    void *stage = ne_entities_create(cfg, err, sizeof err);
    double t_create = now_s() - t0;
    ne_ner_model *m = ne_ner_load(model, err, sizeof err);
    if (!stage || !m) { fprintf(stderr, "bench_entities: %s\n", err); return 1; }
    ne_ner_ws *ws = ne_ner_ws_new();
    ne_ner_tok *toks = malloc((maxt + 1) * sizeof *toks);
    ne_ner_sent *sents = malloc((maxs + 1) * sizeof *sents);
    uint8_t *tags = malloc(maxt + 1);
    if (!ws || !toks || !sents || !tags) abort();

    double *t_tag = malloc((size_t)passes * sizeof *t_tag), *t_stage = malloc((size_t)passes * sizeof *t_stage);
    if (!t_tag || !t_stage) abort();
    size_t nent = 0, nment = 0;
    for (int p = 0; p < passes; p++) {
        t0 = now_s();
        for (size_t i = 0; i < n; i++)
            if (tag_only(m, ws, &docs[i], toks, sents, tags) < 0) abort();
        t_tag[p] = now_s() - t0;

        t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            clear_entities(&docs[i]);
            if (ne_entities_process(stage, &docs[i]) < 0) abort();
        }
        t_stage[p] = now_s() - t0;
    }
    qsort(t_tag, (size_t)passes, sizeof *t_tag, cmp_double);
    qsort(t_stage, (size_t)passes, sizeof *t_stage, cmp_double);
    double best_tag = t_tag[passes / 2], best_stage = t_stage[passes / 2];
    for (size_t i = 0; i < n; i++) {
        nent += docs[i].nentities;
        for (size_t e = 0; e < docs[i].nentities; e++) nment += docs[i].entities[e].nmentions;
    }
    printf("corpus: %zu documents, %zu tokens (body + title); median of %d passes\n", n, ntoks, passes);
    printf("  tagger alone      %10.0f tokens/s %8.0f docs/s  (passes %.0f-%.0f tokens/s)\n",
           (double)ntoks / best_tag, (double)n / best_tag, (double)ntoks / t_tag[passes - 1],
           (double)ntoks / t_tag[0]);
    printf("  entities stage    %10.0f tokens/s %8.0f docs/s  (%.0f%% of it tagging)\n",
           (double)ntoks / best_stage, (double)n / best_stage, 100.0 * best_tag / best_stage);
    printf("  stage start-up    %10.1f ms (model, gazetteer, watchlist)\n", t_create * 1e3);
    printf("  output            %10.1f entities/doc, %.1f mentions/doc\n", (double)nent / (double)n,
           (double)nment / (double)n);

    free(toks); free(sents); free(tags); free(t_tag); free(t_stage);
    ne_ner_ws_free(ws);
    ne_ner_free(m);
    ne_entities_destroy(stage);
    ne_config_free(cfg);
    for (size_t i = 0; i < n; i++) ne_doc_reset(&docs[i]);
    free(docs);
    return 0;
}
