/*
 * filter: the display/match filter language (DESIGN.md "The filter language").
 *
 * filter_compile() turns text such as
 *     sip.msg.call-id = "x" or sip.msg.status >= 400
 * into an immutable tree (regular expressions compiled once, with PCRE2 JIT);
 * filter_match() evaluates it against an abstract subject that hands out the
 * values of a field through a callback, so the store can serve indexed fields
 * from its index and re-read message bytes only for the fields that need it
 * (filter_needs()).
 *
 * The grammar accepts every Asterisk res_pjsip_history expression and the
 * usual Wireshark display-filter spellings.  Precedence is Wireshark's:
 * not > and > or.  (Asterisk gives "and" and "or" the same precedence and
 * evaluates left to right, so there "a or b and c" means "(a or b) and c";
 * that is a quirk we deliberately do not copy: here it means "a or (b and c)".)
 *
 * Multi-valued fields (several Via, several addresses): a comparison is true
 * when ANY value satisfies it.  "!=" is Wireshark's: the field has at least
 * one value and no value equals the literal, i.e. "f != x" is "f and not f == x"
 * (so it is false when the field is absent, as Asterisk's "!=" on a response's
 * method is).  Write "not f == x" to also accept absent fields.
 *
 * Literals: "..." (C escapes) or '...' (raw) or a bare word (Asterisk's CLI
 * strips quotes, so "method = INVITE" works).  Addresses: 10.0.0.1 (any
 * port), 10.0.0.1:5060, [::1]:5060 (quoted), 10.0.0.0/8, fd00::/8; "addr"
 * is source or destination.  Times: epoch seconds or "YYYY-MM-DD HH:MM[:SS]"
 * (local time, "Z"/" UTC" suffix for UTC); a literal without a fraction
 * compares whole seconds (Asterisk compares tv_sec), one with a fraction
 * compares exactly.  Durations (call.duration): seconds, "500ms", "2m",
 * compared exactly.  "~"/"matches" are caseless PCRE2, "like" is
 * case-sensitive PCRE2 (Asterisk: unanchored POSIX ERE), "contains" is a
 * case-sensitive substring, "==" is exact.  Sets: in {a, b, 100..199}.
 *
 * Pure code, no curses, no threads.  A compiled filter is immutable except
 * for per-regex match scratch: evaluate one filter from one thread at a time
 * (compile a second one for another thread).
 */
#ifndef SIPDX_FILTER_H
#define SIPDX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct sip_msg;
struct store;
struct store_call;
struct store_msg;
struct strbuf;

/* Fields a subject may be asked for.  Composite fields (addr = src or dst,
 * port = src.port or dst.port) are split by the evaluator: a subject is
 * never asked for FILTER_F_ADDR or FILTER_F_PORT. */
enum filter_field {
    FILTER_F_NUMBER = 0,  /* int: message number (Asterisk history entry, frame) */
    FILTER_F_TIMESTAMP,   /* time: absolute, epoch ns */
    FILTER_F_ADDR,        /* addr: src or dst (never asked) */
    FILTER_F_SRC,         /* addr: source IP and port */
    FILTER_F_DST,         /* addr: destination IP and port */
    FILTER_F_PORT,        /* int: src or dst port (never asked) */
    FILTER_F_SRC_PORT,    /* int */
    FILTER_F_DST_PORT,    /* int */
    FILTER_F_TRANSPORT,   /* str: UDP TCP TLS WS WSS SCTP */
    FILTER_F_METHOD,      /* str: request method; no value for responses */
    FILTER_F_CALL_ID,     /* str */
    FILTER_F_STATUS,      /* int: response code; no value for requests */
    FILTER_F_REASON,      /* str: reason phrase of the status line */
    FILTER_F_CSEQ_METHOD, /* str */
    FILTER_F_CSEQ_SEQ,    /* int */
    FILTER_F_FROM,        /* str: the From URI */
    FILTER_F_FROM_USER,
    FILTER_F_FROM_HOST,
    FILTER_F_FROM_TAG,
    FILTER_F_TO,
    FILTER_F_TO_USER,
    FILTER_F_TO_HOST,
    FILTER_F_TO_TAG,
    FILTER_F_RURI, /* str: request URI; no value for responses */
    FILTER_F_RURI_USER,
    FILTER_F_RURI_HOST,
    FILTER_F_CONTACT, /* str: each Contact URI */
    FILTER_F_CONTACT_USER,
    FILTER_F_CONTACT_HOST,
    FILTER_F_VIA,           /* str: each Via value */
    FILTER_F_USER_AGENT,    /* str */
    FILTER_F_HEADER,        /* str: each value of the header named by key */
    FILTER_F_BODY,          /* str: the whole body */
    FILTER_F_SDP_MEDIA,     /* str: each m= type (audio, video, image) */
    FILTER_F_SDP_CODEC,     /* str: each codec name (rtpmap or static PT name) */
    FILTER_F_SDP_CONN,      /* addr: each c= address (port 0) */
    FILTER_F_SDP_PORT,      /* int: each m= port */
    FILTER_F_CALL_STATE,    /* str: call-level */
    FILTER_F_CALL_DURATION, /* time: relative ns, call-level */
    FILTER_F_CALL_FAILED,   /* int 0/1: call-level */
    FILTER_F_EXT,           /* str: each user part of From/To/R-URI/Contact/PAI */
    FILTER_F_HEP_AGENT,     /* str: HEP capture agent id (decimal) or name */
    FILTER_F_RESENT,        /* int 0/1: a retransmission (Wireshark's sip.resend) */
    FILTER_F_CALL_LEGS,     /* int: other legs of the end-to-end call (legs.h) */
    FILTER_F_CALL_LEG_OF,   /* str: each Call-ID of the end-to-end call, its own too */
    FILTER_F__COUNT
};

