/*
 * test_filter_store: the filter over messages kept in the store
 * (filter_match_stored: index fields, call.* fields, the From/To index) and
 * --match inside the store (pending calls: listed once they match, dropped
 * when ended and idle, evicted over the limit, counted), on hand-built SIP
 * messages with exact times, so every rule is hit deliberately.
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
#include "filter.h"
#include "sip.h"
#include "store.h"
#include "util.h"

#define SEC 1000000000LL

/* Adds one message (request when code == 0) to s at time t seconds.
 * from/to users are given; the A side is 10.0.0.1:5060, B 10.0.0.2:5060;
 * dir 0 = A -> B, 1 = B -> A. */
static const struct store_call *add(struct store *s, double t, const char *cid, const char *method,
                                    int code, const char *from, const char *to, int dir)
{
    char buf[1024];
    struct cap_payload p;
    struct sip_msg m;
    struct store_input in;
    const struct store_call *c;
    int n;

    if (code == 0)
        n = snprintf(buf, sizeof(buf), "%s sip:%s@10.0.0.2 SIP/2.0\r\n", method, to);
    else
        n = snprintf(buf, sizeof(buf), "SIP/2.0 %d Whatever\r\n", code);
    n += snprintf(buf + n, sizeof(buf) - (size_t)n,
                  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK%s%s\r\n"
                  "From: <sip:%s@10.0.0.1>;tag=f1\r\n"
                  "To: <sip:%s@10.0.0.2>%s\r\n"
                  "Call-ID: %s\r\n"
                  "CSeq: %d %s\r\n"
                  "User-Agent: unit\r\n"
                  "Content-Length: 0\r\n\r\n",
                  cid, method, from, to, code >= 180 ? ";tag=t1" : "", cid,
                  strcmp(method, "BYE") == 0 ? 2 : 1, method);
    memset(&p, 0, sizeof(p));
    p.ts_ns = (int64_t)(t * SEC);
    p.src.family = p.dst.family = 4;
    memcpy(p.src.ip, dir ? "\x0a\x00\x00\x02" : "\x0a\x00\x00\x01", 4);
    memcpy(p.dst.ip, dir ? "\x0a\x00\x00\x01" : "\x0a\x00\x00\x02", 4);
    p.src.port = p.dst.port = 5060;
    p.transport = CAP_TRANSPORT_UDP;
    p.data = (const uint8_t *)buf;
    p.len = (size_t)n;
    p.file_off = -1;
    p.frame = (uint64_t)(t * 10);
    assert_int_equal(sip_parse(buf, (size_t)n, &m), 0);
    store_input_from(&in, &p, &m);
    c = store_add(s, &in);
    sip_msg_fini(&m);
    return c;
}

struct matcher {
    struct filter *f;
    struct filter_store_matcher *fm;
    struct store *s;
};

static void matcher_new(struct matcher *mt, const char *expr, size_t max_pending)
{
    struct store_opts o;
    struct err d;

    err_clear(&d);
    mt->f = filter_compile(expr, &d);
    assert_non_null(mt->f);
    mt->fm = filter_store_matcher_new(mt->f);
    memset(&o, 0, sizeof(o));
    o.match = filter_store_match;
    o.match_ctx = mt->fm;
    o.max_pending = max_pending;
    mt->s = store_new(&o);
}

static void matcher_free(struct matcher *mt)
{
    store_free(mt->s);
    filter_store_matcher_free(mt->fm);
    filter_free(mt->f);
}

static void counts(const struct store *s, struct store_counts *c)
{
    memset(c, 0xff, sizeof(*c));
    store_counts(s, c);
}

/* A call is listed only once a later message matches, with all its messages. */
static void a_later_message_lists_the_whole_call(void **state)
{
    struct matcher mt;
    struct store_counts c;
    const struct store_call *call;

    (void)state;
    matcher_new(&mt, "sip.Status-Code == 486", 0);
    add(mt.s, 1.0, "a@x", "INVITE", 0, "100", "200", 0);
    add(mt.s, 1.1, "a@x", "INVITE", 100, "100", "200", 1);
    counts(mt.s, &c);
    assert_int_equal(store_ncalls(mt.s), 0);
    assert_null(store_call_find(mt.s, "a@x", 3)); /* pending calls are not visible */
    assert_int_equal(c.pending_calls, 1);
    assert_int_equal(c.pending_messages, 2);
    assert_int_equal(c.messages, 0);
    add(mt.s, 2.0, "a@x", "INVITE", 486, "100", "200", 1);
    counts(mt.s, &c);
    assert_int_equal(store_ncalls(mt.s), 1);
    call = store_call_find(mt.s, "a@x", 3);
    assert_non_null(call);
    assert_int_equal(call->nmsgs, 3);
    assert_int_equal(call->id, 0);
    assert_ptr_equal(store_call_get(mt.s, 0), call);
    assert_int_equal(c.pending_calls, 0);
    assert_int_equal(c.messages, 3);
    /* Matched calls take further messages directly. */
    add(mt.s, 2.1, "a@x", "ACK", 0, "100", "200", 0);
    assert_int_equal(store_call_find(mt.s, "a@x", 3)->nmsgs, 4);
    matcher_free(&mt);
}

