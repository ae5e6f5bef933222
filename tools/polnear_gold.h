/* polnear_gold — what the speaker trainer (speakers_train.c), the
 * statement filter's trainer (statements_train.c) and the quote evaluation
 * (eval_quotes.c) agree on about PolNeAR: the entity a source span names,
 * which cues are speech, how a record's fields are read, how predictions
 * are paired with gold spans, and how a file of records is run through the
 * chain. Header-only (static functions), for tools.
 *
 * The gold person of an attribution is the entity of the first body
 * mention (person or organisation) that overlaps its source span and is
 * not a possessive ("Carter's press secretary, Peter Cook" is Peter
 * Cook). Sources that name no entity (pronouns, "sources", "the
 * President" without coreference) have none: -1.
 */
#ifndef NE_POLNEAR_GOLD_H
#define NE_POLNEAR_GOLD_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "common/xalloc.h"
#include "enrichers/entities/entities.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/quotes/quotes_int.h"
#include "enrichers/text/text.h"

/* A PolNeAR record's field `key` (any type), or NULL. */
static inline yajl_val pg_jget(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(v, path, yajl_t_any);
}

/* A PolNeAR record's integer field `key`, or -1. */
static inline long pg_jint(yajl_val v, const char *key)
{
    yajl_val n = pg_jget(v, key);
    return YAJL_IS_INTEGER(n) ? (long)YAJL_GET_INTEGER(n) : -1;
}

/* True when the bytes body[e-2, e) or body[e-4, e) are 's or ’s. */
static inline int pg_possessive_end(const char *body, uint32_t e)
{
    return (e >= 2 && body[e - 1] == 's' && body[e - 2] == '\'') ||
           (e >= 4 && body[e - 1] == 's' && memcmp(body + e - 4, "\xE2\x80\x99", 3) == 0);
}

/* The entity the source bytes [sb, se) name, or -1: the entity of a
 * person or organisation mention that is the phrase's head, i.e. that
 * ends where the source ends ("Carter's press secretary, Peter Cook",
 * "Republican pollster Daron Shaw"), or starts where it starts and ends it
 * or is followed by a comma ("Melanne Verveer, who served as …"). A name
 * that only modifies a description ("A joint Kremlin and White House
 * statement", "the Trump campaign") is not the source's person. */
static inline long pg_gold_entity(const ne_doc *doc, uint32_t sb, uint32_t se)
{
    const char *b = doc->body;
    while (se > sb && (b[se - 1] == ' ' || b[se - 1] == ',' || b[se - 1] == '.' || b[se - 1] == '\n' ||
                       b[se - 1] == ':'))
        se--;
    while (sb < se && (b[sb] == ' ' || b[sb] == '\n')) sb++;
    if (se <= sb) return -1;
    long best = -1;
    uint32_t best_start = UINT32_MAX;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            if (mn->field != NE_FIELD_BODY || mn->start >= se || mn->end <= sb) continue;
            int head = mn->end == se || (mn->start == sb && mn->end < se && b[mn->end] == ',');
            if (!head || pg_possessive_end(b, mn->end)) continue;
            if (mn->start < best_start) { best_start = mn->start; best = (long)e; }
        }
    }
    return best;
}

/* ---- which gold relations are speech ------------------------------------ */

/* The speech verbs that classify gold relations, frozen as the hand
 * lexicon had them before the learned cue forms (issue 18), so that the
 * gold does not move with the system under test. */
static const char *const pg_speech_verbs[] = {
    "say", "says", "said", "saying", "tell", "tells", "told", "telling", "add", "adds", "added",
    "adding", "write", "writes", "wrote", "writing", "tweet", "tweets", "tweeted", "tweeting",
    "ask", "asks", "asked", "asking", "claim", "claims", "claimed", "claiming", "deny", "denies",
    "denied", "denying", "reject", "rejects", "rejected", "rejecting", "insist", "insists",
    "insisted", "insisting", "warn", "warns", "warned", "warning", "explain", "explains",
    "explained", "explaining", "argue", "argues", "argued", "arguing", "note", "notes", "noted",
    "noting", "reply", "replies", "replied", "replying", "respond", "responds", "responded",
    "responding", "state", "states", "stated", "stating", "declare", "declares", "declared",
    "declaring", "announce", "announces", "announced", "announcing", "admit", "admits", "admitted",
    "admitting", "acknowledge", "acknowledges", "acknowledged", "acknowledging", "confirm",
    "confirms", "confirmed", "confirming", "continue", "continues", "continued", "conclude",
    "concludes", "concluded", "recall", "recalls", "recalled", "recalling", "remark", "remarks",
    "remarked", "joke", "jokes", "joked", "joking", "quipped", "quips", "shouted", "shouts",
    "yelled", "screamed", "chanted", "chanting", "exclaimed", "whispered", "cried", "boast",
    "boasts", "boasted", "boasting", "complain", "complains", "complained", "complaining",
    "lamented", "predict", "predicts", "predicted", "predicting", "promise", "promises",
    "promised", "promising", "vow", "vows", "vowed", "vowing", "pledge", "pledges", "pledged",
    "pledging", "urge", "urges", "urged", "urging", "reiterate", "reiterates", "reiterated",
    "reiterating", "repeated", "repeats", "stress", "stresses", "stressed", "stressing",
    "emphasized", "emphasised", "emphasizes", "emphasises", "assert", "asserts", "asserted",
    "asserting", "allege", "alleges", "alleged", "alleging", "maintain", "maintains", "maintained",
    "contend", "contends", "contended", "concede", "concedes", "conceded", "conceding",
    "countered", "counters", "retorted", "answered", "observed", "observes", "report", "reports",
    "reported", "reporting", "read", "reads", "quoted", "testified", "testifies", "revealed",
    "reveals", "disclosed", "mentioned", "suggested", "suggests", "assured", "assures", "reminded",
    "informed", "threatened", "demanded", "call", "calls", "called", "calling", "describe",
    "describes", "described", "describing", "dubbed", "labeled", "labelled", "branded", "accused",
    "accuses", "accusing", "blasted", "slammed", "according", NULL};

