/*
 * view_diff: two SIP messages picked with Space in the ladder, their start
 * lines, headers and bodies (the SDP offer against the answer) compared
 * line by line (longest common subsequence); a "-- body --" line stands
 * for the blank line between headers and body.
 * Side by side on wide terminals (a '|' between changed lines, '<' / '>'
 * for a line only on one side), unified ('-' / '+') below 100 columns or
 * with t.  Up/Down/PgUp/PgDn scroll, q goes back.
 *
 * UI thread only.  The bytes are re-read (store_msg_bytes) once at open and
 * kept escaped for the terminal; the view owns them.
 */
#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_MAX_LINES 400 /* header lines compared per message */

enum dop {
    D_SAME,
    D_OLD,
    D_NEW,
    D_CHANGE
};

struct drow {
    enum dop op;
    int a, b; /* line numbers in each message, -1 if none */
};

struct diff_state {
    char **lines[2]; /* owned, escaped */
    int n[2];
    char title[2][256];
    struct drow *rows; /* owned: side-by-side rows */
    int nrows;
    struct drow *urows; /* owned: unified rows (no D_CHANGE) */
    int nurows;
    size_t top;
    int force; /* 0 auto, 1 side by side, 2 unified */
    int changed;
};

/* Splits the message into escaped lines: start line, headers, then a
 * "-- body --" marker and the body's lines when there is a body. */
static void split_headers(const char *p, size_t n, char ***out, int *nout)
{
    size_t i = 0;
    bool body = false;

    *out = NULL;
    *nout = 0;
    while (i < n && *nout < DIFF_MAX_LINES) {
        size_t j = i, e;
        struct strbuf b;

        while (j < n && p[j] != '\n')
            j++;
        e = j;
        if (e > i && p[e - 1] == '\r')
            e--;
        sb_init(&b);
        if (e == i && !body) { /* end of headers */
            body = true;
            if (j + 1 >= n)
                break; /* no body */
            sb_puts(&b, "-- body --");
        } else {
            draw_escape(&b, p + i, e - i);
        }
        *out = xrealloc(*out, (size_t)(*nout + 1) * sizeof(**out));
        (*out)[(*nout)++] = b.s ? b.s : xstrdup("");
        i = j + 1;
    }
}

static void load(struct view *v, int k, uint64_t call, uint32_t idx)
{
    struct diff_state *st = v->state;
    const struct store_call *c = store_call_get(v->ui->store, call);
    struct strbuf b;
    char t[64], src[64], dst[64];

    sb_init(&b);
    if (c && idx < c->nmsgs && store_msg_bytes(v->ui->store, &c->msgs[idx], &b) == 0 && b.s) {
        const struct store_msg *m = &c->msgs[idx];

        split_headers(b.s, b.len, &st->lines[k], &st->n[k]);
        fmt_time_utc(m->ts_ns, t, sizeof(t));
        ui_endpoint_name(v->ui, store_endpoint(v->ui->store, m->src_ep), false, src, sizeof(src));
        ui_endpoint_name(v->ui, store_endpoint(v->ui->store, m->dst_ep), false, dst, sizeof(dst));
        snprintf(st->title[k], sizeof(st->title[k]), "%s %s -> %s", t + 11, src, dst);
    } else {
        snprintf(st->title[k], sizeof(st->title[k]), "(message no longer available)");
    }
    sb_fini(&b);
}

static void push(struct drow **v, int *n, enum dop op, int a, int b)
{
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof(**v));
    (*v)[*n].op = op;
    (*v)[*n].a = a;
    (*v)[*n].b = b;
    (*n)++;
}

/* Unified rows from the LCS table (old lines before new ones in a run);
 * side-by-side rows pair each run's old lines with its new lines. */
static void compute(struct diff_state *st)
{
    int na = st->n[0], nb = st->n[1], i, j, k;
    int *L = xcalloc((size_t)(na + 1) * (size_t)(nb + 1), sizeof(int));
#define LCS(x, y) L[(size_t)(x) * (size_t)(nb + 1) + (size_t)(y)]
#define EQ(x, y)  (strcmp(st->lines[0][x], st->lines[1][y]) == 0)

    for (i = na - 1; i >= 0; i--)
        for (j = nb - 1; j >= 0; j--)
            LCS(i, j) = EQ(i, j) ? LCS(i + 1, j + 1) + 1
                                 : (LCS(i + 1, j) >= LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1));
    i = j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && EQ(i, j))
            push(&st->urows, &st->nurows, D_SAME, i++, j++);
        else if (i < na && (j == nb || LCS(i + 1, j) >= LCS(i, j + 1)))
            push(&st->urows, &st->nurows, D_OLD, i++, -1);
        else
            push(&st->urows, &st->nurows, D_NEW, -1, j++);
    }
