/*
 * pcap_write: export_writer, records -> a pcap or pcapng file.
 *
 * Written from the file format specs (pcap: nanosecond magic 0xa1b23c4d;
 * pcapng: SHB, one IDB per link type with if_tsresol = 9, EPBs), always
 * little-endian.  pcap's header is written lazily with the first record's
 * link type, so a capture of raw IP or SLL gets the right header without
 * the caller announcing it; pcapng adds an IDB the first time it sees a
 * link type.
 *
 * Thread: whoever opened the writer (capture thread for -w, UI thread for
 * saves); no shared state.  Ownership: the writer owns its FILE (except
 * stdout, which it flushes but never closes) and its path copy.
 */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define PW_MAX_IFACES 64 /* distinct link types per pcapng file */

struct export_writer {
    char *path; /* owned */
    FILE *f;    /* owned unless is_stdout; NULL when closed */
    bool is_stdout;
    bool failed;               /* an I/O error happened: refuse writes */
    enum export_format fmt;    /* PCAP or PCAPNG */
    bool header_done;          /* pcap: file header written */
    int pcap_linktype;         /* pcap: the file's link type */
    int ifaces[PW_MAX_IFACES]; /* pcapng: link type of each IDB */
    unsigned nifaces;
    uint64_t records;
};

/* ------------------------------------------------------------ formats */

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Names, extensions and formats: one table for from_path, name, parse. */
static const struct {
    enum export_format fmt;
    const char *name;
    const char *alias; /* also accepted by export_format_parse */
    const char *ext[4];
} formats[] = {
    {EXPORT_FMT_PCAP, "pcap", NULL, {".pcap", ".cap", ".dmp", NULL}},
    {EXPORT_FMT_PCAPNG, "pcapng", NULL, {".pcapng", ".ntar", ".scap", NULL}},
    {EXPORT_FMT_TEXT, "text", "txt", {".txt", ".log", ".text", NULL}},
    {EXPORT_FMT_HTML, "html", "htm", {".html", ".htm", NULL, NULL}},
    {EXPORT_FMT_SVG, "svg", NULL, {".svg", NULL, NULL, NULL}},
    {EXPORT_FMT_MERMAID, "mermaid", "mmd", {".mmd", ".mermaid", NULL, NULL}},
    {EXPORT_FMT_PLANTUML, "plantuml", "puml", {".puml", ".plantuml", ".pu", NULL}},
    {EXPORT_FMT_CSV, "csv", NULL, {".csv", NULL, NULL, NULL}},
};

enum export_format export_format_from_path(const char *path)
{
    size_t i, k;

    if (strcmp(path, "-") == 0)
        return EXPORT_FMT_PCAP;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        for (k = 0; k < 4 && formats[i].ext[k]; k++)
            if (ends_with_ci(path, formats[i].ext[k]))
                return formats[i].fmt;
    return EXPORT_FMT_UNKNOWN;
}

const char *export_format_name(enum export_format f)
{
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (formats[i].fmt == f)
            return formats[i].name;
    return NULL;
}

