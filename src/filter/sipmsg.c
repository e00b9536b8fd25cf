/*
 * filter/sipmsg: a filter subject over one parsed SIP message plus the facts
 * the bytes do not carry (number, time, addresses, transport, call state).
 *
 * This is what the store uses when a filter needs headers or the body
 * (FILTER_NEEDS_HEADERS / _BODY): it re-reads and parses the message and
 * evaluates against it.  Values point into the message bytes (no copies);
 * SDP fields parse the body on demand (sdp_parse allocates its media array,
 * freed before returning).  Borrowed pointers only; whichever thread owns
 * the message and the filter.
 */
#include "filter.h"

#include <string.h>

#include "sip.h"
#include "util.h"

struct emitter {
    filter_emit_fn emit;
    void *ectx;
};

static bool put_str(const struct emitter *e, const char *s, size_t n)
{
    struct filter_value v;

    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_STR;
    v.s = s;
    v.len = n;
    return e->emit(e->ectx, &v);
}

static bool put_slice(const struct emitter *e, const struct sip_msg *m, struct sip_str s)
{
    if (!SIP_STR_PRESENT(s))
        return false;
    return put_str(e, sip_str_ptr(m, s), s.len);
}

static bool put_int(const struct emitter *e, enum filter_vtype type, int64_t i)
{
    struct filter_value v;

    memset(&v, 0, sizeof(v));
    v.type = type;
    v.i = i;
    return e->emit(e->ectx, &v);
}

static bool put_addr(const struct emitter *e, const struct filter_addr *a)
{
    struct filter_value v;

    if (a->family != 4 && a->family != 6)
        return false;
    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_ADDR;
    v.addr = *a;
    return e->emit(e->ectx, &v);
}

enum uri_part {
    PART_URI,
    PART_USER,
    PART_HOST,
    PART_TAG
};

/* One name-addr value (From, To, Contact, PAI): emits the asked part. */
static bool put_nameaddr(const struct emitter *e, const struct sip_msg *m, struct sip_str s,
                         enum uri_part part)
{
    struct sip_nameaddr na;

    if (!SIP_STR_PRESENT(s) || sip_parse_nameaddr(m, s, &na) < 0)
        return false;
    switch (part) {
    case PART_URI:
        return put_slice(e, m, na.uri_str);
    case PART_USER:
        return put_slice(e, m, na.uri.user);
    case PART_HOST:
        return put_slice(e, m, na.uri.host);
    case PART_TAG:
        return put_slice(e, m, na.tag);
    }
    return false;
}

/* Every value of a comma-list header (Contact, Via, PAI). */
static bool put_list(const struct emitter *e, const struct sip_msg *m, enum sip_hdr_id id, int part)
{
    size_t st = 0;
    struct sip_str v;

    while (sip_hdr_values(m, id, &st, &v)) {
        if (part < 0 ? put_slice(e, m, v) : put_nameaddr(e, m, v, (enum uri_part)part))
            return true;
    }
    return false;
}

static bool put_ruri(const struct emitter *e, const struct sip_msg *m, enum uri_part part)
{
    struct sip_uri u;

    if (!m->is_request || !SIP_STR_PRESENT(m->ruri))
        return false;
    if (part == PART_URI)
        return put_slice(e, m, m->ruri);
    if (sip_parse_uri(m, m->ruri, &u) < 0)
        return false;
    return put_slice(e, m, part == PART_USER ? u.user : u.host);
}

/* Whole values of every header line named `key` (not split at commas, so
 * "Allow" contains "INVITE, ACK" works as in Wireshark). */
static bool put_header(const struct emitter *e, const struct sip_msg *m, const char *key)
{
    size_t n = key ? strlen(key) : 0, i;
    enum sip_hdr_id id = sip_hdr_lookup(key ? key : "", n);

    if (!n)
        return false;
    for (i = 0; i < m->nhdrs; i++) {
        const struct sip_hdr *h = &m->hdrs[i];
        bool same = id != SIP_HDR_OTHER ? h->id == id
                                        : (h->id == SIP_HDR_OTHER && h->name.len == n &&
                                           mem_ieq(sip_str_ptr(m, h->name), n, key));

        if (same && put_str(e, sip_str_ptr(m, h->value), h->value.len))
            return true;
    }
    return false;
}

