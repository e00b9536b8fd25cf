/*
 * list: `--list`, one line per call (dialog or other exchange) after the
 * whole input is read.
 *
 * Threads: the main thread loads the store, runs -Y over it and writes
 * everything out.  The lines themselves are formatted in chunks by the main
 * thread and up to LIST_MAX_WORKERS helper threads, which only read the
 * store (it is complete and nobody adds to it any more), the kb and the
 * config; each chunk is formatted into its own buffer, owned by the
 * chunk's slot, and written by the main thread in call order.  On a
 * million-message capture the formatting was a fifth of the run, most of
 * it waiting for calls that had gone cold in memory since they were loaded.
 */
#define _GNU_SOURCE /* sched_getaffinity: taskset and cpusets limit the helpers */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "filter.h"
#include "legs.h"

static void pad_escaped(struct strbuf *b, const char *s, size_t width)
{
    size_t start = b->len, n;

    sb_append_escaped(b, s, strlen(s));
    n = b->len - start;
    if (n > width) {
        /* Cut long values so columns stay aligned; mark the cut. */
        b->len = start + width - 1;
        sb_putc(b, '~');
        n = width;
    }
    /* One memset, not a putc per blank: these were a third of a line. */
    sb_pad(b, "", width - n + 1, true);
}

/* A run of columns written straight into b: cols_begin reserves room for
 * any run of format_call's (each value comes from a buffer of at most 64
 * bytes, or is a short name), col writes one, cols_end takes the run in. */
#define LIST_COLS_ROOM 320

static char *cols_begin(struct strbuf *b)
{
    sb_reserve(b, LIST_COLS_ROOM);
    return b->s + b->len;
}

static void cols_end(struct strbuf *b, char *p)
{
    b->len = (size_t)(p - b->s);
    b->s[b->len] = '\0';
}

/* s padded with blanks to width (on the right, or on the left when not
 * left-justified, as "%-*s" and "%*s"), then sep unless it is '\0'. */
static char *col(char *p, const char *s, size_t width, bool left, char sep)
{
    size_t n = strlen(s), fill = n < width ? width - n : 0;

    if (!left) {
        memset(p, ' ', fill);
        p += fill;
    }
    memcpy(p, s, n);
    p += n;
    if (left) {
        memset(p, ' ', fill);
        p += fill;
    }
    if (sep)
        *p++ = sep;
    return p;
}

/* "486 Busy Here" into fin (as snprintf "%u %s" would, cut to fit). */
static void fmt_final(const struct store_call *c, char *fin, size_t finlen)
{
    char num[24];
    const char *code = fmt_u64(c->final_status, num);
    size_t n = strlen(code), r = c->final_reason ? strlen(c->final_reason) : 0;

    memcpy(fin, code, n);
    fin[n++] = ' ';
    if (r > finlen - 1 - n)
        r = finlen - 1 - n;
    if (r)
        memcpy(fin + n, c->final_reason, r);
    fin[n + r] = '\0';
}

/* What formatting a line reads; shared read-only by the formatting threads. */
struct list_ctx {
    const struct config *cfg;
    const struct store *s;
    const struct kb *kb;
    const struct legs *legs; /* --json: the end-to-end calls (legs.h) */
};

/* What one formatting thread keeps between lines (owned by that thread):
 * the kb entry of recent (status, reason phrase) pairs, where a kb pattern
 * match ran per call otherwise, the text of recent endpoints and the JSON
 * "explain" member of recent kb entries (hundreds of bytes escaped per
 * call otherwise).  All are pure functions of their keys; a miss simply
 * overwrites the slot. */
#define LIST_CACHE      64
#define LIST_CACHE_JSON 16

struct list_memo {
    struct {
        const struct kb_entry *e;
        uint16_t code; /* 0: empty */
        uint8_t len;
        char reason[53];
    } explain[LIST_CACHE];
    struct {
        uint32_t ep; /* UINT32_MAX: empty */
        uint32_t len;
        char text[64];
    } ep[LIST_CACHE];
    struct {
        const struct kb_entry *e; /* NULL: empty */
        struct strbuf json;       /* owned: cli_json_explain of e */
    } explain_json[LIST_CACHE_JSON];
};

static void memo_init(struct list_memo *m)
{
    size_t i;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < LIST_CACHE; i++)
        m->ep[i].ep = UINT32_MAX;
    for (i = 0; i < LIST_CACHE_JSON; i++)
        sb_init(&m->explain_json[i].json);
}

