/* entities_int.h — what the files of the entities stage share (private to
 * enrichers/entities/; the stage's contract is entities.h).
 *
 * One file per step of a document, in the order entities.c runs them:
 *   entities_mentions.c   tag (NER over body and title), merge the NER
 *                         spans with the phrase matches into candidates,
 *                         prepare them (people typed and keyed, titles
 *                         taken in, surnames propagated)
 *   entities_gazetteer.c  the gazetteer and watchlist: loading, and the
 *                         phrase matches of a field
 *   entities_names.c      titles, suffixes, surname and given-name keys,
 *                         a name's text and key
 *   entities_cluster.c    one entity per referent: people by full name,
 *                         then short forms, watched people, acronyms, the
 *                         rest by key
 *   entities_repeat.c     a body line that repeats the title: read once
 *   entities_types.c      one type per entity: a learnt model over all its
 *                         mentions and the document (models/types.model)
 *   entities_output.c     canonical names, ids (slugs), doc->entities
 *   entities_posts.c      embedded posts' account names as mentions
 *   entities_lookup.c     who is mentioned where (for the quotes stage)
 *   entities.c            the stage: create, process, destroy
 *
 * Ownership: the ent_state owns every array below; the scratch arrays only
 * grow (ne_grow), so a document allocates nothing but the entities it
 * outputs. Out of memory aborts (common/xalloc.h): nothing here returns
 * an error for it.
 * Threads: one ent_state per pipeline, used by one thread at a time.
 */
#ifndef NE_ENTITIES_INT_H
#define NE_ENTITIES_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/hash.h"
#include "common/map.h"
#include "common/xalloc.h"
#include "enrichers/coref/coref.h"
#include "enrichers/entities/entities.h"
#include "enrichers/ner/ner.h"
#include "enrichers/text/text.h"

#define NONE32 UINT32_MAX

enum { G0 = NE_GENDER_UNKNOWN, GM = NE_GENDER_MALE, GF = NE_GENDER_FEMALE };

/* ---- the gazetteer (entities_gazetteer.c) ------------------------------- */

enum gz_kind {
    GZ_PLACE = 0,   /* a place or organisation of the bundled list */
    GZ_NAME,        /* a watched person's name, or an alias that is a name */
    GZ_DIRECT,      /* an alias that is no name ("POTUS"): that person */
    GZ_ROLE         /* a role noun ("the Russian leader"): that person, if named */
};

typedef struct gz_word { uint32_t off, len; } gz_word;

typedef struct gz_entry {
    uint32_t word0, nwords;   /* in gz->words */
    uint32_t canon, ncanon;   /* canonical name in gz->pool; NONE32: the phrase itself */
    int32_t  person;          /* watchlist index, or -1 */
    uint32_t next;            /* next entry with the same first-word key, or NONE32 */
    uint8_t  type, kind;
} gz_entry;

/* A watched person's full name ("Donald Trump": given + surname) or
 * surname alone (given == 0). */
typedef struct watch_form {
    uint32_t person;
    uint64_t given, surname;
    uint8_t  initial;
    uint8_t  suffix;          /* "Jr.": see ent_name_suffix() */
    uint8_t  titled;          /* a title and one name ("Prince Andrew"): the lone name
                                 is the person only where the article uses the title */
    char     first;           /* first letter of the given name */
} watch_form;

/* The type model (entities_types.c): a linear model over hashed features
 * of an entity's mentions, one weight per feature and type. Absent
 * (w NULL): the tagger's majority, the bundled list's type first. */
#define ENT_TYPE_BITS 16
typedef struct ent_types {
    float *w;                 /* (1 << ENT_TYPE_BITS) x 4, or NULL */
    float margin;             /* a person cluster turns into another type only
                                 when that type scores this much more */
} ent_types;

