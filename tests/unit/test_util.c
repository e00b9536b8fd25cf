/*
 * test_util: the hand-written formatters that replaced libc calls on hot
 * paths (fmt_time_utc, fmt_time_epoch, cap_addr_format, sb_printf) must
 * print exactly what the libc versions print; sb_append_json must escape as
 * its byte-at-a-time predecessor did; the hash must spread keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "util.h"

/* The reference: what fmt_time_utc printed before, via gmtime_r. */
static void ref_time(int64_t sec, int64_t usec, char *out, size_t n)
{
    time_t t = (time_t)sec;
    struct tm tm;
    char buf[40];

    assert_non_null(gmtime_r(&t, &tm));
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out, n, "%s.%06" PRId64, buf, usec);
}

static void check_time(int64_t sec, int64_t usec)
{
    char got[64], want[64];

    fmt_time_utc(sec * 1000000000 + usec * 1000, got, sizeof(got));
    ref_time(sec, usec, want, sizeof(want));
    assert_string_equal(got, want);
}

static void time_matches_gmtime(void **state)
{
    static const int64_t fixed[] = {
        0,
        59,
        60,
        86399,
        86400,
        951782400 /* 2000-02-29 */,
        951868800 /* 2000-03-01 */,
        4107542400 /* 2100-02-28 */,
        4107628800 /* 2100-03-01 */,
        1700000000,
        1795219200,
        -1 /* 1969-12-31 23:59:59 */,
        -86400,
        -2208988800 /* 1900-01-01 */,
        9223372035 /* 2262-04-11, near the end of int64 nanoseconds */,
        -9223372036 /* 1677-09-21, near the start */,
    };
    uint64_t x = 88172645463325252ULL;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        check_time(fixed[i], 123456);
    /* Pseudo-random seconds over the whole range of int64 nanoseconds,
     * 1677..2262 (xorshift, deterministic). */
    for (i = 0; i < 200000; i++) {
        int64_t sec;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sec = (int64_t)(x % 18446744072ULL) - 9223372036LL;
        check_time(sec, (int64_t)(x >> 40) % 1000000);
    }
}

static void time_short_buffer_is_cut(void **state)
{
    char got[64];

    (void)state;
    fmt_time_utc(0, got, 5); /* cut, never overrun */
    assert_string_equal(got, "1970");
    fmt_time_utc(-1, got, sizeof(got)); /* floor, not truncation toward zero */
    assert_string_equal(got, "1969-12-31 23:59:59.999999");
}

static void addr_matches_inet_ntop(void **state)
{
    struct cap_addr a;
    char got[64], want[96], ip[64];
    unsigned i;

    (void)state;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    for (i = 0; i < 5000; i++) {
        a.ip[0] = (uint8_t)(i * 7);
        a.ip[1] = (uint8_t)(i * 13 + 1);
        a.ip[2] = (uint8_t)(i % 3 ? 0 : 255);
        a.ip[3] = (uint8_t)(i * 31);
        a.port = (uint16_t)(i * 17);
        inet_ntop(AF_INET, a.ip, ip, sizeof(ip));
        snprintf(want, sizeof(want), "%s:%u", ip, a.port);
        cap_addr_format(&a, true, got, sizeof(got));
        assert_string_equal(got, want);
        cap_addr_format(&a, false, got, sizeof(got));
        assert_string_equal(got, ip);
    }
    a.family = 6;
    inet_pton(AF_INET6, "2001:db8::1", a.ip);
    a.port = 5061;
    cap_addr_format(&a, true, got, sizeof(got));
    assert_string_equal(got, "[2001:db8::1]:5061");
    cap_addr_format(&a, false, got, sizeof(got));
    assert_string_equal(got, "2001:db8::1");
    a.family = 4;
    memcpy(a.ip, "\xff\xff\xff\xff", 4);
    a.port = 65535;
    cap_addr_format(&a, true, got, 8); /* cut, terminated */
    assert_string_equal(got, "255.255");
}

