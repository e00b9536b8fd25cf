/*
 * Unit tests of export_writer: corpus captures copied record by record to
 * pcap and pcapng, read back with our own reader (every field and byte
 * compared) and with tshark (frame times, lengths and SIP Call-ID/CSeq
 * must match the original's), mixed link types, reopen after a rename
 * (logrotate), an empty file, and I/O errors (missing directory, /dev/full).
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

#include "capture.h"
#include "engine.h"
#include "export.h"
#include "store.h"
#include "util.h"

struct rec_copy {
    int64_t ts_ns;
    int linktype;
    uint32_t caplen, origlen;
    uint8_t *data;
};

struct recs {
    struct rec_copy *v;
    size_t n;
};

static void recs_free(struct recs *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].data);
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

/* Reads every record of path with the project's reader. */
static void read_all(const char *path, struct recs *out)
{
    struct err d;
    struct cap_reader *r = cap_reader_open(path, 0, &d);
    struct cap_record rec;
    int rc;

    assert_non_null(r);
    out->v = NULL;
    out->n = 0;
    while ((rc = cap_reader_next(r, &rec, &d)) == 1) {
        struct rec_copy *c;

        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        c = &out->v[out->n++];
        c->ts_ns = rec.ts_ns;
        c->linktype = rec.linktype;
        c->caplen = rec.caplen;
        c->origlen = rec.origlen;
        c->data = xmalloc(rec.caplen ? rec.caplen : 1);
        memcpy(c->data, rec.data, rec.caplen);
    }
    assert_int_equal(rc, 0);
    cap_reader_close(r);
}

static char *corpus(const char *rel)
{
    const char *base = test_corpus_dir();
    struct strbuf b;

    sb_init(&b);
    sb_printf(&b, "%s/%s", base, rel);
    return b.s;
}

static char *tmp_name(const char *suffix)
{
    struct strbuf b;

    sb_init(&b);
    sb_printf(&b, "/tmp/sipdx_export_%ld_%s", (long)getpid(), suffix);
    return b.s;
}

static void write_all(const char *path, enum export_format fmt, const struct recs *in)
{
    struct err d;
    struct export_writer *w = export_writer_open(path, fmt, &d);

    assert_non_null(w);
    for (size_t i = 0; i < in->n; i++) {
        struct export_record er = {in->v[i].ts_ns, in->v[i].linktype, in->v[i].data,
                                   in->v[i].caplen, in->v[i].origlen};

        assert_int_equal(export_writer_write(w, &er, &d), 0);
    }
    assert_int_equal(export_writer_records(w), in->n);
    assert_int_equal(export_writer_close(w, &d), 0);
}

static void assert_same_records(const struct recs *a, const struct recs *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->v[i].ts_ns, b->v[i].ts_ns);
        assert_int_equal(a->v[i].linktype, b->v[i].linktype);
        assert_int_equal(a->v[i].caplen, b->v[i].caplen);
        assert_int_equal(a->v[i].origlen, b->v[i].origlen);
        assert_memory_equal(a->v[i].data, b->v[i].data, a->v[i].caplen);
    }
}

/* tshark's view of a file: one line per frame. */
static char *tshark_fields(const char *path)
{
    struct strbuf cmd, out;
    char buf[4096];
    size_t n;
    FILE *p;

    sb_init(&cmd);
    sb_init(&out);
    sb_printf(&cmd,
              "tshark -n -r '%s' -T fields -e frame.time_epoch -e frame.len -e frame.cap_len "
              "-e frame.protocols -e sip.Call-ID -e sip.CSeq 2>/dev/null",
              path);
    p = popen(cmd.s, "r");
    assert_non_null(p);
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        sb_append(&out, buf, n);
    assert_int_equal(pclose(p), 0);
    sb_fini(&cmd);
    sb_puts(&out, "");
    return out.s;
}

static void copy_and_compare(const char *rel, enum export_format fmt, const char *suffix,
                             size_t min_sip_lines)
{
    char *src = corpus(rel), *dst = tmp_name(suffix);
    struct recs a, b;
    char *ta, *tb;
    size_t sip_lines = 0;

    read_all(src, &a);
    assert_true(a.n > 0);
    write_all(dst, fmt, &a);
    read_all(dst, &b);
    assert_same_records(&a, &b);

    ta = tshark_fields(src);
    tb = tshark_fields(dst);
    assert_string_equal(ta, tb);
    for (const char *p = ta; (p = strstr(p, ":sip")) != NULL; p++)
        sip_lines++;
    assert_true(sip_lines >= min_sip_lines);

    free(ta);
    free(tb);
    recs_free(&a);
    recs_free(&b);
    unlink(dst);
    free(dst);
    free(src);
}

