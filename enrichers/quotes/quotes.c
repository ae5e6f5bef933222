/* quotes — quotations and reported speech (see quotes.h for the passes).
 *
 * Everything works on token indices of the body's text layer. Per-token
 * facts (lexicon class, covering entity mention, whether the token lies in
 * a quotation or a reported clause) are computed once per document into
 * arrays of the workspace, which are reused across documents: the only
 * allocations per document are the quotes handed to the document.
 */
#include "enrichers/quotes/quotes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "enrichers/text/text.h"

/* ---- lexicon ------------------------------------------------------------ */

enum {
    L_CUE     = 1u << 0,   /* speech verb: frames quotes */
    L_IND     = 1u << 1,   /* also frames a reported clause without quote marks */
    L_OBJ     = 1u << 2,   /* takes the listener as object (told reporters …) */
    L_ING     = 1u << 3,   /* participle (saying, adding): subject is the clause's */
    L_AMB     = 1u << 4,   /* also a common noun (claims, notes): needs a named subject */
    L_PART    = 1u << 5,   /* names or labels (called it "…"): frames quoted words only */
    L_PASS    = 1u << 6,   /* passive frame: "was quoted as saying" */
    L_TRAIL   = 1u << 7,   /* frames only a preceding quote ("…," the sign read) */
    L_BELIEF  = 1u << 8,   /* belief and plan verbs: never a cue */
    L_HE      = 1u << 9,
    L_SHE     = 1u << 10,
    L_THEY    = 1u << 11,
    L_IT      = 1u << 12,
    L_SELF    = 1u << 13,  /* I, we, me, my … */
    L_YOU     = 1u << 14,
    L_SUBJ    = 1u << 15,  /* a pronoun in subject form */
    L_DET     = 1u << 16,
    L_PREP    = 1u << 17,
    L_SKIP    = 1u << 18,  /* adverbs and auxiliaries between a subject and its verb */
    L_BE      = 1u << 19,
    L_NEG     = 1u << 20,
    L_CONJ    = 1u << 21,
    L_THAT    = 1u << 22,
    L_REL     = 1u << 23,  /* who, which, when …: ends a noun phrase */
    L_ACCORD  = 1u << 24,  /* "according" (to) */
    L_MR      = 1u << 25,  /* male title */
    L_MRS     = 1u << 26,  /* female title */
    L_LISTEN  = 1u << 27,  /* usual listeners: reporters, journalists */
    L_POSS    = 1u << 28,  /* possessive determiner */
    L_TITLE   = 1u << 29,  /* other titles that may precede a name */
    L_TIME    = 1u << 30   /* day and time words: "on Friday", "this week" */
};

#define L_PRON (L_HE | L_SHE | L_THEY | L_IT | L_SELF | L_YOU)
/* Words that never belong to a noun phrase that names a speaker. */
#define L_NOT_NP (L_CUE | L_BELIEF | L_PREP | L_SKIP | L_BE | L_NEG | L_CONJ | L_THAT | L_REL | \
                  L_ACCORD | L_SUBJ)

typedef struct lex_entry {
    const char *w;
    uint32_t bits;
} lex_entry;

#define SAY (L_CUE | L_IND)
/* Speech verbs with their inflections, then the function words the frames
 * need. A word listed twice has its bits or-ed together. */
static const lex_entry lexicon[] = {
    {"say", SAY}, {"says", SAY}, {"said", SAY}, {"saying", SAY | L_ING},
    {"tell", SAY | L_OBJ}, {"tells", SAY | L_OBJ}, {"told", SAY | L_OBJ}, {"telling", SAY | L_OBJ | L_ING},
    {"add", SAY}, {"adds", SAY}, {"added", SAY}, {"adding", SAY | L_ING},
    {"write", SAY}, {"writes", SAY}, {"wrote", SAY}, {"writing", SAY | L_ING},
    {"tweet", L_CUE | L_AMB}, {"tweets", SAY | L_AMB}, {"tweeted", SAY}, {"tweeting", SAY | L_ING},
    {"ask", L_CUE | L_OBJ}, {"asks", L_CUE | L_OBJ}, {"asked", L_CUE | L_OBJ}, {"asking", L_CUE | L_OBJ | L_ING},
    {"claim", SAY | L_AMB}, {"claims", SAY | L_AMB}, {"claimed", SAY}, {"claiming", SAY | L_ING},
    {"deny", SAY}, {"denies", SAY}, {"denied", SAY}, {"denying", SAY | L_ING},
    {"reject", L_IND}, {"rejects", L_IND}, {"rejected", L_IND}, {"rejecting", L_IND | L_ING},
    {"insist", SAY}, {"insists", SAY}, {"insisted", SAY}, {"insisting", SAY | L_ING},
    {"warn", SAY | L_OBJ}, {"warns", SAY | L_OBJ}, {"warned", SAY | L_OBJ}, {"warning", SAY | L_OBJ | L_ING | L_AMB},
    {"explain", SAY}, {"explains", SAY}, {"explained", SAY}, {"explaining", SAY | L_ING},
    {"argue", SAY}, {"argues", SAY}, {"argued", SAY}, {"arguing", SAY | L_ING},
    {"note", SAY | L_AMB}, {"notes", SAY | L_AMB}, {"noted", SAY}, {"noting", SAY | L_ING},
    {"reply", L_CUE}, {"replies", L_CUE}, {"replied", L_CUE}, {"replying", L_CUE | L_ING},
    {"respond", L_CUE}, {"responds", L_CUE}, {"responded", L_CUE}, {"responding", L_CUE | L_ING},
    {"state", SAY | L_AMB}, {"states", SAY | L_AMB}, {"stated", SAY}, {"stating", SAY | L_ING},
    {"declare", SAY}, {"declares", SAY}, {"declared", SAY}, {"declaring", SAY | L_ING},
    {"announce", SAY}, {"announces", SAY}, {"announced", SAY}, {"announcing", SAY | L_ING},
    {"admit", SAY}, {"admits", SAY}, {"admitted", SAY}, {"admitting", SAY | L_ING},
    {"acknowledge", SAY}, {"acknowledges", SAY}, {"acknowledged", SAY}, {"acknowledging", SAY | L_ING},
    {"confirm", SAY}, {"confirms", SAY}, {"confirmed", SAY}, {"confirming", SAY | L_ING},
    {"continue", L_CUE}, {"continues", L_CUE}, {"continued", L_CUE},
    {"conclude", L_CUE}, {"concludes", L_CUE}, {"concluded", L_CUE},
    {"recall", SAY}, {"recalls", SAY}, {"recalled", SAY}, {"recalling", SAY | L_ING},
    {"remark", L_CUE}, {"remarks", L_CUE | L_AMB}, {"remarked", L_CUE},
    {"joke", L_CUE | L_AMB}, {"jokes", L_CUE | L_AMB}, {"joked", SAY}, {"joking", L_CUE | L_ING},
    {"quipped", L_CUE}, {"quips", L_CUE}, {"shouted", L_CUE}, {"shouts", L_CUE}, {"yelled", L_CUE},
    {"screamed", L_CUE}, {"chanted", L_CUE}, {"chanting", L_CUE | L_ING}, {"exclaimed", L_CUE},
    {"whispered", L_CUE}, {"cried", L_CUE},
    {"boast", SAY | L_AMB}, {"boasts", SAY}, {"boasted", SAY}, {"boasting", SAY | L_ING},
    {"complain", SAY}, {"complains", SAY}, {"complained", SAY}, {"complaining", SAY | L_ING},
    {"lamented", SAY}, {"predict", SAY}, {"predicts", SAY}, {"predicted", SAY}, {"predicting", SAY | L_ING},
    {"promise", SAY | L_AMB}, {"promises", SAY | L_AMB}, {"promised", SAY}, {"promising", SAY | L_ING},
    {"vow", SAY | L_AMB}, {"vows", SAY | L_AMB}, {"vowed", SAY}, {"vowing", SAY | L_ING},
    {"pledge", SAY | L_AMB}, {"pledges", SAY | L_AMB}, {"pledged", SAY}, {"pledging", SAY | L_ING},
    {"urge", L_CUE | L_OBJ}, {"urges", L_CUE | L_OBJ}, {"urged", L_CUE | L_OBJ}, {"urging", L_CUE | L_OBJ | L_ING},
    {"reiterate", SAY}, {"reiterates", SAY}, {"reiterated", SAY}, {"reiterating", SAY | L_ING},
    {"repeated", SAY}, {"repeats", SAY},
    {"stress", SAY | L_AMB}, {"stresses", SAY}, {"stressed", SAY}, {"stressing", SAY | L_ING},
    {"emphasized", SAY}, {"emphasised", SAY}, {"emphasizes", SAY}, {"emphasises", SAY},
    {"assert", SAY}, {"asserts", SAY}, {"asserted", SAY}, {"asserting", SAY | L_ING},
    {"allege", SAY}, {"alleges", SAY}, {"alleged", SAY}, {"alleging", SAY | L_ING},
    {"maintain", SAY}, {"maintains", SAY}, {"maintained", SAY},
    {"contend", SAY}, {"contends", SAY}, {"contended", SAY},
    {"concede", SAY}, {"concedes", SAY}, {"conceded", SAY}, {"conceding", SAY | L_ING},
    {"countered", L_CUE}, {"counters", L_CUE}, {"retorted", L_CUE}, {"answered", L_CUE},
    {"observed", SAY}, {"observes", SAY},
    {"report", SAY | L_AMB}, {"reports", SAY | L_AMB}, {"reported", SAY}, {"reporting", SAY | L_ING},
    {"read", L_CUE | L_TRAIL}, {"reads", L_CUE | L_TRAIL},
    {"quoted", L_CUE | L_PASS},
    {"testified", SAY}, {"testifies", SAY}, {"revealed", SAY}, {"reveals", SAY},
    {"disclosed", SAY}, {"mentioned", SAY}, {"suggested", SAY}, {"suggests", SAY},
    {"assured", SAY | L_OBJ}, {"assures", SAY | L_OBJ}, {"reminded", SAY | L_OBJ}, {"informed", SAY | L_OBJ},
    {"threatened", L_IND}, {"demanded", L_CUE},
    {"call", L_CUE | L_PART | L_AMB}, {"calls", L_CUE | L_PART | L_AMB}, {"called", L_CUE | L_PART},
    {"calling", L_CUE | L_PART | L_ING},
    {"describe", L_CUE | L_PART}, {"describes", L_CUE | L_PART}, {"described", L_CUE | L_PART},
    {"describing", L_CUE | L_PART | L_ING},
    {"dubbed", L_CUE | L_PART}, {"labeled", L_CUE | L_PART}, {"labelled", L_CUE | L_PART},
    {"branded", L_CUE | L_PART}, {"accused", L_CUE | L_PART}, {"accuses", L_CUE | L_PART},
    {"accusing", L_CUE | L_PART | L_ING}, {"blasted", L_CUE | L_PART}, {"slammed", L_CUE | L_PART},
    {"according", L_ACCORD},

    {"think", L_BELIEF}, {"thinks", L_BELIEF}, {"thought", L_BELIEF}, {"believe", L_BELIEF},
    {"believes", L_BELIEF}, {"believed", L_BELIEF}, {"expect", L_BELIEF}, {"expects", L_BELIEF},
    {"expected", L_BELIEF}, {"want", L_BELIEF}, {"wants", L_BELIEF}, {"wanted", L_BELIEF},
    {"plan", L_BELIEF}, {"plans", L_BELIEF}, {"planned", L_BELIEF}, {"seem", L_BELIEF},
    {"seems", L_BELIEF}, {"seemed", L_BELIEF}, {"show", L_BELIEF}, {"shows", L_BELIEF},
    {"showed", L_BELIEF}, {"hope", L_BELIEF}, {"hopes", L_BELIEF}, {"hoped", L_BELIEF},
    {"feel", L_BELIEF}, {"feels", L_BELIEF}, {"felt", L_BELIEF}, {"know", L_BELIEF},
    {"knows", L_BELIEF}, {"knew", L_BELIEF}, {"fear", L_BELIEF}, {"fears", L_BELIEF},
    {"feared", L_BELIEF}, {"doubt", L_BELIEF}, {"suspect", L_BELIEF}, {"wonder", L_BELIEF},
    {"wondered", L_BELIEF}, {"intend", L_BELIEF}, {"intends", L_BELIEF},

    {"he", L_HE | L_SUBJ}, {"he's", L_HE | L_SUBJ}, {"she's", L_SHE | L_SUBJ}, {"him", L_HE}, {"his", L_HE | L_POSS}, {"himself", L_HE},
    {"she", L_SHE | L_SUBJ}, {"her", L_SHE | L_POSS}, {"hers", L_SHE}, {"herself", L_SHE},
    {"they", L_THEY | L_SUBJ}, {"them", L_THEY}, {"their", L_THEY | L_POSS},
    {"it", L_IT | L_SUBJ}, {"its", L_IT | L_POSS},
    {"i", L_SELF | L_SUBJ}, {"me", L_SELF}, {"my", L_SELF | L_POSS}, {"we", L_SELF | L_SUBJ},
    {"us", L_SELF}, {"our", L_SELF | L_POSS}, {"you", L_YOU | L_SUBJ}, {"your", L_YOU | L_POSS},

    {"the", L_DET}, {"a", L_DET}, {"an", L_DET}, {"this", L_DET}, {"these", L_DET},
    {"those", L_DET}, {"another", L_DET}, {"some", L_DET}, {"one", L_DET}, {"two", L_DET},
    {"several", L_DET}, {"many", L_DET}, {"both", L_DET}, {"each", L_DET}, {"other", L_DET},

    {"of", L_PREP}, {"for", L_PREP}, {"to", L_PREP}, {"with", L_PREP}, {"from", L_PREP},
    {"by", L_PREP}, {"about", L_PREP}, {"against", L_PREP}, {"in", L_PREP}, {"on", L_PREP},
    {"at", L_PREP}, {"into", L_PREP}, {"over", L_PREP}, {"under", L_PREP}, {"after", L_PREP},
    {"before", L_PREP}, {"during", L_PREP}, {"since", L_PREP}, {"than", L_PREP}, {"as", L_PREP},
    {"via", L_PREP}, {"like", L_PREP}, {"among", L_PREP}, {"between", L_PREP},
    {"through", L_PREP}, {"toward", L_PREP}, {"towards", L_PREP}, {"without", L_PREP},
    {"within", L_PREP}, {"upon", L_PREP}, {"across", L_PREP}, {"amid", L_PREP},
    {"despite", L_PREP}, {"aboard", L_PREP},

    {"also", L_SKIP}, {"later", L_SKIP}, {"earlier", L_SKIP}, {"then", L_SKIP}, {"again", L_SKIP},
    {"previously", L_SKIP}, {"once", L_SKIP}, {"reportedly", L_SKIP}, {"repeatedly", L_SKIP},
    {"recently", L_SKIP}, {"simply", L_SKIP}, {"flatly", L_SKIP}, {"publicly", L_SKIP},
    {"privately", L_SKIP}, {"has", L_SKIP}, {"have", L_SKIP}, {"had", L_SKIP}, {"would", L_SKIP},
    {"will", L_SKIP}, {"did", L_SKIP}, {"does", L_SKIP}, {"do", L_SKIP}, {"just", L_SKIP},
    {"further", L_SKIP}, {"quickly", L_SKIP}, {"angrily", L_SKIP}, {"often", L_SKIP},
    {"still", L_SKIP}, {"even", L_SKIP}, {"may", L_SKIP}, {"might", L_SKIP}, {"could", L_SKIP},
    {"should", L_SKIP}, {"can", L_SKIP}, {"only", L_SKIP}, {"first", L_SKIP}, {"finally", L_SKIP},
    {"ultimately", L_SKIP}, {"immediately", L_SKIP}, {"subsequently", L_SKIP},
    {"separately", L_SKIP}, {"bluntly", L_SKIP}, {"openly", L_SKIP}, {"frequently", L_SKIP},
    {"initially", L_SKIP}, {"jokingly", L_SKIP}, {"explicitly", L_SKIP}, {"directly", L_SKIP},
    {"categorically", L_SKIP}, {"firmly", L_SKIP}, {"falsely", L_SKIP}, {"correctly", L_SKIP},
    {"wrongly", L_SKIP}, {"proudly", L_SKIP}, {"now", L_SKIP}, {"already", L_SKIP},
    {"is", L_BE}, {"was", L_BE}, {"were", L_BE}, {"are", L_BE}, {"be", L_BE}, {"been", L_BE},
    {"being", L_BE}, {"am", L_BE},
    {"not", L_NEG}, {"never", L_NEG}, {"didn't", L_NEG}, {"doesn't", L_NEG}, {"don't", L_NEG},
    {"won't", L_NEG}, {"wouldn't", L_NEG}, {"hasn't", L_NEG}, {"haven't", L_NEG},
    {"hadn't", L_NEG}, {"cannot", L_NEG}, {"can't", L_NEG}, {"couldn't", L_NEG},
    {"and", L_CONJ}, {"but", L_CONJ}, {"or", L_CONJ}, {"nor", L_CONJ},
    {"that", L_THAT},
    {"who", L_REL}, {"whose", L_REL}, {"whom", L_REL}, {"which", L_REL}, {"where", L_REL},
    {"when", L_REL}, {"while", L_REL}, {"because", L_REL}, {"if", L_REL}, {"although", L_REL},
    {"though", L_REL}, {"whether", L_REL}, {"so", L_REL}, {"what", L_REL}, {"how", L_REL},
    {"mr", L_MR}, {"mr.", L_MR}, {"sir", L_MR}, {"mrs", L_MRS}, {"mrs.", L_MRS}, {"ms", L_MRS},
    {"ms.", L_MRS}, {"miss", L_MRS}, {"dame", L_MRS}, {"lady", L_MRS},
    {"dr", L_TITLE}, {"dr.", L_TITLE}, {"president", L_TITLE}, {"sen.", L_TITLE},
    {"senator", L_TITLE}, {"gov.", L_TITLE}, {"governor", L_TITLE}, {"rep.", L_TITLE},
    {"prof.", L_TITLE}, {"gen.", L_TITLE}, {"secretary", L_TITLE},
    {"today", L_TIME}, {"yesterday", L_TIME}, {"tonight", L_TIME}, {"week", L_TIME},
    {"month", L_TIME}, {"year", L_TIME}, {"morning", L_TIME}, {"afternoon", L_TIME},
    {"evening", L_TIME}, {"night", L_TIME}, {"weekend", L_TIME}, {"monday", L_TIME},
    {"tuesday", L_TIME}, {"wednesday", L_TIME}, {"thursday", L_TIME}, {"friday", L_TIME},
    {"saturday", L_TIME}, {"sunday", L_TIME}, {"last", L_TIME}, {"next", L_TIME},
    {"reporters", L_LISTEN}, {"journalists", L_LISTEN}, {"supporters", L_LISTEN},
    {"voters", L_LISTEN}, {"lawmakers", L_LISTEN}, {"students", L_LISTEN}, {"viewers", L_LISTEN},
    {"listeners", L_LISTEN}, {"donors", L_LISTEN}, {"guests", L_LISTEN}, {"congress", L_LISTEN},
};
#undef SAY

