/* quotes_spans — where quotations are (quotes_int.h): paragraphs that
 * read like headlines (never searched), the quotation spans from the
 * quote marks (step 1 of quotes.h), and the bounds of the clause around a
 * token, which every later step uses.
 */
#include "enrichers/quotes/quotes_int.h"

#include <string.h>

/* ---- clause bounds ------------------------------------------------------------ */

/* True when word token i ends its sentence with its own period: "at 2
 * a.m. \"The victim …", "in the U.S. The …" (the text layer found the
 * sentence end; no stop token follows). */
static int abbrev_ends_sentence(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_WORD || ws->ti[i].region == R_QUOTE || i + 1 >= ws->t->ntoks) return 0;
    return ws->t->s[k->end - 1] == '.' && (tok(ws, i + 1)->flags & NE_TF_SENT_START) &&
           tok(ws, i + 1)->para == k->para;
}

/* First token of the clause that holds token i: after the previous stop,
 * semicolon or (with at_quote) closing quotation, within the paragraph and
 * at most 60 tokens back. */
uint32_t qt_left_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote)
{
    uint32_t lo = para_start(ws, i), j = i;
    while (j > lo && i - j < 60) {
        uint32_t p = j - 1;
        if (is_stop(ws, p) || abbrev_ends_sentence(ws, p) || (ws->ti[p].region != R_QUOTE && tok_is(ws, p, ";")))
            break;
        if (at_quote && ws->ti[p].region == R_QUOTE) break;
        if (tok(ws, p)->kind == NE_TOK_QUOTE && (tok(ws, p)->flags & NE_TF_CLOSE) && p > lo && is_stop_any(ws, p - 1))
            break;   /* `… control." The agency said` */
        j = p;
    }
    return j;
}

/* One past the last token of the clause that starts at i: the next stop
 * or semicolon outside quotations (quotations are crossed; a stop inside a
 * quotation that ends the sentence — `"… lacking."` — ends it too), or
 * with at_quote the next quotation; within the paragraph, 80 tokens. */
uint32_t qt_right_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote)
{
    uint32_t hi = para_end(ws, i), j = i;
    while (j < hi && j - i < 80) {
        if (is_stop(ws, j) || (ws->ti[j].region != R_QUOTE && tok_is(ws, j, ";"))) break;
        if (abbrev_ends_sentence(ws, j)) return j + 1;
        if (ws->ti[j].region == R_QUOTE) {
            if (at_quote) break;
            /* a closing mark right after a stop, followed by a capital or
             * the paragraph end, ends the sentence */
            const ne_token *k = tok(ws, j);
            if (k->kind == NE_TOK_QUOTE && (k->flags & NE_TF_CLOSE) && j > i && is_stop_any(ws, j - 1) &&
                (j + 1 >= hi || (tok(ws, j + 1)->flags & NE_TF_CAP)))
                return j + 1;
        }
        j++;
    }
    return j;
}

/* ---- headlines ------------------------------------------------------------------ */

/* A paragraph that reads like a headline or caption: short, with no final
 * stop (or colon), or the title repeated as the first paragraph. Quotes in
 * it are not quotes and its words name no speakers. */
void qt_prepare_headlines(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ne_grow(&ws->head_para, &ws->hp_cap, t->nparas + 1, 1);
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        int head = 0;
        if (pa->tok_end > pa->tok_start) {
            size_t last = pa->tok_end - 1, words = 0;
            while (last > pa->tok_start && t->toks[last].kind == NE_TOK_QUOTE &&
                   (t->toks[last].flags & NE_TF_CLOSE))
                last--;
            for (size_t i = pa->tok_start; i < pa->tok_end; i++) words += t->toks[i].kind == NE_TOK_WORD;
            char c = t->s[t->toks[last].start];
            int final = t->toks[last].kind == NE_TOK_PUNCT &&
                        (c == '.' || c == '!' || c == '?' || c == ':' || tok_is(ws, last, "\xE2\x80\xA6") ||
                         tok_is(ws, last, "\xE3\x80\x82"));   /* … and the CJK full stop 。 */
            /* a paragraph that continues an open quotation is not a headline */
            int opens_quote = t->toks[pa->tok_start].kind == NE_TOK_QUOTE;
            if (!final && words <= 20 && !opens_quote) head = 1;
            const ne_doc *doc = ws->doc;
            if (p == 0 && doc->title && doc->title_len > 8 && pa->end - pa->start >= doc->title_len &&
                memcmp(t->s + pa->start, doc->title, doc->title_len) == 0)
                head = 1;
        }
        ws->head_para[p] = (uint8_t)head;
        if (head)
            for (size_t i = pa->tok_start; i < pa->tok_end; i++) ws->ti[i].region = R_HEAD;
    }
}

