// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise for HVM/PVH vCPUs: a struct vcpu_hvm_context
 * (public/hvm/hvm_vcpu.h) checked and turned into a vCPU's first state.
 *
 * The checks are Xen's (segments usable for their role, present, CS code,
 * SS writable data, DS/ES readable, TR a busy 32-bit TSS, EIP within CS,
 * SS.DPL = CS.DPL, DS/ES.DPL <= CS.DPL, EFER.LMA only with LME; in 64-bit
 * mode a canonical RIP and paging, PAE and LME on), plus those the VM
 * entry checks would otherwise fail on, so that a guest's bad context is
 * -EINVAL and never a failed VM entry: CR0, CR4, EFER and RFLAGS reserved
 * bits, CR3 within the physical-address width, limit and granularity
 * consistent (SDM vol. 3C, 27.3.1.2), L and D/B of CS. As Xen does, the
 * accessed bit (busy for TR) of present segments is set.
 *
 * hvm_context_check() is pure (host unit tests); hvm_set_vcpu_context()
 * applies its result through the vendor hooks.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <public/hvm/hvm_vcpu.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vcpu_context.h>
#include <x86/msr.h>
#include <x86/processor.h>

/* Packed access rights (hvm_segment.attr): type 3:0, S 4, DPL 6:5, P 7, L 9, D/B 10, G 11. */
#define AR_TYPE(a)      ((a) & 0xfu)
#define AR_S            BIT(4)
#define AR_DPL(a)       (((a) >> 5) & 3u)
#define AR_P            BIT(7)
#define AR_L            BIT(9)
#define AR_DB           BIT(10)
#define AR_G            BIT(11)
#define TYPE_CODE       BIT(3)
#define TYPE_RW         BIT(1)      /* code: readable; data: writable */
#define TYPE_ACCESSED   BIT(0)
#define TYPE_TSS_BUSY   0xbu

#define CR0_ET          BIT(4)
#define CR0_NW          BIT(29)
#define CR0_CD          BIT(30)
#define CR0_VALID       0xe005003full   /* PE MP EM TS ET NE WP AM NW CD PG */
/* RFLAGS bits a guest may start with: CF PF AF ZF SF TF IF DF OF IOPL NT RF AC VIF VIP ID */
#define RFLAGS_VALID    0x3d7fd7ull
#define RFLAGS_FIXED    BIT(1)

static int bad(const char *what)
{
    pr_warn("VCPUOP_initialise: %s\n", what);
    return -EINVAL;
}

/* A segment of the 32-bit form; 'seg' says its role. */
static int check_segment(enum hvm_seg seg, uint32_t base, uint32_t limit, uint16_t ar,
                         struct hvm_segment *out)
{
    unsigned int type = AR_TYPE(ar);

    if (ar & 0xf000)
        return bad("segment attribute bits 15:12 are not zero");
    *out = (struct hvm_segment){ .sel = 0, .attr = ar, .limit = limit, .base = base };
    if (!ar) {
        if (seg != SEG_DS && seg != SEG_ES)
            return bad("null segment for CS, SS or TR");
        return 0;                   /* unusable */
    }
    if (!(ar & AR_P))
        return bad("non-present segment");
    if (seg == SEG_TR ? (ar & AR_S) || type != TYPE_TSS_BUSY : !(ar & AR_S))
        return bad(seg == SEG_TR ? "TR is not a busy 32-bit TSS" : "system segment for code or data");
    if (seg == SEG_CS && !(type & TYPE_CODE))
        return bad("non-code segment for CS");
    if (seg == SEG_SS && ((type & TYPE_CODE) || !(type & TYPE_RW)))
        return bad("non-writable segment for SS");
    if ((seg == SEG_DS || seg == SEG_ES) && (type & TYPE_CODE) && !(type & TYPE_RW))
        return bad("non-readable segment for DS or ES");
    /* Granularity: limit[11:0] all ones if G, limit[31:20] zero if not. */
    if ((ar & AR_G) ? (limit & 0xfff) != 0xfff : (limit >> 20) != 0)
        return bad("segment limit does not match its granularity");
    if (seg != SEG_TR)
        out->attr |= TYPE_ACCESSED;
    return 0;
}

