/*
 * engine: the pipeline from capture inputs to the store:
 * readers -> merge -> decoder -> SIP parser -> store, with a callback per
 * message for streaming outputs (--dump messages, --stats).
 *
 * Threads: batch mode (engine_run*) is the console's loader (loader_*) run
 * to the end, so both split the work the same way.  A capture thread reads
 * and decodes the files (loader.c); for outputs without RTP, parse workers
 * (one per CPU, parse_pool.c) parse the SIP; a live thread polls the
 * interfaces and the HEP listener (live.c).  Records reach the calling
 * thread in capture order through a bounded queue (msgq.h); that thread
 * owns the store, adds to it and runs the callbacks.
 */
#ifndef SIPDX_ENGINE_H
#define SIPDX_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* ---- live sources: interfaces, a HEP listener, HEP forwarding, -w ---- */
struct live_opts {
    const char *const *ifaces; /* borrowed; interfaces to capture on */
    size_t nifaces;
    struct cap_live_opts cap;  /* filter, snaplen, buffer, promiscuous */
    const char *user;          /* privilege drop target; NULL: "nobody" */
    const char *hep_listen;    /* "[ADDR:]PORT": HEP over UDP and TCP; NULL: none */
    const char *hep_password;  /* required auth key (listen) and key sent */
    const char *hep_send;      /* "HOST:PORT": forward captured SIP as HEP3/UDP */
    uint32_t hep_agent_id;     /* capture agent id sent */
    unsigned hep_timeout_s;    /* TCP agents: first packet / whole packet within;
                                  0: HEP_TIMEOUT_DEFAULT */
    const char *write_path;    /* -w FILE: every captured frame; NULL: none */
    uint64_t rotate_size;      /* bytes; 0: never */
    unsigned rotate_time;      /* seconds; 0: never */
    unsigned dedupe_ms;        /* duplicate window; 0: 200 ms */
    cap_payload_fn payload_fn; /* optional: every decoded payload, called on the
                                  live thread (--dump packets); NULL: none */
    void *payload_ctx;
    const char *const *tls_keylogs; /* borrowed: --tls-keylog FILE or udp:[ADDR:]PORT */
    size_t ntls_keylogs;
    const char *lang; /* of the notes on TLS handshakes (--lang), NULL: environment */
};
/* Live sources are asked for (interfaces or a HEP listener). */
bool live_opts_active(const struct live_opts *o);

/* The store's memory limit: `asked` when --max-memory was given
 * (ENGINE_MEMORY_UNLIMITED: none), else, when capturing live or listening
 * for HEP, ENGINE_LIVE_MEMORY_DEFAULT (at most a quarter of the machine's
 * memory: a PBX's RAM is for the PBX), else 0 (files: no limit). */
#define ENGINE_MEMORY_UNLIMITED    UINT64_MAX
#define ENGINE_LIVE_MEMORY_DEFAULT (512ull << 20)
uint64_t engine_max_memory(uint64_t asked, const struct live_opts *live);

/* The HEP listener's counters: X(id, name for people).  Refusals and losses
 * each have their reason (see docs/security.md for the limits). */
#define HEP_COUNTS(X)                                                                              \
    X(PACKETS, "packets received")                                                                 \
    X(AUTH, "rejected: wrong or missing password")                                                 \
    X(MALFORMED, "rejected: malformed")                                                            \
    X(NOT_HEP, "connections closed: not HEP")                                                      \
    X(ACCEPTED, "TCP connections accepted")                                                        \
    X(REFUSED_ADDR, "connections refused: too many from one address")                              \
    X(REFUSED_FULL, "connections refused: every slot busy")                                        \
    X(EVICTED, "connections closed for an address holding fewer")                                  \
    X(TIMEOUT_FIRST, "connections closed: no packet in time")                                      \
    X(TIMEOUT_SLOW, "connections closed: a packet took too long")                                  \
    X(TIMEOUT_IDLE, "connections closed: idle")                                                    \
    X(ACCEPT_ERR, "accept errors (out of descriptors?)")                                           \
    X(RCVBUF_DROPS, "datagrams dropped by the UDP receive buffer")
#define HEP_COUNT_ENUM(id, name) HEP_C_##id,
enum hep_count {
    HEP_COUNTS(HEP_COUNT_ENUM) HEP_COUNT_N
};
#undef HEP_COUNT_ENUM
const char *hep_count_name(enum hep_count k);

#define HEP_TIMEOUT_DEFAULT 10   /* seconds */
#define HEP_MAX_CONNS       256  /* TCP agents at once */
#define HEP_MAX_PER_ADDR    8    /* ... from one source address */
#define HEP_BACKLOG         1024 /* listen queue */

