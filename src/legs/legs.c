/*
 * legs: links the dialogs of a finished store into end-to-end calls
 * (legs.h says what each kind of link means and how sure it is).
 *
 * Passes, strongest evidence first: X-Call-ID, Session-ID, config rules,
 * the same From tag behind a Call-ID-rewriting relay, then behaviour.
 * Links go into one array; of two links between the same pair the one of
 * firmer kind (the order of enum legs_how) stays, and a union-find over the rest gives each dialog
 * its end-to-end call.
 *
 * Behaviour, per outgoing INVITE B: the candidates are the calls A whose
 * INVITE went to the address B comes from, for the same normalised called
 * number, at most LEGS_WINDOW_NS earlier, and not over before B began.
 * Each is scored on what a B2BUA does: it starts B at once, and what B
 * gets (ringing, answer, failure, CANCEL's 487, BYE) comes back on A a
 * moment later.  Only a clear winner is linked; a close second (two
 * concurrent calls between the same numbers that behave alike) leaves B
 * unlinked rather than linked to the wrong call.
 *
 * Thread: any, on a store nobody adds to; the result is read-only.
 */
#include "legs.h"

#include <stdlib.h>
#include <string.h>

#include "legs_int.h"
#include "store.h"
#include "util.h"

#define MS            1000000LL
#define MIRROR_NS     (2000LL * MS) /* a B2BUA passes an event on within this */
#define MAX_GROUP_BFS 256
/* Behaviour is an inference: never reported as sure as a header. */
#define BEHAVIOUR_MAX 90

/* What the passes read of a call, packed: a million-message capture has
 * a hundred thousand and more calls, and each pass walks them all. */
struct leg {
    const struct store_call *c;
    uint64_t num_key;      /* hash of the called number's tail; 0: none */
    uint64_t src_h, dst_h; /* hashes of the first message's addresses (no port) */
    struct legs_key rk;    /* config rules */
};

struct edge {
    uint32_t a, b; /* indexes into the build's calls, a < b */
    struct legs_link l;
};

struct legs {
    uint64_t first_id; /* store_call.id of index 0 */
    size_t n;
    uint32_t *parent;        /* owned, n: union-find */
    uint32_t *off;           /* owned, n + 1: CSR row starts into links */
    struct legs_link *links; /* owned: each call's links, strongest first */
    size_t nedges;
    size_t by_how[LEGS_HOW_SERIAL + 1];
};

const char *legs_how_name(enum legs_how h)
{
    static const char *const names[] = {"x-call-id", "session-id", "rule",
                                        "tags",      "b2bua",      "serial"};

    return (unsigned)h < sizeof(names) / sizeof(names[0]) ? names[h] : "?";
}

/* ------------------------------------------------------------ edges */

struct edges {
    struct edge *v;
    size_t n, cap;
};

static void edge_add(struct edges *e, uint32_t a, uint32_t b, enum legs_how how, int conf, int line)
{
    struct edge *x;

    if (a == b)
        return;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 256;
        e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
    }
    x = &e->v[e->n++];
    x->a = a < b ? a : b;
    x->b = a < b ? b : a;
    x->l.how = how;
    x->l.confidence = (uint8_t)(conf < 0 ? 0 : conf > 100 ? 100 : conf);
    x->l.rule_line = line;
    x->l.peer = 0;
}

/* ------------------------------------------------------------ per call */

/* A hash of an endpoint's address without its port: a B2BUA may send
 * from another port than the one it was called on. */
static uint64_t addr_hash(const struct store *s, uint32_t ep)
{
    const struct cap_addr *a = store_endpoint(s, ep);

    if (!a)
        return 0;
    return hash_bytes(a->ip, a->family == 6 ? 16 : 4) ^ a->family;
}

