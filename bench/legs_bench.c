/*
 * legs_bench: the cost of leg correlation on a capture: loads it once,
 * then times legs_build (min of N runs) and counts the links.
 *
 *   cc -O2 -Iinclude bench/legs_bench.c build/libcore.a $(pkg-config
 *      --libs libpcap libpcre2-8 zlib) -lpthread -o legs_bench
 *   ./legs_bench FILE.pcap [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"
#include "legs.h"
#include "store.h"

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct store_opts o = {0};
    struct store *s;
    const char *path;
    double t0, load, best = 1e9;
    int runs = argc > 2 ? atoi(argv[2]) : 3, i;
    size_t by[LEGS_HOW_SERIAL + 1], n = 0, k;

    if (argc < 2) {
        fprintf(stderr, "usage: legs_bench FILE [RUNS]\n");
        return 2;
    }
    path = argv[1];
    s = store_new(&o);
    t0 = now();
    engine_run_files(&path, 1, s, NULL, NULL, stderr);
    load = now() - t0;
    for (i = 0; i < runs; i++) {
        struct legs *l;

        t0 = now();
        l = legs_build(s, NULL);
        t0 = now() - t0;
        if (t0 < best)
            best = t0;
        n = legs_nlinks(l, by);
        legs_free(l);
    }
    printf("%zu calls: load %.3f s, legs_build %.3f s (min of %d), %zu links:", store_ncalls(s),
           load, best, runs, n);
    for (k = 0; k <= LEGS_HOW_SERIAL; k++)
        printf(" %s %zu", legs_how_name((enum legs_how)k), by[k]);
    printf("\n");
    store_free(s);
    return 0;
}