static inline int pg_is_speech_verb(const char *w, size_t n)
{
    char buf[32];
    if (n >= sizeof buf) return 0;
    for (size_t i = 0; i < n; i++) buf[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    buf[n] = '\0';
    for (int i = 0; pg_speech_verbs[i]; i++)
        if (!strcmp(pg_speech_verbs[i], buf)) return 1;
    return 0;
}

/* True when a word of cue text p is a speech verb; sets *letters when p
 * has any word at all (a cue of punctuation only is a colon or dash tag,
 * which the callers count as speech). */
static inline int pg_speech_words(const char *p, int *letters)
{
    while (*p) {
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) p++;
        const char *w = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '\'') p++;
        if (p > w) {
            *letters = 1;
            if (pg_is_speech_verb(w, (size_t)(p - w))) return 1;
        }
    }
    return 0;
}

/* ---- pairing predictions with gold ------------------------------------- */

/* Code point index -> byte offset for a UTF-8 text of n bytes (*ncp code
 * points; entry *ncp is n). The caller frees it. */
static inline uint32_t *pg_cp_to_byte(const char *s, size_t n, size_t *ncp)
{
    uint32_t *m = ne_xmalloc((n + 2) * sizeof *m);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) m[k++] = (uint32_t)i;
    m[k] = (uint32_t)n;
    *ncp = k;
    return m;
}

/* The code-point bounds [*b, *e) of an annotation's spans (its "content"
 * or "source": an array of {start, end}), leaving out spans that do not
 * fit a text of ncp code points. Returns 0 when none fits (or spans is
 * not an array). */
static inline int pg_span_bounds(yajl_val spans, size_t ncp, long *b, long *e)
{
    *b = *e = -1;
    if (!YAJL_IS_ARRAY(spans)) return 0;
    for (size_t j = 0; j < spans->u.array.len; j++) {
        long cb = pg_jint(spans->u.array.values[j], "start"), ce = pg_jint(spans->u.array.values[j], "end");
        if (cb < 0 || ce < cb || (size_t)ce > ncp) continue;
        if (*b < 0 || cb < *b) *b = cb;
        if (ce > *e) *e = ce;
    }
    return *b >= 0;
}

/* The overlap of [pb, pe) and [gb, ge) over the longer of the two. */
static inline double pg_overlap(uint32_t pb, uint32_t pe, uint32_t gb, uint32_t ge)
{
    uint32_t lo = pb > gb ? pb : gb, hi = pe < ge ? pe : ge;
    if (hi <= lo) return 0;
    uint32_t a = pe - pb, b = ge - gb;
    return (double)(hi - lo) / (double)(a > b ? a : b);
}

/* A prediction p and a gold span g that overlap by o; sorted by
 * pg_pair_cmp (largest overlap first, then by prediction) for greedy one
 * to one matching. */
typedef struct pg_pair { double o; uint32_t p, g; } pg_pair;

static inline int pg_pair_cmp(const void *a, const void *b)
{
    const pg_pair *x = a, *y = b;
    return x->o < y->o ? 1 : x->o > y->o ? -1 : (x->p < y->p ? -1 : x->p > y->p);
}

/* ---- running records through the chain ---------------------------------- */

/* Fills *doc (zeroed; the caller resets it) with text as its body and runs
 * the text, entities and quotes stages on it. 0, or -1 when one failed. */
static inline int pg_enrich_text(void *ent, ne_quotes_ws *ws, ne_doc *doc, const char *id, const char *text)
{
    memset(doc, 0, sizeof *doc);
    doc->id = ne_xstrdup(id);
    doc->body = ne_xstrdup(text);
    doc->body_len = strlen(text);
    return ne_text_analyze(&doc->body_text, doc->body, doc->body_len) || ne_entities_process(ent, doc) ||
                   ne_quotes_extract(ws, doc)
               ? -1
               : 0;
}

typedef void (*pg_article_fn)(ne_quotes_ws *ws, ne_doc *doc, yajl_val art, uint32_t aidx);

/* Runs each record of `all` (PolNeAR JSON lines, split in place) with a
 * "text" through the chain and calls fn with it and its index. Returns
 * the number of records, or -1 after printing "<tool>: out of memory". */
static inline long pg_each_article(char *all, void *ent, ne_quotes_ws *ws, pg_article_fn fn, const char *tool)
{
    char err[512];
    uint32_t n = 0;
    for (char *line = all, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = '\0';
        if (!*line) continue;
        yajl_val art = yajl_tree_parse(line, err, sizeof err);
        const char *path_text[] = {"text", NULL}, *path_id[] = {"doc_id", NULL};
        const char *text = art ? YAJL_GET_STRING(yajl_tree_get(art, path_text, yajl_t_string)) : NULL;
        const char *id = art ? YAJL_GET_STRING(yajl_tree_get(art, path_id, yajl_t_string)) : NULL;
        if (!text) { if (art) yajl_tree_free(art); continue; }
        ne_doc doc;
        if (pg_enrich_text(ent, ws, &doc, id ? id : "doc", text) < 0) {
            fprintf(stderr, "%s: out of memory\n", tool);
            return -1;
        }
        fn(ws, &doc, art, n++);
        ne_doc_reset(&doc);
        yajl_tree_free(art);
    }
    return (long)n;
}

#endif
