/*
 * args: command-line parsing into struct config.  Every option is one row
 * of `options` below: getopt's tables, --help and the parsing all come from
 * it, and test_cli_options checks it against man/sipdx.1 both ways.
 * Runs on the main thread before anything else starts.
 */
#include "capture.h"
#include "cli_int.h"
#include "export.h"
#include "filter.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
              "       --registrations, --rtp-streams, --save, --compare\n",
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

    err_clear(&d);
    f = filter_compile(text, &d);
    if (f)
        return f;
    err_format(&d, msg, sizeof(msg)); /* escaped */
    fprintf(err, "sipdx: %s: %s\n", what, msg);
    return NULL;
}

/* -Y and --ext into cfg->filter: -Y is checked alone first, so an error
 * column points into the text the user typed.  0 or 2. */
static int build_filter(struct config *cfg, const char *expr, const char *ext, bool calls_only)
{
    struct strbuf b;
    const char *p;

    if (calls_only) {
        /* sngrep's -c: INVITE dialogs only, i.e. not the states other
         * exchanges (REGISTER, OPTIONS ...) end in */
        static const char invite_only[] = "not (call.state in {\"PENDING\", \"OK\", \"ERROR\"})";
        struct strbuf c;
        int rc;

        sb_init(&c);
        if (expr)
            sb_printf(&c, "(%s) and ", expr);
        sb_puts(&c, invite_only);
        if (expr) { /* -Y alone first, so its error column points into what was typed */
            struct filter *f = cli_filter_compile("filter", expr, cfg->err);

            if (!f) {
                sb_fini(&c);
                return 2;
            }
            filter_free(f);
        }
        cfg->calls_filter_buf = c.s;
        rc = build_filter(cfg, c.s, ext, false);
        return rc;
    }

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

/* What the rows' handlers fill besides cfg: -Y, --ext and --match are
 * compiled together once every option was seen. */
struct args {
    struct config *cfg;
    const char *expr, *ext, *match;
    bool calls_only, quiet; /* sngrep's -c and -q */
    char eb[256];           /* an argument echoed in an error, escaped (esc) */
};

/* arg escaped for an error message (valid until the next call). */
static const char *esc(struct args *st, const char *arg)
{
    return str_escape(arg, st->eb, sizeof(st->eb));
}

/* Handlers: 0 to go on, 1 when the output is already printed (--help),
 * 2 on a usage error (printed to cfg->err). */
#define CFG_FIELD(o, st, type) ((type *)((char *)(st)->cfg + (o)->field))

static int opt_string(struct args *st, const struct cli_option *o, const char *arg)
{
    *CFG_FIELD(o, st, const char *) = arg;
    return 0;
}

static int opt_flag(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)arg;
    *CFG_FIELD(o, st, bool) = true;
    return 0;
}

/* A batch output; its argument (--flow CALL-ID, --save FILE) goes to field. */
static int opt_mode(struct args *st, const struct cli_option *o, const char *arg)
{
    if (set_mode(st->cfg, o->mode))
        return 2;
    if (o->arg)
        *CFG_FIELD(o, st, const char *) = arg;
    return 0;
}

/* --compare FAILED [GOOD]: a second --compare (or a word after the
 * options that is not a file) names the good call. */
static int opt_compare(struct args *st, const struct cli_option *o, const char *arg)
{
    if (set_mode(st->cfg, o->mode))
        return 2;
    if (!st->cfg->compare_failed)
        st->cfg->compare_failed = arg;
    else
        st->cfg->compare_good = arg;
    return 0;
}

static int opt_read(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    add_input(st->cfg, arg);
    return 0;
}

static int opt_interface(struct args *st, const struct cli_option *o, const char *arg)
{
    struct config *cfg = st->cfg;

    (void)o;
    cfg->ifaces = xrealloc(cfg->ifaces, (cfg->nifaces + 1) * sizeof(*cfg->ifaces));
    cfg->ifaces[cfg->nifaces++] = arg;
    return 0;
}

static int opt_buffer_size(struct args *st, const struct cli_option *o, const char *arg)
{
    uint64_t v;

    (void)o;
    if (parse_size(arg, &v) || v == 0 || v > INT32_MAX) {
        fprintf(st->cfg->err, "sipdx: --buffer-size: bad size '%s' (try 64M)\n", esc(st, arg));
        return 2;
    }
    st->cfg->live.cap.buffer_size = (int)v;
    return 0;
}

