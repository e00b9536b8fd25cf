/*
 * Unit tests of the option table (src/cli/args.c): man/sipdx.1 documents
 * every option of the table, with the same letters and argument, and the
 * table has every option the page documents; --help lists every row; the
 * parser built from the table takes the short spellings and sngrep's
 * aliases (-I, -d, -O).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "util.h"

/* One `.It` line of the man page's OPTIONS section. */
struct man_item {
    char longs[4][32]; /* the names after "Fl \-" */
    size_t nlongs;
    char letters[8]; /* the names after "Fl " of one letter */
    bool has_arg;    /* Ar or Cm follows the long name */
    int line;
};

/* Reads the `.It Fl ...` lines between ".Sh OPTIONS" and the next ".Sh". */
static size_t read_man_items(struct man_item *items, size_t max)
{
    FILE *f = fopen("man/sipdx.1", "r");
    char line[512];
    bool in = false;
    size_t n = 0;
    int lineno = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *tok, *save = NULL, *prev = NULL, *prev2 = NULL;
        struct man_item *it;

        lineno++;
        if (strncmp(line, ".Sh ", 4) == 0) {
            in = strncmp(line, ".Sh OPTIONS", 11) == 0;
            continue;
        }
        if (!in || strncmp(line, ".It Fl ", 7) != 0)
            continue;
        assert_true(n < max);
        it = &items[n++];
        memset(it, 0, sizeof(*it));
        it->line = lineno;
        for (tok = strtok_r(line + 4, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
            if (prev && strcmp(prev, "Fl") == 0) {
                if (strncmp(tok, "\\-", 2) == 0) {
                    assert_true(it->nlongs < 4);
                    snprintf(it->longs[it->nlongs++], sizeof(it->longs[0]), "%s", tok + 2);
                } else if (strlen(tok) == 1) {
                    it->letters[strlen(it->letters)] = tok[0];
                }
            }
            if (prev2 && strcmp(prev2, "Fl") == 0 && strncmp(prev, "\\-", 2) == 0 &&
                (strcmp(tok, "Ar") == 0 || strcmp(tok, "Cm") == 0 || strcmp(tok, "Oo") == 0))
                it->has_arg = true;
            prev2 = prev;
            prev = tok;
        }
    }
    fclose(f);
    return n;
}

static const struct man_item *man_find(const struct man_item *items, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < items[i].nlongs; k++)
            if (strcmp(items[i].longs[k], name) == 0)
                return &items[i];
    return NULL;
}

