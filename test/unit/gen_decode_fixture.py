#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate test/unit/decode_fixture.h for test_decode.c.

Run once (and again when the lists below change):
    python3 test/unit/gen_decode_fixture.py > test/unit/decode_fixture.h
Needs GNU as, objcopy, nm and objdump (binutils, x86-64).

Two oracles, neither of them the decoder under test:

1. Cases: instructions written in AT&T syntax, assembled by GNU as in
   .code16, .code32 and .code64 sections, one label per line. An
   instruction's bytes and length come from the label addresses (the
   assembler's truth), and objdump is asked to agree on every boundary.
   Lines built from a template and a memory operand also carry the expected
   semantics, computed here from the AT&T text: operand size, the size of the
   memory access, ModRM.reg, the immediate, the segment, and the effective
   address for the register values in REGS (the same values the test loads).

2. Sweeps: every opcode of the one-byte, 0F, 0F38 and 0F3A maps (and the
   VEX/EVEX maps) behind a few prefix sets, each followed by a few ModRM
   shapes and then 0x90 filler, disassembled by objdump; the length objdump
   finds for the first instruction is recorded ('.' where objdump says
   (bad), or splits a prefix off).
"""
import os
import re
import subprocess
import sys
import tempfile

OBJDUMP_MACH = {16: "i8086", 32: "i386", 64: "i386:x86-64"}

# Register values the test loads (enum x86_gpr order) and the rIP after
# each instruction; chosen so that sums carry and wrap at every width.
REGS = [
    0x0123456789abcdef, 0xfedcba9876543210, 0x00000000fffffff0,
    0x8000000000008000, 0x00007fffffffe000, 0xffffffff80001234,
    0x000000000000ff00, 0x1234567800009abc, 0x0000000000000100,
    0xffffffffffffffff, 0x7fffffffffffffff, 0x00000000deadbeef,
    0x0000100000000000, 0xcafebabe00000001, 0x0000000000000008,
    0xf00000000000000f,
]
RIP_NEXT = 0xffffffff80100000

# ---- register names in AT&T syntax -----------------------------------

GPR64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"] + \
        ["r%d" % i for i in range(8, 16)]
GPR32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + \
        ["r%dd" % i for i in range(8, 16)]
GPR16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"]
REGNUM = {}
for width, names in ((8, GPR64), (4, GPR32), (2, GPR16)):
    for n, name in enumerate(names):
        REGNUM[name] = (n, width)
SEGS = ["es", "cs", "ss", "ds", "fs", "gs"]

# ---- semantic cases: templates x memory operands ------------------------
# (text with {m}, op_size or None, mem_size or None, ModRM.reg or None,
#  (imm value, imm size) or None)

T64 = [
    ("movb %al,{m}", 1, 1, 0, None),
    ("movb %sil,{m}", 1, 1, 6, None),
    ("movb %r9b,{m}", 1, 1, 9, None),
    ("movw %cx,{m}", 2, 2, 1, None),
    ("movl %edx,{m}", 4, 4, 2, None),
    ("movq %r15,{m}", 8, 8, 15, None),
    ("movb {m},%r10b", 1, 1, 10, None),
    ("movw {m},%r14w", 2, 2, 14, None),
    ("movl {m},%r11d", 4, 4, 11, None),
    ("movq {m},%rsp", 8, 8, 4, None),
    ("movb $0x5a,{m}", 1, 1, 0, (0x5a, 1)),
    ("movw $0x1234,{m}", 2, 2, 0, (0x1234, 2)),
    ("movl $0x89abcdef,{m}", 4, 4, 0, (0x89abcdef, 4)),
    ("movq $-2,{m}", 8, 8, 0, (-2, 4)),
    ("movzbl {m},%eax", 4, 1, 0, None),
    ("movzwq {m},%r8", 8, 2, 8, None),
    ("movsbw {m},%dx", 2, 1, 2, None),
    ("movswl {m},%ebx", 4, 2, 3, None),
    ("movslq {m},%rcx", 8, 4, 1, None),
    ("addl $1,{m}", 4, 4, 0, (1, 1)),
    ("orw $0x1234,{m}", 2, 2, 1, (0x1234, 2)),
    ("adcb $0x80,{m}", 1, 1, 2, (0x80, 1)),
    ("andq $-0x100,{m}", 8, 8, 4, (-0x100, 4)),
    ("xorb $0x7f,{m}", 1, 1, 6, (0x7f, 1)),
    ("subl %eax,{m}", 4, 4, 0, None),
    ("sbbq {m},%r12", 8, 8, 12, None),
    ("cmpq {m},%rax", 8, 8, 0, None),
    ("cmpw $-3,{m}", 2, 2, 7, (-3, 1)),
    ("testl $0x10000,{m}", 4, 4, 0, (0x10000, 4)),
    ("testb $1,{m}", 1, 1, 0, (1, 1)),
    ("testw %dx,{m}", 2, 2, 2, None),
    ("xchgl %eax,{m}", 4, 4, 0, None),
    ("xchgq {m},%r8", 8, 8, 8, None),
    ("btl $5,{m}", 4, 4, 4, (5, 1)),
    ("btq %rax,{m}", 8, 8, 0, None),
    ("btsw %cx,{m}", 2, 2, 1, None),
    ("incl {m}", 4, 4, 0, None),
    ("decq {m}", 8, 8, 1, None),
    ("incb {m}", 1, 1, 0, None),
    ("notw {m}", 2, 2, 2, None),
    ("negl {m}", 4, 4, 3, None),
    ("shlb $3,{m}", 1, 1, 4, (3, 1)),
    ("sarl {m}", 4, 4, 7, None),
    ("imull $0x12345,{m},%ecx", 4, 4, 1, (0x12345, 4)),
    ("movntil %eax,{m}", 4, 4, 0, None),
    ("movntiq %r10,{m}", 8, 8, 10, None),
    ("lock addl $1,{m}", 4, 4, 0, (1, 1)),
    ("lock xaddq %rdx,{m}", 8, 8, 2, None),
    ("cmpxchgl %ecx,{m}", 4, 4, 1, None),
    ("cmpxchg16b {m}", 8, 16, 1, None),
    ("cmovel {m},%esi", 4, 4, 6, None),
    ("setne {m}", 1, 1, 0, None),
    ("popcntq {m},%r9", 8, 8, 9, None),
    ("movbe {m},%eax", 4, 4, 0, None),
    ("pushq {m}", 8, 8, 6, None),
    ("popq {m}", 8, 8, 0, None),
    ("call *{m}", 8, 8, 2, None),
    ("jmp *{m}", 8, 8, 4, None),
    ("movw %ds,{m}", None, 2, 3, None),
    ("movw {m},%es", None, 2, 0, None),
    ("leaq {m},%rax", 8, 0, 0, None),
    ("invlpg {m}", None, 0, 7, None),
    ("lgdt {m}", None, 10, 2, None),
    ("smsw {m}", None, 2, 4, None),
    ("lmsw {m}", None, 2, 6, None),
    ("movaps {m},%xmm9", None, 0, 9, None),
    ("vmovdqu %ymm3,{m}", None, 0, 3, None),
    ("vmovdqu64 %zmm1,{m}", None, 0, 1, None),
]

M64 = [
    "(%rax)", "0x7f(%rcx)", "-0x80(%rdx)", "0x12345678(%rbx)", "(%rsp)",
    "8(%rsp)", "(%rbp)", "-0x10(%rbp)", "(%r12)", "(%r13)", "0x10(%r13)",
    "-0x7fffffff(%r12)", "(%rax,%rbx,1)", "0x10(%rsi,%rdi,2)",
    "-8(%r8,%r9,4)", "0x100(%r12,%r13,8)", "(%r13,%r12,8)", "(%rsp,%rbp,2)",
    "(,%rax,4)", "0x40(,%r12,2)", "0x12345678", "-0x1000", "0x10(%rip)",
    "-0x20(%rip)", "(%eax)", "0x10(%eax,%ecx,4)", "(%r12d)",
    "0x7fffffff(%r15d)", "(%esp)", "0x10(%eip)", "%fs:0x28", "%gs:(%rax)",
    "%fs:-8(%rbp)", "%ds:(%rsp)", "%ss:(%rax)", "(%r13,%rax,1)",
    "0x1(%r13d,%r12d,2)",
]

T32 = [
    ("movb %ah,{m}", 1, 1, 4, None),
    ("movb {m},%bh", 1, 1, 7, None),
    ("movw %si,{m}", 2, 2, 6, None),
    ("movl {m},%edi", 4, 4, 7, None),
    ("movl $0x89abcdef,{m}", 4, 4, 0, (0x89abcdef, 4)),
    ("movw $0x1234,{m}", 2, 2, 0, (0x1234, 2)),
    ("movb $0x12,{m}", 1, 1, 0, (0x12, 1)),
    ("movzbw {m},%ax", 2, 1, 0, None),
    ("movzwl {m},%ecx", 4, 2, 1, None),
    ("movsbl {m},%edx", 4, 1, 2, None),
    ("addl %esp,{m}", 4, 4, 4, None),
    ("orb $1,{m}", 1, 1, 1, (1, 1)),
    ("andw $-1,{m}", 2, 2, 4, (-1, 1)),
    ("xorl $0x1000,{m}", 4, 4, 6, (0x1000, 4)),
    ("subb {m},%cl", 1, 1, 1, None),
    ("cmpl $7,{m}", 4, 4, 7, (7, 1)),
    ("testb $0x80,{m}", 1, 1, 0, (0x80, 1)),
    ("testl $0x80000000,{m}", 4, 4, 0, (0x80000000, 4)),
    ("xchgw %bx,{m}", 2, 2, 3, None),
    ("btl %eax,{m}", 4, 4, 0, None),
    ("btrl $31,{m}", 4, 4, 6, (31, 1)),
    ("incw {m}", 2, 2, 0, None),
    ("decb {m}", 1, 1, 1, None),
    ("movntil %ebx,{m}", 4, 4, 3, None),
    ("lock orl $2,{m}", 4, 4, 1, (2, 1)),
    ("invlpg {m}", None, 0, 7, None),
    ("pushl {m}", 4, 4, 6, None),
    ("pushw {m}", 2, 2, 6, None),
    ("call *{m}", 4, 4, 2, None),
    ("ljmp *{m}", 4, 6, 5, None),
    ("lgdt {m}", None, 6, 2, None),
    ("smsw {m}", None, 2, 4, None),
    ("lmsw {m}", None, 2, 6, None),
    ("leal {m},%eax", 4, 0, 0, None),
    ("cmpxchg8b {m}", None, 8, 1, None),
    ("movw %ss,{m}", None, 2, 2, None),
    ("arpl %ax,{m}", 2, 2, 0, None),
    ("bound %eax,{m}", 4, 8, 0, None),
    ("les {m},%eax", 4, 6, 0, None),
]

M32 = [
    "(%eax)", "0x10(%ebp)", "(%ebp)", "(%esp)", "-4(%esp,%ebx,8)",
    "0x12345678", "(,%esi,2)", "0x1000(%ecx,%edx,1)", "-0x80(%edi)",
    "0x7f(%esi,%eax,4)", "%es:(%edi)", "%ss:4(%eax)", "%fs:0x30",
    "%ds:(%ebp)", "(%bx,%si)", "0x1234(%bp,%di)", "-1(%bx)", "(%bp)",
    "0xfff0(%bx,%si)",
]

T16 = [
    ("movb %al,{m}", 1, 1, 0, None),
    ("movw %ax,{m}", 2, 2, 0, None),
    ("movl %eax,{m}", 4, 4, 0, None),
    ("movw {m},%bp", 2, 2, 5, None),
    ("movb {m},%dh", 1, 1, 6, None),
    ("movw $0xbeef,{m}", 2, 2, 0, (0xbeef, 2)),
    ("movl $0x12345678,{m}", 4, 4, 0, (0x12345678, 4)),
    ("movb $0xff,{m}", 1, 1, 0, (0xff, 1)),
    ("movzbw {m},%ax", 2, 1, 0, None),
    ("movzbl {m},%eax", 4, 1, 0, None),
    ("addw $1,{m}", 2, 2, 0, (1, 1)),
    ("orl $0x10000,{m}", 4, 4, 1, (0x10000, 4)),
    ("andb %cl,{m}", 1, 1, 1, None),
    ("cmpw {m},%si", 2, 2, 6, None),
    ("testw $0x8000,{m}", 2, 2, 0, (0x8000, 2)),
    ("xchgb %al,{m}", 1, 1, 0, None),
    ("btw $3,{m}", 2, 2, 4, (3, 1)),
    ("incw {m}", 2, 2, 0, None),
    ("decl {m}", 4, 4, 1, None),
    ("lock incw {m}", 2, 2, 0, None),
    ("invlpg {m}", None, 0, 7, None),
    ("pushw {m}", 2, 2, 6, None),
    ("lgdt {m}", None, 6, 2, None),
    ("smsw {m}", None, 2, 4, None),
    ("lmsw {m}", None, 2, 6, None),
    ("leaw {m},%bx", 2, 0, 3, None),
    ("les {m},%di", 2, 4, 7, None),
]

M16 = [
    "(%bx,%si)", "(%bx,%di)", "0x10(%bp,%si)", "-2(%bp,%di)", "(%si)",
    "(%di)", "0x1234", "(%bx)", "0x80(%bx)", "0x7f(%bp)", "(%bp)",
    "0xfff0(%bx,%si)", "-0x8000(%di)", "(%eax,%ecx,4)", "0x10(%esp)",
    "(%ebp)", "%cs:0x10(%si)", "%ss:(%bx)", "%es:(%bp)", "%gs:0x1000",
]

# ---- length-only cases: what the hypervisor intercepts, and oddities ----

L_ALL = [
    "cpuid", "rdmsr", "wrmsr", "hlt", "vmmcall", "vmcall", "rdtsc", "rdtscp",
    "pause", "int $0x80", "int3", "int1", "xsetbv", "xgetbv", "clts",
    "lmsw %ax", "smsw %eax", "smsw %ax", "invd", "wbinvd", "ud2",
    "ud1 %eax,%ecx", "ud0 (%eax),%ecx", "monitor", "mwait", "vmrun", "vmload",
    "vmsave", "stgi", "clgi", "skinit", "invlpga", "enter $0x10,$1",
    "enter $0x1234,$0", "leave", "ret $8", "lret $0x10", "lret", "iret",
    "in $0x60,%al", "in $0x71,%ax", "in $0x40,%eax", "in (%dx),%al",
    "in (%dx),%ax", "in (%dx),%eax", "out %al,$0x80", "out %ax,$0x80",
    "out %eax,$0xe9", "out %al,(%dx)", "out %ax,(%dx)", "out %eax,(%dx)",
    "insb", "insw", "insl", "outsb", "outsw", "outsl", "rep insb",
    "rep outsw", "rep movsb", "rep movsl", "rep stosb", "rep stosw",
    "repne scasb", "repe cmpsb", "lodsb", "movsw", "stosl", "xlat",
    "cbw", "cwde", "cwd", "cdq", "sahf", "lahf", "pushf", "popf", "fwait",
    "cmc", "clc", "stc", "cli", "sti", "cld", "std", "nop", "xchg %eax,%ecx",
    "fnstsw %ax", "fldz", "fld1", "faddp", "fnstcw (%eax)",
    "fldl (%eax)", "jmp .+0x10", "jmp .+0x1000", "call .+0x1000",
    "je .+0x10", "je .+0x1000", "loop .", "jecxz .", "rsm", "cpuid",
    "bswap %eax", "movd %xmm0,%eax", "pxor %xmm1,%xmm2",
    "pshufd $0x1b,(%eax),%xmm3", "psrlw $4,%mm1", "pslldq $8,%xmm1",
    "cmpps $1,%xmm1,%xmm2", "pinsrw $3,%eax,%xmm4", "shufps $0x44,%xmm0,%xmm1",
    "palignr $4,%xmm1,%xmm2", "pshufb %xmm1,%xmm2", "crc32b %al,%eax",
    "crc32l (%eax),%ecx", "pextrb $1,%xmm1,%eax", "roundss $2,%xmm1,%xmm2",
    "lfence", "mfence", "sfence", "clflush (%eax)", "prefetcht0 (%eax)",
    "prefetchw (%eax)", "nopl 0(%eax,%eax,1)", "nopw 0x0(%eax,%eax,1)",
    "fxsave (%eax)", "xsave (%eax)", "xrstor (%eax)", "ldmxcsr (%eax)",
    "shld $4,%eax,(%ebx)", "shrd %cl,%eax,(%ebx)", "rdrand %eax",
    "rdseed %ecx", "lar %ax,%ecx", "lsl (%eax),%ecx", "sldt %eax",
    "str %ax", "lldt %ax", "ltr %ax", "verr %ax", "verw (%eax)", "sgdt (%eax)",
    "sidt (%eax)", "lidt (%eax)", "extrq $4,$8,%xmm1", "insertq $4,$8,%xmm2,%xmm1",
    "extrq %xmm2,%xmm1", "xabort $1", "xbegin .", "xend", "xtest",
    "clac", "stac", "rdpkru", "wrpkru", "monitorx", "mwaitx", "clzero",
    "endbr32", "bsf %eax,%ecx", "tzcnt %eax,%ecx", "lzcnt (%eax),%ecx",
    "vzeroupper", "vzeroall", "vpxor %ymm1,%ymm2,%ymm3",
    "vpshufd $1,%xmm1,%xmm2", "vpermq $0x1b,%ymm1,%ymm2",
    "vblendps $3,%xmm1,%xmm2,%xmm3", "vcmpps $1,%ymm1,%ymm2,%ymm3",
    "vpbroadcastd %xmm1,%ymm2", "vaddps 0x40(%eax),%zmm1,%zmm2",
    "vaddps %zmm1,%zmm2,%zmm3{%k1}{z}", "vpternlogd $0x96,%zmm1,%zmm2,%zmm3",
    "andn %eax,%ebx,%ecx", "bextr %eax,(%ebx),%ecx", "shlx %eax,%ebx,%ecx",
    "rorx $3,%eax,%ebx", "kmovw %k1,%eax", "vaddph %zmm1,%zmm2,%zmm3",
]
L1632 = ["mov %eax,%cr0", "mov %cr3,%eax", "mov %cr4,%ecx", "mov %eax,%db7",
         "mov %db6,%edx"]
L16 = L_ALL + L1632 + [
    "jmp $0x1234,$0x5678", "lcall $0x10,$0x1000", "ljmpl $0x8,$0x12345678",
    "push %es", "pop %ds", "push %cs", "pusha", "popa", "pushal", "daa",
    "das", "aaa", "aas", "aam", "aad", "aam $16", "into", "inc %ax",
    "dec %si", "mov 0x1234,%al", "mov %ax,0x1234", "mov 0x12345678,%eax",
    "mov $0x1234,%ax", "mov $0x12345678,%eax", "push $0x1234",
    "push $0x12345678", "push $-1", "pushl $0x1000", "retw", "retl",
    "call .+0x100", "calll .+0x100", "iretl",
]
L32 = L_ALL + L1632 + [
    "ljmp $0x10,$0x12345678", "lcall $0x10,$0x1000", "ljmpw $0x8,$0x1234",
    "push %es", "pop %ss", "pushal", "popal", "pushaw", "daa", "aam $10",
    "aad $10", "into", "inc %eax", "dec %ebx", "incw %ax",
    "mov 0x12345678,%al", "mov %eax,0x12345678", "mov 0x1234,%ax",
    "addr16 mov 0x1234,%eax", "mov $0x12345678,%ecx", "mov $0x1234,%cx",
    "push $0x12345678", "pushw $0x1234", "push $-1", "callw .+0x100",
    "sysenter", "sysexit", "syscall", "sysret",
    "mov %eax,%cr8",
]
L64 = L_ALL + [
    "movabs 0x1122334455667788,%al", "movabs %eax,0x1122334455667788",
    "movabs 0x1122334455667788,%rax", "addr32 mov 0x12345678,%eax",
    "movabs $0x1122334455667788,%rax", "movabs $0x1122334455667788,%r15",
    "mov $0x12345678,%r8d", "mov $-1,%rax", "mov $0x1234,%r9w",
    "push $0x12345678", "push $-1", "pushw $0x1234", "push %r12",
    "pop %r15", "pushfq", "popfq", "iretq", "lretq", "sysretq", "swapgs",
    "syscall", "sysret", "mov %rax,%cr8", "mov %cr8,%r9", "mov %r10,%cr3",
    "mov %db7,%r11", "movsxd %eax,%rcx", "movslq (%rax),%rdx", "movsq",
    "rep stosq", "cmpxchg16b (%rax)", "rdpid %rax", "rdfsbase %rax",
    "wrgsbase %r12", "mov %fs:0x28,%rax", "lock cmpxchg %rcx,(%rdx)",
    "xchg %r8,%rax", "bswap %r12", "lea 0x10(%rip),%rax",
    "vmovdqu64 0x40(%rax,%r12,8),%zmm17", "vpaddd %ymm9,%ymm10,%ymm11",
    "vmovups (%r13),%ymm14", "andn %r8,%r9,%r10", "vpgatherdd %ymm1,(%rax,%ymm2,4),%ymm3",
    "movq %xmm0,%rax", "movq %rax,%mm0", "cvtsi2sd %rax,%xmm1",
    "jmp *%rax", "call *(%rax)", "ljmp *(%rax)", "lcall *(%rax)",
    "rex64 ljmp *(%rax)", "cmpxchg8b (%rax)", "adcx %rax,%rbx",
    "adox (%rax),%rbx", "sarx %rax,%rbx,%rcx", "pdep %rax,%rbx,%rcx",
    "vmread %rax,%rbx", "vmwrite %rax,%rbx", "invept (%rax),%rbx",
    "invvpid (%rax),%rbx", "vmptrld (%rax)", "vmclear (%rax)",
    "vmxon (%rax)", "vmptrst (%rax)", "vmlaunch", "vmresume", "vmxoff",
    "invpcid (%rax),%rbx", "incl %eax", "decq %r9", "nopw %cs:0(%rax,%rax,1)",
    "endbr64", "xbegin .", "movbe (%rax),%r8",
]

# ---- raw encodings (bytes given here; length checked by the assembler
# through labels all the same) --------------------------------------------

RAW = {
    16: [
        ".byte 0xf6,0x08,0x12",                 # test/1 imm8 alias
        ".byte 0xf7,0x0f,0x34,0x12",            # test/1 imm16 alias
        ".byte 0x66,0xf7,0x07,0x11,0x22,0x33,0x44",
        ".byte 0xc8,0x00,0x01,0x02",
        ".byte 0x67,0xa0,0x11,0x22,0x33,0x44",  # moffs32
        ".byte 0xd6",                           # SALC
        ".byte 0xf1",
        ".byte 0x82,0xc0,0x01",
        ".byte 0x26,0x2e,0x36,0x3e,0x64,0x65,0x66,0x67,0xf0,0xf2,0xf3,0x90",
    ],
    32: [
        ".byte 0xf6,0x08,0x12",
        ".byte 0xf7,0x0f,0x34,0x12,0x56,0x78",
        ".byte 0x66,0xf7,0x07,0x11,0x22",
        ".byte 0x67,0xa1,0x11,0x22",            # moffs16
        ".byte 0xd6",
        ".byte 0x82,0x00,0x01",
        ".byte 0x0f,0x20,0x00",                 # mod != 3: still a register
        ".byte 0x0f,0x22,0x5c",
        ".byte 0xf0,0x0f,0x20,0xc0",            # AMD: mov %cr8,%eax
        ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,"
        "0x66,0x66,0x90",                       # 14 prefixes + NOP = 15
        ".byte 0xc4,0xe1,0x78,0x77",            # VEX3 vzeroupper
        ".byte 0x62,0xf1,0x7c,0x48,0x58,0xc1",  # EVEX vaddps
    ],
    64: [
        ".byte 0xf6,0x08,0x12",
        ".byte 0x48,0xf7,0x0f,0x34,0x12,0x56,0x78",
        ".byte 0x66,0xf7,0x07,0x11,0x22",
        ".byte 0x48,0x66,0x90",                 # REX then 66: REX ignored
        ".byte 0x66,0x48,0xb8,1,2,3,4,5,6,7,8", # REX.W wins over 66: imm64
        ".byte 0x4f,0x4f,0x4f,0x89,0x00",
        ".byte 0x67,0xa0,0x11,0x22,0x33,0x44",
        ".byte 0xa0,1,2,3,4,5,6,7,8",
        ".byte 0x66,0xe8,0x11,0x22",            # AMD reading: rel16
        ".byte 0x66,0x0f,0x84,0x11,0x22",
        ".byte 0x48,0xe5,0x80",                 # REX.W does not widen I/O
        ".byte 0x41,0x0f,0x20,0xc0",            # mov %cr0,%r8
        ".byte 0x44,0x0f,0x22,0xc0",            # mov %rax,%cr8
        ".byte 0xc4,0x41,0x7c,0x10,0x45,0x10",  # vmovups with REX-like bits
        ".byte 0xc5,0xf8,0x77",
        ".byte 0x26,0x2e,0x36,0x3e,0x64,0x65,0x66,0x67,0xf0,0xf2,0xf3,0x48,"
        "0x8b,0x00",                            # 12 prefixes + REX + 2
    ],
}


# Encodings objdump reads differently on purpose (redundant prefixes it
# prints on their own): the assembler's labels are the truth there.
OBJDUMP_SPLITS = {
    ".byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,"
    "0x66,0x66,0x90",
    ".byte 0x48,0x66,0x90",
    ".byte 0x4f,0x4f,0x4f,0x89,0x00",
}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw).stdout


def assemble(lines, bits, tmp):
    """Assemble lines (one instruction each); drop the ones gas rejects.
    Returns [(line, bytes)]."""
    while True:
        src = os.path.join(tmp, "m%d.S" % bits)
        with open(src, "w") as f:
            f.write(".text\n.code%d\n" % bits)
            for i, l in enumerate(lines):
                f.write("i_%05d: %s\n" % (i, l))
            f.write("i_end:\n")
        obj = os.path.join(tmp, "m%d.o" % bits)
        p = subprocess.run(["as", "--64", "-o", obj, src], stderr=subprocess.PIPE,
                           text=True)
        if p.returncode == 0:
            break
        bad = set(int(n) - 3 for n in re.findall(r":(\d+): Error", p.stderr))
        if not bad:
            sys.exit(p.stderr)
        for n in bad:
            print("gas rejects (%d-bit): %s" % (bits, lines[n]), file=sys.stderr)
        lines = [l for i, l in enumerate(lines) if i not in bad]
    addrs = {}
    for l in run(["nm", obj]).splitlines():
        a, _, name = l.split()
        addrs[name] = int(a, 16)
    binf = os.path.join(tmp, "m%d.bin" % bits)
    run(["objcopy", "-O", "binary", "-j", ".text", obj, binf])
    data = open(binf, "rb").read()
    out = []
    for i, l in enumerate(lines):
        a = addrs["i_%05d" % i]
        b = addrs["i_%05d" % (i + 1)] if i + 1 < len(lines) else addrs["i_end"]
        out.append((l, data[a:b]))
    return out


def objdump_first(data, bits, tmp, starts):
    """objdump's instruction length at each of 'starts' (0 = bad/split)."""
    binf = os.path.join(tmp, "d%d.bin" % bits)
    with open(binf, "wb") as f:
        f.write(data)
    out = run(["objdump", "-D", "-b", "binary", "-m", OBJDUMP_MACH[bits],
               "--insn-width=16", binf])
    seen = {}
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\t([0-9a-f ]+)\t?(.*)$", line)
        if not m:
            continue
        n = len(m.group(2).split())
        text = m.group(3).strip()
        seen[int(m.group(1), 16)] = (n, text)
    return {s: seen.get(s) for s in starts}


