/* dedup_impl — internals shared by the dedup stage's files (dedup.c,
 * dedup_fingerprint.c, dedup_tables.c, dedup_changelog.c, dedup_claims.c,
 * dedup_alerts.c). Not for other modules: the public surface is dedup.h.
 *
 * The state is single-threaded: one pipeline, one thread (the service's
 * main loop also applies changelog records on that thread).
 *
 * Memory: allocations go through common/xalloc.h, which aborts when
 * memory runs out, so nothing here returns an error for memory; -1 means
 * bad input (a malformed changelog record) or a full structure (a
 * generation, an arena past 32-bit offsets, a table of DD_SEGTAB_MAX
 * segments), as each function says.
 */
#ifndef NE_DEDUP_IMPL_H
#define NE_DEDUP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "common/nebuf.h"
#include "common/hash.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "enrichers/dedup/dedup.h"

/* ---- hashing ---------------------------------------------------------- */

/* The finaliser of every dedup key is MurmurHash3's fmix64
 * (common/hash.h): every input bit affects every output bit, so
 * truncations of the result are good hashes too. Its outputs are stored
 * in changelog records: it must not change. */

/* Hash of a byte string, seeded (FNV-1a, then mixed). */
uint64_t dd_hash_bytes(const void *p, size_t n, uint64_t seed);

/* Hash of a NUL-terminated string under a one-letter kind ('a' article id,
 * 'c' claim id, 'e' entity id, …) so equal strings of different kinds do
 * not collide in shared tables. */
uint64_t dd_hash_str(char kind, const char *s);
/* A hash of n bytes as they are, fast on long inputs (a body). */
uint64_t dd_hash_block(const void *p, size_t n);

/* ---- text fingerprints (dedup_fingerprint.c) --------------------------------- */

#define DD_SKETCH_WORDS 4          /* 128 one-bit minhashes */
#define DD_BANDS        5          /* LSH bands of 2 minhash rows each */
#define DD_SHINGLE      4          /* words per shingle */
/* Keys an article puts into its generation's fingerprint table, at most:
 * its id (so that a new version under the same id is found: an update),
 * the URL and the LSH bands. The body hash has a key only when band 0 is
 * full (dedup.c, FP_MAX_POSTINGS), in its place: two texts with the same
 * words have the same shingles, hence the same bands, so exact copies (and
 * redeliveries) are found under band 0 and checked by body. */
#define DD_FP_KEYS      (2 + DD_BANDS)

typedef struct dd_fp {
    uint64_t body;                 /* hash of the normalised word sequence */
    uint32_t url;                  /* hash of the canonical URL; 0 = none */
    uint32_t nsh;                  /* distinct shingles (capped at 65535) */
    uint32_t sketch[DD_SKETCH_WORDS];
    uint32_t band[DD_BANDS];       /* LSH band keys */
} dd_fp;

/* Scratch reused across documents (word and shingle hashes). */
typedef struct dd_scratch {
    uint64_t *w;  size_t nw, capw;
    uint64_t *sh; size_t nsh, capsh;
    uint64_t *set; size_t capset;  /* the open-addressing set that finds repeated shingles */
} dd_scratch;

void dd_scratch_free(dd_scratch *s);

/* Normalised words of text: maximal runs of letters and digits, ASCII
 * lower-cased, apostrophes and inner dots dropped ("Didn’t" = "didnt",
 * "U.S." = "us"); everything else (punctuation, quote marks of any style,
 * whitespace, dashes) separates words. Calls fn(ctx, word, len, flags)
 * for each word; flags has DD_WORD_BRK when an ellipsis ('…' or "..")
 * came between this word and the previous one.
 * `buf` receives the folded word (at least 256 bytes; longer words are
 * truncated). */
#define DD_WORD_BRK  1
#define DD_WORD_NAME 2
typedef void (*dd_word_fn)(void *ctx, const char *w, size_t len, int flags);
void dd_words(const char *text, size_t len, char *buf, size_t cap, dd_word_fn fn, void *ctx);
/* As dd_words(), and flags has DD_WORD_NAME when the word starts with an
 * ASCII capital, is longer than one letter, and is not the first of its
 * text or of a sentence (no '.', '!', '?' or ':' since the previous
 * word): a name, as a rule ("Putin", "NATO"). */
