/* decode — one consumed record into a document, or a rejection.
 *
 * A record whose first non-blank byte is '{' is a JSON object (fields in
 * CONTRACT.md: body or its alias text, or html; id, title, url, source,
 * published_at, language). Anything else is a plain-text article: the first
 * non-empty line is the title, the rest the body.
 *
 * Web pages (enrichers/html/html.h): a record with an "html" string and no
 * body/text, a body that is an HTML document by its content
 * (ne_html_sniff: <!doctype html>, <html>, or <head>/<body> early), or a
 * non-JSON record that is one, is a page: its main text becomes the body
 * (offsets refer to it), its title, url, language and published time fill
 * the record's missing ones, its authors go to doc->authors, and
 * doc->format is NE_FORMAT_HTML. A page without article text is
 * no_article_text.
 *
 * The body then loses its page furniture: trailing comment prompts ("Leave
 * a comment", "Be the first to comment on …", "Your email address will not
 * be published."), share/subscribe lines, a bare site name ("news.sky.com")
 * at its end; nothing else is rewritten.
 *
 * Rejections, checked in this order: empty (no bytes, or only whitespace),
 * too_large (more than max_bytes), invalid_utf8, invalid_json (starts with
 * '{' but does not parse, or holds a NUL), missing_body (no body/text
 * string), no_article_text (a page without article text), empty (a body
 * with nothing left after furniture is removed).
 */
#ifndef NE_DECODE_H
#define NE_DECODE_H

#include <stddef.h>

#include "enrichers/pipeline/doc.h"

enum ne_reject {
    NE_REJECT_NONE = 0,
    NE_REJECT_INVALID_UTF8,
    NE_REJECT_INVALID_JSON,
    NE_REJECT_MISSING_BODY,
    NE_REJECT_TOO_LARGE,
    NE_REJECT_EMPTY,
    /* Not the decoder's: an output of the record the broker (or the
     * producer's own limit) refuses for its size; see ne_pipeline_reject_output. */
    NE_REJECT_OUTPUT_TOO_LARGE,
    NE_REJECT_NO_ARTICLE_TEXT,  /* a web page without article text */
    NE_REJECT__COUNT
};

/* The contract's error.reason string: "invalid_utf8", … ; "" for NONE. */
const char *ne_reject_reason(enum ne_reject r);

/* Decodes `len` bytes into `doc` (which must be reset). On success returns
 * NE_REJECT_NONE with doc->body, title and metadata set and doc->id set
 * (given, else derived from the url, else from the body: 16 hex digits of
 * SHA-256). On rejection returns the reason, writes a human-readable detail
 * (e.g. "invalid UTF-8 at byte 17") into `detail`, and leaves the doc in a
 * state ne_doc_reset() can clean. */
enum ne_reject ne_decode(const char *bytes, size_t len, size_t max_bytes,
                         ne_doc *doc, char *detail, size_t detail_len);

/* Removes page furniture from the end (and furniture lines anywhere) of a
 * body in place; returns the new length. Exposed for tests. */
size_t ne_strip_furniture(char *body, size_t len);

/* Returns the offset of the first invalid UTF-8 byte, or (size_t)-1 if the
 * bytes are valid (overlong forms and surrogates are invalid). */
size_t ne_utf8_invalid_at(const char *s, size_t len);

#endif
