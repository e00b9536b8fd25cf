/*
 * keymap: keys -> actions, one const table (sngrep's bindings, so its users
 * feel at home).  UI thread only.  Views see actions, not raw keys, except
 * text-entry views (the prompt) which get every key through on_char.
 */
#include "ui_int.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

struct binding {
    int is_key; /* 1: a KEY_* code, 0: a character */
    wint_t ch;
    enum action act;
};

static const struct binding bindings[] = {
    {1, KEY_UP, ACT_UP},        {0, L'k', ACT_UP},         {1, KEY_DOWN, ACT_DOWN},
    {0, L'j', ACT_DOWN},        {1, KEY_PPAGE, ACT_PGUP},  {1, KEY_NPAGE, ACT_PGDN},
    {1, KEY_HOME, ACT_HOME},    {1, KEY_END, ACT_END},     {1, KEY_LEFT, ACT_LEFT},
    {1, KEY_RIGHT, ACT_RIGHT},  {1, KEY_ENTER, ACT_ENTER}, {0, L'\n', ACT_ENTER},
    {0, L'\r', ACT_ENTER},      {0, L' ', ACT_SELECT},     {0, L'q', ACT_BACK},
    {0, 27, ACT_BACK},          {0, L'Q', ACT_QUIT},       {1, KEY_F(1), ACT_HELP},
    {0, L'h', ACT_HELP},        {0, L'?', ACT_HELP},       {1, KEY_F(2), ACT_SAVE},
    {0, L's', ACT_SAVE},        {1, KEY_F(3), ACT_SEARCH}, {0, L'/', ACT_SEARCH},
    {1, KEY_F(7), ACT_FILTER},  {0, L'f', ACT_FILTER},     {1, KEY_F(5), ACT_CLEAR},
    {0, L'p', ACT_PAUSE},       {0, L'o', ACT_SORT},       {1, KEY_F(10), ACT_SORT},
    {0, L'O', ACT_SORT_REV},    {0, L'n', ACT_NEXT},       {0, L'N', ACT_PREV},
    {0, L't', ACT_PANE},        {0, 'F' - 64, ACT_PGDN},   {0, 'B' - 64, ACT_PGUP},
    {0, L'G', ACT_REGS},        {0, L'T', ACT_STATS},      {0, L'm', ACT_MEDIA},
    {0, L'M', ACT_MEDIA_TABLE}, {0, L'F', ACT_MATCHING},   {0, L'D', ACT_FINDINGS},
    {0, L'c', ACT_COLLAPSE},
};

