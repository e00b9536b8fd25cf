/*
 * reader: pcap and pcapng files (plain or gzip, "-" = stdin) -> cap_record,
 * and cap_merge (several readers ordered by timestamp).
 *
 * Written from the file format specs, no libpcap.  A regular file is
 * opened through zlib's gz* layer, which reads gzip and uncompressed input
 * alike (large requests go straight into our buffer).  A plain file larger
 * than the mapping window (RD_MAP_WINDOW) then leaves gz for a sliding
 * read-only mapping (cap_window, shared by reference with the parse
 * workers), so its records are read from the page cache without a copy.
 * Pipes (stdin, a FIFO) are read with read() and, when gzip, inflate():
 * gzread() waits until its whole request or buffer is filled, so
 * `tcpdump -w - | sipdx -r -` showed nothing until megabytes had arrived.
 * In every mode a record's bytes are borrowed from the reader (its buffer
 * or its mapping) until the next call; nothing is allocated per record.
 *
 * Thread: the capture thread that owns the reader.  Ownership: the reader
 * owns its buffer and gz handle; cap_merge owns its readers.
 */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture_int.h"
#include "util.h"

#define RD_CHUNK      (1u << 20)  /* bytes asked per read */
#define RD_MAX_BLOCK  (64u << 20) /* largest record / block accepted */
#define RD_MAX_IFACE  256         /* pcapng interfaces per section */
#define RD_MAP_WINDOW (4u << 20)  /* bytes of a plain file mapped at once */

enum rd_fmt {
    RD_PCAP,
    RD_PCAPNG
};

struct rd_iface {
    int linktype;
    uint64_t units;   /* timestamp units per second */
    int64_t offset_s; /* if_tsoffset */
};

struct cap_reader {
    char *path; /* owned */
    unsigned source;
    struct cap_tls_keys *keys; /* borrowed: DSB secrets go there, or NULL */
    gzFile gz;                 /* owned; NULL for a pipe */
    /* A pipe: what has arrived is handed on at once. */
    int pfd;                    /* owned */
    bool pgzip;                 /* gzip: through zs */
    bool pend;                  /* the gzip stream (all its members) ended */
    bool pmember_end;           /* a gzip member ended: another may follow */
    z_stream zs;                /* pgzip */
    uint8_t *zin;               /* pgzip: compressed bytes read, owned */
    uint64_t praw;              /* bytes read from the pipe */
    void (*on_wait)(void *ctx); /* before a read that would block */
    void *wait_ctx;
    bool seekable;  /* plain file: offsets valid */
    uint64_t total; /* file size or 0 */
    uint8_t *buf;   /* owned */
    size_t cap, pos, len;
    int64_t buf_off; /* file offset of buf[0] */
    /* Plain files larger than the mapping window are read through a
     * sliding read-only mapping, which saves the kernel's copy into a
     * buffer.  buf then points into the mapping; heap keeps the buffer for
     * a fallback. */
    bool mapped;
    struct cap_window *win; /* the current mapping (one reference is ours) */
    size_t pf;              /* mapped: buf offset prefetched up to */
    int mfd;                /* owned while mapped */
    uint8_t *heap;          /* the malloc'ed buffer while mapped */
    size_t heap_cap;
    bool eof;
    bool done; /* after end or damage */
    enum rd_fmt fmt;
    bool swap;    /* file byte order differs from ours (pcap) / big endian (pcapng) */
    bool be;      /* pcapng section is big-endian */
    bool nsec;    /* pcap nanosecond magic */
    int linktype; /* pcap */
    struct rd_iface ifaces[RD_MAX_IFACE];
    unsigned nifaces;
    uint64_t frame;
    uint64_t skipped_blocks, skipped_bytes; /* pcapng: damage stepped over */
};

/* ------------------------------------------------------------ buffering */

struct cap_window {
    void *base;
    size_t len;
    _Atomic unsigned refs;
};

void cap_window_ref(struct cap_window *w)
{
    atomic_fetch_add_explicit(&w->refs, 1, memory_order_relaxed);
}

