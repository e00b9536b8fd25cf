/*
 * fuzz_tls: libFuzzer harness for the TLS record layer.  The input is a
 * capture file read like fuzz_decode, with a key store attached to the
 * reader and the decoder, so keys in a Decryption Secrets Block of the
 * input open its records: the seeds (corpus/tls) are real SIP-over-TLS
 * captures with their keys inside, and mutations reach the handshake
 * parser, the key derivation, every cipher and the framing after it.
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
    struct cap_tls_keys *keys;
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
        keys = cap_tls_keys_new(64);
        cap_reader_set_tls_keys(r, keys);
        cap_limits_default(&lim);
        lim.tcp_max_bytes = 65536;
        lim.tcp_max_streams = 8;
        dec = cap_decoder_new(&lim, sink, &total);
        cap_decoder_set_tls_keys(dec, keys);
        while (n++ < 100000 && cap_reader_next(r, &rec, &d) == 1)
            cap_decoder_feed(dec, &rec);
        cap_decoder_flush(dec);
        (void)cap_decoder_tls_report(dec);
        cap_decoder_free(dec);
        cap_reader_close(r);
        cap_tls_keys_free(keys);
    }
    close(fd);
    return 0;
}
