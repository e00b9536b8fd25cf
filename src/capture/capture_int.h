/*
 * capture_int.h: helpers shared by the files of the capture module only.
 * Byte-order readers and the private decoder pieces (IP fragments, TCP
 * streams, WebSocket, HEP) that decode.c drives.  Single thread: the
 * capture thread that owns the decoder.
 */
#ifndef SIPDX_CAPTURE_INT_H
#define SIPDX_CAPTURE_INT_H

#include "capture.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t rd16be(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t rd32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint16_t rd16le(const uint8_t *p)
{
    return (uint16_t)((p[1] << 8) | p[0]);
}
static inline uint32_t rd32le(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* Where a piece of payload came from: the frame that carried (or
 * completed) it, and the layers above the transport. */
struct cap_ctx {
    const struct cap_record *rec;
    uint8_t layers[CAP_MAX_LAYERS];
    uint8_t nlayers;
    bool truncated;
    int depth;          /* tunnel nesting, bounded */
    uint32_t hep_agent; /* HEP capture agent id, 0 if none */
};

struct cap_decoder;

/* decode.c */
void cap_ctx_push(struct cap_ctx *c, enum cap_layer l);
/* Network layer: p points at an IPv4 or IPv6 header. */
void cap_decode_ip(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n);
/* Transport layer (after reassembly when needed). */
void cap_decode_transport(struct cap_decoder *dec, struct cap_ctx *c, int proto,
                          const struct cap_addr *src, const struct cap_addr *dst, const uint8_t *p,
                          size_t n, int64_t file_off);
/* Emits one payload through the decoder's callback. */
void cap_emit(struct cap_decoder *dec, const struct cap_ctx *c, enum cap_transport t,
              const struct cap_addr *src, const struct cap_addr *dst, const uint8_t *p, size_t n,
              int64_t file_off, bool truncated);
struct cap_stats *cap_decoder_stats_mut(struct cap_decoder *dec);
const struct cap_limits *cap_decoder_limits(const struct cap_decoder *dec);

/* frag.c: IP fragment reassembly.  Key fields are compared as bytes. */
struct cap_frags;
struct cap_frags *cap_frags_new(void);
void cap_frags_free(struct cap_frags *f);
/* Adds a fragment; when it completes a datagram, returns 1 and sets *out /
 * *outlen to the reassembled payload (valid until the next call) and *proto.
 * Returns 0 while incomplete, -1 when the fragment was dropped. */
int cap_frags_add(struct cap_decoder *dec, struct cap_frags *f, int family, const uint8_t *src,
                  const uint8_t *dst, uint32_t id, int proto, uint32_t off, bool more,
                  const uint8_t *p, size_t n, int64_t now, const uint8_t **out, size_t *outlen,
                  int *outproto);
void cap_frags_expire(struct cap_decoder *dec, struct cap_frags *f, int64_t now, bool all);

/* tcp.c: stream reassembly, SIP framing, WebSocket and HEP-over-TCP. */
struct cap_tcp;
struct cap_tcp *cap_tcp_new(void);
void cap_tcp_free(struct cap_decoder *dec, struct cap_tcp *t);
void cap_tcp_segment(struct cap_decoder *dec, struct cap_tcp *t, struct cap_ctx *c,
                     const struct cap_addr *src, const struct cap_addr *dst, uint32_t seq,
                     uint8_t flags, const uint8_t *p, size_t n, int64_t file_off);
void cap_tcp_flush(struct cap_decoder *dec, struct cap_tcp *t);
void cap_tcp_tls_retry(struct cap_decoder *dec, struct cap_tcp *t); /* new keys came */

/* sandbox.c: after the user switch (priv.c).  Empties the capability
 * bounding set (needs CAP_SETPCAP); 0 or -1 with d set. */
int cap_sandbox_bounding_clear(struct err *d);
/* PR_SET_NO_NEW_PRIVS and the seccomp filter: from here on, a system call
 * outside the list kills the process.  0 or -1 with d set. */
int cap_sandbox_enter(struct err *d);

/* hep.c: HEP v2/v3 by content.  True when p is a HEP packet it handled. */
bool cap_hep_is(const uint8_t *p, size_t n);
/* Length of the HEP3 packet at p (from its header), 0 if not HEP3. */
size_t cap_hep3_len(const uint8_t *p, size_t n);
void cap_hep_decode(struct cap_decoder *dec, struct cap_ctx *c, const uint8_t *p, size_t n);

#endif
