/*
 * version: --version is printed here rather than in the cli module because
 * only the console binary links curses and can ask it for its version.
 */
#include "cli.h"
#include "ui.h"

#include <curses.h>

int ui_print_version(const struct config *cfg)
{
    cli_print_version(cfg->out, curses_version());
    return 0;
}
