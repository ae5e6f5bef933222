/* coref_data.c — GUM and GAP readers, resolver input and scores
 * (coref_data.h). Used by tools/coref_train.c and tools/eval_coref.c. */
#include "enrichers/coref/coref_data.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "enrichers/coref/coref_int.h"
#include "enrichers/text/text.h"

/* ---- GUM ---------------------------------------------------------------- */

typedef struct sbuf { char *s; size_t n, cap; } sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    ne_grow(&b->s, &b->cap, b->n + n + 1, 1);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* The i-th tab-separated field of line (0-based) and its length. */
static const char *field(const char *line, int i, size_t *len)
{
    const char *p = line;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '\t');
        if (!p) { *len = 0; return ""; }
        p++;
    }
    const char *e = p;
    while (*e && *e != '\t' && *e != '\n') e++;
    *len = (size_t)(e - p);
    return p;
}

typedef struct open_m { int32_t id; uint32_t tok; char etype[16]; } open_m;

int ne_gum_read(const char *path, ne_gum_doc *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(d->name, sizeof d->name, "%.*s", (int)strcspn(base, "."), base);
    sbuf text = { 0 };
    size_t capt = 0, capm = 0, nopen = 0, capopen = 0;
    open_m *open = NULL;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int newpar = 0, space_pending = 0;
    long mwt_end = -1;          /* last word id of a multiword token being read */
    int mwt_space = 1;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (line[0] == '#') {
            if (strncmp(line, "# newpar", 8) == 0 && (line[8] == '\n' || line[8] == ' ' || line[8] == '\r')) newpar = 1;
            continue;
        }
        if (line[0] == '\n' || line[0] == '\r') { space_pending = 1; continue; }
        size_t l0;
        const char *id = field(line, 0, &l0);
        if (memchr(id, '.', l0)) continue;                 /* empty node */
        size_t lf, lm, lu, lfe;
        const char *form = field(line, 1, &lf);
        const char *upos = field(line, 3, &lu);
        const char *feats = field(line, 5, &lfe);
        const char *misc = field(line, 9, &lm);
        const char *dash = memchr(id, '-', l0);
        long wid = strtol(id, NULL, 10);
        int surface = 1;
        if (dash) {                                          /* multiword token: its form is the text */
            mwt_end = strtol(dash + 1, NULL, 10);
            mwt_space = !(memmem(misc, lm, "SpaceAfter=No", 13));
        }
        if (!dash && mwt_end >= 0 && wid <= mwt_end) surface = 0;
        if (surface) {
            if (text.n > 0) {
                if (newpar) sb_add(&text, "\n", 1);
                else if (space_pending) sb_add(&text, " ", 1);
            }
            newpar = 0;
            sb_add(&text, form, lf);
            space_pending = dash ? mwt_space : !(memmem(misc, lm, "SpaceAfter=No", 13));
        }
        if (dash) {
            continue;
        }
        if (mwt_end >= 0 && wid >= mwt_end) mwt_end = -1;
        /* the word: its bytes are its surface's (a multiword token's part: all of it) */
        ne_grow(&d->toks, &capt, d->ntoks + 1, sizeof *d->toks);
        ne_gum_tok *tk = &d->toks[d->ntoks];
        memset(tk, 0, sizeof *tk);
        if (surface) { tk->start = (uint32_t)(text.n - lf); tk->end = (uint32_t)text.n; }
        else if (d->ntoks) { tk->start = d->toks[d->ntoks - 1].start; tk->end = d->toks[d->ntoks - 1].end; }
        snprintf(tk->upos, sizeof tk->upos, "%.*s", (int)lu, upos);
        if (memmem(feats, lfe, "Gender=Masc", 11)) tk->feats_gender = 'M';
        else if (memmem(feats, lfe, "Gender=Fem", 10)) tk->feats_gender = 'F';
        uint32_t ti = (uint32_t)d->ntoks++;
        /* the Entity= layer */
        const char *ent = memmem(misc, lm, "Entity=", 7);
        if (!ent) continue;
        const char *p = ent + 7, *e = misc + lm;
        while (p < e && *p != '|') {
            if (*p == '(') {
                const char *q = p + 1;
                while (q < e && *q != '(' && *q != ')' && *q != '|') q++;
                /* id-etype-... */
                int32_t eid = (int32_t)strtol(p + 1, NULL, 10);
                const char *t1 = memchr(p + 1, '-', (size_t)(q - p - 1));
                char et[16] = "";
                if (t1) {
                    const char *t2 = t1 + 1;
                    while (t2 < q && *t2 != '-') t2++;
                    snprintf(et, sizeof et, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
                }
                if (q < e && *q == ')') {                       /* one-token mention */
                    ne_grow(&d->ments, &capm, d->nments + 1, sizeof *d->ments);
                    ne_gum_mention *gm = &d->ments[d->nments++];
                    gm->tok_start = ti; gm->tok_end = ti + 1; gm->entity = eid;
                    memcpy(gm->etype, et, sizeof et);
                    p = q + 1;
                } else {
                    ne_grow(&open, &capopen, nopen + 1, sizeof *open);
                    open[nopen].id = eid; open[nopen].tok = ti;
                    memcpy(open[nopen].etype, et, sizeof et);
                    nopen++;
                    p = q;
                }
            } else if (isdigit((unsigned char)*p)) {
                char *q;
                int32_t eid = (int32_t)strtol(p, &q, 10);
                if (q < e && *q == ')') {
                    for (size_t k = nopen; k-- > 0;)
                        if (open[k].id == eid) {
                            ne_grow(&d->ments, &capm, d->nments + 1, sizeof *d->ments);
                            ne_gum_mention *gm = &d->ments[d->nments++];
                            gm->tok_start = open[k].tok; gm->tok_end = ti + 1; gm->entity = eid;
                            memcpy(gm->etype, open[k].etype, sizeof gm->etype);
                            memmove(&open[k], &open[k + 1], (nopen - k - 1) * sizeof *open);
                            nopen--;
                            break;
                        }
                    p = q + 1;
                } else p = q;
            } else p++;
        }
    }
    free(line);
    free(open);
    fclose(f);
    for (size_t i = 0; i < d->nments; i++) {
        d->ments[i].start = d->toks[d->ments[i].tok_start].start;
        d->ments[i].end = d->toks[d->ments[i].tok_end - 1].end;
    }
    d->text = text.s ? text.s : ne_xstrdup("");
    d->len = text.n;
    return 0;
}

