/*
 * rules: the `legs ...` lines of the config file, compiled, and the key
 * they give a call (legs.h).  heplify-server's AlegIDs showed the shape:
 * a header name, optionally with a regular expression whose first group is
 * the part that must match.
 *
 * Thread: whoever builds the legs; one struct legs_rules is used by one
 * thread at a time (its PCRE2 match data is shared by every match).
 * Ownership: the rules own their compiled expressions.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "legs.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "legs_int.h"
#include "sip.h"
#include "store.h"
#include "util.h"

enum rule_kind {
    RULE_HEADER,
    RULE_CALL_ID,
};

struct legs_rule {
    enum rule_kind kind;
    char header[64];
    pcre2_code *re; /* owned or NULL */
    int line;
};

struct legs_rules {
    struct legs_rule *v; /* owned */
    size_t n;
    bool behaviour_off;
    pcre2_match_data *md;    /* owned: room for the first group */
    pcre2_match_context *mc; /* owned: bounds a match's work */
};

struct legs_rules *legs_rules_new(void)
{
    struct legs_rules *r = xcalloc(1, sizeof(*r));

    r->md = pcre2_match_data_create(2, NULL);
    r->mc = pcre2_match_context_create(NULL);
    if (!r->md || !r->mc)
        fatal("out of memory (pcre2)");
    /* The same bound as the filter's: a call's header cannot stall a load. */
    pcre2_set_match_limit(r->mc, 100000);
    pcre2_set_depth_limit(r->mc, 10000);
    return r;
}

void legs_rules_free(struct legs_rules *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n; i++)
        pcre2_code_free(r->v[i].re);
    free(r->v);
    pcre2_match_data_free(r->md);
    pcre2_match_context_free(r->mc);
    free(r);
}

size_t legs_rules_count(const struct legs_rules *r)
{
    return r ? r->n : 0;
}

