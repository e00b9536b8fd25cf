/*
 * Unit tests of the live-capture helpers that need no network: HEP v3
 * encoding (--hep-send) decoded back by the listener's path, the spec's
 * example packet (domain.md 5.1), auth keys, HEP-over-TCP lengths, and the
 * default capture filter.  (-w uses the export module's writer, tested in
 * test_export.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "util.h"

static const char sip[] = "INVITE sip:bob@example.com SIP/2.0\r\n"
                          "Call-ID: abc@host\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

struct got {
    int n;
    struct cap_payload p;
    char data[512];
};

static void collect(void *ctx, const struct cap_payload *p)
{
    struct got *g = ctx;

    g->n++;
    g->p = *p;
    memcpy(g->data, p->data, p->len < sizeof(g->data) ? p->len : sizeof(g->data));
    g->p.data = (const uint8_t *)g->data;
}

static void feed_hep(const uint8_t *pkt, size_t n, struct got *g)
{
    struct cap_decoder *dec = cap_decoder_new(NULL, collect, g);
    struct cap_record rec;

    memset(&rec, 0, sizeof(rec));
    rec.source = 3;
    rec.frame = 1;
    rec.ts_ns = 1;
    rec.data = pkt;
    rec.caplen = rec.origlen = (uint32_t)n;
    rec.file_off = -1;
    cap_decoder_feed_hep(dec, &rec);
    cap_decoder_free(dec);
}

static void hep3_encoding_round_trips_through_the_listener_path(void **state)
{
    struct cap_payload p;
    uint8_t buf[2048];
    struct got g;
    size_t n;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.src.family = p.dst.family = 6;
    p.src.ip[15] = 1;
    p.dst.ip[0] = 0x20;
    p.dst.ip[1] = 0x01;
    p.src.port = 5062;
    p.dst.port = 15060;
    p.transport = CAP_TRANSPORT_TCP;
    p.ts_ns = 1700000000123456000LL;
    p.data = (const uint8_t *)sip;
    p.len = strlen(sip);
    n = cap_hep3_encode(&p, 4242, "pw", buf, sizeof(buf));
    assert_true(n > p.len);
    assert_memory_equal(buf, "HEP3", 4);
    assert_int_equal((buf[4] << 8) | buf[5], n);
    assert_int_equal(cap_hep_packet_len(buf, 6), n); /* header alone gives the length */
    assert_true(cap_hep_auth_ok(buf, n, "pw"));
    assert_false(cap_hep_auth_ok(buf, n, "px"));
    assert_true(cap_hep_auth_ok(buf, n, NULL));

    memset(&g, 0, sizeof(g));
    feed_hep(buf, n, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.p.len, strlen(sip));
    assert_memory_equal(g.data, sip, strlen(sip));
    assert_int_equal(g.p.src.family, 6);
    assert_memory_equal(g.p.src.ip, p.src.ip, 16);
    assert_memory_equal(g.p.dst.ip, p.dst.ip, 16);
    assert_int_equal(g.p.src.port, 5062);
    assert_int_equal(g.p.dst.port, 15060);
    assert_int_equal(g.p.transport, CAP_TRANSPORT_TCP);
    assert_int_equal(g.p.hep_agent, 4242);
    assert_int_equal(g.p.ts_ns, 1700000000123456000LL); /* microsecond resolution */
    assert_int_equal(g.p.source, 3);

    /* Too small a buffer: nothing half-written is claimed. */
    assert_int_equal(cap_hep3_encode(&p, 1, NULL, buf, 40), 0);
}

/* The value of chunk type t in a HEP3 packet, or NULL. */
static const uint8_t *hep_chunk(const uint8_t *b, size_t n, unsigned t, size_t *len)
{
    size_t o = 6;

    while (o + 6 <= n) {
        size_t cl = (size_t)(b[o + 4] << 8 | b[o + 5]);

        if (cl < 6 || o + cl > n)
            return NULL;
        if ((unsigned)(b[o + 2] << 8 | b[o + 3]) == t) {
            *len = cl - 6;
            return b + o + 6;
        }
        o += cl;
    }
    return NULL;
}

/* A B-leg naming its A-leg carries the A-leg's Call-ID as the HEP
 * correlation id (chunk 0x0011); a message without one carries none. */
