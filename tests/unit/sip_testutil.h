/*
 * sip_testutil.h: helpers shared by the SIP parser tests (test_sip_parse,
 * test_sip_hdr, test_sdp): loading a message from tests/data/sip and
 * comparing a slice with the text it should hold.  Include after cmocka.h.
 */
#ifndef SIPDX_SIP_TESTUTIL_H
#define SIPDX_SIP_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "test_paths.h"
#include "util.h"

static inline char *load(const char *rel, size_t *len)
{
    const char *dir = test_data_dir();
    char path[1024];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/sip/%s", dir, rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = xmalloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("short read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static inline void str_eq(const struct sip_msg *m, struct sip_str s, const char *want)
{
    size_t n = strlen(want);

    if (s.len != n || memcmp(m->buf + s.off, want, n) != 0)
        fail_msg("got '%.*s' want '%s'", (int)s.len, m->buf + s.off, want);
}

#endif
