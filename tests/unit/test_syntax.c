/* Tests of the grammatical-role tagger (enrichers/syntax/): the label
 * mapping, the model file, and the roles coreference reads on real news
 * sentences, through the text stage's tokens. Run from the repository
 * root (models/syntax.model); the model tests skip when it is absent. */
#include "tests/unit/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "enrichers/syntax/syntax.h"
#include "enrichers/text/text.h"

#define SYNTAX_MODEL "models/syntax.model"

static ne_syntax_model *smodel;

static int model(void)
{
    char err[256];
    if (!smodel) smodel = ne_syntax_load(SYNTAX_MODEL, err, sizeof err);
    return smodel != NULL;
}

/* Tags the first sentence of text; returns the label of the first token
 * whose text is w, or -1. */
static int label_of_word(const char *text, const char *w)
{
    ne_text t;
    memset(&t, 0, sizeof t);
    ne_text_analyze(&t, text, strlen(text));
    ne_syn_word words[256];
    uint8_t labels[256];
    size_t n = t.nsents ? t.sents[0].tok_end - t.sents[0].tok_start : 0;
    if (n > 256) n = 256;
    for (size_t i = 0; i < n; i++)
        words[i] = (ne_syn_word){ text + t.toks[i].start, t.toks[i].end - t.toks[i].start };
    ne_syntax_tag(smodel, words, n, labels);
    int r = -1;
    for (size_t i = 0; i < n && r < 0; i++)
        if (words[i].len == strlen(w) && !memcmp(words[i].s, w, words[i].len)) r = labels[i];
    ne_text_clear(&t);
    return r;
}

TEST(syntax_label_of_maps_ud_relations_to_roles)
{
    CHECK_INT(ne_syntax_label_of("nsubj"), NE_SYN_NSUBJ);
    CHECK_INT(ne_syntax_label_of("nsubj:pass"), NE_SYN_NSUBJ);
    CHECK_INT(ne_syntax_label_of("nmod:poss"), NE_SYN_POSS);
    CHECK_INT(ne_syntax_label_of("nmod:tmod"), NE_SYN_NMOD);
    CHECK_INT(ne_syntax_label_of("obl:npmod"), NE_SYN_OBL);
    CHECK_INT(ne_syntax_label_of("acl:relcl"), NE_SYN_RELCL);
    CHECK_INT(ne_syntax_label_of("flat"), NE_SYN_COMPOUND);
    CHECK_INT(ne_syntax_label_of("vocative"), NE_SYN_OTHER);
    CHECK(!strcmp(ne_syntax_label_name(NE_SYN_OBJ), "obj"));
}

TEST(syntax_model_loads_fast)
{
    char err[256];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    ne_syntax_model *m = ne_syntax_load(SYNTAX_MODEL, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!m) SKIP("models/syntax.model not found");
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    CHECK(ms < 200);
    ne_syntax_free(m);
}

TEST(syntax_model_rejects_a_file_that_is_not_a_model)
{
    char err[256];
    CHECK(ne_syntax_load("Makefile", err, sizeof err) == NULL);
    CHECK(strstr(err, "not a syntax model") != NULL);
    CHECK(ne_syntax_load("/nonexistent/syntax.model", err, sizeof err) == NULL);
    ne_syntax_free(NULL);
}

/* Weights w written to a temporary model file and read back (NULL when
 * either step failed). */
static ne_syntax_model *save_and_load(const float *w, unsigned bits)
{
    char path[] = "/tmp/ne_test_syntax_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    close(fd);
    char err[256];
    ne_syntax_model *m = ne_syntax_save(w, bits, "test", path) == 0 ? ne_syntax_load(path, err, sizeof err) : NULL;
    unlink(path);
    return m;
}

/* The one-word sentence the weight tests tag. */
static ne_syn_word one_word[1] = { { "word", 4 } };

/* The first feature row of one_word's token, or UINT32_MAX when it has
 * no features. */
