/* SPDX-License-Identifier: MIT */
/*
 * The console line editor: pure logic, fed one input byte at a time, that
 * keeps the line and the cursor and writes what the terminal must show
 * through a callback. Keys (emacs-style, as in bash):
 *
 *   printable        insert at the cursor
 *   Backspace ^H     delete before the cursor    Delete, ^D   delete at it
 *   Left ^B, Right ^F                            Home ^A, End ^E
 *   ^U  delete to the start    ^K  delete to the end    ^W  the word before
 *   Up ^P, Down ^N   older / newer history (the line being typed is kept)
 *   ^C  drop the line          Enter (CR, LF or CRLF)  the line is done
 *
 * Escape sequences (ESC [ A..D H F, ESC [ n ~, ESC O H/F) are parsed byte by
 * byte, so they may arrive split across reads; unknown ones are swallowed
 * whole. Other control bytes and bytes >= 0x80 are ignored.
 */
#ifndef DOM0_LINEEDIT_H
#define DOM0_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LE_LINE_MAX     256     /* bytes in a line, NUL included */
#define LE_HISTORY      16      /* lines remembered */
#define LE_SEQ_MAX      16      /* an escape sequence longer than this is dropped */

typedef void (*le_write_fn)(void *ctx, const char *buf, size_t len);

enum le_state { LE_TEXT, LE_ESC, LE_CSI, LE_SS3 };

struct lineedit {
    char buf[LE_LINE_MAX];      /* the line being edited, NUL-ended */
    size_t len, cur;            /* its length; the cursor, 0..len */
    const char *prompt;         /* redrawn in front of the line */
    le_write_fn write;
    void *ctx;
    enum le_state state;
    char seq[LE_SEQ_MAX];       /* an escape sequence's parameters */
    size_t seq_len;
    bool seq_overflow;
    bool after_cr;              /* the last byte was CR: a LF next is its pair */
    char hist[LE_HISTORY][LE_LINE_MAX];
    unsigned int hist_count;    /* lines held, <= LE_HISTORY */
    unsigned int hist_next;     /* slot the next line goes to */
    int hist_pos;               /* -1: editing the new line; else age, 0 newest */
    char saved[LE_LINE_MAX];    /* the new line, while browsing history */
    char line[LE_LINE_MAX];     /* the last line finished (le_feed() true) */
};

/* An empty line with no history; output goes to write(ctx, ...). prompt is
 * what the caller printed before the line (used when redrawing). */
void le_init(struct lineedit *le, const char *prompt, le_write_fn write, void *ctx);

/* Take one input byte. true when it finished a line: the line is then in
 * le->line (and in the history unless empty or equal to the newest entry),
 * "\r\n" was echoed, and the editor is ready for the next line. */
bool le_feed(struct lineedit *le, unsigned char c);

#endif
