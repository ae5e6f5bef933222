/* Tests of the NER tagger (enrichers/ner/): feature helpers, tag and
 * span conversion, scoring, the committed model on real sentences, model
 * loading, and the committed model's reported score on eng.testa. Tests of
 * the model run from the repository root (models/ner.model) and skip when
 * the model is absent. */
#include "tests/unit/test.h"

#include "enrichers/ner/ner.h"
#include "enrichers/ner/ner_int.h"   /* the name lists' test adds to a model; the decoder test calls it */

#include "common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define MODEL_PATH "models/ner.model"

/* ---- helpers ------------------------------------------------------------ */

/* A document built from sentences of space-separated tokens. */
typedef struct tdoc {
    ne_ner_tok toks[512];
    ne_ner_sent sents[16];
    size_t ntoks, nsents;
    uint8_t tags[512];
} tdoc;

static void tdoc_add(tdoc *d, const char *sentence)
{
    ne_ner_sent *s = &d->sents[d->nsents++];
    s->toks = d->toks + d->ntoks;
    s->ntoks = 0;
    for (const char *p = sentence; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) { d->toks[d->ntoks++] = (ne_ner_tok){ p, (size_t)(e - p) }; s->ntoks++; }
        p = e;
    }
}

/* The document's entities as "Text/TYPE" joined by " | ". */
static const char *tdoc_entities(const tdoc *d, char *buf, size_t cap)
{
    static const char *const names[4] = { "PER", "ORG", "LOC", "MISC" };
    ne_ner_span sp[64];
    size_t n = ne_ner_spans(d->tags, d->ntoks, sp, 64), o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 64; i++) {
        o += (size_t)snprintf(buf + o, cap - o, "%s", i ? " | " : "");
        for (uint32_t t = sp[i].tok_start; t < sp[i].tok_end && o < cap; t++)
            o += (size_t)snprintf(buf + o, cap - o, "%s%.*s", t > sp[i].tok_start ? " " : "",
                                  (int)d->toks[t].len, d->toks[t].ptr);
        if (o < cap) o += (size_t)snprintf(buf + o, cap - o, "/%s", names[sp[i].type]);
        if (o >= cap) break;
    }
    return buf;
}

static ne_ner_model *load_model(void)
{
    char err[256];
    return ne_ner_load(MODEL_PATH, err, sizeof err);
}

/* Tags d with the committed model; returns its entities. */
static const char *tag_doc(ne_ner_model *m, tdoc *d, char *buf, size_t cap)
{
    ne_ner_ws *ws = ne_ner_ws_new();
    int rc = ws ? ne_ner_tag(m, ws, d->sents, d->nsents, d->tags) : -1;
    ne_ner_ws_free(ws);
    return rc == 0 ? tdoc_entities(d, buf, cap) : "(tag failed)";
}

/* Feature attributes of one token, as ne_ner_explain renders them with
 * the committed model (loaded and released here, so a failing CHECK in
 * the caller leaks nothing). */
static const char *explain_with(const ne_ner_model *m, const tdoc *d, size_t sent, size_t tok,
                                char *buf, size_t cap)
{
    ne_ner_ws *ws = ne_ner_ws_new();
    int rc = m && ws ? ne_ner_explain(m, ws, d->sents, d->nsents, sent, tok, buf, cap) : -1;
    ne_ner_ws_free(ws);
    return rc == 0 ? buf : "(explain failed)";
}
static const char *explain(const tdoc *d, size_t sent, size_t tok, char *buf, size_t cap)
{
    ne_ner_model *m = load_model();
    const char *r = explain_with(m, d, sent, tok, buf, cap);
    ne_ner_free(m);
    return r;
}

/* ---- feature helpers ---------------------------------------------------- */

