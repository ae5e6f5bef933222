/* quotes_describe — the learned resolver of described speakers
 * (quotes_int.h): when the phrase chosen as a statement's speaker is a
 * definite description ("the mayor", "the gambling tycoon", "the
 * airline", "the 46-year-old", "our correspondent") that neither the
 * coreference module, an earlier role nor the one organisation nearby
 * linked (quotes_speakers.c), it ranks the article's candidate entities
 * and NONE with a linear model, and the speaker becomes the winner's
 * entity; NONE leaves the bare description.
 *
 * Contract: qt_describe_speaker(ws, si) changes statement si only when
 * its speaker is a bare definite description (has_speaker, ent < 0,
 * sp_np.kind == NP_DESC) and the built-in model (models/describe.model,
 * trained by tools/describe_train.c, `make describe-train`; embedded by
 * quotes_model.c) is not empty: it sets st[si].ent, never the speaker's
 * words. It reads the statements before si (their speakers are final) and
 * the document's entities; it allocates nothing.
 *
 * Candidates (at most QT_DESC_MAXC): NONE first (so that a tie keeps the
 * description bare), then the person and organisation entities with a
 * name, title or description mention before the description in its
 * paragraph or the six before (or inside it: "the Trump campaign"),
 * nearest first, plus the article's most-mentioned person and the
 * previous statement's speaker wherever they were last named; never the
 * listener of the statement's verb ("the nominee told her"), and never
 * someone first named after the description.
 *
 * Features (hashed, QT_DESC_BITS; each template three times: conjoined
 * with the head's class — person noun, title, age "N-year-old",
 * organisation noun, document noun, group plural, other —, with its
 * coarse class — person, organisation, document, group, other — and
 * alone, so that a class with few examples learns from the others): the
 * candidate's type and whether it fits the head; recency in paragraphs,
 * sentences and fitting entities back; salience (mentions so far, the
 * most mentioned person, the first named, named in the article's title);
 * the previous statement's speaker; the first name of the previous
 * sentence; the speaker of an earlier statement in the same paragraph;
 * the head word among its name's words (2) or its titles and apposition
 * roles (1), and the description's modifiers among them; the head's
 * gender words against its gender; named inside the description, right
 * before it ("EgyptAir, the airline said"), again after it in its
 * sentence, joined to another candidate of its type ("Boeing and
 * Airbus"); its nearest mention in a quotation; the nearest fitting
 * candidate, by how many fit; for an age, the age after its name
 * ("Mourinho, 56,"). NONE: the head's class, the determiner, how many
 * candidates fit and whether any carries the head word, the phrase's
 * length, and whether the head word was written before outside any
 * mention (someone the article never names).
 *
 * Choice: a conditional logistic model (softmax over the candidates); the
 * most probable entity is the speaker when its probability reaches the
 * threshold the trainer chose for precision (weight index 0 holds its
 * log; no feature hashes to 0), else NONE.
 * Costs nothing for statements without a bare description; for one, a
 * pass over the entities' mentions.
 */
#include "enrichers/quotes/quotes_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model -------------------------------------------------------------- */

static float g_weights[1u << QT_DESC_BITS];
static int g_loaded;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_model(void)
{
    g_loaded = qt_spk_model_parse(ne_describe_model_text, g_weights, 1u << QT_DESC_BITS) > 0;
}

const float *qt_desc_weights(void)
{
    pthread_once(&g_once, load_model);
    return g_loaded ? g_weights : NULL;
}

/* ---- the description ---------------------------------------------------------- */

enum { HC_OTHER = 0, HC_PERSON, HC_TITLE, HC_AGE, HC_ORG, HC_DOC, HC_GROUP };

