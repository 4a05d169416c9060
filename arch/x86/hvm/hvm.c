// SPDX-License-Identifier: MIT
/*
 * The vendor-neutral side of running a vCPU: choosing the vendor at boot,
 * the run loop, and one handler per neutral exit reason, dispatched through
 * a table. Whatever a guest does that Petrel cannot allow ends in
 * domain_crash() with a log line, never in a hypervisor panic.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <public/sched.h>
#include <x86/hvm/decode.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>

extern const struct hvm_ops svm_ops, vmx_ops;
bool svm_available(void);
bool vmx_available(void);

const struct hvm_ops *hvm;
unsigned int hvm_p2m_caps;

int hvm_init(void)
{
    if (svm_available())
        hvm = &svm_ops;
    else if (vmx_available())
        hvm = &vmx_ops;
    if (!hvm) {
        pr_warn("HVM: no usable SVM (with NPT) or VMX (with EPT, VPID and unrestricted "
                "guest) on this CPU; guests cannot run\n");
        return -ENODEV;
    }
    pr_info("HVM: using %s\n", hvm->name);
    return 0;
}

int hvm_cpu_init(void)
{
    return hvm ? hvm->cpu_init() : -ENODEV;
}

void hvm_flush_p2m(struct domain *d)
{
    hvm->flush_p2m(d);
    /* Those running elsewhere flush when they exit: make them. */
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i] && d->vcpus[i] != current_vcpu())
            vcpu_kick(d->vcpus[i]);
}

/* Spin until v's guest_seq moves on from 'seen', kicking it now and then
 * (its kick may have come just before its entry). */
static void wait_seq_moved(struct vcpu *v, uint64_t seen)
{
    for (unsigned int spins = 1; __atomic_load_n(&v->hvm.guest_seq, __ATOMIC_ACQUIRE) == seen;
         spins++) {
        cpu_relax();
        if (!(spins % 4096))
            vcpu_kick(v);
    }
}

