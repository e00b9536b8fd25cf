/*
 * causes: findings where the far end's answer is itself the cause, so a
 * failed call is never left with only its status line: the final response
 * read with its reason phrase, Reason (Q.850) and Warning (an unknown
 * number, a carrier's "480 No money left", an overload with Retry-After),
 * a 481 to a BYE or re-INVITE, 420/421, a 3xx nobody followed or that
 * points back, and offers refused for what they asked for (SRTP, T.38,
 * video) rather than for their codecs; a reliable 18x never PRACKed; an
 * ACK or BYE sent to a Contact where nobody answers.
 *
 * Healthy outcomes add nothing: busy (486/600), declined (603), 487 after
 * the caller's CANCEL, a challenge answered, a redirect followed.
 *
 * Runs on the store's owner thread, after the rules of rules.c (it looks
 * at what they found, so that a 488 already named CODEC-01 or a 403 already
 * named AUTH-01 is not named twice).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diag_int.h"
#include "sip.h"

/* Words of vendors' reason phrases and of Warning/Reason texts (lower
 * case, matched anywhere, case-insensitive), in the order they are tried:
 * "480 No money left" is billing before it is "unavailable". */
struct phrase {
    const char *word;
    enum diag_rule rule;
};
static const struct phrase phrases[] = {
    {"password", DIAG_AUTH_REJECTED},      {"wrong guess", DIAG_AUTH_REJECTED},
    {"bad auth", DIAG_AUTH_REJECTED},      {"money", DIAG_CAUSE_BILLING},
    {"fund", DIAG_CAUSE_BILLING},          {"balance", DIAG_CAUSE_BILLING},
    {"credit", DIAG_CAUSE_BILLING},        {"payment", DIAG_CAUSE_BILLING},
    {"prepaid", DIAG_CAUSE_BILLING},       {"codec", DIAG_CODEC},
    {"quota", DIAG_CAUSE_OVERLOAD},        {"cps", DIAG_CAUSE_OVERLOAD},
    {"limit", DIAG_CAUSE_OVERLOAD},        {"overload", DIAG_CAUSE_OVERLOAD},
    {"too many", DIAG_CAUSE_OVERLOAD},     {"congest", DIAG_CAUSE_OVERLOAD},
    {"capacity", DIAG_CAUSE_OVERLOAD},     {"licen", DIAG_CAUSE_OVERLOAD},
    {"route", DIAG_CAUSE_ROUTE},           {"look-ahead", DIAG_CAUSE_ROUTE},
    {"out of order", DIAG_CAUSE_ROUTE},    {"client plan", DIAG_CAUSE_ROUTE},
    {"no gateway", DIAG_CAUSE_ROUTE},      {"unresolvable", DIAG_CAUSE_ROUTE},
    {"invalid phone", DIAG_CAUSE_NUMBER},  {"invalid number", DIAG_CAUSE_NUMBER},
    {"unallocated", DIAG_CAUSE_NUMBER},    {"no such number", DIAG_CAUSE_NUMBER},
    {"unknown number", DIAG_CAUSE_NUMBER}, {"not registered", DIAG_CAUSE_UNAVAILABLE},
    {"offline", DIAG_CAUSE_UNAVAILABLE},   {"database", DIAG_CAUSE_SERVER},
    {"db timeout", DIAG_CAUSE_SERVER},     {"db response", DIAG_CAUSE_SERVER},
};

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static bool has_word(const char *text, const char *word)
{
    size_t n = strlen(word);

    for (; *text; text++)
        if (strncasecmp(text, word, n) == 0)
            return true;
    return false;
}

static enum diag_rule by_phrase(const char *text)
{
    size_t i;

    if (!text[0])
        return DIAG_RULE__COUNT;
    for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
        if (has_word(text, phrases[i].word))
            return phrases[i].rule;
    return DIAG_RULE__COUNT;
}

