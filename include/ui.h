/*
 * ui: the ncurses console.  ui_run owns everything it creates (store, kb,
 * theme, capture loader, curses) for the life of the console.
 * Thread: the main thread; it starts the capture thread and joins it
 * before returning.
 */
#ifndef SIPDX_UI_H
#define SIPDX_UI_H

struct config;

/* Runs the console on cfg's inputs until the user quits.  Returns the exit
 * status (0, or 2 when it could not start: bad theme, no terminal). */
int ui_run(const struct config *cfg);
/* --version, with the curses library version (only the binary links it). */
int ui_print_version(const struct config *cfg);

#endif
