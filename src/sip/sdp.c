/*
 * sdp: RFC 4566 session descriptions from a body slice of a parsed SIP
 * message: o=, c= (session and media level), m= with payload types,
 * a=rtpmap, a=rtcp and the direction attributes.  Values are slices into
 * the message; the media array is heap-owned by struct sdp (sdp_fini).
 *
 * Pure: any thread may call it.  Lines end in CRLF or bare LF; a line that
 * is not "x=..." is flagged in problems and skipped.
 */
#include "sip.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sip_int.h"
#include "util.h"

/* Splits the next whitespace-separated field of [*i, e); false at the end. */
static bool next_field(const char *p, size_t *i, size_t e, size_t *fb, size_t *fe)
{
    size_t j = *i;

    while (j < e && sip_is_ws(p[j]))
        j++;
    if (j >= e)
        return false;
    *fb = j;
    while (j < e && !sip_is_ws(p[j]))
        j++;
    *fe = j;
    *i = j;
    return true;
}

static bool field_uint(const char *p, size_t b, size_t e, uint64_t max, uint64_t *v)
{
    return sip_parse_uint(p + b, e - b, max, v);
}

static enum sdp_dir parse_dir(const char *p, size_t b, size_t e)
{
    size_t n = e - b;

    if (n == 8 && memcmp(p + b, "sendrecv", 8) == 0)
        return SDP_DIR_SENDRECV;
    if (n == 8 && memcmp(p + b, "sendonly", 8) == 0)
        return SDP_DIR_SENDONLY;
    if (n == 8 && memcmp(p + b, "recvonly", 8) == 0)
        return SDP_DIR_RECVONLY;
    if (n == 8 && memcmp(p + b, "inactive", 8) == 0)
        return SDP_DIR_INACTIVE;
    return SDP_DIR_NONE;
}

/* c=IN IP4 203.0.113.1[/ttl[/n]] -> the address */
static void parse_conn(const char *p, size_t b, size_t e, struct sip_str *out)
{
    size_t i = b, fb, fe, k;

    for (k = 0; k < 3; k++)
        if (!next_field(p, &i, e, &fb, &fe))
            return;
    {
        const char *slash = memchr(p + fb, '/', fe - fb);

        if (slash)
            fe = (size_t)(slash - p);
    }
    *out = sip_mkstr(fb, fe - fb);
}

static void parse_origin(const char *p, size_t b, size_t e, struct sdp *s)
{
    size_t i = b, fb, fe, k;
    uint64_t v;

    if (!next_field(p, &i, e, &fb, &fe))
        return;
    s->origin_user = sip_mkstr(fb, fe - fb);
    if (next_field(p, &i, e, &fb, &fe) && field_uint(p, fb, fe, UINT64_MAX, &v))
        s->sess_id = v;
    if (next_field(p, &i, e, &fb, &fe) && field_uint(p, fb, fe, UINT64_MAX, &v))
        s->sess_version = v;
    for (k = 0; k < 3; k++)
        if (!next_field(p, &i, e, &fb, &fe))
            return;
    s->origin_addr = sip_mkstr(fb, fe - fb);
}

static struct sdp_media *media_add(struct sdp *s, size_t *cap)
{
    struct sdp_media *md;

    if ((size_t)s->nmedia == *cap) {
        *cap = *cap ? *cap * 2 : 2;
        s->media = xrealloc(s->media, *cap * sizeof(*s->media));
    }
    md = &s->media[s->nmedia++];
    /* Everything but the two arrays (about 900 bytes), which are only
     * read up to npts and nmaps: this runs for every m= line seen. */
    memset(md, 0, offsetof(struct sdp_media, pts));
    md->npts = 0;
    md->conn = sip_mkstr(0, 0);
    md->nmaps = 0;
    md->dir = SDP_DIR_NONE;
    md->rtcp_port = -1;
    return md;
}

/* m=audio 49170[/2] RTP/AVP 0 8 101 */
static void parse_media(const char *p, size_t b, size_t e, struct sdp_media *md)
{
    size_t i = b, fb, fe;
    uint64_t v;

    if (!next_field(p, &i, e, &fb, &fe))
        return;
    md->type = sip_mkstr(fb, fe - fb);
    if (!next_field(p, &i, e, &fb, &fe))
        return;
    {
        const char *slash = memchr(p + fb, '/', fe - fb);
        size_t pe = slash ? (size_t)(slash - p) : fe;

        if (field_uint(p, fb, pe, 65535, &v))
            md->port = (uint16_t)v;
        if (slash && field_uint(p, pe + 1, fe, 65535, &v))
            md->nports = (uint16_t)v;
    }
    if (!next_field(p, &i, e, &fb, &fe))
        return;
    md->proto = sip_mkstr(fb, fe - fb);
    while (next_field(p, &i, e, &fb, &fe)) {
        if (md->npts < (int)(sizeof(md->pts) / sizeof(md->pts[0])) &&
            field_uint(p, fb, fe, 127, &v))
            md->pts[md->npts++] = (int)v;
    }
}

