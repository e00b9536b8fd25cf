/*
 * theme: parses themes/NAME.theme files and style strings into struct theme.
 *
 * Pure and curses-free (src/ui/palette.c maps styles to curses).  Callable
 * from any thread; no shared state.  Parsing is transactional: it works on
 * a copy and commits only when the whole file parsed.  The role list comes
 * from the X-macro in include/theme_roles.h.
 */
#include "theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *const role_names[ROLE__COUNT] = {
#define ROLE(id, name, def, mono) name,
#include "theme_roles.h"
#undef ROLE
};

static const char *const role_defaults[ROLE__COUNT] = {
#define ROLE(id, name, def, mono) def,
#include "theme_roles.h"
#undef ROLE
};

static const char *const role_mono[ROLE__COUNT] = {
#define ROLE(id, name, def, mono) mono,
#include "theme_roles.h"
#undef ROLE
};

/* Built-in themes other than dark (= the role defaults) and mono (= the
 * monochrome column).  themes/<name>.theme must parse to the same theme
 * (tests/unit/test_theme.c checks), so a copied-alone binary still has them. */
static const char light_text[] = "# light: for terminals with a light background\n"
                                 "title = fg=white,bg=blue,bold\n"
                                 "status = fg=white,bg=blue\n"
                                 "list.header = fg=white,bg=colour24,bold\n"
                                 "sel = fg=white,bg=colour25\n"
                                 "mark = fg=colour130,bold\n"
                                 "call.incall = fg=colour28,bold\n"
                                 "call.completed = fg=colour24\n"
                                 "call.cancelled = fg=colour130\n"
                                 "call.busy = fg=colour90\n"
                                 "call.failed = fg=colour160,bold\n"
                                 "flow.line = fg=colour244\n"
                                 "flow.request = fg=colour24,bold\n"
                                 "flow.response = fg=colour28\n"
                                 "flow.failure = fg=colour160,bold\n"
                                 "flow.retrans = fg=colour130\n"
                                 "flow.sdp = fg=colour90\n"
                                 "kb.hint = fg=colour130\n"
                                 "sip.method = fg=colour24,bold\n"
                                 "sip.status = fg=colour28,bold\n"
                                 "sip.failure = fg=colour160,bold\n"
                                 "sip.header = fg=colour24\n"
                                 "sip.sdp = fg=colour90\n"
                                 "search.match = fg=black,bg=colour222\n"
                                 "keybar = fg=white,bg=blue\n"
                                 "keybar.key = fg=black,bg=white,bold\n"
                                 "diff.old = fg=colour160\n"
                                 "diff.new = fg=colour28,bold\n";

static const char high_contrast_text[] = "# high-contrast: bright colours on black, no dim text\n"
                                         "default = fg=brightwhite,bg=black\n"
                                         "title = fg=black,bg=brightyellow,bold\n"
                                         "status = fg=black,bg=brightwhite,bold\n"
                                         "list.header = fg=black,bg=brightgreen,bold\n"
                                         "sel = fg=black,bg=brightyellow,bold\n"
                                         "mark = fg=brightyellow,bold,underscore\n"
                                         "call.setup = fg=brightwhite,bg=black\n"
                                         "call.incall = fg=brightgreen,bold\n"
                                         "call.completed = fg=brightcyan,bold\n"
                                         "call.cancelled = fg=brightyellow,bold\n"
                                         "call.busy = fg=brightmagenta,bold\n"
                                         "call.failed = fg=brightred,bold\n"
                                         "call.other = fg=brightwhite,bg=black\n"
                                         "flow.endpoint = fg=brightwhite,bold\n"
                                         "flow.line = fg=brightwhite\n"
                                         "flow.request = fg=brightcyan,bold\n"
                                         "flow.response = fg=brightgreen,bold\n"
                                         "flow.failure = fg=brightred,bold\n"
                                         "flow.retrans = fg=brightyellow,bold\n"
                                         "flow.sdp = fg=brightmagenta,bold\n"
                                         "flow.time = fg=brightwhite\n"
                                         "kb.hint = fg=brightyellow,bold\n"
                                         "sip.method = fg=brightcyan,bold\n"
                                         "sip.status = fg=brightgreen,bold\n"
                                         "sip.failure = fg=brightred,bold\n"
                                         "sip.header = fg=brightcyan\n"
                                         "sip.sdp = fg=brightmagenta\n"
                                         "search.match = fg=black,bg=brightyellow,bold\n"
                                         "prompt = fg=brightwhite,bold\n"
                                         "error = fg=brightwhite,bg=red,bold\n"
                                         "keybar = fg=black,bg=brightwhite\n"
                                         "keybar.key = fg=brightwhite,bg=blue,bold\n"
                                         "diff.old = fg=brightred,bold\n"
                                         "diff.new = fg=brightgreen,bold\n";

