/*
 * dump_messages: `--dump messages`, one line per SIP message in capture
 * order, printed as the store takes each one (streaming: memory does not
 * grow with the output).  Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "engine.h"
#include "filter.h"

struct dump_ctx {
    const struct config *cfg;
    struct kb *kb; /* owned; NULL if it failed to load */
    struct strbuf line;
    struct store *store;   /* borrowed: for -Y */
    struct strbuf scratch; /* for -Y */
    struct strbuf bytes;   /* a response re-read for its Reason/Warning */
};

/* The message's bytes: carried along, or re-read from the file (the loader
 * sends messages that sit in a file as their fields only). */
static bool msg_bytes(struct dump_ctx *d, const struct store_input *in, const struct store_msg *msg,
                      const char **p, size_t *n)
{
    if (in->bytes) {
        *p = in->bytes;
        *n = in->len;
        return true;
    }
    if (store_msg_bytes(d->store, msg, &d->bytes) != 0 || !d->bytes.s)
        return false;
    *p = d->bytes.s;
    *n = d->bytes.len;
    return true;
}

static void put(struct strbuf *b, struct store_str s)
{
    if (s.p)
        sb_append_escaped(b, s.p, s.len);
}

static void json_str(struct strbuf *b, const char *key, struct store_str s)
{
    cli_json_str(b, key, s.p ? s.p : "", s.p ? s.len : 0, false);
}

static void on_msg(void *vctx, const struct store_input *in, const struct store_call *c,
                   const struct store_msg *msg)
{
    struct dump_ctx *d = vctx;
    struct strbuf *b = &d->line;
    char t[64], src[64], dst[64];
    bool resent = (msg->flags & STORE_MSG_RESENT) != 0;
    const char *tr = cap_transport_name(in->transport);

    /* -Y, per message as tshark -Y does per packet.  Call-level fields
     * (call.state ...) see the call as it is when this message arrives. */
    if (d->cfg->filter &&
        !filter_match_stored(d->cfg->filter, d->store, c, msg, in->bytes, in->len, &d->scratch))
        return;
    fmt_time_epoch(in->ts_ns, t, sizeof(t));
    cap_addr_format(&in->src, true, src, sizeof(src));
    cap_addr_format(&in->dst, true, dst, sizeof(dst));
    if (d->cfg->json) {
        sb_puts(b, "{\"type\":\"message\"");
        cli_json_int(b, "file", in->source, false);
        cli_json_int(b, "frame", (long long)in->frame, false);
        sb_printf(b, ",\"time\":%s", t);
        cli_json_str(b, "src", src, strlen(src), false);
        cli_json_str(b, "dst", dst, strlen(dst), false);
        cli_json_str(b, "transport", tr, strlen(tr), false);
        /* The capture agent's id when it arrived over HEP, else null. */
        if (in->hep_agent)
            cli_json_int(b, "hep_agent", in->hep_agent, false);
        else
            sb_puts(b, ",\"hep_agent\":null");
        json_str(b, "call_id", in->call_id);
        /* The CSeq as written (tshark's sip.CSeq), so a malformed one is
         * shown as it is rather than as a parsed 0. */
        json_str(b, "cseq", in->cseq_raw);
        if (in->is_request) {
            json_str(b, "method", in->method_str);
            sb_puts(b, ",\"status\":null,\"reason\":null,\"explain\":null,\"q850\":null,"
                       "\"warning\":null");
        } else {
            sb_puts(b, ",\"method\":null");
            cli_json_int(b, "status", in->status, false);
            json_str(b, "reason", in->reason);
            cli_json_explain(b, ladder_explain(d->kb, in->status, in->reason.p, in->reason.len));
            /* Reason (Q.850) and Warning explained (diag.h).  The flow
             * context needs later messages, so --list/--flow/--report show
             * it, not this streaming dump. */
            {
                const char *p;
                size_t n;

                if (msg_bytes(d, in, msg, &p, &n))
                    diag_response_extras_json(d->kb, p, n, b);
                else
                    sb_puts(b, ",\"q850\":null,\"warning\":null");
            }
        }
        cli_json_bool(b, "resent", resent, false);
        if (in->problems) {
            const char *pr = sip_problem_str(in->problems);

            cli_json_str(b, "malformed", pr, strlen(pr), false);
        } else {
            sb_puts(b, ",\"malformed\":null");
        }
        sb_puts(b, "}\n");
    } else {
        cli_frame_text(b, d->cfg, in->source, in->frame);
        sb_printf(b, " %s %s -> %s %s ", t, src, dst, tr);
        if (in->is_request) {
            put(b, in->method_str);
        } else {
            sb_printf(b, "%u ", in->status);
            put(b, in->reason);
        }
        sb_puts(b, " | CSeq: ");
        put(b, in->cseq_raw);
        sb_puts(b, " | Call-ID: ");
        put(b, in->call_id);
        if (resent)
            sb_puts(b, " | resent");
        if (!in->is_request && in->status >= 300) {
            const struct kb_entry *e =
                ladder_explain(d->kb, in->status, in->reason.p, in->reason.len);

            if (e) {
                sb_puts(b, " | ");
                sb_append_escaped(b, e->short_text, strlen(e->short_text));
            }
        }
        if (!in->is_request) {
            size_t at = b->len, n = 0;
            const char *p = NULL;

            sb_puts(b, " | ");
            if (!msg_bytes(d, in, msg, &p, &n) || diag_response_extras(d->kb, p, n, b) == 0) {
                b->len = at;
                b->s[at] = '\0';
            }
        }
        if (in->problems)
            sb_printf(b, " | malformed: %s", sip_problem_str(in->problems));
        sb_putc(b, '\n');
    }
    if (b->len > 65536)
        cli_flush(d->cfg, b);
}

/* Nothing more for now: what was printed reaches the reader (a pipe into
 * grep, a terminal following live traffic) instead of waiting for 64 KB. */
static void on_idle(void *vctx)
{
    struct dump_ctx *d = vctx;

    cli_flush(d->cfg, &d->line);
    fflush(d->cfg->out);
}

int cli_dump_messages(const struct config *cfg)
{
    struct dump_ctx d;
    struct store *s;
    int rc;

    d.cfg = cfg;
    d.kb = cli_kb(cfg);
    sb_init(&d.line);
    sb_init(&d.scratch);
    sb_init(&d.bytes);
    s = d.store = cli_store_new(cfg);
    rc = cli_run_streaming(cfg, s, on_msg, &d, on_idle);
    cli_flush(cfg, &d.line);
    sb_fini(&d.line);
    sb_fini(&d.scratch);
    sb_fini(&d.bytes);
    kb_free(d.kb);
    store_free(s);
    return rc;
}
