/* text — the UTF-8 tokenizer and sentence splitter (see text.h).
 *
 * One forward pass over the bytes builds tokens and paragraphs; a second
 * pass over the tokens of each paragraph finds the sentence boundaries.
 * Both are linear; the only allocations are the three output arrays, which
 * grow geometrically.
 *
 * Decisions worth knowing about (the tests pin them down):
 *  - Words may contain inner hyphens (Asia-Pacific, F-16, 10-year-old but
 *    not 2016-17), inner apostrophes (don't, Trump’s, rock’n’roll), inner
 *    periods of dotted acronyms (U.S., a.m., Ph.D.) and of domain names
 *    (news.sky.com), and "&" between capitals (AT&T). A number followed
 *    directly by letters is one WORD ("17th", "1990s", "5km").
 *  - Numbers keep inner "." before a digit (3.5), "," before exactly three
 *    digits (1,000 but 1,2,3 stays apart) and ":" before exactly two (10:30).
 *  - A trailing apostrophe after a letter (Jones’, the Clintons') is part of
 *    the word unless a single quotation is open in the paragraph; then it
 *    closes that quotation (‘fake news’). ’ at the start of a word is an
 *    elision ('90s, ’em, rock ’n’ roll) when it looks like one, an opening
 *    quote only when a plausible closing ’ follows on the same line, and
 *    otherwise part of the word.
 *  - A run of two straight single quotes ('') is one straight double quote,
 *    as in the NYT archive style (''Hello,'' he said).
 *  - #hashtags, @handles, e-mail addresses and URLs are single SYMBOL
 *    tokens: they are never names or sentence material for later stages.
 *  - Letters are ASCII letters and every code point not known to be
 *    something else (spaces, punctuation, quotes, dashes, symbols, emoji);
 *    combining marks therefore stay inside their word. Scripts without
 *    spaces (CJK) are not segmented. Upper/lower case is known for Latin,
 *    Greek, Cyrillic and Armenian; other letters are caseless.
 *  - Paragraphs break at \n, \r, \v, \f, U+0085, U+2028, U+2029, except
 *    the single line breaks of hard-wrapped text (fixed-width lines, as
 *    wire archives deliver them), which are read as spaces. The wrapping
 *    is found in the text itself (detect_wrap): a common line width W of
 *    40 to 100 columns (95 % of the non-blank lines are at most W long)
 *    and at least 60 % of the lines followed by another line "full": the
 *    next line's first word would not have fitted after it (a greedy
 *    wrapper broke it), within WRAP_SLACK columns, and the line ends
 *    inside a sentence (not on a stop, colon, closing quote or bracket,
 *    as the lines of one-paragraph-a-line text do). In wrapped text a line
 *    break is soft when the line before is full and the line after is
 *    neither blank nor indented; blank lines, indentation and short lines
 *    still end paragraphs. Offsets stay into the text as given.
 *    NE_TF_SPACE_BEFORE is set whenever whitespace (line breaks included)
 *    precedes a token.
 *  - Quotation depth is tracked per paragraph: news style reopens a quote
 *    that runs over several paragraphs, and resetting also bounds the damage
 *    of an unbalanced mark.
 */
#include "enrichers/text/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "common/xalloc.h"

#define NO_POS SIZE_MAX
#define CP_INVALID NE_CP_INVALID

/* ---- code points ------------------------------------------------------ */

enum cls {
    CL_END = 0,  /* past the end of the text (for look-ahead) */
    CL_SPACE,    /* whitespace within a line */
    CL_BREAK,    /* line break: ends a paragraph */
    CL_LETTER,
    CL_DIGIT,    /* ASCII digits only */
    CL_HYPHEN,   /* - U+2010 U+2011: joins word parts */
    CL_APOS,     /* ' ’ : apostrophe or single quotation mark */
    CL_QUOTE,    /* " “ ” „ « » ‘ ‚ 「 」 『 』 */
    CL_PUNCT,
    CL_SYMBOL,
    CL_EXTEND,   /* invisible or combining: continues the token before it */
    CL_INVALID   /* a byte that does not start valid UTF-8 */
};

enum { Y = CL_SYMBOL, W = CL_SPACE, B = CL_BREAK, L = CL_LETTER, D = CL_DIGIT,
       H = CL_HYPHEN, A = CL_APOS, Q = CL_QUOTE, P = CL_PUNCT };

static const unsigned char ascii_cls[128] = {
    Y, Y, Y, Y, Y, Y, Y, Y, Y, W, B, B, B, B, Y, Y,   /* 00 controls, \t \n \v \f \r */
    Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y,   /* 10 */
    W, P, Q, Y, Y, Y, Y, A, P, P, Y, Y, P, H, P, P,   /*   ! " # $ % & ' ( ) * + , - . / */
    D, D, D, D, D, D, D, D, D, D, P, P, Y, Y, Y, P,   /* 0-9 : ; < = > ? */
    Y, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,   /* @ A-O */
    L, L, L, L, L, L, L, L, L, L, L, P, Y, P, Y, Y,   /* P-Z [ \ ] ^ _ */
    Y, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,   /* ` a-o */
    L, L, L, L, L, L, L, L, L, L, L, P, Y, P, Y, Y,   /* p-z { | } ~ DEL */
};


/* Class of a code point in U+2000–U+206F, the General Punctuation block
 * where most of the typographic marks of news text live. */
static enum cls general_punct_class(uint32_t cp)
{
    if (cp <= 0x200B) return CL_SPACE;                  /* en quad … zero width space */
    if (cp <= 0x200D) return CL_EXTEND;                 /* ZWNJ, ZWJ: inside words and emoji */
    if (cp <= 0x200F) return CL_SPACE;                  /* LRM, RLM */
    if (cp <= 0x2011) return CL_HYPHEN;
    if (cp == 0x2018 || (cp >= 0x201A && cp <= 0x201E && cp != 0x201B)) return CL_QUOTE;
    if (cp == 0x2019) return CL_APOS;
    if (cp <= 0x2027) return CL_PUNCT;                  /* dashes, ‚ ‛ ‟ † • … */
    if (cp <= 0x2029) return CL_BREAK;                  /* line and paragraph separators */
    if (cp <= 0x202F) return CL_SPACE;                  /* bidi embeddings, narrow nbsp */
    if (cp <= 0x2031) return CL_SYMBOL;                 /* per mille, like % */
    if (cp <= 0x205E) return CL_PUNCT;
    if (cp == 0x205F) return CL_SPACE;
    if (cp <= 0x2064) return CL_EXTEND;                 /* word joiner, invisible operators */
    return CL_SPACE;                                    /* bidi isolates, deprecated formats */
}

/* Class of any code point (CP_INVALID included). Everything not listed as
 * space, punctuation or symbol counts as a letter. */