/* The same address (hashes first, the bytes when they agree). */
static bool same_addr(const struct store *s, uint32_t ep1, uint64_t h1, uint32_t ep2, uint64_t h2)
{
    const struct cap_addr *a, *b;

    if (h1 != h2)
        return false;
    a = store_endpoint(s, ep1);
    b = store_endpoint(s, ep2);
    return a && b && a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

/* The same called (or calling) number, as legs_number_same says. */
static bool same_number(const char *u1, const char *u2)
{
    char a[64], b[64];

    legs_number_norm(u1, a);
    legs_number_norm(u2, b);
    return legs_number_same(a, b);
}

static uint64_t num_key(const char *norm)
{
    size_t n = strlen(norm);

    if (n == 0)
        return 0;
    if (n > LEGS_NUM_TAIL && norm[0] >= '0' && norm[0] <= '9')
        return hash_bytes(norm + n - LEGS_NUM_TAIL, LEGS_NUM_TAIL) | 1;
    return hash_bytes(norm, n) | 1;
}

static bool is_leg_candidate(const struct store_call *c)
{
    return c->kind == CALL_KIND_INVITE && c->invite_ts != 0;
}

/* ------------------------------------------------------------ headers */

/* Groups of calls sharing a 64-bit key: sorted (key, index) pairs. */
struct keyed {
    uint64_t key;
    uint32_t i;
};

static int keyed_cmp(const void *x, const void *y)
{
    const struct keyed *a = x, *b = y;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Links every call of a run of equal keys to the run's first call. */
static void link_equal_keys(struct edges *e, struct keyed *k, size_t n, enum legs_how how, int conf,
                            const struct leg *legs, bool need_explicit)
{
    size_t i, j;

    qsort(k, n, sizeof(*k), keyed_cmp);
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && k[j].key == k[i].key; j++)
            ;
        if (j - i < 2)
            continue;
        if (need_explicit) {
            /* Rules: a run of calls that all key on their own Call-IDs is
             * a hash collision, not a link; one explicit key is enough. */
            size_t t;
            bool any = false;

            for (t = i; t < j; t++)
                any = any || legs[k[t].i].rk.explicit;
            if (!any)
                continue;
        }
        for (size_t t = i + 1; t < j; t++)
            edge_add(e, k[i].i, k[t].i, how, conf,
                     how == LEGS_HOW_RULE
                         ? (legs[k[t].i].rk.explicit ? legs[k[t].i].rk.line : legs[k[i].i].rk.line)
                         : 0);
    }
}

/* ------------------------------------------------------------ behaviour */

/* Points for an event of B passed on to A r ns later: all of pts at once,
 * fewer the longer it took, -pts when A had it first or far later. */
static int mirror(int64_t r, int pts)
{
    int v;

    if (r < 0 || r > MIRROR_NS)
        return -pts;
    if (r <= 20 * MS)
        return pts;
    v = (int)(pts - (int64_t)pts * r / MIRROR_NS);
    return v < pts / 4 ? pts / 4 : v;
}

/* The last INVITE of c (retransmissions too) sent at or before t: a
 * B2BUA acts on the copy that reached it, which after a loss is a
 * retransmission, not the first INVITE. */
static int64_t last_invite_at(const struct store_call *c, int64_t t)
{
    uint32_t i;

    for (i = c->nmsgs; i-- > 0;) {
        const struct store_msg *m = &c->msgs[i];

        if (m->ts_ns <= t && (m->flags & STORE_MSG_REQUEST) && m->method == SIP_METHOD_INVITE)
            return m->ts_ns;
    }
    return c->invite_ts;
}

/* How much A (incoming) and B (outgoing, started after A) look like the
 * two sides of one B2BUA call: a score, 0 to about 110 (reported as a
 * confidence of at most BEHAVIOUR_MAX), and the timing error *err: the
 * sum of how long each of B's events took to show on A.  The score says
 * whether the pair is plausible at all; the error tells the one true
 * incoming call from concurrent ones that are merely plausible too. */
