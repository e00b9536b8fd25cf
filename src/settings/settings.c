/*
 * settings: the config file parser (format in include/settings.h and in
 * sipdx(1), FILES).  Line by line: a bad line is reported with file:line
 * and skipped, so one typo never disables the rest of the file.  Values
 * are copied into the struct settings the caller owns.
 *
 * Thread: any (pure; the console calls it once before curses starts).
 */
#include "settings.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define SET_MAX_FILE    (1u << 20) /* a config file bigger than this is refused */
#define SET_MAX_BINDS   256
#define SET_MAX_ALIASES 4096

static const char *const col_names[SET_COL__COUNT] = {
    [SET_COL_INDEX] = "index",
    [SET_COL_START] = "start",
    [SET_COL_METHOD] = "method",
    [SET_COL_FROM] = "from",
    [SET_COL_TO] = "to",
    [SET_COL_SRC] = "src",
    [SET_COL_DST] = "dst",
    [SET_COL_MSGS] = "msgs",
    [SET_COL_STATE] = "state",
    [SET_COL_STATUS] = "status",
    [SET_COL_DURATION] = "duration",
    [SET_COL_HEADER] = "header",
};

const char *settings_col_name(enum settings_col c)
{
    return (unsigned)c < SET_COL__COUNT ? col_names[c] : "";
}

void settings_init(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->ascii = -1;
}

void settings_fini(struct settings *s)
{
    free(s->file);
    free(s->theme);
    free(s->lang);
    while (s->ntls_keylogs)
        free(s->tls_keylogs[--s->ntls_keylogs]);
    free(s->tls_keylogs);
    free(s->binds);
    free(s->aliases);
    for (size_t i = 0; i < s->nlegs; i++)
        free(s->legs[i].text);
    free(s->legs);
    settings_init(s);
}

const char *settings_path(const char *explicit_path, char *out, size_t outlen)
{
    const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");

    if (explicit_path)
        snprintf(out, outlen, "%s", explicit_path);
    else if (x && x[0] == '/')
        snprintf(out, outlen, "%s/sipdx/config", x);
    else if (h && h[0])
        snprintf(out, outlen, "%s/.config/sipdx/config", h);
    else
        return NULL;
    return out;
}

/* ------------------------------------------------------------ helpers */

