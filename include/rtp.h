/*
 * rtp: RTP/RTCP streams, matched to the media the SDP of SIP messages
 * announced, with Wireshark-compatible statistics (tshark -z rtp,streams),
 * RTCP SR/RR figures, RFC 4733 DTMF digits and media findings.
 *
 * Two halves, one per thread:
 *   rtp_tracker  capture thread.  Sees every SDP body and every non-SIP UDP
 *                payload in capture order and keeps the statistics of each
 *                stream in a fixed amount of memory (nothing per packet).
 *                rtp_tracker_collect() hands over what changed since the
 *                last call as one owned rtp_batch (compact updates).
 *   rtp_table    UI / main thread.  rtp_table_apply() takes batches; views
 *                and batch outputs read the streams from it (by call too).
 * The SDP announcements a call made are re-read from the store when asked
 * (rtp_call_announces): the UI side keeps no copy of them.
 * rtp_findings() is pure: a call's announcements and streams -> findings.
 */
#ifndef SIPDX_RTP_H
#define SIPDX_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

struct sip_msg;
struct store;
struct store_call;
struct strbuf;

#define RTP_CALLID_MAX 128 /* Call-IDs longer than this are cut (and still match) */
#define RTP_PT_MAX     12  /* payload types kept per announcement / per stream */
#define RTP_DTMF_MAX   32  /* DTMF digits kept per stream */

/* A payload type and what SDP (or RFC 3551) calls it. */
struct rtp_ptmap {
    uint32_t rate; /* clock rate, 0 if unknown */
    uint8_t pt;
    char name[16]; /* "PCMA", "telephone-event", ... (from a=rtpmap; cut) */
};

/* One m= line of one SDP body: "send my media to addr:port". */
struct rtp_announce {
    char call_id[RTP_CALLID_MAX];
    int64_t ts_ns;
    uint64_t frame;
    struct cap_addr addr;    /* c= address and m= port (port 0: stream refused) */
    uint16_t rtcp_port;      /* a=rtcp or port+1 */
    struct cap_addr sig_src; /* who sent the SIP message carrying it */
    bool is_request;         /* offer in a request (INVITE, UPDATE, ...) */
    uint16_t status;         /* responses: 183, 200, ... */
    char method[12];         /* request method or CSeq method of a response */
    uint8_t media_index;     /* m= line number */
    char media[12];          /* "audio", "video", "image" */
    char proto[16];          /* "RTP/AVP", "RTP/SAVP", "udptl", ... */
    uint8_t dir;             /* enum sdp_dir (media level, else session) */
    uint8_t npts;
    struct rtp_ptmap pts[RTP_PT_MAX]; /* m= payload types with their names */
};

/* The statistics of one stream: one direction (src -> dst) and one SSRC,
 * as tshark keys them.  Times are in ms, computed as Wireshark does. */
struct rtp_stream {
    uint32_t id; /* dense, 0.. in creation order (stable) */
    struct cap_addr src, dst;
    uint32_t ssrc;
    char call_id[RTP_CALLID_MAX]; /* "" when no SDP announced it */
    bool associated;              /* matched to an SDP announcement */
    int64_t first_ts_ns, last_ts_ns;
    uint64_t first_frame, last_frame;
    unsigned source; /* input of the first packet */
    uint32_t packets;
    int64_t expected, lost; /* lost may be negative (duplicates) */
    uint32_t seq_errors;    /* jumps, late or duplicate packets */
    uint32_t marker_packets;
    double min_delta, mean_delta, max_delta;    /* -1 min when < 2 packets */
    double min_jitter, mean_jitter, max_jitter; /* 0 when the clock rate is unknown */
    double jitter;                              /* current */
    uint32_t clock_rate;                        /* last known, 0 if none */
    bool problem;                               /* tshark's "Problems?" column */
    uint64_t bytes;                             /* RTP bytes (UDP payloads) */
    uint8_t npts;                               /* payload types seen, in order of first use */
    struct rtp_ptmap pts[RTP_PT_MAX];
    /* RFC 4733 telephone-events */
    uint32_t event_packets;
    char dtmf[RTP_DTMF_MAX + 1];
    /* RTCP about this stream: reports from its receiver, SRs from its sender */
    uint32_t rtcp_sr, rtcp_rr;      /* sender / receiver reports seen */
    uint8_t rr_fraction_lost;       /* last report block: fraction lost (/256) */
    int32_t rr_cum_lost;            /* cumulative lost */
    uint32_t rr_jitter;             /* interarrival jitter, timestamp units */
    double rr_rtt_ms;               /* from LSR/DLSR, -1 if unknown */
    uint32_t sr_packets, sr_octets; /* sender's own counts in its last SR */
};

