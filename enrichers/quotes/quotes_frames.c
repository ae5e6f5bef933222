/* quotes_frames — what attaches a statement to its speech verb and
 * subject (quotes_int.h): attribution frames around quotations (step 2
 * of quotes.h: `"…," X said`, `X said: "…"`, `according to X`, "was
 * quoted as saying", dash and colon tags), the clauses reported by the
 * remaining speech verbs (step 3: `X said (that) …`, `…, X said.`), and
 * quotations that stand alone as sentences (step 4). Frames find the
 * subject's noun phrase (quotes_speakers.c); who it names is settled
 * later, in step 5.
 */
#include "enrichers/quotes/quotes_int.h"

#include <string.h>
#include <strings.h>

/* Marks the tokens [b, e) outside quotations as a reported clause's. */
static void mark_content(ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    for (uint32_t i = b; i < e; i++)
        if (ws->ti[i].region == R_OUT) ws->ti[i].region = R_CONTENT;
}

/* ---- step 2: frames around quotations ----------------------------------- */

/* A speech verb and its subject around a quotation. */
typedef struct frame {
    int32_t  cue, cue_end;   /* the speech verb's tokens, or -1 (colon or dash tag) */
    np       subj;
    uint32_t end;            /* first token after the frame */
} frame;

static int cue_ok(const ne_quotes_ws *ws, uint32_t i)
{
    uint32_t c = ws->ti[i].cls;
    if ((c & L_PUT_IT) && !(c & L_CUE))   /* "as X put it" */
        return i + 1 < ws->t->ntoks && (tok_is(ws, i + 1, "it") || tok_is(ws, i + 1, "It")) &&
               ws->ti[i].region != R_QUOTE;
    return (c & L_CUE) && !(c & L_BELIEF) && ws->ti[i].region != R_QUOTE && ws->ti[i].ent < 0;
}

/* One past the cue that starts at token c: "weighed in" takes its
 * particle, "put it" its object. */
static int32_t cue_end_at(const ne_quotes_ws *ws, int32_t c)
{
    if (c < 0 || (size_t)c + 1 >= ws->t->ntoks) return c + 1;
    const ne_token *k = tok(ws, (size_t)c);
    if (k->end - k->start >= 5 && strncasecmp(ws->t->s + k->start, "weigh", 5) == 0 && tok_is(ws, (size_t)c + 1, "in"))
        return c + 2;
    if ((ws->ti[c].cls & L_PUT_IT) && !(ws->ti[c].cls & L_CUE)) return c + 2;
    return c + 1;
}

/* True when the tokens [i, hi) after a speech verb finish a frame rather
 * than report a clause: nothing, a prepositional or time phrase, a
 * participle (", adding"), at most a few words without "that". */
static int is_short_tail(const ne_quotes_ws *ws, uint32_t i, uint32_t hi)
{
    if (i >= hi || tok_is(ws, i, ",")) return 1;
    if (ws->ti[i].cls & L_THAT) return 0;
    /* a listener is part of the frame ("told reporters."), the clause
     * after it is not: "Beckett told reporters the police were called" */
    if (ws->ti[i].cls & L_LISTEN) return is_short_tail(ws, i + 1, hi);
    if (ws->ti[i].cls & (L_PREP | L_TIME | L_SKIP)) return 1;
    /* a determiner or a subject pronoun opens a clause, however short:
     * "Police said the suspect fled", "… said he fled" */
    if ((ws->ti[i].cls & L_DET) || ((ws->ti[i].cls & L_SUBJ) && (ws->ti[i].cls & L_PRON))) return 0;
    return hi - i <= 3;
}

/* A frame right after the quotation closed by token `close`:
 * `"…," X said`, `"…," said X`, `"…," X, the Russian leader, told …`,
 * `"…," according to X`, `"…" — X`. */
static int frame_after(const ne_quotes_ws *ws, uint32_t close, frame *fr)
{
    uint32_t pe = para_end(ws, close);
    uint32_t i = close + 1;
    int dash = 0;
    if (i == pe && i < ws->t->ntoks && is_dash(ws, i) && ws->ti[i].region != R_HEAD) pe = para_end(ws, i);
    for (int n = 0; n < 2 && i < pe && (tok_is(ws, i, ",") || is_dash(ws, i)); n++, i++)
        dash |= is_dash(ws, i);
    if (i >= pe || is_stop(ws, i) || ws->ti[i].region == R_QUOTE) return 0;
    uint32_t hi = qt_right_bound(ws, i, 1);
    fr->end = hi;
    if ((ws->ti[i].cls & L_ACCORD) && i + 1 < hi && tok_is(ws, i + 1, "to")) {
        fr->subj = qt_np_after(ws, i + 2, hi);
        fr->cue = (int32_t)i;
        fr->cue_end = (int32_t)i + 2;
        return fr->subj.kind != NP_NONE;
    }
    if (cue_ok(ws, i) && !(ws->ti[i].cls & (L_ING | L_PART | L_PASS))) {
        /* inverted: "said the President" */
        fr->subj = qt_np_after(ws, i + 1, hi);
        fr->cue = (int32_t)i;
        fr->cue_end = (int32_t)i + 1;
        if (fr->subj.kind != NP_NONE && fr->subj.kind != NP_PRON) return 1;
        if (fr->subj.kind == NP_PRON) return 1;   /* "said he" */
        return 0;
    }
    uint32_t j = i;
    while (j < hi && j - i < 16 && !cue_ok(ws, j)) {
        if (ws->ti[j].cls & L_BELIEF) return 0;
        j++;
    }
    if (j >= hi || j - i >= 16) {
        if (dash) {   /* dash tag: "…" — Donald Trump */
            np n = qt_np_after(ws, i, hi);
            if (n.kind == NP_MENTION && (n.end == hi || tok_is(ws, n.end, ","))) {
                fr->subj = n;
                fr->cue = fr->cue_end = -1;
                return 1;
            }
        }
        return 0;
    }
    if (ws->ti[j].cls & (L_ING | L_PART)) return 0;
    np n = qt_np_before(ws, i, j);
    if (n.kind == NP_NONE || n.neg) return 0;
    if (n.passive && !(ws->ti[j].cls & L_PASS)) return 0;
    if (close > 0 && tok_is(ws, close - 1, ".") && !is_short_tail(ws, j + 1, hi))
        return 0;   /* `"… recklessness." Park said Kim is …` starts a new sentence */
    /* words before the subject must be a fronted phrase ending in a comma
     * (or the "as" of "as X put it") */
    int as_put = (ws->ti[j].cls & L_PUT_IT) && n.beg > i && (tok_is(ws, n.beg - 1, "as") || tok_is(ws, n.beg - 1, "As"));
    if (n.beg > i && !as_put && !tok_is(ws, n.beg - 1, ",") && !tok_is(ws, n.beg - 1, "(")) return 0;
    fr->subj = n;
    fr->cue = (int32_t)j;
    fr->cue_end = (int32_t)j + 1;
    return 1;
}