/* Ids follow the order calls matched in, dense, so store_call_get works. */
static void ids_follow_match_order(void **state)
{
    struct matcher mt;

    (void)state;
    matcher_new(&mt, "sip.Method == BYE", 0);
    add(mt.s, 1.0, "first@x", "INVITE", 0, "100", "200", 0);
    add(mt.s, 1.5, "second@x", "INVITE", 0, "101", "201", 0);
    add(mt.s, 2.0, "second@x", "BYE", 0, "101", "201", 0);
    add(mt.s, 3.0, "first@x", "BYE", 0, "100", "200", 0);
    assert_int_equal(store_ncalls(mt.s), 2);
    assert_string_equal(store_call_get(mt.s, 0)->call_id, "second@x");
    assert_string_equal(store_call_get(mt.s, 1)->call_id, "first@x");
    assert_string_equal(store_call_at(mt.s, 1)->call_id, "first@x");
    matcher_free(&mt);
}

/* An ended call that never matched is dropped once idle for 32 s of capture
 * time; a later message with its Call-ID starts a new (pending) call. */
static void ended_calls_are_dropped_after_the_linger(void **state)
{
    struct matcher mt;
    struct store_counts c;

    (void)state;
    matcher_new(&mt, "sip.Status-Code >= 500", 0);
    add(mt.s, 1.0, "done@x", "INVITE", 0, "100", "200", 0);
    add(mt.s, 1.5, "done@x", "INVITE", 200, "100", "200", 1);
    add(mt.s, 1.6, "done@x", "ACK", 0, "100", "200", 0);
    add(mt.s, 5.0, "done@x", "BYE", 0, "100", "200", 0);
    add(mt.s, 5.1, "done@x", "BYE", 200, "100", "200", 1);
    add(mt.s, 6.0, "live@x", "INVITE", 0, "101", "201", 0); /* not ended */
    add(mt.s, 30.0, "other@x", "OPTIONS", 0, "1", "2", 0);
    counts(mt.s, &c);
    assert_int_equal(c.pending_calls, 3); /* 24.9 s idle: still held */
    assert_int_equal(c.unmatched_ended, 0);
    add(mt.s, 37.2, "other@x", "OPTIONS", 0, "1", "2", 0); /* 32.1 s after the last BYE 200 */
    counts(mt.s, &c);
    assert_int_equal(c.unmatched_ended, 1);
    assert_int_equal(c.unmatched_messages, 5);
    assert_int_equal(c.pending_calls, 2); /* the live INVITE is not ended: kept */
    assert_int_equal(c.total_calls, 3);
    add(mt.s, 40.0, "done@x", "BYE", 200, "100", "200", 1); /* a late retransmission */
    counts(mt.s, &c);
    assert_int_equal(c.total_calls, 4);
    assert_int_equal(c.pending_calls, 3);
    assert_int_equal(store_ncalls(mt.s), 0);
    matcher_free(&mt);
}

/* More pending calls than the limit: the least recently active go. */
static void pending_calls_are_bounded(void **state)
{
    struct matcher mt;
    struct store_counts c;
    char cid[32];
    int i;

    (void)state;
    matcher_new(&mt, "sip.Status-Code == 603", 3);
    for (i = 0; i < 5; i++) {
        snprintf(cid, sizeof(cid), "c%d@x", i);
        add(mt.s, 1.0 + i, cid, "INVITE", 0, "100", "200", 0);
    }
    add(mt.s, 6.5, "c0@x", "INVITE", 0, "100", "200", 0); /* c0 was evicted: a new call */
    counts(mt.s, &c);
    assert_int_equal(c.pending_calls, 3);
    assert_int_equal(c.unmatched_evicted, 3);
    assert_int_equal(c.total_calls, 6);
    /* c4 is still held: its 603 lists it with both messages. */
    add(mt.s, 7.0, "c4@x", "INVITE", 603, "100", "200", 1);
    assert_int_equal(store_ncalls(mt.s), 1);
    assert_int_equal(store_call_at(mt.s, 0)->nmsgs, 2);
    matcher_free(&mt);
}

