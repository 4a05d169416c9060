// SPDX-License-Identifier: MIT
/*
 * The contents of a vCPU's VMCS: controls, host state, guest state, and the
 * hvm_ops accessors that read and write guest state through it.
 *
 * CR0 and CR4. VMX fixes some bits (IA32_VMX_CR0/CR4_FIXED0/1): CR0.NE and
 * CR4.VMXE must be 1 in the guest, whatever it wrote; PE and PG are free
 * under unrestricted guest. Petrel owns exactly the fixed bits (and those
 * the CPU does not have): they are set in the CR0/CR4 guest/host masks, so
 * the guest reads them from the read shadows, which hold what it wrote, and
 * a MOV to CR0/CR4 that changes one of them exits (HVM_EXIT_CR_WRITE). The
 * guest never sees CR4.VMXE. Every other bit is the guest's own, with no
 * exit: a PVH guest turning on paging and long mode costs nothing.
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/segment.h>
#include "vmcs.h"
#include "vmx.h"

#define DEFAULT_PAT     0x0007040600070406UL

/* ---- CR0 and CR4 ownership ---------------------------------------------- */

static uint64_t cr0_forced_on(void)
{
    return vmx_config.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);  /* unrestricted guest */
}

static uint64_t cr0_owned(void)
{
    return cr0_forced_on() | ~vmx_config.cr0_fixed1;
}

static uint64_t cr4_owned(void)
{
    return vmx_config.cr4_fixed0 | ~vmx_config.cr4_fixed1;
}

/* What the guest sees of CR0 or CR4: its own bits, and the shadow of ours. */
static uint64_t guest_view(uint32_t field, uint32_t shadow, uint64_t owned)
{
    return (vmcs_read(field) & ~owned) | (vmcs_read(shadow) & owned);
}

/* ---- initial state ------------------------------------------------------ */

static void init_controls(struct vcpu *v)
{
    struct vmx_vcpu *x = vmx_of(v);

    vmcs_write(VMCS_PIN_CONTROLS, vmx_config.pin);
    vmcs_write(VMCS_PROC_CONTROLS, vmx_config.proc);
    vmcs_write(VMCS_PROC_CONTROLS2, vmx_config.proc2);
    vmcs_write(VMCS_EXIT_CONTROLS, vmx_config.exit);
    vmcs_write(VMCS_ENTRY_CONTROLS, vmx_config.entry);
    vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
    vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
    vmcs_write(VMCS_IO_BITMAP_A, vmx_config.io_bitmaps_pa);
    vmcs_write(VMCS_IO_BITMAP_B, vmx_config.io_bitmaps_pa + PAGE_SIZE);
    vmcs_write(VMCS_MSR_BITMAP, vmx_config.msr_bitmap_pa);
    vmcs_write(VMCS_TSC_OFFSET, v->hvm.tsc_offset);
    vmcs_write(VMCS_VIRTUAL_APIC, x->vapic_pa);
    vmcs_write(VMCS_TPR_THRESHOLD, 0);
    vmcs_write(VMCS_EPTP, x->eptp);
    vmcs_write(VMCS_VPID, x->vpid);
    if (vmx_config.proc2 & PROC2_XSAVES)
        vmcs_write(VMCS_XSS_EXIT_BITMAP, 0);
    vmcs_write(VMCS_CR0_MASK, cr0_owned());
    vmcs_write(VMCS_CR4_MASK, cr4_owned());
}

/* Architectural reset values of what the neutral layer does not set. */
static void init_guest(struct vcpu *v)
{
    static const struct hvm_segment unusable = { 0, 0, 0, 0 };
    const struct hvm_paging pg = { .cr0 = BIT(4) };     /* ET */

    for (enum hvm_seg s = SEG_ES; s < NR_SEGS; s++)
        vmx_set_segment(v, s, &unusable);
    vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
    vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);
    vmcs_write(VMCS_GUEST_DR7, 0x400);
    vmcs_write(VMCS_GUEST_RSP, 0);
    vmcs_write(VMCS_GUEST_RIP, 0);
    vmcs_write(VMCS_GUEST_RFLAGS, 2);
    vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
    vmcs_write(VMCS_GUEST_ACTIVITY, 0);
    vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
    vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
    vmcs_write(VMCS_GUEST_PAT, DEFAULT_PAT);
    vmcs_write(VMCS_LINK_POINTER, ~0UL);               /* no shadow VMCS */
    vmx_set_paging(v, &pg);
}