/* A frame right before the quotation opened by token `open`:
 * `X said: "…"`, `X said "…"`, `X told reporters in Vietnam: "…"`,
 * `X said that "…"`, `according to X, "…"`, and colon tags `Trump: "…"`. */
static int frame_before(const ne_quotes_ws *ws, uint32_t open, frame *fr)
{
    uint32_t lo;
    if (open != para_start(ws, open)) {
        lo = qt_left_bound(ws, open, 1);
    } else if (open > 0 && tok_is(ws, open - 1, ":") && ws->ti[open - 1].region == R_OUT) {
        lo = qt_left_bound(ws, open - 1, 1);   /* "He said:" ends the paragraph before */
    } else {
        return 0;
    }
    if (open <= lo) return 0;
    int64_t k = (int64_t)open - 1;
    enum { P_NONE, P_COLON, P_COMMA, P_THAT, P_DASH } punct = P_NONE;
    if (tok_is(ws, (size_t)k, ":")) punct = P_COLON;
    else if (tok_is(ws, (size_t)k, ",")) punct = P_COMMA;
    else if (ws->ti[k].cls & L_THAT) punct = P_THAT;
    else if (is_dash(ws, (size_t)k)) punct = P_DASH;
    if (punct != P_NONE) k--;
    if (k < lo) return 0;
    fr->end = open;
    if ((punct == P_COLON || punct == P_DASH) && ws->ti[k].ent >= 0) {
        uint32_t mb = ws->ti[k].mbeg;
        while (mb > lo && (ws->ti[mb - 1].cls & (L_MR | L_MRS | L_TITLE))) mb--;
        if (mb <= lo && ws->ti[k].mend == (uint32_t)k + 1) {   /* "Trump: “…”" */
            fr->subj = qt_np_after(ws, lo, (uint32_t)k + 1);
            fr->cue = fr->cue_end = -1;
            return fr->subj.kind == NP_MENTION;
        }
    }
    int64_t maxgap = punct == P_COLON ? 12 : punct == P_COMMA ? 8 : punct == P_THAT ? 6 : 4;
    int64_t j = k;
    for (; j >= lo && k - j <= maxgap; j--) {
        if (ws->ti[j].region == R_QUOTE) return 0;
        if ((ws->ti[j].cls & L_ACCORD) && (uint32_t)j + 1 < open && tok_is(ws, (size_t)j + 1, "to") &&
            punct == P_COMMA) {
            fr->subj = qt_np_after(ws, (uint32_t)j + 2, (uint32_t)k + 1);
            fr->cue = (int32_t)j;
            fr->cue_end = (int32_t)j + 2;
            return fr->subj.kind != NP_NONE;
        }
        if (cue_ok(ws, (uint32_t)j)) break;
    }
    if (j < lo || k - j > maxgap) return 0;
    uint32_t c = (uint32_t)j;
    uint32_t cls = ws->ti[c].cls;
    if (cls & L_TRAIL) return 0;
    int64_t gap = k - j;
    if (punct == P_NONE && gap > 0) {
        /* `told reporters "…"`, `said in a statement "…"`; other words
         * between the verb and the quote make it part of a clause (step 3) */
        int listener = (cls & L_OBJ) && gap <= 2;
        int pp = (ws->ti[c + 1].cls & L_PREP) && gap <= 4;
        for (uint32_t g = c + 1; g <= (uint32_t)k; g++)
            if (ws->ti[g].cls & (L_THAT | L_SUBJ | L_CUE)) pp = 0;
        if (!listener && !pp) return 0;
    }
    if ((cls & L_PART) && punct != P_COLON) return 0;
    np n = qt_subject_of(ws, lo, c);
    if (n.kind == NP_NONE || n.neg) return 0;
    if (n.passive && !(cls & L_PASS)) return 0;
    fr->subj = n;
    fr->cue = (int32_t)c;
    fr->cue_end = (int32_t)c + 1;
    return 1;
}

/* Appends a statement; returns its index. */
static int32_t add_stmt(ne_quotes_ws *ws, uint8_t kind)
{
    ne_grow(&ws->st, &ws->st_cap, ws->nst + 1, sizeof *ws->st);
    stmt *s = &ws->st[ws->nst];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->rq = -1;
    s->cue = s->cue_end = -1;
    s->ent = -1;
    return (int32_t)ws->nst++;
}

/* Gives a quotation chain to statement si with the frame fr. */
static void own_chain(ne_quotes_ws *ws, int32_t head, int32_t si, const frame *fr)
{
    stmt *s = &ws->st[si];
    s->rq = head;
    s->cue = fr->cue;
    s->cue_end = fr->cue >= 0 && fr->cue_end == fr->cue + 1 ? cue_end_at(ws, fr->cue) : fr->cue_end;
    s->subj = fr->subj;
    for (int32_t r = head; r >= 0; r = ws->rq[r].next) ws->rq[r].owner = si;
    if (fr->cue >= 0) ws->ti[fr->cue].used = 1;
}

/* Step 2 for every quotation not yet taken: a frame after it, else one
 * before it. A frame followed by another quotation of the same paragraph
 * that has no frame of its own joins that quotation as the next part. */