TEST(ner_shape_of_words)
{
    char b[64];
    ne_ner_shape("McDonald's", 10, b, sizeof b, 0); CHECK_STR(b, "XxXxxxx'x");
    ne_ner_shape("McDonald's", 10, b, sizeof b, 1); CHECK_STR(b, "XxXx'x");
    ne_ner_shape("U.S.", 4, b, sizeof b, 0);        CHECK_STR(b, "X.X.");
    ne_ner_shape("U.S.", 4, b, sizeof b, 1);        CHECK_STR(b, "X.X.");
    ne_ner_shape("2017", 4, b, sizeof b, 0);        CHECK_STR(b, "dddd");
    ne_ner_shape("2017", 4, b, sizeof b, 1);        CHECK_STR(b, "d");
    ne_ner_shape("1996-08-22", 10, b, sizeof b, 1); CHECK_STR(b, "d-d-d");
    ne_ner_shape("al-Assad", 8, b, sizeof b, 1);    CHECK_STR(b, "x-Xx");
    ne_ner_shape("Zürich", 7, b, sizeof b, 0);      CHECK_STR(b, "Xxxxx");   /* ü is one lower-case letter */
    ne_ner_shape("ÖVP", 4, b, sizeof b, 0);         CHECK_STR(b, "XXX");
    CHECK_INT(ne_ner_shape("Washington", 10, b, 4, 0), 3);                 /* truncated to cap */
    CHECK_STR(b, "Xxx");
}

TEST(ner_prefix_and_suffix)
{
    CHECK_INT(ne_ner_affix_len("Putin", 5, 3, 0), 3);       /* "Put" */
    CHECK_INT(ne_ner_affix_len("Putin", 5, 3, 1), 3);       /* "tin" */
    CHECK_INT(ne_ner_affix_len("Putin", 5, 5, 0), 5);
    CHECK_INT(ne_ner_affix_len("Putin", 5, 6, 0), 0);       /* shorter than n */
    CHECK_INT(ne_ner_affix_len("Putin", 5, 6, 1), 0);
    CHECK_INT(ne_ner_affix_len("Müller", 7, 2, 0), 3);      /* "Mü": ü is two bytes */
    CHECK_INT(ne_ner_affix_len("Müller", 7, 5, 1), 6);      /* "üller" */
    CHECK_INT(ne_ner_affix_len("Müller", 7, 4, 1), 4);      /* "ller" */
    CHECK_INT(ne_ner_affix_len("", 0, 1, 0), 0);
}

/* ---- tags, spans, scoring ----------------------------------------------- */

TEST(ner_iob1_gold_to_bilou)
{
    /* IOB1: B- only where two entities of one type touch. */
    const char *l[] = { "I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG", "I-ORG", "O", "I-MISC" };
    uint8_t t[10];
    CHECK_INT(ne_ner_iob_to_tags(l, 10, t), 0);
    CHECK_STR(ne_ner_tag_name(t[0]), "B-PER");
    CHECK_STR(ne_ner_tag_name(t[1]), "L-PER");
    CHECK_STR(ne_ner_tag_name(t[2]), "U-PER");
    CHECK_STR(ne_ner_tag_name(t[3]), "O");
    CHECK_STR(ne_ner_tag_name(t[4]), "U-LOC");       /* type change closes LOC */
    CHECK_STR(ne_ner_tag_name(t[5]), "B-ORG");
    CHECK_STR(ne_ner_tag_name(t[6]), "I-ORG");
    CHECK_STR(ne_ner_tag_name(t[7]), "L-ORG");
    CHECK_STR(ne_ner_tag_name(t[9]), "U-MISC");

    /* IOB2 reads the same way */
    const char *l2[] = { "B-PER", "I-PER", "B-PER", "B-LOC" };
    CHECK_INT(ne_ner_iob_to_tags(l2, 4, t), 0);
    CHECK_STR(ne_ner_tag_name(t[0]), "B-PER");
    CHECK_STR(ne_ner_tag_name(t[1]), "L-PER");
    CHECK_STR(ne_ner_tag_name(t[2]), "U-PER");
    CHECK_STR(ne_ner_tag_name(t[3]), "U-LOC");

    const char *bad[] = { "I-PER", "X-FOO" };
    CHECK_INT(ne_ner_iob_to_tags(bad, 2, t), -1);
    const char *bad2[] = { "I-PERSON" };
    CHECK_INT(ne_ner_iob_to_tags(bad2, 1, t), -1);
}

