/*
 * compare_calls: `--compare CALL-ID [CALL-ID]`, a failed call held against
 * a good one (compare.h), as text or one JSON object.
 *
 * Thread: the main thread.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "compare.h"

static const struct store_call *find(const struct config *cfg, const struct store *s,
                                     const char *id)
{
    const struct store_call *c = store_call_find(s, id, strlen(id));

    if (!c) {
        struct strbuf b;

        sb_init(&b);
        sb_append_escaped(&b, id, strlen(id));
        fprintf(cfg->err, "sipdx: no call with Call-ID '%s' (see --list)\n", b.s);
        sb_fini(&b);
    }
    return c;
}

static void json_out(const struct store_call *f, const struct store_call *g,
                     const struct compare_result *r, struct strbuf *b)
{
    size_t i;

    sb_putc(b, '{');
    cli_json_str(b, "failed", f->call_id, f->call_id_len, true);
    cli_json_str(b, "good", g->call_id, g->call_id_len, false);
    cli_json_int(b, "good_calls_on_route", (long long)r->ngood_on_route, false);
    if (r->divergence_txn) {
        sb_puts(b, ",\"first_divergence\":{");
        cli_json_int(b, "transaction", r->divergence_txn, true);
        cli_json_str(b, "text", r->divergence, strlen(r->divergence), false);
        sb_putc(b, '}');
    } else {
        sb_puts(b, ",\"first_divergence\":null");
    }
    sb_puts(b, ",\"differences\":[");
    for (i = 0; i < r->ndiffs; i++) {
        const struct compare_diff *d = &r->diffs[i];

        if (i)
            sb_putc(b, ',');
        sb_putc(b, '{');
        cli_json_str(b, "what", d->what, strlen(d->what), true);
        cli_json_str(b, "failed", d->failed, strlen(d->failed), false);
        cli_json_str(b, "good", d->good, strlen(d->good), false);
        cli_json_int(b, "transaction", d->txn, false);
        cli_json_bool(b, "separates", d->separates, false);
        sb_putc(b, '}');
    }
    sb_puts(b, "]}\n");
}

int cli_compare(const struct config *cfg)
{
    struct store *s;
    const struct store_call *f, *g;
    struct compare_result r;
    struct strbuf b;
    int rc;

    s = cli_load(cfg, NULL, NULL, &rc);
    if (rc == CLI_EXIT_INPUT) {
        store_free(s);
        return rc;
    }
    f = find(cfg, s, cfg->compare_failed);
    g = f && cfg->compare_good ? find(cfg, s, cfg->compare_good) : NULL;
    if (f && !cfg->compare_good) {
        g = compare_pick_good(s, f);
        if (!g)
            fprintf(cfg->err, "sipdx: no answered call on the same route to compare with "
                              "(name one: --compare FAILED GOOD)\n");
    }
    if (!f || !g) {
        store_free(s);
        return CLI_EXIT_NO_CALL;
    }
    if (compare_calls(s, f, g, &r) != 0 && rc == 0)
        rc = 1; /* a message could not be read back */
    sb_init(&b);
    if (cfg->json)
        json_out(f, g, &r, &b);
    else
        compare_format_text(f, g, &r, &b);
    cli_flush(cfg, &b);
    sb_fini(&b);
    compare_fini(&r);
    store_free(s);
    return rc;
}
