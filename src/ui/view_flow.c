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
 * a switches the time column between deltas and the capture time of day.
 * Notes sit right after the last column and wrap onto the lines below.
 * c collapses the columns to one per IP address (ports merged, as sngrep
 * does); endpoint aliases from the config file name the columns.  Space
 * picks a message; with two picked, their headers are compared
 * (view_diff.c).
 * The rows, lanes, labels, notes and failures are the ladder model
 * (ladder.h), rebuilt in update() when the store, the filter or the RTP
 * table moved; this file only draws it and moves the cursor.
 * UI thread only.  The model holds (call id, message index), never pointers.
 */
#include "ui_int.h"

#include "ladder.h"
#include "rtp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flow_state {
    uint64_t *ids; /* owned: the merged calls */
    size_t nids;
    struct ladder lad; /* owned: the model drawn */
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
    bool abs_time;       /* a: capture time of day instead of deltas */
    int npicked;         /* Space: messages picked for the diff */
    uint64_t pick_call[2];
    uint32_t pick_idx[2];
};

static void rebuild(struct view *v)
{
    struct flow_state *st = v->state;
    const struct ui *ui = v->ui;
    const struct store_call **calls = xcalloc(st->nids ? st->nids : 1, sizeof(*calls));
    struct ladder_opts lo;
    size_t i;

    for (i = 0; i < st->nids; i++)
        calls[i] = store_call_get(ui->store, st->ids[i]);
    memset(&lo, 0, sizeof(lo));
    lo.kb = ui->kb;
    lo.only = st->only_match ? ui->filter : NULL;
    lo.aliases = &ui->settings;
    lo.rtp = st->media ? loader_rtp(ui->loader) : NULL;
    lo.collapse = st->collapse;
    ladder_fini(&st->lad);
    ladder_build(&st->lad, ui->store, calls, st->nids, &lo);
    free(calls);
    if (st->focus) {
        for (i = 0; i < st->lad.nrows; i++) {
            const struct ladder_row *r = &st->lad.rows[i];

            if (!r->media && r->call == st->focus_call && r->idx == st->focus_idx) {
                st->cur = i;
                st->focus = false;
                break;
            }
        }
    }
    if (st->cur >= st->lad.nrows)
        st->cur = st->lad.nrows ? st->lad.nrows - 1 : 0;
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

    ladder_fini(&st->lad);
    free(st->ids);
    sb_fini(&st->msg);
    free(st);
}

/* Where the ladder and its notes go on a screen this wide: the time
 * column, the distance between lanes, and the note column right after the
 * last lane (the notes sit next to the arrows and take the rest). */
struct flow_layout {
    int left, lane_w, note_x, note_w;
};

#define NOTE_MAX_LINES 3 /* a note wraps onto at most this many lines */

static void flow_layout(const struct flow_state *st, int width, struct flow_layout *L)
{
    int lanes = st->lad.nlanes > 1 ? (int)st->lad.nlanes - 1 : 1;
    int reserve = width >= 100 ? 40 : (width >= 70 ? 24 : 0); /* for notes */

    L->left = st->abs_time ? 17 : 10;
    L->lane_w = (width - L->left - reserve - 2) / lanes;
    if (L->lane_w < 8)
        L->lane_w = 8;
    if (L->lane_w > 40)
        L->lane_w = 40;
    L->note_x = L->left + lanes * L->lane_w + 2;
    L->note_w = width - L->note_x;
    if (L->note_w < 12)
        L->note_w = 0;
}

/* The note of row r as shown ("<- !OVL-01 Server overloaded ..."), into b. */
static void row_note(const struct flow_state *st, const struct ladder_row *r, struct strbuf *b)
{
    size_t k;

    sb_reset(b);
    if (!r->note && !r->nfindings)
        return;
    sb_puts(b, "<- ");
    for (k = 0; k < r->nfindings; k++)
        sb_printf(b, "!%s ", diag_rule_text(st->lad.findings.v[r->findings[k]].rule, "en")->id);
    if (r->note)
        sb_puts(b, r->note);
}

