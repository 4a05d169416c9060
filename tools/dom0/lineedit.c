// SPDX-License-Identifier: MIT
/*
 * The console line editor; see lineedit.h. Echo policy: typing at the end
 * of the line echoes the byte and a backspace there is "\b \b"; any other
 * change redraws the line: CR, prompt, text, erase to the end of the line
 * (ESC [ K), then ESC [ n D to put the cursor back where it is.
 */
#include <stdio.h>
#include <string.h>
#include "lineedit.h"

#define CTRL(c)     ((c) & 0x1f)
#define ESC         0x1b
#define DEL         0x7f

static void out(struct lineedit *le, const char *s, size_t n)
{
    if (n)
        le->write(le->ctx, s, n);
}

static void outs(struct lineedit *le, const char *s)
{
    out(le, s, strlen(s));
}

static void redraw(struct lineedit *le)
{
    char seq[24];

    outs(le, "\r");
    outs(le, le->prompt);
    out(le, le->buf, le->len);
    outs(le, "\x1b[K");
    if (le->cur < le->len)
        out(le, seq, snprintf(seq, sizeof(seq), "\x1b[%zuD", le->len - le->cur));
}

static void move_to(struct lineedit *le, size_t cur)
{
    char seq[24];

    if (cur < le->cur)
        out(le, seq, snprintf(seq, sizeof(seq), "\x1b[%zuD", le->cur - cur));
    else if (cur > le->cur)
        out(le, seq, snprintf(seq, sizeof(seq), "\x1b[%zuC", cur - le->cur));
    le->cur = cur;
}

static void set_text(struct lineedit *le, const char *s)
{
    le->len = strlen(s);
    memcpy(le->buf, s, le->len + 1);
    le->cur = le->len;
    redraw(le);
}

static void insert(struct lineedit *le, char c)
{
    if (le->len + 1 >= LE_LINE_MAX)
        return;                         /* full: the byte is dropped */
    memmove(le->buf + le->cur + 1, le->buf + le->cur, le->len - le->cur + 1);
    le->buf[le->cur++] = c;
    le->len++;
    if (le->cur == le->len)
        out(le, &c, 1);
    else
        redraw(le);
}

/* Delete [from, to) and redraw (or rub out one byte at the end). */
static void delete_range(struct lineedit *le, size_t from, size_t to)
{
    bool at_end = to == le->len && le->cur == to;

    if (from >= to)
        return;
    memmove(le->buf + from, le->buf + to, le->len - to + 1);
    le->len -= to - from;
    if (le->cur > from)
        le->cur = le->cur >= to ? le->cur - (to - from) : from;
    if (at_end && to - from == 1)
        outs(le, "\b \b");
    else
        redraw(le);
}

static void word_back(struct lineedit *le)
{
    size_t from = le->cur;

    while (from && le->buf[from - 1] == ' ')
        from--;
    while (from && le->buf[from - 1] != ' ')
        from--;
    delete_range(le, from, le->cur);
}

static const char *hist_entry(const struct lineedit *le, unsigned int age)
{
    return le->hist[(le->hist_next + LE_HISTORY - 1 - age) % LE_HISTORY];
}

static void hist_move(struct lineedit *le, int dir)
{
    int pos = le->hist_pos + dir;       /* dir +1: older, -1: newer */

    if (pos < -1 || pos >= (int)le->hist_count)
        return;
    if (le->hist_pos == -1)
        memcpy(le->saved, le->buf, le->len + 1);
    le->hist_pos = pos;
    set_text(le, pos == -1 ? le->saved : hist_entry(le, pos));
}

static void hist_add(struct lineedit *le, const char *s)
{
    if (!*s || (le->hist_count && !strcmp(hist_entry(le, 0), s)))
        return;
    memcpy(le->hist[le->hist_next], s, strlen(s) + 1);
    le->hist_next = (le->hist_next + 1) % LE_HISTORY;
    if (le->hist_count < LE_HISTORY)
        le->hist_count++;
}

