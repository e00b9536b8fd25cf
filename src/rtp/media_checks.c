/*
 * media_checks: media problems of one call, from its SDP announcements
 * and its RTP streams (pure; reads the table, allocates nothing).
 *
 *   no-rtp        the call was answered, audio was announced, no RTP seen
 *   one-way       RTP only in one direction while both sides offered
 *                 sendrecv
 *   addr-mismatch RTP comes from an address no SDP of the call announced
 *                 (NAT in front of the sender; symmetric RTP needed)
 *   pt            a payload type the receiver did not list in its m= line
 *   dtmf          RFC 4733 telephone-events to a receiver that did not
 *                 offer telephone-event
 *   loss, jitter  above RTP_LOSS_PCT / RTP_JITTER_MS (include/rtp.h)
 *
 * Thread: whichever owns the table.
 */
#include "rtp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtp_int.h"
#include "sip.h"
#include "store.h"

#define MAXA 64
#define MAXS 64

const char *rtp_finding_name(enum rtp_finding_kind k)
{
    switch (k) {
    case RTP_F_NO_RTP:
        return "no-rtp";
    case RTP_F_ONE_WAY:
        return "one-way";
    case RTP_F_ADDR_MISMATCH:
        return "addr-mismatch";
    case RTP_F_PT_NOT_NEGOTIATED:
        return "pt-not-negotiated";
    case RTP_F_LOSS:
        return "loss";
    case RTP_F_JITTER:
        return "jitter";
    case RTP_F_DTMF_NOT_NEGOTIATED:
        return "dtmf-not-negotiated";
    }
    return "?";
}

struct ctx {
    struct rtp_finding *out;
    size_t max, n;
};

static void add(struct ctx *c, enum rtp_finding_kind k, bool error, int32_t stream, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));

static void add(struct ctx *c, enum rtp_finding_kind k, bool error, int32_t stream, const char *fmt,
                ...)
{
    va_list ap;

    char text[sizeof(c->out[0].text)];
    size_t i;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* the same sentence once per call (e.g. audio and events from one NAT) */
    for (i = 0; i < c->n && i < c->max; i++)
        if (c->out[i].kind == k && strcmp(c->out[i].text, text) == 0)
            return;
    if (c->n < c->max) {
        struct rtp_finding *f = &c->out[c->n];

        f->kind = k;
        f->error = error;
        f->stream = stream;
        memcpy(f->text, text, sizeof(text));
    }
    c->n++;
}

static bool is_media(const struct rtp_announce *a)
{
    return a->addr.port != 0 && (strcmp(a->media, "audio") == 0 || strcmp(a->media, "video") == 0);
}

/* The latest announcement for an address (NULL if none). */
static const struct rtp_announce *latest_for(const struct rtp_announce **a, size_t na,
                                             const struct cap_addr *addr)
{
    const struct rtp_announce *r = NULL;
    size_t i;

    for (i = 0; i < na; i++)
        if (cap_addr_eq(&a[i]->addr, addr))
            r = a[i];
    return r;
}

static bool lists_pt(const struct rtp_announce *a, uint8_t pt)
{
    size_t i;

    for (i = 0; i < a->npts; i++)
        if (a->pts[i].pt == pt)
            return true;
    return false;
}

static bool lists_event(const struct rtp_announce *a)
{
    size_t i;

    for (i = 0; i < a->npts; i++)
        if (rtp_ptmap_is_event(&a->pts[i]))
            return true;
    return false;
}

