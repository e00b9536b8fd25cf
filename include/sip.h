/*
 * sip: parsing of SIP messages and SDP bodies without copying.
 *
 * A parsed message is its bytes (borrowed) plus {off,len} slices into them:
 * the start line, every header, and the body.  The parser never allocates
 * unless a message has more headers than fit inline, and has no fixed size
 * limits (a 64 KB header parses).  Malformed input is parsed as far as it
 * goes and flagged; only bytes that are not SIP at all are refused.
 *
 * Pure functions: callable from any thread, no curses, no pthreads.
 */
#ifndef SIPDX_SIP_H
#define SIPDX_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A slice of the message bytes.  Absent = {0, 0} (offset 0 is always the
 * start line, so no header value can legitimately sit there). */
struct sip_str {
    uint32_t off;
    uint32_t len;
};
#define SIP_STR_PRESENT(s) ((s).off != 0 || (s).len != 0)

enum sip_method {
    SIP_METHOD_UNKNOWN = 0,
    SIP_METHOD_INVITE,
    SIP_METHOD_ACK,
    SIP_METHOD_BYE,
    SIP_METHOD_CANCEL,
    SIP_METHOD_REGISTER,
    SIP_METHOD_OPTIONS,
    SIP_METHOD_PRACK,
    SIP_METHOD_SUBSCRIBE,
    SIP_METHOD_NOTIFY,
    SIP_METHOD_PUBLISH,
    SIP_METHOD_INFO,
    SIP_METHOD_REFER,
    SIP_METHOD_MESSAGE,
    SIP_METHOD_UPDATE,
    SIP_METHOD__COUNT
};
/* Exact, case-sensitive match as RFC 3261 §7.1 requires ("REGIStER" is an
 * unknown method, as tshark treats it). */
enum sip_method sip_method_from(const char *s, size_t n);
const char *sip_method_name(enum sip_method m); /* "INVITE"; "" for unknown */

/* Headers the parser indexes by id.  Names match case-insensitively, compact
 * forms included (RFC 3261 §7.3.3 and the IANA registry). */
enum sip_hdr_id {
    SIP_HDR_OTHER = 0,
    SIP_HDR_CALL_ID, /* i */
    SIP_HDR_FROM,    /* f */
    SIP_HDR_TO,      /* t */
    SIP_HDR_CSEQ,
    SIP_HDR_VIA,              /* v */
    SIP_HDR_CONTACT,          /* m */
    SIP_HDR_CONTENT_LENGTH,   /* l */
    SIP_HDR_CONTENT_TYPE,     /* c */
    SIP_HDR_CONTENT_ENCODING, /* e */
    SIP_HDR_MAX_FORWARDS,
    SIP_HDR_REASON,
    SIP_HDR_WARNING,
    SIP_HDR_USER_AGENT,
    SIP_HDR_SERVER,
    SIP_HDR_AUTHORIZATION,
    SIP_HDR_PROXY_AUTHORIZATION,
    SIP_HDR_WWW_AUTHENTICATE,
    SIP_HDR_PROXY_AUTHENTICATE,
    SIP_HDR_RECORD_ROUTE,
    SIP_HDR_ROUTE,
    SIP_HDR_EXPIRES,
    SIP_HDR_MIN_EXPIRES,
    SIP_HDR_RETRY_AFTER,
    SIP_HDR_SUPPORTED, /* k */
    SIP_HDR_REQUIRE,
    SIP_HDR_ALLOW,
    SIP_HDR_SESSION_EXPIRES, /* x */
    SIP_HDR_MIN_SE,
    SIP_HDR_EVENT, /* o */
    SIP_HDR_SUBSCRIPTION_STATE,
    SIP_HDR_REFER_TO,    /* r */
    SIP_HDR_REFERRED_BY, /* b */
    SIP_HDR_SUBJECT,     /* s */
    SIP_HDR_P_ASSERTED_IDENTITY,
    SIP_HDR_REMOTE_PARTY_ID,
    SIP_HDR_DIVERSION,
    SIP_HDR_X_CALL_ID,  /* X-Call-ID, X-CID: B-leg correlation */
    SIP_HDR_SESSION_ID, /* RFC 7989: the same UUID on every leg of a call */
    SIP_HDR__COUNT
};
enum sip_hdr_id sip_hdr_lookup(const char *name, size_t n);
const char *sip_hdr_canonical(enum sip_hdr_id id); /* "Call-ID"; NULL for OTHER */

struct sip_hdr {
    uint16_t id; /* enum sip_hdr_id */
    struct sip_str name;
    struct sip_str value; /* trimmed; folded continuation lines included */
};

