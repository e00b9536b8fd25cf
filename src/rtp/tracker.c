/*
 * rtp tracker: the capture thread's half of RTP analysis.
 *
 *   SIP message with SDP -> announcements (c= address, m= port, payload
 *                           types) in a bounded registry keyed by address
 *   UDP payload (not SIP) -> RTCP (PT 200-204) or RTP (version 2) ->
 *                           the stream (src, dst, SSRC) in a hash table ->
 *                           statistics updated in place (Wireshark's
 *                           rtppacket_analyse arithmetic, re-derived)
 *   rtp_tracker_collect   -> copies of what changed, for the UI thread
 *
 * A stream costs one struct whatever its length; no packet is kept unless
 * store_packets (--rtp-store) asks for packet positions.  RTP that no SDP
 * announced is kept as a candidate and shown once three packets in a row
 * had consecutive sequence numbers (plausible payload type, ports >= 1024).
 *
 * Thread: one capture thread owns a tracker; nothing here locks.  Batches
 * are owned by whoever holds them.
 */
#include "rtp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtp_int.h"
#include "sip.h"
#include "util.h"

#define CONFIRM_RUN 3 /* consecutive sequence numbers to accept unannounced RTP */

/* ---------------------------------------------------------------- types */

/* What matching needs of the latest announcement of an address (the full
 * announcement is re-read from the store when shown): its call, whether
 * it is RTP, and the names of its dynamic payload types.  RTCP ports are
 * not entered: RTCP is recognised next to an announced port or by shape. */
#define ANN_DYN_MAX 8
struct ann_entry {
    struct cap_addr addr; /* c= address and m= port */
    bool used;
    bool rtp; /* m= protocol RTP/...: not udptl (T.38) */
    uint8_t npts;
    struct rtp_ptmap pts[ANN_DYN_MAX]; /* dynamic types (>= 96) with their names */
    uint64_t prev_call;                /* hash of the Call-ID that announced addr before */
    char call_id[RTP_CALLID_MAX];
    struct ann_entry *hnext;
};

struct trk_stream {
    struct rtp_stream pub;
    struct trk_stream *hnext; /* by (src, dst, ssrc) */
    struct trk_stream *snext; /* by ssrc */
    bool confirmed, dirty;
    bool not_rtp;     /* its address now carries T.38 (udptl) or the like */
    bool looked;      /* associate() ran at least once */
    uint8_t run;      /* consecutive sequence numbers (candidates) */
    uint32_t ann_gen; /* address-slot generation at the last lookup */
    int16_t cache_pt; /* payload type of `cache` (-1: none) */
    bool cache_event;
    uint32_t cache_clock;
    struct rtp_ptmap cache; /* name and rate of cache_pt for this stream */
    uint8_t nmap;           /* payload types of the matched announcement */
    struct rtp_ptmap map[RTP_PT_MAX];
    /* sequence and timing state (Wireshark's tap_rtp_stat_t, reduced) */
    uint16_t start_seq, stop_seq, seq_num;
    bool under;
    uint32_t cycles;
    uint32_t first_ts;   /* RTP timestamp of the first packet */
    double last_nominal; /* nominal time (ms) of the last in-time packet */
    double time_ms;      /* arrival of the last in-time packet */
    double delta_ms;
    int last_pt; /* -1 before the first packet */
    int reg_pt;
    uint32_t last_event_ts;
    bool have_event;
};

struct rtp_tracker {
    struct rtp_opts opts;
    int64_t origin_ns;
    bool have_origin;
    /* streams */
    struct trk_stream **buckets, **sbuckets;
    size_t nbuckets;
    uint32_t next_id; /* id of the next confirmed stream */
    uint64_t packets; /* RTP/RTCP packets seen (sweep clock) */
    int64_t last_ns;  /* capture time of the latest packet */
    size_t nstreams;  /* confirmed + candidates */
    uint64_t dropped;
    /* announcement registry: a ring of entries with hash chains */
    struct ann_entry *ring;
    size_t ringcap, ringpos;
    struct ann_entry **abuckets;
    size_t nabuckets;
    uint32_t ann_gen;
    uint32_t slot_gen[1024]; /* ann_gen of the last announcement per address hash */
    /* pending for the next collect */
    struct rtp_pkt_ref *pend_pkts;
    size_t npend_pkts, pend_pkts_cap;
    struct trk_stream **dirty;
    size_t ndirty, dirty_cap;
    bool origin_sent;
};

