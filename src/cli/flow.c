/*
 * flow: `--flow CALL-ID`, one call (and its B-legs) as a text ladder: one
 * column per endpoint, one arrow per message with its time and the delta
 * from the previous message.  Message bytes are re-read from the capture
 * on demand (store_msg_bytes).  Main thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "filter.h"
#include "legs.h"

#define COL_W   26 /* width of one lane */
#define LEFT    27 /* time + delta prefix */
#define MAX_EPS 64 /* lanes drawn at most */

struct flow_row {
    const struct store_call *call;
    const struct store_msg *msg;
};

static int row_cmp(const void *a, const void *b)
{
    const struct flow_row *x = a, *y = b;

    if (x->msg->ts_ns != y->msg->ts_ns)
        return x->msg->ts_ns < y->msg->ts_ns ? -1 : 1;
    if (x->msg->frame != y->msg->frame)
        return x->msg->frame < y->msg->frame ? -1 : 1;
    return 0;
}

static int ep_index(uint32_t *eps, size_t *n, uint32_t ep)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (eps[i] == ep)
            return (int)i;
    if (*n >= MAX_EPS)
        return (int)(*n - 1); /* more endpoints than lanes: share the last */
    eps[(*n)++] = ep;
    return (int)(*n - 1);
}

/* Builds the arrow label: method or status, SDP summary, resent mark. */
static void label_for(const struct store *s, const struct kb *kb, const struct store_call *call,
                      const struct store_msg *msg, struct strbuf *lab, struct strbuf *note,
                      struct strbuf *tmp)
{
    struct sip_msg m;

    sb_reset(lab);
    sb_reset(note);
    if (store_msg_bytes(s, msg, tmp) != 0 || sip_parse(tmp->s, tmp->len, &m) != 0) {
        sb_puts(lab, "(unreadable)");
        if (tmp->s)
            sip_msg_fini(&m);
        return;
    }
    if (m.is_request) {
        sb_append_escaped(lab, m.buf + m.method_str.off, m.method_str.len);
    } else {
        sb_printf(lab, "%u ", m.status);
        sb_append_escaped(lab, m.buf + m.reason.off, m.reason.len);
        if (m.status >= 300) {
            /* Failures (and redirects) get the knowledge base's short note
             * beside their arrow, read in the call's flow (diag.h), with
             * their Reason / Warning headers. */
            const struct kb_entry *e =
                cli_explain_response(kb, m.status, m.buf + m.reason.off, m.reason.len);

            sb_puts(note, "  <- ");
            cli_response_note(s, kb, call, (uint32_t)(msg - call->msgs), e, note);
            if (note->len == 5)
                sb_reset(note);
        }
    }
    if (msg->flags & STORE_MSG_SDP) {
        struct sdp sdp;

        if (sdp_parse(&m, m.body, &sdp) == 0 && sdp.nmedia > 0) {
            const struct sdp_media *md = &sdp.media[0];
            struct sip_str c = SIP_STR_PRESENT(md->conn) ? md->conn : sdp.conn;
            int k;

            sb_puts(lab, " (SDP ");
            for (k = 0; k < md->nmaps && k < 2; k++) {
                if (k)
                    sb_putc(lab, ',');
                sb_append_escaped(lab, m.buf + md->maps[k].encoding.off, md->maps[k].encoding.len);
            }
            if (md->nmaps == 0 && md->npts > 0 && sdp_static_pt_name(md->pts[0]))
                sb_puts(lab, sdp_static_pt_name(md->pts[0]));
            sb_putc(lab, ' ');
            if (SIP_STR_PRESENT(c))
                sb_append_escaped(lab, m.buf + c.off, c.len);
            sb_printf(lab, ":%u)", md->port);
        }
        sdp_fini(&sdp);
    }
    if (msg->flags & STORE_MSG_RESENT)
        sb_puts(lab, " [resent]");
    sip_msg_fini(&m);
}

static void put_spaces(struct strbuf *b, size_t n)
{
    while (n--)
        sb_putc(b, ' ');
}

/* Lanes only, with '|' at every endpoint column: the start of a row. */
static char *lanes(size_t ncols, size_t *width)
{
    size_t i;
    char *line;

    *width = ncols * COL_W;
    line = xmalloc(*width + 1);
    memset(line, ' ', *width);
    line[*width] = '\0';
    for (i = 0; i < ncols; i++)
        line[i * COL_W + COL_W / 2] = '|';
    return line;
}

static void put_trimmed(struct strbuf *b, const char *line, size_t width)
{
    while (width > 0 && line[width - 1] == ' ')
        width--;
    sb_append(b, line, width);
}

