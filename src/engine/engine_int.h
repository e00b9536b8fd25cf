/*
 * engine_int.h: what the loader's files share.  A producer turns decoded
 * payloads into queued records for the UI thread; the file thread and the
 * live thread each own one.  Private to src/engine.
 */
#ifndef SIPDX_ENGINE_INT_H
#define SIPDX_ENGINE_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct msgq;
struct loader_chunk;
struct rtp_tracker;

/* One producing thread's side of the queue.  Owned by that thread while it
 * runs; the counters are read by the UI thread. */
struct prod {
    struct msgq *q;              /* borrowed: the loader's */
    struct loader_chunk *chunk;  /* owned: records being collected */
    bool drop_when_full;         /* live: drop and count instead of blocking */
    const _Atomic bool *stop;    /* borrowed: stop parsing when set */
    _Atomic uint64_t messages;   /* parsed and queued (or dropped) */
    _Atomic uint64_t queue_drops;/* messages lost on a full queue (live) */
    struct rtp_tracker *rtp;     /* owned or NULL: RTP/RTCP statistics */
};

/* Takes ownership of rtp (may be NULL). */
void prod_init(struct prod *p, struct msgq *q, bool drop_when_full, const _Atomic bool *stop,
               struct rtp_tracker *rtp);
void prod_fini(struct prod *p); /* frees a chunk never pushed and the tracker */
/* True when the payload may hold SIP (cheap check before parsing). */
bool prod_maybe_sip(const struct cap_payload *pl);
/* Parses every SIP message in the payload into records. */
void prod_payload(struct prod *p, const struct cap_payload *pl);
/* Hands the records collected so far to the queue (none: no-op). */
void prod_push(struct prod *p);
size_t prod_pending(const struct prod *p); /* records not pushed yet */
bool prod_rtp_dirty(const struct prod *p); /* RTP changes not pushed yet */

/* ---- live.c: interfaces, HEP listener/sender, -w writer, one thread ---- */
struct live;
/* Opens the interfaces and the HEP sockets (needs the privileges), and
 * registers them as sources in store.  NULL with d filled on error. */
struct live *live_open(const struct live_opts *o, struct store *store, struct diag *d);
void live_sources_register(struct live *lv, struct store *store);
/* After the privilege drop: opens the -w file and starts the thread.
 * Takes ownership of rtp (NULL: RTP is not tracked live). */
int live_start(struct live *lv, struct msgq *q, struct rtp_tracker *rtp, struct diag *d);
/* Stops and joins the thread; the last records are queued (or counted as
 * dropped when the queue is full).  Idempotent. */
void live_stop(struct live *lv);
void live_free(struct live *lv); /* accepts NULL; stops first */
void live_pause(struct live *lv, bool paused);
void live_counts(struct live *lv, struct live_counts *c);
uint64_t live_messages(struct live *lv);

#endif
