/*
 * parse: bytes -> struct sip_msg, without copying.  Called on the capture
 * thread for every message (about a million per large capture), so the hot
 * path is one vector scan per header line (its end and any control byte),
 * one switch per header name and no allocation unless a message has more
 * than SIP_INLINE_HDRS headers.
 *
 * Pure: any thread may call it on its own struct sip_msg.  The message bytes
 * are borrowed (m->buf); the only memory the message may own is the heap
 * header array, freed by sip_msg_fini().
 *
 * Tolerance: whatever is wrong is recorded in m->problems and parsing goes
 * on; only input with no SIP start line at all is refused.
 */
#include "sip.h"

#include <stdlib.h>
#include <string.h>

#include "sip_int.h"
#include "util.h"

/* ---- start line ---- */

/* RFC 3261 token characters (method names): alphanumerics and -.!%*_+`'~,
 * as a bitmap so the test is a load and a shift (a switch here was called
 * once per byte of every method and CSeq). */
static bool is_token_char(unsigned char c)
{
    static const uint64_t bits[2] = {0x03ff6ca200000000ULL, 0x47ffffff87fffffeULL};

    return c < 128 && (bits[c >> 6] >> (c & 63) & 1);
}

static bool is_version(const char *p, size_t n)
{
    return n >= 5 && memcmp(p, "SIP/", 4) == 0 && sip_is_digit(p[4]);
}

/* Tries the line [b, e) (CR stripped) of buf as a start line.  Returns true
 * when it is one, filling m (offsets relative to buf + base).  ctl says
 * whether the line holds control bytes at all (has_ctl), so the NUL check
 * runs only on the rare line that does. */
static bool start_line(const char *buf, size_t b, size_t e, size_t base, bool ctl,
                       struct sip_msg *m)
{
    const char *p = buf + b;
    size_t n = e - b, i, sp1, sp2;

    /* tshark 4.0 does not take a line with a NUL as a start line (fuzz
     * capture frames 108, 154, 346, 348, 441). */
    if (ctl && memchr(p, '\0', n))
        return false;
    if (n >= 8 && memcmp(p, "SIP/", 4) == 0) {
        /* SIP-Version SP Status-Code SP Reason-Phrase; the version is
         * nearly always SIP/2.0, which spares a memchr call. */
        const char *sp = memcmp(p, "SIP/2.0 ", 8) == 0 ? p + 7 : memchr(p, ' ', n);
        size_t code_b, code_e;
        unsigned status = 0;

        if (!sp || !is_version(p, (size_t)(sp - p)))
            return false;
        sp1 = (size_t)(sp - p);
        code_b = sp1 + 1;
        while (code_b < n && p[code_b] == ' ')
            code_b++;
        code_e = code_b;
        while (code_e < n && sip_is_digit(p[code_e]) && code_e - code_b < 4)
            status = status * 10 + (unsigned)(p[code_e++] - '0');
        /* Like tshark 4.0: without a 3-digit code this is not a status line
         * (fuzz-2006-06-26-2594.pcap frames 181 and 274). */
        if (code_e - code_b != 3 || (code_e < n && p[code_e] != ' ' && p[code_e] != '\t'))
            return false;
        m->is_request = false;
        m->version = sip_mkstr(b - base, sp1);
        if (status < 100 || status > 699)
            m->problems |= SIP_BAD_START_LINE;
        else
            m->status = (uint16_t)status;
        i = code_e;
        while (i < n && sip_is_ws(p[i]))
            i++;
        m->reason = sip_mkstr(b + i - base, n - i);
        return true;
    }

    /* Method SP Request-URI SP SIP-Version */
    for (i = 0; i < n && is_token_char((unsigned char)p[i]); i++)
        ;
    if (i == 0 || i >= n || p[i] != ' ')
        return false;
    sp1 = i;
    {
        const char *sp = memchr(p + sp1 + 1, ' ', n - sp1 - 1);

        if (!sp)
            return false;
        sp2 = (size_t)(sp - p);
    }
    if (!is_version(p + sp2 + 1, n - sp2 - 1))
        return false;
    m->is_request = true;
    m->method_str = sip_mkstr(b - base, sp1);
    m->method = sip_method_from(p, sp1);
    m->ruri = sip_mkstr(b + sp1 + 1 - base, sp2 - sp1 - 1);
    m->version = sip_mkstr(b + sp2 + 1 - base, n - sp2 - 1);
    if (sp2 == sp1 + 1 || n - sp2 - 1 != 7 || memcmp(p + sp2 + 1, "SIP/2.0", 7) != 0)
        m->problems |= SIP_BAD_START_LINE;
    return true;
}