static const char *const person_nouns[] = {
    "man", "woman", "official", "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor",
    "lawyer", "attorney", "candidate", "nominee", "billionaire", "tycoon", "mogul", "magnate", "businessman",
    "businesswoman", "entrepreneur", "investor", "banker", "actor", "actress", "singer", "star", "player",
    "coach", "manager", "prosecutor", "officer", "detective", "doctor", "physician", "nurse", "professor",
    "author", "writer", "reporter", "correspondent", "host", "anchor", "analyst", "economist", "expert",
    "pollster", "strategist", "consultant", "activist", "leader", "father", "mother", "wife", "husband",
    "son", "daughter", "brother", "sister", "girl", "boy", "veteran", "victim", "witness", "suspect",
    "defendant", "soldier", "democrat", "republican", "lawmaker", "legislator", "diplomat", "envoy",
    "frontrunner", "front-runner", "defenceman", "defenseman", "quarterback", "striker", "forward",
    "goalkeeper", "pitcher", "rookie", "teen", "teenager", "student", "resident", "owner", "boss",
    "employee", "worker", "driver", "pilot", "scientist", "researcher", "historian", "commentator",
    "columnist", "editor", "founder", "challenger", "incumbent", "contender", "hopeful", "politician",
    "spokesmen", "billionaire", "mogul", "star", "celebrity", "comedian", "rapper", "musician", "artist",
    "director", "producer", "filmmaker", "developer", "donor", "fundraiser", "operative", "insider",
    "source", "person", "individual", "official", "socialist", "conservative", "liberal", "progressive",
    "grandmother", "grandfather", "widow", "mom", "dad", "lady", "gentleman", "guy", "friend", "colleague",
    "critic", "supporter", "opponent", "rival", "protester", "organizer", "volunteer", "voter", "citizen",
    "immigrant", "refugee", "officer", "agent", "trooper", "deputy", "inmate", "prisoner", "survivor",
    "winner", "champion", "hero", "blogger", "host", "pundit", "journalist", "photographer", "psychologist",
    "psychiatrist", "surgeon", "dentist", "scholar", "academic", "teacher", "principal", "dean", "student",
    "graduate", "pastor", "priest", "rabbi", "imam", "bishop", "cardinal", "preacher", "evangelist",
    "businessman", "executive", "chairwoman", "relative", "neighbour", "neighbor", "cousin", "uncle",
    "aunt", "nephew", "niece", "fiance", "fiancee", "girlfriend", "boyfriend"
};
static const char *const title_nouns[] = {
    "president", "senator", "governor", "mayor", "secretary", "minister", "chairman", "chairwoman",
    "chancellor", "premier", "judge", "justice", "general", "pope", "king", "queen", "prince", "princess",
    "ambassador", "congressman", "congresswoman", "speaker", "commissioner", "chief", "ceo", "representative",
    "sheriff", "admiral", "colonel", "captain", "lieutenant", "sergeant", "commander", "chair", "vice",
    "monarch", "emperor", "dictator", "ruler", "lord", "baron", "senior", "treasurer", "comptroller",
    "councilman", "councilwoman", "councillor", "councilor", "alderman", "superintendent", "rep",
    "nominee", "candidate", "frontrunner", "front-runner", "spokesman", "spokeswoman", "spokesperson"
};
static const char *const org_nouns[] = {
    "company", "firm", "carmaker", "automaker", "bank", "airline", "carrier", "retailer", "ministry",
    "department", "agency", "club", "team", "group", "union", "network", "broadcaster", "organization",
    "organisation", "party", "government", "council", "commission", "committee", "league", "board",
    "university", "school", "college", "hospital", "regulator", "insurer", "lender", "manufacturer", "maker",
    "operator", "developer", "publisher", "magazine", "newspaper", "paper", "outlet", "channel", "station",
    "administration", "campaign", "court", "embassy", "army", "military", "police", "office", "senate",
    "house", "congress", "legislature", "parliament", "foundation", "institute", "charity", "website", "site",
    "publication", "tabloid", "daily", "service", "authority", "corporation", "giant", "brand", "label",
    "studio", "band", "federation", "association", "movement", "coalition", "alliance", "regime", "state",
    "city", "county", "country", "nation", "kremlin", "pentagon", "bureau", "center", "centre", "court",
    "panel", "tribunal", "caucus", "conference", "fund", "trust", "center", "think-tank", "tank", "chain",
    "store", "business", "startup", "conglomerate", "provider", "utility", "exchange", "consortium",
    "program", "programme", "show", "outlet", "newsletter", "journal", "blog", "wire", "network"
};
static const char *const doc_nouns[] = {
    "report", "study", "statement", "letter", "ruling", "decision", "memo", "memorandum", "email", "e-mail",
    "document", "filing", "complaint", "lawsuit", "suit", "indictment", "release", "survey", "poll",
    "analysis", "book", "article", "story", "editorial", "op-ed", "post", "tweet", "message", "note",
    "video", "ad", "advertisement", "order", "opinion", "verdict", "transcript", "page", "plan", "proposal",
    "bill", "legislation", "law", "policy", "resolution", "speech", "interview", "briefing", "account",
    "biography", "memoir", "excerpt", "piece", "column", "review", "investigation", "probe", "inquiry",
    "audit", "assessment", "estimate", "forecast", "projection", "data", "figures", "research", "paper",
    "agreement", "deal", "treaty", "motion", "petition", "notice", "warning", "announcement", "text",
    "platform", "manifesto", "guidance", "guidelines", "rule", "regulation", "brief", "appeal", "warrant",
    "affidavit", "testimony", "record", "records", "documents", "emails", "chart", "graphic", "map",
    "headline", "caption", "sign", "banner", "slogan", "site", "webpage", "website", "film", "documentary",
    "episode", "segment", "broadcast", "program", "cable", "dispatch", "communique", "declaration",
    "constitution", "amendment", "act", "code", "clause", "provision", "footnote", "summary", "abstract"
};
static const char *const group_nouns[] = {
    "officials", "sources", "people", "authorities", "critics", "experts", "analysts", "researchers",
    "aides", "democrats", "republicans", "lawmakers", "investigators", "prosecutors", "organizers",
    "supporters", "protesters", "police", "leaders", "residents", "voters", "members", "advocates",
    "activists", "scientists", "economists", "observers", "witnesses", "officers", "executives", "lawyers",
    "attorneys", "advisers", "advisors", "staffers", "staff", "insiders", "opponents", "parents", "students",
    "workers", "employees", "families", "allies", "pollsters", "strategists", "conservatives", "liberals",
    "both", "two", "three", "men", "women", "couple", "pair", "duo", "trio", "family", "crowd", "others"
};
static const char *const female_words[] = {
    "woman", "mother", "actress", "wife", "daughter", "sister", "girl", "spokeswoman", "chairwoman",
    "congresswoman", "businesswoman", "queen", "princess", "grandmother", "widow", "lady", "mom",
    "councilwoman", "aunt", "niece", "girlfriend", "waitress", "heiress", "empress", "duchess", "first-lady"
};
static const char *const male_words[] = {
    "man", "father", "actor", "husband", "son", "brother", "boy", "spokesman", "chairman", "congressman",
    "businessman", "king", "prince", "grandfather", "widower", "dad", "councilman", "uncle", "nephew",
    "boyfriend", "waiter", "heir", "emperor", "duke", "gentleman", "guy"
};

