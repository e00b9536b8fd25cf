/*
 * view_regs: the Registrations view (G from the call list): one row per
 * address of record (state, last result, expiry, attempts, failures) and,
 * below, the details of the selected one as --registrations prints them.
 * Enter opens the ladder of its last REGISTER dialog.
 * UI thread only.  The report is a copy (stats module), rebuilt when the
 * store changes, while the capture loads at most once a second (or every
 * ten times the last rebuild's duration, on a big store).
 */
#include "ui_int.h"

#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct regs_state {
    struct reg_report r; /* owned */
    bool built;
    struct ui_pace pace; /* rebuilt at most every 1 s, or 10x the last build */
    size_t cur, top;
};

static void rebuild(struct view *v)
{
    struct regs_state *st = v->state;
    char *keep = NULL;
    size_t i;

    if (st->built && st->cur < st->r.n)
        keep = xstrdup(st->r.v[st->cur].aor);
    ui_pace_begin(&st->pace);
    stats_reg_fini(&st->r);
    stats_registrations(v->ui->store, NULL, NULL, &st->r);
    st->built = true;
    ui_pace_end(&st->pace, store_gen(v->ui->store), 10);
    st->cur = 0;
    for (i = 0; keep && i < st->r.n; i++) {
        if (strcmp(st->r.v[i].aor, keep) == 0) {
            st->cur = i;
            break;
        }
    }
    free(keep);
}

static int regs_open(struct view *v, const void *arg)
{
    (void)arg;
    v->state = xcalloc(1, sizeof(struct regs_state));
    rebuild(v);
    return 0;
}

static void regs_close(struct view *v)
{
    struct regs_state *st = v->state;

    stats_reg_fini(&st->r);
    free(st);
}

static void regs_update(struct view *v)
{
    struct regs_state *st = v->state;

    if (ui_pace_due(v->ui, &st->pace))
        rebuild(v);
}

static attr_t state_attr(const struct ui *ui, enum reg_state s)
{
    switch (s) {
    case REG_STATE_REGISTERED:
        return ui_attr(ui, ROLE_CALL_COMPLETED);
    case REG_STATE_FAILED:
        return ui_attr(ui, ROLE_CALL_FAILED);
    case REG_STATE_EXPIRED:
        return ui_attr(ui, ROLE_CALL_BUSY);
    case REG_STATE_DEREGISTERED:
        return ui_attr(ui, ROLE_CALL_OTHER);
    default:
        return ui_attr(ui, ROLE_CALL_SETUP);
    }
}

/* Rows of the list and of the details pane for a window of `rows`. */
static int list_rows(const struct regs_state *st, int rows)
{
    int avail = rows - 4; /* title, header, status, hints */
    int h = (avail - 1) / 2;

    if ((int)st->r.n < h)
        h = st->r.n ? (int)st->r.n : 1;
    return h < 1 ? 1 : h;
}

/* Columns: AOR (takes the spare width, up to 48), then fixed ones; on a
 * narrow screen a column that does not fit in what is left is left out. */
enum {
    C_AOR,
    C_STATE,
    C_LAST,
    C_EXP,
    C_ATT,
    C_FAIL,
    C__N
};
static const struct {
    const char *title;
    int w;
} cols[C__N] = {
    [C_AOR] = {"AOR", 0},     [C_STATE] = {"State", 12}, [C_LAST] = {"Last result", 24},
    [C_EXP] = {"Expires", 9}, [C_ATT] = {" Att", 4},     [C_FAIL] = {"Fail", 4},
};

static void layout(int width, int w[C__N])
{
    int k, fixed = 0, x;

    for (k = 1; k < C__N; k++)
        fixed += cols[k].w + 1;
    w[C_AOR] = width - 2 - fixed;
    if (w[C_AOR] > 48)
        w[C_AOR] = 48;
    if (w[C_AOR] < 12)
        w[C_AOR] = width - 3 < 12 ? (width - 3 > 1 ? width - 3 : 1) : 12;
    for (k = 1, x = 2 + w[C_AOR] + 1; k < C__N; k++) {
        w[k] = x + cols[k].w <= width ? cols[k].w : 0;
        if (w[k])
            x += w[k] + 1;
    }
}

static void cell(const struct reg_entry *e, int64_t end, int k, struct strbuf *b)
{
    sb_reset(b);
    switch (k) {
    case C_AOR:
        draw_escape(b, e->aor, strlen(e->aor));
        break;
    case C_STATE:
        sb_puts(b, reg_state_name(e->state));
        break;
    case C_LAST:
        if (e->last_status) {
            sb_printf(b, "%u ", e->last_status);
            draw_escape(b, e->last_reason, strlen(e->last_reason));
        } else {
            sb_puts(b, "no response");
        }
        break;
    case C_EXP:
        if (e->state == REG_STATE_DEREGISTERED)
            sb_puts(b, "dereg");
        else if (e->expires_at)
            sb_printf(b, "%+.0fs", (double)(e->expires_at - end) / 1e9);
        else
            sb_puts(b, "-");
        break;
    case C_ATT:
        sb_printf(b, "%4u", e->attempts);
        break;
    case C_FAIL:
        sb_printf(b, "%4u", e->failed);
        break;
    default:
        break;
    }
}

