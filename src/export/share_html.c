/*
 * share_html: one self-contained page to hand to a carrier or a colleague.
 * Per call: a summary (who, when, state, durations, PDD), why it failed
 * (the kb's meaning, likely causes and what to check), the findings with
 * their advice and evidence, the ladder as inline SVG whose arrows link to
 * the messages below (syntax coloured; the linked one is highlighted by
 * :target, no script), and the media table.  Several calls get an index,
 * a whole capture charts (share_charts.c).
 *
 * Offline and inert: inline CSS and SVG only; a Content-Security-Policy
 * forbids every fetch and every script, and all wire text went through
 * share_xml (a "<script>" in a display name is text, never markup).
 * Light and dark follow prefers-color-scheme; print CSS keeps ladders and
 * messages on paper.
 */
#include "export_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kb.h"
#include "rtp.h"

static const char page_css[] =
    ":root{--bg:#fff;--fg:#1b1b1b;--mute:#6c757d;--line:#d0d4da;--req:#1d3557;--resp:#1b6f65;"
    "--fail:#c1121f;--media:#8338ec;--box:#f4f6f8;--hn:#6a4c93;--sdp:#2a6f97;--mark:#fff3bf}"
    "@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e6e6e6;--mute:#9aa4ae;"
    "--line:#39414a;--req:#8ecae6;--resp:#80ed99;--fail:#ff6b6b;--media:#c77dff;--box:#1f242a;"
    "--hn:#cdb4db;--sdp:#90e0ef;--mark:#5c4b00}}"
    "body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,sans-serif;margin:0 "
    "auto;max-width:1400px;padding:1em 2em}"
    "h1{font-size:1.5em}h2{border-bottom:2px solid var(--line);padding-bottom:.2em;"
    "margin-top:2em}code,pre,.ladder{font-family:ui-monospace,Menlo,Consolas,monospace}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid var(--line);"
    "padding:.2em .6em;text-align:left;vertical-align:top}th{background:var(--box)}"
    "a{color:var(--req)}.fail,.bad-text{color:var(--fail);font-weight:bold}"
    ".explain{border-left:4px solid var(--fail);background:var(--box);padding:.5em 1em}"
    ".finding{border-left:4px solid var(--mute);background:var(--box);padding:.4em 1em;"
    "margin:.5em 0}.finding.problem{border-color:var(--fail)}.finding.warning{border-color:"
    "#e9a23b}.ladderbox{overflow-x:auto;border:1px solid var(--line);background:var(--bg)}"
    ".ladder{font-size:12px}.ladder .lane{fill:var(--fg);font-weight:bold;text-anchor:middle}"
    ".ladder .lline{stroke:var(--line)}.ladder .t,.ladder .n{fill:var(--mute);font-size:11px}"
    ".ladder .req line,.ladder .req path{stroke:var(--req)}.ladder .req polygon{fill:var(--req)}"
    ".ladder .req text.l{fill:var(--req)}.ladder .resp line,.ladder .resp path{stroke:"
    "var(--resp)}.ladder .resp polygon{fill:var(--resp)}.ladder .resp text.l{fill:var(--resp)}"
    ".ladder .resent line{stroke-dasharray:4 3}.ladder .fail line,.ladder .fail path{stroke:"
    "var(--fail);stroke-width:2}.ladder .fail polygon{fill:var(--fail)}.ladder .fail text.l,"
    ".ladder .fail text.n{fill:var(--fail);font-weight:bold}.ladder .media line{stroke:"
    "var(--media);stroke-dasharray:2 3}.ladder .media polygon,.ladder .media text.l{fill:"
    "var(--media)}.ladder a:hover text.l{text-decoration:underline}.ladder a{cursor:pointer}"
    ".msg{border:1px solid var(--line);margin:.4em 0}.msg h4{margin:0;padding:.2em .6em;"
    "background:var(--box);font-weight:normal;font-size:.9em}.msg:target{outline:3px solid "
    "var(--fail)}.msg:target h4{background:var(--mark)}pre{margin:0;padding:.4em .6em;"
    "white-space:pre-wrap;word-break:break-all}.sl{color:var(--req);font-weight:bold}"
    ".sl.fail{color:var(--fail)}.hn{color:var(--hn)}.body{color:var(--sdp)}"
    ".chart{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}.chart svg{"
    "font-size:11px}.chart .bar{fill:var(--req)}.chart .bad{fill:var(--fail)}.chart .ax{"
    "fill:var(--fg)}figcaption{font-weight:bold}"
    "@media print{body{max-width:none;padding:0;font-size:10pt}.ladderbox{overflow:visible;"
    "border:none}section.call{break-before:page}.msg{break-inside:avoid}a{color:inherit;"
    "text-decoration:none}.msg:target{outline:none}}";

