/*
 * view_media: the media table of a call (M from the ladder, or Enter on a
 * media arrow): its RTP streams with tshark's figures (packets, lost,
 * delta, jitter), codec, DTMF and RTCP reports, the SDP announcements they
 * were matched to, and the media findings.
 * UI thread only.  Reads the loader's RTP table (filled on the UI thread by
 * loader_drain); the text lines are rebuilt in update() when the table or
 * the store changed, and are escaped when built.
 */
#include "ui_int.h"

#include "rtp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STREAMS 64
#define MAX_ANN     64

struct mline {
    char *text; /* owned, escaped */
    enum theme_role role;
};

struct media_state {
    uint64_t *ids; /* owned: the calls shown */
    size_t nids;
    struct mline *lines; /* owned */
    size_t nlines, cap;
    size_t top;
    uint64_t built_gen, built_rtp_gen;
};

static void add_line(struct media_state *st, enum theme_role role, const char *s)
{
    if (st->nlines == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 32;
        st->lines = xrealloc(st->lines, st->cap * sizeof(*st->lines));
    }
    st->lines[st->nlines].text = xstrdup(s);
    st->lines[st->nlines].role = role;
    st->nlines++;
}

static void free_lines(struct media_state *st)
{
    size_t i;

    for (i = 0; i < st->nlines; i++)
        free(st->lines[i].text);
    st->nlines = 0;
}

static const char *dir_name(uint8_t d)
{
    switch (d) {
    case SDP_DIR_SENDRECV:
        return "sendrecv";
    case SDP_DIR_SENDONLY:
        return "sendonly";
    case SDP_DIR_RECVONLY:
        return "recvonly";
    case SDP_DIR_INACTIVE:
        return "inactive";
    default:
        return "-";
    }
}

static void build_call(struct media_state *st, const struct ui *ui, const struct rtp_table *t,
                       const struct store_call *c)
{
    const struct rtp_stream *s[MAX_STREAMS];
    struct rtp_announce *a = xcalloc(MAX_ANN, sizeof(*a));
    struct rtp_finding f[16];
    size_t ns, na, nf, i;
    struct strbuf b;
    char x[64], y[64], codec[48], tbuf[64];

    sb_init(&b);
    ns = rtp_table_call_streams(t, c->call_id, c->call_id_len, s, MAX_STREAMS);
    na = rtp_call_announces(ui->store, c, a, MAX_ANN);
    sb_puts(&b, "Call-ID: ");
    draw_escape(&b, c->call_id, c->call_id_len);
    add_line(st, ROLE_LIST_HEADER, b.s);
    sb_reset(&b);
    sb_printf(&b, "  %-22s %-22s %-16s %6s %14s %9s %9s %9s", "From", "To", "Codec", "Pkts", "Lost",
              "MaxJit", "MeanJit", "MaxDelta");
    add_line(st, ROLE_LIST_HEADER, b.s);
    if (ns == 0)
        add_line(st, ROLE_DEFAULT, "  (no RTP seen for this call)");
    for (i = 0; i < ns && i < MAX_STREAMS; i++) {
        const struct rtp_stream *r = s[i];
        bool bad = rtp_stream_lost_pct(r) > RTP_LOSS_PCT || r->max_jitter > RTP_JITTER_MS;

        cap_addr_format(&r->src, true, x, sizeof(x));
        cap_addr_format(&r->dst, true, y, sizeof(y));
        rtp_stream_codec(r, codec, sizeof(codec));
        sb_reset(&b);
        sb_printf(&b, "  %-22s %-22s ", x, y);
        draw_escape(&b, codec, strlen(codec));
        sb_printf(&b, "%*s %6u %6lld (%4.1f%%) %7.3fms %7.3fms %7.1fms",
                  (int)(strlen(codec) < 16 ? 16 - strlen(codec) : 0), "", r->packets,
                  (long long)r->lost, rtp_stream_lost_pct(r), r->max_jitter, r->mean_jitter,
                  r->max_delta);
        add_line(st, bad ? ROLE_FLOW_FAILURE : ROLE_DEFAULT, b.s);
        sb_reset(&b);
        sb_printf(&b, "      SSRC 0x%08X, %u seq errors, expected %lld", r->ssrc, r->seq_errors,
                  (long long)r->expected);
        if (r->event_packets)
            sb_printf(&b, ", DTMF \"%s\"", r->dtmf);
        if (r->rtcp_rr)
            sb_printf(&b, ", RTCP RR: %.1f%% lost, cum %d, jitter %u ts",
                      r->rr_fraction_lost * 100.0 / 256.0, r->rr_cum_lost, r->rr_jitter);
        if (r->rtcp_rr && r->rr_rtt_ms >= 0)
            sb_printf(&b, ", RTT %.1fms", r->rr_rtt_ms);
        if (r->rtcp_sr)
            sb_printf(&b, ", SR x%u", r->rtcp_sr);
        add_line(st, ROLE_FLOW_TIME, b.s);
    }
    add_line(st, ROLE_DEFAULT, "");
    add_line(st, ROLE_LIST_HEADER, "  Announced in SDP");
    for (i = 0; i < na; i++) {
        size_t k;

        cap_addr_format(&a[i].addr, true, x, sizeof(x));
        fmt_time_utc(a[i].ts_ns, tbuf, sizeof(tbuf));
        sb_reset(&b);
        sb_printf(&b, "  %s ", tbuf);
        if (a[i].is_request)
            draw_escape(&b, a[i].method, strlen(a[i].method));
        else
            sb_printf(&b, "%u", a[i].status);
        sb_printf(&b, " %s ", x);
        draw_escape(&b, a[i].media, strlen(a[i].media));
        sb_printf(&b, " %s:", dir_name(a[i].dir));
        for (k = 0; k < a[i].npts; k++) {
            sb_printf(&b, " %u", a[i].pts[k].pt);
            if (a[i].pts[k].name[0]) {
                sb_putc(&b, '/');
                draw_escape(&b, a[i].pts[k].name, strlen(a[i].pts[k].name));
            }
        }
        add_line(st, ROLE_FLOW_SDP, b.s);
    }
    nf = rtp_findings(t, c->call_id, c->call_id_len, c->established ? c->answer_ts : 0, c->last_ts,
                      a, na, f, 16);
    free(a);
    if (nf) {
        add_line(st, ROLE_DEFAULT, "");
        add_line(st, ROLE_LIST_HEADER, "  Media findings");
    }
    for (i = 0; i < nf && i < 16; i++) {
        sb_reset(&b);
        sb_printf(&b, "  %s %s: ", f[i].error ? "error" : "warning", rtp_finding_name(f[i].kind));
        draw_escape(&b, f[i].text, strlen(f[i].text));
        add_line(st, f[i].error ? ROLE_FLOW_FAILURE : ROLE_KB_HINT, b.s);
    }
    add_line(st, ROLE_DEFAULT, "");
    (void)ui;
    sb_fini(&b);
}

