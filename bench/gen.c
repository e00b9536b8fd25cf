/*
 * gen: deterministic generator of large, realistic SIP captures for the
 * benchmark (bench/run.sh).  Standalone C11, libc only, one thread.
 *
 * It models the phone side of one PBX (10.0.0.10:5060) serving a few
 * thousand extensions and three carrier trunks, and writes what a capture
 * taken there would hold: a classic pcap (Ethernet / IPv4 / UDP, microsecond
 * timestamps) of exactly N SIP messages, one per packet, with flows that
 * overlap in time as on a busy PBX.  Flow mix: answered calls (INVITE 100
 * 180 200 ACK ... BYE 200, hung up by either side), 486 busy, 404, CANCEL
 * with 487, 488 with a Warning, 503 with a Q.850 Reason, 401/407 challenges
 * followed by the authenticated INVITE, REGISTER 401 then 200 (one stable
 * Call-ID per phone, as phones do), OPTIONS qualify pings, and about 2% of
 * requests and 200 OKs sent twice (a UDP retransmission after T1 = 500 ms).
 * Digest responses are random hex, not real MD5 results.
 *
 * With --rtp, answered calls also carry G.711 (PCMU) RTP both ways every
 * 20 ms between the SDP addresses; call lengths are then short (1-5 s of
 * talk) so the file stays a few times the SIP-only size.  RTP packets are
 * not counted in N.
 *
 * Everything comes from one xoshiro256** stream seeded by -s, so a given
 * (N, seed, --rtp) always yields the same bytes; the first k messages of a
 * large file equal the file generated with -n k.
 *
 * A summary line goes to stderr and, with -m FILE, "key=value" lines (among
 * them dialogs=, the number of distinct Call-IDs) are written for run.sh.
 *
 * Ownership: struct gen owns every flow and the event heap; all is freed
 * before exit.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PBX_IP        0x0a00000aU /* 10.0.0.10 */
#define PBX_PORT      5060
#define NPHONES       2400
#define NTRUNKS       3
#define FLOWS_PER_SEC 40     /* mean flow arrival rate */
#define T1_US         500000 /* RFC 3261 T1: first retransmission */
#define RTP_PTIME_US  20000
#define EPOCH_SEC     1709542800ULL /* 2024-03-04 09:00:00 UTC */
#define MSG_MAX       4096

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256**, seeded through splitmix64.           */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* Uniform in [lo, hi]. */
static uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_next(r) % (hi - lo + 1);
}

/* True with probability pct/1000. */
static bool rng_permille(struct rng *r, unsigned pm)
{
    return rng_next(r) % 1000 < pm;
}

static void rng_hex(struct rng *r, char *dst, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        dst[i] = hex[rng_next(r) & 15];
    dst[n] = '\0';
}