/* ---------------------------------------------------------------- capture thread */

struct rtp_opts {
    size_t max_streams;  /* streams (confirmed or not) kept at most */
    size_t max_announce; /* SDP media entries kept at most */
    bool store_packets;  /* --rtp-store: list packets per stream */
};
void rtp_opts_default(struct rtp_opts *o);

/* What changed since the previous collect: copies of streams and new
 * announcements (and, with store_packets, packet positions).  Owned by
 * whoever holds it; rtp_batch_free accepts NULL. */
struct rtp_pkt_ref {
    uint32_t stream; /* rtp_stream id */
    unsigned source;
    uint64_t frame;
    int64_t ts_ns;
    int64_t file_off; /* of the frame's UDP payload, -1 if none */
    uint32_t len;
};
struct rtp_batch;
void rtp_batch_free(struct rtp_batch *b);

struct rtp_tracker;
struct rtp_tracker *rtp_tracker_new(const struct rtp_opts *o);
void rtp_tracker_free(struct rtp_tracker *t); /* accepts NULL */
/* The capture's first frame time: stream times are printed relative to it. */
void rtp_tracker_set_origin(struct rtp_tracker *t, int64_t ts_ns);
/* A SIP message carrying SDP: registers the media it announces.  p is
 * the payload it came in (for times and the signalling address). */
void rtp_tracker_sdp(struct rtp_tracker *t, const struct cap_payload *p, const struct sip_msg *m);
/* A UDP payload that is not SIP.  Returns true when it was taken as RTP or
 * RTCP.  Costs a hash lookup and a few arithmetic operations. */
bool rtp_tracker_packet(struct rtp_tracker *t, const struct cap_payload *p);
/* Streams or announcements changed since the last collect. */
bool rtp_tracker_dirty(const struct rtp_tracker *t);
/* Everything that changed since the last call, or NULL when nothing did. */
struct rtp_batch *rtp_tracker_collect(struct rtp_tracker *t);
uint64_t rtp_tracker_dropped(const struct rtp_tracker *t); /* streams refused (cap) */

/* ---------------------------------------------------------------- UI / main thread */

struct rtp_table;
struct rtp_table *rtp_table_new(void);
void rtp_table_free(struct rtp_table *t); /* accepts NULL */
void rtp_table_clear(struct rtp_table *t);
/* Takes ownership of b (NULL is fine). */
void rtp_table_apply(struct rtp_table *t, struct rtp_batch *b);
uint64_t rtp_table_gen(const struct rtp_table *t);   /* increases on every change */
int64_t rtp_table_origin(const struct rtp_table *t); /* first frame time, ns */
int64_t rtp_table_latest(const struct rtp_table *t); /* latest RTP or SDP time seen, ns */

/* Streams that passed the heuristic or were announced (any order; i is
 * valid until the next apply, prune or clear). */
size_t rtp_table_nstreams(const struct rtp_table *t);
const struct rtp_stream *rtp_table_stream(const struct rtp_table *t, size_t i);
/* Streams of one call (pointers borrowed until the next apply or clear).
 * Returns the number found, at most max stored. */
size_t rtp_table_call_streams(const struct rtp_table *t, const char *call_id, size_t len,
                              const struct rtp_stream **out, size_t max);

/* The SDP announcements of a call, re-read from the store (its messages
 * with SDP, retransmissions left out, in capture order).  Store owner's
 * thread.  Returns how many (at most max stored). */