static int behaviour_score(const struct leg *la, const struct leg *lb, int64_t *err)
{
    const struct store_call *a = la->c, *b = lb->c;
    int64_t d = b->invite_ts - last_invite_at(a, b->invite_ts);
    int s = 40;

    *err = d;
    if (same_number(a->from_user, b->from_user))
        s += 10;
    if (d <= 500 * MS)
        s += mirror(d / 25, 15); /* starting at once: up to 15 */
    else if (d <= 2000 * MS)
        s += 5;
    if (b->ring_ts && a->ring_ts && a->ring_ts >= b->ring_ts) {
        s += mirror(a->ring_ts - b->ring_ts, 10);
        *err += a->ring_ts - b->ring_ts;
    }
    if (b->answer_ts && a->answer_ts) {
        s += mirror(a->answer_ts - b->answer_ts, 25);
        *err += a->answer_ts > b->answer_ts ? a->answer_ts - b->answer_ts : MIRROR_NS;
    } else if (b->answer_ts) {
        s -= 25; /* B answered, A never was */
    } else if (a->answer_ts) {
        s -= 5; /* B failed and A was answered: an earlier, serial leg */
    }
    if (!a->answer_ts && !b->answer_ts && a->final_status >= 300 && b->final_status >= 300) {
        int64_t r = a->final_ts - b->final_ts;

        if (a->state == CALL_STATE_CANCELLED && b->state == CALL_STATE_CANCELLED) {
            /* A's 487 answers A's CANCEL at once; B's comes after the
             * B2BUA's own CANCEL: the two are close in either order. */
            r = r < 0 ? -r : r;
        }
        s += mirror(r, 15);
        *err += r >= 0 ? r : MIRROR_NS;
    }
    if (a->answer_ts && b->answer_ts && a->end_ts > a->answer_ts && b->end_ts > b->answer_ts) {
        int64_t r = a->end_ts - b->end_ts;

        r = r < 0 ? -r : r; /* either side may hang up first */
        s += mirror(r, 15);
        *err += r;
    }
    return s < 0 ? 0 : s;
}

/* Is timing error e clearly smaller than f?  Half, and a millisecond of
 * scheduling jitter apart: two calls that arrive within the same
 * millisecond and behave alike are not told apart. */
static bool clearly_less(int64_t e, int64_t f)
{
    return e * 2 + MS < f;
}

/* Rules override: a call a rule speaks for links by that rule only. */
static bool vetoed(const struct leg *a, const struct leg *b)
{
    return (a->rk.explicit || b->rk.explicit) && a->rk.key != b->rk.key;
}

/* The behaviour index: incoming calls by (called number, the address
 * they went to) and time; an outgoing leg looks up (its number, the
 * address it came from) and scans back over its window only. */
struct by_num {
    uint64_t key;
    int64_t ts;
    uint32_t i;
};

static uint64_t route_key(uint64_t num, uint64_t addr)
{
    uint64_t h = num ^ (addr * 0x9e3779b97f4a7c15ULL);

    return (h ^ (h >> 29)) | 1;
}

