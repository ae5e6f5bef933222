/* ner_viterbi — decoding: the best tag sequence of a sentence under the
 * allowed transitions (tag_allowed), from the emission scores in
 * ws->emit. Two decoders give the same paths: the generic one over the
 * groups of tags that share their allowed predecessors (the reference
 * path's), and one specialised to the BILOU layout, four tags per vector
 * (the cached path's).
 */
#include "enrichers/ner/ner_int.h"

#include "common/xalloc.h"

#include <string.h>

/* ---- the reference decoder --------------------------------------------- */

/* Viterbi over allowed transitions; writes n tags. Path scores are
 * re-based on each step so long sentences cannot overflow; a start state
 * that is not allowed gets NEG, far below any real path yet far from
 * int32 overflow, and every state is reachable again after one step, so
 * the loop needs no special case (and the max compiles to conditional
 * moves, not branches the CPU mispredicts). */
void ner_viterbi(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out)
{
    enum { NEG = -(1 << 29) };
    int32_t cur[NT], nxt[NT];
    if (n == 0) return;
    ne_grow(&ws->bp, &ws->cap_bp, n * NT, 1);
    for (int t = 0; t < NT; t++)
        cur[t] = tag_allowed(NT, t) ? m->trans[NT][t] + ws->emit[t] : NEG;
    /* Vectorised over the tags of a group (see prev_group), four lanes at
     * a time: tv[g][j][l] is the transition weight from the group's j-th
     * previous tag to its l-th tag. Each tag scans its previous tags in
     * prev_lists order and keeps the first best (strict >), as a scalar
     * loop over prev.p[c] does, so the paths are the same. */
    v4i tv[NT][NT][NT / 4 + 1];
    for (size_t g = 0; g < ws->npg; g++) {
        const prev_group *pg = &ws->pg[g];
        for (int j = 0; j < pg->np; j++)
            for (int l = 0; l < 4 * ((pg->nc + 3) / 4); l++)
                tv[g][j][l / 4][l % 4] = l < pg->nc ? m->trans[pg->p[j]][pg->c[l]] : 0;
    }
    for (size_t i = 1; i < n; i++) {
        int32_t best_all = INT32_MIN;
        const int32_t *emit = ws->emit + i * NT;
        uint8_t *bp = ws->bp + i * NT;
        for (size_t g = 0; g < ws->npg; g++) {
            const prev_group *pg = &ws->pg[g];
            int np = pg->np, nv = (pg->nc + 3) / 4;
            for (int q = 0; q < nv; q++) {
                v4i best = {INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN}, bj = {0, 0, 0, 0};
                for (int j = 0; j < np; j++) {
                    int32_t pc = cur[pg->p[j]];
                    v4i v = (v4i){pc, pc, pc, pc} + tv[g][j][q];
                    v4i take = v > best;
                    best = (v & take) | (best & ~take);
                    bj = ((v4i){j, j, j, j} & take) | (bj & ~take);
                }
                for (int l = 0; l < 4 && 4 * q + l < pg->nc; l++) {
                    int c = pg->c[4 * q + l];
                    bp[c] = np ? pg->p[bj[l]] : 0;
                    nxt[c] = best[l] + emit[c];
                    best_all = nxt[c] > best_all ? nxt[c] : best_all;
                }
            }
        }
        for (int c = 0; c < NT; c++) cur[c] = nxt[c] - best_all;
    }
    int bt = 0;
    int32_t best = INT32_MIN;
    for (int t = 0; t < NT; t++) {
        if (!tag_end_allowed(t)) continue;
        if (cur[t] + m->endw[t] > best) { best = cur[t] + m->endw[t]; bt = t; }
    }
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)bt;
        if (i) bt = ws->bp[i * NT + bt];
    }
}

/* ---- Viterbi for the BILOU tag set, four tags per vector ---------------
 *
 * tag_allowed gives two kinds of tag: O, B-x and U-x (9 tags) may follow
 * O, L-y and U-y (9 tags), and I-x and L-x may follow B-x and I-x only.
 * The state is kept in five vectors, tags grouped by kind:
 *   V0 O B-PER U-PER B-ORG   V1 U-ORG B-LOC U-LOC B-MISC   V2 U-MISC - - -
 *   V3 I-PER L-PER I-ORG L-ORG   V4 I-LOC L-LOC I-MISC L-MISC
 * so a step is nine broadcast-add-compare rounds over V0-V2 and one
 * over V3 and V4, against some 35 generic ones. The previous tags are
 * scanned in ascending order keeping the first best (strict >), as
 * ner_viterbi() does, so the paths are the same.
 *
 * Back-pointers are not tracked per lane (a select per previous tag and
 * vector, over half of a step on SSE2): each step's state vectors are
 * kept instead, and the back-trace finds the predecessor of the one tag
 * it follows by the same sums, in the same order, with the same strict
 * > (vbilou_prev): 9 or 2 scalar sums a token against 57 vector selects
 * a token (callgrind, first 300 bench articles: the decoder 106.6 M ->
 * 82.7 M instructions). */
