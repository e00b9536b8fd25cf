/*
 * test_rtp: the RTP tracker, table and findings on hand-built packets for
 * what the corpus does not cover (sequence wrap, duplicates, exact jitter
 * arithmetic, the heuristic's confirmation, RTCP report blocks, DTMF,
 * limits, hostile bytes).  The corpus comparisons with tshark are in
 * tests/integration/test_rtp_streams.
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

#include "capture.h"
#include "engine.h"
#include "rtp.h"
#include "sip.h"
#include "store.h"
#include "util.h"

#define MS 1000000LL

struct fix {
    struct rtp_tracker *t;
    struct rtp_table *tab;
    struct rtp_announce ann[8]; /* what feed_sip's messages announced */
    size_t nann;
};

static int setup(void **state)
{
    struct fix *f = xcalloc(1, sizeof(*f));

    f->t = rtp_tracker_new(NULL);
    f->tab = rtp_table_new();
    rtp_tracker_set_origin(f->t, 1000 * MS);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    rtp_tracker_free(f->t);
    rtp_table_free(f->tab);
    free(f);
    return 0;
}

static void addr(struct cap_addr *a, uint8_t last, uint16_t port)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->ip[0] = 10;
    a->ip[3] = last;
    a->port = port;
}

/* Feeds one RTP packet 10.0.0.1:4000 -> 10.0.0.2:5000 (or the given ports). */
static bool feed_rtp(struct rtp_tracker *t, uint16_t sport, uint16_t dport, uint8_t pt, bool marker,
                     uint16_t seq, uint32_t ts, uint32_t ssrc, int64_t at_ns, const uint8_t *pl,
                     size_t pllen)
{
    uint8_t b[256];
    struct cap_payload p;

    memset(&p, 0, sizeof(p));
    memset(b, 0xd5, sizeof(b));
    b[0] = 0x80;
    b[1] = (uint8_t)(pt | (marker ? 0x80 : 0));
    b[2] = (uint8_t)(seq >> 8);
    b[3] = (uint8_t)seq;
    b[4] = (uint8_t)(ts >> 24);
    b[5] = (uint8_t)(ts >> 16);
    b[6] = (uint8_t)(ts >> 8);
    b[7] = (uint8_t)ts;
    b[8] = (uint8_t)(ssrc >> 24);
    b[9] = (uint8_t)(ssrc >> 16);
    b[10] = (uint8_t)(ssrc >> 8);
    b[11] = (uint8_t)ssrc;
    if (pl)
        memcpy(b + 12, pl, pllen);
    p.transport = CAP_TRANSPORT_UDP;
    addr(&p.src, 1, sport);
    addr(&p.dst, 2, dport);
    p.ts_ns = at_ns;
    p.data = b;
    p.len = 12 + (pl ? pllen : 160);
    p.file_off = -1;
    return rtp_tracker_packet(t, &p);
}

static const char invite[] =
    "INVITE sip:b@10.0.0.2 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: call-1\r\nCSeq: 1 INVITE\r\n"
    "Content-Type: application/sdp\r\nContent-Length: ";
