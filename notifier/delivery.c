#include "notifier/delivery.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "common/log.h"
#include "common/redact.h"
#include "common/xalloc.h"
#include "notifier/policy.h"

/* Consecutive failed attempts that open an endpoint's breaker. */
#define BREAKER_THRESHOLD 5
/* Bytes of a failed response body kept for the error text. */
#define RESP_SNIPPET 160

enum job_state { JOB_WAITING, JOB_READY, JOB_FLIGHT };

struct job;
struct fifo {
    struct job *head, *tail;
};

struct endpoint {
    char  *id, *url;
    ne_webhook_key key;
    char **people;
    size_t npeople;
    int    roles;                /* bitmask of ne_role_filter; 0 = any */
    long   timeout_ms, backoff_initial_ms, backoff_max_ms;
    long   max_age_ms;           /* a job's deadline: submitted + this */
    int    max_attempts;
    int    in_flight;
    long   pending;              /* jobs of this endpoint alive */
    /* Due jobs waiting for a slot. Retries go first: they are older, and
     * each one holds back its partition's committed offset. */
    struct fifo retries, fresh;
    ne_breaker breaker;
    int    disabled;             /* answered 410 */
    int    removed;              /* no longer in the configuration */
    long   delivered, dead, failed_attempts;
    long   last_status;
    char   last_error[192];
};

struct job {
    ne_delivery *d;
    struct endpoint *ep;
    char  *id, *body;
    size_t body_len;
    void  *opaque;
    enum job_state state;
    size_t heap_idx;
    int64_t due, submitted;
    int    attempts;             /* real requests; breaker refusals are not counted */
    long   status;               /* of the last attempt; 0 = no response */
    char   error[256];           /* of the last attempt */
    long   retry_after_ms;       /* of the last response; -1 = none */
    /* The attempt in flight. */
    CURL  *easy;
    struct curl_slist *headers;
    char   errbuf[CURL_ERROR_SIZE];
    char   refused[128];         /* the first address the guard refused, and why */
    int    guard_passed;         /* the guard let at least one address through */
    char   resp[RESP_SNIPPET + 1];
    size_t resp_len;
    struct job *next;            /* ready queue */
    struct job *fprev, *fnext;   /* in-flight list */
};

struct ne_delivery {
    CURLM *multi;
    ne_job_done_fn done;
    void  *ctx;
    struct endpoint **eps;
    size_t neps;
    struct job **heap;           /* min-heap on due */
    size_t nheap, capheap;
    CURL **pool;                 /* idle easy handles, reused */
    size_t npool, cappool;
    struct job *flight;
    int    allow_private, per_endpoint, max_pending;
    char  *user_agent;
    int    draining;
    uint64_t rng;
    ne_delivery_stats st;
    /* Metrics (NULL series when no registry: updates are no-ops). */
    ne_series *m_attempts[5];    /* by status class, see attempt_class() */
    ne_series *m_retries, *m_delivered, *m_dead;
    ne_series *m_breakers_open;  /* endpoints whose breaker is not closed */
};

/* Status classes of an attempt, as metric labels. */
static const char *const attempt_classes[5] = {"network", "2xx", "3xx", "4xx", "5xx"};

static int attempt_class(CURLcode code, long status)
{
    if (code != CURLE_OK || status < 200 || status > 599) return 0;
    return (int)(status / 100) - 1;
}

