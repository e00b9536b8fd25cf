/*
 * test_diag: the diagnostic rules and the in-context reading of responses
 * on hand-built message sequences (what the scenario captures of
 * tests/integration/test_report do not isolate): private ranges, a
 * challenge answered and accepted, refused, re-challenged as stale, 487
 * after CANCEL, 481 to a late BYE, 423 honoured or not, Reason/Warning
 * extras, and the Russian texts.  Also two scenario captures read whole
 * (tests/data/scenarios): a glare both sides recover from, whose finding
 * is only info and so never reaches --report, and a refresh by the callee
 * numbered in its own CSeq space.
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

#include "diag.h"
#include "diag/diag_int.h"
#include "engine.h"
#include "kb.h"
#include "sip.h"
#include "store.h"
#include "util.h"

/* Adds one message (CRLF line ends are added) sent from src to dst at t ms. */
static void add(struct store *s, const char *src, const char *dst, int t_ms, const char *text)
{
    struct strbuf b;
    struct cap_payload p;
    struct store_input in;
    struct sip_msg m;
    const char *q;
    unsigned a1, a2, a3, a4, port;

    sb_init(&b);
    for (q = text; *q; q++) {
        if (*q == '\n')
            sb_putc(&b, '\r');
        sb_putc(&b, *q);
    }
    memset(&p, 0, sizeof(p));
    p.frame = (uint64_t)t_ms + 1;
    p.ts_ns = (int64_t)t_ms * 1000000 + 1700000000LL * 1000000000LL;
    assert_int_equal(sscanf(src, "%u.%u.%u.%u:%u", &a1, &a2, &a3, &a4, &port), 5);
    p.src.family = 4;
    p.src.ip[0] = (uint8_t)a1, p.src.ip[1] = (uint8_t)a2, p.src.ip[2] = (uint8_t)a3,
    p.src.ip[3] = (uint8_t)a4, p.src.port = (uint16_t)port;
    assert_int_equal(sscanf(dst, "%u.%u.%u.%u:%u", &a1, &a2, &a3, &a4, &port), 5);
    p.dst.family = 4;
    p.dst.ip[0] = (uint8_t)a1, p.dst.ip[1] = (uint8_t)a2, p.dst.ip[2] = (uint8_t)a3,
    p.dst.ip[3] = (uint8_t)a4, p.dst.port = (uint16_t)port;
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

#define UA  "203.0.113.5:5060"
#define PBX "198.51.100.1:5060"

static const char *reg(int cseq, const char *branch, const char *extra)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "REGISTER sip:pbx.example SIP/2.0\n"
             "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=%s;rport\n"
             "From: <sip:100@pbx.example>;tag=a\n"
             "To: <sip:100@pbx.example>\n"
             "Call-ID: reg-1\n"
             "CSeq: %d REGISTER\n"
             "Contact: <sip:100@203.0.113.5:5060>\n"
             "%s"
             "Content-Length: 0\n\n",
             branch, cseq, extra);
    return buf;
}

static const char *resp(int code, const char *reason, int cseq, const char *method,
                        const char *branch, const char *extra)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "SIP/2.0 %d %s\n"
             "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=%s;rport=5060;received=203.0.113.5\n"
             "From: <sip:100@pbx.example>;tag=a\n"
             "To: <sip:100@pbx.example>;tag=b\n"
             "Call-ID: reg-1\n"
             "CSeq: %d %s\n"
             "%s"
             "Content-Length: 0\n\n",
             code, reason, branch, cseq, method, extra);
    return buf;
}

static const struct store_call *only_call(struct store *s)
{
    assert_int_equal(store_ncalls(s), 1);
    return store_call_at(s, 0);
}

static bool has_rule(const struct diag_list *l, enum diag_rule r, enum diag_sev sev)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->v[i].rule == r && l->v[i].sev == sev)
            return true;
    return false;
}