/* Problems found while parsing; the message is kept either way. */
enum {
    SIP_BAD_START_LINE = 1u << 0,
    SIP_BAD_HEADER = 1u << 1,         /* a line with no ':' */
    SIP_NO_END_OF_HEADERS = 1u << 2,  /* no blank line: truncated */
    SIP_BAD_CONTENT_LENGTH = 1u << 3, /* not a number */
    SIP_BODY_SHORT = 1u << 4,         /* fewer bytes than Content-Length */
    SIP_MISSING_CALL_ID = 1u << 5,
    SIP_MISSING_CSEQ = 1u << 6,
    SIP_BAD_CSEQ = 1u << 7,
    SIP_MISSING_FROM = 1u << 8,
    SIP_MISSING_TO = 1u << 9,
    SIP_MISSING_VIA = 1u << 10,
    SIP_JUNK_BEFORE = 1u << 11,    /* bytes before the start line skipped */
    SIP_BINARY_HEADERS = 1u << 12, /* NUL or other control bytes in headers */
};
/* Short English description of the first flag set ("no Call-ID header"). */
const char *sip_problem_str(unsigned flags);

#define SIP_INLINE_HDRS 32

struct sip_msg {
    const char *buf; /* borrowed; the start line (input + skipped) */
    size_t len;      /* bytes of this message (headers + body) */
    size_t skipped;  /* bytes skipped before the start line (CRLF, junk) */
    bool is_request;
    enum sip_method method; /* requests */
    struct sip_str method_str;
    struct sip_str ruri;
    uint16_t status; /* responses: 100..699 */
    struct sip_str reason;
    struct sip_str version; /* "SIP/2.0" */
    /* First occurrence of each known header (value slices). */
    struct sip_str first[SIP_HDR__COUNT];
    uint16_t nfound[SIP_HDR__COUNT]; /* occurrences (saturating) */
    /* All headers in order: inline storage, heap when there are more. */
    struct sip_hdr *hdrs; /* points at inl or at an owned heap array */
    size_t nhdrs, hdrs_cap;
    struct sip_hdr inl[SIP_INLINE_HDRS];
    /* Frequently needed, parsed values. */
    uint32_t cseq_num;
    enum sip_method cseq_method;
    struct sip_str cseq_method_str;
    int64_t content_length; /* -1 when absent or invalid */
    int max_forwards;       /* -1 when absent */
    struct sip_str body;
    unsigned problems; /* SIP_* flags above */
};

/* Parses one SIP message at buf.  Stream framing is the caller's: on a
 * datagram the message ends at Content-Length (or at the end of the bytes
 * when it is absent).  The message is input[skipped, skipped + len), so a datagram
 * that carries several messages can be walked.  Returns 0 when the bytes
 * are SIP (possibly malformed, see m->problems), -1 when they are not SIP at
 * all (no start line found).  Call sip_msg_fini() after either result.
 * Do not copy a parsed struct sip_msg by value: hdrs may point into it. */
int sip_parse(const char *buf, size_t len, struct sip_msg *m);
void sip_msg_fini(struct sip_msg *m);

/* Stream framing (RFC 3261 §18.3): given the start of a stream buffer,
 * returns 1 and the message length when a whole message is present, 0 when
 * more bytes are needed, -1 when the bytes cannot start a SIP message.
 * Leading CRLF keep-alives are counted into *skip and not part of the
 * message.  On 0, *msglen is the length the message will have once its
 * headers are all there (only the body is missing), else 0. */
int sip_frame(const char *buf, size_t len, size_t *skip, size_t *msglen);

/* Copies a slice out as a NUL-terminated string (truncating) - for tests and
 * small fields. */
size_t sip_str_copy(const struct sip_msg *m, struct sip_str s, char *out, size_t outlen);
static inline const char *sip_str_ptr(const struct sip_msg *m, struct sip_str s)
{
    return m->buf + s.off;
}

/* Iterates values of a header, splitting comma-joined values (Via, Contact,
 * Route...) and walking repeated headers.  *state starts at 0; returns false
 * when there are no more.  Commas inside quotes and <...> do not split; headers
 * whose commas are not list separators (From, To, Call-ID, CSeq, the auth
 * headers, User-Agent, Server, Subject, Date-like and unknown headers) come
 * back whole.  Walking n values costs O(n log n). */
bool sip_hdr_values(const struct sip_msg *m, enum sip_hdr_id id, size_t *state,
                    struct sip_str *out);
/* Same for any header by name (case-insensitive, compact forms resolved). */
bool sip_hdr_values_named(const struct sip_msg *m, const char *name, size_t *state,
                          struct sip_str *out);

/* ---- structured header values; all slices point into the message ---- */

struct sip_uri {
    struct sip_str scheme; /* sip, sips, tel */
    struct sip_str user;
    struct sip_str host;   /* IPv6 without brackets */
    uint16_t port;         /* 0 when absent */
    struct sip_str params; /* after the first ';' up to '?' or end */
};
int sip_parse_uri(const struct sip_msg *m, struct sip_str s, struct sip_uri *u);

/* name-addr / addr-spec as in From, To, Contact, P-Asserted-Identity. */
struct sip_nameaddr {
    struct sip_str display; /* unquoted content, escapes left as-is */
    struct sip_uri uri;
    struct sip_str uri_str;
    struct sip_str tag;
    struct sip_str params; /* header params after the URI */
};
int sip_parse_nameaddr(const struct sip_msg *m, struct sip_str s, struct sip_nameaddr *na);

