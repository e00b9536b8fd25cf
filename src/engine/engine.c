/*
 * engine: batch loading, the console's loader run to the end.  The capture
 * thread reads, decodes and parses; the calling thread owns the store and
 * hands each message to the output callback.  On two cores this halves
 * the wall time of a large file against doing both on one thread.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ENGINE_QUEUE 8192 /* records in flight between the two threads */
#define ENGINE_BATCH 4096 /* records moved into the store per drain */

int engine_run_files(const char *const *paths, size_t n, struct store *store, engine_msg_fn fn,
                     void *ctx, FILE *err)
{
    struct loader *l = loader_start(paths, n, store, ENGINE_QUEUE);
    const char *errors, *line;
    int rc = 0;

    for (;;) {
        if (loader_drain_fn(l, store, ENGINE_BATCH, fn, ctx))
            continue;
        if (loader_done(l))
            break;
        loader_wait(l, 100);
    }
    errors = loader_errors(l);
    for (line = errors; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);

        fprintf(err, "sipdx: %.*s\n", (int)len, line);
        rc = 1;
        line += len + (nl ? 1 : 0);
    }
    loader_free(l);
    return rc;
}