/* The label line: centred over the arrow from column a to z; a label wider
 * than the arrow runs on to the right (lanes are redrawn after it). */
static void draw_label(struct strbuf *b, size_t ncols, int a, int z, const char *label)
{
    size_t width, llen = strlen(label), x0, x1, start;
    int lo = a < z ? a : z, hi = a < z ? z : a;
    char *line = lanes(ncols, &width);

    x0 = (size_t)lo * COL_W + COL_W / 2;
    x1 = (size_t)hi * COL_W + COL_W / 2;
    if (a == z)
        x1 = x0 + COL_W; /* a loop to the same endpoint: label beside it */
    start = llen + 2 < x1 - x0 ? x0 + 1 + (x1 - x0 - llen) / 2 : x0 + 2;
    if (start + llen > width) {
        put_trimmed(b, line, start);
        sb_append(b, label, llen);
    } else {
        memcpy(line + start, label, llen);
        put_trimmed(b, line, width);
    }
    free(line);
}

/* The arrow line: |------>| or |<------| between the two columns. */
static void draw_arrow(struct strbuf *b, size_t ncols, int a, int z)
{
    size_t width, x0, x1, i;
    int lo = a < z ? a : z, hi = a < z ? z : a;
    char *line = lanes(ncols, &width);

    x0 = (size_t)lo * COL_W + COL_W / 2;
    x1 = (size_t)hi * COL_W + COL_W / 2;
    if (a == z) {
        memcpy(line + x0 + 1, "<-'", 3);
    } else {
        for (i = x0 + 1; i < x1; i++)
            line[i] = '-';
        if (a < z)
            line[x1 - 1] = '>';
        else
            line[x0 + 1] = '<';
    }
    put_trimmed(b, line, width);
    free(line);
}

/* Pads the current output line to the lane start. */
static void pad_to_lanes(struct strbuf *b)
{
    size_t linestart = b->len;

    while (linestart > 0 && b->s[linestart - 1] != '\n')
        linestart--;
    while (b->len - linestart < LEFT)
        sb_putc(b, ' ');
}

/* Appends "  !! NAT-01 ACK-01" for the findings (diag.h) that point at msg. */
static void flow_finding_marks(const struct diag_list *f, const struct store_call *call,
                               const struct store_msg *msg, struct strbuf *note)
{
    uint32_t idx = (uint32_t)(msg - call->msgs);
    bool first = true;
    size_t i;
    uint8_t k;

    for (i = 0; i < f->n; i++) {
        if (f->v[i].call != call->id)
            continue;
        for (k = 0; k < f->v[i].nmsgs; k++) {
            if (f->v[i].msgs[k] != idx)
                continue;
            sb_puts(note, first ? "  !! " : " ");
            sb_puts(note, diag_rule_text(f->v[i].rule, "en")->id);
            first = false;
            break;
        }
    }
}

