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

struct stats_ctx {
    struct sipstat counts;
    const struct filter *filter; /* -Y: count matching messages only */
    struct store *store;         /* borrowed, for the filter */
    struct strbuf scratch;
};

static void on_msg(void *vctx, const struct store_input *m, const struct store_call *c,
                   const struct store_msg *msg)
{
    struct stats_ctx *st = vctx;

    if (st->filter &&
        !filter_match_stored(st->filter, st->store, c, msg, m->bytes, m->len, &st->scratch))
        return;
    stats_sipstat_add(&st->counts, m->is_request, m->status, m->method_str.p, m->method_str.len,
                      (msg->flags & STORE_MSG_RESENT) != 0);
}

/* -Y: the KPIs take the calls the filter matches. */
static bool keep_call(void *vctx, const struct store_call *c)
{
    struct stats_ctx *st = vctx;

    return filter_match_call(st->filter, st->store, c, &st->scratch);
}

static void json_kpi(struct strbuf *b, const struct kpi *k)
{
    double v[12] = {kpi_asr(k),    kpi_ner(k),     kpi_ser(k),    kpi_acd_s(k),
                    kpi_pdd_ms(k), kpi_fpdd_ms(k), kpi_seer(k),   kpi_isa(k),
                    kpi_scr(k),    kpi_sdd_ms(k),  kpi_rrd_ms(k), kpi_ira(k)};
    /* RFC 6076 names beside: srd_ms is pdd_ms, failed_srd_ms failed_pdd_ms,
     * sdt_s acd_s (the same measures) */
    const char *names[12] = {"asr",  "ner", "ser", "acd_s",  "pdd_ms", "failed_pdd_ms",
                             "seer", "isa", "scr", "sdd_ms", "rrd_ms", "ira"};
    int i;

    sb_putc(b, '{');
    cli_json_int(b, "attempts", k->attempts, true);
    cli_json_int(b, "answered", k->answered, false);
    cli_json_int(b, "redirected", k->redirected, false);
    cli_json_int(b, "ner_ok", k->ner_ok, false);
    cli_json_int(b, "no_final", k->no_final, false);
    cli_json_int(b, "unanswered", k->unanswered, false);
    cli_json_int(b, "acd_calls", k->acd_n, false);
    cli_json_int(b, "answered_without_bye", k->answered_open, false);
    cli_json_int(b, "pdd_calls", k->pdd_n, false);
    cli_json_int(b, "failed_pdd_calls", k->fpdd_n, false);
    cli_json_int(b, "seer_ok", k->seer_ok, false);
    cli_json_int(b, "isa_failed", k->isa_fail, false);
    cli_json_int(b, "completed_sessions", k->scr_ok, false);
    cli_json_int(b, "sdd_byes", k->sdd_n, false);
    cli_json_int(b, "register_attempts", k->reg_attempts, false);
    cli_json_int(b, "register_failed", k->reg_failed, false);
    cli_json_int(b, "rrd_registrations", k->rrd_n, false);
    for (i = 0; i < 12; i++) {
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
        cli_json_str(b, "short", m, strlen(m), false);
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
}

int cli_stats(const struct config *cfg)
{
    struct stats_ctx st;
    struct kpi_report kr;
    struct store_counts cnt;
    struct kb *kb;
    struct store *s;
    struct strbuf b;
    int rc, i;
    size_t k;

    memset(&st, 0, sizeof(st));
    stats_sipstat_init(&st.counts);
    st.filter = cfg->filter;
    sb_init(&st.scratch);
    s = st.store = cli_store_new(cfg);
    rc = cli_run(cfg, s, on_msg, &st);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to show */
        stats_sipstat_fini(&st.counts);
        sb_fini(&st.scratch);
        store_free(s);
        return rc;
    }
    kb = cli_kb(cfg);
    if (stats_kpi(s, st.filter ? keep_call : NULL, &st, &kr) != 0) {
        fputs("sipdx: some responses could not be re-read from the capture\n", cfg->err);
        rc = 1;
    }
    sb_init(&b);
    store_counts(s, &cnt);
    stats_setup_times(s, st.filter ? keep_call : NULL, &st, &st.counts);
    if (cfg->json) {
        const struct sipstat *c = &st.counts;

        sb_printf(&b,
                  "{\"type\":\"stats\",\"messages\":%" PRIu64 ",\"retransmissions\":%" PRIu64
                  ",\"responses\":{",
                  c->messages, c->resent);
        for (i = 0; i < c->nstatus; i++)
            sb_printf(&b, "%s\"%d\":%" PRIu64, i ? "," : "", c->status_order[i],
                      c->status[c->status_order[i]]);
        sb_puts(&b, "},\"methods\":{");
        for (k = 0; k < c->nmethods; k++) {
            if (k)
                sb_putc(&b, ',');
            sb_append_json(&b, c->methods[k].name, strlen(c->methods[k].name));
            sb_printf(&b, ":%" PRIu64, c->methods[k].n);
        }
        sb_printf(&b,
                  "},\"setup_ms\":{\"avg\":%" PRId64 ",\"min\":%" PRId64 ",\"max\":%" PRId64 "}",
                  c->setup_avg, c->setup_min, c->setup_max);
        json_kpi_report(&b, &kr, kb);
        cli_rotated_json(&b, &cnt);
        sb_puts(&b, "}\n");
    } else {
        stats_sipstat_text(&st.counts, &b);
        sb_putc(&b, '\n');
        /* Above is tshark's block, line for line; below is not tshark's. */
        sb_puts(&b, "sipdx's own measures (not in tshark -z sip,stat; PDD is not tshark's "
                    "setup time):\n\n");
        stats_kpi_text(&kr, kb, &b);
        cli_rotated_text(&b, &cnt);
    }
    cli_flush(cfg, &b);
    sb_fini(&b);
    stats_sipstat_fini(&st.counts);
    sb_fini(&st.scratch);
    stats_kpi_fini(&kr);
    kb_free(kb);
    store_free(s);
    return rc;
}