static void copies_ethernet_pcap_to_pcap_and_pcapng(void **state)
{
    (void)state;
    /* 112 frames, 81 SIP messages (MANIFEST). */
    copy_and_compare("public/ntop-nDPI/sip.pcap", EXPORT_FMT_PCAP, "eth.pcap", 81);
    copy_and_compare("public/ntop-nDPI/sip.pcap", EXPORT_FMT_PCAPNG, "eth.pcapng", 81);
}

static void copies_raw_ip_and_sll_with_their_link_type(void **state)
{
    (void)state;
    /* Raw IP (101) and Linux SLL (113): the lazily written pcap header
     * takes the first record's link type. */
    copy_and_compare("public/sipcapture-heplify/ipip0.pcap", EXPORT_FMT_AUTO, "raw.pcap", 8);
    copy_and_compare("public/irontec-sngrep/ipv6frag.pcap", EXPORT_FMT_AUTO, "sll.pcapng", 20);
}

static void copies_pcapng_input(void **state)
{
    (void)state;
    copy_and_compare("public/ntop-nDPI/gre_sip.pcapng", EXPORT_FMT_PCAPNG, "gre.pcapng", 36);
}

static void pcapng_holds_mixed_link_types_and_pcap_refuses_them(void **state)
{
    char *eth = corpus("public/ntop-nDPI/sip.pcap");
    char *raw = corpus("public/sipcapture-heplify/ipip0.pcap");
    char *ng = tmp_name("mixed.pcapng"), *pc = tmp_name("mixed.pcap");
    struct recs a, b, mixed, back;
    struct export_writer *w;
    struct export_record er;
    struct err d;
    char *t;

    (void)state;
    read_all(eth, &a);
    read_all(raw, &b);
    mixed.n = 2;
    mixed.v = xcalloc(2, sizeof *mixed.v);
    mixed.v[0] = a.v[0];
    mixed.v[1] = b.v[0];
    write_all(ng, EXPORT_FMT_AUTO, &mixed);
    read_all(ng, &back);
    assert_int_equal(back.n, 2);
    assert_int_equal(back.v[0].linktype, 1);
    assert_int_equal(back.v[1].linktype, 101);
    assert_same_records(&mixed, &back);
    t = tshark_fields(ng);
    assert_non_null(strstr(t, "eth:ethertype:ip:udp:sip"));
    assert_non_null(strstr(t, "raw:ip:udp:sip"));
    free(t);

    w = export_writer_open(pc, EXPORT_FMT_AUTO, &d);
    assert_non_null(w);
    assert_int_equal(export_writer_format(w), EXPORT_FMT_PCAP);
    er = (struct export_record){a.v[0].ts_ns, 1, a.v[0].data, a.v[0].caplen, a.v[0].origlen};
    assert_int_equal(export_writer_write(w, &er, &d), 0);
    er = (struct export_record){b.v[0].ts_ns, 101, b.v[0].data, b.v[0].caplen, b.v[0].origlen};
    assert_int_equal(export_writer_write(w, &er, &d), -1);
    assert_non_null(strstr(d.msg, "one link type"));
    assert_int_equal(export_writer_close(w, &d), 0);
    recs_free(&back);
    read_all(pc, &back);
    assert_int_equal(back.n, 1);
    recs_free(&back);

    free(mixed.v);
    recs_free(&a);
    recs_free(&b);
    unlink(ng);
    unlink(pc);
    free(ng);
    free(pc);
    free(eth);
    free(raw);
}

