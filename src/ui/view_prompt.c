/*
 * view_prompt: the one-line text entry at the bottom, for the filter bar
 * (F7/f) and the call-list search (F3 or /: incremental).
 *
 * Both edit like readline (Ctrl-A/E/B/F/U/K/W/D, arrows, Home/End; see
 * edit_key) and keep a history (Up/Down).
 * Filter bar: the text is compiled after every key (live syntax check); a
 * bad filter shows its message and a ^ under the column where it went
 * wrong, and Enter then keeps the filter that was active.  Up/Down walk
 * the history of applied filters (newest first), kept for the session in
 * ui->fhist and in $XDG_STATE_HOME/sipdx/filter_history (default
 * ~/.local/state/...), read on first use and rewritten on each apply; a
 * history file that cannot be read or written is ignored.
 * UI thread only.  A view on the stack, never a nested key loop.
 */
#include "ui_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HIST_MAX 100

/* Filter history, oldest first (owned by struct ui, see ui_int.h). */
struct prompt_hist {
    char **items;
    size_t n;
    bool loaded;
};

/* The history file's path into out; false when there is no home. */
static bool hist_path(struct strbuf *out, bool make_dirs)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    size_t i;

    sb_reset(out);
    if (xdg && xdg[0] == '/')
        sb_printf(out, "%s/sipdx", xdg);
    else if (home && home[0] == '/')
        sb_printf(out, "%s/.local/state/sipdx", home);
    else
        return false;
    if (make_dirs) { /* mkdir -p, best effort */
        for (i = 1; i <= out->len; i++) {
            if (i == out->len || out->s[i] == '/') {
                char c = out->s[i];

                out->s[i] = '\0';
                if (mkdir(out->s, 0700) != 0 && errno != EEXIST) {
                    out->s[i] = c;
                    return false;
                }
                out->s[i] = c;
            }
        }
    }
    sb_puts(out, "/filter_history");
    return true;
}

static void hist_push(struct prompt_hist *h, const char *text)
{
    size_t i;

    for (i = 0; i < h->n; i++) { /* an old duplicate moves to the end */
        if (strcmp(h->items[i], text) == 0) {
            free(h->items[i]);
            memmove(h->items + i, h->items + i + 1, (h->n - i - 1) * sizeof(*h->items));
            h->n--;
            break;
        }
    }
    if (h->n == HIST_MAX) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->n - 1) * sizeof(*h->items));
        h->n--;
    }
    h->items = xrealloc(h->items, (h->n + 1) * sizeof(*h->items));
    h->items[h->n++] = xstrdup(text);
}

/* The search history lives for the session only (it holds what was
 * looked for, which may be a customer's number). */
static struct prompt_hist *search_hist(struct ui *ui)
{
    if (!ui->shist) {
        ui->shist = xcalloc(1, sizeof(*ui->shist));
        ui->shist->loaded = true;
    }
    return ui->shist;
}

static struct prompt_hist *hist_get(struct ui *ui)
{
    struct prompt_hist *h = ui->fhist;
    struct strbuf path;
    char line[512];
    FILE *f;

    if (!h)
        h = ui->fhist = xcalloc(1, sizeof(*h));
    if (h->loaded)
        return h;
    h->loaded = true;
    sb_init(&path);
    if (hist_path(&path, false) && (f = fopen(path.s, "r")) != NULL) {
        while (fgets(line, sizeof(line), f)) {
            size_t n = strcspn(line, "\r\n"), i;
            bool ok = n > 0;

            line[n] = '\0';
            for (i = 0; i < n; i++)
                if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                    ok = false; /* never replay control bytes */
            if (ok)
                hist_push(h, line);
        }
        fclose(f);
    }
    sb_fini(&path);
    return h;
}

static void hist_save(const struct prompt_hist *h)
{
    struct strbuf path, tmp;
    FILE *f;
    size_t i;

    sb_init(&path);
    sb_init(&tmp);
    if (hist_path(&path, true)) {
        sb_printf(&tmp, "%s.tmp", path.s);
        if ((f = fopen(tmp.s, "w")) != NULL) {
            for (i = 0; i < h->n; i++)
                fprintf(f, "%s\n", h->items[i]);
            if (fclose(f) == 0)
                rename(tmp.s, path.s);
            else
                remove(tmp.s);
        }
    }
    sb_fini(&path);
    sb_fini(&tmp);
}

static void hist_free(struct prompt_hist *h)
{
    size_t i;

    if (!h)
        return;
    for (i = 0; i < h->n; i++)
        free(h->items[i]);
    free(h->items);
    free(h);
}

void prompt_history_free(struct ui *ui)
{
    hist_free(ui->fhist);
    hist_free(ui->shist);
    ui->fhist = ui->shist = NULL;
}

struct prompt_state {
    enum prompt_kind kind;
    char text[256]; /* UTF-8 as typed */
    size_t len;
    size_t cur; /* the cursor: a byte offset on a character boundary */
    char saved_search[128];
    char err[300];
    int err_col;     /* 1-based, 0 = none */
    size_t hist_pos; /* filter history: n = editing the draft */
    char draft[256]; /* what was typed before Up */
};

