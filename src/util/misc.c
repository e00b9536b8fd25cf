/*
 * misc: small pure helpers (case-insensitive compare, hashing, time
 * formatting).  Thread-safe.
 */
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool mem_ieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

        if (!y)
            return false;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return b[alen] == '\0';
}

const char *fmt_u64(uint64_t v, char buf[24])
{
    char *p = buf + 23;

    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

/* Eight bytes per step with a multiply-xorshift mix, finished with
 * splitmix64's avalanche.  FNV-1a's byte loop showed in the profile of a
 * large load (it hashes every Call-ID and branch).  Values depend on byte order; they are
 * only ever compared within one process. */
uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * 0xff51afd7ed558ccdULL);
    uint64_t w;

    while (n >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

const void *mem_find(const void *hay, size_t n, const void *needle, size_t m)
{
    const unsigned char *h = hay, *nd = needle, *p;

    if (m == 0)
        return hay;
    while (n >= m) {
        p = memchr(h, nd[0], n - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, nd, m) == 0)
            return p;
        n -= (size_t)(p - h) + 1;
        h = p + 1;
    }
    return NULL;
}

static void split_ns(int64_t ts_ns, int64_t *sec, int64_t *ns)
{
    *sec = ts_ns / 1000000000;
    *ns = ts_ns % 1000000000;
    if (*ns < 0) {
        *ns += 1000000000;
        (*sec)--;
    }
}

/* Days since 1970-01-01 -> proleptic Gregorian date (the era arithmetic
 * of "chrono-compatible low-level date algorithms", H. Hinnant).  Replaces
 * gmtime_r + strftime + snprintf, which were the largest single cost of
 * printing a long --list; test_util checks it against gmtime_r. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;                                      /* [0, 146096] */
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365; /* [0, 399] */
    doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);  /* [0, 365] */
    mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static char *put_digits(char *p, uint64_t v, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

void fmt_time_utc(int64_t ts_ns, char *out, size_t outlen)
{
    int64_t sec, ns, days, sod, y;
    unsigned mo, d;
    char buf[40], *p = buf;

    split_ns(ts_ns, &sec, &ns);
    days = sec / 86400;
    sod = sec % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    civil_from_days(days, &y, &mo, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, outlen, "%" PRId64 ".%06" PRId64, sec, ns / 1000);
        return;
    }
    p = put_digits(p, (uint64_t)y, 4);
    *p++ = '-';
    p = put_digits(p, mo, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = ' ';
    p = put_digits(p, (uint64_t)(sod / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (uint64_t)(sod / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (uint64_t)(sod % 60), 2);
    *p++ = '.';
    p = put_digits(p, (uint64_t)(ns / 1000), 6);
    *p = '\0';
    if (outlen) {
        size_t n = (size_t)(p - buf) < outlen - 1 ? (size_t)(p - buf) : outlen - 1;

        memcpy(out, buf, n);
        out[n] = '\0';
    }
}

void fmt_time_epoch(int64_t ts_ns, char *out, size_t outlen)
{
    int64_t sec, ns;
    char buf[40], num[24], *p = buf;
    const char *d;
    size_t n;

    split_ns(ts_ns, &sec, &ns);
    if (sec < 0) {
        snprintf(out, outlen, "%" PRId64 ".%06" PRId64, sec, ns / 1000);
        return;
    }
    /* By hand, as fmt_time_utc: once per object of a long --list --json. */
    d = fmt_u64((uint64_t)sec, num);
    n = strlen(d);
    memcpy(p, d, n);
    p += n;
    *p++ = '.';
    p = put_digits(p, (uint64_t)(ns / 1000), 6);
    *p = '\0';
    if (outlen) {
        n = (size_t)(p - buf) < outlen - 1 ? (size_t)(p - buf) : outlen - 1;
        memcpy(out, buf, n);
        out[n] = '\0';
    }
}
