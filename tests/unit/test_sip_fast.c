/*
 * test_sip_fast: the capture thread's fast paths, sip_nameaddr_user_tag()
 * and sip_top_via_branch(), must give exactly what the full parsers give
 * (sip_parse_nameaddr's uri.user and tag; sip_hdr_values + sip_parse_via's
 * branch): the same result code and the same slices, offsets included,
 * because the store keeps pointers into the message.
 *
 * Checked three ways: on every SIP message of every capture in the corpus
 * (read and decoded with the capture API, walked like the loader does),
 * with every From/To/Contact-like and Via value of those messages fed to
 * both; on hand-written odd values with their expected fields; and on
 * systematic mutations of typical values (each byte replaced, deleted or
 * preceded by quotes, escapes, brackets, separators, LWS, folds...).  The
 * messages are built in buffers of their exact size, so the ASan build
 * catches a fast path reading past the message.
 *
 * Also: sip_hdr_lookup (word-at-a-time compares) against a byte-by-byte
 * reference over every name with every byte replaced by every value, and
 * the header-line scan (which stops at bytes from 0x7f up and sorts them
 * out afterwards) on lines with UTF-8, tabs and DEL at every offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_paths.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "sip.h"
#include "util.h"

static const struct sip_str SENTINEL = {0xdeadbeefu, 0xfeedu};

static bool str_same(struct sip_str a, struct sip_str b)
{
    return a.off == b.off && a.len == b.len;
}

struct counts {
    unsigned long values, ok, msgs, vias, via_ok, files;
};

/* Both name-addr paths on slice s of m; fails the test on any difference. */
static void check_nameaddr(const struct sip_msg *m, struct sip_str s, struct counts *c)
{
    struct sip_nameaddr na;
    struct sip_str user = SENTINEL, tag = SENTINEL;
    int full = sip_parse_nameaddr(m, s, &na);
    int fast = sip_nameaddr_user_tag(m, s, &user, &tag);

    c->values++;
    if (full != fast)
        fail_msg("nameaddr '%.*s': full %d, fast %d", (int)s.len, m->buf + s.off, full, fast);
    if (full < 0) {
        if (!str_same(user, SENTINEL) || !str_same(tag, SENTINEL))
            fail_msg("nameaddr '%.*s': outputs written on failure", (int)s.len, m->buf + s.off);
        return;
    }
    c->ok++;
    if (!str_same(user, na.uri.user) || !str_same(tag, na.tag))
        fail_msg("nameaddr '%.*s': user %u+%u vs %u+%u, tag %u+%u vs %u+%u", (int)s.len,
                 m->buf + s.off, user.off, user.len, na.uri.user.off, na.uri.user.len, tag.off,
                 tag.len, na.tag.off, na.tag.len);
}

/* Both top-Via paths on m. */
static void check_via(const struct sip_msg *m, struct counts *c)
{
    struct sip_str v, br = SENTINEL;
    struct sip_via via;
    size_t st = 0;
    int full = -1, fast;

    if (sip_hdr_values(m, SIP_HDR_VIA, &st, &v) && sip_parse_via(m, v, &via) == 0)
        full = 0;
    fast = sip_top_via_branch(m, &br);
    c->vias++;
    if (full != fast)
        fail_msg("via '%.*s': full %d, fast %d", (int)m->first[SIP_HDR_VIA].len,
                 m->buf + m->first[SIP_HDR_VIA].off, full, fast);
    if (full < 0) {
        if (!str_same(br, SENTINEL))
            fail_msg("via: output written on failure");
        return;
    }
    c->via_ok++;
    if (!str_same(br, via.branch))
        fail_msg("via '%.*s': branch %u+%u vs %u+%u", (int)m->first[SIP_HDR_VIA].len,
                 m->buf + m->first[SIP_HDR_VIA].off, br.off, br.len, via.branch.off,
                 via.branch.len);
}

/* Every header value through the name-addr check (most are not name-addrs:
 * both sides must then agree on failing), and the top Via. */
static void check_msg(const struct sip_msg *m, struct counts *c)
{
    size_t i;

    c->msgs++;
    for (i = 0; i < m->nhdrs; i++)
        check_nameaddr(m, m->hdrs[i].value, c);
    check_via(m, c);
}

/* ---- the corpus ---- */