/* ---------------------------------------------------------------- helpers */

static uint64_t addr_hash(const struct cap_addr *a, uint64_t h)
{
    size_t i, n = a->family == 6 ? 16 : 4;

    for (i = 0; i < n; i++) {
        h ^= a->ip[i];
        h *= 1099511628211ULL;
    }
    h ^= a->port;
    h *= 1099511628211ULL;
    return h;
}

static bool addr_eq(const struct cap_addr *a, const struct cap_addr *b)
{
    return cap_addr_eq(a, b);
}

static uint64_t key_hash(const struct cap_addr *src, const struct cap_addr *dst, uint32_t ssrc)
{
    uint64_t h = 1469598103934665603ULL ^ ssrc;

    h *= 1099511628211ULL;
    return addr_hash(dst, addr_hash(src, h));
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void rtp_opts_default(struct rtp_opts *o)
{
    o->max_streams = 1u << 20;
    /* 32 k media addresses waiting for their RTP (two per call set up) is
     * far more than a PBX has in flight; an entry is ~700 bytes. */
    o->max_announce = 1u << 15;
    o->store_packets = false;
}

/* ---------------------------------------------------------------- lifetime */

struct rtp_tracker *rtp_tracker_new(const struct rtp_opts *o)
{
    struct rtp_tracker *t = xcalloc(1, sizeof(*t));

    if (o)
        t->opts = *o;
    else
        rtp_opts_default(&t->opts);
    if (t->opts.max_streams < 16)
        t->opts.max_streams = 16;
    if (t->opts.max_announce < 16)
        t->opts.max_announce = 16;
    t->nbuckets = 1024;
    t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
    t->sbuckets = xcalloc(t->nbuckets, sizeof(*t->sbuckets));
    t->nabuckets = 1024;
    t->abuckets = xcalloc(t->nabuckets, sizeof(*t->abuckets));
    return t;
}

void rtp_tracker_free(struct rtp_tracker *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->nbuckets; i++) {
        struct trk_stream *s = t->buckets[i], *n;

        for (; s; s = n) {
            n = s->hnext;
            free(s);
        }
    }
    free(t->buckets);
    free(t->sbuckets);
    free(t->ring);
    free(t->abuckets);
    free(t->pend_pkts);
    free(t->dirty);
    free(t);
}

void rtp_tracker_set_origin(struct rtp_tracker *t, int64_t ts_ns)
{
    if (!t->have_origin) {
        t->origin_ns = ts_ns;
        t->have_origin = true;
    }
}

uint64_t rtp_tracker_dropped(const struct rtp_tracker *t)
{
    return t->dropped;
}

/* ---------------------------------------------------------------- announcements */

static struct ann_entry *ann_find(const struct rtp_tracker *t, const struct cap_addr *a)
{
    struct ann_entry *e;

    if (!t->ring)
        return NULL;
    for (e = t->abuckets[addr_hash(a, 1469598103934665603ULL) & (t->nabuckets - 1)]; e;
         e = e->hnext)
        if (addr_eq(&e->addr, a))
            return e;
    return NULL;
}

static void ann_unlink(struct rtp_tracker *t, struct ann_entry *e)
{
    struct ann_entry **pp =
        &t->abuckets[addr_hash(&e->addr, 1469598103934665603ULL) & (t->nabuckets - 1)];

    for (; *pp; pp = &(*pp)->hnext) {
        if (*pp == e) {
            *pp = e->hnext;
            break;
        }
    }
    e->used = false;
}

