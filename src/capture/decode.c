/*
 * decode: one captured frame -> transport payloads.  Link layers (Ethernet,
 * VLAN/QinQ, MPLS, PPPoE, Linux SLL/SLL2, raw IP, BSD NULL/LOOP), tunnels
 * (IP-in-IP, GRE with keys, sequence numbers or source routes, ERSPAN
 * II/III, VXLAN, GTP-U), IEEE 802.3 with LLC/SNAP, IPv4/IPv6 with
 * extension headers, UDP and SCTP (DATA and I-DATA chunks) here; IP
 * fragments in frag.c, TCP streams in tcp.c, HEP in hep.c.
 *
 * Thread: the capture thread owning the decoder.  Ownership: the decoder
 * owns its fragment table and TCP streams; payloads handed to the callback
 * are borrowed for the duration of the call.
 */
#include "capture.h"

#include <stdlib.h>
#include <string.h>

#include "capture_int.h"
#include "tls_int.h"
#include "util.h"

#define MAX_DEPTH 8 /* nested tunnels */

#define SCTP_SLOTS 64

/* A fragmented SCTP user message being collected (B ... E chunks of DATA
 * or I-DATA). */
struct sctp_part {
    bool used;
    struct cap_addr src, dst;
    uint16_t sid;
    bool idata;        /* I-DATA (RFC 8260): keyed by MID, ordered by FSN */
    bool unordered;    /* I-DATA U flag: unordered MIDs are their own sequence */
    uint32_t mid;      /* I-DATA message identifier (0 for DATA) */
    uint32_t next_seq; /* DATA: next TSN; I-DATA: next FSN */
    uint8_t *buf;      /* owned */
    size_t len, cap;
};

struct cap_decoder {
    struct cap_limits lim;
    struct sctp_part sctp[SCTP_SLOTS]; /* small table, oldest slot reused */
    unsigned sctp_rr;
    cap_payload_fn fn;
    void *ctx;
    struct cap_stats st;
    struct cap_frags *frags;   /* owned */
    struct cap_tcp *tcp;       /* owned */
    struct tls_ctx *tls;       /* owned */
    struct cap_tls_keys *keys; /* borrowed or NULL */
    uint64_t emitted_frame;    /* payloads emitted for the current frame */
};

static void decode_ethertype(struct cap_decoder *dec, struct cap_ctx *c, uint16_t type,
                             const uint8_t *p, size_t n);

struct cap_decoder *cap_decoder_new(const struct cap_limits *lim, cap_payload_fn fn, void *ctx)
{
    struct cap_decoder *dec = xcalloc(1, sizeof(*dec));

    if (lim)
        dec->lim = *lim;
    else
        cap_limits_default(&dec->lim);
    dec->fn = fn;
    dec->ctx = ctx;
    dec->frags = cap_frags_new();
    dec->tcp = cap_tcp_new();
    dec->tls = tls_ctx_new();
    return dec;
}

void cap_decoder_free(struct cap_decoder *dec)
{
    if (!dec)
        return;
    unsigned i;

    cap_frags_free(dec->frags);
    cap_tcp_free(dec, dec->tcp);
    tls_ctx_free(dec->tls);
    for (i = 0; i < SCTP_SLOTS; i++)
        free(dec->sctp[i].buf);
    free(dec);
}

const struct cap_stats *cap_decoder_stats(const struct cap_decoder *dec)
{
    return &dec->st;
}

struct cap_stats *cap_decoder_stats_mut(struct cap_decoder *dec)
{
    return &dec->st;
}

void cap_decoder_set_tls_keys(struct cap_decoder *dec, struct cap_tls_keys *k)
{
    dec->keys = k;
}

void cap_decoder_tls_retry(struct cap_decoder *dec)
{
    cap_tcp_tls_retry(dec, dec->tcp);
}

struct cap_tls_keys *cap_decoder_tls_keys(struct cap_decoder *dec)
{
    return dec->keys;
}

struct tls_ctx *cap_decoder_tls(struct cap_decoder *dec)
{
    return dec->tls;
}

const struct cap_limits *cap_decoder_limits(const struct cap_decoder *dec)
{
    return &dec->lim;
}

void cap_ctx_push(struct cap_ctx *c, enum cap_layer l)
{
    if (c->nlayers < CAP_MAX_LAYERS)
        c->layers[c->nlayers++] = (uint8_t)l;
}

