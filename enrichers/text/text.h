/* text — the UTF-8 tokenizer and sentence splitter every stage builds on.
 *
 * ne_text_analyze() fills the token, sentence and paragraph layers of a
 * text (see doc.h). It never fails on valid UTF-8; invalid sequences are
 * taken one byte at a time as symbols, so arbitrary bytes are safe.
 *
 * Paragraphs are separated by one or more line breaks, except in
 * hard-wrapped text (fixed-width lines, found from the text itself: see
 * text.c), where a single line break inside a paragraph is a space;
 * t->wrap_width is then the width of the lines. Sentences end at
 * . ! ? … (and a closing quote or bracket after them), not after known
 * abbreviations ("Mr.", "Sept.", "U.S." followed by a lower-case word),
 * initials ("Donald J. Trump"), or decimal numbers; a sentence never
 * spans a paragraph break.
 *
 * Ownership: the arrays belong to `t` and are released by ne_text_clear()
 * (doc.h). t->s is not owned.
 */
#ifndef NE_TEXT_H
#define NE_TEXT_H

#include "enrichers/pipeline/doc.h"

/* Sets t->s/t->len to (s, len) and builds every layer; replaces whatever
 * layers t had. Returns 0, or -1 for bad input (t NULL, s NULL with len
 * > 0, len > UINT32_MAX: the layers of t are then cleared). */
int ne_text_analyze(ne_text *t, const char *s, size_t len);

/* The body of an article: ne_text_analyze(), and the paragraphs that are
 * page furniture get no tokens (so no sentence, entity or quote comes
 * from them; offsets still refer to s): bylines ("By Jane Doe and John
 * Roe, Reuters"), credit blocks ("Reporting by …; Editing by …", also as
 * a paragraph's closing "(Reporting by …)"), photo captions and credits
 * ("FILE PHOTO: …", "(AP Photo/…)", "REUTERS/Name", "…/Getty Images"),
 * "Related"/"Read more" lines and the headlines listed under such a
 * heading, newsletter and app promos, embedded posts (an account line
 * "— Name (@handle) Month D, YYYY" and the post's words before it, or a
 * paragraph with "pic.twitter.com/"), and a first paragraph that repeats
 * the title (title may be NULL). Tokens keep their paragraph index: the
 * skipped paragraphs are not in t->paras. */
int ne_text_analyze_body(ne_text *t, const char *s, size_t len, const char *title, size_t title_len);

/* A title: ne_text_analyze(), and a site or section name after the last
 * separator (" - TheHill", " | CNN Politics", " – SFGate") gets no tokens.
 * The name is one to four capitalised words (or a domain) after " | ",
 * " - ", " – " or " — ", behind a headline of four words or more. */
int ne_text_analyze_title(ne_text *t, const char *s, size_t len);

/* Line tests behind ne_text_analyze_body (text_furniture.c), each on one
 * paragraph s[0..n): */
int ne_text_furniture(const char *s, size_t n);     /* any of the kinds above */
int ne_text_byline(const char *s, size_t n);        /* "By Jane Doe, Reuters" */
size_t ne_text_byline_prefix(const char *s, size_t n); /* bytes of "By ", "Written by ", or 0 */
int ne_text_credit_prefix(const char *s, size_t n);    /* "(Reporting by", "Editing by", … */
int ne_text_related_heading(const char *s, size_t n);  /* "Related Coverage", "READ MORE:" */
int ne_text_list_headline(const char *s, size_t n);    /* a listed headline (after a heading) */
/* An embedded post's account line in s[0..n): its start *at (the post's
 * words, when any, are s[0..*at)) and the author's name [*name, *name_end). */
int ne_text_post_account(const char *s, size_t n, size_t *at, size_t *name, size_t *name_end);

/* The people a byline among the first paragraphs of body names ("By Jane
 * Doe and John Roe, Reuters" → "Jane Doe", "John Roe"; agencies and
 * "Staff Writer" left out): a malloc'd array of malloc'd names, *n of
 * them, or NULL when there is none. */
char **ne_text_byline_authors(const char *body, size_t len, size_t *n);

/* True when the token's text (case-sensitive) is a known abbreviation such
 * as "Mr", "Mr.", "Sept.", "U.S.", "Gov." — exposed for the later stages. */
int ne_text_is_abbrev(const char *s, size_t len);

#endif
