/* SPDX-License-Identifier: MIT */
/*
 * The MMIO path's instruction handling (arch/x86/hvm/mmio.c), exported for
 * its unit test: what a decoded instruction does to its memory operand.
 * hvm_mmio() itself is declared in x86/hvm/hvm.h.
 */
#ifndef X86_HVM_MMIO_H
#define X86_HVM_MMIO_H

#include <petrel/types.h>

struct x86_insn;

enum mmio_kind { MMIO_LOAD, MMIO_STORE, MMIO_STORE_IMM };

struct mmio_op {
    enum mmio_kind kind;
    unsigned int size;      /* bytes: 1, 2, 4 or 8 */
    unsigned int reg;       /* enum x86_gpr of the register operand */
    bool reg8_high;         /* AH, CH, DH or BH: bits 15:8 of reg - 4 */
    uint64_t imm;           /* MMIO_STORE_IMM: sign-extended immediate */
};

/* The emulated access 'insn' makes: 0, or -EINVAL for an instruction the
 * MMIO path does not emulate (anything but the MOV forms). Pure. */
int mmio_decode_op(const struct x86_insn *insn, struct mmio_op *op);
/* The value a store writes, from the registers (enum x86_gpr order). */
uint64_t mmio_store_value(const struct mmio_op *op, const uint64_t gpr[16]);
/* Put a loaded value in its register as the CPU would (32-bit loads
 * zero-extend; 8- and 16-bit ones keep the rest of the register). */
void mmio_load_value(const struct mmio_op *op, uint64_t gpr[16], uint64_t val);

#endif
