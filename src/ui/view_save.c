/*
 * view_save: the save dialog (F2/s), a box over the current view:
 *
 *   What    all calls | marked (or the ladder's) calls | visible (filtered) calls
 *   Format  pcap | pcapng | text | html | svg | mmd | puml | csv
 *   File    a name with a default (sipdx-YYYYmmdd-HHMMSS.pcap), edited in place
 *
 * e opens it on the current or marked calls with .html chosen (an export to
 * share); a name typed with a known extension decides the format.
 *
 * Tab/Up/Down move between the fields, Left/Right change the choice, typing
 * edits the name (Ctrl-U clears it), Enter saves with export_calls, Esc
 * cancels.  Changing the format changes a known extension of the name.  An
 * error (cannot create, disk full) stays in the dialog; success pops it and
 * says what was written in the status line.
 *
 * UI thread only (export_calls reads the store).  A view on the stack with
 * on_char for every key; the ids it saves are copied at open (owned).
 */
#include "ui_int.h"

#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum save_what {
    SAVE_ALL,
    SAVE_SELECTED,
    SAVE_VISIBLE,
    SAVE__WHAT
};
enum save_field {
    F_WHAT,
    F_FORMAT,
    F_FILE,
    F__COUNT
};

static const enum export_format formats[] = {
    EXPORT_FMT_PCAP, EXPORT_FMT_PCAPNG,  EXPORT_FMT_TEXT,     EXPORT_FMT_HTML,
    EXPORT_FMT_SVG,  EXPORT_FMT_MERMAID, EXPORT_FMT_PLANTUML, EXPORT_FMT_CSV};
static const char *const exts[] = {".pcap", ".pcapng", ".txt",  ".html",
                                   ".svg",  ".mmd",    ".puml", ".csv"};
#define FMT_HTML 3 /* index of .html: e opens the dialog on it */
#define NFMT     ((int)(sizeof(formats) / sizeof(formats[0])))

struct save_state {
    uint64_t *sel; /* owned: marked calls, or the ladder's */
    size_t nsel;
    uint64_t *vis; /* owned: the call list's visible rows */
    size_t nvis;
    bool has_vis; /* opened from the call list (visible is a choice) */
    enum save_what what;
    int fmt; /* index into formats */
    enum save_field field;
    char name[512];
    size_t len;
    char err[400];
};

static uint64_t *copy_ids(const uint64_t *ids, size_t n)
{
    uint64_t *p = xmalloc((n ? n : 1) * sizeof(*p));

    if (n)
        memcpy(p, ids, n * sizeof(*p));
    return p;
}

/* Replaces the name's extension when it is one of ours. */
static void set_ext(struct save_state *st, int fmt)
{
    size_t i;

    for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t el = strlen(exts[i]);

        if (st->len > el && strcmp(st->name + st->len - el, exts[i]) == 0) {
            st->len -= el;
            st->name[st->len] = '\0';
            break;
        }
    }
    if (st->len + strlen(exts[fmt]) + 1 < sizeof(st->name)) {
        memcpy(st->name + st->len, exts[fmt], strlen(exts[fmt]) + 1);
        st->len += strlen(exts[fmt]);
    }
}

static int save_open(struct view *v, const void *arg)
{
    const struct save_arg *a = arg;
    struct save_state *st = xcalloc(1, sizeof(*st));
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    st->sel = copy_ids(a->sel, a->nsel);
    st->nsel = a->nsel;
    st->vis = copy_ids(a->vis, a->nvis);
    st->nvis = a->nvis;
    st->has_vis = a->has_vis;
    /* Default: what the user singled out, else what the list shows. */
    if (st->nsel)
        st->what = SAVE_SELECTED;
    else if (st->has_vis && (v->ui->filter || v->ui->search[0]))
        st->what = SAVE_VISIBLE;
    else
        st->what = SAVE_ALL;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    if (a->share)
        st->fmt = FMT_HTML;
    st->len = (size_t)snprintf(st->name, sizeof(st->name), "sipdx-%s%s", stamp, exts[st->fmt]);
    st->field = F_FILE;
    v->state = st;
    return 0;
}

static void save_close(struct view *v)
{
    struct save_state *st = v->state;

    free(st->sel);
    free(st->vis);
    free(st);
}

static size_t what_count(const struct ui *ui, const struct save_state *st, enum save_what w)
{
    switch (w) {
    case SAVE_SELECTED:
        return st->nsel;
    case SAVE_VISIBLE:
        return st->nvis;
    case SAVE_ALL:
    default:
        return store_ncalls(ui->store);
    }
}

static bool what_available(const struct save_state *st, enum save_what w)
{
    return w == SAVE_ALL || (w == SAVE_SELECTED && st->nsel) || (w == SAVE_VISIBLE && st->has_vis);
}