/* ---- control bytes ---- */

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* True when [p, p+n) holds a byte below 0x20 other than HT, or DEL.  Eight
 * bytes at a time; the exact check runs only on words that trip the test. */
static bool has_ctl(const char *p, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t w, lo, del;

        memcpy(&w, p + i, 8);
        lo = (w - ONES * 0x20) & ~w & HIGHS;
        del = ((w ^ (ONES * 0x7f)) - ONES) & ~(w ^ (ONES * 0x7f)) & HIGHS;
        if (lo | del) {
            size_t j;

            for (j = i; j < i + 8; j++) {
                unsigned char c = (unsigned char)p[j];

                if ((c < 0x20 && c != '\t') || c == 0x7f)
                    return true;
            }
        }
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

/* First byte in [i, e) below 0x20 or from 0x7f up (control bytes, DEL and
 * the bytes of UTF-8 text, which the caller steps over), e if none.  The
 * wider set is what two vector operations test: adding 1 maps exactly
 * these bytes to signed values below 0x21.  32 bytes per step; this scan
 * runs over every header byte of every message and was the largest part
 * of sip_parse when it tested control bytes and DEL separately. */
static inline size_t scan_ctl_or_high(const char *p, size_t i, size_t e)
{
#ifdef SIP_SCAN_SSE2
    /* ok: bytes 0x20..0x7e, which x + 1 > 0x20 (signed) tells */
    const __m128i one = _mm_set1_epi8(1), v20 = _mm_set1_epi8(0x20);

    for (; i + 32 <= e; i += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
        __m128i oka = _mm_cmpgt_epi8(_mm_add_epi8(a, one), v20);
        __m128i okb = _mm_cmpgt_epi8(_mm_add_epi8(b, one), v20);

        if (_mm_movemask_epi8(_mm_and_si128(oka, okb)) != 0xffff) {
            unsigned lo = ~(unsigned)_mm_movemask_epi8(oka) & 0xffff;

            if (lo)
                return i + (size_t)__builtin_ctz(lo);
            return i + 16 + (size_t)__builtin_ctz(~(unsigned)_mm_movemask_epi8(okb) & 0xffff);
        }
    }
    if (i + 16 <= e) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned bad =
            ~(unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_add_epi8(a, one), v20)) & 0xffff;

        if (bad)
            return i + (size_t)__builtin_ctz(bad);
        i += 16;
    }
#endif
    for (; i < e; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 || c >= 0x7f)
            return i;
    }
    return e;
}

/* First byte below 0x20 or equal to 0x7f in [i, e), e if none: the exact
 * set, for the rest of a line once scan_ctl_or_high met text that is not
 * ASCII (it would stop at every byte of it). */
static size_t scan_ctl(const char *p, size_t i, size_t e)
{
#ifdef SIP_SCAN_SSE2
    const __m128i v1f = _mm_set1_epi8(0x1f), v7f = _mm_set1_epi8(0x7f);

    for (; i + 16 <= e; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* unsigned v <= 0x1f  <=>  min(v, 0x1f) == v */
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, v1f), v), _mm_cmpeq_epi8(v, v7f));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);

        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#endif
    for (; i < e; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 || c == 0x7f)
            return i;
    }
    return e;
}

/* Finds where the header line starting at pos ends, in one pass that also
 * notices control bytes (it replaced a memchr for LF followed by a second
 * scan for control bytes).  Sets *ce to the end of the content, *next to
 * where the next line starts, and returns true when the line held a control
 * byte.  A CR not followed by LF ends the line, as in tshark (fuzz capture
 * frame 266); so does a bare LF. */
