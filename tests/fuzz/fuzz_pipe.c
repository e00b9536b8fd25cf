/*
 * fuzz_pipe: libFuzzer harness for the pipe/FIFO input path of the reader
 * (`tcpdump -w - | sipdx -r -`): read() and inflate() as bytes arrive,
 * plain or gzip (several members too), then the decoder.  The input is
 * written into a pipe whose write end is then closed, and the reader opens
 * the read end by its /proc path, so it takes the FIFO path.  Inputs larger
 * than the pipe holds are cut (the pipe is enlarged to 1 MB when allowed).
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const struct cap_payload *p)
{
    *(size_t *)ctx += p->len;
}

static void on_wait(void *ctx)
{
    ++*(unsigned *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fds[2];
    char path[64];
    struct cap_reader *r;
    struct err d;
    ssize_t w;
    size_t total = 0;
    unsigned waits = 0;
    int n = 0;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return 0;
    (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    (void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
    w = size ? write(fds[1], data, size) : 0;
    (void)w;
    close(fds[1]);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
    err_clear(&d);
    r = cap_reader_open(path, 0, &d);
    if (r) {
        struct cap_limits lim;
        struct cap_decoder *dec;
        struct cap_record rec;

        cap_reader_on_wait(r, on_wait, &waits);
        if (cap_reader_seekable(r))
            __builtin_trap(); /* a pipe has no file offsets */
        cap_limits_default(&lim);
        lim.tcp_max_bytes = 8192;
        lim.tcp_max_streams = 8;
        dec = cap_decoder_new(&lim, sink, &total);
        while (n++ < 100000 && cap_reader_next(r, &rec, &d) == 1) {
            if (rec.file_off != -1)
                __builtin_trap();
            cap_decoder_feed(dec, &rec);
        }
        cap_decoder_flush(dec);
        cap_decoder_free(dec);
        cap_reader_close(r);
    }
    close(fds[0]);
    return 0;
}
