/*
 * parse_pool: SIP parsing on worker threads for file inputs.
 *
 *   capture thread: read -> decode -> ppool_add copies each payload that
 *                   may hold SIP into a batch (struct pjob); a full batch
 *                   rides in an empty pooled chunk that goes into the
 *                   loader's queue at once (capture order) and onto the
 *                   pool's work list
 *   worker threads: take a chunk from the work list, parse its batch with a
 *                   producer in chain mode (records into the chunk, then
 *                   into chunks chained on its next), set ready
 *   UI thread:      loader_drain meets the chunk in the queue and waits in
 *                   ppool_wait until it is ready
 *
 * Ownership: a pooled chunk belongs to the queue (then to the UI thread)
 * from the moment it is pushed; a worker writes into it only until it sets
 * `ready`, and the UI thread reads it only after.  Both are under mu, which
 * also guards the work list and the free batches.  ppool_free joins the
 * workers before the loader frees the queue.
 */
#include "engine_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "msgq.h"
#include "util.h"

/* A batch of payloads.  Bytes that lie in a mapped window of the file
 * stay there: the batch holds a reference to each window it points into
 * (copying them was a large part of the capture thread's work).  Others (reassembled,
 * decompressed, read through a buffer) are copied into mem, because the
 * decoder and the reader reuse those buffers long before a worker gets to
 * them. */
struct pjob {
    size_t n;
    size_t used, cap;                    /* bytes of mem */
    struct cap_payload pl[CHUNK_RECS];   /* data points into mem or a window */
    struct cap_window *wins[CHUNK_RECS]; /* one reference each */
    size_t nwins;
    _Alignas(16) uint8_t mem[];
};

static void job_release(struct pjob *j)
{
    size_t i;

    for (i = 0; i < j->nwins; i++)
        cap_window_unref(j->wins[i]);
    j->nwins = 0;
}

void pjob_free(struct pjob *j)
{
    if (j) {
        job_release(j);
        free(j);
    }
}

#define POOL_MAX_THREADS 8
#define POOL_FREE_JOBS   8 /* spare batches kept for reuse */

struct ppool {
    pthread_mutex_t mu;
    pthread_cond_t work_cv;     /* workers wait for work here */
    pthread_cond_t done_cv;     /* the UI thread waits for ready here */
    struct loader_chunk **work; /* ring of chunks to parse (guarded by mu) */
    size_t work_cap, work_head, work_len;
    struct pjob *spare[POOL_FREE_JOBS]; /* guarded by mu */
    size_t nspare;
    bool closed;                /* guarded by mu */
    const _Atomic bool *stop;   /* borrowed: the loader's */
    _Atomic uint64_t *messages; /* borrowed: the loader's progress count */
    pthread_t th[POOL_MAX_THREADS];
    unsigned nthreads;
    /* capture thread only */
    struct loader_chunk *cur; /* the batch being filled, in its chunk */
};

unsigned ppool_default_threads(void)
{
    const char *e = getenv("SIPDX_PARSE_THREADS");
    long n;

    /* Set by tests (to compare the two ways) and by whoever measures. */
    if (e && *e) {
        char *end;

        n = strtol(e, &end, 10);
        if (*end == '\0' && n >= 0)
            return n > POOL_MAX_THREADS ? POOL_MAX_THREADS : (unsigned)n;
    }
    n = sysconf(_SC_NPROCESSORS_ONLN);
    /* One core: the capture thread parses, as a worker would. */
    if (n < 2)
        return 0;
    return n > POOL_MAX_THREADS ? POOL_MAX_THREADS : (unsigned)n;
}

static struct pjob *job_get(struct ppool *pp, size_t need)
{
    struct pjob *j = NULL;

    if (need <= CHUNK_BYTES) {
        pthread_mutex_lock(&pp->mu);
        if (pp->nspare)
            j = pp->spare[--pp->nspare];
        pthread_mutex_unlock(&pp->mu);
        need = CHUNK_BYTES;
    }
    if (!j) {
        j = xmalloc(sizeof(*j) + need);
        j->cap = need;
    }
    j->n = 0;
    j->used = 0;
    j->nwins = 0;
    return j;
}

/* Called with mu held. */
static void job_put_locked(struct ppool *pp, struct pjob *j)
{
    if (j->cap == CHUNK_BYTES && pp->nspare < POOL_FREE_JOBS)
        pp->spare[pp->nspare++] = j;
    else
        free(j);
}

static void parse_chunk(struct ppool *pp, struct loader_chunk *c)
{
    struct pjob *j = c->job;
    struct prod pr;
    size_t i;

    /* A producer in chain mode: records go into c, then into new chunks
     * chained behind it. */
    prod_init(&pr, NULL, false, pp->stop, NULL);
    pr.chunk = pr.head = c;
    pr.tail = &c->next;
    for (i = 0; i < j->n && !atomic_load(pp->stop); i++)
        prod_payload(&pr, &j->pl[i]);
    prod_push(&pr);
    atomic_fetch_add(pp->messages, atomic_load(&pr.messages));
    prod_fini(&pr); /* prod_push left it no chunk of its own */
}

