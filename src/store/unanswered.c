/*
 * unanswered: INVITE calls that never got a final response.  A call in
 * CALL SETUP whose first INVITE is older than Timer B (64*T1 = 32 s, RFC
 * 3261 17.1.1.2) in capture time, or in RINGING whose last provisional
 * response is older than Timer C (more than 3 minutes, RFC 3261 16.6 step
 * 11: a proxy gives up on a ringing branch then), is UNANSWERED: the
 * client has given up by then, whatever the capture shows later.  Timer C
 * and not Timer B for a ringing call because a phone may ring for a
 * minute before anyone answers; that is not a failure.
 *
 * Cost: a min-heap of (deadline, call id) with one entry per call waiting
 * in those two states; each message compares the heap's top with the
 * capture clock (the newest timestamp seen), so the hot path pays one
 * comparison.  An entry is checked when it falls due: the call may have
 * moved on (answered, rotated out) or rung again (a new deadline).
 * Thread: the store's owner thread (store_add).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"
#include "util.h"

/* When c, waiting, is given up on: Timer C after the last provisional
 * response to its INVITE (a 100 Trying too: the client transaction is then
 * Proceeding and Timer B no longer runs), else Timer B after the first
 * INVITE; INT64_MAX when the capture never showed the INVITE (started
 * mid-call: nothing to judge by). */
static int64_t deadline_of(const struct store_call *c)
{
    uint32_t i;

    for (i = c->nmsgs; i > 0; i--) {
        const struct store_msg *m = &c->msgs[i - 1];

        if (!(m->flags & STORE_MSG_REQUEST) && m->status < 200 &&
            m->cseq_method == SIP_METHOD_INVITE &&
            (!c->initial_cseq_set || m->cseq == c->initial_cseq))
            return m->ts_ns + STORE_TIMER_C_NS;
    }
    return c->invite_ts ? c->invite_ts + STORE_TIMER_B_NS : INT64_MAX;
}

static bool waiting(const struct store_call *c)
{
    return c->kind == CALL_KIND_INVITE && !c->pending &&
           (c->state == CALL_STATE_SETUP || c->state == CALL_STATE_RINGING);
}

static void heap_push(struct store *s, int64_t deadline, uint64_t id)
{
    size_t i;

    if (s->nwatch == s->watch_cap) {
        s->watch_cap = s->watch_cap ? s->watch_cap * 2 : 256;
        s->watch = xrealloc(s->watch, s->watch_cap * sizeof(*s->watch));
    }
    i = s->nwatch++;
    while (i > 0 && s->watch[(i - 1) / 2].deadline > deadline) {
        s->watch[i] = s->watch[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->watch[i].deadline = deadline;
    s->watch[i].id = id;
}

static void heap_pop(struct store *s)
{
    struct store_watch last = s->watch[--s->nwatch];
    size_t i = 0, n = s->nwatch;

    for (;;) {
        size_t k = 2 * i + 1;

        if (k >= n)
            break;
        if (k + 1 < n && s->watch[k + 1].deadline < s->watch[k].deadline)
            k++;
        if (s->watch[k].deadline >= last.deadline)
            break;
        s->watch[i] = s->watch[k];
        i = k;
    }
    if (n)
        s->watch[i] = last;
}

void store_unanswered_watch(struct store *s, const struct store_call *c, const struct store_msg *m,
                            enum call_state before)
{
    int64_t d;

    /* Entered a waiting state, or its first INVITE just came (a call can
     * be created by another message); a retransmission adds nothing. */
    if (!waiting(c) ||
        (c->state == before && !((m->flags & STORE_MSG_REQUEST) && m->method == SIP_METHOD_INVITE &&
                                 m->ts_ns == c->invite_ts)))
        return;
    d = deadline_of(c);
    if (d != INT64_MAX)
        heap_push(s, d, c->id);
}

void store_unanswered_expire(struct store *s)
{
    while (s->nwatch && s->watch[0].deadline < s->now) {
        uint64_t id = s->watch[0].id;
        struct store_call *c;
        int64_t d;

        heap_pop(s);
        c = (struct store_call *)store_call_get(s, id);
        if (!c || !waiting(c))
            continue; /* rotated out, or it moved on */
        d = deadline_of(c);
        if (d == INT64_MAX)
            continue;
        if (d < s->now) {
            c->state = CALL_STATE_UNANSWERED;
            s->gen++;
        } else {
            heap_push(s, d, id); /* it rang again since */
        }
    }
}

void store_unanswered_text(const struct store_call *c, char *out, size_t n)
{
    uint32_t i, sent = 0, last_prov = 0;

    for (i = 0; i < c->nmsgs; i++) {
        const struct store_msg *m = &c->msgs[i];

        if (m->cseq_method != SIP_METHOD_INVITE ||
            (c->initial_cseq_set && m->cseq != c->initial_cseq))
            continue;
        if (m->flags & STORE_MSG_REQUEST)
            sent++;
        else if (m->status < 200)
            last_prov = m->status;
    }
    if (last_prov)
        snprintf(out, n, "no final response: %u, then nothing for 3 min (Timer C)", last_prov);
    else
        snprintf(out, n, "no response to the INVITE (sent %u times) within 32 s (Timer B)", sent);
}
