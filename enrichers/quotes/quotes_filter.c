/* quotes_filter — the learned statement filter (quotes_int.h): whether a
 * reported statement the frames found (steps 2 and 3: indirect and
 * partial quotes with a speech verb) is speech at all, or a cue word in
 * another sense: "named his police commissioner", "declared victory",
 * "wrote about the event".
 *
 * Why learned: the frames accept any clause after a speech verb with a
 * subject; what tells speech from the verb's other senses is what follows
 * the verb (a that-clause, a subject pronoun and an auxiliary, a quote,
 * against a noun-phrase object or an infinitive), who the subject is (a
 * person or organisation, against "the data", "the crowd"), and the verb
 * itself. Hand-ordering those cues is what issue 18 replaces; an averaged
 * perceptron over them is trained on PolNeAR train's statements, labelled
 * true when they match a gold attribution of speech (PolNeAR also
 * annotates appointments, acts, beliefs: "named her to the court" is not
 * speech), by tools/statements_train.c (`make statements-train`), with
 * the number of epochs and a threshold per kind (indirect, partial)
 * chosen by 5-fold cross-validation on train for the F1 the evaluation
 * counts; the thresholds are folded into the kind features' weights, so a
 * statement is kept when its score is >= 0.
 *
 * Direct quotes are not filtered: their quote marks and frame are
 * evidence enough, and they carry most speaker alerts.
 *
 * Features (hashed into 2^QT_STMT_BITS weights, 64 KiB; templates named in
 * template_names, each left out in turn by `statements_train --ablate`):
 * bias; statement kind; the cue word and its lexicon bits (the cue rule's
 * own reading: reports a clause or not, takes a listener, also a noun, a
 * naming verb); whether the clause precedes the verb ("…, X said"); the
 * classes of the two tokens after the verb and of the token before it,
 * each with the cue word; the word after the verb; how many words follow
 * the verb in its sentence; the content's first token class and how far
 * it starts from the verb; whether the content holds a "that", a subject
 * pronoun, an auxiliary or be-verb, a past form, a quotation; its length;
 * the subject's kind, entity type, pronoun class and head word.
 *
 * Trial templates (trial_features, only with ws->stmt_trial, which only
 * `statements_train --trial` sets, cross-validation only): what follows
 * the verb (a noun-phrase object or a clause), the cue's neighbours
 * (attributive "confirmed cases"), where the clause's "that" stands, the
 * described subject's head kind, the token before the subject, signs of
 * a finite verb, quotations next to the statement. Tried for issue 18
 * against non-statements in web news ("Moscow denied the accusation
 * Friday."); not kept: PolNeAR labels most such objects speech, and the
 * CV gain stayed within noise (mk/statements.mk).
 *
 * Cost: a few dozen hash lookups per reported statement; no allocation;
 * quotations are renumbered only after a dropped statement.
 */
#include "enrichers/quotes/quotes_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model -------------------------------------------------------------- */

static float g_weights[1u << QT_STMT_BITS];
static int g_loaded;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_model(void)
{
    /* same text format as the speaker ranker's model */
    g_loaded = qt_spk_model_parse(ne_statements_model_text, g_weights, 1u << QT_STMT_BITS) > 0;
}

const float *qt_stmt_weights(void)
{
    pthread_once(&g_once, load_model);
    return g_loaded ? g_weights : NULL;
}

/* ---- features ----------------------------------------------------------------- */

enum {
    T_BIAS = 1, T_KIND, T_CUE, T_CUE_KIND, T_CUEBITS, T_BEFORE, T_NEXT1, T_NEXT2, T_NEXT12, T_CUE_NEXT,
    T_PREV, T_CUE_PREV, T_FIRST, T_GAP, T_CLAUSE, T_LEN, T_SUBJ, T_SUBJ_ENT, T_SUBJ_PRON, T_SUBJ_HEAD,
    T_CUE_SUBJ, T_NEXTWORD, T_CUE_CLAUSE, T_CUE_FIRST, T_ANYWORD, T_VERBISH, T_CUE_ENT, T_TAIL,
    T_OBJ, T_CUE_OBJ, T_ATTR, T_THATPOS, T_SUBJ_LEX, T_CUE_SUBJ_LEX, T_SUBJ_PREV, T_FINITE, T_QNEAR, T_NTEMPL
};
_Static_assert(T_NTEMPL == QT_STMT_NTEMPL, "quotes_int.h counts the templates");