void cap_window_unref(struct cap_window *w)
{
    if (w && atomic_fetch_sub_explicit(&w->refs, 1, memory_order_acq_rel) == 1) {
        munmap(w->base, w->len);
        free(w);
    }
}

static void rd_unmap(struct cap_reader *r)
{
    if (r->mapped)
        cap_window_unref(r->win); /* unmapped now, or by the last holder */
    r->win = NULL;
    r->buf = NULL;
    r->len = 0;
}

/* Leaves the mapped mode at the current position: back to reading through
 * gz (direct mode, so its offsets are the file's). */
static void rd_unmapped(struct cap_reader *r)
{
    int64_t cur = r->buf_off + (int64_t)r->pos;

    rd_unmap(r);
    r->mapped = false;
    close(r->mfd);
    r->mfd = -1;
    r->buf = r->heap;
    r->cap = r->heap_cap;
    r->heap = NULL;
    r->pos = r->len = 0;
    r->buf_off = cur;
    if (gzseek(r->gz, (z_off_t)cur, SEEK_SET) < 0)
        r->eof = true;
}

/* rd_fill for a mapped file: maps the window that starts at the current
 * position's page and holds at least n bytes.  The size is taken again
 * from fstat each time, so a file that shrank since it was opened ends
 * early instead of faulting (SIGBUS) on pages that no longer exist. */
static size_t rd_fill_mapped(struct cap_reader *r, size_t n)
{
    int64_t cur = r->buf_off + (int64_t)r->pos, start;
    size_t want;
    long pg = sysconf(_SC_PAGESIZE);
    struct stat st;
    void *m;

    if (fstat(r->mfd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rd_unmapped(r);
        return 0; /* the caller falls back to reading */
    }
    if (st.st_size <= cur) {
        rd_unmap(r);
        r->buf_off = cur;
        r->pos = 0;
        r->eof = true;
        return 0;
    }
    start = cur - cur % (pg > 0 ? pg : 4096);
    want = RD_MAP_WINDOW;
    if (want < n + (size_t)(cur - start))
        want = n + (size_t)(cur - start);
    if ((int64_t)want > st.st_size - start)
        want = (size_t)(st.st_size - start);
    m = mmap(NULL, want, PROT_READ, MAP_PRIVATE | MAP_POPULATE, r->mfd, (off_t)start);
    if (m == MAP_FAILED) {
        rd_unmapped(r);
        return 0;
    }
    madvise(m, want, MADV_SEQUENTIAL);
    rd_unmap(r);
    r->win = xmalloc(sizeof(*r->win));
    r->win->base = m;
    r->win->len = want;
    atomic_init(&r->win->refs, 1);
    r->buf = m;
    r->buf_off = start;
    r->pos = (size_t)(cur - start);
    r->len = r->cap = want;
    r->pf = r->pos;
    return r->len - r->pos < n ? r->len - r->pos : n;
}

/* Mapped files: the bytes some way ahead of the record being read are
 * asked for now.  Each record's header and the payload's first bytes were
 * otherwise a wait on memory (the page cache is mapped, not in the CPU's
 * caches), and the parse workers read the same lines a moment later. */
#define RD_PREFETCH_AHEAD (16u << 10)

static void rd_prefetch(struct cap_reader *r)
{
    size_t to = r->pos + RD_PREFETCH_AHEAD;

    if (to > r->len)
        to = r->len;
    if (r->pf < r->pos)
        r->pf = r->pos;
    for (; r->pf < to; r->pf += 64)
        __builtin_prefetch(r->buf + r->pf);
}

#define RD_ZIN (64u * 1024)

/* read() with EINTR retried: what has arrived (at least 1 byte), 0 at the
 * end, -1 on error. */
static long pipe_read(struct cap_reader *r, uint8_t *b, size_t n)
{
    if (r->on_wait) {
        struct pollfd pf;

        pf.fd = r->pfd;
        pf.events = POLLIN;
        pf.revents = 0;
        if (poll(&pf, 1, 0) == 0)
            r->on_wait(r->wait_ctx);
    }
    for (;;) {
        ssize_t got = read(r->pfd, b, n);

        if (got < 0 && errno == EINTR)
            continue;
        if (got > 0)
            r->praw += (uint64_t)got;
        return got;
    }
}

/* The first bytes of a pipe decide gzip or not; they are kept (in zin for
 * gzip, in buf otherwise).  Returns -1 on a read error. */
static int pipe_start(struct cap_reader *r)
{
    uint8_t *head = r->buf; /* room for far more than 2 */
    size_t have = 0;

    while (have < 2) {
        long got = pipe_read(r, head + have, 2 - have);

        if (got < 0)
            return -1;
        if (got == 0)
            break;
        have += (size_t)got;
    }
    if (have == 2 && head[0] == 0x1f && head[1] == 0x8b) {
        r->pgzip = true;
        r->zin = xmalloc(RD_ZIN);
        r->zin[0] = head[0];
        r->zin[1] = head[1];
        memset(&r->zs, 0, sizeof(r->zs));
        r->zs.next_in = r->zin;
        r->zs.avail_in = 2;
        if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) /* gzip wrapper */
            return -1;
        return 0;
    }
    r->len = have;
    if (have < 2)
        r->eof = true;
    return 0;
}

