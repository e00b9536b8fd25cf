/*
 * tls: the TLS record layer of a TCP direction that tcp.c found to carry
 * TLS.  Records come whole from tcp.c's reassembly (a cut record stays in
 * its buffer); handshake messages are reassembled across records here.
 * The hellos give the client random, version, suite, session ID, ticket
 * and encrypt-then-MAC; keys come from the key store by client random
 * (TLS 1.2 master secret, TLS 1.3 traffic secrets) or, for a TLS 1.2
 * session resumed by ID or ticket, from the session it resumes.  Decrypted
 * application data goes to tcp.c, which frames SIP (or a WebSocket) from
 * it as from plain TCP.
 *
 * Records that need keys not (yet) known wait in the direction, in order,
 * bounded per direction and decoder-wide; they are tried again when the
 * key store grows, and counted as not decrypted at the end.  A record that
 * fails authentication is counted and dropped: its bytes are never parsed.
 *
 * Thread: the decoder's.  Ownership: a connection is shared by its two
 * directions (reference counted); each direction owns its buffers.
 */
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_int.h"
#include "tls_int.h"
#include "util.h"

#define HS_MAX       (1u << 20) /* a handshake message larger is dropped */
#define PEND_MAX     (1u << 20) /* records waiting for keys, per direction */
#define PEND_ALL_MAX (64u << 20)
#define CACHE_SLOTS  1024 /* TLS 1.2 sessions by ID and ticket */
#define REPORT_MAX   64   /* connections named in the report */
#define FACTS_MAX    256  /* handshakes that went wrong, kept for diagnosis */
#define REC_MAX      (16384 + 2048)
#define HRR_RANDOM                                                                                 \
    "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91"                             \
    "\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"

struct cache_ent {
    uint64_t key; /* hash of a session ID or ticket, 0 = free */
    uint8_t ms[48];
};

struct tls_ctx {
    struct cache_ent cache[CACHE_SLOTS];
    unsigned cache_next;
    size_t pend_all;      /* bytes waiting for keys, all directions */
    struct strbuf report; /* one line per connection not (fully) decrypted */
    unsigned reported;
    struct cap_tls_fact facts[FACTS_MAX];
    size_t nfacts;
};

struct tls_conn {
    unsigned refs;
    struct cap_addr cli, srv; /* cli: the ClientHello's sender */
    bool have_ch, have_sh, tls13, keyed12, reported;
    uint8_t cr[32], sr[32];
    uint16_t version; /* negotiated */
    const struct tls_suite *suite;
    uint16_t suite_id;
    bool etm_offered, etm;
    uint8_t ch_sid[32], sh_sid[32], ch_sidlen, sh_sidlen;
    uint64_t ticket; /* hash of the ticket the ClientHello offers, 0: none */
    uint8_t ms[48];
    bool have_ms;
    struct tls_secrets sec;
    uint64_t sec_gen; /* key store generation last looked at */
    bool sec_looked;
    struct tls_cipher c12[2]; /* TLS 1.2 client, server: in use after CCS */
    uint64_t records, protected_recs, decrypted, undecrypted, auth_failed;
    uint64_t first_frame, last_frame;
    struct cap_tls_fact fact; /* what the handshake showed */
    bool cert_done, fact_done;
    bool app_seen; /* application data went over it (alerts after: not why it failed) */
};

struct pend_hdr {
    uint32_t len;
    uint8_t type;
    uint16_t ver;
    struct cap_record rec; /* data NULL */
    uint8_t layers[CAP_MAX_LAYERS];
    uint8_t nlayers;
};

