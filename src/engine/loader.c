/*
 * loader: the console's capture threads: one for file inputs, and one for
 * live sources (interfaces, HEP listener: src/engine/live.c, which pushes
 * into the same queue with msgq_try_push: drops are counted, not waited).
 *
 *   capture thread: readers -> merge -> decoder -> sip_parse -> owned
 *                   struct loader_rec (bytes copied once, plus what
 *                   store_add needs) -> msgq_push (blocks when full)
 *                   (batch outputs on files: the parsing is done by the
 *                   workers of parse_pool.c, in batches that wait in the
 *                   queue in capture order)
 *   UI thread:      loader_drain -> store_add -> loader_rec_free
 *
 * The store belongs to the UI thread: loader_start registers the sources
 * there (before the thread exists) and the thread never touches the store.
 * Progress counters are _Atomic; the error text is written by the thread
 * before it sets `done` and read by the UI only after seeing it.
 */
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "engine_int.h"
#include "msgq.h"
#include "rtp.h"
#include "util.h"

struct loader_chunk *loader_chunk_new(size_t cap)
{
    struct loader_chunk *c = xmalloc(sizeof(*c) + cap);

    c->rtp = NULL;
    c->next = NULL;
    c->job = NULL;
    c->pooled = false;
    atomic_init(&c->ready, true);
    c->n = 0;
    c->used = 0;
    c->cap = cap;
    return c;
}

struct loader {
    struct msgq *q;              /* owned */
    struct cap_reader **readers; /* opened inputs, handed to merge */
    size_t nreaders;
    struct cap_merge *merge;   /* owned; thread-owned while running */
    struct cap_decoder *dec;   /* owned; thread-owned while running */
    struct cap_tls_keys *keys; /* owned: TLS key store (files, DSBs, live) */
    struct strbuf notes;       /* written by the thread before done */
    const char *lang;          /* borrowed: of the notes */
    struct prod prod;          /* the file thread's producer (owns its RTP tracker) */
    struct ppool *pool;        /* owned or NULL: parse workers (files, no RTP) */
    struct live *live;         /* owned or NULL: live sources */
    pthread_t th;
    bool started;
    _Atomic bool stop;
    _Atomic bool done;
    _Atomic uint64_t bytes_read, bytes_total, frames;
    _Atomic uint64_t tls_records, tls_decrypted, tls_auth_failed; /* the decoder's */
    /* The UI thread writes these two for every record: a cache line of
     * their own, away from what the capture thread writes. */
    _Alignas(64) struct loader_chunk *draining; /* being emptied (UI-owned) */
    size_t drain_pos;                           /* next record of draining */
    _Alignas(64) char error[512];               /* written by the thread before done */
    struct strbuf errors;                       /* every input error, one per line; written by
                                                   the thread before done (open errors by the
                                                   caller before the thread starts) */
    const char *const *paths;                   /* borrowed: the caller's, outlive l */
    bool *seekable;                             /* per path (UI thread only) */
    size_t npaths;
    int open_errors;             /* UI thread only */
    struct rtp_table *rtp_table; /* owned; UI thread (filled by drain) */
    int64_t rtp_pushed_ts;       /* capture time of the last RTP hand-over */
    uint64_t rtp_pushed_frame;
    uint64_t rtp_pruned_rot; /* store's rotated_calls at the last prune */
    size_t rtp_prune_at;     /* prune when the table grows past this */
    char open_error[512];    /* UI thread only */
};

/* ---------------------------------------------------------------- records */

void prod_init(struct prod *p, struct msgq *q, bool drop_when_full, const _Atomic bool *stop,
               struct rtp_tracker *rtp)
{
    p->q = q;
    p->chunk = NULL;
    p->head = NULL;
    p->tail = NULL;
    p->drop_when_full = drop_when_full;
    p->stop = stop;
    p->rtp = rtp;
    atomic_init(&p->messages, 0);
    atomic_init(&p->queue_drops, 0);
}

