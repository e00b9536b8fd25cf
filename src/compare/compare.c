/*
 * compare: a failed call against a good one (compare.h).
 *
 * The flows are aligned transaction by transaction (a longest common
 * subsequence over their CSeq methods), and the first aligned pair whose
 * responses differ, or the first transaction only one call has, is where
 * the failed call departs.  The requests of each aligned pair are reduced
 * to features (features.c) and compared; the features of the failed
 * call's first request are also looked for in the first request of every
 * answered call on its route, to find the differences that set it apart.
 *
 * Thread: any, on a store nobody adds to.  Ownership: the result's diffs.
 */
#include "compare.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"
#include "sip.h"
#include "store.h"
#include "util.h"

#define MAX_TXNS        64
#define MAX_ROUTE_GOODS 200
#define MS              1000000LL

static bool answered(const struct store_call *c)
{
    return c->kind == CALL_KIND_INVITE && c->answer_ts != 0;
}

/* The first request of c (its message index), or -1. */
static int64_t first_request(const struct store_call *c)
{
    uint32_t i;

    for (i = 0; i < c->nmsgs; i++)
        if (c->msgs[i].flags & STORE_MSG_REQUEST)
            return i;
    return -1;
}

/* Reads and parses message i of c; false when it cannot be read. */
static bool load_msg(const struct store *s, const struct store_call *c, uint32_t i,
                     struct strbuf *buf, struct sip_msg *m)
{
    if (store_msg_bytes(s, &c->msgs[i], buf) != 0)
        return false;
    if (sip_parse(buf->s, buf->len, m) != 0) {
        sip_msg_fini(m);
        return false;
    }
    return true;
}

/* The request-URI host of c's first request ("" when unreadable). */
static void ruri_host(const struct store *s, const struct store_call *c, struct strbuf *buf,
                      char *out, size_t outlen)
{
    int64_t i = first_request(c);
    struct sip_msg m;
    struct sip_uri u;

    out[0] = '\0';
    if (i < 0 || !load_msg(s, c, (uint32_t)i, buf, &m))
        return;
    if (sip_parse_uri(&m, m.ruri, &u) == 0)
        sip_str_copy(&m, u.host, out, outlen);
    sip_msg_fini(&m);
}

static bool same_ip(const struct store *s, uint32_t a, uint32_t b)
{
    const struct cap_addr *x = store_endpoint(s, a), *y = store_endpoint(s, b);

    return x && y && x->family == y->family && memcmp(x->ip, y->ip, x->family == 6 ? 16 : 4) == 0;
}

/* Calls on failed's route: answered INVITE calls to the same address and
 * request-URI host.  Fills out (at most max), nearest in time first. */
struct near {
    const struct store_call *c;
    int64_t dt;
    bool same_number;
};

static int near_cmp(const void *x, const void *y)
{
    const struct near *a = x, *b = y;

    if (a->same_number != b->same_number)
        return a->same_number ? -1 : 1;
    return a->dt < b->dt ? -1 : a->dt > b->dt;
}

static size_t route_goods(const struct store *s, const struct store_call *failed, struct near *out,
                          size_t max)
{
    size_t n = store_ncalls(s), i, k = 0;
    struct strbuf buf;
    char host[128], h2[128];

    sb_init(&buf);
    ruri_host(s, failed, &buf, host, sizeof(host));
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(s, i);
        int64_t dt;

        if (c == failed || !answered(c) || !same_ip(s, c->dst_ep, failed->dst_ep))
            continue;
        ruri_host(s, c, &buf, h2, sizeof(h2));
        if (strcmp(host, h2) != 0)
            continue;
        dt = c->first_ts - failed->first_ts;
        dt = dt < 0 ? -dt : dt;
        if (k < max) {
            out[k++] = (struct near){c, dt, strcmp(c->to_user, failed->to_user) == 0};
        } else {
            /* Keep the nearest max: replace the farthest kept. */
            size_t far = 0, j;

            for (j = 1; j < k; j++)
                if (near_cmp(&out[j], &out[far]) > 0)
                    far = j;
            struct near cand = {c, dt, strcmp(c->to_user, failed->to_user) == 0};

            if (near_cmp(&cand, &out[far]) < 0)
                out[far] = cand;
        }
    }
    sb_fini(&buf);
    qsort(out, k, sizeof(*out), near_cmp);
    return k;
}

const struct store_call *compare_pick_good(const struct store *s, const struct store_call *failed)
{
    struct near n[1];

    return route_goods(s, failed, n, 1) ? n[0].c : NULL;
}

/* ------------------------------------------------------------ alignment */

