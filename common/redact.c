#include "common/redact.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A nested URL (a parameter value holding "://") deeper than this is
 * masked whole rather than read. */
#define MAX_DEPTH 4

/* Output: keeps what fits in out (always NUL-terminated when cap > 0),
 * counts everything. */
struct w {
    char  *out;
    size_t cap, len;
};

static void put(struct w *w, const char *s, size_t n)
{
    if (w->cap && w->len + 1 < w->cap) {
        size_t room = w->cap - 1 - w->len;
        memcpy(w->out + w->len, s, n < room ? n : room);
    }
    w->len += n;
}

static void put_mask(struct w *w) { put(w, NE_REDACTED, sizeof NE_REDACTED - 1); }

static size_t finish(struct w *w)
{
    if (w->cap) w->out[w->len < w->cap ? w->len : w->cap - 1] = '\0';
    return w->len;
}

/* Case-insensitive search of needle (lower case) in s[0..n). */
static const char *find_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower((unsigned char)s[i + k]) == needle[k]) k++;
        if (k == m) return s + i;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ne_redact_name_sensitive(const char *name, size_t len)
{
    static const char *const words[] = {"token", "key", "secret", "sig", "pass", "pwd", "auth", "cred",
                                        "session"};
    char low[256];
    size_t n = 0;
    /* A name too long to decode here is masked: when in doubt, mask. */
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)name[i];
        if (c == '%' && i + 2 < len && hexval(name[i + 1]) >= 0 && hexval(name[i + 2]) >= 0) {
            c = hexval(name[i + 1]) * 16 + hexval(name[i + 2]);
            i += 2;
        }
        if (n == sizeof low) return 1;
        low[n++] = (char)tolower(c);
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (find_ci(low, n, words[i])) return 1;
    return 0;
}

static void url_redact(struct w *w, const char *s, size_t n, int depth);

static int scheme_char(int c)
{
    return isalnum(c) || c == '+' || c == '-' || c == '.';
}

/* s[0..n) starts with "scheme://". */
static int is_url(const char *s, size_t n)
{
    size_t i = 0;
    if (!n || !isalpha((unsigned char)s[0])) return 0;
    while (i < n && scheme_char((unsigned char)s[i])) i++;
    return n - i >= 3 && memcmp(s + i, "://", 3) == 0;
}

/* One parameter "name=value" (or a bare "name"). In a URL a bare one is
 * masked; in free text it is just a word. */
static void put_param(struct w *w, const char *s, size_t n, int in_url, int depth)
{
    const char *eq = memchr(s, '=', n);
    if (!eq) {
        if (in_url && n) put_mask(w);
        else put(w, s, n);
        return;
    }
    size_t nl = (size_t)(eq - s), vl = n - nl - 1;
    const char *v = eq + 1;
    put(w, s, nl + 1);
    if (!vl) return;
    if (ne_redact_name_sensitive(s, nl)) put_mask(w);
    else if (is_url(v, vl)) {
        if (depth < MAX_DEPTH) url_redact(w, v, vl, depth + 1);
        else put_mask(w);
    } else if (memchr(v, '@', vl) || find_ci(v, vl, "%40")) put_mask(w);
    else put(w, v, vl);
}

/* Parameters separated by any of seps; separators are copied. */
static void put_params(struct w *w, const char *s, size_t n, const char *seps, int in_url, int depth)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !strchr(seps, s[i])) continue;
        put_param(w, s + start, i - start, in_url, depth);
        if (i < n) put(w, s + i, 1);
        start = i + 1;
    }
}

/* host, host:port, [v6] or [v6]:port; the port all digits (or empty). */
static int hostport_ok(const char *h, size_t n)
{
    const char *end = h + n, *colon;
    if (n && h[0] == '[') {
        const char *rb = memchr(h, ']', n);
        if (!rb) return 0;
        colon = rb + 1 < end ? rb + 1 : NULL;
        if (colon && *colon != ':') return 0;
    } else {
        colon = memchr(h, ':', n);
        if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) return 0;
    }
    if (colon)
        for (const char *p = colon + 1; p < end; p++)
            if (!isdigit((unsigned char)*p)) return 0;
    return 1;
}

static const char *find_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(set, s[i])) return s + i;
    return NULL;
}

/* The end of the authority and of the path of a URL read from p. */
static void split(const char *p, const char *end, const char **aend, const char **pend)
{
    *aend = find_any(p, (size_t)(end - p), "/?#");
    if (!*aend) *aend = end;
    *pend = find_any(*aend, (size_t)(end - *aend), "?#");
    if (!*pend) *pend = end;
}

/* A URL from its authority on (after "scheme://", or the whole text when
 * it has no scheme). `rest` is set for what follows a masked '@'. */
