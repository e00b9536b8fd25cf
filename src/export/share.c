/*
 * share: export_calls for the formats drawn from the ladder model (.html,
 * .svg, .mmd, .puml) and the call list (.csv): the document is built in
 * memory, then written in one go (save_calls.c renames it into place).
 */
#include "export_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void share_xml(struct strbuf *b, const char *s)
{
    const char *p;

    for (p = s; *p; p++) {
        switch (*p) {
        case '&':
            sb_puts(b, "&amp;");
            break;
        case '<':
            sb_puts(b, "&lt;");
            break;
        case '>':
            sb_puts(b, "&gt;");
            break;
        case '"':
            sb_puts(b, "&quot;");
            break;
        case '\'':
            sb_puts(b, "&#39;");
            break;
        default:
            sb_putc(b, *p);
        }
    }
}

void share_xml_bytes(struct strbuf *b, const char *p, size_t n)
{
    struct strbuf e;

    sb_init(&e);
    sb_append_escaped(&e, p, n);
    share_xml(b, e.s ? e.s : "");
    sb_fini(&e);
}

int share_save(const struct store *s, const struct store_call *const *calls, size_t n,
               const char *path, enum export_format fmt, const struct export_opts *o,
               struct export_result *res, bool *created, struct err *d)
{
    bool to_stdout = strcmp(path, "-") == 0;
    struct strbuf b;
    FILE *f;
    size_t i;
    int rc = 0;

    sb_init(&b);
    if (fmt == EXPORT_FMT_HTML) {
        share_html(s, calls, n, o, &b);
    } else if (fmt == EXPORT_FMT_CSV) {
        share_csv(s, calls, n, &b);
    } else {
        struct ladder_opts lo;
        struct ladder l;

        memset(&lo, 0, sizeof(lo));
        lo.kb = o->kb;
        ladder_build(&l, s, calls, n, &lo);
        if (fmt == EXPORT_FMT_SVG) {
            sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            share_svg_ladder(&l, NULL, &b);
            sb_putc(&b, '\n');
        } else if (fmt == EXPORT_FMT_MERMAID) {
            share_mermaid(&l, &b);
        } else {
            share_plantuml(&l, &b);
        }
        ladder_fini(&l);
    }
    f = to_stdout ? stdout : fopen(path, "w");
    if (!f) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "cannot create: %s", strerror(errno));
        sb_fini(&b);
        return -1;
    }
    *created = !to_stdout;
    if ((b.len && fwrite(b.s, 1, b.len, f) != b.len) || fflush(f) != 0)
        rc = -1;
    if (!to_stdout && fclose(f) != 0)
        rc = -1;
    if (rc < 0) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "write failed: %s", strerror(errno));
    }
    sb_fini(&b);
    if (rc == 0) {
        res->calls = n;
        for (i = 0; i < n; i++)
            res->messages += calls[i]->nmsgs;
    }
    return rc;
}
