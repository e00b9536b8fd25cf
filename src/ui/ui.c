/*
 * ui: the console's main loop, view stack and dispatch.
 *
 * Thread: the main (UI) thread.  It owns the store, kb, theme and curses;
 * the capture thread (engine loader) only fills a bounded queue.  Each tick:
 * drain up to UI_DRAIN_MAX records into the store, redraw if the store
 * generation or anything else changed (one doupdate per tick), then wait
 * for a key for at most 100 ms.  No lock is held while drawing or waiting.
 * Resize and quit are handled here, once; views get actions.
 */
#include "ui_int.h"

#include "legs.h"

#include "rtp.h"

#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UI_DRAIN_MAX 4096 /* records moved into the store per tick */
#define UI_QUEUE_CAP 4096 /* capture -> UI queue capacity (back-pressure) */
#define UI_TICK_MS   100  /* longest wait for a key */

static volatile sig_atomic_t got_term; /* SIGTERM/SIGHUP: leave cleanly */

static void on_term(int sig)
{
    (void)sig;
    got_term = 1;
}

static void restore_terminal(void)
{
    if (!isendwin())
        endwin();
}

/* A fresh push request for ops: the previous one, and its arrays, gone. */
static void *push_new(struct ui *ui, const struct view_ops *ops)
{
    free(ui->push.ids);
    memset(&ui->push, 0, sizeof(ui->push));
    ui->push.ops = ops;
    return &ui->push.arg;
}

/* Owned copies of a and b, one after the other. */
static uint64_t *push_ids(struct ui *ui, const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    ui->push.ids = xmalloc((na + nb + 1) * sizeof(*ui->push.ids));
    if (na)
        memcpy(ui->push.ids, a, na * sizeof(*a));
    if (nb)
        memcpy(ui->push.ids + na, b, nb * sizeof(*b));
    return ui->push.ids;
}

void ui_push(struct ui *ui, const struct view_ops *ops)
{
    push_new(ui, ops);
}

void ui_push_flow(struct ui *ui, const uint64_t *ids, size_t n)
{
    struct flow_arg *a = push_new(ui, &view_flow_ops);

    a->ids = push_ids(ui, ids, n, NULL, 0);
    a->n = n;
}

void ui_push_flow_at(struct ui *ui, uint64_t call_id, uint32_t idx)
{
    struct flow_arg *a = push_new(ui, &view_flow_ops);

    a->ids = push_ids(ui, &call_id, 1, NULL, 0);
    a->n = 1;
    a->focus = true;
    a->focus_call = call_id;
    a->focus_idx = idx;
}

void ui_push_media(struct ui *ui, const uint64_t *ids, size_t n)
{
    struct flow_arg *a = push_new(ui, &view_media_ops);

    a->ids = push_ids(ui, ids, n, NULL, 0);
    a->n = n;
}

void ui_push_msg(struct ui *ui, uint64_t call_id, uint32_t idx)
{
    struct msg_arg *a = push_new(ui, &view_msg_ops);

    a->call_id = call_id;
    a->msg_index = idx;
}

void ui_push_prompt(struct ui *ui, enum prompt_kind kind)
{
    *(enum prompt_kind *)push_new(ui, &view_prompt_ops) = kind;
}

void ui_push_help(struct ui *ui)
{
    struct text_arg *a = push_new(ui, &view_text_ops);

    a->title = "Help";
}

void ui_push_save(struct ui *ui, const uint64_t *sel, size_t nsel, const uint64_t *vis, size_t nvis)
{
    struct save_arg *a = push_new(ui, &view_save_ops);
    uint64_t *ids = push_ids(ui, sel, nsel, vis, vis ? nvis : 0);

    a->sel = ids;
    a->nsel = nsel;
    a->has_vis = vis != NULL;
    a->vis = ids + nsel;
    a->nvis = vis ? nvis : 0;
}

void ui_push_export(struct ui *ui, const uint64_t *ids, size_t n)
{
    struct save_arg *a = push_new(ui, &view_save_ops);

    a->sel = push_ids(ui, ids, n, NULL, 0);
    a->nsel = n;
    a->share = true;
}

