/* quotes — the quotes stage (see quotes.h for the passes): the workspace,
 * the per-token facts every pass reads, the extractor's driver, the
 * output, and the stage. Each pass has its file (quotes_int.h lists them).
 *
 * Per-token facts (lexicon class, covering entity mention, whether the
 * token lies in a quotation or a reported clause) are computed once per
 * document into arrays of the workspace, which are reused across
 * documents: the only allocations per document are the quotes handed to
 * the document.
 */
#include "enrichers/quotes/quotes_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- workspace ---------------------------------------------------------- */

ne_quotes_ws *ne_quotes_ws_new(void)
{
    ne_quotes_ws *ws = ne_xcalloc(1, sizeof *ws);
    qt_lex_init(ws);
    return ws;
}

void ne_quotes_ws_set_rules(ne_quotes_ws *ws, int on) { ws->rules = on != 0; }

void ne_quotes_ws_free(ne_quotes_ws *ws)
{
    if (!ws) return;
    free(ws->ti);
    free(ws->rq);
    free(ws->st);
    free(ws->roles);
    free(ws->gender);
    free(ws->pron_seen);
    free(ws->head_para);
    free(ws->about);
    free(ws);
}

/* ---- per-document preparation ------------------------------------------ */

static int is_article(const ne_quotes_ws *ws, size_t i)
{
    return tok_is(ws, i, "a") || tok_is(ws, i, "A") || tok_is(ws, i, "an") || tok_is(ws, i, "An") ||
           tok_is(ws, i, "the") || tok_is(ws, i, "The");
}

static int ends_ly(const ne_quotes_ws *ws, size_t i)
{
    const ne_token *k = tok(ws, i);
    return k->kind == NE_TOK_WORD && k->end - k->start > 3 && ws->t->s[k->end - 2] == 'l' &&
           ws->t->s[k->end - 1] == 'y';
}

/* Lexicon class, sentence and mention of every token. */
static void prepare_tokens(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ne_grow(&ws->ti, &ws->ti_cap, t->ntoks + 1, sizeof *ws->ti);
    size_t s = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        const ne_token *k = &t->toks[i];
        tokinfo *ti = &ws->ti[i];
        while (s + 1 < t->nsents && t->sents[s].tok_end <= i) s++;
        ti->sent = (uint32_t)s;
        ti->ent = -1;
        ti->mbeg = ti->mend = (uint32_t)i;
        ti->region = R_OUT;
        ti->used = 0;
        /* "US", "IT" in capitals are names, not pronouns */
        ti->cls = k->kind == NE_TOK_WORD && !(k->flags & NE_TF_ALLCAPS)
                      ? qt_lex_lookup(ws, t->s + k->start, k->end - k->start) : 0;
    }
    /* a speech verb used as a noun or adjective is no cue: after an article
     * or a possessive ("a tweet", "his claims", "the reported deal", "a
     * newly reported call"), or,
     * for a form that is also a noun, after an article and modifiers ("a
     * Trump tweet", "a phone call with President Trump") */
    for (size_t i = 1; i < t->ntoks; i++) {
        uint32_t c = ws->ti[i].cls;
        if (!(c & (L_CUE | L_IND)) || (c & (L_ACCORD | L_PUT_IT))) continue;
        size_t j = i;   /* "a newly reported call": past adverbs in -ly */
        while (j > 1 && i - j < 2 && ends_ly(ws, j - 1)) j--;
        int noun = is_article(ws, j - 1) || (ws->ti[j - 1].cls & L_POSS);
        for (size_t k = i - 1, n = 0; !noun && (c & L_AMB) && k > 0 && n < 3; k--, n++) {
            const ne_token *pk = &t->toks[k];
            if (pk->kind != NE_TOK_WORD || (ws->ti[k].cls & (L_NOT_NP | L_PRON | L_DET))) break;
            noun = is_article(ws, k - 1) || (ws->ti[k - 1].cls & L_POSS);
        }
        if (noun) ws->ti[i].cls &= ~(uint32_t)(L_CUE | L_IND | L_ING | L_OBJ | L_PART | L_TRAIL | L_PASS);
    }
    /* mentions: the entity stage's byte spans mapped onto tokens */
    const ne_doc *doc = ws->doc;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            if (mn->field != NE_FIELD_BODY) continue;
            size_t lo = 0, hi = t->ntoks;
            while (lo < hi) {   /* first token ending after the mention's start */
                size_t mid = (lo + hi) / 2;
                if (t->toks[mid].end <= mn->start) lo = mid + 1; else hi = mid;
            }
            size_t b = lo, x = lo;
            while (x < t->ntoks && t->toks[x].start < mn->end) x++;
            if (x == b) continue;
            for (size_t i = b; i < x; i++) {
                if (ws->ti[i].ent >= 0) continue;   /* the first mention wins */
                ws->ti[i].ent = (int32_t)e;
                ws->ti[i].mbeg = (uint32_t)b;
                ws->ti[i].mend = (uint32_t)x;
            }
        }
    }
}

