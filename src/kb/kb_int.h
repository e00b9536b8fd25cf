/*
 * kb_int.h: what load.c and kb.c share inside the kb module.
 */
#ifndef SIPDX_KB_INT_H
#define SIPDX_KB_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include "kb.h"
#include "util.h"

#include <pcre2.h>
#include <stddef.h>

/* A file compiled into the binary by cmake/embed.cmake (generated source). */
struct kb_embedded_file {
    const char *name; /* path under data/kb, e.g. "en/sip.kb" */
    const char *data; /* NUL-terminated as well */
    size_t len;
};
extern const struct kb_embedded_file kb_embedded_files[];
extern const size_t kb_embedded_count;

#define KB_SIP_MAX     699        /* highest SIP code */
#define KB_Q850_MAX    127        /* highest Q.850 cause */
#define KB_WARNING_MAX 999        /* highest Warning code */
#define KB_INDEX_SIZE  1000       /* per-kind index slots (covers all three) */
#define KB_MAX_ERRORS  200        /* errors kept per kb; more are counted in one line */
#define KB_MAX_FILE    (4u << 20) /* a data file larger than this is refused */
#define KB_MAX_FILES   256        /* files read per directory tree */
#define KB_SHORT_MAX   40         /* characters in short_text */

struct kb_item {
    struct kb_entry e; /* public view; strings live in kb->arena */
    pcre2_code *re;    /* owned; compiled e.pattern, or NULL */
    int rank;          /* 0 embedded, 1 XDG dir, 2 extra dir: higher wins */
    size_t seq;        /* load order, keeps file order among equals */
};

struct kb_range {
    size_t start, count; /* into kb->items once sorted */
};

struct kb {
    struct arena arena;    /* owned: every string of every entry */
    struct kb_item *items; /* owned array, sorted by kind, code, rank desc, seq */
    size_t nitems, cap;
    struct kb_range index[3][KB_INDEX_SIZE]; /* [kind][code] */
    char **errors;                           /* owned strings "file:line: message" */
    size_t nerrors, errcap;
    size_t dropped_errors; /* errors past KB_MAX_ERRORS */
    size_t seq;
    pcre2_match_context *mctx; /* owned; bounds regex work per lookup */
    char lang[8];
};

/* load.c: parses one file held in memory and merges its entries into kb
 * when it has no error; otherwise records the errors and changes nothing.
 * name is the file's name in messages; default_lang applies unless the file
 * says "lang = xx".  Returns the number of errors found. */
size_t kb_load_buffer(struct kb *kb, const char *name, const char *data, size_t len,
                      const char *default_lang, int rank);
/* load.c: loads NAME.kb files in dir (English unless the file says otherwise) and
 * in its language subdirectories (dir/ru/NAME.kb...).  A missing dir is an
 * error only when must_exist. */
void kb_load_dir(struct kb *kb, const char *dir, int rank, bool must_exist);
/* load.c: records a load error (bounded). */
void kb_add_error(struct kb *kb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* kb.c: sorts the items and builds the index; call after every load. */
void kb_build_index(struct kb *kb);
/* kb.c: an empty kb with its match context, no entries. */
struct kb *kb_alloc(const char *lang);

#endif
