// SPDX-License-Identifier: MIT
/*
 * Console input: bytes typed on the hypervisor's serial console go either
 * to the control domain (domain 0, privileged), which reads them with
 * CONSOLEIO_read when VIRQ_CONSOLE tells it to, or to Petrel's debug keys
 * (common/keyhandler.c). Ctrl-A three times in a row switches between the
 * two, as on Xen; one or two Ctrl-As followed by another byte are passed on
 * as typed. Input switched to the control domain goes to the debug keys
 * while none exists or it has not bound VIRQ_CONSOLE: someone must read it.
 *
 * Bytes arrive on the boot CPU, interrupts off: from the UART's receive
 * interrupt, routed through the I/O APIC, or, on a machine without one,
 * from a poll timer every CONSOLE_POLL_MS (the 8259 path would need LINT0
 * in ExtINT mode and 8259 EOIs for one interrupt; a 20 ms poll costs one
 * timer interrupt per period). So 'to_petrel' and 'ctrl_a_run' have one
 * writer, on one CPU, and need no lock.
 *
 * rx_lock guards the ring (producer: the input path; consumer:
 * CONSOLEIO_read on any CPU). It is a leaf lock, taken with interrupts off.
 * A full ring drops what arrives, counted in rx_dropped.
 */
#include <petrel/console.h>
#include <petrel/console_input.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/keyhandler.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/timer.h>
#include <public/xen.h>
#include <x86/apic.h>
#include <x86/ioapic.h>
#include <x86/processor.h>
#include <x86/time.h>
#include <x86/traps.h>

#define RX_SIZE         1024            /* power of two */
#define SWITCH_CHAR     0x01            /* Ctrl-A */
#define SWITCH_COUNT    3
#define RX_BURST        256             /* bytes taken per interrupt, at most */
#define CONSOLE_POLL_MS 20

static char rx_ring[RX_SIZE];
static uint32_t rx_prod, rx_cons;       /* free-running; guarded by rx_lock */
static uint64_t rx_dropped;             /* guarded by rx_lock */
static spinlock_t rx_lock = SPINLOCK_INIT;

static bool to_petrel;                  /* input path only (see above) */
static unsigned int ctrl_a_run;         /* Ctrl-As in a row */
static bool told_no_reader;             /* said once that no one reads */
static const struct uart_cfg *uart;
static struct timer poll_timer;

static void announce(void)
{
    if (to_petrel)
        printk("petrel: *** console input now goes to Petrel's debug keys "
               "('h' lists them; Ctrl-A three times switches back)\n");
    else
        printk("petrel: *** console input now goes to domain 0 "
               "(Ctrl-A three times switches to Petrel)\n");
}

/* The control domain, if it reads console input: with a reference. */
static struct domain *input_reader(void)
{
    struct domain *d = domain_by_id(0);

    if (d && d->privileged && domain_running(d) && d->nr_vcpus &&
        __atomic_load_n(&d->vcpus[0]->virq_to_port[VIRQ_CONSOLE], __ATOMIC_RELAXED))
        return d;
    if (d)
        domain_put(d);
    return NULL;
}

static bool to_domain(char c)
{
    struct domain *d = input_reader();
    unsigned long flags;

    if (!d)
        return false;
    flags = spin_lock_irqsave(&rx_lock);
    if (rx_prod - rx_cons < RX_SIZE)
        rx_ring[rx_prod++ & (RX_SIZE - 1)] = c;
    else
        rx_dropped++;
    spin_unlock_irqrestore(&rx_lock, flags);
    evtchn_send_domain_virq(d, VIRQ_CONSOLE);
    domain_put(d);
    told_no_reader = false;
    return true;
}

static void deliver(char c, const struct cpu_regs *regs)
{
    if (!to_petrel && to_domain(c))
        return;
    if (!to_petrel && !told_no_reader) {
        printk("petrel: no control domain reads console input (VIRQ_CONSOLE "
               "unbound); it goes to the debug keys\n");
        told_no_reader = true;
    }
    keyhandler_run(c, regs);
}

static void input_byte(char c, const struct cpu_regs *regs)
{
    if (c == SWITCH_CHAR) {
        if (++ctrl_a_run == SWITCH_COUNT) {
            ctrl_a_run = 0;
            to_petrel = !to_petrel;
            announce();
        }
        return;
    }
    for (; ctrl_a_run; ctrl_a_run--)
        deliver(SWITCH_CHAR, regs);
    deliver(c, regs);
}

static void drain(const struct cpu_regs *regs)
{
    for (unsigned int i = 0; i < RX_BURST; i++) {
        int c = uart_getc(uart);

        if (c < 0)
            break;
        input_byte(c, regs);
    }
}

static void serial_interrupt(struct cpu_regs *regs)
{
    drain(regs);
}

static void poll_fn(struct timer *t)
{
    drain(NULL);
    timer_set(t, rdtsc() + tsc_from_us(CONSOLE_POLL_MS * 1000));
}

void console_input_init(void)
{
    unsigned int irq;

    uart = console_uart();
    if (!uart_present(uart))
        return;
    irq = uart_isa_irq(uart);
    irq_set_handler(VEC_SERIAL, serial_interrupt);
    if (irq && !ioapic_route_isa(irq, VEC_SERIAL, apic_id())) {
        uart_rx_irq(uart, true);
        printk("console: input by IRQ %u; Ctrl-A three times switches it "
               "between domain 0 and Petrel's debug keys\n", irq);
        return;
    }
    uart_rx_irq(uart, false);
    timer_init(&poll_timer, poll_fn, NULL, arch_timer_cpu());
    timer_set(&poll_timer, rdtsc() + tsc_from_us(CONSOLE_POLL_MS * 1000));
    if (irq)
        printk("console: no I/O APIC for IRQ %u; input polled every %u ms\n",
               irq, CONSOLE_POLL_MS);
    else
        printk("console: a UART with no known IRQ; input polled every %u ms\n",
               CONSOLE_POLL_MS);
}

long console_input_read(struct vcpu *v, uint64_t buf, uint32_t len)
{
    unsigned long flags = spin_lock_irqsave(&rx_lock);
    long done = 0;

    while ((uint32_t)done < len && rx_cons != rx_prod) {
        uint32_t idx = rx_cons & (RX_SIZE - 1);
        uint32_t n = MIN(rx_prod - rx_cons, RX_SIZE - idx);

        n = MIN(n, len - (uint32_t)done);
        if (copy_to_guest(v, buf + done, &rx_ring[idx], n)) {
            if (!done)
                done = -EFAULT;
            break;
        }
        rx_cons += n;
        done += n;
    }
    spin_unlock_irqrestore(&rx_lock, flags);
    return done;
}
