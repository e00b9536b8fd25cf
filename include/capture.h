/*
 * capture: turns capture files, live interfaces (libpcap) and HEP packets
 * into transport payloads (-w writes through include/export.h).
 *
 *   cap_reader  one pcap / pcapng file (plain or gzip, "-" = stdin)
 *   cap_merge   several readers merged by timestamp
 *   cap_decoder link layers, tunnels, IPv4/IPv6 (+ fragment reassembly),
 *               UDP, TCP (+ stream reassembly and SIP framing), SCTP,
 *               WebSocket, HEP v2/v3 decapsulation -> cap_payload callbacks
 *   cap_live    one live libpcap handle (non-blocking, for a poll loop)
 *   cap_hep3_encode / cap_decoder_feed_hep: HEP out and in
 *
 * Threads: a reader, a merge and a decoder each belong to one thread (the
 * capture thread of their source).  Nothing here touches curses or the store.
 */
#ifndef SIPDX_CAPTURE_H
#define SIPDX_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

/* ---------------------------------------------------------------- records */

/* One captured frame, as read from a file.  `data` is borrowed: valid until
 * the next call on the same reader. */
/* A mapped stretch of an input file.  Records and payloads that point into
 * one carry it, so a consumer on another thread can keep the bytes alive
 * with a reference instead of copying them (the reader drops its own
 * reference when it moves on; the last one unmaps). */
struct cap_window;
void cap_window_ref(struct cap_window *w);
void cap_window_unref(struct cap_window *w); /* accepts NULL */

struct cap_record {
    unsigned source; /* index of the input (file) this came from */
    uint64_t frame;  /* 1-based frame number within that input */
    int64_t ts_ns;   /* capture time, epoch nanoseconds */
    int linktype;    /* DLT_/LINKTYPE_ value of the frame's interface */
    unsigned iface;  /* pcapng interface id (0 for pcap) */
    const uint8_t *data;
    uint32_t caplen;        /* bytes present in data */
    uint32_t origlen;       /* bytes on the wire */
    int64_t file_off;       /* offset of data[0] in the file, -1 if the input is
                               not seekable (stdin, gzip) */
    struct cap_window *win; /* data lies in this window, or NULL: data is
                               valid only until the reader's next call */
};

/* ---------------------------------------------------------------- readers */

struct cap_reader;

/* Opens a pcap or pcapng file, gzip-compressed or not; "-" reads stdin.
 * Returns NULL and fills d on error. */
struct cap_reader *cap_reader_open(const char *path, unsigned source, struct err *d);
/* 1: a record was read; 0: clean end of file; -1: damaged or truncated input,
 * d names the file, frame number and byte offset.  Every record before the
 * damage has already been returned.  In a pcapng file the reader then
 * steps over the damaged block to the next valid one when it finds one (d
 * says how many bytes it skipped) and the next call goes on from there;
 * otherwise (and for pcap) the reader is at its end. */
int cap_reader_next(struct cap_reader *r, struct cap_record *rec, struct err *d);
const char *cap_reader_path(const struct cap_reader *r);
bool cap_reader_seekable(const struct cap_reader *r);        /* file offsets are valid */
uint64_t cap_reader_bytes_read(const struct cap_reader *r);  /* compressed bytes consumed */
uint64_t cap_reader_bytes_total(const struct cap_reader *r); /* file size, 0 if unknown */
/* Input from a pipe arrives when it arrives: fn(ctx) is called, on the
 * reading thread, each time the reader is about to wait for more, so what
 * was read so far can be handed on first. */
void cap_reader_on_wait(struct cap_reader *r, void (*fn)(void *ctx), void *ctx);
void cap_reader_close(struct cap_reader *r); /* accepts NULL */

/* Several readers merged by timestamp (stable: ties keep input order).
 * Takes ownership of the readers. */
struct cap_merge;
struct cap_merge *cap_merge_new(struct cap_reader **readers, unsigned n);
/* As cap_reader_next; on -1 the damage is reported in d, the input is
 * dropped unless it resynchronised, and the next call continues. */
int cap_merge_next(struct cap_merge *m, struct cap_record *rec, struct err *d);
/* Compressed bytes consumed so far by all its readers (for progress). */
uint64_t cap_merge_bytes_read(const struct cap_merge *m);
void cap_merge_free(struct cap_merge *m);

/* ---------------------------------------------------------------- payloads */

