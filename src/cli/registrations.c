/*
 * registrations: `--registrations`, one block (or one JSON object per line) per
 * address of record, built by the stats module from the REGISTER
 * transactions of the whole capture.  Main thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "filter.h"
#include "stats.h"

static void json_status(struct strbuf *b, const struct kb *kb, uint16_t status, const char *reason)
{
    const char *m = stats_code_meaning(kb, status, reason);

    cli_json_int(b, "status", status, true);
    cli_json_str(b, "reason", reason, strlen(reason), false);
    cli_json_str(b, "short", m, strlen(m), false);
}

static void json_entry(struct strbuf *b, const struct reg_entry *e, int64_t end,
                       const struct kb *kb)
{
    const char *st = reg_state_name(e->state);
    size_t i;

    sb_putc(b, '{');
    sb_puts(b, "\"type\":\"registration\"");
    cli_json_str(b, "aor", e->aor, strlen(e->aor), false);
    cli_json_str(b, "state", st, strlen(st), false);
    cli_json_str(b, "src", e->source, strlen(e->source), false);
    cli_json_str(b, "transport", e->transport, strlen(e->transport), false);
    cli_json_str(b, "user_agent", e->user_agent, strlen(e->user_agent), false);
    cli_json_str(b, "call_id", e->call_id, strlen(e->call_id), false);
    sb_puts(b, ",\"contacts\":[");
    for (i = 0; i < e->ncontacts; i++) {
        sb_puts(b, i ? ",{" : "{");
        cli_json_str(b, "uri", e->contacts[i].uri, strlen(e->contacts[i].uri), true);
        cli_json_int(b, "expires_s", e->contacts[i].expires, false);
        sb_putc(b, '}');
    }
    sb_puts(b, "],\"last\":{");
    json_status(b, kb, e->last_status, e->last_reason);
    cli_json_num(b, "time", (double)e->last_ts / 1e9, 6, false);
    sb_putc(b, '}');
    cli_json_int(b, "granted_s", e->granted, false);
    if (e->expires_at) {
        cli_json_num(b, "expires_at", (double)e->expires_at / 1e9, 6, false);
        cli_json_num(b, "expires_after_end_s", (double)(e->expires_at - end) / 1e9, 3, false);
    } else {
        sb_puts(b, ",\"expires_at\":null,\"expires_after_end_s\":null");
    }
    cli_json_bool(b, "deregistered", e->deregistered, false);
    cli_json_int(b, "requests", e->requests, false);
    cli_json_int(b, "attempts", e->attempts, false);
    cli_json_int(b, "successes", e->successes, false);
    cli_json_int(b, "failures", e->failed, false);
    cli_json_int(b, "challenges", e->challenges, false);
    cli_json_int(b, "interval_retries", e->interval_retries, false);
    cli_json_int(b, "deregistrations", e->deregs, false);
    sb_puts(b, ",\"causes\":[");
    for (i = 0; i < e->nfails; i++) {
        sb_puts(b, i ? ",{" : "{");
        json_status(b, kb, e->fails[i].status, e->fails[i].reason);
        cli_json_int(b, "count", e->fails[i].count, false);
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
    cli_json_num(b, "first_seen", (double)e->first_seen / 1e9, 6, false);
    cli_json_num(b, "last_seen", (double)e->last_seen / 1e9, 6, false);
    sb_puts(b, "}\n");
}

struct regs_ctx {
    const struct filter *filter;
    const struct store *store;
    struct strbuf scratch;
};

/* -Y: only the REGISTER dialogs the filter matches. */
static bool keep_call(void *vctx, const struct store_call *c)
{
    struct regs_ctx *x = vctx;

    return filter_match_call(x->filter, x->store, c, &x->scratch);
}

int cli_registrations(const struct config *cfg)
{
    struct regs_ctx x;
    struct reg_report r;
    struct store *s;
    struct kb *kb;
    struct strbuf b;
    size_t i;
    int rc;

    s = cli_store_new(cfg);
    rc = cli_run(cfg, s, NULL, NULL);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to show */
        store_free(s);
        return rc;
    }
    kb = cli_kb(cfg);
    x.filter = cfg->filter;
    x.store = s;
    sb_init(&x.scratch);
    if (stats_registrations(s, cfg->filter ? keep_call : NULL, &x, &r) != 0) {
        fputs("sipdx: some REGISTER messages could not be re-read from the capture\n", cfg->err);
        rc = 1;
    }
    sb_init(&b);
    if (!cfg->json) {
        char t[64];

        fmt_time_utc(r.capture_end, t, sizeof(t));
        sb_printf(&b,
                  "%zu addresses of record, %" PRIu64 " REGISTER transactions; capture ends %s\n",
                  r.n, r.registers, t);
    }
    for (i = 0; i < r.n; i++) {
        if (cfg->json) {
            json_entry(&b, &r.v[i], r.capture_end, kb);
        } else {
            sb_putc(&b, '\n');
            stats_reg_text(&r.v[i], r.capture_end, kb, &b);
        }
        if (b.len > 65536)
            cli_flush(cfg, &b);
    }
    cli_flush(cfg, &b);
    sb_fini(&b);
    stats_reg_fini(&r);
    sb_fini(&x.scratch);
    kb_free(kb);
    store_free(s);
    return rc;
}
