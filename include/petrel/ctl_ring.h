/* SPDX-License-Identifier: MIT */
/*
 * Byte rings read by position (common/ctl_ring.c): the per-domain console
 * ring (PETREL_DOMCTL_console_read) and the printk ring
 * (PETREL_SYSCTL_readconsole). A ring of 'size' bytes (a power of two)
 * keeps the last 'size' of the 'head' bytes ever written; a reader names a
 * position in that stream. Pure code: the callers lock.
 */
#ifndef PETREL_CTL_RING_H
#define PETREL_CTL_RING_H

#include <petrel/spinlock.h>
#include <petrel/types.h>

/*
 * What a read of up to 'want' bytes at stream position 'index' gets from a
 * ring of 'size' bytes with 'head' bytes written: *start (>= index) is
 * where it begins, *lost how many bytes from index were overwritten
 * (start - index), the return value how many to copy (0: nothing new).
 * Returns 0 with *start = head when index > head (a position not yet
 * written: read nothing, resume at head).
 */
uint32_t ctl_ring_window(uint64_t head, uint64_t size, uint64_t index,
                         uint32_t want, uint64_t *start, uint64_t *lost);

/* Copy 'len' bytes of the stream from position 'at' (held in the ring)
 * out of 'buf' (a ring of 'size' bytes) to 'dst'. */
void ctl_ring_copy(const char *buf, uint64_t size, uint64_t at, char *dst, uint32_t len);

/*
 * A read of up to 'want' bytes at *index of a ring: copies them to dst and
 * returns how many; *index moves past them (to the oldest byte held first,
 * when those at *index were overwritten: *lost says how many).
 */
typedef uint32_t (*ctl_ring_read_fn)(void *ring, uint64_t *index, char *dst,
                                     uint32_t want, uint64_t *lost);

/* A domain's console ring: what it wrote with CONSOLEIO_write. */
struct console_ring {
    spinlock_t lock;                /* guards head and buf; irqsave */
    uint64_t head;                  /* bytes ever written */
    char *buf;                      /* PETREL_CONSOLE_RING bytes, or NULL */
};

/* The byte the console ring keeps for 'c': printable ASCII, tab and
 * newline as they are, anything else '.'. */
char console_ring_filter(char c);
/* Append 'len' bytes (filtered) to r; nothing if r has no buffer. */
void console_ring_write(struct console_ring *r, const char *s, size_t len);
/* A ctl_ring_read_fn for a struct console_ring (ring). */
uint32_t console_ring_read(void *ring, uint64_t *index, char *dst, uint32_t want,
                           uint64_t *lost);

#endif
