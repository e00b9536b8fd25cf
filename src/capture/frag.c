/*
 * frag: IPv4 and IPv6 fragment reassembly.
 *
 * Each pending datagram has a 64 KB buffer and a one-bit-per-byte coverage
 * map.  Overlaps are resolved "first wins": a byte already received is never
 * overwritten by a later fragment, so duplicates and overlapping
 * retransmissions cannot change a datagram once its bytes arrived, and the
 * result does not depend on which overlap policy the sender's OS used.
 * A datagram completes when the last fragment (M=0) fixed its length and
 * every byte before it is covered; the completing frame owns the payload.
 * Pending datagrams older than frag_timeout_ns of capture time are freed,
 * and all of them together never cost more than frag_max_bytes (the oldest
 * are dropped first).
 *
 * Thread: the decoder's.  Ownership: the table owns every pending datagram.
 */
#include "capture.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "capture_int.h"
#include "util.h"

#define FRAG_MAX  65535u
#define FRAG_COST (FRAG_MAX + FRAG_MAX / 8 + 1 + sizeof(struct frag_dgram))

struct frag_dgram {
    struct frag_dgram *next, *prev; /* age order, oldest first */
    int family;
    uint8_t src[16], dst[16];
    uint32_t id;
    int proto;
    int64_t first_ts;
    uint32_t total;   /* 0 until the last fragment arrived */
    uint32_t covered; /* bytes received */
    uint8_t map[FRAG_MAX / 8 + 1];
    uint8_t data[FRAG_MAX];
};

struct cap_frags {
    struct frag_dgram *head, *tail; /* owned list */
    size_t bytes;
    uint8_t *done; /* owned: last completed payload */
    size_t done_len;
};

struct cap_frags *cap_frags_new(void)
{
    return xcalloc(1, sizeof(struct cap_frags));
}

static void frag_unlink(struct cap_frags *f, struct frag_dgram *g)
{
    if (g->prev)
        g->prev->next = g->next;
    else
        f->head = g->next;
    if (g->next)
        g->next->prev = g->prev;
    else
        f->tail = g->prev;
    f->bytes -= FRAG_COST;
    free(g);
}

void cap_frags_free(struct cap_frags *f)
{
    if (!f)
        return;
    while (f->head)
        frag_unlink(f, f->head);
    free(f->done);
    free(f);
}

void cap_frags_expire(struct cap_decoder *dec, struct cap_frags *f, int64_t now, bool all)
{
    struct cap_stats *st = cap_decoder_stats_mut(dec);
    int64_t tmo = cap_decoder_limits(dec)->frag_timeout_ns;

    while (f->head && (all || now - f->head->first_ts > tmo)) {
        frag_unlink(f, f->head);
        st->frag_expired++;
    }
}

static struct frag_dgram *frag_find(struct cap_frags *f, int family, const uint8_t *src,
                                    const uint8_t *dst, uint32_t id, int proto)
{
    struct frag_dgram *g;
    size_t al = family == 4 ? 4 : 16;

    for (g = f->tail; g; g = g->prev) {
        if (g->id == id && g->family == family && (family == 6 || g->proto == proto) &&
            memcmp(g->src, src, al) == 0 && memcmp(g->dst, dst, al) == 0)
            return g;
    }
    return NULL;
}

int cap_frags_add(struct cap_decoder *dec, struct cap_frags *f, int family, const uint8_t *src,
                  const uint8_t *dst, uint32_t id, int proto, uint32_t off, bool more,
                  const uint8_t *p, size_t n, int64_t now, const uint8_t **out, size_t *outlen,
                  int *outproto)
{
    struct cap_stats *st = cap_decoder_stats_mut(dec);
    size_t cap_bytes = cap_decoder_limits(dec)->frag_max_bytes;
    struct frag_dgram *g;
    uint32_t i, end;

    if ((size_t)off + n > FRAG_MAX || (more && n == 0)) {
        st->frag_dropped++;
        return -1;
    }
    end = off + (uint32_t)n;
    g = frag_find(f, family, src, dst, id, proto);
    if (!g) {
        if (cap_bytes < FRAG_COST) {
            st->frag_dropped++;
            return -1;
        }
        while (f->head && f->bytes + FRAG_COST > cap_bytes) {
            frag_unlink(f, f->head);
            st->frag_dropped++;
        }
        g = xmalloc(sizeof(*g));
        memset(g, 0, offsetof(struct frag_dgram, data));
        g->family = family;
        memcpy(g->src, src, family == 4 ? 4 : 16);
        memcpy(g->dst, dst, family == 4 ? 4 : 16);
        g->id = id;
        g->proto = proto;
        g->first_ts = now;
        g->prev = f->tail;
        if (f->tail)
            f->tail->next = g;
        else
            f->head = g;
        f->tail = g;
        f->bytes += FRAG_COST;
    }
    if (off == 0)
        g->proto = proto; /* IPv6: the first fragment's next header counts */
    if (!more) {
        if (g->total && g->total != end) {
            /* Conflicting ends: first wins, ignore this one. */
            st->frag_dropped++;
            return 0;
        }
        g->total = end;
    }
    for (i = off; i < end; i++) {
        if (g->total && i >= g->total)
            break;
        if (!(g->map[i >> 3] & (1u << (i & 7)))) {
            g->map[i >> 3] |= (uint8_t)(1u << (i & 7));
            g->data[i] = p[i - off];
            g->covered++;
        }
    }
    if (!g->total || g->covered < g->total)
        return 0;
    /* Bytes received beyond the end before the last fragment was seen are
     * not counted: recount what lies inside [0, total). */
    {
        uint32_t cnt = 0;

        for (i = 0; i < g->total; i++)
            cnt += (g->map[i >> 3] >> (i & 7)) & 1;
        if (cnt < g->total) {
            g->covered = cnt;
            return 0;
        }
    }
    free(f->done);
    f->done = xmalloc(g->total ? g->total : 1);
    memcpy(f->done, g->data, g->total);
    f->done_len = g->total;
    *out = f->done;
    *outlen = f->done_len;
    *outproto = g->proto;
    frag_unlink(f, g);
    st->frag_reassembled++;
    return 1;
}