/* Up to n bytes of the pipe's content into b, as soon as there are some:
 * > 0 bytes, 0 at the end, -1 on a read or gzip error. */
static long pipe_fill(struct cap_reader *r, uint8_t *b, size_t n)
{
    if (!r->pgzip)
        return pipe_read(r, b, n);
    while (!r->pend) {
        int zr;
        size_t out;

        if (r->pmember_end) {
            /* Concatenated members (gzip -c a b) go on; anything else
             * after the end is ignored, as gzread does.  Looked at only
             * now, after what the member held was handed on. */
            if (r->zs.avail_in == 0) {
                long got = pipe_read(r, r->zin, RD_ZIN);

                if (got > 0) {
                    r->zs.next_in = r->zin;
                    r->zs.avail_in = (unsigned)got;
                }
            }
            r->pmember_end = false;
            if (r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1f && r->zs.next_in[1] == 0x8b) {
                inflateReset(&r->zs);
            } else {
                r->pend = true;
                break;
            }
        }
        if (r->zs.avail_in == 0) {
            long got = pipe_read(r, r->zin, RD_ZIN);

            if (got <= 0)
                return got; /* a stream cut short ends here too */
            r->zs.next_in = r->zin;
            r->zs.avail_in = (unsigned)got;
        }
        r->zs.next_out = b;
        r->zs.avail_out = (unsigned)(n > UINT32_MAX ? UINT32_MAX : n);
        zr = inflate(&r->zs, Z_NO_FLUSH);
        out = (size_t)(r->zs.next_out - b);
        if (zr == Z_STREAM_END) {
            r->pmember_end = true;
        } else if (zr != Z_OK && !(zr == Z_BUF_ERROR && r->zs.avail_in == 0)) {
            /* Corrupt, or no progress possible: what came before it is
             * handed on first, then the stream ends. */
            r->pend = true;
            return out ? (long)out : -1;
        }
        if (out)
            return (long)out;
    }
    return 0;
}

/* Makes n bytes available at buf+pos.  Returns the number available
 * (less than n only at end of input). */
static size_t rd_fill(struct cap_reader *r, size_t n)
{
    if (r->len - r->pos >= n)
        return n;
    if (r->mapped) {
        size_t got = rd_fill_mapped(r, n);

        if (r->mapped || r->eof)
            return got;
        /* mapping failed: go on reading from the same position */
    }
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->buf_off += (int64_t)r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (n > r->cap) {
        size_t nc = r->cap;

        while (nc < n)
            nc *= 2;
        r->buf = xrealloc(r->buf, nc);
        r->cap = nc;
    }
    while (!r->eof && r->len < n) {
        size_t want = r->cap - r->len;
        int got;

        if (want > RD_CHUNK * 4)
            want = RD_CHUNK * 4;
        got = r->gz ? gzread(r->gz, r->buf + r->len, (unsigned)want)
                    : (int)pipe_fill(r, r->buf + r->len, want);
        if (got <= 0) {
            r->eof = true;
            break;
        }
        r->len += (size_t)got;
    }
    return r->len - r->pos < n ? r->len - r->pos : n;
}