void qt_attach_frames(ne_quotes_ws *ws)
{
    for (size_t r = 0; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->prev >= 0 || q->owner >= 0 || (q->title && q->next < 0)) continue;
        int32_t tail = qt_chain_tail(ws, (int32_t)r);
        frame fr;
        int found = 0;
        if (ws->rq[tail].closed && frame_after(ws, ws->rq[tail].close, &fr)) found = 1;
        else if (frame_before(ws, q->open, &fr)) found = 2;
        if (!found) continue;
        int32_t si = add_stmt(ws, NE_QUOTE_DIRECT);
        own_chain(ws, (int32_t)r, si, &fr);
        if (found != 1) continue;
        if (!qt_starts_sentence(ws, q->open)) {
            /* `The President has “laid bare …”, the statement added`: the
             * quoted words are part of a paraphrase: one partial quote */
            stmt *s = &ws->st[si];
            s->kind = NE_QUOTE_PARTIAL;
            s->cbeg = qt_left_bound(ws, q->open, 0);
            s->cend = ws->rq[tail].close + 1;
            mark_content(ws, s->cbeg, s->cend);
            continue;
        }
        /* a second part: `"A," she said, "B."` or `"A," she said. "B."` */
        uint32_t i = fr.end;
        uint32_t pe = para_end(ws, ws->rq[tail].close);
        if (fr.subj.end > i) i = fr.subj.end;
        while (i < pe && (tok_is(ws, i, ",") || tok_is(ws, i, ":") || is_stop(ws, i))) i++;
        int32_t nx = i < pe ? qt_quote_opening_at(ws, i) : -1;
        if (nx < 0 || ws->rq[nx].owner >= 0 || ws->rq[nx].prev >= 0) continue;
        int32_t nt = qt_chain_tail(ws, nx);
        frame f2;
        if (ws->rq[nt].closed && frame_after(ws, ws->rq[nt].close, &f2)) continue;
        ws->rq[tail].next = nx;
        ws->rq[nx].prev = tail;
        for (int32_t x = nx; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
    }
}

/* ---- step 3: reported clauses ------------------------------------------- */

static uint32_t count_words(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    uint32_t n = 0;
    for (uint32_t i = b; i < e; i++) n += tok(ws, i)->kind == NE_TOK_WORD || tok(ws, i)->kind == NE_TOK_NUM;
    return n;
}

/* The closing mark of the title quotation ("“Today”", rawq.title)
 * that opens at token j, or 0. */
static uint32_t title_close(const ne_quotes_ws *ws, uint32_t j)
{
    for (size_t r = 0; r < ws->nrq; r++)
        if (ws->rq[r].open == j && ws->rq[r].title && ws->rq[r].closed && ws->rq[r].next < 0 && ws->rq[r].prev < 0)
            return ws->rq[r].close;
    return 0;
}

/* True when the clause of the verb at c opens "Neither X nor Y": nobody
 * said anything. */
static int neither_nor(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    uint32_t f = lo;
    while (f < c && !is_word(ws, f)) f++;
    if (f >= c || (!tok_is(ws, f, "Neither") && !tok_is(ws, f, "neither"))) return 0;
    uint32_t nor = f + 1;
    while (nor < c && !tok_is(ws, nor, "nor")) nor++;
    if (nor >= c || c - nor > 8) return 0;
    /* the verb's own subject: only the second name or noun phrase between
     * ("… nor her attorney immediately responded"), not "… has won a
     * state and Cruz suggested" */
    for (uint32_t i = nor + 1; i < c; i++)
        if (!is_word(ws, i) || (ws->ti[i].cls & (L_CONJ | L_CUE | L_BE | L_REL | L_THAT))) return 0;
    return 1;
}

/* True when token i can open the reported clause: a subject pronoun, a
 * determiner or possessive, or the first word of a name ("it would
 * close", "the company would", "Acme would"). */
static int opens_reported_clause(const ne_quotes_ws *ws, uint32_t i)
{
    const tokinfo *ti = &ws->ti[i];
    if (ti->region == R_QUOTE) return 0;
    return ((ti->cls & L_SUBJ) && (ti->cls & L_PRON)) || (ti->cls & (L_DET | L_POSS)) ||
           (ti->ent >= 0 && ti->mbeg == i);
}

/* The end of one adverbial that may stand between a speech verb and its
 * clause when no "that" follows, starting at s: a time ("on Monday",
 * "last week", "Friday night") or the medium ("in a statement", "in a
 * television interview", "on his blog"); s when there is none. */
static uint32_t adverbial_end(const ne_quotes_ws *ws, uint32_t s, uint32_t hi)
{
    uint32_t k = s;
    int prep = tok_is(ws, k, "on") || tok_is(ws, k, "in") || tok_is(ws, k, "at") || tok_is(ws, k, "during");
    if (prep) k++;
    uint32_t t = k;
    int time = 0;
    while (t < hi && t < k + 4 && ws->ti[t].region != R_QUOTE && (ws->ti[t].cls & (L_TIME | L_DET)) &&
           ws->ti[t].ent < 0) {
        time |= (ws->ti[t].cls & L_TIME) != 0;
        t++;
    }
    /* "last week the company": the determiner opens the clause */
    while (t > k && (ws->ti[t - 1].cls & L_DET) && !(ws->ti[t - 1].cls & L_TIME)) t--;
    if (time && t > k) return t;
    /* "in a statement", "in a television interview", "in his letter": a
     * medium of speech last */
    static const char *const media[] = { "statement", "interview", "speech", "letter", "tweet", "post", "email",
                                         "e-mail", "memo", "release", "video", "broadcast", "column", "op-ed",
                                         "essay", "blog", "filing", "briefing", "podcast", "address", "testimony",
                                         "announcement", "editorial", "article", "message" };
    if (tok_is(ws, s, "in") && k < hi && (ws->ti[k].cls & (L_DET | L_POSS))) {
        for (uint32_t w = k + 1; w < hi && w < k + 4 && qt_np_word(ws, w) && !(tok(ws, w)->flags & NE_TF_CAP) &&
                                 ws->ti[w].ent < 0 && !(ws->ti[w].cls & (L_PRON | L_DET | L_POSS));
             w++)
            for (size_t m = 0; m < sizeof media / sizeof *media; m++)
                if (tok_is(ws, w, media[m])) return w + 1;
    }
    return s;
}

/* Past one or two adverbials (adverbial_end) to the clause they stand
 * before; s when what follows them does not open a clause ("said in a
 * way", "said on Monday." stay as they were) or a colon follows ("in a
 * statement they issued: …" is the statement's relative clause). */
static uint32_t skip_adverbial(const ne_quotes_ws *ws, uint32_t s, uint32_t hi)
{
    uint32_t e = adverbial_end(ws, s, hi);
    if (e == s || e >= hi) return s;
    for (uint32_t j = e; j < hi; j++)
        if (tok_is(ws, j, ":")) return s;
    uint32_t e2 = adverbial_end(ws, e, hi);   /* "in a statement on Monday it …" */
    if (e2 == e) return opens_reported_clause(ws, e) ? e : s;
    /* a third ("in a column this month in the Forward") is too far */
    return e2 < hi && opens_reported_clause(ws, e2) && adverbial_end(ws, e2, hi) == e2 ? e2 : s;
}

/* Where the reported clause after the verb at c (ending before hi)
 * starts: past the listener of tell-verbs, past "that" within a few
 * words (said on Friday that …), past a colon or comma, past a time or
 * medium without "that" ("said on Monday it would …"). */
