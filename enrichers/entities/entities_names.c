/* entities_names — titles, name suffixes, surname and given-name keys, and
 * the text and key of a name (entities_int.h).
 *
 * A person's mention is titles (set aside: "President", "Mr"), name words
 * and perhaps a suffix ("Jr."). People are joined by surname key and
 * given-name key (hash_fold, so case does not matter); organisations and
 * places by the key of their name's slug.
 */
#include "enrichers/entities/entities_int.h"

#include <string.h>

/* ---- titles and suffixes ------------------------------------------------------ */


/* Words that precede a name without being part of it. A title that says
 * the gender is a hint for pronoun resolution (quotes stage). */
typedef struct title_phrase {
    const char *w[3];
    uint8_t len[3];   /* strlen of each word, so that matching never counts */
    uint8_t n;
    uint8_t gender;
    uint8_t any_case;   /* an office, also written in lower case ("US president Trump");
                           2: an office written in capitals ("CEO", "MP") */
} title_phrase;

#define T1(a, g)       { { a, NULL, NULL }, { sizeof a - 1, 0, 0 }, 1, g, 0 }
#define O1(a, g)       { { a, NULL, NULL }, { sizeof a - 1, 0, 0 }, 1, g, 1 }
#define O2(a, b, g)    { { a, b, NULL }, { sizeof a - 1, sizeof b - 1, 0 }, 2, g, 1 }
#define O3(a, b, c, g) { { a, b, c }, { sizeof a - 1, sizeof b - 1, sizeof c - 1 }, 3, g, 1 }
#define A1(a)          { { a, NULL, NULL }, { sizeof a - 1, 0, 0 }, 1, G0, 2 }

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
    T1("Constable", G0), T1("Const", G0), T1("Cst", G0), T1("Cpl", G0), T1("Corporal", G0),
    T1("Insp", G0), T1("Inspector", G0), T1("Supt", G0), T1("Superintendent", G0), T1("Det", G0),
    T1("Officer", G0), T1("Agent", G0), T1("Coach", G0), T1("Deputy", G0), T1("Leader", G0),
    A1("CEO"), A1("CFO"), A1("COO"), A1("MP"), A1("MPs"), A1("MEP"), A1("MPP"), A1("MLA"), A1("MHA"),
};

/* Name endings that are not surnames: "Martin Luther King Jr." */
static const char *const name_suffixes[] = { "Jr", "Sr", "II", "III", "IV" };

int ent_tok_is_wordn(const ne_text *t, size_t i, const char *w, size_t wn, int any_case)
{
    if (t->toks[i].kind != NE_TOK_WORD) return 0;
    size_t n = tok_len_nodot(t, i);
    const char *s = tok_ptr(t, i);
    if (n != wn) return 0;
    if (any_case) return lower_ascii((unsigned char)s[0]) == lower_ascii((unsigned char)w[0]) &&
                         memcmp(s + 1, w + 1, n - 1) == 0;
    return memcmp(s, w, n) == 0;
}

int ent_tok_is_word(const ne_text *t, size_t i, const char *w)
{
    return ent_tok_is_wordn(t, i, w, strlen(w), 1);
}

/* Verbs whose subject is a speaker: a word before one is somebody. */
static const char *const speech_verbs[] = {
    "said", "says", "told", "tells", "added", "adds", "wrote", "writes", "explained",
    "noted", "stated", "argued", "insisted", "replied", "recalled", "warned", "continued",
};

int ent_speech_verb_at(const ne_text *t, size_t i)
{
    if (i >= t->ntoks) return 0;
    for (size_t k = 0; k < sizeof speech_verbs / sizeof speech_verbs[0]; k++)
        if (ent_tok_is_wordn(t, i, speech_verbs[k], strlen(speech_verbs[k]), 0)) return 1;
    return 0;
}

size_t ent_title_at(const ne_text *t, size_t i, size_t limit, uint8_t *gender)
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
        while (j < tp->n && ent_tok_is_wordn(t, i + j, tp->w[j], tp->len[j], tp->any_case == 1)) j++;
        if (j == tp->n) { best = tp->n; *gender = tp->gender; }
    }
    return best;
}

/* Like ent_title_at, offices only (a title any case may write, or one in
 * capitals): the titles that may sit inside a name's span after words
 * that qualify them ("Nova Scotia Liberal MP Sean Fraser", "Apple CEO Tim
 * Cook", "Russian President Vladimir Putin"), where "King" in "Martin
 * Luther King" is a name. */
static size_t office_at(const ne_text *t, size_t i, size_t limit, uint8_t *gender)
{
    size_t best = 0;
    if (i >= limit || t->toks[i].kind != NE_TOK_WORD || !(t->toks[i].flags & NE_TF_CAP)) return 0;
    size_t n0 = tok_len_nodot(t, i);
    unsigned char c0 = lower_ascii((unsigned char)tok_ptr(t, i)[0]);
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++) {
        const title_phrase *tp = &titles[k];
        if (!tp->any_case || tp->len[0] != n0 || lower_ascii((unsigned char)tp->w[0][0]) != c0) continue;
        if (tp->n <= best || i + tp->n > limit) continue;
        size_t j = 0;
        while (j < tp->n && ent_tok_is_wordn(t, i + j, tp->w[j], tp->len[j], tp->any_case == 1)) j++;
        if (j == tp->n) { best = tp->n; *gender = tp->gender; }
    }
    return best;
}