static void rng_alnum(struct rng *r, char *dst, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++)
        dst[i] = al[rng_next(r) % (sizeof(al) - 1)];
    dst[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* Endpoints.                                                          */

struct ua_kind {
    const char *ua;       /* User-Agent */
    const char *sdp_name; /* s= line */
    int callid_style;     /* 0: hex@ip, 1: alnum, 2: uuid-ish */
    bool softphone;       /* richer SDP offer, +sip.instance in REGISTER */
};

static const struct ua_kind ua_kinds[] = {
    {"Yealink SIP-T46S 66.86.0.15", "SDP data", 0, false},
    {"Grandstream GXP2170 1.0.11.23", "SIP Call", 1, false},
    {"Linphone/5.2.4 (belle-sip/5.2.4)", "Talk", 1, true},
    {"Zoiper rv2.10.20.2", "Z", 2, true},
    {"MicroSIP/3.21.4", "pjmedia", 1, true},
    {"snom D785/10.1.159.12", "snom", 0, false},
    {"Polycom/6.4.6.2210 PolycomVVX-VVX_450-UA/6.4.6.2210", "-", 2, false},
    {"Cisco-CP8845/14.2.1", "SIP Call", 2, false},
};

static const struct ua_kind trunk_ua = {"Cisco-SIPGateway/IOS-16.12.4", "SIP Call", 2, false};
static const char pbx_ua[] = "FPBX-16.0.40.7(20.6.0)";

static const char *const first_names[] = {
    "Anna",  "Boris", "Carla", "Dmitri",  "Elena", "Farid", "Greta", "Hugo", "Irina",  "Jonas",
    "Katya", "Luis",  "Marta", "Nikolai", "Olga",  "Pavel", "Quinn", "Rosa", "Sergei", "Tanya",
};
static const char *const last_names[] = {
    "Ivanova", "Smith",  "Garcia", "Petrov", "Muller",  "Rossi", "Novak",  "Kowalski",
    "Silva",   "Jensen", "Dubois", "Tanaka", "Fischer", "Orlov", "Moreau", "Costa",
};

struct ep {
    uint32_t ip;
    uint16_t port;
    const struct ua_kind *ua;
    char user[24];       /* extension or E.164 number */
    char name[40];       /* display name, "" for none */
    char reg_callid[48]; /* phones: stable REGISTER Call-ID */
    char instance[40];   /* softphones: +sip.instance UUID */
    uint32_t reg_cseq;
    bool reg_busy; /* a REGISTER flow is running */
};

static void ip_str(uint32_t ip, char *dst, size_t n)
{
    snprintf(dst, n, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* ------------------------------------------------------------------ */
/* Flows: each is a script of message codes played in time.            */

enum code {
    C_INVITE,
    C_INVITE_AUTH,
    C_100,
    C_180,
    C_200_INV,
    C_401_INV,
    C_407_INV,
    C_404,
    C_486,
    C_487,
    C_488,
    C_503,
    C_ACK_ERR, /* ACK for a non-2xx final, same branch as the INVITE */
    C_ACK_2XX,
    C_CANCEL,
    C_200_CANCEL,
    C_TALK, /* no message: the call is up (RTP with --rtp) */
    C_BYE,
    C_200_BYE,
    C_REGISTER,
    C_401_REG,
    C_REGISTER_AUTH,
    C_200_REG,
    C_OPTIONS,
    C_200_OPT,
    C_END,
};

enum kind {
    K_ANSWERED,
    K_AUTH_CALL,
    K_BUSY,
    K_NOT_FOUND,
    K_CANCELLED,
    K_NOT_ACCEPTABLE,
    K_UNAVAILABLE,
    K_REGISTER,
    K_OPTIONS,
    K_COUNT,
};

static const enum code scripts[K_COUNT][12] = {
    [K_ANSWERED] = {C_INVITE, C_100, C_180, C_200_INV, C_ACK_2XX, C_TALK, C_BYE, C_200_BYE, C_END},
    [K_AUTH_CALL] = {C_INVITE, C_401_INV, C_ACK_ERR, C_INVITE_AUTH, C_100, C_180, C_200_INV,
                     C_ACK_2XX, C_TALK, C_BYE, C_200_BYE, C_END},
    [K_BUSY] = {C_INVITE, C_100, C_180, C_486, C_ACK_ERR, C_END},
    [K_NOT_FOUND] = {C_INVITE, C_100, C_404, C_ACK_ERR, C_END},
    [K_CANCELLED] = {C_INVITE, C_100, C_180, C_CANCEL, C_200_CANCEL, C_487, C_ACK_ERR, C_END},
    [K_NOT_ACCEPTABLE] = {C_INVITE, C_100, C_488, C_ACK_ERR, C_END},
    [K_UNAVAILABLE] = {C_INVITE, C_100, C_503, C_ACK_ERR, C_END},
    [K_REGISTER] = {C_REGISTER, C_401_REG, C_REGISTER_AUTH, C_200_REG, C_END},
    [K_OPTIONS] = {C_OPTIONS, C_200_OPT, C_END},
};

/* Per mille of new flows of each kind. */
static const unsigned kind_weight[K_COUNT] = {
    [K_ANSWERED] = 300,   [K_AUTH_CALL] = 80, [K_BUSY] = 70,
    [K_NOT_FOUND] = 50,   [K_CANCELLED] = 80, [K_NOT_ACCEPTABLE] = 30,
    [K_UNAVAILABLE] = 40, [K_REGISTER] = 150, [K_OPTIONS] = 200,
};

struct flow {
    enum kind kind;
    int step;
    bool retx; /* the message at `step` was sent once, resend it */
    bool bye_by_pbx;
    bool proxy_auth; /* 407 instead of 401 */
    struct ep *peer; /* borrowed: the phone or trunk; the other side is the PBX */
    char callee[24]; /* user part of the request URI (calls) */
    char call_id[64];
    char from_tag[24];
    char to_tag[24];
    char branch[40];     /* current client transaction of the peer */
    char inv_branch[40]; /* INVITE transaction, for CANCEL / ACK of non-2xx */
    char pbx_branch[40]; /* PBX-originated request (OPTIONS, BYE) */
    char nonce[40];
    char cnonce[24];
    char response[40];
    uint32_t cseq;     /* peer's CSeq number */
    uint32_t pbx_cseq; /* PBX's CSeq number in this dialog */
    uint64_t sess_id;  /* SDP o= session id */
    uint16_t rtp_peer; /* RTP port announced by the peer */
    uint16_t rtp_pbx;  /* RTP port announced by the PBX */
    uint64_t talk_end; /* --rtp: end of media */
    uint16_t rtp_seq[2];
    uint32_t rtp_ts[2];
    uint32_t rtp_ssrc[2];
    int codec; /* 0 PCMU, 8 PCMA */
};

/* Event heap: (time, sequence) -> flow index; flow index -1 starts a flow. */
struct event {
    uint64_t t;
    uint64_t seq;
    int32_t flow;
};

struct gen {
    struct rng rng;
    FILE *out;
    bool rtp;
    uint64_t want;     /* SIP messages to write */
    uint64_t sip_msgs; /* written so far */
    uint64_t sip_bytes;
    uint64_t rtp_pkts;
    uint64_t file_bytes;
    uint64_t dialogs;
    uint64_t now; /* µs since EPOCH_SEC */
    uint16_t ip_id;
    struct ep phones[NPHONES];
    struct ep trunks[NTRUNKS];
    struct ep pbx;
    struct flow **flows; /* owned */
    int32_t *free_ids;
    size_t nflows, nfree, cap_flows;
    struct event *heap;
    size_t nheap, cap_heap;
    uint64_t ev_seq;
    uint8_t pkt[MSG_MAX + 64];
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                       */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("gen: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

struct buf {
    char *p;
    size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void bp(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        fputs("gen: message buffer overflow\n", stderr);
        exit(1);
    }
    b->len += (size_t)n;
}

static void heap_push(struct gen *g, uint64_t t, int32_t flow)
{
    if (g->nheap == g->cap_heap) {
        g->cap_heap = g->cap_heap ? g->cap_heap * 2 : 1024;
        g->heap = xrealloc(g->heap, g->cap_heap * sizeof(*g->heap));
    }
    struct event e = {t, g->ev_seq++, flow};
    size_t i = g->nheap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        struct event *p = &g->heap[parent];
        if (p->t < e.t || (p->t == e.t && p->seq < e.seq))
            break;
        g->heap[i] = *p;
        i = parent;
    }
    g->heap[i] = e;
}

static struct event heap_pop(struct gen *g)
{
    struct event top = g->heap[0];
    struct event last = g->heap[--g->nheap];
    size_t i = 0, n = g->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && (g->heap[c + 1].t < g->heap[c].t || (g->heap[c + 1].t == g->heap[c].t &&
                                                              g->heap[c + 1].seq < g->heap[c].seq)))
            c++;
        if (last.t < g->heap[c].t || (last.t == g->heap[c].t && last.seq < g->heap[c].seq))
            break;
        g->heap[i] = g->heap[c];
        i = c;
    }
    if (n > 0)
        g->heap[i] = last;
    return top;
}

/* ------------------------------------------------------------------ */
/* pcap output.                                                         */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void write_or_die(struct gen *g, const void *p, size_t n)
{
    if (fwrite(p, 1, n, g->out) != n) {
        fprintf(stderr, "gen: write: %s\n", strerror(errno));
        exit(1);
    }
    g->file_bytes += n;
}

static void pcap_header(struct gen *g)
{
    /* Native byte order, as libpcap writes it; readers detect it by the magic. */
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t thiszone;
        uint32_t sigfigs, snaplen, linktype;
    } h = {0xa1b2c3d4U, 2, 4, 0, 0, 65535, 1};
    write_or_die(g, &h, sizeof(h));
}

/* One Ethernet/IPv4/UDP packet carrying `payload`, stamped g->now. */
static void emit_udp(struct gen *g, uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
                     const void *payload, size_t plen)
{
    uint8_t *p = g->pkt;
    size_t ulen = 8 + plen, iplen = 20 + ulen, len = 14 + iplen;

    /* Ethernet: locally administered MACs derived from the IPs. */
    uint8_t dmac[6] = {
        0x02, 0x00, (uint8_t)(dip >> 24), (uint8_t)(dip >> 16), (uint8_t)(dip >> 8), (uint8_t)dip};
    uint8_t smac[6] = {
        0x02, 0x00, (uint8_t)(sip >> 24), (uint8_t)(sip >> 16), (uint8_t)(sip >> 8), (uint8_t)sip};
    memcpy(p, dmac, 6);
    memcpy(p + 6, smac, 6);
    put16(p + 12, 0x0800);

    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)iplen);
    put16(ip + 4, g->ip_id++);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 17;
    put16(ip + 10, 0);
    put32(ip + 12, sip);
    put32(ip + 16, dip);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

    uint8_t *udp = ip + 20;
    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (uint16_t)ulen);
    put16(udp + 6, 0);
    memcpy(udp + 8, payload, plen);
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 17;
    put16(pseudo + 10, (uint16_t)ulen);
    uint16_t ck = csum_fold(csum_add(csum_add(0, pseudo, 12), udp, ulen));
    put16(udp + 6, ck ? ck : 0xffff);

    uint32_t rec[4] = {(uint32_t)(EPOCH_SEC + g->now / 1000000), (uint32_t)(g->now % 1000000),
                       (uint32_t)len, (uint32_t)len};
    write_or_die(g, rec, sizeof(rec));
    write_or_die(g, p, len);
}

