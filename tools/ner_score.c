#include "tools/ner_score.h"

#include <string.h>
#include <time.h>

double ner_score_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double ner_score_tag(const ne_ner_model *m, ne_ner_ws *ws, const ne_ner_corpus *c, uint8_t *tags)
{
    double t0 = ner_score_now();
    for (size_t d = 0; d < c->ndocs; d++) {
        const ne_ner_sent *sents = &c->sents[c->doc_sent[d]];
        size_t ns = c->doc_sent[d + 1] - c->doc_sent[d];
        ne_ner_tag(m, ws, sents, ns, tags + (sents[0].toks - c->toks));
    }
    return ner_score_now() - t0;
}

ne_ner_counts ner_score_count(const ne_ner_corpus *c, const uint8_t *tags)
{
    ne_ner_counts k;
    memset(&k, 0, sizeof k);
    for (size_t s = 0; s < c->nsents; s++) {
        size_t off = (size_t)(c->sents[s].toks - c->toks);
        ne_ner_counts_add(&k, c->gold + off, tags + off, c->sents[s].ntoks);
    }
    return k;
}