typedef struct gazetteer {
    char     *pool;   size_t npool, cap_pool;
    gz_word  *words;  size_t nwords, cap_words;
    gz_entry *ents;   size_t nents, cap_ents;
    ne_map    first;          /* key of an entry's first word → its chain head */
    ne_map    given;          /* key of a given name → enum ne_gender */
    ne_map    hints;          /* given_names.tsv beside the list: key → enum
                                 ne_gender, for the gender of a full name only */
    uint32_t  lower_initials; /* bit c-'a': some entry starts with a lower-case word in c */
    watch_form *forms; size_t nforms, cap_forms;
    ent_types types;          /* types.model beside the list */
} gazetteer;

/* ---- per-document candidates and clusters -------------------------------- */

/* One mention candidate: a span of tokens in one field. */
typedef struct cand {
    uint32_t a, b;          /* the mention: tokens [a, b) of its field */
    uint32_t na;            /* PER: first name word (titles before it set aside) */
    int32_t  gaz;           /* gazetteer entry, or -1 */
    int32_t  person;        /* watchlist person named by a GZ_NAME/DIRECT/ROLE match, or -1 */
    int32_t  cluster;       /* entity (cluster) index, or -1: dropped */
    uint64_t key;           /* PER: surname key; others: key of the canonical name */
    uint64_t given;         /* PER full names: given-name key */
    uint8_t  field;         /* ne_field */
    uint8_t  type;          /* ne_ent_type */
    uint8_t  kind;          /* gz_kind of the match; GZ_PLACE for NER spans */
    uint8_t  ner_type;      /* what the tagger said, or 0xff */
    uint8_t  gender;        /* from a title */
    uint8_t  full;          /* PER: two or more name words */
    uint8_t  initial;       /* PER: the given name is an initial */
    uint8_t  weak;          /* the tagger's, in a title-case line: may join, never found */
    uint8_t  suffix;        /* PER: "Jr." and the like (name_suffix) */
    uint8_t  guess;         /* a word no one tagged, offered to the coreference as a
                               name: kept only as a person a he/she takes (entities_coref.c) */
    char     first;         /* PER: first letter of the given name */
} cand;

typedef struct cluster {
    uint64_t key;           /* PER: surname key; others: name key */
    uint64_t given;         /* PER with a full name: given-name key */
    int32_t  person;        /* watched person, or -1 */
    int32_t  named;         /* watched person one of its mentions names (GZ_NAME), or -1 */
    int32_t  best;          /* cand giving the canonical name, or -1 */
    uint32_t nment;
    uint32_t nxm;           /* mentions the coreference adds (st->xm) */
    uint32_t seen;          /* cluster_short_names: its mentions read so far */
    uint32_t first;         /* reading position of the first mention */
    uint32_t out;           /* index in doc->entities */
    int      votes[4];      /* type votes of its mentions */
    int      male, female;  /* gender evidence */
    uint8_t  type, full, initial, suffix;
    uint8_t  doubt;         /* drop_doubtful_people: 1 maybe, 2 dropped, 3 kept */
    uint8_t  typed;         /* the type model settled its type (ent_decide_types) */
    uint32_t nrep;          /* title mentions: room for their repeats (entities_repeat.c) */
    char     first_letter;
} cluster;

/* A mention the coreference adds to an entity: a title alone, a
 * description or a pronoun (body only). */
typedef struct xmention {
    uint32_t start, end;    /* bytes in the body */
    int32_t  cluster;       /* st->cl */
    uint8_t  kind;          /* ne_mention_kind */
} xmention;

