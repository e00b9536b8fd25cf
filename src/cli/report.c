/*
 * report: `--report` (text or --json): every failed or suspicious call with
 * its findings (diag.h) and the explanation of its final response in
 * context; healthy calls are only counted.  Main thread only, after the
 * whole input is read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "diag.h"
#include "filter.h"
#include "legs.h"
#include "rtp.h"

/* Findings of one call: a slice of the capture-wide list. */
struct call_findings {
    size_t first, n;
    enum diag_sev max;
};

/* "3 14:02:11.250 INVITE 10.0.0.1:5060 -> 10.0.0.2:5060" of a message. */
static void msg_label(const struct store *s, const struct store_call *c, uint32_t i, char *out,
                      size_t n)
{
    const struct store_msg *m;
    char t[64], src[64], dst[64], what[32];

    if (n < 320)
        return;

    if (!c || i >= c->nmsgs) {
        snprintf(out, n, "%" PRIu32, i + 1);
        return;
    }
    m = &c->msgs[i];
    fmt_time_utc(m->ts_ns, t, sizeof(t));
    cli_ep(s, m->src_ep, src, sizeof(src));
    cli_ep(s, m->dst_ep, dst, sizeof(dst));
    if (m->flags & STORE_MSG_REQUEST)
        snprintf(what, sizeof(what), "%s", m->method ? sip_method_name(m->method) : "request");
    else
        snprintf(what, sizeof(what), "%u", m->status);
    snprintf(out, n, "%" PRIu32 " %s %s%s %s -> %s", i + 1, t + 11, what,
             (m->flags & STORE_MSG_RESENT) ? " [resent]" : "", src, dst);
}

/* A call is listed when it has a warning or a problem, or when its final
 * response is a failure that is not normal in its flow. */
static bool call_listed(const struct store *s, const struct kb *kb, const struct store_call *c,
                        enum diag_sev max, enum diag_ctx *ctx, const struct kb_entry **e)
{
    uint32_t fm = diag_call_final_msg(c);

    *ctx = fm != UINT32_MAX ? diag_response_context(s, c, fm) : DIAG_CTX_PLAIN;
    *e = c->final_status ? ladder_explain(kb, c->final_status, c->final_reason,
                                          c->final_reason ? strlen(c->final_reason) : 0)
                         : NULL;
    if (max >= DIAG_SEV_WARNING)
        return true;
    if (c->final_status < 300 || *ctx == DIAG_CTX_NORMAL)
        return false;
    if (*ctx == DIAG_CTX_FAILURE)
        return true;
    return !*e || (*e)->severity != KB_SEV_NORMAL;
}

static void final_extras(const struct store *s, const struct kb *kb, const struct store_call *c,
                         struct strbuf *out)
{
    uint32_t fm = diag_call_final_msg(c);
    struct strbuf bytes;

    if (fm == UINT32_MAX)
        return;
    sb_init(&bytes);
    if (store_msg_bytes(s, &c->msgs[fm], &bytes) == 0 && bytes.s) {
        diag_response_extras(kb, bytes.s, bytes.len, out);
    }
    sb_fini(&bytes);
}

static void text_call(const struct config *cfg, const struct store *s, const struct kb *kb,
                      const struct store_call *c, const struct diag_finding *f, size_t nf,
                      enum diag_ctx ctx, const struct kb_entry *e, struct strbuf *b)
{
    const char *lang = kb ? kb_lang(kb) : "en";
    struct strbuf tmp;
    size_t i;
    uint8_t k;

