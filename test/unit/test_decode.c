/* SPDX-License-Identifier: MIT */
/* Unit tests for arch/x86/hvm/decode.c: the x86 instruction decoder. */

/*
 * Three kinds of checks. The fixture (decode_fixture.h, made by
 * gen_decode_fixture.py from GNU as and objdump) gives thousands of
 * assembled instructions with their lengths and, for memory-operand
 * templates, the operand size, ModRM.reg, immediate, segment and effective
 * address; and objdump's lengths for every opcode of each map behind several
 * prefix and ModRM shapes. Hand-written cases below cover what the fixture
 * cannot phrase: exact fields of the instructions the hypervisor emulates,
 * malformed input, and a random-byte robustness sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include <x86/hvm/decode.h>
#include "decode_fixture.h"
#include "stubs.h"

#define BUF_LEN 32

static enum x86_mode mode_of(unsigned int bits)
{
    return bits == 16 ? X86_MODE_REAL :
           bits == 32 ? X86_MODE_PROT32 : X86_MODE_LONG64;
}

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = 0;

    for (; hex[0] && hex[1]; hex += 2) {
        unsigned int v;

        sscanf(hex, "%2x", &v);
        out[n++] = v;
    }
    return n;
}

/* Decode a byte string (hex, spaces allowed) given with avail = its length. */
static int dec(enum x86_mode mode, const char *hex, struct x86_insn *insn)
{
    uint8_t buf[BUF_LEN];
    char compact[2 * BUF_LEN + 1];
    size_t n = 0;

    for (; *hex && n < sizeof(compact) - 1; hex++)
        if (*hex != ' ')
            compact[n++] = *hex;
    compact[n] = 0;
    n = unhex(compact, buf);
    return x86_decode(buf, n, mode, insn);
}

/* Decode, expect success and a length; returns the insn for more checks. */
static struct x86_insn dec_ok(enum x86_mode mode, const char *hex,
                              unsigned int len)
{
    struct x86_insn insn;
    int rc = dec(mode, hex, &insn);

    if (rc || insn.length != len)
        fail_msg("%s: rc %d length %u, want 0 and %u", hex, rc, insn.length,
                 len);
    return insn;
}

/* ---- the assembled fixture ------------------------------------------- */

/*
 * EVEX scales an 8-bit displacement by the operand's tuple size (disp8*N,
 * SDM 2.7.5), which the decoder does not model: no address check there.
 */
static bool ea_checkable(const struct x86_insn *insn)
{
    return !(insn->vex == X86_VEX_EVEX && insn->disp_size == 1);
}

/* VEX and EVEX do not exist in real mode: C4/C5/62 there are LES/LDS/BOUND. */
static bool vex_in_real_mode(enum x86_mode mode, const uint8_t *buf, size_t n)
{
    struct x86_insn insn;

    return mode == X86_MODE_REAL &&
           !x86_decode(buf, n, X86_MODE_PROT16, &insn) && insn.vex;
}

static unsigned int check_case(const struct decode_case *c, enum x86_mode mode)
{
    uint8_t buf[BUF_LEN] = { 0 };
    struct x86_insn insn;
    size_t n = unhex(c->bytes, buf);
    int rc = x86_decode(buf, n, mode, &insn);

    if (rc == -EINVAL && vex_in_real_mode(mode, buf, n))
        return 0;
    if (rc || insn.length != c->len || n != c->len) {
        print_message("%s: rc %d length %u, want %u\n", c->text, rc,
                      insn.length, c->len);
        return 1;
    }
    if ((c->op_size && insn.op_size != c->op_size) ||
        (c->mem_size != 0xff && insn.mem_size != c->mem_size) ||
        (c->reg >= 0 && insn.reg != c->reg) ||
        (c->imm_size && (insn.imm_size != c->imm_size ||
                         x86_insn_simm(&insn) != c->imm))) {
        print_message("%s: op %u mem %u reg %u imm %u/%lld\n", c->text,
                      insn.op_size, insn.mem_size, insn.reg, insn.imm_size,
                      (long long)x86_insn_simm(&insn));
        return 1;
    }
    if (c->seg != 0xff &&
        (!insn.has_mem || insn.seg != c->seg ||
         (ea_checkable(&insn) &&
          x86_insn_ea(&insn, fixture_regs, FIXTURE_RIP_NEXT) != c->ea))) {
        print_message("%s: mem %d seg %u ea %#llx, want seg %u ea %#llx\n",
                      c->text, insn.has_mem, insn.seg,
                      (unsigned long long)x86_insn_ea(&insn, fixture_regs,
                                                      FIXTURE_RIP_NEXT),
                      c->seg, (unsigned long long)c->ea);
        return 1;
    }
    /* One byte short must ask for more; never a different answer. */
    rc = x86_decode(buf, n - 1, mode, &insn);
    if (rc != -ENODATA) {
        print_message("%s: with %zu bytes rc %d\n", c->text, n - 1, rc);
        return 1;
    }
    return 0;
}

static void test_fixture_cases(void **state)
{
    unsigned int i, bad = 0, sem = 0;

    for (i = 0; i < ARRAY_SIZE(decode_cases); i++) {
        const struct decode_case *c = &decode_cases[i];

        bad += check_case(c, mode_of(c->bits));
        if (c->bits == 16)
            bad += check_case(c, X86_MODE_PROT16);
        sem += c->seg != 0xff;
    }
    print_message("%u fixture instructions (%u with operand semantics), "
                  "%u failed\n", i, sem, bad);
    assert_true(sem > 1000);
    assert_int_equal(bad, 0);
}

