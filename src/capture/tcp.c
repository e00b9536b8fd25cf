/*
 * tcp: TCP stream reassembly per direction, and what rides on a stream:
 * SIP framed by Content-Length (sip_frame), SIP over WebSocket (RFC 6455
 * frames, RFC 7118), HEP packets split by their length field, and TLS
 * records (tls.c), whose decrypted bytes are framed the same way in an
 * inner stream: SIP over TLS and WebSocket over TLS (WSS).
 *
 * A direction is recognised by its first payload: a SIP start line, an HTTP
 * WebSocket handshake, a WebSocket frame carrying SIP, or a HEP header.
 * Anything else is passed through segment by segment, unbuffered, until a
 * segment starts with a SIP start line.  In-order bytes are framed straight
 * from the segment when nothing is buffered (no copy, file offsets kept);
 * only a partial message's tail is copied.  Out-of-order segments are kept
 * (copied) in a skip list ordered by sequence number, so each costs
 * O(log n) to queue or find (a sorted list made 80 k one-byte segments
 * behind a hole cost O(n^2)), until the hole fills; retransmitted bytes are
 * dropped.  When the buffered bytes of a direction pass tcp_max_bytes, its
 * queued segments pass tcp_max_ooo_segs, or all directions' queued bytes
 * pass tcp_max_ooo_total, the hole is declared a gap (counted, with the
 * bytes it skipped): buffered bytes are dropped and the stream
 * resynchronises on the next SIP start line.  At most tcp_max_streams
 * directions are tracked; the least recently used is evicted.
 *
 * A partial SIP message is not framed again for every segment that cannot
 * complete it (a trickle of one-byte segments re-walked its headers each
 * time): `need` holds the buffered length framing waits for (the body's
 * end), `want_nl` says that only a new line end can change the answer.
 *
 * Thread: the decoder's.  Ownership: the table owns every direction and
 * its buffers.
 */
#include "capture.h"

#include <stdlib.h>
#include <string.h>

#include "capture_int.h"
#include "sip.h"
#include "tls_int.h"
#include "util.h"

#define TCP_BUCKETS (1u << 14)

enum tcp_mode {
    M_UNKNOWN,
    M_SIP,
    M_RESYNC,
    M_PASS,
    M_HTTP,
    M_WS,
    M_HEP,
    M_TLS,     /* TLS records: plaintext goes to the inner stream */
    M_TLS_LOST /* record framing lost (a gap): the rest is not read */
};

#define OOO_LEVELS 16 /* skip list levels (p = 1/4): O(log n) up to 4^16 segments */
#define OOO_COST   64 /* what a queued segment costs beyond its bytes (node, malloc) */

struct tcp_ooo {
    uint32_t seq;
    uint8_t level; /* next[] has level entries */
    size_t len;
    uint8_t *data;          /* points after next[] */
    struct tcp_ooo *next[]; /* next[0] is the plain sorted list */
};

struct tcp_dir {
    struct tcp_dir *hnext;         /* hash chain */
    struct tcp_dir *lprev, *lnext; /* LRU order, least recent first */
    struct cap_addr src, dst;
    uint32_t next_seq;
    bool have_seq;
    enum tcp_mode mode;
    uint8_t *buf; /* owned: in-order bytes not yet consumed */
    size_t len, cap;
    struct tcp_ooo *ooo[OOO_LEVELS]; /* owned skip list: heads per level */
    size_t ooo_bytes, ooo_segs;
    size_t need;  /* M_SIP: framing waits until len reaches this */
    bool want_nl; /* M_SIP: framing waits for a new '\n' */
    uint8_t *ws;  /* owned: fragmented WebSocket message */
    size_t wslen, wscap;
    bool ws_open;                   /* a fragmented message is in progress */
    struct tls_half *tls;           /* owned: M_TLS state, or NULL */
    struct tcp_dir *inner;          /* owned: decrypted stream (not in the table) */
    struct cap_record last;         /* frame of the last segment (data unused) */
    uint8_t layers[CAP_MAX_LAYERS]; /* its layers, up to tcp */
    uint8_t nlayers;
};

