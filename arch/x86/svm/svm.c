// SPDX-License-Identifier: MIT
/*
 * AMD SVM with nested paging: the hvm_ops of AMD processors.
 *
 * Each pCPU gets a host save area (VM_HSAVE_PA) and a host VMCB that holds
 * what VMSAVE/VMLOAD switch (FS, GS, TR, LDTR, syscall MSRs). Each vCPU gets
 * a VMCB and an ASID. One I/O permission map (every port intercepted) and
 * one MSR permission map (all intercepted but the MSRs the VMCB holds) are
 * shared by every vCPU. NRIP-save and decode assists are used when present
 * and never required: QEMU's TCG offers neither.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include "svm.h"
#include "vmcb.h"

#define DEFAULT_PAT     0x0007040600070406UL

struct svm_cpu {
    paddr_t hsave_pa;               /* VM_HSAVE_PA area */
    paddr_t host_vmcb_pa;           /* host state for VMSAVE/VMLOAD */
    struct vcpu *last;              /* the vCPU whose TLB entries are live */
};

static uint32_t svm_features;       /* CPUID 0x8000000A EDX */
#define MAX_ASIDS       4096

static uint32_t nr_asids;           /* usable: 1 .. nr_asids - 1 (0 is the host's) */
static bool asid_used[MAX_ASIDS];   /* guarded by asid_lock */
static spinlock_t asid_lock = SPINLOCK_INIT;
static paddr_t iopm_pa, msrpm_pa;
static struct svm_cpu svm_cpus[NR_CPUS];

bool svm_has_nrips(void)
{
    return svm_features & SVM_FEAT_NRIPS;
}

/*
 * MSRs whose guest values VMLOAD/VMSAVE switch for us. The FS/GS bases
 * change on every guest context switch, so neither access exits; the hardware
 * checks their values itself. Writes to the others exit so Petrel checks
 * them (an emulated CPU may not: QEMU's TCG takes a non-canonical LSTAR).
 */