enum cap_transport {
    CAP_TRANSPORT_UDP,
    CAP_TRANSPORT_TCP,
    CAP_TRANSPORT_SCTP,
    CAP_TRANSPORT_WS,  /* SIP over WebSocket (RFC 7118) */
    CAP_TRANSPORT_TLS, /* SIP decrypted from TLS (or HEP of SIP over TLS) */
    CAP_TRANSPORT_WSS, /* SIP over WebSocket over TLS, decrypted */
};
const char *cap_transport_name(enum cap_transport t); /* "UDP", "TCP", ... */

/* Layers a payload came through, outermost first (for --dump packets). */
enum cap_layer {
    CAP_L_ETH = 1,
    CAP_L_VLAN,
    CAP_L_SLL,
    CAP_L_SLL2,
    CAP_L_NULL,
    CAP_L_RAW,
    CAP_L_IPV4,
    CAP_L_IPV6,
    CAP_L_IPV4_FRAG,
    CAP_L_IPV6_FRAG,
    CAP_L_GRE,
    CAP_L_ERSPAN,
    CAP_L_VXLAN,
    CAP_L_GTP,
    CAP_L_MPLS,
    CAP_L_PPPOE,
    CAP_L_UDP,
    CAP_L_TCP,
    CAP_L_TCP_REASM,
    CAP_L_SCTP,
    CAP_L_WS,
    CAP_L_HEP2,
    CAP_L_HEP3,
    CAP_L_HEP_GZIP,
    CAP_L_LLC, /* IEEE 802.3 frame: LLC/SNAP header before the EtherType */
    CAP_L_TLS, /* decrypted TLS application data */
};
const char *cap_layer_name(enum cap_layer l); /* "eth", "vlan", "ipv4", ... */

#define CAP_MAX_LAYERS 24

struct cap_addr {
    uint8_t family; /* 4 or 6 */
    uint8_t ip[16]; /* IPv4 in the first 4 bytes */
    uint16_t port;  /* host order */
};
/* "1.2.3.4:5060" or "[::1]:5060"; out should hold 64 bytes. */
void cap_addr_format(const struct cap_addr *a, bool with_port, char *out, size_t outlen);
bool cap_addr_eq(const struct cap_addr *a, const struct cap_addr *b); /* ip and port */

/* A transport payload: a UDP datagram, a framed SIP message from a TCP
 * stream, an SCTP DATA chunk, a WebSocket message, or a HEP payload.
 * Everything is borrowed for the duration of the callback only. */
struct cap_payload {
    unsigned source; /* input index */
    uint64_t frame;  /* frame that completed it (tshark's convention for
                        reassembled PDUs: the last segment/fragment) */
    int64_t ts_ns;   /* time of that frame, or HEP's own timestamp */
    struct cap_addr src, dst;
    enum cap_transport transport;
    const uint8_t *data;
    size_t len;
    int64_t file_off;               /* offset of data[0] in the source file when the
                                       bytes sit there contiguously and uncompressed;
                                       -1 when they were reassembled, unmasked,
                                       decompressed or read from a stream */
    uint8_t layers[CAP_MAX_LAYERS]; /* enum cap_layer, outermost first */
    uint8_t nlayers;
    bool truncated;         /* snaplen cut the frame: payload is partial */
    bool sip_likely;        /* content looks like SIP (start line match) */
    uint32_t hep_agent;     /* HEP capture agent id (0 if none) */
    struct cap_window *win; /* data lies in this window (cap_window_ref keeps
                               it past the callback), or NULL */
};

typedef void (*cap_payload_fn)(void *ctx, const struct cap_payload *p);

/* Decoder limits (bounded memory on hostile input). */
struct cap_limits {
    size_t frag_max_bytes;    /* all pending IP fragments together */
    int64_t frag_timeout_ns;  /* a datagram missing a fragment is freed after */
    size_t tcp_max_bytes;     /* buffered per TCP direction before resync */
    size_t tcp_max_streams;   /* tracked streams; oldest evicted */
    size_t tcp_max_ooo_segs;  /* out-of-order segments queued per direction */
    size_t tcp_max_ooo_total; /* what queued out-of-order segments cost, all
                                 directions (bytes + 64 a segment) */
};
void cap_limits_default(struct cap_limits *l);

struct cap_stats {
    uint64_t frames;
    uint64_t payloads;
    uint64_t undecodable; /* frames with no IP/transport found */
    uint64_t frag_reassembled, frag_expired, frag_dropped;
    uint64_t tcp_gaps, tcp_resyncs, tcp_retrans;
    uint64_t tcp_gap_bytes; /* sequence space given up in holes */
    uint64_t tcp_ooo_limit; /* holes given up because a queue limit was hit */
    uint64_t hep_packets, hep_errors;
    uint64_t too_deep;        /* tunnels nested past the limit: the inner packet is dropped */
    uint64_t tls_records;     /* TLS application data records (type 23) seen */
    uint64_t tls_decrypted;   /* of them, decrypted and authenticated */
    uint64_t tls_auth_failed; /* failed authentication: counted, never parsed */
};

