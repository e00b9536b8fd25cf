/*
 * live: the live thread.  One poll loop over every capture interface, the
 * HEP listener (hep_listen.c: one UDP socket, one TCP listening socket and
 * its agents) and a timer, feeding one decoder:
 *
 *   pcap frame -> [-w writer] -> decoder -> payload
 *   HEP packet (password checked) -> decoder (HEP decapsulation) -> payload
 *   payload -> duplicate check (src, dst, payload hash within a window)
 *           -> [HEP3 forwarding when --hep-send] -> producer -> queue
 *
 * Ownership and threads: live_open runs on the main thread, with the
 * privileges, and opens handles and sockets; from live_start on, the live
 * thread owns all of them (and the writer, which is opened after the
 * privilege drop).  The UI thread only reads the _Atomic counters and sets
 * `paused` / `stop`.  SIGUSR1 sets a file-static flag the loop polls: the
 * -w file is reopened (after logrotate moved it).
 */
#include "engine_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "msgq.h"
#include "rtp.h"
#include "util.h"

#define LIVE_POLL_MS 50    /* longest wait; also the push interval */
#define HEP_BUF      65536 /* one HEP3 packet at most (--hep-send) */
#define DEDUP_SLOTS  16384 /* power of two */
#define DEDUP_PROBE  4

/* SIGUSR1.  The handler runs on whichever thread the signal lands on and
 * the live thread reads the flag: a lock-free atomic (async-signal-safe,
 * C11 7.14.1.1), where a volatile sig_atomic_t is only safe within one
 * thread (ThreadSanitizer reported the race).  The handler touches nothing
 * else, errno included. */
static atomic_int reopen_requested;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the SIGUSR1 flag must be lock-free");

static void on_usr1(int sig)
{
    (void)sig;
    atomic_store_explicit(&reopen_requested, 1, memory_order_relaxed);
}

struct dedup_slot {
    uint64_t key;
    int64_t t; /* capture time (epoch ns) when seen */
};

struct live {
    struct live_opts o;  /* strings borrowed from the caller (argv) */
    struct cap_live **h; /* owned handles */
    unsigned nh;
    unsigned *h_source; /* store source per handle */
    char **names;       /* owned: "lo", "any", "hep:9060" */
    unsigned nnames;
    struct hep_listener *hep; /* owned, or NULL: not listening */
    unsigned hep_source;
    uint64_t hep_frame;
    int send_fd;                /* connected UDP socket for --hep-send, -1 */
    uint8_t *send_buf;          /* owned */
    struct export_writer *w;    /* owned, live thread (the export module's writer) */
    uint64_t w_bytes;           /* record bytes in the current file (headers aside) */
    int64_t w_opened;           /* monotonic ns */
    time_t w_opened_wall;       /* the same, wall clock (the rotated file's name) */
    struct cap_decoder *dec;    /* owned, live thread */
    struct cap_tls_keys *keys;  /* borrowed: the loader's TLS key store */
    struct keylog_live *keylog; /* owned: keys arriving while capturing */
    struct prod prod;
    struct dedup_slot *dedup; /* owned */
    int64_t now;              /* monotonic ns of this poll round */
    int64_t window;           /* dedupe window, ns */
    pthread_t th;
    bool started, joined;
    _Atomic bool stop, paused;
    _Atomic uint64_t packets, kernel_drops, if_drops, duplicates, hep_sent, hep_send_errors,
        written, rotations, paused_skipped;
    _Atomic uint64_t too_deep, tcp_gaps, undecodable; /* the decoder's, published */
    _Atomic uint64_t tls_records, tls_decrypted, tls_auth_failed;
    char error[256];  /* last runtime error (thread), shown in summaries */
    char w_hint[640]; /* -w opened as root (writer_open_early): why a later
                         reopen fails and what would fix it */
};

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* "[ADDR:]PORT", "HOST:PORT", "[::1]:9060" -> host (NULL = any) and port. */
static int split_hostport(const char *s, char *host, size_t hlen, char *port, size_t plen,
                          bool need_host)
{
    const char *colon = strrchr(s, ':');
    size_t n;

    host[0] = '\0';
    if (!colon) {
        if (need_host)
            return -1;
        snprintf(port, plen, "%s", s);
    } else {
        n = (size_t)(colon - s);
        if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
            s++;
            n -= 2;
        }
        if (n >= hlen)
            return -1;
        memcpy(host, s, n);
        host[n] = '\0';
        snprintf(port, plen, "%s", colon + 1);
    }
    if (!port[0] || strspn(port, "0123456789") != strlen(port) || atoi(port) < 1 ||
        atoi(port) > 65535)
        return -1;
    return (need_host && !host[0]) ? -1 : 0;
}

