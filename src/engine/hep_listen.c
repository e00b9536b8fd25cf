/*
 * hep_listen: the HEP listener of the live thread: one UDP socket, one TCP
 * listening socket and its agents' connections, built so that no sender
 * can starve the others.
 *
 *   - The TCP backlog is HEP_BACKLOG and every poll round accepts until the
 *     queue is empty (bounded per round), so a burst of agents connecting
 *     at once is not left to SYN retransmissions.
 *   - At most HEP_MAX_CONNS connections, HEP_MAX_PER_ADDR from one source
 *     address.  When the table is full, a newcomer from an address holding
 *     fewer connections than the busiest one takes the place of that
 *     address's oldest connection: one address cannot lock another out.
 *   - A connection must deliver its first whole packet within the timeout
 *     of connecting, each packet within the timeout of its first byte
 *     (a trickle of one byte a second is closed), and is closed after
 *     HEP_IDLE_FACTOR timeouts without a byte.
 *   - Every refusal is counted with its reason (struct hep_counts), and
 *     so are datagrams the socket's receive buffer dropped (SO_RXQ_OVFL).
 *
 * A whole, authenticated packet goes to the owner's callback, which
 * decodes it and says whether it was well formed.
 *
 * Thread: everything runs on the live thread; the UI thread only reads the
 * _Atomic counters (hep_listener_counts).  hep_stream_feed is also the
 * entry of the fuzz harness (no sockets involved).
 */
#include "engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"

#define HEP_BUF          65536 /* one HEP3 packet at most (16-bit length) */
#define HEP_UDP_BURST    256   /* datagrams read per poll round */
#define HEP_ACCEPT_BURST 256   /* connections accepted per poll round */
#define HEP_IDLE_FACTOR  30    /* idle limit = 30 timeouts (300 s by default) */

struct hep_conn {
    int fd; /* -1: free */
    struct hep_stream st;
    uint8_t addr[16]; /* source address (IPv4 mapped into IPv6) */
    int64_t opened, last_byte;
    bool delivered; /* a whole authenticated packet came */
};

struct hep_listener {
    int udp, tcp;         /* -1 when not open */
    const char *password; /* borrowed */
    int64_t timeout_ns;
    hep_packet_fn fn;
    void *ctx;
    uint8_t *udp_buf; /* owned, HEP_BUF */
    struct hep_conn conn[HEP_MAX_CONNS];
    _Atomic uint64_t c[HEP_COUNT_N];
};

static void count(struct hep_listener *hl, enum hep_count k)
{
    atomic_fetch_add_explicit(&hl->c[k], 1, memory_order_relaxed);
}

struct hep_listener *hep_listener_new(const char *password, unsigned timeout_s, hep_packet_fn fn,
                                      void *ctx)
{
    struct hep_listener *hl = xcalloc(1, sizeof(*hl));
    unsigned i;

    hl->udp = hl->tcp = -1;
    hl->password = password;
    hl->timeout_ns = (int64_t)(timeout_s ? timeout_s : HEP_TIMEOUT_DEFAULT) * 1000000000;
    hl->fn = fn;
    hl->ctx = ctx;
    for (i = 0; i < HEP_MAX_CONNS; i++)
        hl->conn[i].fd = -1;
    for (i = 0; i < HEP_COUNT_N; i++)
        atomic_init(&hl->c[i], 0);
    return hl;
}

static void conn_close(struct hep_conn *c)
{
    close(c->fd);
    c->fd = -1;
    free(c->st.buf);
    memset(&c->st, 0, sizeof(c->st));
}

void hep_listener_free(struct hep_listener *hl)
{
    unsigned i;

    if (!hl)
        return;
    for (i = 0; i < HEP_MAX_CONNS; i++)
        if (hl->conn[i].fd >= 0)
            conn_close(&hl->conn[i]);
    if (hl->udp >= 0)
        close(hl->udp);
    if (hl->tcp >= 0)
        close(hl->tcp);
    free(hl->udp_buf);
    free(hl);
}