#define NWORDS(a) (sizeof a / sizeof a[0])

static int in_list(const char *w, size_t n, const char *const *list, size_t nl)
{
    for (size_t i = 0; i < nl; i++)
        if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0) return 1;
    return 0;
}

/* The folded word of token i into buf (WORD_MAX); its length or 0. */
static size_t fold_tok(const ne_quotes_ws *ws, uint32_t i, char *buf)
{
    const ne_token *k = tok(ws, i);
    return qt_fold_word(ws->t->s + k->start, k->end - k->start, buf);
}

/* The age of an "N-year-old" head, or 0. */
static int head_age(const char *w, size_t n)
{
    int a = 0;
    size_t i = 0;
    while (i < n && w[i] >= '0' && w[i] <= '9' && i < 3) a = a * 10 + (w[i++] - '0');
    return i > 0 && n - i == 9 && memcmp(w + i, "-year-old", 9) == 0 ? a : 0;
}

static int head_class(const char *w, size_t n)
{
    if (!n) return HC_OTHER;
    if (head_age(w, n)) return HC_AGE;
    if (in_list(w, n, title_nouns, NWORDS(title_nouns))) return HC_TITLE;
    if (in_list(w, n, person_nouns, NWORDS(person_nouns))) return HC_PERSON;
    if (in_list(w, n, group_nouns, NWORDS(group_nouns))) return HC_GROUP;
    if (in_list(w, n, org_nouns, NWORDS(org_nouns))) return HC_ORG;
    if (in_list(w, n, doc_nouns, NWORDS(doc_nouns))) return HC_DOC;
    /* a plural of a person noun: "the senators" */
    if (n > 3 && w[n - 1] == 's' && (in_list(w, n - 1, person_nouns, NWORDS(person_nouns)) ||
                                     in_list(w, n - 1, title_nouns, NWORDS(title_nouns))))
        return HC_GROUP;
    return HC_OTHER;
}

int qt_role_noun(const ne_quotes_ws *ws, uint32_t i)
{
    char buf[WORD_MAX];
    size_t n = fold_tok(ws, i, buf);
    int c = head_class(buf, n);
    return c == HC_TITLE || c == HC_PERSON;
}

int qt_people_noun(const ne_quotes_ws *ws, uint32_t i)
{
    char buf[WORD_MAX];
    const ne_token *k = tok(ws, i);
    if (k->kind != NE_TOK_WORD) return 0;
    if ((ws->t->s[k->start] < 'a' || ws->t->s[k->start] > 'z') && !(k->flags & NE_TF_SENT_START)) return 0;
    size_t n = fold_tok(ws, i, buf);
    int c = head_class(buf, n);
    if (c == HC_OTHER && n > 3 && buf[n - 1] == 's') c = head_class(buf, n - 1);   /* "friends" */
    return c == HC_PERSON || c == HC_GROUP;
}