struct tls_half {
    struct tls_ctx *x;
    struct tls_conn *conn;
    struct tls_half *peer; /* the reverse direction, NULL once freed */
    struct cap_addr src, dst;
    bool is_client, role_known;
    uint8_t *hs; /* owned: handshake bytes not yet parsed */
    size_t hslen, hscap;
    bool hs_lost; /* a handshake message was too big: skip the rest */
    struct tls_cipher rx;
    bool rx_on;
    int epoch;       /* TLS 1.3: 0 clear, 1 handshake keys, 2 application */
    bool ccs;        /* TLS 1.2: ChangeCipherSpec seen, records protected */
    uint8_t app[48]; /* TLS 1.3 current application secret (KeyUpdate) */
    uint8_t *pend;   /* owned: struct pend_hdr + bytes, in order */
    size_t plen, pcap;
    uint8_t buf[REC_MAX]; /* plaintext of one record */
};

struct tls_ctx *tls_ctx_new(void)
{
    struct tls_ctx *x = xcalloc(1, sizeof(*x));

    sb_init(&x->report);
    return x;
}

void tls_ctx_free(struct tls_ctx *x)
{
    if (!x)
        return;
    sb_fini(&x->report);
    free(x);
}

bool tls_looks_like_record(const uint8_t *p, size_t n)
{
    uint16_t len;

    if (n < 5 || p[0] < 20 || p[0] > 23 || p[1] != 3 || p[2] > 4)
        return false;
    len = rd16be(p + 3);
    if (len == 0 || len > REC_MAX)
        return false;
    /* A stream starts with a hello; one caught mid-way with any record. */
    return p[0] != 22 || n < 6 || p[5] == 1 || p[5] == 2 || p[2] == 3;
}