static bool line_end(const char *p, size_t pos, size_t end, size_t *ce, size_t *next)
{
    size_t i = pos;
    bool ctl = false;

    i = scan_ctl_or_high(p, i, end);
    for (;;) {
        /* The common case first: a CRLF and nothing odd before it. */
        if (i + 1 < end && p[i] == '\r' && p[i + 1] == '\n') {
            *ce = i;
            *next = i + 2;
            return ctl;
        }
        while (i < end && p[i] == '\t')
            i = scan_ctl_or_high(p, i + 1, end);
        if (i < end && (unsigned char)p[i] >= 0x80) {
            i = scan_ctl(p, i + 1, end); /* UTF-8 on this line: exact scan */
            continue;
        }
        if (i >= end) {
            *ce = end;
            *next = end;
            return ctl;
        }
        if (p[i] == '\n') {
            *ce = i;
            *next = i + 1;
            return ctl;
        }
        if (p[i] == '\r') {
            *ce = i;
            if (i + 1 < end && p[i + 1] == '\n') {
                *next = i + 2;
                return ctl;
            }
            /* A lone CR: binary content that ends the line, except as the
             * very last byte of the input (a cut-off CRLF). */
            *next = i + 1;
            return ctl || i + 1 < end;
        }
        ctl = true; /* ESC, NUL, DEL ...: flagged, the line goes on */
        i = scan_ctl_or_high(p, i + 1, end);
    }
}

/* ---- headers ---- */

/* More headers than fit inline: move to (or grow) the heap array. */
static void hdr_grow(struct sip_msg *m)
{
    size_t cap = m->hdrs_cap * 2;

    if (m->hdrs == m->inl) {
        m->hdrs = xmalloc(cap * sizeof(*m->hdrs));
        memcpy(m->hdrs, m->inl, m->nhdrs * sizeof(*m->hdrs));
    } else {
        m->hdrs = xrealloc(m->hdrs, cap * sizeof(*m->hdrs));
    }
    m->hdrs_cap = cap;
}

/* Appends a header, field by field (building a struct sip_hdr and copying
 * it cost extra instructions per header in packing). */
static inline void hdr_push(struct sip_msg *m, unsigned id, size_t nb, size_t nlen, size_t vb,
                            size_t vlen)
{
    struct sip_hdr *h;

    if (m->nhdrs == m->hdrs_cap)
        hdr_grow(m);
    h = &m->hdrs[m->nhdrs++];
    h->id = (uint16_t)id;
    h->name.off = (uint32_t)nb;
    h->name.len = (uint32_t)nlen;
    h->value.off = (uint32_t)vb;
    h->value.len = (uint32_t)vlen;
    if (id != SIP_HDR_OTHER) {
        uint16_t k = m->nfound[id];

        if (k == 0) {
            m->first[id].off = (uint32_t)vb;
            m->first[id].len = (uint32_t)vlen;
        }
        if (k != UINT16_MAX)
            m->nfound[id] = (uint16_t)(k + 1);
    }
}

/* The last header grew by a folded continuation: keep first[] in step. */
static void hdr_extend(struct sip_msg *m, size_t vb, size_t ve)
{
    struct sip_hdr *h = &m->hdrs[m->nhdrs - 1];

    if (h->value.len == 0)
        h->value.off = (uint32_t)vb;
    h->value.len = (uint32_t)(ve - h->value.off);
    if (h->id != SIP_HDR_OTHER && m->nfound[h->id] == 1)
        m->first[h->id] = h->value;
}

/* ---- derived values ---- */

/* sip_parse_uint for the short numbers of CSeq, Content-Length and
 * Max-Forwards without a call: up to 9 digits cannot overflow, longer ones
 * go to sip_parse_uint. */
