/*
 * share_csv: the call list as CSV for spreadsheets (RFC 4180): a header
 * row, one row per call with the fields of --list --json, CRLF line ends,
 * fields with a comma, quote or line break quoted and quotes doubled.
 * Text from the wire is display text (control characters escaped), and a
 * value a spreadsheet would run as a formula (= + @ or - then a non-digit)
 * gets a leading apostrophe.
 */
#include "export_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void field(struct strbuf *b, const char *s, bool first)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    const char *p;

    if (!first)
        sb_putc(b, ',');
    if (quote)
        sb_putc(b, '"');
    if (s[0] == '=' || s[0] == '+' || s[0] == '@' || (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9')))
        sb_putc(b, '\'');
    for (p = s; *p; p++) {
        if (*p == '"')
            sb_putc(b, '"');
        sb_putc(b, *p);
    }
    if (quote)
        sb_putc(b, '"');
}

static void text_field(struct strbuf *b, const char *s, size_t n)
{
    struct strbuf e;

    sb_init(&e);
    sb_append_escaped(&e, s, n);
    field(b, e.s ? e.s : "", false);
    sb_fini(&e);
}

static void secs_field(struct strbuf *b, int64_t ns)
{
    char v[32] = "";

    if (ns >= 0)
        snprintf(v, sizeof(v), "%.3f", (double)ns / 1e9);
    field(b, v, false);
}

void share_csv(const struct store *s, const struct store_call *const *calls, size_t n,
               struct strbuf *out)
{
    size_t i;

    sb_puts(out, "index,call_id,start,kind,from,to,src,dst,messages,state,status,reason,"
                 "duration,setup_time\r\n");
    for (i = 0; i < n; i++) {
        const struct store_call *c = calls[i];
        char t[64], src[64], dst[64], num[24];

        snprintf(num, sizeof(num), "%" PRIu64, c->id + 1);
        field(out, num, true);
        text_field(out, c->call_id, c->call_id_len);
        fmt_time_epoch(c->first_ts, t, sizeof(t));
        field(out, t, false);
        field(out, call_kind_name(c->kind), false);
        text_field(out, c->from_user, strlen(c->from_user));
        text_field(out, c->to_user, strlen(c->to_user));
        cap_addr_format(store_endpoint(s, c->src_ep), true, src, sizeof(src));
        cap_addr_format(store_endpoint(s, c->dst_ep), true, dst, sizeof(dst));
        field(out, src, false);
        field(out, dst, false);
        snprintf(num, sizeof(num), "%" PRIu32, c->nmsgs);
        field(out, num, false);
        field(out, call_state_name(c->state), false);
        if (c->final_status) {
            snprintf(num, sizeof(num), "%u", (unsigned)c->final_status);
            field(out, num, false);
            text_field(out, c->final_reason ? c->final_reason : "",
                       c->final_reason ? strlen(c->final_reason) : 0);
        } else {
            field(out, "", false);
            field(out, "", false);
        }
        secs_field(out, store_call_duration(c));
        secs_field(out, store_call_setup(c));
        sb_puts(out, "\r\n");
    }
}
