/*
 * reg_table: registrations per address of record, from the REGISTER
 * transactions of a store.
 *
 * Every REGISTER transaction (branch + CSeq, retransmissions folded in) is
 * one event; events are replayed in time order per AOR.  An attempt starts
 * with a REGISTER that does not continue one answered 401/407 (digest
 * challenge, RFC 3261 §22) or 423 (Min-Expires, RFC 3261 §10.3 step 7)
 * less than REG_RETRY_NS earlier; its outcome is the final response of its
 * last REGISTER.  So 401 -> REGISTER with credentials -> 200 is one
 * successful attempt, 401 -> 403 one failed attempt (403), and a 401 never
 * answered is a failed attempt (401).  A REGISTER seen on two hops (same
 * Call-ID and CSeq, another branch) counts once, by its first hop.
 *
 * Thread: the store's owner.  The report owns copies of everything.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"
#include "store.h"
#include "util.h"

#define REG_RETRY_NS (64LL * 1000000000LL) /* 64*T1: a retry comes well before */

static const char *const state_names[] = {
    [REG_STATE_PENDING] = "PENDING", [REG_STATE_REGISTERED] = "REGISTERED",
    [REG_STATE_EXPIRED] = "EXPIRED", [REG_STATE_DEREGISTERED] = "DEREGISTERED",
    [REG_STATE_FAILED] = "FAILED",
};

const char *reg_state_name(enum reg_state s)
{
    return (unsigned)s <= REG_STATE_FAILED ? state_names[s] : "?";
}

/* One REGISTER transaction, located in the store. */
struct ev {
    size_t call; /* index in the store */
    uint32_t txn;
    int64_t ts;
};

/* Per-AOR replay state beside the entry. */
struct aor {
    struct reg_entry e;
    bool chain_open; /* last REGISTER was answered 401/407/423 */
    bool pending;    /* last REGISTER had no final answer */
    uint16_t chain_status;
    char *chain_reason; /* owned */
    int64_t chain_ts;
    bool has_last; /* the last REGISTER replayed: its dialog and CSeq */
    size_t last_call;
    uint32_t last_cseq;
};

struct builder {
    const struct store *s;
    struct aor *v;
    size_t n, cap;
    size_t *index; /* open addressing: slot -> aor index + 1 (0 empty) */
    size_t icap;
    struct strbuf req_bytes, resp_bytes;
    int rc;
};

static int ev_cmp(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->call != y->call)
        return x->call < y->call ? -1 : 1;
    return x->txn < y->txn ? -1 : (x->txn > y->txn);
}

static char *dup_slice(const struct sip_msg *m, struct sip_str s)
{
    return xstrndup(sip_str_ptr(m, s), s.len);
}

static int64_t parse_secs(const struct sip_msg *m, struct sip_str s)
{
    const char *p = sip_str_ptr(m, s);
    int64_t v = 0;
    size_t i;

    if (!s.len)
        return -1;
    for (i = 0; i < s.len && p[i] >= '0' && p[i] <= '9'; i++) {
        if (v < 1000000000000LL)
            v = v * 10 + (p[i] - '0');
    }
    return i ? v : -1;
}

/* "user@host" of the To URI (host lowercased), into out. */
static void aor_of(const struct sip_msg *m, struct strbuf *out)
{
    struct sip_nameaddr na;
    size_t i;

    sb_reset(out);
    if (!SIP_STR_PRESENT(m->first[SIP_HDR_TO]) ||
        sip_parse_nameaddr(m, m->first[SIP_HDR_TO], &na) != 0) {
        sb_puts(out, "?");
        return;
    }
    if (na.uri.user.len) {
        sb_append(out, sip_str_ptr(m, na.uri.user), na.uri.user.len);
        sb_putc(out, '@');
    }
    for (i = 0; i < na.uri.host.len; i++) {
        char c = sip_str_ptr(m, na.uri.host)[i];
        sb_putc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
    }
    if (!out->len)
        sb_puts(out, "?");
}