static enum cls classify(uint32_t cp)
{
    if (cp < 0x80) return (enum cls)ascii_cls[cp];
    if (cp == CP_INVALID) return CL_INVALID;
    if (cp < 0x100) {
        switch (cp) {
        case 0x85: return CL_BREAK;
        case 0xA0: return CL_SPACE;
        case 0xAB: case 0xBB: return CL_QUOTE;
        case 0xAD: return CL_EXTEND;   /* soft hyphen: invisible, keeps the word whole */
        case 0xA1: case 0xA7: case 0xB6: case 0xB7: case 0xBF: return CL_PUNCT;
        case 0xAA: case 0xB5: case 0xBA: return CL_LETTER;
        case 0xD7: case 0xF7: return CL_SYMBOL;
        }
        return cp < 0xC0 ? CL_SYMBOL : CL_LETTER;   /* C1 controls, ¢ £ © ° … */
    }
    if (cp < 0x2000) {
        if (cp == 0x1680) return CL_SPACE;
        if (cp == 0x037E || cp == 0x0387 || (cp >= 0x055A && cp <= 0x055F) || cp == 0x0589 ||
            cp == 0x060C || cp == 0x061B || cp == 0x061F || cp == 0x06D4 ||
            cp == 0x0964 || cp == 0x0965)
            return CL_PUNCT;
        return CL_LETTER;
    }
    if (cp < 0x2070) return general_punct_class(cp);
    if (cp < 0x2C00) return (cp >= 0x20D0 && cp <= 0x20FF) ? CL_EXTEND : CL_SYMBOL;
    if (cp >= 0x2E00 && cp <= 0x2E7F) return CL_PUNCT;
    if (cp == 0x3000) return CL_SPACE;
    if (cp >= 0x300C && cp <= 0x300F) return CL_QUOTE;   /* 「 」 『 』 */
    if ((cp >= 0x3001 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x3011) ||
        (cp >= 0x3014 && cp <= 0x301F) || cp == 0x3030 || cp == 0x303D)
        return CL_PUNCT;
    if (cp >= 0xE000 && cp <= 0xF8FF) return CL_SYMBOL;   /* private use */
    if (cp >= 0xFE00 && cp <= 0xFE0F) return CL_EXTEND;   /* variation selectors */
    if ((cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F)) return CL_PUNCT;
    if (cp == 0xFEFF) return CL_SPACE;                    /* BOM / zero width no-break space */
    if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
        (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
        return CL_PUNCT;                                  /* fullwidth ASCII punctuation */
    if (cp >= 0xFFE0 && cp <= 0xFFFF) return CL_SYMBOL;   /* fullwidth signs, specials, U+FFFD */
    if (cp >= 0x1F3FB && cp <= 0x1F3FF) return CL_EXTEND; /* skin tone modifiers */
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return CL_SYMBOL; /* emoji, cards, tiles */
    if (cp >= 0xE0000 && cp <= 0xE0FFF) return CL_EXTEND; /* tags, variation selectors */
    if (cp >= 0xF0000) return CL_SYMBOL;                  /* private use planes */
    return CL_LETTER;
}

/* Class of the code point at s[i], or CL_END when i is past the text;
 * *cp and *n (when given) receive the code point and its length. */
static enum cls class_at(const unsigned char *s, size_t len, size_t i, uint32_t *cp, size_t *n)
{
    uint32_t c = 0;
    size_t k = 0;
    enum cls r = CL_END;
    if (i < len) {
        k = ne_utf8_decode(s, len, i, &c);
        r = classify(c);
    }
    if (cp) *cp = c;
    if (n) *n = k;
    return r;
}

enum { CASE_NONE = 0, CASE_UPPER, CASE_LOWER };

/* Case of a letter. Covers Latin (with Extended-A/B/Additional), Greek,
 * Cyrillic, Armenian and fullwidth Latin; other scripts are caseless. The
 * alternating blocks pair upper and lower case on even/odd code points. */
static int letter_case(uint32_t cp)
{
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? CASE_UPPER
                        : (cp >= 'a' && cp <= 'z') ? CASE_LOWER : CASE_NONE;
    if (cp < 0xC0) return (cp == 0xAA || cp == 0xB5 || cp == 0xBA) ? CASE_LOWER : CASE_NONE;
    if (cp < 0xDF) return cp == 0xD7 ? CASE_NONE : CASE_UPPER;
    if (cp < 0x100) return cp == 0xF7 ? CASE_NONE : CASE_LOWER;
    if (cp < 0x180) {
        if (cp == 0x138 || cp == 0x149 || cp == 0x17F) return CASE_LOWER;
        if (cp == 0x178) return CASE_UPPER;
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            return (cp & 1) ? CASE_UPPER : CASE_LOWER;
        return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    }
    if (cp < 0x250) {
        if (cp >= 0x1CD && cp <= 0x1DC) return (cp & 1) ? CASE_UPPER : CASE_LOWER;
        if ((cp >= 0x1DE && cp <= 0x1EF) || (cp >= 0x1F8 && cp <= 0x21F) ||
            (cp >= 0x222 && cp <= 0x233))
            return (cp & 1) ? CASE_LOWER : CASE_UPPER;
        return CASE_NONE;
    }
    if (cp < 0x370) return cp < 0x2B0 ? CASE_LOWER : CASE_NONE;   /* IPA letters are lower */
    if (cp < 0x400) {
        if (cp == 0x386 || (cp >= 0x388 && cp <= 0x38F) || (cp >= 0x391 && cp <= 0x3AB))
            return CASE_UPPER;
        return (cp >= 0x3AC && cp <= 0x3CE) ? CASE_LOWER : CASE_NONE;
    }
    if (cp < 0x530) {
        if (cp < 0x430) return CASE_UPPER;
        if (cp < 0x460) return CASE_LOWER;
        if (cp >= 0x482 && cp <= 0x489) return CASE_NONE;
        if (cp == 0x4C0) return CASE_UPPER;
        if (cp >= 0x4C1 && cp <= 0x4CE) return (cp & 1) ? CASE_UPPER : CASE_LOWER;
        if (cp == 0x4CF) return CASE_LOWER;
        return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    }
    if (cp >= 0x531 && cp <= 0x556) return CASE_UPPER;
    if (cp >= 0x561 && cp <= 0x587) return CASE_LOWER;
    if (cp >= 0x1E00 && cp <= 0x1EFF) {
        if (cp == 0x1E9E) return CASE_UPPER;
        if (cp >= 0x1E96 && cp <= 0x1E9F) return CASE_LOWER;
        return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    }
    if (cp >= 0xFF21 && cp <= 0xFF3A) return CASE_UPPER;
    if (cp >= 0xFF41 && cp <= 0xFF5A) return CASE_LOWER;
    return CASE_NONE;
}

static int is_ascii_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_ascii_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_ascii_letter(unsigned char c) { return is_ascii_upper(c) || is_ascii_lower(c); }
static int is_ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alnum_cls(enum cls c) { return c == CL_LETTER || c == CL_DIGIT; }

/* ---- abbreviations ---------------------------------------------------- */

enum abbr_kind {
    AB_TITLE = 1,     /* precedes a name or noun; never ends a sentence (Mr., Gen.) */
    AB_MAY_END,       /* may end a sentence (Inc., Jr., Sept., Calif.) */
    AB_BEFORE_NUMBER  /* takes its period only before a number (No. 1) */
};

typedef struct abbrev {
    const char *s;
    unsigned char len;
    unsigned char kind;
} abbrev;

#define AB(str, kind) { str, (unsigned char)(sizeof str - 1), kind }

/* Case-sensitive, without the period. Dotted acronyms (U.S., a.m.) and
 * single-capital initials are recognised by shape, not listed here. AP
 * style state abbreviations are included (the corpus is US news), and
 * Canadian Press style province ones. */
static const abbrev abbrevs[] = {
    /* titles and ranks */
    AB("Mr", AB_TITLE), AB("Mrs", AB_TITLE), AB("Ms", AB_TITLE), AB("Mx", AB_TITLE),
    AB("Messrs", AB_TITLE), AB("Mmes", AB_TITLE), AB("Dr", AB_TITLE), AB("Drs", AB_TITLE),
    AB("Prof", AB_TITLE), AB("Gen", AB_TITLE), AB("Gens", AB_TITLE), AB("Sen", AB_TITLE),
    AB("Sens", AB_TITLE), AB("Rep", AB_TITLE), AB("Reps", AB_TITLE), AB("Gov", AB_TITLE),
    AB("Govs", AB_TITLE), AB("Lt", AB_TITLE), AB("Col", AB_TITLE), AB("Sgt", AB_TITLE),
    AB("Capt", AB_TITLE), AB("Cmdr", AB_TITLE), AB("Adm", AB_TITLE),
    AB("Maj", AB_TITLE), AB("Brig", AB_TITLE), AB("Cpl", AB_TITLE), AB("Pvt", AB_TITLE),
    AB("Pres", AB_TITLE), AB("Rev", AB_TITLE), AB("Hon", AB_TITLE), AB("Rt", AB_TITLE),
    AB("Fr", AB_TITLE), AB("Supt", AB_TITLE), AB("Insp", AB_TITLE), AB("Det", AB_TITLE),
    AB("Const", AB_TITLE), AB("Cst", AB_TITLE), AB("Sup", AB_TITLE),   /* Canadian police ranks */
    AB("Atty", AB_TITLE), AB("Amb", AB_TITLE), AB("Mt", AB_TITLE), AB("Ft", AB_TITLE),
    AB("vs", AB_TITLE), AB("v", AB_TITLE), AB("cf", AB_TITLE), AB("viz", AB_TITLE),
    AB("No", AB_BEFORE_NUMBER), AB("Nos", AB_BEFORE_NUMBER),
    /* name suffixes, companies, places, misc */
    AB("Jr", AB_MAY_END), AB("Sr", AB_MAY_END), AB("Esq", AB_MAY_END),
    AB("Inc", AB_MAY_END), AB("Corp", AB_MAY_END), AB("Ltd", AB_MAY_END), AB("Co", AB_MAY_END),
    AB("Cos", AB_MAY_END), AB("Bros", AB_MAY_END), AB("Plc", AB_MAY_END),
    AB("St", AB_MAY_END), AB("Ave", AB_MAY_END), AB("Blvd", AB_MAY_END), AB("Rd", AB_MAY_END),
    AB("Dept", AB_MAY_END), AB("Univ", AB_MAY_END), AB("etc", AB_MAY_END), AB("al", AB_MAY_END),
    AB("approx", AB_MAY_END), AB("est", AB_MAY_END), AB("ca", AB_MAY_END),
    /* months (May has no abbreviation) and days */
    AB("Jan", AB_MAY_END), AB("Feb", AB_MAY_END), AB("Mar", AB_MAY_END), AB("Apr", AB_MAY_END),
    AB("Jun", AB_MAY_END), AB("Jul", AB_MAY_END), AB("Aug", AB_MAY_END), AB("Sep", AB_MAY_END),
    AB("Sept", AB_MAY_END), AB("Oct", AB_MAY_END), AB("Nov", AB_MAY_END), AB("Dec", AB_MAY_END),
    AB("Mon", AB_MAY_END), AB("Tue", AB_MAY_END), AB("Tues", AB_MAY_END), AB("Wed", AB_MAY_END),
    AB("Thu", AB_MAY_END), AB("Thur", AB_MAY_END), AB("Thurs", AB_MAY_END), AB("Fri", AB_MAY_END),
    AB("Sat", AB_MAY_END), AB("Sun", AB_MAY_END),
    /* US states, AP style */
    AB("Ala", AB_MAY_END), AB("Ariz", AB_MAY_END), AB("Ark", AB_MAY_END), AB("Calif", AB_MAY_END),
    AB("Colo", AB_MAY_END), AB("Conn", AB_MAY_END), AB("Del", AB_MAY_END), AB("Fla", AB_MAY_END),
    AB("Ga", AB_MAY_END), AB("Ill", AB_MAY_END), AB("Ind", AB_MAY_END), AB("Kan", AB_MAY_END),
    AB("Kans", AB_MAY_END), AB("Ky", AB_MAY_END), AB("La", AB_MAY_END), AB("Md", AB_MAY_END),
    AB("Mass", AB_MAY_END), AB("Mich", AB_MAY_END), AB("Minn", AB_MAY_END), AB("Miss", AB_MAY_END),
    AB("Mo", AB_MAY_END), AB("Mont", AB_MAY_END), AB("Neb", AB_MAY_END), AB("Nev", AB_MAY_END),
    AB("Okla", AB_MAY_END), AB("Ore", AB_MAY_END), AB("Pa", AB_MAY_END), AB("Tenn", AB_MAY_END),
    AB("Tex", AB_MAY_END), AB("Va", AB_MAY_END), AB("Vt", AB_MAY_END), AB("Wash", AB_MAY_END),
    AB("Wis", AB_MAY_END), AB("Wyo", AB_MAY_END),
    /* Canadian provinces, Canadian Press style ("Kingston, Ont."; B.C. and
     * P.E.I. are dotted acronyms; "Man." is left out: a word too) */
    AB("Ont", AB_MAY_END), AB("Que", AB_MAY_END), AB("Alta", AB_MAY_END), AB("Sask", AB_MAY_END),
    AB("Nfld", AB_MAY_END),
};

/* The list entry for s[0..len) (no period), or NULL. The list is short and
 * only consulted for words followed by a period, so a scan is enough. */
static const abbrev *find_abbrev(const unsigned char *s, size_t len)
{
    if (len == 0 || len > 6) return NULL;   /* "Messrs" is the longest */
    for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
        if (abbrevs[i].len == len && abbrevs[i].s[0] == (char)s[0] &&
            memcmp(abbrevs[i].s, s, len) == 0)
            return &abbrevs[i];
    return NULL;
}

/* Length of a dotted acronym starting at s[i] — two or more segments of one
 * or two ASCII letters, each followed by '.' (U.S., a.m., U.S.A., Ph.D.) —
 * including its last period; 0 when there is none. */
static size_t dotted_acronym_len(const unsigned char *s, size_t len, size_t i)
{
    size_t p = i;
    int segs = 0;
    /* quick reject: the first segment must end within two letters */
    if (!(i + 1 < len && (s[i + 1] == '.' || (i + 2 < len && s[i + 2] == '.')))) return 0;
    for (;;) {
        size_t k = 0;
        while (k < 3 && p + k < len && is_ascii_letter(s[p + k])) k++;
        if (k == 0 || k > 2 || p + k >= len || s[p + k] != '.') break;
        p += k + 1;
        segs++;
    }
    return segs >= 2 ? p - i : 0;
}

/* Words that typically begin a sentence and hardly ever follow an
 * abbreviation inside one: after "U.S." or an initial they signal the end
 * of the sentence ("in the U.S. The next day"), where a capitalised noun
 * does not ("U.S. President", "Donald J. Trump"). */
static const char *const sentence_starters[] = {
    "A", "According", "After", "Also", "Although", "An", "And", "Another", "As", "At",
    "Because", "Before", "Both", "But", "By", "Despite", "During", "Each", "Earlier",
    "Even", "For", "From", "He", "Her", "Here", "His", "How", "However", "I", "If", "In",
    "Instead", "It", "Its", "Last", "Later", "Many", "Meanwhile", "More", "Most", "My",
    "No", "Now", "On", "Only", "Or", "Our", "She", "Since", "So", "Some", "Still", "That",
    "The", "Their", "Then", "There", "These", "They", "This", "Those", "Though", "Thus",
    "Today", "We", "What", "When", "Where", "Whether", "Which", "While", "Who", "Why",
    "With", "Yet", "You", "Your",
};

/* True when s[0..len) is one of sentence_starters (len > 0). */
static int is_sentence_starter(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < sizeof sentence_starters / sizeof sentence_starters[0]; i++) {
        const char *w = sentence_starters[i];
        if (w[0] == (char)s[0] && strlen(w) == len && memcmp(w, s, len) == 0) return 1;
    }
    return 0;
}

