/*
 * legs: links the dialogs of a finished store into end-to-end calls
 * (legs.h says what each kind of link means and how sure it is).
 *
 * Passes, strongest evidence first: X-Call-ID, Session-ID, config rules,
 * the same From tag behind a Call-ID-rewriting relay, then behaviour.
 * Links go into one array, the weaker of two links between the same pair
 * is dropped, and a union-find over the rest gives each dialog its
 * end-to-end call.
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

struct leg {
    const struct store_call *c;
    char called[64], caller[64]; /* legs_number_norm of To and From users */
    uint64_t num_key;            /* hash of the called number's tail; 0: none */
    struct cap_addr src, dst;    /* addresses of the first message, port 0 */
    struct legs_key rk;          /* config rules */
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

static void addr_of(const struct store *s, uint32_t ep, struct cap_addr *out)
{
    const struct cap_addr *a = store_endpoint(s, ep);

    memset(out, 0, sizeof(*out));
    if (a) {
        out->family = a->family;
        memcpy(out->ip, a->ip, sizeof(out->ip));
    }
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

/* How much A (incoming) and B (outgoing, started after A) look like the
 * two sides of one B2BUA call; 0-99. */
static int behaviour_score(const struct leg *la, const struct leg *lb)
{
    const struct store_call *a = la->c, *b = lb->c;
    int64_t d = b->invite_ts - a->invite_ts;
    int s = 40;

    if (legs_number_same(la->caller, lb->caller))
        s += 10;
    if (d <= 500 * MS)
        s += mirror(d / 25, 15); /* starting at once: up to 15 */
    else if (d <= 2000 * MS)
        s += 5;
    if (b->ring_ts && a->ring_ts && a->ring_ts >= b->ring_ts)
        s += mirror(a->ring_ts - b->ring_ts, 10);
    if (b->answer_ts && a->answer_ts)
        s += mirror(a->answer_ts - b->answer_ts, 25);
    else if (b->answer_ts)
        s -= 25; /* B answered, A never was */
    else if (a->answer_ts)
        s -= 5; /* B failed and A was answered: an earlier, serial leg */
    if (!a->answer_ts && !b->answer_ts && a->final_status >= 300 && b->final_status >= 300) {
        if (a->state == CALL_STATE_CANCELLED && b->state == CALL_STATE_CANCELLED) {
            /* A's 487 answers A's CANCEL at once; B's comes after the
             * B2BUA's own CANCEL: the two are close in either order. */
            int64_t r = a->final_ts - b->final_ts;

            s += mirror(r < 0 ? -r : r, 15);
        } else {
            s += mirror(a->final_ts - b->final_ts, 15);
        }
    }
    if (a->answer_ts && b->answer_ts && a->end_ts > a->answer_ts && b->end_ts > b->answer_ts) {
        int64_t r = a->end_ts - b->end_ts;

        s += mirror(r < 0 ? -r : r, 15); /* either side may hang up first */
    }
    return s < 0 ? 0 : s > 99 ? 99 : s;
}

static bool addr_eq(const struct cap_addr *a, const struct cap_addr *b)
{
    return a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

/* Rules override: a call a rule speaks for links by that rule only. */
static bool vetoed(const struct leg *a, const struct leg *b)
{
    return (a->rk.explicit || b->rk.explicit) && a->rk.key != b->rk.key;
}

struct by_num {
    uint64_t key;
    int64_t ts;
    uint32_t i;
};

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

static void link_behaviour(struct edges *e, const struct leg *legs, size_t n)
{
    struct by_num *ix = xmalloc((n ? n : 1) * sizeof(*ix));
    struct cand *cands = xmalloc((n ? n : 1) * sizeof(*cands));
    size_t nix = 0, ncand = 0, i, j;

    for (i = 0; i < n; i++)
        if (legs[i].num_key && is_leg_candidate(legs[i].c))
            ix[nix++] = (struct by_num){legs[i].num_key, legs[i].c->invite_ts, (uint32_t)i};
    qsort(ix, nix, sizeof(*ix), by_num_cmp);
    for (j = 0; j < nix; j++) {
        const struct leg *lb = &legs[ix[j].i];
        int best = -1, second = -1;
        uint32_t best_a = 0;
        size_t k;

        /* Earlier calls to the same number, newest first, back to the
         * window's start: the index is sorted by (number, time). */
        for (k = j; k-- > 0 && ix[k].key == ix[j].key;) {
            const struct leg *la = &legs[ix[k].i];
            int sc;

            if (lb->c->invite_ts - la->c->invite_ts > LEGS_WINDOW_NS)
                break;
            if (!addr_eq(&la->dst, &lb->src) || addr_eq(&la->src, &lb->src) ||
                !legs_number_same(la->called, lb->called) || vetoed(la, lb))
                continue;
            if (la->c->final_ts && la->c->final_ts < lb->c->invite_ts && !la->c->answer_ts)
                continue; /* A was over before B began */
            if (la->c->answer_ts && la->c->answer_ts < lb->c->invite_ts)
                continue; /* A was answered before B began: not its leg */
            sc = behaviour_score(la, lb);
            if (sc > best) {
                second = best;
                best = sc;
                best_a = ix[k].i;
            } else if (sc > second) {
                second = sc;
            }
        }
        if (best < LEGS_MIN_CONFIDENCE || (second >= 0 && best - second < LEGS_AMBIGUOUS))
            continue;
        cands[ncand++] = (struct cand){best_a, ix[j].i, best};
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
                    if (cands[t].score >= cands[k].score - LEGS_AMBIGUOUS + 1)
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
                     cands[k].score, 0);
            if (!bk->answer_ts && bk->final_status >= 300)
                prev_failed = true;
        }
    }
    free(cands);
    free(ix);
}

/* The same From tag on two Call-IDs for the same numbers at about the same
 * time: a relay rewrote the Call-ID and kept the tags (kamailio topoh). */
static void link_tags(struct edges *e, const struct leg *legs, size_t n)
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
                    !legs_number_same(a->called, b->called) || vetoed(a, b))
                    continue;
                edge_add(e, k[x].i, k[y].i, LEGS_HOW_TAGS,
                         addr_eq(&a->dst, &b->src) || addr_eq(&b->dst, &a->src) ? 95 : 85, 0);
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
    return (int)q->l.confidence - (int)p->l.confidence; /* strongest first */
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
        legs_number_norm(g->c->to_user, g->called);
        legs_number_norm(g->c->from_user, g->caller);
        g->num_key = num_key(g->called);
        addr_of(s, g->c->src_ep, &g->src);
        addr_of(s, g->c->dst_ep, &g->dst);
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
        link_tags(&e, legs, n);
        link_behaviour(&e, legs, n);
    }

    /* One link per pair, the strongest; then per-call rows. */
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
