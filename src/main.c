/*
 * main: argv -> struct config -> the console or a batch output.
 * The only place that calls exit() (by returning from main).
 */
#include "cli.h"
#include "ui.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct config cfg;
    int rc;

    rc = cli_parse_args(argc, argv, &cfg);
    if (rc != 0) {
        cli_config_fini(&cfg);
        return rc == 1 ? 0 : rc;
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
    case CLI_MODE_CONSOLE:
        rc = ui_run(&cfg);
        break;
    case CLI_MODE_LIST:
    default:
        rc = cli_list(&cfg);
        break;
    }
    cli_config_fini(&cfg);
    return rc;
}