static int check_32(const struct vcpu_hvm_x86_32 *r, struct hvm_start_state *s)
{
    static const enum hvm_seg order[] = { SEG_CS, SEG_DS, SEG_SS, SEG_ES, SEG_TR };
    const uint32_t base[] = { r->cs_base, r->ds_base, r->ss_base, r->es_base, r->tr_base };
    const uint32_t limit[] = { r->cs_limit, r->ds_limit, r->ss_limit, r->es_limit, r->tr_limit };
    const uint16_t ar[] = { r->cs_ar, r->ds_ar, r->ss_ar, r->es_ar, r->tr_ar };
    const uint32_t gpr[NR_GPRS] = {
        [GPR_RAX] = r->eax, [GPR_RCX] = r->ecx, [GPR_RDX] = r->edx, [GPR_RBX] = r->ebx,
        [GPR_RSP] = r->esp, [GPR_RBP] = r->ebp, [GPR_RSI] = r->esi, [GPR_RDI] = r->edi,
    };
    const struct hvm_segment *cs = &s->seg[SEG_CS], *ss = &s->seg[SEG_SS];
    int rc;

    for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
        rc = check_segment(order[i], base[i], limit[i], ar[i], &s->seg[order[i]]);
        if (rc)
            return rc;
    }
    if (r->eip > cs->limit)
        return bad("EIP outside the CS limit");
    if (AR_DPL(ss->attr) != AR_DPL(cs->attr))
        return bad("SS.DPL differs from CS.DPL");
    if ((s->seg[SEG_DS].attr && AR_DPL(s->seg[SEG_DS].attr) > AR_DPL(cs->attr)) ||
        (s->seg[SEG_ES].attr && AR_DPL(s->seg[SEG_ES].attr) > AR_DPL(cs->attr)))
        return bad("DS.DPL or ES.DPL above CS.DPL");
    for (unsigned int i = 0; i < NR_GPRS; i++)
        s->gpr[i] = gpr[i];
    s->rip = r->eip;
    s->rflags = r->eflags;
    s->pg = (struct hvm_paging){ .cr0 = r->cr0, .cr3 = r->cr3, .cr4 = r->cr4, .efer = r->efer };
    return 0;
}

static int check_64(const struct vcpu_hvm_x86_64 *r, struct hvm_start_state *s)
{
    const uint64_t gpr[NR_GPRS] = {
        [GPR_RAX] = r->rax, [GPR_RCX] = r->rcx, [GPR_RDX] = r->rdx, [GPR_RBX] = r->rbx,
        [GPR_RSP] = r->rsp, [GPR_RBP] = r->rbp, [GPR_RSI] = r->rsi, [GPR_RDI] = r->rdi,
    };
    unsigned int va_bits = (r->cr4 & BIT(12)) ? 57 : 48;   /* LA57 */

    if ((uint64_t)((int64_t)(r->rip << (64 - va_bits)) >> (64 - va_bits)) != r->rip)
        return bad("RIP is not canonical");
    if (!(r->cr0 & X86_CR0_PG))
        return bad("CR0.PG is clear in 64-bit mode");
    if (!(r->cr4 & X86_CR4_PAE))
        return bad("CR4.PAE is clear in 64-bit mode");
    if (!(r->efer & EFER_LME))
        return bad("EFER.LME is clear in 64-bit mode");
    s->seg[SEG_CS] = (struct hvm_segment){ 0x08, 0xa9b, 0xffffffff, 0 };
    s->seg[SEG_DS] = (struct hvm_segment){ 0x10, 0xc93, 0xffffffff, 0 };
    s->seg[SEG_SS] = s->seg[SEG_DS];
    s->seg[SEG_ES] = s->seg[SEG_DS];
    s->seg[SEG_TR] = (struct hvm_segment){ 0x18, 0x08b, 0x67, 0 };
    for (unsigned int i = 0; i < NR_GPRS; i++)
        s->gpr[i] = gpr[i];
    s->rip = r->rip;
    s->rflags = r->rflags;
    s->pg = (struct hvm_paging){ .cr0 = r->cr0, .cr3 = r->cr3, .cr4 = r->cr4, .efer = r->efer };
    return 0;
}