static size_t slot_of(const struct builder *b, const char *aor)
{
    return (size_t)hash_bytes(aor, strlen(aor)) & (b->icap - 1);
}

static struct aor *aor_get(struct builder *b, const char *name)
{
    size_t h, i;

    if (b->icap) {
        for (h = slot_of(b, name); b->index[h]; h = (h + 1) & (b->icap - 1)) {
            if (strcmp(b->v[b->index[h] - 1].e.aor, name) == 0)
                return &b->v[b->index[h] - 1];
        }
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
    }
    if ((b->n + 1) * 2 > b->icap) {
        size_t ncap = b->icap ? b->icap * 2 : 64;

        free(b->index);
        b->index = xcalloc(ncap, sizeof(*b->index));
        b->icap = ncap;
        for (i = 0; i < b->n; i++) {
            for (h = slot_of(b, b->v[i].e.aor); b->index[h]; h = (h + 1) & (b->icap - 1))
                ;
            b->index[h] = i + 1;
        }
    }
    memset(&b->v[b->n], 0, sizeof(b->v[b->n]));
    b->v[b->n].e.aor = xstrdup(name);
    b->v[b->n].e.user_agent = xstrdup("");
    b->v[b->n].e.last_reason = xstrdup("");
    b->v[b->n].e.granted = -1;
    for (h = slot_of(b, name); b->index[h]; h = (h + 1) & (b->icap - 1))
        ;
    b->index[h] = b->n + 1;
    return &b->v[b->n++];
}

static void set_str(char **dst, char *v)
{
    free(*dst);
    *dst = v;
}

static void add_failure(struct reg_entry *e, uint16_t status, const char *reason)
{
    size_t i;

    e->failed++;
    for (i = 0; i < e->nfails; i++) {
        if (e->fails[i].status == status) {
            e->fails[i].count++;
            return;
        }
    }
    e->fails = xrealloc(e->fails, (e->nfails + 1) * sizeof(*e->fails));
    e->fails[e->nfails].status = status;
    e->fails[e->nfails].reason = xstrdup(reason ? reason : "");
    e->fails[e->nfails].count = 1;
    e->nfails++;
}

/* Contacts of m into e (replacing what was there). */
static void take_contacts(struct reg_entry *e, const struct sip_msg *m)
{
    size_t st = 0, i;
    struct sip_str v;

    for (i = 0; i < e->ncontacts; i++)
        free(e->contacts[i].uri);
    e->ncontacts = e->contacts_total = 0;
    while (sip_hdr_values(m, SIP_HDR_CONTACT, &st, &v)) {
        struct sip_nameaddr na;
        struct sip_str ex;
        struct reg_contact *c;

        e->contacts_total++;
        if (e->ncontacts == REG_MAX_CONTACTS)
            continue;
        c = &e->contacts[e->ncontacts++];
        if (v.len == 1 && *sip_str_ptr(m, v) == '*') {
            c->uri = xstrdup("*");
            c->expires = -1;
            continue;
        }
        if (sip_parse_nameaddr(m, v, &na) != 0) {
            c->uri = dup_slice(m, v);
            c->expires = -1;
            continue;
        }
        c->uri = dup_slice(m, na.uri_str);
        c->expires = sip_param(m, na.params, "expires", &ex) ? parse_secs(m, ex) : -1;
    }
}

/* Is this REGISTER request a removal (RFC 3261 §10.2.2): Contact: *, or
 * every contact with expires 0 (its parameter, else the Expires header)? */