struct tls_half *tls_half_new(struct tls_ctx *x, const struct cap_addr *src,
                              const struct cap_addr *dst, struct tls_half *peer)
{
    struct tls_half *h = xcalloc(1, sizeof(*h));

    h->x = x;
    h->src = *src;
    h->dst = *dst;
    if (peer && peer->conn) {
        h->conn = peer->conn;
        peer->peer = h;
        h->peer = peer;
        if (peer->role_known) {
            h->role_known = true;
            h->is_client = !peer->is_client;
        }
    } else {
        h->conn = xcalloc(1, sizeof(*h->conn));
    }
    h->conn->refs++;
    return h;
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

/* Ports SIP over TLS and WSS use (the default capture filter's): TLS
 * elsewhere, mostly the web on 443, is not named, or every capture taken
 * on a busy host would list its browsing. */
static bool sip_port(uint16_t p)
{
    return (p >= 5060 && p <= 5090) || p == 8088 || p == 8089;
}

/* Names a connection that could not be read in full, once, with what to do
 * about it. */
static void conn_report(struct tls_ctx *x, struct tls_conn *k)
{
    char a[64], b[64];
    struct strbuf *r = &x->report;

    if (k->reported || (k->undecrypted == 0 && k->auth_failed == 0))
        return;
    if (!k->decrypted && !sip_port(k->srv.port) && !sip_port(k->cli.port))
        return;
    k->reported = true;
    if (x->reported++ >= REPORT_MAX)
        return;
    cap_addr_format(&k->cli, true, a, sizeof(a));
    cap_addr_format(&k->srv, true, b, sizeof(b));
    sb_printf(r, "TLS %s -> %s (frames %llu-%llu): ", a, b, (unsigned long long)k->first_frame,
              (unsigned long long)k->last_frame);
    if (k->undecrypted) {
        sb_printf(r, "%llu of %llu records not decrypted: ", (unsigned long long)k->undecrypted,
                  (unsigned long long)k->records);
        if (!k->have_ch) {
            sb_puts(r, "the capture starts after the handshake (no client random); "
                       "capture the connection from its start");
        } else {
            sb_puts(r, "no key for client random ");
            put_hex(r, k->cr, 32);
            sb_puts(r, "; give the key log with --tls-keylog FILE or udp:PORT (Kamailio tls "
                       "keylog_mode/keylog_peer, SSLKEYLOGFILE); Asterisk and FreeSWITCH write "
                       "no TLS keys: send HEP from the PBX to --hep-listen");
        }
        if (k->auth_failed)
            sb_puts(r, "; ");
    }
    if (k->auth_failed)
        sb_printf(r, "%llu records failed authentication (wrong key or damaged), not read",
                  (unsigned long long)k->auth_failed);
    sb_putc(r, '\n');
}

/* Keeps the handshake facts of a connection that went wrong. */
static void conn_fact(struct tls_ctx *x, struct tls_conn *k)
{
    struct cap_tls_fact *f = &k->fact;
    /* close_notify (0) and user_canceled (90) end a connection normally */
    bool bad_alert = f->alert_from && f->alert != 0 && f->alert != 90;
    int64_t now = f->ts_ns / 1000000000;
    bool bad_cert = f->cert_seen &&
                    (now > f->not_after || now < f->not_before || (f->name_checked && !f->name_ok));

    k->fact_done = true;
    if ((!bad_alert && !bad_cert) || x->nfacts >= FACTS_MAX)
        return;
    f->cli = k->cli;
    f->srv = k->srv;
    f->version = k->have_sh ? k->version : 0;
    f->suite = k->have_sh ? k->suite_id : 0;
    x->facts[x->nfacts++] = *f;
}

const struct cap_tls_fact *cap_decoder_tls_facts(struct cap_decoder *dec, size_t *n)
{
    struct tls_ctx *x = cap_decoder_tls(dec);

    *n = x->nfacts;
    return x->facts;
}

void tls_half_free(struct cap_decoder *dec, struct tls_half *h)
{
    struct pend_hdr ph;
    size_t o = 0;

    if (!h)
        return;
    while (o + sizeof(ph) <= h->plen) { /* still waiting: never decrypted */
        memcpy(&ph, h->pend + o, sizeof(ph));
        h->conn->undecrypted++;
        o += sizeof(ph) + ph.len;
    }
    h->x->pend_all -= h->plen;
    if (h->peer)
        h->peer->peer = NULL;
    if (--h->conn->refs == 0) {
        conn_report(h->x, h->conn);
        if (!h->conn->fact_done)
            conn_fact(h->x, h->conn);
        tls_cipher_clear(&h->conn->c12[0]);
        tls_cipher_clear(&h->conn->c12[1]);
        free(h->conn);
    }
    (void)dec;
    tls_cipher_clear(&h->rx);
    free(h->hs);
    free(h->pend);
    free(h);
}

const char *cap_decoder_tls_report(struct cap_decoder *dec)
{
    struct tls_ctx *x = cap_decoder_tls(dec);

    return x && x->report.len ? x->report.s : NULL;
}

/* ------------------------------------------------------------ sessions */

static void cache_put(struct tls_ctx *x, uint64_t key, const uint8_t ms[48])
{
    struct cache_ent *e = &x->cache[x->cache_next++ % CACHE_SLOTS];

    e->key = key;
    memcpy(e->ms, ms, 48);
}

static bool cache_get(const struct tls_ctx *x, uint64_t key, uint8_t ms[48])
{
    unsigned i;

    for (i = 0; key && i < CACHE_SLOTS; i++)
        if (x->cache[i].key == key) {
            memcpy(ms, x->cache[i].ms, 48);
            return true;
        }
    return false;
}

static uint64_t key_of(const uint8_t *p, size_t n, uint8_t kind)
{
    uint64_t h = hash_bytes(p, n) ^ kind;

    return h ? h : 1;
}

/* ------------------------------------------------------------ keys */

static void half_activate(struct tls_half *h);

/* Looks the connection's keys up again when the store changed. */
static void conn_keys(struct cap_decoder *dec, struct tls_conn *k)
{
    struct cap_tls_keys *ks = cap_decoder_tls_keys(dec);
    struct tls_ctx *x = cap_decoder_tls(dec);

    if (!k->have_sh || !k->suite || !ks)
        return;
    if (k->sec_looked && k->sec_gen == cap_tls_keys_gen(ks))
        return;
    k->sec_looked = true;
    k->sec_gen = cap_tls_keys_gen(ks);
    if (!tls_keys_get(ks, k->cr, &k->sec))
        k->sec.have = 0;
    if (k->tls13 || k->keyed12)
        return;
    if (k->sec.have & (1u << TLS_SECRET_MASTER)) {
        memcpy(k->ms, k->sec.sec[TLS_SECRET_MASTER], 48);
        k->have_ms = true;
    } else if ((k->sh_sidlen && k->sh_sidlen == k->ch_sidlen &&
                memcmp(k->sh_sid, k->ch_sid, k->sh_sidlen) == 0 &&
                cache_get(x, key_of(k->sh_sid, k->sh_sidlen, 1), k->ms)) ||
               cache_get(x, k->ticket, k->ms)) {
        /* Resumed: the master secret of the session it resumes, kept in
         * the store so a saved capture carries it. */
        k->have_ms = true;
        tls_keys_put_master(ks, k->cr, k->ms);
        k->sec_gen = cap_tls_keys_gen(ks);
    }
    if (k->have_ms) {
        k->keyed12 =
            tls12_keys(k->suite, k->version, k->etm, k->ms, k->cr, k->sr, &k->c12[0], &k->c12[1]);
        if (k->keyed12 && k->sh_sidlen)
            cache_put(x, key_of(k->sh_sid, k->sh_sidlen, 1), k->ms);
    }
}

/* Moves the right keys into the direction's decryptor for where it is. */
static void half_activate(struct tls_half *h)
{
    struct tls_conn *k = h->conn;
    int s;

    if (h->rx_on || !h->role_known)
        return;
    if (!k->tls13) {
        if (!h->ccs || !k->keyed12)
            return;
        /* Hand over the prepared context (one per direction). */
        h->rx = k->c12[h->is_client ? 0 : 1];
        memset(&k->c12[h->is_client ? 0 : 1], 0, sizeof(struct tls_cipher));
        h->rx_on = true;
        return;
    }
    if (h->epoch == 1)
        s = h->is_client ? TLS_SECRET_CHS : TLS_SECRET_SHS;
    else if (h->epoch == 2)
        s = h->is_client ? TLS_SECRET_CAP : TLS_SECRET_SAP;
    else
        return;
    if (!(k->sec.have & (1u << s)))
        return;
    if (h->epoch == 2)
        memcpy(h->app, k->sec.sec[s], k->sec.len[s]);
    h->rx_on = tls13_keys(k->suite, k->sec.sec[s], k->sec.len[s], &h->rx);
    if (!h->rx_on)
        tls_cipher_clear(&h->rx);
}

static void set_epoch(struct tls_half *h, int epoch)
{
    h->epoch = epoch;
    if (h->rx_on)
        tls_cipher_clear(&h->rx);
    h->rx_on = false;
    half_activate(h);
}

/* ------------------------------------------------------------ handshake */

struct rd {
    const uint8_t *p;
    size_t n, o;
    bool bad;
};

static const uint8_t *take(struct rd *r, size_t k)
{
    const uint8_t *q = r->p + r->o;

    if (r->bad || r->n - r->o < k) {
        r->bad = true;
        return NULL;
    }
    r->o += k;
    return q;
}

static unsigned u8(struct rd *r)
{
    const uint8_t *q = take(r, 1);

    return q ? q[0] : 0;
}

static unsigned u16(struct rd *r)
{
    const uint8_t *q = take(r, 2);

    return q ? rd16be(q) : 0;
}

static void set_role(struct tls_half *h, bool client)
{
    struct tls_conn *k = h->conn;

    h->role_known = true;
    h->is_client = client;
    if (h->peer) {
        h->peer->role_known = true;
        h->peer->is_client = !client;
    }
    k->cli = client ? h->src : h->dst;
    k->srv = client ? h->dst : h->src;
}

static void client_hello(struct tls_half *h, struct rd *r)
{
    struct tls_conn *k = h->conn;
    const uint8_t *q;
    unsigned l, el;

    set_role(h, true);
    u16(r);
    q = take(r, 32);
    if (!q)
        return;
    /* A second ClientHello (after a HelloRetryRequest) has the same random. */
    memcpy(k->cr, q, 32);
    k->have_ch = true;
    l = u8(r);
    q = take(r, l);
    if (q && l <= 32) {
        memcpy(k->ch_sid, q, l);
        k->ch_sidlen = (uint8_t)l;
    }
    l = u16(r);
    q = take(r, l);
    if (q) {
        unsigned i;

        k->fact.nsuites = (uint16_t)(l / 2);
        for (i = 0; i < 4 && 2 * i + 1 < l; i++)
            k->fact.first_suites[i] = rd16be(q + 2 * i);
    }
    if (rd16be(r->p) > k->fact.offered_max)
        k->fact.offered_max = rd16be(r->p);
    take(r, u8(r)); /* compression */
    el = u16(r);
    if (r->bad)
        return;
    while (!r->bad && el >= 4 && r->o < r->n) {
        unsigned et = u16(r), elen = u16(r);

        q = take(r, elen);
        if (!q)
            return;
        if (et == 22) {
            k->etm_offered = true;
        } else if (et == 35 && elen > 0) {
            k->ticket = key_of(q, elen, 2);
        } else if (et == 43 && elen >= 1) { /* supported_versions */
            unsigned i;

            for (i = 1; i + 1 < elen && i + 1 <= q[0]; i += 2) {
                uint16_t v = rd16be(q + i);

                if ((v >> 8) == 3 && v > k->fact.offered_max)
                    k->fact.offered_max = v;
            }
        } else if (et == 0 && elen > 5 && q[2] == 0) { /* server_name: host_name */
            size_t nl = rd16be(q + 3), i, o = 0;

            for (i = 0; i < nl && 5 + i < elen && o + 1 < sizeof(k->fact.sni); i++)
                if (q[5 + i] > 0x20 && q[5 + i] < 0x7f)
                    k->fact.sni[o++] = (char)q[5 + i];
            k->fact.sni[o] = '\0';
        }
    }
}

static void server_hello(struct cap_decoder *dec, struct tls_half *h, struct rd *r)
{
    struct tls_conn *k = h->conn;
    const uint8_t *q;
    unsigned l, el, ver;
    bool etm = false;

    set_role(h, false);
    ver = u16(r);
    q = take(r, 32);
    if (!q)
        return;
    if (memcmp(q, HRR_RANDOM, 32) == 0)
        return; /* HelloRetryRequest: the real ServerHello comes later */
    memcpy(k->sr, q, 32);
    l = u8(r);
    q = take(r, l);
    if (q && l <= 32) {
        memcpy(k->sh_sid, q, l);
        k->sh_sidlen = (uint8_t)l;
    }
    k->suite_id = (uint16_t)u16(r);
    u8(r);
    el = r->o < r->n ? u16(r) : 0;
    while (!r->bad && el >= 4 && r->o + 4 <= r->n) {
        unsigned et = u16(r), elen = u16(r);

        q = take(r, elen);
        if (!q)
            break;
        if (et == 43 && elen == 2)
            ver = rd16be(q);
        else if (et == 22)
            etm = true;
    }
    if (r->bad && !k->suite_id)
        return;
    k->have_sh = true;
    k->version = (uint16_t)ver;
    k->tls13 = ver == 0x0304;
    k->etm = etm && k->etm_offered;
    k->suite = tls_suite_find(k->suite_id);
    if (k->suite && k->suite->tls13 != k->tls13)
        k->suite = NULL;
    conn_keys(dec, k);
    if (k->tls13) {
        /* Everything after the ServerHello is protected, both ways. */
        set_epoch(h, 1);
        if (h->peer)
            set_epoch(h->peer, 1);
    }
}

static void new_ticket(struct cap_decoder *dec, struct tls_half *h, struct rd *r)
{
    struct tls_conn *k = h->conn;
    const uint8_t *q;
    unsigned l;

    if (k->tls13)
        return; /* TLS 1.3 resumption has its own secrets in the key log */
    take(r, 4);
    l = u16(r);
    q = take(r, l);
    conn_keys(dec, k);
    if (q && l && k->have_ms)
        cache_put(h->x, key_of(q, l, 2), k->ms);
}

static int64_t asn1_epoch(const ASN1_TIME *t)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

/* The server's certificate (the first of its chain): validity at capture
 * time and the name against the SNI.  Parsed by OpenSSL's d2i_X509. */
static void certificate(struct tls_half *h, const struct cap_ctx *c, struct rd *r)
{
    struct tls_conn *k = h->conn;
    struct cap_tls_fact *f = &k->fact;
    const uint8_t *q, *der;
    uint32_t l;
    X509 *x;

    if (h->is_client || k->cert_done)
        return;
    k->cert_done = true;
    if (k->tls13)
        take(r, u8(r)); /* certificate_request_context */
    take(r, 3);         /* list length */
    q = take(r, 3);
    if (!q)
        return;
    l = (uint32_t)q[0] << 16 | rd16be(q + 1);
    der = take(r, l);
    if (!der)
        return;
    x = d2i_X509(NULL, &der, l);
    if (!x)
        return;
    f->cert_seen = true;
    f->frame = c->rec->frame;
    f->ts_ns = c->rec->ts_ns;
    f->not_before = asn1_epoch(X509_get0_notBefore(x));
    f->not_after = asn1_epoch(X509_get0_notAfter(x));
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, f->cert_name,
                                  sizeof(f->cert_name)) < 0)
        f->cert_name[0] = '\0';
    if (f->sni[0]) {
        f->name_checked = true;
        f->name_ok = X509_check_host(x, f->sni, strlen(f->sni), 0, NULL) == 1;
    }
    X509_free(x);
}

