/*
 * rules: the diagnostic rules over one call (NAT, ALG, timers,
 * authentication, registration interval, loops, offer/answer, DTMF,
 * session timers, glare, CANCEL races, UDP size) and over a whole capture
 * (authentication failures from one source).  Facts come from struct dmsg
 * (extract.c); the texts of each rule from text.c.
 *
 * Runs on the store's owner thread.  The caller owns the struct diag_list;
 * everything else here is local to one call of diag_call/diag_capture.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag_int.h"
#include "sip.h"
#include "util.h"

#define SEC               1000000000LL
#define UDP_SIZE_LIMIT    1300 /* RFC 3261 §18.1.1 */
#define AUTH_BAN_FAILURES 3    /* fail2ban's asterisk jails ban from 3-5 failures */

void diag_list_init(struct diag_list *l)
{
    memset(l, 0, sizeof(*l));
}

void diag_list_fini(struct diag_list *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

void diag_list_reset(struct diag_list *l)
{
    l->n = 0;
}

const char *diag_sev_name(enum diag_sev s)
{
    switch (s) {
    case DIAG_SEV_INFO:
        return "info";
    case DIAG_SEV_WARNING:
        return "warning";
    case DIAG_SEV_PROBLEM:
        return "problem";
    default:
        return "";
    }
}

/* ---------------------------------------------------------------- NAT, ALG */

static bool hidden_private(const char *host, const char *src)
{
    return host[0] && diag_ip_private(host) && !diag_ip_private(src) && strcmp(host, src) != 0;
}

static void rule_nat(struct ctx *x)
{
    struct diag_finding *nat = NULL, *rport = NULL, *recv = NULL;
    uint32_t i;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        char what[160];
        size_t w = 0;
        bool via_nat;

        /* One Via: the message comes straight from the UA that wrote it. */
        if (!d->parsed || d->nvia != 1 || diag_resent(d))
            continue;
        what[0] = '\0';
        via_nat = d->req && hidden_private(d->via_host, d->src_ip);
        if (via_nat)
            w += (size_t)snprintf(what + w, sizeof(what) - w, "Via %s, ", d->via_host);
        /* A registrar's 200 lists the client's bindings, not its own. */
        if (hidden_private(d->contact_host, d->src_ip) &&
            (d->req || d->cseq_method != SIP_METHOD_REGISTER) && w < sizeof(what))
            w += (size_t)snprintf(what + w, sizeof(what) - w, "Contact %s, ", d->contact_host);
        if (d->sdp && hidden_private(d->sdp_c, d->src_ip) && w < sizeof(what))
            w += (size_t)snprintf(what + w, sizeof(what) - w, "SDP c=%s, ", d->sdp_c);
        if (w == 0)
            continue;
        if (!nat) {
            nat = diag_add(x, DIAG_NAT_PRIVATE, DIAG_SEV_WARNING, "%spacket from %s", what,
                           d->src_ip);
            diag_ref(nat, d->idx);
        } else {
            diag_ref(nat, d->idx);
        }
        if (!via_nat)
            continue;
        if (!d->via_rport && !rport) {
            rport =
                diag_add(x, DIAG_NAT_RPORT, DIAG_SEV_WARNING, "%s from %s: Via %s without ;rport",
                         sip_method_name(d->method), d->src_ip, d->via_host);
            diag_ref(rport, d->idx);
        }
        if (!recv) {
            /* The server's answer must carry received= (RFC 3261 §18.2.1)
             * and rport=<port> when asked (RFC 3581). */
            uint32_t k;

            for (k = i + 1; k < x->n; k++) {
                const struct dmsg *r = &x->d[k];

                if (r->req || !r->parsed || r->cseq != d->cseq || r->cseq_method != d->method ||
                    strcmp(r->dst_ip, d->src_ip) != 0)
                    continue;
                if (!r->via_received || (d->via_rport && !r->via_rport_value)) {
                    recv = diag_add(x, DIAG_NAT_RECEIVED, DIAG_SEV_WARNING,
                                    "%d to %s: Via %s has %s", r->status, d->src_ip, r->via_host,
                                    !r->via_received ? "no received=" : "no rport=<port>");
                    diag_ref(recv, d->idx);
                    diag_ref(recv, r->idx);
                }
                break;
            }
        }
    }
}