void cap_emit(struct cap_decoder *dec, const struct cap_ctx *c, enum cap_transport t,
              const struct cap_addr *src, const struct cap_addr *dst, const uint8_t *p, size_t n,
              int64_t file_off, bool truncated)
{
    struct cap_payload pl;

    memset(&pl, 0, sizeof(pl));
    pl.source = c->rec->source;
    pl.frame = c->rec->frame;
    pl.ts_ns = c->rec->ts_ns;
    pl.src = *src;
    pl.dst = *dst;
    pl.transport = t;
    pl.data = p;
    pl.len = n;
    pl.file_off = file_off;
    memcpy(pl.layers, c->layers, c->nlayers);
    pl.nlayers = c->nlayers;
    pl.truncated = truncated;
    pl.sip_likely = cap_looks_like_sip(p, n);
    pl.hep_agent = c->hep_agent;
    /* Only bytes that are the record's own sit in its window; reassembled
     * or unmasked ones live in the decoder's buffers. */
    if (c->rec->win && file_off >= 0 && p >= c->rec->data && p + n <= c->rec->data + c->rec->caplen)
        pl.win = c->rec->win;
    dec->st.payloads++;
    dec->emitted_frame++;
    dec->fn(dec->ctx, &pl);
}

static int64_t off_of(const struct cap_ctx *c, const uint8_t *p)
{
    const uint8_t *base = c->rec->data;

    if (c->rec->file_off < 0 || p < base || p > base + c->rec->caplen)
        return -1;
    return c->rec->file_off + (p - base);
}

/* ------------------------------------------------------------ UDP, SCTP */

static void decode_gtp(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    size_t off = 8;

    if (n < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xFF)
        return;
    if (p[0] & 0x07) {
        if (n < 12)
            return;
        off = 12;
        if (p[0] & 0x04) {
            uint8_t next = p[11];

            while (next) { /* extension headers: length in 4-byte units */
                size_t len;

                if (off >= n)
                    return;
                len = (size_t)p[off] * 4;
                if (len == 0 || off + len > n)
                    return;
                next = p[off + len - 1];
                off += len;
            }
        }
    }
    cap_ctx_push(c, CAP_L_GTP);
    cap_decode_ip(dec, c, p + off, n - off);
}

static void decode_udp(struct cap_decoder *dec, struct cap_ctx *c, struct cap_addr src,
                       struct cap_addr dst, const uint8_t *p, size_t n, int64_t file_off)
{
    size_t ulen, avail;
    bool trunc = c->truncated;
    uint8_t save = c->nlayers;

    if (n < 8)
        return;
    src.port = rd16be(p);
    dst.port = rd16be(p + 2);
    ulen = rd16be(p + 4);
    if (ulen < 8)
        ulen = n; /* 0 = jumbogram / broken: use what we have */
    avail = n - 8;
    if (ulen - 8 < avail)
        avail = ulen - 8;
    else if (ulen - 8 > avail)
        trunc = true;
    cap_ctx_push(c, CAP_L_UDP);
    p += 8;
    if (c->depth < MAX_DEPTH) {
        if ((src.port == 2152 || dst.port == 2152) && avail >= 8 && (p[0] >> 5) == 1 &&
            p[1] == 0xFF) {
            c->depth++;
            decode_gtp(dec, c, p, avail);
            c->depth--;
            c->nlayers = save;
            return;
        }
        if (dst.port == 4789 && avail >= 22 && (p[0] & 0x08)) {
            c->depth++;
            cap_ctx_push(c, CAP_L_VXLAN);
            cap_ctx_push(c, CAP_L_ETH);
            decode_ethertype(dec, c, rd16be(p + 20), p + 22, avail - 22);
            c->depth--;
            c->nlayers = save;
            return;
        }
    }
    if (cap_hep_is(p, avail)) {
        cap_hep_decode(dec, c, p, avail);
    } else {
        cap_emit(dec, c, CAP_TRANSPORT_UDP, &src, &dst, p, avail, file_off >= 0 ? file_off + 8 : -1,
                 trunc);
    }
    c->nlayers = save;
}

/* Collects one fragment of a user message (RFC 4960 6.9, RFC 8260 2.1):
 * B starts it, E completes it.  DATA fragments follow each other by TSN
 * within a stream; I-DATA fragments (hl 20) belong to the message named
 * by stream, U flag and MID and follow each other by FSN, which is 0 in
 * the B chunk (that one carries the PPID in its place), so messages of
 * several streams may interleave.  A missing piece drops the message. */
