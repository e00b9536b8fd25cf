/*
 * test_sip_hdr: header-name lookup, value iteration (comma lists, repeated
 * headers) and the structured header parsers (URI, name-addr, Via, Reason,
 * Warning, Digest) on fixture messages from tests/data/sip/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "util.h"

#include "sip_testutil.h"

struct fx {
    char *buf;
    size_t len;
    struct sip_msg m;
};

static void fx_open(struct fx *x, const char *name)
{
    x->buf = load(name, &x->len);
    assert_int_equal(sip_parse(x->buf, x->len, &x->m), 0);
}

static void fx_close(struct fx *x)
{
    sip_msg_fini(&x->m);
    free(x->buf);
}

/* ---- names ---- */

static void looks_up_every_header_name_in_any_case(void **state)
{
    int id;
    static const struct {
        const char *name;
        enum sip_hdr_id id;
    } compact[] = {
        {"i", SIP_HDR_CALL_ID},
        {"F", SIP_HDR_FROM},
        {"t", SIP_HDR_TO},
        {"v", SIP_HDR_VIA},
        {"m", SIP_HDR_CONTACT},
        {"l", SIP_HDR_CONTENT_LENGTH},
        {"c", SIP_HDR_CONTENT_TYPE},
        {"e", SIP_HDR_CONTENT_ENCODING},
        {"k", SIP_HDR_SUPPORTED},
        {"x", SIP_HDR_SESSION_EXPIRES},
        {"o", SIP_HDR_EVENT},
        {"r", SIP_HDR_REFER_TO},
        {"b", SIP_HDR_REFERRED_BY},
        {"s", SIP_HDR_SUBJECT},
        {"X-CID", SIP_HDR_X_CALL_ID},
    };
    size_t i;

    (void)state;
    for (id = 1; id < SIP_HDR__COUNT; id++) {
        const char *n = sip_hdr_canonical((enum sip_hdr_id)id);
        char up[64];
        size_t k, len;

        assert_non_null(n);
        len = strlen(n);
        assert_int_equal(sip_hdr_lookup(n, len), id);
        for (k = 0; k < len; k++)
            up[k] = (char)((n[k] >= 'a' && n[k] <= 'z') ? n[k] - 32 : n[k]);
        assert_int_equal(sip_hdr_lookup(up, len), id);
        /* one byte shorter must not match ("T" is To's compact form) */
        if (len > 2)
            assert_int_not_equal(sip_hdr_lookup(n, len - 1), id);
    }
    for (i = 0; i < sizeof(compact) / sizeof(compact[0]); i++)
        assert_int_equal(sip_hdr_lookup(compact[i].name, strlen(compact[i].name)), compact[i].id);
    assert_int_equal(sip_hdr_lookup("X-Foo", 5), SIP_HDR_OTHER);
    assert_int_equal(sip_hdr_lookup("Call\rID", 7), SIP_HDR_OTHER);
    assert_int_equal(sip_hdr_lookup("z", 1), SIP_HDR_OTHER);
    assert_int_equal(sip_hdr_lookup("", 0), SIP_HDR_OTHER);
    assert_null(sip_hdr_canonical(SIP_HDR_OTHER));
}

/* ---- value iteration ---- */

