/* html_parse — libxml2's HTML parser in SAX mode → the page model (html_int.h).
 *
 * Decisions:
 *  - SAX, not a DOM: building libxml2's tree costs more than the parse
 *    itself (1.6 vs 0.9 ms for an average page) and libxml2's tree builder
 *    stops the whole document at depth 256 (nodePush), which real pages
 *    with unclosed tags reach. Our own depth bound (NE_HTML_MAX_DEPTH)
 *    stops the parse instead: libxml2 looks an end tag up through the stack
 *    of open elements, so 10 MB of "<div></span>" is quadratic without it.
 *  - Skipped subtrees leave nothing in the model: head, script, style,
 *    noscript, template, svg, math, iframe, object, canvas, select,
 *    textarea, button, audio, video, map, dialog; anything hidden (hidden,
 *    aria-hidden="true", display:none); and inline elements (span, …)
 *    whose class or id says boilerplate, and dates standing apart.
 *    nav, aside, footer, figcaption and block elements whose class or id
 *    says boilerplate are kept in the model with a flag: the extractor
 *    decides, knowing their size. libxml2's parser is HTML 4's: it ignores
 *    an end tag (</nav>, </span>) while a <div> opened inside is still
 *    open, so such an element can swallow the rest of the page. Hence the
 *    flags rather than skipping, and an inline skip ends at the first
 *    block-level start tag inside it.
 *  - Text is collapsed as it arrives: whitespace runs (and U+00A0) become
 *    one space, blocks are trimmed; a block ends at every block-level
 *    start or end tag and at <br>.
 *  - Metadata is read whatever the skipping: <meta>, <link>, <title>,
 *    JSON-LD scripts, <time datetime>, <html lang>, byline elements.
 */
#include "enrichers/html/html_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

/* ---- small helpers ------------------------------------------------------ */

void hx_buf_add(hx_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->s = ne_xrealloc(b->s, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static int is_ws(const unsigned char *s, size_t i, size_t n, size_t *w)
{
    unsigned char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') { *w = 1; return 1; }
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) { *w = 2; return 1; }
    return 0;
}

char *hx_clean_dup(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = ne_xmalloc(n + 1);
    size_t o = 0, w;
    int space = 0;
    for (size_t i = 0; i < n;) {
        if (u[i] == 0) { i++; continue; }
        if (is_ws(u, i, n, &w)) { space = o > 0; i += w; continue; }
        if (space) out[o++] = ' ';
        space = 0;
        out[o++] = s[i++];
    }
    out[o] = '\0';
    if (!o) { free(out); return NULL; }
    return out;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
        int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
        if (x != y) return 0;
    }
    return *a == *b;
}

/* ---- tags --------------------------------------------------------------- */

struct tagname { const char *name; uint8_t tag; };

static const struct tagname tag_table[] = {
    {"a", T_A}, {"abbr", T_INLINE}, {"address", T_ADDRESS}, {"article", T_ARTICLE},
    {"aside", T_NAV}, {"audio", T_SKIP}, {"b", T_INLINE}, {"bdi", T_INLINE},
    {"bdo", T_INLINE}, {"big", T_INLINE}, {"blockquote", T_BLOCKQUOTE}, {"body", T_BODY},
    {"br", T_BR}, {"button", T_SKIP}, {"canvas", T_SKIP}, {"cite", T_INLINE},
    {"code", T_INLINE}, {"data", T_INLINE}, {"dd", T_DD}, {"del", T_INLINE},
    {"dfn", T_INLINE}, {"dialog", T_SKIP}, {"div", T_DIV}, {"dl", T_DL}, {"dt", T_DT},
    {"em", T_INLINE}, {"embed", T_EMBED}, {"figcaption", T_FIGCAPTION}, {"figure", T_FIGURE},
    {"font", T_INLINE}, {"footer", T_NAV}, {"form", T_FORM}, {"h1", T_H1}, {"h2", T_H2},
    {"h3", T_H3}, {"h4", T_H4}, {"h5", T_H5}, {"h6", T_H6}, {"head", T_HEAD},
    {"header", T_HEADER}, {"hr", T_HR}, {"html", T_HTML}, {"i", T_INLINE},
    {"iframe", T_SKIP}, {"img", T_IMG}, {"input", T_INPUT}, {"ins", T_INLINE},
    {"kbd", T_INLINE}, {"label", T_INLINE}, {"li", T_LI}, {"link", T_LINK},
    {"main", T_MAIN}, {"map", T_SKIP}, {"mark", T_INLINE}, {"math", T_SKIP},
    {"meta", T_META}, {"nav", T_NAV}, {"nobr", T_INLINE}, {"noscript", T_SKIP},
    {"object", T_SKIP}, {"ol", T_OL}, {"p", T_P}, {"picture", T_INLINE}, {"pre", T_PRE},
    {"q", T_INLINE}, {"s", T_INLINE}, {"samp", T_INLINE}, {"script", T_SCRIPT},
    {"section", T_SECTION}, {"select", T_SKIP}, {"small", T_INLINE}, {"source", T_INLINE},
    {"span", T_SPAN}, {"strike", T_INLINE}, {"strong", T_INLINE}, {"style", T_SKIP},
    {"sub", T_INLINE}, {"sup", T_INLINE}, {"svg", T_SKIP}, {"table", T_TABLE},
    {"tbody", T_OTHER}, {"td", T_TD}, {"template", T_SKIP}, {"textarea", T_SKIP},
    {"th", T_TH}, {"time", T_TIME}, {"title", T_TITLE}, {"tr", T_TR}, {"tt", T_INLINE},
    {"u", T_INLINE}, {"ul", T_UL}, {"var", T_INLINE}, {"video", T_SKIP}, {"wbr", T_INLINE},
};

