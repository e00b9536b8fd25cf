/*
 * view_flow: the ladder of one call or of several merged calls: one column
 * per endpoint, one arrow per message (method or status, time delta,
 * retransmissions, SDP summary), failures in the failure colour with the kb
 * short note beside them read in the call's flow (a challenge answered and
 * accepted is not a failure) with the rule ids of findings pointing at the
 * message (view_findings.c), and a bottom pane with the selected message.
 * With media on (m), each RTP stream of the calls is one more arrow, at its
 * first packet, between the columns of the endpoints whose SDP announced
 * its addresses (packets, codec, loss); M opens the media table.
 * c collapses the columns to one per IP address (ports merged, as sngrep
 * does); endpoint aliases from the config file name the columns.  Space
 * picks a message; with two picked, their headers are compared
 * (view_diff.c).
 * UI thread only.  Rows hold (call id, message index), never pointers; the
 * per-row labels are computed in update(), before drawing.
 */
#include "ui_int.h"

#include "rtp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EPS 12

struct frow {
    uint64_t call;
    uint32_t idx;
    int64_t ts;
    uint64_t frame;
    char *label; /* owned, escaped: "INVITE (SDP PCMU 10.0.0.1:4000)" */
    char *note;  /* owned, escaped: kb short for failures, or NULL */
    bool failure, request, resent, sdp;
    bool media;      /* an RTP stream, not a message */
    uint32_t stream; /* media: rtp_stream id */
    uint32_t src_ep, dst_ep;
};

struct flow_state {
    uint64_t *ids; /* owned: the merged calls */
    size_t nids;
    struct frow *rows; /* owned */
    size_t nrows;
    uint32_t eps[MAX_EPS];
    size_t neps;
    size_t cur, top;
    int pane_scroll;
    bool pane;  /* message pane shown */
    bool media; /* RTP arrows shown */
    uint64_t built_gen, built_rtp_gen;
    uint64_t built_list; /* ui->list_gen the rows were built for (filter changes) */
    bool only_match;     /* F: only the messages the filter matches */
    struct strbuf msg;   /* bytes of the current message */
    size_t msg_for;      /* row the bytes belong to (+1; 0 = none) */
    bool focus;          /* put the cursor on (focus_call, focus_idx) once */
    uint64_t focus_call;
    uint32_t focus_idx;
    const struct ui *ui; /* borrowed: outlives the view (endpoint addresses) */
    bool collapse;       /* c: one column per IP address */
    int npicked;         /* Space: messages picked for the diff */
    uint64_t pick_call[2];
    uint32_t pick_idx[2];
};

static int frow_cmp(const void *a, const void *b)
{
    const struct frow *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return 0;
}

