/* SPDX-License-Identifier: MIT */
/* A fake guest memory behind struct guest_mem_ops, for the builders' tests. */
#ifndef TEST_FAKE_GUEST_H
#define TEST_FAKE_GUEST_H

#include <petrel/guest_mem.h>

#define FAKE_MAX_RAM    4
#define FAKE_MAX_LOG    256

/* One call made through the ops: a write or a zero of [gpa, gpa + len). */
struct fake_op {
    uint64_t gpa, len;
    bool zero;
};

/*
 * Guest-physical [0, span) is backed by a sparse mapping (pages appear when
 * touched and read as zero until written); only the ranges
 * given to fake_guest_add_ram() count as RAM: an op touching anything else
 * returns -EFAULT, as does the op numbered fail_at (counting from 1).
 */
struct fake_guest {
    uint8_t *mem;
    uint64_t span;
    unsigned int nr_ram;
    struct { uint64_t start, end; } ram[FAKE_MAX_RAM];
    unsigned int fail_at;           /* 0: never */
    unsigned int nr_ops;            /* calls made, failed ones included */
    unsigned int nr_log;            /* successful calls, first FAKE_MAX_LOG kept */
    struct fake_op log[FAKE_MAX_LOG];
};

extern const struct guest_mem_ops fake_guest_ops;

void fake_guest_init(struct fake_guest *g, uint64_t span);
void fake_guest_add_ram(struct fake_guest *g, uint64_t start, uint64_t end);
void fake_guest_free(struct fake_guest *g);
/* Fill [gpa, gpa + len) with 'byte', so that untouched bytes can be seen. */
void fake_guest_fill(struct fake_guest *g, uint64_t gpa, uint64_t len, int byte);
/* A pointer to guest-physical gpa (which must lie below span). */
void *fake_guest_ptr(struct fake_guest *g, uint64_t gpa);
/* Is every byte of [gpa, gpa + len) equal to 'byte'? */
bool fake_guest_all(struct fake_guest *g, uint64_t gpa, uint64_t len, int byte);

#endif
