/* SPDX-License-Identifier: MIT */
/* x86 instruction decoder: length, prefixes, operands and effective address. */
/*
 * Design. Without NRIP-save and decode assists (QEMU's SVM has neither) the
 * hypervisor must find the length of every intercepted instruction and the
 * operands of every MMIO access itself. This file does that for any one
 * instruction in any mode, following the SDM vol. 2 chapter 2 and appendix A
 * (and the APM vol. 3 chapter 1 where AMD differs):
 *
 *   legacy prefixes, REX  ->  opcode (1-byte, 0F, 0F38, 0F3A, or VEX/EVEX)
 *   ->  ModRM, SIB, displacement  ->  immediate
 *
 * Two flat tables (one-byte and 0F maps) give each opcode's shape: whether
 * it has a ModRM byte, the kind of immediate, byte operands, 64-bit default
 * operand size, invalid-in-64-bit, memory-only, LOCK-able. The few opcodes
 * whose shape depends on ModRM.reg (groups 3, 5, 11, 8, 9...) are settled
 * in group_fixup(). The 0F38 map always has a ModRM byte; 0F3A adds imm8.
 *
 * Near branches with a 66 prefix in 64-bit mode take AMD's reading (16-bit
 * operand, rel16), as QEMU and objdump do; Intel ignores the 66 there and
 * reads rel32. 3DNow! (0F 0F, and FEMMS 0F 0E) and AMD's XOP (8F with a
 * non-zero ModRM.reg) are rejected as unsupported. VEX and EVEX are decoded
 * for length and memory operand only (op_size reflects VEX.W, mem_size 0).
 */
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <x86/hvm/decode.h>

#define X86_MAX_INSN_LEN    15

/* Immediate kinds: the low four bits of an opcode's attributes. */
enum imm_kind {
    I_NONE,
    I_B,            /* imm8 */
    I_W,            /* imm16 */
    I_Z,            /* imm16 or imm32 by operand size */
    I_V,            /* imm16, imm32 or imm64 by operand size (MOV r, imm) */
    I_MOFFS,        /* an offset as wide as the address size */
    I_ENTER,        /* imm16 then imm8 */
    I_FAR,          /* imm16/imm32 offset then a 16-bit selector */
    I_GRP3,         /* F6/F7: only TEST (/0, /1) has one, ib or iz */
    I_MASK = 0xf,
};

#define F_MODRM     (1u << 4)   /* a ModRM byte follows the opcode */
#define F_BYTE      (1u << 5)   /* byte operands */
#define F_D64       (1u << 6)   /* 64-bit operand size by default in 64-bit mode */
#define F_I64       (1u << 7)   /* invalid in 64-bit mode */
#define F_INV       (1u << 8)   /* invalid in every mode (or unsupported) */
#define F_MEM       (1u << 9)   /* ModRM must name memory */
#define F_LOCK      (1u << 10)  /* LOCK allowed with a memory destination */
#define F_CRDR      (1u << 11)  /* MOV CR/DR: ModRM.mod ignored, always a register */
#define F_IO        (1u << 12)  /* port I/O: operand size at most 4 */
#define F_STR       (1u << 13)  /* string instruction */
#define F_NODATA    (1u << 14)  /* memory operand is not GPR-sized data */
#define F_ESC       (1u << 15)  /* escape to 0F38/0F3A (never looked up) */

#define M           F_MODRM
#define MB          (F_MODRM | F_BYTE)
#define ALU_OPS(x)  [x + 2] = MB, [x + 3] = M, \
                    [x + 4] = F_BYTE | I_B, [x + 5] = I_Z
#define ALU(x)      [x + 0] = MB | F_LOCK, [x + 1] = M | F_LOCK, ALU_OPS(x)
#define ALU_CMP(x)  [x + 0] = MB, [x + 1] = M, ALU_OPS(x)    /* never locks */

