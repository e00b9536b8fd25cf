/*
 * hdr: structured header values - URIs, name-addr (From, To, Contact...),
 * ;params, Via, Reason, Warning and Digest auth - parsed from a slice of a
 * parsed message into slices of the same message.
 *
 * Pure and allocation-free: any thread may call these on a message it
 * holds.  Every parser is transactional: on -1 the output is left as it was.
 */
#include "sip.h"

#include <stddef.h>
#include <string.h>

#include "sip_int.h"
#include "util.h"

/* ---- shared helpers (sip_int.h) ---- */

bool sip_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (n == 0)
        return false;
    /* Up to 19 digits cannot overflow 64 bits, so the common short number
     * needs no division per digit (that check was most of the cost of
     * parsing CSeq, Content-Length and every SDP port). */
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';

        if (d > 9)
            return false;
        if (i >= 19 && v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Quotes, escapes, angle brackets and the separator are the only bytes
 * that matter; sip_scan_any5 skips the rest 16 at a time.  This scan runs
 * over every Via, From, To and Contact (it was 12 % of a large load). */
size_t sip_find_unquoted(const char *buf, size_t b, size_t e, char c, bool angle)
{
    bool q = false;
    int depth = 0;
    size_t i;

    for (i = b; i < e; i++) {
        char x;

        /* No state changes on ordinary bytes, whatever the state. */
        if (angle)
            i = sip_scan_any5(buf, i, e, '"', '\\', '<', '>', c);
        else
            i = sip_scan_any5(buf, i, e, '"', '\\', c, c, c);
        if (i >= e)
            return e;
        x = buf[i];
        if (q) {
            if (x == '\\' && i + 1 < e)
                i++;
            else if (x == '"')
                q = false;
            continue;
        }
        if (x == '\\' && i + 1 < e) {
            i++; /* lenient: \" outside quotes (seen on the wire) is no quote */
        } else if (x == '"') {
            q = true;
        } else if (angle && x == '<') {
            depth++;
        } else if (angle && x == '>' && depth > 0) {
            depth--;
        } else if (x == c && depth == 0) {
            return i;
        }
    }
    return e;
}

/* Strips one pair of surrounding double quotes from [*b, *e). */
static void unquote(const char *p, size_t *b, size_t *e)
{
    if (*e - *b >= 2 && p[*b] == '"' && p[*e - 1] == '"') {
        (*b)++;
        (*e)--;
    }
}

/* host[:port] at [b, e): IPv6 in brackets (stored without them).  Returns
 * the end of what it used, or (size_t)-1 on a malformed host or port. */
static size_t parse_hostport(const char *p, size_t b, size_t e, struct sip_str *host,
                             uint16_t *port)
{
    size_t i = b, hb, he;
    uint64_t v;

    if (i < e && p[i] == '[') {
        const char *rb = memchr(p + i, ']', e - i);

        if (!rb)
            return (size_t)-1;
        hb = i + 1;
        he = (size_t)(rb - p);
        i = he + 1;
    } else {
        hb = i;
        while (i < e && p[i] != ':' && p[i] != ';' && p[i] != '?' && p[i] != '>' &&
               !sip_is_lws(p[i]) && p[i] != ',')
            i++;
        he = i;
    }
    if (he == hb)
        return (size_t)-1;
    *host = sip_mkstr(hb, he - hb);
    *port = 0;
    if (i < e && p[i] == ':') {
        size_t pb = ++i;

        while (i < e && sip_is_digit(p[i]))
            i++;
        if (!sip_parse_uint(p + pb, i - pb, 65535, &v))
            return (size_t)-1;
        *port = (uint16_t)v;
    }
    return i;
}

/* ---- URI ---- */

int sip_parse_uri(const struct sip_msg *m, struct sip_str s, struct sip_uri *u)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i, q;
    struct sip_uri r;

    memset(&r, 0, sizeof(r));
    sip_trim(p, &b, &e);
    if (e - b >= 2 && p[b] == '<' && p[e - 1] == '>') {
        b++;
        e--;
    }
    for (i = b; i < e; i++) {
        char c = p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || sip_is_digit(c) || c == '+' ||
              c == '-' || c == '.'))
            break;
    }
    if (i == b || i >= e || p[i] != ':')
        return -1;
    r.scheme = sip_mkstr(b, i - b);
    i++;
    if (i - b == 4 && sip_ieq_lit(p + b, "tel", 3)) {
        /* tel:+1-201-555-0123;phone-context=... : the number is the user */
        size_t ue = i;

        while (ue < e && p[ue] != ';' && p[ue] != '?')
            ue++;
        r.user = sip_mkstr(i, ue - i);
        if (ue < e && p[ue] == ';') {
            q = ue + 1;
            while (q < e && p[q] != '?')
                q++;
            r.params = sip_mkstr(ue + 1, q - ue - 1);
        }
        *u = r;
        return 0;
    }
    if (!((i - b == 4 && sip_ieq_lit(p + b, "sip", 3)) ||
          (i - b == 5 && sip_ieq_lit(p + b, "sips", 4)))) {
        *u = r; /* other schemes (urn:, http:) keep only the scheme */
        return 0;
    }
    {
        const char *at = memchr(p + i, '@', e - i);

        if (at) {
            size_t ub = i, ue = (size_t)(at - p);
            const char *colon = memchr(p + ub, ':', ue - ub);

            r.user = sip_mkstr(ub, (colon ? (size_t)(colon - p) : ue) - ub);
            i = ue + 1;
        }
    }
    i = parse_hostport(p, i, e, &r.host, &r.port);
    if (i == (size_t)-1)
        return -1;
    if (i < e && p[i] == ';') {
        q = i + 1;
        while (q < e && p[q] != '?')
            q++;
        r.params = sip_mkstr(i + 1, q - i - 1);
    } else if (i < e && p[i] != '?') {
        return -1; /* junk after host:port */
    }
    *u = r;
    return 0;
}