/* Q.850 causes (RFC 3326 Reason) that say more than a generic SIP code. */
static enum diag_rule by_q850(int cause)
{
    switch (cause) {
    case 1:  /* unallocated number */
    case 22: /* number changed */
        return DIAG_CAUSE_NUMBER;
    case 28: /* invalid number format */
        return DIAG_CAUSE_INCOMPLETE;
    case 2: /* no route to network */
    case 3: /* no route to destination */
        return DIAG_CAUSE_ROUTE;
    case 18: /* no user responding */
    case 20: /* subscriber absent */
    case 27: /* destination out of order */
        return DIAG_CAUSE_UNAVAILABLE;
    case 38: /* network out of order */
        return DIAG_CAUSE_SERVER;
    case 34: /* no circuit available */
    case 41: /* temporary failure */
    case 42: /* switching equipment congestion */
    case 44: /* requested circuit not available */
    case 47: /* resource unavailable */
        return DIAG_CAUSE_OVERLOAD;
    case 50: /* facility not subscribed */
    case 57: /* bearer capability not authorized */
        return DIAG_CAUSE_POLICY;
    default:
        return DIAG_RULE__COUNT;
    }
}

static enum diag_rule by_code(int status, int method)
{
    switch (status) {
    case 400:
    case 413:
    case 414:
    case 416:
    case 505:
    case 513:
        return DIAG_CAUSE_BAD_REQUEST;
    case 402:
        return DIAG_CAUSE_BILLING;
    case 403:
    case 607:
    case 608:
        return DIAG_CAUSE_POLICY;
    case 404:
    case 410:
    case 485:
    case 604:
        return method == SIP_METHOD_REGISTER ? DIAG_CAUSE_POLICY : DIAG_CAUSE_NUMBER;
    case 484:
        return DIAG_CAUSE_INCOMPLETE;
    case 405:
    case 501:
        return DIAG_CAUSE_METHOD;
    case 420:
    case 421:
        return DIAG_CAUSE_EXTENSION;
    case 480:
        return DIAG_CAUSE_UNAVAILABLE;
    case 481:
        return DIAG_DIALOG_481;
    case 478:
        return DIAG_CAUSE_ROUTE;
    case 503:
        return DIAG_CAUSE_OVERLOAD;
    case 500:
    case 502:
    case 504:
        return DIAG_CAUSE_SERVER;
    default:
        return DIAG_CAUSE_OTHER;
    }
}

/* Responses that end a call normally: the user's choice, or the caller's. */
static bool healthy_final(const struct ctx *x, const struct dmsg *r)
{
    uint32_t i;

    switch (r->status) {
    case 486:
    case 600:
    case 603:
        return true;
    case 401:
    case 407:
    case 422:
    case 423:
    case 491:
        return true; /* the rules of rules.c judge these */
    case 487:
        for (i = 0; i < r->idx; i++)
            if (x->d[i].req && x->d[i].method == SIP_METHOD_CANCEL)
                return true;
        return false;
    case 480:
        return r->q850 == 21; /* "call rejected": the callee declined */
    default:
        return r->status < 300;
    }
}

/* Rang (18x) and then 408/480 without a Q.850 cause that says the callee
 * is absent: nobody picked up.  A user's outcome (NER counts it a success
 * of the network), named as info. */
static bool no_answer(struct ctx *x, const struct dmsg *r)
{
    uint32_t i;
    struct diag_finding *f;

    if ((r->status != 408 && r->status != 480) || r->q850 == 20 || r->q850 == 27 ||
        has_word(r->reason, "money"))
        return false;
    for (i = 0; i < r->idx; i++) {
        const struct dmsg *p = &x->d[i];

        if (!p->req && p->cseq == r->cseq && p->cseq_method == r->cseq_method && p->status >= 180 &&
            p->status < 200) {
            f = diag_add(x, DIAG_NO_ANSWER, DIAG_SEV_INFO, "%d %s from %s after %.1f s of %d %s%s",
                         r->status, r->reason, r->src_ip, diag_secs(r->m->ts_ns - p->m->ts_ns),
                         p->status, p->reason, r->q850 >= 0 ? "; Reason Q.850 " : "");
            if (r->q850 >= 0) {
                size_t w = strlen(f->facts);

                snprintf(f->facts + w, sizeof(f->facts) - w, "%d", r->q850);
            }
            diag_ref(f, i);
            diag_ref(f, r->idx);
            return true;
        }
    }
    return false;
}

/* "480 No money left (Reason Q.850 34 "text"; Warning 399 "text"; Retry-After 30)
 * from 192.0.2.1 to INVITE sip:1234@host" */
