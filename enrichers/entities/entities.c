/* entities — the entities stage (see entities.h for what it does).
 *
 * Per document, in order:
 *   tag        NER over body sentences then title sentences (one call, so
 *              the model's document features see the whole article);
 *              lines without case information (title-case headlines,
 *              captions) are marked: the tagger's spans there are "weak"
 *   match      gazetteer and watchlist phrases, leftmost-longest per field
 *   merge      NER spans and phrase matches into one list of candidates
 *              (cand), sorted by field (body first) and token
 *   prepare    for people: titles set aside, surname and given-name keys;
 *              lists of names typed alike; words the tagger typed ORG/LOC/
 *              MISC that are a person's surname retyped; untagged surnames
 *              of the article's people added; titles before names taken in
 *   cluster    people (full names, then short forms), watched people,
 *              direct aliases and role nouns, then other entities by key;
 *              weak candidates only join, lone doubtful words are dropped
 *   emit       doc->entities in order of first mention
 *
 * Every scratch array lives in the stage state and only grows, so a
 * document costs no allocation beyond the entities it outputs (their ids,
 * names and mention arrays, which the document owns).
 */
#include "enrichers/entities/entities.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrichers/ner/ner.h"
#include "enrichers/text/text.h"

#define NONE32 UINT32_MAX

/* ---- small helpers ----------------------------------------------------- */

/* Grows *pp (an array of *cap elements of size sz) to hold at least n.
 * Returns 0, or -1 on out-of-memory (the old array is kept). */
static int grow(void *pp, size_t *cap, size_t n, size_t sz)
{
    if (n <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < n) c *= 2;
    void *p = realloc(*(void **)pp, c * sz);
    if (!p) return -1;
    *(void **)pp = p;
    *cap = c;
    return 0;
}

static int is_upper_ascii(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower_ascii(unsigned char c) { return c >= 'a' && c <= 'z'; }
static unsigned char lower_ascii(unsigned char c) { return is_upper_ascii(c) ? (unsigned char)(c + 32) : c; }

/* FNV-1a over ASCII-lower-cased bytes: keys of words and names compare
 * case-insensitively. Never 0, which the maps use for "empty". */
static uint64_t hash_fold(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= lower_ascii((unsigned char)s[i]);
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

/* Letters in s: ASCII letters plus one per non-ASCII character (its lead
 * byte); how "full" a name is, after its word count. */
static size_t count_letters(const char *s, size_t n)
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
static size_t possessive_base(const char *s, size_t n)
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

/* ---- a map from 64-bit keys to 32-bit values ----------------------------- */

/* Open addressing, linear probing; key 0 marks an empty slot. */
typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t    cap;    /* slots in use: a power of two, or 0 */
    size_t    alloc;  /* slots allocated (>= cap) */
    size_t    n;
} u64map;

static void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Empties the map and makes room for n keys at under half load. Only the
 * slots needed are cleared, so a small document after a huge one pays for
 * its own size. */
static int u64map_reset(u64map *m, size_t n)
{
    size_t want = 16;
    while (want < 2 * n + 2) want *= 2;
    if (want > m->alloc) {
        uint64_t *k = realloc(m->keys, want * sizeof *k);
        if (!k) return -1;
        m->keys = k;
        uint32_t *v = realloc(m->vals, want * sizeof *v);
        if (!v) return -1;
        m->vals = v;
        m->alloc = want;
    }
    m->cap = want;
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
    return 0;
}

static size_t u64map_slot(const u64map *m, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 17) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value of key, or NONE32. */
static uint32_t u64map_get(const u64map *m, uint64_t key)
{
    if (!m->cap) return NONE32;
    size_t i = u64map_slot(m, key);
    return m->keys[i] ? m->vals[i] : NONE32;
}

/* Sets key to val. The map must have been reset for enough keys, or grows
 * here (doubling, rehashing). Returns 0, or -1 on out-of-memory. */
static int u64map_put(u64map *m, uint64_t key, uint32_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        u64map big = {0};
        if (u64map_reset(&big, m->n + 1 > 8 ? 2 * (m->n + 1) : 16) < 0) { u64map_free(&big); return -1; }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = u64map_slot(&big, m->keys[i]);
                big.keys[j] = m->keys[i];
                big.vals[j] = m->vals[i];
                big.n++;
            }
        u64map_free(m);
        *m = big;
    }
    size_t i = u64map_slot(m, key);
    if (!m->keys[i]) { m->keys[i] = key; m->n++; }
    m->vals[i] = val;
    return 0;
}

/* ---- titles, suffixes, particles ---------------------------------------- */

/* Words that precede a name without being part of it. A title that says
 * the gender is a hint for pronoun resolution (quotes stage). */
typedef struct title_phrase {
    const char *w[3];
    uint8_t len[3];   /* strlen of each word, so that matching never counts */
    uint8_t n;
    uint8_t gender;
    uint8_t any_case;   /* an office, also written in lower case ("US president Trump") */
} title_phrase;

#define T1(a, g)       { { a, NULL, NULL }, { sizeof a - 1, 0, 0 }, 1, g, 0 }
#define O1(a, g)       { { a, NULL, NULL }, { sizeof a - 1, 0, 0 }, 1, g, 1 }
#define O2(a, b, g)    { { a, b, NULL }, { sizeof a - 1, sizeof b - 1, 0 }, 2, g, 1 }
#define O3(a, b, c, g) { { a, b, c }, { sizeof a - 1, sizeof b - 1, sizeof c - 1 }, 3, g, 1 }
enum { G0 = NE_GENDER_UNKNOWN, GM = NE_GENDER_MALE, GF = NE_GENDER_FEMALE };

static const title_phrase titles[] = {
    T1("Mr", GM), T1("Mrs", GF), T1("Ms", GF), T1("Miss", GF), T1("Mister", GM), T1("Messrs", GM),
    T1("Madam", GF), T1("Madame", GF), T1("Mme", GF), T1("Sir", GM), T1("Dame", GF),
    T1("Lady", GF), T1("Lord", GM), T1("King", GM), T1("Queen", GF), T1("Prince", GM),
    T1("Princess", GF), O2("Crown", "Prince", GM), T1("Duke", GM), T1("Duchess", GF),
    T1("Sheikh", GM), T1("Emir", GM), T1("Sultan", GM), T1("Pope", GM), T1("Father", GM),
    T1("Ayatollah", GM), O1("Congressman", GM), O1("Congresswoman", GF),
    O1("Chairman", GM), O1("Chairwoman", GF), T1("Archbishop", GM), T1("Cardinal", GM),
    T1("Dr", G0), T1("Prof", G0), T1("Professor", G0), O1("President", G0),
    O2("Vice", "President", G0), O2("Prime", "Minister", G0), O1("Premier", G0),
    O1("Chancellor", G0), O1("Secretary", G0), O3("Secretary", "of", "State", G0),
    O2("Foreign", "Minister", G0), O2("Defence", "Secretary", G0), O2("Defense", "Secretary", G0),
    O2("Attorney", "General", G0), O2("Special", "Counsel", G0), O1("Minister", G0),
    O1("Senator", G0), T1("Sen", G0), T1("Rep", G0), O1("Representative", G0),
    O1("Governor", G0), T1("Gov", G0), O1("Mayor", G0), O1("Ambassador", G0),
    T1("General", G0), T1("Gen", G0), T1("Lt", G0), T1("Col", G0), T1("Colonel", G0),
    T1("Capt", G0), T1("Captain", G0), T1("Maj", G0), T1("Major", G0), T1("Sgt", G0),
    T1("Adm", G0), T1("Admiral", G0), T1("Judge", G0), T1("Justice", G0), T1("Speaker", G0),
    T1("Rev", G0), T1("Reverend", G0), T1("Bishop", G0), T1("Rabbi", G0), T1("Imam", G0),
    T1("Chief", G0), T1("Commissioner", G0), T1("Director", G0), T1("Detective", G0),
    T1("Officer", G0), T1("Agent", G0), T1("Coach", G0), T1("Deputy", G0), T1("Leader", G0),
};

/* Name endings that are not surnames: "Martin Luther King Jr." */
static const char *const name_suffixes[] = { "Jr", "Sr", "II", "III", "IV" };

/* Token i of t as a word: its bytes, and its length without a final '.' of
 * an abbreviation ("Mr." → "Mr"). */
static const char *tok_ptr(const ne_text *t, size_t i) { return t->s + t->toks[i].start; }
static size_t tok_len(const ne_text *t, size_t i) { return t->toks[i].end - t->toks[i].start; }

static size_t tok_len_nodot(const ne_text *t, size_t i)
{
    size_t n = tok_len(t, i);
    return n > 1 && tok_ptr(t, i)[n - 1] == '.' ? n - 1 : n;
}

/* True when token i is the word w (wn bytes), a final period aside ("Gen.
 * Smith"); with any_case, whatever the case of its first letter ("US
 * president Trump"). */
static int tok_is_wordn(const ne_text *t, size_t i, const char *w, size_t wn, int any_case)
{
    if (t->toks[i].kind != NE_TOK_WORD) return 0;
    size_t n = tok_len_nodot(t, i);
    const char *s = tok_ptr(t, i);
    if (n != wn) return 0;
    if (any_case) return lower_ascii((unsigned char)s[0]) == lower_ascii((unsigned char)w[0]) &&
                         memcmp(s + 1, w + 1, n - 1) == 0;
    return memcmp(s, w, n) == 0;
}

static int tok_is_word(const ne_text *t, size_t i, const char *w)
{
    return tok_is_wordn(t, i, w, strlen(w), 1);
}

/* Length in tokens of the title phrase starting at token i that ends
 * before token `limit`, or 0; the longest wins. Sets *gender. */
static size_t title_at(const ne_text *t, size_t i, size_t limit, uint8_t *gender)
{
    size_t best = 0;
    if (i >= limit || t->toks[i].kind != NE_TOK_WORD) return 0;
    /* most tokens are no title's first word: rule titles out by the
     * length and (folded) initial of that word before comparing */
    size_t n0 = tok_len_nodot(t, i);
    unsigned char c0 = lower_ascii((unsigned char)tok_ptr(t, i)[0]);
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++) {
        const title_phrase *tp = &titles[k];
        if (tp->len[0] != n0 || lower_ascii((unsigned char)tp->w[0][0]) != c0) continue;
        if (tp->n <= best || i + tp->n > limit) continue;
        size_t j = 0;
        while (j < tp->n && tok_is_wordn(t, i + j, tp->w[j], tp->len[j], tp->any_case)) j++;
        if (j == tp->n) { best = tp->n; *gender = tp->gender; }
    }
    return best;
}

/* Start of the title phrase that ends right before token `end` and starts
 * at or after `floor` in the same paragraph, or `end` when there is none. */
