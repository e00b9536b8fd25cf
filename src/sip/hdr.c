/*
 * hdr: structured header values - URIs, name-addr (From, To, Contact...),
 * ;params, Via, Reason, Warning and Digest auth - parsed from a slice of a
 * parsed message into slices of the same message.  At the end, the fast
 * paths the capture thread uses for the store's few fields (From/To user
 * and tag, top Via branch), which defer to the full parsers when unsure.
 *
 * Pure and allocation-free: any thread may call these on a message it
 * holds.  Every parser is transactional: on -1 the output is left as it was.
 */
#include "sip.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

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
 * over every Via, From, To and Contact, so it shows in every load. */
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

int sip_reason_q850_only(const struct sip_msg *m)
{
    struct sip_str v;
    size_t st = 0;
    int n = 0, cause = SIP_REASON_NONE;

    if (m->nfound[SIP_HDR_WARNING]) {
        struct sip_warning w;

        while (sip_hdr_values(m, SIP_HDR_WARNING, &st, &v))
            if (sip_parse_warning(m, v, &w) == 0)
                return SIP_REASON_MORE;
        st = 0;
    }
    while (sip_hdr_values(m, SIP_HDR_REASON, &st, &v)) {
        struct sip_reason r;

        if (++n > 8) /* the explanation looks at the first 8 only */
            return SIP_REASON_MORE;
        if (sip_parse_reason(m, v, &r) != 0 || r.cause < 0 || r.protocol.len != 5 ||
            strncasecmp(m->buf + r.protocol.off, "Q.850", 5) != 0)
            continue;
        if (cause != SIP_REASON_NONE)
            return SIP_REASON_MORE;
        cause = r.cause;
    }
    return cause;
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

/* ---- fast paths for the capture thread ----
 * The store keeps only the user and tag of From and To and the branch of
 * the top Via, and extracting them with the full parsers above was a large
 * share of the capture thread's per-message parse cost.  The functions
 * below read those fields straight off values of the common shape
 *   "Name" <sip:user@host:port;uri-params>;tag=x
 *   SIP/2.0/UDP host:port;params;branch=z9hG4bK...
 * and hand anything else (quotes or escapes where they matter, no '<',
 * other schemes, IPv6, odd spacing, anything that would not parse) to the
 * full parsers, so the results are theirs on every input; a unit test runs
 * both over the whole capture corpus and over crafted odd values. */

/* Bytes that end a host in parse_hostport: ':' ';' '?' '>' ',' and LWS,
 * all below 64, so one word is the set. */
#define HOST_STOP                                                                                  \
    ((1ULL << ':') | (1ULL << ';') | (1ULL << '?') | (1ULL << '>') | (1ULL << ',') |               \
     (1ULL << ' ') | (1ULL << '\t') | (1ULL << '\r') | (1ULL << '\n'))

static inline bool host_stop(char c)
{
    unsigned char u = (unsigned char)c;

    return u < 64 && (HOST_STOP >> u & 1);
}

/* First byte in [i, e) equal to a, b, c, d or x; e if none.  Loads may read
 * up to lim (>= e; the end of the message's bytes), so a value's last few
 * bytes are one vector step instead of a byte loop. */
static inline size_t scan5(const char *p, size_t i, size_t e, size_t lim, char a, char b, char c,
                           char d, char x)
{
#ifdef SIP_SCAN_SSE2
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c),
                  vd = _mm_set1_epi8(d), vx = _mm_set1_epi8(x);

    for (; i < e && i + 16 <= lim; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(m, _mm_cmpeq_epi8(v, vx)));

        if (e - i < 16)
            bits &= (1u << (e - i)) - 1;
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#else
    (void)lim;
#endif
    for (; i < e; i++)
        if (p[i] == a || p[i] == b || p[i] == c || p[i] == d || p[i] == x)
            return i;
    return e;
}

/* The same for up to four bytes (repeat one to use fewer). */
static inline size_t scan4(const char *p, size_t i, size_t e, size_t lim, char a, char b, char c,
                           char d)
{
    return scan5(p, i, e, lim, a, b, c, d, d);
}

/* First byte in [i, e) that may end a host: a superset of host_stop()
 * (every byte up to 0x20, ',' and 0x3a/0x3b/0x3e/0x3f) that a vector
 * tests in five steps; e if none.  Loads may read up to lim. */
