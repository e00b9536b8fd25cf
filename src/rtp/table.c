/*
 * rtp table: the UI (or batch main) thread's copy of the streams.  The
 * capture thread's tracker sends batches of changed streams (whole
 * snapshots, replaced by id); the table owns everything it holds, with an
 * index by Call-ID.  Memory: one struct per stream (SDP announcements are
 * re-read from the store when asked: rtp_call_announces), plus packet
 * positions only with --rtp-store.
 *
 * Thread: the owner of the store (UI thread, or the batch main thread).
 */
#include "rtp.h"

#include <stdlib.h>
#include <string.h>

#include "rtp_int.h"
#include "util.h"

/* The streams of one Call-ID (ids). */
struct call_idx {
    char *call_id;              /* owned */
    uint64_t hash;
    uint32_t *streams;          /* owned */
    size_t nstreams, scap;
    struct call_idx *next;
};

struct rtp_table {
    struct call_idx **buckets;  /* owned: by Call-ID */
    size_t nbuckets, ncalls;
    struct rtp_stream *streams; /* by id */
    bool *present;              /* id has been received */
    size_t nstreams, cap;       /* nstreams = highest id + 1 */
    struct rtp_pkt_ref *pkts;   /* --rtp-store, in arrival order */
    size_t npkts, pktcap;
    int64_t origin_ns, latest_ns;
    bool have_origin;
    uint64_t gen;
};

struct rtp_table *rtp_table_new(void)
{
    return xcalloc(1, sizeof(struct rtp_table));
}

static uint64_t cid_hash(const char *s, size_t n)
{
    return hash_bytes(s, n);
}

static size_t cid_len(size_t len)
{
    return len < RTP_CALLID_MAX - 1 ? len : RTP_CALLID_MAX - 1;
}

/* The index entry of a Call-ID (as stored: cut at RTP_CALLID_MAX - 1). */
static struct call_idx *idx_get(struct rtp_table *t, const char *cid, size_t len, bool create)
{
    uint64_t h;
    struct call_idx *c;
    size_t i;

    len = cid_len(len);
    h = cid_hash(cid, len);
    if (t->nbuckets)
        for (c = t->buckets[h & (t->nbuckets - 1)]; c; c = c->next)
            if (c->hash == h && strlen(c->call_id) == len && memcmp(c->call_id, cid, len) == 0)
                return c;
    if (!create)
        return NULL;
    if (t->ncalls >= t->nbuckets) {
        size_t nb = t->nbuckets ? t->nbuckets * 2 : 256;
        struct call_idx **b = xcalloc(nb, sizeof(*b));

        for (i = 0; i < t->nbuckets; i++) {
            struct call_idx *n;

            for (c = t->buckets[i]; c; c = n) {
                n = c->next;
                c->next = b[c->hash & (nb - 1)];
                b[c->hash & (nb - 1)] = c;
            }
        }
        free(t->buckets);
        t->buckets = b;
        t->nbuckets = nb;
    }
    c = xcalloc(1, sizeof(*c));
    c->call_id = xstrndup(cid, len);
    c->hash = h;
    c->next = t->buckets[h & (t->nbuckets - 1)];
    t->buckets[h & (t->nbuckets - 1)] = c;
    t->ncalls++;
    return c;
}

static void push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = x;
}

static void idx_remove_stream(struct rtp_table *t, const char *cid, uint32_t id)
{
    struct call_idx *c = idx_get(t, cid, strlen(cid), false);
    size_t i;

    for (i = 0; c && i < c->nstreams; i++) {
        if (c->streams[i] == id) {
            memmove(c->streams + i, c->streams + i + 1, (c->nstreams - i - 1) * sizeof(uint32_t));
            c->nstreams--;
            return;
        }
    }
}

void rtp_table_clear(struct rtp_table *t)
{
    size_t i;

    for (i = 0; i < t->nbuckets; i++) {
        struct call_idx *c, *n;

        for (c = t->buckets[i]; c; c = n) {
            n = c->next;
            free(c->call_id);
            free(c->streams);
            free(c);
        }
    }
    free(t->buckets);
    free(t->streams);
    free(t->present);
    free(t->pkts);
    memset(t, 0, sizeof(*t));
}

void rtp_table_free(struct rtp_table *t)
{
    if (!t)
        return;
    rtp_table_clear(t);
    free(t);
}

void rtp_table_apply(struct rtp_table *t, struct rtp_batch *b)
{
    size_t i;

    if (!b)
        return;
    if (!t->have_origin && b->origin_ns) {
        t->origin_ns = b->origin_ns;
        t->have_origin = true;
    }
    for (i = 0; i < b->nstreams; i++) {
        uint32_t id = b->streams[i].id;

        if (id >= t->cap) {
            size_t nc = t->cap ? t->cap : 64;

            while (nc <= id)
                nc *= 2;
            t->streams = xrealloc(t->streams, nc * sizeof(*t->streams));
            t->present = xrealloc(t->present, nc * sizeof(*t->present));
            memset(t->present + t->cap, 0, (nc - t->cap) * sizeof(*t->present));
            t->cap = nc;
        }
        if (!t->present[id] || strcmp(t->streams[id].call_id, b->streams[i].call_id) != 0) {
            if (t->present[id] && t->streams[id].call_id[0])
                idx_remove_stream(t, t->streams[id].call_id, id);
            if (b->streams[i].call_id[0]) {
                struct call_idx *c = idx_get(t, b->streams[i].call_id,
                                             strlen(b->streams[i].call_id), true);

                push_u32(&c->streams, &c->nstreams, &c->scap, id);
            }
        }
        t->streams[id] = b->streams[i];
        t->present[id] = true;
        if (b->streams[i].last_ts_ns > t->latest_ns)
            t->latest_ns = b->streams[i].last_ts_ns;
        if (id >= t->nstreams)
            t->nstreams = id + 1;
    }
    if (b->npkts) {
        if (t->npkts + b->npkts > t->pktcap) {
            t->pktcap = (t->npkts + b->npkts) * 2;
            t->pkts = xrealloc(t->pkts, t->pktcap * sizeof(*t->pkts));
        }
        memcpy(t->pkts + t->npkts, b->pkts, b->npkts * sizeof(*b->pkts));
        t->npkts += b->npkts;
    }
    if (b->nstreams || b->npkts)
        t->gen++;
    rtp_batch_free(b);
}

uint64_t rtp_table_gen(const struct rtp_table *t)
{
    return t->gen;
}

int64_t rtp_table_origin(const struct rtp_table *t)
{
    return t->origin_ns;
}

int64_t rtp_table_latest(const struct rtp_table *t)
{
    return t->latest_ns;
}

size_t rtp_table_nstreams(const struct rtp_table *t)
{
    return t->nstreams;
}

const struct rtp_stream *rtp_table_stream(const struct rtp_table *t, size_t i)
{
    if (i >= t->nstreams || !t->present[i])
        return NULL;
    return &t->streams[i];
}

size_t rtp_table_call_streams(const struct rtp_table *t, const char *call_id, size_t len,
                              const struct rtp_stream **out, size_t max)
{
    const struct call_idx *c = idx_get((struct rtp_table *)t, call_id, len, false);
    size_t i;

    if (!c)
        return 0;
    for (i = 0; i < c->nstreams && i < max; i++)
        out[i] = &t->streams[c->streams[i]];
    return c->nstreams;
}

const struct rtp_pkt_ref *rtp_table_packets(const struct rtp_table *t, size_t *n)
{
    *n = t->npkts;
    return t->npkts ? t->pkts : NULL;
}
