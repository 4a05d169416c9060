// SPDX-License-Identifier: MIT
/*
 * Intel VMX with EPT: the hvm_ops of Intel processors.
 *
 * Each pCPU enters VMX root operation at boot (vmx_cpu_init): firmware lock
 * checked, CR0/CR4 fixed bits applied, CR4.VMXE, a VMXON region. Each vCPU
 * gets a VMCS, a VPID and a virtual-APIC page (its TPR shadow, so that MOV
 * CR8 never reaches the real TPR). The controls are computed once from the
 * capability MSRs (the TRUE_* ones when IA32_VMX_BASIC[55] says they exist):
 * bits the CPU requires are set, the ones Petrel needs must be allowed or
 * VMX is refused with a line naming what is missing. EPT, VPID and
 * unrestricted guest are needed: a PVH guest starts with paging off.
 *
 * Intercepts mirror SVM's: every port (I/O bitmaps of ones), the MSRs
 * msr.c lists (where the syscall MSRs the VMCS lacks are explained), HLT,
 * MONITOR/MWAIT, XSETBV, the VMX instructions, and the CR0/CR4 bits VMX
 * fixes (vmcs.c). Host interrupts and NMIs exit; a VMX-preemption timer
 * set to the host's next tick backs the interrupts up.
 *
 * A VMCS is active on one CPU at a time: the CPU that created its vCPU.
 * Moving a vCPU needs a VMCLEAR there first, which comes with the scheduler
 * (issue 5); until then using a vCPU on another CPU is a Petrel bug.
 *
 * TLBs. EPT and VPID tag what the CPU caches. INVEPT (single-context, else
 * all-context) and INVVPID (likewise) run whenever a vCPU runs on a CPU
 * after another one did (which covers reused VPIDs and EPT roots), and
 * before the next entry after a p2m change that asked for it.
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
#include "vmcs.h"
#include "vmx.h"

#define MAX_VPIDS           4096
#define X86_CR4_VMXE        BIT(13)
#define X86_CR0_NW          BIT(29)
#define X86_CR0_CD          BIT(30)
#define VMX_VENDOR_VMFAIL   BIT(32)     /* hvm_exit.vendor_code of a VMfail */

struct vmx_cpu {
    paddr_t vmxon_pa;
    struct vcpu *current;           /* whose VMCS is current (VMPTRLD) */
    struct vcpu *last;              /* whose TLB entries and syscall MSRs are live */
};

static struct vmx_cpu vmx_cpus[NR_CPUS];
static bool vpid_used[MAX_VPIDS];   /* guarded by vpid_lock; 0 is the host's */
static spinlock_t vpid_lock = SPINLOCK_INIT;

/* ---- per-CPU and global setup ------------------------------------------- */

/* A page for the processor: below 4 GiB when IA32_VMX_BASIC[48] says so. */
static paddr_t vmx_frames(unsigned int order)
{
    paddr_t pa = (vmx_config.basic & VMX_BASIC_32BIT_ADDR) ? frame_alloc_below(order, GiB(4))
                                                           : frame_alloc(order);

    if (pa)
        memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
    return pa;
}

/* A VMXON region or VMCS: a zeroed page starting with the revision id. */
static paddr_t vmx_region(void)
{
    paddr_t pa = vmx_frames(0);

    if (pa)
        *(uint32_t *)phys_to_virt(pa) = VMX_BASIC_REVISION(vmx_config.basic);
    return pa;
}

