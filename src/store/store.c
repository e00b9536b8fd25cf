/*
 * store: calls keyed by Call-ID (chained hash table), messages kept as
 * compact index entries per call, endpoints interned, memory charged per
 * call so --max-memory can rotate the oldest calls out.
 *
 * Thread: the owner thread only (UI / main).  Ownership: the store owns
 * every call, message array and copied byte buffer; callers get borrowed
 * const pointers that stay valid until the next store_add().
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"
#include "util.h"

/* A million of these for a large file: the agent id fills what was padding. */
_Static_assert(sizeof(struct store_msg) <= 56, "struct store_msg grew");

/* ------------------------------------------------------------ endpoints */

static uint64_t ep_hash(const struct cap_addr *a)
{
    uint64_t h;

    if (a->family == 6) {
        h = hash_bytes(a->ip, 16) ^ ((uint64_t)a->port * 0x9e3779b97f4a7c15ULL) ^ 6;
    } else {
        /* IPv4 and port fit one word: mix it (splitmix64's finaliser)
         * instead of running the byte hash twice per message. */
        h = ((uint64_t)a->ip[0] << 56 | (uint64_t)a->ip[1] << 48 | (uint64_t)a->ip[2] << 40 |
             (uint64_t)a->ip[3] << 32) |
            (uint64_t)a->port << 8 | a->family;
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebULL;
        h ^= h >> 31;
    }
    return h;
}

static uint32_t endpoint_intern(struct store *s, const struct cap_addr *a)
{
    uint64_t h = ep_hash(a);
    size_t mask, i;
    struct cap_addr norm;

    /* Normalise: unused bytes of an IPv4 address are zero, so equal
     * endpoints compare equal with memcmp-free cap_addr_eq. */
    memset(&norm, 0, sizeof(norm));
    norm.family = a->family;
    norm.port = a->port;
    memcpy(norm.ip, a->ip, a->family == 6 ? 16 : 4);

    if (s->ep_count * 2 >= s->ep_slots_n) {
        size_t n = s->ep_slots_n ? s->ep_slots_n * 2 : 256, j;
        uint32_t *slots = xmalloc(n * sizeof(*slots));

        for (j = 0; j < n; j++)
            slots[j] = UINT32_MAX;
        for (j = 0; j < s->ep_count; j++) {
            size_t k = ep_hash(&s->eps[j]) & (n - 1);

            while (slots[k] != UINT32_MAX)
                k = (k + 1) & (n - 1);
            slots[k] = (uint32_t)j;
        }
        free(s->ep_slots);
        s->ep_slots = slots;
        s->ep_slots_n = n;
    }
    mask = s->ep_slots_n - 1;
    for (i = h & mask; s->ep_slots[i] != UINT32_MAX; i = (i + 1) & mask) {
        const struct cap_addr *e = &s->eps[s->ep_slots[i]];

        if (e->family == norm.family && e->port == norm.port && memcmp(e->ip, norm.ip, 16) == 0)
            return s->ep_slots[i];
    }
    if (s->ep_count == s->ep_cap) {
        s->ep_cap = s->ep_cap ? s->ep_cap * 2 : 64;
        s->eps = xrealloc(s->eps, s->ep_cap * sizeof(*s->eps));
    }
    s->eps[s->ep_count] = norm;
    s->ep_slots[i] = (uint32_t)s->ep_count;
    return (uint32_t)s->ep_count++;
}

/* Messages of a call mostly go between the two endpoints of its first
 * message; checking those two first skips the table (two lookups per
 * message were a fifth of the store's time on a large file). */
static bool ep_is(const struct cap_addr *e, const struct cap_addr *a)
{
    return e->family == a->family && e->port == a->port &&
           memcmp(e->ip, a->ip, a->family == 6 ? 16 : 4) == 0;
}

static uint32_t endpoint_of(struct store *s, const struct store_call *c, const struct cap_addr *a)
{
    if (c->nmsgs) {
        if (ep_is(&s->eps[c->src_ep], a))
            return c->src_ep;
        if (ep_is(&s->eps[c->dst_ep], a))
            return c->dst_ep;
    }
    return endpoint_intern(s, a);
}

