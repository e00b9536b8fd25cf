/*
 * stats_int.h: helpers shared by the stats module's files.  Private to
 * src/stats.
 */
#ifndef SIPDX_STATS_INT_H
#define SIPDX_STATS_INT_H

#include "sip.h"
#include "stats.h"
#include "store.h"
#include "util.h"

/* Re-reads message m into buf and parses it into sm.  0: parsed (call
 * sip_msg_fini(sm) afterwards); -1: unreadable or not SIP (nothing to free). */
int stats_read_msg(const struct store *s, const struct store_msg *m, struct strbuf *buf,
                   struct sip_msg *sm);

#endif
