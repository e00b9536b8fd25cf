/*
 * Unit tests of the capture readers: pcap (ns, byte-swapped), pcapng (two
 * interfaces with different link types, if_tsresol/if_tsoffset, SPB,
 * obsolete PB, skipped blocks, a big-endian second section), gzip,
 * truncation errors and cap_merge, on files written here and corpus files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "capture.h"
#include "util.h"

struct wbuf {
    uint8_t b[8192];
    size_t n;
    bool be;
};

static void w8(struct wbuf *w, uint8_t v)
{
    w->b[w->n++] = v;
}
static void w16(struct wbuf *w, uint16_t v)
{
    if (w->be) {
        w8(w, (uint8_t)(v >> 8));
        w8(w, (uint8_t)v);
    } else {
        w8(w, (uint8_t)v);
        w8(w, (uint8_t)(v >> 8));
    }
}
static void w32(struct wbuf *w, uint32_t v)
{
    if (w->be) {
        w16(w, (uint16_t)(v >> 16));
        w16(w, (uint16_t)v);
    } else {
        w16(w, (uint16_t)v);
        w16(w, (uint16_t)(v >> 16));
    }
}
static void wmem(struct wbuf *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static char *write_tmp(const void *p, size_t n, bool gz)
{
    char *path = xstrdup("/tmp/sipdx_rd_XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    close(fd);
    if (gz) {
        gzFile g = gzopen(path, "wb");

        assert_int_equal(gzwrite(g, p, (unsigned)n), (int)n);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");

        assert_int_equal(fwrite(p, 1, n, f), n);
        fclose(f);
    }
    return path;
}

static const uint8_t PKT[] = "0123456789abcdefghij";

static void build_pcap(struct wbuf *w, bool be, bool ns, int nrec)
{
    int i;

    w->n = 0;
    w->be = be;
    w32(w, ns ? 0xa1b23c4d : 0xa1b2c3d4);
    w16(w, 2), w16(w, 4), w32(w, 0), w32(w, 0), w32(w, 65535);
    w32(w, 0x10000000u | 101); /* FCS bits set in the upper bits: ignored */
    for (i = 0; i < nrec; i++) {
        w32(w, 1700000000u + (uint32_t)i);
        w32(w, 123456789u % (ns ? 1000000000u : 1000000u));
        w32(w, 20), w32(w, 60);
        wmem(w, PKT, 20);
    }
}

static void reads_byte_swapped_nanosecond_pcap(void **state)
{
    struct wbuf w;
    char *path;
    struct err d;
    struct cap_reader *r;
    struct cap_record rec;

    (void)state;
    build_pcap(&w, true, true, 3);
    path = write_tmp(w.b, w.n, false);
    r = cap_reader_open(path, 7, &d);
    assert_non_null(r);
    assert_true(cap_reader_seekable(r));
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.linktype, 101);
    assert_int_equal(rec.source, 7);
    assert_int_equal(rec.frame, 1);
    assert_int_equal(rec.ts_ns, 1700000000ll * 1000000000 + 123456789);
    assert_int_equal(rec.caplen, 20);
    assert_int_equal(rec.origlen, 60);
    assert_int_equal(rec.file_off, 24 + 16);
    assert_memory_equal(rec.data, PKT, 20);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.file_off, 24 + 36 + 16);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.frame, 3);
    assert_int_equal(cap_reader_next(r, &rec, &d), 0);
    cap_reader_close(r);
    unlink(path);
    free(path);
}

static void reports_truncation_with_frame_and_offset(void **state)
{
    struct wbuf w;
    char *path, msg[512];
    struct err d;
    struct cap_reader *r;
    struct cap_record rec;

    (void)state;
    build_pcap(&w, false, false, 3);
    path = write_tmp(w.b, w.n - 5, false); /* last record cut */
    r = cap_reader_open(path, 0, &d);
    assert_non_null(r);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.ts_ns % 1000000000, 456789000);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(cap_reader_next(r, &rec, &d), -1);
    assert_int_equal(d.frame, 3);
    assert_int_equal(d.offset, 24 + 2 * 36);
    err_format(&d, msg, sizeof(msg));
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "frame 3"));
    assert_non_null(strstr(msg, "96"));
    assert_int_equal(cap_reader_next(r, &rec, &d), 0);
    cap_reader_close(r);
    unlink(path);
    free(path);
}

