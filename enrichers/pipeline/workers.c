#include "enrichers/pipeline/workers.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"

/* Records in the pool per thread: enough that a long article on one
 * thread does not leave the others idle, few enough that the records
 * between consumption and publication stay a handful. */
#define SLOTS_PER_THREAD 4

typedef struct slot {
    ne_prepared *r;          /* the record (ne_prepared_set) and, once ready, its first half */
    void *ctx;
    int ready;               /* prepared; guarded by the pool's lock */
} slot;

typedef struct thread {
    pthread_t id;
    int started;
    ne_pipeline_worker *pw;
    struct ne_workers *pool;
} thread;

/* A ring of slots. Sequence numbers only grow; slot = seq % nslots.
 *   head <= next <= tail
 *   [head, next): taken by a thread (being prepared, or ready)
 *   [next, tail): queued, waiting for a thread
 * The owning thread moves head (finish, drop) and tail (submit); the
 * threads move next. */
struct ne_workers {
    ne_pipeline *p;
    slot *slots;
    size_t nslots;
    size_t head, next, tail;
    int stop;
    pthread_mutex_t lock;
    pthread_cond_t queued;   /* threads wait here for work */
    pthread_cond_t ready;    /* the owner waits here for the oldest record */
    thread *threads;
    int nthreads;
};

static void *thread_main(void *arg)
{
    thread *t = arg;
    ne_workers *w = t->pool;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stop && w->next == w->tail) pthread_cond_wait(&w->queued, &w->lock);
        if (w->stop) break;
        size_t seq = w->next++;
        slot *s = &w->slots[seq % w->nslots];
        pthread_mutex_unlock(&w->lock);

        ne_pipeline_prepare(t->pw, s->r);

        pthread_mutex_lock(&w->lock);
        s->ready = 1;
        if (seq == w->head) pthread_cond_signal(&w->ready);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* The most threads processing.threads 0 asks for. The ordered half
 * (dedup, claim novelty, rendering, Kafka I/O: about a third of an
 * article's work on the service's thread) caps what more threads can
 * give at two to three times one thread: past that, more partitions and
 * instances scale, threads only cost memory (a model and a cache each). */
#define AUTO_MAX_THREADS 4

int ne_workers_count(const ne_config *cfg)
{
    if (cfg->processing.threads > 0) return cfg->processing.threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > AUTO_MAX_THREADS ? AUTO_MAX_THREADS : (int)n;
}

ne_workers *ne_workers_new(ne_pipeline *p, int nthreads, char *err, size_t errlen)
{
    if (nthreads < 1) nthreads = 1;
    ne_workers *w = ne_xcalloc(1, sizeof *w);
    w->p = p;
    w->nslots = (size_t)nthreads * SLOTS_PER_THREAD;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->ready, NULL);
    w->slots = ne_xcalloc(w->nslots, sizeof *w->slots);
    for (size_t i = 0; i < w->nslots; i++) w->slots[i].r = ne_prepared_new();
    w->threads = ne_xcalloc((size_t)nthreads, sizeof *w->threads);
    w->nthreads = nthreads;
    for (int i = 0; i < nthreads; i++) {
        thread *t = &w->threads[i];
        t->pool = w;
        if (!(t->pw = ne_pipeline_worker_new(p, err, errlen))) goto fail;
        int rc = pthread_create(&t->id, NULL, thread_main, t);
        if (rc) {
            snprintf(err, errlen, "cannot start worker thread: %s", strerror(rc));
            goto fail;
        }
        t->started = 1;
    }
    return w;
fail:
    ne_workers_free(w);
    return NULL;
}

void ne_workers_free(ne_workers *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->queued);
    pthread_mutex_unlock(&w->lock);
    for (int i = 0; i < w->nthreads; i++) {
        if (w->threads[i].started) pthread_join(w->threads[i].id, NULL);
        ne_pipeline_worker_free(w->threads[i].pw);
    }
    free(w->threads);
    if (w->slots)
        for (size_t i = 0; i < w->nslots; i++) ne_prepared_free(w->slots[i].r);
    free(w->slots);
    pthread_cond_destroy(&w->ready);
    pthread_cond_destroy(&w->queued);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* The owner alone moves head and tail, so it reads them without the lock
 * (and writes them under it, for the threads). */
int ne_workers_reconfigure(ne_workers *w, const ne_config *cfg, char *err, size_t errlen)
{
    if (ne_workers_pending(w)) {
        snprintf(err, errlen, "workers: %zu record(s) pending", ne_workers_pending(w));
        return -1;
    }
    for (int i = 0; i < w->nthreads; i++)
        if (ne_pipeline_worker_reconfigure(w->threads[i].pw, cfg, err, errlen)) return -1;
    return 0;
}

int ne_workers_full(const ne_workers *w)
{
    return w->tail - w->head == w->nslots;
}

size_t ne_workers_pending(const ne_workers *w)
{
    return w->tail - w->head;
}

void ne_workers_submit(ne_workers *w, const char *bytes, size_t len, const ne_origin *src, void *ctx)
{
    if (ne_workers_full(w) || !ctx) abort();  /* a caller's bug: it would lose a record */
    slot *s = &w->slots[w->tail % w->nslots];
    ne_prepared_set(s->r, bytes, len, src);   /* no thread holds a slot past head */
    s->ctx = ctx;
    pthread_mutex_lock(&w->lock);
    s->ready = 0;
    w->tail++;
    pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->lock);
}

/* Waits until the oldest record is prepared, up to timeout_ms (< 0:
 * without limit). Returns its slot, or NULL. */
static slot *wait_oldest(ne_workers *w, int timeout_ms)
{
    if (w->head == w->tail) return NULL;
    slot *s = &w->slots[w->head % w->nslots];
    struct timespec until;
    if (timeout_ms > 0) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->lock);
    while (!s->ready) {
        if (timeout_ms == 0) break;
        if (timeout_ms < 0) pthread_cond_wait(&w->ready, &w->lock);
        else if (pthread_cond_timedwait(&w->ready, &w->lock, &until) == ETIMEDOUT) break;
    }
    int ready = s->ready;
    pthread_mutex_unlock(&w->lock);
    return ready ? s : NULL;
}

/* Gives the oldest slot back to the ring; returns its ctx. */
static void *take_oldest(ne_workers *w, slot *s)
{
    pthread_mutex_lock(&w->lock);
    w->head++;
    pthread_mutex_unlock(&w->lock);
    return s->ctx;
}

void *ne_workers_finish(ne_workers *w, int timeout_ms, ne_outbox *out, enum ne_outcome *outcome)
{
    slot *s = wait_oldest(w, timeout_ms);
    if (!s) return NULL;
    /* A ready slot is the owner's until head moves past it. */
    enum ne_outcome o = ne_pipeline_finish(w->p, s->r, out);
    if (outcome) *outcome = o;
    return take_oldest(w, s);
}

void *ne_workers_drop(ne_workers *w)
{
    slot *s = wait_oldest(w, -1);
    return s ? take_oldest(w, s) : NULL;
}
