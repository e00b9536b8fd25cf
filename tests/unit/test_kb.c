/*
 * test_kb: the knowledge base as shipped (embedded data/kb files) and its
 * loader on fixtures in tests/data/kb.  XDG_DATA_HOME points to a missing
 * directory so the tester's own override files cannot change the results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "util.h"

static char fixture_dir[1024];

static const char *fixture(const char *sub)
{
    const char *td = test_data_dir();

    snprintf(fixture_dir, sizeof(fixture_dir), "%s/kb/%s", td, sub);
    return fixture_dir;
}

static int setup(void **state)
{
    (void)state;
    setenv("XDG_DATA_HOME", "/nonexistent/sipdx-test-xdg", 1);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    return 0;
}

static void assert_no_errors(const struct kb *kb)
{
    size_t i;

    for (i = 0; i < kb_error_count(kb); i++)
        print_error("unexpected kb error: %s\n", kb_error(kb, i));
    assert_int_equal(kb_error_count(kb), 0);
}

static void loads_shipped_files_without_errors(void **state)
{
    struct err d;
    struct kb *en = kb_new("en", NULL, &d);
    struct kb *ru = kb_new("ru", NULL, &d);

    (void)state;
    assert_no_errors(en);
    assert_no_errors(ru);
    assert_string_equal(d.msg, "");
    assert_string_equal(kb_lang(en), "en");
    assert_string_equal(kb_lang(ru), "ru");
    kb_free(en);
    kb_free(ru);
}

/* The codes every language must explain: tests/data/kb/response-codes.txt
 * (the IANA registry as in domain.md section 1.1, the historic RFC 2543
 * codes and common unregistered ones). */
static size_t load_codes(int *codes, size_t max)
{
    const char *dir = test_data_dir();
    char path[4096], line[256];
    FILE *f;
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/kb/response-codes.txt", dir);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        int code;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%d", &code) != 1 || code < 100 || code > 699)
            fail_msg("%s: bad line: %s", path, line);
        if (n < max)
            codes[n++] = code;
    }
    fclose(f);
    return n;
}

static void every_registered_code_has_an_entry_in_both_languages(void **state)
{
    struct kb *en = kb_new("en", NULL, NULL), *ru = kb_new("ru", NULL, NULL);
    int registered[256];
    size_t i, n = load_codes(registered, 256);

    (void)state;
    assert_true(n >= 80); /* 75 registered + 2 historic + 4 unregistered */
    for (i = 0; i < n; i++) {
        const struct kb_entry *e = kb_lookup_response(en, registered[i], NULL, 0);
        const struct kb_entry *r = kb_lookup_response(ru, registered[i], NULL, 0);

        assert_non_null(e);
        assert_non_null(r);
        if (e->is_class || e->code != registered[i] || r->is_class || r->code != registered[i])
            fail_msg("code %d falls back to its class", registered[i]);
        assert_string_equal(e->lang, "en");
        if (strcmp(r->lang, "ru") != 0)
            fail_msg("code %d has no Russian entry", registered[i]);
        assert_null(e->pattern);
        assert_true(e->title[0] && e->meaning[0] && e->nrefs > 0);
        assert_true(strlen(e->short_text) > 0);
    }
    /* The 1xx/2xx codes and the challenges read as normal in their flow. */
    assert_int_equal(kb_lookup_response(en, 401, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 407, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 487, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 100, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 180, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 183, NULL, 0)->severity, KB_SEV_NORMAL);
    assert_int_equal(kb_lookup_response(en, 488, NULL, 0)->severity, KB_SEV_PROBLEM);
    kb_free(en);
    kb_free(ru);
}

/* Every vendor variant of seed-facts.md (and the Kamailio/FreeSWITCH/
 * chan_sip phrases of domain.md §2.3) as it appears on the wire. */