static void sctp_fragment(struct cap_decoder *dec, struct cap_ctx *c, const struct cap_addr *src,
                          const struct cap_addr *dst, const uint8_t *ch, size_t clen, uint8_t flags,
                          size_t hl)
{
    bool idata = hl == 20;
    uint16_t sid = rd16be(ch + 8);
    uint32_t mid = idata ? rd32be(ch + 12) : 0;
    bool unordered = idata && (flags & 4);
    uint32_t seq = !idata ? rd32be(ch + 4) : (flags & 2) ? 0 : rd32be(ch + 16);
    struct sctp_part *sp = NULL;
    unsigned i;

    for (i = 0; i < SCTP_SLOTS; i++) {
        struct sctp_part *q = &dec->sctp[i];

        if (q->used && q->sid == sid && q->idata == idata && q->mid == mid &&
            q->unordered == unordered && cap_addr_eq(&q->src, src) && cap_addr_eq(&q->dst, dst))
            sp = q;
    }
    if (flags & 2) { /* B */
        if (!sp) {
            sp = &dec->sctp[dec->sctp_rr++ % SCTP_SLOTS];
            sp->used = true;
            sp->src = *src;
            sp->dst = *dst;
            sp->sid = sid;
            sp->idata = idata;
            sp->mid = mid;
            sp->unordered = unordered;
        }
        sp->len = 0;
    } else if (!sp || seq != sp->next_seq) {
        if (sp)
            sp->used = false; /* lost a piece: drop the message */
        return;
    }
    if (sp->len + clen - hl > dec->lim.tcp_max_bytes) {
        sp->used = false;
        return;
    }
    if (sp->len + clen - hl > sp->cap) {
        sp->cap = sp->len + clen - hl + 4096;
        sp->buf = xrealloc(sp->buf, sp->cap);
    }
    memcpy(sp->buf + sp->len, ch + hl, clen - hl);
    sp->len += clen - hl;
    sp->next_seq = seq + 1;
    if (flags & 1) { /* E */
        struct cap_ctx rc = *c;

        cap_ctx_push(&rc, CAP_L_TCP_REASM);
        cap_emit(dec, &rc, CAP_TRANSPORT_SCTP, src, dst, sp->buf, sp->len, -1, c->truncated);
        sp->used = false;
    }
}

/* SCTP common header, then chunks: DATA (type 0, 16-byte header) and
 * I-DATA (type 64, RFC 8260, 20 bytes) carry user messages; the rest
 * (INIT, SACK, ...) is skipped. */
static void decode_sctp(struct cap_decoder *dec, struct cap_ctx *c, struct cap_addr src,
                        struct cap_addr dst, const uint8_t *p, size_t n, int64_t file_off)
{
    size_t o = 12;
    uint8_t save = c->nlayers;

    if (n < 12)
        return;
    src.port = rd16be(p);
    dst.port = rd16be(p + 2);
    cap_ctx_push(c, CAP_L_SCTP);
    while (o + 4 <= n) {
        uint8_t type = p[o], flags = p[o + 1];
        size_t clen = rd16be(p + o + 2);
        size_t hl = type == 0 ? 16 : type == 64 ? 20 : 0;
        bool trunc = false;

        if (clen < 4)
            break;
        if (o + clen > n) {
            clen = n - o;
            trunc = true;
        }
        if (hl && clen > hl && (flags & 3) != 3) {
            sctp_fragment(dec, c, &src, &dst, p + o, clen, flags, hl);
        } else if (hl && clen > hl) { /* B and E: a whole user message */
            const uint8_t *d = p + o + hl;

            if (cap_hep_is(d, clen - hl))
                cap_hep_decode(dec, c, d, clen - hl);
            else
                cap_emit(dec, c, CAP_TRANSPORT_SCTP, &src, &dst, d, clen - hl,
                         file_off >= 0 ? file_off + (int64_t)(o + hl) : -1, trunc || c->truncated);
        }
        o += (clen + 3) & ~(size_t)3;
    }
    c->nlayers = save;
}

/* ------------------------------------------------------------ GRE */

/* GRE (RFC 1701/2784, enhanced GRE of PPTP RFC 2637) and what it carries:
 * IP, PPP, transparent Ethernet, ERSPAN. */
