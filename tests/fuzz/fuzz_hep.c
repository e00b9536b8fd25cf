/*
 * fuzz_hep: libFuzzer harness for the HEP listener's TCP path
 * (hep_stream_feed: splitting a stream by the HEP3 length, the password
 * check, decapsulation by the decoder, as the live thread does).
 *
 * Input: flags (1 byte: bit 0 asks for the password "pw"), a split seed
 * (1 byte), then the stream.  The stream is fed in pieces whose sizes come
 * from the seed (1 byte to 4 KB), so packets are cut everywhere.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine/engine_int.h"
#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const struct cap_payload *p)
{
    size_t skip, len;

    *(size_t *)ctx += p->len;
    if (p->len)
        (void)sip_frame((const char *)p->data, p->len, &skip, &len);
}

struct fz {
    struct cap_decoder *dec;
    uint64_t frame;
};

static bool on_packet(void *ctx, const uint8_t *p, size_t n)
{
    struct fz *f = ctx;
    struct cap_record rec;
    uint64_t errs = cap_decoder_stats(f->dec)->hep_errors;

    memset(&rec, 0, sizeof(rec));
    rec.frame = ++f->frame;
    rec.ts_ns = 1700000000000000000LL;
    rec.data = p;
    rec.caplen = rec.origlen = (uint32_t)n;
    rec.file_off = -1;
    cap_decoder_feed_hep(f->dec, &rec);
    return cap_decoder_stats(f->dec)->hep_errors == errs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f;
    struct hep_listener *hl;
    struct hep_stream st;
    uint64_t c[HEP_COUNT_N];
    uint32_t r;
    size_t total = 0, off = 2;
    bool delivered = false;

    if (size < 2)
        return 0;
    memset(&f, 0, sizeof(f));
    memset(&st, 0, sizeof(st));
    f.dec = cap_decoder_new(NULL, sink, &total);
    hl = hep_listener_new((data[0] & 1) ? "pw" : NULL, 10, on_packet, &f);
    r = data[1] * 2654435761u + 1;
    while (off < size) {
        size_t k;

        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        k = 1 + (r % ((r & 0x100) ? 4096 : 16));
        if (k > size - off)
            k = size - off;
        if (hep_stream_feed(hl, &st, data + off, k, (int64_t)off, &delivered) != 0)
            break; /* the listener would close the connection */
        off += k;
    }
    hep_listener_counts(hl, c);
    if (c[HEP_C_PACKETS] < c[HEP_C_AUTH] + c[HEP_C_MALFORMED])
        abort(); /* every refusal is of a packet that was counted */
    free(st.buf);
    hep_listener_free(hl);
    cap_decoder_free(f.dec);
    return 0;
}
