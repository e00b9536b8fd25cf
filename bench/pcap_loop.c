/*
 * pcap_loop: the benchmark's floor.  Reads a capture with libpcap
 * (pcap_open_offline + pcap_next_ex) and counts packets and captured
 * bytes, touching one byte of each packet so the read cannot be skipped.
 * Nothing faster can read the same file through libpcap, so run.sh reports
 * every other tool's time as a multiple of this one.
 * Single thread; prints "packets=N bytes=N" on stdout.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fputs("usage: pcap_loop FILE\n", stderr);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap_loop: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const unsigned char *data;
    uint64_t packets = 0, bytes = 0;
    unsigned sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->caplen;
        if (h->caplen)
            sum += data[h->caplen - 1];
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    printf("packets=%llu bytes=%llu check=%u\n", (unsigned long long)packets,
           (unsigned long long)bytes, sum & 0xff);
    return 0;
}