/* One-byte map (SDM vol. 2 table A-2). Prefix bytes never get here. */
static const uint16_t attr_1b[256] = {
    ALU(0x00), [0x06] = F_I64, [0x07] = F_I64,
    ALU(0x08), [0x0e] = F_I64,
    ALU(0x10), [0x16] = F_I64, [0x17] = F_I64,
    ALU(0x18), [0x1e] = F_I64, [0x1f] = F_I64,
    ALU(0x20), [0x27] = F_I64,
    ALU(0x28), [0x2f] = F_I64,
    ALU(0x30), [0x37] = F_I64,
    ALU_CMP(0x38), [0x3f] = F_I64,
    [0x50 ... 0x5f] = F_D64,
    [0x60] = F_I64, [0x61] = F_I64,
    [0x62] = M | F_MEM | F_I64,                 /* BOUND (EVEX in 64-bit) */
    [0x63] = M,                                 /* ARPL / MOVSXD */
    [0x68] = F_D64 | I_Z, [0x69] = M | I_Z,
    [0x6a] = F_D64 | I_B, [0x6b] = M | I_B,
    [0x6c] = F_BYTE | F_IO | F_STR, [0x6d] = F_IO | F_STR,
    [0x6e] = F_BYTE | F_IO | F_STR, [0x6f] = F_IO | F_STR,
    [0x70 ... 0x7f] = F_D64 | I_B,
    [0x80] = MB | I_B, [0x81] = M | I_Z,
    [0x82] = MB | I_B | F_I64, [0x83] = M | I_B,
    [0x84] = MB, [0x85] = M,
    [0x86] = MB | F_LOCK, [0x87] = M | F_LOCK,
    [0x88] = MB, [0x89] = M, [0x8a] = MB, [0x8b] = M,
    [0x8c] = M, [0x8d] = M | F_MEM | F_NODATA, [0x8e] = M,
    [0x8f] = M | F_D64,
    [0x9a] = I_FAR | F_I64,
    [0x9c] = F_D64, [0x9d] = F_D64,
    [0xa0] = F_BYTE | I_MOFFS, [0xa1] = I_MOFFS,
    [0xa2] = F_BYTE | I_MOFFS, [0xa3] = I_MOFFS,
    [0xa4] = F_BYTE | F_STR, [0xa5] = F_STR,
    [0xa6] = F_BYTE | F_STR, [0xa7] = F_STR,
    [0xa8] = F_BYTE | I_B, [0xa9] = I_Z,
    [0xaa] = F_BYTE | F_STR, [0xab] = F_STR,
    [0xac] = F_BYTE | F_STR, [0xad] = F_STR,
    [0xae] = F_BYTE | F_STR, [0xaf] = F_STR,
    [0xb0 ... 0xb7] = F_BYTE | I_B,
    [0xb8 ... 0xbf] = I_V,
    [0xc0] = MB | I_B, [0xc1] = M | I_B,
    [0xc2] = F_D64 | I_W, [0xc3] = F_D64,
    [0xc4] = M | F_MEM | F_I64, [0xc5] = M | F_MEM | F_I64,  /* LES, LDS */
    [0xc6] = MB | I_B, [0xc7] = M | I_Z,
    [0xc8] = F_D64 | I_ENTER, [0xc9] = F_D64,
    [0xca] = I_W, [0xcd] = I_B, [0xce] = F_I64,
    [0xd0] = MB, [0xd1] = M, [0xd2] = MB, [0xd3] = M,
    [0xd4] = I_B | F_I64, [0xd5] = I_B | F_I64,
    [0xd6] = F_I64,                             /* SALC */
    [0xd8 ... 0xdf] = M | F_NODATA,             /* x87 */
    [0xe0 ... 0xe3] = F_D64 | I_B,
    [0xe4] = F_BYTE | F_IO | I_B, [0xe5] = F_IO | I_B,
    [0xe6] = F_BYTE | F_IO | I_B, [0xe7] = F_IO | I_B,
    [0xe8] = F_D64 | I_Z, [0xe9] = F_D64 | I_Z,
    [0xea] = I_FAR | F_I64, [0xeb] = F_D64 | I_B,
    [0xec] = F_BYTE | F_IO, [0xed] = F_IO,
    [0xee] = F_BYTE | F_IO, [0xef] = F_IO,
    [0xf6] = MB | I_GRP3, [0xf7] = M | I_GRP3,
    [0xfe] = MB, [0xff] = M,
};

#define MX          (F_MODRM | F_NODATA)