/* ---- name-addr / addr-spec ---- */

int sip_parse_nameaddr(const struct sip_msg *m, struct sip_str s, struct sip_nameaddr *na)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i, ub, ue, after;
    struct sip_nameaddr r;

    memset(&r, 0, sizeof(r));
    sip_trim(p, &b, &e);
    if (b == e)
        return -1;
    if (p[b] == '"') {
        /* quoted display name; escapes are left in the slice */
        size_t qe = b + 1;

        while (qe < e && p[qe] != '"') {
            if (p[qe] == '\\' && qe + 1 < e)
                qe++;
            qe++;
        }
        if (qe >= e)
            return -1;
        r.display = sip_mkstr(b + 1, qe - b - 1);
        /* Lenient: junk between the quote and '<' is skipped, as tshark
         * does ("arik"J<sip:...> in the fuzz capture, frame 326). */
        {
            const char *lt = memchr(p + qe + 1, '<', e - qe - 1);

            if (!lt)
                return -1;
            i = (size_t)(lt - p);
        }
    } else {
        const char *lt = memchr(p + b, '<', e - b);

        /* A '<' after the first ';' belongs to a parameter, not a name-addr. */
        if (lt) {
            const char *semi = memchr(p + b, ';', (size_t)(lt - (p + b)));

            if (semi)
                lt = NULL;
        }
        if (lt) {
            size_t db = b, de = (size_t)(lt - p);

            sip_trim(p, &db, &de);
            if (de > db)
                r.display = sip_mkstr(db, de - db);
            i = (size_t)(lt - p);
        } else {
            i = e; /* addr-spec: no display name, no brackets */
        }
    }
    if (i < e) {
        const char *gt;

        ub = i + 1;
        gt = memchr(p + ub, '>', e - ub);
        if (!gt)
            return -1;
        ue = (size_t)(gt - p);
        after = ue + 1;
    } else {
        /* addr-spec: parameters after the URI are header parameters
         * (RFC 3261 §20.10), so the URI stops at the first ';'. */
        const char *semi = memchr(p + b, ';', e - b);

        ub = b;
        ue = semi ? (size_t)(semi - p) : e;
        while (ue > ub && sip_is_lws(p[ue - 1]))
            ue--;
        after = semi ? (size_t)(semi - p) : e;
    }
    r.uri_str = sip_mkstr(ub, ue - ub);
    if (!(ue - ub == 1 && p[ub] == '*') && sip_parse_uri(m, r.uri_str, &r.uri) < 0)
        return -1;
    while (after < e && sip_is_lws(p[after]))
        after++;
    if (after < e && p[after] == ';') {
        r.params = sip_mkstr(after + 1, e - after - 1);
        sip_param(m, r.params, "tag", &r.tag);
    }
    *na = r;
    return 0;
}

