/*
 * fuzz_kb: libFuzzer harness for the knowledge-base loader.  The input is
 * one .kb file; half the time its first line is also used as a reason
 * phrase to look up, so the compiled patterns get exercised as well.
 * Build: make fuzz (clang, -fsanitize=fuzzer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "kb/kb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kb *kb;
    const char *nl;
    size_t rlen;

    if (size > (1u << 20))
        return 0;
    kb = kb_alloc("en");
    kb_load_buffer(kb, "fuzz.kb", (const char *)data, size, "ru", 2);
    nl = memchr(data, '\n', size);
    rlen = nl ? (size_t)(nl - (const char *)data) : size;
    for (int code = 100; code < 700; code += 37)
        (void)kb_lookup_response(kb, code, (const char *)data, rlen);
    (void)kb_lookup_q850(kb, size % 128);
    (void)kb_lookup_warning(kb, 300 + (int)(size % 100));
    (void)kb_lookup_class(kb, (int)(size % 7));
    kb_free(kb);
    return 0;
}