static const struct {
    int code;
    const char *reason;
} variants[] = {
    {401, "AUTH Error: Stall nonce"},
    {401, "Expired Authorization"},
    {403, "No Such User"},
    {403, "No license available"},
    {403, "You"},
    {403, "User Disabled"},
    {403, "You do not have the required right"},
    {403, "Wrong Guess"},
    {403, "Conflict"},
    {403, "Empty Route Set"},
    {403, "Caller Not Registered"},
    {403, "Out of Look-Ahead Retries"},
    {403, "Invalid Phone Number"},
    {403, "No Money Left on RFC Account"},
    {403, "Forbidden (Bad auth)"},
    {403, "Not relaying"},
    {403, "Forbidden auth ID"},
    {403, "Forbidden R-URI"},
    {403, "Not Allowed"},
    {403, "Stale Date"},
    {404, "Undefined Reason"},
    {404, "Unknown user account"},
    {404, "Out of Order"},
    {404, "Not here"},
    {406, "No codecs match"},
    {407, "User not found"},
    {408, "Login timed out"},
    {410, "No Route"},
    {415, "No Media"},
    {479, "We don't forward to private IP addresses"},
    {480, "Invalid Phone Number"},
    {480, "Destination Not Found In Client Plan"},
    {480, "Wrong DB Response"},
    {480, "DB Timeout"},
    {480, "Database Error"},
    {480, "Codec Mismatch"},
    {480, "No Money Left on RFC Account"},
    {480, "Empty Route Set"},
    {480, "No money left"},
    {480, "Maximum Calls In Progress"},
    {488, "Codec Mismatch"},
    {488, "Private IP Address"},
    {500, "DB Timeout"},
    {500, "Database Error"},
    {500, "Wrong DB Response"},
    {500, "Undefined Reason"},
    {500, "account has been moved to a remote system"},
    {500, "Call placing quota exceeded"},
    {500, "I'm terribly sorry, server error occurred (1/SL)"},
    {501, "Method Not Supported Here"},
    {503, "Maximum Calls In Progress"},
    {503, "System Busy"},
};

static void every_vendor_variant_resolves_to_its_own_entry(void **state)
{
    const char *langs[] = {"en", "ru"};
    size_t n = sizeof(variants) / sizeof(variants[0]), i, j, l;
    const struct kb_entry **seen = calloc(n, sizeof(*seen));

    (void)state;
    for (l = 0; l < 2; l++) {
        struct kb *kb = kb_new(langs[l], NULL, NULL);

        for (i = 0; i < n; i++) {
            const struct kb_entry *e = kb_lookup_response(kb, variants[i].code, variants[i].reason,
                                                          strlen(variants[i].reason));

            assert_non_null(e);
            if (!e->pattern || e->code != variants[i].code)
                fail_msg("%d %s: got the plain entry", variants[i].code, variants[i].reason);
            if (strcmp(e->lang, langs[l]) != 0)
                fail_msg("%d %s: no %s entry", variants[i].code, variants[i].reason, langs[l]);
            seen[i] = e;
            for (j = 0; j < i; j++)
                if (seen[j] == e)
                    fail_msg("%d %s shares an entry with %d %s", variants[i].code,
                             variants[i].reason, variants[j].code, variants[j].reason);
        }
        kb_free(kb);
    }
    free(seen);
}

static void reason_pattern_beats_plain_code_and_class_is_last(void **state)
{
    struct kb *kb = kb_new("en", NULL, NULL);
    const struct kb_entry *plain = kb_lookup_response(kb, 403, "Forbidden", 9);
    const struct kb_entry *guess = kb_lookup_response(kb, 403, "wrong GUESS", 11);
    const struct kb_entry *cls = kb_lookup_response(kb, 455, "Whatever", 8);
    const struct kb_entry *std488 = kb_lookup_response(kb, 488, "Not Acceptable Here", 19);

    (void)state;
    assert_null(plain->pattern);
    assert_int_equal(plain->code, 403);
    assert_non_null(guess->pattern);
    assert_string_equal(guess->title, "Wrong password");
    assert_true(cls->is_class);
    assert_int_equal(cls->code, 4);
    assert_null(std488->pattern); /* the standard phrase gets the code's own entry */
    /* "Stall nonce" is a provider's misspelling of "stale nonce": one entry. */
    assert_ptr_equal(kb_lookup_response(kb, 401, "Stale nonce", 11),
                     kb_lookup_response(kb, 401, "AUTH Error: Stall nonce", 23));
    assert_non_null(kb_lookup_response(kb, 401, "Stale nonce", 11)->pattern);
    /* Bytes from the wire: invalid UTF-8 and NULs must not break matching. */
    assert_non_null(kb_lookup_response(kb, 403, "\xff\xfe\0wrong guess", 15));
    assert_null(kb_lookup_response(kb, 99, NULL, 0));
    assert_null(kb_lookup_response(kb, 700, NULL, 0));
    kb_free(kb);
}

static bool has_error(const struct kb *kb, const char *needle)
{
    size_t i;

    for (i = 0; i < kb_error_count(kb); i++)
        if (strstr(kb_error(kb, i), needle))
            return true;
    return false;
}