static void ann_put(struct rtp_tracker *t, const struct cap_addr *addr,
                    const struct rtp_announce *a)
{
    struct ann_entry *e = ann_find(t, addr);
    size_t b, i;

    if (!t->ring) {
        /* The ring starts small and doubles up to max_announce: an entry is
         * about 700 bytes, and allocating the whole ring at once put
         * 180 MB into the RSS of every run, SDP or not. */
        t->ringcap = t->opts.max_announce < 1024 ? t->opts.max_announce : 1024;
        t->ring = xcalloc(t->ringcap, sizeof(*t->ring));
        while (t->nabuckets < t->opts.max_announce && t->nabuckets < (1u << 20))
            t->nabuckets <<= 1;
        free(t->abuckets);
        t->abuckets = xcalloc(t->nabuckets, sizeof(*t->abuckets));
    } else if (!e && t->ringpos == 0 && t->ring[0].used && t->ringcap < t->opts.max_announce) {
        size_t old = t->ringcap;

        t->ringcap = old * 2 < t->opts.max_announce ? old * 2 : t->opts.max_announce;
        t->ring = xrealloc(t->ring, t->ringcap * sizeof(*t->ring));
        memset(t->ring + old, 0, (t->ringcap - old) * sizeof(*t->ring));
        /* The chains point into the old array: rebuild them. */
        memset(t->abuckets, 0, t->nabuckets * sizeof(*t->abuckets));
        for (i = 0; i < old; i++) {
            b = addr_hash(&t->ring[i].addr, 1469598103934665603ULL) & (t->nabuckets - 1);
            t->ring[i].hnext = t->abuckets[b];
            t->abuckets[b] = &t->ring[i];
        }
        t->ringpos = old;
    }
    if (!e) {
        e = &t->ring[t->ringpos];
        t->ringpos = (t->ringpos + 1) % t->ringcap;
        if (e->used)
            ann_unlink(t, e); /* the oldest address is forgotten */
        memset(e, 0, sizeof(*e));
        e->addr = *addr;
        e->used = true;
        b = addr_hash(addr, 1469598103934665603ULL) & (t->nabuckets - 1);
        e->hnext = t->abuckets[b];
        t->abuckets[b] = e;
    }
    e->prev_call = e->used && e->call_id[0] && strcmp(e->call_id, a->call_id) != 0
                       ? hash_bytes(e->call_id, strlen(e->call_id))
                       : e->prev_call;
    memcpy(e->call_id, a->call_id, sizeof(e->call_id));
    e->rtp = strncasecmp(a->proto, "RTP/", 4) == 0;
    e->npts = 0;
    for (i = 0; i < a->npts && e->npts < ANN_DYN_MAX; i++)
        if (a->pts[i].pt >= 96)
            e->pts[e->npts++] = a->pts[i];
    t->ann_gen++;
    t->slot_gen[addr_hash(addr, 1469598103934665603ULL) & 1023] = t->ann_gen;
}

void rtp_tracker_sdp(struct rtp_tracker *t, const struct cap_payload *p, const struct sip_msg *m)
{
    struct rtp_announce a[8];
    size_t n, i;

    n = rtp_announces_from_msg(m, p->ts_ns, p->frame, &p->src, a, 8);
    for (i = 0; i < n; i++)
        if (a[i].addr.port != 0) /* port 0: refused, nothing will flow */
            ann_put(t, &a[i].addr, &a[i]);
}

/* ---------------------------------------------------------------- streams */

static void mark_dirty(struct rtp_tracker *t, struct trk_stream *s)
{
    if (s->dirty || !s->confirmed)
        return;
    s->dirty = true;
    if (t->ndirty == t->dirty_cap) {
        t->dirty_cap = t->dirty_cap ? t->dirty_cap * 2 : 64;
        t->dirty = xrealloc(t->dirty, t->dirty_cap * sizeof(*t->dirty));
    }
    t->dirty[t->ndirty++] = s;
}

static void confirm(struct rtp_tracker *t, struct trk_stream *s)
{
    if (s->confirmed)
        return;
    s->confirmed = true;
    s->pub.id = t->next_id++;
}

static void rehash(struct rtp_tracker *t)
{
    size_t nb = t->nbuckets * 2, i;
    struct trk_stream **b = xcalloc(nb, sizeof(*b)), **sb = xcalloc(nb, sizeof(*sb));

    for (i = 0; i < t->nbuckets; i++) {
        struct trk_stream *s = t->buckets[i], *n;

        for (; s; s = n) {
            size_t k = key_hash(&s->pub.src, &s->pub.dst, s->pub.ssrc) & (nb - 1);
            size_t ks = s->pub.ssrc * 2654435761u & (nb - 1);

            n = s->hnext;
            s->hnext = b[k];
            b[k] = s;
            s->snext = sb[ks];
            sb[ks] = s;
        }
    }
    free(t->buckets);
    free(t->sbuckets);
    t->buckets = b;
    t->sbuckets = sb;
    t->nbuckets = nb;
}

