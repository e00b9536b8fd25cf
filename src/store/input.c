/*
 * input: extracts from a parsed SIP message the few fields the store keeps
 * (struct store_input).  Pure; any thread (capture threads call it before
 * handing a message over).
 */
#include <string.h>
#include <strings.h>

#include "store.h"
#include "util.h"

static struct store_str slice(const struct sip_msg *m, struct sip_str s)
{
    struct store_str r;

    if (!SIP_STR_PRESENT(s)) {
        r.p = NULL;
        r.len = 0;
        return r;
    }
    r.p = m->buf + s.off;
    r.len = s.len;
    return r;
}

static bool content_is_sdp(const struct sip_msg *m)
{
    struct sip_str ct = m->first[SIP_HDR_CONTENT_TYPE];
    static const char sdp[] = "application/sdp";
    size_t n = sizeof(sdp) - 1;

    if (!SIP_STR_PRESENT(ct) || ct.len < n || m->body.len == 0)
        return false;
    return strncasecmp(m->buf + ct.off, sdp, n) == 0;
}

uint64_t store_session_hash(const char *v, size_t n)
{
    char u[64];
    size_t i, k = 0;
    bool nonzero = false;

    for (i = 0; i < n && (v[i] == ' ' || v[i] == '\t'); i++)
        ;
    for (; i < n && v[i] != ';' && v[i] != ' ' && v[i] != '\t'; i++) {
        unsigned char ch = (unsigned char)v[i];

        if (k == sizeof(u))
            return 0; /* a UUID is 32 hex digits: not a Session-ID */
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch - 'A' + 'a');
        if (ch != '0' && ch != '-')
            nonzero = true;
        u[k++] = (char)ch;
    }
    if (k == 0 || !nonzero) /* RFC 7989 s. 7: the null UUID names no session */
        return 0;
    return hash_bytes(u, k) | 1; /* never 0 */
}

void store_input_from(struct store_input *in, const struct cap_payload *p, const struct sip_msg *m)
{
    struct sip_str user, tag, branch;

    memset(in, 0, sizeof(*in));
    in->source = p->source;
    in->frame = p->frame;
    in->ts_ns = p->ts_ns;
    in->src = p->src;
    in->dst = p->dst;
    in->transport = p->transport;
    in->bytes = m->buf;
    in->len = m->len;
    in->file_off =
        p->file_off >= 0 ? p->file_off + (int64_t)((const uint8_t *)m->buf - p->data) : -1;
    in->hep_agent = p->hep_agent;
    in->is_request = m->is_request;
    in->method = m->method;
    in->method_str = slice(m, m->method_str);
    in->status = m->status;
    in->reason = slice(m, m->reason);
    in->cseq = m->cseq_num;
    in->has_cseq = SIP_STR_PRESENT(m->first[SIP_HDR_CSEQ]) && !(m->problems & SIP_BAD_CSEQ);
    in->cseq_method = m->cseq_method;
    in->cseq_method_str = slice(m, m->cseq_method_str);
    in->cseq_raw = slice(m, m->first[SIP_HDR_CSEQ]);
    in->call_id = slice(m, m->first[SIP_HDR_CALL_ID]);
    /* Hashed here, on the capture thread, so the store thread can prefetch
     * the index slot before it needs it. */
    in->call_id_hash = hash_bytes(in->call_id.p ? in->call_id.p : "", in->call_id.len);
    /* The sip module's fast paths: the same slices as sip_parse_nameaddr()
     * and sip_parse_via(), at a fraction of the cost on common values. */
    if (SIP_STR_PRESENT(m->first[SIP_HDR_FROM]) &&
        sip_nameaddr_user_tag(m, m->first[SIP_HDR_FROM], &user, &tag) == 0) {
        in->from_user = slice(m, user);
        in->from_tag = slice(m, tag);
    }
    if (SIP_STR_PRESENT(m->first[SIP_HDR_TO]) &&
        sip_nameaddr_user_tag(m, m->first[SIP_HDR_TO], &user, &tag) == 0) {
        in->to_user = slice(m, user);
        in->to_tag = slice(m, tag);
    }
    if (sip_top_via_branch(m, &branch) == 0)
        in->branch = slice(m, branch);
    if (in->branch.p) /* for the store's transaction lookup, off its thread */
        in->branch_hash = hash_bytes(in->branch.p, in->branch.len);
    in->xcall_id = slice(m, m->first[SIP_HDR_X_CALL_ID]);
    if (SIP_STR_PRESENT(m->first[SIP_HDR_SESSION_ID]))
        in->session_hash = store_session_hash(m->buf + m->first[SIP_HDR_SESSION_ID].off,
                                              m->first[SIP_HDR_SESSION_ID].len);
    in->user_agent = slice(m, m->first[SIP_HDR_USER_AGENT]);
    in->has_sdp = content_is_sdp(m);
    for (size_t k = 0; k < p->nlayers; k++)
        if (p->layers[k] == CAP_L_IPV4_FRAG || p->layers[k] == CAP_L_IPV6_FRAG)
            in->ip_fragmented = true;
    in->hdrs_known = true;
    in->has_reason_or_warning = m->nfound[SIP_HDR_REASON] || m->nfound[SIP_HDR_WARNING];
    in->has_credentials =
        m->nfound[SIP_HDR_AUTHORIZATION] || m->nfound[SIP_HDR_PROXY_AUTHORIZATION];
    /* On the capture side, so a listing need not read each final response
     * again for its "Q.850 34 ..." note (a pread and a parse per call). */
    in->q850_only =
        (int16_t)(in->has_reason_or_warning ? sip_reason_q850_only(m) : SIP_REASON_NONE);
    in->problems = m->problems;
}
