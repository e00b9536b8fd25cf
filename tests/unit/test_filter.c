/*
 * Unit tests for the filter language (include/filter.h).
 *
 * Subjects are real SIP messages taken from the corpus
 * (tests/data/filter/<name>.sip, bytes exactly as on the wire, exported with
 * tshark) parsed by sip_parse(), plus <name>.meta: "number epoch src sport
 * dst dport transport" from the same frame.  Call-level fields are added per
 * test.  (Its speed on indexed fields is bench/micro.c's, not a test's.)
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
#include <time.h>

#include "filter.h"
#include "sip.h"
#include "util.h"

/* ---- fixtures ---- */

struct fx {
    char *buf;
    size_t len;
    struct sip_msg msg;
    struct filter_msg_meta meta;
    struct filter_msg_subject ms;
    struct filter_subject subj;
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = xmalloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void set_addr(struct filter_addr *a, const char *ip, const char *port)
{
    assert_int_equal(filter_addr_parse(ip, strlen(ip), a), 0);
    a->port = (uint16_t)atoi(port);
}

static void fx_load(struct fx *f, const char *name)
{
    const char *dir = test_data_dir();
    char path[512], num[32], ts[64], src[64], sport[16], dst[64], dport[16], tr[16];
    char *meta;
    size_t mlen;

    memset(f, 0, sizeof(*f));
    snprintf(path, sizeof(path), "%s/filter/%s.sip", dir, name);
    f->buf = slurp(path, &f->len);
    if (!f->buf)
        fail_msg("cannot read %s", path);
    assert_int_equal(sip_parse(f->buf, f->len, &f->msg), 0);
    snprintf(path, sizeof(path), "%s/filter/%s.meta", dir, name);
    meta = slurp(path, &mlen);
    if (!meta)
        fail_msg("cannot read %s", path);
    assert_int_equal(
        sscanf(meta, "%31s %63s %63s %15s %63s %15s %15s", num, ts, src, sport, dst, dport, tr), 7);
    free(meta);
    f->meta.number = strtoull(num, NULL, 10);
    {
        char *dot = strchr(ts, '.');
        int64_t sec = strtoll(ts, NULL, 10), ns = 0;

        if (dot) {
            char frac[10] = "000000000";
            size_t k = strlen(dot + 1);

            memcpy(frac, dot + 1, k > 9 ? 9 : k);
            ns = strtoll(frac, NULL, 10);
        }
        f->meta.ts_ns = sec * 1000000000 + ns;
    }
    set_addr(&f->meta.src, src, sport);
    set_addr(&f->meta.dst, dst, dport);
    f->meta.transport = strcmp(tr, "UDP") == 0 ? "UDP" : "TCP";
    filter_subject_msg(&f->subj, &f->ms, &f->msg, &f->meta);
}

static void fx_free(struct fx *f)
{
    sip_msg_fini(&f->msg);
    free(f->buf);
}

/* Compiles expr (failing the test with the diag when it does not) and
 * evaluates it on f. */
static bool ev(struct fx *f, const char *expr)
{
    struct err d;
    struct filter *flt;
    bool r;

    err_clear(&d);
    flt = filter_compile(expr, &d);
    if (!flt)
        fail_msg("'%s' did not compile: col %d: %s", expr, d.col, d.msg);
    assert_string_equal(filter_source(flt), expr);
    r = filter_match(flt, &f->subj);
    filter_free(flt);
    return r;
}

#define YES(f, e) assert_true(ev(f, e))
#define NO(f, e)  assert_false(ev(f, e))

/* Asserts that expr is refused at column col with a message containing want. */
static void bad(const char *expr, int col, const char *want)
{
    struct err d;
    struct filter *flt;

    err_clear(&d);
    flt = filter_compile(expr, &d);
    if (flt) {
        filter_free(flt);
        fail_msg("'%s' compiled but should not", expr);
    }
    if (d.col != col || !strstr(d.msg, want))
        fail_msg("'%s': got col %d '%s', want col %d '%s'", expr, d.col, d.msg, col, want);
}

/* ---- Asterisk res_pjsip_history compatibility (domain.md §4.1) ---- */

static void asterisk_usage_example_compiles_and_evaluates(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "invite_sdp"); /* number 1, 1.1.1.1:5555 -> 2.2.2.2:5060 */
    /* The example from Asterisk's usage text, verbatim. */
    NO(&f, "number > 5 and (addr = \"192.168.0.3:5060\" or addr = \"192.168.0.5:5060\")");
    /* The same shape with this message's real values. */
    YES(&f, "number < 5 and (addr = \"192.168.0.3:5060\" or addr = \"2.2.2.2:5060\")");
    YES(&f, "number = 1");
    YES(&f, "number == 1");
    NO(&f, "number != 1");
    YES(&f, "number <= 1 && number >= 1");
    fx_free(&f);
}

