/* dedup_text — the text side of dedup: word normalisation, shingles,
 * the one-permutation MinHash sketch and LSH band keys, canonical URLs,
 * time stamps. Pure functions; no state beyond the caller's scratch. */
#include "enrichers/dedup/dedup_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t dd_hash_bytes(const void *p, size_t n, uint64_t seed)
{
    uint64_t h = ne_fnv1a(NE_FNV64_OFFSET ^ ne_fmix64(seed), p, n);
    return ne_fmix64(h ^ n);
}

/* Eight bytes a step: for whole bodies, where dd_hash_bytes() would take
 * a multiply a byte. */
uint64_t dd_hash_block(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, s + i, n - i);
    return ne_fmix64(h ^ w);
}

uint64_t dd_hash_str(char kind, const char *s)
{
    return dd_hash_bytes(s, strlen(s), (uint64_t)(unsigned char)kind);
}

/* ---- words ------------------------------------------------------------ */

/* The code point at s[0..n) (common/utf8.h; records are valid UTF-8 by
 * then, and a stray byte is taken as itself). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    uint32_t cp;
    *len = ne_utf8_decode(s, n, 0, &cp);
    return cp == NE_CP_INVALID ? s[0] : cp;
}

/* Letters and digits of any script count as word characters; Latin-1
 * punctuation, the General Punctuation block and the symbol blocks after
 * it, CJK punctuation and full-width forms do not. */
static int is_word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c < 0xC0 || c == 0xD7 || c == 0xF7) return 0;
    if (c >= 0x2000 && c <= 0x2BFF) return 0;
    if (c >= 0x3000 && c <= 0x303F) return 0;
    if (c >= 0xFE30 && c <= 0xFE4F) return 0;
    if (c >= 0xFF00 && c <= 0xFF0F) return 0;
    return 1;
}

/* Apostrophes (and a dot between letters, as in U.S.) join a word instead
 * of splitting it, so "didn’t" and "didn't" fold to the same word. */
static int is_joiner_cp(uint32_t c)
{
    return c == '\'' || c == '.' || c == 0x2019 || c == 0x2018 || c == 0x02BC;
}


/* ASCII letters and digits, lower-cased; 0 for every other ASCII byte. The
 * common case of dd_words(), decided by one load. */
