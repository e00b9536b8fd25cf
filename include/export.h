/*
 * export: writing what sipdx read back out.
 *
 *   export_writer  a pcap or pcapng file (or stdout) written record by
 *                  record: live capture's -w, the console's save dialog
 *                  and --save.  Reopen starts a fresh file under the same
 *                  name (after logrotate moved the old one away).
 *   export_calls   calls of a store written as synthesized frames (pcap,
 *                  pcapng) or as ladder text + messages (save_calls.c).
 *
 * Thread: a writer belongs to the thread that opened it (the capture thread
 * for -w, the UI thread for saves).  export_calls reads the store, so it
 * runs on the thread that owns the store.  Errors go through struct err.
 */
#ifndef SIPDX_EXPORT_H
#define SIPDX_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct store;

enum export_format {
    EXPORT_FMT_AUTO = 0, /* from the file name: .pcapng/.ntar -> pcapng, .txt/.log
                            -> text, anything else (.pcap, .cap, "-") -> pcap */
    EXPORT_FMT_PCAP,     /* classic libpcap, nanosecond magic, little-endian */
    EXPORT_FMT_PCAPNG,   /* one section, one interface per link type, ns tsresol */
    EXPORT_FMT_TEXT,     /* export_calls only: --flow ladder + messages */
    /* export_calls only, drawn from the ladder model (ladder.h): */
    EXPORT_FMT_HTML,     /* one offline page: ladders, messages, explanations */
    EXPORT_FMT_SVG,      /* the ladder alone */
    EXPORT_FMT_MERMAID,  /* Mermaid sequenceDiagram (.mmd) */
    EXPORT_FMT_PLANTUML, /* PlantUML sequence diagram (.puml) */
    EXPORT_FMT_CSV,      /* the call list, RFC 4180 */
    EXPORT_FMT_UNKNOWN,  /* export_format_from_path: a name it does not know */
};

/* The names and extensions export_calls knows, for error messages:
 * ".pcap .pcapng .txt .html .svg .mmd .puml .csv". */
#define EXPORT_EXTENSIONS ".pcap .pcapng .txt .html .svg .mmd .puml .csv"

/* EXPORT_FMT_AUTO resolved from path (never returns AUTO): .pcap .cap
 * .dmp and "-" -> pcap, .pcapng .ntar .scap -> pcapng, .txt .log .text ->
 * text, .html .htm, .svg, .mmd .mermaid, .puml .plantuml, .csv; anything
 * else -> UNKNOWN (export_calls refuses it, listing the formats). */
enum export_format export_format_from_path(const char *path);
/* "pcap", "pcapng", "text", "html", "svg", "mermaid", "plantuml", "csv";
 * NULL for AUTO and UNKNOWN. */
const char *export_format_name(enum export_format f);
/* Parses a name above (also "txt", "mmd", "puml"; case-insensitive); -1 if
 * unknown. */
int export_format_parse(const char *s, enum export_format *out);

/* One frame to write.  data is borrowed for the call only. */
struct export_record {
    int64_t ts_ns; /* epoch nanoseconds (negative clamps to 0) */
    int linktype;  /* LINKTYPE_ value (1 Ethernet, 101 raw IP, ...) */
    const uint8_t *data;
    uint32_t caplen;  /* bytes in data */
    uint32_t origlen; /* bytes on the wire (raised to caplen if smaller) */
};

#define EXPORT_SNAPLEN 262144u /* pcap header snaplen; longer records are cut */

struct export_writer;

/* Opens path for writing ("-" = stdout) as pcap or pcapng (fmt AUTO picks
 * by name; TEXT is refused).  The file is created or truncated.  Returns
 * NULL and fills d on error.  A pcap file holds a single link type: the
 * first record's (Ethernet if the file stays empty); a later record with
 * another link type is refused with an error (pcapng takes any mix). */
struct export_writer *export_writer_open(const char *path, enum export_format fmt, struct err *d);
/* Appends one record.  0, or -1 with d filled (I/O error, or a link type a
 * pcap file cannot hold); after an I/O error the writer refuses further
 * records until reopened. */
int export_writer_write(struct export_writer *w, const struct export_record *rec, struct err *d);
/* Pushes buffered records to the file (so a reader sees whole records). */
int export_writer_flush(struct export_writer *w, struct err *d);
/* Closes the current file and creates a new one under the same name with
 * fresh headers (for logrotate).  A no-op for stdout.  On error the writer
 * stays closed and write returns -1 until a reopen succeeds. */
int export_writer_reopen(struct export_writer *w, struct err *d);
/* Flushes, closes and frees (accepts NULL).  Returns -1 with d filled if
 * the last data could not be written. */
int export_writer_close(struct export_writer *w, struct err *d);

enum export_format export_writer_format(const struct export_writer *w);
uint64_t export_writer_records(const struct export_writer *w); /* written since open */
const char *export_writer_path(const struct export_writer *w);

/* ---------------------------------------------------------------- calls */

struct strbuf;
struct store_call;
struct rtp_table;
struct kb;

enum export_link {
    EXPORT_LINK_ETHERNET = 0, /* Ethernet II, locally administered MACs */
    EXPORT_LINK_RAW,          /* LINKTYPE_RAW (101): the IP header first */
};

struct export_opts {
    enum export_format fmt; /* AUTO: from the path */
    enum export_link link;
    bool ladder;                 /* text: the ladder (ladder.h) of each call first */
    const struct kb *kb;         /* its notes (NULL: none) */
    const struct rtp_table *rtp; /* pcap/pcapng: also the calls' RTP packets kept
                                    with --rtp-store (NULL: SIP only); html: the
                                    media table */
    bool charts;                 /* html: charts over the saved calls (a whole capture, --stats) */
};

struct export_result {
    uint64_t calls;          /* calls written */
    uint64_t messages;       /* SIP messages written */
    uint64_t frames;         /* frames written (TCP may split a message) */
    uint64_t unreadable;     /* messages whose bytes could not be re-read (skipped) */
    uint64_t retyped;        /* TLS messages written as their decrypted text over
                                plain TCP (the TLS records are not kept) */
    uint64_t rtp;            /* RTP/RTCP packets written (opts->rtp) */
    uint64_t rtp_unreadable; /* RTP packets with no stable file position (skipped) */
};

/* Writes the calls with these ids (missing ids are skipped) to path.
 * pcap/pcapng: each message becomes a synthesized frame with its capture
 * time, addresses and transport: Ethernet or raw + IPv4/IPv6 + UDP, TCP
 * segments with consistent sequence numbers per connection (a message
 * larger than one segment is split), SCTP (a DATA chunk per message, valid
 * CRC32c, PPID 0) or WebSocket text frames over TCP after an HTTP upgrade
 * (TLS: the decrypted text over plain TCP); messages from all calls are
 * merged in time order.  Text: per call, the ladder (opts->ladder) then every message
 * with a header line, escaped for terminals.  Bytes are re-read with
 * store_msg_bytes.  A regular file is replaced only when everything was
 * written (temporary file + rename); on error (d filled) it is unchanged.
 * Thread: the store's owner. */
int export_calls(const struct store *s, const uint64_t *ids, size_t n, const char *path,
                 const struct export_opts *opts, struct export_result *res, struct err *d);

#endif
