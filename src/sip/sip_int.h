/*
 * sip_int.h: helpers shared by the files of the sip module only (parse.c,
 * hdr.c, sdp.c, codes.c).  Pure, allocation-free, callable from any thread.
 */
#ifndef SIPDX_SIP_INT_H
#define SIPDX_SIP_INT_H

#include "sip.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline bool sip_is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Linear whitespace as consumers see it: SP, HT and the CR/LF of a fold. */
static inline bool sip_is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool sip_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ASCII lower-case by table: one load instead of a compare and a branch;
 * header-name matching does this for every byte of every name. */
extern const unsigned char sip_lower_tbl[256];

static inline unsigned char sip_lower(unsigned char c)
{
    return sip_lower_tbl[c];
}

/* Case-insensitive compare of n bytes of s with lower-case literal lit. */
static inline bool sip_ieq_lit(const char *s, const char *lit, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (sip_lower((unsigned char)s[i]) != (unsigned char)lit[i])
            return false;
    return true;
}

static inline struct sip_str sip_mkstr(size_t off, size_t len)
{
    struct sip_str s;

    s.off = (uint32_t)off;
    s.len = (uint32_t)len;
    return s;
}

/* Trims linear whitespace (fold CR/LF included) at both ends of [*b, *e). */
static inline void sip_trim(const char *buf, size_t *b, size_t *e)
{
    while (*b < *e && sip_is_lws(buf[*b]))
        (*b)++;
    while (*e > *b && sip_is_lws(buf[*e - 1]))
        (*e)--;
}

/* ---- header names ---- */

/* k (1..8) bytes of s as a word; k is a constant at every use, so this is
 * one load. */
static inline uint64_t sip_load_word(const char *s, size_t k)
{
    uint64_t w = 0;

    memcpy(&w, s, k);
    return w;
}

/* Word w of a header name against the same word of a lower-case literal
 * made of letters and '-': 0x20 is OR-ed into the bytes where the literal
 * has a letter (bit 6 set: a-z are 0x61-0x7a, '-' is 0x2d), which folds
 * A-Z onto a-z and nothing else onto a letter, and the '-' bytes must match
 * exactly. */
static inline bool sip_word_ieq(uint64_t w, uint64_t lit)
{
    return (w | ((lit & 0x4040404040404040ULL) >> 1)) == lit;
}

/* Case-insensitive s == lit for n = strlen(lit) bytes, 8 at a time: this
 * replaced a byte-by-byte table compare that was most of the lookup's cost,
 * and the lookup runs for every header of every message. */
static inline bool sip_name_is(const char *s, const char *lit, size_t n)
{
    size_t i;

    for (i = 0; i + 8 <= n; i += 8)
        if (!sip_word_ieq(sip_load_word(s + i, 8), sip_load_word(lit + i, 8)))
            return false;
    if (i == n)
        return true;
    if (n > 8) /* the last 8 bytes, overlapping what was compared */
        return sip_word_ieq(sip_load_word(s + n - 8, 8), sip_load_word(lit + n - 8, 8));
    return sip_word_ieq(sip_load_word(s, n), sip_load_word(lit, n));
}

#define HDR_IS(lit, id)                                                                            \
    do {                                                                                           \
        if (n == sizeof(lit) - 1 && sip_name_is(s, lit, sizeof(lit) - 1))                          \
            return id;                                                                             \
    } while (0)

/* sip_hdr_lookup(), inline for the parser, which calls it on every header
 * line (the call and the spills around it were a third of its cost).
 * Dispatch on length then first letter, so a name costs one comparison. */