static void decode_gre(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    uint16_t fl, pt;
    size_t o = 4;

    if (n < 4)
        return;
    fl = rd16be(p);
    pt = rd16be(p + 2);
    if ((fl & 7) > 1 || ((fl & 0x4000) && (fl & 7) != 0))
        return; /* unknown version; enhanced GRE never routes */
    if (fl & 0xC000)
        o += 4; /* checksum + offset: both there when C or R is set (RFC 1701) */
    if (fl & 0x2000)
        o += 4;
    if (fl & 0x1000)
        o += 4;
    if ((fl & 7) == 1 && (fl & 0x0080))
        o += 4; /* enhanced GRE (PPTP): acknowledgment number */
    if (fl & 0x4000) {
        /* Source Route Entries (RFC 1701): address family, SRE offset,
         * SRE length, routing information; a NULL entry (family 0,
         * length 0) ends the list.  Each step moves at least 4 bytes. */
        for (;;) {
            uint16_t af;
            uint8_t len;

            if (o + 4 > n)
                return;
            af = rd16be(p + o);
            len = p[o + 3];
            o += 4;
            if (af == 0 && len == 0)
                break;
            o += len;
        }
    }
    if (o > n)
        return;
    if (pt == 0x880B) { /* PPP inside enhanced GRE */
        uint16_t pp;

        if (o + 2 <= n && p[o] == 0xFF && p[o + 1] == 0x03)
            o += 2;
        if (o >= n)
            return;
        if (p[o] & 1) {
            pp = p[o];
            o += 1;
        } else {
            if (o + 2 > n)
                return;
            pp = rd16be(p + o);
            o += 2;
        }
        if (pp != 0x21 && pp != 0x57)
            return;
        pt = pp == 0x21 ? 0x0800 : 0x86DD;
    }
    cap_ctx_push(c, CAP_L_GRE);
    if (pt == 0x88BE || pt == 0x22EB) {
        size_t h = 0;

        if (pt == 0x88BE && (fl & 0x1000))
            h = 8; /* ERSPAN II; without seq it is type I (no header) */
        else if (pt == 0x22EB)
            h = (o + 12 <= n && (p[o + 11] & 1)) ? 20 : 12;
        cap_ctx_push(c, CAP_L_ERSPAN);
        if (o + h + 14 <= n) {
            cap_ctx_push(c, CAP_L_ETH);
            decode_ethertype(dec, c, rd16be(p + o + h + 12), p + o + h + 14, n - o - h - 14);
        }
    } else if (pt == 0x6558) {
        if (o + 14 <= n) {
            cap_ctx_push(c, CAP_L_ETH);
            decode_ethertype(dec, c, rd16be(p + o + 12), p + o + 14, n - o - 14);
        }
    } else {
        decode_ethertype(dec, c, pt, p + o, n - o);
    }
}

void cap_decode_transport(struct cap_decoder *dec, struct cap_ctx *c, int proto,
                          const struct cap_addr *src, const struct cap_addr *dst, const uint8_t *p,
                          size_t n, int64_t file_off)
{
    uint8_t save = c->nlayers;

    switch (proto) {
    case 17:
        decode_udp(dec, c, *src, *dst, p, n, file_off);
        break;
    case 132:
        decode_sctp(dec, c, *src, *dst, p, n, file_off);
        break;
    case 6: {
        struct cap_addr s = *src, d = *dst;
        size_t hl;

        if (n < 20)
            break;
        hl = (size_t)(p[12] >> 4) * 4;
        if (hl < 20 || hl > n)
            break;
        s.port = rd16be(p);
        d.port = rd16be(p + 2);
        cap_ctx_push(c, CAP_L_TCP);
        cap_tcp_segment(dec, dec->tcp, c, &s, &d, rd32be(p + 4), p[13], p + hl, n - hl,
                        file_off >= 0 ? file_off + (int64_t)hl : -1);
        break;
    }
    case 4:
    case 41:
        if (c->depth < MAX_DEPTH) {
            c->depth++;
            cap_decode_ip(dec, c, p, n);
            c->depth--;
        } else {
            cap_decoder_stats_mut(dec)->too_deep++;
        }
        break;
    case 47:
        if (c->depth < MAX_DEPTH) {
            c->depth++;
            decode_gre(dec, c, p, n);
            c->depth--;
        } else {
            cap_decoder_stats_mut(dec)->too_deep++;
        }
        break;
    default:
        break;
    }
    c->nlayers = save;
}

