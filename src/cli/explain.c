/*
 * cli/explain.c: `sipdx --explain CODE [REASON]`, the knowledge base from a
 * shell.  CODE is a SIP response code (488), a class (4xx), "q850:N" or
 * "warning:N".  Prints text (wrapped, every string through
 * sb_append_escaped) or, with --json, one JSON object.
 *
 * Thread: the calling (main) thread; it owns the kb it builds and frees.
 * Exit: 0 when a specific entry exists, 1 when only the class (or nothing)
 * could be said, 2 for an argument that is not a code.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "util.h"

#define WRAP_WIDTH 78

struct labels {
    const char *severity, *meaning, *causes, *checks, *refs, *q850, *sip;
    const char *no_entry[3][2]; /* [what]: text before and after the code */
    const char *matched, *sev_names[4], *no_sip_map, *bye;
};

static const struct labels labels_en = {
    "Severity",
    "Meaning",
    "Likely causes",
    "What to check",
    "References",
    "Q.850 cause for this code (RFC 3398)",
    "SIP response for this cause (RFC 3398)",
    {{"No specific entry exists for ", "; this is what its class means."},
     {"No entry exists for Q.850 cause ", "."},
     {"No entry exists for Warning code ", "."}},
    "Entry for the reason phrase",
    {"normal in its flow", "information", "warning", "problem"},
    "none (decided by context)",
    "none: the call ends with BYE",
};

static const struct labels labels_ru = {
    "Важность",
    "Что это значит",
    "Вероятные причины",
    "Что проверить",
    "Ссылки",
    "Причина Q.850 для этого кода (RFC 3398)",
    "Ответ SIP для этой причины (RFC 3398)",
    {{"Отдельной статьи для ", " нет; вот что означает его класс."},
     {"Статьи для причины Q.850 ", " нет."},
     {"Статьи для кода Warning ", " нет."}},
    "Статья для фразы ответа",
    {"норма для этого сценария", "информация", "предупреждение", "проблема"},
    "нет (зависит от контекста)",
    "нет: вызов завершается запросом BYE",
};

enum what {
    WHAT_SIP,
    WHAT_Q850,
    WHAT_WARNING,
};

/* Parses "488", "4xx", "q850:34", "warning:399".  Returns 0 or -1. */
static int parse_target(const char *s, enum what *what, int *code, bool *is_class)
{
    const char *p = s, *colon = strchr(s, ':');
    char *end;
    long v;

    *what = WHAT_SIP;
    *is_class = false;
    if (colon) {
        size_t n = (size_t)(colon - s);

        if ((n == 4 && strncmp(s, "q850", 4) == 0) || (n == 5 && strncmp(s, "q.850", 5) == 0) ||
            (n == 5 && strncmp(s, "cause", 5) == 0) || (n == 4 && strncmp(s, "Q850", 4) == 0))
            *what = WHAT_Q850;
        else if ((n == 7 && strncmp(s, "warning", 7) == 0) ||
                 (n == 4 && strncmp(s, "warn", 4) == 0))
            *what = WHAT_WARNING;
        else if (n == 3 && strncmp(s, "sip", 3) == 0)
            *what = WHAT_SIP;
        else
            return -1;
        p = colon + 1;
    }
    if (*what == WHAT_SIP && p[0] >= '1' && p[0] <= '6' && (p[1] == 'x' || p[1] == 'X') &&
        (p[2] == 'x' || p[2] == 'X') && p[3] == '\0') {
        *is_class = true;
        *code = (p[0] - '0') * 100;
        return 0;
    }
    if (*p < '0' || *p > '9')
        return -1;
    v = strtol(p, &end, 10);
    if (*end != '\0')
        return -1;
    if (*what == WHAT_SIP && (v < 100 || v > 699))
        return -1;
    if (*what == WHAT_Q850 && (v < 0 || v > 127))
        return -1;
    if (*what == WHAT_WARNING && (v < 100 || v > 999))
        return -1;
    *code = (int)v;
    return 0;
}

/* ------------------------------------------------------------------- text */

static size_t utf8_len(const char *s, size_t n)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Appends text word-wrapped at WRAP_WIDTH; continuation lines get indent
 * spaces.  col is the column the text starts at. */
