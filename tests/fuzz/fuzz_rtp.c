/*
 * fuzz_rtp: libFuzzer harness for the RTP/RTCP tracker and the table the
 * UI thread keeps.  The input is a list of records
 *
 *   kind (1 byte) | port selector (1 byte) | length (2 bytes, LE) | bytes
 *
 * kind & 1 == 0: a SIP message (its SDP announces media; parsed first);
 * kind & 1 == 1: a UDP payload between two endpoints picked by the
 * selector, given to rtp_tracker_packet as RTP or RTCP.  Every 16 records
 * the changes are collected into a table, and the findings, labels and
 * loss figures of every stream are computed, as --rtp-streams does.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"
#include "rtp.h"
#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void endpoint(struct cap_addr *a, unsigned sel)
{
    memset(a, 0, sizeof(*a));
    a->family = (sel & 0x80) ? 6 : 4;
    a->ip[0] = 10;
    a->ip[3] = (uint8_t)(sel & 3);
    a->port = (uint16_t)(10000 + (sel & 0x0e)); /* even: RTP, +1: RTCP */
    if (sel & 0x10)
        a->port++;
}

static void read_back(struct rtp_table *tab)
{
    size_t i, n = rtp_table_nstreams(tab);
    char buf[128];
    struct rtp_finding f[16];

    for (i = 0; i < n; i++) {
        const struct rtp_stream *s = rtp_table_stream(tab, i);

        rtp_stream_payloads(s, buf, sizeof(buf));
        rtp_stream_codec(s, buf, sizeof(buf));
        (void)rtp_stream_lost_pct(s);
    }
    (void)rtp_findings(tab, "c@x", 3, 1000000000, 9000000000, NULL, 0, f, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rtp_opts o;
    struct rtp_tracker *t;
    struct rtp_table *tab = rtp_table_new();
    size_t off = 0;
    unsigned nrec = 0;
    int64_t ts = 1000000000;

    rtp_opts_default(&o);
    o.max_streams = 64;
    o.max_announce = 64;
    o.store_packets = size & 1;
    t = rtp_tracker_new(&o);
    rtp_tracker_set_origin(t, ts);
    while (off + 4 <= size && nrec < 4096) {
        uint8_t kind = data[off], sel = data[off + 1];
        size_t len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
        struct cap_payload p;

        off += 4;
        if (len > size - off)
            len = size - off;
        memset(&p, 0, sizeof(p));
        p.frame = ++nrec;
        ts += 20000000 + (int64_t)(sel & 7) * 1000000;
        p.ts_ns = ts;
        p.transport = CAP_TRANSPORT_UDP;
        endpoint(&p.src, sel);
        endpoint(&p.dst, sel ^ 0x03);
        p.data = data + off;
        p.len = len;
        p.file_off = -1;
        if ((kind & 1) == 0) {
            struct sip_msg m;

            if (sip_parse((const char *)p.data, p.len, &m) == 0)
                rtp_tracker_sdp(t, &p, &m);
            sip_msg_fini(&m);
        } else {
            (void)rtp_tracker_packet(t, &p);
        }
        off += len;
        if ((nrec & 15) == 0 && rtp_tracker_dirty(t)) {
            rtp_table_apply(tab, rtp_tracker_collect(t));
            read_back(tab);
        }
    }
    rtp_table_apply(tab, rtp_tracker_collect(t));
    read_back(tab);
    rtp_tracker_free(t);
    rtp_table_free(tab);
    return 0;
}
