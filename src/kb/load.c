/*
 * kb/load.c: reads knowledge-base files (format: man/sipdx-kb.5) into a
 * struct kb.  A file is parsed completely into a side list first and merged
 * only when it has no error, so a broken file changes nothing (STYLE §4)
 * and leaves "file:line: message" errors behind.  Merging replaces an entry
 * with the same key (kind, code, language, match pattern) and adds the rest.
 *
 * Thread: whoever builds the kb (kb_new); the kb is not shared until then.
 * Ownership: strings go into kb->arena; compiled regexes belong to the item
 * that holds them; errors are owned strings in kb->errors.
 */
#include "kb_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ errors */

void kb_add_error(struct kb *kb, const char *fmt, ...)
{
    va_list ap;
    struct strbuf b;

    if (kb->nerrors >= KB_MAX_ERRORS) {
        kb->dropped_errors++;
        return;
    }
    sb_init(&b);
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (kb->nerrors == kb->errcap) {
        kb->errcap = kb->errcap ? kb->errcap * 2 : 8;
        kb->errors = xrealloc(kb->errors, kb->errcap * sizeof(*kb->errors));
    }
    kb->errors[kb->nerrors++] = b.s ? b.s : xstrdup("");
}

/* ------------------------------------------------------------------ parser */

enum field {
    F_NONE = 0,
    F_MATCH,
    F_TITLE,
    F_SHORT,
    F_MEANING,
    F_CAUSE,
    F_CHECK,
    F_REF,
    F_SEVERITY,
};

static const struct {
    const char *name;
    enum field f;
} field_names[] = {
    {"match", F_MATCH}, {"title", F_TITLE}, {"short", F_SHORT}, {"meaning", F_MEANING},
    {"cause", F_CAUSE}, {"check", F_CHECK}, {"ref", F_REF},     {"severity", F_SEVERITY},
};

struct strvec {
    const char **v; /* owned array of arena strings */
    size_t n, cap;
};

struct entry_build {
    bool active;
    int line;
    enum kb_kind kind;
    int code;
    bool is_class;
    const char *title, *short_text, *meaning, *pattern;
    int title_line, short_line, pattern_line;
    int severity; /* -1 until set */
    struct strvec causes, checks, refs;
};

struct parser {
    struct kb *kb;
    const char *name;
    char lang[8];
    size_t nerrors;
    struct kb_item *items; /* owned side list until merged */
    size_t nitems, cap;
    struct entry_build cur;
    enum field key; /* key whose value is being collected */
    int key_line;
    struct strbuf acc; /* that value */
};

static void perr(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[320];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->nerrors++;
    kb_add_error(p->kb, "%s:%d: %s", p->name, line, msg);
}

static void strvec_push(struct strvec *sv, const char *s)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 4;
        sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
    }
    sv->v[sv->n++] = s;
}