void ne_gum_free(ne_gum_doc *d)
{
    free(d->text); free(d->toks); free(d->ments);
    memset(d, 0, sizeof *d);
}

char ne_gum_split(const char *splits_md, const char *name)
{
    char section = 'r';
    size_t nl = strlen(name);
    for (const char *p = splits_md; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l >= 3 && p[0] == '#' && p[1] == '#') {
            const char *s = p + 2;
            while (*s == ' ') s++;
            section = strncmp(s, "dev", 3) == 0 ? 'd' : strncmp(s, "test2", 5) == 0 ? 'g' :
                      strncmp(s, "test", 4) == 0 ? 't' : 'r';
        } else {
            const char *s = memchr(p, '*', l);
            if (s) {
                s++;
                while (*s == ' ') s++;
                size_t rl = l - (size_t)(s - p);
                while (rl && (s[rl - 1] == ' ' || s[rl - 1] == '\r')) rl--;
                if (rl == nl && memcmp(s, name, nl) == 0) return section;
            }
        }
        p = e ? e + 1 : NULL;
    }
    return strncmp(name, "GENTLE_", 7) == 0 ? 'g' : 'r';
}

/* ---- GAP ---------------------------------------------------------------- */

static int pron_gender(const char *s, size_t n)
{
    if ((n == 2 && strncasecmp(s, "he", 2) == 0) || (n == 3 && (strncasecmp(s, "his", 3) == 0 || strncasecmp(s, "him", 3) == 0)))
        return NE_GENDER_MALE;
    return NE_GENDER_FEMALE;
}