static void splits_comma_joined_via_and_contact(void **state)
{
    struct fx x;
    struct sip_str v;
    size_t st = 0;
    struct sip_via via;
    struct sip_nameaddr na;

    (void)state;
    fx_open(&x, "lists_ipv6.sip");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_VIA, &st, &v));
    assert_int_equal(sip_parse_via(&x.m, v, &via), 0);
    str_eq(&x.m, via.host, "2001:db8::1");
    assert_int_equal(via.port, 5060);
    assert_true(sip_hdr_values(&x.m, SIP_HDR_VIA, &st, &v));
    assert_int_equal(sip_parse_via(&x.m, v, &via), 0);
    str_eq(&x.m, via.transport, "TCP");
    str_eq(&x.m, via.host, "proxy.example.com");
    str_eq(&x.m, via.received, "203.0.113.9");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_VIA, &st, &v));
    str_eq(&x.m, v, "SIP/2.0/TLS edge.example.com;branch=z9hG4bKc");
    assert_false(sip_hdr_values(&x.m, SIP_HDR_VIA, &st, &v));
    assert_false(sip_hdr_values(&x.m, SIP_HDR_VIA, &st, &v));

    /* Quoted commas in display names do not split. */
    st = 0;
    assert_true(sip_hdr_values(&x.m, SIP_HDR_CONTACT, &st, &v));
    assert_int_equal(sip_parse_nameaddr(&x.m, v, &na), 0);
    str_eq(&x.m, na.display, "Desk, 2nd floor");
    str_eq(&x.m, na.uri.host, "2001:db8::1");
    assert_int_equal(na.uri.port, 5060);
    str_eq(&x.m, na.uri.params, "transport=udp");
    str_eq(&x.m, na.params, "expires=60");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_CONTACT, &st, &v));
    str_eq(&x.m, v, "<sip:john@192.0.2.4>;q=0.5");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_CONTACT, &st, &v));
    str_eq(&x.m, v, "sip:john@198.51.100.1;expires=30");
    assert_false(sip_hdr_values(&x.m, SIP_HDR_CONTACT, &st, &v));

    /* From is not a list: the comma in "Smith, John" stays. */
    st = 0;
    assert_true(sip_hdr_values(&x.m, SIP_HDR_FROM, &st, &v));
    assert_int_equal(sip_parse_nameaddr(&x.m, v, &na), 0);
    str_eq(&x.m, na.display, "Smith, John");
    str_eq(&x.m, na.tag, "x1");
    fx_close(&x);
}

static void walks_repeated_headers_by_name(void **state)
{
    struct fx x;
    struct sip_str v;
    size_t st = 0, n = 0;
    static const char *const want[] = {"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>",
                                       "<sip:p3.example.com;lr>"};

    (void)state;
    fx_open(&x, "lists_ipv6.sip");
    while (sip_hdr_values_named(&x.m, "record-ROUTE", &st, &v)) {
        assert_true(n < 3);
        str_eq(&x.m, v, want[n]);
        n++;
    }
    assert_int_equal(n, 3);
    fx_close(&x);

    fx_open(&x, "control_bytes.sip");
    st = 0;
    assert_true(sip_hdr_values_named(&x.m, "x-nul", &st, &v));
    assert_int_equal(v.len, 3);
    assert_int_equal(x.m.buf[v.off + 1], '\0');
    assert_false(sip_hdr_values_named(&x.m, "x-nul", &st, &v));
    st = 0;
    assert_false(sip_hdr_values_named(&x.m, "X-Absent", &st, &v));
    fx_close(&x);

    /* Compact name asked by its compact form. */
    fx_open(&x, "compact_invite.sip");
    st = 0;
    assert_true(sip_hdr_values_named(&x.m, "v", &st, &v));
    assert_true(sip_hdr_values_named(&x.m, "Allow", &(size_t){0}, &v));
    str_eq(&x.m, v, "INVITE");
    fx_close(&x);
}

/* ---- URIs and name-addr ---- */

static void parses_uris_with_ipv6_ports_and_params(void **state)
{
    struct fx x;
    struct sip_uri u;

    (void)state;
    fx_open(&x, "lists_ipv6.sip");
    assert_int_equal(sip_parse_uri(&x.m, x.m.ruri, &u), 0);
    str_eq(&x.m, u.scheme, "sip");
    str_eq(&x.m, u.user, "bob");
    str_eq(&x.m, u.host, "2001:db8::2");
    assert_int_equal(u.port, 5070);
    str_eq(&x.m, u.params, "transport=udp");
    fx_close(&x);

    fx_open(&x, "junk_truncated.sip");
    assert_int_equal(sip_parse_uri(&x.m, x.m.ruri, &u), 0);
    assert_false(SIP_STR_PRESENT(u.user));
    str_eq(&x.m, u.host, "example.com");
    assert_int_equal(u.port, 0);
    /* Not a URI at all: output untouched. */
    u.port = 4242;
    assert_int_equal(sip_parse_uri(&x.m, x.m.version, &u), -1);
    assert_int_equal(u.port, 4242);
    fx_close(&x);
}

