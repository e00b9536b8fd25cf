/*
 * dialog: per-message bookkeeping inside a call: transactions (branch +
 * CSeq + method) with request-to-response times, retransmission marks that
 * agree with tshark's sip.resend, and the dialog state of INVITE calls and
 * other exchanges.
 *
 * Thread: the store's owner thread.  Called only from store_add().
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

enum {
    DIR_NOTHING = 0,
    DIR_REQUEST,
    DIR_PROVISIONAL,
    DIR_FINAL
};

static const char *const kind_names[] = {
    [CALL_KIND_INVITE] = "INVITE",   [CALL_KIND_REGISTER] = "REGISTER",
    [CALL_KIND_OPTIONS] = "OPTIONS", [CALL_KIND_SUBSCRIBE] = "SUBSCRIBE",
    [CALL_KIND_NOTIFY] = "NOTIFY",   [CALL_KIND_MESSAGE] = "MESSAGE",
    [CALL_KIND_PUBLISH] = "PUBLISH", [CALL_KIND_REFER] = "REFER",
    [CALL_KIND_INFO] = "INFO",       [CALL_KIND_OTHER] = "OTHER",
};

const char *call_kind_name(enum call_kind k)
{
    return (unsigned)k <= CALL_KIND_OTHER ? kind_names[k] : "OTHER";
}

static const char *const state_names[] = {
    [CALL_STATE_SETUP] = "CALL SETUP",
    [CALL_STATE_RINGING] = "RINGING",
    [CALL_STATE_IN_CALL] = "IN CALL",
    [CALL_STATE_COMPLETED] = "COMPLETED",
    [CALL_STATE_CANCELLED] = "CANCELLED",
    [CALL_STATE_REJECTED] = "REJECTED",
    [CALL_STATE_BUSY] = "BUSY",
    [CALL_STATE_DIVERTED] = "DIVERTED",
    [CALL_STATE_FAILED] = "FAILED",
    [CALL_STATE_PENDING] = "PENDING",
    [CALL_STATE_OK] = "OK",
    [CALL_STATE_ERROR] = "ERROR",
    [CALL_STATE_UNANSWERED] = "UNANSWERED",
};

const char *call_state_name(enum call_state s)
{
    return (unsigned)s <= CALL_STATE_UNANSWERED ? state_names[s] : "?";
}

static enum call_kind kind_from_method(enum sip_method m)
{
    switch (m) {
    case SIP_METHOD_INVITE:
        return CALL_KIND_INVITE;
    case SIP_METHOD_REGISTER:
        return CALL_KIND_REGISTER;
    case SIP_METHOD_OPTIONS:
        return CALL_KIND_OPTIONS;
    case SIP_METHOD_SUBSCRIBE:
        return CALL_KIND_SUBSCRIBE;
    case SIP_METHOD_NOTIFY:
        return CALL_KIND_NOTIFY;
    case SIP_METHOD_MESSAGE:
        return CALL_KIND_MESSAGE;
    case SIP_METHOD_PUBLISH:
        return CALL_KIND_PUBLISH;
    case SIP_METHOD_REFER:
        return CALL_KIND_REFER;
    case SIP_METHOD_INFO:
        return CALL_KIND_INFO;
    default:
        return CALL_KIND_OTHER;
    }
}

enum call_kind store_kind_of(const struct store_input *in)
{
    return kind_from_method(in->is_request ? in->method : in->cseq_method);
}

static enum sip_method kind_method(enum call_kind k)
{
    switch (k) {
    case CALL_KIND_INVITE:
        return SIP_METHOD_INVITE;
    case CALL_KIND_REGISTER:
        return SIP_METHOD_REGISTER;
    case CALL_KIND_OPTIONS:
        return SIP_METHOD_OPTIONS;
    case CALL_KIND_SUBSCRIBE:
        return SIP_METHOD_SUBSCRIBE;
    case CALL_KIND_NOTIFY:
        return SIP_METHOD_NOTIFY;
    case CALL_KIND_MESSAGE:
        return SIP_METHOD_MESSAGE;
    case CALL_KIND_PUBLISH:
        return SIP_METHOD_PUBLISH;
    case CALL_KIND_REFER:
        return SIP_METHOD_REFER;
    case CALL_KIND_INFO:
        return SIP_METHOD_INFO;
    default:
        return SIP_METHOD_UNKNOWN;
    }
}

/* ------------------------------------------------------------ resends */

/* tshark's rule (packet-sip.c, sip_is_packet_resend), so that our counts
 * equal `tshark -z sip,stat`: only UDP; state per (Call-ID, source
 * address:port, destination address:port); a request is resent when the
 * same CSeq number and method were already requested in that direction
 * (never ACK or CANCEL); a response is resent when the same final status
 * for the same CSeq was already sent that way.  A new CSeq resets. */
