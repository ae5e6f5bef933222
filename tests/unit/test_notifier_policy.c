/* The notifier's delivery rules (notifier/policy.c): outcome classes,
 * backoff bounds, Retry-After, when to give up, the circuit breaker and
 * the address guard; and its bounded record of delivered webhook-ids
 * (notifier/delivered.c). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>

#include "notifier/delivered.h"
#include "notifier/policy.h"
#include "tests/unit/test.h"

TEST(notifier_outcome_classes)
{
    CHECK_INT(ne_outcome_of(CURLE_OK, 200), NE_OUT_DELIVERED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 204), NE_OUT_DELIVERED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 299), NE_OUT_DELIVERED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 408), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OK, 429), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OK, 500), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OK, 503), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OK, 599), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OK, 410), NE_OUT_GONE);
    CHECK_INT(ne_outcome_of(CURLE_OK, 400), NE_OUT_REJECTED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 401), NE_OUT_REJECTED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 404), NE_OUT_REJECTED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 413), NE_OUT_REJECTED);
    CHECK_INT(ne_outcome_of(CURLE_OK, 301), NE_OUT_REJECTED); /* redirects are not followed */
    CHECK_INT(ne_outcome_of(CURLE_COULDNT_CONNECT, 0), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_OPERATION_TIMEDOUT, 0), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_COULDNT_RESOLVE_HOST, 0), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_GOT_NOTHING, 0), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_PEER_FAILED_VERIFICATION, 0), NE_OUT_RETRY);
    CHECK_INT(ne_outcome_of(CURLE_URL_MALFORMAT, 0), NE_OUT_REJECTED);
}

TEST(notifier_backoff_stays_within_full_jitter_bounds)
{
    /* attempt n: uniform in [0, min(max, initial * 2^(n-1))] */
    long initial = 1000, max = 60000;
    for (int n = 1; n <= 40; n++) {
        long cap = n <= 7 ? initial << (n - 1) : max;
        if (cap > max) cap = max;
        CHECK_INT(ne_backoff_ms(n, initial, max, 0), 0);
        CHECK_INT(ne_backoff_ms(n, initial, max, UINT32_MAX), UINT32_MAX % (cap + 1));
        for (uint32_t r = 1; r < 4000000000u; r += 123456789u) {
            long d = ne_backoff_ms(n, initial, max, r);
            CHECK(d >= 0 && d <= cap);
        }
    }
    /* The cap is reached exactly, and huge attempt counts do not overflow. */
    CHECK_INT(ne_backoff_ms(3, 1000, 60000, 4000), 4000);
    CHECK_INT(ne_backoff_ms(3, 1000, 60000, 4001), 0);
    CHECK(ne_backoff_ms(1000000, 30000, 3600000, 0xdeadbeef) <= 3600000);
    CHECK(ne_backoff_ms(64, 1L << 40, 1L << 50, 0xffffffffu) <= (1L << 50));
}

