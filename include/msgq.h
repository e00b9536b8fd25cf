/*
 * msgq: a bounded queue of owned pointers between one or more producer
 * threads (capture) and one consumer (the UI thread).
 *
 * The mutex protects only the ring and its indices; nothing is called while
 * it is held (the free function runs after unlocking).  A full queue either
 * blocks the producer on a condvar (offline reading: back-pressure) or drops
 * the item and counts it (live capture).  Counters are _Atomic so the status
 * line can read them without the lock.
 */
#ifndef SIPDX_MSGQ_H
#define SIPDX_MSGQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msgq;

/* Frees one item still queued when the queue is freed (may be NULL). */
typedef void (*msgq_free_fn)(void *item);

/* capacity >= 1.  Returns an owned queue. */
struct msgq *msgq_new(size_t capacity, msgq_free_fn free_fn);
/* Frees items still queued with free_fn.  No thread may use q any more. */
void msgq_free(struct msgq *q);

/* Blocks while the queue is full.  Takes ownership of item in every case:
 * returns 0 when queued, -1 when the queue was closed (the item was freed
 * with free_fn).  Any thread. */
int msgq_push(struct msgq *q, void *item);
/* Never blocks: returns -1 and counts a drop (freeing the item) when full
 * or closed.  Any thread. */
int msgq_try_push(struct msgq *q, void *item);
/* Moves up to max items into out (the caller owns them now); returns how
 * many.  Never blocks.  Consumer thread. */
size_t msgq_drain(struct msgq *q, void **out, size_t max);
/* Waits up to timeout_ms for an item; true when one is there. */
bool msgq_wait(struct msgq *q, int timeout_ms);
/* Wakes every blocked producer; later pushes fail.  Any thread. */
void msgq_close(struct msgq *q);

size_t msgq_len(struct msgq *q);
uint64_t msgq_pushed(const struct msgq *q);  /* items ever queued */
uint64_t msgq_dropped(const struct msgq *q); /* items dropped by try_push */
uint64_t msgq_waits(const struct msgq *q);   /* times a producer blocked on a full queue */

#endif
