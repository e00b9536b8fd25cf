/*
 * view_msg: one SIP message full screen, syntax coloured and wrapped; the
 * bytes are re-read from the capture (store_msg_bytes) when opened.
 * A response is explained on the first lines, read in its call's flow,
 * with the findings that point at the message (view_findings.c).
 * UI thread only.  Holds the call id and message index, not pointers.
 */
#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg_state {
    struct strbuf bytes; /* owned copy of the message */
    struct strbuf info;  /* owned: explanation lines, escaped */
    int scroll;
    uint64_t call; /* the message's call (e exports it) */
};

static int msg_open(struct view *v, const void *arg)
{
    const struct msg_arg *ma = arg;
    struct msg_state *st = xcalloc(1, sizeof(*st));
    const struct store_call *c = store_call_get(v->ui->store, ma->call_id);

    sb_init(&st->bytes);
    sb_init(&st->info);
    st->call = ma->call_id;
    findings_msg_text(v->ui, c, ma->msg_index, &st->info);
    if (!c || ma->msg_index >= c->nmsgs ||
        store_msg_bytes(v->ui->store, &c->msgs[ma->msg_index], &st->bytes) != 0)
        sb_puts(&st->bytes, "(message bytes could not be read)");
    v->state = st;
    return 0;
}

static void msg_close(struct view *v)
{
    struct msg_state *st = v->state;

    sb_fini(&st->bytes);
    sb_fini(&st->info);
    free(st);
}

static void msg_draw(struct view *v, WINDOW *win)
{
    struct msg_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y = 1;

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, 0, 0, width, " SIP message", ui_attr(ui, ROLE_TITLE));
    /* The explanation (wrapped, all of it) and the message scroll as one
     * page: the fix is on screen with the message, never cut. */
    {
        int h = rows - 2 - y, info;

        info = draw_wrapped(ui, win, y, 1, h, width - 2, st->info.s ? st->info.s : "",
                            ui_attr(ui, ROLE_KB_HINT), st->scroll);
        if (info > st->scroll && st->info.len)
            draw_hline(ui, win, y + info - st->scroll, 1, width - 2, ui_attr(ui, ROLE_DEFAULT));
        info += st->info.len ? 1 : 0; /* the rule under it */
        if (info - st->scroll < h)
            draw_sip_text(ui, win, y + (info > st->scroll ? info - st->scroll : 0), 1,
                          h - (info > st->scroll ? info - st->scroll : 0), width - 2,
                          st->bytes.s ? st->bytes.s : "", st->bytes.len,
                          info > st->scroll ? 0 : st->scroll - info);
    }
    draw_status(ui, win, rows - 2, "Message");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned msg_action(struct view *v, enum action a)
{
    struct msg_state *st = v->state;
    int page = v->ui->rows > 4 ? v->ui->rows - 4 : 1;

    switch (a) {
    case ACT_UP:
        if (st->scroll > 0)
            st->scroll--;
        return UI_HANDLED | UI_REDRAW;
    case ACT_DOWN:
        st->scroll++;
        return UI_HANDLED | UI_REDRAW;
    case ACT_PGUP:
        st->scroll = st->scroll > page ? st->scroll - page : 0;
        return UI_HANDLED | UI_REDRAW;
    case ACT_PGDN:
        st->scroll += page;
        return UI_HANDLED | UI_REDRAW;
    case ACT_HOME:
        st->scroll = 0;
        return UI_HANDLED | UI_REDRAW;
    case ACT_ENTER:
        return UI_HANDLED | UI_POP | UI_REDRAW;
    case ACT_COPY:
        ui_copy(v->ui, "the message", st->bytes.s ? st->bytes.s : "", st->bytes.len);
        return UI_HANDLED | UI_REDRAW;
    case ACT_EXPORT:
        ui_push_export(v->ui, &st->call, 1);
        return UI_HANDLED | UI_REDRAW;
    default:
        return 0;
    }
}

static const struct key_hint msg_hints[] = {
    {ACT_BACK, "Back"},     {ACT_DOWN, "Scroll"}, {ACT_COPY, "Copy"},
    {ACT_EXPORT, "Export"}, {ACT_HELP, "Help"},   {ACT_NONE, NULL},
};

const struct view_ops view_msg_ops = {
    .name = "message",
    .open = msg_open,
    .close = msg_close,
    .draw = msg_draw,
    .on_action = msg_action,
    .hints = msg_hints,
};