/* 1 male, 2 female, 0 neither */
static int head_gender(const char *w, size_t n)
{
    if (in_list(w, n, female_words, NWORDS(female_words))) return 2;
    if (in_list(w, n, male_words, NWORDS(male_words))) return 1;
    return 0;
}

/* The determiner: 1 the, 2 this/that, 3 these/those, 4 our; 0 none of
 * them (not a definite description). */
static int determiner(const ne_quotes_ws *ws, uint32_t i)
{
    char b[WORD_MAX];
    size_t n = fold_tok(ws, i, b);
    if (n == 3 && !memcmp(b, "the", 3)) return 1;
    if (n == 4 && (!memcmp(b, "this", 4) || !memcmp(b, "that", 4))) return 2;
    if ((n == 5 && !memcmp(b, "these", 5)) || (n == 5 && !memcmp(b, "those", 5))) return 3;
    if (n == 3 && !memcmp(b, "our", 3)) return 4;
    return 0;
}

/* ---- candidates ------------------------------------------------------------------ */

/* The token that holds byte b (the first ending after it). */
static uint32_t tok_at(const ne_quotes_ws *ws, uint32_t b)
{
    size_t lo = 0, hi = ws->t->ntoks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ws->t->toks[mid].end <= b) lo = mid + 1; else hi = mid;
    }
    return (uint32_t)(lo < ws->t->ntoks ? lo : ws->t->ntoks - 1);
}

static uint32_t stmt_para(const ne_quotes_ws *ws, const stmt *s)
{
    return tok(ws, s->kind == NE_QUOTE_DIRECT && s->rq >= 0 ? ws->rq[s->rq].open : s->cbeg)->para;
}

static int compatible(int hc, int type)
{
    if (hc == HC_PERSON || hc == HC_TITLE || hc == HC_AGE) return type == NE_ENT_PER;
    if (hc == HC_ORG) return type == NE_ENT_ORG;
    return 1;
}

int qt_desc_eligible(const ne_quotes_ws *ws, const np *n)
{
    if (n->kind != NP_DESC || n->end <= n->beg + 1 || n->end - n->beg > 7 || n->head >= ws->t->ntoks ||
        !determiner(ws, n->beg))
        return 0;
    /* lower-case words only, as the annotated sources are: a name inside
     * ("the Trump campaign", "the White House statement") is a
     * modifier the ranker and coreference judge, not a description to
     * resolve; nor a possessive */
    for (uint32_t i = n->beg + 1; i < n->end; i++) {
        const ne_token *k = tok(ws, i);
        if (ws->ti[i].ent >= 0 || (k->flags & NE_TF_CAP) ||
            (k->kind != NE_TOK_WORD && k->kind != NE_TOK_NUM && !tok_is(ws, i, "-")))
            return 0;
        /* "the county's emergency office": the possessor is someone else,
         * whom the description does not name */
        const char *w = ws->t->s + k->start;
        size_t len = k->end - k->start;
        if ((len > 2 && w[len - 2] == '\'' && w[len - 1] == 's') ||
            (len > 4 && w[len - 1] == 's' && memcmp(w + len - 4, "\xE2\x80\x99", 3) == 0))
            return 0;
    }
    return 1;
}