static const uint32_t passthrough_msrs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE };
static const uint32_t readonly_msrs[] = {
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
    MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* Clear the intercept bits 'mask' (1: read, 2: write) of 'msr'. */
static void msrpm_allow(uint8_t *pm, uint32_t msr, unsigned int mask)
{
    uint32_t base = msr < 0x2000 ? 0 : msr >= 0xc0010000 ? 0x1000 : 0x800;
    uint32_t bit = (msr & 0x1fff) * 2;      /* read bit, then write bit */

    pm[base + bit / 8] &= ~(mask << (bit % 8));
}

static int svm_global_init(void)
{
    uint8_t *pm;

    iopm_pa = frame_alloc(2);               /* 12 KiB used of 16 */
    msrpm_pa = frame_alloc(1);
    if (!iopm_pa || !msrpm_pa)
        return -ENOMEM;
    memset(phys_to_virt(iopm_pa), 0xff, 4 * PAGE_SIZE);
    pm = phys_to_virt(msrpm_pa);
    memset(pm, 0xff, MSRPM_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msrpm_allow(pm, passthrough_msrs[i], 3);
    for (unsigned int i = 0; i < ARRAY_SIZE(readonly_msrs); i++)
        msrpm_allow(pm, readonly_msrs[i], 1);
    nr_asids = MIN(cpuid(0x8000000a).ebx, MAX_ASIDS);
    hvm_p2m_caps = P2M_CAP_2M | ((cpuid(0x80000001).edx & BIT(26)) ? P2M_CAP_1G : 0) |
                   ((rdmsr(MSR_EFER) & EFER_NXE) ? P2M_CAP_NX : 0);
    svm_features = cpuid(0x8000000a).edx;
    pr_info("SVM: revision %u, %u ASIDs, features%s%s%s%s\n", cpuid(0x8000000a).eax & 0xff,
            nr_asids, (svm_features & SVM_FEAT_NPT) ? " npt" : "",
            (svm_features & SVM_FEAT_NRIPS) ? " nrip-save" : "",
            (svm_features & SVM_FEAT_FLUSH_ASID) ? " flush-by-asid" : "",
            (svm_features & SVM_FEAT_DECODE_ASSISTS) ? " decode-assists" : "");
    return 0;
}

/* Is SVM with nested paging usable here? Logs why not. */
bool svm_available(void)
{
    if (cpuid(0x80000000).eax < 0x8000000a || !(cpuid(0x80000001).ecx & BIT(2)))
        return false;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        pr_warn("SVM: disabled by the firmware (VM_CR.SVMDIS); turn on \"SVM Mode\" "
                "(AMD-V) in its setup\n");
        return false;
    }
    if (!(cpuid(0x8000000a).edx & SVM_FEAT_NPT)) {
        pr_warn("SVM: this CPU lacks nested paging (NPT), which Petrel needs\n");
        return false;
    }
    return true;
}

static int svm_cpu_init(void)
{
    struct svm_cpu *c = &svm_cpus[smp_processor_id()];

    if (smp_processor_id() == 0 && svm_global_init())
        return -ENOMEM;
    c->hsave_pa = frame_alloc(0);
    c->host_vmcb_pa = frame_alloc(0);
    if (!c->hsave_pa || !c->host_vmcb_pa)
        return -ENOMEM;
    memset(phys_to_virt(c->host_vmcb_pa), 0, PAGE_SIZE);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
    asm volatile("vmsave %0" :: "a"(c->host_vmcb_pa) : "memory");
    return 0;
}

static struct vmcb *vmcb_of(struct vcpu *v)
{
    return v->hvm.vendor;
}

/* Architectural reset values the neutral layer does not set. */
static void vmcb_init_state(struct vmcb_save *s)
{
    s->efer = EFER_SVME;                    /* required by VMRUN; hidden from the guest */
    s->dr6 = 0xffff0ff0;
    s->dr7 = 0x400;
    s->g_pat = DEFAULT_PAT;
}

static void vmcb_init_control(struct vmcb_control *c, struct vcpu *v)
{
    c->intercept1 = INTERCEPT1_INTR | INTERCEPT1_NMI | INTERCEPT1_SMI |
                    INTERCEPT1_INIT | INTERCEPT1_CPUID | INTERCEPT1_INVD |
                    INTERCEPT1_HLT | INTERCEPT1_INVLPGA | INTERCEPT1_IOIO |
                    INTERCEPT1_MSR | INTERCEPT1_TASK_SWITCH | INTERCEPT1_SHUTDOWN;
    c->intercept2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL | INTERCEPT2_VMLOAD |
                    INTERCEPT2_VMSAVE | INTERCEPT2_STGI | INTERCEPT2_CLGI |
                    INTERCEPT2_SKINIT | INTERCEPT2_MONITOR | INTERCEPT2_MWAIT |
                    INTERCEPT2_XSETBV;
    /*
     * XSETBV is intercepted, as on VMX: Petrel turns on the host's
     * CR4.OSXSAVE the first time a guest needs it (exit_xsetbv), and needs
     * it on to save and switch XCR0 and the extended state (fpu.c).
     */
    c->iopm_base_pa = iopm_pa;
    c->msrpm_base_pa = msrpm_pa;
    c->vintr = VINTR_MASKING;               /* host IF governs real interrupts */
    c->np_enable = 1;
    c->ncr3 = p2m_root(v->domain->p2m);
    c->tsc_offset = v->hvm.tsc_offset;
}

/*
 * ASIDs are per vCPU and reused after the vCPU is destroyed: a reused ASID
 * is clean because every vCPU flushes its ASID the first time it runs on a
 * CPU (svm_vcpu_run). Returns 0 when all are taken.
 */
static uint32_t asid_alloc(void)
{
    unsigned long flags = spin_lock_irqsave(&asid_lock);
    uint32_t asid = 0;

    for (uint32_t i = 1; i < nr_asids && !asid; i++)
        if (!asid_used[i]) {
            asid_used[i] = true;
            asid = i;
        }
    spin_unlock_irqrestore(&asid_lock, flags);
    return asid;
}

static void asid_free(uint32_t asid)
{
    unsigned long flags = spin_lock_irqsave(&asid_lock);

    asid_used[asid] = false;
    spin_unlock_irqrestore(&asid_lock, flags);
}

static int svm_vcpu_create(struct vcpu *v)
{
    paddr_t pa = frame_alloc(0);
    uint32_t asid = asid_alloc();
    struct vmcb *vmcb;

    if (!pa || !asid) {
        if (pa)
            frame_free(pa, 0);
        if (asid)
            asid_free(asid);
        return pa ? -ENOSPC : -ENOMEM;
    }
    vmcb = phys_to_virt(pa);
    memset(vmcb, 0, PAGE_SIZE);
    vmcb_init_control(&vmcb->ctl, v);
    vmcb_init_state(&vmcb->save);
    vmcb->ctl.asid = asid;
    v->hvm.vendor = vmcb;
    v->hvm.rflags = 2;
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    for (unsigned int i = 0; i < NR_CPUS; i++)
        if (svm_cpus[i].last == v)
            svm_cpus[i].last = NULL;
    if (v->hvm.vendor) {
        asid_free(vmcb_of(v)->ctl.asid);
        frame_free(virt_to_phys(v->hvm.vendor), 0);
    }
    v->hvm.vendor = NULL;
}

/*
 * An exit can interrupt the delivery of an event (a host interrupt arrives
 * while the guest's #GP is being delivered, say): EXITINTINFO then holds it,
 * in EVENTINJ's format, and it must be injected again or the guest loses it
 * (APM vol. 2, 15.7.2). A software interrupt is not: its INTn instruction
 * has not completed, so it runs again. A handler that injects something
 * else before the next VMRUN overrides this.
 */
static void requeue_interrupted_event(struct vmcb *vmcb)
{
    uint64_t info = vmcb->ctl.exitintinfo;

    vmcb->ctl.eventinj = 0;
    if ((info & EVENTINJ_VALID) && ((info >> EVENTINJ_TYPE_SHIFT) & 7) != 4)
        vmcb->ctl.eventinj = info;
}

/* The interrupt window requested by svm_intr_window() closes at each exit. */
static void close_intr_window(struct vmcb *vmcb)
{
    vmcb->ctl.vintr &= ~(VINTR_IRQ | VINTR_IGN_TPR | (0xfull << VINTR_PRIO_SHIFT));
    vmcb->ctl.intercept1 &= ~INTERCEPT1_VINTR;
}

static void svm_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
    struct svm_cpu *c = &svm_cpus[smp_processor_id()];
    struct vmcb *vmcb = vmcb_of(v);
    /* Always taken, so hvm_flush_p2m_sync() sees each entry clear it. */
    bool flush = __atomic_exchange_n(&v->hvm.flush_pending, false, __ATOMIC_ACQ_REL);

    if (c->last != v || flush) {
        vmcb->ctl.tlb_control = (svm_features & SVM_FEAT_FLUSH_ASID) ? 3 : 1;
        c->last = v;
    }
    /* An emulated instruction ends the STI / MOV SS shadow. */
    if (vmcb->save.rip != v->hvm.rip)
        vmcb->ctl.int_state &= ~1ull;
    vmcb->save.rax = v->hvm.gpr[GPR_RAX];
    vmcb->save.rsp = v->hvm.gpr[GPR_RSP];
    vmcb->save.rip = v->hvm.rip;
    vmcb->save.rflags = v->hvm.rflags;

    local_irq_disable();
    /*
     * With V_INTR_MASKING the host's RFLAGS.IF as VMRUN saves it decides
     * whether a physical interrupt ends the guest's run (APM vol. 2,
     * 15.21.1): IF must be set then, or the timer and kick IPIs wait for
     * the guest's next exit. GIF clear keeps them off the host meanwhile.
     */
    asm volatile("clgi; sti" ::: "memory");
    svm_enter(virt_to_phys(vmcb), v->hvm.gpr, c->host_vmcb_pa);
    asm volatile("cli; stgi" ::: "memory");
    local_irq_window();                     /* take the interrupt that made us exit */

    vmcb->ctl.tlb_control = 0;
    close_intr_window(vmcb);
    requeue_interrupted_event(vmcb);
    v->hvm.gpr[GPR_RAX] = vmcb->save.rax;
    v->hvm.gpr[GPR_RSP] = vmcb->save.rsp;
    v->hvm.rip = vmcb->save.rip;
    v->hvm.rflags = vmcb->save.rflags;
    svm_decode_exit(vmcb, exit);
}

