/*
 * tls_crypto: cipher suites, key derivation and record protection for
 * reading TLS 1.2 and 1.3, all on OpenSSL's libcrypto: EVP ciphers
 * (AES-GCM, AES-CCM, ChaCha20-Poly1305, AES-CBC), EVP_MAC HMAC, EVP_KDF
 * "TLS1-PRF" (RFC 5246 5) and "HKDF" in expand mode (RFC 8446 7.1's
 * HKDF-Expand-Label; only the label's encoding is built here).
 *
 * Thread: the decoder's; each struct tls_cipher belongs to one direction.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "capture_int.h"
#include "tls_int.h"

#define S12(id, a, k, t, m, p, n)                                                                  \
    {                                                                                              \
        id, a, k, t, m, p, false, n                                                                \
    }
#define S13(id, a, k, t, p, n)                                                                     \
    {                                                                                              \
        id, a, k, t, TLS_H_NONE, p, true, n                                                        \
    }

static const struct tls_suite suites[] = {
    S13(0x1301, TLS_C_GCM, 16, 16, TLS_H_SHA256, "TLS_AES_128_GCM_SHA256"),
    S13(0x1302, TLS_C_GCM, 32, 16, TLS_H_SHA384, "TLS_AES_256_GCM_SHA384"),
    S13(0x1303, TLS_C_CHACHA, 32, 16, TLS_H_SHA256, "TLS_CHACHA20_POLY1305_SHA256"),
    S13(0x1304, TLS_C_CCM, 16, 16, TLS_H_SHA256, "TLS_AES_128_CCM_SHA256"),
    S13(0x1305, TLS_C_CCM, 16, 8, TLS_H_SHA256, "TLS_AES_128_CCM_8_SHA256"),
    S12(0x009C, TLS_C_GCM, 16, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    S12(0x009D, TLS_C_GCM, 32, 16, TLS_H_NONE, TLS_H_SHA384, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    S12(0x009E, TLS_C_GCM, 16, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    S12(0x009F, TLS_C_GCM, 32, 16, TLS_H_NONE, TLS_H_SHA384, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    S12(0xC02B, TLS_C_GCM, 16, 16, TLS_H_NONE, TLS_H_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    S12(0xC02C, TLS_C_GCM, 32, 16, TLS_H_NONE, TLS_H_SHA384,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    S12(0xC02F, TLS_C_GCM, 16, 16, TLS_H_NONE, TLS_H_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    S12(0xC030, TLS_C_GCM, 32, 16, TLS_H_NONE, TLS_H_SHA384,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    S12(0xCCA8, TLS_C_CHACHA, 32, 16, TLS_H_NONE, TLS_H_SHA256,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    S12(0xCCA9, TLS_C_CHACHA, 32, 16, TLS_H_NONE, TLS_H_SHA256,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    S12(0xCCAA, TLS_C_CHACHA, 32, 16, TLS_H_NONE, TLS_H_SHA256,
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    S12(0xC09C, TLS_C_CCM, 16, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_RSA_WITH_AES_128_CCM"),
    S12(0xC09D, TLS_C_CCM, 32, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_RSA_WITH_AES_256_CCM"),
    S12(0xC0AC, TLS_C_CCM, 16, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    S12(0xC0AD, TLS_C_CCM, 32, 16, TLS_H_NONE, TLS_H_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    S12(0x002F, TLS_C_CBC, 16, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    S12(0x0035, TLS_C_CBC, 32, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    S12(0x003C, TLS_C_CBC, 16, 0, TLS_H_SHA256, TLS_H_SHA256, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    S12(0x003D, TLS_C_CBC, 32, 0, TLS_H_SHA256, TLS_H_SHA256, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    S12(0x0033, TLS_C_CBC, 16, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    S12(0x0039, TLS_C_CBC, 32, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    S12(0x0067, TLS_C_CBC, 16, 0, TLS_H_SHA256, TLS_H_SHA256,
        "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    S12(0x006B, TLS_C_CBC, 32, 0, TLS_H_SHA256, TLS_H_SHA256,
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    S12(0xC009, TLS_C_CBC, 16, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    S12(0xC00A, TLS_C_CBC, 32, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    S12(0xC013, TLS_C_CBC, 16, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    S12(0xC014, TLS_C_CBC, 32, 0, TLS_H_SHA1, TLS_H_SHA256, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    S12(0xC023, TLS_C_CBC, 16, 0, TLS_H_SHA256, TLS_H_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    S12(0xC024, TLS_C_CBC, 32, 0, TLS_H_SHA384, TLS_H_SHA384,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    S12(0xC027, TLS_C_CBC, 16, 0, TLS_H_SHA256, TLS_H_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    S12(0xC028, TLS_C_CBC, 32, 0, TLS_H_SHA384, TLS_H_SHA384,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
};

const struct tls_suite *tls_suite_find(uint16_t id)
{
    size_t i;

    for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

const char *tls_suite_name(uint16_t id)
{
    const struct tls_suite *s = tls_suite_find(id);

    return s ? s->name : NULL;
}

static const char *hash_name(enum tls_hash h)
{
    switch (h) {
    case TLS_H_SHA1:
        return "SHA1";
    case TLS_H_SHA256:
        return "SHA256";
    case TLS_H_SHA384:
        return "SHA384";
    case TLS_H_NONE:
        break;
    }
    return NULL;
}

static size_t hash_len(enum tls_hash h)
{
    return h == TLS_H_SHA1 ? 20 : h == TLS_H_SHA256 ? 32 : h == TLS_H_SHA384 ? 48 : 0;
}

static const EVP_CIPHER *cipher_of(const struct tls_suite *s)
{
    switch ((enum tls_aead)s->aead) {
    case TLS_C_GCM:
        return s->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
    case TLS_C_CCM:
        return s->key_len == 16 ? EVP_aes_128_ccm() : EVP_aes_256_ccm();
    case TLS_C_CHACHA:
        return EVP_chacha20_poly1305();
    case TLS_C_CBC:
        return s->key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    }
    return NULL;
}

void tls_cipher_clear(struct tls_cipher *c)
{
    EVP_CIPHER_CTX_free(c->ctx);
    EVP_MAC_CTX_free(c->mac_ctx);
    OPENSSL_cleanse(c, sizeof(*c));
}

/* Sets up the contexts once per key: records then only change the nonce. */
static bool cipher_init(struct tls_cipher *c)
{
    const EVP_CIPHER *ev = cipher_of(c->suite);

    c->ctx = EVP_CIPHER_CTX_new();
    if (!c->ctx || !ev)
        return false;
    if (c->suite->aead == TLS_C_CCM)
        return EVP_DecryptInit_ex(c->ctx, ev, NULL, NULL, NULL) == 1 &&
               EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1;
    if (EVP_DecryptInit_ex(c->ctx, ev, NULL, c->key, NULL) != 1)
        return false;
    if (c->suite->aead == TLS_C_CBC) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        OSSL_PARAM p[2];

        EVP_CIPHER_CTX_set_padding(c->ctx, 0);
        if (!mac)
            return false;
        c->mac_ctx = EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);
        p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                (char *)hash_name(c->suite->mac), 0);
        p[1] = OSSL_PARAM_construct_end();
        return c->mac_ctx && EVP_MAC_CTX_set_params(c->mac_ctx, p) == 1;
    }
    return true;
}