static void rebuild(struct view *v)
{
    struct media_state *st = v->state;
    const struct ui *ui = v->ui;
    const struct rtp_table *t = loader_rtp(ui->loader);
    size_t i;

    free_lines(st);
    for (i = 0; i < st->nids; i++) {
        const struct store_call *c = store_call_get(ui->store, st->ids[i]);

        if (c)
            build_call(st, ui, t, c);
    }
    st->built_gen = store_gen(ui->store);
    st->built_rtp_gen = rtp_table_gen(t);
}

static int media_open(struct view *v, const void *arg)
{
    const struct flow_arg *fa = arg;
    struct media_state *st = xcalloc(1, sizeof(*st));

    st->nids = fa->n;
    st->ids = xmalloc((fa->n ? fa->n : 1) * sizeof(*st->ids));
    memcpy(st->ids, fa->ids, fa->n * sizeof(*st->ids));
    st->built_gen = ~0ull;
    v->state = st;
    return 0;
}

static void media_close(struct view *v)
{
    struct media_state *st = v->state;

    free_lines(st);
    free(st->lines);
    free(st->ids);
    free(st);
}

static void media_update(struct view *v)
{
    struct media_state *st = v->state;
    const struct ui *ui = v->ui;

    if (st->built_gen != store_gen(ui->store) ||
        st->built_rtp_gen != rtp_table_gen(loader_rtp(ui->loader)))
        rebuild(v);
    if (st->nlines && st->top >= st->nlines)
        st->top = st->nlines - 1;
}

static void media_draw(struct view *v, WINDOW *win)
{
    struct media_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y;
    size_t i;

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, 0, 0, width, " Media: RTP streams, SDP and findings",
             ui_attr(ui, ROLE_TITLE));
    for (i = st->top, y = 1; i < st->nlines && y < rows - 2; i++, y++)
        draw_str(ui, win, y, 0, width, st->lines[i].text, ui_attr(ui, st->lines[i].role));
    draw_status(ui, win, rows - 2, "Media");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned media_action(struct view *v, enum action a)
{
    struct media_state *st = v->state;
    size_t page = v->ui->rows > 4 ? (size_t)v->ui->rows - 4 : 1;

    if (draw_list_move(&st->top, st->nlines, page, a))
        return UI_HANDLED | UI_REDRAW;
    return 0;
}

static const struct key_hint media_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_DOWN, "Scroll"},
    {ACT_HELP, "Help"},
    {ACT_NONE, NULL},
};

const struct view_ops view_media_ops = {
    .name = "media",
    .open = media_open,
    .close = media_close,
    .update = media_update,
    .draw = media_draw,
    .on_action = media_action,
    .hints = media_hints,
};
