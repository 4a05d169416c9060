// SPDX-License-Identifier: MIT
/*
 * Guest writes to CR0 and CR4 that the vendor could not leave to the
 * processor (on VMX: a write changing a bit that the CR0/CR4 guest/host
 * masks give Petrel). The value is checked as MOV to CR checks it (SDM
 * vol. 2, MOV CR; vol. 3, 2.5): #GP for what the processor would refuse.
 * The paging mode follows (EFER.LMA), and the vendor stores the result with
 * set_paging, which also drops the vCPU's stale translations.
 */
#include <petrel/domain.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vcpu_context.h>
#include <x86/msr.h>
#include <x86/processor.h>

#define CR0_MP          BIT(1)
#define CR0_EM          BIT(2)
#define CR0_TS          BIT(3)
#define CR0_ET          BIT(4)
#define CR0_NE          BIT(5)
#define CR0_AM          BIT(18)
#define CR0_NW          BIT(29)
#define CR0_CD          BIT(30)
#define CR0_KNOWN       (X86_CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | \
                         X86_CR0_WP | CR0_AM | CR0_NW | CR0_CD | X86_CR0_PG)
#define CR4_PCIDE       BIT(17)
#define CR4_LA57        BIT(12)

/* CR4 bits a guest may set: the basic ones, and those its CPUID shows. */
uint64_t hvm_cr4_valid_bits(struct vcpu *v)
{
    uint32_t l1[4], l7[4];
    uint64_t ok = 0x7ff;            /* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT */

    hvm_cpuid(v, 1, 0, l1);
    hvm_cpuid(v, 7, 0, l7);
    ok |= (l1[2] & BIT(17)) ? CR4_PCIDE : 0;
    ok |= (l1[2] & BIT(26)) ? BIT(18) : 0;     /* XSAVE: OSXSAVE */
    ok |= (l7[1] & BIT(0)) ? X86_CR4_FSGSBASE : 0;
    ok |= (l7[1] & BIT(7)) ? BIT(20) : 0;      /* SMEP */
    ok |= (l7[1] & BIT(20)) ? BIT(21) : 0;     /* SMAP */
    ok |= (l7[2] & BIT(2)) ? BIT(11) : 0;      /* UMIP */
    ok |= (l7[2] & BIT(3)) ? BIT(22) : 0;      /* PKE */
    ok |= (l7[2] & BIT(16)) ? CR4_LA57 : 0;
    return ok;                      /* never VMXE or SMXE: guests have neither */
}

/* A new CR0 in 'pg' (paging mode included); false for #GP. */
static bool cr0_write(struct vcpu *v, struct hvm_paging *pg, uint64_t val)
{
    bool paging_on = (val & X86_CR0_PG) && !(pg->cr0 & X86_CR0_PG);

    if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
        ((val & CR0_NW) && !(val & CR0_CD)))
        return false;
    if (paging_on && (pg->efer & EFER_LME) && !(pg->cr4 & X86_CR4_PAE))
        return false;
    /* Paging may not go off in 64-bit mode (only from compatibility mode). */
    if (!(val & X86_CR0_PG) && (pg->cr0 & X86_CR0_PG) && hvm_long_mode(v))
        return false;
    pg->cr0 = (val & CR0_KNOWN) | CR0_ET;       /* ET is fixed to 1 */
    if (!(val & X86_CR0_PG))
        pg->efer &= ~EFER_LMA;
    else if (paging_on && (pg->efer & EFER_LME))
        pg->efer |= EFER_LMA;
    return true;
}

static bool cr4_write(struct vcpu *v, struct hvm_paging *pg, uint64_t val)
{
    uint64_t changed = val ^ pg->cr4;

    if (val & ~hvm_cr4_valid_bits(v))
        return false;
    if ((pg->efer & EFER_LMA) && (!(val & X86_CR4_PAE) || (changed & CR4_LA57)))
        return false;
    /* PCIDE goes on only in long mode, with CR3[11:0] zero. */
    if ((changed & val & CR4_PCIDE) && (!(pg->efer & EFER_LMA) || (pg->cr3 & 0xfff)))
        return false;
    pg->cr4 = val;
    return true;
}

void hvm_cr_write(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t val = v->hvm.gpr[e->cr.gpr & 15];
    struct hvm_paging pg;
    bool ok;

    if (!hvm_long_mode(v))
        val = (uint32_t)val;        /* 32-bit operands outside 64-bit mode */
    hvm->get_paging(v, &pg);
    ok = e->cr.cr == 0 ? cr0_write(v, &pg, val) : e->cr.cr == 4 && cr4_write(v, &pg, val);
    if (!ok) {
        hvm_inject_gp(v, 0);
        return;
    }
    hvm->set_paging(v, &pg);
    hvm_skip_insn(v, e);
}
