/*
 * sweep: findings that need the whole capture, not one call:
 *   SCAN-01  one source trying many extensions, or a scanner's User-Agent
 *            (friendly-scanner, sipvicious ...): one finding with the
 *            source, the extensions and the counts, and the scan's other
 *            calls marked as part of it (info) instead of each reported as
 *            a challenge nobody answered;
 *   REG-02   a call that found its callee unavailable after the callee's
 *            registration expired without refresh, was removed or refused;
 *   DEST-01  every request to one address unanswered, over several calls;
 *   TRUNK-01 a destination answering calls until a moment, then failing
 *            every call after it.
 * diag_capture() feeds it each call with the facts of its messages
 * (sweep_call), then asks for the findings (sweep_finish).
 *
 * Store owner thread.  Memory: one small record per call and per
 * registration, freed by sweep_free.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag_int.h"
#include "sip.h"
#include "util.h"

#define SEC             1000000000LL
#define SCAN_MIN_CALLS  10 /* requests from one source ... */
#define SCAN_MIN_EXTS   6  /* ... to this many extensions, none answered */
#define DEAD_MIN_CALLS  2
#define ONSET_MIN_OK    2
#define ONSET_MIN_FAILS 3

/* User-Agents of SIP scanners and toll-fraud tools (lower case). */
static const char *const scanner_uas[] = {
    "friendly-scanner",
    "sipvicious",
    "sipcli",
    "vaxsipuseragent",
    "pplsip",
    "sundayddr",
    "sip-scan",
    "sivus",
    "iwar",
    "smap",
    "svwar",
    "svcrack",
};

struct scall {
    uint64_t id;
    enum call_kind kind;
    int64_t ts;
    char src[DMSG_HOST], dst[DMSG_HOST];
    char ext[48]; /* To user (REGISTER: the AoR user) */
    char ua[48];
    uint16_t final;
    bool answered_any; /* any response from the destination */
    bool scanner_ua;   /* User-Agent of a known scanner */
    bool ok;           /* 2xx final */
    uint32_t first_msg;
};

struct sreg {
    char aor[48];
    int64_t ok_ts;     /* last 2xx to a REGISTER */
    int ok_expires;    /* granted expiry of it (-1 unknown) */
    int64_t remove_ts; /* last REGISTER with Expires: 0 answered 2xx */
    int64_t fail_ts;   /* last refused REGISTER (final >= 300 after credentials) */
    int fail_status;
    uint64_t call;
};

struct sweep {
    struct scall *calls;
    size_t n, cap;
    struct sreg *regs;
    size_t nregs, capregs;
};

struct sweep *sweep_new(void)
{
    return xcalloc(1, sizeof(struct sweep));
}

void sweep_free(struct sweep *w)
{
    if (!w)
        return;
    free(w->calls);
    free(w->regs);
    free(w);
}

static bool is_scanner_ua(const char *ua)
{
    size_t i, k;
    char low[48];

    for (k = 0; ua[k] && k + 1 < sizeof(low); k++)
        low[k] = (char)(ua[k] >= 'A' && ua[k] <= 'Z' ? ua[k] + 32 : ua[k]);
    low[k] = '\0';
    for (i = 0; i < sizeof(scanner_uas) / sizeof(scanner_uas[0]); i++)
        if (strstr(low, scanner_uas[i]))
            return true;
    return false;
}

static struct sreg *reg_get(struct sweep *w, const char *aor)
{
    size_t i;

    for (i = 0; i < w->nregs; i++)
        if (strcmp(w->regs[i].aor, aor) == 0)
            return &w->regs[i];
    if (w->nregs == w->capregs) {
        w->capregs = w->capregs ? w->capregs * 2 : 16;
        w->regs = xrealloc(w->regs, w->capregs * sizeof(*w->regs));
    }
    memset(&w->regs[w->nregs], 0, sizeof(*w->regs));
    snprintf(w->regs[w->nregs].aor, sizeof(w->regs[0].aor), "%s", aor);
    w->regs[w->nregs].ok_expires = -1;
    return &w->regs[w->nregs++];
}

/* The registration history of a REGISTER dialog: the last accepted
 * binding (and its granted expiry), a removal, a refusal. */
