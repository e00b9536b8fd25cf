/*
 * save_calls: export_calls, calls of the store -> a pcap/pcapng file of
 * synthesized frames, or a text file (ladder + messages).
 *
 * The store keeps what a message needs to be rebuilt: capture time,
 * endpoints (address + port), transport and bytes (re-read from the
 * capture with store_msg_bytes).  Frames are built from those, not copied
 * from the input, so a SIP message that came over IP fragments, a TCP
 * stream split across segments or inside a tunnel comes out as one plain
 * datagram or segment run that any tool reads:
 *
 *   [Ethernet II | nothing (LINKTYPE_RAW)] + IPv4 (DF, checksum) or IPv6
 *   + UDP (checksum) | TCP (PSH|ACK, seq/ack per connection, checksum)
 *   | SCTP (one DATA chunk per message, CRC32c)
 *   | TCP carrying WebSocket frames (after a made-up HTTP upgrade)
 *
 * TCP: each connection (unordered endpoint pair) keeps a next sequence
 * number per direction, starting at a fixed ISN, and every segment acks
 * the peer's bytes so far; a message over TCP_SEG_MAX bytes is split.
 * SCTP: an association per endpoint pair with fixed verification tags,
 * TSN and stream sequence number per direction, stream 0, PPID 0 (the
 * store does not keep the original); a message too large for one IP
 * packet is split into B ... E fragments.  WebSocket (RFC 7118): the first
 * message of a connection is preceded by an HTTP upgrade (subprotocol
 * "sip") from the client (the endpoint with the higher port) so that
 * readers know the stream is WebSocket; each message is one text frame,
 * masked from client to server as RFC 6455 requires.  TLS can only be
 * written as the decrypted text over plain TCP (counted in res->retyped).
 *
 * A regular file is written under a temporary name and renamed into place
 * (a failed save changes nothing); devices and "-" are written in place.
 *
 * Thread: the store's owner (UI thread for the save dialog, main thread
 * for --save).  Ownership: everything allocated here is freed here.
 */
#include "export.h"
#include "export_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ladder.h"
#include "rtp.h"
#include "store.h"
#include "util.h"

#define TCP_SEG_MAX 1448u  /* payload bytes per synthesized TCP segment */
#define UDP_MAX     65507u /* largest UDP payload over IPv4 */
#define SCTP_DATA_MAX                                                                              \
    65000u /* user data per DATA chunk: the packet fits in                                         \
              IPv4's 16-bit total length */
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW      101

struct save_item {
    const struct store_call *call;
    const struct store_msg *msg;  /* SIP message, or for RTP a made-up entry */
    const struct rtp_stream *rtp; /* RTP packet of this stream (msg: its position) */
};

/* A TCP connection or SCTP association between two endpoints. */
struct conn {
    struct cap_addr a, b; /* a: the side that sent first */
    int proto;            /* 6 (TCP, also WebSocket and TLS) or 132 (SCTP) */
    uint32_t next[2];     /* next TCP sequence number or SCTP TSN: [0] a->b, [1] b->a */
    uint32_t tag[2];      /* SCTP verification tag carried by [0] a->b, [1] b->a */
    uint16_t ssn[2];      /* SCTP stream sequence number of stream 0 */
    bool ws_open;         /* WebSocket: the upgrade is written */
    int ws_client;        /* WebSocket: direction from client to server (0 or 1) */
    uint32_t ws_frames;   /* WebSocket: frames written (varies the masking key) */
};

struct save_ctx {
    const struct store *s;
    struct export_writer *w;
    const struct export_opts *o;
    struct export_result *res;
    struct conn *conns; /* owned */
    size_t nconns, conns_cap;
    uint16_t ip_id;
    uint8_t *frame; /* owned scratch buffer */
    size_t frame_cap;
    uint8_t *l4buf; /* owned scratch: SCTP chunk or WebSocket frame */
    size_t l4buf_cap;
    uint32_t crc32c[256]; /* CRC32c (Castagnoli) table for SCTP */
};

/* ------------------------------------------------------------ checksums */

static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        acc += (uint32_t)(p[n - 1] << 8);
    return acc;
}

