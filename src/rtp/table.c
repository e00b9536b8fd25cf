/*
 * rtp table: the UI (or batch main) thread's copy of the streams.  The
 * capture thread's tracker sends batches of changed streams (whole
 * snapshots, replaced by id); the table owns everything it holds, with an
 * index by stream id and by Call-ID.  Memory: one struct per stream (SDP
 * announcements are re-read from the store when asked:
 * rtp_call_announces), plus packet positions only with --rtp-store.
 * rtp_table_prune drops the streams of calls the store no longer holds
 * (rotated out by --max-memory) and caps the unassociated ones, so a long
 * live capture stays bounded.
 *
 * Thread: the owner of the store (UI thread, or the batch main thread).
 */
#include "rtp.h"

#include <stdlib.h>
#include <string.h>

#include "rtp_int.h"
#include "store.h"
#include "util.h"

#define UNASSOC_MAX 4096 /* unassociated streams kept at most (the newest) */

/* The streams of one Call-ID (ids). */
struct call_idx {
    char *call_id; /* owned */
    uint64_t hash;
    uint32_t *streams; /* owned */
    size_t nstreams, scap;
    struct call_idx *next;
};

struct tstream {
    struct rtp_stream s;
    size_t pos;           /* index in live[] */
    struct tstream *next; /* id hash chain */
};

struct rtp_table {
    struct call_idx **buckets; /* owned: by Call-ID */
    size_t nbuckets, ncalls;
    struct tstream **ids; /* owned: by stream id (chains) */
    size_t nids_b;
    struct tstream **live; /* the streams, compact (owned through ids) */
    size_t nlive, livecap;
    struct rtp_pkt_ref *pkts; /* --rtp-store, in arrival order */
    size_t npkts, pktcap;
    int64_t origin_ns, latest_ns;
    bool have_origin;
    uint64_t gen;
};

struct rtp_table *rtp_table_new(void)
{
    return xcalloc(1, sizeof(struct rtp_table));
}

static size_t cid_len(size_t len)
{
    return len < RTP_CALLID_MAX - 1 ? len : RTP_CALLID_MAX - 1;
}

/* ---------------------------------------------------------------- by Call-ID */

/* The index entry of a Call-ID (as stored: cut at RTP_CALLID_MAX - 1). */
static struct call_idx *idx_get(struct rtp_table *t, const char *cid, size_t len, bool create)
{
    uint64_t h;
    struct call_idx *c;
    size_t i;

