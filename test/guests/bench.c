/* SPDX-License-Identifier: MIT */
/*
 * Guest bench (a measurement, not a test; for `make bench`): the cost of a
 * round trip to the hypervisor. Under QEMU with -icount shift=0 the TSC
 * counts instructions, so each figure is instructions per round trip:
 * (TSC after ROUNDS calls - TSC before) / ROUNDS, after a warm-up. Prints
 * "bench: <name> <count>" lines, then the result line.
 */
#include <public/arch-x86/cpuid.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"

TEST_TITLE("instructions per null hypercall and per CPUID exit");

#define WARMUP  100
#define ROUNDS  1000

enum what { NULL_PAGE, NULL_DIRECT, CPUID_EXIT, EMPTY };

static void once(enum what w)
{
    switch (w) {
    case NULL_PAGE:
        hypercall_by(HC_PAGE, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        break;
    case NULL_DIRECT:
        hypercall_by(HC_DIRECT, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        break;
    case CPUID_EXIT:
        cpuid(XEN_CPUID_FIRST_LEAF);
        break;
    case EMPTY:
        asm volatile("");
        break;
    }
}

static uint64_t measure(enum what w)
{
    uint64_t t0;

    for (int i = 0; i < WARMUP; i++)
        once(w);
    t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++)
        once(w);
    return (rdtsc() - t0) / ROUNDS;
}

void test_main(void)
{
    static const struct {
        enum what w;
        const char *name;
    } items[] = {
        { NULL_PAGE, "null-hypercall-page" },
        { NULL_DIRECT, "null-hypercall-direct" },
        { CPUID_EXIT, "cpuid-exit" },
        { EMPTY, "loop-overhead" },
    };

    if (!xen_cpuid_base)
        test_skip("no hypervisor (bare run): nothing to measure");
    printf("bench: %u rounds after %u warm-up rounds; TSC ticks per round\n",
           ROUNDS, WARMUP);
    for (unsigned int i = 0; i < ARRAY_SIZE(items); i++)
        printf("bench: %s %lu\n", items[i].name, measure(items[i].w));
}