const struct cap_addr *store_endpoint(const struct store *s, uint32_t ep)
{
    static const struct cap_addr none = {4, {0}, 0};

    return ep < s->ep_count ? &s->eps[ep] : &none;
}

/* ------------------------------------------------------------ lifecycle */

struct store *store_new(const struct store_opts *opts)
{
    struct store *s = xcalloc(1, sizeof(*s));

    if (opts)
        s->opts = *opts;
    s->nslots = 2048;
    s->slots = xcalloc(s->nslots, sizeof(*s->slots));
    return s;
}

/* Is p one of the strings stored in c's own allocation? */
static bool call_owns(const struct store_call *c, const char *p)
{
    const char *b = (const char *)(c + 1);

    return p >= b && p < b + c->inl_len;
}

static void call_free(struct store_call *c)
{
    uint32_t i;

    for (i = 0; c->nowned && i < c->nmsgs; i++)
        if (c->msgs[i].flags & STORE_MSG_OWNED)
            free(c->msgs[i].bytes);
    free(c->msgs);
    free(c->txns);
    free(c->dirs);
    /* call_id, from_user and to_user live in c's own block; the others
     * only when the first message carried them. */
    if (!call_owns(c, c->xcall_id))
        free(c->xcall_id);
    if (!call_owns(c, c->user_agent))
        free(c->user_agent);
    free(c->final_reason);
    free(c);
}

void store_free(struct store *s)
{
    size_t i;
    int l;

    if (!s)
        return;
    for (i = s->calls_head; i < s->ncalls_arr; i++)
        call_free(s->calls[i]);
    for (l = 0; l < 2; l++) {
        while (s->pend_head[l]) {
            struct store_call *c = s->pend_head[l];

            s->pend_head[l] = c->pnext;
            call_free(c);
        }
    }
    free(s->calls);
    free(s->watch);
    free(s->slots);
    free(s->eps);
    free(s->ep_slots);
    for (i = 0; i < s->nsources; i++) {
        if (s->sources[i].fd >= 0)
            close(s->sources[i].fd);
        free(s->sources[i].path);
    }
    free(s->sources);
    free(s);
}

unsigned store_source_add(struct store *s, const char *path, bool seekable)
{
    struct store_source *src;

    s->sources = xrealloc(s->sources, (s->nsources + 1) * sizeof(*s->sources));
    src = &s->sources[s->nsources];
    src->path = xstrdup(path);
    src->fd = seekable ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    return (unsigned)s->nsources++;
}

void store_source_open(struct store *s, unsigned source)
{
    if (source < s->nsources && s->sources[source].fd < 0)
        s->sources[source].fd = open(s->sources[source].path, O_RDONLY | O_CLOEXEC);
}

/* ------------------------------------------------------------ call index */

static uint64_t callid_hash(const char *p, size_t n)
{
    return hash_bytes(p, n);
}

/* Open addressing with linear probing: each slot keeps the full hash, so a
 * probe touches the call only when the hash matches.  With chains every
 * probe loaded a call and its Call-ID, two cache misses per message on a
 * large capture.  Returns the slot holding the call, or the empty slot
 * where it would go.  Listed and pending calls share the index. */
static size_t slot_find(const struct store *s, uint64_t h, const char *id, size_t n)
{
    size_t mask = s->nslots - 1, k = h & mask;

    for (;;) {
        const struct call_slot *sl = &s->slots[k];

        if (!sl->c)
            return k;
        if (sl->h == h && sl->c->call_id_len == n && memcmp(sl->c->call_id, id, n) == 0)
            return k;
        k = (k + 1) & mask;
    }
}

static void slot_put(struct store *s, struct store_call *c)
{
    size_t k = slot_find(s, c->id_hash, c->call_id, c->call_id_len);

    s->slots[k].h = c->id_hash;
    s->slots[k].c = c;
}

