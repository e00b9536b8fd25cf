/*
 * legs_int.h: what the files of src/legs share.  Private to src/legs.
 */
#ifndef SIPDX_LEGS_INT_H
#define SIPDX_LEGS_INT_H

#include "legs.h"

struct store;
struct store_call;
struct strbuf;

/* The key rules give a call: for each rule in order, the first that
 * extracts a value from the call (the header is there, the regular
 * expression matches) gives explicit = true; a call no rule speaks for
 * keys on its own Call-ID (explicit = false).  0 when there are no rules. */
struct legs_key {
    uint64_t key;
    bool explicit;
    int line; /* config line of the rule that gave it */
};
/* Not thread-safe on one r: the compiled rules share their match data. */
void legs_rules_key(const struct legs_rules *r, const struct store *s, const struct store_call *c,
                    struct strbuf *tmp, struct legs_key *out);
bool legs_rules_behaviour(const struct legs_rules *r); /* true when r is NULL */

#endif