void ne_delivery_set_metrics(ne_delivery *d, ne_metrics *m)
{
    char labels[64];
    for (int i = 0; i < 5; i++) {
        snprintf(labels, sizeof labels, "class=\"%s\"", attempt_classes[i]);
        d->m_attempts[i] = ne_metrics_counter(m, "newsenrich_webhook_attempts_total",
                                              "Webhook HTTP attempts by outcome class.", labels);
    }
    d->m_retries = ne_metrics_counter(m, "newsenrich_webhook_retries_total",
                                      "Webhook attempts scheduled again after a failure.", "");
    d->m_delivered = ne_metrics_counter(m, "newsenrich_webhook_alerts_total",
                                        "Alerts by final outcome.", "result=\"delivered\"");
    d->m_dead = ne_metrics_counter(m, "newsenrich_webhook_alerts_total",
                                   "Alerts by final outcome.", "result=\"dead_lettered\"");
    d->m_breakers_open = ne_metrics_gauge(m, "newsenrich_webhook_breakers_open",
                                          "Subscriptions whose circuit breaker is open or half-open.", "");
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: jitter only needs to be spread, not secret. */
static uint32_t rng_next(ne_delivery *d)
{
    d->rng ^= d->rng >> 12;
    d->rng ^= d->rng << 25;
    d->rng ^= d->rng >> 27;
    return (uint32_t)((d->rng * 2685821657736338717ull) >> 32);
}

/* snprintf into a fixed buffer, truncation intended (error texts). */
static void set_text(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_text(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

const char *ne_submit_name(enum ne_submit s)
{
    static const char *const names[] = {"queued", "unknown_subscription", "subscription_disabled",
                                        "filtered", "shed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* ------------------------------------------------------------------ */
/* Timer heap                                                          */
/* ------------------------------------------------------------------ */

static void heap_set(ne_delivery *d, size_t i, struct job *j)
{
    d->heap[i] = j;
    j->heap_idx = i;
}

static void heap_up(ne_delivery *d, size_t i)
{
    struct job *j = d->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (d->heap[p]->due <= j->due) break;
        heap_set(d, i, d->heap[p]);
        i = p;
    }
    heap_set(d, i, j);
}

static void heap_down(ne_delivery *d, size_t i)
{
    struct job *j = d->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->nheap) break;
        if (c + 1 < d->nheap && d->heap[c + 1]->due < d->heap[c]->due) c++;
        if (d->heap[c]->due >= j->due) break;
        heap_set(d, i, d->heap[c]);
        i = c;
    }
    heap_set(d, i, j);
}

static void heap_push(ne_delivery *d, struct job *j)
{
    ne_grow(&d->heap, &d->capheap, d->nheap + 1, sizeof *d->heap);
    j->state = JOB_WAITING;
    heap_set(d, d->nheap++, j);
    heap_up(d, d->nheap - 1);
}

static struct job *heap_pop(ne_delivery *d)
{
    struct job *top = d->heap[0];
    if (--d->nheap > 0) {
        heap_set(d, 0, d->heap[d->nheap]);
        heap_down(d, 0);
    }
    return top;
}

/* ------------------------------------------------------------------ */
/* Job lifecycle                                                       */
/* ------------------------------------------------------------------ */

static void fifo_push(struct fifo *q, struct job *j)
{
    j->state = JOB_READY;
    j->next = NULL;
    if (q->tail) q->tail->next = j; else q->head = j;
    q->tail = j;
}

static struct job *fifo_pop(struct fifo *q)
{
    struct job *j = q->head;
    if (!j) return NULL;
    q->head = j->next;
    if (!q->head) q->tail = NULL;
    j->next = NULL;
    return j;
}

/* Keeps the jobs pred does not select, in order; returns the others as a
 * list linked through next, prepended to *out. */
static void fifo_split(struct fifo *q, int (*pred)(void *opaque, void *arg), void *arg, struct job **out)
{
    struct fifo keep = {NULL, NULL};
    struct job *j;
    while ((j = fifo_pop(q))) {
        if (pred(j->opaque, arg)) { j->next = *out; *out = j; }
        else fifo_push(&keep, j);
    }
    *q = keep;
}

static int ready_any(const struct endpoint *ep)
{
    return ep->retries.head || ep->fresh.head;
}

static struct job *ready_pop(struct endpoint *ep)
{
    struct job *j = fifo_pop(&ep->retries);
    return j ? j : fifo_pop(&ep->fresh);
}

/* Reports the end of a job to the owner and frees it. The job must be in
 * no queue any more. */
static void job_end(ne_delivery *d, struct job *j, enum ne_job_end end, const char *reason)
{
    ne_job_result r = {
        .end = end, .subscription_id = j->ep->id, .webhook_id = j->id, .reason = reason,
        .error = end == NE_JOB_DELIVERED ? "" : j->error, .status = j->status,
        .attempts = j->attempts, .queued_ms = now_ms() - j->submitted,
    };
    if (end == NE_JOB_DELIVERED) { d->st.delivered++; j->ep->delivered++; ne_metric_add(d->m_delivered, 1); }
    else if (end == NE_JOB_DEAD) { d->st.dead++; j->ep->dead++; ne_metric_add(d->m_dead, 1); }
    else d->st.cancelled++;
    if (end == NE_JOB_DEAD)
        ne_log(NE_LOG_WARN, "notifier", "subscription %s: alert %s dead-lettered (%s) after %d request(s): "
               "status %ld, %s", j->ep->id, j->id, reason, j->attempts, j->status, j->error);
    j->ep->pending--;
    d->st.pending--;
    d->done(d->ctx, j->opaque, &r);
    free(j->id);
    free(j->body);
    free(j);
}

/* What follows a failed request (refused = 0) or a refusal by the open
 * breaker (refused = 1: no request was made, so it is no attempt and no
 * failure of the endpoint): the next try, or the end of the job at one of
 * its two limits, max_attempts real requests or max_age_ms
 * (ne_give_up_after_failure). `not_before` (ms, may be 0) is a floor: the
 * breaker's reopening time. */
static void retry_or_die(ne_delivery *d, struct job *j, int64_t now, int64_t not_before, int refused)
{
    struct endpoint *ep = j->ep;
    int64_t deadline = j->submitted + ep->max_age_ms;
    if (!refused) {
        ep->failed_attempts++;
        d->st.failed_attempts++;
    }
    enum ne_give_up g = ne_give_up_after_failure(j->attempts, ep->max_attempts, now, deadline);
    if (g == NE_GIVE_UP_MAX_AGE) {
        char last[sizeof j->error];
        memcpy(last, j->error, sizeof last);
        set_text(j->error, sizeof j->error, "max_age_ms (%ld) passed after %d request(s); last error: %s",
                 ep->max_age_ms, j->attempts, last);
    }
    if (g != NE_KEEP_TRYING) {
        job_end(d, j, NE_JOB_DEAD, ne_give_up_reason(g));
        return;
    }
    long delay = refused ? 0 : ne_retry_delay_ms(j->attempts, ep->backoff_initial_ms, ep->backoff_max_ms,
                                                 j->retry_after_ms, rng_next(d));
    j->due = ne_next_try_at(now, delay, not_before, deadline);
    if (!refused) ne_metric_add(d->m_retries, 1);
    ne_log(NE_LOG_DEBUG, "notifier", "subscription %s: alert %s %s (%s); next try in %lld ms",
           ep->id, j->id, refused ? "held by the open breaker" : "request failed", j->error,
           (long long)(j->due - now));
    heap_push(d, j);
}

/* ------------------------------------------------------------------ */
/* libcurl callbacks                                                   */
/* ------------------------------------------------------------------ */

/* The address guard: runs on the address libcurl is about to connect to. */
static curl_socket_t open_guarded_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct job *j = clientp;
    struct sockaddr_storage ss;
    (void)purpose;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, &a->addr, a->addrlen < sizeof ss ? a->addrlen : sizeof ss);
    const char *why = ne_addr_refusal((const struct sockaddr *)&ss, j->d->allow_private);
    if (why) {
        if (!j->refused[0]) {
            char host[INET6_ADDRSTRLEN] = "?";
            const void *raw = ss.ss_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                                                       : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
            inet_ntop(ss.ss_family, raw, host, sizeof host);
            set_text(j->refused, sizeof j->refused, "refused to connect to %s: %s%s", host, why,
                     j->d->allow_private ? "" : " (webhooks.allow_private is false)");
        }
        return CURL_SOCKET_BAD;
    }
    j->guard_passed = 1;
    return socket(a->family, a->socktype, a->protocol);
}