static void fmt_secs(int64_t ns, char *out, size_t n)
{
    if (ns < 0)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%" PRId64 ".%03d s", ns / 1000000000, (int)(ns / 1000000 % 1000));
}

static void kv(struct strbuf *b, const char *k, const char *v)
{
    sb_printf(b, "<tr><th>%s</th><td>", k);
    share_xml(b, v);
    sb_puts(b, "</td></tr>");
}

static void kv_time(struct strbuf *b, const char *k, int64_t ts)
{
    char t[64];

    if (!ts)
        return;
    fmt_time_utc(ts, t, sizeof(t));
    kv(b, k, t);
}

/* The message bytes, coloured: start line, header names, body. */
static void message_pre(struct strbuf *b, const char *p, size_t n, bool fail)
{
    size_t pos = 0, line = 0;
    bool body = false;

    sb_puts(b, "<pre>");
    while (pos < n) {
        const char *nl = memchr(p + pos, '\n', n - pos);
        size_t ll = nl ? (size_t)(nl - (p + pos)) : n - pos, next = pos + ll + (nl ? 1 : 0);

        if (ll && p[pos + ll - 1] == '\r')
            ll--;
        if (line == 0) {
            sb_printf(b, "<span class=\"sl%s\">", fail ? " fail" : "");
            share_xml_bytes(b, p + pos, ll);
            sb_puts(b, "</span>");
        } else if (!body && ll == 0) {
            body = true;
        } else if (body) {
            sb_puts(b, "<span class=\"body\">");
            share_xml_bytes(b, p + pos, ll);
            sb_puts(b, "</span>");
        } else {
            const char *colon = memchr(p + pos, ':', ll);
            size_t nl2 = colon ? (size_t)(colon - (p + pos)) + 1 : 0;

            sb_puts(b, "<span class=\"hn\">");
            share_xml_bytes(b, p + pos, nl2);
            sb_puts(b, "</span>");
            share_xml_bytes(b, p + pos + nl2, ll - nl2);
        }
        sb_putc(b, '\n');
        pos = next;
        line++;
    }
    sb_puts(b, "</pre>");
}

static void summary(struct strbuf *b, const struct store *s, const struct store_call *c)
{
    char v[256], a[64], z[64];

    sb_puts(b, "<table class=\"summary\">");
    kv(b, "Kind", call_kind_name(c->kind));
    {
        struct strbuf e;

        sb_init(&e);
        sb_append_escaped(&e, c->from_user, strlen(c->from_user));
        sb_puts(&e, " -> ");
        sb_append_escaped(&e, c->to_user, strlen(c->to_user));
        kv(b, "From -> To", e.s);
        sb_fini(&e);
    }
    cap_addr_format(store_endpoint(s, c->src_ep), true, a, sizeof(a));
    cap_addr_format(store_endpoint(s, c->dst_ep), true, z, sizeof(z));
    snprintf(v, sizeof(v), "%s -> %s", a, z);
    kv(b, "First hop", v);
    kv(b, "State", call_state_name(c->state));
    if (c->final_status) {
        struct strbuf e;

        sb_init(&e);
        sb_printf(&e, "%u ", (unsigned)c->final_status);
        if (c->final_reason)
            sb_append_escaped(&e, c->final_reason, strlen(c->final_reason));
        kv(b, "Final response", e.s);
        sb_fini(&e);
    }
    kv_time(b, "Start", c->first_ts);
    kv_time(b, "Answered", c->answer_ts);
    kv_time(b, "Ended", c->end_ts);
    fmt_secs(store_call_setup(c), v, sizeof(v));
    kv(b, "Post-dial delay", v);
    fmt_secs(store_call_duration(c), v, sizeof(v));
    kv(b, "Duration", v);
    snprintf(v, sizeof(v), "%" PRIu32 " (%" PRIu32 " resent)", c->nmsgs, c->nretrans);
    kv(b, "Messages", v);
    sb_puts(b, "</table>");
}

static void list_items(struct strbuf *b, const char *title, const char *const *v, size_t n)
{
    size_t i;

    if (!n)
        return;
    sb_printf(b, "<p><b>%s</b></p><ul>", title);
    for (i = 0; i < n; i++) {
        sb_puts(b, "<li>");
        share_xml(b, v[i]);
        sb_puts(b, "</li>");
    }
    sb_puts(b, "</ul>");
}

