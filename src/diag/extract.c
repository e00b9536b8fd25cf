/*
 * extract: re-reads the messages of one call and keeps the facts the
 * diagnostic rules need (struct dmsg).  Runs on the store's owner thread;
 * the returned array is owned by the caller, the struct store_msg pointers
 * in it are borrowed from the call.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag_int.h"
#include "sip.h"
#include "util.h"

bool diag_ip_private(const char *host)
{
    unsigned char a[16];

    if (inet_pton(AF_INET, host, a) == 1) {
        return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
               (a[0] == 100 && (a[1] & 0xc0) == 64) || (a[0] == 169 && a[1] == 254);
    }
    if (inet_pton(AF_INET6, host, a) == 1)
        return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
    return false;
}

static int str_int(const struct sip_msg *m, struct sip_str v)
{
    const char *p = sip_str_ptr(m, v);
    long n = 0;
    uint32_t i;

    if (!SIP_STR_PRESENT(v))
        return -1;
    for (i = 0; i < v.len && (p[i] == ' ' || p[i] == '\t'); i++)
        ;
    if (i >= v.len || p[i] < '0' || p[i] > '9')
        return -1;
    for (; i < v.len && p[i] >= '0' && p[i] <= '9'; i++)
        if (n < 100000000)
            n = n * 10 + (p[i] - '0');
    return (int)n;
}

static void copy_host(const struct sip_msg *m, struct sip_str v, char *out)
{
    sip_str_copy(m, v, out, DMSG_HOST);
}

/* The a= lines no parsed SDP field keeps: crypto and fingerprint (SRTP,
 * DTLS-SRTP) and ptime, of the session or of the first audio stream. */
static void sdp_attr_facts(const struct sip_msg *m, struct dmsg *d)
{
    const char *p = sip_str_ptr(m, m->body), *end = p + m->body.len;
    int section = 0; /* 0 session, 1 first audio, 2 other */
    bool seen_audio = false;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);

        if (len >= 8 && strncmp(p, "m=audio ", 8) == 0) {
            section = seen_audio ? 2 : 1;
            seen_audio = true;
        } else if (len >= 2 && strncmp(p, "m=", 2) == 0) {
            section = 2;
        } else if (section < 2 && ((len > 9 && strncmp(p, "a=crypto:", 9) == 0) ||
                                   (len > 14 && strncmp(p, "a=fingerprint:", 14) == 0))) {
            d->srtp = true;
        } else if (section < 2 && len > 8 && strncmp(p, "a=ptime:", 8) == 0 && d->ptime < 0) {
            int v = 0;
            size_t i;

            for (i = 8; i < len && p[i] >= '0' && p[i] <= '9' && v < 100000; i++)
                v = v * 10 + (p[i] - '0');
            if (i > 8)
                d->ptime = v;
        }
        p = nl ? nl + 1 : end;
    }
}

static void sdp_facts(const struct sip_msg *m, struct dmsg *d)
{
    struct sdp sdp;
    int k, j;
    bool first = true;

    if (sdp_parse(m, m->body, &sdp) != 0) {
        sdp_fini(&sdp);
        return;
    }
    d->sdp = true;
    copy_host(m, sdp.origin_addr, d->sdp_o);
    copy_host(m, sdp.conn, d->sdp_c);
    d->audio_rejected = true;
    for (k = 0; k < sdp.nmedia; k++) {
        const struct sdp_media *md = &sdp.media[k];

        if (md->type.len == 5 && strncasecmp(sip_str_ptr(m, md->type), "image", 5) == 0) {
            d->image = true;
            d->image_rejected = md->port == 0;
        }
        if (md->type.len == 5 && strncasecmp(sip_str_ptr(m, md->type), "video", 5) == 0) {
            d->video = true;
            d->video_rejected = md->port == 0;
        }
        if (md->type.len != 5 || strncasecmp(sip_str_ptr(m, md->type), "audio", 5) != 0)
            continue;
        d->naudio++;
        if (md->port != 0)
            d->audio_rejected = false;
        if (!d->sdp_c[0] && SIP_STR_PRESENT(md->conn))
            copy_host(m, md->conn, d->sdp_c);
        if (!first)
            continue;
        first = false;
        sip_str_copy(m, md->proto, d->audio_proto, sizeof(d->audio_proto));
        if (strstr(d->audio_proto, "SAVP") || strstr(d->audio_proto, "TLS"))
            d->srtp = true;
        d->audio_dir = md->dir != SDP_DIR_NONE ? (int)md->dir : (int)sdp.dir;
        {
            char c[DMSG_HOST];

            if (SIP_STR_PRESENT(md->conn))
                copy_host(m, md->conn, c);
            else
                copy_host(m, sdp.conn, c);
            d->audio_hold_addr = strcmp(c, "0.0.0.0") == 0;
        }
        for (j = 0; j < md->npts && d->ncodecs < DMSG_CODECS; j++) {
            char *out = d->codecs[d->ncodecs];
            int r;
            bool mapped = false;

            for (r = 0; r < md->nmaps; r++) {
                if (md->maps[r].pt != md->pts[j])
                    continue;
                sip_str_copy(m, md->maps[r].encoding, out, 16);
                snprintf(out + strlen(out), 24 - strlen(out), "/%d", md->maps[r].rate);
                mapped = true;
                break;
            }
            if (!mapped) {
                const char *name = sdp_static_pt_name(md->pts[j]);

                if (!name)
                    continue;
                snprintf(out, 24, "%s/8000", name);
            }
            if (strncasecmp(out, "telephone-event/", 16) == 0) {
                d->tel_event = true;
                continue; /* not a codec */
            }
            d->ncodecs++;
        }
    }
    if (d->naudio == 0)
        d->audio_rejected = false;
    sdp_fini(&sdp);
    sdp_attr_facts(m, d);
}

