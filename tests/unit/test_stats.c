/*
 * test_stats: registrations and call KPIs on hand-built message sequences
 * for what the recorded captures do not cover (Contact: *, several
 * bindings in the 200, a challenge never answered, a REGISTER never
 * answered, a retry that comes too late, an INVITE answered without a BYE,
 * an R-URI without host).  Each message goes through the real parser and
 * store.
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

#include "engine.h"
#include "sip.h"
#include "stats.h"
#include "store.h"
#include "util.h"

#define SEC 1000000000LL

/* Adds one message (text with \n line ends turned into CRLF) at t seconds. */
static void add(struct store *s, double t, const char *src, const char *dst, const char *text)
{
    struct strbuf b;
    struct sip_msg m;
    struct cap_payload p;
    struct store_input in;
    const char *q;
    static uint64_t frame;

    sb_init(&b);
    for (q = text; *q; q++) {
        if (*q == '\n')
            sb_putc(&b, '\r');
        sb_putc(&b, *q);
    }
    memset(&p, 0, sizeof(p));
    p.frame = ++frame;
    p.ts_ns = (int64_t)(t * SEC) + 1700000000LL * SEC;
    p.src.family = p.dst.family = 4;
    p.src.ip[0] = p.dst.ip[0] = 10;
    p.src.ip[3] = (uint8_t)atoi(src);
    p.dst.ip[3] = (uint8_t)atoi(dst);
    p.src.port = p.dst.port = 5060;
    p.transport = CAP_TRANSPORT_UDP;
    p.data = (const uint8_t *)b.s;
    p.len = b.len;
    p.file_off = -1;
    assert_int_equal(sip_parse(b.s, b.len, &m), 0);
    store_input_from(&in, &p, &m);
    store_add(s, &in);
    sip_msg_fini(&m);
    sb_fini(&b);
}

static char msgbuf[2048];

static const char *reg(const char *user, const char *cid, int cseq, const char *contact,
                       const char *extra)
{
    snprintf(msgbuf, sizeof(msgbuf),
             "REGISTER sip:example.org SIP/2.0\n"
             "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK%s%d\n"
             "From: <sip:%s@example.org>;tag=1\nTo: <sip:%s@Example.ORG>\n"
             "Call-ID: %s\nCSeq: %d REGISTER\nContact: %s\n%s"
             "Content-Length: 0\n\n",
             cid, cseq, user, user, cid, cseq, contact, extra);
    return msgbuf;
}

static const char *resp(int code, const char *reason, const char *user, const char *cid, int cseq,
                        const char *method, const char *extra)
{
    snprintf(msgbuf, sizeof(msgbuf),
             "SIP/2.0 %d %s\n"
             "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK%s%d\n"
             "From: <sip:%s@example.org>;tag=1\nTo: <sip:%s@example.org>;tag=9\n"
             "Call-ID: %s\nCSeq: %d %s\n%sContent-Length: 0\n\n",
             code, reason, cid, cseq, user, user, cid, cseq, method, extra);
    return msgbuf;
}

static const struct reg_entry *find(const struct reg_report *r, const char *aor)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->v[i].aor, aor) == 0)
            return &r->v[i];
    fail_msg("no AOR %s", aor);
    return NULL;
}

