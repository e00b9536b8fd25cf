/*
 * rtp_streams: --rtp-streams, the RTP streams of the inputs with the
 * columns (and number formats) of `tshark -q -z rtp,streams`, then per
 * stream what tshark does not show (call, codec, expected packets,
 * sequence errors, DTMF digits, RTCP receiver reports) and the media
 * findings of each call.  With --json: one object per stream, then one
 * per finding.
 *
 * Main thread: loads with the engine (files or live, -Y/--match as the
 * other outputs); the capture thread keeps the statistics and this thread
 * only receives the changed streams.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "engine.h"
#include "rtp.h"

static int by_start(const void *a, const void *b)
{
    const struct rtp_stream *x = *(const struct rtp_stream *const *)a;
    const struct rtp_stream *y = *(const struct rtp_stream *const *)b;

    if (x->first_ts_ns != y->first_ts_ns)
        return x->first_ts_ns < y->first_ts_ns ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static double rel_secs(int64_t ts, int64_t origin)
{
    return (double)(ts - origin) / 1e9;
}

static void text_stream(struct strbuf *b, const struct rtp_stream *s, int64_t origin)
{
    char src[64], dst[64], pl[256], esc_pl[512];
    struct strbuf tmp;

    cap_addr_format(&s->src, false, src, sizeof(src));
    cap_addr_format(&s->dst, false, dst, sizeof(dst));
    rtp_stream_payloads(s, pl, sizeof(pl));
    sb_init(&tmp);
    sb_append_escaped(&tmp, pl, strlen(pl)); /* names may come from SDP bytes */
    snprintf(esc_pl, sizeof(esc_pl), "%s", tmp.s ? tmp.s : "");
    sb_fini(&tmp);
    sb_printf(b,
              "%13.6f %13.6f %15s %5u %15s %5u 0x%08X %16s %5u %5lld (%.1f%%) %15.3f %15.3f "
              "%15.3f %15.3f %15.3f %15.3f %s\n",
              rel_secs(s->first_ts_ns, origin), rel_secs(s->last_ts_ns, origin), src, s->src.port,
              dst, s->dst.port, s->ssrc, esc_pl, s->packets, (long long)s->lost,
              rtp_stream_lost_pct(s), s->min_delta, s->mean_delta, s->max_delta, s->min_jitter,
              s->mean_jitter, s->max_jitter, s->problem ? "X" : "");
}

static void text_detail(struct strbuf *b, size_t n, const struct rtp_stream *s)
{
    char codec[64];

    rtp_stream_codec(s, codec, sizeof(codec));
    sb_printf(b, "  #%zu ", n);
    if (s->call_id[0]) {
        sb_puts(b, "call ");
        sb_append_escaped(b, s->call_id, strlen(s->call_id));
    } else {
        sb_puts(b, "unassociated (no SDP announced it)");
    }
    sb_puts(b, ", codec ");
    sb_append_escaped(b, codec, strlen(codec));
    sb_printf(b, ", expected %lld, seq errors %u", (long long)s->expected, s->seq_errors);
    if (s->event_packets)
        sb_printf(b, ", DTMF \"%s\" (%u event packets)", s->dtmf, s->event_packets);
    if (s->rtcp_rr)
        sb_printf(b, ", RTCP RR x%u: fraction lost %.1f%%, cumulative lost %d, jitter %u ts",
                  s->rtcp_rr, s->rr_fraction_lost * 100.0 / 256.0, s->rr_cum_lost, s->rr_jitter);
    if (s->rtcp_rr && s->clock_rate >= 1000)
        sb_printf(b, " (%.3f ms)", (double)s->rr_jitter / (s->clock_rate / 1000));
    if (s->rr_rtt_ms >= 0 && s->rtcp_rr)
        sb_printf(b, ", RTT %.1f ms", s->rr_rtt_ms);
    if (s->rtcp_sr)
        sb_printf(b, ", RTCP SR x%u: sender packets %u, octets %u", s->rtcp_sr, s->sr_packets,
                  s->sr_octets);
    sb_putc(b, '\n');
}

