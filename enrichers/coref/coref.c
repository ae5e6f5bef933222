/* coref.c — the model file, the lexicons, the features and the
 * mention-ranking resolver (coref.h). */
#include "enrichers/coref/coref_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hash.h"
#include "common/xalloc.h"

#define MAGIC "newsenrich-coref 1"

/* ---- words and lexicons ------------------------------------------------- */

uint64_t coref_word_hash(const char *s, size_t len)
{
    if (len > 2 && (s[len - 2] == '\'' ) && (s[len - 1] == 's' || s[len - 1] == 'S')) len -= 2;
    else if (len > 4 && (unsigned char)s[len - 4] == 0xe2 && (unsigned char)s[len - 3] == 0x80 &&
             (unsigned char)s[len - 2] == 0x99 && (s[len - 1] == 's' || s[len - 1] == 'S')) len -= 4;
    else if (len > 1 && s[len - 1] == '\'') len -= 1;
    else if (len > 1 && s[len - 1] == '.') len -= 1;        /* Mr. = Mr, Sen. = Sen */
    uint64_t h = NE_FNV64_OFFSET;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        h = ne_fnv1a_step(h, (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    h = ne_mix64(h);
    return h ? h : 1;
}

uint32_t coref_lex(const ne_coref_model *m, const char *s, size_t len)
{
    const uint64_t *v = ne_map_get(&m->lex, coref_word_hash(s, len));
    return v ? (uint32_t)*v : 0;
}

static void lex_add(ne_coref_model *m, const char *s, size_t len, uint32_t bits)
{
    uint64_t *v = ne_map_put(&m->lex, coref_word_hash(s, len));
    *v |= bits;
}

static void lex_add_list(ne_coref_model *m, const char *words, uint32_t bits)
{
    for (const char *p = words; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) lex_add(m, p, (size_t)(e - p), bits);
        p = e;
    }
}

/* The built-in lexicons: closed classes and the news roles GUM has few of.
 * The trainer adds given names and nouns found in its data. */
static void lex_builtin(ne_coref_model *m)
{
    lex_add_list(m, "he him his himself", LEX_PRON | LEX_MALE);
    lex_add_list(m, "she her hers herself", LEX_PRON | LEX_FEMALE);
    lex_add_list(m, "they them their theirs themselves it its", LEX_PRON);
    lex_add_list(m, "it its", LEX_IT);
    lex_add_list(m, "his her their its", LEX_POSSPRON);
    lex_add_list(m, "mr mister sir lord king prince duke father brother uncle husband son boy man "
                 "gentleman businessman chairman spokesman congressman councilman policeman "
                 "actor emperor nephew grandfather", LEX_MALE);
    lex_add_list(m, "mrs ms miss madam lady queen princess duchess mother sister aunt wife daughter "
                 "girl woman businesswoman chairwoman spokeswoman congresswoman councilwoman "
                 "policewoman actress empress niece grandmother dame", LEX_FEMALE);
    lex_add_list(m, "mr mrs ms miss dr sir dame lord lady mister madam", LEX_HONORIF);
    lex_add_list(m, "president mayor minister premier governor senator spokesman spokeswoman "
                 "spokesperson chancellor chairman chairwoman chair ceo chief leader secretary "
                 "director commissioner ambassador judge justice attorney general sheriff "
                 "prosecutor coach manager captain king queen prince princess pope bishop "
                 "representative rep sen gov congressman congresswoman councillor councilor "
                 "councilman councilwoman mp mla deputy officer detective sergeant lieutenant "
                 "colonel inspector superintendent chancellor treasurer founder owner editor "
                 "executive head administrator dean principal professor dr "
                 "prime vice candidate nominee incumbent challenger speaker lawmaker pm",
                 LEX_TITLE);
    lex_add_list(m, "man woman boy girl player defenceman defender forward goaltender goalie "
                 "striker midfielder rookie veteran winger pitcher quarterback actor actress "
                 "singer star victim suspect driver officer resident father mother son daughter "
                 "wife husband brother sister teenager student teacher doctor lawyer author "
                 "writer journalist reporter analyst economist scientist researcher expert "
                 "activist worker businessman businesswoman billionaire politician lawmaker "
                 "diplomat official spokesperson year-old", LEX_PERSON);
    lex_add_list(m, "company firm department ministry government agency administration "
                 "corporation group organization organisation party team club council "
                 "committee commission board bank authority union office campaign embassy "
                 "kremlin police court army regime network", LEX_ORG);
    lex_add_list(m, "statement release communique office", LEX_STMT);
    lex_add_list(m, "said says say told tells added adds stated states announced announces "
                 "explained wrote writes noted argued insisted asked replied claimed warned "
                 "according", LEX_CUE);
    lex_add_list(m, "is was are were has had have will would can could did does do may might "
                 "must should shall said says told added became becomes remained won lost "
                 "made makes took takes went goes came comes gave gives got gets began "
                 "left joined moved returned served worked played died married wrote "
                 "announced called described believes believed thinks thought wants wanted "
                 "also never then later still", LEX_VERB);
    lex_add_list(m, "the a an", LEX_DET);
    lex_add_list(m, "of for in on at to from by with and or but that who which whose "
                 "as than when while after before since because if", LEX_STOP);
}

/* ---- model -------------------------------------------------------------- */

ne_coref_model *ne_coref_model_new(unsigned bits)
{
    ne_coref_model *m = ne_xcalloc(1, sizeof *m);
    if (bits < 10) bits = 10;
    if (bits > 24) bits = 24;
    m->nw = (size_t)1 << bits;
    m->w = ne_xcalloc(m->nw, sizeof *m->w);
    m->window = 30;
    ne_map_reset(&m->lex, 4096);
    lex_builtin(m);
    return m;
}

void ne_coref_free(ne_coref_model *m)
{
    if (!m) return;
    free(m->w);
    free(m->ck);
    free(m->cv);
    ne_map_free(&m->lex);
    ne_syntax_free(m->syn);
    for (size_t i = 0; i < m->nsaved; i++) free(m->saved[i].word);
    free(m->saved);
    free(m);
}

float *ne_coref_weights(ne_coref_model *m, size_t *n) { *n = m->nw; return m->w; }
int ne_coref_window(const ne_coref_model *m) { return m->window; }
void ne_coref_set_window(ne_coref_model *m, int window) { m->window = window > 0 ? window : 1; }
const char *ne_coref_model_info(const ne_coref_model *m) { return m->info; }

void ne_coref_set_info(ne_coref_model *m, int window, const char *info)
{
    ne_coref_set_window(m, window);
    snprintf(m->info, sizeof m->info, "%s", info ? info : "");
    for (char *p = m->info; *p; p++) if (*p == '\n') *p = ' ';
}

static void saved_add(ne_coref_model *m, const char *s, size_t len, uint32_t bits)
{
    ne_grow(&m->saved, &m->capsaved, m->nsaved + 1, sizeof *m->saved);
    m->saved[m->nsaved].word = ne_xstrndup(s, len);
    m->saved[m->nsaved].bits = bits;
    m->nsaved++;
    lex_add(m, s, len, bits | LEX_FROMDATA);
}

int ne_coref_add_name(ne_coref_model *m, const char *s, size_t len, int gender)
{
    /* "President", "Judge", "The": never a given name */
    if (coref_lex(m, s, len) & (LEX_TITLE | LEX_HONORIF | LEX_PERSON | LEX_ORG | LEX_STMT | LEX_PRON | LEX_DET | LEX_STOP))
        return 0;
    if (gender == NE_GENDER_MALE) saved_add(m, s, len, LEX_MALE);
    else if (gender == NE_GENDER_FEMALE) saved_add(m, s, len, LEX_FEMALE);
    else return 0;
    return 1;
}

void ne_coref_add_noun(ne_coref_model *m, const char *s, size_t len, int kind)
{
    static const uint32_t bits[8] = { 0, LEX_TITLE, LEX_PERSON, LEX_ORG, LEX_STMT, LEX_VERB, LEX_ADP, LEX_CLAUSE };
    if (kind >= 1 && kind <= 7) saved_add(m, s, len, bits[kind]);
}

int ne_coref_given_name(const ne_coref_model *m, const char *s, size_t len)
{
    uint32_t b = coref_lex(m, s, len);
    if (!(b & LEX_FROMDATA) || (b & (LEX_HONORIF | LEX_TITLE | LEX_PERSON | LEX_ORG | LEX_STMT))) return NE_GENDER_UNKNOWN;
    return ne_coref_name_gender(m, s, len);
}

unsigned ne_coref_word_class(const ne_coref_model *m, const char *s, size_t len)
{
    uint32_t b = coref_lex(m, s, len);
    unsigned c = 0;
    if (b & (LEX_TITLE | LEX_PERSON | LEX_ORG | LEX_STMT | LEX_HONORIF)) c |= NE_COREF_WORD_NOUN;
    if (b & (LEX_PRON | LEX_DET | LEX_STOP | LEX_IT | LEX_POSSPRON | LEX_ADP | LEX_CLAUSE)) c |= NE_COREF_WORD_FUNCTION;
    if (b & (LEX_VERB | LEX_CUE)) c |= NE_COREF_WORD_VERB;
    return c;
}

int ne_coref_name_gender(const ne_coref_model *m, const char *s, size_t len)
{
    uint32_t b = coref_lex(m, s, len);
    if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_MALE) return NE_GENDER_MALE;
    if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_FEMALE) return NE_GENDER_FEMALE;
    return NE_GENDER_UNKNOWN;
}

