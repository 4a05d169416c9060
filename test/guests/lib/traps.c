/* SPDX-License-Identifier: MIT */
/*
 * Test guests: the IDT, the exception table, per-vector handlers and the
 * unexpected-exception report. An exception at an instruction listed in
 * .extable resumes at its fixup with the vector in RAX (rdmsr_safe() and
 * friends); otherwise a handler registered for the vector runs
 * (irq_set_handler()); any other exception ends the test with ERROR after
 * printing vector, error code, RIP and CR2, and any other interrupt is
 * counted as a failure.
 */
#include "test.h"
#include "traps.h"
#include "x86.h"

#define SEL_CODE64      0x08
#define GATE_INTR64     0x8e            /* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct extable_entry {
    uint64_t insn;
    uint64_t fixup;
};

#define NR_VECTORS      256
#define STUB_SIZE       16              /* entry.S: one stub per 16 bytes */

extern const char exc_stubs[];
extern const struct extable_entry __extable_start[], __extable_end[];

static struct idt_gate idt[NR_VECTORS] __aligned(16);
static irq_handler_t handlers[NR_VECTORS];

static const char *const exc_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization exception",
    "#CP control protection", "reserved 22", "reserved 23", "reserved 24",
    "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security exception", "reserved 31",
};

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) desc = { sizeof(idt) - 1, (uintptr_t)idt };

    asm volatile("lidt %0" :: "m"(desc));
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
    if (vector < NR_VECTORS)
        __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

void traps_init(void)
{
    for (unsigned int v = 0; v < NR_VECTORS; v++) {
        uint64_t a = (uintptr_t)exc_stubs + v * STUB_SIZE;

        idt[v] = (struct idt_gate){
            .offset_lo = a & 0xffff, .selector = SEL_CODE64,
            .type = GATE_INTR64, .offset_mid = (a >> 16) & 0xffff,
            .offset_hi = a >> 32,
        };
    }
    idt_load();
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

void trap_dispatch(struct cpu_regs *r);
void trap_dispatch(struct cpu_regs *r)
{
    static bool reporting;
    const struct extable_entry *e = extable_find(r->rip);
    irq_handler_t fn;

    if (e && r->vector < 32) {
        r->rip = e->fixup;
        r->rax = r->vector;
        return;
    }
    fn = __atomic_load_n(&handlers[r->vector & (NR_VECTORS - 1)], __ATOMIC_ACQUIRE);
    if (fn) {
        fn(r);
        return;
    }
    if (r->vector >= 32) {
        test_fail("unexpected interrupt: vector %lu at RIP %#lx", r->vector, r->rip);
        return;
    }
    if (reporting)          /* faulted while reporting: nothing more to say */
        halt_forever();
    reporting = true;
    printf("unexpected exception: vector %lu (%s), error code %#lx\n",
           r->vector, exc_names[r->vector & 31], r->error_code);
    printf("  RIP %#lx  CS %#lx  RFLAGS %#lx  RSP %#lx  SS %#lx  CR2 %#lx\n",
           r->rip, r->cs, r->rflags, r->rsp, r->ss, read_cr2());
    printf("  RAX %#lx  RBX %#lx  RCX %#lx  RDX %#lx\n",
           r->rax, r->rbx, r->rcx, r->rdx);
    printf("  RSI %#lx  RDI %#lx  RBP %#lx  R8 %#lx\n",
           r->rsi, r->rdi, r->rbp, r->r8);
    test_end(RESULT_ERROR);
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo, hi;
    uint64_t fault = msr;

    /* On success ECX becomes 0; after a fault the fixup moves the vector
     * from RAX into ECX. */
    asm volatile("1: rdmsr\n\t"
                 "xor %%ecx, %%ecx\n\t"
                 "jmp 3f\n"
                 "2: mov %%eax, %%ecx\n\t"
                 "xor %%eax, %%eax\n\t"
                 "xor %%edx, %%edx\n"
                 "3:\n\t"
                 ASM_EXTABLE(1b, 2b)
                 : "=a"(lo), "=d"(hi), "+c"(fault));
    *val = ((uint64_t)hi << 32) | lo;
    return (int)fault;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
    uint64_t fault = msr;
    uint32_t lo = val;      /* RAX is written by a fault: an output too */

    asm volatile("1: wrmsr\n\t"
                 "xor %%ecx, %%ecx\n\t"
                 "jmp 3f\n"
                 "2: mov %%eax, %%ecx\n"
                 "3:\n\t"
                 ASM_EXTABLE(1b, 2b)
                 : "+c"(fault), "+a"(lo)
                 : "d"((uint32_t)(val >> 32))
                 : "memory");
    return (int)fault;
}
