/*
 * cli_int.h: helpers shared by the batch outputs.  Private to src/cli.
 */
#ifndef SIPDX_CLI_INT_H
#define SIPDX_CLI_INT_H

#include "cli.h"
#include "diag.h"
#include "engine.h"
#include "kb.h"
#include "ladder.h"
#include "store.h"
#include "util.h"

/* One command-line option (args.c): getopt's tables, --help and the
 * parsing come from one row; test_cli_options holds the rows against
 * man/sipdx.1.  To add an option, add a row. */
struct args;
struct cli_option {
    const char *name;    /* --name */
    char letter;         /* -x, or 0: long only */
    const char *also;    /* more letters meaning the same (sngrep's -I), or NULL */
    const char *arg;     /* its argument as --help names it, or NULL: none */
    const char *section; /* --help heading; a section's rows stay together */
    const char *help;    /* --help text, lines separated by '\n' */
    const char *choices; /* the words its argument may be, space-separated (shell
                            completion offers them), or NULL */
    /* Applies the option: 0 to go on, 1 when the output is already
     * printed (--help), 2 on a usage error (printed). */
    int (*fn)(struct args *st, const struct cli_option *o, const char *arg);
    size_t field;       /* for the generic handlers: offset of the field set */
    enum cli_mode mode; /* the batch output it chooses (opt_mode) */
};
/* Every option, in --help order. */
const struct cli_option *cli_options(size_t *n);

/* The call whose Call-ID is text, as given or as any output printed it
 * (\xNN and the other escapes of sb_append_escaped undone), or NULL. */
const struct store_call *cli_find_call(const struct store *s, const char *text);
/* A new store with cfg's limits (--max-memory, --match). */
struct store *cli_store_new(const struct config *cfg);
/* Loads every input of cfg into s (fn may be NULL); 0, or 1 when an input
 * was damaged.  Reports --match drops on cfg->err at the end. */
int cli_run(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx);
/* cli_run that also hands over the RTP table (caller frees; --rtp-store
 * from cfg decides whether packet positions are kept). */
struct rtp_table;
int cli_run_rtp(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx,
                struct rtp_table **rtp);
/* Loads every input of cfg into a new store (fn may be NULL).  *rc gets 0
 * or 1 (an input was damaged).  Returns the store (caller frees). */
struct store *cli_load(const struct config *cfg, engine_msg_fn fn, void *ctx, int *rc);
/* cli_run for outputs printed as messages come: idle(ctx) runs whenever
 * the input has nothing more for now (live capture, a pipe), to flush. */
int cli_run_streaming(const struct config *cfg, struct store *s, engine_msg_fn fn, void *ctx,
                      void (*idle)(void *ctx));

/* The knowledge base in cfg's language (embedded + data path + --kb-dir).
 * Errors in override files go to cfg->err; the embedded entries stay. */
struct kb *cli_kb(const struct config *cfg);
/* Appends ,"explain":{"title":..,"short":..,"severity":..} for an entry. */
void cli_json_explain(struct strbuf *b, const struct kb_entry *e);

/* Appends ,"context":"normal|failure|plain" and the "q850"/"warning" members
 * of response i of c. */
void cli_json_response_context(const struct store *s, const struct kb *kb,
                               const struct store_call *c, uint32_t i, struct strbuf *b);

/* The legs of s's calls (legs.h), with the `legs` rules of cfg's config
 * file (their errors on cfg->err).  Caller frees with legs_free. */
struct legs;
struct legs *cli_legs_build(const struct config *cfg, const struct store *s);
/* The same when want, or when -Y reads call.legs / call.leg_of (then the
 * filter is given them); NULL otherwise. */
struct legs *cli_legs_for(const struct config *cfg, const struct store *s, bool want);
/* Appends ,"legs":[{"call_id":..,"how":..,"confidence":..[,"via":..]}...]:
 * the other dialogs of c's end-to-end call. */
void cli_json_legs(struct strbuf *b, const struct store *s, const struct legs *l,
                   const struct store_call *c);

/* "1.2.3.4:5060" of an endpoint id. */
void cli_ep(const struct store *s, uint32_t ep, char *out, size_t outlen);
/* Appends a JSON "key": value pair with a leading comma unless first. */
void cli_json_str(struct strbuf *b, const char *key, const char *v, size_t n, bool first);
void cli_json_num(struct strbuf *b, const char *key, double v, int decimals, bool first);
void cli_json_int(struct strbuf *b, const char *key, long long v, bool first);
void cli_json_bool(struct strbuf *b, const char *key, bool v, bool first);
/* "key": seconds of ns with 3 decimals, the bytes cli_json_num(b, key,
 * ns / 1e9, 3, first) gives, mostly without printf. */
void cli_json_secs(struct strbuf *b, const char *key, int64_t ns, bool first);
/* Seconds with 3 decimals, or "-" when ns < 0. */
void cli_fmt_secs(int64_t ns, char *out, size_t outlen);
/* Appends a frame number for text output: "FRAME" with one input, and
 * "SOURCE#FRAME" (SOURCE the 0-based input index, JSON's "source") when
 * several files are merged, where frame numbers repeat. */
void cli_frame_text(struct strbuf *b, const struct config *cfg, unsigned source, uint64_t frame);
/* Writes b to cfg->out and resets it. */
void cli_flush(const struct config *cfg, struct strbuf *b);
/* What --max-memory (or the live default) rotated out, for every output
 * that summarises: one text line ("" when nothing was), or a JSON member
 * ,"rotated_out":{"calls":N,"messages":M,"from":T,"to":T} (null when nothing
 * was; docs/json.md). */
struct store_counts;
void cli_rotated_text(struct strbuf *b, const struct store_counts *cnt);
void cli_rotated_json(struct strbuf *b, const struct store_counts *cnt);

#endif
