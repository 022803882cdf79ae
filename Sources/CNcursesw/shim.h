#ifndef SWITCHBOARD_CNCURSESW_SHIM_H
#define SWITCHBOARD_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags: without this, cchar_t and the wide API stay hidden.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros do not import into Swift; wrap the ones the backend needs.
static inline int sb_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int sb_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline attr_t sb_a_bold(void) { return A_BOLD; }
static inline attr_t sb_a_reverse(void) { return A_REVERSE; }
static inline attr_t sb_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sb_a_dim(void) { return A_DIM; }
static inline attr_t sb_a_normal(void) { return A_NORMAL; }
static inline int sb_key_f(int n) { return KEY_F(n); }
static inline int sb_color_pair(int n) { return COLOR_PAIR(n); }
#endif
