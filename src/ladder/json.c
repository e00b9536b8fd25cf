/*
 * json: the ladder model as --flow --json prints it: JSON Lines
 * (docs/json.md), one "flow_call" object per dialog drawn, one "lane" per
 * column, then one "row" per arrow, with everything the text shows
 * (label, SDP summary, note, finding ids) plus what it leaves to the eye
 * (failure, severity, lane indexes, exact times).  The model's strings are
 * already display text (escapes applied), so they are written with
 * sb_append_json_shown, which does not escape them a second time.
 */
#include "ladder.h"

#include <inttypes.h>
#include <string.h>

#include "util.h"

static void str(struct strbuf *b, const char *key, const char *v)
{
    sb_printf(b, ",\"%s\":", key);
    if (v)
        sb_append_json_shown(b, v, strlen(v));
    else
        sb_puts(b, "null");
}

static void secs(struct strbuf *b, const char *key, int64_t ns)
{
    char t[40];

    fmt_time_epoch(ns, t, sizeof(t));
    sb_printf(b, ",\"%s\":%s", key, t);
}

void ladder_render_json(const struct ladder *l, struct strbuf *out)
{
    size_t i, k;

    for (i = 0; i < l->ncalls; i++) {
        const struct ladder_call *c = &l->calls[i];

        sb_printf(out, "{\"type\":\"flow_call\",\"index\":%zu,\"bleg\":%s", i,
                  c->bleg ? "true" : "false");
        str(out, "call_id", c->call_id);
        str(out, "kind", c->kind);
        str(out, "from", c->from);
        str(out, "to", c->to);
        str(out, "state", c->state);
        if (c->final_status) {
            sb_printf(out, ",\"status\":%u", c->final_status);
            str(out, "reason", c->final_reason);
        } else {
            sb_puts(out, ",\"status\":null,\"reason\":null");
        }
        sb_puts(out, "}\n");
    }
    for (i = 0; i < l->nlanes; i++) {
        sb_printf(out, "{\"type\":\"lane\",\"index\":%zu,\"collapsed\":%s", i,
                  l->lanes[i].collapsed ? "true" : "false");
        str(out, "name", l->lanes[i].name);
        str(out, "address", l->lanes[i].addr);
        sb_puts(out, "}\n");
    }
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];

        sb_printf(out, "{\"type\":\"row\",\"index\":%zu", i);
        secs(out, "time", r->ts_ns);
        sb_printf(out, ",\"delta_s\":%.6f", (double)r->delta_ns / 1e9);
        sb_printf(out,
                  ",\"frame\":%" PRIu64 ",\"from_lane\":%" PRIu32 ",\"to_lane\":%" PRIu32
                  ",\"call\":%" PRIu32 ",\"kind\":\"%s\"",
                  r->frame, r->from, r->to, r->leg,
                  r->media     ? "rtp"
                  : r->request ? "request"
                               : "response");
        if (r->status)
            sb_printf(out, ",\"status\":%u", r->status);
        else
            sb_puts(out, ",\"status\":null");
        sb_printf(out, ",\"resent\":%s,\"failure\":%s", r->resent ? "true" : "false",
                  r->failure ? "true" : "false");
        str(out, "label", r->label);
        str(out, "sdp", r->sdp);
        str(out, "note", r->note);
        str(out, "first_line", r->first_line);
        str(out, "severity", r->sev ? diag_sev_name(r->sev) : NULL);
        sb_puts(out, ",\"findings\":[");
        for (k = 0; k < r->nfindings; k++) {
            const char *id = diag_rule_text(l->findings.v[r->findings[k]].rule, "en")->id;

            if (k)
                sb_putc(out, ',');
            sb_append_json_shown(out, id, strlen(id));
        }
        sb_puts(out, "]}\n");
    }
}
