/*
 * fuzz_decode: libFuzzer harness.  The input is a capture file (pcap or
 * pcapng, maybe gzip); it is written to a memory file and read through
 * cap_reader and cap_decoder like `--dump packets` does, with small limits
 * so reassembly eviction paths run too.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "sip.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const struct cap_payload *p)
{
    size_t *total = ctx, skip, len;

    *total += p->len;
    if (p->len)
        (void)sip_frame((const char *)p->data, p->len, &skip, &len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = memfd_create("fuzz", 0);
    struct cap_reader *r;
    struct cap_decoder *dec;
    struct cap_limits lim;
    struct cap_record rec;
    struct err d;
    size_t total = 0;
    int n = 0;

    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    r = cap_reader_open(path, 0, &d);
    if (r) {
        cap_limits_default(&lim);
        lim.tcp_max_bytes = 8192;
        lim.tcp_max_streams = 8;
        lim.frag_max_bytes = 300000;
        dec = cap_decoder_new(&lim, sink, &total);
        while (n++ < 100000 && cap_reader_next(r, &rec, &d) == 1)
            cap_decoder_feed(dec, &rec);
        cap_decoder_flush(dec);
        cap_decoder_free(dec);
        cap_reader_close(r);
    }
    close(fd);
    return 0;
}