static int by_num_cmp(const void *x, const void *y)
{
    const struct by_num *a = x, *b = y;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* A behavioural link found for an outgoing leg, before the checks that
 * look at all of an incoming call's legs together. */
struct cand {
    uint32_t a, b;
    int score;
    int64_t err; /* behaviour_score's timing error */
};

static int cand_cmp(const void *x, const void *y)
{
    const struct cand *p = x, *q = y;

    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return 0;
}

/* The end of an outgoing leg's attempt: its final response or its end. */
static int64_t attempt_end(const struct store_call *c)
{
    if (c->answer_ts)
        return c->end_ts > c->answer_ts ? c->end_ts : INT64_MAX;
    return c->final_ts ? c->final_ts : INT64_MAX;
}

static void link_behaviour(struct edges *e, const struct store *s, const struct leg *legs, size_t n)
{
    struct by_num *ix = xmalloc((n ? n : 1) * sizeof(*ix));
    struct cand *cands = xmalloc((n ? n : 1) * sizeof(*cands));
    size_t nix = 0, ncand = 0, i, j;

    for (i = 0; i < n; i++)
        if (legs[i].num_key && is_leg_candidate(legs[i].c))
            ix[nix++] = (struct by_num){route_key(legs[i].num_key, legs[i].dst_h),
                                        legs[i].c->invite_ts, (uint32_t)i};
    qsort(ix, nix, sizeof(*ix), by_num_cmp);
    for (i = 0; i < n; i++) {
        const struct leg *lb = &legs[i];
        struct by_num want;
        size_t lo = 0, hi = nix, k;
        int best = -1;
        int64_t best_err = 0, second_err = INT64_MAX;
        uint32_t best_a = 0;

        if (!lb->num_key || !is_leg_candidate(lb->c))
            continue;
        /* The first entry of (number, B's source) at or after the window's
         * start, then forward to B's own INVITE time. */
        want.key = route_key(lb->num_key, lb->src_h);
        want.ts = lb->c->invite_ts - LEGS_WINDOW_NS;
        want.i = 0;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (by_num_cmp(&ix[mid], &want) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (k = lo; k < nix && ix[k].key == want.key && ix[k].ts <= lb->c->invite_ts; k++) {
            const struct leg *la = &legs[ix[k].i];
            int sc;
            int64_t er;

            if (ix[k].i == i || !same_addr(s, la->c->dst_ep, la->dst_h, lb->c->src_ep, lb->src_h) ||
                la->src_h == lb->src_h || !same_number(la->c->to_user, lb->c->to_user) ||
                vetoed(la, lb))
                continue;
            if (la->c->final_ts && la->c->final_ts < lb->c->invite_ts && !la->c->answer_ts)
                continue; /* A was over before B began */
            if (la->c->answer_ts && la->c->answer_ts < lb->c->invite_ts)
                continue; /* A was answered before B began: not its leg */
            sc = behaviour_score(la, lb, &er);
            if (sc < LEGS_MIN_CONFIDENCE)
                continue;
            if (best < 0 || er < best_err) {
                second_err = best < 0 ? second_err : best_err;
                best = sc;
                best_err = er;
                best_a = ix[k].i;
            } else if (er < second_err) {
                second_err = er;
            }
        }
        if (best < 0 || (second_err != INT64_MAX && !clearly_less(best_err, second_err)))
            continue;
        cands[ncand++] = (struct cand){best_a, (uint32_t)i, best, best_err};
    }
    /* Per incoming call: its legs run one after another (serial forking);
     * two legs at once to the same number are two calls it could not be
     * told apart from, so the weaker goes, or both when close. */
    qsort(cands, ncand, sizeof(*cands), cand_cmp);
    for (i = 0; i < ncand; i = j) {
        size_t k;
        bool prev_failed = false;

        for (j = i + 1; j < ncand && cands[j].a == cands[i].a; j++)
            ;
        for (k = i; k < j; k++) {
            const struct store_call *bk = legs[cands[k].b].c;
            bool drop = false;

            for (size_t t = i; t < j; t++) {
                const struct store_call *bt = legs[cands[t].b].c;

                if (t == k)
                    continue;
                if (bt->invite_ts <= bk->invite_ts ? attempt_end(bt) > bk->invite_ts
                                                   : attempt_end(bk) > bt->invite_ts) {
                    if (!clearly_less(cands[k].err, cands[t].err))
                        drop = true;
                }
            }
            if (drop)
                cands[k].score = -1;
        }
        /* In time order (cands are by index = creation order). */
        for (k = i; k < j; k++) {
            const struct store_call *bk = legs[cands[k].b].c;

            if (cands[k].score < 0)
                continue;
            edge_add(e, cands[k].a, cands[k].b, prev_failed ? LEGS_HOW_SERIAL : LEGS_HOW_B2BUA,
                     cands[k].score > BEHAVIOUR_MAX ? BEHAVIOUR_MAX : cands[k].score, 0);
            if (!bk->answer_ts && bk->final_status >= 300)
                prev_failed = true;
        }
    }
    free(cands);
    free(ix);
}

/* The same From tag on two Call-IDs for the same numbers at about the same
 * time: a relay rewrote the Call-ID and kept the tags (kamailio topoh). */
static void link_tags(struct edges *e, const struct store *s, const struct leg *legs, size_t n)
{
    struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));
    size_t nk = 0, i, j;

    for (i = 0; i < n; i++)
        if (legs[i].c->from_tag_hash && is_leg_candidate(legs[i].c))
            k[nk++] = (struct keyed){legs[i].c->from_tag_hash, (uint32_t)i};
    qsort(k, nk, sizeof(*k), keyed_cmp);
    for (i = 0; i < nk; i = j) {
        for (j = i + 1; j < nk && k[j].key == k[i].key; j++)
            ;
        for (size_t x = i; x < j; x++) {
            for (size_t y = x + 1; y < j && y < x + 8; y++) {
                const struct leg *a = &legs[k[x].i], *b = &legs[k[y].i];
                int64_t d = b->c->invite_ts - a->c->invite_ts;

                if (d < 0)
                    d = -d;
                if (d > LEGS_WINDOW_NS || strcmp(a->c->from_user, b->c->from_user) != 0 ||
                    !same_number(a->c->to_user, b->c->to_user) || vetoed(a, b))
                    continue;
                edge_add(e, k[x].i, k[y].i, LEGS_HOW_TAGS,
                         same_addr(s, a->c->dst_ep, a->dst_h, b->c->src_ep, b->src_h) ||
                                 same_addr(s, b->c->dst_ep, b->dst_h, a->c->src_ep, a->src_h)
                             ? 95
                             : 85,
                         0);
            }
        }
    }
    free(k);
}

