/*
 * compare: a failed call held against a good one.  Aligns the two flows
 * transaction by transaction, says where the failed flow first departs,
 * and lists what differs in the requests both sent: headers present in
 * one only, header values (per-call values such as tags, branches,
 * Call-IDs, CSeq numbers, nonces, Content-Length and dates ignored), the
 * request-URI host and the form of each number, transport, size and IP
 * fragmentation, SDP (codecs, ptime, address class, crypto, direction),
 * and response times.  A difference whose failed value no good call on
 * the route shares "separates" the failed call, and those come first.
 *
 * Pure (no curses): any thread, on a store nobody adds to.  Message bytes
 * are re-read with store_msg_bytes.  The result is owned by the caller.
 */
#ifndef SIPDX_COMPARE_H
#define SIPDX_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_call;

#define COMPARE_TEXT 160

struct compare_diff {
    char what[96];             /* "header Privacy", "SDP codecs", "transport", ... */
    char failed[COMPARE_TEXT]; /* the failed call's value ("(absent)" when none) */
    char good[COMPARE_TEXT];   /* the good call's */
    int txn;                   /* aligned transaction (1-based) it was seen in, 0: call */
    bool separates;            /* no good call on the route has the failed value */
};

struct compare_result {
    uint64_t failed, good;      /* store_call ids */
    size_t ngood_on_route;      /* answered calls on the failed call's route */
    int divergence_txn;         /* 1-based aligned transaction where the flows part; 0: none */
    char divergence[320];       /* what happens there, in words ("" when none) */
    struct compare_diff *diffs; /* owned: separating first, then in message order */
    size_t ndiffs;
};

/* The answered INVITE call most like failed: the same route (destination
 * address) and request-URI host, the same called number if any is, then
 * the nearest in time.  NULL when there is none. */
const struct store_call *compare_pick_good(const struct store *s, const struct store_call *failed);

/* Compares failed with good into out (compare_fini after).  0, or -1 when
 * a message could not be read (out says what was compared up to there). */
int compare_calls(const struct store *s, const struct store_call *failed,
                  const struct store_call *good, struct compare_result *out);
void compare_fini(struct compare_result *r);
/* The result as text lines (--compare, the console's compare view),
 * appended to out; every value in it is escaped already. */
struct strbuf;
void compare_format_text(const struct store_call *failed, const struct store_call *good,
                         const struct compare_result *r, struct strbuf *out);

#endif