void hvm_flush_p2m_sync(struct domain *d)
{
    uint64_t seen[MAX_VCPUS];
    struct vcpu *me = current_vcpu();

    /* The caller, in an exit handler itself, holds no guest frame while it
     * waits: even meanwhile, so two waiters never wait for each other. */
    if (me)
        __atomic_add_fetch(&me->hvm.guest_seq, 1, __ATOMIC_SEQ_CST);
    hvm_flush_p2m(d);
    /* flush_pending stored before guest_seq read; the entry path does the
     * reverse (guest_seq, then flush_pending), so one of them sees the other. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        seen[i] = d->vcpus[i] ? __atomic_load_n(&d->vcpus[i]->hvm.guest_seq, __ATOMIC_ACQUIRE) : 0;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i] && d->vcpus[i] != me && (seen[i] & 1))
            wait_seq_moved(d->vcpus[i], seen[i]);
    if (me)
        __atomic_add_fetch(&me->hvm.guest_seq, 1, __ATOMIC_SEQ_CST);
}

void hvm_vcpu_release(struct vcpu *v)
{
    if (v != current_vcpu() && hvm->vcpu_unload)
        hvm->vcpu_unload(v);
}

void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    hvm->inject_event(v, EVENT_EXCEPTION, vector, has_error, error);
}

bool hvm_long_mode(struct vcpu *v)
{
    struct hvm_paging pg;
    struct hvm_segment cs;

    hvm->get_paging(v, &pg);
    hvm->get_segment(v, SEG_CS, &cs);
    return (pg.efer & EFER_LMA) && (cs.attr & BIT(9));
}

unsigned int hvm_insn_mode(struct vcpu *v)
{
    struct hvm_paging pg;
    struct hvm_segment cs;

    if (hvm_long_mode(v))
        return X86_MODE_LONG64;
    hvm->get_paging(v, &pg);
    if (!(pg.cr0 & X86_CR0_PE))
        return X86_MODE_REAL;
    hvm->get_segment(v, SEG_CS, &cs);
    return (cs.attr & BIT(10)) ? X86_MODE_PROT32 : X86_MODE_PROT16;
}

bool hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit)
{
    unsigned int len = exit->insn_len;

    if (!len) {
        uint8_t buf[15];
        struct x86_insn insn;
        int got = hvm_fetch_insn(v, buf, sizeof(buf));

        if (got <= 0 || x86_decode(buf, got, hvm_insn_mode(v), &insn)) {
            domain_crash(v->domain, "cannot decode the instruction at %#lx", v->hvm.rip);
            return false;
        }
        len = insn.length;
    }
    v->hvm.rip += len;
    if (!hvm_long_mode(v))
        v->hvm.rip &= 0xffffffff;
    return true;
}

static void exit_cpuid(struct vcpu *v, struct hvm_exit *e)
{
    uint32_t r[4];
    uint64_t *g = v->hvm.gpr;

    hvm_cpuid(v, g[GPR_RAX], g[GPR_RCX], r);
    g[GPR_RAX] = r[0];
    g[GPR_RBX] = r[1];
    g[GPR_RCX] = r[2];
    g[GPR_RDX] = r[3];
    hvm_skip_insn(v, e);
}

static void exit_msr_read(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t val, *g = v->hvm.gpr;

    if (hvm_msr_read(v, g[GPR_RCX], &val)) {
        hvm_inject_gp(v, 0);
        return;
    }
    g[GPR_RAX] = (uint32_t)val;
    g[GPR_RDX] = val >> 32;
    hvm_skip_insn(v, e);
}

static void exit_msr_write(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t *g = v->hvm.gpr;
    uint64_t val = (g[GPR_RDX] << 32) | (uint32_t)g[GPR_RAX];

    if (hvm_msr_write(v, g[GPR_RCX], val)) {
        hvm_inject_gp(v, 0);
        return;
    }
    hvm_skip_insn(v, e);
}

/*
 * HLT with interrupts off can only end by NMI or INIT: the vCPU goes down
 * (INIT-SIPI from another vCPU brings it back), and when none of the
 * domain's vCPUs is up any more the domain has powered off, as Xen decides
 * (hvm_hlt). Linux's `poweroff -f` and `halt` end in cli; hlt on every CPU
 * when there is no ACPI to power off with.
 */
static void hlt_down(struct vcpu *v)
{
    struct domain *d = v->domain;

    vcpu_down(v);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i] && vcpu_is_up(d->vcpus[i]))
            return;
    pr_info("domain %u: every vCPU halted with interrupts off: powered off\n", d->id);
    domain_shutdown(d, SHUTDOWN_poweroff);
}

static void exit_hlt(struct vcpu *v, struct hvm_exit *e)
{
    if (!hvm_skip_insn(v, e))
        return;
    if (!(v->hvm.rflags & X86_EFLAGS_IF))
        hlt_down(v);
    else
        vcpu_halt(v);
}

/*
 * A hypercall: VMMCALL/VMCALL, from the page or directly. Only the guest
 * kernel may call (as in Xen), and only from 64-bit mode: Petrel offers the
 * 64-bit ABI alone (include/public/xen.h), so a call from another mode gets
 * -ENOSYS rather than structures read with the wrong layout.
 */
static void exit_hypercall(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t *g = v->hvm.gpr;
    uint64_t args[5] = { g[GPR_RDI], g[GPR_RSI], g[GPR_RDX], g[GPR_R10], g[GPR_R8] };

    if (!hvm_skip_insn(v, e))
        return;
    if (hvm->get_cpl(v) != 0)
        g[GPR_RAX] = -EPERM;
    else if (!hvm_long_mode(v))
        g[GPR_RAX] = (uint32_t)-ENOSYS;
    else
        g[GPR_RAX] = hypercall_dispatch(v, g[GPR_RAX], args);
}

