/*
 * filter/parse: filter text -> tree (struct fnode), with every literal
 * converted to its field's type and every regex compiled, so evaluation does
 * no parsing.  Recursive descent over lex.c tokens:
 *
 *   expr  := term { ("or" | "||") term }
 *   term  := unary { ("and" | "&&") unary }
 *   unary := ("not" | "!") unary | "(" expr ")" | field [ op value ]
 *
 * Precedence is not > and > or (Wireshark).  Asterisk's res_pjsip_history
 * gives "and" and "or" equal precedence, evaluated left to right; we do not
 * copy that quirk (see include/filter.h).
 *
 * Transactional: on error nothing is returned, the diag says where (1-based
 * column) and what was expected, and all partial work is freed.  Input
 * length, nesting depth and set size are bounded, so hostile text cannot
 * exhaust the stack or memory.  Any thread; no shared state.
 */
#include "filter_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

struct parser {
    struct lexer lx;
    struct token cur;
    struct err *d;
    bool failed;
    int depth;
};

/* ---- errors ---- */

static void perr(struct parser *P, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct parser *P, int col, const char *fmt, ...)
{
    va_list ap;

    if (P->failed)
        return;
    P->failed = true;
    if (!P->d)
        return;
    P->d->col = col;
    va_start(ap, fmt);
    vsnprintf(P->d->msg, sizeof(P->d->msg), fmt, ap);
    va_end(ap);
}

/* "'text'" (escaped, shortened) or "end of filter", for messages. */
static void tokdesc(const struct token *t, char *out, size_t outlen)
{
    struct strbuf b;
    size_t n = t->n > 40 ? 40 : t->n;

    if (t->type == TK_EOF) {
        snprintf(out, outlen, "end of filter");
        return;
    }
    sb_init(&b);
    sb_putc(&b, '\'');
    sb_append_escaped(&b, t->p, n);
    if (n < t->n)
        sb_puts(&b, "...");
    sb_putc(&b, '\'');
    snprintf(out, outlen, "%s", b.s);
    sb_fini(&b);
}

/* s shown escaped and shortened, for messages. */
static const char *esc(const char *s, size_t n, char *out, size_t outlen)
{
    struct strbuf b;

    sb_init(&b);
    sb_append_escaped(&b, s, n > 40 ? 40 : n);
    if (n > 40)
        sb_puts(&b, "...");
    snprintf(out, outlen, "%s", b.s ? b.s : "");
    sb_fini(&b);
    return out;
}

static void advance(struct parser *P)
{
    lex_next(&P->lx, &P->cur);
    if (P->cur.type == TK_ERROR)
        perr(P, P->cur.col, "%s", P->lx.err);
}

static bool word_is(const struct token *t, const char *kw)
{
    return t->type == TK_WORD && strlen(kw) == t->n && mem_ieq(t->p, t->n, kw);
}

static bool is_and(const struct token *t)
{
    return t->type == TK_AND || word_is(t, "and");
}

static bool is_or(const struct token *t)
{
    return t->type == TK_OR || word_is(t, "or");
}

static bool is_not(const struct token *t)
{
    return t->type == TK_NOT || word_is(t, "not");
}

/* ---- tree helpers ---- */

static void lit_fini(struct lit *l)
{
    free(l->s);
    l->s = NULL;
}

void fnode_free(struct fnode *n)
{
    size_t i;

    if (!n)
        return;
    for (i = 0; i < n->nkids; i++)
        fnode_free(n->kids[i]);
    free(n->kids);
    free(n->key);
    lit_fini(&n->lit);
    for (i = 0; i < n->nset; i++)
        lit_fini(&n->set[i]);
    free(n->set);
    fregex_free(n->re);
    free(n);
}

static struct fnode *node_new(enum nodetype type)
{
    struct fnode *n = xcalloc(1, sizeof(*n));

    n->type = type;
    return n;
}

