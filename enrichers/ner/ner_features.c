/* ner_features — the workspace, the preparation of a document (token
 * attributes, document capitalisation counts, gazetteer matches, tag
 * history, decoding order) and the reference feature extractor.
 *
 * Preparation runs once per document; its token attributes feed both
 * paths of ner_tag.c. ner_sent_features is the extractor the trainer
 * learns with: the tagger's cached path (ner_tag.c) must hash the same
 * features, which is why both build them from the f_* functions of
 * ner_int.h.
 */
#include "enrichers/ner/ner_int.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- characters ------------------------------------------------------- */

/* Character class of the UTF-8 character at s[0]: 'X' upper, 'x' lower,
 * 'd' digit, or the byte itself for ASCII punctuation; Latin-1 letters are
 * classed by case, other non-ASCII characters count as lower-case letters.
 * *adv receives the character's byte length. */
static char char_class(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned c = s[0];
    *adv = 1;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return 'X';
        if (c >= 'a' && c <= 'z') return 'x';
        if (c >= '0' && c <= '9') return 'd';
        return (char)c;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len > n) len = n;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) { len = i; break; }
    *adv = len;
    if (c == 0xc3 && len == 2) {            /* U+00C0..U+00FF */
        unsigned cp = 0xc0 + (s[1] & 0x3f);
        if (cp == 0xd7 || cp == 0xf7) return '*';
        return cp < 0xdf ? 'X' : 'x';
    }
    if (c == 0xe2) return '*';              /* general punctuation, dashes, quotes */
    return 'x';
}

size_t ne_ner_shape(const char *s, size_t len, char *out, size_t cap, int brief)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0, run = 0;
    char last = 0;
    if (cap == 0) return 0;
    while (i < len) {
        size_t adv;
        char c = char_class(p + i, len - i, &adv);
        i += adv;
        run = c == last ? run + 1 : 1;
        last = c;
        if (run > (brief ? 1u : 4u)) continue;
        if (o + 1 < cap) out[o++] = c;
    }
    out[o] = '\0';
    return o;
}

size_t ne_ner_affix_len(const char *s, size_t len, int n, int suffix)
{
    const unsigned char *p = (const unsigned char *)s;
    int seen = 0;
    if (n <= 0) return 0;
    if (!suffix) {
        for (size_t i = 0; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80 && seen++ == n) return i;
        }
        return seen == n ? len : 0;
    }
    for (size_t i = len; i-- > 0;) {
        if ((p[i] & 0xc0) != 0x80 && ++seen == n) return len - i;
    }
    return 0;
}

/* ---- workspace --------------------------------------------------------- */

/* The allowed previous tags of each tag, from tag_allowed. */
static prev_lists make_prev_lists(void)
{
    prev_lists pl;
    memset(&pl, 0, sizeof pl);
    for (int c = 0; c < NT; c++)
        for (int p = 0; p < NT; p++)
            if (tag_allowed(p, c)) pl.p[c][pl.n[c]++] = (uint8_t)p;
    return pl;
}

/* log2 of the type cache entries: 16384 × 320 bytes (5 MiB). News text
 * has some 15,000 distinct tokens in 200 articles; 4096 entries missed
 * 2.5 times as often as 16384. */
#define TC_BITS_DEFAULT 14

/* Groups the tags of ws->prev by identical lists of previous tags
 * (ws->pg, for viterbi). */
static void group_by_prev_list(ne_ner_ws *ws)
{
    for (int c = 0; c < NT; c++) {
        size_t g = 0;
        for (; g < ws->npg; g++)
            if (ws->pg[g].np == ws->prev.n[c] && !memcmp(ws->pg[g].p, ws->prev.p[c], ws->prev.n[c])) break;
        if (g == ws->npg) {
            ws->npg++;
            ws->pg[g].np = ws->prev.n[c];
            memcpy(ws->pg[g].p, ws->prev.p[c], ws->prev.n[c]);
        }
        ws->pg[g].c[ws->pg[g].nc++] = (uint8_t)c;
    }
}