static const char offer[] = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                            "t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                            "a=rtpmap:101 telephone-event/8000\r\n";
static const char ok200[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: call-1\r\nCSeq: 1 INVITE\r\n"
    "Content-Type: application/sdp\r\nContent-Length: ";
static const char answer[] = "v=0\r\no=- 2 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
                             "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

static void feed_sip_to(struct rtp_tracker *t, struct fix *f, const char *head, const char *body,
                        bool from_a)
{
    char buf[2048];
    struct sip_msg m;
    struct cap_payload p;
    int n = snprintf(buf, sizeof(buf), "%s%zu\r\n\r\n%s", head, strlen(body), body);

    memset(&p, 0, sizeof(p));
    p.transport = CAP_TRANSPORT_UDP;
    addr(&p.src, from_a ? 1 : 2, 5060);
    addr(&p.dst, from_a ? 2 : 1, 5060);
    p.data = (const uint8_t *)buf;
    p.len = (size_t)n;
    p.ts_ns = 5000 * MS;
    assert_int_equal(sip_parse(buf, (size_t)n, &m), 0);
    rtp_tracker_sdp(t, &p, &m);
    if (f)
        f->nann += rtp_announces_from_msg(&m, p.ts_ns, 0, &p.src, f->ann + f->nann, 8 - f->nann);
    sip_msg_fini(&m);
}

#define feed_sip(t, head, body, from_a) feed_sip_to(t, f, head, body, from_a)

static const struct rtp_stream *only_stream(struct fix *f)
{
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    assert_int_equal(rtp_table_nstreams(f->tab), 1);
    return rtp_table_stream(f->tab, 0);
}

static void sequence_wrap_is_not_loss(void **state)
{
    struct fix *f = *state;
    uint16_t seq[] = {65534, 65535, 0, 1, 2};
    size_t i;
    const struct rtp_stream *s;

    for (i = 0; i < 5; i++)
        assert_true(feed_rtp(f->t, 4000, 5000, 0, false, seq[i], 160 * (uint32_t)i, 7,
                             1000 * MS + (int64_t)i * 20 * MS, NULL, 0));
    s = only_stream(f);
    assert_int_equal(s->packets, 5);
    assert_int_equal(s->expected, 5);
    assert_int_equal(s->lost, 0);
    assert_int_equal(s->seq_errors, 0);
    assert_false(s->problem);
}

static void a_gap_is_lost_and_a_duplicate_makes_loss_negative(void **state)
{
    struct fix *f = *state;
    uint16_t seq[] = {10, 11, 13, 14, 14, 15};
    size_t i;
    const struct rtp_stream *s;

    /* announced, so no run of three consecutive numbers is needed */
    feed_sip(f->t, invite, offer, true);
    for (i = 0; i < 6; i++)
        feed_rtp(f->t, 4000, 5000, 8, false, seq[i], 160u * seq[i], 9,
                 1000 * MS + (int64_t)i * 20 * MS, NULL, 0);
    s = only_stream(f);
    assert_int_equal(s->packets, 6);
    assert_int_equal(s->expected, 6); /* 10..15 */
    assert_int_equal(s->lost, 0);     /* one lost, one duplicate */
    assert_int_equal(s->seq_errors, 2);
    assert_true(s->problem);
    assert_string_equal(s->pts[0].name, "PCMA");
}

/* 20 ms packets, the fourth 10 ms late: D = 10 ms, J = 10/16.  The fifth
 * is expected 20 ms after the fourth's arrival (90) and comes at 80: D = 10
 * again (Wireshark measures from the last arrival, not from the clock). */
static void jitter_follows_the_rfc3550_estimator_in_ms(void **state)
{
    struct fix *f = *state;
    int64_t at[] = {0, 20, 40, 70, 80};
    size_t i;
    const struct rtp_stream *s;

    for (i = 0; i < 5; i++)
        feed_rtp(f->t, 4000, 5000, 0, false, (uint16_t)(100 + i), 160 * (uint32_t)i, 1,
                 1000 * MS + at[i] * MS, NULL, 0);
    s = only_stream(f);
    assert_true(s->jitter > (15 * 0.625 + 10) / 16 - 1e-9 &&
                s->jitter < (15 * 0.625 + 10) / 16 + 1e-9);
    assert_true(s->max_jitter == s->jitter);
    assert_true(s->min_jitter == 0);
    /* mean over the four deltas: (0 + 0 + 0.625 + 1.2109375) / 4 */
    assert_true(s->mean_jitter > 0.458984 && s->mean_jitter < 0.458985);
    assert_true(s->min_delta > 9.999 && s->min_delta < 10.001);
    assert_true(s->max_delta > 29.999 && s->max_delta < 30.001);
    assert_true(s->mean_delta > 19.999 && s->mean_delta < 20.001);
    assert_int_equal(s->clock_rate, 8000);
}

static void unannounced_rtp_needs_three_consecutive_packets(void **state)
{
    struct fix *f = *state;

    feed_rtp(f->t, 40000, 50000, 0, false, 1, 0, 5, 1000 * MS, NULL, 0);
    feed_rtp(f->t, 40000, 50000, 0, false, 3, 320, 5, 1040 * MS, NULL, 0);
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    assert_int_equal(rtp_table_nstreams(f->tab), 0);
    feed_rtp(f->t, 40000, 50000, 0, false, 4, 480, 5, 1060 * MS, NULL, 0);
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    assert_int_equal(rtp_table_nstreams(f->tab), 0);
    feed_rtp(f->t, 40000, 50000, 0, false, 5, 640, 5, 1080 * MS, NULL, 0);
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    assert_int_equal(rtp_table_nstreams(f->tab), 1);
    /* counted from its first packet, as tshark does */
    assert_int_equal(rtp_table_stream(f->tab, 0)->packets, 4);
    assert_false(rtp_table_stream(f->tab, 0)->associated);
    /* implausible payload types and well-known ports are not RTP */
    assert_false(feed_rtp(f->t, 40000, 50000, 50, false, 1, 0, 6, 1100 * MS, NULL, 0));
    assert_false(feed_rtp(f->t, 53, 50000, 0, false, 1, 0, 6, 1100 * MS, NULL, 0));
}

static void not_rtp_bytes_are_refused(void **state)
{
    struct fix *f = *state;
    struct cap_payload p;
    uint8_t b[64];
    unsigned i, seed = 12345;

    memset(&p, 0, sizeof(p));
    p.transport = CAP_TRANSPORT_UDP;
    addr(&p.src, 1, 40000);
    addr(&p.dst, 2, 40002);
    p.data = b;
    memset(b, 0, sizeof(b));
    b[0] = 0x40; /* version 1 */
    p.len = 40;
    assert_false(rtp_tracker_packet(f->t, &p));
    b[0] = 0x80;
    p.len = 11; /* shorter than the fixed header */
    assert_false(rtp_tracker_packet(f->t, &p));
    b[0] = 0xa0; /* padding count larger than the packet */
    b[39] = 200;
    p.len = 40;
    assert_false(rtp_tracker_packet(f->t, &p));
    b[0] = 0x9f; /* 15 CSRCs and an extension that do not fit */
    assert_false(rtp_tracker_packet(f->t, &p));
    /* random bytes: no crash, bounded work */
    for (i = 0; i < 20000; i++) {
        size_t k;

        for (k = 0; k < sizeof(b); k++) {
            seed = seed * 1103515245u + 12345u;
            b[k] = (uint8_t)(seed >> 16);
        }
        p.len = (seed >> 8) % sizeof(b);
        p.ts_ns = (int64_t)i * MS;
        rtp_tracker_packet(f->t, &p);
    }
    rtp_batch_free(rtp_tracker_collect(f->t));
}

static void stream_count_is_bounded(void **state)
{
    struct fix *f = *state;
    struct rtp_opts o;
    struct rtp_tracker *t;
    uint32_t i;

    (void)f;
    rtp_opts_default(&o);
    o.max_streams = 100;
    t = rtp_tracker_new(&o);
    for (i = 0; i < 1000; i++)
        feed_rtp(t, 4000, 5000, 0, false, 1, 0, i, 1000 * MS, NULL, 0);
    assert_int_equal(rtp_tracker_dropped(t), 900);
    rtp_batch_free(rtp_tracker_collect(t));
    rtp_tracker_free(t);
}

/* RFC 4733: digit 5 (three packets, the end repeated) then digit # */
static void dtmf_digits_come_from_telephone_events(void **state)
{
    struct fix *f = *state;
    uint8_t ev5[4] = {5, 0x0a, 0, 160}, end5[4] = {5, 0x8a, 0x03, 0x20};
    uint8_t evh[4] = {11, 0x0a, 0, 160};
    const struct rtp_stream *s;

    feed_sip(f->t, invite, offer, true);
    feed_sip(f->t, ok200, answer, false);
    feed_rtp(f->t, 4000, 5000, 0, false, 1, 0, 3, 1000 * MS, NULL, 0);
    feed_rtp(f->t, 4000, 5000, 101, true, 2, 160, 3, 1020 * MS, ev5, 4);
    feed_rtp(f->t, 4000, 5000, 101, false, 3, 160, 3, 1040 * MS, end5, 4);
    feed_rtp(f->t, 4000, 5000, 101, false, 4, 160, 3, 1060 * MS, end5, 4);
    feed_rtp(f->t, 4000, 5000, 101, true, 5, 960, 3, 1080 * MS, evh, 4);
    s = only_stream(f);
    assert_true(s->associated);
    assert_string_equal(s->call_id, "call-1");
    assert_string_equal(s->dtmf, "5#");
    assert_int_equal(s->event_packets, 4);
}

static void finds_one_way_audio_and_dtmf_the_receiver_did_not_offer(void **state)
{
    struct fix *f = *state;
    struct rtp_finding out[8];
    size_t n, i;
    bool one_way = false, dtmf = false, loss = false;
    uint8_t ev[4] = {1, 0x0a, 0, 160};
    uint16_t k;

    feed_sip(f->t, invite, offer, true);
    feed_sip(f->t, ok200, answer, false);
    for (k = 0; k < 100; k++) /* every tenth packet missing: 10 % loss */
        if (k % 10 != 9)
            feed_rtp(f->t, 4000, 5000, 0, false, k, 160u * k, 3, 1000 * MS + k * 20 * MS, NULL, 0);
    feed_rtp(f->t, 4000, 5000, 101, true, 0, 0, 4, 3100 * MS, ev, 4);
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    n = rtp_findings(f->tab, "call-1", 6, 1000 * MS, 0, f->ann, f->nann, out, 8);
    for (i = 0; i < n && i < 8; i++) {
        one_way |= out[i].kind == RTP_F_ONE_WAY;
        dtmf |= out[i].kind == RTP_F_DTMF_NOT_NEGOTIATED;
        loss |= out[i].kind == RTP_F_LOSS;
    }
    assert_true(one_way);
    assert_true(dtmf);
    assert_true(loss);
    /* not answered: no call-level media findings */
    n = rtp_findings(f->tab, "call-2", 6, 1000 * MS, 0, NULL, 0, out, 8);
    assert_int_equal(n, 0);
}

static void no_rtp_after_the_answer_is_found_once_the_call_goes_on(void **state)
{
    struct fix *f = *state;
    struct rtp_finding out[4];
    size_t n;

    feed_sip(f->t, invite, offer, true);
    feed_sip(f->t, ok200, answer, false);
    rtp_table_apply(f->tab, rtp_tracker_collect(f->t));
    /* answered just now (the capture ends at the 200 OK) */
    assert_int_equal(
        rtp_findings(f->tab, "call-1", 6, 5000 * MS, 5000 * MS, f->ann, f->nann, out, 4), 0);
    /* answered, and the call went on for two seconds more */
    n = rtp_findings(f->tab, "call-1", 6, 5000 * MS, 7000 * MS, f->ann, f->nann, out, 4);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].kind, RTP_F_NO_RTP);
    assert_int_equal(rtp_findings(f->tab, "call-1", 6, 0, 7000 * MS, f->ann, f->nann, out, 4), 0);
}