/* ---- output -------------------------------------------------------------- */

/* The statement's words and parts: the quotations of a quote joined by
 * " … " (so two sentences split by their attribution are never glued
 * into one; the claim id's normalisation folds the ellipsis like the
 * space it replaced, so the ids stay those of the words alone), or the
 * reported clause as written. Sets start/end and *parts. */
#define PART_SEP " \xE2\x80\xA6 "
static char *stmt_text(ne_quotes_ws *ws, stmt *s, ne_span **parts, size_t *nparts)
{
    const char *b = ws->t->s;
    if (s->kind != NE_QUOTE_DIRECT) {
        s->start = tok(ws, s->cbeg)->start;
        s->end = tok(ws, s->cend - 1)->end;
        *parts = ne_xmalloc(sizeof **parts);
        (*parts)[0] = (ne_span){s->start, s->end};
        *nparts = 1;
        return ne_xstrndup(b + s->start, s->end - s->start);
    }
    size_t len = 0, n = 0;
    int32_t last = s->rq;
    for (int32_t r = s->rq; r >= 0; r = ws->rq[r].next) {
        len += ws->rq[r].end - ws->rq[r].start + sizeof PART_SEP;
        last = r;
        n++;
    }
    s->start = ws->rq[s->rq].start;
    s->end = ws->rq[last].end;
    *parts = ne_xmalloc(n * sizeof **parts);
    *nparts = 0;
    char *p = ne_xmalloc(len + 1), *o = p;
    for (int32_t r = s->rq; r >= 0; r = ws->rq[r].next) {
        if (o != p) { memcpy(o, PART_SEP, sizeof PART_SEP - 1); o += sizeof PART_SEP - 1; }
        memcpy(o, b + ws->rq[r].start, ws->rq[r].end - ws->rq[r].start);
        o += ws->rq[r].end - ws->rq[r].start;
        (*parts)[(*nparts)++] = (ne_span){ws->rq[r].start, ws->rq[r].end};
    }
    *o = '\0';
    return p;
}

