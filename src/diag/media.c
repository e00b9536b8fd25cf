/*
 * diag media: the rtp module's media findings of a call, as diag findings
 * (rules RTP-01 .. RTP-07, texts in text.c), so --report and the console's
 * findings list show them with the signalling ones.  The findings
 * themselves (thresholds, the comparison of SDP and RTP) are in
 * src/rtp/media_checks.c.  Runs on the store's owner thread; reads the table.
 */
#include "diag.h"

#include <string.h>

#include "rtp.h"
#include "store.h"
#include "util.h"

static enum diag_rule rule_of(enum rtp_finding_kind k)
{
    switch (k) {
    case RTP_F_NO_RTP:
        return DIAG_RTP_NONE;
    case RTP_F_ONE_WAY:
        return DIAG_RTP_ONE_WAY;
    case RTP_F_ADDR_MISMATCH:
        return DIAG_RTP_NAT;
    case RTP_F_PT_NOT_NEGOTIATED:
        return DIAG_RTP_PT;
    case RTP_F_LOSS:
        return DIAG_RTP_LOSS;
    case RTP_F_JITTER:
        return DIAG_RTP_JITTER;
    case RTP_F_DTMF_NOT_NEGOTIATED:
    default:
        return DIAG_RTP_DTMF;
    }
}

enum diag_sev diag_call_media(const struct rtp_table *t, const struct store *s,
                              const struct store_call *c, struct diag_list *out)
{
    struct rtp_finding f[16];
    enum diag_sev max = DIAG_SEV_NONE;
    size_t n, i, n_txt;

    /* a capture without any RTP was taken where media does not pass: saying
     * "no RTP" for every call would be noise */
    if (!t || !c || c->kind != CALL_KIND_INVITE || rtp_table_nstreams(t) == 0)
        return DIAG_SEV_NONE;
    n = rtp_call_findings(t, s, c, f, 16);
    for (i = 0; i < n && i < 16; i++) {
        struct diag_finding *d;

        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
        }
        d = &out->v[out->n++];
        memset(d, 0, sizeof(*d));
        d->rule = rule_of(f[i].kind);
        d->sev = f[i].error ? DIAG_SEV_PROBLEM : DIAG_SEV_WARNING;
        d->call = c->id;
        n_txt = strlen(f[i].text); /* cut to the facts field */
        if (n_txt >= sizeof(d->facts))
            n_txt = sizeof(d->facts) - 1;
        memcpy(d->facts, f[i].text, n_txt);
        d->facts[n_txt] = '\0';
        if (d->sev > max)
            max = d->sev;
    }
    return max;
}