/* call.* fields change as messages arrive: the INVITE matches
 * "INVITE and call.state == CANCELLED" only once the 487 came, so the
 * matcher tests the older messages again when the filter reads call.*. */
static void call_fields_recheck_older_messages(void **state)
{
    struct matcher mt;

    (void)state;
    matcher_new(&mt, "sip.Method == INVITE and call.state == \"CANCELLED\"", 0);
    add(mt.s, 1.0, "k@x", "INVITE", 0, "100", "200", 0);
    add(mt.s, 1.2, "k@x", "INVITE", 180, "100", "200", 1);
    assert_int_equal(store_ncalls(mt.s), 0);
    add(mt.s, 3.0, "k@x", "INVITE", 487, "100", "200", 1);
    assert_int_equal(store_ncalls(mt.s), 1);
    assert_string_equal(call_state_name(store_call_at(mt.s, 0)->state), "CANCELLED");
    matcher_free(&mt);
}

static bool stored(const struct store *s, const struct store_call *c, uint32_t i, const char *expr)
{
    struct err d;
    struct filter *f;
    struct strbuf tmp;
    bool ok;

    err_clear(&d);
    f = filter_compile(expr, &d);
    assert_non_null(f);
    sb_init(&tmp);
    ok = filter_match_stored(f, s, c, &c->msgs[i], NULL, 0, &tmp);
    sb_fini(&tmp);
    filter_free(f);
    return ok;
}

/* The subject over stored messages: index fields, From/To swapped for the
 * callee's requests, header fields read back from the bytes, call fields. */
static void stored_messages_answer_every_kind_of_field(void **state)
{
    struct store_opts o;
    struct store *s;
    const struct store_call *c;

    (void)state;
    memset(&o, 0, sizeof(o));
    s = store_new(&o);
    add(s, 1.0, "z@x", "INVITE", 0, "100", "200", 0);
    add(s, 1.5, "z@x", "INVITE", 200, "100", "200", 1);
    add(s, 9.0, "z@x", "BYE", 0, "200", "100", 1); /* the callee hangs up */
    c = add(s, 9.1, "z@x", "BYE", 200, "200", "100", 0);
    assert_int_equal(c->nmsgs, 4);
    assert_true(c->msgs[0].flags & STORE_MSG_FT_CALL);
    assert_true(c->msgs[2].flags & STORE_MSG_FT_SWAP);
    assert_true(stored(s, c, 0, "sip.from.user == 100 and sip.to.user == 200"));
    assert_true(stored(s, c, 2, "sip.from.user == 200 and sip.to.user == 100"));
    assert_false(stored(s, c, 2, "sip.from.user == 100"));
    assert_true(stored(s, c, 3, "sip.Status-Code == 200 and sip.CSeq.method == BYE"));
    assert_true(stored(s, c, 0, "sip.Call-ID == \"z@x\" and sip.Method == INVITE"));
    assert_false(stored(s, c, 1, "sip.Method"));
    assert_true(stored(s, c, 2, "ip.src == 10.0.0.2 and udp.dstport == 5060 and transport == UDP"));
    assert_true(stored(s, c, 0,
                       "sip.User-Agent == unit and sip.msg.to.tag == \"\" or "
                       "not sip.msg.to.tag"));
    assert_true(stored(s, c, 1, "sip.Reason-Phrase == Whatever and sip.to.tag == t1"));
    assert_true(stored(s, c, 0, "call.state == \"COMPLETED\" and call.duration == 7500ms"));
    assert_false(stored(s, c, 0, "call.failed"));
    assert_true(stored(s, c, 0, "ext == 200 and ext == 100"));
    store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_later_message_lists_the_whole_call),
        cmocka_unit_test(ids_follow_match_order),
        cmocka_unit_test(ended_calls_are_dropped_after_the_linger),
        cmocka_unit_test(pending_calls_are_bounded),
        cmocka_unit_test(call_fields_recheck_older_messages),
        cmocka_unit_test(stored_messages_answer_every_kind_of_field),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