static void response_facts(const struct dmsg *r, const struct dmsg *q, char *out, size_t n)
{
    size_t w = (size_t)snprintf(out, n, "%d %s", r->status, r->reason);

    if (r->q850 >= 0 && w < n)
        w += (size_t)snprintf(out + w, n - w, "; Reason Q.850 %d%s%s%s", r->q850,
                              r->reason_text[0] ? " \"" : "", r->reason_text,
                              r->reason_text[0] ? "\"" : "");
    if (r->warning >= 0 && w < n)
        w += (size_t)snprintf(out + w, n - w, "; Warning %d \"%s\"", r->warning, r->warning_text);
    if (r->retry_after >= 0 && w < n)
        w += (size_t)snprintf(out + w, n - w, "; Retry-After %d", r->retry_after);
    if (r->unsupported[0] && w < n)
        w += (size_t)snprintf(out + w, n - w, "; Unsupported: %s", r->unsupported);
    if (r->status == 421 && r->require[0] && w < n)
        w += (size_t)snprintf(out + w, n - w, "; Require: %s", r->require);
    if (w < n)
        w += (size_t)snprintf(out + w, n - w, " from %s", r->src_ip);
    if (r->user_agent[0] && w < n)
        w += (size_t)snprintf(out + w, n - w, " (%s)", r->user_agent);
    if (q && w < n)
        snprintf(out + w, n - w, " to %s %s%s%s", sip_method_name(q->method), q->ruri_user,
                 q->ruri_user[0] ? "@" : "", q->ruri_host);
}

/* A 3xx to an INVITE: followed (a new INVITE to the target), a loop (the
 * target is where the request went already), or left there. */
static void redirect(struct ctx *x, const struct dmsg *r, const struct dmsg *q)
{
    const struct dmsg *next = diag_retry_for(x, r->idx, SIP_METHOD_INVITE, r->cseq);
    struct diag_finding *f;
    uint32_t i, hops = 0;

    /* the same target offered by more than one 3xx of this call: a loop */
    for (i = 0; i < x->n; i++) {
        const struct dmsg *d = &x->d[i];

        if (!d->req && d->status >= 300 && d->status < 400 && !diag_resent(d) &&
            d->cseq_method == SIP_METHOD_INVITE)
            hops++;
    }
    if (hops >= 3 || (q && r->contact_user[0] && strcmp(r->contact_user, q->ruri_user) == 0 &&
                      strcmp(r->contact_host, q->ruri_host) == 0)) {
        f = diag_add(x, DIAG_CAUSE_REDIRECT, DIAG_SEV_PROBLEM,
                     "%d to %s@%s points back at %s@%s (%" PRIu32 " redirects in the call)",
                     r->status, q ? q->ruri_user : "", q ? q->ruri_host : "", r->contact_user,
                     r->contact_host, hops);
    } else if (!next) {
        f = diag_add(x, DIAG_CAUSE_REDIRECT, DIAG_SEV_PROBLEM,
                     "%d %s from %s: go to %s%s%s; the caller never tried it", r->status, r->reason,
                     r->src_ip, r->contact_user, r->contact_user[0] ? "@" : "", r->contact_host);
    } else {
        const struct dmsg *fin = diag_final_for(x, next->idx, SIP_METHOD_INVITE, next->cseq);

        if (fin)
            return; /* followed and answered: judged by that answer */
        f = diag_add(x, DIAG_CAUSE_REDIRECT, DIAG_SEV_PROBLEM,
                     "%d from %s to %s%s%s; the INVITE sent there (%s) got no answer", r->status,
                     r->src_ip, r->contact_user, r->contact_user[0] ? "@" : "", r->contact_host,
                     next->dst_ip);
        diag_ref(f, r->idx);
        diag_ref(f, next->idx);
        return;
    }
    if (q)
        diag_ref(f, q->idx);
    diag_ref(f, r->idx);
}

/* The final answer to the initial request, when nothing found so far
 * names a cause for it. */