static int64_t rd_off(const struct cap_reader *r)
{
    return r->buf_off + (int64_t)r->pos;
}

static uint16_t rd_u16(const struct cap_reader *r, const uint8_t *p)
{
    return r->be ? rd16be(p) : rd16le(p);
}

static uint32_t rd_u32(const struct cap_reader *r, const uint8_t *p)
{
    return r->be ? rd32be(p) : rd32le(p);
}

static int rd_damage(struct cap_reader *r, struct err *d, uint64_t frame, int64_t off,
                     const char *what)
{
    err_clear(d);
    snprintf(d->file, sizeof(d->file), "%s", r->path);
    d->frame = frame;
    d->offset = off;
    err_set(d, "%s", what);
    r->done = true;
    return -1;
}

/* ------------------------------------------------------------ open */

static int rd_header(struct cap_reader *r, struct err *d)
{
    const uint8_t *p;
    uint32_t magic_le;

    if (rd_fill(r, 4) < 4)
        return rd_damage(r, d, 0, 0, "not a pcap or pcapng file (too short)");
    p = r->buf + r->pos;
    magic_le = rd32le(p);
    if (magic_le == 0x0A0D0D0A) {
        r->fmt = RD_PCAPNG;
        return 0; /* the SHB is read as a block */
    }
    r->fmt = RD_PCAP;
    switch (magic_le) {
    case 0xa1b2c3d4:
        r->be = false;
        r->nsec = false;
        break;
    case 0xa1b23c4d:
        r->be = false;
        r->nsec = true;
        break;
    case 0xd4c3b2a1:
        r->be = true;
        r->nsec = false;
        break;
    case 0x4d3cb2a1:
        r->be = true;
        r->nsec = true;
        break;
    default:
        return rd_damage(r, d, 0, 0, "not a pcap or pcapng file (unknown magic)");
    }
    if (rd_fill(r, 24) < 24)
        return rd_damage(r, d, 0, 0, "truncated pcap file header");
    p = r->buf + r->pos;
    r->linktype = (int)(rd_u32(r, p + 20) & 0xFFFF); /* upper bits: FCS info */
    r->pos += 24;
    return 0;
}

struct cap_reader *cap_reader_open(const char *path, unsigned source, struct err *d)
{
    struct cap_reader *r;
    int fd;
    struct stat st;

    err_clear(d);
    if (strcmp(path, "-") == 0) {
        fd = dup(0);
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        snprintf(d->file, sizeof(d->file), "%s", path);
        err_set(d, "cannot open: %s", strerror(errno));
        return NULL;
    }
    r = xcalloc(1, sizeof(*r));
    r->path = xstrdup(path);
    r->source = source;
    r->pfd = -1;
    r->mfd = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (strcmp(path, "-") != 0) {
            r->total = (uint64_t)st.st_size;
            r->seekable = true;
        }
        r->gz = gzdopen(fd, "rb");
        if (!r->gz) {
            close(fd);
            snprintf(d->file, sizeof(d->file), "%s", path);
            err_set(d, "cannot open: out of memory");
            free(r->path);
            free(r);
            return NULL;
        }
        gzbuffer(r->gz, 256 * 1024);
    } else {
        r->pfd = fd; /* a pipe, FIFO or device: see pipe_fill */
    }
    r->cap = RD_CHUNK * 4;
    if (r->seekable && r->total + 64 < r->cap)
        r->cap = r->total < 65536 ? 65536 : (size_t)r->total + 64; /* small file */
    r->buf = xmalloc(r->cap);
    if (r->pfd >= 0 && pipe_start(r) < 0) {
        snprintf(d->file, sizeof(d->file), "%s", path);
        err_set(d, "cannot read: %s", strerror(errno));
        cap_reader_close(r);
        return NULL;
    }
    if (rd_header(r, d) < 0) {
        cap_reader_close(r);
        return NULL;
    }
    if (r->gz && !gzdirect(r->gz))
        r->seekable = false;
    if (r->seekable && r->total > RD_MAP_WINDOW) {
        /* Large plain file: switch to the mapping at the current offset. */
        r->mfd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->mfd >= 0) {
            int64_t cur = r->buf_off + (int64_t)r->pos;

            r->heap = r->buf;
            r->heap_cap = r->cap;
            r->buf = NULL;
            r->len = r->pos = 0;
            r->buf_off = cur;
            r->mapped = true;
        }
    }
    return r;
}