static void reopen_after_rename_starts_a_fresh_valid_file(void **state)
{
    char *src = corpus("public/ntop-nDPI/sip.pcap");
    char *path = tmp_name("rot.pcapng"), *moved = tmp_name("rot.pcapng.1");
    struct recs a, back;
    struct export_writer *w;
    struct err d;

    (void)state;
    read_all(src, &a);
    w = export_writer_open(path, EXPORT_FMT_AUTO, &d);
    assert_non_null(w);
    for (size_t i = 0; i < 3; i++) {
        struct export_record er = {a.v[i].ts_ns, a.v[i].linktype, a.v[i].data, a.v[i].caplen,
                                   a.v[i].origlen};

        assert_int_equal(export_writer_write(w, &er, &d), 0);
    }
    assert_int_equal(export_writer_flush(w, &d), 0);
    /* A reader sees the flushed records while the writer is still open. */
    read_all(path, &back);
    assert_int_equal(back.n, 3);
    recs_free(&back);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(export_writer_reopen(w, &d), 0);
    for (size_t i = 3; i < 5; i++) {
        struct export_record er = {a.v[i].ts_ns, a.v[i].linktype, a.v[i].data, a.v[i].caplen,
                                   a.v[i].origlen};

        assert_int_equal(export_writer_write(w, &er, &d), 0);
    }
    assert_int_equal(export_writer_close(w, &d), 0);
    read_all(moved, &back);
    assert_int_equal(back.n, 3);
    assert_memory_equal(back.v[2].data, a.v[2].data, a.v[2].caplen);
    recs_free(&back);
    read_all(path, &back);
    assert_int_equal(back.n, 2);
    assert_int_equal(back.v[0].ts_ns, a.v[3].ts_ns);
    assert_memory_equal(back.v[1].data, a.v[4].data, a.v[4].caplen);
    recs_free(&back);
    recs_free(&a);
    unlink(path);
    unlink(moved);
    free(path);
    free(moved);
    free(src);
}

static void empty_pcap_is_still_a_valid_capture(void **state)
{
    char *path = tmp_name("empty.pcap");
    struct err d;
    struct export_writer *w = export_writer_open(path, EXPORT_FMT_PCAP, &d);
    struct recs back;
    FILE *f;
    long size;

    (void)state;
    assert_non_null(w);
    assert_int_equal(export_writer_close(w, &d), 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fclose(f);
    assert_int_equal(size, 24);
    read_all(path, &back);
    assert_int_equal(back.n, 0);
    unlink(path);
    free(path);
}

static void reports_errors_with_the_file_name(void **state)
{
    struct err d;
    struct export_writer *w;
    uint8_t big[4096];
    char msg[600];
    int rc = 0;

    (void)state;
    w = export_writer_open("/nonexistent-dir/x.pcap", EXPORT_FMT_AUTO, &d);
    assert_null(w);
    err_format(&d, msg, sizeof msg);
    assert_non_null(strstr(msg, "/nonexistent-dir/x.pcap"));
    assert_non_null(strstr(msg, "No such file or directory"));

    w = export_writer_open("calls.txt", EXPORT_FMT_AUTO, &d);
    assert_null(w);
    assert_non_null(strstr(d.msg, "not a packet format"));

    /* /dev/full: writes fail with ENOSPC once the stdio buffer is pushed. */
    w = export_writer_open("/dev/full", EXPORT_FMT_PCAPNG, &d);
    assert_non_null(w);
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 64 && rc == 0; i++) {
        struct export_record er = {1, 1, big, sizeof big, sizeof big};

        rc = export_writer_write(w, &er, &d);
    }
    if (rc == 0)
        rc = export_writer_flush(w, &d);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(d.msg, "No space left on device"));
    {
        struct export_record er = {1, 1, big, 10, 10};

        assert_int_equal(export_writer_write(w, &er, &d), -1);
    }
    assert_int_equal(export_writer_close(w, &d), -1);
}

static void picks_the_format_from_the_name(void **state)
{
    enum export_format f;

    (void)state;
    assert_int_equal(export_format_from_path("a.pcapng"), EXPORT_FMT_PCAPNG);
    assert_int_equal(export_format_from_path("A.PCAPNG"), EXPORT_FMT_PCAPNG);
    assert_int_equal(export_format_from_path("a.pcap"), EXPORT_FMT_PCAP);
    assert_int_equal(export_format_from_path("-"), EXPORT_FMT_PCAP);
    assert_int_equal(export_format_from_path("calls.txt"), EXPORT_FMT_TEXT);
    assert_int_equal(export_format_parse("PCAPNG", &f), 0);
    assert_int_equal(f, EXPORT_FMT_PCAPNG);
    assert_int_equal(export_format_parse("pcapx", &f), -1);
    assert_string_equal(export_format_name(EXPORT_FMT_TEXT), "text");
}

