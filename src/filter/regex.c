/*
 * filter/regex: PCRE2 for the ~ / matches (caseless) and like
 * (case-sensitive) operators.  Compiled once at filter_compile, JIT when
 * available.  Subjects are wire bytes: UTF mode with PCRE2_MATCH_INVALID_UTF,
 * so invalid UTF-8 simply does not match instead of failing, and a match limit
 * bounds catastrophic backtracking.
 *
 * A struct fregex owns its code, match data and match context; matching
 * writes to the match data, so one fregex is used by one thread at a time.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "filter_int.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#define FREGEX_MATCH_LIMIT 200000u

struct fregex {
    pcre2_code *code;        /* owned */
    pcre2_match_data *md;    /* owned */
    pcre2_match_context *mc; /* owned */
};

struct fregex *fregex_new(const char *pat, size_t n, bool caseless, size_t *erroff, char *msg,
                          size_t msglen)
{
    struct fregex *re;
    int err = 0;
    PCRE2_SIZE off = 0;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    pcre2_code *code;

    if (caseless)
        opts |= PCRE2_CASELESS;
    code = pcre2_compile((PCRE2_SPTR)pat, n, opts, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR buf[200];

        if (pcre2_get_error_message(err, buf, sizeof(buf)) < 0)
            snprintf((char *)buf, sizeof(buf), "error %d", err);
        snprintf(msg, msglen, "%s", (const char *)buf);
        *erroff = off;
        return NULL;
    }
    re = xcalloc(1, sizeof(*re));
    re->code = code;
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    re->md = pcre2_match_data_create(1, NULL);
    re->mc = pcre2_match_context_create(NULL);
    if (!re->md || !re->mc)
        fatal("out of memory (pcre2)");
    pcre2_set_match_limit(re->mc, FREGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mc, 10000);
    return re;
}

void fregex_free(struct fregex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mc);
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}

bool fregex_match(struct fregex *re, const char *s, size_t n)
{
    int rc;

    rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, 0, 0, re->md, re->mc);
    return rc >= 0; /* no match, limit hit or bad UTF: false */
}