static void printf_grows_and_appends(void **state)
{
    struct strbuf b;
    char big[5000];
    size_t i;

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    sb_init(&b);
    sb_printf(&b, "%d-%s", 42, "a");
    assert_string_equal(b.s, "42-a");
    sb_printf(&b, "[%s]", big); /* larger than the spare room: printed again */
    assert_int_equal(b.len, 4 + 2 + sizeof(big) - 1);
    assert_memory_equal(b.s, "42-a[xxx", 8);
    assert_int_equal(b.s[b.len - 1], ']');
    for (i = 0; i < 1000; i++)
        sb_printf(&b, "%zu,", i);
    assert_int_equal(b.s[b.len], '\0');
    assert_non_null(strstr(b.s, "]0,1,2,"));
    assert_non_null(strstr(b.s, ",998,999,"));
    sb_fini(&b);
}

/* sb_pad and fmt_u64 replace "%-*s", "%*s" and "%llu" in --list. */
static void pads_like_printf(void **state)
{
    static const char *const words[] = {"", "a", "INVITE", "exactly-nine", "longer than the width"};
    static const uint64_t nums[] = {0, 7, 10, 4294967295u, UINT64_MAX};
    char want[128], buf[24];
    size_t i, w;

    (void)state;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        for (w = 0; w < 14; w += 3) {
            struct strbuf b;

            sb_init(&b);
            sb_pad(&b, words[i], w, true);
            snprintf(want, sizeof(want), "%-*s", (int)w, words[i]);
            assert_string_equal(b.s, want);
            sb_reset(&b);
            sb_pad(&b, words[i], w, false);
            snprintf(want, sizeof(want), "%*s", (int)w, words[i]);
            assert_string_equal(b.s, want);
            sb_fini(&b);
        }
    }
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        snprintf(want, sizeof(want), "%" PRIu64, nums[i]);
        assert_string_equal(fmt_u64(nums[i], buf), want);
    }
}

/* fmt_time_epoch printed "%lld.%06lld" of the floored seconds. */
static void epoch_matches_printf(void **state)
{
    static const int64_t fixed[] = {
        0,         1,  999,   1000,        999999999,   1000000000, 1709542800123456789LL,
        INT64_MAX, -1, -1000, -1000000000, -1500000000, INT64_MIN};
    uint64_t x = 88172645463325252ULL;
    char got[64], want[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 100000; i++) {
        int64_t ts, sec, ns;

        if (i < sizeof(fixed) / sizeof(fixed[0])) {
            ts = fixed[i];
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ts = (int64_t)x;
        }
        sec = ts / 1000000000;
        ns = ts % 1000000000;
        if (ns < 0) {
            ns += 1000000000;
            sec--;
        }
        snprintf(want, sizeof(want), "%" PRId64 ".%06" PRId64, sec, ns / 1000);
        fmt_time_epoch(ts, got, sizeof(got));
        assert_string_equal(got, want);
    }
    fmt_time_epoch(1709542800123456789LL, got, 6); /* cut, never overrun */
    assert_string_equal(got, "17095");
}

/* The reference: a JSON string whose value is the terminal text
 * sb_append_escaped writes (docs/json.md rule 6); that text holds no
 * control character, so only '"' and '\\' need escaping for JSON. */
static void ref_json(struct strbuf *b, const unsigned char *p, size_t n)
{
    struct strbuf text;
    size_t i;

    sb_init(&text);
    sb_append_escaped(&text, (const char *)p, n);
    sb_putc(b, '"');
    for (i = 0; i < text.len; i++) {
        if (text.s[i] == '"' || text.s[i] == '\\')
            sb_putc(b, '\\');
        sb_putc(b, text.s[i]);
    }
    sb_putc(b, '"');
    sb_fini(&text);
}

