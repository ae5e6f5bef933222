/* html_meta — the page's metadata from the candidates html_parse.c read.
 *
 * Choices, in order of preference:
 *  - title: og:title, JSON-LD headline, twitter:title, the first <h1> when
 *    <title> holds it, else <title> (but the <h1> when <title> is three
 *    words or fewer and the <h1> four or more: a section's name); site and
 *    section names standing before or after a separator (" | ", " - ",
 *    " – ", " — ", " :: ", " · ", " » ") go, one after the other, when one
 *    is the page's site name or when the rest is clearly the headline
 *    (four words or more against three or fewer); "Forbes.com: " goes
 *    (a colon only after a site's address).
 *  - url: <link rel=canonical>, og:url (absolute http(s) only).
 *  - language: <html lang>, content-language, og:locale ("en_US" → "en-US");
 *    only well-formed tags (letters, digits, '-', 2 to 35 bytes).
 *  - published_at: article:published_time, JSON-LD datePublished, other
 *    date metas, the first <time datetime>; only values that start with
 *    an ISO 8601 date (YYYY-MM-DD), kept as written.
 *  - site_name: og:site_name, JSON-LD publisher name, application-name.
 *  - authors: meta author (and byl, dc.creator, …) and JSON-LD author
 *    names; only when those name nobody, the names in the first
 *    rel=author / itemprop=author / byline element that names someone
 *    (sidebars list other authors too). "By A, B and C" is split; a
 *    trailing agency ("… The Associated Press") goes; a name is two to
 *    five words, capitalised, without digits, addresses or a job title
 *    ("Times Staff Writer"): "CNN", "Amman" or "FoxNews.com" are not
 *    people; case-insensitive duplicates go.
 */
#include "enrichers/html/html_int.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieqn(const char *a, size_t na, const char *b, size_t nb)
{
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

static const char *istr(const char *hay, const char *needle)
{
    size_t n = strlen(needle), h = strlen(hay);
    for (size_t i = 0; i + n <= h; i++)
        if (ieqn(hay + i, n, needle, n)) return hay + i;
    return NULL;
}

/* ---- authors ------------------------------------------------------------ */

/* True when the word w (lower case) is one of the n bytes' words,
 * ignoring ASCII case. */
static int has_word(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w);
    for (size_t i = 0; i + m <= n; i++)
        if ((i == 0 || s[i - 1] == ' ') && (i + m == n || s[i + m] == ' ') && ieqn(s + i, m, w, m))
            return 1;
    return 0;
}

/* A person's name: two to five words, the first capitalised, no digits,
 * addresses or punctuation of other things, no job title ("Times Staff
 * Writer"). One word is a brand or a place ("CNN", "Amman"), not a
 * person, unless written in a script without spaces (CJK). */
static int plausible_name(const char *s, size_t n)
{
    static const char *const roles[] = { "staff", "writer", "editor", "editors", "reporter",
        "correspondent", "contributor", "columnist", "admin", "unknown", "team", "desk",
        "news", "press", "wire", "wires" };
    size_t words = 1;
    unsigned char c0 = (unsigned char)s[0];
    if (n < 3 || n > 60) return 0;
    if (c0 < 0x80 && !(c0 >= 'A' && c0 <= 'Z')) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || c == '/' || c == '@' || c == ':' || c == '|' ||
            c == '(' || c == ')' || c == '<' || c == '>' || c == '"')
            return 0;
        if (c == '.' && i + 1 < n && s[i + 1] != ' ') return 0;   /* "FoxNews.com" */
        if (c == ' ') words++;
    }
    /* one word is enough in scripts written without spaces (肖春芳) */
    if ((words < 2 && c0 < 0xE3) || words > 5) return 0;
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
        if (has_word(s, n, roles[r])) return 0;
    return 1;
}

/* Length of s[0..n) without a trailing agency ("ROD McGUIRK The Associated
 * Press", "Jane Roe, Reuters" is split at the comma already). */