static bool ip_valid(const char *host)
{
    unsigned char a[16];

    return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

static void rule_alg(struct ctx *x)
{
    uint32_t i;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        char what[192];
        size_t w = 0;
        int signs = 0;

        if (!d->parsed || diag_resent(d))
            continue;
        what[0] = '\0';
        if (d->body_short) {
            signs++;
            w += (size_t)snprintf(what + w, sizeof(what) - w, "Content-Length > body; ");
        }
        if (d->sdp && ip_valid(d->sdp_c) && strcmp(d->sdp_c, "0.0.0.0") != 0 &&
            ip_valid(d->contact_host)) {
            bool cpriv = diag_ip_private(d->contact_host), mpriv = diag_ip_private(d->sdp_c);

            if (cpriv != mpriv && w < sizeof(what)) {
                signs++;
                w += (size_t)snprintf(what + w, sizeof(what) - w, "Contact %s vs SDP c=%s; ",
                                      d->contact_host, d->sdp_c);
            }
        }
        if (d->sdp && ip_valid(d->sdp_c) && ip_valid(d->sdp_o) && strcmp(d->sdp_c, d->sdp_o) != 0 &&
            diag_ip_private(d->sdp_c) != diag_ip_private(d->sdp_o) && w < sizeof(what)) {
            signs++;
            w += (size_t)snprintf(what + w, sizeof(what) - w, "SDP o=%s vs c=%s; ", d->sdp_o,
                                  d->sdp_c);
        }
        if (signs >= 2) {
            struct diag_finding *f;

            if (w >= 2 && w < sizeof(what))
                what[w - 2] = '\0';
            f = diag_add(x, DIAG_ALG, DIAG_SEV_WARNING, "%s %s: %s",
                         d->req ? sip_method_name(d->method) : "response", d->src_ip, what);
            diag_ref(f, d->idx);
            return; /* once per call */
        }
    }
}

/* ---------------------------------------------------------------- timers */

static void rule_invite_timeout(struct ctx *x)
{
    const struct store_call *c = x->c;
    uint32_t t, i;

    for (t = 0; t < c->ntxns; t++) {
        const struct store_txn *tx = &c->txns[t];
        uint32_t copies = 0, first = UINT32_MAX, last = 0;

        if (tx->method != SIP_METHOD_INVITE || tx->first_resp_ts)
            continue;
        for (i = 0; i < x->n; i++) {
            const struct dmsg *d = &x->d[i];

            if (d->req && d->method == SIP_METHOD_INVITE && d->m->txn == t) {
                copies++;
                if (first == UINT32_MAX)
                    first = i;
                last = i;
            }
        }
        if (copies >= 2) {
            struct diag_finding *f = diag_add(
                x, DIAG_INVITE_TIMEOUT, DIAG_SEV_PROBLEM,
                "INVITE CSeq %" PRIu32 " to %s sent %" PRIu32 " times over %.1f s, no response",
                tx->cseq, x->d[first].dst_ip, copies,
                diag_secs(x->d[last].m->ts_ns - x->d[first].m->ts_ns));
            diag_ref(f, first);
            diag_ref(f, last);
        }
    }
    /* 408 to an INVITE: say what the timer saw. */
    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        uint32_t k, copies = 0, prov = 0, lastcopy = 0;
        struct diag_finding *f;

        if (d->req || d->status != 408 || d->cseq_method != SIP_METHOD_INVITE || diag_resent(d))
            continue;
        for (k = 0; k < i; k++) {
            if (x->d[k].req && x->d[k].method == SIP_METHOD_INVITE && diag_resent(&x->d[k])) {
                copies++;
                lastcopy = k;
            }
            if (!x->d[k].req && x->d[k].status < 200 && x->d[k].cseq == d->cseq)
                prov++;
        }
        if (copies)
            f = diag_add(x, DIAG_INVITE_408, DIAG_SEV_PROBLEM,
                         "INVITE to %s retransmitted %" PRIu32 " times without an answer, then 408",
                         x->d[lastcopy].dst_ip, copies);
        else if (prov)
            f = diag_add(x, DIAG_INVITE_408, DIAG_SEV_PROBLEM,
                         "only provisional responses (%" PRIu32 "), then 408 after %.1f s", prov,
                         diag_secs(d->m->ts_ns - c->invite_ts));
        else
            continue;
        if (copies)
            diag_ref(f, lastcopy);
        diag_ref(f, i);
        break;
    }
}

static void rule_no_ack(struct ctx *x)
{
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        uint32_t copies = 1, lastcopy = i;
        bool acked = false, seen = false;
        const struct dmsg *bye = NULL;
        struct diag_finding *f;

        if (d->req || d->status < 200 || d->status >= 300 || d->cseq_method != SIP_METHOD_INVITE ||
            diag_resent(d))
            continue;
        for (k = 0; k < i; k++)
            if (!x->d[k].req && x->d[k].status == d->status && x->d[k].cseq == d->cseq &&
                x->d[k].cseq_method == SIP_METHOD_INVITE)
                seen = true;
        if (seen)
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *e = &x->d[k];

            if (e->req && e->method == SIP_METHOD_ACK && e->cseq == d->cseq)
                acked = true;
            else if (!e->req && e->status == d->status && e->cseq == d->cseq &&
                     e->cseq_method == SIP_METHOD_INVITE) {
                copies++;
                lastcopy = k;
            } else if (e->req && e->method == SIP_METHOD_BYE && !bye)
                bye = e;
        }
        if (acked || copies < 2)
            continue;
        if (bye)
            f = diag_add(x, DIAG_NO_ACK, DIAG_SEV_PROBLEM,
                         "%d OK sent %" PRIu32 " times by %s, no ACK; BYE from %s %.1f s after it",
                         d->status, copies, d->src_ip, bye->src_ip,
                         diag_secs(bye->m->ts_ns - d->m->ts_ns));
        else
            f = diag_add(x, DIAG_NO_ACK, DIAG_SEV_PROBLEM,
                         "%d OK sent %" PRIu32 " times by %s over %.1f s, no ACK", d->status,
                         copies, d->src_ip, diag_secs(x->d[lastcopy].m->ts_ns - d->m->ts_ns));
        diag_ref(f, i);
        diag_ref(f, lastcopy);
        if (bye)
            diag_ref(f, bye->idx);
    }
}