static bool same_host(const struct cap_addr *a, const struct cap_addr *b)
{
    return a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

static bool is_loopback(const struct cap_addr *x)
{
    static const uint8_t v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    return x->family == 4 ? x->ip[0] == 127 : memcmp(x->ip, v6, 16) == 0;
}

/* A host on loopback sends from 127.0.0.1 whatever 127.x address it
 * announced (the kernel picks the source): one host, not a NAT. */
static bool loopback_same_port(const struct rtp_announce **a, size_t na, const struct cap_addr *src)
{
    size_t i;

    if (!is_loopback(src))
        return false;
    for (i = 0; i < na; i++)
        if (is_loopback(&a[i]->addr) && a[i]->addr.port == src->port)
            return true;
    return false;
}

size_t rtp_findings(const struct rtp_table *t, const char *call_id, size_t call_id_len,
                    int64_t answer_ts_ns, int64_t end_ts_ns, const struct rtp_announce *ann,
                    size_t nann, struct rtp_finding *out, size_t max)
{
    int64_t end = end_ts_ns > rtp_table_latest(t) ? end_ts_ns : rtp_table_latest(t);
    /* media needs a moment after the answer before its absence means much */
    bool answered = answer_ts_ns > 0 && end - answer_ts_ns >= RTP_GRACE_NS;
    const struct rtp_announce *a[MAXA];
    const struct rtp_stream *s[MAXS];
    size_t na, ns, i, j, nmedia = 0, nlive = 0;
    bool held = false, two_way = false;
    struct ctx c = {out, max, 0};
    char x[64], y[64];

    for (na = 0; na < nann && na < MAXA; na++)
        a[na] = &ann[na];
    ns = rtp_table_call_streams(t, call_id, call_id_len, s, MAXS);
    if (ns > MAXS)
        ns = MAXS;
    for (i = 0; i < na; i++) {
        if (!is_media(a[i]))
            continue;
        if (latest_for(a, na, &a[i]->addr) != a[i])
            continue;
        nmedia++;
        if (a[i]->dir == SDP_DIR_SENDONLY || a[i]->dir == SDP_DIR_RECVONLY ||
            a[i]->dir == SDP_DIR_INACTIVE)
            held = true;
    }
    for (i = 0; i < ns; i++)
        if (s[i]->packets > 0)
            nlive++;

    if (answered && nmedia > 0 && nlive == 0) {
        for (i = 0; i < na && !is_media(a[i]); i++)
            ;
        cap_addr_format(&a[i]->addr, true, x, sizeof(x));
        add(&c, RTP_F_NO_RTP, true, -1,
            "answered, but no RTP was seen for the media announced at %s "
            "(or this capture point does not see media)",
            x);
    }
    /* one-way: every stream goes from the same host to the same host */
    for (i = 1; i < ns; i++)
        if (!same_host(&s[i]->src, &s[0]->src) || !same_host(&s[i]->dst, &s[0]->dst))
            two_way = true;
    if (answered && nlive > 0 && !two_way && nmedia >= 2 && !held) {
        cap_addr_format(&s[0]->src, true, x, sizeof(x));
        cap_addr_format(&s[0]->dst, true, y, sizeof(y));
        add(&c, RTP_F_ONE_WAY, true, (int32_t)s[0]->id,
            "one-way audio: RTP flows %s -> %s only; nothing comes back (firewall, NAT or a "
            "wrong c= address on the silent side)",
            x, y);
    }
    for (i = 0; i < ns; i++) {
        const struct rtp_stream *st = s[i];
        const struct rtp_announce *rx = latest_for(a, na, &st->dst);
        const struct rtp_announce *tx = latest_for(a, na, &st->src);
        bool from_announced = tx != NULL;

        /* the sender is known by its address when symmetric; else by host */
        if (!from_announced && rx && !loopback_same_port(a, na, &st->src)) {
            const struct rtp_announce *other = NULL;

            for (j = 0; j < na; j++)
                if (is_media(a[j]) && !cap_addr_eq(&a[j]->addr, &st->dst))
                    other = a[j];
            cap_addr_format(&st->src, true, x, sizeof(x));
            if (other) {
                cap_addr_format(&other->addr, true, y, sizeof(y));
                add(&c, RTP_F_ADDR_MISMATCH, false, (int32_t)st->id,
                    "RTP comes from %s, but the SDP announced %s: NAT in front of the "
                    "sender; the far end must send back to where RTP comes from (symmetric "
                    "RTP, RFC 4961)",
                    x, y);
            }
        }
        if (rx) {
            for (j = 0; j < st->npts; j++) {
                uint8_t pt = st->pts[j].pt;
                struct rtp_ptmap name = st->pts[j];
                size_t k;

                if (lists_pt(rx, pt))
                    continue;
                /* what the sender's SDP (or, behind NAT, any SDP of the
                 * call) calls it */
                for (k = 0; k < na && !name.name[0]; k++) {
                    size_t q;

                    if (a[k] == rx)
                        continue;
                    for (q = 0; q < a[k]->npts; q++)
                        if (a[k]->pts[q].pt == pt && a[k]->pts[q].name[0])
                            name = a[k]->pts[q];
                }
                if (tx)
                    for (k = 0; k < tx->npts; k++)
                        if (tx->pts[k].pt == pt)
                            name = tx->pts[k];
                cap_addr_format(&st->dst, true, y, sizeof(y));
                if (rtp_ptmap_is_event(&name) || (st->event_packets && !lists_event(rx))) {
                    add(&c, RTP_F_DTMF_NOT_NEGOTIATED, false, (int32_t)st->id,
                        "DTMF sent as RFC 4733 events (PT %u) to %s, which did not offer "
                        "telephone-event: the digits may be lost",
                        pt, y);
                } else {
                    char lbl[48];

                    rtp_pt_label(&name, lbl, sizeof(lbl));
                    add(&c, RTP_F_PT_NOT_NEGOTIATED, false, (int32_t)st->id,
                        "payload type %u (%s) sent to %s, which did not list it in its m= line", pt,
                        lbl, y);
                }
            }
        }
        if (st->expected >= 50 && rtp_stream_lost_pct(st) > RTP_LOSS_PCT) {
            cap_addr_format(&st->src, true, x, sizeof(x));
            cap_addr_format(&st->dst, true, y, sizeof(y));
            add(&c, RTP_F_LOSS, rtp_stream_lost_pct(st) > 10.0, (int32_t)st->id,
                "%lld of %lld RTP packets lost (%.1f%%, above %.0f%%) %s -> %s",
                (long long)st->lost, (long long)st->expected, rtp_stream_lost_pct(st), RTP_LOSS_PCT,
                x, y);
        }
        if (st->max_jitter > RTP_JITTER_MS) {
            cap_addr_format(&st->src, true, x, sizeof(x));
            cap_addr_format(&st->dst, true, y, sizeof(y));
            add(&c, RTP_F_JITTER, false, (int32_t)st->id,
                "jitter up to %.1f ms (above %.0f ms) %s -> %s", st->max_jitter, RTP_JITTER_MS, x,
                y);
        }
    }
    return c.n;
}

size_t rtp_call_findings(const struct rtp_table *t, const struct store *st,
                         const struct store_call *c, struct rtp_finding *out, size_t max)
{
    struct rtp_announce a[32];
    size_t na = rtp_call_announces(st, c, a, 32);

    return rtp_findings(t, c->call_id, c->call_id_len, c->established ? c->answer_ts : 0,
                        c->last_ts, a, na, out, max);
}
