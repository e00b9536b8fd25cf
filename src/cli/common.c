/*
 * common: helpers shared by the batch outputs (loading, JSON fields,
 * formatting).  Main thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "engine.h"

struct store *cli_load(const struct config *cfg, engine_msg_fn fn, void *ctx, int *rc)
{
    struct store_opts opts;
    struct store *s;

    memset(&opts, 0, sizeof(opts));
    opts.max_memory = cfg->max_memory;
    s = store_new(&opts);
    *rc = engine_run_files(cfg->inputs, cfg->ninputs, s, fn, ctx, cfg->err);
    return s;
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
    key(b, k, first);
    sb_printf(b, "%lld", v);
}

void cli_json_bool(struct strbuf *b, const char *k, bool v, bool first)
{
    key(b, k, first);
    sb_puts(b, v ? "true" : "false");
}

void cli_fmt_secs(int64_t ns, char *out, size_t outlen)
{
    if (ns < 0)
        snprintf(out, outlen, "-");
    else
        snprintf(out, outlen, "%" PRId64 ".%03" PRId64, ns / 1000000000, (ns / 1000000) % 1000);
}

void cli_flush(const struct config *cfg, struct strbuf *b)
{
    if (b->len)
        fwrite(b->s, 1, b->len, cfg->out);
    sb_reset(b);
}