    len = cid_len(len);
    h = hash_bytes(cid, len);
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

static void idx_free(struct call_idx *c)
{
    free(c->call_id);
    free(c->streams);
    free(c);
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

/* ---------------------------------------------------------------- by id */

static struct tstream *id_find(const struct rtp_table *t, uint32_t id)
{
    struct tstream *x;

    if (!t->nids_b)
        return NULL;
    for (x = t->ids[id & (t->nids_b - 1)]; x; x = x->next)
        if (x->s.id == id)
            return x;
    return NULL;
}

static struct tstream *id_add(struct rtp_table *t, uint32_t id)
{
    struct tstream *x = xcalloc(1, sizeof(*x));
    size_t i;

    if (t->nlive >= t->nids_b) {
        size_t nb = t->nids_b ? t->nids_b * 2 : 256;
        struct tstream **b = xcalloc(nb, sizeof(*b));

        for (i = 0; i < t->nlive; i++) {
            struct tstream *y = t->live[i];

            y->next = b[y->s.id & (nb - 1)];
            b[y->s.id & (nb - 1)] = y;
        }
        free(t->ids);
        t->ids = b;
        t->nids_b = nb;
    }
    if (t->nlive == t->livecap) {
        t->livecap = t->livecap ? t->livecap * 2 : 64;
        t->live = xrealloc(t->live, t->livecap * sizeof(*t->live));
    }
    x->s.id = id;
    x->pos = t->nlive;
    t->live[t->nlive++] = x;
    x->next = t->ids[id & (t->nids_b - 1)];
    t->ids[id & (t->nids_b - 1)] = x;
    return x;
}

/* Drops one stream (and its Call-ID index entry's reference). */
static void id_remove(struct rtp_table *t, struct tstream *x, bool unindex)
{
    struct tstream **pp = &t->ids[x->s.id & (t->nids_b - 1)];

    for (; *pp; pp = &(*pp)->next) {
        if (*pp == x) {
            *pp = x->next;
            break;
        }
    }
    if (unindex && x->s.call_id[0])
        idx_remove_stream(t, x->s.call_id, x->s.id);
    t->live[x->pos] = t->live[--t->nlive];
    t->live[x->pos]->pos = x->pos;
    free(x);
}

/* ---------------------------------------------------------------- public */

void rtp_table_clear(struct rtp_table *t)
{
    size_t i;

    for (i = 0; i < t->nbuckets; i++) {
        struct call_idx *c, *n;

        for (c = t->buckets[i]; c; c = n) {
            n = c->next;
            idx_free(c);
        }
    }
    for (i = 0; i < t->nlive; i++)
        free(t->live[i]);
    free(t->buckets);
    free(t->ids);
    free(t->live);
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

static void push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = x;
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
        const struct rtp_stream *ns = &b->streams[i];
        struct tstream *x = id_find(t, ns->id);
        bool fresh = !x;

        if (!x)
            x = id_add(t, ns->id);
        if (fresh || strcmp(x->s.call_id, ns->call_id) != 0) {
            if (!fresh && x->s.call_id[0])
                idx_remove_stream(t, x->s.call_id, x->s.id);
            if (ns->call_id[0]) {
                struct call_idx *c = idx_get(t, ns->call_id, strlen(ns->call_id), true);

                push_u32(&c->streams, &c->nstreams, &c->scap, ns->id);
            }
        }
        x->s = *ns;
        if (ns->last_ts_ns > t->latest_ns)
            t->latest_ns = ns->last_ts_ns;
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

static int by_id(const void *a, const void *b)
{
    uint32_t x = (*(const struct tstream *const *)a)->s.id;
    uint32_t y = (*(const struct tstream *const *)b)->s.id;

    return x < y ? -1 : x > y;
}

size_t rtp_table_prune(struct rtp_table *t, const struct store *s)
{
    size_t i, removed = 0, nun = 0, k;
    struct tstream **un;
    struct store_counts sc;

    /* streams of calls the store no longer has (not while --match holds
     * calls pending: they are not found yet, and may still be listed) */
    store_counts(s, &sc);
    for (i = 0; i < t->nbuckets && sc.pending_calls == 0; i++) {
        struct call_idx **pp = &t->buckets[i];

        while (*pp) {
            struct call_idx *c = *pp;
            size_t len = strlen(c->call_id);

            if (len >= RTP_CALLID_MAX - 1 || store_call_find(s, c->call_id, len)) {
                pp = &c->next; /* kept (a cut Call-ID cannot be looked up: kept too) */
                continue;
            }
            for (k = 0; k < c->nstreams; k++) {
                struct tstream *x = id_find(t, c->streams[k]);

                if (x) {
                    id_remove(t, x, false);
                    removed++;
                }
            }
            *pp = c->next;
            idx_free(c);
            t->ncalls--;
        }
    }
    /* unassociated streams: the newest UNASSOC_MAX, once the store is at its
     * memory bound (it rotated calls out); otherwise all are kept */
    if (sc.rotated_calls == 0)
        goto pkts;
    un = xmalloc((t->nlive ? t->nlive : 1) * sizeof(*un));
    for (i = 0; i < t->nlive; i++)
        if (!t->live[i]->s.call_id[0])
            un[nun++] = t->live[i];
    if (nun > UNASSOC_MAX) {
        qsort(un, nun, sizeof(*un), by_id);
        for (i = 0; i < nun - UNASSOC_MAX; i++) {
            id_remove(t, un[i], false);
            removed++;
        }
    }
    free(un);
pkts:
    /* packet positions of streams that are gone */
    if (removed && t->npkts) {
        size_t w = 0;

        for (i = 0; i < t->npkts; i++)
            if (id_find(t, t->pkts[i].stream))
                t->pkts[w++] = t->pkts[i];
        t->npkts = w;
    }
    if (removed)
        t->gen++;
    return removed;
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
    return t->nlive;
}

const struct rtp_stream *rtp_table_stream(const struct rtp_table *t, size_t i)
{
    return i < t->nlive ? &t->live[i]->s : NULL;
}

size_t rtp_table_call_streams(const struct rtp_table *t, const char *call_id, size_t len,
                              const struct rtp_stream **out, size_t max)
{
    const struct call_idx *c = idx_get((struct rtp_table *)t, call_id, len, false);
    size_t i, n = 0;

    if (!c)
        return 0;
    for (i = 0; i < c->nstreams; i++) {
        const struct tstream *x = id_find(t, c->streams[i]);

        if (!x)
            continue;
        if (n < max)
            out[n] = &x->s;
        n++;
    }
    return n;
}

const struct rtp_pkt_ref *rtp_table_packets(const struct rtp_table *t, size_t *n)
{
    *n = t->npkts;
    return t->npkts ? t->pkts : NULL;
}