/* libxml2 hands element names in lower case. */
static uint8_t tag_of(const char *name)
{
    size_t lo = 0, hi = sizeof tag_table / sizeof tag_table[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, tag_table[mid].name);
        if (c == 0) return tag_table[mid].tag;
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return T_OTHER;
}

static int tag_inline(uint8_t t)
{
    return t == T_A || t == T_INLINE || t == T_SPAN || t == T_TIME || t == T_IMG ||
           t == T_INPUT || t == T_EMBED || t == T_BR;
}

/* ---- class and id names -------------------------------------------------- */

/* Substrings, after readability's regular expressions (unlikelyCandidates,
 * okMaybeItsACandidate, positive, negative), plus the furniture the
 * contract names (captions, credits, bylines, share and newsletter promos). */
static const char *const unlikely_words[] = {
    "-ad-", "ai2html", "banner", "breadcrumb", "combx", "comment", "community",
    "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu",
    "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper",
    "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager",
    "popup", "yom-remote", "cookie", "newsletter", "signup", "sign-up", "subscribe",
    "share", "sharing", "taboola", "outbrain", "recommend", "most-read", "mostread",
    "most-popular", "trending", "toolbar", "nav", "widget", "promo", "masthead",
};
static const char *const maybe_words[] = {
    "and", "article", "body", "column", "content", "main", "shadow",
};
static const char *const boiler_words[] = {
    "caption", "credit", "byline", "author", "dateline", "timestamp", "share",
    "social", "newsletter", "promo", "related", "advert", "sponsor", "tags",
    "print", "hidden", "photo-info", "img-info", "inline-ad", "ad-container",
    "read-more", "readmore", "more-on", "see-also", "tools", "copyright",
};
static const char *const positive_words[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page",
    "pagination", "post", "text", "blog", "story",
};
static const char *const negative_words[] = {
    "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "foot",
    "footnote", "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related",
    "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping",
    "tags", "tool", "widget", "caption", "credit",
};

static int has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i])) return 1;
    return 0;
}
#define HAS_ANY(s, w) has_any((s), (w), sizeof (w) / sizeof (w)[0])