void cli_flow_render(const struct store *s, const struct kb *kb, const struct filter *f,
                     const struct store_call *const *legs, size_t nlegs, struct strbuf *out)
{
    struct diag_list findings;
    struct flow_row *rows = NULL;
    struct strbuf lab, note, tmp;
    struct strbuf b = *out;
    uint32_t eps[MAX_EPS];
    size_t neps = 0, nrows = 0, i, k;
    int64_t prev = 0;

    sb_init(&tmp);
    for (k = 0; k < nlegs; k++) {
        rows = xrealloc(rows, (nrows + legs[k]->nmsgs + 1) * sizeof(*rows));
        for (i = 0; i < legs[k]->nmsgs; i++) {
            /* -Y: only the matching messages of the call and its legs. */
            if (f && !filter_match_stored(f, s, legs[k], &legs[k]->msgs[i], NULL, 0, &tmp))
                continue;
            rows[nrows].call = legs[k];
            rows[nrows++].msg = &legs[k]->msgs[i];
        }
    }
    qsort(rows, nrows, sizeof(*rows), row_cmp);
    for (i = 0; i < nrows; i++) {
        ep_index(eps, &neps, rows[i].msg->src_ep);
        ep_index(eps, &neps, rows[i].msg->dst_ep);
    }
    diag_list_init(&findings);
    for (k = 0; k < nlegs; k++)
        diag_call(s, legs[k], &findings);
    sb_init(&lab);
    sb_init(&note);
    for (k = 0; k < nlegs; k++) {
        sb_printf(&b, "%s ", k ? "B-leg:" : "Call-ID:");
        sb_append_escaped(&b, legs[k]->call_id, legs[k]->call_id_len);
        sb_printf(&b, "  %s  ", call_kind_name(legs[k]->kind));
        sb_append_escaped(&b, legs[k]->from_user, strlen(legs[k]->from_user));
        sb_puts(&b, " -> ");
        sb_append_escaped(&b, legs[k]->to_user, strlen(legs[k]->to_user));
        sb_printf(&b, "  %s", call_state_name(legs[k]->state));
        if (legs[k]->final_status) {
            sb_printf(&b, "  %u ", legs[k]->final_status);
            if (legs[k]->final_reason)
                sb_append_escaped(&b, legs[k]->final_reason, strlen(legs[k]->final_reason));
        }
        sb_putc(&b, '\n');
    }
    sb_putc(&b, '\n');
    /* Endpoint header, each name centred over its lane. */
    put_spaces(&b, LEFT);
    for (i = 0; i < neps; i++) {
        char name[64];
        size_t len, pad;

        cli_ep(s, eps[i], name, sizeof(name));
        len = strlen(name);
        if (len > COL_W - 1)
            len = COL_W - 1;
        pad = (COL_W - len) / 2;
        put_spaces(&b, pad);
        sb_append(&b, name, len);
        put_spaces(&b, COL_W - pad - len);
    }
    while (b.len && b.s[b.len - 1] == ' ')
        b.len--;
    sb_putc(&b, '\n');
    for (i = 0; i < nrows; i++) {
        const struct store_msg *m = rows[i].msg;
        char t[64];
        int a, z;

        if (i == 0)
            prev = m->ts_ns;
        fmt_time_utc(m->ts_ns, t, sizeof(t));
        a = ep_index(eps, &neps, m->src_ep);
        z = ep_index(eps, &neps, m->dst_ep);
        label_for(s, kb, rows[i].call, m, &lab, &note, &tmp);
        flow_finding_marks(&findings, rows[i].call, m, &note);
        pad_to_lanes(&b);
        draw_label(&b, neps, a, z, lab.s ? lab.s : "");
        sb_putc(&b, '\n');
        sb_printf(&b, "%s +%" PRId64 ".%06" PRId64 " ", t + 11, (m->ts_ns - prev) / 1000000000,
                  ((m->ts_ns - prev) / 1000) % 1000000);
        prev = m->ts_ns;
        pad_to_lanes(&b);
        draw_arrow(&b, neps, a, z);
        if (note.len)
            sb_append(&b, note.s, note.len);
        sb_putc(&b, '\n');
    }
    *out = b;
    sb_fini(&lab);
    sb_fini(&note);
    sb_fini(&tmp);
    diag_list_fini(&findings);
    free(rows);
}

static int call_id_cmp(const void *x, const void *y)
{
    const struct store_call *a = *(const struct store_call *const *)x;
    const struct store_call *b = *(const struct store_call *const *)y;

    return a->id < b->id ? -1 : a->id > b->id;
}

int cli_flow(const struct config *cfg)
{
    struct store *s;
    const struct store_call *c, *legs[64];
    struct legs_member members[63];
    struct legs *l;
    struct strbuf b;
    struct kb *kb;
    size_t nlegs, i;
    int rc;

    s = cli_load(cfg, NULL, NULL, &rc);
    if (rc == 2) { /* a live source could not be opened: nothing to show */
        store_free(s);
        return 2;
    }
    c = store_call_find(s, cfg->flow_call_id, strlen(cfg->flow_call_id));
    if (!c) {
        char e[1024];

        fprintf(cfg->err, "sipdx: no call with Call-ID '%s' (see --list)\n",
                str_escape(cfg->flow_call_id, e, sizeof(e)));
        store_free(s);
        return 2;
    }
    /* Any leg's Call-ID draws every dialog of its end-to-end call. */
    l = cli_legs_build(cfg, s);
    nlegs = legs_members(l, c->id, members, 63);
    if (nlegs > 63)
        nlegs = 63;
    for (i = 0; i < nlegs; i++)
        legs[i + 1] = store_call_get(s, members[i].link.peer);
    legs[0] = c;
    nlegs++;
    legs_free(l);
    /* In call order, so any leg's Call-ID gives the same ladder. */
    qsort(legs, nlegs, sizeof(*legs), call_id_cmp);
    kb = cli_kb(cfg);
    sb_init(&b);
    cli_flow_render(s, kb, cfg->filter, legs, nlegs, &b);
    cli_flush(cfg, &b);
    sb_fini(&b);
    kb_free(kb);
    store_free(s);
    return rc;
}
