/*
 * view_compare: a failed call held against a good one (compare.h), as the
 * text --compare prints, scrollable.  Opened from the call list: the
 * current call against the answered call most like it, or the two marked
 * calls (the one that failed first).
 *
 * UI thread only.  The comparison is made once, when the view opens (it
 * re-reads a few messages); the lines are owned by the view.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "compare.h"

struct compare_state {
    char **lines; /* owned */
    size_t n;
    size_t top;
};

static void add_line(struct compare_state *st, const char *s, size_t len)
{
    st->lines = xrealloc(st->lines, (st->n + 1) * sizeof(*st->lines));
    st->lines[st->n++] = xstrndup(s, len);
}

static int compare_open(struct view *v, const void *arg)
{
    const struct compare_arg *a = arg;
    struct compare_state *st = xcalloc(1, sizeof(*st));
    const struct store *s = v->ui->store;
    const struct store_call *f = store_call_get(s, a->failed), *g = NULL;
    struct strbuf b;

    v->state = st;
    sb_init(&b);
    if (f)
        g = a->has_good ? store_call_get(s, a->good) : compare_pick_good(s, f);
    if (!f)
        sb_puts(&b, "The call is gone (rotated out or cleared).\n");
    else if (!g)
        sb_puts(&b, "No answered call on the same route to compare with.\n"
                    "Mark a failed and a good call (Space) and compare them.\n");
    else {
        struct compare_result r;

        compare_calls(s, f, g, &r);
        compare_format_text(f, g, &r, &b);
        compare_fini(&r);
    }
    {
        const char *p = b.s ? b.s : "", *e;

        while (*p) {
            e = strchr(p, '\n');
            if (!e)
                e = p + strlen(p);
            add_line(st, p, (size_t)(e - p));
            p = *e ? e + 1 : e;
        }
    }
    sb_fini(&b);
    return 0;
}

static void compare_close(struct view *v)
{
    struct compare_state *st = v->state;
    size_t i;

    for (i = 0; i < st->n; i++)
        free(st->lines[i]);
    free(st->lines);
    free(st);
}

static void compare_draw(struct view *v, WINDOW *win)
{
    struct compare_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y;
    size_t i;

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, 0, 0, width, " sipdx - Compare: a failed call against a good one",
             ui_attr(ui, ROLE_TITLE));
    for (i = st->top, y = 2; i < st->n && y < rows - 2; i++, y++) {
        const char *l = st->lines[i];
        attr_t at = ui_attr(ui, ROLE_DEFAULT);

        if (strncmp(l, "      failed:", 13) == 0)
            at = ui_attr(ui, ROLE_DIFF_OLD);
        else if (strncmp(l, "      good:", 11) == 0)
            at = ui_attr(ui, ROLE_DIFF_NEW);
        else if (l[0] && l[0] != ' ')
            at = ui_attr(ui, ROLE_SIP_HDR);
        draw_str(ui, win, y, 1, width - 2, l, at);
    }
    draw_status(ui, win, rows - 2, "Compare");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned compare_action(struct view *v, enum action a)
{
    struct compare_state *st = v->state;
    size_t page = v->ui->rows > 6 ? (size_t)v->ui->rows - 4 : 1;

    if (draw_list_move(&st->top, st->n, page, a))
        return UI_HANDLED | UI_REDRAW;
    return 0;
}

static const struct key_hint compare_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_PGDN, "Scroll"},
    {ACT_NONE, NULL},
};

const struct view_ops view_compare_ops = {
    .name = "compare",
    .open = compare_open,
    .close = compare_close,
    .draw = compare_draw,
    .on_action = compare_action,
    .hints = compare_hints,
};