/* Two-byte map 0F (SDM vol. 2 table A-3). */
static const uint16_t attr_0f[256] = {
    [0x00] = M, [0x01] = M, [0x02] = M, [0x03] = M,
    [0x04] = F_INV, [0x0a] = F_INV, [0x0c] = F_INV,
    [0x0d] = MX,                                /* PREFETCH / NOP */
    [0x0e] = F_INV, [0x0f] = F_INV,             /* 3DNow!: unsupported */
    [0x10 ... 0x17] = MX,
    [0x18 ... 0x1f] = MX,                       /* hint NOPs, BND, ENDBR */
    [0x20 ... 0x23] = M | F_CRDR,
    [0x24 ... 0x27] = F_INV,
    [0x28 ... 0x2f] = MX,
    [0x36] = F_INV,
    [0x38] = F_ESC, [0x39] = F_INV, [0x3a] = F_ESC,
    [0x3b ... 0x3f] = F_INV,
    [0x40 ... 0x4f] = M,                        /* CMOVcc */
    [0x50 ... 0x6f] = MX,
    [0x70 ... 0x73] = MX | I_B,
    [0x74 ... 0x76] = MX,
    [0x78] = M | F_D64, [0x79] = M | F_D64,     /* VMREAD, VMWRITE */
    [0x7a] = F_INV, [0x7b] = F_INV,
    [0x7c ... 0x7f] = MX,
    [0x80 ... 0x8f] = F_D64 | I_Z,
    [0x90 ... 0x9f] = MB,                       /* SETcc */
    [0xa0] = F_D64, [0xa1] = F_D64,
    [0xa3] = M, [0xa4] = M | I_B, [0xa5] = M,
    [0xa6] = F_INV, [0xa7] = F_INV,
    [0xa8] = F_D64, [0xa9] = F_D64,
    [0xab] = M | F_LOCK, [0xac] = M | I_B, [0xad] = M,
    [0xae] = MX, [0xaf] = M,
    [0xb0] = MB | F_LOCK, [0xb1] = M | F_LOCK,
    [0xb2] = M | F_MEM, [0xb3] = M | F_LOCK,
    [0xb4] = M | F_MEM, [0xb5] = M | F_MEM,
    [0xb6 ... 0xb8] = M, [0xb9] = MX,           /* MOVZX, POPCNT, UD1 */
    [0xba] = M | I_B, [0xbb] = M | F_LOCK,
    [0xbc ... 0xbf] = M,
    [0xc0] = MB | F_LOCK, [0xc1] = M | F_LOCK,
    [0xc2] = MX | I_B, [0xc3] = M | F_MEM,     /* MOVNTI */
    [0xc4 ... 0xc6] = MX | I_B,
    [0xc7] = M,
    [0xd0 ... 0xff] = MX,
};

/* The byte stream: reads past 15 bytes are #GP, past 'avail' need more. */
struct cursor {
    const uint8_t *bytes;
    size_t avail;
    unsigned int pos;
};

static int fetch(struct cursor *c, uint8_t *b)
{
    if (c->pos >= X86_MAX_INSN_LEN)
        return -EINVAL;
    if (c->pos >= c->avail)
        return -ENODATA;
    *b = c->bytes[c->pos++];
    return 0;
}

/* A little-endian field of n bytes, zero-extended. */
static int fetch_le(struct cursor *c, unsigned int n, uint64_t *val)
{
    uint64_t v = 0;
    unsigned int i;
    uint8_t b;
    int rc;

    for (i = 0; i < n; i++) {
        rc = fetch(c, &b);
        if (rc)
            return rc;
        v |= (uint64_t)b << (8 * i);
    }
    *val = v;
    return 0;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;

    return (int64_t)(v << shift) >> shift;
}

static bool is_64(const struct x86_insn *insn)
{
    return insn->mode == X86_MODE_LONG64;
}

static bool default_16(const struct x86_insn *insn)
{
    return insn->mode == X86_MODE_REAL || insn->mode == X86_MODE_PROT16;
}

static void set_rex(struct x86_insn *insn, uint8_t rex)
{
    insn->rex = rex;
    insn->rex_w = rex & 8;
    insn->rex_r = rex & 4;
    insn->rex_x = rex & 2;
    insn->rex_b = rex & 1;
}