/* A pcap of nrec records of varying sizes (up to 3000 bytes, so records
 * straddle the reader's mapping windows), built in memory. */
static uint8_t *build_big_pcap(int nrec, size_t *len)
{
    size_t cap = 24 + (size_t)nrec * (16 + 3000), n = 0;
    uint8_t *b = xmalloc(cap);
    int i;
    uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};

    memcpy(b, hdr, 24);
    n = 24;
    for (i = 0; i < nrec; i++) {
        uint32_t sz = 60 + (uint32_t)((i * 7919) % 2940),
                 rh[4] = {1700000000u + (uint32_t)i, (uint32_t)i % 1000000u, sz, sz};
        uint32_t k;

        memcpy(b + n, rh, 16);
        n += 16;
        for (k = 0; k < sz; k++)
            b[n + k] = (uint8_t)(i + k * 31);
        n += sz;
    }
    *len = n;
    return b;
}

struct rec_sum {
    uint64_t frames, bytes, mix;
    int64_t last_off;
    int end;
    uint64_t dframe;
    int64_t doff;
};

static void read_all(const char *path, struct rec_sum *sum)
{
    struct err d;
    struct cap_reader *r = cap_reader_open(path, 0, &d);
    struct cap_record rec;
    int rc;

    assert_non_null(r);
    memset(sum, 0, sizeof(*sum));
    while ((rc = cap_reader_next(r, &rec, &d)) == 1) {
        sum->frames++;
        sum->bytes += rec.caplen;
        sum->mix =
            sum->mix * 1099511628211ULL ^ hash_bytes(rec.data, rec.caplen) ^ (uint64_t)rec.ts_ns;
        sum->last_off = rec.file_off;
    }
    sum->end = rc;
    if (rc < 0) {
        sum->dframe = d.frame;
        sum->doff = d.offset;
    }
    cap_reader_close(r);
}

/* Plain files larger than the reader's window are read through a sliding
 * mapping; gzip files through zlib.  Both must give the same records, and
 * the same damage report when the file is cut inside a record. */
static void reads_large_files_through_the_mapping(void **state)
{
    size_t len;
    uint8_t *b = build_big_pcap(12000, &len); /* about 18 MB: several windows */
    char *plain = write_tmp(b, len, false), *gz = write_tmp(b, len, true);
    char *cut = write_tmp(b, len - 1000, false), *cutgz = write_tmp(b, len - 1000, true);
    struct rec_sum a, g;

    (void)state;
    assert_true(len > 16u << 20);
    read_all(plain, &a);
    read_all(gz, &g);
    assert_int_equal(a.end, 0);
    assert_int_equal(a.frames, 12000);
    assert_int_equal(a.frames, g.frames);
    assert_int_equal(a.bytes, g.bytes);
    assert_true(a.mix == g.mix);
    assert_true(a.last_off > 0); /* offsets are valid for the mapped file */
    read_all(cut, &a);
    read_all(cutgz, &g);
    assert_int_equal(a.end, -1);
    assert_int_equal(g.end, -1);
    assert_int_equal(a.frames, 11999);
    assert_int_equal(a.frames, g.frames);
    assert_true(a.mix == g.mix);
    assert_int_equal(a.dframe, 12000);
    assert_int_equal(a.dframe, g.dframe);
    assert_int_equal(a.doff, g.doff);
    unlink(plain);
    unlink(gz);
    unlink(cut);
    unlink(cutgz);
    free(plain);
    free(gz);
    free(cut);
    free(cutgz);
    free(b);
}

/* A consumer on another thread keeps a record's bytes by a reference to
 * its window (the parse workers do), past the reader moving on and even
 * past the reader being closed. */