TEST(ner_spans_from_tags)
{
    uint8_t t[] = {
        NE_NER_TAG(NE_ENT_PER, NE_NER_B), NE_NER_TAG(NE_ENT_PER, NE_NER_L),   /* Vladimir Putin */
        NE_NER_O,
        NE_NER_TAG(NE_ENT_LOC, NE_NER_U),                                    /* Moscow */
        NE_NER_TAG(NE_ENT_ORG, NE_NER_B), NE_NER_TAG(NE_ENT_ORG, NE_NER_I),
        NE_NER_TAG(NE_ENT_ORG, NE_NER_L),
    };
    ne_ner_span sp[8];
    CHECK_INT(ne_ner_spans(t, 7, sp, 8), 3);
    CHECK_INT(sp[0].tok_start, 0); CHECK_INT(sp[0].tok_end, 2); CHECK_INT(sp[0].type, NE_ENT_PER);
    CHECK_INT(sp[1].tok_start, 3); CHECK_INT(sp[1].tok_end, 4); CHECK_INT(sp[1].type, NE_ENT_LOC);
    CHECK_INT(sp[2].tok_start, 4); CHECK_INT(sp[2].tok_end, 7); CHECK_INT(sp[2].type, NE_ENT_ORG);
    CHECK_INT(ne_ner_spans(t, 7, sp, 1), 3);       /* counts beyond cap */

    /* inconsistent: I without B opens; type change and B close */
    uint8_t u[] = { NE_NER_TAG(NE_ENT_PER, NE_NER_I), NE_NER_TAG(NE_ENT_LOC, NE_NER_I),
                    NE_NER_TAG(NE_ENT_LOC, NE_NER_B), NE_NER_O };
    CHECK_INT(ne_ner_spans(u, 4, sp, 8), 3);
    CHECK_INT(sp[0].tok_end, 1); CHECK_INT(sp[1].tok_start, 1); CHECK_INT(sp[1].tok_end, 2);
    CHECK_INT(sp[2].tok_start, 2); CHECK_INT(sp[2].tok_end, 3);
}

TEST(ner_exact_span_scoring)
{
    const char *gl[] = { "I-PER", "I-PER", "O", "I-LOC", "I-LOC", "O", "I-ORG" };
    const char *pl[] = { "I-PER", "I-PER", "O", "I-LOC", "O",     "O", "I-LOC" };
    uint8_t g[7], p[7];
    CHECK_INT(ne_ner_iob_to_tags(gl, 7, g), 0);
    CHECK_INT(ne_ner_iob_to_tags(pl, 7, p), 0);
    ne_ner_counts k;
    memset(&k, 0, sizeof k);
    ne_ner_counts_add(&k, g, p, 7);
    CHECK_INT(k.tp[NE_ENT_PER], 1);
    CHECK_INT(k.fn[NE_ENT_LOC], 1);   /* partial match counts as a miss… */
    CHECK_INT(k.fp[NE_ENT_LOC], 2);   /* …and a false alarm; wrong type too */
    CHECK_INT(k.fn[NE_ENT_ORG], 1);
    double pr, rc, f;
    ne_ner_prf(&k, -1, &pr, &rc, &f);
    CHECK(pr > 0.333 && pr < 0.334);  /* 1 of 3 found */
    CHECK(rc > 0.333 && rc < 0.334);  /* 1 of 3 gold */
    ne_ner_prf(&k, NE_ENT_PER, &pr, &rc, &f);
    CHECK(f == 1.0);
}

/* ---- the model ----------------------------------------------------------- */

TEST(ner_load_errors)
{
    char err[256] = "";
    CHECK(ne_ner_load("/nonexistent/ner.model", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/ner.model") != NULL);
    ne_ner_free(NULL);

    const char *p = "/tmp/test_ner_bad.model";
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 8; i++) fputs("this is not a model file, but it is long enough to have a header\n", f);
    fclose(f);
    CHECK(ne_ner_load(p, err, sizeof err) == NULL);
    CHECK(strstr(err, "magic") != NULL);

    /* a truncated copy of the real model is refused, not misread */
    size_t len;
    char *buf = test_read_file(MODEL_PATH, &len);
    if (!buf) { remove(p); SKIP("models/ner.model not found"); }
    f = fopen(p, "wb");
    fwrite(buf, 1, len - 100, f);
    fclose(f);
    CHECK(ne_ner_load(p, err, sizeof err) == NULL);
    /* a flipped byte in the weights is caught by the checksum */
    buf[len / 2] ^= 0x40;
    f = fopen(p, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
    CHECK(ne_ner_load(p, err, sizeof err) == NULL);
    CHECK(strstr(err, "checksum") != NULL);
    free(buf);
    remove(p);
}

TEST(ner_model_loads_fast)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    ne_ner_model *m = load_model();
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!m) SKIP("models/ner.model not found");
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) * 1e-6;
    double per[4];
    double f = ne_ner_model_score(m, per);
    ne_ner_free(m);
    CHECK(ms < 200);
    CHECK(f > 0.9 && f <= 1.0);
    CHECK(per[NE_ENT_PER] > 0.9);
}