/* Start of the title phrase that ends right before token `end` and starts
 * at or after `floor` in the same paragraph, or `end` when there is none. */
static size_t title_before(const ne_text *t, size_t end, size_t floor, uint8_t *gender)
{
    size_t best = end;
    if (end == 0 || end <= floor || t->toks[end - 1].kind != NE_TOK_WORD) return best;
    /* most tokens end no title: rule titles out by their last word's length
     * and (folded) initial first */
    size_t nl = tok_len_nodot(t, end - 1);
    unsigned char cl = lower_ascii((unsigned char)tok_ptr(t, end - 1)[0]);
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++) {
        const title_phrase *tp = &titles[k];
        if (tp->len[tp->n - 1] != nl || lower_ascii((unsigned char)tp->w[tp->n - 1][0]) != cl) continue;
        if (end < floor + tp->n || end - tp->n >= best) continue;
        size_t s = end - tp->n, j = 0;
        if (t->toks[s].para != t->toks[end].para) continue;
        while (j < tp->n && ent_tok_is_wordn(t, s + j, tp->w[j], tp->len[j], tp->any_case == 1)) j++;
        if (j == tp->n) { best = s; *gender = tp->gender; }
    }
    return best;
}

size_t ent_title_run(const ne_text *t, size_t a, size_t na)
{
    size_t s = na;
    for (;;) {
        uint8_t g = G0;
        size_t p = title_before(t, s, a, &g);
        if (p >= s) return s;
        s = p;
    }
}

int ent_name_suffix_code(const ne_text *t, size_t i)
{
    size_t n = tok_len_nodot(t, i);
    const char *s = tok_ptr(t, i);
    for (size_t k = 0; k < sizeof name_suffixes / sizeof name_suffixes[0]; k++)
        if (strlen(name_suffixes[k]) == n && memcmp(name_suffixes[k], s, n) == 0) return (int)k + 1;
    return 0;
}

static int is_name_suffix(const ne_text *t, size_t i) { return ent_name_suffix_code(t, i) != 0; }

uint8_t ent_name_suffix(const ne_text *t, size_t a, size_t b)
{
    while (b > a && t->toks[b - 1].kind != NE_TOK_WORD) b--;
    return b > a ? (uint8_t)ent_name_suffix_code(t, b - 1) : 0;
}

/* Key of a surname: the word without possessive, Arabic article ("al-Assad"
 * and "Assad" are one name) or case. */
uint64_t ent_surname_key(const char *s, size_t n)
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
uint64_t ent_given_key(const char *s, size_t n, uint8_t *initial)
{
    if (n > 1 && s[n - 1] == '.') n--;
    *initial = n == 1;
    return hash_fold(s, n);
}

int ent_given_compatible(uint64_t g1, uint8_t i1, char c1, uint64_t g2, uint8_t i2, char c2)
{
    if (g1 == g2) return 1;
    return (i1 || i2) && lower_ascii((unsigned char)c1) == lower_ascii((unsigned char)c2);
}

size_t ent_name_words(const ne_text *t, size_t a, size_t b, size_t *na, uint8_t *gender)
{
    size_t n;
    *gender = G0;
    if (ent_title_at(t, a, b, gender) == b - a) { *na = b; return 0; }   /* a bare title */
    while (a < b && (n = ent_title_at(t, a, b - 1, gender)) > 0) a += n;
    /* an office after words that qualify it: the name follows the last one */
    for (size_t i = a + 1; i + 1 < b; i++) {
        uint8_t g = G0;
        if ((n = office_at(t, i, b - 1, &g)) > 0) {
            a = i + n;
            if (g) *gender = g;
            i = a - 1;
        }
    }
    *na = a;
    size_t words = 0;
    for (size_t i = a; i < b; i++)
        if (t->toks[i].kind == NE_TOK_WORD && !is_name_suffix(t, i)) words++;
    return words;
}

void ent_name_ends(const ne_text *t, size_t na, size_t b, size_t *gi, size_t *si)
{
    *gi = *si = na;
    int seen = 0;
    for (size_t i = na; i < b; i++) {
        if (t->toks[i].kind != NE_TOK_WORD || is_name_suffix(t, i)) continue;
        if (!seen) { *gi = i; seen = 1; }
        *si = i;
    }
}

/* The tagger says so at times. */
int ent_is_first_person(const ne_text *t, size_t i)
{
    const unsigned char *s = (const unsigned char *)tok_ptr(t, i);
    size_t n = tok_len(t, i);
    if (s[0] != 'I') return 0;
    /* "I", "I'm", "I’ve", and "I." ending a sentence ("Neither do I.”"),
     * which the tokenizer may read as an initial; not "I.B.M." */
    return n == 1 || s[1] == '\'' || (n > 3 && s[1] == 0xE2 && s[2] == 0x80 && s[3] == 0x99) ||
           (s[1] == '.' && (n == 2 || !((s[2] >= 'A' && s[2] <= 'Z') || (s[2] >= 'a' && s[2] <= 'z'))));
}