/* Adds the payload types of a (not already listed) to the stream's map. */
static void map_merge(struct trk_stream *s, const struct ann_entry *a)
{
    size_t i, k;

    for (i = 0; i < a->npts && s->nmap < RTP_PT_MAX; i++) {
        for (k = 0; k < s->nmap; k++)
            if (s->map[k].pt == a->pts[i].pt)
                break;
        if (k == s->nmap)
            s->map[s->nmap++] = a->pts[i];
    }
}

/* Looks the stream's addresses up in the registry (again when it changed).
 * Payload type names come from the receiver's SDP, then the sender's (an
 * event type only the sender declared is still telephone-event). */
static void associate(struct rtp_tracker *t, struct trk_stream *s)
{
    const struct ann_entry *rx, *tx, *e;
    uint8_t nmap = s->nmap;
    struct rtp_ptmap old[RTP_PT_MAX];

    uint32_t g1 = t->slot_gen[addr_hash(&s->pub.dst, 1469598103934665603ULL) & 1023];
    uint32_t g2 = t->slot_gen[addr_hash(&s->pub.src, 1469598103934665603ULL) & 1023];
    uint32_t g = g1 > g2 ? g1 : g2;

    /* only when an announcement for one of its addresses (or one sharing
     * their hash slot) came since the last look */
    if (s->looked && g <= s->ann_gen)
        return;
    s->looked = true;
    s->ann_gen = g;
    rx = ann_find(t, &s->pub.dst);
    tx = ann_find(t, &s->pub.src);
    e = rx ? rx : tx;
    if (!e)
        return;
    /* An associated stream stays with its call while either of its addresses
     * is still announced in that call: another call announcing one of the
     * same ports (reuse, or a PBX that shares ports) does not take it. */
    if (s->pub.associated && strcmp(e->call_id, s->pub.call_id) != 0) {
        if (rx && tx && strcmp(tx->call_id, s->pub.call_id) == 0)
            e = tx;
        else if (rx && tx && strcmp(rx->call_id, tx->call_id) != 0)
            return; /* the addresses now disagree: keep what we had */
    } else if (!s->pub.associated && rx && tx && strcmp(rx->call_id, tx->call_id) != 0 &&
               rx->prev_call == hash_bytes(tx->call_id, strlen(tx->call_id))) {
        e = tx; /* the receiver's port was announced by the sender's call just before */
    }
    /* a re-INVITE may move the same port to T.38 (udptl): not RTP any more */
    s->not_rtp = !e->rtp;
    if (s->not_rtp)
        return;
    memcpy(old, s->map, sizeof(old));
    s->nmap = 0;
    map_merge(s, e);
    if (tx && tx != e)
        map_merge(s, tx);
    if (s->pub.associated && strcmp(s->pub.call_id, e->call_id) == 0 && s->nmap == nmap &&
        memcmp(s->map, old, sizeof(s->map[0]) * s->nmap) == 0)
        return;
    s->pub.associated = true;
    s->cache_pt = -1; /* names may have changed */
    memcpy(s->pub.call_id, e->call_id, sizeof(s->pub.call_id));
    confirm(t, s);
    mark_dirty(t, s);
}

static struct trk_stream *stream_get(struct rtp_tracker *t, const struct cap_payload *p,
                                     uint32_t ssrc, bool create)
{
    size_t k = key_hash(&p->src, &p->dst, ssrc) & (t->nbuckets - 1), ks;
    struct trk_stream *s;

    for (s = t->buckets[k]; s; s = s->hnext)
        if (s->pub.ssrc == ssrc && addr_eq(&s->pub.src, &p->src) && addr_eq(&s->pub.dst, &p->dst))
            return s;
    if (!create)
        return NULL;
    if (t->nstreams >= t->opts.max_streams) {
        t->dropped++;
        return NULL;
    }
    if (t->nstreams >= t->nbuckets * 2) {
        rehash(t);
        k = key_hash(&p->src, &p->dst, ssrc) & (t->nbuckets - 1);
    }
    s = xcalloc(1, sizeof(*s));
    s->pub.src = p->src;
    s->pub.dst = p->dst;
    s->pub.ssrc = ssrc;
    s->pub.source = p->source;
    s->pub.rr_rtt_ms = -1;
    s->last_pt = -1;
    s->cache_pt = -1;
    s->hnext = t->buckets[k];
    t->buckets[k] = s;
    ks = ssrc * 2654435761u & (t->nbuckets - 1);
    s->snext = t->sbuckets[ks];
    t->sbuckets[ks] = s;
    t->nstreams++;
    return s;
}