static int vmx_global_init(void)
{
    uint64_t cap = vmx_config.ept_vpid_cap;

    vmx_config.io_bitmaps_pa = vmx_frames(1);
    vmx_config.msr_bitmap_pa = vmx_frames(0);
    if (!vmx_config.io_bitmaps_pa || !vmx_config.msr_bitmap_pa)
        return -ENOMEM;
    memset(phys_to_virt(vmx_config.io_bitmaps_pa), 0xff, 2 * PAGE_SIZE);
    vmx_msr_bitmap_init(phys_to_virt(vmx_config.msr_bitmap_pa));
    hvm_p2m_caps = ((cap & EPT_CAP_2M) ? P2M_CAP_2M : 0) |
                   ((cap & EPT_CAP_2M) && (cap & EPT_CAP_1G) ? P2M_CAP_1G : 0);
    pr_info("VMX: revision %#x, EPT%s%s, VPID, unrestricted guest; controls pin %#x "
            "proc %#x/%#x exit %#x entry %#x\n", VMX_BASIC_REVISION(vmx_config.basic),
            (cap & EPT_CAP_2M) ? " 2M" : "", (cap & EPT_CAP_1G) ? " 1G" : "",
            vmx_config.pin, vmx_config.proc, vmx_config.proc2, vmx_config.exit,
            vmx_config.entry);
    return 0;
}

/* Turn VMX on in IA32_FEATURE_CONTROL if the firmware left it unlocked. */
static int feature_control_enable(void)
{
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCK)) {
        fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON;
        wrmsr(MSR_FEATURE_CONTROL, fc);
    }
    if (!(fc & FEATURE_CONTROL_VMXON)) {
        pr_err("VMX: disabled by the firmware on CPU %u\n", smp_processor_id());
        return -ENODEV;
    }
    return 0;
}

/*
 * CR0 and CR4 as VMX operation requires (SDM 23.8): the fixed bits, VMXE.
 * Caches on, too: VM entry never loads CR0.CD and NW (SDM 26.3.2.1), so a
 * guest runs with the host's, and Bochs's BIOS leaves both set.
 */
static void host_fixed_bits(void)
{
    unsigned long cr0 = read_cr0() & ~(X86_CR0_CD | X86_CR0_NW);
    unsigned long cr4 = read_cr4() | X86_CR4_VMXE;

    cr0 = (cr0 | vmx_config.cr0_fixed0) & vmx_config.cr0_fixed1;
    cr4 = (cr4 | vmx_config.cr4_fixed0) & vmx_config.cr4_fixed1;
    if (cr0 != read_cr0())
        write_cr0(cr0);
    if (cr4 != read_cr4())
        write_cr4(cr4);
}

