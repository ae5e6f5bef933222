/* cues_learn — learns the quotes stage's speech-verb forms from PolNeAR
 * train's cue spans and writes them as C (make cues-learn):
 *
 *   cues_learn --train FILE [--out enrichers/quotes/quotes_cuelex.inc]
 *
 * Crude lemmatisation: a form is the word as written, lower-cased (’ read
 * as '). For every form the tool counts its uses inside cue spans (cue),
 * those of attributions with quoted content (quoted: the flag, or the NYT
 * archive's '' marks), and its occurrences anywhere in the texts (all).
 * A form is a speech cue when
 *   cue >= 3, quoted >= 3 and quoted / cue >= 0.12 (it introduces quoted
 *   words: PolNeAR's cues include beliefs, plans and perceptions —
 *   "seemed" 3 of 67, "expected" 3 of 91, "wants" 1 of 35 — which
 *   rarely do), cue / all >= 0.2 (mostly used as a cue), and it looks
 *   like a verb form (ends in -ed, -s or -ing, or is one of the irregular
 *   forms listed below).
 * Its bits: L_CUE | L_IND, L_ING for -ing forms, L_AMB (also a common
 * noun: a reported clause needs a named subject) when cue / all < 0.5.
 * "according", "put" and "puts" are left to their own frames ("according
 * to X" is L_ACCORD in the hand lexicon; "as X put it" is L_PUT_IT).
 * The forms issue 18 names are added whatever their counts (remembered,
 * weighed in, described … as, according to, put it, accused), with the
 * bits their frames need. The hand lexicon (quotes_cues.c) keeps the
 * frame bits of the common verbs (L_OBJ, L_PART, L_PASS, L_TRAIL) and the
 * function words; a word in both has its bits or-ed together.
 * Deterministic: the forms are written sorted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#define SLOTS (1u << 18)

typedef struct form {
    char *w;
    unsigned cue, quoted, all;
} form;

static form tab[SLOTS];
static size_t nforms;

static unsigned long hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

static form *get(const char *w)
{
    unsigned long h = hash(w) & (SLOTS - 1);
    while (tab[h].w && strcmp(tab[h].w, w) != 0) h = (h + 1) & (SLOTS - 1);
    if (!tab[h].w) {
        if (nforms + 1 >= SLOTS / 2) { fprintf(stderr, "cues_learn: too many forms\n"); exit(1); }
        tab[h].w = strdup(w);
        nforms++;
    }
    return &tab[h];
}

/* Calls fn on every lower-cased word of s[0, n). */
static void words(const char *s, size_t n, void (*fn)(const char *, void *), void *arg)
{
    char buf[32];
    size_t o = 0;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : ' ';
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        }
        if (isalpha(c) || (c == '\'' && o > 0)) {
            if (o + 1 < sizeof buf) buf[o++] = (char)tolower(c);
            continue;
        }
        while (o > 0 && buf[o - 1] == '\'') o--;
        if (o > 0 && o + 1 < sizeof buf) {
            buf[o] = '\0';
            fn(buf, arg);
        }
        o = 0;
    }
}

static void count_all(const char *w, void *arg) { (void)arg; get(w)->all++; }
static void count_cue(const char *w, void *arg)
{
    form *f = get(w);
    f->cue++;
    f->quoted += *(int *)arg;
}

static const char *const irregular[] = {"said", "say", "told", "tell", "wrote", "write", "put", NULL};

static int verb_like(const char *w)
{
    size_t n = strlen(w);
    for (int i = 0; irregular[i]; i++)
        if (!strcmp(irregular[i], w)) return 1;
    if (n > 4 && !strcmp(w + n - 2, "ed")) return 1;
    if (n > 5 && !strcmp(w + n - 3, "ing")) return 1;
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != '\'') return 1;
    return 0;
}

/* The forms issue 18 names, with their frames' bits. */
static const struct { const char *w, *bits, *why; } named[] = {
    {"remembered", "L_CUE | L_IND", "issue 18"},
    {"remembers", "L_CUE | L_IND", "issue 18"},
    {"weighed", "L_CUE", "issue 18: weighed in"},
    {"weighs", "L_CUE", "issue 18: weighs in"},
    {"described", "L_CUE | L_PART", "issue 18: described … as"},
    {"accused", "L_CUE | L_PART", "issue 18"},
    {"put", "L_PUT_IT", "issue 18: as X put it"},
    {"puts", "L_PUT_IT", "issue 18: as X puts it"},
};

static int cmp(const void *a, const void *b)
{
    return strcmp((*(const form *const *)a)->w, (*(const form *const *)b)->w);
}