/* A whole, authenticated HEP packet from the listener: decoded unless the
 * console is paused (then it is counted as skipped).  False when the
 * decoder found it malformed. */
static bool hep_packet(void *ctx, const uint8_t *p, size_t n)
{
    struct live *lv = ctx;
    struct cap_record rec;
    uint64_t errs;

    if (atomic_load(&lv->paused)) {
        atomic_fetch_add(&lv->paused_skipped, 1);
        return true;
    }
    memset(&rec, 0, sizeof(rec));
    rec.source = lv->hep_source;
    rec.frame = ++lv->hep_frame;
    rec.ts_ns = real_ns(); /* replaced by the HEP timestamp when present */
    rec.data = p;
    rec.caplen = rec.origlen = (uint32_t)n;
    rec.file_off = -1;
    errs = cap_decoder_stats(lv->dec)->hep_errors;
    cap_decoder_feed_hep(lv->dec, &rec);
    return cap_decoder_stats(lv->dec)->hep_errors == errs;
}

static int hep_bind(struct live *lv, struct err *d)
{
    char host[256], port[16];

    if (split_hostport(lv->o.hep_listen, host, sizeof(host), port, sizeof(port), false) != 0) {
        err_set(d, "--hep-listen %s: expected [ADDR:]PORT", lv->o.hep_listen);
        return -1;
    }
    lv->hep = hep_listener_new(lv->o.hep_password, lv->o.hep_timeout_s, hep_packet, lv);
    return hep_listener_bind(lv->hep, host, port, d, lv->o.hep_listen);
}

static int hep_connect(struct live *lv, struct err *d)
{
    char host[256], port[16];
    struct addrinfo hints, *ai = NULL, *a;
    int rc;

    if (split_hostport(lv->o.hep_send, host, sizeof(host), port, sizeof(port), true) != 0) {
        err_set(d, "--hep-send %s: expected HOST:PORT", lv->o.hep_send);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        err_set(d, "--hep-send %s: %s", lv->o.hep_send, gai_strerror(rc));
        return -1;
    }
    for (a = ai; a; a = a->ai_next) {
        int s = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (s >= 0 && connect(s, a->ai_addr, a->ai_addrlen) == 0) {
            set_nonblock(s);
            lv->send_fd = s;
            break;
        }
        if (s >= 0)
            close(s);
    }
    freeaddrinfo(ai);
    if (lv->send_fd < 0) {
        err_set(d, "--hep-send %s: %s", lv->o.hep_send, strerror(errno));
        return -1;
    }
    lv->send_buf = xmalloc(HEP_BUF);
    return 0;
}

static void add_name(struct live *lv, const char *name)
{
    lv->names = xrealloc(lv->names, (lv->nnames + 1) * sizeof(*lv->names));
    lv->names[lv->nnames++] = xstrdup(name);
}

static int writer_check(struct live *lv, struct err *d);

/* Can uid/gid (with no other groups: cap_priv_drop keeps the primary one
 * only) create files in a directory of this mode?  ACLs are not read. */
static bool dir_writable(const struct stat *st, uid_t uid, gid_t gid)
{
    mode_t need = S_IWOTH | S_IXOTH;

    if (uid == 0)
        return true;
    if (st->st_uid == uid)
        need = S_IWUSR | S_IXUSR;
    else if (st->st_gid == gid)
        need = S_IWGRP | S_IXGRP;
    return (st->st_mode & need) == need;
}

