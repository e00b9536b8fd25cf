/*
 * store: calls keyed by Call-ID, their messages in capture order,
 * transactions, retransmissions and dialog state.
 *
 * Memory by design: a message costs an index entry (where its bytes are,
 * plus the fields lists and filters need).  In file mode the bytes stay in
 * the file and are re-read on demand with pread; bytes that have no stable
 * file position (stdin, gzip, reassembled TCP, IP fragments, WebSocket,
 * HEP) are copied once and owned by their call.  --max-memory rotates the
 * oldest calls out; nothing else is ever dropped.
 *
 * Threads: one owner (the UI / main thread).  No locks: capture threads
 * hand over store_input records through a queue instead of calling in.
 * Views keep call ids, never pointers, across ticks: rotation frees calls.
 * The query functions (store_ncalls, store_call_at, store_call_get,
 * store_call_find, store_call_aleg, store_endpoint, store_msg_bytes) write
 * nothing, not even a cache, so while nobody adds, any number of threads
 * may read at once: --list formats a finished store on every CPU.  Keep
 * them that way.
 */
#ifndef SIPDX_STORE_H
#define SIPDX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "sip.h"

struct strbuf;

/* A borrowed string: pointer + length (not NUL-terminated). */
struct store_str {
    const char *p;
    size_t len;
};

/* What the store needs of one SIP message.  Everything is borrowed for the
 * duration of store_add(); the store copies what it keeps. */
struct store_input {
    unsigned source;
    uint64_t frame;
    int64_t ts_ns;
    struct cap_addr src, dst;
    enum cap_transport transport;
    const char *bytes; /* the whole message; NULL when file_off >= 0 and the
                          capture thread did not carry them (re-read them
                          from the file: store_msg_bytes) */
    size_t len;
    int64_t file_off; /* offset of bytes in the source file, -1 if none */
    uint32_t hep_agent;
    bool is_request;
    enum sip_method method; /* UNKNOWN for extension or odd-case methods */
    struct store_str method_str;
    uint16_t status;
    struct store_str reason;
    uint32_t cseq;
    bool has_cseq;
    enum sip_method cseq_method;
    struct store_str cseq_method_str;
    struct store_str cseq_raw; /* the CSeq value as written (shown as is when malformed) */
    struct store_str call_id, from_user, to_user, from_tag, to_tag, branch;
    uint64_t call_id_hash;     /* hash_bytes(call_id) when set by store_input_from
                                  (capture thread); 0: store_add computes it */
    uint64_t branch_hash;      /* hash_bytes(branch), the same way */
    struct store_str xcall_id; /* X-Call-ID / X-CID: the A-leg's Call-ID */
    uint64_t session_hash;     /* store_session_hash() of a Session-ID header
                                  (RFC 7989), 0 when none or null */
    struct store_str user_agent;
    bool has_sdp;
    bool hdrs_known; /* the two below were set from the parsed message */
    bool has_reason_or_warning;
    bool has_credentials;
    int16_t q850_only;  /* sip_reason_q850_only(), with hdrs_known */
    bool ip_fragmented; /* the payload was reassembled from IP fragments */
    unsigned problems;  /* SIP_* flags from the parser */
};

/* The key of a Session-ID value (RFC 7989): a hash of its local UUID
 * (before any ';' parameter), case folded; 0 for the null UUID, an empty or
 * an unusable value.  Every leg of a call carries the same local UUID in
 * its requests, whatever the Call-IDs. */
uint64_t store_session_hash(const char *v, size_t n);

/* Fills in from a parsed message and its payload.  The result borrows from
 * both. */
void store_input_from(struct store_input *in, const struct cap_payload *p, const struct sip_msg *m);

enum call_kind {
    CALL_KIND_INVITE = 0,
    CALL_KIND_REGISTER,
    CALL_KIND_OPTIONS,
    CALL_KIND_SUBSCRIBE,
    CALL_KIND_NOTIFY,
    CALL_KIND_MESSAGE,
    CALL_KIND_PUBLISH,
    CALL_KIND_REFER,
    CALL_KIND_INFO,
    CALL_KIND_OTHER
};
const char *call_kind_name(enum call_kind k); /* "INVITE", "REGISTER", ... */