    (void)cfg;
    sb_init(&tmp);
    sb_printf(b, "Call %" PRIu64 "  %s  ", c->id + 1, call_kind_name(c->kind));
    sb_append_escaped(b, c->from_user, strlen(c->from_user));
    sb_puts(b, " -> ");
    sb_append_escaped(b, c->to_user, strlen(c->to_user));
    sb_printf(b, "  %s\n  Call-ID: ", call_state_name(c->state));
    sb_append_escaped(b, c->call_id, c->call_id_len);
    sb_putc(b, '\n');
    if (c->final_status) {
        sb_printf(b, "  Final: %u ", c->final_status);
        if (c->final_reason)
            sb_append_escaped(b, c->final_reason, strlen(c->final_reason));
        if (ctx != DIAG_CTX_PLAIN)
            sb_printf(b, " [%s]", diag_ctx_label(ctx, lang));
        sb_putc(b, '\n');
        if (e) {
            sb_puts(b, "         ");
            sb_append_escaped(b, e->title, strlen(e->title));
            sb_puts(b, ": ");
            sb_append_escaped(b, e->short_text, strlen(e->short_text));
            /* The flow decides: a challenge that "is normal the first time"
             * is not normal when the retry failed, and a 487 after CANCEL is. */
            sb_printf(b, " (%s)\n",
                      ctx == DIAG_CTX_FAILURE  ? kb_severity_name(KB_SEV_PROBLEM)
                      : ctx == DIAG_CTX_NORMAL ? kb_severity_name(KB_SEV_NORMAL)
                                               : kb_severity_name(e->severity));
        }
        final_extras(s, kb, c, &tmp);
        if (tmp.len) {
            sb_puts(b, "         ");
            sb_append(b, tmp.s, tmp.len);
            sb_putc(b, '\n');
        }
        if (e && e->meaning[0]) {
            sb_puts(b, "         ");
            sb_append_escaped(b, e->meaning, strlen(e->meaning));
            sb_putc(b, '\n');
        }
    } else {
        sb_puts(b, "  Final: none\n");
    }
    for (i = 0; i < nf; i++) {
        const struct diag_text *t = diag_rule_text(f[i].rule, lang);
        char sev[16];
        size_t j;

        snprintf(sev, sizeof(sev), "%s", diag_sev_name(f[i].sev));
        for (j = 0; sev[j]; j++)
            sev[j] = (char)(sev[j] >= 'a' && sev[j] <= 'z' ? sev[j] - 32 : sev[j]);
        sb_printf(b, "  [%s] %s %s\n", sev, t->id, t->title);
        sb_puts(b, "      ");
        sb_append_escaped(b, f[i].facts, strlen(f[i].facts));
        sb_printf(b, "\n      %s\n      %s %s\n", t->explain,
                  strncmp(lang, "ru", 2) == 0 ? "Что делать:" : "Advice:", t->advice);
        for (k = 0; k < f[i].nmsgs; k++) {
            char lab[320];

            msg_label(s, store_call_get(s, f[i].call), f[i].msgs[k], lab, sizeof(lab));
            sb_puts(b, "      msg ");
            sb_append_escaped(b, lab, strlen(lab));
            sb_putc(b, '\n');
        }
    }
    sb_putc(b, '\n');
    sb_fini(&tmp);
}

static void json_call(const struct store *s, const struct kb *kb, const struct store_call *c,
                      const struct diag_finding *f, size_t nf, const struct kb_entry *e,
                      struct strbuf *b)
{
    const char *lang = kb ? kb_lang(kb) : "en";
    size_t i;
    uint8_t k;

    sb_puts(b, "{\"type\":\"report\"");
    cli_json_int(b, "index", (long long)c->id + 1, false);
    cli_json_str(b, "call_id", c->call_id, c->call_id_len, false);
    cli_json_str(b, "kind", call_kind_name(c->kind), strlen(call_kind_name(c->kind)), false);
    cli_json_str(b, "from", c->from_user, strlen(c->from_user), false);
    cli_json_str(b, "to", c->to_user, strlen(c->to_user), false);
    cli_json_str(b, "state", call_state_name(c->state), strlen(call_state_name(c->state)), false);
    if (c->final_status) {
        cli_json_int(b, "status", c->final_status, false);
        cli_json_str(b, "reason", c->final_reason, c->final_reason ? strlen(c->final_reason) : 0,
                     false);
        cli_json_explain(b, e);
        cli_json_response_context(s, kb, c, diag_call_final_msg(c), b);
    } else {
        sb_puts(b, ",\"status\":null,\"reason\":null,\"explain\":null,\"context\":null,"
                   "\"q850\":null,\"warning\":null");
    }
    sb_puts(b, ",\"findings\":[");
    for (i = 0; i < nf; i++) {
        const struct diag_text *t = diag_rule_text(f[i].rule, lang);
        const struct store_call *fc = store_call_get(s, f[i].call);

        sb_puts(b, i ? ",{" : "{");
        cli_json_str(b, "id", t->id, strlen(t->id), true);
        cli_json_str(b, "severity", diag_sev_name(f[i].sev), strlen(diag_sev_name(f[i].sev)),
                     false);
        cli_json_str(b, "title", t->title, strlen(t->title), false);
        cli_json_str(b, "facts", f[i].facts, strlen(f[i].facts), false);
        cli_json_str(b, "explanation", t->explain, strlen(t->explain), false);
        cli_json_str(b, "advice", t->advice, strlen(t->advice), false);
        sb_puts(b, ",\"evidence\":[");
        for (k = 0; k < f[i].nmsgs; k++) {
            const struct store_msg *m =
                fc && f[i].msgs[k] < fc->nmsgs ? &fc->msgs[f[i].msgs[k]] : NULL;

            sb_puts(b, k ? ",{" : "{");
            cli_json_int(b, "index", (long long)f[i].msgs[k] + 1, true);
            if (!m)
                sb_puts(b, ",\"frame\":null,\"method\":null,\"status\":null");
            else if (m->flags & STORE_MSG_REQUEST) {
                cli_json_int(b, "frame", (long long)m->frame, false);
                cli_json_str(b, "method", sip_method_name(m->method),
                             strlen(sip_method_name(m->method)), false);
                sb_puts(b, ",\"status\":null");
            } else {
                cli_json_int(b, "frame", (long long)m->frame, false);
                sb_puts(b, ",\"method\":null");
                cli_json_int(b, "status", m->status, false);
            }
            sb_putc(b, '}');
        }
        sb_puts(b, "]}");
    }
    sb_puts(b, "]}\n");
}