static size_t title_before(const ne_text *t, size_t end, size_t floor, uint8_t *gender)
{
    size_t best = end;
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++) {
        const title_phrase *tp = &titles[k];
        if (end < floor + tp->n || end - tp->n >= best) continue;
        size_t s = end - tp->n, j = 0;
        if (t->toks[s].para != t->toks[end].para) continue;
        while (j < tp->n && tok_is_wordn(t, s + j, tp->w[j], tp->len[j], tp->any_case)) j++;
        if (j == tp->n) { best = s; *gender = tp->gender; }
    }
    return best;
}

/* 1 + the index of token i in name_suffixes, or 0. */
static int name_suffix_code(const ne_text *t, size_t i)
{
    size_t n = tok_len_nodot(t, i);
    const char *s = tok_ptr(t, i);
    for (size_t k = 0; k < sizeof name_suffixes / sizeof name_suffixes[0]; k++)
        if (strlen(name_suffixes[k]) == n && memcmp(name_suffixes[k], s, n) == 0) return (int)k + 1;
    return 0;
}

static int is_name_suffix(const ne_text *t, size_t i) { return name_suffix_code(t, i) != 0; }

/* The suffix code of a name [a, b): its last word's, if a suffix. */
static uint8_t name_suffix(const ne_text *t, size_t a, size_t b)
{
    while (b > a && t->toks[b - 1].kind != NE_TOK_WORD) b--;
    return b > a ? (uint8_t)name_suffix_code(t, b - 1) : 0;
}

/* Key of a surname: the word without possessive, Arabic article ("al-Assad"
 * and "Assad" are one name) or case. */
static uint64_t surname_key(const char *s, size_t n)
{
    n = possessive_base(s, n);
    if (n > 5 && (lower_ascii((unsigned char)s[0]) == 'a' || lower_ascii((unsigned char)s[0]) == 'e') &&
        s[1] == 'l' && s[2] == '-') {
        s += 3;
        n -= 3;
    }
    return hash_fold(s, n);
}

/* Key of a given name; an initial ("J." or "J") is marked as one. */
static uint64_t given_key(const char *s, size_t n, uint8_t *initial)
{
    if (n > 1 && s[n - 1] == '.') n--;
    *initial = n == 1;
    return hash_fold(s, n);
}

/* True when two given names can be the same person's: equal, or one an
 * initial of the other. */
static int given_compatible(uint64_t g1, uint8_t i1, char c1, uint64_t g2, uint8_t i2, char c2)
{
    if (g1 == g2) return 1;
    return (i1 || i2) && lower_ascii((unsigned char)c1) == lower_ascii((unsigned char)c2);
}

/* ---- slugs ---------------------------------------------------------------- */

/* ASCII for U+00C0..U+017F (Latin-1 letters, Latin Extended-A), lower case;
 * "" for × and ÷. */
static const char *const latin_fold[192] = {
    "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
    "d","n","o","o","o","o","o","","o","u","u","u","u","y","th","ss",
    "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
    "d","n","o","o","o","o","o","","o","u","u","u","u","y","th","y",
    "a","a","a","a","a","a","c","c","c","c","c","c","c","c","d","d",
    "d","d","e","e","e","e","e","e","e","e","e","e","g","g","g","g",
    "g","g","g","g","h","h","h","h","i","i","i","i","i","i","i","i",
    "i","i","ij","ij","j","j","k","k","k","l","l","l","l","l","l","l",
    "l","l","l","n","n","n","n","n","n","n","n","n","o","o","o","o",
    "o","o","oe","oe","r","r","r","r","r","r","s","s","s","s","s","s",
    "s","s","t","t","t","t","t","t","u","u","u","u","u","u","u","u",
    "u","u","u","u","w","w","y","y","y","z","z","z","z","z","z","s",
};

size_t ne_entities_slug(const char *name, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    int dash = 0;   /* a separator is pending */
    if (cap == 0) return 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)name[i];
        const char *rep = NULL;
        char one[2] = { 0, 0 };
        size_t adv = 1;
        if (c < 0x80) {
            if (is_upper_ascii(c) || is_lower_ascii(c) || (c >= '0' && c <= '9')) {
                one[0] = (char)lower_ascii(c);
                rep = one;
            } else if (c == '\'') {
                i++;   /* O'Brien → obrien: an apostrophe joins, it does not separate */
                continue;
            }
        } else if ((c & 0xE0) == 0xC0 && i + 1 < len) {
            unsigned cp = ((unsigned)(c & 0x1F) << 6) | ((unsigned char)name[i + 1] & 0x3F);
            adv = 2;
            if (cp >= 0xC0 && cp < 0x180 && latin_fold[cp - 0xC0][0]) rep = latin_fold[cp - 0xC0];
        } else {
            if (c == 0xE2 && i + 2 < len && (unsigned char)name[i + 1] == 0x80 &&
                (unsigned char)name[i + 2] == 0x99) {
                i += 3;   /* ’ as an apostrophe, as above */
                continue;
            }
            adv = (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        }
        if (rep) {
            size_t rl = strlen(rep);
            if (dash && o > 0) {
                if (o + 1 >= cap) break;
                out[o++] = '-';
            }
            dash = 0;
            if (o + rl >= cap) break;
            memcpy(out + o, rep, rl);
            o += rl;
        } else {
            dash = 1;
        }
        i += adv;
    }
    out[o] = '\0';
    return o;
}

/* ---- the gazetteer ---------------------------------------------------------- */

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
    uint8_t  suffix;          /* "Jr.": see name_suffix() */
    char     first;           /* first letter of the given name */
} watch_form;

typedef struct gazetteer {
    char     *pool;   size_t npool, cap_pool;
    gz_word  *words;  size_t nwords, cap_words;
    gz_entry *ents;   size_t nents, cap_ents;
    u64map    first;          /* key of an entry's first word → its chain head */
    u64map    given;          /* key of a given name → enum ne_gender */
    uint32_t  lower_initials; /* bit c-'a': some entry starts with a lower-case word in c */
    watch_form *forms; size_t nforms, cap_forms;
} gazetteer;

static void gz_free(gazetteer *gz)
{
    free(gz->pool);
    free(gz->words);
    free(gz->ents);
    free(gz->forms);
    u64map_free(&gz->first);
    u64map_free(&gz->given);
    memset(gz, 0, sizeof *gz);
}

/* Copies s[0..n) into the pool; returns its offset, or NONE32 on OOM. */
static uint32_t gz_intern(gazetteer *gz, const char *s, size_t n)
{
    if (grow(&gz->pool, &gz->cap_pool, gz->npool + n + 1, 1) < 0) return NONE32;
    uint32_t off = (uint32_t)gz->npool;
    memcpy(gz->pool + off, s, n);
    gz->pool[off + n] = '\0';
    gz->npool += n + 1;
    return off;
}

/* Adds an entry for the tokens [a, b) of t (a tokenized phrase). Returns 0,
 * or -1 on out-of-memory. */
static int gz_add(gazetteer *gz, const ne_text *t, size_t a, size_t b, enum ne_ent_type type,
                  enum gz_kind kind, int32_t person, const char *canon, size_t ncanon)
{
    if (b <= a) return 0;
    if (grow(&gz->ents, &gz->cap_ents, gz->nents + 1, sizeof *gz->ents) < 0 ||
        grow(&gz->words, &gz->cap_words, gz->nwords + (b - a), sizeof *gz->words) < 0)
        return -1;
    gz_entry *e = &gz->ents[gz->nents];
    memset(e, 0, sizeof *e);
    e->word0 = (uint32_t)gz->nwords;
    e->nwords = (uint32_t)(b - a);
    e->type = (uint8_t)type;
    e->kind = (uint8_t)kind;
    e->person = person;
    e->canon = NONE32;
    for (size_t i = a; i < b; i++) {
        uint32_t off = gz_intern(gz, tok_ptr(t, i), tok_len(t, i));
        if (off == NONE32) return -1;
        gz->words[gz->nwords++] = (gz_word){ off, (uint32_t)tok_len(t, i) };
    }
    if (canon) {
        e->canon = gz_intern(gz, canon, ncanon);
        if (e->canon == NONE32) return -1;
        e->ncanon = (uint32_t)ncanon;
    }
    uint64_t key = hash_fold(tok_ptr(t, a), tok_len(t, a));
    unsigned char c0 = (unsigned char)tok_ptr(t, a)[0];
    if (is_lower_ascii(c0)) gz->lower_initials |= 1u << (c0 - 'a');
    if (kind == GZ_ROLE && is_upper_ascii(c0)) gz->lower_initials |= 1u << (lower_ascii(c0) - 'a');
    uint32_t head = u64map_get(&gz->first, key);
    e->next = head;
    if (u64map_put(&gz->first, key, (uint32_t)gz->nents) < 0) return -1;
    gz->nents++;
    return 0;
}

/* Does word w of entry e match token i of t? The last word may carry a
 * possessive in the text. Role nouns take "the" in either case, and their
 * lower-case words also in capitals; everything else is case-exact. */
static int gz_word_matches(const gazetteer *gz, const gz_entry *e, uint32_t w,
                           const ne_text *t, size_t i)
{
    const gz_word *gw = &gz->words[e->word0 + w];
    const char *g = gz->pool + gw->off, *s = tok_ptr(t, i);
    size_t n = tok_len(t, i);
    if (w + 1 == e->nwords) n = possessive_base(s, n);
    if (n != gw->len) return 0;
    if (memcmp(s, g, n) == 0) return 1;
    if (e->kind != GZ_ROLE || !is_lower_ascii((unsigned char)g[0]) ||
        lower_ascii((unsigned char)s[0]) != (unsigned char)g[0])
        return 0;
    return memcmp(s + 1, g + 1, n - 1) == 0;
}

/* Tokens of entry e matched at token i of t (same paragraph), or 0. */
static size_t gz_match_at(const gazetteer *gz, const gz_entry *e, const ne_text *t, size_t i)
{
    if (i + e->nwords > t->ntoks) return 0;
    for (uint32_t w = 0; w < e->nwords; w++) {
        size_t k = i + w;
        if (w && t->toks[k].para != t->toks[i].para) return 0;
        if (w + 1 < e->nwords && possessive_base(tok_ptr(t, k), tok_len(t, k)) != tok_len(t, k)) return 0;
        if (!gz_word_matches(gz, e, w, t, k)) return 0;
    }
    return e->nwords;
}

/* ---- loading: the bundled file and the watchlist --------------------------- */

/* Name words [*na, *nb) of the phrase [a, b) of t: leading titles set
 * aside. Returns the number of words and the gender a title gave. */
static size_t name_words(const ne_text *t, size_t a, size_t b, size_t *na, uint8_t *gender)
{
    size_t n;
    *gender = G0;
    if (title_at(t, a, b, gender) == b - a) { *na = b; return 0; }   /* a bare title */
    while (a < b && (n = title_at(t, a, b - 1, gender)) > 0) a += n;
    *na = a;
    size_t words = 0;
    for (size_t i = a; i < b; i++)
        if (t->toks[i].kind == NE_TOK_WORD && !is_name_suffix(t, i)) words++;
    return words;
}