enum call_state {
    /* INVITE dialogs */
    CALL_STATE_SETUP = 0, /* INVITE sent, nothing final yet */
    CALL_STATE_RINGING,   /* 180/183 seen */
    CALL_STATE_IN_CALL,   /* 2xx to the INVITE */
    CALL_STATE_COMPLETED, /* BYE after the answer */
    CALL_STATE_CANCELLED, /* CANCEL or 487 before an answer */
    CALL_STATE_REJECTED,  /* 401/403/407/488/603/606 ... */
    CALL_STATE_BUSY,      /* 486, 600 */
    CALL_STATE_DIVERTED,  /* 3xx */
    CALL_STATE_FAILED,    /* other 4xx, 5xx, 6xx */
    /* other exchanges (REGISTER, OPTIONS, ...) */
    CALL_STATE_PENDING, /* request with no final response */
    CALL_STATE_OK,      /* 2xx final */
    CALL_STATE_ERROR,   /* >= 300 final */
    /* INVITE with no final response although the capture went on: nothing
     * for Timer B after the INVITE, or only provisionals and then nothing
     * for Timer C (store/unanswered.c).  A failure. */
    CALL_STATE_UNANSWERED,
};
const char *call_state_name(enum call_state s); /* "IN CALL", "CANCELLED", ... */
struct store_call;
/* Why a CALL_STATE_UNANSWERED call is one, in words ("no response to the
 * INVITE (sent 7 times) within 32 s (Timer B)"), into out. */
void store_unanswered_text(const struct store_call *c, char *out, size_t n);

enum {
    STORE_MSG_REQUEST = 1u << 0,
    STORE_MSG_RESENT = 1u << 1, /* a retransmission, as tshark's sip.resend */
    STORE_MSG_SDP = 1u << 2,
    STORE_MSG_MALFORMED = 1u << 3, /* parser flagged problems */
    /* From/To users of this message, for filters that read the index only:
     * the same as the call's from_user/to_user, or the two swapped (requests
     * from the callee and their responses); neither bit: re-read the bytes. */
    STORE_MSG_FT_CALL = 1u << 4,
    STORE_MSG_FT_SWAP = 1u << 5,
    /* Headers seen at ingest, so explanations re-read a message only when
     * it has something to show (a pread and a parse per call otherwise):
     * valid when STORE_MSG_HDRS_KNOWN is set. */
    STORE_MSG_REASON_WARNING = 1u << 6, /* a Reason or Warning header */
    STORE_MSG_CREDENTIALS = 1u << 7,    /* Authorization / Proxy-Authorization */
    STORE_MSG_HDRS_KNOWN = 1u << 8,
    STORE_MSG_IP_FRAGMENTED = 1u << 9, /* reassembled from IP fragments */
    STORE_MSG_OWNED = 1u << 10,        /* the bytes are the call's copy (bytes) */
};

#define STORE_Q850_NONE    0xfe
#define STORE_Q850_UNKNOWN 0xff

/* One message: an index entry.  Read-only outside the store. */
struct store_msg {
    int64_t ts_ns;
    uint64_t frame;
    union {               /* which one: STORE_MSG_OWNED (one million of these
                             for a large file: 8 bytes each saved) */
        int64_t file_off; /* not owned: the bytes are at this offset of the
                             source; -1 if nowhere */
        char *bytes;      /* owned: the call's own copy */
    };
    uint32_t len;
    uint32_t src_ep, dst_ep; /* endpoint ids: store_endpoint() */
    uint32_t cseq;
    uint16_t status; /* responses */
    uint16_t source;
    uint16_t txn;        /* index into the call's transactions */
    uint8_t method;      /* enum sip_method (requests) */
    uint8_t cseq_method; /* enum sip_method */
    uint8_t transport;   /* enum cap_transport */
    uint8_t q850;        /* with STORE_MSG_HDRS_KNOWN: the one Q.850 cause its
                            Reason headers give and nothing else to say, or
                            STORE_Q850_NONE / STORE_Q850_UNKNOWN (see the
                            message: several, a Warning, a large cause) */
    uint16_t flags;      /* STORE_MSG_* */
    uint32_t hep_agent;  /* HEP capture agent id; 0: not from HEP */
};

/* A transaction: branch + CSeq (ACK to a non-2xx and CANCEL share the
 * INVITE's branch but are their own transactions, keyed by method). */
