/*
 * Unit tests of the config file parser: every setting, comments and CRLF,
 * errors with file:line that leave the rest of the file in force, alias
 * lookup (address:port before address), a missing file, the XDG path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings.h"
#include "util.h"

static void parses_every_setting(void **state)
{
    static const char text[] = "# sipdx config\r\n"
                               "theme = light\r\n"
                               "  lang=ru  \n"
                               "ascii = yes\n"
                               "columns = index start header:User-Agent from to state status "
                               "header:X-Account\n"
                               "bind x save\n"
                               "bind F9 quit\n"
                               "alias 10.0.0.5:5060 = PBX main\n"
                               "alias [2001:db8::1]:5062 = v6 box\n"
                               "alias 10.0.0.9 = SBC\n";
    struct settings s;
    struct strbuf errs;

    (void)state;
    settings_init(&s);
    sb_init(&errs);
    assert_int_equal(settings_parse(&s, text, strlen(text), "cfg", &errs), 0);
    assert_null(errs.s);
    assert_string_equal(s.theme, "light");
    assert_string_equal(s.lang, "ru");
    assert_int_equal(s.ascii, 1);
    assert_int_equal(s.ncolumns, 8);
    assert_int_equal(s.columns[0].col, SET_COL_INDEX);
    assert_int_equal(s.columns[2].col, SET_COL_HEADER);
    assert_string_equal(s.columns[2].header, "User-Agent");
    assert_int_equal(s.columns[6].col, SET_COL_STATUS);
    assert_string_equal(s.columns[7].header, "X-Account");
    assert_int_equal(s.nbinds, 2);
    assert_string_equal(s.binds[0].key, "x");
    assert_string_equal(s.binds[0].action, "save");
    assert_int_equal(s.binds[0].line, 6);
    assert_string_equal(s.binds[1].key, "F9");
    assert_int_equal(s.naliases, 3);
    {
        struct cap_addr a = {4, {10, 0, 0, 5}, 5060};

        assert_string_equal(settings_alias_for(&s, &a), "PBX main");
        a.port = 5080; /* no alias for that port, none for the bare address */
        assert_null(settings_alias_for(&s, &a));
        a.ip[3] = 9; /* the bare-address alias covers every port */
        assert_string_equal(settings_alias_for(&s, &a), "SBC");
    }
    {
        struct cap_addr a = {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 5062};

        assert_string_equal(settings_alias_for(&s, &a), "v6 box");
    }
    sb_fini(&errs);
    settings_fini(&s);
}

static void bad_lines_name_file_and_line_and_the_rest_stays(void **state)
{
    static const char text[] = "theme = dark\n"
                               "colour = red\n"
                               "columns = index bogus\n"
                               "alias 10.0.0.300 = X\n"
                               "alias 10.0.0.1:99999 = X\n"
                               "ascii = maybe\n"
                               "bind x\n"
                               "just words\n"
                               "columns = index header:\n"
                               "lang = en\n"
                               "alias 10.0.0.7 = OK\n";
    struct settings s;
    struct strbuf errs;

    (void)state;
    settings_init(&s);
    sb_init(&errs);
    assert_int_equal(settings_parse(&s, text, strlen(text), "/x/config", &errs), 8);
    assert_non_null(strstr(errs.s, "/x/config:2: unknown setting 'colour'"));
    assert_non_null(strstr(errs.s, "/x/config:3: unknown column 'bogus'"));
    assert_non_null(strstr(errs.s, "/x/config:4: alias: '10.0.0.300' is not an IP"));
    assert_non_null(strstr(errs.s, "/x/config:5: alias:"));
    assert_non_null(strstr(errs.s, "/x/config:6: ascii: expected yes or no"));
    assert_non_null(strstr(errs.s, "/x/config:7: bind: expected"));
    assert_non_null(strstr(errs.s, "/x/config:8: expected 'key = value'"));
    assert_non_null(strstr(errs.s, "/x/config:9: bad header column"));
    /* the good lines around them are in force; bad columns left the default */
    assert_string_equal(s.theme, "dark");
    assert_string_equal(s.lang, "en");
    assert_int_equal(s.ncolumns, 0);
    assert_int_equal(s.ascii, -1);
    assert_int_equal(s.naliases, 1);
    assert_int_equal(s.nbinds, 0);
    sb_fini(&errs);
    settings_fini(&s);
}

static void control_bytes_are_escaped_in_messages(void **state)
{
    static const char text[] = "col\x1b[31mour = red\n";
    struct settings s;
    struct strbuf errs;

    (void)state;
    settings_init(&s);
    sb_init(&errs);
    assert_int_equal(settings_parse(&s, text, strlen(text), "c", &errs), 1);
    assert_null(strchr(errs.s, 0x1b));
    assert_non_null(strstr(errs.s, "\\e[31m"));
    sb_fini(&errs);
    settings_fini(&s);
}

static void loads_files_and_finds_the_xdg_path(void **state)
{
    char path[] = "/tmp/sipdx_cfg_XXXXXX", out[512];
    struct settings s;
    struct strbuf errs;
    FILE *f;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("theme = mono\nbogus\n", f);
    fclose(f);
    settings_init(&s);
    sb_init(&errs);
    assert_int_equal(settings_load(&s, path, true, &errs), 1);
    assert_string_equal(s.theme, "mono");
    assert_string_equal(s.file, path);
    unlink(path);
    sb_reset(&errs);
    /* missing: fine for the default path, an error for --config */
    assert_int_equal(settings_load(&s, path, false, &errs), 0);
    assert_int_equal(settings_load(&s, path, true, &errs), -1);
    assert_non_null(strstr(errs.s, "No such file"));
    sb_fini(&errs);
    settings_fini(&s);

    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    assert_string_equal(settings_path(NULL, out, sizeof(out)), "/xdg/sipdx/config");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/u", 1);
    assert_string_equal(settings_path(NULL, out, sizeof(out)), "/home/u/.config/sipdx/config");
    assert_string_equal(settings_path("/etc/x", out, sizeof(out)), "/etc/x");
}

/* tls_keylog may be given on several lines: each adds a key log (as
 * --tls-keylog does); an empty one is an error with its line. */
static void tls_keylog_lines_add_up(void **state)
{
    const char *text = "tls_keylog = /var/log/kamailio/keys.log\n"
                       "tls_keylog=udp:127.0.0.1:9999\n"
                       "tls_keylog =\n";
    struct settings s;
    struct strbuf errs;

    (void)state;
    settings_init(&s);
    sb_init(&errs);
    assert_int_equal(settings_parse(&s, text, strlen(text), "cfg", &errs), 1);
    assert_int_equal(s.ntls_keylogs, 2);
    assert_string_equal(s.tls_keylogs[0], "/var/log/kamailio/keys.log");
    assert_string_equal(s.tls_keylogs[1], "udp:127.0.0.1:9999");
    assert_non_null(strstr(errs.s, "cfg:3: tls_keylog"));
    sb_fini(&errs);
    settings_fini(&s);
    assert_int_equal(s.ntls_keylogs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_setting),
        cmocka_unit_test(tls_keylog_lines_add_up),
        cmocka_unit_test(bad_lines_name_file_and_line_and_the_rest_stays),
        cmocka_unit_test(control_bytes_are_escaped_in_messages),
        cmocka_unit_test(loads_files_and_finds_the_xdg_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