static void asterisk_method_and_call_id_fields_match(void **state)
{
    struct fx inv, ok;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&ok, "ok_200_sdp");
    /* The CLI strips quotes, so unquoted words are values. */
    YES(&inv, "sip.msg.request.method = INVITE");
    YES(&inv, "sip.msg.request.method == \"INVITE\"");
    NO(&ok, "sip.msg.request.method = INVITE");
    /* Asterisk: for a response the getter returns NULL, so any comparison,
     * "!=" included, is false. */
    NO(&ok, "sip.msg.request.method != INVITE");
    NO(&ok, "sip.msg.request.method != BYE");
    YES(&inv, "sip.msg.request.method != BYE");
    YES(&inv, "sip.msg.call-id = 105090259-446faf7a@192.168.1.2");
    YES(&ok, "sip.msg.call-id = \"105090259-446faf7a@192.168.1.2\"");
    NO(&ok, "sip.msg.call-id = 105090259-446faf7a");
    /* Field names are case-insensitive (strcasecmp in Asterisk). */
    YES(&inv, "SIP.MSG.Request.Method = INVITE");
    fx_free(&inv);
    fx_free(&ok);
}

static void asterisk_timestamp_compares_whole_seconds(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "invite_sdp"); /* 1728977333.934216 */
    /* Asterisk compares tv_sec only: the .934 s part is ignored. */
    YES(&f, "timestamp = 1728977333");
    NO(&f, "timestamp > 1728977333");
    YES(&f, "timestamp >= 1728977333");
    YES(&f, "timestamp < 1728977334");
    YES(&f, "timestamp > 1728977332");
    /* A literal with a fraction compares exactly. */
    YES(&f, "timestamp > 1728977333.9");
    NO(&f, "timestamp > 1728977333.95");
    YES(&f, "timestamp == 1728977333.934216");
    fx_free(&f);
}

static void asterisk_addr_matches_with_and_without_port(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "invite_sdp"); /* 1.1.1.1:5555 -> 2.2.2.2:5060 */
    YES(&f, "addr = \"2.2.2.2:5060\"");
    YES(&f, "addr = 2.2.2.2:5060");
    NO(&f, "addr = 2.2.2.2:5061");
    YES(&f, "addr = 2.2.2.2");      /* without a port: any port */
    YES(&f, "addr = 1.1.1.1:5555"); /* source or destination */
    NO(&f, "addr = 1.1.1.1:5060");
    NO(&f, "addr = 3.3.3.3");
    YES(&f, "addr != 3.3.3.3");
    NO(&f, "addr != 1.1.1.1"); /* one of the values equals */
    fx_free(&f);
}

static void asterisk_like_is_a_case_sensitive_unanchored_regex(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "invite_sdp");
    YES(&f, "sip.msg.call-id like \"446faf7a@\"");
    YES(&f, "sip.msg.call-id like ^105090259-[0-9a-f]+@192");
    NO(&f, "sip.msg.call-id like ^446faf7a");
    YES(&f, "sip.msg.request.method like VIT");
    NO(&f, "sip.msg.request.method like invite");
    YES(&f, "sip.msg.request.method ~ invite"); /* Wireshark ~ is caseless */
    fx_free(&f);
}

static void not_and_or_combine_with_parentheses(void **state)
{
    struct fx inv, ok;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&ok, "ok_200_sdp");
    YES(&ok, "not (sip.msg.request.method = INVITE)");
    NO(&inv, "not (sip.msg.request.method = INVITE)");
    NO(&inv, "! (sip.msg.request.method = INVITE)");
    YES(&inv, "!(sip.msg.status = 200)");
    YES(&inv, "not not sip.msg.request.method = INVITE");
    YES(&inv, "sip.msg.request.method = BYE || sip.msg.request.method = INVITE");
    NO(&inv, "sip.msg.request.method = BYE or sip.msg.status = 200");
    YES(&ok, "(sip.msg.status = 200) and (sip.msg.call-id like 446faf7a)");
    YES(&ok, "((((sip.msg.status = 200))))");
    fx_free(&inv);
    fx_free(&ok);
}