/* Lower-cases at most cap-1 bytes of s into buf. */
static void lower_into(char *buf, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        buf[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    buf[i] = '\0';
}

/* Weight and flags from a class or id value. */
static void name_weight(const char *value, int16_t *weight, uint8_t *flags)
{
    char s[256];
    lower_into(s, sizeof s, value);
    if (!s[0]) return;
    if (HAS_ANY(s, positive_words)) *weight += 25;
    if (HAS_ANY(s, negative_words)) *weight -= 25;
    if (HAS_ANY(s, unlikely_words) && !HAS_ANY(s, maybe_words)) *flags |= EF_UNLIKELY;
    if (HAS_ANY(s, boiler_words)) *flags |= EF_BOILER;
}

/* An id made from a heading ("sharing-with-a-single-developer",
 * "evolve-shared-mutable-history"): four words or more, none a number
 * (generated ids count: "social-sharing-modal-article-66"). Its words say
 * nothing about the element's role. */
static int slug_id(const char *v)
{
    int seps = 0, digits_only = 1, seglen = 0;
    for (;; v++) {
        if (*v == '-' || *v == '_' || !*v) {
            if (seglen && digits_only) return 0;   /* "modal-article-66": generated */
            if (!*v) break;
            seps++;
            digits_only = 1;
            seglen = 0;
        } else {
            seglen++;
            if (*v < '0' || *v > '9') digits_only = 0;
        }
    }
    return seps >= 3;
}

/* An embedded social post's blockquote, as the sites' embed codes write
 * it: Twitter's "twitter-tweet", Instagram's "instagram-media",
 * Facebook's "fb-xfbml-parse-ignore" (inside <div class="fb-post">). The
 * words "media" and "post" must not make it furniture. */
static int post_class(const char *v)
{
    return strstr(v, "twitter-tweet") || strstr(v, "instagram-media") ||
           strstr(v, "fb-xfbml-parse-ignore");
}

/* The account in a Facebook post's address ("https://www.facebook.com/
 * JaneRoe/posts/123" -> "JaneRoe"), malloc'd; NULL when the address names
 * no account (permalink.php?…, /pages/…, /groups/…). Facebook's user names
 * are letters, digits and dots, as a Twitter handle's are. */
static char *facebook_handle(const char *url)
{
    const char *p = strstr(url, "facebook.com/"), *q;
    if (!p) return NULL;
    p += 13;
    for (q = p; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                *q == '.'; q++)
        if (q - p > 50) return NULL;
    if (q == p || (*q && *q != '/') || !strncmp(p, "pages/", 6) || !strncmp(p, "groups/", 7) ||
        !strncmp(p, "watch/", 6) || !strncmp(p, "events/", 7) || !strncmp(p, "photo.", 6))
        return NULL;
    return ne_xstrndup(p, (size_t)(q - p));
}

/* Element i or an ancestor is an embedded post (one walk up the tree). */
static int in_post(const hx_model *m, uint32_t i)
{
    for (; i != HX_NONE; i = m->el[i].parent)
        if (m->el[i].flags & EF_POST) return 1;
    return 0;
}

#define DIV_PARA_MIN 80

/* ---- the SAX state ------------------------------------------------------- */

enum capture { CAP_NONE, CAP_TITLE, CAP_LD, CAP_AUTHOR };

struct frame {
    uint32_t elem;     /* recorded element, or HX_NONE */
    uint32_t owner;    /* nearest recorded element (the block owner) */
    uint8_t  tag;
    uint8_t  hash_link; /* an <a href="#…">: an in-page link */
};

struct pstate {
    hx_model *m;
    htmlParserCtxtPtr ctxt;
    struct frame stack[NE_HTML_MAX_DEPTH + 1];
    unsigned depth;        /* open elements; stack[0] is the document */
    unsigned skip_at;      /* depth where a skipped subtree opened, 0: none */
    int      skip_soft;    /* an inline skip: a block start inside ends it */
    unsigned cap_at;       /* depth where the capture opened */
    enum capture cap;
    hx_buf capbuf;
    unsigned in_a;         /* open <a> elements */
    unsigned in_hash_a;    /* of which in-page links (href="#…") */
    int stopped;           /* a bound was hit: ignore what libxml2 still reports */
    int closing;           /* after the parse: closing what is still open */
    /* the open block */
    int      blk_open;
    uint32_t blk_owner;
    size_t   blk_off;
    uint32_t blk_link;     /* bytes inside <a> */
    uint32_t blk_hlink;    /* of which inside in-page links only */
    uint16_t blk_commas;
    int      space;
};

static _Thread_local struct pstate *cur_state;

static void stop(struct pstate *st)
{
    if (!st->stopped) {
        st->stopped = 1;
        st->m->truncated = 1;
        xmlStopParser(st->ctxt);
    }
}

static void flush_block(struct pstate *st)
{
    hx_model *m = st->m;
    hx_block *b;
    hx_elem *o;
    if (!st->blk_open) return;
    st->blk_open = 0;
    st->space = 0;
    ne_grow(&m->bl, &m->capbl, m->nbl + 1, sizeof *m->bl);
    b = &m->bl[m->nbl++];
    b->owner = st->blk_owner;
    b->off = (uint32_t)st->blk_off;
    b->len = (uint32_t)(m->text.len - st->blk_off);
    /* Readability counts in-page links ("#top", footnotes) at 0.3 */
    {
        uint32_t link = st->blk_link - st->blk_hlink + (st->blk_hlink * 3 + 9) / 10;
        b->link = link > b->len ? b->len : link;
    }
    b->commas = st->blk_commas;
    b->flags = 0;
    if (b->owner != HX_NONE) {
        o = &m->el[b->owner];
        switch (o->tag) {
        case T_H1: b->flags = BF_HEADING | BF_H1; break;
        case T_H2: case T_H3: case T_H4: case T_H5: case T_H6: b->flags = BF_HEADING; break;
        case T_LI: b->flags = BF_LI; break;
        case T_PRE: b->flags = BF_PRE; break;
        default: break;
        }
        o->own.text += b->len;
        o->own.link += b->link;
        o->own.commas += b->commas;
        /* text standing in a <div> is a paragraph too when it reads as
         * one (Readability's DIV_TO_P: CNN's <div class="zn-body__paragraph">) */
        if (o->tag == T_P) o->own.n_p++;
        else if (o->tag == T_DIV && b->len >= DIV_PARA_MIN && b->link * 4 < b->len) o->own.n_divp++;
        /* a linked headline: teasers, "Other Opinion Columns" */
        if ((b->flags & BF_HEADING) && b->link * 2 > b->len) o->own.n_hlink++;
    }
    if (m->nbl >= NE_HTML_MAX_ELEMS) stop(st);
}

static const char *attr(const xmlChar **atts, const char *name)
{
    if (!atts) return NULL;
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp((const char *)atts[i], name) == 0)
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

static void set_meta(hx_model *m, enum hx_meta k, const char *v)
{
    if (m->meta[k] || !v) return;
    m->meta[k] = hx_clean_dup(v, strlen(v));
}

static void on_meta(hx_model *m, const xmlChar **atts)
{
    const char *key = attr(atts, "property"), *content = attr(atts, "content");
    char k[64];
    if (!key) key = attr(atts, "name");
    if (!key) key = attr(atts, "itemprop");
    if (!key) {
        const char *he = attr(atts, "http-equiv");
        if (he && ieq(he, "content-language")) set_meta(m, M_CONTENT_LANG, content);
        return;
    }
    if (!content) return;
    lower_into(k, sizeof k, key);
    if (!strcmp(k, "og:title")) set_meta(m, M_OG_TITLE, content);
    else if (!strcmp(k, "twitter:title")) set_meta(m, M_TW_TITLE, content);
    else if (!strcmp(k, "og:url")) set_meta(m, M_OG_URL, content);
    else if (!strcmp(k, "og:site_name")) set_meta(m, M_SITE_NAME, content);
    else if (!strcmp(k, "application-name")) set_meta(m, M_APP_NAME, content);
    else if (!strcmp(k, "og:locale")) set_meta(m, M_OG_LOCALE, content);
    else if (!strcmp(k, "language") || !strcmp(k, "content-language") || !strcmp(k, "dc.language"))
        set_meta(m, M_CONTENT_LANG, content);
    else if (!strcmp(k, "article:published_time") || !strcmp(k, "og:article:published_time") ||
             !strcmp(k, "datepublished") || !strcmp(k, "article.published") ||
             !strcmp(k, "published-date") || !strcmp(k, "publish-date"))
        set_meta(m, M_PUBLISHED, content);
    else if (!strcmp(k, "date") || !strcmp(k, "pubdate") || !strcmp(k, "publishdate") ||
             !strcmp(k, "dc.date.issued") || !strcmp(k, "dc.date") || !strcmp(k, "dcterms.date") ||
             !strcmp(k, "parsely-pub-date") || !strcmp(k, "sailthru.date") ||
             !strcmp(k, "original-publish-date") || !strcmp(k, "article_date_original") ||
             !strcmp(k, "displaydate") || !strcmp(k, "dcterms.created"))
        set_meta(m, M_META_DATE, content);
    else if (!strcmp(k, "author") || !strcmp(k, "byl") || !strcmp(k, "dc.creator") ||
             !strcmp(k, "parsely-author") || !strcmp(k, "sailthru.author") ||
             !strcmp(k, "article:author") || !strcmp(k, "dcterms.creator"))
        hx_add_author(m, content, strlen(content), 0);
}

/* Starts a capture of the text inside the element just opened. */
static void capture(struct pstate *st, enum capture what)
{
    if (st->cap != CAP_NONE) return;
    st->cap = what;
    st->cap_at = st->depth;
    st->capbuf.len = 0;
    if (st->capbuf.s) st->capbuf.s[0] = '\0';
}

static void end_capture(struct pstate *st)
{
    hx_model *m = st->m;
    hx_buf *c = &st->capbuf;
    switch (st->cap) {
    case CAP_TITLE:
        if (!m->meta[M_TITLE] && c->len) m->meta[M_TITLE] = hx_clean_dup(c->s, c->len);
        break;
    case CAP_LD:
        if (c->len && m->nld < 16) {
            hx_buf_add(&m->ld, c->s, c->len);
            hx_buf_add(&m->ld, "", 1);   /* NUL between scripts */
            m->nld++;
        }
        break;
    case CAP_AUTHOR:
        if (c->len) hx_add_author(m, c->s, c->len, 1);
        break;
    case CAP_NONE:
        break;
    }
    st->cap = CAP_NONE;
}

static int hidden(const xmlChar **atts)
{
    const char *v;
    char s[128];
    if (attr(atts, "hidden")) return 1;
    if ((v = attr(atts, "aria-hidden")) && ieq(v, "true")) return 1;
    if ((v = attr(atts, "style"))) {
        lower_into(s, sizeof s, v);
        if (strstr(s, "display:none") || strstr(s, "display: none") ||
            strstr(s, "visibility:hidden") || strstr(s, "visibility: hidden"))
            return 1;
    }
    return 0;
}

static int unlikely_role(const char *role)
{
    static const char *const roles[] = { "navigation", "complementary", "banner",
        "contentinfo", "menu", "menubar", "dialog", "alertdialog", "search", "alert" };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (ieq(role, roles[i])) return 1;
    return 0;
}

static int is_author_marker(const xmlChar **atts)
{
    const char *v;
    char s[128];
    if ((v = attr(atts, "rel")) && ieq(v, "author")) return 1;
    if ((v = attr(atts, "itemprop")) && (ieq(v, "author") || ieq(v, "creator"))) return 1;
    if ((v = attr(atts, "class"))) {
        lower_into(s, sizeof s, v);
        if (strstr(s, "byline") || !strcmp(s, "author") || strstr(s, "author-name") ||
            strstr(s, "author_name") || strstr(s, "authorname"))
            return 1;
    }
    return 0;
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
    struct pstate *st = cur_state;
    hx_model *m = st->m;
    const char *name = (const char *)xname, *v;
    struct frame *f, *up;
    uint8_t tag, flags = 0;
    int16_t weight = 0;
    uint32_t cls = 0;
    int post = 0;
    (void)ctx;

    if (st->stopped) return;
    if (st->depth >= NE_HTML_MAX_DEPTH) { stop(st); return; }
    tag = tag_of(name);
    up = &st->stack[st->depth];
    f = &st->stack[++st->depth];
    f->elem = HX_NONE;
    f->owner = up->owner;
    f->tag = tag;
    f->hash_link = 0;

    /* metadata, wherever it stands */
    switch (tag) {
    case T_HTML:
        if ((v = attr(atts, "lang")) || (v = attr(atts, "xml:lang"))) set_meta(m, M_LANG, v);
        break;
    case T_META: on_meta(m, atts); break;
    case T_LINK:
        if ((v = attr(atts, "rel")) && ieq(v, "canonical")) set_meta(m, M_CANONICAL, attr(atts, "href"));
        break;
    case T_TITLE:
        if (!m->meta[M_TITLE]) capture(st, CAP_TITLE);
        break;
    case T_SCRIPT:
        if ((v = attr(atts, "type")) && ieq(v, "application/ld+json")) capture(st, CAP_LD);
        break;
    case T_TIME:
        /* an embedded post's date is the post's, not the article's */
        if (!m->meta[M_TIME] && (v = attr(atts, "datetime")) && !in_post(m, up->owner))
            set_meta(m, M_TIME, v);
        break;
    default:
        break;
    }
    if (atts && st->cap == CAP_NONE && !m->nbylines && is_author_marker(atts))
        capture(st, CAP_AUTHOR);

    if (st->skip_at && st->skip_soft && !tag_inline(tag) && tag != T_SKIP && tag != T_SCRIPT)
        st->skip_at = 0;   /* the inline element did not close: stop skipping */
    if (st->skip_at) return;
    st->skip_soft = 0;
    if (tag == T_SKIP || tag == T_HEAD || tag == T_SCRIPT || tag == T_TITLE ||
        (atts && hidden(atts))) {
        if (!tag_inline(tag)) flush_block(st);
        st->skip_at = st->depth;
        return;
    }
    if (atts) {
        if ((v = attr(atts, "class"))) {
            name_weight(v, &weight, &flags);
            /* an embedded tweet: its words and account line are kept as
             * they stand (the text stage keeps them out of the running
             * text, the quotes stage makes them a `post` quote) */
            if (tag == T_BLOCKQUOTE && post_class(v)) {
                flags = (uint8_t)((flags & ~(EF_UNLIKELY | EF_BOILER)) | EF_POST);
                weight = 0;
                post = 1;
            }
            cls = 2166136261u;
            for (const char *c = v; *c; c++) cls = (cls ^ (unsigned char)*c) * 16777619u;
            if (!cls) cls = 1;
        }
        if ((v = attr(atts, "id")) && !slug_id(v)) name_weight(v, &weight, &flags);
        if ((v = attr(atts, "role")) && unlikely_role(v)) flags |= EF_UNLIKELY;
        if (post) flags &= (uint8_t)~(EF_UNLIKELY | EF_BOILER);
    }
    if (tag_inline(tag)) {
        if (tag == T_BR) { flush_block(st); return; }
        /* a date standing apart from the running text ("Feb. 3", "2 hours ago") */
        if (tag == T_TIME && !st->blk_open &&
            (f->owner == HX_NONE || m->el[f->owner].tag != T_P)) {
            st->skip_at = st->depth;
            st->skip_soft = 1;
            return;
        }
        if ((flags & (EF_UNLIKELY | EF_BOILER)) && tag != T_A) {
            st->skip_at = st->depth;
            st->skip_soft = 1;
            return;
        }
        if (tag == T_A) {
            st->in_a++;
            if ((v = attr(atts, "href")) && v[0] == '#') { f->hash_link = 1; st->in_hash_a++; }
        }
        if (f->owner != HX_NONE) {
            if (tag == T_IMG) m->el[f->owner].own.n_img++;
            else if (tag == T_INPUT && !((v = attr(atts, "type")) && ieq(v, "hidden")))
                m->el[f->owner].own.n_input++;
            else if (tag == T_EMBED) m->el[f->owner].own.n_embed++;
        }
        return;
    }
    /* a block-level element: recorded */
    if (tag == T_NAV || tag == T_FIGCAPTION) flags |= EF_SEMANTIC;
    flush_block(st);
    ne_grow(&m->el, &m->capel, m->nel + 1, sizeof *m->el);
    {
        hx_elem *e = &m->el[m->nel];
        memset(e, 0, sizeof *e);
        e->parent = up->owner;
        e->tag = tag;
        e->flags = flags;
        e->weight = weight;
        e->cls = cls;
        e->blk_first = e->blk_end = (uint32_t)m->nbl;
        e->end = (uint32_t)m->nel + 1;
        if (tag == T_LI && e->parent != HX_NONE) m->el[e->parent].own.n_li++;
        if (tag == T_INPUT && e->parent != HX_NONE) m->el[e->parent].own.n_input++;
    }
    if (post && m->npost_handles < HX_MAX_POST_HANDLES && (v = attr(atts, "cite"))) {
        char *h = facebook_handle(v);
        if (h) {
            m->post_handles[m->npost_handles].el = (uint32_t)m->nel;
            m->post_handles[m->npost_handles++].handle = h;
        }
    }
    f->elem = f->owner = (uint32_t)m->nel++;
    if (m->nel >= NE_HTML_MAX_ELEMS) stop(st);
}

static void on_end(void *ctx, const xmlChar *name)
{
    struct pstate *st = cur_state;
    struct frame *f;
    (void)ctx;
    (void)name;
    if ((st->stopped && !st->closing) || st->depth == 0) return;
    f = &st->stack[st->depth];
    if (st->cap != CAP_NONE && st->cap_at == st->depth) end_capture(st);
    if (st->skip_at) {
        if (st->skip_at == st->depth) st->skip_at = 0;
    } else if (f->elem != HX_NONE) {
        hx_elem *e = &st->m->el[f->elem];
        flush_block(st);
        e->end = (uint32_t)st->m->nel;
        e->blk_end = (uint32_t)st->m->nbl;
    } else if (f->tag == T_A && st->in_a) {
        st->in_a--;
        if (f->hash_link && st->in_hash_a) st->in_hash_a--;
    }
    st->depth--;
}

static void on_text(void *ctx, const xmlChar *xs, int n)
{
    struct pstate *st = cur_state;
    hx_model *m = st->m;
    const unsigned char *s = xs;
    size_t len = n > 0 ? (size_t)n : 0, i = 0, w;
    (void)ctx;
    if (st->stopped || !len) return;
    if (st->cap != CAP_NONE && st->capbuf.len < (st->cap == CAP_LD ? 262144u : 1024u))
        hx_buf_add(&st->capbuf, (const char *)s, len);
    if (st->skip_at || st->depth == 0) return;
    while (i < len) {
        size_t start;
        if (is_ws(s, i, len, &w)) { st->space = st->blk_open; i += w; continue; }
        if (!st->blk_open) {
            st->blk_open = 1;
            st->blk_owner = st->stack[st->depth].owner;
            st->blk_off = m->text.len;
            st->blk_link = 0;
            st->blk_hlink = 0;
            st->blk_commas = 0;
        } else if (st->space) {
            hx_buf_add(&m->text, " ", 1);
            if (st->in_a) {
                st->blk_link++;
                if (st->in_hash_a == st->in_a) st->blk_hlink++;
            }
        }
        st->space = 0;
        start = i;
        while (i < len && !is_ws(s, i, len, &w)) {
            if (s[i] == ',' && st->blk_commas < UINT16_MAX) st->blk_commas++;
            i++;
        }
        hx_buf_add(&m->text, (const char *)s + start, i - start);
        if (st->in_a) {
            st->blk_link += (uint32_t)(i - start);
            if (st->in_hash_a == st->in_a) st->blk_hlink += (uint32_t)(i - start);
        }
    }
}

static void silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void silent_structured(void *ctx, xmlErrorPtr e) { (void)ctx; (void)e; }

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libxml(void) { xmlInitParser(); }

int hx_parse(const char *html, size_t len, hx_model *m)
{
    struct pstate *st;
    htmlSAXHandler sax;
    htmlParserCtxtPtr ctxt;
    xmlSAXHandlerPtr own;

    pthread_once(&init_once, init_libxml);
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    if (len > (size_t)INT32_MAX) len = INT32_MAX;

    st = ne_xcalloc(1, sizeof *st);
    st->m = m;
    st->stack[0].elem = st->stack[0].owner = HX_NONE;
    memset(&sax, 0, sizeof sax);
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.initialized = 1;

    ctxt = htmlCreateMemoryParserCtxt(len ? html : " ", len ? (int)len : 1);
    if (!ctxt) { free(st); return -1; }
    own = ctxt->sax;
    ctxt->sax = (xmlSAXHandlerPtr)&sax;
    ctxt->userData = NULL;
    st->ctxt = ctxt;
    cur_state = st;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NOIMPLIED);
    /* Records are text: UTF-8 whatever <meta charset> says. */
    {
        xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler("UTF-8");
        if (h) xmlSwitchToEncoding(ctxt, h);
    }
    htmlParseDocument(ctxt);
    /* Close what is still open, in order, as the end tags would. */
    st->closing = 1;
    while (st->depth > 0) on_end(NULL, NULL);
    flush_block(st);
    if (st->cap != CAP_NONE) end_capture(st);
    cur_state = NULL;
    ctxt->sax = own;
    htmlFreeParserCtxt(ctxt);
    free(st->capbuf.s);
    free(st);
    return 0;
}

void hx_model_free(hx_model *m)
{
    free(m->el);
    free(m->bl);
    free(m->text.s);
    free(m->ld.s);
    for (int i = 0; i < M__COUNT; i++) free(m->meta[i]);
    for (size_t i = 0; i < m->nauthors; i++) free(m->authors[i]);
    for (size_t i = 0; i < m->nbylines; i++) free(m->bylines[i]);
    for (size_t i = 0; i < m->npost_handles; i++) free(m->post_handles[i].handle);
    memset(m, 0, sizeof *m);
}