static bool vmxon(paddr_t pa)
{
    bool failed;

    asm volatile("vmxon %1; setna %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
    return !failed;
}

static int vmx_cpu_init(void)
{
    struct vmx_cpu *c = &vmx_cpus[smp_processor_id()];
    int rc;

    if (smp_processor_id() == 0 && (rc = vmx_global_init()))
        return rc;
    rc = feature_control_enable();
    if (rc)
        return rc;
    host_fixed_bits();
    c->vmxon_pa = vmx_region();
    if (!c->vmxon_pa)
        return -ENOMEM;
    if (!vmxon(c->vmxon_pa)) {
        pr_err("VMX: VMXON failed on CPU %u\n", smp_processor_id());
        frame_free(c->vmxon_pa, 0);
        c->vmxon_pa = 0;
        return -EIO;
    }
    return 0;
}

/* ---- VMCS and TLB instructions ------------------------------------------ */

static bool vmclear(paddr_t pa)
{
    bool failed;

    asm volatile("vmclear %1; setna %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
    return !failed;
}

static bool vmptrld(paddr_t pa)
{
    bool failed;

    asm volatile("vmptrld %1; setna %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
    return !failed;
}

static void invept(uint64_t eptp)
{
    struct { uint64_t eptp, zero; } desc = { eptp, 0 };
    uint64_t type = (vmx_config.ept_vpid_cap & EPT_CAP_INVEPT_SINGLE) ? INVEPT_SINGLE
                                                                      : INVEPT_ALL;

    asm volatile("invept %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

static void invvpid(uint16_t vpid)
{
    struct { uint64_t vpid, linear; } desc = { vpid, 0 };
    uint64_t type = (vmx_config.ept_vpid_cap & VPID_CAP_INVVPID_SINGLE) ? INVVPID_SINGLE
                                                                        : INVVPID_ALL;

    asm volatile("invvpid %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

void vmcs_write_failed(uint32_t field, uint64_t val)
{
    unsigned int err = vmcs_read(VMCS_INSN_ERROR);

    pr_err("VMX: VMWRITE of %#lx to field %#x failed: error %u (%s)\n", val, field, err,
           vmx_insn_error_name(err));
}

/*
 * Make v's VMCS current on this CPU. The first time, it becomes active
 * here and gets this CPU's host state.
 */
void vmx_vmcs_use(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_cpu *c = &vmx_cpus[cpu];
    struct vmx_vcpu *x = vmx_of(v);

    if (c->current == v)
        return;
    /* A vCPU's VMCS is cleared whenever it leaves a CPU (vmx_vmcs_release). */
    ASSERT(x->cpu < 0 || x->cpu == (int)cpu);
    if (!vmptrld(x->vmcs_pa))
        panic("VMX: VMPTRLD of %#lx failed", x->vmcs_pa);
    c->current = v;
    if (x->cpu < 0) {
        x->cpu = cpu;
        vmcs_init_host();
    }
}

/*
 * Make v's VMCS inactive on this CPU (VMCLEAR writes it back to memory), so
 * that any CPU may load it next; the next entry is a VMLAUNCH.
 */
void vmx_vmcs_release(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_cpu *c = &vmx_cpus[cpu];
    struct vmx_vcpu *x = vmx_of(v);

    if (x->cpu < 0)
        return;
    ASSERT(x->cpu == (int)cpu);
    if (!vmclear(x->vmcs_pa))
        panic("VMX: VMCLEAR of %#lx failed", x->vmcs_pa);
    if (c->current == v)
        c->current = NULL;
    x->cpu = -1;
    x->launched = false;
}

/* ---- VPIDs -------------------------------------------------------------- */

/*
 * VPIDs are per vCPU and reused after the vCPU is destroyed: a reused VPID
 * is clean because a vCPU flushes its VPID when it arrives on a CPU
 * (vcpu_arrive). Returns 0 when all are taken.
 */
static uint16_t vpid_alloc(void)
{
    unsigned long flags = spin_lock_irqsave(&vpid_lock);
    uint16_t vpid = 0;

    for (unsigned int i = 1; i < MAX_VPIDS && !vpid; i++)
        if (!vpid_used[i]) {
            vpid_used[i] = true;
            vpid = i;
        }
    spin_unlock_irqrestore(&vpid_lock, flags);
    return vpid;
}

static void vpid_free(uint16_t vpid)
{
    unsigned long flags = spin_lock_irqsave(&vpid_lock);

    vpid_used[vpid] = false;
    spin_unlock_irqrestore(&vpid_lock, flags);
}

/* ---- vCPUs -------------------------------------------------------------- */

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *x = vmx_of(v);
    bool leak = false;

    if (!x)
        return;
    for (unsigned int i = 0; i < NR_CPUS; i++) {
        if (vmx_cpus[i].current == v)
            vmx_cpus[i].current = NULL;
        if (vmx_cpus[i].last == v)
            vmx_cpus[i].last = NULL;
    }
    /* The CPU may hold parts of an active VMCS and write them back later. */
    if (x->cpu >= 0 && (x->cpu != (int)smp_processor_id() || !vmclear(x->vmcs_pa))) {
        pr_err("VMX: cannot VMCLEAR the VMCS of vCPU %u (active on CPU %d); its page is "
               "not freed\n", v->id, x->cpu);
        leak = true;
    }
    if (x->vmcs_pa && !leak)
        frame_free(x->vmcs_pa, 0);
    if (x->vapic_pa)
        frame_free(x->vapic_pa, 0);
    if (x->vpid)
        vpid_free(x->vpid);
    xfree(x);
    v->hvm.vendor = NULL;
}

static int vmx_vcpu_create(struct vcpu *v)
{
    struct vmx_vcpu *x = xzalloc(sizeof(*x));
    int rc;

    if (!x)
        return -ENOMEM;
    v->hvm.vendor = x;
    x->cpu = -1;
    x->vmcs_pa = vmx_region();
    x->vapic_pa = vmx_frames(0);
    x->vpid = vpid_alloc();
    x->eptp = p2m_root(v->domain->p2m) | EPTP_WB_WALK4;
    rc = !x->vpid ? -ENOSPC : !x->vmcs_pa || !x->vapic_pa ? -ENOMEM : 0;
    if (!rc && !vmclear(x->vmcs_pa))
        rc = -EIO;
    if (rc) {
        vmx_vcpu_destroy(v);
        return rc;
    }
    vmx_vmcs_use(v);
    vmcs_init(v);
    vmx_vmcs_release(v);                    /* whichever CPU runs it loads it */
    x->exit_rip = ~0ull;
    v->hvm.rflags = 2;
    return 0;
}

/* 'v' runs on this CPU after another vCPU, or for the first time. */
static void vcpu_arrive(struct vmx_cpu *c, struct vcpu *v)
{
    vmx_syscall_msrs_switch(c->last, v);
    invept(vmx_of(v)->eptp);
    invvpid(vmx_of(v)->vpid);
    vmx_of(v)->flush_ept = vmx_of(v)->flush_vpid = false;
    c->last = v;
}

/*
 * An exit can interrupt the delivery of an event (an EPT violation while
 * the guest's #PF is being delivered, say): the IDT-vectoring information
 * then holds it, and it must be injected again or the guest loses it (SDM
 * 27.2.4). Software interrupts and exceptions (INTn, INT3, INTO, INT1) are
 * not: their instruction has not completed and runs again. A handler that
 * injects something else before the next entry overrides this.
 */
static void requeue_interrupted_event(void)
{
    uint32_t info = vmcs_read(VMCS_IDT_VECTORING_INFO);
    unsigned int type = INTR_TYPE(info);

    if (!(info & INTR_VALID) || type == INTR_TYPE_SOFT_INT ||
        type == INTR_TYPE_PRIV_SOFT_EXC || type == INTR_TYPE_SOFT_EXC)
        return;
    if (info & INTR_DELIVER_ERROR)
        vmcs_write(VMCS_ENTRY_EXC_ERROR, vmcs_read(VMCS_IDT_VECTORING_ERROR));
    vmcs_write(VMCS_ENTRY_INTR_INFO, info & (INTR_VALID | INTR_DELIVER_ERROR | 0x7ff));
}

/* The entry failed before the guest ran (VMfail): say why, as an exit. */
static void entry_failed(struct vcpu *v, int rc, struct hvm_exit *exit)
{
    unsigned int err = rc == 1 ? vmcs_read(VMCS_INSN_ERROR) : 0;

    pr_err("VMX: VM%s of vCPU %u failed: %s%u (%s)\n", vmx_of(v)->launched ? "RESUME" : "LAUNCH",
           v->id, rc == 1 ? "VM-instruction error " : "no current VMCS, ", err,
           rc == 1 ? vmx_insn_error_name(err) : "VMfailInvalid");
    *exit = (struct hvm_exit){ .reason = HVM_EXIT_FAILED_ENTRY,
                               .vendor_code = VMX_VENDOR_VMFAIL | err };
}

/*
 * The host's timer ends a guest's turn: its interrupt exits (external-
 * interrupt exiting). The VMX-preemption timer, set to the same deadline,
 * backs that up where an interrupt may fail to exit: Bochs 2.7 exits for
 * none while the guest runs with RFLAGS.IF clear. It counts down at the
 * TSC's rate divided by 2^IA32_VMX_MISC[4:0] (SDM 25.5.1).
 */
static uint32_t preemption_timer_value(void)
{
    uint64_t deadline = this_cpu()->timer_deadline, now = rdtsc();

    if (!deadline)
        return UINT32_MAX;
    if (deadline <= now)
        return 0;
    return MIN((deadline - now) >> VMX_MISC_TIMER_RATE(vmx_config.misc), UINT32_MAX);
}

/* Guest state changed by Petrel before the entry: registers, shadows. */
static void sync_to_vmcs(struct vcpu *v)
{
    struct vmx_vcpu *x = vmx_of(v);

    vmcs_write(VMCS_GUEST_RSP, v->hvm.gpr[GPR_RSP]);
    vmcs_write(VMCS_GUEST_RIP, v->hvm.rip);
    vmcs_write(VMCS_GUEST_RFLAGS, v->hvm.rflags);
    /* An emulated instruction ends the STI / MOV SS shadow (SDM 26.3.1.5). */
    if (v->hvm.rip != x->exit_rip)
        vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
                   ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
    if (vmx_config.pin & PIN_PREEMPTION_TIMER)
        vmcs_write(VMCS_PREEMPTION_TIMER, preemption_timer_value());
    if (__atomic_exchange_n(&v->hvm.flush_pending, false, __ATOMIC_ACQ_REL))
        x->flush_ept = true;
    if (x->flush_ept)
        invept(x->eptp);
    if (x->flush_vpid)
        invvpid(x->vpid);
    x->flush_ept = x->flush_vpid = false;
}

static void vmx_vcpu_run(struct vcpu *v, struct hvm_exit *exit)
{
    struct vmx_cpu *c = &vmx_cpus[smp_processor_id()];
    struct vmx_vcpu *x = vmx_of(v);
    uint32_t reason;
    int rc;

    vmx_vmcs_use(v);
    if (c->last != v)
        vcpu_arrive(c, v);
    sync_to_vmcs(v);

    local_irq_disable();
    rc = vmx_enter(v->hvm.gpr, x->launched);
    reason = rc ? 0 : vmcs_read(VMCS_EXIT_REASON);
    /* NMIs exit, and stay blocked until an IRET: let the host's handler run. */
    if (!rc && EXIT_REASON_BASIC(reason) == VMX_EXIT_EXC_NMI &&
        INTR_TYPE(vmcs_read(VMCS_EXIT_INTR_INFO)) == INTR_TYPE_NMI)
        asm volatile("int $2");
    local_irq_window();                     /* take the interrupt that made us exit */

    if (rc) {
        entry_failed(v, rc, exit);
        return;
    }
    if (x->intr_window) {
        vmcs_write(VMCS_PROC_CONTROLS, vmx_config.proc);
        x->intr_window = false;
    }
    v->hvm.gpr[GPR_RSP] = vmcs_read(VMCS_GUEST_RSP);
    v->hvm.rip = x->exit_rip = vmcs_read(VMCS_GUEST_RIP);
    v->hvm.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
    if (!(reason & EXIT_REASON_ENTRY_FAIL)) {
        x->launched = true;
        requeue_interrupted_event();
    }
    vmx_decode_exit(v, reason, exit);
}

/*
 * Exceptions deliver an error code only in protected mode, and only for
 * the vectors that have one (SDM 26.2.1.3): the entry checks exactly that.
 */
static bool delivers_error(struct vcpu *v, enum hvm_event_type type, uint8_t vector)
{
    static const uint32_t with_error = BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) |
                                       BIT(14) | BIT(17) | BIT(21);

    return type == EVENT_EXCEPTION && vector < 32 && (with_error & BIT(vector)) &&
           (vmcs_read(VMCS_GUEST_CR0) & X86_CR0_PE);
}

static void vmx_inject_event(struct vcpu *v, enum hvm_event_type type, uint8_t vector,
                             bool has_error, uint32_t error)
{
    static const uint8_t types[] = {
        [EVENT_EXTINT] = INTR_TYPE_EXTINT, [EVENT_NMI] = INTR_TYPE_NMI,
        [EVENT_EXCEPTION] = INTR_TYPE_HW_EXC, [EVENT_SOFTINT] = INTR_TYPE_SOFT_INT,
    };
    uint32_t info = vector | ((uint32_t)types[type] << 8) | INTR_VALID;

    vmx_vmcs_use(v);
    if (delivers_error(v, type, vector)) {
        info |= INTR_DELIVER_ERROR;
        vmcs_write(VMCS_ENTRY_EXC_ERROR, has_error ? error : 0);
    }
    /* A software interrupt pushes RIP + this length: the caller has moved
     * RIP past the INTn already, as on SVM (needs IA32_VMX_MISC[30]). */
    if (type == EVENT_SOFTINT)
        vmcs_write(VMCS_ENTRY_INSN_LEN, 0);
    vmcs_write(VMCS_ENTRY_INTR_INFO, info);
}

/* ---- the rest of the contract ------------------------------------------- */

struct vcpu *vmx_last_vcpu(void)
{
    return vmx_cpus[smp_processor_id()].last;
}

/* Every vCPU of 'd' drops its cached EPT translations before it next runs. */
static void vmx_flush_p2m(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            __atomic_store_n(&d->vcpus[i]->hvm.flush_pending, true, __ATOMIC_RELEASE);
}

/* RFLAGS.IF clear, an STI / MOV SS shadow still on, or an event queued. */
static bool vmx_intr_blocked(struct vcpu *v)
{
    struct vmx_vcpu *x = vmx_of(v);

    vmx_vmcs_use(v);
    if (!(v->hvm.rflags & X86_EFLAGS_IF) || (vmcs_read(VMCS_ENTRY_INTR_INFO) & INTR_VALID))
        return true;
    return v->hvm.rip == x->exit_rip &&
           (vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
            (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* Interrupt-window exiting (SDM 25.2): exit as soon as the guest can take
 * an interrupt; vmx_vcpu_run turns it off at the next exit. */
static void vmx_intr_window(struct vcpu *v)
{
    struct vmx_vcpu *x = vmx_of(v);

    vmx_vmcs_use(v);
    vmcs_write(VMCS_PROC_CONTROLS, vmx_config.proc | PROC_INTR_WINDOW);
    x->intr_window = true;
}

/*
 * Leaving this CPU: the syscall MSRs go back to memory, the VMCS is
 * cleared. The next CPU to run it (this one included) flushes its EPT and
 * VPID translations on arrival, as the guest may have run elsewhere.
 */
static void vmx_vcpu_unload(struct vcpu *v)
{
    struct vmx_cpu *c = &vmx_cpus[smp_processor_id()];

    if (c->last == v) {
        vmx_syscall_msrs_switch(v, NULL);
        c->last = NULL;
    }
    vmx_vmcs_release(v);
}

static void vmx_hypercall_insn(uint8_t out[3])
{
    out[0] = 0x0f;                          /* VMCALL */
    out[1] = 0x01;
    out[2] = 0xc1;
}

/* The TPR shadow: byte 0x80 of the virtual-APIC page (SDM vol. 3, 29.1.1);
 * MOV CR8 reads and writes TPR[7:4] there without an exit. */
static uint8_t vmx_get_tpr(struct vcpu *v)
{
    return *((volatile uint8_t *)phys_to_virt(vmx_of(v)->vapic_pa) + 0x80);
}

static void vmx_set_tpr(struct vcpu *v, uint8_t tpr)
{
    *((volatile uint8_t *)phys_to_virt(vmx_of(v)->vapic_pa) + 0x80) = tpr;
}

const struct hvm_ops vmx_ops = {
    .name = "VMX",
    .p2m_format = P2M_FORMAT_EPT,
    .cpu_init = vmx_cpu_init,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_run = vmx_vcpu_run,
    .inject_event = vmx_inject_event,
    .get_segment = vmx_get_segment,
    .set_segment = vmx_set_segment,
    .get_paging = vmx_get_paging,
    .set_paging = vmx_set_paging,
    .get_cpl = vmx_get_cpl,
    .msr_read = vmx_msr_read,
    .msr_write = vmx_msr_write,
    .flush_p2m = vmx_flush_p2m,
    .hypercall_insn = vmx_hypercall_insn,
    .dump = vmx_dump,
    .intr_blocked = vmx_intr_blocked,
    .intr_window = vmx_intr_window,
    .vcpu_unload = vmx_vcpu_unload,
    .get_tpr = vmx_get_tpr,
    .set_tpr = vmx_set_tpr,
};
