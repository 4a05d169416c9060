/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: console input (common/console_input.c). Bytes come from a
 * fake UART through the interrupt handler the code registers; the control
 * domain, VIRQ_CONSOLE and the debug keys are recorded stand-ins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/console.h>
#include <petrel/console_input.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/keyhandler.h>
#include <petrel/timer.h>
#include <x86/apic.h>
#include <x86/ioapic.h>
#include <x86/time.h>
#include <x86/traps.h>
#include "stubs.h"

#define RING    1024                /* console_input.c's RX_SIZE */

/* ---- the fake UART ------------------------------------------------------ */

static struct uart_cfg uart = { .port = 0x3f8, .baud = 115200, .lcr = 3 };
static unsigned char typed[4096];
static size_t typed_len, typed_pos;
static bool rx_irq_on;

const struct uart_cfg *console_uart(void) { return &uart; }
unsigned int uart_isa_irq(const struct uart_cfg *cfg) { return 4; }
void uart_rx_irq(const struct uart_cfg *cfg, bool on) { rx_irq_on = on; }

int uart_getc(const struct uart_cfg *cfg)
{
    return typed_pos < typed_len ? typed[typed_pos++] : -1;
}

/* ---- interrupts, timers ---------------------------------------------------- */

static irq_handler_t serial_handler;
static int route_rc;
static struct timer *armed;

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
    assert_int_equal(vector, VEC_SERIAL);
    serial_handler = fn;
}

int ioapic_route_isa(unsigned int irq, uint8_t vector, uint32_t apic)
{
    assert_int_equal(irq, 4);
    assert_int_equal(vector, VEC_SERIAL);
    return route_rc;
}

uint32_t apic_id(void) { return 0; }
unsigned int arch_timer_cpu(void) { return 0; }
uint64_t tsc_from_us(uint64_t us) { return us; }

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data, unsigned int cpu)
{
    t->fn = fn;
}

bool timer_set(struct timer *t, uint64_t expires)
{
    armed = t;
    return true;
}

/* ---- the control domain, its VIRQ, the debug keys ------------------------- */

static struct domain dom0;
static struct vcpu vcpu0;
static bool dom0_exists;
static int refs;
static unsigned int virqs_sent;
static char keys[256];
static size_t nr_keys;
static int fault_at = -1;           /* copy_to_guest fails from this offset */
static char guest_buf[2 * RING];
static size_t copies[8];            /* sizes of the successful copies */
static unsigned int nr_copies;

struct domain *domain_by_id(uint16_t id)
{
    if (id != 0 || !dom0_exists)
        return NULL;
    refs++;
    return &dom0;
}

void domain_put(struct domain *d)
{
    refs--;
}

void evtchn_send_domain_virq(struct domain *d, unsigned int virq)
{
    assert_ptr_equal(d, &dom0);
    assert_int_equal(virq, VIRQ_CONSOLE);
    virqs_sent++;
}