/* What a response says besides its code, and who is talking. */
static void other_facts(const struct sip_msg *m, struct dmsg *d)
{
    struct sip_str v;
    size_t st = 0;
    struct sip_nameaddr na;

    if (!m->is_request)
        sip_str_copy(m, m->reason, d->reason, sizeof(d->reason));
    d->retry_after = str_int(m, m->first[SIP_HDR_RETRY_AFTER]);
    while (sip_hdr_values(m, SIP_HDR_REASON, &st, &v)) {
        struct sip_reason r;

        if (sip_parse_reason(m, v, &r) != 0)
            continue;
        if (d->q850 < 0 && r.cause >= 0 && r.protocol.len == 5 &&
            strncasecmp(sip_str_ptr(m, r.protocol), "Q.850", 5) == 0)
            d->q850 = r.cause;
        if (!d->reason_text[0])
            sip_str_copy(m, r.text, d->reason_text, sizeof(d->reason_text));
    }
    if (SIP_STR_PRESENT(m->first[SIP_HDR_WARNING])) {
        struct sip_warning w;

        if (sip_parse_warning(m, m->first[SIP_HDR_WARNING], &w) == 0) {
            d->warning = w.code;
            sip_str_copy(m, w.text, d->warning_text, sizeof(d->warning_text));
        }
    }
    st = 0;
    if (sip_hdr_values_named(m, "Unsupported", &st, &v))
        sip_str_copy(m, v, d->unsupported, sizeof(d->unsupported));
    if (SIP_STR_PRESENT(m->first[SIP_HDR_REQUIRE])) {
        sip_str_copy(m, m->first[SIP_HDR_REQUIRE], d->require, sizeof(d->require));
        d->require_100rel = strstr(d->require, "100rel") != NULL;
    }
    st = 0;
    if (sip_hdr_values_named(m, "RSeq", &st, &v))
        d->rseq = (uint32_t)(str_int(m, v) > 0 ? str_int(m, v) : 0);
    st = 0;
    if (sip_hdr_values(m, SIP_HDR_CONTACT, &st, &v) && sip_parse_nameaddr(m, v, &na) == 0)
        sip_str_copy(m, na.uri.user, d->contact_user, sizeof(d->contact_user));
    if (m->is_request) {
        struct sip_uri u;

        if (sip_parse_uri(m, m->ruri, &u) == 0) {
            sip_str_copy(m, u.user, d->ruri_user, sizeof(d->ruri_user));
            copy_host(m, u.host, d->ruri_host);
        }
    }
    v = m->first[m->is_request ? SIP_HDR_USER_AGENT : SIP_HDR_SERVER];
    if (!SIP_STR_PRESENT(v))
        v = m->first[SIP_HDR_USER_AGENT];
    sip_str_copy(m, v, d->user_agent, sizeof(d->user_agent));
    if (SIP_STR_PRESENT(m->first[SIP_HDR_TO]) &&
        sip_parse_nameaddr(m, m->first[SIP_HDR_TO], &na) == 0)
        sip_str_copy(m, na.tag, d->to_tag, sizeof(d->to_tag));
    if (SIP_STR_PRESENT(m->first[SIP_HDR_FROM]) &&
        sip_parse_nameaddr(m, m->first[SIP_HDR_FROM], &na) == 0)
        sip_str_copy(m, na.tag, d->from_tag, sizeof(d->from_tag));
}