/* ---------------------------------------------------------------- auth */

/* A 2xx to the method after message i (the client got in eventually). */
static bool later_success(const struct ctx *x, uint32_t i, int method)
{
    for (i++; i < x->n; i++)
        if (!x->d[i].req && x->d[i].cseq_method == method && x->d[i].status >= 200 &&
            x->d[i].status < 300)
            return true;
    return false;
}

static void rule_auth(struct ctx *x)
{
    struct diag_finding *rej = NULL, *noretry = NULL, *stale = NULL;
    uint32_t i, nrej = 0, nnoretry = 0, nstale = 0;
    const struct dmsg *last_stale = NULL;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        const struct dmsg *retry;

        if (d->req || diag_resent(d))
            continue;
        if (d->status == 403 || ((d->status == 401 || d->status == 407))) {
            const struct dmsg *q = diag_request_of(x, d);

            /* A challenge or refusal of a request that carried credentials. */
            if (q && q->has_credentials) {
                if ((d->status == 401 || d->status == 407) && d->stale) {
                    nstale++;
                    last_stale = d;
                    if (!stale) {
                        stale = diag_add(x, DIAG_AUTH_STALE, DIAG_SEV_INFO,
                                         "%d with stale=true to %s CSeq %" PRIu32, d->status,
                                         sip_method_name(q->method), q->cseq);
                        diag_ref(stale, q->idx);
                        diag_ref(stale, i);
                    }
                } else {
                    nrej++;
                    if (!rej) {
                        rej = diag_add(x, DIAG_AUTH_REJECTED,
                                       later_success(x, i, q->method) ? DIAG_SEV_WARNING
                                                                      : DIAG_SEV_PROBLEM,
                                       "x");
                        diag_ref(rej, q->idx);
                        diag_ref(rej, i);
                    }
                    snprintf(rej->facts, sizeof(rej->facts),
                             "%s with credentials from %s answered %d (%" PRIu32 " times)",
                             sip_method_name(q->method), q->src_ip, d->status, nrej);
                }
            }
        }
        if (d->status != 401 && d->status != 407)
            continue;
        retry = diag_retry_for(x, i, d->cseq_method, d->cseq);
        if (retry && retry->has_credentials)
            continue; /* judged when its own response is seen */
        {
            /* a refusal of credentials is already counted above */
            const struct dmsg *q = diag_request_of(x, d);

            if (q && q->has_credentials && (!d->stale || nstale >= 2))
                continue; /* a stale loop is named below */
        }
        nnoretry++;
        if (!noretry) {
            noretry = diag_add(x, DIAG_AUTH_NO_RETRY, DIAG_SEV_PROBLEM, "x");
            diag_ref(noretry, i);
            if (retry)
                diag_ref(noretry, retry->idx);
        }
        snprintf(noretry->facts, sizeof(noretry->facts),
                 "%d to %s CSeq %" PRIu32 ": %s (%" PRIu32 " times)", d->status,
                 sip_method_name(d->cseq_method), d->cseq,
                 retry ? "next request has no credentials" : "no retry with credentials", nnoretry);
    }
    /* stale=true again and again and never in: the nonce the client uses
     * is always out of date (clock, nonce lifetime, a proxy in between) */
    if (stale && nstale >= 2 && !later_success(x, last_stale->idx, last_stale->cseq_method)) {
        stale->sev = DIAG_SEV_PROBLEM;
        if (x->max < DIAG_SEV_PROBLEM)
            x->max = DIAG_SEV_PROBLEM;
        snprintf(stale->facts, sizeof(stale->facts),
                 "%d with stale=true to %s %" PRIu32 " times in a row, never accepted",
                 last_stale->status, sip_method_name(last_stale->cseq_method), nstale);
        diag_ref(stale, last_stale->idx);
    }
}

/* ---------------------------------------------------------------- REGISTER, loops */