/* Copies the vector into the arena as a const array (NULL when empty). */
static const char *const *strvec_freeze(struct arena *a, struct strvec *sv, size_t *n)
{
    const char **out = NULL;

    *n = sv->n;
    if (sv->n > 0) {
        out = arena_alloc(a, sv->n * sizeof(*out));
        memcpy(out, sv->v, sv->n * sizeof(*out));
    }
    free(sv->v);
    memset(sv, 0, sizeof(*sv));
    return out;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Checks that a line is valid UTF-8 without control characters (tab is
 * fine).  Returns 0, or -1 with the byte column of the problem. */
static int check_text(const char *s, size_t n, size_t *col)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len, k;
        unsigned cp;

        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                *col = i + 1;
                return -1;
            }
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            *col = i + 1;
            return -1;
        }
        if (i + len > n) {
            *col = i + 1;
            return -1;
        }
        for (k = 1; k < len; k++) {
            unsigned char cc = (unsigned char)s[i + k];
            if ((cc & 0xC0) != 0x80) {
                *col = i + 1;
                return -1;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0x80 && cp <= 0x9F)) {
            *col = i + 1;
            return -1;
        }
        i += len;
    }
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Stores the value collected for the current key into the entry. */
static void flush_key(struct parser *p)
{
    struct entry_build *e = &p->cur;
    const char *v;

    if (p->key == F_NONE)
        return;
    v = arena_strndup(&p->kb->arena, p->acc.s ? p->acc.s : "", p->acc.len);
    if (!e->active) {
        perr(p, p->key_line, "key outside of an entry (start one with [sip CODE])");
        goto out;
    }
    if (p->acc.len == 0) {
        perr(p, p->key_line, "empty value");
        goto out;
    }
    switch (p->key) {
    case F_MATCH:
        if (e->pattern)
            perr(p, p->key_line, "match given twice");
        e->pattern = v;
        e->pattern_line = p->key_line;
        break;
    case F_TITLE:
        if (e->title)
            perr(p, p->key_line, "title given twice");
        e->title = v;
        e->title_line = p->key_line;
        break;
    case F_SHORT:
        if (e->short_text)
            perr(p, p->key_line, "short given twice");
        e->short_text = v;
        e->short_line = p->key_line;
        break;
    case F_MEANING:
        if (e->meaning)
            perr(p, p->key_line, "meaning given twice");
        e->meaning = v;
        break;
    case F_CAUSE:
        strvec_push(&e->causes, v);
        break;
    case F_CHECK:
        strvec_push(&e->checks, v);
        break;
    case F_REF:
        strvec_push(&e->refs, v);
        break;
    case F_SEVERITY:
        if (e->severity >= 0)
            perr(p, p->key_line, "severity given twice");
        if (strcmp(v, "normal") == 0)
            e->severity = KB_SEV_NORMAL;
        else if (strcmp(v, "info") == 0)
            e->severity = KB_SEV_INFO;
        else if (strcmp(v, "warning") == 0)
            e->severity = KB_SEV_WARNING;
        else if (strcmp(v, "problem") == 0)
            e->severity = KB_SEV_PROBLEM;
        else
            perr(p, p->key_line, "severity must be normal, info, warning or problem, not '%s'", v);
        break;
    case F_NONE:
        break;
    }
out:
    p->key = F_NONE;
    sb_reset(&p->acc);
}

static bool same_key(const struct kb_entry *a, const struct kb_entry *b)
{
    if (a->kind != b->kind || a->code != b->code || a->is_class != b->is_class)
        return false;
    if (strcmp(a->lang, b->lang) != 0)
        return false;
    if (!a->pattern || !b->pattern)
        return a->pattern == b->pattern;
    return strcmp(a->pattern, b->pattern) == 0;
}

/* Validates the entry being built and appends it to the side list. */
static void finish_entry(struct parser *p)
{
    struct entry_build *e = &p->cur;
    struct kb_item it;
    size_t before = p->nerrors, i;

    flush_key(p);
    if (!e->active)
        return;
    memset(&it, 0, sizeof(it));
    if (!e->title)
        perr(p, e->line, "entry has no title");
    if (!e->meaning)
        perr(p, e->line, "entry has no meaning");
    if (e->severity < 0)
        perr(p, e->line, "entry has no severity");
    if (!e->short_text && e->title) {
        if (utf8_chars(e->title) <= KB_SHORT_MAX)
            e->short_text = e->title;
        else
            perr(p, e->title_line, "title is longer than %d characters, so the entry needs a short",
                 KB_SHORT_MAX);
    } else if (e->short_text && utf8_chars(e->short_text) > KB_SHORT_MAX) {
        perr(p, e->short_line, "short is %zu characters long; at most %d",
             utf8_chars(e->short_text), KB_SHORT_MAX);
    }
    if (e->pattern && (e->kind != KB_KIND_SIP || e->is_class)) {
        perr(p, e->pattern_line, "match is only allowed in a [sip CODE] entry");
    } else if (e->pattern) {
        int errcode;
        PCRE2_SIZE erroff;

        it.re = pcre2_compile((PCRE2_SPTR)e->pattern, PCRE2_ZERO_TERMINATED,
                              PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
                              &erroff, NULL);
        if (!it.re) {
            PCRE2_UCHAR buf[160];

            pcre2_get_error_message(errcode, buf, sizeof(buf));
            perr(p, e->pattern_line, "bad match pattern at offset %zu: %s", (size_t)erroff,
                 (const char *)buf);
        }
    }
    it.e.kind = e->kind;
    it.e.code = e->code;
    it.e.is_class = e->is_class;
    it.e.pattern = e->pattern;
    it.e.lang = arena_strndup(&p->kb->arena, p->lang, strlen(p->lang));
    it.e.title = e->title;
    it.e.short_text = e->short_text;
    it.e.meaning = e->meaning;
    it.e.causes = strvec_freeze(&p->kb->arena, &e->causes, &it.e.ncauses);
    it.e.checks = strvec_freeze(&p->kb->arena, &e->checks, &it.e.nchecks);
    it.e.refs = strvec_freeze(&p->kb->arena, &e->refs, &it.e.nrefs);
    it.e.severity = e->severity < 0 ? KB_SEV_INFO : (enum kb_severity)e->severity;
    it.e.file = arena_strndup(&p->kb->arena, p->name, strlen(p->name));
    it.e.line = e->line;
    for (i = 0; i < p->nitems && p->nerrors == before; i++)
        if (same_key(&p->items[i].e, &it.e))
            perr(p, e->line, "duplicate entry (first at line %d)", p->items[i].e.line);
    memset(e, 0, sizeof(*e));
    if (p->nerrors != before) {
        pcre2_code_free(it.re);
        return;
    }
    if (p->nitems == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
    }
    p->items[p->nitems++] = it;
}

