/* lang — see lang.h. */
#include "enrichers/lang/lang.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "enrichers/lang/lang_cld2.h"

/* CLD2 still writes a few ISO 639 codes that BCP 47 has deprecated. */
static const char *bcp47_code(const char *cld2)
{
    static const char *const renamed[][2] = {
        {"iw", "he"}, {"in", "id"}, {"ji", "yi"}, {"jw", "jv"}, {"mo", "ro"},
    };
    for (size_t i = 0; i < sizeof renamed / sizeof renamed[0]; i++)
        if (strcmp(cld2, renamed[i][0]) == 0) return renamed[i][1];
    return cld2;
}

void ne_lang_detect(const char *s, size_t len, ne_lang_guess *out)
{
    char code[sizeof out->code];
    int percent = 0, reliable = 0;
    ne_lang_cld2(s, len, code, sizeof code, &percent, &reliable);
    memset(out, 0, sizeof *out);
    if (!code[0]) return;
    size_t n = strlen(bcp47_code(code));
    memcpy(out->code, bcp47_code(code), n < sizeof out->code ? n + 1 : sizeof out->code);
    out->code[sizeof out->code - 1] = '\0';
    double share = percent < 0 ? 0 : percent > 100 ? 1 : percent / 100.0;
    out->confidence = reliable || share < NE_LANG_UNRELIABLE_MAX ? share : NE_LANG_UNRELIABLE_MAX;
}

int ne_lang_is_english(const char *tag)
{
    if (!tag) return 0;
    size_t n = strcspn(tag, "-_");
    return (n == 2 && strncasecmp(tag, "en", 2) == 0) || (n == 3 && strncasecmp(tag, "eng", 3) == 0);
}

/* Steps back from `at` to the start of the UTF-8 character it is inside
 * of, so that a prefix never ends in half a character. */
static size_t char_boundary(const char *s, size_t at)
{
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80) at--;
    return at;
}

/* The text CLD2 examines: the title, a line break, then the body's first
 * NE_LANG_EXAMINED bytes. The title helps most where the body is short. */
static void detect_doc(const ne_doc *doc, ne_lang_guess *g)
{
    char buf[NE_LANG_EXAMINED + 512 + 1];
    size_t n = 0;
    if (doc->title && doc->title_len) {
        size_t t = doc->title_len < 512 ? doc->title_len : char_boundary(doc->title, 512);
        memcpy(buf, doc->title, t);
        n = t;
        buf[n++] = '\n';
    }
    if (doc->body && doc->body_len) {
        size_t b = doc->body_len <= NE_LANG_EXAMINED ? doc->body_len
                                                     : char_boundary(doc->body, NE_LANG_EXAMINED);
        memcpy(buf + n, doc->body, b);
        n += b;
    }
    ne_lang_detect(buf, n, g);
}

/* The primary subtag of a language tag, lower-cased, into out[cap]
 * ("en-US" -> "en", "ZH_hant" -> "zh"); "eng" counts as "en". */
static void primary_subtag(const char *tag, char *out, size_t cap)
{
    size_t i = 0;
    for (; tag[i] && tag[i] != '-' && tag[i] != '_' && i + 1 < cap; i++)
        out[i] = (char)(tag[i] >= 'A' && tag[i] <= 'Z' ? tag[i] + 32 : tag[i]);
    out[i] = '\0';
    if (!strcmp(out, "eng")) strcpy(out, "en");
}

/* A page's <html lang> gives way to a confident detection of another
 * language (templates label every page "en"; a French article on such a
 * site must not get the English models). */
static int overrules_hint(const char *hint, const ne_lang_guess *g)
{
    char a[16], b[16];
    if (!g->code[0] || g->confidence < NE_LANG_GATE) return 0;
    primary_subtag(hint, a, sizeof a);
    primary_subtag(g->code, b, sizeof b);
    return strcmp(a, b) != 0;
}

void *ne_lang_create(const ne_config *cfg, char *err, size_t errlen)
{
    (void)cfg; (void)err; (void)errlen;
    return (void *)1;   /* stateless; non-NULL means "started" */
}

int ne_lang_process(void *state, ne_doc *doc)
{
    (void)state;
    doc->language_detected = 0;
    doc->language_confidence = 0;
    if (doc->language && doc->language[0] && !doc->language_hint) {
        doc->non_english = !ne_lang_is_english(doc->language);
        return 0;
    }
    ne_lang_guess g;
    detect_doc(doc, &g);
    if (doc->language && doc->language[0] && !overrules_hint(doc->language, &g)) {
        /* the page's label stands: the text agrees, or says too little */
        doc->non_english = !ne_lang_is_english(doc->language);
        return 0;
    }
    free(doc->language);
    doc->language = NULL;
    doc->non_english = 0;
    if (!g.code[0]) return 0;
    doc->language = ne_xstrdup(g.code);
    doc->language_detected = 1;
    doc->language_confidence = g.confidence;
    doc->non_english = !ne_lang_is_english(g.code) && g.confidence >= NE_LANG_GATE;
    return 0;
}

void ne_lang_destroy(void *state) { (void)state; }
