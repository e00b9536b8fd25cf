/*
 * fuzz_sdp: libFuzzer harness for sdp_parse.  The input is an SDP body,
 * wrapped in a bare struct sip_msg whose bytes are the input itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned touch(const struct sip_msg *m, struct sip_str s)
{
    unsigned acc = 0;
    uint32_t i;

    for (i = 0; i < s.len; i++)
        acc += (unsigned char)m->buf[s.off + i];
    return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sip_msg m; /* large; only buf is read by sdp_parse */
    struct sip_str body;
    struct sdp s;
    volatile unsigned acc = 0;
    int k, j;

    if (size == 0 || size > UINT32_MAX)
        return 0;
    memset(&m, 0, sizeof(m));
    m.buf = (const char *)data;
    m.len = size;
    body.off = 0;
    body.len = (uint32_t)size;
    if (sdp_parse(&m, body, &s) == 0) {
        acc += touch(&m, s.origin_user) + touch(&m, s.origin_addr) + touch(&m, s.conn);
        for (k = 0; k < s.nmedia; k++) {
            acc += touch(&m, s.media[k].type) + touch(&m, s.media[k].proto) +
                   touch(&m, s.media[k].conn);
            if (s.media[k].npts > 32 || s.media[k].nmaps > 32)
                __builtin_trap();
            for (j = 0; j < s.media[k].nmaps; j++)
                acc +=
                    touch(&m, s.media[k].maps[j].encoding) + touch(&m, s.media[k].maps[j].params);
        }
    }
    sdp_fini(&s);
    (void)acc;
    return 0;
}