typedef struct ent_state {
    int enabled;
    const ne_config *cfg;
    ne_ner_model *model;
    ne_ner_ws *ws;
    ne_coref_model *coref;   /* models/coref.model, beside the NER model */
    ne_coref_ws *cws;
    gazetteer gz;

    /* scratch, reused by every document */
    ne_ner_tok  *ntok;   size_t cap_ntok;
    ne_ner_sent *nsent;  size_t cap_nsent;
    uint8_t     *tags;   size_t cap_tags;    /* NER output, in sentence order */
    uint32_t    *tokmap; size_t cap_tokmap;  /* NER token → token of its field */
    uint8_t     *piece;  size_t cap_piece;   /* NER token is a possessive cut off a word */
    uint8_t     *uncased; size_t cap_uncased;/* per token (body, then title): 2 all-caps line, 1 title-case */
    ne_ner_span *spans;  size_t nspans, nspans_body, cap_spans;   /* tokens of their field */
    uint8_t     *keep;   size_t cap_keep;    /* per NER span: still wanted */
    uint64_t    *alias;  size_t nalias, cap_alias;   /* acronym key, long-form key pairs */
    int32_t     *pcl;                        /* per watched person: its cluster, or -1 */
    cand        *gzc;    size_t cap_gzc;     /* phrase matches of one field */
    cand        *c;      size_t nc, cap_c;   /* merged candidates */
    cluster     *cl;     size_t ncl, cap_cl;
    uint32_t    *order;  size_t cap_order;
    char        *buf;    size_t cap_buf;     /* names being built */
    char        *slug;   size_t cap_slug;
    /* coreference (entities_coref.c) */
    ne_ner_span *cspans; size_t cap_cspans;  /* body candidates as spans for the detector */
    int32_t     *cscand; size_t cap_cscand;  /* span → its candidate */
    ne_coref_mention *cm; size_t cap_cm;     /* the detector's mentions, resolved */
    int32_t     *cref;   size_t cap_cref;    /* per mention: antecedent, root, entity, count */
    int32_t     *cmerge; size_t cap_cmerge;  /* per cluster: the person it joins, or -1 */
    int32_t     *cfit;   size_t cap_cfit;    /* per cluster: the person its name spells, or -1 */
    xmention    *xm;     size_t nxm, cap_xm; /* mentions the coreference adds */
    /* per-document maps; keys are name keys (hash_fold, surname_key) */
    ne_map m_recent;   /* surname → latest full-name cluster (also: keys of people, early on) */
    ne_map m_first;    /* surname → first full-name cluster */
    ne_map m_short;    /* surname → cluster of a person known by surname only */
    ne_map m_given;    /* given name → first full-name cluster ("Kim" → Kim Jong Un) */
    ne_map m_keys;     /* name key → cluster of an organisation, place or other */
    ne_map m_alias;    /* acronym key → index of its pair in st->alias */
    ne_map m_coref;    /* (coref cluster, entity cluster) → name mentions of both */
    uint8_t numeric_doc;  /* the body reads as a table of results (entities_types.c) */
    uint32_t rep_start, rep_end;  /* the body line that repeats the title (bytes), or empty */
    int64_t  rep_delta;           /* its offset minus the title's */
} ent_state;


/* ---- small helpers, inline: every step calls them per token ---------------- */

static inline int is_upper_ascii(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower_ascii(unsigned char c) { return c >= 'a' && c <= 'z'; }
static inline unsigned char lower_ascii(unsigned char c) { return is_upper_ascii(c) ? (unsigned char)(c + 32) : c; }

/* FNV-1a over ASCII-lower-cased bytes: keys of words and names compare
 * case-insensitively. Never 0, which the maps use for "empty". The ids of
 * entities without a slug print it ("entity-%016llx"), so it stays. */
static inline uint64_t hash_fold(const char *s, size_t n)
{
    uint64_t h = NE_FNV64_OFFSET;
    for (size_t i = 0; i < n; i++) h = ne_fnv1a_step(h, lower_ascii((unsigned char)s[i]));
    return h ? h : 1;
}

/* Letters in s: ASCII letters plus one per non-ASCII character (its lead
 * byte); how "full" a name is, after its word count. */
static inline size_t count_letters(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_upper_ascii(c) || is_lower_ascii(c) || (c & 0xC0) == 0xC0) k++;
    }
    return k;
}

/* Length of a word without its possessive ending: "Trump’s" → "Trump",
 * "Jones’" → "Jones"; other words unchanged. */