/* The announcements of one parsed SIP message's SDP body (0 when it has
 * none); sig_src: who sent the message.  Any thread. */
size_t rtp_announces_from_msg(const struct sip_msg *m, int64_t ts_ns, uint64_t frame,
                              const struct cap_addr *sig_src, struct rtp_announce *out, size_t max);
size_t rtp_call_announces(const struct store *s, const struct store_call *c,
                          struct rtp_announce *out, size_t max);
/* Drops the streams of calls s no longer holds (rotated out by
 * --max-memory) and, once s rotated calls, all but the newest 4096
 * unassociated streams.  Returns
 * how many streams went.  The loader calls it when the store rotates. */
size_t rtp_table_prune(struct rtp_table *t, const struct store *s);
/* Packets kept with --rtp-store, all streams in arrival order (filter on
 * ->stream); NULL and *n = 0 when none were kept. */
const struct rtp_pkt_ref *rtp_table_packets(const struct rtp_table *t, size_t *n);

/* ---------------------------------------------------------------- names */

/* tshark's short name of a payload type as seen in a stream: SDP name for
 * dynamic types, "g711A" style for static ones ("RTPType-N" if unknown). */
void rtp_pt_label(const struct rtp_ptmap *m, char *out, size_t outlen);
/* All payload types of a stream joined with ", " (tshark's Payload column). */
void rtp_stream_payloads(const struct rtp_stream *s, char *out, size_t outlen);
/* Codec of the stream for humans: "PCMA/8000", "opus/48000". */
void rtp_stream_codec(const struct rtp_stream *s, char *out, size_t outlen);
double rtp_stream_lost_pct(const struct rtp_stream *s);

/* ---------------------------------------------------------------- findings */

/* Thresholds (stated so users know): loss above RTP_LOSS_PCT percent of
 * the expected packets, or a stream's maximum jitter above RTP_JITTER_MS. */
#define RTP_LOSS_PCT  2.0
#define RTP_JITTER_MS 30.0

enum rtp_finding_kind {
    RTP_F_NO_RTP = 1,          /* answered, media announced, no RTP at all */
    RTP_F_ONE_WAY,             /* RTP reached one side only */
    RTP_F_ADDR_MISMATCH,       /* RTP came from an address the SDP did not announce */
    RTP_F_PT_NOT_NEGOTIATED,   /* payload type outside what the receiver offered */
    RTP_F_LOSS,                /* lost > RTP_LOSS_PCT */
    RTP_F_JITTER,              /* max jitter > RTP_JITTER_MS */
    RTP_F_DTMF_NOT_NEGOTIATED, /* RFC 4733 events to a side that did not offer them */
};
const char *rtp_finding_name(enum rtp_finding_kind k); /* "no-rtp", "one-way", ... */

struct rtp_finding {
    enum rtp_finding_kind kind;
    bool error;     /* true: call-breaking; false: warning */
    int32_t stream; /* stream id, -1 when about the call */
    char text[256]; /* one sentence, plain ASCII from our own strings
                       and formatted addresses (safe to print) */
};

/* Media findings for one call from its streams in t and its announcements
 * a[0..na).  answer_ts_ns: time of the 2xx to the INVITE, 0 when it was not
 * answered; end_ts_ns: the last time the capture shows for the call (no-rtp
 * and one-way need the capture to go on RTP_GRACE_NS after the answer, by
 * this or by the latest RTP seen).  Returns the number found (at most max
 * stored). */
#define RTP_GRACE_NS 2000000000LL
size_t rtp_findings(const struct rtp_table *t, const char *call_id, size_t call_id_len,
                    int64_t answer_ts_ns, int64_t end_ts_ns, const struct rtp_announce *a,
                    size_t na, struct rtp_finding *out, size_t max);
/* The same for a call of the store (announcements re-read from it). */
size_t rtp_call_findings(const struct rtp_table *t, const struct store *s,
                         const struct store_call *c, struct rtp_finding *out, size_t max);

#endif