#define LEX_SLOTS 2048          /* power of two, well above twice the lexicon */
#define WORD_MAX 24             /* longer words are in no class */

/* ---- workspace ---------------------------------------------------------- */

enum region { R_OUT = 0, R_QUOTE, R_CONTENT, R_HEAD };

typedef struct tokinfo {
    uint32_t cls;            /* lexicon bits */
    int32_t  ent;            /* entity of the body mention covering the token, or -1 */
    uint32_t mbeg, mend;     /* that mention's tokens */
    uint32_t sent;           /* sentence index */
    uint8_t  region;         /* enum region */
    uint8_t  used;           /* a cue already used by a frame */
} tokinfo;

/* One quotation: the text between a pair of marks within one paragraph. */
typedef struct rawq {
    uint32_t open, close;    /* mark tokens; close == paragraph end when left open */
    uint32_t start, end;     /* bytes of the quoted words, trimmed */
    uint32_t para, nwords;
    int32_t  next, prev;     /* further parts of the same quote, or -1 */
    int32_t  owner;          /* statement that took it, or -1 */
    uint8_t  closed;
    uint8_t  title;          /* a name or title of a work ("CBS This Morning"), not speech */
} rawq;

enum np_kind { NP_NONE = 0, NP_MENTION, NP_PRON, NP_DESC };

/* A noun phrase naming or describing a speaker: tokens [beg, end), the
 * token that carries its meaning (mention token, pronoun, head noun). */
typedef struct np {
    uint32_t beg, end, head;
    uint8_t  kind;
    uint8_t  passive, neg;   /* a be-auxiliary or negation stood between it and the verb */
} np;

typedef struct stmt {
    uint8_t  kind;           /* ne_quote_kind */
    int32_t  rq;             /* first part (quotes), or -1 */
    uint32_t cbeg, cend;     /* content tokens of a reported clause */
    uint32_t start, end;     /* bytes */
    int32_t  cue, cue_end;   /* speech verb tokens, or -1 */
    np       subj;
    int      floating;       /* no frame: inherits the previous speaker */
    /* resolved speaker */
    int      has_speaker;
    long     ent;
    uint32_t sp_start, sp_end;   /* bytes of the speaker's words */
} stmt;

typedef struct role {
    uint64_t hash;           /* of the lower-cased role word */
    int32_t  ent;
} role;

struct ne_quotes_ws {
    struct { const char *w; uint32_t bits; } lex[LEX_SLOTS];
    tokinfo *ti;   size_t ti_cap;
    rawq    *rq;   size_t nrq, rq_cap;
    stmt    *st;   size_t nst, st_cap;
    role    *roles; size_t nroles, roles_cap;
    uint8_t *gender; size_t gender_cap;   /* per entity: enum ne_gender */
    uint8_t *head_para; size_t hp_cap;    /* per paragraph: headline-like */
    size_t  *about; size_t about_cap;
    /* the document being processed */
    const ne_doc *doc;
    const ne_text *t;
};

/* FNV-1a over the bytes; used for the lexicon and for role words. */
static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
    return h;
}

/* Lower-cases an ASCII word into buf, reading the typographic apostrophe
 * ’ as '. Returns the length, or 0 when it does not fit in WORD_MAX. */
static size_t fold_word(const char *s, size_t n, char *buf)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        if (o + 1 >= WORD_MAX) return 0;
        buf[o++] = (char)c;
    }
    buf[o] = '\0';
    return o;
}