static uint32_t content_start(const ne_quotes_ws *ws, uint32_t c, uint32_t hi)
{
    uint32_t s = c + 1;
    if ((ws->ti[c].cls & L_OBJ) && s < hi) {
        const tokinfo *ti = &ws->ti[s];
        if (ti->ent >= 0 && ti->mbeg == s) {
            s = ti->mend;
            if (s < hi && (ws->ti[s].cls & L_LISTEN)) s++;   /* "told Indian reporters he had been …" */
        } else if (ti->cls & (L_PRON | L_LISTEN)) s++;
        else if (ti->cls & (L_DET | L_POSS)) {
            s++;
            for (int n = 0; n < 3 && s < hi && qt_np_word(ws, s); n++) s++;
        } else {
            /* a bare listener: "told analysts the economy …", "told state
             * lawmakers that …": one or two lower-case nouns, then what
             * opens a clause */
            uint32_t e = s;
            while (e < hi && e < s + 2 && qt_np_word(ws, e) && !(tok(ws, e)->flags & NE_TF_CAP) &&
                   ws->ti[e].ent < 0)
                e++;
            if (e > s && e < hi &&
                ((ws->ti[e].cls & (L_THAT | L_DET | L_POSS)) || ((ws->ti[e].cls & L_SUBJ) && (ws->ti[e].cls & L_PRON)) ||
                 (ws->ti[e].ent >= 0 && ws->ti[e].mbeg == e)))
                s = e;
        }
    }
    for (uint32_t j = s; j < hi && j < s + 8; j++) {
        if (ws->ti[j].region == R_QUOTE) {
            /* the title of a show: "warned on NBC's “Today” that …" */
            uint32_t close = title_close(ws, j);
            if (!close) break;
            j = close;
            continue;
        }
        if (is_stop(ws, j)) break;
        if (ws->ti[j].cls & L_THAT) return j + 1;
        if (tok(ws, j)->kind == NE_TOK_PUNCT && !tok_is(ws, j, ",")) break;
    }
    if (s < hi && (tok_is(ws, s, ":") || tok_is(ws, s, ","))) s++;
    return skip_adverbial(ws, s, hi);
}

/* True when token i is a wh-word that opens an indirect question or a
 * free relative ("asked why", "revealed what"). */
static int wh_word(const ne_quotes_ws *ws, uint32_t i)
{
    static const char *const wh[] = {"why", "how", "what", "when", "where", "who", "which"};
    for (size_t k = 0; k < sizeof wh / sizeof wh[0]; k++)
        if (tok_is(ws, i, wh[k])) return 1;
    return 0;
}

/* True when token i is an auxiliary or modal verb ("has", "would",
 * "didn't"): with a subject before it, a clause's verb. */
static int aux_word(const ne_quotes_ws *ws, uint32_t i)
{
    static const char *const aux[] = { "has", "have", "had", "will", "would", "can", "could", "may", "might",
                                       "should", "must", "do", "does", "did", "won't", "can't", "isn't",
                                       "wasn't", "didn't", "doesn't" };
    for (size_t k = 0; k < sizeof aux / sizeof aux[0]; k++)
        if (tok_is(ws, i, aux[k])) return 1;
    return 0;
}

/* Whether the reported clause at s after the verb at c is a question
 * ("asked if he interfered", "did not say whether", "asked why"): it
 * reports what someone wanted to know, not something they stated, so it
 * is no claim and raises no alert. "if"/"whether" open a question after
 * any verb; a wh-word only after a verb of asking (after "said" it opens
 * a free relative: "said what he meant"). */
static int indirect_question(const ne_quotes_ws *ws, uint32_t c, uint32_t s, uint32_t hi)
{
    const ne_token *v = tok(ws, c);
    const char *w = ws->t->s + v->start;
    size_t n = v->end - v->start;
    int asking = (n >= 3 && !strncasecmp(w, "ask", 3)) || (n >= 6 && !strncasecmp(w, "wonder", 6)) ||
                 (n >= 6 && !strncasecmp(w, "inquir", 6)) || (n >= 6 && !strncasecmp(w, "enquir", 6));
    if (tok_is(ws, s, "whether")) return 1;
    if (tok_is(ws, s, "if")) {
        /* "said that if Spain had been a target, this would be …" and
         * "said if elected, he would …" are conditionals: a "that" before
         * or a comma after (the consequence) with a verb that asks nothing */
        if (asking) return 1;
        if (s > c + 1 && (ws->ti[s - 1].cls & L_THAT)) return 0;
        for (uint32_t i = s + 1; i < hi; i++)
            if (tok_is(ws, i, ",") && ws->ti[i].region != R_QUOTE) return 0;
        return 1;
    }
    return asking && wh_word(ws, s);
}

/* Where the reported clause that starts at s ends: at the clause bound hi,
 * or before a coordinated speech verb ("… and added"), a participle after
 * a comma (", saying"), or a trailing frame. Trailing punctuation is
 * trimmed. */
static uint32_t content_end(const ne_quotes_ws *ws, uint32_t s, uint32_t hi)
{
    uint32_t e = s;
    for (; e < hi; e++) {
        if (ws->ti[e].region == R_QUOTE) continue;
        if ((ws->ti[e].cls & L_CONJ) && e + 1 < hi) {
            uint32_t k = e + 1;
            while (k < hi && (ws->ti[k].cls & L_SKIP)) k++;
            if (k < hi && cue_ok(ws, k)) break;
            /* "…, but the BBC's Jon Sopel said the president …": another
             * speaker's report after the conjunction */
            np o = qt_np_after(ws, e + 1, hi);
            if ((ws->ti[e + 1].cls & (L_SELF | L_SUBJ)) == (L_SELF | L_SUBJ)) o.kind = NP_PRON, o.end = e + 2;   /* "and I said" */
            if (o.kind == NP_MENTION || o.kind == NP_PRON) {
                k = o.end;
                while (k < hi && (ws->ti[k].cls & L_SKIP)) k++;
                if (k < hi && cue_ok(ws, k) && !(ws->ti[k].cls & L_ING)) break;   /* "…, but North Korea accused Japan of …" too */
            }
        }
        /* ", adding …" and "“…,” adding …" start a new report */
        if (e > s && cue_ok(ws, e) && (ws->ti[e].cls & L_ING) &&
            (tok_is(ws, e - 1, ",") || (tok(ws, e - 1)->kind == NE_TOK_QUOTE && tok_is(ws, e - 2, ","))))
            break;
        if (tok_is(ws, e, ",") && e + 1 < hi) {
            frame fr;
            /* "…, he said." closing the clause: frame_after reads from a comma */
            if (ws->ti[e + 1].region != R_QUOTE && frame_after(ws, e - 1 >= s ? e - 1 : e, &fr) &&
                fr.cue >= 0 && (uint32_t)fr.cue < hi && fr.end >= hi - 1)
                break;
        }
    }
    while (e > s) {
        const ne_token *k = tok(ws, e - 1);
        if (k->kind == NE_TOK_PUNCT && !tok_is(ws, e - 1, ")")) e--;
        else break;
    }
    return e;
}

