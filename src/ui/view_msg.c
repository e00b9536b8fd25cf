/*
 * view_msg: one SIP message full screen, syntax coloured and wrapped; the
 * bytes are re-read from the capture (store_msg_bytes) when opened.
 * UI thread only.  Holds the call id and message index, not pointers.
 */
#include "ui_int.h"

#include <stdlib.h>

struct msg_state {
    struct strbuf bytes; /* owned copy of the message */
    int scroll;
};

static int msg_open(struct view *v, const void *arg)
{
    const struct msg_arg *ma = arg;
    struct msg_state *st = xcalloc(1, sizeof(*st));
    const struct store_call *c = store_call_get(v->ui->store, ma->call_id);

    sb_init(&st->bytes);
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
    free(st);
}

static void msg_draw(struct view *v, WINDOW *win)
{
    struct msg_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win);

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, 0, 0, width, " SIP message", ui_attr(ui, ROLE_TITLE));
    draw_sip_text(ui, win, 1, 1, rows - 3, width - 2, st->bytes.s ? st->bytes.s : "",
                  st->bytes.len, st->scroll);
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
    default:
        return 0;
    }
}

static const struct key_hint msg_hints[] = {
    {ACT_BACK, "Back"}, {ACT_DOWN, "Scroll"}, {ACT_HELP, "Help"}, {ACT_NONE, NULL},
};

const struct view_ops view_msg_ops = {
    .name = "message",
    .open = msg_open,
    .close = msg_close,
    .draw = msg_draw,
    .on_action = msg_action,
    .hints = msg_hints,
};