static void handshake_msg(struct cap_decoder *dec, struct tls_half *h, const struct cap_ctx *c,
                          uint8_t type, const uint8_t *p, size_t n)
{
    struct rd r = {p, n, 0, false};
    struct tls_conn *k = h->conn;

    switch (type) {
    case 1:
        client_hello(h, &r);
        break;
    case 2:
        server_hello(dec, h, &r);
        break;
    case 4:
        new_ticket(dec, h, &r);
        break;
    case 11:
        certificate(h, c, &r);
        break;
    case 20: /* Finished: TLS 1.3 moves to the application secrets */
        if (k->tls13 && h->epoch == 1)
            set_epoch(h, 2);
        break;
    case 24: /* KeyUpdate: the sender's next application secret */
        if (k->tls13 && h->epoch == 2 && h->rx_on) {
            size_t sl = h->rx.suite->prf == TLS_H_SHA384 ? 48 : 32;
            const struct tls_suite *s = h->rx.suite;

            tls_cipher_clear(&h->rx);
            h->rx_on = tls13_next_secret(s, h->app, sl) && tls13_keys(s, h->app, sl, &h->rx);
        }
        break;
    default:
        break;
    }
}

static void handshake_data(struct cap_decoder *dec, struct tls_half *h, const struct cap_ctx *c,
                           const uint8_t *p, size_t n)
{
    size_t o = 0;

    if (h->hs_lost)
        return;
    if (h->hslen + n > HS_MAX) {
        h->hs_lost = true;
        h->hslen = 0;
        return;
    }
    if (h->hslen + n > h->hscap) {
        h->hscap = h->hslen + n < 4096 ? 4096 : (h->hslen + n) * 2;
        h->hs = xrealloc(h->hs, h->hscap);
    }
    memcpy(h->hs + h->hslen, p, n);
    h->hslen += n;
    while (h->hslen - o >= 4) {
        uint32_t ml = (uint32_t)h->hs[o + 1] << 16 | rd16be(h->hs + o + 2);

        if (h->hslen - o - 4 < ml)
            break;
        handshake_msg(dec, h, c, h->hs[o], h->hs + o + 4, ml);
        o += 4 + ml;
    }
    memmove(h->hs, h->hs + o, h->hslen - o);
    h->hslen -= o;
}