TEST(ner_tags_people_and_places)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "President Vladimir Putin met Donald Trump in Da Nang on Saturday .");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK_STR(got, "Vladimir Putin/PER | Donald Trump/PER | Da Nang/LOC");
}

TEST(ner_tags_organisations)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "Shares of General Motors fell after the Federal Reserve raised rates , "
                 "the New York Stock Exchange said .");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK_STR(got, "General Motors/ORG | Federal Reserve/ORG | New York Stock Exchange/ORG");
}

TEST(ner_tags_misc)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "The Russian economy grew as European investors returned to Moscow .");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK_STR(got, "Russian/MISC | European/MISC | Moscow/LOC");
}

TEST(ner_headline_in_capitals)
{
    /* A CoNLL-style capitals headline: document context (the words seen
     * capitalised in the body) carries the decision. */
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "SOCCER - JAPAN BEAT SYRIA IN ASIAN CUP .");
    tdoc_add(&d, "Japan beat Syria 2-1 in the Asian Cup on Friday .");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK(strstr(got, "JAPAN/LOC") != NULL);
    CHECK(strstr(got, "SYRIA/LOC") != NULL);
    CHECK(strstr(got, "Japan/LOC | Syria/LOC") != NULL);
}

/* Three sentences of one article, used by the feature tests below. */
TEST(ner_tags_person_and_place_in_an_all_caps_wire_headline)
{
    /* A wire headline on its own, in capitals: no body to lean on, the
     * model itself has to know the names without their case. */
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "PRIME MINISTER VLADIMIR MECIAR MEETS KOVAC IN BRATISLAVA");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK(strstr(got, "VLADIMIR MECIAR/PER") != NULL);
    CHECK(strstr(got, "BRATISLAVA/LOC") != NULL);
    CHECK(strstr(got, "PRIME") == NULL);
}

TEST(ner_tags_the_person_of_an_all_caps_headline_without_a_body)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "BOSNIAN SERB LEADER RADOVAN KARADZIC SAYS HE WILL STAY IN SARAJEVO");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK(strstr(got, "RADOVAN KARADZIC/PER") != NULL);
    CHECK(strstr(got, "SARAJEVO/LOC") != NULL);
}

TEST(ner_title_case_headline_is_not_an_organisation)
{
    /* Headline case capitalises every word: "Was Headed" is no name, and
     * the person stays a person. */
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "Hillary Clinton Was Headed to ER");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK(strstr(got, "Hillary Clinton/PER") != NULL);
    CHECK(strstr(got, "Was") == NULL);
    CHECK(strstr(got, "Headed") == NULL);
}

TEST(ner_title_case_headline_keeps_its_names)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[512];
    tdoc_add(&d, "Putin Says He Did Not Meddle in the US Election");
    const char *got = tag_doc(m, &d, b, sizeof b);
    ne_ner_free(m);
    CHECK(strstr(got, "Putin/PER") != NULL);
    CHECK(strstr(got, "Says") == NULL);
    CHECK(strstr(got, "Meddle") == NULL);
}