static void precedence_is_not_then_and_then_or(void **state)
{
    struct fx inv, ok;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&ok, "ok_200_sdp");
    /* a or b and c with a true, b true, c false: Wireshark precedence gives
     * a or (b and c) = true; Asterisk's left-to-right (a or b) and c would
     * be false.  We follow Wireshark. */
    YES(&inv, "sip.msg.request.method = INVITE or number = 1 and number = 2");
    NO(&inv, "(sip.msg.request.method = INVITE or number = 1) and number = 2");
    /* b and c or a: (b and c) or a. */
    YES(&inv, "number = 1 and number = 2 or sip.msg.request.method = INVITE");
    /* not binds tighter than or: (not A) or A is always true. */
    YES(&ok, "not sip.msg.status = 200 or sip.msg.status = 200");
    NO(&ok, "not (sip.msg.status = 200 or sip.msg.status = 200)");
    /* ... and tighter than and. */
    NO(&ok, "not sip.msg.status = 200 and sip.msg.status = 200");
    fx_free(&inv);
    fx_free(&ok);
}

/* ---- operators ---- */

static void every_operator_works_on_numbers_and_text(void **state)
{
    struct fx r;

    (void)state;
    fx_load(&r, "unauthorized_401");
    YES(&r, "sip.msg.status = 401");
    YES(&r, "sip.msg.status == 401");
    YES(&r, "sip.msg.status != 407");
    NO(&r, "sip.msg.status != 401");
    YES(&r, "sip.msg.status < 402");
    NO(&r, "sip.msg.status < 401");
    YES(&r, "sip.msg.status <= 401");
    YES(&r, "sip.msg.status > 400");
    NO(&r, "sip.msg.status > 401");
    YES(&r, "sip.msg.status >= 401");
    YES(&r, "sip.msg.status eq 401 and sip.msg.status ge 400 and sip.msg.status lt 500");
    YES(&r, "sip.msg.status == 0x191"); /* hex literal = 401 */
    YES(&r, "sip.msg.reason == Unauthorized");
    NO(&r, "sip.msg.reason == unauthorized"); /* == is exact */
    YES(&r, "sip.msg.reason contains \"author\"");
    NO(&r, "sip.msg.reason contains \"AUTHOR\""); /* contains is case-sensitive */
    YES(&r, "sip.msg.reason ~ \"AUTHOR\"");
    YES(&r, "sip.msg.reason matches \"^unauth\"");
    YES(&r, "sip.msg.reason > \"Aaa\" and sip.msg.reason < \"Z\""); /* lexical */
    YES(&r, "sip.msg.status ~ \"^40[17]$\"");                       /* regex on a number's text */
    YES(&r, "sip.msg.status contains 0");
    YES(&r, "sip.msg.status in {401, 407}");
    NO(&r, "sip.msg.status in {403 407}");
    fx_free(&r);
}

static void in_matches_sets_with_ranges(void **state)
{
    struct fx r, inv;

    (void)state;
    fx_load(&r, "unauthorized_401");
    fx_load(&inv, "invite_sdp");
    YES(&r, "sip.msg.status in {100..199, 400..499}");
    YES(&r, "sip.msg.status in {100 .. 199, 400 ..499}");
    YES(&r, "sip.msg.status in {401..401}");
    NO(&r, "sip.msg.status in {100..199 500..699}");
    YES(&r, "sip.Status-Code in {401 407}"); /* Wireshark example */
    YES(&inv, "udp.port in {5000..5100}");   /* 5060 is the destination */
    NO(&inv, "src.port in {5000..5100}");    /* 5555 */
    YES(&inv, "sip.msg.request.method in {REGISTER, \"INVITE\", 'BYE'}");
    NO(&inv, "sip.msg.request.method in {REGISTER, BYE}");
    YES(&inv, "ip.src in {1.1.1.0 .. 1.1.1.9}");
    YES(&inv, "ip.src in {1.1.1.0..1.1.1.1}");
    NO(&inv, "ip.src in {1.1.1.2..1.1.1.9}");
    YES(&inv, "ip.dst in {10.0.0.0/8, 2.2.2.0/24}");
    YES(&inv, "timestamp in {1728977000..1728978000}");
    fx_free(&r);
    fx_free(&inv);
}