static void memo_fini(struct list_memo *m)
{
    size_t i;

    for (i = 0; i < LIST_CACHE_JSON; i++)
        sb_fini(&m->explain_json[i].json);
}

static const struct kb_entry *memo_explain(struct list_memo *m, const struct kb *kb,
                                           const struct store_call *c)
{
    size_t len = c->final_reason ? strlen(c->final_reason) : 0, k;

    if (len >= sizeof(m->explain[0].reason)) /* rare: not worth a bigger slot */
        return ladder_explain(kb, c->final_status, c->final_reason, len);
    k = (hash_bytes(c->final_reason ? c->final_reason : "", len) ^ c->final_status) % LIST_CACHE;
    if (m->explain[k].code != c->final_status || m->explain[k].len != len ||
        memcmp(m->explain[k].reason, c->final_reason ? c->final_reason : "", len) != 0) {
        m->explain[k].e = ladder_explain(kb, c->final_status, c->final_reason, len);
        m->explain[k].code = c->final_status;
        m->explain[k].len = (uint8_t)len;
        if (len)
            memcpy(m->explain[k].reason, c->final_reason, len);
    }
    return m->explain[k].e;
}

/* cli_json_explain(b, e), remembered. */
static void memo_json_explain(struct list_memo *m, struct strbuf *b, const struct kb_entry *e)
{
    size_t k;

    if (!e)
        return;
    k = ((uintptr_t)e / sizeof(*e)) % LIST_CACHE_JSON;
    if (m->explain_json[k].e != e) {
        sb_reset(&m->explain_json[k].json);
        cli_json_explain(&m->explain_json[k].json, e);
        m->explain_json[k].e = e;
    }
    sb_append(b, m->explain_json[k].json.s, m->explain_json[k].json.len);
}

/* cli_ep into out (64 bytes), remembered. */
static void memo_ep(struct list_memo *m, const struct store *s, uint32_t ep, char out[64])
{
    size_t k = ep % LIST_CACHE;

    if (m->ep[k].ep != ep) {
        cli_ep(s, ep, m->ep[k].text, sizeof(m->ep[k].text));
        m->ep[k].ep = ep;
        m->ep[k].len = (uint32_t)strlen(m->ep[k].text);
    }
    memcpy(out, m->ep[k].text, m->ep[k].len + 1);
}

/* Prefetch distances, in calls: the struct of call i+2*LIST_AHEAD, what it
 * points at for call i+LIST_AHEAD (the struct is in cache by then). */
#define LIST_AHEAD 4

/* Starts loading what format_call will read of c, once its struct is in
 * the cache: the strings stored after the struct, the reason phrase and
 * the last entries of the message array, where the final response is.
 * The calls were loaded long ago and a large store otherwise misses the
 * cache on nearly every one of them.  Always inlined: GCC finds a
 * function that only prefetches free of side effects and drops the call. */
static inline __attribute__((always_inline)) void prefetch_call(const struct store_call *c)
{
    const char *p = (const char *)c, *end = (const char *)(c + 1) + c->inl_len;
    uint32_t i, lo = c->nmsgs > 8 ? c->nmsgs - 8 : 0;

    for (p += 4 * 64; p < end; p += 64)
        __builtin_prefetch(p);
    if (c->final_reason)
        __builtin_prefetch(c->final_reason);
    for (i = c->nmsgs; i > lo; i--)
        __builtin_prefetch(&c->msgs[i - 1]);
}

/* The first entries of c's message array (its struct is in the cache). */
static inline __attribute__((always_inline)) void prefetch_msgs_head(const struct store_call *c)
{
    uint32_t i, n = c->nmsgs < 8 ? c->nmsgs : 8;

    for (i = 0; i < n; i++)
        __builtin_prefetch(&c->msgs[i]);
}

/* Stage one, LIST_AHEAD calls earlier: the struct itself. */
static inline __attribute__((always_inline)) void prefetch_struct(const struct store_call *c)
{
    const char *p = (const char *)c;
    size_t off;

    for (off = 0; off < sizeof(*c); off += 64)
        __builtin_prefetch(p + off);
    __builtin_prefetch(p + sizeof(*c) - 1); /* malloc aligns to 16, not 64 */
}