/* Action names for `bind KEY ACTION` in the config file. */
static const char *const act_names[ACT__COUNT] = {
    [ACT_UP] = "up",
    [ACT_DOWN] = "down",
    [ACT_PGUP] = "page-up",
    [ACT_PGDN] = "page-down",
    [ACT_HOME] = "home",
    [ACT_END] = "end",
    [ACT_LEFT] = "left",
    [ACT_RIGHT] = "right",
    [ACT_ENTER] = "open",
    [ACT_SELECT] = "mark",
    [ACT_BACK] = "back",
    [ACT_QUIT] = "quit",
    [ACT_HELP] = "help",
    [ACT_SAVE] = "save",
    [ACT_SEARCH] = "search",
    [ACT_FILTER] = "filter",
    [ACT_CLEAR] = "clear",
    [ACT_PAUSE] = "pause",
    [ACT_SORT] = "sort",
    [ACT_SORT_REV] = "sort-reverse",
    [ACT_NEXT] = "next-failure",
    [ACT_PREV] = "previous-failure",
    [ACT_PANE] = "pane",
    [ACT_REGS] = "registrations",
    [ACT_STATS] = "statistics",
    [ACT_MEDIA] = "media",
    [ACT_MEDIA_TABLE] = "media-table",
    [ACT_MATCHING] = "matching",
    [ACT_FINDINGS] = "findings",
    [ACT_COLLAPSE] = "collapse",
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

void keymap_load(struct ui *ui, const struct settings *s, struct strbuf *errs)
{
    size_t i;

    for (i = 0; i < s->nbinds; i++) {
        const struct settings_bind *b = &s->binds[i];
        struct ui_binding ub;
        int a;
        struct strbuf e;

        sb_init(&e);
        if (key_parse(b->key, &ub.is_key, &ub.ch) != 0) {
            sb_append_escaped(&e, b->key, strlen(b->key));
            sb_printf(errs,
                      "%s:%d: bind: unknown key '%s' (a character, F1-F12, C-x, Space, "
                      "Tab, Enter, Esc, Up, Down, Left, Right, PgUp, PgDn, Home, End)\n",
                      s->file ? s->file : "config", b->line, e.s);
            sb_fini(&e);
            continue;
        }
        for (a = 1; a < ACT__COUNT; a++)
            if (act_names[a] && strcasecmp(b->action, act_names[a]) == 0)
                break;
        if (a == ACT__COUNT && strcasecmp(b->action, "none") != 0) {
            sb_append_escaped(&e, b->action, strlen(b->action));
            sb_printf(errs, "%s:%d: bind: unknown action '%s' (see sipdx(1), FILES)\n",
                      s->file ? s->file : "config", b->line, e.s);
            sb_fini(&e);
            continue;
        }
        sb_fini(&e);
        ub.act = a == ACT__COUNT ? ACT_NONE : (enum action)a;
        ui->binds = xrealloc(ui->binds, (ui->nbinds + 1) * sizeof(*ui->binds));
        ui->binds[ui->nbinds++] = ub;
        if (!ub.is_key && ub.ch == L'\r') { /* Enter arrives as either */
            ub.ch = L'\n';
            ui->binds = xrealloc(ui->binds, (ui->nbinds + 1) * sizeof(*ui->binds));
            ui->binds[ui->nbinds++] = ub;
        }
    }
}

enum action keymap_lookup(const struct ui *ui, int is_key, wint_t ch)
{
    size_t i = ui->nbinds;

    while (i-- > 0) /* the last bind of a key wins */
        if (ui->binds[i].is_key == is_key && ui->binds[i].ch == ch)
            return ui->binds[i].act;
    return keymap_action(is_key, ch);
}

static const struct {
    const char *keys, *desc;
} info[ACT__COUNT] = {
    [ACT_UP] = {"Up/k", "previous line"},
    [ACT_DOWN] = {"Down/j", "next line"},
    [ACT_PGUP] = {"PgUp", "previous page"},
    [ACT_PGDN] = {"PgDn", "next page"},
    [ACT_HOME] = {"Home", "first line"},
    [ACT_END] = {"End", "last line"},
    [ACT_ENTER] = {"Enter", "open (ladder of the marked or current call; message)"},
    [ACT_SELECT] = {"Space", "mark a call (Enter merges them); ladder: pick 2 messages to diff"},
    [ACT_BACK] = {"q/Esc", "back; quit from the call list"},
    [ACT_QUIT] = {"Q", "quit"},
    [ACT_HELP] = {"F1/h", "help"},
    [ACT_SAVE] = {"F2/s", "save calls: all, marked or visible; pcap, pcapng or text"},
    [ACT_SEARCH] = {"F3//", "search the call list"},
    [ACT_FILTER] = {"F7/f", "filter (filter language, see sipdx(1))"},
    [ACT_CLEAR] = {"F5", "clear calls (and filter/search)"},
    [ACT_PAUSE] = {"p", "pause/resume loading"},
    [ACT_SORT] = {"o/F10", "next sort column"},
    [ACT_SORT_REV] = {"O", "reverse sort order"},
    [ACT_NEXT] = {"n", "next failure"},
    [ACT_PREV] = {"N", "previous failure"},
    [ACT_PANE] = {"t", "toggle the message pane"},
    [ACT_REGS] = {"G", "registrations per extension (AOR)"},
    [ACT_STATS] = {"T", "statistics: ASR, ACD, PDD, NER, SER, response codes"},
    [ACT_MEDIA] = {"m", "ladder: RTP arrows on/off (packets, codec, loss)"},
    [ACT_MEDIA_TABLE] = {"M", "ladder: media table (RTP streams, SDP, media findings)"},
    [ACT_MATCHING] = {"F", "ladder: only the messages matching the filter, or all"},
    [ACT_FINDINGS] = {"D", "findings: every problem found in the capture, by severity"},
    [ACT_COLLAPSE] = {"c", "ladder: one column per IP address (ports merged) or per IP:port"},
};

enum action keymap_action(int is_key, wint_t ch)
{
    size_t i;

    for (i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
        if (bindings[i].is_key == is_key && bindings[i].ch == ch)
            return bindings[i].act;
    }
    return ACT_NONE;
}

const char *keymap_keys(enum action a)
{
    return (unsigned)a < ACT__COUNT && info[a].keys ? info[a].keys : "";
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

void keymap_keys_ui(const struct ui *ui, enum action a, char *out, size_t n)
{
    size_t i, len;

    snprintf(out, n, "%s", keymap_keys(a));
    /* Keys the config file bound to this action (and still bound to it:
     * the last bind of a key wins). */
    for (i = 0; i < ui->nbinds; i++) {
        const struct ui_binding *b = &ui->binds[i];
        char name[32];

        if (b->act != a || keymap_lookup(ui, b->is_key, b->ch) != a ||
            (!b->is_key && b->ch == L'\n')) /* the second half of an Enter bind */
            continue;
        bind_key_name(b->is_key, b->ch, name, sizeof(name));
        len = strlen(out);
        snprintf(out + len, n - len, "%s+%s", len ? " " : "", name);
    }
}

const char *keymap_desc(enum action a)
{
    return (unsigned)a < ACT__COUNT && info[a].desc ? info[a].desc : "";
}