int ne_text_is_abbrev(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char buf[32];
    int dotted_end;
    if (!s || len == 0) return 0;
    dotted_end = s[len - 1] == '.';
    size_t n = dotted_end ? len - 1 : len;
    if (n == 0) return 0;
    if (find_abbrev(s, n)) return 1;
    if (dotted_end && n == 1 && is_ascii_upper(s[0])) return 1;   /* an initial, "J." */
    /* a dotted acronym, its final period optional: "U.S." or "U.S" */
    if (n + 1 > sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = '.';
    return dotted_acronym_len(buf, n + 1, 0) == n + 1;
}

/* ---- the analyzer ----------------------------------------------------- */

/* What precedes the current position; decides straight quote direction. */
enum ctx {
    CTX_SPACE,   /* whitespace or start of the paragraph */
    CTX_OPENER,  /* an opening bracket, opening quote or dash */
    CTX_WORD,    /* a letter or digit */
    CTX_OTHER    /* other punctuation, a closing quote, a symbol */
};

typedef struct analyzer {
    const unsigned char *s;
    size_t len;
    ne_text *t;
    size_t tok_cap, sent_cap, para_cap;

    size_t pos;          /* next byte to read */
    int space_before;    /* whitespace since the last token */
    int new_para;        /* a line break (or the start) since the last token */
    enum ctx prev;
    int dq_open, sq_open;   /* open double / single quotations in this paragraph */
    size_t wrap_w;       /* the width of hard-wrapped text, 0 when not wrapped */
    size_t stop;         /* tokens end here (a title's site name is left out) */

    /* furniture (ne_text_analyze_body): on when furniture, with the title */
    int furniture;
    const char *title;
    size_t title_len;
    int seen_para;       /* a paragraph start was decided on */
    int list_left;       /* headlines of a related list still to skip */

    /* memo of the last search for a closing ’ (see closing_single_ahead) */
    size_t look_from, look_end, look_hit;
} analyzer;

/* Sets the three arrays to a first capacity estimated from the text
 * length (news averages about six bytes a token), reusing whatever the
 * text layer held before. */
static void reserve_initial(analyzer *a)
{
    ne_text *t = a->t;
    size_t ntok = a->len / 5 + 16, nsent = a->len / 80 + 4, npara = a->len / 300 + 4;
    t->toks = ne_xrealloc(t->toks, ntok * sizeof *t->toks);
    a->tok_cap = ntok;
    t->sents = ne_xrealloc(t->sents, nsent * sizeof *t->sents);
    a->sent_cap = nsent;
    t->paras = ne_xrealloc(t->paras, npara * sizeof *t->paras);
    a->para_cap = npara;
}

/* ---- hard-wrapped lines ----------------------------------------------- */

#define WRAP_MIN_W 40
#define WRAP_MAX_W 100
#define WRAP_SLACK 3      /* columns a wrapper may leave unused */
#define WRAP_MIN_LINES 3  /* lines followed by a line, at the least */

/* The width in columns (code points) of the line [b, e), trailing spaces
 * and \r left out; *indent when it starts with a space or tab. */
static size_t line_cols(const unsigned char *s, size_t b, size_t e, int *indent)
{
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
    if (indent) *indent = b < e && (s[b] == ' ' || s[b] == '\t');
    size_t n = 0;
    for (size_t i = b; i < e; i++) n += (s[i] & 0xC0) != 0x80;
    return n;
}

/* The width of the first word of the line starting at b (up to a space,
 * tab or line end). */
static size_t first_word_cols(const unsigned char *s, size_t len, size_t b)
{
    size_t n = 0;
    for (size_t i = b; i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r'; i++)
        n += (s[i] & 0xC0) != 0x80;
    return n;
}

/* True when the line of `cols` columns was ended by a wrapper at width w:
 * the next line's first word (nw columns) would not have fitted. */
static int line_full(size_t cols, size_t nw, size_t w)
{
    return cols > 0 && nw > 0 && cols + 1 + nw + WRAP_SLACK > w;
}

/* True when the line [b, e) ends mid-sentence: its last character is not
 * a stop, colon, closing quote or bracket. One-paragraph-a-line text ends
 * its lines on those; a wrapper mostly ends them inside a sentence. */
static int ends_mid_sentence(const unsigned char *s, size_t b, size_t e)
{
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
    if (e == b) return 0;
    unsigned char c = s[e - 1];
    if (strchr(".!?:\"')", c)) return 0;
    if (e - b >= 3 && s[e - 3] == 0xE2 && s[e - 2] == 0x80 && (c == 0x9D || c == 0x99 || c == 0xA6)) return 0;
    return 1;
}

/* The width at which the text is hard-wrapped, or 0 (see the header). */
static size_t detect_wrap(const unsigned char *s, size_t len)
{
    enum { HMAX = WRAP_MAX_W + 2 };
    size_t hist[HMAX] = {0}, nlines = 0;
    for (size_t b = 0; b < len;) {
        const unsigned char *nl = memchr(s + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - s) : len;
        /* a line of more than 4 bytes a column is too long: not counted */
        size_t c = e - b > 4 * HMAX ? HMAX : line_cols(s, b, e, NULL);
        if (c > 0) { hist[c < HMAX ? c : HMAX - 1]++; nlines++; }
        b = e + 1;
    }
    if (nlines < WRAP_MIN_LINES + 1) return 0;
    size_t need = nlines - nlines / 20, acc = 0, w = 0;   /* the 95th percentile */
    while (w < HMAX && (acc += hist[w]) < need) w++;
    if (w < WRAP_MIN_W || w > WRAP_MAX_W) return 0;
    size_t nonfinal = 0, full = 0;
    for (size_t b = 0; b < len;) {
        const unsigned char *nl = memchr(s + b, '\n', len - b);
        if (!nl) break;
        size_t e = (size_t)(nl - s);
        int ind;
        size_t c = line_cols(s, b, e, NULL);
        const unsigned char *nn = memchr(nl + 1, '\n', len - e - 1);
        size_t c2 = line_cols(s, e + 1, nn ? (size_t)(nn - s) : len, &ind);
        if (c > 0 && c2 > 0 && !ind) {
            nonfinal++;
            full += line_full(c, first_word_cols(s, len, e + 1), w) && ends_mid_sentence(s, b, e);
        }
        b = e + 1;
    }
    return nonfinal >= WRAP_MIN_LINES && full * 10 >= nonfinal * 6 ? w : 0;
}

/* True when the \n at `p` of s (wrapped at w, or not when 0) is a soft
 * break of wrapped text: a space. */
static int soft_nl(const unsigned char *s, size_t len, size_t w, size_t p)
{
    if (!w) return 0;
    size_t b = p;
    while (b > 0 && s[b - 1] != '\n') b--;
    size_t c = line_cols(s, b, p, NULL);
    size_t e = p + 1;
    while (e < len && s[e] != '\n') e++;
    int ind;
    size_t c2 = line_cols(s, p + 1, e, &ind);
    if (c == 0 || c2 == 0 || ind) return 0;
    return line_full(c, first_word_cols(s, len, p + 1), w);
}

static int soft_break(const analyzer *a, size_t p) { return soft_nl(a->s, a->len, a->wrap_w, p); }

/* soft_break() for a \n or the \r of a \r\n at p. */
static int soft_eol(const analyzer *a, size_t p)
{
    if (a->s[p] == '\r') return p + 1 < a->len && a->s[p + 1] == '\n' && soft_break(a, p + 1);
    return soft_break(a, p);
}

/* Closes the open paragraph, if any, at the last token. */
static void finish_paragraph(analyzer *a)
{
    ne_text *t = a->t;
    if (t->nparas == 0) return;
    ne_para *p = &t->paras[t->nparas - 1];
    if (p->tok_end != 0 || p->tok_start == t->ntoks) return;   /* already closed */
    p->tok_end = (uint32_t)t->ntoks;
    p->end = t->toks[t->ntoks - 1].end;
}

/* Opens a paragraph at the current position (closing the previous one) and
 * resets the quotation state. */
static void start_paragraph(analyzer *a)
{
    ne_text *t = a->t;
    finish_paragraph(a);
    ne_grow(&t->paras, &a->para_cap, t->nparas + 1, sizeof *t->paras);
    ne_para *p = &t->paras[t->nparas++];
    p->start = (uint32_t)a->pos;
    p->end = p->start;
    p->tok_start = (uint32_t)t->ntoks;
    p->tok_end = 0;
    a->dq_open = a->sq_open = 0;
    a->prev = CTX_SPACE;
}

/* ---- quotation marks -------------------------------------------------- */

/* Marks tk as opening a double (dbl) or single quotation and counts it. */
static void open_quote(analyzer *a, ne_token *tk, int dbl)
{
    tk->flags |= NE_TF_OPEN;
    if (dbl) a->dq_open++; else a->sq_open++;
}

/* Marks tk as closing a double (dbl) or single quotation; the depth never
 * goes below zero, so a stray closer does not swallow a later opener. */
static void close_quote(analyzer *a, ne_token *tk, int dbl)
{
    tk->flags |= NE_TF_CLOSE;
    if (dbl) { if (a->dq_open > 0) a->dq_open--; }
    else if (a->sq_open > 0) a->sq_open--;
}

/* True for what may follow a closing quote directly: . , ; : ! ? ) ] } and
 * dashes. */
static int is_closing_punct(uint32_t cp)
{
    switch (cp) {
    case '.': case ',': case ';': case ':': case '!': case '?': case ')': case ']': case '}':
    case '-': case 0x2013: case 0x2014: case 0x2026:
        return 1;
    }
    return 0;
}

/* Decides the direction of a straight quote mark (" ' or '') that ends at
 * `after`: whitespace or an opener before and text after opens; text before
 * and whitespace or closing punctuation after closes; anything else is
 * settled by whether a quotation of that kind is open. */
static void decide_straight(analyzer *a, ne_token *tk, size_t after, int dbl)
{
    uint32_t ncp;
    enum cls next = class_at(a->s, a->len, after, &ncp, NULL);
    int open_before = a->prev == CTX_SPACE || a->prev == CTX_OPENER;
    int space_after = next == CL_END || next == CL_SPACE || next == CL_BREAK;
    int depth = dbl ? a->dq_open : a->sq_open;
    if (open_before && !space_after) open_quote(a, tk, dbl);
    else if (!open_before && (space_after || is_closing_punct(ncp))) close_quote(a, tk, dbl);
    else if (depth > 0) close_quote(a, tk, dbl);
    else open_quote(a, tk, dbl);
}

/* Decides a curly double mark or guillemet: its glyph says the direction,
 * but when the context clearly says the opposite and the quotation state
 * agrees, the context wins (German „…“, Swedish ”…”, careless typing). */
static void decide_curly_double(analyzer *a, ne_token *tk, int opens, size_t after)
{
    uint32_t ncp;
    enum cls next = class_at(a->s, a->len, after, &ncp, NULL);
    int open_before = a->prev == CTX_SPACE || a->prev == CTX_OPENER;
    int space_after = next == CL_END || next == CL_SPACE || next == CL_BREAK;
    if (opens && !open_before && (space_after || is_closing_punct(ncp)) && a->dq_open > 0)
        opens = 0;
    else if (!opens && open_before && is_alnum_cls(next) && a->dq_open == 0)
        opens = 1;
    if (opens) open_quote(a, tk, 1); else close_quote(a, tk, 1);
}

/* ‘ opens a single quotation in English, and closes one in German
 * (‚so‘): after text, with a single quotation open, and before whitespace
 * or closing punctuation, it closes. */
static void decide_left_single(analyzer *a, ne_token *tk, size_t after)
{
    uint32_t ncp;
    enum cls next = class_at(a->s, a->len, after, &ncp, NULL);
    int open_before = a->prev == CTX_SPACE || a->prev == CTX_OPENER;
    int space_after = next == CL_END || next == CL_SPACE || next == CL_BREAK;
    if (!open_before && (space_after || is_closing_punct(ncp)) && a->sq_open > 0) close_quote(a, tk, 0);
    else open_quote(a, tk, 0);
}

/* True when the text from `from` to the end of its line holds a ’ that
 * could close a single quotation: one after a non-space and before a
 * non-letter. The answer is memoised so that successive questions scan
 * each byte at most once. */
static int closing_single_ahead(analyzer *a, size_t from)
{
    const unsigned char *s = a->s;
    if (from >= a->look_from && from <= a->look_end) {
        if (a->look_hit == NO_POS) return 0;
        if (a->look_hit >= from) return 1;
    }
    a->look_from = from;
    a->look_hit = NO_POS;
    size_t p = from;
    for (; p < a->len && ((s[p] != '\n' && s[p] != '\r') || soft_eol(a, p)); p++) {
        if (s[p] != 0xE2 || p + 2 >= a->len || s[p + 1] != 0x80 || s[p + 2] != 0x99) continue;
        if (p == from) continue;
        unsigned char before = s[p - 1];
        if (before == ' ' || before == '\t' || (before == 0xA0 && p >= 2 && s[p - 2] == 0xC2))
            continue;
        if (is_alnum_cls(class_at(s, a->len, p + 3, NULL, NULL))) continue;
        a->look_hit = p;
        break;
    }
    a->look_end = p;
    return a->look_hit != NO_POS;
}

/* ---- tokens ----------------------------------------------------------- */

enum last_char { LAST_LETTER, LAST_DIGIT, LAST_DOT };

/* What a word scan has seen so far. */
typedef struct word_shape {
    unsigned cps, letters, upper, lower, digits;
    int first_case;      /* case of the first letter; CASE_NONE until one is seen */
    int is_symbol;       /* became an e-mail address */
    size_t last_seg;     /* start of the last hyphen-separated segment */
    enum last_char last;
} word_shape;

/* Counts letter cp (with its case) in the shape of the word being scanned. */
static void note_letter(word_shape *w, uint32_t cp)
{
    int c = cp < 0x80 ? (cp >= 'a' ? CASE_LOWER : CASE_UPPER) : letter_case(cp);
    if (w->letters++ == 0) w->first_case = c;
    if (c == CASE_UPPER) w->upper++;
    else if (c == CASE_LOWER) w->lower++;
    w->last = LAST_LETTER;
}

/* Consumes letters, digits and extenders from s[i]; returns where they end. */
static size_t scan_alnum_run(const unsigned char *s, size_t len, size_t i, word_shape *w)
{
    while (i < len) {
        unsigned char b = s[i];
        if (b < 0x80) {
            if (is_ascii_letter(b)) note_letter(w, b);
            else if (is_ascii_digit(b)) { w->digits++; w->last = LAST_DIGIT; }
            else break;
            w->cps++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ne_utf8_decode(s, len, i, &cp);
        enum cls c = classify(cp);
        if (c == CL_LETTER) note_letter(w, cp);
        else if (c != CL_EXTEND) break;
        w->cps++;
        i += n;
    }
    return i;
}

/* True when s[i..] starts with exactly `n` ASCII digits (then a non-digit). */
static int exact_digits_follow(const unsigned char *s, size_t len, size_t i, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (i + k >= len || !is_ascii_digit(s[i + k])) return 0;
    return i + n >= len || !is_ascii_digit(s[i + n]);
}

/* End of the domain of an e-mail address whose '@' is just before s[i]:
 * letters, digits, '-' and '.', with at least one inner period; trailing
 * periods are left out. 0 when it is not a domain. */
static size_t email_domain_end(const unsigned char *s, size_t len, size_t i)
{
    size_t p = i, end = 0;
    while (p < len && (is_ascii_letter(s[p]) || is_ascii_digit(s[p]) || s[p] == '-' || s[p] == '.')) {
        if (s[p] == '.' && p > i && p + 1 < len && is_ascii_letter(s[p + 1])) end = 1;
        p++;
    }
    while (p > i && s[p - 1] == '.') p--;
    return end ? p : 0;
}

/* End of a URL starting at s[i] (http://, https:// or www.), or 0. It runs
 * to whitespace, a quote or an angle bracket; trailing punctuation that
 * more likely belongs to the sentence is left out. */
static size_t url_end(const unsigned char *s, size_t len, size_t i)
{
    size_t p = i;
    if (len - i < 5 || ((s[i + 1] | 0x20) != 't' && (s[i + 1] | 0x20) != 'w')) return 0;
    if (len - i >= 8 && strncasecmp((const char *)s + i, "https://", 8) == 0) p += 8;
    else if (len - i >= 7 && strncasecmp((const char *)s + i, "http://", 7) == 0) p += 7;
    else if (len - i >= 5 && strncasecmp((const char *)s + i, "www.", 4) == 0 &&
             (is_ascii_letter(s[i + 4]) || is_ascii_digit(s[i + 4]))) p += 4;
    else return 0;
    int parens = 0;
    while (p < len) {
        uint32_t cp;
        size_t n = ne_utf8_decode(s, len, p, &cp);
        enum cls c = classify(cp);
        if (c == CL_SPACE || c == CL_BREAK || c == CL_QUOTE || c == CL_INVALID ||
            cp == 0x2019 || cp == '<' || cp == '>')
            break;
        if (cp == '(') parens++;
        p += n;
    }
    while (p > i + 1) {
        unsigned char b = s[p - 1];
        if (b == '.' || b == ',' || b == ';' || b == ':' || b == '!' || b == '?' || b == '\'' ||
            (b == ')' && parens == 0))
            p--;
        else
            break;
    }
    return p;
}

/* Scans a word or number whose first letter or digit is at s[i]; the token
 * itself starts at tok_start (earlier when an elided apostrophe leads it).
 * Fills kind and flags of *tk and returns the token's end. */
static size_t lex_alnum(analyzer *a, size_t tok_start, size_t i, ne_token *tk)
{
    const unsigned char *s = a->s;
    size_t len = a->len, seg = i, first = i;
    word_shape w = {0};
    w.last_seg = i;
    for (;;) {
        size_t d = (i == seg) ? dotted_acronym_len(s, len, i) : 0;
        if (d) {
            for (size_t k = i; k < i + d; k++)
                if (s[k] != '.') { note_letter(&w, s[k]); w.cps++; }
            i += d;
            w.last = LAST_DOT;
        } else {
            i = scan_alnum_run(s, len, i, &w);
        }
        if (i >= len) break;

        uint32_t c, c2 = 0;
        size_t n;
        enum cls k = class_at(s, len, i, &c, &n);
        enum cls k2 = class_at(s, len, i + n, &c2, NULL);
        /* Asia-Pacific, F-16, 10-year-old, U.S.-led; not 2016-17 */
        if (k == CL_HYPHEN && is_alnum_cls(k2) && (w.letters || k2 == CL_LETTER)) {
            i += n;
            seg = w.last_seg = i;
            continue;
        }
        /* Logan‘s, don‘t: a left single mark between two letters is an
         * apostrophe typed wrong (no quotation opens inside a word) */
        if (c == 0x2018 && k2 == CL_LETTER && w.last == LAST_LETTER) { i += n; continue; }
        if (k == CL_APOS) {
            if (c == '\'' && c2 == '\'') break;          /* '' is a double quote */
            if (k2 == CL_LETTER) { i += n; continue; }   /* don't, O'Brien, Trump’s, U.S.'s */
            if (w.last == LAST_LETTER && a->sq_open == 0) i += n;   /* Jones’ */
            break;
        }
        if (c == '.') {
            if (w.last == LAST_DIGIT && k2 == CL_DIGIT) { i++; continue; }   /* 3.5, v1.2 */
            if (w.last != LAST_DOT && w.letters && c2 < 0x80 && is_ascii_lower((unsigned char)c2)) {
                i++;                                                       /* news.sky.com */
                continue;
            }
            break;
        }
        if (!w.letters && w.last == LAST_DIGIT) {
            if (c == ',' && exact_digits_follow(s, len, i + 1, 3)) { i++; continue; }  /* 1,000 */
            if (c == ':' && exact_digits_follow(s, len, i + 1, 2)) { i++; continue; }  /* 10:30 */
        }
        if (c == '&' && is_ascii_upper(s[i - 1]) && i + 1 < len && is_ascii_upper(s[i + 1])) {
            i++;                                                           /* AT&T */
            continue;
        }
        if (c == '@' && w.last != LAST_DOT && is_alnum_cls(k2)) {
            size_t e = email_domain_end(s, len, i + 1);
            if (e) { i = e; w.is_symbol = 1; }
        }
        break;
    }

    /* A period after a known abbreviation or an initial belongs to the
     * word, unless it starts an ellipsis. */
    if (i < len && s[i] == '.' && w.last != LAST_DOT && !w.is_symbol &&
        !(i + 1 < len && s[i + 1] == '.')) {
        int take = w.cps == 1 && w.upper == 1 && tok_start == first;   /* an initial, "J." */
        if (!take) {
            const abbrev *ab = find_abbrev(s + tok_start, i - tok_start);
            if (!ab && w.last_seg > tok_start) ab = find_abbrev(s + w.last_seg, i - w.last_seg);
            if (ab && ab->kind == AB_BEFORE_NUMBER) {
                size_t p = i + 1;
                while (p < len && s[p] == ' ') p++;
                take = p > i + 1 && p < len && is_ascii_digit(s[p]);
            } else {
                take = ab != NULL;
            }
        }
        if (take) { i++; w.last = LAST_DOT; }
    }

    if (w.is_symbol) {
        tk->kind = NE_TOK_SYMBOL;
    } else if (w.letters) {
        tk->kind = NE_TOK_WORD;
        if (w.first_case == CASE_UPPER) tk->flags |= NE_TF_CAP;
        if (w.lower == 0 && w.upper >= 2) tk->flags |= NE_TF_ALLCAPS;
        if (w.last == LAST_DOT) tk->flags |= NE_TF_ABBREV;
    } else {
        tk->kind = NE_TOK_NUM;
    }
    return i;
}

/* True when an apostrophe at s[i-1] starts an elided word rather than a
 * quotation: 'em, 'cause, 'til, 'tis, 'twas, 'bout, 'n' and two-digit
 * years ('90s, '16). */
static int is_elision(const unsigned char *s, size_t len, size_t i)
{
    static const char *const elided[] = { "em", "cause", "cos", "til", "tis", "twas", "bout", "n" };
    if (i + 1 < len && is_ascii_digit(s[i]) && is_ascii_digit(s[i + 1]))
        return i + 2 >= len || s[i + 2] == 's' || !is_alnum_cls(class_at(s, len, i + 2, NULL, NULL));
    for (size_t k = 0; k < sizeof elided / sizeof elided[0]; k++) {
        size_t n = strlen(elided[k]);
        if (len - i < n) continue;
        if ((s[i] | 0x20) != (unsigned char)elided[k][0] || memcmp(s + i + 1, elided[k] + 1, n - 1) != 0)
            continue;
        if (!is_alnum_cls(class_at(s, len, i + n, NULL, NULL))) return 1;
    }
    return 0;
}

/* A ' or ’ at the start of a token (inside or after a word the word lexer
 * has already taken what is an apostrophe). Returns the token's end. */
static size_t lex_apostrophe(analyzer *a, uint32_t cp, size_t n, ne_token *tk)
{
    const unsigned char *s = a->s;
    size_t i = a->pos;
    int straight = cp == '\'';
    int open_before = a->prev == CTX_SPACE || a->prev == CTX_OPENER;

    if (straight && i + 1 < a->len && s[i + 1] == '\'') {
        size_t run = 2;
        while (i + run < a->len && s[i + run] == '\'') run++;
        tk->kind = NE_TOK_QUOTE;
        /* in ,''' a single quotation closes before the double one */
        if (run >= 3 && !open_before && a->sq_open > 0) {
            tk->mark = NE_QM_STRAIGHT_SINGLE;
            close_quote(a, tk, 0);
            return i + 1;
        }
        tk->mark = NE_QM_STRAIGHT_DOUBLE;
        decide_straight(a, tk, i + 2, 1);
        return i + 2;
    }

    /* ’’: two right single marks typed for a closing double one */
    if (cp == 0x2019 && i + 2 * n <= a->len && memcmp(s + i, s + i + n, n) == 0) {
        tk->kind = NE_TOK_QUOTE;
        tk->mark = NE_QM_RIGHT_DOUBLE;
        decide_curly_double(a, tk, 0, i + 2 * n);
        return i + 2 * n;
    }
    enum cls next = class_at(s, a->len, i + n, NULL, NULL);
    if (open_before && is_alnum_cls(next)) {
        if (is_elision(s, a->len, i + n)) return lex_alnum(a, i, i + n, tk);
        if (!straight && !closing_single_ahead(a, i + n))
            return lex_alnum(a, i, i + n, tk);     /* not clearly a quote: keep it in the word */
    }
    tk->kind = NE_TOK_QUOTE;
    tk->mark = straight ? NE_QM_STRAIGHT_SINGLE : NE_QM_RIGHT_SINGLE;
    if (a->prev == CTX_WORD) close_quote(a, tk, 0);    /* the word lexer left it as a closer */
    else if (straight) decide_straight(a, tk, i + 1, 0);
    else if (open_before && is_alnum_cls(next)) open_quote(a, tk, 0);
    else close_quote(a, tk, 0);
    return i + n;
}

/* A double quotation mark, a guillemet or ‘. Returns the token's end. */
static size_t lex_quote(analyzer *a, uint32_t cp, size_t n, ne_token *tk)
{
    size_t end = a->pos + n;
    tk->kind = NE_TOK_QUOTE;
    /* ‘90s, ‘em: autocorrect turned an elision's apostrophe into a left mark */
    if (cp == 0x2018 && (a->prev == CTX_SPACE || a->prev == CTX_OPENER) &&
        is_elision(a->s, a->len, end))
        return lex_alnum(a, a->pos, end, tk);
    if (cp == 0x2018 && end + n <= a->len && memcmp(a->s + a->pos, a->s + end, n) == 0) {
        tk->mark = NE_QM_LEFT_DOUBLE;   /* ‘‘: two left single marks for an opening double one */
        decide_curly_double(a, tk, 1, end + n);
        return end + n;
    }
    switch (cp) {
    case '"':    tk->mark = NE_QM_STRAIGHT_DOUBLE; decide_straight(a, tk, end, 1); break;
    case 0x2018: tk->mark = NE_QM_LEFT_SINGLE;     decide_left_single(a, tk, end); break;
    case 0x201A: tk->mark = NE_QM_LOW_SINGLE;      open_quote(a, tk, 0); break;
    case 0x201C: tk->mark = NE_QM_LEFT_DOUBLE;     decide_curly_double(a, tk, 1, end); break;
    case 0x201D: tk->mark = NE_QM_RIGHT_DOUBLE;    decide_curly_double(a, tk, 0, end); break;
    case 0x201E: tk->mark = NE_QM_LOW_DOUBLE;      open_quote(a, tk, 1); break;
    case 0xAB:   tk->mark = NE_QM_GUILLEMET_LEFT;  decide_curly_double(a, tk, 1, end); break;
    case 0x300C: tk->mark = NE_QM_CORNER_LEFT;     open_quote(a, tk, 1); break;
    case 0x300D: tk->mark = NE_QM_CORNER_RIGHT;    close_quote(a, tk, 1); break;
    case 0x300E: tk->mark = NE_QM_WHITE_CORNER_LEFT;  open_quote(a, tk, 0); break;
    case 0x300F: tk->mark = NE_QM_WHITE_CORNER_RIGHT; close_quote(a, tk, 0); break;
    default:     tk->mark = NE_QM_GUILLEMET_RIGHT; decide_curly_double(a, tk, 0, end); break;
    }
    return end;
}

/* Punctuation: runs of periods (an ellipsis), of ! and ?, and of hyphens
 * are one token each; anything else is one code point. */
static size_t lex_punct(analyzer *a, uint32_t cp, size_t n, ne_token *tk)
{
    const unsigned char *s = a->s;
    size_t i = a->pos + n;
    tk->kind = NE_TOK_PUNCT;
    if (cp == '.' || cp == '-') {
        while (i < a->len && s[i] == cp) i++;
    } else if (cp == '!' || cp == '?') {
        while (i < a->len && (s[i] == '!' || s[i] == '?')) i++;
    }
    return i;
}

/* A symbol: #hashtag and @handle take their name along; a non-ASCII
 * symbol keeps its extenders (variation selectors, skin tones) and what a
 * zero width joiner attaches to it, so an emoji sequence is one token. */
static size_t lex_symbol(analyzer *a, uint32_t cp, size_t n, ne_token *tk)
{
    const unsigned char *s = a->s;
    size_t i = a->pos + n;
    uint32_t c;
    size_t k;
    tk->kind = NE_TOK_SYMBOL;
    if (cp == '#' || cp == '@') {
        for (;;) {
            enum cls cl = class_at(s, a->len, i, &c, &k);
            if (!(is_alnum_cls(cl) || cl == CL_EXTEND || c == '_')) break;
            i += k;
        }
        return i;
    }
    if (cp < 0x80) return i;
    for (;;) {
        enum cls cl = class_at(s, a->len, i, &c, &k);
        if (cl != CL_EXTEND) break;
        i += k;
        if (c == 0x200D && class_at(s, a->len, i, &c, &k) == CL_SYMBOL && c >= 0x80) i += k;
    }
    return i;
}

/* Lexes the token at a->pos (not whitespace) into *tk; returns its end. */
static size_t lex_token(analyzer *a, uint32_t cp, size_t n, enum cls c, ne_token *tk)
{
    switch (c) {
    case CL_LETTER: {
        unsigned char b = a->s[a->pos];
        size_t e = (b | 0x20) == 'h' || (b | 0x20) == 'w' ? url_end(a->s, a->len, a->pos) : 0;
        if (e) { tk->kind = NE_TOK_SYMBOL; return e; }
        return lex_alnum(a, a->pos, a->pos, tk);
    }
    case CL_DIGIT:   return lex_alnum(a, a->pos, a->pos, tk);
    case CL_APOS:    return lex_apostrophe(a, cp, n, tk);
    case CL_QUOTE:   return lex_quote(a, cp, n, tk);
    case CL_HYPHEN:
    case CL_PUNCT:   return lex_punct(a, cp, n, tk);
    case CL_SYMBOL:
    case CL_EXTEND:  return lex_symbol(a, cp, n, tk);
    default:         /* CL_INVALID: one byte, one symbol */
        tk->kind = NE_TOK_SYMBOL;
        return a->pos + 1;
    }
}

/* The context a token leaves for the next one. */
static enum ctx context_after(const analyzer *a, const ne_token *tk)
{
    unsigned char first = a->s[tk->start], last = a->s[tk->end - 1];
    switch (tk->kind) {
    case NE_TOK_WORD:
    case NE_TOK_NUM:
        return last == '.' ? CTX_OTHER : CTX_WORD;
    case NE_TOK_QUOTE:
        return (tk->flags & NE_TF_OPEN) ? CTX_OPENER : CTX_OTHER;
    case NE_TOK_PUNCT:
        if (first == '(' || first == '[' || first == '{' || first == '-') return CTX_OPENER;
        if (first == 0xE2 && tk->end - tk->start == 3 && a->s[tk->start + 1] == 0x80 &&
            a->s[tk->start + 2] >= 0x92 && a->s[tk->start + 2] <= 0x95)
            return CTX_OPENER;   /* ‒ – — ― */
        return CTX_OTHER;
    default:
        return CTX_OTHER;
    }
}

/* ---- page furniture (ne_text_analyze_body) ------------------------------- */

/* The end of the paragraph that starts at b: its first hard line break
 * (the \r of a \r\n), or the end of the text. */
static size_t para_end(const analyzer *a, size_t b)
{
    for (size_t p = b; p < a->len;) {
        const unsigned char *nl = memchr(a->s + p, '\n', a->len - p);
        if (!nl) break;
        size_t e = (size_t)(nl - a->s);
        if (a->wrap_w && soft_nl(a->s, a->len, a->wrap_w, e)) { p = e + 1; continue; }
        return e > b && a->s[e - 1] == '\r' ? e - 1 : e;
    }
    return a->len;
}

/* The letters and digits of s[0..n), ASCII lower-cased, into out[0..cap). */
static size_t alnum_key(const unsigned char *s, size_t n, unsigned char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        unsigned char c = s[i];
        if (is_ascii_upper(c)) out[k++] = (unsigned char)(c + 32);
        else if (is_ascii_lower(c) || is_ascii_digit(c) || c >= 0x80) out[k++] = c;
    }
    return k;
}

/* The paragraph s[0..n) repeats the title: the same letters and digits,
 * or the title's opening (a site name after it: "Headline - TheHill") when
 * the paragraph holds at least 60 % of them. */
static int repeats_title(const analyzer *a, const unsigned char *s, size_t n)
{
    unsigned char x[512], y[512];
    if (n > 500 || a->title_len > 500) return 0;
    size_t kx = alnum_key(s, n, x, sizeof x), ky = alnum_key((const unsigned char *)a->title, a->title_len, y, sizeof y);
    if (kx < 12 || kx > ky || memcmp(x, y, kx)) return 0;
    return kx == ky || kx * 10 >= ky * 6;
}

/* At the first non-blank code point cp of a position: when the paragraph
 * starting here is furniture, or a closing "(Reporting by …)" starts here,
 * moves past it and returns 1. */
static int skip_furniture(analyzer *a, uint32_t cp)
{
    size_t b = a->pos, e;
    const char *s = (const char *)a->s + b;
    if (!a->new_para) {
        /* "… he said. (Reporting by X; Editing by Y)" at a paragraph's end */
        if (cp != '(' || !ne_text_credit_prefix(s, a->len - b)) return 0;
        e = para_end(a, b);
        size_t k = e;
        while (k > b && (a->s[k - 1] == ' ' || a->s[k - 1] == '\t')) k--;
        if (e - b > 400 || a->s[k - 1] != ')') return 0;
        a->pos = e;
        return 1;
    }
    e = para_end(a, b);
    size_t n = e - b;
    int first = !a->seen_para, skip = 0;
    a->seen_para = 1;
    if (a->list_left > 0) {
        if (ne_text_list_headline(s, n)) {
            a->list_left--;
            skip = 1;
        } else {
            a->list_left = 0;
        }
    }
    if (!skip && ne_text_related_heading(s, n)) {
        a->list_left = 8;
        skip = 1;
    }
    if (!skip && first && a->title && repeats_title(a, a->s + b, n)) skip = 1;
    if (!skip && ne_text_furniture(s, n)) skip = 1;
    if (!skip && n <= 600) {
        /* a post's words: the next line is its account line */
        size_t nb = e, at, nm, ne;
        while (nb < a->len && (a->s[nb] == '\n' || a->s[nb] == '\r' || a->s[nb] == ' ' || a->s[nb] == '\t'))
            nb++;
        if (nb < a->len) {
            const unsigned char *nl = memchr(a->s + nb, '\n', a->len - nb);
            size_t le = nl ? (size_t)(nl - a->s) : a->len;
            if (le - nb <= 200 && memchr(a->s + nb, '@', le - nb) && memmem(a->s + nb, le - nb, " (@", 3) &&
                ne_text_post_account((const char *)a->s + nb, le - nb, &at, &nm, &ne) && at == 0)
                skip = 1;
        }
    }
    if (!skip) return 0;
    a->pos = e;
    a->space_before = 1;
    return 1;
}

/* Builds the token and paragraph layers. */
static void tokenize(analyzer *a)
{
    ne_text *t = a->t;
    a->new_para = 1;
    a->prev = CTX_SPACE;
    while (a->pos < a->stop) {
        uint32_t cp;
        size_t n = ne_utf8_decode(a->s, a->len, a->pos, &cp);
        enum cls c = classify(cp);
        if (a->furniture && c != CL_SPACE && c != CL_BREAK && skip_furniture(a, cp))
            continue;
        if (c == CL_SPACE || c == CL_BREAK) {
            /* in wrapped text a \r\n is decided by its \n */
            if (c == CL_BREAK && !(a->wrap_w && ((cp == '\r' && a->pos + 1 < a->len && a->s[a->pos + 1] == '\n') ||
                                                 (cp == '\n' && soft_break(a, a->pos)))))
                a->new_para = 1;
            a->space_before = 1;
            a->prev = CTX_SPACE;
            a->pos += n;
            continue;
        }
        if (a->new_para) start_paragraph(a);
        ne_grow(&t->toks, &a->tok_cap, t->ntoks + 1, sizeof *t->toks);
        ne_token tk = {0};
        tk.start = (uint32_t)a->pos;
        tk.para = (uint32_t)(t->nparas - 1);
        if (a->space_before) tk.flags |= NE_TF_SPACE_BEFORE;
        if (a->new_para) tk.flags |= NE_TF_PARA_START;
        size_t end = lex_token(a, cp, n, c, &tk);
        tk.end = (uint32_t)end;
        t->toks[t->ntoks++] = tk;
        a->prev = context_after(a, &tk);
        a->space_before = a->new_para = 0;
        a->pos = end;
    }
    finish_paragraph(a);
}

/* ---- sentences -------------------------------------------------------- */

enum term {
    TERM_NONE,
    TERM_STOP,       /* . ! ? and their CJK forms */
    TERM_ELLIPSIS,   /* … or ... */
    TERM_ABBREV      /* an abbreviation or initial that may end a sentence */
};

/* Whether and how token tk can end a sentence. */
static enum term terminator_kind(const analyzer *a, const ne_token *tk)
{
    const unsigned char *s = a->s + tk->start;
    size_t n = tk->end - tk->start;
    if (tk->kind == NE_TOK_PUNCT) {
        uint32_t cp;
        ne_utf8_decode(a->s, a->len, tk->start, &cp);
        if (cp == '.') return n > 1 ? TERM_ELLIPSIS : TERM_STOP;
        if (cp == '!' || cp == '?' || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF0E || cp == 0xFF1F)
            return TERM_STOP;
        return cp == 0x2026 ? TERM_ELLIPSIS : TERM_NONE;
    }
    if (tk->kind != NE_TOK_WORD || !(tk->flags & NE_TF_ABBREV)) return TERM_NONE;
    n--;                                            /* without its period */
    if (memchr(s, '.', n)) return TERM_ABBREV;      /* dotted acronym */
    const abbrev *ab = find_abbrev(s, n);
    if (!ab) {
        const unsigned char *h = s + n;
        while (h > s && h[-1] != '-') h--;          /* R-Calif. */
        if (h > s) ab = find_abbrev(h, (size_t)(s + n - h));
    }
    if (ab && ab->kind != AB_MAY_END) return TERM_NONE;
    return TERM_ABBREV;                             /* listed, or an initial */
}

/* True for what trails a sentence's final stop: a closing quote or bracket. */
static int is_closer(const analyzer *a, const ne_token *tk)
{
    if (tk->kind == NE_TOK_QUOTE) return (tk->flags & NE_TF_CLOSE) != 0;
    if (tk->kind != NE_TOK_PUNCT) return 0;
    unsigned char c = a->s[tk->start];
    return c == ')' || c == ']' || c == '}';
}

/* True when the token's first code point is a lower-case letter. */
static int starts_lower(const analyzer *a, const ne_token *tk)
{
    uint32_t cp;
    ne_utf8_decode(a->s, a->len, tk->start, &cp);
    return letter_case(cp) == CASE_LOWER;
}

/* True when tk could begin a new sentence after a period: a word not
 * starting in lower case, a number, an opening quote or bracket, a symbol. */
static int could_start_sentence(const analyzer *a, const ne_token *tk)
{
    switch (tk->kind) {
    case NE_TOK_WORD:   return !starts_lower(a, tk);
    case NE_TOK_NUM:
    case NE_TOK_SYMBOL: return 1;
    case NE_TOK_QUOTE:  return (tk->flags & NE_TF_OPEN) != 0;
    default: {
        unsigned char c = a->s[tk->start];
        return c == '(' || c == '[' || c == '{';
    }
    }
}

/* If a sentence ends with token k (a paragraph holds tokens [k0, k1) and
 * the current sentence began at s0), returns the index of its last token —
 * k plus the closing quotes and brackets after it; otherwise NO_POS. */
static size_t sentence_end_at(const analyzer *a, size_t s0, size_t k, size_t k1)
{
    const ne_token *toks = a->t->toks;
    enum term term = terminator_kind(a, &toks[k]);
    if (term == TERM_NONE) return NO_POS;
    /* "1. First point": a list number is not a sentence */
    if (term == TERM_STOP && k == s0 + 1 && toks[s0].kind == NE_TOK_NUM &&
        a->s[toks[k].start] == '.')
        return NO_POS;
    size_t j = k;
    int closers = 0;
    for (;;) {
        while (j + 1 < k1 && is_closer(a, &toks[j + 1])) { j++; closers++; }
        /* “Why?”. — a stop after the closers still belongs here */
        if (closers && j + 1 < k1 && !(toks[j + 1].flags & NE_TF_SPACE_BEFORE) &&
            terminator_kind(a, &toks[j + 1]) == TERM_STOP) {
            j++;
            continue;
        }
        break;
    }
    if (j + 1 == k1) return j;
    const ne_token *next = &toks[j + 1];
    if (!(next->flags & NE_TF_SPACE_BEFORE)) return NO_POS;
    switch (term) {
    case TERM_STOP:
        return could_start_sentence(a, next) ? j : NO_POS;
    case TERM_ELLIPSIS:
        /* a pause mid-sentence is common; only a capital or a new quote ends it */
        return (next->kind == NE_TOK_WORD && (next->flags & NE_TF_CAP)) ||
               (next->kind == NE_TOK_QUOTE && (next->flags & NE_TF_OPEN)) ? j : NO_POS;
    default:
        if (closers) return could_start_sentence(a, next) ? j : NO_POS;
        if (next->kind == NE_TOK_QUOTE && (next->flags & NE_TF_OPEN)) return j;
        return next->kind == NE_TOK_WORD &&
               is_sentence_starter(a->s + next->start, next->end - next->start) ? j : NO_POS;
    }
}

/* Appends the sentence of tokens [from, to) in paragraph `para`. */
static void add_sentence(analyzer *a, size_t from, size_t to, uint32_t para)
{
    ne_text *t = a->t;
    ne_grow(&t->sents, &a->sent_cap, t->nsents + 1, sizeof *t->sents);
    ne_sentence *st = &t->sents[t->nsents++];
    st->start = t->toks[from].start;
    st->end = t->toks[to - 1].end;
    st->tok_start = (uint32_t)from;
    st->tok_end = (uint32_t)to;
    st->para = para;
    t->toks[from].flags |= NE_TF_SENT_START;
}

/* Builds the sentence layer, one paragraph at a time. */
static void split_sentences(analyzer *a)
{
    ne_text *t = a->t;
    for (size_t p = 0; p < t->nparas; p++) {
        size_t k0 = t->paras[p].tok_start, k1 = t->paras[p].tok_end, s0 = k0;
        for (size_t k = k0; k < k1; k++) {
            size_t last = sentence_end_at(a, s0, k, k1);
            if (last == NO_POS) continue;
            add_sentence(a, s0, last + 1, (uint32_t)p);
            s0 = last + 1;
            k = last;
        }
        if (s0 < k1) add_sentence(a, s0, k1, (uint32_t)p);
    }
}

/* The layers of s[0..len), the body's furniture skipped when `furniture`,
 * tokens stopping at `stop`. */
static int analyze(ne_text *t, const char *s, size_t len, int furniture, const char *title,
                   size_t title_len, size_t stop)
{
    if (!t) return -1;
    if ((!s && len) || len > UINT32_MAX) {   /* offsets are 32-bit */
        ne_text_clear(t);
        return -1;
    }
    analyzer a = { .s = (const unsigned char *)s, .len = len, .t = t,
                   .look_from = NO_POS, .look_hit = NO_POS, .stop = stop < len ? stop : len,
                   .furniture = furniture, .title = title, .title_len = title ? title_len : 0 };
    t->s = s;
    t->len = len;
    t->ntoks = t->nsents = t->nparas = 0;
    reserve_initial(&a);
    a.wrap_w = detect_wrap(a.s, len);
    t->wrap_width = a.wrap_w;
    tokenize(&a);
    split_sentences(&a);
    return 0;
}

int ne_text_analyze(ne_text *t, const char *s, size_t len)
{
    return analyze(t, s, len, 0, NULL, 0, len);
}

int ne_text_analyze_body(ne_text *t, const char *s, size_t len, const char *title, size_t title_len)
{
    return analyze(t, s, len, 1, title, title_len, len);
}

/* ---- titles ---------------------------------------------------------------- */

/* A site or section name: one to four words, each capitalised, a
 * connector or a domain ("TheHill", "CNN Politics", "The New York Times",
 * "Forbes.com"), at most 40 bytes. */
static int site_name(const unsigned char *s, size_t n)
{
    size_t words = 0;
    if (!n || n > 40) return 0;
    for (size_t i = 0; i < n;) {
        while (i < n && s[i] == ' ') i++;
        if (i >= n) break;
        size_t w = i;
        while (i < n && s[i] != ' ') i++;
        if (++words > 4) return 0;
        if (is_ascii_upper(s[w]) || is_ascii_digit(s[w])) continue;
        if ((i - w == 2 && !memcmp(s + w, "of", 2)) || (i - w == 3 && !memcmp(s + w, "the", 3)) ||
            (i - w == 3 && !memcmp(s + w, "and", 3)))
            continue;
        if (memchr(s + w, '.', i - w)) continue;   /* a domain */
        return 0;
    }
    return words > 0;
}

static size_t count_words(const unsigned char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) k++;
    return k;
}

/* Where the title's headline ends: before " - Site" (twice at most:
 * "Headline | Politics | CNN"). */
static size_t headline_end(const unsigned char *s, size_t len)
{
    static const char *const seps[] = { " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: " };
    size_t end = len;
    for (int round = 0; round < 2; round++) {
        size_t best = 0, bsep = 0;
        for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
            size_t sl = strlen(seps[k]);
            for (size_t i = end >= sl ? end - sl + 1 : 0; i-- > 0;)
                if (!memcmp(s + i, seps[k], sl)) {
                    if (i > best) { best = i; bsep = sl; }
                    break;
                }
        }
        if (!bsep) break;
        if (!site_name(s + best + bsep, end - best - bsep) || count_words(s, best) < 4) break;
        end = best;
    }
    return end;
}