size_t qt_desc_candidates(const ne_quotes_ws *ws, size_t si, const np *n, qt_dcand *c)
{
    const ne_doc *doc = ws->doc;
    uint32_t dstart = tok(ws, n->beg)->start, dend = tok(ws, n->end - 1)->end;
    uint32_t dpara = tok(ws, n->beg)->para, dsent = ws->ti[n->beg].sent;
    uint32_t sent_end = ws->t->sents[dsent].end;
    /* the listener of the statement's verb ("the nominee told her", "told
     * Collins"): never its speaker */
    const stmt *st = &ws->st[si];
    uint32_t listener = UINT32_MAX;
    if (st->cue >= 0 && (ws->ti[st->cue].cls & L_OBJ) && (uint32_t)st->cue_end < ws->t->ntoks)
        listener = tok(ws, (uint32_t)st->cue_end)->start;
    size_t nc = 0;
    memset(&c[nc], 0, sizeof c[nc]);
    c[nc].ent = -1;
    nc++;
    /* the most mentioned person, the first named, the previous speaker */
    int32_t most = -1, first = -1;
    size_t most_n = 0;
    uint32_t first_b = UINT32_MAX;
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
        size_t cnt = 0;
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            if (mn->field != NE_FIELD_BODY || mn->repeat) continue;
            cnt++;
            if (mn->kind == NE_MENTION_NAME && mn->start < first_b) { first_b = mn->start; first = (int32_t)e; }
        }
        if (en->type == NE_ENT_PER && cnt > most_n) { most_n = cnt; most = (int32_t)e; }
    }
    int32_t ps = qt_previous_speaker_stmt(ws, si, 6, 0);
    int32_t prev_ent = ps >= 0 ? (int32_t)ws->st[ps].ent : -1;
    /* the first name of the previous sentence, outside quotations */
    int32_t psubj = -1;
    if (dsent > 0) {
        const ne_sentence *se = &ws->t->sents[dsent - 1];
        for (uint32_t i = se->tok_start; i < se->tok_end && psubj < 0; i++)
            if (ws->ti[i].ent >= 0 && ws->ti[i].region == R_OUT) {
                const ne_entity *en = ent_of(ws, ws->ti[i].ent);
                if (en && (en->type == NE_ENT_PER || en->type == NE_ENT_ORG)) psubj = ws->ti[i].ent;
            }
    }
    /* candidates with their nearest mention before the description */
    for (size_t e = 0; e < doc->nentities; e++) {
        const ne_entity *en = &doc->entities[e];
        if (en->type != NE_ENT_PER && en->type != NE_ENT_ORG) continue;
        uint32_t near = UINT32_MAX, nb = 0;
        int inside = 0, titled = 0, later = 0;
        for (size_t m = 0; m < en->nmentions; m++) {
            const ne_mention *mn = &en->mentions[m];
            titled |= mn->field == NE_FIELD_TITLE;
            if (mn->field != NE_FIELD_BODY || mn->repeat) continue;
            /* a headline-like line of the body counts as the title (PolNeAR's texts open with theirs) */
            titled |= mn->start < dstart && ws->ti[tok_at(ws, mn->start)].region == R_HEAD;
            if (mn->start >= dstart && mn->end <= dend) { inside = 1; continue; }
            if (mn->start == listener) { nb = UINT32_MAX; break; }
            if (mn->start >= dend && mn->start < sent_end) later = 1;
            if (mn->end > dstart) continue;
            nb++;
            if (mn->kind != NE_MENTION_PRONOUN && (near == UINT32_MAX || mn->start > near)) near = mn->start;
        }
        if (nb == UINT32_MAX) continue;   /* the listener */
        uint32_t nt = near == UINT32_MAX ? UINT32_MAX : tok_at(ws, near);
        /* "EgyptAir, the airline said": the name right before the description */
        int appos = nt != UINT32_MAX && ws->ti[nt].mend + 1 == n->beg && tok_is(ws, ws->ti[nt].mend, ",");
        int in_window = nt != UINT32_MAX && dpara - tok(ws, nt)->para <= 6;
        if (!in_window && !inside && (int32_t)e != most && (int32_t)e != prev_ent) continue;
        if (nt == UINT32_MAX && !inside) continue;   /* never named before: "the judge" named later */
        qt_dcand k;
        memset(&k, 0, sizeof k);
        k.ent = (int32_t)e;
        k.near_tok = nt;
        k.nbefore = nb > 65535 ? 65535 : (uint16_t)nb;
        k.flags = (uint16_t)(((int32_t)e == prev_ent ? QD_PREVS : 0) | ((int32_t)e == most ? QD_MOST : 0) |
                             ((int32_t)e == first ? QD_FIRST : 0) | ((int32_t)e == psubj ? QD_PSUBJ : 0) |
                             (inside ? QD_INSIDE : 0) | (titled ? QD_HEADLINE : 0) | (appos ? QD_APPOS : 0) | (later ? QD_LATER : 0) |
                             (nt != UINT32_MAX && ws->ti[nt].region == R_QUOTE ? QD_QUOTED : 0));
        /* keep the nearest QT_DESC_MAXC - 1: insert in order of recency */
        size_t pos = nc;
        while (pos > 1 && (c[pos - 1].near_tok == UINT32_MAX ||
                           (k.near_tok != UINT32_MAX && k.near_tok > c[pos - 1].near_tok)))
            pos--;
        if (pos >= QT_DESC_MAXC) continue;
        size_t last = nc < QT_DESC_MAXC ? nc : QT_DESC_MAXC - 1;
        memmove(&c[pos + 1], &c[pos], (last - pos) * sizeof *c);
        c[pos] = k;
        if (nc < QT_DESC_MAXC) nc++;
    }
    /* the speaker of an earlier statement in this paragraph */
    for (size_t j = 0; j < si; j++) {
        const stmt *p = &ws->st[j];
        if (!p->has_speaker || p->ent < 0 || stmt_para(ws, p) != dpara) continue;
        for (size_t i = 1; i < nc; i++)
            if (c[i].ent == (int32_t)p->ent) c[i].flags |= QD_SPARA;
    }
    /* "Boeing and Airbus both reported …": a name joined to another of the
     * candidates by "and", "or" or a comma does not say which one */
    for (size_t i = 1; i < nc; i++) {
        uint32_t t = c[i].near_tok;
        if (t == UINT32_MAX) continue;
        uint32_t b = ws->ti[t].mbeg, e = ws->ti[t].mend;
        int32_t other = -1;
        if (e + 1 < ws->t->ntoks && (tok_is(ws, e, "and") || tok_is(ws, e, "or") || tok_is(ws, e, ",")))
            other = ws->ti[e + 1].ent;
        if (other < 0 && b >= 2 && (tok_is(ws, b - 1, "and") || tok_is(ws, b - 1, "or") || tok_is(ws, b - 1, ",")))
            other = ws->ti[b - 2].ent;
        for (size_t j = 1; other >= 0 && j < nc; j++)
            if (j != i && c[j].ent == other && ent_of(ws, other)->type == ent_of(ws, c[i].ent)->type)
                c[i].flags |= QD_COORD;
    }
    char hw[WORD_MAX];
    size_t hn = fold_tok(ws, n->head, hw);
    int hc = head_class(hw, hn), ncomp = 0;
    for (size_t i = 1; i < nc; i++) {
        c[i].rank = (uint8_t)(i - 1);
        c[i].crank = (uint8_t)ncomp;
        if (c[i].near_tok != UINT32_MAX && compatible(hc, (int)doc->entities[c[i].ent].type)) {
            if (!ncomp) c[i].flags |= QD_NEAREST;
            ncomp++;
        }
    }
    return nc;
}