static const char *const template_names[] = {
    "-", "bias", "kind", "cue", "cue*kind", "cuebits", "before", "next1", "next2", "next12", "cue*next",
    "prev", "cue*prev", "first", "gap", "clause", "len", "subj", "subj_ent", "subj_pron", "subj_head",
    "cue*subj", "nextword", "cue*clause", "cue*first", "anyword", "verbish", "cue*ent", "tail",
    "obj", "cue*obj", "attr", "thatpos", "subj_lex", "cue*subj_lex", "subj_prev", "finite", "qnear"};
_Static_assert(sizeof template_names / sizeof template_names[0] == T_NTEMPL, "a name per template");

const char *qt_stmt_template_name(unsigned t) { return t < T_NTEMPL ? template_names[t] : "?"; }

/* Appends feature (t, a, b) and its template. */
#define ADD(t, a, b) (tm ? tm[n] = (uint8_t)(t) : 0, f[n++] = fh((t), (a), (b)))

static inline uint32_t fh(uint32_t t, int64_t a, int64_t b)
{
    uint64_t x = ((uint64_t)t << 56) ^ ((uint64_t)(a & 0xFFFFFFF) << 28) ^ (uint64_t)(b & 0xFFFFFFF);
    return (uint32_t)(ne_mix64(x + 0x7F4A7C159E3779B9ULL) & ((1u << QT_STMT_BITS) - 1));
}

/* A 28-bit key of token i's folded word, or 0. */
static uint32_t word_key(const ne_quotes_ws *ws, int64_t i)
{
    if (i < 0 || (size_t)i >= ws->t->ntoks) return 0;
    const ne_token *k = tok(ws, (size_t)i);
    char buf[WORD_MAX];
    size_t n = qt_fold_word(ws->t->s + k->start, k->end - k->start, buf);
    return n ? (uint32_t)(qt_word_hash(buf, n) & 0xFFFFFFF) | 1u : 0;
}

/* The class of token i: what a speech verb's neighbours tell of its sense. */
static int tok_class(const ne_quotes_ws *ws, int64_t i)
{
    if (i < 0 || (size_t)i >= ws->t->ntoks) return 0;
    const ne_token *k = tok(ws, (size_t)i);
    uint32_t c = ws->ti[i].cls;
    if (k->kind == NE_TOK_QUOTE) return 1;
    if (is_stop_any(ws, (size_t)i)) return 2;
    if (tok_is(ws, (size_t)i, ",")) return 3;
    if (tok_is(ws, (size_t)i, ":")) return 4;
    if (is_dash(ws, (size_t)i)) return 5;
    if (k->kind == NE_TOK_NUM) return 6;
    if (k->kind != NE_TOK_WORD) return 7;
    if (c & L_THAT) return 8;
    if (tok_is(ws, (size_t)i, "to")) return 9;
    if (ws->ti[i].ent >= 0) {
        const ne_entity *en = ent_of(ws, ws->ti[i].ent);
        return en && en->type == NE_ENT_PER ? 10 : en && en->type == NE_ENT_ORG ? 11 : 12;
    }
    if (c & L_SUBJ) return 13;
    if (c & L_POSS) return 14;
    if (c & L_PRON) return 15;
    if (c & L_DET) return 16;
    if (c & L_LISTEN) return 17;
    if (c & L_TIME) return 18;
    if (c & L_PREP) return 19;
    if (c & L_BE) return 20;
    if (c & L_SKIP) return 21;
    if (c & L_NEG) return 22;
    if (c & (L_REL)) return 23;
    if (c & L_CONJ) return 24;
    if ((c & L_CUE) && !(c & L_BELIEF)) return 25;
    if (c & L_BELIEF) return 26;
    if (k->flags & NE_TF_CAP) return 27;
    return 28;
}

static int bucket(uint32_t d)
{
    return d == 0 ? 0 : d == 1 ? 1 : d == 2 ? 2 : d <= 4 ? 3 : d <= 8 ? 4 : d <= 16 ? 5 : d <= 32 ? 6 : 7;
}

/* Whether token i is a function word worth its own feature after the
 * verb (that, to, the, his, he, on, …): open-class words are too sparse. */