/* ---------------------------------------------------------------- binding */

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int hep_listener_bind(struct hep_listener *hl, const char *host, const char *port, struct err *d,
                      const char *spec)
{
    struct addrinfo hints, *ai = NULL, *a;
    int rc, one = 1, zero = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = host[0] ? AF_UNSPEC : AF_INET6;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (rc != 0 && !host[0]) {
        hints.ai_family = AF_INET; /* no IPv6 on this host */
        rc = getaddrinfo(NULL, port, &hints, &ai);
    }
    if (rc != 0) {
        err_set(d, "--hep-listen %s: %s", spec, gai_strerror(rc));
        return -1;
    }
    for (a = ai; a; a = a->ai_next) {
        int u = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int t = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (u >= 0 && t >= 0) {
            int buf = 4 << 20;

            if (a->ai_family == AF_INET6) {
                setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
                setsockopt(t, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
            }
            setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            setsockopt(u, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
            /* The kernel tells, with each datagram, how many it dropped
             * for want of room in the receive buffer. */
            setsockopt(u, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
            if (bind(u, a->ai_addr, a->ai_addrlen) == 0 &&
                bind(t, a->ai_addr, a->ai_addrlen) == 0 && listen(t, HEP_BACKLOG) == 0) {
                set_nonblock(u);
                set_nonblock(t);
                hl->udp = u;
                hl->tcp = t;
                break;
            }
            err_set(d, "--hep-listen %s: %s", spec, strerror(errno));
        }
        if (u >= 0)
            close(u);
        if (t >= 0)
            close(t);
    }
    freeaddrinfo(ai);
    if (hl->udp < 0)
        return -1;
    hl->udp_buf = xmalloc(HEP_BUF);
    return 0;
}

/* ---------------------------------------------------------------- packets */

/* A whole packet from UDP or a stream: password, then the owner decodes. */
static bool packet(struct hep_listener *hl, const uint8_t *p, size_t n)
{
    count(hl, HEP_C_PACKETS);
    if (!cap_hep_auth_ok(p, n, hl->password)) {
        /* Not HEP at all (neither a HEP3 header nor version 2) is malformed,
         * whether or not a password is asked for. */
        bool hep = cap_hep_packet_len(p, n) != 0 || (n >= 2 && p[0] == 2);

        count(hl, hep ? HEP_C_AUTH : HEP_C_MALFORMED);
        return false;
    }
    if (!hl->fn(hl->ctx, p, n))
        count(hl, HEP_C_MALFORMED);
    return true;
}

int hep_stream_feed(struct hep_listener *hl, struct hep_stream *s, const uint8_t *p, size_t n,
                    int64_t now, bool *delivered)
{
    size_t off = 0;

    while (n > 0) {
        size_t room = HEP_BUF - s->len, k = n < room ? n : room;

        if (!s->buf)
            s->buf = xmalloc(HEP_BUF);
        if (s->len == 0)
            s->started = now; /* the first byte of a packet */
        memcpy(s->buf + s->len, p, k);
        s->len += k;
        p += k;
        n -= k;
        off = 0;
        while (s->len - off >= 6) {
            size_t plen = cap_hep_packet_len(s->buf + off, s->len - off);

            if (plen == 0) {
                count(hl, HEP_C_NOT_HEP);
                return -1; /* lost framing: the agent must reconnect */
            }
            if (plen > s->len - off)
                break;
            if (packet(hl, s->buf + off, plen) && delivered)
                *delivered = true;
            off += plen;
        }
        memmove(s->buf, s->buf + off, s->len - off);
        s->len -= off;
        if (s->len > 0 && off > 0)
            s->started = now; /* a new packet began in this read */
    }
    return 0;
}

/* ---------------------------------------------------------------- sockets */

static void addr_key(const struct sockaddr_storage *ss, uint8_t out[16])
{
    memset(out, 0, 16);
    if (ss->ss_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
    } else if (ss->ss_family == AF_INET) {
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
    }
}

/* Where a newcomer from addr goes: a free slot, the slot of the busiest
 * address's oldest connection (when addr holds fewer), or -1. */
static int conn_slot(struct hep_listener *hl, const uint8_t addr[16], bool *evict)
{
    unsigned i, j, mine = 0, most = 0;
    int free_slot = -1, victim = -1;

    *evict = false;
    for (i = 0; i < HEP_MAX_CONNS; i++) {
        if (hl->conn[i].fd < 0) {
            if (free_slot < 0)
                free_slot = (int)i;
        } else if (memcmp(hl->conn[i].addr, addr, 16) == 0) {
            mine++;
        }
    }
    if (mine >= HEP_MAX_PER_ADDR) {
        count(hl, HEP_C_REFUSED_ADDR);
        return -1;
    }
    if (free_slot >= 0)
        return free_slot;
    /* Full: the address with the most connections gives up its oldest. */
    for (i = 0; i < HEP_MAX_CONNS; i++) {
        unsigned n = 0;
        int oldest = -1;

        for (j = 0; j < HEP_MAX_CONNS; j++) {
            if (memcmp(hl->conn[j].addr, hl->conn[i].addr, 16) != 0)
                continue;
            n++;
            if (oldest < 0 || hl->conn[j].opened < hl->conn[oldest].opened)
                oldest = (int)j;
        }
        if (n > most) {
            most = n;
            victim = oldest;
        }
        if (most >= HEP_MAX_PER_ADDR)
            break; /* nobody holds more */
    }
    if (victim < 0 || most <= mine + 1) {
        count(hl, HEP_C_REFUSED_FULL);
        return -1;
    }
    *evict = true;
    return victim;
}

static void accept_all(struct hep_listener *hl, int64_t now)
{
    int k;

    for (k = 0; k < HEP_ACCEPT_BURST; k++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        uint8_t addr[16];
        bool evict;
        int slot, fd = accept(hl->tcp, (struct sockaddr *)&ss, &sl);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                count(hl, HEP_C_ACCEPT_ERR); /* EMFILE and the like */
            return;
        }
        addr_key(&ss, addr);
        slot = conn_slot(hl, addr, &evict);
        if (slot < 0) {
            close(fd);
            continue;
        }
        if (evict) {
            conn_close(&hl->conn[slot]);
            count(hl, HEP_C_EVICTED);
        }
        set_nonblock(fd);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        hl->conn[slot].fd = fd;
        memcpy(hl->conn[slot].addr, addr, 16);
        hl->conn[slot].opened = hl->conn[slot].last_byte = now;
        hl->conn[slot].delivered = false;
        count(hl, HEP_C_ACCEPTED);
    }
}

static void conn_read(struct hep_listener *hl, struct hep_conn *c, int64_t now)
{
    uint8_t buf[16384];
    int k;

    for (k = 0; k < 8; k++) { /* bounded: one agent does not hold the round */
        ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            conn_close(c);
            return;
        }
        if (r < 0)
            return;
        c->last_byte = now;
        if (hep_stream_feed(hl, &c->st, buf, (size_t)r, now, &c->delivered) != 0) {
            conn_close(c);
            return;
        }
        if ((size_t)r < sizeof(buf))
            return;
    }
}

static void udp_read(struct hep_listener *hl)
{
    int i;

    for (i = 0; i < HEP_UDP_BURST; i++) {
        char cbuf[CMSG_SPACE(sizeof(uint32_t))];
        struct iovec iov = {hl->udp_buf, HEP_BUF};
        struct msghdr mh;
        struct cmsghdr *cm;
        ssize_t r;

        memset(&mh, 0, sizeof(mh));
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof(cbuf);
        r = recvmsg(hl->udp, &mh, 0);
        if (r < 0)
            break;
        for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
                uint32_t drops;

                memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
                /* the socket's running total since it was opened */
                if (drops > atomic_load(&hl->c[HEP_C_RCVBUF_DROPS]))
                    atomic_store(&hl->c[HEP_C_RCVBUF_DROPS], drops);
            }
        }
        if (r == 0 || r < 6) {
            count(hl, HEP_C_PACKETS);
            count(hl, HEP_C_MALFORMED);
            continue;
        }
        packet(hl, hl->udp_buf, (size_t)r);
    }
}

