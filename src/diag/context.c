/*
 * context: how a response reads in its flow (a 401 answered with
 * credentials that then succeed is normal; one whose retry fails or never
 * comes is the failure; 487 after the caller's CANCEL; 481 to a late
 * duplicate), and the Reason (Q.850) / Warning headers of a response
 * explained from the kb.
 *
 * Runs on the store's owner thread (it re-reads message bytes), or on
 * --list's helper threads once the store is complete: a re-read is a pread
 * into the caller's own buffer, and the kb is read-only.  Nothing is kept
 * between calls.
 */
#include <stdlib.h>
#include <string.h>

#include "diag_int.h"
#include "kb.h"
#include "sip.h"
#include "util.h"

uint32_t diag_call_final_msg(const struct store_call *c)
{
    uint32_t i = c->nmsgs;

    if (!c->final_status)
        return UINT32_MAX;
    while (i-- > 0) {
        const struct store_msg *m = &c->msgs[i];

        if (!(m->flags & STORE_MSG_REQUEST) && m->status == c->final_status &&
            (!c->initial_cseq_set || m->cseq >= c->initial_cseq) &&
            m->cseq_method != SIP_METHOD_ACK && m->cseq_method != SIP_METHOD_CANCEL &&
            m->cseq_method != SIP_METHOD_BYE)
            return i;
    }
    return UINT32_MAX;
}

static bool msg_has_credentials(const struct store *s, const struct store_msg *m)
{
    struct strbuf b;
    struct sip_msg pm;
    bool yes = false;

    if (m->flags & STORE_MSG_HDRS_KNOWN) /* seen at ingest: no re-read */
        return (m->flags & STORE_MSG_CREDENTIALS) != 0;
    sb_init(&b);
    if (store_msg_parse(s, m, &b, &pm) == 0)
        yes = pm.nfound[SIP_HDR_AUTHORIZATION] > 0 || pm.nfound[SIP_HDR_PROXY_AUTHORIZATION] > 0;
    sip_msg_fini(&pm);
    sb_fini(&b);
    return yes;
}

static enum diag_ctx challenge_context(const struct store *s, const struct store_call *c,
                                       uint32_t i)
{
    const struct store_msg *r = &c->msgs[i];
    uint32_t k, j;

    for (k = i + 1; k < c->nmsgs; k++) {
        const struct store_msg *q = &c->msgs[k];

        if (!(q->flags & STORE_MSG_REQUEST) || q->method != r->cseq_method || q->cseq <= r->cseq ||
            (q->flags & STORE_MSG_RESENT))
            continue;
        if (!msg_has_credentials(s, q))
            return DIAG_CTX_FAILURE; /* the next attempt came without credentials */
        for (j = k + 1; j < c->nmsgs; j++) {
            const struct store_msg *a = &c->msgs[j];

            if ((a->flags & STORE_MSG_REQUEST) || a->cseq != q->cseq ||
                a->cseq_method != q->method || a->status < 200)
                continue;
            if (a->status < 300)
                return DIAG_CTX_NORMAL;
            if (a->status == 401 || a->status == 407)
                return challenge_context(s, c, j); /* e.g. stale nonce, then success */
            return DIAG_CTX_FAILURE;
        }
        return DIAG_CTX_PLAIN; /* the retry's answer is not in the capture */
    }
    return DIAG_CTX_FAILURE; /* no retry */
}

enum diag_ctx diag_response_context(const struct store *s, const struct store_call *c, uint32_t i)
{
    const struct store_msg *r;
    uint32_t k;

    if (!c || i >= c->nmsgs)
        return DIAG_CTX_PLAIN;
    r = &c->msgs[i];
    if (r->flags & STORE_MSG_REQUEST)
        return DIAG_CTX_PLAIN;
    switch (r->status) {
    case 401:
    case 407:
        return challenge_context(s, c, i);
    case 487:
        /* Normal when the INVITE was cancelled before it. */
        for (k = 0; k < i; k++)
            if ((c->msgs[k].flags & STORE_MSG_REQUEST) && c->msgs[k].method == SIP_METHOD_CANCEL &&
                c->msgs[k].cseq == r->cseq)
                return DIAG_CTX_NORMAL;
        return DIAG_CTX_PLAIN;
    case 481:
        /* A late duplicate: the same request had already been answered with a
         * final response, or a CANCEL came after the INVITE's final response,
         * or a BYE crossed the other side's BYE. */
        for (k = 0; k < i; k++) {
            const struct store_msg *p = &c->msgs[k];

            if (p->flags & STORE_MSG_REQUEST) {
                if (r->cseq_method == SIP_METHOD_BYE && p->method == SIP_METHOD_BYE &&
                    p->src_ep == r->src_ep)
                    return DIAG_CTX_NORMAL; /* BYEs crossed */
                continue;
            }
            if (p->status < 200)
                continue;
            if (p->cseq == r->cseq && p->cseq_method == r->cseq_method)
                return DIAG_CTX_NORMAL;
            if (r->cseq_method == SIP_METHOD_CANCEL && p->cseq == r->cseq &&
                p->cseq_method == SIP_METHOD_INVITE)
                return DIAG_CTX_NORMAL;
        }
        return DIAG_CTX_PLAIN;
    default:
        return DIAG_CTX_PLAIN;
    }
}