static size_t without_agency(const char *s, size_t n)
{
    static const char *const agencies[] = { " the associated press", " associated press",
                                            " reuters", " afp", " bloomberg", " ap" };
    for (size_t i = 0; i < sizeof agencies / sizeof agencies[0]; i++) {
        size_t m = strlen(agencies[i]);
        if (n > m && ieqn(s + n - m, m, agencies[i], m)) return n - m;
    }
    return n;
}

static void add_one(hx_model *m, const char *s, size_t n, int byline)
{
    char **list = byline ? m->bylines : m->authors;
    size_t *count = byline ? &m->nbylines : &m->nauthors;
    size_t max = byline ? HX_MAX_BYLINES : HX_MAX_AUTHORS;
    while (n && (*s == ' ' || *s == ',' || *s == '-' || *s == '.')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == ',' || s[n - 1] == '-')) n--;
    if (n > 3 && ieqn(s, 3, "by ", 3)) { s += 3; n -= 3; }
    while (n && *s == ' ') { s++; n--; }
    n = without_agency(s, n);
    if (!n || !plausible_name(s, n) || *count >= max) return;
    for (size_t i = 0; i < *count; i++)
        if (ieqn(list[i], strlen(list[i]), s, n)) return;
    list[(*count)++] = ne_xstrndup(s, n);
}

void hx_add_author(hx_model *m, const char *raw, size_t len, int byline)
{
    char *s = hx_clean_dup(raw, len > 300 ? 300 : len), *p;
    size_t n;
    if (!s) return;
    n = strlen(s);
    p = s;
    if (n > 3 && ieqn(p, 3, "by ", 3)) { p += 3; n -= 3; }
    /* split on ",", ";", " and ", " & " */
    while (n) {
        size_t cut = n, skip = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == ',' || p[i] == ';') { cut = i; skip = 1; break; }
            if (i + 5 <= n && ieqn(p + i, 5, " and ", 5)) { cut = i; skip = 5; break; }
            if (i + 3 <= n && memcmp(p + i, " & ", 3) == 0) { cut = i; skip = 3; break; }
        }
        add_one(m, p, cut, byline);
        if (cut == n) break;
        p += cut + skip;
        n -= cut + skip;
    }
    free(s);
}

/* ---- JSON-LD ------------------------------------------------------------ */

/* Deepest nesting of [ and { outside strings (yajl_tree frees recursively). */
static int json_depth_ok(const char *s, int max)
{
    int depth = 0, in_str = 0;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1]) s++;
            else if (*s == '"') in_str = 0;
        } else if (*s == '"') in_str = 1;
        else if (*s == '{' || *s == '[') { if (++depth > max) return 0; }
        else if (*s == '}' || *s == ']') depth--;
    }
    return 1;
}

static yajl_val obj_get(yajl_val o, const char *key)
{
    if (!YAJL_IS_OBJECT(o)) return NULL;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (strcmp(o->u.object.keys[i], key) == 0) return o->u.object.values[i];
    return NULL;
}

static int is_article_type(yajl_val t)
{
    if (YAJL_IS_STRING(t)) {
        const char *s = (t)->u.string;
        return istr(s, "article") || istr(s, "posting") || istr(s, "report");
    }
    if (YAJL_IS_ARRAY(t))
        for (size_t i = 0; i < t->u.array.len; i++)
            if (is_article_type(t->u.array.values[i])) return 1;
    return 0;
}

static void ld_author(hx_model *m, yajl_val a)
{
    if (YAJL_IS_STRING(a)) {
        hx_add_author(m, (a)->u.string, strlen((a)->u.string), 0);
    } else if (YAJL_IS_OBJECT(a)) {
        yajl_val n = obj_get(a, "name");
        if (YAJL_IS_STRING(n)) hx_add_author(m, (n)->u.string, strlen((n)->u.string), 0);
    } else if (YAJL_IS_ARRAY(a)) {
        for (size_t i = 0; i < a->u.array.len && i < 16; i++) {
            yajl_val x = a->u.array.values[i];
            if (!YAJL_IS_ARRAY(x)) ld_author(m, x);
        }
    }
}