static bool is_dereg(const struct sip_msg *m)
{
    size_t st = 0, n = 0;
    struct sip_str v;
    int64_t hdr =
        SIP_STR_PRESENT(m->first[SIP_HDR_EXPIRES]) ? parse_secs(m, m->first[SIP_HDR_EXPIRES]) : -1;

    while (sip_hdr_values(m, SIP_HDR_CONTACT, &st, &v)) {
        struct sip_nameaddr na;
        struct sip_str ex;
        int64_t x = hdr;

        n++;
        if (v.len == 1 && *sip_str_ptr(m, v) == '*')
            return true;
        if (sip_parse_nameaddr(m, v, &na) == 0 && sip_param(m, na.params, "expires", &ex))
            x = parse_secs(m, ex);
        if (x != 0)
            return false;
    }
    return n > 0;
}

/* Seconds the registrar granted: the 2xx's Contact matching the request's
 * contact (RFC 3261 §10.3 step 8 lists every binding with its expires),
 * else the only Contact, else the 2xx's Expires, else what was asked. */
static int64_t granted_of(const struct sip_msg *req, const struct sip_msg *resp)
{
    struct sip_nameaddr rq, na;
    struct sip_str v, ex, want = {0, 0};
    size_t st = 0, n = 0;
    int64_t only = -1, match = -1;

    if (req && SIP_STR_PRESENT(req->first[SIP_HDR_CONTACT]) &&
        sip_parse_nameaddr(req, req->first[SIP_HDR_CONTACT], &rq) == 0)
        want = rq.uri_str;
    while (resp && sip_hdr_values(resp, SIP_HDR_CONTACT, &st, &v)) {
        int64_t x;

        if (sip_parse_nameaddr(resp, v, &na) != 0)
            continue;
        n++;
        x = sip_param(resp, na.params, "expires", &ex) ? parse_secs(resp, ex) : -1;
        if (x < 0 && SIP_STR_PRESENT(resp->first[SIP_HDR_EXPIRES]))
            x = parse_secs(resp, resp->first[SIP_HDR_EXPIRES]);
        only = x;
        if (want.len && na.uri_str.len == want.len &&
            memcmp(sip_str_ptr(resp, na.uri_str), sip_str_ptr(req, want), want.len) == 0)
            match = x;
    }
    if (match >= 0)
        return match;
    if (n == 1 && only >= 0)
        return only;
    if (resp && SIP_STR_PRESENT(resp->first[SIP_HDR_EXPIRES]))
        return parse_secs(resp, resp->first[SIP_HDR_EXPIRES]);
    if (req) {
        if (SIP_STR_PRESENT(req->first[SIP_HDR_CONTACT]) &&
            sip_parse_nameaddr(req, req->first[SIP_HDR_CONTACT], &rq) == 0 &&
            sip_param(req, rq.params, "expires", &ex))
            return parse_secs(req, ex);
        if (SIP_STR_PRESENT(req->first[SIP_HDR_EXPIRES]))
            return parse_secs(req, req->first[SIP_HDR_EXPIRES]);
    }
    return -1;
}

/* Ends an attempt left waiting for a retry after a 401/407/423. */
static void close_chain(struct aor *a)
{
    if (!a->chain_open)
        return;
    add_failure(&a->e, a->chain_status, a->chain_reason);
    a->e.state = REG_STATE_FAILED;
    a->chain_open = false;
}

static bool is_retryable(uint16_t st)
{
    return st == 401 || st == 407 || st == 423;
}