/* Record one legacy prefix; false if b is not one. */
static bool take_legacy_prefix(struct x86_insn *insn, uint8_t b)
{
    static const uint8_t seg_of[8] = {
        X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS,
    };

    switch (b) {
    case 0x26: case 0x2e: case 0x36: case 0x3e:
        insn->seg_override = seg_of[(b >> 3) & 3];
        break;
    case 0x64: case 0x65:
        insn->seg_override = b == 0x64 ? X86_SEG_FS : X86_SEG_GS;
        break;
    case 0x66: insn->prefixes |= X86_PFX_OPSIZE; return true;
    case 0x67: insn->prefixes |= X86_PFX_ADDRSIZE; return true;
    case 0xf0: insn->prefixes |= X86_PFX_LOCK; return true;
    case 0xf2: case 0xf3:
        /* The last of F2/F3 is the one that counts. */
        insn->prefixes &= ~(X86_PFX_REP | X86_PFX_REPNE);
        insn->prefixes |= b == 0xf3 ? X86_PFX_REP : X86_PFX_REPNE;
        return true;
    default:
        return false;
    }
    insn->prefixes |= X86_PFX_SEG;
    return true;
}

/*
 * Legacy prefixes in any order, then (64-bit mode) REX. A REX that is not
 * last before the opcode is ignored (SDM 2.2.1); returns the opcode byte.
 */
static int decode_prefixes(struct cursor *c, struct x86_insn *insn, uint8_t *op)
{
    uint8_t b;
    int rc;

    for (;;) {
        rc = fetch(c, &b);
        if (rc)
            return rc;
        if (is_64(insn) && (b & 0xf0) == 0x40) {
            set_rex(insn, b);
            continue;
        }
        if (!take_legacy_prefix(insn, b))
            break;
        set_rex(insn, 0);
    }
    *op = b;
    return 0;
}

/* Whether C4/C5/62 starts a VEX/EVEX prefix rather than LES/LDS/BOUND. */
static int is_vex_escape(struct cursor *c, struct x86_insn *insn, uint8_t op)
{
    uint8_t next;
    int rc;

    if (op != 0xc4 && op != 0xc5 && op != 0x62)
        return 0;
    if (is_64(insn))
        return 1;
    if (insn->mode == X86_MODE_REAL)
        return 0;
    /* Outside 64-bit mode only the register form (mod = 3) is VEX/EVEX. */
    rc = fetch(c, &next);
    if (rc)
        return rc;
    c->pos--;
    return next >= 0xc0;
}

/* Fold the inverted R X B bits of a VEX/EVEX payload byte. */
static void set_vex_rxb(struct x86_insn *insn, uint8_t p)
{
    if (!is_64(insn))
        return;     /* ignored outside 64-bit mode */
    insn->rex_r = !(p & 0x80);
    insn->rex_x = !(p & 0x40);
    insn->rex_b = !(p & 0x20);
}

static void set_vex_wvlp(struct x86_insn *insn, uint8_t p)
{
    insn->rex_w = p & 0x80;
    insn->vex_vvvv = (~p >> 3) & (is_64(insn) ? 15 : 7);
    insn->vex_l = (p >> 2) & 1;
    insn->vex_pp = p & 3;
}

static int decode_vex3(struct cursor *c, struct x86_insn *insn)
{
    uint8_t p0, p1;
    int rc;

    rc = fetch(c, &p0);
    if (!rc)
        rc = fetch(c, &p1);
    if (rc)
        return rc;
    if ((p0 & 0x1f) < 1 || (p0 & 0x1f) > 3)
        return -EINVAL;
    insn->map = p0 & 0x1f;      /* 1 = 0F, 2 = 0F38, 3 = 0F3A */
    set_vex_rxb(insn, p0);
    set_vex_wvlp(insn, p1);
    insn->vex = X86_VEX_3;
    return 0;
}

static int decode_vex2(struct cursor *c, struct x86_insn *insn)
{
    uint8_t p0;
    int rc;

    rc = fetch(c, &p0);
    if (rc)
        return rc;
    insn->map = X86_MAP_0F;
    set_vex_rxb(insn, p0 | 0x60);
    set_vex_wvlp(insn, p0 & 0x7f);
    insn->vex = X86_VEX_2;
    return 0;
}

/* EVEX (SDM 2.7.1): P0 = R X B R' 0 m m m, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa. */
static int decode_evex(struct cursor *c, struct x86_insn *insn)
{
    uint64_t p;
    unsigned int map;
    int rc;

    rc = fetch_le(c, 3, &p);
    if (rc)
        return rc;
    map = p & 7;
    if ((p & 0x08) || !(p & 0x400) || map == 0 || map == 4 || map == 7)
        return -EINVAL;
    insn->map = map == 5 ? X86_MAP_EVEX5 : map == 6 ? X86_MAP_EVEX6 : map;
    set_vex_rxb(insn, p & 0xff);
    set_vex_wvlp(insn, (p >> 8) & 0xff);
    insn->vex_l = (p >> 21) & 3;
    insn->vex = X86_VEX_EVEX;
    return 0;
}