void keyhandler_run(char key, const struct cpu_regs *regs)
{
    keys[nr_keys++ % sizeof(keys)] = key;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    size_t off = gva - (uintptr_t)guest_buf;

    if (fault_at >= 0 && off + len > (size_t)fault_at)
        return -EFAULT;
    memcpy(guest_buf + off, src, len);
    copies[nr_copies++ % 8] = len;
    return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static void type(const void *bytes, size_t len)
{
    memcpy(typed + typed_len, bytes, len);
    typed_len += len;
    /* One interrupt takes at most 256 bytes (a real FIFO holds 16). */
    while (typed_pos < typed_len)
        serial_handler(NULL);
}

#define TYPE(s) type(s, sizeof(s) - 1)

static long read_input(uint32_t len)
{
    memset(guest_buf, 0, sizeof(guest_buf));
    return console_input_read(&vcpu0, (uintptr_t)guest_buf, len);
}

/* dom0 as a reader of console input (privileged, running, VIRQ bound). */
static void reader(bool yes)
{
    dom0_exists = true;
    dom0.privileged = true;
    dom0.state = DOMAIN_RUNNING;
    dom0.nr_vcpus = 1;
    dom0.vcpus[0] = &vcpu0;
    vcpu0.domain = &dom0;
    vcpu0.virq_to_port[VIRQ_CONSOLE] = yes ? 5 : 0;
}

static int setup(void **state)
{
    static bool once;

    typed_len = typed_pos = 0;
    nr_keys = 0;
    virqs_sent = 0;
    fault_at = -1;
    dom0_exists = false;
    stub_log_reset();
    if (!once) {
        route_rc = 0;
        console_input_init();
        assert_true(rx_irq_on);
        assert_non_null(serial_handler);
        assert_true(stub_log_contains("console: input by IRQ 4"));
        once = true;
    }
    while (read_input(sizeof(guest_buf)) > 0)
        ;                           /* what an earlier test left */
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

/* Nobody reads: the debug keys get the bytes, and Petrel says so once. */
static void test_no_reader(void **state)
{
    TYPE("hq");
    assert_int_equal(nr_keys, 2);
    assert_memory_equal(keys, "hq", 2);
    assert_true(stub_log_contains("no control domain reads console input"));
    stub_log_reset();
    reader(false);                  /* exists, VIRQ_CONSOLE not bound */
    TYPE("r");
    assert_int_equal(nr_keys, 3);
    assert_false(stub_log_contains("no control domain"));
    dom0.privileged = false;        /* bound, but not the control domain */
    dom0.vcpus[0]->virq_to_port[VIRQ_CONSOLE] = 5;
    TYPE("m");
    assert_int_equal(nr_keys, 4);
    assert_int_equal(virqs_sent, 0);
    assert_int_equal(read_input(16), 0);
    assert_int_equal(refs, 0);
}

static void test_to_domain(void **state)
{
    reader(true);
    TYPE("hello\r");
    assert_int_equal(nr_keys, 0);
    assert_int_equal(virqs_sent, 6);
    assert_int_equal(read_input(3), 3);
    assert_memory_equal(guest_buf, "hel", 3);
    assert_int_equal(read_input(64), 3);
    assert_memory_equal(guest_buf, "lo\r", 3);
    assert_int_equal(read_input(64), 0);
    assert_int_equal(refs, 0);
}

/* Ctrl-A three times switches, each way, with a line; fewer pass on. */
static void test_switch(void **state)
{
    reader(true);
    TYPE("\x01\x01\x01");
    assert_true(stub_log_contains("console input now goes to Petrel's debug keys"));
    TYPE("dx");
    assert_int_equal(nr_keys, 2);
    assert_memory_equal(keys, "dx", 2);
    assert_int_equal(read_input(64), 0);
    TYPE("\x01\x01z");              /* two, then a key: all three are keys */
    assert_int_equal(nr_keys, 5);
    assert_memory_equal(keys + 2, "\x01\x01z", 3);
    TYPE("\x01\x01\x01");
    assert_true(stub_log_contains("console input now goes to domain 0"));
    TYPE("\x01y\x01\x01w\x01\x01");  /* the last two wait for what follows */
    assert_int_equal(read_input(64), 5);
    assert_memory_equal(guest_buf, "\x01y\x01\x01w", 5);
    TYPE("\x01");                   /* third in a row: switch, nothing passed */
    assert_int_equal(read_input(64), 0);
    assert_int_equal(nr_keys, 5);
    TYPE("k");
    assert_int_equal(nr_keys, 6);
    assert_int_equal(keys[5], 'k');
    TYPE("\x01\x01\x01");           /* back to domain 0 for the next tests */
    TYPE("j");
    assert_int_equal(read_input(64), 1);
}

/* The ring keeps RING bytes, drops the rest, and wraps. */
static void test_ring_full(void **state)
{
    static char many[RING + 10];

    reader(true);
    for (size_t i = 0; i < sizeof(many); i++)
        many[i] = 'a' + i % 26;
    type(many, sizeof(many));
    assert_int_equal(read_input(sizeof(guest_buf)), RING);
    assert_memory_equal(guest_buf, many, RING);
    TYPE("0123456789");             /* wraps around the ring's end */
    assert_int_equal(read_input(sizeof(guest_buf)), 10);
    assert_memory_equal(guest_buf, "0123456789", 10);
}

/* Bring the ring's index to RING - 3 (learnt from the copies' sizes: a
 * full ring read from index i comes in copies of RING - i and i bytes). */
static void ring_index_to_end_minus_3(void)
{
    static char fill[RING];
    size_t idx, n;

    memset(fill, '.', sizeof(fill));
    type(fill, RING);
    nr_copies = 0;
    assert_int_equal(read_input(sizeof(guest_buf)), RING);
    assert_true(nr_copies == 1 || nr_copies == 2);
    idx = nr_copies == 1 ? 0 : RING - copies[0];
    n = (RING - 3 - idx) % RING;
    type(fill, n);
    assert_int_equal(read_input(sizeof(guest_buf)), n);
}

/* A bad buffer: -EFAULT with nothing consumed, or the bytes before it. */
static void test_fault(void **state)
{
    reader(true);
    TYPE("abcdef");
    fault_at = 0;
    assert_int_equal(read_input(6), -EFAULT);
    fault_at = -1;
    assert_int_equal(read_input(6), 6);
    assert_memory_equal(guest_buf, "abcdef", 6);

    ring_index_to_end_minus_3();
    TYPE("wxyz12");                 /* 3 bytes before the ring's end, 3 after */
    fault_at = 4;                   /* the second copy fails */
    nr_copies = 0;
    assert_int_equal(read_input(6), 3);
    assert_memory_equal(guest_buf, "wxy", 3);
    fault_at = 2;                   /* now the first one: nothing consumed */
    assert_int_equal(read_input(6), -EFAULT);
    fault_at = -1;
    assert_int_equal(read_input(6), 3);
    assert_memory_equal(guest_buf, "z12", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_no_reader, setup),
        cmocka_unit_test_setup(test_to_domain, setup),
        cmocka_unit_test_setup(test_switch, setup),
        cmocka_unit_test_setup(test_ring_full, setup),
        cmocka_unit_test_setup(test_fault, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