/* Why the call failed: its failing final response explained from the kb. */
static void explanation(struct strbuf *b, const struct ladder *l, const struct kb *kb,
                        const struct store_call *c)
{
    const struct ladder_row *r = NULL;
    const struct kb_entry *e;
    size_t i;

    for (i = 0; i < l->nrows; i++)
        if (l->rows[i].call == c->id && l->rows[i].failure)
            r = &l->rows[i]; /* the last failure: the one that ended it */
    if (!r)
        return;
    e = ladder_explain(kb, r->status, c->final_reason,
                       c->final_reason && r->status == c->final_status ? strlen(c->final_reason)
                                                                       : 0);
    sb_puts(b, "<div class=\"explain\"><h3>Why it failed: ");
    share_xml(b, r->label);
    sb_puts(b, "</h3>");
    if (r->note) {
        sb_puts(b, "<p>");
        share_xml(b, r->note);
        sb_puts(b, "</p>");
    }
    if (e) {
        sb_puts(b, "<p><b>");
        share_xml(b, e->title);
        sb_puts(b, "</b>: ");
        share_xml(b, e->meaning);
        sb_puts(b, "</p>");
        list_items(b, "Likely causes", e->causes, e->ncauses);
        list_items(b, "What to check", e->checks, e->nchecks);
        list_items(b, "References", e->refs, e->nrefs);
    }
    sb_puts(b, "</div>");
}

static void findings(struct strbuf *b, const struct ladder *l, const struct kb *kb,
                     const char *anchor)
{
    const char *lang = kb ? kb_lang(kb) : "en";
    size_t i, r;
    uint8_t k;

    if (!l->findings.n)
        return;
    sb_puts(b, "<h3>Findings</h3>");
    for (i = 0; i < l->findings.n; i++) {
        const struct diag_finding *f = &l->findings.v[i];
        const struct diag_text *t = diag_rule_text(f->rule, lang);

        sb_printf(b, "<div class=\"finding %s\"><p><b>[%s] %s ", diag_sev_name(f->sev),
                  diag_sev_name(f->sev), t->id);
        share_xml(b, t->title);
        sb_puts(b, "</b></p><p>Evidence: ");
        share_xml_bytes(b, f->facts, strlen(f->facts));
        for (k = 0; k < f->nmsgs; k++) {
            for (r = 0; r < l->nrows; r++) {
                if (l->rows[r].call == f->call && l->rows[r].idx == f->msgs[k]) {
                    sb_printf(b, " <a href=\"#%s%zu\">[", anchor, r);
                    share_xml(b, l->rows[r].label);
                    sb_puts(b, "]</a>");
                }
            }
        }
        sb_puts(b, "</p><p>");
        share_xml(b, t->explain);
        sb_puts(b, "</p><p><b>Advice:</b> ");
        share_xml(b, t->advice);
        sb_puts(b, "</p></div>");
    }
}

static void media(struct strbuf *b, const struct rtp_table *t, const struct store_call *c)
{
    const struct rtp_stream *st[64];
    size_t n, i;
    char a[64], z[64], codec[48];

    if (!t)
        return;
    n = rtp_table_call_streams(t, c->call_id, c->call_id_len, st, 64);
    if (n > 64)
        n = 64;
    sb_puts(b, "<h3>Media</h3>");
    if (!n) {
        sb_puts(b, "<p>No RTP stream of this call in the capture.</p>");
        return;
    }
    sb_puts(b, "<table class=\"media\"><tr><th>From</th><th>To</th><th>SSRC</th><th>Codec</th>"
               "<th>Packets</th><th>Lost</th><th>Max jitter ms</th><th>DTMF</th></tr>");
    for (i = 0; i < n; i++) {
        double lost = rtp_stream_lost_pct(st[i]);

        cap_addr_format(&st[i]->src, true, a, sizeof(a));
        cap_addr_format(&st[i]->dst, true, z, sizeof(z));
        rtp_stream_codec(st[i], codec, sizeof(codec));
        sb_puts(b, "<tr><td>");
        share_xml(b, a);
        sb_puts(b, "</td><td>");
        share_xml(b, z);
        sb_printf(b, "</td><td>0x%08" PRIX32 "</td><td>", st[i]->ssrc);
        share_xml_bytes(b, codec, strlen(codec));
        sb_printf(b, "</td><td>%" PRIu32 "</td><td class=\"%s\">%" PRId64 " (%.1f%%)</td>",
                  st[i]->packets, lost > RTP_LOSS_PCT ? "bad-text" : "", st[i]->lost, lost);
        sb_printf(b, "<td>%.1f</td><td>", st[i]->max_jitter);
        share_xml_bytes(b, st[i]->dtmf, strlen(st[i]->dtmf));
        sb_puts(b, "</td></tr>");
    }
    sb_puts(b, "</table>");
}

