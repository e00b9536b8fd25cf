/*
 * dump_messages: `--dump messages`, one line per SIP message in capture
 * order, printed as the store takes each one (streaming: memory does not
 * grow with the output).  Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "engine.h"

struct dump_ctx {
    const struct config *cfg;
    struct strbuf line;
};

static void put_slice(struct strbuf *b, const struct sip_msg *m, struct sip_str s)
{
    if (SIP_STR_PRESENT(s))
        sb_append_escaped(b, m->buf + s.off, s.len);
}

static void on_msg(void *vctx, const struct cap_payload *p, const struct sip_msg *m,
                   const struct store_call *c, const struct store_msg *msg)
{
    struct dump_ctx *d = vctx;
    struct strbuf *b = &d->line;
    char t[64], src[64], dst[64];
    struct sip_str cid = m->first[SIP_HDR_CALL_ID];
    bool resent = (msg->flags & STORE_MSG_RESENT) != 0;

    (void)c;
    fmt_time_epoch(p->ts_ns, t, sizeof(t));
    cap_addr_format(&p->src, true, src, sizeof(src));
    cap_addr_format(&p->dst, true, dst, sizeof(dst));
    if (d->cfg->json) {
        sb_putc(b, '{');
        cli_json_int(b, "source", p->source, true);
        cli_json_int(b, "frame", (long long)p->frame, false);
        sb_printf(b, ",\"time\":%s", t);
        cli_json_str(b, "src", src, strlen(src), false);
        cli_json_str(b, "dst", dst, strlen(dst), false);
        cli_json_str(b, "transport", cap_transport_name(p->transport),
                     strlen(cap_transport_name(p->transport)), false);
        cli_json_str(b, "call_id", SIP_STR_PRESENT(cid) ? m->buf + cid.off : "", cid.len, false);
        /* The CSeq as written (tshark's sip.CSeq), so a malformed one is
         * shown as it is rather than as a parsed 0. */
        cli_json_str(b, "cseq", m->buf + m->first[SIP_HDR_CSEQ].off, m->first[SIP_HDR_CSEQ].len,
                     false);
        if (m->is_request) {
            cli_json_str(b, "method", m->buf + m->method_str.off, m->method_str.len, false);
        } else {
            cli_json_int(b, "status", m->status, false);
            cli_json_str(b, "reason", m->buf + m->reason.off, m->reason.len, false);
        }
        cli_json_bool(b, "resent", resent, false);
        if (m->problems) {
            const char *pr = sip_problem_str(m->problems);

            cli_json_str(b, "malformed", pr, strlen(pr), false);
        }
        sb_puts(b, "}\n");
    } else {
        sb_printf(b, "%llu %s %s -> %s %s ", (unsigned long long)p->frame, t, src, dst,
                  cap_transport_name(p->transport));
        if (m->is_request) {
            put_slice(b, m, m->method_str);
        } else {
            sb_printf(b, "%u ", m->status);
            put_slice(b, m, m->reason);
        }
        sb_printf(b, " | CSeq: %u ", m->cseq_num);
        put_slice(b, m, m->cseq_method_str);
        sb_puts(b, " | Call-ID: ");
        put_slice(b, m, cid);
        if (resent)
            sb_puts(b, " | resent");
        if (m->problems)
            sb_printf(b, " | malformed: %s", sip_problem_str(m->problems));
        sb_putc(b, '\n');
    }
    if (b->len > 65536)
        cli_flush(d->cfg, b);
}

int cli_dump_messages(const struct config *cfg)
{
    struct dump_ctx d;
    struct store *s;
    int rc;

    d.cfg = cfg;
    sb_init(&d.line);
    s = cli_load(cfg, on_msg, &d, &rc);
    cli_flush(cfg, &d.line);
    sb_fini(&d.line);
    store_free(s);
    return rc;
}
