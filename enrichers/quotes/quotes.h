/* quotes — quotations and reported speech, attributed to their speakers.
 *
 * The quotes stage reads the body's token layer (text.h) and the entities
 * the entities stage found (doc->entities) and fills doc->quotes: every
 * direct quote, every partial quote (quoted words inside a reported
 * clause, kept only when a speaker frame attaches them) and every reported
 * statement without quote marks (indirect), each with its speaker, the
 * speech verb as written, the entities it is about and a stable claim id.
 *
 * How it works, in passes over the body's tokens (all linear in the tokens
 * apart from short look-backs):
 *  1. quote spans from the quotation marks: double marks of every style
 *     (" “ ” „ « »), single marks only outside a double quotation (nested
 *     ones belong to their enclosing quote); a quotation left open at the
 *     end of a paragraph continues into the next paragraph when that one
 *     opens with a quote mark. Headline-like paragraphs (short, no final
 *     stop) and the title are never searched.
 *  2. attribution frames around each quote, most frequent first: a frame
 *     after it (`"…," X said`, `"…," said X`, apposition, `according to X`,
 *     dash tags) or before it (`X said: "…"`, `X told reporters "…"`,
 *     `Trump: "…"`). A frame between two quotes of one sentence joins them
 *     into one split quote; so does a frame followed by a further quoted
 *     sentence of the same paragraph (`"A," she said. "B."`).
 *  3. speech verbs with a subject that were not used by step 2 frame a
 *     reported clause (`X said (that) …`, `X denied …`, `…, X said.`): with
 *     quoted words inside it is one `partial` quote, else `indirect`.
 *     Then a learned filter (quotes_filter.c) drops the statements of
 *     steps 2-3 whose speech verb is used in another sense ("named his
 *     police commissioner", "declared victory", "wrote about the event"):
 *     an averaged perceptron over the verb, what follows it (that-clause,
 *     subject pronoun, auxiliary, quote, noun-phrase object, infinitive),
 *     the subject's kind, trained on PolNeAR train's statements labelled by
 *     the gold attributions of speech (tools/statements_train.c,
 *     models/statements.model, built into the library). Direct quotes are
 *     not filtered.
 *  4. a quote that is a sentence of its own without a frame (a "floating"
 *     quote) inherits the speaker of the statement before it, up to two
 *     paragraphs back; a short quoted fragment without a frame (scare
 *     quotes, titles) is not a quote.
 *  5. speakers, learned (quotes_rank.c): the candidates near each
 *     statement (the frame's subject, the two nearest person/organisation
 *     mentions before and after it, the nearest subject pronouns, the
 *     previous statement's speaker, nobody) are ranked by an averaged
 *     perceptron over hashed features, trained on PolNeAR train's source
 *     spans (tools/speakers_train.c, models/speakers.model, built into
 *     the library). The chosen phrase is resolved: an entity mention is
 *     that entity; he/she go to the first compatible person (gender
 *     hints) of the nearest earlier sentence that names one outside
 *     quotations and reported clauses; it/they to the last non-person
 *     speaker; a definite role noun ("the spokesman", "the President") to
 *     the person an earlier apposition gave that role ("Kremlin
 *     spokesman Dmitry Peskov", "US President Donald Trump"), else to the
 *     entity whose title or description mention the coreference
 *     published there ("the mayor", "the statement"; "his office", "the
 *     mayor's office", "its statement": the possessor's), else "the
 *     company", "the ministry" … to the only organisation named outside
 *     quotations in the last three paragraphs; a pronoun or title the
 *     coreference published as an entity's mention is that entity;
 *     anything else is a described speaker (entity -1, its words as
 *     speaker_text).
 *     The speech verbs are a hand list or-ed with forms learned from
 *     PolNeAR train's cue spans (quotes_cuelex.inc, tools/cues_learn.c);
 *     a speech verb used as a noun or adjective ("a Trump tweet", "a
 *     phone call") is no cue.
 *
 * Ownership: the stage replaces doc->quotes; every string in a quote is
 * malloc'd and owned by the document (ne_doc_reset frees them).
 * Threads: a workspace is used by one thread at a time.
 */
#ifndef NE_QUOTES_H
#define NE_QUOTES_H

#include <stddef.h>

#include "enrichers/pipeline/doc.h"
#include "enrichers/pipeline/pipeline.h"

/* The stage's functions, for the stage table (pipeline.c); the stage is a
 * no-op when quotes.enabled is false. create() returns the state (it has
 * nothing that can fail; err is left alone); process() returns 0 (an int
 * for the stage table: out of memory aborts, common/xalloc.h); destroy()
 * accepts NULL. The code is in this folder, one file per pass
 * (quotes_int.h). */
void *ne_quotes_create(const ne_config *cfg, char *err, size_t errlen);
int   ne_quotes_process(void *state, ne_doc *doc);
void  ne_quotes_destroy(void *state);

/* Scratch memory of the extractor, reused across documents (it grows to
 * the largest document seen). Never NULL. */
typedef struct ne_quotes_ws ne_quotes_ws;
ne_quotes_ws *ne_quotes_ws_new(void);
void ne_quotes_ws_free(ne_quotes_ws *ws);   /* accepts NULL */

/* With on = 1 the workspace resolves speakers by the hand-ordered rules
 * (the frame's subject; a floating quote takes the previous speaker)
 * instead of the learned ranker: for training and for comparisons. */
void ne_quotes_ws_set_rules(ne_quotes_ws *ws, int on);

/* Replaces doc->quotes with the quotes of doc's body. Needs the body's
 * text layer (ne_text_analyze) and reads doc->entities when present.
 * Returns 0 (an int for callers that chain stage calls; there is no
 * error: out of memory aborts). */
int ne_quotes_extract(ne_quotes_ws *ws, ne_doc *doc);

/* What a word (any case; ’ read as ') is to the extractor: a speech verb
 * that introduces quotes ("said", "tweets", "according"), a belief or plan
 * verb that never does ("think", "expects"), or neither. */
enum ne_cue_class { NE_CUE_NONE = 0, NE_CUE_SPEECH, NE_CUE_BELIEF };
enum ne_cue_class ne_quotes_cue_class(const char *word, size_t len);

/* The claim id of a statement: the first 16 hex digits of the SHA-256 of
 * its normalised text (letters and digits lower-cased, everything else —
 * quote marks, punctuation, whitespace — folded into single spaces,
 * trimmed). Writes 16 hex digits and a NUL to out. */
void ne_quotes_claim_id(const char *text, size_t len, char out[17]);

#endif