static void private_ranges_are_recognised(void **state)
{
    (void)state;
    assert_true(diag_ip_private("10.1.2.3"));
    assert_true(diag_ip_private("172.16.0.1"));
    assert_true(diag_ip_private("172.31.255.255"));
    assert_false(diag_ip_private("172.32.0.1"));
    assert_true(diag_ip_private("192.168.1.10"));
    assert_false(diag_ip_private("192.169.1.10"));
    assert_true(diag_ip_private("100.64.0.1")); /* CGNAT, RFC 6598 */
    assert_false(diag_ip_private("100.128.0.1"));
    assert_true(diag_ip_private("169.254.3.4"));
    assert_false(diag_ip_private("8.8.8.8"));
    assert_false(diag_ip_private("127.0.0.1"));
    assert_true(diag_ip_private("fd00::1"));
    assert_true(diag_ip_private("fe80::1"));
    assert_false(diag_ip_private("2001:db8::1"));
    assert_false(diag_ip_private("192&168%s"));
    assert_false(diag_ip_private(""));
}

static const char *const challenge =
    "WWW-Authenticate: Digest realm=\"pbx\", nonce=\"n1\", algorithm=MD5\n";
static const char *const credentials =
    "Authorization: Digest username=\"100\", realm=\"pbx\", nonce=\"n1\", uri=\"sip:pbx\", "
    "response=\"0123456789abcdef0123456789abcdef\"\n";

static void challenge_answered_and_accepted_is_normal(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;
    const struct store_call *c;

    (void)state;
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", ""));
    add(s, PBX, UA, 10, resp(401, "Unauthorized", 1, "REGISTER", "z9hG4bK1", challenge));
    add(s, UA, PBX, 20, reg(2, "z9hG4bK2", credentials));
    add(s, PBX, UA, 30, resp(200, "OK", 2, "REGISTER", "z9hG4bK2", ""));
    c = only_call(s);
    assert_int_equal(diag_response_context(s, c, 1), DIAG_CTX_NORMAL);
    assert_int_equal(diag_response_context(s, c, 3), DIAG_CTX_PLAIN);
    diag_list_init(&l);
    assert_int_equal(diag_call(s, c, &l), DIAG_SEV_NONE);
    assert_int_equal(l.n, 0);
    diag_list_fini(&l);
    store_free(s);
}

static void challenge_whose_retry_is_refused_is_the_failure(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;
    const struct store_call *c;

    (void)state;
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", ""));
    add(s, PBX, UA, 10, resp(401, "Unauthorized", 1, "REGISTER", "z9hG4bK1", challenge));
    add(s, UA, PBX, 20, reg(2, "z9hG4bK2", credentials));
    add(s, PBX, UA, 30, resp(401, "Unauthorized", 2, "REGISTER", "z9hG4bK2", challenge));
    c = only_call(s);
    assert_int_equal(diag_response_context(s, c, 1), DIAG_CTX_FAILURE);
    assert_int_equal(diag_response_context(s, c, 3), DIAG_CTX_FAILURE); /* no retry */
    diag_list_init(&l);
    assert_int_equal(diag_call(s, c, &l), DIAG_SEV_PROBLEM);
    assert_true(has_rule(&l, DIAG_AUTH_REJECTED, DIAG_SEV_PROBLEM));
    assert_false(has_rule(&l, DIAG_AUTH_NO_RETRY, DIAG_SEV_PROBLEM));
    /* it points at the credentials and the answer to them */
    assert_int_equal(l.v[0].nmsgs, 2);
    assert_int_equal(l.v[0].msgs[0], 2);
    assert_int_equal(l.v[0].msgs[1], 3);
    diag_list_fini(&l);
    store_free(s);
}

static void challenge_never_answered_is_the_failure(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;
    const struct store_call *c;

    (void)state;
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", ""));
    add(s, PBX, UA, 10, resp(401, "Unauthorized", 1, "REGISTER", "z9hG4bK1", challenge));
    c = only_call(s);
    assert_int_equal(diag_response_context(s, c, 1), DIAG_CTX_FAILURE);
    diag_list_init(&l);
    diag_call(s, c, &l);
    assert_true(has_rule(&l, DIAG_AUTH_NO_RETRY, DIAG_SEV_PROBLEM));
    assert_non_null(strstr(l.v[0].facts, "no retry with credentials"));
    diag_list_fini(&l);
    store_free(s);
}