/* ---- ;params ---- */

/* Case-insensitive: does [s, s+n) equal the NUL-terminated name? */
static bool param_name_is(const char *s, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!name[i] || sip_lower((unsigned char)s[i]) != sip_lower((unsigned char)name[i]))
            return false;
    return name[n] == '\0';
}

/* One pass over ;params filling up to n named values: Via wants three and
 * Reason two, and scanning the list once per name showed in profiles. */
unsigned sip_params_get(const struct sip_msg *m, struct sip_str params, const char *const *names,
                        size_t n, struct sip_str *values)
{
    const char *p = m->buf;
    size_t i = params.off, e = (size_t)params.off + params.len, k;
    unsigned found = 0, all = n >= 32 ? ~0u : (1u << n) - 1;

    while (i <= e && found != all) {
        size_t se = sip_find_unquoted(p, i, e, ';', false);
        size_t nb = i, ne, vb, ve;
        const char *eq = memchr(p + i, '=', se - i);

        ne = eq ? (size_t)(eq - p) : se;
        sip_trim(p, &nb, &ne);
        for (k = 0; k < n && k < 32; k++) {
            if ((found & (1u << k)) || !param_name_is(p + nb, ne - nb, names[k]))
                continue;
            if (eq) {
                vb = (size_t)(eq - p) + 1;
                ve = se;
                sip_trim(p, &vb, &ve);
                unquote(p, &vb, &ve);
            } else {
                vb = ve = ne;
            }
            if (values)
                values[k] = sip_mkstr(vb, ve - vb);
            found |= 1u << k; /* the first occurrence wins, as in sip_param */
            break;
        }
        if (se >= e)
            break;
        i = se + 1;
    }
    return found;
}

bool sip_param(const struct sip_msg *m, struct sip_str params, const char *name,
               struct sip_str *value)
{
    struct sip_str v;

    if (!sip_params_get(m, params, &name, 1, &v))
        return false;
    if (value)
        *value = v;
    return true;
}

/* ---- Via ---- */

/* Skips a token and the LWS after it; returns its end in *te. */
static size_t via_token(const char *p, size_t i, size_t e, size_t *te)
{
    while (i < e && p[i] != '/' && !sip_is_lws(p[i]) && p[i] != ';')
        i++;
    *te = i;
    while (i < e && sip_is_lws(p[i]))
        i++;
    return i;
}

int sip_parse_via(const struct sip_msg *m, struct sip_str s, struct sip_via *v)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i, te, tb;
    struct sip_via r;
    int k;

    memset(&r, 0, sizeof(r));
    sip_trim(p, &b, &e);
    i = b;
    /* sent-protocol: name / version / transport, LWS allowed around '/' */
    for (k = 0; k < 3; k++) {
        tb = i;
        i = via_token(p, i, e, &te);
        if (te == tb)
            return -1;
        if (k < 2) {
            if (i >= e || p[i] != '/')
                return -1;
            i++;
            while (i < e && sip_is_lws(p[i]))
                i++;
        } else {
            r.transport = sip_mkstr(tb, te - tb);
        }
    }
    i = parse_hostport(p, i, e, &r.host, &r.port);
    if (i == (size_t)-1)
        return -1;
    while (i < e && sip_is_lws(p[i]))
        i++;
    if (i < e && p[i] == ';') {
        r.params = sip_mkstr(i + 1, e - i - 1);
        static const char *const names[] = {"branch", "received", "rport"};
        struct sip_str vals[3];
        unsigned got = sip_params_get(m, r.params, names, 3, vals);

        if (got & 1)
            r.branch = vals[0];
        if (got & 2)
            r.received = vals[1];
        if (got & 4) {
            r.has_rport = true;
            r.rport = vals[2];
        }
    } else if (i < e && p[i] != '(') {
        return -1; /* only a comment may follow sent-by without params */
    }
    *v = r;
    return 0;
}

/* ---- Reason (RFC 3326) ---- */