/* ------------------------------------------------------------------ */
/* SIP rendering.  render() is a pure function of the flow's state, so  */
/* a retransmission renders the same bytes again.                       */

static const char allow_hdr[] =
    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, SUBSCRIBE, UPDATE, PRACK, "
    "MESSAGE\r\n";
static const char pbx_allow_hdr[] =
    "Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, "
    "PRACK, MESSAGE, REFER\r\n";

static const char allow_events_hdr[] =
    "Allow-Events: talk, hold, conference, refer, check-sync, message-summary\r\n";

static void peer_uri_host(const struct flow *f, char *dst, size_t n)
{
    ip_str(f->peer->ip, dst, n);
}

static size_t sdp_body(const struct flow *f, bool from_pbx, char *dst, size_t cap)
{
    struct buf b = {dst, 0, cap};
    char ip[16];
    ip_str(from_pbx ? PBX_IP : f->peer->ip, ip, sizeof(ip));
    bp(&b, "v=0\r\n");
    if (from_pbx) {
        bp(&b, "o=- %llu %llu IN IP4 %s\r\n", (unsigned long long)(f->sess_id ^ 0x5a5a5a5aULL),
           (unsigned long long)(f->sess_id ^ 0x5a5a5a5aULL) + 2, ip);
        bp(&b, "s=Asterisk\r\nc=IN IP4 %s\r\nt=0 0\r\n", ip);
        bp(&b, "m=audio %u RTP/AVP %d 101\r\n", f->rtp_pbx, f->codec);
        bp(&b, "a=rtpmap:%d %s/8000\r\n", f->codec, f->codec == 0 ? "PCMU" : "PCMA");
        bp(&b, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
               "a=ptime:20\r\na=maxptime:150\r\na=sendrecv\r\n");
    } else {
        bp(&b, "o=%s %llu %llu IN IP4 %s\r\n", f->peer->user[0] ? f->peer->user : "-",
           (unsigned long long)f->sess_id, (unsigned long long)f->sess_id, ip);
        bp(&b, "s=%s\r\nc=IN IP4 %s\r\nt=0 0\r\n", f->peer->ua->sdp_name, ip);
        if (f->peer->ua->softphone) {
            bp(&b, "m=audio %u RTP/AVP 96 97 98 0 8 9 3 101 99\r\n", f->rtp_peer);
            bp(&b,
               "a=rtcp:%u\r\na=rtpmap:96 opus/48000/2\r\n"
               "a=fmtp:96 useinbandfec=1; stereo=0; sprop-stereo=0\r\n"
               "a=rtpmap:97 speex/16000\r\na=fmtp:97 vbr=on\r\na=rtpmap:98 speex/8000\r\n"
               "a=fmtp:98 vbr=on\r\na=rtpmap:3 GSM/8000\r\na=rtpmap:99 iLBC/8000\r\n"
               "a=fmtp:99 mode=30\r\n",
               f->rtp_peer + 1);
            bp(&b, "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n"
                   "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                   "a=ptime:20\r\na=sendrecv\r\n");
            return b.len;
        }
        bp(&b, "m=audio %u RTP/AVP 0 8 9 18 101\r\n", f->rtp_peer);
        bp(&b, "a=rtcp:%u\r\n", f->rtp_peer + 1);
        bp(&b, "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n"
               "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n"
               "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
               "a=ptime:20\r\na=sendrecv\r\n");
    }
    return b.len;
}

static void hdr_peer_via(struct buf *b, const struct flow *f, const char *branch, bool resp)
{
    char ip[16];
    ip_str(f->peer->ip, ip, sizeof(ip));
    if (resp)
        bp(b, "Via: SIP/2.0/UDP %s:%u;rport=%u;received=%s;branch=%s\r\n", ip, f->peer->port,
           f->peer->port, ip, branch);
    else
        bp(b, "Via: SIP/2.0/UDP %s:%u;branch=%s;rport\r\n", ip, f->peer->port, branch);
}

static void hdr_from_peer(struct buf *b, const struct flow *f)
{
    char pbx[16];
    ip_str(PBX_IP, pbx, sizeof(pbx));
    if (f->peer->name[0])
        bp(b, "From: \"%s\" <sip:%s@%s>;tag=%s\r\n", f->peer->name, f->peer->user, pbx,
           f->from_tag);
    else
        bp(b, "From: <sip:%s@%s>;tag=%s\r\n", f->peer->user, pbx, f->from_tag);
}

static void hdr_to_callee(struct buf *b, const struct flow *f, bool tag)
{
    char pbx[16];
    ip_str(PBX_IP, pbx, sizeof(pbx));
    bp(b, "To: <sip:%s@%s>", f->callee, pbx);
    if (tag)
        bp(b, ";tag=%s", f->to_tag);
    bp(b, "\r\n");
}

static void hdr_peer_contact(struct buf *b, const struct flow *f)
{
    char ip[16];
    ip_str(f->peer->ip, ip, sizeof(ip));
    bp(b, "Contact: <sip:%s@%s:%u;transport=udp>\r\n", f->peer->user, ip, f->peer->port);
}

static void hdr_pbx_contact(struct buf *b, const struct flow *f)
{
    char pbx[16];
    ip_str(PBX_IP, pbx, sizeof(pbx));
    bp(b, "Contact: <sip:%s@%s:%u>\r\n", f->callee, pbx, PBX_PORT);
}

static void hdr_auth(struct buf *b, const struct flow *f, const char *uri, bool proxy)
{
    bp(b,
       "%s: Digest username=\"%s\",realm=\"asterisk\",nonce=\"%s\",uri=\"%s\","
       "response=\"%s\",algorithm=MD5,cnonce=\"%s\",qop=auth,nc=00000001\r\n",
       proxy ? "Proxy-Authorization" : "Authorization", f->peer->user, f->nonce, uri, f->response,
       f->cnonce);
}

static void hdr_challenge(struct buf *b, const struct flow *f, bool proxy)
{
    bp(b,
       "%s: Digest realm=\"asterisk\",nonce=\"%s\",opaque=\"%.16s\",algorithm=MD5,qop=\"auth\"\r\n",
       proxy ? "Proxy-Authenticate" : "WWW-Authenticate", f->nonce, f->nonce + 8);
}

/* Endpoints of the packet: to_pbx means peer -> PBX. */
struct wire {
    bool to_pbx;
};

/* Responses to the peer's INVITE / CANCEL (sent by the PBX). */
static void render_inv_response(struct buf *b, const struct flow *f, int code, const char *reason,
                                const char *method, const char *extra, bool sdp)
{
    char body[1024];
    size_t blen = sdp ? sdp_body(f, true, body, sizeof(body)) : 0;
    bp(b, "SIP/2.0 %d %s\r\n", code, reason);
    hdr_peer_via(b, f, f->inv_branch, true); /* CANCEL shares the INVITE's branch */
    hdr_from_peer(b, f);
    hdr_to_callee(b, f, code != 100);
    bp(b, "Call-ID: %s\r\nCSeq: %u %s\r\n", f->call_id, f->cseq, method);
    bp(b, "Server: %s\r\n", pbx_ua);
    if (strcmp(method, "INVITE") == 0)
        hdr_pbx_contact(b, f);
    if ((code == 180 || code == 200) && strcmp(method, "INVITE") == 0) {
        char pbx[16];
        ip_str(PBX_IP, pbx, sizeof(pbx));
        bp(b, "P-Asserted-Identity: <sip:%s@%s>\r\n", f->callee, pbx);
    }
    bp(b, "%s", pbx_allow_hdr);
    if (code != 100)
        bp(b, "%s", allow_events_hdr);
    bp(b, "Supported: 100rel, timer, replaces, norefersub\r\n");
    if (code == 200 && strcmp(method, "INVITE") == 0)
        bp(b, "Session-Expires: 1800;refresher=uas\r\nRequire: timer\r\n");
    if (extra)
        bp(b, "%s", extra);
    if (code >= 300)
        bp(b, "X-Asterisk-HangupCause: %s\r\nX-Asterisk-HangupCauseCode: %d\r\n",
           code == 486   ? "User busy"
           : code == 404 ? "Unallocated (unassigned) number"
           : code == 503 ? "No route to destination"
                         : "Normal Clearing",
           code == 486   ? 17
           : code == 404 ? 1
           : code == 503 ? 34
                         : 16);
    if (sdp)
        bp(b, "Content-Type: application/sdp\r\n");
    bp(b, "Content-Length: %zu\r\n\r\n", blen);
    if (blen) {
        memcpy(b->p + b->len, body, blen);
        b->len += blen;
    }
}

static void render(struct gen *g, const struct flow *f, enum code c, struct buf *b, struct wire *w)
{
    char pbx[16], pip[16], uri[96], body[1024];
    size_t blen;
    const struct ep *p = f->peer;
    ip_str(PBX_IP, pbx, sizeof(pbx));
    peer_uri_host(f, pip, sizeof(pip));
    w->to_pbx = true;
    (void)g;

    switch (c) {
    case C_INVITE:
    case C_INVITE_AUTH:
        snprintf(uri, sizeof(uri), "sip:%s@%s", f->callee, pbx);
        blen = sdp_body(f, false, body, sizeof(body));
        bp(b, "INVITE %s SIP/2.0\r\n", uri);
        hdr_peer_via(b, f, f->inv_branch, false);
        bp(b, "Max-Forwards: 70\r\n");
        hdr_from_peer(b, f);
        hdr_to_callee(b, f, false);
        bp(b, "Call-ID: %s\r\nCSeq: %u INVITE\r\n", f->call_id, f->cseq);
        hdr_peer_contact(b, f);
        if (c == C_INVITE_AUTH)
            hdr_auth(b, f, uri, f->proxy_auth);
        if (p->name[0])
            bp(b, "P-Preferred-Identity: \"%s\" <sip:%s@%s>\r\n", p->name, p->user, pbx);
        else
            bp(b, "P-Asserted-Identity: <sip:%s@%s>\r\nPrivacy: none\r\n", p->user, pip);
        bp(b, "User-Agent: %s\r\n%s%s", p->ua->ua, allow_hdr, allow_events_hdr);
        bp(b, "Accept: application/sdp, application/dtmf-relay\r\n"
              "Supported: replaces, timer, path\r\nSession-Expires: 1800\r\nMin-SE: 90\r\n");
        bp(b, "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n", blen);
        memcpy(b->p + b->len, body, blen);
        b->len += blen;
        break;
    case C_100:
        w->to_pbx = false;
        render_inv_response(b, f, 100, "Trying", "INVITE", NULL, false);
        break;
    case C_180:
        w->to_pbx = false;
        render_inv_response(b, f, 180, "Ringing", "INVITE", NULL, false);
        break;
    case C_200_INV:
        w->to_pbx = false;
        render_inv_response(b, f, 200, "OK", "INVITE", NULL, true);
        break;
    case C_401_INV:
    case C_407_INV: {
        char ch[256];
        struct buf cb = {ch, 0, sizeof(ch)};
        w->to_pbx = false;
        hdr_challenge(&cb, f, c == C_407_INV);
        render_inv_response(b, f, c == C_407_INV ? 407 : 401,
                            c == C_407_INV ? "Proxy Authentication Required" : "Unauthorized",
                            "INVITE", ch, false);
        break;
    }
    case C_404:
        w->to_pbx = false;
        render_inv_response(b, f, 404, "Not Found", "INVITE",
                            "Reason: Q.850;cause=1;text=\"Unallocated (unassigned) number\"\r\n",
                            false);
        break;
    case C_486:
        w->to_pbx = false;
        render_inv_response(b, f, 486, "Busy Here", "INVITE",
                            "Reason: Q.850;cause=17;text=\"User busy\"\r\n", false);
        break;
    case C_487:
        w->to_pbx = false;
        render_inv_response(b, f, 487, "Request Terminated", "INVITE",
                            "Reason: Q.850;cause=487\r\n", false);
        break;
    case C_488:
        w->to_pbx = false;
        render_inv_response(b, f, 488, "Not Acceptable Here", "INVITE",
                            "Warning: 305 10.0.0.10 \"Incompatible media format\"\r\n", false);
        break;
    case C_503:
        w->to_pbx = false;
        render_inv_response(b, f, 503, "Service Unavailable", "INVITE",
                            "Retry-After: 30\r\n"
                            "Reason: Q.850;cause=34;text=\"No circuit/channel available\"\r\n",
                            false);
        break;
    case C_200_CANCEL:
        w->to_pbx = false;
        render_inv_response(b, f, 200, "OK", "CANCEL", NULL, false);
        break;
    case C_ACK_ERR:
    case C_CANCEL:
        snprintf(uri, sizeof(uri), "sip:%s@%s", f->callee, pbx);
        bp(b, "%s %s SIP/2.0\r\n", c == C_CANCEL ? "CANCEL" : "ACK", uri);
        hdr_peer_via(b, f, f->inv_branch, false);
        bp(b, "Max-Forwards: 70\r\n");
        hdr_from_peer(b, f);
        hdr_to_callee(b, f, c == C_ACK_ERR);
        bp(b, "Call-ID: %s\r\nCSeq: %u %s\r\n", f->call_id, f->cseq,
           c == C_CANCEL ? "CANCEL" : "ACK");
        if (c == C_CANCEL)
            bp(b, "Reason: SIP;cause=487;text=\"Call cancelled by caller\"\r\n");
        else
            hdr_peer_contact(b, f);
        bp(b, "User-Agent: %s\r\nContent-Length: 0\r\n\r\n", p->ua->ua);
        break;
    case C_ACK_2XX:
        bp(b, "ACK sip:%s@%s:%u SIP/2.0\r\n", f->callee, pbx, PBX_PORT);
        hdr_peer_via(b, f, f->branch, false);
        bp(b, "Max-Forwards: 70\r\n");
        hdr_from_peer(b, f);
        hdr_to_callee(b, f, true);
        bp(b, "Call-ID: %s\r\nCSeq: %u ACK\r\n", f->call_id, f->cseq);
        hdr_peer_contact(b, f);
        bp(b, "User-Agent: %s\r\nContent-Length: 0\r\n\r\n", p->ua->ua);
        break;
    case C_BYE:
        if (f->bye_by_pbx) {
            w->to_pbx = false;
            bp(b, "BYE sip:%s@%s:%u;transport=udp SIP/2.0\r\n", p->user, pip, p->port);
            bp(b, "Via: SIP/2.0/UDP %s:%u;rport;branch=%s\r\n", pbx, PBX_PORT, f->pbx_branch);
            bp(b, "Max-Forwards: 70\r\n");
            bp(b, "From: <sip:%s@%s>;tag=%s\r\n", f->callee, pbx, f->to_tag);
            if (p->name[0])
                bp(b, "To: \"%s\" <sip:%s@%s>;tag=%s\r\n", p->name, p->user, pbx, f->from_tag);
            else
                bp(b, "To: <sip:%s@%s>;tag=%s\r\n", p->user, pbx, f->from_tag);
            bp(b, "Call-ID: %s\r\nCSeq: %u BYE\r\n", f->call_id, f->pbx_cseq);
            hdr_pbx_contact(b, f);
            bp(b, "Reason: Q.850;cause=16;text=\"Normal Clearing\"\r\n"
                  "X-Asterisk-HangupCause: Normal Clearing\r\nX-Asterisk-HangupCauseCode: 16\r\n");
            bp(b, "User-Agent: %s\r\nContent-Length: 0\r\n\r\n", pbx_ua);
        } else {
            bp(b, "BYE sip:%s@%s:%u SIP/2.0\r\n", f->callee, pbx, PBX_PORT);
            hdr_peer_via(b, f, f->branch, false);
            bp(b, "Max-Forwards: 70\r\n");
            hdr_from_peer(b, f);
            hdr_to_callee(b, f, true);
            bp(b, "Call-ID: %s\r\nCSeq: %u BYE\r\n", f->call_id, f->cseq);
            hdr_peer_contact(b, f);
            bp(b, "User-Agent: %s\r\n%s%s", p->ua->ua, allow_hdr, allow_events_hdr);
            bp(b, "Content-Length: 0\r\n\r\n");
        }
        break;
    case C_200_BYE:
        if (f->bye_by_pbx) {
            bp(b, "SIP/2.0 200 OK\r\n");
            bp(b, "Via: SIP/2.0/UDP %s:%u;rport=%u;branch=%s\r\n", pbx, PBX_PORT, PBX_PORT,
               f->pbx_branch);
            bp(b, "From: <sip:%s@%s>;tag=%s\r\n", f->callee, pbx, f->to_tag);
            if (p->name[0])
                bp(b, "To: \"%s\" <sip:%s@%s>;tag=%s\r\n", p->name, p->user, pbx, f->from_tag);
            else
                bp(b, "To: <sip:%s@%s>;tag=%s\r\n", p->user, pbx, f->from_tag);
            bp(b, "Call-ID: %s\r\nCSeq: %u BYE\r\n", f->call_id, f->pbx_cseq);
            hdr_peer_contact(b, f);
            bp(b, "User-Agent: %s\r\n%s", p->ua->ua, allow_hdr);
            bp(b, "Supported: replaces, timer, path\r\nContent-Length: 0\r\n\r\n");
        } else {
            w->to_pbx = false;
            bp(b, "SIP/2.0 200 OK\r\n");
            hdr_peer_via(b, f, f->branch, true);
            hdr_from_peer(b, f);
            hdr_to_callee(b, f, true);
            bp(b, "Call-ID: %s\r\nCSeq: %u BYE\r\n", f->call_id, f->cseq);
            hdr_pbx_contact(b, f);
            bp(b, "Server: %s\r\n%sSupported: 100rel, timer, replaces, norefersub\r\n", pbx_ua,
               pbx_allow_hdr);
            bp(b, "Content-Length: 0\r\n\r\n");
        }
        break;
    case C_REGISTER:
    case C_REGISTER_AUTH:
        snprintf(uri, sizeof(uri), "sip:%s", pbx);
        bp(b, "REGISTER %s SIP/2.0\r\n", uri);
        hdr_peer_via(b, f, f->branch, false);
        bp(b, "Max-Forwards: 70\r\n");
        hdr_from_peer(b, f);
        bp(b, "To: <sip:%s@%s>\r\n", p->user, pbx);
        bp(b, "Call-ID: %s\r\nCSeq: %u REGISTER\r\n", f->call_id, f->cseq);
        bp(b, "Contact: <sip:%s@%s:%u;transport=udp>", p->user, pip, p->port);
        if (p->ua->softphone)
            bp(b, ";+sip.instance=\"<urn:uuid:%s>\";reg-id=1", p->instance);
        bp(b, ";expires=3600\r\n");
        if (c == C_REGISTER_AUTH)
            hdr_auth(b, f, uri, false);
        bp(b, "User-Agent: %s\r\n%s%s", p->ua->ua, allow_hdr, allow_events_hdr);
        bp(b, "Supported: path, gruu, outbound\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n");
        break;
    case C_401_REG:
    case C_200_REG:
        w->to_pbx = false;
        bp(b, "SIP/2.0 %s\r\n", c == C_401_REG ? "401 Unauthorized" : "200 OK");
        hdr_peer_via(b, f, f->branch, true);
        hdr_from_peer(b, f);
        bp(b, "To: <sip:%s@%s>;tag=%s\r\n", p->user, pbx, f->to_tag);
        bp(b, "Call-ID: %s\r\nCSeq: %u REGISTER\r\n", f->call_id, f->cseq);
        bp(b, "Server: %s\r\n%s", pbx_ua, pbx_allow_hdr);
        bp(b, "Supported: 100rel, timer, replaces, norefersub, path\r\n");
        if (c == C_401_REG) {
            hdr_challenge(b, f, false);
        } else {
            time_t t = (time_t)(EPOCH_SEC + g->now / 1000000);
            struct tm tm;
            char date[64];
            gmtime_r(&t, &tm);
            strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
            bp(b, "Contact: <sip:%s@%s:%u;transport=udp>;expires=3600\r\n", p->user, pip, p->port);
            bp(b, "Date: %s\r\nExpires: 3600\r\n", date);
        }
        bp(b, "Content-Length: 0\r\n\r\n");
        break;
    case C_OPTIONS:
        w->to_pbx = false;
        bp(b, "OPTIONS sip:%s@%s:%u SIP/2.0\r\n", p->user, pip, p->port);
        bp(b, "Via: SIP/2.0/UDP %s:%u;rport;branch=%s\r\n", pbx, PBX_PORT, f->pbx_branch);
        bp(b, "Max-Forwards: 70\r\n");
        bp(b, "From: <sip:asterisk@%s>;tag=%s\r\n", pbx, f->from_tag);
        bp(b, "To: <sip:%s@%s:%u>\r\n", p->user, pip, p->port);
        bp(b, "Contact: <sip:asterisk@%s:%u>\r\n", pbx, PBX_PORT);
        bp(b, "Call-ID: %s\r\nCSeq: %u OPTIONS\r\n", f->call_id, f->pbx_cseq);
        bp(b, "User-Agent: %s\r\n%s", pbx_ua, pbx_allow_hdr);
        bp(b, "Supported: 100rel, timer, replaces, norefersub\r\nAccept: application/sdp\r\n"
              "Content-Length: 0\r\n\r\n");
        break;
    case C_200_OPT:
        bp(b, "SIP/2.0 200 OK\r\n");
        bp(b, "Via: SIP/2.0/UDP %s:%u;rport=%u;branch=%s;received=%s\r\n", pbx, PBX_PORT, PBX_PORT,
           f->pbx_branch, pbx);
        bp(b, "From: <sip:asterisk@%s>;tag=%s\r\n", pbx, f->from_tag);
        bp(b, "To: <sip:%s@%s:%u>;tag=%s\r\n", p->user, pip, p->port, f->to_tag);
        bp(b, "Call-ID: %s\r\nCSeq: %u OPTIONS\r\n", f->call_id, f->pbx_cseq);
        hdr_peer_contact(b, f);
        bp(b, "User-Agent: %s\r\n%s", p->ua->ua, allow_hdr);
        bp(b,
           "%sAccept: application/sdp, application/dtmf-relay\r\n"
           "Accept-Language: en\r\nSupported: replaces, timer, path\r\n"
           "Content-Length: 0\r\n\r\n",
           allow_events_hdr);
        break;
    case C_TALK:
    case C_END:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Flow life.                                                           */

static void new_call_id(struct gen *g, const struct ep *p, char *dst, size_t n)
{
    char a[40], ip[16];
    ip_str(p->ip, ip, sizeof(ip));
    switch (p->ua->callid_style) {
    case 0:
        rng_hex(&g->rng, a, 24);
        snprintf(dst, n, "%s@%s", a, ip);
        break;
    case 1:
        rng_alnum(&g->rng, a, 22);
        snprintf(dst, n, "%s", a);
        break;
    default:
        rng_hex(&g->rng, a, 32);
        snprintf(dst, n, "%.8s-%.4s-%.4s-%.4s-%.12s", a, a + 8, a + 12, a + 16, a + 20);
        break;
    }
}

static void new_branch(struct gen *g, char *dst)
{
    memcpy(dst, "z9hG4bK", 7);
    rng_hex(&g->rng, dst + 7, 24);
}

static enum kind pick_kind(struct gen *g)
{
    unsigned x = (unsigned)(rng_next(&g->rng) % 1000), acc = 0;
    for (int k = 0; k < K_COUNT; k++) {
        acc += kind_weight[k];
        if (x < acc)
            return (enum kind)k;
    }
    return K_OPTIONS;
}

static int32_t flow_alloc(struct gen *g)
{
    if (g->nfree)
        return g->free_ids[--g->nfree];
    if (g->nflows == g->cap_flows) {
        g->cap_flows = g->cap_flows ? g->cap_flows * 2 : 1024;
        g->flows = xrealloc(g->flows, g->cap_flows * sizeof(*g->flows));
        g->free_ids = xrealloc(g->free_ids, g->cap_flows * sizeof(*g->free_ids));
    }
    g->flows[g->nflows] = xrealloc(NULL, sizeof(struct flow));
    return (int32_t)g->nflows++;
}

static void flow_start(struct gen *g)
{
    int32_t id = flow_alloc(g);
    struct flow *f = g->flows[id];
    memset(f, 0, sizeof(*f));
    f->kind = pick_kind(g);

    if (f->kind == K_REGISTER) {
        struct ep *p = &g->phones[rng_next(&g->rng) % NPHONES];
        for (int i = 0; p->reg_busy && i < NPHONES; i++)
            p = &g->phones[(size_t)(p - g->phones + 1) % NPHONES];
        p->reg_busy = true;
        f->peer = p;
        if (!p->reg_callid[0]) {
            new_call_id(g, p, p->reg_callid, sizeof(p->reg_callid));
            g->dialogs++;
        }
        snprintf(f->call_id, sizeof(f->call_id), "%s", p->reg_callid);
    } else if (f->kind == K_OPTIONS) {
        bool trunk = rng_permille(&g->rng, 200);
        f->peer = trunk ? &g->trunks[rng_next(&g->rng) % NTRUNKS]
                        : &g->phones[rng_next(&g->rng) % NPHONES];
        char a[40];
        rng_hex(&g->rng, a, 32);
        char pbx[16];
        ip_str(PBX_IP, pbx, sizeof(pbx));
        snprintf(f->call_id, sizeof(f->call_id), "%s@%s:5060", a, pbx);
        f->pbx_cseq = (uint32_t)rng_range(&g->rng, 100, 60000);
        g->dialogs++;
    } else {
        /* Calls: 80% from phones, 20% inbound from a carrier (no auth). */
        bool trunk = f->kind != K_AUTH_CALL && rng_permille(&g->rng, 200);
        if (trunk) {
            struct ep *t = &g->trunks[rng_next(&g->rng) % NTRUNKS];
            f->peer = t;
            snprintf(f->callee, sizeof(f->callee), "%llu",
                     (unsigned long long)rng_range(&g->rng, 3224000000ULL, 3224009999ULL));
        } else {
            f->peer = &g->phones[rng_next(&g->rng) % NPHONES];
            if (rng_permille(&g->rng, 600))
                snprintf(f->callee, sizeof(f->callee), "%u",
                         (unsigned)rng_range(&g->rng, 1000, 1000 + NPHONES - 1));
            else
                snprintf(
                    f->callee, sizeof(f->callee), "00%llu",
                    (unsigned long long)rng_range(&g->rng, 4420000000000ULL, 4499999999999ULL));
        }
        new_call_id(g, f->peer, f->call_id, sizeof(f->call_id));
        f->cseq = (uint32_t)rng_range(&g->rng, 1, 30000);
        f->pbx_cseq = (uint32_t)rng_range(&g->rng, 100, 30000);
        f->sess_id = rng_range(&g->rng, 1000000, 999999999);
        f->rtp_peer = (uint16_t)(rng_range(&g->rng, 5000, 9999) * 2);
        f->rtp_pbx = (uint16_t)(rng_range(&g->rng, 5000, 9999) * 2);
        f->codec = rng_permille(&g->rng, 700) ? 0 : 8;
        f->bye_by_pbx = rng_permille(&g->rng, 450);
        f->proxy_auth = rng_permille(&g->rng, 400);
        for (int i = 0; i < 2; i++) {
            f->rtp_seq[i] = (uint16_t)rng_next(&g->rng);
            f->rtp_ts[i] = (uint32_t)rng_next(&g->rng);
            f->rtp_ssrc[i] = (uint32_t)rng_next(&g->rng);
        }
        g->dialogs++;
    }
    rng_hex(&g->rng, f->from_tag, f->peer->ua == &trunk_ua ? 16 : 10);
    rng_hex(&g->rng, f->to_tag, 12);
    heap_push(g, g->now, id);
}

/* Draws the random values a new message needs (never on a retransmission). */
static void prepare(struct gen *g, struct flow *f, enum code c)
{
    switch (c) {
    case C_INVITE:
        new_branch(g, f->inv_branch);
        break;
    case C_INVITE_AUTH:
        f->cseq++;
        new_branch(g, f->inv_branch);
        rng_hex(&g->rng, f->cnonce, 16);
        rng_hex(&g->rng, f->response, 32);
        break;
    case C_401_INV:
    case C_407_INV:
    case C_401_REG:
        rng_hex(&g->rng, f->nonce, 32);
        break;
    case C_ACK_2XX:
        new_branch(g, f->branch);
        break;
    case C_BYE:
        if (f->bye_by_pbx) {
            new_branch(g, f->pbx_branch);
        } else {
            f->cseq++;
            new_branch(g, f->branch);
        }
        break;
    case C_REGISTER:
        f->cseq = ++f->peer->reg_cseq;
        new_branch(g, f->branch);
        break;
    case C_REGISTER_AUTH:
        f->cseq = ++f->peer->reg_cseq;
        new_branch(g, f->branch);
        rng_hex(&g->rng, f->cnonce, 16);
        rng_hex(&g->rng, f->response, 32);
        break;
    case C_OPTIONS:
        new_branch(g, f->pbx_branch);
        break;
    default:
        break;
    }
}

static bool is_retransmittable(enum code c)
{
    return c == C_INVITE || c == C_INVITE_AUTH || c == C_200_INV || c == C_BYE || c == C_REGISTER ||
           c == C_OPTIONS;
}

/* Microseconds between message c and the next one of the flow. */
static uint64_t delay_after(struct gen *g, const struct flow *f, enum code c)
{
    struct rng *r = &g->rng;
    enum code next = scripts[f->kind][f->step + 1];
    switch (c) {
    case C_INVITE:
    case C_INVITE_AUTH:
    case C_REGISTER:
    case C_REGISTER_AUTH:
    case C_OPTIONS:
    case C_BYE:
    case C_CANCEL:
        return rng_range(r, 800, 40000); /* network + server turnaround */
    case C_100:
        return next == C_180 ? rng_range(r, 20000, 900000) : rng_range(r, 5000, 2500000);
    case C_180:
        if (next == C_200_INV)
            return rng_range(r, 2000000, 25000000); /* ringing */
        if (next == C_CANCEL)
            return rng_range(r, 3000000, 40000000);
        return rng_range(r, 1000000, 8000000); /* busy after ringing a while */
    case C_200_INV:
        return rng_range(r, 10000, 120000);
    case C_ACK_2XX: {
        if (g->rtp)
            return 1000; /* the RTP events carry the talk time */
        unsigned x = (unsigned)(rng_next(r) % 100);
        if (x < 55)
            return rng_range(r, 5000000, 60000000);
        if (x < 90)
            return rng_range(r, 60000000, 300000000);
        return rng_range(r, 300000000, 1800000000);
    }
    case C_200_CANCEL:
        return rng_range(r, 500, 5000);
    case C_401_INV:
    case C_407_INV:
    case C_401_REG:
        return rng_range(r, 500, 8000); /* ACK / auth retry */
    case C_ACK_ERR:
        return rng_range(r, 2000, 60000);
    default:
        return rng_range(r, 1000, 30000);
    }
}

static void flow_finish(struct gen *g, int32_t id)
{
    struct flow *f = g->flows[id];
    if (f->kind == K_REGISTER)
        f->peer->reg_busy = false;
    g->free_ids[g->nfree++] = id;
}

/* PCMU/PCMA payload of a quiet voice: bytes near the codec's zero level. */
static void emit_rtp(struct gen *g, struct flow *f)
{
    uint8_t pkt[12 + 160];
    for (int dir = 0; dir < 2; dir++) {
        pkt[0] = 0x80;
        pkt[1] = (uint8_t)f->codec;
        put16(pkt + 2, f->rtp_seq[dir]++);
        put32(pkt + 4, f->rtp_ts[dir]);
        f->rtp_ts[dir] += 160;
        put32(pkt + 8, f->rtp_ssrc[dir]);
        uint64_t x = rng_next(&g->rng);
        uint8_t zero = f->codec == 0 ? 0xff : 0xd5;
        for (int i = 0; i < 160; i++) {
            if ((i & 15) == 0)
                x = rng_next(&g->rng);
            pkt[12 + i] = (uint8_t)(zero ^ ((x >> ((i & 15) * 4)) & 0x7));
        }
        if (dir == 0)
            emit_udp(g, f->peer->ip, f->rtp_peer, PBX_IP, f->rtp_pbx, pkt, sizeof(pkt));
        else
            emit_udp(g, PBX_IP, f->rtp_pbx, f->peer->ip, f->rtp_peer, pkt, sizeof(pkt));
        g->rtp_pkts++;
    }
}

static void flow_event(struct gen *g, int32_t id)
{
    struct flow *f = g->flows[id];
    enum code c = scripts[f->kind][f->step];

    if (c == C_END) {
        flow_finish(g, id);
        return;
    }
    if (c == C_TALK) {
        if (g->rtp) {
            if (f->talk_end == 0)
                f->talk_end = g->now + rng_range(&g->rng, 1000000, 5000000);
            if (g->now < f->talk_end) {
                emit_rtp(g, f);
                heap_push(g, g->now + RTP_PTIME_US, id);
                return;
            }
        }
        f->step++;
        heap_push(g, g->now + rng_range(&g->rng, 100, 5000), id);
        return;
    }
    if (c == C_401_INV && f->proxy_auth)
        c = C_407_INV;

    if (!f->retx)
        prepare(g, f, c);
    char msg[MSG_MAX];
    struct buf b = {msg, 0, sizeof(msg)};
    struct wire w;
    render(g, f, c, &b, &w);
    if (w.to_pbx)
        emit_udp(g, f->peer->ip, f->peer->port, PBX_IP, PBX_PORT, msg, b.len);
    else
        emit_udp(g, PBX_IP, PBX_PORT, f->peer->ip, f->peer->port, msg, b.len);
    g->sip_msgs++;
    g->sip_bytes += b.len;

    if (!f->retx && is_retransmittable(c) && rng_permille(&g->rng, 20)) {
        f->retx = true;
        heap_push(g, g->now + T1_US, id);
        return;
    }
    f->retx = false;
    uint64_t d = delay_after(g, f, c);
    f->step++;
    heap_push(g, g->now + d, id);
}

/* ------------------------------------------------------------------ */
/* Setup and main loop.                                                 */

static void make_endpoints(struct gen *g)
{
    for (unsigned i = 0; i < NPHONES; i++) {
        struct ep *p = &g->phones[i];
        /* 10.1.0.0/16 for the office; every fifth phone is remote behind NAT. */
        bool nat = i % 5 == 4;
        p->ip = nat ? 0xc6336400U + 1 + (uint32_t)(rng_next(&g->rng) % 250) /* 198.51.100.x */
                    : 0x0a010000U + (i / 250) * 256 + (i % 250) + 1;
        p->port = nat ? (uint16_t)rng_range(&g->rng, 20000, 60000) : 5060;
        p->ua = &ua_kinds[rng_next(&g->rng) % (sizeof(ua_kinds) / sizeof(ua_kinds[0]))];
        snprintf(p->user, sizeof(p->user), "%u", 1000 + i);
        if (i % 7 != 0)
            snprintf(p->name, sizeof(p->name), "%s %s",
                     first_names[rng_next(&g->rng) % (sizeof(first_names) / sizeof(*first_names))],
                     last_names[rng_next(&g->rng) % (sizeof(last_names) / sizeof(*last_names))]);
        p->reg_cseq = (uint32_t)rng_range(&g->rng, 1, 5000);
        char a[40];
        rng_hex(&g->rng, a, 32);
        snprintf(p->instance, sizeof(p->instance), "%.8s-%.4s-%.4s-%.4s-%.12s", a, a + 8, a + 12,
                 a + 16, a + 20);
    }
    for (unsigned i = 0; i < NTRUNKS; i++) {
        struct ep *t = &g->trunks[i];
        t->ip = 0xcb007114U + i; /* 203.0.113.20.. */
        t->port = 5060;
        t->ua = &trunk_ua;
        snprintf(t->user, sizeof(t->user), "%llu",
                 (unsigned long long)rng_range(&g->rng, 3226000000ULL, 3229999999ULL));
    }
}

static void usage(FILE *f)
{
    fputs("usage: gen -n MESSAGES [-s SEED] [--rtp] [-m META] -o FILE\n"
          "  writes a pcap of exactly MESSAGES SIP messages (Ethernet/IPv4/UDP)\n"
          "  --rtp     add G.711 RTP (20 ms) to answered calls; not counted in MESSAGES\n"
          "  -m META   also write key=value statistics (messages, dialogs, ...) to META\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"messages", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"rtp", no_argument, NULL, 'R'},
        {"meta", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t n = 0, seed = 1;
    bool rtp = false;
    const char *outpath = NULL, *metapath = NULL;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "n:s:m:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            errno = 0;
            n = strtoull(optarg, &end, 10);
            if (errno || *end || n == 0 || n > 1000000000ULL) {
                fprintf(stderr, "gen: bad message count '%s'\n", optarg);
                return 2;
            }
            break;
        case 's':
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || *end) {
                fprintf(stderr, "gen: bad seed '%s'\n", optarg);
                return 2;
            }
            break;
        case 'R':
            rtp = true;
            break;
        case 'm':
            metapath = optarg;
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!n || !outpath || optind != argc) {
        usage(stderr);
        return 2;
    }

    struct gen *g = calloc(1, sizeof(*g));
    if (!g) {
        fputs("gen: out of memory\n", stderr);
        return 1;
    }
    rng_seed(&g->rng, seed);
    g->rtp = rtp;
    g->want = n;
    g->out = fopen(outpath, "wb");
    if (!g->out) {
        fprintf(stderr, "gen: %s: %s\n", outpath, strerror(errno));
        free(g);
        return 1;
    }
    setvbuf(g->out, NULL, _IOFBF, 1 << 20);
    make_endpoints(g);
    pcap_header(g);

    heap_push(g, 0, -1);
    while (g->sip_msgs < g->want && g->nheap > 0) {
        struct event e = heap_pop(g);
        g->now = e.t;
        if (e.flow < 0) {
            flow_start(g);
            /* Uniform gaps with mean 1/FLOWS_PER_SEC. */
            heap_push(g, g->now + rng_range(&g->rng, 0, 2000000 / FLOWS_PER_SEC), -1);
        } else {
            flow_event(g, e.flow);
        }
    }

    int rc = 0;
    if (fclose(g->out) != 0) {
        fprintf(stderr, "gen: %s: %s\n", outpath, strerror(errno));
        rc = 1;
    }
    fprintf(stderr,
            "gen: %s: %llu SIP messages (%.0f bytes avg), %llu dialogs, %llu RTP packets, "
            "%.1f MB, %.0f s of traffic\n",
            outpath, (unsigned long long)g->sip_msgs,
            g->sip_msgs ? (double)g->sip_bytes / (double)g->sip_msgs : 0.0,
            (unsigned long long)g->dialogs, (unsigned long long)g->rtp_pkts,
            (double)g->file_bytes / 1e6, (double)g->now / 1e6);
    if (metapath) {
        FILE *m = fopen(metapath, "w");
        if (!m) {
            fprintf(stderr, "gen: %s: %s\n", metapath, strerror(errno));
            rc = 1;
        } else {
            fprintf(m,
                    "messages=%llu\ndialogs=%llu\nrtp_packets=%llu\nsip_bytes=%llu\n"
                    "file_bytes=%llu\nduration_us=%llu\nseed=%llu\n",
                    (unsigned long long)g->sip_msgs, (unsigned long long)g->dialogs,
                    (unsigned long long)g->rtp_pkts, (unsigned long long)g->sip_bytes,
                    (unsigned long long)g->file_bytes, (unsigned long long)g->now,
                    (unsigned long long)seed);
            if (fclose(m) != 0)
                rc = 1;
        }
    }
    for (size_t i = 0; i < g->nflows; i++)
        free(g->flows[i]);
    free(g->flows);
    free(g->free_ids);
    free(g->heap);
    free(g);
    return rc;
}