static uint32_t lex_lookup(const ne_quotes_ws *ws, const char *s, size_t n)
{
    char buf[WORD_MAX];
    size_t len = fold_word(s, n, buf);
    if (!len) return 0;
    size_t h = (size_t)fnv1a(buf, len) & (LEX_SLOTS - 1);
    for (;;) {
        const char *w = ws->lex[h].w;
        if (!w) return 0;
        if (strcmp(w, buf) == 0) return ws->lex[h].bits;
        h = (h + 1) & (LEX_SLOTS - 1);
    }
}

ne_quotes_ws *ne_quotes_ws_new(void)
{
    ne_quotes_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return NULL;
    for (size_t i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
        const char *w = lexicon[i].w;
        size_t h = (size_t)fnv1a(w, strlen(w)) & (LEX_SLOTS - 1);
        while (ws->lex[h].w && strcmp(ws->lex[h].w, w) != 0) h = (h + 1) & (LEX_SLOTS - 1);
        ws->lex[h].w = w;
        ws->lex[h].bits |= lexicon[i].bits;
    }
    return ws;
}

void ne_quotes_ws_free(ne_quotes_ws *ws)
{
    if (!ws) return;
    free(ws->ti);
    free(ws->rq);
    free(ws->st);
    free(ws->roles);
    free(ws->gender);
    free(ws->head_para);
    free(ws->about);
    free(ws);
}

enum ne_cue_class ne_quotes_cue_class(const char *word, size_t len)
{
    /* A private lookup table would cost a workspace per call; the lexicon
     * is small enough to scan. */
    char buf[WORD_MAX];
    if (!fold_word(word, len, buf)) return NE_CUE_NONE;
    for (size_t i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
        if (strcmp(lexicon[i].w, buf) != 0) continue;
        if (lexicon[i].bits & L_BELIEF) return NE_CUE_BELIEF;
        if (lexicon[i].bits & (L_CUE | L_IND | L_ACCORD)) return NE_CUE_SPEECH;
    }
    return NE_CUE_NONE;
}

/* Grows *arr to hold at least n elements of `size` bytes. 0, or -1. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < n) ncap *= 2;
    void *p = realloc(*arr, ncap * size);
    if (!p) return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* ---- token predicates --------------------------------------------------- */

static const ne_token *tok(const ne_quotes_ws *ws, size_t i) { return &ws->t->toks[i]; }

static int tok_is(const ne_quotes_ws *ws, size_t i, const char *s)
{
    const ne_token *k = tok(ws, i);
    size_t n = strlen(s);
    return k->end - k->start == n && memcmp(ws->t->s + k->start, s, n) == 0;
}

static int is_word(const ne_quotes_ws *ws, size_t i)
{
    return tok(ws, i)->kind == NE_TOK_WORD;
}

static int is_dash(const ne_quotes_ws *ws, size_t i)
{
    return tok(ws, i)->kind == NE_TOK_PUNCT &&
           (tok_is(ws, i, "-") || tok_is(ws, i, "--") || tok_is(ws, i, "\xE2\x80\x93") ||
            tok_is(ws, i, "\xE2\x80\x94") || tok_is(ws, i, "\xE2\x80\x95"));
}

/* A sentence stop (. ! ? …) that is not inside a quotation. */
static int is_stop(const ne_quotes_ws *ws, size_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_PUNCT || ws->ti[i].region == R_QUOTE) return 0;
    char c = ws->t->s[k->start];
    return c == '.' || c == '!' || c == '?' || tok_is(ws, i, "\xE2\x80\xA6");
}

/* Any . ! ? … token, inside quotations too. */
static int is_stop_any(const ne_quotes_ws *ws, size_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_PUNCT) return 0;
    char c = ws->t->s[k->start];
    return c == '.' || c == '!' || c == '?' || tok_is(ws, i, "\xE2\x80\xA6");
}

static int is_double_mark(uint8_t m)
{
    return m == NE_QM_STRAIGHT_DOUBLE || m == NE_QM_LEFT_DOUBLE || m == NE_QM_RIGHT_DOUBLE ||
           m == NE_QM_LOW_DOUBLE || m == NE_QM_GUILLEMET_LEFT || m == NE_QM_GUILLEMET_RIGHT;
}

static uint32_t para_start(const ne_quotes_ws *ws, size_t i) { return ws->t->paras[tok(ws, i)->para].tok_start; }
static uint32_t para_end(const ne_quotes_ws *ws, size_t i) { return ws->t->paras[tok(ws, i)->para].tok_end; }

static const ne_entity *ent_of(const ne_quotes_ws *ws, int32_t e)
{
    return e >= 0 && (size_t)e < ws->doc->nentities ? &ws->doc->entities[e] : NULL;
}

static int is_person(const ne_quotes_ws *ws, int32_t e)
{
    const ne_entity *en = ent_of(ws, e);
    return en && en->type == NE_ENT_PER;
}

/* First token of the clause that holds token i: after the previous stop,
 * semicolon or (with at_quote) closing quotation, within the paragraph and
 * at most 60 tokens back. */
static uint32_t left_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote)
{
    uint32_t lo = para_start(ws, i), j = i;
    while (j > lo && i - j < 60) {
        uint32_t p = j - 1;
        if (is_stop(ws, p) || (ws->ti[p].region != R_QUOTE && tok_is(ws, p, ";"))) break;
        if (at_quote && ws->ti[p].region == R_QUOTE) break;
        if (tok(ws, p)->kind == NE_TOK_QUOTE && (tok(ws, p)->flags & NE_TF_CLOSE) && p > lo && is_stop_any(ws, p - 1))
            break;   /* `… control." The agency said` */
        j = p;
    }
    return j;
}

/* One past the last token of the clause that starts at i: the next stop
 * or semicolon outside quotations (quotations are crossed; a stop inside a
 * quotation that ends the sentence — `"… lacking."` — ends it too), or
 * with at_quote the next quotation; within the paragraph, 80 tokens. */
static uint32_t right_bound(const ne_quotes_ws *ws, uint32_t i, int at_quote)
{
    uint32_t hi = para_end(ws, i), j = i;
    while (j < hi && j - i < 80) {
        if (is_stop(ws, j) || (ws->ti[j].region != R_QUOTE && tok_is(ws, j, ";"))) break;
        if (ws->ti[j].region == R_QUOTE) {
            if (at_quote) break;
            /* a closing mark right after a stop, followed by a capital or
             * the paragraph end, ends the sentence */
            const ne_token *k = tok(ws, j);
            if (k->kind == NE_TOK_QUOTE && (k->flags & NE_TF_CLOSE) && j > i && is_stop_any(ws, j - 1) &&
                (j + 1 >= hi || (tok(ws, j + 1)->flags & NE_TF_CAP)))
                return j + 1;
        }
        j++;
    }
    return j;
}

/* ---- per-document preparation ------------------------------------------ */

/* Lexicon class, sentence and mention of every token. */
static int prepare_tokens(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    if (grow((void **)&ws->ti, &ws->ti_cap, t->ntoks + 1, sizeof *ws->ti)) return -1;
    size_t s = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        const ne_token *k = &t->toks[i];
        tokinfo *ti = &ws->ti[i];
        while (s + 1 < t->nsents && t->sents[s].tok_end <= i) s++;
        ti->sent = (uint32_t)s;
        ti->ent = -1;
        ti->mbeg = ti->mend = (uint32_t)i;
        ti->region = R_OUT;
        ti->used = 0;
        /* "US", "IT" in capitals are names, not pronouns */
        ti->cls = k->kind == NE_TOK_WORD && !(k->flags & NE_TF_ALLCAPS)
                      ? lex_lookup(ws, t->s + k->start, k->end - k->start) : 0;
    }
    /* mentions: the entity stage's byte spans mapped onto tokens */
    const ne_doc *doc = ws->doc;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            if (mn->field != NE_FIELD_BODY) continue;
            size_t lo = 0, hi = t->ntoks;
            while (lo < hi) {   /* first token ending after the mention's start */
                size_t mid = (lo + hi) / 2;
                if (t->toks[mid].end <= mn->start) lo = mid + 1; else hi = mid;
            }
            size_t b = lo, x = lo;
            while (x < t->ntoks && t->toks[x].start < mn->end) x++;
            if (x == b) continue;
            for (size_t i = b; i < x; i++) {
                if (ws->ti[i].ent >= 0) continue;   /* the first mention wins */
                ws->ti[i].ent = (int32_t)e;
                ws->ti[i].mbeg = (uint32_t)b;
                ws->ti[i].mend = (uint32_t)x;
            }
        }
    }
    return 0;
}

/* Per entity: its gender hint, or one read off a title before a mention
 * ("Mr Trump", "Ms Clinton") when the entity stage gave none. */
static int prepare_genders(ne_quotes_ws *ws)
{
    const ne_doc *doc = ws->doc;
    if (grow((void **)&ws->gender, &ws->gender_cap, doc->nentities + 1, 1)) return -1;
    for (size_t e = 0; e < doc->nentities; e++) ws->gender[e] = (uint8_t)doc->entities[e].gender;
    for (size_t i = 0; i < ws->t->ntoks; i++) {
        int32_t e = ws->ti[i].ent;
        if (e < 0 || ws->ti[i].mbeg != i || ws->gender[e] != NE_GENDER_UNKNOWN) continue;
        for (size_t j = i; j <= i + 1 && j < ws->ti[i].mend; j++) {   /* title inside the mention */
            if (ws->ti[j].cls & L_MR) ws->gender[e] = NE_GENDER_MALE;
            if (ws->ti[j].cls & L_MRS) ws->gender[e] = NE_GENDER_FEMALE;
        }
        if (i > 0 && (ws->ti[i - 1].cls & L_MR)) ws->gender[e] = NE_GENDER_MALE;
        if (i > 0 && (ws->ti[i - 1].cls & L_MRS)) ws->gender[e] = NE_GENDER_FEMALE;
    }
    return 0;
}

/* A paragraph that reads like a headline or caption: short, with no final
 * stop (or colon), or the title repeated as the first paragraph. Quotes in
 * it are not quotes and its words name no speakers. */
static int prepare_headlines(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    if (grow((void **)&ws->head_para, &ws->hp_cap, t->nparas + 1, 1)) return -1;
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        int head = 0;
        if (pa->tok_end > pa->tok_start) {
            size_t last = pa->tok_end - 1, words = 0;
            while (last > pa->tok_start && t->toks[last].kind == NE_TOK_QUOTE &&
                   (t->toks[last].flags & NE_TF_CLOSE))
                last--;
            for (size_t i = pa->tok_start; i < pa->tok_end; i++) words += t->toks[i].kind == NE_TOK_WORD;
            char c = t->s[t->toks[last].start];
            int final = t->toks[last].kind == NE_TOK_PUNCT &&
                        (c == '.' || c == '!' || c == '?' || c == ':' || tok_is(ws, last, "\xE2\x80\xA6"));
            /* a paragraph that continues an open quotation is not a headline */
            int opens_quote = t->toks[pa->tok_start].kind == NE_TOK_QUOTE;
            if (!final && words <= 20 && !opens_quote) head = 1;
            const ne_doc *doc = ws->doc;
            if (p == 0 && doc->title && doc->title_len > 8 && pa->end - pa->start >= doc->title_len &&
                memcmp(t->s + pa->start, doc->title, doc->title_len) == 0)
                head = 1;
        }
        ws->head_para[p] = (uint8_t)head;
        if (head)
            for (size_t i = pa->tok_start; i < pa->tok_end; i++) ws->ti[i].region = R_HEAD;
    }
    return 0;
}

