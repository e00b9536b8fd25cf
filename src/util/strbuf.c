/*
 * strbuf: a growable NUL-terminated byte string, and the two escapers that
 * every text output goes through: one for terminals and text files (control
 * characters never reach a terminal raw) and one for JSON.
 * Thread-safe: each strbuf belongs to one caller.
 */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
}

void sb_fini(struct strbuf *b)
{
    free(b->s);
    sb_init(b);
}

void sb_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void sb_grow(struct strbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap;

    if (need <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sb_reserve(struct strbuf *b, size_t n)
{
    sb_grow(b, n);
    b->s[b->len] = '\0';
}

void sb_append(struct strbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_puts(struct strbuf *b, const char *s)
{
    sb_append(b, s, strlen(s));
}

void sb_putc(struct strbuf *b, char c)
{
    sb_append(b, &c, 1);
}

void sb_pad(struct strbuf *b, const char *s, size_t width, bool left_justify)
{
    size_t n = strlen(s), fill = n < width ? width - n : 0;

    sb_grow(b, n + fill);
    if (!left_justify) {
        memset(b->s + b->len, ' ', fill);
        b->len += fill;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    if (left_justify) {
        memset(b->s + b->len, ' ', fill);
        b->len += fill;
    }
    b->s[b->len] = '\0';
}

void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    size_t room;
    int n;

    /* Print straight into the spare room; only when it does not fit, grow
     * and print again (formatting twice every time was a large part of a
     * big --list's work). */
    sb_grow(b, 128);
    room = b->cap - b->len;
    va_copy(ap2, ap);
    n = vsnprintf(b->s + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->s[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        sb_grow(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

/* Characters that draw nothing but change how the text around them is
 * shown: bidirectional embeddings, overrides and isolates (an U+202E from
 * the wire can make "evil.exe" look like "exe.live"), marks, zero-width
 * characters, invisible operators, the line and paragraph separators, the
 * byte order mark.  They are escaped like control characters. */
static bool cp_is_invisible(unsigned cp)
{
    return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Length of a valid UTF-8 sequence starting at s (at most n bytes), or 0.
 * Rejects overlongs, surrogates and code points above U+10FFFF so that a
 * terminal never sees a sequence it could misread; *cpo gets the code point. */
static size_t utf8_valid_len(const unsigned char *s, size_t n, unsigned *cpo)
{
    unsigned c = s[0];
    size_t len, i;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    /* C1 controls (U+0080..U+009F) act as escape introducers on some terminals. */
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;
    *cpo = cp;
    return len;
}

void sb_append_escaped(struct strbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    char esc[8];

    sb_grow(b, n);
    while (i < n) {
        unsigned c = p[i], cp = 0;
        size_t ulen;

        if (c >= 0x20 && c < 0x7f && c != '\\') {
            i++;
            run++;
            continue;
        }
        ulen = c >= 0x80 ? utf8_valid_len(p + i, n - i, &cp) : 0;
        if (ulen > 1 && !cp_is_invisible(cp)) {
            i += ulen;
            run += ulen;
            continue;
        }
        if (run)
            sb_append(b, (const char *)p + i - run, run);
        run = 0;
        if (ulen > 1) { /* an invisible formatting character */
            snprintf(esc, sizeof(esc), "\\u%04X", cp);
            sb_append(b, esc, 6);
            i += ulen;
            continue;
        }
        switch (c) {
        case '\\':
            sb_append(b, "\\\\", 2);
            break;
        case '\r':
            sb_append(b, "\\r", 2);
            break;
        case '\n':
            sb_append(b, "\\n", 2);
            break;
        case '\t':
            sb_append(b, "\\t", 2);
            break;
        case 0x1b:
            sb_append(b, "\\e", 2);
            break;
        default:
            snprintf(esc, sizeof(esc), "\\x%02X", c);
            sb_append(b, esc, 4);
        }
        i++;
    }
    if (run)
        sb_append(b, (const char *)p + i - run, run);
    sb_append(b, "", 0); /* terminate even when n == 0 (sb_grow above allocated) */
}

void sb_append_json(struct strbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    char esc[8];

    sb_grow(b, n + 2);
    sb_putc(b, '"');
    /* The string's value is what sb_append_escaped writes for a terminal
     * (one form of every byte in every output, which --flow and -Y take
     * back); JSON then only needs '"' and that text's backslashes escaped.
     * Runs of bytes that go out as they are are copied at once: a byte at
     * a time was most of a --list --json. */
    while (i < n) {
        unsigned c = p[i], cp = 0;
        size_t ulen;

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            i++;
            run++;
            continue;
        }
        ulen = c >= 0x80 ? utf8_valid_len(p + i, n - i, &cp) : 0;
        if (ulen > 1 && !cp_is_invisible(cp)) {
            i += ulen;
            run += ulen;
            continue;
        }
        if (run)
            sb_append(b, (const char *)p + i - run, run);
        run = 0;
        if (c == '"') {
            sb_append(b, "\\\"", 2);
            i++;
            continue;
        }
        /* The terminal escape, its backslash doubled for JSON. */
        sb_append(b, "\\\\", 2);
        if (ulen > 1) { /* an invisible formatting character */
            snprintf(esc, sizeof(esc), "u%04X", cp);
            sb_append(b, esc, 5);
            i += ulen;
            continue;
        }
        switch (c) {
        case '\\':
            sb_append(b, "\\\\", 2);
            break;
        case '\r':
            sb_putc(b, 'r');
            break;
        case '\n':
            sb_putc(b, 'n');
            break;
        case '\t':
            sb_putc(b, 't');
            break;
        case 0x1b:
            sb_putc(b, 'e');
            break;
        default:
            snprintf(esc, sizeof(esc), "x%02X", c);
            sb_append(b, esc, 3);
        }
        i++;
    }
    if (run)
        sb_append(b, (const char *)p + i - run, run);
    sb_putc(b, '"');
}

void sb_append_json_shown(struct strbuf *b, const char *s, size_t n)
{
    size_t i;

    sb_grow(b, n + 2);
    sb_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(b, "\\u%04X", c);
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}

const char *str_escape(const char *s, char *out, size_t outlen)
{
    struct strbuf b;
    size_t k;

    if (outlen == 0)
        return out;
    sb_init(&b);
    sb_append_escaped(&b, s ? s : "", s ? strlen(s) : 0);
    k = b.len;
    if (k >= outlen) { /* cut before a character or an escape, never inside */
        size_t i = 0, t = 0;

        while (i < outlen) {
            unsigned char c = (unsigned char)b.s[i];

            k = i;
            if (c == '\\')
                t = b.s[i + 1] == 'x' ? 4 : b.s[i + 1] == 'u' ? 6 : 2;
            else
                t = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
            if (i + t > outlen - 1)
                break;
            i += t;
            k = i;
        }
    }
    if (k)
        memcpy(out, b.s, k);
    out[k] = '\0';
    sb_fini(&b);
    return out;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The hex number of the n digits at s, or -1. */
static long hexn(const char *s, int n)
{
    long v = 0;
    int i;

    for (i = 0; i < n; i++) {
        int h = hexval((unsigned char)s[i]);

        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

long str_unescape(const char *s, char *out, size_t outlen)
{
    size_t k = 0;

    while (*s) {
        unsigned char enc[4];
        size_t m = 1;
        long v;

        enc[0] = (unsigned char)*s;
        if (*s == '\\' && s[1]) {
            switch (s[1]) {
            case '\\':
                s += 2;
                break;
            case 'r':
                enc[0] = '\r', s += 2;
                break;
            case 'n':
                enc[0] = '\n', s += 2;
                break;
            case 't':
                enc[0] = '\t', s += 2;
                break;
            case 'e':
                enc[0] = 0x1b, s += 2;
                break;
            case 'x':
                if ((v = hexn(s + 2, 2)) < 0)
                    goto literal;
                enc[0] = (unsigned char)v, s += 4;
                break;
            case 'u':
                if ((v = hexn(s + 2, 4)) < 0x80) /* only what the escaper writes */
                    goto literal;
                if (v < 0x800) {
                    enc[0] = (unsigned char)(0xc0 | v >> 6);
                    enc[1] = (unsigned char)(0x80 | (v & 0x3f));
                    m = 2;
                } else {
                    enc[0] = (unsigned char)(0xe0 | v >> 12);
                    enc[1] = (unsigned char)(0x80 | (v >> 6 & 0x3f));
                    enc[2] = (unsigned char)(0x80 | (v & 0x3f));
                    m = 3;
                }
                s += 6;
                break;
            default:
                goto literal;
            }
        } else {
        literal:
            s++;
        }
        if (k + m >= outlen)
            return -1;
        memcpy(out + k, enc, m);
        k += m;
    }
    if (k >= outlen)
        return -1;
    out[k] = '\0';
    return (long)k;
}