TEST(ner_corpus_case_variants)
{
    /* ne_ner_corpus_recase: the variants eval-entities scores and the
     * trainer augments with. */
    const char *path = "/tmp/test_ner_recase.conll";
    FILE *fp = fopen(path, "w");
    if (!fp) SKIP("cannot write /tmp");
    fputs("-DOCSTART- -X- O O\n\nHillary NNP I-NP I-PER\nClinton NNP I-NP I-PER\nwas VBD I-VP O\n"
          "headed VBN I-VP O\nto TO I-PP O\nZürich NNP I-NP I-LOC\n\nEU NNP I-NP I-ORG\nREJECTS VBZ I-VP O\n",
          fp);
    fclose(fp);
    ne_ner_corpus c, u, t;
    char err[256];
    CHECK(ne_ner_corpus_read(path, &c, err, sizeof err) == 0);
    remove(path);
    size_t docs[1] = { 0 };
    uint8_t up[1] = { NE_NER_CASE_UPPER }, ti[1] = { NE_NER_CASE_TITLE };
    ne_ner_corpus_recase(&c, docs, up, 1, &u);
    ne_ner_corpus_recase(&c, docs, ti, 1, &t);
    CHECK(u.ntoks == c.ntoks && t.ntoks == c.ntoks && u.nsents == 2 && t.ndocs == 1);
    CHECK(!memcmp(u.gold, c.gold, c.ntoks) && !memcmp(t.gold, c.gold, c.ntoks));
    char line[256];
    size_t o = 0;
    for (size_t i = 0; i < u.ntoks; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, "%s%.*s", i ? " " : "", (int)u.toks[i].len, u.toks[i].ptr);
    CHECK_STR(line, "HILLARY CLINTON WAS HEADED TO ZÜRICH EU REJECTS");
    o = 0;
    for (size_t i = 0; i < t.ntoks; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, "%s%.*s", i ? " " : "", (int)t.toks[i].len, t.toks[i].ptr);
    CHECK_STR(line, "Hillary Clinton Was Headed to Zürich Eu Rejects");
    ne_ner_corpus_free(&c);
    ne_ner_corpus_free(&u);
    ne_ner_corpus_free(&t);
}

static void putin_article(tdoc *d)
{
    tdoc_add(d, "RUSSIA 'S PUTIN VISITS GERMANY");
    tdoc_add(d, "President Vladimir Putin arrived in Germany on Monday , officials said .");
    tdoc_add(d, "Putin met Angela Merkel at McDonald's in Berlin .");
}

#define NEED_MODEL() do { ne_ner_model *m_ = load_model(); if (!m_) SKIP("models/ner.model not found"); ne_ner_free(m_); } while (0)

TEST(ner_feature_shape_case_position_affix)
{
    NEED_MODEL();
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    const char *e = explain(&d, 2, 5, b, sizeof b);          /* McDonald's */
    CHECK(strstr(e, "shape=XxXxxxx'x brief=XxXx'x cap=init initial=0 uncased=0") != NULL);
    CHECK(strstr(e, "prefix3=McD suffix3=d's") != NULL);
    e = explain(&d, 1, 0, b, sizeof b);                      /* President, sentence start */
    CHECK(strstr(e, "initial=1") != NULL);
    e = explain(&d, 0, 2, b, sizeof b);                      /* PUTIN in the capitals headline */
    CHECK(strstr(e, "cap=all") != NULL && strstr(e, "uncased=1") != NULL);
}

TEST(ner_feature_gazetteer)
{
    /* built from the training entities: Germany is a location, and
     * "New York" a two-word one (B, L) */
    NEED_MODEL();
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    tdoc_add(&d, "He flew to New York .");
    CHECK(strstr(explain(&d, 1, 5, b, sizeof b), "LOC:U") != NULL);
    CHECK(strstr(explain(&d, 3, 3, b, sizeof b), "LOC:B") != NULL);
    CHECK(strstr(explain(&d, 3, 4, b, sizeof b), "LOC:L") != NULL);
    CHECK(strstr(explain(&d, 1, 3, b, sizeof b), "gaz=-") != NULL);   /* arrived */
}

/* The committed model with external name lists added as ner_train
 * --xgaz adds them (FF_XGAZ; the shipped model has none, see mk/ner.mk):
 * list 2 holds "New York", list 5 "New York City" and "berlin". */
static ne_ner_model *model_with_name_lists(void)
{
    ne_ner_model *m = load_model();
    if (!m) return NULL;
    ner_gaz_add_listed(&m->tab.gaz, "New York", 2);
    ner_gaz_add_listed(&m->tab.gaz, "New York City", 5);
    ner_gaz_add_listed(&m->tab.gaz, "berlin", 5);
    m->feat_set |= FF_XGAZ;
    return m;
}