static void man_page_documents_every_option_of_the_table(void **state)
{
    struct man_item items[128];
    size_t nitems = read_man_items(items, 128), n, i, bad = 0;
    const struct cli_option *o = cli_options(&n);

    (void)state;
    assert_true(nitems >= 30); /* the section was found and read */
    assert_true(n >= 30);
    for (i = 0; i < n; i++) {
        const struct man_item *m = man_find(items, nitems, o[i].name);
        char letters[8] = "";

        if (!m) {
            print_error("--%s is not documented in man/sipdx.1 OPTIONS\n", o[i].name);
            bad++;
            continue;
        }
        if (o[i].letter)
            snprintf(letters, sizeof(letters), "%c%s", o[i].letter, o[i].also ? o[i].also : "");
        if (strcmp(letters, m->letters) != 0) {
            print_error("--%s: letters '%s' in the table, '%s' in man/sipdx.1:%d\n", o[i].name,
                        letters, m->letters, m->line);
            bad++;
        }
        if ((o[i].arg != NULL) != m->has_arg) {
            print_error("--%s: the table says it takes %s argument, man/sipdx.1:%d differs\n",
                        o[i].name, o[i].arg ? "an" : "no", m->line);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void table_has_every_option_the_man_page_documents(void **state)
{
    struct man_item items[128];
    size_t nitems = read_man_items(items, 128), n, i, k, j, bad = 0;
    const struct cli_option *o = cli_options(&n);

    (void)state;
    for (i = 0; i < nitems; i++) {
        for (k = 0; k < items[i].nlongs; k++) {
            for (j = 0; j < n && strcmp(o[j].name, items[i].longs[k]) != 0; j++)
                ;
            if (j == n) {
                print_error("man/sipdx.1:%d documents --%s, which the option table lacks\n",
                            items[i].line, items[i].longs[k]);
                bad++;
            }
        }
        if (items[i].nlongs == 0) {
            print_error("man/sipdx.1:%d: an option without a long name\n", items[i].line);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void help_lists_every_row_under_its_section(void **state)
{
    char *text = NULL;
    size_t len = 0, n, i;
    FILE *f = open_memstream(&text, &len);
    const struct cli_option *o = cli_options(&n);
    const char *at;

    (void)state;
    assert_non_null(f);
    cli_print_help(f);
    fclose(f);
    at = text;
    for (i = 0; i < n; i++) {
        char want[64];
        const char *p;

        if (o[i].section[0] && (i == 0 || o[i].section != o[i - 1].section)) {
            snprintf(want, sizeof(want), "\n%s:\n", o[i].section);
            p = strstr(at, want);
            if (!p)
                fail_msg("--help lacks the section '%s' after row %zu", o[i].section, i);
            at = p;
        }
        snprintf(want, sizeof(want), "--%s%s%s", o[i].name, o[i].arg ? " " : "",
                 o[i].arg ? o[i].arg : "");
        p = strstr(at, want);
        if (!p)
            fail_msg("--help lacks '%s' (in its place)", want);
        at = p;
    }
    free(text);
}

static void parses_letters_and_sngrep_aliases(void **state)
{
    char *argv[] = {
        "sipdx",       "-I",     "a.pcap", "-r",     "b.pcap", "-d", "lo",
        "-i",          "eth0",   "-O",     "w.pcap", "--list", "-Y", "sip.Method == \"BYE\"",
        "--rtp-store", "c.pcap", NULL};
    struct config cfg;

    (void)state;
    assert_int_equal(cli_parse_args((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv, &cfg), 0);
    assert_int_equal(cfg.ninputs, 3);
    assert_string_equal(cfg.inputs[0], "a.pcap");
    assert_string_equal(cfg.inputs[2], "c.pcap");
    assert_int_equal(cfg.live.nifaces, 2);
    assert_string_equal(cfg.live.ifaces[0], "lo");
    assert_string_equal(cfg.live.write_path, "w.pcap");
    assert_int_equal(cfg.mode, CLI_MODE_LIST);
    assert_non_null(cfg.filter);
    assert_true(cfg.rtp_store);
    cli_config_fini(&cfg);
}

static void refuses_two_outputs_and_bad_values(void **state)
{
    char *two[] = {"sipdx", "--list", "--stats", "x.pcap", NULL};
    char *bad[] = {"sipdx", "--rotate-time", "0", "-i", "lo", NULL};
    char *flow[] = {"sipdx", "--flow", "abc@h", "x.pcap", NULL};
    struct config cfg;

    (void)state;
    assert_int_equal(cli_parse_args(4, two, &cfg), 2);
    cli_config_fini(&cfg);
    assert_int_equal(cli_parse_args(5, bad, &cfg), 2);
    cli_config_fini(&cfg);
    assert_int_equal(cli_parse_args(4, flow, &cfg), 0);
    assert_int_equal(cfg.mode, CLI_MODE_FLOW);
    assert_string_equal(cfg.flow_call_id, "abc@h");
    cli_config_fini(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(man_page_documents_every_option_of_the_table),
        cmocka_unit_test(table_has_every_option_the_man_page_documents),
        cmocka_unit_test(help_lists_every_row_under_its_section),
        cmocka_unit_test(parses_letters_and_sngrep_aliases),
        cmocka_unit_test(refuses_two_outputs_and_bad_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