int ne_coref_save(const ne_coref_model *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    unsigned bits = 0;
    while (((size_t)1 << bits) < m->nw) bits++;
    size_t nz = 0;
    for (size_t i = 0; i < m->nw; i++) nz += m->w[i] != 0.0f;
    fprintf(f, "%s\nbits %u\nwindow %d\ninfo %s\nlex %zu\n", MAGIC, bits, m->window, m->info, m->nsaved);
    for (size_t i = 0; i < m->nsaved; i++) fprintf(f, "%s\t%u\n", m->saved[i].word, m->saved[i].bits);
    fprintf(f, "weights %zu\n", nz);
    for (size_t i = 0; i < m->nw; i++)
        if (m->w[i] != 0.0f) fprintf(f, "%zu %.6g\n", i, (double)m->w[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return -1;
    return 0;
}

/* The nonzero weights into m->ck/cv (see coref_int.h): the same scores,
 * a few cache lines per mention instead of a cache miss per feature. */
static void compact_weights(ne_coref_model *m)
{
    size_t nz = 0, cap = 16;
    for (size_t i = 0; i < m->nw; i++) nz += m->w[i] != 0.0f;
    while (cap < 2 * nz) cap <<= 1;
    m->ck = ne_xcalloc(cap, sizeof *m->ck);
    m->cv = ne_xcalloc(cap, sizeof *m->cv);
    m->cmask = cap - 1;
    for (size_t i = 0; i < m->nw; i++) {
        if (m->w[i] == 0.0f) continue;
        size_t s = i & m->cmask;
        while (m->ck[s]) s = (s + 1) & m->cmask;
        m->ck[s] = (uint32_t)i + 1;
        m->cv[s] = m->w[i];
    }
}

ne_coref_model *ne_coref_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    char line[1024];
    unsigned bits = 0;
    int window = 0;
    size_t nlex = 0, nw = 0;
    ne_coref_model *m = NULL;
    if (!fgets(line, sizeof line, f) || strncmp(line, MAGIC, strlen(MAGIC)) != 0) goto bad;
    if (!fgets(line, sizeof line, f) || sscanf(line, "bits %u", &bits) != 1 || bits < 10 || bits > 24) goto bad;
    if (!fgets(line, sizeof line, f) || sscanf(line, "window %d", &window) != 1 || window < 1) goto bad;
    m = ne_coref_model_new(bits);
    m->window = window;
    if (!fgets(line, sizeof line, f) || strncmp(line, "info ", 5) != 0) goto bad;
    line[strcspn(line, "\n")] = '\0';
    size_t il = strlen(line + 5);
    if (il >= sizeof m->info) il = sizeof m->info - 1;
    memcpy(m->info, line + 5, il);
    m->info[il] = '\0';
    if (!fgets(line, sizeof line, f) || sscanf(line, "lex %zu", &nlex) != 1) goto bad;
    for (size_t i = 0; i < nlex; i++) {
        if (!fgets(line, sizeof line, f)) goto bad;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) goto bad;
        saved_add(m, line, (size_t)(tab - line), (uint32_t)strtoul(tab + 1, NULL, 10));
    }
    if (!fgets(line, sizeof line, f) || sscanf(line, "weights %zu", &nw) != 1) goto bad;
    for (size_t i = 0; i < nw; i++) {
        char *e;
        if (!fgets(line, sizeof line, f)) goto bad;
        unsigned long idx = strtoul(line, &e, 10);
        if (e == line || idx >= m->nw) goto bad;
        m->w[idx] = strtof(e, NULL);
    }
    fclose(f);
    compact_weights(m);
    {
        /* the role tagger beside the model file; without it the syntax
         * features read "not tagged" and the model scores as a model
         * trained without them would */
        char sp[4096];
        const char *slash = strrchr(path, '/');
        int dl = slash ? (int)(slash - path) + 1 : 0;
        snprintf(sp, sizeof sp, "%.*ssyntax.model", dl, path);
        char serr[256];
        (void)ne_coref_load_syntax(m, sp, serr, sizeof serr);
    }
    return m;
bad:
    snprintf(err, errlen, "%s: not a coreference model (newsenrich-coref 1) or truncated", path);
    fclose(f);
    ne_coref_free(m);
    return NULL;
}

int ne_coref_load_syntax(ne_coref_model *m, const char *path, char *err, size_t errlen)
{
    ne_syntax_model *syn = ne_syntax_load(path, err, errlen);
    if (!syn) return -1;
    ne_syntax_free(m->syn);
    m->syn = syn;
    return 0;
}

int ne_coref_has_syntax(const ne_coref_model *m) { return m && m->syn != NULL; }

/* ---- workspace ---------------------------------------------------------- */

void coref_tokbits(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t)
{
    if (ws->bits_s == t->s && ws->bits_n == t->ntoks && ws->tokbits) return;
    ne_grow(&ws->tokbits, &ws->captokbits, t->ntoks + 1, sizeof *ws->tokbits);
    ne_grow(&ws->tokhash, &ws->captokhash, t->ntoks + 1, sizeof *ws->tokhash);
    for (size_t i = 0; i < t->ntoks; i++) {
        uint64_t h = coref_word_hash(t->s + t->toks[i].start, t->toks[i].end - t->toks[i].start);
        const uint64_t *v = t->toks[i].kind == NE_TOK_WORD ? ne_map_get(&m->lex, h) : NULL;
        ws->tokhash[i] = h;
        ws->tokbits[i] = v ? (uint32_t)*v : 0;
    }
    ws->bits_s = t->s;
    ws->bits_n = t->ntoks;
}

ne_coref_ws *ne_coref_ws_new(void) { return ne_xcalloc(1, sizeof(ne_coref_ws)); }

void ne_coref_ws_free(ne_coref_ws *ws)
{
    if (!ws) return;
    free(ws->at); free(ws->cl); free(ws->tok_sent); free(ws->tok_quote); free(ws->pcomma); free(ws->pclause); free(ws->sent_first);
    free(ws->cnext); free(ws->det); free(ws->scores); free(ws->cands); free(ws->comp); free(ws->rank); free(ws->tokbits); free(ws->tokhash);
    free(ws->sent_speaker); free(ws->tok_role); free(ws->pmark); free(ws->synw); free(ws->need);
    free(ws);
}

/* ---- mention attributes ------------------------------------------------- */

static int is_word(const ne_text *t, size_t i) { return t->toks[i].kind == NE_TOK_WORD; }

static uint64_t mix2(uint64_t a, uint64_t b) { return ne_mix64(a * 0x9e3779b97f4a7c15ULL + b + 1); }

/* MF_CATA on a pronoun in a fronted clause whose main clause starts with
 * a name of no other gender: the sentence opens with a preposition, a
 * clause word or an -ing form ("In", "When", "Living"), the pronoun
 * comes before the sentence's first comma, and the first mention after
 * that comma is a name ("In her tenure as president from 1988, Adele
 * …"). The pronoun may then start its entity and the name join it
 * (cataphora). */
static void mark_cataphora(ne_coref_ws *ws, const ne_text *t, const ne_coref_mention *ms, size_t n)
{
    const uint32_t *tb = ws->tokbits;
    ne_grow(&ws->cnext, &ws->capcnext, n + 1, sizeof *ws->cnext);
    for (size_t k = 0; k < n; k++) ws->cnext[k] = -1;
    for (size_t k = 0; k < n; k++) {
        if (ms[k].kind != NE_COREF_PRONOUN || ms[k].tok_start >= t->ntoks) continue;
        const ne_sentence *se = &t->sents[ws->at[k].sent];
        size_t w = se->tok_start;
        while (w < ms[k].tok_start && t->toks[w].kind != NE_TOK_WORD) w++;
        if (w >= ms[k].tok_start) continue;
        const char *p = tok_ptr(t, w);
        size_t l = tok_len(t, w);
        if (!(tb[w] & (LEX_ADP | LEX_CLAUSE | LEX_STOP)) && !(l > 4 && !strncmp(p + l - 3, "ing", 3))) continue;
        size_t comma = ms[k].tok_end;
        while (comma < se->tok_end && comma < t->ntoks &&
               !(t->toks[comma].kind == NE_TOK_PUNCT && t->s[t->toks[comma].start] == ','))
            comma++;
        if (comma >= se->tok_end || comma >= t->ntoks) continue;
        int early = 1;   /* the pronoun before the sentence's first comma */
        for (size_t q = se->tok_start; q < ms[k].tok_start && early; q++)
            early = !(t->toks[q].kind == NE_TOK_PUNCT && t->s[t->toks[q].start] == ',');
        if (!early) continue;
        for (size_t j = k + 1; j < n; j++) {
            if (ms[j].tok_start < comma) continue;
            if (ms[j].tok_start == comma + 1 && ms[j].kind == NE_COREF_NAME &&
                !(ms[j].gender && ms[k].gender && ms[j].gender != ms[k].gender)) {
                ws->at[k].flags |= MF_CATA;
                ws->cnext[k] = (int32_t)j;
            }
            break;
        }
    }
}

