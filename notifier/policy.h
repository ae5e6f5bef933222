/* policy — the delivery rules of the notifier, as pure functions: what an
 * attempt's result means, how long to wait before the next one, when to
 * give up, the per-endpoint circuit breaker, and which addresses may be
 * called.
 * No I/O and no clock reads: time comes in as arguments, so the unit tests
 * drive every rule directly.
 */
#ifndef NE_POLICY_H
#define NE_POLICY_H

#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* ---- outcome of one attempt -------------------------------------- */

enum ne_outcome {
    NE_OUT_DELIVERED,  /* any 2xx */
    NE_OUT_RETRY,      /* network error, timeout, 408, 429, 5xx: try again later */
    NE_OUT_REJECTED,   /* other 3xx/4xx, bad URL: retrying cannot help */
    NE_OUT_GONE,       /* 410: the subscriber wants no more: disable the subscription */
};

/* Classifies an attempt. `curl_code` is the CURLcode of the transfer (0
 * when a response arrived), `status` the HTTP status (0 when none). */
enum ne_outcome ne_outcome_of(int curl_code, long status);

const char *ne_outcome_name(enum ne_outcome o);

/* ---- when to retry ------------------------------------------------ */

/* Exponential backoff with full jitter ("Exponential Backoff And Jitter",
 * AWS architecture blog): after the n-th failed attempt (n >= 1) the delay
 * is uniform in [0, min(max_ms, initial_ms * 2^(n-1))]. `rnd` is a uniform
 * random 32-bit value supplied by the caller. */
long ne_backoff_ms(int failed_attempts, long initial_ms, long max_ms, uint32_t rnd);

/* Parses a Retry-After header value: delta-seconds ("120") or an HTTP-date
 * in any of the three forms of RFC 9110 (IMF-fixdate, RFC 850, asctime).
 * Returns the wait in milliseconds from `now` (0 for a date in the past),
 * or -1 when the value is not valid. */
long ne_retry_after_ms(const char *value, time_t now);

/* The delay before the next attempt: a valid Retry-After wins over the
 * backoff, but is capped at max_ms, so a hostile or broken server cannot
 * park an alert for longer than the configured retry policy would. */
long ne_retry_delay_ms(int failed_attempts, long initial_ms, long max_ms, long retry_after_ms,
                       uint32_t rnd);

/* ---- when to give up ---------------------------------------------- */

/* Two limits end an alert's retries, whichever comes first:
 *   max_attempts  real requests to the endpoint that failed in a way worth
 *                 retrying. A refusal by the open circuit breaker is no
 *                 request and does not count: the endpoint never saw the
 *                 alert, so counting it would dead-letter alerts after one
 *                 to three real tries whenever the breaker opens.
 *   max_age_ms    time since the alert was taken up (its deadline). This is
 *                 what bounds an alert that keeps meeting an open breaker,
 *                 and so how long it holds back its partition's offset.
 * The attempts limit is checked first: an alert that had all its requests
 * is "attempts_exhausted" even when its deadline passed too. */
enum ne_give_up {
    NE_KEEP_TRYING,
    NE_GIVE_UP_ATTEMPTS,   /* dead letter "attempts_exhausted" */
    NE_GIVE_UP_MAX_AGE,    /* dead letter "max_age_exceeded" */
};

/* Decides after a failed request or a breaker refusal. `attempts` is the
 * number of real requests made so far; `now` and `deadline` are ms on the
 * caller's clock (deadline = taken up + max_age_ms). */
enum ne_give_up ne_give_up_after_failure(int attempts, int max_attempts, int64_t now, int64_t deadline);

/* The dead-letter reason of a limit; NULL for NE_KEEP_TRYING. */
const char *ne_give_up_reason(enum ne_give_up g);

/* When the next try of an alert that keeps trying is due: after the retry
 * delay, not before `not_before` (the breaker's reopening time; 0: none),
 * and never after the deadline, so that an alert is looked at again (and
 * given up) when its max_age runs out rather than at some later retry. */
int64_t ne_next_try_at(int64_t now, long delay_ms, int64_t not_before, int64_t deadline);

/* ---- circuit breaker ---------------------------------------------- */

enum ne_breaker_state { NE_BREAKER_CLOSED, NE_BREAKER_OPEN, NE_BREAKER_HALF_OPEN };

/* One per endpoint. Closed: every request goes. `threshold` consecutive
 * failures open it for open_ms; then one probe is let through (half-open):
 * success closes it, failure re-opens it for twice as long (up to
 * open_max_ms). While open, requests are refused at once without a
 * request; the caller holds the alert until the breaker lets a request
 * through (a refusal is not an attempt: see ne_give_up_after_failure). */
typedef struct ne_breaker {
    enum ne_breaker_state state;
    int  failures;          /* consecutive, while closed */
    int  threshold;
    long open_ms, open_min_ms, open_max_ms;
    int64_t open_until;     /* ms, caller's clock */
    int  probing;           /* half-open: the probe is in flight */
} ne_breaker;

enum ne_breaker_verdict {
    NE_BREAKER_GO,     /* send it (when half-open: it is the probe) */
    NE_BREAKER_WAIT,   /* half-open, probe in flight: hold it until the probe ends */
    NE_BREAKER_REFUSE, /* open: fail it now without a request */
};

void ne_breaker_init(ne_breaker *b, int threshold, long open_min_ms, long open_max_ms);

/* Asks whether a request may start at time now (ms). GO in half-open state
 * marks the probe as in flight. */
enum ne_breaker_verdict ne_breaker_check(ne_breaker *b, int64_t now);

/* Reports the result of a request that was let through: ok = the endpoint
 * answered sensibly (any outcome but NE_OUT_RETRY). */
void ne_breaker_report(ne_breaker *b, int ok, int64_t now);

const char *ne_breaker_state_name(enum ne_breaker_state s);

/* ---- which addresses may be called -------------------------------- */

/* Why a connection to `sa` (AF_INET or AF_INET6) must be refused, or NULL
 * when it may go ahead. Always refused: unspecified, multicast, broadcast,
 * reserved, and the cloud metadata addresses (169.254.169.254,
 * fd00:ec2::254, 100.100.100.200) — nothing legitimate receives webhooks
 * there. Refused unless allow_private: loopback (127/8, ::1), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), shared CGNAT (100.64/10),
 * link-local (169.254/16, fe80::/10). IPv6 forms that embed an IPv4
 * address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16) are judged
 * by that address. */
const char *ne_addr_refusal(const struct sockaddr *sa, int allow_private);

#endif
