/*
 * test_store: the call store on real captures from the corpus (through the
 * real engine) and on hand-built inputs for what no capture covers.
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
#include "store.h"
#include "util.h"

static char *corpus_path(const char *rel)
{
    const char *dir = test_corpus_dir();
    static char buf[4096];

    snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
    return buf;
}

static struct store *load(const char *rel, uint64_t max_memory)
{
    struct store_opts o = {.max_memory = max_memory};
    struct store *s = store_new(&o);
    const char *path = corpus_path(rel);
    int rc = engine_run_files(&path, 1, s, NULL, NULL, stderr);

    assert_int_equal(rc, 0);
    return s;
}

static void cancelled_call_has_state_final_status_and_setup_time(void **state)
{
    struct store *s = load("generated/call_cancel_487.pcap", 0);
    const struct store_call *c;

    (void)state;
    assert_int_equal(store_ncalls(s), 1);
    c = store_call_at(s, 0);
    assert_string_equal(c->call_id, "1-11929@127.0.0.1");
    assert_int_equal(c->nmsgs, 7);
    assert_int_equal(c->kind, CALL_KIND_INVITE);
    assert_int_equal(c->state, CALL_STATE_CANCELLED);
    assert_int_equal(c->final_status, 487);
    assert_string_equal(c->final_reason, "Request Terminated");
    assert_string_equal(c->from_user, "118");
    assert_string_equal(c->to_user, "119");
    assert_false(c->established);
    /* INVITE at .392854, 487 at 3.005586 s later (frames 1 and 6). */
    assert_int_equal((c->final_ts - c->invite_ts) / 1000, 3005586);
    store_free(s);
}

static void states_follow_the_final_response(void **state)
{
    static const struct {
        const char *file;
        enum call_state st;
        int status;
    } cases[] = {
        {"generated/call_fail_486.pcap", CALL_STATE_BUSY, 486},
        {"generated/call_fail_603.pcap", CALL_STATE_REJECTED, 603},
        {"generated/call_fail_404.pcap", CALL_STATE_FAILED, 404},
        {"generated/call_fail_408_proxy.pcap", CALL_STATE_FAILED, 408},
        {"generated/call_fail_503.pcap", CALL_STATE_FAILED, 503},
        {"generated/call_basic_rtp.pcap", CALL_STATE_COMPLETED, 200},
        /* 401 challenge, then an authenticated INVITE that is answered. */
        {"generated/call_auth_401.pcap", CALL_STATE_COMPLETED, 200},
        /* Nobody answers: no final response at all. */
        {"generated/call_noanswer_timeout.pcap", CALL_STATE_SETUP, 0},
        {"generated/register_auth_fail.pcap", CALL_STATE_ERROR, 403},
        {"generated/register_ok.pcapng", CALL_STATE_OK, 200},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct store *s = load(cases[i].file, 0);
        const struct store_call *c = store_call_at(s, 0);

        assert_non_null(c);
        if (c->state != cases[i].st || c->final_status != cases[i].status)
            fail_msg("%s: state %s status %u, want %s %d", cases[i].file, call_state_name(c->state),
                     c->final_status, call_state_name(cases[i].st), cases[i].status);
        store_free(s);
    }
}

static void invite_retransmissions_are_marked_resent(void **state)
{
    /* Timer A: the INVITE goes out 7 times; the 6 repeats are resends. */
    struct store *s = load("generated/call_noanswer_timeout.pcap", 0);
    const struct store_call *c = store_call_at(s, 0);
    uint32_t i, resent = 0;

    (void)state;
    assert_int_equal(c->nmsgs, 7);
    for (i = 0; i < c->nmsgs; i++)
        if (c->msgs[i].flags & STORE_MSG_RESENT)
            resent++;
    assert_int_equal(resent, 6);
    assert_false(c->msgs[0].flags & STORE_MSG_RESENT);
    assert_int_equal(c->nretrans, 6);
    store_free(s);
}

static void calls_are_grouped_by_call_id(void **state)
{
    /* 2000 calls, 12150 messages (MANIFEST.md). */
    struct store *s = load("generated/busy_2000_calls.pcap", 0);
    struct store_counts n;
    const struct store_call *c;

    (void)state;
    store_counts(s, &n);
    assert_int_equal(n.calls, 2000);
    assert_int_equal(n.messages, 12150);
    assert_int_equal(n.rotated_calls, 0);
    c = store_call_at(s, 1234);
    assert_ptr_equal(store_call_find(s, c->call_id, c->call_id_len), c);
    assert_ptr_equal(store_call_get(s, c->id), c);
    assert_null(store_call_find(s, "no-such-call", 12));
    store_free(s);
}

