/*
 * live: one libpcap live capture handle per interface ("any" included),
 * non-blocking, read by the engine's live thread through a poll loop.
 *
 * cap_live_open runs on the main thread while it still has the
 * privileges to open the interface (root or CAP_NET_RAW); everything
 * else runs on the live thread that owns the handle afterwards.  Frames
 * handed to the callback are borrowed from libpcap's ring buffer for the
 * duration of the call only.
 */
#include "capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Why not plain "port 5060": libpcap's port test reads the UDP/TCP header,
 * which only the first IPv4 fragment carries, and for IPv6 it only looks
 * at the fixed header's next-header field, so any IPv6 datagram with a
 * fragment header (44) fails it, even the first fragment.  The last two
 * alternatives keep every IPv4 fragment after the first (they have no
 * ports; offset != 0) and every IPv6 packet with a fragment header; the
 * decoder reassembles them and drops what is not SIP.  IPv4 first
 * fragments match the port test itself. */
static const char default_bpf[] =
    "((udp or tcp or sctp) and (portrange 5060-5090 or port 9060 or port 8088 or port 8089))"
    " or (ip[6:2] & 0x1fff != 0)"
    " or (ip6 and ip6[6] == 44)";

int cap_bpf_check(const char *expr, char *err, size_t n)
{
    pcap_t *p = pcap_open_dead(DLT_EN10MB, CAP_SNAPLEN);
    struct bpf_program prog;
    int rc = -1;

    if (!p) {
        snprintf(err, n, "libpcap cannot compile filters here");
        return -1;
    }
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0) {
        pcap_freecode(&prog);
        rc = 0;
    } else {
        snprintf(err, n, "%s", pcap_geterr(p));
    }
    pcap_close(p);
    return rc;
}

const char *cap_live_default_bpf(void)
{
    return default_bpf;
}

struct cap_live {
    pcap_t *p;  /* owned */
    char *name; /* owned */
    unsigned source;
    int linktype;
    int fd; /* selectable fd, -1 if none */
    uint64_t frame;
    cap_record_fn fn; /* during dispatch */
    void *ctx;
};

struct cap_live *cap_live_open(const char *iface, const struct cap_live_opts *o, unsigned source,
                               struct err *d)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    struct cap_live *cl;
    struct bpf_program prog;
    const char *bpf = o->bpf ? o->bpf : default_bpf;
    int rc;

    errbuf[0] = '\0';
    cl = xcalloc(1, sizeof(*cl));
    cl->name = xstrdup(iface);
    cl->source = source;
    cl->fd = -1;
    cl->p = pcap_create(iface, errbuf);
    if (!cl->p) {
        err_set(d, "%s: %s", iface, errbuf);
        goto fail;
    }
    pcap_set_snaplen(cl->p, o->snaplen > 0 ? o->snaplen : CAP_SNAPLEN);
    pcap_set_promisc(cl->p, o->promisc ? 1 : 0);
    pcap_set_timeout(cl->p, 50); /* ms: how long the kernel holds a partly filled block */
    if (o->buffer_size > 0)
        pcap_set_buffer_size(cl->p, o->buffer_size);
    pcap_set_tstamp_precision(cl->p, PCAP_TSTAMP_PRECISION_NANO);
    rc = pcap_activate(cl->p);
    if (rc < 0) {
        const char *why = pcap_geterr(cl->p);

        if (rc == PCAP_ERROR_PERM_DENIED)
            err_set(d, "%s: %s (run as root, or give the binary CAP_NET_RAW: see the man page)",
                    iface, why && *why ? why : "permission denied");
        else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
            err_set(d, "%s: no such interface", iface);
        else
            err_set(d, "%s: %s", iface, why && *why ? why : pcap_statustostr(rc));
        goto fail;
    }
    if (*bpf) {
        if (pcap_compile(cl->p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            err_set(d, "bad capture filter: %s", pcap_geterr(cl->p));
            goto fail;
        }
        rc = pcap_setfilter(cl->p, &prog);
        pcap_freecode(&prog);
        if (rc != 0) {
            err_set(d, "%s: cannot set the filter: %s", iface, pcap_geterr(cl->p));
            goto fail;
        }
    }
    if (pcap_setnonblock(cl->p, 1, errbuf) != 0) {
        err_set(d, "%s: %s", iface, errbuf);
        goto fail;
    }
    cl->linktype = pcap_datalink(cl->p);
    cl->fd = pcap_get_selectable_fd(cl->p);
    return cl;
fail:
    cap_live_close(cl);
    return NULL;
}

int cap_live_fd(const struct cap_live *cl)
{
    return cl->fd;
}

int cap_live_linktype(const struct cap_live *cl)
{
    return cl->linktype;
}

const char *cap_live_name(const struct cap_live *cl)
{
    return cl->name;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct cap_live *cl = (struct cap_live *)user;
    struct cap_record rec;

    memset(&rec, 0, sizeof(rec));
    rec.source = cl->source;
    rec.frame = ++cl->frame;
    /* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
    rec.ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
    rec.linktype = cl->linktype;
    rec.data = bytes;
    rec.caplen = h->caplen;
    rec.origlen = h->len;
    rec.file_off = -1;
    cl->fn(cl->ctx, &rec);
}

int cap_live_dispatch(struct cap_live *cl, int max, cap_record_fn fn, void *ctx, struct err *d)
{
    int n;

    cl->fn = fn;
    cl->ctx = ctx;
    n = pcap_dispatch(cl->p, max, on_frame, (u_char *)cl);
    if (n == PCAP_ERROR) {
        err_set(d, "%s: %s", cl->name, pcap_geterr(cl->p));
        return -1;
    }
    return n < 0 ? 0 : n;
}

int cap_live_stats(struct cap_live *cl, struct cap_live_counts *c)
{
    struct pcap_stat st;

    memset(c, 0, sizeof(*c));
    if (pcap_stats(cl->p, &st) != 0)
        return -1;
    c->received = st.ps_recv;
    c->kernel_drops = st.ps_drop;
    c->if_drops = st.ps_ifdrop;
    return 0;
}

void cap_live_close(struct cap_live *cl)
{
    if (!cl)
        return;
    if (cl->p)
        pcap_close(cl->p);
    free(cl->name);
    free(cl);
}