static inline size_t possessive_base(const char *s, size_t n)
{
    if (n > 4 && s[n - 1] == 's' && (unsigned char)s[n - 4] == 0xE2 &&
        (unsigned char)s[n - 3] == 0x80 && (unsigned char)s[n - 2] == 0x99)
        return n - 4;
    if (n > 2 && s[n - 1] == 's' && s[n - 2] == '\'') return n - 2;
    if (n > 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
        (unsigned char)s[n - 1] == 0x99 && s[n - 4] == 's')
        return n - 3;
    if (n > 1 && s[n - 1] == '\'' && s[n - 2] == 's') return n - 1;
    return n;
}

/* Token i of t as a word: its bytes, and its length without a final '.' of
 * an abbreviation ("Mr." → "Mr"). */
static inline const char *tok_ptr(const ne_text *t, size_t i) { return t->s + t->toks[i].start; }
static inline size_t tok_len(const ne_text *t, size_t i) { return t->toks[i].end - t->toks[i].start; }

static inline size_t tok_len_nodot(const ne_text *t, size_t i)
{
    size_t n = tok_len(t, i);
    return n > 1 && tok_ptr(t, i)[n - 1] == '.' ? n - 1 : n;
}

static inline const ne_text *field_text(const ne_doc *doc, int field)
{
    return field == NE_FIELD_TITLE ? &doc->title_text : &doc->body_text;
}

/* The maps hold 32-bit values (cluster and entry indices, genders) under
 * name keys, which are never 0 (hash_fold); NONE32 means absent. */
static inline uint32_t map_get(const ne_map *m, uint64_t key)
{
    const uint64_t *v = key ? ne_map_get(m, key) : NULL;
    return v ? (uint32_t)*v : NONE32;
}

static inline void map_set(ne_map *m, uint64_t key, uint32_t val) { *ne_map_put(m, key) = val; }

/* ---- entities_names.c: titles, suffixes, keys, a name's text ------------- */

/* True when token i is the word w (wn bytes), a final period aside ("Gen.
 * Smith"); with any_case, whatever the case of its first letter ("US
 * president Trump"). ent_tok_is_word: w any case, its strlen. */
int ent_tok_is_wordn(const ne_text *t, size_t i, const char *w, size_t wn, int any_case);
int ent_tok_is_word(const ne_text *t, size_t i, const char *w);

/* True when token i is a lower-case speech verb (said, says, told, added,
 * wrote, …): the word before it names a speaker. Each caller adds the
 * forms its own reading needs ("tweeted"; "say", "was" after a quote). */
int ent_speech_verb_at(const ne_text *t, size_t i);

/* Length in tokens of the title phrase ("Mr", "Prime Minister") starting
 * at token i and ending before `limit`, or 0; the longest wins. Sets
 * *gender to the title's (G0 when it says none). */
size_t ent_title_at(const ne_text *t, size_t i, size_t limit, uint8_t *gender);

/* 1 + the index of token i among the name suffixes (Jr, Sr, II, III, IV),
 * or 0; ent_name_suffix: the code of the last word of [a, b). */
int ent_name_suffix_code(const ne_text *t, size_t i);
uint8_t ent_name_suffix(const ne_text *t, size_t a, size_t b);

/* Keys of a surname (no possessive, no "al-", any case) and of a given
 * name (*initial set for "J." or "J"). */
uint64_t ent_surname_key(const char *s, size_t n);
uint64_t ent_given_key(const char *s, size_t n, uint8_t *initial);

/* True when two given names can be the same person's: equal, or one an
 * initial of the other. */
int ent_given_compatible(uint64_t g1, uint8_t i1, char c1, uint64_t g2, uint8_t i2, char c2);

/* Name words of the phrase [a, b) of t: leading titles set aside (*na is
 * the first name word). Returns how many, 0 for a bare title; *gender is
 * what a title said. ent_name_ends: the given name's and the surname's
 * tokens of [na, b). */