static void put_wrapped(struct strbuf *b, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    bool first = true;

    while (*p) {
        const char *w = p;
        size_t n, len;

        while (*w == ' ')
            w++;
        if (!*w)
            break;
        n = strcspn(w, " ");
        len = utf8_len(w, n);
        if (!first && col + 1 + len > WRAP_WIDTH) {
            sb_putc(b, '\n');
            for (col = 0; col < indent; col++)
                sb_putc(b, ' ');
        } else if (!first) {
            sb_putc(b, ' ');
            col++;
        }
        first = false;
        sb_append_escaped(b, w, n);
        col += len;
        p = w + n;
    }
    sb_putc(b, '\n');
}

static void put_list(struct strbuf *b, const char *label, const char *const *v, size_t n)
{
    size_t i;

    if (n == 0)
        return;
    sb_printf(b, "%s:\n", label);
    for (i = 0; i < n; i++) {
        sb_puts(b, "  - ");
        put_wrapped(b, v[i], 4, 4);
    }
}

static void put_text(struct strbuf *b, const struct labels *L, const struct kb *kb,
                     const struct kb_entry *e, enum what what, int code, const char *reason)
{
    const char *kind = what == WHAT_Q850 ? "Q.850 " : what == WHAT_WARNING ? "Warning " : "";
    size_t i;

    if (e->is_class && code % 100 == 0 && code / 100 == e->code)
        sb_printf(b, "%dxx", e->code);
    else
        sb_printf(b, "%s%d", kind, code);
    if (reason && *reason) {
        sb_puts(b, " \"");
        sb_append_escaped(b, reason, strlen(reason));
        sb_putc(b, '"');
    }
    sb_puts(b, ": ");
    sb_append_escaped(b, e->title, strlen(e->title));
    sb_putc(b, '\n');
    if (e->pattern) {
        sb_printf(b, "%s: /", L->matched);
        sb_append_escaped(b, e->pattern, strlen(e->pattern));
        sb_puts(b, "/\n");
    }
    sb_printf(b, "%s: %s\n", L->severity, L->sev_names[e->severity]);
    if (e->meaning[0]) {
        sb_printf(b, "%s: ", L->meaning);
        put_wrapped(b, e->meaning, utf8_len(L->meaning, strlen(L->meaning)) + 2, 2);
    }
    put_list(b, L->causes, e->causes, e->ncauses);
    put_list(b, L->checks, e->checks, e->nchecks);
    if (what == WHAT_SIP && !(e->is_class && code % 100 == 0 && code / 100 == e->code)) {
        int cause = kb_sip_to_q850(code);
        const struct kb_entry *q = cause ? kb_lookup_q850(kb, cause) : NULL;

        if (cause) {
            sb_printf(b, "%s: %d", L->q850, cause);
            if (q) {
                sb_puts(b, " (");
                sb_append_escaped(b, q->title, strlen(q->title));
                sb_putc(b, ')');
            }
            sb_putc(b, '\n');
        } else {
            sb_printf(b, "%s: %s\n", L->q850, L->no_sip_map);
        }
    } else if (what == WHAT_Q850) {
        int sip = kb_q850_to_sip(code);

        if (sip)
            sb_printf(b, "%s: %d\n", L->sip, sip);
        else
            sb_printf(b, "%s: %s\n", L->sip, L->bye);
    }
    if (e->nrefs > 0) {
        sb_printf(b, "%s: ", L->refs);
        for (i = 0; i < e->nrefs; i++) {
            if (i > 0)
                sb_puts(b, "; ");
            sb_append_escaped(b, e->refs[i], strlen(e->refs[i]));
        }
        sb_putc(b, '\n');
    }
}

/* ------------------------------------------------------------------- json */

static void json_str(struct strbuf *b, const char *s)
{
    if (s)
        sb_append_json(b, s, strlen(s));
    else
        sb_puts(b, "null");
}

static void json_array(struct strbuf *b, const char *const *v, size_t n)
{
    size_t i;

    sb_putc(b, '[');
    for (i = 0; i < n; i++) {
        if (i > 0)
            sb_putc(b, ',');
        json_str(b, v[i]);
    }
    sb_putc(b, ']');
}

static void put_json(struct strbuf *b, const struct kb *kb, const struct kb_entry *e,
                     enum what what, int code, const char *reason, bool found)
{
    static const char *const kinds[] = {"sip", "q850", "warning"};

