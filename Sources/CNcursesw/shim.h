/*
 * Vigil's window onto ncursesw. Swift cannot import function-like macros, non-constant macros
 * (A_*, WA_*, KEY_F(n)), variadic functions, or (under Swift 6 strict concurrency) mutable C
 * globals such as stdscr, LINES, COLS, COLORS and COLOR_PAIRS. Each is wrapped here in a
 * prefixed static inline function.
 */
#ifndef VIGIL_CNCURSESW_SHIM_H
#define VIGIL_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <wchar.h>

/* glibc only declares wcwidth under _XOPEN_SOURCE, which SwiftPM does not pass. */
extern int wcwidth(wchar_t c);

/* ---- globals ---------------------------------------------------------------------------- */

static inline WINDOW *vigil_stdscr(void) { return stdscr; }
static inline WINDOW *vigil_curscr(void) { return curscr; }
static inline int vigil_lines(void) { return LINES; }
static inline int vigil_cols(void) { return COLS; }
static inline int vigil_colors(void) { return COLORS; }
static inline int vigil_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *vigil_stdin(void) { return stdin; }
static inline FILE *vigil_stdout(void) { return stdout; }

/* ---- window geometry -------------------------------------------------------------------- */

static inline void vigil_getmaxyx(WINDOW *win, int *rows, int *cols) {
    int y = 0, x = 0;
    if (win != NULL) { getmaxyx(win, y, x); }
    *rows = y;
    *cols = x;
}

static inline void vigil_getyx(WINDOW *win, int *y, int *x) {
    int yy = 0, xx = 0;
    if (win != NULL) { getyx(win, yy, xx); }
    *y = yy;
    *x = xx;
}

/* ---- attributes ------------------------------------------------------------------------- */

static inline attr_t vigil_a_normal(void) { return A_NORMAL; }
static inline attr_t vigil_a_bold(void) { return A_BOLD; }
static inline attr_t vigil_a_dim(void) { return A_DIM; }
static inline attr_t vigil_a_underline(void) { return A_UNDERLINE; }
static inline attr_t vigil_a_reverse(void) { return A_REVERSE; }
static inline attr_t vigil_a_blink(void) { return A_BLINK; }
static inline attr_t vigil_a_italic(void) { return A_ITALIC; }
static inline attr_t vigil_a_standout(void) { return A_STANDOUT; }

static inline attr_t vigil_wa_normal(void) { return WA_NORMAL; }
static inline attr_t vigil_wa_bold(void) { return WA_BOLD; }
static inline attr_t vigil_wa_dim(void) { return WA_DIM; }
static inline attr_t vigil_wa_underline(void) { return WA_UNDERLINE; }
static inline attr_t vigil_wa_reverse(void) { return WA_REVERSE; }
static inline attr_t vigil_wa_blink(void) { return WA_BLINK; }
static inline attr_t vigil_wa_italic(void) { return WA_ITALIC; }

/* ---- keys ------------------------------------------------------------------------------- */

static inline int vigil_key_f(int n) { return KEY_F(n); }
static inline int vigil_key_code_yes(void) { return KEY_CODE_YES; }
static inline int vigil_key_resize(void) { return KEY_RESIZE; }
static inline int vigil_err(void) { return ERR; }
static inline int vigil_ok(void) { return OK; }

/* ---- mouse ------------------------------------------------------------------------------ */

static inline int vigil_key_mouse(void) { return KEY_MOUSE; }

/* Reports a press of the first button and the wheel (buttons 4 and 5), at once (no click
 * resolution delay); 0 turns the mouse off. */
static inline void vigil_enable_mouse(int on) {
    mmask_t mask = on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0;
    mousemask(mask, NULL);
    mouseinterval(0);
}

/* The mouse event waiting after KEY_MOUSE: 1 press, 2 wheel up, 3 wheel down, 0 other or none. */
static inline int vigil_getmouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) { return 0; }
    *x = e.x;
    *y = e.y;
    if (e.bstate & BUTTON4_PRESSED) { return 2; }
    if (e.bstate & BUTTON5_PRESSED) { return 3; }
    if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) { return 1; }
    return 0;
}

/* ---- wide characters -------------------------------------------------------------------- */

/* Fills a cchar_t; `pair` may exceed 32767 (it travels through setcchar's opts pointer). */
static inline int vigil_setcchar(cchar_t *cc, const wchar_t *wch, attr_t attrs, int pair) {
    return setcchar(cc, wch, attrs, 0, &pair);
}

/* Columns a character takes in the current locale (-1: not printable). */
static inline int vigil_wcwidth(wchar_t c) { return wcwidth(c); }

/* ---- terminfo ----------------------------------------------------------------------------- */

/* 1 when the current terminal has string capability `name` ("cup"), else 0. */
static inline int vigil_has_string_cap(const char *name) {
    char *s = tigetstr(name);
    return (s != NULL && s != (char *)-1) ? 1 : 0;
}

/* String capability `name` ("sgr0") of the current terminal, or NULL when it has none. */
static inline const char *vigil_string_cap(const char *name) {
    char *s = tigetstr(name);
    return (s != NULL && s != (char *)-1) ? s : NULL;
}

/* Numeric capability ("colors"); negative when absent or not numeric. */
static inline int vigil_num_cap(const char *name) { return tigetnum(name); }

/* ---- locale / tty ------------------------------------------------------------------------- */

/* nl_langinfo(CODESET) after setlocale(LC_ALL, ""): "UTF-8", "ANSI_X3.4-1968", ... */
static inline const char *vigil_codeset(void) { return nl_langinfo(CODESET); }

/* setlocale(LC_ALL, "") (the user's locale from the environment). */
static inline const char *vigil_setlocale_from_env(void) { return setlocale(LC_ALL, ""); }

/* Size of the terminal on `fd` via TIOCGWINSZ; 0 on success, -1 otherwise. */
static inline int vigil_tty_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) { return -1; }
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

#endif
