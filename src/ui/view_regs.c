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

#define REBUILD_MS 1000 /* at least this long between rebuilds while loading */

struct regs_state {
    struct reg_report r;  /* owned */
    bool built;
    uint64_t built_gen;
    struct timespec built_at;
    long wait_ms;         /* until the next rebuild: REBUILD_MS or 10x the last one */
    size_t cur, top;
};

static long ms_since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void rebuild(struct view *v)
{
    struct regs_state *st = v->state;
    char *keep = NULL;
    size_t i;

    if (st->built && st->cur < st->r.n)
        keep = xstrdup(st->r.v[st->cur].aor);
    clock_gettime(CLOCK_MONOTONIC, &st->built_at);
    stats_reg_fini(&st->r);
    stats_registrations(v->ui->store, NULL, NULL, &st->r);
    st->built = true;
    st->built_gen = store_gen(v->ui->store);
    /* a big store: keep the console responsive while it loads */
    st->wait_ms = 10 * ms_since(&st->built_at);
    if (st->wait_ms < REBUILD_MS)
        st->wait_ms = REBUILD_MS;
    clock_gettime(CLOCK_MONOTONIC, &st->built_at);
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

    if (store_gen(v->ui->store) != st->built_gen && ms_since(&st->built_at) >= st->wait_ms)
        rebuild(v);
    if (store_gen(v->ui->store) != st->built_gen)
        v->ui->stale = true;
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

static void draw_row(const struct ui *ui, WINDOW *win, int y, int width,
                     const struct reg_entry *e, int64_t end, attr_t a, struct strbuf *b)
{
    int aor_w = width - 2 - (12 + 1 + 24 + 1 + 9 + 1 + 4 + 1 + 4 + 1);
    int x = 2;
    char t[32];

    if (aor_w < 10)
        aor_w = 10;
    sb_reset(b);
    draw_escape(b, e->aor, strlen(e->aor));
    draw_str(ui, win, y, x, aor_w, b->s, a);
    x += aor_w + 1;
    draw_str(ui, win, y, x, 12, reg_state_name(e->state), a);
    x += 13;
    sb_reset(b);
    if (e->last_status)
        sb_printf(b, "%u ", e->last_status);
    draw_escape(b, e->last_status ? e->last_reason : "no response",
                strlen(e->last_status ? e->last_reason : "no response"));
    draw_str(ui, win, y, x, 24, b->s, a);
    x += 25;
    if (e->state == REG_STATE_DEREGISTERED)
        snprintf(t, sizeof(t), "dereg");
    else if (e->expires_at)
        snprintf(t, sizeof(t), "%+.0fs", (double)(e->expires_at - end) / 1e9);
    else
        snprintf(t, sizeof(t), "-");
    draw_str(ui, win, y, x, 9, t, a);
    x += 10;
    snprintf(t, sizeof(t), "%4u", e->attempts);
    draw_str(ui, win, y, x, 4, t, a);
    x += 5;
    snprintf(t, sizeof(t), "%4u", e->failed);
    draw_str(ui, win, y, x, 4, t, a);
}

static void regs_draw(struct view *v, WINDOW *win)
{
    struct regs_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), lh = list_rows(st, rows), y;
    int aor_w = width - 2 - (12 + 1 + 24 + 1 + 9 + 1 + 4 + 1 + 4 + 1);
    struct strbuf b;
    char title[160];
    size_t i;

    if (aor_w < 10)
        aor_w = 10;
    sb_init(&b);
    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    snprintf(title, sizeof(title), " sipdx - Registrations: %zu addresses of record, %llu REGISTERs",
             st->r.n, (unsigned long long)st->r.registers);
    draw_str(ui, win, 0, 0, width, title, ui_attr(ui, ROLE_TITLE));
    draw_fill(win, 1, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
    draw_str(ui, win, 1, 2, aor_w, "AOR", ui_attr(ui, ROLE_LIST_HEADER));
    snprintf(title, sizeof(title), "%-12s %-24s %-9s %4s %4s", "State", "Last result", "Expires",
             "Att", "Fail");
    draw_str(ui, win, 1, 2 + aor_w + 1, width - aor_w - 3, title, ui_attr(ui, ROLE_LIST_HEADER));

    if (st->cur < st->top)
        st->top = st->cur;
    if (st->cur >= st->top + (size_t)lh)
        st->top = st->cur - (size_t)lh + 1;
    for (i = st->top, y = 2; i < st->r.n && y < 2 + lh; i++, y++) {
        bool sel = i == st->cur;
        attr_t a = sel ? ui_attr(ui, ROLE_SEL) : state_attr(ui, st->r.v[i].state);

        if (sel)
            draw_fill(win, y, 0, width, a);
        draw_row(ui, win, y, width, &st->r.v[i], st->r.capture_end, a, &b);
    }
    if (st->r.n == 0)
        draw_str(ui, win, 2, 2, width - 4, "no REGISTER in the capture (yet)",
                 ui_attr(ui, ROLE_DEFAULT));
    /* details of the selected AOR */
    y = 2 + lh;
    draw_hline(ui, win, y++, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
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
        free(ui->push_ids);
        ui->push_ids = xmalloc(sizeof(*ui->push_ids));
        ui->push_ids[0] = c->id;
        ui->push_arg.flow.ids = ui->push_ids;
        ui->push_arg.flow.n = 1;
        ui_push(ui, &view_flow_ops);
        return UI_HANDLED | UI_REDRAW;
    }
    default:
        return 0;
    }
}

static const struct key_hint regs_hints[] = {
    {ACT_BACK, "Back"}, {ACT_ENTER, "Flow"}, {ACT_STATS, "Stats"}, {ACT_HELP, "Help"},
    {ACT_NONE, NULL},
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