int cli_report(const struct config *cfg)
{
    struct store *s;
    struct kb *kb;
    struct diag_list all;
    struct legs *legs;
    struct rtp_table *rtp = NULL;
    struct strbuf b, tmp;
    struct store_counts cnt;
    size_t n, ci, fi = 0, listed = 0, healthy = 0, nfind = 0, scanned = 0;
    int rc;

    s = cli_store_new(cfg);
    rc = cli_run_rtp(cfg, s, NULL, NULL, &rtp);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to show */
        rtp_table_free(rtp);
        store_free(s);
        return rc;
    }
    kb = cli_kb(cfg);
    diag_list_init(&all);
    diag_capture(s, &all);
    /* across the legs of each call: where a B2BUA's failure began */
    legs = cli_legs_for(cfg, s, true);
    diag_legs(s, legs, &all);
    /* media findings (RTP-01 .. RTP-07) beside the signalling ones */
    for (ci = 0; ci < store_ncalls(s); ci++)
        diag_call_media(rtp, s, store_call_at(s, ci), &all);
    if (all.n > 1)
        qsort(all.v, all.n, sizeof(*all.v), diag_finding_cmp);
    sb_init(&b);
    sb_init(&tmp);
    n = store_ncalls(s);
    for (ci = 0; ci < n; ci++) {
        const struct store_call *c = store_call_at(s, ci);
        const struct kb_entry *e;
        enum diag_ctx ctx;
        enum diag_sev max = DIAG_SEV_NONE;
        size_t first, k;

        while (fi < all.n && all.v[fi].call < c->id)
            fi++;
        first = fi;
        while (fi < all.n && all.v[fi].call == c->id) {
            if (all.v[fi].sev > max)
                max = all.v[fi].sev;
            fi++;
        }
        /* a scanner's calls are one SCAN-01 finding on its first call; the
         * others only say they are part of it */
        if (fi - first == 1 && all.v[first].rule == DIAG_SCAN &&
            all.v[first].sev == DIAG_SEV_INFO) {
            scanned++;
            continue;
        }
        /* -Y: only calls with a matching message (as --list) */
        if (cfg->filter && !filter_match_call(cfg->filter, s, c, &tmp))
            continue;
        if (!call_listed(s, kb, c, max, &ctx, &e)) {
            healthy++;
            continue;
        }
        for (k = first; k < fi; k++)
            nfind++;
        if (cfg->json)
            json_call(s, kb, c, all.v + first, fi - first, e, &b);
        else
            text_call(cfg, s, kb, c, all.v + first, fi - first, ctx, e, &b);
        listed++;
        if (b.len > 65536)
            cli_flush(cfg, &b);
    }
    store_counts(s, &cnt);
    if (cfg->json) {
        sb_printf(&b,
                  "{\"type\":\"summary\",\"calls\":%zu,\"listed\":%zu,\"healthy\":%zu,"
                  "\"findings\":%zu,\"in_scans\":%zu",
                  cfg->filter ? listed + healthy + scanned : n, listed, healthy, nfind, scanned);
        cli_rotated_json(&b, &cnt);
        sb_puts(&b, "}\n");
    } else {
        sb_printf(&b, "%zu calls: %zu failed or suspicious (%zu findings), %zu healthy not listed",
                  cfg->filter ? listed + healthy + scanned : n, listed, nfind, healthy);
        if (scanned)
            sb_printf(&b, ", %zu more in the scans above", scanned);
        sb_putc(&b, '\n');
        cli_rotated_text(&b, &cnt);
    }
    cli_flush(cfg, &b);
    sb_fini(&b);
    sb_fini(&tmp);
    diag_list_fini(&all);
    legs_free(legs);
    rtp_table_free(rtp);
    kb_free(kb);
    store_free(s);
    return rc;
}