/* What a subject must provide for a filter (bits of filter_needs()). */
enum {
    FILTER_NEEDS_INDEX = 1u << 0,   /* fields a store index keeps per message */
    FILTER_NEEDS_HEADERS = 1u << 1, /* other header fields: re-read message bytes */
    FILTER_NEEDS_BODY = 1u << 2,    /* body / SDP */
    FILTER_NEEDS_CALL = 1u << 3,    /* call-level fields (call.*) */
    FILTER_NEEDS_LEGS = 1u << 4,    /* call.legs, call.leg_of: filter_set_legs() first */
};

enum filter_vtype {
    FILTER_V_STR = 0, /* s, len (not NUL-terminated) */
    FILTER_V_INT,     /* i */
    FILTER_V_ADDR,    /* addr */
    FILTER_V_TIME,    /* i = nanoseconds (epoch for timestamps, relative for durations) */
};

struct filter_addr {
    uint8_t family; /* 4 or 6; 0 = none */
    uint8_t ip[16]; /* network order; IPv4 in the first 4 bytes */
    uint16_t port;  /* 0 = no port */
};

struct filter_value {
    enum filter_vtype type;
    const char *s; /* borrowed for the duration of the emit() call */
    size_t len;
    int64_t i;
    struct filter_addr addr;
};

/* emit() returns true when it has seen enough (the subject may then stop
 * emitting; it is also fine to carry on). */
typedef bool (*filter_emit_fn)(void *ectx, const struct filter_value *v);

struct filter_subject {
    void *ctx;
    /* Call emit() once per value of `field` (key: the header name for
     * FILTER_F_HEADER, else NULL); return without calling it when the field
     * has no value.  A subject may emit FILTER_V_STR for any field: the
     * evaluator converts ("5060" for an int field, "10.0.0.1" for an addr). */
    void (*values)(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                   void *ectx);
};

struct filter;

/* Compiles src.  Returns an owned filter, or NULL with d filled (d->col is the
 * 1-based column of the problem, d->msg says what was expected).  Never
 * touches any previous filter: on error the caller keeps its old one. */
struct filter *filter_compile(const char *src, struct err *d);
void filter_free(struct filter *f);                /* accepts NULL */
const char *filter_source(const struct filter *f); /* the text it was compiled from */
unsigned filter_needs(const struct filter *f);     /* FILTER_NEEDS_* bits */
/* The end-to-end calls call.legs and call.leg_of read (legs.h; borrowed,
 * with the store it was built on, until the next call or filter_free).
 * Without them those fields are absent: a comparison is false. */
struct legs;
void filter_set_legs(struct filter *f, const struct legs *l);
bool filter_match(const struct filter *f, const struct filter_subject *s);

/* Parses "10.0.0.1", "10.0.0.1:5060", "::1", "[::1]:5060" (n bytes, no NUL
 * needed).  0 on success, -1 otherwise. */
int filter_addr_parse(const char *s, size_t n, struct filter_addr *a);

/* ---- a subject over one parsed SIP message (src/filter/sipmsg.c) ---- */

/* Everything the message bytes do not say; fill what you know.  Call-level
 * fields are absent unless has_call is set. */
struct filter_msg_meta {
    uint64_t number;
    int64_t ts_ns; /* 0 = unknown */
    struct filter_addr src, dst;
    const char *transport; /* borrowed; NULL = unknown */
    const char *hep_agent; /* borrowed; NULL = not from HEP */
    int resent;            /* 1 a retransmission, 0 not, -1 unknown (no store) */
    bool has_call;
    const char *call_state; /* borrowed */
    int64_t call_duration_ns;
    bool call_failed;
};
struct filter_msg_subject {
    const struct sip_msg *msg;          /* borrowed */
    const struct filter_msg_meta *meta; /* borrowed */
};
/* Fills s so that filter_match() reads fields from msg and meta; ms holds the
 * pointers and must outlive s.  No allocation. */
void filter_subject_msg(struct filter_subject *s, struct filter_msg_subject *ms,
                        const struct sip_msg *msg, const struct filter_msg_meta *meta);

/* ---- a subject over a message in the store (src/filter/store_subject.c) ----
 * Indexed fields come from the store's index; any other field makes it read
 * the message bytes once (bytes/len when the caller has them, else
 * store_msg_bytes into scratch) and parse them.  c supplies the call.*
 * fields (NULL: they are absent).  f NULL matches everything. */
bool filter_match_stored(const struct filter *f, const struct store *st, const struct store_call *c,
                         const struct store_msg *m, const char *bytes, size_t len,
                         struct strbuf *scratch);
/* A call matches when any of its messages does. */
bool filter_match_call(const struct filter *f, const struct store *st, const struct store_call *c,
                       struct strbuf *scratch);
/* --match: a store_match_fn (store.h); ctx is a struct filter_store_matcher.
 * Tests the call's newest message; when the filter reads call.* fields, also
 * the older ones (the call's state changed). */
struct store_input;
struct filter_store_matcher {
    const struct filter *f; /* borrowed */
    struct strbuf *scratch; /* owned */
};
/* f stays the caller's; scratch is owned by the matcher. */
struct filter_store_matcher *filter_store_matcher_new(const struct filter *f);
void filter_store_matcher_free(struct filter_store_matcher *fm); /* accepts NULL */
bool filter_store_match(void *ctx, const struct store *st, const struct store_call *c,
                        const struct store_input *in);
/* call.duration: answer to BYE (or to the last message); 0 if never answered. */
int64_t filter_call_duration(const struct store_call *c);
/* call.failed: rejected, busy or failed (not cancelled, not diverted). */
bool filter_call_failed(const struct store_call *c);

#endif