/* Live syntax check of the filter text: fills err/err_col or clears them. */
static void check_syntax(struct prompt_state *st)
{
    struct filter *f;
    struct err d;
    struct strbuf e;

    st->err[0] = '\0';
    st->err_col = 0;
    if (st->kind != PROMPT_FILTER || st->len == 0)
        return;
    err_clear(&d);
    f = filter_compile(st->text, &d);
    if (f) {
        filter_free(f);
        return;
    }
    sb_init(&e);
    sb_printf(&e, "col %d: ", d.col);
    draw_escape(&e, d.msg, strlen(d.msg));
    snprintf(st->err, sizeof(st->err), "%s", e.s);
    sb_fini(&e);
    st->err_col = d.col;
}

static int prompt_open(struct view *v, const void *arg)
{
    struct prompt_state *st = xcalloc(1, sizeof(*st));
    const char *init;

    st->kind = *(const enum prompt_kind *)arg;
    init = st->kind == PROMPT_FILTER ? (v->ui->filter ? filter_source(v->ui->filter) : "")
                                     : v->ui->search;
    snprintf(st->text, sizeof(st->text), "%s", init);
    st->len = st->cur = strlen(st->text);
    snprintf(st->saved_search, sizeof(st->saved_search), "%s", v->ui->search);
    st->hist_pos = (st->kind == PROMPT_FILTER ? hist_get(v->ui) : search_hist(v->ui))->n;
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
    {
        /* the text before the cursor, the character under it highlighted
         * (a blank at the end), then the rest */
        size_t n = st->cur < st->len ? 1 : 0;
        int cx;

        while (st->cur + n < st->len && ((unsigned char)st->text[st->cur + n] & 0xc0) == 0x80)
            n++;
        draw_escape(&b, st->text, st->cur);
        cx = x + draw_str(ui, win, y, x, width - x - 1, b.s ? b.s : "", ui_attr(ui, ROLE_PROMPT));
        sb_reset(&b);
        draw_escape(&b, st->text + st->cur, n);
        cx += draw_str(ui, win, y, cx, width - cx, n ? b.s : "_", ui_attr(ui, ROLE_SEL));
        sb_reset(&b);
        draw_escape(&b, st->text + st->cur + n, st->len - st->cur - n);
        draw_str(ui, win, y, cx, width - cx, b.s ? b.s : "", ui_attr(ui, ROLE_PROMPT));
    }
    if (st->err[0]) {
        draw_fill(win, y - 1, 0, width, ui_attr(ui, ROLE_ERROR));
        if (st->err_col > 0 && x + st->err_col - 1 < width)
            draw_str(ui, win, y - 1, x + st->err_col - 1, 1, "^", ui_attr(ui, ROLE_ERROR));
        sb_reset(&b);
        sb_puts(&b, st->err);
        draw_fill(win, y - 2 >= 0 ? y - 2 : 0, 0, width, ui_attr(ui, ROLE_ERROR));
        draw_str(ui, win, y - 2 >= 0 ? y - 2 : 0, 0, width, b.s, ui_attr(ui, ROLE_ERROR));
    }
    sb_fini(&b);
}

static unsigned apply(struct view *v)
{
    struct prompt_state *st = v->state;
    struct ui *ui = v->ui;
    struct filter *f;
    struct err d;

    if (st->kind == PROMPT_SEARCH) {
        if (st->len)
            hist_push(search_hist(ui), st->text);
        if (!st->len && st->saved_search[0])
            ui_notice(ui, "search cleared");
        return UI_HANDLED | UI_POP | UI_REBUILD;
    }
    if (st->len == 0) {
        filter_free(ui->filter);
        ui->filter = NULL;
        ui_notice(ui, "filter cleared");
        return UI_HANDLED | UI_POP | UI_REBUILD;
    }
    err_clear(&d);
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
    hist_push(hist_get(ui), st->text);
    hist_save(hist_get(ui));
    return UI_HANDLED | UI_POP | UI_REBUILD;
}

/* Up (older) / Down (newer) through the history of filters (or of
 * searches). */
static unsigned hist_move(struct view *v, bool up)
{
    struct prompt_state *st = v->state;
    struct prompt_hist *h = st->kind == PROMPT_FILTER ? hist_get(v->ui) : search_hist(v->ui);

    if (up ? st->hist_pos == 0 : st->hist_pos >= h->n)
        return UI_HANDLED;
    if (st->hist_pos == h->n)
        snprintf(st->draft, sizeof(st->draft), "%s", st->text);
    st->hist_pos += up ? (size_t)-1 : 1;
    /* The bar opens with the active filter: Up skips that same text. */
    if (up && st->hist_pos > 0 && strcmp(h->items[st->hist_pos], st->text) == 0)
        st->hist_pos--;
    snprintf(st->text, sizeof(st->text), "%s",
             st->hist_pos < h->n ? h->items[st->hist_pos] : st->draft);
    st->len = st->cur = strlen(st->text);
    return UI_HANDLED | UI_REDRAW | UI_REBUILD; /* the search is incremental */
}