static void final_response(struct ctx *x)
{
    const struct store_call *c = x->c;
    const struct dmsg *r = NULL, *q;
    enum diag_rule rule;
    struct diag_finding *f;
    char facts[256];
    uint32_t fm = diag_call_final_msg(c), i;

    if (fm == UINT32_MAX || fm >= x->n || !x->d[fm].parsed)
        return;
    r = &x->d[fm];
    /* the first copy of the final answer, so the finding points at it */
    for (i = 0; i < fm; i++)
        if (!x->d[i].req && x->d[i].status == r->status && x->d[i].cseq == r->cseq &&
            x->d[i].cseq_method == r->cseq_method) {
            r = &x->d[i];
            break;
        }
    if (r->status < 300 || healthy_final(x, r))
        return;
    q = diag_request_of(x, r);
    if (r->status == 481 && q && q->to_tag[0])
        return; /* in-dialog: dialog_481() */
    if (r->status < 400) {
        if (r->cseq_method == SIP_METHOD_INVITE)
            redirect(x, r, q);
        return;
    }
    /* already named by a rule of rules.c (AUTH-01 on a 403, CODEC-01 on a
     * 488, LOOP-01 on a 483, TIMER-408 on a 408 ...) */
    for (i = x->first; i < x->out->n; i++) {
        const struct diag_finding *g = &x->out->v[i];
        uint8_t k;

        if (g->sev < DIAG_SEV_PROBLEM || g->call != c->id)
            continue;
        if (diag_rule_rank(g->rule) <= 1)
            return;
        for (k = 0; k < g->nmsgs; k++)
            if (x->d[g->msgs[k]].status == r->status && !x->d[g->msgs[k]].req)
                return;
    }
    if (no_answer(x, r))
        return;
    rule = by_phrase(r->reason);
    if (rule == DIAG_RULE__COUNT)
        rule = by_phrase(r->warning_text);
    if (rule == DIAG_RULE__COUNT)
        rule = by_phrase(r->reason_text);
    if (rule == DIAG_RULE__COUNT && (r->status == 403 || r->status == 404 || r->status == 480 ||
                                     r->status == 500 || r->status == 502 || r->status == 503))
        rule = by_q850(r->q850);
    if (rule == DIAG_RULE__COUNT)
        rule = by_code(r->status, r->cseq_method);
    /* a 503 that names no other cause: overload or maintenance */
    response_facts(r, q, facts, sizeof(facts));
    f = diag_add(x, rule, DIAG_SEV_PROBLEM, "%s", facts);
    if (q)
        diag_ref(f, q->idx);
    diag_ref(f, r->idx);
}

/* 481 to a request inside an established dialog: the far end does not
 * know the dialog (wrong tags or route, a restart, a proxy bypassed).  Not
 * a 481 to a request that crossed our BYE, nor to a CANCEL or duplicate. */
static void dialog_481(struct ctx *x)
{
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *r = &x->d[i], *q;
        bool crossed = false;
        struct diag_finding *f;

        if (r->req || r->status != 481 || diag_resent(r) ||
            (r->cseq_method != SIP_METHOD_BYE && r->cseq_method != SIP_METHOD_INVITE &&
             r->cseq_method != SIP_METHOD_UPDATE && r->cseq_method != SIP_METHOD_INFO &&
             r->cseq_method != SIP_METHOD_PRACK && r->cseq_method != SIP_METHOD_REFER))
            continue;
        q = diag_request_of(x, r);
        if (!q || !q->to_tag[0])
            continue; /* an initial request: final_response() reads it */
        if (diag_has_rule(x, DIAG_CANCEL_RACE))
            return; /* the caller cancelled: it holds no dialog (CANCEL-01) */
        /* a BYE from the other side before this request: it crossed */
        for (k = 0; k < q->idx; k++)
            if (x->d[k].req && x->d[k].method == SIP_METHOD_BYE &&
                strcmp(x->d[k].src_ip, q->src_ip) != 0)
                crossed = true;
        if (crossed)
            continue;
        f = diag_add(x, DIAG_DIALOG_481, DIAG_SEV_PROBLEM,
                     "%s from %s to %s answered 481 %s (From tag %s, To tag %s)",
                     sip_method_name(q->method), q->src_ip, q->dst_ip, r->reason, q->from_tag,
                     q->to_tag);
        diag_ref(f, q->idx);
        diag_ref(f, r->idx);
        return;
    }
}

/* An offer refused (488/606/415/501) or answered with its stream at port 0
 * for what it asked for: SRTP against plain RTP, T.38 fax, video. */
