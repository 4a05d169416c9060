/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's console line editor (tools/dom0/lineedit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/dom0/lineedit.h"

#define PROMPT "dom0# "

static struct lineedit le;
static char echo[8192];
static size_t echo_len;
static unsigned int lines_done;

static void capture(void *ctx, const char *buf, size_t len)
{
    assert_ptr_equal(ctx, &le);
    assert_true(echo_len + len < sizeof(echo));
    memcpy(echo + echo_len, buf, len);
    echo_len += len;
    echo[echo_len] = '\0';
}

static int setup(void **state)
{
    le_init(&le, PROMPT, capture, &le);
    echo_len = 0;
    echo[0] = '\0';
    lines_done = 0;
    return 0;
}

/* Feed s byte by byte; count finished lines. */
static void feed(const char *s)
{
    for (; *s; s++)
        if (le_feed(&le, (unsigned char)*s))
            lines_done++;
}

static void clear_echo(void)
{
    echo_len = 0;
    echo[0] = '\0';
}

static void expect(const char *line, size_t cur)
{
    assert_string_equal(le.buf, line);
    assert_int_equal(le.len, strlen(line));
    assert_int_equal(le.cur, cur);
}

static void test_typing(void **state)
{
    feed("ls -l");
    expect("ls -l", 5);
    assert_string_equal(echo, "ls -l");
    clear_echo();
    feed("\x7f");
    expect("ls -", 4);
    assert_string_equal(echo, "\b \b");
    feed("\b\b\b\b\b\b");                   /* ^H, past the start */
    expect("", 0);
    feed("\t\x80\xff\x01");                 /* ignored bytes; ^A at 0 */
    expect("", 0);
    clear_echo();
    feed("hi\r");
    assert_int_equal(lines_done, 1);
    assert_string_equal(le.line, "hi");
    assert_string_equal(echo, "hi\n");
    expect("", 0);
}

static void test_enter_forms(void **state)
{
    feed("a\r\nb\nc\r\r");
    assert_int_equal(lines_done, 4);        /* CRLF is one Enter, CR CR two */
    assert_string_equal(le.line, "");
    feed("\n");                             /* pairs with the last CR */
    assert_int_equal(lines_done, 4);
    feed("x\n\n");
    assert_int_equal(lines_done, 6);
    assert_string_equal(le.line, "");
}

static void test_cursor_moves(void **state)
{
    feed("abcd");
    clear_echo();
    feed("\x1b[D\x1b[D");                   /* Left twice */
    expect("abcd", 2);
    assert_string_equal(echo, "\x1b[1D\x1b[1D");
    clear_echo();
    feed("X");                              /* insert in the middle: redraw */
    expect("abXcd", 3);
    assert_string_equal(echo, "\r" PROMPT "abXcd\x1b[K\x1b[2D");
    feed("\x02\x02\x02\x02\x02");           /* ^B past the start */
    expect("abXcd", 0);
    feed("\x06");                           /* ^F */
    expect("abXcd", 1);
    feed("\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C"); /* Right past the end */
    expect("abXcd", 5);
    feed("\x01");
    expect("abXcd", 0);
    feed("\x05");
    expect("abXcd", 5);
    feed("\x1b[H");
    expect("abXcd", 0);
    feed("\x1b[F");
    expect("abXcd", 5);
    feed("\x1b[1~");
    expect("abXcd", 0);
    feed("\x1b[4~");
    expect("abXcd", 5);
    feed("\x1b[7~");
    expect("abXcd", 0);
    feed("\x1b[8~");
    expect("abXcd", 5);
    feed("\x1bOH");
    expect("abXcd", 0);
    feed("\x1bOF");
    expect("abXcd", 5);
}