static uint32_t one_word_row(unsigned bits)
{
    ne_syn_ctx c;
    uint8_t labels[1] = { 0 };
    uint32_t rows[NE_SYNTAX_MAXF];
    ne_syntax_prepare(&c, one_word, 1);
    size_t nf = ne_syntax_feats(&c, 0, labels, bits, rows);
    return nf > 0 && nf <= NE_SYNTAX_MAXF ? rows[0] : UINT32_MAX;
}

/* one_word's label under weights w, saved and loaded as a model file;
 * -1 when the model could not be written or read. */
static int one_word_label(const float *w, unsigned bits)
{
    ne_syntax_model *m = save_and_load(w, bits);
    if (!m) return -1;
    uint8_t labels[1] = { 0 };
    ne_syntax_tag(m, one_word, 1, labels);
    ne_syntax_free(m);
    return labels[0];
}

TEST(syntax_model_round_trips_through_save_and_load)
{
    /* a model whose only weight says "obj" for every token */
    unsigned bits = 8;
    uint32_t row = one_word_row(bits);
    CHECK(row != UINT32_MAX);
    if (row == UINT32_MAX) return;
    float *w = calloc(((size_t)1 << bits) * NE_SYN_NLABELS, sizeof *w);
    w[(size_t)row * NE_SYN_NLABELS + NE_SYN_OBJ] = 2.5f;
    int label = one_word_label(w, bits);
    free(w);
    CHECK(label >= 0);
    CHECK_INT(label, NE_SYN_OBJ);
}

/* The rows are summed as vectors of int8 widened to floats (sum_rows):
 * a negative weight must stay negative, in the first sixteen labels and
 * in the last four alike. */
TEST(syntax_tagger_reads_negative_weights_as_negative_in_every_label)
{
    static const int target[] = { NE_SYN_NMOD, NE_SYN_CASE, NE_SYN_AUX, NE_SYN_PUNCT };
    unsigned bits = 8;
    uint32_t row = one_word_row(bits);
    CHECK(row != UINT32_MAX);
    if (row == UINT32_MAX) return;
    for (size_t t = 0; t < sizeof target / sizeof *target; t++) {
        float *w = calloc(((size_t)1 << bits) * NE_SYN_NLABELS, sizeof *w);
        /* every label -1 but the target, +0.5: read as unsigned bytes,
         * -1 (0x81 after quantising) would outweigh +0.5 (0x40) */
        for (int l = 0; l < NE_SYN_NLABELS; l++)
            w[(size_t)row * NE_SYN_NLABELS + l] = l == target[t] ? 0.5f : -1.0f;
        int label = one_word_label(w, bits);
        free(w);
        CHECK(label >= 0);
        CHECK_INT(label, target[t]);
    }
}

/* Real text (PolNeAR train, NYT 2016-05-27). */
TEST(syntax_tags_the_subject_and_the_object_pronoun_of_a_clause)
{
    if (!model()) SKIP("models/syntax.model not found");
    const char *s = "Mr. Sanders would beat him 53 percent to 36 percent.";
    CHECK_INT(label_of_word(s, "Sanders"), NE_SYN_NSUBJ);
    CHECK_INT(label_of_word(s, "him"), NE_SYN_OBJ);
    CHECK_INT(label_of_word(s, "would"), NE_SYN_AUX);
}

/* Real text (the seed article caa47b06f91fe0da): the speaker is the
 * subject, the possessor inside the reported clause is not, and "that"
 * marks the clause. */
TEST(syntax_tags_the_speaker_the_possessor_and_the_clause_marker)
{
    if (!model()) SKIP("models/syntax.model not found");
    const char *s = "But Mr Putin told reporters in Vietnam that Manafort’s alleged links with Russia had been "
                    "fabricated by the US President’s opponents.";
    CHECK_INT(label_of_word(s, "Putin"), NE_SYN_NSUBJ);
    int rep = label_of_word(s, "reporters");    /* EWT writes "told X that …" either way */
    CHECK(rep == NE_SYN_OBJ || rep == NE_SYN_IOBJ);
    CHECK_INT(label_of_word(s, "Manafort’s"), NE_SYN_POSS);
    CHECK_INT(label_of_word(s, "that"), NE_SYN_MARK);
}