size_t ent_name_words(const ne_text *t, size_t a, size_t b, size_t *na, uint8_t *gender);
void ent_name_ends(const ne_text *t, size_t na, size_t b, size_t *gi, size_t *si);

/* Sets the name fields of a person candidate (na, keys, full, initial,
 * suffix, gender). Returns 0 when no name word is left (a bare title). */
int ent_person_names(const ne_doc *doc, cand *c);

/* Makes candidate c, typed otherwise, a mention of a person: no list
 * entry, a name span (GZ_PLACE), the name fields of ent_person_names, whose
 * result it returns. */
int ent_make_person(const ne_doc *doc, cand *c);

/* Extends a person mention left over a title right before it ("Mr
 * Trump"), never before token `floor`. */
void ent_extend_over_title(const ne_doc *doc, cand *c, uint32_t floor);

/* "I", "I'm", "I’ve": never a name. */
int ent_is_first_person(const ne_text *t, size_t i);

/* True when token i opens a sentence or a clause, where any word is
 * capitalised. */
int ent_clause_initial(const ne_text *t, size_t i);

/* The text of a name into st->buf (NUL-terminated), returning its length:
 * ent_build_name from the words [a, b) of t (joined as written, the last
 * without possessive, a leading "the" dropped); ent_cand_name for a
 * non-person candidate (the gazetteer's canonical name, else its words). */
size_t ent_build_name(ent_state *st, const ne_text *t, size_t a, size_t b);
size_t ent_cand_name(ent_state *st, const ne_doc *doc, const cand *c);

/* Key of a name: the hash of its slug ("Asia-Pacific" = "Asia Pacific"),
 * else of its folded bytes. Never 0. */
uint64_t ent_name_key(ent_state *st, const char *name, size_t len);

/* ---- entities_gazetteer.c --------------------------------------------------- */

/* Reads models/gazetteer.tsv, and the type model types.model beside it
 * when there is one (ent_types_load). Returns 0, or -1 with a message
 * naming the file (and line) in err for a file that is missing or
 * malformed. */
int ent_gz_load_file(gazetteer *gz, ne_text *t, const char *path, char *err, size_t errlen);
/* The gender of a person's given name s[0..n): the gazetteer's MALE/FEMALE
 * lists first, then the Census hints (given_names.tsv); G0 when neither
 * names it. Only for a word already known to be a person's given name: a
 * hint never makes a word a name ("May", "Will"). */
int ent_given_gender(const gazetteer *gz, const char *s, size_t n);

/* Adds watched person number `person` (name, aliases, role nouns).
 * Returns 0, or -1 when the tokenizer fails (text.h). */
int ent_gz_add_person(gazetteer *gz, ne_text *t, const ne_person *p, uint32_t person);

void ent_gz_free(gazetteer *gz);

/* The phrase matches of field t, leftmost-longest, into st->gzc; returns
 * how many. */
size_t ent_match_phrases(ent_state *st, const ne_text *t, int field);

/* ---- entities_mentions.c ------------------------------------------------------ */

/* Tags body and title as one document into st->spans and st->uncased. */
void ent_tag_document(ent_state *st, const ne_doc *doc);

/* Merges a field's NER spans and phrase matches into st->c. */
void ent_merge_field(ent_state *st, const ne_doc *doc, int field);

/* Person names and keys, lists, retyping, propagated surnames, titles
 * taken in, keys of the rest; leaves st->c sorted. */
void ent_prepare_candidates(ent_state *st, const ne_doc *doc);

/* Appends a copy of c to st->c, in no cluster yet. */
void ent_push_cand(ent_state *st, const cand *c);

/* Sorts st->c by field (body first), then token. */
void ent_sort_cands(ent_state *st);

/* ---- entities_cluster.c --------------------------------------------------------- */

/* Joins the sorted candidates into clusters (st->cl): acronyms defined,
 * people, watched people, the rest; doubtful lone words dropped. */
void ent_cluster(ent_state *st, const ne_doc *doc);

/* A person cluster's gender from its evidence: GM, GF or G0. */
int ent_cluster_gender(const cluster *k);