/* Keeps the start of the response body for the error text; drops the rest. */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct job *j = userdata;
    size_t n = size * nmemb, room = RESP_SNIPPET - j->resp_len;
    size_t take = n < room ? n : room;
    for (size_t i = 0; i < take; i++) {
        unsigned char c = (unsigned char)ptr[i];
        j->resp[j->resp_len++] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
    }
    j->resp[j->resp_len] = '\0';
    return n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct job *j = userdata;
    size_t n = size * nitems;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && n < 256 && strncasecmp(buf, name, sizeof name - 1) == 0) {
        char v[256];
        size_t vl = n - (sizeof name - 1);
        memcpy(v, buf + sizeof name - 1, vl);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
        v[vl] = '\0';
        j->retry_after_ms = ne_retry_after_ms(v, time(NULL));
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Attempts                                                            */
/* ------------------------------------------------------------------ */

static CURL *easy_get(ne_delivery *d)
{
    return d->npool ? d->pool[--d->npool] : curl_easy_init();
}

static void easy_put(ne_delivery *d, CURL *e)
{
    ne_grow(&d->pool, &d->cappool, d->npool + 1, sizeof *d->pool);
    curl_easy_reset(e);
    d->pool[d->npool++] = e;
}

static struct curl_slist *add_header(struct curl_slist *l, int *ok, const char *fmt, const char *v)
{
    char line[512];
    snprintf(line, sizeof line, fmt, v);
    struct curl_slist *n = curl_slist_append(l, line);
    if (!n) { *ok = 0; return l; }
    return n;
}

/* Signs the body for this attempt's timestamp and builds the headers. */
static struct curl_slist *build_headers(const struct job *j)
{
    char ts[32], sig[NE_WEBHOOK_SIG_MAX];
    int ok = 1;
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    if (ne_webhook_sign(&j->ep->key, j->id, ts, j->body, j->body_len, sig)) return NULL;
    struct curl_slist *h = NULL;
    h = add_header(h, &ok, "Content-Type: %s", "application/json");
    h = add_header(h, &ok, "webhook-id: %s", j->id);
    h = add_header(h, &ok, "webhook-timestamp: %s", ts);
    h = add_header(h, &ok, "webhook-signature: %s", sig);
    /* No "Expect: 100-continue" round trip before the body. */
    h = add_header(h, &ok, "Expect:%s", "");
    if (!ok) { curl_slist_free_all(h); return NULL; }
    return h;
}

static int set_options(ne_delivery *d, struct job *j, CURL *e)
{
    const struct endpoint *ep = j->ep;
    long connect_ms = ep->timeout_ms < 10000 ? ep->timeout_ms : 10000;
    CURLcode c = CURLE_OK;
#define OPT(o, v) do { if (c == CURLE_OK) c = curl_easy_setopt(e, o, v); } while (0)
    OPT(CURLOPT_URL, ep->url);
    OPT(CURLOPT_POST, 1L);
    OPT(CURLOPT_POSTFIELDS, j->body);
    OPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body_len);
    OPT(CURLOPT_HTTPHEADER, j->headers);
    OPT(CURLOPT_USERAGENT, d->user_agent);
    OPT(CURLOPT_PROTOCOLS_STR, "http,https");
    OPT(CURLOPT_FOLLOWLOCATION, 0L);
    OPT(CURLOPT_SSL_VERIFYPEER, 1L);
    OPT(CURLOPT_SSL_VERIFYHOST, 2L);
    OPT(CURLOPT_TIMEOUT_MS, ep->timeout_ms);
    OPT(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    OPT(CURLOPT_NOSIGNAL, 1L);
    /* A proxy would be what the guard sees, not the subscriber. */
    OPT(CURLOPT_PROXY, "");
    OPT(CURLOPT_OPENSOCKETFUNCTION, open_guarded_socket);
    OPT(CURLOPT_OPENSOCKETDATA, j);
    OPT(CURLOPT_WRITEFUNCTION, on_body);
    OPT(CURLOPT_WRITEDATA, j);
    OPT(CURLOPT_HEADERFUNCTION, on_header);
    OPT(CURLOPT_HEADERDATA, j);
    OPT(CURLOPT_ERRORBUFFER, j->errbuf);
    OPT(CURLOPT_PRIVATE, j);
#undef OPT
    return c == CURLE_OK ? 0 : -1;
}

static void flight_link(ne_delivery *d, struct job *j)
{
    j->fprev = NULL;
    j->fnext = d->flight;
    if (d->flight) d->flight->fprev = j;
    d->flight = j;
}

static void flight_unlink(ne_delivery *d, struct job *j)
{
    if (j->fprev) j->fprev->fnext = j->fnext; else d->flight = j->fnext;
    if (j->fnext) j->fnext->fprev = j->fprev;
    j->fprev = j->fnext = NULL;
}

/* Releases the transfer of a job in flight. */
static void attempt_release(ne_delivery *d, struct job *j)
{
    curl_multi_remove_handle(d->multi, j->easy);
    easy_put(d, j->easy);
    j->easy = NULL;
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    flight_unlink(d, j);
    j->ep->in_flight--;
    d->st.in_flight--;
}

/* Starts one attempt. A failure to even build the request counts as a
 * failed attempt (retried like a network error). */
static void attempt_start(ne_delivery *d, struct job *j, int64_t now)
{
    j->attempts++;
    d->st.attempts++;
    j->retry_after_ms = -1;
    j->errbuf[0] = j->refused[0] = j->resp[0] = '\0';
    j->resp_len = 0;
    j->guard_passed = 0;
    j->headers = build_headers(j);
    j->easy = j->headers ? easy_get(d) : NULL;
    if (!j->easy || set_options(d, j, j->easy) || curl_multi_add_handle(d->multi, j->easy) != CURLM_OK) {
        if (j->easy) easy_put(d, j->easy);
        curl_slist_free_all(j->headers);
        j->easy = NULL;
        j->headers = NULL;
        j->status = 0;
        set_text(j->error, sizeof j->error, "could not set up the request (out of memory?)");
        retry_or_die(d, j, now, 0, 0);
        return;
    }
    j->state = JOB_FLIGHT;
    flight_link(d, j);
    j->ep->in_flight++;
    d->st.in_flight++;
}

/* Ends every job of an endpoint that is not in flight (410, removal). */
static void sweep_endpoint(ne_delivery *d, struct endpoint *ep, const char *reason, const char *error, long status)
{
    struct job *dead = NULL, *j;
    size_t kept = 0;
    for (size_t i = 0; i < d->nheap; i++) {
        j = d->heap[i];
        if (j->ep == ep) { j->next = dead; dead = j; }
        else heap_set(d, kept++, j);
    }
    d->nheap = kept;
    for (size_t i = d->nheap / 2; i-- > 0;) heap_down(d, i);
    while ((j = ready_pop(ep))) { j->next = dead; dead = j; }
    while ((j = dead)) {
        dead = j->next;
        set_text(j->error, sizeof j->error, "%s", error);
        if (status) j->status = status;
        job_end(d, j, NE_JOB_DEAD, reason);
    }
}

static void disable_endpoint(ne_delivery *d, struct endpoint *ep)
{
    if (ep->disabled) return;
    ep->disabled = 1;
    char url[1024];
    ne_url_redact(ep->url, url, sizeof url);
    ne_log(NE_LOG_ERROR, "notifier",
           "SUBSCRIPTION DISABLED: %s (%s) answered 410 Gone; no more deliveries to it until its url "
           "changes (reload with SIGHUP). Its pending and future alerts go to the dead-letter topic.",
           ep->id, url);
    sweep_endpoint(d, ep, "gone", "subscription disabled: the endpoint answered 410 Gone", 410);
}

static void error_text(struct job *j, CURLcode code, long status)
{
    /* Both may quote the URL; masked before they are cut to fit. */
    ne_text_redact_inplace(j->errbuf, sizeof j->errbuf);
    ne_text_redact_inplace(j->resp, sizeof j->resp);
    if (code != CURLE_OK)
        set_text(j->error, sizeof j->error, "%s%s%s", curl_easy_strerror(code), j->errbuf[0] ? ": " : "",
                 j->errbuf);
    else if (j->resp_len)
        set_text(j->error, sizeof j->error, "HTTP %ld: %s", status, j->resp);
    else
        set_text(j->error, sizeof j->error, "HTTP %ld", status);
}

/* Sets the open-breakers gauge after a breaker may have moved. A walk over
 * the endpoints, a handful, rather than bookkeeping in every transition
 * of policy.c's breaker. */
static void breakers_metric(ne_delivery *d)
{
    if (!d->m_breakers_open) return;
    size_t open = 0;
    for (size_t i = 0; i < d->neps; i++)
        open += !d->eps[i]->removed && d->eps[i]->breaker.state != NE_BREAKER_CLOSED;
    ne_metric_set(d->m_breakers_open, (double)open);
}

/* A transfer finished: classify, feed the breaker, then deliver, retry or
 * give up. */
static void attempt_done(ne_delivery *d, struct job *j, CURLcode code)
{
    struct endpoint *ep = j->ep;
    long status = 0;
    int64_t now = now_ms();
    if (code == CURLE_OK) curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    ne_metric_add(d->m_attempts[attempt_class(code, status)], 1);
    attempt_release(d, j);
    j->status = status;

    if (code != CURLE_OK && j->refused[0] && !j->guard_passed) {
        set_text(j->error, sizeof j->error, "%s", j->refused);
        job_end(d, j, NE_JOB_DEAD, "forbidden_address");
        return;
    }
    enum ne_outcome o = ne_outcome_of((int)code, status);
    ne_breaker_report(&ep->breaker, o != NE_OUT_RETRY, now);
    breakers_metric(d);
    ep->last_status = status;
    if (o == NE_OUT_DELIVERED) {
        ep->last_error[0] = '\0';
        job_end(d, j, NE_JOB_DELIVERED, NULL);
        return;
    }
    error_text(j, code, status);
    set_text(ep->last_error, sizeof ep->last_error, "%s", j->error);
    switch (o) {
    case NE_OUT_GONE:
        job_end(d, j, NE_JOB_DEAD, "gone");
        disable_endpoint(d, ep);
        break;
    case NE_OUT_REJECTED:
        job_end(d, j, NE_JOB_DEAD, "rejected");
        break;
    default:
        retry_or_die(d, j, now, 0, 0);
        break;
    }
}

/* Collects finished transfers. */
static void collect(ne_delivery *d)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(d->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        struct job *j = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        if (j) attempt_done(d, j, m->data.result);
    }
}