static void on_payload(void *ctx, const struct cap_payload *p)
{
    struct counts *c = ctx;
    const char *buf = (const char *)p->data;
    size_t off = 0;

    while (off < p->len) {
        struct sip_msg m;
        size_t used;

        while (off < p->len && (buf[off] == '\r' || buf[off] == '\n'))
            off++;
        if (off >= p->len)
            break;
        if (sip_parse(buf + off, p->len - off, &m) != 0) {
            sip_msg_fini(&m);
            break;
        }
        check_msg(&m, c);
        used = m.skipped + m.len;
        sip_msg_fini(&m);
        if (used == 0)
            break;
        off += used;
    }
}

static void run_capture(const char *path, struct counts *c)
{
    struct err d;
    struct cap_reader *r = cap_reader_open(path, 0, &d);
    struct cap_decoder *dec;
    struct cap_record rec;

    if (!r)
        fail_msg("cannot open %s", path);
    dec = cap_decoder_new(NULL, on_payload, c);
    while (cap_reader_next(r, &rec, &d) == 1)
        cap_decoder_feed(dec, &rec);
    cap_decoder_flush(dec);
    cap_decoder_free(dec);
    cap_reader_close(r);
    c->files++;
}

static bool is_capture(const char *name)
{
    size_t n = strlen(name);

    return (n > 5 && strcmp(name + n - 5, ".pcap") == 0) ||
           (n > 7 && strcmp(name + n - 7, ".pcapng") == 0);
}

static void walk(const char *dir, struct counts *c)
{
    DIR *dh = opendir(dir);
    struct dirent *de;

    if (!dh)
        fail_msg("cannot open %s", dir);
    while ((de = readdir(dh)) != NULL) {
        char path[2048];
        struct stat st;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, c);
        else if (is_capture(de->d_name))
            run_capture(path, c);
    }
    closedir(dh);
}

static void fast_path_equals_full_parse_on_the_corpus(void **state)
{
    const char *dir = test_corpus_dir();
    struct counts c;

    (void)state;
    memset(&c, 0, sizeof(c));
    walk(dir, &c);
    print_message("corpus: %lu captures, %lu messages, %lu values (%lu name-addrs), %lu top Vias "
                  "(%lu parse)\n",
                  c.files, c.msgs, c.values, c.ok, c.vias, c.via_ok);
    /* 69 captures, 13 529 messages when this was written: a corpus that
     * went missing must not pass. */
    assert_true(c.files >= 60);
    assert_true(c.msgs >= 13000);
    assert_true(c.ok >= 2 * c.msgs);
    assert_true(c.via_ok >= c.msgs * 9 / 10);
}

/* ---- built messages ---- */

/* A message holding via and na (From and To), in a heap block of exactly
 * its size.  Returns the block; *m is parsed. */
static char *build(const char *via, const char *na, size_t nalen, struct sip_msg *m, size_t *len)
{
    static const char head[] = "INVITE sip:b@example.com SIP/2.0\r\nVia: ";
    static const char mid1[] = "\r\nFrom: ";
    static const char mid2[] = "\r\nTo: ";
    static const char tail[] = "\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    size_t vl = strlen(via), n = 0;
    size_t total = sizeof(head) - 1 + vl + sizeof(mid1) - 1 + nalen + sizeof(mid2) - 1 + nalen +
                   sizeof(tail) - 1;
    char *b = xmalloc(total);

#define PUT(p, l)                                                                                  \
    do {                                                                                           \
        memcpy(b + n, p, l);                                                                       \
        n += l;                                                                                    \
    } while (0)
    PUT(head, sizeof(head) - 1);
    PUT(via, vl);
    PUT(mid1, sizeof(mid1) - 1);
    PUT(na, nalen);
    PUT(mid2, sizeof(mid2) - 1);
    PUT(na, nalen);
    PUT(tail, sizeof(tail) - 1);
#undef PUT
    assert_int_equal(n, total);
    assert_int_equal(sip_parse(b, total, m), 0);
    *len = total;
    return b;
}

static void check_built(const char *via, const char *na, size_t nalen, struct counts *c)
{
    struct sip_msg m;
    size_t len;
    char *b = build(via, na, nalen, &m, &len);
    size_t i;

    for (i = 0; i < m.nhdrs; i++)
        check_nameaddr(&m, m.hdrs[i].value, c);
    /* The raw first From too, in case folding or a bad line moved it. */
    if (m.nfound[SIP_HDR_FROM])
        check_nameaddr(&m, m.first[SIP_HDR_FROM], c);
    check_via(&m, c);
    sip_msg_fini(&m);
    free(b);
}

