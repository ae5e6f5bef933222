#include "notifier/receiver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "notifier/webhook.h"

#define MAX_CONNS 256
#define MAX_REQUEST (1 << 20)
#define TOLERANCE_S 300

struct conn {
    int    fd;
    char  *buf;
    size_t len, cap;
};

struct ne_receiver {
    pthread_t thread;
    int listen_fd;
    int wake[2];                 /* stop signal for the poll loop */
    int port;
    ne_webhook_key key;
    ne_receiver_fn fn;
    void *ctx;
    struct conn conns[MAX_CONNS];
    int nconns;
    atomic_long valid, invalid;
};

/* One parsed request head. */
struct request {
    char   path[512];
    char   id[NE_WEBHOOK_ID_MAX + 1], ts[32], sig[1024];
    long   content_length;
    int    chunked, close, post;
    size_t head_len;
};

static int64_t realtime_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void copy_value(char *dst, size_t n, const char *v, size_t vl)
{
    if (vl >= n) vl = n - 1;
    memcpy(dst, v, vl);
    dst[vl] = '\0';
}

/* Parses the request line and the headers this receiver cares about.
 * Returns 1 when the head is complete, 0 when more bytes are needed, -1
 * when it is malformed. */
static int parse_head(const char *buf, size_t len, struct request *rq)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end) return len > 65536 ? -1 : 0;
    memset(rq, 0, sizeof *rq);
    rq->head_len = (size_t)(end - buf) + 4;
    const char *line = buf, *eol = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
    const char *sp1 = memchr(line, ' ', (size_t)(eol - line));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp1 || !sp2) return -1;
    rq->post = sp1 - line == 4 && memcmp(line, "POST", 4) == 0;
    copy_value(rq->path, sizeof rq->path, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    for (line = eol + 2; line < end; line = eol + 2) {
        eol = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (!colon) return -1;
        size_t nl = (size_t)(colon - line);
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t')) v++;
        size_t vl = (size_t)(eol - v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
#define IS(name) (nl == sizeof name - 1 && strncasecmp(line, name, nl) == 0)
        if (IS("content-length")) rq->content_length = strtol(v, NULL, 10);
        else if (IS("transfer-encoding")) rq->chunked = 1;
        else if (IS("connection")) rq->close = vl == 5 && strncasecmp(v, "close", 5) == 0;
        else if (IS("webhook-id")) copy_value(rq->id, sizeof rq->id, v, vl);
        else if (IS("webhook-timestamp")) copy_value(rq->ts, sizeof rq->ts, v, vl);
        else if (IS("webhook-signature")) copy_value(rq->sig, sizeof rq->sig, v, vl);
#undef IS
    }
    return rq->content_length < 0 ? -1 : 1;
}

static int send_status(int fd, int status, int close_after)
{
    char out[160];
    const char *reason = status < 300 ? "OK" : status == 401 ? "Unauthorized" : status == 411 ? "Length Required"
                       : status == 413 ? "Payload Too Large" : "Error";
    int n = snprintf(out, sizeof out, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n%s\r\n", status, reason,
                     close_after ? "Connection: close\r\n" : "");
    return send(fd, out, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

static int timestamp_fresh(const char *ts)
{
    char *end;
    long long t = strtoll(ts, &end, 10);
    if (!*ts || *end) return 0;
    long long d = t - (long long)time(NULL);
    return d <= TOLERANCE_S && d >= -TOLERANCE_S;
}

/* Serves every complete request in the connection's buffer. Returns -1
 * when the connection must be closed. */
static int serve_requests(ne_receiver *r, struct conn *c)
{
    for (;;) {
        struct request rq;
        int h = parse_head(c->buf, c->len, &rq);
        if (h < 0) { send_status(c->fd, 400, 1); return -1; }
        if (h == 0) return 0;
        if (rq.chunked) { send_status(c->fd, 411, 1); return -1; }
        if (rq.content_length > MAX_REQUEST) { send_status(c->fd, 413, 1); return -1; }
        size_t total = rq.head_len + (size_t)rq.content_length;
        if (c->len < total) return 0;
        char *body = c->buf + rq.head_len;
        char saved = c->buf[total];  /* the buffer always has a spare byte */
        c->buf[total] = '\0';
        int status = 404;
        if (rq.post) {
            int valid = rq.id[0] && timestamp_fresh(rq.ts) &&
                        ne_webhook_verify(&r->key, rq.id, rq.ts, body, (size_t)rq.content_length, rq.sig);
            atomic_fetch_add(valid ? &r->valid : &r->invalid, 1);
            ne_received rec = {.path = rq.path, .webhook_id = rq.id, .timestamp = rq.ts, .valid = valid,
                               .body = body, .body_len = (size_t)rq.content_length, .at_us = realtime_us()};
            status = r->fn ? r->fn(r->ctx, &rec) : 0;
            if (status == 0) status = valid ? 204 : 401;
        }
        c->buf[total] = saved;
        if (send_status(c->fd, status, rq.close) || rq.close) return -1;
        memmove(c->buf, c->buf + total, c->len - total);
        c->len -= total;
    }
}

static void conn_close(ne_receiver *r, int i)
{
    close(r->conns[i].fd);
    free(r->conns[i].buf);
    r->conns[i] = r->conns[--r->nconns];
}

/* Reads what is there; returns -1 on EOF or error. */
static int conn_read(struct conn *c)
{
    for (;;) {
        if (c->cap - c->len < 4096 + 1) {
            size_t cap = c->cap ? c->cap * 2 : 16384;
            if (cap > MAX_REQUEST + 65536 + 1) return -1;
            c->buf = ne_xrealloc(c->buf, cap);
            c->cap = cap;
        }
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (n > 0) { c->len += (size_t)n; continue; }
        if (n == 0) return -1;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }
}

static void accept_all(ne_receiver *r)
{
    for (;;) {
        int fd = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        if (r->nconns == MAX_CONNS) { close(fd); continue; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        r->conns[r->nconns++] = (struct conn){.fd = fd};
    }
}

static void *receiver_thread(void *arg)
{
    ne_receiver *r = arg;
    struct pollfd pfd[MAX_CONNS + 2];
    for (;;) {
        pfd[0] = (struct pollfd){.fd = r->wake[0], .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
        int n = r->nconns;
        for (int i = 0; i < n; i++) pfd[i + 2] = (struct pollfd){.fd = r->conns[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)n + 2, -1) < 0 && errno != EINTR) break;
        if (pfd[0].revents) break;
        /* Connections from the back, so closing (swap with the last) is safe. */
        for (int i = n; i-- > 0;) {
            if (!pfd[i + 2].revents) continue;
            struct conn *c = &r->conns[i];
            int rc = conn_read(c);
            if (serve_requests(r, c) < 0 || rc < 0) conn_close(r, i);
        }
        if (pfd[1].revents) accept_all(r);
    }
    return NULL;
}

/* Binds a listening socket to host:port (IPv4 or IPv6 literal or name). */
static int listen_on(const char *host, int port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    char portstr[16];
    int fd = -1, one = 1;
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai) { snprintf(err, errlen, "receiver: %s: %s", host, gai_strerror(gai)); return -1; }
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 512) == 0) break;
        close(fd);
        fd = -1;
    }
    if (fd < 0) snprintf(err, errlen, "receiver: cannot listen on %s:%d: %s", host, port, strerror(errno));
    freeaddrinfo(res);
    return fd;
}

