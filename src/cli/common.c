/*
 * common: helpers shared by the batch outputs (loading, JSON fields,
 * formatting).  Main thread; the formatting helpers (cli_json_*, cli_ep,
 * cli_fmt_secs) also run on
 * --list's helper threads: they write only to the caller's strbuf and read
 * a store that is no longer loading.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli_int.h"
#include "engine.h"
#include "filter.h"
#include "ladder.h"
#include "rtp.h"

static volatile sig_atomic_t got_stop; /* SIGINT/SIGTERM during a live batch run */

static void on_stop(int sig)
{
    (void)sig;
    got_stop = 1;
}

struct store *cli_store_new(const struct config *cfg)
{
    struct store_opts opts;

    memset(&opts, 0, sizeof(opts));
    opts.max_memory = engine_max_memory(cfg->max_memory, &cfg->live);
    if (cfg->matcher) {
        opts.match = filter_store_match;
        opts.match_ctx = cfg->matcher;
    }
    return store_new(&opts);
}

int cli_inputs_check(const struct config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->ninputs; i++) {
        const char *path = cfg->inputs[i];
        struct cap_reader *rd;
        struct stat st;
        struct err d;
        char msg[600];
        int e;

        if (strcmp(path, "-") == 0)
            continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            /* A pipe (<(zcat x.gz)) gives its bytes once: opening it here
             * would take them from the real reader. */
            if (access(path, R_OK) == 0)
                continue;
            e = errno;
            fprintf(cfg->err, "sipdx: %s: %s\n", str_escape(path, msg, sizeof(msg)), strerror(e));
            return CLI_EXIT_INPUT;
        }
        err_clear(&d);
        rd = cap_reader_open(path, (unsigned)i, &d);
        if (!rd) {
            err_format(&d, msg, sizeof(msg));
            fprintf(cfg->err, "sipdx: %s\n", msg);
            return CLI_EXIT_INPUT;
        }
        cap_reader_close(rd);
    }
    return CLI_EXIT_OK;
}

int cli_run(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx)
{
    return cli_run_rtp(cfg, s, fn, ctx, NULL);
}

static int run(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx,
               struct rtp_table **rtp, void (*idle)(void *ctx))
{
    struct rtp_opts ro;
    struct store_counts n;
    struct engine_limits lim;
    int rc;

    memset(&lim, 0, sizeof(lim));
    lim.idle = idle;
    lim.duration_s = cfg->duration;
    lim.count = cfg->count;
    lim.stop = &got_stop;
    if (live_opts_active(&cfg->live)) {
        /* Ctrl-C ends the capture and the output is printed. */
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    rtp_opts_default(&ro);
    ro.store_packets = cfg->rtp_store;
    rc =
        engine_run_rtp(cfg->inputs, cfg->ninputs, &cfg->live, &lim, s, fn, ctx, cfg->err, &ro, rtp);
    if (cfg->matcher && rc != CLI_EXIT_INPUT) {
        /* What --match saved: calls it never had to keep. */
        store_counts(s, &n);
        fprintf(cfg->err,
                "sipdx: --match kept %" PRIu64 " of %" PRIu64 " calls; dropped %" PRIu64
                " calls (%" PRIu64 " messages) without a matching message: %" PRIu64
                " ended, %" PRIu64 " evicted over the pending limit, %" PRIu64
                " unfinished at the end of the input\n",
                n.total_calls - n.unmatched_ended - n.unmatched_evicted - n.pending_calls,
                n.total_calls, n.unmatched_ended + n.unmatched_evicted + n.pending_calls,
                n.unmatched_messages + n.pending_messages, n.unmatched_ended, n.unmatched_evicted,
                n.pending_calls);
    }
    return rc;
}

int cli_run_rtp(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx,
                struct rtp_table **rtp)
{
    return run(cfg, s, fn, ctx, rtp, NULL);
}

int cli_run_streaming(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx,
                      void (*idle)(void *ctx))
{
    return run(cfg, s, fn, ctx, NULL, idle);
}

struct store *cli_load(const struct config *cfg, engine_msg_fn fn, void *ctx, int *rc)
{
    struct store *s = cli_store_new(cfg);

    *rc = cli_run(cfg, s, fn, ctx);
    return s;
}

struct kb *cli_kb(const struct config *cfg)
{
    struct err d;
    struct kb *kb;
    size_t i;

