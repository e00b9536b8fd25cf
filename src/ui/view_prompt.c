/*
 * view_prompt: the one-line text entry at the bottom, for the filter bar
 * (F7/f: filter_compile; a bad filter shows its error column and the old
 * filter stays) and the call-list search (F3 or /: incremental).
 * UI thread only.  A view on the stack, never a nested key loop.
 */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

struct prompt_state {
    enum prompt_kind kind;
    char text[256]; /* UTF-8 as typed */
    size_t len;
    char saved_search[128];
    char err[300];
    int err_col;    /* 1-based, 0 = none */
};

static int prompt_open(struct view *v, const void *arg)
{
    struct prompt_state *st = xcalloc(1, sizeof(*st));
    const char *init;

    st->kind = *(const enum prompt_kind *)arg;
    init = st->kind == PROMPT_FILTER ? (v->ui->filter ? filter_source(v->ui->filter) : "")
                                     : v->ui->search;
    snprintf(st->text, sizeof(st->text), "%s", init);
    st->len = strlen(st->text);
    snprintf(st->saved_search, sizeof(st->saved_search), "%s", v->ui->search);
    v->state = st;
    return 0;
}

static void prompt_close(struct view *v)
{
    free(v->state);
}

static void prompt_draw(struct view *v, WINDOW *win)
{
    struct prompt_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), x, y = rows - 1;
    struct strbuf b;
    const char *label = st->kind == PROMPT_FILTER ? "Filter: " : "Search: ";

    sb_init(&b);
    draw_fill(win, y, 0, width, ui_attr(ui, ROLE_PROMPT));
    x = draw_str(ui, win, y, 0, width, label, ui_attr(ui, ROLE_PROMPT));
    draw_escape(&b, st->text, st->len);
    draw_str(ui, win, y, x, width - x - 1, b.s ? b.s : "", ui_attr(ui, ROLE_PROMPT));
    draw_str(ui, win, y, x + draw_width(ui, b.s ? b.s : ""), 1, "_", ui_attr(ui, ROLE_SEL));
    if (st->err[0]) {
        draw_fill(win, y - 1, 0, width, ui_attr(ui, ROLE_ERROR));
        if (st->err_col > 0 && x + st->err_col - 1 < width)
            draw_str(ui, win, y - 1, x + st->err_col - 1, 1, "^", ui_attr(ui, ROLE_ERROR));
        sb_reset(&b);
        sb_puts(&b, st->err);
        draw_str(ui, win, y - 2 >= 0 ? y - 2 : 0, 0, width, b.s, ui_attr(ui, ROLE_ERROR));
    }
    sb_fini(&b);
}

static unsigned apply(struct view *v)
{
    struct prompt_state *st = v->state;
    struct ui *ui = v->ui;
    struct filter *f;
    struct diag d;

    if (st->kind == PROMPT_SEARCH)
        return UI_HANDLED | UI_POP | UI_REBUILD;
    if (st->len == 0) {
        filter_free(ui->filter);
        ui->filter = NULL;
        ui_notice(ui, "filter cleared");
        return UI_HANDLED | UI_POP | UI_REBUILD;
    }
    diag_clear(&d);
    f = filter_compile(st->text, &d);
    if (!f) {
        struct strbuf e;
        sb_init(&e);
        sb_printf(&e, "col %d: ", d.col);
        draw_escape(&e, d.msg, strlen(d.msg));
        snprintf(st->err, sizeof(st->err), "%s", e.s);
        sb_fini(&e);
        st->err_col = d.col;
        return UI_HANDLED | UI_REDRAW; /* the old filter stays */
    }
    filter_free(ui->filter);
    ui->filter = f;
    return UI_HANDLED | UI_POP | UI_REBUILD;
}

static unsigned prompt_char(struct view *v, int is_key, wint_t ch)
{
    struct prompt_state *st = v->state;
    struct ui *ui = v->ui;

    if ((!is_key && (ch == L'\n' || ch == L'\r')) || (is_key && ch == KEY_ENTER))
        return apply(v);
    if (!is_key && ch == 27) { /* Esc: cancel */
        if (st->kind == PROMPT_SEARCH) {
            snprintf(ui->search, sizeof(ui->search), "%s", st->saved_search);
            return UI_HANDLED | UI_POP | UI_REBUILD;
        }
        return UI_HANDLED | UI_POP | UI_REDRAW;
    }
    if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
        while (st->len > 0) { /* drop one UTF-8 character */
            unsigned char c = (unsigned char)st->text[--st->len];
            if ((c & 0xc0) != 0x80)
                break;
        }
        st->text[st->len] = '\0';
    } else if (!is_key && ch >= 0x20 && ch != 0x7f) {
        char mb[8];
        mbstate_t ms;
        size_t n;

        memset(&ms, 0, sizeof(ms));
        n = wcrtomb(mb, (wchar_t)ch, &ms);
        if (n == (size_t)-1 || st->len + n + 1 > sizeof(st->text) ||
            (st->kind == PROMPT_SEARCH && st->len + n + 1 > sizeof(ui->search)))
            return UI_HANDLED;
        memcpy(st->text + st->len, mb, n);
        st->len += n;
        st->text[st->len] = '\0';
    } else {
        return UI_HANDLED; /* other keys are swallowed while typing */
    }
    st->err[0] = '\0';
    st->err_col = 0;
    if (st->kind == PROMPT_SEARCH) { /* incremental */
        memcpy(ui->search, st->text, st->len + 1); /* len < sizeof(search): checked on input */
        return UI_HANDLED | UI_REBUILD;
    }
    return UI_HANDLED | UI_REDRAW;
}

const struct view_ops view_prompt_ops = {
    .name = "prompt",
    .overlay = true,
    .open = prompt_open,
    .close = prompt_close,
    .draw = prompt_draw,
    .on_char = prompt_char,
};
