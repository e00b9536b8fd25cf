/*
 * kpi: carrier call statistics over a store: ASR, ACD, PDD, NER, SER,
 * overall and per destination, and response codes by frequency.
 *
 * Definitions (domain.md §3.18; sipdx(1) says the same):
 *  - attempt: one INVITE dialog (Call-ID) whose initial INVITE (no To tag)
 *    was seen; auth retries and retransmissions belong to it, re-INVITEs
 *    are not attempts.  Outcome: the final answer to its last initial INVITE.
 *  - ASR = answered (2xx) / attempts (ITU-T E.411 "answer seizure ratio").
 *  - NER = (2xx + 486 + 600 + 603 + 480/408/487 or a CANCEL after a 18x)
 *    / attempts (ITU-T E.425, GSMA IR.42, mapped onto SIP).
 *  - SER = 2xx / (attempts - 3xx), RFC 6076 §4.6.
 *  - ACD = sum(BYE - 2xx) / answered calls that have their BYE in the capture.
 *  - PDD = first INVITE -> first non-100 1xx (or the 2xx when none), auth
 *    round trips included (RFC 6076 §4.3 SRD, successful case); failed PDD
 *    = first INVITE -> final failure when no 1xx besides 100 came.
 *  - RFC 6076: SRD is PDD above (successful and failed); SEER = (200, 480,
 *    486, 600, 603) / (attempts - 3xx) §4.7; ISA = (408, 500, 503, 504, or
 *    no response at all past Timer B) / attempts §4.8; SCR = answered calls
 *    whose BYE got a 2xx / attempts §4.9; SDD = BYE -> its 2xx §4.4; SDT =
 *    2xx -> BYE, the durations ACD averages §4.5; RRD = first REGISTER of an
 *    attempt (challenges included) -> its 2xx §4.1; IRA = REGISTER attempts
 *    not ended by a 2xx / attempts §4.2.
 *  - destination: host of the first INVITE's Request-URI, or the IP the
 *    INVITE was sent to when the R-URI has no host.
 *
 * Thread: the store's owner.  The report owns copies of everything.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"
#include "store.h"
#include "util.h"

double kpi_asr(const struct kpi *k)
{
    return k->attempts ? 100.0 * k->answered / k->attempts : -1;
}

double kpi_ner(const struct kpi *k)
{
    return k->attempts ? 100.0 * k->ner_ok / k->attempts : -1;
}

double kpi_ser(const struct kpi *k)
{
    uint32_t den = k->attempts - k->redirected;

    return den ? 100.0 * k->answered / den : -1;
}

double kpi_acd_s(const struct kpi *k)
{
    return k->acd_n ? (double)k->acd_sum / k->acd_n / 1e9 : -1;
}

double kpi_pdd_ms(const struct kpi *k)
{
    return k->pdd_n ? (double)k->pdd_sum / k->pdd_n / 1e6 : -1;
}

double kpi_fpdd_ms(const struct kpi *k)
{
    return k->fpdd_n ? (double)k->fpdd_sum / k->fpdd_n / 1e6 : -1;
}

double kpi_seer(const struct kpi *k)
{
    uint32_t den = k->attempts - k->redirected;

    return den ? 100.0 * k->seer_ok / den : -1;
}

double kpi_isa(const struct kpi *k)
{
    return k->attempts ? 100.0 * k->isa_fail / k->attempts : -1;
}

double kpi_scr(const struct kpi *k)
{
    return k->attempts ? 100.0 * k->scr_ok / k->attempts : -1;
}

double kpi_sdd_ms(const struct kpi *k)
{
    return k->sdd_n ? (double)k->sdd_sum / k->sdd_n / 1e6 : -1;
}

double kpi_ira(const struct kpi *k)
{
    return k->reg_attempts ? 100.0 * k->reg_failed / k->reg_attempts : -1;
}

double kpi_rrd_ms(const struct kpi *k)
{
    return k->rrd_n ? (double)k->rrd_sum / k->rrd_n / 1e6 : -1;
}

/* The REGISTER attempts of a dialog: a transaction challenged (401/407)
 * goes on in the next one; an attempt ends at a 2xx (RRD) or any other
 * end (IRA). */