static void note_register(struct sweep *w, const struct store_call *c, const struct dmsg *d,
                          uint32_t n)
{
    uint32_t i, k;

    for (i = 0; i < n; i++) {
        const struct dmsg *r = &d[i], *q = NULL;
        struct sreg *g;

        if (r->req || r->cseq_method != SIP_METHOD_REGISTER || r->status < 200 ||
            (r->m->flags & STORE_MSG_RESENT))
            continue;
        for (k = i; k-- > 0;)
            if (d[k].req && d[k].method == SIP_METHOD_REGISTER && d[k].cseq == r->cseq) {
                q = &d[k];
                break;
            }
        if (!q || !q->ruri_host[0])
            continue;
        g = reg_get(w, c->to_user);
        g->call = c->id;
        if (r->status < 300) {
            if (q->expires == 0) {
                g->remove_ts = r->m->ts_ns;
            } else {
                g->ok_ts = r->m->ts_ns;
                g->ok_expires = r->expires >= 0 ? r->expires : q->expires;
            }
        } else if (r->status != 401 && r->status != 407 && r->status != 423) {
            g->fail_ts = r->m->ts_ns;
            g->fail_status = r->status;
        } else if (q->has_credentials && !r->stale) {
            g->fail_ts = r->m->ts_ns;
            g->fail_status = r->status;
        }
    }
}

void sweep_call(struct sweep *w, const struct store *s, const struct store_call *c,
                const struct dmsg *d, uint32_t n)
{
    struct scall *sc;
    uint32_t i;

    (void)s;
    if (!n)
        return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->calls = xrealloc(w->calls, w->cap * sizeof(*w->calls));
    }
    sc = &w->calls[w->n++];
    memset(sc, 0, sizeof(*sc));
    sc->id = c->id;
    sc->kind = c->kind;
    sc->ts = c->first_ts;
    sc->final = c->final_status;
    sc->ok = c->final_status >= 200 && c->final_status < 300;
    snprintf(sc->src, sizeof(sc->src), "%s", d[0].src_ip);
    snprintf(sc->dst, sizeof(sc->dst), "%s", d[0].dst_ip);
    snprintf(sc->ext, sizeof(sc->ext), "%s", c->to_user);
    snprintf(sc->ua, sizeof(sc->ua), "%s", c->user_agent ? c->user_agent : "");
    sc->scanner_ua = is_scanner_ua(sc->ua);
    for (i = 0; i < n; i++)
        if (!d[i].req && strcmp(d[i].src_ip, sc->dst) == 0)
            sc->answered_any = true;
    if (c->kind == CALL_KIND_REGISTER)
        note_register(w, c, d, n);
}

/* A finding on a call that is not the one being run (capture-wide). */
static struct diag_finding *add_on(struct diag_list *out, uint64_t call, enum diag_rule r,
                                   enum diag_sev sev, const char *facts)
{
    struct ctx x;
    struct store_call fake;

    memset(&x, 0, sizeof(x));
    memset(&fake, 0, sizeof(fake));
    fake.id = call;
    x.c = &fake;
    x.out = out;
    return diag_add(&x, r, sev, "%s", facts);
}

/* Calls ordered by a key (source or destination address), capture order
 * within a key: every pass below walks one group at a time, so a capture
 * with many sources or destinations costs n log n, not n times groups. */
struct keyed {
    const char *key;
    size_t i;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return x->i < y->i ? -1 : (x->i > y->i);
}

static struct keyed *group_by(const struct sweep *w, bool by_src)
{
    struct keyed *v = xmalloc((w->n ? w->n : 1) * sizeof(*v));
    size_t i;

    for (i = 0; i < w->n; i++) {
        v[i].key = by_src ? w->calls[i].src : w->calls[i].dst;
        v[i].i = i;
    }
    qsort(v, w->n, sizeof(*v), keyed_cmp);
    return v;
}

/* End of the group starting at g[a]. */
static size_t group_end(const struct keyed *g, size_t n, size_t a)
{
    size_t b = a + 1;

    while (b < n && strcmp(g[b].key, g[a].key) == 0)
        b++;
    return b;
}

static int id_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : (x > y);
}

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);

    /* numbers sort by value: 99 before 100 */
    if (lx != ly && x[0] >= '0' && x[0] <= '9' && y[0] >= '0' && y[0] <= '9')
        return lx < ly ? -1 : 1;
    return strcmp(x, y);
}