static void node_add(struct fnode *n, struct fnode *kid)
{
    n->kids = xrealloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
    n->kids[n->nkids++] = kid;
}

/* ---- literals ---- */

static int parse_port(const char *s, size_t n, uint16_t *port)
{
    unsigned v = 0;
    size_t i;

    if (n == 0 || n > 5)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

static int pton(int fam, const char *s, size_t n, uint8_t *out)
{
    char buf[64];

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(fam == 4 ? AF_INET : AF_INET6, buf, out) == 1 ? 0 : -1;
}

int filter_addr_parse(const char *s, size_t n, struct filter_addr *a)
{
    const char *colon;
    size_t ncolon = 0, i;

    memset(a, 0, sizeof(*a));
    if (n > 0 && s[0] == '[') {
        const char *end = memchr(s, ']', n);
        size_t rest;

        if (!end || pton(6, s + 1, (size_t)(end - s - 1), a->ip) < 0)
            return -1;
        a->family = 6;
        rest = n - (size_t)(end - s) - 1;
        if (rest == 0)
            return 0;
        if (end[1] != ':' || parse_port(end + 2, rest - 1, &a->port) < 0)
            return -1;
        return 0;
    }
    for (i = 0; i < n; i++)
        ncolon += s[i] == ':';
    if (ncolon >= 2) {
        if (pton(6, s, n, a->ip) < 0)
            return -1;
        a->family = 6;
        return 0;
    }
    colon = memchr(s, ':', n);
    if (pton(4, s, colon ? (size_t)(colon - s) : n, a->ip) < 0)
        return -1;
    a->family = 4;
    if (colon && parse_port(colon + 1, n - (size_t)(colon - s) - 1, &a->port) < 0)
        return -1;
    return 0;
}

static int parse_int(const char *s, size_t n, int64_t *out)
{
    char buf[32], *end;
    long long v;

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
        v = strtoll(buf, &end, 16);
    else
        v = strtoll(buf, &end, 10);
    if (errno || *end || end == buf)
        return -1;
    *out = v;
    return 0;
}

/* Decimal seconds "12", "12.5" -> ns and precision.  0 / -1. */
static int parse_seconds(const char *s, size_t n, int64_t *ns, int64_t *gran)
{
    int64_t sec = 0, frac = 0, scale = 1000000000;
    size_t i = 0;
    bool neg = false, digits = false;

    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (sec > (INT64_MAX / 1000000000 - 10) / 10)
            return -1;
        sec = sec * 10 + (s[i] - '0');
        digits = true;
    }
    *gran = 1000000000;
    if (i < n && s[i] == '.') {
        *gran = 1; /* a written fraction compares exactly */
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (scale > 1) {
                scale /= 10;
                frac += (s[i] - '0') * scale;
            }
            digits = true;
        }
    }
    if (!digits || i != n)
        return -1;
    *ns = sec * 1000000000 + frac;
    if (neg)
        *ns = -*ns;
    return 0;
}

