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
            case 0x03:
                if (cl >= 4)
                    memcpy(src.ip, v, 4);
                break;
            case 0x04:
                if (cl >= 4)
                    memcpy(dst.ip, v, 4);
                break;
            case 0x05:
                if (cl >= 16)
                    memcpy(src.ip, v, 16);
                break;
            case 0x06:
                if (cl >= 16)
                    memcpy(dst.ip, v, 16);
                break;
            case 0x07:
                if (cl >= 2)
                    src.port = rd16be(v);
                break;
            case 0x08:
                if (cl >= 2)
                    dst.port = rd16be(v);
                break;
            case 0x09:
                if (cl >= 4) {
                    sec = rd32be(v);
                    have_ts = true;
                }
                break;
            case 0x0a:
                if (cl >= 4)
                    usec = rd32be(v);
                break;
            case 0x0c:
                if (cl >= 4)
                    agent = rd32be(v);
                break;
            case 0x0f:
                pl = v;
                pllen = cl;
                break;
            case 0x10:
                zpl = v;
                zlen = cl;
                break;
            default:
                break;
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
        hc.hep_agent = rd16le(p + o + 8); /* captid, host order like the times */
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

/* ---------------------------------------------------------------- listener side */

void cap_decoder_feed_hep(struct cap_decoder *dec, const struct cap_record *rec)
{
    struct cap_ctx c;

    memset(&c, 0, sizeof(c));
    c.rec = rec;
    c.truncated = rec->caplen < rec->origlen;
    cap_decoder_stats_mut(dec)->frames++;
    if (cap_hep_is(rec->data, rec->caplen))
        cap_hep_decode(dec, &c, rec->data, rec->caplen);
    else
        cap_decoder_stats_mut(dec)->hep_errors++;
}

size_t cap_hep_packet_len(const uint8_t *p, size_t n)
{
    return cap_hep3_len(p, n);
}

bool cap_hep_auth_ok(const uint8_t *p, size_t n, const char *password)
{
    size_t o = 6, len = cap_hep3_len(p, n), pwlen;

    if (!password || !*password)
        return true;
    if (len == 0 || len > n)
        return false; /* HEP v2 has no auth key: refused when a password is set */
    pwlen = strlen(password);
    while (o + 6 <= len) {
        uint16_t vendor = rd16be(p + o), type = rd16be(p + o + 2);
        size_t cl = rd16be(p + o + 4);

        if (cl < 6 || o + cl > len)
            return false;
        if (vendor == 0 && type == 0x0e) {
            size_t kl = cl - 6;

            /* Some senders count a trailing NUL in the key. */
            if (kl == pwlen + 1 && p[o + 6 + pwlen] == 0)
                kl = pwlen;
            return kl == pwlen && memcmp(p + o + 6, password, pwlen) == 0;
        }
        o += cl;
    }
    return false;
}

/* ---------------------------------------------------------------- sender side */

static size_t put_chunk(uint8_t *out, size_t o, size_t cap, uint16_t type, const void *v, size_t n)
{
    if (o + 6 + n > cap || 6 + n > 0xffff)
        return 0;
    out[o] = 0;
    out[o + 1] = 0;
    out[o + 2] = (uint8_t)(type >> 8);
    out[o + 3] = (uint8_t)type;
    out[o + 4] = (uint8_t)((6 + n) >> 8);
    out[o + 5] = (uint8_t)(6 + n);
    memcpy(out + o + 6, v, n);
    return o + 6 + n;
}

static void be16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

/* Is the header name [p, p+n) one of X-Call-ID / X-CID (any case)? */
static bool is_xcid_name(const uint8_t *p, size_t n)
{
    static const char *const names[] = {"x-call-id", "x-cid"};
    size_t k, i;

    for (k = 0; k < 2; k++) {
        if (strlen(names[k]) != n)
            continue;
        for (i = 0; i < n; i++)
            if ((p[i] | 0x20) != (uint8_t)names[k][i] && p[i] != (uint8_t)names[k][i])
                break;
        if (i == n)
            return true;
    }
    return false;
}

size_t cap_sip_correlation_id(const uint8_t *data, size_t len, const uint8_t **out)
{
    size_t i = 0;

    /* Header lines only: from after the start line to the blank line. */
    while (i < len && data[i] != '\n')
        i++;
    while (++i < len) {
        size_t ls = i, colon, e, vs;

        while (i < len && data[i] != '\n')
            i++;
        e = i;
        if (e > ls && data[e - 1] == '\r')
            e--;
        if (e == ls)
            return 0; /* end of the headers */
        for (colon = ls; colon < e && data[colon] != ':'; colon++)
            ;
        if (colon == e)
            continue;
        vs = colon;
        while (vs > ls && (data[vs - 1] == ' ' || data[vs - 1] == '\t'))
            vs--;
        if (!is_xcid_name(data + ls, vs - ls))
            continue;
        for (vs = colon + 1; vs < e && (data[vs] == ' ' || data[vs] == '\t'); vs++)
            ;
        while (e > vs && (data[e - 1] == ' ' || data[e - 1] == '\t'))
            e--;
        *out = data + vs;
        return e - vs;
    }
    return 0;
}

size_t cap_hep3_encode(const struct cap_payload *p, uint32_t agent, const char *password,
                       uint8_t *out, size_t cap)
{
    const uint8_t *cid = NULL;
    size_t cidlen;
    uint8_t b[4], one;
    size_t o = 6;
    int64_t ts = p->ts_ns < 0 ? 0 : p->ts_ns;
    bool v6 = p->src.family == 6;

    if (cap < 6)
        return 0;
    memcpy(out, "HEP3", 4);
    one = v6 ? 10 : 2;
    o = put_chunk(out, o, cap, 0x01, &one, 1);
    one = p->transport == CAP_TRANSPORT_SCTP ? 132 : (p->transport == CAP_TRANSPORT_UDP) ? 17 : 6;
    if (o)
        o = put_chunk(out, o, cap, 0x02, &one, 1);
    if (o)
        o = put_chunk(out, o, cap, v6 ? 0x05 : 0x03, p->src.ip, v6 ? 16 : 4);
    if (o)
        o = put_chunk(out, o, cap, v6 ? 0x06 : 0x04, p->dst.ip, v6 ? 16 : 4);
    be16(b, p->src.port);
    if (o)
        o = put_chunk(out, o, cap, 0x07, b, 2);
    be16(b, p->dst.port);
    if (o)
        o = put_chunk(out, o, cap, 0x08, b, 2);
    be32(b, (uint32_t)(ts / 1000000000));
    if (o)
        o = put_chunk(out, o, cap, 0x09, b, 4);
    be32(b, (uint32_t)(ts % 1000000000 / 1000));
    if (o)
        o = put_chunk(out, o, cap, 0x0a, b, 4);
    one = 1; /* SIP */
    if (o)
        o = put_chunk(out, o, cap, 0x0b, &one, 1);
    be32(b, agent);
    if (o)
        o = put_chunk(out, o, cap, 0x0c, b, 4);
    if (o && password && *password)
        o = put_chunk(out, o, cap, 0x0e, password, strlen(password));
    /* A B-leg that names its A-leg: the correlation id, so HOMER shows
     * the legs as one call (the A-leg's own Call-ID is what it matches). */
    cidlen = cap_sip_correlation_id(p->data, p->len, &cid);
    if (o && cidlen)
        o = put_chunk(out, o, cap, 0x11, cid, cidlen);
    if (o)
        o = put_chunk(out, o, cap, 0x0f, p->data, p->len);
    if (!o || o > 0xffff)
        return 0;
    be16(out + 4, (unsigned)o);
    return o;
}