static bool detect_resend(struct store_call *c, const struct store_msg *m,
                          const struct store_input *in)
{
    struct store_dir *d = NULL;
    uint32_t i, cmp;
    uint64_t mh;
    bool resent = false;

    if (in->transport != CAP_TRANSPORT_UDP || !in->has_cseq)
        return false;
    /* A known method is its exact upper-case name, so its enum value
     * identifies the text; only extension methods need the hash. */
    if (in->cseq_method != SIP_METHOD_UNKNOWN)
        mh = 1 + (uint64_t)in->cseq_method;
    else
        mh = hash_bytes(in->cseq_method_str.p ? in->cseq_method_str.p : "",
                        in->cseq_method_str.p ? in->cseq_method_str.len : 0);
    for (i = 0; i < c->ndirs; i++) {
        if (c->dirs[i].src_ep == m->src_ep && c->dirs[i].dst_ep == m->dst_ep) {
            d = &c->dirs[i];
            break;
        }
    }
    if (d) {
        cmp = d->cseq;
        if (in->cseq != d->cseq) {
            d->cseq = in->cseq;
            d->method_hash = mh;
            d->state = DIR_NOTHING;
        }
    } else {
        /* Capacity doubles at 2, 4, 8 ...: one allocation for the usual
         * two directions. */
        if (c->ndirs == 0 || (c->ndirs >= 2 && (c->ndirs & (c->ndirs - 1)) == 0))
            c->dirs = xrealloc(c->dirs, (c->ndirs ? c->ndirs * 2 : 2) * sizeof(*c->dirs));
        d = &c->dirs[c->ndirs++];
        memset(d, 0, sizeof(*d));
        d->src_ep = m->src_ep;
        d->dst_ep = m->dst_ep;
        d->cseq = in->cseq;
        d->method_hash = mh;
        d->state = DIR_NOTHING;
        c->mem += sizeof(*d);
        cmp = 0;
    }
    if (in->is_request) {
        if (in->cseq == cmp && d->state == DIR_REQUEST && d->method_hash == mh &&
            in->cseq_method != SIP_METHOD_ACK && in->cseq_method != SIP_METHOD_CANCEL)
            resent = true;
        d->state = DIR_REQUEST;
    } else {
        if (in->cseq == cmp && d->state == DIR_FINAL && d->method_hash == mh && in->status >= 200 &&
            in->status == d->resp_code)
            resent = true;
        if (in->status >= 200) {
            d->resp_code = in->status;
            d->state = DIR_FINAL;
        } else {
            d->state = DIR_PROVISIONAL;
        }
    }
    d->cseq = in->cseq;
    return resent;
}

/* ------------------------------------------------------------ transactions */

#define TXN_SCAN 64 /* how far back a response looks for its transaction */

static uint16_t txn_find_or_add(struct store_call *c, const struct store_msg *m,
                                const struct store_input *in, uint32_t msg_index)
{
    uint64_t bh = !in->branch.p     ? 0
                  : in->branch_hash ? in->branch_hash
                                    : hash_bytes(in->branch.p, in->branch.len);
    uint32_t i, lo = c->ntxns > TXN_SCAN ? c->ntxns - TXN_SCAN : 0;
    struct store_txn *t;

    for (i = c->ntxns; i > lo; i--) {
        t = &c->txns[i - 1];
        if (t->branch_hash == bh && t->cseq == in->cseq && t->method == m->cseq_method)
            goto found;
    }
    if (c->ntxns == c->txns_cap) {
        size_t old = c->txns_cap;

        c->txns_cap = c->txns_cap ? c->txns_cap * 2 : 4;
        c->txns = xrealloc(c->txns, c->txns_cap * sizeof(*c->txns));
        c->mem += (c->txns_cap - old) * sizeof(*c->txns);
    }
    t = &c->txns[c->ntxns++];
    memset(t, 0, sizeof(*t));
    t->branch_hash = bh;
    t->cseq = in->cseq;
    t->method = m->cseq_method;
    t->first_req = UINT32_MAX;
found:
    if (in->is_request) {
        if (t->first_req == UINT32_MAX) {
            t->first_req = msg_index;
            t->req_ts = m->ts_ns;
        }
    } else {
        if (!t->first_resp_ts)
            t->first_resp_ts = m->ts_ns;
        if (in->status >= 200 && !t->final_status) {
            t->final_status = in->status;
            t->final_ts = m->ts_ns;
        }
    }
    /* A call with more than 65535 transactions shares the last slot id. */
    return (uint16_t)(t - c->txns > 0xffff ? 0xffff : t - c->txns);
}

/* ------------------------------------------------------------ dialog state */