ne_gap_row *ne_gap_read(const char *path, size_t *n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    ne_gap_row *rows = NULL;
    size_t cap = 0;
    *n = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int first = 1;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (first) { first = 0; continue; }
        size_t l[11];
        const char *fld[11];
        for (int i = 0; i < 11; i++) fld[i] = field(line, i, &l[i]);
        if (l[1] == 0) continue;
        ne_grow(&rows, &cap, *n + 1, sizeof *rows);
        ne_gap_row *r = &rows[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->id, sizeof r->id, "%.*s", (int)l[0], fld[0]);
        r->text = ne_xstrndup(fld[1], l[1]);
        r->pron = (uint32_t)atol(fld[3]); r->pron_len = (uint32_t)l[2];
        r->a = (uint32_t)atol(fld[5]); r->a_len = (uint32_t)l[4];
        r->b = (uint32_t)atol(fld[8]); r->b_len = (uint32_t)l[7];
        r->a_coref = l[6] >= 4 && strncasecmp(fld[6], "TRUE", 4) == 0;
        r->b_coref = l[9] >= 4 && strncasecmp(fld[9], "TRUE", 4) == 0;
        r->gender = pron_gender(fld[2], l[2]);
        if (r->pron + r->pron_len > l[1] || r->a + r->a_len > l[1] || r->b + r->b_len > l[1]) {
            snprintf(err, errlen, "%s: %s: offsets out of range", path, r->id);
            free(line); fclose(f); ne_gap_free(rows, *n);
            return NULL;
        }
    }
    free(line);
    fclose(f);
    return rows;
}

void ne_gap_free(ne_gap_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) free(rows[i].text);
    free(rows);
}

/* ---- resolver input ----------------------------------------------------- */

size_t ne_coref_ner(const ne_ner_model *ner, ne_ner_ws *nws, const ne_text *t,
                    ne_ner_span **spans, size_t *cap)
{
    if (t->ntoks == 0) return 0;
    ne_ner_tok *toks = ne_xmalloc(t->ntoks * sizeof *toks);
    ne_ner_sent *sents = ne_xmalloc((t->nsents + 1) * sizeof *sents);
    uint8_t *tags = ne_xmalloc(t->ntoks);
    for (size_t i = 0; i < t->ntoks; i++)
        toks[i] = (ne_ner_tok){ t->s + t->toks[i].start, t->toks[i].end - t->toks[i].start };
    for (size_t s = 0; s < t->nsents; s++)
        sents[s] = (ne_ner_sent){ toks + t->sents[s].tok_start, t->sents[s].tok_end - t->sents[s].tok_start };
    size_t n = 0;
    if (ne_ner_tag(ner, nws, sents, t->nsents, tags) == 0) {
        n = ne_ner_spans(tags, t->ntoks, NULL, 0);
        ne_grow(spans, cap, n + 1, sizeof **spans);
        n = ne_ner_spans(tags, t->ntoks, *spans, n);
    }
    free(toks); free(sents); free(tags);
    return n;
}

static void inst_text(ne_coref_inst *in, const char *text, size_t len)
{
    memset(in, 0, sizeof *in);
    in->text = ne_xstrndup(text, len);
    in->len = len;
    ne_text_analyze(&in->t, in->text, len);
    in->pron = in->ma = in->mb = -1;
}

static void inst_detect(ne_coref_inst *in, const ne_coref_model *m, ne_coref_ws *ws,
                        const ne_ner_model *ner, ne_ner_ws *nws)
{
    ne_ner_span *spans = NULL;
    size_t cap = 0, ns = ne_coref_ner(ner, nws, &in->t, &spans, &cap);
    ne_coref_mention *det;
    size_t n = ne_coref_detect(m, ws, &in->t, spans, ns, &det);
    in->ms = ne_xmemdup(det, (n + 1) * sizeof *det);
    in->n = n;
    in->gold = ne_xmalloc((n + 1) * sizeof *in->gold);
    free(spans);
}