static void crc32c_init(uint32_t *tab)
{
    uint32_t i, k, c;

    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        tab[i] = c;
    }
}

/* SCTP's checksum (RFC 4960 appendix B, RFC 3309). */
static uint32_t crc32c(const uint32_t *tab, const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;

    for (i = 0; i < n; i++)
        c = tab[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    return (uint16_t)~acc;
}

static void put16be(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v)
{
    put16be(p, (uint16_t)(v >> 16));
    put16be(p + 2, (uint16_t)v);
}

/* ------------------------------------------------------------ frames */

/* Builds one frame around payload (len bytes) and writes it.  l4 is 17
 * (UDP), 6 (TCP, with seq/ack) or 132 (SCTP: seq is the verification tag,
 * payload the chunks). */
static int emit(struct save_ctx *c, int64_t ts, const struct cap_addr *src,
                const struct cap_addr *dst, int l4, uint32_t seq, uint32_t ack,
                const uint8_t *payload, size_t len, struct err *d)
{
    size_t l2 = c->o->link == EXPORT_LINK_RAW ? 0 : 14;
    size_t l3 = src->family == 6 ? 40 : 20;
    size_t l4len = l4 == 17 ? 8 : l4 == 132 ? 12 : 20;
    size_t total = l2 + l3 + l4len + len;
    uint8_t *f, *ip, *th;
    uint32_t acc;
    struct export_record rec;

    if (total > c->frame_cap) {
        c->frame_cap = total + 1024;
        c->frame = xrealloc(c->frame, c->frame_cap);
    }
    f = c->frame;
    memset(f, 0, l2 + l3 + l4len);
    if (l2) {
        /* Locally administered MACs carrying the last IPv4/IPv6 bytes,
         * so each endpoint keeps one MAC. */
        const uint8_t *dip = dst->family == 6 ? dst->ip + 12 : dst->ip;
        const uint8_t *sip = src->family == 6 ? src->ip + 12 : src->ip;

        f[0] = 0x02;
        memcpy(f + 2, dip, 4);
        f[6] = 0x02;
        memcpy(f + 8, sip, 4);
        put16be(f + 12, src->family == 6 ? 0x86DD : 0x0800);
    }
    ip = f + l2;
    th = ip + l3;
    if (src->family == 6) {
        ip[0] = 0x60;
        put16be(ip + 4, (uint16_t)(l4len + len));
        ip[6] = (uint8_t)l4;
        ip[7] = 64;
        memcpy(ip + 8, src->ip, 16);
        memcpy(ip + 24, dst->ip, 16);
        acc = sum16(0, ip + 8, 32);
    } else {
        ip[0] = 0x45;
        put16be(ip + 2, (uint16_t)(l3 + l4len + len));
        put16be(ip + 4, c->ip_id++);
        ip[6] = 0x40; /* DF */
        ip[8] = 64;
        ip[9] = (uint8_t)l4;
        memcpy(ip + 12, src->ip, 4);
        memcpy(ip + 16, dst->ip, 4);
        put16be(ip + 10, fold(sum16(0, ip, 20)));
        acc = sum16(0, ip + 12, 8);
    }
    acc += (uint32_t)l4 + (uint32_t)(l4len + len);
    put16be(th, src->port);
    put16be(th + 2, dst->port);
    if (l4 == 17) {
        put16be(th + 4, (uint16_t)(8 + len));
    } else if (l4 == 6) {
        put32be(th + 4, seq);
        put32be(th + 8, ack);
        th[12] = 5 << 4;
        th[13] = 0x18; /* PSH|ACK */
        put16be(th + 14, 65535);
    } else {
        put32be(th + 4, seq);
    }
    memcpy(th + l4len, payload, len);
    if (l4 == 132) {
        /* CRC32c over the SCTP packet, stored least significant byte
         * first (the bit order of RFC 4960 appendix B). */
        uint32_t crc = crc32c(c->crc32c, th, l4len + len);

        th[8] = (uint8_t)crc;
        th[9] = (uint8_t)(crc >> 8);
        th[10] = (uint8_t)(crc >> 16);
        th[11] = (uint8_t)(crc >> 24);
    } else {
        uint16_t ck;

        acc = sum16(acc, th, l4len + len);
        ck = fold(acc);
        if (l4 == 17 && ck == 0)
            ck = 0xFFFF; /* UDP: 0 means "no checksum" */
        put16be(th + (l4 == 17 ? 6 : 16), ck);
    }
    rec.ts_ns = ts;
    rec.linktype = l2 ? LINKTYPE_ETHERNET : LINKTYPE_RAW;
    rec.data = f;
    rec.caplen = rec.origlen = (uint32_t)total;
    if (export_writer_write(c->w, &rec, d) < 0)
        return -1;
    c->res->frames++;
    return 0;
}

static struct conn *conn_get(struct save_ctx *c, int proto, const struct cap_addr *src,
                             const struct cap_addr *dst, int *dir)
{
    size_t i;
    struct conn *t;

    for (i = 0; i < c->nconns; i++) {
        t = &c->conns[i];
        if (t->proto != proto)
            continue;
        if (cap_addr_eq(&t->a, src) && cap_addr_eq(&t->b, dst)) {
            *dir = 0;
            return t;
        }
        if (cap_addr_eq(&t->a, dst) && cap_addr_eq(&t->b, src)) {
            *dir = 1;
            return t;
        }
    }
    if (c->nconns == c->conns_cap) {
        c->conns_cap = c->conns_cap ? c->conns_cap * 2 : 16;
        c->conns = xrealloc(c->conns, c->conns_cap * sizeof(*c->conns));
    }
    t = &c->conns[c->nconns++];
    memset(t, 0, sizeof *t);
    t->a = *src;
    t->b = *dst;
    t->proto = proto;
    /* Fixed ISNs and tags (distinct per connection) keep saves
     * reproducible. */
    t->next[0] = 1000000u * (uint32_t)c->nconns + 1;
    t->next[1] = 1000000u * (uint32_t)c->nconns + 500001;
    t->tag[0] = 0x51D00000u + 2u * (uint32_t)c->nconns;
    t->tag[1] = t->tag[0] + 1;
    /* WebSocket: the server is the endpoint with the lower port (8080,
     * 443, 5066 ... against an ephemeral one); on a tie the receiver of
     * the first message. */
    t->ws_client = src->port >= dst->port ? 0 : 1;
    *dir = 0;
    return t;
}

static uint8_t *l4buf(struct save_ctx *c, size_t n)
{
    if (n > c->l4buf_cap) {
        c->l4buf_cap = n + 1024;
        c->l4buf = xrealloc(c->l4buf, c->l4buf_cap);
    }
    return c->l4buf;
}

/* Bytes on a TCP connection in direction dir, in segments of at most
 * TCP_SEG_MAX, each acking what the peer sent so far. */
static int tcp_send(struct save_ctx *c, int64_t ts, struct conn *t, int dir, const uint8_t *p,
                    size_t len, struct err *d)
{
    const struct cap_addr *src = dir ? &t->b : &t->a, *dst = dir ? &t->a : &t->b;
    size_t off = 0;

    do {
        size_t n = len - off > TCP_SEG_MAX ? TCP_SEG_MAX : len - off;

        if (emit(c, ts, src, dst, 6, t->next[dir], t->next[!dir], p + off, n, d) < 0)
            return -1;
        t->next[dir] += (uint32_t)n;
        off += n;
    } while (off < len);
    return 0;
}

/* One message as SCTP DATA: one chunk with B and E set, or B ... E
 * fragments (consecutive TSNs, one stream sequence number) when it does
 * not fit in one packet. */
static int sctp_send(struct save_ctx *c, int64_t ts, const struct cap_addr *src,
                     const struct cap_addr *dst, const uint8_t *p, size_t len, struct err *d)
{
    int dir;
    struct conn *t = conn_get(c, 132, src, dst, &dir);
    size_t off = 0;

    do {
        size_t n = len - off > SCTP_DATA_MAX ? SCTP_DATA_MAX : len - off;
        size_t clen = 16 + n, padded = (clen + 3) & ~(size_t)3;
        uint8_t *ch = l4buf(c, padded);

        ch[0] = 0;                                                        /* DATA */
        ch[1] = (uint8_t)((off == 0 ? 2 : 0) | (off + n == len ? 1 : 0)); /* B, E */
        put16be(ch + 2, (uint16_t)clen);
        put32be(ch + 4, t->next[dir]++);
        put16be(ch + 8, 0); /* stream */
        put16be(ch + 10, t->ssn[dir]);
        put32be(ch + 12, 0); /* PPID: unspecified */
        memcpy(ch + 16, p + off, n);
        memset(ch + clen, 0, padded - clen);
        if (emit(c, ts, src, dst, 132, t->tag[dir], 0, ch, padded, d) < 0)
            return -1;
        off += n;
    } while (off < len);
    t->ssn[dir]++;
    return 0;
}

/* One message as a WebSocket text frame on its TCP connection; the first
 * one of a connection is preceded by the HTTP upgrade that tells readers
 * (Wireshark, sipdx) the stream is WebSocket carrying SIP. */
static int ws_send(struct save_ctx *c, int64_t ts, const struct cap_addr *src,
                   const struct cap_addr *dst, const uint8_t *p, size_t len, struct err *d)
{
    int dir;
    struct conn *t = conn_get(c, 6, src, dst, &dir);
    bool masked = dir == t->ws_client;
    size_t hl = 2 + (len > 65535 ? 8 : len > 125 ? 2 : 0) + (masked ? 4 : 0), i;
    uint8_t *f, key[4];

    if (!t->ws_open) {
        const struct cap_addr *srv = t->ws_client ? &t->a : &t->b;
        char host[64];
        struct strbuf h;
        int rc;

        /* The key and accept value are RFC 6455's own example pair. */
        cap_addr_format(srv, true, host, sizeof host);
        sb_init(&h);
        sb_printf(&h,
                  "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n",
                  host);
        rc = tcp_send(c, ts, t, t->ws_client, (const uint8_t *)h.s, h.len, d);
        sb_reset(&h);
        sb_puts(&h, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                    "Sec-WebSocket-Protocol: sip\r\n\r\n");
        if (rc == 0)
            rc = tcp_send(c, ts, t, !t->ws_client, (const uint8_t *)h.s, h.len, d);
        sb_fini(&h);
        if (rc < 0)
            return -1;
        t->ws_open = true;
    }
    f = l4buf(c, hl + len);
    f[0] = 0x81; /* FIN, text */
    if (len > 65535) {
        f[1] = 127;
        put32be(f + 2, (uint32_t)((uint64_t)len >> 32));
        put32be(f + 6, (uint32_t)len);
    } else if (len > 125) {
        f[1] = 126;
        put16be(f + 2, (uint16_t)len);
    } else {
        f[1] = (uint8_t)len;
    }
    memcpy(f + hl, p, len);
    if (masked) {
        /* A fixed sequence of keys keeps saves reproducible. */
        put32be(key, 0x9E3779B9u * ++t->ws_frames);
        f[1] |= 0x80;
        memcpy(f + hl - 4, key, 4);
        for (i = 0; i < len; i++)
            f[hl + i] ^= key[i & 3];
    }
    return tcp_send(c, ts, t, dir, f, hl + len, d);
}

static int emit_msg(struct save_ctx *c, const struct store_msg *m, const uint8_t *bytes, size_t len,
                    struct err *d)
{
    const struct cap_addr *src = store_endpoint(c->s, m->src_ep);
    const struct cap_addr *dst = store_endpoint(c->s, m->dst_ep);
    struct conn *t;
    int dir;

    if (!src || !dst)
        return 0;
    if (m->transport == CAP_TRANSPORT_UDP && len <= UDP_MAX)
        return emit(c, m->ts_ns, src, dst, 17, 0, 0, bytes, len, d);
    if (m->transport == CAP_TRANSPORT_SCTP)
        return sctp_send(c, m->ts_ns, src, dst, bytes, len, d);
    if (m->transport == CAP_TRANSPORT_WS)
        return ws_send(c, m->ts_ns, src, dst, bytes, len, d);
    if (m->transport == CAP_TRANSPORT_WSS) {
        c->res->retyped++; /* decrypted: plain WebSocket over TCP */
        return ws_send(c, m->ts_ns, src, dst, bytes, len, d);
    }
    if (m->transport == CAP_TRANSPORT_TLS)
        c->res->retyped++;
    t = conn_get(c, 6, src, dst, &dir);
    return tcp_send(c, m->ts_ns, t, dir, bytes, len, d);
}

/* ------------------------------------------------------------ order */

static int item_cmp(const void *pa, const void *pb)
{
    const struct save_item *a = pa, *b = pb;

    if (a->msg->ts_ns != b->msg->ts_ns)
        return a->msg->ts_ns < b->msg->ts_ns ? -1 : 1;
    if (a->msg->source != b->msg->source)
        return a->msg->source < b->msg->source ? -1 : 1;
    if (a->msg->frame != b->msg->frame)
        return a->msg->frame < b->msg->frame ? -1 : 1;
    /* Several messages of one frame (a TCP segment carrying two): keep
     * their order within the call, then by call. */
    if (a->call != b->call)
        return a->call->id < b->call->id ? -1 : 1;
    if (!a->rtp != !b->rtp)
        return a->rtp ? 1 : -1;
    return a->msg < b->msg ? -1 : a->msg > b->msg;
}

/* ------------------------------------------------------------ text */

/* One message's bytes, line by line, each line escaped (CR LF ends a line;
 * any other control byte is shown as an escape). */
static void text_message(struct strbuf *out, const char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i, e;

        while (j < n && p[j] != '\n')
            j++;
        e = j;
        if (e > i && p[e - 1] == '\r')
            e--;
        sb_puts(out, "    ");
        sb_append_escaped(out, p + i, e - i);
        sb_putc(out, '\n');
        i = j < n ? j + 1 : j;
    }
}

