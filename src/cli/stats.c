/*
 * stats: `--stats`, the counts that `tshark -q -z sip,stat` prints
 * (messages, resent, per status code, per request method) in the same
 * layout, so the two can be compared line by line.  Counted while the
 * store takes each message.  After tshark's block come the call KPIs
 * (ASR, ACD, PDD, NER, SER overall and per destination) and the response
 * codes by frequency with their meaning, from the stats module.
 * Main thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "filter.h"
#include "stats.h"

/* Reason phrases of the registered codes (RFC 3261 §21 and the IANA
 * registry), for the summary lines: the wire's phrase varies by vendor. */
static const struct {
    int code;
    const char *phrase;
} phrases[] = {
    {100, "Trying"}, {180, "Ringing"}, {181, "Call Is Being Forwarded"}, {182, "Queued"},
    {183, "Session Progress"}, {199, "Early Dialog Terminated"}, {200, "OK"},
    {202, "Accepted"}, {204, "No Notification"}, {300, "Multiple Choices"},
    {301, "Moved Permanently"}, {302, "Moved Temporarily"}, {305, "Use Proxy"},
    {380, "Alternative Service"}, {400, "Bad Request"}, {401, "Unauthorized"},
    {402, "Payment Required"}, {403, "Forbidden"}, {404, "Not Found"},
    {405, "Method Not Allowed"}, {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {410, "Gone"},
    {412, "Conditional Request Failed"}, {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"}, {417, "Unknown Resource-Priority"},
    {420, "Bad Extension"}, {421, "Extension Required"},
    {422, "Session Interval Too Small"}, {423, "Interval Too Brief"},
    {424, "Bad Location Information"}, {425, "Bad Alert Message"},
    {428, "Use Identity Header"}, {429, "Provide Referrer Identity"},
    {430, "Flow Failed"}, {433, "Anonymity Disallowed"}, {436, "Bad Identity-Info"},
    {437, "Unsupported Certificate"}, {438, "Invalid Identity Header"},
    {439, "First Hop Lacks Outbound Support"}, {440, "Max-Breadth Exceeded"},
    {469, "Bad Info Package"}, {470, "Consent Needed"},
    {480, "Temporarily Unavailable"}, {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"}, {483, "Too Many Hops"}, {484, "Address Incomplete"},
    {485, "Ambiguous"}, {486, "Busy Here"}, {487, "Request Terminated"},
    {488, "Not Acceptable Here"}, {489, "Bad Event"}, {491, "Request Pending"},
    {493, "Undecipherable"}, {494, "Security Agreement Required"},
    {500, "Server Internal Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Server Time-out"}, {505, "Version Not Supported"},
    {513, "Message Too Large"}, {555, "Push Notification Service Not Supported"},
    {580, "Precondition Failure"}, {600, "Busy Everywhere"}, {603, "Decline"},
    {604, "Does Not Exist Anywhere"}, {606, "Not Acceptable"}, {607, "Unwanted"},
    {608, "Rejected"},
};

static const char *phrase_of(int code)
{
    size_t i;

    for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
        if (phrases[i].code == code)
            return phrases[i].phrase;
    return "Unknown";
}

struct method_count {
    char name[32];
    uint64_t n;
};

struct stats_ctx {
    uint64_t messages, resent;
    uint64_t status[700];
    int status_order[700]; /* codes in order of first appearance */
    int nstatus;
    struct method_count *methods;
    size_t nmethods;
    const struct filter *filter; /* -Y: count matching messages only */
    struct store *store;         /* borrowed, for the filter */
    struct strbuf scratch;
};

static void on_msg(void *vctx, const struct store_input *m, const struct store_call *c,
                   const struct store_msg *msg)
{
    struct stats_ctx *st = vctx;
    size_t i, n;

    if (st->filter &&
        !filter_match_stored(st->filter, st->store, c, msg, m->bytes, m->len, &st->scratch))
        return;
    st->messages++;
    if (msg->flags & STORE_MSG_RESENT)
        st->resent++;
    if (!m->is_request) {
        if (m->status < 700) {
            if (st->status[m->status]++ == 0)
                st->status_order[st->nstatus++] = m->status;
        }
        return;
    }
    /* Methods by their exact text: "REGIStER" is not "REGISTER". */
    n = m->method_str.len < 31 ? m->method_str.len : 31;
    for (i = 0; i < st->nmethods; i++) {
        if (strlen(st->methods[i].name) == n && memcmp(st->methods[i].name, m->method_str.p, n) == 0) {
            st->methods[i].n++;
            return;
        }
    }
    st->methods = xrealloc(st->methods, (st->nmethods + 1) * sizeof(*st->methods));
    memcpy(st->methods[st->nmethods].name, m->method_str.p, n);
    st->methods[st->nmethods].name[n] = '\0';
    st->methods[st->nmethods++].n = 1;
}

/* Setup time of answered INVITE calls: first INVITE to the 2xx. */
static void setup_times(struct stats_ctx *st, const struct store *s, int64_t *avg, int64_t *min,
                        int64_t *max)
{
    size_t i, n = store_ncalls(s), cnt = 0;
    int64_t sum = 0;

    *avg = *min = *max = 0;
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(s, i);
        int64_t t;

        if (!c->answer_ts || !c->invite_ts)
            continue;
        if (st->filter && !filter_match_call(st->filter, s, c, &st->scratch))
            continue;
        t = (c->answer_ts - c->invite_ts) / 1000000;
        if (cnt == 0 || t < *min)
            *min = t;
        if (cnt == 0 || t > *max)
            *max = t;
        sum += t;
        cnt++;
    }
    if (cnt)
        *avg = sum / (int64_t)cnt;
}

/* -Y: the KPIs take the calls the filter matches. */
static bool keep_call(void *vctx, const struct store_call *c)
{
    struct stats_ctx *st = vctx;

    return filter_match_call(st->filter, st->store, c, &st->scratch);
}

static void json_kpi(struct strbuf *b, const struct kpi *k)
{
    double v[6] = {kpi_asr(k), kpi_ner(k), kpi_ser(k), kpi_acd_s(k), kpi_pdd_ms(k),
                   kpi_fpdd_ms(k)};
    const char *names[6] = {"asr", "ner", "ser", "acd_s", "pdd_ms", "failed_pdd_ms"};
    int i;

    sb_putc(b, '{');
    cli_json_int(b, "attempts", k->attempts, true);
    cli_json_int(b, "answered", k->answered, false);
    cli_json_int(b, "redirected", k->redirected, false);
    cli_json_int(b, "ner_ok", k->ner_ok, false);
    cli_json_int(b, "no_final", k->no_final, false);
    cli_json_int(b, "acd_calls", k->acd_n, false);
    cli_json_int(b, "answered_without_bye", k->answered_open, false);
    cli_json_int(b, "pdd_calls", k->pdd_n, false);
    cli_json_int(b, "failed_pdd_calls", k->fpdd_n, false);
    for (i = 0; i < 6; i++) {
        if (v[i] < 0) {
            sb_printf(b, ",\"%s\":null", names[i]);
        } else {
            cli_json_num(b, names[i], v[i], 3, false);
        }
    }
    sb_putc(b, '}');
}

static void json_kpi_report(struct strbuf *b, const struct kpi_report *r, const struct kb *kb)
{
    size_t i;

    sb_puts(b, ",\"kpi\":");
    json_kpi(b, &r->all);
    sb_puts(b, ",\"destinations\":[");
    for (i = 0; i < r->ndests; i++) {
        sb_puts(b, i ? ",{" : "{");
        cli_json_str(b, "destination", r->dests[i].name, strlen(r->dests[i].name), true);
        cli_json_str(b, "by", r->dests[i].by_ip ? "ip" : "ruri", r->dests[i].by_ip ? 2 : 4, false);
        sb_puts(b, ",\"kpi\":");
        json_kpi(b, &r->dests[i].k);
        sb_putc(b, '}');
    }
    sb_puts(b, "],\"codes\":[");
    for (i = 0; i < r->ncodes; i++) {
        const char *m = stats_code_meaning(kb, r->codes[i].code, r->codes[i].reason);

        sb_puts(b, i ? ",{" : "{");
        cli_json_int(b, "code", r->codes[i].code, true);
        cli_json_str(b, "reason", r->codes[i].reason, strlen(r->codes[i].reason), false);
        cli_json_int(b, "count", (long long)r->codes[i].count, false);
        cli_json_str(b, "meaning", m, strlen(m), false);
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
}

int cli_stats(const struct config *cfg)
{
    struct stats_ctx st;
    struct kpi_report kr;
    struct kb *kb;
    struct store *s;
    struct strbuf b;
    int64_t avg, min, max;
    int rc, i;
    size_t k;

    memset(&st, 0, sizeof(st));
    st.filter = cfg->filter;
    sb_init(&st.scratch);
    s = st.store = cli_store_new(cfg);
    rc = cli_run(cfg, s, on_msg, &st);
    if (rc == 2) { /* a live source could not be opened: nothing to show */
        free(st.methods);
        sb_fini(&st.scratch);
        store_free(s);
        return 2;
    }
    kb = cli_kb(cfg);
    if (stats_kpi(s, st.filter ? keep_call : NULL, &st, &kr) != 0) {
        fputs("sipdx: some responses could not be re-read from the capture\n", cfg->err);
        rc = 1;
    }
    sb_init(&b);
    if (cfg->json) {
        sb_printf(&b, "{\"messages\":%" PRIu64 ",\"resent\":%" PRIu64 ",\"status\":{", st.messages,
                  st.resent);
        for (i = 0; i < st.nstatus; i++)
            sb_printf(&b, "%s\"%d\":%" PRIu64, i ? "," : "", st.status_order[i],
                      st.status[st.status_order[i]]);
        sb_puts(&b, "},\"methods\":{");
        for (k = 0; k < st.nmethods; k++) {
            if (k)
                sb_putc(&b, ',');
            sb_append_json(&b, st.methods[k].name, strlen(st.methods[k].name));
            sb_printf(&b, ":%" PRIu64, st.methods[k].n);
        }
        setup_times(&st, s, &avg, &min, &max);
        sb_printf(&b, "},\"setup_ms\":{\"avg\":%" PRId64 ",\"min\":%" PRId64 ",\"max\":%" PRId64
                      "}",
                  avg, min, max);
        json_kpi_report(&b, &kr, kb);
        sb_puts(&b, "}\n");
    } else {
        sb_puts(&b, "\n===================================================================\n");
        sb_puts(&b, "SIP Statistics\n\n");
        sb_printf(&b, "Number of SIP messages: %" PRIu64 "\n", st.messages);
        sb_printf(&b, "Number of resent SIP messages: %" PRIu64 "\n\n", st.resent);
        sb_puts(&b, "* SIP Status Codes in reply packets\n");
        for (i = 0; i < st.nstatus; i++) {
            int code = st.status_order[i];

            sb_printf(&b, "  SIP %3d %-15s : %5" PRIu64 " Packets\n", code, phrase_of(code),
                      st.status[code]);
        }
        sb_puts(&b, "\n* List of SIP Request methods\n");
        for (k = 0; k < st.nmethods; k++) {
            sb_puts(&b, "  ");
            sb_append_escaped(&b, st.methods[k].name, strlen(st.methods[k].name));
            for (i = (int)strlen(st.methods[k].name); i < 15; i++)
                sb_putc(&b, ' ');
            sb_printf(&b, " : %5" PRIu64 " Packets\n", st.methods[k].n);
        }
        setup_times(&st, s, &avg, &min, &max);
        sb_printf(&b, "\n* Average setup time %" PRId64 " ms\n Min %" PRId64 " ms\n Max %" PRId64
                      " ms\n",
                  avg, min, max);
        sb_puts(&b, "===================================================================\n");
        sb_putc(&b, '\n');
        stats_kpi_text(&kr, kb, &b);
    }
    cli_flush(cfg, &b);
    sb_fini(&b);
    free(st.methods);
    sb_fini(&st.scratch);
    stats_kpi_fini(&kr);
    kb_free(kb);
    store_free(s);
    return rc;
}