static void *worker_main(void *arg)
{
    struct ppool *pp = arg;

    for (;;) {
        struct loader_chunk *c;
        struct pjob *j;

        pthread_mutex_lock(&pp->mu);
        while (pp->work_len == 0 && !pp->closed)
            pthread_cond_wait(&pp->work_cv, &pp->mu);
        if (pp->closed) {
            pthread_mutex_unlock(&pp->mu);
            break;
        }
        c = pp->work[pp->work_head];
        pp->work_head = (pp->work_head + 1) % pp->work_cap;
        pp->work_len--;
        pthread_mutex_unlock(&pp->mu);

        parse_chunk(pp, c);

        pthread_mutex_lock(&pp->mu);
        j = c->job;
        c->job = NULL;
        job_release(j); /* outside the lock would do too; munmap is rare */
        job_put_locked(pp, j);
        atomic_store(&c->ready, true);
        pthread_cond_broadcast(&pp->done_cv);
        pthread_mutex_unlock(&pp->mu);
    }
    return NULL;
}

struct ppool *ppool_new(unsigned nthreads, const _Atomic bool *stop, _Atomic uint64_t *messages)
{
    struct ppool *pp = xcalloc(1, sizeof(*pp));
    unsigned i;

    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > POOL_MAX_THREADS)
        nthreads = POOL_MAX_THREADS;
    pthread_mutex_init(&pp->mu, NULL);
    pthread_cond_init(&pp->work_cv, NULL);
    pthread_cond_init(&pp->done_cv, NULL);
    pp->work_cap = 16;
    pp->work = xcalloc(pp->work_cap, sizeof(*pp->work));
    pp->stop = stop;
    pp->messages = messages;
    for (i = 0; i < nthreads; i++) {
        if (pthread_create(&pp->th[pp->nthreads], NULL, worker_main, pp) != 0)
            break;
        pp->nthreads++;
    }
    if (pp->nthreads == 0) { /* no thread at all: the caller parses itself */
        ppool_free(pp);
        return NULL;
    }
    return pp;
}

/* Hands the batch being filled to the queue (capture order) and to the
 * workers.  A closed queue frees it: the loader is stopping. */
static void submit(struct ppool *pp, struct msgq *q)
{
    struct loader_chunk *c = pp->cur;

    pp->cur = NULL;
    if (!c)
        return;
    if (c->job->n == 0) {
        loader_chunk_free(c);
        return;
    }
    if (msgq_push(q, c) != 0)
        return;
    pthread_mutex_lock(&pp->mu);
    if (pp->work_len == pp->work_cap) {
        /* More batches in flight than the queue holds only if the UI thread
         * is far ahead; grow rather than block while holding a pushed chunk. */
        struct loader_chunk **w = xcalloc(pp->work_cap * 2, sizeof(*w));
        size_t i;

        for (i = 0; i < pp->work_len; i++)
            w[i] = pp->work[(pp->work_head + i) % pp->work_cap];
        free(pp->work);
        pp->work = w;
        pp->work_head = 0;
        pp->work_cap *= 2;
    }
    pp->work[(pp->work_head + pp->work_len) % pp->work_cap] = c;
    pp->work_len++;
    pthread_cond_signal(&pp->work_cv);
    pthread_mutex_unlock(&pp->mu);
}

void ppool_add(struct ppool *pp, const struct cap_payload *p, struct msgq *q)
{
    struct pjob *j;
    struct cap_payload *dst;

    if (!prod_maybe_sip(p))
        return;
    if (pp->cur && (pp->cur->job->n == CHUNK_RECS ||
                    (!p->win && pp->cur->job->cap - pp->cur->job->used < p->len)))
        submit(pp, q);
    if (!pp->cur) {
        pp->cur = loader_chunk_new(CHUNK_BYTES);
        pp->cur->pooled = true;
        atomic_store(&pp->cur->ready, false);
        pp->cur->job = job_get(pp, p->win ? 0 : p->len);
    }
    j = pp->cur->job;
    dst = &j->pl[j->n++];
    *dst = *p;
    if (p->win) {
        /* Consecutive payloads share a window: one reference per run. */
        if (j->nwins == 0 || j->wins[j->nwins - 1] != p->win) {
            cap_window_ref(p->win);
            j->wins[j->nwins++] = p->win;
        }
        return;
    }
    memcpy(j->mem + j->used, p->data, p->len);
    dst->data = j->mem + j->used;
    j->used += (p->len + 15) & ~(size_t)15;
    if (j->used > j->cap)
        j->used = j->cap;
}

void ppool_flush(struct ppool *pp, struct msgq *q)
{
    submit(pp, q);
}

void ppool_wait(struct ppool *pp, struct loader_chunk *c)
{
    if (!c->pooled || atomic_load(&c->ready))
        return;
    pthread_mutex_lock(&pp->mu);
    while (!atomic_load(&c->ready) && !pp->closed)
        pthread_cond_wait(&pp->done_cv, &pp->mu);
    pthread_mutex_unlock(&pp->mu);
}

void ppool_free(struct ppool *pp)
{
    unsigned i;

    if (!pp)
        return;
    pthread_mutex_lock(&pp->mu);
    pp->closed = true;
    pthread_cond_broadcast(&pp->work_cv);
    pthread_cond_broadcast(&pp->done_cv);
    pthread_mutex_unlock(&pp->mu);
    for (i = 0; i < pp->nthreads; i++)
        pthread_join(pp->th[i], NULL);
    /* Chunks still on the work list belong to the queue, which frees them
     * with their batches; an unsubmitted batch is ours. */
    loader_chunk_free(pp->cur);
    for (i = 0; i < pp->nspare; i++)
        free(pp->spare[i]);
    free(pp->work);
    pthread_cond_destroy(&pp->work_cv);
    pthread_cond_destroy(&pp->done_cv);
    pthread_mutex_destroy(&pp->mu);
    free(pp);
}
