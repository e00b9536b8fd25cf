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