static void max_memory_rotates_oldest_calls_and_counts_them(void **state)
{
    struct store *s = load("generated/busy_2000_calls.pcap", 256 * 1024);
    struct store_counts n;
    const struct store_call *first;

    (void)state;
    store_counts(s, &n);
    assert_true(n.rotated_calls > 0);
    assert_int_equal(n.calls + n.rotated_calls, 2000);
    assert_int_equal(n.messages + n.rotated_messages, 12150);
    assert_true(n.mem <= 256 * 1024);
    /* The oldest call is gone; ids of the survivors still resolve. */
    assert_null(store_call_get(s, 0));
    first = store_call_at(s, 0);
    assert_non_null(first);
    assert_int_equal(first->id, n.rotated_calls);
    assert_ptr_equal(store_call_get(s, first->id), first);
    store_free(s);
}

static void message_bytes_are_reread_from_the_file(void **state)
{
    struct store *s = load("generated/call_fail_486.pcap", 0);
    const struct store_call *c = store_call_at(s, 0);
    struct strbuf b;

    (void)state;
    sb_init(&b);
    /* File mode keeps an offset, not a copy. */
    assert_false(c->msgs[0].flags & STORE_MSG_OWNED);
    assert_true(c->msgs[0].file_off > 0);
    assert_int_equal(store_msg_bytes(s, &c->msgs[0], &b), 0);
    assert_int_equal(b.len, c->msgs[0].len);
    assert_memory_equal(b.s, "INVITE sip:", 11);
    assert_int_equal(store_msg_bytes(s, &c->msgs[3], &b), 0);
    assert_memory_equal(b.s, "ACK sip:", 8);
    assert_int_equal(store_msg_bytes(s, &c->msgs[2], &b), 0);
    assert_memory_equal(b.s, "SIP/2.0 486 Busy Here", 21);
    sb_fini(&b);
    store_free(s);
}

static void reassembled_tcp_messages_are_copied_once(void **state)
{
    /* A large INVITE over many TCP segments: no single file offset. */
    struct store *s = load("public/OISF-suricata-verify/sip-body-large.pcap", 0);
    const struct store_call *c = store_call_at(s, 0);
    struct strbuf b;

    (void)state;
    sb_init(&b);
    assert_int_equal(c->nmsgs, 2);
    assert_true(c->msgs[0].flags & STORE_MSG_OWNED);
    assert_non_null(c->msgs[0].bytes);
    assert_true(c->msgs[0].len > 10000);
    assert_int_equal(store_msg_bytes(s, &c->msgs[0], &b), 0);
    assert_memory_equal(b.s, "INVITE ", 7);
    sb_fini(&b);
    store_free(s);
}

static void fill(struct store_input *in, const char *call_id, const char *xcid, bool req,
                 uint16_t status, int64_t ts)
{
    memset(in, 0, sizeof(*in));
    in->ts_ns = ts;
    in->src.family = in->dst.family = 4;
    in->src.ip[3] = 1;
    in->dst.ip[3] = 2;
    in->src.port = in->dst.port = 5060;
    in->bytes = "x";
    in->len = 1;
    in->file_off = -1;
    in->is_request = req;
    in->method = req ? SIP_METHOD_INVITE : SIP_METHOD_UNKNOWN;
    in->status = status;
    in->cseq = 1;
    in->has_cseq = true;
    in->cseq_method = SIP_METHOD_INVITE;
    in->call_id.p = call_id;
    in->call_id.len = strlen(call_id);
    if (xcid) {
        in->xcall_id.p = xcid;
        in->xcall_id.len = strlen(xcid);
    }
}

static void b_legs_are_linked_through_x_call_id(void **state)
{
    struct store *s = store_new(NULL);
    struct store_input in;
    const struct store_call *a, *b, *legs[4];

    (void)state;
    fill(&in, "aleg@pbx", NULL, true, 0, 1000);
    a = store_add(s, &in);
    fill(&in, "bleg@pbx", "aleg@pbx", true, 0, 2000);
    b = store_add(s, &in);
    a = store_call_find(s, "aleg@pbx", 8);
    assert_int_equal(store_call_blegs(s, a, legs, 4), 1);
    assert_ptr_equal(legs[0], b);
    assert_ptr_equal(store_call_aleg(s, b), a);
    assert_null(store_call_aleg(s, a));
    store_free(s);
}

static void a_200_after_cancel_still_answers_the_call(void **state)
{
    /* The CANCEL/200 race (domain.md §3.13): the 2xx wins. */
    struct store *s = store_new(NULL);
    struct store_input in;
    const struct store_call *c;

    (void)state;
    fill(&in, "race@x", NULL, true, 0, 1000);
    store_add(s, &in);
    fill(&in, "race@x", NULL, true, 0, 2000);
    in.method = SIP_METHOD_CANCEL;
    in.cseq_method = SIP_METHOD_CANCEL;
    c = store_add(s, &in);
    assert_int_equal(c->state, CALL_STATE_CANCELLED);
    fill(&in, "race@x", NULL, false, 200, 3000);
    in.src.ip[3] = 2;
    in.dst.ip[3] = 1;
    c = store_add(s, &in);
    assert_int_equal(c->state, CALL_STATE_IN_CALL);
    assert_true(c->established);
    store_free(s);
}