/*
 * Where objdump decodes an instruction that the decoder rejects on purpose:
 * 3DNow! (0F 0E, 0F 0F), JMPE (0F B8 without F3), XOP (8F /1-/7), the 486's
 * MOV TR (0F 24, 0F 26) and VIA PadLock (0F A6, 0F A7), all #UD on current
 * AMD and Intel CPUs; and VEX/EVEX in real mode, where C4/C5/62 are LES,
 * LDS and BOUND (with a register operand: #UD).
 */
static bool rejected_on_purpose(const struct decode_sweep *s,
                                enum x86_mode mode, const uint8_t *b,
                                unsigned int hl, unsigned int op)
{
    bool esc0f = !strcmp(s->what, "0f");

    if (esc0f && (op == 0x0e || op == 0x0f || op == 0xb8 || op == 0x24 ||
                  op == 0x26 || op == 0xa6 || op == 0xa7))
        return true;
    if (strcmp(s->what, "1b"))
        return false;
    if (mode == X86_MODE_REAL && (op == 0xc4 || op == 0xc5 || op == 0x62))
        return b[hl + 1] >= 0xc0;
    return op == 0x8f && (b[hl + 1] & 0x38);
}

/* objdump folds FWAIT into a following x87 instruction; the CPU does not. */
static bool objdump_merges(const struct decode_sweep *s, unsigned int op,
                           const struct x86_insn *insn)
{
    return !strcmp(s->what, "1b") && op == 0x9b && insn->length == 1;
}

static unsigned int check_sweep_op(const struct decode_sweep *s,
                                   enum x86_mode mode, unsigned int op,
                                   unsigned int *checked)
{
    uint8_t buf[BUF_LEN];
    struct x86_insn insn;
    unsigned int hl, tl, want;
    char c = s->lengths[op];
    int rc;

    memset(buf, 0x90, sizeof(buf));
    hl = unhex(s->head, buf);
    buf[hl] = op;
    tl = unhex(s->tail, buf + hl + 1);
    (void)tl;
    rc = x86_decode(buf, 15, mode, &insn);
    if (c == '.')
        return 0;       /* objdump has no opinion: decoding must not crash */
    want = c <= '9' ? c - '0' : c - 'a' + 10;
    ++*checked;
    if (rc == 0 && insn.length == want)
        return 0;
    if (rc == -EINVAL && rejected_on_purpose(s, mode, buf, hl, op))
        return 0;
    if (rc == 0 && objdump_merges(s, op, &insn))
        return 0;
    print_message("mode %u %s head %s op %02x tail %s: rc %d len %u, "
                  "objdump %u\n", mode, s->what, s->head, op, s->tail, rc,
                  rc ? 0 : insn.length, want);
    return 1;
}

static void test_fixture_sweeps(void **state)
{
    unsigned int i, op, bad = 0, checked = 0;

    for (i = 0; i < ARRAY_SIZE(decode_sweeps); i++) {
        const struct decode_sweep *s = &decode_sweeps[i];

        for (op = 0; op < 256; op++) {
            bad += check_sweep_op(s, mode_of(s->bits), op, &checked);
            if (s->bits == 16)
                bad += check_sweep_op(s, X86_MODE_PROT16, op, &checked);
        }
    }
    print_message("%u sweep rows, %u opcodes checked against objdump, "
                  "%u failed\n", i, checked, bad);
    assert_true(checked > 50000);
    assert_int_equal(bad, 0);
}

/* ---- effective addresses, by hand ---------------------------------- */

static uint64_t ea_of(enum x86_mode mode, const char *hex, unsigned int len,
                      uint64_t rip_next)
{
    static const uint64_t regs[16] = {
        0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000, 0x8000,
        0x9000, 0xa000, 0xb000, 0xc000, 0xd000, 0xe000, 0xf000,
        0xffffffffffff0000,
    };
    struct x86_insn insn = dec_ok(mode, hex, len);

    assert_true(insn.has_mem);
    return x86_insn_ea(&insn, regs, rip_next);
}