/* The name at tokens [ts, te) is the subject of an inverted cue after a
 * comma or a quotation mark: "…, says analyst Nathan Brookwood of
 * Insight 64.", "…, said former president Barack Obama," — up to three
 * lower-case words, titles or determiners between the cue and the name,
 * and after the name a punctuation mark, a preposition or a clause word,
 * not a verb ("X, a fellow at Y, said Trump could …" names no speaker),
 * and not a cue of an addressee ("…, told Reuters").
 * So the cue subject of the sentence (ws->sent_speaker) is the one a
 * later "he says" continues; before, only "“…,” said X" was. */
static int inverted_cue_subject(const ne_coref_ws *ws, const ne_text *t, uint32_t ts, uint32_t te)
{
    const uint32_t *tb = ws->tokbits;
    uint32_t j = ts;
    for (int k = 0; k < 3 && j > 0 && is_word(t, j - 1) && !(tb[j - 1] & LEX_CUE); k++) {
        uint32_t b = tb[j - 1];
        if ((t->toks[j - 1].flags & NE_TF_CAP) && !(b & (LEX_TITLE | LEX_HONORIF | LEX_DET))) return 0;
        if (b & (LEX_STOP | LEX_ADP | LEX_PRON | LEX_VERB)) return 0;
        j--;
    }
    if (j < 2 || !is_word(t, j - 1) || !(tb[j - 1] & LEX_CUE)) return 0;
    /* "…, told Reuters": a cue of an addressee */
    const char *c = tok_ptr(t, j - 1);
    size_t cl = tok_len(t, j - 1);
    if ((cl == 4 && !strncasecmp(c, "told", 4)) || (cl == 5 && !strncasecmp(c, "tells", 5)) ||
        (cl == 5 && !strncasecmp(c, "asked", 5)))
        return 0;
    const ne_token *p = &t->toks[j - 2];
    if (!(p->kind == NE_TOK_QUOTE || (p->kind == NE_TOK_PUNCT && t->s[p->start] == ','))) return 0;
    if (te >= t->ntoks || t->toks[te].kind == NE_TOK_PUNCT || t->toks[te].kind == NE_TOK_QUOTE) return 1;
    return is_word(t, te) && (tb[te] & (LEX_ADP | LEX_STOP)) && !(t->toks[te].flags & NE_TF_CAP);
}

/* ---- syntax ----------------------------------------------------------------- */

static uint8_t role_class(int l)
{
    switch (l) {
    case NE_SYN_NSUBJ: return ROLE_SUBJ;
    case NE_SYN_OBJ: case NE_SYN_IOBJ: return ROLE_OBJ;
    case NE_SYN_OBL: return ROLE_OBL;
    case NE_SYN_NMOD: return ROLE_NMOD;
    case NE_SYN_POSS: return ROLE_POSS;
    case NE_SYN_APPOS: return ROLE_APPOS;
    case NE_SYN_CONJ: return ROLE_CONJ;
    default: return ROLE_OTHER;
    }
}

/* Whether pronoun k has two or more candidates of its gender (or of
 * none) with different heads in its window: only then can roles change
 * its decision, and most news pronouns have one. (Counting only the
 * candidates of the tagged sentences saved 4% of the coreference time and
 * scored lower.) */
static int ambiguous(const ne_coref_ws *ws, size_t k, size_t win)
{
    const ne_coref_mention *p = &ws->ms[k];
    uint64_t first = 0;
    for (size_t j = k >= win ? k - win : 0; j < k; j++) {
        const ne_coref_mention *c = &ws->ms[j];
        if (c->kind == NE_COREF_PRONOUN) continue;
        if (p->gender && c->gender && c->gender != p->gender) continue;
        if (p->gender && ws->at[j].type == NE_ENT_ORG) continue;
        uint64_t h = ws->at[j].head;
        if (!first) first = h;
        else if (h != first) return 1;
    }
    return 0;
}

/* Tags with the role tagger only what a pronoun's syntax features read,
 * and only for a pronoun with two candidates of its gender (ambiguous):
 * the pronoun's sentence up to it and the sentence before up to its last
 * candidate ("Mr Putin told reporters that Manafort's … He also said"),
 * three words more for the tagger's right context; candidates further
 * back read "not tagged". Tagging whole articles would cost the chain a
 * third of its speed; this costs about a tenth (perf, bench corpus).
 * Tagging the sentence before only for a pronoun that is its sentence's
 * first mention saved nothing measurable and scored lower in make
 * coref-cv (0.605 against 0.607). Then fills each tagged mention's role,
 * role token, whether it is its sentence's first subject, and for a
 * pronoun its clause's subject token. */
static void tag_roles(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t, size_t n)
{
    ne_grow(&ws->tok_role, &ws->caprole, t->ntoks + 1, 1);
    ws->pmark = ne_xrealloc(ws->pmark, ws->caprole * sizeof *ws->pmark);
    memset(ws->tok_role, 0xff, t->ntoks + 1);
    for (size_t k = 0; k < n; k++) ws->at[k].subj_tok = UINT32_MAX;
    if (!m->syn || !t->ntoks) return;
    ne_grow(&ws->need, &ws->capneed, (t->nsents + 1) * sizeof(uint32_t), 1);
    uint32_t *need = (uint32_t *)(void *)ws->need;    /* token end to tag to, per sentence; 0: none */
    memset(need, 0, (t->nsents + 1) * sizeof *need);
    size_t win = (size_t)m->window, any = 0;
    for (size_t k = 0; k < n; k++) {
        if (ws->ms[k].kind != NE_COREF_PRONOUN || !ambiguous(ws, k, win)) continue;
        uint32_t sk = ws->at[k].sent;
        for (size_t j = k >= win ? k - win : 0; j <= k; j++) {
            uint32_t sj = ws->at[j].sent;
            if (sj + 1 < sk || sj > sk) continue;
            if (ws->ms[j].tok_end > need[sj]) need[sj] = ws->ms[j].tok_end;
        }
        any = 1;
    }
    if (!any) return;
    for (size_t s = 0; s < t->nsents; s++) {
        if (!need[s]) continue;
        size_t a = t->sents[s].tok_start, b = t->sents[s].tok_end;
        if (b > t->ntoks) b = t->ntoks;
        if (b > (size_t)need[s] + 3) b = (size_t)need[s] + 3;
        if (a >= b) continue;
        ne_grow(&ws->synw, &ws->capsynw, b - a, sizeof *ws->synw);
        for (size_t i = a; i < b; i++) ws->synw[i - a] = (ne_syn_word){ tok_ptr(t, i), (uint32_t)tok_len(t, i) };
        ne_syntax_tag(m->syn, ws->synw, b - a, ws->tok_role + a);
    }
    uint16_t nm = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        ws->pmark[i] = nm;
        if (ws->tok_role[i] == NE_SYN_MARK) nm++;
    }
    ws->pmark[t->ntoks] = nm;
    for (size_t k = 0; k < n; k++) {
        mattr *at = &ws->at[k];
        const ne_coref_mention *mm = &ws->ms[k];
        if (mm->tok_end > need[at->sent] || mm->tok_start >= t->ntoks) continue;
        uint32_t te = mm->tok_end < t->ntoks ? mm->tok_end : (uint32_t)t->ntoks, r = te ? te - 1 : 0;
        /* the first word that is not a modifier bears the role; failing
         * that, a title right before a name ("Mr" of "Mr Putin", outside
         * the span, which the tagger may take for the head) */
        int found = 0;
        for (uint32_t i = mm->tok_start; i < te && !found; i++) {
            int l = ws->tok_role[i];
            if (l != NE_SYN_DET && l != NE_SYN_COMPOUND && l != NE_SYN_MOD && l != NE_SYN_CASE && l != NE_SYN_PUNCT)
                r = i, found = 1;
        }
        uint32_t ts0 = mm->tok_start;
        if (!found && mm->kind == NE_COREF_NAME && ts0 > t->sents[at->sent].tok_start && is_word(t, ts0 - 1) &&
            (t->toks[ts0 - 1].flags & NE_TF_CAP) && ws->tok_role[ts0 - 1] != 0xff) {
            int l = ws->tok_role[ts0 - 1];
            if (l == NE_SYN_NSUBJ || l == NE_SYN_OBJ || l == NE_SYN_IOBJ || l == NE_SYN_OBL || l == NE_SYN_POSS)
                r = ts0 - 1, found = 1;
        }
        if (ws->tok_role[r] == 0xff) continue;
        at->rtok = r;
        at->role = role_class(ws->tok_role[r]);
        /* a name the tagger read as the modifier of a noun that is not
         * there (EWT has few premodified news names: "English comedian and
         * actor Peter Serafinowicz needed …" comes out all compound): the
         * subject when a verb follows it */
        int forced = !found && (at->flags & MF_BEFORE_VERB);
        if (forced) {
            at->role = ROLE_SUBJ;
            ws->tok_role[r] = NE_SYN_NSUBJ;     /* and so the subject a later pronoun's clause reads */
        }
        size_t s0 = t->sents[at->sent].tok_start;
        size_t first = SIZE_MAX;
        for (size_t i = s0; i < t->sents[at->sent].tok_end && i < t->ntoks && ws->tok_role[i] != 0xff; i++)
            if (ws->tok_role[i] == NE_SYN_NSUBJ) { first = i; break; }
        /* its sentence's first subject; a title word the tagger took for
         * the subject right before a name ("Mr" of "Mr Putin") aside */
        if (first + 1 == mm->tok_start && first != r && at->role == ROLE_SUBJ) first = r;
        at->main_subj = first == r || (forced && (first == SIZE_MAX || first > r));
        if (mm->kind == NE_COREF_PRONOUN)
            for (size_t i = mm->tok_start; i > s0; i--)
                if (ws->tok_role[i - 1] == NE_SYN_NSUBJ) { at->subj_tok = (uint32_t)(i - 1); break; }
    }
}