/* ---- step 1: quotation spans -------------------------------------------- */

/* The words a title leaves in lower case ("Gone with the Wind", "Make
 * America Great Again" has none). */
static int title_function_word(const ne_quotes_ws *ws, uint32_t i)
{
    static const char *const words[] = { "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at",
                                          "to", "for", "by", "with", "from", "as", "into", "upon", "vs", "v",
                                          "via", "per", "de", "la", "le", "du", "von", "van" };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (tok_is(ws, i, words[k])) return 1;
    return 0;
}

/* True when the words [b, e) read as a name or the title of a work: two
 * or more words, every one capitalised but function words, and no
 * sentence stop; or exactly one entity mention. Any other lower-case
 * word makes it speech: "Get Brexit done" (two capitals, and "done") was
 * read as a title and lost. */
static int is_title(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    uint32_t words = 0, caps = 0;
    for (uint32_t i = b; i < e; i++) {
        const ne_token *k = tok(ws, i);
        if (k->kind == NE_TOK_PUNCT && is_stop_any(ws, i)) return 0;
        if (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM) continue;
        words++;
        if ((k->flags & NE_TF_CAP) || k->kind == NE_TOK_NUM) caps++;
        else if (!title_function_word(ws, i)) return 0;
    }
    if (words >= 2 && caps >= 2 && words <= 10) return 1;
    /* a show or paper of a named owner: "on NBC's “Today”" */
    if (words >= 1 && caps == words && b >= 2 && tok(ws, b - 2)->kind == NE_TOK_WORD &&
        (tok(ws, b - 2)->flags & NE_TF_CAP) && qt_is_possessive(ws, b - 2))
        return 1;
    const tokinfo *ti = &ws->ti[b];
    return words >= 1 && ti->ent >= 0 && ti->mbeg == b && ti->mend >= e;
}

/* Records the quotation from mark `open` to `close` (a closing mark, or
 * the paragraph end when it stays open). Trims a comma the quote ends on. */
static void add_quote(ne_quotes_ws *ws, uint32_t open, uint32_t close, int closed)
{
    const ne_text *t = ws->t;
    uint32_t b = open + 1, e = close;
    while (e > b && t->toks[e - 1].kind == NE_TOK_PUNCT && tok_is(ws, e - 1, ",")) e--;
    if (e <= b) return;
    /* a nickname inside a person's name ("John “Jay” Raymond"): the
     * entities stage made the whole one mention; no quotation */
    if (closed && ws->ti[open].ent >= 0 && ws->ti[open].ent == ws->ti[close].ent && ws->ti[open].mbeg < open &&
        ws->ti[close].mend > close + 1)
        return;
    ne_grow(&ws->rq, &ws->rq_cap, ws->nrq + 1, sizeof *ws->rq);
    rawq *q = &ws->rq[ws->nrq++];
    q->open = open;
    q->close = close;
    q->start = t->toks[b].start;
    q->end = t->toks[e - 1].end;
    q->para = t->toks[open].para;
    q->nwords = 0;
    for (uint32_t i = b; i < e; i++) q->nwords += t->toks[i].kind == NE_TOK_WORD || t->toks[i].kind == NE_TOK_NUM;
    q->next = q->prev = -1;
    q->owner = -1;
    q->closed = (uint8_t)closed;
    q->title = (uint8_t)is_title(ws, b, e);
    /* a quoted heading: the whole paragraph, a few words and no stop
     * ("'Don't burn out'", "\"Old tablets will still get patches\"") */
    if (closed && open == para_start(ws, open) && close + 1 >= para_end(ws, open) && q->nwords <= 8 &&
        !is_stop_any(ws, close - 1))
        q->title = 1;
    uint32_t last = closed ? close : close - 1;
    for (uint32_t i = open; i <= last; i++) ws->ti[i].region = R_QUOTE;
}