static int opt_rotate_size(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (parse_size(arg, &st->cfg->live.rotate_size) || st->cfg->live.rotate_size == 0) {
        fprintf(st->cfg->err, "sipdx: --rotate-size: bad size '%s' (try 100M)\n", esc(st, arg));
        return 2;
    }
    return 0;
}

static int opt_max_memory(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (parse_size(arg, &st->cfg->max_memory)) {
        fprintf(st->cfg->err, "sipdx: --max-memory: bad size '%s' (try 200M)\n", esc(st, arg));
        return 2;
    }
    if (st->cfg->max_memory == 0) /* 0: no limit, even live */
        st->cfg->max_memory = ENGINE_MEMORY_UNLIMITED;
    return 0;
}

/* --rotate-time and --duration: 1 s to a year. */
static int opt_seconds(struct args *st, const struct cli_option *o, const char *arg)
{
    uint64_t v;

    if (parse_uint(arg, 86400 * 366, &v) || v == 0) {
        fprintf(st->cfg->err, "sipdx: --%s: bad number of seconds '%s'\n", o->name, esc(st, arg));
        return 2;
    }
    *CFG_FIELD(o, st, unsigned) = (unsigned)v;
    return 0;
}

static int opt_tls_keylog(struct args *st, const struct cli_option *o, const char *arg)
{
    struct config *cfg = st->cfg;

    (void)o;
    cfg->tls_keylogs =
        xrealloc(cfg->tls_keylogs, (cfg->ntls_keylogs + 1) * sizeof(*cfg->tls_keylogs));
    cfg->tls_keylogs[cfg->ntls_keylogs++] = arg;
    cfg->live.tls_keylogs = cfg->tls_keylogs;
    cfg->live.ntls_keylogs = cfg->ntls_keylogs;
    return 0;
}

static int opt_hep_agent_id(struct args *st, const struct cli_option *o, const char *arg)
{
    uint64_t v;

    (void)o;
    if (parse_uint(arg, UINT32_MAX, &v)) {
        fprintf(st->cfg->err, "sipdx: --hep-agent-id: bad number '%s'\n", esc(st, arg));
        return 2;
    }
    st->cfg->live.hep_agent_id = (uint32_t)v;
    return 0;
}

static int opt_count(struct args *st, const struct cli_option *o, const char *arg)
{
    uint64_t v;

    (void)o;
    if (parse_uint(arg, UINT64_MAX, &v) || v == 0) {
        fprintf(st->cfg->err, "sipdx: --count: bad number '%s'\n", esc(st, arg));
        return 2;
    }
    st->cfg->count = v;
    return 0;
}

static int opt_dump(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (strcmp(arg, "packets") == 0)
        return set_mode(st->cfg, CLI_MODE_DUMP_PACKETS) ? 2 : 0;
    if (strcmp(arg, "messages") == 0)
        return set_mode(st->cfg, CLI_MODE_DUMP_MESSAGES) ? 2 : 0;
    fprintf(st->cfg->err, "sipdx: --dump takes packets or messages, not '%s'\n", esc(st, arg));
    return 2;
}

static int opt_save_format(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    enum export_format f;

    if (export_format_parse(arg, &f) != 0) {
        fprintf(st->cfg->err,
                "sipdx: --save-format takes pcap, pcapng, text, html, svg, mermaid, "
                "plantuml or csv, not '%s'\n",
                esc(st, arg));
        return 2;
    }
    st->cfg->save_format = arg;
    return 0;
}

/* --lang: a language the knowledge base has, or a usage error (a silent
 * fallback to English hid typos). */
static int opt_lang(struct args *st, const struct cli_option *o, const char *arg)
{
    if (strcmp(arg, "en") != 0 && strcmp(arg, "ru") != 0) {
        fprintf(st->cfg->err, "sipdx: --lang: '%s' is not a language sipdx has (%s)\n",
                esc(st, arg), o->choices);
        return 2;
    }
    st->cfg->lang = arg;
    return 0;
}

/* -Y, --ext, --match: kept as text until every option is read. */
static int opt_filter_text(struct args *st, const struct cli_option *o, const char *arg)
{
    *(const char **)((char *)st + o->field) = arg;
    return 0;
}