void cap_reader_close(struct cap_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    if (r->pfd >= 0)
        close(r->pfd);
    if (r->pgzip)
        inflateEnd(&r->zs);
    free(r->zin);
    if (r->mapped) {
        rd_unmap(r);
        close(r->mfd);
        free(r->heap);
    } else {
        free(r->buf);
    }
    free(r->path);
    free(r);
}

const char *cap_reader_path(const struct cap_reader *r)
{
    return r->path;
}

bool cap_reader_seekable(const struct cap_reader *r)
{
    return r->seekable;
}

uint64_t cap_reader_bytes_read(const struct cap_reader *r)
{
    long off;

    if (r->mapped)
        return (uint64_t)(r->buf_off + (int64_t)r->pos);
    if (!r->gz)
        return r->praw;
    off = gzoffset(r->gz);

    return off < 0 ? 0 : (uint64_t)off;
}

void cap_reader_on_wait(struct cap_reader *r, void (*fn)(void *ctx), void *ctx)
{
    r->on_wait = fn;
    r->wait_ctx = ctx;
}

uint64_t cap_reader_bytes_total(const struct cap_reader *r)
{
    return r->total;
}

/* ------------------------------------------------------------ pcap */

static int rd_pcap_next(struct cap_reader *r, struct cap_record *rec, struct err *d)
{
    const uint8_t *p;
    size_t got;
    uint32_t sec, frac, caplen, origlen;
    int64_t off = rd_off(r);

    got = rd_fill(r, 16);
    if (got == 0) {
        r->done = true;
        return 0;
    }
    if (got < 16)
        return rd_damage(r, d, r->frame + 1, off, "truncated record header");
    p = r->buf + r->pos;
    sec = rd_u32(r, p);
    frac = rd_u32(r, p + 4);
    caplen = rd_u32(r, p + 8);
    origlen = rd_u32(r, p + 12);
    if (caplen > RD_MAX_BLOCK)
        return rd_damage(r, d, r->frame + 1, off, "record length is implausible");
    if (rd_fill(r, 16 + (size_t)caplen) < 16 + (size_t)caplen)
        return rd_damage(r, d, r->frame + 1, off, "truncated record data");
    p = r->buf + r->pos;
    memset(rec, 0, sizeof(*rec));
    rec->source = r->source;
    rec->frame = ++r->frame;
    rec->ts_ns = (int64_t)sec * 1000000000 + (int64_t)frac * (r->nsec ? 1 : 1000);
    rec->linktype = r->linktype;
    rec->data = p + 16;
    rec->caplen = caplen;
    rec->origlen = origlen < caplen ? caplen : origlen;
    rec->file_off = r->seekable ? off + 16 : -1;
    rec->win = r->mapped ? r->win : NULL;
    r->pos += 16 + (size_t)caplen;
    if (r->mapped)
        rd_prefetch(r);
    return 1;
}

/* ------------------------------------------------------------ pcapng */

static int64_t ts_to_ns(const struct rd_iface *ifc, uint64_t ts)
{
    unsigned __int128 v = (unsigned __int128)ts * 1000000000u / ifc->units;

    return (int64_t)(uint64_t)v + ifc->offset_s * 1000000000;
}

