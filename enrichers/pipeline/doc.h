/* doc — the document model every enrichment stage reads and annotates.
 *
 * A document holds two texts, the title and the cleaned body, each with its
 * own token, sentence and paragraph layers. All offsets are UTF-8 byte
 * offsets into that text, half-open [start, end). Stages add their
 * annotations (dedup decision, entities, quotes) to the document; nothing
 * is copied between stages.
 *
 * Ownership: the document owns every pointer in it. ne_doc_free() releases
 * it all and accepts NULL; ne_doc_reset() releases the contents and leaves
 * a zeroed document ready for the next record.
 */
#ifndef NE_DOC_H
#define NE_DOC_H

#include <stddef.h>
#include <stdint.h>

/* ---- text layer ------------------------------------------------------- */

enum ne_tok_kind {
    NE_TOK_WORD = 1,    /* letters, possibly with inner '-', '\'', '.' (U.S.) */
    NE_TOK_NUM,         /* digits, with inner ',' '.' ':' ("1,000", "3.5", "10:30") */
    NE_TOK_PUNCT,       /* . , ; : ! ? ( ) - – — … and the like */
    NE_TOK_QUOTE,       /* a quotation mark; see ne_quote_mark */
    NE_TOK_SYMBOL       /* anything else ($, %, @, #, emoji…) */
};

/* Which quotation mark a NE_TOK_QUOTE token is. Straight marks do not say
 * whether they open or close; the tokenizer guesses from the neighbours and
 * sets NE_TF_OPEN or NE_TF_CLOSE. Apostrophes inside or at the end of a word
 * (don't, Jones') are part of the word, never quote tokens. */
enum ne_quote_mark {
    NE_QM_NONE = 0,
    NE_QM_STRAIGHT_DOUBLE,   /* "  */
    NE_QM_STRAIGHT_SINGLE,   /* '  */
    NE_QM_LEFT_DOUBLE,       /* “  */
    NE_QM_RIGHT_DOUBLE,      /* ”  */
    NE_QM_LEFT_SINGLE,       /* ‘  */
    NE_QM_RIGHT_SINGLE,      /* ’  (as a quote, not an apostrophe) */
    NE_QM_LOW_DOUBLE,        /* „  */
    NE_QM_GUILLEMET_LEFT,    /* «  */
    NE_QM_GUILLEMET_RIGHT,   /* »  */
    NE_QM_LOW_SINGLE,        /* ‚  (German ‚…‘: opens; ‘ closes it) */
    NE_QM_CORNER_LEFT,       /* 「 (CJK quotation: a double kind) */
    NE_QM_CORNER_RIGHT,      /* 」 */
    NE_QM_WHITE_CORNER_LEFT, /* 『 (CJK quotation inside 「…」: a single kind) */
    NE_QM_WHITE_CORNER_RIGHT /* 』 */
};

enum ne_tok_flag {
    NE_TF_CAP        = 1 << 0,  /* first letter upper case */
    NE_TF_ALLCAPS    = 1 << 1,  /* every letter upper case (and at least two) */
    NE_TF_SENT_START = 1 << 2,  /* first token of a sentence */
    NE_TF_PARA_START = 1 << 3,  /* first token of a paragraph */
    NE_TF_SPACE_BEFORE = 1 << 4,/* whitespace precedes the token */
    NE_TF_ABBREV     = 1 << 5,  /* a known abbreviation or initial, its '.' included */
    NE_TF_OPEN       = 1 << 6,  /* quote token that opens a quotation */
    NE_TF_CLOSE      = 1 << 7   /* quote token that closes a quotation */
};

typedef struct ne_token {
    uint32_t start, end;   /* bytes in the text */
    uint32_t para;         /* paragraph index */
    uint16_t flags;        /* ne_tok_flag bits */
    uint8_t  kind;         /* ne_tok_kind */
    uint8_t  mark;         /* ne_quote_mark for NE_TOK_QUOTE, else 0 */
} ne_token;