static const char ascii_word[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

/* What fn() is told of a word: the ellipsis before it, and whether it is
 * a name (dd_words_names()). */
static inline int word_flags(int brk, int cap_first, int sentence, size_t wl)
{
    return brk | (cap_first && !sentence && wl > 1 ? DD_WORD_NAME : 0);
}

/* dd_words() and dd_words_names(): `names` is a constant in each, so the
 * body's fingerprint, which reads every byte of every article, does not
 * track capitals and sentences. */
static inline __attribute__((always_inline)) void words(const char *text, size_t len, char *buf, size_t cap,
                                                        dd_word_fn fn, void *ctx, const int names)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, wl = 0;
    int brk = 0, cap_first = 0, sentence = 1;   /* the next word starts a sentence */
    while (i < len) {
        if (s[i] < 0x80 && ascii_word[s[i]]) {
            if (names && wl == 0) cap_first = s[i] >= 'A' && s[i] <= 'Z';
            if (wl < cap - 1) buf[wl++] = ascii_word[s[i]];
            i++;
            continue;
        }
        /* any other ASCII byte but a joiner (' or .) only ends a word:
         * the common separators (space, comma, ASCII quote marks) skip the
         * code-point path below */
        if (s[i] < 0x80 && s[i] != '\'' && s[i] != '.') {
            if (wl) {
                buf[wl] = '\0';
                fn(ctx, buf, wl, word_flags(brk, cap_first, sentence, wl));
                wl = 0;
                brk = 0;
                sentence = 0;
            }
            if (names && (s[i] == '!' || s[i] == '?' || s[i] == ':')) sentence = 1;
            i++;
            continue;
        }
        size_t cl;
        uint32_t c = utf8_next(s + i, len - i, &cl);
        if (is_word_cp(c)) {
            if (wl == 0) cap_first = 0;   /* not an ASCII capital */
            if (c < 0x80) {
                if (wl < cap - 1) buf[wl++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            } else if (wl + cl < cap - 1) {
                memcpy(buf + wl, s + i, cl);
                wl += cl;
            }
            i += cl;
            continue;
        }
        if (wl && is_joiner_cp(c) && i + cl < len) {
            size_t nl;
            uint32_t next = utf8_next(s + i + cl, len - i - cl, &nl);
            if (is_word_cp(next)) { i += cl; continue; }
        }
        if (wl) {
            buf[wl] = '\0';
            fn(ctx, buf, wl, word_flags(brk, cap_first, sentence, wl));
            wl = 0;
            brk = 0;
            sentence = 0;
        }
        /* an ellipsis ("…" or "..") marks words left out */
        if (c == 0x2026 || (c == '.' && i + 1 < len && s[i + 1] == '.')) brk = DD_WORD_BRK;
        else if (names && c == '.') sentence = 1;
        i += cl;
    }
    if (wl) {
        buf[wl] = '\0';
        fn(ctx, buf, wl, word_flags(brk, cap_first, sentence, wl));
    }
}

void dd_words(const char *text, size_t len, char *buf, size_t cap, dd_word_fn fn, void *ctx)
{
    words(text, len, buf, cap, fn, ctx, 0);
}

void dd_words_names(const char *text, size_t len, char *buf, size_t cap, dd_word_fn fn, void *ctx)
{
    words(text, len, buf, cap, fn, ctx, 1);
}

/* ---- fingerprints ----------------------------------------------------- */

void dd_scratch_free(dd_scratch *s)
{
    free(s->w);
    free(s->sh);
    free(s->set);
    memset(s, 0, sizeof *s);
}

static void add_word(void *ctx, const char *w, size_t len, int flags)
{
    dd_scratch *sc = ctx;
    (void)flags;
    ne_grow(&sc->w, &sc->capw, sc->nw + 1, sizeof *sc->w);
    sc->w[sc->nw++] = dd_hash_bytes(w, len, 0x77);
}

/* Shingle hashes of the word sequence, de-duplicated into sc->sh in
 * order of first occurrence. A text shorter than a shingle is one shingle
 * of all its words. Duplicates are found with an open-addressing set (the
 * hashes are uniform, so their top bits are the slot) rather than by
 * sorting: only the distinct count and the per-bin minima are needed,
 * neither depends on order, and sorting was a third of the stage. */
static void make_shingles(dd_scratch *sc)
{
    size_t n = sc->nw < DD_SHINGLE ? (sc->nw ? 1 : 0) : sc->nw - DD_SHINGLE + 1;
    ne_grow(&sc->sh, &sc->capsh, n + 1, sizeof *sc->sh);
    unsigned bits = 4;
    while (((size_t)1 << bits) < 2 * n) bits++;
    size_t size = (size_t)1 << bits, mask = size - 1;
    ne_grow(&sc->set, &sc->capset, size, sizeof *sc->set);
    memset(sc->set, 0, size * sizeof *sc->set);
    int have_zero = 0;   /* 0 marks a free slot; a zero hash is kept aside */
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 0x9E3779B97F4A7C15ULL;
        for (size_t k = 0; k < DD_SHINGLE && i + k < sc->nw; k++)
            h = ne_fmix64(h ^ (sc->w[i + k] + k * 0x632BE59BD9B4E019ULL));
        if (h == 0) {
            if (!have_zero) sc->sh[u++] = 0;
            have_zero = 1;
            continue;
        }
        size_t pos = (size_t)(h >> (64 - bits));
        while (sc->set[pos] && sc->set[pos] != h) pos = (pos + 1) & mask;
        if (sc->set[pos]) continue;
        sc->set[pos] = h;
        sc->sh[u++] = h;
    }
    sc->nsh = u;
}

#define DD_BINS (DD_SKETCH_WORDS * 32)