static void rd_idb(struct cap_reader *r, const uint8_t *b, uint32_t blen)
{
    struct rd_iface *ifc;
    size_t o = 16;

    if (r->nifaces >= RD_MAX_IFACE || blen < 20)
        return;
    ifc = &r->ifaces[r->nifaces++];
    ifc->linktype = rd_u16(r, b + 8);
    ifc->units = 1000000;
    ifc->offset_s = 0;
    while (o + 4 <= (size_t)blen - 4) {
        uint16_t code = rd_u16(r, b + o), olen = rd_u16(r, b + o + 2);

        if (code == 0 || o + 4 + olen > (size_t)blen - 4)
            break;
        if (code == 9 && olen >= 1) {
            uint8_t v = b[o + 4];
            uint64_t u = 1;
            unsigned i;

            if (v & 0x80) {
                if ((v & 0x7f) < 63)
                    u = 1ull << (v & 0x7f);
            } else {
                for (i = 0; i < v && i < 19; i++)
                    u *= 10;
            }
            ifc->units = u;
        } else if (code == 14 && olen >= 8) {
            uint64_t hi = rd_u32(r, b + o + 4), lo = rd_u32(r, b + o + 8);

            ifc->offset_s = (int64_t)(r->be ? (hi << 32 | lo) : (lo << 32 | hi));
        }
        o += 4 + (((size_t)olen + 3) & ~(size_t)3);
    }
}

/* True when a whole pcapng block that looks right starts at buf+pos: a
 * known type, a plausible length, and the same length again at its end
 * (a check that random bytes pass about once in 2^32). */
static bool rd_block_ok(struct cap_reader *r)
{
    const uint8_t *b;
    uint32_t type, blen;

    if (rd_fill(r, 12) < 12)
        return false;
    b = r->buf + r->pos;
    type = r->be ? rd32be(b) : rd32le(b);
    if (rd32le(b) == 0x0A0D0D0A) {
        uint32_t bom = rd32le(b + 8);

        if (bom != 0x1A2B3C4D && bom != 0x4D3C2B1A)
            return false;
        blen = bom == 0x1A2B3C4D ? rd32le(b + 4) : rd32be(b + 4);
        if (blen < 28 || blen % 4 || blen > RD_MAX_BLOCK || rd_fill(r, blen) < blen)
            return false;
        b = r->buf + r->pos;
        return (bom == 0x1A2B3C4D ? rd32le(b + blen - 4) : rd32be(b + blen - 4)) == blen;
    }
    if (type < 1 || type > 10 || type == 7 || type == 8 || type == 9)
        return false; /* IDB, PB, SPB, NRB, ISB, EPB, DSB */
    blen = rd_u32(r, b + 4);
    if (blen < 12 || blen % 4 || blen > RD_MAX_BLOCK || rd_fill(r, blen) < blen)
        return false;
    b = r->buf + r->pos;
    if (rd_u32(r, b + blen - 4) != blen)
        return false;
    return type != 6 || (blen >= 32 && rd_u32(r, b + 8) < r->nifaces);
}

/* After damage in the block at off: scans on from skip bytes past the
 * current position (4-byte steps: blocks are 32-bit aligned) for a block
 * that passes rd_block_ok, at most RD_RESYNC_MAX bytes.  When one is
 * found, d says what was wrong and how much was skipped, and the reader
 * goes on there; when none is, d says what was wrong and the input ends.
 * -1 either way. */
