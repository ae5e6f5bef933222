/* events — the JSON shapes of CONTRACT.md, rendered from a document.
 *
 * Each function appends one complete JSON object to `out`. Absent optional
 * input fields are rendered as null. Strings in the document are valid
 * UTF-8 (the decoder guarantees it), so they are escaped, not re-validated.
 */
#ifndef NE_EVENTS_H
#define NE_EVENTS_H

#include "common/nebuf.h"
#include "enrichers/pipeline/doc.h"

/* articles.enriched value. */
void ne_events_enriched(nebuf *out, const ne_doc *doc);

/* articles.duplicates value: {"id","duplicate_of","kind","similarity"}. */
void ne_events_duplicate(nebuf *out, const char *id, const char *duplicate_of,
                         const char *kind, double similarity);

/* The quote object shared by enriched events, claims and alerts. */
void ne_events_quote(nebuf *out, const ne_doc *doc, const ne_quote *q);

/* claims value for doc->quotes[i]. */
void ne_events_claim(nebuf *out, const ne_doc *doc, const ne_quote *q);

#endif
