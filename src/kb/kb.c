/*
 * kb/kb.c: building a struct kb (embedded files, then the XDG data dir,
 * then an extra dir) and answering lookups: response code + reason phrase,
 * Q.850 cause, Warning code, and the RFC 3398 SIP <-> Q.850 mappings.
 *
 * Thread: kb_new()/kb_free() on the owning thread; after kb_new() the kb is
 * read-only and lookups may run on any thread (each lookup allocates its
 * own PCRE2 match data).  Returned entries are borrowed from the kb.
 */
#include "kb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- life cycle */

const char *kb_lang_select(const char *lang)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    size_t i;

    if (!lang || !*lang) {
        for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
            const char *v = getenv(vars[i]);

            if (v && *v) {
                lang = v;
                break;
            }
        }
    }
    if (lang && (lang[0] == 'r' || lang[0] == 'R') && (lang[1] == 'u' || lang[1] == 'U') &&
        (lang[2] == '\0' || lang[2] == '_' || lang[2] == '.' || lang[2] == '-' || lang[2] == '@'))
        return "ru";
    return "en";
}

struct kb *kb_alloc(const char *lang)
{
    struct kb *kb = xcalloc(1, sizeof(*kb));

    arena_init(&kb->arena);
    snprintf(kb->lang, sizeof(kb->lang), "%s", kb_lang_select(lang));
    kb->mctx = pcre2_match_context_create(NULL);
    if (!kb->mctx)
        fatal("out of memory (pcre2 match context)");
    /* Patterns come from files an admin wrote; still, a pathological one
     * must not stall the console on a long reason phrase. */
    pcre2_set_match_limit(kb->mctx, 20000);
    pcre2_set_depth_limit(kb->mctx, 2000);
    return kb;
}

static const char *embedded_lang(const char *name, char *buf, size_t buflen)
{
    const char *slash = strchr(name, '/');
    size_t n = slash ? (size_t)(slash - name) : 0;

    if (n < 2 || n >= buflen)
        return "en";
    memcpy(buf, name, n);
    buf[n] = '\0';
    return buf;
}

struct kb *kb_new(const char *lang, const char *extra_dir, struct err *d)
{
    struct kb *kb = kb_alloc(lang);
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    struct strbuf path;
    size_t i;

    for (i = 0; i < kb_embedded_count; i++) {
        const struct kb_embedded_file *f = &kb_embedded_files[i];
        char lbuf[8], name[300];

        snprintf(name, sizeof(name), "embedded:%s", f->name);
        kb_load_buffer(kb, name, f->data, f->len, embedded_lang(f->name, lbuf, sizeof(lbuf)), 0);
    }
    sb_init(&path);
    if (xdg && xdg[0] == '/')
        sb_printf(&path, "%s/sipdx/kb", xdg);
    else if (home && *home)
        sb_printf(&path, "%s/.local/share/sipdx/kb", home);
    if (path.len > 0)
        kb_load_dir(kb, path.s, 1, false);
    sb_fini(&path);
    if (extra_dir && *extra_dir)
        kb_load_dir(kb, extra_dir, 2, true);
    kb_build_index(kb);
    if (d) {
        err_clear(d);
        if (kb->nerrors > 0)
            err_set(d, "%s", kb->errors[0]);
    }
    return kb;
}

void kb_free(struct kb *kb)
{
    size_t i;

    if (!kb)
        return;
    for (i = 0; i < kb->nitems; i++)
        pcre2_code_free(kb->items[i].re);
    free(kb->items);
    for (i = 0; i < kb->nerrors; i++)
        free(kb->errors[i]);
    free(kb->errors);
    pcre2_match_context_free(kb->mctx);
    arena_fini(&kb->arena);
    free(kb);
}

size_t kb_error_count(const struct kb *kb)
{
    return kb->nerrors + (kb->dropped_errors > 0 ? 1 : 0);
}

