#ifndef RECSYS_CNCURSESW_SHIM_H
#define RECSYS_CNCURSESW_SHIM_H

// Wide-character ncurses, seen from Swift 6.
// Swift cannot read C globals under strict concurrency, nor see function-like
// macros, so everything the terminal backend needs is wrapped here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

int wcwidth(wchar_t c);

static inline WINDOW *recsys_stdscr(void) { return stdscr; }
static inline int recsys_lines(void) { return LINES; }
static inline int recsys_cols(void) { return COLS; }
static inline int recsys_colors(void) { return COLORS; }
static inline int recsys_color_pairs(void) { return COLOR_PAIRS; }
static inline int recsys_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int recsys_getmaxx(WINDOW *w) { return getmaxx(w); }

static const attr_t recsys_A_NORMAL = A_NORMAL;
static const attr_t recsys_A_BOLD = A_BOLD;
static const attr_t recsys_A_REVERSE = A_REVERSE;
static const attr_t recsys_A_UNDERLINE = A_UNDERLINE;
static const attr_t recsys_A_DIM = A_DIM;
static const attr_t recsys_A_ITALIC = A_ITALIC;

static inline attr_t recsys_color_pair(int n) { return COLOR_PAIR(n); }

static const int recsys_KEY_UP = KEY_UP;
static const int recsys_KEY_DOWN = KEY_DOWN;
static const int recsys_KEY_LEFT = KEY_LEFT;
static const int recsys_KEY_RIGHT = KEY_RIGHT;
static const int recsys_KEY_HOME = KEY_HOME;
static const int recsys_KEY_END = KEY_END;
static const int recsys_KEY_NPAGE = KEY_NPAGE;
static const int recsys_KEY_PPAGE = KEY_PPAGE;
static const int recsys_KEY_BACKSPACE = KEY_BACKSPACE;
static const int recsys_KEY_DC = KEY_DC;
static const int recsys_KEY_ENTER = KEY_ENTER;
static const int recsys_KEY_BTAB = KEY_BTAB;
static const int recsys_KEY_RESIZE = KEY_RESIZE;
static const int recsys_KEY_MOUSE = KEY_MOUSE;
static const int recsys_KEY_F1 = KEY_F(1);
static const int recsys_OK = OK;
static const int recsys_ERR = ERR;

static const mmask_t recsys_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t recsys_BUTTON1_CLICKED = BUTTON1_CLICKED;
static const mmask_t recsys_BUTTON4_PRESSED = BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
static const mmask_t recsys_BUTTON5_PRESSED = BUTTON5_PRESSED;
#else
static const mmask_t recsys_BUTTON5_PRESSED = 0;
#endif
static const mmask_t recsys_ALL_MOUSE_EVENTS = ALL_MOUSE_EVENTS;
static const mmask_t recsys_REPORT_MOUSE_POSITION = REPORT_MOUSE_POSITION;

// --- Added for the terminal backend (RecsysTerminal) ---
#include <stdio.h>

/// newterm() on the process's stdout/stdin (Swift cannot read the `stdout` global).
/// Returns NULL (instead of exiting like initscr) when the terminal type is unknown.
static inline SCREEN *recsys_newterm(const char *term) { return newterm(term, stdout, stdin); }

static inline WINDOW *recsys_curscr(void) { return curscr; }

static const int recsys_KEY_CODE_YES = KEY_CODE_YES;
static const int recsys_KEY_F0 = KEY_F0;
static const int recsys_KEY_SHOME = KEY_SHOME;
static const int recsys_KEY_SEND = KEY_SEND;
static const int recsys_KEY_SF = KEY_SF;
static const int recsys_KEY_SR = KEY_SR;
static const int recsys_KEY_A1 = KEY_A1;
static const int recsys_KEY_A3 = KEY_A3;
static const int recsys_KEY_B2 = KEY_B2;
static const int recsys_KEY_C1 = KEY_C1;
static const int recsys_KEY_C3 = KEY_C3;

static const mmask_t recsys_BUTTON1_RELEASED = BUTTON1_RELEASED;
static const mmask_t recsys_BUTTON1_DOUBLE_CLICKED = BUTTON1_DOUBLE_CLICKED;

/// getmouse() flattened into out-parameters: returns OK or ERR.
static inline int recsys_getmouse(int *x, int *y, mmask_t *bstate) {
    MEVENT ev;
    int rc = getmouse(&ev);
    if (rc == OK) { *x = ev.x; *y = ev.y; *bstate = ev.bstate; }
    return rc;
}

#endif
