/*
 * fuzz_tls_keylog: libFuzzer harness for the key log parser.  The input's
 * first byte chooses where the text is cut in two (as a pipe or a UDP
 * datagram may cut it); the rest is key log text.  What was stored is
 * written back as key log lines, which must parse again to the same
 * number of secrets (aborts otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "capture.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cap_tls_keys *k, *k2;
    struct cap_tls_keylog_stats a, b;
    struct strbuf out;
    size_t cut, lines;

    if (size < 1)
        return 0;
    cut = size > 1 ? data[0] % size : 0;
    data++;
    size--;
    if (cut > size)
        cut = size;
    k = cap_tls_keys_new(16);
    cap_tls_keys_add(k, (const char *)data, cut, false);
    cap_tls_keys_add(k, (const char *)data + cut, size - cut, true);
    cap_tls_keys_stats(k, &a);
    sb_init(&out);
    lines = cap_tls_keys_format(k, NULL, 0, &out);
    k2 = cap_tls_keys_new(16);
    cap_tls_keys_add(k2, out.s ? out.s : "", out.len, true);
    cap_tls_keys_stats(k2, &b);
    if (b.accepted != lines || b.bad != 0 || b.stored != a.stored)
        abort();
    sb_fini(&out);
    cap_tls_keys_free(k);
    cap_tls_keys_free(k2);
    return 0;
}