static void test_deleting(void **state)
{
    feed("hello world");
    feed("\x01\x1b[3~");                    /* Delete at the start */
    expect("ello world", 0);
    feed("\x04");                           /* ^D */
    expect("llo world", 0);
    feed("\x05\x1b[3~\x04");                /* Delete, ^D at the end: nothing */
    expect("llo world", 9);
    feed("\x1b[D\x1b[D\x0b");               /* ^K */
    expect("llo wor", 7);
    feed("\x1b[D\x1b[D\x1b[D\x15");         /* ^U */
    expect("wor", 0);
    feed("\x05 one  two  ");
    feed("\x17");                           /* ^W: "two  " */
    expect("wor one  ", 9);
    feed("\x17");
    expect("wor ", 4);
    feed("\x17\x17");
    expect("", 0);
    feed("ab cd\x1b[D\x17");                /* ^W in a word: "c" */
    expect("ab d", 3);
}

static void test_history(void **state)
{
    feed("one\rtwo\rtwo\r\rthree\r");      /* the repeat and the empty one are not kept */
    assert_int_equal(le.hist_count, 3);
    feed("draft");
    feed("\x1b[A");
    expect("three", 5);
    feed("\x1b[A\x1b[A");
    expect("one", 3);
    feed("\x1b[A");                         /* no older: stays */
    expect("one", 3);
    feed("\x0e");                           /* ^N */
    expect("two", 3);
    feed("\x1b[B\x1b[B");
    expect("draft", 5);                     /* the line being typed came back */
    feed("\x1b[B");
    expect("draft", 5);
    feed("\x10!\r");                        /* ^P, edit the old line, Enter */
    assert_string_equal(le.line, "three!");
    feed("\x1b[A");
    expect("three!", 6);
    feed("\x1b[A");
    expect("three", 5);                     /* the entry itself was not changed */
}

static void test_history_bounded(void **state)
{
    char cmd[16];

    for (int i = 0; i < LE_HISTORY + 5; i++) {
        snprintf(cmd, sizeof(cmd), "c%d\r", i);
        feed(cmd);
    }
    assert_int_equal(le.hist_count, LE_HISTORY);
    for (int i = 0; i < LE_HISTORY + 3; i++)
        feed("\x1b[A");
    snprintf(cmd, sizeof(cmd), "c%d", 5);   /* the oldest kept */
    expect(cmd, strlen(cmd));
}

static void test_split_sequences(void **state)
{
    /* ESC [ D arriving one byte per read is one Left. */
    feed("ab");
    assert_false(le_feed(&le, 0x1b));
    assert_false(le_feed(&le, '['));
    expect("ab", 2);
    assert_false(le_feed(&le, 'D'));
    expect("ab", 1);
    /* Unknown sequences are swallowed whole, parameters and all. */
    feed("\x1b[12;5Z\x1b[99~\x1b[200~");
    expect("ab", 1);
    /* An over-long sequence is dropped, and text after it is text. */
    feed("\x1b[11111111111111111111111111111D");
    expect("ab", 1);
    feed("x");
    expect("axb", 2);
    /* ESC then a plain byte: both dropped. */
    feed("\x1bq");
    expect("axb", 2);
    /* A control byte inside a sequence ends it. */
    feed("\x1b[1\x01");
    expect("axb", 2);
}

static void test_full_line(void **state)
{
    for (int i = 0; i < LE_LINE_MAX + 10; i++)
        feed("z");
    assert_int_equal(le.len, LE_LINE_MAX - 1);
    assert_int_equal(le.buf[LE_LINE_MAX - 1], '\0');
    feed("\r");
    assert_int_equal(strlen(le.line), LE_LINE_MAX - 1);
}

static void test_ctrl_c(void **state)
{
    feed("abc");
    clear_echo();
    feed("\x03");
    assert_int_equal(lines_done, 1);
    assert_string_equal(le.line, "");
    assert_string_equal(echo, "^C\n");
    assert_int_equal(le.hist_count, 0);
    expect("", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_typing, setup),
        cmocka_unit_test_setup(test_enter_forms, setup),
        cmocka_unit_test_setup(test_cursor_moves, setup),
        cmocka_unit_test_setup(test_deleting, setup),
        cmocka_unit_test_setup(test_history, setup),
        cmocka_unit_test_setup(test_history_bounded, setup),
        cmocka_unit_test_setup(test_split_sequences, setup),
        cmocka_unit_test_setup(test_full_line, setup),
        cmocka_unit_test_setup(test_ctrl_c, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