/* From value -> expected user and tag ("-" = absent, NULL = fails). */
static const struct {
    const char *value, *user, *tag;
} expect[] = {
    {"\"Jonas Tanaka\" <sip:2210@10.0.0.10>;tag=e33c308b5f", "2210", "e33c308b5f"},
    {"<sip:2658@10.0.0.10>", "2658", "-"},
    {"<sip:asterisk@10.0.0.10>;tag=74d345925d0ddf76", "asterisk", "74d345925d0ddf76"},
    {"Bob <SIPS:bob:secret@host.example:5061;transport=tls>;TAG=x", "bob", "x"},
    {"<sip:host.example>;tag=1", "-", "1"},
    {"<sip:@host>;tag=1", "", "1"},
    {"<sip:a@h>;foo;tag;tag=2", "a", ""},
    {"<sip:a@h> ; tag = 7 ;x", "a", "7"},
    {"<sip:a@h>;x=\"q;tag=1\";tag=2", "a", "2"},
    {"<sip:a@h>;tag=\"quoted\"", "a", "quoted"},
    {"\"A \\\"B\\\" C\" <sip:a@h>;tag=3", "a", "3"},
    {"\"x\"junk<sip:a@h>;tag=4", "a", "4"},
    {"sip:a@h;tag=5", "a", "5"},
    {"<tel:+1-201-555-0123;phone-context=x>;tag=6", "+1-201-555-0123", "6"},
    {"<urn:service:sos>;tag=7", "-", "7"},
    {"<sip:a@[2001:db8::1]:5060>;tag=8", "a", "8"},
    {"<sip:a@h:0005060>;tag=9", "a", "9"},
    {"<sip:a@h:65536>;tag=9", NULL, NULL},
    {"<sip:a@h:>;tag=9", NULL, NULL},
    {"<sip:a@>;tag=9", NULL, NULL},
    {"<sip:a@h x>;tag=9", NULL, NULL},
    {"<sip:a@h", NULL, NULL},
    {"\"unterminated <sip:a@h>", NULL, NULL},
    {"<*>;tag=10", "-", "10"},
};

static void check_slice(const struct sip_msg *m, struct sip_str s, const char *want)
{
    if (strcmp(want, "-") == 0) {
        if (SIP_STR_PRESENT(s))
            fail_msg("want absent, got '%.*s'", (int)s.len, m->buf + s.off);
        return;
    }
    if (!SIP_STR_PRESENT(s) || s.len != strlen(want) || memcmp(m->buf + s.off, want, s.len) != 0)
        fail_msg("want '%s', got '%.*s'", want, (int)s.len, m->buf + s.off);
}

static void odd_values_have_the_expected_fields(void **state)
{
    struct counts c;
    size_t k;

    (void)state;
    memset(&c, 0, sizeof(c));
    for (k = 0; k < sizeof(expect) / sizeof(expect[0]); k++) {
        struct sip_msg m;
        struct sip_str user = SENTINEL, tag = SENTINEL;
        size_t len;
        char *b = build("SIP/2.0/UDP h;branch=z9hG4bKx", expect[k].value, strlen(expect[k].value),
                        &m, &len);
        int rc = sip_nameaddr_user_tag(&m, m.first[SIP_HDR_FROM], &user, &tag);

        if (!expect[k].user) {
            if (rc != -1)
                fail_msg("'%s' should not parse", expect[k].value);
        } else {
            if (rc != 0)
                fail_msg("'%s' should parse", expect[k].value);
            check_slice(&m, user, expect[k].user);
            check_slice(&m, tag, expect[k].tag);
        }
        check_nameaddr(&m, m.first[SIP_HDR_FROM], &c);
        sip_msg_fini(&m);
        free(b);
    }
}