/* RFLAGS.IF clear, an interrupt shadow still on, or an event queued. */
static bool svm_intr_blocked(struct vcpu *v)
{
    struct vmcb *vmcb = vmcb_of(v);

    return !(v->hvm.rflags & X86_EFLAGS_IF) || (vmcb->ctl.eventinj & EVENTINJ_VALID) ||
           ((vmcb->ctl.int_state & 1) && vmcb->save.rip == v->hvm.rip);
}

/*
 * In an STI shadow, is the next instruction one that exits by itself (HLT,
 * VMMCALL: the idioms "sti; hlt" and "sti; vmmcall" that wait for an
 * interrupt)? Then no window is needed: the interrupt goes in after that
 * exit. This also keeps the interrupt out of the shadow under QEMU's TCG,
 * which was seen to take a pending V_IRQ right after VMRUN at an
 * instruction still in the shadow the VMCB recorded: the guest's handler
 * then ran before its "sti; vmmcall" block, which slept for good.
 */
static bool shadowed_insn_exits(struct vcpu *v, struct vmcb *vmcb)
{
    uint8_t b[3];
    int got;

    if (!(vmcb->ctl.int_state & 1) || vmcb->save.rip != v->hvm.rip)
        return false;
    got = hvm_fetch_insn(v, b, sizeof(b));
    return (got >= 1 && b[0] == 0xf4) ||
           (got == 3 && b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xd9);
}