/* Walks the Reason and Warning headers of a parsed response. */
typedef void (*extra_fn)(const struct kb *kb, const struct sip_msg *m, bool is_q850, int code,
                         struct sip_str text, struct strbuf *out, int *n);

static int walk_extras(const struct kb *kb, const char *bytes, size_t len, struct strbuf *out,
                       extra_fn fn)
{
    struct sip_msg m;
    struct sip_str v;
    size_t st = 0;
    int n = 0, guard = 0;

    if (!bytes || sip_parse(bytes, len, &m) != 0) {
        if (bytes)
            sip_msg_fini(&m);
        return 0;
    }
    while (sip_hdr_values(&m, SIP_HDR_REASON, &st, &v) && guard++ < 8) {
        struct sip_reason r;
        const char *p;

        if (sip_parse_reason(&m, v, &r) != 0 || r.cause < 0)
            continue;
        p = sip_str_ptr(&m, r.protocol);
        if (r.protocol.len != 5 || strncasecmp(p, "Q.850", 5) != 0)
            continue;
        fn(kb, &m, true, r.cause, r.text, out, &n);
    }
    st = 0;
    guard = 0;
    while (sip_hdr_values(&m, SIP_HDR_WARNING, &st, &v) && guard++ < 8) {
        struct sip_warning w;

        if (sip_parse_warning(&m, v, &w) != 0)
            continue;
        fn(kb, &m, false, w.code, w.text, out, &n);
    }
    sip_msg_fini(&m);
    return n;
}

void diag_q850_note(const struct kb *kb, int cause, struct strbuf *out)
{
    const struct kb_entry *e = kb ? kb_lookup_q850(kb, cause) : NULL;

    sb_printf(out, "Q.850 %d", cause);
    if (e) {
        sb_putc(out, ' ');
        sb_append_escaped(out, e->short_text, strlen(e->short_text));
    }
}

static void extra_text(const struct kb *kb, const struct sip_msg *m, bool is_q850, int code,
                       struct sip_str text, struct strbuf *out, int *n)
{
    const struct kb_entry *e;

    if (*n)
        sb_puts(out, "; ");
    if (is_q850) {
        diag_q850_note(kb, code, out);
        (*n)++;
        return;
    }
    e = kb ? kb_lookup_warning(kb, code) : NULL;
    sb_printf(out, "Warning %d", code);
    if (e) {
        sb_putc(out, ' ');
        sb_append_escaped(out, e->short_text, strlen(e->short_text));
    }
    if (!is_q850 && text.len) {
        sb_puts(out, " \"");
        sb_append_escaped(out, sip_str_ptr(m, text), text.len > 80 ? 80 : text.len);
        sb_putc(out, '"');
    }
    (*n)++;
}

int diag_response_extras(const struct kb *kb, const char *bytes, size_t len, struct strbuf *out)
{
    return walk_extras(kb, bytes, len, out, extra_text);
}

static void extra_json(const struct kb *kb, const struct sip_msg *m, bool is_q850, int code,
                       struct sip_str text, struct strbuf *out, int *n)
{
    const struct kb_entry *e = !kb       ? NULL
                               : is_q850 ? kb_lookup_q850(kb, code)
                                         : kb_lookup_warning(kb, code);

    /* First Reason and first Warning only: one JSON key each. */
    if ((is_q850 && (*n & 1)) || (!is_q850 && (*n & 2)))
        return;
    *n |= is_q850 ? 1 : 2;
    sb_puts(out, is_q850 ? ",\"q850\":{\"cause\":" : ",\"warning\":{\"code\":");
    sb_printf(out, "%d", code);
    sb_puts(out, ",\"text\":");
    sb_append_json(out, sip_str_ptr(m, text), text.len);
    if (e) {
        sb_puts(out, ",\"title\":");
        sb_append_json(out, e->title, strlen(e->title));
        sb_puts(out, ",\"short\":");
        sb_append_json(out, e->short_text, strlen(e->short_text));
        sb_puts(out, ",\"meaning\":");
        sb_append_json(out, e->meaning, strlen(e->meaning));
    } else { /* a code the knowledge base does not know */
        sb_puts(out, ",\"title\":null,\"short\":null,\"meaning\":null");
    }
    sb_putc(out, '}');
}

void diag_response_extras_json(const struct kb *kb, const char *bytes, size_t len,
                               struct strbuf *out)
{
    int seen = walk_extras(kb, bytes, len, out, extra_json);

    /* Both keys always, null when the response has none (docs/json.md). */
    if (!(seen & 1))
        sb_puts(out, ",\"q850\":null");
    if (!(seen & 2))
        sb_puts(out, ",\"warning\":null");
}