struct txn_view {
    uint32_t txn;   /* index in the call's transactions */
    uint8_t method; /* CSeq method */
    uint32_t req;   /* message index of its first request */
    char resp[192]; /* "100 Trying, 180 Ringing, 200 OK" */
    uint16_t codes[8];
    size_t ncodes;
    int64_t first_resp, final; /* ns after the request, -1 none */
};

static int txn_cmp(const void *x, const void *y)
{
    const struct txn_view *a = x, *b = y;

    return a->req < b->req ? -1 : a->req > b->req;
}

static size_t txn_views(const struct store *s, const struct store_call *c, struct txn_view *v,
                        struct strbuf *buf)
{
    size_t n = 0, i;
    uint32_t k;

    for (k = 0; k < c->ntxns && n < MAX_TXNS; k++) {
        const struct store_txn *t = &c->txns[k];

        memset(&v[n], 0, sizeof(v[n]));
        v[n].txn = k;
        v[n].method = t->method;
        v[n].req = t->first_req;
        v[n].first_resp = t->first_resp_ts && t->req_ts ? t->first_resp_ts - t->req_ts : -1;
        v[n].final = t->final_ts && t->req_ts ? t->final_ts - t->req_ts : -1;
        n++;
    }
    qsort(v, n, sizeof(*v), txn_cmp);
    /* The responses of each, in order, retransmissions left out. */
    for (i = 0; i < n; i++) {
        size_t used = 0;
        uint32_t j;

        for (j = 0; j < c->nmsgs; j++) {
            const struct store_msg *m = &c->msgs[j];
            struct sip_msg pm;
            char reason[64] = "";

            if ((m->flags & (STORE_MSG_REQUEST | STORE_MSG_RESENT)) || m->txn != v[i].txn)
                continue;
            if (load_msg(s, c, j, buf, &pm)) {
                struct strbuf e;

                sb_init(&e);
                sb_append_escaped(&e, sip_str_ptr(&pm, pm.reason), pm.reason.len);
                snprintf(reason, sizeof(reason), "%s", e.s ? e.s : "");
                sb_fini(&e);
                sip_msg_fini(&pm);
            }
            if (v[i].ncodes < 8)
                v[i].codes[v[i].ncodes++] = m->status;
            if (used + strlen(reason) + 8 < sizeof(v[i].resp))
                used += (size_t)snprintf(v[i].resp + used, sizeof(v[i].resp) - used, "%s%u %s",
                                         used ? ", " : "", m->status, reason);
        }
        if (!used)
            strcpy(v[i].resp, "no response");
    }
    return n;
}

/* Longest common subsequence of methods: pairs (ia, ib), -1 for a gap. */
static size_t align(const struct txn_view *a, size_t na, const struct txn_view *b, size_t nb,
                    int (*pairs)[2])
{
    static const size_t W = MAX_TXNS + 1;
    uint16_t *L = xcalloc(W * W, sizeof(*L));
    size_t i, j, n = 0;
    int tmp[2 * MAX_TXNS][2];

    for (i = na; i-- > 0;)
        for (j = nb; j-- > 0;)
            L[i * W + j] = a[i].method == b[j].method
                               ? (uint16_t)(L[(i + 1) * W + j + 1] + 1)
                               : (L[(i + 1) * W + j] > L[i * W + j + 1] ? L[(i + 1) * W + j]
                                                                        : L[i * W + j + 1]);
    i = j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && a[i].method == b[j].method) {
            tmp[n][0] = (int)i++;
            tmp[n++][1] = (int)j++;
        } else if (j >= nb || (i < na && L[(i + 1) * W + j] >= L[i * W + j + 1])) {
            tmp[n][0] = (int)i++;
            tmp[n++][1] = -1;
        } else {
            tmp[n][0] = -1;
            tmp[n++][1] = (int)j++;
        }
    }
    memcpy(pairs, tmp, n * sizeof(*tmp));
    free(L);
    return n;
}

/* ------------------------------------------------------------ differences */

static void diff_add(struct compare_result *r, size_t *cap, const char *what, const char *failed,
                     const char *good, int txn)
{
    struct compare_diff *d;

    if (r->ndiffs == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        r->diffs = xrealloc(r->diffs, *cap * sizeof(*r->diffs));
    }
    d = &r->diffs[r->ndiffs++];
    memset(d, 0, sizeof(*d));
    snprintf(d->what, sizeof(d->what), "%s", what);
    snprintf(d->failed, sizeof(d->failed), "%s", failed);
    snprintf(d->good, sizeof(d->good), "%s", good);
    d->txn = txn;
}

