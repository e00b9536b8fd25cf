/*
 * filter/eval: evaluates a compiled tree against a subject.
 *
 * For each test the subject is asked for the field's values through its
 * callback; the test is true when ANY value satisfies it (the subject is told
 * to stop at the first hit).  "!=" is "present and no value equals".
 * Values arrive typed or as text and are converted here to the field's kind
 * (text "5060" for a number field, "10.0.0.1" for an address field); a value
 * that does not convert satisfies nothing.
 *
 * No allocation, no parsing of the filter, no recursion deeper than the
 * filter's nesting (bounded at compile time).  Whichever thread owns the
 * filter (regex match data is per filter, see include/filter.h).
 */
#include "filter_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- conversions ---- */

static bool find_bytes(const char *h, size_t hn, const char *nd, size_t nn)
{
    size_t i;

    if (nn == 0)
        return true;
    if (nn > hn)
        return false;
    for (i = 0; i + nn <= hn; i++)
        if (h[i] == nd[0] && memcmp(h + i, nd, nn) == 0)
            return true;
    return false;
}

static void addr_fmt(const struct filter_addr *a, char *out, size_t outlen)
{
    char ip[64];

    if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip)))
        ip[0] = '\0';
    if (!a->port)
        snprintf(out, outlen, "%s", ip);
    else if (a->family == 6)
        snprintf(out, outlen, "[%s]:%u", ip, (unsigned)a->port);
    else
        snprintf(out, outlen, "%s:%u", ip, (unsigned)a->port);
}

/* Text form of a value (for ~, like, contains, and string fields). */
static void value_text(const struct filter_value *v, char *buf, size_t buflen, const char **s,
                       size_t *n)
{
    switch (v->type) {
    case FILTER_V_STR:
        *s = v->s ? v->s : "";
        *n = v->s ? v->len : 0;
        return;
    case FILTER_V_INT:
    case FILTER_V_TIME:
        snprintf(buf, buflen, "%lld", (long long)v->i);
        break;
    case FILTER_V_ADDR:
        addr_fmt(&v->addr, buf, buflen);
        break;
    }
    *s = buf;
    *n = strlen(buf);
}

/* Leading decimal integer of text ("  3600;x" -> 3600).  0 / -1. */
static int text_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false, digits = false;
    int64_t v = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
        digits = true;
    }
    if (!digits)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

static int value_int(const struct filter_value *v, int64_t *out)
{
    if (v->type == FILTER_V_INT || v->type == FILTER_V_TIME) {
        *out = v->i;
        return 0;
    }
    if (v->type == FILTER_V_STR)
        return text_int(v->s ? v->s : "", v->s ? v->len : 0, out);
    return -1;
}