static void stale_nonce_then_success_is_normal_and_only_info(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;
    const struct store_call *c;

    (void)state;
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", ""));
    add(s, PBX, UA, 10, resp(401, "Unauthorized", 1, "REGISTER", "z9hG4bK1", challenge));
    add(s, UA, PBX, 20, reg(2, "z9hG4bK2", credentials));
    add(s, PBX, UA, 30,
        resp(401, "Unauthorized", 2, "REGISTER", "z9hG4bK2",
             "WWW-Authenticate: Digest realm=\"pbx\", nonce=\"n2\", stale=true\n"));
    add(s, UA, PBX, 40, reg(3, "z9hG4bK3", credentials));
    add(s, PBX, UA, 50, resp(200, "OK", 3, "REGISTER", "z9hG4bK3", ""));
    c = only_call(s);
    assert_int_equal(diag_response_context(s, c, 1), DIAG_CTX_NORMAL);
    assert_int_equal(diag_response_context(s, c, 3), DIAG_CTX_NORMAL);
    diag_list_init(&l);
    assert_int_equal(diag_call(s, c, &l), DIAG_SEV_INFO);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].rule, DIAG_AUTH_STALE);
    diag_list_fini(&l);
    store_free(s);
}

static void interval_too_brief_honoured_or_not(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;

    (void)state;
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", "Expires: 30\n"));
    add(s, PBX, UA, 10,
        resp(423, "Interval Too Brief", 1, "REGISTER", "z9hG4bK1", "Min-Expires: 60\n"));
    add(s, UA, PBX, 20, reg(2, "z9hG4bK2", "Expires: 60\n"));
    add(s, PBX, UA, 30, resp(200, "OK", 2, "REGISTER", "z9hG4bK2", ""));
    diag_list_init(&l);
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_NONE);
    store_free(s);

    s = store_new(NULL);
    add(s, UA, PBX, 0, reg(1, "z9hG4bK1", "Expires: 30\n"));
    add(s, PBX, UA, 10,
        resp(423, "Interval Too Brief", 1, "REGISTER", "z9hG4bK1", "Min-Expires: 60\n"));
    add(s, UA, PBX, 20, reg(2, "z9hG4bK2", "Expires: 45\n"));
    add(s, PBX, UA, 30, resp(200, "OK", 2, "REGISTER", "z9hG4bK2", ""));
    diag_list_reset(&l);
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_PROBLEM);
    assert_true(has_rule(&l, DIAG_INTERVAL_BRIEF, DIAG_SEV_PROBLEM));
    assert_non_null(strstr(l.v[0].facts, "Min-Expires 60; retry asks Expires 45"));
    diag_list_fini(&l);
    store_free(s);
}

static const char *dialog_req(const char *method, int cseq, const char *branch)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "%s sip:200@198.51.100.1 SIP/2.0\n"
             "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=%s;rport\n"
             "From: <sip:100@pbx.example>;tag=a\n"
             "To: <sip:200@pbx.example>%s\n"
             "Call-ID: reg-1\n"
             "CSeq: %d %s\n"
             "Contact: <sip:100@203.0.113.5:5060>\n"
             "Content-Length: 0\n\n",
             method, branch,
             strcmp(method, "INVITE") == 0 || strcmp(method, "CANCEL") == 0 ? "" : ";tag=b", cseq,
             method);
    return buf;
}