/* export_calls with LINKTYPE_RAW: every frame starts with the IP header,
 * our reader and tshark find all 81 SIP messages of the capture. */
static void saves_calls_as_raw_ip_frames(void **state)
{
    char *src = corpus("public/ntop-nDPI/sip.pcap"), *dst = tmp_name("raw_calls.pcapng");
    const char *paths[1] = {src};
    struct store_opts so = {0};
    struct store *s = store_new(&so);
    struct export_opts o = {.fmt = EXPORT_FMT_AUTO, .link = EXPORT_LINK_RAW};
    struct export_result res;
    struct err d;
    struct recs back;
    uint64_t ids[16];
    size_t n, i, sip = 0;
    FILE *devnull = fopen("/dev/null", "w");
    char *t;

    (void)state;
    assert_int_equal(engine_run_files(paths, 1, s, NULL, NULL, devnull), 0);
    fclose(devnull);
    n = store_ncalls(s);
    assert_int_equal(n, 6);
    for (i = 0; i < n; i++)
        ids[i] = store_call_at(s, i)->id;
    ids[n] = 999999; /* an id that is not (or no longer) in the store is skipped */
    assert_int_equal(export_calls(s, ids, n + 1, dst, &o, &res, &d), 0);
    assert_int_equal(res.calls, 6);
    assert_int_equal(res.messages, 81);
    assert_int_equal(res.frames, 81);
    read_all(dst, &back);
    assert_int_equal(back.n, 81);
    for (i = 0; i < back.n; i++) {
        assert_int_equal(back.v[i].linktype, 101);
        assert_int_equal(back.v[i].data[0] >> 4, 4);
        if (i)
            assert_true(back.v[i].ts_ns >= back.v[i - 1].ts_ns);
    }
    t = tshark_fields(dst);
    for (const char *p = t; (p = strstr(p, "raw:ip:udp:sip")) != NULL; p++)
        sip++;
    assert_int_equal(sip, 81);
    free(t);
    recs_free(&back);
    store_free(s);
    unlink(dst);
    free(dst);
    free(src);
}

/* ------------------------------------------------ SCTP and WebSocket saved as such */

static void be16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void be32(uint8_t *b, uint32_t v)
{
    be16(b, (uint16_t)(v >> 16));
    be16(b + 2, (uint16_t)v);
}

/* A SIP message with a body of body bytes ('x'). */
static char *big_sip(const char *start, const char *call_id, size_t body, size_t *len)
{
    struct strbuf b;

    sb_init(&b);
    sb_printf(
        &b,
        "%s\r\nVia: SIP/2.0/WS h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n"
        "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
        start, call_id, body);
    for (size_t i = 0; i < body; i++)
        sb_putc(&b, 'x');
    *len = b.len;
    return b.s;
}

static void put_raw(struct export_writer *w, int64_t ts, const uint8_t *f, size_t n)
{
    struct err d;
    struct export_record r = {ts, 101, f, (uint32_t)n, (uint32_t)n};

    assert_int_equal(export_writer_write(w, &r, &d), 0);
}

/* IPv6 + SCTP (5060 -> 5060) with one DATA chunk (flags B/E). */
static void put_sctp6(struct export_writer *w, int64_t ts, int from, uint8_t flags, uint32_t tsn,
                      const char *p, size_t n)
{
    size_t clen = 16 + n, pad = (clen + 3) & ~(size_t)3, plen = 12 + pad;
    uint8_t *f = xcalloc(1, 40 + plen);

    f[0] = 0x60;
    be16(f + 4, (uint16_t)plen);
    f[6] = 132;
    f[7] = 64;
    f[8] = f[24] = 0x20, f[9] = f[25] = 0x01, f[10] = f[26] = 0x0d, f[11] = f[27] = 0xb8;
    f[23] = (uint8_t)(from ? 2 : 1);
    f[39] = (uint8_t)(from ? 1 : 2);
    be16(f + 40, 5060);
    be16(f + 42, 5060);
    be32(f + 44, 42);
    f[52] = 0;
    f[53] = flags;
    be16(f + 54, (uint16_t)clen);
    be32(f + 56, tsn);
    memcpy(f + 68, p, n);
    put_raw(w, ts, f, 40 + plen);
    free(f);
}