struct cap_tcp {
    struct tcp_dir *bucket[TCP_BUCKETS];
    struct tcp_dir *lru_head, *lru_tail;
    size_t count;
    uint8_t *scratch; /* owned: unmasked WebSocket payload */
    size_t scratch_cap;
    size_t ooo_total;   /* what every direction's queued segments cost (bytes) */
    uint64_t rnd;       /* skip list levels */
    uint64_t keys_gen;  /* key store generation waiting records last saw */
    size_t tls_waiting; /* directions with records waiting for keys */
};

struct cap_tcp *cap_tcp_new(void)
{
    struct cap_tcp *tb = xcalloc(1, sizeof(struct cap_tcp));

    /* Levels need only be unpredictable enough that one sender cannot
     * line its segments up into a list: seeded per table. */
    tb->rnd = hash_bytes(&tb, sizeof(tb)) | 1;
    return tb;
}

static unsigned dir_hash(const struct cap_addr *s, const struct cap_addr *d)
{
    uint64_t h = hash_bytes(s->ip, 16) ^ (hash_bytes(d->ip, 16) * 31);

    h ^= (uint64_t)s->port << 16 | d->port;
    h *= 0x9E3779B97F4A7C15ull;
    return (unsigned)(h >> 40) & (TCP_BUCKETS - 1);
}

/* ------------------------------------------------------------ out-of-order queue */

static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static struct tcp_ooo *ooo_first(const struct tcp_dir *t)
{
    return t->ooo[0];
}

/* Unlinks and returns the first queued segment (the caller frees it). */
static struct tcp_ooo *ooo_pop(struct cap_tcp *tb, struct tcp_dir *t)
{
    struct tcp_ooo *o = t->ooo[0];
    unsigned l;

    for (l = 0; l < o->level; l++)
        t->ooo[l] = o->next[l];
    t->ooo_bytes -= o->len;
    t->ooo_segs--;
    tb->ooo_total -= o->len + OOO_COST;
    return o;
}

/* Queues a copy of p at seq.  The segment goes before every queued one
 * with the same or a later seq; one with the same seq that holds at least
 * as many bytes makes it a retransmission: false, nothing queued. */
static bool ooo_insert(struct cap_tcp *tb, struct tcp_dir *t, uint32_t seq, const uint8_t *p,
                       size_t n)
{
    struct tcp_ooo **upd[OOO_LEVELS], *o, *nx;
    struct tcp_ooo **cur = t->ooo; /* next[] array of the node we stand on */
    unsigned l, level = 1;
    uint64_t r;

    for (l = OOO_LEVELS; l-- > 0;) {
        while ((nx = cur[l]) != NULL && seq_lt(nx->seq, seq))
            cur = nx->next;
        upd[l] = &cur[l];
    }
    nx = cur[0];
    if (nx && nx->seq == seq && nx->len >= n)
        return false;
    r = tb->rnd;
    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    tb->rnd = r;
    while (level < OOO_LEVELS && (r & 3) == 0) { /* p = 1/4 a level */
        level++;
        r >>= 2;
    }
    o = xmalloc(sizeof(*o) + level * sizeof(o->next[0]) + n);
    o->seq = seq;
    o->level = (uint8_t)level;
    o->len = n;
    o->data = (uint8_t *)&o->next[level];
    memcpy(o->data, p, n);
    for (l = 0; l < level; l++) {
        o->next[l] = *upd[l];
        *upd[l] = o;
    }
    t->ooo_bytes += n;
    t->ooo_segs++;
    tb->ooo_total += n + OOO_COST;
    return true;
}

static void dir_reset(struct cap_tcp *tb, struct tcp_dir *t)
{
    while (ooo_first(t))
        free(ooo_pop(tb, t));
    t->len = 0;
    t->need = 0;
    t->want_nl = false;
    t->wslen = 0;
    t->ws_open = false;
}

static void inner_free(struct tcp_dir *t) /* no out-of-order queue: fed in order */
{
    if (!t)
        return;
    free(t->buf);
    free(t->ws);
    free(t);
}

static void dir_free(struct cap_decoder *dec, struct cap_tcp *tb, struct tcp_dir *t)
{
    struct tcp_dir **pp = &tb->bucket[dir_hash(&t->src, &t->dst)];

    while (*pp && *pp != t)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = t->hnext;
    if (t->lprev)
        t->lprev->lnext = t->lnext;
    else
        tb->lru_head = t->lnext;
    if (t->lnext)
        t->lnext->lprev = t->lprev;
    else
        tb->lru_tail = t->lprev;
    tb->count--;
    dir_reset(tb, t);
    if (t->tls) {
        if (tls_half_waiting(t->tls))
            tb->tls_waiting--;
        tls_half_free(dec, t->tls);
    }
    inner_free(t->inner);
    free(t->buf);
    free(t->ws);
    free(t);
}