/* One-permutation MinHash: each shingle hash falls into one of DD_BINS
 * bins by its top bits and the bin keeps the minimum of the rest. Empty
 * bins (short texts) borrow the next non-empty bin's value, re-hashed with
 * the distance, so two similar texts still agree on them. The sketch keeps
 * one bit per bin; the first 2*DD_BANDS bins, at full width, make the LSH
 * band keys. */
static void make_sketch(const dd_scratch *sc, dd_fp *fp)
{
    uint32_t mins[DD_BINS];
    unsigned char full[DD_BINS];
    memset(full, 0, sizeof full);
    for (size_t i = 0; i < DD_BINS; i++) mins[i] = UINT32_MAX;
    for (size_t i = 0; i < sc->nsh; i++) {
        uint64_t h = sc->sh[i];
        unsigned bin = (unsigned)(h >> 57);
        uint32_t v = (uint32_t)h;
        if (!full[bin] || v < mins[bin]) mins[bin] = v;
        full[bin] = 1;
    }
    uint32_t dense[DD_BINS];
    for (size_t i = 0; i < DD_BINS; i++) {
        if (full[i]) { dense[i] = mins[i]; continue; }
        dense[i] = 0;
        for (size_t d = 1; d < DD_BINS; d++) {
            size_t j = (i + d) % DD_BINS;
            if (full[j]) { dense[i] = (uint32_t)ne_fmix64(mins[j] + d * 0x9E3779B97F4A7C15ULL); break; }
        }
    }
    memset(fp->sketch, 0, sizeof fp->sketch);
    for (size_t i = 0; i < DD_BINS; i++)
        if (ne_fmix64(dense[i] ^ 0x5bd1e995u) & 1) fp->sketch[i / 32] |= 1u << (i % 32);
    for (size_t b = 0; b < DD_BANDS; b++) {
        uint64_t k = ((uint64_t)dense[2 * b] << 32) | dense[2 * b + 1];
        uint32_t key = (uint32_t)ne_fmix64(k + (b + 1) * 0xD6E8FEB86659FD93ULL);
        fp->band[b] = key ? key : 1;
    }
}

void dd_fingerprint(dd_scratch *sc, const char *body, size_t len, const char *url, dd_fp *fp)
{
    char buf[256];
    memset(fp, 0, sizeof *fp);
    sc->nw = sc->nsh = 0;
    dd_words(body, len, buf, sizeof buf, add_word, sc);
    make_shingles(sc);
    uint64_t h = 0x243F6A8885A308D3ULL;
    for (size_t i = 0; i < sc->nw; i++) h = ne_fmix64(h ^ sc->w[i]) + i;
    fp->body = h ? h : 1;
    fp->nsh = sc->nsh > 65535 ? 65535 : (uint32_t)sc->nsh;
    make_sketch(sc, fp);
    if (url && *url) {
        char cu[2048];
        size_t n = dd_canonical_url(url, cu, sizeof cu);
        uint32_t u = (uint32_t)dd_hash_bytes(cu, n, 0x75);
        fp->url = n ? (u ? u : 1) : 0;
    }
}

double dd_sketch_jaccard(const dd_fp *a, const uint32_t *b)
{
    int same = 0;
    for (size_t i = 0; i < DD_SKETCH_WORDS; i++) same += 32 - __builtin_popcount(a->sketch[i] ^ b[i]);
    double p = (double)same / DD_BINS;
    double j = 2.0 * p - 1.0;
    return j < 0 ? 0 : j;
}

double dd_similarity(double j, uint32_t na, uint32_t nb)
{
    if (na == 0 || nb == 0) return 0;
    uint32_t lo = na < nb ? na : nb, hi = na < nb ? nb : na;
    double sim = j;
    if (2 * lo >= hi) {
        double inter = j * (double)(na + nb) / (1.0 + j);
        double c = inter / lo;
        if (c > 1) c = 1;
        if (c > sim) sim = c;
    }
    return sim;
}

/* ---- canonical URLs --------------------------------------------------- */

