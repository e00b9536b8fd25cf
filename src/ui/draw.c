/*
 * draw: helpers every view shares: width-aware strings, lines (ACS or
 * ASCII), the status line and the key-hint bar, SIP text with syntax
 * colours, and call state/status presentation.
 * UI thread only; draws into the WINDOW it is given, mutates no state.
 * Strings given to draw_str are already escaped (sb_append_escaped), so no
 * byte from the wire reaches the terminal raw.
 */
#include "ui_int.h"

#include "ladder.h"

#include <time.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void draw_escape(struct strbuf *b, const char *s, size_t n)
{
    sb_append_escaped(b, s, n);
}

/* Decodes one UTF-8 character of s (NUL-terminated); returns its byte
 * length and its cell width in *cw (control/invalid: 1 cell as '?'). */
static size_t next_char(const struct ui *ui, const char *s, wchar_t *wc, int *cw)
{
    mbstate_t st;
    size_t n;

    if ((unsigned char)*s < 0x80 || !ui->utf8) {
        *wc = (unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ? L'?' : (wchar_t)*s;
        *cw = 1;
        return 1;
    }
    memset(&st, 0, sizeof(st));
    n = mbrtowc(wc, s, 4, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = L'?';
        *cw = 1;
        return 1;
    }
    *cw = wcwidth(*wc);
    if (*cw < 0) {
        *wc = L'?';
        *cw = 1;
    }
    return n;
}

int draw_width(const struct ui *ui, const char *s)
{
    int w = 0, cw;
    wchar_t wc;

    while (*s) {
        s += next_char(ui, s, &wc, &cw);
        w += cw;
    }
    return w;
}

int draw_str(const struct ui *ui, WINDOW *win, int y, int x, int w, const char *s, attr_t a)
{
    int used = 0, cw;
    wchar_t wc;

    if (w <= 0 || y < 0 || y >= getmaxy(win))
        return 0;
    wmove(win, y, x);
    while (*s) {
        size_t n = next_char(ui, s, &wc, &cw);
        cchar_t cc;
        wchar_t str[2] = {wc, 0};

        if (used + cw > w)
            break;
        setcchar(&cc, str, a, (short)PAIR_NUMBER(a), NULL);
        wadd_wch(win, &cc);
        used += cw;
        s += n;
    }
    return used;
}

void draw_fill(WINDOW *win, int y, int x, int w, attr_t a)
{
    int i;

    if (y < 0 || y >= getmaxy(win))
        return;
    wmove(win, y, x);
    for (i = 0; i < w && x + i < getmaxx(win); i++)
        waddch(win, ' ' | a);
}

void draw_hline(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t a)
{
    int i;

    if (y < 0 || y >= getmaxy(win))
        return;
    wmove(win, y, x);
    for (i = 0; i < w && x + i < getmaxx(win); i++)
        waddch(win, (ui->ascii ? '-' : ACS_HLINE) | a);
}

void draw_vline_ch(const struct ui *ui, WINDOW *win, int y, int x, attr_t a)
{
    mvwaddch(win, y, x, (ui->ascii ? '|' : ACS_VLINE) | a);
}

/* Cells the hints take with nkeys keys each. */
static int hints_width(const struct ui *ui, const struct key_hint *hints, int nkeys)
{
    char key[32];
    int w = 0;

    for (; hints && hints->label; hints++) {
        keymap_keys(ui, hints->act, nkeys, key, sizeof(key));
        w += (int)strlen(key) + (int)strlen(hints->label) + 2;
    }
    return w;
}

/* The key bar: every hint with two keys when they fit, else with one;
 * when even that is too long (80 columns), as many as fit and "F1 more"
 * at the end, so a narrow screen still says where the rest is. */
void draw_hints(const struct ui *ui, WINDOW *win, const struct key_hint *hints)
{
    int y = getmaxy(win) - 1, x = 0, cols = getmaxx(win), nkeys = 2, room = cols;
    char key[32], more[48];

    draw_fill(win, y, 0, cols, ui_attr(ui, ROLE_KEYBAR));
    more[0] = '\0';
    if (hints_width(ui, hints, 2) > cols) {
        nkeys = 1;
        if (hints_width(ui, hints, 1) > cols) {
            keymap_keys(ui, ACT_HELP, 1, key, sizeof(key));
            snprintf(more, sizeof(more), "%s more", key);
            room = cols - (int)strlen(more);
        }
    }
    for (; hints && hints->label; hints++) {
        int need;

        keymap_keys(ui, hints->act, nkeys, key, sizeof(key));
        need = (int)strlen(key) + (int)strlen(hints->label) + 2;
        if (x + need > room)
            break;
        x += draw_str(ui, win, y, x, cols - x, key, ui_attr(ui, ROLE_KEYBAR_KEY));
        x += draw_str(ui, win, y, x, cols - x, " ", ui_attr(ui, ROLE_KEYBAR));
        x += draw_str(ui, win, y, x, cols - x, hints->label, ui_attr(ui, ROLE_KEYBAR));
        x += draw_str(ui, win, y, x, cols - x, " ", ui_attr(ui, ROLE_KEYBAR));
    }
    if (more[0]) {
        x = cols - (int)strlen(more);
        x += draw_str(ui, win, y, x, cols - x, more, ui_attr(ui, ROLE_KEYBAR_KEY));
    }
}

static void human_bytes(uint64_t v, char *out, size_t n)
{
    if (v >= (10ull << 20))
        snprintf(out, n, "%" PRIu64 "M", v >> 20);
    else if (v >= (10ull << 10))
        snprintf(out, n, "%" PRIu64 "K", v >> 10);
    else
        snprintf(out, n, "%" PRIu64 "B", v);
}

/* Whatever live capture did not take, beside the drop counters, only
 * when there is some (the summary at exit gives each reason in words). */
static void live_losses(struct strbuf *b, const struct live_counts *lc)
{
    const struct {
        const char *name;
        uint64_t n;
    } l[] = {
        {"hep-rejected", lc->hep[HEP_C_AUTH] + lc->hep[HEP_C_MALFORMED] + lc->hep[HEP_C_NOT_HEP]},
        {"hep-refused", lc->hep[HEP_C_REFUSED_ADDR] + lc->hep[HEP_C_REFUSED_FULL] +
                            lc->hep[HEP_C_EVICTED] + lc->hep[HEP_C_TIMEOUT_FIRST] +
                            lc->hep[HEP_C_TIMEOUT_SLOW]},
        {"rcvbuf", lc->hep[HEP_C_RCVBUF_DROPS]},
        {"paused", lc->paused_skipped},
        {"deep-tunnels", lc->too_deep},
        {"tcp-holes", lc->tcp_gaps},
    };
    size_t i;
    bool any = false;

    for (i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
        if (!l[i].n)
            continue;
        sb_printf(b, "%s %s %" PRIu64, any ? "" : " | lost:", l[i].name, l[i].n);
        any = true;
    }
}

void draw_status(const struct ui *ui, WINDOW *win, int y, const char *view_title)
{
    draw_status_n(ui, win, y, view_title, 0, 0, NULL);
}

void draw_status_n(const struct ui *ui, WINDOW *win, int y, const char *view_title, size_t shown,
                   size_t total, const char *noun)
{
    struct loader_progress p;
    struct live_counts lc;
    struct store_counts sc;
    struct strbuf b;
    char rd[32], tot[32];
    int cols = getmaxx(win), x;

    loader_progress(ui->loader, &p);
    store_counts(ui->store, &sc);
    human_bytes(p.bytes_read, rd, sizeof(rd));
    human_bytes(p.bytes_total, tot, sizeof(tot));
    sb_init(&b);
    loader_live_counts(ui->loader, &lc);
    sb_printf(&b, " %s", view_title);
    if (noun) /* a filter or search narrows the list: say how far, first */
        sb_printf(&b, " | %zu of %zu %s", shown, total, noun);
    if (ui->cfg->ninputs > 0) {
        const char *path = ui->cfg->inputs[0], *slash = strrchr(path, '/');

        sb_puts(&b, " | file ");
        draw_escape(&b, slash ? slash + 1 : path, strlen(slash ? slash + 1 : path));
        if (ui->cfg->ninputs > 1)
            sb_printf(&b, " +%zu", ui->cfg->ninputs - 1);
        if (p.bytes_read < p.bytes_total)
            sb_printf(&b, " | loading %s/%s", rd, tot);
        else
            sb_printf(&b, " | %s read", rd);
    }
    if (lc.active) {
        const struct live_opts *lo = &ui->cfg->live;
        size_t i;

        sb_puts(&b, " | live ");
        for (i = 0; i < lo->nifaces; i++) {
            if (i)
                sb_putc(&b, ',');
            draw_escape(&b, lo->ifaces[i], strlen(lo->ifaces[i]));
        }
        if (lo->hep_listen) {
            sb_puts(&b, i ? ",hep " : "hep ");
            draw_escape(&b, lo->hep_listen, strlen(lo->hep_listen));
        }
        sb_printf(&b, " pkts %" PRIu64 " drops %" PRIu64 "/%" PRIu64 "/%" PRIu64, lc.packets,
                  lc.kernel_drops, lc.if_drops, lc.queue_drops);
        if (lc.duplicates)
            sb_printf(&b, " dup %" PRIu64, lc.duplicates);
        live_losses(&b, &lc);
    }
    {
        /* TLS that could not be read: said where the counts are. */
        uint64_t tr = p.tls_records + lc.tls_records;
        uint64_t td = p.tls_decrypted + lc.tls_decrypted;
        uint64_t tf = p.tls_auth_failed + lc.tls_auth_failed;

        if (tr > td)
            sb_printf(&b, " | TLS %" PRIu64 "/%" PRIu64 " records unread%s%s", tr - td, tr,
                      tf ? " (bad MAC)" : "", td == 0 ? ": no keys, --tls-keylog or HEP" : "");
    }
    sb_printf(&b, " | msgs %" PRIu64 " calls %" PRIu64, sc.messages, sc.calls);
    if (sc.rotated_calls)
        sb_printf(&b, " (rotated %" PRIu64 ")", sc.rotated_calls);
    if (ui->cfg->matcher) /* --match: calls waiting for a match, and dropped */
        sb_printf(&b, " | match: waiting %" PRIu64 " dropped %" PRIu64, sc.pending_calls,
                  sc.unmatched_ended + sc.unmatched_evicted);
    if (ui->paused)
        sb_puts(&b, " | PAUSED");
    if (ui->filter) {
        sb_puts(&b, " | filter: ");
        const char *fs = filter_source(ui->filter);
        draw_escape(&b, fs, strlen(fs));
    }
    if (ui->search[0]) {
        sb_puts(&b, " | search: ");
        draw_escape(&b, ui->search, strlen(ui->search));
    }
    draw_fill(win, y, 0, cols, ui_attr(ui, ROLE_STATUS));
    x = draw_str(ui, win, y, 0, cols, b.s, ui_attr(ui, ROLE_STATUS));
    sb_reset(&b);
    if (ui->notice[0]) {
        sb_printf(&b, " %s ", ui->notice);
    } else if (p.error) {
        sb_puts(&b, " ");
        sb_puts(&b, p.error); /* err_format escaped it */
    }
    if (b.len && x < cols)
        draw_str(ui, win, y, x, cols - x, b.s, ui_attr(ui, ROLE_ERROR));
    sb_fini(&b);
}

/* ---------------------------------------------------------------- SIP text */

static unsigned atoi_safe(const char *s, size_t n)
{
    unsigned v = 0;
    size_t i;

    for (i = 0; i < n && i < 3 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

static bool is_sdp_line(const char *s, size_t n)
{
    return n >= 2 && s[1] == '=' && s[0] >= 'a' && s[0] <= 'z';
}

/* Draws one escaped segment wrapped at w; advances row and col. */
static void put_wrapped(const struct ui *ui, WINDOW *win, int y0, int x0, int h, int w,
                        const char *s, attr_t a, int skip, int *row, int *col)
{
    int cw;
    wchar_t wc;

    while (*s) {
        size_t n = next_char(ui, s, &wc, &cw);
        char one[8];

        if (*col + cw > w) {
            (*row)++;
            *col = 0;
        }
        if (*row >= skip && *row - skip < h) {
            memcpy(one, s, n);
            one[n] = '\0';
            draw_str(ui, win, y0 + *row - skip, x0 + *col, cw, one, a);
        }
        *col += cw;
        s += n;
    }
}

int draw_sip_text(const struct ui *ui, WINDOW *win, int y, int x, int h, int w, const char *text,
                  size_t len, int skip)
{
    struct strbuf e;
    size_t pos = 0;
    int row = 0, col, lineno = 0;
    bool body = false;

    if (w <= 0)
        return 0;
    sb_init(&e);
    while (pos < len) {
        const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - l) : len - pos, k;
        attr_t a = ui_attr(ui, ROLE_DEFAULT);

        pos += ll + (nl ? 1 : 0);
        if (ll && l[ll - 1] == '\r')
            ll--;
        col = 0;
        if (lineno == 0) {
            bool resp = ll > 8 && memcmp(l, "SIP/2.0 ", 8) == 0;
            unsigned code = resp ? atoi_safe(l + 8, ll - 8) : 0;
            a = resp ? ui_attr(ui, ladder_is_failure(code, DIAG_CTX_PLAIN) ? ROLE_SIP_FAILURE
                                                                           : ROLE_SIP_STATUS)
                     : ui_attr(ui, ROLE_SIP_METHOD);
            sb_reset(&e);
            draw_escape(&e, l, ll);
            put_wrapped(ui, win, y, x, h, w, e.s ? e.s : "", a, skip, &row, &col);
        } else if (!body && ll == 0) {
            body = true;
        } else if (!body) {
            for (k = 0; k < ll && l[k] != ':'; k++)
                ;
            if (k < ll && (l[0] != ' ' && l[0] != '\t')) {
                sb_reset(&e);
                draw_escape(&e, l, k + 1);
                put_wrapped(ui, win, y, x, h, w, e.s, ui_attr(ui, ROLE_SIP_HDR), skip, &row, &col);
                sb_reset(&e);
                draw_escape(&e, l + k + 1, ll - k - 1);
            } else {
                sb_reset(&e);
                draw_escape(&e, l, ll);
            }
            put_wrapped(ui, win, y, x, h, w, e.s ? e.s : "", a, skip, &row, &col);
        } else {
            sb_reset(&e);
            draw_escape(&e, l, ll);
            put_wrapped(ui, win, y, x, h, w, e.s ? e.s : "",
                        is_sdp_line(l, ll) ? ui_attr(ui, ROLE_SIP_SDP) : a, skip, &row, &col);
        }
        row++;
        lineno++;
    }
    sb_fini(&e);
    return row;
}

int draw_wrapped(const struct ui *ui, WINDOW *win, int y, int x, int h, int w, const char *text,
                 attr_t a, int skip)
{
    int row = 0, col;
    const char *p = text;

    if (w <= 0)
        return 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xmalloc(n + 1);

        memcpy(line, p, n);
        line[n] = '\0';
        col = 0;
        put_wrapped(ui, win, y, x, h, w, line, a, skip, &row, &col);
        free(line);
        row++;
        p += n + (nl ? 1 : 0);
    }
    return row;
}

/* ---------------------------------------------------------------- calls */

attr_t call_state_attr(const struct ui *ui, const struct store_call *c)
{
    switch (c->state) {
    case CALL_STATE_IN_CALL:
        return ui_attr(ui, ROLE_CALL_INCALL);
    case CALL_STATE_COMPLETED:
    case CALL_STATE_OK:
        return ui_attr(ui, ROLE_CALL_COMPLETED);
    case CALL_STATE_CANCELLED:
        return ui_attr(ui, ROLE_CALL_CANCELLED);
    case CALL_STATE_BUSY:
        return ui_attr(ui, ROLE_CALL_BUSY);
    case CALL_STATE_REJECTED:
    case CALL_STATE_FAILED:
    case CALL_STATE_ERROR:
    case CALL_STATE_UNANSWERED:
        return ui_attr(ui, ROLE_CALL_FAILED);
    case CALL_STATE_DIVERTED:
        return ui_attr(ui, ROLE_CALL_OTHER);
    default:
        return ui_attr(ui, ROLE_CALL_SETUP);
    }
}

void call_status_text(const struct ui *ui, const struct store_call *c, struct strbuf *out)
{
    const struct kb_entry *e = NULL;
    const char *reason = c->final_reason ? c->final_reason : "";

    sb_reset(out);
    if (!c->final_status) {
        if (c->state == CALL_STATE_UNANSWERED) {
            char why[128];

            store_unanswered_text(c, why, sizeof(why));
            sb_puts(out, why);
        }
        return;
    }
    /* What the server said first (a narrow column keeps it), then what it
     * means when that says more than the phrase. */
    sb_printf(out, "%u ", c->final_status);
    draw_escape(out, reason, strlen(reason));
    if (ui->kb)
        e = kb_lookup_response(ui->kb, c->final_status, reason, strlen(reason));
    if (e && e->short_text[0] && !e->is_class && c->final_status >= 300 &&
        strcasecmp(e->short_text, reason) != 0) {
        sb_puts(out, reason[0] ? ": " : "");
        draw_escape(out, e->short_text, strlen(e->short_text));
    }
}

bool draw_list_move(size_t *cur, size_t n, size_t page, enum action a)
{
    switch (a) {
    case ACT_UP:
        if (*cur > 0)
            (*cur)--;
        return true;
    case ACT_DOWN:
        if (*cur + 1 < n)
            (*cur)++;
        return true;
    case ACT_PGUP:
        *cur = *cur > page ? *cur - page : 0;
        return true;
    case ACT_PGDN:
        *cur = *cur + page < n ? *cur + page : (n ? n - 1 : 0);
        return true;
    case ACT_HOME:
        *cur = 0;
        return true;
    case ACT_END:
        *cur = n ? n - 1 : 0;
        return true;
    default:
        return false;
    }
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

void ui_pace_begin(struct ui_pace *p)
{
    clock_gettime(CLOCK_MONOTONIC, &p->started);
}

void ui_pace_end(struct ui_pace *p, uint64_t gen, long factor)
{
    p->gen = gen;
    clock_gettime(CLOCK_MONOTONIC, &p->at);
    p->wait_ms = factor * ms_between(&p->started, &p->at);
    if (p->wait_ms < 1000)
        p->wait_ms = 1000;
}

bool ui_pace_due(struct ui *ui, const struct ui_pace *p)
{
    struct timespec now;

    if (store_gen(ui->store) == p->gen)
        return false;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ms_between(&p->at, &now) >= p->wait_ms)
        return true;
    ui->stale = true;
    return false;
}