static void registrations_handle_star_unanswered_challenges_and_proxies(void **state)
{
    struct store_opts o = {0};
    struct store *s = store_new(&o);
    struct reg_report r;
    const struct reg_entry *e;

    (void)state;
    /* alice: granted 120 s on her binding among two (the 200 lists both);
     * then Contact: * removes everything. */
    add(s, 0, "2", "1", reg("alice", "a1", 1, "<sip:alice@10.0.0.2>", "Expires: 3600\n"));
    add(s, 0.01, "1", "2",
        resp(200, "OK", "alice", "a1", 1, "REGISTER",
             "Contact: <sip:alice@10.0.0.9>;expires=3000, <sip:alice@10.0.0.2>;expires=120\n"));
    add(s, 10, "2", "1", reg("alice", "a1", 2, "*", "Expires: 0\n"));
    add(s, 10.01, "1", "2", resp(200, "OK", "alice", "a1", 2, "REGISTER", ""));
    /* bob: 407 never answered, then (100 s later) a REGISTER never answered. */
    add(s, 20, "3", "1", reg("bob", "b1", 1, "<sip:bob@10.0.0.3>", ""));
    add(s, 20.01, "1", "3",
        resp(407, "Proxy Authentication Required", "bob", "b1", 1, "REGISTER",
             "Proxy-Authenticate: Digest realm=\"x\", nonce=\"y\"\n"));
    add(s, 120, "3", "1", reg("bob", "b1", 2, "<sip:bob@10.0.0.3>", ""));
    /* carol: two bindings granted; the request's one has 60 s. */
    add(s, 130, "4", "1", reg("carol", "c1", 1, "<sip:carol@10.0.0.4>;expires=60", ""));
    add(s, 130.01, "1", "4",
        resp(200, "OK", "carol", "c1", 1, "REGISTER",
             "Contact: <sip:carol@10.0.0.8>;expires=500\n"
             "Contact: <sip:carol@10.0.0.4>;expires=60\n"));
    add(s, 300, "4", "1", reg("carol", "c2", 1, "<sip:carol@10.0.0.4>", ""));
    /* dave through a proxy (10.0.0.1 -> registrar 10.0.0.7): the same
     * REGISTER on two hops, other branch, same Call-ID and CSeq. */
    add(s, 200, "6", "1", reg("dave", "d1", 1, "<sip:dave@10.0.0.6>", "Expires: 300\n"));
    reg("dave", "d1", 1, "<sip:dave@10.0.0.6>", "Expires: 300\n"); /* into msgbuf */
    memcpy(strstr(msgbuf, "branch=z9hG4bK") + 14, "PX", 2);
    add(s, 200.001, "1", "7", msgbuf);
    resp(200, "OK", "dave", "d1", 1, "REGISTER", "");
    memcpy(strstr(msgbuf, "branch=z9hG4bK") + 14, "PX", 2);
    add(s, 200.01, "7", "1", msgbuf);
    add(s, 200.011, "1", "6", resp(200, "OK", "dave", "d1", 1, "REGISTER", ""));

    assert_int_equal(stats_registrations(s, NULL, NULL, &r), 0);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.registers, 8); /* transactions, both hops of dave's */
    /* sorted by AOR, host lowercased */
    assert_string_equal(r.v[0].aor, "alice@example.org");

    e = find(&r, "alice@example.org");
    assert_int_equal(e->state, REG_STATE_DEREGISTERED);
    assert_int_equal(e->attempts, 2);
    assert_int_equal(e->successes, 2);
    assert_int_equal(e->deregs, 1);
    assert_string_equal(e->transport, "TCP");

    /* 407 then nothing for 100 s: a failed attempt (407, not retried); the
     * REGISTER at 120 s is a new attempt, never answered, and the capture
     * runs on 180 s after it: a failure "no response". */
    e = find(&r, "bob@example.org");
    assert_int_equal(e->attempts, 2);
    assert_int_equal(e->failed, 2);
    assert_int_equal(e->challenges, 0);
    assert_int_equal(e->nfails, 2);
    assert_int_equal(e->fails[0].status, 407);
    assert_int_equal(e->fails[1].status, 0);
    assert_int_equal(e->state, REG_STATE_FAILED);

    /* carol: granted the request's binding (60 s), both bindings listed;
     * the last REGISTER (300 s, the capture's end) is still pending. */
    e = find(&r, "carol@example.org");
    assert_int_equal(e->granted, 60);
    assert_int_equal(e->expires_at, (int64_t)(130.01 * SEC) + 1700000000LL * SEC + 60 * SEC);
    assert_int_equal(e->attempts, 2);
    assert_int_equal(e->successes, 1);
    assert_int_equal(e->failed, 0);
    assert_int_equal(e->state, REG_STATE_PENDING);
    e = find(&r, "dave@example.org");
    assert_int_equal(e->requests, 1);
    assert_int_equal(e->attempts, 1);
    assert_int_equal(e->successes, 1);
    assert_string_equal(e->source, "10.0.0.6:5060"); /* the phone, not the proxy */
    assert_int_equal(e->granted, 300);
    stats_reg_fini(&r);
    store_free(s);
}

static const char *invite(const char *ruri, const char *cid, int cseq)
{
    snprintf(msgbuf, sizeof(msgbuf),
             "INVITE %s SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK%s%d\n"
             "From: <sip:a@example.org>;tag=1\nTo: <%s>\nCall-ID: %s\nCSeq: %d INVITE\n"
             "Content-Length: 0\n\n",
             ruri, cid, cseq, ruri, cid, cseq);
    return msgbuf;
}

