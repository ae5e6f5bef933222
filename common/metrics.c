#include "common/metrics.h"
#include "common/xalloc.h"

#include <arpa/inet.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#define MAX_BUCKETS 16

enum kind { K_COUNTER, K_GAUGE, K_HISTOGRAM };

struct ne_series {
    struct ne_series *next;        /* next series of the family */
    char *labels;
    _Atomic uint64_t count;        /* counter value; histogram observation count */
    _Atomic uint64_t gauge_bits;   /* gauge value as the bits of a double */
    _Atomic uint64_t sum_bits;     /* histogram sum, bits of a double */
    _Atomic uint64_t buckets[MAX_BUCKETS + 1];
    const double *bounds;          /* the family's */
    size_t nbounds;
};

typedef struct family {
    struct family *next;
    char *name, *help;
    enum kind kind;
    double bounds[MAX_BUCKETS];
    size_t nbounds;
    ne_series *series, *last;
} family;

struct ne_metrics {
    pthread_mutex_t lock;
    family *families, *last;
    _Atomic int ready[NE_READY__COUNT];
    _Atomic long long ready_until_ms[NE_READY__COUNT];  /* 0: holds until set again */
};

ne_metrics *ne_metrics_new(void)
{
    ne_metrics *m = ne_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void ne_metrics_free(ne_metrics *m)
{
    if (!m) return;
    for (family *f = m->families; f;) {
        family *fn = f->next;
        for (ne_series *s = f->series; s;) {
            ne_series *sn = s->next;
            free(s->labels);
            free(s);
            s = sn;
        }
        free(f->name);
        free(f->help);
        free(f);
        f = fn;
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static uint64_t dbits(double v) { uint64_t u; memcpy(&u, &v, sizeof u); return u; }
static double bitsd(uint64_t u) { double v; memcpy(&v, &u, sizeof v); return v; }

/* Finds or creates the series (name, labels); NULL on a kind mismatch.
 * Called with the lock held. */
static ne_series *lookup(ne_metrics *m, const char *name, const char *help, enum kind kind,
                         const char *labels, const double *bounds, size_t nbounds)
{
    family *f = m->families;
    while (f && strcmp(f->name, name)) f = f->next;
    if (!f) {
        f = ne_xcalloc(1, sizeof *f);
        f->name = ne_xstrdup(name);
        f->help = ne_xstrdup(help ? help : "");
        f->kind = kind;
        f->nbounds = nbounds > MAX_BUCKETS ? MAX_BUCKETS : nbounds;
        if (bounds) memcpy(f->bounds, bounds, f->nbounds * sizeof *bounds);
        if (m->last) m->last->next = f; else m->families = f;
        m->last = f;
    }
    if (f->kind != kind) return NULL;
    ne_series *s = f->series;
    while (s && strcmp(s->labels, labels ? labels : "")) s = s->next;
    if (s) return s;
    s = ne_xcalloc(1, sizeof *s);
    s->labels = ne_xstrdup(labels ? labels : "");
    s->bounds = f->bounds;
    s->nbounds = f->nbounds;
    if (f->last) f->last->next = s; else f->series = s;
    f->last = s;
    return s;
}

static ne_series *get(ne_metrics *m, const char *name, const char *help, enum kind kind,
                      const char *labels, const double *bounds, size_t nbounds)
{
    if (!m) return NULL;
    pthread_mutex_lock(&m->lock);
    ne_series *s = lookup(m, name, help, kind, labels, bounds, nbounds);
    pthread_mutex_unlock(&m->lock);
    return s;
}

ne_series *ne_metrics_counter(ne_metrics *m, const char *name, const char *help, const char *labels)
{
    return get(m, name, help, K_COUNTER, labels, NULL, 0);
}

ne_series *ne_metrics_gauge(ne_metrics *m, const char *name, const char *help, const char *labels)
{
    return get(m, name, help, K_GAUGE, labels, NULL, 0);
}

ne_series *ne_metrics_histogram(ne_metrics *m, const char *name, const char *help,
                                const char *labels, const double *bounds, size_t nbounds)
{
    return get(m, name, help, K_HISTOGRAM, labels, bounds, nbounds);
}

void ne_metric_add(ne_series *s, uint64_t n)
{
    if (s) atomic_fetch_add_explicit(&s->count, n, memory_order_relaxed);
}

void ne_metric_set(ne_series *s, double v)
{
    if (s) atomic_store_explicit(&s->gauge_bits, dbits(v), memory_order_relaxed);
}

void ne_metric_observe(ne_series *s, double v)
{
    if (!s) return;
    size_t i = 0;
    while (i < s->nbounds && v > s->bounds[i]) i++;
    atomic_fetch_add_explicit(&s->buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    /* A compare-and-swap loop: there is no atomic add for doubles. */
    uint64_t old = atomic_load_explicit(&s->sum_bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&s->sum_bits, &old, dbits(bitsd(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

double ne_metric_value(const ne_series *s)
{
    if (!s) return 0;
    uint64_t g = atomic_load_explicit(&s->gauge_bits, memory_order_relaxed);
    return g ? bitsd(g) : (double)atomic_load_explicit(&s->count, memory_order_relaxed);
}

static void put_value(nebuf *b, double v)
{
    if (isinf(v)) nebuf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else if (v == (double)(int64_t)v && fabs(v) < 1e15) nebuf_printf(b, "%lld", (long long)v);
    else nebuf_printf(b, "%.6g", v);
}

/* name{labels,extra} value */
static void put_sample(nebuf *b, const char *name, const char *suffix, const char *labels,
                       const char *extra, double v)
{
    nebuf_puts(b, name);
    nebuf_puts(b, suffix);
    if (*labels || (extra && *extra)) {
        nebuf_putc(b, '{');
        nebuf_puts(b, labels);
        if (extra && *extra) {
            if (*labels) nebuf_putc(b, ',');
            nebuf_puts(b, extra);
        }
        nebuf_putc(b, '}');
    }
    nebuf_putc(b, ' ');
    put_value(b, v);
    nebuf_putc(b, '\n');
}

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Readiness as gauges, the /readyz rule applied at render time: what
 * Prometheus can alert on (it cannot read /readyz's 503). One series per
 * condition and the conjunction; rendered apart from the families because
 * the conditions live in the registry, not in series. */
static void render_readiness(ne_metrics *m, nebuf *b)
{
    static const char *const conds[NE_READY__COUNT] = {"assigned", "broker", "state"};
    long long now = monotonic_ms();
    int all = 1;
    nebuf_puts(b, "# HELP newsenrich_ready_condition Readiness conditions of /readyz: 1 holds, 0 not.\n"
                  "# TYPE newsenrich_ready_condition gauge\n");
    for (int i = 0; i < NE_READY__COUNT; i++) {
        int ok = ne_ready_holds(atomic_load(&m->ready[i]), atomic_load(&m->ready_until_ms[i]), now);
        nebuf_printf(b, "newsenrich_ready_condition{condition=\"%s\"} %d\n", conds[i], ok);
        all &= ok;
    }
    nebuf_printf(b, "# HELP newsenrich_ready 1 when /readyz answers 200, 0 when 503.\n"
                    "# TYPE newsenrich_ready gauge\nnewsenrich_ready %d\n", all);
}

void ne_metrics_render(ne_metrics *m, nebuf *b)
{
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    for (family *f = m->families; f; f = f->next) {
        nebuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, type_names[f->kind]);
        for (ne_series *s = f->series; s; s = s->next) {
            if (f->kind == K_COUNTER) {
                put_sample(b, f->name, "", s->labels, NULL, (double)atomic_load(&s->count));
            } else if (f->kind == K_GAUGE) {
                put_sample(b, f->name, "", s->labels, NULL, bitsd(atomic_load(&s->gauge_bits)));
            } else {
                uint64_t cum = 0;
                char le[48];
                for (size_t i = 0; i <= f->nbounds; i++) {
                    cum += atomic_load(&s->buckets[i]);
                    if (i < f->nbounds) snprintf(le, sizeof le, "le=\"%g\"", f->bounds[i]);
                    else snprintf(le, sizeof le, "le=\"+Inf\"");
                    put_sample(b, f->name, "_bucket", s->labels, le, (double)cum);
                }
                put_sample(b, f->name, "_sum", s->labels, NULL, bitsd(atomic_load(&s->sum_bits)));
                put_sample(b, f->name, "_count", s->labels, NULL, (double)atomic_load(&s->count));
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
    render_readiness(m, b);
}

void ne_metrics_set_ready(ne_metrics *m, enum ne_ready_cond c, int ok)
{
    if (!m || c >= NE_READY__COUNT) return;
    atomic_store(&m->ready_until_ms[c], 0);
    atomic_store(&m->ready[c], ok ? 1 : 0);
}

void ne_metrics_set_ready_for(ne_metrics *m, enum ne_ready_cond c, int ok, long valid_ms)
{
    if (!m || c >= NE_READY__COUNT) return;
    atomic_store(&m->ready_until_ms[c], monotonic_ms() + (valid_ms > 0 ? valid_ms : 1));
    atomic_store(&m->ready[c], ok ? 1 : 0);
}

int ne_ready_holds(int ok, long long until_ms, long long now_ms)
{
    return ok && (until_ms == 0 || now_ms < until_ms);
}

/* ---- HTTP ------------------------------------------------------------- */

struct ne_metrics_server {
    struct MHD_Daemon *daemon;
    ne_metrics *m;
};

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status, const char *type,
                               char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) { free(body); return MHD_NO; }
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    ne_metrics_server *srv = cls;
    nebuf b = {0};
    (void)version; (void)upload_data; (void)upload_data_size; (void)req_cls;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        nebuf_puts(&b, "method not allowed\n");
        char *body = nebuf_detach(&b, NULL);
        return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", body, strlen(body));
    }
    unsigned status = MHD_HTTP_OK;
    const char *type = "text/plain; charset=utf-8";
    if (!strcmp(url, "/metrics")) {
        ne_metrics_render(srv->m, &b);
        type = "text/plain; version=0.0.4; charset=utf-8";
    } else if (!strcmp(url, "/healthz")) {
        nebuf_puts(&b, "ok\n");
    } else if (!strcmp(url, "/readyz")) {
        static const char *const names[] = {"partitions assigned", "broker reachable", "state rebuilt"};
        int ready = 1;
        long long now = monotonic_ms();
        for (int i = 0; i < NE_READY__COUNT; i++) {
            int said = atomic_load(&srv->m->ready[i]);
            long long until = atomic_load(&srv->m->ready_until_ms[i]);
            int ok = ne_ready_holds(said, until, now);
            nebuf_printf(&b, "%s: %s\n", names[i],
                         ok ? "yes" : said ? "no (not reported for too long)" : "no");
            ready &= ok;
        }
        status = ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    } else {
        status = MHD_HTTP_NOT_FOUND;
        nebuf_puts(&b, "not found: try /metrics, /healthz or /readyz\n");
    }
    size_t len;
    char *body = nebuf_detach(&b, &len);
    return respond(conn, status, type, body, len);
}

/* Parses "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *sa, char *err, size_t errlen)
{
    char host[256];
    const char *port;
    if (listen[0] == '[') {
        const char *end = strchr(listen, ']');
        if (!end || end[1] != ':') goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(end - listen - 1), listen + 1);
        port = end + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon) goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
        port = colon + 1;
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICSERV | AI_PASSIVE, .ai_socktype = SOCK_STREAM}, *res;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "metrics.listen %s: %s", listen, gai_strerror(rc));
        return -1;
    }
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
bad:
    snprintf(err, errlen, "metrics.listen %s: expected host:port", listen);
    return -1;
}

ne_metrics_server *ne_metrics_serve(ne_metrics *m, const char *listen, char *err, size_t errlen)
{
    struct sockaddr_storage sa;
    if (parse_listen(listen, &sa, err, errlen)) return NULL;
    ne_metrics_server *s = ne_xcalloc(1, sizeof *s);
    s->m = m;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (sa.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "metrics.listen %s: cannot listen (address in use?)", listen);
        free(s);
        return NULL;
    }
    return s;
}

void ne_metrics_server_stop(ne_metrics_server *s)
{
    if (!s) return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