void ne_coref_begin(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                    ne_coref_mention *ms, size_t n)
{
    ws->t = t; ws->ms = ms; ws->n = n;
    coref_tokbits(m, ws, t);
    const uint32_t *tb = ws->tokbits;
    ne_grow(&ws->sent_first, &ws->capsf, t->nsents + 1, sizeof *ws->sent_first);
    ne_grow(&ws->sent_speaker, &ws->capss, t->nsents + 1, sizeof *ws->sent_speaker);
    for (size_t s = 0; s <= t->nsents; s++) ws->sent_first[s] = ws->sent_speaker[s] = -1;
    ws->topic = -1;
    ne_grow(&ws->at, &ws->capat, n + 1, sizeof *ws->at);
    ne_grow(&ws->cl, &ws->capcl, n + 1, sizeof *ws->cl);
    if (ws->caprank < n + 1) {
        ws->caprank = n + 16;
        ws->comp = ne_xrealloc(ws->comp, ws->caprank);
        ws->rank = ne_xrealloc(ws->rank, ws->caprank * sizeof *ws->rank);
    }
    if (ws->captoks < t->ntoks + 1) {
        size_t c = ws->captoks;
        ne_grow(&ws->tok_sent, &ws->captoks, t->ntoks + 1, sizeof *ws->tok_sent);
        ws->tok_quote = ne_xrealloc(ws->tok_quote, ws->captoks);
        ws->pcomma = ne_xrealloc(ws->pcomma, ws->captoks * sizeof *ws->pcomma);
        ws->pclause = ne_xrealloc(ws->pclause, ws->captoks * sizeof *ws->pclause);
        (void)c;
    }
    {
        uint16_t nc = 0, ncl = 0;
        for (size_t i = 0; i < t->ntoks; i++) {
            ws->pcomma[i] = nc;
            ws->pclause[i] = ncl;
            const char *p = tok_ptr(t, i);
            size_t l = tok_len(t, i);
            if (t->toks[i].kind == NE_TOK_PUNCT && (p[0] == ',' || p[0] == ';' || p[0] == '(')) nc++;
            else if (tb[i] & LEX_CLAUSE) ncl++;
            else if ((tb[i] & LEX_STOP) && l >= 3 &&
                     (strncmp(p, "and", l) == 0 || strncmp(p, "but", l) == 0 || strncmp(p, "who", l) == 0 ||
                      strncmp(p, "which", l) == 0 || strncmp(p, "while", l) == 0 || strncmp(p, "when", l) == 0 ||
                      strncmp(p, "after", l) == 0 || strncmp(p, "before", l) == 0 || strncmp(p, "because", l) == 0 ||
                      strncmp(p, "that", l) == 0 || strncmp(p, "since", l) == 0))
                ncl++;
        }
    }
    for (size_t s = 0; s < t->nsents; s++)
        for (uint32_t i = t->sents[s].tok_start; i < t->sents[s].tok_end && i < t->ntoks; i++)
            ws->tok_sent[i] = (uint32_t)s;
    /* Inside quotation marks: between an opening and a closing mark, within
     * a paragraph. */
    int inq = 0;
    uint32_t para = 0;
    for (size_t i = 0; i < t->ntoks; i++) {
        if (t->toks[i].para != para) { para = t->toks[i].para; inq = 0; }
        if (t->toks[i].kind == NE_TOK_QUOTE) {
            if (t->toks[i].flags & NE_TF_OPEN) inq = 1;
            else if (t->toks[i].flags & NE_TF_CLOSE) inq = 0;
            else inq = !inq;
        }
        ws->tok_quote[i] = (uint8_t)inq;
    }
    for (size_t k = 0; k < n; k++) {
        ne_coref_mention *mm = &ms[k];
        mattr *a = &ws->at[k];
        memset(a, 0, sizeof *a);
        uint32_t ts = mm->tok_start, te = mm->tok_end;
        if (te > t->ntoks) te = (uint32_t)t->ntoks;
        if (ts >= te) { ts = te ? te - 1 : 0; }
        a->sent = t->ntoks ? ws->tok_sent[ts < t->ntoks ? ts : 0] : 0;
        a->para = t->ntoks ? t->toks[ts < t->ntoks ? ts : 0].para : 0;
        a->cluster = (int32_t)k;
        a->type = mm->type;
        int gender = NE_GENDER_UNKNOWN, number = NE_NUM_SING;
        /* words of the mention, titles and determiners set aside */
        uint64_t str = 0x1234;
        size_t first_w = SIZE_MAX, last_w = SIZE_MAX, nw = 0;
        for (uint32_t i = ts; i < te; i++) {
            if (!is_word(t, i) && t->toks[i].kind != NE_TOK_NUM) continue;
            uint32_t b = tb[i];
            if (b & LEX_HONORIF) {
                if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_MALE) gender = NE_GENDER_MALE;
                if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_FEMALE) gender = NE_GENDER_FEMALE;
                if (mm->kind == NE_COREF_NAME) continue;
            }
            if ((b & LEX_DET) || (mm->kind == NE_COREF_NAME && (b & LEX_TITLE) &&
                                  (t->toks[i].flags & NE_TF_CAP) && i + 1 < te)) continue;
            uint64_t h = tok_hash(ws, i);
            str = mix2(str, h);
            if (nw < 4) a->words[nw] = h;
            if (first_w == SIZE_MAX) first_w = i;
            last_w = i;
            nw++;
        }
        if (last_w == SIZE_MAX) last_w = te - 1, first_w = ts;
        a->str = str;
        a->head = tok_hash(ws, last_w);
        a->first = tok_hash(ws, first_w);
        a->last = a->head;
        a->nwords = (uint8_t)(nw > 255 ? 255 : nw);
        /* an honorific right before a name: "Mr McCallum" */
        if (mm->kind == NE_COREF_NAME && ts > 0) {
            uint32_t b = tb[ts - 1];
            if (b & LEX_HONORIF) {
                if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_MALE) gender = NE_GENDER_MALE;
                if ((b & (LEX_MALE | LEX_FEMALE)) == LEX_FEMALE) gender = NE_GENDER_FEMALE;
            }
        }
        uint32_t hb = tb[last_w];
        if (mm->kind == NE_COREF_PRONOUN) {
            if ((hb & (LEX_MALE | LEX_FEMALE)) == LEX_MALE) gender = NE_GENDER_MALE;
            else if ((hb & (LEX_MALE | LEX_FEMALE)) == LEX_FEMALE) gender = NE_GENDER_FEMALE;
            const char *p = tok_ptr(t, last_w);
            size_t l = tok_len(t, last_w);
            if (l >= 2 && (p[0] == 't' || p[0] == 'T') && (p[1] == 'h' || p[1] == 'H')) number = NE_NUM_PLUR;
            if (gender != NE_GENDER_UNKNOWN) a->type = NE_ENT_PER;
            if (hb & LEX_IT) a->type = NE_ENT_ORG;
            if (hb & LEX_POSSPRON) a->flags |= MF_POSS;
        } else if (mm->kind == NE_COREF_NAME && mm->type == NE_ENT_ORG) {
            gender = NE_GENDER_UNKNOWN;     /* "New York Times" is not a man */
        } else if (mm->kind == NE_COREF_NAME) {
            if (gender == NE_GENDER_UNKNOWN && nw >= 2)
                gender = ne_coref_name_gender(m, tok_ptr(t, first_w), tok_len(t, first_w));
            if (nw == 1 && gender == NE_GENDER_UNKNOWN && ts > 0 && !(t->toks[ts].flags & NE_TF_SENT_START)) {
                /* a lone given name ("Maggie") */
                gender = ne_coref_name_gender(m, tok_ptr(t, first_w), tok_len(t, first_w));
            }
        } else {
            if ((hb & (LEX_MALE | LEX_FEMALE)) == LEX_MALE) gender = NE_GENDER_MALE;
            else if ((hb & (LEX_MALE | LEX_FEMALE)) == LEX_FEMALE) gender = NE_GENDER_FEMALE;
            if (a->type < 0) {
                if (hb & (LEX_TITLE | LEX_PERSON)) a->type = NE_ENT_PER;
                else if (hb & LEX_ORG) a->type = NE_ENT_ORG;
            }
            const char *p = tok_ptr(t, last_w);
            size_t l = tok_len(t, last_w);
            if ((l > 3 && p[l - 1] == 's' && p[l - 2] != 's' && !(hb & (LEX_TITLE | LEX_PERSON | LEX_ORG | LEX_STMT))) ||
                (l == 5 && !strncasecmp(p, "women", 5)) || (l == 3 && !strncasecmp(p, "men", 3)) ||
                (l == 6 && !strncasecmp(p, "people", 6)))
                number = NE_NUM_PLUR;
            if (ts < te && is_word(t, ts)) {
                const char *q = tok_ptr(t, ts);
                size_t ql = tok_len(t, ts);
                if ((ql == 1 && (q[0] == 'a' || q[0] == 'A')) || (ql == 2 && strncasecmp(q, "an", 2) == 0))
                    a->flags |= MF_INDEF;
            }
        }
        if (mm->age && mm->kind != NE_COREF_PRONOUN && a->type < 0) a->type = NE_ENT_PER;
        if (mm->hide_gender) gender = NE_GENDER_UNKNOWN;   /* a person still, of no known gender */
        mm->gender = (uint8_t)gender;
        mm->number = (uint8_t)number;
        /* position: the grammatical-role proxies */
        size_t s0 = t->sents[a->sent].tok_start;
        size_t j = s0;
        while (j < ts && (t->toks[j].kind == NE_TOK_QUOTE || t->toks[j].kind == NE_TOK_PUNCT)) j++;
        if (j == ts) a->flags |= MF_SENT_START;
        if (te < t->ntoks && is_word(t, te)) {
            /* a pronoun, an adverb, a verb: "he again asked", "she also
             * won", "he later said" (for names too: make coref-cv 0.707 ->
             * 0.703) */
            uint32_t v = te;
            if (mm->kind == NE_COREF_PRONOUN && v + 1 < t->ntoks && is_word(t, v + 1) &&
                !(t->toks[v].flags & NE_TF_CAP) && !(tb[v] & LEX_CUE)) {
                const char *p = tok_ptr(t, v);
                size_t l = tok_len(t, v);
                if ((l > 3 && p[l - 2] == 'l' && p[l - 1] == 'y') || (l == 4 && !strncmp(p, "also", 4)) ||
                    (l == 5 && !strncmp(p, "again", 5)) || (l == 5 && !strncmp(p, "later", 5)) ||
                    (l == 4 && !strncmp(p, "then", 4)) || (l == 5 && !strncmp(p, "still", 5)) ||
                    (l == 5 && !strncmp(p, "never", 5)) || (l == 4 && !strncmp(p, "soon", 4)))
                    v++;
            }
            uint32_t nb = tb[v];
            const char *p = tok_ptr(t, v);
            size_t l = tok_len(t, v);
            if (!(t->toks[v].flags & NE_TF_CAP) &&
                ((nb & LEX_VERB) || (l > 3 && p[l - 2] == 'e' && p[l - 1] == 'd')))
                a->flags |= MF_BEFORE_VERB;
            if (nb & LEX_CUE) a->flags |= MF_BEFORE_CUE;
        }
        if (ts > 0 && (tb[ts - 1] & LEX_CUE))
            a->flags |= MF_AFTER_CUE;
        /* the subject of a speech cue: "Mr Putin told …", "“…,” said the
         * President" (not "told Mr Trump", the addressee, nor "X, a
         * fellow at Y, said Trump could …") */
        int cue_after = (a->flags & MF_BEFORE_CUE) != 0;
        for (uint32_t j = te; !cue_after && j < te + 3 && j < t->ntoks && is_word(t, j) &&
                              !(t->toks[j].flags & NE_TF_CAP); j++) {
            /* "He also said", "She has told", "he later added": an adverb
             * or auxiliary between the subject and its cue */
            const char *p = tok_ptr(t, j);
            size_t l = tok_len(t, j);
            if (tb[j] & LEX_CUE) cue_after = j > te;
            else if (!((tb[j] & LEX_VERB) || (l > 3 && p[l - 2] == 'l' && p[l - 1] == 'y') ||
                       (l == 4 && !strncmp(p, "also", 4)) || (l == 5 && !strncmp(p, "later", 5)) ||
                       (l == 4 && !strncmp(p, "then", 4)) || (l == 4 && !strncmp(p, "once", 4))))
                break;
        }
        if (cue_after ||
            ((a->flags & MF_AFTER_CUE) && ts >= 2 && t->toks[ts - 2].kind == NE_TOK_QUOTE) ||
            (mm->kind == NE_COREF_NAME && !(a->flags & MF_BEFORE_VERB) && inverted_cue_subject(ws, t, ts, te)))
            a->flags |= MF_CUE_SUBJ;
        if (ts < t->ntoks && ws->tok_quote[ts]) a->flags |= MF_IN_QUOTE;
        if (k == 0 || ws->at[k - 1].sent != a->sent) a->flags |= MF_FIRST_IN_SENT;
        if (ts > 0 && is_word(t, ts - 1) && !(t->toks[ts - 1].flags & NE_TF_CAP)) {
            uint32_t pb = tb[ts - 1];
            const char *p = tok_ptr(t, ts - 1);
            size_t l = tok_len(t, ts - 1);
            if ((pb & LEX_ADP) || ((pb & LEX_STOP) && l <= 5 && !(l == 3 && !strncmp(p, "and", 3))))
                a->flags |= MF_AFTER_PREP;
            else if ((pb & LEX_VERB) || (l > 3 && p[l - 2] == 'e' && p[l - 1] == 'd')) a->flags |= MF_AFTER_VERB;
        }
        /* cluster state of its own */
        cstate *c = &ws->cl[k];
        memset(c, 0, sizeof *c);
    }
    mark_cataphora(ws, t, ms, n);
    tag_roles(m, ws, t, n);
    ws->bits_s = NULL;    /* used once: the next text may reuse this buffer */
}