static void rule_interval(struct ctx *x)
{
    uint32_t i;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i], *retry, *res;
        struct diag_finding *f;

        if (d->req || d->status != 423 || diag_resent(d))
            continue;
        retry = diag_retry_for(x, i, d->cseq_method, d->cseq);
        res = retry ? diag_final_for(x, retry->idx, retry->method, retry->cseq) : NULL;
        if (retry &&
            (d->min_expires < 0 || retry->expires < 0 || retry->expires >= d->min_expires) &&
            (!res || res->status != 423))
            continue;
        if (!retry)
            f = diag_add(x, DIAG_INTERVAL_BRIEF, DIAG_SEV_PROBLEM,
                         "423 with Min-Expires %d; no new %s follows", d->min_expires,
                         sip_method_name(d->cseq_method));
        else
            f = diag_add(x, DIAG_INTERVAL_BRIEF, DIAG_SEV_PROBLEM,
                         "423 with Min-Expires %d; retry asks Expires %d%s", d->min_expires,
                         retry->expires, res && res->status == 423 ? " and gets 423 again" : "");
        diag_ref(f, i);
        if (retry)
            diag_ref(f, retry->idx);
        if (res)
            diag_ref(f, res->idx);
        return;
    }
}

/* Sorts message indexes by (method, CSeq, index): a merge sort, because
 * qsort has no context argument and the keys live in d. */
static bool ix_less(const struct dmsg *d, uint32_t a, uint32_t b)
{
    if (d[a].method != d[b].method)
        return d[a].method < d[b].method;
    if (d[a].cseq != d[b].cseq)
        return d[a].cseq < d[b].cseq;
    return a < b;
}

static void ix_sort(uint32_t *v, uint32_t n, const struct dmsg *d, uint32_t *tmp)
{
    uint32_t mid, i, j, k;

    if (n < 2)
        return;
    mid = n / 2;
    ix_sort(v, mid, d, tmp);
    ix_sort(v + mid, n - mid, d, tmp);
    for (i = 0, j = mid, k = 0; i < mid || j < n;)
        tmp[k++] = (j >= n || (i < mid && !ix_less(d, v[j], v[i]))) ? v[i++] : v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

static void sort_by_method_cseq(uint32_t *v, uint32_t n, const struct dmsg *d)
{
    uint32_t *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));

    ix_sort(v, n, d, tmp);
    free(tmp);
}

static void rule_loop(struct ctx *x)
{
    uint32_t i;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];
        struct diag_finding *f;

        if (d->req || (d->status != 482 && d->status != 483) || diag_resent(d))
            continue;
        {
            const struct dmsg *q = diag_request_of(x, d);

            if (q && q->max_forwards >= 0)
                f = diag_add(x, DIAG_LOOP, DIAG_SEV_PROBLEM, "%d to %s (Max-Forwards %d, %d Via)",
                             d->status, sip_method_name(d->cseq_method), q->max_forwards, q->nvia);
            else
                f = diag_add(x, DIAG_LOOP, DIAG_SEV_PROBLEM, "%d to %s", d->status,
                             sip_method_name(d->cseq_method));
            if (q)
                diag_ref(f, q->idx);
        }
        diag_ref(f, i);
        return;
    }
    /* The same request (method + CSeq) seen again and again with
     * Max-Forwards going down: group the requests by method and CSeq
     * (sorted, O(n log n) for long dialogs) and walk each group in order. */
    {
        uint32_t *ix = xmalloc((x->n ? x->n : 1) * sizeof(*ix)), m = 0, a, b;

        for (i = 0; i < x->n; i++)
            /* resent or not: the store marks a request resent by CSeq and
             * direction alone (tshark's rule), and a looping request comes
             * back the same way; fewer hops is what tells a loop apart */
            if (x->d[i].req && x->d[i].method != SIP_METHOD_ACK && x->d[i].max_forwards >= 0)
                ix[m++] = i;
        sort_by_method_cseq(ix, m, x->d);
        for (a = 0; a < m; a = b) {
            const struct dmsg *d = &x->d[ix[a]];
            uint32_t seen = 1, last = ix[a];
            int mf = d->max_forwards;

            for (b = a + 1; b < m && x->d[ix[b]].method == d->method && x->d[ix[b]].cseq == d->cseq;
                 b++) {
                if (x->d[ix[b]].max_forwards < mf) {
                    seen++;
                    mf = x->d[ix[b]].max_forwards;
                    last = ix[b];
                }
            }
            if (seen >= 3) {
                struct diag_finding *f =
                    diag_add(x, DIAG_LOOP, DIAG_SEV_PROBLEM,
                             "%s CSeq %" PRIu32 " seen %" PRIu32 " times, Max-Forwards %d -> %d",
                             sip_method_name(d->method), d->cseq, seen, d->max_forwards, mf);

                diag_ref(f, ix[a]);
                diag_ref(f, last);
                break;
            }
        }
        free(ix);
    }
}

/* ---------------------------------------------------------------- SDP */

static void codec_list(const struct dmsg *d, char *out, size_t n)
{
    size_t w = 0;
    int k;

    out[0] = '\0';
    for (k = 0; k < d->ncodecs && w < n; k++)
        w += (size_t)snprintf(out + w, n - w, "%s%s", k ? " " : "", d->codecs[k]);
    if (!d->ncodecs)
        snprintf(out, n, "(none)");
}