/* "[sip 403]", "[sip 4xx]", "[q850 34]", "[warning 399]". */
static void start_entry(struct parser *p, const char *s, size_t n, int line)
{
    struct entry_build *e = &p->cur;
    size_t i = 1, ws, cs;
    int code = 0;
    bool is_class = false;
    enum kb_kind kind;

    finish_entry(p);
    while (i < n && is_space(s[i]))
        i++;
    ws = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i - ws == 3 && memcmp(s + ws, "sip", 3) == 0)
        kind = KB_KIND_SIP;
    else if (i - ws == 4 && memcmp(s + ws, "q850", 4) == 0)
        kind = KB_KIND_Q850;
    else if (i - ws == 7 && memcmp(s + ws, "warning", 7) == 0)
        kind = KB_KIND_WARNING;
    else {
        perr(p, line, "unknown section: expected [sip CODE], [q850 CAUSE] or [warning CODE]");
        return;
    }
    while (i < n && is_space(s[i]))
        i++;
    cs = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == 'x' || s[i] == 'X'))
        i++;
    if (i - cs == 3 && kind == KB_KIND_SIP && (s[cs + 1] == 'x' || s[cs + 1] == 'X') &&
        (s[cs + 2] == 'x' || s[cs + 2] == 'X') && s[cs] >= '1' && s[cs] <= '6') {
        is_class = true;
        code = s[cs] - '0';
    } else if (i > cs && i - cs <= 3) {
        size_t k;

        for (k = cs; k < i; k++) {
            if (s[k] < '0' || s[k] > '9') {
                perr(p, line, "bad code '%.*s'", (int)(i - cs), s + cs);
                return;
            }
            code = code * 10 + (s[k] - '0');
        }
    } else {
        perr(p, line, "missing or bad code after the section kind");
        return;
    }
    while (i < n && is_space(s[i]))
        i++;
    if (i >= n || s[i] != ']') {
        perr(p, line, "expected ']' after the code");
        return;
    }
    for (i++; i < n; i++)
        if (!is_space(s[i])) {
            perr(p, line, "text after ']'");
            return;
        }
    if (!is_class) {
        if (kind == KB_KIND_SIP && (code < 100 || code > KB_SIP_MAX)) {
            perr(p, line, "SIP code %d out of range 100..699", code);
            return;
        }
        if (kind == KB_KIND_Q850 && code > KB_Q850_MAX) {
            perr(p, line, "Q.850 cause %d out of range 0..127", code);
            return;
        }
        if (kind == KB_KIND_WARNING && (code < 100 || code > KB_WARNING_MAX)) {
            perr(p, line, "Warning code %d out of range 100..999", code);
            return;
        }
    }
    memset(e, 0, sizeof(*e));
    e->active = true;
    e->line = line;
    e->kind = kind;
    e->code = code;
    e->is_class = is_class;
    e->severity = -1;
}