/* Moves due jobs from the timer heap to their endpoints' ready queues. */
static void promote_due(ne_delivery *d, int64_t now)
{
    while (d->nheap && d->heap[0]->due <= now) {
        struct job *j = heap_pop(d);
        fifo_push(j->attempts ? &j->ep->retries : &j->ep->fresh, j);
    }
}

/* Starts as many ready jobs of one endpoint as its limit and breaker allow. */
static void dispatch(ne_delivery *d, struct endpoint *ep, int64_t now)
{
    while (ready_any(ep) && !d->draining) {
        if (ep->removed || ep->disabled) {
            struct job *j = ready_pop(ep);
            set_text(j->error, sizeof j->error, "%s", ep->removed ? "the subscription was removed from the "
                     "configuration" : "subscription disabled: the endpoint answered 410 Gone");
            if (ep->disabled && !ep->removed) j->status = 410;
            job_end(d, j, NE_JOB_DEAD, ep->removed ? "unsubscribed" : "gone");
            continue;
        }
        if (ep->in_flight >= d->per_endpoint) break;
        enum ne_breaker_verdict v = ne_breaker_check(&ep->breaker, now);
        if (v == NE_BREAKER_WAIT) break;
        struct job *j = ready_pop(ep);
        if (v == NE_BREAKER_REFUSE) {
            /* No request: hold the job until the breaker lets one through
             * (or its max_age runs out). Its status stays that of its own
             * last request, or is the endpoint's when it had none; the
             * error names the breaker and the endpoint's last error. */
            d->st.breaker_refusals++;
            if (!j->attempts) j->status = ep->last_status;
            set_text(j->error, sizeof j->error, "circuit breaker open; last error: %s", ep->last_error);
            retry_or_die(d, j, now, ep->breaker.open_until, 1);
            continue;
        }
        attempt_start(d, j, now);
    }
}