static bool common_codec(const struct dmsg *a, const struct dmsg *b)
{
    int i, k;

    for (i = 0; i < a->ncodecs; i++)
        for (k = 0; k < b->ncodecs; k++)
            if (strcasecmp(a->codecs[i], b->codecs[k]) == 0)
                return true;
    return false;
}

static void rule_sdp(struct ctx *x)
{
    /* an offer refused for SRTP or T.38 is not a codec problem */
    bool codec_done = diag_has_rule(x, DIAG_SDP_SRTP) || diag_has_rule(x, DIAG_SDP_T38),
         dtmf_done = false;
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *o = &x->d[i];

        if (!o->req || o->method != SIP_METHOD_INVITE || !o->sdp || diag_resent(o))
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *a = &x->d[k];
            char oc[96], ac[96];
            struct diag_finding *f;

            if (a->req || a->cseq != o->cseq || a->cseq_method != SIP_METHOD_INVITE ||
                diag_resent(a))
                continue;
            codec_list(o, oc, sizeof(oc));
            if (!codec_done && (a->status == 488 || a->status == 606 || a->status == 415)) {
                codec_done = true;
                if (a->sdp)
                    codec_list(a, ac, sizeof(ac));
                f = diag_add(x, DIAG_CODEC, DIAG_SEV_PROBLEM, "offer %s; %d%s%s",
                             o->ncodecs ? oc : "without audio codecs", a->status,
                             a->sdp ? " lists " : "", a->sdp ? ac : "");
                diag_ref(f, i);
                diag_ref(f, k);
                break;
            }
            if (!a->sdp || a->status >= 300)
                continue;
            /* an answer (18x or 2xx with SDP) */
            if (!codec_done &&
                (a->audio_rejected || (a->ncodecs && o->ncodecs && !common_codec(o, a)))) {
                codec_done = true;
                codec_list(a, ac, sizeof(ac));
                f = diag_add(x, DIAG_CODEC, DIAG_SEV_PROBLEM, "offer %s; answer %s%s", oc, ac,
                             a->audio_rejected ? " (audio port 0)" : "");
                diag_ref(f, i);
                diag_ref(f, k);
            }
            if (!dtmf_done && o->naudio && a->naudio && o->tel_event != a->tel_event) {
                dtmf_done = true;
                f = diag_add(x, DIAG_DTMF, DIAG_SEV_WARNING,
                             "telephone-event in the %s only (offer from %s, answer from %s)",
                             o->tel_event ? "offer" : "answer", o->src_ip, a->src_ip);
                diag_ref(f, i);
                diag_ref(f, k);
            }
            break;
        }
    }
}

/* ---------------------------------------------------------------- session timers */