static bool prf(enum tls_hash h, const uint8_t *secret, size_t slen, const char *label,
                const uint8_t *s1, const uint8_t *s2, uint8_t *out, size_t outlen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint8_t seed[128];
    size_t ll = strlen(label);
    OSSL_PARAM p[4];
    bool ok;

    EVP_KDF_free(kdf);
    if (!kc)
        return false;
    memcpy(seed, label, ll);
    memcpy(seed + ll, s1, 32);
    memcpy(seed + ll + 32, s2, 32);
    p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)hash_name(h), 0);
    p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen);
    p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, ll + 64);
    p[3] = OSSL_PARAM_construct_end();
    ok = EVP_KDF_derive(kc, out, outlen, p) == 1;
    EVP_KDF_CTX_free(kc);
    OPENSSL_cleanse(seed, sizeof(seed));
    return ok;
}

bool tls12_keys(const struct tls_suite *s, uint16_t version, bool etm, const uint8_t ms[48],
                const uint8_t cr[32], const uint8_t sr[32], struct tls_cipher *client,
                struct tls_cipher *server)
{
    uint8_t kb[2 * 48 + 2 * 32 + 2 * 16], *q = kb;
    size_t ml = s->aead == TLS_C_CBC ? hash_len(s->mac) : 0;
    size_t il = s->aead == TLS_C_CBC ? 16 : s->aead == TLS_C_CHACHA ? 12 : 4;
    size_t need = 2 * ml + 2 * (size_t)s->key_len + 2 * il;
    struct tls_cipher *side[2] = {client, server};
    int i;

