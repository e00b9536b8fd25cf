/*
 * format: the text of the reports, shared by the batch outputs
 * (--registrations, --stats) and the console's views, so both say the
 * same.  Every wire string goes through sb_append_escaped.
 * Thread: any (pure over the report and the kb).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kb.h"
#include "stats.h"
#include "util.h"

const char *stats_code_meaning(const struct kb *kb, uint16_t code, const char *reason)
{
    const struct kb_entry *e;

    if (code == 0)
        return "no final response in the capture";
    if (!kb || code < 100 || code > 699)
        return "";
    e = kb_lookup_response(kb, code, reason, reason ? strlen(reason) : 0);
    if (!e)
        e = kb_lookup_class(kb, code / 100);
    return e ? e->short_text : "";
}

static void esc(struct strbuf *b, const char *s)
{
    sb_append_escaped(b, s, strlen(s));
}

/* "HH:MM:SS.mmm" of epoch ns. */
static void hms(int64_t ts, char *out, size_t n)
{
    char t[64];

    fmt_time_utc(ts, t, sizeof(t));
    snprintf(out, n, "%.12s", strlen(t) >= 23 ? t + 11 : t);
}

void stats_reg_expiry(const struct reg_entry *e, int64_t capture_end, struct strbuf *out)
{
    double d;

    if (e->state == REG_STATE_DEREGISTERED) {
        sb_puts(out, "deregistered (Expires 0)");
        return;
    }
    if (e->granted < 0 || !e->expires_at) {
        sb_puts(out, e->successes ? "granted expiry unknown" : "never registered");
        return;
    }
    d = (double)(e->expires_at - capture_end) / 1e9;
    if (e->expires_at > capture_end)
        sb_printf(out, "granted %" PRId64 " s, runs out %.1f s after the capture ends", e->granted,
                  d);
    else
        sb_printf(out, "granted %" PRId64 " s, ran out %.1f s before the capture ended", e->granted,
                  -d);
}

void stats_reg_status(const struct kb *kb, uint16_t status, const char *reason, struct strbuf *out)
{
    if (status)
        sb_printf(out, "%u ", status);
    esc(out, status ? reason : "no response");
    if (status) {
        const char *m = stats_code_meaning(kb, status, reason);

        if (m[0]) {
            sb_puts(out, " (");
            esc(out, m);
            sb_putc(out, ')');
        }
    }
}

void stats_reg_text(const struct reg_entry *e, int64_t capture_end, const struct kb *kb,
                    struct strbuf *out)
{
    char t[64];
    size_t i;

    esc(out, e->aor);
    sb_printf(out, "  %s\n", reg_state_name(e->state));
    sb_puts(out, "  expiry    ");
    stats_reg_expiry(e, capture_end, out);
    sb_putc(out, '\n');
    for (i = 0; i < e->ncontacts; i++) {
        sb_puts(out, i ? "            " : "  contact   ");
        esc(out, e->contacts[i].uri);
        if (e->contacts[i].expires >= 0)
            sb_printf(out, ";expires=%" PRId64, e->contacts[i].expires);
        sb_putc(out, '\n');
    }
    if (e->contacts_total > e->ncontacts)
        sb_printf(out, "            (%zu more)\n", e->contacts_total - e->ncontacts);
    sb_puts(out, "  source    ");
    esc(out, e->source);
    sb_putc(out, ' ');
    esc(out, e->transport);
    sb_puts(out, "\n  agent     ");
    esc(out, e->user_agent[0] ? e->user_agent : "-");
    sb_puts(out, "\n  last      ");
    stats_reg_status(kb, e->last_status, e->last_reason, out);
    hms(e->last_ts, t, sizeof(t));
    sb_printf(out, " at %s\n", t);
    sb_printf(out, "  attempts  %u: %u ok, %u failed, in %u REGISTERs\n", e->attempts, e->successes,
              e->failed, e->requests);
    sb_printf(out, "  normal    %u challenges answered, %u retries after 423, %u deregistrations\n",
              e->challenges, e->interval_retries, e->deregs);
    for (i = 0; i < e->nfails; i++) {
        sb_puts(out, i ? "            " : "  failures  ");
        sb_printf(out, "%ux ", e->fails[i].count);
        stats_reg_status(kb, e->fails[i].status, e->fails[i].reason, out);
        if (e->fails[i].status == 401 || e->fails[i].status == 407 || e->fails[i].status == 423)
            sb_puts(out, ", not retried");
        sb_putc(out, '\n');
    }
    fmt_time_utc(e->last_seen, t, sizeof(t));
    sb_printf(out, "  last seen %s\n  Call-ID   ", t);
    esc(out, e->call_id);
    sb_putc(out, '\n');
}

static void pct(struct strbuf *b, double v)
{
    if (v < 0)
        sb_puts(b, "     -");
    else
        sb_printf(b, "%5.1f%%", v);
}

static void ms(struct strbuf *b, double v, int w)
{
    if (v < 0)
        sb_printf(b, "%*s", w, "-");
    else
        sb_printf(b, "%*.0fms", w - 2, v);
}