/* An RR from the receiver (10.0.0.2) about SSRC 3: fraction 64/256,
 * cumulative 12, jitter 80 timestamp units. */
static void rtcp_receiver_report_lands_on_its_stream(void **state)
{
    struct fix *f = *state;
    uint8_t rr[32] = {0x81, 201, 0, 7,  0,  0, 0, 9,  /* RR from SSRC 9, one block */
                      0,    0,   0, 3,  64, 0, 0, 12, /* about SSRC 3: fraction, cumulative */
                      0,    0,   0, 50, 0,  0, 0, 80, /* highest seq, jitter */
                      0,    0,   0, 0,  0,  0, 0, 0}; /* LSR, DLSR */
    struct cap_payload p;
    const struct rtp_stream *s;

    feed_sip(f->t, invite, offer, true);
    feed_sip(f->t, ok200, answer, false);
    feed_rtp(f->t, 4000, 5000, 0, false, 1, 0, 3, 1000 * MS, NULL, 0);
    memset(&p, 0, sizeof(p));
    p.transport = CAP_TRANSPORT_UDP;
    addr(&p.src, 2, 5001);
    addr(&p.dst, 1, 4001);
    p.data = rr;
    p.len = sizeof(rr);
    p.ts_ns = 1100 * MS;
    assert_true(rtp_tracker_packet(f->t, &p));
    s = only_stream(f);
    assert_int_equal(s->rtcp_rr, 1);
    assert_int_equal(s->rr_fraction_lost, 64);
    assert_int_equal(s->rr_cum_lost, 12);
    assert_int_equal(s->rr_jitter, 80);
}