static int opt_help(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o, (void)arg;
    cli_print_help(st->cfg->out);
    return 1;
}

/* --completion SHELL: the shell's completion script, made from this table. */
static int opt_completion(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (cli_print_completion(st->cfg->out, arg) != 0) {
        fprintf(st->cfg->err, "sipdx: --completion: unknown shell '%s' (bash or zsh)\n", arg);
        return 2;
    }
    return 1;
}

/* ---------------------------------------------------------------- sngrep
 * sngrep's flags do the nearest sipdx thing, so its users' fingers work. */

static int opt_sngrep_calls(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o, (void)arg;
    st->calls_only = true;
    return 0;
}

/* -l N: sngrep keeps at most N dialogs; sipdx bounds memory and drops the
 * oldest calls past it (sngrep's -R), at about 8 KiB a call. */
static int opt_sngrep_limit(struct args *st, const struct cli_option *o, const char *arg)
{
    uint64_t v;

    (void)o;
    if (parse_uint(arg, UINT32_MAX, &v) || v == 0) {
        fprintf(st->cfg->err, "sipdx: -l: bad number of calls '%s'\n", esc(st, arg));
        return 2;
    }
    if (!st->cfg->max_memory)
        st->cfg->max_memory = v * 8192;
    fprintf(st->cfg->err,
            "sipdx: -l %s: sipdx bounds memory, not calls: --max-memory %lluK (about %s calls, "
            "the oldest dropped first)\n",
            esc(st, arg), (unsigned long long)(st->cfg->max_memory >> 10), esc(st, arg));
    return 0;
}

/* -N: no console; the messages are printed (--dump messages) unless -q. */
static int opt_sngrep_no_console(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o, (void)arg;
    st->cfg->no_console = true;
    return 0;
}

static int opt_sngrep_quiet(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o, (void)arg;
    st->quiet = true;
    return 0;
}

/* -H / -L udp:IP:PORT (sngrep's HEP URLs): sipdx sends HEP over UDP and
 * listens on UDP and TCP at once. */
static int opt_sngrep_hep(struct args *st, const struct cli_option *o, const char *arg)
{
    const char *a = arg;
    bool send = o->letter == 'H';

    if (strncmp(a, "udp:", 4) == 0 || (!send && strncmp(a, "tcp:", 4) == 0))
        a += 4;
    else if (strchr(a, ':') && strchr(a, ':') - a == 3) {
        fprintf(st->cfg->err, "sipdx: -%c %s: sipdx %s (--hep-%s [ADDR:]PORT)\n", o->letter,
                esc(st, arg), send ? "sends HEP over UDP only" : "listens for HEP on UDP and TCP",
                send ? "send" : "listen");
        return 2;
    }
    if (send)
        st->cfg->live.hep_send = a;
    else
        st->cfg->live.hep_listen = a;
    return 0;
}

/* -T FILE: sngrep writes the messages as text; sipdx's --save does. */
static int opt_sngrep_text(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)o;
    if (set_mode(st->cfg, CLI_MODE_SAVE))
        return 2;
    st->cfg->save_path = arg;
    st->cfg->save_format = "text";
    return 0;
}

static int opt_sngrep_rotate(struct args *st, const struct cli_option *o, const char *arg)
{
    (void)st, (void)o, (void)arg; /* sipdx always drops the oldest calls at its limit */
    return 0;
}

#define CFG(f) .field = offsetof(struct config, f)

/* Section headings of --help, in the order they are printed; an option's
 * row names its section, and rows of one section stay together. */
static const char S_INPUT[] = "Input", S_WRITE[] = "Writing",
                  S_BATCH[] = "Batch output (no console)",
                  S_FILTER[] = "Filters (the filter language: see sipdx(1), FILTERS)",
                  S_KB[] = "Knowledge base", S_CONSOLE[] = "Console", S_MEDIA[] = "Media",
                  S_LIMITS[] = "Limits", S_SNGREP[] = "sngrep's flags (the nearest sipdx thing)",
                  S_OTHER[] = "";