static int function_word(const ne_quotes_ws *ws, int64_t i)
{
    if (i < 0 || (size_t)i >= ws->t->ntoks) return 0;
    return (ws->ti[i].cls & (L_THAT | L_DET | L_POSS | L_PRON | L_PREP | L_BE | L_SKIP | L_NEG | L_REL | L_CONJ |
                             L_LISTEN | L_TIME)) != 0;
}

/* ---- what follows the verb, what precedes it, who the subject is ---------- */

/* Coarse classes of the token that ends the phrase after a speech verb
 * (obj_shape): what tells a reported clause ("said the plan would …")
 * from a noun-phrase object ("denied the accusation Friday."). */
enum { E_STOP = 0, E_COMMA, E_PREP, E_TIME, E_THAT, E_REL, E_AUX, E_SUBJ, E_CONJ, E_QUOTE, E_COLON, E_NP, E_OTHER };

static int end_class(const ne_quotes_ws *ws, uint32_t i)
{
    if (i >= ws->t->ntoks || is_stop_any(ws, i)) return E_STOP;
    const ne_token *k = tok(ws, i);
    uint32_t c = ws->ti[i].cls;
    if (k->kind == NE_TOK_QUOTE) return E_QUOTE;
    if (tok_is(ws, i, ",")) return E_COMMA;
    if (tok_is(ws, i, ":") || is_dash(ws, i)) return E_COLON;
    if (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM) return E_OTHER;
    if (c & L_THAT) return E_THAT;
    if (c & L_SUBJ) return E_SUBJ;
    if (c & (L_BE | L_SKIP | L_NEG)) return E_AUX;
    if (c & L_REL) return E_REL;
    if (c & L_TIME) return E_TIME;
    if (c & L_PREP) return E_PREP;
    if (c & L_CONJ) return E_CONJ;
    if (c & (L_DET | L_POSS | L_PRON)) return E_NP;
    return E_OTHER;
}

/* Whether token i is a lower-case word ending in suf (a verb's -ed or -s,
 * an adverb's -ly): the lexicon has no parts of speech, the suffix is the
 * cheapest hint of one. */
static int word_ends(const ne_quotes_ws *ws, uint32_t i, const char *suf)
{
    if (i >= ws->t->ntoks) return 0;
    const ne_token *k = tok(ws, i);
    size_t n = strlen(suf), len = k->end - k->start;
    if (k->kind != NE_TOK_WORD || (k->flags & NE_TF_CAP) || ws->ti[i].ent >= 0 || len < n + 2) return 0;
    return memcmp(ws->t->s + k->end - n, suf, n) == 0;
}

/* A likely finite verb in a phrase of open-class words: -ed or a third
 * person -s after a word ("the economy grew", "the company plans"),
 * never the first word after a determiner ("the alleged crimes"). */
static int verb_suffix(const ne_quotes_ws *ws, uint32_t i)
{
    if (word_ends(ws, i, "ed")) return 1;
    return word_ends(ws, i, "s") && !word_ends(ws, i, "ss") && !word_ends(ws, i, "us") && !word_ends(ws, i, "is");
}

/* The shape of what follows the verb at ce, not crossing hi: a listener
 * (after a verb that takes one), a determiner, how many open-class words,
 * a likely verb among them, and the class of the token that ends them.
 * "denied the accusation Friday." is a determiner, one word, a time
 * word; "said the plan would" a determiner, one word, an auxiliary. */
static int obj_shape(const ne_quotes_ws *ws, uint32_t cls, uint32_t ce, uint32_t hi)
{
    uint32_t p = ce, lst = 0, det = 0, nw = 0, vb = 0;
    if (p < hi && (cls & L_OBJ)) {
        const tokinfo *ti = &ws->ti[p];
        if (ti->ent >= 0 && ti->mbeg == p) { p = ti->mend; lst = 1; }
        else if ((ti->cls & (L_PRON | L_LISTEN)) && !(ti->cls & (L_SUBJ | L_POSS))) { p++; lst = 1; }
    }
    if (p < hi && (ws->ti[p].cls & (L_DET | L_POSS)) && !(ws->ti[p].cls & L_SUBJ)) { p++; det = 1; }
    for (; p < hi && nw < 6 && qt_np_word(ws, p); p++, nw++)
        if (nw > 0 || !det) vb |= (uint32_t)verb_suffix(ws, p) && nw > 0;
    uint32_t e = p < hi ? (uint32_t)end_class(ws, p) : E_STOP;
    if (nw >= 6) e = E_OTHER;
    return (int)(lst | det << 1 | (nw < 3 ? nw : 3) << 2 | vb << 4 | e << 5);
}

