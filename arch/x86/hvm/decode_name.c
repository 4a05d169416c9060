/* SPDX-License-Identifier: MIT */
/* Mnemonics of decoded instructions, for log lines. */
/*
 * Names only: what the hypervisor intercepts or emulates gets an exact
 * mnemonic, groups get their /digit's name, SIMD and x87 opcodes get a
 * family name ("sse", "x87", "vex", "0f38"). Never used to decide anything.
 */
#include <x86/hvm/decode.h>

static const char *const alu_names[8] = {
    "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
};
static const char *const shift_names[8] = {
    "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar",
};
static const char *const grp3_names[8] = {
    "test", "test", "not", "neg", "mul", "imul", "div", "idiv",
};
static const char *const grp5_names[8] = {
    "inc", "dec", "call", "callf", "jmp", "jmpf", "push", "(bad)",
};
static const char *const grp6_names[8] = {
    "sldt", "str", "lldt", "ltr", "verr", "verw", "(bad)", "(bad)",
};
static const char *const grp7_mem_names[8] = {
    "sgdt", "sidt", "lgdt", "lidt", "smsw", "rstorssp", "lmsw", "invlpg",
};
static const char *const bt_names[8] = {
    "(bad)", "(bad)", "(bad)", "(bad)", "bt", "bts", "btr", "btc",
};

static const char *const names_1b[256] = {
    [0x06] = "push", [0x07] = "pop", [0x0e] = "push",
    [0x16] = "push", [0x17] = "pop", [0x1e] = "push", [0x1f] = "pop",
    [0x27] = "daa", [0x2f] = "das", [0x37] = "aaa", [0x3f] = "aas",
    [0x40 ... 0x47] = "inc", [0x48 ... 0x4f] = "dec",
    [0x50 ... 0x57] = "push", [0x58 ... 0x5f] = "pop",
    [0x60] = "pusha", [0x61] = "popa", [0x62] = "bound", [0x63] = "arpl",
    [0x68] = "push", [0x69] = "imul", [0x6a] = "push", [0x6b] = "imul",
    [0x6c ... 0x6d] = "ins", [0x6e ... 0x6f] = "outs",
    [0x70 ... 0x7f] = "jcc",
    [0x84 ... 0x85] = "test", [0x86 ... 0x87] = "xchg",
    [0x88 ... 0x8c] = "mov", [0x8d] = "lea", [0x8e] = "mov", [0x8f] = "pop",
    [0x90] = "nop", [0x91 ... 0x97] = "xchg",
    [0x98] = "cbw", [0x99] = "cwd", [0x9a] = "callf", [0x9b] = "fwait",
    [0x9c] = "pushf", [0x9d] = "popf", [0x9e] = "sahf", [0x9f] = "lahf",
    [0xa0 ... 0xa3] = "mov", [0xa4 ... 0xa5] = "movs", [0xa6 ... 0xa7] = "cmps",
    [0xa8 ... 0xa9] = "test", [0xaa ... 0xab] = "stos",
    [0xac ... 0xad] = "lods", [0xae ... 0xaf] = "scas",
    [0xb0 ... 0xbf] = "mov",
    [0xc2 ... 0xc3] = "ret", [0xc4] = "les", [0xc5] = "lds",
    [0xc6 ... 0xc7] = "mov", [0xc8] = "enter", [0xc9] = "leave",
    [0xca ... 0xcb] = "retf", [0xcc] = "int3", [0xcd] = "int",
    [0xce] = "into", [0xcf] = "iret",
    [0xd4] = "aam", [0xd5] = "aad", [0xd6] = "salc", [0xd7] = "xlat",
    [0xd8 ... 0xdf] = "x87",
    [0xe0] = "loopne", [0xe1] = "loope", [0xe2] = "loop", [0xe3] = "jcxz",
    [0xe4 ... 0xe5] = "in", [0xe6 ... 0xe7] = "out",
    [0xe8] = "call", [0xe9] = "jmp", [0xea] = "jmpf", [0xeb] = "jmp",
    [0xec ... 0xed] = "in", [0xee ... 0xef] = "out",
    [0xf1] = "icebp", [0xf4] = "hlt", [0xf5] = "cmc",
    [0xf8] = "clc", [0xf9] = "stc", [0xfa] = "cli", [0xfb] = "sti",
    [0xfc] = "cld", [0xfd] = "std",
};