static void test_ea_64(void **state)
{
    struct x86_insn insn;

    /* mov (%rax),%ecx; mov 0x10(%rsp) -> SIB, index none */
    assert_int_equal(ea_of(X86_MODE_LONG64, "8b 08", 2, 0), 0x1000);
    insn = dec_ok(X86_MODE_LONG64, "8b 4c 24 10", 4);
    assert_int_equal(insn.index, X86_REG_NONE);
    assert_int_equal(insn.base, X86_RSP);
    assert_int_equal(insn.seg, X86_SEG_SS);
    assert_int_equal(ea_of(X86_MODE_LONG64, "8b 4c 24 10", 4, 0), 0x5010);
    /* mod 00 rm 101: RIP-relative, even with REX.B (not R13) */
    insn = dec_ok(X86_MODE_LONG64, "41 8b 05 00 01 00 00", 7);
    assert_true(insn.rip_rel);
    assert_int_equal(insn.base, X86_REG_NONE);
    assert_int_equal(ea_of(X86_MODE_LONG64, "41 8b 05 00 01 00 00", 7,
                           0x400000), 0x400100);
    /* RIP-relative with a negative displacement */
    assert_int_equal(ea_of(X86_MODE_LONG64, "8b 05 f0 ff ff ff", 6, 0x400000),
                     0x3ffff0);
    /* SIB base 101 with mod 00: no base, disp32 (REX.B does not matter) */
    insn = dec_ok(X86_MODE_LONG64, "41 8b 04 25 78 56 34 12", 8);
    assert_int_equal(insn.base, X86_REG_NONE);
    assert_int_equal(insn.index, X86_REG_NONE);
    assert_int_equal(ea_of(X86_MODE_LONG64, "41 8b 04 25 78 56 34 12", 8, 0),
                     0x12345678);
    assert_int_equal(ea_of(X86_MODE_LONG64, "42 8b 04 25 78 56 34 12", 8, 0),
                     0x12345678 + 0xd000);       /* REX.X: index R12 */
    /* SIB no base, index*scale: mov 0x10(,%rcx,8),%eax */
    assert_int_equal(ea_of(X86_MODE_LONG64, "8b 04 cd 10 00 00 00", 7, 0),
                     0x10010);
    /* R12 base needs a SIB; R13 base needs a disp8 */
    insn = dec_ok(X86_MODE_LONG64, "41 8b 04 24", 4);
    assert_int_equal(insn.base, X86_R12);
    assert_int_equal(insn.seg, X86_SEG_DS);
    insn = dec_ok(X86_MODE_LONG64, "41 8b 45 00", 4);
    assert_int_equal(insn.base, X86_R13);
    assert_false(insn.rip_rel);
    assert_int_equal(insn.seg, X86_SEG_DS);
    /* base R13 index R12 scale 8: mov (%r13,%r12,8),%eax */
    assert_int_equal(ea_of(X86_MODE_LONG64, "43 8b 44 e5 00", 5, 0),
                     0xe000 + 8 * 0xd000);
    /* 67: 32-bit addressing wraps: mov 0x20000(%r15d),%eax */
    assert_int_equal(ea_of(X86_MODE_LONG64, "67 41 8b 87 00 00 02 00", 8, 0),
                     0x10000);
    /* 67 with mod 00 rm 101: EIP-relative, truncated */
    assert_int_equal(ea_of(X86_MODE_LONG64, "67 8b 05 10 00 00 00", 7,
                           0x1fffffff8ULL), 0x8);
    /* 64-bit wrap: mov -0x10(%r15) with r15 = 0xffffffffffff0000 */
    assert_int_equal(ea_of(X86_MODE_LONG64, "41 8b 47 f0", 4, 0),
                     0xfffffffffffefff0ULL);
    /* FS/GS overrides count in 64-bit mode, the others do not */
    assert_int_equal(dec_ok(X86_MODE_LONG64, "64 8b 00", 3).seg, X86_SEG_FS);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "26 8b 00", 3).seg, X86_SEG_DS);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "26 8b 00", 3).seg_override,
                     X86_SEG_ES);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "3e 8b 45 00", 4).seg,
                     X86_SEG_SS);
}

static void test_ea_32(void **state)
{
    struct x86_insn insn;

    /* mod 00 rm 101 is an absolute disp32 outside 64-bit mode */
    insn = dec_ok(X86_MODE_PROT32, "8b 05 78 56 34 12", 6);
    assert_false(insn.rip_rel);
    assert_int_equal(ea_of(X86_MODE_PROT32, "8b 05 78 56 34 12", 6, 0x999),
                     0x12345678);
    /* wrap at 4 GiB: mov -0x2000(%eax) with eax = 0x1000 */
    assert_int_equal(ea_of(X86_MODE_PROT32, "8b 80 00 e0 ff ff", 6, 0),
                     0xfffff000);
    /* [ebp] needs disp8 and defaults to SS */
    insn = dec_ok(X86_MODE_PROT32, "8b 45 00", 3);
    assert_int_equal(insn.seg, X86_SEG_SS);
    assert_int_equal(dec_ok(X86_MODE_PROT32, "26 8b 45 00", 4).seg, X86_SEG_ES);
    /* REX bytes are INC/DEC here */
    assert_int_equal(dec_ok(X86_MODE_PROT32, "48", 1).opcode, 0x48);
}

static void test_ea_16(void **state)
{
    static const struct { const char *hex; unsigned int len; uint64_t ea;
                          uint8_t seg; } f[] = {
        { "8b 00", 2, 0x4000 + 0x7000, X86_SEG_DS },            /* [bx+si] */
        { "8b 01", 2, 0x4000 + 0x8000, X86_SEG_DS },            /* [bx+di] */
        { "8b 02", 2, 0x6000 + 0x7000, X86_SEG_SS },            /* [bp+si] */
        { "8b 03", 2, 0x6000 + 0x8000, X86_SEG_SS },            /* [bp+di] */
        { "8b 04", 2, 0x7000, X86_SEG_DS },                     /* [si] */
        { "8b 05", 2, 0x8000, X86_SEG_DS },                     /* [di] */
        { "8b 06 34 12", 4, 0x1234, X86_SEG_DS },               /* [disp16] */
        { "8b 07", 2, 0x4000, X86_SEG_DS },                     /* [bx] */
        { "8b 46 fe", 3, 0x5ffe, X86_SEG_SS },                  /* [bp-2] */
        { "8b 80 00 90", 4, 0x4000 + 0x7000 + 0x9000 - 0x10000,
          X86_SEG_DS },                                         /* wraps */
        { "67 8b 04 88", 4, 0x1000 + 4 * 0x2000, X86_SEG_DS },  /* 32-bit */
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(f); i++) {
        struct x86_insn insn = dec_ok(X86_MODE_REAL, f[i].hex, f[i].len);

        assert_int_equal(insn.addr_size, i < 10 ? 2 : 4);
        assert_int_equal(insn.op_size, 2);
        assert_int_equal(insn.seg, f[i].seg);
        assert_int_equal(ea_of(X86_MODE_REAL, f[i].hex, f[i].len, 0), f[i].ea);
    }
}