static void json_value_is_the_terminal_text(void **state)
{
    static const char *const fixed[] = {
        "",
        "plain text",
        "\"quoted\" and \\back\\",
        "tab\there\r\n",
        "\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "bad \xc3 \xe2\x82 \xed\xa0\x80 \xc2\x85 \xff",
        "trailing \xe2\x82",
    };
    static const unsigned char alphabet[] =
        "aZ0 \"\\\t\n\x01\x7f\xc2\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\xff";
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned char buf[64];
    struct strbuf got, want;
    size_t i, j, n;

    (void)state;
    sb_init(&got);
    sb_init(&want);
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 50000; i++) {
        const unsigned char *p;

        if (i < sizeof(fixed) / sizeof(fixed[0])) {
            p = (const unsigned char *)fixed[i];
            n = strlen(fixed[i]);
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            n = x % sizeof(buf);
            for (j = 0; j < n; j++)
                buf[j] = alphabet[(x >> (j % 48)) * (j + 1) % (sizeof(alphabet) - 1)];
            p = buf;
        }
        sb_reset(&got);
        sb_reset(&want);
        sb_puts(&got, "x"); /* appends after what is there */
        sb_puts(&want, "x");
        sb_append_json(&got, (const char *)p, n);
        ref_json(&want, p, n);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.s, want.s, want.len);
        assert_int_equal(got.s[got.len], '\0');
    }
    sb_fini(&got);
    sb_fini(&want);
}

static void hash_spreads_keys_over_the_buckets(void **state)
{
    char key[32];
    unsigned buckets[256] = {0};
    unsigned i, max = 0;

    (void)state;
    /* Call-IDs that differ in one late character must not collide, and
     * keys of every length fall evenly into buckets. */
    for (i = 0; i < 25600; i++) {
        int n = snprintf(key, sizeof(key), "%08x-call@10.0.0.1", i);

        buckets[hash_bytes(key, (size_t)n) & 255]++;
    }
    for (i = 0; i < 256; i++)
        if (buckets[i] > max)
            max = buckets[i];
    assert_true(max < 160); /* mean 100 */
    assert_true(hash_bytes("abcdefgh1", 9) != hash_bytes("abcdefgh2", 9));
    assert_true(hash_bytes("", 0) != hash_bytes("\0", 1));
}

/* Every invisible formatting character, in UTF-8, is shown as \uXXXX by
 * both escapers; the visible neighbours of each range go out as they are. */
