/* quotes_rank — the learned speaker ranker (quotes_int.h): for each
 * statement the mentions near it that could be its speaker, their hashed
 * features, and the choice by a linear model (an averaged perceptron
 * trained on PolNeAR train's source spans by tools/speakers_train.c,
 * `make speakers-train`; the weights are models/speakers.model, built into
 * the library by quotes_model.c).
 *
 * Candidates of a statement (at most QT_MAXC):
 *   C_SUBJ   the speech verb's subject the frame found ("…," X said)
 *   C_PREVM  the nearest person/organisation mention before the statement
 *            (same or previous paragraph, outside quotations)
 *   C_NEXTM  the nearest one after it (same paragraph): "…," said X; a
 *            speaker named in the next sentence
 *   C_PREVP  the nearest subject pronoun before it (he, she, they, it)
 *   C_NEXTP  the nearest subject pronoun after it ("…," he said)
 *   C_PREVS  the speaker of the previous statement (continuations across
 *            paragraphs)
 *   C_NONE   nobody: speaker null (only without a frame's subject)
 * A candidate is resolved as before (quotes_speakers.c): a mention is its
 * entity, he/she the nearest compatible person, it/they the last
 * non-person speaker, a description the person with that role; the
 * coreference module will replace that resolution.
 *
 * Features (templates, each conjoined with the candidate's source):
 * phrase kind; statement kind and whether it floats; whether a frame gave
 * a subject and its kind; token distance (bucketed); paragraph distance;
 * the resolved entity's type; whether it agrees with the subject's and
 * with the previous speaker's entity; the token classes just before and
 * after the phrase (determiner, preposition, cue, comma, possessive,
 * quote, stop); what lies between the phrase and the statement (a quote,
 * a stop, a cue, word count); the entity's salience; the cue's class.
 */
#include "enrichers/quotes/quotes_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model -------------------------------------------------------------- */

static float g_weights[1u << QT_SPK_BITS];
static int g_loaded;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* Parses the model text: "# comment" lines, then "index weight" lines.
 * Returns the number of weights read. */
