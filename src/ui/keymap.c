/*
 * keymap: keys -> actions.  The default keys come from the action table
 * (actions.h; sngrep's bindings, so its users feel at home), the config
 * file's `bind` lines are added after them, and the help screen and key
 * bar read the bindings back, so what they show is what the keys do.
 * UI thread only.  Views see actions, not raw keys, except text-entry
 * views (the prompt) which get every key through on_char.
 */
#include "ui_int.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static const struct {
    const char *name; /* in `bind KEY ACTION` */
    const char *keys; /* default keys, in `bind` key syntax */
    const char *desc; /* help screen */
} actions[ACT__COUNT] = {
#define UI_ACTION_ROW(id, name, keys, desc) [id] = {name, keys, desc},
    UI_ACTIONS(UI_ACTION_ROW)
#undef UI_ACTION_ROW
};

static const struct {
    const char *name;
    int is_key;
    wint_t ch;
} key_names[] = {
    {"Up", 1, KEY_UP},
    {"Down", 1, KEY_DOWN},
    {"Left", 1, KEY_LEFT},
    {"Right", 1, KEY_RIGHT},
    {"PgUp", 1, KEY_PPAGE},
    {"PgDn", 1, KEY_NPAGE},
    {"Home", 1, KEY_HOME},
    {"End", 1, KEY_END},
    {"Insert", 1, KEY_IC},
    {"Delete", 1, KEY_DC},
    {"Backspace", 1, KEY_BACKSPACE},
    {"Enter", 0, L'\r'},
    {"Esc", 0, 27},
    {"Space", 0, L' '},
    {"Tab", 0, L'\t'},
};

/* "x", "F2", "C-s", "^s", "Space", "PgDn" -> key; -1 if unknown. */
static int key_parse(const char *s, int *is_key, wint_t *ch)
{
    size_t i, n = strlen(s);
    mbstate_t ms;
    wchar_t wc;

    for (i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
        if (strcasecmp(s, key_names[i].name) == 0) {
            *is_key = key_names[i].is_key;
            *ch = key_names[i].ch;
            return 0;
        }
    }
    if ((s[0] == 'F' || s[0] == 'f') && n >= 2 && n <= 3 && isdigit((unsigned char)s[1]) &&
        (n == 2 || isdigit((unsigned char)s[2]))) {
        int k = atoi(s + 1);

        if (k >= 1 && k <= 12) {
            *is_key = 1;
            *ch = (wint_t)KEY_F(k);
            return 0;
        }
        return -1;
    }
    if (n == 3 && (s[0] == 'C' || s[0] == 'c') && s[1] == '-' && isalpha((unsigned char)s[2])) {
        *is_key = 0;
        *ch = (wint_t)(tolower((unsigned char)s[2]) & 0x1f);
        return 0;
    }
    if (n == 2 && s[0] == '^' && isalpha((unsigned char)s[1])) {
        *is_key = 0;
        *ch = (wint_t)(tolower((unsigned char)s[1]) & 0x1f);
        return 0;
    }
    memset(&ms, 0, sizeof(ms));
    if (n > 0 && mbrtowc(&wc, s, n, &ms) == n && wc > 0x20 && wc != 0x7f) {
        *is_key = 0;
        *ch = (wint_t)wc;
        return 0;
    }
    return -1;
}

static void bind_add(struct ui *ui, int is_key, wint_t ch, enum action act, bool from_config,
                     bool shown)
{
    struct ui_binding *b;

    ui->binds = xrealloc(ui->binds, (ui->nbinds + 1) * sizeof(*ui->binds));
    b = &ui->binds[ui->nbinds++];
    b->is_key = is_key;
    b->ch = ch;
    b->act = act;
    b->from_config = from_config;
    b->shown = shown;
}

/* A key and the codes that complete it: Enter arrives as CR, LF or the
 * keypad's KEY_ENTER. */
static void bind_key(struct ui *ui, int is_key, wint_t ch, enum action act, bool from_config)
{
    bind_add(ui, is_key, ch, act, from_config, true);
    if (!is_key && ch == L'\r') {
        bind_add(ui, 0, L'\n', act, from_config, false);
        bind_add(ui, 1, KEY_ENTER, act, from_config, false);
    }
}

/* The defaults of actions.h.  A key there that does not parse is a
 * mistake in the table: fatal, so that no test can miss it. */
