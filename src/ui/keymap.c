/*
 * keymap: keys -> actions, one const table (sngrep's bindings, so its users
 * feel at home).  UI thread only.  Views see actions, not raw keys, except
 * text-entry views (the prompt) which get every key through on_char.
 */
#include "ui_int.h"

struct binding {
    int is_key; /* 1: a KEY_* code, 0: a character */
    wint_t ch;
    enum action act;
};

static const struct binding bindings[] = {
    {1, KEY_UP, ACT_UP},         {0, L'k', ACT_UP},           {1, KEY_DOWN, ACT_DOWN},
    {0, L'j', ACT_DOWN},         {1, KEY_PPAGE, ACT_PGUP},    {1, KEY_NPAGE, ACT_PGDN},
    {1, KEY_HOME, ACT_HOME},     {1, KEY_END, ACT_END},       {1, KEY_LEFT, ACT_LEFT},
    {1, KEY_RIGHT, ACT_RIGHT},   {1, KEY_ENTER, ACT_ENTER},   {0, L'\n', ACT_ENTER},
    {0, L'\r', ACT_ENTER},       {0, L' ', ACT_SELECT},       {0, L'q', ACT_BACK},
    {0, 27, ACT_BACK},           {0, L'Q', ACT_QUIT},         {1, KEY_F(1), ACT_HELP},
    {0, L'h', ACT_HELP},         {0, L'?', ACT_HELP},         {1, KEY_F(2), ACT_SAVE},
    {0, L's', ACT_SAVE},         {1, KEY_F(3), ACT_SEARCH},   {0, L'/', ACT_SEARCH},
    {1, KEY_F(7), ACT_FILTER},   {0, L'f', ACT_FILTER},       {1, KEY_F(5), ACT_CLEAR},
    {0, L'p', ACT_PAUSE},        {0, L'o', ACT_SORT},         {1, KEY_F(10), ACT_SORT},
    {0, L'O', ACT_SORT_REV},     {0, L'n', ACT_NEXT},         {0, L'N', ACT_PREV},
    {0, L't', ACT_PANE},         {0, 'F' - 64, ACT_PGDN},     {0, 'B' - 64, ACT_PGUP},
    {0, L'G', ACT_REGS},         {0, L'T', ACT_STATS},        {0, L'm', ACT_MEDIA},
    {0, L'M', ACT_MEDIA_TABLE},  {0, L'F', ACT_MATCHING},
    {0, L'D', ACT_FINDINGS},
};

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
    [ACT_SELECT] = {"Space", "mark a call (Enter merges the marked calls)"},
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

const char *keymap_desc(enum action a)
{
    return (unsigned)a < ACT__COUNT && info[a].desc ? info[a].desc : "";
}