struct store_txn {
    uint64_t branch_hash;
    uint32_t cseq;
    uint8_t method;                          /* enum sip_method of the CSeq */
    uint16_t final_status;                   /* 0 while none */
    uint32_t first_req;                      /* message index of the first request */
    int64_t req_ts, first_resp_ts, final_ts; /* 0 when not seen */
};

struct store_call {
    uint64_t id;   /* stable, increasing; store_call_get() */
    char *call_id; /* owned */
    size_t call_id_len;
    char *from_user, *to_user; /* owned, of the first request ("" if none) */
    char *xcall_id;            /* owned or NULL: the Call-ID this B-leg points at */
    uint64_t session_hash;     /* of the first Session-ID seen (0: none); legs.h */
    uint64_t from_tag_hash;    /* hash_bytes of the first request's From tag (0: none):
                                  a proxy hiding topology rewrites the Call-ID
                                  but keeps the tags (legs.h) */
    char *user_agent;          /* owned or NULL: first User-Agent seen */
    char *final_reason;        /* owned or NULL: reason phrase of final_status */
    enum call_kind kind;
    enum call_state state;
    uint16_t final_status; /* final response of the initial request (0: none) */
    int64_t first_ts, last_ts;
    int64_t invite_ts;       /* first initial INVITE (0 if none) */
    int64_t ring_ts;         /* first 18x */
    int64_t answer_ts;       /* 2xx to the initial INVITE */
    int64_t end_ts;          /* BYE, or the failure final response */
    int64_t final_ts;        /* time of final_status */
    uint32_t src_ep, dst_ep; /* of the first message */
    struct store_msg *msgs;  /* owned, capture order */
    uint32_t nmsgs, msgs_cap;
    struct store_txn *txns; /* owned */
    uint32_t ntxns, txns_cap;
    uint32_t nretrans;
    bool established;      /* a 2xx to an INVITE was seen */
    bool initial_cseq_set; /* the initial request's CSeq is known */
    uint32_t initial_cseq;
    /* private bookkeeping */
    uint64_t id_hash;       /* of call_id, for the index */
    struct store_dir *dirs; /* retransmission detection per direction */
    uint32_t ndirs;
    size_t mem;      /* bytes charged to this call */
    size_t inl_len;  /* bytes of strings stored after the struct */
    uint32_t nowned; /* messages whose bytes the call owns (freeing skips
                        the message scan when there are none) */
    /* --match: a call no message has matched yet (see store_opts.match) */
    bool pending;
    uint8_t pend_list; /* which pending list it is on */
    struct store_call *pprev, *pnext;
};

struct store_input;
struct store;

/* --match (capture-time filter).  When store_opts.match is set, a new call
 * is held "pending": its messages gather as usual (index entries only in
 * file mode, so it is cheap), but it has no id and is not listed
 * (store_ncalls, store_call_at, store_call_find do not see it) until
 * match() says yes for it; match() is asked after each message a pending
 * call takes (`in` is that message, c->msgs[c->nmsgs-1] its entry).  Then
 * the call is listed with all its messages and never asked again.
 * A pending call is dropped, and counted, when it can no longer match:
 * it ended (final state) and nothing came for STORE_PENDING_LINGER_NS of
 * capture time, or it is the least recently active one when more than
 * max_pending calls are pending (or pending calls hold more than a quarter
 * of --max-memory).  A later message with its Call-ID starts a new call. */
typedef bool (*store_match_fn)(void *ctx, const struct store *s, const struct store_call *c,
                               const struct store_input *in);
#define STORE_PENDING_LINGER_NS (32LL * 1000000000LL) /* 64*T1: Timer B/F/H */
#define STORE_MAX_PENDING       20000
#define STORE_TIMER_B_NS        (32LL * 1000000000LL)  /* 64*T1 */
#define STORE_TIMER_C_NS        (180LL * 1000000000LL) /* > 3 min: RFC 3261 16.6 */

struct store_opts {
    uint64_t max_memory;  /* 0: unlimited */
    store_match_fn match; /* NULL: every call is listed at once */
    void *match_ctx;
    size_t max_pending; /* 0: STORE_MAX_PENDING */
};