static int text_flush(FILE *f, struct strbuf *b, const char *path, struct err *d)
{
    if (b->len && fwrite(b->s, 1, b->len, f) != b->len) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "write failed: %s", strerror(errno));
        return -1;
    }
    sb_reset(b);
    return 0;
}

static int save_text(const struct store *s, const struct store_call *const *calls, size_t n,
                     const char *path, const struct export_opts *o, struct export_result *res,
                     bool *created, struct err *d)
{
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    struct strbuf b, tmp;
    size_t i;
    uint32_t k;
    int rc = 0;

    if (!f) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "cannot create: %s", strerror(errno));
        return -1;
    }
    *created = !to_stdout;
    sb_init(&b);
    sb_init(&tmp);
    for (i = 0; i < n && rc == 0; i++) {
        const struct store_call *c = calls[i];

        if (i)
            sb_puts(&b, "\n");
        if (o->ladder) {
            struct ladder_opts lo;
            struct ladder l;

            memset(&lo, 0, sizeof(lo));
            lo.kb = o->kb;
            ladder_build(&l, s, &c, 1, &lo);
            ladder_render_text(&l, &b);
            ladder_fini(&l);
        } else {
            sb_puts(&b, "Call-ID: ");
            sb_append_escaped(&b, c->call_id, c->call_id_len);
            sb_putc(&b, '\n');
        }
        for (k = 0; k < c->nmsgs && rc == 0; k++) {
            const struct store_msg *m = &c->msgs[k];
            char t[64], src[64], dst[64];

            fmt_time_utc(m->ts_ns, t, sizeof t);
            cap_addr_format(store_endpoint(s, m->src_ep), true, src, sizeof src);
            cap_addr_format(store_endpoint(s, m->dst_ep), true, dst, sizeof dst);
            sb_printf(&b, "\n--- message %u/%u  %s  %s -> %s  %s  frame %llu%s\n", k + 1, c->nmsgs,
                      t, src, dst, cap_transport_name((enum cap_transport)m->transport),
                      (unsigned long long)m->frame,
                      (m->flags & STORE_MSG_RESENT) ? "  [resent]" : "");
            if (store_msg_bytes(s, m, &tmp) != 0) {
                sb_puts(&b, "    (bytes could not be re-read from the capture)\n");
                res->unreadable++;
            } else {
                text_message(&b, tmp.s ? tmp.s : "", tmp.len);
                res->messages++;
            }
            if (b.len > 65536)
                rc = text_flush(f, &b, path, d);
        }
        res->calls++;
    }
    if (rc == 0)
        rc = text_flush(f, &b, path, d);
    if (to_stdout) {
        if (fflush(f) != 0 && rc == 0) {
            err_set(d, "write failed: %s", strerror(errno));
            rc = -1;
        }
    } else if (fclose(f) != 0 && rc == 0) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "write failed: %s", strerror(errno));
        rc = -1;
    }
    sb_fini(&b);
    sb_fini(&tmp);
    return rc;
}