const char *theme_role_name(enum theme_role r)
{
    return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

int theme_role_from(const char *name, size_t n)
{
    int i;

    for (i = 0; i < ROLE__COUNT; i++) {
        if (strlen(role_names[i]) == n && memcmp(role_names[i], name, n) == 0)
            return i;
    }
    return -1;
}

/* ---------------------------------------------------------------- styles */

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static int parse_color(const char *s, size_t n, short *out)
{
    size_t i;
    char buf[32];
    char *end;
    long v;

    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strcasecmp(buf, "default") == 0 || strcasecmp(buf, "terminal") == 0) {
        *out = THEME_COLOR_DEFAULT;
        return 0;
    }
    for (i = 0; i < 8; i++) {
        if (strcasecmp(buf, color_names[i]) == 0) {
            *out = (short)i;
            return 0;
        }
        if (strncasecmp(buf, "bright", 6) == 0 && strcasecmp(buf + 6, color_names[i]) == 0) {
            *out = (short)(i + 8);
            return 0;
        }
    }
    if (strncasecmp(buf, "colour", 6) == 0 || strncasecmp(buf, "color", 5) == 0) {
        const char *num = buf + (buf[5] == 'r' || buf[5] == 'R' ? 6 : 5);
        if (*num < '0' || *num > '9')
            return -1;
        errno = 0;
        v = strtol(num, &end, 10);
        if (errno || *end || v < 0 || v > 255)
            return -1;
        *out = (short)v;
        return 0;
    }
    return -1;
}

static unsigned attr_from(const char *s, size_t n)
{
    static const struct {
        const char *name;
        unsigned bit;
    } attrs[] = {
        {"bold", THEME_BOLD},
        {"bright", THEME_BOLD},
        {"dim", THEME_DIM},
        {"underscore", THEME_UNDERSCORE},
        {"underline", THEME_UNDERSCORE},
        {"reverse", THEME_REVERSE},
        {"blink", THEME_BLINK},
        {"italics", THEME_ITALICS},
        {"italic", THEME_ITALICS},
    };
    size_t i;

    for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        if (strlen(attrs[i].name) == n && strncasecmp(attrs[i].name, s, n) == 0)
            return attrs[i].bit;
    }
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int theme_parse_style(const char *s, size_t n, struct theme_style *out, struct err *d)
{
    struct theme_style st = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    size_t i = 0;

    while (i < n) {
        size_t start, end;
        const char *tok;
        size_t tlen;

        while (i < n && (is_space(s[i]) || s[i] == ','))
            i++;
        if (i >= n)
            break;
        start = i;
        while (i < n && s[i] != ',')
            i++;
        end = i;
        while (end > start && is_space(s[end - 1]))
            end--;
        tok = s + start;
        tlen = end - start;
        if (tlen > 3 && (strncasecmp(tok, "fg=", 3) == 0 || strncasecmp(tok, "bg=", 3) == 0)) {
            short c;
            if (parse_color(tok + 3, tlen - 3, &c) != 0) {
                err_set(d, "unknown colour '%.*s' (black..white, brightred, colour0..255, default)",
                        (int)(tlen - 3 > 40 ? 40 : tlen - 3), tok + 3);
                d->col = (int)start + 4;
                return -1;
            }
            if (tok[0] == 'f' || tok[0] == 'F')
                st.fg = c;
            else
                st.bg = c;
        } else if (tlen == 4 && strncasecmp(tok, "none", 4) == 0) {
            st.attrs = 0;
        } else if (attr_from(tok, tlen)) {
            st.attrs |= attr_from(tok, tlen);
        } else {
            err_set(d, "unknown style item '%.*s' (fg=, bg=, bold, dim, underscore, reverse...)",
                    (int)(tlen > 40 ? 40 : tlen), tok);
            d->col = (int)start + 1;
            return -1;
        }
    }
    *out = st;
    return 0;
}

/* ---------------------------------------------------------------- themes */

static void init_from(struct theme *t, const char *name, const char *const *table)
{
    struct err d;
    int i;

    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "%s", name);
    for (i = 0; i < ROLE__COUNT; i++) {
        t->role[i].fg = t->role[i].bg = THEME_COLOR_DEFAULT;
        err_clear(&d);
        if (theme_parse_style(table[i], strlen(table[i]), &t->role[i], &d) != 0)
            fatal("built-in style of role %s: %s", role_names[i], d.msg);
    }
}