/* ---- what the hypervisor emulates ------------------------------------ */

static void test_mov_and_sizes(void **state)
{
    struct x86_insn insn;

    /* mov %ah,(%rax) vs mov %spl,(%rax): high byte only without REX */
    insn = dec_ok(X86_MODE_LONG64, "88 20", 2);
    assert_int_equal(insn.reg, 4);
    assert_true(x86_insn_reg8_high(&insn, insn.reg));
    insn = dec_ok(X86_MODE_LONG64, "40 88 20", 3);
    assert_false(x86_insn_reg8_high(&insn, insn.reg));
    /* mov $imm32,(%rax) with REX.W: imm32 sign-extended */
    insn = dec_ok(X86_MODE_LONG64, "48 c7 00 ff ff ff ff", 7);
    assert_int_equal(insn.op_size, 8);
    assert_int_equal(insn.imm_size, 4);
    assert_int_equal(x86_insn_simm(&insn), -1);
    /* movabs $imm64,%rax; mov $imm32,%r8d */
    insn = dec_ok(X86_MODE_LONG64, "48 b8 88 77 66 55 44 33 22 11", 10);
    assert_int_equal(insn.imm, 0x1122334455667788ULL);
    insn = dec_ok(X86_MODE_LONG64, "41 b8 44 33 22 11", 6);
    assert_int_equal(insn.op_size, 4);
    /* moffs: 8 bytes in 64-bit mode, 4 with 67 */
    insn = dec_ok(X86_MODE_LONG64, "a1 08 07 06 05 04 03 02 01", 9);
    assert_true(insn.has_mem);
    assert_int_equal(insn.mem_size, 4);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0), 0x0102030405060708ULL);
    insn = dec_ok(X86_MODE_LONG64, "67 a2 04 03 02 01", 6);
    assert_int_equal(insn.op_size, 1);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0), 0x01020304);
    insn = dec_ok(X86_MODE_REAL, "a3 34 12", 3);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0), 0x1234);
    /* movzx/movsx: operand size is the destination's */
    insn = dec_ok(X86_MODE_LONG64, "48 0f b7 00", 4);
    assert_int_equal(insn.op_size, 8);
    assert_int_equal(insn.mem_size, 2);
    insn = dec_ok(X86_MODE_PROT32, "66 0f be 00", 4);
    assert_int_equal(insn.op_size, 2);
    assert_int_equal(insn.mem_size, 1);
    /* push/pop default to 64-bit; 66 makes them 16 */
    assert_int_equal(dec_ok(X86_MODE_LONG64, "50", 1).op_size, 8);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "66 50", 2).op_size, 2);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "ff 30", 2).op_size, 8);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "68 01 02 03 04", 5).imm_size, 4);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "66 68 01 02", 4).imm_size, 2);
    /* REX before a legacy prefix is dropped; the last REX counts */
    insn = dec_ok(X86_MODE_LONG64, "48 66 89 00", 4);
    assert_int_equal(insn.rex, 0);
    assert_int_equal(insn.op_size, 2);
    insn = dec_ok(X86_MODE_LONG64, "48 44 89 00", 4);
    assert_int_equal(insn.op_size, 4);
    assert_int_equal(insn.reg, 8);
}

static void test_alu_group3_imm(void **state)
{
    struct x86_insn insn;

    insn = dec_ok(X86_MODE_PROT32, "f6 00 12", 3);           /* test $,mem */
    assert_int_equal(insn.imm, 0x12);
    dec_ok(X86_MODE_PROT32, "f6 08 12", 3);                  /* /1 alias */
    dec_ok(X86_MODE_PROT32, "f6 10", 2);                     /* not */
    dec_ok(X86_MODE_PROT32, "f6 38", 2);                     /* idiv */
    insn = dec_ok(X86_MODE_PROT32, "f7 00 78 56 34 12", 6);
    assert_int_equal(insn.imm, 0x12345678);
    dec_ok(X86_MODE_PROT32, "66 f7 00 34 12", 5);
    dec_ok(X86_MODE_REAL, "f7 00 34 12", 4);
    dec_ok(X86_MODE_LONG64, "48 f7 00 78 56 34 12", 7);
    dec_ok(X86_MODE_LONG64, "48 f7 18", 3);                  /* neg */
    insn = dec_ok(X86_MODE_LONG64, "83 08 80", 3);           /* or $-128 */
    assert_int_equal(insn.reg, 1);
    assert_int_equal(x86_insn_simm(&insn), -128);
    insn = dec_ok(X86_MODE_LONG64, "0f ba 20 07", 4);        /* bt $7 */
    assert_int_equal(insn.reg & 7, 4);
    insn = dec_ok(X86_MODE_LONG64, "0f a3 08", 3);           /* bt %ecx */
    assert_int_equal(insn.op_size, 4);
    insn = dec_ok(X86_MODE_LONG64, "49 0f c3 00", 4);        /* movnti */
    assert_int_equal(insn.op_size, 8);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "86 00", 2).op_size, 1);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "fe 08", 2).reg, 1);
}

