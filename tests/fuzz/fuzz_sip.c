/*
 * fuzz_sip: libFuzzer harness for the SIP parser.  The input is one UDP
 * payload: every message in it is parsed (walking m->len like the capture
 * thread does), every header value goes through every structured-header
 * parser and the value iterators, and the body through sdp_parse.  Every
 * returned slice is read byte by byte so ASan sees any slice that points
 * outside the input.  The capture thread's fast paths (sip_nameaddr_user_tag,
 * sip_top_via_branch) must agree exactly with the full parsers: a
 * difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned touch(const struct sip_msg *m, struct sip_str s)
{
    unsigned acc = 0;
    uint32_t i;

    for (i = 0; i < s.len; i++)
        acc += (unsigned char)m->buf[s.off + i];
    return acc;
}

static unsigned fuzz_value(const struct sip_msg *m, struct sip_str v)
{
    struct sip_uri u;
    struct sip_nameaddr na;
    struct sip_via via;
    struct sip_reason r;
    struct sip_warning w;
    struct sip_auth a;
    struct sip_str pv;
    unsigned acc = 0;

    if (sip_parse_uri(m, v, &u) == 0)
        acc += touch(m, u.scheme) + touch(m, u.user) + touch(m, u.host) + touch(m, u.params);
    {
        struct sip_str user = {7, 7}, tag = {7, 7};
        int full = sip_parse_nameaddr(m, v, &na);
        int fast = sip_nameaddr_user_tag(m, v, &user, &tag);

        if (full != fast)
            abort();
        if (full == 0) {
            if (user.off != na.uri.user.off || user.len != na.uri.user.len ||
                tag.off != na.tag.off || tag.len != na.tag.len)
                abort();
            acc += touch(m, na.display) + touch(m, na.uri_str) + touch(m, na.tag) +
                   touch(m, na.params) + touch(m, na.uri.host);
        } else if (user.off != 7 || user.len != 7 || tag.off != 7 || tag.len != 7) {
            abort(); /* written on failure */
        }
    }
    if (sip_parse_via(m, v, &via) == 0)
        acc += touch(m, via.transport) + touch(m, via.host) + touch(m, via.branch) +
               touch(m, via.rport) + touch(m, via.received) + touch(m, via.params);
    if (sip_parse_reason(m, v, &r) == 0)
        acc += touch(m, r.protocol) + touch(m, r.text);
    if (sip_parse_warning(m, v, &w) == 0)
        acc += touch(m, w.agent) + touch(m, w.text);
    if (sip_parse_auth(m, v, &a) == 0)
        acc += touch(m, a.scheme) + touch(m, a.realm) + touch(m, a.nonce) + touch(m, a.qop) +
               touch(m, a.opaque) + touch(m, a.username) + touch(m, a.uri) + touch(m, a.response) +
               touch(m, a.algorithm);
    if (sip_param(m, v, "tag", &pv))
        acc += touch(m, pv);
    return acc;
}

static unsigned fuzz_msg(const struct sip_msg *m)
{
    unsigned acc = 0;
    size_t i, st;
    int id;
    struct sip_str v;
    struct sdp s;
    char name[64];

    acc += touch(m, m->method_str) + touch(m, m->ruri) + touch(m, m->reason) +
           touch(m, m->version) + touch(m, m->body) + touch(m, m->cseq_method_str);
    acc += fuzz_value(m, m->ruri);
    for (i = 0; i < m->nhdrs; i++) {
        acc += touch(m, m->hdrs[i].name) + touch(m, m->hdrs[i].value);
        acc += fuzz_value(m, m->hdrs[i].value);
        if (i < 8 && m->hdrs[i].name.len < sizeof(name)) { /* a few names: not O(n^2) */
            memcpy(name, m->buf + m->hdrs[i].name.off, m->hdrs[i].name.len);
            name[m->hdrs[i].name.len] = '\0';
            st = 0;
            /* bounded: each call moves past at least one byte */
            while (sip_hdr_values_named(m, name, &st, &v))
                acc += touch(m, v);
        }
    }
    for (id = 1; id < SIP_HDR__COUNT; id++) {
        size_t n = 0;

        if (!m->nfound[id])
            continue;
        st = 0;
        while (sip_hdr_values(m, (enum sip_hdr_id)id, &st, &v)) {
            acc += touch(m, v) + fuzz_value(m, v);
            if (++n > m->len + 1)
                abort(); /* iterator failed to advance */
        }
    }
    if (sdp_parse(m, m->body, &s) == 0) {
        int k, j;

        acc += touch(m, s.origin_user) + touch(m, s.origin_addr) + touch(m, s.conn);
        for (k = 0; k < s.nmedia; k++) {
            acc +=
                touch(m, s.media[k].type) + touch(m, s.media[k].proto) + touch(m, s.media[k].conn);
            for (j = 0; j < s.media[k].nmaps; j++)
                acc += touch(m, s.media[k].maps[j].encoding) + touch(m, s.media[k].maps[j].params);
        }
    }
    sdp_fini(&s);
    {
        struct sip_str br = {7, 7};
        struct sip_via via;
        int full = -1, fast;

        st = 0;
        if (sip_hdr_values(m, SIP_HDR_VIA, &st, &v) && sip_parse_via(m, v, &via) == 0)
            full = 0;
        fast = sip_top_via_branch(m, &br);
        if (full != fast)
            abort();
        if (full == 0 && (br.off != via.branch.off || br.len != via.branch.len))
            abort();
        if (full < 0 && (br.off != 7 || br.len != 7))
            abort();
        if (full == 0)
            acc += touch(m, br);
    }
    acc += (unsigned)strlen(sip_problem_str(m->problems));
    return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t off = 0;
    volatile unsigned acc = 0;
    int guard = 0;

    while (off < size && guard++ < 64) {
        struct sip_msg m;
        size_t used;
        char copy[64];

        if (sip_parse(p + off, size - off, &m) < 0) {
            sip_msg_fini(&m);
            break;
        }
        acc += fuzz_msg(&m);
        sip_str_copy(&m, m.first[SIP_HDR_CALL_ID], copy, sizeof(copy));
        used = m.skipped + m.len;
        if (used == 0 || used > size - off)
            abort(); /* the parser must always consume and never overrun */
        off += used;
        sip_msg_fini(&m);
    }
    (void)acc;
    return 0;
}
