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

static inline unsigned char sip_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
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

/* Parses decimal digits in [b, e) into *out; false when empty, not all
 * digits, or above max. */
bool sip_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out);

/* Position of the first `c` in [b, e) outside "quoted strings" (with
 * backslash escapes) and, when angle is set, outside <...>; e if none. */
size_t sip_find_unquoted(const char *buf, size_t b, size_t e, char c, bool angle);

#endif