/* Takes the unowned quotations that open in [b, e) for statement si;
 * returns how many. */
static int take_quotes_in(ne_quotes_ws *ws, uint32_t b, uint32_t e, int32_t si)
{
    int n = 0;
    size_t lo = 0, hi = ws->nrq;
    while (lo < hi) {   /* the first quotation opening at or after b */
        size_t mid = (lo + hi) / 2;
        if (ws->rq[mid].open < b) lo = mid + 1; else hi = mid;
    }
    for (size_t r = lo; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->open >= e) break;
        if (q->owner >= 0 || q->prev >= 0 || q->title) continue;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
        n++;
    }
    return n;
}

/* True when [b, e) opens with a subject and its verb: a subject pronoun,
 * or a noun phrase (determiner, up to six words of names or nouns, "of"
 * and a second phrase) followed by an auxiliary, a form of "be", a modal
 * or a negation ("the company would close", "Apple is working on").
 * Not "its own ARM port which will be made available" (a relative
 * clause after the object) nor "the full specs of the Xbox Scorpio";
 * a clause in the bare past ("the company lost money") reads as an
 * object, which costs an alert, not a quote. */
static int np_then_verb(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    uint32_t i = b;
    if ((ws->ti[i].cls & L_SUBJ) && (ws->ti[i].cls & L_PRON)) return 1;
    for (int part = 0; part < 2 && i < e; part++) {
        if (ws->ti[i].cls & (L_DET | L_POSS)) i++;
        uint32_t w0 = i;
        while (i < e && i - w0 < 6 && (ws->ti[i].ent >= 0 || qt_np_word(ws, i)) && !(ws->ti[i].cls & (L_BE | L_SKIP)))
            i++;
        if (i == w0) return 0;
        if (i < e && tok_is(ws, i, "of") && part == 0) i++;
        else break;
    }
    if (i >= e) return 0;
    return (ws->ti[i].cls & (L_BE | L_NEG)) || aux_word(ws, i);
}

/* True when the words [b, e) a plain speech verb at c reports are a
 * thing, not a statement: a short prepositional phrase ("reported from
 * Seoul", "called on by tribes"), or the noun-phrase object of a verb whose
 * object is a thing said or shown, not a proposition ("announced its own
 * ARM port", "remembered the seagull", "answered questions"). Such
 * words stay a quote of the article but raise no alert: of the
 * webhook's false alerts judged in the fifth web-news error
 * analysis, 5 of 11 were these. A denial's or an admission's object is a
 * claim and stays one ("Putin denied any interference"), and so do
 * directives ("warned Putin not to underestimate the US"). */
static int np_object(const ne_quotes_ws *ws, uint32_t b, uint32_t e, uint32_t c)
{
    /* not "maintained his innocence", "reported a loss" (propositions),
     * nor "added", whose clause in the bare past ("added the second bomb
     * hit the church") would read as an object */
    static const char *const thing_verbs[] = {
        "announc", "reveal", "unveil", "releas", "remember", "recall", "mention", "answer", "discuss",
        "detail", "outline", "describ", "explain", "publish", "post", "tweet", "wrote", "writ", "present",
        "show", "list", "issu", "continu", "inform" };
    if (e <= b) return 0;
    if (b > 0 && ((ws->ti[b - 1].cls & L_THAT) || tok_is(ws, b - 1, ":"))) return 0;
    if (tok_is(ws, b, "to") || (ws->ti[b].cls & L_NEG)) return 0;   /* "urged women to vote", "not to …" */
    for (uint32_t i = b; i < e; i++)
        if (ws->ti[i].region == R_QUOTE || tok(ws, i)->kind == NE_TOK_QUOTE) return 0;
    const ne_token *v = tok(ws, c);
    const char *w = ws->t->s + v->start;
    size_t n = v->end - v->start;
    /* an indirect question after a verb that asks nothing: "revealed what
     * it's doing with GrandCentral", "predicted how telephony would look";
     * after "say" it is a claim ("said what matters is …") */
    int say = (n >= 3 && !strncasecmp(w, "sa", 2)) || (ws->ti[c].cls & L_ACCORD);
    if (!say && (wh_word(ws, b) || tok_is(ws, b, "whom"))) return 1;
    /* a bare prepositional phrase, short enough that no clause can hide
     * after it ("said during our interview", "told Newsweek in 2014"; not
     * "said with Typhoon Lan making landfall …, its effect is expected
     * to subside"), and not "warned against …" */
    if ((ws->ti[b].cls & L_PREP) && !tok_is(ws, b, "against"))
        return count_words(ws, b, e) <= 12 && !qt_finite_signs(ws, b, e);
    if (np_then_verb(ws, b, e)) return 0;
    /* "claimed credit for …", "claimed responsibility for …" */
    if (n >= 5 && !strncasecmp(w, "claim", 5) && (tok_is(ws, b, "credit") || tok_is(ws, b, "responsibility")))
        return 1;
    for (size_t k = 0; k < sizeof thing_verbs / sizeof thing_verbs[0]; k++) {
        size_t l = strlen(thing_verbs[k]);
        if (n >= l && !strncasecmp(w, thing_verbs[k], l)) return 1;
    }
    return 0;
}

/* Records a reported clause [b, e) framed by the verb tokens [c, c_end)
 * with subject n: partial when it holds free quotations, else indirect
 * (only for verbs that report clauses). */