static void test_strings_and_io(void **state)
{
    struct x86_insn insn;

    insn = dec_ok(X86_MODE_LONG64, "f3 a4", 2);              /* rep movsb */
    assert_true(insn.is_string);
    assert_true(insn.prefixes & X86_PFX_REP);
    assert_int_equal(insn.base, X86_RSI);
    assert_int_equal(insn.seg, X86_SEG_DS);
    assert_int_equal(insn.op_size, 1);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0), fixture_regs[6]);
    insn = dec_ok(X86_MODE_PROT32, "f3 64 a5", 3);           /* fs: movsl */
    assert_int_equal(insn.seg, X86_SEG_FS);
    assert_int_equal(insn.op_size, 4);
    insn = dec_ok(X86_MODE_PROT32, "64 ab", 2);              /* stos: ES:rDI */
    assert_int_equal(insn.base, X86_RDI);
    assert_int_equal(insn.seg, X86_SEG_ES);
    insn = dec_ok(X86_MODE_PROT32, "67 f3 ab", 3);
    assert_int_equal(insn.addr_size, 2);
    assert_int_equal(x86_insn_addr_mask(&insn), 0xffff);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0),
                     fixture_regs[7] & 0xffff);
    insn = dec_ok(X86_MODE_LONG64, "f3 48 ab", 3);           /* rep stosq */
    assert_int_equal(insn.op_size, 8);
    insn = dec_ok(X86_MODE_PROT32, "f3 6d", 2);              /* rep insl */
    assert_int_equal(insn.op_size, 4);
    assert_int_equal(insn.base, X86_RDI);
    insn = dec_ok(X86_MODE_LONG64, "48 6f", 2);              /* outs, REX.W */
    assert_int_equal(insn.op_size, 4);
    assert_int_equal(insn.base, X86_RSI);
    insn = dec_ok(X86_MODE_REAL, "66 6f", 2);
    assert_int_equal(insn.op_size, 4);
    insn = dec_ok(X86_MODE_PROT32, "e4 60", 2);
    assert_int_equal(insn.imm, 0x60);
    assert_int_equal(insn.op_size, 1);
    assert_false(insn.has_mem);
    assert_int_equal(dec_ok(X86_MODE_PROT32, "66 e5 71", 3).op_size, 2);
    assert_int_equal(dec_ok(X86_MODE_LONG64, "48 e7 80", 3).op_size, 4);
    assert_int_equal(dec_ok(X86_MODE_PROT32, "ec", 1).op_size, 1);
    assert_int_equal(dec_ok(X86_MODE_REAL, "ed", 1).op_size, 2);
    assert_int_equal(dec_ok(X86_MODE_PROT32, "66 ef", 2).op_size, 2);
}

static void expect_sys(enum x86_mode mode, const char *hex, unsigned int len,
                       uint8_t map, uint8_t op, const char *name)
{
    struct x86_insn insn = dec_ok(mode, hex, len);

    assert_int_equal(insn.map, map);
    assert_int_equal(insn.opcode, op);
    assert_string_equal(x86_insn_name(&insn), name);
}

static void test_system(void **state)
{
    enum x86_mode m = X86_MODE_LONG64;
    struct x86_insn insn;

    expect_sys(m, "0f a2", 2, X86_MAP_0F, 0xa2, "cpuid");
    expect_sys(m, "0f 32", 2, X86_MAP_0F, 0x32, "rdmsr");
    expect_sys(m, "0f 30", 2, X86_MAP_0F, 0x30, "wrmsr");
    expect_sys(m, "f4", 1, X86_MAP_1B, 0xf4, "hlt");
    expect_sys(m, "0f 01 d9", 3, X86_MAP_0F, 0x01, "vmmcall");
    expect_sys(m, "0f 01 c1", 3, X86_MAP_0F, 0x01, "vmcall");
    expect_sys(m, "0f 01 d1", 3, X86_MAP_0F, 0x01, "xsetbv");
    expect_sys(m, "0f 31", 2, X86_MAP_0F, 0x31, "rdtsc");
    expect_sys(m, "0f 01 f9", 3, X86_MAP_0F, 0x01, "rdtscp");
    expect_sys(m, "f3 90", 2, X86_MAP_1B, 0x90, "pause");
    expect_sys(m, "90", 1, X86_MAP_1B, 0x90, "nop");
    expect_sys(m, "cd 80", 2, X86_MAP_1B, 0xcd, "int");
    expect_sys(m, "cc", 1, X86_MAP_1B, 0xcc, "int3");
    expect_sys(X86_MODE_PROT32, "ce", 1, X86_MAP_1B, 0xce, "into");
    expect_sys(m, "f1", 1, X86_MAP_1B, 0xf1, "icebp");
    expect_sys(m, "0f 06", 2, X86_MAP_0F, 0x06, "clts");
    expect_sys(m, "0f 0b", 2, X86_MAP_0F, 0x0b, "ud2");
    expect_sys(m, "0f 01 f0", 3, X86_MAP_0F, 0x01, "lmsw");
    expect_sys(m, "0f 01 30", 3, X86_MAP_0F, 0x01, "lmsw");
    expect_sys(m, "0f 01 e0", 3, X86_MAP_0F, 0x01, "smsw");
    expect_sys(m, "0f 01 38", 3, X86_MAP_0F, 0x01, "invlpg");
    expect_sys(m, "0f 20 d8", 3, X86_MAP_0F, 0x20, "mov");
    expect_sys(m, "f0 01 00", 3, X86_MAP_1B, 0x01, "add");
    expect_sys(m, "c7 f8 00 00 00 00", 6, X86_MAP_1B, 0xc7, "xbegin");
    expect_sys(m, "48 0f c7 08", 4, X86_MAP_0F, 0xc7, "cmpxchg16b");
    /* invlpg (%rax): a memory operand that is no data */
    insn = dec_ok(m, "0f 01 38", 3);
    assert_true(insn.has_mem);
    assert_int_equal(insn.mem_size, 0);
    assert_int_equal(insn.reg & 7, 7);
    /* lmsw %ax: a register form */
    insn = dec_ok(m, "0f 01 f0", 3);
    assert_int_equal(insn.mod, 3);
    assert_int_equal(insn.rm, 0);
}

