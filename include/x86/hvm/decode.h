/* SPDX-License-Identifier: MIT */
/* x86 instruction decoder: length, prefixes, operands and effective address. */
#ifndef X86_HVM_DECODE_H
#define X86_HVM_DECODE_H

#include <petrel/types.h>

/*
 * The mode the guest's code segment runs in. Compatibility mode (long mode
 * with CS.L = 0) is PROT16 or PROT32 by CS.D; virtual-8086 mode is REAL.
 */
enum x86_mode {
    X86_MODE_REAL,          /* 16-bit operands and addresses */
    X86_MODE_PROT16,        /* protected mode, CS.D = 0 */
    X86_MODE_PROT32,        /* protected mode, CS.D = 1 */
    X86_MODE_LONG64,        /* 64-bit mode, CS.L = 1 */
};

/* Opcode maps (SDM vol. 2 appendix A). EVEX maps 5 and 6 are AVX512-FP16. */
enum x86_map {
    X86_MAP_1B,             /* one-byte opcodes */
    X86_MAP_0F,
    X86_MAP_0F38,
    X86_MAP_0F3A,
    X86_MAP_EVEX5,
    X86_MAP_EVEX6,
};

/* Segment registers in their hardware encoding (MOV Sreg's reg field). */
enum x86_seg {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_SEG_NONE = 0xff,
};

/* General registers in their hardware encoding (ModRM, SIB, REX). */
enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_REG_NONE = 0xff,
};

/* Which encoding carried the opcode (insn->vex). */
enum x86_vex {
    X86_VEX_NONE,
    X86_VEX_2 = 2,          /* C5: two-byte VEX */
    X86_VEX_3 = 3,          /* C4: three-byte VEX */
    X86_VEX_EVEX = 4,       /* 62: EVEX */
};

/* Legacy prefixes seen (insn->prefixes). */
#define X86_PFX_OPSIZE      0x01    /* 66 */
#define X86_PFX_ADDRSIZE    0x02    /* 67 */
#define X86_PFX_LOCK        0x04    /* F0 */
#define X86_PFX_REP         0x08    /* F3: REP / REPE (the last of F2/F3) */
#define X86_PFX_REPNE       0x10    /* F2: REPNE (the last of F2/F3) */
#define X86_PFX_SEG         0x20    /* a segment override: see seg_override */

/*
 * One decoded instruction. Register numbers (reg, rm, base, index) include
 * the REX (or VEX/EVEX) extension bits; the ModRM /digit of a group opcode
 * is reg & 7. MOV CR/DR (0F 20-23) always name a register in rm, whatever
 * mod says (has_mem stays false). Fields that do not apply are 0, or
 * X86_REG_NONE/X86_SEG_NONE.
 */
struct x86_insn {
    uint8_t length;         /* bytes, 1..15 */
    uint8_t mode;           /* enum x86_mode it was decoded for */
    uint8_t op_size;        /* effective operand size: 1, 2, 4 or 8 */
    uint8_t addr_size;      /* effective address size: 2, 4 or 8 */
    uint8_t mem_size;       /* bytes the memory operand spans (see below) */

    uint8_t prefixes;       /* X86_PFX_* */
    uint8_t seg_override;   /* enum x86_seg of the override, or NONE */
    uint8_t rex;            /* the effective REX byte (40-4F), or 0 */
    bool rex_w, rex_r, rex_x, rex_b;   /* from REX, VEX or EVEX */

    uint8_t vex;            /* enum x86_vex */
    uint8_t vex_vvvv;       /* VEX/EVEX extra register, un-inverted */
    uint8_t vex_l;          /* VEX.L (EVEX: L'L) */
    uint8_t vex_pp;         /* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */

    uint8_t map;            /* enum x86_map */
    uint8_t opcode;         /* the opcode byte within its map */

    bool has_modrm;
    uint8_t modrm;          /* the raw byte */
    uint8_t mod;            /* 0..3 */
    uint8_t reg;            /* 0..15: register operand or /digit (& 7) */
    uint8_t rm;             /* 0..15: register operand when mod == 3 */
    bool has_sib;
    uint8_t sib;            /* the raw byte */