/* Start of the character before byte offset i / end of the one at i. */
static size_t char_prev(const struct prompt_state *st, size_t i)
{
    while (i > 0 && ((unsigned char)st->text[--i] & 0xc0) == 0x80)
        ;
    return i;
}

static size_t char_next(const struct prompt_state *st, size_t i)
{
    if (i < st->len)
        i++;
    while (i < st->len && ((unsigned char)st->text[i] & 0xc0) == 0x80)
        i++;
    return i;
}

/* Removes bytes [from, to) of the text; the cursor goes to from. */
static void cut(struct prompt_state *st, size_t from, size_t to)
{
    memmove(st->text + from, st->text + to, st->len - to + 1);
    st->len -= to - from;
    st->cur = from;
}

/* Editing as readline does it: Left/Right (Ctrl-B/F), Home/End
 * (Ctrl-A/E), Backspace and Delete (Ctrl-D), Ctrl-U (to the start),
 * Ctrl-K (to the end), Ctrl-W (the word before the cursor), Up/Down the
 * history, Enter applies, Esc cancels.  Returns 0 when the key is not an
 * editing key, else what changed (1: the cursor only, 2: the text). */
static int edit_key(struct view *v, int is_key, wint_t ch)
{
    struct prompt_state *st = v->state;
    size_t i;

    if (is_key) {
        switch (ch) {
        case KEY_LEFT:
            st->cur = char_prev(st, st->cur);
            return 1;
        case KEY_RIGHT:
            st->cur = char_next(st, st->cur);
            return 1;
        case KEY_HOME:
            st->cur = 0;
            return 1;
        case KEY_END:
            st->cur = st->len;
            return 1;
        case KEY_BACKSPACE:
            if (st->cur)
                cut(st, char_prev(st, st->cur), st->cur);
            return 2;
        case KEY_DC:
            cut(st, st->cur, char_next(st, st->cur));
            return 2;
        default:
            return 0;
        }
    }
    switch (ch) {
    case 1: /* Ctrl-A */
        st->cur = 0;
        return 1;
    case 5: /* Ctrl-E */
        st->cur = st->len;
        return 1;
    case 2: /* Ctrl-B */
        st->cur = char_prev(st, st->cur);
        return 1;
    case 6: /* Ctrl-F */
        st->cur = char_next(st, st->cur);
        return 1;
    case 4: /* Ctrl-D */
        cut(st, st->cur, char_next(st, st->cur));
        return 2;
    case 21: /* Ctrl-U */
        cut(st, 0, st->cur);
        return 2;
    case 11: /* Ctrl-K */
        st->text[st->cur] = '\0';
        st->len = st->cur;
        return 2;
    case 23: /* Ctrl-W: spaces, then the word */
        i = st->cur;
        while (i > 0 && st->text[i - 1] == ' ')
            i--;
        while (i > 0 && st->text[i - 1] != ' ')
            i--;
        cut(st, i, st->cur);
        return 2;
    case 127:
    case 8:
        if (st->cur)
            cut(st, char_prev(st, st->cur), st->cur);
        return 2;
    default:
        return 0;
    }
}

static unsigned prompt_char(struct view *v, int is_key, wint_t ch)
{
    struct prompt_state *st = v->state;
    struct ui *ui = v->ui;
    int e;

    if ((!is_key && (ch == L'\n' || ch == L'\r')) || (is_key && ch == KEY_ENTER))
        return apply(v);
    if (!is_key && ch == 27) { /* Esc: cancel */
        if (st->kind == PROMPT_SEARCH) {
            snprintf(ui->search, sizeof(ui->search), "%s", st->saved_search);
            return UI_HANDLED | UI_POP | UI_REBUILD;
        }
        return UI_HANDLED | UI_POP | UI_REDRAW;
    }
    if (is_key && (ch == KEY_UP || ch == KEY_DOWN)) {
        unsigned r = hist_move(v, ch == KEY_UP);

        check_syntax(st);
        if (st->kind == PROMPT_SEARCH)
            memcpy(ui->search, st->text, st->len + 1 < sizeof(ui->search) ? st->len + 1 : 1);
        return r;
    }
    e = edit_key(v, is_key, ch);
    if (e == 1)
        return UI_HANDLED | UI_REDRAW;
    if (e == 0 && !is_key && ch >= 0x20 && ch != 0x7f) {
        char mb[8];
        mbstate_t ms;
        size_t n;

        memset(&ms, 0, sizeof(ms));
        n = wcrtomb(mb, (wchar_t)ch, &ms);
        if (n == (size_t)-1 || st->len + n + 1 > sizeof(st->text) ||
            (st->kind == PROMPT_SEARCH && st->len + n + 1 > sizeof(ui->search)))
            return UI_HANDLED;
        memmove(st->text + st->cur + n, st->text + st->cur, st->len - st->cur + 1);
        memcpy(st->text + st->cur, mb, n);
        st->len += n;
        st->cur += n;
    } else if (e == 0) {
        return UI_HANDLED; /* other keys are swallowed while typing */
    }
    check_syntax(st);
    if (st->kind == PROMPT_SEARCH) {               /* incremental */
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
