/*
 * diag: findings over a call and over a whole capture (issue #8), and the
 * "in context" reading of a response (issue #5 item 6).
 *
 * A rule looks at the messages of one call (re-read from the store and
 * parsed), or at every call (authentication bursts from one source), and
 * produces findings: a severity, the rule (its title, explanation and
 * advice in English and Russian live in a table in src/diag/text.c), a line
 * of facts taken from the capture, and the messages it points at (call id +
 * message index).  Nothing here prints: callers format the findings.
 *
 * Pure and curses-free.  The store has one owner thread (store.h); these
 * functions read it, so they run on that thread.  Everything returned is
 * owned by the caller's struct diag_list, or static.
 */
#ifndef SIPDX_DIAG_H
#define SIPDX_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_call;
struct kb;
struct strbuf;

enum diag_sev {
    DIAG_SEV_NONE = 0,
    DIAG_SEV_INFO,    /* worth knowing, not a fault */
    DIAG_SEV_WARNING, /* likely to cause trouble, or a fault depending on context */
    DIAG_SEV_PROBLEM, /* the call failed or will fail because of it */
};

enum diag_rule {
    DIAG_NAT_PRIVATE = 0, /* private address in Via/Contact/SDP vs the packet's source */
    DIAG_NAT_RPORT,       /* NATed client without ;rport */
    DIAG_NAT_RECEIVED,    /* server did not add received=/rport= for a NATed client */
    DIAG_ALG,             /* signs of SIP ALG rewriting */
    DIAG_INVITE_TIMEOUT,  /* INVITE retransmitted with no response (Timer A/B) */
    DIAG_INVITE_408,      /* 408 after the INVITE was retransmitted downstream */
    DIAG_NO_ACK,          /* 2xx retransmitted with no ACK (BYE near 32 s) */
    DIAG_AUTH_REJECTED,   /* credentials sent and challenged / refused again */
    DIAG_AUTH_NO_RETRY,   /* challenge never answered with credentials */
    DIAG_AUTH_STALE,      /* stale nonce re-challenge (benign when the retry works) */
    DIAG_AUTH_BAN,        /* burst of auth failures from one source (fail2ban) */
    DIAG_INTERVAL_BRIEF,  /* 423 / Min-Expires not honoured */
    DIAG_LOOP,            /* 482/483, Max-Forwards exhaustion */
    DIAG_CODEC,           /* offer/answer with no common codec */
    DIAG_DTMF,            /* telephone-event on one side only */
    DIAG_SESSION_422,     /* 422 / Min-SE not honoured */
    DIAG_SESSION_EXPIRED, /* BYE at Session-Expires with no refresh */
    DIAG_GLARE,           /* 491 re-INVITE glare */
    DIAG_CANCEL_RACE,     /* 200 OK to the INVITE after CANCEL */
    DIAG_UDP_MTU,         /* SIP over UDP larger than 1300 bytes */
    /* media (rtp module: diag_call_media) */
    DIAG_RTP_NONE,    /* answered, no RTP at all */
    DIAG_RTP_ONE_WAY, /* RTP in one direction only */
    DIAG_RTP_NAT,     /* RTP from an address the SDP did not announce */
    DIAG_RTP_PT,      /* payload type the receiver did not offer */
    DIAG_RTP_LOSS,    /* packet loss above RTP_LOSS_PCT */
    DIAG_RTP_JITTER,  /* jitter above RTP_JITTER_MS */
    DIAG_RTP_DTMF,    /* RFC 4733 events the receiver did not offer */
    /* the response itself names the cause (src/diag/causes.c) */
    DIAG_CAUSE_NUMBER,        /* 404/604/410/485: number unknown to the dial plan */
    DIAG_CAUSE_INCOMPLETE,    /* 484: address incomplete */
    DIAG_CAUSE_ROUTE,         /* no route / gateway for the destination */
    DIAG_CAUSE_BILLING,       /* 402, "No money left" and the like */
    DIAG_CAUSE_UNAVAILABLE,   /* 480: callee not registered, offline, DND */
    DIAG_CAUSE_OVERLOAD,      /* 503 (+ Retry-After), call-rate or licence limits */
    DIAG_CAUSE_SERVER,        /* 500/502/504: a fault at the far end */
    DIAG_CAUSE_POLICY,        /* 403 without a credentials problem, 607/608 */
    DIAG_CAUSE_METHOD,        /* 405/501 */
    DIAG_CAUSE_EXTENSION,     /* 420/421: Require / Unsupported */
    DIAG_CAUSE_BAD_REQUEST,   /* 400/413/414/416/505/513 */
    DIAG_CAUSE_REDIRECT,      /* 3xx not followed, redirect loop, target unreachable */
    DIAG_CAUSE_OTHER,         /* any other failure: the response as the far end gave it */
    DIAG_NO_ANSWER,           /* rang, then 408/480: nobody picked up (info) */
    DIAG_DIALOG_481,          /* 481 to an in-dialog request (BYE, re-INVITE) */
    DIAG_CONTACT_UNREACHABLE, /* ACK/BYE sent to a Contact nobody answers */
    DIAG_SDP_SRTP,            /* SRTP/DTLS offered to a plain RTP peer, or the reverse */
    DIAG_SDP_T38,             /* T.38 fax re-INVITE refused */
    DIAG_SDP_VIDEO,           /* video refused */
    DIAG_SDP_PTIME,           /* ptime mismatch */
    DIAG_PRACK_MISSING,       /* reliable 18x retransmitted, no PRACK */
    /* capture-wide (src/diag/sweep.c) */
    DIAG_REG_LAPSED,  /* callee's registration expired / removed / refused before the call */
    DIAG_SCAN,        /* one source sweeping extensions (scanner, brute force) */
    DIAG_DEAD_DEST,   /* every request to one address unanswered */
    DIAG_TRUNK_ONSET, /* a destination answering, then failing every call from a moment */
    /* across the legs of a call (src/diag/legs_cause.c) */
    DIAG_LEG_CAUSE, /* the failure came from another leg, maybe under another code */
    DIAG_RULE__COUNT
};