/* Appends the line (or JSON object) of c to b. */
static void format_call(const struct list_ctx *x, struct list_memo *memo,
                        const struct store_call *c, struct strbuf *b)
{
    const struct store *s = x->s;
    const struct kb *kb = x->kb;
    char t[64], src[64], dst[64], dur[32], setup[32], fin[128], num[24], *p;
    const struct kb_entry *e = c->final_status ? memo_explain(memo, kb, c) : NULL;

    memo_ep(memo, s, c->src_ep, src);
    memo_ep(memo, s, c->dst_ep, dst);
    cli_fmt_secs(store_call_duration(c), dur, sizeof(dur));
    cli_fmt_secs(store_call_setup(c), setup, sizeof(setup));
    if (x->cfg->json) {
        const struct store_call *a = store_call_aleg(s, c);

        fmt_time_epoch(c->first_ts, t, sizeof(t));
        sb_puts(b, "{\"type\":\"call\"");
        cli_json_int(b, "index", (long long)c->id + 1, false);
        cli_json_str(b, "call_id", c->call_id, c->call_id_len, false);
        sb_puts(b, ",\"start\":");
        sb_puts(b, t);
        cli_json_str(b, "kind", call_kind_name(c->kind), strlen(call_kind_name(c->kind)), false);
        cli_json_str(b, "from", c->from_user, strlen(c->from_user), false);
        cli_json_str(b, "to", c->to_user, strlen(c->to_user), false);
        cli_json_str(b, "src", src, strlen(src), false);
        cli_json_str(b, "dst", dst, strlen(dst), false);
        cli_json_int(b, "messages", c->nmsgs, false);
        cli_json_int(b, "retransmissions", c->nretrans, false);
        cli_json_str(b, "state", call_state_name(c->state), strlen(call_state_name(c->state)),
                     false);
        if (c->final_status) {
            cli_json_int(b, "status", c->final_status, false);
            cli_json_str(b, "reason", c->final_reason,
                         c->final_reason ? strlen(c->final_reason) : 0, false);
            memo_json_explain(memo, b, e);
            cli_json_response_context(s, kb, c, diag_call_final_msg(c), b);
        } else {
            sb_puts(b, ",\"status\":null,\"reason\":null,\"explain\":null,\"context\":null,"
                       "\"q850\":null,\"warning\":null");
        }
        if (store_call_duration(c) >= 0)
            cli_json_secs(b, "duration_s", store_call_duration(c), false);
        else
            sb_puts(b, ",\"duration_s\":null");
        if (store_call_setup(c) >= 0)
            cli_json_secs(b, "setup_s", store_call_setup(c), false);
        else
            sb_puts(b, ",\"setup_s\":null");
        cli_json_str(b, "a_leg", a ? a->call_id : NULL, a ? a->call_id_len : 0, false);
        cli_json_legs(b, s, x->legs, c);
        sb_puts(b, "}\n");
        return;
    }
    fmt_time_utc(c->first_ts, t, sizeof(t));
    if (c->final_status)
        fmt_final(c, fin, sizeof(fin));
    else
        strcpy(fin, "-");
    /* Padded by hand, not printf, and written straight into reserved room
     * (a strbuf call per column and per separator was a fifth of a line). */
    p = cols_begin(b);
    p = col(p, fmt_u64(c->id + 1, num), 5, true, ' ');
    p = col(p, t, 26, true, ' ');
    p = col(p, call_kind_name(c->kind), 9, true, ' ');
    cols_end(b, p);
    pad_escaped(b, c->from_user, 16);
    pad_escaped(b, c->to_user, 16);
    p = cols_begin(b);
    p = col(p, src, 21, true, ' ');
    p = col(p, dst, 21, true, ' ');
    p = col(p, fmt_u64(c->nmsgs, num), 5, false, ' ');
    p = col(p, call_state_name(c->state), 10, true, ' ');
    cols_end(b, p);
    pad_escaped(b, fin, 28);
    p = cols_begin(b);
    p = col(p, dur, 9, false, ' ');
    p = col(p, setup, 8, false, '\0');
    cols_end(b, p);
    if (c->final_status) {
        /* the final response read in its flow (diag.h) */
        sb_puts(b, "  ");
        ladder_response_note(s, kb, c, diag_call_final_msg(c), e, b);
        while (b->len && b->s[b->len - 1] == ' ')
            b->len--;
    } else if (c->state == CALL_STATE_UNANSWERED) {
        char why[128];

        store_unanswered_text(c, why, sizeof(why));
        sb_puts(b, "  ");
        sb_puts(b, why);
    }
    sb_putc(b, '\n');
}