void vmcs_init(struct vcpu *v)
{
    init_controls(v);
    init_guest(v);
}

static uint16_t read_sel(unsigned int which)
{
    uint16_t sel = 0;

    switch (which) {
    case 0: asm volatile("mov %%es, %0" : "=r"(sel)); break;
    case 1: asm volatile("mov %%ds, %0" : "=r"(sel)); break;
    case 2: asm volatile("mov %%fs, %0" : "=r"(sel)); break;
    default: asm volatile("mov %%gs, %0" : "=r"(sel)); break;
    }
    return sel & ~7;                    /* the host fields want RPL 0, TI 0 */
}

/*
 * This CPU's state, which each VM exit loads (SDM 27.5): the hypervisor's
 * own control registers, segments, tables and EFER/PAT. HOST_RSP is set by
 * vmx_enter on every entry.
 */
void vmcs_init_host(void)
{
    struct { uint16_t limit; uint64_t base; } __packed gdtr, idtr;

    asm volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    vmcs_write(VMCS_HOST_CR0, read_cr0());
    vmcs_write(VMCS_HOST_CR3, read_cr3());
    vmcs_write(VMCS_HOST_CR4, read_cr4());
    vmcs_write(VMCS_HOST_CS_SEL, GDT_CS64);
    vmcs_write(VMCS_HOST_SS_SEL, GDT_DS);
    vmcs_write(VMCS_HOST_ES_SEL, read_sel(0));
    vmcs_write(VMCS_HOST_DS_SEL, read_sel(1));
    vmcs_write(VMCS_HOST_FS_SEL, read_sel(2));
    vmcs_write(VMCS_HOST_GS_SEL, read_sel(3));
    vmcs_write(VMCS_HOST_TR_SEL, GDT_TSS);
    vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmcs_write(VMCS_HOST_TR_BASE, (uint64_t)&this_cpu()->tss);
    vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
    vmcs_write(VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    vmcs_write(VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    vmcs_write(VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    vmcs_write(VMCS_HOST_PAT, rdmsr(MSR_PAT));
    vmcs_write(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

/* ---- segments ----------------------------------------------------------- */

/*
 * struct hvm_segment packs the attributes as SVM does (type/S/DPL/P in
 * bits 0-7, AVL/L/DB/G in 8-11); the VMCS keeps the descriptor's layout
 * (AVL/L/DB/G in 12-15) and marks a segment without P unusable (bit 16).
 */
/* The VMCS's number for a segment: LDTR comes before TR there. */
static unsigned int vmcs_seg(enum hvm_seg seg)
{
    return seg == SEG_TR ? VMCS_SEG_TR : seg == SEG_LDTR ? VMCS_SEG_LDTR : seg;
}

void vmx_get_segment(struct vcpu *v, enum hvm_seg hseg, struct hvm_segment *s)
{
    unsigned int seg = vmcs_seg(hseg);
    uint32_t ar;

    vmx_vmcs_use(v);
    ar = vmcs_read(VMCS_GUEST_AR(seg));
    s->sel = vmcs_read(VMCS_GUEST_SEL(seg));
    s->limit = vmcs_read(VMCS_GUEST_LIMIT(seg));
    s->base = vmcs_read(VMCS_GUEST_BASE(seg));
    s->attr = (ar & 0xff) | ((ar >> 4) & 0xf00);
    if (ar & AR_UNUSABLE)
        s->attr &= ~0x80;
}

void vmx_set_segment(struct vcpu *v, enum hvm_seg hseg, const struct hvm_segment *s)
{
    unsigned int seg = vmcs_seg(hseg);
    uint32_t ar = (s->attr & 0xff) | ((s->attr & 0xf00) << 4);

    vmx_vmcs_use(v);
    if (!(s->attr & 0x80))
        ar |= AR_UNUSABLE;
    vmcs_write(VMCS_GUEST_SEL(seg), s->sel);
    vmcs_write(VMCS_GUEST_LIMIT(seg), s->limit);
    vmcs_write(VMCS_GUEST_BASE(seg), s->base);
    vmcs_write(VMCS_GUEST_AR(seg), ar);
}

unsigned int vmx_get_cpl(struct vcpu *v)
{
    vmx_vmcs_use(v);
    return (vmcs_read(VMCS_GUEST_AR(SEG_SS)) >> 5) & 3;    /* SS.DPL (SDM 24.4.1) */
}

/* ---- paging ------------------------------------------------------------- */

void vmx_get_paging(struct vcpu *v, struct hvm_paging *pg)
{
    vmx_vmcs_use(v);
    pg->cr0 = guest_view(VMCS_GUEST_CR0, VMCS_CR0_SHADOW, cr0_owned());
    pg->cr3 = vmcs_read(VMCS_GUEST_CR3);
    pg->cr4 = guest_view(VMCS_GUEST_CR4, VMCS_CR4_SHADOW, cr4_owned());
    pg->efer = vmcs_read(VMCS_GUEST_EFER);
}

/*
 * With EPT, an entry into PAE paging takes the four PDPTEs from the VMCS
 * (SDM 26.3.2.4), so whoever sets CR3 there must load them: the guest's own
 * MOV CR3 does, and this does it for Petrel. An unreadable table gives
 * not-present entries: the guest then faults, as it would.
 */
static void load_pdptes(struct vcpu *v, uint64_t cr3)
{
    uint64_t pdpte[4] = { 0 };

    if (copy_from_guest_phys(v->domain, pdpte, cr3 & ~0x1fUL, sizeof(pdpte)))
        memset(pdpte, 0, sizeof(pdpte));
    for (unsigned int i = 0; i < 4; i++)
        vmcs_write(VMCS_GUEST_PDPTE(i), pdpte[i]);
}

void vmx_set_paging(struct vcpu *v, const struct hvm_paging *pg)
{
    uint32_t entry;

    vmx_vmcs_use(v);
    vmcs_write(VMCS_GUEST_CR0, (pg->cr0 | cr0_forced_on()) & vmx_config.cr0_fixed1);
    vmcs_write(VMCS_CR0_SHADOW, pg->cr0);
    vmcs_write(VMCS_GUEST_CR4, (pg->cr4 | vmx_config.cr4_fixed0) & vmx_config.cr4_fixed1);
    vmcs_write(VMCS_CR4_SHADOW, pg->cr4);
    vmcs_write(VMCS_GUEST_CR3, pg->cr3);
    vmcs_write(VMCS_GUEST_EFER, pg->efer);
    /* The entry control must match EFER.LMA (SDM 26.3.1.1). */
    entry = vmcs_read(VMCS_ENTRY_CONTROLS) & ~ENTRY_IA32E_GUEST;
    vmcs_write(VMCS_ENTRY_CONTROLS, entry | ((pg->efer & EFER_LMA) ? ENTRY_IA32E_GUEST : 0));
    if ((pg->cr0 & X86_CR0_PG) && (pg->cr4 & X86_CR4_PAE) && !(pg->efer & EFER_LMA))
        load_pdptes(v, pg->cr3);
    /* What MOV to CR would have flushed (SDM 4.10.4.1); VPID keeps it otherwise. */
    vmx_of(v)->flush_vpid = true;
}

/* ---- reports ------------------------------------------------------------ */

const char *vmx_insn_error_name(unsigned int error)
{
    static const char *const names[] = {
        [2] = "VMCLEAR with an invalid address", [4] = "VMLAUNCH with a non-clear VMCS",
        [5] = "VMRESUME with a non-launched VMCS", [7] = "invalid control fields",
        [8] = "invalid host-state fields", [9] = "VMPTRLD with an invalid address",
        [11] = "VMPTRLD with a wrong revision", [12] = "unsupported VMCS field",
        [13] = "VMWRITE to a read-only field", [26] = "events blocked by MOV SS",
        [28] = "invalid INVEPT/INVVPID operand",
    };

    return error < ARRAY_SIZE(names) && names[error] ? names[error] : "see SDM 30.4";
}

static void dump_segments(void)
{
    static const char *const names[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };
    static const uint8_t order[] = { 1, 2, 3, 0, 4, 5, VMCS_SEG_TR, VMCS_SEG_LDTR };

    for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
        unsigned int s = order[i];

        printk(L_ERR "  %-4s %04lx base %016lx limit %08lx ar %05lx\n", names[s],
               vmcs_read(VMCS_GUEST_SEL(s)), vmcs_read(VMCS_GUEST_BASE(s)),
               vmcs_read(VMCS_GUEST_LIMIT(s)), vmcs_read(VMCS_GUEST_AR(s)));
    }
    printk(L_ERR "  GDTR base %016lx limit %04lx  IDTR base %016lx limit %04lx\n",
           vmcs_read(VMCS_GUEST_GDTR_BASE), vmcs_read(VMCS_GUEST_GDTR_LIMIT),
           vmcs_read(VMCS_GUEST_IDTR_BASE), vmcs_read(VMCS_GUEST_IDTR_LIMIT));
}

/* The guest-state fields the VM-entry checks look at (SDM 26.3.1). */
void vmx_dump(struct vcpu *v)
{
    vmx_vmcs_use(v);
    printk(L_ERR "  exit reason %#lx qualification %#lx VM-instruction error %lu; "
           "entry controls %#lx\n", vmcs_read(VMCS_EXIT_REASON),
           vmcs_read(VMCS_EXIT_QUALIFICATION), vmcs_read(VMCS_INSN_ERROR),
           vmcs_read(VMCS_ENTRY_CONTROLS));
    printk(L_ERR "  CR0 %016lx (shadow %lx)  CR3 %016lx  CR4 %016lx (shadow %lx)\n",
           vmcs_read(VMCS_GUEST_CR0), vmcs_read(VMCS_CR0_SHADOW), vmcs_read(VMCS_GUEST_CR3),
           vmcs_read(VMCS_GUEST_CR4), vmcs_read(VMCS_CR4_SHADOW));
    printk(L_ERR "  EFER %016lx  PAT %016lx  DR7 %lx  RSP %016lx  RIP %016lx  RFLAGS %lx\n",
           vmcs_read(VMCS_GUEST_EFER), vmcs_read(VMCS_GUEST_PAT), vmcs_read(VMCS_GUEST_DR7),
           vmcs_read(VMCS_GUEST_RSP), vmcs_read(VMCS_GUEST_RIP), vmcs_read(VMCS_GUEST_RFLAGS));
    dump_segments();
    printk(L_ERR "  activity %lu interruptibility %#lx pending-debug %#lx link %#lx\n",
           vmcs_read(VMCS_GUEST_ACTIVITY), vmcs_read(VMCS_GUEST_INTERRUPTIBILITY),
           vmcs_read(VMCS_GUEST_PENDING_DBG), vmcs_read(VMCS_LINK_POINTER));
    printk(L_ERR "  entry event %#lx error %#lx  IDT-vectoring %#lx  exit event %#lx\n",
           vmcs_read(VMCS_ENTRY_INTR_INFO), vmcs_read(VMCS_ENTRY_EXC_ERROR),
           vmcs_read(VMCS_IDT_VECTORING_INFO), vmcs_read(VMCS_EXIT_INTR_INFO));
}