#define RD_RESYNC_MAX (64u << 20)
static int rd_resync(struct cap_reader *r, struct err *d, int64_t off, size_t skip,
                     const char *what)
{
    uint64_t frame = r->frame + 1;
    char msg[200];

    if (rd_fill(r, skip) < skip)
        return rd_damage(r, d, frame, off, what);
    r->pos += skip;
    while (rd_off(r) - off < (int64_t)RD_RESYNC_MAX) {
        if (rd_block_ok(r)) {
            int64_t to = rd_off(r);

            r->skipped_blocks++;
            r->skipped_bytes += (uint64_t)(to - off);
            snprintf(msg, sizeof(msg),
                     "%s; skipped %" PRId64 " bytes to the next valid block at offset %" PRId64,
                     what, to - off, to);
            rd_damage(r, d, frame, off, msg);
            r->done = false; /* go on from the block found */
            return -1;
        }
        if (rd_fill(r, 16) < 16)
            break;
        r->pos += 4;
        if (r->mapped)
            rd_prefetch(r);
    }
    r->skipped_blocks++;
    return rd_damage(r, d, frame, off, what);
}

static int rd_pcapng_next(struct cap_reader *r, struct cap_record *rec, struct err *d)
{
    for (;;) {
        const uint8_t *b;
        uint32_t type, blen;
        size_t got;
        int64_t off = rd_off(r);

        got = rd_fill(r, 12);
        if (got == 0) {
            r->done = true;
            return 0;
        }
        if (got < 12)
            return rd_damage(r, d, r->frame + 1, off, "truncated block header");
        b = r->buf + r->pos;
        type = rd32le(b);
        if (type == 0x0A0D0D0A) {
            uint32_t bom = rd32le(b + 8);

            if (bom == 0x1A2B3C4D)
                r->be = false;
            else if (bom == 0x4D3C2B1A)
                r->be = true;
            else
                return rd_damage(r, d, r->frame + 1, off, "bad section header byte order");
            r->nifaces = 0;
        } else if (r->be) {
            type = rd32be(b);
        }
        blen = rd_u32(r, b + 4);
        if (blen < 12 || blen > RD_MAX_BLOCK)
            return rd_resync(r, d, off, 4, "bad block length");
        if (rd_fill(r, blen) < blen) {
            /* Cut short, or a damaged length: a valid block after it
             * tells them apart. */
            return rd_resync(r, d, off, 4, "truncated block");
        }
        b = r->buf + r->pos;
        if ((type == 6 || type == 3 || type == 2) && rd_u32(r, b + blen - 4) != blen)
            return rd_resync(r, d, off, 4, "block lengths disagree"); /* one is wrong */
        r->pos += blen;
        if (r->mapped)
            rd_prefetch(r);
        if (type == 1) {
            rd_idb(r, b, blen);
        } else if (type == 6 || type == 3 || type == 2) {
            uint32_t ifid = 0, caplen, origlen, hdr;
            uint64_t ts = 0;
            const struct rd_iface *ifc;

            if (type == 6) {
                if (blen < 32)
                    return rd_resync(r, d, off, 0, "enhanced packet block too short");
                ifid = rd_u32(r, b + 8);
                ts = (uint64_t)rd_u32(r, b + 12) << 32 | rd_u32(r, b + 16);
                caplen = rd_u32(r, b + 20);
                origlen = rd_u32(r, b + 24);
                hdr = 28;
            } else if (type == 2) {
                if (blen < 32)
                    return rd_resync(r, d, off, 0, "packet block too short");
                ifid = rd_u16(r, b + 8);
                ts = (uint64_t)rd_u32(r, b + 12) << 32 | rd_u32(r, b + 16);
                caplen = rd_u32(r, b + 20);
                origlen = rd_u32(r, b + 24);
                hdr = 28;
            } else {
                if (blen < 16)
                    return rd_resync(r, d, off, 0, "simple packet block too short");
                origlen = rd_u32(r, b + 8);
                hdr = 12;
                caplen = blen - 16 < origlen ? blen - 16 : origlen;
            }
            if ((uint64_t)hdr + caplen + 4 > blen)
                return rd_resync(r, d, off, 0, "packet length exceeds its block");
            if (ifid >= r->nifaces)
                return rd_resync(r, d, off, 0, "packet names an undefined interface");
            ifc = &r->ifaces[ifid];
            memset(rec, 0, sizeof(*rec));
            rec->source = r->source;
            rec->frame = ++r->frame;
            rec->ts_ns = type == 3 ? 0 : ts_to_ns(ifc, ts);
            rec->linktype = ifc->linktype;
            rec->iface = ifid;
            rec->data = b + hdr;
            rec->caplen = caplen;
            rec->origlen = origlen < caplen ? caplen : origlen;
            rec->file_off = r->seekable ? off + hdr : -1;
            rec->win = r->mapped ? r->win : NULL;
            return 1;
        }
        if (type == 10 && r->keys && blen >= 20) {
            /* Decryption Secrets Block: a TLS key log goes to the key
             * store before the packets it opens. */
            uint32_t stype = rd_u32(r, b + 8), slen = rd_u32(r, b + 12);

            if (stype == 0x544c534b && slen <= blen - 20)
                cap_tls_keys_add(r->keys, (const char *)b + 16, slen, true);
        }
        /* NRB, ISB, custom and unknown blocks: skipped. */
    }
}