/* -w as root into a directory the capture user cannot write (root's home,
 * as the README shows it): the file is opened now, before the privilege
 * drop, and given to that user.  Rotation must create new files there
 * later, which that user cannot: --rotate-* is refused now, and a reopen
 * on SIGUSR1 fails saying who needs which permission.  In a directory the
 * user can write, nothing happens here (live_start opens it as the user). */
static int writer_open_early(struct live *lv, struct err *d)
{
    const char *path = lv->o.write_path, *user = lv->o.user ? lv->o.user : "nobody";
    const char *slash = strrchr(path, '/');
    char dir[4096];
    struct passwd *pw;
    struct stat st;

    if (geteuid() != 0 || strcmp(path, "-") == 0 || (pw = getpwnam(user)) == NULL)
        return 0; /* not root, stdout, or an unknown user (the drop says so) */
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (stat(dir, &st) != 0 || dir_writable(&st, pw->pw_uid, pw->pw_gid))
        return 0;
    snprintf(lv->w_hint, sizeof(lv->w_hint),
             "user %.32s (uid %u) cannot create files in %.100s (mode %03o, uid %u gid %u); "
             "chown %.32s %.100s, write elsewhere or pick --user",
             user, (unsigned)pw->pw_uid, dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
             (unsigned)st.st_gid, user, dir);
    if (lv->o.rotate_size || lv->o.rotate_time) {
        err_set(d, "-w %s: rotation opens new files as the capture user, and %s", path, lv->w_hint);
        return -1;
    }
    if (writer_check(lv, d) != 0)
        return -1;
    lv->w = export_writer_open(path, EXPORT_FMT_AUTO, d); /* as root, on purpose */
    if (!lv->w)
        return -1;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && chown(path, pw->pw_uid, pw->pw_gid) != 0) {
        err_set(d, "-w %s: cannot give the file to %s: %s", path, user, strerror(errno));
        return -1;
    }
    return 0;
}

struct live *live_open(const struct live_opts *o, struct store *store, struct cap_tls_keys *keys,
                       struct err *d)
{
    struct live *lv = xcalloc(1, sizeof(*lv));
    unsigned i;

    lv->o = *o;
    lv->keys = keys;
    lv->send_fd = -1;
    atomic_init(&lv->stop, false);
    atomic_init(&lv->paused, false);
    lv->h = xcalloc(o->nifaces ? o->nifaces : 1, sizeof(*lv->h));
    lv->h_source = xcalloc(o->nifaces ? o->nifaces : 1, sizeof(*lv->h_source));
    for (i = 0; i < o->nifaces; i++) {
        unsigned src;

        add_name(lv, o->ifaces[i]);
        src = store_source_add(store, o->ifaces[i], false);
        lv->h[i] = cap_live_open(o->ifaces[i], &o->cap, src, d);
        if (!lv->h[i])
            goto fail;
        lv->h_source[i] = src;
        lv->nh++;
    }
    if (o->hep_listen) {
        char name[300];

        snprintf(name, sizeof(name), "hep:%s", o->hep_listen);
        add_name(lv, name);
        lv->hep_source = store_source_add(store, name, false);
        if (hep_bind(lv, d) != 0)
            goto fail;
    }
    if (o->hep_send && hep_connect(lv, d) != 0)
        goto fail;
    if (keys && o->ntls_keylogs && !(lv->keylog = keylog_live_open(o, keys, d)))
        goto fail;
    if (o->write_path && lv->nh == 0) {
        err_set(d, "-w %s: needs an interface to capture on (-i)", o->write_path);
        goto fail;
    }
    if (o->write_path && writer_open_early(lv, d) != 0)
        goto fail;
    lv->window = (int64_t)(o->dedupe_ms ? o->dedupe_ms : 200) * 1000000;
    lv->dedup = xcalloc(DEDUP_SLOTS, sizeof(*lv->dedup));
    lv->joined = true; /* nothing to join until live_start */
    return lv;
fail:
    live_free(lv);
    return NULL;
}