static void sdp_refusals(struct ctx *x)
{
    uint32_t i, k;
    bool srtp_done = false, t38_done = false, video_done = false, ptime_done = false;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *o = &x->d[i];

        if (!o->req || !o->sdp || diag_resent(o) ||
            (o->method != SIP_METHOD_INVITE && o->method != SIP_METHOD_UPDATE))
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *a = &x->d[k];
            bool refused;
            struct diag_finding *f = NULL;

            if (a->req || a->cseq != o->cseq || a->cseq_method != o->method || diag_resent(a) ||
                a->status < 180)
                continue;
            refused = a->status == 488 || a->status == 606 || a->status == 415 ||
                      a->status == 501 || a->status == 406;
            if (!refused && (!a->sdp || a->status >= 300))
                break;
            if (o->image && !t38_done && (refused || a->image_rejected || !a->image)) {
                t38_done = true;
                f = diag_add(
                    x, DIAG_SDP_T38, DIAG_SEV_PROBLEM,
                    "%s%s from %s offers T.38 fax (m=image); %d %s%s", o->to_tag[0] ? "re-" : "",
                    sip_method_name(o->method), o->src_ip, a->status, a->reason,
                    !refused ? (a->image ? " with m=image port 0" : " without m=image") : "");
            } else if (!srtp_done && o->naudio && (refused || a->naudio) &&
                       (o->srtp != (a->sdp ? a->srtp : o->srtp) ||
                        (refused && (o->srtp || has_word(a->warning_text, "srtp") ||
                                     has_word(a->warning_text, "crypto") ||
                                     has_word(a->warning_text, "encrypt"))))) {
                srtp_done = true;
                f = diag_add(x, DIAG_SDP_SRTP, DIAG_SEV_PROBLEM, "offer from %s: %s%s; %d %s%s%s%s",
                             o->src_ip, o->audio_proto,
                             o->srtp ? " with SRTP keys (crypto/fingerprint)" : " without SRTP",
                             a->status, a->reason, a->sdp ? ", answer " : "",
                             a->sdp ? a->audio_proto : "",
                             a->sdp ? (a->srtp ? " with SRTP keys" : " without SRTP") : "");
            } else if (!video_done && o->video && !o->video_rejected && a->sdp &&
                       (a->video_rejected || !a->video) && a->status < 300) {
                video_done = true;
                f = diag_add(x, DIAG_SDP_VIDEO, refused ? DIAG_SEV_PROBLEM : DIAG_SEV_INFO,
                             "offer from %s has video; the %d from %s %s", o->src_ip, a->status,
                             a->src_ip, a->video ? "sets its port to 0" : "has no m=video");
            } else if (!video_done && o->video && refused && o->naudio == 0) {
                video_done = true;
                f = diag_add(x, DIAG_SDP_VIDEO, DIAG_SEV_PROBLEM,
                             "video-only offer from %s refused: %d %s", o->src_ip, a->status,
                             a->reason);
            } else if (!ptime_done && a->sdp && o->ptime > 0 && a->ptime > 0 &&
                       o->ptime != a->ptime && a->status < 300) {
                ptime_done = true;
                f = diag_add(x, DIAG_SDP_PTIME, DIAG_SEV_WARNING,
                             "offer from %s asks ptime %d, answer from %s ptime %d", o->src_ip,
                             o->ptime, a->src_ip, a->ptime);
            }
            if (f) {
                diag_ref(f, i);
                diag_ref(f, k);
            }
            break;
        }
    }
}

/* 100rel (RFC 3262): a reliable 18x (Require: 100rel, RSeq) must be
 * PRACKed; without one the callee retransmits it and gives up. */
static void prack(struct ctx *x)
{
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *p = &x->d[i];
        uint32_t copies = 1, last = i;
        bool pracked = false;
        struct diag_finding *f;
        const struct dmsg *fin;

        if (p->req || p->status < 101 || p->status >= 200 || !p->rseq || diag_resent(p))
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *e = &x->d[k];

            if (e->req && e->method == SIP_METHOD_PRACK)
                pracked = true;
            else if (!e->req && e->status == p->status && e->rseq == p->rseq &&
                     e->cseq == p->cseq) {
                copies++;
                last = k;
            }
        }
        if (pracked || copies < 2)
            continue;
        fin = diag_final_for(x, i, p->cseq_method, p->cseq);
        f = diag_add(
            x, DIAG_PRACK_MISSING, DIAG_SEV_PROBLEM,
            "reliable %d (RSeq %" PRIu32 ") from %s sent %" PRIu32 " times over %.1f s, no PRACK",
            p->status, p->rseq, p->src_ip, copies, diag_secs(x->d[last].m->ts_ns - p->m->ts_ns));
        if (fin) {
            size_t w = strlen(f->facts);

            snprintf(f->facts + w, sizeof(f->facts) - w, "; then %d %s", fin->status, fin->reason);
        }
        diag_ref(f, i);
        diag_ref(f, last);
        if (fin)
            diag_ref(f, fin->idx);
        return;
    }
}