PREFIX_WORDS = {"data16", "data32", "addr16", "addr32", "lock", "rep", "repz",
                "repnz", "repe", "repne", "cs", "ds", "es", "ss", "fs", "gs",
                "notrack", "bnd", "xacquire", "xrelease"}


def objdump_len(entry):
    if entry is None:
        return 0
    n, text = entry
    words = text.split()
    if not words or "(bad)" in text or words[0].startswith(".byte"):
        return 0
    if all(w in PREFIX_WORDS or w.startswith("rex") for w in words):
        return 0    # a prefix split off on its own
    return n


# ---- expectations from AT&T operands -----------------------------------

MEM_RE = re.compile(r"^(?:%(\w\w):)?([-+]?(?:0x[0-9a-f]+|\d+))?"
                    r"(?:\((%\w+)?(?:,(%\w+)(?:,(\d))?)?\))?$")


def mem_expect(mem, bits):
    """(ea, seg, addr_size) of an AT&T memory operand."""
    m = MEM_RE.match(mem)
    if not m:
        sys.exit("cannot parse " + mem)
    seg, disp, base, index, scale = m.groups()
    ea = int(disp, 0) if disp else 0
    asize = {16: 2, 32: 4, 64: 8}[bits]
    basenum = None
    if base in ("%rip", "%eip"):
        ea += RIP_NEXT
        asize = 8 if base == "%rip" else 4
    elif base:
        basenum, asize = REGNUM[base[1:]]
        ea += REGS[basenum]
    if index:
        n, asize = REGNUM[index[1:]]
        ea += REGS[n] * int(scale or 1)
    ea &= (1 << (8 * asize)) - 1
    segnum = SEGS.index(seg) if seg else None
    if segnum is not None and bits == 64 and segnum < 4:
        segnum = None       # ES CS SS DS overrides are ignored in 64-bit mode
    if segnum is None:
        segnum = 2 if basenum in (4, 5) else 3
    return ea, segnum