/* Features of message i of c; false when unreadable. */
static bool feats_of(const struct store *s, const struct store_call *c, uint32_t i,
                     struct strbuf *buf, struct compare_feats *f)
{
    struct sip_msg m;

    if (!load_msg(s, c, i, buf, &m))
        return false;
    compare_features(&m, &c->msgs[i], f);
    sip_msg_fini(&m);
    return true;
}

static void diff_feats(struct compare_result *r, size_t *cap, const struct compare_feats *fa,
                       const struct compare_feats *fb, int txn, const char *method)
{
    size_t i;
    char what[96];

    for (i = 0; i < fa->n; i++) {
        const struct compare_feat *y = compare_feat_find(fb, fa->v[i].key);

        if (y && strcmp(y->val, fa->v[i].val) == 0)
            continue;
        snprintf(what, sizeof(what), "%s %s", method, fa->v[i].label);
        diff_add(r, cap, what, fa->v[i].show, y ? y->show : "(absent)", txn);
    }
    for (i = 0; i < fb->n; i++) {
        if (compare_feat_find(fa, fb->v[i].key))
            continue;
        snprintf(what, sizeof(what), "%s %s", method, fb->v[i].label);
        diff_add(r, cap, what, "(absent)", fb->v[i].show, txn);
    }
}

static void fmt_ms(int64_t ns, char *out, size_t outlen)
{
    if (ns < 0)
        snprintf(out, outlen, "none");
    else
        snprintf(out, outlen, "%" PRId64 " ms", (int64_t)(ns / MS));
}

/* Response times that differ by more than twice and 100 ms. */
static void diff_times(struct compare_result *r, size_t *cap, const struct txn_view *a,
                       const struct txn_view *b, int txn, const char *method)
{
    struct {
        const char *what;
        int64_t x, y;
    } t[2] = {{"first response time", a->first_resp, b->first_resp},
              {"final response time", a->final, b->final}};
    int k;

    for (k = 0; k < 2; k++) {
        int64_t x = t[k].x, y = t[k].y;
        char what[96], fx[32], fy[32];

        if (x < 0 || y < 0)
            continue; /* a missing response is the divergence, said there */
        if ((x > 2 * y && x - y > 100 * MS) || (y > 2 * x && y - x > 100 * MS)) {
            snprintf(what, sizeof(what), "%s %s", method, t[k].what);
            fmt_ms(x, fx, sizeof(fx));
            fmt_ms(y, fy, sizeof(fy));
            diff_add(r, cap, what, fx, fy, txn);
        }
    }
}

