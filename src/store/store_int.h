/*
 * store_int.h: what store.c and dialog.c share.  Private to src/store.
 */
#ifndef SIPDX_STORE_INT_H
#define SIPDX_STORE_INT_H

#include "store.h"

struct store_source {
    char *path; /* owned */
    int fd;     /* for pread; -1 when the input is not seekable */
};

/* Retransmission state per direction of a call, as tshark keys it:
 * (Call-ID, source address and port, destination address and port). */
struct store_dir {
    uint32_t src_ep, dst_ep;
    uint32_t cseq;
    uint8_t method; /* enum sip_method; UNKNOWN compared by hash */
    uint8_t state;  /* DIR_NOTHING, DIR_REQUEST, DIR_PROVISIONAL, DIR_FINAL */
    uint16_t resp_code;
    uint64_t method_hash; /* of the CSeq method text (for extension methods) */
};

struct call_slot {
    uint64_t h;           /* hash of the Call-ID */
    struct store_call *c; /* NULL: empty */
};

struct store {
    struct store_opts opts;
    struct store_call **calls; /* creation order; [calls_head, ncalls_arr) live */
    size_t calls_head, ncalls_arr, calls_cap;
    uint64_t first_id, next_id; /* live ids: first_id .. next_id-1 */
    struct call_slot *slots;    /* Call-ID index: open addressing, at most half full */
    size_t nslots;
    struct cap_addr *eps; /* interned endpoints */
    size_t ep_count, ep_cap;
    uint32_t *ep_slots; /* open addressing over eps */
    size_t ep_slots_n;
    struct store_source *sources;
    size_t nsources;
    uint64_t nmsgs, total_msgs, total_calls, rotated_calls, rotated_msgs, no_call_id;
    int64_t rotated_from, rotated_to; /* capture times the rotated calls covered */
    uint64_t mem, gen;
    /* --match: pending calls, least recently active first; list 0 holds
     * calls still in progress, list 1 calls that reached a final state. */
    struct store_call *pend_head[2], *pend_tail[2];
    uint64_t npending, pending_msgs, pending_mem;
    uint64_t unmatched_ended, unmatched_evicted, unmatched_msgs;
    /* unanswered.c: INVITE calls waiting for a final response, earliest
     * deadline first; now is the newest capture time seen */
    struct store_watch {
        int64_t deadline;
        uint64_t id;
    } * watch;
    size_t nwatch, watch_cap;
    int64_t now;
};

enum call_kind store_kind_of(const struct store_input *in);
/* Updates transactions, retransmission marks and dialog state for message
 * m, just appended to c. */
void store_dialog_update(struct store *s, struct store_call *c, struct store_msg *m,
                         const struct store_input *in);

/* unanswered.c: after message m was added to c (c->state was before),
 * watch it for a final response if it now waits for one. */
void store_unanswered_watch(struct store *s, const struct store_call *c, const struct store_msg *m,
                            enum call_state before);
/* Marks UNANSWERED the watched calls whose deadline passed s->now. */
void store_unanswered_expire(struct store *s);

#endif