static void count_registers(struct kpi *k, const struct store_call *c)
{
    const struct store_txn *start = NULL;
    uint32_t t;

    const struct store_txn *challenged = NULL;

    for (t = 0; t < c->ntxns; t++) {
        const struct store_txn *x = &c->txns[t];

        if (x->method != SIP_METHOD_REGISTER)
            continue;
        /* a retry later than 64*T1 after the challenge is a new attempt:
         * the challenged one was given up */
        if (start && challenged && x->req_ts - challenged->final_ts > 32000000000LL) {
            k->reg_attempts++;
            k->reg_failed++;
            start = NULL;
        }
        if (!start)
            start = x;
        challenged = x;
        if (x->final_status == 401 || x->final_status == 407)
            continue;
        k->reg_attempts++;
        if (x->final_status >= 200 && x->final_status < 300 && x->final_ts >= start->req_ts) {
            k->rrd_n++;
            k->rrd_sum += x->final_ts - start->req_ts;
        } else {
            k->reg_failed++;
        }
        start = NULL;
    }
    if (start) { /* challenged and never retried */
        k->reg_attempts++;
        k->reg_failed++;
    }
}

/* What one attempt adds to a kpi. */
static void count_attempt(struct kpi *k, const struct store_call *c)
{
    uint16_t st = c->final_status;
    bool rang = c->ring_ts != 0;

    k->attempts++;
    if (c->answer_ts) {
        k->answered++;
        if (c->state == CALL_STATE_COMPLETED && c->end_ts > c->answer_ts) {
            k->acd_n++;
            k->acd_sum += c->end_ts - c->answer_ts;
        } else {
            k->answered_open++;
        }
    } else if (st >= 300 && st < 400) {
        k->redirected++;
    } else if (!st) {
        k->no_final++;
        if (c->state == CALL_STATE_UNANSWERED)
            k->unanswered++;
    }
    if (c->answer_ts || st == 480 || st == 486 || st == 600 || st == 603)
        k->seer_ok++;
    if (st == 408 || st == 500 || st == 503 || st == 504 ||
        (!st && c->state == CALL_STATE_UNANSWERED))
        k->isa_fail++;
    if (c->answer_ts) {
        uint32_t t;

        for (t = 0; t < c->ntxns; t++) {
            const struct store_txn *x = &c->txns[t];

            if (x->method != SIP_METHOD_BYE || x->final_status < 200 || x->final_status >= 300)
                continue;
            k->scr_ok++;
            if (x->final_ts >= x->req_ts) {
                k->sdd_n++;
                k->sdd_sum += x->final_ts - x->req_ts;
            }
            break;
        }
    }
    if (c->answer_ts || st == 486 || st == 600 || st == 603 ||
        (rang && (st == 480 || st == 408 || st == 487 || c->state == CALL_STATE_CANCELLED)))
        k->ner_ok++;
    if (c->ring_ts && c->ring_ts >= c->invite_ts) {
        k->pdd_n++;
        k->pdd_sum += c->ring_ts - c->invite_ts;
    } else if (c->answer_ts && c->answer_ts >= c->invite_ts) {
        k->pdd_n++;
        k->pdd_sum += c->answer_ts - c->invite_ts;
    } else if (st >= 300 && c->final_ts >= c->invite_ts) {
        k->fpdd_n++;
        k->fpdd_sum += c->final_ts - c->invite_ts;
    }
}

/* The destination of an attempt into out: R-URI host, else the IP. */
static bool dest_of(const struct store *s, const struct store_call *c, struct strbuf *tmp,
                    struct strbuf *out)
{
    uint32_t i;

    sb_reset(out);
    for (i = 0; i < c->nmsgs; i++) {
        const struct store_msg *m = &c->msgs[i];
        struct sip_msg sm;
        struct sip_uri u;
        size_t k;

        if (!(m->flags & STORE_MSG_REQUEST) || m->method != SIP_METHOD_INVITE)
            continue;
        if (store_msg_parse(s, m, tmp, &sm) == 0 && SIP_STR_PRESENT(sm.ruri) &&
            sip_parse_uri(&sm, sm.ruri, &u) == 0) {
            for (k = 0; k < u.host.len; k++) {
                char ch = sip_str_ptr(&sm, u.host)[k];
                sb_putc(out, ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch);
            }
        }
        sip_msg_fini(&sm);
        if (out->len)
            return false;
        {
            char ip[64];

            cap_addr_format(store_endpoint(s, m->dst_ep), false, ip, sizeof(ip));
            sb_puts(out, ip);
        }
        return true;
    }
    {
        char ip[64];

        cap_addr_format(store_endpoint(s, c->dst_ep), false, ip, sizeof(ip));
        sb_puts(out, ip);
    }
    return true;
}