/* First and last name words of [na, b): the given name and the surname. */
static void name_ends(const ne_text *t, size_t na, size_t b, size_t *gi, size_t *si)
{
    *gi = *si = na;
    int seen = 0;
    for (size_t i = na; i < b; i++) {
        if (t->toks[i].kind != NE_TOK_WORD || is_name_suffix(t, i)) continue;
        if (!seen) { *gi = i; seen = 1; }
        *si = i;
    }
}

static int gz_add_form(gazetteer *gz, uint32_t person, const ne_text *t, size_t na, size_t b, int full)
{
    size_t gi, si;
    if (grow(&gz->forms, &gz->cap_forms, gz->nforms + 1, sizeof *gz->forms) < 0) return -1;
    name_ends(t, na, b, &gi, &si);
    watch_form *f = &gz->forms[gz->nforms++];
    memset(f, 0, sizeof *f);
    f->person = person;
    f->surname = surname_key(tok_ptr(t, si), tok_len(t, si));
    f->suffix = name_suffix(t, na, b);
    if (full) {
        f->given = given_key(tok_ptr(t, gi), tok_len(t, gi), &f->initial);
        f->first = tok_ptr(t, gi)[0];
    }
    return 0;
}

/* True when some full form of the person has this surname. */
static int person_has_surname(const gazetteer *gz, uint32_t person, uint64_t surname)
{
    for (size_t k = 0; k < gz->nforms; k++)
        if (gz->forms[k].person == person && gz->forms[k].given && gz->forms[k].surname == surname)
            return 1;
    return 0;
}

/* Adds a watched person's name and aliases. Names and multi-word aliases
 * go first, so that a one-word alias can be told apart: a surname of one
 * of them ("Putin") or something else ("POTUS"). Role nouns start with a
 * lower-case word ("the Russian leader") or are bare titles. */
static int gz_add_person(gazetteer *gz, ne_text *t, const ne_person *p, uint32_t person)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k <= p->naliases; k++) {
            const char *s = k == 0 ? p->name : p->aliases[k - 1];
            if (!s || !*s) continue;
            if (ne_text_analyze(t, s, strlen(s)) < 0) return -1;
            if (t->ntoks == 0) continue;
            size_t na, words;
            uint8_t g;
            words = name_words(t, 0, t->ntoks, &na, &g);
            int role = is_lower_ascii((unsigned char)s[0]) || words == 0;
            int full = !role && words >= 2;
            if ((pass == 0) != full) continue;
            if (role) {
                if (gz_add(gz, t, 0, t->ntoks, NE_ENT_PER, GZ_ROLE, (int32_t)person, NULL, 0) < 0) return -1;
                continue;
            }
            size_t gi, si;
            name_ends(t, na, t->ntoks, &gi, &si);
            enum gz_kind kind = GZ_NAME;
            if (!full && !person_has_surname(gz, person, surname_key(tok_ptr(t, si), tok_len(t, si))))
                kind = GZ_DIRECT;
            if (gz_add(gz, t, 0, t->ntoks, NE_ENT_PER, kind, (int32_t)person, NULL, 0) < 0) return -1;
            if (kind == GZ_NAME && gz_add_form(gz, person, t, na, t->ntoks, full) < 0) return -1;
        }
    }
    return 0;
}

/* Reads models/gazetteer.tsv (see the file's header). Returns 0, or -1
 * with a message naming the file (and line) in err. */
static int gz_load_file(gazetteer *gz, ne_text *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "entities: cannot read the gazetteer %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        char *phrase = strchr(line, '\t'), *canon = NULL;
        if (phrase) { *phrase++ = '\0'; canon = strchr(phrase, '\t'); }
        if (canon) *canon++ = '\0';
        enum ne_ent_type type;
        int gender = -1;
        if (strcmp(line, "LOC") == 0) type = NE_ENT_LOC;
        else if (strcmp(line, "ORG") == 0) type = NE_ENT_ORG;
        else if (strcmp(line, "MISC") == 0) type = NE_ENT_MISC;
        else if (strcmp(line, "MALE") == 0) { type = NE_ENT_PER; gender = GM; }
        else if (strcmp(line, "FEMALE") == 0) { type = NE_ENT_PER; gender = GF; }
        else phrase = NULL;
        if (!phrase || !*phrase) {
            snprintf(err, errlen, "entities: %s:%zu: expected KIND<TAB>phrase[<TAB>canonical] "
                     "with KIND one of LOC, ORG, MISC, MALE, FEMALE", path, lineno);
            rc = -1;
        } else if (gender >= 0) {
            char *save = NULL;
            for (char *w = strtok_r(phrase, " ", &save); w && rc == 0; w = strtok_r(NULL, " ", &save))
                if (u64map_put(&gz->given, hash_fold(w, strlen(w)), (uint32_t)gender) < 0) rc = -2;
        } else if (ne_text_analyze(t, phrase, strlen(phrase)) < 0 ||
                   gz_add(gz, t, 0, t->ntoks, type, GZ_PLACE, -1, canon, canon ? strlen(canon) : 0) < 0) {
            rc = -2;
        }
    }
    if (rc == -2) snprintf(err, errlen, "entities: out of memory loading %s", path);
    free(line);
    fclose(f);
    return rc < 0 ? -1 : 0;
}

/* ---- paths ---------------------------------------------------------------------- */

int ne_entities_resolve_path(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", path);
    if (access(path, R_OK) == 0 || path[0] == '/') return access(path, R_OK) == 0 ? 0 : -1;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = '\0';
    /* build/newsenrich finds models/ner.model as build/../models/ner.model,
     * whether the path names the models folder or only the file. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char cand[PATH_MAX + 64];
    snprintf(cand, sizeof cand, "%s/../%s", exe, path);
    if (access(cand, R_OK) == 0) { snprintf(out, cap, "%s", cand); return 0; }
    snprintf(cand, sizeof cand, "%s/../models/%s", exe, base);
    if (access(cand, R_OK) == 0) { snprintf(out, cap, "%s", cand); return 0; }
    return -1;
}

/* ---- per-document candidates ------------------------------------------------- */

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
    uint8_t  weak;          /* the tagger's, in a line without case: may join, never found */
    uint8_t  suffix;        /* PER: "Jr." and the like (name_suffix) */
    char     first;         /* PER: first letter of the given name */
} cand;

typedef struct cluster {
    uint64_t key;           /* PER: surname key; others: name key */
    uint64_t given;         /* PER with a full name: given-name key */
    int32_t  person;        /* watched person, or -1 */
    int32_t  best;          /* cand giving the canonical name, or -1 */
    uint32_t nment;
    uint32_t first;         /* reading position of the first mention */
    uint32_t out;           /* index in doc->entities */
    int      votes[4];      /* type votes of its mentions */
    int      male, female;  /* gender evidence */
    uint8_t  type, full, initial, suffix;
    uint8_t  doubt;         /* drop_doubtful_people: 1 maybe, 2 dropped, 3 kept */
    char     first_letter;
} cluster;

typedef struct ent_state {
    int enabled;
    const ne_config *cfg;
    ne_ner_model *model;
    ne_ner_ws *ws;
    gazetteer gz;

    /* scratch, reused by every document */
    ne_ner_tok  *ntok;   size_t cap_ntok;
    ne_ner_sent *nsent;  size_t cap_nsent;
    uint8_t     *tags;   size_t cap_tags;    /* NER output, in sentence order */
    uint32_t    *tokmap; size_t cap_tokmap;  /* NER token → token of its field */
    uint8_t     *piece;  size_t cap_piece;   /* NER token is a possessive cut off a word */
    uint8_t     *uncased; size_t cap_uncased;/* per token (body, then title): in a line without case */
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
    /* per-document maps; keys are name keys (hash_fold, surname_key) */
    u64map m_recent;   /* surname → latest full-name cluster (also: keys of people, early on) */
    u64map m_first;    /* surname → first full-name cluster */
    u64map m_short;    /* surname → cluster of a person known by surname only */
    u64map m_given;    /* given name → first full-name cluster ("Kim" → Kim Jong Un) */
    u64map m_keys;     /* name key → cluster of an organisation, place or other */
    u64map m_alias;    /* acronym key → index of its pair in st->alias */
} ent_state;

static const ne_text *field_text(const ne_doc *doc, int field)
{
    return field == NE_FIELD_TITLE ? &doc->title_text : &doc->body_text;
}

/* ---- tagging ----------------------------------------------------------------- */

/* True when NER sentence s (tokens of text t, tagged) carries no case
 * information: no lower-case letter at all, or every word of four letters
 * or more capitalised and, in the body, at least one of them past the
 * first word outside any entity ("Putin Says He Didn’t Meddle in the US
 * Election"; a sentence made of names, "Angela Merkel met Emmanuel Macron
 * in Berlin", is not one). In a title two such words are enough. The
 * tagger guesses in such lines; the stage keeps its guesses there only
 * where the rest of the article confirms them. */
static int sentence_is_uncased(const ent_state *st, const ne_text *t, size_t s, int title)
{
    size_t g0 = (size_t)(st->nsent[s].toks - st->ntok), n = st->nsent[s].ntoks;
    size_t free_caps = 0, lower_any = 0, words = 0, long_words = 0;
    for (size_t g = g0; g < g0 + n; g++) {
        size_t i = st->tokmap[g];
        if (st->piece[g] || t->toks[i].kind != NE_TOK_WORD) continue;
        const char *p = tok_ptr(t, i);
        size_t len = tok_len(t, i), lower = 0;
        for (size_t k = 0; k < len; k++) lower += is_lower_ascii((unsigned char)p[k]);
        lower_any += lower;
        words++;
        if (count_letters(p, len) < 4) continue;
        if (!(t->toks[i].flags & NE_TF_CAP)) return 0;
        long_words++;
        free_caps += g > g0 && st->tags[g] == NE_NER_O;
    }
    return words > 0 && (lower_any == 0 || (title ? long_words >= 2 : free_caps >= 1));
}

/* Sets the uncased flag of the tokens of each uncased sentence of t, whose
 * first NER sentence is s0. */
static void mark_uncased(ent_state *st, const ne_text *t, int field, size_t s0, uint8_t *uncased)
{
    for (size_t s = 0; s < t->nsents; s++)
        if (sentence_is_uncased(st, t, s0 + s, field == NE_FIELD_TITLE))
            memset(uncased + t->sents[s].tok_start, 1, t->sents[s].tok_end - t->sents[s].tok_start);
}

/* Appends the sentences of t to the NER input. A possessive becomes a
 * token of its own ("Obama" "’s"): the model learnt from text split that
 * way, and without the split "Obama’s Affordable Care Act" reads as one
 * long name. */
