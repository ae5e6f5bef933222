#include "notifier/policy.h"

#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

/* ------------------------------------------------------------------ */
/* Outcome                                                             */
/* ------------------------------------------------------------------ */

enum ne_outcome ne_outcome_of(int curl_code, long status)
{
    if (curl_code != CURLE_OK) {
        /* Errors of our own request that no later attempt can fix. */
        if (curl_code == CURLE_URL_MALFORMAT || curl_code == CURLE_UNSUPPORTED_PROTOCOL)
            return NE_OUT_REJECTED;
        return NE_OUT_RETRY; /* DNS, connect, TLS, reset, timeout */
    }
    if (status >= 200 && status < 300) return NE_OUT_DELIVERED;
    if (status == 410) return NE_OUT_GONE;
    if (status == 408 || status == 429 || status >= 500 || status == 0) return NE_OUT_RETRY;
    return NE_OUT_REJECTED; /* 1xx final, 3xx (redirects are not followed), other 4xx */
}

const char *ne_outcome_name(enum ne_outcome o)
{
    static const char *const names[] = {"delivered", "retry", "rejected", "gone"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

/* ------------------------------------------------------------------ */
/* Backoff and Retry-After                                             */
/* ------------------------------------------------------------------ */

long ne_backoff_ms(int failed_attempts, long initial_ms, long max_ms, uint32_t rnd)
{
    long cap = initial_ms < 0 ? 0 : initial_ms;
    if (max_ms < 0) max_ms = 0;
    /* Double without overflowing: stop as soon as the cap is reached. */
    for (int i = 1; i < failed_attempts && cap < max_ms; i++) cap = cap > LONG_MAX / 2 ? LONG_MAX : cap * 2;
    if (cap > max_ms) cap = max_ms;
    return (long)((uint64_t)rnd % ((uint64_t)cap + 1));
}

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int parse_month(const char *s)
{
    for (int i = 0; i < 12; i++)
        if (strncmp(s, month_names[i], 3) == 0) return i;
    return -1;
}

/* Reads exactly `n` digits. */
static int read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int read_hms(const char **p, struct tm *tm)
{
    if (read_digits(p, 2, &tm->tm_hour) || *(*p)++ != ':' || read_digits(p, 2, &tm->tm_min) ||
        *(*p)++ != ':' || read_digits(p, 2, &tm->tm_sec))
        return -1;
    return tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60 ? -1 : 0;
}

static int expect(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n)) return -1;
    *p += n;
    return 0;
}

/* The three HTTP-date forms of RFC 9110 section 5.6.7:
 *   Sun, 06 Nov 1994 08:49:37 GMT     IMF-fixdate
 *   Sunday, 06-Nov-94 08:49:37 GMT    obsolete RFC 850
 *   Sun Nov  6 08:49:37 1994          obsolete asctime
 * Parsed by hand: strptime would depend on the locale. */
static int parse_http_date(const char *s, time_t *out)
{
    struct tm tm;
    const char *p = s, *comma = strchr(s, ',');
    int mon;
    memset(&tm, 0, sizeof tm);
    if (comma) {
        p = comma + 1;
        if (*p++ != ' ') return -1;
        if (comma - s == 3) { /* IMF-fixdate */
            if (read_digits(&p, 2, &tm.tm_mday) || *p++ != ' ' || (mon = parse_month(p)) < 0) return -1;
            p += 3;
            if (*p++ != ' ' || read_digits(&p, 4, &tm.tm_year) || *p++ != ' ') return -1;
            tm.tm_year -= 1900;
        } else { /* RFC 850: two-digit year, read as within 50 years (RFC 9110) */
            if (read_digits(&p, 2, &tm.tm_mday) || *p++ != '-' || (mon = parse_month(p)) < 0) return -1;
            p += 3;
            if (*p++ != '-' || read_digits(&p, 2, &tm.tm_year) || *p++ != ' ') return -1;
            if (tm.tm_year < 70) tm.tm_year += 100;
        }
        if (read_hms(&p, &tm) || expect(&p, " GMT")) return -1;
    } else { /* asctime */
        if (strlen(s) < 24 || s[3] != ' ') return -1;
        p = s + 4;
        if ((mon = parse_month(p)) < 0) return -1;
        p += 3;
        if (*p++ != ' ') return -1;
        if (*p == ' ') { p++; if (read_digits(&p, 1, &tm.tm_mday)) return -1; }
        else if (read_digits(&p, 2, &tm.tm_mday)) return -1;
        if (*p++ != ' ' || read_hms(&p, &tm) || *p++ != ' ' || read_digits(&p, 4, &tm.tm_year)) return -1;
        tm.tm_year -= 1900;
    }
    while (*p == ' ' || *p == '\t') p++;
    if (*p || tm.tm_mday < 1 || tm.tm_mday > 31) return -1;
    tm.tm_mon = mon;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? -1 : 0;
}

