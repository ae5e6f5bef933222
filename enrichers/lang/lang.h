/* lang — the article's language, and whether the English models may run.
 *
 * The lang stage settles doc->language, doc->language_confidence and
 * doc->non_english (doc.h) for the later stages:
 *  - an input `language` (any non-empty string) is kept as it is and not
 *    second-guessed: confidence stays unset (published as null). It is
 *    English when its primary subtag is "en" or "eng", any case ("en",
 *    "en-US", "EN_gb").
 *  - a web page's `<html lang>` (doc->language_hint: the record named no
 *    language) is a hint, not an override: the text is still detected,
 *    and a detection of another language (primary subtags differ) with
 *    confidence >= NE_LANG_GATE replaces it, published with its
 *    confidence; otherwise the page's tag stands as an input language's
 *    does. Site templates label every page "en", French articles too.
 *  - otherwise the language is detected with CLD2 (Compact Language
 *    Detector 2, Debian's libcld2, through a small C++ shim:
 *    lang_cld2.cc) from the title and the first NE_LANG_EXAMINED bytes of
 *    the body (cut at a character boundary). The result is a BCP 47 code
 *    ("en", "de", "zh", "zh-Hant", "he"), published with its confidence:
 *    the share of the examined text CLD2 gives the language (0..1), capped
 *    at 0.49 when CLD2 does not call its answer reliable (too little text,
 *    or a close second language). Text CLD2 cannot place (too short, only
 *    names, numbers or markup) leaves language null and confidence unset.
 *
 * The English models — the NER tagger, coreference, the quote cues and the
 * speaker ranker — are skipped (doc->non_english = 1) only when the text
 * is known not to be English: the input named another language, or CLD2
 * found another language reliably (confidence >= NE_LANG_GATE). Short or
 * undetermined text keeps them, because English is what this service is
 * fed and a wrong "off" loses every model-found entity and speaker, while
 * a wrong "on" costs what it did before languages were detected.
 *
 * Why CLD2 and not libexttextcat (both Debian packages), measured side
 * by side on a 1 KB prefix of scripts/lang_eval_set.py's texts (none tuned
 * on): CLD2 was right on all 84 PolNeAR dev articles, 239 GUM documents,
 * 867 English webextract pages and 36 texts in ten other languages, and on
 * 1,119 of 1,138 UD EWT sentences (18 undetermined: e-mail headers, rulers,
 * URLs; one e-mail line read as Norwegian); textcat missed 251 of the
 * UD EWT sentences, 9 GUM documents, 2 English webextract pages and one
 * Chinese page. (Two Lorem ipsum pages, which both missed, have since
 * left the set.) CLD2 took 56 µs CPU per PolNeAR article at 1 KB, 84 µs at 2 KB,
 * 141 µs at 4 KB (no accuracy gained: hence 1 KB); textcat 446-622 µs.
 * CLD2 also says how reliable it is and how much of the text is the
 * language; textcat gives only ranked names. (`make eval-lang` measures
 * the stage alone: 34 µs per PolNeAR article.)
 *
 * Cost: one CLD2 call on at most NE_LANG_EXAMINED + 512 bytes of title,
 * ~35 µs CPU an article (6 % of the offline chain), nothing when the
 * input record names its language (a page's <html lang> does not spare it).
 *
 * Ownership: doc->language is the document's (malloc'd); the stage has no
 * state of its own. Threads: any number of threads may call these
 * functions at once (CLD2 reads only static tables).
 */
#ifndef NE_LANG_H
#define NE_LANG_H

#include <stddef.h>

#include "config/config.h"
#include "enrichers/pipeline/doc.h"

/* Bytes of the body examined (plus the title). */
#define NE_LANG_EXAMINED 1024
/* Confidence from which a detected language other than English turns the
 * English models off. */
#define NE_LANG_GATE 0.5
/* The most an answer CLD2 does not call reliable is trusted: below the gate. */
#define NE_LANG_UNRELIABLE_MAX 0.49

/* A detection: code "" when undetermined. */
typedef struct ne_lang_guess {
    char   code[16];     /* BCP 47 */
    double confidence;   /* 0..1, see above; 0 when undetermined */
} ne_lang_guess;

/* Detects the language of the UTF-8 text s[0, len) (all of it: the caller
 * caps it). Never fails; invalid UTF-8 is undetermined. */
void ne_lang_detect(const char *s, size_t len, ne_lang_guess *out);

/* True when a language tag names English ("en", "en-GB", "eng", any case). */
int ne_lang_is_english(const char *tag);

/* The stage (pipeline.c's table). create() returns a non-NULL token (no
 * state); process() fills the language fields of doc and returns 0;
 * destroy() accepts anything. */
void *ne_lang_create(const ne_config *cfg, char *err, size_t errlen);
int   ne_lang_process(void *state, ne_doc *doc);
void  ne_lang_destroy(void *state);

#endif
