/* lang_eval — accuracy and cost of the language stage (enrichers/lang/).
 *
 * Reads `label<TAB>group<TAB>text` lines (text with \\, \t, \n escaped), as
 * scripts/lang_eval_set.py writes them, runs the lang stage on each text
 * as a body (so the stage's 1 KB prefix applies) and prints, per label and
 * group: texts, right, undetermined (the English models still run), wrong,
 * and how many texts had the English models turned off (right for other
 * languages, the costly error for English); then CPU µs per text. English texts whose detection
 * would turn the English models off are listed: that is the costly error.
 *
 *   /usr/bin/python3 scripts/lang_eval_set.py | build/tools/lang_eval
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrichers/lang/lang.h"

#define MAX_GROUPS 64

typedef struct group {
    char label[16], name[32];
    unsigned n, right, undetermined, wrong, gated;
} group;

static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Undoes the set's escapes in place; returns the new length. */
static size_t unescape(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            char c = s[++i];
            s[o++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

static group *group_of(group *g, size_t *ng, const char *label, const char *name)
{
    for (size_t i = 0; i < *ng; i++)
        if (strcmp(g[i].label, label) == 0 && strcmp(g[i].name, name) == 0) return &g[i];
    if (*ng == MAX_GROUPS) return NULL;
    group *x = &g[(*ng)++];
    memset(x, 0, sizeof *x);
    snprintf(x->label, sizeof x->label, "%s", label);
    snprintf(x->name, sizeof x->name, "%s", name);
    return x;
}

int main(void)
{
    group g[MAX_GROUPS];
    size_t ng = 0, total = 0;
    double us = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    void *stage = ne_lang_create(NULL, NULL, 0);
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n') line[--len] = '\0';
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2) continue;
        *tab1 = *tab2 = '\0';
        group *x = group_of(g, &ng, line, tab1 + 1);
        if (!x) continue;
        ne_doc doc = {0};
        doc.body = tab2 + 1;
        doc.body_len = unescape(doc.body);
        double t0 = cpu_us();
        ne_lang_process(stage, &doc);
        us += cpu_us() - t0;
        total++;
        x->n++;
        const char *got = doc.language ? doc.language : "";
        int right = strcmp(got, x->label) == 0 || (strcmp(x->label, "zh") == 0 && strncmp(got, "zh", 2) == 0);
        if (right) x->right++;
        else if (!*got) x->undetermined++;
        else x->wrong++;
        int english = strcmp(x->label, "en") == 0;
        x->gated += doc.non_english != 0;
        if (english && doc.non_english)
            printf("English text turned the English models off: %s %.2f \"%.60s\"\n", got,
                   doc.language_confidence, doc.body);
        free(doc.language);
    }
    free(line);
    ne_lang_destroy(stage);
    if (!total) {
        puts("lang_eval: no texts (is ../shared/data there? scripts/lang_eval_set.py says)");
        return 0;
    }
    printf("%-4s %-12s %6s %6s %8s %6s %14s\n", "lang", "group", "texts", "right", "undeterm", "wrong",
           "models off");
    for (size_t i = 0; i < ng; i++)
        printf("%-4s %-12s %6u %6u %8u %6u %14u\n", g[i].label, g[i].name, g[i].n, g[i].right,
               g[i].undetermined, g[i].wrong, g[i].gated);
    printf("%zu texts, %.1f µs CPU per text (title none, body prefix %d bytes)\n", total, us / total,
           NE_LANG_EXAMINED);
    return 0;
}