static bool same_ip(const struct cap_addr *a, const struct cap_addr *b)
{
    return a && b && a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

static size_t ep_index(struct flow_state *st, uint32_t ep)
{
    size_t i;

    for (i = 0; i < st->neps; i++)
        if (st->eps[i] == ep)
            return i;
    if (st->collapse) { /* a column per address: any port of it */
        const struct cap_addr *a = store_endpoint(st->ui->store, ep);

        for (i = 0; i < st->neps; i++)
            if (same_ip(a, store_endpoint(st->ui->store, st->eps[i])))
                return i;
    }
    if (st->neps >= MAX_EPS)
        return st->neps - 1;
    st->eps[st->neps++] = ep;
    return st->neps - 1;
}

static void free_rows(struct flow_state *st)
{
    size_t i;

    for (i = 0; i < st->nrows; i++) {
        free(st->rows[i].label);
        free(st->rows[i].note);
    }
    free(st->rows);
    st->rows = NULL;
    st->nrows = 0;
}

static void make_label(const struct ui *ui, const struct store_msg *sm, struct frow *r,
                       struct strbuf *tmp)
{
    struct strbuf lab;
    struct sip_msg m;

    sb_init(&lab);
    if (store_msg_bytes(ui->store, sm, tmp) != 0 || !tmp->s ||
        sip_parse(tmp->s, tmp->len, &m) != 0) {
        if (tmp->s)
            sip_msg_fini(&m);
        r->label = xstrdup("(unreadable)");
        sb_fini(&lab);
        return;
    }
    if (m.is_request) {
        draw_escape(&lab, m.buf + m.method_str.off, m.method_str.len);
    } else {
        sb_printf(&lab, "%u ", m.status);
        draw_escape(&lab, m.buf + m.reason.off, m.reason.len);
        if (call_is_failure_status(m.status)) {
            const struct kb_entry *e =
                ui->kb ? kb_lookup_response(ui->kb, m.status, m.buf + m.reason.off, m.reason.len)
                       : NULL;
            if (e && e->short_text[0]) {
                struct strbuf n;
                sb_init(&n);
                draw_escape(&n, e->short_text, strlen(e->short_text));
                r->note = n.s;
            }
        }
    }
    if (sm->flags & STORE_MSG_SDP) {
        struct sdp sdp;

        if (sdp_parse(&m, m.body, &sdp) == 0 && sdp.nmedia > 0) {
            const struct sdp_media *md = &sdp.media[0];
            struct sip_str c = SIP_STR_PRESENT(md->conn) ? md->conn : sdp.conn;

            sb_puts(&lab, " (SDP ");
            if (md->nmaps > 0)
                draw_escape(&lab, m.buf + md->maps[0].encoding.off, md->maps[0].encoding.len);
            else if (md->npts > 0 && sdp_static_pt_name(md->pts[0]))
                sb_puts(&lab, sdp_static_pt_name(md->pts[0]));
            if (SIP_STR_PRESENT(c)) {
                sb_putc(&lab, ' ');
                draw_escape(&lab, m.buf + c.off, c.len);
                sb_printf(&lab, ":%u", md->port);
            }
            sb_putc(&lab, ')');
        }
        sdp_fini(&sdp);
    }
    sip_msg_fini(&m);
    r->label = lab.s ? lab.s : xstrdup("");
}

/* The ladder column (endpoint id) of a media address: the SIP endpoint that
 * announced it in SDP, else a SIP endpoint on the same host. */
static bool media_ep(const struct ui *ui, const struct flow_state *st, const struct rtp_announce *a,
                     size_t na, const struct cap_addr *addr, uint32_t *ep)
{
    const struct cap_addr *sig = NULL;
    size_t i, k;

    for (i = 0; i < na; i++)
        if (cap_addr_eq(&a[i].addr, addr))
            sig = &a[i].sig_src;
    for (k = 0; k < 2; k++) {
        for (i = 0; i < st->nrows * 2; i++) {
            const struct frow *r = &st->rows[i / 2];
            uint32_t e = i % 2 ? r->dst_ep : r->src_ep;
            const struct cap_addr *x = store_endpoint(ui->store, e);

            if (r->media || !x)
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

/* One row per RTP stream of the calls (rows has room: see rebuild). */
static void add_media_rows(struct view *v, size_t room)
{
    struct flow_state *st = v->state;
    const struct ui *ui = v->ui;
    const struct rtp_table *t = loader_rtp(ui->loader);
    const struct rtp_stream *s[64];
    struct rtp_announce *a = xcalloc(32, sizeof(*a));
    size_t i, k, ns, na, nsip = st->nrows;
    char codec[48];

    for (i = 0; i < st->nids; i++) {
        const struct store_call *c = store_call_get(ui->store, st->ids[i]);

        if (!c)
            continue;
        ns = rtp_table_call_streams(t, c->call_id, c->call_id_len, s, 64);
        na = rtp_call_announces(ui->store, c, a, 32);
        for (k = 0; k < ns && k < 64 && st->nrows < nsip + room; k++) {
            struct frow *r = &st->rows[st->nrows];
            struct strbuf lab;

            if (!media_ep(ui, st, a, na, &s[k]->src, &r->src_ep) ||
                !media_ep(ui, st, a, na, &s[k]->dst, &r->dst_ep))
                continue;
            r->call = c->id;
            r->media = true;
            r->stream = s[k]->id;
            r->ts = s[k]->first_ts_ns;
            r->frame = s[k]->first_frame;
            r->failure = rtp_stream_lost_pct(s[k]) > RTP_LOSS_PCT;
            rtp_stream_codec(s[k], codec, sizeof(codec));
            sb_init(&lab);
            sb_puts(&lab, "RTP ");
            draw_escape(&lab, codec, strlen(codec));
            sb_printf(&lab, " %u pkts", s[k]->packets);
            if (s[k]->lost > 0)
                sb_printf(&lab, " %.1f%% lost", rtp_stream_lost_pct(s[k]));
            r->label = lab.s;
            st->nrows++;
        }
    }
    free(a);
}

static void rebuild(struct view *v)
{
    struct flow_state *st = v->state;
    const struct ui *ui = v->ui;
    struct strbuf tmp;
    size_t i, n = 0, k;
    uint32_t j;
    struct diag_list fl;

    free_rows(st);
    st->neps = 0;
    diag_list_init(&fl);
    for (i = 0; i < st->nids; i++)
        diag_call(ui->store, store_call_get(ui->store, st->ids[i]), &fl);
    for (i = 0; i < st->nids; i++) {
        const struct store_call *c = store_call_get(ui->store, st->ids[i]);
        if (c)
            n += c->nmsgs;
    }
    st->rows = xcalloc(n + (st->media ? 64 * st->nids : 0) + 1, sizeof(*st->rows));
    sb_init(&tmp);
    for (i = 0; i < st->nids; i++) {
        const struct store_call *c = store_call_get(ui->store, st->ids[i]);
        for (j = 0; c && j < c->nmsgs; j++) {
            const struct store_msg *sm = &c->msgs[j];
            struct frow *r;

            if (st->only_match && ui->filter &&
                !filter_match_stored(ui->filter, ui->store, c, sm, NULL, 0, &tmp))
                continue;
            r = &st->rows[st->nrows++];

            r->call = c->id;
            r->idx = j;
            r->ts = sm->ts_ns;
            r->frame = sm->frame;
            r->request = sm->flags & STORE_MSG_REQUEST;
            r->resent = sm->flags & STORE_MSG_RESENT;
            r->sdp = sm->flags & STORE_MSG_SDP;
            r->failure = !r->request && call_is_failure_status(sm->status);
            r->src_ep = sm->src_ep;
            r->dst_ep = sm->dst_ep;
            make_label(ui, sm, r, &tmp);
            {
                bool normal;
                char *note = findings_msg_note(ui, c, j, &fl, &normal);

                if (note) {
                    free(r->note);
                    r->note = note;
                }
                if (normal)
                    r->failure = false;
            }
        }
    }
    sb_fini(&tmp);
    diag_list_fini(&fl);
    if (st->media)
        add_media_rows(v, 64 * st->nids);
    qsort(st->rows, st->nrows, sizeof(*st->rows), frow_cmp);
    for (k = 0; k < st->nrows; k++) {
        ep_index(st, st->rows[k].src_ep);
        ep_index(st, st->rows[k].dst_ep);
    }
    if (st->focus) {
        for (k = 0; k < st->nrows; k++) {
            if (!st->rows[k].media && st->rows[k].call == st->focus_call &&
                st->rows[k].idx == st->focus_idx) {
                st->cur = k;
                st->focus = false;
                break;
            }
        }
    }
    if (st->cur >= st->nrows)
        st->cur = st->nrows ? st->nrows - 1 : 0;
    st->built_gen = store_gen(ui->store);
    st->built_rtp_gen = rtp_table_gen(loader_rtp(ui->loader));
    st->built_list = ui->list_gen;
    st->msg_for = 0;
}

static int flow_open(struct view *v, const void *arg)
{
    const struct flow_arg *fa = arg;
    struct flow_state *st = xcalloc(1, sizeof(*st));

    st->nids = fa->n;
    st->ids = xmalloc((fa->n ? fa->n : 1) * sizeof(*st->ids));
    memcpy(st->ids, fa->ids, fa->n * sizeof(*st->ids));
    st->pane = true;
    st->media = true;
    st->built_gen = ~0ull;
    st->ui = v->ui;
    st->focus = fa->focus;
    st->focus_call = fa->focus_call;
    st->focus_idx = fa->focus_idx;
    sb_init(&st->msg);
    v->state = st;
    return 0;
}

static void flow_close(struct view *v)
{
    struct flow_state *st = v->state;

    free_rows(st);
    free(st->ids);
    sb_fini(&st->msg);
    free(st);
}

static int ladder_height(const struct ui *ui, bool pane)
{
    int avail = ui->rows - 4; /* title, endpoints, status, hints */

    if (!pane)
        return avail > 1 ? avail : 1;
    avail = avail * 55 / 100;
    return avail > 3 ? avail : 3;
}

static void flow_update(struct view *v)
{
    struct flow_state *st = v->state;
    const struct ui *ui = v->ui;
    size_t h = (size_t)ladder_height(ui, st->pane);

    if (st->built_gen != store_gen(ui->store) || st->built_list != ui->list_gen ||
        (st->media && st->built_rtp_gen != rtp_table_gen(loader_rtp(ui->loader))))
        rebuild(v);
    if (st->cur < st->top)
        st->top = st->cur;
    if (st->cur >= st->top + h)
        st->top = st->cur - h + 1;
    if (st->nrows && st->msg_for != st->cur + 1) {
        const struct frow *r = &st->rows[st->cur];
        const struct store_call *c = store_call_get(ui->store, r->call);

        sb_reset(&st->msg);
        if (r->media)
            sb_puts(&st->msg, "RTP stream: M opens the media table (packets, loss, jitter, "
                              "DTMF, RTCP, findings)");
        else if (!c || r->idx >= c->nmsgs || store_msg_bytes(ui->store, &c->msgs[r->idx], &st->msg))
            sb_puts(&st->msg, "(message bytes could not be read)");
        st->msg_for = st->cur + 1;
        st->pane_scroll = 0;
    }
}

static void fmt_delta(int64_t ns, char *out, size_t n)
{
    if (ns < 0)
        ns = 0;
    snprintf(out, n, "+%" PRId64 ".%03ds", ns / 1000000000, (int)(ns / 1000000 % 1000));
}

static void flow_draw(struct view *v, WINDOW *win)
{
    struct flow_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win);
    int left = 10, note_w, lane_w, h = ladder_height(ui, st->pane), y, x[MAX_EPS];
    char buf[128];
    size_t i, e;
    struct strbuf b;

    sb_init(&b);
    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    {
        const struct store_call *c = st->nids ? store_call_get(ui->store, st->ids[0]) : NULL;
        sb_printf(&b, " Call flow");
        if (st->nids > 1)
            sb_printf(&b, " (%zu calls merged)", st->nids);
        if (st->only_match && ui->filter)
            sb_puts(&b, " [only matching messages]");
        if (c) {
            sb_puts(&b, " - Call-ID: ");
            draw_escape(&b, c->call_id, c->call_id_len);
        }
        draw_str(ui, win, 0, 0, width, b.s, ui_attr(ui, ROLE_TITLE));
    }
    note_w = width >= 100 ? 26 : (width >= 70 ? 18 : 0);
    lane_w = st->neps > 1 ? (width - left - note_w - 2) / (int)(st->neps - 1) : 20;
    if (lane_w < 8)
        lane_w = 8;
    if (lane_w > 40)
        lane_w = 40;
    for (e = 0; e < st->neps; e++) {
        const struct cap_addr *a = store_endpoint(ui->store, st->eps[e]);
        int w = lane_w > 22 ? 22 : lane_w - 1;
        x[e] = left + (int)e * lane_w;
        buf[0] = '\0';
        if (a)
            ui_endpoint_name(ui, a, st->collapse, buf, sizeof(buf));
        if (x[e] < width) {
            int bw = draw_width(ui, buf);
            int bx = x[e] - (bw < w ? bw : w) / 2;
            draw_str(ui, win, 1, bx < 0 ? 0 : bx, w, buf, ui_attr(ui, ROLE_FLOW_ENDPOINT));
        }
    }
    for (i = st->top, y = 2; i < st->nrows && y < 2 + h; i++, y++) {
        const struct frow *r = &st->rows[i];
        size_t s = ep_index(st, r->src_ep), d = ep_index(st, r->dst_ep);
        int xa = x[s], xb = x[d], lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
        attr_t a = r->media && !r->failure ? ui_attr(ui, ROLE_FLOW_SDP)
                   : r->failure            ? ui_attr(ui, ROLE_FLOW_FAILURE)
                   : r->resent             ? ui_attr(ui, ROLE_FLOW_RETRANS)
                   : r->request            ? ui_attr(ui, ROLE_FLOW_REQUEST)
                                           : ui_attr(ui, ROLE_FLOW_RESPONSE);
        bool sel = i == st->cur;
        int lw, lx;

        fmt_delta(i ? r->ts - st->rows[i - 1].ts : 0, buf, sizeof(buf));
        draw_str(ui, win, y, 0, left - 1, buf, ui_attr(ui, ROLE_FLOW_TIME));
        if (!r->media && st->npicked == 1 && st->pick_call[0] == r->call &&
            st->pick_idx[0] == r->idx)
            draw_str(ui, win, y, 0, 1, "*", ui_attr(ui, ROLE_MARK)); /* picked for the diff */
        for (e = 0; e < st->neps; e++)
            if (x[e] < width)
                draw_vline_ch(ui, win, y, x[e], ui_attr(ui, ROLE_FLOW_LINE));
        if (sel)
            a = ui_attr(ui, ROLE_SEL);
        if (hi > lo) {
            draw_hline(ui, win, y, lo + 1, hi - lo - 1, a);
            if (xb > xa)
                mvwaddch(win, y, hi - 1, '>' | a);
            else
                mvwaddch(win, y, lo + 1, '<' | a);
        }
        sb_reset(&b);
        if (r->resent)
            sb_puts(&b, "[resent] ");
        sb_puts(&b, r->label);
        lw = draw_width(ui, b.s);
        if (hi - lo - 4 > 0 && lw > hi - lo - 4)
            lw = hi - lo - 4;
        lx = lo + (hi - lo - lw) / 2;
        if (hi - lo < 6) { /* same endpoint or too narrow: label to the right */
            lx = hi + 2;
            lw = width - lx - note_w;
        }
        draw_str(ui, win, y, lx, lw, b.s, a);
        if (r->note && note_w) {
            sb_reset(&b);
            sb_puts(&b, "<- ");
            sb_puts(&b, r->note);
            draw_str(ui, win, y, width - note_w, note_w, b.s, ui_attr(ui, ROLE_KB_HINT));
        }
    }
    if (st->pane) {
        int py = 2 + h;
        draw_hline(ui, win, py, 0, width, ui_attr(ui, ROLE_FLOW_LINE));
        if (st->nrows) {
            const struct frow *r = &st->rows[st->cur];
            const struct store_call *c = store_call_get(ui->store, r->call);
            const struct cap_addr *sa = c ? store_endpoint(ui->store, r->src_ep) : NULL;
            const struct cap_addr *da = c ? store_endpoint(ui->store, r->dst_ep) : NULL;
            char s1[64] = "", s2[64] = "", t[64];

            if (sa)
                cap_addr_format(sa, true, s1, sizeof(s1));
            if (da)
                cap_addr_format(da, true, s2, sizeof(s2));
            fmt_time_utc(r->ts, t, sizeof(t));
            /* A long address or time may be cut: truncation is fine in a
             * status line, and the check keeps -Wformat-truncation quiet. */
            if (snprintf(buf, sizeof(buf), " %s  %s -> %s  frame %" PRIu64 " ", t, s1, s2,
                         r->frame) < 0)
                buf[0] = '\0';
            draw_str(ui, win, py, 2, width - 4, buf, ui_attr(ui, ROLE_FLOW_ENDPOINT));
        }
        draw_sip_text(ui, win, py + 1, 1, rows - 2 - py - 1, width - 2, st->msg.s ? st->msg.s : "",
                      st->msg.len, st->pane_scroll);
    }
    sb_fini(&b);
    draw_status(ui, win, rows - 2, "Flow");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned flow_action(struct view *v, enum action a)
{
    struct flow_state *st = v->state;
    struct ui *ui = v->ui;
    size_t page = (size_t)ladder_height(ui, st->pane), i;

    if (draw_list_move(&st->cur, st->nrows, page, a))
        return UI_HANDLED | UI_REDRAW;
    switch (a) {
    case ACT_RIGHT:
        st->pane_scroll++;
        return UI_HANDLED | UI_REDRAW;
    case ACT_LEFT:
        if (st->pane_scroll > 0)
            st->pane_scroll--;
        return UI_HANDLED | UI_REDRAW;
    case ACT_PANE:
        st->pane = !st->pane;
        return UI_HANDLED | UI_REDRAW;
    case ACT_MATCHING:
        if (!ui->filter) {
            ui_notice(ui, "no filter (F7/f sets one)");
            return UI_HANDLED | UI_REDRAW;
        }
        st->only_match = !st->only_match;
        st->built_gen = ~0ull; /* rebuilt before the next draw */
        ui_notice(ui, "%s", st->only_match ? "only matching messages" : "all messages");
        return UI_HANDLED | UI_REDRAW;
    case ACT_NEXT:
        for (i = st->cur + 1; i < st->nrows; i++) {
            if (st->rows[i].failure) {
                st->cur = i;
                return UI_HANDLED | UI_REDRAW;
            }
        }
        ui_notice(ui, "no failure below");
        return UI_HANDLED | UI_REDRAW;
    case ACT_PREV:
        for (i = st->cur; i-- > 0;) {
            if (st->rows[i].failure) {
                st->cur = i;
                return UI_HANDLED | UI_REDRAW;
            }
        }
        ui_notice(ui, "no failure above");
        return UI_HANDLED | UI_REDRAW;
    case ACT_MEDIA:
        st->media = !st->media;
        st->built_gen = ~0ull;
        ui_notice(ui, "media arrows %s", st->media ? "on" : "off");
        return UI_HANDLED | UI_REDRAW;
    case ACT_MEDIA_TABLE:
        ui_push_media(ui, st->ids, st->nids);
        return UI_HANDLED | UI_REDRAW;
    case ACT_COLLAPSE:
        st->collapse = !st->collapse;
        st->built_gen = ~0ull; /* columns are rebuilt */
        ui_notice(ui, "%s",
                  st->collapse ? "one column per IP address"
                               : "one column per IP address and port");
        return UI_HANDLED | UI_REDRAW;
    case ACT_SELECT: {
        /* pick a message for the diff; Space again on it unpicks it */
        const struct frow *r = st->nrows ? &st->rows[st->cur] : NULL;
        int k;

        if (!r || r->media)
            return UI_HANDLED;
        for (k = 0; k < st->npicked; k++) {
            if (st->pick_call[k] == r->call && st->pick_idx[k] == r->idx) {
                st->pick_call[0] = st->pick_call[1 - k];
                st->pick_idx[0] = st->pick_idx[1 - k];
                st->npicked--;
                ui_notice(ui, "%d message picked for the diff", st->npicked);
                return UI_HANDLED | UI_REDRAW;
            }
        }
        st->pick_call[st->npicked] = r->call;
        st->pick_idx[st->npicked++] = r->idx;
        if (st->npicked < 2) {
            ui_notice(ui, "picked for the diff: Space on a second message compares them");
            return UI_HANDLED | UI_REDRAW;
        }
        ui_push_diff(ui, &(struct diff_arg){{st->pick_call[0], st->pick_call[1]},
                                            {st->pick_idx[0], st->pick_idx[1]}});
        st->npicked = 0;
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_SAVE: /* the save dialog offers this ladder's calls */
        ui_push_save(ui, st->ids, st->nids, NULL, 0);
        return UI_HANDLED | UI_REDRAW;
    case ACT_ENTER:
        if (st->nrows && st->rows[st->cur].media)
            return flow_action(v, ACT_MEDIA_TABLE);
        if (st->nrows) {
            ui_push_msg(ui, st->rows[st->cur].call, st->rows[st->cur].idx);
        }
        return UI_HANDLED | UI_REDRAW;
    default:
        return 0;
    }
}

static const struct key_hint flow_hints[] = {
    {ACT_BACK, "Back"},      {ACT_ENTER, "Message"},     {ACT_NEXT, "Next fail"},
    {ACT_PREV, "Prev fail"}, {ACT_PANE, "Pane"},         {ACT_MEDIA_TABLE, "Media"},
    {ACT_MEDIA, "RTP"},      {ACT_MATCHING, "Matching"}, {ACT_RIGHT, "Scroll msg"},
    {ACT_SELECT, "Diff"},    {ACT_COLLAPSE, "IP cols"},  {ACT_SAVE, "Save"},
    {ACT_HELP, "Help"},      {ACT_NONE, NULL},
};

const struct view_ops view_flow_ops = {
    .name = "flow",
    .open = flow_open,
    .close = flow_close,
    .update = flow_update,
    .draw = flow_draw,
    .on_action = flow_action,
    .hints = flow_hints,
};