void theme_init_default(struct theme *t)
{
    init_from(t, "dark", role_defaults);
}

void theme_init_mono(struct theme *t)
{
    init_from(t, "mono", role_mono);
}

int theme_load_buffer(struct theme *t, const char *name, const char *data, size_t len,
                      struct err *d, struct strbuf *warn)
{
    struct theme tmp = *t;
    size_t pos = 0;
    int line = 0;

    while (pos < len) {
        const char *l = data + pos, *nl = memchr(l, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - l) : len - pos;
        size_t a = 0, b, eq;
        int role;

        pos += ll + (nl ? 1 : 0);
        line++;
        while (ll && is_space(l[ll - 1]))
            ll--;
        while (a < ll && is_space(l[a]))
            a++;
        if (a == ll || l[a] == '#')
            continue;
        for (eq = a; eq < ll && l[eq] != '='; eq++)
            ;
        if (eq == ll) {
            err_set(d, "expected 'role = style'");
            goto fail_at;
        }
        b = eq;
        while (b > a && is_space(l[b - 1]))
            b--;
        if (b == a) {
            err_set(d, "missing role name before '='");
            goto fail_at;
        }
        if (memchr(l + a, ' ', b - a) || memchr(l + a, '\t', b - a)) {
            err_set(d, "expected 'role = style' (a role name has no spaces)");
            goto fail_at;
        }
        role = theme_role_from(l + a, b - a);
        if (role < 0) {
            if (warn)
                sb_printf(warn, "%s:%d: unknown role '%.*s'\n", name, line,
                          (int)(b - a > 40 ? 40 : b - a), l + a);
            continue;
        }
        eq++;
        while (eq < ll && is_space(l[eq]))
            eq++;
        if (theme_parse_style(l + eq, ll - eq, &tmp.role[role], d) != 0) {
            d->col += (int)eq;
            goto fail;
        }
        continue;
    fail_at:
        d->col = (int)a + 1;
    fail:
        snprintf(d->file, sizeof(d->file), "%s", name);
        d->line = line;
        return -1;
    }
    *t = tmp;
    return 0;
}

int theme_load_file(struct theme *t, const char *path, struct err *d, struct strbuf *warn)
{
    struct strbuf b;
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f) {
        err_set(d, "cannot open theme: %s", strerror(errno));
        snprintf(d->file, sizeof(d->file), "%s", path);
        return -1;
    }
    sb_init(&b);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > (1u << 20)) {
            fclose(f);
            sb_fini(&b);
            err_set(d, "theme file larger than 1 MiB");
            snprintf(d->file, sizeof(d->file), "%s", path);
            return -1;
        }
        sb_append(&b, chunk, n);
    }
    fclose(f);
    rc = theme_load_buffer(t, path, b.s ? b.s : "", b.len, d, warn);
    sb_fini(&b);
    return rc;
}

const char *theme_builtin_text(const char *name)
{
    if (strcmp(name, "light") == 0)
        return light_text;
    if (strcmp(name, "high-contrast") == 0)
        return high_contrast_text;
    return NULL;
}

int theme_select(struct theme *t, const char *name, struct err *d, struct strbuf *warn)
{
    struct theme tmp;
    const char *text;
    size_t n = strlen(name);

    if (strchr(name, '/') || (n > 6 && strcmp(name + n - 6, ".theme") == 0)) {
        theme_init_default(&tmp);
        if (theme_load_file(&tmp, name, d, warn) != 0)
            return -1;
        snprintf(tmp.name, sizeof(tmp.name), "%s", name);
        *t = tmp;
        return 0;
    }
    if (strcmp(name, "dark") == 0 || strcmp(name, "default") == 0) {
        theme_init_default(t);
        return 0;
    }
    if (strcmp(name, "mono") == 0) {
        theme_init_mono(t);
        return 0;
    }
    text = theme_builtin_text(name);
    if (!text) {
        err_set(d, "unknown theme '%.40s' (dark, light, high-contrast, mono, or a .theme path)",
                name);
        return -1;
    }
    theme_init_default(&tmp);
    if (theme_load_buffer(&tmp, name, text, strlen(text), d, warn) != 0)
        return -1;
    snprintf(tmp.name, sizeof(tmp.name), "%s", name);
    *t = tmp;
    return 0;
}