static int dest_cmp(const void *a, const void *b)
{
    const struct kpi_dest *x = a, *y = b;

    if (x->k.attempts != y->k.attempts)
        return x->k.attempts > y->k.attempts ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int code_cmp(const void *a, const void *b)
{
    const struct kpi_code *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->code < y->code ? -1 : (x->code > y->code);
}

int stats_kpi(const struct store *s, stats_call_pred keep, void *ctx, struct kpi_report *out)
{
    size_t i, j, ncalls = store_ncalls(s), dcap = 0;
    uint64_t counts[700];
    struct {
        size_t call;
        uint32_t msg;
    } first[700];
    struct strbuf tmp, name;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memset(counts, 0, sizeof(counts));
    sb_init(&tmp);
    sb_init(&name);
    for (i = 0; i < ncalls; i++) {
        const struct store_call *c = store_call_at(s, i);
        uint32_t m;

        if (keep && !keep(ctx, c))
            continue;
        for (m = 0; m < c->nmsgs; m++) {
            const struct store_msg *sm = &c->msgs[m];

            if ((sm->flags & (STORE_MSG_REQUEST | STORE_MSG_RESENT)) || sm->status < 100 ||
                sm->status >= 700)
                continue;
            if (counts[sm->status]++ == 0) {
                first[sm->status].call = i;
                first[sm->status].msg = m;
            }
            out->responses++;
        }
        if (c->kind == CALL_KIND_REGISTER)
            count_registers(&out->all, c);
        if (c->kind != CALL_KIND_INVITE || !c->invite_ts)
            continue;
        count_attempt(&out->all, c);
        {
            bool by_ip = dest_of(s, c, &tmp, &name);
            struct kpi_dest *d = NULL;

            for (j = 0; j < out->ndests; j++) {
                if (strcmp(out->dests[j].name, name.s) == 0) {
                    d = &out->dests[j];
                    break;
                }
            }
            if (!d) {
                if (out->ndests == dcap) {
                    dcap = dcap ? dcap * 2 : 8;
                    out->dests = xrealloc(out->dests, dcap * sizeof(*out->dests));
                }
                d = &out->dests[out->ndests++];
                memset(d, 0, sizeof(*d));
                d->name = xstrdup(name.s);
                d->by_ip = by_ip;
            }
            count_attempt(&d->k, c);
        }
    }
    for (i = 100; i < 700; i++) {
        if (counts[i])
            out->ncodes++;
    }
    out->codes = xcalloc(out->ncodes ? out->ncodes : 1, sizeof(*out->codes));
    for (i = 100, j = 0; i < 700; i++) {
        const struct store_call *c;
        struct sip_msg sm;

        if (!counts[i])
            continue;
        out->codes[j].code = (uint16_t)i;
        out->codes[j].count = counts[i];
        c = store_call_at(s, first[i].call);
        if (store_msg_parse(s, &c->msgs[first[i].msg], &tmp, &sm) == 0)
            out->codes[j].reason = xstrndup(sip_str_ptr(&sm, sm.reason), sm.reason.len);
        else
            rc = -1;
        sip_msg_fini(&sm);
        if (!out->codes[j].reason)
            out->codes[j].reason = xstrdup("");
        j++;
    }
    if (out->ncodes > 1)
        qsort(out->codes, out->ncodes, sizeof(*out->codes), code_cmp);
    if (out->ndests > 1)
        qsort(out->dests, out->ndests, sizeof(*out->dests), dest_cmp);
    sb_fini(&tmp);
    sb_fini(&name);
    return rc;
}

void stats_kpi_fini(struct kpi_report *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->ndests; i++)
        free(r->dests[i].name);
    free(r->dests);
    for (i = 0; i < r->ncodes; i++)
        free(r->codes[i].reason);
    free(r->codes);
    memset(r, 0, sizeof(*r));
}