static void replay(struct builder *b, const struct ev *ev)
{
    const struct store_call *c = store_call_at(b->s, ev->call);
    const struct store_txn *t = &c->txns[ev->txn];
    const struct store_msg *rq = NULL, *rs = NULL;
    struct sip_msg req, resp;
    bool have_req = false, have_resp = false;
    struct strbuf name;
    struct aor *a;
    struct reg_entry *e;
    uint32_t i;
    uint16_t status = t->final_status;

    for (i = 0; i < c->nmsgs; i++) {
        const struct store_msg *m = &c->msgs[i];

        if (m->txn != ev->txn)
            continue;
        if ((m->flags & STORE_MSG_REQUEST) && !rq && m->method == SIP_METHOD_REGISTER)
            rq = m;
        else if (!(m->flags & STORE_MSG_REQUEST) && status && m->status == status && !rs)
            rs = m;
    }
    if (rq) {
        have_req = store_msg_parse(b->s, rq, &b->req_bytes, &req) == 0;
        if (!have_req)
            b->rc = -1;
    }
    if (rs) {
        have_resp = store_msg_parse(b->s, rs, &b->resp_bytes, &resp) == 0;
        if (!have_resp)
            b->rc = -1;
    }
    if (!have_req && !have_resp)
        goto done;
    sb_init(&name);
    aor_of(have_req ? &req : &resp, &name);
    a = aor_get(b, name.s);
    sb_fini(&name);
    e = &a->e;

    /* The same REGISTER again on another hop (a proxy forwards it with the
     * same Call-ID and CSeq, RFC 3261 §16.6): one request, not two. */
    if (a->has_last && a->last_call == ev->call && a->last_cseq == t->cseq)
        goto done;
    a->has_last = true;
    a->last_call = ev->call;
    a->last_cseq = t->cseq;

    /* A REGISTER left unanswered before this one failed (no response). */
    if (a->pending) {
        add_failure(e, 0, "no response");
        a->pending = false;
    }
    /* A new attempt unless this continues a recent challenge / 423. */
    if (a->chain_open && ev->ts - a->chain_ts > REG_RETRY_NS)
        close_chain(a);
    if (a->chain_open) {
        if (a->chain_status == 423)
            e->interval_retries++;
        else
            e->challenges++;
        a->chain_open = false;
    } else {
        e->attempts++;
    }
    e->requests++;
    if (!e->first_seen || ev->ts < e->first_seen)
        e->first_seen = ev->ts;
    if (rs && rs->ts_ns > e->last_seen)
        e->last_seen = rs->ts_ns;
    if (ev->ts > e->last_seen)
        e->last_seen = ev->ts;

    if (have_req) {
        char ep[64];
        struct sip_via via;

        cap_addr_format(store_endpoint(b->s, rq->src_ep), true, ep, sizeof(ep));
        set_str(&e->source, xstrdup(ep));
        if (SIP_STR_PRESENT(req.first[SIP_HDR_USER_AGENT]))
            set_str(&e->user_agent, dup_slice(&req, req.first[SIP_HDR_USER_AGENT]));
        if (SIP_STR_PRESENT(req.first[SIP_HDR_VIA]) &&
            sip_parse_via(&req, req.first[SIP_HDR_VIA], &via) == 0 && via.transport.len)
            set_str(&e->transport, dup_slice(&req, via.transport));
        else
            set_str(&e->transport, xstrdup(cap_transport_name((enum cap_transport)rq->transport)));
        set_str(&e->call_id, xstrndup(c->call_id, c->call_id_len));
        if (!e->ncontacts || status < 200 || status >= 300)
            take_contacts(e, &req);
    } else if (!e->call_id) {
        set_str(&e->call_id, xstrndup(c->call_id, c->call_id_len));
    }
    e->last_status = status;
    set_str(&e->last_reason, have_resp ? dup_slice(&resp, resp.reason) : xstrdup(""));
    e->last_ts = rs ? rs->ts_ns : ev->ts;

    if (status == 0) {
        /* No answer (yet): pending; failed once the capture moved on. */
        e->state = REG_STATE_PENDING;
        a->pending = true;
    } else if (is_retryable(status)) {
        a->chain_open = true;
        a->chain_status = status;
        set_str(&a->chain_reason, xstrdup(e->last_reason));
        a->chain_ts = e->last_ts;
        e->state = REG_STATE_PENDING;
    } else if (status >= 200 && status < 300) {
        bool dereg = have_req && is_dereg(&req);

        e->successes++;
        if (have_resp)
            take_contacts(e, &resp);
        if (dereg) {
            e->deregs++;
            e->deregistered = true;
            e->granted = 0;
            e->expires_at = 0;
            e->state = REG_STATE_DEREGISTERED;
        } else {
            e->deregistered = false;
            e->granted = granted_of(have_req ? &req : NULL, have_resp ? &resp : NULL);
            e->expires_at = e->granted >= 0 ? e->last_ts + e->granted * 1000000000LL : 0;
            e->state = REG_STATE_REGISTERED;
        }
    } else {
        add_failure(e, status, e->last_reason);
        e->state = REG_STATE_FAILED;
    }
done:
    /* store_msg_parse leaves a message defined whether or not it read */
    if (rq)
        sip_msg_fini(&req);
    if (rs)
        sip_msg_fini(&resp);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct reg_entry *)a)->aor, ((const struct reg_entry *)b)->aor);
}