static void broken_file_reports_file_line_and_keeps_embedded_entries(void **state)
{
    struct err d;
    struct kb *kb = kb_new("en", fixture("broken"), &d);
    const struct kb_entry *e = kb_lookup_response(kb, 488, NULL, 0);

    (void)state;
    assert_true(kb_error_count(kb) >= 4);
    assert_true(has_error(kb, "bad.kb:6: severity must be"));
    assert_true(has_error(kb, "bad.kb:7: SIP code 999 out of range"));
    assert_true(has_error(kb, "bad.kb:10: unknown key 'bogus'"));
    assert_true(has_error(kb, "bad.kb:12: bad match pattern"));
    assert_non_null(strstr(d.msg, "bad.kb:"));
    assert_string_equal(e->title, "Not Acceptable Here");
    assert_null(kb_lookup_response(kb, 403, "(unclosed", 9)->pattern);
    kb_free(kb);
}

static void extra_dir_overrides_and_extends_embedded_entries(void **state)
{
    struct kb *kb = kb_new("en", fixture("override"), NULL);
    const struct kb_entry *e = kb_lookup_response(kb, 488, "Not Acceptable Here", 19);

    (void)state;
    assert_string_equal(e->title, "Overridden 488");
    assert_string_equal(e->short_text, "Overridden");
    /* Vendor entries of the same code stay in force. */
    assert_string_equal(kb_lookup_response(kb, 488, "Private IP Address", 18)->title,
                        "Private IP address");
    assert_string_equal(kb_lookup_response(kb, 499, "fixture ONLY english", 20)->title,
                        "Fixture English-only variant");
    /* The other, broken file in that directory is reported but isolated. */
    assert_true(has_error(kb, "bad-but-isolated.kb:1: entry has no meaning"));
    assert_string_equal(kb_lookup_warning(kb, 399)->title, "Miscellaneous warning");
    kb_free(kb);
}