static void messages(struct strbuf *b, const struct store *s, const struct ladder *l,
                     const char *anchor)
{
    struct strbuf bytes;
    size_t i;

    sb_init(&bytes);
    sb_puts(b, "<h3>Messages</h3>");
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];
        const struct store_call *c = store_call_get(s, r->call);
        char t[64];

        if (r->media || !c)
            continue;
        fmt_time_utc(r->ts_ns, t, sizeof(t));
        sb_printf(b, "<article class=\"msg\" id=\"%s%zu\"><h4>%s  ", anchor, i, t);
        share_xml(b, l->lanes[r->from].name);
        sb_puts(b, " &#8594; ");
        share_xml(b, l->lanes[r->to].name);
        sb_printf(b, "  frame %" PRIu64 "</h4>", r->frame);
        if (store_msg_bytes(s, &c->msgs[r->idx], &bytes) == 0 && bytes.s)
            message_pre(b, bytes.s, bytes.len, r->failure);
        else
            sb_puts(b, "<pre>(the message bytes could not be read again)</pre>");
        sb_puts(b, "</article>");
    }
    sb_fini(&bytes);
}

static void call_section(struct strbuf *b, const struct store *s, const struct store_call *c,
                         size_t i, const struct export_opts *o)
{
    struct ladder_opts lo;
    struct ladder l;
    char anchor[32];

    memset(&lo, 0, sizeof(lo));
    lo.kb = o->kb;
    ladder_build(&l, s, &c, 1, &lo);
    snprintf(anchor, sizeof(anchor), "c%zu-m", i + 1);
    sb_printf(b, "<section class=\"call\" id=\"c%zu\"><h2>Call %" PRIu64 ": ", i + 1, c->id + 1);
    share_xml(b, l.calls[0].call_id);
    sb_puts(b, "</h2>");
    summary(b, s, c);
    explanation(b, &l, o->kb, c);
    findings(b, &l, o->kb, anchor);
    sb_puts(b, "<h3>Ladder</h3><div class=\"ladderbox\">");
    share_svg_ladder(&l, anchor, b);
    sb_puts(b, "</div>");
    media(b, o->rtp, c);
    messages(b, s, &l, anchor);
    sb_puts(b, "</section>");
    ladder_fini(&l);
}

static void index_table(struct strbuf *b, const struct store_call *const *calls, size_t n)
{
    size_t i;

    sb_puts(b, "<h2>Calls</h2><table class=\"index\"><tr><th>#</th><th>Call-ID</th><th>Kind"
               "</th><th>From</th><th>To</th><th>State</th><th>Final</th></tr>");
    for (i = 0; i < n; i++) {
        const struct store_call *c = calls[i];
        bool bad = c->final_status && ladder_is_failure(c->final_status, DIAG_CTX_PLAIN);

        sb_printf(b, "<tr><td>%" PRIu64 "</td><td><a href=\"#c%zu\">", c->id + 1, i + 1);
        share_xml_bytes(b, c->call_id, c->call_id_len);
        sb_printf(b, "</a></td><td>%s</td><td>", call_kind_name(c->kind));
        share_xml_bytes(b, c->from_user, strlen(c->from_user));
        sb_puts(b, "</td><td>");
        share_xml_bytes(b, c->to_user, strlen(c->to_user));
        sb_printf(b, "</td><td>%s</td><td%s>", call_state_name(c->state),
                  bad ? " class=\"fail\"" : "");
        if (c->final_status) {
            sb_printf(b, "%u ", (unsigned)c->final_status);
            if (c->final_reason)
                share_xml_bytes(b, c->final_reason, strlen(c->final_reason));
        }
        sb_puts(b, "</td></tr>");
    }
    sb_puts(b, "</table>");
}

void share_html(const struct store *s, const struct store_call *const *calls, size_t n,
                const struct export_opts *o, struct strbuf *out)
{
    size_t i;

    sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "style-src 'unsafe-inline'\">"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                 "<meta name=\"color-scheme\" content=\"light dark\"><title>sipdx: ");
    if (n == 1)
        share_xml_bytes(out, calls[0]->call_id, calls[0]->call_id_len);
    else
        sb_printf(out, "%zu calls", n);
    sb_printf(out,
              "</title><style>%s</style></head><body><header><h1>SIP calls: what happened"
              "</h1><p>%zu call%s, written by sipdx " SIPDX_VERSION
              ". Click an arrow of a ladder to see its message.</p></header>\n",
              page_css, n, n == 1 ? "" : "s");
    if (o->charts && n > 1)
        share_charts(calls, n, out);
    if (n > 1)
        index_table(out, calls, n);
    for (i = 0; i < n; i++) {
        call_section(out, s, calls[i], i, o);
        sb_putc(out, '\n');
    }
    sb_puts(out, "</body></html>\n");
}
