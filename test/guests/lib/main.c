/* SPDX-License-Identifier: MIT */
/*
 * Test guests: start of day, results, shutdown and the command line.
 *
 * guest_start() runs in long mode on the boot stack (head.S). It checks and
 * zeroes .bss, installs the IDT, finds the hypervisor and its hypercall
 * page, prints a banner and runs test_main(). Every way out goes through
 * test_end(): one "Test result:" line, then SCHEDOP_shutdown(poweroff); if
 * that returns, the vCPU halts with interrupts off for good.
 *
 * Without Xen CPUID leaves (a bare QEMU run with -kernel, see
 * docs/test-guests.md) the console is port 0xe9 and the end writes to the
 * isa-debug-exit port 0xf4; such a run is for developing the framework.
 */
#include "hypercall.h"
#include "smp.h"
#include "test.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

unsigned int test_failures;
uint64_t bss_dirty_bytes __attribute__((section(".data")));
const struct hvm_start_info *start_info;

extern char __bss_start[], __bss_end[];
void traps_init(void);
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

const char *cmdline(void)
{
    if (!start_info || !start_info->cmdline_paddr)
        return "";
    return (const char *)(uintptr_t)start_info->cmdline_paddr;
}

bool cmdline_find(const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    const char *p = cmdline();

    while (*p) {
        const char *w = p;

        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - w) >= klen && !strncmp(w, key, klen) &&
            (w[klen] == '=' || w + klen == p)) {
            const char *v = w + klen + (w[klen] == '=');

            *val = v;
            *len = p - v;
            return true;
        }
        while (*p == ' ')
            p++;
    }
    return false;
}

bool cmdline_u64(const char *key, uint64_t *out)
{
    const char *v;
    size_t len, i = 0;
    unsigned int base = 10;
    uint64_t n = 0;

    if (!cmdline_find(key, &v, &len) || !len)
        return false;
    if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < len; i++) {
        char c = v[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return false;
        n = n * base + d;
    }
    *out = n;
    return true;
}

uint64_t cmdline_u64_or(const char *key, uint64_t def)
{
    uint64_t n;

    return cmdline_u64(key, &n) ? n : def;
}

/* The loader must zero .bss (p_memsz past p_filesz); count what it left. */
static void bss_init(void)
{
    for (char *p = __bss_start; p < __bss_end; p++)
        if (*p)
            bss_dirty_bytes++;
    memset(__bss_start, 0, __bss_end - __bss_start);
}

void guest_start(uint32_t start_info_pa)
{
    const char *why;

    bss_init();
    smp_init_boot();
    traps_init();
    why = hypercall_init();
    start_info = (const struct hvm_start_info *)(uintptr_t)start_info_pa;

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