int stats_registrations(const struct store *s, stats_call_pred keep, void *ctx,
                        struct reg_report *out)
{
    struct builder b;
    struct ev *evs = NULL;
    size_t nev = 0, cap = 0, i, ncalls = store_ncalls(s);
    uint32_t t;

    memset(out, 0, sizeof(*out));
    memset(&b, 0, sizeof(b));
    b.s = s;
    sb_init(&b.req_bytes);
    sb_init(&b.resp_bytes);
    for (i = 0; i < ncalls; i++) {
        const struct store_call *c = store_call_at(s, i);

        if (c->nmsgs && c->last_ts > out->capture_end)
            out->capture_end = c->last_ts;
        if (keep && !keep(ctx, c))
            continue;
        for (t = 0; t < c->ntxns && t < 0xffff; t++) {
            const struct store_txn *x = &c->txns[t];

            if (x->method != SIP_METHOD_REGISTER)
                continue;
            if (nev == cap) {
                cap = cap ? cap * 2 : 64;
                evs = xrealloc(evs, cap * sizeof(*evs));
            }
            evs[nev].call = i;
            evs[nev].txn = t;
            evs[nev].ts = x->req_ts ? x->req_ts : (x->final_ts ? x->final_ts : x->first_resp_ts);
            nev++;
        }
    }
    out->registers = nev;
    if (nev)
        qsort(evs, nev, sizeof(*evs), ev_cmp);
    for (i = 0; i < nev; i++)
        replay(&b, &evs[i]);
    free(evs);
    sb_fini(&b.req_bytes);
    sb_fini(&b.resp_bytes);
    free(b.index);

    out->v = xcalloc(b.n ? b.n : 1, sizeof(*out->v));
    for (i = 0; i < b.n; i++) {
        struct aor *a = &b.v[i];
        struct reg_entry *e = &a->e;

        /* A challenge never answered is a failed attempt; a REGISTER with
         * no answer at all is one too unless it is the capture's tail. */
        close_chain(a);
        free(a->chain_reason);
        if (a->pending && out->capture_end - e->last_ts > REG_RETRY_NS) {
            add_failure(e, 0, "no response");
            e->state = REG_STATE_FAILED;
        }
        if (e->state == REG_STATE_REGISTERED && e->expires_at && e->expires_at <= out->capture_end)
            e->state = REG_STATE_EXPIRED;
        if (!e->source)
            e->source = xstrdup("");
        if (!e->transport)
            e->transport = xstrdup("");
        if (!e->call_id)
            e->call_id = xstrdup("");
        out->v[i] = *e;
    }
    out->n = b.n;
    free(b.v);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
    return b.rc;
}

void stats_reg_fini(struct reg_report *r)
{
    size_t i, j;

    if (!r)
        return;
    for (i = 0; i < r->n; i++) {
        struct reg_entry *e = &r->v[i];

        free(e->aor);
        free(e->source);
        free(e->user_agent);
        free(e->transport);
        free(e->call_id);
        free(e->last_reason);
        for (j = 0; j < e->ncontacts; j++)
            free(e->contacts[j].uri);
        for (j = 0; j < e->nfails; j++)
            free(e->fails[j].reason);
        free(e->fails);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}