static inline size_t scan_host_end(const char *p, size_t i, size_t e, size_t lim)
{
#ifdef SIP_SCAN_SSE2
    const __m128i v20 = _mm_set1_epi8(0x20), vcomma = _mm_set1_epi8(','),
                  vfe = _mm_set1_epi8((char)0xfe), v3a = _mm_set1_epi8(0x3a),
                  v3e = _mm_set1_epi8(0x3e);

    for (; i < e && i + 16 <= lim; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i h = _mm_and_si128(v, vfe); /* 0x3a/0x3b -> 0x3a, 0x3e/0x3f -> 0x3e */
        __m128i x = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, v20), v), _mm_cmpeq_epi8(v, vcomma)),
            _mm_or_si128(_mm_cmpeq_epi8(h, v3a), _mm_cmpeq_epi8(h, v3e)));
        unsigned bits = (unsigned)_mm_movemask_epi8(x);

        if (e - i < 16)
            bits &= (1u << (e - i)) - 1;
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#else
    (void)lim;
#endif
    for (; i < e; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c <= 0x20 || c == ',' || (c & 0xfe) == 0x3a || (c & 0xfe) == 0x3e)
            return i;
    }
    return e;
}

/* host[:port] at i, checked the way parse_hostport checks it; returns where
 * it ends, or (size_t)-1 for "let the full parser decide" (IPv6 literals,
 * an empty host, a control byte in it, a port of more than 5 digits or
 * above 65535). */
static size_t fast_hostport(const char *p, size_t i, size_t e, size_t lim)
{
    size_t h = i;
    unsigned v = 0, nd = 0;

    if (i >= e || p[i] == '[')
        return (size_t)-1;
    i = scan_host_end(p, i, e, lim);
    if (i == h || (i < e && !host_stop(p[i])))
        return (size_t)-1;
    if (i < e && p[i] == ':') {
        for (i++; i < e && sip_is_digit(p[i]) && nd < 6; i++, nd++)
            v = v * 10 + (unsigned)(p[i] - '0');
        if (nd == 0 || nd > 5 || v > 65535)
            return (size_t)-1; /* leading zeros may still parse: the full parser says */
    }
    return i;
}

/* sip_param(name) over the params [i, e), for a lower-case name of 1..7
 * letters (tag, branch), when the parameters are plain: a segment that does
 * not start with the name's letters cannot be it, so each costs one word
 * compare and the search for the next ';'.  1: found, *val set; 0: absent;
 * -1: ask sip_param (a quote or backslash, which change where parameters
 * end; LWS where the name starts or ends; bytes too near the end of the
 * message for a word load). */
static int fast_param(const char *p, size_t i, size_t e, size_t lim, const char *name, size_t n,
                      struct sip_str *val)
{
    uint64_t want = 0, mask = (1ULL << (8 * n)) - 1;

    memcpy(&want, name, n);
    for (;;) {
        size_t se;
        uint64_t w;

        if (i + 8 > lim)
            return -1;
        if (i < e && sip_is_lws(p[i]))
            return -1;
        memcpy(&w, p + i, 8);
        /* OR 0x20 folds A-Z onto a-z; the name is all letters, and no
         * other byte becomes a letter that way */
        if (e - i >= n && ((w | 0x2020202020202020ULL) & mask) == want) {
            size_t t = i + n; /* just past the name */

            if (t >= e || p[t] == ';') { /* a flag: empty value */
                *val = sip_mkstr(t, 0);
                return 1;
            }
            if (p[t] == '=') {
                size_t vb = t + 1, ve;

                ve = scan4(p, vb, e, lim, ';', '"', '\\', ';');
                if (ve < e && p[ve] != ';')
                    return -1;
                sip_trim(p, &vb, &ve); /* no quotes, so nothing to unquote */
                *val = sip_mkstr(vb, ve - vb);
                return 1;
            }
            if (sip_is_lws(p[t]))
                return -1;
            /* a longer name ("tagx"): not this one */
        }
        se = scan4(p, i, e, lim, ';', '"', '\\', ';');
        if (se >= e)
            return 0;
        if (p[se] != ';')
            return -1;
        i = se + 1;
    }
}

int sip_nameaddr_user_tag(const struct sip_msg *m, struct sip_str s, struct sip_str *user,
                          struct sip_str *tag)
{
    const char *p = m->buf;
    size_t b = s.off, e = (size_t)s.off + s.len, lim = m->len, lt, ub, ue, i, at;
    struct sip_str u = {0, 0}, t = {0, 0};
    struct sip_nameaddr na;