static void parses_display_names_with_escapes_and_control_bytes(void **state)
{
    struct fx x;
    struct sip_nameaddr na;

    (void)state;
    fx_open(&x, "control_bytes.sip");
    assert_int_equal(sip_parse_nameaddr(&x.m, x.m.first[SIP_HDR_FROM], &na), 0);
    /* ESC [ 2 J and the escaped quotes are kept as they are in the slice. */
    str_eq(&x.m, na.display, "Evil\x1b[2J\\\"Name\\\"");
    str_eq(&x.m, na.uri.user, "evil");
    str_eq(&x.m, na.tag, "e1");
    fx_close(&x);

    /* suricata multi_val: f: \"arik\" <sip:816666@...> (backslashes on the wire) */
    fx_open(&x, "multi_val_invite.sip");
    assert_int_equal(sip_parse_nameaddr(&x.m, x.m.first[SIP_HDR_FROM], &na), 0);
    str_eq(&x.m, na.display, "\\\"arik\\\"");
    str_eq(&x.m, na.uri.user, "816666");
    str_eq(&x.m, na.uri.host, "voip.brurjula.net");
    str_eq(&x.m, na.tag, "6433ef9");
    fx_close(&x);
}

static void takes_addr_spec_params_as_header_params(void **state)
{
    struct fx x;
    struct sip_nameaddr na;
    struct sip_str v;

    (void)state;
    fx_open(&x, "lists_ipv6.sip");
    assert_int_equal(x.m.nhdrs, 12);
    /* last Contact: sip:john@198.51.100.1;expires=30 (no brackets) */
    assert_int_equal(sip_parse_nameaddr(&x.m, x.m.hdrs[x.m.nhdrs - 5].value, &na), 0);
    str_eq(&x.m, na.uri_str, "sip:john@198.51.100.1");
    assert_false(SIP_STR_PRESENT(na.uri.params));
    str_eq(&x.m, na.params, "expires=30");
    assert_true(sip_param(&x.m, na.params, "EXPIRES", &v));
    str_eq(&x.m, v, "30");
    assert_false(sip_param(&x.m, na.params, "expire", &v));
    fx_close(&x);
}

/* ---- Via ---- */

static void parses_via_branch_rport_and_received(void **state)
{
    struct fx x;
    struct sip_via v;

    (void)state;
    fx_open(&x, "reg_401_digest.sip");
    assert_int_equal(sip_parse_via(&x.m, x.m.first[SIP_HDR_VIA], &v), 0);
    str_eq(&x.m, v.transport, "UDP");
    str_eq(&x.m, v.host, "192.168.1.2");
    assert_int_equal(v.port, 0);
    str_eq(&x.m, v.received, "80.230.219.70");
    assert_true(v.has_rport);
    str_eq(&x.m, v.rport, "5060");
    str_eq(&x.m, v.branch, "z9hG4bKnp151248737-46ea715e192.168.1.2");
    fx_close(&x);

    fx_open(&x, "compact_invite.sip");
    assert_int_equal(sip_parse_via(&x.m, x.m.first[SIP_HDR_VIA], &v), 0);
    assert_int_equal(v.port, 5060);
    assert_true(v.has_rport);
    assert_int_equal(v.rport.len, 0); /* flag only */
    assert_false(SIP_STR_PRESENT(v.received));
    fx_close(&x);

    /* folded Via: ;received on the continuation line */
    fx_open(&x, "compact_folded.sip");
    assert_int_equal(sip_parse_via(&x.m, x.m.first[SIP_HDR_VIA], &v), 0);
    str_eq(&x.m, v.branch, "z9hG4bK776asdhds");
    str_eq(&x.m, v.received, "192.0.2.1");
    assert_false(v.has_rport);
    fx_close(&x);
}