static void cancelled_invite_487_and_late_bye_481_are_normal(void **state)
{
    struct store *s = store_new(NULL);
    const struct store_call *c;

    (void)state;
    add(s, UA, PBX, 0, dialog_req("INVITE", 1, "z9hG4bKi"));
    add(s, PBX, UA, 10, resp(180, "Ringing", 1, "INVITE", "z9hG4bKi", ""));
    add(s, UA, PBX, 20, dialog_req("CANCEL", 1, "z9hG4bKi"));
    add(s, PBX, UA, 30, resp(200, "OK", 1, "CANCEL", "z9hG4bKi", ""));
    add(s, PBX, UA, 31, resp(487, "Request Terminated", 1, "INVITE", "z9hG4bKi", ""));
    c = only_call(s);
    assert_int_equal(diag_response_context(s, c, 4), DIAG_CTX_NORMAL);
    store_free(s);

    /* without a CANCEL, a 487 is just its kb entry */
    s = store_new(NULL);
    add(s, UA, PBX, 0, dialog_req("INVITE", 1, "z9hG4bKi"));
    add(s, PBX, UA, 31, resp(487, "Request Terminated", 1, "INVITE", "z9hG4bKi", ""));
    assert_int_equal(diag_response_context(s, only_call(s), 1), DIAG_CTX_PLAIN);
    store_free(s);

    /* a BYE answered, then the same BYE again (new branch): 481 is normal */
    s = store_new(NULL);
    add(s, UA, PBX, 0, dialog_req("BYE", 3, "z9hG4bKb1"));
    add(s, PBX, UA, 10, resp(200, "OK", 3, "BYE", "z9hG4bKb1", ""));
    add(s, UA, PBX, 900, dialog_req("BYE", 3, "z9hG4bKb2"));
    add(s, PBX, UA, 910, resp(481, "Call/Transaction Does Not Exist", 3, "BYE", "z9hG4bKb2", ""));
    assert_int_equal(diag_response_context(s, only_call(s), 3), DIAG_CTX_NORMAL);
    store_free(s);

    /* a 481 to a BYE nobody answered before is not */
    s = store_new(NULL);
    add(s, UA, PBX, 0, dialog_req("BYE", 3, "z9hG4bKb1"));
    add(s, PBX, UA, 10, resp(481, "Call/Transaction Does Not Exist", 3, "BYE", "z9hG4bKb1", ""));
    assert_int_equal(diag_response_context(s, only_call(s), 1), DIAG_CTX_PLAIN);
    store_free(s);
}

static const char *invite_mf(int mf, const char *branch, int nvia)
{
    static char buf[1024];
    char vias[512] = "";
    int i;

    for (i = 1; i < nvia; i++)
        snprintf(vias + strlen(vias), sizeof(vias) - strlen(vias),
                 "Via: SIP/2.0/UDP 198.51.100.%d:5060;branch=z9hG4bKp%d\n", i + 1, i);
    snprintf(buf, sizeof(buf),
             "INVITE sip:200@pbx.example SIP/2.0\n"
             "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=%s\n%s"
             "From: <sip:100@pbx.example>;tag=a\n"
             "To: <sip:200@pbx.example>\n"
             "Call-ID: loop-1\n"
             "CSeq: 7 INVITE\n"
             "Max-Forwards: %d\n"
             "Content-Length: 0\n\n",
             branch, vias, mf);
    return buf;
}

static void a_request_coming_back_with_fewer_hops_is_a_loop(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;

    (void)state;
    /* two proxies forwarding to each other: the same INVITE (CSeq 7) comes
     * back with a new branch, one more Via and one hop less each time */
    add(s, PBX, "198.51.100.2:5060", 0, invite_mf(70, "z9hG4bKa", 1));
    add(s, "198.51.100.2:5060", PBX, 2, invite_mf(69, "z9hG4bKb", 2));
    add(s, PBX, "198.51.100.2:5060", 4, invite_mf(68, "z9hG4bKc", 3));
    add(s, "198.51.100.2:5060", PBX, 6, invite_mf(67, "z9hG4bKd", 4));
    diag_list_init(&l);
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_PROBLEM);
    assert_true(has_rule(&l, DIAG_LOOP, DIAG_SEV_PROBLEM));
    assert_string_equal(l.v[0].facts, "INVITE CSeq 7 seen 4 times, Max-Forwards 70 -> 67");
    assert_int_equal(l.v[0].msgs[0], 0);
    assert_int_equal(l.v[0].msgs[1], 3);
    diag_list_fini(&l);
    store_free(s);

    /* the same INVITE retransmitted (same Max-Forwards) is not */
    s = store_new(NULL);
    add(s, PBX, "198.51.100.2:5060", 0, invite_mf(70, "z9hG4bKa", 1));
    add(s, PBX, "198.51.100.2:5060", 500, invite_mf(70, "z9hG4bKa", 1));
    add(s, PBX, "198.51.100.2:5060", 1500, invite_mf(70, "z9hG4bKa", 1));
    diag_list_init(&l);
    diag_call(s, only_call(s), &l);
    assert_false(has_rule(&l, DIAG_LOOP, DIAG_SEV_PROBLEM));
    assert_true(has_rule(&l, DIAG_INVITE_TIMEOUT, DIAG_SEV_PROBLEM));
    diag_list_fini(&l);
    store_free(s);
}