def sext(v, size):
    v &= (1 << (8 * size)) - 1
    return v - (1 << (8 * size)) if v >> (8 * size - 1) else v


def c_bytes(b):
    return '"' + b.hex() + '"'


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gen_cases(tmp):
    rows = []
    for bits, tmpl, mems, lens in ((16, T16, M16, L16), (32, T32, M32, L32),
                                   (64, T64, M64, L64)):
        lines, meta = [], {}
        for ti, t in enumerate(tmpl):
            for mi, mem in enumerate(mems):
                # Every template with every third operand (rotating), and
                # the first template and the first operand with all.
                if ti and mi and (ti + mi) % 3:
                    continue
                line = t[0].format(m=mem)
                lines.append(line)
                meta[line] = (t, mem)
        lines += lens + RAW[bits]
        done = assemble(lines, bits, tmp)
        check_boundaries(done, bits, tmp)
        for line, b in done:
            rows.append(case_row(bits, line, b, meta.get(line)))
    return rows


def check_boundaries(done, bits, tmp):
    data, starts, pos = b"", [], 0
    for _, b in done:
        starts.append(pos)
        data += b
        pos += len(b)
    seen = objdump_first(data, bits, tmp, starts)
    for (line, b), s in zip(done, starts):
        e = seen[s]
        if (e is None or e[0] != len(b)) and line not in OBJDUMP_SPLITS:
            print("objdump disagrees (%d-bit) on %r: %s vs %s" %
                  (bits, line, b.hex(), e), file=sys.stderr)


