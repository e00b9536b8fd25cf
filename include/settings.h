/*
 * settings: the user's config file, ~/.config/sipdx/config
 * ($XDG_CONFIG_HOME/sipdx/config, or --config FILE).  Line-based:
 *
 *   # comment
 *   theme = light
 *   lang = ru
 *   ascii = yes
 *   columns = index start method from to header:User-Agent state status
 *   bind x save
 *   alias 10.0.0.5:5060 = PBX
 *   alias 10.0.0.9 = SBC
 *   tls_keylog = /var/log/kamailio/tls-keys.log   (repeatable, as --tls-keylog)
 *   legs header X-Orig-Call-ID
 *   legs call-id ^(.+)-b2b$
 *
 * A bad line is reported as "file:line: message" and skipped; every other
 * line stays in force.  Key names and action names of `bind` are checked
 * by the console (the only user of key codes); settings keeps them with
 * their line numbers so those errors carry file:line too.
 *
 * Pure (no curses, no threads): any thread; the console loads it once on
 * the main thread before curses starts.
 */
#ifndef SIPDX_SETTINGS_H
#define SIPDX_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"

struct strbuf;

/* Built-in call-list columns (names as written in `columns =`). */
enum settings_col {
    SET_COL_INDEX = 0,
    SET_COL_START,
    SET_COL_METHOD,
    SET_COL_FROM,
    SET_COL_TO,
    SET_COL_SRC,
    SET_COL_DST,
    SET_COL_MSGS,
    SET_COL_STATE,
    SET_COL_STATUS,
    SET_COL_DURATION,
    SET_COL_HEADER, /* header:NAME: the value of NAME in the call's first message */
    SET_COL__COUNT
};
const char *settings_col_name(enum settings_col c); /* "index", "start", ..., "header" */

#define SETTINGS_MAX_COLUMNS 16
#define SETTINGS_NAME_MAX    64

struct settings_column {
    enum settings_col col;
    char header[SETTINGS_NAME_MAX]; /* SET_COL_HEADER: the header name as written */
};

struct settings_bind {
    char key[32];    /* as written: "x", "F2", "C-s", "Space", "PgDn", ... */
    char action[32]; /* as written: "save", "quit", ..., "none" */
    int line;        /* for the console's error messages */
};

struct settings_alias {
    struct cap_addr addr; /* port 0 with any_port: every port of the address */
    bool any_port;
    char name[SETTINGS_NAME_MAX];
};

/* A `legs ...` line: its text after the word, compiled by legs.h (which
 * reports its errors with file and line). */
struct settings_legs_rule {
    char *text; /* owned */
    int line;
};

struct settings {
    char *file;  /* owned: the file read, or NULL */
    char *theme; /* owned or NULL: unset */
    char *lang;  /* owned or NULL */
    int ascii;   /* -1 unset, 0 no, 1 yes */
    struct settings_column columns[SETTINGS_MAX_COLUMNS];
    size_t ncolumns;             /* 0: the console's default columns */
    struct settings_bind *binds; /* owned */
    size_t nbinds;
    struct settings_alias *aliases; /* owned */
    size_t naliases;
    struct settings_legs_rule *legs; /* owned */
    size_t nlegs;
    char **tls_keylogs; /* owned: `tls_keylog = FILE` lines (repeatable), as --tls-keylog */
    size_t ntls_keylogs;
};

void settings_init(struct settings *s);
void settings_fini(struct settings *s);

/* The path to read: explicit if given, else $XDG_CONFIG_HOME/sipdx/config,
 * else $HOME/.config/sipdx/config.  Returns NULL when neither variable is
 * set (out holds the result otherwise). */
const char *settings_path(const char *explicit_path, char *out, size_t outlen);

/* Reads path into s.  A missing file is not an error unless must_exist
 * (--config).  Each bad line appends "file:line: message\n" to errs and is
 * skipped.  Returns the number of errors, or -1 when the file could not be
 * read (errs says why). */
int settings_load(struct settings *s, const char *path, bool must_exist, struct strbuf *errs);
/* The same on text already in memory (file names the source in messages). */
int settings_parse(struct settings *s, const char *text, size_t len, const char *file,
                   struct strbuf *errs);

/* The alias of an endpoint: an alias for its address and port first, then
 * one for the address alone; NULL if none (borrowed from s). */
const char *settings_alias_for(const struct settings *s, const struct cap_addr *a);

#endif