/* ------------------------------------------------------------ records */

static void pend_add(struct tls_half *h, const struct cap_ctx *c, uint8_t type, uint16_t ver,
                     const uint8_t *p, size_t n)
{
    struct pend_hdr ph;

    if (h->plen + sizeof(ph) + n > PEND_MAX || h->x->pend_all + sizeof(ph) + n > PEND_ALL_MAX) {
        h->conn->undecrypted++; /* no room to wait: given up now */
        return;
    }
    memset(&ph, 0, sizeof(ph));
    ph.len = (uint32_t)n;
    ph.type = type;
    ph.ver = ver;
    ph.rec = *c->rec;
    ph.rec.data = NULL;
    ph.rec.win = NULL;
    memcpy(ph.layers, c->layers, c->nlayers);
    ph.nlayers = c->nlayers;
    if (h->plen + sizeof(ph) + n > h->pcap) {
        h->pcap = (h->plen + sizeof(ph) + n) * 2;
        h->pend = xrealloc(h->pend, h->pcap);
    }
    memcpy(h->pend + h->plen, &ph, sizeof(ph));
    memcpy(h->pend + h->plen + sizeof(ph), p, n);
    h->plen += sizeof(ph) + n;
    h->x->pend_all += sizeof(ph) + n;
}

/* The first alert that is not close_notify is kept (the one that says why). */
static void alert(struct tls_half *h, const struct cap_ctx *c, const uint8_t *p, size_t n)
{
    struct cap_tls_fact *f = &h->conn->fact;

    if (n < 2 || p[1] == 0 || f->alert_from || h->conn->app_seen)
        return;
    f->alert = p[1];
    f->alert_fatal = p[0] == 2;
    if (h->role_known)
        f->alert_from = h->is_client ? 1 : 2;
    else /* no hello seen: by port, the server's is the lower */
        f->alert_from = h->src.port < h->dst.port ? 2 : 1;
    f->frame = c->rec->frame;
    f->ts_ns = c->rec->ts_ns;
}

