/*
 * diag_int.h: what the diag files share: the facts the rules need of one
 * message, taken once from its re-read and parsed bytes.  Private to
 * src/diag.
 */
#ifndef SIPDX_DIAG_INT_H
#define SIPDX_DIAG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "store.h"

#define DMSG_HOST   64
#define DMSG_CODECS 12

struct dmsg {
    const struct store_msg *m; /* borrowed from the call */
    uint32_t idx;
    bool parsed;
    bool req;
    int method; /* enum sip_method */
    int status;
    uint32_t cseq;
    int cseq_method;
    char src_ip[DMSG_HOST], dst_ip[DMSG_HOST];
    /* top Via */
    int nvia;
    char via_host[DMSG_HOST];
    bool via_rport, via_rport_value, via_received;
    char contact_host[DMSG_HOST];
    bool has_credentials; /* Authorization or Proxy-Authorization */
    bool challenge;       /* WWW-/Proxy-Authenticate present */
    bool stale;           /* stale=true in the challenge */
    int max_forwards;     /* -1 absent */
    int expires;          /* Expires header or the first Contact's expires=; -1 */
    int min_expires;      /* -1 */
    int session_expires;  /* -1 */
    int min_se;           /* -1 */
    bool body_short;      /* fewer body bytes than Content-Length */
    /* SDP */
    bool sdp;
    char sdp_c[DMSG_HOST], sdp_o[DMSG_HOST];
    char codecs[DMSG_CODECS][24]; /* "PCMU/8000" of the first audio m= line */
    int ncodecs;
    bool tel_event;      /* telephone-event in the first audio m= line */
    bool audio_rejected; /* every audio m= line has port 0 */
    int naudio;
};

/* Re-reads and parses the first n messages of c into an array (caller
 * frees with free()).  Messages that cannot be read keep parsed = false. */
struct dmsg *dmsg_load(const struct store *s, const struct store_call *c, uint32_t n);

/* True for 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7,
 * fe80::/10 given as text. */
bool diag_ip_private(const char *host);

#endif
