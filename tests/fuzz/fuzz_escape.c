/*
 * fuzz_escape: libFuzzer harness for the two escapers every output goes
 * through.  Whatever the bytes, the text escaper's output must hold no
 * control character, DEL, C1 control, invalid UTF-8 or invisible
 * formatting character (bidi controls, zero-width characters, BOM), and
 * the JSON escaper's output must be one valid JSON string literal with the
 * same guarantees.  str_escape must cut only between characters.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 character at p and its code point; 0 if bad. */
static size_t u8(const unsigned char *p, size_t n, unsigned *cp)
{
    size_t len, i;
    unsigned c = p[0], v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, v = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static bool harmless(unsigned cp)
{
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
        return false;
    return !(cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
             (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff);
}

static void check_text(const char *s, size_t n, bool json)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    unsigned cp;

    if (json) {
        if (n < 2 || p[0] != '"' || p[n - 1] != '"')
            abort();
        i = 1;
        n--;
    }
    while (i < n) {
        k = u8(p + i, n - i, &cp);
        if (k == 0 || !harmless(cp))
            abort();
        if (json && cp == '"')
            abort(); /* an unescaped quote inside the literal */
        if (cp == '\\') {
            if (i + 1 >= n)
                abort(); /* a lone backslash at the end */
            k = 2;       /* the escaped character is ASCII */
        }
        i += k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf b;
    char out[64], *nul;

    sb_init(&b);
    sb_append_escaped(&b, (const char *)data, size);
    if (b.s)
        check_text(b.s, b.len, false);
    sb_reset(&b);
    sb_append_json(&b, (const char *)data, size);
    check_text(b.s, b.len, true);
    sb_fini(&b);
    /* str_escape on the input up to its first NUL */
    nul = malloc(size + 1);
    memcpy(nul, data, size);
    nul[size] = '\0';
    str_escape(nul, out, 1 + (size % sizeof(out)));
    check_text(out, strlen(out), false);
    free(nul);
    return 0;
}
