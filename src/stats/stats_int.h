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

#endif
