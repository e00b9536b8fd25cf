/*
 * args: command-line parsing into struct config.  Every long option listed
 * in cli_print_help() must also be in man/sipdx.1 (a test checks).
 * Runs on the main thread before anything else starts.
 */
#include "capture.h"
#include "cli.h"
#include "filter.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_DUMP = 1000,
    OPT_JSON,
    OPT_LIST,
    OPT_FLOW,
    OPT_STATS,
    OPT_REPORT,
    OPT_MAX_MEMORY,
    OPT_EXPLAIN,
    OPT_LANG,
    OPT_KB_DIR,
    OPT_THEME,
    OPT_ASCII,
    OPT_NO_COLOR,
    OPT_MATCH,
    OPT_EXT,
    OPT_REGISTRATIONS,
    OPT_RTP_STREAMS,
    OPT_RTP_STORE,
    OPT_BUFFER_SIZE,
    OPT_PROMISC,
    OPT_USER,
    OPT_ROTATE_SIZE,
    OPT_ROTATE_TIME,
    OPT_HEP_LISTEN,
    OPT_HEP_PASSWORD,
    OPT_HEP_SEND,
    OPT_HEP_AGENT_ID,
    OPT_DURATION,
    OPT_COUNT,
    OPT_SAVE,
    OPT_CONFIG,
    OPT_SAVE_FORMAT,
};