void ne_coref_inst_gum(ne_coref_inst *in, const ne_gum_doc *d, const ne_coref_model *m,
                       ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws)
{
    inst_text(in, d->text, d->len);
    inst_detect(in, m, ws, ner, nws);
    uint8_t *used = ne_xcalloc(d->nments + 1, 1);
    for (size_t g = 0; g < d->nments; g++)
        if (!strcmp(d->ments[g].etype, "person") || !strcmp(d->ments[g].etype, "organization")) in->gold_total++;
    for (size_t i = 0; i < in->n; i++) {
        const ne_coref_mention *mm = &in->ms[i];
        long best = -1;
        uint32_t bestlen = UINT32_MAX;
        for (size_t g = 0; g < d->nments; g++) {
            const ne_gum_mention *gm = &d->ments[g];
            if (gm->start > mm->start || gm->end < mm->end) continue;
            if (gm->start != mm->start && gm->end != mm->end) continue;
            if (gm->end - gm->start < bestlen) { bestlen = gm->end - gm->start; best = (long)g; }
        }
        in->gold[i] = -1;
        if (best >= 0 && !used[best]) {
            used[best] = 1;
            int po = !strcmp(d->ments[best].etype, "person") || !strcmp(d->ments[best].etype, "organization");
            in->gold[i] = d->ments[best].entity + (po ? 0 : NE_COREF_OTHER);
        }
    }
    free(used);
}

static int32_t tok_at(const ne_text *t, uint32_t off)
{
    for (size_t i = 0; i < t->ntoks; i++)
        if (t->toks[i].end > off) return (int32_t)i;
    return t->ntoks ? (int32_t)t->ntoks - 1 : 0;
}

static int cmp_m(const void *x, const void *y)
{
    const ne_coref_mention *a = x, *b = y;
    if (a->tok_start != b->tok_start) return a->tok_start < b->tok_start ? -1 : 1;
    if (a->tok_end != b->tok_end) return a->tok_end < b->tok_end ? -1 : 1;
    return 0;
}

/* Last word of a name (bytes) and whether two names are compatible:
 * equal, or sharing their first or last word. */
static int words_eq(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && strncasecmp(a, b, al) == 0;
}

static void name_ends(const char *s, size_t n, const char **f, size_t *fl, const char **l, size_t *ll)
{
    while (n && s[n - 1] == ' ') n--;
    size_t i = 0;
    while (i < n && s[i] != ' ') i++;
    *f = s; *fl = i;
    size_t j = n;
    while (j > 0 && s[j - 1] != ' ') j--;
    *l = s + j; *ll = n - j;
    if (*ll > 2 && (*l)[*ll - 2] == '\'' && (*l)[*ll - 1] == 's') *ll -= 2;
}

static int name_compat(const char *a, size_t al, const char *b, size_t bl)
{
    const char *af, *alst, *bf, *blst;
    size_t afl, alstl, bfl, blstl;
    name_ends(a, al, &af, &afl, &alst, &alstl);
    name_ends(b, bl, &bf, &bfl, &blst, &blstl);
    return words_eq(alst, alstl, blst, blstl) || words_eq(af, afl, bf, bfl) ||
           words_eq(a, al, blst, blstl) || words_eq(b, bl, alst, alstl) || words_eq(a, al, bf, bfl) ||
           words_eq(b, bl, af, afl);
}