/* After C4/C5/62 in a VEX position: the prefix, then the opcode byte. */
static int decode_vex(struct cursor *c, struct x86_insn *insn, uint8_t esc)
{
    const uint8_t bad = X86_PFX_OPSIZE | X86_PFX_LOCK | X86_PFX_REP |
                        X86_PFX_REPNE;
    int rc;

    /* 66, F2, F3, LOCK or REX before VEX/EVEX are #UD (SDM 2.3.2). */
    if ((insn->prefixes & bad) || insn->rex)
        return -EINVAL;
    if (esc == 0xc4)
        rc = decode_vex3(c, insn);
    else if (esc == 0xc5)
        rc = decode_vex2(c, insn);
    else
        rc = decode_evex(c, insn);
    if (rc)
        return rc;
    return fetch(c, &insn->opcode);
}

/* The opcode proper: map escapes, VEX/EVEX, or a one-byte opcode. */
static int decode_opcode(struct cursor *c, struct x86_insn *insn, uint8_t op)
{
    int rc;

    rc = is_vex_escape(c, insn, op);
    if (rc < 0)
        return rc;
    if (rc)
        return decode_vex(c, insn, op);
    insn->map = X86_MAP_1B;
    insn->opcode = op;
    if (op != 0x0f)
        return 0;
    insn->map = X86_MAP_0F;
    rc = fetch(c, &insn->opcode);
    if (rc || (insn->opcode != 0x38 && insn->opcode != 0x3a))
        return rc;
    insn->map = insn->opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
    return fetch(c, &insn->opcode);
}