struct cap_decoder;
struct cap_decoder *cap_decoder_new(const struct cap_limits *lim, cap_payload_fn fn, void *ctx);
/* Decodes one frame; calls fn zero or more times before returning. */
void cap_decoder_feed(struct cap_decoder *dec, const struct cap_record *rec);
/* End of input: expires pending fragments and stream buffers (a partial SIP
 * message at the end of a TCP stream is emitted as it is, flagged truncated). */
void cap_decoder_flush(struct cap_decoder *dec);
const struct cap_stats *cap_decoder_stats(const struct cap_decoder *dec);
void cap_decoder_free(struct cap_decoder *dec);

/* ---------------------------------------------------------------- TLS keys */

/* The TLS key store (NSS key log format, RFC 9850): CLIENT_RANDOM and the
 * TLS 1.3 handshake and application traffic secrets, by client random.
 * Thread-safe: files, pcapng Decryption Secrets Blocks and a live UDP
 * receiver add while a decoder reads. */
struct cap_tls_keys;
struct strbuf;
#define CAP_TLS_KEYS_MAX 262144 /* connections whose keys are kept */
struct cap_tls_keylog_stats {
    uint64_t lines;          /* key lines (not blank, not comments) */
    uint64_t accepted;       /* secrets stored */
    uint64_t ignored;        /* known labels not needed (EXPORTER_SECRET ...) */
    uint64_t bad;            /* malformed lines */
    uint64_t over_limit;     /* secrets not stored: the store was full */
    uint64_t first_bad_line; /* 1-based among key lines, 0: none */
    uint64_t stored;         /* connections with keys */
};
struct cap_tls_keys *cap_tls_keys_new(size_t max_entries); /* 0: CAP_TLS_KEYS_MAX */
void cap_tls_keys_free(struct cap_tls_keys *k);            /* accepts NULL */
/* Parses key lines; a cut last line is kept for the next call unless
 * final.  Returns the secrets stored. */
size_t cap_tls_keys_add(struct cap_tls_keys *k, const char *text, size_t n, bool final);
/* Reads a whole key log file; -1 with d filled when it cannot be read. */
int cap_tls_keys_load(struct cap_tls_keys *k, const char *path, struct err *d);
/* Changes whenever a secret is added (records waiting for keys retry). */
uint64_t cap_tls_keys_gen(const struct cap_tls_keys *k);
void cap_tls_keys_stats(struct cap_tls_keys *k, struct cap_tls_keylog_stats *st);
/* Appends the stored secrets as key log lines (only those of the ncr
 * client randoms in crs, unless crs is NULL); returns the lines. */
size_t cap_tls_keys_format(struct cap_tls_keys *k, const uint8_t (*crs)[32], size_t ncr,
                           struct strbuf *out);

/* The decoder decrypts TLS with these keys (borrowed; NULL: none). */
void cap_decoder_set_tls_keys(struct cap_decoder *dec, struct cap_tls_keys *k);
/* Records waiting for keys are tried now if the key store grew (a live
 * source calls it when keys came and no packet may follow soon). */
void cap_decoder_tls_retry(struct cap_decoder *dec);
/* After cap_decoder_flush: one line per TLS connection that could not be
 * read in full (addresses, frames, records, what to do), or NULL. */
const char *cap_decoder_tls_report(struct cap_decoder *dec);
/* What a TLS handshake showed that explains a failure, keys or not: an
 * alert, the versions and suites offered and chosen, the server's
 * certificate (seen in clear in TLS 1.2, decrypted in 1.3).  Texts for
 * these are the diag module's (diag_tls_fact_text). */
struct cap_tls_fact {
    struct cap_addr cli, srv;
    uint64_t frame;           /* of the alert, or of the certificate */
    int64_t ts_ns;            /* its capture time */
    uint16_t offered_max;     /* highest version the ClientHello offers (0x0304...) */
    uint16_t version;         /* chosen by the ServerHello, 0: none came */
    uint16_t nsuites;         /* cipher suites offered */
    uint16_t suite;           /* chosen, 0: none */
    uint16_t first_suites[4]; /* the first ones offered */
    uint8_t alert;            /* description (RFC 8446 6), 0: none */
    uint8_t alert_from;       /* 0 none, 1 the client, 2 the server */
    bool alert_fatal;
    bool cert_seen;
    int64_t not_before, not_after; /* epoch seconds */
    bool name_checked, name_ok;    /* against the SNI */
    char sni[64];                  /* from the ClientHello (printable ASCII) */
    char cert_name[64];            /* the certificate's subject CN */
};
/* After cap_decoder_flush: the facts of connections whose handshake or
 * certificate went wrong (at most 256; *n is set). */