static void json_stream(struct strbuf *b, const struct rtp_stream *s)
{
    char src[64], dst[64], pl[256], codec[64];

    cap_addr_format(&s->src, true, src, sizeof(src));
    cap_addr_format(&s->dst, true, dst, sizeof(dst));
    rtp_stream_payloads(s, pl, sizeof(pl));
    rtp_stream_codec(s, codec, sizeof(codec));
    sb_puts(b, "{\"type\":\"rtp_stream\"");
    cli_json_int(b, "stream", s->id, false);
    cli_json_str(b, "src", src, strlen(src), false);
    cli_json_str(b, "dst", dst, strlen(dst), false);
    sb_printf(b, ",\"ssrc\":\"0x%08X\"", s->ssrc);
    cli_json_str(b, "call_id", s->call_id[0] ? s->call_id : NULL, strlen(s->call_id), false);
    cli_json_str(b, "payload", pl, strlen(pl), false);
    cli_json_str(b, "codec", codec, strlen(codec), false);
    /* Instants are epoch seconds in every --json mode (docs/json.md); the
     * text table keeps tshark's seconds from the first frame. */
    cli_json_num(b, "start", (double)s->first_ts_ns / 1e9, 6, false);
    cli_json_num(b, "end", (double)s->last_ts_ns / 1e9, 6, false);
    cli_json_int(b, "first_frame", (long long)s->first_frame, false);
    cli_json_int(b, "packets", s->packets, false);
    cli_json_int(b, "expected", (long long)s->expected, false);
    cli_json_int(b, "lost", (long long)s->lost, false);
    cli_json_num(b, "lost_pct", rtp_stream_lost_pct(s), 3, false);
    cli_json_int(b, "seq_errors", s->seq_errors, false);
    cli_json_num(b, "min_delta_ms", s->min_delta, 3, false);
    cli_json_num(b, "mean_delta_ms", s->mean_delta, 3, false);
    cli_json_num(b, "max_delta_ms", s->max_delta, 3, false);
    cli_json_num(b, "min_jitter_ms", s->min_jitter, 3, false);
    cli_json_num(b, "mean_jitter_ms", s->mean_jitter, 3, false);
    cli_json_num(b, "max_jitter_ms", s->max_jitter, 3, false);
    cli_json_int(b, "clock_rate", s->clock_rate, false);
    cli_json_bool(b, "problem", s->problem, false);
    cli_json_str(b, "dtmf", s->dtmf, strlen(s->dtmf), false);
    cli_json_int(b, "rtcp_sr", s->rtcp_sr, false);
    cli_json_int(b, "rtcp_rr", s->rtcp_rr, false);
    if (s->rtcp_rr) {
        cli_json_num(b, "rr_fraction_lost_pct", s->rr_fraction_lost * 100.0 / 256.0, 1, false);
        cli_json_int(b, "rr_cum_lost", s->rr_cum_lost, false);
        cli_json_int(b, "rr_jitter_ts", s->rr_jitter, false);
    } else {
        sb_puts(b, ",\"rr_fraction_lost_pct\":null,\"rr_cum_lost\":null,\"rr_jitter_ts\":null");
    }
    sb_puts(b, "}\n");
}

/* Media findings of every call in the store. */
static size_t findings(const struct config *cfg, struct strbuf *b, const struct store *store,
                       const struct rtp_table *t)
{
    struct rtp_finding f[16];
    size_t i, k, n, total = 0;

    for (i = 0; i < store_ncalls(store); i++) {
        const struct store_call *c = store_call_at(store, i);

        if (c->kind != CALL_KIND_INVITE)
            continue;
        n = rtp_call_findings(t, store, c, f, 16);
        for (k = 0; k < n && k < 16; k++, total++) {
            if (cfg->json) {
                sb_puts(b, "{\"type\":\"rtp_finding\"");
                cli_json_str(b, "call_id", c->call_id, c->call_id_len, false);
                cli_json_str(b, "id", rtp_finding_name(f[k].kind),
                             strlen(rtp_finding_name(f[k].kind)), false);
                cli_json_str(b, "severity", f[k].error ? "error" : "warning", f[k].error ? 5 : 7,
                             false);
                cli_json_int(b, "stream", f[k].stream, false);
                cli_json_str(b, "facts", f[k].text, strlen(f[k].text), false);
                sb_puts(b, "}\n");
            } else {
                if (total == 0)
                    sb_puts(b, "\nMedia findings:\n");
                sb_puts(b, "  ");
                sb_append_escaped(b, c->call_id, c->call_id_len);
                sb_printf(b, ": %s %s: ", f[k].error ? "error" : "warning",
                          rtp_finding_name(f[k].kind));
                sb_append_escaped(b, f[k].text, strlen(f[k].text));
                sb_putc(b, '\n');
            }
        }
    }
    return total;
}

int cli_rtp_streams(const struct config *cfg)
{
    struct store *store;
    struct rtp_table *t = NULL;
    const struct rtp_stream **v;
    struct strbuf b;
    size_t i, n = 0;
    int64_t origin;
    int rc;

    store = cli_store_new(cfg);
    rc = cli_run_rtp(cfg, store, NULL, NULL, &t);
    if (!t) {
        store_free(store);
        return rc ? rc : 2;
    }
    origin = rtp_table_origin(t);
    v = xcalloc(rtp_table_nstreams(t) + 1, sizeof(*v));
    for (i = 0; i < rtp_table_nstreams(t); i++)
        if (rtp_table_stream(t, i))
            v[n++] = rtp_table_stream(t, i);
    qsort(v, n, sizeof(*v), by_start);
    sb_init(&b);
    if (!cfg->json) {
        sb_puts(&b, "========================= RTP Streams ========================\n");
        sb_puts(&b, "   Start time      End time     Src IP addr  Port    Dest IP addr  Port"
                    "       SSRC          Payload  Pkts         Lost   Min Delta(ms)  Mean "
                    "Delta(ms)   Max Delta(ms)  Min Jitter(ms) Mean Jitter(ms)  Max Jitter(ms)"
                    " Problems?\n");
        for (i = 0; i < n; i++)
            text_stream(&b, v[i], origin);
        sb_puts(&b, "==============================================================\n");
        if (n)
            sb_puts(&b, "\nStreams, in the order above:\n");
        for (i = 0; i < n; i++)
            text_detail(&b, i + 1, v[i]);
    } else {
        for (i = 0; i < n; i++)
            json_stream(&b, v[i]);
    }
    findings(cfg, &b, store, t);
    cli_flush(cfg, &b);
    sb_fini(&b);
    free(v);
    rtp_table_free(t);
    store_free(store);
    return rc;
}