/* A re-INVITE that moves the port to T.38: the same datagrams are no
 * longer RTP (tshark decodes them as UDPTL too). */
static void port_moved_to_t38_is_not_rtp_any_more(void **state)
{
    struct fix *f = *state;
    static const char t38[] = "v=0\r\no=- 2 3 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
                              "t=0 0\r\nm=image 5000 udptl t38\r\n";

    feed_sip(f->t, invite, offer, true);
    feed_sip(f->t, ok200, answer, false);
    assert_true(feed_rtp(f->t, 4000, 5000, 0, false, 1, 0, 3, 1000 * MS, NULL, 0));
    feed_sip(f->t, ok200, t38, false);
    assert_false(feed_rtp(f->t, 4000, 5000, 0, false, 2, 160, 3, 1020 * MS, NULL, 0));
    assert_int_equal(only_stream(f)->packets, 1);
}

static void payload_names_follow_tshark(void **state)
{
    struct rtp_ptmap m;
    char b[64];

    (void)state;
    memset(&m, 0, sizeof(m));
    m.pt = 8;
    rtp_pt_label(&m, b, sizeof(b));
    assert_string_equal(b, "g711A");
    m.pt = 7;
    rtp_pt_label(&m, b, sizeof(b));
    assert_string_equal(b, "Exp. from Xerox PARC");
    m.pt = 100;
    rtp_pt_label(&m, b, sizeof(b));
    assert_string_equal(b, "RTPType-100");
    snprintf(m.name, sizeof(m.name), "opus");
    rtp_pt_label(&m, b, sizeof(b));
    assert_string_equal(b, "opus");
}

