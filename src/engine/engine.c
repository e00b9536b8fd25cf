/*
 * engine: readers -> decoder -> sip_parse -> store (batch, one thread).
 * Ownership: the engine owns its readers and decoder for the duration of
 * engine_run_files(); the store is the caller's.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct engine_ctx {
    struct store *store;
    engine_msg_fn fn;
    void *ctx;
    struct engine_counts *counts;
};

/* A payload is worth parsing when the decoder recognised a start line, or
 * when "SIP/2.0" appears near its start (junk before the request line). */
static bool maybe_sip(const struct cap_payload *p)
{
    size_t n = p->len < 1024 ? p->len : 1024;

    if (p->sip_likely)
        return true;
    return n >= 7 && mem_find(p->data, n, "SIP/2.0", 7) != NULL;
}

size_t engine_feed_payload(struct store *store, const struct cap_payload *p, engine_msg_fn fn,
                           void *ctx)
{
    const char *buf = (const char *)p->data;
    size_t off = 0, count = 0;
    struct sip_msg m;
    struct store_input in;

    if (!maybe_sip(p))
        return 0;
    /* A datagram may hold several messages back to back; the parser says
     * how many bytes each used.  Bounded by the payload length. */
    while (off < p->len) {
        const struct store_call *c;
        size_t used;

        while (off < p->len && (buf[off] == '\r' || buf[off] == '\n'))
            off++;
        if (off >= p->len)
            break;
        if (sip_parse(buf + off, p->len - off, &m) != 0) {
            sip_msg_fini(&m);
            break;
        }
        used = m.skipped + m.len;
        store_input_from(&in, p, &m);
        c = store_add(store, &in);
        if (fn)
            fn(ctx, p, &m, c, &c->msgs[c->nmsgs - 1]);
        sip_msg_fini(&m);
        count++;
        if (used == 0)
            break;
        off += used;
    }
    return count;
}

static void on_payload(void *vctx, const struct cap_payload *p)
{
    struct engine_ctx *e = vctx;
    size_t n;

    e->counts->payloads++;
    n = engine_feed_payload(e->store, p, e->fn, e->ctx);
    if (n)
        e->counts->sip_messages += n;
    else
        e->counts->not_sip++;
}

int engine_run_files(const char *const *paths, size_t n, struct store *store, engine_msg_fn fn,
                     void *ctx, FILE *err, struct engine_counts *counts)
{
    struct cap_reader **readers = xcalloc(n ? n : 1, sizeof(*readers));
    struct engine_counts local;
    struct engine_ctx e;
    struct cap_limits lim;
    struct cap_decoder *dec;
    struct cap_merge *merge;
    struct cap_record rec;
    struct diag d;
    char msg[512];
    size_t i, nr = 0;
    int rc = 0, r;

    if (!counts)
        counts = &local;
    memset(counts, 0, sizeof(*counts));
    for (i = 0; i < n; i++) {
        struct cap_reader *rd;
        unsigned src;

        diag_clear(&d);
        src = store_source_add(store, paths[i], false);
        rd = cap_reader_open(paths[i], src, &d);
        if (!rd) {
            diag_format(&d, msg, sizeof(msg));
            fprintf(err, "sipdx: %s\n", msg);
            counts->bad_inputs++;
            rc = 1;
            continue;
        }
        if (cap_reader_seekable(rd))
            store_source_open(store, src); /* message bytes re-read with pread */
        readers[nr++] = rd;
    }
    memset(&e, 0, sizeof(e));
    e.store = store;
    e.fn = fn;
    e.ctx = ctx;
    e.counts = counts;
    cap_limits_default(&lim);
    dec = cap_decoder_new(&lim, on_payload, &e);
    merge = cap_merge_new(readers, (unsigned)nr);
    for (;;) {
        diag_clear(&d);
        r = cap_merge_next(merge, &rec, &d);
        if (r == 0)
            break;
        if (r < 0) {
            diag_format(&d, msg, sizeof(msg));
            fprintf(err, "sipdx: %s\n", msg);
            counts->bad_inputs++;
            rc = 1;
            continue;
        }
        counts->frames++;
        cap_decoder_feed(dec, &rec);
    }
    cap_decoder_flush(dec);
    cap_decoder_free(dec);
    cap_merge_free(merge);
    free(readers);
    return rc;
}
