/*
 * xalloc: malloc wrappers that abort through fatal() instead of returning
 * NULL (STYLE §4), and the fatal() path itself.  Any thread may call these.
 * The restore hook is set once, by the console (ui_run, on the main thread,
 * before curses starts), and never changed; the console has started its
 * capture thread by then, so a fatal() on that thread at that moment may
 * or may not see the hook (the terminal is not yet in curses mode, so
 * nothing is lost).  The pointer is a plain one: make it _Atomic if the
 * hook ever has to be set while threads may read it and matter.
 */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_hook)(void); /* set once by ui_run (endwin restore) */

void fatal_set_hook(void (*hook)(void))
{
    fatal_hook = hook;
}

void fatal(const char *fmt, ...)
{
    va_list ap;

    if (fatal_hook)
        fatal_hook();
    fputs("sipdx: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        fatal("out of memory allocating %zu bytes (--max-memory SIZE keeps the newest calls "
              "within SIZE)",
              n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        fatal("out of memory allocating %zu x %zu bytes (--max-memory SIZE keeps the newest calls "
              "within SIZE)",
              n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        fatal("out of memory reallocating %zu bytes", n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