static void set_divergence(struct compare_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_divergence(struct compare_result *r, const char *fmt, ...)
{
    struct strbuf b;
    va_list ap;

    sb_init(&b);
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    snprintf(r->divergence, sizeof(r->divergence), "%s", b.s ? b.s : "");
    sb_fini(&b);
}

/* Where the flows part: the first aligned transaction whose responses
 * differ, or the first only one call has. */
static void divergence(struct compare_result *r, const struct txn_view *a, const struct txn_view *b,
                       int (*pairs)[2], size_t np)
{
    size_t p;

    for (p = 0; p < np; p++) {
        int ia = pairs[p][0], ib = pairs[p][1];
        const char *m;

        if (ia < 0 || ib < 0) {
            const struct txn_view *t = ia >= 0 ? &a[ia] : &b[ib];

            m = sip_method_name((enum sip_method)t->method);
            set_divergence(r, "%s (transaction %zu) is only in the %s call (%s)",
                           *m ? m : "request", p + 1, ia >= 0 ? "failed" : "good", t->resp);
            r->divergence_txn = (int)p + 1;
            return;
        }
        if (a[ia].ncodes != b[ib].ncodes ||
            memcmp(a[ia].codes, b[ib].codes, a[ia].ncodes * sizeof(a[ia].codes[0])) != 0) {
            size_t k = 0;

            while (k < a[ia].ncodes && k < b[ib].ncodes && a[ia].codes[k] == b[ib].codes[k])
                k++;
            m = sip_method_name((enum sip_method)a[ia].method);
            set_divergence(r, "%s (transaction %zu): the failed call got %s; the good call %s",
                           *m ? m : "request", p + 1, a[ia].resp, b[ib].resp);
            r->divergence_txn = (int)p + 1;
            return;
        }
    }
}

/* A diff of the first request separates when no good call on the route
 * has the failed value. */
static void mark_separating(const struct store *s, const struct store_call *failed,
                            struct compare_result *r, struct strbuf *buf)
{
    struct near *goods = xmalloc(MAX_ROUTE_GOODS * sizeof(*goods));
    struct compare_feats *fa = xmalloc(sizeof(*fa)), *fg = xmalloc(sizeof(*fg));
    size_t ng = route_goods(s, failed, goods, MAX_ROUTE_GOODS), i, g;
    int64_t ra = first_request(failed);
    bool *shared = xcalloc(r->ndiffs ? r->ndiffs : 1, sizeof(*shared));
    const char *method = failed->kind == CALL_KIND_INVITE ? "INVITE" : "request";
    size_t mlen = strlen(method);

    r->ngood_on_route = ng;
    if (ra < 0 || !feats_of(s, failed, (uint32_t)ra, buf, fa))
        goto out;
    for (g = 0; g < ng; g++) {
        int64_t rg = first_request(goods[g].c);

        if (rg < 0 || !feats_of(s, goods[g].c, (uint32_t)rg, buf, fg))
            continue;
        for (i = 0; i < r->ndiffs; i++) {
            const char *key = r->diffs[i].what;
            const struct compare_feat *x, *y;

            if (r->diffs[i].txn != 1 || strncmp(key, method, mlen) != 0 || key[mlen] != ' ')
                continue;
            key += mlen + 1;
            x = compare_feat_find_label(fa, key);
            y = x ? compare_feat_find(fg, x->key) : compare_feat_find_label(fg, key);
            if ((!x && !y) || (x && y && strcmp(x->val, y->val) == 0))
                shared[i] = true;
        }
    }
    for (i = 0; i < r->ndiffs; i++)
        r->diffs[i].separates = ng > 0 && r->diffs[i].txn == 1 &&
                                strncmp(r->diffs[i].what, method, mlen) == 0 && !shared[i];
out:
    free(shared);
    free(fa);
    free(fg);
    free(goods);
}

static int diff_order(const void *x, const void *y)
{
    const struct compare_diff *a = x, *b = y;

    if (a->separates != b->separates)
        return a->separates ? -1 : 1;
    if (a->txn != b->txn)
        return a->txn < b->txn ? -1 : 1;
    return 0;
}

int compare_calls(const struct store *s, const struct store_call *failed,
                  const struct store_call *good, struct compare_result *out)
{
    struct txn_view *a = xcalloc(MAX_TXNS, sizeof(*a)), *b = xcalloc(MAX_TXNS, sizeof(*b));
    struct compare_feats *fa = xmalloc(sizeof(*fa)), *fb = xmalloc(sizeof(*fb));
    int(*pairs)[2] = xmalloc(2 * MAX_TXNS * sizeof(*pairs));
    struct strbuf buf;
    size_t na, nb, np, p, cap = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->failed = failed->id;
    out->good = good->id;
    sb_init(&buf);
    na = txn_views(s, failed, a, &buf);
    nb = txn_views(s, good, b, &buf);
    np = align(a, na, b, nb, pairs);
    divergence(out, a, b, pairs, np);
    /* The requests up to where the flows part: what comes after is their
     * consequence.  ACKs are left out: an ACK's form follows the final
     * response it acknowledges, a 2xx or not. */
    for (p = 0; p < np && (!out->divergence_txn || (int)p < out->divergence_txn); p++) {
        int ia = pairs[p][0], ib = pairs[p][1];
        const char *m;

        if (ia < 0 || ib < 0 || a[ia].method == SIP_METHOD_ACK)
            continue;
        m = sip_method_name((enum sip_method)a[ia].method);
        if (!feats_of(s, failed, a[ia].req, &buf, fa) || !feats_of(s, good, b[ib].req, &buf, fb)) {
            rc = -1;
            continue;
        }
        diff_feats(out, &cap, fa, fb, (int)p + 1, *m ? m : "request");
        diff_times(out, &cap, &a[ia], &b[ib], (int)p + 1, *m ? m : "request");
    }
    mark_separating(s, failed, out, &buf);
    /* Stable: separating first, each group in transaction order. */
    for (p = 1; p < out->ndiffs; p++) {
        struct compare_diff d = out->diffs[p];
        size_t q = p;

        while (q > 0 && diff_order(&out->diffs[q - 1], &d) > 0) {
            out->diffs[q] = out->diffs[q - 1];
            q--;
        }
        out->diffs[q] = d;
    }
    sb_fini(&buf);
    free(pairs);
    free(fa);
    free(fb);
    free(a);
    free(b);
    return rc;
}

void compare_fini(struct compare_result *r)
{
    free(r->diffs);
    memset(r, 0, sizeof(*r));
}