void dd_words_names(const char *text, size_t len, char *buf, size_t cap, dd_word_fn fn, void *ctx);

/* Fills fp from a document body and url (url may be NULL). The distinct
 * shingle hashes stay in sc->sh, in order of first occurrence (not
 * sorted). */
void dd_fingerprint(dd_scratch *sc, const char *body, size_t len, const char *url, dd_fp *fp);

/* Canonical form of a URL into out (scheme, "www."/"m.", fragment,
 * tracking parameters and a trailing '/' dropped; host lower-cased).
 * Returns its length (truncated to cap-1). */
size_t dd_canonical_url(const char *url, char *out, size_t cap);

/* Estimated shingle Jaccard similarity of two fingerprints from their
 * one-bit sketches (P[bit equal] = (1 + J) / 2). */
double dd_sketch_jaccard(const dd_fp *a, const uint32_t *b_sketch);

/* Near-duplicate similarity from an estimated Jaccard and the two shingle
 * counts: the larger of the Jaccard and, when the smaller text is at least
 * half the larger, the containment of the smaller in the larger (a trimmed
 * copy). */
double dd_similarity(double jaccard, uint32_t na, uint32_t nb);

/* ---- generational multimap index (dedup_tables.c) ------------------------ */

/* Open-addressing table of 32-bit slots in buckets of 16 (one cache
 * line): (entry index + 1) in the low ibits bits (24 at most, fewer when
 * the table's entries are fewer), a key fingerprint in the rest (8 bits or
 * more). Several entries may share a key (a multimap): a lookup yields
 * every entry whose slot fingerprint matches, and the caller verifies the
 * key against the entry. Nothing is ever deleted: a
 * whole generation is dropped at once (see dd_gens). */
typedef struct dd_tab {
    uint32_t *slot;
    uint32_t  homes;              /* home buckets of 16 slots */
    uint32_t  size, used, limit;  /* slots allocated (spare buckets included), used, maximum */
    uint32_t  ibits, imask;       /* index bits; imask = (1 << ibits) - 1 */
} dd_tab;

#define DD_IDX_MAX 0xFFFFFEu

/* max_idx: the largest entry index the table will hold (<= DD_IDX_MAX). */
void dd_tab_init(dd_tab *t, size_t expected_keys, uint32_t max_idx);
void dd_tab_free(dd_tab *t);
int  dd_tab_put(dd_tab *t, uint64_t key, uint32_t idx);   /* -1 when full */
/* As dd_tab_put, unless a lookup of key already yields max entries (true
 * postings or fingerprint matches of other keys): then nothing is put and
 * 1 is returned. */
int  dd_tab_put_max(dd_tab *t, uint64_t key, uint32_t idx, uint32_t max);

typedef struct dd_tab_it {
    const dd_tab *t;
    uint32_t pos, fp, left;
    uint32_t mask, base;      /* candidates of the chunk at base */
} dd_tab_it;

void dd_tab_find(const dd_tab *t, uint64_t key, dd_tab_it *it);
/* Starts loading the key's home bucket, one line (before a batch of
 * lookups, so the cache misses overlap). */
void dd_tab_prefetch(const dd_tab *t, uint64_t key);
/* Next candidate entry index, or -1 when the probe run ends. */
long dd_tab_next(dd_tab_it *it);

/* A table that grows by segments: the tables cannot be rehashed (they do
 * not keep their keys), so one sized for the most keys a generation might
 * post is mostly empty for a stream that posts fewer, and its pages are
 * all touched (the keys are spread evenly). A segmented table starts with
 * one segment sized for the keys expected; when its last segment fills,
 * the owner adds one (dd_segtab_grow) sized for what is left, up to
 * DD_SEGTAB_MAX. Puts go to the last segment; a lookup reads the segments
 * in order, so a key's postings still come in the order they were put.
 * All segments share max_idx, hence the slot layout. */
#define DD_SEGTAB_MAX 4

typedef struct dd_segtab {
    dd_tab   seg[DD_SEGTAB_MAX];
    uint32_t nseg;
    uint32_t max_idx;
} dd_segtab;