size_t qt_spk_model_parse(const char *text, float *w, size_t nw)
{
    size_t n = 0;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        if (*p != '#') {
            char *e;
            unsigned long idx = strtoul(p, &e, 10);
            if (e != p && *e == ' ') {
                float v = strtof(e + 1, NULL);
                if (idx < nw) { w[idx] = v; n++; }
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void load_model(void)
{
    g_loaded = qt_spk_model_parse(ne_speakers_model_text, g_weights, 1u << QT_SPK_BITS) > 0;
}

const float *qt_spk_weights(void)
{
    pthread_once(&g_once, load_model);
    return g_loaded ? g_weights : NULL;
}

/* ---- features ----------------------------------------------------------------- */

static inline uint32_t fh(uint32_t t, uint32_t src, int64_t a, int64_t b)
{
    uint64_t x = ((uint64_t)t << 56) ^ ((uint64_t)src << 48) ^ ((uint64_t)(a & 0xFFFFFF) << 24) ^
                 (uint64_t)(b & 0xFFFFFF);
    return (uint32_t)(ne_mix64(x + 0x9E3779B97F4A7C15ULL) & ((1u << QT_SPK_BITS) - 1));
}

static int bucket(uint32_t d)
{
    return d == 0 ? 0 : d == 1 ? 1 : d == 2 ? 2 : d <= 4 ? 3 : d <= 8 ? 4 : d <= 16 ? 5 : d <= 32 ? 6 : 7;
}

/* The class of token i for the context templates. */
static int ctx_class(const ne_quotes_ws *ws, int64_t i)
{
    if (i < 0 || (size_t)i >= ws->t->ntoks) return 0;
    const ne_token *k = tok(ws, (size_t)i);
    uint32_t c = ws->ti[i].cls;
    if (k->kind == NE_TOK_QUOTE) return 1;
    if (is_stop_any(ws, (size_t)i)) return 2;
    if (tok_is(ws, (size_t)i, ",")) return 3;
    if (tok_is(ws, (size_t)i, ":")) return 4;
    if (is_dash(ws, (size_t)i)) return 5;
    if (c & L_ACCORD) return 6;
    if ((c & L_CUE) && !(c & L_BELIEF)) return (c & L_ING) ? 7 : 8;
    if (c & L_DET) return 9;
    if (c & L_POSS) return 10;
    if (c & L_PREP) return 11;
    if (c & L_BE) return 12;
    if (c & L_CONJ) return 13;
    if (c & (L_THAT | L_REL)) return 14;
    if (c & L_BELIEF) return 15;
    if (c & L_SKIP) return 16;
    if (ws->ti[i].ent >= 0) return 17;
    if (k->kind == NE_TOK_WORD && (k->flags & NE_TF_CAP)) return 18;
    return 19;
}

static int poss_after(const ne_quotes_ws *ws, uint32_t end)
{
    if (end == 0 || end > ws->t->ntoks) return 0;
    const ne_token *k = tok(ws, end - 1);
    const char *s = ws->t->s + k->start;
    size_t n = k->end - k->start;
    return (n > 2 && s[n - 1] == 's' && s[n - 2] == '\'') ||
           (n > 4 && s[n - 1] == 's' && memcmp(s + n - 4, "\xE2\x80\x99", 3) == 0);
}

/* The statement's first token and one past its last. */
static void stmt_bounds(const ne_quotes_ws *ws, const stmt *s, uint32_t *b, uint32_t *e)
{
    if (s->kind == NE_QUOTE_DIRECT && s->rq >= 0) {
        *b = ws->rq[s->rq].open;
        int32_t tail = qt_chain_tail(ws, s->rq);
        *e = ws->rq[tail].closed ? ws->rq[tail].close + 1 : para_end(ws, ws->rq[tail].open);
    } else {
        *b = s->cbeg;
        *e = s->cend;
    }
}

/* A key of the statement's cue word (folded), 24 bits. */
static uint32_t cue_word_key(const ne_quotes_ws *ws, const stmt *s)
{
    const ne_token *ck = tok(ws, (size_t)s->cue);
    char buf[WORD_MAX];
    size_t len = qt_fold_word(ws->t->s + ck->start, ck->end - ck->start, buf);
    return len ? (uint32_t)(qt_word_hash(buf, len) & 0xFFFFFF) : 0;
}

size_t qt_cand_features(const ne_quotes_ws *ws, size_t si, const qt_cand *c, size_t nc, size_t ci, uint32_t *f)
{
    const stmt *s = &ws->st[si];
    const qt_cand *k = &c[ci];
    uint32_t S = k->src;
    size_t n = 0;
    int32_t subj_ent = -2, prev_ent = -2;
    for (size_t j = 0; j < nc; j++) {
        if (c[j].src == C_SUBJ && c[j].has_speaker) subj_ent = c[j].ent;
        if (c[j].src == C_PREVS && c[j].has_speaker) prev_ent = c[j].ent;
    }
    int cuecls = s->cue < 0 ? 0 : (ws->ti[s->cue].cls & L_ACCORD) ? 1 : (ws->ti[s->cue].cls & L_PART) ? 2
               : (ws->ti[s->cue].cls & L_ING) ? 3 : 4;
    f[n++] = fh(1, S, 0, 0);
    f[n++] = fh(2, S, k->kind, 0);
    f[n++] = fh(3, S, s->kind, s->floating);
    f[n++] = fh(4, S, s->subj.kind, 0);
    f[n++] = fh(5, S, cuecls, s->kind);
    if (S == C_NONE) {
        f[n++] = fh(6, S, nc, s->subj.kind != NP_NONE);
        return n;
    }
    f[n++] = fh(6, S, k->has_speaker, k->ent >= 0 ? (int)ws->doc->entities[k->ent].type : -1);
    f[n++] = fh(7, S, subj_ent == -2 ? 2 : subj_ent == k->ent && k->ent >= 0, 0);
    f[n++] = fh(8, S, prev_ent == -2 ? 2 : prev_ent == k->ent && k->ent >= 0, s->floating);
    f[n++] = fh(9, S, k->ent >= 0 ? bucket((uint32_t)ws->doc->entities[k->ent].nmentions) : -1, 0);
    if (S == C_PREVS) {
        f[n++] = fh(10, S, bucket(k->dist), s->floating);
        return n;
    }
    uint32_t qb, qe;
    stmt_bounds(ws, s, &qb, &qe);
    int before = k->end <= qb;
    uint32_t d = before ? qb - k->end : k->beg >= qe ? k->beg - qe : 0;
    uint32_t pd = tok(ws, qb)->para > tok(ws, k->head)->para ? tok(ws, qb)->para - tok(ws, k->head)->para : 0;
    f[n++] = fh(11, S, bucket(d), before);
    f[n++] = fh(12, S, k->kind, bucket(d));
    f[n++] = fh(13, S, pd > 3 ? 3 : pd, s->floating);
    int pa = poss_after(ws, k->end);
    f[n++] = fh(14, S, ctx_class(ws, (int64_t)k->end), pa);
    f[n++] = fh(15, S, ctx_class(ws, (int64_t)k->beg - 1), 0);
    f[n++] = fh(16, S, ctx_class(ws, (int64_t)k->beg - 1), ctx_class(ws, (int64_t)k->end));
    /* between the phrase and the statement */
    uint32_t gb = before ? k->end : qe, ge = before ? qb : k->beg;
    int quote = 0, stop = 0, cue = 0, words = 0;
    for (uint32_t i = gb; i < ge && i < gb + 40; i++) {
        quote |= tok(ws, i)->kind == NE_TOK_QUOTE;
        stop |= is_stop_any(ws, i) && ws->ti[i].region != R_QUOTE;
        cue |= (ws->ti[i].cls & L_CUE) && !(ws->ti[i].cls & L_BELIEF) && ws->ti[i].region != R_QUOTE;
        words += tok(ws, i)->kind == NE_TOK_WORD;
    }
    f[n++] = fh(17, S, quote | stop << 1 | cue << 2, before);
    f[n++] = fh(18, S, bucket((uint32_t)words), cue);
    f[n++] = fh(19, S, k->kind, k->has_speaker && k->ent >= 0);
    f[n++] = fh(20, S, ws->ti[k->head].region, before);
    f[n++] = fh(21, S, ws->ti[k->head].sent == ws->ti[before ? qb : (qe > 0 ? qe - 1 : 0)].sent, before);
    f[n++] = fh(22, S, bucket(d), s->kind * 2 + s->floating);
    /* a name inside the subject's phrase: its head ("Peter Cook" in "Carter's
     * press secretary, Peter Cook") or a modifier ("a White House statement") */
    if (S != C_SUBJ && s->subj.kind != NP_NONE) {
        int inside = k->beg >= s->subj.beg && k->end <= s->subj.end;
        int at_end = inside && k->end == s->subj.end;
        f[n++] = fh(24, S, inside + at_end, s->subj.kind);
    }
    if (s->cue >= 0) f[n++] = fh(23, S, (int64_t)cue_word_key(ws, s), 0);   /* the cue word itself */
    return n;
}

/* ---- candidates --------------------------------------------------------------- */

static int is_pron_subj(const ne_quotes_ws *ws, uint32_t i)
{
    uint32_t c = ws->ti[i].cls;
    return (c & L_SUBJ) && (c & (L_HE | L_SHE | L_THEY | L_IT)) && ws->ti[i].region != R_QUOTE;
}

static int speaker_ent_ok(const ne_quotes_ws *ws, int32_t e)
{
    const ne_entity *en = ent_of(ws, e);
    return en && (en->type == NE_ENT_PER || en->type == NE_ENT_ORG);
}

/* True when token i is a pronoun the coreference made a mention that can
 * speak no words: an object or a possessive ("his staff came to find
 * out …: “…”" gave the quotation to him). Subject pronouns are the
 * pronoun candidates' business. */
static int non_subject_pronoun(const ne_quotes_ws *ws, uint32_t i)
{
    uint32_t c = ws->ti[i].cls;
    return (c & (L_HE | L_SHE | L_THEY | L_IT)) && !(c & L_SUBJ) && ws->ti[i].mend == i + 1;
}

/* Adds the phrase n as a candidate; 0 when it is not one: a duplicate, or
 * a name that only modifies the subject's description ("a Trump tweet",
 * "a joint Kremlin and White House statement": on PolNeAR train such a
 * name is the source 13 times in 182). */
static int add_np(ne_quotes_ws *ws, size_t si, qt_cand *c, size_t *nc, uint8_t src, np n)
{
    const np *sj = &ws->st[si].subj;
    if (n.kind == NP_NONE || *nc >= QT_MAXC) return 0;
    if (src != C_SUBJ && sj->kind == NP_DESC && n.beg >= sj->beg && n.end < sj->end) return 0;
    /* nor one after the description's head: the object of its preposition
     * ("a spokesman for Russian President Vladimir Putin") */
    if (src != C_SUBJ && sj->kind == NP_DESC && n.beg > sj->head && n.end <= sj->end) return 0;
    /* nor a name in a named person's apposition, between the name and the
     * verb: "Steve Lee, from NASA's Jet Propulsion Laboratory, says …" */
    const stmt *st = &ws->st[si];
    if (src != C_SUBJ && sj->kind == NP_MENTION && st->cue >= 0 && n.beg > sj->end && n.end <= (uint32_t)st->cue &&
        sj->end < (uint32_t)st->cue && tok_is(ws, sj->end, ",") && is_person(ws, ws->ti[sj->head].ent))
        return 0;
    for (size_t j = 0; j < *nc; j++)
        if (c[j].src != C_PREVS && c[j].src != C_NONE && c[j].beg == n.beg && c[j].end == n.end) return 0;
    qt_cand *k = &c[(*nc)++];
    memset(k, 0, sizeof *k);
    k->src = src;
    k->kind = n.kind;
    k->beg = n.beg;
    k->end = n.end;
    k->head = n.head;
    k->ent = -1;
    qt_resolve_np(ws, si, &n, &k->has_speaker, &k->ent, &k->sp_start, &k->sp_end);
    return 1;
}

static np mention_np(const ne_quotes_ws *ws, uint32_t i)
{
    np n = {ws->ti[i].mbeg, ws->ti[i].mend, ws->ti[i].mbeg, NP_MENTION, 0, 0};
    return n;
}

static np pron_np(uint32_t i)
{
    np n = {i, i + 1, i, NP_PRON, 0, 0};
    return n;
}

/* True when the mention at [b, e) is an object in the clause that a
 * participle cue closes: "Elizabeth Warren criticized the Federal
 * Reserve, saying …" are the subject's words, not the object's (the
 * ranker gave them to the Federal Reserve). Only for a subject that
 * opens its sentence (a fronted "After meeting Trump, Warren …" is not
 * read) and a mention after a verb of its own clause: a lower-case word
 * between the subject and the mention, no comma (an apposition, a
 * relative clause) and no quotation. */
static int participle_object(const ne_quotes_ws *ws, const stmt *s, uint32_t b, uint32_t e)
{
    if (s->cue < 1 || !(ws->ti[s->cue].cls & L_ING) || !tok_is(ws, (uint32_t)s->cue - 1, ",")) return 0;
    const np *sj = &s->subj;
    if ((sj->kind != NP_MENTION && sj->kind != NP_PRON) || sj->end > b || e > (uint32_t)s->cue) return 0;
    uint32_t sent = ws->ti[s->cue].sent;
    if (ws->ti[sj->beg].sent != sent || ws->ti[b].sent != sent) return 0;
    for (uint32_t i = sj->beg; i-- > 0 && ws->ti[i].sent == sent;)
        if (tok_is(ws, i, ",") || ws->ti[i].region == R_QUOTE) return 0;
    /* sj is the whole phrase (clause_subject reads "Clinton campaign
     * spokesman Brian Fallon" and "Microsoft founder Bill Gates" to the
     * person's name) */
    uint32_t se = sj->end;
    /* nor a mention a relative clause or an apposition follows ("named
     * Eric Kingson, who … worked the crowd, praising …") */
    for (uint32_t i = e; i + 1 < (uint32_t)s->cue; i++)
        if (tok_is(ws, i, ",")) return 0;
    int verb = 0;
    for (uint32_t i = se; i < b; i++) {
        const ne_token *t = tok(ws, i);
        if (tok_is(ws, i, ",") || ws->ti[i].region == R_QUOTE || t->kind == NE_TOK_QUOTE) return 0;
        if (t->kind == NE_TOK_WORD && t->end > t->start && ws->t->s[t->start] >= 'a' && ws->t->s[t->start] <= 'z' &&
            !(ws->ti[i].cls & (L_CONJ | L_DET | L_POSS | L_PREP | L_TIME)))
            verb = 1;   /* not "Both the NBC and NAFDAC are appealing …, arguing" */
    }
    return verb;
}

/* True when the mention starting at token b is the object of a
 * preposition right after the statement's named subject: "Jane Novak
 * with the Delmar Institute said", "Senator Ted Cruz of Texas said" —
 * the subject's, not a speaker of its own (the ranker gave such words to
 * the institute). */
static int subject_complement(const ne_quotes_ws *ws, const stmt *s, uint32_t b)
{
    const np *sj = &s->subj;
    if (sj->kind != NP_MENTION || b <= sj->end || !(ws->ti[sj->end].cls & L_PREP)) return 0;
    uint32_t j = sj->end + 1;
    if (j < b && (ws->ti[j].cls & (L_DET | L_POSS))) j++;
    return j == b;
}

/* True when the phrase at token i can be the person a he/she subject
 * (sc: L_HE or L_SHE, 0 none) names: a pronoun of the same gender, or a
 * mention whose entity's gender does not conflict. */
static int agrees(const ne_quotes_ws *ws, uint32_t sc, uint32_t i)
{
    if (!sc) return 1;
    uint32_t pc = ws->ti[i].cls & (L_HE | L_SHE);
    if (pc && ws->ti[i].mend == i + 1) return pc == sc;
    return ws->ti[i].ent < 0 || qt_gender_ok(ws, ws->ti[i].ent, sc);
}

size_t qt_speaker_candidates(ne_quotes_ws *ws, size_t si, qt_cand *c)
{
    const stmt *s = &ws->st[si];
    size_t nc = 0;
    uint32_t qb, qe;
    stmt_bounds(ws, s, &qb, &qe);
    add_np(ws, si, c, &nc, C_SUBJ, s->subj);
    /* a he/she subject: no candidate of the other gender ("“…,” she
     * explained" after "he asked" went to the father) */
    uint32_t sc = s->subj.kind == NP_PRON ? ws->ti[s->subj.head].cls & (L_HE | L_SHE) : 0;
    /* a quantifier subject names nobody nearby: "“Boring for adults …,”
     * says one." is an unnamed viewer's, not the film's before it */
    if (s->subj.kind == NP_DESC && s->subj.end == s->subj.beg + 1 &&
        (tok_is(ws, s->subj.beg, "one") || tok_is(ws, s->subj.beg, "another") || tok_is(ws, s->subj.beg, "others") ||
         tok_is(ws, s->subj.beg, "One") || tok_is(ws, s->subj.beg, "Another") || tok_is(ws, s->subj.beg, "Others")))
        return nc;
    /* "I said", "we told them": the writer, never a person named nearby
     * (round 7 gave a narrator's words to the friend she was telling of) */
    if (s->subj.kind == NP_PRON && (ws->ti[s->subj.head].cls & L_SELF)) return nc;
    /* before: the nearest mention and pronoun, this paragraph and the one before */
    uint32_t para = tok(ws, qb)->para;
    uint32_t lo = ws->t->paras[para > 0 ? para - 1 : 0].tok_start;
    int gotm = 0, gotp = 0;
    int32_t seen = -1;
    /* the listener of a verb that takes one ("told CNN's Jake Tapper that
     * …"), between the verb and the words, is never the speaker */
    uint32_t lis_b = s->cue >= 0 && (ws->ti[s->cue].cls & L_OBJ) && (uint32_t)s->cue < qb ? (uint32_t)s->cue : qb;
    for (uint32_t i = qb; i-- > lo && qb - i <= 60 && !(gotm >= 2 && gotp);) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->region == R_QUOTE || ti->region == R_HEAD || (i > lis_b && i < qb)) continue;
        if (gotm < 2 && ti->ent >= 0 && ti->ent != seen && speaker_ent_ok(ws, ti->ent) &&
            !non_subject_pronoun(ws, i) && !participle_object(ws, s, ti->mbeg, ti->mend) &&
            !subject_complement(ws, s, ti->mbeg) && agrees(ws, sc, i)) {
            if (add_np(ws, si, c, &nc, gotm ? C_PREVM2 : C_PREVM, mention_np(ws, i))) {
                gotm++;
                seen = ti->ent;
            }
            i = ti->mbeg;
            continue;
        }
        if (!gotp && is_pron_subj(ws, i) && agrees(ws, sc, i)) {
            add_np(ws, si, c, &nc, C_PREVP, pron_np(i));
            gotp = 1;
        }
    }
    /* after: this paragraph */
    uint32_t pe = ws->t->paras[tok(ws, qe > 0 ? qe - 1 : 0)->para].tok_end;
    gotm = gotp = 0;
    seen = -1;
    /* and the listener after it ("…," King told radio host John
     * Catsimatidis), up to the end of the verb's sentence */
    int lis_after = s->cue >= 0 && (ws->ti[s->cue].cls & L_OBJ) && (uint32_t)s->cue >= qe;
    for (uint32_t i = qe; i < pe && i - qe <= 30 && !(gotm >= 2 && gotp); i++) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->region == R_QUOTE) continue;
        if (lis_after && i > (uint32_t)s->cue && ti->sent == ws->ti[s->cue].sent) continue;
        if (gotm < 2 && ti->ent >= 0 && ti->ent != seen && speaker_ent_ok(ws, ti->ent) &&
            !non_subject_pronoun(ws, i) && agrees(ws, sc, i)) {
            if (add_np(ws, si, c, &nc, gotm ? C_NEXTM2 : C_NEXTM, mention_np(ws, ti->mbeg))) {
                gotm++;
                seen = ti->ent;
            }
            i = ti->mend - 1;
            continue;
        }
        if (!gotp && is_pron_subj(ws, i) && agrees(ws, sc, i)) {
            add_np(ws, si, c, &nc, C_NEXTP, pron_np(i));
            gotp = 1;
        }
    }
    /* not a previous speaker the statement's he/she cannot be ("He said
     * that no one had helped" after a woman's words) */
    int32_t p = qt_previous_speaker_agreeing(ws, si, 3, 0, sc);
    if (p >= 0 && nc < QT_MAXC) {
        qt_cand *k = &c[nc++];
        memset(k, 0, sizeof *k);
        k->src = C_PREVS;
        k->has_speaker = 1;
        k->ent = (int32_t)ws->st[p].ent;
        k->sp_start = ws->st[p].sp_start;
        k->sp_end = ws->st[p].sp_end;
        uint32_t pb, pe2;
        stmt_bounds(ws, &ws->st[p], &pb, &pe2);
        k->dist = tok(ws, qb)->para - tok(ws, pb)->para;
    }
    if (nc < QT_MAXC && (s->subj.kind == NP_NONE || nc == 0)) {   /* a frame's subject names someone */
        qt_cand *k = &c[nc++];
        memset(k, 0, sizeof *k);
        k->src = C_NONE;
        k->ent = -1;
    }
    return nc;
}

/* ---- the choice ----------------------------------------------------------------- */

size_t qt_rank_choose(ne_quotes_ws *ws, size_t si, const float *w, qt_cand *c, size_t nc)
{
    size_t best = 0;
    float bs = 0;
    uint32_t f[QT_MAXF];
    for (size_t i = 0; i < nc; i++) {
        size_t nf = qt_cand_features(ws, si, c, nc, i, f);
        float sc = 0;
        for (size_t j = 0; j < nf; j++) sc += w[f[j]];
        c[i].score = sc;
        if (i == 0 || sc > bs) { best = i; bs = sc; }
    }
    return best;
}