/* ---- features --------------------------------------------------------------------- */

static inline uint32_t fh(uint32_t t, int64_t a, int64_t b, int64_t c)
{
    uint64_t x = ((uint64_t)t << 56) ^ ((uint64_t)(a & 0xFFFF) << 40) ^ ((uint64_t)(b & 0xFFFFF) << 20) ^
                 (uint64_t)(c & 0xFFFFF);
    uint32_t h = (uint32_t)(ne_mix64(x + 0x9E3779B97F4A7C15ULL) & ((1u << QT_DESC_BITS) - 1));
    return h ? h : 1;   /* 0 holds the link threshold */
}

static int bucket(uint32_t d)
{
    return d == 0 ? 0 : d == 1 ? 1 : d == 2 ? 2 : d <= 4 ? 3 : d <= 8 ? 4 : d <= 16 ? 5 : 6;
}

/* The full word of a title's abbreviation ("gov" -> "governor"), or w. */
static const char *unabbreviate(const char *w, size_t *n)
{
    static const char *const ab[][2] = { {"gov", "governor"}, {"sen", "senator"}, {"rep", "representative"},
                                         {"pres", "president"}, {"gen", "general"}, {"sec", "secretary"},
                                         {"lt", "lieutenant"}, {"col", "colonel"}, {"capt", "captain"},
                                         {"sgt", "sergeant"}, {"adm", "admiral"}, {"supt", "superintendent"} };
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++)
        if (strlen(ab[i][0]) == *n && memcmp(ab[i][0], w, *n) == 0) { *n = strlen(ab[i][1]); return ab[i][1]; }
    return w;
}

/* Whether the folded word w (length n) is a word of s (any case; a
 * title's abbreviation counts as the word: "Gov." is "governor"). */
static int word_in(const char *s, const char *w, size_t n)
{
    for (const char *p = s; p && *p;) {
        while (*p == ' ' || *p == '-' || *p == '.' || *p == ',') p++;
        const char *b = p;
        while (*p && *p != ' ' && *p != '-' && *p != ',' && *p != '.') p++;
        char buf[WORD_MAX];
        size_t len = (size_t)(p - b) < WORD_MAX ? qt_fold_word(b, (size_t)(p - b), buf) : 0;
        const char *u = unabbreviate(buf, &len);
        if (len == n && memcmp(u, w, n) == 0) return 1;
    }
    return 0;
}

/* Whether entity e carries the folded word w: 2 a word of its name
 * ("the foundation", National Golf Foundation), 1 a word of a title or an
 * apposition role (ws->roles: "Gov. Rick Perry", "Adelson, the casino
 * magnate"), 0 neither. */
static int carries_word(const ne_quotes_ws *ws, int32_t e, const char *w, size_t n)
{
    const ne_entity *en = ent_of(ws, e);
    if (!en || !n) return 0;
    if (word_in(en->name, w, n)) return 2;
    uint64_t h = qt_word_hash(w, n);
    for (size_t r = 0; r < ws->nroles; r++)
        if (ws->roles[r].hash == h && ws->roles[r].ent == e) return 1;
    for (size_t t = 0; t < en->ntitles; t++)
        if (word_in(en->titles[t], w, n)) return 1;
    return 0;
}