void prod_fini(struct prod *p)
{
    if (p->chunk != p->head) /* the head belongs to the queue */
        loader_chunk_free(p->chunk);
    p->chunk = NULL;
    rtp_tracker_free(p->rtp);
    p->rtp = NULL;
}

/* Strings inside the message bytes travel with them when the bytes are
 * copied (with_bytes); otherwise, and for strings from elsewhere, each is
 * copied on its own. */
static size_t str_extra(const struct store_input *in, const struct store_str *s, bool with_bytes)
{
    if (!s->p || (with_bytes && s->p >= in->bytes && s->p + s->len <= in->bytes + in->len))
        return 0;
    return s->len + 1;
}

static void str_move(const struct store_input *src, struct store_str *dst, char *base, char **tail,
                     bool with_bytes)
{
    if (!dst->p)
        return;
    if (with_bytes && dst->p >= src->bytes && dst->p + dst->len <= src->bytes + src->len) {
        dst->p = base + (dst->p - src->bytes);
        return;
    }
    memcpy(*tail, dst->p, dst->len);
    (*tail)[dst->len] = '\0';
    dst->p = *tail;
    *tail += dst->len + 1;
}

/* Kept by hand: clang-format 14 does not settle on one layout for a
 * list of X() calls (each run moves them). */
/* clang-format off */
#define REC_STRS(X)                                                                                \
    X(method_str) X(reason) X(cseq_method_str) X(cseq_raw) X(call_id) X(from_user) X(to_user)      \
    X(from_tag) X(to_tag) X(branch) X(xcall_id) X(user_agent)
/* clang-format on */

/* Room for one record of `size` bytes in the producer's chunk, pushing
 * the chunk first when it is full. */
static struct loader_rec *rec_alloc(struct prod *p, size_t size)
{
    struct loader_chunk *c = p->chunk;
    struct loader_rec *r;

    size = (size + 15) & ~(size_t)15;
    if (c && (c->n == CHUNK_RECS || c->cap - c->used < size)) {
        prod_push(p);
        c = NULL;
    }
    if (!c)
        c = p->chunk = loader_chunk_new(size > CHUNK_BYTES ? size : CHUNK_BYTES);
    r = (struct loader_rec *)(c->mem + c->used);
    c->used += size;
    c->recs[c->n++] = r;
    return r;
}

/* One self-contained record from a borrowed store_input. */
static struct loader_rec *rec_new(struct prod *p, const struct store_input *in)
{
    size_t extra = 0;
    struct loader_rec *r;
    char *tail;

    /* A message that sits in a file is re-read from there when shown, so
     * only the fields the store keeps cross the queue (about 150 bytes
     * instead of the whole message: copying every message was a tenth of
     * a large load).  Bytes from anywhere else are copied once, here. */
    bool with_bytes = in->file_off < 0;
    size_t blen = with_bytes ? in->len : 0;

#define X(f) extra += str_extra(in, &in->f, with_bytes);
    REC_STRS(X)
#undef X
    r = rec_alloc(p, sizeof(*r) + blen + extra + 1);
    r->size = blen + extra;
    r->in = *in;
    if (blen)
        memcpy(r->data, in->bytes, blen);
    r->data[blen] = '\0';
    tail = r->data + blen + 1;
#define X(f) str_move(in, &r->in.f, r->data, &tail, with_bytes);
    REC_STRS(X)
#undef X
    r->in.bytes = with_bytes ? r->data : NULL; /* NULL: read them from the file */
    return r;
}

void loader_chunk_free(void *p)
{
    struct loader_chunk *c = p;

    while (c) {
        struct loader_chunk *next = c->next;

        rtp_batch_free(c->rtp);
        pjob_free(c->job);
        free(c);
        c = next;
    }
}

/* ---------------------------------------------------------------- capture thread */

bool prod_maybe_sip(const struct cap_payload *p)
{
    size_t n = p->len < 1024 ? p->len : 1024;

    if (p->sip_likely)
        return true;
    return n >= 7 && mem_find(p->data, n, "SIP/2.0", 7) != NULL;
}