/* ------------------------------------------------------------ build */

static uint32_t uf_find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static int edge_cmp(const void *x, const void *y)
{
    const struct edge *p = x, *q = y;

    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    /* The firmest evidence first: a header or rule over a tag, a tag over
     * behaviour (an inference, however well it scored). */
    if (p->l.how != q->l.how)
        return (int)p->l.how - (int)q->l.how;
    return (int)q->l.confidence - (int)p->l.confidence;
}

static int link_cmp(const void *x, const void *y)
{
    const struct legs_link *p = x, *q = y;

    if (p->confidence != q->confidence)
        return (int)q->confidence - (int)p->confidence;
    return p->peer < q->peer ? -1 : p->peer > q->peer;
}

struct legs *legs_build(const struct store *s, const struct legs_rules *rules)
{
    struct legs *l = xcalloc(1, sizeof(*l));
    size_t n = store_ncalls(s), i, ne = 0;
    struct leg *legs = xcalloc(n ? n : 1, sizeof(*legs));
    struct edges e = {0};
    struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));
    size_t nk;
    struct strbuf tmp;
    uint32_t *deg;

    sb_init(&tmp);
    l->n = n;
    l->first_id = n ? store_call_at(s, 0)->id : 0;
    for (i = 0; i < n; i++) {
        struct leg *g = &legs[i];

        g->c = store_call_at(s, i);
        if (is_leg_candidate(g->c)) {
            char called[64];

            legs_number_norm(g->c->to_user, called);
            g->num_key = num_key(called);
            g->src_h = addr_hash(s, g->c->src_ep);
            g->dst_h = addr_hash(s, g->c->dst_ep);
        }
        if (legs_rules_count(rules) && g->c->kind == CALL_KIND_INVITE)
            legs_rules_key(rules, s, g->c, &tmp, &g->rk);
    }
    /* X-Call-ID / X-CID */
    for (i = 0; i < n; i++) {
        const struct store_call *a = store_call_aleg(s, legs[i].c);

        if (a && a != legs[i].c && a->id >= l->first_id && a->id - l->first_id < n)
            edge_add(&e, (uint32_t)(a->id - l->first_id), (uint32_t)i, LEGS_HOW_XCALL_ID, 100, 0);
    }
    /* Session-ID */
    for (nk = 0, i = 0; i < n; i++)
        if (legs[i].c->session_hash && legs[i].c->kind == CALL_KIND_INVITE)
            k[nk++] = (struct keyed){legs[i].c->session_hash, (uint32_t)i};
    link_equal_keys(&e, k, nk, LEGS_HOW_SESSION_ID, 95, legs, false);
    /* config rules */
    for (nk = 0, i = 0; i < n; i++)
        if (legs[i].rk.key)
            k[nk++] = (struct keyed){legs[i].rk.key, (uint32_t)i};
    link_equal_keys(&e, k, nk, LEGS_HOW_RULE, 100, legs, true);
    free(k);
    if (legs_rules_behaviour(rules)) {
        link_tags(&e, s, legs, n);
        link_behaviour(&e, s, legs, n);
    }

    /* One link per pair, the strongest; then per-call rows. */
    if (e.n)
        qsort(e.v, e.n, sizeof(*e.v), edge_cmp);
    for (i = 0; i < e.n; i++)
        if (ne == 0 || e.v[ne - 1].a != e.v[i].a || e.v[ne - 1].b != e.v[i].b)
            e.v[ne++] = e.v[i];
    l->nedges = ne;
    l->parent = xmalloc((n ? n : 1) * sizeof(*l->parent));
    l->off = xcalloc(n + 1, sizeof(*l->off));
    l->links = xmalloc((ne ? 2 * ne : 1) * sizeof(*l->links));
    deg = xcalloc(n + 1, sizeof(*deg));
    for (i = 0; i < n; i++)
        l->parent[i] = (uint32_t)i;
    for (i = 0; i < ne; i++) {
        uint32_t ra = uf_find(l->parent, e.v[i].a), rb = uf_find(l->parent, e.v[i].b);

        /* The lower index is the root: the group's first call. */
        if (ra < rb)
            l->parent[rb] = ra;
        else if (rb < ra)
            l->parent[ra] = rb;
        l->off[e.v[i].a + 1]++;
        l->off[e.v[i].b + 1]++;
        l->by_how[e.v[i].l.how]++;
    }
    for (i = 0; i < n; i++)
        l->off[i + 1] += l->off[i];
    for (i = 0; i < ne; i++) {
        struct legs_link x = e.v[i].l;

        x.peer = l->first_id + e.v[i].b;
        l->links[l->off[e.v[i].a] + deg[e.v[i].a]++] = x;
        x.peer = l->first_id + e.v[i].a;
        l->links[l->off[e.v[i].b] + deg[e.v[i].b]++] = x;
    }
    for (i = 0; i < n; i++)
        if (l->off[i + 1] - l->off[i] > 1)
            qsort(l->links + l->off[i], l->off[i + 1] - l->off[i], sizeof(*l->links), link_cmp);
    free(deg);
    free(e.v);
    free(legs);
    sb_fini(&tmp);
    return l;
}

