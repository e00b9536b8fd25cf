/*
 * theme: colour roles -> styles, parsed from themes/NAME.theme files
 * ("role = fg=red,bg=default,bold" per line, '#' comments).
 *
 * Curses-free and pure, so it is unit-tested and fuzzable; src/ui/palette.c
 * turns a theme into curses attributes.  Any thread (no shared state).
 * Loading is transactional: on error the target theme is unchanged.
 */
#ifndef SIPDX_THEME_H
#define SIPDX_THEME_H

#include <stdbool.h>
#include <stddef.h>

struct err;
struct strbuf;

enum theme_role {
#define ROLE(id, name, def, mono) ROLE_##id,
#include "theme_roles.h"
#undef ROLE
    ROLE__COUNT
};

#define THEME_COLOR_DEFAULT (-1) /* the terminal's own colour */

enum {
    THEME_BOLD = 1u << 0,
    THEME_DIM = 1u << 1,
    THEME_UNDERSCORE = 1u << 2,
    THEME_REVERSE = 1u << 3,
    THEME_BLINK = 1u << 4,
    THEME_ITALICS = 1u << 5,
};

struct theme_style {
    short fg, bg;   /* THEME_COLOR_DEFAULT or 0..255 */
    unsigned attrs; /* THEME_* bits */
};

struct theme {
    char name[64];
    struct theme_style role[ROLE__COUNT];
};

const char *theme_role_name(enum theme_role r);
/* -1 when unknown. */
int theme_role_from(const char *name, size_t n);

/* The built-in colour theme ("dark") and the monochrome one ("mono"). */
void theme_init_default(struct theme *t);
void theme_init_mono(struct theme *t);

/* Parses "fg=red,bg=colour236,bold" (n bytes).  0, or -1 with d->msg and
 * d->col (1-based) set; out is unchanged on error. */
int theme_parse_style(const char *s, size_t n, struct theme_style *out, struct err *d);

/* Parses a whole .theme file held in memory over a copy of t; roles it does
 * not name keep t's value.  On success t is replaced and 0 returned; unknown
 * roles are warnings ("name:line: unknown role 'x'", one per line appended
 * to warn when warn != NULL).  On error (bad style, missing '=') returns -1
 * with d->file, d->line, d->msg set and leaves t unchanged. */
int theme_load_buffer(struct theme *t, const char *name, const char *data, size_t len,
                      struct err *d, struct strbuf *warn);
/* Reads a file and calls theme_load_buffer. */
int theme_load_file(struct theme *t, const char *path, struct err *d, struct strbuf *warn);

/* Selects a theme by name ("dark", "light", "high-contrast", "mono": built
 * in) or by path (contains '/' or ends in ".theme").  Starts from the
 * default theme.  0, or -1 with d set (t unchanged). */
int theme_select(struct theme *t, const char *name, struct err *d, struct strbuf *warn);

/* The text of a built-in theme file, or NULL (for tests: themes/NAME.theme
 * must parse to the same theme). */
const char *theme_builtin_text(const char *name);

#endif