/* What both forms share: control registers, EFER, RFLAGS, CS mode bits. */
static int check_common(const struct hvm_context_limits *lim, struct hvm_start_state *s)
{
    struct hvm_paging *pg = &s->pg;
    uint16_t cs = s->seg[SEG_CS].attr;

    if ((pg->efer & EFER_LMA) && !(pg->efer & EFER_LME))
        return bad("EFER.LMA set without EFER.LME");
    pg->efer &= ~EFER_LMA;
    if ((pg->efer & EFER_LME) && (pg->cr0 & X86_CR0_PG))
        pg->efer |= EFER_LMA;
    if ((pg->cr0 & ~CR0_VALID) || ((pg->cr0 & X86_CR0_PG) && !(pg->cr0 & X86_CR0_PE)) ||
        ((pg->cr0 & CR0_NW) && !(pg->cr0 & CR0_CD)))
        return bad("bad CR0");
    pg->cr0 |= CR0_ET;
    if ((pg->cr4 & ~lim->cr4_ok) || ((pg->efer & EFER_LMA) && !(pg->cr4 & X86_CR4_PAE)))
        return bad("bad CR4");
    if (pg->efer & ~lim->efer_ok)
        return bad("bad EFER");
    if ((pg->cr0 & X86_CR0_PG) && (pg->cr3 >> lim->maxphyaddr))
        return bad("CR3 beyond the physical-address width");
    if (s->rflags & ~RFLAGS_VALID)
        return bad("reserved or VM bits set in RFLAGS");
    s->rflags |= RFLAGS_FIXED;
    if ((cs & AR_L) && (!(pg->efer & EFER_LMA) || (cs & AR_DB)))
        return bad("CS.L set outside long mode, or with CS.D");
    if (!(pg->cr0 & X86_CR0_PE) && AR_DPL(cs))
        return bad("CS.DPL is not 0 in real mode");
    return 0;
}

int hvm_context_check(const struct vcpu_hvm_context *ctx,
                      const struct hvm_context_limits *lim, struct hvm_start_state *s)
{
    int rc;

    memset(s, 0, sizeof(*s));
    if (ctx->mode == VCPU_HVM_MODE_32B)
        rc = check_32(&ctx->cpu_regs.x86_32, s);
    else if (ctx->mode == VCPU_HVM_MODE_64B)
        rc = check_64(&ctx->cpu_regs.x86_64, s);
    else
        rc = bad("unknown mode");
    if (rc)
        return rc;
    /* FS, GS and LDTR as after INIT (SDM vol. 3A, table 10-1). */
    s->seg[SEG_FS] = (struct hvm_segment){ 0, 0x093, 0xffff, 0 };
    s->seg[SEG_GS] = s->seg[SEG_FS];
    s->seg[SEG_LDTR] = (struct hvm_segment){ 0, 0x082, 0xffff, 0 };
    return check_common(lim, s);
}

int hvm_set_vcpu_context(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
    struct hvm_context_limits lim = {
        .cr4_ok = hvm_cr4_valid_bits(v),
        .efer_ok = EFER_SCE | EFER_LME | EFER_LMA |
                   ((cpuid(0x80000001).edx & BIT(20)) ? EFER_NXE : 0),
        .maxphyaddr = cpuid(0x80000008).eax & 0xff,
    };
    struct hvm_start_state s;
    int rc = hvm_context_check(ctx, &lim, &s);

    if (rc)
        return rc;
    for (enum hvm_seg seg = 0; seg < NR_SEGS; seg++)
        hvm->set_segment(v, seg, &s.seg[seg]);
    hvm->set_paging(v, &s.pg);
    memcpy(v->hvm.gpr, s.gpr, sizeof(s.gpr));
    v->hvm.rip = s.rip;
    v->hvm.rflags = s.rflags;
    hvm_vcpu_release(v);            /* the hooks may have loaded it here */
    return 0;
}