int cap_reader_next(struct cap_reader *r, struct cap_record *rec, struct err *d)
{
    if (r->done)
        return 0;
    return r->fmt == RD_PCAP ? rd_pcap_next(r, rec, d) : rd_pcapng_next(r, rec, d);
}

/* ------------------------------------------------------------ merge */

struct cap_merge {
    struct cap_reader **rd; /* owned, NULL once finished */
    struct cap_record *recs;
    bool *have;
    unsigned n;
    uint64_t closed_bytes; /* bytes read by readers already closed */
};

void cap_reader_set_tls_keys(struct cap_reader *r, struct cap_tls_keys *k)
{
    r->keys = k;
}

void cap_merge_set_tls_keys(struct cap_merge *m, struct cap_tls_keys *k)
{
    unsigned i;

    for (i = 0; i < m->n; i++)
        if (m->rd[i])
            cap_reader_set_tls_keys(m->rd[i], k);
}

struct cap_merge *cap_merge_new(struct cap_reader **readers, unsigned n)
{
    struct cap_merge *m = xcalloc(1, sizeof(*m));

    m->rd = xcalloc(n ? n : 1, sizeof(*m->rd));
    m->recs = xcalloc(n ? n : 1, sizeof(*m->recs));
    m->have = xcalloc(n ? n : 1, sizeof(*m->have));
    memcpy(m->rd, readers, n * sizeof(*readers));
    m->n = n;
    return m;
}

int cap_merge_next(struct cap_merge *m, struct cap_record *rec, struct err *d)
{
    unsigned i, best = m->n;

    for (i = 0; i < m->n; i++) {
        if (!m->rd[i] || m->have[i])
            continue;
        switch (cap_reader_next(m->rd[i], &m->recs[i], d)) {
        case 1:
            m->have[i] = true;
            break;
        case 0:
            m->closed_bytes += cap_reader_bytes_read(m->rd[i]);
            cap_reader_close(m->rd[i]);
            m->rd[i] = NULL;
            break;
        default:
            if (!m->rd[i]->done)
                return -1; /* stepped over a damaged block: it goes on */
            m->closed_bytes += cap_reader_bytes_read(m->rd[i]);
            cap_reader_close(m->rd[i]);
            m->rd[i] = NULL;
            return -1;
        }
    }
    for (i = 0; i < m->n; i++) {
        if (m->have[i] && (best == m->n || m->recs[i].ts_ns < m->recs[best].ts_ns))
            best = i;
    }
    if (best == m->n)
        return 0;
    *rec = m->recs[best];
    m->have[best] = false;
    return 1;
}

uint64_t cap_merge_bytes_read(const struct cap_merge *m)
{
    uint64_t n = m->closed_bytes;
    unsigned i;

    for (i = 0; i < m->n; i++)
        if (m->rd[i])
            n += cap_reader_bytes_read(m->rd[i]);
    return n;
}

void cap_merge_free(struct cap_merge *m)
{
    unsigned i;

    if (!m)
        return;
    for (i = 0; i < m->n; i++)
        cap_reader_close(m->rd[i]);
    free(m->rd);
    free(m->recs);
    free(m->have);
    free(m);
}