/* ---- clusters ----------------------------------------------------------- */

static void cl_add_u64(uint64_t *arr, uint8_t *n, int cap, uint64_t v)
{
    for (int i = 0; i < *n; i++) if (arr[i] == v) return;
    if (*n < cap) arr[(*n)++] = v;
}

static void cl_absorb(ne_coref_ws *ws, cstate *c, size_t k)
{
    const ne_text *t = ws->t;
    const ne_coref_mention *mm = &ws->ms[k];
    const mattr *a = &ws->at[k];
    c->size++;
    c->last = (int32_t)k;
    if (mm->gender == NE_GENDER_MALE) c->male++;
    if (mm->gender == NE_GENDER_FEMALE) c->female++;
    if (mm->number == NE_NUM_PLUR) c->plur++; else c->sing++;
    /* the type: names vote, other mentions only while there is none */
    if (mm->kind == NE_COREF_NAME && a->type == NE_ENT_PER) c->per++;
    if (mm->kind == NE_COREF_NAME && a->type == NE_ENT_ORG) {
        c->org++;
        uint32_t ts = mm->tok_start < t->ntoks ? mm->tok_start : 0;
        if (a->nwords != 1 || (ws->tokbits[ts] & (LEX_ORG | LEX_STMT)) || (t->toks[ts].flags & NE_TF_ALLCAPS))
            c->hard_org++;
    }
    if (c->per || c->org) c->type = c->per >= c->org ? NE_ENT_PER : NE_ENT_ORG;
    else if (a->type >= 0 && c->type < 0) c->type = a->type;
    if (mm->age) c->age = mm->age;
    if (mm->entity >= 0) c->entity = mm->entity;
    if (mm->kind == NE_COREF_NAME) {
        for (uint32_t i = mm->tok_start; i < mm->tok_end && i < t->ntoks; i++)
            if (is_word(t, i)) cl_add_u64(c->names, &c->nnames, CL_NAMES, tok_hash(ws, i));
        if (mm->role) cl_add_u64(c->roles, &c->nroles, CL_ROLES, mm->role);
        if (!c->given && a->nwords >= 2) c->given = a->first;
    } else if (mm->kind != NE_COREF_PRONOUN) {
        cl_add_u64(c->roles, &c->nroles, CL_ROLES, (uint32_t)a->head);
    }
    if (mm->kind != NE_COREF_PRONOUN) cl_add_u64(c->strs, &c->nstrs, CL_ROLES, a->str);
}

static void link_done(ne_coref_ws *ws, size_t i)
{
    mattr *a = &ws->at[i];
    if (a->flags & MF_FIRST_IN_SENT) ws->sent_first[a->sent] = a->cluster;
    if (a->flags & MF_CUE_SUBJ) ws->sent_speaker[a->sent] = a->cluster;
    if (ws->topic < 0 && a->type == NE_ENT_PER) ws->topic = a->cluster;
}

void ne_coref_link(ne_coref_ws *ws, size_t i, long a)
{
    mattr *at = ws->at;
    if (a < 0 || (size_t)a >= i) {
        at[i].cluster = (int32_t)i;
        cstate *c = &ws->cl[i];
        memset(c, 0, sizeof *c);
        c->type = -1;
        c->entity = -1;
        cl_absorb(ws, c, i);
        link_done(ws, i);
        return;
    }
    int32_t r = at[a].cluster;
    at[i].cluster = r;
    cl_absorb(ws, &ws->cl[r], i);
    link_done(ws, i);
}

/* ---- candidates and features -------------------------------------------- */

static int has_u64(const uint64_t *arr, int n, uint64_t v)
{
    for (int i = 0; i < n; i++) if (arr[i] == v) return 1;
    return 0;
}

/* A cluster of one-word names the tagger typed ORG, no organisation noun
 * or capitals among them: perhaps a person ("Alleway played 857
 * minutes"), whom a he/she may name. */
static int soft_org(const cstate *c)
{
    return c->type == NE_ENT_ORG && c->org > 0 && c->hard_org == 0 && c->per == 0;
}

/* Whether cluster c could be mention i by gender, number and type (for the
 * "nearest compatible" features). */