/* ---- step 1: quotation spans -------------------------------------------- */

/* True when the words [b, e) read as a name or the title of a work: two
 * or more words, every one capitalised but short function words, and no
 * sentence stop; or exactly one entity mention. */
static int is_title(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    uint32_t words = 0, caps = 0;
    for (uint32_t i = b; i < e; i++) {
        const ne_token *k = tok(ws, i);
        if (k->kind == NE_TOK_PUNCT && is_stop_any(ws, i)) return 0;
        if (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM) continue;
        words++;
        if ((k->flags & NE_TF_CAP) || k->kind == NE_TOK_NUM) caps++;
        else if (k->end - k->start > 4 || (ws->ti[i].cls & (L_PRON | L_BE | L_CUE | L_SKIP))) return 0;
    }
    if (words >= 2 && caps >= 2 && words <= 10) return 1;
    const tokinfo *ti = &ws->ti[b];
    return words >= 1 && ti->ent >= 0 && ti->mbeg == b && ti->mend >= e;
}

/* Records the quotation from mark `open` to `close` (a closing mark, or
 * the paragraph end when it stays open). Trims a comma the quote ends on. */
static int add_quote(ne_quotes_ws *ws, uint32_t open, uint32_t close, int closed)
{
    const ne_text *t = ws->t;
    uint32_t b = open + 1, e = close;
    while (e > b && t->toks[e - 1].kind == NE_TOK_PUNCT && tok_is(ws, e - 1, ",")) e--;
    if (e <= b) return 0;
    if (grow((void **)&ws->rq, &ws->rq_cap, ws->nrq + 1, sizeof *ws->rq)) return -1;
    rawq *q = &ws->rq[ws->nrq++];
    q->open = open;
    q->close = close;
    q->start = t->toks[b].start;
    q->end = t->toks[e - 1].end;
    q->para = t->toks[open].para;
    q->nwords = 0;
    for (uint32_t i = b; i < e; i++) q->nwords += t->toks[i].kind == NE_TOK_WORD || t->toks[i].kind == NE_TOK_NUM;
    q->next = q->prev = -1;
    q->owner = -1;
    q->closed = (uint8_t)closed;
    q->title = (uint8_t)is_title(ws, b, e);
    uint32_t last = closed ? close : close - 1;
    for (uint32_t i = open; i <= last; i++) ws->ti[i].region = R_QUOTE;
    return 0;
}

/* Finds the quotations of the body. Double marks pair with double marks;
 * a single mark opens a quotation only outside a double one. A quotation
 * still open at a paragraph's end continues into the next paragraph if
 * that one starts with an opening mark; otherwise it ends there. */
static int find_quotes(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ws->nrq = 0;
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        if (ws->head_para[p]) continue;
        int64_t open = -1;
        int dbl = 0;
        for (uint32_t i = pa->tok_start; i < pa->tok_end; i++) {
            const ne_token *k = &t->toks[i];
            if (k->kind != NE_TOK_QUOTE) continue;
            int d = is_double_mark(k->mark);
            if (open < 0) {
                if (k->flags & NE_TF_OPEN) { open = i; dbl = d; }
                continue;
            }
            if (d != dbl) continue;   /* a nested quotation of the other kind */
            if (k->flags & NE_TF_CLOSE) {
                if (add_quote(ws, (uint32_t)open, i, 1)) return -1;
                open = -1;
            } else if (k->mark == NE_QM_LEFT_DOUBLE || k->mark == NE_QM_LOW_DOUBLE ||
                       k->mark == NE_QM_GUILLEMET_LEFT || k->mark == NE_QM_LEFT_SINGLE) {
                /* a new opening glyph while one is open: the first was never closed */
                if (add_quote(ws, (uint32_t)open, i, 0)) return -1;
                open = i;
            } else {
                /* a straight mark the tokenizer read as opening: pairs close */
                if (add_quote(ws, (uint32_t)open, i, 1)) return -1;
                open = -1;
            }
        }
        if (open >= 0) {
            size_t before = ws->nrq;
            if (add_quote(ws, (uint32_t)open, pa->tok_end, 0)) return -1;
            /* continuation: the next paragraph opens with a mark of the same kind */
            if (ws->nrq > before && p + 1 < t->nparas && !ws->head_para[p + 1]) {
                const ne_para *nx = &t->paras[p + 1];
                const ne_token *f = nx->tok_end > nx->tok_start ? &t->toks[nx->tok_start] : NULL;
                if (f && f->kind == NE_TOK_QUOTE && (f->flags & NE_TF_OPEN) && is_double_mark(f->mark) == dbl)
                    ws->rq[ws->nrq - 1].next = -2;   /* linked once the next part exists */
            }
        }
    }
    /* link the continuations: the part after a -2 is the next quotation */
    for (size_t r = 0; r + 1 < ws->nrq; r++) {
        if (ws->rq[r].next != -2) continue;
        rawq *nx = &ws->rq[r + 1];
        if (nx->para == ws->rq[r].para + 1 && nx->open == t->paras[nx->para].tok_start) {
            ws->rq[r].next = (int32_t)(r + 1);
            nx->prev = (int32_t)r;
        } else {
            ws->rq[r].next = -1;
        }
    }
    if (ws->nrq && ws->rq[ws->nrq - 1].next == -2) ws->rq[ws->nrq - 1].next = -1;
    return 0;
}

static int32_t chain_tail(const ne_quotes_ws *ws, int32_t r)
{
    while (ws->rq[r].next >= 0) r = ws->rq[r].next;
    return r;
}

/* Index of the quotation whose opening mark is token i, or -1. */
static int32_t quote_opening_at(const ne_quotes_ws *ws, uint32_t i)
{
    size_t lo = 0, hi = ws->nrq;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ws->rq[mid].open < i) lo = mid + 1; else hi = mid;
    }
    return lo < ws->nrq && ws->rq[lo].open == i ? (int32_t)lo : -1;
}

/* ---- noun phrases ------------------------------------------------------- */

/* True for a word ending in a possessive 's (Trump’s, Manafort's). */
static int is_possessive(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_token *k = tok(ws, i);
    const char *s = ws->t->s + k->start;
    size_t n = k->end - k->start;
    return (n > 2 && s[n - 1] == 's' && s[n - 2] == '\'') ||
           (n > 4 && s[n - 1] == 's' && memcmp(s + n - 4, "\xE2\x80\x99", 3) == 0);
}

/* True for a word that may be part of a describing noun phrase. */
static int np_word(const ne_quotes_ws *ws, uint32_t i)
{
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM) return 0;
    if (ws->ti[i].region == R_QUOTE) return 0;
    return !(ws->ti[i].cls & (L_NOT_NP | L_DET | L_POSS | L_PRON));
}

/* Steps *k back from a ")" over its parenthetical ("(D-Wis.)") to the
 * token before the "(". 0 when no "(" is found within 8 tokens. */
static int skip_paren(const ne_quotes_ws *ws, int64_t lo, int64_t *k)
{
    int64_t m = *k - 1;
    while (m >= lo && *k - m < 8 && !tok_is(ws, (size_t)m, "(")) m--;
    if (m < lo || !tok_is(ws, (size_t)m, "(")) return 0;
    *k = m - 1;
    return 1;
}

/* The noun phrase that ends just before token c (the subject of the verb
 * at c), not reaching before lo. Adverbs and auxiliaries between them are
 * skipped (and noted: a be-auxiliary makes the verb passive); an
 * apposition or participle phrase between commas is stepped over
 * ("Mr Trump, speaking in Beijing, said"). */
static np np_before(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    if (c <= lo) return n;
    int64_t k = (int64_t)c - 1;
    for (;;) {
        while (k >= lo && (ws->ti[k].cls & (L_SKIP | L_BE | L_NEG)) && !(ws->ti[k].cls & L_SUBJ)) {
            if ((ws->ti[k].cls & L_BE) && !(ws->ti[c].cls & L_ING)) n.passive = 1;   /* "is telling" is active */
            if (ws->ti[k].cls & L_NEG) n.neg = 1;
            k--;
        }
        /* a time phrase: "on Saturday", "earlier this week" */
        if (k >= lo && (ws->ti[k].cls & L_TIME) && ws->ti[k].ent < 0) {
            k--;
            while (k >= lo && (ws->ti[k].cls & (L_TIME | L_DET | L_PREP)) && !tok_is(ws, (size_t)k, ",")) k--;
            continue;
        }
        break;
    }
    if (k < lo) return n;
    /* "Mike Lee, who declared": the relative pronoun stands for the name */
    if ((tok_is(ws, (size_t)k, "who") || tok_is(ws, (size_t)k, "which")) && k - 1 >= lo &&
        tok_is(ws, (size_t)k - 1, ","))
        k -= 2;
    if (k < lo) return n;
    /* "Kasich (R-OH), said": the comma only closes the parenthetical */
    if (tok_is(ws, (size_t)k, ",") && k - 1 >= lo && tok_is(ws, (size_t)k - 1, ")")) k--;
    if (tok_is(ws, (size_t)k, ")") && (!skip_paren(ws, lo, &k) || k < lo)) return n;
    if (tok_is(ws, (size_t)k, ",")) {
        int64_t m = k - 1;
        while (m >= lo && k - m < 18 && !tok_is(ws, (size_t)m, ",")) {
            if (ws->ti[m].region == R_QUOTE || is_stop(ws, (size_t)m)) return n;
            m--;
        }
        if (m < lo || !tok_is(ws, (size_t)m, ",")) return n;
        k = m - 1;
        if (k >= lo && tok_is(ws, (size_t)k, ")")) skip_paren(ws, lo, &k);
        if (k < lo) return n;
    }
    const tokinfo *ti = &ws->ti[k];
    if (ti->region == R_QUOTE || is_possessive(ws, (uint32_t)k)) return n;
    if (ti->ent >= 0) {
        n.kind = NP_MENTION;
        n.head = ti->mbeg;
        n.beg = ti->mbeg < lo ? lo : ti->mbeg;
        n.end = ti->mend;
        while (n.beg > lo && n.head - n.beg < 6 && is_word(ws, n.beg - 1) && np_word(ws, n.beg - 1) &&
               !is_person(ws, ws->ti[n.beg - 1].ent))
            n.beg--;
        if (n.beg > lo && (ws->ti[n.beg - 1].cls & (L_DET | L_POSS))) n.beg--;
        return n;
    }
    if ((ti->cls & L_SUBJ) && (ti->cls & L_PRON)) {
        n.kind = NP_PRON;
        n.beg = n.head = (uint32_t)k;
        n.end = (uint32_t)k + 1;
        return n;
    }
    if (!np_word(ws, (uint32_t)k) || tok(ws, (size_t)k)->kind == NE_TOK_NUM) return n;
    int64_t m = k;
    while (m - 1 >= lo && k - m < 6) {
        int64_t p = m - 1;
        const tokinfo *pi = &ws->ti[p];
        if (pi->region == R_QUOTE) break;
        if (pi->cls & (L_DET | L_POSS)) { m = p; break; }
        if (pi->ent >= 0) { m = pi->mbeg < lo ? lo : pi->mbeg; continue; }
        /* "a joint Kremlin and White House statement": names joined by "and" */
        if (tok_is(ws, (size_t)p, "and") && p - 1 >= lo && (tok(ws, (size_t)m)->flags & NE_TF_CAP) &&
            (tok(ws, (size_t)p - 1)->flags & NE_TF_CAP) && np_word(ws, (uint32_t)p - 1)) {
            m = p;
            continue;
        }
        if (!np_word(ws, (uint32_t)p)) break;
        m = p;
    }
    n.head = (uint32_t)k;
    /* "a spokesman for the campaign": the phrase before for/of is the head */
    if (m - 2 >= lo && (tok_is(ws, (size_t)m - 1, "for") || tok_is(ws, (size_t)m - 1, "of"))) {
        int64_t q = m - 2, r = q;
        while (r >= lo && q - r < 4 && np_word(ws, (uint32_t)r)) r--;
        if (r >= lo && (ws->ti[r].cls & (L_DET | L_POSS))) r--;
        if (r < q) { m = r + 1; n.head = (uint32_t)q; }
    }
    if (m > lo && (ws->ti[m - 1].cls & L_PREP)) return n;   /* object of a preposition */
    n.kind = NP_DESC;
    n.beg = (uint32_t)m;
    n.end = (uint32_t)k + 1;
    return n;
}