/* ------------------------------------------------------------ IP */

static void decode_ipv4(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    size_t hl, tl;
    struct cap_addr src, dst;
    uint16_t fo;
    bool trunc = c->truncated;

    if (n < 20 || (p[0] >> 4) != 4)
        return;
    hl = (size_t)(p[0] & 15) * 4;
    tl = rd16be(p + 2);
    if (hl < 20 || hl > n)
        return;
    if (tl < hl)
        tl = n; /* TSO captures write 0 */
    if (tl > n)
        trunc = true;
    else
        n = tl;
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    src.family = dst.family = 4;
    memcpy(src.ip, p + 12, 4);
    memcpy(dst.ip, p + 16, 4);
    cap_ctx_push(c, CAP_L_IPV4);
    fo = rd16be(p + 6);
    if ((fo & 0x2000) || (fo & 0x1FFF)) {
        const uint8_t *out;
        size_t outlen;
        int proto, rc;

        if (trunc)
            return; /* a cut fragment cannot be reassembled */
        rc = cap_frags_add(dec, dec->frags, 4, p + 12, p + 16, rd16be(p + 4), p[9],
                           (uint32_t)(fo & 0x1FFF) * 8, (fo & 0x2000) != 0, p + hl, n - hl,
                           c->rec->ts_ns, &out, &outlen, &proto);
        if (rc == 1) {
            cap_ctx_push(c, CAP_L_IPV4_FRAG);
            cap_decode_transport(dec, c, proto, &src, &dst, out, outlen, -1);
        }
        return;
    }
    c->truncated = trunc;
    cap_decode_transport(dec, c, p[9], &src, &dst, p + hl, n - hl, off_of(c, p + hl));
}

static void decode_ipv6(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    struct cap_addr src, dst;
    size_t plen, o = 40;
    int nh;
    bool trunc = c->truncated;
    int guard;

    if (n < 40 || (p[0] >> 4) != 6)
        return;
    plen = rd16be(p + 4);
    if (plen == 0)
        plen = n - 40; /* jumbogram or TSO */
    if (40 + plen > n)
        trunc = true;
    else
        n = 40 + plen;
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    src.family = dst.family = 6;
    memcpy(src.ip, p + 8, 16);
    memcpy(dst.ip, p + 24, 16);
    cap_ctx_push(c, CAP_L_IPV6);
    nh = p[6];
    for (guard = 0; guard < 16; guard++) {
        size_t len;

        if (nh == 0 || nh == 43 || nh == 60) {
            if (o + 8 > n)
                return;
            len = ((size_t)p[o + 1] + 1) * 8;
        } else if (nh == 51) {
            if (o + 8 > n)
                return;
            len = ((size_t)p[o + 1] + 2) * 4;
        } else if (nh == 44) {
            const uint8_t *out;
            size_t outlen;
            int proto, rc;
            uint16_t fo;

            if (o + 8 > n || trunc)
                return;
            fo = rd16be(p + o + 2);
            if ((fo & 0xFFF9) == 0) { /* atomic fragment: offset 0, M clear */
                nh = p[o];
                o += 8;
                continue;
            }
            rc = cap_frags_add(dec, dec->frags, 6, p + 8, p + 24, rd32be(p + o + 4), p[o],
                               fo & 0xFFF8, (fo & 1) != 0, p + o + 8, n - o - 8, c->rec->ts_ns,
                               &out, &outlen, &proto);
            if (rc == 1) {
                cap_ctx_push(c, CAP_L_IPV6_FRAG);
                cap_decode_transport(dec, c, proto, &src, &dst, out, outlen, -1);
            }
            return;
        } else {
            break;
        }
        if (o + len > n)
            return;
        nh = p[o];
        o += len;
    }
    c->truncated = trunc;
    cap_decode_transport(dec, c, nh, &src, &dst, p + o, n - o, off_of(c, p + o));
}

void cap_decode_ip(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    uint8_t save = c->nlayers;
    bool trunc = c->truncated;

    if (n < 1)
        return;
    if ((p[0] >> 4) == 4)
        decode_ipv4(dec, c, p, n);
    else if ((p[0] >> 4) == 6)
        decode_ipv6(dec, c, p, n);
    c->nlayers = save;
    c->truncated = trunc;
}

