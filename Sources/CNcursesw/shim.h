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

// Ctrl-/Alt-arrows have no KEY_ constant: ncurses assigns codes to terminfo's extended
// capabilities (kLFT5, kRIT5, ...). 0 when the terminal does not define the capability.
static inline int sb_key_code_for_cap(const char *cap) {
    char *sequence = tigetstr(cap);
    if (sequence == NULL || sequence == (char *)-1) return 0;
    int code = key_defined(sequence);
    return code > 0 ? code : 0;
}

// glibc declares wcwidth only under _XOPEN_SOURCE; the painter checks its widths against ours.
extern int wcwidth(wchar_t c);
static inline int sb_wcwidth(wchar_t c) { return wcwidth(c); }

// Paints one cell: a spacing character plus up to four combining marks, NUL-terminated.
static inline int sb_paint_cell(WINDOW *w, int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cell);
}
#endif