TEST(notifier_backoff_spreads_retries)
{
    /* Full jitter: a spread of values, not one fixed delay. */
    long lo = 1L << 30, hi = -1;
    uint32_t x = 12345;
    for (int i = 0; i < 1000; i++) {
        x = x * 1103515245u + 12345u;
        long d = ne_backoff_ms(4, 1000, 60000, x);
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    CHECK(lo < 1000);
    CHECK(hi > 7000);
}

TEST(notifier_retry_after_seconds_and_dates)
{
    time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    CHECK_INT(ne_retry_after_ms("120", now), 120000);
    CHECK_INT(ne_retry_after_ms(" 0 ", now), 0);
    CHECK_INT(ne_retry_after_ms("2", now), 2000);
    CHECK_INT(ne_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
    CHECK_INT(ne_retry_after_ms("Sunday, 06-Nov-94 08:50:37 GMT", now), 60000);
    CHECK_INT(ne_retry_after_ms("Sun Nov  6 08:49:40 1994", now), 3000);
    CHECK_INT(ne_retry_after_ms("Sun Nov 16 08:49:37 1994", now), 10L * 86400 * 1000);
    CHECK_INT(ne_retry_after_ms("Sat, 05 Nov 1994 08:49:37 GMT", now), 0); /* in the past */
    CHECK_INT(ne_retry_after_ms("", now), -1);
    CHECK_INT(ne_retry_after_ms("-5", now), -1);
    CHECK_INT(ne_retry_after_ms("1.5", now), -1);
    CHECK_INT(ne_retry_after_ms("soon", now), -1);
    CHECK_INT(ne_retry_after_ms("Sun, 06 Nov 1994 08:49:47", now), -1);
    CHECK_INT(ne_retry_after_ms("Sun, 06 Foo 1994 08:49:47 GMT", now), -1);
    CHECK_INT(ne_retry_after_ms("Sun, 06 Nov 1994 25:49:47 GMT", now), -1);
    CHECK_INT(ne_retry_after_ms(NULL, now), -1);
    CHECK(ne_retry_after_ms("99999999999999999999999", now) > 0); /* saturates */
}

TEST(notifier_retry_delay_prefers_retry_after_within_the_cap)
{
    CHECK_INT(ne_retry_delay_ms(1, 1000, 60000, 5000, 0), 5000);
    CHECK_INT(ne_retry_delay_ms(1, 1000, 60000, 0, 999), 0);
    CHECK_INT(ne_retry_delay_ms(1, 1000, 60000, 86400000, 0), 60000);
    CHECK_INT(ne_retry_delay_ms(2, 1000, 60000, -1, 1500), 1500);
}

TEST(notifier_gives_up_after_max_attempts_real_requests_or_at_max_age)
{
    /* Only real requests count: an alert the open breaker held back ten
     * times after two failed requests is still trying. */
    int attempts = 2;
    for (int refusals = 0; refusals < 10; refusals++)
        CHECK_INT(ne_give_up_after_failure(attempts, 6, 100 + refusals, 1000), NE_KEEP_TRYING);
    CHECK_INT(ne_give_up_after_failure(5, 6, 999, 1000), NE_KEEP_TRYING);
    CHECK_INT(ne_give_up_after_failure(6, 6, 999, 1000), NE_GIVE_UP_ATTEMPTS);
    CHECK_INT(ne_give_up_after_failure(7, 6, 0, 1000), NE_GIVE_UP_ATTEMPTS);
    /* The deadline, with or without a request of its own. */
    CHECK_INT(ne_give_up_after_failure(0, 6, 1000, 1000), NE_GIVE_UP_MAX_AGE);
    CHECK_INT(ne_give_up_after_failure(3, 6, 5000, 1000), NE_GIVE_UP_MAX_AGE);
    /* Both limits reached: the attempts are what the alert used up. */
    CHECK_INT(ne_give_up_after_failure(6, 6, 5000, 1000), NE_GIVE_UP_ATTEMPTS);
    CHECK_STR(ne_give_up_reason(NE_GIVE_UP_ATTEMPTS), "attempts_exhausted");
    CHECK_STR(ne_give_up_reason(NE_GIVE_UP_MAX_AGE), "max_age_exceeded");
    CHECK(ne_give_up_reason(NE_KEEP_TRYING) == NULL);
}

TEST(notifier_next_try_waits_for_the_breaker_but_not_past_the_deadline)
{
    CHECK_INT(ne_next_try_at(100, 50, 0, 10000), 150);     /* the retry delay */
    CHECK_INT(ne_next_try_at(100, 50, 500, 10000), 500);   /* the breaker reopens later */
    CHECK_INT(ne_next_try_at(100, 0, 500, 10000), 500);    /* a refusal: wait for the breaker */
    CHECK_INT(ne_next_try_at(100, 50, 500, 300), 300);     /* looked at again at its deadline */
    CHECK_INT(ne_next_try_at(100, 5000, 0, 1000), 1000);
    CHECK_INT(ne_next_try_at(100, -5, 0, 1000), 100);
}

TEST(notifier_breaker_state_machine)
{
    ne_breaker b;
    ne_breaker_init(&b, 3, 1000, 4000);
    CHECK_INT(ne_breaker_check(&b, 0), NE_BREAKER_GO);
    ne_breaker_report(&b, 0, 0);
    ne_breaker_report(&b, 0, 0);
    ne_breaker_report(&b, 1, 0); /* a success resets the count */
    ne_breaker_report(&b, 0, 10);
    ne_breaker_report(&b, 0, 10);
    CHECK_INT(b.state, NE_BREAKER_CLOSED);
    ne_breaker_report(&b, 0, 10); /* third in a row: open for 1 s */
    CHECK_INT(b.state, NE_BREAKER_OPEN);
    CHECK_INT(ne_breaker_check(&b, 500), NE_BREAKER_REFUSE);
    CHECK_INT(ne_breaker_check(&b, 1009), NE_BREAKER_REFUSE);
    ne_breaker_report(&b, 0, 600); /* a straggler's failure changes nothing */
    CHECK_INT(b.open_until, 1010);
    /* After the pause one probe goes, the others wait for its result. */
    CHECK_INT(ne_breaker_check(&b, 1010), NE_BREAKER_GO);
    CHECK_INT(b.state, NE_BREAKER_HALF_OPEN);
    CHECK_INT(ne_breaker_check(&b, 1011), NE_BREAKER_WAIT);
    /* The probe fails: open again, twice as long. */
    ne_breaker_report(&b, 0, 1100);
    CHECK_INT(b.state, NE_BREAKER_OPEN);
    CHECK_INT(b.open_until, 3100);
    CHECK_INT(ne_breaker_check(&b, 3099), NE_BREAKER_REFUSE);
    CHECK_INT(ne_breaker_check(&b, 3100), NE_BREAKER_GO);
    ne_breaker_report(&b, 0, 3200);
    CHECK_INT(b.open_until, 3200 + 4000); /* capped at open_max */
    CHECK_INT(ne_breaker_check(&b, 7200), NE_BREAKER_GO);
    ne_breaker_report(&b, 0, 7300);
    CHECK_INT(b.open_until, 7300 + 4000);
    /* A successful probe closes it and resets the pause. */
    CHECK_INT(ne_breaker_check(&b, 11300), NE_BREAKER_GO);
    ne_breaker_report(&b, 1, 11400);
    CHECK_INT(b.state, NE_BREAKER_CLOSED);
    CHECK_INT(b.open_ms, 1000);
    CHECK_INT(ne_breaker_check(&b, 11401), NE_BREAKER_GO);
    CHECK_INT(ne_breaker_check(&b, 11401), NE_BREAKER_GO);
}

static const char *v4(const char *s, int allow)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, s, &a.sin_addr) != 1) return "bad test address";
    return ne_addr_refusal((struct sockaddr *)&a, allow);
}

