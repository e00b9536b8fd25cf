/*
 * dump_packets: `sipdx -r FILE... --dump packets [--json]`: one line per
 * transport payload the capture layer produces, in capture order (several
 * inputs merged by time).  Damaged input is reported on stderr with file,
 * frame and offset; everything before the damage is still printed and the
 * exit status is 1.
 *
 * Thread: the calling (main) thread.  Owns the readers, merge and decoder
 * it creates.
 */
#include "cli.h"
#include "cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "filter.h"
#include "sip.h"
#include "util.h"

struct dump_ctx {
    const struct config *cfg;
    struct strbuf line; /* owned: reused for every line */
};

static void addr_of(const struct cap_addr *a, struct filter_addr *f)
{
    memset(f, 0, sizeof(*f));
    f->family = a->family;
    memcpy(f->ip, a->ip, sizeof(f->ip));
    f->port = a->port;
}

/* -Y on a packet: true when one of the SIP messages in the payload matches
 * (tshark -Y per packet).  A payload without SIP is tested on what the
 * packet itself says (addresses, ports, transport, frame, time), so
 * "udp.port == 5060" also shows packets that are not SIP.  There is no
 * call here: call.* fields are absent. */
static bool packet_matches(const struct filter *f, const struct cap_payload *p)
{
    struct filter_msg_meta meta;
    struct filter_msg_subject ms;
    struct filter_subject subj;
    const char *buf = (const char *)p->data;
    size_t off = 0, used;
    bool any = false, ok = false;
    char agent[16];

    memset(&meta, 0, sizeof(meta));
    meta.number = p->frame;
    meta.ts_ns = p->ts_ns;
    addr_of(&p->src, &meta.src);
    addr_of(&p->dst, &meta.dst);
    meta.transport = cap_transport_name(p->transport);
    meta.resent = -1; /* no store here: retransmissions are not known */
    if (p->hep_agent) {
        snprintf(agent, sizeof(agent), "%u", (unsigned)p->hep_agent);
        meta.hep_agent = agent;
    }
    while (!ok && off < p->len) {
        struct sip_msg m;

        while (off < p->len && (buf[off] == '\r' || buf[off] == '\n'))
            off++;
        if (off >= p->len || sip_parse(buf + off, p->len - off, &m) != 0) {
            if (off < p->len)
                sip_msg_fini(&m);
            break;
        }
        any = true;
        filter_subject_msg(&subj, &ms, &m, &meta);
        ok = filter_match(f, &subj);
        used = m.skipped + m.len;
        sip_msg_fini(&m);
        if (used == 0)
            break;
        off += used;
    }
    if (!any) {
        filter_subject_msg(&subj, &ms, NULL, &meta);
        ok = filter_match(f, &subj);
    }
    return ok;
}

static void dump_one(void *arg, const struct cap_payload *p)
{
    struct dump_ctx *dc = arg;
    struct strbuf *b = &dc->line;
    char src[64], dst[64], ts[32];
    unsigned i;

    if (dc->cfg->filter && !packet_matches(dc->cfg->filter, p))
        return;
    cap_addr_format(&p->src, true, src, sizeof(src));
    cap_addr_format(&p->dst, true, dst, sizeof(dst));
    fmt_time_epoch(p->ts_ns, ts, sizeof(ts));
    sb_reset(b);
    if (dc->cfg->json) {
        sb_printf(b,
                  "{\"type\":\"packet\",\"file\":%u,\"frame\":%llu,\"time\":%s,\"src\":\"%s\","
                  "\"dst\":\"%s\","
                  "\"transport\":\"%s\",\"len\":%zu,\"layers\":[",
                  p->source, (unsigned long long)p->frame, ts, src, dst,
                  cap_transport_name(p->transport), p->len);
        for (i = 0; i < p->nlayers; i++)
            sb_printf(b, "%s\"%s\"", i ? "," : "", cap_layer_name(p->layers[i]));
        sb_printf(b, "],\"sip\":%s,\"truncated\":%s}\n", p->sip_likely ? "true" : "false",
                  p->truncated ? "true" : "false");
    } else {
        cli_frame_text(b, dc->cfg, p->source, p->frame);
        sb_printf(b, " %s %s -> %s %s %zu ", ts, src, dst, cap_transport_name(p->transport),
                  p->len);
        for (i = 0; i < p->nlayers; i++)
            sb_printf(b, "%s%s", i ? "/" : "", cap_layer_name(p->layers[i]));
        if (p->sip_likely)
            sb_puts(b, " sip");
        if (p->truncated)
            sb_puts(b, " truncated");
        sb_putc(b, '\n');
    }
    fwrite(b->s, 1, b->len, dc->cfg->out);
}

static void report(const struct config *cfg, const struct err *d)
{
    char msg[1024];

    err_format(d, msg, sizeof(msg));
    fprintf(cfg->err, "sipdx: %s\n", msg);
}

/* Live: the live thread calls dump_one for every payload (the main thread
 * prints nothing until it has stopped); --count counts SIP messages. */
static int dump_live(const struct config *cfg)
{
    struct config lc = *cfg; /* shallow copy: only the live hook differs */
    struct dump_ctx dc;
    struct store *s;
    int rc;

    dc.cfg = cfg;
    sb_init(&dc.line);
    lc.live.payload_fn = dump_one;
    lc.live.payload_ctx = &dc;
    s = cli_store_new(&lc);
    rc = cli_run(&lc, s, NULL, NULL);
    store_free(s);
    sb_fini(&dc.line);
    fflush(cfg->out);
    return rc;
}

int cli_dump_packets(const struct config *cfg)
{
    struct cap_reader **rd;
    struct cap_merge *m;
    struct cap_decoder *dec;
    struct dump_ctx dc;
    struct cap_record rec;
    struct err d;
    size_t i, n = 0;
    int rc = 0, r;

    if (live_opts_active(&cfg->live))
        return dump_live(cfg);
    if (cfg->ninputs == 0) {
        fprintf(cfg->err, "sipdx: --dump packets needs -r FILE\n");
        return 2;
    }
    rd = xcalloc(cfg->ninputs, sizeof(*rd));
    for (i = 0; i < cfg->ninputs; i++) {
        rd[n] = cap_reader_open(cfg->inputs[i], (unsigned)i, &d);
        if (!rd[n]) {
            report(cfg, &d);
            rc = 1;
            continue;
        }
        n++;
    }
    dc.cfg = cfg;
    sb_init(&dc.line);
    dec = cap_decoder_new(NULL, dump_one, &dc);
    m = cap_merge_new(rd, (unsigned)n);
    for (;;) {
        r = cap_merge_next(m, &rec, &d);
        if (r == 0)
            break;
        if (r < 0) {
            report(cfg, &d);
            rc = 1;
            continue;
        }
        cap_decoder_feed(dec, &rec);
    }
    cap_decoder_flush(dec);
    cap_merge_free(m);
    cap_decoder_free(dec);
    sb_fini(&dc.line);
    free(rd);
    fflush(cfg->out);
    return rc;
}