static int compatible(const ne_coref_ws *ws, size_t i, const cstate *c)
{
    const ne_coref_mention *mm = &ws->ms[i];
    int cg = c->male > c->female ? NE_GENDER_MALE : c->female > c->male ? NE_GENDER_FEMALE : 0;
    if (mm->gender && cg && mm->gender != cg) return 0;
    int cn = c->plur > c->sing ? NE_NUM_PLUR : NE_NUM_SING;
    if (mm->kind == NE_COREF_PRONOUN && mm->number == NE_NUM_SING && cn == NE_NUM_PLUR) return 0;
    if (mm->kind == NE_COREF_PRONOUN && mm->number == NE_NUM_PLUR && c->type == NE_ENT_PER && cn == NE_NUM_SING) return 0;
    int8_t ty = ws->at[i].type;
    if (ty >= 0 && c->type >= 0 && ty != c->type &&
        !(ty == NE_ENT_PER && c->per > 0) && !(ty == NE_ENT_ORG && c->org > 0) &&
        !(soft_org(c) && mm->kind == NE_COREF_PRONOUN && mm->gender)) return 0;
    return 1;
}

/* Name words of i that also name cluster c: a string link beyond the window. */
static int name_overlap(const ne_coref_ws *ws, size_t i, const cstate *c)
{
    const ne_coref_mention *mm = &ws->ms[i];
    if (mm->kind == NE_COREF_NAME)
        return has_u64(c->names, c->nnames, ws->at[i].last) || has_u64(c->names, c->nnames, ws->at[i].first);
    if (mm->kind == NE_COREF_TITLE || mm->kind == NE_COREF_DESC) return has_u64(c->roles, c->nroles, (uint32_t)ws->at[i].head);
    return 0;
}

/* A cluster of pronouns alone, in the name i's sentence or the one
 * before, which the name may resolve ("In his youth, John …"; the GAP
 * pronoun before its name): a cataphora the model weighs (feature 46). */
static int cataphora(const ne_coref_ws *ws, size_t i, size_t a, const cstate *c)
{
    if (c->nnames || c->nstrs || ws->at[i].sent - ws->at[a].sent > 1) return 0;
    return compatible(ws, i, c);
}

size_t ne_coref_cands(const ne_coref_model *m, ne_coref_ws *ws, size_t i, int32_t *out, size_t cap)
{
    /* One candidate per cluster: its latest mention, nearest first, within
     * the window (in mentions); beyond it, the latest mention of each
     * cluster the mention names (surname, role). Records for the features
     * whether each is compatible and how many compatible clusters are
     * nearer. */
    size_t n = 0, w = (size_t)m->window, rank = 0;
    size_t lo = i > w ? i - w : 0;
    int far = ws->ms[i].kind != NE_COREF_PRONOUN;
    ws->cur = i;
    ws->ncomp = 0;
    ws->nname = 0;
    for (size_t a = i; a-- > 0;) {
        if (a < lo && !far) break;
        const cstate *c = &ws->cl[ws->at[a].cluster];
        if (c->last != (int32_t)a) continue;
        int nm = name_overlap(ws, i, c);
        ws->nname += nm;
        if (a < lo && !nm) continue;
        /* two full names with different given names are two people */
        if (ws->ms[i].kind == NE_COREF_NAME && ws->at[i].nwords >= 2 && c->given && c->given != ws->at[i].first &&
            !has_u64(c->names, c->nnames, ws->at[i].first))
            continue;
        int comp = compatible(ws, i, c);
        /* pruning: a name is only compared with clusters it shares a name
         * word, an entity or a link with; a pronoun with compatible ones */
        int kind = ws->ms[i].kind;
        if (kind == NE_COREF_NAME && !nm && !(ws->ms[i].entity >= 0 && ws->ms[i].entity == c->entity) &&
            !(ws->ms[i].appos >= 0 && ws->at[ws->ms[i].appos].cluster == ws->at[a].cluster) &&
            !cataphora(ws, i, a, c))
            continue;
        if (kind == NE_COREF_PRONOUN && !comp) continue;
        /* "Mrs. Clinton" is not the male Clinton */
        if (kind != NE_COREF_PRONOUN && ws->ms[i].gender) {
            int cg = c->male > c->female ? NE_GENDER_MALE : c->female > c->male ? NE_GENDER_FEMALE : 0;
            if (cg && cg != ws->ms[i].gender) continue;
        }
        ws->comp[a] = (uint8_t)comp;
        ws->rank[a] = (uint16_t)(rank > 65535 ? 65535 : rank);
        if (a >= lo) ws->ncomp += comp;
        rank += comp;
        if (n < cap) out[n++] = (int32_t)a;
    }
    return n;
}

/* For an MF_CATA pronoun i: whether the name after the comma names
 * cluster c already (c NULL: any earlier mention within 30). */
static int cata_named(const ne_coref_ws *ws, size_t i, const cstate *c)
{
    int32_t j = ws->cnext[i];
    if (j < 0) return 0;
    const mattr *aj = &ws->at[j];
    if (c) return has_u64(c->names, c->nnames, aj->last) || has_u64(c->names, c->nnames, aj->first);
    for (size_t a = i; a-- > 0 && i - a <= 30;)
        if (ws->ms[a].kind == NE_COREF_NAME && (ws->at[a].last == aj->last || ws->at[a].first == aj->first))
            return 1;
    return 0;
}

static size_t bucket(size_t d, const size_t *edges, size_t n)
{
    size_t b = 0;
    while (b < n && d >= edges[b]) b++;
    return b;
}

#define F(...) do { if (nf < NE_COREF_MAXF) out[nf++] = (uint32_t)(fh(m, __VA_ARGS__, 0xfeedULL)); } while (0)

static inline uint64_t fh_impl(const ne_coref_model *m, const uint64_t *v, size_t n)
{
    uint64_t h = 0x51ed270b27a1c3d5ULL;
    for (size_t i = 0; i < n; i++) { h = (h ^ v[i]) * 0xff51afd7ed558ccdULL; h ^= h >> 29; }
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h & (m->nw - 1);
}
#define fh(m, ...) fh_impl((m), (const uint64_t[]){ __VA_ARGS__ }, sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

/* ---- described speakers (issue 18) --------------------------------------
 * "“…,” the senator said", "the prime minister said": in news a title or
 * description that is the subject of a speech cue is most often someone
 * the article has named, the person it is about or who spoke last; "the
 * woman", "the spokesman" after "a spokesman" often is not. GUM has few
 * such speakers (about 20 in its train split), so these features are
 * learned mostly from news texts as distant supervision (coref_train
 * --news, coref_data.h: descriptions a role or age ties to a name, the
 * tie hidden; descriptions after an indefinite of the same head, new):
 * whether the description is a cue's subject, and for each candidate
 * whether it is named, the topic, the subject of the sentence before,
 * the nearest earlier cue subject, its rank among the compatible
 * clusters, whether it was given a role, how many sentences back, and the
 * head word with the cue flag. Each is conjoined with the cue-subject
 * flag, so other descriptions learn their own weights. Kinds (title or
 * description) share the candidate features: the distant supervision
 * ties titles far more often (the roles before names are mostly titles).
 * Costs: two to five more features a title/description candidate. */

/* True when the head of description i is in none of the lexicons: never
 * for the detector's mentions today (np_at needs a lexicon head); a
 * detector that made a cue subject a mention without one ("the gambling
 * tycoon said", tried: mk/coref.mk) would be told apart by it. */
static int desc_unseen_head(const ne_coref_ws *ws, size_t i)
{
    const ne_coref_mention *mi = &ws->ms[i];
    if (mi->age || mi->tok_end == 0 || mi->tok_end > ws->t->ntoks) return 0;
    size_t h = mi->tok_end - 1, l = tok_len(ws->t, h);
    if (l > 9 && !memcmp(tok_ptr(ws->t, h) + l - 9, "-year-old", 9)) return 0;   /* an age, hidden in training */
    return !(ws->tokbits[h] & (LEX_TITLE | LEX_PERSON | LEX_ORG | LEX_STMT));
}

/* The cluster of the nearest cue subject in the three sentences before
 * sentence s, or -1. */
static int32_t desc_recent_speaker(const ne_coref_ws *ws, uint32_t s)
{
    for (uint32_t k = 1; k <= 3 && k <= s; k++)
        if (ws->sent_speaker[s - k] >= 0) return ws->sent_speaker[s - k];
    return -1;
}

/* The new-entity features of description i. */
static size_t desc_speaker_new(const ne_coref_model *m, ne_coref_ws *ws, size_t i, uint32_t *out, size_t nf)
{
    const mattr *ai = &ws->at[i];
    uint64_t ki = ws->ms[i].kind, cs = (ai->flags & MF_CUE_SUBJ) != 0;
    size_t ncomp = ws->cur == i ? ws->ncomp : 0;
    F(110, ki, cs, desc_unseen_head(ws, i), ncomp > 0, (ai->flags & MF_INDEF) != 0);
    F(111, ki, cs, ws->topic >= 0, desc_recent_speaker(ws, ai->sent) >= 0);
    return nf;
}