static void bind_defaults(struct ui *ui)
{
    int a;

    for (a = 1; a < ACT__COUNT; a++) {
        const char *p = actions[a].keys;

        while (*p) {
            char key[32];
            size_t n = strcspn(p, " ");
            int is_key;
            wint_t ch;

            snprintf(key, sizeof(key), "%.*s", (int)n, p);
            if (key_parse(key, &is_key, &ch) != 0)
                fatal("actions.h: %s: bad default key '%s'", actions[a].name, key);
            bind_key(ui, is_key, ch, (enum action)a, false);
            p += n;
            p += strspn(p, " ");
        }
    }
}

void keymap_load(struct ui *ui, const struct settings *s, struct strbuf *errs)
{
    size_t i;

    bind_defaults(ui);
    for (i = 0; i < s->nbinds; i++) {
        const struct settings_bind *b = &s->binds[i];
        int a, is_key;
        wint_t ch;
        struct strbuf e;

        sb_init(&e);
        if (key_parse(b->key, &is_key, &ch) != 0) {
            sb_append_escaped(&e, b->key, strlen(b->key));
            sb_printf(errs,
                      "%s:%d: bind: unknown key '%s' (a character, F1-F12, C-x, Space, "
                      "Tab, Enter, Esc, Up, Down, Left, Right, PgUp, PgDn, Home, End)\n",
                      s->file ? s->file : "config", b->line, e.s);
            sb_fini(&e);
            continue;
        }
        for (a = 1; a < ACT__COUNT; a++)
            if (strcasecmp(b->action, actions[a].name) == 0)
                break;
        if (a == ACT__COUNT && strcasecmp(b->action, "none") != 0) {
            sb_append_escaped(&e, b->action, strlen(b->action));
            sb_printf(errs, "%s:%d: bind: unknown action '%s' (see sipdx(1), FILES)\n",
                      s->file ? s->file : "config", b->line, e.s);
            sb_fini(&e);
            continue;
        }
        sb_fini(&e);
        bind_key(ui, is_key, ch, a == ACT__COUNT ? ACT_NONE : (enum action)a, true);
    }
}

enum action keymap_lookup(const struct ui *ui, int is_key, wint_t ch)
{
    size_t i = ui->nbinds;

    while (i-- > 0) /* the last bind of a key wins */
        if (ui->binds[i].is_key == is_key && ui->binds[i].ch == ch)
            return ui->binds[i].act;
    return ACT_NONE;
}

const char *keymap_desc(enum action a)
{
    return (unsigned)a < ACT__COUNT && actions[a].desc ? actions[a].desc : "";
}

/* The name a bind line would use for a key: "Space", "F2", "C-s", "x". */
static void bind_key_name(int is_key, wint_t ch, char *out, size_t n)
{
    size_t i;
    mbstate_t ms;

    for (i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
        if (key_names[i].is_key == is_key && key_names[i].ch == ch) {
            snprintf(out, n, "%s", key_names[i].name);
            return;
        }
    }
    if (is_key && ch >= (wint_t)KEY_F(1) && ch <= (wint_t)KEY_F(12)) {
        snprintf(out, n, "F%d", (int)(ch - (wint_t)KEY_F(0)));
        return;
    }
    if (!is_key && ch >= 1 && ch < 0x20) {
        snprintf(out, n, "C-%c", (char)('a' + ch - 1));
        return;
    }
    memset(&ms, 0, sizeof(ms));
    if (!is_key && n > MB_LEN_MAX) {
        size_t k = wcrtomb(out, (wchar_t)ch, &ms);

        if (k != (size_t)-1) {
            out[k] = '\0';
            return;
        }
    }
    snprintf(out, n, "?");
}

void keymap_keys(const struct ui *ui, enum action a, size_t max, char *out, size_t n)
{
    const struct ui_binding *listed[16];
    size_t i, k, len, count = 0;
    int pass;

    if (n)
        out[0] = '\0';
    /* The config's binds first: a key the user chose is the one to show. */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < ui->nbinds; i++) {
            const struct ui_binding *b = &ui->binds[i];
            char name[32];

            if (b->from_config != (pass == 0) || b->act != a || !b->shown ||
                keymap_lookup(ui, b->is_key, b->ch) != a)
                continue;
            for (k = 0; k < count; k++) /* bound to a twice (`bind s save`) */
                if (listed[k]->is_key == b->is_key && listed[k]->ch == b->ch)
                    break;
            if (k < count)
                continue;
            if ((max && count == max) || count == sizeof(listed) / sizeof(listed[0]))
                return;
            listed[count++] = b;
            bind_key_name(b->is_key, b->ch, name, sizeof(name));
            len = strlen(out);
            snprintf(out + len, n - len, "%s%s", len ? "/" : "", name);
        }
    }
}
