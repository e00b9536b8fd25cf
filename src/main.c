/*
 * main: argv -> struct config -> the console or a batch output; what the
 * mode returns is the exit status.  The two other ways out are on purpose:
 * fatal() aborts (src/util/xalloc.c: out of memory), and --list calls
 * exit() once its output is flushed instead of freeing a large store call
 * by call (src/cli/list.c).
 */
#include "cli.h"
#include "ui.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct config cfg;
    int rc;

    /* The capture thread's record chunks and the store's growing arrays
     * are freed and allocated again all through a load; with glibc's
     * defaults the freed memory went back to the kernel and came back as
     * fresh zeroed pages (clearing them showed in the profile of a load).
     * Keep up to 64 MB of freed memory for reuse instead. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    rc = cli_parse_args(argc, argv, &cfg);
    if (rc != 0) {
        cli_config_fini(&cfg);
        return rc == 1 ? 0 : rc;
    }
    /* Checked here, before any mode writes a header: a missing file
     * leaves stdout empty. */
    if (cfg.mode != CLI_MODE_VERSION && cfg.mode != CLI_MODE_EXPLAIN) {
        rc = cli_inputs_check(&cfg);
        if (rc != CLI_EXIT_OK) {
            cli_config_fini(&cfg);
            return rc;
        }
    }
    switch (cfg.mode) {
    case CLI_MODE_DUMP_PACKETS:
        rc = cli_dump_packets(&cfg);
        break;
    case CLI_MODE_DUMP_MESSAGES:
        rc = cli_dump_messages(&cfg);
        break;
    case CLI_MODE_FLOW:
        rc = cli_flow(&cfg);
        break;
    case CLI_MODE_STATS:
        rc = cli_stats(&cfg);
        break;
    case CLI_MODE_REGISTRATIONS:
        rc = cli_registrations(&cfg);
        break;
    case CLI_MODE_RTP_STREAMS:
        rc = cli_rtp_streams(&cfg);
        break;
    case CLI_MODE_EXPLAIN:
        rc = cli_explain(&cfg);
        break;
    case CLI_MODE_REPORT:
        rc = cli_report(&cfg);
        break;
    case CLI_MODE_SAVE:
        rc = cli_save(&cfg);
        break;
    case CLI_MODE_COMPARE:
        rc = cli_compare(&cfg);
        break;
    case CLI_MODE_CONSOLE:
        rc = ui_run(&cfg);
        break;
    case CLI_MODE_VERSION:
        rc = ui_print_version(&cfg);
        break;
    case CLI_MODE_LIST:
    default:
        cfg.exit_when_done = true;
        rc = cli_list(&cfg);
        break;
    }
    cli_config_fini(&cfg);
    return rc;
}