static bool put_sdp(const struct emitter *e, const struct sip_msg *m, enum filter_field f)
{
    struct sdp sdp;
    struct filter_addr a;
    bool stop = false;
    int i, k, j;

    if (!SIP_STR_PRESENT(m->body) || m->body.len == 0)
        return false;
    memset(&sdp, 0, sizeof(sdp));
    if (sdp_parse(m, m->body, &sdp) < 0) {
        sdp_fini(&sdp);
        return false;
    }
    if (f == FILTER_F_SDP_CONN && SIP_STR_PRESENT(sdp.conn) &&
        filter_addr_parse(sip_str_ptr(m, sdp.conn), sdp.conn.len, &a) == 0)
        stop = put_addr(e, &a);
    for (i = 0; i < sdp.nmedia && !stop; i++) {
        const struct sdp_media *md = &sdp.media[i];

        switch (f) {
        case FILTER_F_SDP_MEDIA:
            stop = put_slice(e, m, md->type);
            break;
        case FILTER_F_SDP_PORT:
            stop = put_int(e, FILTER_V_INT, md->port);
            break;
        case FILTER_F_SDP_CONN:
            if (SIP_STR_PRESENT(md->conn) &&
                filter_addr_parse(sip_str_ptr(m, md->conn), md->conn.len, &a) == 0)
                stop = put_addr(e, &a);
            break;
        case FILTER_F_SDP_CODEC:
            for (k = 0; k < md->npts && !stop; k++) {
                const char *name = NULL;

                for (j = 0; j < md->nmaps; j++)
                    if (md->maps[j].pt == md->pts[k])
                        break;
                if (j < md->nmaps)
                    stop = put_slice(e, m, md->maps[j].encoding);
                else if ((name = sdp_static_pt_name(md->pts[k])) != NULL)
                    stop = put_str(e, name, strlen(name));
            }
            break;
        default:
            break;
        }
    }
    sdp_fini(&sdp);
    return stop;
}

