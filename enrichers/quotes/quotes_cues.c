/* quotes_cues — the lexicon (quotes_int.h): speech verbs with their
 * inflections and what frames they make (L_CUE, L_IND, L_OBJ, …), belief
 * and plan verbs that never introduce speech, and the function words the
 * frames and noun phrases need (pronouns, determiners, prepositions,
 * auxiliaries, titles, time words, usual listeners).
 *
 * A workspace holds the lexicon as an open-addressing table of LEX_SLOTS
 * slots keyed by the folded word's FNV-1a, so a token's class costs one
 * fold and a probe or two; ne_quotes_cue_class, which has no workspace,
 * scans the list.
 */
#include "enrichers/quotes/quotes_int.h"

#include <string.h>

/* ---- the lexicon ------------------------------------------------------------ */

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

/* ---- lookups ------------------------------------------------------------------ */

size_t qt_fold_word(const char *s, size_t n, char *buf)
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

void qt_lex_init(ne_quotes_ws *ws)
{
    for (size_t i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
        const char *w = lexicon[i].w;
        size_t h = (size_t)qt_word_hash(w, strlen(w)) & (LEX_SLOTS - 1);
        while (ws->lex[h].w && strcmp(ws->lex[h].w, w) != 0) h = (h + 1) & (LEX_SLOTS - 1);
        ws->lex[h].w = w;
        ws->lex[h].bits |= lexicon[i].bits;
    }
}

uint32_t qt_lex_lookup(const ne_quotes_ws *ws, const char *s, size_t n)
{
    char buf[WORD_MAX];
    size_t len = qt_fold_word(s, n, buf);
    if (!len) return 0;
    size_t h = (size_t)qt_word_hash(buf, len) & (LEX_SLOTS - 1);
    for (;;) {
        const char *w = ws->lex[h].w;
        if (!w) return 0;
        if (strcmp(w, buf) == 0) return ws->lex[h].bits;
        h = (h + 1) & (LEX_SLOTS - 1);
    }
}

enum ne_cue_class ne_quotes_cue_class(const char *word, size_t len)
{
    /* A private lookup table would cost a workspace per call; the lexicon
     * is small enough to scan. */
    char buf[WORD_MAX];
    if (!qt_fold_word(word, len, buf)) return NE_CUE_NONE;
    for (size_t i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
        if (strcmp(lexicon[i].w, buf) != 0) continue;
        if (lexicon[i].bits & L_BELIEF) return NE_CUE_BELIEF;
        if (lexicon[i].bits & (L_CUE | L_IND | L_ACCORD)) return NE_CUE_SPEECH;
    }
    return NE_CUE_NONE;
}