/* Copies of the response ok seen after message index from. */
static uint32_t copies_after(const struct ctx *x, const struct dmsg *ok, uint32_t from)
{
    uint32_t k, n = 0;

    for (k = from + 1; k < x->n; k++)
        if (!x->d[k].req && x->d[k].status == ok->status && x->d[k].cseq == ok->cseq &&
            x->d[k].cseq_method == ok->cseq_method)
            n++;
    return n;
}

/* In-dialog requests (ACK, BYE) sent to the 200's Contact where nothing
 * answers: the BYE retransmitted with no response, the 200 retransmitted
 * although the ACK left. */
static void contact_unreachable(struct ctx *x)
{
    uint32_t i, k;

    for (i = 0; i < x->n; i++) {
        const struct dmsg *ok = &x->d[i];
        const struct dmsg *ack = NULL, *bye = NULL;
        uint32_t bye_copies = 0, ok_copies = 1;
        bool bye_answered = false;
        struct diag_finding *f;

        if (ok->req || ok->status < 200 || ok->status >= 300 ||
            ok->cseq_method != SIP_METHOD_INVITE || diag_resent(ok) || !ok->contact_host[0])
            continue;
        for (k = i + 1; k < x->n; k++) {
            const struct dmsg *e = &x->d[k];

            if (e->req && e->method == SIP_METHOD_ACK && e->cseq == ok->cseq && !ack)
                ack = e;
            else if (!e->req && e->status == ok->status && e->cseq == ok->cseq &&
                     e->cseq_method == SIP_METHOD_INVITE)
                ok_copies++;
            else if (e->req && e->method == SIP_METHOD_BYE && strcmp(e->src_ip, ok->src_ip) != 0) {
                if (!bye)
                    bye = e;
                if (bye && e->cseq == bye->cseq)
                    bye_copies++;
            } else if (bye && !e->req && e->cseq_method == SIP_METHOD_BYE && e->cseq == bye->cseq)
                bye_answered = true;
        }
        /* the ACK left for the 200's Contact, which is not where the 200
         * came from, and the 200 kept coming: the ACK never arrived */
        if (ack && strcmp(ack->dst_ip, ok->contact_host) == 0 &&
            (strcmp(ok->contact_host, ok->src_ip) != 0 ||
             (ok->contact_port && ok->contact_port != ok->src_port)) &&
            ok_copies >= 3 && copies_after(x, ok, ack->idx) >= 2) {
            f = diag_add(x, DIAG_CONTACT_UNREACHABLE, DIAG_SEV_PROBLEM,
                         "200 OK from %s port %u has Contact %s port %u; the ACK went there and "
                         "the 200 was sent %" PRIu32 " times",
                         ok->src_ip, ok->src_port, ok->contact_host,
                         ok->contact_port ? ok->contact_port : 5060, ok_copies);
            diag_ref(f, i);
            diag_ref(f, ack->idx);
            return;
        }
        if (bye && !bye_answered && bye_copies >= 2) {
            f = diag_add(x, DIAG_CONTACT_UNREACHABLE, DIAG_SEV_PROBLEM,
                         "BYE from %s to %s (Contact %s of the 200 OK from %s) sent %" PRIu32
                         " times, no response",
                         bye->src_ip, bye->dst_ip, ok->contact_host, ok->src_ip, bye_copies);
            diag_ref(f, i);
            diag_ref(f, bye->idx);
            return;
        }
        return;
    }
}

void diag_rules_sdp_refusals(struct ctx *x)
{
    sdp_refusals(x);
}

void diag_rules_causes(struct ctx *x)
{
    contact_unreachable(x);
    prack(x);
    dialog_481(x);
    final_response(x);
}