static inline bool parse_small_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (n == 0 || n > 9)
        return sip_parse_uint(s, n, max, out);
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';

        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static void parse_cseq(struct sip_msg *m)
{
    const char *p = m->buf;
    struct sip_str v = m->first[SIP_HDR_CSEQ];
    size_t i = v.off, e = (size_t)v.off + v.len, nb;
    uint64_t num;

    if (m->nfound[SIP_HDR_CSEQ] == 0) {
        m->problems |= SIP_MISSING_CSEQ;
        return;
    }
    nb = i;
    while (i < e && sip_is_digit(p[i]))
        i++;
    if (!parse_small_uint(p + nb, i - nb, UINT32_MAX, &num)) {
        m->problems |= SIP_BAD_CSEQ;
        return;
    }
    while (i < e && sip_is_lws(p[i]))
        i++;
    nb = i;
    while (i < e && is_token_char((unsigned char)p[i]))
        i++;
    if (i == nb || i != e) {
        m->problems |= SIP_BAD_CSEQ;
        return;
    }
    m->cseq_num = (uint32_t)num;
    m->cseq_method_str = sip_mkstr(nb, i - nb);
    m->cseq_method = sip_method_from(p + nb, i - nb);
}

static void parse_numbers(struct sip_msg *m)
{
    uint64_t v;

    m->content_length = -1;
    if (m->nfound[SIP_HDR_CONTENT_LENGTH]) {
        struct sip_str s = m->first[SIP_HDR_CONTENT_LENGTH];

        if (parse_small_uint(m->buf + s.off, s.len, (uint64_t)INT64_MAX, &v))
            m->content_length = (int64_t)v;
        else
            m->problems |= SIP_BAD_CONTENT_LENGTH;
    }
    m->max_forwards = -1;
    if (m->nfound[SIP_HDR_MAX_FORWARDS]) {
        struct sip_str s = m->first[SIP_HDR_MAX_FORWARDS];

        if (parse_small_uint(m->buf + s.off, s.len, 0x7fffffff, &v))
            m->max_forwards = (int)v;
    }
}

/* ---- the parser ---- */

static void msg_init(struct sip_msg *m)
{
    /* Everything but the inline header array, which is written as used. */
    memset(m, 0, offsetof(struct sip_msg, inl));
    memset(&m->cseq_num, 0, sizeof(*m) - offsetof(struct sip_msg, cseq_num));
    m->hdrs = m->inl;
    m->hdrs_cap = SIP_INLINE_HDRS;
    m->content_length = -1;
    m->max_forwards = -1;
}

/* Finds the start line: the first line that parses as one.  Leading CR/LF
 * (keep-alives) are skipped silently; anything else skipped is junk.  Sets
 * *next to where the line after it starts (relative to buf). */
static int find_start(const char *buf, size_t len, struct sip_msg *m, size_t *next)
{
    size_t b = 0;

    while (b < len && (buf[b] == '\r' || buf[b] == '\n'))
        b++;
    while (b < len) {
        size_t stop = scan_ctl_or_high(buf, b, len), e, ce;
        bool ctl, has_nl;

        if (stop + 1 < len && buf[stop] == '\r' && buf[stop + 1] == '\n') {
            /* The usual line: printable ASCII, then CRLF; one scan found
             * both its end and that it has no control byte. */
            ce = stop;
            e = stop + 1;
            ctl = false;
            has_nl = true;
        } else {
            const char *nl = memchr(buf + b, '\n', len - b);

            e = nl ? (size_t)(nl - buf) : len;
            has_nl = nl != NULL;
            ce = e;
            if (ce > b && buf[ce - 1] == '\r')
                ce--;
            ctl = has_ctl(buf + b, ce - b);
        }
        if (start_line(buf, b, ce, b, ctl, m)) {
            bool junk = false;
            size_t k;

            for (k = 0; k < b; k++)
                if (buf[k] != '\r' && buf[k] != '\n')
                    junk = true;
            if (junk)
                m->problems |= SIP_JUNK_BEFORE;
            if (ctl) /* e.g. ESC in a reason phrase */
                m->problems |= SIP_BINARY_HEADERS;
            m->skipped = b;
            *next = has_nl ? e + 1 : len;
            return 0;
        }
        /* start_line() writes m only when it accepts the line. */
        if (!has_nl)
            break;
        b = e + 1;
    }
    return -1;
}