void prod_payload(struct prod *pr, const struct cap_payload *p)
{
    const char *buf = (const char *)p->data;
    size_t off = 0, used;
    struct sip_msg m;
    struct store_input in;
    bool rtp_tried = false;

    /* RTP first: it is most of the packets of a real capture, and a byte
     * with the RTP version bits (0x80-0xbf) cannot start a SIP message, so
     * the "SIP/2.0" scan below need not read every RTP packet. */
    if (!p->sip_likely && pr->rtp && p->transport == CAP_TRANSPORT_UDP && p->len &&
        (p->data[0] & 0xc0) == 0x80) {
        if (rtp_tracker_packet(pr->rtp, p))
            return;
        rtp_tried = true;
    }
    if (!prod_maybe_sip(p)) {
        if (pr->rtp && p->transport == CAP_TRANSPORT_UDP && !rtp_tried)
            rtp_tracker_packet(pr->rtp, p);
        return;
    }
    /* Several messages may share a datagram; bounded by its length. */
    while (off < p->len && !atomic_load(pr->stop)) {
        while (off < p->len && (buf[off] == '\r' || buf[off] == '\n'))
            off++;
        if (off >= p->len)
            break;
        if (sip_parse(buf + off, p->len - off, &m) != 0) {
            sip_msg_fini(&m);
            break;
        }
        used = m.skipped + m.len;
        if (pr->rtp && m.body.len)
            rtp_tracker_sdp(pr->rtp, p, &m);
        store_input_from(&in, p, &m);
        rec_new(pr, &in);
        atomic_fetch_add(&pr->messages, 1);
        sip_msg_fini(&m);
        if (used == 0)
            break;
        off += used;
    }
}

/* Hands the filled chunk (and the RTP changes so far) to the UI thread:
 * blocks while the queue is full (back-pressure on a file reader), or for
 * live sources drops the chunk and counts its messages. */
void prod_push(struct prod *p)
{
    struct loader_chunk *c = p->chunk;
    struct rtp_batch *rb = p->rtp ? rtp_tracker_collect(p->rtp) : NULL;

    p->chunk = NULL;
    if (!p->q) { /* chain mode: the pool hands the whole chain over */
        if (c && c != p->head) {
            *p->tail = c;
            p->tail = &c->next;
        }
        return;
    }
    if (rb && !c)
        c = loader_chunk_new(0);
    if (c)
        c->rtp = rb;
    if (!c || (!c->n && !c->rtp)) {
        loader_chunk_free(c);
        return;
    }
    if (p->drop_when_full) {
        size_t n = c->n;

        if (msgq_try_push(p->q, c) != 0) /* takes ownership even on failure */
            atomic_fetch_add(&p->queue_drops, n);
    } else {
        msgq_push(p->q, c); /* takes ownership even on failure */
    }
}

size_t prod_pending(const struct prod *p)
{
    return p->chunk ? p->chunk->n : 0;
}

bool prod_rtp_dirty(const struct prod *p)
{
    return p->rtp && rtp_tracker_dirty(p->rtp);
}

/* ---------------------------------------------------------------- file thread */

static void on_payload(void *ctx, const struct cap_payload *p)
{
    struct loader *l = ctx;

    if (l->pool)
        ppool_add(l->pool, p, l->q);
    else
        prod_payload(&l->prod, p);
}

/* The input (a pipe) has nothing more for now: what was read goes to the
 * UI thread instead of waiting for a full batch. */
static void on_input_wait(void *ctx)
{
    struct loader *l = ctx;

    if (l->pool)
        ppool_flush(l->pool, l->q);
    prod_push(&l->prod);
}

/* RTP statistics reach the UI thread at least every half second of
 * capture time (or 64 k frames) even when no SIP fills a chunk. */
static void rtp_maybe_push(struct loader *l, const struct cap_record *rec, uint64_t frames)
{
    if (!prod_rtp_dirty(&l->prod))
        return;
    if (rec->ts_ns - l->rtp_pushed_ts < 500000000 && frames - l->rtp_pushed_frame < 65536)
        return;
    l->rtp_pushed_ts = rec->ts_ns;
    l->rtp_pushed_frame = frames;
    prod_push(&l->prod);
}