static void cidr_matches_ipv4_and_ipv6_networks(void **state)
{
    struct fx v4, v6;

    (void)state;
    fx_load(&v4, "invite_sdp");
    fx_load(&v6, "ringing_183_ipv6"); /* fd17:...:4222:25060 -> fd17:...:3519:5062 */
    YES(&v4, "src = 1.1.1.0/24");
    YES(&v4, "src == 1.0.0.0/8 and dst == 2.0.0.0/8");
    NO(&v4, "src = 1.1.2.0/24");
    YES(&v4, "ip.addr == 2.2.2.2/32");
    YES(&v4, "ip.addr == 0.0.0.0/0");
    YES(&v4, "src = 1.1.1.1/31");
    NO(&v4, "src = ::/0"); /* family differs */
    YES(&v6, "src == fd17:625c:f037:2::/64");
    YES(&v6, "ipv6.dst == fd17:625c:f037:2:a00:27ff:feb9:3519");
    YES(&v6, "dst == fd17:625c:f037:2:a00:27ff:feb9:3500/120");
    NO(&v6, "dst == fd17:625c:f037:2:a00:27ff:feb9:3400/120");
    YES(&v6, "addr = \"[fd17:625c:f037:2:a00:27ff:feb9:3519]:5062\"");
    NO(&v6, "addr = \"[fd17:625c:f037:2:a00:27ff:feb9:3519]:5060\"");
    YES(&v6, "addr = fc00::/7");
    NO(&v6, "addr = 10.0.0.0/8");
    YES(&v6, "dst.port = 5062 and src.port = 25060");
    fx_free(&v4);
    fx_free(&v6);
}

static void time_literals_compare_as_times(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "invite_sdp"); /* 2024-10-15 07:28:53.934216 UTC */
    YES(&f, "timestamp > \"2024-10-15 07:28Z\"");
    YES(&f, "timestamp < \"2024-10-15 07:29:00Z\"");
    YES(&f, "timestamp = \"2024-10-15T07:28:53Z\"");
    YES(&f, "timestamp = \"2024-10-15 07:28:53 UTC\"");
    NO(&f, "timestamp = \"2024-10-15 07:28:54Z\"");
    YES(&f, "timestamp > \"2024-10-15 07:28:53.9Z\"");
    YES(&f, "frame.time > 2024-10-15");
    NO(&f, "timestamp > \"2024-10-16\"");
    /* Without Z the date is local time; main() sets TZ=UTC. */
    YES(&f, "timestamp > \"2024-10-15 07:28\" and timestamp < \"2024-10-15 07:29\"");
    fx_free(&f);
}

static void wireshark_field_names_are_aliases(void **state)
{
    struct fx inv, r, reg;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&r, "unauthorized_401");
    fx_load(&reg, "register");
    YES(&inv, "sip.Call-ID == \"105090259-446faf7a@192.168.1.2\"");
    YES(&inv, "sip.Method == \"INVITE\" && !sip.to.tag"); /* Wireshark example */
    NO(&r, "sip.Method == \"INVITE\" && !sip.to.tag");
    YES(&r, "sip.Status-Code >= 400"); /* Wireshark example */
    NO(&inv, "sip.Status-Code >= 400");
    YES(&r, "sip.Reason-Phrase == \"Unauthorized\"");
    YES(&inv, "sip.from.user == \"816666\"");
    YES(&inv, "sip.from.user matches \"^\\\\+?8166\""); /* Wireshark example shape */
    NO(&inv, "sip.from.user matches \"^\\\\+?49\"");
    YES(&inv, "sip.from.host == voip.brurjula.net");
    YES(&inv, "sip.from.tag == 6433ef9");
    YES(&inv, "sip.to.user == 97239287044");
    YES(&inv, "sip.r-uri.user == 97239287044 and sip.r-uri.host == voip.brujula.net");
    YES(&inv, "sip.r-uri == \"sip:97239287044@voip.brujula.net\"");
    YES(&r, "sip.CSeq.method == REGISTER and sip.CSeq.seq == 68");
    YES(&inv, "sip.User-Agent contains \"SIPPS\"");
    YES(&inv, "ip.src == 1.1.1.1 and ip.dst == 2.2.2.2");
    NO(&inv, "ip.src == 2.2.2.2");
    YES(&inv, "ip.addr == 2.2.2.2");
    YES(&inv, "udp.port == 5555 and udp.srcport == 5555 and udp.dstport == 5060");
    YES(&inv, "sip.Expires > 100 and sip.Expires == 120"); /* numeric header */
    YES(&inv, "sip.Max-Forwards == 70");
    YES(&inv, "sip.Content-Length == 272");
    /* The capture really has backslashes before the quotes (realm=\"...\"). */
    YES(&r, "sip.WWW-Authenticate contains \"realm=\\\\\\\"sip.cybercity.dk\"");
    YES(&reg, "sip.Method == REGISTER and sip.contact.host == 192.168.1.2");
    YES(&inv, "sip.Allow contains \"INVITE, ACK\""); /* whole header value */
    YES(&inv, "sdp.connection_info.address == 192.168.1.2");
    fx_free(&inv);
    fx_free(&r);
    fx_free(&reg);
}