static void set_final(struct store_call *c, const struct store_input *in)
{
    c->final_status = in->status;
    c->final_ts = in->ts_ns;
    free(c->final_reason);
    c->final_reason = xstrndup(in->reason.p ? in->reason.p : "", in->reason.p ? in->reason.len : 0);
}

static enum call_state failure_state(uint16_t status)
{
    if (status >= 300 && status < 400)
        return CALL_STATE_DIVERTED;
    switch (status) {
    case 486:
    case 600:
        return CALL_STATE_BUSY;
    case 487:
        return CALL_STATE_CANCELLED;
    case 401:
    case 403:
    case 407:
    case 488:
    case 603:
    case 606:
        return CALL_STATE_REJECTED;
    default:
        return CALL_STATE_FAILED;
    }
}

static void invite_state(struct store_call *c, const struct store_msg *m,
                         const struct store_input *in)
{
    bool initial_req = in->is_request && in->method == SIP_METHOD_INVITE && !in->to_tag.p;

    if (in->is_request) {
        if (initial_req && !c->established) {
            if (!c->invite_ts)
                c->invite_ts = m->ts_ns;
            c->initial_cseq = in->cseq;
            c->initial_cseq_set = true;
            /* a late retransmission keeps a call given up on */
            if (c->state != CALL_STATE_RINGING && c->state != CALL_STATE_UNANSWERED)
                c->state = CALL_STATE_SETUP;
        } else if (in->method == SIP_METHOD_CANCEL && !c->established) {
            c->state = CALL_STATE_CANCELLED;
        } else if (in->method == SIP_METHOD_BYE) {
            if (c->established && c->state != CALL_STATE_COMPLETED) {
                c->state = CALL_STATE_COMPLETED;
                c->end_ts = m->ts_ns;
            } else if (!c->established) {
                c->state = CALL_STATE_COMPLETED;
                if (!c->end_ts)
                    c->end_ts = m->ts_ns;
            }
        }
        return;
    }
    if (in->cseq_method != SIP_METHOD_INVITE || c->established)
        return;
    /* Only the initial INVITE transaction decides the call's outcome; a
     * failed re-INVITE (T.38 switch, hold) does not end the call. */
    if (c->initial_cseq_set && in->cseq != c->initial_cseq)
        return;
    if (in->status < 200) {
        if (in->status >= 180 && !c->ring_ts)
            c->ring_ts = m->ts_ns;
        if (in->status >= 180 &&
            (c->state == CALL_STATE_SETUP || c->state == CALL_STATE_UNANSWERED))
            c->state = CALL_STATE_RINGING;
        return;
    }
    set_final(c, in);
    if (in->status < 300) {
        c->state = CALL_STATE_IN_CALL;
        c->established = true;
        c->answer_ts = m->ts_ns;
    } else {
        /* A CANCEL already seen keeps the call "cancelled" whatever the
         * final answer says (487, or a 200 that raced it). */
        if (c->state != CALL_STATE_CANCELLED || in->status != 487)
            c->state = failure_state(in->status);
        c->end_ts = m->ts_ns;
    }
}

static void exchange_state(struct store_call *c, const struct store_input *in)
{
    enum sip_method km = kind_method(c->kind);

    if (in->is_request) {
        if (in->method == km || (km == SIP_METHOD_UNKNOWN && c->nmsgs == 1))
            c->state = CALL_STATE_PENDING;
        return;
    }
    if (in->status < 200)
        return;
    if (km != SIP_METHOD_UNKNOWN && in->cseq_method != km)
        return;
    set_final(c, in);
    c->state = in->status < 300 ? CALL_STATE_OK : CALL_STATE_ERROR;
}

static char *dup_opt(struct store_str s)
{
    return s.p ? xstrndup(s.p, s.len) : NULL;
}

void store_dialog_update(struct store *s, struct store_call *c, struct store_msg *m,
                         const struct store_input *in)
{
    (void)s;
    if (detect_resend(c, m, in)) {
        m->flags |= STORE_MSG_RESENT;
        c->nretrans++;
    }
    m->txn = txn_find_or_add(c, m, in, c->nmsgs - 1);
    if (!c->xcall_id && in->xcall_id.p && in->xcall_id.len) {
        c->xcall_id = dup_opt(in->xcall_id);
        c->mem += in->xcall_id.len + 1;
    }
    if (!c->session_hash && in->session_hash)
        c->session_hash = in->session_hash;
    if (!c->from_tag_hash && in->is_request && in->from_tag.p && in->from_tag.len)
        c->from_tag_hash = hash_bytes(in->from_tag.p, in->from_tag.len) | 1;
    if (!c->user_agent && in->user_agent.p && in->user_agent.len) {
        c->user_agent = dup_opt(in->user_agent);
        c->mem += in->user_agent.len + 1;
    }
    if (c->kind == CALL_KIND_INVITE)
        invite_state(c, m, in);
    else
        exchange_state(c, in);
}