int sip_parse_reason(const struct sip_msg *m, struct sip_str s, struct sip_reason *out)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i;
    struct sip_reason r;
    struct sip_str cause;
    uint64_t v;

    memset(&r, 0, sizeof(r));
    r.cause = -1;
    sip_trim(p, &b, &e);
    i = b;
    while (i < e && p[i] != ';' && !sip_is_lws(p[i]))
        i++;
    if (i == b)
        return -1;
    r.protocol = sip_mkstr(b, i - b);
    while (i < e && sip_is_lws(p[i]))
        i++;
    if (i < e && p[i] == ';') {
        struct sip_str params = sip_mkstr(i + 1, e - i - 1);

        if (sip_param(m, params, "cause", &cause) &&
            sip_parse_uint(p + cause.off, cause.len, 0x7fffffff, &v))
            r.cause = (int)v;
        sip_param(m, params, "text", &r.text);
    } else if (i < e) {
        return -1;
    }
    *out = r;
    return 0;
}

/* ---- Warning (RFC 3261 §20.43) ---- */

int sip_parse_warning(const struct sip_msg *m, struct sip_str s, struct sip_warning *w)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i, ab, tb, te;
    struct sip_warning r;
    uint64_t v;

    memset(&r, 0, sizeof(r));
    sip_trim(p, &b, &e);
    i = b;
    while (i < e && sip_is_digit(p[i]))
        i++;
    if (i - b != 3 || !sip_parse_uint(p + b, 3, 999, &v))
        return -1;
    r.code = (int)v;
    while (i < e && sip_is_lws(p[i]))
        i++;
    ab = i;
    while (i < e && !sip_is_lws(p[i]) && p[i] != '"')
        i++;
    r.agent = sip_mkstr(ab, i - ab);
    while (i < e && sip_is_lws(p[i]))
        i++;
    tb = i;
    te = e;
    if (tb < e && p[tb] == '"') {
        size_t q = tb + 1;

        while (q < e && p[q] != '"') {
            if (p[q] == '\\' && q + 1 < e)
                q++;
            q++;
        }
        tb++;
        te = q < e ? q : e;
    }
    r.text = sip_mkstr(tb, te - tb);
    *w = r;
    return 0;
}

/* ---- Digest challenge / credentials (RFC 3261 §22, RFC 7616) ---- */

static const struct {
    const char *name; /* lower case */
    size_t off;       /* of the struct sip_str in struct sip_auth */
} auth_fields[] = {
    {"realm", offsetof(struct sip_auth, realm)},
    {"nonce", offsetof(struct sip_auth, nonce)},
    {"username", offsetof(struct sip_auth, username)},
    {"uri", offsetof(struct sip_auth, uri)},
    {"response", offsetof(struct sip_auth, response)},
    {"algorithm", offsetof(struct sip_auth, algorithm)},
    {"qop", offsetof(struct sip_auth, qop)},
    {"opaque", offsetof(struct sip_auth, opaque)},
};

static void auth_assign(struct sip_auth *r, const char *name, size_t n, struct sip_str val,
                        const char *vp)
{
    size_t i;

    if (n == 5 && sip_ieq_lit(name, "stale", 5)) {
        r->stale = val.len == 4 && sip_ieq_lit(vp, "true", 4);
        return;
    }
    for (i = 0; i < sizeof(auth_fields) / sizeof(auth_fields[0]); i++) {
        if (strlen(auth_fields[i].name) == n && sip_ieq_lit(name, auth_fields[i].name, n)) {
            memcpy((char *)r + auth_fields[i].off, &val, sizeof(val));
            return;
        }
    }
}

int sip_parse_auth(const struct sip_msg *m, struct sip_str s, struct sip_auth *a)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, i;
    struct sip_auth r;

    memset(&r, 0, sizeof(r));
    sip_trim(p, &b, &e);
    i = b;
    while (i < e && !sip_is_lws(p[i]))
        i++;
    if (i == b)
        return -1;
    r.scheme = sip_mkstr(b, i - b);
    while (i < e) {
        size_t ce = sip_find_unquoted(p, i, e, ',', false);
        const char *eq = memchr(p + i, '=', ce - i);
        size_t nb = i, ne, vb, ve;
        struct sip_str val;

        if (eq) {
            ne = (size_t)(eq - p);
            vb = ne + 1;
            ve = ce;
            sip_trim(p, &nb, &ne);
            sip_trim(p, &vb, &ve);
            unquote(p, &vb, &ve);
            val = sip_mkstr(vb, ve - vb);
            auth_assign(&r, p + nb, ne - nb, val, p + vb);
        }
        i = ce + 1;
    }
    *a = r;
    return 0;
}
