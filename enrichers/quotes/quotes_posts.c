/* quotes_posts — embedded social posts as quotes of kind `post`.
 *
 * A page or feed that embeds a tweet or an Instagram post carries the
 * post's words and then its account line, "— Jane Roe (@jroe) March 3,
 * 2017" (or both on one line; Instagram's "A post shared by Jane Roe
 * (@jroe) on …"). The text stage keeps both out of the running text
 * (text.h, ne_text_analyze_body: they have no tokens, so no sentence,
 * entity or ordinary quote comes from them); here they come back as one
 * quote: the post's words (a trailing pic.twitter.com or t.co link left
 * out, and a markup tag before them), spoken by the account's name. The speaker is the article's entity
 * of that name when it has one (the same full name, or the same first and
 * last words: "Donald J. Trump" is "Donald Trump"), so a watched person's
 * post raises their alerts; otherwise a named speaker without an entity.
 *
 * Cost: one pass over the body's lines; the account test reads a line
 * only when it holds " (@".
 */
#include "enrichers/quotes/quotes_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "enrichers/text/text.h"

static int space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* [b, e) without surrounding spaces and without trailing links and dashes
 * ("… pic.twitter.com/abc", "… https://t.co/xyz"). */
static void trim_post(const char *s, uint32_t *b, uint32_t *e)
{
    for (;;) {
        while (*b < *e && space(s[*b])) (*b)++;
        while (*e > *b && (space(s[*e - 1]) || s[*e - 1] == '-')) (*e)--;
        /* a markup tag before the words, as some archives wrap posts
         * (<tweet id="…" author="@…">…) */
        if (*b < *e && s[*b] == '<') {
            const char *gt = memchr(s + *b, '>', *e - *b < 300 ? *e - *b : 300);
            if (gt) { *b = (uint32_t)(gt - s) + 1; continue; }
        }
        uint32_t w = *e;
        while (w > *b && !space(s[w - 1])) w--;
        if (w < *e && (!strncmp(s + w, "pic.twitter.com/", 16) || !strncmp(s + w, "http://", 7) ||
                       !strncmp(s + w, "https://", 8)))
            *e = w;
        else if (*e >= *b + 3 && (unsigned char)s[*e - 3] == 0xE2 && (unsigned char)s[*e - 2] == 0x80 &&
                 ((unsigned char)s[*e - 1] == 0x94 || (unsigned char)s[*e - 1] == 0x93))
            *e -= 3;   /* a dash left before the account */
        else
            return;
    }
}

static int by_start(const void *a, const void *b)
{
    const ne_quote *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

void qt_add_posts(ne_doc *doc)
{
    const char *s = doc->body;
    size_t len = doc->body_len, added = 0, cap = doc->nquotes;
    uint32_t prev_b = 0, prev_e = 0;   /* the last non-blank line */
    /* an '@' first (memchr): most bodies have none, and memchr reads a
     * body several times faster than memmem */
    if (!s || len > UINT32_MAX || !memchr(s, '@', len) || !memmem(s, len, " (@", 3)) return;
    for (size_t b = 0; b < len;) {
        const char *nl = memchr(s + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - s) : len, at, nm, ne;
        uint32_t lb = (uint32_t)b, le = (uint32_t)e;
        trim_post(s, &lb, &le);
        if (lb < le && memmem(s + lb, le - lb, " (@", 3) &&
            ne_text_post_account(s + lb, le - lb, &at, &nm, &ne)) {
            uint32_t pb, pe;
            if (at > 0) { pb = lb; pe = lb + (uint32_t)at; }
            else { pb = prev_b; pe = prev_e; }
            trim_post(s, &pb, &pe);
            if (pe > pb) {
                ne_quote q = {0};
                q.kind = NE_QUOTE_POST;
                q.text = ne_xstrndup(s + pb, pe - pb);
                q.start = pb;
                q.end = pe;
                q.parts = ne_xmalloc(sizeof *q.parts);
                q.parts[0] = (ne_span){pb, pe};
                q.nparts = 1;
                q.has_speaker = 1;
                q.speaker_start = lb + (uint32_t)nm;
                q.speaker_end = lb + (uint32_t)ne;
                q.speaker_text = ne_xstrndup(s + q.speaker_start, ne - nm);
                q.speaker_entity = ne_doc_entity_named(doc, q.speaker_text, ne - nm);
                q.is_new = 1;
                q.claim_id = ne_xmalloc(17);
                ne_quotes_claim_id(q.text, pe - pb, q.claim_id);
                ne_grow(&doc->quotes, &cap, doc->nquotes + 1, sizeof *doc->quotes);
                doc->quotes[doc->nquotes++] = q;
                added++;
            }
            prev_b = prev_e = 0;   /* an account line is nobody's post */
        } else if (le > lb) {
            prev_b = lb;
            prev_e = le;
        }
        if (!nl) break;
        b = e + 1;
    }
    if (!added) return;
    /* in reading order, numbered as the other quotes are */
    qsort(doc->quotes, doc->nquotes, sizeof *doc->quotes, by_start);
    for (size_t i = 0; i < doc->nquotes; i++) {
        size_t idlen = (doc->id ? strlen(doc->id) : 0) + 24;
        free(doc->quotes[i].id);
        doc->quotes[i].id = ne_xmalloc(idlen);
        snprintf(doc->quotes[i].id, idlen, "%s-q%zu", doc->id ? doc->id : "article", i);
    }
}