static void test_mov_cr_dr(void **state)
{
    struct x86_insn insn;

    insn = dec_ok(X86_MODE_LONG64, "0f 22 d8", 3);          /* mov %rax,%cr3 */
    assert_int_equal(insn.reg, 3);
    assert_int_equal(insn.rm, X86_RAX);
    assert_int_equal(insn.op_size, 8);
    insn = dec_ok(X86_MODE_LONG64, "44 0f 22 c1", 4);       /* mov %rcx,%cr8 */
    assert_int_equal(insn.reg, 8);
    assert_int_equal(insn.rm, X86_RCX);
    insn = dec_ok(X86_MODE_LONG64, "41 0f 20 e7", 4);       /* mov %cr4,%r15 */
    assert_int_equal(insn.reg, 4);
    assert_int_equal(insn.rm, X86_R15);
    /* mod is ignored: no SIB, no displacement, no memory */
    insn = dec_ok(X86_MODE_PROT32, "0f 20 04", 3);
    assert_false(insn.has_mem);
    assert_int_equal(insn.rm, X86_RSP);
    assert_int_equal(insn.op_size, 4);
    dec_ok(X86_MODE_PROT32, "66 0f 22 85", 4);
    insn = dec_ok(X86_MODE_PROT32, "0f 23 f8", 3);          /* mov %eax,%db7 */
    assert_int_equal(insn.reg, 7);
    /* AMD: LOCK MOV CR0 is MOV CR8; not a #UD LOCK */
    insn = dec_ok(X86_MODE_PROT32, "f0 0f 22 c0", 4);
    assert_true(insn.prefixes & X86_PFX_LOCK);
    assert_false(insn.lock_ud);
}

static void test_lock(void **state)
{
    assert_false(dec_ok(X86_MODE_LONG64, "f0 01 00", 3).lock_ud);
    assert_true(dec_ok(X86_MODE_LONG64, "f0 01 c0", 3).lock_ud);  /* reg dest */
    assert_true(dec_ok(X86_MODE_LONG64, "f0 90", 2).lock_ud);
    assert_true(dec_ok(X86_MODE_LONG64, "f0 8b 00", 3).lock_ud);  /* mov */
    assert_true(dec_ok(X86_MODE_LONG64, "f0 39 00", 3).lock_ud);  /* cmp */
    assert_true(dec_ok(X86_MODE_LONG64, "f0 83 38 01", 4).lock_ud);
    assert_false(dec_ok(X86_MODE_LONG64, "f0 83 30 01", 4).lock_ud);
    assert_false(dec_ok(X86_MODE_LONG64, "f0 f7 18", 3).lock_ud);  /* neg */
    assert_true(dec_ok(X86_MODE_LONG64, "f0 f7 20", 3).lock_ud);   /* mul */
    assert_false(dec_ok(X86_MODE_LONG64, "f0 ff 00", 3).lock_ud);  /* inc */
    assert_true(dec_ok(X86_MODE_LONG64, "f0 ff 30", 3).lock_ud);   /* push */
    assert_false(dec_ok(X86_MODE_LONG64, "f0 0f ab 00", 4).lock_ud);
    assert_true(dec_ok(X86_MODE_LONG64, "f0 0f a3 00", 4).lock_ud); /* bt */
    assert_false(dec_ok(X86_MODE_LONG64, "f0 0f ba 28 01", 5).lock_ud);
    assert_true(dec_ok(X86_MODE_LONG64, "f0 0f ba 20 01", 5).lock_ud);
    assert_false(dec_ok(X86_MODE_LONG64, "f0 0f c7 08", 4).lock_ud);
    assert_false(dec_ok(X86_MODE_LONG64, "f0 87 00", 3).lock_ud);
    assert_true(dec_ok(X86_MODE_LONG64, "f0 a4", 2).lock_ud);
}