/* Where the reported clause's "that" stands (the clause after the verb
 * begins past it): 0 none; else the words between the verb and the
 * "that" in four buckets and the class of the word before it. "said that"
 * and "told reporters that" report; "issued a directive that" and "the
 * levee system that protects" are relative clauses of a noun. */
static int that_position(const ne_quotes_ws *ws, uint32_t ce, uint32_t b)
{
    if (b == 0 || b - 1 < ce || !(ws->ti[b - 1].cls & L_THAT)) return 0;
    uint32_t g = b - 1 - ce;
    int before = g ? tok_class(ws, (int64_t)b - 2) : 0;
    int det = 0;
    for (uint32_t i = ce; i + 1 < b; i++) det |= (ws->ti[i].cls & (L_DET | L_POSS | L_PREP)) != 0;
    return 1 + (int)(g == 0 ? 0 : g == 1 ? 1 : g <= 3 ? 2 : 3) + 4 * det + 8 * before;
}

/* Head nouns of a described subject, by kind: a person ("the spokesman",
 * "officials"), an organisation ("the ministry"), a document or count
 * ("the report", "a poll"). Anything else that "stresses" or "suggests"
 * ("the hot water", "the finding") is less often a speaker. Sorted for
 * bsearch. */
typedef struct head_word { const char *w; int kind; } head_word;
static const head_word head_words[] = {
    {"administration", 2}, {"adviser", 1}, {"advisor", 1}, {"advocate", 1}, {"advocates", 1}, {"agency", 2},
    {"aide", 1}, {"aides", 1}, {"analysis", 3}, {"analyst", 1}, {"analysts", 1}, {"attorney", 1},
    {"attorneys", 1}, {"author", 1}, {"authorities", 2}, {"bank", 2}, {"board", 2}, {"campaign", 2},
    {"candidate", 1}, {"ceo", 1}, {"chairman", 1}, {"chief", 1}, {"commission", 2}, {"committee", 2},
    {"company", 2}, {"complaint", 3}, {"council", 2}, {"court", 2}, {"critics", 1}, {"department", 2},
    {"director", 1}, {"doctor", 1}, {"doctors", 1}, {"document", 3}, {"documents", 3}, {"economist", 1},
    {"economists", 1}, {"editor", 1}, {"email", 3}, {"executive", 1}, {"executives", 1}, {"expert", 1},
    {"experts", 1}, {"filing", 3}, {"firm", 2}, {"government", 2}, {"governor", 1}, {"group", 2},
    {"investigators", 1}, {"judge", 1}, {"lawmaker", 1}, {"lawmakers", 1}, {"lawsuit", 3}, {"lawyer", 1},
    {"lawyers", 1}, {"leader", 1}, {"leaders", 1}, {"letter", 3}, {"man", 1}, {"manager", 1}, {"mayor", 1},
    {"memo", 3}, {"minister", 1}, {"ministry", 2}, {"mother", 1}, {"newspaper", 2}, {"office", 2},
    {"officer", 1}, {"officers", 1}, {"official", 1}, {"officials", 1}, {"organization", 2},
    {"organisation", 2}, {"paper", 3}, {"party", 2}, {"people", 1}, {"police", 2}, {"poll", 3},
    {"president", 1}, {"professor", 1}, {"prosecutor", 1}, {"prosecutors", 1}, {"release", 3},
    {"report", 3}, {"reports", 3}, {"representative", 1}, {"researchers", 1}, {"residents", 1},
    {"scientists", 1}, {"secretary", 1}, {"senator", 1}, {"source", 1}, {"sources", 1}, {"speaker", 1},
    {"spokesman", 1}, {"spokesperson", 1}, {"spokeswoman", 1}, {"statement", 3}, {"study", 3},
    {"survey", 3}, {"team", 2}, {"website", 3}, {"witness", 1}, {"witnesses", 1}, {"woman", 1},
};