/* ---- Reason / Warning ---- */

static void parses_reason_with_q850_cause_and_text(void **state)
{
    struct fx x;
    struct sip_reason r;
    struct sip_str v;
    size_t st = 0;

    (void)state;
    fx_open(&x, "inv_403_q850.sip"); /* generated call_fail_403.pcap */
    assert_int_equal(sip_parse_reason(&x.m, x.m.first[SIP_HDR_REASON], &r), 0);
    str_eq(&x.m, r.protocol, "Q.850");
    assert_int_equal(r.cause, 21);
    str_eq(&x.m, r.text, "Call rejected");
    fx_close(&x);

    fx_open(&x, "bye_reason.sip");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_REASON, &st, &v));
    assert_int_equal(sip_parse_reason(&x.m, v, &r), 0);
    assert_int_equal(r.cause, 16);
    str_eq(&x.m, r.text, "Normal call clearing");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_REASON, &st, &v));
    assert_int_equal(sip_parse_reason(&x.m, v, &r), 0);
    str_eq(&x.m, r.protocol, "SIP");
    assert_int_equal(r.cause, 200);
    str_eq(&x.m, r.text, "Call completed elsewhere");
    assert_false(sip_hdr_values(&x.m, SIP_HDR_REASON, &st, &v));
    fx_close(&x);
}

/* sip_reason_q850_only on a response whose headers end with `extra`. */
static int q850_only_of(const char *extra)
{
    char buf[2048];
    struct sip_msg m;
    int r, n;

    n = snprintf(buf, sizeof(buf),
                 "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
                 "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\n"
                 "CSeq: 1 INVITE\r\n%sContent-Length: 0\r\n\r\n",
                 extra);
    assert_int_equal(sip_parse(buf, (size_t)n, &m), 0);
    r = sip_reason_q850_only(&m);
    sip_msg_fini(&m);
    return r;
}

/* What a listing's note needs from Reason/Warning, decided at ingest: the
 * cases the note can print without reading the message again, and every
 * case where it must. */
static void reason_q850_only_says_when_the_note_needs_the_message(void **state)
{
    (void)state;
    assert_int_equal(q850_only_of(""), SIP_REASON_NONE);
    assert_int_equal(q850_only_of("Reason: Q.850;cause=17;text=\"User busy\"\r\n"), 17);
    assert_int_equal(q850_only_of("Reason: q.850 ; cause=34\r\n"), 34);
    assert_int_equal(q850_only_of("Reason: SIP;cause=200;text=\"elsewhere\"\r\n"), SIP_REASON_NONE);
    assert_int_equal(q850_only_of("Reason: SIP;cause=200, Q.850;cause=16\r\n"), 16);
    assert_int_equal(q850_only_of("Reason: Q.850;cause=16\r\nReason: Q.850;cause=31\r\n"),
                     SIP_REASON_MORE);
    assert_int_equal(q850_only_of("Reason: Q.850\r\n"), SIP_REASON_NONE); /* no cause */
    assert_int_equal(q850_only_of("Reason: Q.8500;cause=1\r\n"), SIP_REASON_NONE);
    assert_int_equal(q850_only_of("Reason: Q.850;cause=17\r\nWarning: 399 h \"x\"\r\n"),
                     SIP_REASON_MORE);
    assert_int_equal(q850_only_of("Warning: 305 h \"Incompatible media\"\r\n"), SIP_REASON_MORE);
    assert_int_equal(q850_only_of("Warning: garbage\r\n"), SIP_REASON_NONE);
    /* past the 8 values an explanation reads: the message decides */
    assert_int_equal(q850_only_of("Reason: SIP;cause=1, SIP;cause=2, SIP;cause=3, SIP;cause=4, "
                                  "SIP;cause=5, SIP;cause=6, SIP;cause=7, SIP;cause=8, "
                                  "Q.850;cause=9\r\n"),
                     SIP_REASON_MORE);
}