/* The age written after one of e's name mentions before byte `before`
 * ("Mourinho, 56,", "Smith (45)"), or 0. */
static int entity_age(const ne_quotes_ws *ws, int32_t e, uint32_t before)
{
    const ne_entity *en = ent_of(ws, e);
    for (size_t m = 0; en && m < en->nmentions; m++) {
        const ne_mention *mn = &en->mentions[m];
        if (mn->field != NE_FIELD_BODY || mn->kind != NE_MENTION_NAME || mn->end > before) continue;
        uint32_t k = tok_at(ws, mn->end);
        if (k + 1 >= ws->t->ntoks || tok(ws, k)->start < mn->end) continue;
        if (!tok_is(ws, k, ",") && !tok_is(ws, k, "(")) continue;
        const ne_token *nt = tok(ws, k + 1);
        if (nt->kind != NE_TOK_NUM || nt->end - nt->start > 3) continue;
        int a = 0;
        for (uint32_t i = nt->start; i < nt->end; i++) a = a * 10 + (ws->t->s[i] - '0');
        if (a > 0 && a < 120) return a;
    }
    return 0;
}

/* Whether the head word was written before, outside quotations and
 * outside every entity's mentions ("met the nominee on Tuesday … the
 * nominee told her"): someone the article never names. */
static int head_seen_bare(const ne_quotes_ws *ws, const np *n, const char *hw, size_t hn)
{
    for (uint32_t i = 0; i < n->beg; i++) {
        if (ws->ti[i].ent >= 0 || ws->ti[i].region == R_QUOTE || !is_word(ws, i)) continue;
        const ne_token *k = tok(ws, i);
        if ((size_t)(k->end - k->start) != hn) continue;
        char b[WORD_MAX];
        if (fold_tok(ws, i, b) == hn && memcmp(b, hw, hn) == 0) return 1;
    }
    return 0;
}

/* The coarse class of a head class: a person (noun, title, age), an
 * organisation, a document, a group, other. */
static int coarse(int hc)
{
    return hc == HC_PERSON || hc == HC_TITLE || hc == HC_AGE ? 1 : hc == HC_ORG ? 2 : hc == HC_DOC ? 3
         : hc == HC_GROUP ? 4 : 0;
}

/* Emits template t with values (a, b) three times: conjoined with the
 * head's class, with its coarse class, and alone (the back-off that lets
 * a class with few examples learn from the others). */
#define EMIT(t, a, b)                                     \
    do {                                                  \
        f[k++] = fh((t), 16 + coarse(hc), (a), (b));      \
        f[k++] = fh((t), 32, (a), (b));                   \
    } while (0)