void live_sources_register(struct live *lv, struct store *store)
{
    unsigned i;

    for (i = 0; i < lv->nnames; i++)
        store_source_add(store, lv->names[i], false);
}

/* ---------------------------------------------------------------- -w writer */

/* pcap holds one link type: refuse interfaces that differ before the
 * first packet, not at it.  pcapng takes any mix. */
static int writer_check(struct live *lv, struct err *d)
{
    unsigned i;

    if (export_format_from_path(lv->o.write_path) == EXPORT_FMT_PCAPNG)
        return 0;
    if (export_format_from_path(lv->o.write_path) != EXPORT_FMT_PCAP &&
        export_format_from_path(lv->o.write_path) != EXPORT_FMT_UNKNOWN) {
        err_set(d, "-w %s: write a .pcap or .pcapng file", lv->o.write_path);
        return -1;
    }
    for (i = 1; i < lv->nh; i++) {
        if (cap_live_linktype(lv->h[i]) != cap_live_linktype(lv->h[0])) {
            err_set(d,
                    "-w %s: %s and %s have different link types; a .pcapng file can hold "
                    "both",
                    lv->o.write_path, cap_live_name(lv->h[0]), cap_live_name(lv->h[i]));
            return -1;
        }
    }
    return 0;
}

/* Moves an existing regular FILE aside as dumpcap names its ring files,
 * STEM_NNNNN_YYYYmmddHHMMSS.EXT (n the rotation's number, the time the
 * file was opened, local time as dumpcap's), so the extension stays and
 * tools that open by extension still read it; _N is added when the name is
 * taken: nothing is ever overwritten. */
