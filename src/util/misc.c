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

/* Eight bytes per step with a multiply-xorshift mix, finished with
 * splitmix64's avalanche.  FNV-1a's byte loop was 4 % of a large load (it
 * hashes every Call-ID and branch).  Values depend on byte order; they are
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

void fmt_time_utc(int64_t ts_ns, char *out, size_t outlen)
{
    int64_t sec, ns;
    time_t t;
    struct tm tm;
    char buf[32];

    split_ns(ts_ns, &sec, &ns);
    t = (time_t)sec;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, outlen, "%" PRId64 ".%06" PRId64, sec, ns / 1000);
        return;
    }
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out, outlen, "%s.%06" PRId64, buf, ns / 1000);
}

void fmt_time_epoch(int64_t ts_ns, char *out, size_t outlen)
{
    int64_t sec, ns;

    split_ns(ts_ns, &sec, &ns);
    snprintf(out, outlen, "%" PRId64 ".%06" PRId64, sec, ns / 1000);
}