static void dispatch_all(ne_delivery *d, int64_t now)
{
    promote_due(d, now);
    for (size_t i = 0; i < d->neps; i++) dispatch(d, d->eps[i], now);
}

static void perform(ne_delivery *d)
{
    int running;
    curl_multi_perform(d->multi, &running);
    collect(d);
}

int ne_delivery_run(ne_delivery *d, int timeout_ms, const int *wake_fds, int nwake)
{
    long ended = d->st.delivered + d->st.dead + d->st.cancelled;
    struct curl_waitfd extra[8];
    int64_t now = now_ms();

    dispatch_all(d, now);
    perform(d);
    now = now_ms();
    dispatch_all(d, now);

    long wait = timeout_ms < 0 ? 0 : timeout_ms;
    if (d->nheap && !d->draining) {
        int64_t until = d->heap[0]->due - now;
        if (until < wait) wait = until < 0 ? 0 : (long)until;
    }
    if (nwake > 8) nwake = 8;
    for (int i = 0; i < nwake; i++) extra[i] = (struct curl_waitfd){.fd = wake_fds[i], .events = CURL_WAIT_POLLIN};
    curl_multi_poll(d->multi, extra, (unsigned)nwake, (int)wait, NULL);

    perform(d);
    dispatch_all(d, now_ms());
    return (int)(d->st.delivered + d->st.dead + d->st.cancelled - ended);
}