def case_row(bits, line, b, meta):
    mode = bits
    if meta is None:
        return "    { %s, %d, 0, 0xff, -1, 0xff, 0, 0, 0, %s, %s }," % (
            mode, len(b), c_bytes(b), c_str(line))
    (_, op, msz, reg, imm), mem = meta
    ea, seg = mem_expect(mem, bits)
    isz, ival = (imm[1], sext(imm[0], imm[1])) if imm else (0, 0)
    return "    { %s, %d, %d, %d, %d, %d, %d, %dLL, 0x%xULL, %s, %s }," % (
        mode, len(b), op or 0, 0xff if msz is None else msz,
        -1 if reg is None else reg, seg, isz, ival, ea, c_bytes(b), c_str(line))


# ---- sweeps ---------------------------------------------------------------

SLOT = 32
MODRM_FORMS = [[0x84], [0x05], [0x06], [0x44], [0x04, 0x25], [0xc0]] + \
              [[0x84 | r << 3] for r in range(1, 8)] + \
              [[0xc0 | r << 3] for r in range(1, 8)]
MODRM_SHORT = [[0x84], [0x05], [0xc0]] + [[0x84 | r << 3] for r in range(1, 8)]
ESC = {"1b": [], "0f": [0x0f], "0f38": [0x0f, 0x38], "0f3a": [0x0f, 0x3a]}
MAPNAME = {"1b": "X86_MAP_1B", "0f": "X86_MAP_0F", "0f38": "X86_MAP_0F38",
           "0f3a": "X86_MAP_0F3A"}
