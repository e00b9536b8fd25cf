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
    const char *m;

    sb_init(&b);
    if (d->file[0]) {
        sb_append_escaped(&b, d->file, strlen(d->file));
        sb_puts(&b, ": ");
    }
    if (d->line > 0)
        sb_printf(&b, "%d: ", d->line);
    if (d->col > 0)
        sb_printf(&b, "col %d: ", d->col);
    if (d->frame > 0)
        sb_printf(&b, "frame %" PRIu64 ": ", d->frame);
    if (d->offset >= 0)
        sb_printf(&b, "offset %" PRId64 ": ", d->offset);
    /* The message often quotes an argument or a name from a file: escaped,
     * line by line (a filter error's caret line stays a line of its own). */
    for (m = d->msg; *m;) {
        const char *nl = strchr(m, '\n');
        size_t k = nl ? (size_t)(nl - m) : strlen(m);

        sb_append_escaped(&b, m, k);
        if (!nl)
            break;
        sb_putc(&b, '\n');
        m = nl + 1;
    }
    snprintf(out, outlen, "%s", b.s ? b.s : "");
    sb_fini(&b);
}
