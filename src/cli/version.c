/*
 * version: what `sipdx --version` prints: the release, the git revision it
 * was built from, and the versions of the libraries it runs with (read at
 * run time, so a PBX with a newer libpcap than the build machine says so).
 */
#include "cli.h"
#include "revision.h"

#include <pcap/pcap.h>
#include <stdio.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <zlib.h>

void cli_print_version(FILE *f, const char *curses)
{
    char pcre[64] = "";

    if (pcre2_config(PCRE2_CONFIG_VERSION, NULL) <= (int)sizeof(pcre))
        pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    fprintf(f, "sipdx %s (%s)\n", SIPDX_VERSION, SIPDX_REVISION);
    fprintf(f, "  %s\n", pcap_lib_version());
    fprintf(f, "  %s\n", curses ? curses : "ncurses: not linked");
    fprintf(f, "  PCRE2 %s\n", pcre);
    fprintf(f, "  zlib %s\n", zlibVersion());
    fprintf(f, "Copyright (C) the sipdx authors. License GPL-3.0-or-later "
               "<https://gnu.org/licenses/gpl.html>.\n"
               "This is free software: you are free to change and redistribute it.\n"
               "There is NO WARRANTY, to the extent permitted by law.\n");
}
