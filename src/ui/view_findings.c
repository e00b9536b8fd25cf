/*
 * view_findings: every finding of the capture (diag.h) by severity, with
 * the selected one's facts, explanation and advice below; Enter opens the
 * ladder of its call with the cursor on the message it points at.  Also
 * the helpers other views use to show findings and responses in context:
 * the call list's marker and Final column (through a per-call cache the
 * call list owns) and the message view's header.
 *
 * UI thread only.  Keeps call ids, never store pointers, across ticks.
 * While a capture loads, the list is recomputed at most once a second and
 * at most a fifth of the time.
 */
#include "ui_int.h"

#include "ladder.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- cache */

struct fc_entry {
    uint64_t id;
    uint32_t nmsgs;        /* messages when computed */
    enum call_state state; /* and its state (it changes without a message:
                              UNANSWERED) */
    enum diag_sev sev;
    char status[240]; /* escaped Final column text */
};

struct findings_cache {
    struct fc_entry *v; /* owned, sorted by id (ids only grow) */
    size_t n, cap;
    struct diag_list tmp;
};

struct findings_cache *findings_cache_new(void)
{
    struct findings_cache *fc = xcalloc(1, sizeof(*fc));

    diag_list_init(&fc->tmp);
    return fc;
}

void findings_cache_free(struct findings_cache *fc)
{
    if (!fc)
        return;
    free(fc->v);
    diag_list_fini(&fc->tmp);
    free(fc);
}

void findings_cache_reset(struct findings_cache *fc)
{
    if (fc)
        fc->n = 0;
}

static void status_text(const struct ui *ui, const struct store_call *c, struct strbuf *out)
{
    uint32_t fm = diag_call_final_msg(c);
    enum diag_ctx ctx;
    struct strbuf bytes;

    call_status_text(ui, c, out);
    if (fm == UINT32_MAX)
        return;
    ctx = diag_response_context(ui->store, c, fm);
    if (ctx != DIAG_CTX_PLAIN)
        sb_printf(out, " [%s]", diag_ctx_label(ctx, ui->kb ? kb_lang(ui->kb) : "en"));
    sb_init(&bytes);
    if (store_msg_bytes(ui->store, &c->msgs[fm], &bytes) == 0 && bytes.s) {
        size_t at = out->len;

        sb_puts(out, "; ");
        if (diag_response_extras(ui->kb, bytes.s, bytes.len, out) == 0) {
            out->len = at;
            out->s[at] = '\0';
        }
    }
    sb_fini(&bytes);
}

static struct fc_entry *fc_get(struct findings_cache *fc, const struct ui *ui,
                               const struct store_call *c)
{
    size_t lo = 0, hi = fc->n;
    struct fc_entry *e = NULL;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (fc->v[mid].id == c->id) {
            e = &fc->v[mid];
            break;
        }
        if (fc->v[mid].id < c->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!e) {
        /* Ids grow, but a call list sorted otherwise asks in any order:
         * insert in place. */
        if (fc->n == fc->cap) {
            fc->cap = fc->cap ? fc->cap * 2 : 256;
            fc->v = xrealloc(fc->v, fc->cap * sizeof(*fc->v));
        }
        memmove(fc->v + lo + 1, fc->v + lo, (fc->n - lo) * sizeof(*fc->v));
        fc->n++;
        e = &fc->v[lo];
        memset(e, 0, sizeof(*e));
        e->id = c->id;
        e->nmsgs = UINT32_MAX;
    }
    if (e->nmsgs != c->nmsgs || e->state != c->state) {
        struct strbuf b;

        diag_list_reset(&fc->tmp);
        e->sev = diag_call(ui->store, c, &fc->tmp);
        sb_init(&b);
        status_text(ui, c, &b);
        snprintf(e->status, sizeof(e->status), "%s", b.s ? b.s : "");
        sb_fini(&b);
        e->nmsgs = c->nmsgs;
        e->state = c->state;
    }
    return e;
}

