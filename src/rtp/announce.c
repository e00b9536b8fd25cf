/*
 * rtp announce: the media an SDP body announces (c= address, m= port,
 * payload types with their a=rtpmap names, direction, RTCP port), for
 * the capture thread's matching (tracker.c) and, re-read from the store
 * when a view or an output asks, for findings and the media table: the
 * UI side keeps no copy of them (a call's SDP costs nothing until shown).
 * Pure functions; any thread (the store reader: the store's owner).
 */
#include "rtp.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "rtp_int.h"
#include "sip.h"
#include "store.h"
#include "util.h"

static int parse_ip(const char *s, size_t n, struct cap_addr *a)
{
    char buf[64];

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, buf, a->ip) == 1) {
        a->family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, a->ip) == 1) {
        a->family = 6;
        return 0;
    }
    return -1;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

size_t rtp_announces_from_msg(const struct sip_msg *m, int64_t ts_ns, uint64_t frame,
                              const struct cap_addr *sig_src, struct rtp_announce *out, size_t max)
{
    struct sdp sdp;
    struct sip_str cid = m->first[SIP_HDR_CALL_ID];
    size_t n = 0;
    int i, k;

    if (m->body.len < 4 || memcmp(m->buf + m->body.off, "v=", 2) != 0)
        return 0;
    if (sdp_parse(m, m->body, &sdp) != 0) {
        sdp_fini(&sdp);
        return 0;
    }
    for (i = 0; i < sdp.nmedia && i < 255 && n < max; i++) {
        const struct sdp_media *md = &sdp.media[i];
        struct sip_str conn = SIP_STR_PRESENT(md->conn) ? md->conn : sdp.conn;
        struct rtp_announce *a = &out[n];

        memset(a, 0, sizeof(*a));
        if (parse_ip(m->buf + conn.off, conn.len, &a->addr) != 0)
            continue;
        a->addr.port = md->port;
        copy_str(a->call_id, sizeof(a->call_id), m->buf + cid.off, cid.len);
        a->ts_ns = ts_ns;
        a->frame = frame;
        a->sig_src = *sig_src;
        a->is_request = m->is_request;
        a->status = (uint16_t)m->status;
        if (m->is_request)
            copy_str(a->method, sizeof(a->method), m->buf + m->method_str.off, m->method_str.len);
        else
            copy_str(a->method, sizeof(a->method), m->buf + m->cseq_method_str.off,
                     m->cseq_method_str.len);
        a->media_index = (uint8_t)i;
        copy_str(a->media, sizeof(a->media), m->buf + md->type.off, md->type.len);
        copy_str(a->proto, sizeof(a->proto), m->buf + md->proto.off, md->proto.len);
        a->dir = (uint8_t)(md->dir != SDP_DIR_NONE ? md->dir : sdp.dir);
        a->rtcp_port = md->rtcp_port > 0 ? (uint16_t)md->rtcp_port : (uint16_t)(md->port + 1);
        for (k = 0; k < md->npts && a->npts < RTP_PT_MAX; k++) {
            struct rtp_ptmap *pm = &a->pts[a->npts];
            int j;

            if (md->pts[k] < 0 || md->pts[k] > 127)
                continue;
            rtp_ptmap_static((uint8_t)md->pts[k], pm);
            for (j = 0; j < md->nmaps; j++) {
                if (md->maps[j].pt != md->pts[k])
                    continue;
                copy_str(pm->name, sizeof(pm->name), m->buf + md->maps[j].encoding.off,
                         md->maps[j].encoding.len);
                pm->rate = md->maps[j].rate > 0 ? (uint32_t)md->maps[j].rate : 0;
                break;
            }
            a->npts++;
        }
        n++;
    }
    sdp_fini(&sdp);
    return n;
}

size_t rtp_call_announces(const struct store *s, const struct store_call *c,
                          struct rtp_announce *out, size_t max)
{
    struct strbuf b;
    size_t n = 0;
    uint32_t i;

    sb_init(&b);
    for (i = 0; i < c->nmsgs && n < max; i++) {
        const struct store_msg *sm = &c->msgs[i];
        const struct cap_addr *src = store_endpoint(s, sm->src_ep);
        struct sip_msg m;

        if (!(sm->flags & STORE_MSG_SDP) || (sm->flags & STORE_MSG_RESENT) || !src)
            continue;
        if (store_msg_parse(s, sm, &b, &m) == 0)
            n += rtp_announces_from_msg(&m, sm->ts_ns, sm->frame, src, out + n, max - n);
        sip_msg_fini(&m);
    }
    sb_fini(&b);
    return n;
}
