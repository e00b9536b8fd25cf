/*
 * tls_keys: the TLS key store, filled from key logs in the NSS format
 * (RFC 9850): "LABEL <client random, 64 hex> <secret, hex>" per line.
 * Kept: CLIENT_RANDOM (TLS 1.2 master secret), CLIENT/SERVER_HANDSHAKE_
 * TRAFFIC_SECRET and CLIENT/SERVER_TRAFFIC_SECRET_0 (TLS 1.3).  Other
 * labels (EXPORTER_SECRET, early secrets, RSA) are counted as ignored.
 *
 * Sources: --tls-keylog files (followed while they grow, live), pcapng
 * Decryption Secrets Blocks, key lines received over UDP (Kamailio's
 * keylog_peer).  Lines may come cut at any byte: a partial last line is
 * kept until its end arrives.
 *
 * Threads: the key store is shared by the thread that reads the inputs,
 * the decoder and a live UDP receiver; a mutex guards it and lookups copy
 * the secrets out.  `gen` changes whenever a key is added, so records that
 * wait for their keys are retried only when something new came.
 *
 * Memory is bounded: at most max entries; keys beyond are counted, not
 * stored.
 */
#include "capture.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"
#include "util.h"

struct key_ent {
    uint8_t cr[32];
    uint8_t have;                  /* bit per enum tls_secret */
    uint8_t len[TLS_SECRET_COUNT]; /* bytes of each secret */
    uint8_t sec[TLS_SECRET_COUNT][TLS_SECRET_MAX];
    uint32_t next; /* chain: index + 1, 0 = end */
};

struct cap_tls_keys {
    pthread_mutex_t mu;
    struct key_ent *ent; /* owned */
    size_t n, cap, max;
    uint32_t *bucket; /* owned: index + 1 of the first entry */
    size_t nbuckets;
    _Atomic uint64_t gen;
    struct cap_tls_keylog_stats st;
    char partial[512]; /* a line cut by the end of a chunk */
    size_t plen;
};

static const char *const labels[TLS_SECRET_COUNT] = {
    [TLS_SECRET_MASTER] = "CLIENT_RANDOM",
    [TLS_SECRET_CHS] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    [TLS_SECRET_SHS] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    [TLS_SECRET_CAP] = "CLIENT_TRAFFIC_SECRET_0",
    [TLS_SECRET_SAP] = "SERVER_TRAFFIC_SECRET_0",
};

struct cap_tls_keys *cap_tls_keys_new(size_t max_entries)
{
    struct cap_tls_keys *k = xcalloc(1, sizeof(*k));

    pthread_mutex_init(&k->mu, NULL);
    k->max = max_entries ? max_entries : CAP_TLS_KEYS_MAX;
    k->nbuckets = 1024;
    k->bucket = xcalloc(k->nbuckets, sizeof(*k->bucket));
    atomic_init(&k->gen, 0);
    return k;
}

void cap_tls_keys_free(struct cap_tls_keys *k)
{
    if (!k)
        return;
    pthread_mutex_destroy(&k->mu);
    free(k->ent);
    free(k->bucket);
    free(k);
}

static size_t bucket_of(const struct cap_tls_keys *k, const uint8_t cr[32])
{
    return (size_t)(hash_bytes(cr, 32) & (k->nbuckets - 1));
}

static struct key_ent *find_locked(struct cap_tls_keys *k, const uint8_t cr[32])
{
    uint32_t i = k->bucket[bucket_of(k, cr)];

    while (i) {
        struct key_ent *e = &k->ent[i - 1];

        if (memcmp(e->cr, cr, 32) == 0)
            return e;
        i = e->next;
    }
    return NULL;
}

static void rehash_locked(struct cap_tls_keys *k)
{
    size_t i;

    free(k->bucket);
    k->nbuckets *= 2;
    k->bucket = xcalloc(k->nbuckets, sizeof(*k->bucket));
    for (i = 0; i < k->n; i++) {
        size_t b = bucket_of(k, k->ent[i].cr);

        k->ent[i].next = k->bucket[b];
        k->bucket[b] = (uint32_t)(i + 1);
    }
}

