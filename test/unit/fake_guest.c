/* SPDX-License-Identifier: MIT */
/* A fake guest memory behind struct guest_mem_ops (see fake_guest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <petrel/errno.h>
#include "fake_guest.h"

static bool fake_is_ram(struct fake_guest *g, uint64_t gpa, size_t len)
{
    for (unsigned int i = 0; i < g->nr_ram; i++) {
        if (gpa >= g->ram[i].start && gpa <= g->ram[i].end &&
            len <= g->ram[i].end - gpa)
            return true;
    }
    return false;
}

/* Count the call, check it, log it; 0 when the access may go ahead. */
static int fake_check(struct fake_guest *g, uint64_t gpa, size_t len, bool zero)
{
    g->nr_ops++;
    if (g->fail_at && g->nr_ops == g->fail_at)
        return -EFAULT;
    if (!fake_is_ram(g, gpa, len))
        return -EFAULT;
    if (g->nr_log < FAKE_MAX_LOG)
        g->log[g->nr_log] = (struct fake_op){ gpa, len, zero };
    g->nr_log++;
    return 0;
}

static int fake_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct fake_guest *g = ctx;
    int rc = fake_check(g, gpa, len, false);

    if (!rc && len)
        memcpy(g->mem + gpa, src, len);
    return rc;
}

static int fake_zero(void *ctx, uint64_t gpa, size_t len)
{
    struct fake_guest *g = ctx;
    int rc = fake_check(g, gpa, len, true);

    if (!rc && len)
        memset(g->mem + gpa, 0, len);
    return rc;
}

const struct guest_mem_ops fake_guest_ops = {
    .write = fake_write,
    .zero = fake_zero,
};

void fake_guest_init(struct fake_guest *g, uint64_t span)
{
    memset(g, 0, sizeof(*g));
    g->mem = mmap(NULL, span, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (g->mem == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    g->span = span;
}

void fake_guest_add_ram(struct fake_guest *g, uint64_t start, uint64_t end)
{
    if (g->nr_ram == FAKE_MAX_RAM || end > g->span || start > end)
        abort();
    g->ram[g->nr_ram].start = start;
    g->ram[g->nr_ram].end = end;
    g->nr_ram++;
}

void fake_guest_free(struct fake_guest *g)
{
    if (g->mem)
        munmap(g->mem, g->span);
    g->mem = NULL;
}

void *fake_guest_ptr(struct fake_guest *g, uint64_t gpa)
{
    if (gpa >= g->span)
        abort();
    return g->mem + gpa;
}

void fake_guest_fill(struct fake_guest *g, uint64_t gpa, uint64_t len, int byte)
{
    if (gpa > g->span || len > g->span - gpa)
        abort();
    memset(g->mem + gpa, byte, len);
}

bool fake_guest_all(struct fake_guest *g, uint64_t gpa, uint64_t len, int byte)
{
    if (gpa > g->span || len > g->span - gpa)
        abort();
    for (uint64_t i = 0; i < len; i++) {
        if (g->mem[gpa + i] != (uint8_t)byte)
            return false;
    }
    return true;
}
