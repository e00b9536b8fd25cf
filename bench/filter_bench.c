/*
 * filter_bench: how long the filter takes over every message of a capture
 * once it is loaded (bench/filter.sh builds and runs it; not a test).
 *
 * Loads FILE into a store as `sipdx --list` does (engine_run_files), then
 * for each filter times one pass of filter_match_stored() over every
 * message of every call, the work the console does when a filter is
 * applied to a loaded capture (each pass is repeated and the fastest kept;
 * wall time and the thread's CPU time, which a busy machine inflates less).
 * The default filters are on indexed fields (Call-ID, method, status, From
 * user), answered from the store's index; one on a header (User-Agent) is
 * added for contrast, since it re-reads and parses every message.
 *
 * usage: filter_bench FILE [REPS] [EXPR...]
 * Single-threaded apart from the engine's capture thread while loading.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "filter.h"
#include "store.h"
#include "util.h"

static double clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

static void one(const struct store *s, const char *expr, int reps, uint64_t nmsgs)
{
    struct err d;
    struct filter *f;
    struct strbuf tmp;
    double best = 0, best_cpu = 0;
    uint64_t hits = 0, calls = 0;
    int r;

    err_clear(&d);
    f = filter_compile(expr, &d);
    if (!f) {
        char msg[300];

        err_format(&d, msg, sizeof(msg));
        fprintf(stderr, "filter_bench: %s: %s\n", expr, msg);
        return;
    }
    sb_init(&tmp);
    for (r = 0; r < reps; r++) {
        double t0 = now_ms(), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID), dt, dc;
        size_t i, n = store_ncalls(s);

        hits = calls = 0;
        for (i = 0; i < n; i++) {
            const struct store_call *c = store_call_at(s, i);
            bool any = false;
            uint32_t j;

            for (j = 0; j < c->nmsgs; j++) {
                if (filter_match_stored(f, s, c, &c->msgs[j], NULL, 0, &tmp)) {
                    hits++;
                    any = true;
                }
            }
            calls += any;
        }
        dt = now_ms() - t0;
        dc = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (r == 0 || dt < best)
            best = dt;
        if (r == 0 || dc < best_cpu)
            best_cpu = dc;
    }
    printf("%-58s wall %7.1f ms  cpu %7.1f ms (%5.1f ns/msg)  %7" PRIu64 " msgs %6" PRIu64
           " calls\n",
           expr, best, best_cpu, best_cpu * 1e6 / (double)(nmsgs ? nmsgs : 1), hits, calls);
    sb_fini(&tmp);
    filter_free(f);
}

int main(int argc, char **argv)
{
    struct store_opts opts;
    struct store_counts cnt;
    struct store *s;
    const char *path;
    int reps = 3, i;
    double t0;
    char expr[4][512];

    if (argc < 2) {
        fprintf(stderr, "usage: filter_bench FILE [REPS] [EXPR...]\n");
        return 2;
    }
    path = argv[1];
    if (argc > 2)
        reps = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
    memset(&opts, 0, sizeof(opts));
    s = store_new(&opts);
    t0 = now_ms();
    if (engine_run_files(&path, 1, s, NULL, NULL, stderr) != 0)
        fprintf(stderr, "filter_bench: input damaged; going on with what was read\n");
    store_counts(s, &cnt);
    printf("loaded %s: %" PRIu64 " messages, %" PRIu64 " calls in %.0f ms\n", path, cnt.messages,
           cnt.calls, now_ms() - t0);
    if (argc > 3) {
        for (i = 3; i < argc; i++)
            one(s, argv[i], reps, cnt.messages);
    } else if (store_ncalls(s) > 0) {
        /* Values that exist in the capture: a Call-ID and a From user from
         * the middle of the file. */
        const struct store_call *c = store_call_at(s, store_ncalls(s) / 2);

        snprintf(expr[0], sizeof(expr[0]), "sip.Call-ID == \"%.400s\"", c->call_id);
        snprintf(expr[1], sizeof(expr[1]), "sip.from.user == \"%.400s\"", c->from_user);
        snprintf(expr[2], sizeof(expr[2]),
                 "sip.Method == \"INVITE\" and sip.Status-Code >= 400 or sip.from.user == "
                 "\"%.400s\"",
                 c->from_user);
        one(s, expr[0], reps, cnt.messages);
        one(s, "sip.Method == \"INVITE\"", reps, cnt.messages);
        one(s, "sip.Status-Code >= 400", reps, cnt.messages);
        one(s, expr[1], reps, cnt.messages);
        one(s, expr[2], reps, cnt.messages);
        one(s, "sip.User-Agent contains \"Yealink\"", 1, cnt.messages);
    }
    store_free(s);
    return 0;
}