/* Stores one secret; false when the store is full. */
static bool put_locked(struct cap_tls_keys *k, const uint8_t cr[32], enum tls_secret s,
                       const uint8_t *sec, size_t len)
{
    struct key_ent *e = find_locked(k, cr);

    if (!e) {
        size_t b;

        if (k->n >= k->max)
            return false;
        if (k->n == k->cap) {
            k->cap = k->cap ? k->cap * 2 : 64;
            if (k->cap > k->max)
                k->cap = k->max;
            k->ent = xrealloc(k->ent, k->cap * sizeof(*k->ent));
        }
        if (k->n + 1 > k->nbuckets)
            rehash_locked(k);
        e = &k->ent[k->n];
        memset(e, 0, sizeof(*e));
        memcpy(e->cr, cr, 32);
        b = bucket_of(k, cr);
        e->next = k->bucket[b];
        k->bucket[b] = (uint32_t)(k->n + 1);
        k->n++;
    }
    e->have |= (uint8_t)(1u << s);
    e->len[s] = (uint8_t)len;
    memcpy(e->sec[s], sec, len);
    return true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes a hex field of up to max bytes; returns its byte length, or -1. */
static int unhex(const char *p, size_t n, uint8_t *out, size_t max)
{
    size_t i;

    if (n == 0 || n % 2 || n / 2 > max)
        return -1;
    for (i = 0; i < n; i += 2) {
        int a = hexval((unsigned char)p[i]), b = hexval((unsigned char)p[i + 1]);

        if (a < 0 || b < 0)
            return -1;
        out[i / 2] = (uint8_t)(a << 4 | b);
    }
    return (int)(n / 2);
}

/* Parses one line (no line end).  Updates the counters. */
static void parse_line_locked(struct cap_tls_keys *k, const char *p, size_t n)
{
    const char *f[4];
    size_t fl[4], nf = 0, i = 0;
    uint8_t cr[32], sec[TLS_SECRET_MAX];
    int crl, sl;
    unsigned s;

    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i == n || p[i] == '#')
        return; /* blank or comment */
    k->st.lines++;
    while (i < n && nf < 4) {
        f[nf] = p + i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        fl[nf] = (size_t)(p + i - f[nf]);
        nf++;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
    }
    for (s = 0; s < TLS_SECRET_COUNT; s++)
        if (fl[0] == strlen(labels[s]) && memcmp(f[0], labels[s], fl[0]) == 0)
            break;
    if (s == TLS_SECRET_COUNT) {
        bool known = nf >= 1 && fl[0] >= 3;

        /* Other labels of the format (RFC 9850 section 3): not needed to
         * read SIP, so ignored; anything else is a bad line. */
        known = known && ((fl[0] == 15 && memcmp(f[0], "EXPORTER_SECRET", 15) == 0) ||
                          (fl[0] == 21 && memcmp(f[0], "EARLY_EXPORTER_SECRET", 21) == 0) ||
                          (fl[0] == 27 && memcmp(f[0], "CLIENT_EARLY_TRAFFIC_SECRET", 27) == 0) ||
                          (fl[0] == 28 && memcmp(f[0], "EARLY_EXPORTER_MASTER_SECRET", 28) == 0) ||
                          (fl[0] == 3 && memcmp(f[0], "RSA", 3) == 0) ||
                          /* OpenSSL 3.0 logs each KeyUpdate's secret so;
                           * the update is derived here from the old one. */
                          (fl[0] == 23 && memcmp(f[0], "CLIENT_TRAFFIC_SECRET_N", 23) == 0) ||
                          (fl[0] == 23 && memcmp(f[0], "SERVER_TRAFFIC_SECRET_N", 23) == 0));
        if (known && nf == 3) {
            k->st.ignored++;
            return;
        }
        goto bad;
    }
    if (nf != 3 || i != n)
        goto bad;
    crl = unhex(f[1], fl[1], cr, sizeof(cr));
    sl = unhex(f[2], fl[2], sec, sizeof(sec));
    if (crl != 32 || sl < 0 || (s == TLS_SECRET_MASTER && sl != 48) ||
        (s != TLS_SECRET_MASTER && sl != 32 && sl != 48))
        goto bad;
    if (!put_locked(k, cr, (enum tls_secret)s, sec, (size_t)sl)) {
        k->st.over_limit++;
        return;
    }
    k->st.accepted++;
    return;
bad:
    k->st.bad++;
    if (k->st.first_bad_line == 0)
        k->st.first_bad_line = k->st.lines;
}