static int move_aside(const char *path, unsigned n, time_t opened)
{
    char name[4200], stamp[32];
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem;
    struct stat st;
    struct tm tm;
    int i;

    /* Only a regular file is moved: `-w /dev/null` rotated as root must
     * not rename the device. */
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
        dot = path + strlen(path); /* no extension */
    stem = (size_t)(dot - path);
    localtime_r(&opened, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
    for (i = 0; i < 1000; i++) {
        if (i == 0)
            snprintf(name, sizeof(name), "%.*s_%05u_%s%s", (int)stem, path, n, stamp, dot);
        else
            snprintf(name, sizeof(name), "%.*s_%05u_%s_%d%s", (int)stem, path, n, stamp, i, dot);
        if (stat(name, &st) != 0)
            return rename(path, name);
    }
    return -1;
}

/* Closes the file and opens a new one: after SIGUSR1 (logrotate already
 * moved it; if it is still there it is moved aside) or when --rotate-size /
 * --rotate-time is reached. */
static void writer_rotate(struct live *lv)
{
    struct err d;

    err_clear(&d);
    if (export_writer_flush(lv->w, &d) != 0)
        err_format(&d, lv->error, sizeof(lv->error));
    if (move_aside(lv->o.write_path, (unsigned)atomic_load(&lv->rotations) + 1,
                   lv->w_opened_wall) != 0) {
        err_clear(&d);
        err_set(&d, "-w %s: cannot rename: %s", lv->o.write_path, strerror(errno));
        err_format(&d, lv->error, sizeof(lv->error));
    } else
        atomic_fetch_add(&lv->rotations, 1);
    err_clear(&d);
    if (export_writer_reopen(lv->w, &d) != 0) { /* writes fail until a reopen works */
        err_format(&d, lv->error, sizeof(lv->error));
        if (lv->w_hint[0]) {
            size_t n = strlen(lv->error);

            snprintf(lv->error + n, sizeof(lv->error) - n, " (%s)", lv->w_hint);
        }
    }
    lv->w_bytes = 0;
    lv->w_opened = lv->now;
    lv->w_opened_wall = time(NULL);
}

static void writer_tick(struct live *lv)
{
    bool reopen;

    if (!lv->o.write_path)
        return;
    reopen = atomic_exchange_explicit(&reopen_requested, 0, memory_order_relaxed) != 0;
    if (lv->w) {
        struct err d;

        err_clear(&d);
        export_writer_flush(lv->w, &d);
    }
    if (!lv->w)
        return;
    /* --rotate-time with nothing written yet keeps the file: a quiet
     * first interval must not leave an empty file behind. */
    if (reopen || (lv->o.rotate_size && lv->w_bytes >= lv->o.rotate_size) ||
        (lv->o.rotate_time && lv->w_bytes &&
         lv->now - lv->w_opened >= (int64_t)lv->o.rotate_time * 1000000000))
        writer_rotate(lv);
}

/* ---------------------------------------------------------------- payloads */

/* True when the same (src, dst, payload) went through within the window
 * of capture time (the frame's, or the HEP agent's timestamp: agents that
 * deliver late, like a sender batching its pcap buffer for a second, still
 * match): bonded NICs, "any" seeing a packet on two interfaces, two HEP
 * agents. */
static bool dedup_seen(struct live *lv, const struct cap_payload *p)
{
    uint64_t h = hash_bytes(p->data, p->len), k;
    unsigned i, slot, victim;
    int64_t oldest = INT64_MAX;

    h ^= hash_bytes(&p->src, sizeof(p->src)) * 31;
    h ^= hash_bytes(&p->dst, sizeof(p->dst)) * 131;
    k = h | 1; /* 0 marks an empty slot */
    slot = victim = (unsigned)(k & (DEDUP_SLOTS - 1));
    for (i = 0; i < DEDUP_PROBE; i++) {
        struct dedup_slot *s = &lv->dedup[(slot + i) & (DEDUP_SLOTS - 1)];

        if (s->key == k && s->t - p->ts_ns <= lv->window && p->ts_ns - s->t <= lv->window)
            return true;
        if (s->t < oldest) {
            oldest = s->t;
            victim = (slot + i) & (DEDUP_SLOTS - 1);
        }
    }
    lv->dedup[victim].key = k;
    lv->dedup[victim].t = p->ts_ns;
    return false;
}

static bool came_over_hep(const struct cap_payload *p)
{
    unsigned i;

    for (i = 0; i < p->nlayers; i++)
        if (p->layers[i] == CAP_L_HEP2 || p->layers[i] == CAP_L_HEP3)
            return true;
    return false;
}

static void on_payload(void *ctx, const struct cap_payload *p)
{
    struct live *lv = ctx;

    if (lv->o.payload_fn)
        lv->o.payload_fn(lv->o.payload_ctx, p);
    if (!prod_maybe_sip(p))
        return;
    if (dedup_seen(lv, p)) {
        atomic_fetch_add(&lv->duplicates, 1);
        return;
    }
    /* Forward what was captured here; never what arrived over HEP (that
     * would loop when the target is this host). */
    if (lv->send_fd >= 0 && !came_over_hep(p)) {
        size_t n =
            cap_hep3_encode(p, lv->o.hep_agent_id, lv->o.hep_password, lv->send_buf, HEP_BUF);

        if (n && send(lv->send_fd, lv->send_buf, n, 0) == (ssize_t)n)
            atomic_fetch_add(&lv->hep_sent, 1);
        else
            atomic_fetch_add(&lv->hep_send_errors, 1);
    }
    prod_payload(&lv->prod, p);
}

static void on_frame(void *ctx, const struct cap_record *rec)
{
    struct live *lv = ctx;

    if (atomic_fetch_add(&lv->packets, 1) == 0 && lv->prod.rtp)
        rtp_tracker_set_origin(lv->prod.rtp, rec->ts_ns);
    if (lv->w) {
        struct export_record er = {rec->ts_ns, rec->linktype, rec->data, rec->caplen, rec->origlen};
        struct err d;

        err_clear(&d);
        if (export_writer_write(lv->w, &er, &d) == 0) {
            atomic_fetch_add(&lv->written, 1);
            /* pcap record header 16 bytes; pcapng EPB 32 + padding */
            lv->w_bytes += rec->caplen + 16;
        }
        /* At the packet that crosses the size: files end near the limit. */
        if (lv->o.rotate_size && lv->w_bytes >= lv->o.rotate_size)
            writer_rotate(lv);
    }
    if (atomic_load(&lv->paused)) {
        atomic_fetch_add(&lv->paused_skipped, 1);
        return;
    }
    cap_decoder_feed(lv->dec, rec);
}

static void publish_stats(struct live *lv)
{
    uint64_t kd = 0, id = 0;
    unsigned i;

    for (i = 0; i < lv->nh; i++) {
        struct cap_live_counts c;

        if (cap_live_stats(lv->h[i], &c) == 0) {
            kd += c.kernel_drops;
            id += c.if_drops;
        }
    }
    atomic_store(&lv->kernel_drops, kd);
    atomic_store(&lv->if_drops, id);
    if (lv->hep)
        hep_listener_refresh(lv->hep);
    if (lv->dec) { /* the decoder is this thread's: copies for the UI thread */
        const struct cap_stats *st = cap_decoder_stats(lv->dec);

        atomic_store(&lv->too_deep, st->too_deep);
        atomic_store(&lv->tcp_gaps, st->tcp_gaps);
        atomic_store(&lv->undecodable, st->undecodable);
        atomic_store(&lv->tls_records, st->tls_records);
        atomic_store(&lv->tls_decrypted, st->tls_decrypted);
        atomic_store(&lv->tls_auth_failed, st->tls_auth_failed);
    }
}

static void *live_main(void *arg)
{
    struct live *lv = arg;
    struct pollfd pf[64 + 2 + HEP_MAX_CONNS + 16];
    int64_t last_push = mono_ns(), last_stats = last_push;
    unsigned i;

    while (!atomic_load(&lv->stop)) {
        unsigned n = 0, nh = lv->nh < 64 ? lv->nh : 64, h0, k0;
        struct err d;

        for (i = 0; i < nh; i++) {
            pf[n].fd = cap_live_fd(lv->h[i]);
            pf[n++].events = POLLIN;
        }
        h0 = n;
        if (lv->hep)
            n += hep_listener_pollfds(lv->hep, pf + n);
        k0 = n;
        n += keylog_live_pollfds(lv->keylog, pf + n);
        if (poll(pf, n, LIVE_POLL_MS) < 0 && errno != EINTR)
            break;
        keylog_live_service(lv->keylog, pf + k0); /* keys before the packets */
        cap_decoder_tls_retry(lv->dec);           /* cheap when nothing waits */
        lv->now = mono_ns();
        for (i = 0; i < nh; i++) {
            /* TPACKET_V3 may hold frames without waking poll until its
             * block timeout: read every round, it is cheap when empty. */
            err_clear(&d);
            if (cap_live_dispatch(lv->h[i], -1, on_frame, lv, &d) < 0)
                err_format(&d, lv->error, sizeof(lv->error));
        }
        if (lv->hep)
            hep_listener_service(lv->hep, pf + h0, lv->now);
        if ((prod_pending(&lv->prod) || prod_rtp_dirty(&lv->prod)) &&
            lv->now - last_push >= LIVE_POLL_MS * 1000000LL) {
            prod_push(&lv->prod);
            last_push = lv->now;
        }
        if (lv->now - last_stats >= 1000000000LL) {
            publish_stats(lv);
            last_stats = lv->now;
        }
        writer_tick(lv);
    }
    lv->now = mono_ns();
    for (i = 0; i < lv->nh; i++) { /* what the kernel still holds */
        struct err d;

        err_clear(&d);
        cap_live_dispatch(lv->h[i], -1, on_frame, lv, &d);
    }
    publish_stats(lv);
    prod_push(&lv->prod);
    if (lv->w) {
        struct err d;

        err_clear(&d);
        export_writer_flush(lv->w, &d);
    }
    return NULL;
}

int live_start(struct live *lv, struct msgq *q, struct rtp_tracker *rtp, struct err *d)
{
    struct cap_limits lim;

    prod_init(&lv->prod, q, true, &lv->stop, rtp);
    lv->started = true; /* prod_fini from now on */
    if (lv->o.write_path) {
        struct sigaction sa;

        if (!lv->w && writer_check(lv, d) != 0)
            return -1;
        if (!lv->w) /* unprivileged, unless writer_open_early had to open it */
            lv->w = export_writer_open(lv->o.write_path, EXPORT_FMT_AUTO, d);
        if (!lv->w)
            return -1;
        lv->w_opened = mono_ns();
        lv->w_opened_wall = time(NULL);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
    }
    cap_limits_default(&lim);
    lv->dec = cap_decoder_new(&lim, on_payload, lv);
    cap_decoder_set_tls_keys(lv->dec, lv->keys);
    if (pthread_create(&lv->th, NULL, live_main, lv) != 0) {
        err_set(d, "cannot start the capture thread");
        return -1;
    }
    lv->joined = false;
    return 0;
}

void live_stop(struct live *lv)
{
    if (!lv || lv->joined)
        return;
    atomic_store(&lv->stop, true);
    pthread_join(lv->th, NULL);
    lv->joined = true;
}

void live_free(struct live *lv)
{
    unsigned i;

    if (!lv)
        return;
    live_stop(lv);
    for (i = 0; i < lv->nh; i++)
        cap_live_close(lv->h[i]);
    hep_listener_free(lv->hep);
    keylog_live_free(lv->keylog);
    if (lv->send_fd >= 0)
        close(lv->send_fd);
    if (lv->w) {
        struct err d;

        err_clear(&d);
        export_writer_close(lv->w, &d);
    }
    cap_decoder_free(lv->dec);
    if (lv->started)
        prod_fini(&lv->prod);
    for (i = 0; i < lv->nnames; i++)
        free(lv->names[i]);
    free(lv->names);
    free(lv->h);
    free(lv->h_source);
    free(lv->send_buf);
    free(lv->dedup);
    free(lv);
}

void live_pause(struct live *lv, bool paused)
{
    atomic_store(&lv->paused, paused);
}

void live_counts(struct live *lv, struct live_counts *c)
{
    memset(c, 0, sizeof(*c));
    c->active = true;
    c->packets = atomic_load(&lv->packets);
    c->kernel_drops = atomic_load(&lv->kernel_drops);
    c->if_drops = atomic_load(&lv->if_drops);
    c->queue_drops = atomic_load(&lv->prod.queue_drops);
    c->duplicates = atomic_load(&lv->duplicates);
    if (lv->hep) {
        hep_listener_counts(lv->hep, c->hep);
        c->hep_packets = c->hep[HEP_C_PACKETS];
        c->hep_rejected = c->hep[HEP_C_AUTH] + c->hep[HEP_C_MALFORMED] + c->hep[HEP_C_NOT_HEP];
    }
    c->paused_skipped = atomic_load(&lv->paused_skipped);
    c->too_deep = atomic_load(&lv->too_deep);
    c->tcp_gaps = atomic_load(&lv->tcp_gaps);
    c->tls_records = atomic_load(&lv->tls_records);
    c->tls_decrypted = atomic_load(&lv->tls_decrypted);
    c->tls_auth_failed = atomic_load(&lv->tls_auth_failed);
    c->undecodable = atomic_load(&lv->undecodable);
    c->hep_sent = atomic_load(&lv->hep_sent);
    c->hep_send_errors = atomic_load(&lv->hep_send_errors);
    c->written = atomic_load(&lv->written);
    c->rotations = atomic_load(&lv->rotations);
    c->paused = atomic_load(&lv->paused);
}

uint64_t live_messages(struct live *lv)
{
    return atomic_load(&lv->prod.messages);
}