/* Doubles the table, which stays at most half full. */
static void slots_grow(struct store *s)
{
    struct store_call *c;
    size_t i;
    int l;

    free(s->slots);
    s->nslots *= 2;
    s->slots = xcalloc(s->nslots, sizeof(*s->slots));
    for (i = s->calls_head; i < s->ncalls_arr; i++)
        slot_put(s, s->calls[i]);
    for (l = 0; l < 2; l++)
        for (c = s->pend_head[l]; c; c = c->pnext)
            slot_put(s, c);
}

/* Backward-shift deletion: no tombstones, so probe lengths stay short in a
 * long live run that rotates calls out. */
static void slot_delete(struct store *s, size_t k)
{
    size_t mask = s->nslots - 1, j = k;

    s->slots[k].c = NULL;
    for (;;) {
        size_t home;

        j = (j + 1) & mask;
        if (!s->slots[j].c)
            return;
        home = s->slots[j].h & mask;
        /* The entry at j may move to the hole at k unless its home lies
         * cyclically in (k, j]. */
        if (k <= j ? (home <= k || home > j) : (home <= k && home > j)) {
            s->slots[k] = s->slots[j];
            s->slots[j].c = NULL;
            k = j;
        }
    }
}

/* Listed or pending. */
static struct store_call *call_lookup_h(const struct store *s, uint64_t h, const char *call_id,
                                        size_t n)
{
    return s->slots[slot_find(s, h, call_id, n)].c;
}

static struct store_call *call_lookup(const struct store *s, const char *call_id, size_t n)
{
    return call_lookup_h(s, callid_hash(call_id, n), call_id, n);
}

const struct store_call *store_call_find(const struct store *s, const char *call_id, size_t n)
{
    const struct store_call *c = call_lookup(s, call_id, n);

    return c && !c->pending ? c : NULL;
}

static void call_list(struct store *s, struct store_call *c);

/* Is s (absent = "") the same text as z? */
static bool str_is(struct store_str s, const char *z)
{
    size_t n = s.p ? s.len : 0;

    return strlen(z) == n && (n == 0 || memcmp(s.p, z, n) == 0);
}

/* Copies s (absent = "") to *at, NUL-terminated; returns the copy. */
static char *put_str(char **at, struct store_str s)
{
    char *r = *at;
    size_t n = s.p ? s.len : 0;

    if (n)
        memcpy(r, s.p, n);
    r[n] = '\0';
    *at += n + 1;
    return r;
}

static struct store_call *call_new(struct store *s, const struct store_input *in, uint64_t h)
{
    /* One allocation for the call and the strings it keeps for life
     * (Call-ID, From and To users, and the User-Agent and X-Call-ID when
     * the first message has them): with a malloc per string, allocating
     * and freeing them showed in the profile of a large load. */
    size_t idlen = in->call_id.p ? in->call_id.len : 0;
    size_t ualen = in->user_agent.p ? in->user_agent.len : 0;
    size_t xlen = in->xcall_id.p ? in->xcall_id.len : 0;
    size_t inl = idlen + 1 + (in->from_user.p ? in->from_user.len : 0) + 1 +
                 (in->to_user.p ? in->to_user.len : 0) + 1 + (ualen ? ualen + 1 : 0) +
                 (xlen ? xlen + 1 : 0);
    struct store_call *c = xcalloc(1, sizeof(*c) + inl);
    char *at = (char *)(c + 1);