/* Query parameters that only track where a reader came from. */
static int is_tracking_param(const char *p, size_t n)
{
    static const char *const exact[] = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
                                        "ref", "ref_src", "cmpid", "ncid", "ocid", "smid", "sr_share",
                                        "igshid", "_ga", "s_cid", "ito", "cmp", "src", "CMP"};
    if (n >= 4 && memcmp(p, "utm_", 4) == 0) return 1;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strlen(exact[i]) == n && memcmp(exact[i], p, n) == 0) return 1;
    return 0;
}

static void put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *o + 1 < cap; i++) out[(*o)++] = s[i];
}

size_t dd_canonical_url(const char *url, char *out, size_t cap)
{
    size_t o = 0;
    const char *p = url;
    const char *colon = strstr(p, "://");
    if (colon) p = colon + 3;
    else if (p[0] == '/' && p[1] == '/') p += 2;
    const char *host_end = p + strcspn(p, "/?#");
    const char *h = p;
    /* user info is not part of the identity */
    const char *at = memchr(h, '@', (size_t)(host_end - h));
    if (at) h = at + 1;
    if (host_end - h > 4 && strncasecmp(h, "www.", 4) == 0) h += 4;
    else if (host_end - h > 2 && strncasecmp(h, "m.", 2) == 0) h += 2;
    for (const char *c = h; c < host_end && o + 1 < cap; c++) {
        if (*c == ':' && (strncmp(c, ":80", (size_t)(host_end - c)) == 0 ||
                          strncmp(c, ":443", (size_t)(host_end - c)) == 0))
            break;
        out[o++] = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
    }
    const char *path = host_end;
    size_t plen = strcspn(path, "?#");
    while (plen > 0 && path[plen - 1] == '/') plen--;
    put(out, cap, &o, path, plen);
    const char *q = path + strcspn(path, "?#");
    if (*q == '?') {
        q++;
        const char *qend = q + strcspn(q, "#");
        int first = 1;
        while (q < qend) {
            const char *amp = memchr(q, '&', (size_t)(qend - q));
            const char *pe = amp ? amp : qend;
            size_t nl = strcspn(q, "=&#");
            if (nl > (size_t)(pe - q)) nl = (size_t)(pe - q);
            if (pe > q && !is_tracking_param(q, nl)) {
                put(out, cap, &o, first ? "?" : "&", 1);
                put(out, cap, &o, q, (size_t)(pe - q));
                first = 0;
            }
            q = amp ? amp + 1 : qend;
        }
    }
    out[o] = '\0';
    return o;
}

/* ---- time ------------------------------------------------------------- */

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian; H.
 * Hinnant's days_from_civil inverse), so a time is formatted without
 * gmtime_r() and strftime(): it is done for every quote. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

static char *put_digits(char *o, unsigned v, int n)
{
    for (int k = n - 1; k >= 0; k--) {
        o[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + n;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as strftime("%Y-%m-%dT%H:%M:%SZ") of gmtime:
 * a u32 time is within 1970..2106, always four digits of year. */
void dd_format_time(uint32_t t, char out[32])
{
    int y;
    unsigned mo, d, secs = t % 86400;
    civil_from_days((int64_t)(t / 86400), &y, &mo, &d);
    char *o = out;
    o = put_digits(o, (unsigned)y, 4);
    *o++ = '-';
    o = put_digits(o, mo, 2);
    *o++ = '-';
    o = put_digits(o, d, 2);
    *o++ = 'T';
    o = put_digits(o, secs / 3600, 2);
    *o++ = ':';
    o = put_digits(o, secs / 60 % 60, 2);
    *o++ = ':';
    o = put_digits(o, secs % 60, 2);
    *o++ = 'Z';
    *o = '\0';
}

uint32_t dd_parse_time(const char *s)
{
    if (!s) return 0;
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) return 0;
    const char *p = s + n;
    if (*p == '.') { p++; while (*p >= '0' && *p <= '9') p++; }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2) return 0;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return 0;
    }
    if (*p) return 0;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == (time_t)-1) return 0;
    t -= off;
    return t > 0 && t < (time_t)UINT32_MAX ? (uint32_t)t : 0;
}
