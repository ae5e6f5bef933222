/* entities — the entities stage: people, organisations and places, one
 * entity per real-world referent of the article.
 *
 * The stage runs after "text" (it reads doc->body_text and
 * doc->title_text) and fills doc->entities:
 *
 *  1. The NER model (entities.model; ner.h) tags the body sentences and
 *     the title as one document.
 *  2. A gazetteer adds and corrects spans: the configured watchlist (names,
 *     aliases, role nouns such as "the Russian leader") and the bundled
 *     models/gazetteer.tsv (places, organisations; given names for gender
 *     hints), found beside the model file. Matching is over tokens and
 *     case-aware; a role noun matches "the" or "The" and, where the alias
 *     has a lower-case word, also its capitalised form ("the Russian
 *     president" matches "the Russian President", not the reverse).
 *     In lines without case information (a title-case headline, a photo
 *     caption) the tagger's spans only count where the rest of the article
 *     confirms them ("Putin Says He Didn’t Meddle": no person "Meddle").
 *     Document-level consistency: a word that is a person's surname is that
 *     person wherever it appears capitalised mid-sentence, whatever the
 *     tagger said ("the Trump campaign"); names listed alongside a person
 *     ("Brennan, Clapper and Comey") are people too.
 *  3. Mentions are joined into entities. People: a full name (two or more
 *     name words after titles such as "President" or "Mr" are set aside)
 *     joins an earlier full name with the same surname and a compatible
 *     given name ("Donald Trump", "Donald J. Trump"); one with a different
 *     given name starts a new entity. A surname or titled surname ("Trump",
 *     "Mr Trump", "Trump’s") joins the nearest full name before it, else
 *     the first one after it, else an entity of its own. Direct aliases of
 *     a watched person ("POTUS") join that person; role nouns join that
 *     person only when the article also names them. Organisations and
 *     places with the same normalised name (or the same gazetteer
 *     canonical name) are one entity, and an acronym defined in the text
 *     ("Democratic National Committee (DNC)") joins its long form.
 *  4. Coreference (enrichers/coref/coref.h, models/coref.model beside the
 *     NER model, one model per process, a workspace per stage state): the
 *     detector finds pronouns, titles alone ("the mayor"), descriptions
 *     ("the 56-year-old", "the company", "the statement") and appositions
 *     in the body; the people and organisations of step 3 are its names;
 *     the learned resolver chooses each mention's antecedent. A title,
 *     description or pronoun whose nearest named antecedent belongs to an
 *     entity becomes a mention of it (a person's "he" never an
 *     organisation's, "it" never a person's, "her father" never hers). An
 *     organisation whose name the coreference joins to a person's, or
 *     that spells the full name of a person of the article ("Donald
 *     Trump" tagged ORG in a headline), becomes that person (one type per
 *     entity); a short name joined to another
 *     person by given name only ("Andrew" to "Andrew Smith") goes to the
 *     watched person the coreference joins it to ("Prince Andrew"). A full
 *     name never changes entity.
 *  5. Each entity gets a canonical name (the fullest form in the article,
 *     titles and possessives removed; "Nova Scotia Liberal MP Sean Fraser"
 *     is "Sean Fraser"; for a watched person named only by surname or
 *     alias, the watchlist name), an id (watchlist id, else the slug of the
 *     name, made unique within the article), `watched`, a gender hint for
 *     people (titles, then given names), its distinct titles (`titles`:
 *     "Prime Minister", "CEO": the title words right before a name, not
 *     the words that qualify them, "Nova Scotia Liberal") and every
 *     mention in reading order: the title's first, then the body's. Each
 *     mention has a kind (name, title, description, pronoun) and covers
 *     whole tokens; a person's name mention covers the name only, its
 *     title in title_start/title_end ("Prime Minister" of "Prime Minister
 *     Vladimir Meciar"); a direct alias or role noun ("POTUS", "the
 *     Russian leader") is a title mention. Entities are in order of their
 *     first name mention.
 *
 * With entities.enabled false the stage is present but does nothing.
 * A missing or unreadable model or gazetteer fails ne_pipeline_new with a
 * message naming the path. A relative entities.model is looked up in the
 * current directory, then in ../models beside the running binary.
 *
 * Threads: the state (model, gazetteer, scratch) belongs to one pipeline,
 * which runs on one thread.
 */
#ifndef NE_ENTITIES_H
#define NE_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "enrichers/pipeline/doc.h"
#include "enrichers/pipeline/pipeline.h"

/* The stage's functions, for the stage table (pipeline.c). create() returns
 * the state or NULL with a message in err (a model, gazetteer or watchlist
 * that cannot be read); process() returns 0; destroy() accepts NULL. An
 * allocation failure aborts (common/xalloc.h). The code is in this folder, one file per step
 * (entities_int.h). */
void *ne_entities_create(const ne_config *cfg, char *err, size_t errlen);
int   ne_entities_process(void *state, ne_doc *doc);
void  ne_entities_destroy(void *state);
/* A new watchlist (ne_stage.reconfigure): 0, or -1 with err and nothing changed. */
int   ne_entities_reconfigure(void *state, const ne_config *cfg, char *err, size_t errlen);

/* ---- for the quotes stage: who is mentioned where ------------------------ */

/* Index into doc->entities of the PERSON with a body mention covering body
 * token `tok` (a name's title counts: "Mr" of "Mr Macron"; so do the
 * coreference's titles, descriptions and pronouns), or -1. O(mentions). */
long ne_entities_person_at(const ne_doc *doc, size_t tok);

/* Fills map[i] (i < doc->body_text.ntoks) with ne_entities_person_at(doc, i)
 * for every body token at once, in O(tokens + mentions). */
void ne_entities_person_map(const ne_doc *doc, int32_t *map);

/* The PERSON whose latest body mention ends at or before byte `at`, or -1.
 * `want` filters by gender hint: NE_GENDER_MALE accepts people not known to
 * be female (so "he" can be resolved), NE_GENDER_FEMALE the reverse,
 * NE_GENDER_UNKNOWN anyone. O(mentions). */
long ne_entities_last_person_before(const ne_doc *doc, uint32_t at, enum ne_gender want);

/* The entity (any type) with a body mention covering byte `at`, or -1;
 * *m (when m is not NULL) its mention, whose kind says how it names the
 * entity: a speaker "he", "the mayor" or "the statement" resolves to the
 * coreference's entity. A name's title counts as its mention. O(mentions). */
long ne_entities_mention_at(const ne_doc *doc, uint32_t at, const ne_mention **m);

/* ---- exposed for tests ----------------------------------------------------- */

/* The id slug of a name: lower-case ASCII letters and digits, diacritics
 * of Latin letters folded (é → e, ß → ss), every other run of characters
 * one '-', none at either end ("Bashar al-Assad" → "bashar-al-assad").
 * Writes at most cap-1 bytes and a NUL; returns the length (0 when the name
 * has no foldable letter or digit). */
size_t ne_entities_slug(const char *name, size_t len, char *out, size_t cap);

/* Resolves a model path as the stage does (see above) into out; returns 0,
 * or -1 when no candidate is readable (out then holds the path as given). */
int ne_entities_resolve_path(const char *path, char *out, size_t cap);

#endif
