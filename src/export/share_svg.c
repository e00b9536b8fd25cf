/*
 * share_svg: the ladder model (ladder.h) as SVG, for the .svg file and for
 * each call of the .html page: one column per lane, one arrow per row with
 * its label above it, the time and delta on the left, the note and the
 * finding ids on the right.  Text is SVG text (selectable, searchable);
 * every string went through share_xml.
 */
#include "export_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define LANE_W 220 /* px between lane lines */
#define LEFT   130 /* time column */
#define TOP    56  /* lane names */
#define ROW_H  34
#define NOTE_W 380

/* Colours of the standalone picture (the page has its own, light and dark). */
static const char svg_style[] =
    "<style>"
    "svg{background:#fff;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
    ".lane{fill:#1d3557;font-weight:bold;text-anchor:middle}"
    ".lline{stroke:#8d99ae;stroke-width:1}"
    ".t{fill:#6c757d;font-size:11px}"
    ".req line,.req path{stroke:#1d3557}.req polygon{fill:#1d3557}.req text.l{fill:#1d3557}"
    ".resp line,.resp path{stroke:#2a9d8f}.resp polygon{fill:#2a9d8f}.resp text.l{fill:#1b6f65}"
    ".resent line{stroke-dasharray:4 3}"
    ".fail line,.fail path{stroke:#d62828;stroke-width:2}.fail polygon{fill:#d62828}"
    ".fail text.l,.fail text.n{fill:#d62828;font-weight:bold}"
    ".media line{stroke:#8338ec;stroke-dasharray:2 3}.media polygon{fill:#8338ec}"
    ".media text.l{fill:#8338ec}"
    ".n{fill:#6c757d}"
    "</style>";

static int lane_x(uint32_t i)
{
    return LEFT + (int)i * LANE_W + LANE_W / 2;
}

static void row_svg(const struct ladder *l, size_t i, const char *link, struct strbuf *b)
{
    const struct ladder_row *r = &l->rows[i];
    int y = TOP + (int)i * ROW_H + 22, x0 = lane_x(r->from), x1 = lane_x(r->to);
    int note_x = LEFT + (int)l->nlanes * LANE_W + 8;
    char t[64];
    size_t k;

    if (link)
        sb_printf(b, "<a href=\"#%s%zu\">", link, i);
    sb_printf(b, "<g class=\"arrow %s%s%s\" data-row=\"%zu\">",
              r->media     ? "media"
              : r->request ? "req"
                           : "resp",
              r->failure ? " fail" : "", r->resent ? " resent" : "", i);
    sb_puts(b, "<title>");
    share_xml(b, r->first_line[0] ? r->first_line : r->label);
    sb_puts(b, "</title>");
    fmt_time_utc(r->ts_ns, t, sizeof(t));
    sb_printf(b, "<text class=\"t\" x=\"6\" y=\"%d\">%.12s</text>", y - 4, t + 11);
    sb_printf(b, "<text class=\"t\" x=\"6\" y=\"%d\">+%" PRId64 ".%03d</text>", y + 9,
              r->delta_ns / 1000000000, (int)(r->delta_ns / 1000000 % 1000));
    if (x0 == x1) { /* to itself: a loop on the right of the lane */
        sb_printf(b,
                  "<path d=\"M%d %d h30 v10 h-26\" fill=\"none\"/>"
                  "<polygon points=\"%d,%d %d,%d %d,%d\"/>",
                  x0, y - 5, x0 + 4, y + 5, x0 + 10, y + 1, x0 + 10, y + 9);
        x1 = x0 + 2 * LANE_W / 3;
    } else {
        int tip = x1, dir = x1 > x0 ? -1 : 1;

        sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x0, y, x1 + dir * 6, y);
        sb_printf(b, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", tip, y, tip + dir * 9, y - 4,
                  tip + dir * 9, y + 4);
    }
    sb_printf(b, "<text class=\"l\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (x0 + x1) / 2,
              y - 5);
    if (r->resent)
        sb_puts(b, "[resent] ");
    share_xml(b, r->label);
    if (r->sdp) {
        sb_puts(b, " (SDP ");
        share_xml(b, r->sdp);
        sb_putc(b, ')');
    }
    sb_puts(b, "</text>");
    if (r->note || r->nfindings) {
        sb_printf(b, "<text class=\"n\" x=\"%d\" y=\"%d\">", note_x, y + 4);
        if (r->note)
            share_xml(b, r->note);
        for (k = 0; k < r->nfindings; k++) {
            sb_puts(b, k ? " " : (r->note ? "  !! " : "!! "));
            share_xml(b, diag_rule_text(l->findings.v[r->findings[k]].rule, "en")->id);
        }
        sb_puts(b, "</text>");
    }
    sb_puts(b, "</g>");
    if (link)
        sb_puts(b, "</a>");
}

void share_svg_ladder(const struct ladder *l, const char *link, struct strbuf *out)
{
    int w = LEFT + (int)l->nlanes * LANE_W + NOTE_W, h = TOP + (int)l->nrows * ROW_H + 16;
    size_t i;

    sb_printf(out,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%d\" "
              "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
              w, h, w, h);
    if (!link)
        sb_puts(out, svg_style);
    for (i = 0; i < l->nlanes; i++) {
        sb_printf(out, "<text class=\"lane\" x=\"%d\" y=\"%d\">", lane_x((uint32_t)i), TOP - 26);
        share_xml(out, l->lanes[i].name);
        sb_puts(out, "</text>");
        if (strcmp(l->lanes[i].name, l->lanes[i].addr) != 0) {
            sb_printf(out, "<text class=\"t\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                      lane_x((uint32_t)i), TOP - 12);
            share_xml(out, l->lanes[i].addr);
            sb_puts(out, "</text>");
        }
        sb_printf(out, "<line class=\"lline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                  lane_x((uint32_t)i), TOP - 6, lane_x((uint32_t)i), h - 4);
    }
    for (i = 0; i < l->nrows; i++)
        row_svg(l, i, link, out);
    sb_puts(out, "</svg>");
}