static void set_lang(struct parser *p, const char *v, size_t n, int line)
{
    size_t i;

    if (n < 2 || n > 3) {
        perr(p, line, "lang must be a 2- or 3-letter code such as en or ru");
        return;
    }
    for (i = 0; i < n; i++)
        if (v[i] < 'a' || v[i] > 'z') {
            perr(p, line, "lang must be lower-case letters");
            return;
        }
    memcpy(p->lang, v, n);
    p->lang[n] = '\0';
}

static void parse_line(struct parser *p, const char *s, size_t n, int line, bool *seen_section)
{
    size_t i = 0, ks, ke, vs, k;
    enum field f = F_NONE;

    if (n > 0 && is_space(s[0])) {
        while (i < n && is_space(s[i]))
            i++;
        if (i == n) { /* blank line: ends a value */
            flush_key(p);
            return;
        }
        if (p->key == F_NONE) {
            perr(p, line, "indented line does not continue a value");
            return;
        }
        if (p->acc.len > 0)
            sb_putc(&p->acc, ' ');
        while (n > i && is_space(s[n - 1]))
            n--;
        sb_append(&p->acc, s + i, n - i);
        return;
    }
    flush_key(p);
    if (n == 0 || s[0] == '#')
        return;
    if (s[0] == '[') {
        *seen_section = true;
        start_entry(p, s, n, line);
        return;
    }
    ks = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
        i++;
    ke = i;
    while (i < n && is_space(s[i]))
        i++;
    if (ke == ks || i >= n || s[i] != '=') {
        perr(p, line, "expected 'key = value', a [section] or a # comment");
        return;
    }
    i++;
    while (i < n && is_space(s[i]))
        i++;
    vs = i;
    while (n > vs && is_space(s[n - 1]))
        n--;
    if (ke - ks == 4 && memcmp(s, "lang", 4) == 0) {
        if (*seen_section)
            perr(p, line, "lang must come before the first section");
        else
            set_lang(p, s + vs, n - vs, line);
        return;
    }
    for (k = 0; k < sizeof(field_names) / sizeof(field_names[0]); k++)
        if (strlen(field_names[k].name) == ke - ks &&
            memcmp(field_names[k].name, s + ks, ke - ks) == 0)
            f = field_names[k].f;
    if (f == F_NONE) {
        perr(p, line, "unknown key '%.*s'", (int)(ke - ks), s + ks);
        return;
    }
    if (!p->cur.active) {
        /* A key in a section whose header was bad: that error is enough. */
        if (!*seen_section)
            perr(p, line, "key before the first section (start one with [sip CODE])");
        return;
    }
    p->key = f;
    p->key_line = line;
    sb_append(&p->acc, s + vs, n - vs);
}

static void merge_items(struct kb *kb, struct kb_item *items, size_t n, int rank)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        struct kb_item *it = &items[i];

        it->rank = rank;
        it->seq = kb->seq++;
        for (j = 0; j < kb->nitems; j++)
            if (same_key(&kb->items[j].e, &it->e))
                break;
        if (j < kb->nitems) {
            pcre2_code_free(kb->items[j].re);
            kb->items[j] = *it;
            continue;
        }
        if (kb->nitems == kb->cap) {
            kb->cap = kb->cap ? kb->cap * 2 : 256;
            kb->items = xrealloc(kb->items, kb->cap * sizeof(*kb->items));
        }
        kb->items[kb->nitems++] = *it;
    }
}