static void kpis_count_auth_retries_tel_uris_and_ringing_unanswered(void **state)
{
    struct store_opts o = {0};
    struct store *s = store_new(&o);
    struct kpi_report r;

    (void)state;
    /* x1: 407, INVITE with credentials, 183 at 2.5 s, 200 at 4 s, no BYE. */
    add(s, 0, "2", "1", invite("sip:100@GW.example", "x1", 1));
    add(s, 0.5, "1", "2", resp(407, "Proxy Authentication Required", "a", "x1", 1, "INVITE", ""));
    add(s, 1, "2", "1", invite("sip:100@GW.example", "x1", 2));
    add(s, 2.5, "1", "2", resp(183, "Session Progress", "a", "x1", 2, "INVITE", ""));
    add(s, 4, "1", "2", resp(200, "OK", "a", "x1", 2, "INVITE", ""));
    /* x2: R-URI without host (tel:), no answer at all. */
    add(s, 10, "2", "5", invite("tel:+1555", "x2", 1));
    /* x3: 180 then 480 (ring, no answer): counts for NER. */
    add(s, 20, "2", "1", invite("sip:200@gw.example", "x3", 1));
    add(s, 20.2, "1", "2", resp(180, "Ringing", "a", "x3", 1, "INVITE", ""));
    add(s, 50, "1", "2", resp(480, "Temporarily Unavailable", "a", "x3", 1, "INVITE", ""));

    assert_int_equal(stats_kpi(s, NULL, NULL, &r), 0);
    assert_int_equal(r.all.attempts, 3);
    assert_int_equal(r.all.answered, 1);
    assert_int_equal(r.all.no_final, 1);
    assert_int_equal(r.all.ner_ok, 2); /* x1 answered, x3 480 after 180 */
    assert_int_equal(r.all.acd_n, 0);  /* x1 has no BYE */
    assert_int_equal(r.all.answered_open, 1);
    assert_true(kpi_acd_s(&r.all) < 0);
    /* PDD from the first INVITE (auth included): x1 2.5 s, x3 0.2 s */
    assert_int_equal(r.all.pdd_n, 2);
    assert_int_equal(r.all.pdd_sum, (int64_t)(2.7 * SEC));
    assert_int_equal(r.ndests, 2);
    assert_string_equal(r.dests[0].name, "gw.example"); /* lowercased, 2 attempts */
    assert_int_equal(r.dests[0].k.attempts, 2);
    assert_string_equal(r.dests[1].name, "10.0.0.5");
    assert_true(r.dests[1].by_ip);
    stats_kpi_fini(&r);
    store_free(s);
}

static void count_stream(void *ctx, const struct store_input *in, const struct store_call *c,
                         const struct store_msg *msg)
{
    (void)c;
    stats_sipstat_add(ctx, in->is_request, in->status, in->method_str.p, in->method_str.len,
                      (msg->flags & STORE_MSG_RESENT) != 0);
}

/* The console's Statistics view counts from the store afterwards; --stats
 * counts message by message (and is checked against tshark by
 * test_corpus_truth): both must print the same block. */
static void sipstat_from_store_equals_streaming_counts(void **state)
{
    static const char *const files[] = {
        "public/irontec-sngrep/aaa.pcap",
        "public/ntop-nDPI/fuzz-2006-06-26-2594.pcap", /* "REGIStER", malformed */
        "public/sipcapture-heplify/sip_ipv4_tcp_retrans.pcap",
        "public/arkime-arkime/gtp-iphone.pcap",
        "generated/busy_2000_calls.pcap",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct store_opts o = {0};
        struct store *s = store_new(&o);
        struct sipstat a, b;
        struct strbuf ta, tb;
        char path[4096];
        const char *dir = test_corpus_dir(), *pp = path;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        stats_sipstat_init(&a);
        engine_run_files(&pp, 1, s, count_stream, &a, stderr);
        stats_setup_times(s, NULL, NULL, &a);
        assert_int_equal(stats_sipstat_from_store(s, &b), 0);
        sb_init(&ta);
        sb_init(&tb);
        stats_sipstat_text(&a, &ta);
        stats_sipstat_text(&b, &tb);
        assert_true(a.messages > 0);
        assert_string_equal(ta.s, tb.s);
        sb_fini(&ta);
        sb_fini(&tb);
        stats_sipstat_fini(&a);
        stats_sipstat_fini(&b);
        store_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registrations_handle_star_unanswered_challenges_and_proxies),
        cmocka_unit_test(kpis_count_auth_retries_tel_uris_and_ringing_unanswered),
        cmocka_unit_test(sipstat_from_store_equals_streaming_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