/* The noun phrase that starts at token i (the subject after an inverted
 * verb: `said the spokesman`), ending before hi. */
static np np_after(const ne_quotes_ws *ws, uint32_t i, uint32_t hi)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    if (i >= hi || ws->ti[i].region == R_QUOTE) return n;
    uint32_t j = i;
    if ((ws->ti[j].cls & (L_MR | L_MRS | L_TITLE)) && ws->ti[j].ent < 0 && j + 1 < hi && ws->ti[j + 1].ent >= 0) j++;
    const tokinfo *ti = &ws->ti[j];
    if (ti->ent >= 0 && ti->mbeg == j) {
        n.kind = NP_MENTION;
        n.beg = i;
        n.head = j;
        n.end = ti->mend < hi ? ti->mend : hi;
        return n;
    }
    if ((ti->cls & L_SUBJ) && (ti->cls & (L_HE | L_SHE | L_THEY | L_IT))) {
        n.kind = NP_PRON;
        n.beg = n.head = j;
        n.end = j + 1;
        return n;
    }
    uint32_t k = j;
    if (ws->ti[k].cls & (L_DET | L_POSS)) k++;
    uint32_t w0 = k;
    while (k < hi && k - w0 < 7 && np_word(ws, k)) k++;
    if (k == w0) return n;
    uint32_t head = k - 1;
    /* "a spokesman for the Foreign Ministry" */
    if (k + 1 < hi && (tok_is(ws, k, "for") || tok_is(ws, k, "of") || tok_is(ws, k, "at"))) {
        uint32_t m = k + 1;
        if (m < hi && (ws->ti[m].cls & (L_DET | L_POSS))) m++;
        uint32_t m0 = m;
        while (m < hi && m - m0 < 6 && np_word(ws, m)) m++;
        if (m > m0) k = m;
    }
    const tokinfo *last = &ws->ti[k - 1];
    if (last->ent >= 0 && is_person(ws, last->ent) && last->mbeg >= w0) {
        /* head-final name: "Kremlin spokesman Dmitry Peskov" */
        n.kind = NP_MENTION;
        n.beg = i;
        n.head = last->mbeg;
        n.end = k;
        return n;
    }
    n.kind = NP_DESC;
    n.beg = i;
    n.end = k;
    n.head = head;
    return n;
}

/* The subject of a clause: its first mention or subject pronoun outside
 * quotations in [lo, c). Used for participles and coordinated verbs
 * ("Trump attacked her, saying …", "He called it … and added …"). */
static np clause_subject(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    np n = {0, 0, 0, NP_NONE, 0, 0};
    for (uint32_t i = lo; i < c; i++) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->region == R_QUOTE) continue;
        if (ti->ent >= 0 && ti->mbeg == i) {
            const ne_entity *e = ent_of(ws, ti->ent);
            if (e && (e->type == NE_ENT_PER || e->type == NE_ENT_ORG)) {
                n.kind = NP_MENTION;
                n.beg = n.head = i;
                n.end = ti->mend;
                return n;
            }
        }
        if ((ti->cls & L_SUBJ) && (ti->cls & (L_HE | L_SHE | L_THEY | L_IT))) {
            n.kind = NP_PRON;
            n.beg = n.head = i;
            n.end = i + 1;
            return n;
        }
    }
    return n;
}

/* The subject of the verb at c: the phrase before it, or for a participle
 * or a verb coordinated with "and", the clause's subject. */
static np subject_of(const ne_quotes_ws *ws, uint32_t lo, uint32_t c)
{
    uint32_t ss = left_bound(ws, c, 0);
    int after_comma = c > lo && (tok_is(ws, c - 1, ",") ||
                                 (c > lo + 1 && tok(ws, c - 1)->kind == NE_TOK_QUOTE && tok_is(ws, c - 2, ",")));
    int participle = (ws->ti[c].cls & L_ING) &&
                     (c == lo || after_comma || (ws->ti[c - 1].cls & (L_CONJ | L_PREP)));
    if (participle || (c > lo && (ws->ti[c - 1].cls & L_CONJ))) return clause_subject(ws, ss, c);
    np n = np_before(ws, lo, c);
    if (n.kind == NP_NONE && c > lo && (ws->ti[c - 1].cls & L_SKIP)) {
        uint32_t k = c - 1;
        while (k > lo && (ws->ti[k].cls & L_SKIP)) k--;
        if (ws->ti[k].cls & L_CONJ) return clause_subject(ws, ss, c);
    }
    return n;
}

/* ---- step 2: frames around quotations ----------------------------------- */

static int starts_sentence(const ne_quotes_ws *ws, uint32_t open);
static void mark_content(ne_quotes_ws *ws, uint32_t b, uint32_t e);

typedef struct frame {
    int32_t  cue, cue_end;   /* the speech verb's tokens, or -1 (colon or dash tag) */
    np       subj;
    uint32_t end;            /* first token after the frame */
} frame;

static int cue_ok(const ne_quotes_ws *ws, uint32_t i)
{
    uint32_t c = ws->ti[i].cls;
    return (c & L_CUE) && !(c & L_BELIEF) && ws->ti[i].region != R_QUOTE && ws->ti[i].ent < 0;
}

/* True when the tokens [i, hi) after a speech verb finish a frame rather
 * than report a clause: nothing, a prepositional or time phrase, a
 * participle (", adding"), at most a few words without "that". */
static int is_short_tail(const ne_quotes_ws *ws, uint32_t i, uint32_t hi)
{
    if (i >= hi || tok_is(ws, i, ",")) return 1;
    if (ws->ti[i].cls & L_THAT) return 0;
    if (ws->ti[i].cls & (L_PREP | L_TIME | L_SKIP | L_LISTEN)) return 1;
    return hi - i <= 3;
}

/* A frame right after the quotation closed by token `close`:
 * `"…," X said`, `"…," said X`, `"…," X, the Russian leader, told …`,
 * `"…," according to X`, `"…" — X`. */
static int frame_after(const ne_quotes_ws *ws, uint32_t close, frame *fr)
{
    uint32_t pe = para_end(ws, close);
    uint32_t i = close + 1;
    int dash = 0;
    if (i == pe && i < ws->t->ntoks && is_dash(ws, i) && ws->ti[i].region != R_HEAD) pe = para_end(ws, i);
    for (int n = 0; n < 2 && i < pe && (tok_is(ws, i, ",") || is_dash(ws, i)); n++, i++)
        dash |= is_dash(ws, i);
    if (i >= pe || is_stop(ws, i) || ws->ti[i].region == R_QUOTE) return 0;
    uint32_t hi = right_bound(ws, i, 1);
    fr->end = hi;
    if ((ws->ti[i].cls & L_ACCORD) && i + 1 < hi && tok_is(ws, i + 1, "to")) {
        fr->subj = np_after(ws, i + 2, hi);
        fr->cue = (int32_t)i;
        fr->cue_end = (int32_t)i + 2;
        return fr->subj.kind != NP_NONE;
    }
    if (cue_ok(ws, i) && !(ws->ti[i].cls & (L_ING | L_PART | L_PASS))) {
        /* inverted: "said the President" */
        fr->subj = np_after(ws, i + 1, hi);
        fr->cue = (int32_t)i;
        fr->cue_end = (int32_t)i + 1;
        if (fr->subj.kind != NP_NONE && fr->subj.kind != NP_PRON) return 1;
        if (fr->subj.kind == NP_PRON) return 1;   /* "said he" */
        return 0;
    }
    uint32_t j = i;
    while (j < hi && j - i < 16 && !cue_ok(ws, j)) {
        if (ws->ti[j].cls & L_BELIEF) return 0;
        j++;
    }
    if (j >= hi || j - i >= 16) {
        if (dash) {   /* dash tag: "…" — Donald Trump */
            np n = np_after(ws, i, hi);
            if (n.kind == NP_MENTION && (n.end == hi || tok_is(ws, n.end, ","))) {
                fr->subj = n;
                fr->cue = fr->cue_end = -1;
                return 1;
            }
        }
        return 0;
    }
    if (ws->ti[j].cls & (L_ING | L_PART)) return 0;
    np n = np_before(ws, i, j);
    if (n.kind == NP_NONE || n.neg) return 0;
    if (n.passive && !(ws->ti[j].cls & L_PASS)) return 0;
    if (close > 0 && tok_is(ws, close - 1, ".") && !is_short_tail(ws, j + 1, hi))
        return 0;   /* `"… recklessness." Park said Kim is …` starts a new sentence */
    /* words before the subject must be a fronted phrase ending in a comma */
    if (n.beg > i && !tok_is(ws, n.beg - 1, ",") && !tok_is(ws, n.beg - 1, "(")) return 0;
    fr->subj = n;
    fr->cue = (int32_t)j;
    fr->cue_end = (int32_t)j + 1;
    return 1;
}

/* A frame right before the quotation opened by token `open`:
 * `X said: "…"`, `X said "…"`, `X told reporters in Vietnam: "…"`,
 * `X said that "…"`, `according to X, "…"`, and colon tags `Trump: "…"`. */