/* ------------------------------------------------------------------ */
/* Submitting and cancelling                                           */
/* ------------------------------------------------------------------ */

static struct endpoint *find_endpoint(const ne_delivery *d, const char *id)
{
    for (size_t i = 0; i < d->neps; i++)
        if (strcmp(d->eps[i]->id, id) == 0) return d->eps[i];
    return NULL;
}

static int wants(const struct endpoint *ep, const ne_alert *a)
{
    if (ep->roles && !(ep->roles & a->role)) return 0;
    for (size_t i = 0; i < ep->npeople; i++)
        if (strcmp(ep->people[i], a->person_id) == 0) return 1;
    return 0;
}

enum ne_submit ne_delivery_submit(ne_delivery *d, const ne_alert *a, void *opaque)
{
    struct endpoint *ep = find_endpoint(d, a->subscription_id);
    if (!ep || ep->removed) return NE_SUBMIT_UNKNOWN;
    if (ep->disabled) return NE_SUBMIT_DISABLED;
    if (!wants(ep, a)) return NE_SUBMIT_FILTERED;
    /* A quarter of the window: below the notifier's resume mark (half), so
     * a dead endpoint holding its share cannot keep consumption paused. */
    long share = d->max_pending / 4 > 0 ? d->max_pending / 4 : 1;
    if (ep->breaker.state != NE_BREAKER_CLOSED && ep->pending >= share) return NE_SUBMIT_SHED;

    struct job *j = ne_xcalloc(1, sizeof *j);
    j->id = ne_xstrdup(a->alert_id);
    j->body = ne_xstrndup(a->body, a->body_len);
    j->body_len = a->body_len;
    j->d = d;
    j->ep = ep;
    j->opaque = opaque;
    j->submitted = j->due = now_ms();
    j->retry_after_ms = -1;
    ep->pending++;
    d->st.pending++;
    /* Only queued: the attempt starts in ne_delivery_run(), so done is
     * never called from inside submit. */
    fifo_push(&ep->fresh, j);
    return NE_SUBMIT_QUEUED;
}