int ne_text_analyze_title(ne_text *t, const char *s, size_t len)
{
    size_t stop = s && len <= 1000 ? headline_end((const unsigned char *)s, len) : len;
    return analyze(t, s, len, 0, NULL, 0, stop);
}

/* ---- byline authors ---------------------------------------------------------- */

/* Words that make a byline's part an agency or a role, not a person. */
static int agency_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "Reuters", "REUTERS", "AP", "AFP", "Associated", "Press", "Bloomberg", "Staff",
        "STAFF", "Writer", "Writers", "Correspondent", "Correspondents", "Editor", "Reporter",
        "Reporters", "Contributor", "News", "NEWS", "Times", "Post", "Agency", "CNN", "BBC",
        "Journal", "Service", "Wire", "Desk", "Team", "Fox", "Newsroom", "Tribune", "Herald",
        "Guardian", "Telegraph", "Xinhua", "Tass", "TASS", "Interfax", "UPI", "Business",
        "Insider", "Politico", "POLITICO", "Global", "Senior", "Chief", "Political",
        "Washington", "Online", "Digital", "Media", "Network", "Magazine", "Daily",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n)) return 1;
    return 0;
}

/* Appends the name s[0..n) (trimmed) to *out when it is two to four words
 * none of which is an agency's or a role's. */