/* Formats calls [lo, hi) of the listing (sel[k] when -Y chose them, else
 * store index k) into b. */
static void format_range(const struct list_ctx *x, struct list_memo *memo, const size_t *sel,
                         size_t lo, size_t hi, struct strbuf *b)
{
    size_t k;

    for (k = lo; k < hi; k++) {
        if (k + 2 * LIST_AHEAD < hi) {
            prefetch_struct(
                store_call_at(x->s, sel ? sel[k + 2 * LIST_AHEAD] : k + 2 * LIST_AHEAD));
        }
        if (k + LIST_AHEAD < hi)
            prefetch_call(store_call_at(x->s, sel ? sel[k + LIST_AHEAD] : k + LIST_AHEAD));
        format_call(x, memo, store_call_at(x->s, sel ? sel[k] : k), b);
    }
}

/* Parallel formatting: the listing is cut in chunks (about 1/32 of the
 * calls, between LIST_CHUNK_MIN and LIST_CHUNK_MAX: enough chunks to share
 * evenly, few enough that the locking does not count); any thread claims
 * the next chunk and formats it into slot[chunk % LIST_SLOTS]; the main
 * thread writes the chunks out in order and frees their slots.  A chunk
 * is claimed only when its slot is free, so memory stays at LIST_SLOTS
 * buffers however long the listing.
 *
 * With -Y the main thread also runs the filter (only it: the filter's
 * regexes share match data), LIST_FILTER_STEP calls at a time, and
 * publishes the calls chosen so far; a chunk can be claimed once its calls
 * are all chosen, so the helpers format while the filter still runs. */
#define LIST_CHUNK_MIN   64
#define LIST_CHUNK_MAX   1024
#define LIST_SLOTS       8
#define LIST_MAX_WORKERS 3
#define LIST_FILTER_STEP 256

/* A cache line each: the formatting thread updates b at every append, and
 * with two slots on one line the threads took that line from each other
 * (a third of a --list --json on two threads). */
struct list_slot {
    _Alignas(64) struct strbuf b; /* owned; the claiming thread fills it, the main
                                     thread empties it */
    bool done;                    /* formatted, not written yet (under mu) */
};

struct list_par {
    const struct list_ctx *x;
    size_t *sel;     /* owned, n entries, -Y only (NULL: every call);
                        [0, nsel) are final once published */
    size_t n, chunk; /* calls in the store; calls per chunk */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t nsel;    /* calls chosen and published (under mu) */
    bool chosen;    /* the filter has seen every call (under mu) */
    size_t next;    /* next chunk to claim (under mu) */
    size_t written; /* chunks written out (under mu) */
    struct list_slot slot[LIST_SLOTS];
};

/* Chunks in the listing, once every call is chosen; called with mu held. */
static size_t nchunks(const struct list_par *p)
{
    return p->chosen ? (p->nsel + p->chunk - 1) / p->chunk : SIZE_MAX;
}

/* Claims the next chunk whose slot is free and whose calls are all
 * chosen: chunk *k, listing entries [*lo, *hi).  Called with mu held;
 * false when there is none now. */
static bool claim(struct list_par *p, size_t *k, size_t *lo, size_t *hi)
{
    size_t l = p->next * p->chunk;

    if (p->next >= nchunks(p) || p->next >= p->written + LIST_SLOTS ||
        (!p->chosen && l + p->chunk > p->nsel))
        return false;
    *k = p->next++;
    *lo = l;
    *hi = l + p->chunk < p->nsel ? l + p->chunk : p->nsel;
    return true;
}