void cap_tcp_free(struct cap_decoder *dec, struct cap_tcp *t)
{
    if (!t)
        return;
    while (t->lru_head)
        dir_free(dec, t, t->lru_head);
    free(t->scratch);
    free(t);
}

static struct tcp_dir *dir_find(struct cap_tcp *tb, const struct cap_addr *s,
                                const struct cap_addr *d)
{
    struct tcp_dir *t;

    for (t = tb->bucket[dir_hash(s, d)]; t; t = t->hnext)
        if (cap_addr_eq(&t->src, s) && cap_addr_eq(&t->dst, d))
            return t;
    return NULL;
}

static struct tcp_dir *dir_get(struct cap_decoder *dec, struct cap_tcp *tb,
                               const struct cap_addr *s, const struct cap_addr *d)
{
    unsigned h = dir_hash(s, d);
    struct tcp_dir *t;

    for (t = tb->bucket[h]; t; t = t->hnext) {
        if (cap_addr_eq(&t->src, s) && cap_addr_eq(&t->dst, d))
            break;
    }
    if (t) {
        if (t != tb->lru_tail) { /* move to the most recent end */
            if (t->lprev)
                t->lprev->lnext = t->lnext;
            else
                tb->lru_head = t->lnext;
            t->lnext->lprev = t->lprev;
            t->lprev = tb->lru_tail;
            t->lnext = NULL;
            tb->lru_tail->lnext = t;
            tb->lru_tail = t;
        }
        return t;
    }
    while (tb->count > 0 && tb->count >= cap_decoder_limits(dec)->tcp_max_streams)
        dir_free(dec, tb, tb->lru_head);
    t = xcalloc(1, sizeof(*t));
    t->src = *s;
    t->dst = *d;
    t->hnext = tb->bucket[h];
    tb->bucket[h] = t;
    t->lprev = tb->lru_tail;
    if (tb->lru_tail)
        tb->lru_tail->lnext = t;
    else
        tb->lru_head = t;
    tb->lru_tail = t;
    tb->count++;
    return t;
}

static void buf_append(uint8_t **b, size_t *len, size_t *cap, const uint8_t *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL (empty WebSocket fragment) */
    if (*len + n > *cap) {
        size_t nc = *cap ? *cap : 4096;

        while (nc < *len + n)
            nc *= 2;
        *b = xrealloc(*b, nc);
        *cap = nc;
    }
    memcpy(*b + *len, p, n);
    *len += n;
}

/* ------------------------------------------------------------ detection */

static bool has_ci(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle), i, j;

    for (i = 0; i + k <= n; i++) {
        for (j = 0; j < k; j++) {
            uint8_t a = p[i + j], b = (uint8_t)needle[j];

            if (a >= 'A' && a <= 'Z')
                a = (uint8_t)(a + 32);
            if (a != b)
                break;
        }
        if (j == k)
            return true;
    }
    return false;
}