void dd_segtab_init(dd_segtab *t, size_t expected_keys, uint32_t max_idx);
/* Frees every segment; accepts a zeroed table. */
void dd_segtab_free(dd_segtab *t);
/* Adds a segment sized for expected_keys more keys. Returns 0, or -1 when
 * the table has DD_SEGTAB_MAX segments already. */
int  dd_segtab_grow(dd_segtab *t, size_t expected_keys);
/* The last segment can take n more keys. */
int  dd_segtab_has_room(const dd_segtab *t, uint32_t n);
/* As dd_tab_put_max, counting the key's postings in every segment. */
int  dd_segtab_put_max(dd_segtab *t, uint64_t key, uint32_t idx, uint32_t max);
/* Keys held, and slots allocated, over all segments. */
size_t dd_segtab_used(const dd_segtab *t);
size_t dd_segtab_slots(const dd_segtab *t);

typedef struct dd_segtab_it {
    const dd_segtab *t;
    uint64_t key;
    uint32_t seg;
    dd_tab_it it;
} dd_segtab_it;

void dd_segtab_find(const dd_segtab *t, uint64_t key, dd_segtab_it *it);
/* Next candidate entry index, segment by segment, or -1 at the end. */
long dd_segtab_next(dd_segtab_it *it);

/* ---- article index ---------------------------------------------------- */

/* One stored article: 28 bytes. Its id, story id, shingle count,
 * publication time and story features live in the generation's arena at
 * `blob` (see dd_blobv). The URL hash is not kept: a URL key found in the
 * table is checked by the texts' similarity (an update by URL is at least
 * dedup.near_threshold similar), which a random entry, whose fingerprint
 * only collided, never is. The id is in the arena: the id key's
 * candidates are compared with it in full. */
typedef struct dd_art {
    uint32_t sketch[DD_SKETCH_WORDS];
    uint32_t body;        /* low 32 bits of dd_fp.body */
    uint32_t at;          /* unix seconds when it was processed (retention) */
    uint32_t blob;        /* offset of its record in the arena */
} dd_art;

/* An arena record, packed (read through memcpy, no alignment padding):
 *   u32 pub (published_at, unix s, 0 = unknown) | u16 nsh |
 *   u16 counts (entities 5 bits, title words 5 bits, statements 5 bits,
 *   has_story in the top bit) | the story features the story table did not
 *   take, DD_FEAT_BYTES each | id NUL | story id NUL (only when has_story;
 *   else the story id is the id).
 * A feature is a kind (top two bits) and a 30-bit hash. The table takes a
 * feature while it has at most STORY_MAX_POSTINGS + 1 postings in the
 * generation; the record keeps the others (common ones: "Trump"), so the
 * overlap with a query counts both (shared_features in dedup.c). Stored
 * are the runs of each kind in that order (entities, words, statements),
 * each value the top 24 of the 30 hash bits, sorted. The kind is in the
 * counts, so all 24 bits are hash: a stored value matches a query feature
 * of its kind by chance with p = 2^-24 (see count_overlap in dedup.c). */
#define DD_BLOB_HDR 8
#define DD_FEAT_KINDS 3
#define DD_FEAT_BYTES 3
typedef struct dd_blobv {
    uint32_t pub;
    uint16_t nsh;
    uint8_t  nfeat;
    uint8_t  nkind[DD_FEAT_KINDS];   /* features of each kind, in run order */
    const unsigned char *feats;      /* nfeat values of DD_FEAT_BYTES */
    const char *id, *story;
} dd_blobv;

/* A story feature's stored value (its top 24 hash bits), and how it is
 * written to and read from the arena (little-endian, unaligned). */
