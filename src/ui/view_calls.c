/*
 * view_calls: the first screen, one row per call (sngrep's call list).
 * Columns: index, start, kind, from, to, src, dst, messages, state, final
 * status (kb short meaning), duration.  Sortable, searchable (/), filtered
 * (F7), Space marks calls, Enter opens the ladder, D the findings.  The
 * second column marks calls with findings ('!' problem, '?' warning) and
 * the Final column reads the response in its flow (view_findings.c).
 * The config file chooses the columns and their order, including header
 * columns (header:User-Agent: the value in the call's first message,
 * re-read once and cached per call), and endpoint aliases replace
 * addresses in Source/Destination.
 * UI thread only.  Keeps call ids, never store pointers, across ticks.
 */
#include "ui_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col {
    COL_IDX,
    COL_START,
    COL_KIND,
    COL_FROM,
    COL_TO,
    COL_SRC,
    COL_DST,
    COL_MSGS,
    COL_STATE,
    COL_STATUS,
    COL_DUR,
    COL_HEADER,
    COL__COUNT
};

static const struct {
    const char *title;
    int width; /* preferred width; FROM/TO/STATUS grow */
    int prio;  /* lower = dropped last when the screen is narrow */
} cols[COL__COUNT] = {
    [COL_IDX] = {"Idx", 4, 0},          [COL_START] = {"Start", 12, 3},
    [COL_KIND] = {"Method", 9, 1},      [COL_FROM] = {"From", 14, 0},
    [COL_TO] = {"To", 14, 0},           [COL_SRC] = {"Source", 21, 5},
    [COL_DST] = {"Destination", 21, 6}, [COL_MSGS] = {"Msgs", 4, 4},
    [COL_STATE] = {"State", 10, 0},     [COL_STATUS] = {"Final", 22, 0},
    [COL_DUR] = {"Duration", 8, 2},     [COL_HEADER] = {"", 16, 3},
};

/* settings.h column -> ours (same order). */
static const enum col from_settings[SET_COL__COUNT] = {
    [SET_COL_INDEX] = COL_IDX,     [SET_COL_START] = COL_START,  [SET_COL_METHOD] = COL_KIND,
    [SET_COL_FROM] = COL_FROM,     [SET_COL_TO] = COL_TO,        [SET_COL_SRC] = COL_SRC,
    [SET_COL_DST] = COL_DST,       [SET_COL_MSGS] = COL_MSGS,    [SET_COL_STATE] = COL_STATE,
    [SET_COL_STATUS] = COL_STATUS, [SET_COL_DURATION] = COL_DUR, [SET_COL_HEADER] = COL_HEADER,
};

#define MAX_ACOLS SETTINGS_MAX_COLUMNS

/* A shown column: a built-in one, or header number hdr (into hdr_names). */
struct acol {
    enum col k;
    int hdr;
};

/* Header values of one call (cache entry; ids increase). */
struct hdr_cache {
    uint64_t id;
    char *val[MAX_ACOLS]; /* owned, escaped; "" when absent */
};

struct row {
    uint64_t id;
    size_t pos; /* creation order (index column) */
};

struct filt_cache {
    uint64_t id;
    uint32_t nmsgs; /* messages checked */
    bool match;
};

struct calls_state {
    struct row *rows; /* owned: visible rows, sorted */
    size_t nrows, cap;
    size_t cur, top;
    uint64_t *marked; /* owned: ids marked with Space */
    size_t nmarked, mcap;
    enum col sort;
    bool rev;
    uint64_t built_gen, built_list;
    struct filt_cache *fc; /* owned: filter results by call id (ids increase) */
    size_t nfc, fccap;
    uint64_t fc_gen;               /* ui->list_gen fc was computed for */
    uint64_t cur_id;               /* keeps the cursor on its call across rebuilds */
    struct findings_cache *fcache; /* owned: per-call diagnosis */
    struct acol ac[MAX_ACOLS];     /* the columns shown, in order */
    int nac;
    const char *hdr_names[MAX_ACOLS]; /* borrowed from ui->settings */
    int nhdr;
    struct hdr_cache *hc; /* owned: header values by call id */
    size_t nhc, hccap;
    uint64_t clears; /* ui->clears this state belongs to */
};

/* ---------------------------------------------------------------- cells */