/* ------------------------------------------------------------ draw */

static void save_draw(struct view *v, WINDOW *win)
{
    struct save_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), cols = getmaxx(win);
    int w = cols - 4 < 76 ? cols - 4 : 76, h = 11;
    int x0 = (cols - w) / 2, y0 = (rows - h) / 2, y, x, k;
    attr_t box = ui_attr(ui, ROLE_DEFAULT), hl = ui_attr(ui, ROLE_SEL);
    struct strbuf b;
    char line[160];
    static const char *const what_names[] = {"all", "marked", "visible"};

    if (w < 20 || rows < h)
        return;
    if (y0 < 0)
        y0 = 0;
    sb_init(&b);
    for (y = y0; y < y0 + h; y++)
        draw_fill(win, y, x0, w, box);
    draw_fill(win, y0, x0, w, ui_attr(ui, ROLE_TITLE));
    draw_str(ui, win, y0, x0 + 1, w - 2, "Save calls", ui_attr(ui, ROLE_TITLE));
    for (y = y0 + 1; y < y0 + h; y++) {
        draw_vline_ch(ui, win, y, x0, box);
        draw_vline_ch(ui, win, y, x0 + w - 1, box);
    }
    draw_hline(ui, win, y0 + h - 1, x0, w, box);

    /* What */
    y = y0 + 2;
    draw_str(ui, win, y, x0 + 2, 8, "What:", st->field == F_WHAT ? ui_attr(ui, ROLE_PROMPT) : box);
    for (k = 0, x = x0 + 10; k < SAVE__WHAT; k++) {
        int n;

        if (!what_available(st, (enum save_what)k))
            continue;
        snprintf(line, sizeof(line), "%s %s %zu", st->what == (enum save_what)k ? "(*)" : "( )",
                 what_names[k], what_count(ui, st, (enum save_what)k));
        n = draw_str(ui, win, y, x, x0 + w - 1 - x, line,
                     st->field == F_WHAT && st->what == (enum save_what)k ? hl : box);
        x += n + 2;
    }
    /* Format */
    y += 2;
    draw_str(ui, win, y, x0 + 2, 8,
             "Format:", st->field == F_FORMAT ? ui_attr(ui, ROLE_PROMPT) : box);
    for (k = 0, x = x0 + 10; k < NFMT; k++) {
        int n;

        /* [html]: the chosen one (eight names fit in the box this way) */
        snprintf(line, sizeof(line), "%s%s%s", st->fmt == k ? "[" : " ", exts[k] + 1,
                 st->fmt == k ? "]" : " ");
        n = draw_str(ui, win, y, x, x0 + w - 1 - x, line,
                     st->field == F_FORMAT && st->fmt == k ? hl : box);
        x += n;
    }
    /* File: the tail of a long name stays visible. */
    y += 2;
    draw_str(ui, win, y, x0 + 2, 8, "File:", st->field == F_FILE ? ui_attr(ui, ROLE_PROMPT) : box);
    draw_escape(&b, st->name, st->len);
    {
        const char *s = b.s ? b.s : "";
        int room = w - 13, cw = draw_width(ui, s);

        while (cw > room - 1 && *s) {
            s++;
            while ((*s & 0xc0) == 0x80)
                s++;
            cw = draw_width(ui, s);
        }
        x = x0 + 10 + draw_str(ui, win, y, x0 + 10, room, s, box);
        if (st->field == F_FILE)
            draw_str(ui, win, y, x, 1, "_", hl);
    }
    /* Error or keys */
    y += 2;
    if (st->err[0])
        draw_str(ui, win, y, x0 + 2, w - 4, st->err, ui_attr(ui, ROLE_ERROR));
    else
        draw_str(ui, win, y, x0 + 2, w - 4,
                 "Enter save  Tab next field  Left/Right choose  Ctrl-U clear  Esc cancel", box);
    sb_fini(&b);
}

/* ------------------------------------------------------------ actions */