void ne_coref_inst_gap(ne_coref_inst *in, const ne_gap_row *r, const ne_coref_model *m,
                       ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws)
{
    inst_text(in, r->text, strlen(r->text));
    inst_detect(in, m, ws, ner, nws);
    in->gap = 1;
    in->a_coref = r->a_coref; in->b_coref = r->b_coref; in->gender = r->gender;
    /* the given mentions replace what they overlap */
    uint32_t sp[3][2] = { { r->pron, r->pron + r->pron_len }, { r->a, r->a + r->a_len }, { r->b, r->b + r->b_len } };
    size_t n = in->n, k = 0;
    int32_t *map = ne_xmalloc((n + 1) * sizeof *map);
    for (size_t i = 0; i < n; i++) {
        int drop = 0;
        for (int s = 0; s < 3; s++)
            if (in->ms[i].start < sp[s][1] && sp[s][0] < in->ms[i].end &&
                !(s == 0 && in->ms[i].kind != NE_COREF_PRONOUN)) drop = 1;
        map[i] = drop ? -1 : (int32_t)k;
        if (!drop) in->ms[k++] = in->ms[i];
    }
    for (size_t i = 0; i < k; i++)
        if (in->ms[i].appos >= 0) in->ms[i].appos = map[in->ms[i].appos];
    free(map);
    in->ms = ne_xrealloc(in->ms, (k + 4) * sizeof *in->ms);
    for (int s = 0; s < 3; s++) {
        ne_coref_mention *mm = &in->ms[k++];
        memset(mm, 0, sizeof *mm);
        mm->start = sp[s][0]; mm->end = sp[s][1];
        mm->tok_start = (uint32_t)tok_at(&in->t, sp[s][0]);
        mm->tok_end = (uint32_t)tok_at(&in->t, sp[s][1] - 1) + 1;
        mm->kind = s == 0 ? NE_COREF_PRONOUN : NE_COREF_NAME;
        mm->type = s == 0 ? -1 : NE_ENT_PER;
        mm->entity = -1;
        mm->appos = -(10 + s);          /* marker, fixed below */
    }
    /* sort, keeping apposition links: store the old index in entity */
    for (size_t i = 0; i < k; i++) in->ms[i].entity = (int32_t)i;
    if (k > 1) qsort(in->ms, k, sizeof *in->ms, cmp_m);
    int32_t *pos = ne_xmalloc((k + 1) * sizeof *pos);
    for (size_t i = 0; i < k; i++) pos[in->ms[i].entity] = (int32_t)i;
    for (size_t i = 0; i < k; i++) {
        ne_coref_mention *mm = &in->ms[i];
        if (mm->appos == -10) in->pron = (int32_t)i;
        else if (mm->appos == -11) in->ma = (int32_t)i;
        else if (mm->appos == -12) in->mb = (int32_t)i;
        if (mm->appos <= -10) mm->appos = -1;
        else if (mm->appos >= 0) {
            mm->appos = pos[mm->appos];
            if (mm->appos >= (int32_t)i) mm->appos = -1;
        }
        mm->entity = -1;
    }
    free(pos);
    in->n = k;
    in->gold = ne_xrealloc(in->gold, (k + 1) * sizeof *in->gold);
    /* supervision: names compatible with A (0) or B (1); the pronoun */
    const char *as = r->text + r->a, *bs = r->text + r->b;
    for (size_t i = 0; i < k; i++) {
        const ne_coref_mention *mm = &in->ms[i];
        in->gold[i] = -2;
        if ((int32_t)i == in->ma) in->gold[i] = 0;
        else if ((int32_t)i == in->mb) in->gold[i] = 1;
        else if ((int32_t)i == in->pron) in->gold[i] = r->a_coref ? 0 : r->b_coref ? 1 : -2;
        else if (mm->kind == NE_COREF_NAME) {
            int ca = name_compat(in->text + mm->start, mm->end - mm->start, as, r->a_len);
            int cb = name_compat(in->text + mm->start, mm->end - mm->start, bs, r->b_len);
            if (ca && !cb) in->gold[i] = 0;
            else if (cb && !ca) in->gold[i] = 1;
        }
    }
}

/* ---- news texts: distant supervision (coref_data.h) --------------------- */

/* Hash of the last word of mention k (a name's surname). */
static uint64_t news_last_word(const ne_coref_inst *in, size_t k)
{
    const ne_token *tk = &in->t.toks[in->ms[k].tok_end - 1];
    return coref_word_hash(in->text + tk->start, tk->end - tk->start);
}

/* The gender of each name group of a news instance (gold NE_COREF_NEWS
 * + the group's first mention): its names' genders when they agree, else
 * unknown; written at the group's index of gg (n entries). */
static void news_group_genders(const ne_coref_inst *in, uint8_t *gg)
{
    memset(gg, 0, in->n);
    for (size_t k = 0; k < in->n; k++) {
        int32_t g = in->gold[k] - NE_COREF_NEWS;
        if (in->ms[k].kind != NE_COREF_NAME || g < 0 || (size_t)g >= in->n || !in->ms[k].gender) continue;
        gg[g] |= (uint8_t)(1u << in->ms[k].gender);
    }
    for (size_t g = 0; g < in->n; g++)
        gg[g] = gg[g] == 1u << NE_GENDER_MALE ? NE_GENDER_MALE : gg[g] == 1u << NE_GENDER_FEMALE ? NE_GENDER_FEMALE : 0;
}