/* The two fields of a From or To value the store keeps: na.uri.user and
 * na.tag exactly as sip_parse_nameaddr() gives them (absent when absent),
 * read without the full parse when the value has the usual shape.  Returns
 * 0, or -1 (outputs untouched) when sip_parse_nameaddr() would fail. */
int sip_nameaddr_user_tag(const struct sip_msg *m, struct sip_str s, struct sip_str *user,
                          struct sip_str *tag);

/* The branch of the top Via (the first value of the first Via header) as
 * sip_hdr_values() and sip_parse_via() give it, absent when it has none.
 * Returns 0, or -1 (output untouched) when there is no Via value or the
 * top one does not parse. */
int sip_top_via_branch(const struct sip_msg *m, struct sip_str *branch);

/* Looks up a ;name=value parameter in a params slice (case-insensitive);
 * returns true when present (value may be empty for flags like ;rport). */
bool sip_param(const struct sip_msg *m, struct sip_str params, const char *name,
               struct sip_str *value);
/* The same for several names in one pass: values[k] is set for each names[k]
 * found (the first occurrence), and bit k of the result says so (n <= 32). */
unsigned sip_params_get(const struct sip_msg *m, struct sip_str params, const char *const *names,
                        size_t n, struct sip_str *values);

struct sip_via {
    struct sip_str transport; /* UDP, TCP, TLS, WS, WSS, SCTP */
    struct sip_str host;
    uint16_t port;
    struct sip_str branch;
    bool has_rport;
    struct sip_str rport; /* value, empty when only the flag */
    struct sip_str received;
    struct sip_str params;
};
int sip_parse_via(const struct sip_msg *m, struct sip_str s, struct sip_via *v);

/* Reason: Q.850;cause=16;text="Normal call clearing" (RFC 3326). */
struct sip_reason {
    struct sip_str protocol; /* SIP, Q.850 */
    int cause;               /* -1 if absent */
    struct sip_str text;     /* unquoted */
};
int sip_parse_reason(const struct sip_msg *m, struct sip_str s, struct sip_reason *r);

/* Warning: 399 host "text" (RFC 3261 §20.43). */
struct sip_warning {
    int code;
    struct sip_str agent;
    struct sip_str text; /* unquoted */
};
int sip_parse_warning(const struct sip_msg *m, struct sip_str s, struct sip_warning *w);

/* What m's Reason and Warning headers add to an explanation, in short, so
 * that it can be kept when the message is first parsed: the cause when
 * they amount to exactly one Q.850 cause and no Warning; SIP_REASON_NONE
 * when there is neither a Q.850 cause nor a Warning; SIP_REASON_MORE for
 * anything else (read the message again).  Values are counted as
 * diag_response_extras() counts them. */
#define SIP_REASON_NONE (-1)
#define SIP_REASON_MORE (-2)
int sip_reason_q850_only(const struct sip_msg *m);

/* Digest challenge / credentials: scheme and auth-params. */
struct sip_auth {
    struct sip_str scheme; /* Digest */
    struct sip_str realm, nonce, username, uri, response, algorithm, qop, opaque;
    bool stale;
};
int sip_parse_auth(const struct sip_msg *m, struct sip_str s, struct sip_auth *a);

/* ---- SDP (RFC 4566), parsed from a body slice ---- */

enum sdp_dir {
    SDP_DIR_NONE = 0,
    SDP_DIR_SENDRECV,
    SDP_DIR_SENDONLY,
    SDP_DIR_RECVONLY,
    SDP_DIR_INACTIVE
};

struct sdp_rtpmap {
    int pt;
    struct sip_str encoding; /* "PCMU" */
    int rate;
    struct sip_str params; /* channels etc. */
};

struct sdp_media {
    struct sip_str type; /* audio, video, image, application */
    uint16_t port;
    uint16_t nports;
    struct sip_str proto; /* RTP/AVP, udptl, ... */
    int pts[32];          /* payload types from the m= line (first 32) */
    int npts;
    struct sip_str conn; /* media-level c= address, absent if none */
    struct sdp_rtpmap maps[32];
    int nmaps;
    enum sdp_dir dir;
    int rtcp_port; /* a=rtcp, -1 when absent */
};

struct sdp {
    struct sip_str origin_user, origin_addr; /* o= */
    uint64_t sess_id, sess_version;
    struct sip_str conn;     /* session-level c= address */
    enum sdp_dir dir;        /* session-level direction */
    struct sdp_media *media; /* owned heap array */
    int nmedia;
    unsigned problems; /* bit 0: a line that is not x=... */
};
/* Parses the SDP in slice `body` of m.  0 on success (even with problems),
 * -1 when the body is not SDP.  Call sdp_fini() in both cases. */
int sdp_parse(const struct sip_msg *m, struct sip_str body, struct sdp *s);
void sdp_fini(struct sdp *s);
/* Name of a static RTP payload type (RFC 3551): 0 -> "PCMU"; NULL if none. */
const char *sdp_static_pt_name(int pt);

#endif
