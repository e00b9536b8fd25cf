/*
 * rtp table: the UI (or batch main) thread's copy of the streams and SDP
 * announcements.  The capture thread's tracker sends batches of changed
 * streams (whole snapshots, replaced by id) and new announcements; the
 * table owns everything it holds.  Memory: one struct per stream and per
 * announced m= line, plus packet positions only with --rtp-store.
 *
 * Thread: the owner of the store (UI thread, or the batch main thread).
 */
#include "rtp.h"

#include <stdlib.h>
#include <string.h>

#include "rtp_int.h"
#include "util.h"

struct rtp_table {
    struct rtp_stream *streams; /* by id */
    bool *present;              /* id has been received */
    size_t nstreams, cap;       /* nstreams = highest id + 1 */
    struct rtp_announce *ann;
    size_t nann, anncap;
    struct rtp_pkt_ref *pkts;   /* --rtp-store, in arrival order */
    size_t npkts, pktcap;
    int64_t origin_ns;
    bool have_origin;
    uint64_t gen;
};

struct rtp_table *rtp_table_new(void)
{
    return xcalloc(1, sizeof(struct rtp_table));
}

void rtp_table_clear(struct rtp_table *t)
{
    free(t->streams);
    free(t->present);
    free(t->ann);
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
        t->streams[id] = b->streams[i];
        t->present[id] = true;
        if (id >= t->nstreams)
            t->nstreams = id + 1;
    }
    if (b->nann) {
        if (t->nann + b->nann > t->anncap) {
            t->anncap = (t->nann + b->nann) * 2;
            t->ann = xrealloc(t->ann, t->anncap * sizeof(*t->ann));
        }
        memcpy(t->ann + t->nann, b->ann, b->nann * sizeof(*b->ann));
        t->nann += b->nann;
    }
    if (b->npkts) {
        if (t->npkts + b->npkts > t->pktcap) {
            t->pktcap = (t->npkts + b->npkts) * 2;
            t->pkts = xrealloc(t->pkts, t->pktcap * sizeof(*t->pkts));
        }
        memcpy(t->pkts + t->npkts, b->pkts, b->npkts * sizeof(*b->pkts));
        t->npkts += b->npkts;
    }
    if (b->nstreams || b->nann || b->npkts)
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
    size_t i, n = 0;

    for (i = 0; i < t->nstreams; i++) {
        if (!t->present[i] || !rtp_callid_eq(t->streams[i].call_id, call_id, len))
            continue;
        if (n < max)
            out[n] = &t->streams[i];
        n++;
    }
    return n;
}

size_t rtp_table_call_announces(const struct rtp_table *t, const char *call_id, size_t len,
                                const struct rtp_announce **out, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < t->nann; i++) {
        if (!rtp_callid_eq(t->ann[i].call_id, call_id, len))
            continue;
        if (n < max)
            out[n] = &t->ann[i];
        n++;
    }
    return n;
}

const struct rtp_pkt_ref *rtp_table_packets(const struct rtp_table *t, size_t *n)
{
    *n = t->npkts;
    return t->npkts ? t->pkts : NULL;
}