    c->inl_len = inl;
    c->call_id = put_str(&at, in->call_id);
    c->call_id_len = idlen;
    c->from_user = put_str(&at, in->from_user);
    c->to_user = put_str(&at, in->to_user);
    if (ualen)
        c->user_agent = put_str(&at, in->user_agent);
    if (xlen)
        c->xcall_id = put_str(&at, in->xcall_id);
    c->first_ts = in->ts_ns;
    c->kind = store_kind_of(in);
    c->state = c->kind == CALL_KIND_INVITE ? CALL_STATE_SETUP : CALL_STATE_PENDING;
    c->mem = sizeof(*c) + inl + 48;
    /* Grow the table before c is in a list, or the rehash would insert c
     * and the insert below would insert it a second time. */
    c->id_hash = h;
    if ((s->ncalls_arr - s->calls_head + s->npending + 1) * 2 > s->nslots)
        slots_grow(s);
    slot_put(s, c);
    s->total_calls++;
    s->mem += c->mem;
    if (s->opts.match) {
        c->pending = true; /* listed by call_list() once it matches */
        s->npending++;
        s->pending_mem += c->mem;
    } else
        call_list(s, c);
    return c;
}

/* Gives c its id and its place in creation (listing) order. */
static void call_list(struct store *s, struct store_call *c)
{
    c->id = s->next_id++;
    if (s->ncalls_arr == s->calls_cap) {
        /* Compact away rotated-out slots before growing. */
        if (s->calls_head > s->calls_cap / 2) {
            memmove(s->calls, s->calls + s->calls_head,
                    (s->ncalls_arr - s->calls_head) * sizeof(*s->calls));
            s->ncalls_arr -= s->calls_head;
            s->calls_head = 0;
        } else {
            s->calls_cap = s->calls_cap ? s->calls_cap * 2 : 1024;
            s->calls = xrealloc(s->calls, s->calls_cap * sizeof(*s->calls));
        }
    }
    s->calls[s->ncalls_arr++] = c;
}

static void call_unlink(struct store *s, struct store_call *c)
{
    size_t k = slot_find(s, c->id_hash, c->call_id, c->call_id_len);

    if (s->slots[k].c == c)
        slot_delete(s, k);
}

/* Rotates the oldest calls out until the store is under 90 % of its
 * limit.  The newest call (being added to) is never rotated. */
static void store_rotate(struct store *s, const struct store_call *keep)
{
    uint64_t target = s->opts.max_memory / 10 * 9;

    while (s->mem > target && s->ncalls_arr - s->calls_head > 1) {
        struct store_call *c = s->calls[s->calls_head];

        if (c == keep)
            break;
        s->calls[s->calls_head++] = NULL;
        call_unlink(s, c);
        s->mem -= c->mem;
        s->nmsgs -= c->nmsgs;
        if (s->rotated_calls == 0 || c->first_ts < s->rotated_from)
            s->rotated_from = c->first_ts;
        if (s->rotated_calls == 0 || c->last_ts > s->rotated_to)
            s->rotated_to = c->last_ts;
        s->rotated_calls++;
        s->rotated_msgs += c->nmsgs;
        s->first_id = c->id + 1;
        call_free(c);
    }
}

/* ------------------------------------------------------------ --match
 * Pending calls sit on one of two lists, least recently active first:
 * [0] in progress, [1] reached a final state.  Each message moves its call
 * to the tail of the list its state says.  Drops happen from the heads. */

static bool call_ended(const struct store_call *c)
{
    switch (c->state) {
    case CALL_STATE_SETUP:
    case CALL_STATE_RINGING:
    case CALL_STATE_IN_CALL:
    case CALL_STATE_PENDING:
        return false;
    default:
        return true;
    }
}

static void pend_unlink(struct store *s, struct store_call *c)
{
    int l = c->pend_list;

    if (c->pprev)
        c->pprev->pnext = c->pnext;
    else if (s->pend_head[l] == c)
        s->pend_head[l] = c->pnext;
    if (c->pnext)
        c->pnext->pprev = c->pprev;
    else if (s->pend_tail[l] == c)
        s->pend_tail[l] = c->pprev;
    c->pprev = c->pnext = NULL;
}

static void pend_append(struct store *s, struct store_call *c)
{
    int l = call_ended(c) ? 1 : 0;

    c->pend_list = (uint8_t)l;
    c->pnext = NULL;
    c->pprev = s->pend_tail[l];
    if (s->pend_tail[l])
        s->pend_tail[l]->pnext = c;
    else
        s->pend_head[l] = c;
    s->pend_tail[l] = c;
}