static int frame_before(const ne_quotes_ws *ws, uint32_t open, frame *fr)
{
    uint32_t lo;
    if (open != para_start(ws, open)) {
        lo = left_bound(ws, open, 1);
    } else if (open > 0 && tok_is(ws, open - 1, ":") && ws->ti[open - 1].region == R_OUT) {
        lo = left_bound(ws, open - 1, 1);   /* "He said:" ends the paragraph before */
    } else {
        return 0;
    }
    if (open <= lo) return 0;
    int64_t k = (int64_t)open - 1;
    enum { P_NONE, P_COLON, P_COMMA, P_THAT, P_DASH } punct = P_NONE;
    if (tok_is(ws, (size_t)k, ":")) punct = P_COLON;
    else if (tok_is(ws, (size_t)k, ",")) punct = P_COMMA;
    else if (ws->ti[k].cls & L_THAT) punct = P_THAT;
    else if (is_dash(ws, (size_t)k)) punct = P_DASH;
    if (punct != P_NONE) k--;
    if (k < lo) return 0;
    fr->end = open;
    if ((punct == P_COLON || punct == P_DASH) && ws->ti[k].ent >= 0) {
        uint32_t mb = ws->ti[k].mbeg;
        while (mb > lo && (ws->ti[mb - 1].cls & (L_MR | L_MRS | L_TITLE))) mb--;
        if (mb <= lo && ws->ti[k].mend == (uint32_t)k + 1) {   /* "Trump: “…”" */
            fr->subj = np_after(ws, lo, (uint32_t)k + 1);
            fr->cue = fr->cue_end = -1;
            return fr->subj.kind == NP_MENTION;
        }
    }
    int64_t maxgap = punct == P_COLON ? 12 : punct == P_COMMA ? 8 : punct == P_THAT ? 6 : 4;
    int64_t j = k;
    for (; j >= lo && k - j <= maxgap; j--) {
        if (ws->ti[j].region == R_QUOTE) return 0;
        if ((ws->ti[j].cls & L_ACCORD) && (uint32_t)j + 1 < open && tok_is(ws, (size_t)j + 1, "to") &&
            punct == P_COMMA) {
            fr->subj = np_after(ws, (uint32_t)j + 2, (uint32_t)k + 1);
            fr->cue = (int32_t)j;
            fr->cue_end = (int32_t)j + 2;
            return fr->subj.kind != NP_NONE;
        }
        if (cue_ok(ws, (uint32_t)j)) break;
    }
    if (j < lo || k - j > maxgap) return 0;
    uint32_t c = (uint32_t)j;
    uint32_t cls = ws->ti[c].cls;
    if (cls & L_TRAIL) return 0;
    int64_t gap = k - j;
    if (punct == P_NONE && gap > 0) {
        /* `told reporters "…"`, `said in a statement "…"`; other words
         * between the verb and the quote make it part of a clause (step 3) */
        int listener = (cls & L_OBJ) && gap <= 2;
        int pp = (ws->ti[c + 1].cls & L_PREP) && gap <= 4;
        for (uint32_t g = c + 1; g <= (uint32_t)k; g++)
            if (ws->ti[g].cls & (L_THAT | L_SUBJ | L_CUE)) pp = 0;
        if (!listener && !pp) return 0;
    }
    if ((cls & L_PART) && punct != P_COLON) return 0;
    np n = subject_of(ws, lo, c);
    if (n.kind == NP_NONE || n.neg) return 0;
    if (n.passive && !(cls & L_PASS)) return 0;
    fr->subj = n;
    fr->cue = (int32_t)c;
    fr->cue_end = (int32_t)c + 1;
    return 1;
}

/* Appends a statement; returns its index or -1 on out-of-memory. */
static int32_t add_stmt(ne_quotes_ws *ws, uint8_t kind)
{
    if (grow((void **)&ws->st, &ws->st_cap, ws->nst + 1, sizeof *ws->st)) return -1;
    stmt *s = &ws->st[ws->nst];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->rq = -1;
    s->cue = s->cue_end = -1;
    s->ent = -1;
    return (int32_t)ws->nst++;
}

/* Gives a quotation chain to statement si with the frame fr. */
static void own_chain(ne_quotes_ws *ws, int32_t head, int32_t si, const frame *fr)
{
    stmt *s = &ws->st[si];
    s->rq = head;
    s->cue = fr->cue;
    s->cue_end = fr->cue_end;
    s->subj = fr->subj;
    for (int32_t r = head; r >= 0; r = ws->rq[r].next) ws->rq[r].owner = si;
    if (fr->cue >= 0) ws->ti[fr->cue].used = 1;
}

/* Step 2 for every quotation not yet taken: a frame after it, else one
 * before it. A frame followed by another quotation of the same paragraph
 * that has no frame of its own joins that quotation as the next part. */
static int attach_frames(ne_quotes_ws *ws)
{
    for (size_t r = 0; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->prev >= 0 || q->owner >= 0 || (q->title && q->next < 0)) continue;
        int32_t tail = chain_tail(ws, (int32_t)r);
        frame fr;
        int found = 0;
        if (ws->rq[tail].closed && frame_after(ws, ws->rq[tail].close, &fr)) found = 1;
        else if (frame_before(ws, q->open, &fr)) found = 2;
        if (!found) continue;
        int32_t si = add_stmt(ws, NE_QUOTE_DIRECT);
        if (si < 0) return -1;
        own_chain(ws, (int32_t)r, si, &fr);
        if (found != 1) continue;
        if (!starts_sentence(ws, q->open)) {
            /* `The President has “laid bare …”, the statement added`: the
             * quoted words are part of a paraphrase: one partial quote */
            stmt *s = &ws->st[si];
            s->kind = NE_QUOTE_PARTIAL;
            s->cbeg = left_bound(ws, q->open, 0);
            s->cend = ws->rq[tail].close + 1;
            mark_content(ws, s->cbeg, s->cend);
            continue;
        }
        /* a second part: `"A," she said, "B."` or `"A," she said. "B."` */
        uint32_t i = fr.end;
        uint32_t pe = para_end(ws, ws->rq[tail].close);
        if (fr.subj.end > i) i = fr.subj.end;
        while (i < pe && (tok_is(ws, i, ",") || tok_is(ws, i, ":") || is_stop(ws, i))) i++;
        int32_t nx = i < pe ? quote_opening_at(ws, i) : -1;
        if (nx < 0 || ws->rq[nx].owner >= 0 || ws->rq[nx].prev >= 0) continue;
        int32_t nt = chain_tail(ws, nx);
        frame f2;
        if (ws->rq[nt].closed && frame_after(ws, ws->rq[nt].close, &f2)) continue;
        ws->rq[tail].next = nx;
        ws->rq[nx].prev = tail;
        for (int32_t x = nx; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
    }
    return 0;
}

/* ---- step 3: reported clauses ------------------------------------------- */

static void mark_content(ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    for (uint32_t i = b; i < e; i++)
        if (ws->ti[i].region == R_OUT) ws->ti[i].region = R_CONTENT;
}

static uint32_t count_words(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    uint32_t n = 0;
    for (uint32_t i = b; i < e; i++) n += tok(ws, i)->kind == NE_TOK_WORD || tok(ws, i)->kind == NE_TOK_NUM;
    return n;
}

/* Where the reported clause after the verb at c (ending before hi)
 * starts: past the listener of tell-verbs, past "that" within a few
 * words (said on Friday that …), past a colon or comma. */
static uint32_t content_start(const ne_quotes_ws *ws, uint32_t c, uint32_t hi)
{
    uint32_t s = c + 1;
    if ((ws->ti[c].cls & L_OBJ) && s < hi) {
        const tokinfo *ti = &ws->ti[s];
        if (ti->ent >= 0 && ti->mbeg == s) s = ti->mend;
        else if (ti->cls & (L_PRON | L_LISTEN)) s++;
        else if (ti->cls & (L_DET | L_POSS)) {
            s++;
            for (int n = 0; n < 3 && s < hi && np_word(ws, s); n++) s++;
        }
    }
    for (uint32_t j = s; j < hi && j < s + 8; j++) {
        if (ws->ti[j].region == R_QUOTE || is_stop(ws, j)) break;
        if (ws->ti[j].cls & L_THAT) return j + 1;
        if (tok(ws, j)->kind == NE_TOK_PUNCT && !tok_is(ws, j, ",")) break;
    }
    if (s < hi && (tok_is(ws, s, ":") || tok_is(ws, s, ","))) s++;
    return s;
}

/* Where the reported clause that starts at s ends: at the clause bound hi,
 * or before a coordinated speech verb ("… and added"), a participle after
 * a comma (", saying"), or a trailing frame. Trailing punctuation is
 * trimmed. */
static uint32_t content_end(const ne_quotes_ws *ws, uint32_t s, uint32_t hi)
{
    uint32_t e = s;
    for (; e < hi; e++) {
        if (ws->ti[e].region == R_QUOTE) continue;
        if ((ws->ti[e].cls & L_CONJ) && e + 1 < hi) {
            uint32_t k = e + 1;
            while (k < hi && (ws->ti[k].cls & L_SKIP)) k++;
            if (k < hi && cue_ok(ws, k)) break;
        }
        /* ", adding …" and "“…,” adding …" start a new report */
        if (e > s && cue_ok(ws, e) && (ws->ti[e].cls & L_ING) &&
            (tok_is(ws, e - 1, ",") || (tok(ws, e - 1)->kind == NE_TOK_QUOTE && tok_is(ws, e - 2, ","))))
            break;
        if (tok_is(ws, e, ",") && e + 1 < hi) {
            frame fr;
            /* "…, he said." closing the clause: frame_after reads from a comma */
            if (ws->ti[e + 1].region != R_QUOTE && frame_after(ws, e - 1 >= s ? e - 1 : e, &fr) &&
                fr.cue >= 0 && (uint32_t)fr.cue < hi && fr.end >= hi - 1)
                break;
        }
    }
    while (e > s) {
        const ne_token *k = tok(ws, e - 1);
        if (k->kind == NE_TOK_PUNCT && !tok_is(ws, e - 1, ")")) e--;
        else break;
    }
    return e;
}

/* Takes the unowned quotations that open in [b, e) for statement si;
 * returns how many. */
static int take_quotes_in(ne_quotes_ws *ws, uint32_t b, uint32_t e, int32_t si)
{
    int n = 0;
    size_t lo = 0, hi = ws->nrq;
    while (lo < hi) {   /* the first quotation opening at or after b */
        size_t mid = (lo + hi) / 2;
        if (ws->rq[mid].open < b) lo = mid + 1; else hi = mid;
    }
    for (size_t r = lo; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->open >= e) break;
        if (q->owner >= 0 || q->prev >= 0 || q->title) continue;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
        n++;
    }
    return n;
}

/* Records a reported clause [b, e) framed by the verb tokens [c, c_end)
 * with subject n: partial when it holds free quotations, else indirect
 * (only for verbs that report clauses). Returns -1 on out-of-memory. */
static int add_reported(ne_quotes_ws *ws, uint32_t b, uint32_t e, int32_t c, int32_t c_end, np n)
{
    if (e <= b || count_words(ws, b, e) < 2) return 0;
    int32_t si = add_stmt(ws, NE_QUOTE_INDIRECT);
    if (si < 0) return -1;
    int taken = take_quotes_in(ws, b, e, si);
    uint32_t cls = ws->ti[c].cls;
    if (!taken && (!(cls & L_IND) || count_words(ws, b, e) < 3)) {
        ws->nst--;
        return 0;
    }
    stmt *s = &ws->st[si];
    s->kind = taken ? NE_QUOTE_PARTIAL : NE_QUOTE_INDIRECT;
    s->cbeg = b;
    s->cend = e;
    s->cue = c;
    s->cue_end = c_end;
    s->subj = n;
    ws->ti[c].used = 1;
    mark_content(ws, b, e);
    return 0;
}

/* Step 3: every speech verb with a subject that no frame used reports the
 * clause after it (`X said (that) …`, `X denied …`), or, at the end of a
 * sentence after a comma, the clause before it (`…, X said.`,
 * `…, according to X.`). */