/* Every 64 frames, not each: an atomic add per frame on a cache line the
 * UI thread also touches showed in the profile of a large load. */
static void publish_progress(struct loader *l, uint64_t frames)
{
    const struct cap_stats *st = cap_decoder_stats(l->dec);

    atomic_store(&l->frames, frames);
    atomic_store(&l->bytes_read, cap_merge_bytes_read(l->merge));
    atomic_store(&l->tls_records, st->tls_records);
    atomic_store(&l->tls_decrypted, st->tls_decrypted);
    atomic_store(&l->tls_auth_failed, st->tls_auth_failed);
}

static void *loader_main(void *arg)
{
    struct loader *l = arg;
    struct cap_record rec;
    struct err d;
    uint64_t n = 0;
    int r;

    /* Cleared again only after an error: a reader writes it only then,
     * and clearing its 540 bytes for every frame showed in profiles. */
    err_clear(&d);
    while (!atomic_load(&l->stop)) {
        r = cap_merge_next(l->merge, &rec, &d);
        if (r == 0)
            break;
        if (r < 0) {
            err_format(&d, l->error, sizeof(l->error));
            sb_puts(&l->errors, l->error);
            sb_putc(&l->errors, '\n');
            err_clear(&d);
            continue;
        }
        if (n == 0) {
            if (l->prod.rtp)
                rtp_tracker_set_origin(l->prod.rtp, rec.ts_ns);
            l->rtp_pushed_ts = rec.ts_ns;
        }
        cap_decoder_feed(l->dec, &rec);
        n++;
        rtp_maybe_push(l, &rec, n);
        if ((n & 63) == 0)
            publish_progress(l, n);
    }
    if (!atomic_load(&l->stop)) {
        const char *rep;

        const struct cap_tls_fact *tf;
        size_t ntf, i;

        cap_decoder_flush(l->dec);
        rep = cap_decoder_tls_report(l->dec);
        if (rep)
            sb_puts(&l->notes, rep);
        tf = cap_decoder_tls_facts(l->dec, &ntf);
        for (i = 0; i < ntf; i++) {
            diag_tls_fact_text(&tf[i], l->lang, &l->notes);
            sb_putc(&l->notes, '\n');
        }
    }
    publish_progress(l, n); /* before the last records: drawn with them */
    if (l->pool)
        ppool_flush(l->pool, l->q);
    prod_push(&l->prod);
    atomic_store(&l->done, true);
    return NULL;
}

/* ---------------------------------------------------------------- UI thread */

/* Loads the --tls-keylog files (udp: ones are live sources); a file that
 * cannot be read stops the start, a line that cannot be parsed is noted. */
static int loader_keylogs(struct loader *l, const struct live_opts *live, struct err *d)
{
    size_t i;

    for (i = 0; i < live->ntls_keylogs; i++) {
        const char *p = live->tls_keylogs[i];
        struct cap_tls_keylog_stats a, b;

        if (strncmp(p, "udp:", 4) == 0) {
            if (live_opts_active(live))
                continue; /* a live source: src/engine/keylog_live.c */
            err_set(d, "--tls-keylog %s: keys over UDP come while capturing live (-i)", p);
            return -1;
        }
        cap_tls_keys_stats(l->keys, &a);
        if (cap_tls_keys_load(l->keys, p, d) != 0)
            return -1;
        cap_tls_keys_stats(l->keys, &b);
        if (b.bad > a.bad && a.bad == 0)
            sb_printf(&l->notes,
                      "--tls-keylog %s: %llu lines not understood (first: key line %llu)\n", p,
                      (unsigned long long)b.bad, (unsigned long long)(b.first_bad_line - a.lines));
        else if (b.bad > a.bad)
            sb_printf(&l->notes, "--tls-keylog %s: %llu lines not understood\n", p,
                      (unsigned long long)(b.bad - a.bad));
        if (b.accepted == a.accepted)
            sb_printf(&l->notes, "--tls-keylog %s: no TLS secrets in it\n", p);
    }
    return 0;
}

