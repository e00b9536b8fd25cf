/*
 * filter/fields: the table of field names the filter language knows.
 *
 * Names match case-insensitively (Asterisk compares them with strcasecmp).
 * Three families share the table: Asterisk res_pjsip_history names (number,
 * timestamp, addr, sip.msg.request.method, sip.msg.call-id), our extended
 * sip.msg.* / sdp.* / call.* names, and Wireshark display-filter spellings
 * with Wireshark's meaning (sip.Reason is the Reason *header*, the status-line
 * phrase is sip.Reason-Phrase; ip.addr is source or destination; header
 * fields Wireshark types as unsigned integers compare as numbers here too).
 *
 * Which fields count as "index" fields (FILTER_NEEDS_INDEX) is the contract
 * with the store: those it must keep per message to filter without
 * re-reading bytes.  Pure constant data; any thread.
 */
#include "filter_int.h"

#include <string.h>

#include "util.h"

#define IDX  FILTER_NEEDS_INDEX
#define HDR  FILTER_NEEDS_HEADERS
#define BODY FILTER_NEEDS_BODY
#define CALL FILTER_NEEDS_CALL

static const struct field_def fields[] = {
    /* Asterisk res_pjsip_history */
    {"number", FILTER_F_NUMBER, FK_INT, NULL, IDX},
    {"timestamp", FILTER_F_TIMESTAMP, FK_TIME, NULL, IDX},
    {"addr", FILTER_F_ADDR, FK_ADDR, NULL, IDX},
    {"sip.msg.request.method", FILTER_F_METHOD, FK_STR, NULL, IDX},
    {"sip.msg.call-id", FILTER_F_CALL_ID, FK_STR, NULL, IDX},
    /* ours */
    {"src", FILTER_F_SRC, FK_ADDR, NULL, IDX},
    {"dst", FILTER_F_DST, FK_ADDR, NULL, IDX},
    {"port", FILTER_F_PORT, FK_INT, NULL, IDX},
    {"src.port", FILTER_F_SRC_PORT, FK_INT, NULL, IDX},
    {"dst.port", FILTER_F_DST_PORT, FK_INT, NULL, IDX},
    {"transport", FILTER_F_TRANSPORT, FK_STR, NULL, IDX},
    {"sip.msg.method", FILTER_F_METHOD, FK_STR, NULL, IDX},
    {"sip.msg.status", FILTER_F_STATUS, FK_INT, NULL, IDX},
    {"sip.msg.reason", FILTER_F_REASON, FK_STR, NULL, IDX},
    {"sip.msg.cseq.method", FILTER_F_CSEQ_METHOD, FK_STR, NULL, IDX},
    {"sip.msg.cseq.seq", FILTER_F_CSEQ_SEQ, FK_INT, NULL, IDX},
    {"sip.msg.from", FILTER_F_FROM, FK_STR, NULL, HDR},
    {"sip.msg.from.user", FILTER_F_FROM_USER, FK_STR, NULL, IDX},
    {"sip.msg.from.host", FILTER_F_FROM_HOST, FK_STR, NULL, HDR},
    {"sip.msg.from.tag", FILTER_F_FROM_TAG, FK_STR, NULL, HDR},
    {"sip.msg.to", FILTER_F_TO, FK_STR, NULL, HDR},
    {"sip.msg.to.user", FILTER_F_TO_USER, FK_STR, NULL, IDX},
    {"sip.msg.to.host", FILTER_F_TO_HOST, FK_STR, NULL, HDR},
    {"sip.msg.to.tag", FILTER_F_TO_TAG, FK_STR, NULL, HDR},
    {"sip.msg.ruri", FILTER_F_RURI, FK_STR, NULL, HDR},
    {"sip.msg.ruri.user", FILTER_F_RURI_USER, FK_STR, NULL, HDR},
    {"sip.msg.ruri.host", FILTER_F_RURI_HOST, FK_STR, NULL, HDR},
    {"sip.msg.contact", FILTER_F_CONTACT, FK_STR, NULL, HDR},
    {"sip.msg.contact.user", FILTER_F_CONTACT_USER, FK_STR, NULL, HDR},
    {"sip.msg.contact.host", FILTER_F_CONTACT_HOST, FK_STR, NULL, HDR},
    {"sip.msg.via", FILTER_F_VIA, FK_STR, NULL, HDR},
    {"sip.msg.user-agent", FILTER_F_USER_AGENT, FK_STR, NULL, HDR},
    {"sip.msg.header", FILTER_F_HEADER, FK_STR, NULL, HDR}, /* needs [name] */
    {"sip.msg.body", FILTER_F_BODY, FK_STR, NULL, BODY},
    {"sdp.media", FILTER_F_SDP_MEDIA, FK_STR, NULL, BODY},
    {"sdp.codec", FILTER_F_SDP_CODEC, FK_STR, NULL, BODY},
    {"sdp.conn", FILTER_F_SDP_CONN, FK_ADDR, NULL, BODY},
    {"sdp.addr", FILTER_F_SDP_CONN, FK_ADDR, NULL, BODY},
    {"sdp.port", FILTER_F_SDP_PORT, FK_INT, NULL, BODY},
    {"call.state", FILTER_F_CALL_STATE, FK_STR, NULL, CALL},
    {"call.duration", FILTER_F_CALL_DURATION, FK_DUR, NULL, CALL},
    {"call.failed", FILTER_F_CALL_FAILED, FK_BOOL, NULL, CALL},
    {"call.legs", FILTER_F_CALL_LEGS, FK_INT, NULL, CALL | FILTER_NEEDS_LEGS},
    {"call.leg_of", FILTER_F_CALL_LEG_OF, FK_STR, NULL, CALL | FILTER_NEEDS_LEGS},
    {"ext", FILTER_F_EXT, FK_STR, NULL, HDR},
    {"hep.agent", FILTER_F_HEP_AGENT, FK_STR, NULL, IDX},
    {"sip.msg.resent", FILTER_F_RESENT, FK_BOOL, NULL, IDX},
    /* Wireshark spellings */
    {"frame.number", FILTER_F_NUMBER, FK_INT, NULL, IDX},
    {"frame.time", FILTER_F_TIMESTAMP, FK_TIME, NULL, IDX},
    {"frame.time_epoch", FILTER_F_TIMESTAMP, FK_TIME, NULL, IDX},
    {"ip.addr", FILTER_F_ADDR, FK_ADDR, NULL, IDX},
    {"ip.src", FILTER_F_SRC, FK_ADDR, NULL, IDX},
    {"ip.dst", FILTER_F_DST, FK_ADDR, NULL, IDX},
    {"ipv6.addr", FILTER_F_ADDR, FK_ADDR, NULL, IDX},
    {"ipv6.src", FILTER_F_SRC, FK_ADDR, NULL, IDX},
    {"ipv6.dst", FILTER_F_DST, FK_ADDR, NULL, IDX},
    {"udp.port", FILTER_F_PORT, FK_INT, NULL, IDX},
    {"tcp.port", FILTER_F_PORT, FK_INT, NULL, IDX},
    {"udp.srcport", FILTER_F_SRC_PORT, FK_INT, NULL, IDX},
    {"tcp.srcport", FILTER_F_SRC_PORT, FK_INT, NULL, IDX},
    {"udp.dstport", FILTER_F_DST_PORT, FK_INT, NULL, IDX},
    {"tcp.dstport", FILTER_F_DST_PORT, FK_INT, NULL, IDX},
    {"sip.Call-ID", FILTER_F_CALL_ID, FK_STR, NULL, IDX},
    {"sip.resend", FILTER_F_RESENT, FK_BOOL, NULL, IDX},
    {"sip.Method", FILTER_F_METHOD, FK_STR, NULL, IDX},
    {"sip.Status-Code", FILTER_F_STATUS, FK_INT, NULL, IDX},
    {"sip.Reason-Phrase", FILTER_F_REASON, FK_STR, NULL, IDX},
    {"sip.CSeq.method", FILTER_F_CSEQ_METHOD, FK_STR, NULL, IDX},
    {"sip.CSeq.seq", FILTER_F_CSEQ_SEQ, FK_INT, NULL, IDX},
    {"sip.from.addr", FILTER_F_FROM, FK_STR, NULL, HDR},
    {"sip.from.user", FILTER_F_FROM_USER, FK_STR, NULL, IDX},
    {"sip.from.host", FILTER_F_FROM_HOST, FK_STR, NULL, HDR},
    {"sip.from.tag", FILTER_F_FROM_TAG, FK_STR, NULL, HDR},
    {"sip.to.addr", FILTER_F_TO, FK_STR, NULL, HDR},
    {"sip.to.user", FILTER_F_TO_USER, FK_STR, NULL, IDX},
    {"sip.to.host", FILTER_F_TO_HOST, FK_STR, NULL, HDR},
    {"sip.to.tag", FILTER_F_TO_TAG, FK_STR, NULL, HDR},
    {"sip.r-uri", FILTER_F_RURI, FK_STR, NULL, HDR},
    {"sip.r-uri.user", FILTER_F_RURI_USER, FK_STR, NULL, HDR},
    {"sip.r-uri.host", FILTER_F_RURI_HOST, FK_STR, NULL, HDR},
    {"sip.contact.uri", FILTER_F_CONTACT, FK_STR, NULL, HDR},
    {"sip.contact.user", FILTER_F_CONTACT_USER, FK_STR, NULL, HDR},
    {"sip.contact.host", FILTER_F_CONTACT_HOST, FK_STR, NULL, HDR},
    {"sip.Via", FILTER_F_VIA, FK_STR, NULL, HDR},
    {"sip.User-Agent", FILTER_F_USER_AGENT, FK_STR, NULL, HDR},
    {"sip.msg_body", FILTER_F_BODY, FK_STR, NULL, BODY},
    {"sdp.connection_info.address", FILTER_F_SDP_CONN, FK_ADDR, NULL, BODY},
    {"sdp.media.media", FILTER_F_SDP_MEDIA, FK_STR, NULL, BODY},
    {"sdp.media.port", FILTER_F_SDP_PORT, FK_INT, NULL, BODY},
    {"sdp.media.format", FILTER_F_SDP_CODEC, FK_STR, NULL, BODY},
    /* Wireshark header fields served as sip.msg.header[...] */
    {"sip.CSeq", FILTER_F_HEADER, FK_STR, "CSeq", HDR},
    {"sip.From", FILTER_F_HEADER, FK_STR, "From", HDR},
    {"sip.To", FILTER_F_HEADER, FK_STR, "To", HDR},
    {"sip.Contact", FILTER_F_HEADER, FK_STR, "Contact", HDR},
    {"sip.Max-Forwards", FILTER_F_HEADER, FK_INT, "Max-Forwards", HDR},
    {"sip.Expires", FILTER_F_HEADER, FK_INT, "Expires", HDR},
    {"sip.Min-Expires", FILTER_F_HEADER, FK_INT, "Min-Expires", HDR},
    {"sip.Session-Expires", FILTER_F_HEADER, FK_STR, "Session-Expires", HDR},
    {"sip.Min-SE", FILTER_F_HEADER, FK_STR, "Min-SE", HDR},
    {"sip.Retry-After", FILTER_F_HEADER, FK_INT, "Retry-After", HDR},
    {"sip.Content-Length", FILTER_F_HEADER, FK_INT, "Content-Length", HDR},
    {"sip.Content-Type", FILTER_F_HEADER, FK_STR, "Content-Type", HDR},
    {"sip.Reason", FILTER_F_HEADER, FK_STR, "Reason", HDR},
    {"sip.Warning", FILTER_F_HEADER, FK_STR, "Warning", HDR},
    {"sip.Server", FILTER_F_HEADER, FK_STR, "Server", HDR},
    {"sip.Allow", FILTER_F_HEADER, FK_STR, "Allow", HDR},
    {"sip.Supported", FILTER_F_HEADER, FK_STR, "Supported", HDR},
    {"sip.Require", FILTER_F_HEADER, FK_STR, "Require", HDR},
    {"sip.Unsupported", FILTER_F_HEADER, FK_STR, "Unsupported", HDR},
    {"sip.P-Asserted-Identity", FILTER_F_HEADER, FK_STR, "P-Asserted-Identity", HDR},
    {"sip.Diversion", FILTER_F_HEADER, FK_STR, "Diversion", HDR},
    {"sip.Record-Route", FILTER_F_HEADER, FK_STR, "Record-Route", HDR},
    {"sip.Route", FILTER_F_HEADER, FK_STR, "Route", HDR},
    {"sip.WWW-Authenticate", FILTER_F_HEADER, FK_STR, "WWW-Authenticate", HDR},
    {"sip.Proxy-Authenticate", FILTER_F_HEADER, FK_STR, "Proxy-Authenticate", HDR},
    {"sip.Authorization", FILTER_F_HEADER, FK_STR, "Authorization", HDR},
    {"sip.Proxy-Authorization", FILTER_F_HEADER, FK_STR, "Proxy-Authorization", HDR},
    {"sip.Event", FILTER_F_HEADER, FK_STR, "Event", HDR},
    {"sip.Subject", FILTER_F_HEADER, FK_STR, "Subject", HDR},
    {"sip.Refer-To", FILTER_F_HEADER, FK_STR, "Refer-To", HDR},
};

const struct field_def *field_lookup(const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strlen(fields[i].name) == n && mem_ieq(name, n, fields[i].name))
            return &fields[i];
    return NULL;
}