static bool is_protected(const struct tls_half *h, uint8_t type)
{
    if (h->conn->tls13)
        return h->epoch >= 1 && type == 23;
    return h->ccs;
}

/* One record, in stream order.  Returns false when it must wait. */
static bool record(struct cap_decoder *dec, struct tls_half *h, struct cap_ctx *c, uint8_t type,
                   uint16_t ver, const uint8_t *p, size_t n, tls_plain_fn fn, void *fn_ctx)
{
    struct tls_conn *k = h->conn;
    struct cap_stats *st = cap_decoder_stats_mut(dec);
    const uint8_t *pt;
    size_t ptl;
    uint8_t itype = type;

    if (!is_protected(h, type)) {
        if (type == 20 && !k->tls13) {
            h->ccs = true;
            half_activate(h);
        } else if (type == 22) {
            handshake_data(dec, h, c, p, n);
        } else if (type == 21) {
            alert(h, c, p, n);
        }
        return true;
    }
    k->protected_recs++;
    if (type == 23 && !k->tls13)
        k->app_seen = true;
    if (!h->rx_on) {
        conn_keys(dec, k);
        half_activate(h);
    }
    if (!h->rx_on && k->tls13 && h->epoch == 1) {
        /* No handshake secrets: the application ones may still be known. */
        int s = h->is_client ? TLS_SECRET_CAP : TLS_SECRET_SAP;

        if (k->sec.have & (1u << s)) {
            struct tls_cipher t;

            if (tls13_keys(k->suite, k->sec.sec[s], k->sec.len[s], &t)) {
                uint8_t ty = type;

                if (tls_cipher_open(&t, &ty, ver, p, n, h->buf, &pt, &ptl)) {
                    tls_cipher_clear(&t);
                    set_epoch(h, 2);
                } else {
                    tls_cipher_clear(&t);
                    k->undecrypted++; /* an encrypted handshake record */
                    return true;
                }
            }
        }
    }
    if (!h->rx_on)
        return false;
    if (!tls_cipher_open(&h->rx, &itype, ver, p, n, h->buf, &pt, &ptl)) {
        k->auth_failed++;
        st->tls_auth_failed++;
        return true;
    }
    k->decrypted++;
    if (type == 23) /* as counted on arrival (tls_consume) */
        st->tls_decrypted++;
    if (itype == 23)
        k->app_seen = true;
    if (itype == 23 && ptl) {
        struct cap_ctx cc = *c;

        cap_ctx_push(&cc, CAP_L_TLS);
        fn(fn_ctx, &cc, pt, ptl);
    } else if (itype == 22) {
        handshake_data(dec, h, c, pt, ptl);
    } else if (itype == 21) {
        alert(h, c, pt, ptl);
    }
    return true;
}

