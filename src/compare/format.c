/*
 * format: a comparison as text, for --compare and the console's compare
 * view alike.  Pure; any thread.
 */
#include "compare.h"

#include "store.h"
#include "util.h"

void compare_format_text(const struct store_call *f, const struct store_call *g,
                         const struct compare_result *r, struct strbuf *b)
{
    char t[64];
    size_t i;
    bool sep_head = false, other_head = false;

    sb_puts(b, "failed: ");
    sb_append_escaped(b, f->call_id, f->call_id_len);
    fmt_time_utc(f->first_ts, t, sizeof(t));
    sb_printf(b, "  %s  %s\ngood:   ", t, call_state_name(f->state));
    sb_append_escaped(b, g->call_id, g->call_id_len);
    fmt_time_utc(g->first_ts, t, sizeof(t));
    sb_printf(b, "  %s  %s\n", t, call_state_name(g->state));
    sb_printf(b, "answered calls on this route: %zu\n", r->ngood_on_route);
    sb_puts(b, "first divergence: ");
    sb_puts(b, r->divergence_txn ? r->divergence : "none: the flows have the same responses");
    sb_putc(b, '\n');
    if (!r->ndiffs)
        sb_puts(b, "no differences in the requests\n");
    for (i = 0; i < r->ndiffs; i++) {
        const struct compare_diff *d = &r->diffs[i];

        if (d->separates && !sep_head) {
            sb_puts(b, "\nsets the failed call apart from every answered call on the route:\n");
            sep_head = true;
        } else if (!d->separates && !other_head) {
            sb_puts(b, sep_head ? "\nother differences:\n" : "\ndifferences:\n");
            other_head = true;
        }
        /* The values were escaped when read (features.c). */
        sb_printf(b, "  [%d] %s\n      failed: %s\n      good:   %s\n", d->txn, d->what, d->failed,
                  d->good);
    }
}
