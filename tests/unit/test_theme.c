/* test_theme: theme files and style strings (errors with file:line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "theme.h"
#include "util.h"

static void parses_tmux_like_style_strings(void **state)
{
    struct theme_style st;
    struct err d;

    (void)state;
    err_clear(&d);
    assert_int_equal(theme_parse_style("fg=red,bg=colour236,bold", 24, &st, &d), 0);
    assert_int_equal(st.fg, 1);
    assert_int_equal(st.bg, 236);
    assert_int_equal(st.attrs, THEME_BOLD);
    assert_int_equal(theme_parse_style("fg=brightblue, reverse", 22, &st, &d), 0);
    assert_int_equal(st.fg, 12);
    assert_int_equal(st.bg, THEME_COLOR_DEFAULT);
    assert_int_equal(st.attrs, THEME_REVERSE);
}

static void bad_style_reports_file_line_and_keeps_theme(void **state)
{
    static const char text[] = "# comment\n"
                               "sel = fg=white,bg=blue\n"
                               "\n"
                               "call.failed = fg=purple,bold\n";
    struct theme t, before;
    struct err d;
    char msg[600];

    (void)state;
    theme_init_default(&t);
    before = t;
    err_clear(&d);
    assert_int_equal(theme_load_buffer(&t, "x.theme", text, strlen(text), &d, NULL), -1);
    assert_string_equal(d.file, "x.theme");
    assert_int_equal(d.line, 4);
    assert_non_null(strstr(d.msg, "purple"));
    assert_int_equal(d.col, 18); /* the colour after "fg=" */
    err_format(&d, msg, sizeof(msg));
    assert_non_null(strstr(msg, "x.theme"));
    /* transactional: line 2 was valid, but nothing was applied */
    assert_memory_equal(&t, &before, sizeof(t));
}

static void missing_equals_is_an_error(void **state)
{
    static const char text[] = "sel fg=red\n";
    struct theme t;
    struct err d;

    (void)state;
    theme_init_default(&t);
    err_clear(&d);
    assert_int_equal(theme_load_buffer(&t, "y.theme", text, strlen(text), &d, NULL), -1);
    assert_int_equal(d.line, 1);
}

static void unknown_role_is_a_warning_not_an_error(void **state)
{
    static const char text[] = "no.such.role = fg=red\nsel = fg=white,bg=blue\n";
    struct theme t;
    struct err d;
    struct strbuf w;

    (void)state;
    theme_init_default(&t);
    sb_init(&w);
    err_clear(&d);
    assert_int_equal(theme_load_buffer(&t, "z.theme", text, strlen(text), &d, &w), 0);
    assert_non_null(w.s);
    assert_string_equal(w.s, "z.theme:1: unknown role 'no.such.role'\n");
    assert_int_equal(t.role[ROLE_SEL].fg, 7);
    assert_int_equal(t.role[ROLE_SEL].bg, 4);
    sb_fini(&w);
}

/* themes/NAME.theme in the tree must match what the binary has built in. */
static void theme_files_match_the_built_in_themes(void **state)
{
    static const char *const names[] = {"dark", "light", "high-contrast", "mono"};
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++) {
        struct theme file, built;
        struct err d;
        struct strbuf w;
        char path[256];

        snprintf(path, sizeof(path), "themes/%s.theme", names[i]);
        sb_init(&w);
        err_clear(&d);
        theme_init_default(&file);
        assert_int_equal(theme_load_file(&file, path, &d, &w), 0);
        assert_null(w.s); /* no unknown roles */
        err_clear(&d);
        assert_int_equal(theme_select(&built, names[i], &d, NULL), 0);
        assert_memory_equal(file.role, built.role, sizeof(file.role));
        sb_fini(&w);
    }
}

static void unknown_theme_name_fails(void **state)
{
    struct theme t;
    struct err d;

    (void)state;
    theme_init_default(&t);
    err_clear(&d);
    assert_int_equal(theme_select(&t, "solarized-nope", &d, NULL), -1);
    assert_non_null(strstr(d.msg, "unknown theme"));
    assert_int_equal(theme_role_from("call.failed", 11), ROLE_CALL_FAILED);
    assert_string_equal(theme_role_name(ROLE_SEL), "sel");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_tmux_like_style_strings),
        cmocka_unit_test(bad_style_reports_file_line_and_keeps_theme),
        cmocka_unit_test(missing_equals_is_an_error),
        cmocka_unit_test(unknown_role_is_a_warning_not_an_error),
        cmocka_unit_test(theme_files_match_the_built_in_themes),
        cmocka_unit_test(unknown_theme_name_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