static void test_odd_lengths(void **state)
{
    struct x86_insn insn;

    insn = dec_ok(X86_MODE_PROT32, "c8 10 00 01", 4);        /* enter */
    assert_int_equal(insn.imm, 0x10);
    assert_int_equal(insn.imm2, 1);
    insn = dec_ok(X86_MODE_PROT32, "9a 78 56 34 12 10 00", 7);
    assert_int_equal(insn.imm, 0x12345678);
    assert_int_equal(insn.imm2, 0x10);
    dec_ok(X86_MODE_PROT32, "66 ea 34 12 08 00", 6);
    dec_ok(X86_MODE_REAL, "ea 34 12 00 f0", 5);
    dec_ok(X86_MODE_PROT32, "66 0f 38 00 c1", 5);            /* pshufb */
    dec_ok(X86_MODE_PROT32, "66 0f 3a 0f c1 08", 6);         /* palignr */
    dec_ok(X86_MODE_LONG64, "66 0f 78 c1 04 08", 6);         /* extrq ib ib */
    dec_ok(X86_MODE_LONG64, "0f 78 c1", 3);                  /* vmread */
    dec_ok(X86_MODE_LONG64, "66 e8 00 00", 4);               /* AMD: rel16 */
    dec_ok(X86_MODE_LONG64, "e8 00 00 00 00", 5);
    dec_ok(X86_MODE_LONG64, "0f 0b", 2);
    dec_ok(X86_MODE_LONG64, "0f b9 00", 3);                  /* ud1 */
    dec_ok(X86_MODE_LONG64, "0f ff 00", 3);                  /* ud0 */
    dec_ok(X86_MODE_LONG64, "f3 0f b8 00", 4);               /* popcnt */
    dec_ok(X86_MODE_LONG64, "c6 f8 01", 3);                  /* xabort */
    dec_ok(X86_MODE_PROT32, "d6", 1);                        /* salc */
    dec_ok(X86_MODE_PROT32, "62 00", 2);                     /* bound */
    dec_ok(X86_MODE_PROT32, "c4 00", 2);                     /* les */
}

static void test_vex_evex(void **state)
{
    struct x86_insn insn;

    insn = dec_ok(X86_MODE_LONG64, "c5 f8 77", 3);           /* vzeroupper */
    assert_int_equal(insn.vex, X86_VEX_2);
    assert_false(insn.has_modrm);
    insn = dec_ok(X86_MODE_LONG64, "c4 41 7c 10 45 10", 6);  /* vmovups */
    assert_int_equal(insn.vex, X86_VEX_3);
    assert_int_equal(insn.map, X86_MAP_0F);
    assert_int_equal(insn.base, X86_R13);
    assert_int_equal(insn.reg, 8);
    insn = dec_ok(X86_MODE_LONG64, "c4 e3 79 0f c1 08", 6);  /* 0F3A imm8 */
    assert_int_equal(insn.imm, 8);
    insn = dec_ok(X86_MODE_LONG64, "62 f1 7c 48 58 41 01", 7);
    assert_int_equal(insn.vex, X86_VEX_EVEX);
    assert_int_equal(insn.vex_l, 2);
    assert_true(insn.has_mem);
    /* 32-bit mode: C4/C5/62 are VEX/EVEX only with mod = 3 */
    assert_int_equal(dec_ok(X86_MODE_PROT32, "c5 f8 77", 3).vex, X86_VEX_2);
    assert_int_equal(dec_ok(X86_MODE_PROT32, "c5 00", 2).vex, X86_VEX_NONE);
    /* Real mode never has VEX: C4 C0 is LES with a register */
    assert_int_equal(dec(X86_MODE_REAL, "c4 c0", &insn), -EINVAL);
    /* Prefixes that VEX forbids, bad maps, bad EVEX fixed bits */
    assert_int_equal(dec(X86_MODE_LONG64, "66 c5 f8 77", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "48 c5 f8 77", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "f0 c5 f8 77", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "c4 e0 79 00 c0", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "c4 e4 79 00 c0", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "62 f1 7c 48 58 c1", &insn), 0);
    assert_int_equal(dec(X86_MODE_LONG64, "62 f9 7c 48 58 c1", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "62 f1 78 48 58 c1", &insn), -EINVAL);
    assert_int_equal(dec(X86_MODE_LONG64, "62 f4 7c 48 58 c1", &insn), -EINVAL);
}

/* ---- malformed input ------------------------------------------------- */

static void test_invalid(void **state)
{
    static const char *const i64[] = {
        "06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f",
        "60", "61", "82 c0 01", "9a 00 00 00 00 00 00", "ce", "d4 0a",
        "d5 0a", "d6", "ea 00 00 00 00 00 00",
    };
    static const char *const always[] = {
        "0f 0f c1 b4", "0f 0e", "0f 04", "0f 0a", "0f 24 c0", "0f 36", "0f 39",
        "0f 3b", "0f a6 c0", "0f 7a c0", "0f b8 00", "8f 48 00",
        "8f e8 78 c2 c1 01", "fe 10", "ff 38", "ff d8", "ff e8", "8d c0",
        "c6 08 00", "c7 c8 00 00 00 00", "c6 f9 00", "0f ba 00 01",
        "0f 00 30", "0f c7 c8", "0f b2 c0",
    };
    struct x86_insn insn;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(i64); i++) {
        if (dec(X86_MODE_LONG64, i64[i], &insn) != -EINVAL)
            fail_msg("64-bit %s decodes", i64[i]);
        if (dec(X86_MODE_PROT32, i64[i], &insn) != 0)
            fail_msg("32-bit %s does not decode", i64[i]);
    }
    for (i = 0; i < ARRAY_SIZE(always); i++)
        if (dec(X86_MODE_REAL, always[i], &insn) != -EINVAL ||
            dec(X86_MODE_PROT32, always[i], &insn) != -EINVAL)
            fail_msg("%s decodes", always[i]);
}

