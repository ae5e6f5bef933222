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

/* True when the token's text (case-sensitive) is a known abbreviation such
 * as "Mr", "Mr.", "Sept.", "U.S.", "Gov." — exposed for the later stages. */
int ne_text_is_abbrev(const char *s, size_t len);

#endif
