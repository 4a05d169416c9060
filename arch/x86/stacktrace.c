// SPDX-License-Identifier: MIT
/*
 * Register dumps and stack traces with symbol names. The image is built with
 * frame pointers; the walk follows the rbp chain while it stays inside the
 * current stack and points upward. Symbols come from the .ksyms section that
 * tools/gensyms.py generates at the second link.
 */
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/traps.h>

extern const uint64_t __ksym_count;
extern const uint64_t __ksym_addrs[];
extern const char __ksym_names[];
extern const char __text_start[], __text_end[];

#define MAX_FRAMES  32

const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t lo = 0, hi = __ksym_count;
    const char *name = __ksym_names;

    if (!hi || addr < __ksym_addrs[0] || addr >= (uint64_t)__text_end)
        return NULL;
    while (hi - lo > 1) {           /* last symbol with address <= addr */
        uint64_t mid = (lo + hi) / 2;

        if (__ksym_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    for (uint64_t i = 0; i < lo; i++)
        name += strlen(name) + 1;
    *offset = addr - __ksym_addrs[lo];
    return name;
}

static void print_frame(uint64_t addr)
{
    uint64_t off;
    const char *name = symbol_lookup(addr, &off);

    if (name)
        printk(L_ERR "  [<%016lx>] %s+%#lx\n", addr, name, off);
    else
        printk(L_ERR "  [<%016lx>] ?\n", addr);
}

void show_stack_trace(uint64_t rip, uint64_t rbp)
{
    uint64_t lo = rbp & ~(uint64_t)(STACK_SIZE - 1);
    uint64_t hi = lo + STACK_SIZE;  /* stacks are STACK_SIZE aligned */

    printk(L_ERR "Stack trace:\n");
    if (rip)
        print_frame(rip);
    for (unsigned int i = 0; i < MAX_FRAMES; i++) {
        const uint64_t *frame = (const uint64_t *)rbp;

        if (rbp < lo || rbp + 16 > hi || (rbp & 7))
            break;
        if (!frame[1])
            break;
        print_frame(frame[1]);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

void show_registers(const struct cpu_regs *r)
{
    printk(L_ERR "CPU %u  RIP %04lx:%016lx  RFLAGS %016lx\n",
           smp_processor_id(), r->cs, r->rip, r->rflags);
    printk(L_ERR "RAX %016lx  RBX %016lx  RCX %016lx\n", r->rax, r->rbx, r->rcx);
    printk(L_ERR "RDX %016lx  RSI %016lx  RDI %016lx\n", r->rdx, r->rsi, r->rdi);
    printk(L_ERR "RBP %016lx  RSP %016lx  R8  %016lx\n", r->rbp, r->rsp, r->r8);
    printk(L_ERR "R9  %016lx  R10 %016lx  R11 %016lx\n", r->r9, r->r10, r->r11);
    printk(L_ERR "R12 %016lx  R13 %016lx  R14 %016lx\n", r->r12, r->r13, r->r14);
    printk(L_ERR "R15 %016lx  CR0 %016lx  CR2 %016lx\n", r->r15, read_cr0(), read_cr2());
    printk(L_ERR "CR3 %016lx  CR4 %016lx  SS %04lx\n", read_cr3(), read_cr4(), r->ss);
}
