/*
 * save: `--save FILE`, the batch form of the console's save dialog: every
 * call of the inputs written with export_calls (pcap, pcapng or text, by
 * --save-format or the file name).  Main thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "export.h"
#include "filter.h"
#include "rtp.h"

int cli_save(const struct config *cfg)
{
    struct export_opts o;
    struct export_result res;
    struct err d;
    struct store *s;
    struct kb *kb;
    struct strbuf tmp;
    struct rtp_table *rtp = NULL;
    uint64_t *ids;
    size_t i, n, nids = 0;
    bool page;
    int rc;

    memset(&o, 0, sizeof o);
    if (cfg->save_format && export_format_parse(cfg->save_format, &o.fmt) < 0) {
        char e[256];

        fprintf(cfg->err, "sipdx: --save-format: unknown format '%s'\n",
                str_escape(cfg->save_format, e, sizeof(e)));
        return 2;
    }
    if (o.fmt == EXPORT_FMT_AUTO &&
        export_format_from_path(cfg->save_path) == EXPORT_FMT_UNKNOWN) { /* before loading */
        char e[256];

        fprintf(cfg->err, "sipdx: --save: %s: unknown file type: name it %s (or --save-format)\n",
                str_escape(cfg->save_path, e, sizeof(e)), EXPORT_EXTENSIONS);
        return 2;
    }
    page = (o.fmt == EXPORT_FMT_AUTO ? export_format_from_path(cfg->save_path) : o.fmt) ==
           EXPORT_FMT_HTML;
    s = cli_store_new(cfg);
    /* --rtp-store: the calls' RTP packets go into the file too; a page
     * shows the calls' media table */
    rc = cli_run_rtp(cfg, s, NULL, NULL, cfg->rtp_store || page ? &rtp : NULL);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to save */
        rtp_table_free(rtp);
        store_free(s);
        return rc;
    }
    o.rtp = cfg->rtp_store || page ? rtp : NULL;
    kb = cli_kb(cfg);
    o.ladder = true;
    o.kb = kb;
    /* a page of every call of the capture (no -Y/--ext): charts */
    o.charts = !cfg->filter;
    n = store_ncalls(s);
    ids = xmalloc((n ? n : 1) * sizeof *ids);
    sb_init(&tmp);
    for (i = 0; i < n; i++) {
        const struct store_call *c = store_call_at(s, i);

        if (!cfg->filter || filter_match_call(cfg->filter, s, c, &tmp))
            ids[nids++] = c->id;
    }
    sb_fini(&tmp);
    err_clear(&d);
    if (export_calls(s, ids, nids, cfg->save_path, &o, &res, &d) < 0) {
        char msg[600];

        err_format(&d, msg, sizeof msg);
        fprintf(cfg->err, "sipdx: --save: %s\n", msg);
        rc = 2;
    } else {
        fprintf(cfg->err, "sipdx: saved %llu calls, %llu messages", (unsigned long long)res.calls,
                (unsigned long long)res.messages);
        if (res.frames)
            fprintf(cfg->err, " (%llu frames)", (unsigned long long)res.frames);
        if (rtp)
            fprintf(cfg->err, ", %llu RTP packets", (unsigned long long)res.rtp);
        fprintf(cfg->err, " to %s\n", cfg->save_path);
        if (res.unreadable)
            fprintf(cfg->err, "sipdx: %llu messages could not be re-read and were left out\n",
                    (unsigned long long)res.unreadable);
        if (res.rtp_unreadable)
            fprintf(cfg->err,
                    "sipdx: %llu RTP packets had no file position (stdin, gzip) and "
                    "were left out\n",
                    (unsigned long long)res.rtp_unreadable);
        if (res.retyped)
            fprintf(cfg->err,
                    "sipdx: %llu TLS and WSS messages written decrypted (plain TCP, WebSocket)\n",
                    (unsigned long long)res.retyped);
    }
    free(ids);
    kb_free(kb);
    rtp_table_free(rtp);
    store_free(s);
    return rc;
}