/* Every option, in --help order.  help: lines separated by '\n'. */
static const struct cli_option options[] = {
    {"read", 'r', "I", "FILE", S_INPUT,
     "read a capture file (repeatable; files are merged\n"
     "by timestamp; -I too); FILE may also be given bare",
     .fn = opt_read},
    {"interface", 'i', "d", "IFACE", S_INPUT,
     "capture live on IFACE (repeatable; -d too; 'any' is\n"
     "every interface); needs root or CAP_NET_RAW",
     .fn = opt_interface},
    {"capture-filter", 'f', NULL, "BPF", S_INPUT,
     "capture filter (default keeps SIP ports 5060-5090,\n"
     "8088-8089, HEP 9060 and every IP fragment; '' = all)",
     .fn = opt_string, CFG(live.cap.bpf)},
    {"buffer-size", 0, NULL, "SIZE", S_INPUT, "kernel capture buffer (e.g. 64M)",
     .fn = opt_buffer_size},
    {"promisc", 0, NULL, NULL, S_INPUT, "put the interfaces in promiscuous mode", .fn = opt_flag,
     CFG(live.cap.promisc)},
    {"user", 0, NULL, "NAME", S_INPUT, "user to switch to once capture is open (nobody)",
     .fn = opt_string, CFG(live.user)},
    {"hep-listen", 0, NULL, "[ADDR:]PORT", S_INPUT, "receive HEP v2/v3 over UDP and TCP",
     .fn = opt_string, CFG(live.hep_listen)},
    {"hep-password", 0, NULL, "PW", S_INPUT,
     "HEP auth key: required on receive, sent with --hep-send", .fn = opt_string,
     CFG(live.hep_password)},
    {"hep-send", 0, NULL, "HOST:PORT", S_INPUT, "forward captured SIP as HEP v3 over UDP",
     .fn = opt_string, CFG(live.hep_send)},
    {"hep-agent-id", 0, NULL, "N", S_INPUT, "capture agent id to send (default 0)",
     .fn = opt_hep_agent_id},
    {"hep-timeout", 0, NULL, "SECS", S_INPUT,
     "a HEP agent on TCP must send its first packet, and\n"
     "each packet whole, within SECS (default 10); idle\n"
     "connections close after 30 times SECS",
     .fn = opt_seconds, CFG(live.hep_timeout_s)},
    {"tls-keylog", 0, NULL, "FILE|udp:[ADDR:]PORT", S_INPUT,
     "TLS key log (NSS format, RFC 9850) to decrypt SIP over\n"
     "TLS and WSS (repeatable); followed while it grows during\n"
     "live capture; udp:[ADDR:]PORT receives key lines (Kamailio\n"
     "keylog_peer); keys in pcapng Decryption Secrets Blocks\n"
     "are used without it",
     .fn = opt_tls_keylog},
    {"duration", 0, NULL, "SECONDS", S_INPUT, "stop a live batch run after SECONDS",
     .fn = opt_seconds, CFG(duration)},
    {"count", 0, NULL, "N", S_INPUT, "stop a live batch run after N SIP messages", .fn = opt_count},

    {"write", 'w', "O", "FILE", S_WRITE,
     "write every captured packet to FILE as it arrives\n"
     "(pcapng when FILE ends in .pcapng, else pcap; -O too);\n"
     "SIGUSR1 reopens it",
     .fn = opt_string, CFG(live.write_path)},
    {"rotate-size", 0, NULL, "SIZE", S_WRITE, "start a new FILE past SIZE (e.g. 100M)",
     .fn = opt_rotate_size},
    {"rotate-time", 0, NULL, "SECS", S_WRITE, "start a new FILE every SECS seconds",
     .fn = opt_seconds, CFG(live.rotate_time)},

    {"dump", 0, NULL, "WHAT", S_BATCH,
     "packets: one line per transport payload;\n"
     "messages: one line per SIP message",
     .choices = "packets messages", .fn = opt_dump},
    {"list", 0, NULL, NULL, S_BATCH, "one line per call", .fn = opt_mode, .mode = CLI_MODE_LIST},
    {"flow", 0, NULL, "CALL-ID", S_BATCH, "one call as a text ladder", .fn = opt_mode,
     CFG(flow_call_id), .mode = CLI_MODE_FLOW},
    {"stats", 0, NULL, NULL, S_BATCH,
     "message counts as tshark -z sip,stat prints them,\n"
     "then ASR, ACD, PDD, NER, SER overall and per\n"
     "destination, and response codes by frequency",
     .fn = opt_mode, .mode = CLI_MODE_STATS},
    {"registrations", 0, NULL, NULL, S_BATCH,
     "registrations per extension (AOR): contacts,\n"
     "expiry, last result, attempts and failures",
     .fn = opt_mode, .mode = CLI_MODE_REGISTRATIONS},
    {"report", 0, NULL, NULL, S_BATCH,
     "failed and suspicious calls with their findings\n"
     "(NAT, timers, auth, codecs ...) and explanations",
     .fn = opt_mode, .mode = CLI_MODE_REPORT},
    {"rtp-streams", 0, NULL, NULL, S_BATCH,
     "RTP streams with the columns of tshark -z rtp,streams,\n"
     "their calls, DTMF, RTCP figures and media findings",
     .fn = opt_mode, .mode = CLI_MODE_RTP_STREAMS},
    {"json", 0, NULL, NULL, S_BATCH, "one JSON object per line instead of text", .fn = opt_flag,
     CFG(json)},
    {"explain", 0, NULL, "CODE [REASON]", S_BATCH,
     "explain a response code (488 \"Not Acceptable Here\"),\n"
     "a Q.850 cause (q850:34) or a Warning (warning:399)",
     .fn = opt_mode, CFG(explain), .mode = CLI_MODE_EXPLAIN},
    {"save", 0, NULL, "FILE", S_BATCH,
     "write the calls to FILE, the format by its name:\n"
     ".pcap .pcapng (rebuilt frames), .txt (ladder +\n"
     "messages), .html (a page to share), .svg (ladder),\n"
     ".mmd (Mermaid), .puml (PlantUML), .csv (call list)",
     .fn = opt_mode, CFG(save_path), .mode = CLI_MODE_SAVE},
    {"compare", 0, NULL, "CALL-ID [CALL-ID]", S_BATCH,
     "hold a failed call against a good one (the answered\n"
     "call most like it on its route when only one is given):\n"
     "where the flows part and what differs",
     .fn = opt_compare, .mode = CLI_MODE_COMPARE},
    {"save-format", 0, NULL, "FMT", S_BATCH,
     "pcap, pcapng, text, html, svg, mermaid, plantuml\n"
     "or csv, whatever FILE is called",
     .choices = "pcap pcapng text html svg mermaid plantuml csv", .fn = opt_save_format},

    {"filter", 'Y', NULL, "EXPR", S_FILTER,
     "show only what matches: calls with a matching\n"
     "message (--list, console), matching messages\n"
     "(--dump, --flow), counts of matching messages\n"
     "(--stats); e.g. -Y 'sip.Status-Code >= 400'",
     .fn = opt_filter_text, offsetof(struct args, expr)},
    {"ext", 0, NULL, "EXT", S_FILTER, "short for -Y 'ext == \"EXT\"' (and-ed with -Y)",
     .fn = opt_filter_text, offsetof(struct args, ext)},
    {"match", 0, NULL, "EXPR", S_FILTER,
     "at capture time keep only calls with a matching\n"
     "message; the others are dropped and counted",
     .fn = opt_filter_text, offsetof(struct args, match)},

    {"lang", 0, NULL, "LANG", S_KB,
     "language of explanations: en or ru (default from\n"
     "LC_ALL, LC_MESSAGES or LANG)",
     .choices = "en ru", .fn = opt_lang},
    {"kb-dir", 0, NULL, "DIR", S_KB,
     "extra knowledge-base files that override the built-in\n"
     "ones (also read from $XDG_DATA_HOME/sipdx/kb)",
     .fn = opt_string, CFG(kb_dir)},

    {"theme", 0, NULL, "NAME", S_CONSOLE,
     "colour theme: dark (default), light, high-contrast,\n"
     "mono, or a path to a .theme file",
     .choices = "dark light high-contrast mono", .fn = opt_string, CFG(theme)},
    {"ascii", 0, NULL, NULL, S_CONSOLE, "draw lines with ASCII characters (+ - |)", .fn = opt_flag,
     CFG(ascii)},
    {"no-color", 0, NULL, NULL, S_CONSOLE, "no colours (also when NO_COLOR is set)", .fn = opt_flag,
     CFG(no_color)},
    {"config", 0, NULL, "FILE", S_CONSOLE,
     "read settings from FILE instead of\n"
     "$XDG_CONFIG_HOME/sipdx/config (~/.config/sipdx/config)",
     .fn = opt_string, CFG(config_path)},

    {"rtp-store", 0, NULL, NULL, S_MEDIA,
     "also keep the position of every RTP packet (memory\n"
     "grows with packets), so saving a call can include\n"
     "its RTP; statistics never need it",
     .fn = opt_flag, CFG(rtp_store)},

    {"max-memory", 0, NULL, "SIZE", S_LIMITS,
     "bound the call store (e.g. 200M); the oldest calls\n"
     "are rotated out and counted; live capture and HEP\n"
     "default to 512M (a quarter of RAM when less); 0: none",
     .fn = opt_max_memory},

    {"calls", 'c', NULL, NULL, S_SNGREP, "INVITE dialogs only (an -Y clause on call.state)",
     .fn = opt_sngrep_calls},
    {"max-calls", 'l', NULL, "N", S_SNGREP, "about N calls: --max-memory N*8K, oldest dropped",
     .fn = opt_sngrep_limit},
    {"rotate", 'R', NULL, NULL, S_SNGREP, "accepted: sipdx always drops the oldest calls",
     .fn = opt_sngrep_rotate},
    {"no-interface", 'N', NULL, NULL, S_SNGREP, "no console: print the messages (--dump messages)",
     .fn = opt_sngrep_no_console},
    {"quiet", 'q', NULL, NULL, S_SNGREP, "with -N: print nothing (capture with -w)",
     .fn = opt_sngrep_quiet},
    {"eep-send", 'H', NULL, "udp:IP:PORT", S_SNGREP, "--hep-send IP:PORT", .fn = opt_sngrep_hep},
    {"eep-listen", 'L', NULL, "udp:IP:PORT", S_SNGREP, "--hep-listen IP:PORT",
     .fn = opt_sngrep_hep},
    {"text", 'T', NULL, "FILE", S_SNGREP, "--save FILE --save-format text", .fn = opt_sngrep_text},
    {"help", 'h', NULL, NULL, S_OTHER, "show this help", .fn = opt_help},
    {"version", 'V', NULL, NULL, S_OTHER,
     "show the version, the git revision and the versions\n"
     "of libpcap, ncurses, PCRE2 and zlib in use",
     .fn = opt_mode, .mode = CLI_MODE_VERSION},
    {"completion", 0, NULL, "SHELL", S_OTHER,
     "print the shell completion script for SHELL (bash or zsh)", .choices = "bash zsh",
     .fn = opt_completion},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

const struct cli_option *cli_options(size_t *n)
{
    *n = NOPTIONS;
    return options;
}

/* Column where the help text starts; a longer option goes on a line of
 * its own. */
#define HELP_COL 25

void cli_print_help(FILE *f)
{
    const char *section = NULL;
    size_t i;

    fputs("usage: sipdx [options] [FILE...]\n"
          "\n"
          "Opens SIP captures (pcap, pcapng, gzip; - for stdin) or captures live,\n"
          "groups messages into calls and explains why calls failed.  With no\n"
          "input at all it captures live on the 'any' interface.\n",
          f);
    for (i = 0; i < NOPTIONS; i++) {
        const struct cli_option *o = &options[i];
        const char *h = o->help;
        int w;

        if (o->section != section) {
            section = o->section;
            fprintf(f, section[0] ? "\n%s:\n" : "\n", section);
        }
        if (o->letter)
            w = fprintf(f, "  -%c, --%s", o->letter, o->name);
        else
            w = fprintf(f, "      --%s", o->name);
        if (o->arg)
            w += fprintf(f, " %s", o->arg);
        if (w >= HELP_COL) {
            fputc('\n', f);
            w = 0;
        }
        for (;;) {
            const char *nl = strchr(h, '\n');
            int len = nl ? (int)(nl - h) : (int)strlen(h);

            fprintf(f, "%*s%.*s\n", HELP_COL - w, "", len, h);
            if (!nl)
                break;
            h = nl + 1;
            w = 0;
        }
    }
    fprintf(f, "\nDefault capture filter (-f):\n  %s\n", cap_live_default_bpf());
}

/* getopt_long's tables from options: val is the row's letter, or 256 +
 * its index for a long-only option. */
static struct option *getopt_tables(char *shortopts)
{
    struct option *lo = xcalloc(NOPTIONS + 1, sizeof(*lo));
    size_t i, k = 0;

    for (i = 0; i < NOPTIONS; i++) {
        const struct cli_option *o = &options[i];
        const char *a;

        lo[i].name = o->name;
        lo[i].has_arg = o->arg ? required_argument : no_argument;
        lo[i].val = o->letter ? o->letter : 256 + (int)i;
        if (!o->letter)
            continue;
        shortopts[k++] = o->letter;
        if (o->arg)
            shortopts[k++] = ':';
        for (a = o->also; a && *a; a++) {
            shortopts[k++] = *a;
            if (o->arg)
                shortopts[k++] = ':';
        }
    }
    shortopts[k] = '\0';
    return lo;
}

/* The row of getopt's answer c, or NULL. */
static const struct cli_option *option_for(int c)
{
    size_t i;

    if (c >= 256 && (size_t)(c - 256) < NOPTIONS)
        return &options[c - 256];
    for (i = 0; i < NOPTIONS; i++)
        if (options[i].letter &&
            (options[i].letter == c || (options[i].also && strchr(options[i].also, c))))
            return &options[i];
    return NULL;
}

/* What sipdx calls a flag other tools' users type (sngrep, tshark,
 * tcpdump), for the unknown-option message; NULL when none. */
static const char *other_tool_hint(int letter, const char *word)
{
    static const struct {
        int letter;
        const char *word; /* a long spelling, or NULL */
        const char *hint;
    } hints[] = {
        {'k', "--keyfile", "sipdx decrypts TLS from a key log: --tls-keylog FILE (SSLKEYLOGFILE)"},
        {'v', NULL, "the version is -V / --version"},
        {'E', "--eep", "HEP: --hep-listen [ADDR:]PORT, --hep-send HOST:PORT"},
        {'D', "--dump-config", "settings live in ~/.config/sipdx/config (sipdx(1), FILES)"},
        {'n', NULL, "sipdx never resolves names"},
        {'s', NULL, "sipdx captures whole frames (no snap length to set)"},
        {'x', NULL, "the bytes of a message: Enter on it in the ladder, or --dump messages"},
        {'M', NULL, "sipdx has one console; batch outputs: --list, --flow, --report"},
        {0, "--device", "the interface is -i IFACE (or -d IFACE)"},
        {0, "--input", "a capture file is -r FILE (or -I FILE, or just FILE)"},
        {0, "--output", "writing packets is -w FILE (or -O FILE)"},
    };
    size_t i;

    for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        if (letter && hints[i].letter == letter && word[0] == '-' && word[1] != '-')
            return hints[i].hint;
        if (hints[i].word && strncmp(word, hints[i].word, strlen(hints[i].word)) == 0)
            return hints[i].hint;
    }
    return NULL;
}