/* a=rtpmap:101 telephone-event/8000[/1] */
static void parse_rtpmap(const char *p, size_t b, size_t e, struct sdp_media *md)
{
    size_t i = b, fb, fe, pb;
    uint64_t v;
    struct sdp_rtpmap map;

    if (md->nmaps >= (int)(sizeof(md->maps) / sizeof(md->maps[0])))
        return;
    memset(&map, 0, sizeof(map));
    if (!next_field(p, &i, e, &fb, &fe) || !field_uint(p, fb, fe, 127, &v))
        return;
    map.pt = (int)v;
    if (!next_field(p, &i, e, &fb, &fe))
        return;
    {
        const char *s1 = memchr(p + fb, '/', fe - fb);
        size_t ee = s1 ? (size_t)(s1 - p) : fe;

        map.encoding = sip_mkstr(fb, ee - fb);
        if (s1) {
            const char *s2;

            pb = ee + 1;
            s2 = memchr(p + pb, '/', fe - pb);
            if (field_uint(p, pb, s2 ? (size_t)(s2 - p) : fe, 0x7fffffff, &v))
                map.rate = (int)v;
            if (s2)
                map.params = sip_mkstr((size_t)(s2 - p) + 1, fe - (size_t)(s2 - p) - 1);
        }
    }
    md->maps[md->nmaps++] = map;
}

static void parse_attr(const char *p, size_t b, size_t e, struct sdp *s, struct sdp_media *md)
{
    const char *colon = memchr(p + b, ':', e - b);
    size_t ne = colon ? (size_t)(colon - p) : e, vb = colon ? ne + 1 : e;
    enum sdp_dir dir = parse_dir(p, b, ne);
    uint64_t v;

    if (dir != SDP_DIR_NONE) {
        if (md)
            md->dir = dir;
        else
            s->dir = dir;
        return;
    }
    if (!md || !colon)
        return;
    if (ne - b == 6 && memcmp(p + b, "rtpmap", 6) == 0) {
        parse_rtpmap(p, vb, e, md);
    } else if (ne - b == 4 && memcmp(p + b, "rtcp", 4) == 0) {
        size_t i = vb, fb, fe;

        if (next_field(p, &i, e, &fb, &fe) && field_uint(p, fb, fe, 65535, &v))
            md->rtcp_port = (int)v;
    }
}

int sdp_parse(const struct sip_msg *m, struct sip_str body, struct sdp *s)
{
    const char *p = m->buf;
    size_t i = body.off, end = (size_t)body.off + body.len, cap = 0;
    struct sdp_media *md = NULL;
    bool first = true;

    memset(s, 0, sizeof(*s));
    if (!SIP_STR_PRESENT(body))
        return -1;
    while (i < end) {
        const char *nl = memchr(p + i, '\n', end - i);
        size_t le = nl ? (size_t)(nl - p) : end, ce = le;
        char type;

        if (ce > i && p[ce - 1] == '\r')
            ce--;
        if (ce == i) { /* blank line */
            i = le + 1;
            continue;
        }
        if (ce - i < 2 || p[i + 1] != '=' || !(p[i] >= 'a' && p[i] <= 'z')) {
            if (first)
                return -1;
            s->problems |= 1u;
            i = le + 1;
            continue;
        }
        type = p[i];
        if (first) {
            if (type != 'v')
                return -1;
            first = false;
        }
        switch (type) {
        case 'o':
            parse_origin(p, i + 2, ce, s);
            break;
        case 'c':
            parse_conn(p, i + 2, ce, md ? &md->conn : &s->conn);
            break;
        case 'm':
            md = media_add(s, &cap);
            parse_media(p, i + 2, ce, md);
            break;
        case 'a':
            parse_attr(p, i + 2, ce, s, md);
            break;
        default:
            break;
        }
        i = le + 1;
    }
    return first ? -1 : 0;
}

void sdp_fini(struct sdp *s)
{
    if (!s)
        return;
    free(s->media);
    s->media = NULL;
    s->nmedia = 0;
}