/* The name and rate of a payload type for this stream. */
static void pt_lookup(const struct trk_stream *s, uint8_t pt, struct rtp_ptmap *out)
{
    size_t i;

    for (i = 0; i < s->nmap; i++) {
        if (s->map[i].pt == pt) {
            *out = s->map[i];
            return;
        }
    }
    rtp_ptmap_static(pt, out);
    if (pt >= 96)
        out->name[0] = '\0';
}

static void note_pt(struct trk_stream *s, const struct rtp_ptmap *m)
{
    size_t i;

    for (i = 0; i < s->pub.npts; i++) {
        if (s->pub.pts[i].pt == m->pt) {
            s->pub.pts[i] = *m; /* the name may have arrived with SDP since */
            return;
        }
    }
    if (s->pub.npts < RTP_PT_MAX)
        s->pub.pts[s->pub.npts++] = *m;
}

static void dtmf_event(struct trk_stream *s, const uint8_t *pl, size_t n, uint32_t ts, bool marker)
{
    static const char digits[] = "0123456789*#ABCD";
    uint8_t ev;

    s->pub.event_packets++;
    if (n < 4)
        return;
    ev = pl[0];
    if (s->have_event && s->last_event_ts == ts && !marker)
        return; /* same event continues (or its end is repeated) */
    s->have_event = true;
    s->last_event_ts = ts;
    if (strlen(s->pub.dtmf) < RTP_DTMF_MAX)
        s->pub.dtmf[strlen(s->pub.dtmf)] = ev < 16 ? digits[ev] : ev == 16 ? '!' : '?';
}

/* Wireshark's per-packet analysis as tshark 4.0 does it (ui/tap-rtp-analysis.c),
 * same arithmetic: a packet is "in time" when its timestamp is less than
 * 2^31 ahead of the stream's first; jitter in ms from the nominal time
 * (timestamp since the first, over clock/1000 in integer division) against
 * the arrival of the last in-time packet; deltas and min/mean/max over
 * "regular" packets only (not the first, marker, CN, the packet after CN,
 * or an out-of-time timestamp). */
static void analyse(struct trk_stream *s, double now_ms, uint16_t seq, uint32_t ts, uint8_t pt,
                    bool marker, uint32_t clock_rate)
{
    struct rtp_stream *st = &s->pub;
    bool in_time, wrong_seq = false, wrong_ts = false, is_cn, follow_cn, regular;
    uint32_t clock;
    double jitter = 0;

    if (st->packets == 0) {
        s->start_seq = s->stop_seq = s->seq_num = seq;
        s->first_ts = ts;
        s->last_nominal = 0;
        s->time_ms = now_ms;
        s->delta_ms = 0;
        s->last_pt = s->reg_pt = pt;
        st->min_delta = -1;
        st->min_jitter = -1;
        st->max_delta = st->mean_delta = 0;
        st->max_jitter = st->mean_jitter = st->jitter = 0;
        st->packets = 1;
        st->clock_rate = clock_rate;
        return;
    }
    if (s->first_ts <= ts)
        in_time = ts - s->first_ts < 0x80000000u;
    else
        in_time = (uint32_t)(0xffffffffu - s->first_ts) + ts < 0x80000000u;
    if (!in_time)
        wrong_ts = true;
    if (seq < s->start_seq && in_time && !s->under) {
        s->cycles++;
        s->under = true;
    } else if (seq == 0 && s->stop_seq == 65535 && in_time && !s->under) {
        s->cycles++;
        s->under = true;
    } else if (seq > s->start_seq && in_time && s->under) {
        s->under = false;
    }
    if (in_time && (int)s->seq_num + 1 == (int)seq) {
        s->seq_num = seq;
    } else if (in_time && s->seq_num == 65535 && seq == 0) {
        s->seq_num = seq;
    } else if (in_time && ((int)s->seq_num + 1 < (int)seq || (int)s->seq_num - (int)seq > 0xFF00)) {
        s->seq_num = seq;
        wrong_seq = true;
    } else if ((int)s->seq_num + 1 > (int)seq) {
        wrong_seq = true;
    }
    if (wrong_seq)
        st->seq_errors++;
    is_cn = pt == 13 || pt == 19;
    follow_cn = s->last_pt == 13 || s->last_pt == 19;
    s->last_pt = pt;
    clock = clock_rate;
    if (in_time && clock != 0) {
        double nominal = (double)(uint32_t)(ts - s->first_ts);
        double expected, diff;

        st->clock_rate = clock;
        nominal /= (double)(clock / 1000 ? clock / 1000 : 1);
        expected = s->time_ms + (nominal - s->last_nominal);
        diff = fabs(now_ms - expected);
        jitter = (15 * st->jitter + diff) / 16;
        s->delta_ms = now_ms - s->time_ms;
        st->jitter = jitter;
        s->last_nominal = nominal;
    } else if (in_time) {
        s->delta_ms = now_ms - s->time_ms;
    }
    if (marker)
        st->marker_packets++;
    regular = !marker && !is_cn && !wrong_ts && !follow_cn;
    if (regular) {
        if (s->delta_ms > st->max_delta)
            st->max_delta = s->delta_ms;
        if (st->min_delta == -1 || s->delta_ms < st->min_delta)
            st->min_delta = s->delta_ms;
        st->mean_delta = (st->mean_delta * (st->packets - 1) + s->delta_ms) / st->packets;
        if (clock != 0) {
            if (st->jitter > st->max_jitter)
                st->max_jitter = st->jitter;
            st->mean_jitter = (st->mean_jitter * (st->packets - 1) + jitter) / st->packets;
            if (st->min_jitter == -1 || st->jitter < st->min_jitter)
                st->min_jitter = st->jitter;
        }
    }
    if (!is_cn && pt != s->reg_pt)
        st->problem = true; /* a payload change other than comfort noise */
    if (!is_cn)
        s->reg_pt = pt;
    if (wrong_seq || wrong_ts)
        st->problem = true;
    if (in_time)
        s->time_ms = now_ms;
    s->stop_seq = seq;
    st->packets++;
}

