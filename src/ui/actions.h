/*
 * actions.h: every console action, one row each (an X-macro, like
 * include/theme_roles.h): its enum, its name in the config file's
 * `bind KEY ACTION`, its default keys and its line on the help screen.
 *
 * The keys are written as a `bind` line writes them ("F1 h ?", "C-b",
 * "PgUp"), space-separated, the first ones being those the key bar shows.
 * keymap.c turns them into the bindings; the help screen and the key bar
 * list the keys bound at the time (a `bind` line shows there), so nothing
 * here is repeated elsewhere.  To add an action, add a row.
 *
 * No curses here: tests/unit/test_ui_actions.c reads the table too.
 */
#ifndef SIPDX_UI_ACTIONS_H
#define SIPDX_UI_ACTIONS_H

/* X(enum, bind name, default keys, help text) */
#define UI_ACTIONS(X)                                                                              \
    X(ACT_UP, "up", "Up k", "previous line")                                                       \
    X(ACT_DOWN, "down", "Down j", "next line")                                                     \
    X(ACT_PGUP, "page-up", "PgUp C-b", "previous page")                                            \
    X(ACT_PGDN, "page-down", "PgDn C-f", "next page")                                              \
    X(ACT_HOME, "home", "Home", "first line")                                                      \
    X(ACT_END, "end", "End", "last line")                                                          \
    X(ACT_LEFT, "left", "Left", "ladder: scroll the message pane back")                            \
    X(ACT_RIGHT, "right", "Right", "ladder: scroll the message pane on")                           \
    X(ACT_ENTER, "open", "Enter", "open (ladder of the marked or current call; message)")          \
    X(ACT_SELECT, "mark", "Space",                                                                 \
      "mark a call (Enter merges them); ladder: pick 2 messages to diff")                          \
    X(ACT_BACK, "back", "q Esc", "back; quit from the call list")                                  \
    X(ACT_QUIT, "quit", "Q", "quit")                                                               \
    X(ACT_HELP, "help", "F1 h ?", "help")                                                          \
    X(ACT_SAVE, "save", "F2 s", "save calls: all, marked or visible; any --save format")           \
    X(ACT_SEARCH, "search", "F3 /", "search the call list")                                        \
    X(ACT_FILTER, "filter", "F7 f", "filter (filter language, see sipdx(1))")                      \
    X(ACT_CLEAR, "clear", "F5", "clear calls (and filter/search)")                                 \
    X(ACT_PAUSE, "pause", "p", "pause/resume loading")                                             \
    X(ACT_SORT, "sort", "o F10", "next sort column")                                               \
    X(ACT_SORT_REV, "sort-reverse", "O", "reverse sort order")                                     \
    X(ACT_NEXT, "next-failure", "n", "next failure")                                               \
    X(ACT_PREV, "previous-failure", "N", "previous failure")                                       \
    X(ACT_PANE, "pane", "t", "toggle the message pane")                                            \
    X(ACT_REGS, "registrations", "G", "registrations per extension (AOR)")                         \
    X(ACT_STATS, "statistics", "T", "statistics: ASR, ACD, PDD, NER, SER, response codes")         \
    X(ACT_MEDIA, "media", "m", "ladder: RTP arrows on/off (packets, codec, loss)")                 \
    X(ACT_MEDIA_TABLE, "media-table", "M",                                                         \
      "ladder: media table (RTP streams, SDP, media findings)")                                    \
    X(ACT_MATCHING, "matching", "F", "ladder: only the messages matching the filter, or all")      \
    X(ACT_FINDINGS, "findings", "D", "findings: every problem found in the capture, by severity")  \
    X(ACT_TIME, "time", "a", "ladder: absolute capture time or deltas")                            \
    X(ACT_COLLAPSE, "collapse", "c",                                                               \
      "ladder: one column per IP address (ports merged) or per IP:port")                           \
    X(ACT_COMPARE, "compare", "C",                                                                 \
      "compare the call with the answered call most like it, or the two marked calls")             \
    X(ACT_EXPORT, "export", "e",                                                                   \
      "export the current or marked calls to share: .html .svg .mmd .puml .csv")                   \
    X(ACT_COPY, "copy", "y",                                                                       \
      "copy the Call-ID (list, ladder) or the message to the clipboard (OSC 52)")

enum action {
    ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, keys, help) id,
    UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
    ACT__COUNT
};

#endif