static int head_word_cmp(const void *k, const void *e) { return strcmp(k, ((const head_word *)e)->w); }

/* The kind of a described subject's head (1 person, 2 organisation, 3
 * document, as head_words; 4 a number or percentage: "74 percent said";
 * 5 another capitalised word; 6 another word). */
static int subject_lex(const ne_quotes_ws *ws, uint32_t h)
{
    const ne_token *k = tok(ws, h);
    if (k->kind == NE_TOK_NUM || tok_is(ws, h, "percent") || tok_is(ws, h, "%")) return 4;
    char buf[WORD_MAX];
    size_t n = qt_fold_word(ws->t->s + k->start, k->end - k->start, buf);
    const head_word *hw = n ? bsearch(buf, head_words, sizeof head_words / sizeof head_words[0], sizeof *hw,
                                      head_word_cmp) : NULL;
    if (hw) return hw->kind;
    return (k->flags & NE_TF_CAP) ? 5 : 6;
}

/* Signs of a finite verb in the content's first words: an auxiliary or
 * negation, a subject pronoun, a likely verb (-ed, -s) after an
 * open-class word or a name. Bits: aux, subject, verb. */
int qt_finite_signs(const ne_quotes_ws *ws, uint32_t b, uint32_t e)
{
    int aux = 0, subj = 0, vb = 0;
    for (uint32_t i = b; i < e && i < b + 15; i++) {
        uint32_t x = ws->ti[i].cls;
        aux |= i > b && (x & (L_BE | L_SKIP | L_NEG)) != 0;
        subj |= (x & L_SUBJ) != 0;
        if (i > b && (qt_np_word(ws, i - 1) || ws->ti[i - 1].ent >= 0) && !(ws->ti[i - 1].cls & (L_DET | L_POSS)))
            vb |= verb_suffix(ws, i);
    }
    return aux | subj << 1 | vb << 2;
}

/* Quotations next to a statement: a quotation that closes within three
 * tokens before its subject (or verb) ('"…," Manafort conceded in an
 * interview'), a quotation that opens the next sentence ("Moscow denied
 * the accusation Friday." then the denial in quotes). Either way the
 * words after the verb are often no statement of their own: the
 * quotation is. Bits. */
static int quotes_near(const ne_quotes_ws *ws, const stmt *s, uint32_t c)
{
    int bits = 0;
    uint32_t from = s->subj.kind != NP_NONE && s->subj.beg < c ? s->subj.beg : c;
    for (uint32_t i = from > 3 ? from - 3 : 0; i < from; i++)
        bits |= tok(ws, i)->kind == NE_TOK_QUOTE || ws->ti[i].region == R_QUOTE;
    uint32_t e = s->cend > c ? s->cend : c + 1;
    for (uint32_t i = e; i < ws->t->ntoks && i < e + 3; i++) {
        if (is_stop_any(ws, i) || tok_is(ws, i, ":")) continue;
        bits |= (tok(ws, i)->kind == NE_TOK_QUOTE) << 1;
        break;
    }
    return bits;
}

/* The templates tried for issue 18 and not kept (mk/statements.mk: 5-fold
 * CV on PolNeAR train, +0.0008 indirect F1 for all nine, within the
 * noise): only the trainer turns them on (statements_train --trial,
 * cross-validation only), so the shipped model never sees them. Appended
 * to the n features in f. */