static int find_reported(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    for (uint32_t c = 0; c < t->ntoks; c++) {
        const tokinfo *ti = &ws->ti[c];
        if (ti->used || ti->ent >= 0 || ti->region == R_QUOTE || ti->region == R_HEAD) continue;
        uint32_t cls = ti->cls;
        if (!(cls & (L_CUE | L_IND | L_ACCORD))) continue;   /* most tokens: no bounds needed */
        uint32_t lo = left_bound(ws, c, 0), hi = right_bound(ws, c, 0);
        if ((cls & L_ACCORD) && c + 1 < hi && tok_is(ws, c + 1, "to")) {
            np n = np_after(ws, c + 2, hi);
            if (n.kind == NP_NONE) continue;
            if (c > lo && tok_is(ws, c - 1, ",")) {                /* …, according to X. */
                if (add_reported(ws, lo, c - 1, (int32_t)c, (int32_t)c + 2, n)) return -1;
            } else if (c == lo && n.end < hi && tok_is(ws, n.end, ",")) {   /* According to X, … */
                if (add_reported(ws, n.end + 1, content_end(ws, n.end + 1, hi), (int32_t)c, (int32_t)c + 2, n))
                    return -1;
            }
            continue;
        }
        if (!(cls & L_CUE) && !(cls & L_IND)) continue;
        if (cls & (L_BELIEF | L_TRAIL | L_PASS)) continue;
        if (c + 1 < hi && (tok_is(ws, c + 1, "to") || tok_is(ws, c + 1, "of") || tok_is(ws, c + 1, "by")))
            continue;   /* "is said to be", "said of", "reported by" */
        if (c > lo && tok_is(ws, c - 1, ",") && !(cls & L_ING)) {
            /* inverted, closing a clause: "…, said Mr Putin." */
            np n = np_after(ws, c + 1, hi);
            if (n.kind != NP_NONE && hi - n.end <= 6 && c - 1 > lo) {
                if (add_reported(ws, lo, c - 1, (int32_t)c, (int32_t)c + 1, n)) return -1;
                continue;
            }
        }
        np n = subject_of(ws, lo, c);
        if (n.kind == NP_NONE || n.neg || n.passive) continue;
        if ((cls & L_AMB) && n.kind == NP_DESC) continue;   /* "media reports", "his claims" */
        int closing = hi - c <= 6 ||
                      (c + 1 < hi && (ws->ti[c + 1].cls & (L_PREP | L_REL | L_TIME)) && !(ws->ti[c + 1].cls & L_THAT));
        if (n.beg > lo && tok_is(ws, n.beg - 1, ",") && n.beg - 1 > lo && closing) {
            /* "…, X said." and "…, X told reporters on Friday." */
            int that = 0;
            for (uint32_t j = c + 1; j < hi; j++) that |= (ws->ti[j].cls & L_THAT) || tok_is(ws, j, ":");
            if (!that) {
                if (add_reported(ws, lo, n.beg - 1, (int32_t)c, (int32_t)c + 1, n)) return -1;
                continue;
            }
        }
        uint32_t s = content_start(ws, c, hi);
        if (s >= hi) continue;
        uint32_t e = content_end(ws, s, hi);
        if (add_reported(ws, s, e, (int32_t)c, (int32_t)c + 1, n)) return -1;
    }
    return 0;
}

/* ---- step 4: floating quotations ---------------------------------------- */

/* True when the quotation opened by token `open` begins a sentence: at the
 * paragraph start or after a stop, colon or another quotation. */
static int starts_sentence(const ne_quotes_ws *ws, uint32_t open)
{
    if (open == para_start(ws, open)) return 1;
    uint32_t p = open - 1;
    return is_stop_any(ws, p) || tok_is(ws, p, ":") || tok(ws, p)->kind == NE_TOK_QUOTE;
}

static int find_floating(ne_quotes_ws *ws)
{
    for (size_t r = 0; r < ws->nrq; r++) {
        rawq *q = &ws->rq[r];
        if (q->owner >= 0 || q->prev >= 0 || (q->title && q->next < 0)) continue;
        uint32_t words = 0;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) words += ws->rq[x].nwords;
        if (!starts_sentence(ws, q->open) || words < 3) continue;   /* scare quote, title */
        int32_t si = add_stmt(ws, NE_QUOTE_DIRECT);
        if (si < 0) return -1;
        ws->st[si].rq = (int32_t)r;
        ws->st[si].floating = 1;
        for (int32_t x = (int32_t)r; x >= 0; x = ws->rq[x].next) ws->rq[x].owner = si;
    }
    return 0;
}

/* ---- step 5: speakers --------------------------------------------------- */

static int gender_ok(const ne_quotes_ws *ws, int32_t e, uint32_t pron_cls)
{
    uint8_t g = ws->gender[e];
    if (pron_cls & L_HE) return g != NE_GENDER_FEMALE;
    if (pron_cls & L_SHE) return g != NE_GENDER_MALE;
    return 1;
}

/* The person a he/she at token p stands for: the first compatible person
 * named outside quotations and reported clauses in the nearest sentence
 * before it (the current one up to p first), at most five sentences and
 * two paragraphs back; `not` is excluded. -1 when there is none. */
static int32_t antecedent(const ne_quotes_ws *ws, uint32_t p, uint32_t pron_cls, int32_t not)
{
    const ne_text *t = ws->t;
    uint32_t sp = ws->ti[p].sent, para = tok(ws, p)->para;
    for (uint32_t s = sp + 1; s-- > 0 && sp - s <= 5;) {
        const ne_sentence *se = &t->sents[s];
        if (para - se->para > 2) break;
        uint32_t end = s == sp ? p : se->tok_end;
        for (uint32_t i = se->tok_start; i < end; i++) {
            const tokinfo *ti = &ws->ti[i];
            if (ti->ent < 0 || ti->mbeg != i || ti->region != R_OUT) continue;
            if (!is_person(ws, ti->ent) || ti->ent == not || !gender_ok(ws, ti->ent, pron_cls)) continue;
            return ti->ent;
        }
    }
    return -1;
}

/* The most recent compatible person mentioned anywhere (quotations too)
 * before token p, within 400 tokens; for pronouns inside a quotation. */
static int32_t recent_person(const ne_quotes_ws *ws, uint32_t p, uint32_t pron_cls, int32_t not)
{
    for (uint32_t i = p; i-- > 0 && p - i < 400;) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->ent < 0 || ti->region == R_HEAD) continue;
        if (!is_person(ws, ti->ent) || ti->ent == not || !gender_ok(ws, ti->ent, pron_cls)) continue;
        return ti->ent;
    }
    return -1;
}

/* Records the apposition roles of people ("Kremlin spokesman Dmitry
 * Peskov", "Viktor Yanukovych, the Ukrainian president,") so that a later
 * "the spokesman" finds its person. */
static int collect_roles(ne_quotes_ws *ws)
{
    const ne_text *t = ws->t;
    ws->nroles = 0;
    for (uint32_t i = 0; i < t->ntoks; i++) {
        const tokinfo *ti = &ws->ti[i];
        if (ti->ent < 0 || ti->mbeg != i || !is_person(ws, ti->ent)) continue;
        uint32_t ps = para_start(ws, i);
        /* words before the name, and the name's own leading lower-case words */
        uint32_t b = i;
        while (b > ps && i - b < 4 && is_word(ws, b - 1) && ws->ti[b - 1].ent < 0 &&
               !(ws->ti[b - 1].cls & (L_NOT_NP | L_DET | L_POSS | L_PRON)))
            b--;
        uint32_t ranges[2][2] = {{b, ti->mend}, {0, 0}};
        /* an apposition after it: ", the Russia-friendly Ukrainian president," */
        uint32_t a = ti->mend, pe = para_end(ws, i);
        if (a + 2 < pe && tok_is(ws, a, ",") && (ws->ti[a + 1].cls & (L_DET | L_POSS))) {
            uint32_t e = a + 2;
            while (e < pe && e - a < 10 && np_word(ws, e)) e++;
            ranges[1][0] = a + 2;
            ranges[1][1] = e;
        }
        for (int r = 0; r < 2; r++) {
            for (uint32_t k = ranges[r][0]; k < ranges[r][1]; k++) {
                if (!is_word(ws, k) || (tok(ws, k)->flags & NE_TF_CAP && ws->ti[k].ent == ti->ent &&
                                        !(ws->ti[k].cls & L_TITLE)))
                    continue;
                char buf[WORD_MAX];
                size_t n = fold_word(ws->t->s + tok(ws, k)->start, tok(ws, k)->end - tok(ws, k)->start, buf);
                if (!n) continue;
                if (grow((void **)&ws->roles, &ws->roles_cap, ws->nroles + 1, sizeof *ws->roles)) return -1;
                ws->roles[ws->nroles].hash = fnv1a(buf, n);
                ws->roles[ws->nroles].ent = ti->ent;
                ws->nroles++;
            }
        }
    }
    return 0;
}

/* True when person e was given every modifier of the description n
 * ("the Ukrainian president" needs "ukrainian" among e's role words). */
static int has_modifiers(const ne_quotes_ws *ws, const np *n, int32_t e)
{
    for (uint32_t k = n->beg + 1; k < n->head; k++) {
        if (!is_word(ws, k)) continue;
        char buf[WORD_MAX];
        size_t len = fold_word(ws->t->s + tok(ws, k)->start, tok(ws, k)->end - tok(ws, k)->start, buf);
        if (!len) return 0;
        uint64_t h = fnv1a(buf, len);
        int found = 0;
        for (size_t r = 0; r < ws->nroles && !found; r++) found = ws->roles[r].hash == h && ws->roles[r].ent == e;
        if (!found) return 0;
    }
    return 1;
}

/* The person a definite description names through an earlier role
 * ("the spokesman", "the President"): among the people given the head
 * noun's role, the most mentioned. -1 when none. */
static int32_t role_person(const ne_quotes_ws *ws, const np *n)
{
    if (!tok_is(ws, n->beg, "the") && !tok_is(ws, n->beg, "The")) return -1;
    const ne_token *h = tok(ws, n->head);
    char buf[WORD_MAX];
    size_t len = fold_word(ws->t->s + h->start, h->end - h->start, buf);
    if (!len) return -1;
    uint64_t hash = fnv1a(buf, len);
    int32_t best = -1;
    for (size_t r = 0; r < ws->nroles; r++) {
        if (ws->roles[r].hash != hash) continue;
        int32_t e = ws->roles[r].ent;
        if (!has_modifiers(ws, n, e)) continue;
        if (best < 0 || ws->doc->entities[e].nmentions > ws->doc->entities[best].nmentions) best = e;
    }
    return best;
}

/* The last statement before si (in position order) that has a speaker and
 * lies at most `paras` paragraphs back; -1 if none. */
static int32_t previous_speaker_stmt(const ne_quotes_ws *ws, size_t si, uint32_t paras, int nonperson)
{
    const stmt *s = &ws->st[si];
    uint32_t para = tok(ws, s->kind == NE_QUOTE_DIRECT ? ws->rq[s->rq].open : s->cbeg)->para;
    for (size_t j = si; j-- > 0;) {
        const stmt *p = &ws->st[j];
        uint32_t pp = tok(ws, p->kind == NE_QUOTE_DIRECT ? ws->rq[p->rq].open : p->cbeg)->para;
        if (para - pp > paras) break;
        if (!p->has_speaker) continue;
        if (nonperson && p->ent >= 0 && is_person(ws, (int32_t)p->ent)) continue;
        return (int32_t)j;
    }
    return -1;
}

static void set_speaker_text(ne_quotes_ws *ws, stmt *s, uint32_t b, uint32_t e)
{
    s->sp_start = tok(ws, b)->start;
    s->sp_end = tok(ws, e - 1)->end;
}

/* Gives s the speaker of statement p (an index into ws->st, or -1 for
 * none: s keeps no speaker). The speaker's words are p's, so the quote
 * names who was quoted before, not the pronoun or the gap. */
static void inherit_speaker(ne_quotes_ws *ws, stmt *s, int32_t p)
{
    if (p < 0) return;
    s->has_speaker = 1;
    s->ent = ws->st[p].ent;
    s->sp_start = ws->st[p].sp_start;
    s->sp_end = ws->st[p].sp_end;
}

