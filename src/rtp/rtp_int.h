/* rtp module internals shared by tracker.c, table.c, payload_types.c, media_checks.c. */
#ifndef SIPDX_RTP_INT_H
#define SIPDX_RTP_INT_H

#include "rtp.h"

/* What travels from the capture thread to the UI thread. */
struct rtp_batch {
    int64_t origin_ns;
    struct rtp_stream *streams; /* owned copies */
    size_t nstreams;
    struct rtp_pkt_ref *pkts; /* owned (store_packets only) */
    size_t npkts;
};

/* Clock rate of a payload type given its SDP name and rate, as Wireshark
 * decides it for jitter: static table below 96, SDP rate, then a table by
 * name; telephone-event gives 0 (its timestamp does not advance). */
uint32_t rtp_clock_rate(const struct rtp_ptmap *m);
bool rtp_ptmap_is_event(const struct rtp_ptmap *m);
/* Static RFC 3551 defaults for pt < 96 (name "" and rate 0 if none). */
void rtp_ptmap_static(uint8_t pt, struct rtp_ptmap *m);

#endif