static void msg_values(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                       void *ectx)
{
    const struct filter_msg_subject *ms = ctx;
    const struct sip_msg *m = ms->msg;
    const struct filter_msg_meta *mt = ms->meta;
    struct emitter e = {emit, ectx};

    switch (field) {
    case FILTER_F_NUMBER:
        if (mt)
            put_int(&e, FILTER_V_INT, (int64_t)mt->number);
        return;
    case FILTER_F_TIMESTAMP:
        if (mt && mt->ts_ns)
            put_int(&e, FILTER_V_TIME, mt->ts_ns);
        return;
    case FILTER_F_SRC:
    case FILTER_F_DST:
        if (mt)
            put_addr(&e, field == FILTER_F_SRC ? &mt->src : &mt->dst);
        return;
    case FILTER_F_SRC_PORT:
    case FILTER_F_DST_PORT:
        if (mt && (field == FILTER_F_SRC_PORT ? mt->src.port : mt->dst.port))
            put_int(&e, FILTER_V_INT, field == FILTER_F_SRC_PORT ? mt->src.port : mt->dst.port);
        return;
    case FILTER_F_TRANSPORT:
        if (mt && mt->transport)
            put_str(&e, mt->transport, strlen(mt->transport));
        return;
    case FILTER_F_RESENT:
        if (mt && mt->resent >= 0)
            put_int(&e, FILTER_V_INT, mt->resent);
        return;
    case FILTER_F_HEP_AGENT:
        if (mt && mt->hep_agent)
            put_str(&e, mt->hep_agent, strlen(mt->hep_agent));
        return;
    case FILTER_F_CALL_STATE:
        if (mt && mt->has_call && mt->call_state)
            put_str(&e, mt->call_state, strlen(mt->call_state));
        return;
    case FILTER_F_CALL_DURATION:
        if (mt && mt->has_call)
            put_int(&e, FILTER_V_TIME, mt->call_duration_ns);
        return;
    case FILTER_F_CALL_FAILED:
        if (mt && mt->has_call)
            put_int(&e, FILTER_V_INT, mt->call_failed);
        return;
    default:
        break;
    }
    if (!m)
        return;
    switch (field) {
    case FILTER_F_METHOD:
        if (m->is_request)
            put_slice(&e, m, m->method_str);
        return;
    case FILTER_F_CALL_ID:
        put_slice(&e, m, m->first[SIP_HDR_CALL_ID]);
        return;
    case FILTER_F_STATUS:
        if (!m->is_request)
            put_int(&e, FILTER_V_INT, m->status);
        return;
    case FILTER_F_REASON:
        if (!m->is_request)
            put_str(&e, SIP_STR_PRESENT(m->reason) ? sip_str_ptr(m, m->reason) : "", m->reason.len);
        return;
    case FILTER_F_CSEQ_METHOD:
        put_slice(&e, m, m->cseq_method_str);
        return;
    case FILTER_F_CSEQ_SEQ:
        if (SIP_STR_PRESENT(m->first[SIP_HDR_CSEQ]) && !(m->problems & SIP_BAD_CSEQ))
            put_int(&e, FILTER_V_INT, m->cseq_num);
        return;
    case FILTER_F_FROM:
    case FILTER_F_FROM_USER:
    case FILTER_F_FROM_HOST:
    case FILTER_F_FROM_TAG:
        put_nameaddr(&e, m, m->first[SIP_HDR_FROM], (enum uri_part)(field - FILTER_F_FROM));
        return;
    case FILTER_F_TO:
    case FILTER_F_TO_USER:
    case FILTER_F_TO_HOST:
    case FILTER_F_TO_TAG:
        put_nameaddr(&e, m, m->first[SIP_HDR_TO], (enum uri_part)(field - FILTER_F_TO));
        return;
    case FILTER_F_RURI:
    case FILTER_F_RURI_USER:
    case FILTER_F_RURI_HOST:
        put_ruri(&e, m, (enum uri_part)(field - FILTER_F_RURI));
        return;
    case FILTER_F_CONTACT:
    case FILTER_F_CONTACT_USER:
    case FILTER_F_CONTACT_HOST:
        put_list(&e, m, SIP_HDR_CONTACT, (int)(field - FILTER_F_CONTACT));
        return;
    case FILTER_F_VIA:
        put_list(&e, m, SIP_HDR_VIA, -1);
        return;
    case FILTER_F_USER_AGENT:
        put_header(&e, m, "User-Agent");
        return;
    case FILTER_F_HEADER:
        put_header(&e, m, key);
        return;
    case FILTER_F_BODY:
        if (SIP_STR_PRESENT(m->body) && m->body.len > 0)
            put_slice(&e, m, m->body);
        return;
    case FILTER_F_SDP_MEDIA:
    case FILTER_F_SDP_CODEC:
    case FILTER_F_SDP_CONN:
    case FILTER_F_SDP_PORT:
        put_sdp(&e, m, field);
        return;
    case FILTER_F_EXT:
        if (put_nameaddr(&e, m, m->first[SIP_HDR_FROM], PART_USER) ||
            put_nameaddr(&e, m, m->first[SIP_HDR_TO], PART_USER) || put_ruri(&e, m, PART_USER) ||
            put_list(&e, m, SIP_HDR_CONTACT, PART_USER))
            return;
        put_list(&e, m, SIP_HDR_P_ASSERTED_IDENTITY, PART_USER);
        return;
    default:
        return;
    }
}

void filter_subject_msg(struct filter_subject *s, struct filter_msg_subject *ms,
                        const struct sip_msg *msg, const struct filter_msg_meta *meta)
{
    ms->msg = msg;
    ms->meta = meta;
    s->ctx = ms;
    s->values = msg_values;
}