struct store_counts {
    uint64_t messages;       /* messages currently held */
    uint64_t calls;          /* calls currently held */
    uint64_t total_messages; /* ever added */
    uint64_t total_calls;
    uint64_t rotated_calls, rotated_messages;
    int64_t rotated_from_ns, rotated_to_ns; /* first and last capture time of them */
    uint64_t max_memory;                    /* the limit in force, 0: none */
    uint64_t no_call_id;                    /* messages without a Call-ID (kept in call "") */
    uint64_t mem;                           /* bytes charged */
    /* --match */
    uint64_t pending_calls, pending_messages;    /* held, not matched yet */
    uint64_t unmatched_ended, unmatched_evicted; /* calls dropped: ended / over the limit */
    uint64_t unmatched_messages;                 /* their messages */
};

struct store;
struct store *store_new(const struct store_opts *opts);
void store_free(struct store *s);

/* Registers an input so that message bytes can be re-read later; returns
 * its index (the `source` in store_input).  path may be "-" (not seekable). */
unsigned store_source_add(struct store *s, const char *path, bool seekable);
/* Opens the source's file for pread once it is known to be seekable. */
void store_source_open(struct store *s, unsigned source);

/* Adds a message.  Returns the call it went to (borrowed; valid until the
 * next store_add, which may rotate calls out). */
const struct store_call *store_add(struct store *s, const struct store_input *in);
/* Hints that in will be added soon: starts loading into the cache what
 * store_add will touch (a large store misses the cache on every lookup
 * otherwise).  Called in stages on the same input a few messages apart:
 * 0 its Call-ID slot, 1 its call, 2 the ends of the call's arrays. */
void store_prefetch(const struct store *s, const struct store_input *in, int stage);

/* Calls in creation order: index 0 .. store_ncalls()-1. */
size_t store_ncalls(const struct store *s);
const struct store_call *store_call_at(const struct store *s, size_t i);
/* By id; NULL once rotated out. */
const struct store_call *store_call_get(const struct store *s, uint64_t id);
const struct store_call *store_call_find(const struct store *s, const char *call_id, size_t n);
/* The B-legs of a call (calls whose X-Call-ID names it) and its A-leg. */
size_t store_call_blegs(const struct store *s, const struct store_call *c,
                        const struct store_call **out, size_t max);
const struct store_call *store_call_aleg(const struct store *s, const struct store_call *c);

/* Endpoint (address:port) of an endpoint id. */
const struct cap_addr *store_endpoint(const struct store *s, uint32_t ep);

/* Reads a message's bytes into out (reset first).  0 ok, -1 on I/O error. */
int store_msg_bytes(const struct store *s, const struct store_msg *m, struct strbuf *out);
/* Reads a message's bytes into bytes (reset first) and parses them into
 * *out, which points into bytes: keep bytes unchanged while out is used.
 * 0 when read and parsed as SIP; -1 when the bytes could not be read or
 * are not SIP.  Whatever the result, *out is a defined message (empty on a
 * failed read) and sip_msg_fini(out) must follow: a caller that reuses one
 * scratch buffer over many rows never frees what it did not parse. */
int store_msg_parse(const struct store *s, const struct store_msg *m, struct strbuf *bytes,
                    struct sip_msg *out);

void store_counts(const struct store *s, struct store_counts *out);
/* Increases on every change; views compare it to know when to redraw. */
uint64_t store_gen(const struct store *s);

/* Answered calls: answer to BYE (or to the last message), in ns; -1 for
 * the others.  Inline: --list asks it of every call. */
static inline int64_t store_call_duration(const struct store_call *c)
{
    if (!c->answer_ts)
        return -1;
    return (c->end_ts > c->answer_ts ? c->end_ts : c->last_ts) - c->answer_ts;
}

/* First INVITE to its final answer (2xx or failure), in ns; -1 if either
 * is missing (the --list SETUP column, the post-dial delay of a call). */
static inline int64_t store_call_setup(const struct store_call *c)
{
    if (!c->invite_ts || !c->final_ts)
        return -1;
    return c->final_ts - c->invite_ts;
}

/* Time from the transaction's request to this response, in ns (-1 if the
 * request was not seen). */
int64_t store_msg_response_time(const struct store_call *c, const struct store_msg *m);

#endif