/* ------------------------------------------------------------ API */

struct rtp_sel {
    uint32_t id;
    const struct rtp_stream *st;
    const struct store_call *call;
};

static int sel_cmp(const void *a, const void *b)
{
    uint32_t x = ((const struct rtp_sel *)a)->id, y = ((const struct rtp_sel *)b)->id;

    return x < y ? -1 : x > y;
}

/* The RTP packets kept (--rtp-store) for the streams of these calls,
 * appended to items with made-up store_msg entries (*ents, owned by the
 * caller) that say where each payload sits in its source file. */
static void rtp_items(const struct export_opts *o, const struct store_call *const *calls, size_t n,
                      struct save_item **items, size_t *nitems, struct store_msg **ents)
{
    const struct rtp_pkt_ref *pk;
    const struct rtp_stream *st[64];
    struct rtp_sel *sel = NULL, key;
    size_t npk = 0, i, k, nsel = 0, added = 0;

    pk = o->rtp ? rtp_table_packets(o->rtp, &npk) : NULL;
    if (!pk)
        return;
    for (i = 0; i < n; i++) {
        size_t ns =
            rtp_table_call_streams(o->rtp, calls[i]->call_id, calls[i]->call_id_len, st, 64);

        sel = xrealloc(sel, (nsel + (ns < 64 ? ns : 64) + 1) * sizeof(*sel));
        for (k = 0; k < ns && k < 64; k++) {
            sel[nsel].id = st[k]->id;
            sel[nsel].st = st[k];
            sel[nsel++].call = calls[i];
        }
    }
    if (nsel)
        qsort(sel, nsel, sizeof(*sel), sel_cmp);
    *ents = xmalloc((npk ? npk : 1) * sizeof(**ents));
    *items = xrealloc(*items, (*nitems + npk + 1) * sizeof(**items));
    for (i = 0; i < npk && nsel; i++) {
        const struct rtp_sel *hit;
        struct store_msg *e = &(*ents)[added];

        key.id = pk[i].stream;
        hit = bsearch(&key, sel, nsel, sizeof(*sel), sel_cmp);
        if (!hit)
            continue;
        memset(e, 0, sizeof(*e));
        e->ts_ns = pk[i].ts_ns;
        e->frame = pk[i].frame;
        e->file_off = pk[i].file_off;
        e->len = pk[i].len;
        e->source = (uint16_t)pk[i].source;
        e->transport = CAP_TRANSPORT_UDP;
        (*items)[*nitems].call = hit->call;
        (*items)[*nitems].msg = e;
        (*items)[*nitems].rtp = hit->st;
        (*nitems)++;
        added++;
    }
    free(sel);
}