ne_ner_ws *ne_ner_ws_new(void)
{
    ne_ner_ws *ws = ne_xcalloc(1, sizeof *ws);
    ws->tc_bits = TC_BITS_DEFAULT;
    ws->prev = make_prev_lists();
    group_by_prev_list(ws);
    return ws;
}

void ne_ner_ws_free(ne_ner_ws *ws)
{
    if (!ws) return;
    free(ws->ta); free(ws->soff); free(ws->order); free(ws->uncased); free(ws->de);
    ne_map_free(&ws->docmap);
    free(ws->feats); free(ws->foff); free(ws->fend); free(ws->emit); free(ws->bp);
    free(ws->tc); free(ws->vbp); free(ws->memo);
    free(ws);
}

/* Makes room in ws->feats, foff and fend for a sentence of n tokens. */
void ner_sent_buffers(ne_ner_ws *ws, size_t n)
{
    ne_grow(&ws->feats, &ws->cap_feats, n * MAX_FEATS + 1, sizeof *ws->feats);
    ne_grow(&ws->foff, &ws->cap_foff, n + 1, sizeof *ws->foff);
    ne_grow(&ws->fend, &ws->cap_fend, n + 1, sizeof *ws->fend);
}

/* ---- document preparation ---------------------------------------------- */

/* Sets the shape hashes (equal to hash_word of ne_ner_shape's strings,
 * full and brief), capitalisation class and flags of a token in one scan
 * of its bytes. */
static void word_shapes(const char *s, size_t len, tokattr *a)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t hf = NE_FNV64_OFFSET, hb = hf;
    size_t run = 0, nf = 0, nb = 0;
    int first = 0, nup = 0, nlow = 0;
    char last = 0;
    uint8_t f = 0;
    for (size_t i = 0; i < len;) {
        size_t adv;
        char c = char_class(p + i, len - i, &adv);
        i += adv;
        run = c == last ? run + 1 : 1;
        last = c;
        if (run <= 4 && nf < 63) { hf = ne_fnv1a_step(hf, (unsigned char)c); nf++; }
        if (run == 1 && nb < 63) { hb = ne_fnv1a_step(hb, (unsigned char)c); nb++; }
        if (c == 'X' || c == 'x') {
            if (!first) first = c;
            if (c == 'X') nup++; else nlow++;
        } else if (c == 'd') f |= TF_DIGIT;
        else if (c == '-') f |= TF_HYPHEN;
        else if (c == '.') f |= TF_PERIOD;
        else if (c == '\'') f |= TF_APOS;
    }
    hf = ne_mix64(hf);
    hb = ne_mix64(hb);
    a->hshape = hf ? hf : 1;
    a->hbrief = hb ? hb : 1;
    if (nup + nlow) f |= TF_LETTER;
    if (nlow) f |= TF_LOWER;
    a->flags = f;
    a->cap = (uint8_t)(!first ? CAP_NONE : first == 'x' ? (nup ? CAP_MIXED : CAP_LOWER)
                       : nlow == 0 ? (nup == 1 ? CAP_ONE : CAP_ALL) : CAP_INIT);
}

int ner_cap_class(const char *s, size_t len, uint8_t *flags)
{
    tokattr a;
    word_shapes(s, len, &a);
    *flags = a.flags;
    return a.cap;
}

void ner_type_store(ne_ner_ws *ws, typeent *e, const ne_ner_tok *tk, tokattr *a)
{
    e->stamp = a->stamp = ++ws->stamp;
    e->hw = a->hw;
    e->hl = a->hl;
    e->hshape = a->hshape;
    e->hbrief = a->hbrief;
    e->lex = a->lex;
    e->gaz1 = a->gaz1;
    e->cap = a->cap;
    e->flags = a->flags;
    e->len = (uint8_t)tk->len;
    e->summed = 0;
    memcpy(e->key, tk->ptr, tk->len);
}

/* Fills the byte-derived attributes of token tk (a->hw already set) from
 * its type cache entry; returns 0 when the type has none. */