size_t cap_tls_keys_add(struct cap_tls_keys *k, const char *text, size_t n, bool final)
{
    size_t i = 0, before;

    pthread_mutex_lock(&k->mu);
    before = k->st.accepted;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;

        if (!nl && !final) {
            /* Cut line: keep it for the next chunk (a longer one is no
             * key line: it counts as bad when its end comes). */
            size_t m = e - i;

            if (k->plen + m > sizeof(k->partial))
                m = sizeof(k->partial) - k->plen;
            memcpy(k->partial + k->plen, text + i, m);
            k->plen += m;
            break;
        }
        if (k->plen) {
            size_t m = e - i;

            if (k->plen + m > sizeof(k->partial))
                m = sizeof(k->partial) - k->plen;
            memcpy(k->partial + k->plen, text + i, m);
            k->plen += m;
            parse_line_locked(k, k->partial, k->plen);
            k->plen = 0;
        } else {
            parse_line_locked(k, text + i, e - i);
        }
        i = e + 1;
    }
    if (final && k->plen) {
        parse_line_locked(k, k->partial, k->plen);
        k->plen = 0;
    }
    before = k->st.accepted - before;
    if (before)
        atomic_fetch_add(&k->gen, 1);
    pthread_mutex_unlock(&k->mu);
    return before;
}

int cap_tls_keys_load(struct cap_tls_keys *k, const char *path, struct err *d)
{
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t got;

    if (!f) {
        err_set(d, "--tls-keylog %s: %s", path, strerror(errno));
        return -1;
    }
    while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
        cap_tls_keys_add(k, buf, got, false);
    cap_tls_keys_add(k, "", 0, true);
    if (ferror(f)) {
        err_set(d, "--tls-keylog %s: read error", path);
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

uint64_t cap_tls_keys_gen(const struct cap_tls_keys *k)
{
    return atomic_load(&((struct cap_tls_keys *)k)->gen);
}

void cap_tls_keys_stats(struct cap_tls_keys *k, struct cap_tls_keylog_stats *st)
{
    pthread_mutex_lock(&k->mu);
    *st = k->st;
    st->stored = k->n;
    pthread_mutex_unlock(&k->mu);
}

bool tls_keys_get(struct cap_tls_keys *k, const uint8_t cr[32], struct tls_secrets *out)
{
    struct key_ent *e;
    bool ok = false;

    pthread_mutex_lock(&k->mu);
    e = find_locked(k, cr);
    if (e) {
        out->have = e->have;
        memcpy(out->len, e->len, sizeof(out->len));
        memcpy(out->sec, e->sec, sizeof(out->sec));
        ok = true;
    }
    pthread_mutex_unlock(&k->mu);
    return ok;
}

void tls_keys_put_master(struct cap_tls_keys *k, const uint8_t cr[32], const uint8_t ms[48])
{
    pthread_mutex_lock(&k->mu);
    if (put_locked(k, cr, TLS_SECRET_MASTER, ms, 48))
        atomic_fetch_add(&k->gen, 1);
    pthread_mutex_unlock(&k->mu);
}

static void put_hex(struct strbuf *b, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        sb_putc(b, hx[p[i] >> 4]);
        sb_putc(b, hx[p[i] & 15]);
    }
}

size_t cap_tls_keys_format(struct cap_tls_keys *k, const uint8_t (*crs)[32], size_t ncr,
                           struct strbuf *out)
{
    size_t i, lines = 0;

    pthread_mutex_lock(&k->mu);
    for (i = 0; i < k->n; i++) {
        const struct key_ent *e = &k->ent[i];
        unsigned s;

        if (crs) {
            size_t j;

            for (j = 0; j < ncr && memcmp(crs[j], e->cr, 32) != 0; j++)
                ;
            if (j == ncr)
                continue;
        }
        for (s = 0; s < TLS_SECRET_COUNT; s++) {
            if (!(e->have & (1u << s)))
                continue;
            sb_puts(out, labels[s]);
            sb_putc(out, ' ');
            put_hex(out, e->cr, 32);
            sb_putc(out, ' ');
            put_hex(out, e->sec[s], e->len[s]);
            sb_putc(out, '\n');
            lines++;
        }
    }
    pthread_mutex_unlock(&k->mu);
    return lines;
}
