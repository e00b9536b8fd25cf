/*
 * sipstat: the counts `tshark -q -z sip,stat` prints (messages, resent,
 * per status code, per request method, setup time) and their text in
 * tshark's layout.  Counted either message by message as the engine
 * delivers them (--stats), or afterwards from a whole store (the console's
 * Statistics view); both give the same figures.
 * Thread: the caller's (the store's owner for the store functions).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* Reason phrases of the registered codes (RFC 3261 §21 and the IANA
 * registry), for the summary lines: the wire's phrase varies by vendor. */
static const struct {
    int code;
    const char *phrase;
} phrases[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {199, "Early Dialog Terminated"},
    {200, "OK"},
    {202, "Accepted"},
    {204, "No Notification"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {412, "Conditional Request Failed"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {417, "Unknown Resource-Priority"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {422, "Session Interval Too Small"},
    {423, "Interval Too Brief"},
    {424, "Bad Location Information"},
    {425, "Bad Alert Message"},
    {428, "Use Identity Header"},
    {429, "Provide Referrer Identity"},
    {430, "Flow Failed"},
    {433, "Anonymity Disallowed"},
    {436, "Bad Identity-Info"},
    {437, "Unsupported Certificate"},
    {438, "Invalid Identity Header"},
    {439, "First Hop Lacks Outbound Support"},
    {440, "Max-Breadth Exceeded"},
    {469, "Bad Info Package"},
    {470, "Consent Needed"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {489, "Bad Event"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {494, "Security Agreement Required"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {555, "Push Notification Service Not Supported"},
    {580, "Precondition Failure"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
    {607, "Unwanted"},
    {608, "Rejected"},
};

const char *stats_std_phrase(int code)
{
    size_t i;

    for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
        if (phrases[i].code == code)
            return phrases[i].phrase;
    return "Unknown";
}

void stats_sipstat_init(struct sipstat *st)
{
    memset(st, 0, sizeof(*st));
}

void stats_sipstat_fini(struct sipstat *st)
{
    free(st->methods);
    memset(st, 0, sizeof(*st));
}

void stats_sipstat_add(struct sipstat *st, bool is_request, uint16_t status, const char *method,
                       size_t mlen, bool resent)
{
    size_t i, n;

    st->messages++;
    if (resent)
        st->resent++;
    if (!is_request) {
        if (status < 700) {
            if (st->status[status]++ == 0)
                st->status_order[st->nstatus++] = status;
        }
        return;
    }
    /* Methods by their exact text: "REGIStER" is not "REGISTER". */
    n = mlen < sizeof(st->methods[0].name) - 1 ? mlen : sizeof(st->methods[0].name) - 1;
    for (i = 0; i < st->nmethods; i++) {
        if (strlen(st->methods[i].name) == n && memcmp(st->methods[i].name, method, n) == 0) {
            st->methods[i].n++;
            return;
        }
    }
    st->methods = xrealloc(st->methods, (st->nmethods + 1) * sizeof(*st->methods));
    memcpy(st->methods[st->nmethods].name, method, n);
    st->methods[st->nmethods].name[n] = '\0';
    st->methods[st->nmethods++].n = 1;
}

/* tshark 4.0's setup time (its "Average setup time"): an ACK sent over
 * UDP, back to the latest request sent before it the same way (same
 * source and destination, retransmissions left aside) with the ACK's CSeq
 * number: the INVITE, or the CANCEL of a cancelled call (PRACKs and
 * UPDATEs in between have their own numbers).  Milliseconds kept in 32 bits as tshark keeps them,
 * and a time of 0 ms left out of the count, min and max as tshark leaves it. tshark finds no time
 * over TCP, TLS or SCTP (it tracks requests only for UDP's retransmissions), so neither does this.
 */
static int64_t tshark_setup_ms(const struct store_call *c, uint32_t j)
{
    const struct store_msg *a = &c->msgs[j];
    int64_t ms;
    uint32_t k;

    if (a->transport != CAP_TRANSPORT_UDP)
        return 0;
    for (k = j; k-- > 0;) {
        const struct store_msg *m = &c->msgs[k];

        if (!(m->flags & STORE_MSG_REQUEST) || (m->flags & STORE_MSG_RESENT) ||
            m->method == SIP_METHOD_ACK || m->src_ep != a->src_ep || m->dst_ep != a->dst_ep ||
            m->cseq != a->cseq)
            continue;
        /* Whole seconds apart, then the nanoseconds apart truncated
         * toward zero, as tshark subtracts: 10.999 s to 13.507 s is 2508
         * ms, not the 2507 that truncating the whole difference gives. */
        ms = (a->ts_ns / 1000000000 - m->ts_ns / 1000000000) * 1000 +
             (a->ts_ns % 1000000000 - m->ts_ns % 1000000000) / 1000000;
        return (int64_t)(uint32_t)ms;
    }
    return 0;
}

void stats_setup_times(const struct store *s, stats_call_pred keep, void *ctx, struct sipstat *st)
{
    size_t i, n = store_ncalls(s), cnt = 0;
    int64_t sum = 0;

    st->setup_avg = st->setup_min = st->setup_max = 0;
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(s, i);
        uint32_t j;

        if (keep && !keep(ctx, c))
            continue;
        for (j = 0; j < c->nmsgs; j++) {
            int64_t t;

            if (!(c->msgs[j].flags & STORE_MSG_REQUEST) || c->msgs[j].method != SIP_METHOD_ACK)
                continue;
            t = tshark_setup_ms(c, j);
            if (t <= 0)
                continue;
            if (cnt == 0 || t < st->setup_min)
                st->setup_min = t;
            if (cnt == 0 || t > st->setup_max)
                st->setup_max = t;
            sum += t;
            cnt++;
        }
    }
    if (cnt)
        st->setup_avg = sum / (int64_t)cnt;
}

/* A message's place in the capture. */
struct pos {
    int64_t ts;
    uint64_t frame;
    size_t call;
    uint32_t msg;
};

static int pos_cmp(const void *a, const void *b)
{
    const struct pos *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    if (x->call != y->call)
        return x->call < y->call ? -1 : 1;
    return x->msg < y->msg ? -1 : (x->msg > y->msg);
}

int stats_sipstat_from_store(const struct store *s, struct sipstat *out)
{
    struct pos *v;
    struct strbuf tmp;
    size_t i, n = 0, ncalls = store_ncalls(s);
    int rc = 0;

    stats_sipstat_init(out);
    for (i = 0; i < ncalls; i++)
        n += store_call_at(s, i)->nmsgs;
    v = xmalloc((n ? n : 1) * sizeof(*v));
    n = 0;
    for (i = 0; i < ncalls; i++) {
        const struct store_call *c = store_call_at(s, i);
        uint32_t j;

        for (j = 0; j < c->nmsgs; j++) {
            v[n].ts = c->msgs[j].ts_ns;
            v[n].frame = c->msgs[j].frame;
            v[n].call = i;
            v[n++].msg = j;
        }
    }
    /* capture order, so codes and methods come in order of first appearance */
    qsort(v, n, sizeof(*v), pos_cmp);
    sb_init(&tmp);
    for (i = 0; i < n; i++) {
        const struct store_msg *m = &store_call_at(s, v[i].call)->msgs[v[i].msg];
        bool resent = (m->flags & STORE_MSG_RESENT) != 0;
        struct sip_msg sm;

        if (!(m->flags & STORE_MSG_REQUEST)) {
            stats_sipstat_add(out, false, m->status, NULL, 0, resent);
        } else if (m->method != SIP_METHOD_UNKNOWN) {
            const char *name = sip_method_name((enum sip_method)m->method);

            stats_sipstat_add(out, true, 0, name, strlen(name), resent);
        } else {
            /* an extension or odd-case method: its exact text from the bytes */
            if (store_msg_parse(s, m, &tmp, &sm) == 0) {
                stats_sipstat_add(out, true, 0, sip_str_ptr(&sm, sm.method_str), sm.method_str.len,
                                  resent);
            } else {
                stats_sipstat_add(out, true, 0, "?", 1, resent);
                rc = -1;
            }
            sip_msg_fini(&sm);
        }
    }
    sb_fini(&tmp);
    free(v);
    stats_setup_times(s, NULL, NULL, out);
    return rc;
}

void stats_sipstat_text(const struct sipstat *st, struct strbuf *b)
{
    size_t k, i;

    sb_puts(b, "\n===================================================================\n");
    sb_puts(b, "SIP Statistics\n\n");
    sb_printf(b, "Number of SIP messages: %" PRIu64 "\n", st->messages);
    sb_printf(b, "Number of resent SIP messages: %" PRIu64 "\n\n", st->resent);
    sb_puts(b, "* SIP Status Codes in reply packets\n");
    for (k = 0; k < (size_t)st->nstatus; k++) {
        int code = st->status_order[k];

        sb_printf(b, "  SIP %3d %-15s : %5" PRIu64 " Packets\n", code, stats_std_phrase(code),
                  st->status[code]);
    }
    sb_puts(b, "\n* List of SIP Request methods\n");
    for (k = 0; k < st->nmethods; k++) {
        sb_puts(b, "  ");
        sb_append_escaped(b, st->methods[k].name, strlen(st->methods[k].name));
        for (i = strlen(st->methods[k].name); i < 15; i++)
            sb_putc(b, ' ');
        sb_printf(b, " : %5" PRIu64 " Packets\n", st->methods[k].n);
    }
    sb_printf(b,
              "\n* Average setup time %" PRId64 " ms\n Min %" PRId64 " ms\n Max %" PRId64 " ms\n",
              st->setup_avg, st->setup_min, st->setup_max);
    sb_puts(b, "===================================================================\n");
}
