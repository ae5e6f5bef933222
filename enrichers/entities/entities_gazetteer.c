/* entities_gazetteer — the phrases the stage knows (entities_int.h): the
 * bundled models/gazetteer.tsv (places, organisations, given names with
 * their gender) and the configured watchlist (names, aliases, role nouns),
 * and their matches in a field.
 *
 * Entries are chained by the key of their first word (gz->first), so a
 * token costs one map lookup, and a lower-case word none unless some entry
 * starts with its letter (gz->lower_initials): most words of a text are
 * lower case and start no entry. Loading happens once per pipeline.
 */
#include "enrichers/entities/entities_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the gazetteer ---------------------------------------------------------- */

void ent_gz_free(gazetteer *gz)
{
    free(gz->pool);
    free(gz->words);
    free(gz->ents);
    free(gz->forms);
    ne_map_free(&gz->first);
    ne_map_free(&gz->given);
    ne_map_free(&gz->hints);
    ent_types_free(&gz->types);
    memset(gz, 0, sizeof *gz);
}

/* Copies s[0..n) into the pool; returns its offset. */
static uint32_t gz_intern(gazetteer *gz, const char *s, size_t n)
{
    ne_grow(&gz->pool, &gz->cap_pool, gz->npool + n + 1, 1);
    uint32_t off = (uint32_t)gz->npool;
    memcpy(gz->pool + off, s, n);
    gz->pool[off + n] = '\0';
    gz->npool += n + 1;
    return off;
}

/* Adds an entry for the tokens [a, b) of t (a tokenized phrase). */
static void gz_add(gazetteer *gz, const ne_text *t, size_t a, size_t b, enum ne_ent_type type,
                  enum gz_kind kind, int32_t person, const char *canon, size_t ncanon)
{
    if (b <= a) return;
    ne_grow(&gz->ents, &gz->cap_ents, gz->nents + 1, sizeof *gz->ents);
    ne_grow(&gz->words, &gz->cap_words, gz->nwords + (b - a), sizeof *gz->words);
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
        gz->words[gz->nwords++] = (gz_word){ off, (uint32_t)tok_len(t, i) };
    }
    if (canon) {
        e->canon = gz_intern(gz, canon, ncanon);
        e->ncanon = (uint32_t)ncanon;
    }
    uint64_t key = hash_fold(tok_ptr(t, a), tok_len(t, a));
    unsigned char c0 = (unsigned char)tok_ptr(t, a)[0];
    if (is_lower_ascii(c0)) gz->lower_initials |= 1u << (c0 - 'a');
    if (kind == GZ_ROLE && is_upper_ascii(c0)) gz->lower_initials |= 1u << (lower_ascii(c0) - 'a');
    e->next = map_get(&gz->first, key);
    map_set(&gz->first, key, (uint32_t)gz->nents);
    gz->nents++;
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

static void gz_add_form(gazetteer *gz, uint32_t person, const ne_text *t, size_t na, size_t b, int full,
                        int titled)
{
    size_t gi, si;
    ne_grow(&gz->forms, &gz->cap_forms, gz->nforms + 1, sizeof *gz->forms);
    ent_name_ends(t, na, b, &gi, &si);
    watch_form *f = &gz->forms[gz->nforms++];
    memset(f, 0, sizeof *f);
    f->person = person;
    f->surname = ent_surname_key(tok_ptr(t, si), tok_len(t, si));
    f->suffix = ent_name_suffix(t, na, b);
    f->titled = (uint8_t)titled;
    if (full) {
        f->given = ent_given_key(tok_ptr(t, gi), tok_len(t, gi), &f->initial);
        f->first = tok_ptr(t, gi)[0];
    }
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
int ent_gz_add_person(gazetteer *gz, ne_text *t, const ne_person *p, uint32_t person)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k <= p->naliases; k++) {
            const char *s = k == 0 ? p->name : p->aliases[k - 1];
            if (!s || !*s) continue;
            if (ne_text_analyze(t, s, strlen(s)) < 0) return -1;
            if (t->ntoks == 0) continue;
            size_t na, words;
            uint8_t g;
            words = ent_name_words(t, 0, t->ntoks, &na, &g);
            int role = is_lower_ascii((unsigned char)s[0]) || words == 0;
            /* "Duke of York": a title and words that are no name */
            int noname = !role && na < t->ntoks && is_lower_ascii((unsigned char)tok_ptr(t, na)[0]);
            int full = !role && !noname && words >= 2;
            if ((pass == 0) != full) continue;
            if (role) {
                gz_add(gz, t, 0, t->ntoks, NE_ENT_PER, GZ_ROLE, (int32_t)person, NULL, 0);
                continue;
            }
            size_t gi, si;
            ent_name_ends(t, na, t->ntoks, &gi, &si);
            enum gz_kind kind = GZ_NAME;
            /* the person's own name as a title and one name ("Prince Andrew",
             * "Pope Francis") is a name; its lone word only with the title */
            int titled = k == 0 && !full && !noname && na > 0;
            if (!full && !titled && !person_has_surname(gz, person, ent_surname_key(tok_ptr(t, si), tok_len(t, si))))
                kind = GZ_DIRECT;
            gz_add(gz, t, 0, t->ntoks, NE_ENT_PER, kind, (int32_t)person, NULL, 0);
            if (kind == GZ_NAME) gz_add_form(gz, person, t, na, t->ntoks, full, titled);
        }
    }
    return 0;
}