static void add_ner_sentences(ent_state *st, const ne_text *t, size_t *ns, size_t *nt)
{
    for (size_t s = 0; s < t->nsents; s++) {
        const ne_sentence *se = &t->sents[s];
        size_t first = *nt;
        for (size_t i = se->tok_start; i < se->tok_end; i++) {
            const char *p = tok_ptr(t, i);
            size_t n = tok_len(t, i), base = n;
            if (t->toks[i].kind == NE_TOK_WORD) base = possessive_base(p, n);
            st->ntok[*nt] = (ne_ner_tok){ p, base };
            st->tokmap[*nt] = (uint32_t)i;
            st->piece[(*nt)++] = 0;
            if (base < n) {
                st->ntok[*nt] = (ne_ner_tok){ p + base, n - base };
                st->tokmap[*nt] = (uint32_t)i;
                st->piece[(*nt)++] = 1;
            }
        }
        st->nsent[*ns] = (ne_ner_sent){ st->ntok + first, *nt - first };
        (*ns)++;
    }
}

/* Maps the NER spans of NER tokens [from, to) to spans over the tokens of
 * their field, appending to st->spans; a span that is only a possessive
 * piece is dropped. */
static void map_spans(ent_state *st, size_t from, size_t to, const ne_ner_span *sp, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (sp[k].tok_start < from || sp[k].tok_start >= to) continue;
        if (sp[k].tok_end - sp[k].tok_start == 1 && st->piece[sp[k].tok_start]) continue;
        uint32_t a = st->tokmap[sp[k].tok_start], b = st->tokmap[sp[k].tok_end - 1] + 1;
        st->spans[st->nspans++] = (ne_ner_span){ a, b, sp[k].type };
    }
}

/* Tags body and title as one document; leaves the entity spans of each
 * field in st->spans (body first, st->nspans_body of them) and the uncased
 * flags in st->uncased. Returns 0, or -1 on out-of-memory. */
static int tag_document(ent_state *st, const ne_doc *doc)
{
    const ne_text *bt = &doc->body_text, *tt = &doc->title_text;
    size_t ntoks = bt->ntoks + tt->ntoks, nsents = bt->nsents + tt->nsents, cap = 2 * ntoks + 1;
    if (grow(&st->ntok, &st->cap_ntok, cap, sizeof *st->ntok) < 0 ||
        grow(&st->tokmap, &st->cap_tokmap, cap, sizeof *st->tokmap) < 0 ||
        grow(&st->piece, &st->cap_piece, cap, 1) < 0 ||
        grow(&st->nsent, &st->cap_nsent, nsents + 1, sizeof *st->nsent) < 0 ||
        grow(&st->tags, &st->cap_tags, cap, 1) < 0 ||
        grow(&st->uncased, &st->cap_uncased, ntoks + 1, 1) < 0 ||
        grow(&st->spans, &st->cap_spans, 2 * cap, sizeof *st->spans) < 0)
        return -1;
    size_t ns = 0, nt = 0;
    memset(st->uncased, 0, ntoks + 1);
    add_ner_sentences(st, bt, &ns, &nt);
    size_t body_nt = nt;
    add_ner_sentences(st, tt, &ns, &nt);
    st->nspans = st->nspans_body = 0;
    if (nt == 0) return 0;
    if (ne_ner_tag(st->model, st->ws, st->nsent, ns, st->tags) < 0) return -1;
    mark_uncased(st, bt, NE_FIELD_BODY, 0, st->uncased);
    mark_uncased(st, tt, NE_FIELD_TITLE, bt->nsents, st->uncased + bt->ntoks);
    /* raw spans go to the upper half of st->spans, mapped ones to the lower */
    ne_ner_span *raw = st->spans + cap;
    size_t nraw = ne_ner_spans(st->tags, nt, raw, cap);
    map_spans(st, 0, body_nt, raw, nraw);
    st->nspans_body = st->nspans;
    map_spans(st, body_nt, nt, raw, nraw);
    return 0;
}

/* "I", "I'm", "I’ve": never a name, though the tagger says so at times. */
static int is_first_person(const ne_text *t, size_t i)
{
    const unsigned char *s = (const unsigned char *)tok_ptr(t, i);
    size_t n = tok_len(t, i);
    if (s[0] != 'I') return 0;
    return n == 1 || s[1] == '\'' || (n > 3 && s[1] == 0xE2 && s[2] == 0x80 && s[3] == 0x99);
}

/* ---- matching and merging ------------------------------------------------------ */

/* Finds the phrase matches of field t, leftmost-longest, into st->gzc.
 * Returns how many, or -1 on out-of-memory. */
static long match_phrases(ent_state *st, const ne_text *t, int field)
{
    const gazetteer *gz = &st->gz;
    size_t n = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        if (t->toks[i].kind != NE_TOK_WORD) continue;
        const char *s = tok_ptr(t, i);
        unsigned char c0 = (unsigned char)s[0];
        /* most words are lower case and start no entry: skip the hashing */
        if (is_lower_ascii(c0) && !(gz->lower_initials & (1u << (c0 - 'a')))) continue;
        uint32_t e = u64map_get(&gz->first, hash_fold(s, possessive_base(s, tok_len(t, i))));
        size_t best_len = 0;
        uint32_t best = NONE32;
        for (; e != NONE32; e = gz->ents[e].next) {
            size_t m = gz_match_at(gz, &gz->ents[e], t, i);
            /* longer wins; on a tie the watchlist beats the bundled list */
            if (m > best_len || (m && m == best_len && gz->ents[e].kind > gz->ents[best].kind)) {
                best_len = m;
                best = e;
            }
        }
        if (!best_len) continue;
        if (grow(&st->gzc, &st->cap_gzc, n + 1, sizeof *st->gzc) < 0) return -1;
        const gz_entry *ge = &gz->ents[best];
        cand *c = &st->gzc[n++];
        memset(c, 0, sizeof *c);
        c->a = (uint32_t)i;
        c->b = (uint32_t)(i + best_len);
        c->gaz = (int32_t)best;
        c->person = ge->person;
        c->type = ge->type;
        c->kind = ge->kind;
        c->ner_type = 0xff;
        c->field = (uint8_t)field;
        i += best_len - 1;
    }
    return (long)n;
}

static int push_cand(ent_state *st, const cand *c)
{
    if (grow(&st->c, &st->cap_c, st->nc + 1, sizeof *st->c) < 0) return -1;
    st->c[st->nc] = *c;
    st->c[st->nc].cluster = -1;
    st->nc++;
    return 0;
}

/* Merges the NER spans and the phrase matches of one field into st->c.
 * Where they overlap: the same span is one candidate with the phrase's
 * type (curated) and the tagger's type remembered; a span inside a longer
 * one loses to it ("Trump" in "Trump Tower", "Russian" in "the Russian
 * leader"); partial overlaps keep the longer, the tagger's on a tie. */
static int merge_field(ent_state *st, const ne_doc *doc, int field)
{
    const ne_text *t = field_text(doc, field);
    if (t->ntoks == 0) return 0;
    const ne_ner_span *spans = st->spans + (field == NE_FIELD_TITLE ? st->nspans_body : 0);
    size_t nn = field == NE_FIELD_TITLE ? st->nspans - st->nspans_body : st->nspans_body;
    const uint8_t *uncased = st->uncased + (field == NE_FIELD_TITLE ? doc->body_text.ntoks : 0);
    long ng = match_phrases(st, t, field);
    if (ng < 0) return -1;
    if (grow(&st->keep, &st->cap_keep, nn + 1, 1) < 0) return -1;
    uint8_t *nkeep = st->keep;
    memset(nkeep, 1, nn);
    size_t p = 0;
    for (long j = 0; j < ng; j++) {
        cand *g = &st->gzc[j];
        int gkeep = 1;
        while (p < nn && spans[p].tok_end <= g->a) p++;
        for (size_t k = p; k < nn && spans[k].tok_start < g->b; k++) {
            const ne_ner_span *sp = &spans[k];
            uint32_t glen = g->b - g->a, nlen = sp->tok_end - sp->tok_start;
            if (sp->tok_start == g->a && sp->tok_end == g->b) {
                g->ner_type = (uint8_t)sp->type;
                nkeep[k] = 0;
            } else if (uncased[sp->tok_start]) {
                nkeep[k] = 0;   /* "US" in a headline's "US Election" */
            } else if (sp->tok_start <= g->a && sp->tok_end >= g->b) {
                gkeep = 0;
            } else if (g->a <= sp->tok_start && g->b >= sp->tok_end) {
                nkeep[k] = 0;
            } else if (glen > nlen) {
                nkeep[k] = 0;
            } else {
                gkeep = 0;
            }
        }
        if (!gkeep) g->b = g->a;   /* emptied: skipped below */
    }
    /* both lists are sorted and now disjoint: merge them in order */
    size_t i = 0;
    long j = 0;
    while (i < nn || j < ng) {
        int take_ner = j >= ng || (i < nn && spans[i].tok_start < st->gzc[j].a);
        if (take_ner) {
            /* "I’m" typed ORG or PER: never an entity */
            if (spans[i].tok_end - spans[i].tok_start == 1 && is_first_person(t, spans[i].tok_start))
                nkeep[i] = 0;
            if (nkeep[i]) {
                cand c = { .a = spans[i].tok_start, .b = spans[i].tok_end, .gaz = -1, .person = -1,
                           .type = (uint8_t)spans[i].type, .ner_type = (uint8_t)spans[i].type,
                           .kind = GZ_PLACE, .field = (uint8_t)field, .weak = uncased[spans[i].tok_start] };
                if (push_cand(st, &c) < 0) return -1;
            }
            i++;
        } else {
            if (st->gzc[j].b > st->gzc[j].a && push_cand(st, &st->gzc[j]) < 0) return -1;
            j++;
        }
    }
    return 0;
}

/* ---- names ------------------------------------------------------------------------- */

/* Writes the words [a, b) of t into st->buf as a name: tokens joined by one
 * space where the text has whitespace, the last one without possessive,
 * a leading "the" dropped. Returns its length, or -1 on out-of-memory. */
static long build_name(ent_state *st, const ne_text *t, size_t a, size_t b)
{
    if (b > a + 1 && (tok_is_word(t, a, "the") || tok_is_word(t, a, "The"))) a++;
    size_t need = 1;
    for (size_t i = a; i < b; i++) need += tok_len(t, i) + 1;
    if (grow(&st->buf, &st->cap_buf, need, 1) < 0) return -1;
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        size_t n = tok_len(t, i);
        if (i + 1 == b) n = possessive_base(tok_ptr(t, i), n);
        if (i > a && (t->toks[i].flags & NE_TF_SPACE_BEFORE)) st->buf[o++] = ' ';
        memcpy(st->buf + o, tok_ptr(t, i), n);
        o += n;
    }
    st->buf[o] = '\0';
    return (long)o;
}