static void regs_draw(struct view *v, WINDOW *win)
{
    struct regs_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), lh = list_rows(st, rows), y, k, x;
    int w[C__N];
    struct strbuf b;
    char title[160];
    size_t i;

    layout(width, w);
    sb_init(&b);
    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    snprintf(title, sizeof(title),
             " sipdx - Registrations: %zu addresses of record, %llu REGISTERs", st->r.n,
             (unsigned long long)st->r.registers);
    draw_str(ui, win, 0, 0, width, title, ui_attr(ui, ROLE_TITLE));
    draw_fill(win, 1, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
    for (k = 0, x = 2; k < C__N; k++) {
        if (!w[k])
            continue;
        draw_str(ui, win, 1, x, w[k], cols[k].title, ui_attr(ui, ROLE_LIST_HEADER));
        x += w[k] + 1;
    }

    if (st->cur < st->top)
        st->top = st->cur;
    if (st->cur >= st->top + (size_t)lh)
        st->top = st->cur - (size_t)lh + 1;
    for (i = st->top, y = 2; i < st->r.n && y < 2 + lh; i++, y++) {
        bool sel = i == st->cur;
        attr_t a = sel ? ui_attr(ui, ROLE_SEL) : state_attr(ui, st->r.v[i].state);

        if (sel)
            draw_fill(win, y, 0, width, a);
        for (k = 0, x = 2; k < C__N; k++) {
            if (!w[k])
                continue;
            cell(&st->r.v[i], st->r.capture_end, k, &b);
            draw_str(ui, win, y, x, w[k], b.s ? b.s : "", a);
            x += w[k] + 1;
        }
    }
    if (st->r.n == 0)
        draw_str(ui, win, 2, 2, width - 4, "no REGISTER in the capture (yet)",
                 ui_attr(ui, ROLE_DEFAULT));
    /* details of the selected AOR */
    y = 2 + lh;
    if (y < rows - 2)
        draw_hline(ui, win, y, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
    y++;
    if (st->cur < st->r.n) {
        const char *p, *nl;

        sb_reset(&b);
        stats_reg_text(&st->r.v[st->cur], st->r.capture_end, ui->kb, &b);
        for (p = b.s; p && *p && y < rows - 2; p = nl + 1, y++) {
            char line[512];
            size_t n;

            nl = strchr(p, '\n');
            if (!nl)
                nl = p + strlen(p);
            n = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) : sizeof(line) - 1;
            memcpy(line, p, n);
            line[n] = '\0';
            draw_str(ui, win, y, 1, width - 2, line, ui_attr(ui, ROLE_DEFAULT));
            if (!*nl)
                break;
        }
    }
    sb_fini(&b);
    draw_status(ui, win, rows - 2, "Registrations");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned regs_action(struct view *v, enum action a)
{
    struct regs_state *st = v->state;
    struct ui *ui = v->ui;
    int lh = list_rows(st, ui->rows);

    if (draw_list_move(&st->cur, st->r.n, (size_t)lh, a))
        return UI_HANDLED | UI_REDRAW;
    switch (a) {
    case ACT_REGS:
        return UI_HANDLED;
    case ACT_STATS: /* swap for the Statistics view */
        ui_push(ui, &view_stats_ops);
        return UI_HANDLED | UI_POP | UI_REDRAW;
    case ACT_ENTER: {
        const struct store_call *c;
        const struct reg_entry *e;

        if (st->cur >= st->r.n)
            return UI_HANDLED;
        e = &st->r.v[st->cur];
        c = store_call_find(ui->store, e->call_id, strlen(e->call_id));
        if (!c) {
            ui_notice(ui, "that REGISTER dialog is no longer in memory");
            return UI_HANDLED | UI_REDRAW;
        }
        ui_push_flow(ui, &c->id, 1);
        return UI_HANDLED | UI_REDRAW;
    }
    default:
        return 0;
    }
}

static const struct key_hint regs_hints[] = {
    {ACT_BACK, "Back"}, {ACT_ENTER, "Flow"}, {ACT_STATS, "Stats"},
    {ACT_HELP, "Help"}, {ACT_NONE, NULL},
};

const struct view_ops view_regs_ops = {
    .name = "registrations",
    .open = regs_open,
    .close = regs_close,
    .update = regs_update,
    .draw = regs_draw,
    .on_action = regs_action,
    .hints = regs_hints,
};