static void scans(struct sweep *w, struct diag_list *out)
{
    struct keyed *g = group_by(w, true);
    const char **exts = xmalloc((w->n ? w->n : 1) * sizeof(*exts));
    uint64_t *drop = NULL;
    size_t ndrop = 0, a, b, j, k;

    for (a = 0; a < w->n; a = b) {
        const struct scall *first;
        size_t ncalls, nok = 0, nreg = 0, ninv = 0, nopt = 0, nother = 0, nexts = 0;
        bool ua_hit = false;
        char facts[256], list[96];
        size_t wr;
        uint32_t codes401 = 0, codes403 = 0, codes404 = 0, silent = 0;

        b = group_end(g, w->n, a);
        ncalls = b - a;
        first = &w->calls[g[a].i];
        for (j = a; j < b; j++) {
            const struct scall *c = &w->calls[g[j].i];

            if (c->ok && c->kind == CALL_KIND_INVITE)
                nok++;
            if (c->scanner_ua)
                ua_hit = true;
            nreg += c->kind == CALL_KIND_REGISTER;
            ninv += c->kind == CALL_KIND_INVITE;
            nopt += c->kind == CALL_KIND_OPTIONS;
            nother += c->kind != CALL_KIND_REGISTER && c->kind != CALL_KIND_INVITE &&
                      c->kind != CALL_KIND_OPTIONS;
            codes401 += c->final == 401 || c->final == 407;
            codes403 += c->final == 403;
            codes404 += c->final == 404;
            silent += c->final == 0;
            exts[j - a] = c->ext;
        }
        /* without a scanner's User-Agent: REGISTER/OPTIONS probes of many
         * extensions, nothing got through, and the answers are those of a
         * probe (challenged, refused, unknown or none), not the mixed
         * refusals a failing trunk collects.  A caller whose INVITEs all
         * fail (a PBX test, a trunk down) is not taken for a scanner. */
        if (!(ua_hit && ncalls >= 3) &&
            !(ncalls >= SCAN_MIN_CALLS && nok == 0 && (nreg + nopt) * 2 >= ncalls &&
              (codes401 + codes403 + codes404 + silent) * 10 >= ncalls * 9))
            continue;
        qsort(exts, ncalls, sizeof(*exts), cmp_str);
        for (k = 0; k < ncalls; k++)
            if (k == 0 || strcmp(exts[k], exts[k - 1]) != 0)
                exts[nexts++] = exts[k];
        if (!ua_hit && nexts < SCAN_MIN_EXTS)
            continue;
        if (nexts > 1)
            snprintf(list, sizeof(list), "%s .. %s", exts[0], exts[nexts - 1]);
        else
            snprintf(list, sizeof(list), "%s", nexts ? exts[0] : "");
        wr = (size_t)snprintf(facts, sizeof(facts), "%s%s%s from %s: %zu request(s) (",
                              ua_hit ? "User-Agent \"" : "", ua_hit ? first->ua : "",
                              ua_hit ? "\"" : "", first->src, ncalls);
        if (nreg && wr < sizeof(facts))
            wr += (size_t)snprintf(facts + wr, sizeof(facts) - wr, "REGISTER %zu, ", nreg);
        if (ninv && wr < sizeof(facts))
            wr += (size_t)snprintf(facts + wr, sizeof(facts) - wr, "INVITE %zu, ", ninv);
        if (nopt && wr < sizeof(facts))
            wr += (size_t)snprintf(facts + wr, sizeof(facts) - wr, "OPTIONS %zu, ", nopt);
        if (nother && wr < sizeof(facts))
            wr += (size_t)snprintf(facts + wr, sizeof(facts) - wr, "other %zu, ", nother);
        if (wr >= 2 && wr < sizeof(facts))
            wr -= 2;
        if (wr < sizeof(facts))
            snprintf(facts + wr, sizeof(facts) - wr,
                     ") to %zu extension(s) %s; answered 401/407 %" PRIu32 ", 403 %" PRIu32
                     ", 404 %" PRIu32 ", nothing %" PRIu32 "; %zu call(s) got through",
                     nexts, list, codes401, codes403, codes404, silent, nok);
        drop = xrealloc(drop, (ndrop + ncalls) * sizeof(*drop));
        for (j = a; j < b; j++)
            drop[ndrop++] = w->calls[g[j].i].id;
        /* the scan's findings are added after the drop below */
        for (j = a; j < b; j++) {
            const struct scall *c = &w->calls[g[j].i];

            if (j == a) {
                add_on(out, c->id, DIAG_SCAN, DIAG_SEV_PROBLEM, facts);
            } else {
                char part[96];

                snprintf(part, sizeof(part), "part of the scan from %s (call %" PRIu64 ")",
                         first->src, first->id + 1);
                add_on(out, c->id, DIAG_SCAN, DIAG_SEV_INFO, part);
            }
        }
    }
    if (ndrop) {
        /* the per-call findings of the scanned calls give way to it */
        qsort(drop, ndrop, sizeof(*drop), id_cmp);
        for (a = 0, k = 0; a < out->n; a++)
            if (out->v[a].rule == DIAG_SCAN ||
                !bsearch(&out->v[a].call, drop, ndrop, sizeof(*drop), id_cmp))
                out->v[k++] = out->v[a];
        out->n = k;
    }
    free(drop);
    free(exts);
    free(g);
}

/* Callee unavailable (404/408/410/480, or no answer at all) after its
 * registration ended. */
