/*
 * ui_int.h: what the console's files share (views, actions, drawing).
 * UI thread only: nothing here may be touched by the capture thread.
 */
#ifndef SIPDX_UI_INT_H
#define SIPDX_UI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "cli.h"
#include "diag.h"
#include "engine.h"
#include "filter.h"
#include "kb.h"
#include "settings.h"
#include "store.h"
#include "theme.h"
#include "ui.h"
#include "util.h"

/* ---------------------------------------------------------------- actions */

/* enum action: one row per action in actions.h */
#include "actions.h"

struct ui;
/* The bindings: every action's default keys (actions.h), then the config
 * file's `bind` lines, which win (a key bound to "none" is unbound).  A
 * bad key or action in the config appends "file:line: ..." to errs and
 * that line is skipped. */
void keymap_load(struct ui *ui, const struct settings *s, struct strbuf *errs);
/* The action of a key now (ACT_NONE when it is not bound). */
enum action keymap_lookup(const struct ui *ui, int is_key, wint_t ch);
/* The keys bound to a now, as "F1/h/?": the config's first, then the
 * defaults still bound to it; at most max names (0: all). */
void keymap_keys(const struct ui *ui, enum action a, size_t max, char *out, size_t n);
/* The help screen's text of an action. */
const char *keymap_desc(enum action a);
/* Pacing for views that recompute over the whole store (Findings,
 * Registrations, Statistics): while a capture loads they rebuild at most
 * once a second, and spend at most 1/factor of the time rebuilding, so a
 * big store keeps the console responsive (draw.c). */
struct ui_pace {
    uint64_t gen;            /* store_gen() of the last build */
    struct timespec started; /* when the last build began */
    struct timespec at;      /* when it ended */
    long wait_ms;            /* until the next build may start */
};
void ui_pace_begin(struct ui_pace *p);
void ui_pace_end(struct ui_pace *p, uint64_t gen, long factor);
/* True when the store moved on and the wait is over; when it moved on but
 * the wait is not over, sets ui->stale so the console keeps asking. */
bool ui_pace_due(struct ui *ui, const struct ui_pace *p);

/* ---------------------------------------------------------------- views */

enum {
    UI_HANDLED = 1u << 0,
    UI_REDRAW = 1u << 1,
    UI_POP = 1u << 2,
    UI_QUIT = 1u << 3,
    UI_REBUILD = 1u << 4, /* lists depend on the filter/search/store: rebuild */
};

struct ui_binding {
    int is_key; /* 1: a KEY_* code, 0: a character */
    wint_t ch;
    enum action act;  /* ACT_NONE: unbound */
    bool from_config; /* a `bind` line, not a default */
    bool shown;       /* false for the codes that only complete a key (Enter's) */
};

/* The endpoint's alias from the config file, or its address (with port
 * unless ip_only), escaped, into out (ui.c). */
void ui_endpoint_name(const struct ui *ui, const struct cap_addr *a, bool ip_only, char *out,
                      size_t outlen);

struct key_hint {
    enum action act;
    const char *label;
};

struct ui;
struct view;

struct view_ops {
    const char *name;
    bool overlay;                                 /* drawn over the view below */
    int (*open)(struct view *v, const void *arg); /* alloc v->state; arg: its ui_push_* type */
    void (*close)(struct view *v);                /* free it */
    void (*update)(struct view *v);               /* before draw: refresh caches */
    void (*draw)(struct view *v, WINDOW *w);      /* reads state; mutates nothing */
    unsigned (*on_action)(struct view *v, enum action a);
    unsigned (*on_char)(struct view *v, int is_key, wint_t ch); /* text entry: all keys */
    const struct key_hint *hints;
};

struct view {
    const struct view_ops *ops;
    struct ui *ui;
    void *state; /* owned by the view */
};

extern const struct view_ops view_calls_ops;
extern const struct view_ops view_flow_ops;
extern const struct view_ops view_msg_ops;
extern const struct view_ops view_prompt_ops;
extern const struct view_ops view_text_ops;
extern const struct view_ops view_regs_ops;  /* no argument */
extern const struct view_ops view_stats_ops; /* no argument */
extern const struct view_ops view_media_ops; /* struct flow_arg: the calls */
extern const struct view_ops view_findings_ops;