#define VL 20   /* lanes, V2's three unused included */
static const uint8_t vlane_tag[VL] = { 0, 1, 4, 5, 8, 9, 12, 13, 16, 0, 0, 0,
                                       2, 3, 6, 7, 10, 11, 14, 15 };
static const uint8_t vtag_lane[NT] = { 0, 1, 12, 13, 2, 3, 14, 15, 4, 5, 16, 17, 6, 7, 18, 19, 8 };
/* The predecessors of O, B and U, ascending. */
static const uint8_t vout_prev[9] = { 0, 3, 4, 7, 8, 11, 12, 15, 16 };

int ner_bilou_layout_holds(const prev_lists *pl)
{
    for (int c = 0; c < NT; c++) {
        int outside = c == 0 || NE_NER_TAG_POS(c) == NE_NER_B || NE_NER_TAG_POS(c) == NE_NER_U;
        if (outside) {
            if (pl->n[c] != 9 || memcmp(pl->p[c], vout_prev, 9) != 0) return 0;
        } else {
            int b = NE_NER_TAG(NE_NER_TAG_TYPE(c), NE_NER_B);
            if (pl->n[c] != 2 || pl->p[c][0] != b || pl->p[c][1] != b + 1) return 0;
        }
    }
    return 1;
}

void ner_bilou_transitions(const ne_ner_model *m, ne_ner_ws *ws)
{
    for (int j = 0; j < 9; j++)
        for (int l = 0; l < 12; l++)
            ws->vt_out[j][l / 4][l % 4] = l < 9 ? m->trans[vout_prev[j]][vlane_tag[l]] : 0;
    for (int l = 0; l < 8; l++) {
        int c = vlane_tag[12 + l], b = NE_NER_TAG(NE_NER_TAG_TYPE(c), NE_NER_B);
        ws->vt_in_b[l / 4][l % 4] = m->trans[b][c];
        ws->vt_in_i[l / 4][l % 4] = m->trans[b + 1][c];
    }
}

#define SPLAT(v, l) __builtin_shufflevector((v), (v), (l), (l), (l), (l))
static inline v4i vsel(v4i take, v4i a, v4i b) { return (a & take) | (b & ~take); }
static inline v4i vmax(v4i a, v4i b) { return vsel(a > b, a, b); }

/* The predecessor of tag c given the previous step's state st (lanes),
 * as the forward pass chose it: the first best of the previous tags in
 * ascending order. Written out tag by tag, so the lanes and rows are
 * constants: as a loop over vout_prev it cost some 125 instructions a
 * token and gave back most of what the forward pass saved. */
static inline void vprev_try(const ne_ner_model *m, const int32_t *st, int c, int p,
                             int32_t *best, int *g)
{
    int32_t v = st[vtag_lane[p]] + m->trans[p][c];
    if (v > *best) *best = v, *g = p;
}

static int vbilou_prev(const ne_ner_model *m, const int32_t *st, int c)
{
    if (c == 0 || NE_NER_TAG_POS(c) == NE_NER_B || NE_NER_TAG_POS(c) == NE_NER_U) {
        _Static_assert(sizeof vout_prev == 9, "vbilou_prev: the nine tags of vout_prev");
        int g = vout_prev[0];
        int32_t best = st[vtag_lane[g]] + m->trans[g][c];
        vprev_try(m, st, c, vout_prev[1], &best, &g); vprev_try(m, st, c, vout_prev[2], &best, &g);
        vprev_try(m, st, c, vout_prev[3], &best, &g); vprev_try(m, st, c, vout_prev[4], &best, &g);
        vprev_try(m, st, c, vout_prev[5], &best, &g); vprev_try(m, st, c, vout_prev[6], &best, &g);
        vprev_try(m, st, c, vout_prev[7], &best, &g); vprev_try(m, st, c, vout_prev[8], &best, &g);
        return g;
    }
    int b = NE_NER_TAG(NE_NER_TAG_TYPE(c), NE_NER_B);
    return st[vtag_lane[b + 1]] + m->trans[b + 1][c] > st[vtag_lane[b]] + m->trans[b][c] ? b + 1 : b;
}

