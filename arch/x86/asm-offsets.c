// SPDX-License-Identifier: MIT
/* Structure offsets for assembly, turned into build/include/asm-offsets.h. */
#include <petrel/types.h>
#include <x86/percpu.h>
#include <x86/traps.h>

#define DEFINE(sym, val) asm volatile("\n.ascii \"@@" #sym " %0\"" :: "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    DEFINE(REGS_VECTOR, offsetof(struct cpu_regs, vector));
    DEFINE(PERCPU_STACK_TOP, offsetof(struct percpu, stack_top));
}