static int num2(const char *s, size_t n, size_t *i, int ndig, int *out)
{
    int v = 0, k;

    for (k = 0; k < ndig; k++, (*i)++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 0;
}

int parse_time_lit(const char *s, size_t n, int64_t *ns, int64_t *gran)
{
    struct tm tm;
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac = 0, scale = 1000000000;
    bool utc = false;
    time_t t;

    if (parse_seconds(s, n, ns, gran) == 0)
        return 0;
    if (num2(s, n, &i, 4, &y) < 0 || i >= n || s[i++] != '-' || num2(s, n, &i, 2, &mo) < 0 ||
        i >= n || s[i++] != '-' || num2(s, n, &i, 2, &d) < 0)
        return -1;
    *gran = 1000000000;
    if (i < n && (s[i] == ' ' || s[i] == 'T')) {
        i++;
        if (num2(s, n, &i, 2, &h) < 0 || i >= n || s[i++] != ':' || num2(s, n, &i, 2, &mi) < 0)
            return -1;
        if (i < n && s[i] == ':') {
            i++;
            if (num2(s, n, &i, 2, &sec) < 0)
                return -1;
            if (i < n && s[i] == '.') {
                *gran = 1; /* a written fraction compares exactly */
                for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
                    if (scale > 1) {
                        scale /= 10;
                        frac += (s[i] - '0') * scale;
                    }
                }
            }
        }
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        utc = true;
        i++;
    } else if (i + 4 == n && mem_ieq(s + i, 4, " UTC")) {
        utc = true;
        i += 4;
    }
    if (i != n || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    t = utc ? timegm(&tm) : mktime(&tm);
    if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
        return -1;
    if ((int64_t)t > INT64_MAX / 1000000000 - 1 || (int64_t)t < INT64_MIN / 1000000000 + 1)
        return -1; /* beyond what epoch nanoseconds hold (years 1678..2262) */
    *ns = (int64_t)t * 1000000000 + frac;
    return 0;
}

static int parse_duration(const char *s, size_t n, int64_t *ns, int64_t *gran)
{
    int64_t mul = 1;

    *gran = 1; /* durations compare exactly */
    if (n > 2 && mem_ieq(s + n - 2, 2, "ms")) {
        if (parse_seconds(s, n - 2, ns, gran) < 0)
            return -1;
        *ns /= 1000;
        *gran = 1;
        return 0;
    }
    if (n > 1 && (s[n - 1] == 's' || s[n - 1] == 'm' || s[n - 1] == 'h')) {
        mul = s[n - 1] == 's' ? 1 : s[n - 1] == 'm' ? 60 : 3600;
        n--;
    }
    if (parse_seconds(s, n, ns, gran) < 0 || *ns > INT64_MAX / 3600 || *ns < INT64_MIN / 3600)
        return -1;
    *ns *= mul;
    *gran = 1;
    return 0;
}

/* Converts one literal text (a value token) to kind `k`.  0 / -1 with the
 * error reported at col. */
static int make_lit(struct parser *P, enum fkind k, const char *s, size_t n, int col,
                    bool is_string, struct lit *l)
{
    char e[200];

    memset(l, 0, sizeof(*l));
    l->kind = k;
    l->gran = 1;
    switch (k) {
    case FK_STR:
        l->s = xstrndup(s, n);
        l->len = n;
        return 0;
    case FK_INT:
        if (parse_int(s, n, &l->i) == 0)
            return 0;
        perr(P, col, "expected a number, got %s'%s'", is_string ? "string " : "",
             esc(s, n, e, sizeof(e)));
        return -1;
    case FK_BOOL:
        if ((n == 1 && s[0] == '1') || (n == 4 && mem_ieq(s, n, "true"))) {
            l->i = 1;
            return 0;
        }
        if ((n == 1 && s[0] == '0') || (n == 5 && mem_ieq(s, n, "false"))) {
            l->i = 0;
            return 0;
        }
        perr(P, col, "expected 1, 0, true or false");
        return -1;
    case FK_TIME:
        if (parse_time_lit(s, n, &l->i, &l->gran) == 0)
            return 0;
        perr(P, col, "expected a time: epoch seconds or \"YYYY-MM-DD HH:MM[:SS]\"");
        return -1;
    case FK_DUR:
        if (parse_duration(s, n, &l->i, &l->gran) == 0)
            return 0;
        perr(P, col, "expected a duration in seconds (e.g. 32, 1.5, 500ms)");
        return -1;
    case FK_ADDR: {
        const char *slash = memchr(s, '/', n);
        size_t an = slash ? (size_t)(slash - s) : n;

        if (filter_addr_parse(s, an, &l->a) < 0) {
            perr(P, col, "bad address '%s' (expected IPv4 or IPv6, optional :port or /prefix)",
                 esc(s, an, e, sizeof(e)));
            return -1;
        }
        l->prefix = l->a.family == 4 ? 32 : 128;
        if (slash) {
            int64_t pl;

            if (l->a.port || parse_int(slash + 1, n - an - 1, &pl) < 0 || pl < 0 ||
                pl > l->prefix || slash[1] == '-' || slash[1] == '+') {
                perr(P, col + (int)an, "bad prefix length (expected /0../%d)", l->prefix);
                return -1;
            }
            l->prefix = (int)pl;
        }
        return 0;
    }
    }
    return -1;
}

/* ---- grammar ---- */

static struct fnode *parse_expr(struct parser *P);

static const char *op_text(enum fop op)
{
    static const char *const names[] = {"",   "==",       "!=",      "<",    "<=", ">",
                                        ">=", "contains", "matches", "like", "in"};
    return names[op];
}

static const char *kind_name(enum fkind k)
{
    static const char *const names[] = {"text", "number", "address", "time", "duration", "boolean"};
    return names[k];
}

/* Reads the operator at P->cur; returns false when the current token is not
 * one (then the test is a presence test). */
static bool read_op(struct parser *P, enum fop *op)
{
    const struct token *t = &P->cur;
    static const struct {
        const char *w;
        enum fop op;
    } words[] = {{"contains", OP_CONTAINS},
                 {"matches", OP_MATCHES},
                 {"like", OP_LIKE},
                 {"in", OP_IN},
                 {"eq", OP_EQ},
                 {"ne", OP_NE},
                 {"lt", OP_LT},
                 {"le", OP_LE},
                 {"gt", OP_GT},
                 {"ge", OP_GE}};
    size_t i;

    if (t->type == TK_OP) {
        if (t->n == 1 && t->p[0] == '~')
            *op = OP_MATCHES;
        else if (t->p[0] == '=')
            *op = OP_EQ;
        else if (t->p[0] == '!')
            *op = OP_NE;
        else if (t->p[0] == '<')
            *op = t->n == 2 ? OP_LE : OP_LT;
        else
            *op = t->n == 2 ? OP_GE : OP_GT;
        return true;
    }
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (word_is(t, words[i].w)) {
            *op = words[i].op;
            return true;
        }
    return false;
}

static bool is_value_tok(const struct token *t)
{
    return t->type == TK_WORD || t->type == TK_STRING;
}

/* Text of a value token (decoded for strings). */
static void tok_text(const struct token *t, const char **s, size_t *n)
{
    if (t->type == TK_STRING) {
        *s = t->str;
        *n = t->slen;
    } else {
        *s = t->p;
        *n = t->n;
    }
}

/* First ".." in s[0..n), or NULL. */
static const char *strstr_n_dots(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return s + i;
    return NULL;
}

static int parse_set(struct parser *P, struct fnode *n)
{
    int open_col = P->cur.col;
    enum fkind k = n->def->kind;

    advance(P); /* '{' */
    while (!P->failed) {
        char *lo = NULL, *hi = NULL;
        size_t lon = 0, hin = 0;
        int locol = P->cur.col, hicol = 0;
        bool range = false, lostr = P->cur.type == TK_STRING;
        struct lit *l;
        int rc = 0;

        if (P->cur.type == TK_RBRACE) {
            if (n->nset == 0) {
                perr(P, P->cur.col, "empty set: expected a value after '{'");
                return -1;
            }
            advance(P);
            return P->failed ? -1 : 0;
        }
        if (P->cur.type == TK_COMMA && n->nset > 0) {
            advance(P);
            continue;
        }
        if (!is_value_tok(&P->cur)) {
            char desc[96];

            tokdesc(&P->cur, desc, sizeof(desc));
            if (P->cur.type == TK_EOF)
                perr(P, P->cur.col, "expected '}' to close '{' at col %d", open_col);
            else
                perr(P, P->cur.col, "expected a value in set, got %s", desc);
            return -1;
        }
        if (n->nset >= FILTER_MAX_SET) {
            perr(P, P->cur.col, "set too large (more than %d values)", FILTER_MAX_SET);
            return -1;
        }
        {
            const char *s;
            size_t sn;
            const char *dots;

            tok_text(&P->cur, &s, &sn);
            dots = P->cur.type == TK_WORD && sn >= 2 ? strstr_n_dots(s, sn) : NULL;
            if (dots) {
                range = true;
                lon = (size_t)(dots - s);
                lo = xstrndup(s, lon);
                hin = sn - lon - 2;
                hicol = locol + (int)lon + 2;
                if (hin)
                    hi = xstrndup(dots + 2, hin);
                advance(P);
            } else {
                lo = xstrndup(s, sn);
                lon = sn;
                advance(P);
                if (!P->failed && P->cur.type == TK_WORD && P->cur.n >= 2 && P->cur.p[0] == '.' &&
                    P->cur.p[1] == '.') {
                    range = true;
                    hin = P->cur.n - 2;
                    hicol = P->cur.col + 2;
                    if (hin)
                        hi = xstrndup(P->cur.p + 2, hin);
                    advance(P);
                }
            }
            if (!P->failed && range && !hi) {
                if (!is_value_tok(&P->cur)) {
                    perr(P, P->cur.col, "expected the end of the range after '..'");
                    rc = -1;
                } else {
                    tok_text(&P->cur, &s, &sn);
                    hi = xstrndup(s, sn);
                    hin = sn;
                    hicol = P->cur.col;
                    advance(P);
                }
            }
        }
        if (P->failed)
            rc = -1;
        if (rc == 0 && range && (k == FK_STR || k == FK_BOOL)) {
            perr(P, locol, "a range needs a number, time or address field");
            rc = -1;
        }
        if (rc == 0) {
            n->set = xrealloc(n->set, (n->nset + 1) * sizeof(*n->set));
            l = &n->set[n->nset];
            rc = make_lit(P, k, lo, lon, locol, lostr, l);
            if (rc == 0) {
                n->nset++;
                if (range) {
                    struct lit h;

                    rc = make_lit(P, k, hi, hin, hicol, false, &h);
                    if (rc == 0) {
                        l->range = true;
                        l->hi = h.i;
                        l->ahi = h.a;
                        if (k == FK_ADDR && (h.a.family != l->a.family || h.prefix != l->prefix ||
                                             l->prefix != (l->a.family == 4 ? 32 : 128))) {
                            perr(P, locol,
                                 "an address range needs two plain addresses of the "
                                 "same family");
                            rc = -1;
                        }
                    }
                    lit_fini(&h);
                }
            }
        }
        free(lo);
        free(hi);
        if (rc < 0)
            return -1;
    }
    return -1;
}

/* field [ op value ] at P->cur (a word). */
static struct fnode *parse_test(struct parser *P)
{
    struct fnode *n;
    const struct field_def *def;
    char desc[96];
    int opcol;
    const char *vs, *optxt;
    size_t vn, oplen;

    def = field_lookup(P->cur.p, P->cur.n);
    if (!def) {
        tokdesc(&P->cur, desc, sizeof(desc));
        perr(P, P->cur.col, "unknown field %s", desc);
        return NULL;
    }
    n = node_new(N_TEST);
    n->def = def;
    advance(P);
    if (def->field == FILTER_F_HEADER && !def->key) {
        int bcol = P->cur.col;

        if (P->cur.type != TK_LBRACKET) {
            perr(P, P->cur.col, "expected [\"Header-Name\"] after 'sip.msg.header'");
            goto fail;
        }
        advance(P);
        if (!is_value_tok(&P->cur) || P->failed) {
            perr(P, P->cur.col, "expected a header name after '['");
            goto fail;
        }
        tok_text(&P->cur, &vs, &vn);
        if (vn == 0 || memchr(vs, ':', vn) || memchr(vs, ' ', vn)) {
            perr(P, P->cur.col, "bad header name");
            goto fail;
        }
        n->key = xstrndup(vs, vn);
        advance(P);
        if (P->cur.type != TK_RBRACKET) {
            perr(P, P->cur.col, "expected ']' to close '[' at col %d", bcol);
            goto fail;
        }
        advance(P);
    } else if (def->key) {
        n->key = xstrdup(def->key);
    }
    if (P->failed)
        goto fail;
    opcol = P->cur.col;
    if (!read_op(P, &n->op)) {
        n->op = OP_PRESENT;
        if (P->cur.type == TK_EOF || P->cur.type == TK_RPAREN || is_and(&P->cur) || is_or(&P->cur))
            return n;
        tokdesc(&P->cur, desc, sizeof(desc));
        perr(P, P->cur.col, "expected an operator, 'and', 'or' or ')' after '%s', got %s",
             def->name, desc);
        goto fail;
    }
    if (P->cur.type == TK_OP && P->cur.n == 3) {
        perr(P, opcol, "operator '%.3s' is not supported (use == or !=)", P->cur.p);
        goto fail;
    }
    optxt = P->cur.p;
    oplen = P->cur.n;
    advance(P);
    if (P->failed)
        goto fail;
    switch (n->op) {
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        if (def->kind == FK_BOOL) {
            perr(P, opcol, "'%s' does not apply to '%s' (a %s)", op_text(n->op), def->name,
                 kind_name(def->kind));
            goto fail;
        }
        break;
    case OP_CONTAINS:
    case OP_MATCHES:
    case OP_LIKE:
        if (def->kind != FK_STR && def->kind != FK_INT && def->kind != FK_ADDR) {
            perr(P, opcol, "'%s' needs a text field; '%s' is a %s", op_text(n->op), def->name,
                 kind_name(def->kind));
            goto fail;
        }
        break;
    default:
        break;
    }
    if (n->op == OP_IN) {
        if (P->cur.type != TK_LBRACE) {
            perr(P, P->cur.col, "expected '{' after 'in'");
            goto fail;
        }
        if (parse_set(P, n) < 0)
            goto fail;
        return n;
    }
    if (!is_value_tok(&P->cur)) {
        perr(P, P->cur.col, "expected a value after '%.*s'", (int)oplen, optxt);
        goto fail;
    }
    tok_text(&P->cur, &vs, &vn);
    if (n->op == OP_MATCHES || n->op == OP_LIKE) {
        char msg[200];
        size_t off = 0;

        n->re = fregex_new(vs, vn, n->op == OP_MATCHES, &off, msg, sizeof(msg));
        if (!n->re) {
            int col = P->cur.col + (P->cur.type == TK_STRING ? 1 : 0) + (int)off;

            if (col > P->cur.col + (int)P->cur.n - 1)
                col = P->cur.col + (int)P->cur.n - 1;
            perr(P, col, "bad regular expression: %s", msg);
            goto fail;
        }
    } else if (n->op == OP_CONTAINS) {
        if (make_lit(P, FK_STR, vs, vn, P->cur.col, true, &n->lit) < 0)
            goto fail;
    } else if (make_lit(P, def->kind, vs, vn, P->cur.col, P->cur.type == TK_STRING, &n->lit) < 0) {
        goto fail;
    }
    advance(P);
    if (P->failed)
        goto fail;
    return n;
fail:
    fnode_free(n);
    return NULL;
}

static struct fnode *parse_unary(struct parser *P)
{
    struct fnode *n, *kid;
    char desc[96];

    if (P->failed)
        return NULL;
    if (++P->depth > FILTER_MAX_DEPTH) {
        perr(P, P->cur.col, "filter nested too deeply (more than %d levels)", FILTER_MAX_DEPTH);
        return NULL;
    }
    if (is_not(&P->cur)) {
        advance(P);
        kid = parse_unary(P);
        if (!kid)
            return NULL;
        n = node_new(N_NOT);
        node_add(n, kid);
        P->depth--;
        return n;
    }
    if (P->cur.type == TK_LPAREN) {
        int open_col = P->cur.col;

        advance(P);
        n = parse_expr(P);
        if (!n)
            return NULL;
        if (P->cur.type != TK_RPAREN) {
            tokdesc(&P->cur, desc, sizeof(desc));
            perr(P, P->cur.col, "expected ')' to close '(' at col %d, got %s", open_col, desc);
            fnode_free(n);
            return NULL;
        }
        advance(P);
        P->depth--;
        return n;
    }
    if (P->cur.type == TK_WORD && !is_and(&P->cur) && !is_or(&P->cur)) {
        n = parse_test(P);
        P->depth--;
        return n;
    }
    tokdesc(&P->cur, desc, sizeof(desc));
    perr(P, P->cur.col, "expected a field, 'not' or '(', got %s", desc);
    return NULL;
}

/* Parses `sub { sep sub }` into an n-ary node of `type` (or the single sub). */
static struct fnode *parse_chain(struct parser *P, enum nodetype type)
{
    struct fnode *first, *n = NULL, *kid;

    first = type == N_OR ? parse_chain(P, N_AND) : parse_unary(P);
    if (!first)
        return NULL;
    while (!P->failed && (type == N_OR ? is_or(&P->cur) : is_and(&P->cur))) {
        advance(P);
        kid = type == N_OR ? parse_chain(P, N_AND) : parse_unary(P);
        if (!kid)
            break;
        if (!n) {
            n = node_new(type);
            node_add(n, first);
        }
        node_add(n, kid);
    }
    if (P->failed) {
        fnode_free(n ? n : first);
        return NULL;
    }
    return n ? n : first;
}

static struct fnode *parse_expr(struct parser *P)
{
    return parse_chain(P, N_OR);
}

static unsigned node_needs(const struct fnode *n)
{
    unsigned u = 0;
    size_t i;

    if (n->type == N_TEST)
        return n->def->needs;
    for (i = 0; i < n->nkids; i++)
        u |= node_needs(n->kids[i]);
    return u;
}

struct filter *filter_compile(const char *src, struct err *d)
{
    struct parser P;
    struct fnode *root = NULL;
    struct filter *f;
    size_t len = src ? strlen(src) : 0;

    memset(&P, 0, sizeof(P));
    P.d = d;
    if (d) {
        d->col = 0;
        d->msg[0] = '\0';
    }
    if (len > FILTER_MAX_LEN) {
        perr(&P, FILTER_MAX_LEN + 1, "filter too long (more than %d characters)", FILTER_MAX_LEN);
        return NULL;
    }
    lex_init(&P.lx, src ? src : "", len);
    advance(&P);
    if (!P.failed && P.cur.type == TK_EOF) {
        perr(&P, 1, "empty filter: expected a field, 'not' or '('");
    } else if (!P.failed) {
        root = parse_expr(&P);
        if (root && !P.failed && P.cur.type != TK_EOF) {
            char desc[96];

            tokdesc(&P.cur, desc, sizeof(desc));
            if (P.cur.type == TK_RPAREN)
                perr(&P, P.cur.col, "unbalanced ')': no '(' to close");
            else
                perr(&P, P.cur.col, "expected 'and', 'or' or end of filter, got %s", desc);
        }
    }
    lex_fini(&P.lx);
    if (P.failed) {
        fnode_free(root);
        return NULL;
    }
    f = xcalloc(1, sizeof(*f));
    f->src = xstrdup(src);
    f->root = root;
    f->needs = node_needs(root);
    return f;
}

void filter_free(struct filter *f)
{
    if (!f)
        return;
    fnode_free(f->root);
    free(f->src);
    free(f);
}

const char *filter_source(const struct filter *f)
{
    return f->src;
}

unsigned filter_needs(const struct filter *f)
{
    return f->needs;
}