#undef EQ
#undef LCS
    free(L);
    for (k = 0; k < st->nurows;) {
        int olds[DIFF_MAX_LINES], news[DIFF_MAX_LINES], no = 0, nn = 0, m;

        if (st->urows[k].op == D_SAME) {
            push(&st->rows, &st->nrows, D_SAME, st->urows[k].a, st->urows[k].b);
            k++;
            continue;
        }
        while (k < st->nurows && st->urows[k].op != D_SAME) {
            if (st->urows[k].op == D_OLD)
                olds[no++] = st->urows[k].a;
            else
                news[nn++] = st->urows[k].b;
            k++;
        }
        for (m = 0; m < no || m < nn; m++) {
            int a = m < no ? olds[m] : -1, b = m < nn ? news[m] : -1;

            push(&st->rows, &st->nrows, a >= 0 && b >= 0 ? D_CHANGE : a >= 0 ? D_OLD : D_NEW, a, b);
            st->changed++;
        }
    }
}

static int diff_open(struct view *v, const void *arg)
{
    const struct diff_arg *a = arg;
    struct diff_state *st = xcalloc(1, sizeof(*st));

    v->state = st;
    load(v, 0, a->call[0], a->idx[0]);
    load(v, 1, a->call[1], a->idx[1]);
    compute(st);
    return 0;
}

static void diff_close(struct view *v)
{
    struct diff_state *st = v->state;
    int k, i;

    for (k = 0; k < 2; k++) {
        for (i = 0; i < st->n[k]; i++)
            free(st->lines[k][i]);
        free(st->lines[k]);
    }
    free(st->rows);
    free(st->urows);
    free(st);
}

static bool side_by_side(const struct diff_state *st, int width)
{
    return st->force == 1 || (st->force == 0 && width >= 100);
}

static void diff_draw(struct view *v, WINDOW *win)
{
    struct diff_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y, h = rows - 5;
    bool sbs = side_by_side(st, width);
    int half = (width - 3) / 2;
    char line[300];
    size_t i;

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    snprintf(line, sizeof(line), " sipdx - Diff: %d line%s differ (%s)", st->changed,
             st->changed == 1 ? "" : "s", sbs ? "side by side" : "unified");
    draw_str(ui, win, 0, 0, width, line, ui_attr(ui, ROLE_TITLE));
    if (sbs) {
        draw_str(ui, win, 1, 0, half, st->title[0], ui_attr(ui, ROLE_LIST_HEADER));
        draw_str(ui, win, 1, half + 3, width - half - 3, st->title[1],
                 ui_attr(ui, ROLE_LIST_HEADER));
    } else {
        snprintf(line, sizeof(line), "- %s", st->title[0]);
        draw_str(ui, win, 1, 0, width, line, ui_attr(ui, ROLE_DIFF_OLD));
        snprintf(line, sizeof(line), "+ %s", st->title[1]);
        draw_str(ui, win, 2, 0, width, line, ui_attr(ui, ROLE_DIFF_NEW));
    }
    y = sbs ? 2 : 3;
    if (!sbs)
        h--;
    for (i = st->top; (int)i < (sbs ? st->nrows : st->nurows) && y < 2 + (sbs ? 0 : 1) + h;
         i++, y++) {
        const struct drow *r = sbs ? &st->rows[i] : &st->urows[i];

        if (sbs) {
            static const char *const mark[] = {" ", "<", ">", "|"};
            attr_t ao = r->op == D_SAME ? ui_attr(ui, ROLE_DEFAULT) : ui_attr(ui, ROLE_DIFF_OLD);
            attr_t an = r->op == D_SAME ? ui_attr(ui, ROLE_DEFAULT) : ui_attr(ui, ROLE_DIFF_NEW);

            if (r->a >= 0)
                draw_str(ui, win, y, 0, half, st->lines[0][r->a], ao);
            draw_str(ui, win, y, half + 1, 1, mark[r->op], ui_attr(ui, ROLE_MARK));
            if (r->b >= 0)
                draw_str(ui, win, y, half + 3, width - half - 3, st->lines[1][r->b], an);
        } else {
            const char *pfx = r->op == D_OLD ? "-" : r->op == D_NEW ? "+" : " ";
            attr_t a = r->op == D_OLD   ? ui_attr(ui, ROLE_DIFF_OLD)
                       : r->op == D_NEW ? ui_attr(ui, ROLE_DIFF_NEW)
                                        : ui_attr(ui, ROLE_DEFAULT);

            draw_str(ui, win, y, 0, 1, pfx, a);
            draw_str(ui, win, y, 2, width - 2, r->a >= 0 ? st->lines[0][r->a] : st->lines[1][r->b],
                     a);
        }
    }
    draw_status(ui, win, rows - 2, "Diff");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned diff_action(struct view *v, enum action a)
{
    struct diff_state *st = v->state;
    size_t n = (size_t)(side_by_side(st, v->ui->cols) ? st->nrows : st->nurows);
    size_t page = v->ui->rows > 8 ? (size_t)v->ui->rows - 6 : 1;

    if (draw_list_move(&st->top, n, page, a))
        return UI_HANDLED | UI_REDRAW;
    if (a == ACT_PANE) {
        st->force = side_by_side(st, v->ui->cols) ? 2 : 1;
        st->top = 0;
        return UI_HANDLED | UI_REDRAW;
    }
    return 0;
}

static const struct key_hint diff_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_PANE, "Side/unified"},
    {ACT_PGDN, "Scroll"},
    {ACT_NONE, NULL},
};

const struct view_ops view_diff_ops = {
    .name = "diff",
    .open = diff_open,
    .close = diff_close,
    .draw = diff_draw,
    .on_action = diff_action,
    .hints = diff_hints,
};
