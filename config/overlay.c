/* overlay — the topic's entries and their merge with the file's
 * (overlay.h).
 *
 * Entries are kept in arrival order in a plain array and found by a linear
 * search: a watchlist is tens to thousands of people, changed by hand, and
 * a merge (one per change, off the hot path) of a thousand entries costs
 * well under a millisecond. A map would only matter for a watchlist of
 * hundreds of thousands.
 */
#include "config/overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define ID_MAX 256

struct entry {
    enum ne_entry_kind kind;
    char *id;
    int deleted;            /* the topic's last record of it is a tombstone */
    char *value;            /* the record's bytes, to see a repeat; NULL when deleted */
    size_t len;
    ne_person person;       /* kind NE_ENTRY_PERSON, not deleted */
    ne_subscription sub;    /* kind NE_ENTRY_SUBSCRIPTION, not deleted */
};

struct ne_overlay {
    struct entry *e;
    size_t n, cap;
};

static const char *kind_prefix(enum ne_entry_kind kind)
{
    return kind == NE_ENTRY_PERSON ? "person:" : "subscription:";
}

int ne_overlay_key(enum ne_entry_kind kind, const char *id, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s%s", kind_prefix(kind), id);
    return n < 0 || (size_t)n >= outlen ? -1 : n;
}

enum ne_entry_kind ne_overlay_parse_key(const char *key, size_t len, char *id, size_t idlen)
{
    static const enum ne_entry_kind kinds[] = {NE_ENTRY_PERSON, NE_ENTRY_SUBSCRIPTION};
    if (!key) return 0;
    for (size_t k = 0; k < 2; k++) {
        const char *pre = kind_prefix(kinds[k]);
        size_t plen = strlen(pre);
        if (len <= plen || memcmp(key, pre, plen) != 0) continue;
        size_t n = len - plen;
        if (n >= idlen || memchr(key + plen, '\0', n)) return 0;
        memcpy(id, key + plen, n);
        id[n] = '\0';
        return kinds[k];
    }
    return 0;
}

ne_overlay *ne_overlay_new(void)
{
    return ne_xcalloc(1, sizeof(ne_overlay));
}

/* Drops what an entry holds besides its kind and id. */
static void entry_empty(struct entry *e)
{
    ne_person_clear(&e->person);
    ne_subscription_clear(&e->sub);
    free(e->value);
    e->value = NULL;
    e->len = 0;
}

void ne_overlay_free(ne_overlay *ov)
{
    if (!ov) return;
    for (size_t i = 0; i < ov->n; i++) {
        entry_empty(&ov->e[i]);
        free(ov->e[i].id);
    }
    free(ov->e);
    free(ov);
}

static struct entry *find(const ne_overlay *ov, enum ne_entry_kind kind, const char *id)
{
    for (size_t i = 0; i < ov->n; i++)
        if (ov->e[i].kind == kind && strcmp(ov->e[i].id, id) == 0) return &ov->e[i];
    return NULL;
}

static struct entry *find_or_add(ne_overlay *ov, enum ne_entry_kind kind, const char *id)
{
    struct entry *e = find(ov, kind, id);
    if (e) return e;
    ne_grow(&ov->e, &ov->cap, ov->n + 1, sizeof *ov->e);
    e = &ov->e[ov->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->id = ne_xstrdup(id);
    e->deleted = 1;
    return e;
}

/* A key for a message: printable ASCII, at most 80 bytes, the rest cut. */
static void key_for_msg(const char *key, size_t len, char *out, size_t outlen)
{
    size_t w = 0;
    if (!key) { snprintf(out, outlen, "(none)"); return; }
    for (size_t i = 0; i < len && i < 80 && w + 5 < outlen; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out[w++] = (char)c;
        else w += (size_t)snprintf(out + w, outlen - w, "\\x%02x", c);
    }
    if (len > 80 && w + 4 < outlen) { memcpy(out + w, "...", 3); w += 3; }
    out[w] = '\0';
}

int ne_overlay_apply(ne_overlay *ov, const char *key, size_t key_len, const char *value, size_t len, char *err,
                     size_t errlen)
{
    char id[ID_MAX], shown[400], path[ID_MAX + 32];
    enum ne_entry_kind kind = ne_overlay_parse_key(key, key_len, id, sizeof id);
    if (!kind) {
        key_for_msg(key, key ? key_len : 0, shown, sizeof shown);
        snprintf(err, errlen, "key \"%s\": expected person:<id> or subscription:<id> (an id of at most %d bytes)",
                 shown, ID_MAX - 1);
        return -1;
    }
    ne_overlay_key(kind, id, path, sizeof path);
    if (!value) {
        /* a tombstone of an id never seen still counts: it may remove the file's entry */
        struct entry *e = find(ov, kind, id);
        if (e && e->deleted) return 0;
        if (!e) e = find_or_add(ov, kind, id);
        entry_empty(e);
        e->deleted = 1;
        return 1;
    }
    ne_person person;
    ne_subscription sub;
    memset(&person, 0, sizeof person);
    memset(&sub, 0, sizeof sub);
    if (kind == NE_ENTRY_PERSON) {
        if (ne_config_parse_person(value, len, path, &person, err, errlen)) return -1;
        if (strcmp(person.id, id) != 0) {
            snprintf(err, errlen, "%s.id: \"%.100s\" differs from the key's id", path, person.id);
            ne_person_clear(&person);
            return -1;
        }
    } else {
        if (ne_config_parse_subscription(value, len, path, 1, &sub, err, errlen)) return -1;
        if (!sub.id) {
            sub.id = ne_xstrdup(id);
        } else if (strcmp(sub.id, id) != 0) {
            snprintf(err, errlen, "%s.id: \"%.100s\" differs from the key's id", path, sub.id);
            ne_subscription_clear(&sub);
            return -1;
        }
    }
    struct entry *e = find_or_add(ov, kind, id);
    if (!e->deleted && e->len == len && memcmp(e->value, value, len) == 0) {
        /* the same record again (a restart of the writer, compaction) */
        ne_person_clear(&person);
        ne_subscription_clear(&sub);
        return 0;
    }
    entry_empty(e);
    e->deleted = 0;
    e->value = ne_xmemdup(value, len);
    e->len = len;
    e->person = person;
    e->sub = sub;
    return 1;
}

size_t ne_overlay_count(const ne_overlay *ov, enum ne_entry_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < ov->n; i++) n += ov->e[i].kind == kind && !ov->e[i].deleted;
    return n;
}