static void lapsed(struct sweep *w, struct diag_list *out)
{
    size_t i, k;

    for (i = 0; i < w->n; i++) {
        const struct scall *c = &w->calls[i];
        struct sreg *g = NULL;
        char facts[256];
        int64_t end;

        if (c->kind != CALL_KIND_INVITE || c->ok || !c->ext[0] ||
            (c->final != 404 && c->final != 408 && c->final != 410 && c->final != 480 &&
             c->final != 0))
            continue;
        for (k = 0; k < w->nregs; k++)
            if (strcmp(w->regs[k].aor, c->ext) == 0)
                g = &w->regs[k];
        if (!g)
            continue;
        if (g->remove_ts && g->remove_ts < c->ts && g->remove_ts >= g->ok_ts)
            snprintf(facts, sizeof(facts),
                     "%s removed its registration (Expires: 0) %.1f s before this call", c->ext,
                     (double)(c->ts - g->remove_ts) / 1e9);
        else if (g->fail_ts && g->fail_ts < c->ts && g->fail_ts >= g->ok_ts)
            snprintf(facts, sizeof(facts),
                     "the registration of %s was refused (%d) %.1f s before this call%s", c->ext,
                     g->fail_status, (double)(c->ts - g->fail_ts) / 1e9,
                     g->ok_ts ? "; its earlier binding was not renewed" : "");
        else if (g->ok_ts && g->ok_expires >= 0 &&
                 (end = g->ok_ts + (int64_t)g->ok_expires * SEC) < c->ts)
            snprintf(facts, sizeof(facts),
                     "%s registered for %d s and did not refresh: the binding expired %.1f s "
                     "before this call",
                     c->ext, g->ok_expires, (double)(c->ts - end) / 1e9);
        else
            continue;
        add_on(out, c->id, DIAG_REG_LAPSED, DIAG_SEV_PROBLEM, facts);
    }
}

/* Destinations that never answered anything, over several calls. */
static void dead_destinations(struct sweep *w, struct diag_list *out)
{
    struct keyed *g = group_by(w, false);
    size_t a, b, j;

    for (a = 0; a < w->n; a = b) {
        size_t dead = 0, alive = 0;
        char facts[256];

        b = group_end(g, w->n, a);
        for (j = a; j < b; j++) {
            const struct scall *c = &w->calls[g[j].i];

            if (c->answered_any)
                alive++;
            else if (c->final == 0)
                dead++;
        }
        if (dead < DEAD_MIN_CALLS || alive)
            continue;
        snprintf(facts, sizeof(facts),
                 "%zu call(s) sent requests to %s and not one response came from it", dead,
                 g[a].key);
        for (j = a; j < b; j++) {
            const struct scall *c = &w->calls[g[j].i];

            if (!c->answered_any && c->final == 0)
                add_on(out, c->id, DIAG_DEAD_DEST, DIAG_SEV_PROBLEM, facts);
        }
    }
    free(g);
}

/* A destination that answered INVITEs, then failed every one from a
 * moment on. */
static void onsets(struct sweep *w, struct diag_list *out)
{
    struct keyed *g = group_by(w, false);
    size_t a, b, j;

    for (a = 0; a < w->n; a = b) {
        size_t ok_before = 0, fails = 0;
        const struct scall *last_ok = NULL, *first_fail = NULL;
        bool broken = false;
        char facts[256];

        b = group_end(g, w->n, a);
        /* capture order within the destination */
        for (j = a; j < b && !broken; j++) {
            const struct scall *c = &w->calls[g[j].i];

            if (c->kind != CALL_KIND_INVITE)
                continue;
            if (c->ok || c->final == 486 || c->final == 487 || c->final == 603 || c->final == 600) {
                if (fails) /* recovered: not an onset */
                    broken = true;
                ok_before++;
                last_ok = c;
            } else {
                if (!fails)
                    first_fail = c;
                fails++;
            }
        }
        if (broken || ok_before < ONSET_MIN_OK || fails < ONSET_MIN_FAILS || !last_ok)
            continue;
        snprintf(facts, sizeof(facts),
                 "%s: %zu call(s) went through until call %" PRIu64 ", then all %zu call(s) "
                 "from call %" PRIu64 " on failed (first: %u)",
                 g[a].key, ok_before, last_ok->id + 1, fails, first_fail->id + 1,
                 (unsigned)first_fail->final);
        add_on(out, first_fail->id, DIAG_TRUNK_ONSET, DIAG_SEV_WARNING, facts);
    }
    free(g);
}

void sweep_finish(struct sweep *w, struct diag_list *out)
{
    scans(w, out);
    lapsed(w, out);
    dead_destinations(w, out);
    onsets(w, out);
}