/* Pronouns that continue a speaker (news_pronouns): how far back a
 * person of the pronoun's gender must be the only one (sentences), and
 * how far back no person of unknown gender may be (sentences; the
 * model's window in mentions at least). */
#define NEWS_PRON_SAME  5
#define NEWS_PRON_NEAR  2

/* Labels the he/she subjects of a speech cue whose antecedent the
 * genders make certain: within NEWS_PRON_SAME sentences one group of
 * names has the pronoun's gender, and within NEWS_PRON_NEAR sentences
 * (and the window) every other person named or described has the other
 * gender. The pronoun takes that group's label (NE_COREF_NEWS_SUP +
 * group) and hide_gender, so that the model learns what else points to
 * the speaker: the previous cue's subject, the previous sentence's
 * subject, an inverted "says NAME", the position, the distance. Returns
 * how many. */
static size_t news_pronouns(ne_coref_inst *in, const ne_coref_model *m, ne_coref_ws *ws)
{
    size_t n = in->n, labelled = 0, win = (size_t)ne_coref_window(m);
    if (!n) return 0;
    ne_coref_begin(m, ws, &in->t, in->ms, n);   /* genders, cue subjects */
    uint8_t *gg = ne_xmalloc(n);
    news_group_genders(in, gg);
    for (size_t k = 0; k < n; k++) {
        ne_coref_mention *p = &in->ms[k];
        const mattr *ap = &ws->at[k];
        if (p->kind != NE_COREF_PRONOUN || !p->gender || p->number != NE_NUM_SING || p->appos >= 0 ||
            !(ap->flags & MF_CUE_SUBJ) || (ap->flags & (MF_IN_QUOTE | MF_POSS)) || in->gold[k] != -2)
            continue;
        int32_t same = -1;
        int bad = 0;
        for (size_t j = k; j-- > 0 && !bad;) {
            const ne_coref_mention *q = &in->ms[j];
            uint32_t back = ap->sent - ws->at[j].sent;
            if (back > NEWS_PRON_SAME) break;
            int near = back <= NEWS_PRON_NEAR || k - j <= win;
            int g = 0;
            if (q->kind == NE_COREF_NAME) {
                int32_t grp = in->gold[j] - NE_COREF_NEWS;
                if (grp < 0 || (size_t)grp >= n) continue;
                if (q->type == NE_ENT_ORG) {
                    /* a one-word "organisation" may be a person the tagger mistyped */
                    if (near && q->tok_end == q->tok_start + 1 && !gg[grp]) bad = 1;
                    continue;
                }
                if (q->type != NE_ENT_PER) continue;
                g = gg[grp];
                if (g == p->gender) {
                    if (same < 0) same = grp;
                    else if (same != grp) bad = 1;
                } else if (!g && near) {
                    bad = 1;
                }
            } else if ((q->kind == NE_COREF_TITLE || q->kind == NE_COREF_DESC) && q->type == NE_ENT_PER && near &&
                       q->gender != (p->gender == NE_GENDER_MALE ? NE_GENDER_FEMALE : NE_GENDER_MALE) &&
                       in->gold[j] < NE_COREF_NEWS_SUP) {
                bad = 1;   /* "the woman", whom no name may be */
            }
        }
        if (bad || same < 0) continue;
        in->gold[k] = NE_COREF_NEWS_SUP + same;
        p->hide_gender = 1;
        labelled++;
    }
    free(gg);
    return labelled;
}