static int value_addr(const struct filter_value *v, struct filter_addr *out)
{
    if (v->type == FILTER_V_ADDR) {
        *out = v->addr;
        return out->family == 4 || out->family == 6 ? 0 : -1;
    }
    if (v->type == FILTER_V_STR && v->s)
        return filter_addr_parse(v->s, v->len, out);
    return -1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_addr(const struct filter_addr *a, const struct filter_addr *b)
{
    int c;

    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    c = memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
    return c < 0 ? -1 : c > 0;
}

/* Does address v fall in the literal (prefix, and port when it has one)? */
static bool addr_in(const struct lit *l, const struct filter_addr *v)
{
    int bits = l->prefix, i;

    if (v->family != l->a.family)
        return false;
    for (i = 0; bits >= 8; i++, bits -= 8)
        if (v->ip[i] != l->a.ip[i])
            return false;
    if (bits > 0) {
        uint8_t mask = (uint8_t)(0xffu << (8 - bits));

        if ((v->ip[i] & mask) != (l->a.ip[i] & mask))
            return false;
    }
    return l->a.port == 0 || l->a.port == v->port;
}

/* Compares v with scalar literal l: 0 equal, <0, >0; 2 = not comparable.
 * For addresses "equal" means "inside the prefix, same port if given". */
static int cmp_lit(const struct lit *l, const struct filter_value *v)
{
    char buf[80];
    const char *s;
    size_t n;
    int64_t x;
    struct filter_addr a;
    int c;

    switch (l->kind) {
    case FK_STR:
        value_text(v, buf, sizeof(buf), &s, &n);
        c = memcmp(s, l->s, n < l->len ? n : l->len);
        if (c == 0)
            return n < l->len ? -1 : n > l->len;
        return c < 0 ? -1 : 1;
    case FK_INT:
        if (value_int(v, &x) < 0)
            return 2;
        return cmp_i64(x, l->i);
    case FK_BOOL:
        if (value_int(v, &x) < 0)
            return 2;
        return cmp_i64(x != 0, l->i);
    case FK_TIME:
    case FK_DUR:
        if (value_int(v, &x) < 0)
            return 2;
        return cmp_i64(floor_div(x, l->gran), floor_div(l->i, l->gran));
    case FK_ADDR:
        if (value_addr(v, &a) < 0)
            return 2;
        if (addr_in(l, &a))
            return 0;
        if (a.family != l->a.family)
            return 2;
        c = cmp_addr(&a, &l->a);
        if (c == 0) /* same IP, other port */
            return a.port < l->a.port ? -1 : 1;
        return c;
    }
    return 2;
}

static bool in_range(const struct lit *l, const struct filter_value *v)
{
    int64_t x;
    struct filter_addr a;

    if (l->kind == FK_ADDR) {
        struct filter_addr hi = l->ahi;

        if (value_addr(v, &a) < 0 || a.family != l->a.family)
            return false;
        hi.port = 0;
        return cmp_addr(&a, &l->a) >= 0 && cmp_addr(&a, &hi) <= 0;
    }
    if (value_int(v, &x) < 0)
        return false;
    if (l->kind == FK_TIME || l->kind == FK_DUR)
        return floor_div(x, l->gran) >= floor_div(l->i, l->gran) &&
               floor_div(x, l->gran) <= floor_div(l->hi, l->gran);
    return x >= l->i && x <= l->hi;
}

/* Does one value satisfy test n (with "!=" evaluated as "=="). */
static bool test_value(const struct fnode *n, const struct filter_value *v)
{
    char buf[80];
    const char *s;
    size_t len, i;
    int c;

    switch (n->op) {
    case OP_PRESENT:
        if (n->def->kind == FK_BOOL)
            return cmp_lit(&(struct lit){.kind = FK_BOOL, .i = 1}, v) == 0;
        return true;
    case OP_CONTAINS:
        value_text(v, buf, sizeof(buf), &s, &len);
        return find_bytes(s, len, n->lit.s, n->lit.len);
    case OP_MATCHES:
    case OP_LIKE:
        value_text(v, buf, sizeof(buf), &s, &len);
        return fregex_match(n->re, s, len);
    case OP_IN:
        for (i = 0; i < n->nset; i++) {
            if (n->set[i].range ? in_range(&n->set[i], v) : cmp_lit(&n->set[i], v) == 0)
                return true;
        }
        return false;
    default:
        break;
    }
    c = cmp_lit(&n->lit, v);
    if (c == 2)
        return false;
    switch (n->op) {
    case OP_EQ:
    case OP_NE:
        return c == 0;
    case OP_LT:
        return c < 0;
    case OP_LE:
        return c <= 0;
    case OP_GT:
        return c > 0;
    case OP_GE:
        return c >= 0;
    default:
        return false;
    }
}

/* ---- walking the tree ---- */

struct ectx {
    const struct fnode *n;
    bool any; /* the field had a value */
    bool hit; /* a value satisfied the test */
};

static bool on_value(void *p, const struct filter_value *v)
{
    struct ectx *e = p;

    e->any = true;
    if (!e->hit && test_value(e->n, v))
        e->hit = true;
    return e->hit;
}

static bool eval_test(const struct fnode *n, const struct filter_subject *s)
{
    struct ectx e = {n, false, false};
    enum filter_field f = n->def->field;

    if (f == FILTER_F_ADDR || f == FILTER_F_PORT) {
        s->values(s->ctx, f == FILTER_F_ADDR ? FILTER_F_SRC : FILTER_F_SRC_PORT, NULL, on_value,
                  &e);
        if (!e.hit)
            s->values(s->ctx, f == FILTER_F_ADDR ? FILTER_F_DST : FILTER_F_DST_PORT, NULL, on_value,
                      &e);
    } else {
        s->values(s->ctx, f, n->key, on_value, &e);
    }
    if (n->op == OP_NE)
        return e.any && !e.hit;
    return e.hit;
}

bool fnode_eval(const struct fnode *n, const struct filter_subject *s)
{
    size_t i;

    switch (n->type) {
    case N_AND:
        for (i = 0; i < n->nkids; i++)
            if (!fnode_eval(n->kids[i], s))
                return false;
        return true;
    case N_OR:
        for (i = 0; i < n->nkids; i++)
            if (fnode_eval(n->kids[i], s))
                return true;
        return false;
    case N_NOT:
        return !fnode_eval(n->kids[0], s);
    case N_TEST:
        return eval_test(n, s);
    }
    return false;
}

bool filter_match(const struct filter *f, const struct filter_subject *s)
{
    return fnode_eval(f->root, s);
}
