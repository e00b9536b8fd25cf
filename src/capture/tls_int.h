/*
 * tls_int.h: the pieces of TLS decryption shared inside the capture
 * module: the secrets of one connection as the key store hands them out
 * (tls_keys.c), the cipher suites and record protection built on
 * libcrypto (tls_crypto.c), and the record layer that tcp.c drives
 * (tls.c).  Thread: the decoder's, except the key store (see tls_keys.c).
 */
#ifndef SIPDX_TLS_INT_H
#define SIPDX_TLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

struct cap_ctx;

enum tls_secret {
    TLS_SECRET_MASTER, /* CLIENT_RANDOM: TLS 1.2 master secret */
    TLS_SECRET_CHS,    /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
    TLS_SECRET_SHS,    /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
    TLS_SECRET_CAP,    /* CLIENT_TRAFFIC_SECRET_0 */
    TLS_SECRET_SAP,    /* SERVER_TRAFFIC_SECRET_0 */
    TLS_SECRET_COUNT
};
#define TLS_SECRET_MAX 48 /* SHA-384 */

struct tls_secrets {
    uint8_t have; /* bit per enum tls_secret */
    uint8_t len[TLS_SECRET_COUNT];
    uint8_t sec[TLS_SECRET_COUNT][TLS_SECRET_MAX];
};

/* tls_keys.c: copies the secrets of client random cr; false if none. */
bool tls_keys_get(struct cap_tls_keys *k, const uint8_t cr[32], struct tls_secrets *out);
/* Stores a master secret learnt from a resumed session (by ID or ticket). */
void tls_keys_put_master(struct cap_tls_keys *k, const uint8_t cr[32], const uint8_t ms[48]);

/* ---- tls_crypto.c ---- */

enum tls_aead {
    TLS_C_GCM,
    TLS_C_CHACHA,
    TLS_C_CCM,
    TLS_C_CBC
};
enum tls_hash {
    TLS_H_NONE,
    TLS_H_SHA1,
    TLS_H_SHA256,
    TLS_H_SHA384
};

struct tls_suite {
    uint16_t id;
    uint8_t aead;    /* enum tls_aead */
    uint8_t key_len; /* cipher key bytes */
    uint8_t tag_len; /* AEAD tag bytes (CCM_8: 8) */
    uint8_t mac;     /* enum tls_hash: CBC's HMAC */
    uint8_t prf;     /* enum tls_hash: PRF / HKDF hash */
    bool tls13;
    const char *name; /* IANA name */
};
const struct tls_suite *tls_suite_find(uint16_t id);
const char *tls_suite_name(uint16_t id); /* "0x1301" style when unknown: static */

/* One direction's record protection. */
struct tls_cipher {
    const struct tls_suite *suite;
    void *ctx;     /* owned EVP_CIPHER_CTX */
    void *mac_ctx; /* owned EVP_MAC_CTX (CBC) */
    uint8_t key[32], iv[16], mac_key[48];
    uint8_t iv_len, mac_len;
    uint64_t seq;
    uint16_t version; /* record version the keys are for */
    bool tls13, etm;
};

void tls_cipher_clear(struct tls_cipher *c); /* frees the contexts */
/* TLS 1.2: both directions from the master secret (RFC 5246 6.3). */
bool tls12_keys(const struct tls_suite *s, uint16_t version, bool etm, const uint8_t ms[48],
                const uint8_t cr[32], const uint8_t sr[32], struct tls_cipher *client,
                struct tls_cipher *server);
/* TLS 1.3: one direction from a traffic secret (RFC 8446 7.3). */
bool tls13_keys(const struct tls_suite *s, const uint8_t *secret, size_t slen,
                struct tls_cipher *c);
/* TLS 1.3 KeyUpdate: secret = HKDF-Expand-Label(secret, "traffic upd"). */
bool tls13_next_secret(const struct tls_suite *s, uint8_t *secret, size_t slen);
/* Removes the protection of one record: 1 with *out and *outlen set (into buf,
 * of at least n bytes) and, for TLS 1.3, *type set to the inner content
 * type; 0 when the record fails authentication (or is malformed). */
int tls_cipher_open(struct tls_cipher *c, uint8_t *type, uint16_t ver, const uint8_t *frag,
                    size_t n, uint8_t *buf, const uint8_t **out, size_t *outlen);

/* ---- tls.c: the record layer of one TCP direction ---- */

struct tls_half;
struct tls_ctx; /* decoder-wide TLS state (session cache, report) */
struct tls_ctx *tls_ctx_new(void);
void tls_ctx_free(struct tls_ctx *x);

/* Plaintext application data of a direction goes to fn (tcp.c frames SIP
 * from it); c is the frame that completed the record. */
typedef void (*tls_plain_fn)(void *ctx, struct cap_ctx *c, const uint8_t *p, size_t n);

/* True when p starts like a TLS record (type, version, sane length). */
bool tls_looks_like_record(const uint8_t *p, size_t n);
/* A direction's TLS state, sharing its connection with the reverse
 * direction `peer` when that one exists (may be NULL). */
struct tls_half *tls_half_new(struct tls_ctx *x, const struct cap_addr *src,
                              const struct cap_addr *dst, struct tls_half *peer);
void tls_half_free(struct cap_decoder *dec, struct tls_half *h);
/* Consumes complete records of p; returns the bytes used (a cut record
 * stays with the caller).  -1 (as SIZE_MAX) when the stream is not TLS
 * after all. */
size_t tls_consume(struct cap_decoder *dec, struct tls_half *h, struct cap_ctx *c, const uint8_t *p,
                   size_t n, tls_plain_fn fn, void *fn_ctx);
/* Records waiting for keys are tried again (new keys came, or the end). */
void tls_retry(struct cap_decoder *dec, struct tls_half *h, tls_plain_fn fn, void *fn_ctx);
bool tls_half_waiting(const struct tls_half *h);
/* End of input: records still waiting count as not decrypted; the
 * connection is named in the report when it could not be read. */
void tls_half_finish(struct tls_half *h);

/* decode.c: the decoder's key store (NULL: none) and TLS state. */
struct cap_tls_keys *cap_decoder_tls_keys(struct cap_decoder *dec);
struct tls_ctx *cap_decoder_tls(struct cap_decoder *dec);

#endif
