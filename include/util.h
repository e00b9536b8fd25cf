/*
 * util: allocation that never returns NULL, growable strings, an arena,
 * error records (struct err), and escaping of untrusted bytes for terminals
 * and JSON.  Pure functions, callable from any thread (the fatal hook is
 * set once at start-up, before threads exist).
 */
#ifndef SIPDX_UTIL_H
#define SIPDX_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- allocation: abort through fatal() on out-of-memory ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Runs the registered restore hook (endwin) then prints and aborts. */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Hook run by fatal() before printing; set once, by the console before
 * curses starts (its capture thread may already run: see xalloc.c). */
void fatal_set_hook(void (*hook)(void));

/* ---- the error record: what went wrong and where (STYLE §4) ---- */
struct err {
    char file[256]; /* input file or "" */
    uint64_t frame; /* frame number, 0 if none */
    int64_t offset; /* byte offset in file, -1 if none */
    int line, col;  /* for text inputs, 0 if none */
    char msg[256];
};
void err_clear(struct err *d);
void err_set(struct err *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats "file: frame N, offset M: msg" (parts that are unset left out). */
void err_format(const struct err *d, char *out, size_t outlen);

/* ---- growable string (sds-like, but a plain struct) ---- */
struct strbuf {
    char *s; /* owned; always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
};
void sb_init(struct strbuf *b);
void sb_fini(struct strbuf *b);
void sb_reset(struct strbuf *b);
/* Makes room for n more bytes (plus the NUL) without changing len. */
void sb_reserve(struct strbuf *b, size_t n);
void sb_append(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_putc(struct strbuf *b, char c);
/* s padded with spaces to width: on the right (left-justified, like "%-*s")
 * or on the left (like "%*s"); a longer s is kept whole, as printf does.
 * For trusted text only (no escaping). */
void sb_pad(struct strbuf *b, const char *s, size_t width, bool left_justify);

void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends bytes with control characters, DEL, backslash and invalid UTF-8
 * shown as escapes (\r \n \t \e \xNN), and the invisible formatting
 * characters (bidi overrides and isolates, zero-width characters, BOM) as
 * \uXXXX, so wire bytes never drive a terminal nor disguise text. */
void sb_append_escaped(struct strbuf *b, const char *s, size_t n);
/* s escaped as above into out (cut to outlen); returns out.  For echoing
 * a command-line argument or a name in an error message. */
const char *str_escape(const char *s, char *out, size_t outlen);
/* The bytes that sb_append_escaped wrote s for (\\ \r \n \t \e \xNN \uXXXX
 * undone; anything else copied), NUL-terminated in out; returns their
 * length, or -1 when they do not fit.  Lets a user give back a Call-ID
 * as any output printed it. */
long str_unescape(const char *s, char *out, size_t outlen);
/* Appends a JSON string literal (with quotes) whose value is the text
 * sb_append_escaped writes: a byte that is not UTF-8 is "\\xNN" in the
 * value, an invisible character "\\uXXXX", a backslash "\\\\", as on a
 * terminal, so every output writes a wire string one way (docs/json.md). */
void sb_append_json(struct strbuf *b, const char *s, size_t n);
/* Appends a JSON string literal whose value is s itself: for text that is
 * already display text (sb_append_escaped's output), so that it is not
 * escaped twice.  Only '"', '\\' and any control byte are JSON-escaped. */
void sb_append_json_shown(struct strbuf *b, const char *s, size_t n);

/* ---- arena: bump allocator for data that lives as long as its owner ---- */
struct arena_chunk;
struct arena {
    struct arena_chunk *head; /* owned list */
    size_t total;             /* bytes reserved from malloc */
};
void arena_init(struct arena *a);
void arena_fini(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* 8-byte aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* ---- small helpers ---- */
bool mem_ieq(const char *a, size_t alen, const char *b); /* case-insensitive vs C string */
/* v in decimal, written at the end of buf (24 bytes); returns its start. */
const char *fmt_u64(uint64_t v, char buf[24]);
uint64_t hash_bytes(const void *p, size_t n); /* fast 64-bit, in-process only */
/* First occurrence of needle in hay (memmem, which strict C11 lacks). */
const void *mem_find(const void *hay, size_t n, const void *needle, size_t m);
/* Formats epoch nanoseconds as "YYYY-MM-DD HH:MM:SS.uuuuuu" in UTC. */
void fmt_time_utc(int64_t ts_ns, char *out, size_t outlen);
/* Formats epoch nanoseconds as "seconds.micro" (tshark -t e style, 6 digits). */
void fmt_time_epoch(int64_t ts_ns, char *out, size_t outlen);

#endif