/* IPv4 + TCP 10.0.0.1:50000 <-> 10.0.0.2:8080, segments of at most 30000
 * bytes; *seq advances. */
static void put_tcp4(struct export_writer *w, int64_t ts, int from, uint32_t *seq, const uint8_t *p,
                     size_t n)
{
    size_t off = 0;

    while (off < n) {
        size_t k = n - off > 30000 ? 30000 : n - off;
        uint8_t *f = xcalloc(1, 40 + k);

        f[0] = 0x45;
        be16(f + 2, (uint16_t)(40 + k));
        f[8] = 64;
        f[9] = 6;
        be32(f + 12, from ? 0x0a000002 : 0x0a000001);
        be32(f + 16, from ? 0x0a000001 : 0x0a000002);
        be16(f + 20, from ? 8080 : 50000);
        be16(f + 22, from ? 50000 : 8080);
        be32(f + 24, *seq);
        f[32] = 5 << 4;
        f[33] = 0x18;
        memcpy(f + 40, p + off, k);
        put_raw(w, ts, f, 40 + k);
        free(f);
        *seq += (uint32_t)k;
        off += k;
    }
}

/* A WebSocket text frame of p, masked when mask is set. */
static uint8_t *ws_frame(const char *p, size_t n, bool mask, size_t *len)
{
    size_t hl = 2 + (n > 65535 ? 8 : n > 125 ? 2 : 0) + (mask ? 4 : 0);
    uint8_t *f = xmalloc(hl + n);

    f[0] = 0x81;
    if (n > 65535) {
        f[1] = 127;
        be32(f + 2, 0);
        be32(f + 6, (uint32_t)n);
    } else if (n > 125) {
        f[1] = 126;
        be16(f + 2, (uint16_t)n);
    } else {
        f[1] = (uint8_t)n;
    }
    memcpy(f + hl, p, n);
    if (mask) {
        f[1] |= 0x80;
        memcpy(f + hl - 4, "\x12\x34\x56\x78", 4);
        for (size_t i = 0; i < n; i++)
            f[hl + i] ^= f[hl - 4 + (i & 3)];
    }
    *len = hl + n;
    return f;
}

/* A store holding what the engine read from path. */
static void store_of(const char *path, struct store **s)
{
    const char *paths[1] = {path};
    struct store_opts so = {0};
    FILE *devnull = fopen("/dev/null", "w");

    *s = store_new(&so);
    assert_int_equal(engine_run_files(paths, 1, *s, NULL, NULL, devnull), 0);
    fclose(devnull);
}

/* A call over SCTP (IPv6, a 70 kB INVITE that needed DATA fragments) and
 * one over WebSocket (a 70 kB INVITE in a frame with a 64-bit length) are
 * saved over their own transport: read back, every message has the same
 * transport and bytes; the SCTP INVITE is split into B..E DATA fragments
 * since it cannot fit one packet; tshark finds all four messages under
 * sctp / websocket, with good CRC32c. */
