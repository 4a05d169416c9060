// SPDX-License-Identifier: MIT
/* Byte rings read by stream position: the console rings behind domctl
 * console_read and sysctl readconsole. */
#include <petrel/ctl_ring.h>
#include <petrel/lib.h>
#include <public/petrel_ctl.h>

uint32_t ctl_ring_window(uint64_t head, uint64_t size, uint64_t index,
                         uint32_t want, uint64_t *start, uint64_t *lost)
{
    uint64_t oldest = head > size ? head - size : 0;

    *lost = 0;
    if (index > head) {
        *start = head;
        return 0;
    }
    if (index < oldest) {
        *lost = oldest - index;
        index = oldest;
    }
    *start = index;
    return (uint32_t)MIN((uint64_t)want, head - index);
}

void ctl_ring_copy(const char *buf, uint64_t size, uint64_t at, char *dst, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        dst[i] = buf[(at + i) & (size - 1)];
}

char console_ring_filter(char c)
{
    return (c == '\t' || c == '\n' || (c >= 0x20 && c < 0x7f)) ? c : '.';
}

uint32_t console_ring_read(void *ring, uint64_t *index, char *dst, uint32_t want,
                           uint64_t *lost)
{
    struct console_ring *r = ring;
    unsigned long flags;
    uint64_t start;
    uint32_t n = 0;

    *lost = 0;
    if (!r->buf)
        return 0;
    flags = spin_lock_irqsave(&r->lock);
    n = ctl_ring_window(r->head, PETREL_CONSOLE_RING, *index, want, &start, lost);
    ctl_ring_copy(r->buf, PETREL_CONSOLE_RING, start, dst, n);
    spin_unlock_irqrestore(&r->lock, flags);
    *index = start + n;
    return n;
}

void console_ring_write(struct console_ring *r, const char *s, size_t len)
{
    unsigned long flags;

    if (!r->buf)
        return;
    flags = spin_lock_irqsave(&r->lock);
    for (size_t i = 0; i < len; i++)
        r->buf[(r->head + i) & (PETREL_CONSOLE_RING - 1)] = console_ring_filter(s[i]);
    r->head += len;
    spin_unlock_irqrestore(&r->lock, flags);
}