static void secs(struct strbuf *b, double v, int w)
{
    if (v < 0)
        sb_printf(b, "%*s", w, "-");
    else
        sb_printf(b, "%*.1fs", w - 1, v);
}

void stats_kpi_text(const struct kpi_report *r, const struct kb *kb, struct strbuf *out)
{
    const struct kpi *k = &r->all;
    size_t i;

    sb_printf(out, "* Call statistics (%u INVITE attempts)\n", k->attempts);
    sb_puts(out, "  ASR   ");
    pct(out, kpi_asr(k));
    sb_printf(out, "  answered %u / attempts %u\n", k->answered, k->attempts);
    sb_puts(out, "  NER   ");
    pct(out, kpi_ner(k));
    sb_printf(out, "  answered, busy, declined or rang %u / attempts %u\n", k->ner_ok, k->attempts);
    sb_puts(out, "  SER   ");
    pct(out, kpi_ser(k));
    sb_printf(out, "  answered %u / (attempts %u - redirected %u)\n", k->answered, k->attempts,
              k->redirected);
    sb_puts(out, "  ACD ");
    secs(out, kpi_acd_s(k), 8);
    sb_printf(out, "  (= mean SDT) over %u answered calls with a BYE (%u answered without one)\n",
              k->acd_n, k->answered_open);
    sb_puts(out, "  PDD ");
    ms(out, kpi_pdd_ms(k), 8);
    sb_printf(out, "  (= SRD) over %u attempts that rang or answered\n", k->pdd_n);
    sb_puts(out, "  PDD ");
    ms(out, kpi_fpdd_ms(k), 8);
    sb_printf(out, "  failed: over %u failures with no ringing\n", k->fpdd_n);
    /* RFC 6076: two lines, so that the console's view still shows the
     * codes below at 80x24 */
    sb_puts(out, "  SEER ");
    pct(out, kpi_seer(k));
    sb_puts(out, "  ISA ");
    pct(out, kpi_isa(k));
    sb_puts(out, "  SCR ");
    pct(out, kpi_scr(k));
    sb_printf(out, "  (%u/%u, %u/%u, %u/%u)\n", k->seer_ok, k->attempts - k->redirected,
              k->isa_fail, k->attempts, k->scr_ok, k->attempts);
    sb_puts(out, "  SDD ");
    ms(out, kpi_sdd_ms(k), 7);
    sb_puts(out, "  RRD ");
    ms(out, kpi_rrd_ms(k), 7);
    sb_puts(out, "  IRA ");
    pct(out, kpi_ira(k));
    sb_printf(out, "  (%u BYEs; %u of %u REGISTER attempts failed)\n", k->sdd_n, k->reg_failed,
              k->reg_attempts);
    if (k->no_final)
        sb_printf(out, "  %u attempts had no final response in the capture", k->no_final);
    if (k->no_final && k->unanswered)
        sb_printf(out, ", %u of them failed: UNANSWERED past Timer B or C", k->unanswered);
    if (k->no_final)
        sb_putc(out, '\n');

    sb_puts(out, "\n* Per destination (R-URI host; destination IP when it has none)\n");
    sb_puts(out, "  Destination              Att  Ans    ASR    NER    SER     ACD     PDD\n");
    if (!r->ndests)
        sb_puts(out, "  (no INVITE)\n");
    for (i = 0; i < r->ndests; i++) {
        const struct kpi_dest *d = &r->dests[i];
        struct strbuf name;
        size_t w;

        sb_init(&name);
        esc(&name, d->name);
        if (d->by_ip)
            sb_puts(&name, " (ip)");
        sb_puts(out, "  ");
        if (name.len > 23) {
            sb_append(out, name.s, 22);
            sb_puts(out, "~");
        } else {
            sb_append(out, name.s, name.len);
            for (w = name.len; w < 23; w++)
                sb_putc(out, ' ');
        }
        sb_fini(&name);
        sb_printf(out, " %4u %4u ", d->k.attempts, d->k.answered);
        pct(out, kpi_asr(&d->k));
        sb_putc(out, ' ');
        pct(out, kpi_ner(&d->k));
        sb_putc(out, ' ');
        pct(out, kpi_ser(&d->k));
        sb_putc(out, ' ');
        secs(out, kpi_acd_s(&d->k), 7);
        sb_putc(out, ' ');
        ms(out, kpi_pdd_ms(&d->k), 7);
        sb_putc(out, '\n');
    }

    sb_puts(out, "\n* Response codes by frequency (retransmissions not counted)\n");
    for (i = 0; i < r->ncodes; i++) {
        const struct kpi_code *c = &r->codes[i];
        size_t n0 = out->len;

        sb_printf(out, "  %6" PRIu64 "  %3u ", c->count, c->code);
        esc(out, c->reason);
        while (out->len - n0 < 36)
            sb_putc(out, ' ');
        sb_putc(out, ' ');
        esc(out, stats_code_meaning(kb, c->code, c->reason));
        sb_putc(out, '\n');
    }
}