static void pend_drop(struct store *s, struct store_call *c, bool ended)
{
    pend_unlink(s, c);
    call_unlink(s, c);
    s->npending--;
    s->pending_msgs -= c->nmsgs;
    s->pending_mem -= c->mem;
    s->mem -= c->mem;
    s->unmatched_msgs += c->nmsgs;
    if (ended)
        s->unmatched_ended++;
    else
        s->unmatched_evicted++;
    call_free(c);
}

/* Drops pending calls that can no longer match (now: capture time of the
 * message just added; keep: its call, never dropped here). */
static void pend_prune(struct store *s, int64_t now, const struct store_call *keep)
{
    size_t max = s->opts.max_pending ? s->opts.max_pending : STORE_MAX_PENDING;
    uint64_t mem_cap = s->opts.max_memory / 4;
    struct store_call *c;

    while ((c = s->pend_head[1]) && c != keep && now - c->last_ts > STORE_PENDING_LINGER_NS)
        pend_drop(s, c, true);
    while (s->npending > max || (mem_cap && s->pending_mem > mem_cap)) {
        bool ended = false;

        c = s->pend_head[0];
        if (!c || c == keep) {
            c = s->pend_head[1];
            ended = true;
        }
        if (!c || c == keep)
            break;
        pend_drop(s, c, ended && now - c->last_ts > STORE_PENDING_LINGER_NS);
    }
}

/* After a pending call took a message: match it, or requeue it. */
static void pend_update(struct store *s, struct store_call *c, const struct store_input *in)
{
    pend_unlink(s, c);
    if (!s->opts.match(s->opts.match_ctx, s, c, in)) {
        pend_append(s, c);
        return;
    }
    c->pending = false;
    s->npending--;
    s->pending_msgs -= c->nmsgs;
    s->pending_mem -= c->mem;
    s->nmsgs += c->nmsgs;
    call_list(s, c);
    if (c->kind == CALL_KIND_INVITE) /* now it has an id to be watched by */
        store_unanswered_watch(s, c, &c->msgs[c->nmsgs - 1],
                               CALL_STATE_PENDING); /* never an INVITE state */
}

/* ------------------------------------------------------------ queries */

size_t store_ncalls(const struct store *s)
{
    return s->ncalls_arr - s->calls_head;
}

const struct store_call *store_call_at(const struct store *s, size_t i)
{
    return i < store_ncalls(s) ? s->calls[s->calls_head + i] : NULL;
}

const struct store_call *store_call_get(const struct store *s, uint64_t id)
{
    /* Ids are dense and rotation only removes the oldest, so the live ids
     * are exactly first_id .. next_id-1, in array order. */
    if (id < s->first_id || id >= s->next_id)
        return NULL;
    return store_call_at(s, (size_t)(id - s->first_id));
}

size_t store_call_blegs(const struct store *s, const struct store_call *c,
                        const struct store_call **out, size_t max)
{
    size_t i, n = 0;

    for (i = s->calls_head; i < s->ncalls_arr; i++) {
        const struct store_call *b = s->calls[i];

        if (b->xcall_id && strlen(b->xcall_id) == c->call_id_len &&
            memcmp(b->xcall_id, c->call_id, c->call_id_len) == 0) {
            if (n < max)
                out[n] = b;
            n++;
        }
    }
    return n;
}

const struct store_call *store_call_aleg(const struct store *s, const struct store_call *c)
{
    if (!c->xcall_id)
        return NULL;
    return store_call_find(s, c->xcall_id, strlen(c->xcall_id));
}