static void fmt_dur(int64_t ns, char *out, size_t n)
{
    int64_t s = ns / 1000000000;

    if (ns <= 0)
        snprintf(out, n, "-");
    else if (s >= 3600)
        snprintf(out, n, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
    else
        snprintf(out, n, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

static int64_t call_duration(const struct store_call *c)
{
    if (c->answer_ts && c->end_ts > c->answer_ts)
        return c->end_ts - c->answer_ts;
    if (c->answer_ts)
        return c->last_ts - c->answer_ts;
    return 0;
}

static struct hdr_cache *hc_find(const struct calls_state *st, uint64_t id)
{
    size_t lo = 0, hi = st->nhc;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->hc[mid].id == id)
            return &st->hc[mid];
        if (st->hc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Re-reads the call's first message once and keeps the values of the
 * header columns (first occurrence; compact forms count). */
static void hc_fill(const struct ui *ui, struct calls_state *st, const struct store_call *c,
                    struct strbuf *tmp)
{
    struct hdr_cache e;
    struct sip_msg m;
    int h;
    size_t i;

    size_t pos;

    if (!st->nhdr || hc_find(st, c->id))
        return;
    memset(&e, 0, sizeof(e));
    e.id = c->id;
    if (!c->nmsgs) {
        for (h = 0; h < st->nhdr; h++)
            e.val[h] = xstrdup("");
    } else if (store_msg_parse(ui->store, &c->msgs[0], tmp, &m) == 0) {
        for (h = 0; h < st->nhdr; h++) {
            const char *name = st->hdr_names[h];
            enum sip_hdr_id id = sip_hdr_lookup(name, strlen(name));
            struct strbuf v;

            sb_init(&v);
            for (i = 0; i < m.nhdrs; i++) {
                const struct sip_hdr *x = &m.hdrs[i];

                if (id != SIP_HDR_OTHER ? x->id == (uint16_t)id
                                        : mem_ieq(m.buf + x->name.off, x->name.len, name)) {
                    draw_escape(&v, m.buf + x->value.off, x->value.len);
                    break;
                }
            }
            e.val[h] = v.s ? v.s : xstrdup("");
        }
        sip_msg_fini(&m);
    } else {
        sip_msg_fini(&m); /* defined even when the read failed */
        for (h = 0; h < st->nhdr; h++)
            e.val[h] = xstrdup("");
    }
    if (st->nhc == st->hccap) {
        st->hccap = st->hccap ? st->hccap * 2 : 64;
        st->hc = xrealloc(st->hc, st->hccap * sizeof(*st->hc));
    }
    /* keep the array sorted by id (rows come in any sort order) */
    for (pos = st->nhc; pos > 0 && st->hc[pos - 1].id > c->id; pos--)
        ;
    memmove(&st->hc[pos + 1], &st->hc[pos], (st->nhc - pos) * sizeof(*st->hc));
    st->hc[pos] = e;
    st->nhc++;
}

static void hc_clear(struct calls_state *st)
{
    size_t i;
    int h;

    for (i = 0; i < st->nhc; i++)
        for (h = 0; h < st->nhdr; h++)
            free(st->hc[i].val[h]);
    st->nhc = 0;
}

/* The cell text, escaped (out is reset).  fc may be NULL (no context);
 * hdr is the header column's number for COL_HEADER. */
static void cell(const struct ui *ui, const struct calls_state *st, struct findings_cache *fc,
                 const struct store_call *c, size_t pos, enum col k, int hdr, struct strbuf *out)
{
    char buf[96];

    sb_reset(out);
    switch (k) {
    case COL_HEADER: {
        const struct hdr_cache *e = hc_find(st, c->id);

        if (e && hdr >= 0 && hdr < st->nhdr)
            sb_puts(out, e->val[hdr]);
        break;
    }
    case COL_IDX:
        sb_printf(out, "%zu", pos + 1);
        break;
    case COL_START: {
        char t[64];
        fmt_time_utc(c->first_ts, t, sizeof(t));
        /* "YYYY-MM-DD HH:MM:SS.uuuuuu" -> "HH:MM:SS.mmm" */
        sb_append(out, strlen(t) >= 23 ? t + 11 : t, strlen(t) >= 23 ? 12 : strlen(t));
        break;
    }
    case COL_KIND:
        sb_puts(out, call_kind_name(c->kind));
        break;
    case COL_FROM:
        draw_escape(out, c->from_user, strlen(c->from_user));
        break;
    case COL_TO:
        draw_escape(out, c->to_user, strlen(c->to_user));
        break;
    case COL_SRC:
    case COL_DST: {
        const struct cap_addr *a = store_endpoint(ui->store, k == COL_SRC ? c->src_ep : c->dst_ep);
        if (a) {
            ui_endpoint_name(ui, a, false, buf, sizeof(buf));
            sb_puts(out, buf);
        }
        break;
    }
    case COL_MSGS:
        sb_printf(out, "%u", c->nmsgs);
        break;
    case COL_STATE:
        sb_puts(out, call_state_name(c->state));
        break;
    case COL_STATUS:
        if (fc)
            findings_call_status(fc, ui, c, out);
        else
            call_status_text(ui, c, out);
        break;
    case COL_DUR:
        fmt_dur(call_duration(c), buf, sizeof(buf));
        sb_puts(out, buf);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------- filter */

/* A call matches when one of its messages does (index fields are served
 * without re-reading bytes: filter/store_subject.c). */
static bool call_matches(const struct ui *ui, const struct store_call *c, struct strbuf *tmp)
{
    return filter_match_call(ui->filter, ui->store, c, tmp);
}

static struct filt_cache *fc_find(struct calls_state *st, uint64_t id)
{
    size_t lo = 0, hi = st->nfc;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->fc[mid].id == id)
            return &st->fc[mid];
        if (st->fc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (st->nfc && st->fc[st->nfc - 1].id > id)
        return NULL; /* ids only grow: an older id missing from the cache */
    if (st->nfc == st->fccap) {
        st->fccap = st->fccap ? st->fccap * 2 : 256;
        st->fc = xrealloc(st->fc, st->fccap * sizeof(*st->fc));
    }
    st->fc[st->nfc].id = id;
    st->fc[st->nfc].nmsgs = 0;
    st->fc[st->nfc].match = false;
    return &st->fc[st->nfc++];
}

static bool filter_ok(const struct ui *ui, struct calls_state *st, const struct store_call *c,
                      struct strbuf *tmp)
{
    struct filt_cache *e;

    if (!ui->filter)
        return true;
    if (st->fc_gen != ui->list_gen) {
        st->nfc = 0;
        st->fc_gen = ui->list_gen;
    }
    e = fc_find(st, c->id);
    if (!e)
        return call_matches(ui, c, tmp);
    /* Call-level fields change as messages arrive: re-check a call that
     * did not match; a match stays (messages are never removed). */
    if (!e->match && e->nmsgs != c->nmsgs) {
        e->match = call_matches(ui, c, tmp);
        e->nmsgs = c->nmsgs;
    }
    return e->match;
}

static bool has_text(const char *hay, size_t n, const char *needle, size_t nn)
{
    size_t i;

    for (i = 0; hay && i + nn <= n; i++)
        if (strncasecmp(hay + i, needle, nn) == 0)
            return true;
    return false;
}

/* `/` finds a call by anything known about it without re-reading its
 * messages: every column (the Final column holds the reason phrase as
 * sent and its meaning), the Call-ID and the X-Call-ID it points at, the
 * User-Agent, every address:port its messages went between (and its
 * endpoint aliases). */
static bool search_ok(const struct ui *ui, const struct calls_state *st, const struct store_call *c,
                      size_t pos, struct strbuf *tmp)
{
    const char *q = ui->search;
    size_t n = strlen(q), i;
    uint32_t seen[16], nseen = 0, k2;
    int k;
    char buf[96];

    if (!n)
        return true;
    if (has_text(c->call_id, c->call_id_len, q, n) ||
        (c->xcall_id && has_text(c->xcall_id, strlen(c->xcall_id), q, n)) ||
        (c->user_agent && has_text(c->user_agent, strlen(c->user_agent), q, n)) ||
        (c->final_reason && has_text(c->final_reason, strlen(c->final_reason), q, n)))
        return true;
    for (k = 0; k < st->nac; k++) {
        cell(ui, st, NULL, c, pos, st->ac[k].k, st->ac[k].hdr, tmp);
        if (has_text(tmp->s, tmp->len, q, n))
            return true;
    }
    for (i = 0; i < c->nmsgs; i++) {
        uint32_t ep[2] = {c->msgs[i].src_ep, c->msgs[i].dst_ep};

        for (int j = 0; j < 2; j++) {
            bool dup = false;

            for (k2 = 0; k2 < nseen; k2++)
                dup |= seen[k2] == ep[j];
            if (dup)
                continue;
            if (nseen < 16)
                seen[nseen++] = ep[j];
            ui_endpoint_name(ui, store_endpoint(ui->store, ep[j]), false, buf, sizeof(buf));
            if (has_text(buf, strlen(buf), q, n))
                return true;
            cap_addr_format(store_endpoint(ui->store, ep[j]), true, buf, sizeof(buf));
            if (has_text(buf, strlen(buf), q, n))
                return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- sort */

struct sort_ctx {
    const struct ui *ui;
    enum col col;
    bool rev;
};

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int row_cmp(const struct sort_ctx *sc, const struct row *x, const struct row *y)
{
    const struct store_call *a = store_call_get(sc->ui->store, x->id);
    const struct store_call *b = store_call_get(sc->ui->store, y->id);
    int r = 0;

    if (!a || !b)
        return cmp_i64((int64_t)x->pos, (int64_t)y->pos);
    switch (sc->col) {
    case COL_START:
        r = cmp_i64(a->first_ts, b->first_ts);
        break;
    case COL_KIND:
        r = strcmp(call_kind_name(a->kind), call_kind_name(b->kind));
        break;
    case COL_FROM:
        r = strcmp(a->from_user, b->from_user);
        break;
    case COL_TO:
        r = strcmp(a->to_user, b->to_user);
        break;
    case COL_MSGS:
        r = cmp_i64(a->nmsgs, b->nmsgs);
        break;
    case COL_STATE:
        r = strcmp(call_state_name(a->state), call_state_name(b->state));
        break;
    case COL_STATUS:
        r = cmp_i64(a->final_status, b->final_status);
        break;
    case COL_DUR:
        r = cmp_i64(call_duration(a), call_duration(b));
        break;
    default:
        break;
    }
    if (r == 0)
        r = cmp_i64((int64_t)x->pos, (int64_t)y->pos);
    return sc->rev ? -r : r;
}

/* Insertion-merge sort without a global context (qsort has no ctx arg). */
static void sort_rows(const struct sort_ctx *sc, struct row *r, size_t n, struct row *tmp)
{
    size_t mid, i, j, k;

    if (n < 2)
        return;
    mid = n / 2;
    sort_rows(sc, r, mid, tmp);
    sort_rows(sc, r + mid, n - mid, tmp);
    for (i = 0, j = mid, k = 0; i < mid || j < n;) {
        if (j >= n || (i < mid && row_cmp(sc, &r[i], &r[j]) <= 0))
            tmp[k++] = r[i++];
        else
            tmp[k++] = r[j++];
    }
    memcpy(r, tmp, n * sizeof(*r));
}

static void rebuild(struct view *v)
{
    struct calls_state *st = v->state;
    const struct ui *ui = v->ui;
    size_t n = store_ncalls(ui->store), i;
    struct strbuf tmp;
    struct sort_ctx sc = {ui, st->sort, st->rev};
    struct row *scratch;

    if (st->nrows && st->cur < st->nrows)
        st->cur_id = st->rows[st->cur].id;
    if (n > st->cap) {
        st->cap = n;
        st->rows = xrealloc(st->rows, st->cap * sizeof(*st->rows));
    }
    sb_init(&tmp);
    st->nrows = 0;
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(ui->store, i);
        if (!c || !filter_ok(ui, st, c, &tmp) || !search_ok(ui, st, c, i, &tmp))
            continue;
        st->rows[st->nrows].id = c->id;
        st->rows[st->nrows].pos = i;
        st->nrows++;
    }
    sb_fini(&tmp);
    if (st->sort != COL_IDX || st->rev) {
        scratch = xmalloc((st->nrows ? st->nrows : 1) * sizeof(*scratch));
        sort_rows(&sc, st->rows, st->nrows, scratch);
        free(scratch);
    }
    st->cur = 0;
    for (i = 0; i < st->nrows; i++) {
        if (st->rows[i].id == st->cur_id) {
            st->cur = i;
            break;
        }
    }
    st->built_gen = store_gen(ui->store);
    st->built_list = ui->list_gen;
}

/* ---------------------------------------------------------------- view */

static bool is_marked(const struct calls_state *st, uint64_t id)
{
    size_t i;

    for (i = 0; i < st->nmarked; i++)
        if (st->marked[i] == id)
            return true;
    return false;
}

static int calls_open(struct view *v, const void *arg)
{
    struct calls_state *st = xcalloc(1, sizeof(struct calls_state));
    const struct settings *set = &v->ui->settings;
    size_t i;

    (void)arg;
    st->built_gen = ~0ull;
    st->fcache = findings_cache_new();
    if (set->ncolumns) {
        for (i = 0; i < set->ncolumns && st->nac < MAX_ACOLS; i++) {
            st->ac[st->nac].k = from_settings[set->columns[i].col];
            st->ac[st->nac].hdr = -1;
            if (set->columns[i].col == SET_COL_HEADER) {
                st->hdr_names[st->nhdr] = set->columns[i].header;
                st->ac[st->nac].hdr = st->nhdr++;
            }
            st->nac++;
        }
    } else {
        /* Final last: it runs to the edge with the reason and meaning */
        static const enum col def[] = {COL_IDX, COL_START, COL_KIND, COL_FROM,  COL_TO,    COL_SRC,
                                       COL_DST, COL_MSGS,  COL_DUR,  COL_STATE, COL_STATUS};

        for (i = 0; i < sizeof(def) / sizeof(def[0]); i++) {
            st->ac[st->nac].k = def[i];
            st->ac[st->nac++].hdr = -1;
        }
    }
    v->state = st;
    return 0;
}

static void calls_close(struct view *v)
{
    struct calls_state *st = v->state;

    free(st->rows);
    free(st->marked);
    free(st->fc);
    hc_clear(st);
    free(st->hc);
    findings_cache_free(st->fcache);
    free(st);
}

static void calls_update(struct view *v)
{
    struct calls_state *st = v->state;

    if (st->clears != v->ui->clears) { /* F5: a new store numbers calls from the start */
        findings_cache_reset(st->fcache);
        hc_clear(st);
        st->nmarked = 0;
        st->nrows = st->cur = st->top = 0;
        st->nfc = 0;
        st->clears = v->ui->clears;
        st->built_gen = ~0ull;
    }

    size_t list_h = v->ui->rows > 4 ? (size_t)v->ui->rows - 4 : 1;

    if (st->built_gen != store_gen(v->ui->store) || st->built_list != v->ui->list_gen)
        rebuild(v);
    /* keep the cursor visible */
    if (st->cur < st->top)
        st->top = st->cur;
    if (st->cur >= st->top + list_h)
        st->top = st->cur - list_h + 1;
    /* header columns: read the visible calls' first messages once */
    if (st->nhdr) {
        struct strbuf tmp;
        size_t i;

        sb_init(&tmp);
        for (i = st->top; i < st->nrows && i < st->top + list_h; i++) {
            const struct store_call *c = store_call_get(v->ui->store, st->rows[i].id);

            if (c)
                hc_fill(v->ui, st, c, &tmp);
        }
        sb_fini(&tmp);
    }
}

/* Which of the shown columns fit and how wide each is (w[i] for st->ac[i],
 * 0 = dropped).  need[i] is the widest cell on screen (title included):
 * the columns are as wide as what they show, so short extensions leave
 * their room to Final, which shows the status as the server sent it and
 * then its meaning.  When the screen is narrow the least useful columns
 * go first (Destination, Source, Msgs, Start, Duration, Method), then
 * Final and From/To shrink, then columns go from the right. */
static void layout_cols(const struct calls_state *st, int width, const int *need, int *w)
{
    int used = 0, i, prio, spare;

    for (i = 0; i < st->nac; i++) {
        enum col k = st->ac[i].k;

        w[i] = need[i];
        if (k == COL_STATUS) /* room for "503 Service Unavailable: ..."; grows below */
            w[i] = w[i] < 24 ? 24 : w[i] > 32 ? 32 : w[i];
        else if ((k == COL_FROM || k == COL_TO) && w[i] > 24)
            w[i] = 24;
        else if ((k == COL_SRC || k == COL_DST) && w[i] > cols[k].width)
            w[i] = cols[k].width;
        else if (k == COL_HEADER && w[i] > cols[k].width)
            w[i] = cols[k].width;
        used += w[i] + 1;
    }
    for (prio = 6; prio > 0 && used > width; prio--) {
        for (i = st->nac - 1; i >= 0 && used > width; i--) {
            if (cols[st->ac[i].k].prio == prio && w[i]) {
                used -= w[i] + 1;
                w[i] = 0;
            }
        }
    }
    /* Still too wide: Final down to 16, From/To down to 6. */
    for (bool any = true; used > width && any;) {
        any = false;
        for (i = 0; i < st->nac && used > width; i++) {
            enum col k = st->ac[i].k;
            int min = k == COL_STATUS ? 16 : 6;

            if ((k == COL_STATUS || k == COL_FROM || k == COL_TO || k == COL_HEADER) &&
                w[i] > min) {
                w[i]--;
                used--;
                any = true;
            }
        }
    }
    /* Then drop columns from the right. */
    for (i = st->nac - 1; i > 0 && used > width; i--) {
        if (w[i]) {
            used -= w[i] + 1;
            w[i] = 0;
        }
    }
    /* Final cut short: Destination, Source and Msgs give it their room. */
    for (prio = 6; prio >= 4; prio--) {
        for (i = 0; i < st->nac; i++) {
            int f;

            for (f = 0; f < st->nac && st->ac[f].k != COL_STATUS; f++)
                ;
            if (f == st->nac || !w[f] || w[f] + (width - used) >= need[f] || w[f] >= 60)
                break;
            if (cols[st->ac[i].k].prio == prio && w[i]) {
                used -= w[i] + 1;
                w[i] = 0;
            }
        }
    }
    /* Room left: Final first (the reason phrase and the meaning), then the
     * rest up to what they need. */
    spare = width - used;
    for (i = 0; i < st->nac && spare > 0; i++) {
        if (w[i] && st->ac[i].k == COL_STATUS) {
            int grow = need[i] > w[i] ? need[i] - w[i] : 0;

            grow = grow < spare ? grow : spare;
            w[i] += grow;
            spare -= grow;
        }
    }
    for (i = 0; i < st->nac && spare > 0; i++) {
        if (w[i] && need[i] > w[i]) {
            int grow = need[i] - w[i] < spare ? need[i] - w[i] : spare;

            w[i] += grow;
            spare -= grow;
        }
    }
    for (i = 0; i < st->nac && spare > 0; i++) {
        if (w[i] && st->ac[i].k == COL_STATUS) {
            w[i] += spare; /* the last cell runs to the edge */
            spare = 0;
        }
    }
}

/* The widest cell of each shown column over the rows on screen. */
static void content_widths(struct calls_state *st, const struct ui *ui, size_t list_h, int *need)
{
    struct strbuf b;
    size_t i;
    int k;
    char t[64];

    sb_init(&b);
    for (k = 0; k < st->nac; k++) {
        enum col c = st->ac[k].k;

        snprintf(t, sizeof(t), "%s^",
                 c == COL_HEADER ? st->hdr_names[st->ac[k].hdr] : cols[c].title);
        need[k] = draw_width(ui, t);
        if (c == COL_IDX) { /* as wide as the largest index, so the digits never cut */
            int d = 1;

            for (size_t n = store_ncalls(ui->store); n >= 10; n /= 10)
                d++;
            need[k] = need[k] > d ? need[k] : d;
        }
    }
    for (i = st->top; i < st->nrows && i < st->top + list_h; i++) {
        const struct store_call *c = store_call_get(ui->store, st->rows[i].id);

        if (!c)
            continue;
        for (k = 0; k < st->nac; k++) {
            int cw;

            if (st->ac[k].k == COL_IDX)
                continue;
            cell(ui, st, st->fcache, c, st->rows[i].pos, st->ac[k].k, st->ac[k].hdr, &b);
            cw = draw_width(ui, b.s ? b.s : "");
            if (cw > need[k])
                need[k] = cw;
        }
    }
    sb_fini(&b);
}

static void calls_draw(struct view *v, WINDOW *win)
{
    struct calls_state *st = v->state;
    const struct ui *ui = v->ui;
    int rows = getmaxy(win), width = getmaxx(win);
    int w[MAX_ACOLS], need[MAX_ACOLS], k, x, y, list_h = rows - 3;
    struct strbuf b;
    size_t i;
    char title[160];

    content_widths(st, ui, list_h > 0 ? (size_t)list_h : 1, need);
    layout_cols(st, width - 2, need, w);
    sb_init(&b);
    /* row 0: title */
    draw_fill(win, 0, 0, width, ui_attr(ui, ROLE_TITLE));
    snprintf(title, sizeof(title), " sipdx %s - calls", SIPDX_VERSION);
    draw_str(ui, win, 0, 0, width, title, ui_attr(ui, ROLE_TITLE));
    if (st->nmarked) {
        snprintf(title, sizeof(title), "%zu marked ", st->nmarked);
        draw_str(ui, win, 0, width - (int)strlen(title), (int)strlen(title), title,
                 ui_attr(ui, ROLE_TITLE));
    }
    /* row 1: column headers */
    draw_fill(win, 1, 0, width, ui_attr(ui, ROLE_LIST_HEADER));
    for (k = 0, x = 2; k < st->nac; k++) {
        enum col c = st->ac[k].k;

        if (!w[k])
            continue;
        snprintf(title, sizeof(title), "%s%s",
                 c == COL_HEADER ? st->hdr_names[st->ac[k].hdr] : cols[c].title,
                 c == st->sort && c != COL_HEADER ? (st->rev ? "v" : "^") : "");
        sb_reset(&b);
        draw_escape(&b, title, strlen(title));
        draw_str(ui, win, 1, x, w[k], b.s ? b.s : "", ui_attr(ui, ROLE_LIST_HEADER));
        x += w[k] + 1;
    }
    if (list_h < 1)
        list_h = 1;
    for (i = st->top, y = 2; i < st->nrows && y < 2 + list_h; i++, y++) {
        const struct store_call *c = store_call_get(ui->store, st->rows[i].id);
        bool sel = i == st->cur, mk;
        attr_t a;

        if (!c)
            continue;
        mk = is_marked(st, c->id);
        a = sel ? ui_attr(ui, ROLE_SEL) : call_state_attr(ui, c);
        if (sel)
            draw_fill(win, y, 0, width, a);
        {
            char m2[3] = {mk ? '*' : ' ', findings_call_mark(st->fcache, ui, c), '\0'};

            draw_str(ui, win, y, 0, 2, m2, sel ? a : ui_attr(ui, ROLE_MARK));
        }
        for (k = 0, x = 2; k < st->nac; k++) {
            if (!w[k])
                continue;
            cell(ui, st, st->fcache, c, st->rows[i].pos, st->ac[k].k, st->ac[k].hdr, &b);
            draw_str(ui, win, y, x, w[k], b.s ? b.s : "", a);
            x += w[k] + 1;
        }
    }
    if (st->nrows == 0)
        draw_str(ui, win, 3, 2, width - 4,
                 ui->filter || ui->search[0] ? "no call matches the filter/search" : "no calls yet",
                 ui_attr(ui, ROLE_DEFAULT));
    sb_fini(&b);
    if (ui->filter || ui->search[0])
        draw_status_n(ui, win, rows - 2, "Calls", st->nrows, store_ncalls(ui->store), "calls");
    else
        draw_status(ui, win, rows - 2, "Calls");
    draw_hints(ui, win, v->ops->hints);
}

static void mark_toggle(struct calls_state *st, uint64_t id)
{
    size_t i;

    for (i = 0; i < st->nmarked; i++) {
        if (st->marked[i] == id) {
            st->marked[i] = st->marked[--st->nmarked];
            return;
        }
    }
    if (st->nmarked == st->mcap) {
        st->mcap = st->mcap ? st->mcap * 2 : 16;
        st->marked = xrealloc(st->marked, st->mcap * sizeof(*st->marked));
    }
    st->marked[st->nmarked++] = id;
}

/* n / N: the next (previous) failed call in the list's order, wrapping
 * around: call.failed, as the filter and the statistics count it. */
static unsigned next_failed(struct view *v, bool down)
{
    struct calls_state *st = v->state;
    size_t k, i;

    for (k = 1; k <= st->nrows; k++) {
        const struct store_call *c;

        i = down ? (st->cur + k) % st->nrows : (st->cur + st->nrows - k) % st->nrows;
        c = store_call_get(v->ui->store, st->rows[i].id);
        if (c && filter_call_failed(c)) {
            if (down ? i <= st->cur : i >= st->cur)
                ui_notice(v->ui, "%s",
                          down ? "wrapped to the first failed call"
                               : "wrapped to the last failed call");
            st->cur = i;
            return UI_HANDLED | UI_REDRAW;
        }
    }
    ui_notice(v->ui, "no failed call in the list");
    return UI_HANDLED | UI_REDRAW;
}

static unsigned calls_action(struct view *v, enum action a)
{
    struct calls_state *st = v->state;
    struct ui *ui = v->ui;
    size_t page = ui->rows > 6 ? (size_t)ui->rows - 4 : 1;

    if (draw_list_move(&st->cur, st->nrows, page, a))
        return UI_HANDLED | UI_REDRAW;
    switch (a) {
    case ACT_SELECT:
        if (st->cur < st->nrows) {
            mark_toggle(st, st->rows[st->cur].id);
            if (st->cur + 1 < st->nrows)
                st->cur++;
        }
        return UI_HANDLED | UI_REDRAW;
    case ACT_ENTER: {
        size_t n = st->nmarked ? st->nmarked : (st->cur < st->nrows ? 1 : 0);
        const struct store_call *c =
            n == 1 && !st->nmarked ? store_call_get(ui->store, st->rows[st->cur].id) : NULL;

        if (!n)
            return UI_HANDLED;
        /* One call: every leg of it (legs.h), the B2BUA in the middle; a
         * failed call opens on its failure: Enter again explains it (the
         * fix two keys from the list). */
        if (st->nmarked)
            ui_push_flow(ui, st->marked, n);
        else if (c && filter_call_failed(c) && diag_call_final_msg(c) != UINT32_MAX)
            ui_push_call_legs(ui, c->id, true, diag_call_final_msg(c));
        else
            ui_push_call_legs(ui, st->rows[st->cur].id, false, 0);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_COMPARE: {
        struct compare_arg ca;

        memset(&ca, 0, sizeof(ca));
        if (st->nmarked == 2) {
            /* the failed one against the other */
            const struct store_call *c0 = store_call_get(ui->store, st->marked[0]);
            bool first_failed = c0 && c0->answer_ts == 0;

            ca.failed = st->marked[first_failed ? 0 : 1];
            ca.good = st->marked[first_failed ? 1 : 0];
            ca.has_good = true;
        } else if (st->cur < st->nrows) {
            ca.failed = st->rows[st->cur].id;
        } else {
            return UI_HANDLED;
        }
        ui_push_compare(ui, &ca);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_SEARCH:
        ui_push_prompt(ui, PROMPT_SEARCH);
        return UI_HANDLED | UI_REDRAW;
    case ACT_SORT:
        do {
            st->sort = (enum col)((st->sort + 1) % COL_HEADER);
        } while (st->sort == COL_SRC || st->sort == COL_DST);
        ui_notice(ui, "sorted by %s", cols[st->sort].title);
        st->built_gen = ~0ull;
        return UI_HANDLED | UI_REDRAW;
    case ACT_SORT_REV:
        st->rev = !st->rev;
        st->built_gen = ~0ull;
        return UI_HANDLED | UI_REDRAW;
    case ACT_FINDINGS:
        ui_push(ui, &view_findings_ops);
        return UI_HANDLED | UI_REDRAW;
    case ACT_SAVE: {
        /* the marked calls, and the visible rows' ids */
        uint64_t *vis = xmalloc((st->nrows + 1) * sizeof(*vis));
        size_t i;

        for (i = 0; i < st->nrows; i++)
            vis[i] = st->rows[i].id;
        ui_push_save(ui, st->marked, st->nmarked, vis, st->nrows);
        free(vis);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_NEXT:
    case ACT_PREV:
        return next_failed(v, a == ACT_NEXT);
    case ACT_EXPORT: /* the marked calls, else the one under the cursor */
        if (st->nmarked)
            ui_push_export(ui, st->marked, st->nmarked);
        else if (st->nrows)
            ui_push_export(ui, &st->rows[st->cur].id, 1);
        return UI_HANDLED | UI_REDRAW;
    case ACT_COPY: {
        const struct store_call *c =
            st->nrows ? store_call_get(ui->store, st->rows[st->cur].id) : NULL;

        if (c)
            copy_call_id(ui, c);
        return UI_HANDLED | UI_REDRAW;
    }
    default:
        return 0;
    }
}

/* What matters first: a narrow key bar keeps the front (draw_hints). */
static const struct key_hint calls_hints[] = {
    {ACT_BACK, "Quit"},      {ACT_ENTER, "Flow"},    {ACT_FINDINGS, "Findings"},
    {ACT_FILTER, "Filter"},  {ACT_SEARCH, "Search"}, {ACT_SAVE, "Save"},
    {ACT_NEXT, "Next fail"}, {ACT_SELECT, "Mark"},   {ACT_SORT, "Sort"},
    {ACT_CLEAR, "Clear"},    {ACT_PAUSE, "Pause"},   {ACT_HELP, "Help"},
    {ACT_NONE, NULL},
};

const struct view_ops view_calls_ops = {
    .name = "calls",
    .open = calls_open,
    .close = calls_close,
    .update = calls_update,
    .draw = calls_draw,
    .on_action = calls_action,
    .hints = calls_hints,
};