static int type_lookup(const ne_ner_ws *ws, const ne_ner_tok *tk, tokattr *a)
{
    const typeent *e = &ws->tc[a->hw & ws->tc_mask];
    if (e->stamp <= ws->stamp_floor || e->hw != a->hw || e->len != tk->len ||
        memcmp(e->key, tk->ptr, tk->len) != 0)
        return 0;
    a->hl = e->hl;
    a->hshape = e->hshape;
    a->hbrief = e->hbrief;
    a->lex = e->lex;
    a->gaz1 = e->gaz1;
    a->cap = e->cap;
    a->flags = e->flags;
    a->stamp = e->stamp;
    return 1;
}

/* Computes the byte-derived attributes of token tk (a->hw already set):
 * folded hash, shapes, lexicon value and, for the type cache, its
 * one-word gazetteer value. */
static void token_attributes(const ne_ner_ws *ws, const ner_tables *tab, const ne_ner_tok *tk,
                             tokattr *a)
{
    a->hl = hash_word(tk->ptr, tk->len, 1);
    word_shapes(tk->ptr, tk->len, a);
    const uint64_t *lv = ne_map_get(&tab->lex, a->hl);
    a->lex = lv ? *lv : 0;
    if (ws->use_tc) {
        const uint64_t *gv = ne_map_get(&tab->gaz, a->hl);
        a->gaz1 = gv ? *gv : 0;
    }
}

/* Counts the capitalised and lower-case occurrences of the words of
 * sentence s. Capitalisation is evidence only in cased sentences and away
 * from the sentence start, where English capitalises everything. */
static void count_capitalisation(ne_ner_ws *ws, size_t s, size_t ntoks)
{
    for (size_t i = 1; !ws->uncased[s] && i < ntoks; i++) {
        tokattr *a = &ws->ta[ws->soff[s] + i];
        if (a->cap == CAP_LOWER) ws->de[a->de].low++;
        else if (a->cap == CAP_INIT || a->cap == CAP_ALL || a->cap == CAP_ONE) ws->de[a->de].capmid++;
    }
}

/* True for the lower-case words that may sit inside a name between
 * capitalised ones ("Bank of America", "Procter & Gamble"). */
static int name_link(const ne_ner_tok *tk, const tokattr *a)
{
    static const char *const links[] = { "of", "&", "and", "for", "de", "the", "on", "du", "van", "von", "al" };
    if (a->cap != CAP_LOWER && !(tk->len == 1 && tk->ptr[0] == '&')) return 0;
    for (size_t i = 0; i < sizeof links / sizeof *links; i++)
        if (tk->len == strlen(links[i]) && !memcmp(tk->ptr, links[i], tk->len)) return 1;
    return 0;
}

/* FF_NAMEPAT: marks the name runs of a sentence (tokens ta[0..n)): a run
 * is a stretch of capitalised words, linked by name_link words between
 * capitalised ones; each of its tokens gets its place in the run and the
 * keyword classes (LEX_KW) of the run's first and last words, so "Mayo"
 * learns from the "Clinic" after it and "Ministry" from its "of Defence".
 * In a line in capitals (uncased), where every word is capitalised, the
 * words the lexicon knows as lower-case (caplex buckets 2, 3) break runs
 * instead; the features keep the uncased bit apart. O(n). */
static int name_word(const tokattr *a, int uncased)
{
    if (!(a->flags & TF_LETTER) || a->cap == CAP_LOWER || a->cap == CAP_NONE) return 0;
    /* in capitals, a word the lexicon knows as lower-case is no name word */
    return !uncased || (LEX_CAPB(a->lex) != 2 && LEX_CAPB(a->lex) != 3);
}