static void err(struct strbuf *errs, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err(struct strbuf *errs, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    sb_printf(errs, "%s:%d: ", file, line);
    va_start(ap, fmt);
    sb_vprintf(errs, fmt, ap);
    va_end(ap);
    sb_putc(errs, '\n');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims [*p, *e) of blanks. */
static void trim(const char **p, const char **e)
{
    while (*p < *e && is_space(**p))
        (*p)++;
    while (*e > *p && is_space((*e)[-1]))
        (*e)--;
}

/* Next blank-separated word of [*p, e) into w (NUL-terminated, cut at wlen). */
static bool word(const char **p, const char *e, char *w, size_t wlen, size_t *full)
{
    const char *s;
    size_t n;

    while (*p < e && is_space(**p))
        (*p)++;
    if (*p >= e)
        return false;
    s = *p;
    while (*p < e && !is_space(**p))
        (*p)++;
    n = (size_t)(*p - s);
    if (full)
        *full = n;
    if (n >= wlen)
        n = wlen - 1;
    memcpy(w, s, n);
    w[n] = '\0';
    return true;
}

static bool has_ctl(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return true;
    return false;
}

/* "10.0.0.5:5060", "10.0.0.5", "[2001:db8::1]:5060", "2001:db8::1". */
static int parse_endpoint(const char *s, struct cap_addr *a, bool *any_port)
{
    char host[64];
    const char *colon, *port = NULL;
    size_t n;

    memset(a, 0, sizeof(*a));
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');

        if (!rb || (size_t)(rb - s - 1) >= sizeof(host))
            return -1;
        n = (size_t)(rb - s - 1);
        memcpy(host, s + 1, n);
        host[n] = '\0';
        if (rb[1] == ':')
            port = rb + 2;
        else if (rb[1])
            return -1;
    } else {
        colon = strchr(s, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* bare IPv6 */
        n = colon ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof(host))
            return -1;
        memcpy(host, s, n);
        host[n] = '\0';
        if (colon)
            port = colon + 1;
    }
    if (inet_pton(AF_INET, host, a->ip) == 1)
        a->family = 4;
    else if (inet_pton(AF_INET6, host, a->ip) == 1)
        a->family = 6;
    else
        return -1;
    *any_port = port == NULL;
    if (port) {
        char *end;
        long v;

        errno = 0;
        v = strtol(port, &end, 10);
        if (errno || end == port || *end || v < 1 || v > 65535)
            return -1;
        a->port = (uint16_t)v;
    }
    return 0;
}

static bool ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* ------------------------------------------------------------ lines */

static void set_columns(struct settings *s, const char *p, const char *e, const char *file,
                        int line, struct strbuf *errs)
{
    struct settings_column cols[SETTINGS_MAX_COLUMNS];
    size_t n = 0, full;
    char w[128];

    while (word(&p, e, w, sizeof(w), &full)) {
        int k;

        if (n == SETTINGS_MAX_COLUMNS) {
            err(errs, file, line, "more than %d columns", SETTINGS_MAX_COLUMNS);
            return;
        }
        memset(&cols[n], 0, sizeof(cols[n]));
        if (strncasecmp(w, "header:", 7) == 0) {
            size_t hl = strlen(w + 7), i;

            if (hl == 0 || full >= sizeof(w) || hl >= SETTINGS_NAME_MAX) {
                err(errs, file, line, "bad header column '%.*s'", 40, w);
                return;
            }
            for (i = 0; i < hl; i++) {
                char c = w[7 + i];

                if (c <= 0x20 || c >= 0x7f || c == ':') {
                    err(errs, file, line, "bad header name '%s'", w + 7);
                    return;
                }
            }
            cols[n].col = SET_COL_HEADER;
            memcpy(cols[n].header, w + 7, hl + 1);
            n++;
            continue;
        }
        for (k = 0; k < SET_COL_HEADER; k++)
            if (ieq(w, col_names[k]))
                break;
        if (k == SET_COL_HEADER) {
            struct strbuf b;

            sb_init(&b);
            sb_append_escaped(&b, w, strlen(w));
            err(errs, file, line,
                "unknown column '%s' (index start method from to src dst msgs state status "
                "duration header:NAME)",
                b.s);
            sb_fini(&b);
            return;
        }
        cols[n++].col = (enum settings_col)k;
    }
    if (n == 0) {
        err(errs, file, line, "columns: no column given");
        return;
    }
    memcpy(s->columns, cols, n * sizeof(cols[0]));
    s->ncolumns = n;
}

static void set_bind(struct settings *s, const char *p, const char *e, const char *file, int line,
                     struct strbuf *errs)
{
    struct settings_bind b;
    char extra[8];

    memset(&b, 0, sizeof(b));
    if (!word(&p, e, b.key, sizeof(b.key), NULL) ||
        !word(&p, e, b.action, sizeof(b.action), NULL)) {
        err(errs, file, line, "bind: expected 'bind KEY ACTION'");
        return;
    }
    if (word(&p, e, extra, sizeof(extra), NULL)) {
        err(errs, file, line, "bind: unexpected text after the action");
        return;
    }
    if (s->nbinds >= SET_MAX_BINDS) {
        err(errs, file, line, "more than %d bindings", SET_MAX_BINDS);
        return;
    }
    b.line = line;
    s->binds = xrealloc(s->binds, (s->nbinds + 1) * sizeof(*s->binds));
    s->binds[s->nbinds++] = b;
}

static void set_alias(struct settings *s, const char *p, const char *e, const char *file, int line,
                      struct strbuf *errs)
{
    struct settings_alias a;
    const char *eq = memchr(p, '=', (size_t)(e - p)), *ae, *np, *ne = e;
    char ep[80];
    size_t n;

    if (!eq) {
        err(errs, file, line, "alias: expected 'alias ADDRESS[:PORT] = NAME'");
        return;
    }
    ae = eq;
    trim(&p, &ae);
    n = (size_t)(ae - p);
    if (n == 0 || n >= sizeof(ep)) {
        err(errs, file, line, "alias: bad address");
        return;
    }
    memcpy(ep, p, n);
    ep[n] = '\0';
    memset(&a, 0, sizeof(a));
    if (parse_endpoint(ep, &a.addr, &a.any_port) != 0) {
        struct strbuf b;

        sb_init(&b);
        sb_append_escaped(&b, ep, n);
        err(errs, file, line, "alias: '%s' is not an IP address or IP:port", b.s);
        sb_fini(&b);
        return;
    }
    np = eq + 1;
    trim(&np, &ne);
    n = (size_t)(ne - np);
    if (n == 0 || n >= sizeof(a.name) || has_ctl(np, n)) {
        err(errs, file, line, "alias: the name must be 1 to %d printable bytes",
            SETTINGS_NAME_MAX - 1);
        return;
    }
    memcpy(a.name, np, n);
    a.name[n] = '\0';
    if (s->naliases >= SET_MAX_ALIASES) {
        err(errs, file, line, "more than %d aliases", SET_MAX_ALIASES);
        return;
    }
    s->aliases = xrealloc(s->aliases, (s->naliases + 1) * sizeof(*s->aliases));
    s->aliases[s->naliases++] = a;
}

static void set_string(char **dst, const char *p, const char *e, const char *key, const char *file,
                       int line, struct strbuf *errs)
{
    size_t n = (size_t)(e - p);

    if (n == 0 || n > 255 || has_ctl(p, n)) {
        err(errs, file, line, "%s: expected a value", key);
        return;
    }
    free(*dst);
    *dst = xstrndup(p, n);
}

static void parse_line(struct settings *s, const char *p, const char *e, const char *file, int line,
                       struct strbuf *errs)
{
    char key[32];
    const char *eq, *k, *ke, *v, *ve;

    trim(&p, &e);
    if (p == e || *p == '#')
        return;
    k = p;
    if (!word(&p, e, key, sizeof(key), NULL))
        return;
    if (ieq(key, "bind")) {
        set_bind(s, p, e, file, line, errs);
        return;
    }
    if (ieq(key, "alias")) {
        set_alias(s, p, e, file, line, errs);
        return;
    }
    if (ieq(key, "legs")) {
        if (has_ctl(p, (size_t)(e - p))) {
            err(errs, file, line, "legs: control characters in the rule");
            return;
        }
        s->legs = xrealloc(s->legs, (s->nlegs + 1) * sizeof(*s->legs));
        s->legs[s->nlegs].text = xstrndup(p, (size_t)(e - p));
        s->legs[s->nlegs++].line = line;
        return;
    }
    eq = memchr(k, '=', (size_t)(e - k));
    if (!eq) {
        struct strbuf b;

        sb_init(&b);
        sb_append_escaped(&b, k, (size_t)(e - k) > 40 ? 40 : (size_t)(e - k));
        err(errs, file, line, "expected 'key = value', 'bind ...', 'alias ...' or 'legs ...': '%s'",
            b.s);
        sb_fini(&b);
        return;
    }
    ke = eq;
    trim(&k, &ke);
    v = eq + 1;
    ve = e;
    trim(&v, &ve);
    snprintf(key, sizeof(key), "%.*s", (int)(ke - k), k);
    if (ieq(key, "theme")) {
        set_string(&s->theme, v, ve, "theme", file, line, errs);
    } else if (ieq(key, "lang")) {
        set_string(&s->lang, v, ve, "lang", file, line, errs);
    } else if (ieq(key, "tls_keylog")) { /* repeatable: every line adds one */
        char *path = NULL;

        set_string(&path, v, ve, "tls_keylog", file, line, errs);
        if (path) {
            s->tls_keylogs =
                xrealloc(s->tls_keylogs, (s->ntls_keylogs + 1) * sizeof(*s->tls_keylogs));
            s->tls_keylogs[s->ntls_keylogs++] = path;
        }
    } else if (ieq(key, "ascii")) {
        char w[16];
        const char *q = v;

        if (!word(&q, ve, w, sizeof(w), NULL))
            w[0] = '\0';
        if (ieq(w, "yes") || ieq(w, "true") || ieq(w, "on") || ieq(w, "1"))
            s->ascii = 1;
        else if (ieq(w, "no") || ieq(w, "false") || ieq(w, "off") || ieq(w, "0"))
            s->ascii = 0;
        else
            err(errs, file, line, "ascii: expected yes or no");
    } else if (ieq(key, "columns")) {
        set_columns(s, v, ve, file, line, errs);
    } else {
        struct strbuf b;

        sb_init(&b);
        sb_append_escaped(&b, key, strlen(key));
        err(errs, file, line,
            "unknown setting '%s' (theme, lang, ascii, columns, bind, alias, legs)", b.s);
        sb_fini(&b);
    }
}

int settings_parse(struct settings *s, const char *text, size_t len, const char *file,
                   struct strbuf *errs)
{
    size_t before = 0, i = 0;
    int line = 0, nerr = 0;
    const char *nl;

    for (nl = errs->s; nl && (size_t)(nl - errs->s) < errs->len; nl++)
        if (*nl == '\n')
            before++;
    while (i < len) {
        size_t j = i;

        while (j < len && text[j] != '\n')
            j++;
        line++;
        parse_line(s, text + i, text + (j > i && text[j - 1] == '\r' ? j - 1 : j), file, line,
                   errs);
        i = j + 1;
    }
    for (nl = errs->s; nl && (size_t)(nl - errs->s) < errs->len; nl++)
        if (*nl == '\n')
            nerr++;
    return nerr - (int)before;
}

int settings_load(struct settings *s, const char *path, bool must_exist, struct strbuf *errs)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    int rc;

    if (!f) {
        if (errno == ENOENT && !must_exist)
            return 0;
        sb_printf(errs, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    buf = xmalloc(SET_MAX_FILE + 1);
    n = fread(buf, 1, SET_MAX_FILE + 1, f);
    if (ferror(f) || n > SET_MAX_FILE) {
        sb_printf(errs, "%s: %s\n", path, ferror(f) ? strerror(errno) : "larger than 1 MB");
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    free(s->file);
    s->file = xstrdup(path);
    rc = settings_parse(s, buf, n, path, errs);
    free(buf);
    return rc;
}

const char *settings_alias_for(const struct settings *s, const struct cap_addr *a)
{
    size_t i;
    const char *ip_only = NULL;

    if (!a)
        return NULL;
    for (i = 0; i < s->naliases; i++) {
        const struct settings_alias *x = &s->aliases[i];

        if (x->addr.family != a->family || memcmp(x->addr.ip, a->ip, a->family == 6 ? 16 : 4) != 0)
            continue;
        if (!x->any_port && x->addr.port == a->port)
            return x->name;
        if (x->any_port && !ip_only)
            ip_only = x->name;
    }
    return ip_only;
}