/*
 * Exit when the guest can take an interrupt: a virtual interrupt (V_IRQ,
 * highest priority, ignoring V_TPR) with its delivery intercepted (VINTR).
 * The CPU checks for it once IF is set, no shadow is on and any EVENTINJ
 * event went in (APM vol. 2, 15.21.4).
 */
static void svm_intr_window(struct vcpu *v)
{
    struct vmcb *vmcb = vmcb_of(v);

    if (shadowed_insn_exits(v, vmcb))
        return;
    vmcb->ctl.vintr |= VINTR_IRQ | VINTR_IGN_TPR | (0xfull << VINTR_PRIO_SHIFT);
    vmcb->ctl.intercept1 |= INTERCEPT1_VINTR;
}

/* Leaving this pCPU: nothing of the vCPU stays in the CPU but TLB entries
 * under its ASID, which must be flushed if it comes back after running
 * elsewhere (its guest may have changed its page tables meanwhile). */
static void svm_vcpu_unload(struct vcpu *v)
{
    struct svm_cpu *c = &svm_cpus[smp_processor_id()];

    if (c->last == v)
        c->last = NULL;
}

static void svm_inject_event(struct vcpu *v, enum hvm_event_type type, uint8_t vector,
                             bool has_error, uint32_t error)
{
    static const uint8_t types[] = {
        [EVENT_EXTINT] = 0, [EVENT_NMI] = 2, [EVENT_EXCEPTION] = 3, [EVENT_SOFTINT] = 4,
    };

    vmcb_of(v)->ctl.eventinj = vector | ((uint64_t)types[type] << EVENTINJ_TYPE_SHIFT) |
                               EVENTINJ_VALID | (has_error ? EVENTINJ_ERR_VALID : 0) |
                               ((uint64_t)error << 32);
}

static struct vmcb_seg *seg_of(struct vmcb *vmcb, enum hvm_seg seg)
{
    switch (seg) {
    case SEG_ES: return &vmcb->save.es;
    case SEG_CS: return &vmcb->save.cs;
    case SEG_SS: return &vmcb->save.ss;
    case SEG_DS: return &vmcb->save.ds;
    case SEG_FS: return &vmcb->save.fs;
    case SEG_GS: return &vmcb->save.gs;
    case SEG_TR: return &vmcb->save.tr;
    default: return &vmcb->save.ldtr;
    }
}

static void svm_get_segment(struct vcpu *v, enum hvm_seg seg, struct hvm_segment *s)
{
    const struct vmcb_seg *vs = seg_of(vmcb_of(v), seg);

    *s = (struct hvm_segment){ vs->sel, vs->attr, vs->limit, vs->base };
}

static void svm_set_segment(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *s)
{
    *seg_of(vmcb_of(v), seg) = (struct vmcb_seg){ s->sel, s->attr, s->limit, s->base };
}

static void svm_get_paging(struct vcpu *v, struct hvm_paging *pg)
{
    struct vmcb *vmcb = vmcb_of(v);

    pg->cr0 = vmcb->save.cr0;
    pg->cr3 = vmcb->save.cr3;
    pg->cr4 = vmcb->save.cr4;
    pg->efer = vmcb->save.efer & ~EFER_SVME;
}

static void svm_set_paging(struct vcpu *v, const struct hvm_paging *pg)
{
    struct vmcb *vmcb = vmcb_of(v);

    vmcb->save.cr0 = pg->cr0;
    vmcb->save.cr3 = pg->cr3;
    vmcb->save.cr4 = pg->cr4;
    vmcb->save.efer = pg->efer | EFER_SVME;
}

static unsigned int svm_get_cpl(struct vcpu *v)
{
    return vmcb_of(v)->save.cpl;
}

static int svm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    struct vmcb *vmcb = vmcb_of(v);

    switch (msr) {
    case MSR_EFER:
        *val = vmcb->save.efer & ~EFER_SVME;
        return 0;
    case MSR_PAT:
        *val = vmcb->save.g_pat;
        return 0;
    default:
        return -1;
    }
}

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* The syscall MSRs held in the VMCB; -1 for a value the CPU would refuse,
 * -2 for an MSR that is not one of them. */