static void reason_and_warning_are_explained_from_the_kb(void **state)
{
    struct kb *kb = kb_new("en", NULL, NULL);
    struct strbuf b;
    const char *msg = "SIP/2.0 486 Busy Here\r\n"
                      "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
                      "Call-ID: x\r\nCSeq: 1 INVITE\r\n"
                      "Reason: Q.850;cause=17;text=\"User busy\"\r\n"
                      "Warning: 399 pbx \"Line \x1b[2J in use\"\r\n"
                      "Content-Length: 0\r\n\r\n";

    (void)state;
    sb_init(&b);
    assert_int_equal(diag_response_extras(kb, msg, strlen(msg), &b), 2);
    assert_non_null(strstr(b.s, "Q.850 17 User busy"));
    assert_non_null(strstr(b.s, "Warning 399 "));
    assert_null(strchr(b.s, '\x1b')); /* wire bytes escaped */
    sb_reset(&b);
    diag_response_extras_json(kb, msg, strlen(msg), &b);
    assert_non_null(strstr(b.s, ",\"q850\":{\"cause\":17,"));
    assert_non_null(strstr(b.s, ",\"warning\":{\"code\":399,"));
    sb_fini(&b);
    kb_free(kb);
}

/* One scenario capture (tests/data/scenarios, recorded by record.sh). */
static struct store *load_scenario(const char *name)
{
    const char *dir = test_data_dir();
    char path[4096];
    const char *p = path;
    struct store *s = store_new(NULL);

    snprintf(path, sizeof(path), "%s/scenarios/%s", dir, name);
    assert_int_equal(engine_run_files(&p, 1, s, NULL, NULL, stderr), 0);
    return s;
}

/* The store keeps, per message, the one Q.850 cause when that is all its
 * Reason and Warning headers add (store_msg.q850), so listings need not
 * read those messages again.  On every message of real captures that has
 * a Reason or Warning, the note made from the kept cause must equal the
 * note made from the message's bytes. */