static void extended_fields_read_the_message(void **state)
{
    struct fx inv, big, v6;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&big, "invite_big_frag");
    fx_load(&v6, "ringing_183_ipv6");
    YES(&inv, "sip.msg.from == \"sip:816666@voip.brurjula.net\"");
    YES(&inv, "sip.msg.to.user = 97239287044 and sip.msg.to.host = voip.brujula.net");
    YES(&inv, "sip.msg.ruri.user = 97239287044");
    YES(&inv, "sip.msg.contact.user = 816666 and sip.msg.contact.host = 192.168.1.2");
    YES(&inv, "sip.msg.via contains \"z9hG4bKnp104984053\"");
    YES(&inv, "sip.msg.user-agent ~ \"nero sipps\"");
    /* Content-Length is 272 and the body ends there: the m= line that
     * follows in the datagram is not part of the message (tshark agrees:
     * it shows sdp.connection_info.address but no sdp.media). */
    YES(&inv, "sip.msg.body contains \"c=IN IP4 192.168.1.2\"");
    NO(&inv, "sip.msg.body contains \"m=audio\"");
    YES(&inv, "sip.msg.cseq.method = INVITE and sip.msg.cseq.seq = 1");
    YES(&inv, "transport == UDP");
    YES(&v6, "sip.msg.to.tag = 1632476SIPpTag0171847");
    YES(&v6, "sip.msg.from.user = sipp and sip.msg.to.user = mcr");
    /* ext: any user part of From/To/R-URI/Contact/P-Asserted-Identity. */
    YES(&inv, "ext = 816666");
    YES(&inv, "ext = 97239287044");
    NO(&inv, "ext = 150");
    YES(&big, "ext = 150 and ext = 151");
    YES(&big, "ext = \"+15550000150\""); /* only in P-Asserted-Identity's tel: URI */
    fx_free(&inv);
    fx_free(&big);
    fx_free(&v6);
}

static void any_header_matches_by_its_name(void **state)
{
    struct fx big, v6, mv;

    (void)state;
    fx_load(&big, "invite_big_frag");
    fx_load(&v6, "ringing_183_ipv6");
    fx_load(&mv, "invite_multi_val");
    YES(&big, "sip.msg.header[\"X-Corpus-Note\"] contains \"padded on purpose\"");
    YES(&big, "sip.msg.header[\"x-corpus-note\"] ~ \"1500-BYTE\""); /* name caseless */
    YES(&big, "sip.msg.header['X-Corpus-Note']");
    YES(&big, "sip.msg.header[X-Corpus-Note]");
    NO(&big, "sip.msg.header[\"X-Absent\"]");
    YES(&big, "sip.msg.header[\"P-Asserted-Identity\"] contains \"tel:+15550000150\"");
    YES(&v6, "sip.msg.header[\"P-Early-Media\"] == inactive");
    YES(&v6, "sip.msg.header[\"RSeq\"] == 1");
    YES(&v6, "sip.Require contains precondition");
    /* Compact forms resolve: this message writes "c:" and "l:". */
    YES(&mv, "sip.msg.header[\"Content-Type\"] == \"application/sdp\"");
    YES(&mv, "sip.Content-Length == 272");
    fx_free(&big);
    fx_free(&v6);
    fx_free(&mv);
}

static void multi_valued_fields_match_any_and_ne_is_none_equal(void **state)
{
    struct fx mv, v6, inv;

    (void)state;
    fx_load(&mv, "invite_multi_val"); /* "t:" and "To:" headers */
    fx_load(&v6, "ringing_183_ipv6"); /* two Via values in one header */
    fx_load(&inv, "invite_sdp");
    YES(&mv, "sip.msg.header[\"To\"] contains \"12345\"");
    YES(&mv, "sip.msg.header[\"To\"] contains \"97239287044\"");
    YES(&v6, "sip.msg.via contains \"feb9:1521]:15060\""); /* second value */
    YES(&v6, "sip.msg.via contains \"feb9:3519]:5062\"");  /* first value */
    YES(&v6, "sip.Via ~ \"received=fd17\"");
    /* != means "has a value and none equals" (Wireshark 4 semantics). */
    NO(&v6, "sip.msg.header[\"Require\"] != \"100rel,precondition\"");
    YES(&v6, "sip.msg.header[\"Require\"] != \"100rel\"");
    /* Absent field: != is false, "not ==" is true (domain.md §4.2 pitfall). */
    NO(&inv, "sip.msg.to.tag != abc");
    YES(&inv, "not sip.msg.to.tag == abc");
    fx_free(&mv);
    fx_free(&v6);
    fx_free(&inv);
}