TEST(ner_feature_external_name_lists)
{
    /* each list gives a token its BILU place in the list's longest phrase
     * covering it, matched without case, so the capitals headline's NEW
     * YORK and BERLIN match too; tagging with the type cache and without
     * agrees (the cached path computes the list features apart) */
    ne_ner_model *m = model_with_name_lists();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    tdoc_add(&d, "He flew to New York City from New York .");
    tdoc_add(&d, "NEW YORK MAYOR VISITS BERLIN");
    CHECK(strstr(explain_with(m, &d, 3, 3, b, sizeof b), "xgaz=2:B,5:B") != NULL);
    CHECK(strstr(explain_with(m, &d, 3, 4, b, sizeof b), "xgaz=2:L,5:I") != NULL);
    CHECK(strstr(explain_with(m, &d, 3, 5, b, sizeof b), "xgaz=5:L") != NULL);
    CHECK(strstr(explain_with(m, &d, 3, 6, b, sizeof b), "xgaz=-") != NULL);   /* from */
    CHECK(strstr(explain_with(m, &d, 3, 8, b, sizeof b), "xgaz=2:L") != NULL);
    CHECK(strstr(explain_with(m, &d, 2, 7, b, sizeof b), "xgaz=5:U") != NULL); /* Berlin */
    CHECK(strstr(explain_with(m, &d, 4, 0, b, sizeof b), "xgaz=2:B") != NULL); /* NEW */
    CHECK(strstr(explain_with(m, &d, 4, 4, b, sizeof b), "xgaz=5:U") != NULL); /* BERLIN */
    CHECK(strstr(explain(&d, 3, 3, b, sizeof b), "xgaz") == NULL);   /* the shipped model: off */
    ne_ner_ws *ref = ne_ner_ws_new(), *cached = ne_ner_ws_new();
    CHECK(ref && cached);
    ne_ner_ws_set_cache(ref, 0);
    uint8_t want[512], got[512];
    CHECK_INT(ne_ner_tag(m, ref, d.sents, d.nsents, want), 0);
    CHECK_INT(ne_ner_tag(m, cached, d.sents, d.nsents, got), 0);
    CHECK(memcmp(got, want, d.ntoks) == 0);
    ne_ner_ws_free(ref);
    ne_ner_ws_free(cached);
    ne_ner_free(m);
}

TEST(ner_feature_capitalisation_lexicon)
{
    /* from news text: "officials" is lower case mid-sentence, "Monday"
     * always capitalised */
    NEED_MODEL();
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    const char *e = explain(&d, 1, 9, b, sizeof b);
    CHECK(strstr(e, "caplex=2") != NULL || strstr(e, "caplex=3") != NULL);
    CHECK(strstr(explain(&d, 1, 7, b, sizeof b), "caplex=7") != NULL);
}

TEST(ner_feature_word_clusters)
{
    /* distributional clusters: weekdays share their clusters */
    NEED_MODEL();
    tdoc w = {0};
    char mon[1024], fri[1024];
    tdoc_add(&w, "on Monday and on Friday");
    explain(&w, 0, 1, mon, sizeof mon);
    explain(&w, 0, 4, fri, sizeof fri);
    const char *cm = strstr(mon, "cluster="), *cf = strstr(fri, "cluster=");
    CHECK(cm && cf);
    CHECK(strncmp(cm, "cluster=0/", 10) != 0);               /* a known word */
    CHECK(strncmp(cm, cf, strcspn(cm, " ")) == 0);
}

TEST(ner_feature_document_capitalisation)
{
    /* PUTIN in the headline is capitalised mid-sentence elsewhere in the
     * article (2); "said" is only seen lower case (1) */
    NEED_MODEL();
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    CHECK(strstr(explain(&d, 0, 2, b, sizeof b), "doccap=2") != NULL);
    CHECK(strstr(explain(&d, 1, 10, b, sizeof b), "doccap=1") != NULL);
}

TEST(ner_feature_tag_history)
{
    /* Sentences are decoded body first, the capitals headline last. The
     * first body sentence sees no history; by the third, Putin has been
     * tagged PER, and so has he when the headline's PUTIN is decoded. */
    NEED_MODEL();
    tdoc d = {0};
    char b[1024];
    putin_article(&d);
    CHECK(strstr(explain(&d, 1, 2, b, sizeof b), "hist=none") != NULL);
    CHECK(strstr(explain(&d, 2, 0, b, sizeof b), "hist=PER") != NULL);
    CHECK(strstr(explain(&d, 0, 2, b, sizeof b), "hist=PER") != NULL);
    CHECK(strstr(explain(&d, 0, 4, b, sizeof b), "hist=LOC") != NULL);   /* GERMANY */
}