static void hep_out_carries_the_correlation_id(void **state)
{
    static const char *bleg = "INVITE sip:+49301234567@10.0.0.9 SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1\r\n"
                              "Call-ID: b-leg-77@10.0.0.5\r\n"
                              "x-cid :  a-leg-1@10.0.0.1 \r\n"
                              "Content-Length: 0\r\n\r\n";
    static const char *aleg = "INVITE sip:0301234567@10.0.0.5 SIP/2.0\r\n"
                              "Call-ID: a-leg-1@10.0.0.1\r\n"
                              "Content-Length: 9\r\n\r\n"
                              "X-CID: no";
    struct cap_payload p;
    uint8_t buf[2048];
    const uint8_t *v;
    size_t n, len = 0;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.src.family = p.dst.family = 4;
    p.transport = CAP_TRANSPORT_UDP;
    p.data = (const uint8_t *)bleg;
    p.len = strlen(bleg);
    n = cap_hep3_encode(&p, 1, NULL, buf, sizeof(buf));
    v = hep_chunk(buf, n, 0x11, &len);
    assert_non_null(v);
    assert_int_equal(len, strlen("a-leg-1@10.0.0.1"));
    assert_memory_equal(v, "a-leg-1@10.0.0.1", len);
    /* the payload is still whole after it */
    v = hep_chunk(buf, n, 0x0f, &len);
    assert_non_null(v);
    assert_int_equal(len, strlen(bleg));
    /* the body is not a header */
    p.data = (const uint8_t *)aleg;
    p.len = strlen(aleg);
    n = cap_hep3_encode(&p, 1, NULL, buf, sizeof(buf));
    assert_true(n > 0);
    assert_null(hep_chunk(buf, n, 0x11, &len));
}

/* The example packet of the HEP3 specification (domain.md 5.1). */
static void decodes_the_spec_example(void **state)
{
    static const uint8_t pkt[] = {
        'H', 'E', 'P', '3', 0x00, 0x71, 0,    0,    0,    1,    0,   7,   2, /* IPv4 */
        0,   0,   0,   2,   0,    7,    17,                                  /* UDP */
        0,   0,   0,   3,   0,    10,   212,  202,  0,    1,                 /* src 212.202.0.1 */
        0,   0,   0,   4,   0,    10,   82,   113,  99,   186,               /* dst */
        0,   0,   0,   7,   0,    8,    0x2e, 0xea,                          /* sport 12010 */
        0,   0,   0,   8,   0,    8,    0x13, 0xc4,                          /* dport 5060 */
        0,   0,   0,   9,   0,    10,   0x4e, 0x49, 0x82, 0xcb,              /* sec */
        0,   0,   0,   10,  0,    10,   0x00, 0x01, 0xd4, 0xc0,              /* usec 120000 */
        0,   0,   0,   11,  0,    7,    1,                                   /* SIP */
        0,   0,   0,   12,  0,    10,   0,    0,    0,    0xe4,              /* capture id 228 */
        0,   0,   0,   15,  0,    20,   'I',  'N',  'V',  'I',  'T', 'E', ' ',
        's', 'i', 'p', ':', 'b',  'o',  'b'};
    struct got g;

    (void)state;
    assert_int_equal(sizeof(pkt), 0x71);
    assert_int_equal(cap_hep_packet_len(pkt, sizeof(pkt)), 0x71);
    memset(&g, 0, sizeof(g));
    feed_hep(pkt, sizeof(pkt), &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.p.hep_agent, 228);
    assert_int_equal(g.p.src.port, 12010);
    assert_int_equal(g.p.dst.port, 5060);
    assert_int_equal(g.p.src.ip[0], 212);
    assert_int_equal(g.p.ts_ns, (int64_t)0x4e4982cb * 1000000000 + 120000000);
    assert_int_equal(g.p.len, 14);
    assert_memory_equal(g.data, "INVITE sip:bob", 14);
    /* No auth key in it: refused when a password is required. */
    assert_false(cap_hep_auth_ok(pkt, sizeof(pkt), "secret"));
}

static void not_hep_is_counted_not_emitted(void **state)
{
    struct got g;

    (void)state;
    memset(&g, 0, sizeof(g));
    feed_hep((const uint8_t *)sip, strlen(sip), &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(cap_hep_packet_len((const uint8_t *)sip, strlen(sip)), 0);
}

static void default_filter_keeps_fragments(void **state)
{
    const char *f = cap_live_default_bpf();

    (void)state;
    assert_non_null(strstr(f, "ip[6:2] & 0x1fff != 0"));
    assert_non_null(strstr(f, "ip6[6] == 44"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hep3_encoding_round_trips_through_the_listener_path),
        cmocka_unit_test(hep_out_carries_the_correlation_id),
        cmocka_unit_test(decodes_the_spec_example),
        cmocka_unit_test(not_hep_is_counted_not_emitted),
        cmocka_unit_test(default_filter_keeps_fragments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
