/*
 * view_stats: the Statistics view (T from the call list): what --stats
 * prints, the call KPIs first and tshark's sip,stat counts after them (ASR, ACD, PDD, NER, SER
 * overall and per destination, response codes by frequency with their meaning), as scrollable text.
 * UI thread only.  Rebuilt from the store when it changes, while the capture loads at most once a
 * second (or every ten times the last rebuild's duration, on a big store).
 */
#include "ui_int.h"

#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct stats_state {
    struct strbuf text; /* owned: the report, escaped, lines ending in \n */
    const char **lines; /* owned array of pointers into text */
    size_t nlines;
    size_t scroll;
    bool built;
    struct ui_pace pace; /* rebuilt at most every 1 s, or 10x the last build */
};

static void rebuild(struct view *v)
{
    struct stats_state *st = v->state;
    struct store_counts sc;
    struct kpi_report kr;
    struct sipstat ss;
    size_t i, n = 0;
    char *p;

    ui_pace_begin(&st->pace);
    sb_reset(&st->text);
    store_counts(v->ui->store, &sc);
    sb_printf(&st->text, "Messages %" PRIu64 ", calls and other dialogs %" PRIu64 "\n\n",
              sc.messages, sc.calls);
    /* the KPIs first (what a glance is for), then tshark's counts */
    stats_kpi(v->ui->store, NULL, NULL, &kr);
    stats_kpi_text(&kr, v->ui->kb, &st->text);
    stats_kpi_fini(&kr);
    stats_sipstat_from_store(v->ui->store, &ss);
    stats_sipstat_text(&ss, &st->text);
    stats_sipstat_fini(&ss);
    free(st->lines);
    for (i = 0; i < st->text.len; i++)
        n += st->text.s[i] == '\n';
    st->lines = xcalloc(n + 1, sizeof(*st->lines));
    st->nlines = 0;
    for (p = st->text.s; p && *p;) {
        char *nl = strchr(p, '\n');

        st->lines[st->nlines++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    if (st->scroll >= st->nlines)
        st->scroll = st->nlines ? st->nlines - 1 : 0;
    st->built = true;
    ui_pace_end(&st->pace, store_gen(v->ui->store), 10);
}

static int stats_open(struct view *v, const void *arg)
{
    struct stats_state *st = xcalloc(1, sizeof(*st));

    (void)arg;
    sb_init(&st->text);
    v->state = st;
    rebuild(v);
    return 0;
}

static void stats_close(struct view *v)
{
    struct stats_state *st = v->state;

    sb_fini(&st->text);
    free(st->lines);
    free(st);
}

static void stats_update(struct view *v)
{
    struct stats_state *st = v->state;

    if (ui_pace_due(v->ui, &st->pace))
        rebuild(v);
}

static void stats_draw(struct view *v, WINDOW *win)
{
    struct stats_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win), y;
    size_t i;

    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, 0, 0, width, " sipdx - Statistics", ui_attr(ui, ROLE_TITLE));
    for (i = st->scroll, y = 1; i < st->nlines && y < rows - 2; i++, y++) {
        const char *l = st->lines[i];
        attr_t a = l[0] == '*' ? ui_attr(ui, ROLE_SIP_HDR) : ui_attr(ui, ROLE_DEFAULT);

        draw_str(ui, win, y, 1, width - 2, l, a);
    }
    draw_status(ui, win, rows - 2, "Statistics");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned stats_action(struct view *v, enum action a)
{
    struct stats_state *st = v->state;
    size_t page = v->ui->rows > 3 ? (size_t)v->ui->rows - 3 : 1; /* text rows */

    if (draw_list_move(&st->scroll, st->nlines, page, a)) {
        /* a text, not a list: the last page ends with the last line */
        if (st->nlines > page && st->scroll > st->nlines - page)
            st->scroll = st->nlines - page;
        else if (st->nlines <= page)
            st->scroll = 0;
        return UI_HANDLED | UI_REDRAW;
    }
    if (a == ACT_STATS)
        return UI_HANDLED;
    if (a == ACT_REGS) { /* swap for the Registrations view */
        ui_push(v->ui, &view_regs_ops);
        return UI_HANDLED | UI_POP | UI_REDRAW;
    }
    return 0;
}

static const struct key_hint stats_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_REGS, "Registrations"},
    {ACT_HELP, "Help"},
    {ACT_NONE, NULL},
};

const struct view_ops view_stats_ops = {
    .name = "statistics",
    .open = stats_open,
    .close = stats_close,
    .update = stats_update,
    .draw = stats_draw,
    .on_action = stats_action,
    .hints = stats_hints,
};