size_t qt_desc_features(const ne_quotes_ws *ws, size_t si, const np *n, const qt_dcand *c, size_t nc, size_t ci,
                        uint32_t *f)
{
    (void)si;
    char hw[WORD_MAX];
    size_t hn = fold_tok(ws, n->head, hw);
    int hc = head_class(hw, hn), det = determiner(ws, n->beg);
    uint32_t hkey = hn ? (uint32_t)(qt_word_hash(hw, hn) & 0xFFFFF) : 0;
    size_t k = 0;
    int ncomp = 0, anyshare = 0;
    for (size_t i = 1; i < nc; i++) {
        ncomp += compatible(hc, (int)ent_of(ws, c[i].ent)->type);
        anyshare |= carries_word(ws, c[i].ent, hw, hn) != 0;
    }
    if (c[ci].ent < 0) {   /* NONE */
        EMIT(1, 0, 0);
        EMIT(2, det, 0);
        EMIT(3, ncomp > 3 ? 3 : ncomp, anyshare);
        EMIT(4, n->end - n->beg > 4 ? 4 : n->end - n->beg, 0);
        EMIT(6, head_seen_bare(ws, n, hw, hn), 0);
        f[k++] = fh(5, hkey, 0, 0);
        return k;
    }
    const qt_dcand *x = &c[ci];
    const ne_entity *en = ent_of(ws, x->ent);
    int T = (int)en->type;
    uint32_t dpara = tok(ws, n->beg)->para, dsent = ws->ti[n->beg].sent;
    uint32_t pb = x->near_tok == UINT32_MAX ? 9 : dpara - tok(ws, x->near_tok)->para;
    uint32_t sb = x->near_tok == UINT32_MAX ? 99 : dsent - ws->ti[x->near_tok].sent;
    int comp = compatible(hc, T);
    int share = carries_word(ws, x->ent, hw, hn);
    int mods = 0, modsok = 0;
    for (uint32_t i = n->beg + 1; i < n->head; i++) {
        char b[WORD_MAX];
        size_t bl = is_word(ws, i) ? fold_tok(ws, i, b) : 0;
        if (!bl || ws->ti[i].ent >= 0) continue;
        mods++;
        modsok += carries_word(ws, x->ent, b, bl) != 0;
    }
    int hg = head_gender(hw, hn), eg = ws->gender[x->ent];
    int gender = !hg ? 0 : eg == NE_GENDER_UNKNOWN ? 1 : (hg == 1) == (eg == NE_GENDER_MALE) ? 2 : 3;
    uint32_t fl = x->flags;
    int crank = x->crank > 3 ? 3 : x->crank;
    EMIT(10, T, comp);
    EMIT(11, comp, bucket(pb));
    EMIT(12, comp, bucket(sb));
    EMIT(13, comp, comp ? crank : 4);
    EMIT(14, comp, bucket(x->nbefore));
    EMIT(15, comp, (fl & QD_MOST) ? 1 : 0);
    EMIT(16, comp, (fl & QD_FIRST) ? 1 : 0);
    EMIT(17, comp, (fl & QD_PREVS) ? 1 + (pb == 0) : 0);
    EMIT(18, comp, (fl & QD_PSUBJ) ? 1 : 0);
    EMIT(19, comp, (fl & QD_SPARA) ? 1 : 0);
    EMIT(20, comp, share);
    EMIT(21, share != 0, mods ? (modsok == mods ? 2 : 1) : 0);
    EMIT(29, share, T);
    EMIT(22, gender, T);
    EMIT(23, (fl & QD_INSIDE) ? 1 : 0, T);
    EMIT(24, (fl & QD_QUOTED) ? 1 : 0, comp);
    EMIT(25, (fl & QD_NEAREST) ? 1 : 0, ncomp > 3 ? 3 : ncomp);
    EMIT(26, comp, (fl & QD_HEADLINE) ? 1 : 0);
    EMIT(27, comp, (fl & QD_APPOS) ? 1 : 0);
    EMIT(30, comp, (fl & QD_LATER) ? 1 : 0);
    EMIT(31, comp, (fl & QD_COORD) ? 1 : 0);
    /* the head word itself: "the businessman" in 2016 news, "the company" */

    if (hc == HC_AGE) {
        int ea = entity_age(ws, x->ent, tok(ws, n->beg)->start);
        f[k++] = fh(28, !ea ? 1 : ea == head_age(hw, hn) ? 2 : 3, 0, 0);
    }
    return k;
}

/* ---- the choice --------------------------------------------------------------------- */

size_t qt_desc_choose(const ne_quotes_ws *ws, size_t si, const np *n, const float *w, qt_dcand *c, size_t nc)
{
    uint32_t f[QT_DESC_MAXF];
    size_t best = 0;
    float mx = 0;
    for (size_t i = 0; i < nc; i++) {
        size_t nf = qt_desc_features(ws, si, n, c, nc, i, f);
        float s = 0;
        for (size_t j = 0; j < nf; j++) s += w[f[j]];
        c[i].score = s;
        if (i == 0 || s > mx) mx = s;
        if (i > 0 && (best == 0 || s > c[best].score)) best = i;
    }
    if (!best) return 0;
    double z = 0;   /* log-sum-exp of the scores: the best's log-probability */
    for (size_t i = 0; i < nc; i++) z += exp((double)(c[i].score - mx));
    return (double)(c[best].score - mx) - log(z) >= (double)w[0] ? best : 0;
}

void qt_describe_speaker(ne_quotes_ws *ws, size_t si)
{
    stmt *s = &ws->st[si];
    if (ws->no_describe || !s->has_speaker || s->ent >= 0 || !qt_desc_eligible(ws, &s->sp_np)) return;
    const float *w = qt_desc_weights();
    if (!w) return;
    qt_dcand c[QT_DESC_MAXC];
    size_t nc = qt_desc_candidates(ws, si, &s->sp_np, c);
    if (nc < 2) return;
    size_t b = qt_desc_choose(ws, si, &s->sp_np, w, c, nc);
    /* a he/she opening the reported clause is, as a rule, the speaker:
     * "The victim told reporters he had been beaten" is no woman's (the
     * resolver chose "Ms Swaraj", named before) */
    if (c[b].ent >= 0 && s->kind == NE_QUOTE_INDIRECT && s->cbeg < ws->t->ntoks) {
        uint32_t pc = ws->ti[s->cbeg].cls;
        if ((pc & L_SUBJ) && (pc & (L_HE | L_SHE)) && !qt_gender_ok(ws, (int32_t)c[b].ent, pc)) return;
    }
    s->ent = c[b].ent;
}