static void a_bare_field_tests_presence(void **state)
{
    struct fx inv, r;

    (void)state;
    fx_load(&inv, "invite_sdp");
    fx_load(&r, "unauthorized_401");
    NO(&inv, "sip.msg.to.tag");
    YES(&r, "sip.msg.to.tag");
    YES(&inv, "not sip.msg.to.tag");
    YES(&inv, "sip.msg.request.method");
    NO(&r, "sip.msg.request.method");
    NO(&inv, "sip.msg.status");
    YES(&r, "sip.msg.status and sip.msg.reason");
    YES(&inv, "sip.msg.body and sdp.conn");
    NO(&inv, "sdp.media"); /* cut off by Content-Length, see extended_fields */
    NO(&r, "sip.msg.body or sdp.media");
    NO(&inv, "call.state or call.failed or hep.agent"); /* no call-level data given */
    YES(&inv, "(sip.msg.to.tag) or (sip.msg.from.tag)");
    fx_free(&inv);
    fx_free(&r);
}

static void sdp_fields_read_the_body(void **state)
{
    struct fx inv, v6, big;

    (void)state;
    fx_load(&inv, "invite_sdp");      /* body cut by Content-Length before m= */
    fx_load(&v6, "ringing_183_ipv6"); /* m=audio 25062 RTP/AVP 100 121 */
    fx_load(&big, "invite_big_frag"); /* m=audio 6000 RTP/AVP 8 0 9 18 3 97..102 */
    YES(&inv, "sdp.conn == 192.168.1.0/24");
    YES(&inv, "sdp.addr == 192.168.1.2");
    NO(&inv, "sdp.media or sdp.port or sdp.codec");
    YES(&v6, "sdp.media == audio");
    NO(&v6, "sdp.media == video");
    YES(&v6, "sdp.port == 25062");
    YES(&v6, "sdp.codec == AMR-WB and sdp.codec == telephone-event");
    NO(&v6, "sdp.codec == PCMU");
    YES(&v6, "sdp.conn == fd17:625c:f037:2::/64");
    YES(&v6, "sdp.media.format contains AMR"); /* Wireshark spelling */
    YES(&big, "sdp.codec == PCMA and sdp.codec == opus and sdp.codec ~ \"^ilbc$\"");
    YES(&big, "sdp.port == 6000 and sdp.conn == 127.0.0.1");
    fx_free(&inv);
    fx_free(&v6);
    fx_free(&big);
}

static void call_level_fields_come_from_the_call(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "unauthorized_401");
    f.meta.has_call = true;
    f.meta.call_state = "FAILED";
    f.meta.call_failed = true;
    f.meta.call_duration_ns = 32500000000; /* 32.5 s */
    f.meta.hep_agent = "2001";
    YES(&f, "call.failed");
    YES(&f, "call.failed == 1");
    YES(&f, "call.failed == true");
    NO(&f, "call.failed == 0");
    NO(&f, "not call.failed");
    YES(&f, "call.state == FAILED and call.state ~ fail");
    YES(&f, "call.duration > 32 and call.duration < 33");
    YES(&f, "call.duration == 32.5"); /* durations compare exactly */
    NO(&f, "call.duration == 32");
    YES(&f, "call.duration >= 32500ms");
    YES(&f, "call.duration < 1m");
    YES(&f, "hep.agent == 2001");
    f.meta.call_failed = false;
    NO(&f, "call.failed");
    YES(&f, "call.failed == 0");
    YES(&f, "not call.failed");
    fx_free(&f);
}

/* ---- errors ---- */