/* Key of a name: the hash of its slug, so that "Asia-Pacific" and "Asia
 * Pacific" are one name. Falls back to the folded bytes for names without
 * Latin letters. Returns 0 on out-of-memory. */
static uint64_t name_key(ent_state *st, const char *name, size_t len)
{
    if (grow(&st->slug, &st->cap_slug, 2 * len + 2, 1) < 0) return 0;
    size_t n = ne_entities_slug(name, len, st->slug, st->cap_slug);
    return n ? hash_fold(st->slug, n) : hash_fold(name, len);
}

/* The canonical name of a non-person candidate into st->buf: the
 * gazetteer's canonical name, else its words. Returns the length or -1. */
static long cand_name(ent_state *st, const ne_doc *doc, const cand *c)
{
    if (c->gaz >= 0 && st->gz.ents[c->gaz].canon != NONE32) {
        const gz_entry *e = &st->gz.ents[c->gaz];
        if (grow(&st->buf, &st->cap_buf, e->ncanon + 1, 1) < 0) return -1;
        memcpy(st->buf, st->gz.pool + e->canon, e->ncanon + 1);
        return (long)e->ncanon;
    }
    return build_name(st, field_text(doc, c->field), c->a, c->b);
}

/* Sets the name fields of a person candidate: titles inside the span set
 * aside, surname and given keys, whether it is a full name. Returns 0 when
 * no name word is left (a bare title). */
static int person_names(const ne_doc *doc, cand *c)
{
    const ne_text *t = field_text(doc, c->field);
    size_t na, gi, si;
    uint8_t g;
    size_t words = name_words(t, c->a, c->b, &na, &g);
    if (g) c->gender = g;
    c->na = (uint32_t)na;
    if (words == 0) return 0;
    name_ends(t, na, c->b, &gi, &si);
    c->key = surname_key(tok_ptr(t, si), tok_len(t, si));
    c->full = words >= 2;
    c->given = c->full ? given_key(tok_ptr(t, gi), tok_len(t, gi), &c->initial) : 0;
    c->first = tok_ptr(t, gi)[0];
    c->suffix = name_suffix(t, na, c->b);
    return 1;
}

/* Extends a person mention left over a title right before it ("Mr Trump",
 * "President Vladimir Putin"), never into the previous candidate. */
static void extend_over_title(const ne_doc *doc, cand *c, uint32_t floor)
{
    const ne_text *t = field_text(doc, c->field);
    uint8_t g = G0;
    size_t s = title_before(t, c->a, floor, &g);
    if (s < c->a) {
        c->a = (uint32_t)s;
        if (g) c->gender = g;
    }
}

/* True when token i opens a sentence or a clause (after a quotation mark,
 * a colon, a bracket or a dash), where any word is capitalised. */
static int clause_initial(const ne_text *t, size_t i)
{
    if (i == 0 || (t->toks[i].flags & NE_TF_SENT_START)) return 1;
    const ne_token *p = &t->toks[i - 1];
    return p->kind == NE_TOK_QUOTE || (p->kind == NE_TOK_PUNCT && t->s[p->start] != ',');
}

/* Words that open speech and that the tagger now and then reads as a
 * name: "Well, I think…", "PENCE: Well, look…". */
static const char *const interjections[] = {
    "Well", "Yes", "Yeah", "No", "Oh", "Okay", "OK", "Look", "Listen", "So", "Now", "Hey",
    "Thanks", "Please", "Sure", "Right", "Wow", "Folks", "Anyway", "Again",
};

static int is_interjection(const ne_text *t, size_t i)
{
    for (size_t k = 0; k < sizeof interjections / sizeof interjections[0]; k++)
        if (tok_is_wordn(t, i, interjections[k], strlen(interjections[k]), 0)) return 1;
    return 0;
}

/* True when the word of token i is also written in lower case elsewhere in
 * t ("Well, …" and "as well"). */
static int appears_lowercase(const ne_text *t, size_t i)
{
    const char *s = tok_ptr(t, i);
    size_t n = tok_len(t, i);
    for (size_t j = 0; j < t->ntoks; j++) {
        const char *w = tok_ptr(t, j);
        if (tok_len(t, j) != n || !is_lower_ascii((unsigned char)w[0]) || t->toks[j].kind != NE_TOK_WORD)
            continue;
        size_t k = 0;
        while (k < n && lower_ascii((unsigned char)w[k]) == lower_ascii((unsigned char)s[k])) k++;
        if (k == n) return 1;
    }
    return 0;
}

/* ---- clustering ------------------------------------------------------------------- */

static long new_cluster(ent_state *st, enum ne_ent_type type, uint64_t key)
{
    if (grow(&st->cl, &st->cap_cl, st->ncl + 1, sizeof *st->cl) < 0) return -1;
    cluster *k = &st->cl[st->ncl];
    memset(k, 0, sizeof *k);
    k->type = (uint8_t)type;
    k->key = key;
    k->person = -1;
    k->best = -1;
    return (long)st->ncl++;
}

static int cluster_gender(const cluster *k)
{
    return k->male > k->female ? GM : k->female > k->male ? GF : G0;
}

/* Adds the gender evidence of candidate c to cluster k: a title counts
 * more than a given name. */
static void vote_gender(const ent_state *st, const ne_doc *doc, cluster *k, const cand *c)
{
    if (c->gender == GM) k->male += 2;
    if (c->gender == GF) k->female += 2;
    if (c->full && !c->initial) {
        const ne_text *t = field_text(doc, c->field);
        size_t gi, si;
        name_ends(t, c->na, c->b, &gi, &si);
        uint32_t g = u64map_get(&st->gz.given, hash_fold(tok_ptr(t, gi), tok_len(t, gi)));
        if (g == GM) k->male++;
        if (g == GF) k->female++;
    }
}

static void join(ent_state *st, const ne_doc *doc, size_t ci, long k)
{
    cand *c = &st->c[ci];
    cluster *cl = &st->cl[k];
    c->cluster = (int32_t)k;
    cl->nment++;
    if (c->type < 4) cl->votes[c->type]++;
    if (c->type == NE_ENT_PER) vote_gender(st, doc, cl, c);
}

/* Can full name c belong to person cluster k? Same surname, compatible
 * given name. */
static int full_fits(const cluster *k, const cand *c)
{
    return k->type == NE_ENT_PER && k->full && k->key == c->key && k->suffix == c->suffix &&
           given_compatible(k->given, k->initial, k->first_letter, c->given, c->initial, c->first);
}

/* For a full name in an uncased line that fits nobody: the shortest
 * leading part of at least two words that fits a person of the article
 * ("Donald Trump Ties Hillary Clinton" → "Donald Trump"); the candidate is
 * cut to it. Returns the cluster, or -1. */
static long fit_weak_prefix(ent_state *st, const ne_doc *doc, cand *c)
{
    const ne_text *t = field_text(doc, c->field);
    cand probe = *c;
    for (size_t e = c->na + 1; e + 1 < c->b; e++) {
        if (t->toks[e].kind != NE_TOK_WORD) return -1;
        probe.key = surname_key(tok_ptr(t, e), tok_len(t, e));
        probe.suffix = 0;
        for (size_t j = 0; j < st->ncl; j++)
            if (full_fits(&st->cl[j], &probe)) {
                c->b = (uint32_t)e + 1;
                c->key = probe.key;
                c->suffix = 0;
                return (long)j;
            }
    }
    return -1;
}

/* Pass 1: full names, in order. A full name joins the latest cluster with
 * its surname when the given names fit, else any fitting one; otherwise it
 * starts a new person ("Ivanka Trump" after "Donald Trump"). */
static int cluster_full_names(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type != NE_ENT_PER || !c->full || c->kind == GZ_DIRECT || c->kind == GZ_ROLE) continue;
        uint32_t r = u64map_get(&st->m_recent, c->key);
        long k = -1;
        if (r != NONE32 && full_fits(&st->cl[r], c)) k = (long)r;
        for (size_t j = 0; k < 0 && j < st->ncl; j++)
            if (full_fits(&st->cl[j], c)) k = (long)j;
        if (k < 0 && c->weak && (k = fit_weak_prefix(st, doc, c)) < 0) continue;
        if (k < 0) {
            if ((k = new_cluster(st, NE_ENT_PER, c->key)) < 0) return -1;
            cluster *nk = &st->cl[k];
            nk->full = 1;
            nk->suffix = c->suffix;
            nk->given = c->given;
            nk->initial = c->initial;
            nk->first_letter = c->first;
            if (u64map_get(&st->m_first, c->key) == NONE32 &&
                u64map_put(&st->m_first, c->key, (uint32_t)k) < 0)
                return -1;
            if (u64map_get(&st->m_given, c->given) == NONE32 && !c->initial &&
                u64map_put(&st->m_given, c->given, (uint32_t)k) < 0)
                return -1;
        } else if (st->cl[k].initial && !c->initial) {
            st->cl[k].given = c->given;   /* "D. Trump", then "Donald Trump" */
            st->cl[k].initial = 0;
        }
        if (u64map_put(&st->m_recent, c->key, (uint32_t)k) < 0) return -1;
        join(st, doc, i, k);
    }
    return 0;
}

/* Can short form c ("Mrs Clinton", "Trump Jr.") be person cluster k? A
 * title's gender must not contradict the person's; a suffix must match. */
static int short_fits(const cluster *k, const cand *c)
{
    int kg = cluster_gender(k);
    return (!c->gender || !kg || kg == c->gender) && (!c->suffix || c->suffix == k->suffix);
}

/* The first full-name person cluster with c's surname that c fits, or -1. */
static long surname_cluster_fitting(const ent_state *st, const cand *c)
{
    for (size_t j = 0; j < st->ncl; j++) {
        const cluster *k = &st->cl[j];
        if (k->type == NE_ENT_PER && k->full && k->key == c->key && short_fits(k, c)) return (long)j;
    }
    return -1;
}

/* Pass 2: surnames and titled surnames. Each joins the person whose full
 * name came last before it, else the first full name after it with that
 * surname (a name the title or lead uses before the body spells it out),
 * else the first full name with that given name ("Kim" → "Kim Jong Un"),
 * else other mentions of the same lone surname. A title's gender that
 * contradicts the person's rules that person out ("Mrs Clinton"), and so
 * does a suffix ("Trump Jr."). */
