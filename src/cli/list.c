/*
 * list: `--list`, one line per call (dialog or other exchange) after the
 * whole input is read.  Main thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "filter.h"

/* Answered calls: answer to BYE (or to the last message).  Others: 0. */
static int64_t call_duration(const struct store_call *c)
{
    if (!c->answer_ts)
        return -1;
    return (c->end_ts > c->answer_ts ? c->end_ts : c->last_ts) - c->answer_ts;
}

/* First INVITE to its final answer (2xx or failure). */
static int64_t call_setup(const struct store_call *c)
{
    if (!c->invite_ts || !c->final_ts)
        return -1;
    return c->final_ts - c->invite_ts;
}

static void pad_escaped(struct strbuf *b, const char *s, size_t width)
{
    size_t start = b->len, n;

    sb_append_escaped(b, s, strlen(s));
    n = b->len - start;
    if (n > width) {
        /* Cut long values so columns stay aligned; mark the cut. */
        b->len = start + width - 1;
        sb_putc(b, '~');
        n = width;
    }
    while (n++ < width)
        sb_putc(b, ' ');
    sb_putc(b, ' ');
}

int cli_list(const struct config *cfg)
{
    struct store *s;
    struct store_counts cnt;
    struct strbuf b, tmp;
    struct kb *kb;
    size_t i, n, shown = 0;
    uint64_t shown_msgs = 0;
    int rc;

    s = cli_load(cfg, NULL, NULL, &rc);
    if (rc == 2) { /* a live source could not be opened: nothing to show */
        store_free(s);
        return 2;
    }
    kb = cli_kb(cfg);
    sb_init(&b);
    sb_init(&tmp);
    n = store_ncalls(s);
    if (!cfg->json)
        sb_printf(&b, "%-5s %-26s %-9s %-16s %-16s %-21s %-21s %5s %-10s %-28s %9s %8s  %s\n",
                  "#", "START", "KIND", "FROM", "TO", "SRC", "DST", "MSGS", "STATE", "FINAL",
                  "DURATION", "SETUP", "MEANING");
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(s, i);
        char t[64], src[64], dst[64], dur[32], setup[32], fin[128], num[24];
        const struct kb_entry *e =
            c->final_status ? cli_explain_response(kb, c->final_status, c->final_reason,
                                                   c->final_reason ? strlen(c->final_reason) : 0)
                            : NULL;

        /* -Y: a call is listed when any of its messages matches. */
        if (cfg->filter && !filter_match_call(cfg->filter, s, c, &tmp))
            continue;
        shown++;
        shown_msgs += c->nmsgs;
        cli_ep(s, c->src_ep, src, sizeof(src));
        cli_ep(s, c->dst_ep, dst, sizeof(dst));
        cli_fmt_secs(call_duration(c), dur, sizeof(dur));
        cli_fmt_secs(call_setup(c), setup, sizeof(setup));
        if (cfg->json) {
            const struct store_call *a = store_call_aleg(s, c);

            fmt_time_epoch(c->first_ts, t, sizeof(t));
            sb_putc(&b, '{');
            cli_json_int(&b, "index", (long long)c->id + 1, true);
            cli_json_str(&b, "call_id", c->call_id, c->call_id_len, false);
            sb_printf(&b, ",\"start\":%s", t);
            cli_json_str(&b, "kind", call_kind_name(c->kind), strlen(call_kind_name(c->kind)),
                         false);
            cli_json_str(&b, "from", c->from_user, strlen(c->from_user), false);
            cli_json_str(&b, "to", c->to_user, strlen(c->to_user), false);
            cli_json_str(&b, "src", src, strlen(src), false);
            cli_json_str(&b, "dst", dst, strlen(dst), false);
            cli_json_int(&b, "messages", c->nmsgs, false);
            cli_json_int(&b, "resent", c->nretrans, false);
            cli_json_str(&b, "state", call_state_name(c->state),
                         strlen(call_state_name(c->state)), false);
            if (c->final_status) {
                cli_json_int(&b, "status", c->final_status, false);
                cli_json_str(&b, "reason", c->final_reason,
                             c->final_reason ? strlen(c->final_reason) : 0, false);
                cli_json_explain(&b, e);
                cli_json_response_context(s, kb, c, diag_call_final_msg(c), &b);
            } else {
                sb_puts(&b, ",\"status\":null,\"reason\":null");
            }
            if (call_duration(c) >= 0)
                cli_json_num(&b, "duration", (double)call_duration(c) / 1e9, 3, false);
            else
                sb_puts(&b, ",\"duration\":null");
            if (call_setup(c) >= 0)
                cli_json_num(&b, "setup_time", (double)call_setup(c) / 1e9, 3, false);
            else
                sb_puts(&b, ",\"setup_time\":null");
            if (a)
                cli_json_str(&b, "a_leg", a->call_id, a->call_id_len, false);
            sb_puts(&b, "}\n");
        } else {
            fmt_time_utc(c->first_ts, t, sizeof(t));
            if (c->final_status)
                snprintf(fin, sizeof(fin), "%u %s", c->final_status,
                         c->final_reason ? c->final_reason : "");
            else
                snprintf(fin, sizeof(fin), "-");
            /* Padded by hand, not printf: a long --list spent a tenth of
             * its time formatting these columns. */
            sb_pad(&b, fmt_u64(c->id + 1, num), 5, true);
            sb_putc(&b, ' ');
            sb_pad(&b, t, 26, true);
            sb_putc(&b, ' ');
            sb_pad(&b, call_kind_name(c->kind), 9, true);
            sb_putc(&b, ' ');
            pad_escaped(&b, c->from_user, 16);
            pad_escaped(&b, c->to_user, 16);
            sb_pad(&b, src, 21, true);
            sb_putc(&b, ' ');
            sb_pad(&b, dst, 21, true);
            sb_putc(&b, ' ');
            sb_pad(&b, fmt_u64(c->nmsgs, num), 5, false);
            sb_putc(&b, ' ');
            sb_pad(&b, call_state_name(c->state), 10, true);
            sb_putc(&b, ' ');
            pad_escaped(&b, fin, 28);
            sb_pad(&b, dur, 9, false);
            sb_putc(&b, ' ');
            sb_pad(&b, setup, 8, false);
            if (c->final_status) {
                /* the final response read in its flow (diag.h) */
                sb_puts(&b, "  ");
                cli_response_note(s, kb, c, diag_call_final_msg(c), e, &b);
                while (b.len && b.s[b.len - 1] == ' ')
                    b.len--;
            }
            sb_putc(&b, '\n');
        }
        if (b.len > 65536)
            cli_flush(cfg, &b);
    }
    store_counts(s, &cnt);
    if (!cfg->json) {
        if (cfg->filter)
            sb_printf(&b, "%zu of %" PRIu64 " calls, %" PRIu64 " messages match the filter; ",
                      shown, cnt.calls, shown_msgs);
        sb_printf(&b, "%" PRIu64 " calls, %" PRIu64 " messages", cnt.calls, cnt.messages);
        if (cnt.rotated_calls)
            sb_printf(&b, " (%" PRIu64 " older calls with %" PRIu64
                          " messages rotated out by --max-memory)",
                      cnt.rotated_calls, cnt.rotated_messages);
        sb_putc(&b, '\n');
    }
    cli_flush(cfg, &b);
    if (cfg->exit_when_done) {
        /* The kernel takes a million-message store back at once; freeing
         * it call by call was 0.1 s of a 1.3 s run.  Everything is still
         * reachable from this frame, so leak checkers stay quiet. */
        fflush(cfg->out);
        fflush(cfg->err);
        exit(rc);
    }
    sb_fini(&b);
    sb_fini(&tmp);
    kb_free(kb);
    store_free(s);
    return rc;
}