int store_msg_bytes(const struct store *s, const struct store_msg *m, struct strbuf *out)
{
    size_t got = 0;

    sb_reset(out);
    if (m->flags & STORE_MSG_OWNED) {
        sb_append(out, m->bytes, m->len);
        return 0;
    }
    if (m->file_off < 0 || m->source >= s->nsources || s->sources[m->source].fd < 0)
        return -1;
    sb_reserve(out, m->len);
    while (got < m->len) {
        ssize_t r = pread(s->sources[m->source].fd, out->s + got, m->len - got,
                          (off_t)(m->file_off + (int64_t)got));

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    out->len = m->len;
    out->s[out->len] = '\0';
    return 0;
}

int store_msg_parse(const struct store *s, const struct store_msg *m, struct strbuf *bytes,
                    struct sip_msg *out)
{
    if (store_msg_bytes(s, m, bytes) != 0 || !bytes->s) {
        sb_reset(bytes);
        sip_parse(NULL, 0, out); /* an empty message: fini-able, -1 */
        return -1;
    }
    return sip_parse(bytes->s, bytes->len, out);
}

void store_counts(const struct store *s, struct store_counts *out)
{
    out->messages = s->nmsgs;
    out->calls = store_ncalls(s);
    out->total_messages = s->total_msgs;
    out->total_calls = s->total_calls;
    out->rotated_calls = s->rotated_calls;
    out->rotated_messages = s->rotated_msgs;
    out->rotated_from_ns = s->rotated_from;
    out->max_memory = s->opts.max_memory;
    out->rotated_to_ns = s->rotated_to;
    out->no_call_id = s->no_call_id;
    out->mem = s->mem;
    out->pending_calls = s->npending;
    out->pending_messages = s->pending_msgs;
    out->unmatched_ended = s->unmatched_ended;
    out->unmatched_evicted = s->unmatched_evicted;
    out->unmatched_messages = s->unmatched_msgs;
}

uint64_t store_gen(const struct store *s)
{
    return s->gen;
}

int64_t store_msg_response_time(const struct store_call *c, const struct store_msg *m)
{
    const struct store_txn *t;

    if ((m->flags & STORE_MSG_REQUEST) || m->txn >= c->ntxns)
        return -1;
    t = &c->txns[m->txn];
    if (!t->req_ts)
        return -1;
    return m->ts_ns - t->req_ts;
}

/* ------------------------------------------------------------ adding */

void store_prefetch(const struct store *s, const struct store_input *in, int stage)
{
    const struct call_slot *sl;
    const struct store_call *c;

    if (!in->call_id_hash)
        return;
    sl = &s->slots[in->call_id_hash & (s->nslots - 1)];
    if (stage == 0) {
        __builtin_prefetch(sl);
        return;
    }
    /* Later stages follow what the earlier ones brought in; a call not at
     * its home slot is simply not prefetched. */
    c = sl->c;
    if (!c || sl->h != in->call_id_hash)
        return;
    if (stage == 1) {
        __builtin_prefetch(&c->msgs);
        __builtin_prefetch(&c->dirs);
        return;
    }
    if (c->msgs)
        __builtin_prefetch(&c->msgs[c->nmsgs]);
    if (c->txns && c->ntxns)
        __builtin_prefetch(&c->txns[c->ntxns - 1]);
    if (c->dirs)
        __builtin_prefetch(c->dirs);
}

const struct store_call *store_add(struct store *s, const struct store_input *in)
{
    struct store_call *c;
    struct store_msg *m;
    size_t mem_before;
    enum call_state before;

    const char *id = in->call_id.p ? in->call_id.p : "";
    size_t idlen = in->call_id.p ? in->call_id.len : 0;
    /* Once for the lookup and the insert; usually done on the capture thread. */
    uint64_t h = in->call_id_hash ? in->call_id_hash : callid_hash(id, idlen);

    c = call_lookup_h(s, h, id, idlen);
    if (idlen == 0)
        s->no_call_id++;
    if (!c)
        c = call_new(s, in, h);
    mem_before = c->mem;
    if (c->nmsgs == c->msgs_cap) {
        size_t old = c->msgs_cap;

        /* Most INVITE calls hold 5 to 8 messages (INVITE, 100, 180, 200,
         * ACK, BYE, 200), so they start with room for 8 instead of
         * growing once; other exchanges are mostly 2 to 4. */
        c->msgs_cap = c->msgs_cap ? c->msgs_cap * 2 : c->kind == CALL_KIND_INVITE ? 8 : 4;
        c->msgs = xrealloc(c->msgs, c->msgs_cap * sizeof(*c->msgs));
        c->mem += (c->msgs_cap - old) * sizeof(*c->msgs);
    }
    m = &c->msgs[c->nmsgs];
    memset(m, 0, sizeof(*m));
    m->ts_ns = in->ts_ns;
    m->frame = in->frame;
    m->len = (uint32_t)in->len;
    m->source = (uint16_t)in->source;
    m->src_ep = endpoint_of(s, c, &in->src);
    m->dst_ep = endpoint_of(s, c, &in->dst);
    m->cseq = in->cseq;
    m->status = in->status;
    m->method = (uint8_t)in->method;
    m->cseq_method = (uint8_t)in->cseq_method;
    m->transport = (uint8_t)in->transport;
    m->q850 = !in->hdrs_known                                         ? STORE_Q850_UNKNOWN
              : in->q850_only == SIP_REASON_NONE                      ? STORE_Q850_NONE
              : in->q850_only >= 0 && in->q850_only < STORE_Q850_NONE ? (uint8_t)in->q850_only
                                                                      : STORE_Q850_UNKNOWN;
    m->hep_agent = in->hep_agent;
    if (in->is_request)
        m->flags |= STORE_MSG_REQUEST;
    if (in->has_sdp)
        m->flags |= STORE_MSG_SDP;
    if (in->problems)
        m->flags |= STORE_MSG_MALFORMED;
    if (in->ip_fragmented)
        m->flags |= STORE_MSG_IP_FRAGMENTED;
    if (in->hdrs_known)
        m->flags |= STORE_MSG_HDRS_KNOWN |
                    (in->has_reason_or_warning ? STORE_MSG_REASON_WARNING : 0) |
                    (in->has_credentials ? STORE_MSG_CREDENTIALS : 0);
    if (str_is(in->from_user, c->from_user) && str_is(in->to_user, c->to_user))
        m->flags |= STORE_MSG_FT_CALL;
    else if (str_is(in->from_user, c->to_user) && str_is(in->to_user, c->from_user))
        m->flags |= STORE_MSG_FT_SWAP;
    if (in->file_off >= 0 &&
        (!in->bytes || (in->source < s->nsources && s->sources[in->source].fd >= 0))) {
        /* Re-read on demand (store_msg_bytes fails if the file is gone). */
        m->file_off = in->file_off;
    } else {
        /* No stable position in a file: keep one copy, owned by the call. */
        m->flags |= STORE_MSG_OWNED;
        m->bytes = xmalloc(in->len ? in->len : 1);
        memcpy(m->bytes, in->bytes, in->len);
        c->mem += in->len;
        c->nowned++;
    }
    if (c->nmsgs == 0) {
        c->src_ep = m->src_ep;
        c->dst_ep = m->dst_ep;
    }
    c->nmsgs++;
    if (c->pending)
        s->pending_msgs++;
    else
        s->nmsgs++;
    s->total_msgs++;
    if (in->ts_ns > c->last_ts || c->nmsgs == 1)
        c->last_ts = in->ts_ns;

    before = c->state;
    store_dialog_update(s, c, m, in);
    if (in->ts_ns > s->now)
        s->now = in->ts_ns;
    if (c->kind == CALL_KIND_INVITE)
        store_unanswered_watch(s, c, m, before);
    if (s->nwatch && s->watch[0].deadline < s->now)
        store_unanswered_expire(s);
    s->mem += c->mem - mem_before;
    if (c->pending) {
        s->pending_mem += c->mem - mem_before;
        pend_update(s, c, in);
    }
    if (s->npending)
        pend_prune(s, in->ts_ns, c);

    s->gen++;
    if (s->opts.max_memory && s->mem > s->opts.max_memory)
        store_rotate(s, c);
    return c;
}
