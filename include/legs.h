/*
 * legs: which dialogs of a capture are legs of one end-to-end call.
 *
 * Through a PBX, B2BUA or SBC one call is several dialogs with different
 * Call-IDs.  legs_build() links them, each link with how it was found and
 * how sure it is (0-100):
 *   x-call-id   an X-Call-ID / X-CID header names the other Call-ID
 *   session-id  both carry the same RFC 7989 Session-ID UUID
 *   rule        a config-file rule (`legs header ...`, `legs call-id ...`)
 *               gives both the same key
 *   tags        the same From tag and numbers behind a relay that rewrote
 *               the Call-ID (kamailio topoh, topology-hiding proxies)
 *   b2bua       behaviour alone: an INVITE arrives at an address, which
 *               then sends an INVITE for the same (normalised) number, and
 *               the ringing, answer, failure, CANCEL and BYE of the outgoing
 *               leg are mirrored on the incoming one a moment later
 *   serial      the same, for a leg tried after an earlier leg of the same
 *               incoming call failed or was cancelled (trunk failover)
 * Calls that merely look alike are never linked: of the plausible incoming
 * calls for an outgoing leg, the one whose events B mirrors with the
 * smallest total delay wins only when its delay is under half the next
 * one's (and a millisecond apart); otherwise the leg gets no behavioural
 * link at all (concurrent calls between the same numbers).
 * A rule overrides behaviour: two calls that rules give different keys are
 * never linked by behaviour or tags, and `legs behaviour off` turns both off.
 *
 * Cost: near-linear in calls.  Calls are indexed by normalised called
 * number and sorted by INVITE time; each outgoing leg looks only at the
 * incoming calls to the same number in the window before it.
 *
 * Threads: legs_build reads a store nobody adds to (the concurrent-reader
 * rule of store.h) and may run on any thread; a built struct legs is
 * read-only, so any number of threads may query it.  It holds call ids,
 * not pointers: look calls up with store_call_get().
 */
#ifndef SIPDX_LEGS_H
#define SIPDX_LEGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_call;
struct strbuf;

enum legs_how {
    LEGS_HOW_XCALL_ID = 0,
    LEGS_HOW_SESSION_ID,
    LEGS_HOW_RULE,
    LEGS_HOW_TAGS,
    LEGS_HOW_B2BUA,
    LEGS_HOW_SERIAL,
};
const char *legs_how_name(enum legs_how h); /* "x-call-id", "session-id", ... */

/* Behavioural links below this confidence are not made. */
#define LEGS_MIN_CONFIDENCE 60
/* An outgoing INVITE this long after the incoming one is not its leg. */
#define LEGS_WINDOW_NS (10LL * 1000000000LL)

struct legs_link {
    uint64_t peer;      /* store_call.id of the other dialog */
    enum legs_how how;  /* how the link was found */
    uint8_t confidence; /* 0-100 */
    int rule_line;      /* LEGS_HOW_RULE: the config line of the rule */
};

/* ---- config rules (settings.h keeps their text; compiled here) ---- */

struct legs_rules;
struct legs_rules *legs_rules_new(void);
void legs_rules_free(struct legs_rules *r);
/* Adds one rule, the words after `legs` on a config line:
 *   header NAME [REGEX]   the value of header NAME in the first request (the
 *                         first capture group of REGEX over it, if given) is
 *                         the call's key; a call without it keys on its
 *                         Call-ID, so a header carrying the A-leg's Call-ID
 *                         links the two (like heplify-server's AlegIDs)
 *   call-id REGEX         the first capture group of REGEX over the Call-ID
 *                         (when it matches) is the key
 *   behaviour on|off      links by behaviour and by tags (default on)
 * Returns 0, or -1 with "file:line: message\n" appended to errs; r is then
 * unchanged. */
int legs_rules_add(struct legs_rules *r, const char *text, const char *file, int line,
                   struct strbuf *errs);
size_t legs_rules_count(const struct legs_rules *r);

/* ---- correlation ---- */

struct legs;
/* Links the calls of s (rules may be NULL).  Reads message bytes only when
 * a `header` rule asks for a header the store does not keep. */
struct legs *legs_build(const struct store *s, const struct legs_rules *rules);
void legs_free(struct legs *l);

/* The direct links of call c, strongest first (borrowed from l; *out set,
 * count returned).  0 for a call legs_build did not see. */
size_t legs_links_of(const struct legs *l, uint64_t call, const struct legs_link **out);
/* The other dialogs of c's end-to-end call (reached through any chain of
 * links), in call order, at most max: for each, how it joined (the last
 * link on the shortest chain from c), the lowest confidence on that chain,
 * and the dialog it joined through (direct: linked to c itself).
 * Returns how many there are (may exceed max). */
struct legs_member {
    struct legs_link link; /* link.peer: the member */
    uint64_t via;          /* the member it joined through, unless direct */
    bool direct;           /* linked to c itself */
};
size_t legs_members(const struct legs *l, uint64_t call, struct legs_member *out, size_t max);
/* The first (lowest id) dialog of c's end-to-end call; c itself when alone. */
uint64_t legs_first(const struct legs *l, uint64_t call);
/* Links made in all, and by each kind (for reports and tests). */
size_t legs_nlinks(const struct legs *l, size_t by_how[LEGS_HOW_SERIAL + 1]);

/* ---- numbers ---- */

/* A dialled number as compared: its digits (visual separators " -.()"
 * dropped) without a leading '+', '00' international or '0' trunk prefix,
 * so "+49 30 1234567", "0049301234567" and "030-1234567" all give
 * "49301234567" or "301234567"; two numbers are the same when the shorter
 * is a tail of the longer one and they share their last LEGS_NUM_TAIL
 * digits ("301234567", "1234567", "90301234567" with an outside-line 9).
 * A user part with letters or other signs, or with fewer than three
 * digits, is kept whole, lower-cased.  out holds 64 bytes. */
#define LEGS_NUM_TAIL 7
void legs_number_norm(const char *user, char out[64]);
bool legs_number_same(const char *norm_a, const char *norm_b);

#endif