size_t ne_coref_inst_news(ne_coref_inst *in, const char *text, size_t len, const ne_coref_model *m,
                          ne_coref_ws *ws, const ne_ner_model *ner, ne_ner_ws *nws, unsigned what)
{
    inst_text(in, text, len);
    inst_detect(in, m, ws, ner, nws);
    in->news = 1;
    size_t n = in->n, labelled = 0;
    for (size_t k = 0; k < n; k++) {
        const ne_coref_mention *mm = &in->ms[k];
        in->gold[k] = -2;
        if (mm->kind != NE_COREF_NAME || mm->tok_end == 0) continue;
        uint64_t h = news_last_word(in, k);
        size_t g = k;
        for (size_t q = 0; q < k; q++)
            if (in->ms[q].kind == NE_COREF_NAME && news_last_word(in, q) == h) { g = q; break; }
        in->gold[k] = NE_COREF_NEWS + (int32_t)g;
    }
    for (size_t k = 0; k < n && (what & NE_COREF_NEWS_DESC); k++) {
        ne_coref_mention *mm = &in->ms[k];
        if ((mm->kind != NE_COREF_TITLE && mm->kind != NE_COREF_DESC) || mm->type != NE_ENT_PER) continue;
        int32_t q = mm->appos;
        if (q < 0 || (size_t)q >= k) continue;
        /* two or more tokens back: not the apposition "Doug McCallum, the
         * mayor," which needs no model; through a description the
         * detector joined to a name ("Donna Lages, a retired teacher," …
         * "the teacher said") */
        if (in->ms[q].tok_end + 2 > mm->tok_start) continue;
        for (int hops = 0; hops < 4 && in->ms[q].kind != NE_COREF_NAME && in->ms[q].appos >= 0 &&
                           in->ms[q].appos < q; hops++)
            q = in->ms[q].appos;
        const ne_coref_mention *o = &in->ms[q];
        if (o->kind != NE_COREF_NAME || o->type != NE_ENT_PER) continue;
        in->gold[k] = NE_COREF_NEWS_SUP + (in->gold[q] - NE_COREF_NEWS);
        mm->appos = -1;
        labelled++;
    }
    /* the other way: "a young woman asked …" then "the woman said" — a
     * definite description whose head word ended an indefinite noun
     * phrase earlier ("a"/"an" and up to three words), not one that names
     * someone ("a spokesman, John Smith,"), is someone the text never
     * named: new, as the detector drops the indefinite one. */
    for (size_t k = 0; k < n && (what & NE_COREF_NEWS_DESC); k++) {
        const ne_coref_mention *mm = &in->ms[k];
        /* a person description, not a title: "a president" is often
         * anyone's, "the president" the one named (tried, coref.mk) */
        if (mm->kind != NE_COREF_DESC || mm->type != NE_ENT_PER || in->gold[k] != -2) continue;
        const ne_token *d = &in->t.toks[mm->tok_start];
        if (d->end - d->start != 3 || strncasecmp(in->text + d->start, "the", 3) != 0) continue;
        const ne_token *hk = &in->t.toks[mm->tok_end - 1];
        uint64_t h = coref_word_hash(in->text + hk->start, hk->end - hk->start);
        int unnamed = 0;
        for (uint32_t j = 0; j + 1 < mm->tok_start && !unnamed; j++) {
            const ne_token *a = &in->t.toks[j];
            size_t al = a->end - a->start;
            if (!((al == 1 && (in->text[a->start] | 32) == 'a') ||
                  (al == 2 && strncasecmp(in->text + a->start, "an", 2) == 0)))
                continue;
            for (uint32_t e = j + 1; e <= j + 4 && e < mm->tok_start; e++) {
                const ne_token *w = &in->t.toks[e];
                if (w->kind != NE_TOK_WORD) break;
                if (coref_word_hash(in->text + w->start, w->end - w->start) != h) continue;
                int appos = e + 2 < in->t.ntoks && in->t.toks[e + 1].kind == NE_TOK_PUNCT &&
                            in->text[in->t.toks[e + 1].start] == ',' && (in->t.toks[e + 2].flags & NE_TF_CAP);
                int after_name = j >= 2 && in->t.toks[j - 1].kind == NE_TOK_PUNCT &&
                                 in->text[in->t.toks[j - 1].start] == ',' && (in->t.toks[j - 2].flags & NE_TF_CAP);
                if (!appos && !after_name) unnamed = 1;
                break;
            }
        }
        if (unnamed) { in->gold[k] = -1; labelled++; }
    }
    if (what & NE_COREF_NEWS_PRON) labelled += news_pronouns(in, m, ws);
    for (size_t k = 0; k < n; k++) {   /* the evidence, hidden */
        if (in->ms[k].kind == NE_COREF_NAME) in->ms[k].role = 0;
        in->ms[k].age = 0;
    }
    in->gold_total = labelled;
    return labelled;
}