    if (s->tls13 || !prf(s->prf, ms, 48, "key expansion", sr, cr, kb, need))
        return false;
    for (i = 0; i < 2; i++) {
        memset(side[i], 0, sizeof(*side[i]));
        side[i]->suite = s;
        side[i]->version = version;
        side[i]->etm = etm && s->aead == TLS_C_CBC;
        side[i]->mac_len = (uint8_t)ml;
        side[i]->iv_len = (uint8_t)il;
    }
    for (i = 0; i < 2; i++, q += ml)
        memcpy(side[i]->mac_key, q, ml);
    for (i = 0; i < 2; i++, q += s->key_len)
        memcpy(side[i]->key, q, s->key_len);
    for (i = 0; i < 2; i++, q += il)
        memcpy(side[i]->iv, q, il);
    OPENSSL_cleanse(kb, sizeof(kb));
    return cipher_init(client) && cipher_init(server);
}

/* HKDF-Expand-Label(secret, label, "", len) (RFC 8446 7.1). */
static bool expand_label(enum tls_hash h, const uint8_t *secret, size_t slen, const char *label,
                         uint8_t *out, size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint8_t info[2 + 1 + 6 + 32 + 1];
    size_t ll = strlen(label), il = 0;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM p[5];
    bool ok;

    EVP_KDF_free(kdf);
    if (!kc || ll > 32)
        return false;
    info[il++] = (uint8_t)(len >> 8);
    info[il++] = (uint8_t)len;
    info[il++] = (uint8_t)(6 + ll);
    memcpy(info + il, "tls13 ", 6);
    il += 6;
    memcpy(info + il, label, ll);
    il += ll;
    info[il++] = 0; /* empty context */
    p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)hash_name(h), 0);
    p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, slen);
    p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, il);
    p[4] = OSSL_PARAM_construct_end();
    ok = EVP_KDF_derive(kc, out, len, p) == 1;
    EVP_KDF_CTX_free(kc);
    return ok;
}

bool tls13_keys(const struct tls_suite *s, const uint8_t *secret, size_t slen, struct tls_cipher *c)
{
    memset(c, 0, sizeof(*c));
    c->suite = s;
    c->tls13 = true;
    c->version = 0x0303;
    c->iv_len = 12;
    if (!s->tls13 || slen != hash_len(s->prf) ||
        !expand_label(s->prf, secret, slen, "key", c->key, s->key_len) ||
        !expand_label(s->prf, secret, slen, "iv", c->iv, 12))
        return false;
    return cipher_init(c);
}

bool tls13_next_secret(const struct tls_suite *s, uint8_t *secret, size_t slen)
{
    uint8_t next[TLS_SECRET_MAX];
    bool ok = slen <= sizeof(next) && expand_label(s->prf, secret, slen, "traffic upd", next, slen);

    if (ok)
        memcpy(secret, next, slen);
    OPENSSL_cleanse(next, sizeof(next));
    return ok;
}

/* The per-record nonce: the IV with the sequence number XORed into its
 * last eight bytes (RFC 8446 5.3, RFC 7905 2). */
static void xor_nonce(const struct tls_cipher *c, uint8_t nonce[12])
{
    int i;

    memcpy(nonce, c->iv, 12);
    for (i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(c->seq >> (56 - 8 * i));
}

static void put_seq_hdr(uint8_t ad[13], uint64_t seq, uint8_t type, uint16_t ver, size_t len)
{
    int i;

    for (i = 0; i < 8; i++)
        ad[i] = (uint8_t)(seq >> (56 - 8 * i));
    ad[8] = type;
    ad[9] = (uint8_t)(ver >> 8);
    ad[10] = (uint8_t)ver;
    ad[11] = (uint8_t)(len >> 8);
    ad[12] = (uint8_t)len;
}

static int aead_open(struct tls_cipher *c, const uint8_t *nonce, const uint8_t *ad, size_t adl,
                     const uint8_t *ct, size_t ctl, const uint8_t *tag, uint8_t *out)
{
    EVP_CIPHER_CTX *x = c->ctx;
    int ol = 0, fl = 0;
    unsigned tl = c->suite->tag_len;

    if (c->suite->aead == TLS_C_CCM) {
        /* CCM takes the expected tag and the length before the data. */
        if (EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, (int)tl, (void *)tag) != 1 ||
            EVP_DecryptInit_ex(x, NULL, NULL, c->key, nonce) != 1 ||
            EVP_DecryptUpdate(x, NULL, &ol, NULL, (int)ctl) != 1 ||
            EVP_DecryptUpdate(x, NULL, &ol, ad, (int)adl) != 1)
            return 0;
        return EVP_DecryptUpdate(x, out, &ol, ct, (int)ctl) == 1;
    }
    if (EVP_DecryptInit_ex(x, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(x, NULL, &ol, ad, (int)adl) != 1 ||
        EVP_DecryptUpdate(x, out, &ol, ct, (int)ctl) != 1 ||
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, (int)tl, (void *)tag) != 1)
        return 0;
    return EVP_DecryptFinal_ex(x, out + ol, &fl) == 1;
}