/* Resolves statement si's subject phrase to a speaker. */
static void resolve_speaker(ne_quotes_ws *ws, size_t si)
{
    stmt *s = &ws->st[si];
    const np *n = &s->subj;
    s->has_speaker = 0;
    s->ent = -1;
    if (s->floating) {
        inherit_speaker(ws, s, previous_speaker_stmt(ws, si, 2, 0));
        return;
    }
    switch (n->kind) {
    case NP_MENTION:
        s->has_speaker = 1;
        s->ent = ws->ti[n->head].ent;
        set_speaker_text(ws, s, n->beg, n->end);
        return;
    case NP_PRON: {
        uint32_t cls = ws->ti[n->head].cls;
        set_speaker_text(ws, s, n->beg, n->end);
        if (cls & (L_HE | L_SHE)) {
            int32_t e = antecedent(ws, n->head, cls, -1);
            if (e >= 0) { s->has_speaker = 1; s->ent = e; }
        } else if (cls & (L_IT | L_THEY)) {
            inherit_speaker(ws, s, previous_speaker_stmt(ws, si, 3, 1));
        }
        return;
    }
    case NP_DESC: {
        s->has_speaker = 1;
        set_speaker_text(ws, s, n->beg, n->end);
        s->ent = role_person(ws, n);
        return;
    }
    default:
        return;
    }
}

/* ---- about -------------------------------------------------------------- */

static int add_about(ne_quotes_ws *ws, size_t *n, int32_t e)
{
    for (size_t i = 0; i < *n; i++)
        if (ws->about[i] == (size_t)e) return 0;
    if (grow((void **)&ws->about, &ws->about_cap, *n + 1, sizeof *ws->about)) return -1;
    ws->about[(*n)++] = (size_t)e;
    return 0;
}

/* The entities statement s is about, into ws->about: people and
 * organisations named in its words, and people its third-person pronouns
 * refer to; the speaker only as the subject of a reported clause
 * ("Trump said he …"). Returns the count, or -1 on out-of-memory. */
static long collect_about(ne_quotes_ws *ws, const stmt *s)
{
    size_t n = 0;
    long spk = s->has_speaker ? s->ent : -1;
    uint32_t ranges[64][2];
    size_t nr = 0;
    if (s->kind == NE_QUOTE_DIRECT) {
        for (int32_t r = s->rq; r >= 0 && nr < 64; r = ws->rq[r].next) {
            ranges[nr][0] = ws->rq[r].open + 1;
            ranges[nr][1] = ws->rq[r].close;
            nr++;
        }
    } else {
        ranges[0][0] = s->cbeg;
        ranges[0][1] = s->cend;
        nr = 1;
    }
    int first = 1;
    for (size_t r = 0; r < nr; r++) {
        for (uint32_t i = ranges[r][0]; i < ranges[r][1]; i++) {
            const tokinfo *ti = &ws->ti[i];
            int subject = first && (tok(ws, i)->kind == NE_TOK_WORD);
            if (tok(ws, i)->kind == NE_TOK_WORD) first = 0;
            int32_t e = -1;
            if (ti->ent >= 0) {
                if (ti->mbeg != i && i != ranges[r][0]) continue;
                const ne_entity *en = ent_of(ws, ti->ent);
                if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
                e = ti->ent;
            } else if (ti->cls & (L_HE | L_SHE)) {
                int quoted = ti->region == R_QUOTE;
                if (!quoted && spk >= 0 && is_person(ws, (int32_t)spk) && gender_ok(ws, (int32_t)spk, ti->cls))
                    e = (int32_t)spk;   /* "Trump said he …" */
                else
                    e = recent_person(ws, i, ti->cls, quoted ? (int32_t)spk : -1);
            }
            if (e < 0) continue;
            if (e == spk && !subject) continue;
            if (add_about(ws, &n, e)) return -1;
        }
    }
    return (long)n;
}

/* ---- output ------------------------------------------------------------- */

void ne_quotes_claim_id(const char *text, size_t len, char out[17])
{
    /* normalise into a bounded stack buffer in chunks fed to the digest */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char buf[512];
    size_t o = 0;
    int pending_space = 0, any = 0;
    if (ctx) EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        int keep;
        if (c >= 0x80) {
            /* multi-byte: general punctuation (U+2000–U+206F: curly quotes,
             * dashes, ellipsis) and « » fold to space; other letters stay */
            size_t n = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
            int punct = (c == 0xE2 && i + 1 < len && (unsigned char)text[i + 1] == 0x80) ||
                        (c == 0xC2 && i + 1 < len &&
                         ((unsigned char)text[i + 1] == 0xAB || (unsigned char)text[i + 1] == 0xBB ||
                          (unsigned char)text[i + 1] == 0xA0));
            if (i + n > len) n = len - i;
            if (punct) { pending_space = any; i += n - 1; continue; }
            if (pending_space) { buf[o++] = ' '; pending_space = 0; }
            for (size_t k = 0; k < n; k++) buf[o++] = text[i + k];
            i += n - 1;
            any = 1;
        } else {
            keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
            if (!keep) { pending_space = any; continue; }
            if (pending_space) { buf[o++] = ' '; pending_space = 0; }
            buf[o++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
            any = 1;
        }
        if (o > sizeof buf - 8) {
            if (ctx) EVP_DigestUpdate(ctx, buf, o);
            o = 0;
        }
    }
    if (ctx) {
        EVP_DigestUpdate(ctx, buf, o);
        EVP_DigestFinal_ex(ctx, md, &mdlen);
        EVP_MD_CTX_free(ctx);
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        unsigned char b = mdlen > (unsigned)i ? md[i] : 0;
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[16] = '\0';
}

static char *dup_span(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* The statement's words: the parts of a quotation joined by a space, or
 * the reported clause as written. Sets start/end. NULL on out-of-memory. */
static char *stmt_text(ne_quotes_ws *ws, stmt *s)
{
    const char *b = ws->t->s;
    if (s->kind != NE_QUOTE_DIRECT) {
        s->start = tok(ws, s->cbeg)->start;
        s->end = tok(ws, s->cend - 1)->end;
        return dup_span(b + s->start, s->end - s->start);
    }
    size_t len = 0;
    int32_t last = s->rq;
    for (int32_t r = s->rq; r >= 0; r = ws->rq[r].next) {
        len += ws->rq[r].end - ws->rq[r].start + 1;
        last = r;
    }
    s->start = ws->rq[s->rq].start;
    s->end = ws->rq[last].end;
    char *p = malloc(len + 1), *o = p;
    if (!p) return NULL;
    for (int32_t r = s->rq; r >= 0; r = ws->rq[r].next) {
        if (o != p) *o++ = ' ';
        memcpy(o, b + ws->rq[r].start, ws->rq[r].end - ws->rq[r].start);
        o += ws->rq[r].end - ws->rq[r].start;
    }
    *o = '\0';
    return p;
}

static int stmt_cmp(const void *a, const void *b)
{
    const stmt *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Fills quote q from statement s. Returns -1 on out-of-memory. */
static int emit_quote(ne_quotes_ws *ws, ne_doc *doc, stmt *s, size_t index, char *text, ne_quote *q)
{
    const char *b = ws->t->s;
    memset(q, 0, sizeof *q);
    q->text = text;
    q->kind = (enum ne_quote_kind)s->kind;
    q->start = s->start;
    q->end = s->end;
    q->has_speaker = s->has_speaker;
    q->speaker_entity = s->has_speaker ? s->ent : -1;
    q->is_new = 1;
    size_t idlen = (doc->id ? strlen(doc->id) : 0) + 24;
    q->id = malloc(idlen);
    q->claim_id = malloc(17);
    if (!q->id || !q->claim_id) return -1;
    snprintf(q->id, idlen, "%s-q%zu", doc->id ? doc->id : "article", index);
    ne_quotes_claim_id(text, strlen(text), q->claim_id);
    if (s->has_speaker && !(q->speaker_text = dup_span(b + s->sp_start, s->sp_end - s->sp_start))) return -1;
    if (s->cue >= 0) {
        uint32_t cb = tok(ws, (size_t)s->cue)->start, ce = tok(ws, (size_t)s->cue_end - 1)->end;
        if (!(q->cue = dup_span(b + cb, ce - cb))) return -1;
    }
    long na = collect_about(ws, s);
    if (na < 0) return -1;
    if (na > 0) {
        q->about = malloc((size_t)na * sizeof *q->about);
        if (!q->about) return -1;
        memcpy(q->about, ws->about, (size_t)na * sizeof *q->about);
        q->nabout = (size_t)na;
    }
    return 0;
}

static void clear_quotes(ne_doc *doc)
{
    for (size_t i = 0; i < doc->nquotes; i++) {
        ne_quote *q = &doc->quotes[i];
        free(q->id); free(q->text); free(q->speaker_text); free(q->cue);
        free(q->about); free(q->claim_id); free(q->first_seen_article); free(q->first_seen_at);
    }
    free(doc->quotes);
    doc->quotes = NULL;
    doc->nquotes = 0;
}

int ne_quotes_extract(ne_quotes_ws *ws, ne_doc *doc)
{
    clear_quotes(doc);
    ws->doc = doc;
    ws->t = &doc->body_text;
    ws->nrq = ws->nst = 0;
    if (!ws->t->ntoks || !ws->t->nparas) return 0;
    if (prepare_tokens(ws) || prepare_genders(ws) || prepare_headlines(ws) || find_quotes(ws) ||
        attach_frames(ws) || find_reported(ws) || find_floating(ws) || collect_roles(ws))
        return -1;
    for (size_t i = 0; i < ws->nst; i++) {   /* positions, for ordering */
        stmt *s = &ws->st[i];
        s->start = s->kind == NE_QUOTE_DIRECT ? ws->rq[s->rq].start : tok(ws, s->cbeg)->start;
    }
    if (!ws->nst) return 0;
    qsort(ws->st, ws->nst, sizeof *ws->st, stmt_cmp);
    for (size_t i = 0; i < ws->nst; i++) resolve_speaker(ws, i);
    doc->quotes = calloc(ws->nst, sizeof *doc->quotes);
    if (!doc->quotes) return -1;
    for (size_t i = 0; i < ws->nst; i++) {
        stmt *s = &ws->st[i];
        char *text = stmt_text(ws, s);
        if (!text) { clear_quotes(doc); return -1; }
        ne_quote *q = &doc->quotes[doc->nquotes++];
        if (emit_quote(ws, doc, s, i, text, q)) { clear_quotes(doc); return -1; }
    }
    return 0;
}

/* ---- the stage ---------------------------------------------------------- */

typedef struct quotes_stage {
    ne_quotes_ws *ws;
    int enabled;
} quotes_stage;

void *ne_quotes_create(const ne_config *cfg, char *err, size_t errlen)
{
    quotes_stage *st = calloc(1, sizeof *st);
    if (!st || !(st->ws = ne_quotes_ws_new())) {
        free(st);
        snprintf(err, errlen, "quotes: out of memory");
        return NULL;
    }
    st->enabled = cfg ? cfg->quotes.enabled : 1;
    return st;
}

int ne_quotes_process(void *state, ne_doc *doc)
{
    quotes_stage *st = state;
    if (!st->enabled) return 0;
    return ne_quotes_extract(st->ws, doc);
}

void ne_quotes_destroy(void *state)
{
    quotes_stage *st = state;
    if (!st) return;
    ne_quotes_ws_free(st->ws);
    free(st);
}