static void finish_counts(struct trk_stream *s)
{
    struct rtp_stream *st = &s->pub;

    st->expected = ((int64_t)s->stop_seq + (int64_t)s->cycles * 65536) - s->start_seq + 1;
    st->lost = st->expected - st->packets;
}

static void keep_packet(struct rtp_tracker *t, const struct trk_stream *s,
                        const struct cap_payload *p)
{
    struct rtp_pkt_ref *r;

    if (!t->opts.store_packets || !s->confirmed)
        return;
    if (t->npend_pkts == t->pend_pkts_cap) {
        t->pend_pkts_cap = t->pend_pkts_cap ? t->pend_pkts_cap * 2 : 256;
        t->pend_pkts = xrealloc(t->pend_pkts, t->pend_pkts_cap * sizeof(*t->pend_pkts));
    }
    r = &t->pend_pkts[t->npend_pkts++];
    r->stream = s->pub.id;
    r->source = p->source;
    r->frame = p->frame;
    r->ts_ns = p->ts_ns;
    r->file_off = p->file_off;
    r->len = (uint32_t)p->len;
}

static bool plausible_pt(uint8_t pt)
{
    return pt <= 34 || pt >= 96;
}

/* ---------------------------------------------------------------- RTCP */

static struct trk_stream *by_ssrc(struct rtp_tracker *t, uint32_t ssrc, const struct cap_addr *a,
                                  bool a_is_src)
{
    struct trk_stream *s, *any = NULL;

    for (s = t->sbuckets[ssrc * 2654435761u & (t->nbuckets - 1)]; s; s = s->snext) {
        const struct cap_addr *x = a_is_src ? &s->pub.src : &s->pub.dst;

        if (s->pub.ssrc != ssrc || !s->confirmed)
            continue;
        if (x->family == a->family && memcmp(x->ip, a->ip, 16) == 0)
            return s; /* same host as the RTCP packet's */
        any = s;
    }
    return any;
}

