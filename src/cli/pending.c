/*
 * pending: batch outputs whose engine is being written in this session.
 * Each function here is removed as its real implementation lands.
 */
#include "cli.h"

static int pending(const struct config *cfg, const char *what)
{
    fprintf(cfg->err, "sipdx: %s is not available in this build yet\n", what);
    return 2;
}

int cli_dump_packets(const struct config *cfg) { return pending(cfg, "--dump packets"); }
int cli_dump_messages(const struct config *cfg) { return pending(cfg, "--dump messages"); }
int cli_list(const struct config *cfg) { return pending(cfg, "--list"); }
int cli_flow(const struct config *cfg) { return pending(cfg, "--flow"); }
int cli_stats(const struct config *cfg) { return pending(cfg, "--stats"); }
int cli_explain(const struct config *cfg) { return pending(cfg, "--explain"); }
