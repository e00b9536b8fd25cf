/*
 * fuzz_config: libFuzzer harness for the user's files: a .theme file
 * (theme_load_buffer, and one style through theme_parse_style) and the
 * config file (settings_parse: columns, key bindings, aliases).  The first
 * byte chooses; the rest is the file.  A theme that fails must leave the
 * theme as it was (checked against a copy).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "theme.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text;
    size_t n;
    struct err d;
    struct strbuf msgs;

    if (size < 1)
        return 0;
    text = (const char *)data + 1;
    n = size - 1;
    sb_init(&msgs);
    err_clear(&d);
    if (data[0] & 1) {
        struct theme t, before;
        struct theme_style st;

        theme_init_default(&t);
        before = t;
        if (theme_load_buffer(&t, "fuzz.theme", text, n, &d, &msgs) != 0 &&
            memcmp(&t, &before, sizeof(t)) != 0)
            abort(); /* a failed load must leave the theme unchanged */
        err_clear(&d);
        (void)theme_parse_style(text, n < 256 ? n : 256, &st, &d);
    } else {
        struct settings s;
        size_t i;

        settings_init(&s);
        (void)settings_parse(&s, text, n, "fuzz.conf", &msgs);
        for (i = 0; i < s.naliases; i++) /* look every alias up again */
            if (!settings_alias_for(&s, &s.aliases[i].addr))
                abort();
        settings_fini(&s);
    }
    sb_fini(&msgs);
    return 0;
}