static void exit_npf(struct vcpu *v, struct hvm_exit *e)
{
    if (hvm_mmio(v, e))
        return;
    domain_crash(v->domain, "%s at guest-physical %#lx (%s, RIP %#lx): nothing is mapped there",
                 e->npf.present ? "access violation" : "nested page fault", e->npf.gpa,
                 e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read", v->hvm.rip);
}

/*
 * XSETBV (a vendor that intercepts it): validate XCR0 against what the CPU
 * supports, then set it. Petrel uses no extended state itself, so the
 * host's CR4.OSXSAVE is turned on only here, when a guest first needs it
 * (and not at boot: QEMU 7.2's TCG was seen to hang on that CR4 write).
 */
static void exit_xsetbv(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t *g = v->hvm.gpr;
    uint64_t val = (g[GPR_RDX] << 32) | (uint32_t)g[GPR_RAX];
    struct cpuid_regs xs = cpuid_count(0xd, 0);
    uint64_t supported = ((uint64_t)xs.edx << 32) | xs.eax;

    if (!(cpuid(1).ecx & BIT(26))) {
        hvm_inject_ud(v);                   /* no XSAVE on this CPU */
        return;
    }
    if (!(read_cr4() & X86_CR4_OSXSAVE))
        write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    if (hvm->get_cpl(v) != 0 || (uint32_t)g[GPR_RCX] != 0 || !(val & 1) ||
        (val & ~supported) || ((val & 4) && !(val & 2))) {
        hvm_inject_gp(v, 0);
        return;
    }
    asm volatile("xsetbv" :: "c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
    hvm_skip_insn(v, e);
}

static void exit_invalid_op(struct vcpu *v, struct hvm_exit *e)
{
    hvm_inject_ud(v);
}

/*
 * A triple fault (the guest could not deliver an exception) resets a real
 * machine: the domain shuts down with HVM_PARAM_TRIPLE_FAULT_REASON,
 * SHUTDOWN_reboot unless its toolstack or the guest chose otherwise, as
 * Xen's hvm_triple_fault. (Linux as a PVH guest does not reboot this way:
 * it asks with SCHEDOP_shutdown.) The crash reason keeps domain_crash's
 * register dump and state, which the toolstack's on_crash reads.
 */
static void exit_triple_fault(struct vcpu *v, struct hvm_exit *e)
{
    struct domain *d = v->domain;
    unsigned int reason = d->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON];

    if (reason == SHUTDOWN_crash) {
        domain_crash(d, "triple fault (the guest could not deliver an exception)");
        return;
    }
    pr_info("domain %u: triple fault on vCPU %u (RIP %#lx): shutting down, reason %s "
            "(HVM_PARAM_TRIPLE_FAULT_REASON)\n", d->id, v->id, v->hvm.rip,
            shutdown_reason_name(reason));
    domain_shutdown(d, reason);
}

static void exit_failed_entry(struct vcpu *v, struct hvm_exit *e)
{
    domain_crash(v->domain, "the processor refused to enter the guest (exit %#lx)",
                 e->vendor_code);
}

static void exit_unhandled(struct vcpu *v, struct hvm_exit *e)
{
    domain_crash(v->domain, "unhandled exit %#lx", e->vendor_code);
}

static void exit_none(struct vcpu *v, struct hvm_exit *e)
{
}

/* A start state: CS, one data segment for the others, TR, LDTR, paging;
 * general registers cleared. */
static void load_start_state(struct vcpu *v, const struct hvm_segment *code,
                             const struct hvm_segment *data, const struct hvm_segment *tr,
                             const struct hvm_segment *ldtr, const struct hvm_paging *pg)
{
    hvm->set_segment(v, SEG_CS, code);
    for (enum hvm_seg s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            hvm->set_segment(v, s, data);
    hvm->set_segment(v, SEG_TR, tr);
    hvm->set_segment(v, SEG_LDTR, ldtr);
    hvm->set_paging(v, pg);
    memset(v->hvm.gpr, 0, sizeof(v->hvm.gpr));
}

/*
 * The PVH start state (include/public/hvm/start_info.h): 32-bit flat
 * protected mode, paging off, EIP at the entry, EBX the start info.
 */
void hvm_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
    static const struct hvm_segment code = { 0x08, 0xc9b, 0xffffffff, 0 };
    static const struct hvm_segment data = { 0x10, 0xc93, 0xffffffff, 0 };
    static const struct hvm_segment tr = { 0x18, 0x08b, 0x67, 0 };
    static const struct hvm_segment ldtr = { 0, 0x082, 0xffff, 0 };
    struct hvm_paging pg = { .cr0 = X86_CR0_PE | BIT(4) /* ET */ };

    load_start_state(v, &code, &data, &tr, &ldtr, &pg);
    v->hvm.gpr[GPR_RBX] = start_info;
    v->hvm.rip = entry;
    v->hvm.rflags = 2;
}

/*
 * The state INIT then a SIPI leave (SDM vol. 3, 9.1.1 and 8.4.4): real
 * mode, CS = vector << 8 (base vector << 12), IP 0, data segments at 0
 * with 64 KiB limits, CR0 = ET, EFER 0. GDTR, IDTR and the debug
 * registers are not reset here: struct hvm_ops offers no hook for them.
 * 'v' is down and not running; the caller runs on another vCPU's pCPU.
 */
void hvm_set_sipi_start(struct vcpu *v, uint8_t vector)
{
    const struct hvm_segment code = { (uint16_t)(vector << 8), 0x09b, 0xffff,
                                      (uint64_t)vector << 12 };
    static const struct hvm_segment data = { 0, 0x093, 0xffff, 0 };
    static const struct hvm_segment tr = { 0, 0x08b, 0xffff, 0 };
    static const struct hvm_segment ldtr = { 0, 0x082, 0xffff, 0 };
    struct hvm_paging pg = { .cr0 = BIT(4) /* ET */ };

    load_start_state(v, &code, &data, &tr, &ldtr, &pg);
    v->hvm.rip = 0;
    v->hvm.rflags = 2;
    hvm_vcpu_release(v);                    /* set from the sender's pCPU */
}

typedef void (*exit_handler_t)(struct vcpu *v, struct hvm_exit *e);

static const exit_handler_t exit_handlers[NR_HVM_EXITS] = {
    [HVM_EXIT_NONE] = exit_none,
    [HVM_EXIT_CPUID] = exit_cpuid,
    [HVM_EXIT_MSR_READ] = exit_msr_read,
    [HVM_EXIT_MSR_WRITE] = exit_msr_write,
    [HVM_EXIT_HLT] = exit_hlt,
    [HVM_EXIT_HYPERCALL] = exit_hypercall,
    [HVM_EXIT_IO] = hvm_io,
    [HVM_EXIT_NPF] = exit_npf,
    [HVM_EXIT_XSETBV] = exit_xsetbv,
    [HVM_EXIT_CR_WRITE] = hvm_cr_write,
    [HVM_EXIT_INVALID_OP] = exit_invalid_op,
    [HVM_EXIT_TRIPLE_FAULT] = exit_triple_fault,
    [HVM_EXIT_FAILED_ENTRY] = exit_failed_entry,
    [HVM_EXIT_UNHANDLED] = exit_unhandled,
};

void hvm_handle_exit(struct vcpu *v, struct hvm_exit *exit)
{
    exit_handlers[exit->reason < NR_HVM_EXITS ? exit->reason : HVM_EXIT_UNHANDLED](v, exit);
}

/*
 * Run v, loaded on this pCPU, until the scheduler wants the pCPU back or
 * v's domain stops. A guest that never exits is still stopped in time: the
 * scheduler's deadline is a timer whose interrupt makes it exit.
 */
void hvm_run_vcpu(struct vcpu *v)
{
    unsigned int me = smp_processor_id();
    struct hvm_exit exit;

    while (domain_running(v->domain)) {
        hvm_intr_assist(v);
        /* Odd from before the vendor looks at flush_pending until the exit
         * is handled (hvm_flush_p2m_sync): a handler may hold a guest frame
         * it looked up. The locked add orders it before that look. */
        __atomic_add_fetch(&v->hvm.guest_seq, 1, __ATOMIC_SEQ_CST);
        hvm->vcpu_run(v, &exit);
        hvm_intr_sync_tpr(v);
        hvm_handle_exit(v, &exit);
        __atomic_add_fetch(&v->hvm.guest_seq, 1, __ATOMIC_RELEASE);
        if (sched_need_resched(me, system_time_ns()))
            break;
    }
}