static void bad_expressions_name_the_column(void **state)
{
    (void)state;
    bad("sip.msg.call-id = \"abc", 19, "unterminated string");
    bad("sip.msg.status == ", 19, "expected a value after '=='");
    bad("sip.msg.status ==", 18, "expected a value after '=='");
    bad("number > 5 and sip.msg.foo = 1", 16, "unknown field 'sip.msg.foo'");
    bad("sip.msg.reason ~ \"(abc\"", 23, "bad regular expression");
    bad("src = 10.0.0.0/33", 15, "bad prefix length");
    bad("src = fd00::/129", 13, "bad prefix length");
    bad("addr = 300.1.1.1", 8, "bad address '300.1.1.1'");
    /* Found by fuzz_filter: an empty address before '/' made the message
     * read past an unterminated strbuf (fixed in sb_append_escaped). */
    bad("addr = \"/8\"", 8, "bad address ''");
    bad("(sip.msg.status = 200", 22, "expected ')' to close '(' at col 1");
    bad("sip.msg.status = 200)", 21, "unbalanced ')'");
    bad("sip.msg.status = abc", 18, "expected a number");
    bad("sip.msg.status >= 400 and", 26, "expected a field");
    bad("sip.msg.status in {100..}", 25, "expected the end of the range");
    bad("sip.msg.status in {}", 20, "empty set");
    bad("sip.msg.status in {1, 2", 24, "expected '}' to close '{' at col 19");
    bad("sip.msg.status = 1 & number = 2", 20, "'&' must be written");
    bad("sip.msg.header[X-Foo = 1", 22, "expected ']'");
    bad("sip.msg.header = 1", 16, "expected [\"Header-Name\"]");
    bad("", 1, "empty filter");
    bad("   ", 1, "empty filter");
    bad("call.duration ~ \"x\"", 15, "needs a text field");
    bad("sip.msg.status 200", 16, "expected an operator");
    bad("timestamp > \"yesterday\"", 13, "expected a time");
    /* Found by fuzz_filter (UBSan): year 9308 overflowed epoch nanoseconds. */
    bad("timestamp > \"9308-01-01\"", 13, "expected a time");
    bad("timestamp > \"1012-01-01Z\"", 13, "expected a time");
    bad("call.failed > 0", 13, "does not apply");
    bad("sip.msg.reason in {a..z}", 20, "a range needs");
    bad("number = 1 number = 2", 12, "expected 'and', 'or' or end of filter");
    bad("number = 1 )", 12, "unbalanced ')'");
    bad("not", 4, "expected a field");
    bad("sip.msg.status === 200", 16, "not supported");
}

static void failed_compile_leaves_the_old_filter_usable(void **state)
{
    struct fx f;
    struct err d;
    struct filter *old, *nf;

    (void)state;
    fx_load(&f, "invite_sdp");
    err_clear(&d);
    old = filter_compile("sip.msg.request.method == INVITE", &d);
    assert_non_null(old);
    nf = filter_compile("sip.msg.request.method ==", &d);
    assert_null(nf);
    assert_int_equal(d.col, 26);
    assert_true(filter_match(old, &f.subj));
    assert_string_equal(filter_source(old), "sip.msg.request.method == INVITE");
    filter_free(old);
    filter_free(NULL);
    fx_free(&f);
}

static void hostile_input_is_refused_not_crashed(void **state)
{
    struct err d;
    struct filter *flt;
    char *s;
    size_t i;

    (void)state;
    s = xmalloc(20001);
    /* 10000 '(' : nesting limit. */
    for (i = 0; i < 5000; i++)
        s[i] = '(';
    memcpy(s + 5000, "number", 7);
    err_clear(&d);
    flt = filter_compile(s, &d);
    assert_null(flt);
    assert_non_null(strstr(d.msg, "nested too deeply"));
    /* 10000 characters of "not ": too long. */
    for (i = 0; i + 4 < 20000; i += 4)
        memcpy(s + i, "not ", 4);
    memcpy(s + i, "num", 4);
    err_clear(&d);
    assert_null(filter_compile(s, &d));
    assert_non_null(strstr(d.msg, "too long"));
    /* Control bytes never reach the message raw. */
    err_clear(&d);
    assert_null(filter_compile("\x1b[31mfoo = 1", &d));
    assert_null(strchr(d.msg, '\x1b'));
    /* A long flat chain is fine (n-ary and/or, no deep recursion). */
    {
        struct strbuf b;

        sb_init(&b);
        sb_puts(&b, "number = 0");
        for (i = 0; i < 500; i++)
            sb_printf(&b, " or number = %zu", i + 1);
        err_clear(&d);
        flt = filter_compile(b.s, &d);
        assert_non_null(flt);
        filter_free(flt);
        sb_fini(&b);
    }
    free(s);
}

static void catastrophic_regex_is_bounded(void **state)
{
    struct fx f;
    clock_t t0;

    (void)state;
    fx_load(&f, "invite_big_frag"); /* 3.5 kB message, 2 kB body */
    t0 = clock();
    /* Nested quantifiers over the whole body: the match limit stops it. */
    NO(&f, "sip.msg.body ~ \"^(a|.|\\\\s)*(a|.|\\\\s)*(a|.|\\\\s)*ZZZ$\"");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    fx_free(&f);
}