void legs_free(struct legs *l)
{
    if (!l)
        return;
    free(l->parent);
    free(l->off);
    free(l->links);
    free(l);
}

/* ------------------------------------------------------------ queries */

static bool index_of(const struct legs *l, uint64_t call, size_t *i)
{
    if (!l || call < l->first_id || call - l->first_id >= l->n)
        return false;
    *i = (size_t)(call - l->first_id);
    return true;
}

size_t legs_links_of(const struct legs *l, uint64_t call, const struct legs_link **out)
{
    size_t i;

    *out = NULL;
    if (!index_of(l, call, &i))
        return 0;
    *out = l->links + l->off[i];
    return l->off[i + 1] - l->off[i];
}

uint64_t legs_first(const struct legs *l, uint64_t call)
{
    size_t i;
    uint32_t r;

    if (!index_of(l, call, &i))
        return call;
    /* Queries write nothing (concurrent readers): walk without halving. */
    for (r = (uint32_t)i; l->parent[r] != r; r = l->parent[r])
        ;
    return l->first_id + r;
}

static int member_cmp(const void *x, const void *y)
{
    const struct legs_member *p = x, *q = y;

    return p->link.peer < q->link.peer ? -1 : p->link.peer > q->link.peer;
}

size_t legs_members(const struct legs *l, uint64_t call, struct legs_member *out, size_t max)
{
    struct legs_member q[MAX_GROUP_BFS];
    size_t nq = 0, head = 0, i, n;

    if (!index_of(l, call, &i))
        return 0;
    /* Breadth first from the call: each member once, by its shortest
     * chain; groups are a handful of dialogs (bounded all the same). */
    q[nq++] = (struct legs_member){{call, LEGS_HOW_XCALL_ID, 100, 0}, 0, true};
    while (head < nq) {
        struct legs_member cur = q[head++];
        const struct legs_link *ls;
        size_t nl = legs_links_of(l, cur.link.peer, &ls), t;

        for (t = 0; t < nl && nq < MAX_GROUP_BFS; t++) {
            size_t u;
            bool seen = false;

            for (u = 0; u < nq && !seen; u++)
                seen = q[u].link.peer == ls[t].peer;
            if (seen)
                continue;
            q[nq] = (struct legs_member){ls[t], cur.link.peer, head == 1};
            if (head > 1 && cur.link.confidence < q[nq].link.confidence)
                q[nq].link.confidence = cur.link.confidence;
            nq++;
        }
    }
    n = nq - 1;
    qsort(q + 1, n, sizeof(*q), member_cmp);
    for (i = 0; i < n && i < max; i++)
        out[i] = q[i + 1];
    return n;
}

size_t legs_nlinks(const struct legs *l, size_t by_how[LEGS_HOW_SERIAL + 1])
{
    if (by_how)
        memcpy(by_how, l->by_how, sizeof(l->by_how));
    return l->nedges;
}