static void parse_facts(const struct sip_msg *m, struct dmsg *d)
{
    struct sip_str v;
    size_t st = 0;
    struct sip_via via;
    struct sip_nameaddr na;
    struct sip_auth au;

    d->parsed = true;
    d->req = m->is_request;
    d->method = m->method;
    d->status = m->status;
    d->cseq = m->cseq_num;
    d->cseq_method = m->cseq_method;
    while (sip_hdr_values(m, SIP_HDR_VIA, &st, &v)) {
        if (d->nvia++ == 0 && sip_parse_via(m, v, &via) == 0) {
            copy_host(m, via.host, d->via_host);
            d->via_rport = via.has_rport;
            d->via_rport_value = via.has_rport && via.rport.len > 0;
            d->via_received = SIP_STR_PRESENT(via.received);
        }
        if (d->nvia > 1000)
            break;
    }
    st = 0;
    if (sip_hdr_values(m, SIP_HDR_CONTACT, &st, &v) && sip_parse_nameaddr(m, v, &na) == 0) {
        struct sip_str e;

        copy_host(m, na.uri.host, d->contact_host);
        d->contact_port = na.uri.port;
        if (sip_param(m, na.params, "expires", &e))
            d->expires = str_int(m, e);
    }
    if (SIP_STR_PRESENT(m->first[SIP_HDR_EXPIRES]))
        d->expires = str_int(m, m->first[SIP_HDR_EXPIRES]);
    d->has_credentials =
        m->nfound[SIP_HDR_AUTHORIZATION] > 0 || m->nfound[SIP_HDR_PROXY_AUTHORIZATION] > 0;
    v = m->first[SIP_HDR_WWW_AUTHENTICATE];
    if (!SIP_STR_PRESENT(v))
        v = m->first[SIP_HDR_PROXY_AUTHENTICATE];
    if (SIP_STR_PRESENT(v)) {
        d->challenge = true;
        if (sip_parse_auth(m, v, &au) == 0)
            d->stale = au.stale;
    }
    d->max_forwards = m->max_forwards;
    d->min_expires = str_int(m, m->first[SIP_HDR_MIN_EXPIRES]);
    d->session_expires = str_int(m, m->first[SIP_HDR_SESSION_EXPIRES]);
    d->min_se = str_int(m, m->first[SIP_HDR_MIN_SE]);
    d->body_short = (m->problems & SIP_BODY_SHORT) != 0;
    other_facts(m, d);
    if (d->m->flags & STORE_MSG_SDP)
        sdp_facts(m, d);
}

struct dmsg *dmsg_load(const struct store *s, const struct store_call *c, uint32_t n)
{
    struct dmsg *v = xcalloc(n ? n : 1, sizeof(*v));
    struct strbuf b;
    uint32_t i;

    sb_init(&b);
    for (i = 0; i < n && i < c->nmsgs; i++) {
        struct dmsg *d = &v[i];
        struct sip_msg m;

        d->m = &c->msgs[i];
        d->idx = i;
        d->max_forwards = d->expires = d->min_expires = -1;
        d->session_expires = d->min_se = -1;
        d->ptime = d->retry_after = d->q850 = d->warning = -1;
        d->req = (d->m->flags & STORE_MSG_REQUEST) != 0;
        d->method = d->m->method;
        d->status = d->m->status;
        d->cseq = d->m->cseq;
        d->cseq_method = d->m->cseq_method;
        cap_addr_format(store_endpoint(s, d->m->src_ep), false, d->src_ip, sizeof(d->src_ip));
        cap_addr_format(store_endpoint(s, d->m->dst_ep), false, d->dst_ip, sizeof(d->dst_ip));
        d->src_port = store_endpoint(s, d->m->src_ep)->port;
        d->dst_port = store_endpoint(s, d->m->dst_ep)->port;
        if (store_msg_parse(s, d->m, &b, &m) == 0)
            parse_facts(&m, d);
        sip_msg_fini(&m);
    }
    sb_fini(&b);
    return v;
}