    if (lim < e) /* not a slice of this message's bytes: no over-reading */
        lim = e;
    if (b >= e || sip_is_lws(p[b]) || sip_is_lws(p[e - 1]))
        goto full;
    if (p[b] == '"') {
        size_t q = scan4(p, b + 1, e, lim, '"', '\\', '"', '"');

        if (q >= e || p[q] != '"')
            goto full; /* an escape in the display name, or no closing quote */
        lt = scan4(p, q + 1, e, lim, '<', '<', '<', '<');
    } else {
        lt = scan4(p, b, e, lim, '<', ';', '<', '<');
        if (lt < e && p[lt] != '<')
            goto full; /* a ';' first: addr-spec (or a '<' in a parameter) */
    }
    if (lt >= e)
        goto full;
    ub = lt + 1;
    ue = scan4(p, ub, e, lim, '>', '>', '>', '>');
    if (ue >= e || ue - ub < 5 || sip_is_lws(p[ue - 1]))
        goto full;
    /* scheme: exactly sip: or sips:, any case */
    if (sip_lower((unsigned char)p[ub]) != 's' || sip_lower((unsigned char)p[ub + 1]) != 'i' ||
        sip_lower((unsigned char)p[ub + 2]) != 'p')
        goto full;
    i = ub + 3;
    if (sip_lower((unsigned char)p[i]) == 's')
        i++;
    if (p[i] != ':')
        goto full;
    i++;
    at = scan4(p, i, ue, lim, '@', '@', '@', '@');
    if (at < ue) {
        size_t colon = scan4(p, i, at, lim, ':', ':', ':', ':');

        u = sip_mkstr(i, colon - i);
        i = at + 1;
    }
    i = fast_hostport(p, i, ue, lim);
    if (i == (size_t)-1 || (i < ue && p[i] != ';' && p[i] != '?'))
        goto full;
    i = ue + 1;
    while (i < e && sip_is_lws(p[i]))
        i++;
    if (i < e && p[i] == ';' && fast_param(p, i + 1, e, lim, "tag", 3, &t) < 0)
        goto full; /* sip_param would decide */
    *user = u;
    *tag = t;
    return 0;

full:
    if (sip_parse_nameaddr(m, s, &na) < 0)
        return -1;
    *user = na.uri.user;
    *tag = na.tag;
    return 0;
}

/* What sip_hdr_values(VIA) then sip_parse_via() give for the top Via. */
static int top_via_branch_full(const struct sip_msg *m, struct sip_str *branch)
{
    struct sip_str v;
    struct sip_via via;
    size_t st = 0;

    if (!sip_hdr_values(m, SIP_HDR_VIA, &st, &v) || sip_parse_via(m, v, &via) < 0)
        return -1;
    *branch = via.branch;
    return 0;
}

int sip_top_via_branch(const struct sip_msg *m, struct sip_str *branch)
{
    const char *p = m->buf;
    struct sip_str v = m->first[SIP_HDR_VIA];
    size_t b = v.off, e = (size_t)v.off + v.len, lim = m->len, i, te;
    struct sip_str br = {0, 0};

    if (m->nfound[SIP_HDR_VIA] == 0)
        return -1;
    if (lim < e)
        lim = e;
    /* first[VIA] is the first Via header's value: its first comma-separated
     * element is the top Via unless quotes, escapes or <> make splitting
     * harder than a comma search */
    if (b >= e || sip_is_lws(p[b]) || sip_is_lws(p[e - 1]))
        return top_via_branch_full(m, branch);
    i = scan5(p, b, e, lim, ',', '"', '\\', '<', '>');
    if (i < e) {
        if (p[i] != ',')
            return top_via_branch_full(m, branch);
        e = i;
        while (e > b && sip_is_lws(p[e - 1]))
            e--;
    }
    if (e - b < 9 || memcmp(p + b, "SIP/2.0/", 8) != 0)
        return top_via_branch_full(m, branch);
    /* transport token, then LWS, then sent-by */
    i = te = b + 8;
    while (te < e && p[te] != '/' && p[te] != ';' && !sip_is_lws(p[te]))
        te++;
    if (te == i || (te < e && p[te] == '/'))
        return top_via_branch_full(m, branch);
    i = te;
    while (i < e && sip_is_lws(p[i]))
        i++;
    i = fast_hostport(p, i, e, lim);
    if (i == (size_t)-1)
        return top_via_branch_full(m, branch);
    while (i < e && sip_is_lws(p[i]))
        i++;
    if (i < e && p[i] == ';') {
        if (fast_param(p, i + 1, e, lim, "branch", 6, &br) < 0)
            return top_via_branch_full(m, branch);
    } else if (i < e) {
        return top_via_branch_full(m, branch); /* a comment, or junk */
    }
    *branch = br;
    return 0;
}