/* End of an HTTP header block (index after the blank line), 0 if absent. */
static size_t http_end(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++) {
        if (p[i] == '\n' && p[i + 1] == '\n')
            return i + 2;
        if (p[i] == '\n' && p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Parses a WebSocket frame header.  1: complete frame (*hl header length,
 * *plen payload length); 0: need more; -1: not a valid frame. */
static int ws_header(const uint8_t *p, size_t n, size_t max, size_t *hl, uint64_t *plen)
{
    uint8_t op;
    uint64_t len;
    size_t h = 2;

    if (n < 2)
        return 0;
    op = p[0] & 0x0F;
    if ((op > 2 && op < 8) || op > 10)
        return -1;
    len = p[1] & 0x7F;
    if (len == 126) {
        if (n < 4)
            return 0;
        len = rd16be(p + 2);
        h = 4;
    } else if (len == 127) {
        if (n < 10)
            return 0;
        len = (uint64_t)rd32be(p + 2) << 32 | rd32be(p + 6);
        h = 10;
    }
    if (p[1] & 0x80)
        h += 4;
    if (len > max)
        return -1;
    *hl = h;
    *plen = len;
    return n >= h + len ? 1 : 0;
}

static bool ws_carries_sip(const uint8_t *p, size_t n)
{
    size_t hl = 0, i, k; /* ws_header leaves them unset when the header is cut */
    uint64_t plen = 0;
    uint8_t tmp[64];
    int rc = ws_header(p, n, SIZE_MAX / 2, &hl, &plen);

    if (rc < 0 || hl == 0 || n < hl || !(p[0] & 0x80) || (p[0] & 0x0F) == 0 || (p[0] & 0x0F) > 2)
        return false;
    k = n - hl < sizeof(tmp) ? n - hl : sizeof(tmp);
    if (k > plen)
        k = (size_t)plen;
    for (i = 0; i < k; i++)
        tmp[i] = (uint8_t)(p[hl + i] ^ ((p[1] & 0x80) ? p[hl - 4 + (i & 3)] : 0));
    return cap_looks_like_sip(tmp, k);
}

/* ------------------------------------------------------------ consumers */

struct seg_ctx {
    struct cap_decoder *dec;
    struct cap_tcp *tb;
    struct tcp_dir *t;
    struct cap_ctx *c;
    int64_t file_off; /* of p[0] when p is the segment itself, else -1 */
    size_t old;       /* bytes at the start of p that came from earlier segments */
    bool tls;         /* t is a decrypted stream: SIP over TLS, WSS */
};

/* What a payload of this stream is called (decrypted: TLS and WSS). */
static enum cap_transport tr_of(const struct seg_ctx *s, enum cap_transport tr)
{
    if (!s->tls)
        return tr;
    return tr == CAP_TRANSPORT_WS ? CAP_TRANSPORT_WSS : CAP_TRANSPORT_TLS;
}

static void emit_msg(struct seg_ctx *s, enum cap_transport tr, const uint8_t *p, size_t n,
                     size_t start, bool trunc)
{
    struct cap_ctx c = *s->c;

    if (start < s->old)
        cap_ctx_push(&c, CAP_L_TCP_REASM);
    cap_emit(s->dec, &c, tr_of(s, tr), &s->t->src, &s->t->dst, p, n,
             s->file_off >= 0 ? s->file_off + (int64_t)start : -1, trunc || c.truncated);
}

/* Position of the next SIP start line at a line start in p (from `from`),
 * or n when none. */
static size_t find_sip_start(const uint8_t *p, size_t n, size_t from)
{
    size_t i;

    for (i = from; i < n; i++) {
        if ((i == 0 || p[i - 1] == '\n') && p[i] != '\r' && p[i] != '\n' &&
            cap_looks_like_sip(p + i, n - i))
            return i;
    }
    return n;
}

static size_t consume_ws(struct seg_ctx *s, const uint8_t *p, size_t n)
{
    struct tcp_dir *t = s->t;
    size_t max = cap_decoder_limits(s->dec)->tcp_max_bytes, o = 0;

    while (o < n) {
        size_t hl, i;
        uint64_t plen;
        int rc = ws_header(p + o, n - o, max, &hl, &plen);
        uint8_t op;
        const uint8_t *pl;
        bool masked;

        if (rc == 0)
            break;
        if (rc < 0) {
            cap_decoder_stats_mut(s->dec)->tcp_resyncs++;
            t->mode = M_UNKNOWN;
            t->wslen = 0;
            t->ws_open = false;
            return n;
        }
        op = p[o] & 0x0F;
        masked = (p[o + 1] & 0x80) != 0;
        pl = p + o + hl;
        if (masked) {
            if (s->tb->scratch_cap < plen) {
                s->tb->scratch = xrealloc(s->tb->scratch, (size_t)plen);
                s->tb->scratch_cap = (size_t)plen;
            }
            for (i = 0; i < plen; i++)
                s->tb->scratch[i] = (uint8_t)(pl[i] ^ p[o + hl - 4 + (i & 3)]);
            pl = s->tb->scratch;
        }
        if (op == 1 || op == 2 || op == 0) {
            bool fin = (p[o] & 0x80) != 0;

            if (op != 0 && fin && !t->ws_open) {
                struct cap_ctx c = *s->c;

                cap_ctx_push(&c, CAP_L_WS);
                if (o < s->old)
                    cap_ctx_push(&c, CAP_L_TCP_REASM);
                cap_emit(s->dec, &c, tr_of(s, CAP_TRANSPORT_WS), &t->src, &t->dst, pl, (size_t)plen,
                         (!masked && s->file_off >= 0) ? s->file_off + (int64_t)(o + hl) : -1,
                         c.truncated);
            } else {
                if (op != 0) {
                    t->wslen = 0;
                    t->ws_open = true;
                }
                if (t->ws_open) {
                    if (t->wslen + plen > max) {
                        t->wslen = 0;
                        t->ws_open = false;
                    } else {
                        buf_append(&t->ws, &t->wslen, &t->wscap, pl, (size_t)plen);
                    }
                }
                if (fin && t->ws_open) {
                    struct cap_ctx c = *s->c;

                    cap_ctx_push(&c, CAP_L_WS);
                    cap_ctx_push(&c, CAP_L_TCP_REASM);
                    cap_emit(s->dec, &c, tr_of(s, CAP_TRANSPORT_WS), &t->src, &t->dst, t->ws,
                             t->wslen, -1, c.truncated);
                    t->wslen = 0;
                    t->ws_open = false;
                }
            }
        }
        /* Control frames (close, ping, pong) may sit between fragments. */
        o += hl + (size_t)plen;
    }
    return o;
}

static size_t consume_hep(struct seg_ctx *s, const uint8_t *p, size_t n)
{
    size_t o = 0;

    while (o + 6 <= n) {
        size_t len = cap_hep3_len(p + o, n - o);

        if (len == 0) {
            /* Lost framing: look for the next magic. */
            size_t i;

            for (i = o + 1; i + 4 <= n; i++)
                if ((p[i] == 'H' || p[i] == 'E') && memcmp(p + i + 1, "EP3", 3) == 0)
                    break;
            cap_decoder_stats_mut(s->dec)->tcp_resyncs++;
            o = i + 4 <= n ? i : n;
            continue;
        }
        if (o + len > n)
            break;
        cap_hep_decode(s->dec, s->c, p + o, len);
        o += len;
    }
    return o;
}

static void deliver(struct cap_decoder *dec, struct cap_tcp *tb, struct tcp_dir *t,
                    struct cap_ctx *c, const uint8_t *p, size_t n, int64_t file_off, bool tls);

/* Decrypted application data of a TLS direction: framed in its inner
 * stream like plain TCP. */
static void tls_plain(void *ctx, struct cap_ctx *c, const uint8_t *p, size_t n)
{
    struct seg_ctx *s = ctx;
    struct tcp_dir *t = s->t;

    if (!t->inner) {
        t->inner = xcalloc(1, sizeof(*t->inner));
        t->inner->src = t->src;
        t->inner->dst = t->dst;
    }
    deliver(s->dec, s->tb, t->inner, c, p, n, -1, true);
}

/* Runs the TLS layer of s->t (records of p, or only the waiting ones when
 * p is NULL) and keeps the count of directions that wait for keys. */
static size_t tls_run(struct seg_ctx *s, const uint8_t *p, size_t n)
{
    struct tcp_dir *t = s->t;
    bool was, now;
    size_t u = 0;

    if (!t->tls) {
        struct tcp_dir *peer = dir_find(s->tb, &t->dst, &t->src);

        t->tls = tls_half_new(cap_decoder_tls(s->dec), &t->src, &t->dst, peer ? peer->tls : NULL);
    }
    was = tls_half_waiting(t->tls);
    if (p)
        u = tls_consume(s->dec, t->tls, s->c, p, n, tls_plain, s);
    else
        tls_retry(s->dec, t->tls, tls_plain, s);
    now = tls_half_waiting(t->tls);
    if (was != now) {
        if (now)
            s->tb->tls_waiting++;
        else
            s->tb->tls_waiting--;
    }
    return u;
}

/* Consumes as much of p as forms complete units; returns the bytes used.
 * The rest stays buffered by the caller. */
static size_t consume(struct seg_ctx *s, const uint8_t *p, size_t n)
{
    struct tcp_dir *t = s->t;
    size_t o = 0;
    int guard;

    t->need = 0;
    t->want_nl = false;
    for (guard = 0; guard < 100000 && o < n; guard++) {
        switch (t->mode) {
        case M_UNKNOWN:
            if (cap_looks_like_sip(p + o, n - o)) {
                t->mode = M_SIP;
            } else if (n - o >= 4 &&
                       (memcmp(p + o, "HEP3", 4) == 0 || memcmp(p + o, "EEP3", 4) == 0)) {
                t->mode = M_HEP;
            } else if (n - o >= 4 &&
                       (memcmp(p + o, "GET ", 4) == 0 ||
                        (n - o >= 12 && memcmp(p + o, "HTTP/1.1 101", 12) == 0)) &&
                       (has_ci(p + o, n - o, "upgrade: websocket") ||
                        memcmp(p + o, "HTTP/1.1 101", 4) == 0)) {
                t->mode = M_HTTP;
            } else if (ws_carries_sip(p + o, n - o)) {
                t->mode = M_WS;
            } else if (!s->tls && tls_looks_like_record(p + o, n - o)) {
                t->mode = M_TLS;
            } else {
                t->mode = M_PASS;
            }
            break;
        case M_PASS:
            if (cap_looks_like_sip(p + o, n - o)) {
                t->mode = M_SIP;
                break;
            }
            emit_msg(s, CAP_TRANSPORT_TCP, p + o, n - o, o, false);
            return n;
        case M_HTTP: {
            size_t e = http_end(p + o, n - o);

            if (e == 0)
                return o;
            emit_msg(s, CAP_TRANSPORT_TCP, p + o, e, o, false);
            o += e;
            t->mode = M_WS;
            break;
        }
        case M_WS:
            return o + consume_ws(s, p + o, n - o);
        case M_HEP:
            return o + consume_hep(s, p + o, n - o);
        case M_TLS: {
            size_t u = tls_run(s, p + o, n - o);

            if (u == SIZE_MAX) {
                cap_decoder_stats_mut(s->dec)->tcp_resyncs++;
                t->mode = M_TLS_LOST;
                return n;
            }
            return o + u;
        }
        case M_TLS_LOST:
            return n;
        case M_RESYNC: {
            size_t i = find_sip_start(p, n, o);

            if (i == n) {
                /* Keep a partial last line: it may start a message. */
                size_t k = n;

                while (k > o && p[k - 1] != '\n')
                    k--;
                if (n - k > 1024)
                    return n; /* no line end in sight: not a start line */
                return k;
            }
            o = i;
            t->mode = M_SIP;
            break;
        }
        case M_SIP: {
            size_t skip = 0, mlen = 0;
            int rc = sip_frame((const char *)p + o, n - o, &skip, &mlen);

            if (rc == 1) {
                emit_msg(s, CAP_TRANSPORT_TCP, p + o + skip, mlen, o + skip, false);
                o += skip + mlen;
            } else if (rc == 0) {
                /* Nothing changes until the body is all there, or, while
                 * the headers are cut, until a line ends (once the start
                 * line is whole: start_ok has decided). */
                if (mlen > 0)
                    t->need = mlen;
                else
                    t->want_nl = memchr(p + o + skip, '\n', n - o - skip) != NULL;
                return o + skip;
            } else {
                cap_decoder_stats_mut(s->dec)->tcp_resyncs++;
                t->mode = M_RESYNC;
                o += skip;
                if (o < n && find_sip_start(p, n, o) == o)
                    o++; /* sip_frame refused it: do not loop on it */
            }
            break;
        }
        }
    }
    return o < n ? o : n;
}

/* Feeds in-order bytes of one segment. */
static void deliver(struct cap_decoder *dec, struct cap_tcp *tb, struct tcp_dir *t,
                    struct cap_ctx *c, const uint8_t *p, size_t n, int64_t file_off, bool tls)
{
    struct seg_ctx s = {dec, tb, t, c, file_off, 0, tls};
    size_t used, max = cap_decoder_limits(dec)->tcp_max_bytes;

    if (t->len == 0) {
        used = consume(&s, p, n);
        if (used < n)
            buf_append(&t->buf, &t->len, &t->cap, p + used, n - used);
    } else {
        s.old = t->len;
        s.file_off = -1;
        buf_append(&t->buf, &t->len, &t->cap, p, n);
        if (t->mode == M_SIP &&
            ((t->need && t->len < t->need) || (t->want_nl && !memchr(p, '\n', n))))
            used = 0; /* framing would give the same answer: skip it */
        else
            used = consume(&s, t->buf, t->len);
        memmove(t->buf, t->buf + used, t->len - used);
        t->len -= used;
    }
    if (t->len > max) {
        /* A message bigger than we buffer: emit what we have, resync. */
        struct seg_ctx s2 = {dec, tb, t, c, -1, t->len, tls};

        if (t->mode == M_SIP)
            emit_msg(&s2, CAP_TRANSPORT_TCP, t->buf, t->len, 0, true);
        cap_decoder_stats_mut(dec)->tcp_resyncs++;
        t->len = 0;
        t->mode = t->mode == M_SIP ? M_RESYNC : M_UNKNOWN;
        t->ws_open = false;
        t->wslen = 0;
    }
}

/* Delivers queued out-of-order segments that are now in order. */
static void drain_ooo(struct cap_decoder *dec, struct cap_tcp *tb, struct tcp_dir *t,
                      struct cap_ctx *c)
{
    while (ooo_first(t) && !seq_lt(t->next_seq, ooo_first(t)->seq)) {
        struct tcp_ooo *o = ooo_pop(tb, t);
        uint32_t skip = t->next_seq - o->seq;

        if (skip < o->len) {
            t->next_seq = o->seq + (uint32_t)o->len;
            deliver(dec, tb, t, c, o->data + skip, o->len - skip, -1, false);
        }
        free(o);
    }
}

/* Gives up on the hole before the first queued segment. */
static void declare_gap(struct cap_decoder *dec, struct cap_tcp *tb, struct tcp_dir *t,
                        struct cap_ctx *c, bool tls)
{
    struct cap_stats *st = cap_decoder_stats_mut(dec);

    st->tcp_gaps++;
    if (t->mode == M_SIP && t->len > 0) {
        struct seg_ctx s = {dec, tb, t, c, -1, t->len, tls};
        size_t k = 0;

        while (k < t->len && (t->buf[k] == '\r' || t->buf[k] == '\n'))
            k++;
        if (k < t->len)
            emit_msg(&s, CAP_TRANSPORT_TCP, t->buf + k, t->len - k, 0, true);
    }
    t->len = 0;
    t->ws_open = false;
    t->wslen = 0;
    if (t->mode == M_SIP || t->mode == M_RESYNC)
        t->mode = M_RESYNC;
    else if (t->mode == M_TLS || t->mode == M_TLS_LOST)
        t->mode = M_TLS_LOST; /* a record was lost: its sequence number too */
    else if (t->mode != M_PASS)
        t->mode = M_UNKNOWN;
    if (ooo_first(t)) {
        st->tcp_gap_bytes += ooo_first(t)->seq - t->next_seq;
        t->next_seq = ooo_first(t)->seq;
    }
    drain_ooo(dec, tb, t, c);
}

/* The ctx of a direction's last frame (for work not caused by a frame). */
static void last_ctx(const struct tcp_dir *t, struct cap_ctx *c)
{
    memset(c, 0, sizeof(*c));
    c->rec = &t->last;
    memcpy(c->layers, t->layers, t->nlayers);
    c->nlayers = t->nlayers;
}

/* New keys came: records waiting for them are tried again. */
static void tls_retry_all(struct cap_decoder *dec, struct cap_tcp *tb)
{
    struct cap_tls_keys *k = cap_decoder_tls_keys(dec);
    struct tcp_dir *t, *nx;

    if (!tb->tls_waiting || !k || cap_tls_keys_gen(k) == tb->keys_gen)
        return;
    tb->keys_gen = cap_tls_keys_gen(k);
    for (t = tb->lru_head; t; t = nx) {
        nx = t->lnext;
        if (t->tls && tls_half_waiting(t->tls)) {
            struct cap_ctx c;
            struct seg_ctx s = {dec, tb, t, &c, -1, 0, false};

            last_ctx(t, &c);
            tls_run(&s, NULL, 0);
        }
    }
}

void cap_tcp_segment(struct cap_decoder *dec, struct cap_tcp *tb, struct cap_ctx *c,
                     const struct cap_addr *src, const struct cap_addr *dst, uint32_t seq,
                     uint8_t flags, const uint8_t *p, size_t n, int64_t file_off)
{
    struct tcp_dir *t;
    struct cap_stats *st = cap_decoder_stats_mut(dec);
    size_t max = cap_decoder_limits(dec)->tcp_max_bytes;

    if (n == 0 && !(flags & 0x07))
        return; /* pure ACK */
    tls_retry_all(dec, tb);
    t = dir_get(dec, tb, src, dst);
    t->last = *c->rec;
    t->last.data = NULL;
    memcpy(t->layers, c->layers, c->nlayers);
    t->nlayers = c->nlayers;
    if (flags & 0x02) { /* SYN: a new connection */
        if (t->have_seq && t->next_seq != seq + 1) {
            dir_reset(tb, t);
            t->mode = M_UNKNOWN;
        }
        t->next_seq = seq + 1;
        t->have_seq = true;
        seq++;
    }
    if (!t->have_seq) {
        t->next_seq = seq;
        t->have_seq = true;
    }
    if (n > 0) {
        if (t->mode == M_PASS && !cap_looks_like_sip(p, n)) {
            /* Not SIP: pass segments through as they come. */
            if (seq_lt(seq + (uint32_t)n - 1, t->next_seq)) {
                st->tcp_retrans++;
            } else {
                struct seg_ctx s = {dec, tb, t, c, file_off, 0, false};

                emit_msg(&s, CAP_TRANSPORT_TCP, p, n, 0, false);
                if (seq_lt(t->next_seq, seq + (uint32_t)n))
                    t->next_seq = seq + (uint32_t)n;
            }
        } else if (t->mode == M_PASS) {
            t->mode = M_SIP;
            t->next_seq = seq;
            deliver(dec, tb, t, c, p, n, file_off, false);
            t->next_seq = seq + (uint32_t)n;
        } else if (!seq_lt(t->next_seq, seq + (uint32_t)n)) {
            st->tcp_retrans++; /* every byte already seen */
        } else if (!seq_lt(seq, t->next_seq) && seq != t->next_seq) {
            /* Ahead of a hole: queue a copy. */
            const struct cap_limits *lim = cap_decoder_limits(dec);

            if (!ooo_insert(tb, t, seq, p, n)) {
                st->tcp_retrans++;
            } else if (t->ooo_bytes + t->len > max || t->ooo_segs > lim->tcp_max_ooo_segs ||
                       tb->ooo_total > lim->tcp_max_ooo_total) {
                st->tcp_ooo_limit++; /* the hole is given up: counted there */
                declare_gap(dec, tb, t, c, false);
            }
        } else {
            uint32_t skip = t->next_seq - seq; /* overlap with bytes seen */

            t->next_seq = seq + (uint32_t)n;
            deliver(dec, tb, t, c, p + skip, n - skip, file_off >= 0 ? file_off + skip : -1, false);
            drain_ooo(dec, tb, t, c);
        }
    }
    /* FIN/RST with nothing pending (TLS records waiting for their keys
     * keep the direction until the keys come, the end, or eviction). */
    if ((flags & 0x05) && t->len == 0 && !ooo_first(t) && !(t->tls && tls_half_waiting(t->tls)))
        dir_free(dec, tb, t);
}

void cap_tcp_tls_retry(struct cap_decoder *dec, struct cap_tcp *tb)
{
    tls_retry_all(dec, tb);
}

void cap_tcp_flush(struct cap_decoder *dec, struct cap_tcp *tb)
{
    struct tcp_dir *t;
    struct cap_ctx c;

    tb->keys_gen = 0; /* keys may have come with the last frame */
    tls_retry_all(dec, tb);
    for (t = tb->lru_head; t; t = t->lnext) {
        int guard = 0;

        last_ctx(t, &c);
        while ((ooo_first(t) || t->len) && guard++ < 1000000) {
            if (ooo_first(t)) {
                declare_gap(dec, tb, t, &c, false);
            } else {
                declare_gap(dec, tb, t, &c, false);
                cap_decoder_stats_mut(dec)->tcp_gaps--;
            }
        }
        if (t->inner && t->inner->len) {
            declare_gap(dec, tb, t->inner, &c, true);
            cap_decoder_stats_mut(dec)->tcp_gaps--;
        }
    }
    for (t = tb->lru_head; t; t = t->lnext)
        if (t->tls)
            tls_half_finish(t->tls);
}