size_t kb_load_buffer(struct kb *kb, const char *name, const char *data, size_t len,
                      const char *default_lang, int rank)
{
    struct parser p;
    size_t pos = 0, i;
    int line = 0;
    bool seen_section = false;

    memset(&p, 0, sizeof(p));
    p.kb = kb;
    p.name = name;
    snprintf(p.lang, sizeof(p.lang), "%s", default_lang ? default_lang : "en");
    sb_init(&p.acc);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a UTF-8 BOM from a Windows editor */
    while (pos < len) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        size_t col;

        pos += n + (nl ? 1 : 0);
        line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (check_text(s, n, &col) < 0) {
            perr(&p, line, "column %zu: control character or invalid UTF-8", col);
            continue;
        }
        parse_line(&p, s, n, line, &seen_section);
        if (p.nerrors > 50) {
            perr(&p, line, "too many errors; giving up on this file");
            break;
        }
    }
    finish_entry(&p);
    if (!seen_section && p.nerrors == 0)
        perr(&p, line > 0 ? line : 1, "no entries in file");
    free(p.cur.causes.v);
    free(p.cur.checks.v);
    free(p.cur.refs.v);
    sb_fini(&p.acc);
    if (p.nerrors == 0) {
        merge_items(kb, p.items, p.nitems, rank);
    } else {
        for (i = 0; i < p.nitems; i++)
            pcre2_code_free(p.items[i].re);
    }
    free(p.items);
    if (p.nerrors == 0)
        kb_build_index(kb);
    return p.nerrors;
}

/* ------------------------------------------------------------- directories */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_lang_dir(const char *name)
{
    size_t n = strlen(name), i;

    if (n < 2 || n > 3)
        return false;
    for (i = 0; i < n; i++)
        if (name[i] < 'a' || name[i] > 'z')
            return false;
    return true;
}

static bool has_kb_suffix(const char *name)
{
    size_t n = strlen(name);

    return n > 3 && strcmp(name + n - 3, ".kb") == 0 && name[0] != '.';
}

static void load_file(struct kb *kb, const char *path, const char *lang, int rank)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf;
    size_t got;

    if (!f) {
        kb_add_error(kb, "%s:0: cannot open: %s", path, strerror(errno));
        return;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        kb_add_error(kb, "%s:0: not a regular file", path);
        fclose(f);
        return;
    }
    if ((unsigned long long)st.st_size > KB_MAX_FILE) {
        kb_add_error(kb, "%s:0: file larger than %u bytes", path, KB_MAX_FILE);
        fclose(f);
        return;
    }
    buf = xmalloc((size_t)st.st_size + 1);
    got = fread(buf, 1, (size_t)st.st_size, f);
    buf[got] = '\0';
    if (ferror(f))
        kb_add_error(kb, "%s:0: read error", path);
    else if (memchr(buf, '\0', got))
        kb_add_error(kb, "%s:0: file contains a NUL byte", path);
    else
        kb_load_buffer(kb, path, buf, got, lang, rank);
    free(buf);
    fclose(f);
}

/* Collects "*.kb" names (files) or language directory names in dir, sorted. */
static size_t list_dir(const char *dir, bool want_dirs, char ***out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL && n < KB_MAX_FILES) {
        struct strbuf path;
        struct stat st;
        bool ok;

        if (want_dirs ? !is_lang_dir(de->d_name) : !has_kb_suffix(de->d_name))
            continue;
        sb_init(&path);
        sb_printf(&path, "%s/%s", dir, de->d_name);
        ok = stat(path.s, &st) == 0 && (want_dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
        sb_fini(&path);
        if (!ok)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    return n;
}

static void load_files_in(struct kb *kb, const char *dir, const char *lang, int rank)
{
    char **names;
    size_t n = list_dir(dir, false, &names), i;

    for (i = 0; i < n; i++) {
        struct strbuf path;

        sb_init(&path);
        sb_printf(&path, "%s/%s", dir, names[i]);
        load_file(kb, path.s, lang, rank);
        sb_fini(&path);
        free(names[i]);
    }
    free(names);
}

void kb_load_dir(struct kb *kb, const char *dir, int rank, bool must_exist)
{
    struct stat st;
    char **names;
    size_t n, i;

    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (must_exist)
            kb_add_error(kb, "%s:0: not a directory", dir);
        return;
    }
    /* Top-level files are English unless they say "lang = xx"; files in
     * en/, ru/... take that directory's language. */
    load_files_in(kb, dir, "en", rank);
    n = list_dir(dir, true, &names);
    for (i = 0; i < n; i++) {
        struct strbuf sub;

        sb_init(&sub);
        sb_printf(&sub, "%s/%s", dir, names[i]);
        load_files_in(kb, sub.s, names[i], rank);
        sb_fini(&sub);
        free(names[i]);
    }
    free(names);
}