/* ---- a name's text and key ------------------------------------------------------------ */

size_t ent_build_name(ent_state *st, const ne_text *t, size_t a, size_t b)
{
    if (b > a + 1 && (ent_tok_is_word(t, a, "the") || ent_tok_is_word(t, a, "The"))) a++;
    size_t need = 1;
    for (size_t i = a; i < b; i++) need += tok_len(t, i) + 1;
    ne_grow(&st->buf, &st->cap_buf, need, 1);
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        size_t n = tok_len(t, i);
        if (i + 1 == b) n = possessive_base(tok_ptr(t, i), n);
        if (i > a && (t->toks[i].flags & NE_TF_SPACE_BEFORE)) st->buf[o++] = ' ';
        memcpy(st->buf + o, tok_ptr(t, i), n);
        o += n;
    }
    st->buf[o] = '\0';
    return o;
}

/* The slug buffer holds twice the name: a folded letter ("ß" → "ss") is
 * at most twice its bytes. */
uint64_t ent_name_key(ent_state *st, const char *name, size_t len)
{
    ne_grow(&st->slug, &st->cap_slug, 2 * len + 2, 1);
    size_t n = ne_entities_slug(name, len, st->slug, st->cap_slug);
    return n ? hash_fold(st->slug, n) : hash_fold(name, len);
}

size_t ent_cand_name(ent_state *st, const ne_doc *doc, const cand *c)
{
    if (c->gaz >= 0 && st->gz.ents[c->gaz].canon != NONE32) {
        const gz_entry *e = &st->gz.ents[c->gaz];
        ne_grow(&st->buf, &st->cap_buf, e->ncanon + 1, 1);
        memcpy(st->buf, st->gz.pool + e->canon, e->ncanon + 1);
        return e->ncanon;
    }
    return ent_build_name(st, field_text(doc, c->field), c->a, c->b);
}

/* Particles that begin a surname ("de Blasio", "Le Pen", "van Gogh", "bin
 * Salman"). A name whose first word is one is a surname, not a given name
 * and a surname: "De Blasio" at a sentence's start is Bill de Blasio's
 * surname, and reading "De" as his given name split him in two (8 of 113
 * alerts lost on the real-article dev set, make eval-real). "Al", "Ben"
 * and "Del" are left out: they are given names more often than not. */
static const char *const surname_particles[] = {
    "bin", "da", "das", "de", "della", "den", "der", "des", "di", "dos", "du",
    "ibn", "la", "le", "ten", "ter", "van", "von",
};

static int is_surname_particle(const ne_text *t, size_t i)
{
    size_t n = tok_len(t, i);
    if (n > 5) return 0;
    char w[6];
    for (size_t k = 0; k < n; k++) w[k] = lower_ascii((unsigned char)tok_ptr(t, i)[k]);
    for (size_t k = 0; k < sizeof surname_particles / sizeof *surname_particles; k++)
        if (strlen(surname_particles[k]) == n && memcmp(surname_particles[k], w, n) == 0) return 1;
    return 0;
}

int ent_make_person(const ne_doc *doc, cand *c)
{
    c->type = NE_ENT_PER;
    c->gaz = -1;
    c->kind = GZ_PLACE;
    return ent_person_names(doc, c);
}

int ent_person_names(const ne_doc *doc, cand *c)
{
    const ne_text *t = field_text(doc, c->field);
    size_t na, gi, si;
    uint8_t g;
    size_t words = ent_name_words(t, c->a, c->b, &na, &g);
    if (g) c->gender = g;
    c->na = (uint32_t)na;
    if (words == 0) return 0;
    ent_name_ends(t, na, c->b, &gi, &si);
    c->key = ent_surname_key(tok_ptr(t, si), tok_len(t, si));
    c->full = words >= 2 && !(gi < si && is_surname_particle(t, gi));
    c->given = c->full ? ent_given_key(tok_ptr(t, gi), tok_len(t, gi), &c->initial) : 0;
    c->first = tok_ptr(t, gi)[0];
    c->suffix = ent_name_suffix(t, na, c->b);
    return 1;
}

void ent_extend_over_title(const ne_doc *doc, cand *c, uint32_t floor)
{
    const ne_text *t = field_text(doc, c->field);
    uint8_t g = G0;
    size_t s = title_before(t, c->a, floor, &g);
    if (s < c->a) {
        c->a = (uint32_t)s;
        if (g) c->gender = g;
    }
}

/* After a quotation mark, a colon, a bracket or a dash, too. */
int ent_clause_initial(const ne_text *t, size_t i)
{
    if (i == 0 || (t->toks[i].flags & NE_TF_SENT_START)) return 1;
    const ne_token *p = &t->toks[i - 1];
    return p->kind == NE_TOK_QUOTE || (p->kind == NE_TOK_PUNCT && t->s[p->start] != ',');
}