static const char *v6(const char *s, int allow)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET6, s, &a.sin6_addr) != 1) return "bad test address";
    return ne_addr_refusal((struct sockaddr *)&a, allow);
}

TEST(notifier_address_guard_ipv4)
{
    static const char *const refused[] = {"127.0.0.1", "127.255.0.9", "10.0.0.1", "10.255.255.255",
                                          "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.1.1",
                                          "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0",
                                          "224.0.0.1", "255.255.255.255", "240.0.0.1", "100.100.100.200"};
    static const char *const allowed[] = {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.0",
                                          "100.63.255.255", "100.128.0.0", "192.169.0.1", "11.0.0.1",
                                          "169.253.255.255", "93.184.216.34"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (!v4(refused[i], 0)) { test_fail(__FILE__, __LINE__, "%s not refused", refused[i]); return; }
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (v4(allowed[i], 0)) { test_fail(__FILE__, __LINE__, "%s refused: %s", allowed[i], v4(allowed[i], 0)); return; }
    /* allow_private opens private ranges, never metadata or multicast. */
    CHECK(v4("127.0.0.1", 1) == NULL);
    CHECK(v4("10.1.2.3", 1) == NULL);
    CHECK(v4("192.168.0.10", 1) == NULL);
    CHECK(v4("169.254.1.1", 1) == NULL);
    CHECK(v4("169.254.169.254", 1) != NULL);
    CHECK(v4("100.100.100.200", 1) != NULL);
    CHECK(v4("224.0.0.251", 1) != NULL);
    CHECK(v4("0.0.0.0", 1) != NULL);
    CHECK(strstr(v4("169.254.169.254", 0), "metadata") != NULL);
    CHECK(strstr(v4("127.0.0.1", 0), "loopback") != NULL);
}

TEST(notifier_address_guard_ipv6)
{
    static const char *const refused[] = {"::1", "::", "fd00::1", "fd12:3456::1", "fc00::1", "fe80::1",
                                          "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                                          "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
                                          "::127.0.0.1", "fec0::1"};
    static const char *const allowed[] = {"2001:4860:4860::8888", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                          "64:ff9b::808:808", "2002:808:808::1"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (!v6(refused[i], 0)) { test_fail(__FILE__, __LINE__, "%s not refused", refused[i]); return; }
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (v6(allowed[i], 0)) { test_fail(__FILE__, __LINE__, "%s refused: %s", allowed[i], v6(allowed[i], 0)); return; }
    CHECK(v6("::1", 1) == NULL);
    CHECK(v6("fd00::1", 1) == NULL);
    CHECK(v6("fe80::1", 1) == NULL);
    CHECK(v6("::ffff:127.0.0.1", 1) == NULL);
    CHECK(v6("fd00:ec2::254", 1) != NULL);
    CHECK(v6("::ffff:169.254.169.254", 1) != NULL);
    CHECK(v6("ff02::1", 1) != NULL);
    CHECK(v6("::", 1) != NULL);
}

static int has(const ne_delivered *s, const char *key)
{
    return ne_delivered_has(s, key, strlen(key));
}

static int add(ne_delivered *s, const char *key)
{
    return ne_delivered_add(s, key, strlen(key));
}

TEST(notifier_delivered_ids_are_remembered_and_the_oldest_forgotten)
{
    ne_delivered *s = ne_delivered_new(3);
    CHECK(s != NULL);
    CHECK_INT(add(s, "sub/a"), 1);
    CHECK_INT(add(s, "sub/b"), 1);
    CHECK_INT(add(s, "sub/c"), 1);
    CHECK_INT(add(s, "sub/a"), 0); /* known: not added twice, not made younger */
    CHECK(has(s, "sub/a") && has(s, "sub/b") && has(s, "sub/c"));
    CHECK(!has(s, "sub/d") && !has(s, "other/a") && !has(s, "sub/"));
    CHECK_INT(add(s, "sub/d"), 1); /* full: the oldest, a, goes */
    CHECK(!has(s, "sub/a") && has(s, "sub/b") && has(s, "sub/d"));
    CHECK_INT(ne_delivered_count(s), 3);
    CHECK_INT(ne_delivered_forgotten(s), 1);
    ne_delivered_free(s);

    /* Many keys through a small set: exactly the newest stay. */
    s = ne_delivered_new(1000);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "s/%d", i);
        CHECK_INT(add(s, key), 1);
    }
    CHECK_INT(ne_delivered_count(s), 1000);
    CHECK_INT(ne_delivered_forgotten(s), 4000);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "s/%d", i);
        if (has(s, key) != (i >= 4000)) {
            test_fail(__FILE__, __LINE__, "%s: remembered %d", key, has(s, key));
            break;
        }
    }
    ne_delivered_free(s);
    ne_delivered_free(NULL);
}

TEST(notifier_delivered_key_cannot_confuse_two_subscriptions)
{
    char a[64], b[64];
    CHECK_INT(ne_delivered_key(a, sizeof a, "hooks", "3f2a"), 10);
    CHECK_STR(a, "hooks/3f2a");
    /* A '/' in a subscription id is escaped, so ("a/b", "c") is not ("a", "b/c"). */
    CHECK(ne_delivered_key(a, sizeof a, "a/b", "c") > 0);
    CHECK(ne_delivered_key(b, sizeof b, "a", "b/c") > 0);
    CHECK_STR(a, "a%2Fb/c");
    CHECK_STR(b, "a/b/c");
    CHECK(ne_delivered_key(a, sizeof a, "50%", "x") > 0);
    CHECK_STR(a, "50%25/x");
    CHECK_INT(ne_delivered_key(a, 8, "hooks", "3f2a"), -1); /* does not fit */
    CHECK_INT(ne_delivered_key(a, 11, "hooks", "3f2a"), 10); /* just fits */
}