/* A word that names a capture file even when it is missing (a path, or a
 * capture's suffix): reported as a file that cannot be opened, never read
 * as a filter. */
static bool names_a_capture(const char *w)
{
    static const char *const sfx[] = {".pcap", ".pcapng", ".cap", ".gz", ".pcap.gz"};
    size_t n = strlen(w), i;

    if (strchr(w, '/'))
        return true;
    for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
        if (n > strlen(sfx[i]) && strcasecmp(w + n - strlen(sfx[i]), sfx[i]) == 0)
            return true;
    return false;
}

/* Words after the options that are not files, as sngrep reads them:
 * "[match expression] [bpf filter]".  All of them a capture filter (sipdx
 * -d lo port 5060): that is -f.  The first one not, the rest a filter:
 * sngrep's match expression, which sipdx spells in its filter language. */
static int trailing_bpf(struct args *st, int argc, char **argv, int from)
{
    struct config *cfg = st->cfg;
    struct strbuf b;
    char perr[256];
    int i;

    sb_init(&b);
    for (i = from; i < argc; i++) {
        if (b.len)
            sb_putc(&b, ' ');
        sb_puts(&b, argv[i]);
    }
    if (cap_bpf_check(b.s, perr, sizeof(perr)) == 0) {
        if (cfg->live.cap.bpf) {
            fprintf(cfg->err, "sipdx: '%s': a capture filter after -f already gave one\n",
                    esc(st, b.s));
            sb_fini(&b);
            return -1;
        }
        cfg->bpf_buf = b.s;
        cfg->live.cap.bpf = b.s;
        return 0;
    }
    sb_reset(&b);
    for (i = from + 1; i < argc; i++) {
        if (b.len)
            sb_putc(&b, ' ');
        sb_puts(&b, argv[i]);
    }
    if (from + 1 == argc || cap_bpf_check(b.s, perr, sizeof(perr)) == 0)
        fprintf(cfg->err,
                "sipdx: '%s': no such file; as sngrep's match expression: sipdx matches with\n"
                "       --match or -Y in its filter language, e.g. -Y 'sip.msg.body contains "
                "\"...\"' (sipdx(1), FILTERS)\n",
                esc(st, argv[from]));
    else
        fprintf(cfg->err, "sipdx: '%s': no such file, and not a capture filter either\n",
                esc(st, argv[from]));
    sb_fini(&b);
    return -1;
}