static void finish(struct lineedit *le, bool keep)
{
    memcpy(le->line, keep ? le->buf : "", keep ? le->len + 1 : 1);
    if (keep)
        hist_add(le, le->line);
    /* The console turns "\n" into CR LF (Petrel passes dom0's bytes on). */
    outs(le, keep ? "\n" : "^C\n");
    le->len = le->cur = 0;
    le->buf[0] = '\0';
    le->hist_pos = -1;
}

void le_init(struct lineedit *le, const char *prompt, le_write_fn write, void *ctx)
{
    memset(le, 0, sizeof(*le));
    le->prompt = prompt;
    le->write = write;
    le->ctx = ctx;
    le->hist_pos = -1;
}

/* A finished escape sequence: its parameters in seq, final byte fin. */
static void do_sequence(struct lineedit *le, char fin)
{
    const char *p = le->seq;

    if (le->seq_overflow)
        return;
    switch (fin) {
    case 'A': hist_move(le, +1); return;
    case 'B': hist_move(le, -1); return;
    case 'C': if (le->cur < le->len) move_to(le, le->cur + 1); return;
    case 'D': if (le->cur) move_to(le, le->cur - 1); return;
    case 'H': move_to(le, 0); return;
    case 'F': move_to(le, le->len); return;
    case '~':
        if (!strcmp(p, "1") || !strcmp(p, "7"))
            move_to(le, 0);
        else if (!strcmp(p, "4") || !strcmp(p, "8"))
            move_to(le, le->len);
        else if (!strcmp(p, "3"))
            delete_range(le, le->cur, le->cur < le->len ? le->cur + 1 : le->cur);
        return;
    }
}

/* A byte inside ESC [ ... or ESC O ...: parameters until a final byte. */
static void sequence_byte(struct lineedit *le, unsigned char c)
{
    if (c >= 0x40 && c <= 0x7e) {
        le->seq[le->seq_len] = '\0';
        le->state = LE_TEXT;
        do_sequence(le, c);
    } else if (c >= 0x20 && c < 0x40) {
        if (le->seq_len + 1 < LE_SEQ_MAX)
            le->seq[le->seq_len++] = c;
        else
            le->seq_overflow = true;
    } else {
        le->state = LE_TEXT;            /* not a sequence after all: drop it */
    }
}

static bool control_byte(struct lineedit *le, unsigned char c)
{
    switch (c) {
    case '\r': case '\n':
        finish(le, true);
        return true;
    case CTRL('C'): finish(le, false); return true;
    case CTRL('A'): move_to(le, 0); break;
    case CTRL('E'): move_to(le, le->len); break;
    case CTRL('B'): if (le->cur) move_to(le, le->cur - 1); break;
    case CTRL('F'): if (le->cur < le->len) move_to(le, le->cur + 1); break;
    case CTRL('H'): case DEL:
        if (le->cur)
            delete_range(le, le->cur - 1, le->cur);
        break;
    case CTRL('D'):
        if (le->cur < le->len)
            delete_range(le, le->cur, le->cur + 1);
        break;
    case CTRL('U'): delete_range(le, 0, le->cur); break;
    case CTRL('K'): delete_range(le, le->cur, le->len); break;
    case CTRL('W'): word_back(le); break;
    case CTRL('P'): hist_move(le, +1); break;
    case CTRL('N'): hist_move(le, -1); break;
    case ESC:
        le->state = LE_ESC;
        break;
    }
    return false;
}

bool le_feed(struct lineedit *le, unsigned char c)
{
    bool after_cr = le->after_cr;

    le->after_cr = c == '\r';
    switch (le->state) {
    case LE_ESC:
        le->seq_len = 0;
        le->seq_overflow = false;
        le->state = c == '[' ? LE_CSI : c == 'O' ? LE_SS3 : LE_TEXT;
        return false;
    case LE_CSI:
    case LE_SS3:
        sequence_byte(le, c);
        return false;
    case LE_TEXT:
        break;
    }
    if (c == '\n' && after_cr)
        return false;                   /* CRLF: the line ended at the CR */
    if (c >= 0x20 && c < DEL) {
        insert(le, c);
        return false;
    }
    return control_byte(le, c);
}
