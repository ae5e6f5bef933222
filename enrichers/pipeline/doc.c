#include "enrichers/pipeline/doc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ne_text_clear(ne_text *t)
{
    if (!t) return;
    free(t->toks);
    free(t->sents);
    free(t->paras);
    memset(t, 0, sizeof *t);
}

static void entity_free(ne_entity *e)
{
    free(e->id);
    free(e->name);
    free(e->mentions);
    for (size_t i = 0; i < e->ntitles; i++) free(e->titles[i]);
    free(e->titles);
}

static void quote_free(ne_quote *q)
{
    free(q->id);
    free(q->text);
    free(q->parts);
    free(q->speaker_text);
    free(q->cue);
    free(q->about);
    free(q->claim_id);
    free(q->first_seen_article);
    free(q->first_seen_at);
    free(q->created_at);
}

void ne_doc_reset(ne_doc *doc)
{
    if (!doc) return;
    free(doc->id);
    free(doc->title);
    free(doc->url);
    free(doc->source);
    free(doc->published_at);
    free(doc->language);
    for (size_t i = 0; i < doc->nauthors; i++) free(doc->authors[i]);
    free(doc->authors);
    free(doc->body);
    ne_text_clear(&doc->body_text);
    ne_text_clear(&doc->title_text);
    free(doc->dedup.duplicate_of);
    free(doc->dedup.story_id);
    for (size_t i = 0; i < doc->nentities; i++) entity_free(&doc->entities[i]);
    free(doc->entities);
    for (size_t i = 0; i < doc->nquotes; i++) quote_free(&doc->quotes[i]);
    free(doc->quotes);
    memset(doc, 0, sizeof *doc);
}

void ne_doc_free(ne_doc *doc)
{
    if (!doc) return;
    ne_doc_reset(doc);
    free(doc);
}

const char *ne_ran_name(enum ne_ran r)
{
    static const char *const names[NE_RAN__COUNT] = {
        [NE_RAN_TEXT] = "text", [NE_RAN_LANG] = "lang", [NE_RAN_DEDUP] = "dedup",
        [NE_RAN_ENTITIES] = "entities", [NE_RAN_NER] = "entities.ner",
        [NE_RAN_COREF] = "entities.coref", [NE_RAN_QUOTES] = "quotes",
        [NE_RAN_SPEAKERS] = "quotes.speakers", [NE_RAN_CLAIMS] = "dedup.claims",
    };
    return (unsigned)r < NE_RAN__COUNT ? names[r] : "?";
}

const char *ne_ent_type_name(enum ne_ent_type t)
{
    switch (t) {
    case NE_ENT_PER: return "PERSON";
    case NE_ENT_ORG: return "ORG";
    case NE_ENT_LOC: return "LOC";
    case NE_ENT_MISC: return "MISC";
    }
    return "MISC";
}

const char *ne_quote_kind_name(enum ne_quote_kind k)
{
    switch (k) {
    case NE_QUOTE_DIRECT: return "direct";
    case NE_QUOTE_PARTIAL: return "partial";
    case NE_QUOTE_INDIRECT: return "indirect";
    case NE_QUOTE_POST: return "post";
    }
    return "direct";
}

const char *ne_mention_kind_name(int k)
{
    switch (k) {
    case NE_MENTION_TITLE: return "title";
    case NE_MENTION_DESC: return "description";
    case NE_MENTION_PRONOUN: return "pronoun";
    default: return "name";
    }
}

/* The first and last words of a name (up to a space). */
static void name_ends(const char *s, size_t n, size_t *nf, const char **l, size_t *nl)
{
    size_t i = 0;
    while (i < n && s[i] != ' ') i++;
    *nf = i;
    size_t j = n;
    while (j > 0 && s[j - 1] != ' ') j--;
    *l = s + j;
    *nl = n - j;
}

long ne_doc_entity_named(const ne_doc *doc, const char *s, size_t n)
{
    size_t nf, nl;
    const char *l;
    name_ends(s, n, &nf, &l, &nl);
    long weak = -1;
    for (size_t i = 0; i < doc->nentities; i++) {
        const ne_entity *e = &doc->entities[i];
        size_t en = e->name ? strlen(e->name) : 0;
        if (!en) continue;
        if (en == n && !strncasecmp(e->name, s, n)) return (long)i;
        if (e->type != NE_ENT_PER || nf == n || weak >= 0) continue;
        size_t enf, enl;
        const char *el;
        name_ends(e->name, en, &enf, &el, &enl);
        if (enf == nf && enl == nl && !strncasecmp(e->name, s, nf) && !strncasecmp(el, l, nl))
            weak = (long)i;
    }
    return weak;
}