static void invisible_characters_are_escaped(void **state)
{
    static const unsigned hidden[] = {0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
                                      0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d,
                                      0x202e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
                                      0x2066, 0x2067, 0x2068, 0x2069, 0xfeff};
    static const unsigned shown[] = {0x061b, 0x200a, 0x2010, 0x2027, 0x202f, 0x205f,
                                     0x2070, 0xfefe, 0xff01, 0x00e9, 0x1f600};
    struct strbuf b;
    char in[16], want[32];
    size_t i, n;

    (void)state;
    sb_init(&b);
    for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]) + sizeof(shown) / sizeof(shown[0]); i++) {
        bool hide = i < sizeof(hidden) / sizeof(hidden[0]);
        unsigned cp = hide ? hidden[i] : shown[i - sizeof(hidden) / sizeof(hidden[0])];
        char u8[5];
        size_t k;

        if (cp < 0x800) {
            u8[0] = (char)(0xc0 | cp >> 6);
            u8[1] = (char)(0x80 | (cp & 0x3f));
            k = 2;
        } else if (cp < 0x10000) {
            u8[0] = (char)(0xe0 | cp >> 12);
            u8[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
            u8[2] = (char)(0x80 | (cp & 0x3f));
            k = 3;
        } else {
            u8[0] = (char)(0xf0 | cp >> 18);
            u8[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
            u8[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
            u8[3] = (char)(0x80 | (cp & 0x3f));
            k = 4;
        }
        n = (size_t)snprintf(in, sizeof(in), "a%.*sb", (int)k, u8);
        if (hide)
            snprintf(want, sizeof(want), "a\\u%04Xb", cp);
        else
            snprintf(want, sizeof(want), "%s", in);
        sb_reset(&b);
        sb_append_escaped(&b, in, n);
        assert_string_equal(b.s, want);
        sb_reset(&b);
        sb_append_json(&b, in, n);
        if (hide) { /* the terminal's \uXXXX, its backslash escaped for JSON */
            assert_int_equal(b.len, strlen(want) + 3);
            assert_memory_equal(b.s + 1, "a\\\\u", 4);
            assert_memory_equal(b.s + 5, want + 3, strlen(want) - 3);
        } else {
            assert_int_equal(b.len, strlen(want) + 2);
            assert_memory_equal(b.s + 1, want, strlen(want));
        }
    }
    /* A cut sequence is still escaped byte by byte. */
    sb_reset(&b);
    sb_append_escaped(&b, "\xe2\x80", 2);
    assert_string_equal(b.s, "\\xE2\\x80");
    sb_fini(&b);
}

/* Error messages quote arguments and file names: err_format escapes them,
 * line by line, and str_escape does it for a single argument. */
static void errors_escape_what_they_quote(void **state)
{
    struct err d;
    char out[256];

    (void)state;
    err_clear(&d);
    snprintf(d.file, sizeof(d.file), "x\x1b[2J\xe2\x80\xae.pcap");
    err_set(&d, "bad '\x07\x1b]0;t\x07'\n   ^");
    err_format(&d, out, sizeof(out));
    assert_string_equal(out, "x\\e[2J\\u202E.pcap: bad '\\x07\\e]0;t\\x07'\n   ^");
    assert_string_equal(str_escape("\x1b\xe2\x80\x8bz", out, sizeof(out)), "\\e\\u200Bz");
    assert_string_equal(str_escape("abcdef", out, 4), "abc");
}

/* Whatever sb_append_escaped prints, str_unescape gives back the bytes
 * (how --flow takes a Call-ID as any output printed it). */
static void unescape_inverts_the_terminal_text(void **state)
{
    static const unsigned char alphabet[] =
        "aZ0 \"\\\t\n\x01\x1b\x7f\xc2\xa9\xe2\x80\xae\xed\xa0\xffx";
    uint64_t x = 0x2545f4914f6cdd1dULL;
    unsigned char buf[48];
    char out[512];
    struct strbuf text;
    size_t i, j, n;
    long got;

    (void)state;
    sb_init(&text);
    for (i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        n = x % sizeof(buf);
        for (j = 0; j < n; j++)
            buf[j] = alphabet[(x >> (j % 40)) * (j + 3) % (sizeof(alphabet) - 1)];
        sb_reset(&text);
        sb_append_escaped(&text, (const char *)buf, n);
        got = str_unescape(text.s, out, sizeof(out));
        assert_int_equal(got, (long)n);
        assert_memory_equal(out, buf, n);
    }
    assert_int_equal(str_unescape("abc", out, 3), -1);               /* no room for the NUL */
    assert_int_equal(str_unescape("a\\q\\x4", out, sizeof(out)), 6); /* not escapes: kept */
    assert_string_equal(out, "a\\q\\x4");
    sb_fini(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_matches_gmtime),
        cmocka_unit_test(time_short_buffer_is_cut),
        cmocka_unit_test(addr_matches_inet_ntop),
        cmocka_unit_test(printf_grows_and_appends),
        cmocka_unit_test(pads_like_printf),
        cmocka_unit_test(epoch_matches_printf),
        cmocka_unit_test(json_value_is_the_terminal_text),
        cmocka_unit_test(unescape_inverts_the_terminal_text),
        cmocka_unit_test(hash_spreads_keys_over_the_buckets),
        cmocka_unit_test(invisible_characters_are_escaped),
        cmocka_unit_test(errors_escape_what_they_quote),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