static void rule_session(struct ctx *x)
{
    const struct store_call *c = x->c;
    uint32_t i;
    int se = -1;
    const struct dmsg *bye = NULL, *failed_refresh = NULL, *answer = NULL;
    bool refreshed = false;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i], *retry, *res;
        struct diag_finding *f;

        if (d->req || d->status != 422 || diag_resent(d))
            continue;
        retry = diag_retry_for(x, i, d->cseq_method, d->cseq);
        res = retry ? diag_final_for(x, retry->idx, retry->method, retry->cseq) : NULL;
        if (retry &&
            (d->min_se < 0 || retry->session_expires < 0 || retry->session_expires >= d->min_se) &&
            (!res || res->status != 422))
            continue;
        if (!retry)
            f = diag_add(x, DIAG_SESSION_422, DIAG_SEV_PROBLEM,
                         "422 with Min-SE %d; no new %s follows", d->min_se,
                         sip_method_name(d->cseq_method));
        else
            f = diag_add(x, DIAG_SESSION_422, DIAG_SEV_PROBLEM,
                         "422 with Min-SE %d; retry asks Session-Expires %d%s", d->min_se,
                         retry->session_expires,
                         res && res->status == 422 ? " and gets 422 again" : "");
        diag_ref(f, i);
        if (retry)
            diag_ref(f, retry->idx);
        break;
    }
    if (!c->answer_ts || !c->initial_cseq_set)
        return;
    /* The answer's transaction tells the initial INVITE from refreshes: a
     * refresh by the callee is numbered in the callee's own CSeq space, so
     * it may carry the initial CSeq or a lower one. */
    for (i = 0; i < x->n && !answer; i++)
        if (!x->d[i].req && x->d[i].cseq == c->initial_cseq &&
            x->d[i].cseq_method == SIP_METHOD_INVITE && x->d[i].status >= 200 &&
            x->d[i].status < 300)
            answer = &x->d[i];
    if (!answer)
        return;
    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];

        if (!d->req && d->m->txn == answer->m->txn && d->status >= 200 && d->status < 300 &&
            d->session_expires > 0)
            se = d->session_expires;
        else if (d->req && d->method == SIP_METHOD_BYE && !bye)
            bye = d;
        else if (!d->req && i > answer->idx && d->m->txn != answer->m->txn &&
                 (d->cseq_method == SIP_METHOD_INVITE || d->cseq_method == SIP_METHOD_UPDATE) &&
                 d->status >= 200) {
            if (d->status < 300)
                refreshed = true;
            else if (!failed_refresh)
                failed_refresh = d;
        }
    }
    if (se < 0) {
        for (i = 0; i < x->n; i++)
            if (x->d[i].req && x->d[i].method == SIP_METHOD_INVITE &&
                x->d[i].cseq == c->initial_cseq && x->d[i].session_expires > 0) {
                se = x->d[i].session_expires;
                break;
            }
    }
    if (se <= 0 || !bye || refreshed)
        return;
    /* a re-INVITE that crossed the BYE (481) did not end the call */
    if (failed_refresh && failed_refresh->idx > bye->idx)
        failed_refresh = NULL;
    {
        int64_t dur = bye->m->ts_ns - c->answer_ts;
        const struct dmsg *q = NULL;
        struct diag_finding *f;

        /* the refused refresh itself, by its transaction (CSeqs of the
         * two sides may coincide) */
        if (failed_refresh && failed_refresh->m->txn < c->ntxns &&
            c->txns[failed_refresh->m->txn].first_req < x->n)
            q = &x->d[c->txns[failed_refresh->m->txn].first_req];

        /* RFC 4028 §10: without a refresh the session ends before the
         * interval, at SE - min(32, SE/3); allow a refresh due at SE/2. */
        if (failed_refresh)
            f = diag_add(x, DIAG_SESSION_EXPIRED, DIAG_SEV_PROBLEM,
                         "%s refresh%s%s answered %d; BYE from %s %.1f s after the answer "
                         "(Session-Expires %d)",
                         sip_method_name(failed_refresh->cseq_method), q ? " from " : "",
                         q ? q->src_ip : "", failed_refresh->status, bye->src_ip, diag_secs(dur),
                         se);
        else if (dur >= ((int64_t)se * SEC) / 2 - 2 * SEC && dur <= (int64_t)se * SEC + 2 * SEC)
            f = diag_add(x, DIAG_SESSION_EXPIRED, DIAG_SEV_PROBLEM,
                         "BYE %.1f s after the answer, Session-Expires %d, no refresh",
                         diag_secs(dur), se);
        else
            return;
        if (q)
            diag_ref(f, q->idx);
        if (failed_refresh)
            diag_ref(f, failed_refresh->idx);
        diag_ref(f, bye->idx);
    }
}

/* ---------------------------------------------------------------- glare, CANCEL */

static void rule_glare(struct ctx *x)
{
    uint32_t i;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i], *q, *retry, *res;
        struct diag_finding *f;

        if (d->req || d->status != 491 || diag_resent(d))
            continue;
        q = diag_request_of(x, d);
        /* The refused side's next re-INVITE.  In a real glare the other
         * side retries too, with CSeqs of its own numbering that may be far
         * above ours: skip its requests but keep comparing with our CSeq. */
        retry = q ? diag_retry_for(x, q->idx, q->method, d->cseq) : NULL;
        while (retry && q && strcmp(retry->src_ip, q->src_ip) != 0)
            retry = diag_retry_for(x, retry->idx, q->method, d->cseq);
        res = retry ? diag_final_for(x, retry->idx, retry->method, retry->cseq) : NULL;
        if (res && res->status < 300)
            f = diag_add(x, DIAG_GLARE, DIAG_SEV_INFO,
                         "491 to %s from %s; retried %.1f s later and accepted",
                         sip_method_name(d->cseq_method), d->dst_ip,
                         diag_secs(retry->m->ts_ns - d->m->ts_ns));
        else
            f = diag_add(x, DIAG_GLARE, DIAG_SEV_WARNING, "491 to %s from %s; %s",
                         sip_method_name(d->cseq_method), d->dst_ip,
                         retry ? "the retry failed too" : "no retry follows");
        if (q)
            diag_ref(f, q->idx);
        diag_ref(f, i);
        if (retry)
            diag_ref(f, retry->idx);
        return;
    }
}

