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

#include "store.h"

struct msgq;
struct rtp_tracker;
struct rtp_batch;
struct pjob;

/* One parsed message on its way to the store. */
struct loader_rec {
    struct store_input in; /* every pointer points into data[] */
    size_t size;
    char data[]; /* message bytes, then copied strings */
};

/* Records travel in chunks of about 256 KB, so the queue's lock and the
 * allocator are used once per few hundred messages, not once per message
 * (per-message pushes made two threads slower than one). */
#define CHUNK_BYTES (256 * 1024)
#define CHUNK_RECS  512

/* What the queue carries.  A chunk from the parse pool (pooled) enters the
 * queue before its records exist, so the queue keeps capture order while
 * several workers parse: the UI thread waits for `ready` (ppool_wait), then
 * takes the records here and in the chunks chained on `next`. */
struct loader_chunk {
    struct rtp_batch *rtp;     /* owned: RTP changes up to here, or NULL */
    struct loader_chunk *next; /* owned: more records of the same batch */
    struct pjob *job;          /* owned: payloads still to parse, or NULL */
    bool pooled;               /* records come from the parse pool */
    _Atomic bool ready;        /* pooled: records and next are written */
    size_t n;                  /* records */
    size_t used, cap;          /* bytes of mem */
    struct loader_rec *recs[CHUNK_RECS];
    _Alignas(16) char mem[];
};

/* hep_listen.c: the HEP listener (live thread).  A whole, authenticated
 * packet goes to fn, which returns false when it was malformed. */
typedef bool (*hep_packet_fn)(void *ctx, const uint8_t *p, size_t n);
struct hep_listener;
struct pollfd;
struct hep_listener *hep_listener_new(const char *password, unsigned timeout_s, hep_packet_fn fn,
                                      void *ctx);
void hep_listener_free(struct hep_listener *hl); /* accepts NULL */
/* Binds UDP and TCP on host ("" = any) and port; spec names it in errors. */
int hep_listener_bind(struct hep_listener *hl, const char *host, const char *port, struct err *d,
                      const char *spec);
/* Fills pf (room for 2 + HEP_MAX_CONNS) and returns how many it used;
 * hep_listener_service reads the same entries back after poll. */
unsigned hep_listener_pollfds(const struct hep_listener *hl, struct pollfd *pf);
void hep_listener_service(struct hep_listener *hl, const struct pollfd *pf, int64_t now);
void hep_listener_counts(struct hep_listener *hl, uint64_t out[HEP_COUNT_N]);
/* Reads the UDP socket's drop counter (SO_MEMINFO); live thread. */
void hep_listener_refresh(struct hep_listener *hl);
/* One TCP agent's byte stream, split into HEP packets by their length. */
struct hep_stream {
    uint8_t *buf; /* owned, 64 KB once bytes came */
    size_t len;
    int64_t started; /* when the packet in buf began (ns) */
};
/* Appends n bytes and hands every whole packet on (password, decoding);
 * *delivered is set when one was authenticated.  -1: not HEP (framing
 * lost; the connection is closed).  The caller frees s->buf. */
int hep_stream_feed(struct hep_listener *hl, struct hep_stream *s, const uint8_t *p, size_t n,
                    int64_t now, bool *delivered);

struct loader_chunk *loader_chunk_new(size_t cap);
void pjob_free(struct pjob *j);  /* parse_pool.c; accepts NULL */
void loader_chunk_free(void *c); /* the chain and the job too; accepts NULL */

/* One producing thread's side of the queue.  Owned by that thread while it
 * runs; the counters are read by the UI thread. */
struct prod {
    struct msgq *q;               /* borrowed: the loader's; NULL: chain mode
                                     (a pool worker: full chunks go on *tail) */
    struct loader_chunk *chunk;   /* owned: records being collected */
    struct loader_chunk *head;    /* chain mode: the pooled chunk being filled */
    struct loader_chunk **tail;   /* chain mode: where the next full chunk goes */
    bool drop_when_full;          /* live: drop and count instead of blocking */
    const _Atomic bool *stop;     /* borrowed: stop parsing when set */
    _Atomic uint64_t messages;    /* parsed and queued (or dropped) */
    _Atomic uint64_t queue_drops; /* messages lost on a full queue (live) */
    struct rtp_tracker *rtp;      /* owned or NULL: RTP/RTCP statistics */
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

/* ---- parse_pool.c: SIP parsing on worker threads ----
 * For file inputs with no RTP tracking (batch outputs), the capture thread
 * only reads and decodes; it copies each payload that may hold SIP into a
 * batch, and workers parse the batches while the UI thread stores what
 * they parsed, in capture order.  Parsing was most of a large load, and
 * one capture thread kept one of two cores busy while the other waited. */
struct ppool;
/* nthreads workers (>= 1); parsed messages are added to *messages. */
struct ppool *ppool_new(unsigned nthreads, const _Atomic bool *stop, _Atomic uint64_t *messages);
/* Capture thread: queue a copy of p; a full batch goes to q (blocking). */
void ppool_add(struct ppool *pp, const struct cap_payload *p, struct msgq *q);
void ppool_flush(struct ppool *pp, struct msgq *q); /* the partial batch */
/* UI thread: returns when c's records are there (at once if not pooled). */
void ppool_wait(struct ppool *pp, struct loader_chunk *c);
/* Stops and joins the workers; batches still queued stay owned by q. */
void ppool_free(struct ppool *pp);
/* How many workers for this machine; 0: parse on the capture thread. */
unsigned ppool_default_threads(void);

/* ---- live.c: interfaces, HEP listener/sender, -w writer, one thread ---- */
struct live;
/* Opens the interfaces and the HEP sockets (needs the privileges), and
 * registers them as sources in store.  NULL with d filled on error. */
struct live *live_open(const struct live_opts *o, struct store *store, struct cap_tls_keys *keys,
                       struct err *d);

/* keylog_live.c: TLS keys received or appended while capturing (udp:
 * sockets, followed files) go into keys; serviced by the live thread. */
struct pollfd;
struct keylog_live;
struct keylog_live *keylog_live_open(const struct live_opts *o, struct cap_tls_keys *keys,
                                     struct err *d);
unsigned keylog_live_pollfds(struct keylog_live *kl, struct pollfd *pf); /* the UDP sockets */
void keylog_live_service(struct keylog_live *kl, const struct pollfd *pf);
void keylog_live_free(struct keylog_live *kl); /* accepts NULL */
void live_sources_register(struct live *lv, struct store *store);
/* After the privilege drop: opens the -w file and starts the thread.
 * Takes ownership of rtp (NULL: RTP is not tracked live). */
int live_start(struct live *lv, struct msgq *q, struct rtp_tracker *rtp, struct err *d);
/* Stops and joins the thread; the last records are queued (or counted as
 * dropped when the queue is full).  Idempotent. */
void live_stop(struct live *lv);
void live_free(struct live *lv); /* accepts NULL; stops first */
void live_pause(struct live *lv, bool paused);
void live_counts(struct live *lv, struct live_counts *c);
uint64_t live_messages(struct live *lv);

#endif