static inline uint32_t dd_feat_value(uint32_t f) { return f >> 6 & 0xFFFFFFu; }
static inline void dd_feat_put(unsigned char *p, uint32_t f)
{
    uint32_t v = dd_feat_value(f);
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
}
static inline uint32_t dd_feat_get(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

#define DD_FEAT_MAX 24

typedef struct dd_agen {
    dd_art  *art;   uint32_t n, cap;
    char    *arena; size_t alen, acap;
    dd_tab   fp;              /* body, url and band keys -> entry */
    dd_segtab story;          /* story features -> entry */
    uint32_t newest_at;
    uint64_t serial;          /* generations are numbered in creation order */
} dd_agen;

/* ---- claims index (dedup_claims.c) ------------------------------------ */

/* A stored claim: 24 bytes. Its record in the arena at `blob`: ntri u16
 * trigram hashes (the high halves of the sorted u32 ones, so still sorted;
 * enough to verify a candidate, see dedup_claims.c), then its article id
 * NUL unless `back` says an earlier claim of the generation holds the
 * same id (an article's claims are inserted one after another). The
 * claim id is not kept: nothing reads it back. */
typedef struct dd_claim {
    uint64_t norm;        /* hash of the normalised statement */
    uint32_t at;          /* first_seen.at as unix seconds */
    uint32_t ts;          /* when it was first processed (alerts.created_at) */
    uint32_t blob;        /* arena offset of the record above */
    uint16_t ntri;
    uint16_t back;        /* 0: the article id follows the trigrams; else it is claim (index - back)'s */
} dd_claim;

/* Table keys a claim posts: its statement hash and a sample of its
 * trigrams, the DD_CLAIM_SAMPLE_K smallest hashes, more for long claims
 * (a DD_CLAIM_SAMPLE_DIV-th of them, at most DD_CLAIM_SAMPLE_MAX), so that
 * an excerpt or a variant, sharing most of the claim's trigrams, shares a
 * sampled one. The lookup probes all of the query's trigrams. */
#ifndef DD_CLAIM_SAMPLE_K
#define DD_CLAIM_SAMPLE_K 8
#endif
#ifndef DD_CLAIM_SAMPLE_DIV
#define DD_CLAIM_SAMPLE_DIV 2
#endif
#ifndef DD_CLAIM_SAMPLE_MAX
#define DD_CLAIM_SAMPLE_MAX 128
#endif
/* The most keys one claim can post, and the mean the table is sized for
 * (PolNeAR-like claims of ~18.6 trigrams: ~10.3 sampled, and the
 * statement). */
#define DD_CLAIM_KEYS_MAX (1 + DD_CLAIM_SAMPLE_MAX)
#define DD_CLAIM_KEYS_MEAN 12

typedef struct dd_cgen {
    dd_claim *c;    uint32_t n, cap;
    char     *arena; size_t alen, acap;
    dd_tab    tab;            /* statement and sampled trigram keys -> claim */
    uint32_t  newest_at;
    uint64_t  serial;
} dd_cgen;

/* Where a quote's statement was first seen, as decided by novelty. */
typedef struct dd_seen {
    int      is_new;
    uint32_t at, ts;
    char    *article;     /* owned; NULL = this article */
    uint64_t norm;        /* the statement this quote matched (story feature) */
    uint64_t own_norm;    /* this quote's own statement hash */
    uint32_t *tri;        /* owned: its sorted trigram hashes, then nmark groups (dd_claim_lookup) */
    size_t   ntri, nmark;
} dd_seen;

/* Scratch of claim novelty (dedup_claims.c): the word hashes of the
 * statement being looked up and brk[i] = an ellipsis before word i. Owned
 * by the state, reused from quote to quote. */
typedef struct dd_stmt_scratch {
    uint64_t *w;
    unsigned char *brk;
    unsigned char *mark;             /* mark[i] = word i is a negation, a number or a name */
    char   num[32];  size_t numlen;  /* the number word i - 1 when digit groups may join it */
    size_t n, cap;
    uint32_t *tmp;  size_t captmp;   /* radix sort of long trigram lists; then the
                                        lookup's trigrams cut to 16 bits */
} dd_stmt_scratch;

void dd_stmt_scratch_free(dd_stmt_scratch *sc);

/* ---- the state -------------------------------------------------------- */

/* A changelog record of the last finish(): key and value are spans of
 * the state's recbuf. */
typedef struct dd_rec {
    size_t key_off, key_len;
    size_t value_off, value_len;
} dd_rec;

/* What finish() stored, kept until ne_dedup_records() asks for the
 * records: encoding them is most of the claim half's cost and `enrich`
 * never asks. Strings are spans of the state's pendstr (copied: the
 * document may be gone by then); tri points into the state's seen array
 * and the article's fingerprint is the state's fp, both valid until the
 * next process(). */
typedef struct dd_pend {
    char      kind;                /* 'a' article, 'c' claim */
    uint32_t  at, t2;              /* article: at, pub; claim: at, ts */
    uint64_t  norm;                /* claim: the statement; article: dd_hash_block() of the body's bytes */
    const uint32_t *tri;  size_t ntri;
    size_t    s1, s2;              /* article: id, story (-1 = none); claim: article id, claim id */
} dd_pend;

struct ne_dedup_state {
    int      enabled;
    double   threshold;
    uint32_t retention_s;
    uint32_t gen_cap;             /* articles per generation */
    uint32_t claim_gen_cap;
    uint32_t story_window_s;

    dd_agen  agen[2];             /* [old, cur] by serial; NULL art = empty */
    dd_cgen  cgen[2];
    uint64_t next_serial;

    dd_scratch sc;
    dd_stmt_scratch stmt;
    char     wordbuf[256];

    /* the current document, between process() and finish() */
    dd_fp    fp;
    int      have_fp;
    int      self_found;          /* a stored entry is this very article */
    int      self_gen;  uint32_t self_idx;
    /* A stored claim of this article's id counts as this article's own (a
     * redelivery: still new) only when it was processed at or after this
     * time: 0 for most articles; for an update under its earlier version's
     * id, the time this version was first processed (a redelivery of it),
     * or UINT32_MAX (its first attempt), since the earlier version's claims
     * carry the same article id and are not new to this one. */
    uint32_t claim_self_from;
    /* The earliest processing time this article may be stored with: one
     * second after the version it updates under the same id, so that its
     * claims (ts = its processing time) are told from that version's by
     * time even when both came within one second (claim_self_from). */
    uint32_t min_proc_at;
    /* The changelog key of this article's record is versioned ("a/<id>~<body
     * hash>"): an update under its earlier version's id, whose record must not
     * replace the earlier one's on compaction (its claims are in it). */
    int      key_versioned;
    dd_seen *seen;  size_t nseen, capseen;

    /* changelog records of the last finish(): pending until asked for */
    dd_pend *pend;  size_t npend, cappend;
    nebuf    pendstr;
    uint32_t pend_feats[DD_FEAT_MAX];  size_t pend_nfeat;
    int      encoded;
    nebuf    recbuf;
    dd_rec  *recs;  size_t nrecs, caprecs;

    int64_t (*clock)(void *ctx);
    void    *clock_ctx;

    /* The bodies stored last, for ne_dedup_probably_exact() on other
     * threads: slot = dd_hash_block() of the body's bytes mod
     * DD_HINT_SLOTS, value = the hash's top 32 bits above the id's hash.
     * Written when finish() stores an article or a changelog record with
     * "bh" is applied, never cleared (a stale slot only costs a wrong
     * hint). */
    _Atomic uint64_t *hint;

    ne_dedup_stats st;
};

#define DD_HINT_SLOTS 65536

/* Notes that the state holds article `id`, whose body's bytes hash to
 * body_bytes (dd_hash_block), for ne_dedup_probably_exact(). */
void dd_hint_store(ne_dedup_state *s, uint64_t body_bytes, const char *id);

uint32_t dd_now(const ne_dedup_state *s);

/* RFC 3339 (UTC, seconds) of a unix time into out[32]. */
void dd_format_time(uint32_t t, char out[32]);
/* Parses an RFC 3339 date-time; 0 when it is not one. */
uint32_t dd_parse_time(const char *s);

/* Generations: the current one takes inserts; when it is full (gen_cap)
 * the old one is dropped and the current one becomes old. An old
 * generation whose newest entry is past retention is dropped too.
 * Never NULL. */
dd_agen *dd_agen_for_insert(ne_dedup_state *s);
dd_cgen *dd_cgen_for_insert(ne_dedup_state *s);
void dd_agen_free(dd_agen *g);
void dd_cgen_free(dd_cgen *g);

/* The arena record of entry a of generation g. */
dd_blobv dd_art_blob(const dd_agen *g, const dd_art *a);

/* The duplicate decision for fingerprint fp of article id over the stored
 * entries (exact by body, update by id or URL, near by LSH + sketch); sets
 * s->self_* when the article itself is stored (a redelivery). The strings
 * in r point into the state (valid until the next insert). */
typedef struct dd_result {
    int status;                /* enum ne_dedup_status; duplicate_of is update_of for an update */
    double similarity;
    const char *duplicate_of, *story;
    uint32_t of_at;            /* when duplicate_of was processed */
} dd_result;
int dd_decide(ne_dedup_state *s, const dd_fp *fp, const char *id, dd_result *r);
/* Requests every table line dd_decide() and the insert will read for fp
 * and article id
 * (the decision does this itself; a batch can do it ahead, so the cache
 * misses of several articles overlap). */
void dd_prefetch(const ne_dedup_state *s, const dd_fp *fp, const char *id);

/* Inserts an article entry (no changelog). Returns 0, or -1 when the
 * generation cannot take it (full, or its arena past 32-bit offsets). */
int dd_art_insert(ne_dedup_state *s, const dd_fp *fp, uint32_t at, uint32_t pub,
                  const char *id, const char *story, const uint32_t *feats, size_t nfeat);
/* The stored entry of article `id` with fp's body hash, or NULL. */
const dd_art *dd_art_find_self(const ne_dedup_state *s, const char *id, const dd_fp *fp,
                               int *gen, uint32_t *idx);

/* Claims: novelty of one statement (see dedup_claims.c). `text` is the
 * quote text. Fills *out (article owned by the caller afterwards) and
 * *tri (the caller frees it): the statement's ntri sorted trigram hashes,
 * then nmark groups of DD_MARK_GROUP values, one for each negation,
 * number or name of the statement: the trigrams that hold that word (0
 * where there is none). A claim matches only when it holds a trigram of
 * every group. */
#define DD_MARK_GROUP 3
void dd_claim_lookup(ne_dedup_state *s, const char *text, const char *article_id, dd_seen *out,
                     uint64_t *norm, uint32_t **tri, size_t *ntri, size_t *nmark);
/* Stores a claim (no changelog). Returns 0, or -1 when the generation
 * cannot take it (full, or its arena past 32-bit offsets). */
int dd_claim_insert(ne_dedup_state *s, uint64_t norm, const uint32_t *tri, size_t ntri,
                    uint32_t at, uint32_t ts, const char *article_id, const char *claim_id);
/* A stored claim of this statement from this article exists. */
int dd_claim_known(const ne_dedup_state *s, uint64_t norm, const char *article_id);
/* Share of a's trigrams found in b (both sorted). */
double dd_tri_containment(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* dd_tri_containment(a, na, b, nb) >= DD_CLAIM_CONTAINMENT, decided
 * without finishing the merge once the answer is known; need =
 * dd_tri_need(na), the fewest shared trigrams that reach it (computed
 * once per a). */
size_t dd_tri_need(size_t na);
int dd_tri_contained(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t need);
/* b (sorted) holds a trigram of every one of the ngroups groups (as
 * dd_claim_lookup() returns them). */
int dd_tri_groups_held(const uint32_t *groups, size_t ngroups, const uint32_t *b, size_t nb);
#define DD_CLAIM_CONTAINMENT 0.8
#define DD_CLAIM_MIN_TRIGRAMS 3

/* Changelog records (dedup_changelog.c): queued by finish() as pending
 * records, encoded by ne_dedup_records() on its first call after it. */
void dd_pend_article(ne_dedup_state *s, uint32_t at, uint32_t pub, const char *id, const char *story,
                     const uint32_t *feats, size_t nfeat, uint64_t body_bytes);
void dd_pend_claim(ne_dedup_state *s, uint64_t norm, const uint32_t *tri, size_t ntri, uint32_t at, uint32_t ts,
                   const char *article_id, const char *claim_id);
/* Parses a changelog record value with the scanner of our own records and
 * with yajl, and compares what they read (for tests): 1 when the scanner
 * read it and both read the same (or both refuse it), 0 when the scanner
 * gave up (yajl alone decides), -1 when they differ. */
int dd_record_parse_agree(const char *value, size_t len);
void dd_rec_clear(ne_dedup_state *s);
void dd_rec_free(ne_dedup_state *s);
/* The most an article's record value may take (bytes) before its further
 * claims go in records of their own: well inside the producer's and the
 * broker's default message.max.bytes (1,000,000) and fetch sizes. */
#define DD_RECORD_BUDGET (256 * 1024)

#endif