static int cluster_short_names(ent_state *st, const ne_doc *doc)
{
    if (u64map_reset(&st->m_recent, st->nc) < 0) return -1;
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type != NE_ENT_PER || c->kind == GZ_DIRECT || c->kind == GZ_ROLE || !c->key) continue;
        if (c->full) {
            if (c->cluster >= 0 && u64map_put(&st->m_recent, c->key, (uint32_t)c->cluster) < 0) return -1;
            continue;
        }
        uint32_t k = u64map_get(&st->m_recent, c->key);
        if (k == NONE32) k = u64map_get(&st->m_first, c->key);
        if (k != NONE32 && !short_fits(&st->cl[k], c)) {
            long alt = surname_cluster_fitting(st, c);
            k = alt < 0 ? NONE32 : (uint32_t)alt;
        }
        if (k == NONE32) k = u64map_get(&st->m_given, c->key);
        if (k == NONE32) k = u64map_get(&st->m_short, c->key);
        if (k == NONE32 && c->weak) continue;
        if (k == NONE32) {
            long nk = new_cluster(st, NE_ENT_PER, c->key);
            if (nk < 0 || u64map_put(&st->m_short, c->key, (uint32_t)nk) < 0) return -1;
            k = (uint32_t)nk;
        }
        join(st, doc, i, (long)k);
    }
    return 0;
}

/* Does person cluster k refer to watched person p? Its full names must
 * fit one of p's full names; a cluster of surnames alone must share a
 * surname with p's names or surname aliases. */
static int cluster_is_person(const ent_state *st, const cluster *k, uint32_t p)
{
    for (size_t f = 0; f < st->gz.nforms; f++) {
        const watch_form *w = &st->gz.forms[f];
        if (w->person != p || w->surname != k->key) continue;
        if (!k->full) return 1;
        if (w->given && w->suffix == k->suffix &&
            given_compatible(k->given, k->initial, k->first_letter, w->given, w->initial, w->first))
            return 1;
    }
    return 0;
}

/* Marks the watched people among the person clusters (first fitting
 * cluster in reading order per person), then joins direct aliases to
 * their person — making the person's entity if the article has no other
 * mention — and role nouns to their person when the article names them. */
static int cluster_watched(ent_state *st, const ne_doc *doc)
{
    size_t npeople = st->cfg->watchlist.npeople;
    for (size_t p = 0; p < npeople; p++) st->pcl[p] = -1;
    for (size_t j = 0; j < st->ncl; j++) {
        cluster *k = &st->cl[j];
        if (k->type != NE_ENT_PER) continue;
        for (size_t p = 0; p < npeople && k->person < 0; p++)
            if (st->pcl[p] < 0 && cluster_is_person(st, k, (uint32_t)p)) {
                k->person = (int32_t)p;
                st->pcl[p] = (int32_t)j;
            }
    }
    for (int pass = 0; pass < 2; pass++) {   /* direct aliases first: they may create the person */
        for (size_t i = 0; i < st->nc; i++) {
            cand *c = &st->c[i];
            if (c->person < 0 || c->kind != (pass == 0 ? GZ_DIRECT : GZ_ROLE)) continue;
            long k = st->pcl[c->person];
            if (k < 0 && pass == 0) {
                if ((k = new_cluster(st, NE_ENT_PER, 0)) < 0) return -1;
                st->cl[k].person = c->person;
                st->pcl[c->person] = (int32_t)k;
            }
            if (k >= 0) join(st, doc, i, k);
        }
    }
    return 0;
}

/* Drops people known by one word only, never by a title or the watchlist,
 * whose every mention opens a sentence or clause and whose word is an
 * interjection or written in lower case elsewhere in the article: the
 * tagger's "Well, …" and the like. */
static void drop_doubtful_people(ent_state *st, const ne_doc *doc)
{
    for (size_t j = 0; j < st->ncl; j++) st->cl[j].doubt = 1;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster < 0) continue;
        const ne_text *t = field_text(doc, c->field);
        if (c->a != c->na || c->b - c->a != 1 || c->kind != GZ_PLACE || !clause_initial(t, c->a))
            st->cl[c->cluster].doubt = 0;
    }
    for (size_t j = 0; j < st->ncl; j++) {
        cluster *k = &st->cl[j];
        k->doubt = k->doubt && k->type == NE_ENT_PER && !k->full && k->person < 0 && k->nment > 0;
    }
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->cluster < 0 || !st->cl[c->cluster].doubt) continue;
        cluster *k = &st->cl[c->cluster];
        const ne_text *t = field_text(doc, c->field);
        if (k->doubt == 1) k->doubt = is_interjection(t, c->a) || appears_lowercase(t, c->a) ? 2 : 3;
        if (k->doubt == 2) {
            c->cluster = -1;
            k->nment--;
        }
    }
}

/* True when acronym token x of t spells the initials of the words [a, b)
 * in order, each letter of x the initial of a later word (small words such
 * as "of" may be skipped; hyphenated parts count as words). */
static int acronym_of(const ne_text *t, size_t x, size_t a, size_t b)
{
    const char *s = tok_ptr(t, x);
    size_t n = tok_len(t, x), k = 0;
    for (size_t i = a; i < b && k < n; i++) {
        const char *w = tok_ptr(t, i);
        size_t wl = tok_len(t, i);
        for (size_t j = 0; j < wl && k < n; j++) {
            int starts = j == 0 || w[j - 1] == '-';
            if (starts && is_upper_ascii((unsigned char)w[j]) && w[j] == s[k]) k++;
        }
    }
    return k == n;
}

/* Acronyms defined in the text: "Democratic National Committee (DNC)". The
 * acronym becomes an alias of the long form's key (st->m_alias) and a
 * mention of the same type; an untagged acronym becomes a candidate. */
static int find_acronyms(ent_state *st, const ne_doc *doc)
{
    size_t nc = st->nc;
    for (size_t i = 0; i < nc; i++) {
        cand *c = &st->c[i];
        const ne_text *t = field_text(doc, c->field);
        if (c->type == NE_ENT_PER || c->b - c->a < 2 || c->b + 2 >= t->ntoks) continue;
        size_t x = c->b + 1;
        if (tok_len(t, c->b) != 1 || tok_ptr(t, c->b)[0] != '(' ||
            tok_len(t, x + 1) != 1 || tok_ptr(t, x + 1)[0] != ')' ||
            !(t->toks[x].flags & NE_TF_ALLCAPS) || !acronym_of(t, x, c->a, c->b))
            continue;
        uint64_t ak = hash_fold(tok_ptr(t, x), tok_len(t, x)), long_key = c->key;
        enum ne_ent_type type = (enum ne_ent_type)c->type;
        if (grow(&st->alias, &st->cap_alias, 2 * (st->nalias + 1), sizeof *st->alias) < 0 ||
            u64map_put(&st->m_alias, ak, (uint32_t)st->nalias) < 0)
            return -1;
        st->alias[2 * st->nalias] = ak;
        st->alias[2 * st->nalias + 1] = long_key;
        st->nalias++;
        if (i + 1 < nc && st->c[i + 1].field == c->field && st->c[i + 1].a == x) {
            st->c[i + 1].type = (uint8_t)type;
            st->c[i + 1].key = long_key;
        } else if (i + 1 >= nc || st->c[i + 1].field != c->field || st->c[i + 1].a > x) {
            cand ac = { .a = (uint32_t)x, .b = (uint32_t)x + 1, .gaz = -1, .person = -1, .type = (uint8_t)type,
                        .ner_type = 0xff, .kind = GZ_PLACE, .field = c->field, .key = long_key };
            if (push_cand(st, &ac) < 0) return -1;
        }
    }
    return 0;
}

/* Organisations, places and the rest: one cluster per key, after defined
 * acronyms are mapped to their long forms. */
static int cluster_others(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type == NE_ENT_PER) continue;
        if (c->b - c->a == 1) {
            const ne_text *t = field_text(doc, c->field);
            const char *s = tok_ptr(t, c->a);
            uint32_t def = u64map_get(&st->m_alias, hash_fold(s, possessive_base(s, tok_len(t, c->a))));
            if (def != NONE32) c->key = st->alias[2 * def + 1];
        }
        uint32_t k = u64map_get(&st->m_keys, c->key);
        if (k == NONE32 && c->weak) continue;
        if (k == NONE32) {
            long nk = new_cluster(st, (enum ne_ent_type)c->type, c->key);
            if (nk < 0 || u64map_put(&st->m_keys, c->key, (uint32_t)nk) < 0) return -1;
            k = (uint32_t)nk;
        }
        join(st, doc, i, (long)k);
    }
    return 0;
}

/* ---- the canonical name, id and output ----------------------------------------------- */

/* Size of a name for choosing the canonical one: words, then letters. */
static void name_size(const ne_text *t, size_t a, size_t b, size_t *words, size_t *letters)
{
    *words = *letters = 0;
    for (size_t i = a; i < b; i++) {
        if (t->toks[i].kind != NE_TOK_WORD) continue;
        (*words)++;
        *letters += count_letters(tok_ptr(t, i), possessive_base(tok_ptr(t, i), tok_len(t, i)));
    }
}

/* Picks each cluster's canonical candidate: the fullest name form (people:
 * name words only; direct aliases and role nouns never). Also settles the
 * type of non-person clusters: the bundled list's, else the majority. */
static void choose_canonical(ent_state *st, const ne_doc *doc)
{
    for (size_t j = 0; j < st->ncl; j++) {
        cluster *k = &st->cl[j];
        if (k->type != NE_ENT_PER) {
            int bt = 0;
            for (int ty = 1; ty < 4; ty++) if (k->votes[ty] > k->votes[bt]) bt = ty;
            k->type = (uint8_t)bt;
        }
    }
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->cluster < 0 || c->kind == GZ_DIRECT || c->kind == GZ_ROLE) continue;
        cluster *k = &st->cl[c->cluster];
        /* a headline's or caption's spelling only as a last resort */
        if (c->weak && k->best >= 0) continue;
        if (!c->weak && k->best >= 0 && st->c[k->best].weak) k->best = -1;
        if (k->type != NE_ENT_PER && c->gaz >= 0 && st->gz.ents[c->gaz].kind == GZ_PLACE) {
            /* a curated name beats the tagger's spelling */
            if (k->best < 0 || st->c[k->best].gaz < 0) k->best = (int32_t)i;
            k->type = st->gz.ents[c->gaz].type;
            continue;
        }
        if (k->best >= 0 && k->type != NE_ENT_PER && st->c[k->best].gaz >= 0) continue;
        const ne_text *t = field_text(doc, c->field);
        size_t s = k->type == NE_ENT_PER ? c->na : c->a;
        size_t w, l, bw2 = 0, bl2 = 0;
        name_size(t, s, c->b, &w, &l);
        if (k->best >= 0) {
            const cand *b = &st->c[k->best];
            name_size(field_text(doc, b->field), k->type == NE_ENT_PER ? b->na : b->a, b->b, &bw2, &bl2);
        }
        if (k->best < 0 || w > bw2 || (w == bw2 && l > bl2)) k->best = (int32_t)i;
    }
}

/* Reading position of a candidate: the title comes before the body. */
static uint32_t reading_pos(const ne_doc *doc, const cand *c)
{
    return c->field == NE_FIELD_TITLE ? c->a : (uint32_t)doc->title_text.ntoks + c->a;
}