static void rule_cancel_race(struct ctx *x)
{
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *cn = &x->d[i];

        if (!cn->req || cn->method != SIP_METHOD_CANCEL || diag_resent(cn))
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *ok = &x->d[k];
            const struct dmsg *ack = NULL, *bye = NULL, *callee_bye = NULL;
            struct diag_finding *f;
            uint32_t j;

            if (ok->req || ok->cseq_method != SIP_METHOD_INVITE || ok->cseq != cn->cseq ||
                ok->status < 200 || ok->status >= 300)
                continue;
            for (j = k + 1; j < x->n; j++) {
                const struct dmsg *e = &x->d[j];

                if (!e->req)
                    continue;
                if (e->method == SIP_METHOD_ACK && e->cseq == cn->cseq && !ack)
                    ack = e;
                /* The caller must hang up.  A BYE from the callee is it
                 * giving up on a caller that never did (after 64*T1 of 2xx
                 * copies without an ACK, RFC 3261 §13.3.1.4): the call was
                 * a ghost until then. */
                else if (e->method == SIP_METHOD_BYE && strcmp(e->src_ip, cn->src_ip) == 0) {
                    if (!bye)
                        bye = e;
                } else if (e->method == SIP_METHOD_BYE && !callee_bye)
                    callee_bye = e;
            }
            if (ack && bye)
                f = diag_add(x, DIAG_CANCEL_RACE, DIAG_SEV_WARNING,
                             "CANCEL from %s crossed the %d OK; ACK and BYE follow", cn->src_ip,
                             ok->status);
            else if (callee_bye)
                f = diag_add(
                    x, DIAG_CANCEL_RACE, DIAG_SEV_PROBLEM,
                    "CANCEL from %s crossed the %d OK; %s from the caller; BYE from %s %.1f s "
                    "after the %d OK (ghost call until then)",
                    cn->src_ip, ok->status, !ack ? "no ACK and no BYE" : "ACK but no BYE",
                    callee_bye->src_ip, diag_secs(callee_bye->m->ts_ns - ok->m->ts_ns), ok->status);
            else
                f = diag_add(x, DIAG_CANCEL_RACE, DIAG_SEV_PROBLEM,
                             "CANCEL from %s crossed the %d OK; %s", cn->src_ip, ok->status,
                             !ack ? "no ACK and no BYE follow (ghost call)"
                                  : "ACK but no BYE follows");
            diag_ref(f, i);
            diag_ref(f, k);
            if (ack)
                diag_ref(f, ack->idx);
            if (bye)
                diag_ref(f, bye->idx);
            else if (callee_bye)
                diag_ref(f, callee_bye->idx);
            return;
        }
    }
}

/* ---------------------------------------------------------------- size */

static void rule_udp_size(struct ctx *x)
{
    struct diag_finding *f = NULL;
    uint32_t i, count = 0, biggest = 0, fragmented = 0;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];

        if (d->m->transport != CAP_TRANSPORT_UDP || d->m->len <= UDP_SIZE_LIMIT || diag_resent(d))
            continue;
        count++;
        if (d->m->flags & STORE_MSG_IP_FRAGMENTED)
            fragmented++;
        if (!f) {
            f = diag_add(x, DIAG_UDP_MTU, DIAG_SEV_WARNING, "x");
            diag_ref(f, i);
        }
        if (d->m->len > x->d[biggest].m->len || count == 1)
            biggest = i;
    }
    if (f) {
        const struct dmsg *b = &x->d[biggest];

        char what[32];

        if (b->req)
            snprintf(what, sizeof(what), "%s", sip_method_name(b->method));
        else
            snprintf(what, sizeof(what), "%d response", b->status);
        /* What the capture shows: fragments seen, or a path (loopback,
         * jumbo frames) where the message still fit. */
        snprintf(f->facts, sizeof(f->facts),
                 "%" PRIu32 " message(s) over %d bytes on UDP; largest %s, %" PRIu32 " bytes; %s",
                 count, UDP_SIZE_LIMIT, what, b->m->len,
                 fragmented == count ? "all arrived as IP fragments here"
                 : fragmented        ? "some arrived as IP fragments here"
                                     : "none was fragmented where this was captured");
        diag_ref(f, biggest);
    }
}

/* ---------------------------------------------------------------- driver */

static enum diag_sev run_call(const struct store *s, const struct store_call *c,
                              struct diag_list *out, struct dmsg **keep)
{
    struct ctx x;

    memset(&x, 0, sizeof(x));
    x.s = s;
    x.c = c;
    x.out = out;
    x.first = out->n;
    x.n = c->nmsgs < DIAG_MAX_CALL_MSGS ? c->nmsgs : DIAG_MAX_CALL_MSGS;
    x.d = dmsg_load(s, c, x.n);
    rule_nat(&x);
    rule_alg(&x);
    rule_invite_timeout(&x);
    rule_no_ack(&x);
    rule_auth(&x);
    rule_interval(&x);
    rule_loop(&x);
    diag_rules_sdp_refusals(&x);
    rule_sdp(&x);
    rule_session(&x);
    rule_glare(&x);
    rule_cancel_race(&x);
    rule_udp_size(&x);
    diag_rules_causes(&x);
    if (out->n - x.first > 1)
        qsort(out->v + x.first, out->n - x.first, sizeof(*out->v), diag_finding_cmp);
    if (keep)
        *keep = x.d;
    else
        free(x.d);
    return x.max;
}

enum diag_sev diag_call(const struct store *s, const struct store_call *c, struct diag_list *out)
{
    if (!c)
        return DIAG_SEV_NONE;
    return run_call(s, c, out, NULL);
}

/* Authentication failures per source address, over the whole capture. */
struct src_fail {
    char ip[DMSG_HOST];
    uint32_t failures;
    uint64_t last_call;
    uint32_t last_msgs[DIAG_MAX_MSGS];
    uint8_t nlast;
    int64_t last_ts;
    uint32_t unanswered_after; /* requests from it with no response after the failures */
    uint64_t unanswered_call;
    uint32_t unanswered_msg;
};