/* Via value -> expected branch ("-" absent, NULL = fails). */
static const struct {
    const char *value, *branch;
} expect_via[] = {
    {"SIP/2.0/UDP 10.1.4.211:5060;branch=z9hG4bK8039;rport", "z9hG4bK8039"},
    {"SIP/2.0/UDP 10.0.0.10:5060;rport=5060;received=10.0.0.9;branch=z9hG4bKa", "z9hG4bKa"},
    {"SIP/2.0/TCP h;branch=b1, SIP/2.0/UDP g;branch=b2", "b1"},
    {"SIP/2.0/UDP h , SIP/2.0/UDP g;branch=b2", "-"},
    {"SIP / 2.0 / UDP h:5060 ;BRANCH= b3 ", "b3"},
    {"sip/2.0/udp h;branch=b4", "b4"},
    {"SIP/2.0/UDP [2001:db8::1]:5060;branch=b5", "b5"},
    {"SIP/2.0/UDP h;x=\"a,b\";branch=b6", "b6"},
    {"SIP/2.0/UDP h;branch=\"b7\"", "b7"},
    {"SIP/2.0/UDP h (comment)", "-"},
    {"SIP/2.0/UDP h;rport", "-"},
    {"SIP/2.0/UDP h;branch", ""},
    {"SIP/2.0/UDP", NULL},
    {"SIP/2.0/UDP h junk;branch=x", NULL},
    {"SIP/2.0/UDP h:99999;branch=x", NULL},
    {"SIP/2.0/ UDP h;branch=b8", "b8"},
    {", SIP/2.0/UDP h;branch=b9", "b9"},
};

static void odd_vias_have_the_expected_branch(void **state)
{
    struct counts c;
    size_t k;

    (void)state;
    memset(&c, 0, sizeof(c));
    for (k = 0; k < sizeof(expect_via) / sizeof(expect_via[0]); k++) {
        struct sip_msg m;
        struct sip_str br = SENTINEL;
        size_t len;
        const char *na = "<sip:a@h>;tag=1";
        char *b = build(expect_via[k].value, na, strlen(na), &m, &len);
        int rc = sip_top_via_branch(&m, &br);

        if (!expect_via[k].branch) {
            if (rc != -1)
                fail_msg("'%s' should not parse", expect_via[k].value);
        } else {
            if (rc != 0)
                fail_msg("'%s' should parse", expect_via[k].value);
            check_slice(&m, br, expect_via[k].branch);
        }
        check_via(&m, &c);
        sip_msg_fini(&m);
        free(b);
    }
}

/* ---- mutations ---- */

static const char *const na_templates[] = {
    "\"Jonas Tanaka\" <sip:2210@10.0.0.10>;tag=e33c308b5f",
    "<sip:3226897292@203.0.113.22:5060>",
    "Bob <sips:bob:pw@host.example:5061;transport=tls?h=v>;tag=ab;x=1",
    "<sip:a@h>;x=1;tag=7",
};
static const char *const via_templates[] = {
    "SIP/2.0/UDP 10.1.4.211:5060;branch=z9hG4bK80399691ebe47eb7fb9d7f79;rport",
    "SIP/2.0/UDP 10.0.0.10:5060;rport=5060;received=10.1.4.211;branch=z9hG4bK8575, SIP/2.0/TCP "
    "b:1;branch=2",
};
/* What gets inserted or put in place of a byte. */
static const char *const pieces[] = {
    "\"", "\\", "<", ">",    ";",    ",",        "=",     ":",        "@", "[",
    "]",  "?",  "(", " ",    "\t",   "\r\n ",    "\r\n",  "s",        "S", "0",
    "9",  "/",  "*", "\x01", "\x7f", "\xc3\xa9", ";tag=", ";branch=", "",
};

static void mutate(const char *tpl, bool is_via, struct counts *c)
{
    size_t tl = strlen(tpl), k, j;
    char *v = xmalloc(tl + 16);

    for (k = 0; k <= tl; k++) {
        for (j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
            size_t pl = strlen(pieces[j]), op;

            for (op = 0; op < 2; op++) { /* 0: insert before byte k, 1: replace it */
                size_t n = 0, skip = op == 1 ? 1 : 0;

                if (op == 1 && k == tl)
                    continue;
                memcpy(v, tpl, k);
                n = k;
                memcpy(v + n, pieces[j], pl);
                n += pl;
                memcpy(v + n, tpl + k + skip, tl - k - skip);
                n += tl - k - skip;
                v[n] = '\0';
                if (is_via)
                    check_built(v, "<sip:a@h>;tag=1", 15, c);
                else
                    check_built("SIP/2.0/UDP h;branch=x", v, n, c);
            }
        }
    }
    free(v);
}