static const char *const names_0f[256] = {
    [0x02] = "lar", [0x03] = "lsl", [0x05] = "syscall", [0x06] = "clts",
    [0x07] = "sysret", [0x08] = "invd", [0x09] = "wbinvd", [0x0b] = "ud2",
    [0x0d] = "prefetch", [0x18 ... 0x1f] = "nop",
    [0x20 ... 0x21] = "mov", [0x22 ... 0x23] = "mov",
    [0x30] = "wrmsr", [0x31] = "rdtsc", [0x32] = "rdmsr", [0x33] = "rdpmc",
    [0x34] = "sysenter", [0x35] = "sysexit", [0x37] = "getsec",
    [0x40 ... 0x4f] = "cmovcc", [0x77] = "emms",
    [0x78] = "vmread", [0x79] = "vmwrite",
    [0x80 ... 0x8f] = "jcc", [0x90 ... 0x9f] = "setcc",
    [0xa0] = "push", [0xa1] = "pop", [0xa2] = "cpuid", [0xa3] = "bt",
    [0xa4 ... 0xa5] = "shld", [0xa8] = "push", [0xa9] = "pop",
    [0xaa] = "rsm", [0xab] = "bts", [0xac ... 0xad] = "shrd",
    [0xae] = "grp15", [0xaf] = "imul",
    [0xb0 ... 0xb1] = "cmpxchg", [0xb2] = "lss", [0xb3] = "btr",
    [0xb4] = "lfs", [0xb5] = "lgs", [0xb6 ... 0xb7] = "movzx",
    [0xb8] = "popcnt", [0xb9] = "ud1", [0xbb] = "btc",
    [0xbc] = "bsf", [0xbd] = "bsr", [0xbe ... 0xbf] = "movsx",
    [0xc0 ... 0xc1] = "xadd", [0xc3] = "movnti", [0xc7] = "grp9",
    [0xc8 ... 0xcf] = "bswap", [0xff] = "ud0",
};

/* 0F 01 with mod = 3: one name per ModRM byte (SDM table A-6). */
static const char *grp7_reg_name(uint8_t modrm)
{
    static const char *const names[64] = {
        [0x01] = "vmcall", [0x02] = "vmlaunch", [0x03] = "vmresume",
        [0x04] = "vmxoff", [0x08] = "monitor", [0x09] = "mwait",
        [0x0a] = "clac", [0x0b] = "stac",
        [0x10] = "xgetbv", [0x11] = "xsetbv", [0x14] = "vmfunc",
        [0x15] = "xend", [0x16] = "xtest",
        [0x18] = "vmrun", [0x19] = "vmmcall", [0x1a] = "vmload",
        [0x1b] = "vmsave", [0x1c] = "stgi", [0x1d] = "clgi",
        [0x1e] = "skinit", [0x1f] = "invlpga",
        [0x20 ... 0x27] = "smsw", [0x2e] = "rdpkru", [0x2f] = "wrpkru",
        [0x30 ... 0x37] = "lmsw",
        [0x38] = "swapgs", [0x39] = "rdtscp", [0x3a] = "monitorx",
        [0x3b] = "mwaitx", [0x3c] = "clzero", [0x3d] = "rdpru",
    };

    return names[modrm - 0xc0];
}

static const char *name_1b(const struct x86_insn *insn)
{
    unsigned int op = insn->opcode, r = insn->reg & 7;

    if (op < 0x40 && (op & 7) < 6)
        return alu_names[op >> 3];
    switch (op) {
    case 0x63:
        return insn->mode == X86_MODE_LONG64 ? "movsxd" : "arpl";
    case 0x80 ... 0x83:
        return alu_names[r];
    case 0x90:
        return (insn->prefixes & X86_PFX_REP) ? "pause" : "nop";
    case 0xc0: case 0xc1: case 0xd0 ... 0xd3:
        return shift_names[r];
    case 0xc6: case 0xc7:
        return insn->modrm == 0xf8 ? (op == 0xc6 ? "xabort" : "xbegin") : "mov";
    case 0xf6: case 0xf7:
        return grp3_names[r];
    case 0xfe: case 0xff:
        return grp5_names[r];
    }
    return names_1b[op];
}

static const char *name_0f(const struct x86_insn *insn)
{
    unsigned int op = insn->opcode, r = insn->reg & 7;

    switch (op) {
    case 0x00:
        return grp6_names[r];
    case 0x01:
        return insn->mod == 3 ? grp7_reg_name(insn->modrm) : grp7_mem_names[r];
    case 0xba:
        return bt_names[r];
    case 0xc7:
        return r == 1 ? (insn->rex_w ? "cmpxchg16b" : "cmpxchg8b") : "grp9";
    }
    return names_0f[op];
}

const char *x86_insn_name(const struct x86_insn *insn)
{
    const char *name = NULL;

    if (insn->vex)
        return insn->vex == X86_VEX_EVEX ? "evex" : "vex";
    if (insn->map == X86_MAP_1B)
        name = name_1b(insn);
    else if (insn->map == X86_MAP_0F)
        name = name_0f(insn);
    else
        return insn->map == X86_MAP_0F38 ? "0f38" : "0f3a";
    return name ? name : "sse";
}
