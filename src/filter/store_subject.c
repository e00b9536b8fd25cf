/*
 * filter/store_subject: a filter subject over one message kept in the store,
 * with its call (the call.* fields).  This is how every output filters: the
 * batch outputs (-Y), the console's call list and ladder, and --match.
 *
 * Index first: the fields the store keeps per message (number, time,
 * addresses, ports, transport, method, status, CSeq, Call-ID, From/To user
 * when the index knows it) are answered from the store_msg without touching
 * the message bytes; the first field that needs more makes the subject read
 * the bytes (or use the ones the caller passed), parse them once, and answer
 * that and every later field from the parsed message (filter/sipmsg.c).  So
 * a filter on indexed fields costs no I/O and no parsing.
 *
 * Borrowed pointers only; the scratch strbuf is the caller's.  Runs on the
 * thread that owns the store and the filter (the UI / main thread).
 */
#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"
#include "legs.h"
#include "sip.h"
#include "store.h"
#include "util.h"

struct store_subj {
    const struct store *st;
    const struct store_call *c;
    const struct store_msg *m;
    const char *bytes; /* the caller's copy of the message bytes, or NULL */
    size_t len;
    struct strbuf *scratch;
    bool has_meta;  /* meta filled (lazily: indexed fields do not need it) */
    char agent[16]; /* meta.hep_agent's text */
    int parsed;     /* 0 not yet, 1 ok, -1 failed */
    struct sip_msg msg;
    struct filter_msg_meta meta;
    struct filter_msg_subject ms;
    struct filter_subject inner;
    const struct legs *legs; /* borrowed from the filter, or NULL */
};

static void addr_of(const struct cap_addr *a, struct filter_addr *f)
{
    memset(f, 0, sizeof(*f));
    if (!a)
        return;
    f->family = a->family;
    memcpy(f->ip, a->ip, sizeof(f->ip));
    f->port = a->port;
}

int64_t filter_call_duration(const struct store_call *c)
{
    if (!c->answer_ts)
        return 0;
    return (c->end_ts > c->answer_ts ? c->end_ts : c->last_ts) - c->answer_ts;
}

bool filter_call_failed(const struct store_call *c)
{
    return c->state == CALL_STATE_FAILED || c->state == CALL_STATE_REJECTED ||
           c->state == CALL_STATE_ERROR || c->state == CALL_STATE_BUSY ||
           c->state == CALL_STATE_UNANSWERED;
}

static void fill_meta(struct store_subj *ss)
{
    const struct store_msg *m = ss->m;
    const struct store_call *c = ss->c;

    if (ss->has_meta)
        return;
    ss->has_meta = true;
    memset(&ss->meta, 0, sizeof(ss->meta));
    ss->meta.number = m->frame;
    ss->meta.ts_ns = m->ts_ns;
    addr_of(store_endpoint(ss->st, m->src_ep), &ss->meta.src);
    addr_of(store_endpoint(ss->st, m->dst_ep), &ss->meta.dst);
    ss->meta.transport = cap_transport_name((enum cap_transport)m->transport);
    ss->meta.resent = (m->flags & STORE_MSG_RESENT) != 0;
    if (m->hep_agent) {
        snprintf(ss->agent, sizeof(ss->agent), "%u", (unsigned)m->hep_agent);
        ss->meta.hep_agent = ss->agent;
    }
    if (c) {
        ss->meta.has_call = true;
        ss->meta.call_state = call_state_name(c->state);
        ss->meta.call_duration_ns = filter_call_duration(c);
        ss->meta.call_failed = filter_call_failed(c);
    }
}

/* Parses the message bytes once; false when they cannot be had. */
static bool ensure_parsed(struct store_subj *ss)
{
    if (ss->parsed)
        return ss->parsed > 0;
    ss->parsed = -1;
    fill_meta(ss);
    if (!ss->bytes) {
        int rc = store_msg_parse(ss->st, ss->m, ss->scratch, &ss->msg);

        ss->bytes = ss->scratch->s;
        ss->len = ss->scratch->len;
        if (rc != 0) {
            sip_msg_fini(&ss->msg);
            return false;
        }
    } else if (sip_parse(ss->bytes, ss->len, &ss->msg) != 0) { /* bytes handed in */
        sip_msg_fini(&ss->msg);
        return false;
    }
    ss->parsed = 1;
    filter_subject_msg(&ss->inner, &ss->ms, &ss->msg, &ss->meta);
    return true;
}

static bool emit_str(filter_emit_fn emit, void *ectx, const char *s, size_t n)
{
    struct filter_value v;

    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_STR;
    v.s = s;
    v.len = n;
    return emit(ectx, &v);
}

static bool emit_int(filter_emit_fn emit, void *ectx, int64_t i)
{
    struct filter_value v;

    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_INT;
    v.i = i;
    return emit(ectx, &v);
}

/* From/To user from the index: 1 answered, 0 the bytes must say. */
static int index_user(const struct store_subj *ss, bool from, filter_emit_fn emit, void *ectx)
{
    const struct store_call *c = ss->c;
    const char *u;

    if (!c || !(ss->m->flags & (STORE_MSG_FT_CALL | STORE_MSG_FT_SWAP)))
        return 0;
    if (ss->m->flags & STORE_MSG_FT_SWAP)
        from = !from;
    u = from ? c->from_user : c->to_user;
    if (!*u)
        return 0; /* "" may be an absent user part: let the parser decide */
    emit_str(emit, ectx, u, strlen(u));
    return 1;
}