/* Finds the quotations of the body. Double marks pair with double marks;
 * a single mark opens a quotation only outside a double one. A quotation
 * still open at a paragraph's end continues into the next paragraph if
 * that one starts with an opening mark; otherwise it ends there. */
void qt_find_quotes(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ws->nrq = 0;
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        if (ws->head_para[p]) continue;
        int64_t open = -1;
        int dbl = 0;
        for (uint32_t i = pa->tok_start; i < pa->tok_end; i++) {
            const ne_token *k = &t->toks[i];
            if (k->kind != NE_TOK_QUOTE) continue;
            int d = is_double_mark(k->mark);
            if (open < 0) {
                if (k->flags & NE_TF_OPEN) { open = i; dbl = d; }
                continue;
            }
            if (d != dbl) continue;   /* a nested quotation of the other kind */
            if (k->flags & NE_TF_CLOSE) {
                add_quote(ws, (uint32_t)open, i, 1);
                open = -1;
            } else if (k->mark == NE_QM_LEFT_DOUBLE || k->mark == NE_QM_LOW_DOUBLE ||
                       k->mark == NE_QM_GUILLEMET_LEFT || k->mark == NE_QM_LEFT_SINGLE ||
                       k->mark == NE_QM_LOW_SINGLE || k->mark == NE_QM_CORNER_LEFT ||
                       k->mark == NE_QM_WHITE_CORNER_LEFT) {
                /* a new opening glyph while one is open: the first was never closed */
                add_quote(ws, (uint32_t)open, i, 0);
                open = i;
            } else {
                /* a straight mark the tokenizer read as opening: pairs close */
                add_quote(ws, (uint32_t)open, i, 1);
                open = -1;
            }
        }
        if (open >= 0) {
            size_t before = ws->nrq;
            add_quote(ws, (uint32_t)open, pa->tok_end, 0);
            /* continuation: the next paragraph opens with a mark of the same kind */
            if (ws->nrq > before && p + 1 < t->nparas && !ws->head_para[p + 1]) {
                const ne_para *nx = &t->paras[p + 1];
                const ne_token *f = nx->tok_end > nx->tok_start ? &t->toks[nx->tok_start] : NULL;
                if (f && f->kind == NE_TOK_QUOTE && (f->flags & NE_TF_OPEN) && is_double_mark(f->mark) == dbl)
                    ws->rq[ws->nrq - 1].next = -2;   /* linked once the next part exists */
            }
        }
    }
    /* link the continuations: the part after a -2 is the next quotation */
    for (size_t r = 0; r + 1 < ws->nrq; r++) {
        if (ws->rq[r].next != -2) continue;
        rawq *nx = &ws->rq[r + 1];
        if (nx->para == ws->rq[r].para + 1 && nx->open == t->paras[nx->para].tok_start) {
            ws->rq[r].next = (int32_t)(r + 1);
            nx->prev = (int32_t)r;
        } else {
            ws->rq[r].next = -1;
        }
    }
    if (ws->nrq && ws->rq[ws->nrq - 1].next == -2) ws->rq[ws->nrq - 1].next = -1;
}

int32_t qt_chain_tail(const ne_quotes_ws *ws, int32_t r)
{
    while (ws->rq[r].next >= 0) r = ws->rq[r].next;
    return r;
}

/* Index of the quotation whose opening mark is token i, or -1. */
int32_t qt_quote_opening_at(const ne_quotes_ws *ws, uint32_t i)
{
    size_t lo = 0, hi = ws->nrq;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ws->rq[mid].open < i) lo = mid + 1; else hi = mid;
    }
    return lo < ws->nrq && ws->rq[lo].open == i ? (int32_t)lo : -1;
}

/* True when the quotation opened by token `open` begins a sentence: at the
 * paragraph start or after a stop, colon or another quotation. */
int qt_starts_sentence(const ne_quotes_ws *ws, uint32_t open)
{
    if (open == para_start(ws, open)) return 1;
    uint32_t p = open - 1;
    return is_stop_any(ws, p) || abbrev_ends_sentence(ws, p) || tok_is(ws, p, ":") ||
           tok(ws, p)->kind == NE_TOK_QUOTE;
}