/* Argument of view_flow_ops: the calls to merge. */
struct flow_arg {
    const uint64_t *ids;
    size_t n;
    bool focus; /* put the cursor on (focus_call, focus_idx) */
    uint64_t focus_call;
    uint32_t focus_idx;
};
/* Argument of view_msg_ops: one message. */
struct msg_arg {
    uint64_t call_id;
    uint32_t msg_index;
};
/* Argument of view_prompt_ops. */
enum prompt_kind {
    PROMPT_FILTER,
    PROMPT_SEARCH
};
/* Argument of view_text_ops (the help screen). */
struct text_arg {
    const char *title;
};

/* Argument of view_save_ops: the calls the user singled out (marked in the
 * list, or the ladder's) and the list's visible rows. */
struct save_arg {
    const uint64_t *sel;
    size_t nsel;
    const uint64_t *vis;
    size_t nvis;
    bool has_vis; /* opened from the call list */
    bool share;   /* e: an export to share (.html by default) */
};
extern const struct view_ops view_save_ops;

/* Argument of view_diff_ops: two messages (call id, message index). */
struct diff_arg {
    uint64_t call[2];
    uint32_t idx[2];
};
extern const struct view_ops view_diff_ops;

/* Argument of view_compare_ops: a failed call, and the good call to hold
 * it against (has_good false: the answered call most like it). */
struct compare_arg {
    uint64_t failed, good;
    bool has_good;
};
extern const struct view_ops view_compare_ops;

#define UI_MAX_VIEWS 8

struct ui {
    const struct config *cfg; /* borrowed */
    struct store *store;      /* owned */
    struct kb *kb;            /* owned, may be NULL */
    struct loader *loader;    /* owned */
    struct theme theme;
    attr_t attr[ROLE__COUNT]; /* palette.c */
    bool color, ascii, utf8;
    int rows, cols;
    struct view stack[UI_MAX_VIEWS];
    int depth;
    /* a push requested by a handler (ui_push_*), done after it returns */
    struct {
        const struct view_ops *ops; /* NULL: none */
        union {
            struct flow_arg flow;
            struct msg_arg msg;
            enum prompt_kind prompt;
            struct text_arg text;
            struct save_arg save;
            struct diff_arg diff;
            struct compare_arg compare;
        } arg;
        uint64_t *ids; /* owned: the copies behind arg.flow.ids, arg.save */
    } push;
    bool paused;
    struct filter *filter;     /* owned: active call filter, NULL = none */
    char search[128];          /* call-list search text ("" = none) */
    char notice[256];          /* one-line message in the status line */
    uint64_t list_gen;         /* bumped when filter/search change */
    bool stale;                /* a view shows older data than the store (it rebuilds at
                                  most so often): redraw on the next tick */
    struct prompt_hist *fhist; /* owned: filter history (view_prompt.c) */
    struct prompt_hist *shist; /* owned: search history, this session only */
    bool confirm_clear;        /* F5 asked "discard all calls?": the next key answers */
    uint64_t clears;           /* times the calls were discarded (F5): views drop
                                  what they keep about the old store */
    struct settings settings;  /* owned: the config file (settings.h) */
    struct ui_binding *binds;  /* owned: the key bindings, the last of a key wins (keymap.c) */
    size_t nbinds;
};

/* view_prompt.c: frees ui->fhist and ui->shist. */
void prompt_history_free(struct ui *ui);

/* View pushes, done after the current handler returns.  Each one takes a
 * typed argument and copies it, arrays included, into a request of its
 * own (nothing of an earlier push is left in it), so the caller's storage
 * may go at once.  A second push in one handler replaces the first. */
void ui_push(struct ui *ui, const struct view_ops *ops); /* a view without argument */
/* The ladder of these calls merged. */
void ui_push_flow(struct ui *ui, const uint64_t *ids, size_t n);
/* The ladder of one call with the cursor on its message idx. */
void ui_push_flow_at(struct ui *ui, uint64_t call_id, uint32_t idx);
/* The media table of these calls. */
void ui_push_media(struct ui *ui, const uint64_t *ids, size_t n);
void ui_push_msg(struct ui *ui, uint64_t call_id, uint32_t idx);
void ui_push_prompt(struct ui *ui, enum prompt_kind kind);
void ui_push_help(struct ui *ui);
/* The save dialog: sel the calls singled out; vis the call list's visible
 * rows, or NULL when not opened from the call list. */
void ui_push_save(struct ui *ui, const uint64_t *sel, size_t nsel, const uint64_t *vis,
                  size_t nvis);