static int stmt_cmp(const void *a, const void *b)
{
    const stmt *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Fills quote q from statement s; the quote takes `text`. */
static void emit_quote(ne_quotes_ws *ws, ne_doc *doc, stmt *s, size_t index, ne_quote *q)
{
    const char *b = ws->t->s;
    memset(q, 0, sizeof *q);
    char *text = stmt_text(ws, s, &q->parts, &q->nparts);
    q->text = text;
    q->kind = (enum ne_quote_kind)s->kind;
    q->start = s->start;
    q->end = s->end;
    q->has_speaker = s->has_speaker;
    q->speaker_entity = s->has_speaker ? s->ent : -1;
    q->no_alert = s->np_object;
    q->is_new = 1;
    size_t idlen = (doc->id ? strlen(doc->id) : 0) + 24;
    q->id = ne_xmalloc(idlen);
    q->claim_id = ne_xmalloc(17);
    snprintf(q->id, idlen, "%s-q%zu", doc->id ? doc->id : "article", index);
    ne_quotes_claim_id(text, strlen(text), q->claim_id);
    if (s->has_speaker) {
        q->speaker_text = ne_xstrndup(b + s->sp_start, s->sp_end - s->sp_start);
        q->speaker_start = s->sp_start;
        q->speaker_end = s->sp_end;
    }
    if (s->cue >= 0) {
        uint32_t cb = tok(ws, (size_t)s->cue)->start, ce = tok(ws, (size_t)s->cue_end - 1)->end;
        q->cue = ne_xstrndup(b + cb, ce - cb);
    }
    size_t na = qt_collect_about(ws, s);
    if (na > 0) {
        q->about = ne_xmemdup(ws->about, na * sizeof *q->about);
        q->nabout = na;
    }
}

static void free_quote(ne_quote *q)
{
    free(q->id); free(q->text); free(q->parts); free(q->speaker_text); free(q->cue);
    free(q->about); free(q->claim_id); free(q->first_seen_article); free(q->first_seen_at);
}

/* The quotations statement i owned are statement to's now. */
static void renumber_owner(ne_quotes_ws *ws, size_t i, int32_t to)
{
    if ((int32_t)i == to) return;
    for (size_t r = 0; r < ws->nrq; r++)
        if (ws->rq[r].owner == (int32_t)i) ws->rq[r].owner = to;
}

static void clear_quotes(ne_doc *doc)
{
    for (size_t i = 0; i < doc->nquotes; i++) free_quote(&doc->quotes[i]);
    free(doc->quotes);
    doc->quotes = NULL;
    doc->nquotes = 0;
}

int ne_quotes_extract(ne_quotes_ws *ws, ne_doc *doc)
{
    clear_quotes(doc);
    ws->doc = doc;
    ws->t = &doc->body_text;
    ws->nrq = ws->nst = 0;
    if (!ws->t->ntoks || !ws->t->nparas) return 0;
    prepare_tokens(ws);
    qt_prepare_headlines(ws);
    qt_find_quotes(ws);
    qt_prepare_genders(ws);   /* after the quotations: their pronouns are left out */
    /* The cues, frames and speaker ranker are English models: text in
     * another language (lang.h) keeps its quote spans, without speakers. */
    int english = !doc->non_english;
    if (english) {
        qt_attach_frames(ws);
        qt_find_reported(ws);
        qt_filter_statements(ws);   /* before step 4: a dropped statement frees its quotations */
        qt_find_floating(ws);
        qt_collect_roles(ws);
    } else {
        qt_find_spans_anylang(ws);
    }
    for (size_t i = 0; i < ws->nst; i++) {   /* positions, for ordering */
        stmt *s = &ws->st[i];
        s->start = s->kind == NE_QUOTE_DIRECT ? ws->rq[s->rq].start : tok(ws, s->cbeg)->start;
    }
    if (!ws->nst) return 0;
    qsort(ws->st, ws->nst, sizeof *ws->st, stmt_cmp);
    if (english)
        for (size_t i = 0; i < ws->nst; i++) qt_resolve_speaker(ws, i);
    else
        qt_speakers_by_name(ws);
    doc->quotes = ne_xcalloc(ws->nst, sizeof *doc->quotes);
    /* the statements are compacted with the quotes, so that quote i is
     * still statement i for the tools that read both (speakers_train,
     * describe_train) */
    size_t w = 0;
    for (size_t i = 0; i < ws->nst; i++) {
        ne_quote q;
        emit_quote(ws, doc, &ws->st[i], doc->nquotes, &q);
        ne_quote *prev = doc->nquotes ? &doc->quotes[doc->nquotes - 1] : NULL;
        if (prev && prev->start == q.start && prev->end == q.end) {
            /* the same words twice: a cue inside another's report ("Dr
             * Coll said the results suggested that teachers “…”"); one
             * quote, a named speaker's if either has one */
            if (q.speaker_entity >= 0 && prev->speaker_entity < 0) {
                free_quote(prev);
                emit_quote(ws, doc, &ws->st[i], doc->nquotes - 1, prev);
                ws->st[w - 1] = ws->st[i];
            }
            free_quote(&q);
            renumber_owner(ws, i, (int32_t)w - 1);
            continue;
        }
        doc->quotes[doc->nquotes++] = q;
        if (w != i) ws->st[w] = ws->st[i];
        renumber_owner(ws, i, (int32_t)w);
        w++;
    }
    ws->nst = w;
    return 0;
}

/* ---- the stage ---------------------------------------------------------- */

typedef struct quotes_stage {
    ne_quotes_ws *ws;
    int enabled;
} quotes_stage;

void *ne_quotes_create(const ne_config *cfg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;   /* nothing can fail: out of memory aborts */
    quotes_stage *st = ne_xcalloc(1, sizeof *st);
    st->ws = ne_quotes_ws_new();
    st->enabled = cfg ? cfg->quotes.enabled : 1;
    return st;
}

int ne_quotes_process(void *state, ne_doc *doc)
{
    quotes_stage *st = state;
    if (!st->enabled) return 0;
    if (!doc->non_english) doc->stats.ran |= 1u << NE_RAN_SPEAKERS;
    ne_quotes_extract(st->ws, doc);
    qt_add_posts(doc);   /* embedded posts, in any language */
    return 0;
}

void ne_quotes_destroy(void *state)
{
    quotes_stage *st = state;
    if (!st) return;
    ne_quotes_ws_free(st->ws);
    free(st);
}