static void windows_outlive_the_reader(void **state)
{
    enum {
        KEEP = 64
    };
    size_t len;
    uint8_t *b = build_big_pcap(12000, &len);
    char *plain = write_tmp(b, len, false);
    struct err d;
    struct cap_reader *r = cap_reader_open(plain, 0, &d);
    struct cap_record rec;
    struct cap_window *win[KEEP];
    const uint8_t *data[KEEP];
    uint32_t caplen[KEEP];
    uint64_t h[KEEP];
    int n = 0, i;
    uint64_t frame = 0;

    (void)state;
    assert_non_null(r);
    while (cap_reader_next(r, &rec, &d) == 1) {
        frame++;
        assert_non_null(rec.win); /* a large plain file is mapped */
        if (frame % 200 == 1 && n < KEEP) {
            cap_window_ref(rec.win);
            win[n] = rec.win;
            data[n] = rec.data;
            caplen[n] = rec.caplen;
            h[n] = hash_bytes(rec.data, rec.caplen);
            n++;
        }
    }
    cap_reader_close(r);
    assert_int_equal(n, 60);
    assert_true(win[0] != win[n - 1]); /* several windows are held */
    for (i = 0; i < n; i++) {
        assert_true(hash_bytes(data[i], caplen[i]) == h[i]);
        cap_window_unref(win[i]);
    }
    unlink(plain);
    free(plain);
    free(b);
}

static void reads_gzip_by_magic(void **state)
{
    struct wbuf w;
    char *path;
    struct err d;
    struct cap_reader *r;
    struct cap_record rec;
    int n = 0;

    (void)state;
    build_pcap(&w, false, false, 50);
    path = write_tmp(w.b, w.n, true);
    r = cap_reader_open(path, 0, &d);
    assert_non_null(r);
    assert_false(cap_reader_seekable(r));
    while (cap_reader_next(r, &rec, &d) == 1) {
        assert_int_equal(rec.file_off, -1);
        assert_memory_equal(rec.data, PKT, 20);
        n++;
    }
    assert_int_equal(n, 50);
    cap_reader_close(r);
    unlink(path);
    free(path);
}

static void block_begin(struct wbuf *w, uint32_t type, size_t *start)
{
    *start = w->n;
    w32(w, type);
    w32(w, 0); /* patched */
}

static void block_end(struct wbuf *w, size_t start)
{
    size_t len;
    struct wbuf t;

    while (w->n % 4)
        w8(w, 0);
    len = w->n - start + 4;
    t.n = 0;
    t.be = w->be;
    w32(&t, (uint32_t)len);
    memcpy(w->b + start + 4, t.b, 4);
    w32(w, (uint32_t)len);
}

static void shb(struct wbuf *w)
{
    size_t s;

    block_begin(w, 0x0A0D0D0A, &s);
    w32(w, 0x1A2B3C4D);
    w16(w, 1), w16(w, 0);
    w32(w, 0xFFFFFFFF), w32(w, 0xFFFFFFFF);
    block_end(w, s);
}

static void idb(struct wbuf *w, uint16_t lt, int tsresol, int64_t tsoff)
{
    size_t s;

    block_begin(w, 1, &s);
    w16(w, lt), w16(w, 0), w32(w, 0);
    if (tsresol >= 0) {
        w16(w, 9), w16(w, 1), w8(w, (uint8_t)tsresol), w8(w, 0), w16(w, 0);
    }
    if (tsoff) {
        w16(w, 14), w16(w, 8), w32(w, (uint32_t)((uint64_t)tsoff >> 32)), w32(w, (uint32_t)tsoff);
        if (!w->be) { /* little endian u64: low word first */
            w->n -= 8;
            w32(w, (uint32_t)tsoff), w32(w, (uint32_t)((uint64_t)tsoff >> 32));
        }
    }
    w16(w, 0), w16(w, 0);
    block_end(w, s);
}

static void epb(struct wbuf *w, uint32_t ifid, uint64_t ts, const void *p, uint32_t n)
{
    size_t s;

    block_begin(w, 6, &s);
    w32(w, ifid), w32(w, (uint32_t)(ts >> 32)), w32(w, (uint32_t)ts);
    w32(w, n), w32(w, n);
    wmem(w, p, n);
    block_end(w, s);
}

