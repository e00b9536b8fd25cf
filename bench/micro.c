/*
 * micro: two hot functions timed on their own (bench/micro.sh builds and
 * runs it; not a test, never in CI).  They were "tests" once that could
 * not fail on speed; a figure belongs here.
 *
 *   sip_parse     one 928-byte INVITE with 14 headers and SDP
 *                 (tests/data/sip/multi_val_invite.sip), parsed and
 *                 released again and again;
 *   filter_match  'sip.msg.call-id = "x" or sip.msg.status >= 400' on
 *                 1 M subjects that answer from indexed fields only (the
 *                 way the store's index answers the console's filter).
 *
 * Thread CPU time (other processes on a shared box inflate it less than
 * wall time); each figure is the fastest of REPS passes.
 *
 * usage: micro SIPFILE [REPS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "sip.h"
#include "util.h"

static double cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = xmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static void bench_parse(const char *path, int reps)
{
    enum {
        ITERS = 200000
    };
    struct sip_msg m;
    size_t len, i, sink = 0;
    double best = 0;
    char *buf = slurp(path, &len);
    int r;

    if (!buf) {
        fprintf(stderr, "micro: cannot read %s\n", path);
        exit(1);
    }
    for (r = 0; r < reps; r++) {
        double t0 = cpu_ns(), ns;

        for (i = 0; i < ITERS; i++) {
            sip_parse(buf, len, &m);
            sink += m.nhdrs;
            sip_msg_fini(&m);
        }
        ns = (cpu_ns() - t0) / ITERS;
        if (r == 0 || ns < best)
            best = ns;
    }
    printf("sip_parse     %4.0f ns per %zu-byte message (%zu headers seen)\n", best, len,
           sink / ((size_t)ITERS * (size_t)reps));
    free(buf);
}

struct idx_rec {
    char call_id[48];
    size_t call_id_len;
    int status; /* 0 = request */
};

/* A subject that answers from indexed fields only: Call-ID and status. */
static void idx_values(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                       void *ectx)
{
    const struct idx_rec *rec = ctx;
    struct filter_value v;

    (void)key;
    memset(&v, 0, sizeof(v));
    if (field == FILTER_F_CALL_ID) {
        v.type = FILTER_V_STR;
        v.s = rec->call_id;
        v.len = rec->call_id_len;
        emit(ectx, &v);
    } else if (field == FILTER_F_STATUS && rec->status) {
        v.type = FILTER_V_INT;
        v.i = rec->status;
        emit(ectx, &v);
    }
}

static void bench_filter(int reps)
{
    static const int codes[] = {0, 100, 180, 200, 0, 401, 0, 200, 486, 0, 503, 183, 0, 200, 0, 487};
    enum {
        NREC = 4096,
        NEVAL = 1000000
    };
    struct idx_rec *recs = xcalloc(NREC, sizeof(*recs));
    struct filter_subject s;
    struct filter *f;
    struct err d;
    size_t i, hits = 0;
    double best = 0;
    int r;

    for (i = 0; i < NREC; i++) {
        recs[i].call_id_len = (size_t)snprintf(recs[i].call_id, sizeof(recs[i].call_id),
                                               "%zu-1647924829-397430@10.0.%zu.1", i, i % 250);
        recs[i].status = codes[i % 16];
    }
    err_clear(&d);
    f = filter_compile("sip.msg.call-id = \"x\" or sip.msg.status >= 400", &d);
    if (!f) {
        fprintf(stderr, "micro: filter does not compile\n");
        exit(1);
    }
    memset(&s, 0, sizeof(s));
    s.values = idx_values;
    for (r = 0; r < reps; r++) {
        double t0 = cpu_ns(), ms;

        hits = 0;
        for (i = 0; i < NEVAL; i++) {
            s.ctx = &recs[i % NREC];
            hits += filter_match(f, &s);
        }
        ms = (cpu_ns() - t0) / 1e6;
        if (r == 0 || ms < best)
            best = ms;
    }
    printf("filter_match  %4.0f ns per subject (%d subjects in %.1f ms, %zu matched)\n",
           best * 1e6 / NEVAL, NEVAL, best, hits);
    filter_free(f);
    free(recs);
}

int main(int argc, char **argv)
{
    int reps = argc > 2 ? atoi(argv[2]) : 5;

    if (argc < 2 || reps < 1) {
        fprintf(stderr, "usage: micro SIPFILE [REPS]\n");
        return 2;
    }
    bench_parse(argv[1], reps);
    bench_filter(reps);
    return 0;
}