/* Capture counters, summed over the interfaces (UI thread reads them). */
struct live_counts {
    bool active;               /* there are live sources */
    uint64_t packets;          /* frames read from the interfaces */
    uint64_t kernel_drops;     /* pcap_stats ps_drop: no room in the buffer */
    uint64_t if_drops;         /* pcap_stats ps_ifdrop: dropped by the interface */
    uint64_t queue_drops;      /* SIP messages lost on a full queue */
    uint64_t duplicates;       /* same src, dst and payload seen again in the window */
    uint64_t hep_packets;      /* HEP packets received */
    uint64_t hep_rejected;     /* wrong password, malformed, not HEP */
    uint64_t hep[HEP_COUNT_N]; /* the listener's counters, by reason */
    uint64_t paused_skipped;   /* frames and HEP packets not decoded while paused */
    uint64_t too_deep;         /* frames with tunnels nested past the limit */
    uint64_t tcp_gaps;         /* TCP holes given up (bytes never seen) */
    uint64_t undecodable;      /* frames with no IP or transport found */
    uint64_t tls_records;      /* protected TLS records seen (live decoder) */
    uint64_t tls_decrypted;    /* of them, decrypted and authenticated */
    uint64_t tls_auth_failed;  /* failed authentication, never read */
    uint64_t hep_sent, hep_send_errors;
    uint64_t written;   /* frames written with -w */
    uint64_t rotations; /* -w files closed and renamed */
    bool paused;
};

/* Batch run limits (0: none).  stop is polled (a signal flag). */
struct engine_limits {
    unsigned duration_s;
    uint64_t count; /* SIP messages */
    volatile sig_atomic_t *stop;
    /* When set: called with fn's ctx after messages were handed to fn and
     * the engine is about to wait for more input (live sources, a pipe),
     * so a streaming output can flush what it printed. */
    void (*idle)(void *ctx);
};

/* engine_run_files with live sources too: runs until the files are read
 * and (when live is active) until a limit or *stop.  Prints the capture
 * counters to err at the end of a live run.  Returns 0, 1 (an input was
 * damaged) or 3 (a live source could not be opened, or the privilege drop
 * failed: nothing was read), the exit statuses of cli.h. */
int engine_run(const char *const *paths, size_t n, const struct live_opts *live,
               const struct engine_limits *lim, struct store *store, engine_msg_fn fn, void *ctx,
               FILE *err);
/* engine_run with RTP options (ro NULL: defaults; store_packets for
 * --rtp-store) and, when rtp is not NULL, the RTP table handed over at the
 * end (the caller owns it: rtp_table_free). */
struct rtp_opts;
struct rtp_table;
int engine_run_rtp(const char *const *paths, size_t n, const struct live_opts *live,
                   const struct engine_limits *lim, struct store *store, engine_msg_fn fn,
                   void *ctx, FILE *err, const struct rtp_opts *ro, struct rtp_table **rtp);
/* One line per interface and totals, for the end of a run. */
void engine_print_live_counts(const struct live_counts *c, FILE *err);

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
    uint64_t tls_records, tls_decrypted, tls_auth_failed; /* files: as live_counts */
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
/* Hands the table over (the caller owns it); the loader goes on with a
 * fresh, empty one. */
struct rtp_table *loader_rtp_take(struct loader *l);
/* As loader_start, with live sources (live may be NULL).  Opens every
 * input, then drops privileges (live only), then starts the threads.
 * Returns NULL with d filled when a live source cannot be opened or the
 * privilege drop fails. */
struct loader *loader_start_ex(const char *const *paths, size_t n, const struct live_opts *live,
                               struct store *store, size_t queue_cap, struct err *d);
/* The same with RTP options (NULL: defaults). */
struct loader *loader_start_ex_rtp(const char *const *paths, size_t n, const struct live_opts *live,
                                   const struct rtp_opts *ro, struct store *store, size_t queue_cap,
                                   struct err *d);
/* The same without RTP tracking: for outputs that show no media, the
 * capture thread then skips SDP and RTP, work they would not use. */
struct loader *loader_start_plain(const char *const *paths, size_t n, const struct live_opts *live,
                                  struct store *store, size_t queue_cap, struct err *d);
/* Live capture: stop reading (p) or go on; frames are still written to -w. */
void loader_pause(struct loader *l, bool paused);
/* Stops the live thread; what it captured stays queued for loader_drain. */
void loader_live_stop(struct loader *l);
void loader_live_counts(struct loader *l, struct live_counts *c);
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
/* Once done: what the run could not see that is not an input error (TLS
 * connections without keys ...), one line each, or NULL. */
const char *loader_notes(struct loader *l);
bool loader_done(struct loader *l);                 /* finished and queue empty */
bool loader_wait(struct loader *l, int timeout_ms); /* a record is queued */
void loader_progress(struct loader *l, struct loader_progress *p);
void loader_free(struct loader *l); /* accepts NULL */

#endif