static void parses_warning_399(void **state)
{
    struct fx x;
    struct sip_warning w;
    struct sip_str v;
    size_t st = 0;

    (void)state;
    fx_open(&x, "inv_500_warning.sip"); /* generated call_fail_500.pcap */
    assert_int_equal(sip_parse_warning(&x.m, x.m.first[SIP_HDR_WARNING], &w), 0);
    assert_int_equal(w.code, 399);
    str_eq(&x.m, w.agent, "127.0.0.2");
    str_eq(&x.m, w.text, "Database connection lost");
    fx_close(&x);

    fx_open(&x, "bye_reason.sip");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_WARNING, &st, &v));
    assert_int_equal(sip_parse_warning(&x.m, v, &w), 0);
    str_eq(&x.m, w.agent, "gw1.example.com:5060");
    str_eq(&x.m, w.text, "Media \\\"timeout\\\" after 30 s");
    assert_true(sip_hdr_values(&x.m, SIP_HDR_WARNING, &st, &v));
    assert_int_equal(sip_parse_warning(&x.m, v, &w), 0);
    assert_int_equal(w.code, 301);
    str_eq(&x.m, w.text, "Incompatible network address type 'E.164'");
    /* not a warning: transactional failure */
    w.code = 7;
    assert_int_equal(sip_parse_warning(&x.m, x.m.first[SIP_HDR_CALL_ID], &w), -1);
    assert_int_equal(w.code, 7);
    fx_close(&x);
}

/* ---- Digest ---- */

static void parses_digest_challenge_with_stale(void **state)
{
    struct fx x;
    struct sip_auth a;

    (void)state;
    fx_open(&x, "digest_stale.sip");
    assert_int_equal(sip_parse_auth(&x.m, x.m.first[SIP_HDR_PROXY_AUTHENTICATE], &a), 0);
    str_eq(&x.m, a.scheme, "Digest");
    str_eq(&x.m, a.realm, "example.com");
    str_eq(&x.m, a.nonce, "5f1c2a, odd");
    str_eq(&x.m, a.opaque, "ab");
    str_eq(&x.m, a.algorithm, "MD5");
    str_eq(&x.m, a.qop, "auth,auth-int");
    assert_true(a.stale); /* stale=TRUE on a folded line */
    fx_close(&x);

    /* suricata sip-pattern-matching: values wrapped in \"...\" on the wire */
    fx_open(&x, "reg_401_digest.sip");
    assert_int_equal(sip_parse_auth(&x.m, x.m.first[SIP_HDR_WWW_AUTHENTICATE], &a), 0);
    str_eq(&x.m, a.realm, "\\\"sip.cybercity.dk\\\"");
    str_eq(&x.m, a.algorithm, "MD5");
    assert_false(a.stale);
    fx_close(&x);
}

static void parses_digest_credentials(void **state)
{
    struct fx x;
    struct sip_auth a;

    (void)state;
    fx_open(&x, "authorization.sip");
    assert_int_equal(sip_parse_auth(&x.m, x.m.first[SIP_HDR_AUTHORIZATION], &a), 0);
    str_eq(&x.m, a.username, "alice");
    str_eq(&x.m, a.uri, "sip:example.com");
    str_eq(&x.m, a.response, "0123456789abcdef0123456789abcdef");
    str_eq(&x.m, a.nonce, "abc");
    fx_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(looks_up_every_header_name_in_any_case),
        cmocka_unit_test(splits_comma_joined_via_and_contact),
        cmocka_unit_test(walks_repeated_headers_by_name),
        cmocka_unit_test(parses_uris_with_ipv6_ports_and_params),
        cmocka_unit_test(parses_display_names_with_escapes_and_control_bytes),
        cmocka_unit_test(takes_addr_spec_params_as_header_params),
        cmocka_unit_test(parses_via_branch_rport_and_received),
        cmocka_unit_test(parses_reason_with_q850_cause_and_text),
        cmocka_unit_test(reason_q850_only_says_when_the_note_needs_the_message),
        cmocka_unit_test(parses_warning_399),
        cmocka_unit_test(parses_digest_challenge_with_stale),
        cmocka_unit_test(parses_digest_credentials),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
