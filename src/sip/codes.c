/*
 * codes: the constant tables of the sip module - method names, header names
 * (full and compact forms) and their lookup, problem-flag descriptions and
 * static RTP payload type names.  Pure functions over const tables; any
 * thread may call them.  Nothing here allocates or owns memory.
 */
#include "sip.h"

#include <string.h>

#include "sip_int.h"

/* ---- methods ---- */

static const char *const method_names[SIP_METHOD__COUNT] = {
    [SIP_METHOD_UNKNOWN] = "",
    [SIP_METHOD_INVITE] = "INVITE",
    [SIP_METHOD_ACK] = "ACK",
    [SIP_METHOD_BYE] = "BYE",
    [SIP_METHOD_CANCEL] = "CANCEL",
    [SIP_METHOD_REGISTER] = "REGISTER",
    [SIP_METHOD_OPTIONS] = "OPTIONS",
    [SIP_METHOD_PRACK] = "PRACK",
    [SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
    [SIP_METHOD_NOTIFY] = "NOTIFY",
    [SIP_METHOD_PUBLISH] = "PUBLISH",
    [SIP_METHOD_INFO] = "INFO",
    [SIP_METHOD_REFER] = "REFER",
    [SIP_METHOD_MESSAGE] = "MESSAGE",
    [SIP_METHOD_UPDATE] = "UPDATE",
};

#define METHOD_IS(lit, id)                                                                         \
    do {                                                                                           \
        if (memcmp(s, lit, sizeof(lit) - 1) == 0)                                                  \
            return id;                                                                             \
    } while (0)

enum sip_method sip_method_from(const char *s, size_t n)
{
    /* Case-sensitive on purpose (RFC 3261 §7.1). */
    switch (n) {
    case 3:
        METHOD_IS("ACK", SIP_METHOD_ACK);
        METHOD_IS("BYE", SIP_METHOD_BYE);
        break;
    case 4:
        METHOD_IS("INFO", SIP_METHOD_INFO);
        break;
    case 5:
        METHOD_IS("PRACK", SIP_METHOD_PRACK);
        METHOD_IS("REFER", SIP_METHOD_REFER);
        break;
    case 6:
        METHOD_IS("INVITE", SIP_METHOD_INVITE);
        METHOD_IS("CANCEL", SIP_METHOD_CANCEL);
        METHOD_IS("NOTIFY", SIP_METHOD_NOTIFY);
        METHOD_IS("UPDATE", SIP_METHOD_UPDATE);
        break;
    case 7:
        METHOD_IS("OPTIONS", SIP_METHOD_OPTIONS);
        METHOD_IS("PUBLISH", SIP_METHOD_PUBLISH);
        METHOD_IS("MESSAGE", SIP_METHOD_MESSAGE);
        break;
    case 8:
        METHOD_IS("REGISTER", SIP_METHOD_REGISTER);
        break;
    case 9:
        METHOD_IS("SUBSCRIBE", SIP_METHOD_SUBSCRIBE);
        break;
    default:
        break;
    }
    return SIP_METHOD_UNKNOWN;
}

const char *sip_method_name(enum sip_method m)
{
    if ((int)m < 0 || m >= SIP_METHOD__COUNT)
        return "";
    return method_names[m];
}

/* ---- header names ---- */

static const char *const hdr_names[SIP_HDR__COUNT] = {
    [SIP_HDR_OTHER] = NULL,
    [SIP_HDR_CALL_ID] = "Call-ID",
    [SIP_HDR_FROM] = "From",
    [SIP_HDR_TO] = "To",
    [SIP_HDR_CSEQ] = "CSeq",
    [SIP_HDR_VIA] = "Via",
    [SIP_HDR_CONTACT] = "Contact",
    [SIP_HDR_CONTENT_LENGTH] = "Content-Length",
    [SIP_HDR_CONTENT_TYPE] = "Content-Type",
    [SIP_HDR_CONTENT_ENCODING] = "Content-Encoding",
    [SIP_HDR_MAX_FORWARDS] = "Max-Forwards",
    [SIP_HDR_REASON] = "Reason",
    [SIP_HDR_WARNING] = "Warning",
    [SIP_HDR_USER_AGENT] = "User-Agent",
    [SIP_HDR_SERVER] = "Server",
    [SIP_HDR_AUTHORIZATION] = "Authorization",
    [SIP_HDR_PROXY_AUTHORIZATION] = "Proxy-Authorization",
    [SIP_HDR_WWW_AUTHENTICATE] = "WWW-Authenticate",
    [SIP_HDR_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
    [SIP_HDR_RECORD_ROUTE] = "Record-Route",
    [SIP_HDR_ROUTE] = "Route",
    [SIP_HDR_EXPIRES] = "Expires",
    [SIP_HDR_MIN_EXPIRES] = "Min-Expires",
    [SIP_HDR_RETRY_AFTER] = "Retry-After",
    [SIP_HDR_SUPPORTED] = "Supported",
    [SIP_HDR_REQUIRE] = "Require",
    [SIP_HDR_ALLOW] = "Allow",
    [SIP_HDR_SESSION_EXPIRES] = "Session-Expires",
    [SIP_HDR_MIN_SE] = "Min-SE",
    [SIP_HDR_EVENT] = "Event",
    [SIP_HDR_SUBSCRIPTION_STATE] = "Subscription-State",
    [SIP_HDR_REFER_TO] = "Refer-To",
    [SIP_HDR_REFERRED_BY] = "Referred-By",
    [SIP_HDR_SUBJECT] = "Subject",
    [SIP_HDR_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
    [SIP_HDR_REMOTE_PARTY_ID] = "Remote-Party-ID",
    [SIP_HDR_DIVERSION] = "Diversion",
    [SIP_HDR_X_CALL_ID] = "X-Call-ID",
    [SIP_HDR_SESSION_ID] = "Session-ID",
};

/* ASCII A-Z -> a-z, every other byte unchanged (sip_int.h). */
const unsigned char sip_lower_tbl[256] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,
    19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,
    38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,  56,
    57,  58,  59,  60,  61,  62,  63,  64,  97,  98,  99,  100, 101, 102, 103, 104, 105, 106, 107,
    108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 91,  92,  93,  94,
    95,  96,  97,  98,  99,  100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,
    114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132,
    133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151,
    152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170,
    171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189,
    190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208,
    209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227,
    228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246,
    247, 248, 249, 250, 251, 252, 253, 254, 255,
};

enum sip_hdr_id sip_hdr_lookup(const char *s, size_t n)
{
    return sip_hdr_lookup_inline(s, n);
}

const char *sip_hdr_canonical(enum sip_hdr_id id)
{
    if ((int)id <= 0 || id >= SIP_HDR__COUNT)
        return NULL;
    return hdr_names[id];
}

/* ---- problems ---- */

static const char *const problem_names[] = {
    "malformed start line",
    "header line without ':'",
    "no end of headers (truncated message)",
    "Content-Length is not a number",
    "body shorter than Content-Length",
    "no Call-ID header",
    "no CSeq header",
    "malformed CSeq header",
    "no From header",
    "no To header",
    "no Via header",
    "junk bytes before the start line",
    "control bytes in headers",
};

const char *sip_problem_str(unsigned flags)
{
    size_t i;

    for (i = 0; i < sizeof(problem_names) / sizeof(problem_names[0]); i++)
        if (flags & (1u << i))
            return problem_names[i];
    return "";
}

/* ---- RTP static payload types (RFC 3551 §6) ---- */

const char *sdp_static_pt_name(int pt)
{
    switch (pt) {
    case 0:
        return "PCMU";
    case 3:
        return "GSM";
    case 4:
        return "G723";
    case 5:
        return "DVI4";
    case 6:
        return "DVI4";
    case 7:
        return "LPC";
    case 8:
        return "PCMA";
    case 9:
        return "G722";
    case 10:
        return "L16";
    case 11:
        return "L16";
    case 12:
        return "QCELP";
    case 13:
        return "CN";
    case 14:
        return "MPA";
    case 15:
        return "G728";
    case 16:
        return "DVI4";
    case 17:
        return "DVI4";
    case 18:
        return "G729";
    case 25:
        return "CelB";
    case 26:
        return "JPEG";
    case 28:
        return "nv";
    case 31:
        return "H261";
    case 32:
        return "MPV";
    case 33:
        return "MP2T";
    case 34:
        return "H263";
    default:
        return NULL;
    }
}
