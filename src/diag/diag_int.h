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
    uint16_t contact_port;       /* 0 when the Contact has none */
    uint16_t src_port, dst_port; /* of the packet */
    bool has_credentials;        /* Authorization or Proxy-Authorization */
    bool challenge;              /* WWW-/Proxy-Authenticate present */
    bool stale;                  /* stale=true in the challenge */
    int max_forwards;            /* -1 absent */
    int expires;                 /* Expires header or the first Contact's expires=; -1 */
    int min_expires;             /* -1 */
    int session_expires;         /* -1 */
    int min_se;                  /* -1 */
    bool body_short;             /* fewer body bytes than Content-Length */
    /* SDP */
    bool sdp;
    char sdp_c[DMSG_HOST], sdp_o[DMSG_HOST];
    char codecs[DMSG_CODECS][24]; /* "PCMU/8000" of the first audio m= line */
    int ncodecs;
    bool tel_event;      /* telephone-event in the first audio m= line */
    bool audio_rejected; /* every audio m= line has port 0 */
    int naudio;
    char audio_proto[20]; /* proto of the first audio m= line: RTP/AVP, RTP/SAVP ... */
    bool srtp;            /* a=crypto, a=fingerprint or a SAVP/TLS proto on audio */
    int audio_dir;        /* enum sdp_dir of the first audio stream (media, then session) */
    bool audio_hold_addr; /* c=0.0.0.0 on the first audio stream */
    bool image;           /* an m=image line (T.38 fax) */
    bool image_rejected;  /* ... with port 0 */
    bool video;           /* an m=video line */
    bool video_rejected;  /* ... with port 0 */
    int ptime;            /* a=ptime, -1 when absent */
    /* responses: what the far end said besides the code */
    char reason[64];      /* reason phrase */
    int retry_after;      /* -1 when absent */
    int q850;             /* first Q.850 cause of a Reason header, -1 */
    char reason_text[64]; /* its text= (or a SIP Reason's) */
    int warning;          /* Warning code, -1 */
    char warning_text[64];
    char unsupported[48]; /* Unsupported header value (420) */
    char require[48];     /* Require header value */
    bool require_100rel;  /* Require: 100rel on a provisional response */
    uint32_t rseq;        /* RSeq of a reliable provisional, 0 when none */
    char contact_user[48];
    char ruri_user[48]; /* requests */
    char ruri_host[DMSG_HOST];
    char user_agent[48]; /* User-Agent, or Server on a response */
    char to_tag[40], from_tag[40];
};

/* One rule run over one call. */
struct ctx {
    const struct store *s;
    const struct store_call *c;
    struct dmsg *d;
    uint32_t n;
    struct diag_list *out;
    size_t first; /* first finding of this call in out */
    enum diag_sev max;
};

/* Appends a finding of rule r for x's call, its facts printed from fmt. */
struct diag_finding *diag_add(struct ctx *x, enum diag_rule r, enum diag_sev sev, const char *fmt,
                              ...) __attribute__((format(printf, 4, 5)));
/* Adds message idx to the messages f points at (once, up to DIAG_MAX_MSGS). */
void diag_ref(struct diag_finding *f, uint32_t idx);
bool diag_resent(const struct dmsg *d);
double diag_secs(int64_t ns);
/* The first final response (>= 200) to the request method/cseq after from. */
const struct dmsg *diag_final_for(const struct ctx *x, uint32_t from, int method, uint32_t cseq);
/* The first later request of the method with a higher CSeq (a new attempt). */
const struct dmsg *diag_retry_for(const struct ctx *x, uint32_t from, int method, uint32_t cseq);
/* The request a response answers (last one before it with that CSeq/method). */
const struct dmsg *diag_request_of(const struct ctx *x, const struct dmsg *r);
/* Does x's call already have a finding of at least sev (from index first)? */
bool diag_has_finding(const struct ctx *x, enum diag_sev sev);

/* The per-call rules of causes.c: what the responses themselves say (the
 * final one, 481 in a dialog, 420/421, 3xx), SDP refusals (SRTP, T.38,
 * video, ptime), a missing PRACK, a Contact nobody answers. */
void diag_rules_causes(struct ctx *x);
/* The SDP part, run before rules.c's codec rule (which leaves an offer
 * refused for SRTP or T.38 to it). */
void diag_rules_sdp_refusals(struct ctx *x);
/* Has x's call a finding of rule r yet? */
bool diag_has_rule(const struct ctx *x, enum diag_rule r);

/* The texts of the rules of causes.c and sweep.c (text_causes.c); NULL
 * for the others (text.c). */
const struct diag_text *diag_text_causes(enum diag_rule r, bool russian);
/* The texts of legs_cause.c's rule; NULL for the others. */
const struct diag_text *diag_text_legs(enum diag_rule r, bool russian);

/* Capture-wide findings (sweep.c): fed every call with its messages'
 * facts, then adds SCAN-01, REG-02, DEST-01 and TRUNK-01 to out (and
 * drops the per-call findings of a scanner's calls). */
struct sweep;
struct sweep *sweep_new(void);
void sweep_call(struct sweep *w, const struct store *s, const struct store_call *c,
                const struct dmsg *d, uint32_t n);
void sweep_finish(struct sweep *w, struct diag_list *out);
void sweep_free(struct sweep *w);

/* Re-reads and parses the first n messages of c into an array (caller
 * frees with free()).  Messages that cannot be read keep parsed = false. */
struct dmsg *dmsg_load(const struct store *s, const struct store_call *c, uint32_t n);

/* True for 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7,
 * fe80::/10 given as text. */
bool diag_ip_private(const char *host);

#endif