static struct src_fail *src_get(struct src_fail **v, size_t *n, const char *ip)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp((*v)[i].ip, ip) == 0)
            return &(*v)[i];
    if (*n >= 4096)
        return NULL; /* bounded: a scan from more sources than this is reported per call */
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    memset(&(*v)[*n], 0, sizeof(**v));
    snprintf((*v)[*n].ip, sizeof((*v)[*n].ip), "%s", ip);
    return &(*v)[(*n)++];
}

static int finding_sev_cmp(const void *a, const void *b)
{
    const struct diag_finding *x = a, *y = b;

    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    if (diag_rule_rank(x->rule) != diag_rule_rank(y->rule))
        return diag_rule_rank(x->rule) < diag_rule_rank(y->rule) ? -1 : 1;
    if (x->call != y->call)
        return x->call < y->call ? -1 : 1;
    if ((x->nmsgs ? x->msgs[0] : 0) != (y->nmsgs ? y->msgs[0] : 0))
        return (x->nmsgs ? x->msgs[0] : 0) < (y->nmsgs ? y->msgs[0] : 0) ? -1 : 1;
    return (int)x->rule - (int)y->rule;
}

void diag_capture(const struct store *s, struct diag_list *out)
{
    struct src_fail *src = NULL;
    size_t nsrc = 0, ci, n = store_ncalls(s), i;
    struct sweep *sw = sweep_new();

    for (ci = 0; ci < n; ci++) {
        const struct store_call *c = store_call_at(s, ci);
        struct dmsg *d = NULL;
        uint32_t k;

        run_call(s, c, out, &d);
        sweep_call(sw, s, c, d, c->nmsgs < DIAG_MAX_CALL_MSGS ? c->nmsgs : DIAG_MAX_CALL_MSGS);
        for (k = 0; k < c->nmsgs && k < DIAG_MAX_CALL_MSGS; k++) {
            const struct dmsg *r = &d[k];

            if (r->req && !(r->m->flags & STORE_MSG_RESENT) && r->method != SIP_METHOD_ACK &&
                r->m->txn < c->ntxns && c->txns[r->m->txn].first_resp_ts == 0) {
                struct src_fail *sf = src_get(&src, &nsrc, r->src_ip);

                if (sf && sf->failures >= AUTH_BAN_FAILURES && r->m->ts_ns >= sf->last_ts &&
                    !sf->unanswered_after++) {
                    sf->unanswered_call = c->id;
                    sf->unanswered_msg = k;
                }
            }
            if (r->req || (r->status != 401 && r->status != 407 && r->status != 403) ||
                (r->m->flags & STORE_MSG_RESENT))
                continue;
            /* the request it answers: with credentials (or refused outright) */
            {
                uint32_t j = k;
                const struct dmsg *q = NULL;
                struct src_fail *sf;

                while (j-- > 0)
                    if (d[j].req && d[j].method == r->cseq_method && d[j].cseq == r->cseq) {
                        q = &d[j];
                        break;
                    }
                if (!q || (!q->has_credentials && r->status != 403) || r->stale)
                    continue;
                sf = src_get(&src, &nsrc, q->src_ip);
                if (!sf)
                    continue;
                sf->failures++;
                sf->last_ts = r->m->ts_ns;
                if (sf->last_call != c->id)
                    sf->nlast = 0;
                sf->last_call = c->id;
                if (sf->nlast < DIAG_MAX_MSGS)
                    sf->last_msgs[sf->nlast++] = k;
            }
        }
        free(d);
    }
    for (i = 0; i < nsrc; i++) {
        struct diag_finding *f;
        struct ctx x;
        struct store_call fake;

        if (src[i].failures < AUTH_BAN_FAILURES)
            continue;
        memset(&x, 0, sizeof(x));
        memset(&fake, 0, sizeof(fake));
        fake.id = src[i].unanswered_after ? src[i].unanswered_call : src[i].last_call;
        x.c = &fake;
        x.out = out;
        if (src[i].unanswered_after) {
            f = diag_add(&x, DIAG_AUTH_BAN, DIAG_SEV_PROBLEM,
                         "%" PRIu32 " failed authentications from %s, then %" PRIu32
                         " request(s) with no response at all",
                         src[i].failures, src[i].ip, src[i].unanswered_after);
            diag_ref(f, src[i].unanswered_msg);
        } else {
            uint8_t m;

            f = diag_add(&x, DIAG_AUTH_BAN, DIAG_SEV_WARNING,
                         "%" PRIu32 " failed authentications from %s", src[i].failures, src[i].ip);
            for (m = 0; m < src[i].nlast; m++)
                diag_ref(f, src[i].last_msgs[m]);
        }
    }
    free(src);
    sweep_finish(sw, out);
    sweep_free(sw);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), finding_sev_cmp);
}