static void test_too_long(void **state)
{
    uint8_t buf[BUF_LEN];
    struct x86_insn insn;

    memset(buf, 0x66, sizeof(buf));
    buf[14] = 0x90;                 /* 14 prefixes + NOP = 15 bytes */
    assert_int_equal(x86_decode(buf, sizeof(buf), X86_MODE_LONG64, &insn), 0);
    assert_int_equal(insn.length, 15);
    buf[14] = 0x66;
    buf[15] = 0x90;                 /* 15 prefixes + NOP = 16 bytes */
    assert_int_equal(x86_decode(buf, sizeof(buf), X86_MODE_LONG64, &insn),
                     -EINVAL);
    /* Too long is known at byte 16 even when only 16 were supplied */
    assert_int_equal(x86_decode(buf, 16, X86_MODE_PROT32, &insn), -EINVAL);
    assert_int_equal(x86_decode(buf, 15, X86_MODE_PROT32, &insn), -EINVAL);
    assert_int_equal(x86_decode(buf, 14, X86_MODE_PROT32, &insn), -ENODATA);
    buf[14] = 0x89;                 /* 14 prefixes + mov %eax,(%rax) */
    buf[15] = 0x00;
    assert_int_equal(x86_decode(buf, sizeof(buf), X86_MODE_LONG64, &insn),
                     -EINVAL);
    /* 11 REP prefixes + mov $imm32,%eax: 16 bytes */
    memset(buf, 0xf3, 11);
    memcpy(buf + 11, "\xb8\x01\x02\x03\x04", 5);
    assert_int_equal(x86_decode(buf, sizeof(buf), X86_MODE_PROT32, &insn),
                     -EINVAL);
    assert_int_equal(x86_decode(buf + 1, sizeof(buf) - 1, X86_MODE_PROT32,
                                &insn), 0);
    assert_int_equal(insn.length, 15);
}

static void test_truncated(void **state)
{
    static const uint8_t full[] = {     /* lock addq $imm32,disp32(%r12,%r13,8) */
        0xf0, 0x4b, 0x81, 0x84, 0xec, 0x78, 0x56, 0x34, 0x12,
        0x44, 0x33, 0x22, 0x11,
    };
    struct x86_insn insn;
    size_t n;

    for (n = 0; n < sizeof(full); n++)
        assert_int_equal(x86_decode(full, n, X86_MODE_LONG64, &insn), -ENODATA);
    assert_int_equal(x86_decode(full, n, X86_MODE_LONG64, &insn), 0);
    assert_int_equal(insn.length, sizeof(full));
    assert_int_equal(insn.imm, 0x11223344);
    assert_int_equal(insn.disp, 0x12345678);
    assert_int_equal(insn.base, X86_R12);
    assert_int_equal(insn.index, X86_R13);
    assert_int_equal(insn.scale, 8);
    /* The VEX-or-LES look-ahead needs its byte too */
    assert_int_equal(dec(X86_MODE_PROT32, "c4", &insn), -ENODATA);
    assert_int_equal(x86_decode(full, 0, X86_MODE_REAL, &insn), -ENODATA);
}

static void test_no_memory_operand(void **state)
{
    struct x86_insn insn = dec_ok(X86_MODE_LONG64, "89 c8", 2);

    assert_false(insn.has_mem);
    assert_int_equal(insn.mem_size, 0);
    assert_int_equal(x86_insn_ea(&insn, fixture_regs, 0x1234), 0);
    assert_int_equal(insn.rm, X86_RAX);
    assert_int_equal(insn.reg, X86_RCX);
}

/*
 * Random bytes in every mode: whatever decodes has a sane length and decodes
 * the same from exactly its own bytes, and one byte fewer asks for more.
 */
static void test_random_bytes(void **state)
{
    static const enum x86_mode modes[] = {
        X86_MODE_REAL, X86_MODE_PROT16, X86_MODE_PROT32, X86_MODE_LONG64,
    };
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    unsigned int i, j, ok = 0;

    for (i = 0; i < 200000; i++) {
        uint8_t buf[16];
        struct x86_insn a, b;
        enum x86_mode mode = modes[i & 3];
        int rc;

        for (j = 0; j < sizeof(buf); j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[j] = seed >> 56;
        }
        rc = x86_decode(buf, 15, mode, &a);
        assert_true(rc == 0 || rc == -EINVAL);
        if (rc)
            continue;
        ok++;
        assert_in_range(a.length, 1, 15);
        assert_int_equal(x86_decode(buf, a.length, mode, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        assert_int_equal(x86_decode(buf, a.length - 1, mode, &b), -ENODATA);
        assert_non_null(x86_insn_name(&a));
    }
    print_message("%u of %u random byte strings decoded\n", ok, i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_cases),
        cmocka_unit_test(test_fixture_sweeps),
        cmocka_unit_test(test_ea_64),
        cmocka_unit_test(test_ea_32),
        cmocka_unit_test(test_ea_16),
        cmocka_unit_test(test_mov_and_sizes),
        cmocka_unit_test(test_alu_group3_imm),
        cmocka_unit_test(test_strings_and_io),
        cmocka_unit_test(test_system),
        cmocka_unit_test(test_mov_cr_dr),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_odd_lengths),
        cmocka_unit_test(test_vex_evex),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_no_memory_operand),
        cmocka_unit_test(test_random_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