static void set_from(hx_model *m, enum hx_meta k, yajl_val v)
{
    if (!m->meta[k] && YAJL_IS_STRING(v))
        m->meta[k] = hx_clean_dup((v)->u.string, strlen((v)->u.string));
}

static void ld_visit(hx_model *m, yajl_val v, int depth)
{
    if (depth > 4 || !v) return;
    if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len && i < 64; i++) ld_visit(m, v->u.array.values[i], depth + 1);
        return;
    }
    if (!YAJL_IS_OBJECT(v)) return;
    if (is_article_type(obj_get(v, "@type"))) {
        yajl_val pub = obj_get(v, "publisher");
        set_from(m, M_LD_HEADLINE, obj_get(v, "headline"));
        set_from(m, M_LD_PUBLISHED, obj_get(v, "datePublished"));
        ld_author(m, obj_get(v, "author"));
        if (pub) set_from(m, M_LD_PUBLISHER, obj_get(pub, "name"));
    }
    ld_visit(m, obj_get(v, "@graph"), depth + 1);
    ld_visit(m, obj_get(v, "mainEntity"), depth + 1);
}

static void read_json_ld(hx_model *m)
{
    const char *p = m->ld.s, *end = m->ld.s + m->ld.len;
    for (size_t i = 0; p && i < m->nld && p < end; i++) {
        size_t n = strlen(p);
        if (json_depth_ok(p, 32)) {
            yajl_val v = yajl_tree_parse(p, NULL, 0);
            if (v) {
                ld_visit(m, v, 0);
                yajl_tree_free(v);
            }
        }
        p += n + 1;
    }
}

/* ---- the choices -------------------------------------------------------- */

static int iso_date(const char *s)
{
    for (int i = 0; i < 10; i++) {
        char c = s[i];
        if (i == 4 || i == 7) { if (c != '-') return 0; }
        else if (c < '0' || c > '9') return 0;
    }
    return 1;
}

static int good_lang(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 35) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z' && (s[1] | 32) >= 'a' && (s[1] | 32) <= 'z');
}

static size_t words(const char *s, size_t n)
{
    size_t w = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') in = 0;
        else if (!in) { in = 1; w++; }
    }
    return w;
}

/* True when s[0..n) names a site: a word with a dot inside ("Forbes.com",
 * "FOXNews.com"). */
static int domainish(const char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == '.' && s[i - 1] != ' ' && s[i + 1] != ' ') return 1;
    return 0;
}

/* Removes one site name (or section name) before or after a separator, in
 * place; returns whether it removed one. */
static int strip_site_once(char *t, const char *site)
{
    static const char *const seps[] = { " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                        " :: ", " \xC2\xB7 ", " \xC2\xBB ", " // " };
    size_t n = strlen(t);
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
        const char *first = strstr(t, seps[k]), *last = first, *q;
        size_t sl = strlen(seps[k]);
        if (!first) continue;
        while ((q = strstr(last + 1, seps[k])) != NULL) last = q;
        /* "Headline | Site" (the last separator) */
        {
            size_t head = (size_t)(last - t);
            const char *tail = last + sl;
            size_t tn = n - head - sl;
            if ((site && ieqn(tail, tn, site, strlen(site))) ||
                (words(tail, tn) <= 3 && words(t, head) >= 4)) {
                t[head] = '\0';
                return 1;
            }
        }
        /* "Site | Headline" (the first separator) */
        {
            size_t hn = (size_t)(first - t);
            const char *rest = first + sl;
            if ((site && ieqn(t, hn, site, strlen(site))) ||
                (words(t, hn) <= 3 && words(rest, strlen(rest)) >= 4)) {
                memmove(t, rest, strlen(rest) + 1);
                return 1;
            }
        }
    }
    /* "Forbes.com: Headline" (a colon only after a site's address, since
     * "Trump: Putin says …" is a headline) */
    {
        const char *c = strstr(t, ": ");
        if (c && (domainish(t, (size_t)(c - t)) ||
                  (site && ieqn(t, (size_t)(c - t), site, strlen(site)))) &&
            words(c + 2, strlen(c + 2)) >= 2) {
            memmove(t, c + 2, strlen(c + 2) + 1);
            return 1;
        }
    }
    return 0;
}

