/* receiver — a small in-process webhook receiver: the other end of the
 * notifier for `newsenrich demo` and `make bench-webhooks`.
 *
 * One thread, poll(2), plain sockets, HTTP/1.1 with keep-alive: enough for
 * what libcurl sends (Content-Length bodies; chunked bodies are refused
 * with 411). Every POST is verified as a Standard Webhook against the
 * secret (ne_webhook_verify, and a timestamp within 5 minutes), handed to
 * the callback, and answered with the status the callback returns (0: 204
 * when the signature is valid, 401 when not). Not for production traffic:
 * no TLS, no limits beyond a 1 MiB request and 256 connections.
 */
#ifndef NE_RECEIVER_H
#define NE_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ne_receiver ne_receiver;

/* One received request; pointers valid only during the callback. */
typedef struct ne_received {
    const char *path;
    const char *webhook_id;      /* "" when the header is missing */
    const char *timestamp;
    int   valid;                 /* signature verified and timestamp fresh */
    const char *body;            /* NUL-terminated */
    size_t body_len;
    int64_t at_us;               /* CLOCK_REALTIME when the body was complete */
} ne_received;

/* Runs on the receiver's thread. Returns the HTTP status to answer, or 0
 * for the default. May be NULL (count only). */
typedef int (*ne_receiver_fn)(void *ctx, const ne_received *r);

/* Listens on host:port (port 0: any free port; see ne_receiver_port) and
 * starts the thread. `secret` is "whsec_<base64>". NULL with err on
 * failure. */
ne_receiver *ne_receiver_start(const char *host, int port, const char *secret, ne_receiver_fn fn,
                               void *ctx, char *err, size_t errlen);

int ne_receiver_port(const ne_receiver *r);

/* Requests seen so far with a valid and with an invalid signature. */
void ne_receiver_counts(const ne_receiver *r, long *valid, long *invalid);

/* Stops the thread, closes every socket, frees. Accepts NULL. */
void ne_receiver_stop(ne_receiver *r);

#endif