static void reads_pcapng_interfaces_spb_pb_and_sections(void **state)
{
    struct wbuf w;
    char *path;
    struct err d;
    struct cap_reader *r;
    struct cap_record rec;
    size_t s;

    (void)state;
    memset(&w, 0, sizeof(w));
    shb(&w);
    idb(&w, 1, -1, 0);      /* Ethernet, microseconds */
    idb(&w, 113, 9, 10);    /* SLL, nanoseconds, +10 s */
    block_begin(&w, 4, &s); /* NRB: skipped */
    w32(&w, 0);
    block_end(&w, s);
    epb(&w, 1, 5000000001ull, PKT, 20);
    epb(&w, 0, 7000001ull, PKT, 10);
    block_begin(&w, 3, &s); /* SPB: interface 0 */
    w32(&w, 20);
    wmem(&w, PKT, 20);
    block_end(&w, s);
    block_begin(&w, 2, &s); /* obsolete PB */
    w16(&w, 1), w16(&w, 0), w32(&w, 0), w32(&w, 42), w32(&w, 5), w32(&w, 5);
    wmem(&w, PKT, 5);
    block_end(&w, s);
    block_begin(&w, 0x40000BAD, &s); /* custom / unknown */
    w32(&w, 1);
    block_end(&w, s);
    /* A second, big-endian section whose interface 0 is raw IP. */
    w.be = true;
    shb(&w);
    idb(&w, 101, 3, 0); /* milliseconds */
    epb(&w, 0, 1500, PKT, 3);
    path = write_tmp(w.b, w.n, false);
    r = cap_reader_open(path, 0, &d);
    assert_non_null(r);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.linktype, 113);
    assert_int_equal(rec.iface, 1);
    assert_int_equal(rec.ts_ns, 15000000001ll);
    assert_int_equal(rec.caplen, 20);
    assert_memory_equal(rec.data, PKT, 20);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1);
    assert_int_equal(rec.linktype, 1);
    assert_int_equal(rec.ts_ns, 7000001000ll);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1); /* SPB */
    assert_int_equal(rec.linktype, 1);
    assert_int_equal(rec.caplen, 20);
    assert_memory_equal(rec.data, PKT, 20);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1); /* PB */
    assert_int_equal(rec.linktype, 113);
    assert_int_equal(rec.ts_ns, 10000000000ll + 42);
    assert_int_equal(rec.caplen, 5);
    assert_int_equal(cap_reader_next(r, &rec, &d), 1); /* second section */
    assert_int_equal(rec.linktype, 101);
    assert_int_equal(rec.ts_ns, 1500000000ll);
    assert_int_equal(rec.frame, 5);
    assert_int_equal(rec.caplen, 3);
    assert_memory_equal(rec.data, PKT, 3);
    assert_int_equal(cap_reader_next(r, &rec, &d), 0);
    cap_reader_close(r);
    unlink(path);
    free(path);
}

static void reads_corpus_files_and_merges_by_time(void **state)
{
    const char *dir = test_corpus_dir();
    char a[1024], b[1024];
    struct err d;
    struct cap_reader *rd[2];
    struct cap_merge *m;
    struct cap_record rec;
    int64_t last = INT64_MIN;
    int n = 0, per[2] = {0, 0};

    (void)state;
    snprintf(a, sizeof(a), "%s/public/irontec-sngrep/ipv6frag.pcap", dir);
    snprintf(b, sizeof(b), "%s/public/ntop-nDPI/sip_hello.pcapng", dir);
    rd[0] = cap_reader_open(a, 0, &d);
    rd[1] = cap_reader_open(b, 1, &d);
    assert_non_null(rd[0]);
    assert_non_null(rd[1]);
    m = cap_merge_new(rd, 2);
    while (cap_merge_next(m, &rec, &d) == 1) {
        assert_true(rec.ts_ns >= last);
        last = rec.ts_ns;
        per[rec.source]++;
        n++;
    }
    assert_int_equal(per[0], 34); /* capinfos: 34 packets */
    assert_int_equal(per[1], 30); /* capinfos: 30 packets */
    assert_int_equal(n, 64);
    cap_merge_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_byte_swapped_nanosecond_pcap),
        cmocka_unit_test(reports_truncation_with_frame_and_offset),
        cmocka_unit_test(windows_outlive_the_reader),
        cmocka_unit_test(reads_gzip_by_magic),
        cmocka_unit_test(reads_large_files_through_the_mapping),
        cmocka_unit_test(reads_pcapng_interfaces_spb_pb_and_sections),
        cmocka_unit_test(reads_corpus_files_and_merges_by_time),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