static void rtcp_packet(struct rtp_tracker *t, const struct cap_payload *p)
{
    const uint8_t *d = p->data;
    size_t off = 0, n = p->len;
    double now_ms = (double)(p->ts_ns - t->origin_ns) / 1e6;

    /* a compound packet: walk the parts, each bounded by the datagram */
    while (off + 8 <= n) {
        const uint8_t *h = d + off;
        size_t plen = ((size_t)rd16(h + 2) + 1) * 4, rc = h[0] & 0x1f, i, blocks = 8;
        uint8_t type = h[1];

        if ((h[0] >> 6) != 2 || off + plen > n)
            break;
        if (type == 200 && plen >= 28) { /* SR: sender info then report blocks */
            struct trk_stream *s = by_ssrc(t, rd32(h + 4), &p->src, true);

            if (s) {
                s->pub.rtcp_sr++;
                s->pub.sr_packets = rd32(h + 20);
                s->pub.sr_octets = rd32(h + 24);
                mark_dirty(t, s);
            }
            blocks = 28;
        } else if (type != 201) {
            off += plen;
            continue;
        }
        for (i = 0; i < rc && blocks + 24 <= plen; i++, blocks += 24) {
            const uint8_t *b = h + blocks;
            /* the reporter receives the stream it reports on */
            struct trk_stream *s = by_ssrc(t, rd32(b), &p->src, false);
            uint32_t cum = (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
            uint32_t lsr = rd32(b + 16), dlsr = rd32(b + 20);

            if (!s)
                continue;
            s->pub.rtcp_rr++;
            s->pub.rr_fraction_lost = b[4];
            s->pub.rr_cum_lost = (int32_t)(cum & 0x800000 ? cum | 0xff000000u : cum);
            s->pub.rr_jitter = rd32(b + 12);
            if (lsr && type == 201) {
                /* RTT needs our NTP clock: the capture time in NTP short form */
                double arrival = now_ms / 1000.0 + (double)t->origin_ns / 1e9 + 2208988800.0;
                uint32_t a32 = (uint32_t)((uint64_t)(arrival * 65536.0) & 0xffffffffu);
                uint32_t rtt = a32 - lsr - dlsr;

                s->pub.rr_rtt_ms = rtt < 0x80000000u ? rtt * 1000.0 / 65536.0 : -1;
            }
            mark_dirty(t, s);
        }
        off += plen;
    }
}

static bool looks_rtcp(const uint8_t *d, size_t n)
{
    size_t plen;

    if (n < 8 || (d[0] >> 6) != 2 || (d[1] != 200 && d[1] != 201))
        return false;
    plen = ((size_t)rd16(d + 2) + 1) * 4;
    return plen <= n;
}

/* ---------------------------------------------------------------- RTP */

/* Forgets streams that went quiet: a confirmed stream once its last state
 * was handed over and no packet came for IDLE_NS (the UI side keeps its
 * snapshot), a candidate after CANDIDATE_IDLE_NS.  Keeps the tracker's
 * memory to the streams alive at a time, however long the capture. */
#define IDLE_NS           (60 * 1000000000LL)
#define CANDIDATE_IDLE_NS (5 * 1000000000LL)
static void sweep(struct rtp_tracker *t)
{
    size_t i;

    for (i = 0; i < t->nbuckets; i++) {
        struct trk_stream **pp = &t->buckets[i];

        while (*pp) {
            struct trk_stream *x = *pp, **sp;
            int64_t idle = t->last_ns - x->pub.last_ts_ns;

            if (x->dirty || idle < (x->confirmed ? IDLE_NS : CANDIDATE_IDLE_NS)) {
                pp = &x->hnext;
                continue;
            }
            *pp = x->hnext;
            for (sp = &t->sbuckets[x->pub.ssrc * 2654435761u & (t->nbuckets - 1)]; *sp;
                 sp = &(*sp)->snext) {
                if (*sp == x) {
                    *sp = x->snext;
                    break;
                }
            }
            t->nstreams--;
            free(x);
        }
    }
}

bool rtp_tracker_packet(struct rtp_tracker *t, const struct cap_payload *p)
{
    const uint8_t *d = p->data;
    size_t n = p->len, hl;
    const struct ann_entry *e;
    struct trk_stream *s;
    uint8_t pt;
    uint16_t seq;
    uint32_t ts, ssrc;
    bool marker, announced;
    double now_ms;

    if (p->transport != CAP_TRANSPORT_UDP || n < 8 || (d[0] >> 6) != 2)
        return false;
    if (!t->have_origin)
        rtp_tracker_set_origin(t, p->ts_ns);
    if (p->ts_ns > t->last_ns)
        t->last_ns = p->ts_ns;
    if ((++t->packets & 65535) == 0)
        sweep(t);
    if (d[1] >= 200 && d[1] <= 204) {
        struct cap_addr rd = p->dst, rs = p->src;

        /* next to an announced RTP port, or shaped like SR/RR */
        rd.port--;
        rs.port--;
        e = ann_find(t, &p->dst);
        if (!e)
            e = ann_find(t, &p->src);
        if (!e)
            e = ann_find(t, &rd);
        if (!e)
            e = ann_find(t, &rs);
        if (!e && !looks_rtcp(d, n))
            return false;
        rtcp_packet(t, p);
        return true;
    }
    if (n < 12)
        return false;
    pt = d[1] & 0x7f;
    marker = (d[1] & 0x80) != 0;
    seq = rd16(d + 2);
    ts = rd32(d + 4);
    ssrc = rd32(d + 8);
    hl = 12 + (size_t)(d[0] & 0x0f) * 4;
    if ((d[0] & 0x10) && hl + 4 <= n)
        hl += 4 + (size_t)rd16(d + hl + 2) * 4;
    if (hl > n)
        return false;
    if (d[0] & 0x20) { /* padding: the last byte counts it */
        size_t pad = d[n - 1];

        if (pad == 0 || hl + pad > n)
            return false;
        n -= pad;
    }
    s = stream_get(t, p, ssrc, false);
    if (!s) {
        e = ann_find(t, &p->dst);
        if (!e)
            e = ann_find(t, &p->src);
        announced = e != NULL;
        if (announced && !e->rtp)
            return false; /* announced for T.38 or another non-RTP protocol */
        if (!announced && (!plausible_pt(pt) || p->src.port < 1024 || p->dst.port < 1024))
            return false;
        s = stream_get(t, p, ssrc, true);
        if (!s)
            return false;
        s->pub.first_ts_ns = p->ts_ns;
        s->pub.first_frame = p->frame;
    }
    associate(t, s);
    if (s->not_rtp)
        return false;
    if (!s->confirmed) {
        if (s->pub.packets && (uint16_t)(s->stop_seq + 1) == seq)
            s->run++;
        else
            s->run = 1;
        if (s->run >= CONFIRM_RUN)
            confirm(t, s);
    }
    now_ms = (double)(p->ts_ns - t->origin_ns) / 1e6;
    if (s->cache_pt != pt) {
        pt_lookup(s, pt, &s->cache);
        s->cache_pt = pt;
        s->cache_event = rtp_ptmap_is_event(&s->cache);
        s->cache_clock = rtp_clock_rate(&s->cache);
        note_pt(s, &s->cache);
    }
    if (s->cache_event)
        dtmf_event(s, d + hl, n - hl, ts, marker);
    analyse(s, now_ms, seq, ts, pt, marker, s->cache_clock);
    finish_counts(s);
    s->pub.last_ts_ns = p->ts_ns;
    s->pub.last_frame = p->frame;
    s->pub.bytes += p->len;
    keep_packet(t, s, p);
    mark_dirty(t, s);
    return true;
}

/* ---------------------------------------------------------------- hand-over */

bool rtp_tracker_dirty(const struct rtp_tracker *t)
{
    return t->ndirty || t->npend_pkts;
}

struct rtp_batch *rtp_tracker_collect(struct rtp_tracker *t)
{
    struct rtp_batch *b;
    size_t i;

    if (!rtp_tracker_dirty(t) && t->origin_sent)
        return NULL;
    b = xcalloc(1, sizeof(*b));
    b->origin_ns = t->have_origin ? t->origin_ns : 0;
    t->origin_sent = t->have_origin;
    if (t->ndirty) {
        b->streams = xmalloc(t->ndirty * sizeof(*b->streams));
        for (i = 0; i < t->ndirty; i++) {
            b->streams[i] = t->dirty[i]->pub;
            t->dirty[i]->dirty = false;
        }
        b->nstreams = t->ndirty;
        t->ndirty = 0;
    }
    b->pkts = t->pend_pkts;
    b->npkts = t->npend_pkts;
    t->pend_pkts = NULL;
    t->npend_pkts = t->pend_pkts_cap = 0;
    return b;
}

void rtp_batch_free(struct rtp_batch *b)
{
    if (!b)
        return;
    free(b->streams);
    free(b->pkts);
    free(b);
}