static void fast_path_equals_full_parse_on_mutations(void **state)
{
    struct counts c;
    size_t k;

    (void)state;
    memset(&c, 0, sizeof(c));
    for (k = 0; k < sizeof(na_templates) / sizeof(na_templates[0]); k++)
        mutate(na_templates[k], false, &c);
    for (k = 0; k < sizeof(via_templates) / sizeof(via_templates[0]); k++)
        mutate(via_templates[k], true, &c);
    print_message("mutations: %lu values (%lu name-addrs), %lu top Vias (%lu parse)\n", c.values,
                  c.ok, c.vias, c.via_ok);
    assert_true(c.vias > 10000);
    assert_true(c.via_ok > c.vias / 2);
}

/* ---- header-name lookup ---- */

static const struct {
    const char *name;
    enum sip_hdr_id id;
} hdr_ref[] = {
    {"call-id", SIP_HDR_CALL_ID},
    {"i", SIP_HDR_CALL_ID},
    {"from", SIP_HDR_FROM},
    {"f", SIP_HDR_FROM},
    {"to", SIP_HDR_TO},
    {"t", SIP_HDR_TO},
    {"cseq", SIP_HDR_CSEQ},
    {"via", SIP_HDR_VIA},
    {"v", SIP_HDR_VIA},
    {"contact", SIP_HDR_CONTACT},
    {"m", SIP_HDR_CONTACT},
    {"content-length", SIP_HDR_CONTENT_LENGTH},
    {"l", SIP_HDR_CONTENT_LENGTH},
    {"content-type", SIP_HDR_CONTENT_TYPE},
    {"c", SIP_HDR_CONTENT_TYPE},
    {"content-encoding", SIP_HDR_CONTENT_ENCODING},
    {"e", SIP_HDR_CONTENT_ENCODING},
    {"max-forwards", SIP_HDR_MAX_FORWARDS},
    {"reason", SIP_HDR_REASON},
    {"warning", SIP_HDR_WARNING},
    {"user-agent", SIP_HDR_USER_AGENT},
    {"server", SIP_HDR_SERVER},
    {"authorization", SIP_HDR_AUTHORIZATION},
    {"proxy-authorization", SIP_HDR_PROXY_AUTHORIZATION},
    {"www-authenticate", SIP_HDR_WWW_AUTHENTICATE},
    {"proxy-authenticate", SIP_HDR_PROXY_AUTHENTICATE},
    {"record-route", SIP_HDR_RECORD_ROUTE},
    {"route", SIP_HDR_ROUTE},
    {"expires", SIP_HDR_EXPIRES},
    {"min-expires", SIP_HDR_MIN_EXPIRES},
    {"retry-after", SIP_HDR_RETRY_AFTER},
    {"supported", SIP_HDR_SUPPORTED},
    {"k", SIP_HDR_SUPPORTED},
    {"require", SIP_HDR_REQUIRE},
    {"allow", SIP_HDR_ALLOW},
    {"session-expires", SIP_HDR_SESSION_EXPIRES},
    {"x", SIP_HDR_SESSION_EXPIRES},
    {"min-se", SIP_HDR_MIN_SE},
    {"event", SIP_HDR_EVENT},
    {"o", SIP_HDR_EVENT},
    {"subscription-state", SIP_HDR_SUBSCRIPTION_STATE},
    {"refer-to", SIP_HDR_REFER_TO},
    {"r", SIP_HDR_REFER_TO},
    {"referred-by", SIP_HDR_REFERRED_BY},
    {"b", SIP_HDR_REFERRED_BY},
    {"subject", SIP_HDR_SUBJECT},
    {"s", SIP_HDR_SUBJECT},
    {"p-asserted-identity", SIP_HDR_P_ASSERTED_IDENTITY},
    {"remote-party-id", SIP_HDR_REMOTE_PARTY_ID},
    {"diversion", SIP_HDR_DIVERSION},
    {"x-call-id", SIP_HDR_X_CALL_ID},
    {"x-cid", SIP_HDR_X_CALL_ID},
    {"session-id", SIP_HDR_SESSION_ID},
};

/* The reference: ASCII case folding, byte by byte. */
static enum sip_hdr_id ref_lookup(const char *s, size_t n)
{
    size_t k, i;

    for (k = 0; k < sizeof(hdr_ref) / sizeof(hdr_ref[0]); k++) {
        if (strlen(hdr_ref[k].name) != n)
            continue;
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];

            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)hdr_ref[k].name[i])
                break;
        }
        if (i == n)
            return hdr_ref[k].id;
    }
    return SIP_HDR_OTHER;
}