int cli_parse_args(int argc, char **argv, struct config *cfg)
{
    struct args st = {.cfg = cfg};
    struct option *long_opts;
    char shortopts[3 * NOPTIONS + 1];
    int c, rc = 0;

    memset(cfg, 0, sizeof(*cfg));
    cfg->out = stdout;
    cfg->err = stderr;
    long_opts = getopt_tables(shortopts);
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, shortopts, long_opts, NULL)) != -1) {
        const struct cli_option *o = c == '?' ? NULL : option_for(c);

        if (!o) {
            /* getopt's own message would echo the argument raw (opterr = 0) */
            const char *w = argv[optind > 1 ? optind - 1 : 0];
            const char *hint = other_tool_hint(optopt, w);

            fprintf(cfg->err, "sipdx: %s: unknown option or missing argument\n", esc(&st, w));
            if (hint)
                fprintf(cfg->err, "sipdx: %s\n", hint);
            fputs("sipdx: try --help\n", cfg->err);
            rc = 2;
        } else {
            rc = o->fn(&st, o, optarg);
        }
    }
    free(long_opts);
    if (rc)
        return rc;
    /* Machine output does not follow the locale: explanation texts in
     * JSON are English unless --lang says otherwise (docs/json.md). */
    if (cfg->json && !cfg->lang)
        cfg->lang = "en";
    if (build_filter(cfg, st.expr, st.ext, st.calls_only))
        return 2;
    if (st.match) {
        if (!(cfg->match = cli_filter_compile("match", st.match, cfg->err)))
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
    for (; optind < argc; optind++) {
        /* --compare A B: B is a Call-ID, not a file to read. */
        if (cfg->mode == CLI_MODE_COMPARE && !cfg->compare_good &&
            access(argv[optind], F_OK) != 0) {
            cfg->compare_good = argv[optind];
            continue;
        }
        if (strcmp(argv[optind], "-") != 0 && access(argv[optind], F_OK) != 0 &&
            cfg->mode != CLI_MODE_COMPARE && !names_a_capture(argv[optind])) {
            if (trailing_bpf(&st, argc, argv, optind) != 0)
                return 2;
            break;
        }
        add_input(cfg, argv[optind]);
    }
    if (cfg->no_console && cfg->mode == CLI_MODE_CONSOLE)
        cfg->mode = CLI_MODE_DUMP_MESSAGES;
    if (st.quiet && cfg->mode == CLI_MODE_DUMP_MESSAGES && cfg->no_console) {
        cfg->quiet_out = fopen("/dev/null", "w");
        if (cfg->quiet_out)
            cfg->out = cfg->quiet_out;
    }
    /* Nothing to read at all: capture live on every interface. */
    cfg->live.lang = cfg->lang;
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
    free((void *)cfg->tls_keylogs);
    cfg->tls_keylogs = NULL;
    cfg->ntls_keylogs = 0;
    free(cfg->explain_reason_buf);
    cfg->explain_reason_buf = NULL;
    free(cfg->bpf_buf);
    free(cfg->calls_filter_buf);
    cfg->bpf_buf = cfg->calls_filter_buf = NULL;
    if (cfg->quiet_out) {
        fclose(cfg->quiet_out);
        cfg->out = stdout;
        cfg->quiet_out = NULL;
    }
    filter_free(cfg->filter);
    filter_store_matcher_free(cfg->matcher);
    filter_free(cfg->match);
    cfg->filter = cfg->match = NULL;
    cfg->matcher = NULL;
    cfg->inputs = NULL;
    cfg->ninputs = 0;
}