static const struct option long_opts[] = {
    {"read", required_argument, NULL, 'r'},
    {"interface", required_argument, NULL, 'i'},
    {"capture-filter", required_argument, NULL, 'f'},
    {"buffer-size", required_argument, NULL, OPT_BUFFER_SIZE},
    {"promisc", no_argument, NULL, OPT_PROMISC},
    {"user", required_argument, NULL, OPT_USER},
    {"write", required_argument, NULL, 'w'},
    {"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
    {"rotate-time", required_argument, NULL, OPT_ROTATE_TIME},
    {"hep-listen", required_argument, NULL, OPT_HEP_LISTEN},
    {"hep-password", required_argument, NULL, OPT_HEP_PASSWORD},
    {"hep-send", required_argument, NULL, OPT_HEP_SEND},
    {"hep-agent-id", required_argument, NULL, OPT_HEP_AGENT_ID},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"count", required_argument, NULL, OPT_COUNT},
    {"dump", required_argument, NULL, OPT_DUMP},
    {"json", no_argument, NULL, OPT_JSON},
    {"list", no_argument, NULL, OPT_LIST},
    {"flow", required_argument, NULL, OPT_FLOW},
    {"stats", no_argument, NULL, OPT_STATS},
    {"report", no_argument, NULL, OPT_REPORT},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"lang", required_argument, NULL, OPT_LANG},
    {"kb-dir", required_argument, NULL, OPT_KB_DIR},
    {"theme", required_argument, NULL, OPT_THEME},
    {"ascii", no_argument, NULL, OPT_ASCII},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"filter", required_argument, NULL, 'Y'},
    {"match", required_argument, NULL, OPT_MATCH},
    {"ext", required_argument, NULL, OPT_EXT},
    {"registrations", no_argument, NULL, OPT_REGISTRATIONS},
    {"rtp-streams", no_argument, NULL, OPT_RTP_STREAMS},
    {"rtp-store", no_argument, NULL, OPT_RTP_STORE},
    {"save", required_argument, NULL, OPT_SAVE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"save-format", required_argument, NULL, OPT_SAVE_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

void cli_print_help(FILE *f)
{
    fputs("usage: sipdx [options] [FILE...]\n"
          "\n"
          "Opens SIP captures (pcap, pcapng, gzip; - for stdin) or captures live,\n"
          "groups messages into calls and explains why calls failed.  With no\n"
          "input at all it captures live on the 'any' interface.\n"
          "\n"
          "Input:\n"
          "  -r, --read FILE        read a capture file (repeatable; files are merged\n"
          "                         by timestamp; -I too); FILE may also be given bare\n"
          "  -i, --interface IFACE  capture live on IFACE (repeatable; -d too; 'any' is\n"
          "                         every interface); needs root or CAP_NET_RAW\n"
          "  -f, --capture-filter BPF\n"
          "                         capture filter (default keeps SIP ports 5060-5090,\n"
          "                         8088-8089, HEP 9060 and every IP fragment; '' = all)\n"
          "      --buffer-size SIZE kernel capture buffer (e.g. 64M)\n"
          "      --promisc          put the interfaces in promiscuous mode\n"
          "      --user NAME        user to switch to once capture is open (nobody)\n"
          "      --hep-listen [ADDR:]PORT\n"
          "                         receive HEP v2/v3 over UDP and TCP\n"
          "      --hep-password PW  HEP auth key: required on receive, sent with --hep-send\n"
          "      --hep-send HOST:PORT\n"
          "                         forward captured SIP as HEP v3 over UDP\n"
          "      --hep-agent-id N   capture agent id to send (default 0)\n"
          "      --duration SECONDS stop a live batch run after SECONDS\n"
          "      --count N          stop a live batch run after N SIP messages\n"
          "\n"
          "Writing:\n"
          "  -w, --write FILE       write every captured packet to FILE as it arrives\n"
          "                         (pcapng when FILE ends in .pcapng, else pcap; -O too);\n"
          "                         SIGUSR1 reopens it\n"
          "      --rotate-size SIZE start a new FILE past SIZE (e.g. 100M)\n"
          "      --rotate-time SECS start a new FILE every SECS seconds\n"
          "\n"
          "Batch output (no console):\n"
          "      --dump WHAT        packets: one line per transport payload;\n"
          "                         messages: one line per SIP message\n"
          "      --list             one line per call\n"
          "      --flow CALL-ID     one call as a text ladder\n"
          "      --stats            message counts as tshark -z sip,stat prints them,\n"
          "                         then ASR, ACD, PDD, NER, SER overall and per\n"
          "                         destination, and response codes by frequency\n"
          "      --registrations    registrations per extension (AOR): contacts,\n"
          "                         expiry, last result, attempts and failures\n"
          "      --report           failed and suspicious calls with their findings\n"
          "                         (NAT, timers, auth, codecs ...) and explanations\n"
          "      --rtp-streams      RTP streams with the columns of tshark -z rtp,streams,\n"
          "                         their calls, DTMF, RTCP figures and media findings\n"
          "      --json             one JSON object per line instead of text\n"
          "      --explain CODE [REASON]\n"
          "                         explain a response code (488 \"Not Acceptable Here\"),\n"
          "                         a Q.850 cause (q850:34) or a Warning (warning:399)\n"
          "      --save FILE        write the calls to FILE: pcap, pcapng (rebuilt\n"
          "                         frames) or text (ladder + messages), by its name\n"
          "      --save-format FMT  pcap, pcapng or text, whatever FILE is called\n"
          "\n"
          "Filters (the filter language: see sipdx(1), FILTERS):\n"
          "  -Y, --filter EXPR      show only what matches: calls with a matching\n"
          "                         message (--list, console), matching messages\n"
          "                         (--dump, --flow), counts of matching messages\n"
          "                         (--stats); e.g. -Y 'sip.Status-Code >= 400'\n"
          "      --ext EXT          short for -Y 'ext == \"EXT\"' (and-ed with -Y)\n"
          "      --match EXPR       at capture time keep only calls with a matching\n"
          "                         message; the others are dropped and counted\n"
          "\n"
          "Knowledge base:\n"
          "      --lang LANG        language of explanations: en or ru (default from\n"
          "                         LC_ALL, LC_MESSAGES or LANG)\n"
          "      --kb-dir DIR       extra knowledge-base files that override the built-in\n"
          "                         ones (also read from $XDG_DATA_HOME/sipdx/kb)\n"
          "\n"
          "Console:\n"
          "      --theme NAME       colour theme: dark (default), light, high-contrast,\n"
          "                         mono, or a path to a .theme file\n"
          "      --ascii            draw lines with ASCII characters (+ - |)\n"
          "      --no-color         no colours (also when NO_COLOR is set)\n"
          "      --config FILE      read settings from FILE instead of\n"
          "                         $XDG_CONFIG_HOME/sipdx/config (~/.config/sipdx/config)\n"
          "\n"
          "Media:\n"
          "      --rtp-store        also keep the position of every RTP packet (memory\n"
          "                         grows with packets), so saving a call can include\n"
          "                         its RTP; statistics never need it\n"
          "\n"
          "Limits:\n"
          "      --max-memory SIZE  bound the call store (e.g. 200M); the oldest calls\n"
          "                         are rotated out and counted\n"
          "\n"
          "  -h, --help             show this help\n"
          "  -V, --version          show the version\n",
          f);
    fprintf(f, "\nDefault capture filter (-f):\n  %s\n", cap_live_default_bpf());
}

/* "200M", "1G", "65536" -> bytes; -1 on error. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        v <<= 10;
        end++;
        break;
    case 'm':
    case 'M':
        v <<= 20;
        end++;
        break;
    case 'g':
    case 'G':
        v <<= 30;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static void add_input(struct config *cfg, const char *path)
{
    cfg->inputs = xrealloc(cfg->inputs, (cfg->ninputs + 1) * sizeof(*cfg->inputs));
    cfg->inputs[cfg->ninputs++] = path;
}

static int set_mode(struct config *cfg, enum cli_mode m)
{
    if (cfg->mode != CLI_MODE_CONSOLE && cfg->mode != m) {
        fputs("sipdx: choose one of --dump, --list, --flow, --stats, --report,\n"
              "       --registrations, --rtp-streams, --save\n",
              cfg->err);
        return -1;
    }
    cfg->mode = m;
    return 0;
}

struct filter *cli_filter_compile(const char *what, const char *text, FILE *err)
{
    struct err d;
    struct filter *f;
    char msg[512];
    struct strbuf b;

    err_clear(&d);
    f = filter_compile(text, &d);
    if (f)
        return f;
    err_format(&d, msg, sizeof(msg));
    sb_init(&b);
    sb_append_escaped(&b, msg, strlen(msg));
    fprintf(err, "sipdx: %s: %s\n", what, b.s ? b.s : "");
    sb_fini(&b);
    return NULL;
}

/* -Y and --ext into cfg->filter: -Y is checked alone first, so an error
 * column points into the text the user typed.  0 or 2. */
static int build_filter(struct config *cfg, const char *expr, const char *ext)
{
    struct strbuf b;
    const char *p;

    if (expr) {
        cfg->filter = cli_filter_compile("filter", expr, cfg->err);
        if (!cfg->filter)
            return 2;
    }
    if (!ext)
        return 0;
    sb_init(&b);
    if (expr)
        sb_printf(&b, "(%s) and ", expr);
    sb_puts(&b, "ext == \"");
    for (p = ext; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_putc(&b, '\\');
        sb_putc(&b, *p);
    }
    sb_putc(&b, '"');
    filter_free(cfg->filter);
    cfg->filter = cli_filter_compile("--ext", b.s, cfg->err);
    sb_fini(&b);
    return cfg->filter ? 0 : 2;
}

/* Decimal number <= max; -1 on error. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_args(int argc, char **argv, struct config *cfg)
{
    const char *expr = NULL, *ext = NULL, *match = NULL;
    uint64_t v;
    int c;

    memset(cfg, 0, sizeof(*cfg));
    cfg->out = stdout;
    cfg->err = stderr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:I:Y:i:d:f:w:O:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'r':
        case 'I': /* sngrep's spelling */
            add_input(cfg, optarg);
            break;
        case 'i':
        case 'd':
            cfg->ifaces = xrealloc(cfg->ifaces, (cfg->nifaces + 1) * sizeof(*cfg->ifaces));
            cfg->ifaces[cfg->nifaces++] = optarg;
            break;
        case 'f':
            cfg->live.cap.bpf = optarg;
            break;
        case OPT_BUFFER_SIZE:
            if (parse_size(optarg, &v) || v == 0 || v > INT32_MAX) {
                fprintf(cfg->err, "sipdx: --buffer-size: bad size '%s' (try 64M)\n", optarg);
                return 2;
            }
            cfg->live.cap.buffer_size = (int)v;
            break;
        case OPT_PROMISC:
            cfg->live.cap.promisc = true;
            break;
        case OPT_USER:
            cfg->live.user = optarg;
            break;
        case 'w':
        case 'O':
            cfg->live.write_path = optarg;
            break;
        case OPT_ROTATE_SIZE:
            if (parse_size(optarg, &cfg->live.rotate_size) || cfg->live.rotate_size == 0) {
                fprintf(cfg->err, "sipdx: --rotate-size: bad size '%s' (try 100M)\n", optarg);
                return 2;
            }
            break;
        case OPT_ROTATE_TIME:
            if (parse_uint(optarg, 86400 * 366, &v) || v == 0) {
                fprintf(cfg->err, "sipdx: --rotate-time: bad number of seconds '%s'\n", optarg);
                return 2;
            }
            cfg->live.rotate_time = (unsigned)v;
            break;
        case OPT_HEP_LISTEN:
            cfg->live.hep_listen = optarg;
            break;
        case OPT_HEP_PASSWORD:
            cfg->live.hep_password = optarg;
            break;
        case OPT_HEP_SEND:
            cfg->live.hep_send = optarg;
            break;
        case OPT_HEP_AGENT_ID:
            if (parse_uint(optarg, UINT32_MAX, &v)) {
                fprintf(cfg->err, "sipdx: --hep-agent-id: bad number '%s'\n", optarg);
                return 2;
            }
            cfg->live.hep_agent_id = (uint32_t)v;
            break;
        case OPT_DURATION:
            if (parse_uint(optarg, 86400 * 366, &v) || v == 0) {
                fprintf(cfg->err, "sipdx: --duration: bad number of seconds '%s'\n", optarg);
                return 2;
            }
            cfg->duration = (unsigned)v;
            break;
        case OPT_COUNT:
            if (parse_uint(optarg, UINT64_MAX, &v) || v == 0) {
                fprintf(cfg->err, "sipdx: --count: bad number '%s'\n", optarg);
                return 2;
            }
            cfg->count = v;
            break;
        case OPT_DUMP:
            if (strcmp(optarg, "packets") == 0) {
                if (set_mode(cfg, CLI_MODE_DUMP_PACKETS))
                    return 2;
            } else if (strcmp(optarg, "messages") == 0) {
                if (set_mode(cfg, CLI_MODE_DUMP_MESSAGES))
                    return 2;
            } else {
                fprintf(cfg->err, "sipdx: --dump takes packets or messages, not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_JSON:
            cfg->json = true;
            break;
        case OPT_LIST:
            if (set_mode(cfg, CLI_MODE_LIST))
                return 2;
            break;
        case OPT_FLOW:
            if (set_mode(cfg, CLI_MODE_FLOW))
                return 2;
            cfg->flow_call_id = optarg;
            break;
        case OPT_STATS:
            if (set_mode(cfg, CLI_MODE_STATS))
                return 2;
            break;
        case OPT_REGISTRATIONS:
            if (set_mode(cfg, CLI_MODE_REGISTRATIONS))
                return 2;
            break;
        case OPT_REPORT:
            if (set_mode(cfg, CLI_MODE_REPORT))
                return 2;
            break;
        case OPT_MAX_MEMORY:
            if (parse_size(optarg, &cfg->max_memory)) {
                fprintf(cfg->err, "sipdx: --max-memory: bad size '%s' (try 200M)\n", optarg);
                return 2;
            }
            break;
        case OPT_EXPLAIN:
            if (set_mode(cfg, CLI_MODE_EXPLAIN))
                return 2;
            cfg->explain = optarg;
            break;
        case OPT_LANG:
            cfg->lang = optarg;
            break;
        case OPT_KB_DIR:
            cfg->kb_dir = optarg;
            break;
        case OPT_THEME:
            cfg->theme = optarg;
            break;
        case OPT_ASCII:
            cfg->ascii = true;
            break;
        case OPT_NO_COLOR:
            cfg->no_color = true;
            break;
        case 'Y':
            expr = optarg;
            break;
        case OPT_EXT:
            ext = optarg;
            break;
        case OPT_MATCH:
            match = optarg;
            break;
        case OPT_RTP_STREAMS:
            if (set_mode(cfg, CLI_MODE_RTP_STREAMS))
                return 2;
            break;
        case OPT_RTP_STORE:
            cfg->rtp_store = true;
            break;
        case OPT_CONFIG:
            cfg->config_path = optarg;
            break;
        case OPT_SAVE:
            if (set_mode(cfg, CLI_MODE_SAVE))
                return 2;
            cfg->save_path = optarg;
            break;
        case OPT_SAVE_FORMAT:
            if (strcmp(optarg, "pcap") && strcmp(optarg, "pcapng") && strcmp(optarg, "text")) {
                fprintf(cfg->err, "sipdx: --save-format takes pcap, pcapng or text, not '%s'\n",
                        optarg);
                return 2;
            }
            cfg->save_format = optarg;
            break;
        case 'h':
            cli_print_help(cfg->out);
            return 1;
        case 'V':
            fprintf(cfg->out, "sipdx %s\n", SIPDX_VERSION);
            return 1;
        default:
            fputs("sipdx: try --help\n", cfg->err);
            return 2;
        }
    }
    if (build_filter(cfg, expr, ext))
        return 2;
    if (match) {
        if (!(cfg->match = cli_filter_compile("match", match, cfg->err)))
            return 2;
        cfg->matcher = filter_store_matcher_new(cfg->match);
    }
    if (cfg->mode == CLI_MODE_EXPLAIN) {
        /* Words after the code are its reason phrase. */
        struct strbuf b;

        sb_init(&b);
        for (; optind < argc; optind++) {
            if (b.len)
                sb_putc(&b, ' ');
            sb_puts(&b, argv[optind]);
        }
        cfg->explain_reason_buf = b.s;
        cfg->explain_reason = b.s;
        return 0;
    }
    for (; optind < argc; optind++)
        add_input(cfg, argv[optind]);
    /* Nothing to read at all: capture live on every interface. */
    if (cfg->ninputs == 0 && cfg->nifaces == 0 && !cfg->live.hep_listen) {
        cfg->default_iface[0] = "any";
        cfg->live.ifaces = cfg->default_iface;
        cfg->live.nifaces = 1;
    } else {
        cfg->live.ifaces = cfg->ifaces;
        cfg->live.nifaces = cfg->nifaces;
    }
    if (cfg->live.write_path && cfg->live.nifaces == 0) {
        fputs("sipdx: -w writes captured packets: give an interface (-i IFACE)\n", cfg->err);
        return 2;
    }
    if (cfg->mode == CLI_MODE_DUMP_PACKETS && live_opts_active(&cfg->live) && cfg->ninputs) {
        fputs("sipdx: --dump packets reads either files or live sources, not both\n", cfg->err);
        return 2;
    }
    if ((cfg->duration || cfg->count) && !live_opts_active(&cfg->live)) {
        fputs("sipdx: --duration and --count bound live capture (-i, --hep-listen)\n", cfg->err);
        return 2;
    }
    return 0;
}

void cli_config_fini(struct config *cfg)
{
    free(cfg->inputs);
    free((void *)cfg->ifaces);
    cfg->ifaces = NULL;
    free(cfg->explain_reason_buf);
    cfg->explain_reason_buf = NULL;
    filter_free(cfg->filter);
    filter_store_matcher_free(cfg->matcher);
    filter_free(cfg->match);
    cfg->filter = cfg->match = NULL;
    cfg->matcher = NULL;
    cfg->inputs = NULL;
    cfg->ninputs = 0;
}
