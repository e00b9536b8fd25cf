/*
 * writer: captured frames -> a pcap (nanosecond) or pcapng file, for
 * `-w FILE`.  pcapng is chosen by the ".pcapng" extension; it gets one
 * interface block per capture handle, so several interfaces with
 * different link types fit in one file.  Classic pcap has a single link
 * type: every interface must share it.
 *
 * Thread: the live thread owns a writer.  Writes go through stdio's buffer;
 * cap_writer_flush is called by the owner at least every poll round so a
 * reader following the file sees packets within a fraction of a second.
 */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct cap_writer {
    FILE *f;        /* owned */
    bool ng;
    int linktype;   /* pcap: the one link type */
    unsigned nifaces;
    uint64_t size;  /* bytes written so far */
    bool failed;
};

bool cap_writer_is_pcapng(const char *path)
{
    size_t n = strlen(path);

    return n >= 7 && strcmp(path + n - 7, ".pcapng") == 0;
}

static int put(struct cap_writer *w, const void *p, size_t n)
{
    if (w->failed)
        return -1;
    if (n && fwrite(p, 1, n, w->f) != n) {
        w->failed = true;
        return -1;
    }
    w->size += n;
    return 0;
}

static int put32(struct cap_writer *w, uint32_t v)
{
    return put(w, &v, 4);
}

static int put16(struct cap_writer *w, uint16_t v)
{
    return put(w, &v, 2);
}

/* pcapng option: code, length, value padded to 4 bytes. */
static int put_opt(struct cap_writer *w, uint16_t code, const void *v, size_t n)
{
    static const uint8_t zero[4];

    put16(w, code);
    put16(w, (uint16_t)n);
    put(w, v, n);
    return put(w, zero, (4 - n % 4) % 4);
}

static size_t opt_size(size_t n)
{
    return 4 + n + (4 - n % 4) % 4;
}

static int write_headers(struct cap_writer *w, const int *linktypes, const char *const *names,
                         unsigned n, int snaplen)
{
    unsigned i;

    if (!w->ng) {
        put32(w, 0xa1b23c4d); /* nanosecond timestamps */
        put16(w, 2);
        put16(w, 4);
        put32(w, 0);
        put32(w, 0);
        put32(w, (uint32_t)snaplen);
        return put32(w, (uint32_t)linktypes[0]);
    }
    /* Section header: type, length, byte-order magic, version 1.0,
     * section length unknown (-1), no options. */
    put32(w, 0x0A0D0D0A);
    put32(w, 28);
    put32(w, 0x1A2B3C4D);
    put16(w, 1);
    put16(w, 0);
    put32(w, 0xffffffff);
    put32(w, 0xffffffff);
    put32(w, 28);
    for (i = 0; i < n; i++) {
        const char *name = names && names[i] ? names[i] : "";
        size_t nl = strlen(name) > 200 ? 200 : strlen(name);
        uint8_t tsresol = 9; /* 10^-9 s */
        uint32_t len = 20 + (nl ? (uint32_t)opt_size(nl) : 0) + (uint32_t)opt_size(1) + 4;

        put32(w, 1);
        put32(w, len);
        put16(w, (uint16_t)linktypes[i]);
        put16(w, 0);
        put32(w, (uint32_t)snaplen);
        if (nl)
            put_opt(w, 2, name, nl); /* if_name */
        put_opt(w, 9, &tsresol, 1);  /* if_tsresol */
        put32(w, 0);                 /* opt_endofopt */
        put32(w, len);
    }
    return w->failed ? -1 : 0;
}

struct cap_writer *cap_writer_open(const char *path, const int *linktypes,
                                   const char *const *names, unsigned n, int snaplen,
                                   struct diag *d)
{
    struct cap_writer *w;
    unsigned i;

    if (n == 0) {
        diag_set(d, "%s: nothing to write (no capture interface)", path);
        return NULL;
    }
    w = xcalloc(1, sizeof(*w));
    w->ng = cap_writer_is_pcapng(path);
    w->linktype = linktypes[0];
    w->nifaces = n;
    if (!w->ng) {
        for (i = 1; i < n; i++) {
            if (linktypes[i] != linktypes[0]) {
                diag_set(d, "%s: the interfaces have different link types (%d, %d); "
                            "a .pcapng file can hold them",
                         path, linktypes[0], linktypes[i]);
                free(w);
                return NULL;
            }
        }
    }
    w->f = fopen(path, "wbe");
    if (!w->f) {
        diag_set(d, "%s: %s", path, strerror(errno));
        free(w);
        return NULL;
    }
    if (write_headers(w, linktypes, names, n, snaplen) != 0 || fflush(w->f) != 0) {
        diag_set(d, "%s: write failed: %s", path, strerror(errno));
        fclose(w->f);
        free(w);
        return NULL;
    }
    return w;
}

int cap_writer_write(struct cap_writer *w, unsigned iface, const struct cap_record *rec)
{
    static const uint8_t zero[4];
    uint64_t ts = rec->ts_ns < 0 ? 0 : (uint64_t)rec->ts_ns;

    if (w->failed)
        return -1;
    if (!w->ng) {
        put32(w, (uint32_t)(ts / 1000000000));
        put32(w, (uint32_t)(ts % 1000000000));
        put32(w, rec->caplen);
        put32(w, rec->origlen);
        return put(w, rec->data, rec->caplen);
    } else {
        uint32_t pad = (4 - rec->caplen % 4) % 4, len = 32 + rec->caplen + pad;

        if (iface >= w->nifaces)
            iface = 0;
        put32(w, 6);
        put32(w, len);
        put32(w, iface);
        put32(w, (uint32_t)(ts >> 32));
        put32(w, (uint32_t)ts);
        put32(w, rec->caplen);
        put32(w, rec->origlen);
        put(w, rec->data, rec->caplen);
        put(w, zero, pad);
        return put32(w, len);
    }
}

uint64_t cap_writer_size(const struct cap_writer *w)
{
    return w->size;
}

int cap_writer_flush(struct cap_writer *w)
{
    if (w->failed || fflush(w->f) != 0) {
        w->failed = true;
        return -1;
    }
    return 0;
}

int cap_writer_close(struct cap_writer *w)
{
    int rc;

    if (!w)
        return 0;
    rc = fclose(w->f) == 0 && !w->failed ? 0 : -1;
    free(w);
    return rc;
}
