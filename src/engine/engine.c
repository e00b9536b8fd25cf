/*
 * engine: batch loading, the console's loader run to the end.  The capture
 * thread reads and decodes, parse workers (parse_pool.c, one per CPU)
 * parse the SIP, and the calling thread owns the store and hands each
 * message, in capture order, to the output callback.
 * With live sources the run ends at --duration, --count or a signal
 * (*lim->stop), and then takes what the live thread still had queued.
 */
#include "engine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Records in flight between the threads.  With parse workers the queue
 * holds batches being parsed; 4096 (8 batches) keeps two workers busy, and
 * 8192 only added 4 MB of peak RSS on a large file. */
#define ENGINE_QUEUE 4096
#define ENGINE_BATCH 4096 /* records moved into the store per drain */

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t batch_max(const struct engine_limits *lim, uint64_t added)
{
    if (!lim || !lim->count)
        return ENGINE_BATCH;
    if (added >= lim->count)
        return 0;
    return lim->count - added < ENGINE_BATCH ? (size_t)(lim->count - added) : ENGINE_BATCH;
}

void engine_print_live_counts(const struct live_counts *c, FILE *err)
{
    unsigned i;

    if (!c->active)
        return;
    fprintf(err,
            "sipdx: %" PRIu64 " packets captured, %" PRIu64 " dropped by the kernel, %" PRIu64
            " by the interface, %" PRIu64 " SIP messages lost on a full queue, %" PRIu64
            " duplicates ignored\n",
            c->packets, c->kernel_drops, c->if_drops, c->queue_drops, c->duplicates);
    if (c->hep_packets || c->hep_rejected)
        fprintf(err, "sipdx: %" PRIu64 " HEP packets received, %" PRIu64 " rejected\n",
                c->hep_packets, c->hep_rejected);
    /* Every HEP refusal and loss with its reason, when there was one. */
    for (i = HEP_C_AUTH; i < HEP_COUNT_N; i++)
        if (c->hep[i] && i != HEP_C_ACCEPTED)
            fprintf(err, "sipdx: HEP: %" PRIu64 " %s\n", c->hep[i], hep_count_name(i));
    if (c->paused_skipped)
        fprintf(err, "sipdx: %" PRIu64 " packets skipped while paused\n", c->paused_skipped);
    if (c->too_deep)
        fprintf(err, "sipdx: %" PRIu64 " packets dropped: tunnels nested too deep\n", c->too_deep);
    if (c->tcp_gaps)
        fprintf(err, "sipdx: %" PRIu64 " TCP holes given up (bytes never captured)\n", c->tcp_gaps);
    if (c->hep_sent || c->hep_send_errors)
        fprintf(err, "sipdx: %" PRIu64 " HEP packets sent, %" PRIu64 " send errors\n", c->hep_sent,
                c->hep_send_errors);
    if (c->written || c->rotations)
        fprintf(err, "sipdx: %" PRIu64 " packets written, %" PRIu64 " file rotations\n", c->written,
                c->rotations);
}

uint64_t engine_max_memory(uint64_t asked, const struct live_opts *live)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    uint64_t lim = ENGINE_LIVE_MEMORY_DEFAULT;

    if (asked == ENGINE_MEMORY_UNLIMITED)
        return 0;
    if (asked || !live || !live_opts_active(live))
        return asked;
    if (pages > 0 && psz > 0 && (uint64_t)pages * (uint64_t)psz / 4 < lim)
        lim = (uint64_t)pages * (uint64_t)psz / 4;
    return lim;
}

/* With no limit (files), the machine's memory is the limit: say so once,
 * when the store has taken three quarters of it, before the system starts
 * swapping or the allocator fails.  True once said. */