static bool hmac_ok(struct tls_cipher *c, const uint8_t hdr[13], const uint8_t *p, size_t n,
                    const uint8_t *mac)
{
    uint8_t md[64];
    size_t ml = 0;

    if (EVP_MAC_init(c->mac_ctx, c->mac_key, c->mac_len, NULL) != 1 ||
        EVP_MAC_update(c->mac_ctx, hdr, 13) != 1 || EVP_MAC_update(c->mac_ctx, p, n) != 1 ||
        EVP_MAC_final(c->mac_ctx, md, &ml, sizeof(md)) != 1 || ml != c->mac_len)
        return false;
    return CRYPTO_memcmp(md, mac, ml) == 0;
}

/* AES-CBC with HMAC: MAC-then-encrypt (RFC 5246 6.2.3.2) or
 * encrypt-then-MAC (RFC 7366). */
static int cbc_open(struct tls_cipher *c, uint8_t type, uint16_t ver, const uint8_t *frag, size_t n,
                    uint8_t *buf, const uint8_t **out, size_t *outlen)
{
    size_t ml = c->mac_len, ivl = c->version >= 0x0302 ? 16 : 0, ctl, pad, pl;
    const uint8_t *iv = ivl ? frag : c->iv;
    uint8_t hdr[13];
    int ol = 0;

    if (c->etm) {
        if (n < ml + ivl + 16)
            return 0;
        put_seq_hdr(hdr, c->seq, type, ver, n - ml);
        if (!hmac_ok(c, hdr, frag, n - ml, frag + n - ml))
            return 0;
        ctl = n - ml - ivl;
    } else {
        ctl = n - ivl;
    }
    if (n < ivl + 16 || ctl % 16 || ctl == 0)
        return 0;
    if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(c->ctx, buf, &ol, frag + ivl, (int)ctl) != 1 || (size_t)ol != ctl)
        return 0;
    if (!ivl) /* TLS 1.0: the next IV is this record's last block */
        memcpy(c->iv, frag + ivl + ctl - 16, 16);
    pad = buf[ctl - 1];
    if (pad + 1 > ctl || (!c->etm && pad + 1 + ml > ctl))
        return 0;
    pl = ctl - pad - 1 - (c->etm ? 0 : ml);
    if (!c->etm) {
        put_seq_hdr(hdr, c->seq, type, ver, pl);
        if (!hmac_ok(c, hdr, buf, pl, buf + pl))
            return 0;
    }
    *out = buf;
    *outlen = pl;
    return 1;
}

int tls_cipher_open(struct tls_cipher *c, uint8_t *type, uint16_t ver, const uint8_t *frag,
                    size_t n, uint8_t *buf, const uint8_t **out, size_t *outlen)
{
    uint8_t nonce[12], ad[13];
    size_t tl = c->suite->tag_len, ctl;
    int ok;

    if (c->suite->aead == TLS_C_CBC) {
        ok = cbc_open(c, *type, ver, frag, n, buf, out, outlen);
    } else if (c->tls13) {
        if (n < tl + 1)
            return 0;
        ctl = n - tl;
        xor_nonce(c, nonce);
        ad[0] = 23;
        ad[1] = 3;
        ad[2] = 3;
        ad[3] = (uint8_t)(n >> 8);
        ad[4] = (uint8_t)n;
        ok = aead_open(c, nonce, ad, 5, frag, ctl, frag + ctl, buf);
        if (ok) {
            /* TLSInnerPlaintext: content, type, zero padding. */
            while (ctl > 0 && buf[ctl - 1] == 0)
                ctl--;
            if (ctl == 0)
                return 0;
            *type = buf[ctl - 1];
            *out = buf;
            *outlen = ctl - 1;
        }
    } else if (c->suite->aead == TLS_C_CHACHA) {
        if (n < tl)
            return 0;
        ctl = n - tl;
        xor_nonce(c, nonce);
        put_seq_hdr(ad, c->seq, *type, ver, ctl);
        ok = aead_open(c, nonce, ad, 13, frag, ctl, frag + ctl, buf);
        *out = buf;
        *outlen = ctl;
    } else {
        /* GCM and CCM in TLS 1.2: 4 fixed bytes + 8 explicit. */
        if (n < 8 + tl)
            return 0;
        ctl = n - 8 - tl;
        memcpy(nonce, c->iv, 4);
        memcpy(nonce + 4, frag, 8);
        put_seq_hdr(ad, c->seq, *type, ver, ctl);
        ok = aead_open(c, nonce, ad, 13, frag + 8, ctl, frag + 8 + ctl, buf);
        *out = buf;
        *outlen = ctl;
    }
    c->seq++; /* the sender counted this record whatever we make of it */
    return ok ? 1 : 0;
}
