// SPDX-License-Identifier: MIT
/*
 * MMIO emulation: a nested page fault at an emulated device's address is
 * an access Petrel carries out itself. The faulting instruction is fetched
 * and decoded; the MOV forms guests use on device registers are emulated
 * (MOV r <-> m, MOV m, imm and the moffs forms, 1 to 8 bytes, any ModRM,
 * SIB, displacement or RIP-relative operand), the register written back
 * and RIP moved past it. The address is the faulting one: the operand's
 * effective address needs no computing. Anything else crashes the domain
 * with a line naming the instruction.
 *
 * Devices: only the vLAPIC page (in xAPIC mode, at its current base).
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <x86/hvm/decode.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/mmio.h>
#include <x86/hvm/vlapic.h>

struct mmio_device {
    const char *name;
    bool (*covers)(struct vcpu *v, uint64_t gpa);
    int (*read)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val);
    int (*write)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val);
};

static const struct mmio_device mmio_devices[] = {
    { "vLAPIC", vlapic_mmio_covers, vlapic_mmio_read, vlapic_mmio_write },
};

int mmio_decode_op(const struct x86_insn *insn, struct mmio_op *op)
{
    if (insn->map != X86_MAP_1B || insn->vex != X86_VEX_NONE || !insn->has_mem ||
        insn->is_string || (insn->prefixes & X86_PFX_LOCK))
        return -EINVAL;
    op->reg = insn->reg;
    op->size = insn->op_size;
    switch (insn->opcode) {
    case 0x88:                                  /* MOV r/m8, r8 */
    case 0x8a:                                  /* MOV r8, r/m8 */
        op->size = 1;
        /* fall through */
    case 0x89:                                  /* MOV r/m, r */
    case 0x8b:                                  /* MOV r, r/m */
        op->kind = (insn->opcode & 2) ? MMIO_LOAD : MMIO_STORE;
        break;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3: /* MOV AL/rAX <-> moffs */
        op->kind = (insn->opcode & 2) ? MMIO_STORE : MMIO_LOAD;
        op->size = (insn->opcode & 1) ? insn->op_size : 1;
        op->reg = X86_RAX;
        break;
    case 0xc6:                                  /* MOV r/m8, imm8 */
    case 0xc7:                                  /* MOV r/m, imm16/32 */
        if ((insn->reg & 7) != 0)
            return -EINVAL;
        op->kind = MMIO_STORE_IMM;
        op->size = insn->opcode == 0xc6 ? 1 : insn->op_size;
        op->imm = x86_insn_simm(insn);
        break;
    default:
        return -EINVAL;
    }
    op->reg8_high = op->size == 1 && op->kind != MMIO_STORE_IMM &&
                    op->reg != X86_RAX && x86_insn_reg8_high(insn, op->reg);
    return 0;
}

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

uint64_t mmio_store_value(const struct mmio_op *op, const uint64_t gpr[16])
{
    if (op->kind == MMIO_STORE_IMM)
        return op->imm & size_mask(op->size);
    if (op->reg8_high)
        return (gpr[op->reg - 4] >> 8) & 0xff;
    return gpr[op->reg] & size_mask(op->size);
}

/* A 32-bit load zero-extends into the whole register; 8 and 16 merge. */
void mmio_load_value(const struct mmio_op *op, uint64_t gpr[16], uint64_t val)
{
    uint64_t *r = &gpr[op->reg8_high ? op->reg - 4 : op->reg];
    unsigned int shift = op->reg8_high ? 8 : 0;
    uint64_t mask = size_mask(op->size) << shift;

    if (op->size >= 4)
        *r = val & size_mask(op->size);
    else
        *r = (*r & ~mask) | ((val << shift) & mask);
}

static const struct mmio_device *find_device(struct vcpu *v, uint64_t gpa)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(mmio_devices); i++)
        if (mmio_devices[i].covers(v, gpa))
            return &mmio_devices[i];
    return NULL;
}

/* Carry out 'op' at 'gpa'; false if the domain was crashed. */
static bool do_access(struct vcpu *v, const struct mmio_device *dev, uint64_t gpa,
                      const struct mmio_op *op)
{
    uint64_t val;
    int rc;

    if ((gpa & 0xfff) + op->size > 0x1000) {
        domain_crash(v->domain, "%u-byte MMIO access at %#lx crosses a page", op->size, gpa);
        return false;
    }
    if (op->kind == MMIO_LOAD) {
        rc = dev->read(v, gpa, op->size, &val);
        if (!rc)
            mmio_load_value(op, v->hvm.gpr, val);
    } else {
        rc = dev->write(v, gpa, op->size, mmio_store_value(op, v->hvm.gpr));
    }
    if (rc)
        domain_crash(v->domain, "%s: %u-byte access at %#lx failed (%d)", dev->name,
                     op->size, gpa, rc);
    return !rc;
}

bool hvm_mmio(struct vcpu *v, struct hvm_exit *e)
{
    const struct mmio_device *dev = e->npf.fetch ? NULL : find_device(v, e->npf.gpa);
    struct hvm_exit skip = *e;
    struct x86_insn insn;
    struct mmio_op op;
    uint8_t buf[15];
    int got;

    if (!dev)
        return false;
    got = hvm_fetch_insn(v, buf, sizeof(buf));
    if (got <= 0 || x86_decode(buf, got, hvm_insn_mode(v), &insn)) {
        domain_crash(v->domain, "%s access at %#lx: cannot decode the instruction at RIP %#lx",
                     dev->name, e->npf.gpa, v->hvm.rip);
        return true;
    }
    if (mmio_decode_op(&insn, &op)) {
        domain_crash(v->domain, "%s access at %#lx by '%s' (opcode %#x, %u bytes) at RIP %#lx: "
                     "only MOV is emulated on MMIO", dev->name, e->npf.gpa,
                     x86_insn_name(&insn), insn.opcode, insn.length, v->hvm.rip);
        return true;
    }
    if (do_access(v, dev, e->npf.gpa, &op)) {
        skip.insn_len = insn.length;
        hvm_skip_insn(v, &skip);
    }
    return true;
}
