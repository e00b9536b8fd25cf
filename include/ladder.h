/*
 * ladder: the call flow of one call or of several merged calls as data,
 * drawn by every ladder output (--flow text and JSON, the console's
 * ladder, the --save text and the sharing formats) and by nothing else.
 *
 *   lanes  one per endpoint (address:port), or per IP address when
 *          collapsed, in order of first appearance; named by the alias the
 *          settings give, else by the address.
 *   rows   one per message (and, when asked, one per RTP stream at its
 *          first packet), in time order: time, delta, from/to lane, label,
 *          SDP summary, resent mark, the note on the arrow, whether it is a
 *          failure, and the findings (diag.h) that point at it.
 *
 * The two policies every drawing shares live here too, one function each:
 * what counts as a failure (ladder_is_failure) and what the note on a
 * response's arrow says (ladder_response_note).
 *
 * All text in the model is escaped for display (sb_append_escaped: control
 * characters, DEL, backslash, invalid UTF-8 and bidi controls as escapes);
 * a renderer adds only its own format's quoting (HTML entities, ...).
 *
 * Pure and curses-free.  Built on the store's owner thread (it reads the
 * store); the built model holds no pointer into the store (call ids and
 * message indexes only), so a view may keep it across ticks.
 */
#ifndef SIPDX_LADDER_H
#define SIPDX_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct filter;
struct kb;
struct kb_entry;
struct rtp_table;
struct settings;
struct store;
struct store_call;
struct strbuf;

#define LADDER_MAX_LANES    64 /* more endpoints than this share the last lane */
#define LADDER_ROW_FINDINGS 16

struct ladder_lane {
    uint32_t ep;    /* the first endpoint id seen in this lane */
    bool collapsed; /* stands for every port of its IP address */
    char name[64];  /* escaped alias, or "10.0.0.1:5060" / "10.0.0.1" */
    char addr[64];  /* the address as above, even when an alias names it */
};

/* One call of the model (its header line). */
struct ladder_call {
    uint64_t id;           /* store call id */
    bool bleg;             /* a B-leg of the first call */
    char *call_id;         /* owned, escaped */
    const char *kind;      /* static: call_kind_name */
    const char *state;     /* static: call_state_name */
    char *from, *to;       /* owned, escaped users */
    unsigned final_status; /* 0 when none */
    char *final_reason;    /* owned, escaped; "" when none */
    int64_t first_ts, last_ts;
};

struct ladder_row {
    uint64_t call;    /* store call id */
    uint32_t leg;     /* index into ladder.calls */
    uint32_t idx;     /* message index in the call (media rows: UINT32_MAX) */
    int64_t ts_ns;    /* capture time */
    int64_t delta_ns; /* since the previous row (0 for the first) */
    uint64_t frame;   /* frame number in its capture */
    uint32_t src_ep, dst_ep;
    uint32_t from, to; /* lane indexes */
    unsigned status;   /* responses: the code; 0 for requests and media */
    bool request, resent, failure;
    bool unreadable;   /* the bytes could not be read or are not SIP */
    bool media;        /* an RTP stream, not a message */
    uint32_t stream;   /* media: rtp_stream id */
    char *label;       /* owned, escaped: "INVITE", "487 Request Terminated",
                          "RTP PCMU 50 pkts" ("(unreadable)" if the bytes went) */
    char *sdp;         /* owned, escaped: "PCMU,PCMA 10.0.0.1:4000", or NULL */
    char *note;        /* owned, escaped: ladder_response_note, or NULL */
    char *first_line;  /* owned, escaped: the message's start line ("" media) */
    enum diag_sev sev; /* the highest severity of the findings below */
    uint32_t findings[LADDER_ROW_FINDINGS]; /* indexes into ladder.findings */
    uint8_t nfindings;
};

struct ladder {
    struct ladder_lane *lanes; /* owned */
    size_t nlanes;
    struct ladder_row *rows; /* owned, time order */
    size_t nrows;
    struct ladder_call *calls; /* owned, in the order given */
    size_t ncalls;
    struct diag_list findings; /* owned: every finding of the calls */
};

struct ladder_opts {
    const struct kb *kb;            /* notes and explanations (NULL: none) */
    const struct filter *only;      /* only the messages it matches (-Y, F) */
    const struct settings *aliases; /* lane names (NULL: addresses) */
    const struct rtp_table *rtp;    /* one row per RTP stream (NULL: none) */
    bool collapse;                  /* one lane per IP address */
};

/* Builds the model of these calls (NULLs are skipped) merged in time
 * order.  l is initialised here; ladder_fini frees it. */
void ladder_build(struct ladder *l, const struct store *s, const struct store_call *const *calls,
                  size_t ncalls, const struct ladder_opts *o);
void ladder_fini(struct ladder *l);

/* ---- the two policies ---- */

/* Whether a response is a failure, read in its flow (diag.h): a final code
 * >= 400 that is not normal where it stands (a challenge answered and
 * accepted, a 487 after our CANCEL); a 401/407 counts only when its flow
 * says it failed (ctx PLAIN: no flow known, a challenge is not a failure). */
bool ladder_is_failure(unsigned status, enum diag_ctx ctx);

/* The kb entry explaining a response (code + reason phrase, else its
 * class), or NULL. */
const struct kb_entry *ladder_explain(const struct kb *kb, unsigned code, const char *reason,
                                      size_t len);

/* The note on response i of c: the kb short text of e (may be NULL),
 * "[normal here]" / "[failed here]", then its Reason (Q.850) and Warning
 * headers explained; escaped, appended to out.  i is a response's index
 * (an index past the call's end adds e's text alone).
 * Safe on --list's helper threads (reads a store that no longer loads). */
void ladder_response_note(const struct store *s, const struct kb *kb, const struct store_call *c,
                          uint32_t i, const struct kb_entry *e, struct strbuf *out);

/* The Reason (Q.850) and Warning headers of response i of c explained:
 * text ("Q.850 17 User busy; Warning ...") or, json, the ,"q850":{..}
 * ,"warning":{..} members; appended to out, nothing when it has none. */
void ladder_response_extras(const struct store *s, const struct kb *kb, const struct store_call *c,
                            uint32_t i, bool json, struct strbuf *out);

/* ---- drawings ---- */

/* The --flow text: the calls' header lines, the lane names, then per row a
 * label line and an arrow line with time, delta, note and finding ids. */
void ladder_render_text(const struct ladder *l, struct strbuf *out);
/* The --flow --json document (one object, one line). */
void ladder_render_json(const struct ladder *l, struct strbuf *out);

#endif
