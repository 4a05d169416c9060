/* SPDX-License-Identifier: MIT */
/* The VGA text screen (console=vga): drivers/vga_text.c. */
#ifndef PETREL_VGA_TEXT_H
#define PETREL_VGA_TEXT_H

#include <petrel/types.h>

#define VGA_TEXT_PA     0xb8000     /* colour text mode's buffer */
#define VGA_TEXT_COLS   80
#define VGA_TEXT_ROWS   25

struct vga_text {
    volatile uint16_t *buf;         /* cols * rows cells: attribute << 8 | char */
    unsigned int cols, rows;
    unsigned int x, y;              /* the cursor; x == cols: the line is full */
    uint8_t attr;                   /* e.g. 0x07, light grey on black */
};

/* Blank the screen and home the cursor. */
void vga_text_clear(struct vga_text *t);
/* One character: '\n' new line, '\r' line start, '\b' one column back,
 * '\t' to a multiple of 8, other control or non-ASCII bytes as '?'; wraps
 * and scrolls. Caller locks (a cursor found off the screen is clamped). */
void vga_text_putc(struct vga_text *t, char c);

#endif