static void add_author(char ***out, size_t *k, size_t *cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == ',')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == ',' || s[n - 1] == '.' || s[n - 1] == '\r')) n--;
    size_t words = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && s[i] == ' ') i++;
        size_t w = i;
        while (i < n && s[i] != ' ') i++;
        if (i > w) {
            words++;
            if (agency_word(s + w, i - w)) return;
        }
    }
    if (words < 2 || words > 4 || *k >= 8) return;
    for (size_t i = 0; i < *k; i++)
        if (strlen((*out)[i]) == n && !memcmp((*out)[i], s, n)) return;
    ne_grow(out, cap, *k + 1, sizeof **out);
    (*out)[(*k)++] = ne_xstrndup(s, n);
}

char **ne_text_byline_authors(const char *body, size_t len, size_t *n)
{
    char **out = NULL;
    size_t k = 0, cap = 0, b = 0;
    *n = 0;
    if (!body) return NULL;
    for (int line = 0; line < 6 && b < len; line++) {
        const char *nl = memchr(body + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - body) : len, a = b;
        while (a < e && (body[a] == ' ' || body[a] == '\t')) a++;
        if (a == e) { b = e + 1; line--; if (!nl) break; continue; }
        if (ne_text_byline(body + a, e - a)) {
            size_t p = a + ne_text_byline_prefix(body + a, e - a), q = p;
            /* parts: ", ", " and ", " & ", "; " */
            while (q < e) {
                size_t cut = 0;
                if (body[q] == ',' || body[q] == ';') cut = 1;
                else if (q + 5 <= e && !memcmp(body + q, " and ", 5)) cut = 5;
                else if (q + 3 <= e && !memcmp(body + q, " & ", 3)) cut = 3;
                if (cut) {
                    add_author(&out, &k, &cap, body + p, q - p);
                    q += cut;
                    p = q;
                } else {
                    q++;
                }
            }
            add_author(&out, &k, &cap, body + p, e - p);
            break;
        }
        if (!nl) break;
        b = e + 1;
    }
    *n = k;
    if (!k) {
        free(out);
        return NULL;
    }
    return out;
}
