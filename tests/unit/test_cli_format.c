/*
 * test_cli_format: the JSON number helpers of the batch outputs that skip
 * printf (cli_json_secs, cli_json_int) print exactly what printf prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

static void check_secs(int64_t ns)
{
    struct strbuf got, want;

    sb_init(&got);
    sb_init(&want);
    cli_json_secs(&got, "duration", ns, false);
    cli_json_num(&want, "duration", (double)ns / 1e9, 3, false);
    if (strcmp(got.s, want.s) != 0)
        fail_msg("%lld ns: got %s, want %s", (long long)ns, got.s, want.s);
    sb_fini(&got);
    sb_fini(&want);
}

/* Durations and setup times: every rounding case near a millisecond, the
 * exact halves, and pseudo-random values up to and beyond the fast range. */
static void seconds_format_as_printf_does(void **state)
{
    static const int64_t fixed[] = {0,
                                    1,
                                    499999,
                                    500000,
                                    500001,
                                    999999,
                                    1000000,
                                    1499999,
                                    1500000,
                                    1500001,
                                    2500000,
                                    999999999,
                                    1000000000,
                                    41054400000LL,
                                    999999999999999LL,
                                    1000000000000000LL,
                                    1000000000500000LL,
                                    INT64_MAX,
                                    -1,
                                    -1500000};
    uint64_t x = 88172645463325252ULL;
    size_t i;
    int64_t ms;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        check_secs(fixed[i]);
    for (ms = 0; ms < 3000000; ms += 997) {
        check_secs(ms * 1000000 - 500001);
        check_secs(ms * 1000000 + 499999);
        check_secs(ms * 1000000 + 500000);
        check_secs(ms * 1000000 + 500001);
    }
    for (i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check_secs((int64_t)(x % (i & 1 ? 3600000000000ULL : 2000000000000000ULL)));
    }
}

static void integers_format_as_printf_does(void **state)
{
    static const long long vals[] = {0,
                                     1,
                                     9,
                                     10,
                                     163118,
                                     2147483647LL,
                                     9223372036854775807LL,
                                     -1,
                                     -10,
                                     -9223372036854775807LL - 1};
    char want[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        struct strbuf got;

        sb_init(&got);
        cli_json_int(&got, "index", vals[i], i == 0);
        snprintf(want, sizeof(want), "%s\"index\":%lld", i == 0 ? "" : ",", vals[i]);
        assert_string_equal(got.s, want);
        sb_fini(&got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seconds_format_as_printf_does),
        cmocka_unit_test(integers_format_as_printf_does),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