static int cmp_cluster_first(const void *x, const void *y, void *arg)
{
    const cluster *cl = arg;
    uint32_t a = cl[*(const uint32_t *)x].first, b = cl[*(const uint32_t *)y].first;
    return a < b ? -1 : a > b;
}

/* Writes the entity of cluster k (canonical name, id, type, watched,
 * gender) into e; mentions are filled by the caller. Returns 0 or -1. */
static int fill_entity(ent_state *st, const ne_doc *doc, const cluster *k, ne_entity *e)
{
    const ne_person *p = k->person >= 0 ? &st->cfg->watchlist.people[k->person] : NULL;
    const cand *b = k->best >= 0 ? &st->c[k->best] : NULL;
    long n;
    if (p && (!b || !k->full)) {
        /* named only by surname or alias: the watchlist knows the full name */
        n = (long)strlen(p->name);
        if (grow(&st->buf, &st->cap_buf, (size_t)n + 1, 1) < 0) return -1;
        memcpy(st->buf, p->name, (size_t)n + 1);
    } else if (b && k->type == NE_ENT_PER) {
        n = build_name(st, field_text(doc, b->field), b->na, b->b);
    } else if (b) {
        n = cand_name(st, doc, b);
    } else {
        n = 0;
        if (grow(&st->buf, &st->cap_buf, 1, 1) < 0) return -1;
        st->buf[0] = '\0';
    }
    if (n < 0 || !(e->name = strdup(st->buf))) return -1;
    if (p) {
        e->id = strdup(p->id);
    } else {
        if (grow(&st->slug, &st->cap_slug, 2 * (size_t)n + 24, 1) < 0) return -1;
        size_t sl = ne_entities_slug(e->name, (size_t)n, st->slug, st->cap_slug);
        if (sl == 0) snprintf(st->slug, st->cap_slug, "entity-%016llx",
                              (unsigned long long)hash_fold(e->name, (size_t)n));
        e->id = strdup(st->slug);
    }
    if (!e->id) return -1;
    e->type = (enum ne_ent_type)k->type;
    e->watched = p != NULL;
    e->gender = NE_GENDER_UNKNOWN;
    if (k->type == NE_ENT_PER) {
        int g = cluster_gender(k);
        if (!g && p && p->name) {
            /* a watched person named by alias only: the watchlist's given name */
            const char *sp = strchr(p->name, ' ');
            if (sp) g = (int)u64map_get(&st->gz.given, hash_fold(p->name, (size_t)(sp - p->name)));
            if (g != GM && g != GF) g = G0;
        }
        e->gender = (enum ne_gender)g;
    }
    e->mentions = calloc(k->nment ? k->nment : 1, sizeof *e->mentions);
    return e->mentions ? 0 : -1;
}

/* Makes ids unique within the article: a second "georgia" (the person
 * and the state) becomes "georgia-2". */
static int unique_ids(ent_state *st, ne_doc *doc)
{
    if (u64map_reset(&st->m_keys, doc->nentities) < 0) return -1;
    for (size_t i = 0; i < doc->nentities; i++) {
        ne_entity *e = &doc->entities[i];
        uint64_t h = hash_fold(e->id, strlen(e->id));
        for (int n = 2; u64map_get(&st->m_keys, h) != NONE32; n++) {
            size_t l = strlen(e->id) + 16;
            char *id = malloc(l);
            if (!id) return -1;
            snprintf(id, l, "%s-%d", e->id, n);
            if (u64map_get(&st->m_keys, hash_fold(id, strlen(id))) == NONE32) {
                free(e->id);
                e->id = id;
            } else {
                free(id);
            }
            h = hash_fold(e->id, strlen(e->id));
        }
        if (u64map_put(&st->m_keys, h, (uint32_t)i) < 0) return -1;
    }
    return 0;
}

/* Builds doc->entities from the clusters, in order of first mention, each
 * entity's mentions in reading order. */
static int emit_entities(ent_state *st, ne_doc *doc)
{
    for (size_t j = 0; j < st->ncl; j++) st->cl[j].first = UINT32_MAX;
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->cluster < 0) continue;
        uint32_t pos = reading_pos(doc, c);
        if (pos < st->cl[c->cluster].first) st->cl[c->cluster].first = pos;
    }
    size_t n = 0;
    if (grow(&st->order, &st->cap_order, st->ncl + 1, sizeof *st->order) < 0) return -1;
    for (size_t j = 0; j < st->ncl; j++)
        if (st->cl[j].nment) st->order[n++] = (uint32_t)j;
    if (n > 1) qsort_r(st->order, n, sizeof *st->order, cmp_cluster_first, st->cl);
    if (n == 0) return 0;
    doc->entities = calloc(n, sizeof *doc->entities);
    if (!doc->entities) return -1;
    for (size_t r = 0; r < n; r++) {
        cluster *k = &st->cl[st->order[r]];
        k->out = (uint32_t)r;
        doc->nentities = r + 1;
        if (fill_entity(st, doc, k, &doc->entities[r]) < 0) return -1;
    }
    /* the candidates are sorted body first: the title's go in first */
    for (int pass = 0; pass < 2; pass++) {
        int field = pass == 0 ? NE_FIELD_TITLE : NE_FIELD_BODY;
        for (size_t i = 0; i < st->nc; i++) {
            const cand *c = &st->c[i];
            if (c->cluster < 0 || c->field != field) continue;
            const ne_text *t = field_text(doc, field);
            ne_entity *e = &doc->entities[st->cl[c->cluster].out];
            e->mentions[e->nmentions++] = (ne_mention){ t->toks[c->a].start, t->toks[c->b - 1].end,
                                                        (uint8_t)field };
        }
    }
    return unique_ids(st, doc);
}

/* ---- preparing the candidates ------------------------------------------------------- */

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->field != b->field) return a->field < b->field ? -1 : 1;
    return a->a < b->a ? -1 : a->a > b->a;
}

/* True when a gap token can sit between two names of a list: a comma, or
 * a lower-case word ("and", "you have"). */
static int list_gap_token(const ne_text *t, size_t i)
{
    if (t->toks[i].kind == NE_TOK_PUNCT) return tok_len(t, i) == 1 && tok_ptr(t, i)[0] == ',';
    return t->toks[i].kind == NE_TOK_WORD && !(t->toks[i].flags & NE_TF_CAP);
}

/* Lists of names: single capitalised words of one sentence, a few
 * lower-case words or commas apart, with a comma or "and" between them
 * ("you have Brennan, you have Clapper, and you have Comey"). When the
 * tagger made one of them a person, the ones it typed MISC without a
 * gazetteer entry are people too. */
static void type_name_lists(ent_state *st, const ne_doc *doc)
{
    size_t i = 0;
    while (i < st->nc) {
        size_t j = i, per = 0;
        const ne_text *t = field_text(doc, st->c[i].field);
        for (;; j++) {
            const cand *c = &st->c[j];
            if (c->b - c->a != 1) break;
            per += c->type == NE_ENT_PER && c->kind != GZ_ROLE && c->kind != GZ_DIRECT;
            if (j + 1 >= st->nc) break;
            const cand *d = &st->c[j + 1];
            if (d->field != c->field || d->a <= c->b || d->a - c->b > 4 ||
                t->toks[d->a].para != t->toks[c->a].para)
                break;
            int sep = 0, ok = 1;
            for (size_t g = c->b; g < d->a && ok; g++) {
                ok = list_gap_token(t, g) && !(t->toks[g].flags & NE_TF_SENT_START);
                sep |= tok_len(t, g) == 1 ? tok_ptr(t, g)[0] == ','
                                          : tok_is_word(t, g, "and") || tok_is_word(t, g, "or");
            }
            if (!ok || !sep || (t->toks[d->a].flags & NE_TF_SENT_START)) break;
        }
        if (per && j > i) {
            for (size_t k = i; k <= j; k++) {
                cand *c = &st->c[k];
                /* "Bush and Democratic presidential candidates": an adjective */
                int adjective = c->b < t->ntoks && t->toks[c->b].kind == NE_TOK_WORD &&
                                !(t->toks[c->b].flags & NE_TF_CAP) && !tok_is_word(t, c->b, "and") &&
                                !tok_is_word(t, c->b, "or");
                if (c->type == NE_ENT_MISC && c->gaz < 0 && !adjective && (t->toks[c->a].flags & NE_TF_CAP)) {
                    c->type = NE_ENT_PER;
                    person_names(doc, c);
                }
            }
        }
        i = j + 1;
    }
}

/* True when the span [a, b) of t is a title and a name, or a name and
 * "Jr.": "Mr Trump", "Dr Fox", "Trump Jr." are people whatever the tagger
 * said; so is "President Trump" when `known` (a person of the article) has
 * that surname. */
static int titled_name(const ne_text *t, size_t a, size_t b, const u64map *known)
{
    uint8_t g = G0;
    /* "Donald Trump Jr." (typed ORG, like "Inc."): Jr and Sr end only names */
    if (b - a >= 2 && (t->toks[b - 2].flags & NE_TF_CAP) && name_suffix_code(t, b - 1) >= 1 &&
        name_suffix_code(t, b - 1) <= 2)
        return 1;
    size_t n = title_at(t, a, b - 1, &g);
    if (!n || !(t->toks[b - 1].flags & NE_TF_CAP)) return 0;
    if (g || tok_is_word(t, a, "Dr") || tok_is_word(t, a, "Prof")) return 1;
    return u64map_get(known, surname_key(tok_ptr(t, b - 1), tok_len(t, b - 1))) != NONE32;
}

/* Single words typed ORG, LOC or MISC that are the surname (or lone name)
 * of a person of the article become mentions of people ("the Trump
 * campaign", a "Brennan" the tagger typed two ways); a gazetteer place
 * only when the tagger also said person ("Jordan" the player, never
 * "Muslims" the group). So do titled names ("Mr Trump"
 * typed ORG at a sentence start). st->m_recent holds the keys. */
static void retype_person_words(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        const ne_text *t = field_text(doc, c->field);
        if (c->type == NE_ENT_PER ||
            (c->gaz >= 0 && (c->ner_type != NE_ENT_PER || st->gz.ents[c->gaz].type != NE_ENT_LOC)))
            continue;
        int person = c->b - c->a > 1
                         ? titled_name(t, c->a, c->b, &st->m_recent)
                         : (t->toks[c->a].flags & NE_TF_CAP) &&
                           u64map_get(&st->m_recent, surname_key(tok_ptr(t, c->a), tok_len(t, c->a))) != NONE32;
        if (!person) continue;
        c->type = NE_ENT_PER;
        c->gaz = -1;
        c->kind = GZ_PLACE;
        person_names(doc, c);
    }
}