static void name_runs(tokattr *ta, const ne_ner_tok *toks, size_t n, int uncased)
{
    size_t i = 0;
    while (i < n) {
        if (!name_word(&ta[i], uncased)) { ta[i].pat = 0; i++; continue; }
        size_t j = i + 1;   /* run [i, j) */
        for (;;) {
            size_t k = j;
            while (k < n && k < j + 2 && name_link(&toks[k], &ta[k])) k++;
            if (k < n && name_word(&ta[k], uncased))
                j = k + 1;
            else
                break;
        }
        uint8_t kw = (uint8_t)(LEX_KW(ta[i].lex) << 4 | LEX_KW(ta[j - 1].lex));
        for (size_t k = i; k < j; k++) {
            ta[k].pat = (uint8_t)(1 + (j - i == 1 ? 3 : k == i ? 0 : k + 1 == j ? 2 : 1));
            ta[k].patkw = kw;
        }
        i = j;
    }
}

/* ws->order: the sentences in order, or with `cased_first` the cased ones
 * first and then those without lower-case letters. */
static void set_decoding_order(ne_ner_ws *ws, int cased_first)
{
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = 0; s < ws->nsents; s++)
            if (!cased_first ? pass == 0 : ws->uncased[s] == pass) ws->order[k++] = s;
}

void ner_doc_begin(ne_ner_ws *ws, const ner_tables *tab, const ne_ner_sent *sents,
                   size_t nsents, int fold, uint32_t fs)
{
    size_t n = 0;
    for (size_t s = 0; s < nsents; s++) n += sents[s].ntoks;
    ne_grow(&ws->ta, &ws->cap_tok, n + 1, sizeof *ws->ta);
    ne_grow(&ws->soff, &ws->cap_sent, nsents + 1, sizeof *ws->soff);
    ne_grow(&ws->uncased, &ws->cap_unc, nsents + 1, sizeof *ws->uncased);
    ne_grow(&ws->order, &ws->cap_order, nsents + 1, sizeof *ws->order);
    ne_map_reset(&ws->docmap, n + 1);
    ne_grow(&ws->de, &ws->cap_de, n + 1, sizeof *ws->de);
    ws->nde = 0;
    ws->nsents = nsents;
    ws->ntoks = n;

    /* The exact-word hashes first, each token's type cache entry
     * prefetched: the entries are spread over megabytes, so the lookups
     * below would otherwise wait on memory one after another. */
    size_t g = 0;
    for (size_t s = 0; s < nsents; s++) {
        for (size_t i = 0; i < sents[s].ntoks; i++, g++) {
            const ne_ner_tok *tk = &sents[s].toks[i];
            tokattr *a = &ws->ta[g];
            memset(a, 0, sizeof *a);
            a->hw = hash_word(tk->ptr, tk->len, 0);
            if (ws->use_tc) __builtin_prefetch(&ws->tc[a->hw & ws->tc_mask]);
        }
    }
    g = 0;
    for (size_t s = 0; s < nsents; s++) {
        int lower_seen = 0, title = (fs & FF_TITLECASE) != 0, lower_word = 0;
        ws->soff[s] = g;
        for (size_t i = 0; i < sents[s].ntoks; i++, g++) {
            const ne_ner_tok *tk = &sents[s].toks[i];
            tokattr *a = &ws->ta[g];
            int cacheable = ws->use_tc && tk->len <= TE_KEYMAX;
            if (!cacheable || !type_lookup(ws, tk, a)) {
                token_attributes(ws, tab, tk, a);
                if (cacheable) ner_type_store(ws, &ws->tc[a->hw & ws->tc_mask], tk, a);
            }
            if (a->flags & TF_LOWER) lower_seen = 1;
            if (title && (a->flags & TF_LETTER) && tk->len >= 4) {
                if (a->cap != CAP_INIT && a->cap != CAP_ALL && a->cap != CAP_ONE) title = 0;
                else if (i > 0 && (LEX_CAPB(a->lex) == 2 || LEX_CAPB(a->lex) == 3)) lower_word = 1;
            }
            uint64_t *slot = ne_map_put(&ws->docmap, a->hl);
            if (!*slot) {
                memset(&ws->de[ws->nde], 0, sizeof ws->de[0]);
                *slot = ++ws->nde;
            }
            a->de = (uint32_t)(*slot - 1);
        }
        ws->uncased[s] = !lower_seen || (title && lower_word);
        if (fs & FF_NAMEPAT) name_runs(&ws->ta[ws->soff[s]], sents[s].toks, sents[s].ntoks, ws->uncased[s]);
        count_capitalisation(ws, s, sents[s].ntoks);
        ner_mark_gazetteer(ws, tab, ws->soff[s], g, fold);
    }
    ws->soff[nsents] = g;
    set_decoding_order(ws, (fs & FF_CASED_FIRST) != 0);
}