static void kept_q850_cause_gives_the_note_the_message_gives(void **state)
{
    /* Corpus captures with Reason and Warning headers, then scenarios. */
    static const char *caps[] = {"generated/busy_2000_calls.pcap",
                                 "generated/call_fail_488.pcap",
                                 "public/irontec-sngrep/aaa.pcap",
                                 "public/zeek-zeek/wireshark.pcap",
                                 "public/ntop-nDPI/FAX-Call-t38-CA-TDM-SIP-FB-1.pcap",
                                 "public/sipcapture-heplify/sip_ipv4_tcp_fragmented.pcap",
                                 "public/ntop-nDPI/fuzz-2006-06-26-2594.pcap",
                                 "=cancel_ghost_bye.pcap",
                                 "=codec_488.pcap",
                                 "=no_ack.pcap"};
    struct err d;
    struct kb *kb;
    struct strbuf bytes, a, b;
    size_t k, i, kept = 0, read = 0;
    uint32_t j;

    (void)state;
    err_clear(&d);
    kb = kb_new("en", NULL, &d);
    assert_non_null(kb);
    sb_init(&bytes);
    sb_init(&a);
    sb_init(&b);
    for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        struct store *s;

        if (caps[k][0] == '=') {
            s = load_scenario(caps[k] + 1);
        } else {
            const char *dir = test_corpus_dir();
            char path[4096];
            const char *p = path;

            snprintf(path, sizeof(path), "%s/%s", dir, caps[k]);
            s = store_new(NULL);
            engine_run_files(&p, 1, s, NULL, NULL, stderr); /* the fuzzed one has damage */
        }

        for (i = 0; i < store_ncalls(s); i++) {
            const struct store_call *c = store_call_at(s, i);

            for (j = 0; j < c->nmsgs; j++) {
                const struct store_msg *m = &c->msgs[j];

                assert_true(m->flags & STORE_MSG_HDRS_KNOWN);
                if (!(m->flags & STORE_MSG_REASON_WARNING))
                    continue;
                assert_int_equal(store_msg_bytes(s, m, &bytes), 0);
                sb_reset(&a);
                diag_response_extras(kb, bytes.s, bytes.len, &a);
                if (m->q850 == STORE_Q850_UNKNOWN) {
                    read++;
                    continue;
                }
                sb_reset(&b);
                if (m->q850 != STORE_Q850_NONE)
                    diag_q850_note(kb, m->q850, &b);
                assert_string_equal(a.s ? a.s : "", b.s ? b.s : "");
                kept++;
            }
        }
        store_free(s);
    }
    assert_true(kept >= 500); /* the Q.850 causes of BYEs and failures */
    assert_true(read >= 100); /* Warnings, several causes: read again */
    sb_fini(&bytes);
    sb_fini(&a);
    sb_fini(&b);
    kb_free(kb);
}

static void glare_retried_and_accepted_is_info(void **state)
{
    struct store *s = load_scenario("glare_retry.pcap");
    struct diag_list l;

    (void)state;
    diag_list_init(&l);
    /* Both re-INVITEs (caller CSeq 2, callee CSeq 101) cross and get 491;
     * the callee retries with CSeq 102 after 1.2 s, the caller with CSeq 3
     * after 3.0 s, both accepted.  The callee's higher CSeqs used to hide
     * the caller's retry ("no retry follows", a warning). */
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_INFO);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].rule, DIAG_GLARE);
    assert_int_equal(l.v[0].sev, DIAG_SEV_INFO);
    assert_string_equal(l.v[0].facts,
                        "491 to INVITE from 127.0.0.1; retried 3.0 s later and accepted");
    /* the refused INVITE CSeq 2, its 491, the retry CSeq 3 */
    assert_int_equal(l.v[0].nmsgs, 3);
    assert_int_equal(l.v[0].msgs[0], 5);
    assert_int_equal(l.v[0].msgs[1], 7);
    assert_int_equal(l.v[0].msgs[2], 14);
    diag_list_fini(&l);
    store_free(s);
}

static void refresh_by_the_callee_in_its_own_cseq_space(void **state)
{
    struct store *s = load_scenario("session_refresh_ok.pcap");
    struct diag_list l;

    (void)state;
    diag_list_init(&l);
    /* The callee's refresh (re-INVITE CSeq 1, like the caller's initial
     * INVITE) is accepted and the caller hangs up 60 s after the answer,
     * Session-Expires 90: no finding (it used to read as "no refresh"). */
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_NONE);
    assert_int_equal(l.n, 0);
    store_free(s);

    /* The same refresh refused with 500: ST-02 names it and the BYE. */
    s = load_scenario("session_refresh_fail.pcap");
    diag_list_reset(&l);
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_PROBLEM);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].rule, DIAG_SESSION_EXPIRED);
    /* 60.0 s give or take the recording's scheduling */
    assert_memory_equal(l.v[0].facts,
                        "INVITE refresh from 127.0.0.2 answered 500; BYE from 127.0.0.1 60.", 66);
    assert_string_equal(l.v[0].facts + 67, " s after the answer (Session-Expires 90)");
    assert_int_equal(l.v[0].nmsgs, 3);
    assert_int_equal(l.v[0].msgs[0], 5);
    assert_int_equal(l.v[0].msgs[1], 6);
    assert_int_equal(l.v[0].msgs[2], 8);
    diag_list_fini(&l);
    store_free(s);
}