typedef struct ne_sentence {
    uint32_t start, end;          /* bytes */
    uint32_t tok_start, tok_end;  /* token indices, half-open */
    uint32_t para;
} ne_sentence;

typedef struct ne_para {
    uint32_t start, end;          /* bytes, without the line break(s) */
    uint32_t tok_start, tok_end;
} ne_para;

typedef struct ne_text {
    const char  *s;       /* not owned: points into the document's title or body */
    size_t       len;
    ne_token    *toks;    size_t ntoks;
    ne_sentence *sents;   size_t nsents;
    ne_para     *paras;   size_t nparas;
    size_t       wrap_width;   /* hard-wrapped at this width (text.h), or 0 */
} ne_text;

/* ---- annotations ------------------------------------------------------ */

/* UPDATE is a new version of a stored article (enriched; published as
 * status "update" with update_of = duplicate_of). */
enum ne_dedup_status { NE_DEDUP_UNIQUE = 0, NE_DEDUP_NEAR, NE_DEDUP_EXACT, NE_DEDUP_UPDATE };

typedef struct ne_dedup {
    enum ne_dedup_status status;
    char  *duplicate_of;   /* article id (for an update: the version it updates), or NULL */
    double similarity;
    char  *story_id;       /* NULL until the dedup stage sets it */
} ne_dedup;

enum ne_ent_type { NE_ENT_PER = 0, NE_ENT_ORG, NE_ENT_LOC, NE_ENT_MISC };

enum ne_field { NE_FIELD_BODY = 0, NE_FIELD_TITLE = 1 };

/* How a mention names its entity (coreference, enrichers/coref/coref.h). */
enum ne_mention_kind {
    NE_MENTION_NAME = 0,   /* "Vladimir Meciar", "Meciar", "Apple": the name only */
    NE_MENTION_TITLE,      /* a title or role alone: "the President", "the mayor", "POTUS" */
    NE_MENTION_DESC,       /* a description: "the 56-year-old", "the company", "the statement" */
    NE_MENTION_PRONOUN     /* he, she, his, they, it (an organisation's), … */
};

typedef struct ne_mention {
    uint32_t start, end;   /* bytes in the field's text */
    uint8_t  field;        /* ne_field */
    uint8_t  kind;         /* ne_mention_kind */
    uint32_t title_start, title_end;   /* a name's title right before it ("Prime Minister"
                                          in "Prime Minister Vladimir Meciar"): bytes in
                                          the same text; equal when there is none */
    uint8_t  repeat;       /* a body mention in a line that repeats the title: the
                              title's mention again, not counted (entities_repeat.c) */
} ne_mention;

enum ne_gender { NE_GENDER_UNKNOWN = 0, NE_GENDER_MALE, NE_GENDER_FEMALE };

typedef struct ne_entity {
    char  *id;             /* watchlist id or slug of the canonical name */
    char  *name;           /* canonical: the fullest form in the article */
    enum ne_ent_type type;
    int    watched;
    enum ne_gender gender; /* hint for pronoun resolution */
    ne_mention *mentions;  size_t nmentions;
    char **titles;         size_t ntitles;   /* distinct titles of its name mentions, in
                                               reading order ("Prime Minister", "CEO") */
} ne_entity;

/* POST: the words of an embedded social post, spoken by the account its
 * account line names (enrichers/quotes/quotes_posts.c). */
enum ne_quote_kind { NE_QUOTE_DIRECT = 0, NE_QUOTE_PARTIAL, NE_QUOTE_INDIRECT, NE_QUOTE_POST };

/* A byte range [start, end) of the body. */
typedef struct ne_span {
    uint32_t start, end;
} ne_span;

