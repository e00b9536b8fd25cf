/*
 * helpers: what every rule file uses to record a finding and to find the
 * request, retry or final response that goes with a message.  Store owner
 * thread only; nothing kept between calls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag_int.h"
#include "util.h"

struct diag_finding *diag_add(struct ctx *x, enum diag_rule r, enum diag_sev sev, const char *fmt,
                              ...)
{
    struct diag_finding *f;
    va_list ap;

    if (x->out->n == x->out->cap) {
        x->out->cap = x->out->cap ? x->out->cap * 2 : 16;
        x->out->v = xrealloc(x->out->v, x->out->cap * sizeof(*x->out->v));
    }
    f = &x->out->v[x->out->n++];
    memset(f, 0, sizeof(*f));
    f->rule = r;
    f->sev = sev;
    f->call = x->c->id;
    va_start(ap, fmt);
    vsnprintf(f->facts, sizeof(f->facts), fmt, ap);
    va_end(ap);
    if (sev > x->max)
        x->max = sev;
    return f;
}

void diag_ref(struct diag_finding *f, uint32_t idx)
{
    uint8_t i;

    for (i = 0; i < f->nmsgs; i++)
        if (f->msgs[i] == idx)
            return;
    if (f->nmsgs < DIAG_MAX_MSGS)
        f->msgs[f->nmsgs++] = idx;
}

bool diag_resent(const struct dmsg *d)
{
    return (d->m->flags & STORE_MSG_RESENT) != 0;
}

double diag_secs(int64_t ns)
{
    return (double)ns / 1e9;
}

/* The first final response (>= 200) to the request method/cseq after from. */
const struct dmsg *diag_final_for(const struct ctx *x, uint32_t from, int method, uint32_t cseq)
{
    uint32_t i;

    for (i = from; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];

        if (!d->req && d->status >= 200 && d->cseq == cseq && d->cseq_method == method)
            return d;
    }
    return NULL;
}

/* The first later request of the method with a higher CSeq (a new attempt). */
const struct dmsg *diag_retry_for(const struct ctx *x, uint32_t from, int method, uint32_t cseq)
{
    uint32_t i;

    for (i = from + 1; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];

        if (d->req && d->method == method && d->cseq > cseq && !diag_resent(d))
            return d;
    }
    return NULL;
}

/* The request a response answers (last one before it with that CSeq/method). */
const struct dmsg *diag_request_of(const struct ctx *x, const struct dmsg *r)
{
    uint32_t i = r->idx;

    while (i-- > 0) {
        const struct dmsg *d = &x->d[i];

        if (d->req && d->method == r->cseq_method && d->cseq == r->cseq)
            return d;
    }
    return NULL;
}

bool diag_has_finding(const struct ctx *x, enum diag_sev sev)
{
    size_t i;

    for (i = x->first; i < x->out->n; i++)
        if (x->out->v[i].call == x->c->id && x->out->v[i].sev >= sev)
            return true;
    return false;
}

bool diag_has_rule(const struct ctx *x, enum diag_rule r)
{
    size_t i;

    for (i = x->first; i < x->out->n; i++)
        if (x->out->v[i].call == x->c->id && x->out->v[i].rule == r)
            return true;
    return false;
}

int diag_rule_rank(enum diag_rule r)
{
    switch (r) {
    case DIAG_INVITE_TIMEOUT:
    case DIAG_INVITE_408:
    case DIAG_NO_ACK:
    case DIAG_SESSION_EXPIRED:
    case DIAG_RTP_NONE:
    case DIAG_RTP_ONE_WAY:
    case DIAG_RTP_LOSS:
    case DIAG_RTP_JITTER:
        return 2;
    /* what the whole capture shows comes before the answer of one call
     * (a lapsed registration explains the 480) */
    case DIAG_REG_LAPSED:
    case DIAG_SCAN:
    case DIAG_DEAD_DEST:
    case DIAG_AUTH_BAN:
        return 0;
    default:
        return 1;
    }
}

static uint32_t first_msg(const struct diag_finding *f)
{
    return f->nmsgs ? f->msgs[0] : 0;
}

int diag_finding_cmp(const void *a, const void *b)
{
    const struct diag_finding *x = a, *y = b;

    if (x->call != y->call)
        return x->call < y->call ? -1 : 1;
    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    if (diag_rule_rank(x->rule) != diag_rule_rank(y->rule))
        return diag_rule_rank(x->rule) < diag_rule_rank(y->rule) ? -1 : 1;
    if (first_msg(x) != first_msg(y))
        return first_msg(x) < first_msg(y) ? -1 : 1;
    return (int)x->rule - (int)y->rule;
}