/* OSC 52 payloads larger than this are refused by common terminals. */
#define OSC52_MAX 74994

void ui_copy(struct ui *ui, const char *what, const char *data, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    struct strbuf b;
    size_t i;

    if (n > OSC52_MAX) {
        ui_notice(ui, "too large to copy through the terminal (%zu bytes)", n);
        return;
    }
    sb_init(&b);
    sb_puts(&b, "\033]52;c;");
    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)data[i] << 16;

        if (i + 1 < n)
            v |= (unsigned char)data[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)data[i + 2];
        sb_putc(&b, b64[v >> 18 & 63]);
        sb_putc(&b, b64[v >> 12 & 63]);
        sb_putc(&b, i + 1 < n ? b64[v >> 6 & 63] : '=');
        sb_putc(&b, i + 2 < n ? b64[v & 63] : '=');
    }
    sb_puts(&b, "\a");
    /* straight to the terminal, between two curses refreshes: invisible */
    fflush(stdout);
    if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
        ui_notice(ui, "could not write to the terminal");
    else
        ui_notice(ui, "copied %s (%zu bytes) to the clipboard", what, n);
    sb_fini(&b);
}

void copy_call_id(struct ui *ui, const struct store_call *c)
{
    struct strbuf w;

    sb_init(&w);
    sb_puts(&w, "Call-ID ");
    sb_append_escaped(&w, c->call_id, c->call_id_len);
    ui_copy(ui, w.s, c->call_id, c->call_id_len);
    sb_fini(&w);
}

void ui_push_diff(struct ui *ui, const struct diff_arg *d)
{
    *(struct diff_arg *)push_new(ui, &view_diff_ops) = *d;
}

void ui_push_compare(struct ui *ui, const struct compare_arg *c)
{
    *(struct compare_arg *)push_new(ui, &view_compare_ops) = *c;
}

static int id_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

void ui_push_call_legs(struct ui *ui, uint64_t id, bool focus, uint32_t idx)
{
    struct legs_rules *r = legs_rules_new();
    struct legs_member m[63];
    uint64_t ids[64];
    struct legs *l;
    size_t n, i;

    /* Built when asked: the store grows while the console runs, and one
     * pass over it is cheap next to a keypress (legs.h). */
    for (i = 0; i < ui->settings.nlegs; i++)
        legs_rules_add(r, ui->settings.legs[i].text, ui->settings.file, ui->settings.legs[i].line,
                       NULL);
    l = legs_build(ui->store, r);
    n = legs_members(l, id, m, 63);
    if (n > 63)
        n = 63;
    ids[0] = id;
    for (i = 0; i < n; i++)
        ids[i + 1] = m[i].link.peer;
    legs_free(l);
    legs_rules_free(r);
    qsort(ids, n + 1, sizeof(*ids), id_cmp);
    ui_push_flow(ui, ids, n + 1);
    if (focus) {
        ui->push.arg.flow.focus = true;
        ui->push.arg.flow.focus_call = id;
        ui->push.arg.flow.focus_idx = idx;
    }
}

void ui_notice(struct ui *ui, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ui->notice, sizeof(ui->notice), fmt, ap);
    va_end(ap);
}

static void view_pop(struct ui *ui)
{
    struct view *v;

    if (ui->depth == 0)
        return;
    v = &ui->stack[--ui->depth];
    if (v->ops->close)
        v->ops->close(v);
    memset(v, 0, sizeof(*v));
}

/* Opens the requested view (its open copies what it keeps of the
 * argument), then drops the request. */
static void do_push(struct ui *ui)
{
    const struct view_ops *ops = ui->push.ops;
    struct view *v = &ui->stack[ui->depth];

    if (ops && ui->depth < UI_MAX_VIEWS) {
        memset(v, 0, sizeof(*v));
        v->ops = ops;
        v->ui = ui;
        if (ops->open && ops->open(v, &ui->push.arg) != 0)
            memset(v, 0, sizeof(*v));
        else
            ui->depth++;
    }
    push_new(ui, NULL);
}

