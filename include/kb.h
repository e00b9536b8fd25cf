/*
 * kb: the knowledge base.  Explains SIP response codes (with vendor
 * reason-phrase variants), Q.850 causes (Reason header) and Warning codes,
 * and maps SIP codes to Q.850 causes and back (RFC 3398 / RFC 6432).
 *
 * The data lives in data/kb/LANG/NAME.kb (format: sipdx-kb(5)); the build embeds
 * those files, and files in $XDG_DATA_HOME/sipdx/kb (default
 * ~/.local/share/sipdx/kb) and in an extra directory override and extend
 * them, in that order.  A file with errors is ignored as a whole and its
 * errors ("file:line: message") are kept in the kb; the entries already in
 * force stay in force.
 *
 * Pure and curses-free.  A struct kb is immutable after kb_new(), so any
 * thread may look things up in it concurrently; kb_new()/kb_free() belong
 * to the thread that owns it.  Every returned pointer is borrowed and lives
 * as long as the kb.
 */
#ifndef SIPDX_KB_H
#define SIPDX_KB_H

#include <stdbool.h>
#include <stddef.h>

struct err;

enum kb_kind {
    KB_KIND_SIP = 0, /* a SIP response code (or a class, code 1..6) */
    KB_KIND_Q850,    /* an ITU-T Q.850 cause value */
    KB_KIND_WARNING, /* a Warning header code (RFC 3261 §20.43) */
};

enum kb_severity {
    KB_SEV_NORMAL = 0, /* normal in its flow (100, 180, 183, 200, 401/407 challenge, 487) */
    KB_SEV_INFO,       /* an outcome worth showing, not a fault (486, 603, 3xx) */
    KB_SEV_WARNING,    /* may be a fault depending on context (481, 480, 405) */
    KB_SEV_PROBLEM,    /* something is broken or misconfigured */
};

struct kb_entry {
    enum kb_kind kind;
    int code;                  /* SIP code; 1..6 for a class entry ("4xx"); Q.850 cause;
                                  Warning code */
    bool is_class;             /* a class fallback entry (1xx..6xx) */
    const char *pattern;       /* reason-phrase regex (PCRE2, caseless), or NULL */
    const char *lang;          /* "en", "ru", ... */
    const char *title;         /* never NULL */
    const char *short_text;    /* <= 40 characters, for the call list and ladder; never NULL */
    const char *meaning;       /* never NULL (may be "") */
    const char *const *causes; /* ncauses strings */
    size_t ncauses;
    const char *const *checks; /* nchecks strings: what to check or change */
    size_t nchecks;
    const char *const *refs; /* nrefs strings: "RFC 3261 §21.4.4" */
    size_t nrefs;
    enum kb_severity severity;
    const char *file; /* where it was defined ("embedded:en/sip.kb" or a path) */
    int line;
};

struct kb;

/* Loads the embedded files, then $XDG_DATA_HOME/sipdx/kb, then extra_dir
 * (may be NULL).  lang: "en", "ru", "ru_RU.UTF-8"...; NULL takes it from
 * LC_ALL, LC_MESSAGES, LANG (ru* -> Russian, anything else -> English).
 * Never returns NULL.  Errors in files are collected (kb_error_count); d,
 * when not NULL, gets the first one, or is cleared when there is none. */
struct kb *kb_new(const char *lang, const char *extra_dir, struct err *d);
void kb_free(struct kb *kb);

/* Number of load errors and each one as "file:line: message". */
size_t kb_error_count(const struct kb *kb);
const char *kb_error(const struct kb *kb, size_t i);

/* Language the kb answers in ("en" or "ru"). */
const char *kb_lang(const struct kb *kb);
/* The language a --lang value or the environment selects: "ru" or "en".
 * Pure apart from reading the environment when lang is NULL. */
const char *kb_lang_select(const char *lang);

/* Most specific entry for a SIP response: a reason-pattern entry whose
 * pattern matches reason (any bytes; reason may be NULL), else the code's
 * entry, else its class entry (4xx...).  Each step tries the kb's language
 * first, then English.  NULL only for a code outside 100..699. */
const struct kb_entry *kb_lookup_response(const struct kb *kb, int code, const char *reason,
                                          size_t reason_len);
/* The class entry (cls 1..6 for 1xx..6xx); NULL when there is none. */
const struct kb_entry *kb_lookup_class(const struct kb *kb, int cls);
/* Q.850 cause and Warning code entries; NULL when there is none. */
const struct kb_entry *kb_lookup_q850(const struct kb *kb, int cause);
const struct kb_entry *kb_lookup_warning(const struct kb *kb, int code);

/* SIP -> Q.850 (RFC 3398 §8.2.6.1) and Q.850 -> SIP (RFC 3398 §7.2.4.1),
 * fixed tables in the code (protocol facts, not translatable text).
 * Return 0 when there is no mapping: 487 and 488/606 (decided by the
 * Warning header), cause 16 (a normal BYE), codes outside the ranges.
 * kb_q850_to_sip answers 500 for a valid cause not in the table, as the
 * RFC says ("other"). */
int kb_sip_to_q850(int code);
int kb_q850_to_sip(int cause);

/* "normal", "info", "warning", "problem". */
const char *kb_severity_name(enum kb_severity sev);

/* Parses one kb file held in memory into a throw-away kb and returns the
 * number of errors (for the fuzzer and for checking a file by hand).
 * name is used in messages. */
size_t kb_check_buffer(const char *name, const char *data, size_t len);

#endif
