/*
 * payload_types: payload type names and clock rates (RFC 3551 static types,
 * SDP names for dynamic ones), in the short form tshark prints.  Pure
 * tables and formatting; any thread.
 */
#include "rtp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rtp_int.h"

/* Short names as tshark's rtp,streams prints them, by static type. */
static const char *const short_names[35] = {
    "g711U",
    "fs-1016",
    "g721",
    "GSM",
    "g723",
    "DVI4 8k",
    "DVI4 16k",
    "Exp. from Xerox PARC",
    "g711A",
    "g722",
    "16-bit audio, stereo",
    "16-bit audio, monaural",
    "Qualcomm",
    "CN",
    "MPEG-I/II Audio",
    "g728",
    "DVI4 11k",
    "DVI4 22k",
    "g729",
    "CN(old)",
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    "CellB",
    "JPEG",
    NULL,
    "NV",
    NULL,
    NULL,
    "h261",
    "MPEG-I/II Video",
    "MPEG-II streams",
    "h263",
};

/* RFC 3551 encoding names and clock rates of the static types. */
static const struct {
    uint8_t pt;
    const char *name;
    uint32_t rate;
} static_types[] = {
    {0, "PCMU", 8000},   {3, "GSM", 8000},    {4, "G723", 8000},   {5, "DVI4", 8000},
    {6, "DVI4", 16000},  {7, "LPC", 8000},    {8, "PCMA", 8000},   {9, "G722", 8000},
    {10, "L16", 44100},  {11, "L16", 44100},  {12, "QCELP", 8000}, {13, "CN", 8000},
    {14, "MPA", 90000},  {15, "G728", 8000},  {16, "DVI4", 11025}, {17, "DVI4", 22050},
    {18, "G729", 8000},  {19, "CN", 8000},    {25, "CelB", 90000}, {26, "JPEG", 90000},
    {28, "nv", 90000},   {31, "H261", 90000}, {32, "MPV", 90000},  {33, "MP2T", 90000},
    {34, "H263", 90000},
};

/* Clock rates by encoding name for dynamic types (IANA media subtypes). */
static const struct {
    const char *name;
    uint32_t rate;
} dyn_rates[] = {
    {"AMR", 8000},
    {"AMR-WB", 16000},
    {"EVRC", 8000},
    {"EVRCB", 8000},
    {"EVRCWB", 16000},
    {"EVS", 16000},
    {"G7221", 16000},
    {"G726-16", 8000},
    {"G726-24", 8000},
    {"G726-32", 8000},
    {"G726-40", 8000},
    {"GSM-EFR", 8000},
    {"H263-1998", 90000},
    {"H263-2000", 90000},
    {"H264", 90000},
    {"H265", 90000},
    {"iLBC", 8000},
    {"MP4V-ES", 90000},
    {"opus", 48000},
    {"red", 1000},
    {"SPEEX", 8000},
    {"t140", 1000},
    {"telephone-event", 8000},
    {"VP8", 90000},
    {"VP9", 90000},
};

void rtp_ptmap_static(uint8_t pt, struct rtp_ptmap *m)
{
    size_t i;

    memset(m, 0, sizeof(*m));
    m->pt = pt;
    for (i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++) {
        if (static_types[i].pt == pt) {
            snprintf(m->name, sizeof(m->name), "%s", static_types[i].name);
            m->rate = static_types[i].rate;
            return;
        }
    }
}

bool rtp_ptmap_is_event(const struct rtp_ptmap *m)
{
    return m->name[0] && strncasecmp(m->name, "telephone-event", 15) == 0;
}

uint32_t rtp_clock_rate(const struct rtp_ptmap *m)
{
    struct rtp_ptmap st;
    size_t i, best = 0, bestlen = 0;

    if (m->pt < 96) {
        rtp_ptmap_static(m->pt, &st);
        return st.rate;
    }
    if (!m->name[0])
        return 0;
    if (rtp_ptmap_is_event(m))
        return 0;
    if (m->rate)
        return m->rate;
    /* the longest table name that prefixes the SDP name */
    for (i = 0; i < sizeof(dyn_rates) / sizeof(dyn_rates[0]); i++) {
        size_t n = strlen(dyn_rates[i].name);

        if (n > bestlen && strncasecmp(dyn_rates[i].name, m->name, n) == 0) {
            best = i;
            bestlen = n;
        }
    }
    return bestlen ? dyn_rates[best].rate : 0;
}

void rtp_pt_label(const struct rtp_ptmap *m, char *out, size_t outlen)
{
    if (m->pt < 35 && short_names[m->pt])
        snprintf(out, outlen, "%s", short_names[m->pt]);
    else if (m->pt >= 96 && m->name[0])
        snprintf(out, outlen, "%s", m->name);
    else if (m->pt >= 72 && m->pt <= 76)
        snprintf(out, outlen, "Reserved for RTCP conflict avoidance");
    else if (m->pt < 96)
        snprintf(out, outlen, "Unassigned");
    else
        snprintf(out, outlen, "RTPType-%u", m->pt);
}

void rtp_stream_payloads(const struct rtp_stream *s, char *out, size_t outlen)
{
    size_t i, used = 0;
    char one[64];
    int pt, last = -1;

    if (outlen)
        out[0] = '\0';
    /* by payload type number, as tshark lists them */
    for (i = 0; i < s->npts && used + 1 < outlen; i++) {
        const struct rtp_ptmap *m = NULL;
        size_t k;
        int n;

        for (k = 0; k < s->npts; k++) {
            pt = s->pts[k].pt;
            if (pt > last && (!m || pt < m->pt))
                m = &s->pts[k];
        }
        if (!m)
            break;
        last = m->pt;
        rtp_pt_label(m, one, sizeof(one));
        n = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "", one);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void rtp_stream_codec(const struct rtp_stream *s, char *out, size_t outlen)
{
    const struct rtp_ptmap *m = NULL;
    size_t i;

    /* the first payload type that is not comfort noise or an event */
    for (i = 0; i < s->npts; i++) {
        if (s->pts[i].pt == 13 || s->pts[i].pt == 19 || rtp_ptmap_is_event(&s->pts[i]))
            continue;
        m = &s->pts[i];
        break;
    }
    if (!m && s->npts)
        m = &s->pts[0];
    if (!m) {
        snprintf(out, outlen, "-");
        return;
    }
    if (m->name[0] && m->rate)
        snprintf(out, outlen, "%s/%u", m->name, m->rate);
    else if (m->name[0])
        snprintf(out, outlen, "%s", m->name);
    else
        snprintf(out, outlen, "PT%u", m->pt);
}

double rtp_stream_lost_pct(const struct rtp_stream *s)
{
    return s->expected > 0 ? (double)s->lost * 100.0 / (double)s->expected : 0.0;
}
