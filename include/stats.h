/*
 * stats: aggregates over a whole store, for `--registrations`, `--stats`
 * and the console's Registrations and Statistics views.
 *
 *  - Registrations per address of record (the To URI user@host of REGISTER):
 *    contacts, source, user agent, transport, last result, granted expiry,
 *    attempts (a REGISTER answered 401/407/423 and retried within 64 s is
 *    one attempt with its retry), failures by cause, deregistrations.
 *  - Call KPIs (ASR, ACD, PDD, NER, SER) overall and per destination, and
 *    response codes by frequency.  Definitions: see stats_kpi() below and
 *    sipdx(1); they follow domain.md §3.18 (ITU-T E.411/E.425, RFC 6076).
 *
 * Reports are self-contained copies: nothing in them points into the store,
 * so a view may keep one across ticks (calls may be rotated out).
 * Thread: the store's owner thread (message bytes are re-read from the
 * capture with store_msg_bytes).  No curses; the text helpers at the end
 * take the knowledge base for the meanings of codes.
 */
#ifndef SIPDX_STATS_H
#define SIPDX_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_call;

/* Which calls a report takes (NULL: all); ctx is passed through. */
typedef bool (*stats_call_pred)(void *ctx, const struct store_call *c);

/* ------------------------------------------------------------ registrations */

enum reg_state {
    REG_STATE_PENDING = 0,  /* REGISTER with no final answer yet */
    REG_STATE_REGISTERED,   /* last attempt 2xx, binding alive at the end of the capture */
    REG_STATE_EXPIRED,      /* last attempt 2xx, binding ran out before the end */
    REG_STATE_DEREGISTERED, /* last attempt a successful Expires: 0 (or Contact: *) */
    REG_STATE_FAILED,       /* last attempt ended in a failure (or no answer) */
};
const char *reg_state_name(enum reg_state s); /* "REGISTERED", ... */

#define REG_MAX_CONTACTS 8

struct reg_contact {
    char *uri;       /* owned: the URI as written (without <>) */
    int64_t expires; /* ;expires= parameter, -1 when absent */
};

/* One failure cause: an attempt that ended with this status (0: no final
 * response in the capture). */
struct reg_failure {
    uint16_t status;
    char *reason; /* owned: reason phrase of the first one */
    uint32_t count;
};

struct reg_entry {
    char *aor;        /* owned: "user@host" of the To URI */
    char *source;     /* owned: "ip:port" the last REGISTER came from */
    char *user_agent; /* owned, "" when absent */
    char *transport;  /* owned: Via transport of the last REGISTER ("UDP") */
    char *call_id;    /* owned: Call-ID of the last REGISTER */
    struct reg_contact contacts[REG_MAX_CONTACTS]; /* of the last 2xx, else the request */
    size_t ncontacts;
    size_t contacts_total; /* contacts listed (only the first REG_MAX_CONTACTS kept) */
    enum reg_state state;
    uint16_t last_status;      /* final status of the last REGISTER (0: none) */
    char *last_reason;         /* owned, "" when none */
    int64_t last_ts;           /* time of that final response (or request) */
    int64_t granted;           /* seconds granted by the last 2xx, -1 unknown */
    int64_t expires_at;        /* ns: last 2xx time + granted; 0 unknown */
    bool deregistered;         /* the last successful REGISTER removed the binding */
    uint32_t requests;         /* REGISTER transactions */
    uint32_t attempts;         /* attempts (a challenge and its retry are one) */
    uint32_t successes;        /* attempts that ended 2xx */
    uint32_t failed;           /* attempts that ended otherwise */
    uint32_t challenges;       /* 401/407 answered with credentials (normal) */
    uint32_t interval_retries; /* 423 followed by a retry (normal) */
    uint32_t deregs;           /* successful deregistrations */
    struct reg_failure *fails; /* owned: causes of the failed attempts */
    size_t nfails;
    int64_t first_seen, last_seen; /* ns */
};

struct reg_report {
    struct reg_entry *v; /* owned, sorted by AOR */
    size_t n;
    int64_t capture_end; /* ns: last message of the store */
    uint64_t registers;  /* REGISTER transactions seen */
};

/* Builds the report from every REGISTER transaction in s (bytes re-read
 * for To, Contact, Expires, Via, User-Agent).  Returns 0; -1 only when a
 * message could not be re-read (the report is still filled with the rest). */
int stats_registrations(const struct store *s, stats_call_pred keep, void *ctx,
                        struct reg_report *out);
void stats_reg_fini(struct reg_report *r);

/* ------------------------------------------------------------ call KPIs */

/* Counters of INVITE attempts.  An attempt is one initial INVITE dialog
 * (one Call-ID): its auth retries and retransmissions are the same attempt,
 * re-INVITEs are not attempts; the outcome is the final response to the
 * last initial INVITE. */