static void run_pending(struct cap_decoder *dec, struct tls_half *h, tls_plain_fn fn, void *fn_ctx)
{
    size_t o = 0;

    while (o + sizeof(struct pend_hdr) <= h->plen) {
        struct pend_hdr ph;
        struct cap_ctx c;

        memcpy(&ph, h->pend + o, sizeof(ph));
        memset(&c, 0, sizeof(c));
        c.rec = &ph.rec;
        memcpy(c.layers, ph.layers, ph.nlayers);
        c.nlayers = ph.nlayers;
        if (!record(dec, h, &c, ph.type, ph.ver, h->pend + o + sizeof(ph), ph.len, fn, fn_ctx))
            break;
        o += sizeof(ph) + ph.len;
    }
    memmove(h->pend, h->pend + o, h->plen - o);
    h->plen -= o;
    h->x->pend_all -= o;
}

void tls_retry(struct cap_decoder *dec, struct tls_half *h, tls_plain_fn fn, void *fn_ctx)
{
    if (h->plen)
        run_pending(dec, h, fn, fn_ctx);
}

bool tls_half_waiting(const struct tls_half *h)
{
    return h->plen > 0;
}

size_t tls_consume(struct cap_decoder *dec, struct tls_half *h, struct cap_ctx *c, const uint8_t *p,
                   size_t n, tls_plain_fn fn, void *fn_ctx)
{
    size_t o = 0;
    struct tls_conn *k = h->conn;

    if (h->plen)
        run_pending(dec, h, fn, fn_ctx);
    while (n - o >= 5) {
        uint8_t type = p[o];
        uint16_t ver = rd16be(p + o + 1), len = rd16be(p + o + 3);

        if (type < 20 || type > 23 || p[o + 1] != 3 || len > REC_MAX)
            return SIZE_MAX; /* lost the record framing */
        if (n - o - 5 < len)
            break;
        k->records++;
        if (type == 23) /* application data (TLS 1.3: every protected record) */
            cap_decoder_stats_mut(dec)->tls_records++;
        if (!k->first_frame)
            k->first_frame = c->rec->frame;
        k->last_frame = c->rec->frame;
        if (h->plen || !record(dec, h, c, type, ver, p + o + 5, len, fn, fn_ctx))
            pend_add(h, c, type, ver, p + o + 5, len);
        o += 5 + (size_t)len;
    }
    return o;
}

/* Called at the end of input: what still waits is reported. */
void tls_half_finish(struct tls_half *h)
{
    struct pend_hdr ph;

    while (h->plen >= sizeof(ph)) {
        memcpy(&ph, h->pend, sizeof(ph));
        h->conn->undecrypted++;
        memmove(h->pend, h->pend + sizeof(ph) + ph.len, h->plen - sizeof(ph) - ph.len);
        h->plen -= sizeof(ph) + ph.len;
        h->x->pend_all -= sizeof(ph) + ph.len;
    }
    if (!h->peer || !h->peer->plen) {
        conn_report(h->x, h->conn);
        if (!h->conn->fact_done)
            conn_fact(h->x, h->conn);
    }
}