long ne_retry_after_ms(const char *value, time_t now)
{
    if (!value) return -1;
    while (*value == ' ' || *value == '\t') value++;
    if (isdigit((unsigned char)*value)) {
        const char *p = value;
        long secs = 0;
        for (; isdigit((unsigned char)*p); p++)
            secs = secs > (LONG_MAX / 1000 - 9) / 10 ? LONG_MAX / 1000 : secs * 10 + (*p - '0');
        while (*p == ' ' || *p == '\t') p++;
        return *p ? -1 : secs * 1000;
    }
    time_t t;
    if (parse_http_date(value, &t)) return -1;
    if (t <= now) return 0;
    double ms = difftime(t, now) * 1000.0;
    return ms > (double)LONG_MAX ? LONG_MAX : (long)ms;
}

long ne_retry_delay_ms(int failed_attempts, long initial_ms, long max_ms, long retry_after_ms,
                       uint32_t rnd)
{
    if (retry_after_ms >= 0) return retry_after_ms < max_ms ? retry_after_ms : max_ms;
    return ne_backoff_ms(failed_attempts, initial_ms, max_ms, rnd);
}

/* ------------------------------------------------------------------ */
/* Giving up                                                           */
/* ------------------------------------------------------------------ */

enum ne_give_up ne_give_up_after_failure(int attempts, int max_attempts, int64_t now, int64_t deadline)
{
    if (attempts >= max_attempts) return NE_GIVE_UP_ATTEMPTS;
    if (now >= deadline) return NE_GIVE_UP_MAX_AGE;
    return NE_KEEP_TRYING;
}

const char *ne_give_up_reason(enum ne_give_up g)
{
    switch (g) {
    case NE_GIVE_UP_ATTEMPTS: return "attempts_exhausted";
    case NE_GIVE_UP_MAX_AGE: return "max_age_exceeded";
    case NE_KEEP_TRYING: break;
    }
    return NULL;
}

int64_t ne_next_try_at(int64_t now, long delay_ms, int64_t not_before, int64_t deadline)
{
    int64_t at = now + (delay_ms > 0 ? delay_ms : 0);
    if (at < not_before) at = not_before;
    return at < deadline ? at : deadline;
}

/* ------------------------------------------------------------------ */
/* Circuit breaker                                                     */
/* ------------------------------------------------------------------ */

void ne_breaker_init(ne_breaker *b, int threshold, long open_min_ms, long open_max_ms)
{
    memset(b, 0, sizeof *b);
    b->state = NE_BREAKER_CLOSED;
    b->threshold = threshold < 1 ? 1 : threshold;
    b->open_min_ms = b->open_ms = open_min_ms;
    b->open_max_ms = open_max_ms < open_min_ms ? open_min_ms : open_max_ms;
}

static void breaker_open(ne_breaker *b, int64_t now)
{
    b->state = NE_BREAKER_OPEN;
    b->open_until = now + b->open_ms;
    b->probing = 0;
}

enum ne_breaker_verdict ne_breaker_check(ne_breaker *b, int64_t now)
{
    switch (b->state) {
    case NE_BREAKER_CLOSED:
        return NE_BREAKER_GO;
    case NE_BREAKER_OPEN:
        if (now < b->open_until) return NE_BREAKER_REFUSE;
        b->state = NE_BREAKER_HALF_OPEN;
        b->probing = 1;
        return NE_BREAKER_GO;
    case NE_BREAKER_HALF_OPEN:
        if (b->probing) return NE_BREAKER_WAIT;
        b->probing = 1;
        return NE_BREAKER_GO;
    }
    return NE_BREAKER_GO;
}

void ne_breaker_report(ne_breaker *b, int ok, int64_t now)
{
    if (ok) {
        /* Any sensible answer, even from a request started before the
         * breaker opened, shows the endpoint is back. */
        b->state = NE_BREAKER_CLOSED;
        b->failures = 0;
        b->probing = 0;
        b->open_ms = b->open_min_ms;
        return;
    }
    switch (b->state) {
    case NE_BREAKER_CLOSED:
        if (++b->failures >= b->threshold) breaker_open(b, now);
        break;
    case NE_BREAKER_HALF_OPEN: /* the probe failed: open again, for longer */
        b->open_ms = b->open_ms > b->open_max_ms / 2 ? b->open_max_ms : b->open_ms * 2;
        breaker_open(b, now);
        break;
    case NE_BREAKER_OPEN: /* a straggler from before it opened: no news */
        break;
    }
}