static unsigned do_save(struct view *v)
{
    struct save_state *st = v->state;
    struct ui *ui = v->ui;
    struct export_opts o;
    struct export_result res;
    struct err d;
    uint64_t *all = NULL;
    const uint64_t *ids;
    size_t n, i;
    int rc;

    if (st->len == 0) {
        snprintf(st->err, sizeof(st->err), "give a file name");
        return UI_HANDLED | UI_REDRAW;
    }
    switch (st->what) {
    case SAVE_SELECTED:
        ids = st->sel;
        n = st->nsel;
        break;
    case SAVE_VISIBLE:
        ids = st->vis;
        n = st->nvis;
        break;
    case SAVE_ALL:
    default:
        n = store_ncalls(ui->store);
        all = xmalloc((n ? n : 1) * sizeof(*all));
        for (i = 0; i < n; i++)
            all[i] = store_call_at(ui->store, i)->id;
        ids = all;
        break;
    }
    memset(&o, 0, sizeof(o));
    /* a name with a known extension decides, as --save does */
    o.fmt = export_format_from_path(st->name) != EXPORT_FMT_UNKNOWN ? EXPORT_FMT_AUTO
                                                                    : formats[st->fmt];
    o.link = EXPORT_LINK_ETHERNET;
    o.ladder = true;
    o.kb = ui->kb;
    /* pcap: RTP packets with --rtp-store; a page: the media table */
    o.rtp = ui->cfg->rtp_store || export_format_from_path(st->name) == EXPORT_FMT_HTML
                ? loader_rtp(ui->loader)
                : NULL;
    err_clear(&d);
    rc = export_calls(ui->store, ids, n, st->name, &o, &res, &d);
    free(all);
    if (rc < 0) {
        char msg[600];
        struct strbuf e;

        err_format(&d, msg, sizeof(msg));
        sb_init(&e);
        sb_puts(&e, "cannot save: ");
        sb_puts(&e, msg); /* err_format escaped it */
        snprintf(st->err, sizeof(st->err), "%s", e.s);
        sb_fini(&e);
        return UI_HANDLED | UI_REDRAW;
    }
    {
        struct strbuf e;
        char rtp[48] = "";

        sb_init(&e);
        draw_escape(&e, st->name, st->len);
        if (res.rtp)
            snprintf(rtp, sizeof(rtp), ", %llu RTP packets", (unsigned long long)res.rtp);
        ui_notice(ui, "saved %llu calls, %llu messages%s to %s%s", (unsigned long long)res.calls,
                  (unsigned long long)res.messages, rtp, e.s,
                  res.unreadable ? " (some messages could not be re-read)" : "");
        sb_fini(&e);
    }
    return UI_HANDLED | UI_POP | UI_REDRAW;
}

static void choose(struct save_state *st, int dir)
{
    int k;

    if (st->field == F_WHAT) {
        k = (int)st->what;
        do {
            k = (k + dir + SAVE__WHAT) % SAVE__WHAT;
        } while (!what_available(st, (enum save_what)k));
        st->what = (enum save_what)k;
    } else if (st->field == F_FORMAT) {
        st->fmt = (st->fmt + dir + NFMT) % NFMT;
        set_ext(st, st->fmt);
    }
}

static unsigned save_char(struct view *v, int is_key, wint_t ch)
{
    struct save_state *st = v->state;

    if ((!is_key && (ch == L'\n' || ch == L'\r')) || (is_key && ch == KEY_ENTER))
        return do_save(v);
    if (!is_key && ch == 27)
        return UI_HANDLED | UI_POP | UI_REDRAW;
    if ((!is_key && ch == L'\t') || (is_key && ch == KEY_DOWN)) {
        st->field = (enum save_field)((st->field + 1) % F__COUNT);
    } else if ((is_key && ch == KEY_BTAB) || (is_key && ch == KEY_UP)) {
        st->field = (enum save_field)((st->field + F__COUNT - 1) % F__COUNT);
    } else if (is_key && (ch == KEY_LEFT || ch == KEY_RIGHT)) {
        choose(st, ch == KEY_LEFT ? -1 : 1);
    } else if (st->field != F_FILE && !is_key && ch == L' ') {
        choose(st, 1);
    } else if (st->field == F_FILE && !is_key && ch == 21) { /* Ctrl-U */
        st->len = 0;
        st->name[0] = '\0';
    } else if (st->field == F_FILE &&
               ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8)))) {
        while (st->len > 0) { /* one UTF-8 character */
            unsigned char c = (unsigned char)st->name[--st->len];
            if ((c & 0xc0) != 0x80)
                break;
        }
        st->name[st->len] = '\0';
    } else if (st->field == F_FILE && !is_key && ch >= 0x20 && ch != 0x7f) {
        char mb[8];
        mbstate_t ms;
        size_t n;

        memset(&ms, 0, sizeof(ms));
        n = wcrtomb(mb, (wchar_t)ch, &ms);
        if (n != (size_t)-1 && st->len + n + 1 <= sizeof(st->name)) {
            memcpy(st->name + st->len, mb, n);
            st->len += n;
            st->name[st->len] = '\0';
        }
    } else {
        return UI_HANDLED; /* other keys are swallowed while the dialog is up */
    }
    st->err[0] = '\0';
    return UI_HANDLED | UI_REDRAW;
}

const struct view_ops view_save_ops = {
    .name = "save",
    .overlay = true,
    .open = save_open,
    .close = save_close,
    .draw = save_draw,
    .on_char = save_char,
};
