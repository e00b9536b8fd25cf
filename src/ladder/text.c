/*
 * text: the ladder model as the --flow text (also the --save text and the
 * console's text save): the calls' header lines, the lane names, then per
 * row a label line centred over its arrow and an arrow line with the time,
 * the delta, the note and the ids of the findings pointing at it.
 */
#include "ladder.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define COL_W 26 /* width of one lane */
#define LEFT  27 /* time + delta prefix */

static void put_spaces(struct strbuf *b, size_t n)
{
    while (n--)
        sb_putc(b, ' ');
}

/* Lanes only, with '|' at every lane column: the start of a row. */
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
static void draw_label(struct strbuf *b, size_t ncols, uint32_t a, uint32_t z, const char *label,
                       size_t llen)
{
    size_t width, x0, x1, start;
    uint32_t lo = a < z ? a : z, hi = a < z ? z : a;
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
static void draw_arrow(struct strbuf *b, size_t ncols, uint32_t a, uint32_t z)
{
    size_t width, x0, x1, i;
    uint32_t lo = a < z ? a : z, hi = a < z ? z : a;
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

/* "INVITE (SDP PCMU 10.0.0.1:4000) [resent]": a row's label as the text
 * and the save formats write it. */
static void full_label(const struct ladder_row *r, struct strbuf *lab)
{
    sb_reset(lab);
    sb_puts(lab, r->label);
    if (r->unreadable)
        return;
    if (r->sdp) {
        sb_puts(lab, " (SDP ");
        sb_puts(lab, r->sdp);
        sb_putc(lab, ')');
    }
    if (r->resent)
        sb_puts(lab, " [resent]");
}

void ladder_render_text(const struct ladder *l, struct strbuf *out)
{
    struct strbuf lab;
    size_t i, k;

    for (k = 0; k < l->ncalls; k++) {
        const struct ladder_call *c = &l->calls[k];

        sb_printf(out, "%s %s  %s  %s -> %s  %s", k ? "B-leg:" : "Call-ID:", c->call_id, c->kind,
                  c->from, c->to, c->state);
        if (c->final_status)
            sb_printf(out, "  %u %s", c->final_status, c->final_reason);
        sb_putc(out, '\n');
    }
    sb_putc(out, '\n');
    /* lane names, each centred over its lane */
    put_spaces(out, LEFT);
    for (i = 0; i < l->nlanes; i++) {
        size_t len = strlen(l->lanes[i].name), pad;

        if (len > COL_W - 1)
            len = COL_W - 1;
        pad = (COL_W - len) / 2;
        put_spaces(out, pad);
        sb_append(out, l->lanes[i].name, len);
        put_spaces(out, COL_W - pad - len);
    }
    while (out->len && out->s[out->len - 1] == ' ')
        out->len--;
    sb_putc(out, '\n');
    sb_init(&lab);
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];
        char t[64];

        full_label(r, &lab);
        pad_to_lanes(out);
        draw_label(out, l->nlanes, r->from, r->to, lab.s ? lab.s : "", lab.len);
        sb_putc(out, '\n');
        fmt_time_utc(r->ts_ns, t, sizeof(t));
        sb_printf(out, "%s +%" PRId64 ".%06" PRId64 " ", t + 11, r->delta_ns / 1000000000,
                  (r->delta_ns / 1000) % 1000000);
        pad_to_lanes(out);
        draw_arrow(out, l->nlanes, r->from, r->to);
        if (r->note) {
            sb_puts(out, "  <- ");
            sb_puts(out, r->note);
        }
        for (k = 0; k < r->nfindings; k++) {
            sb_puts(out, k ? " " : "  !! ");
            sb_puts(out, diag_rule_text(l->findings.v[r->findings[k]].rule, "en")->id);
        }
        sb_putc(out, '\n');
    }
    sb_fini(&lab);
}