/* Formats chunk k; called without mu, marks the chunk done under it. */
static void run_chunk(struct list_par *p, struct list_memo *memo, size_t k, size_t lo, size_t hi)
{
    struct list_slot *sl = &p->slot[k % LIST_SLOTS];

    format_range(p->x, memo, p->sel, lo, hi, &sl->b);
    pthread_mutex_lock(&p->mu);
    sl->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *list_worker(void *arg)
{
    struct list_par *p = arg;
    struct list_memo memo;
    size_t k, lo, hi;

    memo_init(&memo);
    pthread_mutex_lock(&p->mu);
    while (p->next < nchunks(p)) {
        if (!claim(p, &k, &lo, &hi)) {
            pthread_cond_wait(&p->cv, &p->mu);
            continue;
        }
        pthread_mutex_unlock(&p->mu);
        run_chunk(p, &memo, k, lo, hi);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    memo_fini(&memo);
    return NULL;
}

/* Helper threads: one per CPU this process may run on, beyond its own. */
static unsigned list_workers(void)
{
    cpu_set_t set;
    long cpus;

    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        cpus = CPU_COUNT(&set);
    else
        cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2)
        return 0;
    return cpus - 1 > LIST_MAX_WORKERS ? LIST_MAX_WORKERS : (unsigned)(cpus - 1);
}

/* Runs -Y over the next LIST_FILTER_STEP calls from *pos, appending the
 * chosen ones to p->sel[*nsel...] (main thread, without mu). */
static void choose(struct list_par *p, const struct filter *f, struct strbuf *scratch, size_t *pos,
                   size_t *nsel, uint64_t *nmsgs)
{
    const struct store *s = p->x->s;
    size_t i, end = *pos + LIST_FILTER_STEP < p->n ? *pos + LIST_FILTER_STEP : p->n;

    for (i = *pos; i < end; i++) {
        const struct store_call *c = store_call_at(s, i);

        /* The filter reads the messages from the first on. */
        if (i + 2 * LIST_AHEAD < p->n)
            prefetch_struct(store_call_at(s, i + 2 * LIST_AHEAD));
        if (i + LIST_AHEAD < p->n)
            prefetch_msgs_head(store_call_at(s, i + LIST_AHEAD));
        if (!filter_match_call(f, s, c, scratch))
            continue;
        p->sel[(*nsel)++] = i;
        *nmsgs += c->nmsgs;
    }
    *pos = end;
}

/* The main thread's part of a parallel listing, with nw helpers: it
 * writes out what is done first (the helpers wait for free slots), then
 * filters, then formats like the helpers (every chunk itself when no
 * helper could be started).  Returns when everything is written. */
static void run_parallel(struct list_par *p, unsigned nw, const struct filter *f,
                         struct strbuf *scratch, struct list_memo *memo, size_t *nsel,
                         uint64_t *nmsgs)
{
    pthread_t th[LIST_MAX_WORKERS];
    unsigned started = 0, i;
    size_t k, lo, hi, pos = 0;

    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (i = 0; i < LIST_SLOTS; i++)
        sb_init(&p->slot[i].b);
    for (i = 0; i < nw; i++)
        if (pthread_create(&th[started], NULL, list_worker, p) == 0)
            started++;
    pthread_mutex_lock(&p->mu);
    while (p->written < nchunks(p)) {
        struct list_slot *sl = &p->slot[p->written % LIST_SLOTS];

        if (sl->done) {
            pthread_mutex_unlock(&p->mu);
            cli_flush(p->x->cfg, &sl->b); /* the slot is ours until written moves */
            pthread_mutex_lock(&p->mu);
            sl->done = false;
            p->written++;
            pthread_cond_broadcast(&p->cv);
        } else if (!p->chosen) {
            pthread_mutex_unlock(&p->mu);
            choose(p, f, scratch, &pos, nsel, nmsgs);
            pthread_mutex_lock(&p->mu);
            p->nsel = *nsel;
            p->chosen = pos == p->n;
            pthread_cond_broadcast(&p->cv);
        } else if (claim(p, &k, &lo, &hi)) {
            pthread_mutex_unlock(&p->mu);
            run_chunk(p, memo, k, lo, hi);
            pthread_mutex_lock(&p->mu);
        } else {
            pthread_cond_wait(&p->cv, &p->mu);
        }
    }
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < LIST_SLOTS; i++)
        sb_fini(&p->slot[i].b);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
}

/* Formats and writes the calls of x's store after whatever b holds: all
 * of them, or those the filter f (may be NULL) matches.  *shown gets how
 * many calls were listed, *shown_msgs their messages (-Y only). */
static void list_calls(const struct list_ctx *x, const struct filter *f, struct strbuf *scratch,
                       struct strbuf *b, size_t *shown, uint64_t *shown_msgs)
{
    struct list_par p;
    struct list_memo memo;
    unsigned nw;
    size_t pos = 0, nsel = 0;