struct kpi {
    uint32_t attempts;      /* initial INVITEs seen */
    uint32_t answered;      /* 2xx */
    uint32_t redirected;    /* 3xx (excluded from SER's denominator) */
    uint32_t ner_ok;        /* answered, 486, 600, 603, or 480/408/487/CANCEL after 18x */
    uint32_t no_final;      /* no final response in the capture */
    uint32_t unanswered;    /* of those, given up on: CALL_STATE_UNANSWERED */
    uint32_t acd_n;         /* answered calls with a BYE in the capture */
    int64_t acd_sum;        /* ns: sum of BYE - 2xx over those */
    uint32_t answered_open; /* answered, no BYE seen */
    uint32_t pdd_n;         /* attempts with a ringing (non-100 1xx) or 2xx */
    int64_t pdd_sum;        /* ns: first INVITE -> first 18x (or 2xx when none) */
    uint32_t fpdd_n;        /* failed attempts with no 1xx besides 100 */
    int64_t fpdd_sum;       /* ns: first INVITE -> final failure */
    /* RFC 6076 */
    uint32_t seer_ok;      /* 200, 480, 486, 600, 603 (SEER, §4.7) */
    uint32_t isa_fail;     /* 408, 500, 503, 504 or given up on, no response (ISA, §4.8) */
    uint32_t scr_ok;       /* answered and its BYE answered 2xx (SCR, §4.9) */
    uint32_t sdd_n;        /* BYEs answered 2xx */
    int64_t sdd_sum;       /* ns: BYE -> its 2xx (SDD, §4.4) */
    uint32_t reg_attempts; /* REGISTER attempts (a challenge and its retry are one) */
    uint32_t reg_failed;   /* of those, not ended by a 2xx (IRA, §4.2) */
    uint32_t rrd_n;        /* accepted REGISTER attempts */
    int64_t rrd_sum;       /* ns: first REGISTER of the attempt -> 2xx (RRD, §4.1) */
};

/* Ratios in percent (-1 when the denominator is 0) and averages in ms
 * (-1 when there is nothing to average). */
double kpi_asr(const struct kpi *k);   /* answered / attempts */
double kpi_ner(const struct kpi *k);   /* ner_ok / attempts */
double kpi_ser(const struct kpi *k);   /* answered / (attempts - redirected), RFC 6076 §4.6 */
double kpi_acd_s(const struct kpi *k); /* seconds */
double kpi_pdd_ms(const struct kpi *k);
double kpi_fpdd_ms(const struct kpi *k);
/* RFC 6076 (and E.411 naming), -1 when there is nothing to measure: */
double kpi_seer(const struct kpi *k);   /* seer_ok / (attempts - redirected) */
double kpi_isa(const struct kpi *k);    /* isa_fail / attempts */
double kpi_scr(const struct kpi *k);    /* scr_ok / attempts */
double kpi_sdd_ms(const struct kpi *k); /* mean BYE -> 2xx */
double kpi_ira(const struct kpi *k);    /* reg_failed / reg_attempts */
double kpi_rrd_ms(const struct kpi *k); /* mean REGISTER -> 2xx */

struct kpi_dest {
    char *name; /* owned: R-URI host, or destination IP when it has none */
    bool by_ip; /* name is the destination IP */
    struct kpi k;
};

struct kpi_code {
    uint16_t code;
    char *reason;   /* owned: reason phrase of the first response with it */
    uint64_t count; /* responses, retransmissions not counted */
};

struct kpi_report {
    struct kpi all;
    struct kpi_dest *dests; /* owned, most attempts first */
    size_t ndests;
    struct kpi_code *codes; /* owned, most frequent first */
    size_t ncodes;
    uint64_t responses; /* responses counted in codes */
};

int stats_kpi(const struct store *s, stats_call_pred keep, void *ctx, struct kpi_report *out);
void stats_kpi_fini(struct kpi_report *r);

/* ------------------------------------------------------------ tshark's sip,stat */

struct sipstat_method {
    char name[32]; /* exact text ("REGIStER" is not "REGISTER") */
    uint64_t n;
};

struct sipstat {
    uint64_t messages, resent;
    uint64_t status[700];
    uint16_t status_order[700]; /* codes in order of first appearance */
    int nstatus;
    struct sipstat_method *methods; /* owned, in order of first appearance */
    size_t nmethods;
    int64_t setup_avg, setup_min, setup_max; /* ms: first INVITE -> 2xx */
};

void stats_sipstat_init(struct sipstat *st);
void stats_sipstat_fini(struct sipstat *st);
/* Counts one message as tshark's tap does (method: the request's text). */
void stats_sipstat_add(struct sipstat *st, bool is_request, uint16_t status, const char *method,
                       size_t mlen, bool resent);
/* Setup times of the answered INVITE calls keep takes (NULL: all). */
void stats_setup_times(const struct store *s, stats_call_pred keep, void *ctx, struct sipstat *st);
/* The same counts from a whole store, in capture order (bytes re-read for
 * extension methods), setup times included.  0, or -1 when a message could
 * not be re-read. */
int stats_sipstat_from_store(const struct store *s, struct sipstat *out);
/* The standard reason phrase of a code (RFC 3261 §21, IANA), "Unknown". */
const char *stats_std_phrase(int code);

/* ------------------------------------------------------------ text
 * Shared by the batch outputs and the console; wire strings escaped. */
struct kb;
struct strbuf;

/* The kb's short meaning of a response ("" when none; kb may be NULL);
 * status 0 means "no final response". */
const char *stats_code_meaning(const struct kb *kb, uint16_t code, const char *reason);
/* "403 Forbidden (short meaning)" or "no response". */
void stats_reg_status(const struct kb *kb, uint16_t status, const char *reason, struct strbuf *out);
/* "granted 3600 s, runs out 3590 s after the capture ends", "deregistered ...". */
void stats_reg_expiry(const struct reg_entry *e, int64_t capture_end, struct strbuf *out);
/* The block of one AOR (several lines, each ending in \n). */
void stats_reg_text(const struct reg_entry *e, int64_t capture_end, const struct kb *kb,
                    struct strbuf *out);
/* tshark's `-z sip,stat` block, byte for byte its layout. */
void stats_sipstat_text(const struct sipstat *st, struct strbuf *out);
/* The KPI section of --stats: overall, per destination, codes by frequency. */
void stats_kpi_text(const struct kpi_report *r, const struct kb *kb, struct strbuf *out);

#endif