void ner_doc_record(ne_ner_ws *ws, size_t s, const uint8_t *tags)
{
    for (size_t g = ws->soff[s]; g < ws->soff[s + 1]; g++) {
        const tokattr *a = &ws->ta[g];
        if (!(a->flags & TF_LETTER) || a->cap == CAP_LOWER) continue;
        uint8_t t = tags[g - ws->soff[s]];
        docent *d = &ws->de[a->de];
        int k = t ? 1 + (int)NE_NER_TAG_TYPE(t) : 0;
        if (d->hist[k] < 0xffff) d->hist[k]++;
    }
}

/* ---- feature extraction ------------------------------------------------ */

/* The prefix and suffix byte lengths of 1..4 characters of a token
 * (pl[j] == ne_ner_affix_len(s, len, j, 0), sl[j] == ne_ner_affix_len(s,
 * len, j, 1)) and the folded hashes of the prefixes (ph[j] ==
 * hash_word(s, pl[j], 1) where pl[j] is non-zero), in one scan each way:
 * the prefix hashes are snapshots of one running FNV state. */
static void affixes(const char *s, size_t len, size_t pl[5], size_t sl[5], uint64_t ph[5])
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = NE_FNV64_OFFSET;
    int seen = 0;
    for (int j = 0; j < 5; j++) pl[j] = sl[j] = 0, ph[j] = 0;
    size_t i = 0;
    for (; i < len; i++) {
        unsigned char c = p[i];
        if ((c & 0xc0) != 0x80) {
            /* a character starts at i: the prefix of `seen` characters ends here */
            if (seen >= 1 && seen <= 4) {
                uint64_t m = ne_mix64(h);
                pl[seen] = i;
                ph[seen] = m ? m : 1;
            }
            if (seen++ == 4) break;
        }
        h = ne_fnv1a_step(h, fold_byte(c));
    }
    if (i == len && seen >= 1 && seen <= 4) {   /* the whole token is `seen` characters */
        uint64_t m = ne_mix64(h);
        pl[seen] = len;
        ph[seen] = m ? m : 1;
    }
    seen = 0;
    for (size_t k = len; k-- > 0;) {
        if ((p[k] & 0xc0) != 0x80) {
            sl[++seen] = len - k;
            if (seen == 4) break;
        }
    }
}

/* The prefix and suffix features of a token, from affixes(). */
size_t ner_affix_feats(const ne_ner_tok *tk, uint32_t row_mask, uint32_t *f)
{
    uint64_t ph[5];
    size_t pl[5], sl[5], k = 0;
    affixes(tk->ptr, tk->len, pl, sl, ph);
    for (int j = 1; j <= 4; j++) {
        if (pl[j] && pl[j] < tk->len) f[k++] = (uint32_t)fh2(T_PRE, ph[j], (uint64_t)j) & row_mask;
        if (sl[j] && sl[j] < tk->len)
            f[k++] = (uint32_t)fh2(T_SUF, hash_word(tk->ptr + tk->len - sl[j], sl[j], 1), (uint64_t)j) & row_mask;
    }
    return k;
}

const tokattr ner_edge_attr = { .hw = 0x1111, .hl = 0x2222, .hshape = 0x3333,
                                .hbrief = 0x4444, .cap = CAP_NONE };

