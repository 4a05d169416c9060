// SPDX-License-Identifier: MIT
/*
 * panic(): report, stop every other CPU (an NMI that makes them halt), then
 * halt or reboot as 'panic=' says. A second panic on another CPU halts that
 * CPU quietly; a nested panic on the panicking CPU halts at once.
 */
#include <stdarg.h>
#include <petrel/cmdline.h>
#include <petrel/console.h>
#include <petrel/lib.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/reboot.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/smp.h>
#include <x86/traps.h>

volatile int panic_cpu = -1;
static enum { PANIC_HALT, PANIC_REBOOT, PANIC_POWEROFF } panic_action;

static int set_panic(const char *val, size_t len)
{
    if (cmdline_match(val, len, "halt"))
        panic_action = PANIC_HALT;
    else if (cmdline_match(val, len, "reboot"))
        panic_action = PANIC_REBOOT;
    else if (cmdline_match(val, len, "poweroff"))
        panic_action = PANIC_POWEROFF;
    else
        return -1;
    return 0;
}
CMDLINE_PARAM("panic", set_panic);

static __noreturn void vpanic(const struct cpu_regs *regs, const char *fmt, va_list ap)
{
    char msg[256];
    int me = percpu_area[0] ? (int)smp_processor_id() : 0;
    int none = -1;

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        halt_forever();             /* someone is already panicking */
    console_force_unlock();
    smp_stop_others();

    vsnprintf(msg, sizeof(msg), fmt, ap);
    printk(L_ERR "**** petrel: panic on CPU %d: %s\n", me, msg);
    if (regs) {
        show_registers(regs);
        show_stack_trace(regs->rip, regs->rbp);
    } else {
        show_stack_trace(0, (uint64_t)__builtin_frame_address(0));
    }
    switch (panic_action) {
    case PANIC_REBOOT:
        printk(L_ERR "petrel: panic: rebooting\n");
        machine_reboot();
    case PANIC_POWEROFF:
        printk(L_ERR "petrel: panic: powering off\n");
        machine_poweroff();
    default:
        printk(L_ERR "petrel: panic: halting (panic=reboot to reboot instead)\n");
        halt_forever();
    }
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpanic(NULL, fmt, ap);
}

void panic_regs(const struct cpu_regs *regs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vpanic(regs, fmt, ap);
}