/* Streams of calls the store does not hold any more are dropped (what
 * keeps a long live capture within --max-memory): the real loader on a
 * corpus capture, then a store without that call. */
static void prune_drops_the_streams_of_calls_the_store_lost(void **state)
{
    const char *dir = test_corpus_dir();
    char path[4096];
    const char *paths[1] = {path};
    struct store *s = store_new(NULL), *empty = store_new(NULL);
    struct loader *l;
    struct rtp_table *t;

    (void)state;
    snprintf(path, sizeof(path), "%s/generated/call_basic_rtp.pcap", dir);
    l = loader_start_rtp(paths, 1, s, 1024, NULL);
    while (!loader_done(l))
        if (!loader_drain(l, s, 4096))
            loader_wait(l, 100);
    t = loader_rtp(l);
    assert_int_equal(rtp_table_nstreams(t), 2);
    assert_int_equal(rtp_table_prune(t, s), 0); /* its call is in the store */
    assert_int_equal(rtp_table_nstreams(t), 2);
    assert_int_equal(rtp_table_prune(t, empty), 2);
    assert_int_equal(rtp_table_nstreams(t), 0);
    loader_free(l);
    store_free(s);
    store_free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sequence_wrap_is_not_loss, setup, teardown),
        cmocka_unit_test_setup_teardown(a_gap_is_lost_and_a_duplicate_makes_loss_negative, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(jitter_follows_the_rfc3550_estimator_in_ms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unannounced_rtp_needs_three_consecutive_packets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(not_rtp_bytes_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(stream_count_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(dtmf_digits_come_from_telephone_events, setup, teardown),
        cmocka_unit_test_setup_teardown(finds_one_way_audio_and_dtmf_the_receiver_did_not_offer,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(no_rtp_after_the_answer_is_found_once_the_call_goes_on,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(rtcp_receiver_report_lands_on_its_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(port_moved_to_t38_is_not_rtp_any_more, setup, teardown),
        cmocka_unit_test(payload_names_follow_tshark),
        cmocka_unit_test(prune_drops_the_streams_of_calls_the_store_lost),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