int main(int argc, char **argv)
{
    const char *train = NULL, *out = "enrichers/quotes/quotes_cuelex.inc";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--train") && i + 1 < argc) train = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else { fprintf(stderr, "usage: cues_learn --train FILE [--out FILE]\n"); return 2; }
    }
    if (!train) { fprintf(stderr, "usage: cues_learn --train FILE [--out FILE]\n"); return 2; }
    FILE *f = fopen(train, "rb");
    if (!f) { fprintf(stderr, "cues_learn: %s not found\n", train); return 1; }
    char *line = NULL, err[256];
    size_t cap = 0, narts = 0, nattr = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        yajl_val art = yajl_tree_parse(line, err, sizeof err);
        if (!art) continue;
        const char *pt[] = {"text", NULL}, *pa[] = {"attributions", NULL};
        const char *text = YAJL_GET_STRING(yajl_tree_get(art, pt, yajl_t_string));
        yajl_val attrs = yajl_tree_get(art, pa, yajl_t_array);
        if (text) words(text, strlen(text), count_all, NULL);
        for (size_t i = 0; attrs && i < attrs->u.array.len; i++) {
            yajl_val a = attrs->u.array.values[i];
            const char *pc[] = {"cue", NULL}, *pk[] = {"content", NULL}, *pq[] = {"content_has_quote_marks", NULL};
            yajl_val cue = yajl_tree_get(a, pc, yajl_t_array), content = yajl_tree_get(a, pk, yajl_t_array);
            int quoted = YAJL_IS_TRUE(yajl_tree_get(a, pq, yajl_t_any));
            for (size_t j = 0; !quoted && content && j < content->u.array.len; j++) {
                const char *ptx[] = {"text", NULL};
                const char *t = YAJL_GET_STRING(yajl_tree_get(content->u.array.values[j], ptx, yajl_t_string));
                quoted = t && strstr(t, "''") != NULL;
            }
            for (size_t j = 0; cue && j < cue->u.array.len; j++) {
                const char *ptx[] = {"text", NULL};
                const char *t = YAJL_GET_STRING(yajl_tree_get(cue->u.array.values[j], ptx, yajl_t_string));
                if (t) words(t, strlen(t), count_cue, &quoted);
            }
            nattr++;
        }
        narts++;
        yajl_tree_free(art);
    }
    free(line);
    fclose(f);
    form **sel = malloc(nforms * sizeof *sel);
    size_t nsel = 0;
    for (size_t h = 0; h < SLOTS; h++) {
        form *x = &tab[h];
        if (!x->w || x->cue < 3 || x->quoted < 3 || !x->all || !verb_like(x->w)) continue;
        if ((double)x->quoted / (double)x->cue < 0.12) continue;
        if (!strcmp(x->w, "according") || !strcmp(x->w, "put") || !strcmp(x->w, "puts"))
            continue;   /* frames of their own: "according to X", "as X put it" */
        if ((double)x->cue / (double)x->all < 0.2) continue;
        sel[nsel++] = x;
    }
    qsort(sel, nsel, sizeof *sel, cmp);
    FILE *o = fopen(out, "w");
    if (!o) { fprintf(stderr, "cues_learn: cannot write %s\n", out); return 1; }
    fprintf(o, "/* quotes_cuelex.inc — GENERATED by tools/cues_learn.c (make cues-learn) from\n"
               " * PolNeAR train (%zu articles, %zu attributions): speech-verb forms as written,\n"
               " * lower-cased, with cue >= 3 uses in cue spans, quoted >= 3 and >= 0.12 of them,\n"
               " * cue/all >= 0.2 and a verb form; then the forms issue 18 names. Do not edit:\n"
               " * rerun the tool. Included by quotes_cues.c into its lexicon. */\n", narts, nattr);
    for (size_t i = 0; i < nsel; i++) {
        const form *x = sel[i];
        size_t n = strlen(x->w);
        int ing = n > 5 && !strcmp(x->w + n - 3, "ing");
        int amb = (double)x->cue / (double)x->all < 0.5;
        fprintf(o, "{\"%s\", L_CUE | L_IND%s%s},%*s/* cue %u of %u, quoted %u */\n", x->w, ing ? " | L_ING" : "",
                amb ? " | L_AMB" : "", (int)(22 - n - (ing ? 8 : 0) - (amb ? 8 : 0) > 0 ? 22 - n - (ing ? 8 : 0) - (amb ? 8 : 0) : 1),
                "", x->cue, x->all, x->quoted);
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        form *x = get(named[i].w);
        fprintf(o, "{\"%s\", %s},   /* %s; cue %u of %u, quoted %u */\n", named[i].w, named[i].bits, named[i].why,
                x->cue, x->all, x->quoted);
    }
    fclose(o);
    printf("cues-learn: %s: %zu articles, %zu attributions, %zu forms; %zu speech-verb forms learned, "
           "%zu named by issue 18 -> %s\n", train, narts, nattr, nforms, nsel, sizeof named / sizeof named[0], out);
    free(sel);
    return 0;
}