static void needs_bits_say_what_the_subject_must_provide(void **state)
{
    struct err d;
    struct filter *f;

    (void)state;
    err_clear(&d);
    f = filter_compile("sip.msg.call-id = \"x\" or sip.msg.status >= 400", &d);
    assert_non_null(f);
    assert_int_equal(filter_needs(f), FILTER_NEEDS_INDEX);
    filter_free(f);
    f = filter_compile("addr = 10.0.0.1 and sip.msg.via contains x", &d);
    assert_int_equal(filter_needs(f), FILTER_NEEDS_INDEX | FILTER_NEEDS_HEADERS);
    filter_free(f);
    f = filter_compile("not sdp.codec == PCMA", &d);
    assert_int_equal(filter_needs(f), FILTER_NEEDS_BODY);
    filter_free(f);
    f = filter_compile("call.failed", &d);
    assert_int_equal(filter_needs(f), FILTER_NEEDS_CALL);
    filter_free(f);
}

/* ---- indexed fields: subjects that answer from the store's index ---- */

struct idx_rec {
    char call_id[48];
    size_t call_id_len;
    int status; /* 0 = request */
};

static void idx_values(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                       void *ectx)
{
    const struct idx_rec *r = ctx;
    struct filter_value v;

    (void)key;
    memset(&v, 0, sizeof(v));
    if (field == FILTER_F_CALL_ID) {
        v.type = FILTER_V_STR;
        v.s = r->call_id;
        v.len = r->call_id_len;
        emit(ectx, &v);
    } else if (field == FILTER_F_STATUS && r->status) {
        v.type = FILTER_V_INT;
        v.i = r->status;
        emit(ectx, &v);
    }
}

/* Every subject of 4096, each answering only Call-ID and status (as the
 * store's index does), gets the answer worked out by hand. */
static void indexed_subjects_match_as_worked_out_by_hand(void **state)
{
    static const int codes[] = {0, 100, 180, 200, 0, 401, 0, 200, 486, 0, 503, 183, 0, 200, 0, 487};
    enum {
        NREC = 4096
    };
    struct idx_rec *recs = xcalloc(NREC, sizeof(*recs));
    struct filter_subject s;
    struct filter *f;
    struct err d;
    size_t i, hits = 0, want = 0;

    (void)state;
    for (i = 0; i < NREC; i++) {
        recs[i].call_id_len = (size_t)snprintf(recs[i].call_id, sizeof(recs[i].call_id),
                                               "%zu-1647924829-397430@10.0.%zu.1", i, i % 250);
        recs[i].status = codes[i % 16];
    }
    strcpy(recs[7].call_id, "x");
    recs[7].call_id_len = 1;
    for (i = 0; i < NREC; i++) {
        const struct idx_rec *r = &recs[i];

        want += (r->call_id_len == 1 && r->call_id[0] == 'x') || r->status >= 400;
    }
    err_clear(&d);
    f = filter_compile("sip.msg.call-id = \"x\" or sip.msg.status >= 400", &d);
    assert_non_null(f);
    s.values = idx_values;
    for (i = 0; i < NREC; i++) {
        s.ctx = &recs[i];
        hits += filter_match(f, &s);
    }
    assert_true(want > 0 && want < NREC);
    assert_int_equal(hits, want);
    filter_free(f);
    free(recs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asterisk_usage_example_compiles_and_evaluates),
        cmocka_unit_test(asterisk_method_and_call_id_fields_match),
        cmocka_unit_test(asterisk_timestamp_compares_whole_seconds),
        cmocka_unit_test(asterisk_addr_matches_with_and_without_port),
        cmocka_unit_test(asterisk_like_is_a_case_sensitive_unanchored_regex),
        cmocka_unit_test(not_and_or_combine_with_parentheses),
        cmocka_unit_test(precedence_is_not_then_and_then_or),
        cmocka_unit_test(every_operator_works_on_numbers_and_text),
        cmocka_unit_test(in_matches_sets_with_ranges),
        cmocka_unit_test(cidr_matches_ipv4_and_ipv6_networks),
        cmocka_unit_test(time_literals_compare_as_times),
        cmocka_unit_test(wireshark_field_names_are_aliases),
        cmocka_unit_test(extended_fields_read_the_message),
        cmocka_unit_test(any_header_matches_by_its_name),
        cmocka_unit_test(multi_valued_fields_match_any_and_ne_is_none_equal),
        cmocka_unit_test(a_bare_field_tests_presence),
        cmocka_unit_test(sdp_fields_read_the_body),
        cmocka_unit_test(call_level_fields_come_from_the_call),
        cmocka_unit_test(bad_expressions_name_the_column),
        cmocka_unit_test(failed_compile_leaves_the_old_filter_usable),
        cmocka_unit_test(hostile_input_is_refused_not_crashed),
        cmocka_unit_test(catastrophic_regex_is_bounded),
        cmocka_unit_test(needs_bits_say_what_the_subject_must_provide),
        cmocka_unit_test(indexed_subjects_match_as_worked_out_by_hand),
    };

    setenv("TZ", "UTC", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