char findings_call_mark(struct findings_cache *fc, const struct ui *ui, const struct store_call *c)
{
    enum diag_sev s = fc_get(fc, ui, c)->sev;

    return s == DIAG_SEV_PROBLEM ? '!' : s == DIAG_SEV_WARNING ? '?' : ' ';
}

void findings_call_status(struct findings_cache *fc, const struct ui *ui,
                          const struct store_call *c, struct strbuf *out)
{
    sb_reset(out);
    sb_puts(out, fc_get(fc, ui, c)->status);
}

/* ---------------------------------------------------------------- notes */

/* Section labels of the message view's explanation, per language. */
static const char *label(const char *lang, int k)
{
    static const char *const en[] = {
        "Meaning", "Likely causes", "What to check", "Findings of this call", "advice", "evidence"};
    static const char *const ru[] = {
        "Значение", "Вероятные причины", "Что проверить", "Находки по вызову", "совет", "факты"};

    return strncmp(lang, "ru", 2) == 0 ? ru[k] : en[k];
}

static void put_finding(const struct diag_finding *f, const char *lang, struct strbuf *out)
{
    const struct diag_text *t = diag_rule_text(f->rule, lang);

    sb_printf(out, "[%s] %s %s\n", diag_sev_name(f->sev), t->id, t->title);
    if (t->explain && t->explain[0])
        sb_printf(out, "    %s\n", t->explain);
    if (t->advice && t->advice[0])
        sb_printf(out, "    %s: %s\n", label(lang, 4), t->advice);
    sb_printf(out, "    %s: ", label(lang, 5));
    draw_escape(out, f->facts, strlen(f->facts));
    sb_putc(out, '\n');
}

static bool finding_at(const struct diag_finding *f, uint32_t idx)
{
    uint8_t k;

    for (k = 0; k < f->nmsgs; k++)
        if (f->msgs[k] == idx)
            return true;
    return false;
}

void findings_msg_text(const struct ui *ui, const struct store_call *c, uint32_t idx,
                       struct strbuf *out)
{
    const char *lang = ui->kb ? kb_lang(ui->kb) : "en";
    struct diag_list fl;
    size_t i, k;
    int pass;
    bool any = false;

    if (!c || idx >= c->nmsgs)
        return;
    diag_list_init(&fl);
    diag_call(ui->store, c, &fl);
    if (!(c->msgs[idx].flags & STORE_MSG_REQUEST) && c->msgs[idx].status >= 300) {
        /* the note the ladder shows on this arrow (ladder.h), then the
         * whole kb entry: what it means, why it happens, what to check */
        struct strbuf bytes, note;
        struct sip_msg m;
        const struct kb_entry *e = NULL;

        sb_init(&bytes);
        sb_init(&note);
        if (store_msg_parse(ui->store, &c->msgs[idx], &bytes, &m) == 0) {
            e = ladder_explain(ui->kb, m.status, m.buf + m.reason.off, m.reason.len);
            ladder_response_note(ui->store, ui->kb, c, idx, e, &note);
            sip_msg_fini(&m);
        }
        if (note.len)
            sb_printf(out, "%u: %s\n", c->msgs[idx].status, note.s);
        if (e && e->meaning && e->meaning[0]) {
            sb_printf(out, "%s: ", label(lang, 0));
            draw_escape(out, e->meaning, strlen(e->meaning));
            sb_putc(out, '\n');
        }
        for (k = 0; e && k < e->ncauses; k++) {
            if (k == 0)
                sb_printf(out, "%s:\n", label(lang, 1));
            sb_puts(out, "  - ");
            draw_escape(out, e->causes[k], strlen(e->causes[k]));
            sb_putc(out, '\n');
        }
        for (k = 0; e && k < e->nchecks; k++) {
            if (k == 0)
                sb_printf(out, "%s:\n", label(lang, 2));
            sb_puts(out, "  - ");
            draw_escape(out, e->checks[k], strlen(e->checks[k]));
            sb_putc(out, '\n');
        }
        sb_fini(&note);
        sb_fini(&bytes);
    }
    /* the findings pointing at this message first, then the call's others */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < fl.n; i++) {
            if (finding_at(&fl.v[i], idx) != (pass == 0))
                continue;
            if (!any)
                sb_printf(out, "%s:\n", label(lang, 3));
            any = true;
            put_finding(&fl.v[i], lang, out);
        }
    }
    diag_list_fini(&fl);
}