const struct cap_tls_fact *cap_decoder_tls_facts(struct cap_decoder *dec, size_t *n);

/* A reader hands the secrets of pcapng Decryption Secrets Blocks (TLS key
 * log type) to k as it meets them (borrowed; NULL: ignored). */
void cap_reader_set_tls_keys(struct cap_reader *r, struct cap_tls_keys *k);
void cap_merge_set_tls_keys(struct cap_merge *m, struct cap_tls_keys *k);

/* True when the bytes start like a SIP request or status line (tolerates
 * leading CR/LF).  Used to recognise SIP on any port. */
bool cap_looks_like_sip(const uint8_t *p, size_t n);

/* ---------------------------------------------------------------- HEP */

/* Decodes one HEP v2/v3 packet received on a listener (rec->data is the
 * packet; linktype is ignored).  Counts hep_errors when it is not HEP. */
void cap_decoder_feed_hep(struct cap_decoder *dec, const struct cap_record *rec);
/* Length of the HEP3 packet starting at p (from its header; may exceed n),
 * 0 when p does not start a HEP3 packet.  Splits a HEP-over-TCP stream. */
size_t cap_hep_packet_len(const uint8_t *p, size_t n);
/* True when password is NULL/empty, or the HEP3 packet carries it as its
 * auth key (chunk 0x000e).  HEP v2 has no key: false when one is set. */
bool cap_hep_auth_ok(const uint8_t *p, size_t n, const char *password);
/* Encodes a payload as one HEP3 packet (protocol type SIP) into out;
 * returns its length, 0 when it does not fit in cap or in 65535 bytes.
 * A message with an X-Call-ID / X-CID header gets its value as the
 * correlation id (chunk 0x0011), as HOMER groups the legs of a call. */
size_t cap_hep3_encode(const struct cap_payload *p, uint32_t agent, const char *password,
                       uint8_t *out, size_t cap);
/* The value of the X-Call-ID / X-CID header of the SIP message in data
 * (trimmed; *out points into data), 0 when it has none. */
size_t cap_sip_correlation_id(const uint8_t *data, size_t len, const uint8_t **out);

/* ---------------------------------------------------------------- live capture */

#define CAP_SNAPLEN 262144 /* whole jumbo frames and GRO'd segments */

struct cap_live_opts {
    const char *bpf; /* NULL: cap_live_default_bpf(); "": no filter */
    int snaplen;     /* 0: CAP_SNAPLEN */
    int buffer_size; /* kernel buffer in bytes, 0: libpcap's default */
    bool promisc;
};
/* The filter used when none is given (keeps IP fragments: see live.c). */
const char *cap_live_default_bpf(void);
/* 0 when expr compiles as a capture filter (for Ethernet; no device
 * needed), else -1 with libpcap's message in err. */
int cap_bpf_check(const char *expr, char *err, size_t n);

/* A live libpcap handle.  Open needs root or CAP_NET_RAW; the handle is
 * non-blocking; frames come with file_off -1 and borrowed data. */
struct cap_live;
typedef void (*cap_record_fn)(void *ctx, const struct cap_record *rec);
struct cap_live *cap_live_open(const char *iface, const struct cap_live_opts *o, unsigned source,
                               struct err *d);
int cap_live_fd(const struct cap_live *cl); /* for poll(); -1 if none */
int cap_live_linktype(const struct cap_live *cl);
const char *cap_live_name(const struct cap_live *cl);
/* Reads what is ready (up to max frames, -1 = one buffer), calling fn per
 * frame.  Returns frames read, or -1 with d filled (interface went away). */
int cap_live_dispatch(struct cap_live *cl, int max, cap_record_fn fn, void *ctx, struct err *d);
struct cap_live_counts {
    uint64_t received, kernel_drops, if_drops; /* pcap_stats, since open */
};
int cap_live_stats(struct cap_live *cl, struct cap_live_counts *c);
void cap_live_close(struct cap_live *cl); /* accepts NULL */

/* Switches to an unprivileged user (root: setgroups/setgid/setuid to
 * user) or, when not root, clears every capability.  -1 with d filled on
 * any failure: the caller must not go on.  Main thread, before threads. */
int cap_priv_drop(const char *user, struct err *d);

#endif
