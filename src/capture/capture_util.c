/*
 * capture_util: small pure helpers of the capture module: transport and layer
 * names, address formatting, default limits, and SIP recognition by
 * content.  Thread-safe (no state).
 */
#include "capture.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

const char *cap_transport_name(enum cap_transport t)
{
    switch (t) {
    case CAP_TRANSPORT_UDP:
        return "UDP";
    case CAP_TRANSPORT_TCP:
        return "TCP";
    case CAP_TRANSPORT_SCTP:
        return "SCTP";
    case CAP_TRANSPORT_WS:
        return "WS";
    case CAP_TRANSPORT_TLS:
        return "TLS";
    case CAP_TRANSPORT_WSS:
        return "WSS";
    }
    return "?";
}

const char *cap_layer_name(enum cap_layer l)
{
    static const char *const names[] = {
        [CAP_L_ETH] = "eth",
        [CAP_L_VLAN] = "vlan",
        [CAP_L_SLL] = "sll",
        [CAP_L_SLL2] = "sll2",
        [CAP_L_NULL] = "null",
        [CAP_L_RAW] = "raw",
        [CAP_L_IPV4] = "ipv4",
        [CAP_L_IPV6] = "ipv6",
        [CAP_L_IPV4_FRAG] = "ipv4frag",
        [CAP_L_IPV6_FRAG] = "ipv6frag",
        [CAP_L_GRE] = "gre",
        [CAP_L_ERSPAN] = "erspan",
        [CAP_L_VXLAN] = "vxlan",
        [CAP_L_GTP] = "gtp",
        [CAP_L_MPLS] = "mpls",
        [CAP_L_PPPOE] = "pppoe",
        [CAP_L_UDP] = "udp",
        [CAP_L_TCP] = "tcp",
        [CAP_L_TCP_REASM] = "reasm",
        [CAP_L_SCTP] = "sctp",
        [CAP_L_WS] = "ws",
        [CAP_L_HEP2] = "hep2",
        [CAP_L_HEP3] = "hep3",
        [CAP_L_HEP_GZIP] = "hepz",
        [CAP_L_LLC] = "llc",
        [CAP_L_TLS] = "tls",
    };

    if ((unsigned)l < sizeof(names) / sizeof(names[0]) && names[l])
        return names[l];
    return "?";
}

/* Appends v in decimal; returns the new end. */
static char *put_uint(char *p, unsigned v)
{
    char t[12];
    int n = 0;

    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

void cap_addr_format(const struct cap_addr *a, bool with_port, char *out, size_t outlen)
{
    char ip[INET6_ADDRSTRLEN], buf[80], *p = buf;
    size_t n;
    int i;

    if (a->family == 6) {
        inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
        if (with_port)
            *p++ = '[';
        n = strlen(ip);
        memcpy(p, ip, n);
        p += n;
        if (with_port)
            *p++ = ']';
    } else {
        /* By hand: inet_ntop + snprintf was most of the cost of printing an
         * address, and a long --list prints two per line. */
        for (i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            p = put_uint(p, a->ip[i]);
        }
    }
    if (with_port) {
        *p++ = ':';
        p = put_uint(p, a->port);
    }
    *p = '\0';
    if (outlen) {
        n = (size_t)(p - buf) < outlen - 1 ? (size_t)(p - buf) : outlen - 1;
        memcpy(out, buf, n);
        out[n] = '\0';
    }
}

bool cap_addr_eq(const struct cap_addr *a, const struct cap_addr *b)
{
    size_t n = a->family == 6 ? 16 : 4;

    return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, n) == 0;
}

void cap_limits_default(struct cap_limits *l)
{
    l->frag_max_bytes = 16u << 20;
    l->frag_timeout_ns = 30ll * 1000000000;
    l->tcp_max_bytes = 1u << 20;
    l->tcp_max_streams = 65536;
    /* A 1 MB window holds ~720 full segments; the count bounds a stream of
     * tiny segments (each costs ~64 bytes beyond its data). */
    l->tcp_max_ooo_segs = 131072;
    l->tcp_max_ooo_total = 64u << 20;
}

static bool is_token_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-.!%*_+`'~", c) != NULL;
}

bool cap_looks_like_sip(const uint8_t *p, size_t n)
{
    size_t i = 0, m, e, lim;

    while (i < n && (p[i] == '\r' || p[i] == '\n'))
        i++;
    p += i;
    n -= i;
    if (n >= 12 && memcmp(p, "SIP/2.0 ", 8) == 0)
        return p[8] >= '1' && p[8] <= '6' && p[9] >= '0' && p[9] <= '9' && p[10] >= '0' &&
               p[10] <= '9' && (n == 11 || p[11] == ' ' || p[11] == '\r' || p[11] == '\n');
    for (m = 0; m < n && m < 32 && p[m] && is_token_char(p[m]); m++)
        ;
    if (m == 0 || m >= n || p[m] != ' ')
        return false;
    /* Request line: METHOD SP URI SP SIP/2.0 CRLF.  It ends at its first
     * byte below 0x20, found eight bytes a word (this check runs on every
     * packet a capture thread reads); a control byte other than CR or LF
     * there means it is not a request line. */
    lim = n < 8192 ? n : 8192;
    for (e = m + 1; e + 8 <= lim; e += 8) {
        uint64_t w;

        memcpy(&w, p + e, 8);
        if ((w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL)
            break;
    }
    while (e < lim && p[e] >= 0x20)
        e++;
    if (e < lim) {
        if (p[e] != '\r' && p[e] != '\n')
            return false;
        return e >= m + 10 && memcmp(p + e - 8, " SIP/2.0", 8) == 0;
    }
    /* Line not complete in these bytes: the URI must at least have a scheme. */
    for (i = m + 1; i < lim && i < m + 12 && p[i] != ' '; i++)
        if (p[i] == ':')
            return i > m + 1;
    return false;
}