static void saves_sctp_and_websocket_calls_over_their_own_transport(void **state)
{
    char *in = tmp_name("own_in.pcap"), *out = tmp_name("own_out.pcapng");
    struct export_opts o = {.fmt = EXPORT_FMT_AUTO, .link = EXPORT_LINK_ETHERNET};
    struct export_result res;
    struct export_writer *w;
    struct store *a, *b;
    struct err d;
    struct strbuf cmd, x, y;
    uint64_t ids[2];
    size_t n1, n2, n3, n4, fl;
    uint32_t seq[2] = {1000, 9000};
    char *inv6 = big_sip("INVITE sip:b@x SIP/2.0", "sctp-call", 70000, &n1);
    char *ok6 = big_sip("SIP/2.0 200 OK", "sctp-call", 0, &n2);
    char *invw = big_sip("INVITE sip:b@x SIP/2.0", "ws-call", 70000, &n3);
    char *okw = big_sip("SIP/2.0 200 OK", "ws-call", 0, &n4);
    const char *get = "GET / HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
    const char *sw = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
    uint8_t *f;
    char line[512];
    FILE *p;
    int sctp = 0, ws = 0, good = 0;

    (void)state;
    w = export_writer_open(in, EXPORT_FMT_PCAP, &d);
    assert_non_null(w);
    put_sctp6(w, 1000000000, 0, 2, 1, inv6, 40000);
    put_sctp6(w, 1000000001, 0, 1, 2, inv6 + 40000, n1 - 40000);
    put_sctp6(w, 1000000002, 1, 3, 7, ok6, n2);
    put_tcp4(w, 2000000000, 0, &seq[0], (const uint8_t *)get, strlen(get));
    put_tcp4(w, 2000000001, 1, &seq[1], (const uint8_t *)sw, strlen(sw));
    f = ws_frame(invw, n3, true, &fl);
    put_tcp4(w, 2000000002, 0, &seq[0], f, fl);
    free(f);
    f = ws_frame(okw, n4, false, &fl);
    put_tcp4(w, 2000000003, 1, &seq[1], f, fl);
    free(f);
    assert_int_equal(export_writer_close(w, &d), 0);

    store_of(in, &a);
    assert_int_equal(store_ncalls(a), 2);
    ids[0] = store_call_at(a, 0)->id;
    ids[1] = store_call_at(a, 1)->id;
    assert_int_equal(export_calls(a, ids, 2, out, &o, &res, &d), 0);
    assert_int_equal(res.messages, 4);
    assert_int_equal(res.retyped, 0);
    /* SCTP: the INVITE in 2 DATA fragments (65000 + the rest) + the 200;
     * WebSocket: the upgrade (2 segments), the masked INVITE frame (14
     * bytes of header) in 1448-byte segments, the 200 in one. */
    assert_int_equal(res.frames, 3 + 2 + (n3 + 14 + 1447) / 1448 + 1);
    store_of(out, &b);
    assert_int_equal(store_ncalls(b), 2);
    sb_init(&x);
    sb_init(&y);
    for (size_t i = 0; i < 2; i++) {
        const struct store_call *ca = store_call_at(a, i), *cb = store_call_at(b, i);

        assert_string_equal(ca->call_id, cb->call_id);
        assert_int_equal(ca->nmsgs, 2);
        assert_int_equal(cb->nmsgs, 2);
        for (uint32_t k = 0; k < 2; k++) {
            assert_int_equal(cb->msgs[k].transport, i == 0 ? CAP_TRANSPORT_SCTP : CAP_TRANSPORT_WS);
            assert_int_equal(ca->msgs[k].transport, cb->msgs[k].transport);
            assert_int_equal(store_msg_bytes(a, &ca->msgs[k], &x), 0);
            assert_int_equal(store_msg_bytes(b, &cb->msgs[k], &y), 0);
            assert_int_equal(x.len, y.len);
            assert_memory_equal(x.s, y.s, x.len);
        }
    }
    assert_true(x.len > 0);

    sb_init(&cmd);
    sb_printf(&cmd,
              "tshark -n -r '%s' -o sctp.checksum:CRC-32C -Y sip -T fields -e frame.protocols "
              "-e sctp.checksum.status -e sip.Call-ID 2>/dev/null",
              out);
    p = popen(cmd.s, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, ":sctp:sip") && strstr(line, "\tsctp-call"))
            sctp++;
        if (strstr(line, ":sctp:sip") && strstr(line, "\t1\t"))
            good++;
        if (strstr(line, ":websocket:sip") && strstr(line, "\tws-call"))
            ws++;
    }
    assert_int_equal(pclose(p), 0);
    assert_int_equal(sctp, 2);
    assert_int_equal(good, 2);
    assert_int_equal(ws, 2);

    sb_fini(&cmd);
    sb_fini(&x);
    sb_fini(&y);
    store_free(a);
    store_free(b);
    free(inv6);
    free(ok6);
    free(invw);
    free(okw);
    unlink(in);
    unlink(out);
    free(in);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copies_ethernet_pcap_to_pcap_and_pcapng),
        cmocka_unit_test(copies_raw_ip_and_sll_with_their_link_type),
        cmocka_unit_test(copies_pcapng_input),
        cmocka_unit_test(pcapng_holds_mixed_link_types_and_pcap_refuses_them),
        cmocka_unit_test(reopen_after_rename_starts_a_fresh_valid_file),
        cmocka_unit_test(empty_pcap_is_still_a_valid_capture),
        cmocka_unit_test(reports_errors_with_the_file_name),
        cmocka_unit_test(picks_the_format_from_the_name),
        cmocka_unit_test(saves_calls_as_raw_ip_frames),
        cmocka_unit_test(saves_sctp_and_websocket_calls_over_their_own_transport),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