int ent_given_gender(const gazetteer *gz, const char *s, size_t n)
{
    uint64_t key = hash_fold(s, n);
    uint32_t g = map_get(&gz->given, key);
    if (g == NONE32) g = map_get(&gz->hints, key);
    return g == GM || g == GF ? (int)g : G0;
}

/* The next row of a list file into *line (getline's buffer): the line
 * ending trimmed, empty lines and "#" comments skipped, *lineno counting
 * every line read. Returns its length, or -1 at the end of the file. */
static ssize_t next_row(FILE *f, char **line, size_t *cap, size_t *lineno)
{
    ssize_t len;
    while ((len = getline(line, cap, f)) >= 0) {
        (*lineno)++;
        while (len > 0 && ((*line)[len - 1] == '\n' || (*line)[len - 1] == '\r')) (*line)[--len] = '\0';
        if (len > 0 && (*line)[0] != '#') return len;
    }
    return -1;
}

/* given_names.tsv ("Name<TAB>M|F" rows, # comments; tools/given_names.py)
 * at path into gz->hints. The file is optional: without it full names
 * get their gender from the gazetteer's own lists only. Returns -1 with err
 * set on a malformed row. */
static int load_hints(gazetteer *gz, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = 0;
    while (rc == 0 && next_row(f, &line, &cap, &lineno) >= 0) {
        char *tab = strchr(line, '\t');
        if (!tab || tab == line || (strcmp(tab + 1, "M") && strcmp(tab + 1, "F"))) {
            snprintf(err, errlen, "entities: %s:%zu: expected name<TAB>M or name<TAB>F", path, lineno);
            rc = -1;
            continue;
        }
        map_set(&gz->hints, hash_fold(line, (size_t)(tab - line)), tab[1] == 'M' ? GM : GF);
    }
    free(line);
    fclose(f);
    return rc;
}

/* Path of the file name beside path (same folder); caller frees. */
static char *path_beside(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash + 1 - path) : 0, nl = strlen(name);
    char *p = ne_xmalloc(dir + nl + 1);
    memcpy(p, path, dir);
    memcpy(p + dir, name, nl + 1);
    return p;
}

/* The file's format is in its header. */
int ent_gz_load_file(gazetteer *gz, ne_text *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "entities: cannot read the gazetteer %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = 0;
    while (rc == 0 && next_row(f, &line, &cap, &lineno) >= 0) {
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
            for (char *w = strtok_r(phrase, " ", &save); w; w = strtok_r(NULL, " ", &save))
                map_set(&gz->given, hash_fold(w, strlen(w)), (uint32_t)gender);
        } else if (ne_text_analyze(t, phrase, strlen(phrase)) < 0) {
            /* the tokenizer still reports out-of-memory (text.h) */
            snprintf(err, errlen, "entities: out of memory loading %s", path);
            rc = -1;
        } else {
            gz_add(gz, t, 0, t->ntoks, type, GZ_PLACE, -1, canon, canon ? strlen(canon) : 0);
        }
    }
    free(line);
    fclose(f);
    if (rc == 0) {
        /* the type model lives beside the list (entities_types.c), and
         * so do the given names' gender hints */
        char *tp = path_beside(path, "types.model");
        rc = ent_types_load(&gz->types, tp, err, errlen);
        free(tp);
    }
    if (rc == 0) {
        char *hp = path_beside(path, "given_names.tsv");
        rc = load_hints(gz, hp, err, errlen);
        free(hp);
    }
    return rc < 0 ? -1 : 0;
}

/* ---- matching ------------------------------------------------------------------------ */

size_t ent_match_phrases(ent_state *st, const ne_text *t, int field)
{
    const gazetteer *gz = &st->gz;
    size_t n = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        if (t->toks[i].kind != NE_TOK_WORD) continue;
        const char *s = tok_ptr(t, i);
        unsigned char c0 = (unsigned char)s[0];
        /* most words are lower case and start no entry: skip the hashing */
        if (is_lower_ascii(c0) && !(gz->lower_initials & (1u << (c0 - 'a')))) continue;
        uint32_t e = map_get(&gz->first, hash_fold(s, possessive_base(s, tok_len(t, i))));
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
        ne_grow(&st->gzc, &st->cap_gzc, n + 1, sizeof *st->gzc);
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
    return n;
}