TEST(ner_workspaces_are_independent)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc big = {0}, small = {0};
    for (int i = 0; i < 12; i++)
        tdoc_add(&big, "German Chancellor Angela Merkel told reporters in Brussels that the European Union would act .");
    tdoc_add(&small, "Merkel spoke .");
    ne_ner_ws *a = ne_ner_ws_new(), *b = ne_ner_ws_new();
    CHECK(a && b);
    uint8_t t1[512], t2[8];
    /* one workspace reused for a big then a small document gives what a
     * fresh workspace gives */
    CHECK_INT(ne_ner_tag(m, a, big.sents, big.nsents, big.tags), 0);
    CHECK_INT(ne_ner_tag(m, a, small.sents, small.nsents, t2), 0);
    CHECK_INT(ne_ner_tag(m, b, small.sents, small.nsents, small.tags), 0);
    CHECK(memcmp(t2, small.tags, small.ntoks) == 0);
    CHECK_INT(ne_ner_tag(m, b, big.sents, big.nsents, t1), 0);
    CHECK(memcmp(t1, big.tags, big.ntoks) == 0);
    CHECK_INT(ne_ner_tag(m, a, NULL, 0, t2), 0);           /* empty document */
    ne_ner_ws_free(a);
    ne_ner_ws_free(b);
    ne_ner_free(m);
}

/* Tags d with workspace ws into out; 0 on success. */
static int tag_with(ne_ner_model *m, ne_ner_ws *ws, const tdoc *d, uint8_t *out)
{
    return ne_ner_tag(m, ws, d->sents, d->nsents, out);
}

/* The type cache (sums of a word's features kept across documents) must
 * not change a single tag: the reference path (cache off), a fresh cache,
 * a warm one, and one of four entries where words keep evicting each
 * other, also between preparing a document and scoring it, all agree.
 * Covers the edges of short sentences, a headline in capitals (other
 * sentence context), and a word too long to be cached. */
TEST(ner_type_cache_gives_the_reference_tags)
{
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    tdoc d = {0};
    tdoc_add(&d, "TRUMP TELLS PUTIN : NO DEAL ON UKRAINE");
    tdoc_add(&d, "President Vladimir Putin met Donald Trump in Da Nang on Saturday , the Kremlin said .");
    tdoc_add(&d, "Putin");
    tdoc_add(&d, "Trump agreed .");
    tdoc_add(&d, "See https://www.example.com/politics/2017/11/11/putin-trump-apec-meeting-vietnam for more .");
    tdoc_add(&d, "The European Union and NATO met in Brussels ; Merkel , Macron and May attended .");
    ne_ner_ws *ref = ne_ner_ws_new(), *warm = ne_ner_ws_new(), *tiny = ne_ner_ws_new();
    CHECK(ref && warm && tiny);
    ne_ner_ws_set_cache(ref, 0);
    ne_ner_ws_set_cache(tiny, 2);
    uint8_t want[512], got[512];
    CHECK_INT(tag_with(m, ref, &d, want), 0);
    for (int pass = 0; pass < 2; pass++) {
        CHECK_INT(tag_with(m, warm, &d, got), 0);
        CHECK(memcmp(got, want, d.ntoks) == 0);
        CHECK_INT(tag_with(m, tiny, &d, got), 0);
        CHECK(memcmp(got, want, d.ntoks) == 0);
    }
    char b[512];
    memcpy(d.tags, want, d.ntoks);
    CHECK(strstr(tdoc_entities(&d, b, sizeof b), "Vladimir Putin/PER") != NULL);

    /* a whole corpus, when the data is there */
    const char *path = test_data_path("conll2003/eng.testa");
    ne_ner_corpus c;
    char err[256];
    if (path && ne_ner_corpus_read(path, &c, err, sizeof err) == 0) {
        uint8_t *t0 = calloc(c.ntoks + 1, 1), *t1 = calloc(c.ntoks + 1, 1);
        int same = t0 && t1;
        ne_ner_ws *wss[3] = { ref, warm, tiny };
        for (int w = 0; w < 3 && same; w++) {
            for (size_t k = 0; k < c.ndocs; k++) {
                const ne_ner_sent *s = &c.sents[c.doc_sent[k]];
                size_t off = (size_t)(s[0].toks - c.toks);
                if (ne_ner_tag(m, wss[w], s, c.doc_sent[k + 1] - c.doc_sent[k], (w ? t1 : t0) + off) < 0)
                    same = 0;
            }
            if (w) same = same && memcmp(t0, t1, c.ntoks) == 0;
        }
        free(t0);
        free(t1);
        ne_ner_corpus_free(&c);
        CHECK(same);
    }
    ne_ner_ws_free(ref);
    ne_ner_ws_free(warm);
    ne_ner_ws_free(tiny);
    ne_ner_free(m);
}