static bool warn_machine_memory(const struct store *store, FILE *err)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    struct store_counts sc;
    uint64_t phys;

    if (pages <= 0 || psz <= 0)
        return true;
    phys = (uint64_t)pages * (uint64_t)psz;
    store_counts(store, &sc);
    if (sc.mem < phys / 4 * 3)
        return false;
    fprintf(err,
            "sipdx: the calls read so far take %" PRIu64 " MB of this machine's %" PRIu64
            " MB; --max-memory SIZE keeps the newest calls within SIZE\n",
            sc.mem >> 20, phys >> 20);
    return true;
}

int engine_run_rtp(const char *const *paths, size_t n, const struct live_opts *live,
                   const struct engine_limits *lim, struct store *store, engine_msg_fn fn,
                   void *ctx, FILE *err, const struct rtp_opts *ro, struct rtp_table **rtp)
{
    struct err d;
    struct loader *l;
    const char *errors, *line;
    bool is_live = live_opts_active(live);
    int64_t deadline = 0;
    uint64_t added = 0, flushed = 0;
    bool warned_mem = false;
    int rc = 0;

    err_clear(&d);
    /* No one asks for the RTP table: do not track media at all. */
    l = rtp ? loader_start_ex_rtp(paths, n, live, ro, store, ENGINE_QUEUE, &d)
            : loader_start_plain(paths, n, live, store, ENGINE_QUEUE, &d);
    if (!l) {
        char msg[600];

        err_format(&d, msg, sizeof(msg));
        fprintf(err, "sipdx: %s\n", msg);
        return 3;
    }
    if (is_live && lim && lim->duration_s)
        deadline = mono_ms() + (int64_t)lim->duration_s * 1000;
    for (;;) {
        size_t max = batch_max(lim, added), got;

        if (max == 0)
            break;
        if (is_live && ((lim && lim->stop && *lim->stop) || (deadline && mono_ms() >= deadline)))
            break;
        got = loader_drain_fn(l, store, max, fn, ctx);
        added += got;
        if (got && !warned_mem && (added & 0x3fff) < got)
            warned_mem = warn_machine_memory(store, err);
        if (got)
            continue;
        if (loader_done(l))
            break;
        if (lim && lim->idle && added != flushed) {
            lim->idle(ctx);
            flushed = added;
        }
        loader_wait(l, 50);
    }
    if (is_live) {
        struct live_counts c;
        struct store_counts sc;
        size_t max;

        loader_live_stop(l); /* its last records are queued now */
        while ((max = batch_max(lim, added)) > 0) {
            size_t got = loader_drain_fn(l, store, max, fn, ctx);

            if (!got)
                break;
            added += got;
        }
        loader_live_counts(l, &c);
        engine_print_live_counts(&c, err);
        store_counts(store, &sc);
        if (sc.max_memory)
            fprintf(err,
                    "sipdx: calls held: %" PRIu64 " MB of a %" PRIu64
                    " MB limit (--max-memory; 0 for none), %" PRIu64 " older calls rotated out\n",
                    sc.mem >> 20, sc.max_memory >> 20, sc.rotated_calls);
    }
    errors = loader_notes(l);
    for (line = errors; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);

        fprintf(err, "sipdx: %.*s\n", (int)len, line);
        line += len + (nl ? 1 : 0);
    }
    errors = loader_errors(l);
    for (line = errors; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);

        fprintf(err, "sipdx: %.*s\n", (int)len, line);
        rc = 1;
        line += len + (nl ? 1 : 0);
    }
    if (rtp)
        *rtp = loader_rtp_take(l);
    loader_free(l);
    return rc;
}

int engine_run(const char *const *paths, size_t n, const struct live_opts *live,
               const struct engine_limits *lim, struct store *store, engine_msg_fn fn, void *ctx,
               FILE *err)
{
    return engine_run_rtp(paths, n, live, lim, store, fn, ctx, err, NULL, NULL);
}

int engine_run_files(const char *const *paths, size_t n, struct store *store, engine_msg_fn fn,
                     void *ctx, FILE *err)
{
    return engine_run(paths, n, NULL, NULL, store, fn, ctx, err);
}