const char *kb_error(const struct kb *kb, size_t i)
{
    if (i < kb->nerrors)
        return kb->errors[i];
    if (i == kb->nerrors && kb->dropped_errors > 0)
        return "(more knowledge-base errors not shown)";
    return NULL;
}

const char *kb_lang(const struct kb *kb)
{
    return kb->lang;
}

const char *kb_severity_name(enum kb_severity sev)
{
    switch (sev) {
    case KB_SEV_NORMAL:
        return "normal";
    case KB_SEV_INFO:
        return "info";
    case KB_SEV_WARNING:
        return "warning";
    case KB_SEV_PROBLEM:
        return "problem";
    }
    return "info";
}

size_t kb_check_buffer(const char *name, const char *data, size_t len)
{
    struct kb *kb = kb_alloc("en");
    size_t n = kb_load_buffer(kb, name, data, len, "en", 0);

    kb_free(kb);
    return n;
}

/* ------------------------------------------------------------------ index */

static int cmp_item(const void *pa, const void *pb)
{
    const struct kb_item *a = pa, *b = pb;

    if (a->e.kind != b->e.kind)
        return a->e.kind < b->e.kind ? -1 : 1;
    if (a->e.code != b->e.code)
        return a->e.code < b->e.code ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank > b->rank ? -1 : 1; /* overrides first */
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return 0;
}

void kb_build_index(struct kb *kb)
{
    size_t i;

    if (kb->nitems > 1)
        qsort(kb->items, kb->nitems, sizeof(*kb->items), cmp_item);
    memset(kb->index, 0, sizeof(kb->index));
    for (i = 0; i < kb->nitems; i++) {
        const struct kb_entry *e = &kb->items[i].e;
        struct kb_range *r;

        if ((unsigned)e->kind > KB_KIND_WARNING || e->code < 0 || e->code >= KB_INDEX_SIZE)
            continue;
        r = &kb->index[e->kind][e->code];
        if (r->count == 0)
            r->start = i;
        r->count++;
    }
}

/* ----------------------------------------------------------------- lookup */

static const struct kb_item *find_plain(const struct kb *kb, enum kb_kind kind, int code,
                                        bool is_class, const char *lang)
{
    const struct kb_range *r;
    size_t i;

    if (code < 0 || code >= KB_INDEX_SIZE)
        return NULL;
    r = &kb->index[kind][code];
    for (i = r->start; i < r->start + r->count; i++) {
        const struct kb_item *it = &kb->items[i];

        if (!it->e.pattern && it->e.is_class == is_class && strcmp(it->e.lang, lang) == 0)
            return it;
    }
    return NULL;
}

static const struct kb_item *find_pattern(const struct kb *kb, int code, const char *reason,
                                          size_t len, const char *lang, pcre2_match_data *md)
{
    const struct kb_range *r = &kb->index[KB_KIND_SIP][code];
    size_t i;

    for (i = r->start; i < r->start + r->count; i++) {
        const struct kb_item *it = &kb->items[i];

        if (!it->re || strcmp(it->e.lang, lang) != 0)
            continue;
        if (pcre2_match(it->re, (PCRE2_SPTR)reason, len, 0, 0, md, kb->mctx) >= 0)
            return it;
    }
    return NULL;
}

const struct kb_entry *kb_lookup_response(const struct kb *kb, int code, const char *reason,
                                          size_t reason_len)
{
    const char *langs[2] = {kb->lang, "en"};
    size_t nl = strcmp(kb->lang, "en") == 0 ? 1 : 2, i;
    const struct kb_item *it = NULL;

    if (code < 100 || code > KB_SIP_MAX)
        return NULL;
    if (reason && reason_len > 0) {
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);

        if (!md)
            fatal("out of memory (pcre2 match data)");
        if (reason_len > 1024)
            reason_len = 1024; /* a reason phrase is short; bound the work */
        for (i = 0; i < nl && !it; i++)
            it = find_pattern(kb, code, reason, reason_len, langs[i], md);
        pcre2_match_data_free(md);
    }
    for (i = 0; i < nl && !it; i++)
        it = find_plain(kb, KB_KIND_SIP, code, false, langs[i]);
    for (i = 0; i < nl && !it; i++)
        it = find_plain(kb, KB_KIND_SIP, code / 100, true, langs[i]);
    return it ? &it->e : NULL;
}

