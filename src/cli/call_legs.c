/*
 * call_legs: the batch outputs' side of leg correlation (legs.h): the
 * config file's `legs` rules, the links of a loaded store, and the JSON
 * "legs" member of a call.
 *
 * Thread: the main thread builds; the JSON writer only reads a built
 * struct legs and the store, so --list's formatting threads may call it.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "filter.h"
#include "legs.h"
#include "settings.h"

struct legs *cli_legs_build(const struct config *cfg, const struct store *s)
{
    struct settings st;
    struct legs_rules *r = legs_rules_new();
    struct strbuf errs;
    char path[4096];
    const char *p = settings_path(cfg->config_path, path, sizeof(path));
    struct legs *l;
    size_t i;

    settings_init(&st);
    sb_init(&errs);
    /* The console reports the file's other lines; here only the rules
     * count, and a missing default file is no error. */
    if (p && settings_load(&st, p, cfg->config_path != NULL, &errs) >= 0) {
        sb_reset(&errs);
        for (i = 0; i < st.nlegs; i++)
            legs_rules_add(r, st.legs[i].text, st.file ? st.file : p, st.legs[i].line, &errs);
    }
    if (errs.len)
        fprintf(cfg->err, "sipdx: %s", errs.s);
    l = legs_build(s, r);
    legs_rules_free(r);
    settings_fini(&st);
    sb_fini(&errs);
    return l;
}

struct legs *cli_legs_for(const struct config *cfg, const struct store *s, bool want)
{
    bool filter_needs_legs = cfg->filter && (filter_needs(cfg->filter) & FILTER_NEEDS_LEGS);
    struct legs *l;

    if (!want && !filter_needs_legs)
        return NULL;
    l = cli_legs_build(cfg, s);
    if (filter_needs_legs)
        filter_set_legs(cfg->filter, l);
    return l;
}

void cli_json_legs(struct strbuf *b, const struct store *s, const struct legs *l,
                   const struct store_call *c)
{
    struct legs_member m[64];
    size_t n = legs_members(l, c->id, m, 64), i;

    sb_puts(b, ",\"legs\":[");
    for (i = 0; i < n && i < 64; i++) {
        const struct store_call *o = store_call_get(s, m[i].link.peer);
        const char *how = legs_how_name(m[i].link.how);

        if (!o)
            continue;
        if (i)
            sb_putc(b, ',');
        sb_putc(b, '{');
        cli_json_str(b, "call_id", o->call_id, o->call_id_len, true);
        cli_json_str(b, "how", how, strlen(how), false);
        cli_json_int(b, "confidence", m[i].link.confidence, false);
        if (m[i].link.how == LEGS_HOW_RULE)
            cli_json_int(b, "rule_line", m[i].link.rule_line, false);
        else
            sb_puts(b, ",\"rule_line\":null");
        {
            const struct store_call *v = m[i].direct ? NULL : store_call_get(s, m[i].via);

            cli_json_str(b, "via", v ? v->call_id : NULL, v ? v->call_id_len : 0, false);
        }
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
}
