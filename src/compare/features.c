/*
 * features: what one request says, as (key, value) pairs two calls can be
 * compared on.  Values that differ on every call by design (tags,
 * branches, Call-IDs, CSeq numbers, nonces, Content-Length, dates, the
 * numbers themselves) are left out or reduced to their form: a call from
 * another extension is not a difference, a number in another format is.
 *
 * Pure; any thread.
 */
#include "compare_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "store.h"
#include "util.h"

static struct compare_feat *feat_add(struct compare_feats *f, const char *key)
{
    struct compare_feat *x;

    if (f->n == COMPARE_MAX_FEATS)
        return NULL;
    x = &f->v[f->n++];
    memset(x, 0, sizeof(*x));
    snprintf(x->key, sizeof(x->key), "%s", key);
    memcpy(x->label, x->key, sizeof(x->label));
    return x;
}

/* Copies n bytes of s, escaped (the values reach terminals and JSON). */
static void put_val(char *out, size_t outlen, const char *s, size_t n)
{
    struct strbuf b;

    sb_init(&b);
    sb_append_escaped(&b, s, n);
    snprintf(out, outlen, "%s", b.s ? b.s : "");
    sb_fini(&b);
}

static void feat_set(struct compare_feats *f, const char *key, const char *val)
{
    struct compare_feat *x = feat_add(f, key);

    if (x) {
        snprintf(x->val, sizeof(x->val), "%s", val);
        snprintf(x->show, sizeof(x->show), "%s", val);
    }
}

const char *compare_number_form(const char *u, size_t n)
{
    size_t i, digits = 0;

    if (n == 0)
        return "(none)";
    for (i = 0; i < n; i++) {
        if (isdigit((unsigned char)u[i]))
            digits++;
        else if (!(u[i] == '+' && i == 0) && u[i] != '-' && u[i] != ' ' && u[i] != '.')
            return "name (not a number)";
    }
    if (u[0] == '+')
        return "E.164 (+...)";
    if (n >= 2 && u[0] == '0' && u[1] == '0')
        return "international (00...)";
    if (u[0] == '0')
        return "national (0...)";
    return digits <= 6 ? "short / extension" : "subscriber number (no prefix)";
}

/* The form of the user part of a URI header value (name-addr or not). */
static void uri_features(struct compare_feats *f, const struct sip_msg *m, struct sip_str v,
                         const char *what, bool with_host)
{
    struct sip_nameaddr na;
    char key[64], host[128];

    if (sip_parse_nameaddr(m, v, &na) != 0)
        return;
    snprintf(key, sizeof(key), "%s number form", what);
    feat_set(f, key, compare_number_form(sip_str_ptr(m, na.uri.user), na.uri.user.len));
    if (with_host) {
        size_t i;

        put_val(host, sizeof(host), sip_str_ptr(m, na.uri.host), na.uri.host.len);
        for (i = 0; host[i]; i++)
            host[i] = (char)tolower((unsigned char)host[i]);
        snprintf(key, sizeof(key), "%s host", what);
        feat_set(f, key, host);
    }
}

/* Headers whose values are per call: only their presence is compared. */
static bool value_is_per_call(enum sip_hdr_id id, const char *name, size_t n)
{
    switch (id) {
    case SIP_HDR_VIA:
    case SIP_HDR_CALL_ID:
    case SIP_HDR_CSEQ:
    case SIP_HDR_CONTENT_LENGTH:
    case SIP_HDR_FROM:
    case SIP_HDR_TO:
    case SIP_HDR_CONTACT:
    case SIP_HDR_AUTHORIZATION:
    case SIP_HDR_PROXY_AUTHORIZATION:
    case SIP_HDR_WWW_AUTHENTICATE:
    case SIP_HDR_PROXY_AUTHENTICATE:
    case SIP_HDR_RECORD_ROUTE:
    case SIP_HDR_ROUTE:
    case SIP_HDR_X_CALL_ID:
    case SIP_HDR_SESSION_ID:
    case SIP_HDR_P_ASSERTED_IDENTITY:
    case SIP_HDR_REMOTE_PARTY_ID:
    case SIP_HDR_DIVERSION:
    case SIP_HDR_REFERRED_BY:
    case SIP_HDR_REFER_TO:
        return true;
    default:
        break;
    }
    return mem_ieq(name, n, "Date") || mem_ieq(name, n, "Timestamp") ||
           mem_ieq(name, n, "P-Charging-Vector") || mem_ieq(name, n, "X-CID") ||
           mem_ieq(name, n, "Call-Info");
}