static inline enum sip_hdr_id sip_hdr_lookup_inline(const char *s, size_t n)
{
    unsigned char c;

    if (n == 0)
        return SIP_HDR_OTHER;
    c = sip_lower((unsigned char)s[0]);
    switch (n) {
    case 1:
        switch (c) {
        case 'i':
            return SIP_HDR_CALL_ID;
        case 'f':
            return SIP_HDR_FROM;
        case 't':
            return SIP_HDR_TO;
        case 'v':
            return SIP_HDR_VIA;
        case 'm':
            return SIP_HDR_CONTACT;
        case 'l':
            return SIP_HDR_CONTENT_LENGTH;
        case 'c':
            return SIP_HDR_CONTENT_TYPE;
        case 'e':
            return SIP_HDR_CONTENT_ENCODING;
        case 'k':
            return SIP_HDR_SUPPORTED;
        case 'x':
            return SIP_HDR_SESSION_EXPIRES;
        case 'o':
            return SIP_HDR_EVENT;
        case 'r':
            return SIP_HDR_REFER_TO;
        case 'b':
            return SIP_HDR_REFERRED_BY;
        case 's':
            return SIP_HDR_SUBJECT;
        default:
            return SIP_HDR_OTHER;
        }
    case 2:
        HDR_IS("to", SIP_HDR_TO);
        break;
    case 3:
        HDR_IS("via", SIP_HDR_VIA);
        break;
    case 4:
        if (c == 'f')
            HDR_IS("from", SIP_HDR_FROM);
        else
            HDR_IS("cseq", SIP_HDR_CSEQ);
        break;
    case 5:
        switch (c) {
        case 'r':
            HDR_IS("route", SIP_HDR_ROUTE);
            break;
        case 'a':
            HDR_IS("allow", SIP_HDR_ALLOW);
            break;
        case 'e':
            HDR_IS("event", SIP_HDR_EVENT);
            break;
        case 'x':
            HDR_IS("x-cid", SIP_HDR_X_CALL_ID);
            break;
        default:
            break;
        }
        break;
    case 6:
        switch (c) {
        case 'r':
            HDR_IS("reason", SIP_HDR_REASON);
            break;
        case 's':
            HDR_IS("server", SIP_HDR_SERVER);
            break;
        case 'm':
            HDR_IS("min-se", SIP_HDR_MIN_SE);
            break;
        default:
            break;
        }
        break;
    case 7:
        switch (c) {
        case 'c':
            HDR_IS("call-id", SIP_HDR_CALL_ID);
            HDR_IS("contact", SIP_HDR_CONTACT);
            break;
        case 'e':
            HDR_IS("expires", SIP_HDR_EXPIRES);
            break;
        case 's':
            HDR_IS("subject", SIP_HDR_SUBJECT);
            break;
        case 'r':
            HDR_IS("require", SIP_HDR_REQUIRE);
            break;
        case 'w':
            HDR_IS("warning", SIP_HDR_WARNING);
            break;
        default:
            break;
        }
        break;
    case 8:
        HDR_IS("refer-to", SIP_HDR_REFER_TO);
        break;
    case 9:
        switch (c) {
        case 's':
            HDR_IS("supported", SIP_HDR_SUPPORTED);
            break;
        case 'x':
            HDR_IS("x-call-id", SIP_HDR_X_CALL_ID);
            break;
        case 'd':
            HDR_IS("diversion", SIP_HDR_DIVERSION);
            break;
        default:
            break;
        }
        break;
    case 10:
        if (c == 's')
            HDR_IS("session-id", SIP_HDR_SESSION_ID);
        else
            HDR_IS("user-agent", SIP_HDR_USER_AGENT);
        break;
    case 11:
        switch (c) {
        case 'm':
            HDR_IS("min-expires", SIP_HDR_MIN_EXPIRES);
            break;
        case 'r':
            HDR_IS("retry-after", SIP_HDR_RETRY_AFTER);
            HDR_IS("referred-by", SIP_HDR_REFERRED_BY);
            break;
        default:
            break;
        }
        break;
    case 12:
        switch (c) {
        case 'c':
            HDR_IS("content-type", SIP_HDR_CONTENT_TYPE);
            break;
        case 'm':
            HDR_IS("max-forwards", SIP_HDR_MAX_FORWARDS);
            break;
        case 'r':
            HDR_IS("record-route", SIP_HDR_RECORD_ROUTE);
            break;
        default:
            break;
        }
        break;
    case 13:
        HDR_IS("authorization", SIP_HDR_AUTHORIZATION);
        break;
    case 14:
        HDR_IS("content-length", SIP_HDR_CONTENT_LENGTH);
        break;
    case 15:
        if (c == 'r')
            HDR_IS("remote-party-id", SIP_HDR_REMOTE_PARTY_ID);
        else
            HDR_IS("session-expires", SIP_HDR_SESSION_EXPIRES);
        break;
    case 16:
        if (c == 'c')
            HDR_IS("content-encoding", SIP_HDR_CONTENT_ENCODING);
        else
            HDR_IS("www-authenticate", SIP_HDR_WWW_AUTHENTICATE);
        break;
    case 18:
        if (c == 's')
            HDR_IS("subscription-state", SIP_HDR_SUBSCRIPTION_STATE);
        else
            HDR_IS("proxy-authenticate", SIP_HDR_PROXY_AUTHENTICATE);
        break;
    case 19:
        if (c == 'p' && n > 2 && s[1] == '-')
            HDR_IS("p-asserted-identity", SIP_HDR_P_ASSERTED_IDENTITY);
        else
            HDR_IS("proxy-authorization", SIP_HDR_PROXY_AUTHORIZATION);
        break;
    default:
        break;
    }
    return SIP_HDR_OTHER;
}
#undef HDR_IS

/* ---- vector scans ----
 * The parser's time goes into scanning bytes for a few special values, so
 * the scans it does everywhere take 16 bytes per step with SSE2 (part of
 * every x86-64 CPU) and fall back to a plain loop elsewhere and for the
 * tail.  They return the position of the first byte found, or e.  (The
 * header-line scan is parse.c's scan_ctl_or_high.) */
#if defined(__SSE2__)
#include <emmintrin.h>
#define SIP_SCAN_SSE2 1
#endif

/* First byte equal to one of a, b, c, d, x in [i, e). */
static inline size_t sip_scan_any5(const char *p, size_t i, size_t e, char a, char b, char c,
                                   char d, char x)
{
#ifdef SIP_SCAN_SSE2
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c),
                  vd = _mm_set1_epi8(d), vx = _mm_set1_epi8(x);

    for (; i + 16 <= e; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(m, _mm_cmpeq_epi8(v, vx)));

        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#endif
    for (; i < e; i++)
        if (p[i] == a || p[i] == b || p[i] == c || p[i] == d || p[i] == x)
            return i;
    return e;
}

/* First byte equal to a in [i, e). */
static inline size_t sip_scan_byte(const char *p, size_t i, size_t e, char a)
{
#ifdef SIP_SCAN_SSE2
    const __m128i va = _mm_set1_epi8(a);

    for (; i + 16 <= e; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, va));

        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#endif
    for (; i < e; i++)
        if (p[i] == a)
            return i;
    return e;
}

/* Parses decimal digits in [b, e) into *out; false when empty, not all
 * digits, or above max. */
bool sip_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out);

/* Position of the first `c` in [b, e) outside "quoted strings" (with
 * backslash escapes) and, when angle is set, outside <...>; e if none. */
size_t sip_find_unquoted(const char *buf, size_t b, size_t e, char c, bool angle);

#endif
