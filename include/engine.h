/*
 * engine: the pipeline from capture inputs to the store:
 * readers -> merge -> decoder -> SIP parser -> store, with a callback per
 * message for streaming outputs (--dump messages, --stats).
 *
 * Thread: engine_run_files runs everything on the calling thread (batch
 * mode).  The console runs the same steps split across a capture thread
 * and the UI thread.
 */
#ifndef SIPDX_ENGINE_H
#define SIPDX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "capture.h"
#include "sip.h"
#include "store.h"

/* Called for every SIP message after the store took it (in, call and msg
 * are borrowed, valid during the call only; msg is the entry just added). */
typedef void (*engine_msg_fn)(void *ctx, const struct store_input *in,
                              const struct store_call *call, const struct store_msg *msg);

/* Reads every input (merged by time) into store: a capture thread decodes
 * and parses while the calling thread fills the store (the console's
 * loader, run to the end).  Errors in an input are printed to err (file,
 * frame, offset) and reading goes on with what was read so far.  Returns
 * 0, or 1 when an input was damaged or unreadable. */
int engine_run_files(const char *const *paths, size_t n, struct store *store, engine_msg_fn fn,
                     void *ctx, FILE *err);

/* ---- console loader: a capture thread feeding the UI thread's store ----
 * loader_start (UI thread) registers and opens the inputs in store, then
 * starts a thread that decodes and parses them and queues self-contained
 * records (a bounded queue: reading blocks while it is full).  The UI
 * thread calls loader_drain each tick to move records into the store.
 * loader_free stops and joins the thread.  The store is never touched by
 * the capture thread. */
struct loader;
struct loader_progress {
    uint64_t bytes_read, bytes_total; /* compressed bytes consumed / file sizes */
    uint64_t frames, messages;        /* read / parsed so far by the thread */
    size_t queued;                    /* records waiting in the queue */
    uint64_t producer_waits;          /* times reading blocked on a full queue */
    bool done;                        /* the thread finished reading */
    const char *error;                /* last input error or NULL (borrowed) */
};
struct loader *loader_start(const char *const *paths, size_t n, struct store *store,
                            size_t queue_cap);
/* The same with RTP options (NULL: defaults).  Every loader also tracks
 * RTP/RTCP in its capture thread; drains move the changes into the table
 * that loader_rtp returns (UI thread, owned by the loader). */
struct rtp_opts;
struct rtp_table;
struct loader *loader_start_rtp(const char *const *paths, size_t n, struct store *store,
                                size_t queue_cap, const struct rtp_opts *ro);
struct rtp_table *loader_rtp(struct loader *l);
/* Registers the same sources again in a fresh store (after a clear), so
 * records still queued keep valid source numbers. */
void loader_sources_register(struct loader *l, struct store *store);
/* Moves up to max queued records into store; returns how many. */
size_t loader_drain(struct loader *l, struct store *store, size_t max);
/* The same, calling fn for each message after store_add. */
size_t loader_drain_fn(struct loader *l, struct store *store, size_t max, engine_msg_fn fn,
                       void *ctx);
/* Every input error so far, one per line, once the thread is done (NULL
 * before, or when there was none). */
const char *loader_errors(struct loader *l);
bool loader_done(struct loader *l);             /* finished and queue empty */
bool loader_wait(struct loader *l, int timeout_ms); /* a record is queued */
void loader_progress(struct loader *l, struct loader_progress *p);
void loader_free(struct loader *l);             /* accepts NULL */

#endif