static struct loader *loader_start_all(const char *const *paths, size_t n,
                                       const struct live_opts *live, const struct rtp_opts *ro,
                                       bool track_rtp, struct store *store, size_t queue_cap,
                                       struct err *d)
{
    struct loader *l = xcalloc(1, sizeof(*l));
    struct cap_limits lim;
    size_t i, qcap;

    atomic_init(&l->stop, false);
    atomic_init(&l->done, false);
    atomic_init(&l->bytes_read, 0);
    atomic_init(&l->bytes_total, 0);
    atomic_init(&l->frames, 0);
    atomic_init(&l->tls_records, 0);
    atomic_init(&l->tls_decrypted, 0);
    atomic_init(&l->tls_auth_failed, 0);
    /* queue_cap counts records; the queue holds chunks of up to CHUNK_RECS.
     * The live thread pushes a partly filled chunk every 50 ms, so it gets
     * room for a few seconds of those. */
    qcap = queue_cap / CHUNK_RECS + 2;
    if (live_opts_active(live) && qcap < 128)
        qcap = 128;
    l->q = msgq_new(qcap, loader_chunk_free);
    prod_init(&l->prod, l->q, false, &l->stop, track_rtp ? rtp_tracker_new(ro) : NULL);
    sb_init(&l->errors);
    sb_init(&l->notes);
    l->keys = cap_tls_keys_new(0);
    l->lang = live ? live->lang : NULL;
    if (live && loader_keylogs(l, live, d) != 0) {
        atomic_store(&l->done, true);
        loader_free(l);
        return NULL;
    }
    l->readers = xcalloc(n ? n : 1, sizeof(*l->readers));
    l->paths = paths;
    l->npaths = n;
    l->seekable = xcalloc(n ? n : 1, sizeof(*l->seekable));
    for (i = 0; i < n; i++) {
        struct cap_reader *rd;
        unsigned src = store_source_add(store, paths[i], false);
        struct err od;

        err_clear(&od);
        rd = cap_reader_open(paths[i], src, &od);
        if (!rd) {
            l->open_errors++;
            err_format(&od, l->open_error, sizeof(l->open_error));
            sb_puts(&l->errors, l->open_error);
            sb_putc(&l->errors, '\n');
            continue;
        }
        cap_reader_on_wait(rd, on_input_wait, l);
        if (cap_reader_seekable(rd)) {
            store_source_open(store, src); /* bytes re-read on demand */
            l->seekable[i] = true;
        }
        atomic_fetch_add(&l->bytes_total, cap_reader_bytes_total(rd));
        l->readers[l->nreaders++] = rd;
    }
    l->rtp_table = rtp_table_new();
    cap_limits_default(&lim);
    l->dec = cap_decoder_new(&lim, on_payload, l);
    cap_decoder_set_tls_keys(l->dec, l->keys);
    l->merge = cap_merge_new(l->readers, (unsigned)l->nreaders); /* owns the readers now */
    cap_merge_set_tls_keys(l->merge, l->keys);
    if (live_opts_active(live)) {
        /* Open everything that needs privileges, give them up, and only
         * then start the threads that parse packets.  RTP is tracked live
         * only when there are no files (one tracker per table). */
        l->live = live_open(live, store, l->keys, d);
        if (!l->live || cap_priv_drop(live->user ? live->user : "nobody", d) != 0 ||
            live_start(l->live, l->q, n == 0 && track_rtp ? rtp_tracker_new(ro) : NULL, d) != 0) {
            atomic_store(&l->done, true);
            loader_free(l);
            return NULL;
        }
    }
    /* Parse workers only where order alone matters: the RTP tracker needs
     * each SDP before the media it announces, and live sources have their
     * own thread. */
    if (!track_rtp && !l->live && n > 0) {
        unsigned w = ppool_default_threads();

        if (w)
            l->pool = ppool_new(w, &l->stop, &l->prod.messages);
    }
    if (pthread_create(&l->th, NULL, loader_main, l) == 0)
        l->started = true;
    else
        atomic_store(&l->done, true);
    return l;
}