/* Closes connections past their deadlines. */
static void expire(struct hep_listener *hl, int64_t now)
{
    unsigned i;

    for (i = 0; i < HEP_MAX_CONNS; i++) {
        struct hep_conn *c = &hl->conn[i];

        if (c->fd < 0)
            continue;
        if (!c->delivered && now - c->opened > hl->timeout_ns) {
            count(hl, HEP_C_TIMEOUT_FIRST);
            conn_close(c);
        } else if (c->st.len > 0 && now - c->st.started > hl->timeout_ns) {
            count(hl, HEP_C_TIMEOUT_SLOW);
            conn_close(c);
        } else if (now - c->last_byte > hl->timeout_ns * HEP_IDLE_FACTOR) {
            count(hl, HEP_C_TIMEOUT_IDLE);
            conn_close(c);
        }
    }
}

void hep_listener_refresh(struct hep_listener *hl)
{
    uint32_t mi[SK_MEMINFO_VARS];
    socklen_t len = sizeof(mi);

    /* The socket's own drop counter: datagrams already queued carry the
     * count of their time (SO_RXQ_OVFL), so drops after the last one
     * would never be seen without it. */
    if (hl->udp >= 0 && getsockopt(hl->udp, SOL_SOCKET, SO_MEMINFO, mi, &len) == 0 &&
        len > SK_MEMINFO_DROPS * sizeof(mi[0]) &&
        mi[SK_MEMINFO_DROPS] > atomic_load(&hl->c[HEP_C_RCVBUF_DROPS]))
        atomic_store(&hl->c[HEP_C_RCVBUF_DROPS], mi[SK_MEMINFO_DROPS]);
}