static void add_statement(ne_quotes_ws *ws, uint32_t b, uint32_t e, int32_t c, int32_t c_end, np n, int naming)
{
    if (e <= b || count_words(ws, b, e) < 2) return;
    int32_t si = add_stmt(ws, NE_QUOTE_INDIRECT);
    int taken = take_quotes_in(ws, b, e, si);
    uint32_t cls = ws->ti[c].cls;
    if (!taken && ((!(cls & L_IND) && !naming) || count_words(ws, b, e) < 3)) {
        ws->nst--;
        return;
    }
    stmt *s = &ws->st[si];
    s->kind = taken ? NE_QUOTE_PARTIAL : NE_QUOTE_INDIRECT;
    s->cbeg = b;
    s->cend = e;
    s->cue = c;
    s->cue_end = c_end == c + 1 ? cue_end_at(ws, c) : c_end;
    s->subj = n;
    s->np_object = !taken && !naming && np_object(ws, b, e, (uint32_t)c);
    ws->ti[c].used = 1;
    mark_content(ws, b, e);
}

static void add_reported(ne_quotes_ws *ws, uint32_t b, uint32_t e, int32_t c, int32_t c_end, np n)
{
    add_statement(ws, b, e, c, c_end, n, 0);
}

/* A naming verb with its object and what the object is charged with or
 * taken for: "accused Republicans of placing …", "described Trump as a
 * danger", "blasted the governor for …". The words from the object on are
 * the claim, as with quoted words ("described Trump as “a danger”"). Not
 * "called", "dubbed": "called the police" names nothing; "called for …",
 * "calls on X to …" (`demand`: the verb is followed by for/on) is a
 * demand, the words after the preposition. Returns the content's end, or
 * 0 when the frame does not fit. */
static uint32_t naming_claim_end(const ne_quotes_ws *ws, uint32_t c, uint32_t hi, int demand)
{
    const ne_token *v = tok(ws, c);
    const char *w = ws->t->s + v->start;
    size_t n = v->end - v->start;
    if (n >= 4 && !strncasecmp(w, "call", 4) && c + 3 < hi && demand) {
        /* "called for a ban on …", "calls on Congress to act": a demand */
        uint32_t e = content_end(ws, c + 2, hi);
        return count_words(ws, c + 2, e) >= 3 ? e : 0;
    }
    if ((n >= 4 && !strncasecmp(w, "call", 4)) || (n >= 3 && !strncasecmp(w, "dub", 3))) return 0;
    /* the object: up to eight words, no punctuation, quotation or verb;
     * then of/as/for, or "to" after "likened" ("likened the spying to
     * methods used by enemies") */
    int liken = n >= 5 && !strncasecmp(w, "liken", 5);
    uint32_t j = c + 1;
    if (j < hi && (ws->ti[j].cls & L_PREP)) return 0;   /* "Rita's center slammed into the coast of …" */
    while (j < hi && j < c + 9 && !tok_is(ws, j, "of") && !tok_is(ws, j, "as") && !tok_is(ws, j, "for") &&
           !(liken && tok_is(ws, j, "to"))) {
        if (tok(ws, j)->kind != NE_TOK_WORD || ws->ti[j].region == R_QUOTE || cue_ok(ws, j) ||
            (ws->ti[j].cls & (L_BE | L_THAT | L_REL | L_CONJ)))
            return 0;
        j++;
    }
    if (j == c + 1 || j + 2 >= hi || j >= c + 9) return 0;
    uint32_t e = content_end(ws, j + 1, hi);
    return count_words(ws, j + 1, e) >= 2 ? e : 0;
}

/* vow, pledge, promise, threaten in any form: with "to" and a verb they
 * state what the subject will do ("vowed to build a wall"), where "said
 * to be" is hearsay. */
static int promise_verb(const ne_quotes_ws *ws, uint32_t c)
{
    static const char *const stems[] = { "vow", "pledg", "promis", "threaten" };
    const ne_token *v = tok(ws, c);
    const char *w = ws->t->s + v->start;
    size_t n = v->end - v->start;
    for (size_t k = 0; k < sizeof stems / sizeof stems[0]; k++) {
        size_t l = strlen(stems[k]);
        if (n >= l && n <= l + 3 && !strncasecmp(w, stems[k], l)) return 1;
    }
    return 0;
}

/* True when a describing phrase read after a verb holds a lower-case
 * word in -ed past its first word: "said the fire started at night" is a
 * clause, where "said the embattled mayor" is a speaker. */
static int desc_has_past_verb(const ne_quotes_ws *ws, np n)
{
    uint32_t j = n.beg;
    if (ws->ti[j].cls & (L_DET | L_POSS)) j++;
    for (uint32_t i = j + 1; i < n.end; i++) {
        const ne_token *k = tok(ws, i);
        size_t l = k->end - k->start;
        const char *w = ws->t->s + k->start;
        if (k->kind == NE_TOK_WORD && l > 3 && w[l - 2] == 'e' && w[l - 1] == 'd' && !(k->flags & NE_TF_CAP))
            return 1;
    }
    return 0;
}

/* True when tokens [a, b) hold a "that" or a colon: a clause, not an
 * apposition. */
static int has_that(const ne_quotes_ws *ws, uint32_t a, uint32_t b)
{
    for (uint32_t j = a; j < b; j++)
        if ((ws->ti[j].cls & L_THAT) || tok_is(ws, j, ":") || cue_ok(ws, j)) return 1;
    return 0;
}

/* True when [b, e) reads as a short clause of its own: a subject
 * pronoun, an auxiliary, a form of "be" or a negation in it ("…, Rahm
 * Emanuel, said the city would appeal.", "…, Trump said the talks were
 * going well."), so the verb before it reports it and does not close
 * the words before the comma. "…, Trump said on Friday." has none. */
static int clause_after(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    for (uint32_t i = b; i < e; i++) {
        if (ws->ti[i].region == R_QUOTE) continue;
        if (ws->ti[i].cls & (L_SUBJ | L_BE | L_NEG)) return 1;
        if ((ws->ti[i].cls & L_SKIP) && aux_word(ws, i)) return 1;   /* auxiliaries, not adverbs ("said earlier") */
    }
    return 0;
}

/* True when the verb at c, right after a comma, has a person's name
 * before an apposition as its subject: "However, Adam Schiff, the top
 * Democrat on the intelligence committee, said the White House visit …
 * showed …" is Schiff's clause after the verb, not an inverted "…, said
 * X" over the words before the comma. */
static int appositive_subject(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    np b = qt_np_before(ws, lo, c);
    if (b.kind != NP_MENTION || b.end + 2 >= c || b.end + 16 < c || !is_person(ws, ws->ti[b.head].ent) ||
        !tok_is(ws, b.end, ","))
        return 0;
    /* one comma segment, a noun phrase: not "…, Samir Nima Ghaidan, was
     * shot to death …, said army Capt. Hussein Hakim" */
    for (uint32_t i = b.end + 1; i + 1 < c; i++)
        if (tok_is(ws, i, ",") || ws->ti[i].region == R_QUOTE ||
            (ws->ti[i].cls & (L_BE | L_SUBJ | L_NEG | L_THAT | L_CUE)) || clause_after(ws, i, i + 1))
            return 0;
    return 1;
}