static int save_packets(const struct store *s, const struct store_call *const *calls, size_t n,
                        const char *path, enum export_format fmt, const struct export_opts *o,
                        struct export_result *res, bool *created, struct err *d)
{
    struct save_ctx c;
    struct save_item *items = NULL;
    struct store_msg *rtp_ents = NULL; /* positions of the RTP packets (owned) */
    struct strbuf tmp;
    size_t i, nitems = 0, total = 0;
    int rc = 0;

    memset(&c, 0, sizeof c);
    c.s = s;
    c.o = o;
    c.res = res;
    c.ip_id = 1;
    crc32c_init(c.crc32c);
    c.w = export_writer_open(path, fmt, d);
    if (!c.w)
        return -1;
    *created = strcmp(path, "-") != 0;
    for (i = 0; i < n; i++)
        total += calls[i]->nmsgs;
    items = xmalloc((total ? total : 1) * sizeof *items);
    for (i = 0; i < n; i++) {
        uint32_t k;

        for (k = 0; k < calls[i]->nmsgs; k++) {
            items[nitems].call = calls[i];
            items[nitems].rtp = NULL;
            items[nitems++].msg = &calls[i]->msgs[k];
        }
        res->calls++;
    }
    rtp_items(o, calls, n, &items, &nitems, &rtp_ents);
    qsort(items, nitems, sizeof *items, item_cmp);
    sb_init(&tmp);
    for (i = 0; i < nitems && rc == 0; i++) {
        const struct rtp_stream *r = items[i].rtp;

        if (r && ((items[i].msg->flags & STORE_MSG_OWNED) || items[i].msg->file_off < 0)) {
            res->rtp_unreadable++; /* stdin, gzip or reassembled: no bytes to re-read */
            continue;
        }
        if (store_msg_bytes(s, items[i].msg, &tmp) != 0) {
            if (r)
                res->rtp_unreadable++;
            else
                res->unreadable++;
            continue;
        }
        if (r) {
            rc = emit(&c, items[i].msg->ts_ns, &r->src, &r->dst, 17, 0, 0,
                      (const uint8_t *)(tmp.s ? tmp.s : ""), tmp.len, d);
            if (rc == 0)
                res->rtp++;
            continue;
        }
        rc = emit_msg(&c, items[i].msg, (const uint8_t *)(tmp.s ? tmp.s : ""), tmp.len, d);
        if (rc == 0)
            res->messages++;
    }
    if (export_writer_close(c.w, rc == 0 ? d : &(struct err){0}) < 0)
        rc = -1;
    sb_fini(&tmp);
    free(items);
    free(rtp_ents);
    free(c.conns);
    free(c.frame);
    free(c.l4buf);
    return rc;
}