/* ---------------------------------------------------------------- view */

struct findings_state {
    struct diag_list list;
    size_t cur, top;
    struct ui_pace pace; /* rebuilt at most every 1 s, or 5x the last diagnosis */
};

static void rebuild(struct view *v)
{
    struct findings_state *st = v->state;

    ui_pace_begin(&st->pace);
    diag_list_reset(&st->list);
    diag_capture(v->ui->store, &st->list);
    {
        size_t i; /* media findings (RTP-01 .. RTP-07) too */

        for (i = 0; i < store_ncalls(v->ui->store); i++)
            diag_call_media(loader_rtp(v->ui->loader), v->ui->store, store_call_at(v->ui->store, i),
                            &st->list);
    }
    if (st->cur >= st->list.n)
        st->cur = st->list.n ? st->list.n - 1 : 0;
    ui_pace_end(&st->pace, store_gen(v->ui->store), 5);
}

static int findings_open(struct view *v, const void *arg)
{
    struct findings_state *st = xcalloc(1, sizeof(*st));

    (void)arg;
    diag_list_init(&st->list);
    v->state = st;
    rebuild(v);
    return 0;
}

static void findings_close(struct view *v)
{
    struct findings_state *st = v->state;

    diag_list_fini(&st->list);
    free(st);
}

static int list_height(const struct ui *ui)
{
    int h = (ui->rows - 4) * 55 / 100;

    return h > 3 ? h : 3;
}

static void findings_update(struct view *v)
{
    struct findings_state *st = v->state;
    size_t h = (size_t)list_height(v->ui);

    /* While the capture loads: at most once a second, and never more than
     * a fifth of the time (a big capture takes long to diagnose). */
    if (ui_pace_due(v->ui, &st->pace))
        rebuild(v);
    if (st->cur < st->top)
        st->top = st->cur;
    if (st->cur >= st->top + h)
        st->top = st->cur - h + 1;
}

/* Word-wraps s (escaped) into lines of width w from row y; returns the next row. */
static int wrap(const struct ui *ui, WINDOW *win, int y, int x, int w, int ymax, const char *s,
                attr_t a)
{
    size_t len = strlen(s), pos = 0;

    while (pos < len && y < ymax) {
        size_t take = len - pos, cut;

        if ((int)take > w) {
            take = (size_t)w;
            for (cut = take; cut > 0 && s[pos + cut] != ' '; cut--)
                ;
            if (cut > 0)
                take = cut;
        }
        {
            char line[512];
            size_t n = take < sizeof(line) - 1 ? take : sizeof(line) - 1;

            memcpy(line, s + pos, n);
            line[n] = '\0';
            draw_str(ui, win, y++, x, w, line, a);
        }
        pos += take;
        while (pos < len && s[pos] == ' ')
            pos++;
    }
    return y;
}