bool legs_rules_behaviour(const struct legs_rules *r)
{
    return !r || !r->behaviour_off;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The next word of *p into w; false when there is none or it is too long. */
static bool next_word(const char **p, char *w, size_t wlen)
{
    const char *s = skip_ws(*p), *e = s;

    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (e == s || (size_t)(e - s) >= wlen)
        return false;
    memcpy(w, s, (size_t)(e - s));
    w[e - s] = '\0';
    *p = skip_ws(e);
    return true;
}

static void rule_err(struct strbuf *errs, const char *file, int line, const char *msg,
                     const char *detail)
{
    if (errs)
        sb_printf(errs, "%s:%d: legs: %s%s\n", file ? file : "config", line, msg,
                  detail ? detail : "");
}

int legs_rules_add(struct legs_rules *r, const char *text, const char *file, int line,
                   struct strbuf *errs)
{
    struct legs_rule nr;
    char kind[16];
    const char *p = text;

    memset(&nr, 0, sizeof(nr));
    nr.line = line;
    if (!next_word(&p, kind, sizeof(kind))) {
        rule_err(errs, file, line, "expected header, call-id or behaviour", NULL);
        return -1;
    }
    if (strcasecmp(kind, "behaviour") == 0 || strcasecmp(kind, "behavior") == 0) {
        if (strcasecmp(p, "off") == 0)
            r->behaviour_off = true;
        else if (strcasecmp(p, "on") == 0)
            r->behaviour_off = false;
        else {
            rule_err(errs, file, line, "behaviour takes on or off", NULL);
            return -1;
        }
        return 0;
    }
    if (strcasecmp(kind, "header") == 0) {
        size_t i;

        nr.kind = RULE_HEADER;
        if (!next_word(&p, nr.header, sizeof(nr.header))) {
            rule_err(errs, file, line, "header needs a header name", NULL);
            return -1;
        }
        for (i = 0; nr.header[i]; i++) {
            unsigned char ch = (unsigned char)nr.header[i];

            if (ch <= ' ' || ch >= 127 || ch == ':') {
                rule_err(errs, file, line, "not a header name: ", nr.header);
                return -1;
            }
        }
    } else if (strcasecmp(kind, "call-id") == 0) {
        nr.kind = RULE_CALL_ID;
        if (!*p) {
            rule_err(errs, file, line, "call-id needs a regular expression", NULL);
            return -1;
        }
    } else {
        rule_err(errs, file, line, "unknown rule (header, call-id, behaviour): ", kind);
        return -1;
    }
    if (*p) {
        int ec;
        PCRE2_SIZE off;

        nr.re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
        if (!nr.re) {
            char msg[160];
            PCRE2_UCHAR buf[120];

            if (pcre2_get_error_message(ec, buf, sizeof(buf)) < 0)
                strcpy((char *)buf, "bad regular expression");
            snprintf(msg, sizeof(msg), "col %zu of the expression: %s", (size_t)off + 1,
                     (const char *)buf);
            rule_err(errs, file, line, msg, NULL);
            return -1;
        }
        (void)pcre2_jit_compile(nr.re, PCRE2_JIT_COMPLETE);
    }
    r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
    r->v[r->n++] = nr;
    return 0;
}

/* The part of s the rule keeps: the first group of its expression (the
 * whole match without a group), or all of s without an expression.
 * false when the expression does not match. */
static bool extract(const struct legs_rules *r, const struct legs_rule *ru, const char *s, size_t n,
                    const char **out, size_t *outlen)
{
    PCRE2_SIZE *ov;
    int rc;

    if (!ru->re) {
        *out = s;
        *outlen = n;
        return n > 0;
    }
    rc = pcre2_match(ru->re, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
    if (rc < 0)
        return false;
    ov = pcre2_get_ovector_pointer(r->md);
    if (rc >= 2 && ov[2] != PCRE2_UNSET) {
        *out = s + ov[2];
        *outlen = ov[3] - ov[2];
    } else {
        *out = s + ov[0];
        *outlen = ov[1] - ov[0];
    }
    return *outlen > 0;
}

/* The value of a header in the call's first request, trimmed; false when
 * it has none (or the message cannot be read). */
static bool first_request_header(const struct store *s, const struct store_call *c,
                                 const char *name, struct strbuf *tmp, const char **v, size_t *n)
{
    struct sip_msg m;
    struct sip_str val;
    size_t st = 0, i;
    bool ok = false;

    for (i = 0; i < c->nmsgs && !(c->msgs[i].flags & STORE_MSG_REQUEST); i++)
        ;
    if (i == c->nmsgs || store_msg_bytes(s, &c->msgs[i], tmp) != 0)
        return false;
    if (sip_parse(tmp->s, tmp->len, &m) == 0 && sip_hdr_values_named(&m, name, &st, &val)) {
        const char *p = sip_str_ptr(&m, val);
        size_t len = val.len;

        while (len && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        *v = p;
        *n = len;
        ok = len > 0;
    }
    sip_msg_fini(&m);
    return ok;
}

void legs_rules_key(const struct legs_rules *r, const struct store *s, const struct store_call *c,
                    struct strbuf *tmp, struct legs_key *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!r || r->n == 0)
        return;
    for (i = 0; i < r->n; i++) {
        const struct legs_rule *ru = &r->v[i];
        const char *v = NULL, *k;
        size_t n = 0, kn;

        if (ru->kind == RULE_HEADER) {
            if (!first_request_header(s, c, ru->header, tmp, &v, &n))
                continue;
        } else {
            v = c->call_id;
            n = c->call_id_len;
        }
        if (!extract(r, ru, v, n, &k, &kn))
            continue;
        out->key = hash_bytes(k, kn) | 1;
        out->explicit = true;
        out->line = ru->line;
        return;
    }
    out->key = hash_bytes(c->call_id, c->call_id_len) | 1;
}
