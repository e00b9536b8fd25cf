/*
 * msgq: bounded ring of owned pointers (mutex + two condvars).
 *
 * Threads: producers (capture threads) call msgq_push / msgq_try_push; one
 * consumer (the UI thread) calls msgq_drain.  The lock covers only the ring;
 * items are freed and handed out after it is released.  Ownership: queued
 * items belong to the queue until drained; msgq_free frees the leftovers.
 */
#include "msgq.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct msgq {
    pthread_mutex_t mu;
    pthread_cond_t not_full;  /* producers wait here */
    pthread_cond_t not_empty; /* msgq_wait waits here */
    void **ring;              /* owned; items owned while queued */
    size_t cap, head, len;    /* guarded by mu */
    bool closed;              /* guarded by mu */
    msgq_free_fn free_fn;
    _Atomic uint64_t pushed, dropped, waits;
};

struct msgq *msgq_new(size_t capacity, msgq_free_fn free_fn)
{
    struct msgq *q = xcalloc(1, sizeof(*q));

    if (capacity == 0)
        capacity = 1;
    q->ring = xcalloc(capacity, sizeof(*q->ring));
    q->cap = capacity;
    q->free_fn = free_fn;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    atomic_init(&q->pushed, 0);
    atomic_init(&q->dropped, 0);
    atomic_init(&q->waits, 0);
    return q;
}

void msgq_free(struct msgq *q)
{
    size_t i;

    if (!q)
        return;
    for (i = 0; i < q->len; i++) {
        void *it = q->ring[(q->head + i) % q->cap];
        if (q->free_fn)
            q->free_fn(it);
    }
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->mu);
    free(q->ring);
    free(q);
}

static void drop(struct msgq *q, void *item)
{
    if (q->free_fn)
        q->free_fn(item);
}

/* Called with mu held and room in the ring. */
static void put_locked(struct msgq *q, void *item)
{
    q->ring[(q->head + q->len) % q->cap] = item;
    q->len++;
    atomic_fetch_add(&q->pushed, 1);
    pthread_cond_signal(&q->not_empty);
}

int msgq_push(struct msgq *q, void *item)
{
    bool waited = false;

    pthread_mutex_lock(&q->mu);
    while (q->len == q->cap && !q->closed) {
        if (!waited) {
            atomic_fetch_add(&q->waits, 1);
            waited = true;
        }
        pthread_cond_wait(&q->not_full, &q->mu);
    }
    if (q->closed) {
        pthread_mutex_unlock(&q->mu);
        drop(q, item);
        return -1;
    }
    put_locked(q, item);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

int msgq_try_push(struct msgq *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    if (q->len == q->cap || q->closed) {
        pthread_mutex_unlock(&q->mu);
        atomic_fetch_add(&q->dropped, 1);
        drop(q, item);
        return -1;
    }
    put_locked(q, item);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

size_t msgq_drain(struct msgq *q, void **out, size_t max)
{
    size_t n = 0;

    pthread_mutex_lock(&q->mu);
    while (n < max && q->len > 0) {
        out[n++] = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
    }
    if (n)
        pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
    return n;
}

bool msgq_wait(struct msgq *q, int timeout_ms)
{
    struct timespec ts;
    bool have;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->mu);
    while (q->len == 0 && !q->closed) {
        if (pthread_cond_timedwait(&q->not_empty, &q->mu, &ts) == ETIMEDOUT)
            break;
    }
    have = q->len > 0;
    pthread_mutex_unlock(&q->mu);
    return have;
}

void msgq_close(struct msgq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

size_t msgq_len(struct msgq *q)
{
    size_t n;

    pthread_mutex_lock(&q->mu);
    n = q->len;
    pthread_mutex_unlock(&q->mu);
    return n;
}

uint64_t msgq_pushed(const struct msgq *q)
{
    return atomic_load(&q->pushed);
}

uint64_t msgq_dropped(const struct msgq *q)
{
    return atomic_load(&q->dropped);
}

uint64_t msgq_waits(const struct msgq *q)
{
    return atomic_load(&q->waits);
}