/* Document-level consistency: a capitalised word the tagger left untagged
 * that is the surname of a person of the article is a mention of them
 * ("…and you have Comey. Comey is proven…"). Not at a sentence start in
 * the body, and not next to another capitalised word (part of a name the
 * tagger missed, which a lone surname would misrepresent). */
static int propagate_surnames(ent_state *st, const ne_doc *doc, int field)
{
    const ne_text *t = field_text(doc, field);
    size_t nc = st->nc, ci = 0;
    while (ci < nc && st->c[ci].field != field) ci++;
    for (size_t i = 0; i < t->ntoks; i++) {
        while (ci < nc && st->c[ci].field == field && st->c[ci].b <= i) ci++;
        if (ci < nc && st->c[ci].field == field && st->c[ci].a <= i) continue;   /* covered */
        const ne_token *tk = &t->toks[i];
        if (tk->kind != NE_TOK_WORD || !(tk->flags & NE_TF_CAP) || is_first_person(t, i) ||
            (field == NE_FIELD_BODY && clause_initial(t, i)))
            continue;
        if (field == NE_FIELD_BODY && ((i > 0 && (t->toks[i - 1].flags & NE_TF_CAP)) ||
                                       (i + 1 < t->ntoks && (t->toks[i + 1].flags & NE_TF_CAP))))
            continue;
        if (u64map_get(&st->m_recent, surname_key(tok_ptr(t, i), tok_len(t, i))) == NONE32) continue;
        cand c = { .a = (uint32_t)i, .b = (uint32_t)i + 1, .gaz = -1, .person = -1, .type = NE_ENT_PER,
                   .ner_type = 0xff, .kind = GZ_PLACE, .field = (uint8_t)field };
        person_names(doc, &c);
        if (push_cand(st, &c) < 0) return -1;
    }
    return 0;
}

/* True for the name of a court case, which the tagger reads as a person:
 * "Roe v. Wade". */
static int is_case_name(const ne_text *t, size_t a, size_t b)
{
    for (size_t i = a + 1; i + 1 < b; i++)
        if (tok_is_wordn(t, i, "v", 1, 0) || tok_is_wordn(t, i, "vs", 2, 0)) return 1;   /* not "V." */
    return 0;
}

/* Prepares the merged candidates for clustering: person names and keys,
 * lists of names, words retyped as people, surnames propagated, titles
 * before names taken in, keys of the other candidates. Leaves st->c
 * sorted. */
static int prepare_candidates(ent_state *st, const ne_doc *doc)
{
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type != NE_ENT_PER || c->kind == GZ_DIRECT || c->kind == GZ_ROLE) continue;
        const ne_text *t = field_text(doc, c->field);
        if (is_case_name(t, c->a, c->b)) c->type = NE_ENT_MISC;
        else if (!person_names(doc, c) || (c->b - c->a == 1 && is_first_person(t, c->a))) c->key = 0;
    }
    type_name_lists(st, doc);
    if (u64map_reset(&st->m_recent, st->nc) < 0) return -1;   /* keys of person names */
    for (size_t i = 0; i < st->nc; i++) {
        const cand *c = &st->c[i];
        if (c->type == NE_ENT_PER && c->key && c->kind != GZ_DIRECT && c->kind != GZ_ROLE &&
            u64map_put(&st->m_recent, c->key, 1) < 0)
            return -1;
    }
    retype_person_words(st, doc);
    if (propagate_surnames(st, doc, NE_FIELD_BODY) < 0 || propagate_surnames(st, doc, NE_FIELD_TITLE) < 0)
        return -1;
    if (st->nc > 1) qsort(st->c, st->nc, sizeof *st->c, cmp_cand);
    for (size_t i = 0; i < st->nc; i++) {
        cand *c = &st->c[i];
        if (c->type == NE_ENT_PER) {
            if (c->kind != GZ_DIRECT && c->kind != GZ_ROLE) {
                uint32_t floor = i > 0 && st->c[i - 1].field == c->field ? st->c[i - 1].b : 0;
                extend_over_title(doc, c, floor);
            }
            continue;
        }
        long n = cand_name(st, doc, c);
        if (n < 0 || !(c->key = name_key(st, st->buf, (size_t)n))) return -1;
    }
    return 0;
}

/* ---- the stage ------------------------------------------------------------------------ */

static int reset_maps(ent_state *st)
{
    size_t n = st->nc + 1;
    return u64map_reset(&st->m_first, n) | u64map_reset(&st->m_short, n) |
           u64map_reset(&st->m_given, n) | u64map_reset(&st->m_keys, n) | u64map_reset(&st->m_alias, n);
}

/* Frees whatever entities a failed run left in the document. */
static void clear_entities(ne_doc *doc)
{
    for (size_t i = 0; i < doc->nentities; i++) {
        free(doc->entities[i].id);
        free(doc->entities[i].name);
        free(doc->entities[i].mentions);
    }
    free(doc->entities);
    doc->entities = NULL;
    doc->nentities = 0;
}

/* All the steps of one document; -1 on out-of-memory. */
static int find_entities(ent_state *st, ne_doc *doc)
{
    st->nc = st->ncl = st->nalias = 0;
    if (tag_document(st, doc) < 0) return -1;
    if (merge_field(st, doc, NE_FIELD_BODY) < 0 || merge_field(st, doc, NE_FIELD_TITLE) < 0) return -1;
    if (prepare_candidates(st, doc) < 0 || reset_maps(st) < 0) return -1;
    if (find_acronyms(st, doc) < 0) return -1;
    if (st->nc > 1) qsort(st->c, st->nc, sizeof *st->c, cmp_cand);
    if (u64map_reset(&st->m_recent, st->nc) < 0) return -1;
    if (cluster_full_names(st, doc) < 0 || cluster_short_names(st, doc) < 0 ||
        cluster_watched(st, doc) < 0 || cluster_others(st, doc) < 0)
        return -1;
    drop_doubtful_people(st, doc);
    choose_canonical(st, doc);
    return emit_entities(st, doc);
}

int ne_entities_process(void *state, ne_doc *doc)
{
    ent_state *st = state;
    if (!st->enabled || !doc->body) return 0;
    if (find_entities(st, doc) == 0) return 0;
    clear_entities(doc);
    return -1;
}

void ne_entities_destroy(void *state)
{
    ent_state *st = state;
    if (!st) return;
    ne_ner_free(st->model);
    ne_ner_ws_free(st->ws);
    gz_free(&st->gz);
    free(st->ntok); free(st->nsent); free(st->tags); free(st->tokmap); free(st->piece); free(st->uncased);
    free(st->spans);
    free(st->keep); free(st->alias); free(st->pcl);
    free(st->gzc); free(st->c); free(st->cl); free(st->order); free(st->buf); free(st->slug);
    u64map_free(&st->m_recent); u64map_free(&st->m_first); u64map_free(&st->m_short);
    u64map_free(&st->m_given); u64map_free(&st->m_keys); u64map_free(&st->m_alias);
    free(st);
}

/* Loads the model and the gazetteer beside it, then the watchlist. */
static int load_resources(ent_state *st, const ne_config *cfg, char *err, size_t errlen)
{
    char path[PATH_MAX + 64], nerr[256];
    const char *model = cfg->entities.model ? cfg->entities.model : "models/ner.model";
    if (ne_entities_resolve_path(model, path, sizeof path) < 0) {
        snprintf(err, errlen, "entities.model: cannot read %s (looked in the current directory "
                 "and in ../models beside the program): %s", model, strerror(ENOENT));
        return -1;
    }
    if (!(st->model = ne_ner_load(path, nerr, sizeof nerr))) {
        snprintf(err, errlen, "entities.model: %s: %s", path, nerr);
        return -1;
    }
    char *slash = strrchr(path, '/');
    if (slash) snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "gazetteer.tsv");
    else snprintf(path, sizeof path, "gazetteer.tsv");
    ne_text t = {0};
    int rc = gz_load_file(&st->gz, &t, path, err, errlen);
    for (size_t p = 0; rc == 0 && p < cfg->watchlist.npeople; p++)
        if (gz_add_person(&st->gz, &t, &cfg->watchlist.people[p], (uint32_t)p) < 0) {
            snprintf(err, errlen, "entities: out of memory loading the watchlist");
            rc = -1;
        }
    ne_text_clear(&t);
    return rc;
}

void *ne_entities_create(const ne_config *cfg, char *err, size_t errlen)
{
    ent_state *st = calloc(1, sizeof *st);
    if (!st) { snprintf(err, errlen, "entities: out of memory"); return NULL; }
    st->cfg = cfg;
    st->enabled = cfg->entities.enabled;
    if (!st->enabled) return st;
    if (load_resources(st, cfg, err, errlen) < 0) goto fail;
    st->pcl = calloc(cfg->watchlist.npeople + 1, sizeof *st->pcl);
    if (!(st->ws = ne_ner_ws_new()) || !st->pcl) { snprintf(err, errlen, "entities: out of memory"); goto fail; }
    return st;
fail:
    ne_entities_destroy(st);
    return NULL;
}


/* ---- for the quotes stage ---------------------------------------------------------------- */

long ne_entities_person_at(const ne_doc *doc, size_t tok)
{
    if (tok >= doc->body_text.ntoks) return -1;
    uint32_t s = doc->body_text.toks[tok].start;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        for (size_t m = 0; m < e->nmentions; m++)
            if (e->mentions[m].field == NE_FIELD_BODY && e->mentions[m].start <= s && s < e->mentions[m].end)
                return (long)i;
    }
    return -1;
}

/* First body token starting at or after byte `at` (binary search). */
static size_t token_at_or_after(const ne_text *t, uint32_t at)
{
    size_t lo = 0, hi = t->ntoks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->toks[mid].start < at) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void ne_entities_person_map(const ne_doc *doc, int32_t *map)
{
    const ne_text *t = &doc->body_text;
    for (size_t i = 0; i < t->ntoks; i++) map[i] = -1;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        for (size_t m = 0; m < e->nmentions; m++) {
            const ne_mention *mm = &e->mentions[m];
            if (mm->field != NE_FIELD_BODY) continue;
            for (size_t k = token_at_or_after(t, mm->start); k < t->ntoks && t->toks[k].start < mm->end; k++)
                map[k] = (int32_t)i;
        }
    }
}

long ne_entities_last_person_before(const ne_doc *doc, uint32_t at, enum ne_gender want)
{
    long best = -1;
    uint32_t best_end = 0;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        if (e->type != NE_ENT_PER) continue;
        if (want != NE_GENDER_UNKNOWN && e->gender != NE_GENDER_UNKNOWN && e->gender != want) continue;
        for (size_t m = 0; m < e->nmentions; m++) {
            const ne_mention *mm = &e->mentions[m];
            if (mm->field == NE_FIELD_BODY && mm->end <= at && (best < 0 || mm->end > best_end)) {
                best = (long)i;
                best_end = mm->end;
            }
        }
    }
    return best;
}