/* True when token i is "citing" or "quoting": after a comma it names the
 * source of the report before it, not words of its own. */
static int cites_source(const ne_quotes_ws *ws, uint32_t i)
{
    return tok_is(ws, i, "citing") || tok_is(ws, i, "quoting");
}

/* True when "say" at c is the noun: "the final say on whether …", "a
 * say in how the money is spent". */
static int say_noun(const ne_quotes_ws *ws, uint32_t c, uint32_t lo)
{
    /* not "some", "many", "others": "Some say the plan will fail" */
    static const char *const before[] = { "the", "a", "an", "his", "her", "their", "its", "our", "my", "your",
                                          "no", "any", "final", "last", "greater", "bigger", "big", "real",
                                          "little", "more", "equal", "fair", "direct", "strong", "meaningful" };
    if (c == lo || !tok_is(ws, c, "say")) return 0;
    for (size_t k = 0; k < sizeof before / sizeof before[0]; k++)
        if (tok_is(ws, c - 1, before[k])) return 1;
    return 0;
}

/* Step 3: every speech verb with a subject that no frame used reports the
 * clause after it (`X said (that) …`, `X denied …`), or, at the end of a
 * sentence after a comma, the clause before it (`…, X said.`,
 * `…, according to X.`). */
void qt_find_reported(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    for (uint32_t c = 0; c < t->ntoks; c++) {
        const tokinfo *ti = &ws->ti[c];
        if (ti->used || ti->ent >= 0 || ti->region == R_QUOTE || ti->region == R_HEAD) continue;
        uint32_t cls = ti->cls;
        if (!(cls & (L_CUE | L_IND | L_ACCORD))) continue;   /* most tokens: no bounds needed */
        uint32_t lo = qt_left_bound(ws, c, 0), hi = qt_right_bound(ws, c, 0);
        if ((cls & L_ACCORD) && c + 1 < hi && tok_is(ws, c + 1, "to")) {
            np n = qt_np_after(ws, c + 2, hi);
            if (n.kind == NP_NONE) continue;
            if (c > lo && tok_is(ws, c - 1, ",")) {                /* …, according to X. */
                /* not over a quotation's own frame: in "“…,” Manabe said,
                 * according to several people" the words are Manabe's and
                 * the direct quote has them */
                int framed = 0, quoted = 0;
                for (uint32_t j = lo; j + 1 < c; j++) {
                    quoted |= ws->ti[j].region == R_QUOTE;
                    framed |= ws->ti[j].used && (ws->ti[j].cls & L_CUE) && ws->ti[j].region != R_QUOTE;
                }
                framed &= quoted;
                if (!framed) add_reported(ws, lo, c - 1, (int32_t)c, (int32_t)c + 2, n);
            } else if (c == lo && n.end < hi && tok_is(ws, n.end, ",")) {   /* According to X, … */
                add_reported(ws, n.end + 1, content_end(ws, n.end + 1, hi), (int32_t)c, (int32_t)c + 2, n);
            }
            continue;
        }
        if (!(cls & L_CUE) && !(cls & L_IND)) continue;
        if (cls & (L_BELIEF | L_TRAIL | L_PASS)) continue;
        if (say_noun(ws, c, lo)) continue;
        if (c > lo && tok_is(ws, c, "told") && tok_is(ws, c - 1, "all")) continue;   /* "all told": in all */
        if ((cls & L_ING) && c > lo && tok_is(ws, c - 1, "without")) continue;   /* "left without announcing who …" */
        /* "…, Yonhap reported, citing an unidentified official": the
         * source of the report before, not words of its own */
        if (c > lo && tok_is(ws, c - 1, ",") && cites_source(ws, c)) continue;
        /* "a way for, say, a wealthy graduate": "say" as "for example" */
        if (c > lo && c + 1 < hi && tok_is(ws, c - 1, ",") && tok_is(ws, c + 1, ",") &&
            (tok_is(ws, c, "say") || tok_is(ws, c, "Say")))
            continue;
        if ((cls & L_PART) && c + 2 < hi && tok_is(ws, c + 1, "by")) {
            /* passive naming: "was described by X as “…”": X said the quoted words */
            np n = qt_np_after(ws, c + 2, hi);
            uint32_t a = n.end;
            while (n.kind != NP_NONE && a < hi && a < n.end + 6 && !tok_is(ws, a, "as") && !tok_is(ws, a, "of") &&
                   ws->ti[a].region != R_QUOTE && tok(ws, a)->kind != NE_TOK_QUOTE)
                a++;
            if (n.kind != NP_NONE && a < hi && (tok_is(ws, a, "as") || tok_is(ws, a, "of")))
                add_reported(ws, a, content_end(ws, a, hi), (int32_t)c, (int32_t)c + 1, n);
            continue;
        }
        if (c + 2 < hi && tok_is(ws, c + 1, "to") && promise_verb(ws, c)) {
            /* "vowed to build a wall": the promise is the claim */
            np n = qt_subject_of(ws, lo, c);
            uint32_t e = content_end(ws, c + 1, hi);
            if ((n.kind == NP_MENTION || n.kind == NP_PRON) && !n.neg && !n.passive && count_words(ws, c + 1, e) >= 3)
                add_statement(ws, c + 1, e, (int32_t)c, (int32_t)c + 1, n, 1);
            continue;
        }
        if (c + 1 < hi && (tok_is(ws, c + 1, "to") || tok_is(ws, c + 1, "of") || tok_is(ws, c + 1, "by")))
            continue;   /* "is said to be", "said of", "reported by" */
        if ((cls & L_PART) && !(cls & L_IND)) {
            int demand = c + 1 < hi && (tok_is(ws, c + 1, "for") || tok_is(ws, c + 1, "on"));
            uint32_t e = naming_claim_end(ws, c, hi, demand);
            np n = e ? qt_subject_of(ws, lo, c) : (np){0, 0, 0, NP_NONE, 0, 0};
            /* a demand needs somebody to make it: "protocol called for" is none */
            if (demand && n.kind != NP_MENTION && n.kind != NP_PRON) n.kind = NP_NONE;
            if (n.kind != NP_NONE && !n.neg && !n.passive) {
                uint32_t b = demand ? c + 2 : c + 1;
                add_statement(ws, b, e, (int32_t)c, (int32_t)c + 1, n, 1);
                continue;
            }
        }
        if (c > lo && tok_is(ws, c - 1, ",") && !(cls & (L_ING | L_OBJ)) && !appositive_subject(ws, lo, c)) {
            /* inverted, closing a clause: "…, said Mr Putin." Never a
             * verb that takes its listener as object: in "Sarah Sanders,
             * the press secretary, told reporters the president …" the
             * reporters are told, and the subject stands before the
             * apposition's commas */
            np n = qt_np_after(ws, c + 1, hi);
            /* not when a word other than a preposition or time word
             * follows: in "…, Brad Treliving, said the club would not make
             * changes" and "…, another incumbent, said he hadn't thought"
             * the phrase after the verb is the reported clause's subject,
             * not the speaker. An apposition may follow the speaker ("…,
             * said David Autor, a professor of economics at MIT.") */
            int clause = n.kind != NP_NONE && ((n.end < hi && tok(ws, n.end)->kind == NE_TOK_WORD &&
                                                !(ws->ti[n.end].cls & (L_PREP | L_TIME))) ||
                                               (n.kind == NP_DESC && desc_has_past_verb(ws, n)));
            int appos = n.kind != NP_NONE && n.end + 1 < hi && tok_is(ws, n.end, ",") && !has_that(ws, n.end, hi);
            if (appos && n.kind == NP_DESC && !clause) {
                /* "…, said a former spokesman for the ministry, Oleg
                 * Voloshyn, who …": the name in apposition is the speaker */
                const tokinfo *ai = &ws->ti[n.end + 1];
                if (ai->ent >= 0 && ai->mbeg == n.end + 1 && is_person(ws, ai->ent)) {
                    n.kind = NP_MENTION;
                    n.head = ai->mbeg;
                    n.end = ai->mend < hi ? ai->mend : hi;
                }
            }
            if (n.kind != NP_NONE && !clause && (hi - n.end <= 6 || appos) && c - 1 > lo) {
                add_reported(ws, lo, c - 1, (int32_t)c, (int32_t)c + 1, n);
                continue;
            }
        }
        np n = qt_subject_of(ws, lo, c);
        if (n.kind == NP_NONE || n.neg || n.passive) continue;
        if (neither_nor(ws, lo, c)) continue;   /* "Neither Mason nor her attorney responded …" */
        /* "media reports", "his claims"; but "The report states that …" */
        if ((cls & L_AMB) && n.kind == NP_DESC && !(c + 1 < hi && (ws->ti[c + 1].cls & L_THAT))) continue;
        int closing = (hi - c <= 6 && !clause_after(ws, c + 1, hi)) ||
                      (c + 1 < hi && (ws->ti[c + 1].cls & (L_PREP | L_REL | L_TIME)) && !(ws->ti[c + 1].cls & L_THAT)) ||
                      (c + 2 < hi && tok_is(ws, c + 1, ",") && cites_source(ws, c + 2));
        if (n.beg > lo && tok_is(ws, n.beg - 1, ",") && n.beg - 1 > lo && closing) {
            /* "…, X said." and "…, X told reporters on Friday." */
            int that = 0;
            for (uint32_t j = c + 1; j < hi; j++) that |= (ws->ti[j].cls & L_THAT) || tok_is(ws, j, ":");
            if (!that) {
                add_reported(ws, lo, n.beg - 1, (int32_t)c, (int32_t)c + 1, n);
                continue;
            }
        }
        /* the "as" may stand before the subject's premodifiers: ", as
         * Donald Trump's treasury secretary Steve Mnuchin said" */
        uint32_t as = n.beg > lo ? n.beg - 1 : lo;
        while (as > lo + 1 && n.beg - as < 7 && is_word(ws, as) && ws->ti[as].region == R_OUT &&
               !tok_is(ws, as, "as") && !(ws->ti[as].cls & (L_CUE | L_BE | L_REL | L_THAT)))
            as--;
        if (as > lo + 1 && tok_is(ws, as, "as") && tok_is(ws, as - 1, ",") && !clause_after(ws, c + 1, hi)) {
            /* "Spain is talking more openly about …, as budget minister
             * Cristóbal Montoro told a radio station in Madrid": the
             * clause before ", as" is what was said, not the listener's
             * words after the verb */
            int that = 0;   /* or quoted words on either side with frames of their own */
            for (uint32_t j = c + 1; j < hi; j++)
                that |= (ws->ti[j].cls & L_THAT) || tok_is(ws, j, ":") || tok(ws, j)->kind == NE_TOK_QUOTE;
            for (size_t r = 0; r < ws->nrq; r++)
                that |= ws->rq[r].open >= lo && ws->rq[r].open < as && ws->rq[r].owner >= 0;
            if (!that) {
                add_reported(ws, lo, as - 1, (int32_t)c, (int32_t)c + 1, n);
                continue;
            }
        }
        uint32_t s = content_start(ws, c, hi);
        if (s >= hi || indirect_question(ws, c, s, hi)) continue;
        uint32_t e = content_end(ws, s, hi);
        add_reported(ws, s, e, (int32_t)c, (int32_t)c + 1, n);
    }
}

