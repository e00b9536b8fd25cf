/*
 * libFuzzer harness: filter_compile() on arbitrary text, and every filter
 * that compiles is evaluated against a subject that hands out values of
 * every type (text, number, address v4/v6, time), so the evaluator's
 * conversions are fuzzed too.  Single-threaded; no state kept between runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_values(void *ctx, enum filter_field field, const char *key, filter_emit_fn emit,
                        void *ectx)
{
    struct filter_value v;
    static const char *const texts[] = {"INVITE",   "",         "10.0.0.1:5060",
                                        "  3600;x", "\xff\xfe", "a\\x1b[0m"};
    size_t i;

    (void)ctx;
    (void)key;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        memset(&v, 0, sizeof(v));
        v.type = FILTER_V_STR;
        v.s = texts[i];
        v.len = strlen(texts[i]);
        if (emit(ectx, &v))
            return;
    }
    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_INT;
    v.i = (int64_t)field * 100 - 1;
    if (emit(ectx, &v))
        return;
    v.type = FILTER_V_TIME;
    v.i = INT64_MIN + 5;
    if (emit(ectx, &v))
        return;
    memset(&v, 0, sizeof(v));
    v.type = FILTER_V_ADDR;
    v.addr.family = 4;
    memcpy(v.addr.ip, "\x0a\x00\x00\x01", 4);
    v.addr.port = 5060;
    if (emit(ectx, &v))
        return;
    v.addr.family = 6;
    memset(v.addr.ip, 0xfd, 16);
    v.addr.port = 0;
    emit(ectx, &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct err d;
    struct filter *f;
    struct filter_subject subj = {NULL, fuzz_values};

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* text stops at the first NUL, as from a C string */
    err_clear(&d);
    f = filter_compile(s, &d);
    if (f) {
        (void)filter_match(f, &subj);
        (void)filter_needs(f);
        if (strcmp(filter_source(f), s) != 0)
            abort();
        filter_free(f);
    } else if (d.msg[0] == '\0' || d.col < 1) {
        abort(); /* every refusal must say where and why */
    }
    free(s);
    return 0;
}