int export_calls(const struct store *s, const uint64_t *ids, size_t n, const char *path,
                 const struct export_opts *opts, struct export_result *res, struct err *d)
{
    const struct store_call **calls = xmalloc((n ? n : 1) * sizeof *calls);
    enum export_format fmt = opts->fmt;
    struct strbuf tmp;
    struct stat st;
    const char *target = path;
    size_t i, nc = 0;
    bool created = false, via_tmp;
    int rc;

    memset(res, 0, sizeof *res);
    if (fmt == EXPORT_FMT_AUTO)
        fmt = export_format_from_path(path);
    if (fmt == EXPORT_FMT_UNKNOWN) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "unknown file type: name it " EXPORT_EXTENSIONS);
        free(calls);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_get(s, ids[i]);

        if (c)
            calls[nc++] = c;
    }
    /* A regular file (or a new one) is written under a temporary name and
     * renamed at the end, so a failed save leaves the old file as it was
     * and no partial file behind.  Anything else ("-", a device, a FIFO)
     * is written in place and never removed. */
    sb_init(&tmp);
    via_tmp = strcmp(path, "-") != 0 && (stat(path, &st) != 0 || S_ISREG(st.st_mode));
    if (via_tmp) {
        sb_printf(&tmp, "%s.sipdx-%ld.tmp", path, (long)getpid());
        target = tmp.s;
    }
    if (fmt == EXPORT_FMT_TEXT)
        rc = save_text(s, calls, nc, target, opts, res, &created, d);
    else if (fmt >= EXPORT_FMT_HTML)
        rc = share_save(s, calls, nc, target, fmt, opts, res, &created, d);
    else
        rc = save_packets(s, calls, nc, target, fmt, opts, res, &created, d);
    if (via_tmp && created) {
        if (rc == 0 && rename(target, path) != 0) {
            err_clear(d);
            snprintf(d->file, sizeof d->file, "%s", path);
            err_set(d, "cannot rename the saved file into place: %s", strerror(errno));
            rc = -1;
        }
        if (rc < 0)
            unlink(target);
    }
    if (rc < 0 && via_tmp)
        snprintf(d->file, sizeof d->file, "%s", path); /* name the user's file, not ours */
    sb_fini(&tmp);
    free(calls);
    return rc;
}