/* The features of description i with candidate a (cluster c). */
static size_t desc_speaker_cand(const ne_coref_model *m, ne_coref_ws *ws, size_t i, long a, uint32_t *out,
                                size_t nf)
{
    const mattr *ai = &ws->at[i], *aa = &ws->at[a];
    const cstate *c = &ws->cl[aa->cluster];
    uint64_t ki = ws->ms[i].kind, cs = (ai->flags & MF_CUE_SUBJ) != 0;
    uint64_t named = c->nnames > 0, ctype = (uint64_t)(c->type + 1);
    uint64_t topic = ws->topic == aa->cluster;
    uint64_t subj_prev = ai->sent > 0 && ws->sent_first[ai->sent - 1] == aa->cluster;
    uint64_t speaker = desc_recent_speaker(ws, ai->sent) == aa->cluster;
    size_t ds = ai->sent - aa->sent;
    size_t rank = ws->cur == i ? ws->rank[a] : 0;
    int comp = ws->cur == i ? ws->comp[a] : compatible(ws, i, c);
    uint64_t unseen = (uint64_t)desc_unseen_head(ws, i);
    F(112, unseen, cs, named, ctype, topic, subj_prev, speaker);
    F(113, unseen, cs, named, comp, rank > 2 ? 2 : rank);
    F(114, unseen, cs, named, c->nroles > 0, ds == 0 ? 0 : ds <= 2 ? 1 : 2);
    F(115, unseen, cs, named, ctype, speaker || topic);
    F(116, ki, cs, ai->head, named);
    return nf;
}

size_t ne_coref_feats(const ne_coref_model *m, ne_coref_ws *ws, size_t i, long a, uint32_t *out)
{
    const ne_text *t = ws->t;
    const ne_coref_mention *mi = &ws->ms[i];
    const mattr *ai = &ws->at[i];
    size_t nf = 0;
    uint64_t ki = mi->kind;
    uint64_t pron = mi->kind == NE_COREF_PRONOUN ? ai->head : 0;   /* the pronoun itself */
    if (a < 0) {
        /* a new entity */
        size_t ncomp = ws->cur == i ? ws->ncomp : 0, nname = ws->cur == i ? ws->nname : 0;
        static const size_t e3[] = { 1, 2, 4 };
        F(1, ki);
        F(2, ki, bucket(ncomp, e3, 3));
        F(3, ki, nname > 0);
        F(4, ki, ai->head);
        F(5, ki, mi->gender, mi->number);
        F(6, ki, (ai->flags & MF_INDEF) != 0);
        F(7, ki, (ai->flags & MF_IN_QUOTE) != 0, pron);
        F(8, ki, ai->nwords > 1 ? 2 : ai->nwords);
        F(9, ki, i == 0);
        F(10, ki, (uint64_t)(ai->type + 1));
        F(11, ki, mi->appos >= 0);
        F(12, ki, (ai->flags & (MF_SENT_START | MF_BEFORE_VERB)) != 0, ncomp > 0);
        if (ai->flags & MF_CATA) F(13, pron, ncomp > 0, cata_named(ws, i, NULL));
        if (mi->kind == NE_COREF_TITLE || mi->kind == NE_COREF_DESC) nf = desc_speaker_new(m, ws, i, out, nf);
        if (pron && (ai->flags & MF_AFTER_CUE)) F(14, ws->sent_speaker[ai->sent] >= 0, ncomp > 0);
        return nf;
    }
    const ne_coref_mention *ma = &ws->ms[a];
    const mattr *aa = &ws->at[a];
    const cstate *c = &ws->cl[aa->cluster];
    uint64_t kp = ki * 4 + ma->kind;
    static const size_t esent[] = { 1, 2, 3, 4, 6, 11 };
    static const size_t ement[] = { 2, 3, 4, 6, 11, 21 };
    static const size_t etok[] = { 4, 8, 16, 32, 64, 128 };
    static const size_t esize[] = { 2, 3, 5, 9 };
    size_t ds = ai->sent - aa->sent;
    size_t dm = i - (size_t)a;
    size_t dt = mi->tok_start > ma->tok_end ? mi->tok_start - ma->tok_end : 0;
    uint64_t bs = bucket(ds, esent, 6), bm = bucket(dm, ement, 6), bt = bucket(dt, etok, 6);
    F(20, kp);
    F(21, kp, bs);
    F(22, ki, bm);
    F(23, ki, bt);
    F(24, pron, bs);
    F(25, ki, c->last == (int32_t)a);
    /* the nearest compatible cluster, and this one's rank among them */
    size_t rank = ws->cur == i ? ws->rank[a] : 0;
    int comp = ws->cur == i ? ws->comp[a] : compatible(ws, i, c);
    F(26, ki, comp, rank > 3 ? 3 : rank);
    F(27, pron, comp, rank > 2 ? 2 : rank, ds > 1 ? 2 : ds);
    /* strings */
    int exact = ai->str == aa->str;
    int exact_cl = has_u64(c->strs, c->nstrs, ai->str);
    int head = ai->head == aa->head;
    F(30, kp, exact);
    F(31, kp, exact_cl, exact);
    F(32, kp, head);
    if (mi->kind == NE_COREF_NAME) {
        int last_in = has_u64(c->names, c->nnames, ai->last);
        int first_in = has_u64(c->names, c->nnames, ai->first);
        int all_in = 1;
        for (int k = 0; k < ai->nwords && k < 4; k++)
            if (!has_u64(c->names, c->nnames, ai->words[k])) all_in = 0;
        int ahas_name = c->nnames > 0;
        F(33, ai->nwords > 1 ? 2 : 1, last_in, first_in, all_in, ahas_name);
        F(34, (uint64_t)ma->kind, last_in && all_in);
        /* a surname that names another cluster more recently */
        if (ahas_name && !last_in && !first_in) F(35, ai->nwords > 1 ? 2 : 1);
        F(36, (uint64_t)(ai->type + 1), (uint64_t)(c->type + 1), last_in);
        if (!c->nnames && !c->nstrs && (aa->flags & MF_CATA)) F(47, ai->nwords > 1 ? 2 : 1, ds);
        if (!c->nnames && !c->nstrs)
            F(46, ai->nwords > 1 ? 2 : 1, ds > 1 ? 2 : ds, mi->gender != 0, (aa->flags & MF_POSS) != 0,
              (aa->flags & (MF_FIRST_IN_SENT | MF_SENT_START)) != 0, (ai->flags & MF_FIRST_IN_SENT) != 0);
    }
    /* roles: "the mayor" after "Doug McCallum, the mayor" or "Mayor Doug McCallum" */
    if (mi->kind == NE_COREF_TITLE || mi->kind == NE_COREF_DESC) {
        int role = has_u64(c->roles, c->nroles, (uint32_t)ai->head);
        F(40, kp, role, c->nnames > 0);
        F(41, ki, ai->head, role);
        F(42, ki, ai->head, (uint64_t)(c->type + 1));
        if (c->nroles && !role) F(43, ki, c->nnames > 0);
        /* "the department" after "the Justice Department" */
        F(45, ki, has_u64(c->names, c->nnames, ai->head), (uint64_t)(c->type + 1));
        nf = desc_speaker_cand(m, ws, i, a, out, nf);
    }
    if (mi->kind == NE_COREF_NAME && mi->role) F(44, has_u64(c->roles, c->nroles, mi->role));
    /* gender and number */
    int cg = c->male > c->female ? NE_GENDER_MALE : c->female > c->male ? NE_GENDER_FEMALE : 0;
    if (mi->hide_gender) cg = 0;    /* training: nothing of either's gender (coref.h) */
    uint64_t gagree = (!mi->gender || !cg) ? 2 : mi->gender == cg;
    F(50, ki, gagree, mi->gender, cg);
    int cn = c->plur > c->sing ? NE_NUM_PLUR : NE_NUM_SING;
    F(51, ki, mi->number, cn, (uint64_t)(c->type + 1));
    F(52, ki, (uint64_t)(ai->type + 1), (uint64_t)(c->type + 1));
    F(53, pron, (uint64_t)(c->type + 1), cg);
    if (ai->flags & MF_CATA) F(48, pron, cata_named(ws, i, c), ds == 0);
    /* age, entities stage, apposition */
    if (mi->age && c->age) F(54, mi->age == c->age);
    if (mi->entity >= 0 && c->entity >= 0) F(55, ki, mi->entity == c->entity);
    if (mi->appos >= 0) {
        int app = mi->appos == a || ws->at[mi->appos].cluster == aa->cluster;
        F(56, ki, app);
    }
    /* grammatical-role proxies and salience */
    F(60, ki, aa->flags & (MF_SENT_START | MF_BEFORE_VERB | MF_AFTER_CUE | MF_BEFORE_CUE), ds == 0);
    F(61, pron, aa->flags & (MF_SENT_START | MF_BEFORE_VERB), ai->flags & (MF_SENT_START | MF_BEFORE_VERB));
    F(62, ki, (uint64_t)ma->kind, aa->flags & MF_POSS);
    F(63, ki, bucket(c->size, esize, 4), c->nnames > 0);
    /* quotes and paragraphs */
    F(64, ki, ai->flags & MF_IN_QUOTE, aa->flags & MF_IN_QUOTE, ds == 0);
    F(65, ki, ai->para == aa->para, bs > 2);
    F(66, pron, ai->flags & MF_IN_QUOTE, aa->flags & MF_BEFORE_CUE);
    /* clause proxies: subject-like (first in its sentence), after a
     * preposition or a verb, commas and clause words in between */
    uint64_t afirst = (aa->flags & MF_FIRST_IN_SENT) != 0, aprep = (aa->flags & MF_AFTER_PREP) != 0;
    uint64_t iobj = (ai->flags & (MF_AFTER_PREP | MF_AFTER_VERB)) != 0;
    uint64_t d3 = ds == 0 ? 0 : ds == 1 ? 1 : 2;
    uint64_t commas = 0, clause = 0;
    if (ds == 0 && mi->tok_start < t->ntoks && ma->tok_end <= mi->tok_start) {
        commas = (uint64_t)(ws->pcomma[mi->tok_start] - ws->pcomma[ma->tok_end]);
        clause = ws->pclause[mi->tok_start] != ws->pclause[ma->tok_end];
        if (commas > 2) commas = 2;
    }
    F(70, pron, afirst, aprep, d3);
    F(71, pron, iobj, afirst, d3, (aa->flags & MF_AFTER_VERB) != 0);
    F(72, ki, d3, commas, clause);
    F(73, pron, d3, clause, afirst, aprep);
    F(74, ki, aprep, (aa->flags & MF_POSS) != 0, (uint64_t)ma->kind);
    /* salience: the topic (first person named), the subjects so far */
    uint64_t topic = ws->topic == aa->cluster;
    uint64_t subj_here = ws->sent_first[ai->sent] == aa->cluster;
    uint64_t subj_prev = ai->sent > 0 && ws->sent_first[ai->sent - 1] == aa->cluster;
    F(80, pron, topic, subj_here, subj_prev);
    F(81, ki, topic, d3, c->nnames > 0);
    F(82, pron, subj_here, subj_prev, iobj, (ai->flags & MF_POSS) != 0);
    /* a statement continued: "Mr Putin told reporters that … He also
     * said …" — the pronoun subject of a cue and the subject of the
     * nearest cue in the two sentences before (pronouns only: names link
     * by their words) */
    {
        int32_t sp = -1;
        if (ai->sent >= 1) sp = ws->sent_speaker[ai->sent - 1];
        if (sp < 0 && ai->sent >= 2) sp = ws->sent_speaker[ai->sent - 2];
        if (pron && (ai->flags & MF_CUE_SUBJ)) {
            F(83, sp == aa->cluster, sp >= 0, ws->sent_speaker[ai->sent] == aa->cluster);
            F(84, pron, sp == aa->cluster, subj_prev, aa->flags & MF_POSS);
        }
    }
    /* syntax, for pronouns (zero when the sentences are untagged): the roles of both,
     * their parallelism, whether the candidate is the subject of the
     * pronoun's own clause (a non-reflexive object pronoun never is: the
     * pronoun itself tells reflexive from not), clause markers between */
    if (pron && (ai->role || aa->role)) {
        uint64_t clause_subj = ds == 0 && ai->subj_tok != UINT32_MAX && aa->rtok == ai->subj_tok;
        uint64_t marks = 0;
        if (ds == 0 && mi->tok_start < t->ntoks && ma->tok_end <= mi->tok_start) {
            marks = (uint64_t)(ws->pmark[mi->tok_start] - ws->pmark[ma->tok_end]);
            if (marks > 2) marks = 2;
        }
        /* himself, herself, themselves: the reflexive is its clause's subject */
        const char *pp = tok_ptr(t, mi->tok_start);
        size_t pl = tok_len(t, mi->tok_start);
        uint64_t refl = pl > 4 && (!strncasecmp(pp + pl - 4, "self", 4) || !strncasecmp(pp + pl - 4, "lves", 4));
        F(91, refl, ai->role, aa->role, d3);
        F(92, ki, ai->role == aa->role, ai->role == ROLE_SUBJ, d3);
        F(94, refl, ai->role, aa->main_subj, d3, clause_subj, marks);
    }
    /* reported speech: "Trump says he …", "X told Y that he …" — the
     * pronoun opens what a cue reports and the candidate is that cue's
     * subject, or its addressee (a mention after the cue) */
    if (pron && ds == 0 && (ai->flags & MF_AFTER_CUE))
        F(107, (aa->flags & MF_CUE_SUBJ) != 0, (aa->flags & MF_AFTER_CUE) != 0, ws->cur == i ? ws->ncomp > 1 : 0);
    /* the words around the candidate: the verb after it ("X told", "X
     * was replaced by"), the preposition or verb before it ("with X",
     * "informed X"), for a pronoun of each role */
    if (pron && ds <= 1 && ws->cur == i && ws->ncomp >= 2) {
        uint64_t pr = (uint64_t)ai->role * 2 + ((ai->flags & MF_POSS) != 0);
        uint64_t nx = 0, pv = 0;
        if (ma->tok_end < t->ntoks && is_word(t, ma->tok_end) && !(t->toks[ma->tok_end].flags & NE_TF_CAP))
            nx = tok_hash(ws, ma->tok_end);
        if (ma->tok_start > 0 && ma->tok_start <= t->ntoks && is_word(t, ma->tok_start - 1) &&
            !(t->toks[ma->tok_start - 1].flags & NE_TF_CAP))
            pv = tok_hash(ws, ma->tok_start - 1);
        F(100, pr, nx, ds);
        F(101, pr, pv, ds);
        uint64_t nx2 = 0;
        if (nx && ma->tok_end + 1 < t->ntoks && is_word(t, ma->tok_end + 1) && !(t->toks[ma->tok_end + 1].flags & NE_TF_CAP))
            nx2 = tok_hash(ws, ma->tok_end + 1);
        F(105, pr, nx2, ds);
    }
    return nf;
}

