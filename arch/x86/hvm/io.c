// SPDX-License-Identifier: MIT
/*
 * Port I/O. The PCI configuration ports 0xcf8-0xcff go to vpci.c, for
 * any domain (the functions it owns); no other port is assigned to a guest, so
 * every other port reads as all ones and ignores writes, as an absent
 * device on a PC bus does. String
 * forms (INS/OUTS) are emulated in bounded batches: a long REP resumes in
 * the guest, as the hardware allows.
 */
#include <petrel/domain.h>
#include <x86/hvm/hvm.h>

#define MAX_REPS_PER_EXIT   1024
#define RFLAGS_DF           BIT(10)

static uint64_t size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0UL : (1UL << (bytes * 8)) - 1;
}

/* Set the low 'size' bytes of RAX; a 32-bit result zero-extends. */
static void set_in_result(struct vcpu *v, unsigned int size, uint32_t val)
{
    uint64_t *rax = &v->hvm.gpr[GPR_RAX];

    if (size == 4)
        *rax = val;
    else
        *rax = (*rax & ~size_mask(size)) | (val & size_mask(size));
}

/* INS/OUTS: returns false if the domain was crashed. */
static bool string_io(struct vcpu *v, const struct hvm_exit *e, uint64_t *left)
{
    uint64_t amask = size_mask(e->io.addr_size);
    uint64_t *idx = &v->hvm.gpr[e->io.in ? GPR_RDI : GPR_RSI];
    int64_t step = (v->hvm.rflags & RFLAGS_DF) ? -(int64_t)e->io.size : e->io.size;
    uint64_t n = e->io.rep ? MIN(*left, MAX_REPS_PER_EXIT) : 1;
    const uint32_t ones = 0xffffffff;
    struct hvm_segment es;

    hvm->get_segment(v, SEG_ES, &es);
    for (uint64_t i = 0; i < n; i++) {
        /* OUTS reads memory only to throw it away: skip the read. */
        if (e->io.in && copy_to_guest(v, es.base + (*idx & amask), &ones, e->io.size)) {
            domain_crash(v->domain, "INS to unmapped guest address %#lx", *idx & amask);
            return false;
        }
        *idx = (*idx & ~amask) | ((*idx + step) & amask);
    }
    if (e->io.rep)
        *left -= n;
    return true;
}

void hvm_io(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t *rcx = &v->hvm.gpr[GPR_RCX];
    uint64_t amask = size_mask(e->io.addr_size);
    uint64_t left = *rcx & amask;

    if (!e->io.string) {
        uint32_t val = e->io.in ? 0xffffffff : (uint32_t)v->hvm.gpr[GPR_RAX];

        if (e->io.port >= 0xcf8 && e->io.port + e->io.size <= 0xd00)
            vpci_io(v, e->io.port, e->io.size, e->io.in, &val);
        if (e->io.in)
            set_in_result(v, e->io.size, val);
        hvm_skip_insn(v, e);
        return;
    }
    if (e->io.rep && !left) {
        hvm_skip_insn(v, e);
        return;
    }
    if (!string_io(v, e, &left))
        return;
    if (e->io.rep)
        *rcx = (*rcx & ~amask) | left;
    if (!e->io.rep || !left)
        hvm_skip_insn(v, e);
}