typedef struct ne_quote {
    char  *id;
    enum ne_quote_kind kind;
    char  *text;           /* the quoted words; the parts of a split quote joined by " … " */
    uint32_t start, end;   /* bytes in the body, from the first part's start to the last part's end */
    ne_span *parts;        size_t nparts;   /* each part's words in the body, in order (>= 1) */
    int    has_speaker;    /* 0: speaker is null */
    long   speaker_entity; /* index into doc->entities, or -1 (described speaker) */
    char  *speaker_text;   /* the words that name or describe the speaker: body[speaker_start, speaker_end) */
    uint32_t speaker_start, speaker_end;
    char  *cue;            /* the speech verb, as written */
    size_t *about;         size_t nabout;   /* indices into doc->entities */
    char  *claim_id;
    int    is_new;
    char  *first_seen_article;  /* article id where the claim first appeared */
    char  *first_seen_at;       /* RFC 3339 */
    char  *created_at;          /* RFC 3339: when the claim was first processed (the
                                   same on redelivery): its alerts' created_at */
    int    no_alert;            /* a speech verb's object that states nothing ("announced
                                   its ARM port"): listed, claim-indexed, never alerted;
                                   published as "alerts": false */
} ne_quote;

/* What ran on a document, for stats.stages: the chain's stages and, as
 * sub-stages, the English models (lang.h says when they are skipped). */
enum ne_ran {
    NE_RAN_TEXT = 0, NE_RAN_LANG, NE_RAN_DEDUP, NE_RAN_ENTITIES, NE_RAN_NER, NE_RAN_COREF,
    NE_RAN_QUOTES, NE_RAN_SPEAKERS, NE_RAN_CLAIMS, NE_RAN__COUNT
};

typedef struct ne_stats {
    uint64_t bytes, tokens, sentences, elapsed_us;
    uint32_t ran;          /* 1 << ne_ran bits */
} ne_stats;

/* ---- the document ----------------------------------------------------- */

enum ne_format { NE_FORMAT_TEXT = 0, NE_FORMAT_HTML };

typedef struct ne_doc {
    /* carried through from the input (for a web page, filled from the page
     * when the record lacks them); NULL when absent */
    char *id, *title, *url, *source, *published_at, *language;
    int    language_detected;     /* 1: language is the lang stage's detection (lang.h) */
    int    language_hint;         /* 1: language is a web page's <html lang>, a hint the
                                     detected language may overrule (lang.h) */
    double language_confidence;   /* its confidence, 0..1 (published only when detected) */
    int non_english;       /* 1: known not to be English, so the English models (NER
                              tagger, coreference, quote cues, speaker ranker) are
                              skipped; 0 (a zeroed document) runs them */
    enum ne_format format; /* what the input was: text, or a web page */
    char **authors;        /* read from a web page; NULL when none */
    size_t nauthors;
    char *body;            /* cleaned body, NUL-terminated */
    size_t body_len;
    size_t title_len;

    ne_text body_text;     /* layers over body */
    ne_text title_text;    /* layers over title (empty when no title) */

    ne_dedup   dedup;
    ne_entity *entities;   size_t nentities;
    ne_quote  *quotes;     size_t nquotes;
    ne_stats   stats;
} ne_doc;

void ne_doc_reset(ne_doc *doc);
void ne_doc_free(ne_doc *doc);

/* The entity named s[0..n), or -1: one whose name is s, case aside, else
 * the first person whose name has the same first and last words ("Donald
 * J. Trump" for "Donald Trump"). Used for names that come from outside the
 * tokens (an embedded post's account line). */
long ne_doc_entity_named(const ne_doc *doc, const char *s, size_t n);

/* Frees the arrays of a text layer and zeroes it. */
void ne_text_clear(ne_text *t);

const char *ne_ent_type_name(enum ne_ent_type t);      /* "PERSON", "ORG", … */
const char *ne_ran_name(enum ne_ran r);               /* "text", "lang", …, "entities.ner" */
const char *ne_quote_kind_name(enum ne_quote_kind k); /* "direct", … */
const char *ne_mention_kind_name(int k);              /* "name", "title", "description", "pronoun" */

#endif