static size_t trial_features(const ne_quotes_ws *ws, const stmt *s, uint32_t *f, uint8_t *tm, size_t n)
{
    uint32_t c = (uint32_t)s->cue, ce = s->cue_end > s->cue ? (uint32_t)s->cue_end : c + 1;
    uint32_t cls = ws->ti[c].cls, cue = word_key(ws, c), b = s->cbeg, e = s->cend;
    int before = s->cend <= c, pv = tok_class(ws, (int64_t)c - 1), n1 = tok_class(ws, ce);
    /* what follows the verb: a clause or only an object */
    if (!before) {
        int obj = obj_shape(ws, cls, ce, s->cend > ce ? s->cend : ce);
        ADD(T_OBJ, obj, 0);
        ADD(T_CUE_OBJ, cue, obj & 0x0E ? (obj >> 5) * 4 + ((obj >> 1) & 1) * 2 + (obj >> 4 & 1) : 63);
        ADD(T_THATPOS, that_position(ws, ce, b), (cls & L_OBJ) != 0);
    }
    if (e > b && e <= ws->t->ntoks) ADD(T_FINITE, qt_finite_signs(ws, b, e), before * 2 + ((cls & L_OBJ) != 0));
    /* the cue word used attributively: "total confirmed cases", "require
     * continued growth": what stands on both sides of it; an adverb (-ly)
     * before a verb is no sign of that */
    int pv2 = pv == 28 && c > 0 && word_ends(ws, c - 1, "ly") ? 29 : pv;
    ADD(T_ATTR, pv2 * 32 + n1, (tok(ws, c)->flags & NE_TF_CAP) != 0);
    uint32_t words = 0;
    for (uint32_t i = b; i < e && i < ws->t->ntoks; i++) words += tok(ws, i)->kind == NE_TOK_WORD;
    ADD(T_QNEAR, quotes_near(ws, s, c), bucket(words) * 2 + before);
    const np *sj = &s->subj;
    if (sj->kind != NP_NONE && sj->head < ws->t->ntoks) {
        if (sj->kind == NP_DESC) {
            int lex = subject_lex(ws, sj->head);
            ADD(T_SUBJ_LEX, lex, 0);
            ADD(T_CUE_SUBJ_LEX, cue, lex);
        }
        /* what stands before the subject: a noun before "he promised" (a
         * relative clause without "that"), "which" before "Mr. Ailes denies" */
        ADD(T_SUBJ_PREV, sj->beg > 0 ? tok_class(ws, (int64_t)sj->beg - 1) : 0, sj->kind);
    }
    return n;
}

int qt_stmt_candidate(const ne_quotes_ws *ws, const stmt *s)
{
    return s->kind != NE_QUOTE_DIRECT && s->cue >= 0 && !s->floating && (size_t)s->cue < ws->t->ntoks;
}

size_t qt_stmt_features(const ne_quotes_ws *ws, const stmt *s, uint32_t *f, uint8_t *tm)
{
    size_t n = 0;
    uint32_t c = (uint32_t)s->cue, ce = s->cue_end > s->cue ? (uint32_t)s->cue_end : c + 1;
    uint32_t cls = ws->ti[c].cls;
    uint32_t cue = word_key(ws, c);
    int kind = s->kind;
    ADD(T_BIAS, 0, 0);
    ADD(T_KIND, kind, 0);
    ADD(T_CUE, cue, 0);
    ADD(T_CUE_KIND, cue, kind);
    uint32_t bits = cls & (L_IND | L_OBJ | L_AMB | L_PART | L_ING | L_ACCORD | L_PASS | L_TRAIL | L_PUT_IT);
    ADD(T_CUEBITS, bits, kind);
    int before = s->cend <= c;   /* "…, X said": the clause precedes the verb */
    ADD(T_BEFORE, before, kind);
    int n1 = tok_class(ws, ce), n2 = tok_class(ws, (int64_t)ce + 1), pv = tok_class(ws, (int64_t)c - 1);
    ADD(T_NEXT1, n1, before);
    ADD(T_NEXT2, n2, before);
    ADD(T_NEXT12, n1 * 32 + n2, before);
    ADD(T_CUE_NEXT, cue, n1 * 2 + before);
    ADD(T_PREV, pv, 0);
    ADD(T_CUE_PREV, cue, pv);
    uint32_t tail = 0;   /* words from the verb to the sentence's end: "…, X said." or a long tail */
    for (uint32_t i = ce; i < ws->t->ntoks && tail < 40 && !is_stop(ws, i) && tok(ws, i)->para == tok(ws, c)->para; i++)
        tail += tok(ws, i)->kind == NE_TOK_WORD;
    ADD(T_TAIL, bucket(tail), before);
    if (function_word(ws, ce)) ADD(T_NEXTWORD, word_key(ws, ce), before);
    else if (!before) ADD(T_ANYWORD, cue, word_key(ws, ce));
    /* the content */
    uint32_t b = s->cbeg, e = s->cend;
    if (e > b && e <= ws->t->ntoks) {
        ADD(T_FIRST, tok_class(ws, b), before);
        ADD(T_CUE_FIRST, cue, tok_class(ws, b) * 2 + before);
        ADD(T_GAP, before ? 8 : bucket(b >= ce ? b - ce : 0), 0);
        int that = 0, subj = 0, aux = 0, quote = 0, ed = 0;
        for (uint32_t i = b > 0 && !before ? b - 1 : b; i < e && i < b + 12; i++) {
            uint32_t x = ws->ti[i].cls;
            const ne_token *k = tok(ws, i);
            ed |= k->kind == NE_TOK_WORD && k->end - k->start > 3 && ws->t->s[k->end - 2] == 'e' &&
                  ws->t->s[k->end - 1] == 'd' && ws->ti[i].ent < 0;
            that |= (x & L_THAT) != 0;
            subj |= (x & L_SUBJ) != 0;
            aux |= (x & (L_BE | L_SKIP)) != 0;
            quote |= tok(ws, i)->kind == NE_TOK_QUOTE;
        }
        int clause = that | subj << 1 | aux << 2 | quote << 3;
        ADD(T_CLAUSE, clause, kind);
        ADD(T_CUE_CLAUSE, cue, (clause & 7) | ed << 3);
        ADD(T_VERBISH, ed | aux << 1 | subj << 2, before);
        uint32_t words = 0;
        for (uint32_t i = b; i < e; i++) words += tok(ws, i)->kind == NE_TOK_WORD;
        ADD(T_LEN, bucket(words), kind);
    }
    /* the subject */
    const np *sj = &s->subj;
    ADD(T_SUBJ, sj->kind, sj->passive | sj->neg << 1);
    ADD(T_CUE_SUBJ, cue, sj->kind);
    if (sj->kind != NP_NONE && sj->head < ws->t->ntoks) {
        if (sj->kind == NP_MENTION) {
            const ne_entity *en = ent_of(ws, ws->ti[sj->head].ent);
            ADD(T_SUBJ_ENT, en ? (int)en->type + 1 : 0, 0);
            ADD(T_CUE_ENT, cue, en ? (int)en->type + 1 : 0);
        } else if (sj->kind == NP_PRON) {
            ADD(T_SUBJ_PRON, ws->ti[sj->head].cls & (L_HE | L_SHE | L_THEY | L_IT | L_SELF | L_YOU), 0);
        } else {
            ADD(T_SUBJ_HEAD, word_key(ws, sj->head), 0);
        }
    }
    if (ws->stmt_trial) n = trial_features(ws, s, f, tm, n);
    return n;
}