void ner_viterbi_bilou(const ne_ner_model *m, ne_ner_ws *ws, size_t n, uint8_t *out)
{
    enum { NEG = -(1 << 29) };
    if (n == 0) return;
    ne_grow(&ws->vbp, &ws->cap_vbp, n * VL, sizeof *ws->vbp);
    int32_t cl[VL];
    for (int l = 0; l < VL; l++) {
        int t = vlane_tag[l];
        cl[l] = l >= 9 && l < 12 ? 0 : tag_allowed(NT, t) ? m->trans[NT][t] + ws->emit[t] : NEG;
    }
    v4i c0, c1, c2, c3, c4;
    memcpy(&c0, cl, 16); memcpy(&c1, cl + 4, 16); memcpy(&c2, cl + 8, 16);
    memcpy(&c3, cl + 12, 16); memcpy(&c4, cl + 16, 16);
    const v4i (*to)[3] = ws->vt_out;
    for (size_t i = 1; i < n; i++) {
        int32_t *st = ws->vbp + (i - 1) * VL;    /* the state step i starts from */
        memcpy(st, &c0, 16); memcpy(st + 4, &c1, 16); memcpy(st + 8, &c2, 16);
        memcpy(st + 12, &c3, 16); memcpy(st + 16, &c4, 16);
        const int32_t *e = ws->emit + i * NT;
        v4i a0, a1, a2, a3;
        memcpy(&a0, e, 16); memcpy(&a1, e + 4, 16); memcpy(&a2, e + 8, 16); memcpy(&a3, e + 12, 16);
        v4i e0 = __builtin_shufflevector(a0, a1, 0, 1, 4, 5);
        v4i e1 = __builtin_shufflevector(a2, a3, 0, 1, 4, 5);
        v4i e2 = {e[16], 0, 0, 0};
        v4i e3 = __builtin_shufflevector(a0, a1, 2, 3, 6, 7);
        v4i e4 = __builtin_shufflevector(a2, a3, 2, 3, 6, 7);

        /* O, B, U: the first previous tag (O) sets the best, the others
         * replace it where strictly better */
        v4i p = SPLAT(c0, 0);
        v4i b0 = p + to[0][0], b1 = p + to[0][1], b2 = p + to[0][2];
#define OUT_PREV(j, vec, lane)                                               \
        do {                                                                 \
            v4i pj = SPLAT(vec, lane);                                       \
            b0 = vmax(pj + to[j][0], b0);                                    \
            b1 = vmax(pj + to[j][1], b1);                                    \
            b2 = vmax(pj + to[j][2], b2);                                    \
        } while (0)
        OUT_PREV(1, c3, 1);   /* L-PER */
        OUT_PREV(2, c0, 2);   /* U-PER */
        OUT_PREV(3, c3, 3);   /* L-ORG */
        OUT_PREV(4, c1, 0);   /* U-ORG */
        OUT_PREV(5, c4, 1);   /* L-LOC */
        OUT_PREV(6, c1, 2);   /* U-LOC */
        OUT_PREV(7, c4, 3);   /* L-MISC */
        OUT_PREV(8, c2, 0);   /* U-MISC */
#undef OUT_PREV
        /* I, L: after B (first) or I of their type */
        v4i x3 = __builtin_shufflevector(c0, c0, 1, 1, 3, 3) + ws->vt_in_b[0];
        v4i y3 = __builtin_shufflevector(c3, c3, 0, 0, 2, 2) + ws->vt_in_i[0];
        v4i x4 = __builtin_shufflevector(c1, c1, 1, 1, 3, 3) + ws->vt_in_b[1];
        v4i y4 = __builtin_shufflevector(c4, c4, 0, 0, 2, 2) + ws->vt_in_i[1];
        v4i b3 = vmax(y3, x3), b4 = vmax(y4, x4);

        b0 += e0; b1 += e1; b2 += e2; b3 += e3; b4 += e4;
        v4i mx = vmax(vmax(b0, b1), vmax(b3, b4));
        mx = vmax(mx, __builtin_shufflevector(mx, mx, 2, 3, 0, 1));
        mx = vmax(mx, __builtin_shufflevector(mx, mx, 1, 0, 3, 2));
        int32_t best_all = mx[0] > b2[0] ? mx[0] : b2[0];
        v4i ba = {best_all, best_all, best_all, best_all};
        c0 = b0 - ba; c1 = b1 - ba; c2 = b2 - ba; c3 = b3 - ba; c4 = b4 - ba;
    }
    memcpy(cl, &c0, 16); memcpy(cl + 4, &c1, 16); memcpy(cl + 8, &c2, 16);
    memcpy(cl + 12, &c3, 16); memcpy(cl + 16, &c4, 16);
    int bt = 0;
    int32_t best = INT32_MIN;
    for (int t = 0; t < NT; t++) {
        if (!tag_end_allowed(t)) continue;
        int32_t v = cl[vtag_lane[t]] + m->endw[t];
        if (v > best) { best = v; bt = t; }
    }
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)bt;
        if (i) bt = vbilou_prev(m, ws->vbp + (i - 1) * VL, bt);
    }
}