ne_receiver *ne_receiver_start(const char *host, int port, const char *secret, ne_receiver_fn fn,
                               void *ctx, char *err, size_t errlen)
{
    ne_receiver *r = ne_xcalloc(1, sizeof *r);
    r->listen_fd = r->wake[0] = r->wake[1] = -1;
    r->fn = fn;
    r->ctx = ctx;
    atomic_init(&r->valid, 0);
    atomic_init(&r->invalid, 0);
    if (ne_webhook_key_from_secret(secret, &r->key)) {
        snprintf(err, errlen, "receiver: the secret is not whsec_<base64>");
        goto error;
    }
    if (pipe2(r->wake, O_CLOEXEC)) { snprintf(err, errlen, "receiver: pipe: %s", strerror(errno)); goto error; }
    r->listen_fd = listen_on(host ? host : "127.0.0.1", port, err, errlen);
    if (r->listen_fd < 0) goto error;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(r->listen_fd, (struct sockaddr *)&ss, &sl);
    r->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port);
    int e = pthread_create(&r->thread, NULL, receiver_thread, r);
    if (e) { snprintf(err, errlen, "receiver: thread: %s", strerror(e)); goto error; }
    return r;
error:
    if (r->listen_fd >= 0) close(r->listen_fd);
    if (r->wake[0] >= 0) { close(r->wake[0]); close(r->wake[1]); }
    free(r);
    return NULL;
}

int ne_receiver_port(const ne_receiver *r) { return r->port; }

void ne_receiver_counts(const ne_receiver *r, long *valid, long *invalid)
{
    ne_receiver *m = (ne_receiver *)r;
    if (valid) *valid = atomic_load(&m->valid);
    if (invalid) *invalid = atomic_load(&m->invalid);
}

void ne_receiver_stop(ne_receiver *r)
{
    if (!r) return;
    if (write(r->wake[1], "x", 1) != 1) { /* the thread then never wakes: fall through to join anyway */ }
    pthread_join(r->thread, NULL);
    while (r->nconns) conn_close(r, r->nconns - 1);
    close(r->listen_fd);
    close(r->wake[0]);
    close(r->wake[1]);
    free(r);
}