/* Strips site and section names ("BBC NEWS | Technology | Headline")
 * until none is left. */
static void strip_site(char *t, const char *site)
{
    for (int i = 0; i < 4 && strip_site_once(t, site); i++) {}
}

static char *take(hx_model *m, enum hx_meta k)
{
    char *s = m->meta[k];
    m->meta[k] = NULL;
    return s;
}

static char *first_h1(const hx_model *m)
{
    for (size_t b = 0; b < m->nbl; b++)
        if (m->bl[b].flags & BF_H1)
            return hx_clean_dup(m->text.s + m->bl[b].off, m->bl[b].len);
    return NULL;
}

void hx_meta_choose(hx_model *m, ne_html_page *page)
{
    static const enum hx_meta title_pref[] = { M_OG_TITLE, M_LD_HEADLINE, M_TW_TITLE };
    static const enum hx_meta date_pref[] = { M_PUBLISHED, M_LD_PUBLISHED, M_META_DATE, M_TIME };
    static const enum hx_meta site_pref[] = { M_SITE_NAME, M_LD_PUBLISHER, M_APP_NAME };
    static const enum hx_meta url_pref[] = { M_CANONICAL, M_OG_URL };
    static const enum hx_meta lang_pref[] = { M_LANG, M_CONTENT_LANG, M_OG_LOCALE };
    char *h1;

    if (m->nld) read_json_ld(m);

    for (size_t i = 0; i < 3 && !page->site_name; i++) page->site_name = take(m, site_pref[i]);
    for (size_t i = 0; i < 3 && !page->title; i++) page->title = take(m, title_pref[i]);
    h1 = first_h1(m);
    if (!page->title && h1 && m->meta[M_TITLE] && strstr(m->meta[M_TITLE], h1)) {
        page->title = h1;
        h1 = NULL;
    }
    if (!page->title && m->meta[M_TITLE]) {
        page->title = take(m, M_TITLE);
        strip_site(page->title, page->site_name);
        /* a section's or the site's name ("Entertainment", "Breaking
         * News") where the page's <h1> is a headline: the <h1> */
        if (h1 && words(page->title, strlen(page->title)) <= 3 && words(h1, strlen(h1)) >= 4) {
            free(page->title);
            page->title = h1;
            h1 = NULL;
        }
    }
    if (!page->title && h1) { page->title = h1; h1 = NULL; }
    free(h1);
    if (page->title) {
        strip_site(page->title, page->site_name);
        if (!page->title[0]) { free(page->title); page->title = NULL; }
    }

    for (size_t i = 0; i < 2 && !page->url; i++) {
        char *u = take(m, url_pref[i]);
        if (u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
            !strchr(u, ' '))
            page->url = u;
        else
            free(u);
    }
    for (size_t i = 0; i < 3 && !page->language; i++) {
        char *l = take(m, lang_pref[i]);
        if (l && good_lang(l)) {
            for (char *c = l; *c; c++) if (*c == '_') *c = '-';
            page->language = l;
        } else {
            free(l);
        }
    }
    for (size_t i = 0; i < 4 && !page->published_at; i++) {
        char *d = take(m, date_pref[i]);
        if (d && iso_date(d) && !strchr(d, ' ')) page->published_at = d;
        else free(d);
    }
    if (!m->nauthors) {
        for (size_t i = 0; i < m->nbylines; i++) {
            m->authors[i] = m->bylines[i];
            m->bylines[i] = NULL;
        }
        m->nauthors = m->nbylines;
        m->nbylines = 0;
    }
    if (m->nauthors) {
        page->authors = ne_xcalloc(m->nauthors, sizeof *page->authors);
        for (size_t i = 0; i < m->nauthors; i++) {
            page->authors[i] = m->authors[i];
            m->authors[i] = NULL;
        }
        page->nauthors = m->nauthors;
        m->nauthors = 0;
    }
}
