/*
 * palette: theme roles -> curses attributes, computed once at start-up
 * (and never while drawing).  UI thread only.  Without colours (NO_COLOR,
 * --no-color, !has_colors()) roles use the theme's monochrome column.
 */
#include "ui_int.h"

static attr_t attrs_of(unsigned a)
{
    attr_t r = A_NORMAL;

    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_DIM)
        r |= A_DIM;
    if (a & THEME_UNDERSCORE)
        r |= A_UNDERLINE;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_BLINK)
        r |= A_BLINK;
#ifdef A_ITALIC
    if (a & THEME_ITALICS)
        r |= A_ITALIC;
#endif
    return r;
}

static short fit_color(short c)
{
    if (c < 0)
        return -1;
    if (c >= COLORS) /* 256-colour theme on an 8/16-colour terminal */
        return c >= 8 && c < 16 ? (short)(c - 8) : -1;
    return c;
}

void palette_init(struct ui *ui)
{
    struct theme mono;
    short fg[ROLE__COUNT], bg[ROLE__COUNT];
    int i, j, npairs = 0;
    short pair_of[ROLE__COUNT];

    if (!ui->color) {
        theme_init_mono(&mono);
        for (i = 0; i < ROLE__COUNT; i++)
            ui->attr[i] = attrs_of(mono.role[i].attrs);
        return;
    }
    for (i = 0; i < ROLE__COUNT; i++) {
        const struct theme_style *st = &ui->theme.role[i];
        short f = fit_color(st->fg), b = fit_color(st->bg);

        /* Bright colours on an 8-colour terminal: bold gives the brightness. */
        if (st->fg >= 8 && st->fg < 16 && COLORS < 16)
            ui->attr[i] = A_BOLD;
        else
            ui->attr[i] = A_NORMAL;
        fg[i] = f;
        bg[i] = b;
        pair_of[i] = 0;
        for (j = 0; j < i; j++) {
            if (fg[j] == f && bg[j] == b) {
                pair_of[i] = pair_of[j];
                break;
            }
        }
        if (j == i && (f != -1 || b != -1) && npairs + 1 < COLOR_PAIRS) {
            npairs++;
            init_pair((short)npairs, f, b);
            pair_of[i] = (short)npairs;
        }
        ui->attr[i] |= attrs_of(st->attrs) | COLOR_PAIR(pair_of[i]);
    }
}