int export_format_parse(const char *s, enum export_format *out)
{
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcasecmp(s, formats[i].name) == 0 ||
            (formats[i].alias && strcasecmp(s, formats[i].alias) == 0)) {
            *out = formats[i].fmt;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------ bytes */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static int pw_io_error(struct export_writer *w, struct err *d, const char *what)
{
    int e = errno;

    w->failed = true;
    err_clear(d);
    snprintf(d->file, sizeof d->file, "%s", w->path);
    err_set(d, "%s: %s", what, e ? strerror(e) : "I/O error");
    return -1;
}

static int pw_put(struct export_writer *w, const void *p, size_t n, struct err *d)
{
    errno = 0;
    if (n > 0 && fwrite(p, 1, n, w->f) != n)
        return pw_io_error(w, d, "write failed");
    return 0;
}

/* ------------------------------------------------------------ headers */

static int pcap_header(struct export_writer *w, int linktype, struct err *d)
{
    uint8_t h[24];

    put32(h, 0xa1b23c4d); /* nanosecond timestamps */
    put16(h + 4, 2);
    put16(h + 6, 4);
    put32(h + 8, 0);  /* thiszone */
    put32(h + 12, 0); /* sigfigs */
    put32(h + 16, EXPORT_SNAPLEN);
    put32(h + 20, (uint32_t)linktype);
    if (pw_put(w, h, sizeof h, d) < 0)
        return -1;
    w->header_done = true;
    w->pcap_linktype = linktype;
    return 0;
}

static int pcapng_shb(struct export_writer *w, struct err *d)
{
    static const char appl[] = "sipdx " SIPDX_VERSION;
    uint8_t b[64];
    size_t alen = sizeof appl - 1, apad = (alen + 3) & ~(size_t)3;
    size_t n = 0, total = 28 + 4 + apad + 4;

    memset(b, 0, sizeof b);
    put32(b, 0x0A0D0D0A);
    put32(b + 4, (uint32_t)total);
    put32(b + 8, 0x1A2B3C4D);
    put16(b + 12, 1);
    put16(b + 14, 0);
    put32(b + 16, 0xFFFFFFFFu); /* section length unknown */
    put32(b + 20, 0xFFFFFFFFu);
    n = 24;
    put16(b + n, 4); /* shb_userappl */
    put16(b + n + 2, (uint16_t)alen);
    memcpy(b + n + 4, appl, alen);
    n += 4 + apad;
    put32(b + n, 0); /* opt_endofopt */
    n += 4;
    put32(b + n, (uint32_t)total);
    n += 4;
    return pw_put(w, b, n, d);
}

static int pcapng_idb(struct export_writer *w, int linktype, struct err *d)
{
    uint8_t b[32];

    memset(b, 0, sizeof b);
    put32(b, 1);
    put32(b + 4, 32);
    put16(b + 8, (uint16_t)linktype);
    put32(b + 12, 0); /* snaplen: no limit */
    put16(b + 16, 9); /* if_tsresol */
    put16(b + 18, 1);
    b[20] = 9;        /* 10^-9 s, padded to 4 */
    put32(b + 24, 0); /* opt_endofopt */
    put32(b + 28, 32);
    if (pw_put(w, b, sizeof b, d) < 0)
        return -1;
    w->ifaces[w->nifaces++] = linktype;
    return 0;
}

/* Opens w->path and writes what belongs at the top of a new file. */
static int pw_start(struct export_writer *w, struct err *d)
{
    w->header_done = false;
    w->nifaces = 0;
    w->failed = false;
    if (w->is_stdout) {
        w->f = stdout;
    } else {
        errno = 0;
        w->f = fopen(w->path, "wb");
        if (!w->f) {
            w->failed = true;
            return pw_io_error(w, d, "cannot create");
        }
    }
    if (w->fmt == EXPORT_FMT_PCAPNG)
        return pcapng_shb(w, d);
    return 0;
}

/* ------------------------------------------------------------ API */

struct export_writer *export_writer_open(const char *path, enum export_format fmt, struct err *d)
{
    struct export_writer *w;

    if (fmt == EXPORT_FMT_AUTO)
        fmt = export_format_from_path(path);
    if (fmt == EXPORT_FMT_UNKNOWN) /* -w capture: a packet writer defaults to pcap */
        fmt = EXPORT_FMT_PCAP;
    if (fmt != EXPORT_FMT_PCAP && fmt != EXPORT_FMT_PCAPNG) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", path);
        err_set(d, "not a packet format (use .pcap or .pcapng)");
        return NULL;
    }
    w = xcalloc(1, sizeof *w);
    w->path = xstrdup(path);
    w->fmt = fmt;
    w->is_stdout = strcmp(path, "-") == 0;
    if (pw_start(w, d) < 0) {
        if (w->f && !w->is_stdout)
            fclose(w->f);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

int export_writer_write(struct export_writer *w, const struct export_record *rec, struct err *d)
{
    uint64_t ts = rec->ts_ns > 0 ? (uint64_t)rec->ts_ns : 0;
    uint32_t caplen = rec->caplen;
    uint32_t origlen = rec->origlen < caplen ? caplen : rec->origlen;
    static const uint8_t zeros[4];

    if (!w->f || w->failed) {
        err_clear(d);
        snprintf(d->file, sizeof d->file, "%s", w->path);
        err_set(d, "file is not open after an earlier error");
        return -1;
    }
    if (rec->linktype < 0 || rec->linktype > 0xFFFF) {
        err_set(d, "link type %d out of range", rec->linktype);
        return -1;
    }
    if (w->fmt == EXPORT_FMT_PCAP) {
        uint8_t h[16];
        uint64_t sec = ts / 1000000000u;

        if (!w->header_done && pcap_header(w, rec->linktype, d) < 0)
            return -1;
        if (rec->linktype != w->pcap_linktype) {
            err_clear(d);
            snprintf(d->file, sizeof d->file, "%s", w->path);
            err_set(d, "a pcap file holds one link type (%d), this frame has %d; use pcapng",
                    w->pcap_linktype, rec->linktype);
            return -1;
        }
        if (caplen > EXPORT_SNAPLEN)
            caplen = EXPORT_SNAPLEN;
        put32(h, sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec);
        put32(h + 4, (uint32_t)(ts % 1000000000u));
        put32(h + 8, caplen);
        put32(h + 12, origlen);
        if (pw_put(w, h, sizeof h, d) < 0 || pw_put(w, rec->data, caplen, d) < 0)
            return -1;
    } else {
        uint8_t h[28];
        unsigned i;
        size_t pad = (4 - (caplen & 3)) & 3;
        uint32_t total = (uint32_t)(28 + caplen + pad + 4);

        if (caplen > (64u << 20)) {
            err_set(d, "frame of %u bytes is too large", caplen);
            return -1;
        }
        for (i = 0; i < w->nifaces; i++)
            if (w->ifaces[i] == rec->linktype)
                break;
        if (i == w->nifaces) {
            if (w->nifaces == PW_MAX_IFACES) {
                err_set(d, "more than %d link types in one file", PW_MAX_IFACES);
                return -1;
            }
            if (pcapng_idb(w, rec->linktype, d) < 0)
                return -1;
        }
        put32(h, 6);
        put32(h + 4, total);
        put32(h + 8, i);
        put32(h + 12, (uint32_t)(ts >> 32));
        put32(h + 16, (uint32_t)ts);
        put32(h + 20, caplen);
        put32(h + 24, origlen);
        if (pw_put(w, h, sizeof h, d) < 0 || pw_put(w, rec->data, caplen, d) < 0 ||
            pw_put(w, zeros, pad, d) < 0)
            return -1;
        put32(h, total);
        if (pw_put(w, h, 4, d) < 0)
            return -1;
    }
    w->records++;
    return 0;
}

int export_writer_flush(struct export_writer *w, struct err *d)
{
    if (!w->f)
        return 0;
    /* An empty pcap still gets a header, so it opens as a valid capture. */
    if (w->fmt == EXPORT_FMT_PCAP && !w->header_done && !w->failed && pcap_header(w, 1, d) < 0)
        return -1;
    errno = 0;
    if (fflush(w->f) != 0)
        return pw_io_error(w, d, "write failed");
    return w->failed ? -1 : 0;
}

/* Closes the current file; -1 if its tail could not be written. */
static int pw_finish(struct export_writer *w, struct err *d)
{
    int rc = 0;

    if (!w->f)
        return 0;
    if (export_writer_flush(w, d) < 0)
        rc = -1;
    if (!w->is_stdout) {
        errno = 0;
        if (fclose(w->f) != 0 && rc == 0)
            rc = pw_io_error(w, d, "close failed");
    }
    w->f = NULL;
    return rc;
}

int export_writer_reopen(struct export_writer *w, struct err *d)
{
    int rc;

    if (w->is_stdout)
        return export_writer_flush(w, d);
    rc = pw_finish(w, d);
    if (pw_start(w, d) < 0)
        return -1;
    return rc;
}

int export_writer_close(struct export_writer *w, struct err *d)
{
    int rc;

    if (!w)
        return 0;
    rc = pw_finish(w, d);
    free(w->path);
    free(w);
    return rc;
}

enum export_format export_writer_format(const struct export_writer *w)
{
    return w->fmt;
}

uint64_t export_writer_records(const struct export_writer *w)
{
    return w->records;
}

const char *export_writer_path(const struct export_writer *w)
{
    return w->path;
}