/* call.legs and call.leg_of, from the legs the filter was given. */
static void legs_values(struct store_subj *ss, enum filter_field field, filter_emit_fn emit,
                        void *ectx)
{
    struct legs_member mem[64];
    size_t n, i;

    if (!ss->c || !ss->legs)
        return;
    n = legs_members(ss->legs, ss->c->id, mem, 64);
    if (field == FILTER_F_CALL_LEGS) {
        emit_int(emit, ectx, (int64_t)n);
        return;
    }
    if (emit_str(emit, ectx, ss->c->call_id, ss->c->call_id_len))
        return; /* seen enough */
    for (i = 0; i < n && i < 64; i++) {
        const struct store_call *o = store_call_get(ss->st, mem[i].link.peer);

        if (o && emit_str(emit, ectx, o->call_id, o->call_id_len))
            return;
    }
}

static void store_values(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                         void *ectx)
{
    struct store_subj *ss = ctx;
    const struct store_msg *m = ss->m;
    bool req = (m->flags & STORE_MSG_REQUEST) != 0;
    const char *name;

    if (field == FILTER_F_CALL_LEGS || field == FILTER_F_CALL_LEG_OF) {
        legs_values(ss, field, emit, ectx);
        return;
    }

    if (ss->parsed > 0) {
        ss->inner.values(ss->inner.ctx, field, key, emit, ectx);
        return;
    }
    switch (field) {
    case FILTER_F_NUMBER:
    case FILTER_F_TIMESTAMP:
    case FILTER_F_SRC:
    case FILTER_F_DST:
    case FILTER_F_SRC_PORT:
    case FILTER_F_DST_PORT:
    case FILTER_F_TRANSPORT:
    case FILTER_F_RESENT:
    case FILTER_F_CALL_STATE:
    case FILTER_F_CALL_DURATION:
    case FILTER_F_CALL_FAILED:
    case FILTER_F_HEP_AGENT: {
        /* Meta-only fields: answered by sipmsg.c without a message. */
        struct filter_msg_subject ms;
        struct filter_subject s;

        fill_meta(ss);
        filter_subject_msg(&s, &ms, NULL, &ss->meta);
        s.values(s.ctx, field, key, emit, ectx);
        return;
    }
    case FILTER_F_METHOD:
        if (!req)
            return;
        name = sip_method_name((enum sip_method)m->method);
        if (m->method != SIP_METHOD_UNKNOWN && name && *name) {
            emit_str(emit, ectx, name, strlen(name));
            return;
        }
        break;
    case FILTER_F_STATUS:
        if (!req)
            emit_int(emit, ectx, m->status);
        return;
    case FILTER_F_CSEQ_METHOD:
        name = sip_method_name((enum sip_method)m->cseq_method);
        if (m->cseq_method != SIP_METHOD_UNKNOWN && name && *name) {
            emit_str(emit, ectx, name, strlen(name));
            return;
        }
        break;
    case FILTER_F_CALL_ID:
        /* Every message of a call carries its Call-ID ("" = none). */
        if (ss->c && ss->c->call_id_len) {
            emit_str(emit, ectx, ss->c->call_id, ss->c->call_id_len);
            return;
        }
        break;
    case FILTER_F_FROM_USER:
    case FILTER_F_TO_USER:
        if (index_user(ss, field == FILTER_F_FROM_USER, emit, ectx))
            return;
        break;
    default:
        break;
    }
    if (ensure_parsed(ss))
        ss->inner.values(ss->inner.ctx, field, key, emit, ectx);
}

bool filter_match_stored(const struct filter *f, const struct store *st, const struct store_call *c,
                         const struct store_msg *m, const char *bytes, size_t len,
                         struct strbuf *scratch)
{
    struct store_subj ss;
    struct filter_subject s;
    bool ok;

    if (!f)
        return true;
    ss.st = st;
    ss.c = c;
    ss.m = m;
    ss.bytes = bytes;
    ss.len = len;
    ss.scratch = scratch;
    ss.parsed = 0;
    ss.has_meta = false;
    ss.legs = f->legs;
    s.ctx = &ss;
    s.values = store_values;
    ok = filter_match(f, &s);
    if (ss.parsed > 0)
        sip_msg_fini(&ss.msg);
    return ok;
}

bool filter_match_call(const struct filter *f, const struct store *st, const struct store_call *c,
                       struct strbuf *scratch)
{
    uint32_t i;

    if (!f)
        return true;
    for (i = 0; i < c->nmsgs; i++)
        if (filter_match_stored(f, st, c, &c->msgs[i], NULL, 0, scratch))
            return true;
    return false;
}

bool filter_store_match(void *ctx, const struct store *st, const struct store_call *c,
                        const struct store_input *in)
{
    struct filter_store_matcher *fm = ctx;
    uint32_t i;

    if (!fm || !fm->f)
        return true;
    if (filter_match_stored(fm->f, st, c, &c->msgs[c->nmsgs - 1], in->bytes, in->len, fm->scratch))
        return true;
    /* call.* fields change with every message: what did not match earlier
     * may match now.  Only then are the older messages read again. */
    if (!(filter_needs(fm->f) & FILTER_NEEDS_CALL))
        return false;
    for (i = 0; i + 1 < c->nmsgs; i++)
        if (filter_match_stored(fm->f, st, c, &c->msgs[i], NULL, 0, fm->scratch))
            return true;
    return false;
}

struct filter_store_matcher *filter_store_matcher_new(const struct filter *f)
{
    struct filter_store_matcher *fm = xcalloc(1, sizeof(*fm));

    fm->f = f;
    fm->scratch = xcalloc(1, sizeof(*fm->scratch));
    sb_init(fm->scratch);
    return fm;
}

void filter_store_matcher_free(struct filter_store_matcher *fm)
{
    if (!fm)
        return;
    sb_fini(fm->scratch);
    free(fm->scratch);
    free(fm);
}

void filter_set_legs(struct filter *f, const struct legs *l)
{
    if (f)
        f->legs = l;
}