unsigned hep_listener_pollfds(const struct hep_listener *hl, struct pollfd *pf)
{
    unsigned i, n = 0;

    if (hl->udp >= 0) {
        pf[n].fd = hl->udp;
        pf[n++].events = POLLIN;
    }
    if (hl->tcp >= 0) {
        pf[n].fd = hl->tcp;
        pf[n++].events = POLLIN;
    }
    for (i = 0; i < HEP_MAX_CONNS; i++) {
        pf[n].fd = hl->conn[i].fd; /* poll ignores -1 */
        pf[n++].events = POLLIN;
    }
    return n;
}

void hep_listener_service(struct hep_listener *hl, const struct pollfd *pf, int64_t now)
{
    unsigned i, n = 0;

    if (hl->udp >= 0 && (pf[n++].revents & POLLIN))
        udp_read(hl);
    if (hl->tcp >= 0 && (pf[n++].revents & POLLIN))
        accept_all(hl, now);
    for (i = 0; i < HEP_MAX_CONNS; i++, n++)
        if (hl->conn[i].fd >= 0 && pf[n].fd == hl->conn[i].fd &&
            (pf[n].revents & (POLLIN | POLLHUP | POLLERR)))
            conn_read(hl, &hl->conn[i], now);
    expire(hl, now);
}

void hep_listener_counts(struct hep_listener *hl, uint64_t out[HEP_COUNT_N])
{
    unsigned i;

    for (i = 0; i < HEP_COUNT_N; i++)
        out[i] = atomic_load_explicit(&hl->c[i], memory_order_relaxed);
}

const char *hep_count_name(enum hep_count k)
{
    static const char *const names[HEP_COUNT_N] = {
#define HEP_COUNT_NAME(id, name) [HEP_C_##id] = name,
        HEP_COUNTS(HEP_COUNT_NAME)
#undef HEP_COUNT_NAME
    };
    return (unsigned)k < HEP_COUNT_N ? names[k] : "?";
}