#define SEC 1000000000LL

/* Issue 15 point 3: an INVITE with no final response is UNANSWERED once
 * the capture clock (any later message) passes Timer B after it, or Timer
 * C after its last provisional; not a moment before; a late final answer
 * still decides. */
static void unanswered_after_timer_b_or_c(void **state)
{
    struct store *s = store_new(NULL);
    struct store_input in;
    const struct store_call *a, *b;

    (void)state;
    fill(&in, "silent@x", NULL, true, 0, 1000); /* 0 reads as "no INVITE seen" */
    store_add(s, &in);
    fill(&in, "rings@x", NULL, true, 0, 1 * SEC);
    store_add(s, &in);
    fill(&in, "rings@x", NULL, false, 100, 1 * SEC + 1000);
    store_add(s, &in);
    fill(&in, "rings@x", NULL, false, 180, 2 * SEC);
    in.to_tag.p = "t1";
    in.to_tag.len = 2;
    store_add(s, &in);
    /* another call's message at 31.9 s: still waiting */
    fill(&in, "other@x", NULL, true, 0, 31 * SEC + 900000000LL);
    store_add(s, &in);
    a = store_call_find(s, "silent@x", 8);
    assert_int_equal(a->state, CALL_STATE_SETUP);
    /* at 32.1 s Timer B has passed for the silent one; the ringing one
     * waits for Timer C */
    fill(&in, "other@x", NULL, true, 0, 32 * SEC + 100000000LL);
    store_add(s, &in);
    a = store_call_find(s, "silent@x", 8);
    b = store_call_find(s, "rings@x", 7);
    assert_int_equal(a->state, CALL_STATE_UNANSWERED);
    assert_string_equal(call_state_name(a->state), "UNANSWERED");
    assert_int_equal(b->state, CALL_STATE_RINGING);
    /* the ringing one rings again at 100 s: Timer C restarts */
    fill(&in, "rings@x", NULL, false, 180, 100 * SEC);
    store_add(s, &in);
    fill(&in, "other@x", NULL, true, 0, 181 * SEC);
    store_add(s, &in);
    b = store_call_find(s, "rings@x", 7);
    assert_int_equal(b->state, CALL_STATE_RINGING);
    fill(&in, "other@x", NULL, true, 0, 281 * SEC);
    store_add(s, &in);
    b = store_call_find(s, "rings@x", 7);
    assert_int_equal(b->state, CALL_STATE_UNANSWERED);
    /* a late 408 to the silent one: the response decides */
    fill(&in, "silent@x", NULL, false, 408, 282 * SEC);
    a = store_add(s, &in);
    assert_int_equal(a->state, CALL_STATE_FAILED);
    store_free(s);
}

/* The same on real sipp traffic (tests/data/console/make_unanswered.sh):
 * an INVITE to a silent port, one that rings forever, and two answered
 * calls later; cut at 60 s the ringing call is still RINGING. */
static void unanswered_on_sipp_captures(void **state)
{
    static const struct {
        const char *file;
        enum call_state st[4];
        size_t n;
    } cases[] = {
        {"unanswered.pcap",
         {CALL_STATE_UNANSWERED, CALL_STATE_UNANSWERED, CALL_STATE_COMPLETED, CALL_STATE_COMPLETED},
         4},
        {"unanswered_60s.pcap",
         {CALL_STATE_UNANSWERED, CALL_STATE_RINGING, CALL_STATE_COMPLETED},
         3},
    };
    const char *dir = getenv("SIPDX_TESTDATA");
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[4096];
        const char *p = path;
        struct store *s = store_new(NULL);

        snprintf(path, sizeof(path), "%s/console/%s", dir ? dir : "tests/data", cases[i].file);
        assert_int_equal(engine_run_files(&p, 1, s, NULL, NULL, stderr), 0);
        assert_int_equal(store_ncalls(s), cases[i].n);
        for (k = 0; k < cases[i].n; k++)
            assert_int_equal(store_call_at(s, k)->state, cases[i].st[k]);
        store_free(s);
    }
    /* The corpus capture of an unanswered INVITE ends before Timer B:
     * nothing says the client gave up yet (see the table above). */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancelled_call_has_state_final_status_and_setup_time),
        cmocka_unit_test(states_follow_the_final_response),
        cmocka_unit_test(invite_retransmissions_are_marked_resent),
        cmocka_unit_test(calls_are_grouped_by_call_id),
        cmocka_unit_test(max_memory_rotates_oldest_calls_and_counts_them),
        cmocka_unit_test(message_bytes_are_reread_from_the_file),
        cmocka_unit_test(reassembled_tcp_messages_are_copied_once),
        cmocka_unit_test(b_legs_are_linked_through_x_call_id),
        cmocka_unit_test(a_200_after_cancel_still_answers_the_call),
        cmocka_unit_test(unanswered_after_timer_b_or_c),
        cmocka_unit_test(unanswered_on_sipp_captures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