VEX_HEADS = [
    ("vex2.0f", [0xc5, 0xf8]), ("vex2.0f.66.L1", [0xc5, 0xfd]),
    ("vex3.0f38.66", [0xc4, 0xe2, 0x79]), ("vex3.0f3a.66", [0xc4, 0xe3, 0x79]),
    ("vex3.0f38.W1.F2", [0xc4, 0xe2, 0xfb]),
    ("evex.0f", [0x62, 0xf1, 0x7c, 0x48]), ("evex.0f38.66", [0x62, 0xf2, 0x7d, 0x48]),
    ("evex.0f3a.66", [0x62, 0xf3, 0x7d, 0x48]), ("evex.map5", [0x62, 0xf5, 0x7c, 0x48]),
    ("evex.map6.66", [0x62, 0xf6, 0x7d, 0x48]),
]


def skip_opcode(bits, mapname, op):
    """Prefix bytes and escapes are not opcodes of their own."""
    if mapname == "1b":
        if op in (0x0f, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0,
                  0xf2, 0xf3):
            return True
        return bits == 64 and 0x40 <= op <= 0x4f
    return mapname == "0f" and op in (0x38, 0x3a)


def sweep_rows_for(bits):
    pfx = [[], [0x66], [0x67]] + ([[0x48], [0x66, 0x48]] if bits == 64 else [])
    rows = []
    for mapname in ("1b", "0f"):
        for p in pfx:
            for form in (MODRM_FORMS if not p else MODRM_SHORT):
                rows.append((MAPNAME[mapname], mapname, p + ESC[mapname], form))
        for p in ([0xf3], [0xf2]):
            for form in ([0x84], [0xc0]):
                rows.append((MAPNAME[mapname], mapname, p + ESC[mapname], form))
    for mapname in ("0f38", "0f3a"):
        for p in ([], [0x66], [0xf2]):
            for form in ([0x84], [0x05], [0xc0]):
                rows.append((MAPNAME[mapname], mapname, p + ESC[mapname], form))
    if bits != 16:
        for name, head in VEX_HEADS:
            for form in ([0x84], [0x05], [0xc0]):
                rows.append(("X86_MAP_1B", name, head, form))
    return rows