static void language_comes_from_option_then_environment_with_english_fallback(void **state)
{
    struct kb *kb;
    const struct kb_entry *e;

    (void)state;
    assert_string_equal(kb_lang_select("ru"), "ru");
    assert_string_equal(kb_lang_select("ru_RU.UTF-8"), "ru");
    assert_string_equal(kb_lang_select("de_DE.UTF-8"), "en");
    assert_string_equal(kb_lang_select("en"), "en");
    assert_string_equal(kb_lang_select(NULL), "en");
    setenv("LANG", "ru_RU.UTF-8", 1);
    assert_string_equal(kb_lang_select(NULL), "ru");
    setenv("LC_MESSAGES", "C", 1);
    assert_string_equal(kb_lang_select(NULL), "en");
    setenv("LC_ALL", "ru_UA.UTF-8", 1);
    assert_string_equal(kb_lang_select(NULL), "ru");
    assert_string_equal(kb_lang_select("en"), "en"); /* --lang wins */

    kb = kb_new(NULL, fixture("override"), NULL);
    assert_string_equal(kb_lang(kb), "ru");
    e = kb_lookup_response(kb, 486, NULL, 0);
    assert_string_equal(e->lang, "ru");
    assert_string_equal(e->title, "Busy Here (занято)");
    e = kb_lookup_response(kb, 499, "fixture only english", 20);
    assert_string_equal(e->lang, "en"); /* missing in Russian: English */
    kb_free(kb);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

static void q850_and_warning_lookups_and_mappings_both_ways(void **state)
{
    struct kb *kb = kb_new("en", NULL, NULL);
    static const int causes[] = {1,  2,  3,  16, 17, 18, 19, 20, 21, 22, 27, 28,  29,  31,
                                 34, 38, 41, 42, 47, 55, 57, 58, 65, 79, 88, 102, 111, 127};
    static const int warnings[] = {300, 301, 302, 303, 304, 305, 306, 307, 330, 331, 370, 399};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
        assert_non_null(kb_lookup_q850(kb, causes[i]));
    for (i = 0; i < sizeof(warnings) / sizeof(warnings[0]); i++)
        assert_non_null(kb_lookup_warning(kb, warnings[i]));
    assert_string_equal(kb_lookup_q850(kb, 34)->title, "No circuit/channel available");
    assert_int_equal(kb_lookup_q850(kb, 16)->severity, KB_SEV_NORMAL);
    assert_string_equal(kb_lookup_warning(kb, 305)->short_text, "No common codec");
    assert_null(kb_lookup_q850(kb, 128));
    assert_null(kb_lookup_warning(kb, 42));

    /* RFC 3398 §8.2.6.1 */
    assert_int_equal(kb_sip_to_q850(404), 1);
    assert_int_equal(kb_sip_to_q850(486), 17);
    assert_int_equal(kb_sip_to_q850(480), 18);
    assert_int_equal(kb_sip_to_q850(503), 41);
    assert_int_equal(kb_sip_to_q850(603), 21);
    assert_int_equal(kb_sip_to_q850(487), 0);
    assert_int_equal(kb_sip_to_q850(488), 0);
    /* RFC 3398 §7.2.4.1 */
    assert_int_equal(kb_q850_to_sip(1), 404);
    assert_int_equal(kb_q850_to_sip(17), 486);
    assert_int_equal(kb_q850_to_sip(19), 480);
    assert_int_equal(kb_q850_to_sip(29), 501); /* the RFC's "510" is a typo */
    assert_int_equal(kb_q850_to_sip(34), 503);
    assert_int_equal(kb_q850_to_sip(65), 488);
    assert_int_equal(kb_q850_to_sip(102), 504);
    assert_int_equal(kb_q850_to_sip(16), 0);
    assert_int_equal(kb_q850_to_sip(99), 500); /* "other" */
    assert_int_equal(kb_q850_to_sip(0), 0);
    kb_free(kb);
}

/* Every Q.850 cause and Warning code the English files explain has its own
 * Russian entry (not the English fallback), with the same severity. */
static void every_english_q850_and_warning_entry_has_a_russian_one(void **state)
{
    struct kb *en = kb_new("en", NULL, NULL), *ru = kb_new("ru", NULL, NULL);
    size_t nq = 0, nw = 0;
    int c;

    (void)state;
    for (c = 0; c <= 127; c++) {
        const struct kb_entry *e = kb_lookup_q850(en, c), *r = kb_lookup_q850(ru, c);

        if (!e)
            continue;
        nq++;
        assert_non_null(r);
        if (strcmp(r->lang, "ru") != 0)
            fail_msg("Q.850 cause %d has no Russian entry", c);
        if (r->severity != e->severity)
            fail_msg("Q.850 cause %d: severity differs between en and ru", c);
        assert_true(r->title[0] && r->meaning[0] && r->nrefs > 0);
    }
    for (c = 100; c <= 999; c++) {
        const struct kb_entry *e = kb_lookup_warning(en, c), *r = kb_lookup_warning(ru, c);

        if (!e)
            continue;
        nw++;
        assert_non_null(r);
        if (strcmp(r->lang, "ru") != 0)
            fail_msg("Warning code %d has no Russian entry", c);
        if (r->severity != e->severity)
            fail_msg("Warning code %d: severity differs between en and ru", c);
        assert_true(r->title[0] && r->meaning[0] && r->nrefs > 0);
    }
    /* The loops above must have seen the shipped tables, not an empty kb. */
    assert_true(nq >= 28);
    assert_true(nw >= 12);
    kb_free(en);
    kb_free(ru);
}

static void short_texts_fit_forty_characters(void **state)
{
    static const char ok[] =
        "[sip 480]\ntitle = T\nshort = 1234567890123456789012345678901234567890\n"
        "meaning = M\nseverity = info\n";
    static const char bad[] =
        "[sip 480]\ntitle = T\nshort = 12345678901234567890123456789012345678901\n"
        "meaning = M\nseverity = info\n";
    static const char cyr[] =
        "[sip 480]\ntitle = T\nshort = ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ\n"
        "meaning = M\nseverity = info\n";

    (void)state;
    assert_int_equal(kb_check_buffer("ok", ok, sizeof(ok) - 1), 0);
    assert_int_equal(kb_check_buffer("bad", bad, sizeof(bad) - 1), 1);
    assert_int_equal(kb_check_buffer("cyr", cyr, sizeof(cyr) - 1), 0); /* 40 characters */
    /* The escape-sequence line is refused (1), so the entry then lacks a
     * title, a meaning and a severity (3 more). */
    assert_int_equal(kb_check_buffer("ctl", "[sip 480]\ntitle = \x1b[31m\n", 23), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(loads_shipped_files_without_errors, setup),
        cmocka_unit_test_setup(every_registered_code_has_an_entry_in_both_languages, setup),
        cmocka_unit_test_setup(every_vendor_variant_resolves_to_its_own_entry, setup),
        cmocka_unit_test_setup(reason_pattern_beats_plain_code_and_class_is_last, setup),
        cmocka_unit_test_setup(broken_file_reports_file_line_and_keeps_embedded_entries, setup),
        cmocka_unit_test_setup(extra_dir_overrides_and_extends_embedded_entries, setup),
        cmocka_unit_test_setup(language_comes_from_option_then_environment_with_english_fallback,
                               setup),
        cmocka_unit_test_setup(q850_and_warning_lookups_and_mappings_both_ways, setup),
        cmocka_unit_test_setup(every_english_q850_and_warning_entry_has_a_russian_one, setup),
        cmocka_unit_test_setup(short_texts_fit_forty_characters, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