/* ---- step 4: floating quotations ---------------------------------------- */

/* True when the quotation opened at token `open` follows a sentence's
 * opening connective and its comma: "Plus, “there were no big barriers
 * …”" continues the speaker before, as a quotation opening the sentence
 * would. */
static int after_connective(const ne_quotes_ws *ws, uint32_t open)
{
    static const char *const words[] = { "Plus", "Also", "And", "But", "Still", "However", "Moreover", "Indeed",
                                         "Besides", "Yet", "Instead", "Again", "Meanwhile", "Later", "Then" };
    if (open < 2 || !tok_is(ws, open - 1, ",") || !qt_starts_sentence(ws, open - 2)) return 0;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (tok_is(ws, open - 2, words[k])) return 1;
    return 0;
}

void qt_find_floating(ne_quotes_ws *ws)
{
    for (size_t r = 0; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->owner >= 0 || q->prev >= 0 || (q->title && q->next < 0)) continue;
        uint32_t words = 0;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) words += ws->rq[x].nwords;
        if ((!qt_starts_sentence(ws, q->open) && !after_connective(ws, q->open)) || words < 3)
            continue;   /* scare quote, title */
        int32_t si = add_stmt(ws, NE_QUOTE_DIRECT);
        ws->st[si].rq = (int32_t)r;
        ws->st[si].floating = 1;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
    }
}