    err_clear(&d);
    kb = kb_new(cfg->lang, cfg->kb_dir, &d);
    if (!kb) {
        char msg[512];

        err_format(&d, msg, sizeof(msg));
        fprintf(cfg->err, "sipdx: knowledge base: %s\n", msg);
        return NULL;
    }
    for (i = 0; i < kb_error_count(kb); i++)
        fprintf(cfg->err, "sipdx: %s\n", kb_error(kb, i));
    return kb;
}

void cli_json_explain(struct strbuf *b, const struct kb_entry *e)
{
    const char *sev;

    if (!e) {
        sb_puts(b, ",\"explain\":null");
        return;
    }
    sev = kb_severity_name(e->severity);
    sb_puts(b, ",\"explain\":{");
    cli_json_str(b, "title", e->title, strlen(e->title), true);
    cli_json_str(b, "short", e->short_text, strlen(e->short_text), false);
    cli_json_str(b, "severity", sev, strlen(sev), false);
    cli_json_str(b, "meaning", e->meaning, strlen(e->meaning), false);
    sb_putc(b, '}');
}

void cli_ep(const struct store *s, uint32_t ep, char *out, size_t outlen)
{
    cap_addr_format(store_endpoint(s, ep), true, out, outlen);
}

static void key(struct strbuf *b, const char *k, bool first)
{
    if (!first)
        sb_putc(b, ',');
    sb_append_json(b, k, strlen(k));
    sb_putc(b, ':');
}

void cli_json_str(struct strbuf *b, const char *k, const char *v, size_t n, bool first)
{
    key(b, k, first);
    if (!v)
        sb_puts(b, "null");
    else
        sb_append_json(b, v, n);
}

void cli_json_num(struct strbuf *b, const char *k, double v, int decimals, bool first)
{
    key(b, k, first);
    sb_printf(b, "%.*f", decimals, v);
}

void cli_json_int(struct strbuf *b, const char *k, long long v, bool first)
{
    char num[24];

    key(b, k, first);
    if (v >= 0) /* fmt_u64, not printf: five per object of a long --list --json */
        sb_puts(b, fmt_u64((uint64_t)v, num));
    else
        sb_printf(b, "%lld", v);
}

void cli_json_secs(struct strbuf *b, const char *k, int64_t ns, bool first)
{
    char num[24], frac[4];
    int64_t ms;

    /* printf rounds the double ns / 1e9 to 3 decimals.  Below 1e15 ns the
     * double is within 0.06 ns of the exact quotient, so it rounds as the
     * integer does, unless the quotient is exactly halfway (sub-ms part
     * 500000 ns): printf rounds the double's binary value, leave it that. */
    if (ns < 0 || ns >= 1000000000000000LL || ns % 1000000 == 500000) {
        cli_json_num(b, k, (double)ns / 1e9, 3, first);
        return;
    }
    ms = ns / 1000000 + (ns % 1000000 > 500000);
    frac[0] = '.';
    frac[1] = (char)('0' + ms / 100 % 10);
    frac[2] = (char)('0' + ms / 10 % 10);
    frac[3] = (char)('0' + ms % 10);
    key(b, k, first);
    sb_puts(b, fmt_u64((uint64_t)(ms / 1000), num));
    sb_append(b, frac, 4);
}

void cli_json_bool(struct strbuf *b, const char *k, bool v, bool first)
{
    key(b, k, first);
    sb_puts(b, v ? "true" : "false");
}

void cli_fmt_secs(int64_t ns, char *out, size_t outlen)
{
    char t[32];
    size_t n = 0, i;
    int64_t sec, ms;

    if (outlen == 0)
        return;
    if (ns < 0) {
        snprintf(out, outlen, "-");
        return;
    }
    /* "S.mmm" without snprintf: two of these per line of a long --list. */
    sec = ns / 1000000000;
    ms = (ns / 1000000) % 1000;
    for (i = 0; i < 3; i++, ms /= 10)
        t[sizeof(t) - 1 - n++] = (char)('0' + ms % 10);
    t[sizeof(t) - 1 - n++] = '.';
    do {
        t[sizeof(t) - 1 - n++] = (char)('0' + sec % 10);
        sec /= 10;
    } while (sec && n < sizeof(t) - 1);
    if (n > outlen - 1)
        n = outlen - 1;
    memcpy(out, t + sizeof(t) - n, n);
    out[n] = '\0';
}

void cli_frame_text(struct strbuf *b, const struct config *cfg, unsigned source, uint64_t frame)
{
    char num[24];

    if (cfg->ninputs > 1) {
        sb_puts(b, fmt_u64(source, num));
        sb_putc(b, '#');
    }
    sb_puts(b, fmt_u64(frame, num));
}

void cli_flush(const struct config *cfg, struct strbuf *b)
{
    if (b->len)
        fwrite(b->s, 1, b->len, cfg->out);
    sb_reset(b);
}

void cli_json_response_context(const struct store *s, const struct kb *kb,
                               const struct store_call *c, uint32_t i, struct strbuf *b)
{
    enum diag_ctx ctx = diag_response_context(s, c, i);
    const char *name = ctx == DIAG_CTX_NORMAL    ? "normal"
                       : ctx == DIAG_CTX_FAILURE ? "failure"
                                                 : "plain";

    cli_json_str(b, "context", name, strlen(name), false);
    ladder_response_extras(s, kb, c, i, true, b);
}

void cli_rotated_text(struct strbuf *b, const struct store_counts *cnt)
{
    char from[40], to[40];

    if (!cnt->rotated_calls)
        return;
    fmt_time_utc(cnt->rotated_from_ns, from, sizeof(from));
    fmt_time_utc(cnt->rotated_to_ns, to, sizeof(to));
    sb_printf(b,
              "rotated out by the memory limit: %" PRIu64 " older calls with %" PRIu64
              " messages, from %s to %s UTC (left out of the calls and figures above)\n",
              cnt->rotated_calls, cnt->rotated_messages, from, to);
}

void cli_rotated_json(struct strbuf *b, const struct store_counts *cnt)
{
    char from[40], to[40];

    if (!cnt->rotated_calls) { /* the key is always there (docs/json.md) */
        sb_puts(b, ",\"rotated_out\":null");
        return;
    }
    fmt_time_epoch(cnt->rotated_from_ns, from, sizeof(from));
    fmt_time_epoch(cnt->rotated_to_ns, to, sizeof(to));
    sb_printf(b,
              ",\"rotated_out\":{\"calls\":%" PRIu64 ",\"messages\":%" PRIu64
              ",\"from\":%s,\"to\":%s}",
              cnt->rotated_calls, cnt->rotated_messages, from, to);
}

const struct store_call *cli_find_call(const struct store *s, const char *text)
{
    const struct store_call *c = store_call_find(s, text, strlen(text));
    size_t n = strlen(text) + 1;
    char *raw;
    long len;

    if (c)
        return c;
    /* The Call-ID as an output printed it: escapes undone. */
    raw = xmalloc(n);
    len = str_unescape(text, raw, n);
    if (len >= 0)
        c = store_call_find(s, raw, (size_t)len);
    free(raw);
    return c;
}