    sb_printf(b,
              "{\"type\":\"explanation\",\"subject\":\"%s\",\"code\":%d,\"reason\":", kinds[what],
              code);
    json_str(b, reason && *reason ? reason : NULL);
    sb_printf(b, ",\"found\":%s,\"lang\":", found ? "true" : "false");
    json_str(b, kb_lang(kb));
    if (e) {
        sb_printf(b, ",\"class\":%s,\"match\":", e->is_class ? "true" : "false");
        json_str(b, e->pattern);
        sb_puts(b, ",\"title\":");
        json_str(b, e->title);
        sb_puts(b, ",\"short\":");
        json_str(b, e->short_text);
        sb_puts(b, ",\"meaning\":");
        json_str(b, e->meaning);
        sb_puts(b, ",\"causes\":");
        json_array(b, e->causes, e->ncauses);
        sb_puts(b, ",\"checks\":");
        json_array(b, e->checks, e->nchecks);
        sb_printf(b, ",\"severity\":\"%s\",\"refs\":", kb_severity_name(e->severity));
        json_array(b, e->refs, e->nrefs);
    } else { /* not in the knowledge base: the keys, without values */
        sb_puts(b, ",\"class\":null,\"match\":null,\"title\":null,\"short\":null,"
                   "\"meaning\":null,\"causes\":null,\"checks\":null,\"severity\":null,"
                   "\"refs\":null");
    }
    if (what == WHAT_SIP) {
        bool cls = e && e->is_class && code % 100 == 0 && code / 100 == e->code;
        int cause = cls ? 0 : kb_sip_to_q850(code);
        const struct kb_entry *q = cause ? kb_lookup_q850(kb, cause) : NULL;

        if (cause) {
            sb_printf(b, ",\"maps_to_q850\":{\"cause\":%d,\"title\":", cause);
            json_str(b, q ? q->title : NULL);
            sb_putc(b, '}');
        } else {
            sb_puts(b, ",\"maps_to_q850\":null");
        }
        sb_puts(b, ",\"maps_to_sip\":null");
    } else if (what == WHAT_Q850) {
        int sip = kb_q850_to_sip(code);

        sb_puts(b, ",\"maps_to_q850\":null");
        if (sip)
            sb_printf(b, ",\"maps_to_sip\":%d", sip);
        else
            sb_puts(b, ",\"maps_to_sip\":null");
    } else {
        sb_puts(b, ",\"maps_to_q850\":null,\"maps_to_sip\":null");
    }
    sb_puts(b, "}\n");
}

/* ------------------------------------------------------------------- main */

int cli_explain(const struct config *cfg)
{
    struct err d;
    struct kb *kb;
    struct strbuf b;
    const struct labels *L;
    const struct kb_entry *e = NULL;
    enum what what;
    int code, rc = 0;
    bool is_class, found = false;
    const char *reason = cfg->explain_reason;
    size_t i;

    if (!cfg->explain || parse_target(cfg->explain, &what, &code, &is_class) < 0) {
        fprintf(cfg->err,
                "sipdx: --explain wants a SIP code (100-699, 4xx), q850:CAUSE (0-127) or "
                "warning:CODE, not '%s'\n",
                cfg->explain ? cfg->explain : "");
        return 2;
    }
    kb = kb_new(cfg->lang, cfg->kb_dir, &d);
    for (i = 0; i < kb_error_count(kb); i++)
        fprintf(cfg->err, "sipdx: knowledge base: %s\n", kb_error(kb, i));
    L = strcmp(kb_lang(kb), "ru") == 0 ? &labels_ru : &labels_en;
    switch (what) {
    case WHAT_SIP:
        if (is_class)
            e = kb_lookup_class(kb, code / 100);
        else
            e = kb_lookup_response(kb, code, reason, reason ? strlen(reason) : 0);
        found = e && (!e->is_class || is_class);
        break;
    case WHAT_Q850:
        e = kb_lookup_q850(kb, code);
        found = e != NULL;
        break;
    case WHAT_WARNING:
        e = kb_lookup_warning(kb, code);
        found = e != NULL;
        break;
    }
    sb_init(&b);
    if (cfg->json) {
        put_json(&b, kb, e, what, code, reason, found);
    } else {
        if (!found)
            sb_printf(&b, "%s%d%s\n", L->no_entry[what][0], code, L->no_entry[what][1]);
        if (e)
            put_text(&b, L, kb, e, what, code, reason);
        else if (what == WHAT_Q850)
            sb_printf(&b, "%s: %d\n", L->sip, kb_q850_to_sip(code));
    }
    if (!found)
        rc = 1;
    fwrite(b.s ? b.s : "", 1, b.len, cfg->out);
    sb_fini(&b);
    kb_free(kb);
    return rc;
}