static void lookup_one(const char *s, size_t n)
{
    char *copy = xmalloc(n ? n : 1); /* exact size: ASan sees any over-read */
    enum sip_hdr_id got, want = ref_lookup(s, n);

    memcpy(copy, s, n);
    got = sip_hdr_lookup(copy, n);
    if (got != want)
        fail_msg("lookup '%.*s' (%zu bytes): %d, want %d", (int)n, s, n, (int)got, (int)want);
    free(copy);
}

static void header_lookup_matches_reference(void **state)
{
    size_t k, i;
    unsigned v;
    char buf[64];

    (void)state;
    for (k = 0; k < sizeof(hdr_ref) / sizeof(hdr_ref[0]); k++) {
        const char *name = hdr_ref[k].name;
        size_t n = strlen(name);

        assert_int_equal(sip_hdr_lookup(name, n), hdr_ref[k].id);
        for (i = 0; i < n; i++) { /* each byte upper-cased, then every value */
            memcpy(buf, name, n);
            buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
            assert_int_equal(sip_hdr_lookup(buf, n), hdr_ref[k].id);
            for (v = 0; v < 256; v++) {
                memcpy(buf, name, n);
                buf[i] = (char)v;
                lookup_one(buf, n);
            }
        }
        for (i = 0; i < n; i++) /* whole name upper-case */
            buf[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
        assert_int_equal(sip_hdr_lookup(buf, n), hdr_ref[k].id);
        lookup_one(name, n - 1); /* one byte short, one too many */
        memcpy(buf, name, n);
        buf[n] = 'x';
        lookup_one(buf, n + 1);
    }
    lookup_one("", 0);
    lookup_one("Content\rLength", 14);
    lookup_one("Call\rID", 7); /* CR | 0x20 is '-': must not match */
}

/* ---- the header-line scan ---- */

/* A header whose value has `ins` put at offset k of a 70-byte filler: the
 * value must come back whole, and SIP_BINARY_HEADERS set only for DEL. */
static void line_with(const char *ins, size_t k, bool binary)
{
    static const char filler[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh";
    char val[160], *b;
    size_t n = 0, il = strlen(ins), len;
    struct sip_msg m;
    int w;

    memcpy(val, filler, k);
    n = k;
    memcpy(val + n, ins, il);
    n += il;
    memcpy(val + n, filler + k, sizeof(filler) - 1 - k);
    n += sizeof(filler) - 1 - k;
    val[n] = '\0';
    b = xmalloc(400);
    w = snprintf(b, 400,
                 "OPTIONS sip:a@b SIP/2.0\r\nSubject: %s\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
                 "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nVia: SIP/2.0/UDP b;branch=z\r\n\r\n",
                 val);
    assert_true(w > 0 && w < 400);
    len = (size_t)w;
    assert_int_equal(sip_parse(b, len, &m), 0);
    assert_int_equal(m.nhdrs, 6);
    assert_int_equal(m.first[SIP_HDR_SUBJECT].len, n);
    assert_memory_equal(m.buf + m.first[SIP_HDR_SUBJECT].off, val, n);
    assert_int_equal(!!(m.problems & SIP_BINARY_HEADERS), binary);
    assert_int_equal(m.problems & ~(unsigned)SIP_BINARY_HEADERS, 0);
    sip_msg_fini(&m);
    free(b);
}

static void line_scan_steps_over_utf8_tabs_and_flags_del(void **state)
{
    size_t k;

    (void)state;
    for (k = 1; k < 70; k++) { /* inside the value: its ends are trimmed */
        line_with("J\xc3\xb6rg \xe2\x82\xac", k, false);
        line_with("\t", k, false);
        line_with("\xc3\xa9\t\xc3\xa9\tx", k, false);
        line_with("\x7f", k, true);
        line_with("\xc3\xa9\x7f", k, true);
        line_with("\x1b[0m", k, true);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(odd_values_have_the_expected_fields),
        cmocka_unit_test(odd_vias_have_the_expected_branch),
        cmocka_unit_test(fast_path_equals_full_parse_on_mutations),
        cmocka_unit_test(fast_path_equals_full_parse_on_the_corpus),
        cmocka_unit_test(header_lookup_matches_reference),
        cmocka_unit_test(line_scan_steps_over_utf8_tabs_and_flags_del),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