int sip_parse(const char *buf, size_t len, struct sip_msg *m)
{
    const char *p;
    size_t pos, end, hdr_end = 0;
    bool eoh = false;

    msg_init(m);
    m->buf = buf;
    if (!buf || len == 0)
        return -1;
    if (len > UINT32_MAX)
        len = UINT32_MAX; /* slices are 32-bit; no SIP message comes close */
    if (find_start(buf, len, m, &pos) < 0) {
        m->buf = buf;
        return -1;
    }
    /* From here on offsets are relative to the start line. */
    p = buf + m->skipped;
    end = len - m->skipped;
    pos -= m->skipped;
    m->buf = p;

    while (pos < end) {
        size_t ce, next, colon, nb, ne, vb, ve;

        if (line_end(p, pos, end, &ce, &next))
            m->problems |= SIP_BINARY_HEADERS;
        if (ce == pos) {    /* blank line: end of headers */
            hdr_end = next; /* no LF: a lone CR ends the bytes */
            eoh = true;
            break;
        }
        if (sip_is_ws(p[pos])) { /* folded continuation (RFC 3261 §7.3.1) */
            vb = pos;
            ve = ce;
            sip_trim(p, &vb, &ve);
            if (m->nhdrs == 0)
                m->problems |= SIP_BAD_HEADER;
            else if (ve > vb)
                hdr_extend(m, vb, ve);
            pos = next;
            continue;
        }
        colon = sip_scan_byte(p, pos, ce, ':');
        if (colon == ce) {
            m->problems |= SIP_BAD_HEADER;
            pos = next;
            continue;
        }
        nb = pos;
        ne = colon;
        while (ne > nb && sip_is_ws(p[ne - 1]))
            ne--;
        vb = colon + 1;
        ve = ce;
        while (vb < ve && sip_is_ws(p[vb]))
            vb++;
        while (ve > vb && sip_is_ws(p[ve - 1]))
            ve--;
        if (ne == nb)
            m->problems |= SIP_BAD_HEADER;
        hdr_push(m, (unsigned)sip_hdr_lookup_inline(p + nb, ne - nb), nb, ne - nb, vb, ve - vb);
        pos = next;
    }
    if (!eoh) {
        /* Ran out of bytes inside the headers: a truncated message. */
        m->problems |= SIP_NO_END_OF_HEADERS;
        hdr_end = end;
    }

    parse_numbers(m);
    parse_cseq(m);
    if (!m->nfound[SIP_HDR_CALL_ID])
        m->problems |= SIP_MISSING_CALL_ID;
    if (!m->nfound[SIP_HDR_FROM])
        m->problems |= SIP_MISSING_FROM;
    if (!m->nfound[SIP_HDR_TO])
        m->problems |= SIP_MISSING_TO;
    if (!m->nfound[SIP_HDR_VIA])
        m->problems |= SIP_MISSING_VIA;

    m->len = end;
    if (eoh) {
        size_t avail = end - hdr_end;

        if (m->content_length < 0) {
            m->body = sip_mkstr(hdr_end, avail);
        } else if ((uint64_t)m->content_length > avail) {
            m->problems |= SIP_BODY_SHORT;
            m->body = sip_mkstr(hdr_end, avail);
        } else {
            m->body = sip_mkstr(hdr_end, (size_t)m->content_length);
            m->len = hdr_end + (size_t)m->content_length;
        }
    }
    return 0;
}

void sip_msg_fini(struct sip_msg *m)
{
    if (!m)
        return;
    if (m->hdrs && m->hdrs != m->inl)
        free(m->hdrs);
    m->hdrs = m->inl;
    m->hdrs_cap = SIP_INLINE_HDRS;
    m->nhdrs = 0;
}

size_t sip_str_copy(const struct sip_msg *m, struct sip_str s, char *out, size_t outlen)
{
    size_t n = s.len;

    if (outlen == 0)
        return 0;
    if (n > outlen - 1)
        n = outlen - 1;
    if (n)
        memcpy(out, m->buf + s.off, n);
    out[n] = '\0';
    return n;
}

/* ---- value iteration ---- */

/* Headers whose commas are not list separators (auth params, dates, free
 * text), so sip_hdr_values returns their whole value. */