/* Start of the titles right before token na of a person's mention
 * [a, b) ("Prime Minister" in "Prime Minister Vladimir Meciar", "CEO" in
 * "Apple CEO Tim Cook"), not before a; na when there is none. */
size_t ent_title_run(const ne_text *t, size_t a, size_t na);

/* ---- entities_coref.c ----------------------------------------------------------- */

/* In-document coreference over the body after clustering: detects
 * pronouns, titles alone and descriptions, resolves them with the model,
 * and records every one whose coreference cluster holds a name of an
 * entity as a mention of it (st->xm). Where the coreference joins the
 * names of two clusters, an organisation or other cluster joins the
 * person (one type per entity) and a short name of an unwatched person
 * joins a watched one. No-op without a model. */
void ent_coref(ent_state *st, const ne_doc *doc);

/* ---- entities_types.c: one type per entity, learnt -------------------------------- */

/* Reads a type model (models/types.model; eval_entities --train-types
 * writes it). A missing file leaves m empty and returns 0: the stage then
 * types by majority. Returns -1 with a message for a malformed one. */
int ent_types_load(ent_types *m, const char *path, char *err, size_t errlen);
void ent_types_free(ent_types *m);

/* The features of cluster j (all its mentions, their contexts and the
 * document) as hashed indices into f (at most cap, sorted, distinct);
 * returns how many. O(candidates). */
size_t ent_type_features(const ent_state *st, const ne_doc *doc, size_t j, uint32_t *f, size_t cap);

/* The type of scores s (PER ORG LOC MISC) under model m, for a cluster
 * that is a person (person: PER or another type by more than m->margin)
 * or not (ORG, LOC or MISC). */
int ent_types_decide(const ent_types *m, const float s[4], int person);

/* True when something other than the tagger vouches for person cluster
 * k (index j) being a person: the watchlist, an alias, a title before a
 * name, gender from a title, the stage's own person rules (lists of
 * names, surnames of the article's people), a pronoun or title the
 * coreference resolved to it. Such a cluster keeps its type. */
int ent_person_vouched(const ent_state *st, const cluster *k, size_t j);

/* Settles the type of every cluster with the model: a person cluster
 * that no title, watchlist or alias vouches for may become an
 * organisation, place or other, and an organisation, place or other
 * cluster becomes the best of those three. No-op without a model. */
void ent_decide_types(ent_state *st, const ne_doc *doc);

/* ---- entities_repeat.c: a body line that repeats the title ---------------------- */

/* Finds the body line (one of the first two paragraphs) that repeats the
 * title into st->rep_*; none: rep_end == rep_start. */
void ent_find_title_repeat(ent_state *st, const ne_doc *doc);

/* Drops the body candidates inside that line: it is read as the title. */
void ent_drop_repeat_cands(ent_state *st, const ne_doc *doc);

/* The title mention's repeat in the body line into out (repeat set);
 * returns 0 when there is no such line or the mention is not in it. */
int ent_repeat_mention(const ent_state *st, const ne_mention *title, ne_mention *out);

/* ---- entities_output.c ------------------------------------------------------------ */

/* Each cluster's canonical candidate and final type. */
void ent_choose_canonical(ent_state *st, const ne_doc *doc);

/* Builds doc->entities (empty before) from the clusters. */
void ent_emit_entities(ent_state *st, ne_doc *doc);

/* Makes doc->entities' ids unique in the article: a second "georgia" (the
 * person and the state) becomes "georgia-2". */
void ent_unique_ids(ent_state *st, ne_doc *doc);

/* ---- entities_posts.c: embedded posts' authors ----------------------------------- */

/* Each embedded post's account name (text.h) as a name mention of the
 * entity of that name, or of a new entity (watched when the watchlist
 * names it). Returns the number of new entities; their ids are not yet
 * made unique (ent_unique_ids). */
size_t ent_add_post_authors(ent_state *st, ne_doc *doc);

#endif