/* VEX/EVEX map 0F opcodes that carry an imm8 (shuffles, compares, inserts). */
static bool vex_0f_has_imm8(uint8_t op)
{
    return (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
           (op >= 0xc4 && op <= 0xc6);
}

static unsigned int vex_attr(const struct x86_insn *insn)
{
    unsigned int a = F_MODRM | F_NODATA;

    if (insn->map == X86_MAP_0F3A ||
        (insn->map == X86_MAP_0F && vex_0f_has_imm8(insn->opcode)))
        a |= I_B;
    if (insn->map == X86_MAP_0F && insn->opcode == 0x77 &&
        insn->vex != X86_VEX_EVEX)
        a = 0;      /* VZEROUPPER / VZEROALL */
    return a;
}

/* The opcode's attributes, or F_INV. */
static unsigned int opcode_attr(const struct x86_insn *insn)
{
    if (insn->vex)
        return vex_attr(insn);
    switch (insn->map) {
    case X86_MAP_1B:
        return attr_1b[insn->opcode];
    case X86_MAP_0F:
        return attr_0f[insn->opcode];
    case X86_MAP_0F38:
        /* MOVBE, CRC32, ADCX/ADOX work on GPRs; the rest is SIMD. */
        return insn->opcode >= 0xf0 ? F_MODRM : F_MODRM | F_NODATA;
    default:
        return F_MODRM | F_NODATA | I_B;
    }
}

static unsigned int addr_size_of(const struct x86_insn *insn)
{
    bool a67 = insn->prefixes & X86_PFX_ADDRSIZE;

    if (is_64(insn))
        return a67 ? 4 : 8;
    return default_16(insn) != a67 ? 2 : 4;
}

static unsigned int op_size_of(const struct x86_insn *insn, unsigned int attr)
{
    bool o66 = insn->prefixes & X86_PFX_OPSIZE;
    unsigned int size;

    if (attr & F_BYTE)
        return 1;
    if (attr & F_CRDR)
        return is_64(insn) ? 8 : 4;
    if (insn->map == X86_MAP_1B && insn->opcode == 0x63 && !is_64(insn))
        return 2;   /* ARPL */
    if (insn->vex)
        return is_64(insn) && insn->rex_w ? 8 : 4;
    if (is_64(insn) && (insn->rex_w || ((attr & F_D64) && !o66)))
        size = 8;
    else
        size = default_16(insn) != o66 ? 2 : 4;
    if ((attr & F_IO) && size == 8)
        size = 4;   /* REX.W does not widen port I/O */
    return size;
}

static void set_disp(struct x86_insn *insn, uint64_t raw, unsigned int size)
{
    insn->disp_size = size;
    insn->disp = size ? sign_extend(raw, size) : 0;
}

/* 16-bit addressing forms (SDM table 2-1). */
static int decode_mem16(struct cursor *c, struct x86_insn *insn)
{
    static const uint8_t base16[8] = {
        X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX,
    };
    static const uint8_t index16[8] = {
        X86_RSI, X86_RDI, X86_RSI, X86_RDI,
        X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
    };
    unsigned int rm = insn->modrm & 7, size = insn->mod == 2 ? 2 : insn->mod;
    uint64_t raw;
    int rc;

    insn->base = base16[rm];
    insn->index = index16[rm];
    if (insn->mod == 0 && rm == 6) {
        insn->base = X86_REG_NONE;
        size = 2;
    }
    rc = fetch_le(c, size, &raw);
    if (rc)
        return rc;
    set_disp(insn, raw, size);
    return 0;
}

/* SIB byte (SDM table 2-3): index 100 without REX.X means none. */
static int decode_sib(struct cursor *c, struct x86_insn *insn, unsigned int *dsz)
{
    unsigned int idx, base;
    int rc;

    rc = fetch(c, &insn->sib);
    if (rc)
        return rc;
    insn->has_sib = true;
    insn->scale = 1 << (insn->sib >> 6);
    idx = ((insn->sib >> 3) & 7) | (insn->rex_x ? 8 : 0);
    insn->index = idx == X86_RSP ? X86_REG_NONE : idx;
    base = insn->sib & 7;
    if (base == 5 && insn->mod == 0) {
        insn->base = X86_REG_NONE;      /* disp32, even with REX.B */
        *dsz = 4;
    } else {
        insn->base = base | (insn->rex_b ? 8 : 0);
    }
    return 0;
}

/* 32/64-bit addressing forms (SDM table 2-2, 2.2.1.6 for RIP-relative). */
static int decode_mem32(struct cursor *c, struct x86_insn *insn)
{
    unsigned int rm = insn->modrm & 7, size = insn->mod == 2 ? 4 : insn->mod;
    uint64_t raw;
    int rc;

    if (rm == 4) {
        rc = decode_sib(c, insn, &size);
        if (rc)
            return rc;
    } else if (rm == 5 && insn->mod == 0) {
        insn->rip_rel = is_64(insn);    /* R13 too: REX.B does not matter */
        size = 4;
    } else {
        insn->base = insn->rm;
    }
    rc = fetch_le(c, size, &raw);
    if (rc)
        return rc;
    set_disp(insn, raw, size);
    return 0;
}

static int decode_modrm(struct cursor *c, struct x86_insn *insn,
                        unsigned int attr)
{
    int rc;

    rc = fetch(c, &insn->modrm);
    if (rc)
        return rc;
    insn->has_modrm = true;
    insn->mod = insn->modrm >> 6;
    insn->reg = ((insn->modrm >> 3) & 7) | (insn->rex_r ? 8 : 0);
    insn->rm = (insn->modrm & 7) | (insn->rex_b ? 8 : 0);
    if (insn->mod == 3 || (attr & F_CRDR))
        return (attr & F_MEM) ? -EINVAL : 0;
    insn->has_mem = true;
    insn->scale = 1;
    if (insn->addr_size == 2)
        return decode_mem16(c, insn);
    return decode_mem32(c, insn);
}

/* Group opcodes of the one-byte map: validity and shape by ModRM.reg. */
static int group_fixup_1b(struct x86_insn *insn, unsigned int *attr)
{
    unsigned int r = insn->reg & 7;

    switch (insn->opcode) {
    case 0x80 ... 0x83:
        if (r != 7)
            *attr |= F_LOCK;
        return 0;
    case 0x8f:                  /* POP Ev; other /r are AMD's XOP */
        return r ? -EINVAL : 0;
    case 0xc6: case 0xc7:       /* MOV; /7 mod 3 rm 0 is XABORT/XBEGIN */
        return r == 0 || insn->modrm == 0xf8 ? 0 : -EINVAL;
    case 0xf6: case 0xf7:
        if (r == 2 || r == 3)
            *attr |= F_LOCK;
        *attr = (*attr & ~I_MASK) |
                (r >= 2 ? I_NONE : (*attr & F_BYTE) ? I_B : I_Z);
        return 0;
    case 0xfe:
        if (r >= 2)
            return -EINVAL;
        *attr |= F_LOCK;
        return 0;
    case 0xff:
        if (r == 7 || ((r == 3 || r == 5) && insn->mod == 3))
            return -EINVAL;
        *attr |= r < 2 ? F_LOCK : (r & 1) ? 0 : F_D64;
        return 0;
    }
    return 0;
}

/* Group opcodes of the 0F map. */
static int group_fixup_0f(struct x86_insn *insn, unsigned int *attr)
{
    unsigned int r = insn->reg & 7;

    switch (insn->opcode) {
    case 0x00:
        return r >= 6 ? -EINVAL : 0;
    case 0x01:
        if (insn->mod != 3 && r == 7)
            *attr |= F_NODATA;          /* INVLPG */
        return 0;
    case 0x78:                          /* SSE4a EXTRQ / INSERTQ imm8, imm8 */
        if (insn->prefixes & (X86_PFX_OPSIZE | X86_PFX_REPNE))
            *attr = (*attr & ~I_MASK) | I_B | F_NODATA;
        return 0;
    case 0xb8:                          /* POPCNT needs F3 (else JMPE) */
        return (insn->prefixes & X86_PFX_REP) ? 0 : -EINVAL;
    case 0xba:
        if (r < 4)
            return -EINVAL;
        *attr |= r > 4 ? F_LOCK : 0;
        return 0;
    case 0xc7:
        if (r == 1 && insn->mod == 3)
            return -EINVAL;
        *attr |= r == 1 ? F_LOCK : F_NODATA;
        return 0;
    }
    return 0;
}

static int group_fixup(struct x86_insn *insn, unsigned int *attr)
{
    if (insn->vex || !insn->has_modrm)
        return 0;
    if (insn->map == X86_MAP_1B)
        return group_fixup_1b(insn, attr);
    if (insn->map == X86_MAP_0F)
        return group_fixup_0f(insn, attr);
    return 0;
}

static unsigned int imm_size_of(const struct x86_insn *insn, unsigned int kind)
{
    switch (kind) {
    case I_B: return 1;
    case I_W: case I_ENTER: return 2;
    case I_Z: case I_FAR: return insn->op_size == 2 ? 2 : 4;
    case I_V: return insn->op_size;
    default: return 0;
    }
}

static int decode_imm(struct cursor *c, struct x86_insn *insn,
                      unsigned int attr)
{
    unsigned int kind = attr & I_MASK;
    uint64_t v = 0;
    int rc;

    if (kind == I_MOFFS) {
        /* The offset is a displacement with no base, as wide as addresses. */
        rc = fetch_le(c, insn->addr_size, &v);
        if (rc)
            return rc;
        insn->has_mem = true;
        insn->disp = (int64_t)v;
        insn->disp_size = insn->addr_size;
        insn->scale = 1;
        return 0;
    }
    insn->imm_size = imm_size_of(insn, kind);
    rc = fetch_le(c, insn->imm_size, &insn->imm);
    if (rc)
        return rc;
    if (kind == I_ENTER || (kind == I_B && insn->map == X86_MAP_0F &&
                            insn->opcode == 0x78))
        insn->imm2_size = 1;
    else if (kind == I_FAR)
        insn->imm2_size = 2;
    rc = fetch_le(c, insn->imm2_size, &v);
    insn->imm2 = v;
    return rc;
}

/* String instructions: the rSI operand, or the ES:rDI one where alone. */
static void set_string_operand(struct x86_insn *insn)
{
    uint8_t op = insn->opcode;
    bool rdi_only = op == 0x6c || op == 0x6d || (op >= 0xaa && op <= 0xab) ||
                    op >= 0xae;

    insn->is_string = true;
    insn->has_mem = true;
    insn->scale = 1;
    insn->base = rdi_only ? X86_RDI : X86_RSI;
}

/* The memory operand's segment: override, else SS for rSP/rBP bases. */
static void set_segment(struct x86_insn *insn)
{
    uint8_t ovr = insn->seg_override;

    if (!insn->has_mem)
        return;
    if (insn->is_string && insn->base == X86_RDI)
        insn->seg = X86_SEG_ES;         /* not overridable */
    else if (ovr != X86_SEG_NONE && (!is_64(insn) || ovr >= X86_SEG_FS))
        insn->seg = ovr;                /* 64-bit mode ignores ES CS SS DS */
    else if (insn->base == X86_RSP || insn->base == X86_RBP)
        insn->seg = X86_SEG_SS;
    else
        insn->seg = X86_SEG_DS;
}

/* Bytes spanned by the memory operand (see decode.h). */
static unsigned int mem_size_of(const struct x86_insn *insn, unsigned int attr)
{
    unsigned int op = insn->opcode, r = insn->reg & 7, sz = insn->op_size;

    if (!insn->has_mem || (attr & F_NODATA) || insn->vex)
        return 0;
    if (insn->map == X86_MAP_1B) {
        if (op == 0x8c || op == 0x8e)
            return 2;
        if (op == 0x63)
            return is_64(insn) ? MIN(sz, 4) : 2;
        if (op == 0x62)
            return 2 * sz;                      /* BOUND */
        if (op == 0xc4 || op == 0xc5 || (op == 0xff && (r == 3 || r == 5)))
            return sz + 2;                      /* far pointer */
        return sz;
    }
    if (insn->map != X86_MAP_0F)
        return sz;
    switch (op) {
    case 0x00: case 0x02: case 0x03: case 0xb7: case 0xbf:
        return 2;
    case 0xb6: case 0xbe:
        return 1;
    case 0xb2: case 0xb4: case 0xb5:
        return sz + 2;
    case 0xc7:
        return insn->rex_w ? 16 : 8;            /* CMPXCHG8B / 16B */
    case 0x01:
        if (r == 4 || r == 6)
            return 2;                           /* SMSW, LMSW */
        return r < 4 ? (is_64(insn) ? 10 : 6) : 0;
    }
    return sz;
}

/* LOCK is #UD unless the opcode allows it and its destination is memory. */
static void check_lock(struct x86_insn *insn, unsigned int attr)
{
    if (!(insn->prefixes & X86_PFX_LOCK))
        return;
    /* LOCK MOV CR0 is AMD's encoding of MOV CR8 outside 64-bit mode. */
    if (insn->map == X86_MAP_0F && (insn->opcode & 0xfd) == 0x20)
        return;
    insn->lock_ud = !(attr & F_LOCK) || !insn->has_mem || insn->is_string;
}

static int decode_body(struct cursor *c, struct x86_insn *insn)
{
    unsigned int attr = opcode_attr(insn);
    int rc;

    if ((attr & F_INV) || ((attr & F_I64) && is_64(insn)))
        return -EINVAL;
    insn->addr_size = addr_size_of(insn);
    if (attr & F_MODRM) {
        rc = decode_modrm(c, insn, attr);
        if (!rc)
            rc = group_fixup(insn, &attr);
        if (rc)
            return rc;
    }
    insn->op_size = op_size_of(insn, attr);
    rc = decode_imm(c, insn, attr);
    if (rc)
        return rc;
    if (attr & F_STR)
        set_string_operand(insn);
    set_segment(insn);
    insn->mem_size = mem_size_of(insn, attr);
    check_lock(insn, attr);
    return 0;
}

int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode,
               struct x86_insn *insn)
{
    struct cursor c = { .bytes = bytes, .avail = avail };
    uint8_t op;
    int rc;

    memset(insn, 0, sizeof(*insn));
    insn->mode = mode;
    insn->seg_override = insn->seg = X86_SEG_NONE;
    insn->base = insn->index = X86_REG_NONE;
    rc = decode_prefixes(&c, insn, &op);
    if (!rc)
        rc = decode_opcode(&c, insn, op);
    if (!rc)
        rc = decode_body(&c, insn);
    if (rc)
        return rc;
    insn->length = c.pos;
    return 0;
}

uint64_t x86_insn_ea(const struct x86_insn *insn, const uint64_t regs[16],
                     uint64_t rip_next)
{
    uint64_t ea = (uint64_t)insn->disp;

    if (!insn->has_mem)
        return 0;
    if (insn->base != X86_REG_NONE)
        ea += regs[insn->base];
    if (insn->index != X86_REG_NONE)
        ea += regs[insn->index] * insn->scale;
    if (insn->rip_rel)
        ea += rip_next;
    /* Sums wrap at the address size (SDM 3.3.7): mask once at the end. */
    return ea & x86_insn_addr_mask(insn);
}