static bool hdr_is_list(enum sip_hdr_id id)
{
    switch (id) {
    case SIP_HDR_OTHER:
    case SIP_HDR_CALL_ID:
    case SIP_HDR_CSEQ:
    case SIP_HDR_FROM:
    case SIP_HDR_TO:
    case SIP_HDR_USER_AGENT:
    case SIP_HDR_SERVER:
    case SIP_HDR_SUBJECT:
    case SIP_HDR_AUTHORIZATION:
    case SIP_HDR_PROXY_AUTHORIZATION:
    case SIP_HDR_WWW_AUTHENTICATE:
    case SIP_HDR_PROXY_AUTHENTICATE:
    case SIP_HDR_RETRY_AFTER:
    case SIP_HDR_X_CALL_ID:
    case SIP_HDR_SESSION_ID:
    case SIP_HDR_CONTENT_LENGTH:
    case SIP_HDR_CONTENT_TYPE:
    case SIP_HDR_MAX_FORWARDS:
    case SIP_HDR_EXPIRES:
    case SIP_HDR_MIN_EXPIRES:
    case SIP_HDR_SUBSCRIPTION_STATE:
    case SIP_HDR_REFERRED_BY:
    case SIP_HDR_REFER_TO:
        return false;
    default:
        return true;
    }
}

/* State: 0 to start, else 1 + the absolute offset R where scanning resumes.
 * Header values never overlap and are in message order, so R alone finds
 * the header: values ending before R are done, the rest resume at R. */
static bool values_iter(const struct sip_msg *m, enum sip_hdr_id id, const char *name,
                        size_t namelen, size_t *state, struct sip_str *out)
{
    size_t resume = *state ? *state - 1 : 0, i = 0, hi = m->nhdrs;
    bool split = hdr_is_list(id);

    /* Binary search for the first header whose value ends at or after R,
     * so walking a list of n values costs O(n log n), not O(n^2). */
    while (i < hi) {
        size_t mid = i + (hi - i) / 2;

        if ((size_t)m->hdrs[mid].value.off + m->hdrs[mid].value.len < resume)
            i = mid + 1;
        else
            hi = mid;
    }
    for (; i < m->nhdrs; i++) {
        const struct sip_hdr *h = &m->hdrs[i];
        size_t vb = h->value.off, ve = (size_t)h->value.off + h->value.len;

        if (h->id != id || ve < resume)
            continue;
        if (id == SIP_HDR_OTHER &&
            (h->name.len != namelen || !sip_ieq_lit(m->buf + h->name.off, name, namelen)))
            continue;
        if (!split) {
            if (vb < resume)
                continue;
            *out = h->value;
            *state = ve + 2; /* R = ve + 1 */
            return true;
        }
        if (vb < resume)
            vb = resume;
        while (vb < ve) {
            size_t comma = sip_find_unquoted(m->buf, vb, ve, ',', true);
            size_t eb = vb, ee = comma;

            sip_trim(m->buf, &eb, &ee);
            vb = comma + 1;
            if (ee > eb) {
                *out = sip_mkstr(eb, ee - eb);
                *state = (comma < ve ? comma + 1 : ve + 1) + 1;
                return true;
            }
        }
    }
    *state = (size_t)-1; /* R beyond every value: stays exhausted */
    return false;
}

bool sip_hdr_values(const struct sip_msg *m, enum sip_hdr_id id, size_t *state, struct sip_str *out)
{
    if (id == SIP_HDR_OTHER || (int)id < 0 || id >= SIP_HDR__COUNT)
        return false;
    return values_iter(m, id, NULL, 0, state, out);
}

bool sip_hdr_values_named(const struct sip_msg *m, const char *name, size_t *state,
                          struct sip_str *out)
{
    size_t n = strlen(name), i;
    enum sip_hdr_id id = sip_hdr_lookup(name, n);
    char low[64];

    if (id != SIP_HDR_OTHER)
        return values_iter(m, id, NULL, 0, state, out);
    if (n == 0 || n >= sizeof(low))
        return false;
    for (i = 0; i < n; i++)
        low[i] = (char)sip_lower((unsigned char)name[i]);
    low[n] = '\0';
    return values_iter(m, SIP_HDR_OTHER, low, n, state, out);
}
