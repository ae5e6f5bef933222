#include "service/outgate.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* A changelog event in flight: its place in the order of changelog events
 * and the record it belongs to. */
typedef struct ticket {
    uint64_t seq;
    void *record;
} ticket;

/* A record's events held until the changelog events before them are
 * acknowledged. */
typedef struct held {
    struct held *next;
    uint64_t need;      /* changelog events 0..need-1 must be acknowledged */
    void *record;
    ne_event *ev;
    size_t n;
} held;

struct ne_outgate {
    ne_outgate_send_fn send;
    ne_outgate_fail_fn fail;
    void *ctx;
    uint64_t sent;      /* changelog events produced */
    uint64_t done;      /* events 0..done-1 acknowledged */
    unsigned char *acked;   /* ring over [done, sent): 1 = acknowledged */
    size_t cap;             /* a power of two */
    held *head, *tail;
    size_t nheld;
    int releasing;
};

ne_outgate *ne_outgate_new(ne_outgate_send_fn send, ne_outgate_fail_fn fail, void *ctx)
{
    ne_outgate *g = ne_xcalloc(1, sizeof *g);
    g->send = send;
    g->fail = fail;
    g->ctx = ctx;
    g->cap = 1024;
    g->acked = ne_xcalloc(g->cap, 1);
    return g;
}

/* Room for one more outstanding changelog event in the ring. */
static void ring_reserve(ne_outgate *g)
{
    if (g->sent - g->done < g->cap) return;
    size_t nc = g->cap * 2;
    unsigned char *na = ne_xcalloc(nc, 1);
    for (uint64_t s = g->done; s < g->sent; s++) na[s & (nc - 1)] = g->acked[s & (g->cap - 1)];
    free(g->acked);
    g->acked = na;
    g->cap = nc;
}

static void send_all(ne_outgate *g, ne_event *ev, size_t n, void *record, int *rc)
{
    for (size_t i = 0; i < n; i++) {
        rd_kafka_resp_err_t err = g->send(g->ctx, &ev[i], record);
        if (err) {
            g->fail(g->ctx, &ev[i], record, err);
            *rc = -1;
        }
    }
}

int ne_outgate_publish(ne_outgate *g, ne_outbox *ob, void *record)
{
    int rc = 0;
    size_t rest = 0;
    /* the changelog events first, each with a ticket; the others are moved
     * to the front of the outbox */
    for (size_t i = 0; i < ob->n; i++) {
        ne_event *ev = &ob->ev[i];
        if (ev->topic != NE_TOPIC_CHANGELOG) {
            if (rest != i) {
                ne_event tmp = ob->ev[rest];
                ob->ev[rest] = *ev;
                *ev = tmp;
            }
            rest++;
            continue;
        }
        ticket *t = ne_xmalloc(sizeof *t);
        ring_reserve(g);
        t->seq = g->sent;
        t->record = record;
        g->acked[t->seq & (g->cap - 1)] = 0;
        rd_kafka_resp_err_t err = g->send(g->ctx, ev, t);
        if (err) {
            free(t);
            g->fail(g->ctx, ev, record, err);
            rc = -1;
            /* never acknowledged: nothing after it is released, and the
             * service stops on the failure */
            g->sent++;
            continue;
        }
        g->sent++;
    }
    if (rest && !g->head && g->done == g->sent) {
        send_all(g, ob->ev, rest, record, &rc);
    } else if (rest) {
        held *h = ne_xmalloc(sizeof *h);
        ne_event *ev = ne_xmalloc(rest * sizeof *ev);
        memcpy(ev, ob->ev, rest * sizeof *ev);
        /* moved: the outbox must not free them */
        memset(ob->ev, 0, rest * sizeof *ev);
        for (size_t i = 0; i < rest; i++) ob->ev[i].nheaders = 0;
        h->next = NULL;
        h->need = g->sent;
        h->record = record;
        h->ev = ev;
        h->n = rest;
        if (g->tail) g->tail->next = h;
        else g->head = h;
        g->tail = h;
        g->nheld += rest;
    }
    ne_outbox_clear(ob);
    return rc;
}

void *ne_outgate_changelog_done(ne_outgate *g, void *opaque, rd_kafka_resp_err_t err)
{
    ticket *t = opaque;
    void *record = t->record;
    if (!err && t->seq >= g->done && t->seq < g->sent) {
        g->acked[t->seq & (g->cap - 1)] = 1;
        while (g->done < g->sent && g->acked[g->done & (g->cap - 1)]) {
            g->acked[g->done & (g->cap - 1)] = 0;
            g->done++;
        }
    }
    free(t);
    return record;
}

static void held_free(held *h)
{
    for (size_t i = 0; i < h->n; i++) ne_event_free(&h->ev[i]);
    free(h->ev);
    free(h);
}

size_t ne_outgate_release(ne_outgate *g)
{
    if (!g || g->releasing) return 0;
    g->releasing = 1;
    size_t n = 0;
    /* sending serves delivery reports when librdkafka's queue is full,
     * which may acknowledge more: go on until nothing is ready */
    while (g->head && g->head->need <= g->done) {
        held *h = g->head;
        g->head = h->next;
        if (!g->head) g->tail = NULL;
        g->nheld -= h->n;
        int rc = 0;
        send_all(g, h->ev, h->n, h->record, &rc);
        n += h->n;
        held_free(h);
    }
    g->releasing = 0;
    return n;
}

size_t ne_outgate_held(const ne_outgate *g) { return g ? g->nheld : 0; }

void ne_outgate_free(ne_outgate *g)
{
    if (!g) return;
    while (g->head) {
        held *h = g->head;
        g->head = h->next;
        held_free(h);
    }
    free(g->acked);
    free(g);
}