static const struct kb_entry *lookup_simple(const struct kb *kb, enum kb_kind kind, int code)
{
    const struct kb_item *it = find_plain(kb, kind, code, false, kb->lang);

    if (!it && strcmp(kb->lang, "en") != 0)
        it = find_plain(kb, kind, code, false, "en");
    return it ? &it->e : NULL;
}

const struct kb_entry *kb_lookup_class(const struct kb *kb, int cls)
{
    const struct kb_item *it;

    if (cls < 1 || cls > 6)
        return NULL;
    it = find_plain(kb, KB_KIND_SIP, cls, true, kb->lang);
    if (!it && strcmp(kb->lang, "en") != 0)
        it = find_plain(kb, KB_KIND_SIP, cls, true, "en");
    return it ? &it->e : NULL;
}

const struct kb_entry *kb_lookup_q850(const struct kb *kb, int cause)
{
    if (cause < 0 || cause > KB_Q850_MAX)
        return NULL;
    return lookup_simple(kb, KB_KIND_Q850, cause);
}

const struct kb_entry *kb_lookup_warning(const struct kb *kb, int code)
{
    if (code < 100 || code > KB_WARNING_MAX)
        return NULL;
    return lookup_simple(kb, KB_KIND_WARNING, code);
}

/* ---------------------------------------------------------------- mapping */

/* RFC 3398 §8.2.6.1: SIP response -> ISUP cause.  487 has no cause (the
 * call was cancelled), and 488/606 are decided by the Warning header. */
static const struct {
    short sip, cause;
} sip_to_q850[] = {
    {400, 41},  {401, 21},  {402, 21},  {403, 21},  {404, 1},   {405, 63}, {406, 79},
    {407, 21},  {408, 102}, {410, 22},  {413, 127}, {414, 127}, {415, 79}, {416, 127},
    {420, 127}, {421, 127}, {423, 127}, {480, 18},  {481, 41},  {482, 25}, {483, 25},
    {484, 28},  {485, 1},   {486, 17},  {500, 41},  {501, 79},  {502, 38}, {503, 41},
    {504, 102}, {505, 127}, {513, 127}, {600, 17},  {603, 21},  {604, 1},
};

/* RFC 3398 §7.2.4.1: ISUP cause -> SIP response (0 = no response: 16 ends
 * the call with BYE).  Causes not listed map to 500. */
static const struct {
    short cause, sip;
} q850_to_sip[] = {
    {1, 404},  {2, 404},  {3, 404},  {16, 0},   {17, 486}, {18, 408},  {19, 480},  {20, 480},
    {21, 403}, {22, 410}, {23, 410}, {26, 404}, {27, 502}, {28, 484},  {29, 501},  {31, 480},
    {34, 503}, {38, 503}, {41, 503}, {42, 503}, {47, 503}, {55, 403},  {57, 403},  {58, 503},
    {65, 488}, {70, 488}, {79, 501}, {87, 403}, {88, 503}, {102, 504}, {111, 500}, {127, 500},
};

int kb_sip_to_q850(int code)
{
    size_t i;

    for (i = 0; i < sizeof(sip_to_q850) / sizeof(sip_to_q850[0]); i++)
        if (sip_to_q850[i].sip == code)
            return sip_to_q850[i].cause;
    return 0;
}

int kb_q850_to_sip(int cause)
{
    size_t i;

    if (cause < 1 || cause > KB_Q850_MAX)
        return 0;
    for (i = 0; i < sizeof(q850_to_sip) / sizeof(q850_to_sip[0]); i++)
        if (q850_to_sip[i].cause == cause)
            return q850_to_sip[i].sip;
    return 500;
}