/* The BILOU decoder (the cached path's) keeps no back-pointers and
 * recomputes each predecessor in its back-trace; it must still pick the
 * generic decoder's path, ties included: scores drawn from a handful of
 * values make most steps ties, where only the same order and the same
 * strict > give the same first best. */
TEST(ner_bilou_decoder_picks_the_generic_path_also_on_ties)
{
    ne_ner_model *m = ne_xcalloc(1, sizeof *m);
    ne_ner_ws *ws = ne_ner_ws_new();
    CHECK(ner_bilou_layout_holds(&ws->prev));
    uint32_t r = 12345;
#define NEXT3() (r = r * 1103515245u + 12345u, (int32_t)((r >> 16) % 3) - 1)
    uint8_t want[48], got[48];
    int differ = 0, entities = 0;   /* paths through I, L, B and U too */
    for (int round = 0; round < 400 && !differ; round++) {
        for (int p = 0; p <= NT; p++)
            for (int c = 0; c < NT; c++) m->trans[p][c] = NEXT3();
        for (int c = 0; c < NT; c++) m->endw[c] = NEXT3();
        ner_bilou_transitions(m, ws);
        size_t n = 1 + (size_t)round % 48;
        ne_grow(&ws->emit, &ws->cap_emit, n * NT, sizeof *ws->emit);
        for (size_t k = 0; k < n * NT; k++) ws->emit[k] = NEXT3();
        ner_viterbi(m, ws, n, want);
        ner_viterbi_bilou(m, ws, n, got);
        differ = memcmp(want, got, n) != 0;
        for (size_t i = 0; i < n && !entities; i++) entities = want[i] != 0;
    }
#undef NEXT3
    CHECK(!differ);
    CHECK(entities);
    ne_ner_ws_free(ws);
    free(m);
}

TEST(ner_model_reproduces_reported_testa_score)
{
    const char *path = test_data_path("conll2003/eng.testa");
    if (!path) SKIP("../shared/data/conll2003 not found");
    ne_ner_model *m = load_model();
    if (!m) SKIP("models/ner.model not found");
    char err[256];
    ne_ner_corpus c;
    CHECK(ne_ner_corpus_read(path, &c, err, sizeof err) == 0);
    CHECK_INT(c.ndocs, 216);
    ne_ner_ws *ws = ne_ner_ws_new();
    uint8_t *tags = malloc(c.ntoks);
    CHECK(ws && tags);
    for (size_t d = 0; d < c.ndocs; d++) {
        const ne_ner_sent *s = &c.sents[c.doc_sent[d]];
        CHECK_INT(ne_ner_tag(m, ws, s, c.doc_sent[d + 1] - c.doc_sent[d], tags + (s[0].toks - c.toks)), 0);
    }
    ne_ner_counts k;
    memset(&k, 0, sizeof k);
    size_t gold = 0;
    for (size_t s = 0; s < c.nsents; s++) {
        size_t off = (size_t)(c.sents[s].toks - c.toks);
        ne_ner_counts_add(&k, c.gold + off, tags + off, c.sents[s].ntoks);
    }
    for (int t = 0; t < 4; t++) gold += k.tp[t] + k.fn[t];
    double f, per[4];
    ne_ner_prf(&k, -1, NULL, NULL, &f);
    double want = ne_ner_model_score(m, per);
    free(tags);
    ne_ner_ws_free(ws);
    ne_ner_corpus_free(&c);
    ne_ner_free(m);
    CHECK_INT(gold, 5942);                     /* the entity count conlleval reports */
    if (f < want - 0.005 || f > want + 0.005)
        test_fail(__FILE__, __LINE__, "testa F1 %.4f, model file reports %.4f", f, want);
    CHECK(f >= want - 0.005 && f <= want + 0.005);
    CHECK(f >= 0.91);
    CHECK(per[NE_ENT_PER] >= 0.94);
}