static void findings_draw(struct view *v, WINDOW *win)
{
    struct findings_state *st = v->state;
    const struct ui *ui = v->ui;
    const char *lang = ui->kb ? kb_lang(ui->kb) : "en";
    int rows = getmaxy(win), width = getmaxx(win), h = list_height(ui), y;
    struct strbuf b;
    size_t i;

    sb_init(&b);
    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    sb_printf(&b, " sipdx - findings (%zu)", st->list.n);
    draw_str(ui, win, 0, 0, width, b.s, ui_attr(ui, ROLE_TITLE));
    draw_fill(win, 1, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
    draw_str(ui, win, 1, 1, width - 1, "Severity Rule       Call  Title / facts",
             ui_attr(ui, ROLE_LIST_HEADER));
    for (i = st->top, y = 2; i < st->list.n && y < 2 + h; i++, y++) {
        const struct diag_finding *f = &st->list.v[i];
        const struct diag_text *t = diag_rule_text(f->rule, lang);
        attr_t a = i == st->cur                 ? ui_attr(ui, ROLE_SEL)
                   : f->sev == DIAG_SEV_PROBLEM ? ui_attr(ui, ROLE_CALL_FAILED)
                   : f->sev == DIAG_SEV_WARNING ? ui_attr(ui, ROLE_KB_HINT)
                                                : ui_attr(ui, ROLE_DEFAULT);

        if (i == st->cur)
            draw_fill(win, y, 0, width, a);
        sb_reset(&b);
        sb_printf(&b, "%-8s %-10s %5" PRIu64 "  %s: ", diag_sev_name(f->sev), t->id, f->call + 1,
                  t->title);
        draw_escape(&b, f->facts, strlen(f->facts));
        draw_str(ui, win, y, 1, width - 2, b.s, a);
    }
    if (!st->list.n)
        draw_str(ui, win, 3, 2, width - 4, "no findings in this capture",
                 ui_attr(ui, ROLE_DEFAULT));
    y = 2 + h;
    draw_hline(ui, win, y++, 0, width, ui_attr(ui, ROLE_FLOW_LINE));
    if (st->cur < st->list.n) {
        const struct diag_finding *f = &st->list.v[st->cur];
        const struct diag_text *t = diag_rule_text(f->rule, lang);
        const struct store_call *c = store_call_get(ui->store, f->call);

        sb_reset(&b);
        sb_printf(&b, "%s %s", t->id, t->title);
        if (c) {
            sb_puts(&b, "  Call-ID: ");
            draw_escape(&b, c->call_id, c->call_id_len);
        }
        draw_str(ui, win, y++, 1, width - 2, b.s, ui_attr(ui, ROLE_FLOW_ENDPOINT));
        sb_reset(&b);
        draw_escape(&b, f->facts, strlen(f->facts));
        y = wrap(ui, win, y, 1, width - 2, rows - 2, b.s, ui_attr(ui, ROLE_KB_HINT));
        y = wrap(ui, win, y, 1, width - 2, rows - 2, t->explain, ui_attr(ui, ROLE_DEFAULT));
        sb_reset(&b);
        sb_printf(&b, "%s %s", strncmp(lang, "ru", 2) == 0 ? "Что делать:" : "Advice:", t->advice);
        wrap(ui, win, y, 1, width - 2, rows - 2, b.s, ui_attr(ui, ROLE_DEFAULT));
    }
    sb_fini(&b);
    draw_status(ui, win, rows - 2, "Findings");
    draw_hints(ui, win, v->ops->hints);
}

static unsigned findings_action(struct view *v, enum action a)
{
    struct findings_state *st = v->state;
    struct ui *ui = v->ui;
    size_t page = (size_t)list_height(ui);

    if (draw_list_move(&st->cur, st->list.n, page, a))
        return UI_HANDLED | UI_REDRAW;
    switch (a) {
    case ACT_ENTER: {
        const struct diag_finding *f;

        if (st->cur >= st->list.n)
            return UI_HANDLED;
        f = &st->list.v[st->cur];
        if (!store_call_get(ui->store, f->call)) {
            ui_notice(ui, "that call was rotated out (--max-memory)");
            return UI_HANDLED | UI_REDRAW;
        }
        if (f->nmsgs)
            ui_push_flow_at(ui, f->call, f->msgs[0]);
        else
            ui_push_flow(ui, &f->call, 1);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_FINDINGS:
        return UI_HANDLED; /* already here */
    default:
        return 0;
    }
}

static const struct key_hint findings_hints[] = {
    {ACT_BACK, "Back"},
    {ACT_ENTER, "Go to call"},
    {ACT_HELP, "Help"},
    {ACT_NONE, NULL},
};

const struct view_ops view_findings_ops = {
    .name = "findings",
    .open = findings_open,
    .close = findings_close,
    .update = findings_update,
    .draw = findings_draw,
    .on_action = findings_action,
    .hints = findings_hints,
};
