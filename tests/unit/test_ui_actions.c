/*
 * Unit tests of the console's action table (src/ui/actions.h): every
 * action has a bind name, default keys and a help line, no two share a
 * name, and man/sipdx.1 lists exactly the table's names as the actions a
 * `bind` line takes.  (What the help screen and key bar show from it is
 * tests/ui/test_keys.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/actions.h"

static const struct {
    const char *name, *keys, *help;
} rows[] = {
#define ROW(id, name, keys, help) {name, keys, help},
    UI_ACTIONS(ROW)
#undef ROW
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void every_action_has_a_name_keys_and_help(void **state)
{
    size_t i, k;

    (void)state;
    assert_int_equal(NROWS, ACT__COUNT - 1);
    for (i = 0; i < NROWS; i++) {
        assert_true(rows[i].name[0] && rows[i].keys[0] && rows[i].help[0]);
        assert_null(strchr(rows[i].name, ' '));
        for (k = 0; k < i; k++)
            if (strcmp(rows[i].name, rows[k].name) == 0)
                fail_msg("two actions are called '%s'", rows[i].name);
    }
}

/* The words of the `.Cm` lines after "is one of" in the bind item. */
static size_t man_bind_actions(char names[][32], size_t max)
{
    FILE *f = fopen("man/sipdx.1", "r");
    char line[512];
    bool in = false, seen = false;
    size_t n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *tok, *save = NULL;

        if (!seen && strstr(line, "is one of")) {
            in = seen = true;
            continue;
        }
        if (!in)
            continue;
        if (strncmp(line, ".Cm ", 4) != 0)
            break;
        for (tok = strtok_r(line + 4, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
            if (strcmp(tok, ",") == 0)
                continue;
            assert_true(n < max);
            snprintf(names[n++], 32, "%s", tok);
        }
    }
    fclose(f);
    return n;
}

static void man_page_lists_exactly_the_bind_names(void **state)
{
    char names[64][32];
    size_t n = man_bind_actions(names, 64), i, k, bad = 0;

    (void)state;
    for (i = 0; i < NROWS; i++) {
        for (k = 0; k < n && strcmp(names[k], rows[i].name) != 0; k++)
            ;
        if (k == n) {
            print_error("action '%s' is not in man/sipdx.1's bind list\n", rows[i].name);
            bad++;
        }
    }
    for (k = 0; k < n; k++) {
        for (i = 0; i < NROWS && strcmp(names[k], rows[i].name) != 0; i++)
            ;
        if (i == NROWS) {
            print_error("man/sipdx.1 lists '%s', which is no action\n", names[k]);
            bad++;
        }
    }
    assert_int_equal(n, NROWS);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_action_has_a_name_keys_and_help),
        cmocka_unit_test(man_page_lists_exactly_the_bind_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
