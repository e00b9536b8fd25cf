/*
 * view_text: static text screens: help (keys from the keymap table) and the
 * UI thread only.
 */
#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>

struct text_state {
    struct text_arg arg;
    int scroll;
};

static int text_open(struct view *v, const void *arg)
{
    struct text_state *st = xcalloc(1, sizeof(*st));

    st->arg = *(const struct text_arg *)arg;
    v->state = st;
    return 0;
}

static void text_close(struct view *v)
{
    free(v->state);
}

static void text_draw(struct view *v, WINDOW *win)
{
    struct text_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y = 2, a;
    char line[200];

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    snprintf(line, sizeof(line), " sipdx - %s", st->arg.title);
    draw_str(ui, win, 0, 0, width, line, ui_attr(ui, ROLE_TITLE));
    {
        for (a = ACT_UP + st->scroll; a < ACT__COUNT && y < rows - 3; a++, y++) {
            char keys[96];

            keymap_keys(ui, (enum action)a, 0, keys, sizeof(keys));
            draw_str(ui, win, y, 2, 16, keys, ui_attr(ui, ROLE_SIP_HDR));
            draw_str(ui, win, y, 19, width - 20, keymap_desc((enum action)a),
                     ui_attr(ui, ROLE_DEFAULT));
        }
        snprintf(line, sizeof(line), "Theme: %s   Colours: %s   Lines: %s", ui->theme.name,
                 ui->color ? "yes" : "no", ui->ascii ? "ASCII" : "line drawing");
        draw_str(ui, win, y + 1 < rows - 2 ? y + 1 : rows - 3, 2, width - 4, line,
                 ui_attr(ui, ROLE_DEFAULT));
    }
    draw_status(ui, win, rows - 2, st->arg.title);
    draw_hints(ui, win, v->ops->hints);
}

static unsigned text_action(struct view *v, enum action a)
{
    struct text_state *st = v->state;

    if (a == ACT_DOWN && st->scroll + 1 < ACT__COUNT - 1) {
        st->scroll++;
        return UI_HANDLED | UI_REDRAW;
    }
    if (a == ACT_UP && st->scroll > 0) {
        st->scroll--;
        return UI_HANDLED | UI_REDRAW;
    }
    if (a == ACT_HELP || a == ACT_ENTER)
        return UI_HANDLED | UI_POP | UI_REDRAW;
    return 0;
}

static const struct key_hint text_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_NONE, NULL},
};

const struct view_ops view_text_ops = {
    .name = "text",
    .open = text_open,
    .close = text_close,
    .draw = text_draw,
    .on_action = text_action,
    .hints = text_hints,
};