/* ------------------------------------------------------------ link layers */

static void decode_ethertype(struct cap_decoder *dec, struct cap_ctx *c, uint16_t type,
                             const uint8_t *p, size_t n)
{
    int guard;

    for (guard = 0; guard < 16; guard++) {
        switch (type) {
        case 0x0800:
        case 0x86DD:
            cap_decode_ip(dec, c, p, n);
            return;
        case 0x8100:
        case 0x88A8:
        case 0x9100:
            if (n < 4)
                return;
            cap_ctx_push(c, CAP_L_VLAN);
            type = rd16be(p + 2);
            p += 4;
            n -= 4;
            break;
        case 0x8847:
        case 0x8848: {
            bool bottom = false;

            cap_ctx_push(c, CAP_L_MPLS);
            while (!bottom) {
                if (n < 4)
                    return;
                bottom = (p[2] & 1) != 0;
                p += 4;
                n -= 4;
            }
            if (n > 0 && ((p[0] >> 4) == 4 || (p[0] >> 4) == 6))
                cap_decode_ip(dec, c, p, n);
            return;
        }
        case 0x8864: /* PPPoE session */
            if (n < 8)
                return;
            cap_ctx_push(c, CAP_L_PPPOE);
            if (rd16be(p + 6) == 0x0021 || rd16be(p + 6) == 0x0057)
                cap_decode_ip(dec, c, p + 8, n - 8);
            return;
        default:
            /* Up to 1500 it is an IEEE 802.3 length, not a type (Linux
             * cooked captures put 4 there for 802.2 frames): an LLC header
             * follows.  Only SNAP (AA AA 03) with OUI 0 says which
             * EtherType it carries (RFC 1042). */
            if (type > 1500 || n < 8)
                return;
            if (type >= 8 && type < n)
                n = type; /* the length leaves out the padding of short frames */
            if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03 || p[3] || p[4] || p[5])
                return;
            cap_ctx_push(c, CAP_L_LLC);
            type = rd16be(p + 6);
            p += 8;
            n -= 8;
            break;
        }
    }
}

void cap_decoder_feed(struct cap_decoder *dec, const struct cap_record *rec)
{
    struct cap_ctx c;
    const uint8_t *p = rec->data;
    size_t n = rec->caplen;

    memset(&c, 0, sizeof(c));
    c.rec = rec;
    c.truncated = rec->caplen < rec->origlen;
    dec->st.frames++;
    dec->emitted_frame = 0;
    cap_frags_expire(dec, dec->frags, rec->ts_ns, false);
    switch (rec->linktype) {
    case 1: /* Ethernet */
        if (n < 14)
            break;
        cap_ctx_push(&c, CAP_L_ETH);
        decode_ethertype(dec, &c, rd16be(p + 12), p + 14, n - 14);
        break;
    case 113: /* Linux cooked */
        if (n < 16)
            break;
        cap_ctx_push(&c, CAP_L_SLL);
        decode_ethertype(dec, &c, rd16be(p + 14), p + 16, n - 16);
        break;
    case 276: /* Linux cooked v2 */
        if (n < 20)
            break;
        cap_ctx_push(&c, CAP_L_SLL2);
        decode_ethertype(dec, &c, rd16be(p), p + 20, n - 20);
        break;
    case 101:
    case 12:
    case 14:
    case 228:
    case 229: /* raw IP */
        cap_ctx_push(&c, CAP_L_RAW);
        cap_decode_ip(dec, &c, p, n);
        break;
    case 0:     /* BSD NULL: AF in the capturing host's byte order */
    case 108: { /* OpenBSD LOOP: AF in network order */
        uint32_t af;

        if (n < 4)
            break;
        af = rec->linktype == 108 ? rd32be(p) : rd32le(p);
        if (rec->linktype == 0 && af > 0xFFFF)
            af = rd32be(p);
        cap_ctx_push(&c, CAP_L_NULL);
        if (af == 2 || af == 24 || af == 28 || af == 30)
            cap_decode_ip(dec, &c, p + 4, n - 4);
        break;
    }
    default:
        break;
    }
    if (dec->emitted_frame == 0)
        dec->st.undecodable++;
}

void cap_decoder_flush(struct cap_decoder *dec)
{
    cap_frags_expire(dec, dec->frags, 0, true);
    cap_tcp_flush(dec, dec->tcp);
}