static int syscall_msr_write(struct vmcb_save *s, uint32_t msr, uint64_t val)
{
    bool address = msr == MSR_LSTAR || msr == MSR_CSTAR ||
                   msr == MSR_SYSENTER_ESP || msr == MSR_SYSENTER_EIP;

    if ((address && !canonical(val)) || (msr == MSR_SFMASK && (val >> 32)))
        return -1;
    switch (msr) {
    case MSR_STAR: s->star = val; return 0;
    case MSR_SFMASK: s->sfmask = val; return 0;
    case MSR_SYSENTER_CS: s->sysenter_cs = val & 0xffff; return 0;
    case MSR_LSTAR: s->lstar = val; return 0;
    case MSR_CSTAR: s->cstar = val; return 0;
    case MSR_SYSENTER_ESP: s->sysenter_esp = val; return 0;
    case MSR_SYSENTER_EIP: s->sysenter_eip = val; return 0;
    default: return -2;
    }
}

static int svm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vmcb *vmcb = vmcb_of(v);
    int rc = syscall_msr_write(&vmcb->save, msr, val);

    if (rc != -2)
        return rc;
    switch (msr) {
    case MSR_EFER:
        /* LMA is the processor's to set; keep what it says. */
        vmcb->save.efer = (val & ~EFER_LMA) | (vmcb->save.efer & EFER_LMA) | EFER_SVME;
        return 0;
    case MSR_PAT:
        vmcb->save.g_pat = val;
        return 0;
    default:
        return -1;
    }
}

/* Each of d's vCPUs flushes its ASID at its next VMRUN. */
static void svm_flush_p2m(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            __atomic_store_n(&d->vcpus[i]->hvm.flush_pending, true, __ATOMIC_RELEASE);
}

static void svm_hypercall_insn(uint8_t out[3])
{
    out[0] = 0x0f;                          /* VMMCALL */
    out[1] = 0x01;
    out[2] = 0xd9;
}

static void svm_dump(struct vcpu *v)
{
    struct vmcb *vmcb = vmcb_of(v);

    printk(L_ERR "  CS %04x:%016lx attr %03x  SS %04x  CPL %u  RFLAGS %016lx\n",
           vmcb->save.cs.sel, vmcb->save.rip, vmcb->save.cs.attr, vmcb->save.ss.sel,
           vmcb->save.cpl, vmcb->save.rflags);
    printk(L_ERR "  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n",
           vmcb->save.cr0, vmcb->save.cr2, vmcb->save.cr3, vmcb->save.cr4);
    printk(L_ERR "  EFER %016lx  exit %#lx info1 %#lx info2 %#lx intinfo %#lx\n",
           vmcb->save.efer, vmcb->ctl.exitcode, vmcb->ctl.exitinfo1,
           vmcb->ctl.exitinfo2, vmcb->ctl.exitintinfo);
}

/* V_TPR (VMCB vintr bits 3:0) holds TPR[7:4], the guest's CR8; MOV CR8
 * reads and writes it without an exit under VINTR_MASKING. */
static uint8_t svm_get_tpr(struct vcpu *v)
{
    return (vmcb_of(v)->ctl.vintr & 0xf) << 4;
}

static void svm_set_tpr(struct vcpu *v, uint8_t tpr)
{
    struct vmcb *vmcb = vmcb_of(v);

    vmcb->ctl.vintr = (vmcb->ctl.vintr & ~0xffull) | (tpr >> 4);   /* V_TPR: bits 7:0 */
    vmcb->ctl.clean &= ~BIT(3);             /* clean bit 3: V_TPR */
}

const struct hvm_ops svm_ops = {
    .name = "SVM",
    .p2m_format = P2M_FORMAT_NPT,
    .cpu_init = svm_cpu_init,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_run = svm_vcpu_run,
    .inject_event = svm_inject_event,
    .get_segment = svm_get_segment,
    .set_segment = svm_set_segment,
    .get_paging = svm_get_paging,
    .set_paging = svm_set_paging,
    .get_cpl = svm_get_cpl,
    .msr_read = svm_msr_read,
    .msr_write = svm_msr_write,
    .flush_p2m = svm_flush_p2m,
    .hypercall_insn = svm_hypercall_insn,
    .dump = svm_dump,
    .intr_blocked = svm_intr_blocked,
    .intr_window = svm_intr_window,
    .vcpu_unload = svm_vcpu_unload,
    .get_tpr = svm_get_tpr,
    .set_tpr = svm_set_tpr,
};
