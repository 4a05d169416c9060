// SPDX-License-Identifier: MIT
/* The VGA text screen as a console: characters, line breaks, scrolling. Pure:
 * it writes to whatever buffer it is given (0xb8000 mapped, or a test's). */
#include <petrel/lib.h>
#include <petrel/vga_text.h>

static void put_cell(struct vga_text *t, unsigned int x, unsigned int y, char c)
{
    t->buf[y * t->cols + x] = (uint16_t)((uint16_t)t->attr << 8 | (uint8_t)c);
}

static void clear_row(struct vga_text *t, unsigned int y)
{
    for (unsigned int x = 0; x < t->cols; x++)
        put_cell(t, x, y, ' ');
}

void vga_text_clear(struct vga_text *t)
{
    for (unsigned int y = 0; y < t->rows; y++)
        clear_row(t, y);
    t->x = t->y = 0;
}

/* Down a line; at the bottom the screen moves up one row. */
static void newline(struct vga_text *t)
{
    t->x = 0;
    if (t->y + 1 < t->rows) {
        t->y++;
        return;
    }
    for (unsigned int i = 0; i < (t->rows - 1) * t->cols; i++)
        t->buf[i] = t->buf[i + t->cols];
    clear_row(t, t->rows - 1);
}

void vga_text_putc(struct vga_text *t, char c)
{
    /* A cursor out of the screen (a panic's forced unlock racing another
     * CPU) is put back on it rather than written past the buffer. */
    if (t->y >= t->rows)
        t->y = t->rows - 1;
    if (t->x > t->cols)
        t->x = t->cols;
    switch (c) {
    case '\b':
        if (t->x)
            t->x--;
        return;
    case '\n':
        newline(t);
        return;
    case '\r':
        t->x = 0;
        return;
    case '\t':
        do
            vga_text_putc(t, ' ');
        while (t->x % 8);
        return;
    }
    /* What the screen's code page would show as something else: '?'. */
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
        c = '?';
    if (t->x == t->cols)
        newline(t);
    put_cell(t, t->x++, t->y, c);
}