void ne_coref_inst_free(ne_coref_inst *in)
{
    ne_text_clear(&in->t);
    free(in->text); free(in->ms); free(in->gold);
    memset(in, 0, sizeof *in);
}

/* ---- scores ------------------------------------------------------------- */

static int scored(int32_t g) { return g >= 0 && g < NE_COREF_OTHER; }

void ne_coref_score_gum(ne_coref_scores *s, const ne_coref_inst *in, const int32_t *cl)
{
    size_t n = in->n;
    for (size_t i = 0; i < n; i++) {
        if (!scored(in->gold[i])) continue;
        size_t k = 0, r = 0, kr = 0;
        for (size_t j = 0; j < n; j++) {
            if (!scored(in->gold[j])) continue;
            int sg = in->gold[j] == in->gold[i], sp = cl[j] == cl[i];
            k += sg; r += sp; kr += sg && sp;
        }
        s->b3_p += (double)kr / (double)r;
        s->b3_r += (double)kr / (double)k;
        s->b3_n++;
    }
    /* MUC: for each cluster of one side, its size minus the parts the
     * other side cuts it into. */
    for (int side = 0; side < 2; side++) {
        const int32_t *a = side ? cl : in->gold, *b = side ? in->gold : cl;
        uint8_t *seen = ne_xcalloc(n + 1, 1);
        for (size_t i = 0; i < n; i++) {
            if (!scored(in->gold[i]) || seen[i]) continue;
            size_t size = 0, parts = 0;
            for (size_t j = i; j < n; j++) {
                if (!scored(in->gold[j]) || a[j] != a[i]) continue;
                seen[j] = 1;
                size++;
                int newpart = 1;
                for (size_t q = i; q < j; q++)
                    if (scored(in->gold[q]) && a[q] == a[i] && b[q] == b[j]) { newpart = 0; break; }
                parts += newpart;
            }
            if (side == 0) { s->muc_rn += (double)(size - parts); s->muc_rd += (double)(size - 1); }
            else { s->muc_pn += (double)(size - parts); s->muc_pd += (double)(size - 1); }
        }
        free(seen);
    }
}

void ne_coref_score_gap(ne_coref_scores *s, const ne_coref_inst *in, const int32_t *cl)
{
    if (in->pron < 0 || in->ma < 0 || in->mb < 0) return;
    int pa = cl[in->pron] == cl[in->ma], pb = cl[in->pron] == cl[in->mb];
    int g = in->gender == NE_GENDER_MALE ? 1 : 2;
    for (int k = 0; k < 2; k++) {
        int p = k ? pb : pa, gold = k ? in->b_coref : in->a_coref;
        if (p && gold) { s->gap_tp++; s->gap_g[g][0]++; }
        else if (p) { s->gap_fp++; s->gap_g[g][1]++; }
        else if (gold) { s->gap_fn++; s->gap_g[g][2]++; }
        else s->gap_tn++;
    }
}

static double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

double ne_coref_muc_f1(const ne_coref_scores *s)
{
    return f1(s->muc_pd > 0 ? s->muc_pn / s->muc_pd : 0, s->muc_rd > 0 ? s->muc_rn / s->muc_rd : 0);
}

double ne_coref_b3_f1(const ne_coref_scores *s)
{
    return s->b3_n ? f1(s->b3_p / (double)s->b3_n, s->b3_r / (double)s->b3_n) : 0;
}

double ne_coref_gap_f1(const ne_coref_scores *s, int gender)
{
    double tp, fp, fn;
    if (gender == 0) { tp = (double)s->gap_tp; fp = (double)s->gap_fp; fn = (double)s->gap_fn; }
    else { tp = (double)s->gap_g[gender][0]; fp = (double)s->gap_g[gender][1]; fn = (double)s->gap_g[gender][2]; }
    return f1(tp + fp > 0 ? tp / (tp + fp) : 0, tp + fn > 0 ? tp / (tp + fn) : 0);
}
