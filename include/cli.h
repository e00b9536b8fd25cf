/*
 * cli: the command line (struct config) and the batch outputs, the same
 * engine as the console without curses, for scripts and tests.
 * Each batch function runs on the calling thread and returns the process
 * exit status (enum cli_exit).
 */
#ifndef SIPDX_CLI_H
#define SIPDX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct filter;
struct filter_store_matcher;
#include "engine.h"

/* The exit status of every mode (man page: EXIT STATUS). */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DAMAGED = 1, /* an input was damaged part-way; what came before was printed */
    CLI_EXIT_USAGE = 2,   /* bad option or argument */
    CLI_EXIT_INPUT = 3,   /* an input, interface or socket could not be opened: no output */
    CLI_EXIT_NO_CALL = 4, /* --flow / --compare: no call with that Call-ID */
};

enum cli_mode {
    CLI_MODE_CONSOLE = 0,   /* the curses console (default) */
    CLI_MODE_DUMP_PACKETS,  /* --dump packets */
    CLI_MODE_DUMP_MESSAGES, /* --dump messages */
    CLI_MODE_LIST,          /* --list */
    CLI_MODE_FLOW,          /* --flow CALL-ID */
    CLI_MODE_STATS,         /* --stats */
    CLI_MODE_EXPLAIN,       /* --explain CODE [REASON] */
    CLI_MODE_REPORT,        /* --report */
    CLI_MODE_REGISTRATIONS, /* --registrations */
    CLI_MODE_RTP_STREAMS,   /* --rtp-streams */
    CLI_MODE_SAVE,          /* --save FILE */
    CLI_MODE_COMPARE,       /* --compare CALL-ID [CALL-ID] */
    CLI_MODE_VERSION,       /* --version (printed by the binary: it knows curses) */
};

struct config {
    const char **inputs; /* borrowed from argv */
    size_t ninputs;
    enum cli_mode mode;
    const char *flow_call_id;
    bool json;
    uint64_t max_memory;        /* 0 = unlimited */
    const char *explain;        /* --explain argument: "488", "q850:34", "warning:399" */
    const char *explain_reason; /* reason phrase after it (positional words joined), or NULL */
    char *explain_reason_buf;   /* owned storage for explain_reason */
    const char *lang;           /* --lang: "en", "ru"; NULL = from the environment */
    const char *kb_dir;         /* --kb-dir: extra knowledge-base directory */
    const char *theme;          /* --theme: name or path; NULL = dark */
    bool ascii;                 /* --ascii: ASCII line drawing */
    bool no_color;              /* --no-color */
    bool exit_when_done;        /* batch: end the process once the output is out,
                                   without tearing the store down (main sets it) */
    struct filter *filter;      /* owned: -Y/--filter and --ext combined, or NULL */
    struct filter *match;       /* owned: --match (capture-time), or NULL */
    struct filter_store_matcher *matcher; /* owned: --match state for the store */
    bool rtp_store;                       /* --rtp-store: keep RTP packet positions */
    const char **ifaces;                  /* -i/-d, borrowed from argv (owned array) */
    size_t nifaces;
    const char **tls_keylogs; /* --tls-keylog, borrowed from argv (owned array) */
    size_t ntls_keylogs;
    struct live_opts live;        /* live capture, HEP, -w (ifaces point at the above) */
    const char *default_iface[1]; /* "any" when nothing else was asked for */
    unsigned duration;            /* --duration SECONDS (live batch runs), 0 = none */
    uint64_t count;               /* --count N SIP messages, 0 = none */
    const char *save_path;        /* --save FILE */
    const char *compare_failed;   /* --compare CALL-ID: the failed call */
    const char *compare_good;     /* the good call to hold it against; NULL: pick one */
    const char *config_path;      /* --config FILE; NULL = $XDG_CONFIG_HOME/sipdx/config */
    const char *save_format;      /* --save-format pcap|pcapng|text; NULL = from the name */
    bool no_console;              /* sngrep's -N */
    FILE *quiet_out;              /* owned: /dev/null for -N -q */
    char *bpf_buf;                /* owned: a capture filter given as trailing words */
    char *calls_filter_buf;       /* owned: -Y with sngrep's -c clause */
    FILE *out;                    /* where batch output goes (stdout) */
    FILE *err;                    /* where errors go (stderr) */
};

/* Parses argv into cfg.  Returns 0 to go on, 1 when it already printed what
 * was asked (--help, --version), 2 on a usage error (message on stderr). */
int cli_parse_args(int argc, char **argv, struct config *cfg);
void cli_config_fini(struct config *cfg);
void cli_print_help(FILE *f);
/* --version's text; curses is the console library's version string
 * (curses_version()), or NULL where it is not linked. */
void cli_print_version(FILE *f, const char *curses);
/* The completion script for shell "bash" or "zsh", generated from the
 * option table; -1 for another shell. */
int cli_print_completion(FILE *f, const char *shell);
/* Compiles filter text for option `what` ("filter", "match"); on error prints
 * "sipdx: WHAT: col N: ..." to err and returns NULL. */
struct filter *cli_filter_compile(const char *what, const char *text, FILE *err);

/* Before any mode prints: every input file given with -r can be opened
 * and starts as a capture ("-" and pipes are read only once, so they are
 * checked only for access).  Prints why on cfg->err and returns
 * CLI_EXIT_INPUT, or CLI_EXIT_OK. */
int cli_inputs_check(const struct config *cfg);
int cli_dump_packets(const struct config *cfg);
int cli_dump_messages(const struct config *cfg);
int cli_list(const struct config *cfg);
int cli_flow(const struct config *cfg);
int cli_stats(const struct config *cfg);
int cli_explain(const struct config *cfg);
int cli_report(const struct config *cfg);
int cli_registrations(const struct config *cfg);
int cli_rtp_streams(const struct config *cfg);
int cli_save(const struct config *cfg);
int cli_compare(const struct config *cfg);

#endif
