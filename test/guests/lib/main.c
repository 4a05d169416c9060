/* SPDX-License-Identifier: MIT */
/*
 * Test guests: the test runner, its results and shutdown.
 *
 * guest_start() runs in long mode on the boot stack (head.S). It does the
 * start of day (start.c: .bss, IDT, hypercall page), prints a banner and
 * runs test_main(). Every way out goes through
 * test_end(): one "Test result:" line, then SCHEDOP_shutdown(poweroff); if
 * that returns, the vCPU halts with interrupts off for good.
 *
 * Without Xen CPUID leaves (a bare QEMU run with -kernel, see
 * docs/test-guests.md) the console is port 0xe9 and the end writes to the
 * isa-debug-exit port 0xf4; such a run is for developing the framework.
 */
#include "hypercall.h"
#include "pvcons.h"
#include "smp.h"
#include "test.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

unsigned int test_failures;
void guest_start(uint32_t start_info_pa);

static const char *const result_names[] = {
    [RESULT_SUCCESS] = "SUCCESS", [RESULT_FAILURE] = "FAILURE",
    [RESULT_SKIP] = "SKIP", [RESULT_ERROR] = "ERROR",
};

__noreturn void test_end(enum test_result r)
{
    static bool ended;
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
    long rc;

    /* Once only: a test_end() from inside the shutdown path, or from a
     * second vCPU, halts. */
    if (__atomic_exchange_n(&ended, true, __ATOMIC_ACQ_REL))
        halt_forever();
    if (r == RESULT_SUCCESS && test_failures)
        r = RESULT_FAILURE;
    printf("Test result: %s\n", result_names[r]);
    if (!xen_cpuid_base) {
        outb(DEBUG_EXIT_PORT, r);
        halt_forever();
    }
    rc = hypervisor_sched_op(SCHEDOP_shutdown, &sd);
    printf("(SCHEDOP_shutdown returned %ld; halting)\n", rc);
    halt_forever();
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    __atomic_add_fetch(&test_failures, 1, __ATOMIC_RELAXED);
    printf("FAIL: %s:%d: %s\n", file, line, msg);
}

static __noreturn void end_with(enum test_result r, const char *what,
                                const char *fmt, va_list ap)
{
    char msg[384];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    printf("%s: %s\n", what, msg);
    test_end(r);
}

__noreturn void test_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    end_with(RESULT_SKIP, "Test skipped", fmt, ap);
}

__noreturn void test_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    end_with(RESULT_ERROR, "Test error", fmt, ap);
}

void guest_start(uint32_t start_info_pa)
{
    const char *why;

    why = start_of_day(start_info_pa);
    /* A guest that dom0 built has a PV console: its output goes there. */
    if (xen_cpuid_base && !why)
        pvcons_init();

    printf("Petrel test guest '%s': %s\n", test_name, test_title);
    if (!xen_cpuid_base)
        printf("no hypervisor: %s; console on port 0xe9 (bare run)\n", why);
    else if (why)
        test_error("%s", why);
    if (!start_info || start_info->magic != XEN_HVM_START_MAGIC_VALUE)
        test_error("bad start_info at %#x (magic %#x, want %#x)", start_info_pa,
                   start_info ? start_info->magic : 0, XEN_HVM_START_MAGIC_VALUE);
    if (bss_dirty_bytes)
        printf("warning: %lu bytes of .bss were not zero at entry\n",
               bss_dirty_bytes);
    test_main();
    test_end(RESULT_SUCCESS);
}