void ner_sent_features(ne_ner_ws *ws, uint32_t row_mask, uint32_t fs,
                       const ne_ner_sent *sent, size_t s)
{
    size_t n = sent->ntoks, base = ws->soff[s];
    ner_sent_buffers(ws, n);
    uint32_t *f = ws->feats;
    size_t k = 0;
    uint64_t unc = ws->uncased[s];
    uint64_t slen = n == 1 ? 1 : n == 2 ? 2 : n <= 4 ? 3 : n <= 8 ? 4 : 5;
#define EMIT(h) (f[k++] = (uint32_t)(h) & row_mask)
    for (size_t i = 0; i < n; i++) {
        const tokattr *a = &ws->ta[base + i];
        const tokattr *m1 = i >= 1 ? a - 1 : &ner_edge_attr, *m2 = i >= 2 ? a - 2 : &ner_edge_attr;
        const tokattr *p1 = i + 1 < n ? a + 1 : &ner_edge_attr, *p2 = i + 2 < n ? a + 2 : &ner_edge_attr;
        uint64_t init = i == 0, ctx = init | unc << 1;
        ws->foff[i] = (uint32_t)k;

        EMIT(f_bias());
        EMIT(f_w(a));
        EMIT(f_lw(a));
        EMIT(f_winit(a, ctx));
        if (fs & FF_AFFIX) k += ner_affix_feats(&sent->toks[i], row_mask, f + k);
        if (fs & FF_SHAPE) {
            EMIT(f_shape(a));
            EMIT(f_brief(a, ctx));
            EMIT(f_cap(a, ctx));
            EMIT(f_flags(a));
            EMIT(f_cap3(m1, a, p1, ctx));
        }
        if (fs & FF_CTX) {
            EMIT(f_lwm1(m1));
            EMIT(f_lwp1(p1));
            EMIT(f_lwm2(m2));
            EMIT(f_lwp2(p2));
            EMIT(f_brm1(m1));
            EMIT(f_brp1(p1));
            EMIT(f_br3(m1, a, p1));
            EMIT(f_bim1(m1, a));
            EMIT(f_bip1(a, p1));
        }
        if (fs & FF_POS) {
            EMIT(f_pos(a, init, i + 1 == n));
            EMIT(f_slen(a, slen));
        }
        if (fs & FF_GAZ) {
            for (int t = 0; t < 4; t++) {
                if (a->gaz[t]) {
                    EMIT(f_gaz(a, t));
                    EMIT(f_gazcap(a, t));
                }
                if (m1->gaz[t]) EMIT(f_gazm1(m1, t));
                if (p1->gaz[t]) EMIT(f_gazp1(p1, t));
            }
        }
        if (fs & FF_CAPLEX) {
            EMIT(f_caplex(a, ctx));
            EMIT(f_caplexm1(m1, a, ctx));
            EMIT(f_caplexp1(p1, a, ctx));
        }
        if (fs & FF_CLUSTER) {
            for (int c = 0; c < LEX_NCL; c++) {
                if (LEX_CL(a->lex, c)) {
                    EMIT(f_cl(a, c));
                    EMIT(f_clcap(a, c));
                }
                if (LEX_CL(m1->lex, c)) EMIT(f_clm1(m1, c));
                if (LEX_CL(p1->lex, c)) EMIT(f_clp1(p1, c));
            }
        }
        if ((fs & FF_DOCCAP) && (a->flags & TF_LETTER))
            EMIT(f_doccap(&ws->de[a->de], a, ctx));
        if ((fs & FF_NAMEPAT) && a->pat) EMIT(f_namepat(a, unc));
        if (fs & FF_XGAZ)
            for (int l = 0; l < NXL; l++)
                if (a->xgaz[l]) {
                    EMIT(f_xgaz(a, l));
                    EMIT(f_xgazcap(a, l, unc));
                }
        if ((fs & FF_HIST) && (a->flags & TF_LETTER) && a->cap != CAP_LOWER) {
            const docent *d = &ws->de[a->de];
            EMIT(f_hist(d, ctx));
            for (unsigned t = 1; t < 5; t++)
                if (d->hist[t]) EMIT(f_histany(d, t));
        }
    }
#undef EMIT
    ws->foff[n] = (uint32_t)k;
}