/* ---- the entities stage's grouping ------------------------------------- */

void ne_coref_attach_entities(ne_coref_mention *ms, size_t n, const ne_doc *doc)
{
    for (size_t i = 0; i < n; i++) {
        if (ms[i].kind != NE_COREF_NAME) continue;
        for (size_t e = 0; e < doc->nentities && ms[i].entity < 0; e++) {
            const ne_entity *en = &doc->entities[e];
            for (size_t k = 0; k < en->nmentions; k++) {
                const ne_mention *mm = &en->mentions[k];
                if (mm->field != NE_FIELD_BODY || mm->start >= ms[i].end || ms[i].start >= mm->end) continue;
                ms[i].entity = (int32_t)e;
                if (ms[i].type < 0) ms[i].type = (int8_t)en->type;
                break;
            }
        }
    }
}

/* ---- resolution --------------------------------------------------------- */

static float score(const ne_coref_model *m, const uint32_t *f, size_t n)
{
    float s = 0;
    if (!m->ck) {
        for (size_t k = 0; k < n; k++) s += m->w[f[k]];
        return s;
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t key = f[k] + 1;
        for (size_t j = f[k] & m->cmask; m->ck[j]; j = (j + 1) & m->cmask)
            if (m->ck[j] == key) { s += m->cv[j]; break; }
    }
    return s;
}

/* A reflexive pronoun (himself, herself, themselves) is bound by the
 * subject of its own clause, a constraint of the grammar rather than a
 * preference, and too rare in GUM and GAP for the model to learn it
 * against the salience features: when the role tagger found that subject
 * (a mention of the pronoun's gender or of none), it is the antecedent.
 * Returns the mention, or -1. */
static long reflexive_binder(const ne_coref_ws *ws, const ne_text *t, size_t i)
{
    const ne_coref_mention *p = &ws->ms[i];
    const mattr *a = &ws->at[i];
    if (p->kind != NE_COREF_PRONOUN || a->subj_tok == UINT32_MAX || p->tok_start >= t->ntoks) return -1;
    const char *s = tok_ptr(t, p->tok_start);
    size_t l = tok_len(t, p->tok_start);
    if (!(l > 4 && (!strncasecmp(s + l - 4, "self", 4) || !strncasecmp(s + l - 4, "lves", 4)))) return -1;
    for (size_t k = i; k-- > 0;) {
        const ne_coref_mention *c = &ws->ms[k];
        if (ws->at[k].sent != a->sent) break;
        if (c->tok_start <= a->subj_tok && a->subj_tok < c->tok_end) {
            if (p->gender && c->gender && c->gender != p->gender) return -1;
            if (p->number && c->number && c->number != p->number) return -1;
            return (long)k;
        }
    }
    return -1;
}

void ne_coref_resolve(const ne_coref_model *m, ne_coref_ws *ws, const ne_text *t,
                      ne_coref_mention *ms, size_t n, int32_t *antecedent, int32_t *cluster)
{
    ne_coref_begin(m, ws, t, ms, n);
    size_t cap = (size_t)m->window + n + 1;
    ne_grow(&ws->cands, &ws->capcands, cap, sizeof *ws->cands);
    uint32_t f[NE_COREF_MAXF];
    for (size_t i = 0; i < n; i++) {
        if (ms[i].appos >= 0 && (size_t)ms[i].appos < i) {   /* the detector's link */
            antecedent[i] = ms[i].appos;
            ne_coref_link(ws, i, ms[i].appos);
            if (cluster) cluster[i] = ws->at[i].cluster;
            continue;
        }
        long refl = reflexive_binder(ws, t, i);
        if (refl >= 0) {     /* binding: "so he dubbed himself" */
            antecedent[i] = (int32_t)refl;
            ne_coref_link(ws, i, refl);
            if (cluster) cluster[i] = ws->at[i].cluster;
            continue;
        }
        size_t nc = ne_coref_cands(m, ws, i, ws->cands, cap);
        float best = score(m, f, ne_coref_feats(m, ws, i, -1, f));
        long arg = -1;
        for (size_t k = 0; k < nc; k++) {
            float s = score(m, f, ne_coref_feats(m, ws, i, ws->cands[k], f));
            if (s > best) { best = s; arg = ws->cands[k]; }
        }
        antecedent[i] = (int32_t)arg;
        ne_coref_link(ws, i, arg);
        if (cluster) cluster[i] = ws->at[i].cluster;
    }
}