def gen_sweeps(tmp):
    out = []
    for bits in (16, 32, 64):
        rows = sweep_rows_for(bits)
        data, starts = bytearray(), []
        for _, mapname, head, form in rows:
            for op in range(256):
                slot = bytes(head + [op] + form)
                starts.append(len(data))
                data += slot + b"\x90" * (SLOT - len(slot))
        seen = objdump_first(bytes(data), bits, tmp, starts)
        i = 0
        for mapc, mapname, head, form in rows:
            lens = ""
            for op in range(256):
                n = objdump_len(seen[starts[i]])
                i += 1
                if skip_opcode(bits, mapname, op) or n == 0:
                    lens += "."
                else:
                    lens += "%x" % n
            out.append("    { %d, %s, %s, %s,\n      \"%s\" }," % (
                bits, c_bytes(bytes(head)), c_bytes(bytes(form)), c_str(mapname),
                lens))
    return out


HEADER = """\
/* SPDX-License-Identifier: MIT */
/* Decoder fixtures from GNU as and objdump: generated, do not edit. */
/*
 * Made by test/unit/gen_decode_fixture.py (%s); regenerate with
 *   python3 test/unit/gen_decode_fixture.py > test/unit/decode_fixture.h
 */
#ifndef DECODE_FIXTURE_H
#define DECODE_FIXTURE_H

#include <x86/hvm/decode.h>

/*
 * One assembled instruction, in 16-, 32- or 64-bit code; 'bytes' in hex.
 * op_size 0, mem_size 0xff, reg -1: not checked.
 * seg 0xff: no semantic check of the memory operand; otherwise the
 * instruction has one, in segment 'seg', at 'ea' for fixture_regs and
 * FIXTURE_RIP_NEXT. imm_size 0: no immediate check; else x86_insn_simm()
 * must be 'imm'.
 */
struct decode_case {
    uint8_t bits;
    uint8_t len;
    uint8_t op_size;
    uint8_t mem_size;
    int8_t reg;
    uint8_t seg;
    uint8_t imm_size;
    int64_t imm;
    uint64_t ea;
    const char *bytes;
    const char *text;
};

/*
 * 256 instructions: head, then the opcode byte, then tail, then 0x90s
 * (head and tail in hex). lengths[op] is objdump's length as a hex digit,
 * '.' for none.
 */
struct decode_sweep {
    uint8_t bits;
    const char *head;
    const char *tail;
    const char *what;
    const char *lengths;
};

#define FIXTURE_RIP_NEXT 0x%xULL
"""


def main():
    ver = run(["as", "--version"]).splitlines()[0]
    with tempfile.TemporaryDirectory() as tmp:
        cases = gen_cases(tmp)
        sweeps = gen_sweeps(tmp)
    out = [HEADER % (ver, RIP_NEXT)]
    out.append("static const uint64_t fixture_regs[16] = {")
    for i in range(0, 16, 3):
        out.append("    " + " ".join("0x%016xULL," % r for r in REGS[i:i + 3]))
    out.append("};\n")
    out.append("static const struct decode_case decode_cases[] = {")
    out += cases
    out.append("};\n")
    out.append("static const struct decode_sweep decode_sweeps[] = {")
    out += sweeps
    out.append("};\n")
    out.append("#endif")
    print("\n".join(out))


if __name__ == "__main__":
    main()