static void rest_redact(struct w *w, const char *p, const char *end, int depth, int rest)
{
    const char *aend, *pend;
    split(p, end, &aend, &pend);
    const char *at = NULL;
    for (const char *q = p; q < aend; q++)
        if (*q == '@') at = q;
    const char *colon = find_any(p, (size_t)((at ? at : aend) - p), ":");

    /* An '@' after the authority is what an unencoded '/', '?' or '#' in a
     * password produces ("user:pa/ss@host"): in the path, or in the query
     * when a "user:pa" authority ends at '?' or '#'. Everything before it
     * is masked, and what follows is read as authority, path and query.
     * It is moved to the last '@' before the end of that path, so that the
     * result reads the same when redacted again. */
    const char *late_at = find_any(aend, (size_t)(pend - aend), "@");
    if (!late_at && !rest && !at && colon && aend == pend && pend < end) late_at = find_any(pend, (size_t)(end - pend), "@");
    if (late_at) {
        for (const char *b = late_at;;) {
            const char *raend, *rpend;
            split(b + 1, end, &raend, &rpend);
            for (const char *q = b + 1; q < rpend; q++)
                if (*q == '@') late_at = q;
            if (late_at == b) break;
            b = late_at;
        }
        put_mask(w);
        put(w, "@", 1);
        rest_redact(w, late_at + 1, end, depth, 1);
        return;
    }

    const char *host = p;
    if (at) {
        if (colon) put(w, p, (size_t)(colon + 1 - p));
        put_mask(w);
        put(w, "@", 1);
        host = at + 1;
    }
    if (!hostport_ok(host, (size_t)(aend - host))) {
        /* unreadable: it may hold the rest of a password */
        put_mask(w);
        return;
    }
    put(w, host, (size_t)(pend - host));
    if (pend == end) return;
    const char *hash = memchr(pend, '#', (size_t)(end - pend));
    if (*pend == '?') {
        const char *qend = hash ? hash : end;
        put(w, "?", 1);
        put_params(w, pend + 1, (size_t)(qend - pend - 1), "&;", 1, depth);
    }
    if (hash) {
        put(w, "#", 1);
        put_params(w, hash + 1, (size_t)(end - hash - 1), "&;", 1, depth);
    }
}

static void url_redact(struct w *w, const char *s, size_t n, int depth)
{
    const char *end = s + n, *p = s;
    const char *sep = find_ci(s, n, "://");
    /* the scheme: what comes before the first "://", if that is not
     * already part of a path, query or userinfo */
    if (sep && !find_any(s, (size_t)(sep - s), "/?#@")) {
        put(w, s, (size_t)(sep + 3 - s));
        p = sep + 3;
    } else if (n >= 2 && s[0] == '/' && s[1] == '/') {
        put(w, s, 2);
        p = s + 2;
    }
    rest_redact(w, p, end, depth, 0);
}

size_t ne_url_redact(const char *url, char *out, size_t outlen)
{
    struct w w = {out, outlen, 0};
    url_redact(&w, url, strlen(url), 0);
    return finish(&w);
}

static int word_delim(int c)
{
    return isspace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

size_t ne_text_redact(const char *text, char *out, size_t outlen)
{
    struct w w = {out, outlen, 0};
    const char *p = text;
    while (*p) {
        const char *ws = p;
        while (*p && word_delim((unsigned char)*p)) p++;
        put(&w, ws, (size_t)(p - ws));
        const char *word = p;
        while (*p && !word_delim((unsigned char)*p)) p++;
        size_t n = (size_t)(p - word);
        if (!n) continue;
        const char *sep = find_ci(word, n, "://");
        if (sep) {
            const char *start = sep;
            while (start > word && scheme_char((unsigned char)start[-1])) start--;
            /* closing punctuation after a URL belongs to the sentence */
            const char *uend = p;
            while (uend > sep + 3 && strchr(")]},.;:!", uend[-1])) uend--;
            put_params(&w, word, (size_t)(start - word), "&;?#,", 0, 0);
            url_redact(&w, start, (size_t)(uend - start), 0);
            put(&w, uend, (size_t)(p - uend));
        } else if (memchr(word, '=', n)) {
            put_params(&w, word, n, "&;?#,", 0, 0);
        } else {
            put(&w, word, n);
        }
    }
    return finish(&w);
}

void ne_text_redact_inplace(char *buf, size_t cap)
{
    char small[1024];
    size_t len = strlen(buf);
    char *copy = len < sizeof small ? small : ne_xmalloc(len + 1);
    memcpy(copy, buf, len + 1);
    ne_text_redact(copy, buf, cap);
    if (copy != small) free(copy);
}