float qt_stmt_score(const ne_quotes_ws *ws, const stmt *s, const float *w)
{
    uint32_t f[QT_STMT_MAXF];
    size_t nf = qt_stmt_features(ws, s, f, NULL);
    float sc = 0;
    for (size_t i = 0; i < nf; i++) sc += w[f[i]];
    return sc;
}

/* ---- the filter ----------------------------------------------------------------- */

void qt_filter_statements(ne_quotes_ws *ws)
{
    const float *w = qt_stmt_weights();
    if (!w || ws->no_filter) return;
    size_t k = 0;
    for (size_t i = 0; i < ws->nst; i++) {
        stmt *s = &ws->st[i];
        int keep = !qt_stmt_candidate(ws, s) || qt_stmt_score(ws, s, w) >= 0;
        if (!keep || k != i)   /* the quotations follow their statement's new index, or are free again */
            for (size_t r = 0; r < ws->nrq; r++)
                if (ws->rq[r].owner == (int32_t)i) ws->rq[r].owner = keep ? (int32_t)k : -1;
        if (!keep) continue;
        if (k != i) ws->st[k] = *s;
        k++;
    }
    if (k == ws->nst) return;
    ws->nst = k;
    /* the dropped clauses are no reported clauses: their mentions count
     * again for pronouns and roles (quotes_speakers.c reads the regions) */
    for (size_t i = 0; i < ws->t->ntoks; i++)
        if (ws->ti[i].region == R_CONTENT) ws->ti[i].region = R_OUT;
    for (size_t i = 0; i < ws->nst; i++) {
        const stmt *s = &ws->st[i];
        if (s->kind == NE_QUOTE_DIRECT) continue;
        for (uint32_t x = s->cbeg; x < s->cend && x < ws->t->ntoks; x++)
            if (ws->ti[x].region == R_OUT) ws->ti[x].region = R_CONTENT;
    }
}