#define DIAG_MAX_MSGS 4
/* The rules read the first this many messages of a call (about 700 bytes
 * of facts each while a call is diagnosed): an endless OPTIONS or REGISTER
 * dialog costs bounded memory. */
#define DIAG_MAX_CALL_MSGS 20000

struct diag_finding {
    enum diag_rule rule;
    enum diag_sev sev;
    uint64_t call;                /* store call id (store_call_get) */
    uint32_t msgs[DIAG_MAX_MSGS]; /* message indexes in that call */
    uint8_t nmsgs;
    char facts[256]; /* what the capture shows: addresses, codes, counts
                        (SIP terms and numbers, not translated; from
                        the wire, so escape it before printing) */
};

struct diag_list {
    struct diag_finding *v; /* owned */
    size_t n, cap;
};
void diag_list_init(struct diag_list *l);
void diag_list_fini(struct diag_list *l);
void diag_list_reset(struct diag_list *l);

/* Texts of a rule in a language ("ru" -> Russian, anything else English). */
struct diag_text {
    const char *id; /* "NAT-01": stable, not translated */
    const char *title;
    const char *explain;
    const char *advice;
};
const struct diag_text *diag_rule_text(enum diag_rule r, const char *lang);
/* 0 for a cause seen across the capture (a lapsed registration, a scan, a
 * destination that never answers, a ban), 1 for a cause seen in the call,
 * 2 for what followed from a cause (a timer expiring, a 200 retransmitted,
 * media gone): within a severity, lower ranks are listed first. */
int diag_rule_rank(enum diag_rule r);
/* qsort order of findings: call, severity (highest first), rank, first
 * message, rule. */
int diag_finding_cmp(const void *a, const void *b);
/* "info", "warning", "problem" ("" for NONE). */
const char *diag_sev_name(enum diag_sev s);

/* Runs the per-call rules on c and appends its findings to out (in message
 * order).  Returns the highest severity found (DIAG_SEV_NONE: none). */
enum diag_sev diag_call(const struct store *s, const struct store_call *c, struct diag_list *out);
/* Every call's findings plus the capture-wide ones (auth bursts), sorted by
 * severity (highest first), then call, then message. */
void diag_capture(const struct store *s, struct diag_list *out);
/* Across the legs of each call (legs.h): a failed call whose failure came
 * from an outgoing leg says so, with that leg's code ("the trunk answered
 * 503 on leg B; the B2BUA turned it into 480 here"). */
struct legs;
void diag_legs(const struct store *s, const struct legs *l, struct diag_list *out);
/* The media findings of c (src/rtp: rtp_call_findings over the RTP table
 * the loader filled) appended to out as DIAG_RTP_* findings (no message
 * references); none when the capture holds no RTP at all.  Returns the
 * highest severity added. */
struct rtp_table;
enum diag_sev diag_call_media(const struct rtp_table *t, const struct store *s,
                              const struct store_call *c, struct diag_list *out);

/* ---- TLS handshakes (src/diag/tls_handshake.c) ---- */
struct cap_tls_fact;
/* One line (no newline) saying what went wrong in a TLS handshake: the
 * alert, who sent it and what it means, versions and suites, the
 * certificate's dates and name; in lang ("ru" or English, as kb_new). */
void diag_tls_fact_text(const struct cap_tls_fact *f, const char *lang, struct strbuf *out);

/* ---- responses in context ---- */

enum diag_ctx {
    DIAG_CTX_PLAIN = 0, /* nothing known beyond the code: use the kb's severity */
    DIAG_CTX_NORMAL,    /* normal in this flow (challenge answered and accepted,
                           487 after our CANCEL, 481 to a late duplicate) */
    DIAG_CTX_FAILURE,   /* a failure in this flow (challenge whose retry failed or
                           never came) */
};
/* How the response at message index i of c reads in its flow. */
enum diag_ctx diag_response_context(const struct store *s, const struct store_call *c, uint32_t i);
/* Index of the message carrying c's final status, or UINT32_MAX. */
uint32_t diag_call_final_msg(const struct store_call *c);
/* Short context word for a response: "normal here", "failed here" ("" for PLAIN),
 * in the kb's language. */
const char *diag_ctx_label(enum diag_ctx ctx, const char *lang);

/* The Reason (Q.850 cause) and Warning headers of a response, explained from
 * the kb: appends "Q.850 17 User busy; Warning 399 <text>" (escaped for the
 * terminal) to out.  Returns the number of items appended. */
int diag_response_extras(const struct kb *kb, const char *bytes, size_t len, struct strbuf *out);
/* What diag_response_extras() writes for a message whose only addition is
 * one Q.850 cause (store_msg.q850): "Q.850 34 <short text>". */
void diag_q850_note(const struct kb *kb, int cause, struct strbuf *out);
/* Same as JSON members: appends ,"q850":{"cause":17,"title":..,"short":..}
 * and ,"warning":{"code":399,"text":..,"title":..} when present. */
void diag_response_extras_json(const struct kb *kb, const char *bytes, size_t len,
                               struct strbuf *out);

#endif