    /*
     * The memory operand, if any: ModRM with mod != 3, a moffs (A0-A3), or
     * for string instructions the rSI operand (rDI where there is none; the
     * rDI operand of MOVS/CMPS is always ES:rDI). x86_insn_ea() combines
     * these fields; 'seg' is the effective segment (the override, else SS
     * for an rSP/rBP base, else DS; ES for rDI string operands).
     */
    bool has_mem;
    bool rip_rel;           /* base is the next instruction's rIP */
    uint8_t base;           /* enum x86_gpr or X86_REG_NONE */
    uint8_t index;          /* enum x86_gpr or X86_REG_NONE */
    uint8_t scale;          /* 1, 2, 4 or 8 */
    uint8_t seg;            /* enum x86_seg */
    uint8_t disp_size;      /* 0, 1, 2 or 4 (8 for a 64-bit moffs) */
    int64_t disp;           /* sign-extended (zero-extended for moffs) */

    uint8_t imm_size;       /* 0, 1, 2, 4 or 8 */
    uint8_t imm2_size;      /* ENTER's level, a far pointer's selector,
                               EXTRQ/INSERTQ's second byte */
    uint64_t imm;           /* as encoded, zero-extended: x86_insn_simm() */
    uint16_t imm2;

    bool is_string;         /* MOVS CMPS STOS LODS SCAS INS OUTS */
    bool lock_ud;           /* LOCK where the CPU raises #UD */
};

/*
 * Decode the instruction at bytes[0..avail) for 'mode' into *insn.
 * Returns 0; -ENODATA when the instruction runs past 'avail' (fetch more
 * and retry; a caller that supplied 15 bytes never sees it); -EINVAL for an
 * encoding the CPU rejects with #UD or #GP (over 15 bytes, an opcode
 * invalid in this mode, a register operand where only memory is allowed,
 * an undefined group member, bad VEX/EVEX prefixes) or that is not
 * supported (3DNow!, AMD XOP, VIA PadLock, the 486's MOV TR). UD0/UD1/UD2
 * decode (they are defined encodings). A LOCK the CPU would refuse decodes
 * with lock_ud set. Validity is checked for general-purpose opcodes only:
 * SIMD opcodes (0F38, 0F3A, VEX, EVEX, mandatory-prefix forms) are decoded
 * for length and operands without checking that they exist. Near branches
 * with 66 in 64-bit mode take rel16, as on AMD (Intel ignores the 66).
 * Pure: no side effects.
 *
 * mem_size is op_size for most instructions; 1 or 2 for MOVZX/MOVSX, 2 for
 * MOV Sreg, LMSW, SMSW and the 0F 00 group, 4 for MOVSXD, op_size + 2 for
 * far pointers, 0 where the operand is not data (LEA, INVLPG, NOPs) or is
 * vector or x87 data (not modelled: the caller must not emulate those).
 * EVEX scales an 8-bit displacement by the operand's tuple size (disp8*N),
 * which is not modelled: disp is the raw disp8 there.
 */
int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode,
               struct x86_insn *insn);

/*
 * The memory operand's effective address (offset within its segment; the
 * caller adds the segment base and checks limits), wrapped to the address
 * size. 'regs' holds the 16 GPRs in enum x86_gpr order; 'rip_next' is the
 * address of the next instruction (rip + length), used when rip_rel.
 * Returns 0 when the instruction has no memory operand.
 */
uint64_t x86_insn_ea(const struct x86_insn *insn, const uint64_t regs[16],
                     uint64_t rip_next);

/* The immediate sign-extended from imm_size to 64 bits. */
static inline int64_t x86_insn_simm(const struct x86_insn *insn)
{
    unsigned int shift = 64 - 8 * insn->imm_size;

    if (!insn->imm_size)
        return 0;
    return (int64_t)(insn->imm << shift) >> shift;
}

/* All-ones in the low addr_size bytes: wraps rSI/rDI/rCX for strings. */
static inline uint64_t x86_insn_addr_mask(const struct x86_insn *insn)
{
    return insn->addr_size == 8 ? ~0ULL : (1ULL << (8 * insn->addr_size)) - 1;
}

/*
 * Whether an 8-bit register operand numbered 'regno' is AH, CH, DH or BH
 * (bits 15:8 of register regno - 4) rather than the low byte of regno:
 * true for 4..7 when there is no REX prefix.
 */
static inline bool x86_insn_reg8_high(const struct x86_insn *insn,
                                      unsigned int regno)
{
    return !insn->rex && insn->vex == X86_VEX_NONE && regno >= 4 && regno < 8;
}

/* A short lower-case mnemonic for logs ("mov", "movzx", "grp7"...). */
const char *x86_insn_name(const struct x86_insn *insn);

#endif