struct loader *loader_start(const char *const *paths, size_t n, struct store *store,
                            size_t queue_cap)
{
    return loader_start_rtp(paths, n, store, queue_cap, NULL);
}

struct loader *loader_start_rtp(const char *const *paths, size_t n, struct store *store,
                                size_t queue_cap, const struct rtp_opts *ro)
{
    struct err d;

    err_clear(&d);
    return loader_start_all(paths, n, NULL, ro, true, store, queue_cap, &d); /* files: never NULL */
}

struct loader *loader_start_ex(const char *const *paths, size_t n, const struct live_opts *live,
                               struct store *store, size_t queue_cap, struct err *d)
{
    return loader_start_all(paths, n, live, NULL, true, store, queue_cap, d);
}

struct loader *loader_start_plain(const char *const *paths, size_t n, const struct live_opts *live,
                                  struct store *store, size_t queue_cap, struct err *d)
{
    return loader_start_all(paths, n, live, NULL, false, store, queue_cap, d);
}

struct loader *loader_start_ex_rtp(const char *const *paths, size_t n, const struct live_opts *live,
                                   const struct rtp_opts *ro, struct store *store, size_t queue_cap,
                                   struct err *d)
{
    return loader_start_all(paths, n, live, ro, true, store, queue_cap, d);
}

bool live_opts_active(const struct live_opts *o)
{
    return o && (o->nifaces > 0 || o->hep_listen);
}

void loader_pause(struct loader *l, bool paused)
{
    if (l->live)
        live_pause(l->live, paused);
}

void loader_live_stop(struct loader *l)
{
    if (l->live)
        live_stop(l->live);
}

void loader_live_counts(struct loader *l, struct live_counts *c)
{
    memset(c, 0, sizeof(*c));
    if (l->live)
        live_counts(l->live, c);
}

void loader_sources_register(struct loader *l, struct store *store)
{
    size_t i;

    for (i = 0; i < l->npaths; i++) {
        unsigned src = store_source_add(store, l->paths[i], false);
        if (l->seekable[i])
            store_source_open(store, src);
    }
    if (l->live)
        live_sources_register(l->live, store);
}

size_t loader_drain(struct loader *l, struct store *store, size_t max)
{
    return loader_drain_fn(l, store, max, NULL, NULL);
}

/* Streams of calls the store rotated out go too (a long live capture stays
 * within --max-memory); checked between chunks, when every record of the
 * last one is in the store. */
static void rtp_maybe_prune(struct loader *l, const struct store *store)
{
    struct store_counts sc;

    if (l->draining)
        return;
    store_counts(store, &sc);
    if (sc.rotated_calls == l->rtp_pruned_rot &&
        rtp_table_nstreams(l->rtp_table) <= l->rtp_prune_at)
        return;
    rtp_table_prune(l->rtp_table, store);
    l->rtp_pruned_rot = sc.rotated_calls;
    l->rtp_prune_at = 2 * rtp_table_nstreams(l->rtp_table) + 8192;
}

