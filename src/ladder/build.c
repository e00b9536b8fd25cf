/*
 * build: calls of the store -> the ladder model (ladder.h).  Every message
 * is read and parsed once (store_msg_parse) for its label, SDP summary and
 * start line; responses get their note and failure from note.c; the
 * findings of the calls are attached to the rows they point at.  RTP
 * streams, when asked, become rows between the lanes of the endpoints whose
 * SDP announced them.
 *
 * Store owner's thread.  Everything allocated here belongs to the model.
 */
#include "ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "kb.h"
#include "rtp.h"
#include "settings.h"
#include "store.h"
#include "util.h"

static int row_cmp(const void *a, const void *b)
{
    const struct ladder_row *x = a, *y = b;

    if (x->ts_ns != y->ts_ns)
        return x->ts_ns < y->ts_ns ? -1 : 1;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return 0;
}

static bool same_ip(const struct cap_addr *a, const struct cap_addr *b)
{
    return a && b && a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

/* The lane of ep, added when new; more endpoints than lanes share the
 * last.  collapse: any port of a lane's address is that lane. */
static uint32_t lane_add(struct ladder *l, const struct store *s, uint32_t ep, bool collapse)
{
    size_t i;

    for (i = 0; i < l->nlanes; i++)
        if (l->lanes[i].ep == ep)
            return (uint32_t)i;
    if (collapse) {
        const struct cap_addr *a = store_endpoint(s, ep);

        for (i = 0; i < l->nlanes; i++)
            if (same_ip(a, store_endpoint(s, l->lanes[i].ep)))
                return (uint32_t)i;
    }
    if (l->nlanes >= LADDER_MAX_LANES)
        return (uint32_t)(l->nlanes - 1);
    memset(&l->lanes[l->nlanes], 0, sizeof(l->lanes[0]));
    l->lanes[l->nlanes].ep = ep;
    l->lanes[l->nlanes].collapsed = collapse;
    return (uint32_t)l->nlanes++;
}

static void lane_names(struct ladder *l, const struct store *s, const struct settings *aliases)
{
    size_t i;

    for (i = 0; i < l->nlanes; i++) {
        struct ladder_lane *ln = &l->lanes[i];
        const struct cap_addr *a = store_endpoint(s, ln->ep);
        const char *alias = aliases && a ? settings_alias_for(aliases, a) : NULL;

        ln->addr[0] = '\0';
        if (a)
            cap_addr_format(a, !ln->collapsed, ln->addr, sizeof(ln->addr));
        if (alias) {
            struct strbuf b;

            sb_init(&b);
            sb_append_escaped(&b, alias, strlen(alias));
            snprintf(ln->name, sizeof(ln->name), "%s", b.s ? b.s : "");
            sb_fini(&b);
        } else {
            memcpy(ln->name, ln->addr, sizeof(ln->name));
        }
    }
}

static char *escaped(const char *p, size_t n)
{
    struct strbuf b;

    sb_init(&b);
    sb_append_escaped(&b, p, n);
    return b.s ? b.s : xstrdup("");
}

/* "PCMU,PCMA 10.0.0.1:4000" of the first media section, or NULL. */
static char *sdp_summary(const struct sip_msg *m)
{
    struct sdp sdp;
    struct strbuf b;

    sb_init(&b);
    if (sdp_parse(m, m->body, &sdp) == 0 && sdp.nmedia > 0) {
        const struct sdp_media *md = &sdp.media[0];
        struct sip_str c = SIP_STR_PRESENT(md->conn) ? md->conn : sdp.conn;
        int k;

        for (k = 0; k < md->nmaps && k < 2; k++) {
            if (k)
                sb_putc(&b, ',');
            sb_append_escaped(&b, m->buf + md->maps[k].encoding.off, md->maps[k].encoding.len);
        }
        if (md->nmaps == 0 && md->npts > 0 && sdp_static_pt_name(md->pts[0]))
            sb_puts(&b, sdp_static_pt_name(md->pts[0]));
        sb_putc(&b, ' ');
        if (SIP_STR_PRESENT(c))
            sb_append_escaped(&b, m->buf + c.off, c.len);
        sb_printf(&b, ":%u", md->port);
    }
    sdp_fini(&sdp);
    return b.s;
}

/* Label, SDP summary, start line and note of a message row. */
static void describe(struct ladder_row *r, const struct store *s, const struct kb *kb,
                     const struct store_call *c, struct strbuf *tmp)
{
    const struct store_msg *sm = &c->msgs[r->idx];
    struct sip_msg m;

    if (store_msg_parse(s, sm, tmp, &m) != 0) {
        sip_msg_fini(&m);
        r->label = xstrdup("(unreadable)");
        r->first_line = xstrdup("");
        r->unreadable = true;
        return;
    }
    {
        const char *nl = memchr(m.buf, '\n', m.len);
        size_t n = nl ? (size_t)(nl - m.buf) : m.len;

        if (n && m.buf[n - 1] == '\r')
            n--;
        r->first_line = escaped(m.buf, n);
    }
    if (m.is_request) {
        r->label = escaped(m.buf + m.method_str.off, m.method_str.len);
    } else {
        struct strbuf lab;

        sb_init(&lab);
        sb_printf(&lab, "%u ", m.status);
        sb_append_escaped(&lab, m.buf + m.reason.off, m.reason.len);
        r->label = lab.s;
        if (m.status >= 300) {
            /* failures and redirects: the kb's note, read in the flow */
            struct strbuf n;

            sb_init(&n);
            ladder_response_note(s, kb, c, r->idx,
                                 ladder_explain(kb, m.status, m.buf + m.reason.off, m.reason.len),
                                 &n);
            r->note = n.s;
        }
    }
    if (sm->flags & STORE_MSG_SDP)
        r->sdp = sdp_summary(&m);
    sip_msg_fini(&m);
}

static void attach_findings(struct ladder *l)
{
    size_t i, f;
    uint8_t k;

    for (i = 0; i < l->nrows; i++) {
        struct ladder_row *r = &l->rows[i];

        if (r->media)
            continue;
        for (f = 0; f < l->findings.n && r->nfindings < LADDER_ROW_FINDINGS; f++) {
            const struct diag_finding *d = &l->findings.v[f];

            if (d->call != r->call)
                continue;
            for (k = 0; k < d->nmsgs; k++) {
                if (d->msgs[k] == r->idx) {
                    r->findings[r->nfindings++] = (uint32_t)f;
                    if (d->sev > r->sev)
                        r->sev = d->sev;
                    break;
                }
            }
        }
    }
}

/* The lane endpoint of a media address: the SIP endpoint that announced it
 * in SDP, else a SIP endpoint on the same host. */
static bool media_ep(const struct ladder *l, size_t nsip, const struct store *s,
                     const struct rtp_announce *a, size_t na, const struct cap_addr *addr,
                     uint32_t *ep)
{
    const struct cap_addr *sig = NULL;
    size_t i, k;

    for (i = 0; i < na; i++)
        if (cap_addr_eq(&a[i].addr, addr))
            sig = &a[i].sig_src;
    for (k = 0; k < 2; k++) {
        for (i = 0; i < nsip * 2; i++) {
            const struct ladder_row *r = &l->rows[i / 2];
            uint32_t e = i % 2 ? r->dst_ep : r->src_ep;
            const struct cap_addr *x = store_endpoint(s, e);

            if (!x)
                continue;
            if (k == 0 ? (sig && cap_addr_eq(x, sig))
                       : (x->family == addr->family && memcmp(x->ip, addr->ip, 16) == 0)) {
                *ep = e;
                return true;
            }
        }
    }
    return false;
}

#define MEDIA_PER_CALL 64

/* One row per RTP stream of the calls (rows has room for MEDIA_PER_CALL a
 * call); rows [0, nsip) are the messages. */
static void add_media_rows(struct ladder *l, const struct store *s,
                           const struct store_call *const *calls, size_t ncalls,
                           const struct rtp_table *t)
{
    const struct rtp_stream *st[MEDIA_PER_CALL];
    struct rtp_announce *a = xcalloc(32, sizeof(*a));
    size_t i, k, ns, na, nsip = l->nrows;
    char codec[48];

    for (i = 0; i < ncalls; i++) {
        const struct store_call *c = calls[i];

        if (!c)
            continue;
        ns = rtp_table_call_streams(t, c->call_id, c->call_id_len, st, MEDIA_PER_CALL);
        na = rtp_call_announces(s, c, a, 32);
        for (k = 0; k < ns && k < MEDIA_PER_CALL; k++) {
            struct ladder_row *r = &l->rows[l->nrows];
            struct strbuf lab;

            memset(r, 0, sizeof(*r));
            if (!media_ep(l, nsip, s, a, na, &st[k]->src, &r->src_ep) ||
                !media_ep(l, nsip, s, a, na, &st[k]->dst, &r->dst_ep))
                continue;
            r->call = c->id;
            r->leg = (uint32_t)i;
            r->idx = UINT32_MAX;
            r->media = true;
            r->stream = st[k]->id;
            r->ts_ns = st[k]->first_ts_ns;
            r->frame = st[k]->first_frame;
            r->failure = rtp_stream_lost_pct(st[k]) > RTP_LOSS_PCT;
            rtp_stream_codec(st[k], codec, sizeof(codec));
            sb_init(&lab);
            sb_puts(&lab, "RTP ");
            sb_append_escaped(&lab, codec, strlen(codec));
            sb_printf(&lab, " %u pkts", st[k]->packets);
            if (st[k]->lost > 0)
                sb_printf(&lab, " %.1f%% lost", rtp_stream_lost_pct(st[k]));
            r->label = lab.s;
            r->first_line = xstrdup("");
            l->nrows++;
        }
    }
    free(a);
}

static void add_call(struct ladder_call *lc, const struct store_call *c, bool bleg)
{
    lc->id = c->id;
    lc->bleg = bleg;
    lc->call_id = escaped(c->call_id, c->call_id_len);
    lc->kind = call_kind_name(c->kind);
    lc->state = call_state_name(c->state);
    lc->from = escaped(c->from_user, strlen(c->from_user));
    lc->to = escaped(c->to_user, strlen(c->to_user));
    lc->final_status = c->final_status;
    lc->final_reason =
        c->final_reason ? escaped(c->final_reason, strlen(c->final_reason)) : xstrdup("");
    lc->first_ts = c->first_ts;
    lc->last_ts = c->last_ts;
}

void ladder_build(struct ladder *l, const struct store *s, const struct store_call *const *calls,
                  size_t ncalls, const struct ladder_opts *o)
{
    static const struct ladder_opts none;
    struct strbuf tmp;
    size_t i, n = 0, room;
    uint32_t j;

    if (!o)
        o = &none;
    memset(l, 0, sizeof(*l));
    diag_list_init(&l->findings);
    l->calls = xcalloc(ncalls ? ncalls : 1, sizeof(*l->calls));
    for (i = 0; i < ncalls; i++) {
        if (!calls[i])
            continue;
        add_call(&l->calls[l->ncalls++], calls[i], i > 0);
        n += calls[i]->nmsgs;
        diag_call(s, calls[i], &l->findings);
    }
    room = n + (o->rtp ? MEDIA_PER_CALL * ncalls : 0);
    l->rows = xcalloc(room ? room : 1, sizeof(*l->rows));
    sb_init(&tmp);
    for (i = 0; i < ncalls; i++) {
        const struct store_call *c = calls[i];

        for (j = 0; c && j < c->nmsgs; j++) {
            const struct store_msg *sm = &c->msgs[j];
            struct ladder_row *r;

            if (o->only && !filter_match_stored(o->only, s, c, sm, NULL, 0, &tmp))
                continue;
            r = &l->rows[l->nrows++];
            r->call = c->id;
            r->idx = j;
            r->ts_ns = sm->ts_ns;
            r->frame = sm->frame;
            r->src_ep = sm->src_ep;
            r->dst_ep = sm->dst_ep;
            r->request = (sm->flags & STORE_MSG_REQUEST) != 0;
            r->resent = (sm->flags & STORE_MSG_RESENT) != 0;
            r->status = r->request ? 0 : sm->status;
            describe(r, s, o->kb, c, &tmp);
            if (!r->request && sm->status >= 400)
                r->failure = ladder_is_failure(sm->status, diag_response_context(s, c, j));
        }
    }
    sb_fini(&tmp);
    /* leg indexes: position among the non-NULL calls */
    for (i = 0; i < l->nrows; i++)
        for (j = 0; j < l->ncalls; j++)
            if (l->calls[j].id == l->rows[i].call)
                l->rows[i].leg = j;
    attach_findings(l);
    if (o->rtp)
        add_media_rows(l, s, calls, ncalls, o->rtp);
    qsort(l->rows, l->nrows, sizeof(*l->rows), row_cmp);
    l->lanes = xcalloc(LADDER_MAX_LANES, sizeof(*l->lanes));
    for (i = 0; i < l->nrows; i++) {
        struct ladder_row *r = &l->rows[i];

        r->from = lane_add(l, s, r->src_ep, o->collapse);
        r->to = lane_add(l, s, r->dst_ep, o->collapse);
        r->delta_ns = i ? r->ts_ns - l->rows[i - 1].ts_ns : 0;
    }
    lane_names(l, s, o->aliases);
}

void ladder_fini(struct ladder *l)
{
    size_t i;

    for (i = 0; i < l->nrows; i++) {
        free(l->rows[i].label);
        free(l->rows[i].sdp);
        free(l->rows[i].note);
        free(l->rows[i].first_line);
    }
    for (i = 0; i < l->ncalls; i++) {
        free(l->calls[i].call_id);
        free(l->calls[i].from);
        free(l->calls[i].to);
        free(l->calls[i].final_reason);
    }
    free(l->rows);
    free(l->lanes);
    free(l->calls);
    diag_list_fini(&l->findings);
    memset(l, 0, sizeof(*l));
}