void ui_push_diff(struct ui *ui, const struct diff_arg *d);
void ui_push_compare(struct ui *ui, const struct compare_arg *c);
/* The ladder of every leg of call id's end-to-end call (legs.h, with the
 * config file's legs rules); the call alone when it has no other leg.
 * With focus, the cursor starts on message idx of call id. */
void ui_push_call_legs(struct ui *ui, uint64_t id, bool focus, uint32_t idx);
/* e: the save dialog for these calls, set to a page to share (.html). */
void ui_push_export(struct ui *ui, const uint64_t *ids, size_t n);
/* y: puts data on the user's clipboard through the terminal (OSC 52, which
 * works over SSH and through tmux with set-clipboard) and says what in
 * the status line (what: "Call-ID 1-2@h"). */
void ui_copy(struct ui *ui, const char *what, const char *data, size_t n);
/* ui_copy of a call's Call-ID. */
void copy_call_id(struct ui *ui, const struct store_call *c);
/* Sets the status-line notice (printf-style). */
void ui_notice(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* palette.c */
void palette_init(struct ui *ui);
static inline attr_t ui_attr(const struct ui *ui, enum theme_role r)
{
    return ui->attr[r];
}

/* draw.c: moves a list cursor for Up/Down/PgUp/PgDn/Home/End; returns
 * false for any other action (the view handles it). */
bool draw_list_move(size_t *cur, size_t n, size_t page, enum action a);

/* draw.c: width-aware text on screen.  Text must already be escaped. */
/* Draws s (UTF-8) at y,x within w cells; returns the cells used. */
int draw_str(const struct ui *ui, WINDOW *win, int y, int x, int w, const char *s, attr_t a);
/* Cells s takes on screen. */
int draw_width(const struct ui *ui, const char *s);
/* Fills w cells with spaces in attribute a. */
void draw_fill(WINDOW *win, int y, int x, int w, attr_t a);
void draw_hline(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t a);
void draw_vline_ch(const struct ui *ui, WINDOW *win, int y, int x, attr_t a);
/* The key-hint bar on the last row. */
void draw_hints(const struct ui *ui, WINDOW *win, const struct key_hint *hints);
/* The status line on row y: mode, counts, filter, notice. */
void draw_status(const struct ui *ui, WINDOW *win, int y, const char *view_title);
/* The same, saying "shown of total noun" (a narrowed list) when noun is
 * not NULL. */
void draw_status_n(const struct ui *ui, WINDOW *win, int y, const char *view_title, size_t shown,
                   size_t total, const char *noun);
/* Appends bytes escaped for the terminal. */
void draw_escape(struct strbuf *b, const char *s, size_t n);

/* Syntax-coloured lines of a SIP message (view_msg.c, used by the ladder's
 * pane too): draws msg text wrapped into the box, first line `skip`.
 * Returns the total number of wrapped lines. */
/* Escaped text ('\n'-separated lines) wrapped into the box, first row
 * skip; returns the total number of wrapped rows. */
int draw_wrapped(const struct ui *ui, WINDOW *win, int y, int x, int h, int w, const char *text,
                 attr_t a, int skip);
int draw_sip_text(const struct ui *ui, WINDOW *win, int y, int x, int h, int w, const char *text,
                  size_t len, int skip);

/* Call helpers shared by views. */
attr_t call_state_attr(const struct ui *ui, const struct store_call *c);
/* "487 Request Terminated" or kb short text; escaped into out. */
void call_status_text(const struct ui *ui, const struct store_call *c, struct strbuf *out);

/* view_findings.c: findings (diag.h) for the other views.  A cache of each
 * call's diagnosis, recomputed when its message count changes; owned by
 * the call list (one per session), reset when the store is cleared. */
struct findings_cache;
struct findings_cache *findings_cache_new(void);
void findings_cache_free(struct findings_cache *fc);
void findings_cache_reset(struct findings_cache *fc);
/* '!' (a problem), '?' (a warning) or ' ' for a call. */
char findings_call_mark(struct findings_cache *fc, const struct ui *ui, const struct store_call *c);
/* The Final column: status, kb short text read in context ("[failed here]"),
 * Q.850 / Warning; escaped into out (reset first). */
void findings_call_status(struct findings_cache *fc, const struct ui *ui,
                          const struct store_call *c, struct strbuf *out);
/* Lines for the message view: the response explained in context and every
 * finding pointing at the message (title: facts), escaped, '\n'-separated. */
void findings_msg_text(const struct ui *ui, const struct store_call *c, uint32_t idx,
                       struct strbuf *out);

#endif