const char *ne_breaker_state_name(enum ne_breaker_state s)
{
    static const char *const names[] = {"closed", "open", "half-open"};
    return (unsigned)s < 3 ? names[s] : "?";
}

/* ------------------------------------------------------------------ */
/* Address guard                                                       */
/* ------------------------------------------------------------------ */

enum addr_class { ADDR_OK, ADDR_PRIVATE, ADDR_NEVER };

struct v4_rule {
    uint32_t net, mask;
    enum addr_class cls;
    const char *why;
};

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define MASK(bits) ((uint32_t)(0xffffffffu << (32 - (bits))))

/* Most specific first: the metadata hosts sit inside ranges that
 * allow_private would otherwise open. */
static const struct v4_rule v4_rules[] = {
    {V4(169, 254, 169, 254), MASK(32), ADDR_NEVER, "cloud metadata address"},
    {V4(100, 100, 100, 200), MASK(32), ADDR_NEVER, "cloud metadata address"},
    {V4(255, 255, 255, 255), MASK(32), ADDR_NEVER, "broadcast address"},
    {V4(0, 0, 0, 0), MASK(8), ADDR_NEVER, "unspecified/\"this network\" address"},
    {V4(224, 0, 0, 0), MASK(4), ADDR_NEVER, "multicast address"},
    {V4(240, 0, 0, 0), MASK(4), ADDR_NEVER, "reserved address"},
    {V4(127, 0, 0, 0), MASK(8), ADDR_PRIVATE, "loopback address"},
    {V4(10, 0, 0, 0), MASK(8), ADDR_PRIVATE, "private address"},
    {V4(172, 16, 0, 0), MASK(12), ADDR_PRIVATE, "private address"},
    {V4(192, 168, 0, 0), MASK(16), ADDR_PRIVATE, "private address"},
    {V4(100, 64, 0, 0), MASK(10), ADDR_PRIVATE, "shared (CGNAT) address"},
    {V4(169, 254, 0, 0), MASK(16), ADDR_PRIVATE, "link-local address"},
    {V4(192, 0, 0, 0), MASK(24), ADDR_PRIVATE, "IETF protocol assignment address"},
    {V4(198, 18, 0, 0), MASK(15), ADDR_PRIVATE, "benchmarking address"},
};

static const char *v4_refusal(uint32_t a, int allow_private)
{
    for (size_t i = 0; i < sizeof v4_rules / sizeof v4_rules[0]; i++) {
        const struct v4_rule *r = &v4_rules[i];
        if ((a & r->mask) != r->net) continue;
        if (r->cls == ADDR_NEVER || !allow_private) return r->why;
        return NULL;
    }
    return NULL;
}

static uint32_t v4_at(const unsigned char *p)
{
    return V4(p[0], p[1], p[2], p[3]);
}

static const char *v6_refusal(const unsigned char a[16], int allow_private)
{
    static const unsigned char zero[16];
    static const unsigned char metadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};

    if (memcmp(a, zero, 16) == 0) return "unspecified address";
    if (memcmp(a, metadata, 16) == 0) return "cloud metadata address";
    if (memcmp(a, zero, 15) == 0 && a[15] == 1) return allow_private ? NULL : "loopback address";
    /* Forms that carry an IPv4 address: judge that address. */
    if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff) return v4_refusal(v4_at(a + 12), allow_private);
    if (memcmp(a, zero, 12) == 0) return v4_refusal(v4_at(a + 12), allow_private); /* ::a.b.c.d */
    if (memcmp(a, nat64, 12) == 0) return v4_refusal(v4_at(a + 12), allow_private);
    if (a[0] == 0x20 && a[1] == 0x02) return v4_refusal(v4_at(a + 2), allow_private); /* 6to4 */
    if (a[0] == 0xff) return "multicast address";
    if ((a[0] & 0xfe) == 0xfc) return allow_private ? NULL : "unique local (private) address";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return allow_private ? NULL : "link-local address";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return allow_private ? NULL : "site-local address";
    return NULL;
}

const char *ne_addr_refusal(const struct sockaddr *sa, int allow_private)
{
    if (!sa) return "no address";
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return v4_refusal(ntohl(in->sin_addr.s_addr), allow_private);
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return v6_refusal(in6->sin6_addr.s6_addr, allow_private);
    }
    return "not an IP address";
}