/* Screen lines row r takes: 1, or more when its note wraps. */
static int row_lines(const struct ui *ui, const struct flow_state *st, const struct ladder_row *r,
                     const struct flow_layout *L, struct strbuf *tmp)
{
    int w, n;

    if (!L->note_w || (!r->note && !r->nfindings))
        return 1;
    row_note(st, r, tmp);
    w = draw_width(ui, tmp->s ? tmp->s : "");
    n = (w + L->note_w - 1) / L->note_w;
    return n < 1 ? 1 : n > NOTE_MAX_LINES ? NOTE_MAX_LINES : n;
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
    {
        /* wrapped notes take lines: move top on until the cursor row fits */
        struct flow_layout L;
        struct strbuf tmp;

        flow_layout(st, ui->cols, &L);
        sb_init(&tmp);
        for (;;) {
            size_t i, used = 0;

            for (i = st->top; i <= st->cur && i < st->lad.nrows; i++)
                used += (size_t)row_lines(ui, st, &st->lad.rows[i], &L, &tmp);
            if (used <= h || st->top >= st->cur)
                break;
            st->top++;
        }
        sb_fini(&tmp);
    }
    if (st->lad.nrows && st->msg_for != st->cur + 1) {
        const struct ladder_row *r = &st->lad.rows[st->cur];
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
    int left, note_w, lane_w, h = ladder_height(ui, st->pane), y, x[LADDER_MAX_LANES];
    struct flow_layout L;
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
        if (c) { /* every merged call is named, not just the first */
            size_t k;

            sb_puts(&b, st->nids > 1 ? " - Call-IDs: " : " - Call-ID: ");
            for (k = 0; k < st->nids; k++) {
                const struct store_call *m = store_call_get(ui->store, st->ids[k]);

                if (!m)
                    continue;
                if (k)
                    sb_puts(&b, ", ");
                draw_escape(&b, m->call_id, m->call_id_len);
            }
        }
        draw_str(ui, win, 0, 0, width, b.s, ui_attr(ui, ROLE_TITLE));
    }
    flow_layout(st, width, &L);
    left = L.left;
    lane_w = L.lane_w;
    note_w = L.note_w;
    for (e = 0; e < st->lad.nlanes; e++) {
        const char *name = st->lad.lanes[e].name;
        int w = lane_w > 22 ? 22 : lane_w - 1;
        x[e] = left + (int)e * lane_w;
        if (x[e] < width) {
            int bw = draw_width(ui, name);
            int bx = x[e] - (bw < w ? bw : w) / 2;
            draw_str(ui, win, 1, bx < 0 ? 0 : bx, w, name, ui_attr(ui, ROLE_FLOW_ENDPOINT));
        }
    }
    for (i = st->top, y = 2; i < st->lad.nrows && y < 2 + h; i++, y++) {
        const struct ladder_row *r = &st->lad.rows[i];
        int xa = x[r->from], xb = x[r->to], lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
        attr_t a = r->media && !r->failure ? ui_attr(ui, ROLE_FLOW_SDP)
                   : r->failure            ? ui_attr(ui, ROLE_FLOW_FAILURE)
                   : r->resent             ? ui_attr(ui, ROLE_FLOW_RETRANS)
                   : r->request            ? ui_attr(ui, ROLE_FLOW_REQUEST)
                                           : ui_attr(ui, ROLE_FLOW_RESPONSE);
        bool sel = i == st->cur;
        int lw, lx;

        if (st->abs_time) { /* "HH:MM:SS.uuuuuu" of "YYYY-MM-DD HH:MM:SS.uuuuuu" */
            char t[64];

            fmt_time_utc(r->ts_ns, t, sizeof(t));
            snprintf(buf, sizeof(buf), "%s", strlen(t) > 11 ? t + 11 : t);
        } else {
            fmt_delta(r->delta_ns, buf, sizeof(buf));
        }
        draw_str(ui, win, y, 0, left - 1, buf, ui_attr(ui, ROLE_FLOW_TIME));
        if (!r->media && st->npicked == 1 && st->pick_call[0] == r->call &&
            st->pick_idx[0] == r->idx)
            draw_str(ui, win, y, 0, 1, "*", ui_attr(ui, ROLE_MARK)); /* picked for the diff */
        for (e = 0; e < st->lad.nlanes; e++)
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
        if (r->sdp) {
            sb_puts(&b, " (SDP ");
            sb_puts(&b, r->sdp);
            sb_putc(&b, ')');
        }
        lw = draw_width(ui, b.s);
        if (hi - lo - 4 > 0 && lw > hi - lo - 4)
            lw = hi - lo - 4;
        lx = lo + (hi - lo - lw) / 2;
        if (hi - lo < 6) { /* same endpoint or too narrow: label to the right */
            lx = hi + 2;
            lw = L.note_x - lx - 1;
        }
        draw_str(ui, win, y, lx, lw, b.s, a);
        if ((r->note || r->nfindings) && note_w) {
            /* next to the ladder, wrapped onto the lines below (the lanes
             * go on through them) instead of cut */
            int n = row_lines(ui, st, r, &L, &b), k, done = 0;

            row_note(st, r, &b);
            for (k = 0; k < n && y + k < 2 + h; k++) {
                const char *p = b.s + done;
                int used;

                if (k > 0)
                    for (e = 0; e < st->lad.nlanes; e++)
                        if (x[e] < width)
                            draw_vline_ch(ui, win, y + k, x[e], ui_attr(ui, ROLE_FLOW_LINE));
                used = draw_str(ui, win, y + k, L.note_x, note_w, p, ui_attr(ui, ROLE_KB_HINT));
                /* advance by the bytes drawn: re-measure the prefix */
                while (p[0] && used > 0) {
                    char one[8];
                    size_t cl = 1;

                    while (p[cl] && ((unsigned char)p[cl] & 0xc0) == 0x80)
                        cl++;
                    memcpy(one, p, cl < sizeof(one) ? cl : sizeof(one) - 1);
                    one[cl < sizeof(one) ? cl : sizeof(one) - 1] = '\0';
                    used -= draw_width(ui, one);
                    p += cl;
                }
                done = (int)(p - b.s);
                if (!*p)
                    break;
            }
            y += (k < n ? k : n - 1) > 0 ? (k < n ? k : n - 1) : 0;
        }
    }
    if (st->pane) {
        int py = 2 + h;
        draw_hline(ui, win, py, 0, width, ui_attr(ui, ROLE_FLOW_LINE));
        if (st->lad.nrows) {
            const struct ladder_row *r = &st->lad.rows[st->cur];
            const struct store_call *c = store_call_get(ui->store, r->call);
            const struct cap_addr *sa = c ? store_endpoint(ui->store, r->src_ep) : NULL;
            const struct cap_addr *da = c ? store_endpoint(ui->store, r->dst_ep) : NULL;
            char s1[64] = "", s2[64] = "", t[64];

            if (sa)
                cap_addr_format(sa, true, s1, sizeof(s1));
            if (da)
                cap_addr_format(da, true, s2, sizeof(s2));
            fmt_time_utc(r->ts_ns, t, sizeof(t));
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

    if (draw_list_move(&st->cur, st->lad.nrows, page, a))
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
        for (i = st->cur + 1; i < st->lad.nrows; i++) {
            if (st->lad.rows[i].failure) {
                st->cur = i;
                return UI_HANDLED | UI_REDRAW;
            }
        }
        ui_notice(ui, "no failure below");
        return UI_HANDLED | UI_REDRAW;
    case ACT_PREV:
        for (i = st->cur; i-- > 0;) {
            if (st->lad.rows[i].failure) {
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
    case ACT_TIME:
        st->abs_time = !st->abs_time;
        ui_notice(ui, "%s",
                  st->abs_time ? "capture time of day (UTC)" : "time since the previous message");
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
        const struct ladder_row *r = st->lad.nrows ? &st->lad.rows[st->cur] : NULL;
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
    case ACT_EXPORT:
        ui_push_export(ui, st->ids, st->nids);
        return UI_HANDLED | UI_REDRAW;
    case ACT_COPY: { /* the Call-ID of the message under the cursor */
        const struct store_call *c =
            st->lad.nrows ? store_call_get(ui->store, st->lad.rows[st->cur].call) : NULL;

        if (c)
            copy_call_id(ui, c);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_ENTER:
        if (st->lad.nrows && st->lad.rows[st->cur].media)
            return flow_action(v, ACT_MEDIA_TABLE);
        if (st->lad.nrows)
            ui_push_msg(ui, st->lad.rows[st->cur].call, st->lad.rows[st->cur].idx);
        return UI_HANDLED | UI_REDRAW;
    default:
        return 0;
    }
}

static const struct key_hint flow_hints[] = {
    {ACT_BACK, "Back"},      {ACT_ENTER, "Message"},     {ACT_NEXT, "Next fail"},
    {ACT_PREV, "Prev fail"}, {ACT_PANE, "Pane"},         {ACT_MEDIA_TABLE, "Media"},
    {ACT_MEDIA, "RTP"},      {ACT_MATCHING, "Matching"}, {ACT_RIGHT, "Scroll msg"},
    {ACT_SELECT, "Diff"},    {ACT_TIME, "Time"},         {ACT_COLLAPSE, "IP cols"},
    {ACT_SAVE, "Save"},      {ACT_EXPORT, "Export"},     {ACT_COPY, "Copy ID"},
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