/* Lists whose order does not matter (Allow, Supported, ...) compare sorted. */
static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void sorted_list(char *out, size_t outlen, const char *s, size_t n)
{
    char buf[COMPARE_VAL], *items[32], *p, *save = NULL;
    size_t k = 0, i, used = 0;

    put_val(buf, sizeof(buf), s, n);
    for (p = strtok_r(buf, ",", &save); p && k < 32; p = strtok_r(NULL, ",", &save)) {
        char *e;

        while (*p == ' ' || *p == '\t')
            p++;
        e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        for (e = p; *e; e++)
            *e = (char)toupper((unsigned char)*e);
        items[k++] = p;
    }
    qsort(items, k, sizeof(*items), str_cmp);
    out[0] = '\0';
    for (i = 0; i < k && used + strlen(items[i]) + 3 < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? ", " : "", items[i]);
}

static bool hdr_is_set_list(enum sip_hdr_id id)
{
    return id == SIP_HDR_ALLOW || id == SIP_HDR_SUPPORTED || id == SIP_HDR_REQUIRE;
}

static void header_features(struct compare_feats *f, const struct sip_msg *m)
{
    size_t i;

    for (i = 0; i < m->nhdrs; i++) {
        const struct sip_hdr *h = &m->hdrs[i];
        const char *canon = sip_hdr_canonical((enum sip_hdr_id)h->id);
        char key[64], label[64], name[48];
        struct compare_feat *x;
        size_t j;
        bool seen = false;

        if (canon)
            snprintf(name, sizeof(name), "%s", canon);
        else
            put_val(name, sizeof(name), sip_str_ptr(m, h->name), h->name.len);
        snprintf(label, sizeof(label), "header %s", name);
        memcpy(key, label, sizeof(key));
        /* Known headers by their canonical name; others case-folded, so
         * "X-Foo" and "x-foo" are one header. */
        for (j = 0; key[j]; j++)
            if (!canon)
                key[j] = (char)tolower((unsigned char)key[j]);
        if (!canon)
            memcpy(key, "header", 6);
        for (j = 0; j < f->n && !seen; j++)
            seen = strcmp(f->v[j].key, key) == 0;
        if (seen)
            continue; /* repeated header: its first value stands for it */
        x = feat_add(f, key);
        if (!x)
            return;
        memcpy(x->label, label, sizeof(x->label));
        if (value_is_per_call((enum sip_hdr_id)h->id, sip_str_ptr(m, h->name), h->name.len)) {
            strcpy(x->val, "present");
        } else if (hdr_is_set_list((enum sip_hdr_id)h->id)) {
            sorted_list(x->val, sizeof(x->val), sip_str_ptr(m, h->value), h->value.len);
        } else {
            put_val(x->val, sizeof(x->val), sip_str_ptr(m, h->value), h->value.len);
        }
        memcpy(x->show, x->val, sizeof(x->show));
    }
}

/* Private, loopback, unspecified or public, and the family. */
static const char *addr_class(const char *a)
{
    unsigned o[4];

    if (strchr(a, ':'))
        return strncmp(a, "fe80", 4) == 0 ? "IPv6 link-local" : "IPv6";
    if (sscanf(a, "%u.%u.%u.%u", &o[0], &o[1], &o[2], &o[3]) != 4)
        return "a name";
    if (o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0)
        return "0.0.0.0 (hold, RFC 2543)";
    if (o[0] == 127)
        return "loopback IPv4";
    if (o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] < 32) || (o[0] == 192 && o[1] == 168) ||
        (o[0] == 100 && o[1] >= 64 && o[1] < 128))
        return "private IPv4";
    return "public IPv4";
}

static const char *dir_name(enum sdp_dir d)
{
    switch (d) {
    case SDP_DIR_SENDONLY:
        return "sendonly";
    case SDP_DIR_RECVONLY:
        return "recvonly";
    case SDP_DIR_INACTIVE:
        return "inactive";
    default:
        return "sendrecv";
    }
}

/* The value of the first "a=NAME:" line of the body, or NULL. */
static const char *sdp_attr(const char *body, size_t n, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name), i = 0;

    while (i < n) {
        const char *line = body + i, *e = memchr(line, '\n', n - i);
        size_t len = e ? (size_t)(e - line) : n - i;

        if (len > 2 + nl && line[0] == 'a' && line[1] == '=' && memcmp(line + 2, name, nl) == 0 &&
            (line[2 + nl] == ':' || line[2 + nl] == '\r')) {
            size_t vlen = len - 2 - nl;
            const char *v = line + 2 + nl;

            if (*v == ':')
                v++, vlen--;
            while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
                vlen--;
            put_val(out, outlen, v, vlen);
            return out;
        }
        i += len + 1;
    }
    return NULL;
}