void ne_delivery_cancel_if(ne_delivery *d, int (*pred)(void *opaque, void *arg), void *arg)
{
    struct job *gone = NULL, *j;
    size_t kept = 0;
    for (size_t i = 0; i < d->nheap; i++) {
        j = d->heap[i];
        if (pred(j->opaque, arg)) { j->next = gone; gone = j; }
        else heap_set(d, kept++, j);
    }
    d->nheap = kept;
    for (size_t i = d->nheap / 2; i-- > 0;) heap_down(d, i);
    for (size_t e = 0; e < d->neps; e++) {
        fifo_split(&d->eps[e]->retries, pred, arg, &gone);
        fifo_split(&d->eps[e]->fresh, pred, arg, &gone);
    }
    while ((j = gone)) {
        gone = j->next;
        set_text(j->error, sizeof j->error, "cancelled");
        job_end(d, j, NE_JOB_CANCELLED, NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

static void endpoint_free(struct endpoint *ep)
{
    if (!ep) return;
    free(ep->id);
    free(ep->url);
    for (size_t i = 0; i < ep->npeople; i++) free(ep->people[i]);
    free(ep->people);
    memset(&ep->key, 0, sizeof ep->key);
    free(ep);
}

/* Copies the settings of a subscription into ep (url, people, policy).
 * The key is decoded by the caller beforehand. */
static void endpoint_apply(struct endpoint *ep, const ne_subscription *s, const ne_webhook_key *key)
{
    char *url = ne_xstrdup(s->url);
    char **people = ne_xcalloc(s->npeople ? s->npeople : 1, sizeof *people);
    for (size_t i = 0; i < s->npeople; i++) people[i] = ne_xstrdup(s->people[i]);

    if (ep->disabled && ep->url && strcmp(ep->url, url) != 0) {
        char safe[1024];
        ne_url_redact(url, safe, sizeof safe);
        ne_log(NE_LOG_WARN, "notifier", "subscription %s: url changed to %s; re-enabled after its 410", ep->id, safe);
        ep->disabled = 0;
    }
    free(ep->url);
    for (size_t i = 0; i < ep->npeople; i++) free(ep->people[i]);
    free(ep->people);
    ep->url = url;
    ep->people = people;
    ep->npeople = s->npeople;
    ep->key = *key;
    ep->roles = s->roles;
    ep->timeout_ms = s->timeout_ms;
    ep->max_attempts = s->max_attempts;
    ep->max_age_ms = s->max_age_ms;
    ep->backoff_initial_ms = s->backoff_initial_ms;
    ep->backoff_max_ms = s->backoff_max_ms;
    /* The breaker stays open about as long as the retry policy waits. */
    ep->breaker.threshold = BREAKER_THRESHOLD;
    ep->breaker.open_min_ms = s->backoff_initial_ms;
    ep->breaker.open_max_ms = s->backoff_max_ms;
    if (ep->breaker.open_ms < ep->breaker.open_min_ms) ep->breaker.open_ms = ep->breaker.open_min_ms;
    if (ep->breaker.open_ms > ep->breaker.open_max_ms) ep->breaker.open_ms = ep->breaker.open_max_ms;
    ep->removed = 0;
}

int ne_delivery_reconfigure(ne_delivery *d, const ne_config *cfg, char *err, size_t errlen)
{
    size_t n = cfg->webhooks.nsubscriptions;
    ne_webhook_key *keys = ne_xcalloc(n ? n : 1, sizeof *keys);
    char *ua = ne_xstrdup(cfg->webhooks.user_agent ? cfg->webhooks.user_agent : "newsenrich");
    int rc = -1;
    /* Decode every secret first: a bad one must change nothing. */
    for (size_t i = 0; i < n; i++)
        if (ne_webhook_key_from_secret(cfg->webhooks.subscriptions[i].secret, &keys[i])) {
            snprintf(err, errlen, "webhooks.subscriptions[%zu].secret: not \"whsec_\" + base64 of 1-256 bytes", i);
            goto out;
        }
    d->eps = ne_xrealloc(d->eps, (d->neps + n) * sizeof *d->eps + 1);

    int *seen = ne_xcalloc(d->neps + n + 1, sizeof *seen);
    for (size_t i = 0; i < n; i++) {
        const ne_subscription *s = &cfg->webhooks.subscriptions[i];
        struct endpoint *ep = find_endpoint(d, s->id);
        int fresh = !ep;
        if (fresh) {
            ep = ne_xcalloc(1, sizeof *ep);
            ep->id = ne_xstrdup(s->id);
            ne_breaker_init(&ep->breaker, BREAKER_THRESHOLD, s->backoff_initial_ms, s->backoff_max_ms);
        }
        endpoint_apply(ep, s, &keys[i]);
        if (fresh) d->eps[d->neps++] = ep;
        for (size_t e = 0; e < d->neps; e++)
            if (d->eps[e] == ep) seen[e] = 1;
    }
    for (size_t e = 0; e < d->neps; e++) {
        struct endpoint *ep = d->eps[e];
        if (seen[e] || ep->removed) continue;
        ep->removed = 1;
        ne_log(NE_LOG_WARN, "notifier", "subscription %s removed from the configuration; its pending alerts "
               "go to the dead-letter topic", ep->id);
        sweep_endpoint(d, ep, "unsubscribed", "the subscription was removed from the configuration", 0);
    }
    free(seen);
    free(d->user_agent);
    d->user_agent = ua;
    ua = NULL;
    d->allow_private = cfg->webhooks.allow_private;
    d->per_endpoint = cfg->webhooks.per_endpoint_in_flight > 0 ? cfg->webhooks.per_endpoint_in_flight : 1;
    d->max_pending = cfg->webhooks.max_pending;
    /* Keep every endpoint's connections warm. */
    curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, (long)(d->neps * (size_t)d->per_endpoint + 4));
    rc = 0;
out:
    memset(keys, 0, (n ? n : 1) * sizeof *keys);
    free(keys);
    free(ua);
    return rc;
}

ne_delivery *ne_delivery_new(const ne_config *cfg, ne_job_done_fn done, void *ctx,
                             char *err, size_t errlen)
{
    ne_delivery *d = ne_xcalloc(1, sizeof *d);
    d->done = done;
    d->ctx = ctx;
    if (getrandom(&d->rng, sizeof d->rng, 0) != sizeof d->rng || !d->rng)
        d->rng = (uint64_t)now_ms() * 0x9e3779b97f4a7c15ull | 1;
    /* Safe to call more than once; libcurl counts. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl initialisation failed");
        goto error;
    }
    d->multi = curl_multi_init();
    if (!d->multi) { snprintf(err, errlen, "curl_multi_init failed"); goto error; }
    if (ne_delivery_reconfigure(d, cfg, err, errlen)) goto error;
    return d;
error:
    ne_delivery_free(d);
    return NULL;
}

void ne_delivery_set_draining(ne_delivery *d, int draining) { d->draining = draining; }

long ne_delivery_pending(const ne_delivery *d) { return d->st.pending; }
long ne_delivery_in_flight(const ne_delivery *d) { return d->st.in_flight; }

void ne_delivery_get_stats(const ne_delivery *d, ne_delivery_stats *st) { *st = d->st; }

void ne_delivery_log_status(const ne_delivery *d)
{
    for (size_t i = 0; i < d->neps; i++) {
        const struct endpoint *ep = d->eps[i];
        ne_log(NE_LOG_INFO, "notifier",
               "subscription %s: %s, breaker %s, %d in flight, %ld pending, %ld delivered, %ld dead-lettered, "
               "%ld failed attempts%s%s", ep->id, ep->removed ? "removed" : ep->disabled ? "DISABLED (410)" : "active",
               ne_breaker_state_name(ep->breaker.state), ep->in_flight, ep->pending, ep->delivered, ep->dead,
               ep->failed_attempts, ep->last_error[0] ? "; last error: " : "", ep->last_error);
    }
}

void ne_delivery_free(ne_delivery *d)
{
    if (!d) return;
    struct job *j;
    while ((j = d->flight)) {
        attempt_release(d, j);
        set_text(j->error, sizeof j->error, "cancelled");
        job_end(d, j, NE_JOB_CANCELLED, NULL);
    }
    while (d->nheap) {
        j = heap_pop(d);
        job_end(d, j, NE_JOB_CANCELLED, NULL);
    }
    for (size_t i = 0; i < d->neps; i++)
        while ((j = ready_pop(d->eps[i]))) job_end(d, j, NE_JOB_CANCELLED, NULL);
    for (size_t i = 0; i < d->npool; i++) curl_easy_cleanup(d->pool[i]);
    free(d->pool);
    if (d->multi) curl_multi_cleanup(d->multi);
    for (size_t i = 0; i < d->neps; i++) endpoint_free(d->eps[i]);
    free(d->eps);
    free(d->heap);
    free(d->user_agent);
    free(d);
}
