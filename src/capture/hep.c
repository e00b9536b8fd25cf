/*
 * hep: HEP (Homer Encapsulation Protocol) v2 and v3 found by content in a
 * UDP datagram, SCTP chunk or TCP stream, turned into the payload it
 * carries: addresses, ports, transport and timestamp come from the HEP
 * header or chunks; chunk 0x0010 (gzip or zlib compressed payload) is
 * inflated.  See domain.md section 5.1.
 *
 * Thread: the decoder's.  The inflate buffer is per call (bounded to 64 KB);
 * nothing is kept between packets.
 */
#include "capture.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "capture_int.h"
#include "util.h"

#define HEP_MAX_INFLATE 65536

size_t cap_hep3_len(const uint8_t *p, size_t n)
{
    size_t len;

    if (n < 6 || (memcmp(p, "HEP3", 4) != 0 && memcmp(p, "EEP3", 4) != 0))
        return 0;
    len = rd16be(p + 4);
    return len >= 6 ? len : 0;
}

static bool hep2_sane(const uint8_t *p, size_t n)
{
    size_t al;

    if (n < 8 || (p[0] != 1 && p[0] != 2))
        return false;
    if (p[2] == 2)
        al = 8;
    else if (p[2] == 10)
        al = 32;
    else
        return false;
    if (p[1] != 8 + al)
        return false;
    if (p[3] != 17 && p[3] != 6 && p[3] != 132)
        return false;
    return n > 8 + al + (p[0] == 2 ? 12u : 0u);
}

bool cap_hep_is(const uint8_t *p, size_t n)
{
    size_t len = cap_hep3_len(p, n);

    if (len)
        return len <= n;
    return hep2_sane(p, n);
}

static enum cap_transport hep_transport(int proto)
{
    if (proto == 6)
        return CAP_TRANSPORT_TCP;
    if (proto == 132)
        return CAP_TRANSPORT_SCTP;
    return CAP_TRANSPORT_UDP;
}

/* Inflates gzip or zlib data (auto-detected) into out; returns bytes or -1. */
static long hep_inflate(const uint8_t *p, size_t n, uint8_t *out, size_t outcap)
{
    z_stream z;
    int rc;
    long got;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return -1;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)outcap;
    rc = inflate(&z, Z_FINISH);
    got = (long)(outcap - z.avail_out);
    inflateEnd(&z);
    if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK)
        return got > 0 ? got : -1;
    return got;
}

static void hep3_decode(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    struct cap_stats *st = cap_decoder_stats_mut(dec);
    struct cap_addr src, dst;
    struct cap_record rec = *c->rec;
    struct cap_ctx hc = *c;
    const uint8_t *pl = NULL, *zpl = NULL;
    size_t pllen = 0, zlen = 0, o = 6, len = cap_hep3_len(p, n);
    int proto = 17;
    uint32_t sec = 0, usec = 0, agent = 0;
    bool have_ts = false;

    if (len == 0 || len > n) {
        st->hep_errors++;
        return;
    }
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    src.family = dst.family = 4;
    while (o + 6 <= len) {
        uint16_t vendor = rd16be(p + o), type = rd16be(p + o + 2);
        size_t cl = rd16be(p + o + 4);
        const uint8_t *v = p + o + 6;

        if (cl < 6 || o + cl > len) {
            st->hep_errors++;
            break;
        }
        cl -= 6;
        if (vendor == 0) {
            switch (type) {
            case 0x01:
                if (cl >= 1)
                    src.family = dst.family = v[0] == 10 ? 6 : 4;
                break;
            case 0x02:
                if (cl >= 1)
                    proto = v[0];
                break;
            case 0x03: if (cl >= 4) memcpy(src.ip, v, 4); break;
            case 0x04: if (cl >= 4) memcpy(dst.ip, v, 4); break;
            case 0x05: if (cl >= 16) memcpy(src.ip, v, 16); break;
            case 0x06: if (cl >= 16) memcpy(dst.ip, v, 16); break;
            case 0x07: if (cl >= 2) src.port = rd16be(v); break;
            case 0x08: if (cl >= 2) dst.port = rd16be(v); break;
            case 0x09: if (cl >= 4) { sec = rd32be(v); have_ts = true; } break;
            case 0x0a: if (cl >= 4) usec = rd32be(v); break;
            case 0x0c: if (cl >= 4) agent = rd32be(v); break;
            case 0x0f: pl = v; pllen = cl; break;
            case 0x10: zpl = v; zlen = cl; break;
            default: break;
            }
        }
        o += cl + 6;
    }
    if (have_ts)
        rec.ts_ns = (int64_t)sec * 1000000000 + (int64_t)usec * 1000;
    hc.rec = &rec;
    hc.hep_agent = agent;
    cap_ctx_push(&hc, CAP_L_HEP3);
    st->hep_packets++;
    if (!pl && zpl) {
        uint8_t *buf = xmalloc(HEP_MAX_INFLATE);
        long got = hep_inflate(zpl, zlen, buf, HEP_MAX_INFLATE);

        if (got >= 0) {
            cap_ctx_push(&hc, CAP_L_HEP_GZIP);
            cap_emit(dec, &hc, hep_transport(proto), &src, &dst, buf, (size_t)got, -1,
                     (size_t)got == HEP_MAX_INFLATE);
        } else {
            st->hep_errors++;
        }
        free(buf);
        return;
    }
    if (!pl) {
        st->hep_errors++;
        return;
    }
    cap_emit(dec, &hc, hep_transport(proto), &src, &dst, pl, pllen,
             c->rec->file_off >= 0 && pl >= c->rec->data && pl < c->rec->data + c->rec->caplen
                 ? c->rec->file_off + (pl - c->rec->data)
                 : -1,
             c->truncated);
}

static void hep2_decode(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    struct cap_addr src, dst;
    struct cap_record rec = *c->rec;
    struct cap_ctx hc = *c;
    size_t al = p[2] == 10 ? 32 : 8, o = 8 + al;

    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    src.family = dst.family = p[2] == 10 ? 6 : 4;
    memcpy(src.ip, p + 8, al / 2);
    memcpy(dst.ip, p + 8 + al / 2, al / 2);
    src.port = rd16be(p + 4);
    dst.port = rd16be(p + 6);
    if (p[0] == 2) {
        /* Time header, host order (little-endian senders): sec, usec,
         * captid, padded to 12 bytes by the C struct.  Some senders pack
         * it to 10: take whichever leaves a SIP start line. */
        uint32_t sec = rd32le(p + o), usec = rd32le(p + o + 4);

        rec.ts_ns = (int64_t)sec * 1000000000 + (int64_t)usec * 1000;
        if (!cap_looks_like_sip(p + o + 12, n - o - 12) &&
            cap_looks_like_sip(p + o + 10, n - o - 10))
            o += 10;
        else
            o += 12;
    }
    hc.rec = &rec;
    cap_ctx_push(&hc, CAP_L_HEP2);
    cap_decoder_stats_mut(dec)->hep_packets++;
    cap_emit(dec, &hc, hep_transport(p[3]), &src, &dst, p + o, n - o, -1, c->truncated);
}

void cap_hep_decode(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    if (cap_hep3_len(p, n))
        hep3_decode(dec, c, p, n);
    else if (hep2_sane(p, n))
        hep2_decode(dec, c, p, n);
}