static void sdp_features(struct compare_feats *f, const struct sip_msg *m)
{
    struct sdp sd;
    char v[COMPARE_VAL], tmp[COMPARE_VAL];
    const char *body = sip_str_ptr(m, m->body);
    int i, k;

    if (m->body.len == 0 || sdp_parse(m, m->body, &sd) != 0 || sd.nmedia == 0) {
        feat_set(f, "SDP", m->body.len ? "not SDP" : "(none)");
        sdp_fini(&sd);
        return;
    }
    for (i = 0; i < sd.nmedia; i++) {
        const struct sdp_media *md = &sd.media[i];
        size_t used = 0;

        if (!(md->type.len == 5 && memcmp(sip_str_ptr(m, md->type), "audio", 5) == 0))
            continue;
        v[0] = '\0';
        for (k = 0; k < md->npts; k++) {
            const char *name = sdp_static_pt_name(md->pts[k]);
            char nb[40];
            int t;

            for (t = 0; t < md->nmaps; t++)
                if (md->maps[t].pt == md->pts[k]) {
                    put_val(nb, sizeof(nb), sip_str_ptr(m, md->maps[t].encoding),
                            md->maps[t].encoding.len);
                    name = nb;
                }
            if (!name) {
                snprintf(nb, sizeof(nb), "pt %d", md->pts[k]);
                name = nb;
            }
            if (used + strlen(name) + 2 < sizeof(v))
                used += (size_t)snprintf(v + used, sizeof(v) - used, "%s%s", k ? " " : "", name);
        }
        feat_set(f, "SDP codecs", v);
        put_val(v, sizeof(v), sip_str_ptr(m, md->proto), md->proto.len);
        feat_set(f, "SDP media protocol", v);
        feat_set(f, "SDP direction", dir_name(md->dir != SDP_DIR_NONE ? md->dir : sd.dir));
        put_val(v, sizeof(v), sip_str_ptr(m, md->conn.len ? md->conn : sd.conn),
                md->conn.len ? md->conn.len : sd.conn.len);
        feat_set(f, "SDP connection address", addr_class(v));
        break;
    }
    feat_set(f, "SDP ptime", sdp_attr(body, m->body.len, "ptime", tmp, sizeof(tmp)) ?: "(none)");
    feat_set(f, "SDP crypto",
             sdp_attr(body, m->body.len, "crypto", tmp, sizeof(tmp))        ? "SDES a=crypto"
             : sdp_attr(body, m->body.len, "fingerprint", tmp, sizeof(tmp)) ? "DTLS a=fingerprint"
                                                                            : "(none)");
    sdp_fini(&sd);
}

void compare_features(const struct sip_msg *m, const struct store_msg *sm, struct compare_feats *f)
{
    struct compare_feat *x;

    f->n = 0;
    if (m->is_request) {
        struct sip_str ruri = m->ruri;
        struct sip_uri u;

        if (sip_parse_uri(m, ruri, &u) == 0) {
            char host[128];
            size_t i;

            feat_set(f, "request-URI number form",
                     compare_number_form(sip_str_ptr(m, u.user), u.user.len));
            put_val(host, sizeof(host), sip_str_ptr(m, u.host), u.host.len);
            for (i = 0; host[i]; i++)
                host[i] = (char)tolower((unsigned char)host[i]);
            feat_set(f, "request-URI host", host);
        }
    }
    if (SIP_STR_PRESENT(m->first[SIP_HDR_FROM]))
        uri_features(f, m, m->first[SIP_HDR_FROM], "From", false);
    if (SIP_STR_PRESENT(m->first[SIP_HDR_TO]))
        uri_features(f, m, m->first[SIP_HDR_TO], "To", false);
    feat_set(f, "transport", cap_transport_name((enum cap_transport)sm->transport));
    x = feat_add(f, "size");
    if (x) {
        /* Compared by what matters on the wire: over RFC 3261's 1300
         * bytes for UDP, or not (the bytes themselves are shown). */
        strcpy(x->val, sm->len > 1300 ? "over 1300 bytes" : "up to 1300 bytes");
        snprintf(x->show, sizeof(x->show), "%u bytes", sm->len);
    }
    feat_set(f, "IP fragmentation", (sm->flags & STORE_MSG_IP_FRAGMENTED) ? "yes" : "no");
    header_features(f, m);
    if (m->is_request && (m->method == SIP_METHOD_INVITE || m->body.len))
        sdp_features(f, m);
}

const struct compare_feat *compare_feat_find(const struct compare_feats *f, const char *key)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->v[i].key, key) == 0)
            return &f->v[i];
    return NULL;
}

const struct compare_feat *compare_feat_find_label(const struct compare_feats *f, const char *label)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->v[i].label, label) == 0)
            return &f->v[i];
    return NULL;
}
