/* entities_posts — the authors of embedded social posts as entities.
 *
 * An embedded post's account line ("— Jane Roe (@jroe) March 3, 2017")
 * has no tokens (the text stage keeps it out of the running text, text.h),
 * so the tagger never sees its name; yet the quotes stage makes the post
 * a quote by that name (quotes_posts.c), and an alert needs an entity:
 * a watched author's post raised no alert (6 of 113 person alerts lost on
 * the real-article dev set, make eval-real). Here each account name
 * becomes a name mention: of the article's entity of that name when it
 * has one (the same name, case aside, or a person with the same first and
 * last words: "Donald J. Trump" is "Donald Trump"), else of a new entity,
 * watched when the watchlist has that name or alias. A new entity is a
 * person when its first word is a given name the stage knows or the
 * watchlist names it, else an organisation (an outlet's, an agency's or a
 * brand's account).
 *
 * Cost: nothing unless the body holds " (@"; then one pass over its lines.
 */
#include "enrichers/entities/entities_int.h"

#include <stdio.h>
#include <strings.h>

#include "enrichers/text/text.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int same_name(const char *a, const char *s, size_t n)
{
    return a && strlen(a) == n && !strncasecmp(a, s, n);
}

/* The watched person named s[0..n) by name or alias, or NULL. */
static const ne_person *watched_named(const ent_state *st, const char *s, size_t n)
{
    for (size_t i = 0; i < st->cfg->watchlist.npeople; i++) {
        const ne_person *p = &st->cfg->watchlist.people[i];
        if (same_name(p->name, s, n)) return p;
        for (size_t k = 0; k < p->naliases; k++)
            if (same_name(p->aliases[k], s, n)) return p;
    }
    return NULL;
}

static void add_mention(ne_entity *e, uint32_t start, uint32_t end)
{
    e->mentions = ne_xrealloc(e->mentions, (e->nmentions + 1) * sizeof *e->mentions);
    ne_mention *m = &e->mentions[e->nmentions++];
    *m = (ne_mention){ .start = start, .end = end, .field = NE_FIELD_BODY, .kind = NE_MENTION_NAME,
                       .title_start = start, .title_end = start };
    /* keep the body's mentions in reading order */
    for (; m > e->mentions && m[-1].field == NE_FIELD_BODY && m[-1].start > m->start; m--) {
        ne_mention tmp = m[-1];
        m[-1] = *m;
        *m = tmp;
    }
}

static void add_entity(ent_state *st, ne_doc *doc, const char *s, size_t n, uint32_t start)
{
    const ne_person *p = watched_named(st, s, n);
    const char *sp = memchr(s, ' ', n);
    size_t nf = sp ? (size_t)(sp - s) : n;
    int given = nf < n && map_get(&st->gz.given, hash_fold(s, nf)) != NONE32;
    doc->entities = ne_xrealloc(doc->entities, (doc->nentities + 1) * sizeof *doc->entities);
    ne_entity *e = &doc->entities[doc->nentities++];
    *e = (ne_entity){ .name = p ? ne_xstrdup(p->name) : ne_xstrndup(s, n),
                      .type = p || given ? NE_ENT_PER : NE_ENT_ORG, .watched = p != NULL };
    if (p) {
        e->id = ne_xstrdup(p->id);
    } else {
        ne_grow(&st->slug, &st->cap_slug, 2 * n + 24, 1);
        size_t sl = ne_entities_slug(s, n, st->slug, st->cap_slug);
        if (sl == 0) snprintf(st->slug, st->cap_slug, "entity-%016llx", (unsigned long long)hash_fold(s, n));
        e->id = ne_xstrdup(st->slug);
    }
    if (e->type == NE_ENT_PER) {
        e->gender = (enum ne_gender)ent_given_gender(&st->gz, e->name, strcspn(e->name, " "));
    }
    add_mention(e, start, start + (uint32_t)n);
}

size_t ent_add_post_authors(ent_state *st, ne_doc *doc)
{
    const char *s = doc->body;
    size_t len = doc->body_len, added = 0;
    if (!s || len > UINT32_MAX || !memchr(s, '@', len) || !memmem(s, len, " (@", 3)) return 0;
    for (size_t b = 0; b < len;) {
        const char *nl = memchr(s + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - s) : len, lb = b, le = e, at, nm, ne;
        while (lb < le && blank(s[lb])) lb++;
        while (le > lb && blank(s[le - 1])) le--;
        if (le > lb && memmem(s + lb, le - lb, " (@", 3) && ne_text_post_account(s + lb, le - lb, &at, &nm, &ne) &&
            ne > nm) {
            const char *name = s + lb + nm;
            size_t n = ne - nm;
            long k = ne_doc_entity_named(doc, name, n);
            if (k >= 0) {
                add_mention(&doc->entities[k], (uint32_t)(lb + nm), (uint32_t)(lb + ne));
            } else {
                add_entity(st, doc, name, n, (uint32_t)(lb + nm));
                added++;
            }
        }
        b = e + 1;
    }
    return added;
}