static void refresh_refused_after_the_bye_is_not_the_cause(void **state)
{
    struct store *s = store_new(NULL);
    struct diag_list l;

    (void)state;
    diag_list_init(&l);
    /* Session-Expires 90; no refresh at 45 s; BYE at 60 s, and a late
     * re-INVITE that crossed it gets 481: the 481 did not end the call. */
    add(s, UA, PBX, 0, dialog_req("INVITE", 1, "z9hG4bKi1"));
    add(s, PBX, UA, 100,
        resp(200, "OK", 1, "INVITE", "z9hG4bKi1", "Session-Expires: 90;refresher=uac\n"));
    add(s, UA, PBX, 110, dialog_req("ACK", 1, "z9hG4bKa1"));
    add(s, UA, PBX, 60100, dialog_req("BYE", 2, "z9hG4bKb1"));
    add(s, UA, PBX, 60101, dialog_req("INVITE", 3, "z9hG4bKi3"));
    add(s, PBX, UA, 60110, resp(200, "OK", 2, "BYE", "z9hG4bKb1", ""));
    add(s, PBX, UA, 60111,
        resp(481, "Call/Transaction Does Not Exist", 3, "INVITE", "z9hG4bKi3", ""));
    assert_int_equal(diag_call(s, only_call(s), &l), DIAG_SEV_PROBLEM);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].rule, DIAG_SESSION_EXPIRED);
    assert_string_equal(l.v[0].facts,
                        "BYE 60.0 s after the answer, Session-Expires 90, no refresh");
    assert_int_equal(l.v[0].nmsgs, 1);
    assert_int_equal(l.v[0].msgs[0], 3);
    diag_list_fini(&l);
    store_free(s);
}

static void every_rule_has_texts_in_both_languages(void **state)
{
    int r;

    (void)state;
    for (r = 0; r < DIAG_RULE__COUNT; r++) {
        const struct diag_text *en = diag_rule_text((enum diag_rule)r, "en");
        const struct diag_text *ru = diag_rule_text((enum diag_rule)r, "ru_RU.UTF-8");

        assert_non_null(en->id);
        assert_non_null(ru->id);
        assert_string_equal(en->id, ru->id);
        assert_true(strlen(en->title) > 5 && strlen(en->explain) > 40 && strlen(en->advice) > 20);
        assert_true(strlen(ru->title) > 5 && strlen(ru->explain) > 40 && strlen(ru->advice) > 20);
        assert_string_not_equal(en->explain, ru->explain);
        /* Russian text is Cyrillic (UTF-8 lead byte 0xd0/0xd1) */
        assert_true(strchr(ru->title, '\xd0') || strchr(ru->title, '\xd1'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(private_ranges_are_recognised),
        cmocka_unit_test(challenge_answered_and_accepted_is_normal),
        cmocka_unit_test(challenge_whose_retry_is_refused_is_the_failure),
        cmocka_unit_test(challenge_never_answered_is_the_failure),
        cmocka_unit_test(stale_nonce_then_success_is_normal_and_only_info),
        cmocka_unit_test(interval_too_brief_honoured_or_not),
        cmocka_unit_test(cancelled_invite_487_and_late_bye_481_are_normal),
        cmocka_unit_test(a_request_coming_back_with_fewer_hops_is_a_loop),
        cmocka_unit_test(reason_and_warning_are_explained_from_the_kb),
        cmocka_unit_test(kept_q850_cause_gives_the_note_the_message_gives),
        cmocka_unit_test(glare_retried_and_accepted_is_info),
        cmocka_unit_test(refresh_by_the_callee_in_its_own_cseq_space),
        cmocka_unit_test(refresh_refused_after_the_bye_is_not_the_cause),
        cmocka_unit_test(every_rule_has_texts_in_both_languages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