static void draw_all(struct ui *ui)
{
    int i, base = ui->depth - 1;

    while (base > 0 && ui->stack[base].ops->overlay)
        base--;
    ui->stale = false; /* views' update() set it again */
    erase();
    for (i = base; i < ui->depth; i++) {
        struct view *v = &ui->stack[i];
        if (v->ops->update)
            v->ops->update(v);
        if (v->ops->draw)
            v->ops->draw(v, stdscr);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* F5: a fresh store with the same sources (queued records keep their
 * source numbers), and no filter or search. */
static void clear_calls(struct ui *ui)
{
    struct store_opts so;

    memset(&so, 0, sizeof(so));
    so.max_memory = engine_max_memory(ui->cfg->max_memory, &ui->cfg->live);
    if (ui->cfg->matcher) { /* --match holds for the whole session */
        so.match = filter_store_match;
        so.match_ctx = ui->cfg->matcher;
    }
    store_free(ui->store);
    ui->store = store_new(&so);
    loader_sources_register(ui->loader, ui->store);
    filter_free(ui->filter);
    ui->filter = NULL;
    ui->search[0] = '\0';
    ui->list_gen++;
    ui->clears++;
    while (ui->depth > 1)
        view_pop(ui);
    ui_notice(ui, "cleared");
}

/* After an Esc from get_wch: true when it began a key sequence curses did
 * not recognise (a function key the terminfo entry lacks, a TERM that does
 * not match the terminal), which is then read up to its end and dropped.
 * Its bytes arrived together with the Esc, within ESCDELAY; a real Esc
 * press has nothing behind it.  Taking it for Esc closed views, or quit
 * from the call list, on a key the user never meant as Esc. */
static bool unknown_sequence(struct ui *ui)
{
    wint_t c;
    int r, n = 0;

    timeout(0);
    r = get_wch(&c);
    if (r == ERR)
        return false;
    if (r == KEY_CODE_YES || !(c == '[' || c == 'O')) {
        /* Esc then another key: leave that key to be read next. */
        if (r == KEY_CODE_YES)
            ungetch((int)c);
        else
            unget_wch(c);
        return false;
    }
    /* CSI/SS3: parameters and intermediates up to a final byte 0x40-0x7e;
     * bounded, in case the terminal sends garbage. */
    while (n++ < 32 && get_wch(&c) == OK) {
        if (c >= 0x40 && c <= 0x7e)
            break;
    }
    ui_notice(ui, "ignored a key sequence this terminal type (TERM=%s) does not describe",
              getenv("TERM") ? getenv("TERM") : "unset");
    return true;
}

static unsigned dispatch(struct ui *ui, int is_key, wint_t ch)
{
    struct view *top = &ui->stack[ui->depth - 1];
    enum action a;
    unsigned r = 0;

    if (top->ops->on_char) {
        r = top->ops->on_char(top, is_key, ch);
        if (r & UI_HANDLED)
            return r;
    }
    a = keymap_lookup(ui, is_key, ch);
    if (ui->confirm_clear) { /* F5 asked: F5 again or y discards, any other key keeps */
        ui->confirm_clear = false;
        if (a == ACT_CLEAR || (!is_key && (ch == L'y' || ch == L'Y'))) {
            clear_calls(ui);
            return UI_REDRAW | UI_REBUILD;
        }
        ui_notice(ui, "kept the calls");
        return UI_REDRAW;
    }
    if (a == ACT_NONE)
        return 0;
    ui->notice[0] = '\0';
    if (top->ops->on_action)
        r = top->ops->on_action(top, a);
    if (r & UI_HANDLED)
        return r;
    switch (a) {
    case ACT_QUIT:
        return UI_QUIT;
    case ACT_BACK:
        return ui->depth > 1 ? UI_POP | UI_REDRAW : UI_QUIT;
    case ACT_HELP:
        ui_push_help(ui);
        return UI_REDRAW;
    case ACT_SAVE: /* from views without a selection of their own: all calls */
        ui_push_save(ui, NULL, 0, NULL, 0);
        return UI_REDRAW;
    case ACT_FILTER:
        ui_push_prompt(ui, PROMPT_FILTER);
        return UI_REDRAW;
    case ACT_REGS:
    case ACT_STATS:
        /* The two views swap with each other instead of stacking up. */
        ui_push(ui, a == ACT_REGS ? &view_regs_ops : &view_stats_ops);
        return UI_REDRAW;
    case ACT_PAUSE:
        ui->paused = !ui->paused;
        loader_pause(ui->loader, ui->paused);
        ui_notice(ui, "%s", ui->paused ? "paused: loading stopped" : "resumed");
        return UI_REDRAW;
    case ACT_CLEAR: {
        /* Throwing loaded calls away is not undone: ask first (a file
         * would have to be read again, live calls are gone). */
        struct store_counts sc;

        store_counts(ui->store, &sc);
        if (sc.calls == 0) {
            clear_calls(ui);
            return UI_REDRAW | UI_REBUILD;
        }
        ui->confirm_clear = true;
        ui_notice(ui, "discard all %" PRIu64 " calls? F5 or y: yes, any other key: no", sc.calls);
        return UI_REDRAW;
    }
    default:
        return 0;
    }
}

static bool want_color(const struct config *cfg)
{
    const char *nc = getenv("NO_COLOR");

    if (cfg->no_color || (nc && nc[0]))
        return false;
    return has_colors();
}

/* The config file (--config, or the XDG one): bad lines go to stderr
 * with file:line (and the first one to the status line) and are skipped.
 * Returns -1 only when --config names a file that cannot be read. */
static int load_settings(struct ui *ui)
{
    const struct config *cfg = ui->cfg;
    char path[1024];
    const char *p = settings_path(cfg->config_path, path, sizeof(path));
    struct strbuf errs;
    int rc = 0;

    settings_init(&ui->settings);
    sb_init(&errs);
    if (p && settings_load(&ui->settings, p, cfg->config_path != NULL, &errs) < 0 &&
        cfg->config_path) {
        fprintf(cfg->err, "sipdx: --config: %s", errs.s ? errs.s : "\n");
        rc = -1;
    } else {
        keymap_load(ui, &ui->settings, &errs);
        if (errs.len) {
            const char *nl = strchr(errs.s, '\n');

            fprintf(cfg->err, "sipdx: config: %s", errs.s);
            ui_notice(ui, "config: %.*s", nl ? (int)(nl - errs.s) : (int)errs.len, errs.s);
        }
    }
    sb_fini(&errs);
    return rc;
}

void ui_endpoint_name(const struct ui *ui, const struct cap_addr *a, bool ip_only, char *out,
                      size_t outlen)
{
    const char *alias = settings_alias_for(&ui->settings, a);

    if (alias) {
        struct strbuf b;

        sb_init(&b);
        draw_escape(&b, alias, strlen(alias));
        snprintf(out, outlen, "%s", b.s ? b.s : "");
        sb_fini(&b);
    } else if (a) {
        cap_addr_format(a, !ip_only, out, outlen);
    } else if (outlen) {
        out[0] = '\0';
    }
}

int ui_run(const struct config *cfg)
{
    struct ui ui;
    struct store_opts so;
    struct strbuf warn;
    struct rtp_opts ro;
    struct err d;
    struct sigaction sa;
    uint64_t seen_gen = ~0ull, seen_list = ~0ull;
    struct timespec last_draw = {0, 0};
    bool dirty = true, running = true, force = true, defer = false, seen_done = false;
    SCREEN *scr = NULL;
    const char *cs, *theme_name;
    FILE *keys_in = NULL; /* owned: /dev/tty when the capture is on stdin */
    struct live_opts lo;
    const char **keylogs = NULL; /* owned: --tls-keylog and the config's, for the loader */
    size_t kl;
    int rc = 0;

    /* Without a terminal get_wch never waits and the loop would spin (a
     * live capture never ends): ask for a batch output instead.  Keys come
     * from /dev/tty when the capture is on stdin (checked below). */
    bool capture_on_stdin = false;

    for (size_t i = 0; i < cfg->ninputs; i++)
        capture_on_stdin |= strcmp(cfg->inputs[i], "-") == 0;
    if (!isatty(STDOUT_FILENO) || (!capture_on_stdin && !isatty(STDIN_FILENO))) {
        fputs("sipdx: the console needs a terminal; use a batch output (--list, --dump ...)\n",
              cfg->err);
        return 2;
    }
    memset(&ui, 0, sizeof(ui));
    ui.cfg = cfg;
    setlocale(LC_ALL, "");
    cs = nl_langinfo(CODESET);
    ui.utf8 = cs && strcmp(cs, "UTF-8") == 0;

    /* Everything that can fail with a message goes before initscr. */
    if (load_settings(&ui) != 0) {
        settings_fini(&ui.settings);
        return 2;
    }
    theme_name = cfg->theme ? cfg->theme : ui.settings.theme; /* the command line wins */
    err_clear(&d);
    sb_init(&warn);
    theme_init_default(&ui.theme);
    if (theme_name && theme_select(&ui.theme, theme_name, &d, &warn) != 0) {
        char msg[600];
        err_format(&d, msg, sizeof(msg));
        fprintf(cfg->err, "sipdx: %s: %s\n", cfg->theme ? "--theme" : "config theme", msg);
        settings_fini(&ui.settings);
        free(ui.binds);
        sb_fini(&warn);
        return 2;
    }
    if (warn.len)
        fprintf(cfg->err, "sipdx: %s", warn.s);
    sb_fini(&warn);
    err_clear(&d);
    ui.kb = kb_new(cfg->lang ? cfg->lang : ui.settings.lang, cfg->kb_dir, &d);
    memset(&so, 0, sizeof(so));
    so.max_memory = engine_max_memory(cfg->max_memory, &cfg->live);
    if (cfg->matcher) {
        so.match = filter_store_match;
        so.match_ctx = cfg->matcher;
    }
    ui.store = store_new(&so);
    if (cfg->filter) /* -Y: the filter bar starts with it (a copy: ours to replace) */
        ui.filter = filter_compile(filter_source(cfg->filter), &d);
    err_clear(&d);
    rtp_opts_default(&ro);
    ro.store_packets = cfg->rtp_store; /* --rtp-store: saves can include RTP */
    /* Key logs of the config file (tls_keylog = FILE) join --tls-keylog. */
    lo = cfg->live;
    keylogs = xcalloc(cfg->live.ntls_keylogs + ui.settings.ntls_keylogs + 1, sizeof(*keylogs));
    for (kl = 0; kl < cfg->live.ntls_keylogs; kl++)
        keylogs[kl] = cfg->live.tls_keylogs[kl];
    for (kl = 0; kl < ui.settings.ntls_keylogs; kl++)
        keylogs[lo.ntls_keylogs++] = ui.settings.tls_keylogs[kl];
    lo.tls_keylogs = keylogs;
    ui.loader =
        loader_start_ex_rtp(cfg->inputs, cfg->ninputs, &lo, &ro, ui.store, UI_QUEUE_CAP, &d);
    if (!ui.loader) {
        char msg[600];

        err_format(&d, msg, sizeof(msg));
        fprintf(cfg->err, "sipdx: %s\n", msg);
        filter_free(ui.filter);
        store_free(ui.store);
        kb_free(ui.kb);
        settings_fini(&ui.settings);
        free(ui.binds);
        free((void *)keylogs);
        return 2;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    fatal_set_hook(restore_terminal);
    /* A capture read from stdin ("-") must not be read as keys: take the
     * keys from the controlling terminal instead (as sngrep does). */
    for (size_t i = 0; i < cfg->ninputs; i++) {
        if (strcmp(cfg->inputs[i], "-") == 0) {
            keys_in = fopen("/dev/tty", "r");
            if (!keys_in) {
                fprintf(cfg->err,
                        "sipdx: the capture comes from stdin and there is no "
                        "terminal for keys (/dev/tty: %s)\n",
                        strerror(errno));
                rc = 2;
                goto out;
            }
            break;
        }
    }
    scr = newterm(NULL, stdout, keys_in ? keys_in : stdin);
    if (!scr) {
        fprintf(cfg->err, "sipdx: cannot start the console on this terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
        rc = 2;
        goto out;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (want_color(cfg)) {
        start_color();
        use_default_colors();
        ui.color = true;
    }
    palette_init(&ui);
    {
        const char *acsc = tigetstr("acsc");
        ui.ascii =
            cfg->ascii || ui.settings.ascii == 1 || ((!acsc || acsc == (char *)-1) && !ui.utf8);
    }
    getmaxyx(stdscr, ui.rows, ui.cols);
    ui_push(&ui, &view_calls_ops);
    do_push(&ui);
    if (ui.depth == 0) {
        rc = 2;
        goto out_curses;
    }
    timeout(UI_TICK_MS);

    while (running && !got_term) {
        wint_t ch;
        int r;
        unsigned res;
        struct loader_progress p;
        struct timespec now;

        if (!ui.paused)
            loader_drain(ui.loader, ui.store, UI_DRAIN_MAX);
        if (store_gen(ui.store) != seen_gen || ui.list_gen != seen_list || ui.stale)
            dirty = true;
        loader_progress(ui.loader, &p);
        if (p.done && !seen_done) { /* the last progress and counts, once */
            seen_done = true;
            dirty = true;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* While loading, redraw at most every 100 ms (progress moves). */
        if (!p.done || p.queued) {
            long ms = (now.tv_sec - last_draw.tv_sec) * 1000 +
                      (now.tv_nsec - last_draw.tv_nsec) / 1000000;
            if (ms >= UI_TICK_MS)
                dirty = true;
            else if (!force)
                defer = true;
        }
        if (dirty && !defer) {
            seen_gen = store_gen(ui.store);
            seen_list = ui.list_gen;
            draw_all(&ui);
            last_draw = now;
            dirty = false;
            force = false;
        }
        defer = false;
        /* Records waiting: only look for a key, do not wait (a 10 ms wait
         * per 4096 records was most of the console's load time).  Loading
         * with nothing queued yet: short waits while the reader catches up;
         * idle (or live with nothing queued: it never finishes): 100 ms. */
        timeout(ui.paused                                  ? UI_TICK_MS
                : p.queued                                 ? 0
                : !p.done && !live_opts_active(&cfg->live) ? 2
                                                           : UI_TICK_MS);
        r = get_wch(&ch);
        if (r == ERR)
            continue;
        if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
            getmaxyx(stdscr, ui.rows, ui.cols);
            dirty = force = true;
            continue;
        }
        if (r == OK && ch == 27 && unknown_sequence(&ui)) {
            dirty = force = true;
            continue;
        }
        res = dispatch(&ui, r == KEY_CODE_YES, ch);
        if (res & UI_QUIT)
            running = false;
        if (res & UI_POP)
            view_pop(&ui);
        if (ui.push.ops)
            do_push(&ui);
        if (res & UI_REBUILD)
            ui.list_gen++;
        dirty = force = true;
        if (ui.depth == 0)
            running = false;
    }

out_curses:
    while (ui.depth > 0)
        view_pop(&ui);
    endwin();
    delscreen(scr);
out:
    if (keys_in)
        fclose(keys_in);
    {
        struct live_counts lc;

        loader_live_stop(ui.loader);
        loader_live_counts(ui.loader, &lc);
        engine_print_live_counts(&lc, cfg->err);
    }
    loader_free(ui.loader); /* stops and joins the capture thread */
    free((void *)keylogs);  /* the loader borrowed it */
    filter_free(ui.filter);
    prompt_history_free(&ui);
    store_free(ui.store);
    kb_free(ui.kb);
    push_new(&ui, NULL);
    settings_fini(&ui.settings);
    free(ui.binds);
    return rc;
}
