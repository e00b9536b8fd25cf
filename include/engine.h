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

/* Called for every SIP message after the store took it (call and msg are
 * borrowed, valid during the call only; msg is the entry just added). */
typedef void (*engine_msg_fn)(void *ctx, const struct cap_payload *p, const struct sip_msg *m,
                              const struct store_call *call, const struct store_msg *msg);

struct engine_counts {
    uint64_t frames, payloads, sip_messages, not_sip, bad_inputs;
};

/* Reads every input (merged by time) into store.  Errors in an input are
 * printed to err (file, frame, offset) and reading goes on with what was
 * read so far.  Returns 0, or 1 when an input was damaged or unreadable. */
int engine_run_files(const char *const *paths, size_t n, struct store *store, engine_msg_fn fn,
                     void *ctx, FILE *err, struct engine_counts *counts);

/* Parses every SIP message in one payload (a datagram may carry several)
 * and hands each to the store and fn.  Returns the number of messages. */
size_t engine_feed_payload(struct store *store, const struct cap_payload *p, engine_msg_fn fn,
                           void *ctx);

#endif