size_t loader_drain_fn(struct loader *l, struct store *store, size_t max, engine_msg_fn fn,
                       void *ctx)
{
    size_t total = 0;

    while (total < max) {
        struct loader_chunk *c = l->draining;

        if (!c) {
            void *item;

            if (msgq_drain(l->q, &item, 1) == 0)
                break;
            c = l->draining = item;
            l->drain_pos = 0;
            if (c->pooled)
                ppool_wait(l->pool, c);
            rtp_table_apply(l->rtp_table, c->rtp); /* takes it */
            c->rtp = NULL;
        }
        while (l->drain_pos < c->n && total < max) {
            struct loader_rec *r = c->recs[l->drain_pos++];
            const struct store_call *call;

            /* What store_add reads for the records ahead is on its way to
             * the cache by the time it is needed: each stage follows
             * pointers the stage before brought in. */
            if (l->drain_pos + 16 < c->n) {
                /* The whole record: a worker on another core wrote it, and
                 * store_add reads fields from all of its lines.  Records lie
                 * back to back in the chunk, so where the next one starts
                 * bounds it without reading it (reading its size stalled
                 * on that very miss). */
                size_t k = l->drain_pos + 16;
                const char *rp = (const char *)c->recs[k];
                const char *re = k + 1 < c->n ? (const char *)c->recs[k + 1] : c->mem + c->used;

                for (; rp < re; rp += 64)
                    __builtin_prefetch(rp);
            }
            if (l->drain_pos + 12 < c->n)
                store_prefetch(store, &c->recs[l->drain_pos + 12]->in, 0);
            if (l->drain_pos + 8 < c->n)
                store_prefetch(store, &c->recs[l->drain_pos + 8]->in, 1);
            if (l->drain_pos + 4 < c->n)
                store_prefetch(store, &c->recs[l->drain_pos + 4]->in, 2);
            call = store_add(store, &r->in);

            if (fn)
                fn(ctx, &r->in, call, &call->msgs[call->nmsgs - 1]);
            total++;
        }
        if (l->drain_pos == c->n) {
            /* The rest of a pooled batch is chained on next, in order. */
            struct loader_chunk *next = c->next;

            c->next = NULL;
            loader_chunk_free(c);
            l->draining = next;
            l->drain_pos = 0;
        }
    }
    rtp_maybe_prune(l, store);
    return total;
}

struct rtp_table *loader_rtp(struct loader *l)
{
    return l->rtp_table;
}

struct rtp_table *loader_rtp_take(struct loader *l)
{
    struct rtp_table *t = l->rtp_table;

    l->rtp_table = rtp_table_new();
    return t;
}

bool loader_done(struct loader *l)
{
    return atomic_load(&l->done) && !l->live && msgq_len(l->q) == 0 && !l->draining;
}

bool loader_wait(struct loader *l, int timeout_ms)
{
    return msgq_wait(l->q, timeout_ms);
}

void loader_progress(struct loader *l, struct loader_progress *p)
{
    memset(p, 0, sizeof(*p));
    p->bytes_read = atomic_load(&l->bytes_read);
    p->bytes_total = atomic_load(&l->bytes_total);
    p->frames = atomic_load(&l->frames);
    p->messages = atomic_load(&l->prod.messages) + (l->live ? live_messages(l->live) : 0);
    p->queued = msgq_len(l->q);
    p->producer_waits = msgq_waits(l->q);
    p->done = atomic_load(&l->done) && !l->live;
    p->tls_records = atomic_load(&l->tls_records);
    p->tls_decrypted = atomic_load(&l->tls_decrypted);
    p->tls_auth_failed = atomic_load(&l->tls_auth_failed);
    p->error = NULL;
    if (p->done && l->error[0])
        p->error = l->error;
    else if (l->open_errors)
        p->error = l->open_error;
}

const char *loader_notes(struct loader *l)
{
    if (!atomic_load(&l->done))
        return NULL;
    return l->notes.len ? l->notes.s : NULL;
}

const char *loader_errors(struct loader *l)
{
    if (!atomic_load(&l->done))
        return NULL;
    return l->errors.s;
}

void loader_free(struct loader *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, true);
    msgq_close(l->q); /* wakes a producer blocked on a full queue */
    if (l->started)
        pthread_join(l->th, NULL);
    ppool_free(l->pool); /* before the queue: workers write into queued chunks */
    cap_decoder_free(l->dec);
    live_free(l->live);  /* joins the live thread */
    prod_fini(&l->prod); /* and its RTP tracker */
    loader_chunk_free(l->draining);
    rtp_table_free(l->rtp_table);
    cap_merge_free(l->merge);
    free(l->readers);
    free(l->seekable);
    sb_fini(&l->errors);
    sb_fini(&l->notes);
    cap_tls_keys_free(l->keys); /* after the decoder and readers that borrow it */
    msgq_free(l->q);
    free(l);
}