int ne_overlay_state(const ne_overlay *ov, enum ne_entry_kind kind, const char *id)
{
    const struct entry *e = find(ov, kind, id);
    return !e ? 0 : e->deleted ? -1 : 1;
}

static int seed_has_person(const ne_config *seed, const char *id)
{
    for (size_t i = 0; i < seed->watchlist.npeople; i++)
        if (strcmp(seed->watchlist.people[i].id, id) == 0) return 1;
    return 0;
}

static int seed_has_subscription(const ne_config *seed, const char *id)
{
    for (size_t i = 0; i < seed->webhooks.nsubscriptions; i++)
        if (strcmp(seed->webhooks.subscriptions[i].id, id) == 0) return 1;
    return 0;
}

/* The merged watchlist: the file's people in their order (replaced or
 * removed by the topic), then the topic's own. */
static void merge_people(const ne_overlay *ov, const ne_config *seed, ne_config *m)
{
    size_t cap = seed->watchlist.npeople + ne_overlay_count(ov, NE_ENTRY_PERSON), n = 0;
    ne_person *out = ne_xcalloc(cap ? cap : 1, sizeof *out);
    for (size_t i = 0; i < seed->watchlist.npeople; i++) {
        const ne_person *p = &seed->watchlist.people[i];
        const struct entry *e = find(ov, NE_ENTRY_PERSON, p->id);
        if (e && e->deleted) continue;
        ne_person_copy(&out[n++], e ? &e->person : p);
    }
    for (size_t i = 0; i < ov->n; i++) {
        const struct entry *e = &ov->e[i];
        if (e->kind == NE_ENTRY_PERSON && !e->deleted && !seed_has_person(seed, e->id))
            ne_person_copy(&out[n++], &e->person);
    }
    for (size_t i = 0; i < m->watchlist.npeople; i++) ne_person_clear(&m->watchlist.people[i]);
    free(m->watchlist.people);
    m->watchlist.people = out;
    m->watchlist.npeople = n;
}

static void merge_subscriptions(const ne_overlay *ov, const ne_config *seed, ne_config *m)
{
    size_t cap = seed->webhooks.nsubscriptions + ne_overlay_count(ov, NE_ENTRY_SUBSCRIPTION), n = 0;
    ne_subscription *out = ne_xcalloc(cap ? cap : 1, sizeof *out);
    for (size_t i = 0; i < seed->webhooks.nsubscriptions; i++) {
        const ne_subscription *s = &seed->webhooks.subscriptions[i];
        const struct entry *e = find(ov, NE_ENTRY_SUBSCRIPTION, s->id);
        if (e && e->deleted) continue;
        ne_subscription_copy(&out[n++], e ? &e->sub : s);
    }
    for (size_t i = 0; i < ov->n; i++) {
        const struct entry *e = &ov->e[i];
        if (e->kind == NE_ENTRY_SUBSCRIPTION && !e->deleted && !seed_has_subscription(seed, e->id))
            ne_subscription_copy(&out[n++], &e->sub);
    }
    for (size_t i = 0; i < m->webhooks.nsubscriptions; i++) ne_subscription_clear(&m->webhooks.subscriptions[i]);
    free(m->webhooks.subscriptions);
    m->webhooks.subscriptions = out;
    m->webhooks.nsubscriptions = n;
}

ne_config *ne_overlay_merge(const ne_overlay *ov, const ne_config *seed)
{
    ne_config *m = ne_config_dup(seed);
    merge_people(ov, seed, m);
    merge_subscriptions(ov, seed, m);
    return m;
}

size_t ne_overlay_unknown_people(const ne_config *cfg,
                                 void (*fn)(void *ctx, const char *subscription_id, const char *person_id),
                                 void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->webhooks.nsubscriptions; i++) {
        const ne_subscription *s = &cfg->webhooks.subscriptions[i];
        for (size_t j = 0; j < s->npeople; j++)
            if (!seed_has_person(cfg, s->people[j])) {
                n++;
                if (fn) fn(ctx, s->id, s->people[j]);
            }
    }
    return n;
}
