/*
 * json: the ladder model as the --flow --json document, one object on one
 * line: the calls, the lanes and the rows with everything the text shows
 * (label, SDP summary, note, finding ids) plus what it leaves to the eye
 * (failure, severity, lane indexes, exact times).  The strings are the
 * model's display text (control characters already shown as escapes).
 */
#include "ladder.h"

#include <inttypes.h>
#include <string.h>

#include "util.h"

static void str(struct strbuf *b, const char *key, const char *v)
{
    sb_printf(b, ",\"%s\":", key);
    if (v)
        sb_append_json(b, v, strlen(v));
    else
        sb_puts(b, "null");
}

void ladder_render_json(const struct ladder *l, struct strbuf *out)
{
    size_t i, k;

    sb_puts(out, "{\"calls\":[");
    for (i = 0; i < l->ncalls; i++) {
        const struct ladder_call *c = &l->calls[i];

        sb_printf(out, "%s{\"bleg\":%s", i ? "," : "", c->bleg ? "true" : "false");
        str(out, "call_id", c->call_id);
        str(out, "kind", c->kind);
        str(out, "from", c->from);
        str(out, "to", c->to);
        str(out, "state", c->state);
        sb_printf(out, ",\"final_status\":%u", c->final_status);
        str(out, "final_reason", c->final_reason);
        sb_putc(out, '}');
    }
    sb_puts(out, "],\"lanes\":[");
    for (i = 0; i < l->nlanes; i++) {
        sb_printf(out, "%s{\"collapsed\":%s", i ? "," : "",
                  l->lanes[i].collapsed ? "true" : "false");
        str(out, "name", l->lanes[i].name);
        str(out, "address", l->lanes[i].addr);
        sb_putc(out, '}');
    }
    sb_puts(out, "],\"rows\":[");
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];
        char t[64];

        fmt_time_utc(r->ts_ns, t, sizeof(t));
        sb_printf(out, "%s{\"time\":", i ? "," : "");
        sb_append_json(out, t, strlen(t));
        sb_printf(out,
                  ",\"ts_ns\":%" PRId64 ",\"delta_ns\":%" PRId64 ",\"frame\":%" PRIu64
                  ",\"from\":%" PRIu32 ",\"to\":%" PRIu32 ",\"call\":%" PRIu32
                  ",\"kind\":\"%s\",\"status\":%u,\"resent\":%s,\"failure\":%s",
                  r->ts_ns, r->delta_ns, r->frame, r->from, r->to, r->leg,
                  r->media     ? "rtp"
                  : r->request ? "request"
                               : "response",
                  r->status, r->resent ? "true" : "false", r->failure ? "true" : "false");
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
            sb_append_json(out, id, strlen(id));
        }
        sb_puts(out, "]}");
    }
    sb_puts(out, "]}\n");
}