    memset(&p, 0, sizeof(p));
    p.x = x;
    p.n = store_ncalls(x->s);
    p.chunk = p.n / 32 < LIST_CHUNK_MIN   ? LIST_CHUNK_MIN
              : p.n / 32 > LIST_CHUNK_MAX ? LIST_CHUNK_MAX
                                          : p.n / 32;
    *shown_msgs = 0;
    if (f) {
        p.sel = xmalloc((p.n ? p.n : 1) * sizeof(*p.sel));
    } else {
        p.nsel = nsel = p.n;
        p.chosen = true;
    }
    memo_init(&memo);
    nw = p.n > p.chunk ? list_workers() : 0; /* one chunk: not worth a thread */
    if (nw > 0) {
        cli_flush(x->cfg, b);
        run_parallel(&p, nw, f, scratch, &memo, &nsel, shown_msgs);
    } else {
        size_t lo;

        while (f && pos < p.n)
            choose(&p, f, scratch, &pos, &nsel, shown_msgs);
        /* Written a chunk at a time: the whole listing of a large capture
         * would be hundreds of MB in b. */
        for (lo = 0; lo < nsel; lo += p.chunk) {
            format_range(x, &memo, p.sel, lo, lo + p.chunk < nsel ? lo + p.chunk : nsel, b);
            cli_flush(x->cfg, b);
        }
    }
    *shown = nsel;
    memo_fini(&memo);
    free(p.sel);
}

int cli_list(const struct config *cfg)
{
    struct store *s;
    struct store_counts cnt;
    struct strbuf b, tmp;
    struct kb *kb;
    struct list_ctx x;
    struct legs *legs;
    size_t shown;
    uint64_t shown_msgs;
    int rc;

    s = cli_load(cfg, NULL, NULL, &rc);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to show */
        store_free(s);
        return rc;
    }
    kb = cli_kb(cfg);
    sb_init(&b);
    sb_init(&tmp);
    if (!cfg->json)
        sb_printf(&b, "%-5s %-26s %-9s %-16s %-16s %-21s %-21s %5s %-10s %-28s %9s %8s  %s\n", "#",
                  "START", "KIND", "FROM", "TO", "SRC", "DST", "MSGS", "STATE", "FINAL", "DURATION",
                  "SETUP", "MEANING");
    x.cfg = cfg;
    x.s = s;
    x.kb = kb;
    legs = cli_legs_for(cfg, s, cfg->json);
    x.legs = legs;
    /* -Y: a call is listed when any of its messages matches. */
    list_calls(&x, cfg->filter, &tmp, &b, &shown, &shown_msgs);
    store_counts(s, &cnt);
    if (!cfg->json) {
        if (cfg->filter)
            sb_printf(&b, "%zu of %" PRIu64 " calls, %" PRIu64 " messages match the filter; ",
                      shown, cnt.calls, shown_msgs);
        sb_printf(&b, "%" PRIu64 " calls, %" PRIu64 " messages", cnt.calls, cnt.messages);
        if (cnt.rotated_calls) {
            char from[40], to[40];

            fmt_time_utc(cnt.rotated_from_ns, from, sizeof(from));
            fmt_time_utc(cnt.rotated_to_ns, to, sizeof(to));
            sb_printf(&b,
                      " (%" PRIu64 " older calls with %" PRIu64
                      " messages, from %s to %s UTC, rotated out by --max-memory)",
                      cnt.rotated_calls, cnt.rotated_messages, from, to);
        }
        sb_putc(&b, '\n');
    } else if (cnt.rotated_calls) {
        /* JSON lines are calls; what is missing gets a line of its own. */
        sb_puts(&b, "{\"type\":\"rotation\"");
        cli_rotated_json(&b, &cnt);
        sb_puts(&b, "}\n");
    }
    cli_flush(cfg, &b);
    if (cfg->exit_when_done) {
        /* The kernel takes a million-message store back at once; freeing
         * it call by call took a visible share of the run.  Everything is still
         * reachable from this frame, so leak checkers stay quiet. */
        fflush(cfg->out);
        fflush(cfg->err);
        exit(rc);
    }
    sb_fini(&b);
    sb_fini(&tmp);
    legs_free(legs);
    kb_free(kb);
    store_free(s);
    return rc;
}
