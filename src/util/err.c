/*
 * err: the caller-owned error record that parsers and readers fill in
 * (STYLE §4).  The caller decides whether it goes to stderr or the status
 * line.  Thread-safe: it only touches the struct it is given.
 */
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void err_clear(struct err *d)
{
    memset(d, 0, sizeof(*d));
    d->offset = -1;
}

void err_set(struct err *d, const char *fmt, ...)
{
    va_list ap;

    if (!d)
        return;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
}

void err_format(const struct err *d, char *out, size_t outlen)
{
    struct strbuf b;

    sb_init(&b);
    if (d->file[0])
        sb_printf(&b, "%s: ", d->file);
    if (d->line > 0)
        sb_printf(&b, "%d: ", d->line);
    if (d->col > 0)
        sb_printf(&b, "col %d: ", d->col);
    if (d->frame > 0)
        sb_printf(&b, "frame %" PRIu64 ": ", d->frame);
    if (d->offset >= 0)
        sb_printf(&b, "offset %" PRId64 ": ", d->offset);
    sb_puts(&b, d->msg);
    snprintf(out, outlen, "%s", b.s ? b.s : "");
    sb_fini(&b);
}
